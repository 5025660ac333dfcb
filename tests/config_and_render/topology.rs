//! Topology-aware pinning against recorded machines
//! (`tests/fixtures/machines/`, described in its README): the CPUs chosen
//! for an interface's workers and why, and the warnings for CPUs written
//! by hand.

use std::path::Path;

use zeek_systemd::topology::{choose, judge, Capture, Choice, Machine};

use crate::common;

fn machine(name: &str) -> Machine {
    Machine::read(&common::root().join("tests/fixtures/machines").join(name))
}

fn capture(source: &str, args: &[&str]) -> Capture {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    Capture::of(source, &args)
}

const QM: &str = "AF_Packet::fanout_mode=AF_Packet::FANOUT_QM";

/// The table as `check` prints it, with the notes and warnings under it.
fn shown(choice: &Choice) -> String {
    let mut text = zeek_systemd::ops::table::format(&choice.table());
    for note in &choice.notes {
        text.push_str(&format!("note: {note}\n"));
    }
    for warning in &choice.warnings {
        text.push_str(&format!("warning: {warning}\n"));
    }
    text
}

/// The verdict of each of `cpus`, as the table shows it.
fn verdicts(choice: &Choice, cpus: &[u32]) -> Vec<String> {
    cpus.iter()
        .map(|cpu| {
            let row = choice.rows.iter().find(|r| r.cpu == *cpu).expect("a row");
            format!("{cpu}: {}", row.verdict)
        })
        .collect()
}

fn judged(machine: &Machine, capture: &Capture, cpus: &[(&str, u32)]) -> Vec<String> {
    let workers: Vec<(&str, Option<u32>)> = cpus.iter().map(|(n, c)| (*n, Some(*c))).collect();
    judge(machine, capture, &workers)
}

// ---- (a) two sockets, hyperthreads N and N+16, eth1 and ens2f0 on node 1

#[test]
fn two_sockets_auto_takes_one_thread_per_free_core_of_the_nics_node() {
    let machine = machine("two-socket-ht");
    let choice = choose(&machine, &capture("af_packet::eth1", &[]), &[], None);
    assert_eq!(choice.cpus, [10, 11, 12, 13, 14, 15], "{}", shown(&choice));
    assert_eq!(
        verdicts(&choice, &[0, 7, 8, 9, 24, 25, 26, 31]),
        [
            "0: far NUMA node (the NIC is on node 1)",
            "7: far NUMA node (the NIC is on node 1)",
            "8: NIC interrupts (IRQ 120, 121, 122)",
            "9: NIC interrupts (IRQ 123, 124, 125)",
            "24: core shared with CPU 8: NIC interrupts (IRQ 120, 121, 122)",
            "25: NIC interrupts (IRQ 126, 127)",
            "26: hyperthread of CPU 10",
            "31: hyperthread of CPU 15",
        ]
    );
    assert!(choice.warnings.is_empty(), "{:?}", choice.warnings);
    // The one unsteered interrupt is named, not counted as a CPU of eth1.
    assert_eq!(
        choice.notes,
        ["IRQ 128 (eth1) may run on every CPU (not steered), so it excludes none"]
    );
    insta::assert_snapshot!(shown(&choice));
}

#[test]
fn two_sockets_auto_skips_the_service_nodes_cpus_and_their_cores() {
    let machine = machine("two-socket-ht");
    let exclude: [(&str, &[u32]); 2] = [("the manager", &[15]), ("logger-1", &[14])];
    let choice = choose(&machine, &capture("af_packet::eth1", &[]), &exclude, None);
    assert_eq!(choice.cpus, [10, 11, 12, 13], "{}", shown(&choice));
    assert_eq!(
        verdicts(&choice, &[14, 15, 30]),
        [
            "14: pinned for logger-1",
            "15: pinned for the manager",
            "30: core shared with CPU 14: pinned for logger-1",
        ]
    );
}

#[test]
fn two_sockets_workers_asked_bound_the_choice() {
    let machine = machine("two-socket-ht");
    let eth1 = capture("af_packet::eth1", &[]);
    let choice = choose(&machine, &eth1, &[], Some(4));
    assert_eq!(choice.cpus, [10, 11, 12, 13]);
    assert_eq!(
        verdicts(&choice, &[14, 15]),
        ["14: spare (4 workers asked)", "15: spare (4 workers asked)"]
    );
    assert!(choice.warnings.is_empty(), "{:?}", choice.warnings);

    let choice = choose(&machine, &eth1, &[], Some(8));
    assert_eq!(choice.cpus, [10, 11, 12, 13, 14, 15]);
    assert_eq!(
        choice.warnings,
        [
            "8 workers asked for eth1, but only 6 physical core(s) near it are free (10-15): the \
          workers share them and drop packets under load. Lower `workers` to 6, or free cores \
          near the NIC"
        ]
    );
}

#[test]
fn two_sockets_queue_capture_takes_no_more_workers_than_queues() {
    let machine = machine("two-socket-ht");
    // ens2f0 (mlx5): its interrupts are named by its PCI address.
    let choice = choose(&machine, &capture("af_packet::ens2f0", &[QM]), &[], None);
    assert_eq!(choice.cpus, [8, 9, 10, 11], "{}", shown(&choice));
    assert_eq!(
        verdicts(&choice, &[12, 14, 15, 30]),
        [
            "12: spare (ens2f0 has 4 receive queues for AF_PACKET with FANOUT_QM)",
            "14: NIC interrupts (IRQ 140)",
            "15: NIC interrupts (IRQ 141)",
            "30: NIC interrupts (IRQ 142)",
        ]
    );
    insta::assert_snapshot!(shown(&choice));
    // AF_PACKET's hash fanout spreads flows in software: queues do not
    // bound the workers.
    let hash = choose(&machine, &capture("af_packet::ens2f0", &[]), &[], None);
    assert_eq!(hash.cpus, [8, 9, 10, 11, 12, 13]);
}

#[test]
fn two_sockets_judges_far_node_shared_cores_and_interrupt_cpus() {
    let machine = machine("two-socket-ht");
    let eth1 = capture("af_packet::eth1", &[]);
    let written = [
        ("eth1-1", 2),
        ("eth1-2", 10),
        ("eth1-3", 26),
        ("eth1-4", 8),
        ("eth1-5", 18),
    ];
    assert_eq!(
        judged(&machine, &eth1, &written),
        [
            "eth1-1, eth1-5 run(s) on CPU(s) 2 18 of NUMA node 0, but eth1 is attached to NUMA \
             node 1 (CPUs 8-15 24-31): every packet they read crosses between the sockets. Pin \
             them to CPUs of the NIC's node",
            "workers run on hyperthreads of one physical core (eth1-1 and eth1-5 on CPUs 2 and \
             18; eth1-2 and eth1-3 on CPUs 10 and 26): they share its execution units, so each \
             captures less than a core of its own would. Pin one worker per physical core",
            "eth1-4 run(s) on CPU(s) 8 that service eth1's interrupts (IRQ 120, 121, 122): they \
             compete with the kernel's receive work and drop packets under load. Pin them to \
             other CPUs, or steer the interrupts away (/proc/irq/N/smp_affinity_list)",
        ]
    );
    // What `auto` chooses passes its own judge.
    let choice = choose(&machine, &eth1, &[], None);
    let auto: Vec<(&str, u32)> = choice.cpus.iter().map(|&c| ("w", c)).collect();
    assert_eq!(judged(&machine, &eth1, &auto), Vec::<String>::new());
}

#[test]
fn two_sockets_judges_workers_beyond_what_the_queues_feed() {
    let machine = machine("two-socket-ht");
    let unpinned = |n: usize| -> Vec<(&str, Option<u32>)> { vec![("w", None); n] };
    let qm = capture("af_packet::eth1", &[QM]);
    assert_eq!(
        judge(&machine, &qm, &unpinned(10)),
        ["10 workers read eth1, which has 8 receive queue(s), and AF_PACKET with FANOUT_QM hands \
          each queue to one worker: 2 worker(s) get no packets. Lower `workers` to 8, or raise \
          the queues (`ethtool -L eth1 combined 10`)"]
    );
    assert!(judge(&machine, &qm, &unpinned(8)).is_empty());
    // The hash fanout feeds any number of workers.
    let hash = capture("af_packet::eth1", &[]);
    assert!(judge(&machine, &hash, &unpinned(10)).is_empty());
    // FANOUT_CPU: eth1's interrupts go to CPUs 8, 9, 25, which pick
    // workers 8%6, 9%6, 25%6: three of six.
    let cpu = capture(
        "af_packet::eth1",
        &["AF_Packet::fanout_mode=AF_Packet::FANOUT_CPU"],
    );
    assert_eq!(
        judge(&machine, &cpu, &unpinned(6)),
        ["AF_PACKET with FANOUT_CPU gives a packet to the worker picked by the CPU that received \
          it, and eth1's interrupts go to CPU(s) 8-9 25: only 3 of the 6 workers get packets \
          (unless RPS spreads the receive work). Drop the fanout_mode redef (the default \
          FANOUT_HASH spreads flows over all workers), or steer the interrupts to 6 CPUs"]
    );
}

#[test]
fn an_unknown_numa_node_on_a_numa_machine_is_a_warning() {
    let mut machine = machine("two-socket-ht");
    let eth1 = machine.nics.get_mut("eth1").expect("eth1");
    eth1.numa_node = None;
    eth1.local_cpus = None;
    eth1.unknown = vec!["/sys/class/net/eth1/device/numa_node (not found)".into()];
    let choice = choose(&machine, &capture("af_packet::eth1", &[]), &[], None);
    assert_eq!(choice.cpus, [1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15]);
    assert_eq!(
        choice.warnings,
        ["the NUMA node of eth1 is not known (/sys/class/net/eth1/device/numa_node (not found)): \
          its workers get physical cores from every node, and those on the far node pay for each \
          packet crossing between the sockets. Write `cpus` from the node the NIC is attached to"]
    );
    // Nor is a written list judged against a node nobody knows.
    assert!(judged(&machine, &capture("af_packet::eth1", &[]), &[("w", 2)]).is_empty());
}

// ---- (b) one socket, 8 cores, no hyperthreads, eno1 with no NUMA node

#[test]
fn one_socket_auto_skips_cpu_0_and_the_interrupt_cpus() {
    let machine = machine("one-socket");
    let choice = choose(&machine, &capture("af_packet::eno1", &[]), &[], None);
    assert_eq!(choice.cpus, [1, 6, 7], "{}", shown(&choice));
    assert_eq!(
        verdicts(&choice, &[0, 2, 5]),
        [
            "0: CPU 0 (kernel housekeeping)",
            "2: NIC interrupts (IRQ 130)",
            "5: NIC interrupts (IRQ 133)",
        ]
    );
    // numa_node -1 on a one-node machine: a note, not a warning.
    assert!(choice.warnings.is_empty(), "{:?}", choice.warnings);
    assert_eq!(
        choice.notes,
        [
            "/sys/class/net/eno1/device/numa_node (-1: the firmware names no NUMA node for it)",
            "IRQ 134 (eno1) may run on every CPU (not steered), so it excludes none",
        ]
    );
    insta::assert_snapshot!(shown(&choice));
}

#[test]
fn one_socket_judges_interrupt_cpus_only() {
    let machine = machine("one-socket");
    let eno1 = capture("af_packet::eno1", &[]);
    assert_eq!(
        judged(&machine, &eno1, &[("eno1-1", 1), ("eno1-2", 3), ("eno1-3", 6)]),
        ["eno1-2 run(s) on CPU(s) 3 that service eno1's interrupts (IRQ 131): they compete with \
          the kernel's receive work and drop packets under load. Pin them to other CPUs, or \
          steer the interrupts away (/proc/irq/N/smp_affinity_list)"]
    );
    let asked = choose(&machine, &capture("af_packet::eno1", &[QM]), &[], Some(5));
    assert_eq!(asked.cpus, [1, 6, 7]);
    assert_eq!(asked.warnings.len(), 1, "{:?}", asked.warnings);
}

// ---- (c) a KVM guest: 4 vCPUs, virtio NIC without locality

#[test]
fn vm_auto_names_the_virtio_interrupts_by_device() {
    let machine = machine("vm-virtio");
    let choice = choose(&machine, &capture("af_packet::eth0", &[]), &[], None);
    // virtio1-req.0 (the disk, on CPU 2) is not eth0's.
    assert_eq!(choice.cpus, [2, 3], "{}", shown(&choice));
    assert_eq!(
        verdicts(&choice, &[0, 1]),
        [
            "0: CPU 0 (kernel housekeeping)",
            "1: NIC interrupts (IRQ 27, 28)"
        ]
    );
    // The fallback says what the guest cannot see.
    assert_eq!(choice.warnings.len(), 1, "{:?}", choice.warnings);
    assert!(
        choice.warnings[0]
            .starts_with("eth0 is a virtual NIC (virtio0): this is a virtual machine"),
        "{:?}",
        choice.warnings
    );
    assert_eq!(
        choice.notes,
        [
            "/sys/class/net/eth0/device/numa_node (not found)",
            "/sys/class/net/eth0/device/local_cpulist (not found)",
            "IRQ 24 (virtio0-config) may run on every CPU (not steered), so it excludes none",
        ]
    );
    insta::assert_snapshot!(shown(&choice));
}

#[test]
fn vm_judges_more_workers_than_queues_for_a_queue_capture() {
    let machine = machine("vm-virtio");
    let workers = [("eth0-1", 2), ("eth0-2", 3), ("eth0-3", 1)];
    let warnings = judged(&machine, &capture("af_packet::eth0", &[QM]), &workers);
    assert_eq!(warnings.len(), 2, "{warnings:#?}");
    assert!(warnings[0].starts_with("eth0-3 run(s) on CPU(s) 1 that service eth0's"));
    assert!(warnings[1].starts_with("3 workers read eth0, which has 2 receive queue(s)"));
}

// ---- fallbacks

#[test]
fn an_interface_the_machine_lacks_falls_back_to_any_node() {
    let machine = machine("vm-virtio");
    let choice = choose(&machine, &capture("af_packet::eth9", &[]), &[], None);
    assert_eq!(choice.cpus, [1, 2, 3]);
    assert_eq!(
        choice.warnings,
        [
            "eth9 is not a network interface of this machine (/sys/class/net/eth9 not found): its \
          NUMA node, receive queues and interrupts are not known, so its workers get physical \
          cores from any node. Name the capture interface as `ip link` shows it"
        ]
    );
}

#[test]
fn a_machine_without_sys_leaves_the_workers_unpinned() {
    let machine = Machine::read(Path::new("/nonexistent/zeek-systemd-root"));
    let choice = choose(&machine, &capture("af_packet::eth0", &[]), &[], None);
    assert!(choice.cpus.is_empty() && choice.rows.is_empty());
    assert_eq!(
        choice.warnings,
        [
            "the machine's CPUs could not be read (/sys/devices/system/node (not found), \
          /sys/devices/system/cpu/online (not found)): the workers of eth0 stay unpinned. Write \
          their CPUs yourself"
        ]
    );
}

#[test]
fn no_free_core_leaves_the_workers_unpinned() {
    let machine = machine("vm-virtio");
    let exclude: [(&str, &[u32]); 2] = [("the manager", &[2]), ("logger-1", &[3])];
    let choice = choose(&machine, &capture("af_packet::eth0", &[]), &exclude, None);
    assert!(choice.cpus.is_empty());
    // After the virtual NIC's warning.
    assert_eq!(choice.warnings.len(), 2);
    assert!(
        choice.warnings[1].starts_with("no physical core is free for the workers of eth0"),
        "{:?}",
        choice.warnings
    );
}
