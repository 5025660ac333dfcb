//! The operator verbs against a real systemd (PID 1 in a throw-away
//! container) with the stand-in zeek (tests/stand-in-zeek/zeek, a shell
//! script that records how it was started and sleeps; it fakes Zeek's
//! process, not its scripts or packet counters): `status` of running,
//! killed-and-restarting, stopped, crash-looping and failed nodes, and
//! `diag` after `kill -SEGV`.

mod common;

use serde_json::Value;

use common::{parse_show, real_systemd_available, run, Boot, BootResult};

/// Three healthy nodes, two workers that will be killed and stopped, one
/// that exits 1 at every start (restarted every 0.2 s) and one that exits
/// 1 once and is not restarted (`Restart=no` through the escape hatch), so
/// it ends `failed`. RestartSec=30 keeps a killed node in auto-restart
/// while `status` looks at it.
const CLUSTER: &str = r#"
[zeek]
restart_sec = 30
autostart = false

[[interface]]
name = "lo"
capture = "af_packet::lo"
workers = 2
cpus = "0-1"

[[interface]]
name = "loop"
capture = "af_packet::lo"
workers = 1
env = { ZEEK_STAND_IN_CRASH = "1" }
[interface.systemd.Service]
RestartSec = "200ms"

[[interface]]
name = "crash"
capture = "af_packet::lo"
workers = 1
env = { ZEEK_STAND_IN_CRASH = "1" }
[interface.systemd.Service]
Restart = "no"
"#;

const HEALTHY: [&str; 5] = [
    "manager",
    "logger-1",
    "proxy-1",
    "worker-lo-1",
    "worker-lo-2",
];

const GENERATOR: &str = "/etc/systemd/system-generators/zeek-systemd-generator";

fn json(result: &BootResult, name: &str) -> Value {
    serde_json::from_str(&result.read(name))
        .unwrap_or_else(|e| panic!("{name} is not JSON ({e}):\n{}", result.read(name)))
}

/// The JSON row of `node` (or of a helper unit).
fn row<'a>(status: &'a Value, name: &str) -> &'a Value {
    status["units"]
        .as_array()
        .expect("units")
        .iter()
        .find(|u| u["node"] == name || u["unit"] == name)
        .unwrap_or_else(|| panic!("no row {name} in {status:#}"))
}

#[test]
fn status_reports_running_restarting_stopped_and_failing_nodes() {
    if !real_systemd_available() {
        return;
    }
    let scenario = format!(
        r#"
G={GENERATOR}
prop_is() {{ [[ $(systemctl show -p "$2" --value "zeek@$1.service") == "$3" ]]; }}
restarts_at_least() {{ (($(systemctl show -p NRestarts --value "zeek@$1.service") >= $2)); }}
$G status --json >/res/before.json; echo $? >/res/before.rc
start_cluster
wait_for 10 restarts_at_least worker-loop-1 3 || fail "worker-loop-1 did not crash-loop"
wait_for 10 prop_is worker-crash-1 ActiveState failed || fail "worker-crash-1 did not fail"
victim=$(main_pid worker-lo-1)
echo "$victim" >/res/victim-pid
kill -9 "$victim"
wait_for 10 prop_is worker-lo-1 SubState auto-restart || fail "worker-lo-1 is not waiting to restart"
systemctl stop zeek@worker-lo-2.service
$G status --json >/res/status.json; echo $? >/res/status.rc
$G status >/res/status.txt; echo $? >/res/table.rc
for n in manager worker-lo-1 worker-crash-1; do systemctl show "zeek@$n.service" >"/res/show/$n.show"; done
"#
    );
    let result = run(&Boot::new(CLUSTER, &HEALTHY, &scenario));
    result.assert_passed();

    // Before the start: every node "not started", exit 3.
    let before = json(&result, "before.json");
    assert_eq!(result.read("before.rc").trim(), "3");
    for node in HEALTHY {
        assert_eq!(row(&before, node)["state"], "not-started", "{node}");
    }
    assert_eq!(before["config"]["source"], "/etc/zeek/cluster.toml");
    assert_eq!(before["config"]["state"], "valid");

    let status = json(&result, "status.json");
    eprintln!("{}", result.read("status.txt"));
    assert_eq!(result.read("status.rc").trim(), "3", "nodes are down");
    assert_eq!(result.read("table.rc").trim(), "3");

    // Running: systemd's PID, CPUs, memory.
    let manager = row(&status, "manager");
    let show = parse_show(&result.read("show/manager.show"));
    assert_eq!(manager["state"], "running");
    assert_eq!(manager["role"], "manager");
    assert_eq!(manager["pid"].to_string(), show["MainPID"]);
    assert_eq!(manager["restarts"], 0);
    assert_eq!(manager["last_exit"], Value::Null);
    assert!(manager["since"].as_u64().is_some());
    // systemd reads CPU time from cpu.stat, which cgroup v2 always has; the
    // test container gets no memory controller (the host's is on cgroup
    // v1), so MemoryCurrent is unset here and the column says "-".
    assert!(manager["cpu_time_ns"].as_u64().is_some(), "{manager}");
    assert_eq!(
        manager["memory_bytes"].as_u64(),
        show.get("MemoryCurrent")
            .and_then(|m| m.parse().ok())
            .filter(|&m| m != u64::MAX),
        "{manager}"
    );

    // Killed, waiting to be restarted.
    let killed = row(&status, "worker-lo-1");
    assert_eq!(killed["state"], "restarting");
    assert_eq!(killed["last_exit"], "signal KILL");
    assert_eq!(killed["pid"], Value::Null);
    assert_eq!(killed["systemd_state"], "activating/auto-restart");
    assert_eq!(killed["cpus"], "0");

    // Stopped by the operator.
    let stopped = row(&status, "worker-lo-2");
    assert_eq!(stopped["state"], "stopped");
    assert_eq!(stopped["last_exit"], "exit 0");
    assert_eq!(stopped["cpus"], "1");

    // Crash-looping: restarted again and again, each time exit 1.
    let looping = row(&status, "worker-loop-1");
    assert!(
        looping["restarts"].as_u64().is_some_and(|r| r >= 3),
        "{looping}"
    );
    let state = looping["state"].as_str().unwrap();
    assert!(
        ["restarting", "running", "starting"].contains(&state),
        "{looping}"
    );
    if state == "restarting" {
        assert_eq!(looping["last_exit"], "exit 1");
    }

    // Failed for good.
    let failed = row(&status, "worker-crash-1");
    assert_eq!(failed["state"], "failed");
    assert_eq!(failed["last_exit"], "exit 1");

    // Helpers.
    assert_eq!(row(&status, "zeek-setup.service")["state"], "done");
    assert_eq!(row(&status, "zeek-archiver.service")["state"], "running");

    // The table says the same.
    let table = result.read("status.txt");
    let line = |node: &str| {
        table
            .lines()
            .find(|l| l.split_whitespace().next() == Some(node))
            .unwrap_or_else(|| panic!("no line for {node}:\n{table}"))
            .to_string()
    };
    assert!(table.starts_with("NODE "), "{table}");
    assert!(line("worker-lo-1").contains(" restarting "), "{table}");
    assert!(line("worker-lo-1").contains(" signal KILL "), "{table}");
    assert!(line("worker-lo-2").contains(" stopped "), "{table}");
    assert!(line("worker-crash-1").contains(" failed "), "{table}");
    assert!(line("manager").contains(" running "), "{table}");
    // worker-loop-1 may be caught in its short runs.
    assert!(
        table.contains("config /etc/zeek/cluster.toml: valid; 3 of 7 node(s) running")
            || table.contains("config /etc/zeek/cluster.toml: valid; 4 of 7 node(s) running"),
        "{table}"
    );
}
