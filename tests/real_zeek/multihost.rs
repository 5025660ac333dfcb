//! A real Zeek cluster over two hosts (SPEC 2.5): two containers on a
//! private network of their own (tests/common/network.rs:
//! `systemd-nspawn --network-zone`, the addresses exist only on that
//! link). The manager host runs the manager, a logger and a proxy;
//! the sensor host two AF_PACKET workers on its `lo`. The manager host's
//! logger must hear every node of both hosts: with the ZeroMQ backend this
//! needs the XPUB/XSUB endpoints on the manager's address. Once from one
//! TOML file, once from a zeek.conf `cluster/` dir.

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

[[hosts.zs-sensor.interface]]
name = "lo"
capture = "af_packet::lo"
workers = 2
"#;

/// Zeek's per-host form. Roles said explicitly (Zeek's generator has none
/// unless the file names them); the ZeroMQ multi-host script is loaded as
/// Zeek documents it (zeek.conf configs keep Zeek's command line).
const ZEEKCONF_MANAGER: &str = "\
[zeek]
base_dir = /opt/zeek
manager = 1
loggers = 1
proxies = 1
address = 10.77.0.1
args = local policy/misc/zeromq-multi-host-auto-setup
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

/// One host's part: put its address on the private link, start its
/// nodes; the manager host waits until its logger heard every node of
/// both hosts, then tells the sensor (through /shared) that it may stop.
fn scenario(address: &str, spool: &str, manager_host: bool) -> String {
    let wait = if manager_host {
        r#"
use_nodes all-nodes
wait_hellos 150
use_nodes nodes
live_log cluster >/res/cluster.log
touch /shared/heard-all
"#
    } else {
        r#"
wait_for 200 test -e /shared/heard-all || fail "the manager host did not hear every node"
"#
    };
    format!(
        r#"{start}
ip -brief addr >/res/addresses.txt
start_zeek
{wait}
save_restarts
true
"#,
        start = network::scenario_start(address, spool)
    )
}

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
fn boot_both(tag: &str, prefix: &Path, files: &[(String, String)], spool: &str) -> Vec<BootResult> {
    let net = Network::new(tag);
    let all_nodes = network::node_list(HOSTS.iter().flat_map(|h| h.nodes.iter().copied()));
    let boots: Vec<_> = HOSTS
        .iter()
        .map(|host| {
            let (path, text) = &files[0];
            let scenario = scenario(host.net.address, spool, host.manager);
            let mut boot = net
                .host(&host.net, prefix, text, host.nodes, &scenario)
                .file("all-nodes", &all_nodes);
            boot.config_path = path.clone();
            boot.etc_zeek_files = files[1..].to_vec();
            boot.timeout_secs = 360;
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
    );
    assert_heard_all(&results);
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
    let results = boot_both("mc", &prefix, &files, "/opt/zeek/var/spool/zeek");
    assert_heard_all(&results);
}
