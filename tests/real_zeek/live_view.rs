//! The live view against a real Zeek cluster under a real systemd (issue
//! 27): one boot of a manager, a logger, a proxy and two AF_PACKET workers
//! on `lo`, with local networks loaded from a site script as
//! `import-zeekctl` writes it. In one scenario: `print Site::local_nets`
//! from every node, `print` of an ID Zeek does not know, `print` with a
//! stopped worker (named, bounded by `--timeout`), `peers` while a worker
//! is stopped, and after `kill -9` of a worker until systemd restarted it;
//! `top --once` of the running nodes; a real Prometheus (Debian's,
//! unpacked by tests/setup-debian.sh) reading the targets file
//! zeek-setup.service writes finds every node up at the configured
//! `metrics_address` with the labels node, role, host and cluster, and the
//! stopped worker down.
//! Every verb's output is printed
//! (`cargo test --test real_zeek live_view -- --nocapture`).

use crate::common;

use std::time::Duration;

use common::real_zeek;
use common::{run, Boot, BootResult};

const NODES: [&str; 5] = [
    "manager",
    "logger-1",
    "proxy-1",
    "worker-lo-1",
    "worker-lo-2",
];

/// The networks of the site script; every node must give them back.
const NETWORKS: [&str; 2] = ["10.20.0.0/16", "192.168.77.0/24"];

/// A restart after 5 s: long enough for `peers` to see the killed worker
/// gone before systemd brings it back.
fn config() -> String {
    r#"
[zeek]
autostart = false
restart_sec = 5
args = ["local", "ignore_checksums=T", "/etc/zeek/local-networks.zeek"]

[cluster]
# Not the cluster address (127.0.0.1): the nodes must bind their metrics
# here, and the targets file must name it, for Prometheus to find them.
metrics_address = "127.0.0.2"

[[interface]]
name = "lo"
capture = "af_packet::lo"
workers = 2
cpus = "0-1"
"#
    .to_string()
}

fn networks_script() -> String {
    format!("redef Site::local_nets += {{ {} }};\n", NETWORKS.join(", "))
}

/// `$G VERB ...` into /res/NAME.txt (stdout and stderr), its exit status
/// into /res/NAME.rc and its run time in ms into /res/NAME.ms.
const RECORD: &str = r#"
G=/etc/systemd/system-generators/zeek-systemd-generator
record() {
    local name=$1 t0 t1 rc
    shift
    t0=$(now)
    "$G" "$@" >"/res/$name.txt" 2>&1
    rc=$?
    t1=$(now)
    echo "$rc" >"/res/$name.rc"
    echo $(((t1 - t0) / 1000000)) >"/res/$name.ms"
    return "$rc"
}
# until SECONDS COMMAND...: retry COMMAND (which may itself take seconds)
# until it succeeds or SECONDS passed.
until_ok() {
    local end=$((SECONDS + $1))
    shift
    while ((SECONDS < end)); do
        "$@" && return 0
        sleep 0.5
    done
    return 1
}
peers_says() { record "$1" peers --timeout 3; grep -Eq "^$2 +$3 " "/res/$1.txt"; }
"#;

fn scenario() -> String {
    format!(
        r#"
export SPOOL=/opt/zeek/spool LOG_DIR=/opt/zeek/logs
. /etc/zeek-test/zeek-lib.sh
{RECORD}
start_zeek
cp /run/zeek-systemd/prometheus-targets.json /res/ 2>/dev/null
start_prometheus
wait_hellos 120
ss -ltnH >/res/listening.txt
# The nodes subscribe to their topics a moment after the hellos.
until_ok 60 record print-nets print Site::local_nets --timeout 3
record print-nets-json print Site::local_nets --timeout 3 --json
record print-unknown print No::such_id --timeout 3
record print-table print Cluster::nodes --timeout 3
record print-record print Cluster::worker_pool_spec --timeout 3
record peers-all-up peers --timeout 3
until_ok 60 prom_all_up
cp /res/prom-now.json /res/prom-up.json
record top top --once --interval 1
record top-json top --json --interval 1

systemctl stop zeek@worker-lo-2.service
record print-stopped print Site::local_nets --timeout 3
until_ok 30 prom_has worker-lo-2 0
cp /res/prom-now.json /res/prom-stopped.json
until_ok 30 peers_says peers-stopped worker-lo-2 down
systemctl start zeek@worker-lo-2.service

until_ok 60 peers_says peers-before-kill worker-lo-2 up
old=$(main_pid worker-lo-1)
kill -9 "$old"
until_ok 30 peers_says peers-killed worker-lo-1 down
wait_for 60 eval '[ "$(main_pid worker-lo-1)" != "$old" ] && [ "$(main_pid worker-lo-1)" != 0 ]'
until_ok 90 peers_says peers-restarted worker-lo-1 up
echo "$old $(main_pid worker-lo-1)" >/res/worker-pids.txt
journalctl -b -o cat --no-pager -u 'zeek*' >/res/zeek-journal.log
true
"#
    )
}

/// Debian's Prometheus, unpacked by tests/setup-debian.sh.
pub(crate) fn prometheus() -> std::path::PathBuf {
    let path = common::root().join("target/prometheus/root/usr/bin/prometheus");
    assert!(
        path.is_file(),
        "no Prometheus at {}: run tests/setup-debian.sh",
        path.display()
    );
    path
}

fn boot() -> Option<BootResult> {
    if !common::real_systemd_available() {
        return None;
    }
    let prefix = real_zeek::zeek_prefix()?;
    let _one_at_a_time = real_zeek::serial();
    let mut boot = Boot::new(&config(), &NODES, &scenario());
    boot.etc_zeek_files
        .push(("local-networks.zeek".into(), networks_script()));
    boot.stand_in = false;
    boot.timeout_secs = 420;
    boot.share_held = true;
    boot.binds.extend(real_zeek::binds(&prefix));
    boot.binds.push(real_zeek::lib_bind());
    boot.binds
        .push((prometheus(), "/opt/prometheus/prometheus".into()));
    let result = run(&boot);
    result.assert_passed();
    println!("timing: {}", result.read("timing").trim());
    Some(result)
}

/// What a verb printed, its exit status and run time, echoed for the log.
struct Ran {
    text: String,
    rc: String,
    ms: u64,
}

fn ran(result: &BootResult, name: &str, command: &str) -> Ran {
    let ran = Ran {
        text: result.read(&format!("{name}.txt")),
        rc: result.read(&format!("{name}.rc")).trim().to_string(),
        ms: result
            .read(&format!("{name}.ms"))
            .trim()
            .parse()
            .unwrap_or(0),
    };
    println!(
        "$ zeek-systemd {command}   # exit {}, {} ms\n{}",
        ran.rc, ran.ms, ran.text
    );
    ran
}

/// The row of `node` in a `print` table.
fn row<'t>(text: &'t str, node: &str) -> &'t str {
    text.lines()
        .find(|l| l.trim_start().starts_with(&format!("{node} ")))
        .unwrap_or_else(|| panic!("no row for {node}:\n{text}"))
}

fn assert_print(result: &BootResult) {
    let nets = ran(result, "print-nets", "print Site::local_nets --timeout 3");
    assert_eq!(nets.rc, "0", "print failed:\n{}", nets.text);
    for node in NODES {
        let line = row(&nets.text, node);
        for net in NETWORKS {
            assert!(line.contains(net), "{node} lacks {net}: {line}");
        }
    }
    let json = ran(result, "print-nets-json", "print Site::local_nets --json");
    let answers: serde_json::Value = serde_json::from_str(&json.text).expect("print --json");
    assert_eq!(answers.as_array().map(Vec::len), Some(NODES.len()));
    let unknown = ran(result, "print-unknown", "print No::such_id --timeout 3");
    for node in NODES {
        let line = row(&unknown.text, node);
        assert!(line.contains("No::such_id = <unknown id>"), "{line}");
    }
    // A table of records: every node knows every other node's type.
    let table = ran(result, "print-table", "print Cluster::nodes --timeout 3");
    assert_eq!(table.rc, "0", "{}", table.text);
    for node in NODES {
        let line = row(&table.text, node);
        for other in NODES {
            assert!(
                line.contains(&format!("[{other}] = [")),
                "{node} lacks {other}: {line}"
            );
        }
        assert!(line.contains("node_type=Cluster::WORKER"), "{line}");
    }
    let record = ran(
        result,
        "print-record",
        "print Cluster::worker_pool_spec --timeout 3",
    );
    assert_eq!(record.rc, "0", "{}", record.text);
    for node in NODES {
        let line = row(&record.text, node);
        // The topic is Zeek's to spell (ZeroMQ: dots, Broker: slashes).
        assert!(
            line.contains("= [topic=zeek") && line.contains("node_type=Cluster::WORKER, "),
            "{line}"
        );
    }
}

fn assert_stopped_worker_named(result: &BootResult) {
    let stopped = ran(
        result,
        "print-stopped",
        "print Site::local_nets --timeout 3   # worker-lo-2 stopped",
    );
    assert_eq!(stopped.rc, "1", "{}", stopped.text);
    assert!(
        row(&stopped.text, "worker-lo-2").contains("<no answer within 3 s>"),
        "{}",
        stopped.text
    );
    assert!(stopped
        .text
        .contains("no answer within 3 s from worker-lo-2"));
    assert!(row(&stopped.text, "worker-lo-1").contains(NETWORKS[0]));
    // The timeout, plus connecting and the program's start.
    let bound = Duration::from_secs(5);
    assert!(
        Duration::from_millis(stopped.ms) < bound,
        "print took {} ms with a worker stopped (bound {bound:?})",
        stopped.ms
    );
}

/// `peers` output `name` has `node` in `state`.
fn assert_peer(result: &BootResult, name: &str, command: &str, node: &str, state: &str) {
    let peers = ran(result, name, command);
    let line = peers
        .text
        .lines()
        .find(|l| l.starts_with(&format!("{node} ")))
        .unwrap_or_else(|| panic!("no row for {node}:\n{}", peers.text));
    assert_eq!(
        line.split_whitespace().nth(1),
        Some(state),
        "{node} is not {state}:\n{}",
        peers.text
    );
}

fn assert_peers(result: &BootResult) {
    let all = ran(result, "peers-all-up", "peers --timeout 3");
    assert_eq!(all.rc, "0", "{}", all.text);
    for node in &NODES[1..] {
        assert!(row(&all.text, node).contains(" up "), "{}", all.text);
    }
    let stopped = "peers   # worker-lo-2 stopped";
    assert_peer(result, "peers-stopped", stopped, "worker-lo-2", "down");
    let killed = "peers   # worker-lo-1 killed (kill -9)";
    assert_peer(result, "peers-killed", killed, "worker-lo-1", "down");
    let back = "peers   # worker-lo-1 restarted by systemd";
    assert_peer(result, "peers-restarted", back, "worker-lo-1", "up");
    println!(
        "worker-lo-1 pid before/after: {}",
        result.read("worker-pids.txt")
    );
}

/// `top --once`: every node running, with its PID, CPU % and memory;
/// the PIDs are systemd's MainPIDs.
fn assert_top(result: &BootResult) {
    let top = ran(result, "top", "top --once --interval 1");
    assert_eq!(top.rc, "0", "{}", top.text);
    let json = ran(result, "top-json", "top --json --interval 1");
    let sample: serde_json::Value = serde_json::from_str(&json.text).expect("top --json");
    for node in NODES {
        let words: Vec<&str> = row(&top.text, node).split_whitespace().collect();
        assert_eq!(words[2], "running", "{}", top.text);
        assert!(words[3].parse::<u32>().is_ok(), "no PID: {}", top.text);
        assert!(words[4].parse::<f64>().is_ok(), "no CPU%: {}", top.text);
        assert!(words[5].ends_with('M'), "no memory: {}", top.text);
        let entry = sample["nodes"]
            .as_array()
            .and_then(|a| a.iter().find(|n| n["node"] == node))
            .unwrap_or_else(|| panic!("{node} not in top --json"));
        assert!(entry["cpu_percent"].as_f64().is_some(), "{entry}");
        assert!(
            entry["memory_bytes"].as_u64().unwrap_or(0) > 1 << 20,
            "{entry}"
        );
    }
}

/// Prometheus's `up` per node: (node, value) with the labels checked,
/// each scraped at an `instance` starting with `at(node)`.
pub(crate) fn up_values(
    result: &BootResult,
    name: &str,
    at: impl Fn(&str) -> &'static str,
) -> Vec<(String, String)> {
    let text = result.read(name);
    let answer: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}: {text}"));
    let results = answer["data"]["result"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    results
        .iter()
        .map(|r| {
            let m = &r["metric"];
            for label in ["node", "role", "host", "cluster", "instance"] {
                assert!(m[label].is_string(), "no label {label}: {r}");
            }
            let node = m["node"].as_str().unwrap_or("");
            assert!(
                m["instance"].as_str().unwrap_or("").starts_with(at(node)),
                "not the metrics address: {r}"
            );
            (
                node.to_string(),
                r["value"][1].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// A real Prometheus reading our targets file scraped every node at the
/// metrics address; a stopped worker is `up == 0`.
fn assert_prometheus(result: &BootResult) {
    println!(
        "/run/zeek-systemd/prometheus-targets.json:\n{}\nprometheus.yml:\n{}",
        result.read("prometheus-targets.json"),
        result.read("prometheus.yml")
    );
    println!(
        "$ curl -s 'http://127.0.0.1:9090/api/v1/query?query=up'\n{}\n# worker-lo-2 stopped:\n{}",
        result.read("prom-up.json"),
        result.read("prom-stopped.json")
    );
    let up = up_values(result, "prom-up.json", |_| "127.0.0.2:");
    for node in NODES {
        assert!(up.contains(&(node.into(), "1".into())), "{node}: {up:?}");
    }
    let stopped = up_values(result, "prom-stopped.json", |_| "127.0.0.2:");
    assert!(
        stopped.contains(&("worker-lo-2".into(), "0".into())),
        "{stopped:?}"
    );
    assert!(
        stopped.contains(&("worker-lo-1".into(), "1".into())),
        "{stopped:?}"
    );
}

/// The API listens on loopback only (the default).
fn assert_loopback_only(result: &BootResult) {
    let listening = result.read("listening.txt");
    let api: Vec<&str> = listening
        .lines()
        .filter(|l| l.contains(":27759 "))
        .collect();
    println!("listening on 27759: {api:?}");
    assert_eq!(api.len(), 1, "{listening}");
    assert!(api[0].contains("127.0.0.1:27759"), "{}", api[0]);
}

#[test]
fn print_and_peers_see_the_running_cluster() {
    let Some(result) = boot() else {
        return;
    };
    assert_loopback_only(&result);
    assert_print(&result);
    assert_top(&result);
    assert_prometheus(&result);
    assert_stopped_worker_named(&result);
    assert_peers(&result);
}
