//! Typed settings of one `zeek.conf` file: the keys of SPEC 2.4 with
//! Zeek's defaults, validated, each remembered with its line for later
//! messages (templating happens per node, in the parent module).
//!
//! The keys are declared in `keys`; `value` reads one option's value;
//! `global` reads `[zeek]` and `interface` the interface sections.

mod global;
mod interface;
mod keys;
mod value;

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use super::super::values;
use super::super::{defaults, ConfigError, DEFAULT_PREFIX};
use super::ini::{Opt, Section};
use crate::model::{ProcessSettings, UnitSettings};
pub use keys::{global_keys, interface_keys};
pub use value::split_words;

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

impl Located {
    /// No value yet, blamed on `label` at `line` if none comes.
    fn nothing(line: usize, label: String) -> Self {
        Located {
            text: String::new(),
            line,
            label,
        }
    }
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

/// `websocket` (this product's own key): the manager's WebSocket
/// listener, and where the key is, for the messages the whole cluster
/// decides on (`websocket` in a file without the manager, no logger).
#[derive(Debug, Clone)]
pub struct WebSocketKey {
    /// `None`: `false`.
    pub listener: Option<SocketAddr>,
    pub line: usize,
    /// The option, as messages name it (`[zeek] websocket`).
    pub label: String,
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
    /// How the units run; zeek.conf sets only the restart delay
    /// (`restart_interval_sec`).
    pub units: UnitSettings,
    pub archiver: ArchiverChoice,
    /// Not given: no listener, as with Zeek's generator.
    pub websocket: Option<WebSocketKey>,
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

/// Reads one file; collects its warnings.
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
        units: defaults::unit_settings(),
        archiver: ArchiverChoice::Default,
        websocket: None,
        interfaces: Vec::new(),
        warnings: Vec::new(),
    }
}
