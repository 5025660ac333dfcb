//! Reading the machine under the root: CPUs, NUMA nodes, and (through
//! [`super::nic`]) the network interfaces.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::files::Reader;
use super::{nic, Cpu, Machine};

const CPU_DIR: &str = "/sys/devices/system/cpu";
const NODE_DIR: &str = "/sys/devices/system/node";

/// Everything [`Machine::read`] reads.
pub(super) fn machine(root: &Path) -> Machine {
    let reader = Reader::new(root);
    let mut machine = Machine::default();
    let nodes = numa_nodes(&reader, &mut machine.unknown);
    let online = match reader.cpu_list(&format!("{CPU_DIR}/online")) {
        Ok(online) => online,
        Err(why) => {
            machine.unknown.push(why);
            BTreeSet::new()
        }
    };
    let mut missing_topology = BTreeSet::new();
    for &id in &online {
        let node = nodes
            .iter()
            .find(|(_, cpus)| cpus.contains(&id))
            .map(|(n, _)| *n);
        let (cpu, siblings_known) = read_cpu(&reader, id, node);
        if !siblings_known {
            missing_topology.insert(id);
        }
        machine.cpus.insert(id, cpu);
    }
    if !missing_topology.is_empty() {
        machine.unknown.push(format!(
            "{CPU_DIR}/cpuN/topology (not found for CPU(s) {}: each counts as its own core)",
            super::cpu_text(&missing_topology)
        ));
    }
    machine.nodes = nodes;
    machine.nics = nic::read_all(&reader, &online);
    machine
}

/// The CPU, and whether its `thread_siblings_list` could be read.
fn read_cpu(reader: &Reader, id: u32, node: Option<u32>) -> (Cpu, bool) {
    let topology = format!("{CPU_DIR}/cpu{id}/topology");
    let number = |name: &str| {
        reader
            .number(&format!("{topology}/{name}"))
            .ok()
            .and_then(|n| u32::try_from(n).ok())
    };
    let siblings = reader.cpu_list(&format!("{topology}/thread_siblings_list"));
    let known = siblings.is_ok();
    let mut siblings = siblings.unwrap_or_default();
    siblings.insert(id);
    let cpu = Cpu {
        id,
        package: number("physical_package_id"),
        core_id: number("core_id"),
        siblings,
        node,
    };
    (cpu, known)
}

fn numa_nodes(reader: &Reader, unknown: &mut Vec<String>) -> BTreeMap<u32, BTreeSet<u32>> {
    let mut nodes = BTreeMap::new();
    let names = match reader.names(NODE_DIR) {
        Ok(names) => names,
        Err(why) => {
            unknown.push(why);
            return nodes;
        }
    };
    for name in names {
        let Some(node) = name.strip_prefix("node").and_then(|n| n.parse().ok()) else {
            continue;
        };
        match reader.cpu_list(&format!("{NODE_DIR}/{name}/cpulist")) {
            Ok(cpus) => {
                nodes.insert(node, cpus);
            }
            Err(why) => unknown.push(why),
        }
    }
    nodes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_root_is_all_unknown() {
        let machine = Machine::read(Path::new("/nonexistent/zeek-systemd-root"));
        assert!(machine.cpus.is_empty() && machine.nics.is_empty());
        assert_eq!(
            machine.unknown,
            [
                "/sys/devices/system/node (not found)",
                "/sys/devices/system/cpu/online (not found)"
            ]
        );
    }
}
