//! `import-zeekctl`: ZeekControl's node.cfg, zeekctl.cfg and networks.cfg
//! turned into a commented `cluster.toml` that yields the same cluster
//! (same node names, hosts, capture, pinning, environment, scripts).

pub mod check;
pub mod ini;
pub mod networks_cfg;
pub mod node_cfg;
mod operations_out;
pub mod toml_out;
mod toml_text;
pub mod zeekctl_cfg;

use std::collections::BTreeMap;
use std::net::IpAddr;
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
    /// The addresses ZeekControl resolved node.cfg's host names to, for
    /// the names the imported config cannot keep as they are (see
    /// [`toml_out::needs_lookup`]).
    pub resolved: BTreeMap<String, IpAddr>,
}

/// Looks a host name up as ZeekControl does (`getaddrinfo`, the first
/// IPv4 address, else the first).
pub fn resolve_host(host: &str) -> Option<IpAddr> {
    use std::net::ToSocketAddrs as _;
    let addrs: Vec<IpAddr> = (host, 0).to_socket_addrs().ok()?.map(|a| a.ip()).collect();
    addrs
        .iter()
        .find(|a| a.is_ipv4())
        .or(addrs.first())
        .copied()
}

/// Resolves the host names of `nodes` the imported config cannot keep
/// as they are; a name that does not resolve fails as in ZeekControl.
fn resolve_hosts(
    node_cfg: &Path,
    nodes: &[ZeekctlNode],
    resolve: &dyn Fn(&str) -> Option<IpAddr>,
) -> Result<BTreeMap<String, IpAddr>, ImportError> {
    let multi_host = nodes.iter().any(|n| n.host != nodes[0].host);
    let mut resolved = BTreeMap::new();
    for n in nodes {
        if resolved.contains_key(&n.host) || !toml_out::needs_lookup(&n.host, multi_host) {
            continue;
        }
        let Some(address) = resolve(&n.host) else {
            return Err(ImportError::at(
                node_cfg,
                n.line,
                Some(format!("[{}] host", n.section)),
                format!(
                    "hostname lookup failed for '{}' in node config (ZeekControl looks every \
                     host up when it reads node.cfg and its layout has the address; the import \
                     looks this one up to keep that address: run it where the name resolves, or \
                     write the host's address in node.cfg)",
                    n.host
                ),
            ));
        };
        resolved.insert(n.host.clone(), address);
    }
    Ok(resolved)
}

fn read(path: &Path) -> Result<String, ImportError> {
    std::fs::read_to_string(path).map_err(|e| ImportError::file(path, format!("cannot read: {e}")))
}

/// The warning for a key ZeekControl ignores, at its line, with the key
/// it was likely meant as.
fn ignored_warning(node_cfg: &Path, section: &str, key: &str, line: usize) -> String {
    let head = format!("{}:{line}: [{section}] {key}", node_cfg.display());
    match node_cfg::known_key_like(key).filter(|known| *known != key.replace('.', "_")) {
        Some(known) => format!(
            "{head}: unknown key, ignored as ZeekControl ignores it; did you mean \"{known}\"?"
        ),
        None => format!(
            "{head}: ignored, as ZeekControl ignores it (an unknown key, or an af_packet option \
             of a node without lb_procs)"
        ),
    }
}

/// Imports `sources`. `networks_script` is where the generated
/// `local-networks.zeek` will be installed (the TOML loads it from
/// there); `None` leaves it out of the args (with a comment saying so).
/// Host names are looked up with the system's resolver.
pub fn import(sources: &Sources, networks_script: Option<&Path>) -> Result<Imported, ImportError> {
    import_with(sources, networks_script, &resolve_host)
}

/// [`import`] with `resolve` as the host name lookup.
pub fn import_with(
    sources: &Sources,
    networks_script: Option<&Path>,
    resolve: &dyn Fn(&str) -> Option<IpAddr>,
) -> Result<Imported, ImportError> {
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
        for (key, line) in &n.ignored {
            let w = ignored_warning(&sources.node_cfg, &n.section, key, *line);
            if !warnings.contains(&w) {
                warnings.push(w);
            }
        }
    }
    let resolved = resolve_hosts(&sources.node_cfg, &nodes, resolve)?;
    let toml = toml_out::write(&toml_out::Input {
        sources,
        nodes: &nodes,
        cfg: &cfg,
        networks: networks.as_deref(),
        networks_script,
        resolved: &resolved,
    })?;
    Ok(Imported {
        toml,
        networks_script: networks.as_deref().map(networks_cfg::script),
        nodes,
        cfg,
        warnings,
        resolved,
    })
}
