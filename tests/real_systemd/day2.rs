//! Day-2 safety under a real systemd (PID 1 in a throw-away container):
//! boot does not wait for a network a loopback cluster does not use, the
//! archiver outlives the nodes that rotate logs at exit and moves what they
//! rotated (and a restart leaves it running), and every node may dump core.
//!
//! Each test is one boot (see tests/common/mod.rs and tests/systemd/).

use crate::common;

use common::{parse_show, real_systemd_available, run, Boot, BootResult};

/// The default single-host cluster: everything on 127.0.0.1.
const LOOPBACK_CLUSTER: &str = r#"
[zeek]
restart_sec = 1

[[interface]]
name = "lo"
capture = "af_packet::lo"
workers = 1
cpus = "0-1"
"#;

const LOOPBACK_NODES: [&str; 4] = ["manager", "logger-1", "proxy-1", "worker-lo-1"];

/// Seconds between PID 1's start and `to`, from `systemctl show` values in
/// microseconds (CLOCK_MONOTONIC, the same clock in and out of the container).
fn secs_after_boot(result: &BootResult, to: &str) -> f64 {
    let boot: u64 = result.read("userspace-start").trim().parse().unwrap();
    let to: u64 = to.parse().unwrap();
    to.saturating_sub(boot) as f64 / 1e6
}

#[test]
fn loopback_cluster_does_not_wait_for_network_online() {
    if !real_systemd_available() {
        return;
    }
    // The scenario runs after multi-user.target, which (wanting zeek.target)
    // is ordered after the nodes: on a cluster that waits for the network it
    // starts only when wait-online gives up, 2 minutes after boot.
    let scenario = r#"
systemctl show -p UserspaceTimestampMonotonic --value >/res/userspace-start
systemctl is-enabled systemd-networkd-wait-online.service >/res/wait-online-enabled
systemctl is-active systemd-networkd-wait-online.service >/res/wait-online-state
systemctl is-active network-online.target >/res/network-online-state
for n in $(nodes); do
    wait_for 20 is_active "zeek@$n.service" || fail "zeek@$n.service is not active"
    systemctl show "zeek@$n.service" >"/res/show/$n.show"
done
true
"#;
    let mut boot = Boot::new(LOOPBACK_CLUSTER, &LOOPBACK_NODES, scenario);
    boot.mask_wait_online = false;
    boot.timeout_secs = 200;
    let result = run(&boot);
    result.assert_passed();

    for node in LOOPBACK_NODES {
        let show = result.show(node);
        let secs = secs_after_boot(&result, &show["ActiveEnterTimestampMonotonic"]);
        eprintln!("{node:12} active {secs:.3} s after PID 1 started");
        assert!(secs < 30.0, "{node}: active only {secs} s after boot");
        for key in ["After", "Wants"] {
            assert!(
                !show[key].contains("network-online.target"),
                "{node}: {key}={}",
                show[key]
            );
        }
    }
    // The condition under test: wait-online is enabled, as on a sensor
    // with networkd, yet nothing pulled network-online.target in.
    assert_eq!(result.read("wait-online-enabled").trim(), "enabled");
    eprintln!(
        "wait-online: enabled, {}; network-online.target: {}",
        result.read("wait-online-state").trim(),
        result.read("network-online-state").trim()
    );
    assert_ne!(result.read("network-online-state").trim(), "active");
}

#[test]
fn non_loopback_cluster_waits_for_network_online() {
    if !real_systemd_available() {
        return;
    }
    // Nodes listen on an address of a link: they must not start before the
    // network is up. (No such link exists here, so they never start.)
    let config = r#"
[zeek]
autostart = false

[cluster]
address = "192.0.2.10"

[[interface]]
name = "lo"
capture = "af_packet::lo"
workers = 1
"#;
    let scenario = r#"
systemctl start --no-block zeek.target
sleep 3
systemctl list-jobs --no-legend --plain >/res/jobs
systemctl show zeek@manager.service >/res/show/manager.show
ls /opt/zeek/spool/manager >/res/manager-dir 2>&1
true
"#;
    let mut boot = Boot::new(config, &["manager"], scenario);
    boot.mask_wait_online = false;
    let result = run(&boot);
    result.assert_passed();

    let show = result.show("manager");
    assert!(show["After"].contains("network-online.target"), "{show:?}");
    assert!(show["Wants"].contains("network-online.target"), "{show:?}");
    let jobs = result.read("jobs");
    eprintln!("jobs 3 s after `systemctl start zeek.target`:\n{jobs}");
    let job_of = |unit: &str| {
        jobs.lines()
            .find(|l| l.split_whitespace().nth(1) == Some(unit))
            .map(|l| l.split_whitespace().collect::<Vec<_>>())
    };
    let manager = job_of("zeek@manager.service").expect("a start job for the manager");
    assert_eq!(manager[2..], ["start", "waiting"], "{jobs}");
    assert!(job_of("network-online.target").is_some(), "{jobs}");
    assert_eq!(show["ActiveState"], "inactive");
    assert!(
        !result.read("manager-dir").contains("zeek-stand-in.record"),
        "the manager ran before the network was online"
    );
}

/// Manager and logger write a rotated log into the queue at SIGTERM, a
/// second after it arrives (as Zeek does when it flushes at exit).
const ROTATING_CLUSTER: &str = r#"
[zeek]
restart_sec = 1

[manager]
env = { ZEEK_STAND_IN_ROTATE_ON_TERM = "1" }

[logger]
count = 2
env = { ZEEK_STAND_IN_ROTATE_ON_TERM = "1" }

[[interface]]
name = "lo"
capture = "af_packet::lo"
workers = 1
"#;

#[test]
fn archiver_stops_last_and_moves_what_nodes_rotated_at_exit() {
    if !real_systemd_available() {
        return;
    }
    let nodes = ["manager", "logger-1", "logger-2", "proxy-1", "worker-lo-1"];
    let scenario = r#"
start_cluster
wait_for 10 is_active zeek-archiver.service || fail "zeek-archiver is not active"
stop_cluster
wait_for 30 is_inactive zeek-archiver.service || fail "zeek-archiver did not stop"
for u in zeek@manager zeek@logger-1 zeek@logger-2 zeek-archiver; do
    systemctl show "$u.service" >"/res/show/$u.show"
done
ls -A /opt/zeek/spool/log-queue >/res/queue
ls -A /opt/zeek/logs >/res/logs
cp /opt/zeek/spool/log-queue/zeek-stand-in.archived /res/archived 2>/dev/null
journalctl -b -u zeek-archiver.service -u 'zeek@*' --no-pager >/res/units.log
true
"#;
    let result = run(&Boot::new(ROTATING_CLUSTER, &nodes, scenario));
    result.assert_passed();

    let rotated = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| l.ends_with("__.log"))
            .map(str::to_string)
            .collect()
    };
    let in_logs = rotated(&result.read("logs"));
    let in_queue = rotated(&result.read("queue"));
    eprintln!("log dir after stop: {in_logs:?}\nqueue after stop: {in_queue:?}");
    eprintln!("archiver passes:\n{}", result.read("archived"));
    assert!(in_queue.is_empty(), "left in log-queue: {in_queue:?}");
    assert_eq!(in_logs.len(), 3, "one rotated log per log writer");
    let show = |u: &str| parse_show(&result.read(&format!("show/{u}.show")));
    let archiver = show("zeek-archiver");
    let archiver_stop: u64 = archiver["ActiveExitTimestampMonotonic"].parse().unwrap();
    for node in ["zeek@manager", "zeek@logger-1", "zeek@logger-2"] {
        let gone: u64 = show(node)["InactiveEnterTimestampMonotonic"]
            .parse()
            .unwrap();
        eprintln!(
            "{node} exited {:.3} s before the archiver was stopped",
            archiver_stop as f64 / 1e6 - gone as f64 / 1e6
        );
        assert!(
            gone <= archiver_stop,
            "{node} exited after the archiver stopped"
        );
    }
    assert_eq!(archiver["Result"], "success");
}

/// A restart of zeek.target leaves the archiver running (the nodes' start
/// does not wait for its stop and last pass: issue 28's blind spot), and
/// what the manager and loggers rotate at the restart's exit waits in the
/// queue for that running archiver; a stop still stops it after them and
/// its last pass archives everything, the restart's logs included.
#[test]
fn restart_leaves_the_archiver_running_and_a_stop_still_archives_every_log() {
    if !real_systemd_available() {
        return;
    }
    let nodes = ["manager", "logger-1", "logger-2", "proxy-1", "worker-lo-1"];
    let scenario = r#"
archiver_pid() { systemctl show -p MainPID --value zeek-archiver.service; }
start_cluster
wait_for 10 is_active zeek-archiver.service || fail "zeek-archiver is not active"
before=$(archiver_pid)
save_pids /res/pids
systemctl restart zeek.target || fail "systemctl restart zeek.target failed"
wait_all_anew /res/pids 30
echo "$before $(archiver_pid) $(systemctl is-active zeek-archiver.service)" >/res/archiver
ls -A /opt/zeek/spool/log-queue >/res/queue-after-restart
stop_cluster
wait_for 30 is_inactive zeek-archiver.service || fail "zeek-archiver did not stop"
ls -A /opt/zeek/spool/log-queue >/res/queue
ls -A /opt/zeek/logs >/res/logs
cp /opt/zeek/spool/log-queue/zeek-stand-in.archived /res/archived 2>/dev/null
true
"#;
    let result = run(&Boot::new(ROTATING_CLUSTER, &nodes, scenario));
    result.assert_passed();

    let archiver = result.read("archiver");
    let words: Vec<&str> = archiver.split_whitespace().collect();
    eprintln!("archiver MainPID before and after the restart, state: {archiver}");
    assert!(
        words.len() == 3 && words[0] != "0" && words[0] == words[1] && words[2] == "active",
        "a restart of zeek.target restarted or stopped the archiver: {archiver}"
    );
    let rotated = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| l.ends_with("__.log"))
            .map(str::to_string)
            .collect()
    };
    eprintln!(
        "queue after the restart (for the running archiver): {:?}",
        rotated(&result.read("queue-after-restart"))
    );
    let in_queue = rotated(&result.read("queue"));
    let in_logs = rotated(&result.read("logs"));
    eprintln!("archiver passes:\n{}", result.read("archived"));
    assert!(
        in_queue.is_empty(),
        "left in log-queue after the stop: {in_queue:?}"
    );
    // Manager, logger-1 and logger-2 rotate one log at each exit: the
    // restart's and the stop's.
    assert_eq!(in_logs.len(), 6, "rotated logs archived: {in_logs:?}");
}

#[test]
fn every_node_may_dump_core_and_back_off_matches_the_running_systemd() {
    if !real_systemd_available() {
        return;
    }
    let scenario = r#"
start_cluster
for n in $(nodes); do
    grep '^Max core file size' "/proc/$(main_pid "$n")/limits" >"/res/limits-$n"
    systemctl show "zeek@$n.service" >"/res/show/$n.show"
done
cp /run/systemd/generator/zeek@.service /res/template
systemd-analyze verify --man=no zeek@manager.service >/res/verify 2>&1 || true
true
"#;
    let result = run(&Boot::new(LOOPBACK_CLUSTER, &LOOPBACK_NODES, scenario));
    result.assert_passed();
    // The generator read the running systemd's version (252 here, from
    // PID 1's libraries) and left out RestartSteps=, which 252 does not
    // know: no "Unknown key name" from systemd.
    let template = result.read("template");
    assert!(
        template.contains("No restart back-off: systemd 252"),
        "{template}"
    );
    assert!(!template.contains("\nRestartSteps="), "{template}");
    let verify = result.read("verify");
    assert!(!verify.contains("Unknown key"), "{verify}");
    for node in LOOPBACK_NODES {
        let limits = result.read(&format!("limits-{node}"));
        eprintln!("{node:12} {}", limits.trim());
        let words: Vec<&str> = limits.split_whitespace().collect();
        // "Max core file size  <soft>  <hard>  bytes"
        assert_eq!(words[4..6], ["unlimited", "unlimited"], "{node}: {limits}");
        let show = result.show(node);
        assert_eq!(show["LimitCORE"], "infinity", "{node}");
        assert_eq!(show["LimitCORESoft"], "infinity", "{node}");
    }
}

/// The nodes of `LOOPBACK_CLUSTER` plus a second worker.
const RELOAD_GOOD: &str = common::TWO_WORKERS_ON_LO;
const RELOAD_GOOD_NODES: [&str; 5] = common::TWO_WORKERS_ON_LO_NODES;

/// RELOAD_GOOD with a typo on line 8.
const RELOAD_BROKEN: &str = r#"
[zeek]
restart_sec = 1

[[interface]]
name = "lo"
capture = "af_packet::lo"
wrokers = 3
cpus = "0-1"
"#;

const RELOAD_BROKEN_ERROR: &str = r#"/etc/zeek/cluster.toml:8: [[interface]] wrokers: unknown key "wrokers"; did you mean "workers"?"#;

/// The node names a cluster-layout.zeek defines, sorted.
fn layout_nodes(layout: &str) -> Vec<String> {
    let mut nodes: Vec<String> = layout
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("[\""))
        .filter_map(|l| l.split_once("\"] = [$node_type="))
        .map(|(name, _)| name.to_string())
        .collect();
    nodes.sort();
    nodes
}

fn sorted(names: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    names.sort();
    names
}

#[test]
fn invalid_config_at_reload_keeps_the_cluster_supervised() {
    if !real_systemd_available() {
        return;
    }
    let scenario = r#"
start_cluster
save_pids /res/pids-start
ls -A /run/zeek-systemd/last-good >/res/last-good-files
use_config broken.toml
systemctl daemon-reload || fail "daemon-reload failed"
# The check runs from zeek-config-check.path once the reload is done.
wait_for 10 systemctl is-failed --quiet zeek-config-check.service
systemctl --failed --no-legend --plain >/res/failed
systemctl show -p Description,ActiveState,Result zeek-config-check.service >/res/check.show
systemctl show -p Description,ActiveState zeek.target >/res/target.show
systemctl --no-pager -l status zeek-config-check.service >/res/check-status 2>&1
systemctl --no-pager -l status zeek.target >/res/target-status 2>&1
journalctl -b -u zeek-config-check.service --no-pager -o cat >/res/check-journal
save_pids /res/pids-reloaded
for n in $(nodes); do systemctl show "zeek@$n.service" >"/res/show/$n.show.reloaded"; done
# Supervision: a killed worker comes back.
old=$(main_pid worker-lo-1)
kill -9 "$old"
wait_for 10 runs_anew worker-lo-1 "$old" || fail "worker-lo-1 was not restarted after kill -9"
systemctl show -p NRestarts --value zeek@worker-lo-1.service >/res/worker-restarts
# Restart of the target reaches every node and the layout is the last good one.
save_pids /res/pids-before-restart
systemctl restart zeek.target || fail "restart zeek.target failed"
wait_all_anew /res/pids-before-restart 20
active_nodes >/res/active-after-restart
cp /var/lib/zeek-systemd/current/generated-scripts/cluster-layout.zeek /res/layout-after-restart
# Stop reaches every node.
stop_cluster
active_nodes >/res/active-after-stop
ls -A /run/zeek-systemd >/res/run-after-stop
# A fixed config clears the failure.
systemctl start zeek.target
use_config good.toml
systemctl daemon-reload || fail "daemon-reload failed"
wait_for 10 bash -c '[ "$(systemctl show -p ActiveState --value zeek-config-check.service)" = inactive ]' ||
    fail "the check still fails or runs"
systemctl show -p Description,ActiveState,Result zeek-config-check.service >/res/check.show.fixed
systemctl --failed --no-legend --plain >/res/failed.fixed
true
"#;
    let boot = Boot::new(RELOAD_GOOD, &RELOAD_GOOD_NODES, scenario)
        .file("broken.toml", RELOAD_BROKEN)
        .file("good.toml", RELOAD_GOOD);
    let result = run(&boot);
    result.assert_passed();

    assert_eq!(result.read("last-good-files").trim(), "cluster.toml");
    // The same units and processes, still supervised.
    let start = result.read("pids-start");
    assert_eq!(start, result.read("pids-reloaded"), "no node was touched");
    for node in RELOAD_GOOD_NODES {
        let show = parse_show(&result.read(&format!("show/{node}.show.reloaded")));
        eprintln!(
            "{node:12} after the invalid reload: {} {} Restart={} PartOf={} pid {}",
            show["LoadState"], show["SubState"], show["Restart"], show["PartOf"], show["MainPID"]
        );
        assert_eq!(show["LoadState"], "loaded", "{node}");
        assert_eq!(show["ActiveState"], "active", "{node}");
        assert_eq!(show["Restart"], "always", "{node}");
        assert_eq!(show["PartOf"], "zeek.target", "{node}");
        assert_eq!(show["NeedDaemonReload"], "no", "{node}");
    }
    assert_eq!(result.read("worker-restarts").trim(), "1");
    let expected = sorted(&RELOAD_GOOD_NODES);
    let active: Vec<String> = result
        .read("active-after-restart")
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(active, expected, "restart of zeek.target");
    assert_eq!(layout_nodes(&result.read("layout-after-restart")), expected);
    assert_eq!(
        result.read("active-after-stop").trim(),
        "",
        "stop of zeek.target"
    );
    assert!(
        !result.read("run-after-stop").contains("last-good"),
        "the last good config outlived the cluster"
    );

    // Visible where operators look.
    let failed = result.read("failed");
    eprintln!("systemctl --failed:\n{failed}");
    assert!(failed.contains("zeek-config-check.service"), "{failed}");
    let check = parse_show(&result.read("check.show"));
    eprintln!("zeek-config-check.service: {check:?}");
    assert_eq!(check["ActiveState"], "failed");
    for text in [
        check["Description"].as_str(),
        &result.read("check-status"),
        &result.read("check-journal"),
        &parse_show(&result.read("target.show"))["Description"],
        &result.read("target-status"),
    ] {
        assert!(text.contains(RELOAD_BROKEN_ERROR), "{text}");
        assert!(
            text.contains("keeps running on the last good config"),
            "{text}"
        );
    }
    eprintln!("zeek.target: {}", result.read("target.show"));
    // And gone once the config is fixed.
    let fixed = parse_show(&result.read("check.show.fixed"));
    assert_eq!(fixed["ActiveState"], "inactive", "{fixed:?}");
    assert!(!result.read("failed.fixed").contains("zeek-config"));
}

#[test]
fn a_valid_reload_is_the_last_good_config_for_the_next_bad_one() {
    if !real_systemd_available() {
        return;
    }
    // The operator reloads a valid edit (a third worker) without restarting
    // yet, then a typo is reloaded: the loaded units must stay those of the
    // valid edit, not go back to the config the cluster was started with.
    let edited = RELOAD_GOOD.replace("workers = 2", "workers = 3");
    let scenario = r#"
start_cluster
use_config edited.toml
systemctl daemon-reload || fail "daemon-reload failed"
wait_for 10 bash -c 'grep -q "workers = 3" /run/zeek-systemd/last-good/cluster.toml' ||
    fail "the valid reload did not become the last good config"
use_config broken.toml
systemctl daemon-reload || fail "daemon-reload failed"
wait_for 10 systemctl is-failed --quiet zeek-config-check.service
cp /run/systemd/generator/zeek-systemd/config/cluster.toml /res/units-config
ls /run/systemd/generator | grep '^zeek@worker' >/res/worker-drop-ins
systemctl restart zeek.target || fail "restart zeek.target failed"
wait_for 20 systemctl is-active --quiet zeek@worker-lo-3.service || fail "worker-lo-3 did not start"
active_nodes >/res/active-after-restart
true
"#;
    let boot = Boot::new(RELOAD_GOOD, &RELOAD_GOOD_NODES, scenario)
        .file("edited.toml", &edited)
        .file("broken.toml", RELOAD_BROKEN);
    let result = run(&boot);
    result.assert_passed();
    assert_eq!(result.read("units-config"), edited);
    assert_eq!(
        result.read("worker-drop-ins").lines().collect::<Vec<_>>(),
        [
            "zeek@worker-lo-1.service.d",
            "zeek@worker-lo-2.service.d",
            "zeek@worker-lo-3.service.d"
        ]
    );
    let mut expected = RELOAD_GOOD_NODES.to_vec();
    expected.push("worker-lo-3");
    let active: Vec<String> = result
        .read("active-after-restart")
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(active, sorted(&expected));
}

#[test]
fn start_uses_the_config_the_units_came_from() {
    if !real_systemd_available() {
        return;
    }
    // A valid edit that adds worker-lo-3, not reloaded yet: a restart must
    // still lay out (and run) the loaded units' nodes.
    let edited = RELOAD_GOOD.replace("workers = 2", "workers = 3");
    let scenario = r#"
start_cluster
use_config edited.toml
save_pids /res/pids-1
systemctl restart zeek.target || fail "restart zeek.target failed"
wait_all_anew /res/pids-1 20
active_nodes >/res/active-1
cp /var/lib/zeek-systemd/current/generated-scripts/cluster-layout.zeek /res/layout-1
ls -A /opt/zeek/spool >/res/spool-1
# Once reloaded, the edit is what starts.
systemctl daemon-reload || fail "daemon-reload failed"
use_nodes nodes-2
save_pids /res/pids-2
systemctl restart zeek.target || fail "restart zeek.target failed"
for n in $(nodes); do wait_for 20 is_active "zeek@$n.service" || fail "$n is not active"; done
active_nodes >/res/active-2
cp /var/lib/zeek-systemd/current/generated-scripts/cluster-layout.zeek /res/layout-2
true
"#;
    let mut nodes_2 = RELOAD_GOOD_NODES.to_vec();
    nodes_2.push("worker-lo-3");
    let boot = Boot::new(RELOAD_GOOD, &RELOAD_GOOD_NODES, scenario)
        .file("edited.toml", &edited)
        .file("nodes-2", &(nodes_2.join("\n") + "\n"));
    let result = run(&boot);
    result.assert_passed();

    let before_reload = sorted(&RELOAD_GOOD_NODES);
    let layout_1 = layout_nodes(&result.read("layout-1"));
    eprintln!("edited, not reloaded, restarted: layout {layout_1:?}");
    assert_eq!(layout_1, before_reload);
    let active_1: Vec<String> = result.read("active-1").lines().map(String::from).collect();
    assert_eq!(active_1, before_reload);
    assert!(!result.read("spool-1").contains("worker-lo-3"));
    let after_reload = sorted(&nodes_2);
    let layout_2 = layout_nodes(&result.read("layout-2"));
    eprintln!("reloaded, restarted: layout {layout_2:?}");
    assert_eq!(layout_2, after_reload);
    let active_2: Vec<String> = result.read("active-2").lines().map(String::from).collect();
    assert_eq!(active_2, after_reload);
}

/// proxy-1 exits 1 at every start: a crash loop. Not started at boot: the
/// hook's start limit must count only the crashes after the operator's
/// hook is in place.
const CRASH_CLUSTER: &str = r#"
[zeek]
restart_sec = 1
autostart = false

[proxy]
env = { ZEEK_STAND_IN_CRASH = "1" }

[[interface]]
name = "lo"
capture = "af_packet::lo"
workers = 1
"#;

#[test]
fn crash_hook_fires_and_the_node_keeps_restarting() {
    if !real_systemd_available() {
        return;
    }
    let healthy = ["manager", "logger-1", "worker-lo-1"];
    // The operator's hook, as the man page shows it: a drop-in adding an
    // ExecStart= to zeek-node-crashed@.service.
    let scenario = r#"
mkdir -p /etc/systemd/system/zeek-node-crashed@.service.d
cat >/etc/systemd/system/zeek-node-crashed@.service.d/alert.conf <<'EOF2'
[Service]
ExecStart=sh -c 'echo "%i $ZEEK_NODE $SERVICE_RESULT $EXIT_CODE $EXIT_STATUS" >>/res/alerts'
EOF2
systemctl daemon-reload
start_cluster
# A crash of a healthy node: kill -9.
old=$(main_pid worker-lo-1)
kill -9 "$old"
wait_for 10 runs_anew worker-lo-1 "$old" || fail "worker-lo-1 was not restarted after kill -9"
wait_for 10 grep -q '^worker-lo-1 ' /res/alerts || fail "no alert for worker-lo-1"
# The crash loop: alerts keep coming while the node keeps being restarted.
wait_for 20 bash -c '(( $(systemctl show -p NRestarts --value zeek@proxy-1.service) >= 4 ))' ||
    fail "proxy-1 is not restarted"
systemctl show zeek@proxy-1.service >/res/show/proxy-1.show
systemctl show zeek@worker-lo-1.service >/res/show/worker-lo-1.show
cp /res/alerts /res/alerts-before-stop
# Past the hook's start limit, the crash loop shows in systemctl --failed.
wait_for 20 systemctl is-failed --quiet zeek-node-crashed@proxy-1.service ||
    fail "the hook of proxy-1 did not hit its start limit"
systemctl show zeek-node-crashed@proxy-1.service >/res/show/hook.show
systemctl --failed --no-legend --plain >/res/failed
sleep 2
systemctl show zeek@proxy-1.service >/res/show/proxy-1.show.later
cp /res/alerts /res/alerts-at-stop
# A clean stop alerts nobody.
stop_cluster
sleep 1
cp /res/alerts /res/alerts-after-stop
journalctl -b -u 'zeek-node-crashed@*' -o cat --no-pager >/res/hook-journal
true
"#;
    let result = run(&Boot::new(CRASH_CLUSTER, &healthy, scenario));
    result.assert_passed();

    let alerts = result.read("alerts-before-stop");
    eprintln!("alerts:\n{alerts}");
    let worker: Vec<&str> = alerts
        .lines()
        .filter(|l| l.starts_with("worker-lo-1 "))
        .collect();
    assert_eq!(worker, ["worker-lo-1 worker-lo-1 signal killed KILL"]);
    let proxy = alerts
        .lines()
        .filter(|l| *l == "proxy-1 proxy-1 exit-code exited 1")
        .count();
    let show = result.show("proxy-1");
    let restarts: u32 = show["NRestarts"].parse().unwrap();
    eprintln!("proxy-1: {restarts} restarts, {proxy} alerts");
    assert!(restarts >= 4, "{restarts}");
    // One alert per crash (the last one may still be on its way), until
    // systemd's start limit of the hook unit (5 starts in 10 s) holds
    // further ones back.
    assert!(
        proxy + 1 >= restarts as usize && proxy >= 3,
        "{proxy} alerts for {restarts} restarts"
    );
    assert_eq!(show["Restart"], "always");
    let hook = parse_show(&result.read("show/hook.show"));
    let later: u32 = parse_show(&result.read("show/proxy-1.show.later"))["NRestarts"]
        .parse()
        .unwrap();
    eprintln!(
        "hook of proxy-1: {} ({}); proxy-1 restarts meanwhile: {later}\nsystemctl --failed:\n{}",
        hook["ActiveState"],
        hook["Result"],
        result.read("failed")
    );
    assert_eq!(hook["Result"], "start-limit-hit");
    assert!(result
        .read("failed")
        .contains("zeek-node-crashed@proxy-1.service"));
    assert!(later > restarts, "proxy-1 stopped being restarted");
    assert_eq!(result.show("worker-lo-1")["NRestarts"], "1");
    let at_stop = result.read("alerts-at-stop");
    assert_eq!(
        at_stop
            .lines()
            .filter(|l| l.starts_with("proxy-1 "))
            .count(),
        5,
        "5 alerts, then the start limit: {at_stop}"
    );
    assert_eq!(
        result.read("alerts-after-stop"),
        at_stop,
        "a clean stop must not alert"
    );
    assert!(result.read("hook-journal").contains("stopped uncleanly"));
}
