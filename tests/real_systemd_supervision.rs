//! Supervision under a real systemd (PID 1 in a throw-away container):
//! restart after a crash, stop/start/restart of zeek.target, the stop
//! timeout, config changes with daemon-reload, a broken config at boot, and
//! values that must reach the process exactly as the config wrote them.
//!
//! Each test is one boot (see tests/common/mod.rs and tests/systemd/).

mod common;

use std::collections::BTreeMap;

use common::{parse_show, real_systemd_available, run, Boot, BootResult};

/// RestartSec= of the configs below; a killed node must be back within
/// this plus 2 s.
const RESTART_SEC: f64 = 1.0;

const FAULT_CLUSTER: &str = r#"
[zeek]
restart_sec = 1

[[interface]]
name = "lo"
capture = "af_packet::lo"
workers = 2
cpus = "0-1"
"#;

const FAULT_NODES: [&str; 5] = [
    "manager",
    "logger-1",
    "proxy-1",
    "worker-lo-1",
    "worker-lo-2",
];

/// `node pid` lines written by `save_pids`.
fn pids(result: &BootResult, name: &str) -> BTreeMap<String, String> {
    result
        .read(name)
        .lines()
        .filter_map(|l| l.split_once(' '))
        .map(|(n, p)| (n.to_string(), p.to_string()))
        .collect()
}

/// `name value` lines of a result file.
fn table(result: &BootResult, name: &str) -> Vec<(String, String)> {
    result
        .read(name)
        .lines()
        .filter_map(|l| l.split_once(' '))
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

fn lines(result: &BootResult, name: &str) -> Vec<String> {
    result.read(name).lines().map(str::to_string).collect()
}

#[test]
fn kill_9_restarts_only_the_killed_node() {
    if !real_systemd_available() {
        return;
    }
    let victims = ["manager", "logger-1", "proxy-1", "worker-lo-1"];
    let scenario = format!(
        r#"
start_cluster
save_pids /res/pids-start
for victim in {victims}; do
    save_pids /res/pids-before-$victim
    old=$(main_pid "$victim")
    t0=$(now)
    kill -9 "$old"
    wait_for 10 runs_anew "$victim" "$old" || fail "$victim was not restarted after kill -9"
    t1=$(now)
    echo "$victim $(elapsed "$t0" "$t1")" >>/res/restart-times
    # Give a wrongly coupled unit time to follow before looking at the others.
    sleep 1
    save_pids /res/pids-after-$victim
    collect "$victim"
done
"#,
        victims = victims.join(" ")
    );
    let result = run(&Boot::new(FAULT_CLUSTER, &FAULT_NODES, &scenario));
    result.assert_passed();

    let times = table(&result, "restart-times");
    eprintln!("restart after kill -9 (RestartSec={RESTART_SEC}):");
    for (node, secs) in &times {
        eprintln!("  {node:12} back after {secs} s");
    }
    assert_eq!(times.len(), victims.len());
    for (node, secs) in &times {
        let secs: f64 = secs.parse().unwrap();
        assert!(
            (RESTART_SEC - 0.05..=RESTART_SEC + 2.0).contains(&secs),
            "{node} came back after {secs} s; expected RestartSec={RESTART_SEC} s .. +2 s"
        );
    }
    for victim in victims {
        let before = pids(&result, &format!("pids-before-{victim}"));
        let after = pids(&result, &format!("pids-after-{victim}"));
        assert_eq!(before.len(), FAULT_NODES.len());
        for node in FAULT_NODES {
            if node == victim {
                assert_ne!(before[node], after[node], "{victim} has a new pid");
            } else {
                assert_eq!(
                    before[node], after[node],
                    "{node} must keep its pid when {victim} is killed"
                );
            }
        }
        let show = result.show(victim);
        let record = result.record(victim);
        assert_eq!(show["MainPID"], record.field("pid"), "{victim}: new record");
        assert_eq!(show["MainPID"], after[victim]);
        assert_eq!(show["NRestarts"], "1", "{victim}");
        assert_eq!(show["ActiveState"], "active", "{victim}");
        // systemd's own view: from leaving `active` (the death) to
        // `active` again (the new process started).
        let left: u64 = show["ActiveExitTimestampMonotonic"].parse().unwrap();
        let back: u64 = show["ActiveEnterTimestampMonotonic"].parse().unwrap();
        let secs = back.saturating_sub(left) as f64 / 1e6;
        eprintln!("  {victim:12} systemd: death to active again {secs:.3} s");
        assert!(
            (RESTART_SEC..=RESTART_SEC + 2.0).contains(&secs),
            "{victim}: {secs} s"
        );
    }
}

const CRASH_CLUSTER: &str = r#"
[zeek]
restart_sec = 1

[proxy]
env = { ZEEK_STAND_IN_CRASH = "1" }

[[interface]]
name = "lo"
capture = "af_packet::lo"
workers = 2

[[interface]]
name = "crash"
capture = "af_packet::lo"
workers = 1
env = { ZEEK_STAND_IN_CRASH = "1" }
"#;

#[test]
fn crash_loop_keeps_restarting_without_lockout() {
    if !real_systemd_available() {
        return;
    }
    // The healthy nodes; proxy-1 and worker-crash-1 exit 1 at every start.
    let healthy = ["manager", "logger-1", "worker-lo-1", "worker-lo-2"];
    let scenario = r#"
start_cluster
save_pids /res/pids-start
t0=$(now)
# Sample the crashing units until both went past systemd's default start
# limit (5 starts in 10 s) by a margin; at RestartSec=1 that takes ~9 s.
for ((i = 0; i < 200; i++)); do
    for u in proxy-1 worker-crash-1; do
        echo "$(elapsed "$t0" "$(now)") $u $(systemctl show -p NRestarts --value "zeek@$u.service") $(systemctl is-active "zeek@$u.service")"
    done >>/res/samples
    p=$(systemctl show -p NRestarts --value zeek@proxy-1.service)
    w=$(systemctl show -p NRestarts --value zeek@worker-crash-1.service)
    ((p >= 9 && w >= 9)) && break
    sleep 0.1
done
save_pids /res/pids-end
for u in proxy-1 worker-crash-1; do
    systemctl show "zeek@$u.service" >"/res/show/$u.show"
done
systemctl is-active zeek.target >/res/target-state
true
"#;
    let result = run(&Boot::new(CRASH_CLUSTER, &healthy, scenario));
    result.assert_passed();

    let samples: Vec<(f64, String, u32, String)> = lines(&result, "samples")
        .iter()
        .map(|l| {
            let w: Vec<&str> = l.split(' ').collect();
            (
                w[0].parse().unwrap(),
                w[1].to_string(),
                w[2].parse().unwrap(),
                w[3].to_string(),
            )
        })
        .collect();
    for unit in ["proxy-1", "worker-crash-1"] {
        let mine: Vec<_> = samples.iter().filter(|s| s.1 == unit).collect();
        let show = parse_show(&result.read(&format!("show/{unit}.show")));
        let restarts: u32 = show["NRestarts"].parse().unwrap();
        assert!(restarts >= 9, "{unit}: only {restarts} restarts: {mine:?}");
        assert!(
            mine.iter().all(|s| s.3 != "failed"),
            "{unit} entered `failed` (start-limit lock-out?): {mine:?}"
        );
        // The first start came before the first sample: 5 restarts seen
        // within 10 s of it are 6 starts within 10 s, which systemd's
        // default limit (StartLimitBurst=5 per 10 s) would have refused.
        let fifth = mine.iter().find(|s| s.2 >= 5).unwrap();
        assert!(
            fifth.0 < 10.0,
            "{unit}: 5 restarts took {} s: {mine:?}",
            fifth.0
        );
        assert_ne!(show["ActiveState"], "failed", "{unit}");
        assert_eq!(
            show["StartLimitBurst"], "5",
            "{unit}: systemd's default burst"
        );
        assert_eq!(show["StartLimitIntervalUSec"], "0", "{unit}: no rate limit");
        eprintln!(
            "{unit}: {restarts} restarts in {:.1} s, never failed",
            mine.last().unwrap().0
        );
    }
    assert_eq!(
        pids(&result, "pids-start"),
        pids(&result, "pids-end"),
        "the crash-looping nodes must not take others down"
    );
    assert_eq!(result.read("target-state"), "active\n");
}

const LIFECYCLE_NODES: [&str; 5] = FAULT_NODES;

#[test]
fn target_stop_start_restart_reach_every_node() {
    if !real_systemd_available() {
        return;
    }
    let scenario = r#"
start_cluster
wait_for 10 is_active zeek-archiver.service || fail "archiver not active"
save_pids /res/pids-start
stop_cluster
wait_for 10 is_inactive zeek-archiver.service || fail "archiver still running after stop"
for n in $(nodes); do echo "$n $(systemctl is-active "zeek@$n.service")"; done >/res/after-stop
echo "zeek-archiver $(systemctl is-active zeek-archiver.service)" >>/res/after-stop
echo "zeek.target $(systemctl is-active zeek.target)" >>/res/after-stop
pgrep -u zeek -a >/res/zeek-processes-after-stop
systemctl start zeek.target || fail "start after stop failed"
wait_all_anew /res/pids-start 20
wait_for 10 is_active zeek-archiver.service || fail "archiver not back after start"
save_pids /res/pids-started
systemctl restart zeek.target || fail "restart failed"
wait_all_anew /res/pids-started 20
wait_for 10 is_active zeek-archiver.service || fail "archiver not back after restart"
save_pids /res/pids-restarted
for n in $(nodes); do collect "$n"; done
true
"#;
    let result = run(&Boot::new(FAULT_CLUSTER, &LIFECYCLE_NODES, scenario));
    result.assert_passed();

    let after_stop = table(&result, "after-stop");
    assert_eq!(after_stop.len(), LIFECYCLE_NODES.len() + 2);
    for (unit, state) in &after_stop {
        assert_eq!(state, "inactive", "{unit} after stop zeek.target");
    }
    assert_eq!(
        result.read("zeek-processes-after-stop"),
        "",
        "no process of the zeek user survives the stop"
    );
    let start = pids(&result, "pids-start");
    let started = pids(&result, "pids-started");
    let restarted = pids(&result, "pids-restarted");
    for node in LIFECYCLE_NODES {
        assert_ne!(start[node], started[node], "{node}: stop + start");
        assert_ne!(started[node], restarted[node], "{node}: restart");
        assert_eq!(result.record(node).field("pid"), restarted[node], "{node}");
        assert_eq!(result.show(node)["ActiveState"], "active");
    }
}

const STOP_TIMEOUT_CLUSTER: &str = r#"
[zeek]
stop_timeout_sec = 3

[proxy]
env = { ZEEK_STAND_IN_IGNORE_TERM = "1" }

[[interface]]
name = "lo"
capture = "af_packet::lo"
workers = 1
"#;

#[test]
fn stop_sends_sigterm_then_sigkill_after_stop_timeout() {
    if !real_systemd_available() {
        return;
    }
    let nodes = ["manager", "logger-1", "proxy-1", "worker-lo-1"];
    let scenario = r#"
start_cluster
systemctl stop zeek.target || fail "stop failed"
down() { ! systemctl is-active -q "zeek@$1.service" && [[ $(systemctl is-active "zeek@$1.service") != deactivating ]]; }
for n in $(nodes); do
    wait_for 15 down "$n" || fail "$n did not stop"
    systemctl show -p ActiveState,Result,ExecMainCode,ExecMainStatus,ActiveExitTimestampMonotonic,InactiveEnterTimestampMonotonic \
        "zeek@$n.service" >"/res/show/$n.show"
done
cp "$SPOOL/proxy-1/zeek-stand-in.got-term" /res/proxy-got-term
for n in manager logger-1 worker-lo-1; do
    [[ -e $SPOOL/$n/zeek-stand-in.got-term ]] && fail "$n ignored SIGTERM?"
done
journalctl -b --no-pager -u zeek@proxy-1.service >/res/proxy-journal
true
"#;
    let result = run(&Boot::new(STOP_TIMEOUT_CLUSTER, &nodes, scenario));
    result.assert_passed();

    let stop_secs = |node: &str| {
        let show = result.show(node);
        let from: u64 = show["ActiveExitTimestampMonotonic"].parse().unwrap();
        let to: u64 = show["InactiveEnterTimestampMonotonic"].parse().unwrap();
        assert!(from > 0 && to >= from, "{node}: {show:?}");
        (to - from) as f64 / 1e6
    };
    let proxy = result.show("proxy-1");
    let proxy_secs = stop_secs("proxy-1");
    eprintln!("proxy-1 (ignores SIGTERM, stop_timeout_sec=3) stopped after {proxy_secs:.3} s");
    assert!(
        (2.95..4.5).contains(&proxy_secs),
        "the proxy must get the full 3 s, then be killed: {proxy_secs} s"
    );
    assert_eq!(proxy["ExecMainCode"], "2", "killed by a signal: {proxy:?}");
    assert_eq!(proxy["ExecMainStatus"], "9", "SIGKILL: {proxy:?}");
    assert_eq!(proxy["Result"], "timeout", "{proxy:?}");
    // SIGTERM came first, once.
    assert_eq!(result.read("proxy-got-term"), "TERM\n");
    let journal = result.read("proxy-journal");
    assert!(
        journal.contains("State 'stop-sigterm' timed out. Killing."),
        "{journal}"
    );
    for node in ["manager", "logger-1", "worker-lo-1"] {
        let show = result.show(node);
        let secs = stop_secs(node);
        eprintln!("{node} exited on SIGTERM after {secs:.3} s");
        assert!(secs < 1.0, "{node} took {secs} s to stop");
        assert_eq!(show["ExecMainCode"], "1", "exited: {node}: {show:?}");
        assert_eq!(show["ExecMainStatus"], "0", "{node}: {show:?}");
        assert_eq!(show["Result"], "success", "{node}");
        assert_eq!(show["ActiveState"], "inactive", "{node}");
    }
}
