//! The document as serde reads it: every table and key of the TOML format,
//! with the spans of their values for messages. Unknown keys are refused
//! here (`deny_unknown_fields`); the values are checked by the readers.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::super::spec::RoleTemplate;
use super::super::values;
use super::super::ConfigError;
use super::Reader;
use crate::model::ProcessSettings;

pub(super) type Str = Spanned<String>;
pub(super) type Env = Spanned<BTreeMap<String, Str>>;
pub(super) type Args = Spanned<Vec<Str>>;
pub(super) type Directives = Spanned<BTreeMap<String, BTreeMap<String, Spanned<DirectiveValue>>>>;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct Document {
    #[serde(default)]
    pub(super) zeek: ZeekSection,
    #[serde(default)]
    pub(super) cluster: ClusterSection,
    #[serde(default)]
    pub(super) manager: RoleSection,
    #[serde(default)]
    pub(super) logger: RoleSection,
    #[serde(default)]
    pub(super) proxy: RoleSection,
    #[serde(default)]
    pub(super) worker: WorkerSection,
    #[serde(default)]
    pub(super) interface: Vec<Spanned<InterfaceSection>>,
    #[serde(default)]
    pub(super) archiver: ArchiverSection,
    /// Multi-host (SPEC 2.5): every host of the cluster by name.
    pub(super) hosts: Option<Spanned<BTreeMap<String, Spanned<HostSection>>>>,
    /// Settings of single nodes by node name, applied last.
    pub(super) nodes: Option<Spanned<BTreeMap<String, Spanned<NodeSection>>>>,
    /// Retention of the archived logs.
    #[serde(default)]
    pub(super) logs: LogsSection,
    /// The free-space threshold of the log file systems.
    #[serde(default)]
    pub(super) disk: DiskSection,
    /// Where crash and disk-space reports go.
    #[serde(default)]
    pub(super) alerts: AlertsSection,
}

/// `[nodes.NAME]`: what one node has beyond its role's and interface's
/// settings (a ZeekControl node's own `pin_cpus`, `env_vars`, scripts).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct NodeSection {
    /// `CPUAffinity=` of this node (replaces the role's or the pinned CPU).
    pub(super) cpus: Option<Spanned<CpusValue>>,
    /// Merged key by key after every other env table; taken literally.
    pub(super) env: Option<Env>,
    /// Added after the role's (and interface's) args, before `[zeek] args`.
    pub(super) args: Option<Args>,
}

/// `loggers`/`proxies` of a host: how many (named `<host>-<role>-<k>`),
/// or the node names themselves.
#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum CountOrNames {
    Count(i64),
    // Plain strings: toml cannot keep spans inside an untagged enum.
    Names(Vec<String>),
}

/// `[hosts.NAME]`: what runs on one host of a multi-host cluster. The
/// role sections (`[manager]`, `[worker]` ...) still give the settings of
/// the nodes; a host says how many of each it runs.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct HostSection {
    pub(super) address: Option<Str>,
    pub(super) manager: Option<Spanned<bool>>,
    pub(super) loggers: Option<Spanned<CountOrNames>>,
    pub(super) proxies: Option<Spanned<CountOrNames>>,
    pub(super) port: Option<Spanned<i64>>,
    pub(super) metrics_port: Option<Spanned<i64>>,
    pub(super) metrics_address: Option<Str>,
    #[serde(default)]
    pub(super) interface: Vec<Spanned<InterfaceSection>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct ZeekSection {
    pub(super) prefix: Option<Str>,
    pub(super) zeek: Option<Str>,
    pub(super) spool_dir: Option<Str>,
    pub(super) log_dir: Option<Str>,
    pub(super) user: Option<Str>,
    pub(super) group: Option<Str>,
    pub(super) args: Option<Args>,
    pub(super) env: Option<Env>,
    pub(super) cluster_backend: Option<Spanned<Backend>>,
    pub(super) autostart: Option<bool>,
    pub(super) restart_sec: Option<Spanned<i64>>,
    pub(super) stop_timeout_sec: Option<Spanned<i64>>,
    pub(super) hardening: Option<Str>,
}

#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum Backend {
    Name(String),
    Args(Vec<String>),
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct ClusterSection {
    pub(super) address: Option<Str>,
    pub(super) port: Option<Spanned<i64>>,
    pub(super) metrics_port: Option<Spanned<i64>>,
    pub(super) metrics_address: Option<Str>,
    pub(super) ip_allow: Option<Spanned<Vec<Str>>>,
    pub(super) encryption: Option<Spanned<bool>>,
    pub(super) secrets: Option<Str>,
    pub(super) websocket: Option<Spanned<WebSocketValue>>,
}

/// `[cluster] websocket`: an `ADDRESS:PORT`, or `true`/`false`.
#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum WebSocketValue {
    Switch(bool),
    Address(String),
}

/// Declares a table that carries the process settings (`[manager]`,
/// `[logger]`, `[proxy]`, `[worker]`, `[[interface]]`, `[archiver]`): its
/// own keys, then the per-process keys every such table shares, each
/// declared once here, with how it is read.
macro_rules! process_table {
    ($(#[$meta:meta])* struct $name:ident { $($field:ident: $ty:ty,)* }) => {
        $(#[$meta])*
        #[derive(Deserialize, Default)]
        #[serde(deny_unknown_fields)]
        pub(super) struct $name {
            $(pub(super) $field: $ty,)*
            pub(super) cpus: Option<Spanned<CpusValue>>,
            pub(super) numa_policy: Option<Str>,
            pub(super) memory_max: Option<Spanned<MemoryValue>>,
            pub(super) nice: Option<Spanned<i64>>,
            pub(super) oom_score_adjust: Option<Spanned<i64>>,
            pub(super) args: Option<Args>,
            pub(super) env: Option<Env>,
            pub(super) systemd: Option<Directives>,
        }

        impl $name {
            /// The table's process settings, validated.
            // Not every table uses both this and the next.
            #[allow(dead_code)]
            pub(super) fn template(&self, r: &Reader) -> Result<RoleTemplate, ConfigError> {
                let mut template = self.template_but_cpus(r)?;
                template.settings.cpus = r.cpus(&self.cpus)?;
                Ok(template)
            }

            /// [`Self::template`] but for `cpus`, which the caller reads
            /// (an interface's may be `"auto"`).
            #[allow(dead_code)]
            pub(super) fn template_but_cpus(&self, r: &Reader) -> Result<RoleTemplate, ConfigError> {
                Ok(RoleTemplate {
                    args: r.args(&self.args)?,
                    env: r.env(&self.env)?,
                    settings: ProcessSettings {
                        cpus: None,
                        numa_policy: r.numa(&self.numa_policy)?,
                        nice: r.ranged(&self.nice, values::check_nice)?,
                        memory_max: r.memory(&self.memory_max)?,
                        oom_score_adjust: r.ranged(&self.oom_score_adjust, values::check_oom_score_adjust)?,
                        directives: r.directives(&self.systemd)?,
                    },
                })
            }
        }
    };
}

process_table! {
    /// `[manager]`, `[logger]`, `[proxy]`: `enabled` is the manager's,
    /// `count` the others'; the reader rejects the wrong one.
    struct RoleSection {
        enabled: Option<Spanned<bool>>,
        count: Option<Spanned<i64>>,
        // The manager's node name (default `manager`).
        name: Option<Str>,
        // Logger/proxy node names, used as they are (instead of `count`).
        names: Option<Spanned<Vec<Str>>>,
    }
}

process_table! {
    /// `[worker]`: what the workers of every interface start from
    /// (`cpus` is refused: workers are pinned per interface).
    struct WorkerSection {}
}

process_table! {
    /// `[[interface]]` (`cpus`: the CPUs its workers are pinned to in turn).
    struct InterfaceSection {
        name: Option<Str>,
        capture: Option<Str>,
        workers: Option<Spanned<WorkersValue>>,
        // The workers' node names, used as they are (worker k gets the k-th).
        names: Option<Spanned<Vec<Str>>>,
    }
}

process_table! {
    /// `[archiver]` (`args` go after the executable of `command`).
    struct ArchiverSection {
        enabled: Option<bool>,
        command: Option<Args>,
    }
}

/// `cpus`: a CPU list as text (`"0-3,8"`), as an array of CPU numbers
/// (`[0, 1, 2, 3]`), or `"auto"` (an interface's: chosen from the machine).
pub(super) enum CpusValue {
    Text(String),
    Numbers(Vec<i64>),
    Auto,
}

impl<'de> Deserialize<'de> for CpusValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(CpusVisitor)
    }
}

struct CpusVisitor;

impl<'de> serde::de::Visitor<'de> for CpusVisitor {
    type Value = CpusValue;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a CPU list: \"0-3,8\", [0, 1, 2, 3] or \"auto\"")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<CpusValue, E> {
        Ok(match text {
            "auto" => CpusValue::Auto,
            _ => CpusValue::Text(text.to_string()),
        })
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<CpusValue, A::Error> {
        let mut cpus = Vec::new();
        while let Some(item) = seq.next_element::<ListItem>()? {
            match item {
                ListItem::Number(n) => cpus.push(n),
                ListItem::Other(_) => {
                    return Err(serde::de::Error::custom(
                        "an array of CPUs holds CPU numbers only ([2, 3, 4, 5]); write ranges \
                         as a string: \"2-5,8\"",
                    ))
                }
            }
        }
        Ok(CpusValue::Numbers(cpus))
    }
}

/// An element of a `cpus` array: a number, or anything else (refused
/// with how to write it).
#[derive(Deserialize)]
#[serde(untagged)]
enum ListItem {
    Number(i64),
    Other(serde::de::IgnoredAny),
}

/// An interface's `workers`: a count, or `"auto"` (as many as the
/// machine has good cores for).
pub(super) enum WorkersValue {
    Count(i64),
    Auto,
}

impl<'de> Deserialize<'de> for WorkersValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(WorkersVisitor)
    }
}

struct WorkersVisitor;

impl serde::de::Visitor<'_> for WorkersVisitor {
    type Value = WorkersValue;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a number of workers or \"auto\"")
    }

    fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<WorkersValue, E> {
        Ok(WorkersValue::Count(n))
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<WorkersValue, E> {
        match text {
            "auto" => Ok(WorkersValue::Auto),
            _ => Err(E::custom(format!(
                "\"{text}\" is not a number of workers; write a number (workers = 4) or \
                 \"auto\" (as many as the machine has good cores for)"
            ))),
        }
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum MemoryValue {
    Bytes(i64),
    Text(String),
}

#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum DirectiveValue {
    Text(String),
    Integer(i64),
    Bool(bool),
    List(Vec<DirectiveScalar>),
}

#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum DirectiveScalar {
    Text(String),
    Integer(i64),
    Bool(bool),
}

/// `[logs]`: how long the archive keeps logs.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct LogsSection {
    /// `30d`, `12h`, `2w`, `forever`.
    pub(super) keep: Option<Str>,
}

/// `[disk]`: when the spool, queue and archive file systems are reported.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct DiskSection {
    /// `5%` or a size (`20G`).
    pub(super) min_free: Option<Str>,
}

/// `[alerts]`: the channels crash and disk-space reports go to, besides
/// the journal, and how many may go.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct AlertsSection {
    pub(super) mail_to: Option<Spanned<Vec<Str>>>,
    pub(super) mail_from: Option<Str>,
    pub(super) sendmail: Option<Str>,
    pub(super) command: Option<Args>,
    pub(super) webhook: Option<Str>,
    pub(super) max_per_hour: Option<Spanned<i64>>,
    pub(super) timeout_sec: Option<Spanned<i64>>,
}
