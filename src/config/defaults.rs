//! Every default value both config formats share, in one place. A format
//! may differ only where Zeek's own generator does (zeek.conf keeps Zeek's
//! directory layout); those differences are named here too.

use std::path::{Path, PathBuf};

use crate::model::{Hardening, NetworkPolicy, ProcessSettings, Role, UnitSettings};

/// Most nodes one cluster may have in all. Keeps a hostile config from
/// turning into a huge allocation and keeps ports within 16 bits.
pub const MAX_NODES: usize = 65_000;

/// The first cluster listener port (manager, then loggers, then proxies).
pub const LISTENER_PORT: u16 = 27760;

/// Where the manager serves Zeek's WebSocket API: loopback and
/// ZeekControl's port (8.1+, `UseWebSocket`), below the listener ports.
pub const WEBSOCKET: std::net::SocketAddr =
    std::net::SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 27759);

/// The first Prometheus metrics port (every node, in layout order).
pub const METRICS_PORT: u16 = 9991;

/// The account every node and the archiver run as.
pub const ACCOUNT: &str = "zeek";

/// The script that selects the ZeroMQ cluster backend (Zeek's default).
pub const ZEROMQ_BACKEND: &str = "frameworks/cluster/backend/zeromq";

/// The scripts every node loads after its role's args.
pub const GLOBAL_ARGS: &[&str] = &["local"];

/// How the units run when the config says nothing: started at boot, a
/// node that died restarted after the generator's automatic delay for the
/// running systemd (see `generator::restart::node_policy`), 90 seconds to
/// flush its logs after SIGTERM, strictly hardened, no IP allow list.
pub fn unit_settings() -> UnitSettings {
    UnitSettings {
        autostart: true,
        restart_sec: None,
        stop_timeout_sec: 90,
        hardening: Hardening::Strict,
        network: NetworkPolicy::default(),
    }
}

/// `OOMScoreAdjust=` of a role's nodes unless the config sets one: under
/// a global out-of-memory, the kernel kills a worker (one capture
/// stream's share) before a proxy, and the manager and loggers (the
/// cluster's logs) last. The 1000 points between workers and log writers
/// outweigh any difference in memory use, which the kernel scores on the
/// same scale.
pub fn oom_score_adjust(role: Role) -> i16 {
    match role {
        Role::Manager | Role::Logger => -500,
        Role::Proxy => 0,
        Role::Worker => 500,
    }
}

/// What a role's nodes have when neither their role, interface nor node
/// sets it: the bottom layer of every node's process settings.
pub fn process_settings(role: Role) -> ProcessSettings {
    ProcessSettings {
        oom_score_adjust: Some(oom_score_adjust(role)),
        ..ProcessSettings::default()
    }
}

/// `PATH` after `<prefix>/bin`.
pub const SYSTEM_PATH: &str = "/usr/local/bin:/usr/bin:/bin";

/// `ZEEKPATH` of a Zeek installed under `prefix` with its spool dir at
/// `spool_dir`: the generated scripts first, then Zeek's script dirs.
pub fn zeek_path(prefix: &Path, spool_dir: &Path) -> String {
    let share = prefix.join("share/zeek");
    let site = site_dir(prefix);
    let share = share.display();
    format!(
        "{}/generated-scripts:{share}:{share}/policy:{}:{share}/builtin-plugins",
        spool_dir.display(),
        site.display()
    )
}

/// The site policy dir of a Zeek installed under `prefix` (on
/// [`zeek_path`]).
pub fn site_dir(prefix: &Path) -> PathBuf {
    prefix.join("share/zeek/site")
}

/// Zeek's archiver executable under `prefix`.
pub fn archiver_executable(prefix: &Path) -> String {
    prefix.join("bin/zeek-archiver").display().to_string()
}

/// The stock archiver's two arguments: the queue loggers rotate into and
/// the log dir it moves finished logs to.
pub fn archiver_dirs(spool_dir: &Path, log_dir: &Path) -> [String; 2] {
    [
        spool_dir.join("log-queue").display().to_string(),
        log_dir.display().to_string(),
    ]
}

/// How long archived logs are kept: 30 days. Unbounded, the archive
/// fills its file system, and then the loss is of the newest logs (the
/// archiver cannot move them, the queue grows into the spool, loggers
/// fail to write); 30 days covers the usual look-back of an incident on
/// the sensor itself (long-term storage is a log store's job). A site
/// that must keep everything says `keep = "forever"`; import-zeekctl
/// keeps ZeekControl's `LogExpireInterval` (0 = forever, its default).
pub const LOG_KEEP_DAYS: u64 = 30;

/// Free space below which the spool, queue and archive file systems are
/// reported: 5%, ZeekControl's `MinDiskSpace` default.
pub const MIN_FREE_PERCENT: u8 = 5;

/// The local MTA's sendmail interface (postfix, exim, msmtp, nullmailer
/// all install one there).
pub const SENDMAIL: &str = "/usr/sbin/sendmail";

/// Most alert reports a host sends in an hour: a crash loop of every
/// worker must not turn into hundreds of mails (each node's hook is also
/// limited to 5 starts in 10 minutes by systemd).
pub const ALERTS_PER_HOUR: u32 = 20;

/// Seconds one alert delivery may take: a hanging MTA or webhook is
/// given up, never waited for.
pub const ALERT_TIMEOUT_SEC: u32 = 30;

/// Retention, disk threshold and alerts when the config says nothing.
pub fn operations() -> crate::model::Operations {
    use crate::model::{Age, Alerts, MinFree, Operations};
    Operations {
        log_keep: Some(Age {
            seconds: LOG_KEEP_DAYS * 86400,
            tmpfiles: format!("{LOG_KEEP_DAYS}d"),
        }),
        min_free: MinFree::Percent(MIN_FREE_PERCENT),
        alerts: Alerts {
            mail_to: Vec::new(),
            mail_from: None,
            sendmail: SENDMAIL.into(),
            command: Vec::new(),
            webhook: None,
            max_per_hour: ALERTS_PER_HOUR,
            timeout_sec: ALERT_TIMEOUT_SEC,
        },
    }
}
