//! node.cfg: ZeekControl's node list, expanded into processes exactly as
//! ZeekControl does it (`ZeekControl/config.py` `_check_node`,
//! `_check_nodestore`, `_get_pin_cpu_list`, `_get_env_var_dict`, and the
//! load-balancing plugins `zzz_af_packet.py`, `lb_pf_ring.py`,
//! `lb_myricom.py`). Rejections use ZeekControl's own reasons, located.

use std::collections::BTreeMap;
use std::path::Path;

use super::ini::{self, Section};
use super::zeekctl_cfg::ZeekctlCfg;
use super::ImportError;

/// A node type of node.cfg.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Logger,
    Manager,
    Proxy,
    Worker,
    /// ZeekControl's one-process Zeek; imported as a cluster.
    Standalone,
}

impl Kind {
    /// The name node.cfg spells it with.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Logger => "logger",
            Kind::Manager => "manager",
            Kind::Proxy => "proxy",
            Kind::Worker => "worker",
            Kind::Standalone => "standalone",
        }
    }
}

/// One Zeek process as ZeekControl would start it.
#[derive(Debug, Clone)]
pub struct ZeekctlNode {
    /// ZeekControl's node name (`worker-1-3` for the third `lb_procs`
    /// process of `[worker-1]`).
    pub name: String,
    /// The node.cfg section it came from and that section's line.
    pub section: String,
    pub line: usize,
    pub kind: Kind,
    pub host: String,
    /// What ZeekControl passes to `zeek -i` (after the af_packet plugin's
    /// prefix and pf_ring's `@N` suffix).
    pub interface: Option<String>,
    pub lb_method: Option<String>,
    pub lb_procs: Option<u32>,
    /// The one CPU ZeekControl pins the process to (`taskset -c`).
    pub pin_cpu: Option<u32>,
    /// `env_vars` of the node's section.
    pub env: BTreeMap<String, String>,
    /// Variables a load-balancing plugin sets unless node.cfg or
    /// zeekctl.cfg set them.
    pub plugin_env: Vec<(String, String)>,
    /// `aux_scripts`, split as the shell splits ZeekControl's command line.
    pub aux_scripts: Vec<String>,
    /// `af_packet_*` options as Zeek command-line redefs.
    pub af_packet_args: Vec<String>,
    /// Keys ZeekControl ignores with a warning (it says so, so do we),
    /// each with its line.
    pub ignored: Vec<(String, usize)>,
    /// Made from a `type=standalone` node (see [`standalone_as_cluster`]).
    pub from_standalone: bool,
}

impl ZeekctlNode {
    /// The environment ZeekControl gives the process besides
    /// `CLUSTER_NODE`: node.cfg, then zeekctl.cfg `env_vars`, then the
    /// plugin's (each only where the earlier ones did not set the key).
    pub fn effective_env(&self, global: &BTreeMap<String, String>) -> BTreeMap<String, String> {
        let mut env = self.env.clone();
        for (k, v) in global {
            env.entry(k.clone()).or_insert_with(|| v.clone());
        }
        for (k, v) in &self.plugin_env {
            env.entry(k.clone()).or_insert_with(|| v.clone());
        }
        env
    }
}

/// The node keys ZeekControl knows (node.py `Node._keys`, plus the
/// af_packet plugin's `fanout_id`, `fanout_mode`, `buffer_size` with its
/// `af_packet_` prefix). Others are ignored with a warning, as ZeekControl
/// does.
const KNOWN_KEYS: &[&str] = &[
    "type",
    "host",
    "interface",
    "aux_scripts",
    "zeekbase",
    "ether",
    "zone_id",
    "lb_procs",
    "lb_method",
    "lb_interfaces",
    "pin_cpus",
    "env_vars",
    "count",
    "af_packet_fanout_id",
    "af_packet_fanout_mode",
    "af_packet_buffer_size",
];

const LB_METHODS: &[&str] = &["af_packet", "pf_ring", "myricom", "custom", "interfaces"];

/// Reads node.cfg `text` (from `path`) into ZeekControl's processes, in
/// ZeekControl's order (loggers, manager, proxies, workers; by position).
pub fn read(path: &Path, text: &str, cfg: &ZeekctlCfg) -> Result<Vec<ZeekctlNode>, ImportError> {
    let sections = ini::parse(path, text)?;
    let mut nodes: Vec<ZeekctlNode> = Vec::new();
    for section in &sections {
        let expanded = expand(path, section)?;
        if let Some(other) = sections.iter().find(|o| o.name != section.name) {
            if expanded.iter().any(|n| n.from_standalone) {
                return Err(ImportError::at(
                    path,
                    other.line,
                    None,
                    format!(
                        "more than one node defined in standalone node config ([{}] is \
                         standalone: it must be the only node)",
                        section.name
                    ),
                ));
            }
        }
        for node in expanded {
            add_node(path, &nodes, &node)?;
            nodes.push(node);
        }
    }
    // Python's sort is stable: by type, then by position within the type.
    nodes.sort_by_key(|n| n.kind);
    check_nodestore(path, &nodes)?;
    apply_plugins(path, &mut nodes, cfg)?;
    Ok(nodes)
}

/// `NodeStore.add_node`: names are unique regardless of case.
fn add_node(path: &Path, nodes: &[ZeekctlNode], node: &ZeekctlNode) -> Result<(), ImportError> {
    let lower = node.name.to_lowercase();
    if let Some(other) = nodes.iter().find(|n| n.name.to_lowercase() == lower) {
        return Err(ImportError::at(
            path,
            node.line,
            None,
            format!(
                "node name \"{}\" is a duplicate of \"{}\" (ZeekControl compares names without case; \
                 `lb_procs` makes <name>-1 ... <name>-N)",
                node.name, other.name
            ),
        ));
    }
    Ok(())
}

fn value<'a>(section: &'a Section, key: &str) -> Option<&'a str> {
    section
        .get(key)
        .map(|e| e.value.as_str())
        .filter(|v| !v.is_empty())
}

fn line_of(section: &Section, key: &str) -> usize {
    section.get(key).map_or(section.line, |e| e.line)
}

/// One node.cfg section with the file it is in, so its errors are located.
struct NodeSection<'a> {
    path: &'a Path,
    section: &'a Section,
}

impl NodeSection<'_> {
    fn name(&self) -> &str {
        &self.section.name
    }

    fn value(&self, key: &str) -> Option<&str> {
        value(self.section, key)
    }

    /// An error at `key`'s line (the section's if it has no such key).
    fn fail(&self, key: &str, msg: String) -> ImportError {
        ImportError::at(
            self.path,
            line_of(self.section, key),
            Some(format!("[{}] {key}", self.section.name)),
            msg,
        )
    }
}

/// `_check_node` for one section: its processes (several with `lb_procs`).
fn expand(path: &Path, section: &Section) -> Result<Vec<ZeekctlNode>, ImportError> {
    let at = NodeSection { path, section };
    let kind = node_kind(&at)?;
    let Some(host) = at.value("host") else {
        return Err(at.fail("host", format!("no host given for node '{}'", at.name())));
    };
    let env = match at.value("env_vars") {
        Some(text) => ini::env_var_dict(text)
            .map_err(|m| at.fail("env_vars", format!("node '{}' config: {m}", at.name())))?,
        None => BTreeMap::new(),
    };
    let lb_method = at.value("lb_method");
    let numprocs = lb_procs(&at, kind, lb_method)?;
    let cpus = pin_cpus(&at, numprocs)?;
    let base = ZeekctlNode {
        name: at.name().to_string(),
        section: at.name().to_string(),
        line: section.line,
        kind,
        host: host.to_string(),
        interface: at.value("interface").map(str::to_string),
        lb_method: lb_method.map(str::to_string),
        lb_procs: numprocs,
        pin_cpu: cpus.first().copied(),
        env,
        plugin_env: Vec::new(),
        aux_scripts: at
            .value("aux_scripts")
            .map(|s| s.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default(),
        // The af_packet plugin writes its options for load-balanced workers
        // only (zeekctl_config skips the rest).
        af_packet_args: if kind == Kind::Worker && numprocs.is_some() {
            af_packet_args(section)
        } else {
            Vec::new()
        },
        ignored: ignored_keys(section, kind == Kind::Worker && numprocs.is_some()),
        from_standalone: false,
    };
    // After ZeekControl's own checks, so its reasons come first.
    let Some(numprocs) = numprocs else {
        if matches!(kind, Kind::Worker | Kind::Standalone) && base.interface.is_none() {
            return Err(no_interface(&at));
        }
        if kind == Kind::Standalone {
            return Ok(standalone_as_cluster(base));
        }
        return Ok(vec![base]);
    };
    let method = checked_lb_method(&at, lb_method)?;
    if method != "interfaces" && base.interface.is_none() {
        return Err(no_interface(&at));
    }
    let netifs = if method == "interfaces" {
        lb_interfaces(&at, numprocs)?
    } else {
        Vec::new()
    };
    Ok(lb_processes(&base, numprocs, &cpus, netifs))
}

/// `type`.
fn node_kind(at: &NodeSection) -> Result<Kind, ImportError> {
    let name = at.name();
    match at.value("type") {
        None => Err(at.fail("type", format!("no type given for node {name}"))),
        Some("logger") => Ok(Kind::Logger),
        Some("manager") => Ok(Kind::Manager),
        Some("proxy") => Ok(Kind::Proxy),
        Some("worker") => Ok(Kind::Worker),
        Some("standalone") => Ok(Kind::Standalone),
        Some(other) => Err(at.fail(
            "type",
            format!("unknown node type '{other}' given for node '{name}'"),
        )),
    }
}

/// A standalone node as the smallest cluster that does its work.
/// ZeekControl runs it as one Zeek process that captures and writes the
/// logs itself; zeek-systemd runs clusters, so: the manager (it writes
/// the logs, as no logger is configured), one proxy (ZeekControl requires
/// one in every cluster, and Zeek's scripts that spread state over the
/// proxy pool lose it without one) and one worker named like the section,
/// capturing on its interface with its CPU. Its scripts and environment
/// go to all three: the one process had them all.
fn standalone_as_cluster(node: ZeekctlNode) -> Vec<ZeekctlNode> {
    let role = |kind: Kind, name: &str| ZeekctlNode {
        name: name.to_string(),
        kind,
        interface: None,
        pin_cpu: None,
        from_standalone: true,
        ..node.clone()
    };
    let worker = ZeekctlNode {
        kind: Kind::Worker,
        from_standalone: true,
        ..node.clone()
    };
    vec![
        role(Kind::Manager, "manager"),
        role(Kind::Proxy, "proxy-1"),
        worker,
    ]
}

/// `lb_procs`: how many processes the section runs as (None: one,
/// named as the section).
fn lb_procs(
    at: &NodeSection,
    kind: Kind,
    lb_method: Option<&str>,
) -> Result<Option<u32>, ImportError> {
    let name = at.name();
    let Some(text) = at.value("lb_procs") else {
        if lb_method.is_some() {
            return Err(at.fail(
                "lb_method",
                format!("number of load-balanced processes not specified for node '{name}'"),
            ));
        }
        return Ok(None);
    };
    if kind != Kind::Worker {
        return Err(at.fail(
            "lb_procs",
            format!("node '{name}' config: load balancing node config options are only for worker nodes"),
        ));
    }
    let n: i64 = python_int(text).ok_or_else(|| {
        at.fail(
            "lb_procs",
            format!("number of load-balanced processes must be an integer for node '{name}'"),
        )
    })?;
    if n < 1 {
        return Err(at.fail(
            "lb_procs",
            format!(
                "number of load-balanced processes must be greater than zero for node '{name}'"
            ),
        ));
    }
    Ok(Some(u32::try_from(n.min(65_000)).unwrap_or(65_000)))
}

/// `pin_cpus`: the CPU of each process, in process order.
fn pin_cpus(at: &NodeSection, numprocs: Option<u32>) -> Result<Vec<u32>, ImportError> {
    match at.value("pin_cpus") {
        Some(text) => pin_cpu_list(text, numprocs.unwrap_or(0) as usize).ok_or_else(|| {
            at.fail(
                "pin_cpus",
                format!(
                    "pin cpus list must contain only non-negative integers for node '{}'",
                    at.name()
                ),
            )
        }),
        None => Ok(Vec::new()),
    }
}

/// The keys ZeekControl ignores with a warning: unknown ones, and the
/// af_packet options of a node the plugin does not configure.
fn ignored_keys(section: &Section, load_balanced_worker: bool) -> Vec<(String, usize)> {
    section
        .entries
        .iter()
        .filter(|e| {
            let key = e.key.replace('.', "_");
            let unused_af_packet = key.starts_with("af_packet_") && !load_balanced_worker;
            !KNOWN_KEYS.contains(&key.as_str()) || unused_af_packet
        })
        .map(|e| (e.key.clone(), e.line))
        .collect()
}

/// The known key an ignored one was likely meant as (`pin_cpu` ->
/// `pin_cpus`).
pub fn known_key_like(key: &str) -> Option<&'static str> {
    crate::config::values::did_you_mean(key, KNOWN_KEYS.iter().copied())
}

/// ZeekControl accepts a worker without an interface; we do not.
fn no_interface(at: &NodeSection) -> ImportError {
    at.fail(
        "interface",
        format!(
            "worker '{}' has no interface: ZeekControl starts it without -i (it sniffs \
             nothing); here every worker captures, so give it `interface=` or remove it",
            at.name()
        ),
    )
}

/// `lb_method`, required with `lb_procs` and one ZeekControl knows.
fn checked_lb_method<'a>(
    at: &NodeSection,
    lb_method: Option<&'a str>,
) -> Result<&'a str, ImportError> {
    let name = at.name();
    match lb_method {
        None => Err(at.fail(
            "lb_procs",
            format!("no load balancing method given for node '{name}'"),
        )),
        Some(m) if LB_METHODS.contains(&m) => Ok(m),
        Some(m) => Err(at.fail(
            "lb_method",
            format!(
                "unknown load balancing method '{m}' given for node '{name}' (ZeekControl knows {})",
                LB_METHODS.join(", ")
            ),
        )),
    }
}

/// `lb_interfaces` of `lb_method=interfaces`: one per process.
fn lb_interfaces(at: &NodeSection, numprocs: u32) -> Result<Vec<String>, ImportError> {
    let name = at.name();
    let Some(list) = at.value("lb_interfaces") else {
        return Err(at.fail(
            "lb_interfaces",
            format!("list of load-balanced interfaces not specified for node '{name}'"),
        ));
    };
    let netifs: Vec<String> = list.split(',').map(|s| s.trim().to_string()).collect();
    if netifs.len() != numprocs as usize {
        return Err(at.fail(
            "lb_interfaces",
            format!("number of load-balanced interfaces is not same as number of load-balanced processes for node '{name}'"),
        ));
    }
    Ok(netifs)
}

/// The `lb_procs` processes of `base`: `<name>-1` ... `<name>-N`, each
/// with its own CPU and (with `lb_interfaces`) its own interface.
fn lb_processes(
    base: &ZeekctlNode,
    numprocs: u32,
    cpus: &[u32],
    mut netifs: Vec<String>,
) -> Vec<ZeekctlNode> {
    let mut out = Vec::with_capacity(numprocs as usize);
    for num in 1..=numprocs as usize {
        let mut node = base.clone();
        node.name = format!("{}-{num}", base.name);
        node.pin_cpu = cpus.get(num - 1).copied();
        // ZeekControl pops from the END of lb_interfaces: <name>-1 gets the
        // last interface listed, <name>-2 the one before it, ...
        if let Some(netif) = netifs.pop() {
            node.interface = Some(netif);
        }
        out.push(node);
    }
    out
}

/// `af_packet_fanout_id`, `_fanout_mode`, `_buffer_size`: ZeekControl's
/// af_packet plugin writes them as redefs for that node; Zeek takes the
/// same as `ID=value` arguments.
fn af_packet_args(section: &Section) -> Vec<String> {
    [
        ("af_packet_fanout_id", "AF_Packet::fanout_id"),
        ("af_packet_fanout_mode", "AF_Packet::fanout_mode"),
        ("af_packet_buffer_size", "AF_Packet::buffer_size"),
    ]
    .iter()
    .filter_map(|(key, id)| {
        let entry = section
            .entries
            .iter()
            .find(|e| e.key.replace('.', "_") == *key && !e.value.is_empty())?;
        Some(format!("{id}={}", entry.value))
    })
    .collect()
}

/// Python's `int()` on a string: optional sign, digits, surrounding
/// whitespace.
fn python_int(text: &str) -> Option<i64> {
    let t = text.trim();
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

/// `_get_pin_cpu_list`: comma-separated non-negative integers; shorter
/// than the number of processes, it wraps around (`cpulist[i % len]`).
pub fn pin_cpu_list(text: &str, numprocs: usize) -> Option<Vec<u32>> {
    let mut list = Vec::new();
    for item in text.split(',') {
        let n = python_int(item)?;
        list.push(u32::try_from(n).ok()?);
    }
    let len = list.len();
    if numprocs > len {
        list = (0..numprocs).map(|i| list[i % len]).collect();
    }
    Some(list)
}

/// `_check_nodestore`: the cluster as a whole.
fn check_nodestore(path: &Path, nodes: &[ZeekctlNode]) -> Result<(), ImportError> {
    let whole = |msg: &str| ImportError::file(path, msg.to_string());
    if nodes.is_empty() {
        return Err(whole("no nodes found in node config"));
    }
    let managers: Vec<_> = nodes.iter().filter(|n| n.kind == Kind::Manager).collect();
    if let Some(second) = managers.get(1) {
        return Err(ImportError::at(
            path,
            second.line,
            None,
            "only one manager can be defined in node config".into(),
        ));
    }
    let Some(manager) = managers.first() else {
        return Err(whole("no manager defined in node config"));
    };
    if !nodes.iter().any(|n| n.kind == Kind::Proxy) {
        return Err(whole("no proxy defined in node config"));
    }
    if is_localhost(&manager.host) {
        if let Some(n) = nodes.iter().find(|n| !is_localhost(&n.host)) {
            return Err(ImportError::at(
                path,
                n.line,
                Some(format!("[{}] host", n.section)),
                "all nodes must use localhost/127.0.0.1/::1 when manager uses it".into(),
            ));
        }
    }
    Ok(())
}

/// Hosts ZeekControl treats as this machine's loopback.
pub fn is_localhost(host: &str) -> bool {
    matches!(host, "localhost" | "127.0.0.1" | "::1")
}

/// The load-balancing plugins, in ZeekControl's order of effect.
fn apply_plugins(
    path: &Path,
    nodes: &mut [ZeekctlNode],
    cfg: &ZeekctlCfg,
) -> Result<(), ImportError> {
    for n in nodes.iter_mut() {
        if n.kind != Kind::Worker {
            continue;
        }
        match n.lb_method.as_deref() {
            Some("af_packet") => {
                let iface = n.interface.clone().unwrap_or_default();
                if iface.starts_with("af_packet::") {
                    return Err(ImportError::at(
                        path,
                        n.line,
                        Some(format!("[{}] interface", n.section)),
                        format!("unexpected af_packet:: prefix for interface {iface} of {} (lb_method=af_packet adds it)", n.name),
                    ));
                }
                n.interface = Some(format!("af_packet::{iface}"));
            }
            Some("myricom") => {
                let procs = n.lb_procs.unwrap_or(1).to_string();
                n.plugin_env.push(("SNF_NUM_RINGS".into(), procs));
                n.plugin_env.push(("SNF_FLAGS".into(), "0x101".into()));
            }
            _ => {}
        }
    }
    pf_ring(path, nodes, cfg)
}

/// `lb_pf_ring.py`: cluster ids per (host, interface), app instances for
/// ZC/DNA interfaces, the flow-hash type, the app name.
fn pf_ring(path: &Path, nodes: &mut [ZeekctlNode], cfg: &ZeekctlCfg) -> Result<(), ImportError> {
    let cluster_id = cfg.pf_ring_cluster_id;
    if cluster_id == 0 {
        return Ok(());
    }
    let Some(pftype) = pf_ring_type_var(&cfg.pf_ring_cluster_type) else {
        return Err(ImportError::at(
            &cfg.path,
            cfg.pf_ring_cluster_type_line.unwrap_or(1),
            Some("PFRINGClusterType".into()),
            format!(
                "PFRINGClusterType \"{}\" not supported",
                cfg.pf_ring_cluster_type
            ),
        ));
    };
    let _ = path;
    let first = cfg.pf_ring_first_app_instance;
    let mut app_instance = first;
    let mut ids: BTreeMap<String, Vec<(String, i64)>> = BTreeMap::new();
    for n in nodes.iter_mut() {
        if n.kind != Kind::Worker || n.lb_method.as_deref() != Some("pf_ring") {
            continue;
        }
        let iface = n.interface.clone().unwrap_or_default();
        let per_host = ids.entry(n.host.clone()).or_default();
        if !per_host.iter().any(|(i, _)| *i == iface) {
            app_instance = first;
            let id = cluster_id + per_host.len() as i64;
            per_host.push((iface.clone(), id));
        }
        let id = per_host
            .iter()
            .find(|(i, _)| *i == iface)
            .map_or(cluster_id, |(_, id)| *id);
        n.plugin_env.push((pftype.into(), "1".into()));
        let zc = iface.starts_with("zc:") || iface.starts_with("pf_ring::zc:");
        if zc || iface.starts_with("dna") {
            if zc {
                n.plugin_env
                    .push(("PCAP_PF_RING_ZC_RSS".into(), "1".into()));
            } else if !iface.starts_with("dnacl") {
                n.plugin_env
                    .push(("PCAP_PF_RING_DNA_RSS".into(), "1".into()));
            }
            n.interface = Some(format!("{iface}@{app_instance}"));
        } else {
            n.plugin_env
                .push(("PCAP_PF_RING_CLUSTER_ID".into(), id.to_string()));
        }
        app_instance += 1;
        let appname = format!("zeek-{}", n.interface.as_deref().unwrap_or_default());
        n.plugin_env.push(("PCAP_PF_RING_APPNAME".into(), appname));
    }
    Ok(())
}

/// `LB_POLICIES_ENV_MAP` of lb_pf_ring.py.
fn pf_ring_type_var(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "2-tuple" => "PCAP_PF_RING_USE_CLUSTER_PER_FLOW_2_TUPLE",
        "4-tuple" => "PCAP_PF_RING_USE_CLUSTER_PER_FLOW_4_TUPLE",
        "5-tuple" => "PCAP_PF_RING_USE_CLUSTER_PER_FLOW_5_TUPLE",
        "tcp-5-tuple" => "PCAP_PF_RING_USE_CLUSTER_PER_FLOW_TCP_5_TUPLE",
        "6-tuple" => "PCAP_PF_RING_USE_CLUSTER_PER_FLOW",
        "inner-2-tuple" => "PCAP_PF_RING_USE_CLUSTER_PER_INNER_FLOW_2_TUPLE",
        "inner-4-tuple" => "PCAP_PF_RING_USE_CLUSTER_PER_INNER_FLOW_4_TUPLE",
        "inner-5-tuple" => "PCAP_PF_RING_USE_CLUSTER_PER_INNER_FLOW_5_TUPLE",
        "inner-tcp-5-tuple" => "PCAP_PF_RING_USE_CLUSTER_PER_INNER_FLOW_TCP_5_TUPLE",
        "inner-6-tuple" => "PCAP_PF_RING_USE_CLUSTER_PER_INNER_FLOW",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pin_cpus_wrap_like_zeekctl() {
        assert_eq!(pin_cpu_list("2,3", 5), Some(vec![2, 3, 2, 3, 2]));
        assert_eq!(pin_cpu_list("1,2,3", 2), Some(vec![1, 2, 3]));
        assert_eq!(pin_cpu_list(" 4 ", 0), Some(vec![4]));
        assert_eq!(pin_cpu_list("1,-2", 2), None);
        assert_eq!(pin_cpu_list("1,,2", 2), None);
    }
}

#[cfg(test)]
mod robustness {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any text: an import or an error, never a panic.
        #[test]
        fn any_text_is_read_or_rejected(text in "([\\[\\]a-z_=:%(),.0-9 \t#;-]{0,40}\n){0,12}") {
            let cfg = ZeekctlCfg::defaults(Path::new("zeekctl.cfg"));
            let _ = read(Path::new("node.cfg"), &text, &cfg);
            let _ = super::super::zeekctl_cfg::read(Path::new("zeekctl.cfg"), &text);
            let _ = super::super::networks_cfg::read(Path::new("networks.cfg"), &text);
        }
    }
}
