//! Warnings for configs that validate but hurt (pinning, captures, ports,
//! no workers): `check` prints them (exit 0), the generator logs them and
//! still writes every unit. Each case asserts the keys it names and the
//! fix it gives; a clean config gets none.

use crate::common;

use std::path::Path;

use assert_cmd::Command;

const ONLINE_CPUS: &str = "sys/devices/system/cpu/online";

struct Run {
    status: bool,
    stdout: String,
    warnings: Vec<String>,
}

/// `check` on `text` (written as `name`), with `online` as this
/// machine's CPUs.
fn check(name: &str, text: &str, online: &str) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    let machine = common::machine_root(&[(ONLINE_CPUS, online)]);
    let out = Command::new(common::program())
        .env(common::ROOT_ENV, machine.path())
        .env("ZEEK_SYSTEMD_LOG", "stderr")
        .arg("--config")
        .arg(&path)
        .arg("check")
        .output()
        .unwrap();
    run_of(out, &path)
}

fn run_of(out: std::process::Output, path: &Path) -> Run {
    let stderr = String::from_utf8_lossy(&out.stderr);
    // `check` speaks as zeek-systemd, the generator as itself.
    let prefixes = ["zeek-systemd", "zeek-systemd-generator"]
        .map(|program| format!("{program}: warning: {}: ", path.display()));
    let warnings: Vec<String> = stderr
        .lines()
        .filter_map(|l| {
            if l.contains("warning") {
                Some(
                    prefixes
                        .iter()
                        .find_map(|p| l.strip_prefix(p.as_str()))
                        .unwrap_or_else(|| panic!("warning does not name {}: {l}", path.display()))
                        .to_string(),
                )
            } else {
                None
            }
        })
        .collect();
    Run {
        status: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        warnings,
    }
}

/// Exactly one warning, containing every one of `parts`.
fn assert_one(run: &Run, parts: &[&str]) {
    assert!(run.status, "check must exit 0 on warnings");
    assert!(run.stdout.contains(": valid;"), "stdout:\n{}", run.stdout);
    assert_eq!(run.warnings.len(), 1, "warnings: {:#?}", run.warnings);
    for part in parts {
        assert!(
            run.warnings[0].contains(part),
            "warning lacks {part:?}:\n{}",
            run.warnings[0]
        );
    }
}

#[test]
fn a_clean_config_has_no_warnings() {
    let run = check(
        "cluster.toml",
        r#"
[manager]
cpus = "0"
[[interface]]
name = "eth1"
capture = "af_packet::eth1"
workers = 4
cpus = "2-5"
[[interface]]
name = "eth2"
capture = "af_packet::eth2"
workers = 2
cpus = "6-7"
"#,
        "0-7",
    );
    assert!(run.status);
    assert_eq!(run.warnings, Vec::<String>::new());
}

#[test]
fn cpus_missing_on_this_machine_are_named_with_the_key() {
    let config = r#"
[manager]
cpus = "12"
[[interface]]
name = "eth1"
capture = "af_packet::eth1"
workers = 4
cpus = "6-9"
"#;
    let run = check("cluster.toml", config, "0-7");
    assert!(run.status);
    assert_eq!(run.warnings.len(), 2, "{:#?}", run.warnings);
    let manager = &run.warnings[0];
    assert!(
        manager.starts_with("[manager] cpus: CPU(s) 12 do not exist on this machine (online: 0-7)"),
        "{manager}"
    );
    assert!(manager.contains("215/CPUAFFINITY"), "{manager}");
    let workers = &run.warnings[1];
    assert!(
        workers.starts_with("cpus of interface \"eth1\": CPU(s) 8-9 do not exist"),
        "{workers}"
    );
    // Workers 1 and 2 are pinned to 6 and 7, which exist.
    assert!(
        workers.contains("worker-eth1-3, worker-eth1-4 would fail"),
        "{workers}"
    );
    assert!(workers.contains("Pin to CPUs in 0-7"), "{workers}");

    // A machine with those CPUs: no warning.
    assert_eq!(check("cluster.toml", config, "0-15").warnings.len(), 0);
}

#[test]
fn more_workers_than_cpus_wrap() {
    let run = check(
        "cluster.toml",
        r#"
[[interface]]
name = "eth1"
capture = "af_packet::eth1"
workers = 16
cpus = "8-15"
"#,
        "0-31",
    );
    assert_one(
        &run,
        &[
            "cpus of interface \"eth1\": 16 workers wrap onto 8 CPU(s) (8-15)",
            "List at least 16 CPUs, or lower `workers`",
        ],
    );
}

#[test]
fn workers_on_the_managers_cpu() {
    let run = check(
        "cluster.toml",
        r#"
[manager]
cpus = "0-1"
[proxy]
cpus = "7"
[[interface]]
name = "eth1"
capture = "af_packet::eth1"
workers = 4
cpus = "1-4"
"#,
        "0-7",
    );
    assert_one(
        &run,
        &[
            "[manager] cpus and the workers' cpus overlap on CPU(s) 1",
            "worker-eth1-1 compete with the manager",
            "Give the manager CPUs no worker is pinned to",
        ],
    );
}

#[test]
fn two_interfaces_sharing_cpus() {
    let run = check(
        "cluster.toml",
        r#"
[[interface]]
name = "eth1"
capture = "af_packet::eth1"
workers = 4
cpus = "2-5"
[[interface]]
name = "eth2"
capture = "af_packet::eth2"
workers = 2
cpus = "5-6"
"#,
        "0-7",
    );
    assert_one(
        &run,
        &[
            "cpus of interface \"eth1\" and cpus of interface \"eth2\" share CPU(s) 5",
            "Give each interface its own CPUs",
        ],
    );
}

#[test]
fn the_same_capture_in_two_interfaces() {
    let run = check(
        "cluster.toml",
        r#"
[[interface]]
name = "a"
capture = "af_packet::eth1"
workers = 2
[[interface]]
name = "b"
capture = "af_packet::eth1"
workers = 2
"#,
        "0-7",
    );
    assert_one(
        &run,
        &[
            "interfaces \"a\", \"b\" all capture \"af_packet::eth1\" (`capture`)",
            "every packet is analysed once per interface",
        ],
    );
}

#[test]
fn one_explicit_fanout_id_on_two_nics() {
    let run = check(
        "cluster.toml",
        r#"
[worker]
args = ["AF_Packet::fanout_id=42"]
[[interface]]
name = "eth1"
capture = "af_packet::eth1"
workers = 2
[[interface]]
name = "eth2"
capture = "af_packet::eth2"
workers = 2
"#,
        "0-7",
    );
    assert_one(
        &run,
        &[
            "AF_PACKET devices \"eth1\", \"eth2\" share fanout group 42 (AF_Packet::fanout_id in `args`)",
            "Set a distinct fanout id per interface",
        ],
    );
}

#[test]
fn zeek_conf_names_its_own_keys() {
    // Zeek's own generator assigns no fanout ids: two AF_PACKET interfaces
    // share Zeek's default group 23. The keys are zeek.conf's.
    let run = check(
        "zeek.conf",
        "[zeek]\nmanager = 1\n\n[interface eth1]\ninterface = af_packet::eth1\nworkers = 3\n\
         workers_cpu_list = 0-1\n\n[interface eth2]\ninterface = af_packet::eth2\nworkers = 1\n",
        "0-7",
    );
    assert!(run.status);
    assert_eq!(run.warnings.len(), 2, "{:#?}", run.warnings);
    assert!(
        run.warnings[0].starts_with(
            "workers_cpu_list of [interface eth1]: 3 workers wrap onto 2 CPU(s) (0-1)"
        ),
        "{}",
        run.warnings[0]
    );
    assert!(
        run.warnings[1].starts_with(
            "AF_PACKET devices \"eth1\", \"eth2\" share fanout group 23 (AF_Packet::fanout_id in `worker_args`)"
        ),
        "{}",
        run.warnings[1]
    );
}

#[test]
fn plain_pcap_with_several_workers() {
    for capture in ["eth1", "pcap::eth1"] {
        let run = check(
            "cluster.toml",
            &format!("[[interface]]\nname = \"eth1\"\ncapture = \"{capture}\"\nworkers = 3\n"),
            "0-7",
        );
        assert_one(
            &run,
            &[
                &format!("interface \"eth1\": 3 workers capture \"{capture}\" with libpcap"),
                "each worker sees all traffic",
                "\"af_packet::eth1\" in `capture`, or 1 worker",
            ],
        );
    }
    // One pcap worker is fine, and so are templated per-worker sources.
    let one = check(
        "cluster.toml",
        "[[interface]]\nname = \"eth1\"\ncapture = \"eth1\"\nworkers = 1\n",
        "0-7",
    );
    assert_eq!(one.warnings.len(), 0, "{:#?}", one.warnings);
    let templated = check(
        "cluster.toml",
        "[[interface]]\nname = \"q\"\ncapture = \"eth${worker_index}\"\nworkers = 2\n",
        "0-7",
    );
    assert_eq!(templated.warnings.len(), 0, "{:#?}", templated.warnings);
}

#[test]
fn ports_below_1024() {
    let run = check(
        "cluster.toml",
        r#"
[cluster]
port = 1021
metrics_port = 9991
[[interface]]
name = "eth1"
capture = "af_packet::eth1"
workers = 1
"#,
        "0-7",
    );
    assert_one(
        &run,
        &[
            "ports below 1024 (manager port 1021, logger-1 port 1022, proxy-1 port 1023)",
            "without CAP_NET_BIND_SERVICE",
            "Move `port`/`metrics_port` to 1024 or above",
        ],
    );
    let metrics = check(
        "cluster.toml",
        "[cluster]\nmetrics_port = 80\n[[interface]]\nname = \"eth1\"\ncapture = \"af_packet::eth1\"\nworkers = 1\n",
        "0-7",
    );
    assert_one(
        &metrics,
        &["manager metrics_port 80", "worker-eth1-1 metrics_port 83"],
    );
}

#[test]
fn ports_colliding_with_zeromq() {
    let run = check(
        "cluster.toml",
        r#"
[cluster]
metrics_port = 5553
[[interface]]
name = "eth1"
capture = "af_packet::eth1"
workers = 2
"#,
        "0-7",
    );
    assert_one(
        &run,
        &[
            "XPUB/XSUB proxy on the manager (5555, 5556): proxy-1 metrics_port 5555, worker-eth1-1 metrics_port 5556",
        ],
    );
    // Broker does not run that proxy.
    let broker = check(
        "cluster.toml",
        "[zeek]\ncluster_backend = \"broker\"\n[cluster]\nmetrics_port = 5553\n[[interface]]\nname = \"eth1\"\ncapture = \"af_packet::eth1\"\nworkers = 2\n",
        "0-7",
    );
    assert_eq!(broker.warnings.len(), 0, "{:#?}", broker.warnings);
}

#[test]
fn a_cluster_without_workers() {
    let run = check("cluster.toml", "[manager]\ncpus = \"0\"\n", "0-7");
    assert_one(
        &run,
        &[
            "the cluster has no workers",
            "Add an interface with `capture` and `workers`",
        ],
    );
}

/// At generation the warnings are logged and every unit is written; the
/// machine's CPUs are not read for a config without `"auto"` (SPEC 4.0),
/// so a CPU this machine lacks gets no warning there.
#[test]
fn generation_logs_warnings_and_writes_units_without_reading_the_machine() {
    let dir = tempfile::tempdir().unwrap();
    let etc = dir.path().join("etc");
    let out = dir.path().join("out");
    std::fs::create_dir_all(&etc).unwrap();
    std::fs::create_dir_all(&out).unwrap();
    let config = etc.join("cluster.toml");
    std::fs::write(
        &config,
        "[[interface]]\nname = \"eth1\"\ncapture = \"af_packet::eth1\"\nworkers = 4\ncpus = \"4000-4001\"\n",
    )
    .unwrap();
    let machine = common::machine_root(&[(ONLINE_CPUS, "0")]);
    let output = Command::new(common::program())
        .env("ZEEK_SYSTEMD_CONFIG_DIR", &etc)
        .env("ZEEK_SYSTEMD_LOG", "stderr")
        .env("SYSTEMD_PROC_CMDLINE", "")
        .env(common::ROOT_ENV, machine.path())
        .env_remove("SYSTEMD_SCOPE")
        .env_remove("SYSTEMD_IN_INITRD")
        .arg(&out)
        .output()
        .unwrap();
    let run = run_of(output, &config);
    assert!(run.status);
    assert!(out.join("zeek@worker-eth1-4.service.d").is_dir());
    assert_eq!(run.warnings.len(), 1, "{:#?}", run.warnings);
    assert!(
        run.warnings[0].starts_with("cpus of interface \"eth1\": 4 workers wrap onto 2 CPU(s)"),
        "{}",
        run.warnings[0]
    );
}
