//! `status`: systemd's view of this host's nodes, the setup and the
//! archiver units, as one table (like `zeekctl status`) or JSON.

pub mod cluster_view;
pub mod old_zeek_hosts;

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::Context as _;
use serde::Serialize;

use super::{print, Context};
use crate::config;
use crate::deployment::last_good::{ConfigState, Loaded};
use crate::deployment::{snapshot, Deployment};
use crate::error::Failure;
use crate::generator::plan;
use crate::log::Log;
use crate::model::Cluster;
use crate::ops::disk;
use crate::ops::systemctl::{self, unit_status, State, UnitStatus, PROPERTIES};
use crate::ops::table::{self, age, now};

/// `status` arguments.
#[derive(clap::Args, Debug)]
pub struct StatusArgs {
    /// Print JSON instead of the table.
    #[arg(long)]
    pub json: bool,
    /// Every node of every host of a multi-host cluster (each other host
    /// asked with `systemctl -H HOST`, over SSH), and the hosts that could
    /// not be asked.
    #[arg(long)]
    pub cluster: bool,
    /// The SSH user for --cluster (`USER@HOST`); default: ssh's own.
    #[arg(long, value_name = "USER", requires = "cluster")]
    pub ssh_user: Option<String>,
    /// The program the other hosts run (over SSH) to say which of their
    /// nodes run an old Zeek, as `deploy --remote-program`.
    #[arg(
        long,
        default_value = "zeek-systemd",
        value_name = "PATH",
        requires = "cluster"
    )]
    pub remote_program: String,
}

/// Runs `status`: exit 1 when systemd cannot be asked (it does not run
/// as PID 1 here); exit 3 when a node is not running, the config on disk
/// is invalid, a file system is below `[disk] min_free`, the archive
/// path is broken (the archive unwritable, the queue stalled), or a host
/// runs something other than the manager's (issue 18): whatever needs a
/// person.
pub fn exec(args: &StatusArgs, ctx: &Context) -> Result<(), Failure> {
    let (cluster, config_state) = config(ctx)?;
    if args.cluster {
        return cluster_status(args, &cluster, ctx);
    }
    systemctl::require(ctx.env, "the state of its nodes is unknown here")?;
    let mut status = collect(&cluster, config_state)?;
    status.deployed = deployed_report(ctx);
    status.hosts_differ.extend(left_out(&cluster, ctx));
    status.old_zeek = crate::ops::old_zeek::find(&cluster, ctx.env, &status.units);
    let text = if args.json {
        serde_json::to_string_pretty(&status).context("cannot encode the status")? + "\n"
    } else {
        status.table(now())
    };
    print(&text)?;
    if status.all_nodes_running()
        && status.config.state == ConfigState::Valid
        && status.disks_ok()
        && status.hosts_differ.is_empty()
        && status.old_zeek.is_empty()
    {
        Ok(())
    } else {
        Err(Failure::NotRunning)
    }
}

/// `status --cluster`: exit 3 unless every host was asked, every node
/// runs on the Zeek on disk and no host differs from the manager's.
fn cluster_status(args: &StatusArgs, cluster: &Cluster, ctx: &Context) -> Result<(), Failure> {
    if cluster.hosts.is_empty() {
        return Err(Failure::Other(anyhow::anyhow!(
            "--cluster: {} is a single-host config; `zeek-systemd status` shows all of it",
            cluster.settings.source.display()
        )));
    }
    let reach = old_zeek_hosts::Reach {
        user: args.ssh_user.as_deref(),
        program: &args.remote_program,
    };
    // Both ask every host over SSH: at once, not one after the other.
    let (views, old_zeek) = std::thread::scope(|s| {
        let views = s.spawn(|| cluster_view::collect(cluster, reach.user));
        let old_zeek = old_zeek_hosts::ask(cluster, ctx.env, reach);
        (views.join().expect("the hosts' thread"), old_zeek)
    });
    let differ = hosts_differ(cluster);
    let text = if args.json {
        let report = ClusterReport {
            hosts: &views,
            hosts_differ: &differ,
            old_zeek: &old_zeek,
        };
        serde_json::to_string_pretty(&report).context("cannot encode the status")? + "\n"
    } else {
        let asked_ok = |host: &str| views.iter().any(|v| v.host == host && v.error.is_none());
        cluster_view::table(&views, now())
            + &differ_lines(&differ)
            + &old_zeek_hosts::lines(&old_zeek, asked_ok, now())
    };
    print(&text)?;
    if cluster_view::all_running(&views) && differ.is_empty() && !old_zeek_hosts::any(&old_zeek) {
        Ok(())
    } else {
        Err(Failure::NotRunning)
    }
}

/// `status --cluster --json`.
#[derive(Serialize)]
struct ClusterReport<'a> {
    hosts: &'a [cluster_view::HostView],
    /// The manager's record of the nodes whose host differs from its own.
    hosts_differ: &'a [crate::identity::NodeIdentity],
    /// Per host, the nodes that run a Zeek other than the one on disk.
    old_zeek: &'a [old_zeek_hosts::HostOldZeek],
}

/// The config `status` reports on, and its state: the config on disk, or,
/// when that is invalid and the running cluster was started from a last
/// good config, that one (not for `--config`: the person asked about that
/// file).
fn config(ctx: &Context) -> Result<(Cluster, ConfigState), Failure> {
    let explicit = ctx.config.as_deref();
    let loaded =
        Deployment::new(ctx.env).config_for_units(explicit, &ctx.options, explicit.is_none());
    match loaded.ok_or_else(|| ctx.no_config())? {
        Loaded::Valid { cluster, .. } => Ok((cluster, ConfigState::Valid)),
        Loaded::LastGood {
            cluster, rejected, ..
        } => Ok((
            cluster,
            ConfigState::RunningOnLastGood {
                rejected: rejected.to_string(),
            },
        )),
        Loaded::Invalid(error) => {
            Log::stderr().error(&format!("invalid config: {error}"));
            Err(Failure::InvalidConfig)
        }
    }
}

/// Everything `status` reports.
#[derive(Debug, Serialize)]
pub struct Status {
    pub config: ConfigReport,
    /// The snapshot the nodes load, and what on disk differs from it;
    /// `None` before the first start.
    pub deployed: Option<DeployedReport>,
    /// The nodes of this host first (layout order), then zeek-setup and
    /// zeek-archiver.
    pub units: Vec<UnitStatus>,
    /// Free space of the spool, queue and archive file systems.
    pub disks: Vec<disk::FsUsage>,
    /// Faults of the archive path: the archive unwritable, the queue
    /// stalled.
    pub archive_problems: Vec<disk::ArchiveProblem>,
    /// On the manager's host of a multi-host cluster: the nodes whose
    /// host runs something else than the manager's (config, scripts
    /// snapshot, Zeek version), as the manager heard them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hosts_differ: Vec<crate::identity::NodeIdentity>,
    /// The nodes of this host that run an older Zeek than the one on disk
    /// (a package upgrade since they started).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub old_zeek: Vec<crate::ops::old_zeek::OldZeek>,
}

/// The config the status was taken against.
#[derive(Debug, Serialize)]
pub struct ConfigReport {
    pub source: PathBuf,
    /// `valid`, or `INVALID: <error>; the cluster keeps running on the
    /// last good config (<dir>)` (then `source` is that last good copy).
    pub state: ConfigState,
}

/// The deployed snapshot (see `zeek-systemd deploy`).
#[derive(Debug, Serialize)]
pub struct DeployedReport {
    /// Its id (a digest of its files).
    pub snapshot: String,
    /// When it was made (seconds since the epoch).
    pub created: u64,
    /// `deploy`, or `start` (made by a cluster start: the first one, or a
    /// config reloaded without a deploy).
    pub origin: String,
    /// Files on disk that differ from it: changed on disk, not deployed
    /// (site files by their path in the site dir, config files by name).
    pub not_deployed: Vec<String>,
    /// The host whose cluster-wide deploy put it here, and when (seconds
    /// since the epoch); `None`: deployed on this host.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deployed_from: Option<(String, u64)>,
}

/// The snapshot in use and the drift from it; `None` when there is none.
fn deployed_report(ctx: &Context) -> Option<DeployedReport> {
    let deployment = Deployment::new(ctx.env);
    let store = deployment.store();
    let info = store.current()?;
    let live = ctx
        .find_config()
        .ok()
        .and_then(|s| config::read_files(&s).ok());
    let here = ctx.options.host_or_hostname().unwrap_or("");
    let deployed_from = deployment
        .deployed_from(&info.id)
        .filter(|(host, _)| !host.eq_ignore_ascii_case(here));
    Some(DeployedReport {
        deployed_from,
        not_deployed: snapshot::drift(&store.dir(&info.id), &info, live.as_ref()),
        snapshot: info.id,
        created: info.created,
        origin: info.origin,
    })
}

/// Reads the state of this host's units from systemd; `config_state` says
/// whether `cluster` is the valid config on disk (`valid`) or what else.
pub fn collect(cluster: &Cluster, config_state: ConfigState) -> anyhow::Result<Status> {
    let mut rows: Vec<(String, Option<String>, String)> = cluster
        .local_nodes()
        .map(|n| (plan::unit_name(n), Some(n.name.clone()), n.role.to_string()))
        .collect();
    rows.push(("zeek-setup.service".into(), None, "setup".into()));
    if cluster.archiver.is_some() {
        rows.push(("zeek-archiver.service".into(), None, "archiver".into()));
    }
    let units: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    let props = systemctl::show(&units, &PROPERTIES)?;
    let units = rows
        .into_iter()
        .zip(props)
        .map(|((unit, node, role), props)| unit_status(unit, node, role, &props))
        .collect();
    Ok(Status {
        config: ConfigReport {
            source: cluster.settings.source.clone(),
            state: config_state,
        },
        deployed: None,
        units,
        disks: disk::usage(cluster),
        archive_problems: disk::archive_problems(cluster, now()),
        hosts_differ: hosts_differ(cluster),
        old_zeek: Vec::new(),
    })
}

/// The nodes of the hosts the last cluster-wide deploy from this host
/// left out (`deploy --reachable-only`): they run an older deploy.
fn left_out(cluster: &Cluster, ctx: &Context) -> Vec<crate::identity::NodeIdentity> {
    let Some((id, hosts)) = Deployment::new(ctx.env).left_out() else {
        return Vec::new();
    };
    cluster
        .nodes
        .iter()
        .filter(|n| {
            n.host
                .as_deref()
                .is_some_and(|h| hosts.iter().any(|l| l == h))
        })
        .map(|n| crate::identity::NodeIdentity {
            node: n.name.clone(),
            host: n.host.as_deref().unwrap_or("").to_string(),
            config: "-".into(),
            snapshot: "-".into(),
            zeek: "-".into(),
            differs: Some(format!(
                "left out of the deploy of snapshot {id} (--reachable-only): \
                 run `zeek-systemd deploy` when it can be reached"
            )),
        })
        .collect()
}

/// The manager's record of the nodes whose host differs from its own,
/// when the manager runs on this host of a multi-host cluster.
fn hosts_differ(cluster: &Cluster) -> Vec<crate::identity::NodeIdentity> {
    if cluster.hosts.is_empty() {
        return Vec::new();
    }
    let Some(manager) = cluster
        .local_nodes()
        .find(|n| n.role == crate::model::Role::Manager)
    else {
        return Vec::new();
    };
    let dir = cluster.settings.install.spool_dir.join(&manager.name);
    crate::identity::read_table(&dir)
        .into_iter()
        .filter(|n| n.differs.is_some())
        .collect()
}

impl Status {
    /// Whether every node of this host is running (helpers do not count).
    pub fn all_nodes_running(&self) -> bool {
        self.units
            .iter()
            .filter(|u| u.node.is_some())
            .all(|u| u.state == State::Running)
    }

    /// Whether no file system is below `[disk] min_free` and the archive
    /// path works.
    pub fn disks_ok(&self) -> bool {
        !self.disks.iter().any(disk::FsUsage::low) && self.archive_problems.is_empty()
    }

    /// The table, with ages relative to `now` (seconds since the epoch).
    pub fn table(&self, now: u64) -> String {
        let mut rows = vec![table::node_header(false)];
        rows.extend(self.units.iter().map(|u| table::node_row(None, u, now)));
        let mut out = table::format(&rows);
        let down = self
            .units
            .iter()
            .filter(|u| u.node.is_some() && u.state != State::Running)
            .count();
        let nodes = self.units.iter().filter(|u| u.node.is_some()).count();
        let _ = writeln!(
            out,
            "\nconfig {}: {}; {} of {nodes} node(s) running{}",
            self.config.source.display(),
            self.config.state,
            nodes - down,
            if nodes > 0 && down == nodes {
                " (the cluster is down: `systemctl start zeek.target` starts it)"
            } else {
                ""
            }
        );
        out.push_str(&self.deployed_lines(now));
        out.push_str(&differ_lines(&self.hosts_differ));
        out.push_str(&crate::ops::old_zeek::lines(&self.old_zeek, now));
        disk_lines(&mut out, &self.disks);
        for problem in &self.archive_problems {
            let _ = writeln!(out, "warning: {}", problem.text);
        }
        out
    }

    /// The lines about the deployed snapshot under the table.
    fn deployed_lines(&self, now: u64) -> String {
        let Some(d) = &self.deployed else {
            return "scripts: no snapshot yet (the first start makes one)\n".to_string();
        };
        let mut out = format!(
            "scripts: snapshot {} (made by {}, {} ago)\n",
            d.snapshot,
            d.origin,
            age(now.saturating_sub(d.created))
        );
        if let Some((host, at)) = &d.deployed_from {
            // Another host's deploy is the source: this host's own copies
            // of the files are not what runs, nor what the next deploy sends.
            let _ = writeln!(
                out,
                "deployed from host {host} ({} ago) by a cluster-wide deploy; edit the config and \
                 scripts there and run `zeek-systemd deploy` there{}",
                age(now.saturating_sub(*at)),
                match d.not_deployed.is_empty() {
                    true => String::new(),
                    false => format!(
                        " (this host's own copies differ and are not used: {})",
                        d.not_deployed.join(", ")
                    ),
                }
            );
        } else if !d.not_deployed.is_empty() {
            let _ = writeln!(
                out,
                "changed on disk, not deployed: {} (`zeek-systemd deploy` checks and deploys them)",
                d.not_deployed.join(", ")
            );
        }
        out
    }
}

/// A warning per node whose host differs from the manager's.
fn differ_lines(differ: &[crate::identity::NodeIdentity]) -> String {
    differ.iter().fold(String::new(), |mut out, n| {
        let _ = writeln!(
            out,
            "warning: host {} (node {}) differs from the manager's: {}",
            n.host,
            n.node,
            n.differs.as_deref().unwrap_or("")
        );
        out
    })
}

/// The free-space table under the node table, and a line per file
/// system below `[disk] min_free`.
fn disk_lines(out: &mut String, disks: &[disk::FsUsage]) {
    out.push('\n');
    out.push_str(&disk::table(disks));
    for warning in disk::warnings(disks) {
        let _ = writeln!(out, "warning: {warning}");
    }
}
