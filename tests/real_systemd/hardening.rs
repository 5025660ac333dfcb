//! Hardening (SPEC 4.4) under a real systemd: `systemd-analyze security`
//! scores of each role as systemd loads it (template plus drop-ins), and
//! probes run by the stand-in zeek inside each unit's sandbox showing that
//! a node can still do what Zeek does (write its spool dir, rotate logs
//! into the queue with rename(2), open a packet socket and capture, resolve
//! over netlink, call sched_setscheduler) and nothing else (write /etc,
//! another node's dir, the generated scripts; reach public addresses).
//! One boot per hardening level; the scores are printed
//! (`cargo test --test real_systemd hardening -- --nocapture`).

use crate::common;

use std::collections::BTreeMap;

use common::{real_systemd_available, run, Boot, BootResult};

const NODES: [&str; 4] = ["manager", "logger-1", "proxy-1", "worker-X-1"];
const UNITS: [&str; 5] = [
    "zeek@manager.service",
    "zeek@logger-1.service",
    "zeek@proxy-1.service",
    "zeek@worker-X-1.service",
    "zeek-archiver.service",
];

/// The test adds these to the container's `lo`: one private address (in
/// the strict boot's allow list) and one public (documentation range, not
/// in it).
const PRIVATE_ADDR: &str = "10.99.0.1";
const PUBLIC_ADDR: &str = "203.0.113.1";

fn config(hardening: &str, with_ip_allow: bool) -> String {
    // The node IP filter is opt-in; one boot turns it on to prove it
    // confines the nodes and still admits the cluster.
    let ip_allow = if with_ip_allow {
        "[cluster]\nip_allow = [\"10.0.0.0/8\", \"172.16.0.0/12\", \"192.168.0.0/16\", \"fc00::/7\"]\n"
    } else {
        ""
    };
    format!(
        r#"
[zeek]
hardening = "{hardening}"
autostart = false
env = {{ ZEEK_STAND_IN_PROBE = "1", ZEEK_STAND_IN_PROBE_CAPTURE = "{PUBLIC_ADDR}", ZEEK_STAND_IN_PROBE_CONNECT = "localhost=127.0.0.1:9 private={PRIVATE_ADDR}:9 public={PUBLIC_ADDR}:9" }}
{ip_allow}
[logger]
count = 1

[[interface]]
name = "X"
capture = "af_packet::lo"
workers = 1
cpus = "1"
"#
    )
}

fn scenario() -> String {
    let units = UNITS.join(" ");
    format!(
        r#"
mkdir -p /res/probes /res/security
# Addresses to connect to: nodes start after this (autostart = false).
ip addr add {PRIVATE_ADDR}/32 dev lo || fail "ip addr add"
ip addr add {PUBLIC_ADDR}/32 dev lo || fail "ip addr add"
# Visible in a node's /tmp only when the node has no private /tmp.
echo marker >/tmp/zeek-probe-marker
# Traffic to the public address from outside any node, for the workers'
# capture probe: their own IP filter must not hide it from capture.
( while :; do echo x >/dev/udp/{PUBLIC_ADDR}/9; sleep 0.05; done ) 2>/dev/null &
traffic=$!
start_cluster
for n in $(nodes); do
    wait_for 20 test -s "$SPOOL/$n/zeek-stand-in.probe" || fail "node $n wrote no probe results"
    cp "$SPOOL/$n/zeek-stand-in.probe" "/res/probes/$n.probe"
done
kill $traffic
# The nodes' rotated files are in the queue (or archived already, if the
# archiver started after them); one more that only the restarted archiver
# can have moved.
echo queued >"$SPOOL/log-queue/scenario.probe.log"
chown zeek:zeek "$SPOOL/log-queue/scenario.probe.log"
rm -f "$SPOOL/log-queue/zeek-stand-in.probe"
systemctl restart zeek-archiver.service
wait_for 20 test -s "$SPOOL/log-queue/zeek-stand-in.probe" || fail "the archiver wrote no probe results"
cp "$SPOOL/log-queue/zeek-stand-in.probe" /res/probes/archiver.probe
ls /opt/zeek/logs >/res/log-dir.txt
ls "$SPOOL/log-queue" >/res/log-queue.txt
for u in {units}; do
    systemd-analyze security --no-pager "$u" >"/res/security/$u" 2>&1
done
true
"#
    )
}

struct Outcome {
    result: BootResult,
    /// Overall exposure per unit.
    scores: BTreeMap<String, f64>,
}

impl Outcome {
    /// The probe results of a node (or "archiver"): name -> "ok" or
    /// "denied:<error>".
    fn probes(&self, node: &str) -> BTreeMap<String, String> {
        let text = self.result.read(&format!("probes/{node}.probe"));
        assert!(
            text.ends_with("end=1\n"),
            "{node}: incomplete probe results:\n{text}"
        );
        text.lines()
            .filter_map(|l| l.strip_prefix("probe."))
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn probe(&self, node: &str, name: &str) -> String {
        self.probes(node)
            .get(name)
            .cloned()
            .unwrap_or_else(|| panic!("{node}: no probe {name}: {:?}", self.probes(node)))
    }

    fn score(&self, unit: &str) -> f64 {
        self.scores[unit]
    }
}

/// Boots a cluster at this hardening level and collects probes and scores.
fn boot(hardening: &str, with_ip_allow: bool) -> Option<Outcome> {
    if !real_systemd_available() {
        return None;
    }
    let mut boot = Boot::new(&config(hardening, with_ip_allow), &NODES, &scenario());
    // nspawn's seccomp filter denies bpf(2) by default; without it the
    // container's systemd cannot enforce IPAddressDeny= (it says so at
    // debug level and runs the unit unfiltered).
    boot.nspawn_args.push("--system-call-filter=bpf".into());
    let result = run(&boot);
    result.assert_passed();
    let mut scores = BTreeMap::new();
    for unit in UNITS {
        let text = result.read(&format!("security/{unit}"));
        let prefix = format!("Overall exposure level for {unit}: ");
        let score = text
            .lines()
            .find_map(|l| l.split_once(&prefix).map(|(_, rest)| rest.to_string()))
            .and_then(|rest| rest.split_whitespace().next()?.parse::<f64>().ok())
            .unwrap_or_else(|| panic!("no overall exposure for {unit}:\n{text}"));
        println!("hardening = {hardening:?}, ip_allow: {with_ip_allow}: {unit}: {score}");
        scores.insert(unit.to_string(), score);
    }
    Some(Outcome { result, scores })
}

fn assert_ok(outcome: &Outcome, node: &str, name: &str) {
    let got = outcome.probe(node, name);
    assert_eq!(got, "ok", "{node}: probe {name}");
}

fn assert_denied(outcome: &Outcome, node: &str, name: &str, error: &str) {
    let got = outcome.probe(node, name);
    assert_eq!(got, format!("denied:{error}"), "{node}: probe {name}");
}

/// What holds at every level: the node runs, writes its own dir, rotates
/// (manager, loggers), workers capture with their ambient CAP_NET_RAW and
/// nobody else can, ZeroMQ's needs are met, the archiver archives.
fn assert_zeek_works(outcome: &Outcome) {
    for node in NODES {
        assert_ok(outcome, node, "own_spool");
        assert_ok(outcome, node, "tmp");
        assert_ok(outcome, node, "var_tmp");
        assert_ok(outcome, node, "netlink");
        assert_ok(outcome, node, "sched_other");
        assert_ok(outcome, node, "connect.localhost");
        assert_ok(outcome, node, "connect.private");
        if node.starts_with("worker-") {
            assert_ok(outcome, node, "af_packet");
            assert_ok(outcome, node, "capture");
        } else {
            assert!(
                outcome.probe(node, "af_packet").starts_with("denied:"),
                "{node}: only workers may open packet sockets"
            );
        }
    }
    for node in ["manager", "logger-1"] {
        assert_ok(outcome, node, "rotate");
        assert_ok(outcome, node, "log_queue");
    }
    let archiver = outcome.probes("archiver");
    assert_eq!(
        archiver
            .get("archive.scenario.probe.log")
            .map(String::as_str),
        Some("ok"),
        "the archiver moves a queued log: {archiver:?}"
    );
    for (name, value) in &archiver {
        if name.starts_with("archive.") {
            assert_eq!(value, "ok", "archiver: {name}");
        }
    }
    let logs = outcome.result.read("log-dir.txt");
    for file in [
        "manager.probe.log",
        "logger-1.probe.log",
        "scenario.probe.log",
    ] {
        assert!(
            logs.lines().any(|l| l == file),
            "{file} not archived:\n{logs}"
        );
    }
    let queue = outcome.result.read("log-queue.txt");
    assert!(
        !queue.lines().any(|l| l.ends_with(".log")),
        "left in the queue:\n{queue}"
    );
}

#[test]
fn strict_scores_within_targets_and_confines_every_node() {
    let Some(outcome) = boot("strict", false) else {
        return;
    };
    for unit in &UNITS[..3] {
        assert!(
            outcome.score(unit) <= 1.2,
            "{unit}: exposure {} > 1.2",
            outcome.score(unit)
        );
    }
    let worker = outcome.score("zeek@worker-X-1.service");
    assert!(worker <= 1.7, "worker: exposure {worker} > 1.7");
    let archiver = outcome.score("zeek-archiver.service");
    assert!(archiver <= 0.5, "archiver: exposure {archiver} > 0.5");

    assert_zeek_works(&outcome);
    const RO: &str = "Read-only file system";
    for node in NODES {
        assert_denied(&outcome, node, "etc", RO);
        assert_denied(&outcome, node, "generated_scripts", RO);
        // PrivateTmp: /tmp is writable but not the host's.
        assert_denied(
            &outcome,
            node,
            "host_tmp_marker",
            "No such file or directory",
        );
        // No IP filter unless the config sets ip_allow.
        assert_ok(&outcome, node, "connect.public");
    }
    for node in ["proxy-1", "worker-X-1"] {
        assert_denied(&outcome, node, "log_queue", RO);
        assert!(outcome.probe(node, "rotate").starts_with("denied:"));
        let others: Vec<(String, String)> = outcome
            .probes(node)
            .into_iter()
            .filter(|(k, _)| k.starts_with("other_spool."))
            .collect();
        assert_eq!(others.len(), NODES.len() - 1, "{node}: {others:?}");
        for (name, value) in others {
            assert_eq!(value, format!("denied:{RO}"), "{node}: {name}");
        }
    }
    // The price of rename(2)-based rotation: the manager and loggers have
    // the whole spool as one writable mount (their own dir and the queue
    // must be on one mount), so they can write other nodes' dirs. The
    // nodes that parse traffic (workers) and proxies cannot.
    for node in ["manager", "logger-1"] {
        for other in NODES.iter().filter(|n| **n != node) {
            assert_ok(&outcome, node, &format!("other_spool.{other}"));
        }
    }
    assert_denied(&outcome, "archiver", "etc", RO);
    for node in NODES {
        assert_denied(&outcome, "archiver", &format!("other_spool.{node}"), RO);
    }
}

#[test]
fn strict_with_ip_allow_admits_only_the_listed_networks() {
    let Some(outcome) = boot("strict", true) else {
        return;
    };
    for unit in &UNITS[..3] {
        assert!(
            outcome.score(unit) <= 1.2,
            "{unit}: {}",
            outcome.score(unit)
        );
    }
    assert!(outcome.score("zeek@worker-X-1.service") <= 1.7);
    assert_zeek_works(&outcome);
    for node in NODES {
        // localhost, the listed private ranges and the cluster's
        // addresses pass; a public address is dropped.
        assert_ok(&outcome, node, "connect.localhost");
        assert_ok(&outcome, node, "connect.private");
        assert!(
            outcome.probe(node, "connect.public").starts_with("denied:"),
            "{node}: reached a public address"
        );
    }
}

#[test]
fn basic_keeps_zeek_working_with_lighter_sandbox() {
    let Some(outcome) = boot("basic", false) else {
        return;
    };
    assert_zeek_works(&outcome);
    // Less hardened than strict, and scored so.
    for unit in &UNITS[..3] {
        assert!(outcome.score(unit) > 1.2, "{unit}: {}", outcome.score(unit));
    }
    assert!(outcome.score("zeek@worker-X-1.service") > 1.7);
    for node in NODES {
        // ProtectSystem=full: /etc read-only, the rest of the tree not.
        assert_denied(&outcome, node, "etc", "Read-only file system");
        assert_denied(
            &outcome,
            node,
            "host_tmp_marker",
            "No such file or directory",
        );
        // No IP allow list unless the config sets ip_allow.
        assert_ok(&outcome, node, "connect.public");
    }
    // Nothing keeps a node to its own dir: all run as the same user.
    assert_ok(&outcome, "worker-X-1", "other_spool.manager");
}

#[test]
fn off_keeps_zeek_working_without_sandbox() {
    let Some(outcome) = boot("off", false) else {
        return;
    };
    assert_zeek_works(&outcome);
    for unit in UNITS {
        let basic_floor = if unit.contains("worker") { 1.7 } else { 1.2 };
        assert!(outcome.score(unit) > basic_floor, "{unit}");
    }
    for node in NODES {
        // Only file permissions: /etc is root's.
        assert_denied(&outcome, node, "etc", "Permission denied");
        assert_ok(&outcome, node, "host_tmp_marker");
        assert_ok(&outcome, node, "connect.public");
    }
}

/// `[cluster] ip_allow` as rendered (no container needed): off by default
/// (no guess), an explicit list, `["any"]`, and "any" mixed with entries.
#[test]
fn ip_allow_default_explicit_and_off() {
    let render = |extra: &str| {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("cluster.toml");
        std::fs::write(
            &config,
            format!(
                "{extra}\n[[interface]]\nname = \"X\"\ncapture = \"af_packet::lo\"\nworkers = 1\n"
            ),
        )
        .unwrap();
        let out = std::process::Command::new(common::program())
            .arg("--config")
            .arg(&config)
            .arg("render")
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).to_string(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let allow = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| l.starts_with("IPAddress"))
            .map(str::to_string)
            .collect()
    };
    let (ok, text, _) = render("");
    assert!(ok);
    // No filter on the nodes unless asked for; the stock archiver has no
    // network at all.
    assert_eq!(allow(&text), ["IPAddressDeny=any"]);
    let (ok, text, _) = render("[cluster]\nip_allow = [\"192.0.2.7\"]");
    assert!(ok);
    assert_eq!(
        allow(&text),
        [
            "IPAddressDeny=any",
            "IPAddressAllow=localhost",
            "IPAddressAllow=192.0.2.7",
            "IPAddressDeny=any",
        ]
    );
    let (ok, text, _) = render("[zeek]\nhardening = \"basic\"");
    assert!(ok);
    assert!(allow(&text).is_empty(), "{:?}", allow(&text));
    let (ok, text, _) = render("[cluster]\nip_allow = [\"any\"]");
    assert!(ok);
    assert_eq!(allow(&text), ["IPAddressDeny=any"], "only the archiver's");
    let (ok, _, err) = render("[cluster]\nip_allow = [\"any\", \"10.0.0.1\"]");
    assert!(!ok);
    assert!(
        err.contains(":2:") && err.contains("ip_allow") && err.contains("\"any\""),
        "{err}"
    );
}
