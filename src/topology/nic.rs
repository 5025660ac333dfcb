//! A network interface's place in the machine: its NUMA node, the CPUs
//! local to it, its receive queues, and the CPUs its interrupts go to.

use std::collections::{BTreeMap, BTreeSet};

use super::files::Reader;

const NET_DIR: &str = "/sys/class/net";

/// One network interface, as `/sys/class/net/NAME` and `/proc/interrupts`
/// describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nic {
    pub name: String,
    /// The device behind the interface (where its `device` link points:
    /// `0000:af:00.0`, `virtio0`); `None` for a virtual interface (veth,
    /// bridge, bond).
    pub device: Option<String>,
    /// `device/numa_node` (`None`: -1 or not readable).
    pub numa_node: Option<u32>,
    /// `device/local_cpulist`: the CPUs nearest the device.
    pub local_cpus: Option<BTreeSet<u32>>,
    /// How many `queues/rx-*` the interface has.
    pub rx_queues: Option<usize>,
    /// The interrupts naming the interface or its device, in IRQ order.
    pub irqs: Vec<Irq>,
    /// The facts that could not be read, as "path (why)".
    pub unknown: Vec<String>,
}

/// One of a NIC's interrupts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Irq {
    pub number: u32,
    /// Its name in `/proc/interrupts` (`eth1-TxRx-0`).
    pub name: String,
    /// Where it is steered (`/proc/irq/N/smp_affinity_list`, or the
    /// effective affinity when that names every CPU); `None` when not
    /// steered to some CPUs or not known.
    pub cpus: Option<BTreeSet<u32>>,
}

impl Nic {
    /// The CPUs the NIC's interrupts are steered to, each with its IRQs.
    pub fn irq_cpus(&self) -> BTreeMap<u32, Vec<&Irq>> {
        let mut cpus: BTreeMap<u32, Vec<&Irq>> = BTreeMap::new();
        for irq in &self.irqs {
            for &cpu in irq.cpus.iter().flatten() {
                cpus.entry(cpu).or_default().push(irq);
            }
        }
        cpus
    }
}

/// Every interface under `/sys/class/net`, with its interrupts.
pub(super) fn read_all(reader: &Reader, online: &BTreeSet<u32>) -> BTreeMap<String, Nic> {
    let interrupts = reader.text("/proc/interrupts").map(|t| interrupt_names(&t));
    let names = reader.names(NET_DIR).unwrap_or_default();
    names
        .into_iter()
        .map(|name| {
            let nic = read_nic(reader, &name, interrupts.as_ref(), online);
            (name, nic)
        })
        .collect()
}

fn read_nic(
    reader: &Reader,
    name: &str,
    interrupts: Result<&Vec<(u32, String)>, &String>,
    online: &BTreeSet<u32>,
) -> Nic {
    let base = format!("{NET_DIR}/{name}");
    let mut unknown = Vec::new();
    let device = known(&mut unknown, reader.link_name(&format!("{base}/device")));
    let (numa_node, local_cpus) = if device.is_some() {
        let node = reader.number(&format!("{base}/device/numa_node"));
        let local = reader.cpu_list(&format!("{base}/device/local_cpulist"));
        (known(&mut unknown, node), known(&mut unknown, local))
    } else {
        (None, None)
    };
    let rx_queues = known(&mut unknown, reader.names(&format!("{base}/queues")))
        .map(|queues| queues.iter().filter(|q| q.starts_with("rx-")).count());
    if numa_node == Some(-1) {
        unknown.push(format!(
            "{base}/device/numa_node (-1: the firmware names no NUMA node for it)"
        ));
    }
    let mut nic = Nic {
        name: name.to_string(),
        numa_node: numa_node.and_then(|n| u32::try_from(n).ok()),
        local_cpus,
        rx_queues,
        irqs: Vec::new(),
        unknown,
        device,
    };
    match interrupts {
        Ok(lines) => nic.irqs = irqs_of(reader, &nic, lines, online),
        Err(why) => nic.unknown.push(why.clone()),
    }
    nic
}

/// The fact, or `None` with why it is not known noted in `unknown`.
fn known<T>(unknown: &mut Vec<String>, fact: Result<T, String>) -> Option<T> {
    fact.map_err(|why| unknown.push(why)).ok()
}

/// The interrupts whose name names the interface (`eth1-TxRx-0`,
/// `i40e-eth1-TxRx-0`) or its device (`mlx5_comp0@pci:0000:af:00.0`,
/// `virtio0-input.0`), with where each is steered.
fn irqs_of(
    reader: &Reader,
    nic: &Nic,
    interrupts: &[(u32, String)],
    online: &BTreeSet<u32>,
) -> Vec<Irq> {
    let mut irqs = Vec::new();
    for (number, name) in interrupts {
        let names_nic = names_word(name, &nic.name)
            || nic.device.as_deref().is_some_and(|d| names_word(name, d));
        if !names_nic {
            continue;
        }
        let dir = format!("/proc/irq/{number}");
        let steered = reader.cpu_list(&format!("{dir}/smp_affinity_list"));
        // Not steered (every CPU allowed): the kernel still delivers it to
        // one CPU, which the effective affinity names where the kernel has it.
        let cpus = match steered {
            Ok(cpus) if !online.is_empty() && online.is_subset(&cpus) => reader
                .cpu_list(&format!("{dir}/effective_affinity_list"))
                .ok(),
            Ok(cpus) => Some(cpus),
            Err(_) => None,
        };
        irqs.push(Irq {
            number: *number,
            name: name.clone(),
            cpus,
        });
    }
    irqs
}

/// `/proc/interrupts` → (IRQ number, name) for the numbered lines; the
/// name is the last field (queue interrupts have one name, no spaces).
fn interrupt_names(text: &str) -> Vec<(u32, String)> {
    text.lines()
        .filter_map(|line| {
            let (number, rest) = line.trim_start().split_once(':')?;
            let number = number.parse().ok()?;
            let name = rest.split_whitespace().next_back()?;
            Some((number, name.to_string()))
        })
        .collect()
}

/// Whether `word` occurs in `name` as a whole word: not inside a longer
/// name (`eth1` is not in `eth10-TxRx-0` nor in `veth1`).
fn names_word(name: &str, word: &str) -> bool {
    let is_name_char = |c: char| c.is_ascii_alphanumeric() || c == '_';
    name.match_indices(word).any(|(at, _)| {
        let before = name[..at].chars().next_back();
        let after = name[at + word.len()..].chars().next();
        !before.is_some_and(is_name_char) && !after.is_some_and(is_name_char)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interrupt_names_match_whole_words() {
        assert!(names_word("eth1-TxRx-0", "eth1"));
        assert!(names_word("i40e-eth1-TxRx-3", "eth1"));
        assert!(names_word("mlx5_comp0@pci:0000:d8:00.0", "0000:d8:00.0"));
        assert!(names_word("virtio0-input.0", "virtio0"));
        assert!(!names_word("eth10-TxRx-0", "eth1"));
        assert!(!names_word("veth1", "eth1"));
        assert!(!names_word("virtio1-req.0", "virtio0"));
    }

    #[test]
    fn interrupt_lines_give_number_and_name() {
        let text = "           CPU0       CPU1\n  \
                    25:          7          0  PCI-MSI 49153-edge      virtio0-input.0\n \
                    NMI:          0          0   Non-maskable interrupts\n";
        assert_eq!(interrupt_names(text), [(25, "virtio0-input.0".to_string())]);
    }
}
