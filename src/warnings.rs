//! Mistakes that validate but hurt: pinning that cannot work or slows the
//! cluster down, captures that analyse traffic twice or not at all
//! balanced, ports that cannot be bound. Computed from the validated model
//! (whatever format it came from), printed by `check` and logged at
//! generation; never errors, because systemd can run every one of these.
//!
//! The machine is not read here: `check` passes it in to judge written
//! CPU lists against its topology; the generator does not (at boot it
//! reads the machine only for an interface that leaves its CPUs or
//! workers to it, `"auto"`, and that choice's warnings are in the model).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;

use crate::model::{Cluster, ConfigFormat, Encryption, Node, Role};
use crate::topology::{self, Capture, Machine};

/// Zeek's ZeroMQ backend: the manager's XPUB/XSUB proxy listens on these
/// (`listen_xpub_endpoint`/`listen_xsub_endpoint` in
/// `policy/frameworks/cluster/backend/zeromq/options.zeek`).
const ZEROMQ_PROXY_PORTS: [u16; 2] = [5555, 5556];
const ZEROMQ_BACKEND: &str = "frameworks/cluster/backend/zeromq";

/// AF_PACKET's fanout group when the args do not set one (Zeek's default).
const DEFAULT_FANOUT_ID: &str = "23";
const FANOUT_ARG: &str = "AF_Packet::fanout_id=";

/// The warnings for `cluster`, each naming the keys involved and the fix.
/// `machine`: this machine, when the caller may read it (its CPUs, and
/// the topology written CPU lists are judged against).
pub fn warnings(cluster: &Cluster, machine: Option<&Machine>) -> Vec<String> {
    let keys = Keys(cluster.settings.format);
    let local: Vec<&Node> = cluster.local_nodes().collect();
    let mut out = Vec::new();
    let online: BTreeSet<u32> = machine
        .map(|m| m.cpus.keys().copied().collect())
        .unwrap_or_default();
    if !online.is_empty() {
        missing_cpus(&local, &online, &keys, &mut out);
    }
    for pinning in &cluster.pinning {
        out.extend(
            pinning
                .choice
                .warnings
                .iter()
                .map(|w| format!("{}: {w}", pinning.key)),
        );
    }
    worker_pinning(cluster, &local, &keys, &mut out);
    if let Some(machine) = machine {
        written_pinning(cluster, &local, machine, &keys, &mut out);
    }
    captures(&local, &keys, &mut out);
    ports(cluster, &local, &mut out);
    if cluster.is_member() && !cluster.nodes.iter().any(|n| n.role == Role::Worker) {
        out.push(format!(
            "the cluster has no workers: nothing captures or analyses traffic. Add an interface \
             with `{}` and `workers`",
            keys.capture()
        ));
    }
    if cluster.settings.encryption == (Encryption::Off { opted_out: true }) {
        out.push(format!(
            "the traffic between the cluster's hosts is neither encrypted nor authenticated \
             ({} opts out): anyone who reaches its ports reads the cluster's events and can \
             send their own. Outside a lab, remove the opt-out and run `{}`",
            crate::secrets::opt_out(cluster.settings.format),
            crate::secrets::CREATE_COMMAND
        ));
    }
    let source = cluster.settings.source.display();
    out.into_iter().map(|w| format!("{source}: {w}")).collect()
}

/// How the keys of the config's format are spelt, so a warning names the
/// key the operator has to edit.
struct Keys(ConfigFormat);

impl Keys {
    fn role_cpus(&self, role: Role) -> String {
        match self.0 {
            ConfigFormat::Toml => format!("[{role}] cpus"),
            ConfigFormat::ZeekConf => format!("{role}_cpu_set"),
        }
    }
    fn interface_workers(&self, interface: &str) -> String {
        match self.0 {
            ConfigFormat::Toml => format!("workers of interface \"{interface}\""),
            ConfigFormat::ZeekConf if interface.is_empty() => "workers".into(),
            ConfigFormat::ZeekConf => format!("workers of [interface {interface}]"),
        }
    }
    fn interface_cpus(&self, interface: &str) -> String {
        match self.0 {
            ConfigFormat::Toml => format!("cpus of interface \"{interface}\""),
            // A section-less zeek.conf has one unnamed interface.
            ConfigFormat::ZeekConf if interface.is_empty() => "workers_cpu_list".into(),
            ConfigFormat::ZeekConf => format!("workers_cpu_list of [interface {interface}]"),
        }
    }
    fn node_cpus(&self, node: &Node) -> String {
        match &node.capture {
            Some(capture) => self.interface_cpus(&capture.interface),
            None => self.role_cpus(node.role),
        }
    }
    fn capture(&self) -> &'static str {
        match self.0 {
            ConfigFormat::Toml => "capture",
            ConfigFormat::ZeekConf => "interface",
        }
    }
    fn worker_args(&self) -> &'static str {
        match self.0 {
            ConfigFormat::Toml => "args",
            ConfigFormat::ZeekConf => "worker_args",
        }
    }
}

fn missing_cpus(local: &[&Node], online: &BTreeSet<u32>, keys: &Keys, out: &mut Vec<String>) {
    // One warning per key: the key is what gets fixed.
    let mut by_key: BTreeMap<String, (BTreeSet<u32>, Vec<&str>)> = BTreeMap::new();
    for node in local {
        let Some(cpus) = &node.settings.cpus else {
            continue;
        };
        // systemd fails the start only when no CPU of the set is online.
        if cpus.0.iter().any(|c| online.contains(c)) {
            continue;
        }
        let entry = by_key.entry(keys.node_cpus(node)).or_default();
        entry.0.extend(cpus.0.iter().copied());
        entry.1.push(&node.name);
    }
    let have = crate::model::CpuList(online.iter().copied().collect()).to_affinity();
    for (key, (cpus, nodes)) in by_key {
        let cpus = crate::model::CpuList(cpus.into_iter().collect()).to_affinity();
        out.push(format!(
            "{key}: CPU(s) {cpus} do not exist on this machine (online: {have}); {} would fail \
             every start with 215/CPUAFFINITY and be restarted forever. Pin to CPUs in {have}",
            name_list(&nodes)
        ));
    }
}

/// Pinning that works but costs packets: workers sharing a CPU with each
/// other or with a manager/logger/proxy.
fn worker_pinning(cluster: &Cluster, local: &[&Node], keys: &Keys, out: &mut Vec<String>) {
    // interface -> (workers, distinct CPUs), in config order.
    let mut interfaces: Vec<(&str, usize, BTreeSet<u32>)> = Vec::new();
    let mut interface_of_cpu: HashMap<u32, BTreeSet<&str>> = HashMap::new();
    let mut workers_on_cpu: HashSet<u32> = HashSet::new();
    for node in local.iter().filter(|n| n.role == Role::Worker) {
        let Some(capture) = &node.capture else {
            continue;
        };
        let name: &str = &capture.interface;
        let index = match interfaces.iter().position(|(n, ..)| *n == name) {
            Some(i) => i,
            None => {
                interfaces.push((name, 0, BTreeSet::new()));
                interfaces.len() - 1
            }
        };
        interfaces[index].1 += 1;
        for &cpu in node.settings.cpus.iter().flat_map(|c| &c.0) {
            // Workers wrap onto the interface's list: only a CPU new to
            // this interface can change the maps (8192 workers at boot).
            if interfaces[index].2.insert(cpu) {
                interface_of_cpu.entry(cpu).or_default().insert(name);
                workers_on_cpu.insert(cpu);
            }
        }
    }
    // An interface pinned by the machine says so in its choice's warning.
    let chosen = |name: &str| (cluster.pinning.iter()).any(|p| p.pins && &*p.interface == name);
    for (name, workers, cpus) in &interfaces {
        if !cpus.is_empty() && *workers > cpus.len() && !chosen(name) {
            out.push(format!(
                "{}: {workers} workers wrap onto {} CPU(s) ({}): workers share CPUs and drop \
                 packets under load. List at least {workers} CPUs, or lower `workers`",
                keys.interface_cpus(name),
                cpus.len(),
                cpu_text(cpus)
            ));
        }
    }
    shared_between_interfaces(&interfaces, &interface_of_cpu, keys, out);
    workers_on_service_cpus(local, &workers_on_cpu, keys, out);
}

/// Written worker CPUs judged against the machine's topology (far NUMA
/// node, sibling hyperthreads, the NIC's interrupt CPUs, more workers
/// than a queue-bound capture feeds); for zeek.conf, which has no
/// `"auto"`, with the list the machine would choose.
fn written_pinning(
    cluster: &Cluster,
    local: &[&Node],
    machine: &Machine,
    keys: &Keys,
    out: &mut Vec<String>,
) {
    // interface -> (its first worker, its workers with their CPU).
    type Workers<'n> = Vec<(&'n str, Option<u32>)>;
    let mut interfaces: Vec<(&str, &Node, Workers)> = Vec::new();
    for node in local.iter().filter(|n| n.role == Role::Worker) {
        let Some(capture) = &node.capture else {
            continue;
        };
        let cpu = node
            .settings
            .cpus
            .as_ref()
            .and_then(|c| c.0.first().copied());
        match interfaces.last_mut() {
            Some((name, _, workers)) if *name == &*capture.interface => {
                workers.push((&node.name, cpu));
            }
            _ => interfaces.push((&capture.interface, node, vec![(&node.name, cpu)])),
        }
    }
    for (name, first, workers) in interfaces {
        if cluster
            .pinning
            .iter()
            .any(|p| p.pins && &*p.interface == name)
        {
            continue;
        }
        let Some(capture) = &first.capture else {
            continue;
        };
        let capture = Capture::of(&capture.source, &first.args);
        let judged = topology::judge(machine, &capture, &workers);
        let pinned = workers.iter().any(|(_, cpu)| cpu.is_some());
        let key = match pinned {
            true => keys.interface_cpus(name),
            false => keys.interface_workers(name),
        };
        let advise =
            pinned && !judged.is_empty() && cluster.settings.format == ConfigFormat::ZeekConf;
        out.extend(judged.into_iter().map(|w| format!("{key}: {w}")));
        if advise {
            out.extend(advice(local, machine, &capture, workers.len(), &key));
        }
    }
}

/// What `cpus = "auto"` would choose for a zeek.conf interface, as the
/// `workers_cpu_list` to write (Zeek's generator has no `"auto"`, and
/// refuses keys it does not know).
fn advice(
    local: &[&Node],
    machine: &Machine,
    capture: &Capture,
    workers: usize,
    key: &str,
) -> Option<String> {
    let services: Vec<(String, Vec<u32>)> = local
        .iter()
        .filter(|n| n.role != Role::Worker)
        .filter_map(|n| Some((n.name.clone(), n.settings.cpus.clone()?.0)))
        .collect();
    let exclude: Vec<(&str, &[u32])> = services
        .iter()
        .map(|(name, cpus)| (name.as_str(), cpus.as_slice()))
        .collect();
    let choice = topology::choose(machine, capture, &exclude, Some(workers));
    if choice.cpus.is_empty() {
        return None;
    }
    let list: Vec<String> = choice.cpus.iter().map(u32::to_string).collect();
    Some(format!(
        "{key}: on this machine, write `workers_cpu_list = {}`: one thread per free physical \
         core near {}, away from CPU 0, its interrupts and the CPUs of the manager, loggers and \
         proxies (zeek.conf has no \"auto\"; cluster.toml's `cpus = \"auto\"` chooses them at \
         boot)",
        list.join(","),
        capture.device
    ))
}

/// Workers pinned to a CPU of the manager, a logger or a proxy.
fn workers_on_service_cpus(
    local: &[&Node],
    workers_on_cpu: &HashSet<u32>,
    keys: &Keys,
    out: &mut Vec<String>,
) {
    let cpus_of = |n: &&&Node| {
        n.settings
            .cpus
            .iter()
            .flat_map(|c| &c.0)
            .copied()
            .collect::<Vec<_>>()
    };
    for role in [Role::Manager, Role::Logger, Role::Proxy] {
        let shared: BTreeSet<u32> = local
            .iter()
            .filter(|n| n.role == role)
            .flat_map(|n| cpus_of(&n))
            .filter(|cpu| workers_on_cpu.contains(cpu))
            .collect();
        if shared.is_empty() {
            continue;
        }
        // In config order, not CPU order.
        let workers: Vec<&str> = local
            .iter()
            .filter(|n| n.role == Role::Worker && cpus_of(n).iter().any(|c| shared.contains(c)))
            .map(|n| n.name.as_str())
            .collect();
        out.push(format!(
            "{} and the workers' cpus overlap on CPU(s) {}: {} compete with the {role} for \
             them. Give the {role} CPUs no worker is pinned to",
            keys.role_cpus(role),
            cpu_text(&shared),
            name_list(&workers)
        ));
    }
}

fn shared_between_interfaces(
    interfaces: &[(&str, usize, BTreeSet<u32>)],
    interface_of_cpu: &HashMap<u32, BTreeSet<&str>>,
    keys: &Keys,
    out: &mut Vec<String>,
) {
    // (interface a, interface b) -> shared CPUs, pairs in config order.
    let mut pairs: BTreeMap<(usize, usize), BTreeSet<u32>> = BTreeMap::new();
    let position = |name: &str| interfaces.iter().position(|(n, ..)| *n == name);
    for (cpu, names) in interface_of_cpu {
        let mut indices: Vec<usize> = names.iter().filter_map(|n| position(n)).collect();
        indices.sort_unstable();
        for (i, &a) in indices.iter().enumerate() {
            for &b in &indices[i + 1..] {
                pairs.entry((a, b)).or_default().insert(*cpu);
            }
        }
    }
    for ((a, b), cpus) in pairs {
        out.push(format!(
            "{} and {} share CPU(s) {}: workers of both interfaces compete for them. Give each \
             interface its own CPUs",
            keys.interface_cpus(interfaces[a].0),
            keys.interface_cpus(interfaces[b].0),
            cpu_text(&cpus)
        ));
    }
}

/// Captures that analyse packets twice or give every worker all traffic.
fn captures(local: &[&Node], keys: &Keys, out: &mut Vec<String>) {
    // capture source -> (interfaces, workers), in config order.
    let mut sources: Vec<(&str, Vec<&str>, usize)> = Vec::new();
    // Templated captures give every worker its own source: a linear search
    // would be quadratic in the workers at boot.
    let mut source_index: HashMap<&str, usize> = HashMap::new();
    // fanout id -> AF_PACKET devices joining it, in config order.
    let mut fanout: BTreeMap<&str, (Vec<&str>, HashSet<&str>)> = BTreeMap::new();
    // Workers of one interface come one after another and mostly share
    // their source and fanout group: skip the maps for a repeat.
    let mut last_source: Option<(&str, usize)> = None;
    let mut last_fanout: Option<(&str, &str)> = None;
    for node in local.iter().filter(|n| n.role == Role::Worker) {
        let Some(capture) = &node.capture else {
            continue;
        };
        let source: &str = &capture.source;
        let interface: &str = &capture.interface;
        let index = match last_source {
            Some((last, index)) if last == source => index,
            _ => *source_index.entry(source).or_insert_with(|| {
                sources.push((source, Vec::new(), 0));
                sources.len() - 1
            }),
        };
        last_source = Some((source, index));
        let entry = &mut sources[index];
        if !entry.1.contains(&interface) {
            entry.1.push(interface);
        }
        entry.2 += 1;
        if let Some(device) = source.strip_prefix("af_packet::") {
            let id = fanout_id(&node.args).unwrap_or(DEFAULT_FANOUT_ID);
            if last_fanout == Some((id, device)) {
                continue;
            }
            last_fanout = Some((id, device));
            let (devices, seen) = fanout.entry(id).or_default();
            if seen.insert(device) {
                devices.push(device);
            }
        }
    }
    for (source, interfaces, workers) in &sources {
        if interfaces.len() > 1 {
            out.push(format!(
                "interfaces {} all capture \"{source}\" (`{}`): every packet is analysed once \
                 per interface. Keep one interface per capture source",
                quoted_list(interfaces),
                keys.capture()
            ));
        } else if *workers > 1 && is_plain_pcap(source) {
            out.push(format!(
                "{}: {} workers capture \"{source}\" with libpcap, which does not balance load: \
                 each worker sees all traffic. Use a load-balancing source such as \
                 \"af_packet::{}\" in `{}`, or 1 worker",
                interface_label(interfaces[0]),
                workers,
                source.strip_prefix("pcap::").unwrap_or(source),
                keys.capture()
            ));
        }
    }
    shared_fanout(&fanout, keys, out);
}

/// One fanout id on several AF_PACKET devices.
fn shared_fanout(
    fanout: &BTreeMap<&str, (Vec<&str>, HashSet<&str>)>,
    keys: &Keys,
    out: &mut Vec<String>,
) {
    for (id, (devices, _)) in fanout {
        if devices.len() > 1 {
            // The kernel keeps a fanout group to one device: the workers
            // that join it second cannot open their capture.
            out.push(format!(
                "AF_PACKET devices {} share fanout group {id} (AF_Packet::fanout_id in `{}`), \
                 but a fanout group spans one device only: the workers of all but one fail to \
                 open their capture. Set a distinct fanout id per interface (or none: the \
                 generator assigns them)",
                quoted_list(devices),
                keys.worker_args()
            ));
        }
    }
}

/// The fanout id a worker's command line sets (the last one wins, as in
/// Zeek's own handling of repeated redefs).
fn fanout_id(args: &[String]) -> Option<&str> {
    args.iter()
        .rev()
        .find_map(|a| a.strip_prefix(FANOUT_ARG))
        .map(str::trim)
}

/// `zeek -i eth0` and `pcap::eth0` use libpcap: one process sees the whole
/// link.
fn is_plain_pcap(source: &str) -> bool {
    !source.contains("::") || source.starts_with("pcap::")
}

fn ports(cluster: &Cluster, local: &[&Node], out: &mut Vec<String>) {
    let mut low = Vec::new();
    let mut zeromq = Vec::new();
    let manager_here = local.iter().any(|n| n.role == Role::Manager);
    for node in local {
        let uses_zeromq = node.args.iter().any(|a| a == ZEROMQ_BACKEND);
        for (key, port) in [("port", node.port), ("metrics_port", node.metrics_port)] {
            let Some(port) = port else { continue };
            if port < 1024 {
                low.push(format!("{} {key} {port}", node.name));
            }
            if manager_here && uses_zeromq && ZEROMQ_PROXY_PORTS.contains(&port) {
                zeromq.push(format!("{} {key} {port}", node.name));
            }
        }
    }
    if !low.is_empty() {
        out.push(format!(
            "ports below 1024 ({}): nodes run as user {} without CAP_NET_BIND_SERVICE and cannot \
             bind them. Move `port`/`metrics_port` to 1024 or above",
            name_list(&low.iter().map(String::as_str).collect::<Vec<_>>()),
            cluster.settings.install.user
        ));
    }
    if !zeromq.is_empty() {
        out.push(format!(
            "ports collide with the ZeroMQ backend's XPUB/XSUB proxy on the manager (5555, \
             5556): {}. Move `port`/`metrics_port` away from 5555-5556",
            name_list(&zeromq.iter().map(String::as_str).collect::<Vec<_>>())
        ));
    }
}

fn cpu_text(cpus: &BTreeSet<u32>) -> String {
    crate::model::CpuList(cpus.iter().copied().collect()).to_affinity()
}

/// "a, b, c" or "a, b, c and 12 more".
fn name_list(names: &[&str]) -> String {
    const SHOWN: usize = 4;
    let mut text = names
        .iter()
        .take(SHOWN)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        let _ = write!(text, " and {} more", names.len() - SHOWN);
    }
    text
}

/// How a message names an interface; a section-less zeek.conf's has no name.
fn interface_label(name: &str) -> String {
    if name.is_empty() {
        "the interface".into()
    } else {
        format!("interface \"{name}\"")
    }
}

fn quoted_list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    name_list(&quoted.iter().map(String::as_str).collect::<Vec<_>>())
}

/// Logs the warnings at generation (kmsg at boot).
pub fn log_all(cluster: &Cluster, log: &crate::log::Log) {
    for warning in warnings(cluster, None) {
        log.warning(&warning);
    }
}
