//! A real Zeek cluster over two hosts (SPEC 2.5): two containers on a
//! private network of their own (tests/common/network.rs:
//! `systemd-nspawn --network-zone`, the addresses exist only on that
//! link). The manager host runs the manager, a logger and a proxy;
//! the sensor host two AF_PACKET workers on its `lo`. The manager host's
//! logger must hear every node of both hosts: with the ZeroMQ backend this
//! needs the XPUB/XSUB endpoints on the manager's address. Once from one
//! TOML file, once from a zeek.conf `cluster/` dir. From the TOML file
//! also the live view across hosts (issue 27): `print` on the manager host
//! gets every node of both hosts, and the manager's WebSocket API port is
//! not reachable from the sensor;
//! a Prometheus on the manager's host, reading the targets file, finds
//! every node of both hosts up, the sensor's at its `metrics_address` on a
//! second network. The zeek.conf dir puts the API on the manager's
//! cluster address (`websocket = 10.77.0.1:27759`): `print` answers, the
//! sensor reaches the port, and `check` warns that it has no
//! authentication.

use crate::common;

use std::path::Path;

use common::network::{self, NetHost, Network};
use common::real_zeek;
use common::BootResult;

const MANAGER_HOST: &str = "zs-mgr";
const SENSOR_HOST: &str = "zs-sensor";

const MANAGER_NODES: [&str; 3] = ["manager", "zs-mgr-logger-1", "zs-mgr-proxy-1"];
const SENSOR_NODES: [&str; 2] = ["zs-sensor-worker-lo-1", "zs-sensor-worker-lo-2"];

const TOML: &str = r#"
[zeek]
autostart = false

[hosts.zs-mgr]
address = "10.77.0.1"
manager = true
loggers = 1
proxies = 1

[hosts.zs-sensor]
address = "10.77.0.2"
# A second network (the scenarios add it): Prometheus on the manager's
# host scrapes the sensor's workers there.
metrics_address = "10.78.0.2"

[[hosts.zs-sensor.interface]]
name = "lo"
capture = "af_packet::lo"
workers = 2
"#;

/// Zeek's per-host form. Roles said explicitly (Zeek's generator has none
/// unless the file names them); the ZeroMQ multi-host script is loaded as
/// Zeek documents it (zeek.conf configs keep Zeek's command line).
/// `websocket` is this product's own key (Zeek's generator refuses it):
/// the API on the cluster address, reachable from the sensor.
const ZEEKCONF_MANAGER: &str = "\
[zeek]
base_dir = /opt/zeek
manager = 1
loggers = 1
proxies = 1
address = 10.77.0.1
args = local policy/misc/zeromq-multi-host-auto-setup
websocket = 10.77.0.1:27759
";

const ZEEKCONF_SENSOR: &str = "\
[zeek]
base_dir = /opt/zeek
manager = 0
loggers = 0
proxies = 0
address = 10.77.0.2
args = local policy/misc/zeromq-multi-host-auto-setup

[interface lo]
interface = af_packet::lo
workers = 2
";

/// What a boot checks besides the cluster forming.
#[derive(Clone, Copy, PartialEq, Eq)]
enum LiveView {
    /// TOML: `print`, Prometheus, and the API port (on the manager's
    /// loopback) tried from the sensor.
    Full,
    /// zeek.conf with `websocket` on the cluster address: `print`,
    /// `check`'s warning, and the API port tried from the sensor.
    RemoteApi,
}

/// One host's part: put its address on the private link, start its
/// nodes; the manager host waits until its logger heard every node of
/// both hosts, then tells the sensor (through /shared) that it may stop.
/// With `live_view`, the manager host asks every node of both hosts with
/// `print`, and the sensor tries to reach the manager's API port on its
/// cluster address.
fn scenario(address: &str, spool: &str, manager_host: bool, live_view: Option<LiveView>) -> String {
    let wait = match (manager_host, live_view) {
        (true, _) => format!(
            r#"
use_nodes all-nodes
wait_hellos 150
use_nodes nodes
live_log cluster >/res/cluster.log
touch /shared/heard-all
{print}
"#,
            print = match live_view {
                Some(LiveView::Full) => MANAGER_LIVE_VIEW,
                Some(LiveView::RemoteApi) => MANAGER_REMOTE_API,
                None => "",
            }
        ),
        (false, Some(_)) => format!(
            r#"
wait_for 200 test -e /shared/heard-all || fail "the manager host did not hear every node"
{SENSOR_LIVE_VIEW}
"#
        ),
        (false, None) => r#"
wait_for 200 test -e /shared/heard-all || fail "the manager host did not hear every node"
"#
        .to_string(),
    };
    format!(
        r#"{start}
{management}
ip -brief addr >/res/addresses.txt
start_zeek
{wait}
save_restarts
true
"#,
        start = network::scenario_start(address, spool),
        management = if live_view == Some(LiveView::Full) {
            // 10.77.0.N -> 10.78.0.N: the management network.
            format!(
                "ip addr add {}/24 dev host0",
                address.replace("10.77.", "10.78.")
            )
        } else {
            String::new()
        },
    )
}

/// The manager host: `print` reaches the nodes of both hosts (the manager
/// relays); it stays up until the sensor probed its API port.
const MANAGER_LIVE_VIEW: &str = r#"
G=/etc/systemd/system-generators/zeek-systemd-generator
for _ in $(seq 60); do
    "$G" print Cluster::node --timeout 3 >/res/print.txt 2>&1 && break
    sleep 0.5
done
start_prometheus
use_nodes all-nodes
wait_for 60 prom_all_up
cp /res/prom-now.json /res/prom-up.json
cp /run/zeek-systemd/prometheus-targets.json /res/
use_nodes nodes
touch /shared/scraped
(exec 3<>/dev/tcp/127.0.0.1/27759) 2>/dev/null && echo reachable >/res/api-local.txt || echo unreachable >/res/api-local.txt
wait_for 60 test -e /shared/probed || fail "the sensor did not probe the API port"
"#;

/// The manager host of the zeek.conf dir: `print` reaches the nodes of
/// both hosts through the API on the cluster address, `check` says it has
/// no authentication; it stays up until the sensor probed the port.
const MANAGER_REMOTE_API: &str = r#"
G=/etc/systemd/system-generators/zeek-systemd-generator
for _ in $(seq 60); do
    "$G" print Cluster::node --timeout 3 >/res/print.txt 2>&1 && break
    sleep 0.5
done
"$G" check >/res/check.txt 2>&1 || true
touch /shared/scraped
wait_for 60 test -e /shared/probed || fail "the sensor did not probe the API port"
"#;

/// The sensor: runs its workers until the manager's Prometheus scraped
/// them (or, without Prometheus, `print` ran), then tries the manager's API port on the manager's cluster
/// address.
const SENSOR_LIVE_VIEW: &str = r#"
wait_for 120 test -e /shared/scraped || fail "the manager host did not scrape the workers"
if timeout 5 bash -c '(exec 3<>/dev/tcp/10.77.0.1/27759)' 2>/dev/null; then
    echo reachable >/res/api-remote.txt
else
    echo unreachable >/res/api-remote.txt
fi
touch /shared/probed
"#;

struct Host {
    net: NetHost,
    nodes: &'static [&'static str],
    manager: bool,
}

const HOSTS: [Host; 2] = [
    Host {
        net: NetHost {
            name: MANAGER_HOST,
            address: "10.77.0.1",
        },
        nodes: &MANAGER_NODES,
        manager: true,
    },
    Host {
        net: NetHost {
            name: SENSOR_HOST,
            address: "10.77.0.2",
        },
        nodes: &SENSOR_NODES,
        manager: false,
    },
];

/// Boots both hosts at once on a fresh zone; returns (manager, sensor).
/// The config every host gets: (path under /etc/zeek, text) of each file.
fn boot_both(
    tag: &str,
    prefix: &Path,
    files: &[(String, String)],
    spool: &str,
    live_view: Option<LiveView>,
) -> Vec<BootResult> {
    let net = Network::new(tag);
    let all_nodes = network::node_list(HOSTS.iter().flat_map(|h| h.nodes.iter().copied()));
    let boots: Vec<_> = HOSTS
        .iter()
        .map(|host| {
            let (path, text) = &files[0];
            let scenario = scenario(host.net.address, spool, host.manager, live_view);
            let mut boot = net
                .host(&host.net, prefix, text, host.nodes, &scenario)
                .file("all-nodes", &all_nodes);
            boot.config_path = path.clone();
            boot.etc_zeek_files = files[1..].to_vec();
            boot.timeout_secs = 360;
            if live_view == Some(LiveView::Full) && host.manager {
                let prometheus = crate::live_view::prometheus();
                boot.binds
                    .push((prometheus, "/opt/prometheus/prometheus".into()));
            }
            (host.net.name, boot)
        })
        .collect();
    net.boot_all(&boots)
}

fn assert_heard_all(results: &[BootResult]) {
    for result in results {
        result.assert_passed();
        println!("timing: {}", result.read("timing").trim());
        println!(
            "addresses: {}",
            result.read("addresses.txt").replace('\n', "; ")
        );
    }
    let log = results[0].read("cluster.log");
    for node in HOSTS.iter().flat_map(|h| h.nodes.iter()) {
        let heard = network::hellos(&log, node);
        println!("{MANAGER_HOST} logger cluster.log: {heard} x \"got hello from {node}\"");
        assert!(
            heard > 0,
            "the manager host's logger never heard {node}:\n{log}"
        );
    }
    for result in results {
        for line in result.read("restarts.txt").lines() {
            assert!(line.ends_with(" 0"), "a node restarted: {line}");
        }
    }
}

#[test]
fn toml_two_hosts_form_one_cluster() {
    if !common::real_systemd_available() {
        return;
    }
    let Some(prefix) = real_zeek::zeek_prefix() else {
        return;
    };
    let _one_at_a_time = real_zeek::serial();
    let results = boot_both(
        "mt",
        &prefix,
        &[("cluster.toml".into(), TOML.into())],
        "/opt/zeek/spool",
        Some(LiveView::Full),
    );
    assert_heard_all(&results);
    assert_live_view(&results);
}

/// `print` from the manager host got every node of both hosts.
fn assert_print(results: &[BootResult]) {
    let print = results[0].read("print.txt");
    println!("{MANAGER_HOST}$ zeek-systemd print Cluster::node --timeout 3\n{print}");
    for node in HOSTS.iter().flat_map(|h| h.nodes.iter()) {
        let line = print
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{node} ")))
            .unwrap_or_else(|| panic!("no row for {node}:\n{print}"));
        assert!(line.ends_with(&format!("Cluster::node = {node}")), "{line}");
    }
}

/// `print` from the manager host got every node of both hosts; the API
/// answers on the manager host's loopback, not from the sensor.
fn assert_live_view(results: &[BootResult]) {
    assert_print(results);
    let local = results[0].read("api-local.txt");
    let remote = results[1].read("api-remote.txt");
    println!(
        "WebSocket API port 27759: from {MANAGER_HOST} itself (127.0.0.1) {}, from {SENSOR_HOST} \
         (10.77.0.1) {}",
        local.trim(),
        remote.trim()
    );
    assert_eq!(local.trim(), "reachable");
    assert_eq!(remote.trim(), "unreachable");
    println!(
        "{MANAGER_HOST}: prometheus-targets.json:\n{}\n{MANAGER_HOST}$ curl -s \
         'http://127.0.0.1:9090/api/v1/query?query=up'\n{}",
        results[0].read("prometheus-targets.json"),
        results[0].read("prom-up.json")
    );
    let at = |node: &str| {
        if node.starts_with(SENSOR_HOST) {
            "10.78.0.2:"
        } else {
            "10.77.0.1:"
        }
    };
    let up = crate::live_view::up_values(&results[0], "prom-up.json", at);
    for node in HOSTS.iter().flat_map(|h| h.nodes.iter()) {
        assert!(
            up.contains(&(node.to_string(), "1".into())),
            "{node}: {up:?}"
        );
    }
}

#[test]
fn zeekconf_cluster_dir_two_hosts_form_one_cluster() {
    if !common::real_systemd_available() {
        return;
    }
    let Some(prefix) = real_zeek::zeek_prefix() else {
        return;
    };
    let _one_at_a_time = real_zeek::serial();
    let files = [
        (
            format!("cluster/{MANAGER_HOST}.zeek.conf"),
            ZEEKCONF_MANAGER.to_string(),
        ),
        (
            format!("cluster/{SENSOR_HOST}.zeek.conf"),
            ZEEKCONF_SENSOR.to_string(),
        ),
    ];
    let results = boot_both(
        "mc",
        &prefix,
        &files,
        "/opt/zeek/var/spool/zeek",
        Some(LiveView::RemoteApi),
    );
    assert_heard_all(&results);
    assert_print(&results);
    let remote = results[1].read("api-remote.txt");
    println!(
        "WebSocket API port 27759 (websocket = 10.77.0.1:27759): from {SENSOR_HOST} {}",
        remote.trim()
    );
    assert_eq!(remote.trim(), "reachable");
    let check = results[0].read("check.txt");
    println!("{MANAGER_HOST}$ zeek-systemd check\n{check}");
    assert!(
        check.contains(
            "[zeek] websocket: the WebSocket API on 10.77.0.1:27759 has no authentication"
        ),
        "{check}"
    );
}
