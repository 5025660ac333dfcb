//! Supervision under a real systemd (PID 1 in a throw-away container):
//! restart after a crash, stop/start/restart of zeek.target, the stop
//! timeout, config changes with daemon-reload, a broken config at boot, and
//! values that must reach the process exactly as the config wrote them.
//!
//! Each test is one boot (see tests/common/mod.rs and tests/systemd/).

use crate::common;

use std::collections::BTreeMap;

use common::{parse_show, real_systemd_available, run, Boot, BootResult};

/// RestartSec= of the configs below; a killed node must be back within
/// this plus 2 s.
const RESTART_SEC: f64 = 1.0;

const FAULT_CLUSTER: &str = common::TWO_WORKERS_ON_LO;
const FAULT_NODES: [&str; 5] = common::TWO_WORKERS_ON_LO_NODES;

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

const RELOAD_1: &str = r#"
[[interface]]
name = "lo"
capture = "af_packet::lo"
workers = 4
cpus = "0,1"
"#;

/// 4 workers to 2, worker-lo-1 moves from CPU 0 to 1, a new interface.
const RELOAD_2: &str = r#"
[[interface]]
name = "lo"
capture = "af_packet::lo"
workers = 2
cpus = "1,0"

[[interface]]
name = "lo2"
capture = "af_packet::lo"
workers = 1
cpus = "1"
"#;

/// 6 workers, the second interface gone again.
const RELOAD_3: &str = r#"
[[interface]]
name = "lo"
capture = "af_packet::lo"
workers = 6
cpus = "0,1"
"#;

const BASE_NODES: [&str; 3] = ["manager", "logger-1", "proxy-1"];

fn with_workers(workers: &[&str]) -> Vec<String> {
    BASE_NODES
        .iter()
        .chain(workers)
        .map(|s| s.to_string())
        .collect()
}

/// Changes the config twice with daemon-reload, applying each change with
/// `apply` (bash), and checks that exactly the configured nodes run with
/// their new settings and that removed nodes stay stopped.
fn reload_scenario(apply: &str) {
    let nodes_1 = with_workers(&["worker-lo-1", "worker-lo-2", "worker-lo-3", "worker-lo-4"]);
    let nodes_2 = with_workers(&["worker-lo-1", "worker-lo-2", "worker-lo2-1"]);
    let nodes_3 = with_workers(&[
        "worker-lo-1",
        "worker-lo-2",
        "worker-lo-3",
        "worker-lo-4",
        "worker-lo-5",
        "worker-lo-6",
    ]);
    let scenario = format!(
        r#"
apply() {{
{apply}
}}
# step N REMOVED...: install config N, reload, apply, check.
step() {{
    local n=$1 prev=$(($1 - 1)) r
    shift
    save_pids /res/pids-$prev
    use_config cluster-$n.toml
    systemctl daemon-reload || fail "daemon-reload failed"
    apply
    use_nodes nodes-$n
    local k
    for k in $(nodes); do
        wait_for 20 runs_anew "$k" "$(pid_in /res/pids-$prev "$k")" || fail "$k does not run anew after step $n"
        collect "$k" ".$n"
    done
    for r in "$@"; do
        wait_for 10 is_inactive "zeek@$r.service" || fail "removed node $r still $(systemctl is-active zeek@$r.service)"
    done
    # Let anything that would wrongly start a removed node do so.
    sleep 1
    active_nodes >/res/active-$n
    for r in "$@"; do
        systemctl show "zeek@$r.service" >"/res/show/$r.show.$n"
        # Even an explicit start leaves a removed node stopped.
        systemctl start "zeek@$r.service"
        systemctl show "zeek@$r.service" >"/res/show/$r.show.$n.started"
    done
}}
start_cluster
active_nodes >/res/active-1
step 2 worker-lo-3 worker-lo-4
step 3 worker-lo2-1
true
"#
    );
    let boot = Boot::new(
        RELOAD_1,
        &nodes_1.iter().map(String::as_str).collect::<Vec<_>>(),
        &scenario,
    )
    .file("cluster-2.toml", RELOAD_2)
    .file("cluster-3.toml", RELOAD_3)
    .file("nodes-2", &(nodes_2.join("\n") + "\n"))
    .file("nodes-3", &(nodes_3.join("\n") + "\n"));
    let result = run(&boot);
    result.assert_passed();

    let sorted = |v: &[String]| {
        let mut v = v.to_vec();
        v.sort();
        v
    };
    assert_eq!(lines(&result, "active-1"), sorted(&nodes_1));
    assert_eq!(lines(&result, "active-2"), sorted(&nodes_2), "after step 2");
    assert_eq!(lines(&result, "active-3"), sorted(&nodes_3), "after step 3");

    let cpus = |node: &str, step: u32| {
        result
            .record_file(&format!("records/{node}.record.{step}"))
            .field("Cpus_allowed_list")
            .to_string()
    };
    // Step 2: cpus "1,0" and the new interface on CPU 1.
    assert_eq!(cpus("worker-lo-1", 2), "1", "worker-lo-1 moved to CPU 1");
    assert_eq!(cpus("worker-lo-2", 2), "0");
    assert_eq!(cpus("worker-lo2-1", 2), "1");
    assert_eq!(cpus("manager", 2), "0-1");
    // Step 3: cpus "0,1" wrapping over 6 workers.
    for (k, cpu) in ["0", "1", "0", "1", "0", "1"].iter().enumerate() {
        assert_eq!(cpus(&format!("worker-lo-{}", k + 1), 3), *cpu, "step 3");
    }
    for (step, nodes) in [(2, &nodes_2), (3, &nodes_3)] {
        for node in nodes {
            let record = result.record_file(&format!("records/{node}.record.{step}"));
            let show = parse_show(&result.read(&format!("show/{node}.show.{step}")));
            assert_eq!(show["MainPID"], record.field("pid"), "{node} step {step}");
            assert_eq!(record.env_var("CLUSTER_NODE"), Some(node.as_str()));
            assert_eq!(show["ConditionResult"], "yes", "{node} step {step}");
        }
    }
    // The new interface's worker captures where the config says.
    let lo2 = result.record_file("records/worker-lo2-1.record.2");
    assert_eq!(lo2.args()[..2], ["-i", "af_packet::lo"]);
    for (step, removed) in [(2, "worker-lo-3"), (2, "worker-lo-4"), (3, "worker-lo2-1")] {
        let started = parse_show(&result.read(&format!("show/{removed}.show.{step}.started")));
        assert_eq!(
            started["ActiveState"], "inactive",
            "{removed} after step {step} and an explicit start"
        );
        assert_eq!(started["ConditionResult"], "no", "{removed} step {step}");
        assert_eq!(started["MainPID"], "0");
        let show = parse_show(&result.read(&format!("show/{removed}.show.{step}")));
        assert_eq!(show["ActiveState"], "inactive", "{removed} step {step}");
    }
}

#[test]
fn reload_then_restart_runs_exactly_the_new_nodes() {
    if !real_systemd_available() {
        return;
    }
    reload_scenario(r#"    systemctl restart zeek.target || fail "restart zeek.target failed""#);
}

#[test]
fn reload_then_stop_and_start_runs_exactly_the_new_nodes() {
    if !real_systemd_available() {
        return;
    }
    // stop_cluster still waits for the previous node list.
    reload_scenario(
        r#"    stop_cluster
    systemctl start zeek.target || fail "start zeek.target failed""#,
    );
}

/// Line 8 has a misspelt key.
const BROKEN_CLUSTER: &str = r#"
[zeek]
restart_sec = 1

[[interface]]
name = "lo"
capture = "af_packet::lo"
wrokers = 2
"#;

const BROKEN_ERROR: &str = r#"/etc/zeek/cluster.toml:8: [[interface]] wrokers: unknown key "wrokers"; did you mean "workers"?"#;

#[test]
fn broken_config_at_boot_is_reported_and_starts_nothing() {
    if !real_systemd_available() {
        return;
    }
    let scenario = r#"
systemctl start zeek.target >/res/start.out 2>&1
echo $? >/res/start.status
# (In this container `systemctl status` prints only its first line, the
# unit's description: the lines after it are missing for every unit.)
systemctl --no-pager -l status zeek.target >/res/status.out 2>&1
systemctl show -p LoadState,ActiveState,AssertResult,FragmentPath zeek.target >/res/target.show
cp /run/systemd/generator/zeek.target /res/zeek.target
ls -A /run/systemd/generator | grep -i zeek >/res/generated
systemctl list-units --all --no-legend --plain 'zeek*' | grep -v '^zeek-test.service ' >/res/units
ls -A /opt/zeek >/res/opt-zeek 2>&1
true
"#;
    let result = run(&Boot::new(BROKEN_CLUSTER, &[], scenario));
    result.assert_passed();

    // The boot completed (the scenario ran after multi-user.target), and
    // PID 1 reported the generator's failure.
    let console = result.read("console.log");
    assert!(
        console.contains("zeek-systemd-generator failed with exit status 1"),
        "{console}"
    );
    assert!(console.contains("Reached target multi-user.target"));
    // The generator's own messages, with file:line: key.
    let kmsg = result.read("kmsg.log");
    assert!(
        kmsg.lines()
            .any(|l| l.starts_with("<3>zeek-systemd-generator[")
                && l.contains(&format!("invalid config: {BROKEN_ERROR}"))),
        "{kmsg}"
    );
    assert!(kmsg.contains("fix the config and run `systemctl daemon-reload`"));
    // Starting fails; status says why and where.
    assert_eq!(result.read("start.status"), "1\n");
    assert_eq!(
        result.read("start.out"),
        "Assertion failed on job for zeek.target.\n"
    );
    let status = result.read("status.out");
    let first = status.lines().next().unwrap_or("");
    assert!(
        first.starts_with(&format!(
            "○ zeek.target - Zeek cluster: INVALID CONFIG: {BROKEN_ERROR}"
        )),
        "{status}"
    );
    let show = parse_show(&result.read("target.show"));
    assert_eq!(show["LoadState"], "loaded");
    assert_eq!(show["ActiveState"], "inactive");
    assert_eq!(show["AssertResult"], "no");
    assert_eq!(show["FragmentPath"], "/run/systemd/generator/zeek.target");
    let unit = result.read("zeek.target");
    assert!(
        unit.contains(
            "AssertPathExists=/run/zeek-systemd/invalid-config-see-systemctl-status-zeek.target"
        ),
        "{unit}"
    );
    // Nothing of the cluster: only zeek.target was written, no unit of it
    // is loaded, no spool dir was made.
    assert_eq!(result.read("generated"), "zeek.target\n");
    assert_eq!(result.read("units"), "", "no zeek unit loaded");
    assert_eq!(result.read("opt-zeek"), "bin\n", "no spool or log dir");
}

#[test]
fn zeek_cluster_0_on_the_kernel_command_line_generates_nothing() {
    if !real_systemd_available() {
        return;
    }
    let scenario = r#"
systemctl start zeek.target >/res/start.out 2>&1
echo $? >/res/start.status
ls -A /run/systemd/generator | grep -i zeek >/res/generated
systemctl list-units --all --no-legend --plain 'zeek*' | grep -v '^zeek-test.service ' >/res/units
ls -A /opt/zeek >/res/opt-zeek 2>&1
tr '\0' ' ' </proc/1/cmdline >/res/cmdline
true
"#;
    let boot = Boot::new(FAULT_CLUSTER, &[], scenario).boot_arg("zeek.cluster=0");
    let result = run(&boot);
    result.assert_passed();

    assert!(result.read("cmdline").contains(" zeek.cluster=0"));
    let kmsg = result.read("kmsg.log");
    assert!(
        kmsg.lines()
            .any(|l| l.starts_with("<5>zeek-systemd-generator[")
                && l.contains("zeek.cluster=0 on the kernel command line: not generating")),
        "{kmsg}"
    );
    assert!(!kmsg.contains("<3>zeek-systemd-generator"), "{kmsg}");
    assert_eq!(result.read("start.status"), "5\n");
    assert_eq!(
        result.read("start.out"),
        "Failed to start zeek.target: Unit zeek.target not found.\n"
    );
    assert_eq!(result.read("generated"), "");
    assert_eq!(result.read("units"), "");
    assert_eq!(result.read("opt-zeek"), "bin\n");
}

/// Values systemd would otherwise split, unquote, unescape or expand.
const ESCAPE_CLUSTER: &str = r#"
[zeek]
spool_dir = "/opt/zeek/spool dir 100% $HOME \"q\" \\x41 ü"
log_dir = "/opt/zeek/logs \"q\" 'dir'"
args = ["local", "two  words", "say \"hi\"", "back\\slash \\n \\x41", "100%", "%n %i %%", "$HOME", "${HOME}", "$$", "semi;colon", ";", "", "ünïcödé ✓", "tab\there", "'single'", "trailing\\", "-dash", "@at"]

[zeek.env]
SPACES = "  lead and trail  "
QUOTES = "\"double\" 'single'"
BACKSLASH = "C:\\dir\\ \\n \\x41 \\"
PERCENT = "100% %n %i %%"
DOLLAR = "$HOME $$ \\${HOME} $(id)"
UNICODE = "ünïcödé ✓ 日本"
TAB = "a\tb"
EMPTY = ""
EQUALS = "a=b=c"

[[interface]]
name = "lo"
capture = "af_packet::lo"
workers = 1
env = { W = "${interface_name} \\${worker_index} ${worker_index} 50%" }
"#;

/// The spool dir above, as the process must see it (the scenario quotes it
/// in single quotes, so it has none).
const ESCAPE_SPOOL: &str = r#"/opt/zeek/spool dir 100% $HOME "q" \x41 ü"#;

#[test]
fn values_reach_the_process_exactly_as_written() {
    if !real_systemd_available() {
        return;
    }
    let nodes = ["manager", "logger-1", "proxy-1", "worker-lo-1"];
    let scenario = format!(
        r#"
SPOOL='{ESCAPE_SPOOL}'
start_cluster
for n in $(nodes); do collect "$n"; done
wait_for 10 test -s "$SPOOL/log-queue/zeek-stand-in.record" || fail "the archiver did not start"
cp "$SPOOL/log-queue/zeek-stand-in.record" /res/records/archiver.record
systemctl show -p WorkingDirectory,Environment zeek@worker-lo-1.service >/res/worker.show
true
"#
    );
    let result = run(&Boot::new(ESCAPE_CLUSTER, &nodes, &scenario));
    result.assert_passed();

    let args: Vec<&str> = vec![
        "local",
        "two  words",
        r#"say "hi""#,
        r"back\slash \n \x41",
        "100%",
        "%n %i %%",
        "$HOME",
        "${HOME}",
        "$$",
        "semi;colon",
        ";",
        "",
        "ünïcödé ✓",
        "tab\there",
        "'single'",
        "trailing\\",
        "-dash",
        "@at",
    ];
    let env: Vec<(&str, &str)> = vec![
        ("SPACES", "  lead and trail  "),
        ("QUOTES", r#""double" 'single'"#),
        ("BACKSLASH", r"C:\dir\ \n \x41 \"),
        ("PERCENT", "100% %n %i %%"),
        ("DOLLAR", "$HOME $$ ${HOME} $(id)"),
        ("UNICODE", "ünïcödé ✓ 日本"),
        ("TAB", "a\tb"),
        ("EMPTY", ""),
        ("EQUALS", "a=b=c"),
    ];
    for node in nodes {
        let record = result.record(node);
        let got: Vec<&str> = record.args().iter().map(String::as_str).collect();
        assert!(
            got.ends_with(&args),
            "{node}: argv must end with the [zeek] args exactly:\n got {got:?}\nwant {args:?}"
        );
        for (key, value) in &env {
            assert_eq!(record.env_var(key), Some(*value), "{node}: env {key}");
        }
        assert_eq!(
            record.field("cwd"),
            format!("{ESCAPE_SPOOL}/{node}"),
            "{node}"
        );
        assert!(
            record
                .env_var("ZEEKPATH")
                .unwrap_or("")
                .starts_with("/var/lib/zeek-systemd/current/generated-scripts:"),
            "{node}: {:?}",
            record.env_var("ZEEKPATH")
        );
    }
    assert_eq!(
        result.record("worker-lo-1").env_var("W"),
        Some("lo ${worker_index} 1 50%")
    );
    let archiver = result.record_file("records/archiver.record");
    assert_eq!(
        archiver.args(),
        [
            format!("{ESCAPE_SPOOL}/log-queue"),
            r#"/opt/zeek/logs "q" 'dir'"#.to_string()
        ]
    );
    assert_eq!(archiver.field("cwd"), format!("{ESCAPE_SPOOL}/log-queue"));
}

/// What a unit file cannot carry is refused before anything is written,
/// naming file, line, key (and variable) and the character.
#[test]
fn values_a_unit_cannot_carry_are_rejected() {
    let cases: [(&str, &str); 7] = [
        (
            "[zeek]\nargs = [\"a\\nb\"]\n",
            ":2: [zeek] args: contains the control character '\\n'",
        ),
        (
            "[zeek]\nspool_dir = \"/opt/x\\ny\"\n",
            ":2: [zeek] spool_dir: contains the control character '\\n'",
        ),
        (
            "[zeek]\nlog_dir = \"/opt/\\u0000\"\n",
            ":2: [zeek] log_dir: contains the control character '\\0'",
        ),
        (
            "[zeek.env]\nOK = \"fine\"\nBAD = \"x\\u0000y\"\n",
            ":3: [zeek.env] BAD: contains the control character '\\0'",
        ),
        (
            "[worker]\nenv = { W = \"a\\rb\" }\n",
            ":2: [worker] env: W: contains the control character '\\r'",
        ),
        (
            "[proxy]\nargs = [\"ok\", \"x\\ny\"]\n",
            ":2: [proxy] args: contains the control character '\\n'",
        ),
        (
            "[manager]\nenv = { M = \"\\u001b[31m\" }\n",
            ":2: [manager] env: M: contains the control character '\\u{1b}'",
        ),
    ];
    let interface = "\n[[interface]]\nname = \"lo\"\ncapture = \"af_packet::lo\"\nworkers = 1\n";
    for (head, want) in cases {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("cluster.toml");
        std::fs::write(&config, format!("{head}{interface}")).unwrap();
        let out_dir = dir.path().join("out");
        std::fs::create_dir(&out_dir).unwrap();
        let output = assert_cmd::Command::new(common::program())
            .env_remove("SYSTEMD_SCOPE")
            .env("ZEEK_SYSTEMD_LOG", "stderr")
            .arg("--config")
            .arg(&config)
            .arg(&out_dir)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{head}: {stderr}");
        let expected = format!("invalid config: {}{want}", config.display());
        assert!(
            stderr.contains(&expected),
            "{head}\nwant: {expected}\n got: {stderr}"
        );
        assert_eq!(
            std::fs::read_dir(&out_dir).unwrap().count(),
            0,
            "{head}: nothing written"
        );
    }
}
