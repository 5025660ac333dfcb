//! The format-neutral cluster spec the readers translate their syntax
//! into. It holds validated values only; what can still fail when nodes
//! are built (templates, port ranges, the size budget, names two hosts
//! share) keeps its location, so [`super::expand`] can name file, line and
//! key. Defaults are filled in from [`super::defaults`] by the readers.

use std::fmt;
use std::net::IpAddr;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::ConfigError;
use crate::model::{ClusterSettings, CpuList, ProcessSettings};

/// Where a value came from: the file, its line and key when known.
#[derive(Debug, Clone)]
pub struct At {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub key: Option<String>,
    /// A place still to be turned into line and key, only when an error
    /// needs it: locating every value up front is quadratic in the size
    /// of a config with huge tables.
    pub pending: Option<Pending>,
}

/// A byte range of a config text and the function that finds its line
/// and key.
#[derive(Clone)]
pub struct Pending {
    pub text: Arc<str>,
    pub span: Range<usize>,
    pub locate: fn(&str, Range<usize>) -> (usize, Option<String>),
}

impl fmt::Debug for Pending {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pending({:?})", self.span)
    }
}

impl At {
    /// The place `file` as a whole, or its `key` when given.
    pub fn file(file: &Path, key: Option<&str>) -> Self {
        At {
            file: file.to_path_buf(),
            line: None,
            key: key.map(str::to_string),
            pending: None,
        }
    }

    /// An error about the value here.
    pub fn error(&self, message: impl Into<String>) -> ConfigError {
        let (line, key) = match &self.pending {
            Some(p) => {
                let (line, key) = (p.locate)(&p.text, p.span.clone());
                (Some(line), key)
            }
            None => (self.line, self.key.clone()),
        };
        ConfigError {
            file: self.file.clone(),
            line,
            key,
            message: message.into(),
        }
    }
}

/// A text that may hold `${variable}` templates, expanded per node.
#[derive(Debug, Clone)]
pub struct Templated {
    pub text: String,
    pub at: At,
}

/// One environment variable a config sets (the value may be templated).
#[derive(Debug, Clone)]
pub struct EnvVar {
    pub name: String,
    pub value: Templated,
}

/// What every node of a role starts from: its args after the shared
/// ones, its env layer and its process settings.
#[derive(Debug, Clone, Default)]
pub struct RoleTemplate {
    pub args: Vec<String>,
    pub env: Vec<EnvVar>,
    pub settings: ProcessSettings,
}

/// The command line and environment the nodes of a host are built from.
/// A TOML config has one for all hosts; zeek.conf has one per host file.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    /// Scripts/args that select the cluster backend.
    pub backend: Vec<String>,
    /// The policy scripts every node loads after the backend's: the one
    /// that makes loggers rotate into the archiver queue, and any after it.
    pub policy: Vec<String>,
    /// Args every node gets last.
    pub args: Vec<String>,
    /// The env layer under every role's.
    pub env: Vec<EnvVar>,
    pub manager: RoleTemplate,
    pub logger: RoleTemplate,
    pub proxy: RoleTemplate,
    pub worker: RoleTemplate,
}

/// What an interface leaves to the machine it runs on.
#[derive(Debug, Clone)]
pub struct Auto {
    /// `cpus = "auto"`: the workers' CPUs.
    pub cpus: bool,
    /// `workers = "auto"`: how many workers.
    pub workers: bool,
}

/// One capture interface and its workers.
#[derive(Debug, Clone)]
pub struct InterfaceSpec {
    /// The interface's name (part of the node names); `None` for the one
    /// interface of a section-less zeek.conf (workers are `worker-N`).
    pub name: Option<String>,
    /// The line of the name, for messages about two interfaces.
    pub line: usize,
    pub capture: Templated,
    /// How many workers; for `workers = "auto"`, 0 until
    /// [`super::pinning`] counts them on the machine.
    pub workers: u32,
    /// Explicit worker node names, one per worker, used as they are.
    pub names: Option<Vec<String>>,
    /// The CPU each worker takes, in turn; for `cpus = "auto"`, `None`
    /// until [`super::pinning`] chooses them.
    pub cpus: Option<CpuList>,
    /// What the interface leaves to the machine; `None`: nothing.
    pub auto: Option<Auto>,
    /// Args after the worker role's.
    pub args: Vec<String>,
    /// The env layer over the worker role's.
    pub env: Vec<EnvVar>,
    /// Over the worker role's settings (`cpus` is unused here).
    pub settings: ProcessSettings,
}

/// One host's part of the cluster; a single-host config is one host
/// without a name.
#[derive(Debug, Clone)]
pub struct HostSpec {
    /// `None` on a single-host config.
    pub name: Option<Arc<str>>,
    /// What node names other than the manager's start with (`<prefix>-`);
    /// empty for none.
    pub node_prefix: String,
    /// Where the host is defined, for errors about the host as a whole.
    pub at: At,
    /// Whether the generator runs for this host.
    pub local: bool,
    /// `None`: Zeek looks the host name up when it loads the layout.
    pub address: Option<IpAddr>,
    pub manager: bool,
    pub loggers: u32,
    pub proxies: u32,
    /// Explicit logger/proxy node names (one per node, used as they are:
    /// no node prefix).
    pub logger_names: Option<Vec<String>>,
    pub proxy_names: Option<Vec<String>>,
    /// The first listener port, and where it was set.
    pub port: u16,
    pub port_at: At,
    /// Where the host's nodes serve their metrics, when not on `address`
    /// (`metrics_address`: a management network Prometheus reaches).
    pub metrics_address: Option<IpAddr>,
    /// The first metrics port (0: metrics off), and where it was set.
    pub metrics_port: u16,
    pub metrics_at: At,
    pub interfaces: Vec<InterfaceSpec>,
    /// Index into [`Spec::profiles`].
    pub profile: usize,
}

impl HostSpec {
    /// The host's name, empty on a single-host config.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or("")
    }

    /// Manager, loggers and proxies: the nodes with a listener port.
    pub fn listeners(&self) -> usize {
        usize::from(self.manager) + self.loggers as usize + self.proxies as usize
    }

    /// Every node of the host.
    pub fn nodes(&self) -> usize {
        self.listeners()
            + self
                .interfaces
                .iter()
                .map(|i| i.workers as usize)
                .sum::<usize>()
    }

    /// The listener and metrics port ranges (end exclusive) the host's
    /// nodes bind on its address.
    pub fn port_ranges(&self) -> Vec<(&'static str, usize, usize)> {
        let mut out = Vec::with_capacity(2);
        if self.listeners() > 0 {
            let start = usize::from(self.port);
            out.push(("listener", start, start + self.listeners()));
        }
        if self.metrics_port != 0 {
            let start = usize::from(self.metrics_port);
            out.push(("metrics", start, start + self.nodes()));
        }
        out
    }
}

/// What one node has beyond its role's and interface's settings, by node
/// name (`[nodes.NAME]`), applied after every node is built.
#[derive(Debug, Clone)]
pub struct NodeSettings {
    pub name: String,
    /// Where the table is, for "names no node".
    pub at: At,
    /// Replaces the node's `CPUAffinity=`.
    pub cpus: Option<CpuList>,
    /// Set last, key by key, taken literally.
    pub env: Vec<(String, String)>,
    /// After the role's and interface's args, before the profile's.
    pub args: Vec<String>,
}

/// The archiver of this host, before its env is merged.
#[derive(Debug, Clone)]
pub struct ArchiverSpec {
    /// Full command line, executable first.
    pub command: Vec<String>,
    pub env: Vec<EnvVar>,
    pub settings: ProcessSettings,
    /// Whether it runs here. An archiver that does not is still checked
    /// (a multi-host config's `check` on any host finds its mistakes).
    pub on: bool,
}

/// The behaviours that follow the format's reference program; everything
/// else is the same for both formats.
#[derive(Debug, Clone, Copy)]
pub struct Conventions {
    /// Workers get `INTERFACE=<capture source>` first in their
    /// environment (Zeek's worker units run `zeek -i ${INTERFACE}`).
    pub interface_env: bool,
    /// AF_PACKET interfaces of one host get distinct fanout ids.
    pub fanout_ids: bool,
    /// The message for a node name that two hosts share: the node name,
    /// its host, the host that has it already.
    pub name_clash: fn(&str, &HostSpec, &HostSpec) -> ConfigError,
}

/// A whole cluster config, format-neutral.
#[derive(Debug, Clone)]
pub struct Spec {
    /// What the config says about the cluster as a whole; the cluster
    /// gets it as it is.
    pub settings: ClusterSettings,
    /// The file errors about the whole config name.
    pub file: PathBuf,
    pub conventions: Conventions,
    /// Whether the config names its hosts (SPEC 2.5).
    pub multi_host: bool,
    /// The manager's node name; `None`: `manager`.
    pub manager_name: Option<String>,
    /// `[nodes.NAME]` tables.
    pub node_settings: Vec<NodeSettings>,
    pub profiles: Vec<Profile>,
    /// In layout order.
    pub hosts: Vec<HostSpec>,
    pub archiver: Option<ArchiverSpec>,
    /// The profile the archiver's env layer is under.
    pub archiver_profile: usize,
}
