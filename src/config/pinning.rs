//! `cpus = "auto"` and `workers = "auto"`: the interfaces that leave their
//! workers' CPUs or count to the machine get them here, before any node
//! is built (the count decides node names, ports and the layout). The
//! machine is handed in by the caller ([`super::ReadOptions::machine`]);
//! nothing here reads it but through that handle, and only when an
//! interface of this host asks. Another host's interfaces are not chosen
//! for: its machine is not this one (its workers stay unpinned here, and
//! get their CPUs when that host reads the config).

use std::sync::Arc;

use super::ranges;
use super::spec::{HostSpec, InterfaceSpec, Spec};
use crate::model::{CpuList, Pinning};
use crate::topology::{self, Capture, Choice, LazyMachine, Machine};

/// Fills in the CPUs and counts of this host's `auto` interfaces, and
/// returns what was chosen and why, in config order.
pub(super) fn resolve(spec: &mut Spec, machine: Option<&LazyMachine>) -> Vec<Pinning> {
    let mut out = Vec::new();
    let unknown = Machine {
        unknown: vec!["the config is read for another host than this machine".into()],
        ..Machine::default()
    };
    for index in 0..spec.hosts.len() {
        let host = &spec.hosts[index];
        if !host.local || host.interfaces.iter().all(|i| i.auto.is_none()) {
            continue;
        }
        let machine = machine.map_or(&unknown, LazyMachine::get);
        let mut taken = service_cpus(spec, host);
        // Written lists first: an `auto` interface avoids every CPU
        // another interface of the host names, wherever it is listed.
        for iface in host.interfaces.iter().filter(|i| i.auto.is_none()) {
            if let Some(cpus) = &iface.cpus {
                taken.push((workers_of(iface), cpus.0.clone()));
            }
        }
        for i in 0..spec.hosts[index].interfaces.len() {
            let Some(pinning) = choose_for(spec, index, i, machine, &taken) else {
                continue;
            };
            taken.push((
                workers_of(&spec.hosts[index].interfaces[i]),
                pinning.choice.cpus.clone(),
            ));
            out.push(pinning);
        }
    }
    out
}

/// Chooses for interface `i` of host `index` (when it asks) and fills in
/// its CPUs and count.
fn choose_for(
    spec: &mut Spec,
    index: usize,
    i: usize,
    machine: &Machine,
    taken: &[(String, Vec<u32>)],
) -> Option<Pinning> {
    let profile = &spec.profiles[spec.hosts[index].profile];
    let iface = &mut spec.hosts[index].interfaces[i];
    let auto = iface.auto.clone()?;
    let mut args = profile.worker.args.clone();
    args.extend(iface.args.iter().cloned());
    args.extend(profile.args.iter().cloned());
    // A templated source names its device all the same (`af_packet::eth1`
    // with `${worker_index}` in a part Capture::of does not read).
    let capture = Capture::of(&iface.capture.text, &args);
    let exclude: Vec<(&str, &[u32])> = taken
        .iter()
        .map(|(by, cpus)| (by.as_str(), cpus.as_slice()))
        .collect();
    let asked = (!auto.workers).then_some(iface.workers as usize);
    let mut choice = topology::choose(machine, &capture, &exclude, asked);
    if auto.workers {
        iface.workers = count(&mut choice);
    }
    if auto.cpus {
        iface.cpus = (!choice.cpus.is_empty()).then(|| CpuList(choice.cpus.clone()));
    }
    let name = iface.name.clone().unwrap_or_default();
    let keys = match (auto.cpus, auto.workers) {
        (true, true) => "cpus = \"auto\", workers = \"auto\"",
        (true, false) => "cpus = \"auto\"",
        (false, _) => "workers = \"auto\"",
    };
    Some(Pinning {
        key: format!("{keys} of interface \"{name}\""),
        interface: Arc::from(name),
        pins: auto.cpus,
        choice,
    })
}

/// `workers = "auto"`: one worker per chosen core, or one (with a
/// warning) when none could be chosen.
fn count(choice: &mut Choice) -> u32 {
    if choice.cpus.is_empty() {
        choice.warnings.push(format!(
            "no core could be chosen, so 1 worker captures {}. Write `workers` (and `cpus`) for \
             this machine",
            choice.device
        ));
        return 1;
    }
    choice.cpus.len().min(ranges::MAX_WORKERS as usize) as u32
}

/// The CPUs the host's manager, loggers and proxies are pinned to (their
/// role's `cpus`, and a `[nodes.NAME]` of one of them), each with who.
fn service_cpus(spec: &Spec, host: &HostSpec) -> Vec<(String, Vec<u32>)> {
    let profile = &spec.profiles[host.profile];
    let roles = [
        ("the manager", host.manager, &profile.manager),
        ("the loggers", host.loggers > 0, &profile.logger),
        ("the proxies", host.proxies > 0, &profile.proxy),
    ];
    let mut out: Vec<(String, Vec<u32>)> = roles
        .into_iter()
        .filter(|(_, runs, _)| *runs)
        .filter_map(|(who, _, role)| Some((who.to_string(), role.settings.cpus.clone()?.0)))
        .collect();
    for node in &spec.node_settings {
        let Some(cpus) = &node.cpus else { continue };
        if is_service_node_of(spec, host, &node.name) {
            out.push((node.name.clone(), cpus.0.clone()));
        }
    }
    out
}

/// Whether `name` is the manager, a logger or a proxy of `host`.
fn is_service_node_of(spec: &Spec, host: &HostSpec, name: &str) -> bool {
    let manager = spec.manager_name.as_deref().unwrap_or("manager");
    let named = |names: &Option<Vec<String>>, role: &str, count: u32| match names {
        Some(names) => names.iter().any(|n| n == name),
        None => (1..=count).any(|k| {
            let base = format!("{role}-{k}");
            match host.node_prefix.as_str() {
                "" => name == base,
                prefix => name == format!("{prefix}-{base}"),
            }
        }),
    };
    (host.manager && name == manager)
        || named(&host.logger_names, "logger", host.loggers)
        || named(&host.proxy_names, "proxy", host.proxies)
}

/// How the table names the workers of `iface` when they exclude a CPU.
fn workers_of(iface: &InterfaceSpec) -> String {
    match &iface.name {
        Some(name) => format!("the workers of interface \"{name}\""),
        None => "the workers".into(),
    }
}
