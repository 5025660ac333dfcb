//! Choosing an interface's worker CPUs from the machine (`cpus = "auto"`):
//! the NIC's NUMA node, one CPU per physical core, none of the CPUs its
//! interrupts go to, not CPU 0 and not the service nodes' CPUs.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use super::{cpu_text, Capture, Machine, Nic};

/// Why a CPU was taken for the workers or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Chosen,
    /// Not among the CPUs local to the NIC (`nic_node`: how the table
    /// names where the NIC is: `node 1`).
    FarNode {
        nic_node: String,
    },
    /// CPU 0: the kernel's housekeeping and unpinned daemons run there.
    CpuZero,
    /// The NIC's interrupts are steered here (the IRQ numbers).
    Interrupts {
        irqs: Vec<u32>,
    },
    /// Pinned for a manager, logger or proxy (`by` names it).
    Excluded {
        by: String,
    },
    /// Another thread of its physical core is excluded for `why`.
    SharesCore {
        with: u32,
        why: Box<Verdict>,
    },
    /// A further thread of a core whose first thread `of` stands for it.
    Hyperthread {
        of: u32,
    },
    /// A free core beyond the workers wanted (`why`: what bounds them).
    Spare {
        why: String,
    },
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Chosen => f.write_str("chosen"),
            Verdict::FarNode { nic_node } => write!(f, "far NUMA node (the NIC is on {nic_node})"),
            Verdict::CpuZero => f.write_str("CPU 0 (kernel housekeeping)"),
            Verdict::Interrupts { irqs } => {
                let irqs: Vec<String> = irqs.iter().map(u32::to_string).collect();
                write!(f, "NIC interrupts (IRQ {})", irqs.join(", "))
            }
            Verdict::Excluded { by } => write!(f, "pinned for {by}"),
            Verdict::SharesCore { with, why } => write!(f, "core shared with CPU {with}: {why}"),
            Verdict::Hyperthread { of } => write!(f, "hyperthread of CPU {of}"),
            Verdict::Spare { why } => write!(f, "spare ({why})"),
        }
    }
}

/// One CPU of the table that explains a [`Choice`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub cpu: u32,
    pub package: Option<u32>,
    pub core_id: Option<u32>,
    pub node: Option<u32>,
    pub verdict: Verdict,
}

/// The CPUs chosen for an interface's workers, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// The interface the choice is for.
    pub device: String,
    /// Worker k is pinned to the k-th; as many as workers `auto` means.
    /// Empty: no CPU is known to be good, leave the workers unpinned.
    pub cpus: Vec<u32>,
    /// Every online CPU with its verdict, in CPU order.
    pub rows: Vec<Row>,
    /// What could not be read, and what was assumed instead.
    pub notes: Vec<String>,
    /// What costs packets or needs the operator (to be prefixed with the
    /// key that asked for `auto`, as the warnings of `check` are).
    pub warnings: Vec<String>,
}

impl Choice {
    /// The table as rows of cells, the header first (for the verbs' table
    /// formatter): CPU, socket, core, NUMA node, verdict.
    pub fn table(&self) -> Vec<Vec<String>> {
        let opt = |v: Option<u32>| v.map_or_else(|| "-".to_string(), |v| v.to_string());
        let header = ["CPU", "SOCKET", "CORE", "NODE", "CHOICE"];
        let mut rows = vec![header.iter().map(|h| h.to_string()).collect()];
        rows.extend(self.rows.iter().map(|row| {
            vec![
                row.cpu.to_string(),
                opt(row.package),
                opt(row.core_id),
                opt(row.node),
                row.verdict.to_string(),
            ]
        }));
        rows
    }
}

impl Choice {
    /// [`Choice::table`] with each run of consecutive CPUs that share
    /// socket, node and reason folded into one row (`16-23 ... far NUMA
    /// node`), and the hyperthreads of a run of cores likewise
    /// (`hyperthreads of CPUs 10-15`): a machine of many CPUs reads at a
    /// glance.
    pub fn folded_table(&self) -> Vec<Vec<String>> {
        let mut runs: Vec<Vec<&Row>> = Vec::new();
        for row in &self.rows {
            match runs.last_mut() {
                Some(run) if continues(run[run.len() - 1], row) => run.push(row),
                _ => runs.push(vec![row]),
            }
        }
        let opt = |v: Option<u32>| v.map_or_else(|| "-".to_string(), |v| v.to_string());
        let header = ["CPUS", "SOCKET", "CORES", "NODE", "CHOICE"];
        let mut rows = vec![header.iter().map(|h| h.to_string()).collect()];
        rows.extend(runs.iter().map(|run| {
            let first = run[0];
            let cores: Vec<u32> = run.iter().filter_map(|r| r.core_id).collect();
            let verdict = match &first.verdict {
                Verdict::Hyperthread { .. } if run.len() > 1 => {
                    let of = run.iter().filter_map(|r| match r.verdict {
                        Verdict::Hyperthread { of } => Some(of),
                        _ => None,
                    });
                    format!("hyperthreads of CPUs {}", cpu_text(&of.collect::<Vec<_>>()))
                }
                verdict => verdict.to_string(),
            };
            vec![
                cpu_text(run.iter().map(|r| &r.cpu)),
                opt(first.package),
                if cores.is_empty() {
                    "-".into()
                } else {
                    cpu_text(&cores)
                },
                opt(first.node),
                verdict,
            ]
        }));
        rows
    }
}

/// Whether `row` extends the run that ends with `last` in the folded table.
fn continues(last: &Row, row: &Row) -> bool {
    let same_place =
        row.cpu == last.cpu + 1 && row.package == last.package && row.node == last.node;
    same_place
        && match (&last.verdict, &row.verdict) {
            (Verdict::Hyperthread { of: a }, Verdict::Hyperthread { of: b }) => *b == a + 1,
            (a, b) => a == b,
        }
}

/// The CPUs for the workers of `capture`'s interface on `machine`:
/// `exclude` lists the CPUs of the manager, loggers and proxies (who,
/// CPUs); `workers` is the count asked, or `None` for as many as there
/// are free physical cores (no more than the receive queues when the
/// capture method hands out whole queues).
pub fn choose(
    machine: &Machine,
    capture: &Capture,
    exclude: &[(&str, &[u32])],
    workers: Option<usize>,
) -> Choice {
    let device = capture.device.as_str();
    let mut choice = Choice {
        device: device.to_string(),
        cpus: Vec::new(),
        rows: Vec::new(),
        notes: machine.unknown.clone(),
        warnings: Vec::new(),
    };
    if machine.cpus.is_empty() {
        choice.warnings.push(format!(
            "the machine's CPUs could not be read ({}): the workers of {device} stay unpinned. \
             Write their CPUs yourself",
            machine.unknown.join(", ")
        ));
        return choice;
    }
    let nic = machine.nics.get(device);
    let local = locality(machine, nic, device, &mut choice);
    let verdicts = verdicts(machine, nic, local.as_ref(), exclude);
    let free: Vec<u32> = verdicts
        .iter()
        .filter(|(_, v)| v.is_none())
        .map(|(cpu, _)| *cpu)
        .filter(|cpu| machine.cpus[cpu].core_first() == *cpu)
        .collect();
    let (count, bound) = count(nic, capture, workers, free.len());
    choice.cpus = free[..count].to_vec();
    choice.rows = rows(machine, verdicts, &choice.cpus, &bound);
    count_warnings(&mut choice, workers, free.len());
    choice
}

/// The CPUs local to the NIC, noting what is not known about it.
fn locality(
    machine: &Machine,
    nic: Option<&Nic>,
    device: &str,
    choice: &mut Choice,
) -> Option<BTreeSet<u32>> {
    let Some(nic) = nic else {
        choice.warnings.push(format!(
            "{device} is not a network interface of this machine (/sys/class/net/{device} not \
             found): its NUMA node, receive queues and interrupts are not known, so its workers \
             get physical cores from any node. Name the capture interface as `ip link` shows it"
        ));
        return None;
    };
    choice.notes.extend(nic.unknown.iter().cloned());
    match nic.device.as_deref() {
        // The guest sees the vCPUs the hypervisor shows, not where the
        // packets arrive on the host.
        Some(dev) if dev.starts_with("virtio") => choice.warnings.push(format!(
            "{device} is a virtual NIC ({dev}): this is a virtual machine, whose CPUs, cores and \
             NUMA nodes are the hypervisor's picture, not where packets arrive, so the choice \
             takes the guest's CPUs as they are. For line rate, pin the VM's vCPUs on the host \
             to cores near the physical NIC, or pass the NIC through to the VM"
        )),
        None => choice.warnings.push(format!(
            "{device} has no device behind it (a veth, bridge, bond or other virtual interface): \
             it has no NUMA node or interrupts of its own, so its workers get cores by the CPUs \
             alone. Capture on the physical NIC where you can"
        )),
        Some(_) => {}
    }
    for irq in nic.irqs.iter().filter(|irq| irq.cpus.is_none()) {
        choice.notes.push(format!(
            "IRQ {} ({}) may run on every CPU (not steered), so it excludes none",
            irq.number, irq.name
        ));
    }
    let local = machine.local_cpus(nic);
    if local.is_none() && machine.is_numa() {
        choice.warnings.push(format!(
            "the NUMA node of {device} is not known ({}): its workers get physical cores from \
             every node, and those on the far node pay for each packet crossing between the \
             sockets. Write `cpus` from the node the NIC is attached to",
            nic.unknown.join(", ")
        ));
    }
    local
}

/// Each online CPU's own reason not to take it (`None`: free), then the
/// reasons a core's threads share.
fn verdicts(
    machine: &Machine,
    nic: Option<&Nic>,
    local: Option<&BTreeSet<u32>>,
    exclude: &[(&str, &[u32])],
) -> BTreeMap<u32, Option<Verdict>> {
    let irq_cpus = nic.map(Nic::irq_cpus).unwrap_or_default();
    let nic_node = match (nic.and_then(|n| n.numa_node), local) {
        (Some(node), _) => format!("node {node}"),
        (None, Some(local)) => format!("CPUs {}", cpu_text(local)),
        (None, None) => String::new(),
    };
    let own = |cpu: u32| -> Option<Verdict> {
        if local.is_some_and(|local| !local.contains(&cpu)) {
            return Some(Verdict::FarNode {
                nic_node: nic_node.clone(),
            });
        }
        if cpu == 0 {
            return Some(Verdict::CpuZero);
        }
        if let Some((by, _)) = exclude.iter().find(|(_, cpus)| cpus.contains(&cpu)) {
            return Some(Verdict::Excluded { by: by.to_string() });
        }
        let irqs = irq_cpus.get(&cpu)?;
        let irqs = irqs.iter().map(|irq| irq.number).collect();
        Some(Verdict::Interrupts { irqs })
    };
    let mut verdicts: BTreeMap<u32, Option<Verdict>> =
        machine.cpus.keys().map(|&cpu| (cpu, own(cpu))).collect();
    // A worker on the other thread of an excluded CPU's core competes
    // with what excluded it all the same.
    for cpu in machine.cpus.values() {
        if verdicts[&cpu.id].is_some() {
            continue;
        }
        let blocked = cpu.siblings.iter().find_map(|s| match verdicts.get(s)? {
            Some(
                v @ (Verdict::CpuZero | Verdict::Excluded { .. } | Verdict::Interrupts { .. }),
            ) => Some((*s, v.clone())),
            _ => None,
        });
        if let Some((with, why)) = blocked {
            let why = Box::new(why);
            verdicts.insert(cpu.id, Some(Verdict::SharesCore { with, why }));
        }
    }
    verdicts
}

/// How many free cores to take, and what a spare one is spare for.
fn count(
    nic: Option<&Nic>,
    capture: &Capture,
    workers: Option<usize>,
    free: usize,
) -> (usize, String) {
    if let Some(asked) = workers {
        return (asked.min(free), format!("{asked} workers asked"));
    }
    let queues = nic.and_then(|n| n.rx_queues);
    match queues {
        Some(queues) if capture.queue_use.bounded_by_queues() => (
            queues.min(free),
            format!(
                "{} has {queues} receive queues for {}",
                capture.device, capture.method
            ),
        ),
        _ => (free, String::new()),
    }
}

fn rows(
    machine: &Machine,
    mut verdicts: BTreeMap<u32, Option<Verdict>>,
    chosen: &[u32],
    bound: &str,
) -> Vec<Row> {
    machine
        .cpus
        .values()
        .map(|cpu| {
            let first = cpu.core_first();
            let verdict = match verdicts.remove(&cpu.id).flatten() {
                Some(verdict) => verdict,
                None if first != cpu.id => Verdict::Hyperthread { of: first },
                None if chosen.contains(&cpu.id) => Verdict::Chosen,
                None => Verdict::Spare { why: bound.into() },
            };
            Row {
                cpu: cpu.id,
                package: cpu.package,
                core_id: cpu.core_id,
                node: cpu.node,
                verdict,
            }
        })
        .collect()
}

fn count_warnings(choice: &mut Choice, workers: Option<usize>, free: usize) {
    let device = &choice.device;
    if free == 0 {
        choice.warnings.push(format!(
            "no physical core is free for the workers of {device} (every CPU near it is CPU 0, \
             pinned for a service node or serving its interrupts): the workers stay unpinned. \
             Give the manager, loggers and proxies fewer CPUs, or steer the NIC's interrupts to \
             fewer CPUs"
        ));
    } else if let Some(asked) = workers.filter(|&asked| asked > free) {
        choice.warnings.push(format!(
            "{asked} workers asked for {device}, but only {free} physical core(s) near it are \
             free ({}): the workers share them and drop packets under load. Lower `workers` to \
             {free}, or free cores near the NIC",
            cpu_text(&choice.cpus)
        ));
    }
}
