//! `import-zeekctl`: ZeekControl's node.cfg, zeekctl.cfg and networks.cfg
//! turned into a commented `cluster.toml` that yields the same cluster
//! (same node names, hosts, capture, pinning, environment, scripts).

pub mod check;
pub mod command;
pub mod ini;
pub mod networks_cfg;
pub mod node_cfg;
pub mod toml_out;
pub mod zeekctl_cfg;

use std::fmt;
use std::path::{Path, PathBuf};

use node_cfg::ZeekctlNode;
use zeekctl_cfg::ZeekctlCfg;

/// A ZeekControl file that cannot be imported: where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    pub file: PathBuf,
    pub line: Option<usize>,
    /// The key, with its node.cfg section (`[worker-1] lb_procs`).
    pub key: Option<String>,
    pub message: String,
}

impl ImportError {
    /// An error at a line (and key) of `file`.
    pub fn at(file: &Path, line: usize, key: Option<String>, message: String) -> Self {
        ImportError {
            file: file.to_path_buf(),
            line: Some(line),
            key,
            message,
        }
    }

    /// An error about `file` as a whole.
    pub fn file(file: &Path, message: String) -> Self {
        ImportError {
            file: file.to_path_buf(),
            line: None,
            key: None,
            message,
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": ")?;
        if let Some(key) = &self.key {
            write!(f, "{key}: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for ImportError {}

/// The ZeekControl files to import; zeekctl.cfg and networks.cfg are
/// optional (ZeekControl's defaults apply without them).
#[derive(Debug, Clone)]
pub struct Sources {
    pub node_cfg: PathBuf,
    pub zeekctl_cfg: Option<PathBuf>,
    pub networks_cfg: Option<PathBuf>,
}

/// A finished import.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The `cluster.toml` text.
    pub toml: String,
    /// `local-networks.zeek`, when networks.cfg was imported.
    pub networks_script: Option<String>,
    /// ZeekControl's processes, in ZeekControl's order.
    pub nodes: Vec<ZeekctlNode>,
    pub cfg: ZeekctlCfg,
    /// Things ZeekControl would warn about (ignored keys), located.
    pub warnings: Vec<String>,
}

fn read(path: &Path) -> Result<String, ImportError> {
    std::fs::read_to_string(path).map_err(|e| ImportError::file(path, format!("cannot read: {e}")))
}

/// Imports `sources`. `networks_script` is where the generated
/// `local-networks.zeek` will be installed (the TOML loads it from
/// there); `None` leaves it out of the args (with a comment saying so).
pub fn import(sources: &Sources, networks_script: Option<&Path>) -> Result<Imported, ImportError> {
    let cfg = match &sources.zeekctl_cfg {
        Some(path) => zeekctl_cfg::read(path, &read(path)?)?,
        None => ZeekctlCfg::defaults(Path::new("zeekctl.cfg")),
    };
    let node_text = read(&sources.node_cfg)?;
    let nodes = node_cfg::read(&sources.node_cfg, &node_text, &cfg)?;
    let networks = match &sources.networks_cfg {
        Some(path) => Some(networks_cfg::read(path, &read(path)?)?),
        None => None,
    };
    let mut warnings = Vec::new();
    for n in &nodes {
        for key in &n.ignored {
            let w = format!(
                "{}:{}: [{}] {key}: ignored, as ZeekControl ignores it (an unknown key, or an \
                 af_packet option of a node without lb_procs)",
                sources.node_cfg.display(),
                n.line,
                n.section
            );
            if !warnings.contains(&w) {
                warnings.push(w);
            }
        }
    }
    let toml = toml_out::write(&toml_out::Input {
        sources,
        nodes: &nodes,
        cfg: &cfg,
        networks: networks.as_deref(),
        networks_script,
    })?;
    Ok(Imported {
        toml,
        networks_script: networks.as_deref().map(networks_cfg::script),
        nodes,
        cfg,
        warnings,
    })
}
