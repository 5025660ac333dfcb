//! Issue 18 with a real Zeek 9.1 under a real systemd, on a private
//! network of containers (tests/common/network.rs: one
//! `systemd-nspawn --network-zone`, shared with tests/real_zeek's
//! multi-host test): a manager host (manager, logger, proxy) and two
//! sensor hosts (a worker each, on their `lo`) form one cluster, and a
//! fourth container, not in the config, plays an intruder. Two runs:
//!
//! * encrypted (the default): the manager host's logger hears every node
//!   of every host; a capture of the bridge between the hosts holds none
//!   of the marker the workers write to their logs, though their markers
//!   reach the logger; the intruder without the keys, then with other
//!   keys, fails its handshakes, and neither its events (a handler on the
//!   manager would log them) nor its log writes arrive; every node runs
//!   with the one hash seed; no key shows in the units, `systemctl show`,
//!   the journal, `status --json` or a node's environment; `status` exits
//!   0 (no host differs); `status --cluster` lists every node of the three
//!   hosts and `netstats --cluster` each sensor's worker; then one sensor
//!   host powers off, and both name it as not asked (with the reason) and
//!   still list the others, `status --cluster` exiting 3.
//! * `encryption = false`, the negative controls: the capture holds the
//!   workers' markers; the same intruder without keys joins (its event
//!   reaches the manager, its log writes the logger's reporter.log and
//!   cluster.log); one sensor host runs a config with one more setting,
//!   and the manager names that host in `status` (exit 3) and Zeek in
//!   reporter.log, and `status --cluster` exits 3.
//!
//! bench.rs is no test: the cluster-wide deploy benchmark
//! (bench/cluster-deploy.sh), an ignored entry on the same set-up.

#[path = "../common/mod.rs"]
mod common;
mod deploy;
mod deploy_more;
mod scenarios;
mod setup;

use std::time::Instant;

use common::network::{self, NetHost};
use common::{real_zeek, BootResult};
use setup::{Run, Spec, INTRUDER, MANAGER_NODES, MARKER, MGR, SENSOR1, SENSOR2, SENSORS};

#[test]
fn encrypted_cluster_hides_its_traffic_keeps_intruders_out_and_is_seen_whole() {
    let Some(prefix) = setup::available() else {
        return;
    };
    let _one_at_a_time = real_zeek::serial();
    let started = Instant::now();
    let spec = Spec {
        tag: "se",
        encryption: true,
        differs: None,
        intruder_runs: &["nokeys", "wrongkeys"],
        switch_off: Some(SENSOR2),
        deploy: false,
    };
    let run = setup::boot_all(&spec, &prefix);
    println!("encrypted run: {:.0?}", started.elapsed());
    assert_all_passed(&run);
    let mgr = run.of(&MGR);
    assert_formed(mgr);
    let link = link_report(&run, "encrypted");
    for sensor in &link.sensors {
        assert!(
            sensor.in_reporter > 0,
            "no marker of {} arrived",
            sensor.host
        );
        assert!(
            sensor.packets > 0,
            "no packets between zs-mgr and {}",
            sensor.host
        );
    }
    assert_eq!(
        link.in_capture, 0,
        "the marker crossed the link in cleartext"
    );
    assert_one_hash_seed(mgr);
    assert_intruder_kept_out(&run);
    assert_no_key_shown(mgr);
    assert_no_restarts(&run);
    assert_cluster_view(mgr);
    assert_no_drift(mgr);
}

#[test]
fn cleartext_cluster_shows_its_marker_lets_the_intruder_in_and_names_a_host_that_differs() {
    let Some(prefix) = setup::available() else {
        return;
    };
    let _one_at_a_time = real_zeek::serial();
    let started = Instant::now();
    let spec = Spec {
        tag: "sc",
        encryption: false,
        differs: Some(SENSOR2),
        intruder_runs: &["nokeys"],
        switch_off: None,
        deploy: false,
    };
    let run = setup::boot_all(&spec, &prefix);
    println!("cleartext run: {:.0?}", started.elapsed());
    assert_all_passed(&run);
    let mgr = run.of(&MGR);
    assert_formed(mgr);
    let link = link_report(&run, "encryption = false");
    for sensor in &link.sensors {
        assert!(
            sensor.in_capture > 0,
            "the cleartext capture has no marker of {}",
            sensor.worker
        );
    }
    assert_intruder_joined(&run);
    assert_drift_named(mgr);
}

fn assert_all_passed(run: &Run) {
    for result in &run.results {
        result.assert_passed();
        println!("timing: {}", result.read("timing").trim());
    }
}

/// The cluster formed: the manager host's logger heard every node of
/// every host.
fn assert_formed(mgr: &BootResult) {
    let log = mgr.read("cluster.log");
    let hosts = std::iter::once((MGR.name, MANAGER_NODES.to_vec()))
        .chain(SENSORS.iter().map(|(h, w)| (h.name, vec![*w])));
    for (host, nodes) in hosts {
        for node in nodes {
            let heard = network::hellos(&log, node);
            println!("zs-mgr logger cluster.log: host {host}: {heard} x \"got hello from {node}\"");
            assert!(heard > 0, "the logger never heard {node} of {host}:\n{log}");
        }
    }
}

/// One sensor host's part of the link.
struct SensorLink {
    host: &'static str,
    worker: &'static str,
    /// Packets between the manager host and this one.
    packets: usize,
    /// Its worker's markers in the logger's reporter.log.
    in_reporter: usize,
    /// Its worker's markers in the capture.
    in_capture: usize,
}

struct LinkReport {
    sensors: Vec<SensorLink>,
    /// The marker in the capture, whoever wrote it.
    in_capture: usize,
}

/// What crossed the link, per sensor host, printed.
fn link_report(run: &Run, what: &str) -> LinkReport {
    let reporter = run.of(&MGR).read("reporter.log");
    let sensors: Vec<SensorLink> = SENSORS
        .iter()
        .map(|(host, worker)| {
            let marker = format!("{MARKER} node={worker} ");
            SensorLink {
                host: host.name,
                worker,
                packets: setup::packets_between(&run.capture, MGR.address, host.address),
                in_reporter: reporter.lines().filter(|l| l.contains(&marker)).count(),
                in_capture: setup::count(&run.capture, marker.trim_end()),
            }
        })
        .collect();
    let in_capture = setup::count(&run.capture, MARKER);
    println!(
        "{what}: capture {} bytes, {in_capture} x {MARKER}",
        run.capture.len()
    );
    for s in &sensors {
        println!(
            "{what}: {}: {} packets with zs-mgr; {} markers of {} in reporter.log, {} in the capture",
            s.host, s.packets, s.in_reporter, s.worker, s.in_capture
        );
    }
    LinkReport {
        sensors,
        in_capture,
    }
}

/// One hash seed: every node's digest is the secrets file's.
fn assert_one_hash_seed(mgr: &BootResult) {
    let reporter = mgr.read("reporter.log");
    let digest = seed_digest();
    for node in setup::all_nodes() {
        let seeds: std::collections::BTreeSet<&str> = reporter
            .lines()
            .filter(|l| l.contains(&format!("{MARKER} node={node} ")))
            .filter_map(|l| l.split("seed=").nth(1))
            .map(|s| s.split_whitespace().next().unwrap_or(""))
            .collect();
        println!("{node}: hash seed digests {seeds:?}");
        assert_eq!(seeds.into_iter().collect::<Vec<_>>(), [digest.as_str()]);
    }
}

/// The md5 of the test secrets' hash seed, as the marker script prints it.
fn seed_digest() -> String {
    let seed = common::scratch::TEST_SECRETS
        .lines()
        .find_map(|l| l.strip_prefix("hash_seed = "))
        .and_then(|v| v.split('"').nth(1))
        .expect("a hash_seed in the test secrets");
    let out = std::process::Command::new("sh")
        .args(["-c", "printf %s \"$1\" | md5sum", "sh", seed])
        .output()
        .expect("run md5sum");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .expect("md5sum's digest")
        .to_string()
}

/// What of the intruder reached the cluster (the manager host's logs).
#[derive(Debug)]
struct IntruderSeen {
    /// Its event, handled on the manager.
    events: usize,
    /// Its reporter.log writes, in the logger's reporter.log.
    log_writes: usize,
    /// cluster.log lines naming it.
    cluster_lines: usize,
}

fn intruder_seen(mgr: &BootResult) -> IntruderSeen {
    let reporter = mgr.read("reporter.log");
    let cluster = mgr.read("cluster.log");
    let lines = |text: &str, needle: &str| text.lines().filter(|l| l.contains(needle)).count();
    IntruderSeen {
        events: lines(&reporter, "ZS-INTRUDER-EVENT-ARRIVED at=manager "),
        log_writes: lines(&reporter, "ZS-INTRUDER-4711 log write"),
        cluster_lines: lines(&cluster, "intruder"),
    }
}

/// The handshake failures in an intruder attempt's output (printed with
/// its last line, the exit status).
fn intruder_attempt(run: &Run, attempt: &str) -> usize {
    let out = run.of(&INTRUDER).read(&format!("intruder-{attempt}.txt"));
    let handshake = out.lines().filter(|l| l.contains("Handshake")).count();
    let last = out.lines().last().unwrap_or("");
    println!("intruder {attempt}: {handshake} handshake failures; {last}");
    handshake
}

fn assert_intruder_kept_out(run: &Run) {
    for attempt in ["nokeys", "wrongkeys"] {
        let handshake = intruder_attempt(run, attempt);
        assert!(handshake > 0, "intruder {attempt}: no handshake failed");
    }
    let seen = intruder_seen(run.of(&MGR));
    println!("encrypted: of the intruder the cluster saw {seen:?}");
    assert_eq!(seen.events, 0, "the intruder's event arrived");
    assert_eq!(seen.log_writes, 0, "the intruder's log writes arrived");
    assert_eq!(seen.cluster_lines, 0, "the intruder is in cluster.log");
}

/// The negative control: with encryption off the same intruder is in.
fn assert_intruder_joined(run: &Run) {
    let handshake = intruder_attempt(run, "nokeys");
    let mgr = run.of(&MGR);
    let seen = intruder_seen(mgr);
    println!("encryption = false: of the intruder the cluster saw {seen:?}");
    let cluster = mgr.read("cluster.log");
    for line in cluster.lines().filter(|l| l.contains("intruder")).take(3) {
        println!("  cluster.log: {line}");
    }
    assert_eq!(handshake, 0, "a cleartext cluster has no handshake");
    assert!(seen.events > 0, "the intruder's event never arrived");
    assert!(
        seen.log_writes > 0,
        "the intruder's log writes never arrived"
    );
    assert!(seen.cluster_lines > 0, "the intruder is not in cluster.log");
}

/// No key anywhere an operator or another user looks.
fn assert_no_key_shown(mgr: &BootResult) {
    for file in [
        "show.txt",
        "journal.txt",
        "generator.txt",
        "status.json",
        "environ.txt",
    ] {
        let text = mgr.read(file);
        assert!(!text.is_empty(), "{file} is empty");
        for line in common::scratch::TEST_SECRETS.lines() {
            let value = line.split('"').nth(1).unwrap_or(line);
            assert!(!text.contains(value), "a secret is in {file}: {line}");
        }
    }
    // What `systemctl show` has of the secrets: the path of the node's
    // credential on its command line, never a key.
    let show = mgr.read("show.txt");
    let credential = show
        .lines()
        .filter(|l| l.starts_with("ExecStart="))
        .filter(|l| {
            l.contains("/run/credentials/zeek@") && l.contains("/zeek-cluster-secrets.zeek")
        })
        .count();
    println!("systemctl show: {credential} ExecStart= with the node's credential path");
    assert_eq!(credential, MANAGER_NODES.len(), "{show}");
    let modes = mgr.read("modes.txt");
    println!("{modes}");
    let parts: Vec<&str> = modes.lines().filter(|l| l.contains(".zeek")).collect();
    assert!(!parts.is_empty(), "no secrets files listed:\n{modes}");
    assert!(
        parts
            .iter()
            .all(|l| l.starts_with("-r--------") || l.starts_with("-rw-------")),
        "{modes}"
    );
}

fn assert_no_restarts(run: &Run) {
    for host in [&MGR, &SENSOR1, &SENSOR2] {
        let restarts = run.of(host).read("restarts.txt");
        assert!(!restarts.is_empty(), "{}: no restarts.txt", host.name);
        for line in restarts.lines() {
            assert!(
                line.ends_with(" 0"),
                "a node of {} restarted: {line}",
                host.name
            );
        }
    }
}

/// An exit code a scenario saved (`echo $? >NAME.exit`).
fn exit_code(result: &BootResult, name: &str) -> Option<i32> {
    result.read(&format!("{name}.exit")).trim().parse().ok()
}

/// The encrypted run's hosts run one config: no host is named, and
/// `status` is content.
fn assert_no_drift(mgr: &BootResult) {
    let status = mgr.read("status.txt");
    let code = exit_code(mgr, "status");
    println!("status (one config everywhere): exit {code:?}");
    assert!(!status.contains("differs from the manager's"), "{status}");
    assert_eq!(code, Some(0), "status:\n{status}");
}

/// The lines of `text` naming `host` as different from the manager's.
fn drift_lines(text: &str, host: &NetHost) -> Vec<String> {
    let needle = format!("host {} (node ", host.name);
    text.lines()
        .filter(|l| l.contains(&needle) && l.contains("differs from the manager's: config"))
        .map(str::to_string)
        .collect()
}

/// The sensor host with another config is named, by the manager's
/// `status` (exit 3), in Zeek's reporter.log and by `status --cluster`
/// (exit 3, every host asked); the other hosts are not.
fn assert_drift_named(mgr: &BootResult) {
    println!("identity table:\n{}", mgr.read("identity.tsv"));
    let view = mgr.read("cluster-view.txt");
    println!("status --cluster, a host differs:\n{view}");
    assert!(view.contains("3 of 3 host(s) asked"), "{view}");
    for file in ["status.txt", "reporter.log", "cluster-view.txt"] {
        let text = mgr.read(file);
        let named = drift_lines(&text, &SENSOR2);
        println!("{file}: {:?}", named.first());
        assert!(
            !named.is_empty(),
            "{file} does not name zs-sensor2:\n{text}"
        );
        for same in [&MGR, &SENSOR1] {
            let wrong = drift_lines(&text, same);
            assert!(wrong.is_empty(), "{file} names {}: {wrong:?}", same.name);
        }
    }
    let code = exit_code(mgr, "status");
    let view_code = exit_code(mgr, "cluster-view");
    println!("a host differs: status exit {code:?}, status --cluster exit {view_code:?}");
    assert_eq!(code, Some(3), "status exit code with a host that differs");
    assert_eq!(
        view_code,
        Some(3),
        "status --cluster exit code with a host that differs"
    );
}

/// Whether `view` (a `status --cluster` table) has `node` of `host`
/// running.
fn running_in(view: &str, host: &str, node: &str) -> bool {
    view.lines().any(|l| {
        let words: Vec<&str> = l.split_whitespace().collect();
        words.len() > 3 && words[0] == host && words[1] == node && words[3] == "running"
    })
}

/// Whether `netstats --cluster` printed counters for `worker`.
fn counted_in(netstats: &str, worker: &str) -> bool {
    netstats.lines().any(|l| {
        let words: Vec<&str> = l.split_whitespace().collect();
        words.len() > 2 && words[0] == worker && words[1].parse::<u64>().is_ok()
    })
}

/// The view of the whole cluster from the manager host: every node of
/// the three hosts, then, with zs-sensor2 powered off, that host named
/// as not asked and the other two still listed.
fn assert_cluster_view(mgr: &BootResult) {
    let view = mgr.read("cluster-view.txt");
    let netstats = mgr.read("netstats-cluster.txt");
    println!(
        "status --cluster (exit {:?}):\n{view}",
        exit_code(mgr, "cluster-view")
    );
    println!(
        "netstats --cluster (exit {:?}):\n{netstats}",
        exit_code(mgr, "netstats-cluster")
    );
    for node in &MANAGER_NODES {
        assert!(
            running_in(&view, MGR.name, node),
            "{node} not running:\n{view}"
        );
    }
    for (host, worker) in &SENSORS {
        assert!(
            running_in(&view, host.name, worker),
            "{worker} not running:\n{view}"
        );
        assert!(
            counted_in(&netstats, worker),
            "no counters of {worker}:\n{netstats}"
        );
    }
    assert!(view.contains("3 of 3 host(s) asked"), "{view}");
    assert_eq!(exit_code(mgr, "cluster-view"), Some(0), "{view}");
    assert_switched_off_named(mgr);
}

fn assert_switched_off_named(mgr: &BootResult) {
    let off = mgr.read("cluster-view-off.txt");
    let netstats = mgr.read("netstats-cluster-off.txt");
    println!(
        "status --cluster, zs-sensor2 off (exit {:?}):\n{off}",
        exit_code(mgr, "cluster-view-off")
    );
    println!("netstats --cluster, zs-sensor2 off:\n{netstats}");
    assert!(off.contains("2 of 3 host(s) asked"), "{off}");
    let named = format!(
        "host {} could not be asked (systemctl -H root@{}): ",
        SENSOR2.name, SENSOR2.address
    );
    let reason = off.lines().find_map(|l| l.strip_prefix(&named));
    assert!(
        reason.is_some_and(|r| !r.trim().is_empty()),
        "no reason for {}:\n{off}",
        SENSOR2.name
    );
    for node in &MANAGER_NODES {
        assert!(running_in(&off, MGR.name, node), "{node} missing:\n{off}");
    }
    let (_, worker1) = SENSORS[0];
    let (_, worker2) = SENSORS[1];
    assert!(
        running_in(&off, SENSOR1.name, worker1),
        "{worker1} missing:\n{off}"
    );
    assert!(
        !off.contains(worker2),
        "{worker2} of the host that is off is listed:\n{off}"
    );
    assert!(
        counted_in(&netstats, worker1),
        "no counters of {worker1}:\n{netstats}"
    );
    assert!(
        netstats
            .lines()
            .any(|l| l.starts_with(&format!("{worker2}: unreachable"))),
        "{worker2} is not named unreachable:\n{netstats}"
    );
    assert_eq!(exit_code(mgr, "cluster-view-off"), Some(3), "{off}");
}
