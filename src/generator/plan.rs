//! From the cluster model to the list of files and links the generator
//! writes for this host. No text is produced here: each [`Item`] says what
//! to render and where; `render` turns it into bytes.

use std::path::{Path, PathBuf};
use std::rc::Rc;

use crate::model::{Archiver, Cluster, Node, Role};

/// The drop-in file name inside `zeek@<node>.service.d/`.
pub const DROP_IN_NAME: &str = "50-zeek-systemd-generator.conf";

/// A file in the output dir, rewritten by every run, whose appearance
/// after a `daemon-reload` makes `zeek-config-check.path` run the check.
pub const GENERATED_MARKER: &str = "zeek-systemd/generated";

/// Everything the generator writes for this host.
#[derive(Debug)]
pub struct Plan<'a> {
    pub cluster: &'a Cluster,
    /// The output dir as systemd will see it at run time; the template's
    /// start condition points at the drop-ins inside it.
    pub normal_dir: PathBuf,
    /// This program, as zeek-setup.service calls it to write the layout.
    pub generator_exe: PathBuf,
    pub items: Vec<Item<'a>>,
    /// The config on disk was invalid and these units come from the last
    /// good one: the error (`file:line: key: message`), for the units that
    /// tell the operator. `None` for a valid config.
    pub rejected: Option<String>,
    /// The version of the systemd that runs the generator, where it could
    /// be read (see `systemd::version_from_maps`): restart back-off needs
    /// 254. `None` for a person's `render`/`check`, and the units then
    /// carry no back-off.
    pub systemd_version: Option<u32>,
    /// The cluster's secrets file when it is encrypted (issue 18): zeek-setup
    /// splits it into each kind of node's credential. Resolved against the
    /// build-time config dir; the generator sets it for the config dir it
    /// reads.
    pub secrets: Option<PathBuf>,
}

/// One file or link, relative to the output dir.
#[derive(Debug)]
pub struct Item<'a> {
    pub what: Artifact<'a>,
}

impl Item<'_> {
    /// Where the item goes, relative to the output dir. Computed when it
    /// is written rather than kept: a plan for thousands of nodes holds no
    /// string per node.
    pub fn path(&self) -> PathBuf {
        match &self.what {
            Artifact::NodeTemplate => PathBuf::from("zeek@.service"),
            Artifact::CrashHook => PathBuf::from("zeek-node-crashed@.service"),
            Artifact::NodeDropIn(drop_in) => drop_in_path(&drop_in.node.name),
            Artifact::Target { .. } => PathBuf::from("zeek.target"),
            Artifact::Setup => PathBuf::from("zeek-setup.service"),
            Artifact::ConfigCheckPath => PathBuf::from("zeek-config-check.path"),
            Artifact::ConfigCheck => PathBuf::from("zeek-config-check.service"),
            Artifact::Archiver { .. } => PathBuf::from("zeek-archiver.service"),
            Artifact::Ops(unit) => PathBuf::from(unit.path()),
            Artifact::Link { path, .. } => PathBuf::from(path),
        }
    }
}

/// What an [`Item`] holds.
#[derive(Debug)]
pub enum Artifact<'a> {
    /// `zeek@.service`, the one template every node runs from.
    NodeTemplate,
    /// `zeek-node-crashed@.service`, started for a node that stopped
    /// uncleanly: the operator's alerting hook.
    CrashHook,
    /// The settings of one node.
    NodeDropIn(NodeDropIn<'a>),
    /// `zeek.target`: it wants every node of this host, then the `others`
    /// (zeek-setup, zeek-archiver), in that order.
    Target {
        nodes: Vec<&'a Node>,
        others: Vec<&'static str>,
    },
    /// `zeek-setup.service`.
    Setup,
    /// `zeek-config-check.path`: part of the running cluster, it starts
    /// the check whenever a generator run left its marker.
    ConfigCheckPath,
    /// `zeek-config-check.service`: succeeds for a valid config, fails
    /// (and so shows in `systemctl --failed`) with the error for an
    /// invalid one.
    ConfigCheck,
    /// `zeek-archiver.service`, started before (and so stopped after) the
    /// units in `before`: the manager and loggers of this host, whose last
    /// rotated logs it must still see.
    Archiver {
        archiver: &'a Archiver,
        before: Rc<str>,
    },
    /// A unit (or rule file) that keeps the logs or tells a person: see
    /// [`OpsUnit`].
    Ops(OpsUnit),
    /// A symlink at `path` to `target`.
    Link {
        path: &'static str,
        target: &'static str,
    },
}

/// The files that expire archived logs and watch disk space (issue 19).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpsUnit {
    /// The systemd-tmpfiles rule that says how old an archived log may get.
    LogExpiryRules,
    /// Runs `systemd-tmpfiles --clean` on that rule.
    LogExpiryService,
    /// Runs the expiry hourly while the cluster runs.
    LogExpiryTimer,
    /// Runs `zeek-systemd alert disk`.
    DiskWatchService,
    /// Runs the disk watch every minute while the cluster runs.
    DiskWatchTimer,
}

/// Where [`OpsUnit::LogExpiryRules`] goes in the output dir: systemd-tmpfiles
/// reads no generator dir by itself; the expiry service names the file.
pub const LOG_EXPIRY_RULES: &str = "zeek-systemd/log-expiry.conf";

impl OpsUnit {
    /// The file's path in the output dir.
    pub fn path(self) -> &'static str {
        match self {
            OpsUnit::LogExpiryRules => LOG_EXPIRY_RULES,
            OpsUnit::LogExpiryService => "zeek-log-expiry.service",
            OpsUnit::LogExpiryTimer => "zeek-log-expiry.timer",
            OpsUnit::DiskWatchService => "zeek-disk-watch.service",
            OpsUnit::DiskWatchTimer => "zeek-disk-watch.timer",
        }
    }
}

/// The operations units of this host and the timers `zeek.target` wants:
/// the disk watch wherever something runs, the log expiry where the
/// archive is (the archiver runs here) unless logs are kept forever.
fn ops_items(cluster: &Cluster, others: &mut Vec<&'static str>) -> Vec<Item<'static>> {
    let mut units = vec![OpsUnit::DiskWatchService, OpsUnit::DiskWatchTimer];
    others.push(OpsUnit::DiskWatchTimer.path());
    if cluster.archiver.is_some() && cluster.settings.operations.log_keep.is_some() {
        units.extend([
            OpsUnit::LogExpiryRules,
            OpsUnit::LogExpiryService,
            OpsUnit::LogExpiryTimer,
        ]);
        others.push(OpsUnit::LogExpiryTimer.path());
    }
    units
        .into_iter()
        .map(|unit| Item {
            what: Artifact::Ops(unit),
        })
        .collect()
}

/// A node's drop-in: the node and the units it starts after.
#[derive(Debug)]
pub struct NodeDropIn<'a> {
    pub node: &'a Node,
    /// Concrete unit names, space-separated (an `After=` on a template
    /// name orders nothing). Shared by every node of a role.
    pub after: Rc<str>,
}

/// The unit name of a node.
pub fn unit_name(node: &Node) -> String {
    unit_name_of(&node.name)
}

/// The unit name of the node named `name`.
pub fn unit_name_of(name: &str) -> String {
    format!("zeek@{name}.service")
}

/// The drop-in path of a node, relative to the output dir.
pub fn drop_in_path(node_name: &str) -> PathBuf {
    PathBuf::from(format!("zeek@{node_name}.service.d/{DROP_IN_NAME}"))
}

/// Lays out what this host gets.
///
/// Ordered only where correctness needs it, so that everything else starts
/// (and stops) in parallel: zeek-setup before every unit (the template's
/// `After=`); the archiver before the nodes that write logs (so it stops
/// after them); the loggers before every other node of this host, so that
/// at a stop they outlive the nodes that send them logs (Zeek's ZeroMQ
/// backend pushes logs straight to the loggers; a logger that is gone
/// loses what a stopping worker flushes). Without loggers the manager is
/// the logger and takes that place. The manager, proxies and workers are
/// not ordered among themselves: a node that starts before the manager's
/// ZeroMQ proxy listens keeps reconnecting until it does.
pub fn plan<'a>(cluster: &'a Cluster, normal_dir: &Path, generator_exe: &Path) -> Plan<'a> {
    // A host a multi-host config does not name runs nothing: not even an
    // empty zeek.target (the reader has said why in a warning).
    let items = if cluster.is_member() {
        host_items(cluster)
    } else {
        Vec::new()
    };
    Plan {
        cluster,
        normal_dir: normal_dir.to_path_buf(),
        generator_exe: generator_exe.to_path_buf(),
        items,
        rejected: None,
        systemd_version: None,
        secrets: crate::secrets::path_for(cluster, Path::new(crate::paths::DEFAULT_CONFIG_DIR)),
    }
}

/// The units of a host the cluster runs nodes (or only the archiver) on,
/// in the order they are written.
fn host_items(cluster: &Cluster) -> Vec<Item<'_>> {
    let local: Vec<&Node> = cluster.local_nodes().collect();
    let mut items = Vec::with_capacity(local.len() + 8);
    let mut others = Vec::with_capacity(5);
    if !local.is_empty() {
        items.push(Item {
            what: Artifact::NodeTemplate,
        });
        items.push(Item {
            what: Artifact::CrashHook,
        });
    }
    let has_loggers = cluster.nodes.iter().any(|n| n.role == Role::Logger);
    items.extend(node_drop_ins(&local, has_loggers));
    items.push(Item {
        what: Artifact::Setup,
    });
    others.push("zeek-setup.service");
    items.push(Item {
        what: Artifact::ConfigCheckPath,
    });
    items.push(Item {
        what: Artifact::ConfigCheck,
    });
    others.push("zeek-config-check.path");
    if let Some(archiver) = &cluster.archiver {
        items.push(Item {
            what: Artifact::Archiver {
                archiver,
                before: unit_names(&local, &[Role::Logger, Role::Manager]),
            },
        });
        others.push("zeek-archiver.service");
    }
    items.extend(ops_items(cluster, &mut others));
    items.push(Item {
        what: Artifact::Target {
            nodes: local,
            others,
        },
    });
    if cluster.settings.units.autostart {
        items.push(Item {
            what: Artifact::Link {
                path: "multi-user.target.wants/zeek.target",
                target: "../zeek.target",
            },
        });
    }
    items
}

/// One drop-in per node of this host; every node but the log receivers
/// is ordered after this host's log receivers (see [`plan`]): the loggers,
/// or the manager when the cluster has no logger anywhere.
fn node_drop_ins<'a>(local: &[&'a Node], has_loggers: bool) -> Vec<Item<'a>> {
    let receivers: &[Role] = if has_loggers {
        &[Role::Logger]
    } else {
        &[Role::Manager]
    };
    let after_receivers = unit_names(local, receivers);
    local
        .iter()
        .map(|node| {
            let after = if receivers.contains(&node.role) {
                Rc::from("")
            } else {
                Rc::clone(&after_receivers)
            };
            Item {
                what: Artifact::NodeDropIn(NodeDropIn { node, after }),
            }
        })
        .collect()
}

/// The unit names of this host's nodes of `roles`, space-separated.
fn unit_names(local: &[&Node], roles: &[Role]) -> Rc<str> {
    let names: Vec<String> = local
        .iter()
        .filter(|n| roles.contains(&n.role))
        .map(|n| unit_name(n))
        .collect();
    names.join(" ").into()
}
