//! Every key zeek.conf knows, each declared once: the `[zeek]` and
//! `[interface NAME]` keys, and the per-process settings every role has
//! as `<role>_<setting>`, with how each is read.

use super::super::super::ranges;
use super::super::super::ConfigError;
use super::super::ini::{Opt, Section};
use super::{FileConf, Reader, RoleConf};

/// `[zeek]`'s keys (or the top level's) that are not per role.
const ZEEK_SECTION_KEYS: &[&str] = &[
    "manager",
    "loggers",
    "proxies",
    "args",
    "env",
    "user",
    "group",
    "base_dir",
    "path",
    "ext_path",
    "ext_zeek_path",
    "cluster_backend_args",
    "cluster_layout",
    "cluster_node_prefix",
    "port",
    "cluster_port",
    "address",
    "cluster_address",
    "metrics_port",
    "restart_interval_sec",
    "archiver",
];

/// `[zeek]`'s keys that are this product's own: Zeek's generator refuses
/// a file that uses one.
const OWN_ZEEK_SECTION_KEYS: &[&str] = &["websocket"];

/// `[interface NAME]`'s keys (or the top level's) that are not per-process
/// settings.
const INTERFACE_SECTION_KEYS: &[&str] = &[
    "interface",
    "workers",
    "workers_cpu_list",
    "worker_numa_policy",
    "workers_numa_policy",
];

/// The roles `[zeek]` gives process settings to, as `<role>_<setting>`.
pub(super) const SERVICE_ROLES: &[&str] = &["manager", "logger", "proxy", "archiver"];

/// Reads one per-process option into a role's (or an interface's
/// workers') settings.
type Setter = fn(&Reader<'_>, &Section, &Opt, &mut RoleConf) -> Result<(), ConfigError>;

/// One per-process setting, declared once: `<role>_<suffix>` in `[zeek]`
/// for every service role and, where `worker` says so, `worker_<suffix>`
/// in `[interface NAME]`; `set` reads its value. `zeek`: Zeek's generator
/// knows it (the others are this product's own; Zeek refuses a file that
/// uses them).
struct ProcessKey {
    suffix: &'static str,
    set: Setter,
    worker: bool,
    zeek: bool,
}

const PROCESS_KEYS: &[ProcessKey] = &[
    ProcessKey {
        suffix: "args",
        set: |r, s, o, role| {
            role.args = r.args(s, o)?;
            Ok(())
        },
        worker: true,
        zeek: true,
    },
    ProcessKey {
        suffix: "env",
        set: |r, s, o, role| {
            role.env = r.env(s, o)?;
            Ok(())
        },
        worker: true,
        zeek: true,
    },
    ProcessKey {
        suffix: "nice",
        set: |r, s, o, role| {
            role.settings.nice = r.ranged(s, o, ranges::NICE)?;
            Ok(())
        },
        worker: true,
        zeek: true,
    },
    ProcessKey {
        suffix: "memory_max",
        set: |r, s, o, role| {
            role.settings.memory_max = r.memory(s, o)?;
            Ok(())
        },
        worker: true,
        zeek: true,
    },
    ProcessKey {
        suffix: "cpu_set",
        set: |r, s, o, role| {
            role.settings.cpus = r.cpus(s, o)?;
            Ok(())
        },
        worker: false,
        zeek: true,
    },
    ProcessKey {
        suffix: "oom_score_adjust",
        set: |r, s, o, role| {
            role.settings.oom_score_adjust = r.ranged(s, o, ranges::OOM_SCORE_ADJUST)?;
            Ok(())
        },
        worker: true,
        zeek: false,
    },
];

/// The setting `key` names for one of `roles` (`logger_nice`: logger, nice).
pub(super) fn process_key(key: &str, roles: &[&'static str]) -> Option<(&'static str, Setter)> {
    let (role, suffix) = roles
        .iter()
        .find_map(|role| Some((*role, key.strip_prefix(role)?.strip_prefix('_')?)))?;
    PROCESS_KEYS
        .iter()
        .find(|k| k.suffix == suffix && (role != "worker" || k.worker))
        .map(|k| (role, k.set))
}

pub(super) fn is_global_key(key: &str) -> bool {
    ZEEK_SECTION_KEYS.contains(&key)
        || OWN_ZEEK_SECTION_KEYS.contains(&key)
        || process_key(key, SERVICE_ROLES).is_some()
}

pub(super) fn is_interface_key(key: &str) -> bool {
    INTERFACE_SECTION_KEYS.contains(&key) || process_key(key, &["worker"]).is_some()
}

/// Every key `[zeek]` knows (`zeek_only`: only those Zeek's generator
/// knows too), derived from the declarations above.
pub fn global_keys(zeek_only: bool) -> Vec<String> {
    let mut keys: Vec<String> = ZEEK_SECTION_KEYS.iter().map(|k| k.to_string()).collect();
    if !zeek_only {
        keys.extend(OWN_ZEEK_SECTION_KEYS.iter().map(|k| k.to_string()));
    }
    for key in PROCESS_KEYS.iter().filter(|k| k.zeek || !zeek_only) {
        keys.extend(
            SERVICE_ROLES
                .iter()
                .map(|role| format!("{role}_{}", key.suffix)),
        );
    }
    keys
}

/// Every key `[interface NAME]` knows, as [`global_keys`].
pub fn interface_keys(zeek_only: bool) -> Vec<String> {
    let mut keys: Vec<String> = INTERFACE_SECTION_KEYS
        .iter()
        .map(|k| k.to_string())
        .collect();
    let workers = PROCESS_KEYS
        .iter()
        .filter(|k| k.worker && (k.zeek || !zeek_only));
    keys.extend(workers.map(|k| format!("worker_{}", k.suffix)));
    keys
}

/// The settings of the role a `<role>_<setting>` key names.
pub(super) fn role_of<'c>(conf: &'c mut FileConf, prefix: &str) -> &'c mut RoleConf {
    match prefix {
        "manager" => &mut conf.manager_role,
        "logger" => &mut conf.logger_role,
        "proxy" => &mut conf.proxy_role,
        _ => &mut conf.archiver_role,
    }
}
