//! Day-2 safety under a real systemd (PID 1 in a throw-away container):
//! boot does not wait for a network a loopback cluster does not use, the
//! archiver outlives the nodes that rotate logs at exit and moves what they
//! rotated, and every node may dump core.
//!
//! Each test is one boot (see tests/common/mod.rs and tests/systemd/).

mod common;

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

#[test]
fn every_node_may_dump_core() {
    if !real_systemd_available() {
        return;
    }
    let scenario = r#"
start_cluster
for n in $(nodes); do
    grep '^Max core file size' "/proc/$(main_pid "$n")/limits" >"/res/limits-$n"
    systemctl show "zeek@$n.service" >"/res/show/$n.show"
done
true
"#;
    let result = run(&Boot::new(LOOPBACK_CLUSTER, &LOOPBACK_NODES, scenario));
    result.assert_passed();
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
