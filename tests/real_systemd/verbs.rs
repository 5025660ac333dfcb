//! The operator verbs against a real systemd (PID 1 in a throw-away
//! container) with the stand-in zeek (tests/stand-in-zeek/zeek, a shell
//! script that records how it was started and sleeps; it fakes Zeek's
//! process, not its scripts or packet counters): `status` of running,
//! killed-and-restarting, stopped, crash-looping and failed nodes, and
//! `diag` after `kill -SEGV`.

use crate::common;

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

    // The generator's warnings reach the kernel log at boot (the three
    // interfaces capture the same source).
    let kmsg = result.read("kmsg.log");
    assert!(
        kmsg.lines()
            .any(|l| l.starts_with("<4>zeek-systemd-generator[")
                && l.contains(
                    "interfaces \"lo\", \"loop\", \"crash\" all capture \"af_packet::lo\""
                )),
        "{kmsg}"
    );

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

/// A proxy whose scripts "fail to parse": the stand-in prints the error
/// Zeek would (`error in FILE, line N: ...`) and exits 1 when started with
/// `-a` and ZEEK_STAND_IN_PARSE_ERROR. Every `-a` run copies its record and
/// the layout it would load to /res/parse, so the test can hold them
/// against what the units really start.
const DEEP_CLUSTER: &str = r#"
[zeek]
autostart = false
env = { ZEEK_STAND_IN_PARSE_COPY = "/res/parse" }

[proxy]
env = { ZEEK_STAND_IN_PARSE_ERROR = "error in /opt/zeek/share/zeek/site/local.zeek, line 7: unknown identifier Site::nope, at or near \"Site::nope\"" }

[[interface]]
name = "lo"
capture = "af_packet::lo"
workers = 2
cpus = "0-1"
"#;

#[test]
fn check_deep_parses_each_command_line_as_the_node_user() {
    if !real_systemd_available() {
        return;
    }
    let good = DEEP_CLUSTER.replace("ZEEK_STAND_IN_PARSE_ERROR", "NOT_AN_ERROR");
    let scenario = format!(
        r#"
G={GENERATOR}
mkdir -m 1777 /res/parse
$G check --deep >/res/deep.txt 2>&1; echo $? >/res/deep.rc
use_config good.toml
$G check --deep >/res/good.txt 2>&1; echo $? >/res/good.rc
rm -f /res/parse/*
$G check --deep >/dev/null 2>&1
systemctl daemon-reload
start_cluster
for n in $(nodes); do collect "$n"; done
cp /var/lib/zeek-systemd/current/generated-scripts/cluster-layout.zeek /res/layout.zeek
"#
    );
    let result = run(&Boot::new(DEEP_CLUSTER, &HEALTHY, &scenario).file("good.toml", &good));
    result.assert_passed();

    let deep = result.read("deep.txt");
    eprintln!("{deep}");
    assert_eq!(result.read("deep.rc").trim(), "1", "{deep}");
    let line_of = |text: &str, what: &str| {
        text.lines()
            .find(|l| l.contains(what))
            .unwrap_or_else(|| panic!("no {what:?} in:\n{text}"))
            .to_string()
    };
    assert!(line_of(&deep, "user zeek").starts_with("  ok"));
    assert!(line_of(&deep, "zeek binary /opt/zeek/bin/zeek").starts_with("  ok"));
    assert!(
        line_of(&deep, "scripts of proxy-1").starts_with("  FAILED"),
        "{deep}"
    );
    assert!(
        deep.contains(
            "          error in /opt/zeek/share/zeek/site/local.zeek, line 7: unknown identifier Site::nope"
        ),
        "{deep}"
    );
    for ok in [
        "scripts of manager (manager, zeek -a as zeek)",
        "scripts of logger-1 (logger, zeek -a as zeek)",
        "scripts of worker-lo-1 (worker, same command line as 1 more, zeek -a as zeek)",
    ] {
        assert!(line_of(&deep, ok).starts_with("  ok"), "{deep}");
    }
    assert!(
        line_of(&deep, "units (systemd-analyze verify)").starts_with("  ok"),
        "{deep}"
    );
    assert!(deep.contains("deep check: 1 of 8 checks FAILED"), "{deep}");

    let good_report = result.read("good.txt");
    assert_eq!(result.read("good.rc").trim(), "0", "{good_report}");
    assert!(
        good_report.contains("deep check: all 8 checks passed"),
        "{good_report}"
    );

    // One run per distinct command line: worker-lo-2 shares worker-lo-1's.
    let mut copied: Vec<String> = std::fs::read_dir(result.res().join("parse"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    copied.sort();
    assert_eq!(
        copied,
        [
            "logger-1.layout",
            "logger-1.record",
            "manager.layout",
            "manager.record",
            "proxy-1.layout",
            "proxy-1.record",
            "worker-lo-1.layout",
            "worker-lo-1.record"
        ]
    );
    let layout = result.read("layout.zeek");
    for node in ["manager", "logger-1", "proxy-1", "worker-lo-1"] {
        let parse = result.record_file(&format!("parse/{node}.record"));
        let unit = result.record(node);
        assert_eq!(parse.args()[0], "-a", "{node}");
        assert_eq!(&parse.args()[1..], unit.args(), "{node}: argv");
        for key in ["uid", "gid", "user", "group", "groups", "euid", "egid"] {
            assert_eq!(parse.field(key), unit.field(key), "{node}: {key}");
        }
        assert_eq!(parse.field("user"), "zeek");
        // The same working-dir layout, in a scratch spool.
        let cwd = parse.field("cwd");
        assert!(cwd.ends_with(&format!("/{node}")), "{node}: {cwd}");
        assert_eq!(unit.field("cwd"), format!("/opt/zeek/spool/{node}"));
        // The scripts: the unit's deployed snapshot, there a candidate
        // snapshot in a scratch dir (the first ZEEKPATH entry names it).
        let candidate = parse
            .env_var("ZEEKPATH")
            .and_then(|p| p.split(':').next())
            .and_then(|first| first.strip_suffix("/generated-scripts"))
            .unwrap_or_else(|| panic!("{node}: ZEEKPATH does not start with a snapshot"))
            .to_string();
        assert_ne!(candidate, "/var/lib/zeek-systemd/current", "{node}");
        for (key, value) in &parse.env {
            let expected = match key.as_str() {
                "ZEEKPATH" => unit
                    .env_var(key)
                    .unwrap()
                    .replace("/var/lib/zeek-systemd/current", &candidate),
                "PWD" | "SHLVL" | "_" => continue, // set by the stand-in's shell
                _ => unit
                    .env_var(key)
                    .unwrap_or_else(|| panic!("{node}: {key} is not in the unit's environment"))
                    .to_string(),
            };
            assert_eq!(value, &expected, "{node}: {key}");
        }
        // Everything the unit gets except what only a running service has.
        for (key, _) in &unit.env {
            if !["INVOCATION_ID", "JOURNAL_STREAM", "SYSTEMD_EXEC_PID"].contains(&key.as_str()) {
                assert!(
                    parse.env_var(key).is_some(),
                    "{node}: no {key} in the -a run"
                );
            }
        }
        for key in [
            "CLUSTER_NODE",
            "PATH",
            "ZEEKPATH",
            "HOME",
            "USER",
            "LOGNAME",
            "LANG",
        ] {
            assert!(
                parse.env_var(key).is_some(),
                "{node}: no {key} in the -a run"
            );
        }
        // The same but for the first comment, which names the config file
        // (zeek-setup lays out from the generator's copy of it).
        let body = |text: &str| text.lines().skip(1).collect::<Vec<_>>().join("\n");
        assert_eq!(
            body(&result.read(&format!("parse/{node}.layout"))),
            body(&layout),
            "{node}: the layout -a loads is the one zeek-setup writes"
        );
    }
}

const DIAG_CLUSTER: &str = r#"
[zeek]
restart_sec = 1

[[interface]]
name = "lo"
capture = "af_packet::lo"
workers = 2
"#;

/// `diag` after `kill -SEGV`. The stand-in is a shell script, so the
/// signal kills `sh` (nodes have LimitCORE=infinity, so it dumps core
/// wherever the host kernel's core_pattern says), and the test writes the
/// node's reporter.log itself. systemd-coredump is not
/// installed here: a fake `coredumpctl` first on PATH records how diag
/// calls it and prints a canned record; a second run without it shows
/// what diag says when coredumpctl is missing.
#[test]
fn diag_after_segv_shows_exit_restarts_journal_core_and_logs() {
    if !real_systemd_available() {
        return;
    }
    let scenario = format!(
        r#"
G={GENERATOR}
start_cluster
for i in $(seq 1 40); do printf '1700000000.%06d\tReporter::ERROR\tline %d\n' "$i" "$i"; done \
    >"$SPOOL/worker-lo-1/reporter.log"
mkdir /tmp/fakebin
cat >/tmp/fakebin/coredumpctl <<'EOS'
#!/bin/sh
printf '%s\n' "$@" >/res/coredumpctl.args
echo "           PID: 4242 (zeek)"
echo "        Signal: 11 (SEGV)"
EOS
chmod +x /tmp/fakebin/coredumpctl
old=$(main_pid worker-lo-1)
kill -SEGV "$old"
wait_for 10 runs_anew worker-lo-1 "$old" || fail "worker-lo-1 was not restarted after SIGSEGV"
PATH=/tmp/fakebin:$PATH $G diag worker-lo-1 >/res/diag.txt 2>&1; echo $? >/res/diag.rc
$G diag -n 5 worker-lo-1 >/res/diag5.txt 2>&1; echo $? >/res/diag5.rc
$G diag worker-lo-9 >/res/diag-bad.txt 2>&1; echo $? >/res/diag-bad.rc
cat /proc/sys/kernel/core_pattern >/res/core_pattern
"#
    );
    let result = run(&Boot::new(DIAG_CLUSTER, &HEALTHY, &scenario));
    result.assert_passed();
    let diag = result.read("diag.txt");
    eprintln!("{diag}");
    assert_eq!(result.read("diag.rc").trim(), "0", "{diag}");
    assert!(
        diag.starts_with("zeek@worker-lo-1.service (worker-lo-1, worker)\n  state:     running (active/running), PID "),
        "{diag}"
    );
    assert!(diag.contains("\n  restarts:  1 "), "{diag}");
    // Running again: the exit comes from systemd's journal record.
    let exit = diag
        .lines()
        .find(|l| l.starts_with("  last exit: "))
        .unwrap_or_else(|| panic!("{diag}"));
    assert!(exit.starts_with("  last exit: signal SEGV"), "{exit}");
    assert!(exit.contains(" UTC (") && exit.ends_with(" ago)"), "{exit}");
    assert!(diag.contains("== journal (journalctl -u zeek@worker-lo-1.service -n 30) =="));
    assert!(diag.contains("Main process exited, code="), "{diag}");
    assert!(diag.contains("status=11/SEGV"), "{diag}");
    assert!(diag.contains("zeek stand-in: pid "), "{diag}");
    assert!(diag.contains(
        "== last core dump (coredumpctl -1 info COREDUMP_UNIT=zeek@worker-lo-1.service) ==\n           PID: 4242 (zeek)\n"
    ));
    assert_eq!(
        result.read("coredumpctl.args"),
        "--no-pager\n-1\ninfo\nCOREDUMP_UNIT=zeek@worker-lo-1.service\n"
    );
    assert!(diag.contains("== /opt/zeek/spool/worker-lo-1/reporter.log (last 30 lines) ==\n1700000000.000011\tReporter::ERROR\tline 11\n"), "{diag}");
    assert!(diag.contains("line 40\n"), "{diag}");
    assert!(!diag.contains("\tline 10\n"), "{diag}");
    assert!(diag.contains(
        "== /opt/zeek/spool/worker-lo-1/stderr.log (last 30 lines) ==\n(not present; Zeek's stderr goes to the unit's journal)"
    ));

    // A plain core_pattern (like "core") puts the dump in the node's dir.
    let pattern = result.read("core_pattern");
    let cores = diag
        .split("== core files in /opt/zeek/spool/worker-lo-1 ==\n")
        .nth(1)
        .unwrap_or_else(|| panic!("no core files section:\n{diag}"));
    if !pattern.starts_with('|') && !pattern.contains('/') {
        assert!(exit.contains("(core dumped)"), "{exit}");
        assert!(cores.starts_with("core"), "{pattern}: {diag}");
        assert!(
            cores.lines().next().unwrap().contains(" bytes  20"),
            "{cores}"
        );
    }

    let short = result.read("diag5.txt");
    assert_eq!(result.read("diag5.rc").trim(), "0", "{short}");
    assert!(short.contains("(coredumpctl is not installed)"), "{short}");
    assert!(
        short.contains("(last 5 lines) ==\n1700000000.000036"),
        "{short}"
    );
    let journal = short
        .split("== journal")
        .nth(1)
        .and_then(|s| s.split("\n== ").next())
        .unwrap();
    assert_eq!(journal.lines().count(), 1 + 5, "{journal}");

    assert_eq!(result.read("diag-bad.rc").trim(), "1");
    assert!(result
        .read("diag-bad.txt")
        .contains("no node \"worker-lo-9\" on this host; its nodes are: manager, logger-1, proxy-1, worker-lo-1, worker-lo-2"));
}

/// An invalid config at daemon-reload while the cluster runs: the units
/// stay those of the last good config, and `status` says so (and exits 3)
/// while it reports the nodes that keep running.
#[test]
fn status_shows_an_invalid_config_and_the_last_good_one() {
    if !real_systemd_available() {
        return;
    }
    let broken = DIAG_CLUSTER.replace("workers = 2", "wrokers = 2");
    let scenario = format!(
        r#"
G={GENERATOR}
start_cluster
use_config broken.toml
systemctl daemon-reload || fail "daemon-reload failed"
$G status --json >/res/status.json 2>/res/status.err; echo $? >/res/status.rc
$G status >/res/status.txt 2>&1
$G --config /etc/zeek/cluster.toml status >/res/explicit.txt 2>&1; echo $? >/res/explicit.rc
"#
    );
    let result = run(&Boot::new(DIAG_CLUSTER, &HEALTHY, &scenario).file("broken.toml", &broken));
    result.assert_passed();
    let status = json(&result, "status.json");
    assert_eq!(result.read("status.rc").trim(), "3", "{status:#}");
    let state = status["config"]["state"].as_str().unwrap();
    assert!(
        state.starts_with("INVALID: /etc/zeek/cluster.toml:")
            && state.contains("wrokers")
            && state.ends_with(
                "; the cluster keeps running on the last good config (/run/zeek-systemd/last-good)"
            ),
        "{state}"
    );
    assert!(
        status["config"]["source"]
            .as_str()
            .unwrap()
            .starts_with("/run/zeek-systemd/last-good/"),
        "{status:#}"
    );
    for node in HEALTHY {
        assert_eq!(row(&status, node)["state"], "running", "{node}");
    }
    let table = result.read("status.txt");
    eprintln!("{table}");
    assert!(
        table.contains("config /run/zeek-systemd/last-good/"),
        "{table}"
    );
    assert!(
        table.contains(": INVALID: /etc/zeek/cluster.toml:"),
        "{table}"
    );
    assert!(table.contains("; 5 of 5 node(s) running"), "{table}");
    // An explicit --config is taken as it is: invalid is an error.
    assert_eq!(result.read("explicit.rc").trim(), "1");
    assert!(result
        .read("explicit.txt")
        .contains("invalid config: /etc/zeek/cluster.toml:"));
}

/// The cluster stopped (`systemctl stop zeek.target`): `status` says every
/// node is stopped (exit 3); `netstats` names each worker not running, as
/// systemd has it, with one line on what to do (exit 3, where it used to
/// print "Connection refused" per worker and exit 0); `diag` still shows
/// the node (exit 0); and run by a user who is not root, `diag` says its
/// journal shows only what that user may read.
#[test]
fn verbs_with_the_cluster_down_say_so() {
    if !real_systemd_available() {
        return;
    }
    let scenario = format!(
        r#"
G={GENERATOR}
start_cluster
systemctl stop zeek.target
$G status >/res/status.txt 2>&1; echo $? >/res/status.rc
$G netstats >/res/netstats.out 2>/res/netstats.err; echo $? >/res/netstats.rc
$G diag worker-lo-1 >/res/diag.txt 2>&1; echo $? >/res/diag.rc
setpriv --reuid=65534 --regid=65534 --clear-groups $G diag worker-lo-1 >/res/diag-user.txt 2>&1
echo $? >/res/diag-user.rc
"#
    );
    let result = run(&Boot::new(DIAG_CLUSTER, &HEALTHY, &scenario));
    result.assert_passed();
    for name in [
        "status.txt",
        "netstats.out",
        "netstats.err",
        "diag.txt",
        "diag-user.txt",
    ] {
        eprintln!("== {name}:\n{}", result.read(name));
    }
    let status = result.read("status.txt");
    assert_eq!(result.read("status.rc").trim(), "3", "{status}");
    assert!(
        status.contains(
            "0 of 5 node(s) running (the cluster is down: `systemctl start zeek.target` starts it)\n"
        ),
        "{status}"
    );

    let (out, err) = (result.read("netstats.out"), result.read("netstats.err"));
    assert_eq!(result.read("netstats.rc").trim(), "3", "{out}{err}");
    for worker in ["worker-lo-1", "worker-lo-2"] {
        let said =
            format!("{worker}: not running: zeek@{worker}.service is stopped (inactive/dead)");
        assert!(out.contains(&said), "{out}");
    }
    assert!(!out.contains("Connection refused"), "{out}");
    assert_eq!(
        err,
        "zeek-systemd: error: 2 of 2 worker(s) not running on this host: `zeek-systemd status` \
         shows the nodes, `systemctl start zeek.target` starts the cluster\n"
    );

    let diag = result.read("diag.txt");
    assert_eq!(result.read("diag.rc").trim(), "0", "{diag}");
    assert!(
        diag.contains("\n  state:     stopped (inactive/dead)"),
        "{diag}"
    );
    assert!(!diag.contains("not root"), "{diag}");
    let as_user = result.read("diag-user.txt");
    assert_eq!(result.read("diag-user.rc").trim(), "0", "{as_user}");
    assert!(
        as_user.contains(
            "== journal (journalctl -u zeek@worker-lo-1.service -n 30) (not root: only what \
             the groups adm or systemd-journal may read; run as root to see all) =="
        ),
        "{as_user}"
    );
}
