//! A real Zeek cluster over two hosts (SPEC 2.5): two containers on a
//! private network of their own (`systemd-nspawn --network-zone`: a bridge
//! on the host, a veth `host0` in each container; the addresses exist only
//! on that link). The manager host runs the manager, a logger and a proxy;
//! the sensor host two AF_PACKET workers on its `lo`. The manager host's
//! logger must hear every node of both hosts: with the ZeroMQ backend this
//! needs the XPUB/XSUB endpoints on the manager's address. Once from one
//! TOML file, once from a zeek.conf `cluster/` dir.

use crate::common;

use std::path::{Path, PathBuf};

use common::real_zeek;
use common::{run, Boot, BootResult};

const MANAGER_HOST: &str = "zs-mgr";
const SENSOR_HOST: &str = "zs-sensor";
const MANAGER_ADDR: &str = "10.77.0.1";
const SENSOR_ADDR: &str = "10.77.0.2";

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
        r#"
export SPOOL={spool}
. /etc/zeek-test/zeek-lib.sh
ip link set host0 up || fail "no host0 link"
ip addr add {address}/24 dev host0 || fail "ip addr add"
ip -brief addr >/res/addresses.txt
start_zeek
{wait}
save_restarts
true
"#
    )
}

struct Host {
    name: &'static str,
    address: &'static str,
    nodes: &'static [&'static str],
    manager: bool,
}

const HOSTS: [Host; 2] = [
    Host {
        name: MANAGER_HOST,
        address: MANAGER_ADDR,
        nodes: &MANAGER_NODES,
        manager: true,
    },
    Host {
        name: SENSOR_HOST,
        address: SENSOR_ADDR,
        nodes: &SENSOR_NODES,
        manager: false,
    },
];

/// Boots both hosts at once on a fresh zone; returns (manager, sensor).
/// The config every host gets: (path under /etc/zeek, text) of each file.
fn boot_both(tag: &str, prefix: &Path, files: &[(String, String)], spool: &str) -> Vec<BootResult> {
    let shared = tempfile::tempdir().expect("temp dir");
    // A bridge name is at most 15 bytes: "vz-" + zone.
    let zone = format!("zs{tag}{}", std::process::id() % 1_000_000);
    let _bridge = Bridge::up(&format!("vz-{zone}"));
    let all_nodes: String = HOSTS
        .iter()
        .flat_map(|h| h.nodes.iter())
        .map(|n| format!("{n}\n"))
        .collect();
    let boots: Vec<Boot> = HOSTS
        .iter()
        .map(|host| {
            let (path, text) = &files[0];
            let mut boot = Boot::new(
                text,
                host.nodes,
                &scenario(host.address, spool, host.manager),
            )
            .file("all-nodes", &all_nodes);
            boot.config_path = path.clone();
            boot.etc_zeek_files = files[1..].to_vec();
            boot.stand_in = false;
            boot.timeout_secs = 360;
            // Both hosts boot at once, inside the test's `serial()` share.
            boot.share_held = true;
            boot.binds.extend(real_zeek::binds(prefix));
            let hostname = shared.path().join(format!("hostname-{}", host.name));
            std::fs::write(&hostname, format!("{}\n", host.name)).unwrap();
            boot.binds.push((hostname, "/etc/hostname".into()));
            boot.binds.push((
                common::root().join("tests/real-zeek/lib.sh"),
                "/etc/zeek-test/zeek-lib.sh".into(),
            ));
            // No networkd: host0 carries only the address the scenario sets.
            for unit in ["systemd-networkd.service", "systemd-networkd.socket"] {
                boot.binds.push((
                    PathBuf::from("/dev/null"),
                    format!("/etc/systemd/system/{unit}"),
                ));
            }
            boot.nspawn_args.push(format!("--hostname={}", host.name));
            boot.nspawn_args.push(format!("--network-zone={zone}"));
            boot.nspawn_args
                .push(format!("--bind={}:/shared", shared.path().display()));
            boot
        })
        .collect();
    std::thread::scope(|s| {
        let handles: Vec<_> = boots.iter().map(|b| s.spawn(|| run(b))).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

/// The zone's bridge on the host, made and brought up by the test (nspawn
/// would make it, but leaves it down when the host runs no networkd);
/// removed on drop. It has no address: the hosts talk only to each other.
struct Bridge(String);

impl Bridge {
    fn up(name: &str) -> Bridge {
        let _ = ip(&["link", "del", name]);
        assert!(
            ip(&["link", "add", name, "type", "bridge"]),
            "cannot add bridge {name}"
        );
        assert!(
            ip(&["link", "set", name, "up"]),
            "cannot set bridge {name} up"
        );
        Bridge(name.to_string())
    }
}

impl Drop for Bridge {
    fn drop(&mut self) {
        let _ = ip(&["link", "del", &self.0]);
    }
}

fn ip(args: &[&str]) -> bool {
    std::process::Command::new("ip")
        .args(args)
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
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
        let needle = format!("got hello from {node} ");
        let heard = log.lines().filter(|l| l.contains(&needle)).count();
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
        "t",
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
    let results = boot_both("c", &prefix, &files, "/opt/zeek/var/spool/zeek");
    assert_heard_all(&results);
}
