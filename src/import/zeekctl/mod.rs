//! `import-zeekctl`: ZeekControl's node.cfg, zeekctl.cfg and networks.cfg
//! turned into a commented `cluster.toml` that yields the same cluster
//! (same node names, hosts, capture, pinning, environment, scripts).

pub mod check;
pub mod ini;
pub mod networks_cfg;
pub mod node_cfg;
pub mod toml_out;
pub mod zeekctl_cfg;

use std::path::{Path, PathBuf};

use node_cfg::ZeekctlNode;
use zeekctl_cfg::ZeekctlCfg;

/// A ZeekControl file that cannot be imported: where and why, in the
/// form every config reader reports (`file:line: [section] key: message`).
pub type ImportError = crate::config::ConfigError;

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
