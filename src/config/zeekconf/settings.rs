//! Typed settings of one `zeek.conf` file: the keys of SPEC 2.4 with
//! Zeek's defaults, validated, each remembered with its line for later
//! messages (templating happens per node, in the parent module).

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use super::super::values::{self, Ipv6Brackets, MAX_SERVICE_NODES, MAX_WORKERS};
use super::super::{defaults, ConfigError, DEFAULT_PREFIX};
use super::ini::{Opt, Section};
use crate::model::{CpuList, NumaPolicy, ProcessSettings};

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
const SERVICE_ROLES: &[&str] = &["manager", "logger", "proxy", "archiver"];

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
            role.settings.nice = r.ranged(s, o, values::check_nice, "-20 to 19")?;
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
            role.settings.oom_score_adjust =
                r.ranged(s, o, values::check_oom_score_adjust, "-1000 to 1000")?;
            Ok(())
        },
        worker: true,
        zeek: false,
    },
];

/// The setting `key` names for one of `roles` (`logger_nice`: logger, nice).
fn process_key(key: &str, roles: &[&'static str]) -> Option<(&'static str, Setter)> {
    let (role, suffix) = roles
        .iter()
        .find_map(|role| Some((*role, key.strip_prefix(role)?.strip_prefix('_')?)))?;
    PROCESS_KEYS
        .iter()
        .find(|k| k.suffix == suffix && (role != "worker" || k.worker))
        .map(|k| (role, k.set))
}

fn is_global_key(key: &str) -> bool {
    ZEEK_SECTION_KEYS.contains(&key) || process_key(key, SERVICE_ROLES).is_some()
}

fn is_interface_key(key: &str) -> bool {
    INTERFACE_SECTION_KEYS.contains(&key) || process_key(key, &["worker"]).is_some()
}

/// Every key `[zeek]` knows (`zeek_only`: only those Zeek's generator
/// knows too), derived from the declarations above.
pub fn global_keys(zeek_only: bool) -> Vec<String> {
    let mut keys: Vec<String> = ZEEK_SECTION_KEYS.iter().map(|k| k.to_string()).collect();
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

/// One `KEY=VALUE` line of an `env` option, before templating.
#[derive(Debug, Clone)]
pub struct EnvLine {
    pub name: String,
    pub value: String,
    pub line: usize,
    /// The option, as messages name it (`[zeek] env`).
    pub label: String,
}

/// A value with where it came from, for messages raised later.
#[derive(Debug, Clone)]
pub struct Located {
    pub text: String,
    pub line: usize,
    pub label: String,
}

/// What `archiver` says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArchiverChoice {
    /// Not given: on where a manager or logger runs.
    Default,
    Off,
    /// `1`: Zeek's `zeek-archiver`.
    Stock,
    /// A path: a custom long-running archiver.
    Custom(String),
}

/// The per-role settings of manager, loggers, proxies.
#[derive(Debug, Clone, Default)]
pub struct RoleConf {
    pub args: Vec<String>,
    pub env: Vec<EnvLine>,
    pub settings: ProcessSettings,
}

/// One interface: an `[interface NAME]` section, or the top level of a
/// section-less file.
#[derive(Debug, Clone)]
pub struct InterfaceConf {
    /// The section name (`eth1` of `[interface eth1]`); `None` in a
    /// section-less file, whose workers are plain `worker-N`.
    pub name: Option<String>,
    pub capture: Located,
    pub workers: u32,
    /// The workers' args, env and process settings (`cpus`: the list
    /// worker k takes its k-th CPU from).
    pub role: RoleConf,
}

/// Everything one `zeek.conf` says.
#[derive(Debug, Clone)]
pub struct FileConf {
    pub manager: bool,
    /// The line of `manager`, when given.
    pub manager_line: Option<usize>,
    pub loggers: u32,
    pub proxies: u32,
    pub args: Vec<String>,
    pub manager_role: RoleConf,
    pub logger_role: RoleConf,
    pub proxy_role: RoleConf,
    pub archiver_role: RoleConf,
    pub env: Vec<EnvLine>,
    pub user: String,
    pub group: String,
    pub base_dir: PathBuf,
    pub path: String,
    pub ext_path: Option<String>,
    pub ext_zeek_path: Option<String>,
    pub backend_args: Vec<String>,
    pub cluster_layout: Option<PathBuf>,
    /// `Some("")`: explicitly no prefix; `None`: not given.
    pub node_prefix: Option<String>,
    pub port: u16,
    /// Where `port` came from, for range messages.
    pub port_label: Option<(usize, String)>,
    pub address: Option<IpAddr>,
    pub metrics_port: u16,
    pub metrics_label: Option<(usize, String)>,
    pub restart_sec: Option<u32>,
    pub archiver: ArchiverChoice,
    pub interfaces: Vec<InterfaceConf>,
    pub warnings: Vec<String>,
}

/// Reads the sections of one file into its settings.
pub fn read(path: &Path, sections: &[Section]) -> Result<FileConf, ConfigError> {
    Reader {
        path,
        warnings: Vec::new(),
    }
    .file(sections)
}

struct Reader<'a> {
    path: &'a Path,
    warnings: Vec<String>,
}

impl Reader<'_> {
    fn error(&self, line: usize, key: String, message: impl Into<String>) -> ConfigError {
        ConfigError {
            file: self.path.to_path_buf(),
            line: Some(line),
            key: Some(key),
            message: message.into(),
        }
    }

    fn opt_error(&self, section: &Section, opt: &Opt, message: impl Into<String>) -> ConfigError {
        self.error(opt.line, section.label(&opt.key), message)
    }

    fn warn(&mut self, line: usize, key: &str, message: &str) {
        self.warnings
            .push(format!("{}:{line}: {key}: {message}", self.path.display()));
    }

    /// The one value of a single-valued option.
    fn single<'s>(&self, section: &Section, opt: &'s Opt) -> Result<&'s str, ConfigError> {
        if let Some(extra) = opt.values.get(1) {
            return Err(self.error(
                extra.line,
                section.label(&opt.key),
                format!(
                    "multiple values for '{}' given; only keys ending in 'env' or 'args' take \
                     continuation lines",
                    opt.key
                ),
            ));
        }
        Ok(&opt.values[0].text)
    }

    /// `*args`: the values joined with spaces (as Zeek joins them), split
    /// into words the way systemd splits Zeek's `ExecStart=` line.
    fn args(&self, section: &Section, opt: &Opt) -> Result<Vec<String>, ConfigError> {
        let joined: Vec<&str> = opt
            .values
            .iter()
            .map(|v| v.text.as_str())
            .filter(|t| !t.is_empty())
            .collect();
        split_words(&joined.join(" ")).map_err(|m| self.opt_error(section, opt, m))
    }

    /// `*env`: one `KEY=VALUE` per value; empty values are skipped.
    fn env(&self, section: &Section, opt: &Opt) -> Result<Vec<EnvLine>, ConfigError> {
        let label = section.label(&opt.key);
        let mut out = Vec::new();
        for value in opt.values.iter().filter(|v| !v.text.is_empty()) {
            let bad = |detail: String| {
                self.error(
                    value.line,
                    label.clone(),
                    format!(
                        "error in {}: invalid env value '{}': {detail}",
                        opt.key, value.text
                    ),
                )
            };
            let Some((name, val)) = value.text.split_once('=') else {
                return Err(bad(
                    "write KEY=VALUE, one per (continuation) line".to_string()
                ));
            };
            values::check_env_name(name).map_err(bad)?;
            out.push(EnvLine {
                name: name.to_string(),
                value: val.to_string(),
                line: value.line,
                label: label.clone(),
            });
        }
        Ok(out)
    }

    fn int(&self, section: &Section, opt: &Opt, min: i64, max: i64) -> Result<i64, ConfigError> {
        let text = self.single(section, opt)?;
        match text.parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) && !text.starts_with('+') => Ok(n),
            _ => Err(self.opt_error(
                section,
                opt,
                format!(
                    "invalid {} value: '{text}'; use a whole number from {min} to {max}",
                    opt.key
                ),
            )),
        }
    }

    fn port(&self, section: &Section, opt: &Opt, min: i64) -> Result<u16, ConfigError> {
        Ok(self.int(section, opt, min, 65535)? as u16)
    }

    /// An optional whole number (empty: none), range-checked by `check`
    /// (e.g. `values::check_nice`); `range` says the range in the message.
    fn ranged<T>(
        &self,
        section: &Section,
        opt: &Opt,
        check: fn(i64) -> Result<T, String>,
        range: &str,
    ) -> Result<Option<T>, ConfigError> {
        let text = self.single(section, opt)?;
        if text.is_empty() {
            return Ok(None);
        }
        match text.parse::<i64>().map(check) {
            Ok(Ok(n)) if !text.starts_with('+') => Ok(Some(n)),
            _ => Err(self.opt_error(
                section,
                opt,
                format!(
                    "invalid {} value '{text}'; use a whole number from {range}",
                    opt.key
                ),
            )),
        }
    }

    fn memory(&self, section: &Section, opt: &Opt) -> Result<Option<String>, ConfigError> {
        let text = self.single(section, opt)?;
        if text.is_empty() {
            return Ok(None);
        }
        values::parse_memory_max(text)
            .map(Some)
            .map_err(|m| self.opt_error(section, opt, format!("invalid {} '{text}': {m}", opt.key)))
    }

    fn cpus(&self, section: &Section, opt: &Opt) -> Result<Option<CpuList>, ConfigError> {
        let text = self.single(section, opt)?;
        if text.is_empty() {
            return Ok(None);
        }
        // Zeek refuses a stride without a range ("1:1"); so does this.
        let strided_single = text.split(',').find(|item| {
            item.split(':').next().is_some_and(|r| !r.contains('-')) && item.contains(':')
        });
        if let Some(item) = strided_single {
            return Err(self.opt_error(
                section,
                opt,
                format!(
                    "invalid {} value '{text}': a stride needs a range, as in \"0-15:2\", not \"{}\"",
                    opt.key,
                    item.trim()
                ),
            ));
        }
        values::parse_cpu_list(text).map(Some).map_err(|m| {
            self.opt_error(
                section,
                opt,
                format!("invalid {} value '{text}': {m}", opt.key),
            )
        })
    }

    /// An absolute path; empty means "not given".
    fn path_value(&self, section: &Section, opt: &Opt) -> Result<Option<String>, ConfigError> {
        let text = self.single(section, opt)?;
        if text.is_empty() {
            return Ok(None);
        }
        let trimmed = text.trim_end_matches('/');
        let trimmed = if trimmed.is_empty() { "/" } else { trimmed };
        values::check_path(trimmed).map_err(|m| {
            self.opt_error(section, opt, format!("invalid {} '{text}': {m}", opt.key))
        })?;
        Ok(Some(trimmed.to_string()))
    }

    /// A `PATH`-like list that is put in front of the default one.
    fn search_path(&self, section: &Section, opt: &Opt) -> Result<Option<String>, ConfigError> {
        let text = self.single(section, opt)?;
        Ok((!text.is_empty()).then(|| text.to_string()))
    }

    /// The named sections of a sectioned file: [zeek] and
    /// the interface sections; any other section is ignored with a warning.
    fn sort_sections<'s>(
        &mut self,
        named: &[&'s Section],
    ) -> (Option<&'s Section>, Vec<&'s Section>) {
        let mut zeek = None;
        let mut interfaces = Vec::new();
        for section in named {
            let name = section.name.as_deref().unwrap_or_default();
            if name == "zeek" {
                zeek = Some(*section);
            } else if name.starts_with("interface") {
                interfaces.push(*section);
            } else {
                let hint = values::did_you_mean(name, ["zeek", "interface"])
                    .map(|h| format!(" (did you mean [{h}]?)"))
                    .unwrap_or_default();
                self.warn(
                    section.line,
                    &format!("[{name}]"),
                    &format!(
                        "unknown section ignored{hint}; zeek.conf knows [zeek] and \
                         [interface NAME]"
                    ),
                );
            }
        }
        (zeek, interfaces)
    }

    fn file(mut self, sections: &[Section]) -> Result<FileConf, ConfigError> {
        let unnamed = sections.iter().find(|s| s.name.is_none());
        let named: Vec<&Section> = sections.iter().filter(|s| s.name.is_some()).collect();
        if let (Some(top), Some(first)) = (unnamed, named.first()) {
            let opt = &top.options[0];
            return Err(self.opt_error(
                top,
                opt,
                format!(
                    "options in unnamed section mixed with options in sections (first section \
                     '[{}]' at line {}); put the top-level options into [zeek] or drop the \
                     sections",
                    first.name.as_deref().unwrap_or_default(),
                    first.line
                ),
            ));
        }
        let empty_zeek = Section {
            name: Some("zeek".into()),
            line: 1,
            options: Vec::new(),
        };
        let (global, interface_sections): (&Section, Vec<&Section>) = match unnamed {
            Some(top) => (top, vec![top]),
            None => {
                let (zeek, interfaces) = self.sort_sections(&named);
                (zeek.unwrap_or(&empty_zeek), interfaces)
            }
        };
        let section_less = unnamed.is_some();
        let mut conf = self.global(global, section_less)?;
        for section in interface_sections {
            if let Some(iface) = self.interface(section)? {
                if let (Some(name), Some(prev)) = (
                    &iface.name,
                    conf.interfaces.iter().find(|i| i.name == iface.name),
                ) {
                    return Err(self.error(
                        section.line,
                        format!("[{}]", section.name.as_deref().unwrap_or_default()),
                        format!(
                            "interface name '{name}' is used twice (first at line {}); node \
                             names must be unique",
                            prev.capture.line
                        ),
                    ));
                }
                conf.interfaces.push(iface);
            }
        }
        conf.warnings = self.warnings;
        Ok(conf)
    }

    fn global(&mut self, section: &Section, section_less: bool) -> Result<FileConf, ConfigError> {
        let mut conf = default_conf();
        let mut cluster_layout: Option<(String, &Opt)> = None;
        let mut seen_alias: Vec<(&str, usize)> = Vec::new();
        for opt in &section.options {
            let key = opt.key.as_str();
            self.check_alias(section, opt, &mut seen_alias)?;
            if let Some((role, set)) = process_key(key, SERVICE_ROLES) {
                set(self, section, opt, role_of(&mut conf, role))?;
            } else if key == "cluster_layout" {
                let text = self.single(section, opt)?;
                if !text.is_empty() {
                    cluster_layout = Some((text.to_string(), opt));
                }
            } else {
                self.global_option(&mut conf, section, opt, section_less)?;
            }
        }
        if let Some((text, opt)) = cluster_layout {
            // Zeek's setup unit copies it from <base_dir>, so a relative
            // path is relative to that.
            let path = conf.base_dir.join(&text);
            values::check_path(&path.display().to_string()).map_err(|m| {
                self.opt_error(
                    section,
                    opt,
                    format!("invalid cluster_layout '{text}': {m}"),
                )
            })?;
            conf.cluster_layout = Some(path);
        }
        Ok(conf)
    }

    /// `port`/`cluster_port` and `address`/`cluster_address` are one
    /// setting each; two spellings of it in one file are a mistake.
    fn check_alias<'s>(
        &self,
        section: &Section,
        opt: &'s Opt,
        seen: &mut Vec<(&'s str, usize)>,
    ) -> Result<(), ConfigError> {
        let group = match opt.key.as_str() {
            "port" | "cluster_port" => "port",
            "address" | "cluster_address" => "address",
            _ => return Ok(()),
        };
        if let Some((_, line)) = seen.iter().find(|(g, _)| *g == group) {
            return Err(self.opt_error(
                section,
                opt,
                format!(
                    "'{}' repeats the setting given at line {line} under another name; give \
                     it once",
                    opt.key
                ),
            ));
        }
        seen.push((group, opt.line));
        Ok(())
    }

    /// A `user` or `group` value.
    fn account_name(&self, section: &Section, opt: &Opt) -> Result<String, ConfigError> {
        let text = self.single(section, opt)?;
        values::check_account_name(text).map_err(|m| {
            self.opt_error(section, opt, format!("invalid {} '{text}': {m}", opt.key))
        })?;
        Ok(text.to_string())
    }

    /// An `address` or `cluster_address` value.
    fn address_value(&self, section: &Section, opt: &Opt) -> Result<IpAddr, ConfigError> {
        let text = self.single(section, opt)?;
        values::parse_address(text, Ipv6Brackets::Required)
            .map_err(|m| self.opt_error(section, opt, format!("invalid address '{text}': {m}")))
    }

    /// One `[zeek]` key that is not a role's process setting.
    fn global_option(
        &mut self,
        conf: &mut FileConf,
        section: &Section,
        opt: &Opt,
        section_less: bool,
    ) -> Result<(), ConfigError> {
        let key = opt.key.as_str();
        match key {
            "manager" => {
                conf.manager_line = Some(opt.line);
                conf.manager = self.manager_value(section, opt)?;
            }
            "loggers" => conf.loggers = self.int(section, opt, 0, MAX_SERVICE_NODES.into())? as u32,
            "proxies" => conf.proxies = self.int(section, opt, 0, MAX_SERVICE_NODES.into())? as u32,
            "args" | "cluster_backend_args" => {
                let args = self.args(section, opt)?;
                if !args.is_empty() {
                    *(if key == "args" {
                        &mut conf.args
                    } else {
                        &mut conf.backend_args
                    }) = args;
                }
            }
            "env" => conf.env = self.env(section, opt)?,
            "user" => conf.user = self.account_name(section, opt)?,
            "group" => conf.group = self.account_name(section, opt)?,
            "base_dir" => {
                if let Some(dir) = self.path_value(section, opt)? {
                    conf.base_dir = PathBuf::from(dir);
                }
            }
            "path" => {
                if let Some(path) = self.search_path(section, opt)? {
                    conf.path = path;
                }
            }
            "ext_path" => conf.ext_path = self.search_path(section, opt)?,
            "ext_zeek_path" => conf.ext_zeek_path = self.search_path(section, opt)?,
            "cluster_node_prefix" => conf.node_prefix = Some(self.node_prefix(section, opt)?),
            "port" | "cluster_port" => {
                conf.port = self.port(section, opt, 1)?;
                conf.port_label = Some((opt.line, section.label(key)));
            }
            "metrics_port" => {
                conf.metrics_port = self.port(section, opt, 0)?;
                conf.metrics_label = Some((opt.line, section.label(key)));
            }
            "address" | "cluster_address" => conf.address = Some(self.address_value(section, opt)?),
            "restart_interval_sec" => {
                conf.restart_sec = Some(self.int(section, opt, 0, 3600)? as u32);
            }
            "archiver" => conf.archiver = self.archiver_choice(section, opt)?,
            _ => self.unknown_global_key(section, opt, section_less)?,
        }
        Ok(())
    }

    fn manager_value(&self, section: &Section, opt: &Opt) -> Result<bool, ConfigError> {
        match self.single(section, opt)? {
            "0" => Ok(false),
            "1" => Ok(true),
            text => Err(self.opt_error(
                section,
                opt,
                format!("invalid manager value: '{text}'; use 1 (this host runs the manager) or 0"),
            )),
        }
    }

    fn node_prefix(&self, section: &Section, opt: &Opt) -> Result<String, ConfigError> {
        let text = self.single(section, opt)?;
        let valid = text.is_empty()
            || (text.len() <= 64
                && (text.as_bytes()[0].is_ascii_lowercase()
                    || text.as_bytes()[0].is_ascii_digit())
                && text.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_'
                }));
        if !valid {
            return Err(self.opt_error(
                section,
                opt,
                format!(
                    "invalid cluster_node_prefix '{text}' (must be empty or match \
                     /[a-z0-9][-_a-z0-9]*/, at most 64 characters)"
                ),
            ));
        }
        Ok(text.to_string())
    }

    fn archiver_choice(&self, section: &Section, opt: &Opt) -> Result<ArchiverChoice, ConfigError> {
        let text = self.single(section, opt)?;
        match text {
            "0" => Ok(ArchiverChoice::Off),
            "1" => Ok(ArchiverChoice::Stock),
            path if path.starts_with('/') => {
                values::check_path(path).map_err(|m| {
                    self.opt_error(section, opt, format!("invalid archiver '{text}': {m}"))
                })?;
                Ok(ArchiverChoice::Custom(path.to_string()))
            }
            _ => Err(self.opt_error(
                section,
                opt,
                format!(
                    "invalid archiver value '{text}'; use 1 (zeek-archiver), 0 (none) or the \
                     absolute path of a long-running archiver"
                ),
            )),
        }
    }

    /// A key `[zeek]` does not know: an error, or, at the top level of a
    /// section-less file (where the interface keys are too), a warning.
    fn unknown_global_key(
        &mut self,
        section: &Section,
        opt: &Opt,
        section_less: bool,
    ) -> Result<(), ConfigError> {
        let key = opt.key.as_str();
        if section_less && is_interface_key(key) {
            return Ok(());
        }
        if section_less {
            // Zeek ignores unknown top-level keys; a typo should still be
            // visible.
            let mut known = global_keys(false);
            known.extend(interface_keys(false));
            let hint = values::did_you_mean(key, known.iter().map(String::as_str))
                .map(|h| format!(" (did you mean '{h}'?)"))
                .unwrap_or_default();
            self.warn(
                opt.line,
                key,
                &format!("unknown key ignored{hint}, as Zeek's generator ignores it"),
            );
            return Ok(());
        }
        let known = global_keys(false);
        let hint = values::did_you_mean(key, known.iter().map(String::as_str))
            .map(|h| format!("; did you mean '{h}'?"))
            .unwrap_or_default();
        let elsewhere = if is_interface_key(key) {
            "; worker settings belong in [interface NAME] sections"
        } else {
            ""
        };
        Err(self.opt_error(
            section,
            opt,
            format!("invalid key '{key}' in section 'zeek'{hint}{elsewhere}"),
        ))
    }

    /// An interface section, or the interface part of a section-less
    /// file (`None` when it has no workers at all).
    fn interface(&mut self, section: &Section) -> Result<Option<InterfaceConf>, ConfigError> {
        let section_less = section.name.is_none();
        let name = self.interface_name(section)?;
        if !section_less && section.options.is_empty() {
            return Err(self.error(
                section.line,
                format!("[{}]", section.name.as_deref().unwrap_or_default()),
                "empty section; give at least 'interface' and 'workers'",
            ));
        }
        let mut capture: Option<(Located, &Opt)> = None;
        let mut workers: Option<(u32, &Opt)> = None;
        let mut iface = InterfaceConf {
            name,
            capture: Located {
                text: String::new(),
                line: section.line,
                label: section.label("interface"),
            },
            workers: 0,
            role: RoleConf::default(),
        };
        let mut numa_seen: Option<usize> = None;
        for opt in &section.options {
            let key = opt.key.as_str();
            if let Some((_, set)) = process_key(key, &["worker"]) {
                set(self, section, opt, &mut iface.role)?;
                continue;
            }
            match key {
                "interface" => {
                    let text = self.single(section, opt)?;
                    let label = section.label(key);
                    let (text, line) = (text.to_string(), opt.line);
                    capture = Some((Located { text, line, label }, opt));
                }
                "workers" => {
                    let n = self.int(section, opt, 0, MAX_WORKERS.into())?;
                    workers = Some((n as u32, opt));
                }
                "workers_cpu_list" => iface.role.settings.cpus = self.cpus(section, opt)?,
                "worker_numa_policy" | "workers_numa_policy" => {
                    let policy = self.numa_option(section, opt, &mut numa_seen)?;
                    iface.role.settings.numa_policy = Some(policy);
                }
                _ if section_less => {} // global keys, or ignored with a warning there
                _ => return Err(self.unknown_interface_key(section, opt)),
            }
        }
        self.finish_interface(section, iface, capture, workers)
    }

    /// The NAME of `[interface NAME]`; `None` section-less.
    fn interface_name(&self, section: &Section) -> Result<Option<String>, ConfigError> {
        let Some(full) = &section.name else {
            return Ok(None);
        };
        let name = full.strip_prefix("interface ").filter(|n| {
            !n.is_empty()
                && n.len() <= 64
                && n.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        });
        match name {
            Some(name) => Ok(Some(name.to_string())),
            None => Err(self.error(
                section.line,
                format!("[{full}]"),
                format!(
                    "invalid interface name in '{full}' (must match /interface [-_a-z0-9]+/, \
                     at most 64 characters)"
                ),
            )),
        }
    }

    /// `worker_numa_policy` (or its deprecated spelling), given once.
    fn numa_option(
        &mut self,
        section: &Section,
        opt: &Opt,
        seen: &mut Option<usize>,
    ) -> Result<NumaPolicy, ConfigError> {
        let key = opt.key.as_str();
        if let Some(line) = *seen {
            return Err(self.opt_error(
                section,
                opt,
                format!(
                    "'{key}' repeats the NUMA policy given at line {line}; give \
                     worker_numa_policy once"
                ),
            ));
        }
        *seen = Some(opt.line);
        if key == "workers_numa_policy" {
            self.warn(
                opt.line,
                &section.label(key),
                "Remove in v9.1: workers_numa_policy is deprecated, replace with \
                 worker_numa_policy",
            );
        }
        match self.single(section, opt)? {
            "local" => Ok(NumaPolicy::Local),
            "default" => Ok(NumaPolicy::Default),
            text => Err(self.opt_error(
                section,
                opt,
                format!("invalid '{key}' value '{text}'; use local or default"),
            )),
        }
    }

    fn unknown_interface_key(&self, section: &Section, opt: &Opt) -> ConfigError {
        let key = opt.key.as_str();
        let known = interface_keys(false);
        let hint = values::did_you_mean(key, known.iter().map(String::as_str))
            .map(|h| format!("; did you mean '{h}'?"))
            .unwrap_or_default();
        let elsewhere = if is_global_key(key) {
            "; this key belongs in [zeek]"
        } else {
            ""
        };
        self.opt_error(
            section,
            opt,
            format!(
                "invalid option '{key}'{}{hint}{elsewhere}",
                section.in_section()
            ),
        )
    }

    /// The interface once its keys are read: `None` when it captures
    /// nothing (section-less `interface =`, or no workers).
    fn finish_interface(
        &self,
        section: &Section,
        mut iface: InterfaceConf,
        capture: Option<(Located, &Opt)>,
        workers: Option<(u32, &Opt)>,
    ) -> Result<Option<InterfaceConf>, ConfigError> {
        let section_less = section.name.is_none();
        let in_section = section.in_section();
        let (capture, opt) = match (capture, workers) {
            // Only reachable section-less: a manager/logger host.
            (None, None) => return Ok(None),
            (None, Some((_, opt))) => {
                return Err(self.opt_error(
                    section,
                    opt,
                    format!(
                        "found workers but no interface option{in_section}; add 'interface = \
                         <capture source>'"
                    ),
                ))
            }
            (Some(found), _) => found,
        };
        if capture.text.is_empty() {
            if section_less && workers.map_or(true, |(n, _)| n == 0) {
                // `interface =` turns capturing off, as in Zeek's shipped
                // example.
                return Ok(None);
            }
            let message = if section_less {
                "empty interface option with workers; give the capture source or set workers = 0"
                    .to_string()
            } else {
                format!("empty interface option not allowed{in_section}")
            };
            return Err(self.opt_error(section, opt, message));
        }
        let Some((workers, _)) = workers else {
            // Zeek's generator refuses this too (section-less included):
            // how many workers is not guessed.
            return Err(self.opt_error(
                section,
                opt,
                format!("found interface but no workers option{in_section}; add 'workers = N'"),
            ));
        };
        if workers == 0 {
            return Ok(None);
        }
        iface.capture = capture;
        iface.workers = workers;
        Ok(Some(iface))
    }
}

/// A file's settings before its keys: Zeek's defaults.
fn default_conf() -> FileConf {
    // Zeek's generator runs no manager, logger or proxy unless the file
    // asks for one: a worker host lists only its interfaces.
    FileConf {
        manager: false,
        manager_line: None,
        loggers: 0,
        proxies: 0,
        args: defaults::GLOBAL_ARGS
            .iter()
            .map(|a| a.to_string())
            .collect(),
        manager_role: RoleConf::default(),
        logger_role: RoleConf::default(),
        proxy_role: RoleConf::default(),
        archiver_role: RoleConf::default(),
        env: Vec::new(),
        user: defaults::ACCOUNT.into(),
        group: defaults::ACCOUNT.into(),
        base_dir: PathBuf::from(DEFAULT_PREFIX),
        path: defaults::SYSTEM_PATH.into(),
        ext_path: None,
        ext_zeek_path: None,
        backend_args: vec![defaults::ZEROMQ_BACKEND.into()],
        cluster_layout: None,
        node_prefix: None,
        port: defaults::LISTENER_PORT,
        port_label: None,
        address: None,
        metrics_port: defaults::METRICS_PORT,
        metrics_label: None,
        restart_sec: defaults::RESTART_SEC,
        archiver: ArchiverChoice::Default,
        interfaces: Vec::new(),
        warnings: Vec::new(),
    }
}

/// The settings of the role a `<role>_<setting>` key names.
fn role_of<'c>(conf: &'c mut FileConf, prefix: &str) -> &'c mut RoleConf {
    match prefix {
        "manager" => &mut conf.manager_role,
        "logger" => &mut conf.logger_role,
        "proxy" => &mut conf.proxy_role,
        _ => &mut conf.archiver_role,
    }
}

/// Splits an argument string into words as systemd splits an `ExecStart=`
/// line (Zeek writes the joined args there unquoted): whitespace separates
/// words, double or single quotes group, and a backslash makes a quote or
/// a backslash literal.
pub fn split_words(text: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quote) {
            ('\\', _) if matches!(chars.peek(), Some('"' | '\'' | '\\')) => {
                word.extend(chars.next());
                in_word = true;
            }
            ('"' | '\'', None) => {
                quote = Some(c);
                in_word = true;
            }
            (c, Some(q)) if c == q => quote = None,
            (c, None) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (c, _) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if let Some(q) = quote {
        return Err(format!(
            "unclosed {q} quote in '{text}'; close it, or write \\{q} for a literal quote"
        ));
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words() {
        assert_eq!(
            split_words(" local  tuning/json-logs a=\"x y\" 'q r' b\\\"c ").unwrap(),
            ["local", "tuning/json-logs", "a=x y", "q r", "b\"c"]
        );
        assert_eq!(split_words("re=/a\\.b/").unwrap(), ["re=/a\\.b/"]);
        assert_eq!(split_words("\"\"").unwrap(), [""]);
        assert!(split_words("a \"b").is_err());
    }

    #[test]
    fn addresses() {
        assert!(values::parse_address("10.0.0.1", Ipv6Brackets::Required).is_ok());
        assert!(values::parse_address("[fd00::1]", Ipv6Brackets::Required).is_ok());
        for bad in [
            "[1.2.3.4]",
            "1.2.3.4]",
            "[1.2.3.4",
            "10.0.0.256",
            "[a::yy]",
            "fd00::1",
            "host",
            "",
        ] {
            assert!(
                values::parse_address(bad, Ipv6Brackets::Required).is_err(),
                "{bad:?} accepted"
            );
        }
    }
}
