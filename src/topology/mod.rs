//! The machine's CPU and NIC topology, and the worker CPUs it calls for.
//!
//! A capture worker loses packets where it runs: on the far NUMA node from
//! its NIC every packet crosses the interconnect, on a hyperthread it
//! shares a core's execution units with another worker, on a CPU that
//! services the NIC's interrupts it competes with the kernel's receive
//! work. This module reads the facts once ([`Machine::read`], under the
//! one root override of [`crate::env`]), then, without touching the
//! machine again, chooses the CPUs for an interface's workers
//! ([`choose`], with a table of why each CPU was taken or not) and judges
//! CPUs an operator wrote ([`judge`]).
//!
//! A fact that cannot be read (a container without `/sys`, a virtual NIC
//! without locality) is recorded as unknown, never guessed: the choice
//! falls back to what is known and says what was missing.

mod capture;
mod choose;
mod files;
mod judge;
mod nic;
mod read;

use std::collections::{BTreeMap, BTreeSet};

pub use capture::{Capture, QueueUse};
pub use choose::{choose, Choice, Row, Verdict};
pub use judge::judge;
pub use nic::{Irq, Nic};

/// One online logical CPU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cpu {
    pub id: u32,
    /// `topology/physical_package_id`: the socket.
    pub package: Option<u32>,
    /// `topology/core_id`: the core within its socket.
    pub core_id: Option<u32>,
    /// `topology/thread_siblings_list`: the logical CPUs of this CPU's
    /// physical core, itself included (just itself when not known).
    pub siblings: BTreeSet<u32>,
    /// The NUMA node whose `cpulist` names this CPU.
    pub node: Option<u32>,
}

impl Cpu {
    /// The first thread of this CPU's physical core: the one CPU per core
    /// a worker is pinned to.
    pub fn core_first(&self) -> u32 {
        self.siblings.first().copied().unwrap_or(self.id)
    }
}

/// What the machine says about its CPUs and network interfaces.
#[derive(Debug, Clone, Default)]
pub struct Machine {
    /// The online CPUs by number (empty: not known).
    pub cpus: BTreeMap<u32, Cpu>,
    /// NUMA node → its CPUs (`sys/devices/system/node/nodeN/cpulist`).
    pub nodes: BTreeMap<u32, BTreeSet<u32>>,
    /// Network interfaces by name (`sys/class/net/*`).
    pub nics: BTreeMap<String, Nic>,
    /// The CPU facts that could not be read, as "path (why)".
    pub unknown: Vec<String>,
}

impl Machine {
    /// Reads the machine under `root` (`/`, or the tree
    /// [`crate::env::ROOT_ENV`] names). Never fails: what cannot be read
    /// is left out and named in [`Machine::unknown`] / [`Nic::unknown`].
    pub fn read(root: &std::path::Path) -> Machine {
        read::machine(root)
    }

    /// The CPUs NUMA node `node` holds, if the machine says.
    pub fn node_cpus(&self, node: u32) -> Option<&BTreeSet<u32>> {
        self.nodes.get(&node)
    }

    /// The CPUs local to `nic`: its `local_cpulist`, else its NUMA node's
    /// CPUs; `None` when neither is known.
    pub fn local_cpus(&self, nic: &Nic) -> Option<BTreeSet<u32>> {
        if let Some(local) = &nic.local_cpus {
            return Some(local.clone());
        }
        nic.numa_node.and_then(|node| self.node_cpus(node)).cloned()
    }

    /// Whether the machine has more than one NUMA node with CPUs: only
    /// then does a NIC's locality matter.
    pub fn is_numa(&self) -> bool {
        self.nodes.values().filter(|cpus| !cpus.is_empty()).count() > 1
    }
}

/// `cpus` as `CPUAffinity=` and the warnings write a set: sorted, each
/// once, consecutive runs folded into ranges (`0-3 8`).
pub fn cpu_text<'c>(cpus: impl IntoIterator<Item = &'c u32>) -> String {
    let cpus: BTreeSet<u32> = cpus.into_iter().copied().collect();
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for cpu in cpus {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == cpu => *end = cpu,
            _ => runs.push((cpu, cpu)),
        }
    }
    let texts: Vec<String> = runs
        .into_iter()
        .map(|(start, end)| match start == end {
            true => start.to_string(),
            false => format!("{start}-{end}"),
        })
        .collect();
    texts.join(" ")
}

/// The machine, read under a root on first use and then kept: the
/// environment holds one and hands clones (sharing what was read) to
/// whoever may need it, so a program that never asks reads nothing and
/// one that asks twice reads once.
#[derive(Debug, Clone)]
pub struct LazyMachine {
    root: std::path::PathBuf,
    machine: std::sync::Arc<std::sync::OnceLock<Machine>>,
}

impl LazyMachine {
    /// The machine under `root`, not read yet.
    pub fn under(root: &std::path::Path) -> Self {
        LazyMachine {
            root: root.to_path_buf(),
            machine: std::sync::Arc::default(),
        }
    }

    /// The machine, read now if not yet.
    pub fn get(&self) -> &Machine {
        self.machine.get_or_init(|| Machine::read(&self.root))
    }
}
