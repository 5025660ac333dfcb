//! The validated cluster model every config format is read into.
//!
//! Everything here has already been checked: the plan and the renderers
//! trust it and never fail on a value from the config (escaping for systemd
//! is the renderer's job and cannot fail on these types, because values that
//! systemd cannot express are rejected by the config readers).

use std::fmt;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// Which config format a cluster was read from. Only used for messages and
/// for the few behaviours the spec ties to a format (see [`PolicyScript`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigFormat {
    /// `/etc/zeek/cluster.toml`, the native format.
    Toml,
    /// Zeek's own `zeek.conf` (single file or per-host directory).
    ZeekConf,
}

/// The role of a cluster node, as Zeek's `Cluster::NodeType` knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    Manager,
    Logger,
    Proxy,
    Worker,
}

impl Role {
    /// The lower-case name used in node names, slices and messages.
    pub fn name(self) -> &'static str {
        match self {
            Role::Manager => "manager",
            Role::Logger => "logger",
            Role::Proxy => "proxy",
            Role::Worker => "worker",
        }
    }

    /// The `Cluster::NodeType` enum value in `cluster-layout.zeek`.
    pub fn zeek_node_type(self) -> &'static str {
        match self {
            Role::Manager => "Cluster::MANAGER",
            Role::Logger => "Cluster::LOGGER",
            Role::Proxy => "Cluster::PROXY",
            Role::Worker => "Cluster::WORKER",
        }
    }

    /// The slice the role's nodes run in, so an operator can limit or
    /// inspect all workers at once (`systemctl status zeek-workers.slice`).
    pub fn slice(self) -> &'static str {
        match self {
            Role::Manager => "zeek-managers.slice",
            Role::Logger => "zeek-loggers.slice",
            Role::Proxy => "zeek-proxies.slice",
            Role::Worker => "zeek-workers.slice",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A set of CPU numbers, kept in the order the config listed them.
///
/// For a role it is an affinity set; for an interface it is the sequence
/// worker k takes its k-th element from (wrapping around).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CpuList(pub Vec<u32>);

impl CpuList {
    /// The CPU the `index0`-th worker is pinned to (wraps around).
    pub fn nth_wrapping(&self, index0: usize) -> u32 {
        self.0[index0 % self.0.len()]
    }

    /// The list as `CPUAffinity=` wants it: sorted, deduplicated, with
    /// consecutive runs folded into ranges.
    pub fn to_affinity(&self) -> String {
        crate::topology::cpu_text(&self.0)
    }
}

/// `NUMAPolicy=` values the formats accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumaPolicy {
    Default,
    Local,
    Preferred,
    Interleave,
    Bind,
}

impl NumaPolicy {
    /// The value as systemd spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            NumaPolicy::Default => "default",
            NumaPolicy::Local => "local",
            NumaPolicy::Preferred => "preferred",
            NumaPolicy::Interleave => "interleave",
            NumaPolicy::Bind => "bind",
        }
    }
}

/// How hard the units are locked down (SPEC 4.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hardening {
    Strict,
    Basic,
    Off,
}

/// One systemd directive the product does not model, from the per-role
/// escape hatch (`[worker.systemd.Service] LimitNOFILE = "1048576"`).
/// Validated: section is `Unit` or `Service`, the key is a directive name,
/// the value has no control characters and no trailing backslash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitDirective {
    pub section: UnitSection,
    pub key: String,
    pub value: String,
}

/// The unit file sections a drop-in may add directives to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum UnitSection {
    Unit,
    Service,
}

/// Settings that apply to one process (a node or the archiver): resource
/// limits, scheduling and the escape-hatch directives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProcessSettings {
    /// `CPUAffinity=`: a set for manager/logger/proxy/archiver, a single
    /// CPU for a pinned worker.
    pub cpus: Option<CpuList>,
    pub numa_policy: Option<NumaPolicy>,
    pub nice: Option<i8>,
    /// Validated `MemoryMax=` value (`8G`, `1073741824`, `infinity`, `80%`).
    pub memory_max: Option<String>,
    /// `OOMScoreAdjust=`, -1000..1000: who the kernel's OOM killer takes
    /// first (higher: earlier).
    pub oom_score_adjust: Option<i16>,
    pub directives: Vec<UnitDirective>,
}

impl ProcessSettings {
    /// These settings over `base`: a setting given here wins, one not
    /// given is `base`'s; the directives of both apply, `base`'s first.
    pub fn over(&self, base: &ProcessSettings) -> ProcessSettings {
        let mut directives = base.directives.clone();
        directives.extend(self.directives.iter().cloned());
        ProcessSettings {
            cpus: self.cpus.clone().or_else(|| base.cpus.clone()),
            numa_policy: self.numa_policy.or(base.numa_policy),
            nice: self.nice.or(base.nice),
            memory_max: self.memory_max.clone().or_else(|| base.memory_max.clone()),
            oom_score_adjust: self.oom_score_adjust.or(base.oom_score_adjust),
            directives,
        }
    }
}

/// A worker's capture source.
///
/// Shared text (`Arc<str>`): every worker of an interface has the same
/// interface name, and the same source unless it is templated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capture {
    /// The interface section's name (part of the node name).
    pub interface: Arc<str>,
    /// What `zeek -i` gets, templating already applied.
    pub source: Arc<str>,
}

/// One Zeek process of the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// The node name: `CLUSTER_NODE`, the unit instance and the spool dir.
    pub name: String,
    pub role: Role,
    /// The host this node runs on (multi-host configs), shared by the
    /// host's nodes; `None` on a single-host config.
    pub host: Option<Arc<str>>,
    /// Whether this node runs on the host the generator runs for.
    pub local: bool,
    /// The address the node listens on / is reached at; `None` when the
    /// layout looks its host up by name (multi-host without an address).
    pub address: Option<IpAddr>,
    /// Cluster listener port (manager, loggers, proxies); workers have none.
    pub port: Option<u16>,
    /// Prometheus metrics port; `None` when metrics are off (the layout
    /// then says `0/tcp`, as Zeek's does).
    pub metrics_port: Option<u16>,
    /// Where the metrics endpoint binds and is scraped, when not on
    /// `address` (`metrics_address`: a network Prometheus reaches).
    pub metrics_address: Option<IpAddr>,
    /// Every argument after the `zeek` binary, in order.
    ///
    /// Nodes with the same command line share one list: the readers give
    /// all workers of an interface whose capture source is not templated
    /// the same `Arc`. A copy per worker was a third of the generator's
    /// peak memory at 8192 workers.
    pub args: Arc<[String]>,
    /// Environment beyond `CLUSTER_NODE`, `PATH` and `ZEEKPATH`, in order;
    /// a later entry for the same key wins.
    pub env: Vec<(String, String)>,
    pub settings: ProcessSettings,
    /// Workers only.
    pub capture: Option<Capture>,
}

/// The long-running log archiver of this host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Archiver {
    /// Full command line, executable first.
    pub command: Vec<String>,
    pub env: Vec<(String, String)>,
    pub settings: ProcessSettings,
}

/// Where the process environment and paths of the installation come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Install {
    /// The `zeek` executable.
    pub zeek: PathBuf,
    /// Node working dirs are `<spool_dir>/<node>`.
    pub spool_dir: PathBuf,
    /// Where the archiver puts finished logs.
    pub log_dir: PathBuf,
    /// `ZEEKPATH` for every node.
    pub zeek_path: String,
    /// `PATH` for every node and the archiver.
    pub path: String,
    pub user: String,
    pub group: String,
    /// The site policy dir on `zeek_path` (`<prefix>/share/zeek/site`):
    /// nodes load a deployed copy of it, not this dir (see
    /// [`crate::deployment::snapshot`]).
    pub site_dir: PathBuf,
    /// Script dirs the config puts on `zeek_path` besides Zeek's own
    /// (zeek.conf's `ext_zeek_path`); deployed like the site dir.
    pub extra_script_dirs: Vec<PathBuf>,
}

/// The Zeek script that makes loggers rotate into `<spool>/log-queue`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyScript {
    /// Zeek 8.1+'s own `policy/misc/systemd-generator` (zeek.conf configs).
    ZeekBuiltin,
    /// Zeek's own, and after it the product's live view
    /// (`layout::LIVE_VIEW_SCRIPT_NAME`), written next to
    /// `cluster-layout.zeek` (zeek.conf configs that set `websocket`).
    ZeekBuiltinWithLiveView,
    /// The product's own equivalent, written by `zeek-setup.service` next
    /// to `cluster-layout.zeek` (TOML configs, works on Zeek 6.x/7.x too).
    Generated,
}

/// Where `zeek-setup.service` gets `cluster-layout.zeek` from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LayoutSource {
    /// Run `zeek-systemd-generator layout` on the same config.
    Generated,
    /// Copy a layout the operator maintains.
    Copy(PathBuf),
}

/// Hardening knobs that depend on the site, not only on the role.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetworkPolicy {
    /// When set, `IPAddressDeny=any` plus `IPAddressAllow=` these
    /// (address prefixes as systemd accepts them).
    pub ip_allow: Option<Vec<String>>,
}

/// A whole Zeek cluster as read from one config, plus which of its nodes
/// run on this host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cluster {
    /// What the config says about the cluster as a whole.
    pub settings: ClusterSettings,
    /// Every node of every host, in layout order (manager, loggers,
    /// proxies, workers).
    pub nodes: Vec<Node>,
    /// The archiver of this host, when on.
    pub archiver: Option<Archiver>,
    /// The hosts of a multi-host cluster, in layout order; empty for a
    /// single-host config.
    pub hosts: Vec<ClusterHost>,
    /// The CPUs (and counts) of this host's workers the machine chose
    /// (`cpus = "auto"`, `workers = "auto"`), in config order.
    pub pinning: Vec<Pinning>,
}

/// What the machine chose for the workers of one interface, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pinning {
    /// The interface section's name.
    pub interface: Arc<str>,
    /// The keys that asked, as a warning names them (`cpus = "auto" of
    /// interface "eth1"`).
    pub key: String,
    /// Whether the workers are pinned to the choice (`cpus = "auto"`), not
    /// only counted by it (`workers = "auto"` alone).
    pub pins: bool,
    /// The CPUs, the table of why, the notes and warnings.
    pub choice: crate::topology::Choice,
}

/// What a config says about the cluster as a whole, beside its nodes:
/// where it was read from, the installation, how the units run, the
/// operations settings and encryption. The readers fill it in and node
/// expansion hands it on unchanged, so a cluster-wide setting is added
/// here and in the readers only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterSettings {
    /// The config file (or per-host directory) it was read from.
    pub source: PathBuf,
    pub format: ConfigFormat,
    /// The host the generator runs for, when the config is multi-host.
    pub this_host: Option<String>,
    pub install: Install,
    pub policy_script: PolicyScript,
    pub layout: LayoutSource,
    pub units: UnitSettings,
    /// Things the operator should fix that do not stop the cluster
    /// (deprecated keys), already located ("file:line: key: ...").
    pub warnings: Vec<String>,
    /// Log retention, disk space and alerts.
    pub operations: Operations,
    /// Whether the cluster's traffic between nodes is encrypted (issue 18).
    pub encryption: Encryption,
    /// Where the manager serves Zeek's WebSocket API (`print`, `peers`),
    /// as the generated scripts make it listen; `None`: not by us (off,
    /// or a zeek.conf config without `websocket`, whose site script may).
    pub websocket: Option<std::net::SocketAddr>,
}

/// How every Zeek unit of the cluster runs: one value for all nodes. The
/// readers start from `config::defaults::unit_settings` and override
/// what the config sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitSettings {
    /// `multi-user.target` wants `zeek.target`.
    pub autostart: bool,
    /// `RestartSec=` the config set; `None`: not set, the generator
    /// chooses for the running systemd (see `generator::restart`).
    pub restart_sec: Option<u32>,
    /// How long a node gets to flush its logs after SIGTERM.
    pub stop_timeout_sec: u32,
    pub hardening: Hardening,
    pub network: NetworkPolicy,
}

/// How nodes protect what they send each other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Encryption {
    /// Nothing: a single-host cluster on loopback, or a multi-host one
    /// with `[cluster] encryption = false` (`opted_out`).
    Off { opted_out: bool },
    /// ZeroMQ CURVE with the keys and hash seed of the secrets file:
    /// `[cluster] secrets`, `None` for `<config dir>/cluster-secrets`.
    Curve { secrets: Option<PathBuf> },
}

/// What keeps the logs and tells a person when something is wrong: how
/// long archived logs are kept, the free space below which the log file
/// systems are reported, and where alerts go. TOML-only settings
/// (`[logs]`, `[disk]`, `[alerts]`); a zeek.conf config gets the
/// defaults (`config::defaults::operations`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operations {
    /// Archived logs older than this are deleted; `None`: kept forever.
    pub log_keep: Option<Age>,
    pub min_free: MinFree,
    pub alerts: Alerts,
}

/// A validated age, as seconds and as systemd-tmpfiles writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Age {
    pub seconds: u64,
    /// The age in tmpfiles.d(5) syntax (`30d`, `12h`, `90min`, `2w`).
    pub tmpfiles: String,
}

/// The free space below which a file system is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MinFree {
    /// Percent of the file system's size (1..=99).
    Percent(u8),
    /// Bytes.
    Bytes(u64),
}

impl MinFree {
    /// The threshold in bytes for a file system of `size` bytes.
    pub fn bytes(self, size: u64) -> u64 {
        match self {
            MinFree::Percent(p) => size / 100 * u64::from(p),
            MinFree::Bytes(b) => b,
        }
    }
}

impl fmt::Display for MinFree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MinFree::Percent(p) => write!(f, "{p}%"),
            MinFree::Bytes(b) => write!(f, "{b} bytes"),
        }
    }
}

/// Where crash and disk-space reports go besides the journal, and how
/// many may go out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alerts {
    /// Mail recipients, through the local MTA (`sendmail -t`); empty: no mail.
    pub mail_to: Vec<String>,
    /// The `From:` address; `None`: `zeek@<hostname>`.
    pub mail_from: Option<String>,
    /// The MTA's sendmail-compatible program.
    pub sendmail: PathBuf,
    /// A command that gets the report on stdin (executable first); empty: none.
    pub command: Vec<String>,
    /// An http(s) URL the report is POSTed to as JSON.
    pub webhook: Option<String>,
    /// Most reports this host sends in an hour (all nodes together).
    pub max_per_hour: u32,
    /// Seconds one delivery may take before it is given up.
    pub timeout_sec: u32,
}

/// A host of a multi-host cluster, as `Cluster::hosts` in the layout
/// names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterHost {
    pub name: String,
    /// `None`: Zeek looks the host name up when it loads the layout.
    pub address: Option<IpAddr>,
    /// The host's address on a management network (`metrics_address`),
    /// when the operator's side reaches it there rather than on `address`.
    pub metrics_address: Option<IpAddr>,
}

/// Where the operator's side reaches a host (SSH for `systemctl -H`,
/// `deploy`, `status --cluster`, `top --cluster`; Prometheus and
/// `netstats`): its management address (`metrics_address`) when it has
/// one, else its cluster address; `None`: by its name.
fn management_ip(metrics_address: Option<IpAddr>, address: Option<IpAddr>) -> Option<IpAddr> {
    metrics_address.or(address)
}

impl ClusterHost {
    /// The address, or name, the operator's side reaches this host at
    /// ([`management_ip`], else the host's name).
    pub fn management_address(&self) -> String {
        management_ip(self.metrics_address, self.address)
            .map_or_else(|| self.name.clone(), |a| a.to_string())
    }

    /// `[USER@]ADDRESS`: what `ssh` and `systemctl -H` are given to reach
    /// this host.
    pub fn ssh_destination(&self, user: Option<&str>) -> String {
        let at = self.management_address();
        match user {
            Some(user) => format!("{user}@{at}"),
            None => at,
        }
    }
}

impl Cluster {
    /// The nodes that run on this host.
    pub fn local_nodes(&self) -> impl Iterator<Item = &Node> {
        self.nodes.iter().filter(|n| n.local)
    }

    /// Whether this host is part of the cluster: always for a single-host
    /// config; for a multi-host one, when the config names this host. A
    /// host that is not gets no units at all (the same file may be
    /// deployed everywhere).
    pub fn is_member(&self) -> bool {
        self.hosts.is_empty()
            || (self.settings.this_host)
                .as_deref()
                .is_some_and(|this| self.hosts.iter().any(|h| h.name == this))
    }

    /// Whether `host` is the host this runs on (reached directly, not over
    /// SSH).
    pub fn is_this_host(&self, host: &ClusterHost) -> bool {
        (self.settings.this_host)
            .as_deref()
            .is_some_and(|this| this.eq_ignore_ascii_case(&host.name))
    }
}

impl Node {
    /// `HOST:PORT` of the node's Prometheus endpoint (its metrics address,
    /// else its address, else its host's name; 127.0.0.1 on a single host
    /// without one); `None` when metrics are off. What `netstats` reads
    /// and the Prometheus targets file names.
    pub fn metrics_target(&self) -> Option<String> {
        let port = self.metrics_port?;
        let host = match (
            management_ip(self.metrics_address, self.address),
            &self.host,
        ) {
            (Some(IpAddr::V6(a)), _) => format!("[{a}]"),
            (Some(a), _) => a.to_string(),
            (None, Some(host)) => host.to_string(),
            (None, None) => "127.0.0.1".into(),
        };
        Some(format!("{host}:{port}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn affinity_folds_runs_and_sorts() {
        let list = CpuList(vec![8, 3, 4, 5, 10, 3, 12]);
        assert_eq!(list.to_affinity(), "3-5 8 10 12");
    }

    #[test]
    fn nth_wraps() {
        let list = CpuList(vec![4, 6]);
        assert_eq!(
            (0..5).map(|i| list.nth_wrapping(i)).collect::<Vec<_>>(),
            [4, 6, 4, 6, 4]
        );
    }

    fn host(address: Option<&str>, metrics_address: Option<&str>) -> ClusterHost {
        ClusterHost {
            name: "sensor-a".into(),
            address: address.map(|a| a.parse().unwrap()),
            metrics_address: metrics_address.map(|a| a.parse().unwrap()),
        }
    }

    #[test]
    fn a_host_is_reached_at_its_management_address_else_its_address_else_its_name() {
        let both = host(Some("10.0.0.2"), Some("192.168.5.2"));
        assert_eq!(both.ssh_destination(Some("root")), "root@192.168.5.2");
        assert_eq!(both.ssh_destination(None), "192.168.5.2");
        let cluster_only = host(Some("10.0.0.2"), None);
        assert_eq!(cluster_only.ssh_destination(None), "10.0.0.2");
        let named = host(None, None);
        assert_eq!(named.ssh_destination(Some("zd")), "zd@sensor-a");
        let management_only = host(None, Some("fd00::2"));
        assert_eq!(management_only.management_address(), "fd00::2");
    }

    #[test]
    fn ssh_and_the_metrics_target_reach_the_same_address() {
        let node = Node {
            name: "sensor-a-worker-1".into(),
            role: Role::Worker,
            host: Some("sensor-a".into()),
            local: false,
            address: "10.0.0.2".parse().ok(),
            port: None,
            metrics_port: Some(9991),
            metrics_address: "192.168.5.2".parse().ok(),
            args: Arc::from(Vec::new()),
            env: Vec::new(),
            settings: ProcessSettings::default(),
            capture: None,
        };
        let host = host(Some("10.0.0.2"), Some("192.168.5.2"));
        assert_eq!(
            node.metrics_target().as_deref(),
            Some(format!("{}:9991", host.management_address()).as_str())
        );
    }
}
