//! Topology-aware pinning as `check` and the generator do it, against the
//! recorded machines of `tests/fixtures/machines/` (`ZEEK_SYSTEMD_ROOT`):
//! `cpus = "auto"` / `workers = "auto"` choose the workers' CPUs and
//! count, `check` prints the choice with its table of why and its
//! warnings, written lists are judged, zeek.conf gets advice, and the
//! generator writes the same CPUs at boot.

use crate::common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn fixture(name: &str) -> PathBuf {
    common::root().join("tests/fixtures/machines").join(name)
}

struct Run {
    stdout: String,
    /// The warning lines, without the program and config path.
    warnings: Vec<String>,
}

/// `check` on `text` (written as `name`) on the machine under `root`.
fn check(root: &Path, name: &str, text: &str) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    let out = Command::new(common::program())
        .env(common::ROOT_ENV, root)
        .env("ZEEK_SYSTEMD_LOG", "stderr")
        .arg("--config")
        .arg(&path)
        .arg("check")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "check failed:\n{stderr}");
    let prefix = format!("zeek-systemd: warning: {}: ", path.display());
    Run {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        warnings: stderr
            .lines()
            .filter_map(|l| l.strip_prefix(prefix.as_str()))
            .map(str::to_string)
            .collect(),
    }
}

/// The table rows of `check`'s output whose first cell is `cpus`, with
/// the cells split on runs of spaces.
fn row(stdout: &str, cpus: &str) -> Vec<String> {
    let line = stdout
        .lines()
        .find(|l| l.split_whitespace().next() == Some(cpus) && !l.contains("worker-"))
        .unwrap_or_else(|| panic!("no row for CPUs {cpus} in:\n{stdout}"));
    line.split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

/// The CPUs column of each worker in the node table, in order.
fn worker_cpus(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter(|l| l.starts_with("worker-"))
        .map(|l| l.split_whitespace().nth(5).unwrap_or("").to_string())
        .collect()
}

const AUTO_ETH1: &str = r#"
[manager]
cpus = "15"

[[interface]]
name = "eth1"
capture = "af_packet::eth1"
workers = "auto"
cpus = "auto"
"#;

#[test]
fn two_sockets_auto_pins_one_worker_per_free_core_of_the_nics_node() {
    let run = check(&fixture("two-socket-ht"), "cluster.toml", AUTO_ETH1);
    assert_eq!(worker_cpus(&run.stdout), ["10", "11", "12", "13", "14"]);
    assert!(
        run.stdout.contains(
            "cpus = \"auto\", workers = \"auto\" of interface \"eth1\": 5 worker(s) on eth1, \
             CPUs chosen: 10-14"
        ),
        "{}",
        run.stdout
    );
    // Runs of one reason fold into one row: 32 CPUs in 10 rows.
    let table_rows = [
        (
            "0-7",
            vec![
                "0-7",
                "0",
                "0-7",
                "0",
                "far NUMA node (the NIC is on node 1)",
            ],
        ),
        (
            "8",
            vec!["8", "1", "0", "1", "NIC interrupts (IRQ 120, 121, 122)"],
        ),
        ("10-14", vec!["10-14", "1", "2-6", "1", "chosen"]),
        ("15", vec!["15", "1", "7", "1", "pinned for the manager"]),
        (
            "16-23",
            vec![
                "16-23",
                "0",
                "0-7",
                "0",
                "far NUMA node (the NIC is on node 1)",
            ],
        ),
        (
            "24",
            vec![
                "24",
                "1",
                "0",
                "1",
                "core shared with CPU 8: NIC interrupts (IRQ 120, 121, 122)",
            ],
        ),
        (
            "26-30",
            vec!["26-30", "1", "2-6", "1", "hyperthreads of CPUs 10-14"],
        ),
        (
            "31",
            vec![
                "31",
                "1",
                "7",
                "1",
                "core shared with CPU 15: pinned for the manager",
            ],
        ),
    ];
    for (cpus, cells) in table_rows {
        assert_eq!(row(&run.stdout, cpus), cells, "{}", run.stdout);
    }
    assert!(run
        .stdout
        .contains("note: IRQ 128 (eth1) may run on every CPU (not steered), so it excludes none"));
    assert_eq!(run.warnings, Vec::<String>::new());
}

#[test]
fn two_sockets_auto_avoids_other_interfaces_and_service_nodes() {
    let config = r#"
[logger]
cpus = [14]

[[interface]]
name = "ens2f0"
capture = "af_packet::ens2f0"
workers = 2
cpus = "10-11"

[[interface]]
name = "eth1"
capture = "af_packet::eth1"
workers = 2
cpus = "auto"
"#;
    let run = check(&fixture("two-socket-ht"), "cluster.toml", config);
    // ens2f0's written 10-11 and the logger's 14 are taken: 12, 13.
    assert_eq!(worker_cpus(&run.stdout), ["10", "11", "12", "13"]);
    assert_eq!(
        row(&run.stdout, "10-11")[4],
        "pinned for the workers of interface \"ens2f0\""
    );
    assert_eq!(row(&run.stdout, "14")[4], "pinned for the loggers");
    assert_eq!(row(&run.stdout, "15")[4], "spare (2 workers asked)");
}

#[test]
fn one_socket_auto_skips_cpu_0_and_the_interrupt_cpus() {
    let config = AUTO_ETH1
        .replace("eth1", "eno1")
        .replace("cpus = \"15\"", "");
    let run = check(&fixture("one-socket"), "cluster.toml", &config);
    assert_eq!(worker_cpus(&run.stdout), ["1", "6", "7"]);
    assert_eq!(row(&run.stdout, "0")[4], "CPU 0 (kernel housekeeping)");
    assert_eq!(row(&run.stdout, "3")[4], "NIC interrupts (IRQ 131)");
    assert_eq!(row(&run.stdout, "6-7")[4], "chosen");
    assert_eq!(run.warnings, Vec::<String>::new());
}

#[test]
fn a_virtual_nic_falls_back_to_the_guests_view_with_a_warning() {
    let config = AUTO_ETH1
        .replace("eth1", "eth0")
        .replace("cpus = \"15\"", "");
    let run = check(&fixture("vm-virtio"), "cluster.toml", &config);
    assert_eq!(worker_cpus(&run.stdout), ["2", "3"]);
    assert_eq!(run.warnings.len(), 1, "{:#?}", run.warnings);
    assert!(
        run.warnings[0].starts_with(
            "cpus = \"auto\", workers = \"auto\" of interface \"eth0\": eth0 is a virtual NIC \
             (virtio0): this is a virtual machine"
        ),
        "{}",
        run.warnings[0]
    );
    assert!(run
        .stdout
        .contains("note: /sys/class/net/eth0/device/numa_node (not found)"));
}

#[test]
fn a_machine_without_sys_runs_one_unpinned_worker_with_a_warning() {
    let empty = tempfile::tempdir().unwrap();
    let run = check(empty.path(), "cluster.toml", AUTO_ETH1);
    assert_eq!(worker_cpus(&run.stdout), ["-"]);
    assert!(run
        .stdout
        .contains("CPUs chosen: none (the workers run unpinned)"));
    assert_eq!(run.warnings.len(), 2, "{:#?}", run.warnings);
    assert!(run.warnings[0].contains("the machine's CPUs could not be read"));
    assert!(
        run.warnings[1].ends_with(
            "no core could be chosen, so 1 worker captures eth1. Write `workers` (and `cpus`) \
             for this machine"
        ),
        "{}",
        run.warnings[1]
    );
}

#[test]
fn written_lists_are_judged_against_the_topology() {
    let config = r#"
[[interface]]
name = "eth1"
capture = "af_packet::eth1"
workers = 4
cpus = [2, 10, 26, 8]
"#;
    let run = check(&fixture("two-socket-ht"), "cluster.toml", config);
    let key = "cpus of interface \"eth1\": ";
    assert_eq!(run.warnings.len(), 3, "{:#?}", run.warnings);
    assert!(run.warnings[0].starts_with(&format!(
        "{key}worker-eth1-1 run(s) on CPU(s) 2 of NUMA node 0, but eth1 is attached to NUMA node 1"
    )));
    assert!(run.warnings[1].starts_with(&format!(
        "{key}workers run on hyperthreads of one physical core (worker-eth1-2 and worker-eth1-3 \
         on CPUs 10 and 26)"
    )));
    assert!(run.warnings[2].starts_with(&format!(
        "{key}worker-eth1-4 run(s) on CPU(s) 8 that service eth1's interrupts (IRQ 120, 121, 122)"
    )));
    // No pinning table for a written list.
    assert!(!run.stdout.contains("CHOICE"));
}

#[test]
fn more_workers_than_queues_is_judged_for_a_queue_capture() {
    let config = r#"
[[interface]]
name = "eth1"
capture = "af_packet::eth1"
workers = 10
args = ["AF_Packet::fanout_mode=AF_Packet::FANOUT_QM"]
"#;
    let run = check(&fixture("two-socket-ht"), "cluster.toml", config);
    assert_eq!(
        run.warnings,
        ["workers of interface \"eth1\": 10 workers read eth1, which has 8 receive queue(s), and \
          AF_PACKET with FANOUT_QM hands each queue to one worker: 2 worker(s) get no packets. \
          Lower `workers` to 8, or raise the queues (`ethtool -L eth1 combined 10`)"]
    );
    // `workers = "auto"` takes no more than the queues: 6 free cores,
    // 4 queues on ens2f0.
    let auto = config
        .replace("workers = 10", "workers = \"auto\"")
        .replace("eth1", "ens2f0");
    let run = check(&fixture("two-socket-ht"), "cluster.toml", &auto);
    assert_eq!(worker_cpus(&run.stdout), ["-", "-", "-", "-"]);
    assert_eq!(run.warnings, Vec::<String>::new());
}

#[test]
fn zeek_conf_gets_the_chosen_list_as_advice() {
    let conf =
        "[interface eth1]\ninterface = af_packet::eth1\nworkers = 3\nworkers_cpu_list = 2,3,4\n";
    let run = check(&fixture("two-socket-ht"), "zeek.conf", conf);
    let key = "workers_cpu_list of [interface eth1]: ";
    assert_eq!(run.warnings.len(), 2, "{:#?}", run.warnings);
    assert!(run.warnings[0].starts_with(&format!(
        "{key}worker-eth1-1, worker-eth1-2, worker-eth1-3 run(s) on CPU(s) 2-4 of NUMA node 0"
    )));
    assert!(
        run.warnings[1].starts_with(&format!(
            "{key}on this machine, write `workers_cpu_list = 10,11,12`"
        )),
        "{}",
        run.warnings[1]
    );
    // A good list gets neither.
    let good = conf.replace("2,3,4", "10,11,12");
    assert_eq!(
        check(&fixture("two-socket-ht"), "zeek.conf", &good).warnings,
        Vec::<String>::new()
    );
}

#[test]
fn the_generator_writes_the_chosen_cpus() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("cluster.toml");
    std::fs::write(&config, AUTO_ETH1).unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let run = Command::new(common::program())
        .env(common::ROOT_ENV, fixture("two-socket-ht"))
        .env("ZEEK_SYSTEMD_LOG", "stderr")
        .env("SYSTEMD_PROC_CMDLINE", "")
        .env_remove("SYSTEMD_SCOPE")
        .arg("--config")
        .arg(&config)
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let affinity = |node: &str| {
        let path = out.join(format!(
            "zeek@{node}.service.d/50-zeek-systemd-generator.conf"
        ));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
        text.lines()
            .find_map(|l| l.strip_prefix("CPUAffinity="))
            .map(str::to_string)
    };
    let workers: Vec<Option<String>> = (1..=5)
        .map(|k| affinity(&format!("worker-eth1-{k}")))
        .collect();
    let chosen: Vec<Option<String>> = (10..=14).map(|c: u32| Some(c.to_string())).collect();
    assert_eq!(workers, chosen);
    assert!(!out.join("zeek@worker-eth1-6.service.d").exists());
    assert_eq!(affinity("manager").as_deref(), Some("15"));
}

/// At boot the choice's warnings are logged like the other warnings.
#[test]
fn the_generator_logs_the_choices_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("cluster.toml");
    let text = AUTO_ETH1
        .replace("eth1", "eth0")
        .replace("cpus = \"15\"", "");
    std::fs::write(&config, text).unwrap();
    let run = Command::new(common::program())
        .env(common::ROOT_ENV, fixture("vm-virtio"))
        .env("ZEEK_SYSTEMD_LOG", "stderr")
        .env("SYSTEMD_PROC_CMDLINE", "")
        .env_remove("SYSTEMD_SCOPE")
        .arg("--config")
        .arg(&config)
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    let expected = format!(
        "zeek-systemd-generator: warning: {}: cpus = \"auto\", workers = \"auto\" of interface \
         \"eth0\": eth0 is a virtual NIC (virtio0)",
        config.display()
    );
    assert!(stderr.lines().any(|l| l.starts_with(&expected)), "{stderr}");
}
