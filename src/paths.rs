//! Every fixed path of both programs, but the config's copies (the
//! deployed config, the generator's copy, the last good config, the
//! snapshots: [`crate::deployment`] alone knows those).
//!
//! Each is absolute as on the real machine: that is how units name it.
//! Code that reads or writes one itself takes it through
//! [`crate::env::Environment::path`], under the one root override
//! ([`crate::env::ROOT_ENV`]), so tests and chroots move them all at once.

/// The build-time default of the config directory (`/etc/zeek`). Distro
/// packagers that move Zeek set `ZEEK_SYSTEMD_CONFIG_DIR` at build time.
pub const DEFAULT_CONFIG_DIR: &str = match option_env!("ZEEK_SYSTEMD_CONFIG_DIR") {
    Some(dir) => dir,
    None => "/etc/zeek",
};

/// The build-time default installation prefix of Zeek (`/opt/zeek`, where
/// Zeek's own packages install).
pub const DEFAULT_PREFIX: &str = match option_env!("ZEEK_SYSTEMD_PREFIX") {
    Some(dir) => dir,
    None => "/opt/zeek",
};

/// Where systemd's system manager has its generators write (their NORMAL
/// dir); verbs that render units without systemd name this one.
pub const GENERATOR_DIR: &str = "/run/systemd/generator";

/// Where a node's unclean stop leaves `ZEEK_NODE`, `SERVICE_RESULT`,
/// `EXIT_CODE` and `EXIT_STATUS` for `zeek-node-crashed@<node>.service`.
pub const CRASH_DIR: &str = "/run/zeek-systemd/crashed";

/// Where zeek-setup.service writes the identity script of a host of a
/// multi-host cluster, and nodes load it from ([`crate::identity`]).
pub const IDENTITY_SCRIPT: &str = "/run/zeek-systemd/identity.zeek";

/// Where zeek-setup.service writes the Prometheus targets file
/// (`file_sd_configs`) of every node of every host ([`crate::prometheus`]).
pub const PROMETHEUS_TARGETS: &str = "/run/zeek-systemd/prometheus-targets.json";

/// Where zeek-setup.service puts each kind of node's part of the cluster
/// secrets ([`crate::secrets`]).
pub const SECRETS_DIR: &str = "/run/zeek-systemd/secrets";

/// Where the alerts' rate limit and the disk watch keep their state (a
/// reboot starts afresh).
pub const ALERT_STATE_DIR: &str = "/run/zeek-systemd/alerts";

/// Where zeek-setup.service records the Zeek binary the cluster started
/// with ([`crate::zeek_binary`]): the version nodes that did not restart
/// since still run.
pub const ZEEK_AT_START: &str = "/run/zeek-systemd/zeek-at-start";
