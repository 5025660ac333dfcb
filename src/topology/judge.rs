//! Judging worker CPUs an operator wrote against the machine: the far
//! NUMA node, two workers on one physical core, workers on the NIC's
//! interrupt CPUs, and more workers than a queue-bound capture can feed.

use std::collections::{BTreeMap, BTreeSet};

use super::{cpu_text, Capture, Machine, Nic, QueueUse};

/// The warnings for the workers of `capture`'s interface, given as (worker
/// name, its CPU if pinned) in config order. Each says what is wrong and
/// the fix; the caller prefixes the key the CPUs were written in, as
/// `check`'s warnings are. Nothing is said where the machine is not known.
pub fn judge(machine: &Machine, capture: &Capture, workers: &[(&str, Option<u32>)]) -> Vec<String> {
    let Some(nic) = machine.nics.get(&capture.device) else {
        return Vec::new();
    };
    let pinned: Vec<(&str, u32)> = workers
        .iter()
        .filter_map(|(name, cpu)| cpu.map(|cpu| (*name, cpu)))
        .collect();
    let mut out = Vec::new();
    far_node(machine, nic, &pinned, &mut out);
    shared_cores(machine, &pinned, &mut out);
    on_interrupts(nic, &pinned, &mut out);
    queues(nic, capture, workers.len(), &mut out);
    out
}

fn far_node(machine: &Machine, nic: &Nic, pinned: &[(&str, u32)], out: &mut Vec<String>) {
    let Some(local) = machine.local_cpus(nic).filter(|_| machine.is_numa()) else {
        return;
    };
    let far: Vec<&(&str, u32)> = pinned
        .iter()
        .filter(|(_, cpu)| machine.cpus.contains_key(cpu) && !local.contains(cpu))
        .collect();
    if far.is_empty() {
        return;
    }
    let cpus: BTreeSet<u32> = far.iter().map(|(_, cpu)| *cpu).collect();
    let nodes: BTreeSet<String> = cpus
        .iter()
        .filter_map(|cpu| machine.cpus[cpu].node)
        .map(|n| n.to_string())
        .collect();
    let nic_at = nic.numa_node.map_or_else(
        || format!("near CPUs {}", cpu_text(&local)),
        |n| format!("to NUMA node {n} (CPUs {})", cpu_text(&local)),
    );
    let names: Vec<&str> = far.iter().map(|(name, _)| *name).collect();
    out.push(format!(
        "{} run(s) on CPU(s) {} of NUMA node {}, but {} is attached {nic_at}: every packet \
         they read crosses between the sockets. Pin them to CPUs of the NIC's node",
        name_list(&names),
        cpu_text(&cpus),
        nodes.into_iter().collect::<Vec<_>>().join(", "),
        nic.name
    ));
}

/// Two workers on different threads of one physical core (the same CPU
/// twice is `check`'s warning about workers sharing CPUs).
fn shared_cores(machine: &Machine, pinned: &[(&str, u32)], out: &mut Vec<String>) {
    // core (its first thread) -> distinct CPUs -> the first worker on each.
    let mut cores: BTreeMap<u32, BTreeMap<u32, &str>> = BTreeMap::new();
    for &(name, cpu) in pinned {
        if let Some(known) = machine.cpus.get(&cpu) {
            cores
                .entry(known.core_first())
                .or_default()
                .entry(cpu)
                .or_insert(name);
        }
    }
    let shared: Vec<String> = cores
        .values()
        .filter(|cpus| cpus.len() > 1)
        .map(|cpus| {
            let names: Vec<&str> = cpus.values().copied().collect();
            let cpus: Vec<String> = cpus.keys().map(u32::to_string).collect();
            format!("{} on CPUs {}", names.join(" and "), cpus.join(" and "))
        })
        .collect();
    if shared.is_empty() {
        return;
    }
    let shown: Vec<&str> = shared.iter().map(String::as_str).collect();
    out.push(format!(
        "workers run on hyperthreads of one physical core ({}): they share its execution units, \
         so each captures less than a core of its own would. Pin one worker per physical core",
        name_list_with(&shown, "; ")
    ));
}

fn on_interrupts(nic: &Nic, pinned: &[(&str, u32)], out: &mut Vec<String>) {
    let irq_cpus = nic.irq_cpus();
    let hit: Vec<&(&str, u32)> = pinned
        .iter()
        .filter(|(_, cpu)| irq_cpus.contains_key(cpu))
        .collect();
    if hit.is_empty() {
        return;
    }
    let cpus: BTreeSet<u32> = hit.iter().map(|(_, cpu)| *cpu).collect();
    let irqs: BTreeSet<u32> = cpus
        .iter()
        .flat_map(|cpu| irq_cpus[cpu].iter().map(|irq| irq.number))
        .collect();
    let irqs: Vec<String> = irqs.iter().map(u32::to_string).collect();
    let names: Vec<&str> = hit.iter().map(|(name, _)| *name).collect();
    out.push(format!(
        "{} run(s) on CPU(s) {} that service {}'s interrupts (IRQ {}): they compete with the \
         kernel's receive work and drop packets under load. Pin them to other CPUs, or steer the \
         interrupts away (/proc/irq/N/smp_affinity_list)",
        name_list(&names),
        cpu_text(&cpus),
        nic.name,
        irqs.join(", ")
    ));
}

/// More workers than the capture method can feed from the NIC's queues.
fn queues(nic: &Nic, capture: &Capture, workers: usize, out: &mut Vec<String>) {
    let (device, method) = (&nic.name, &capture.method);
    match capture.queue_use {
        QueueUse::PerQueue => {
            let Some(queues) = nic.rx_queues.filter(|&q| workers > q) else {
                return;
            };
            out.push(format!(
                "{workers} workers read {device}, which has {queues} receive queue(s), and \
                 {method} hands each queue to one worker: {} worker(s) get no packets. Lower \
                 `workers` to {queues}, or raise the queues (`ethtool -L {device} combined \
                 {workers}`)",
                workers - queues
            ));
        }
        QueueUse::ByReceivingCpu => {
            let receiving: BTreeSet<u32> = nic.irq_cpus().into_keys().collect();
            // The kernel picks socket (CPU % sockets) of the group.
            let fed: BTreeSet<usize> = receiving.iter().map(|&c| c as usize % workers).collect();
            if receiving.is_empty() || workers == 0 || fed.len() >= workers {
                return;
            }
            out.push(format!(
                "{method} gives a packet to the worker picked by the CPU that received it, and \
                 {device}'s interrupts go to CPU(s) {}: only {} of the {workers} workers get \
                 packets (unless RPS spreads the receive work). Drop the fanout_mode redef (the \
                 default FANOUT_HASH spreads flows over all workers), or steer the interrupts to \
                 {workers} CPUs",
                cpu_text(&receiving),
                fed.len()
            ));
        }
        QueueUse::Spread | QueueUse::Unknown => {}
    }
}

fn name_list(names: &[&str]) -> String {
    name_list_with(names, ", ")
}

/// "a, b, c" or "a, b, c, d and 12 more".
fn name_list_with(names: &[&str], separator: &str) -> String {
    const SHOWN: usize = 4;
    let mut text = names
        .iter()
        .take(SHOWN)
        .copied()
        .collect::<Vec<_>>()
        .join(separator);
    if names.len() > SHOWN {
        text.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    text
}
