//! A multi-host TOML config (SPEC 2.5) under a real systemd: the container
//! is one host of a two-host cluster (its hostname names it, as on a real
//! sensor: no `--host` at boot). Only that host's nodes start; the layout
//! zeek-setup writes lists the nodes of both hosts.

use crate::common;

use std::path::PathBuf;

use common::{real_systemd_available, run, Boot};

const HOSTNAME: &str = "zs-sensor";

const CLUSTER: &str = r#"
[hosts.zs-mgr]
address = "10.0.0.1"
manager = true
loggers = 1
proxies = 1

[hosts.zs-sensor]
address = "127.0.0.1"

[[hosts.zs-sensor.interface]]
name = "lo"
capture = "af_packet::lo"
workers = 2
"#;

const NODES: [&str; 2] = ["zs-sensor-worker-lo-1", "zs-sensor-worker-lo-2"];

#[test]
fn only_this_hosts_nodes_start_and_the_layout_lists_all() {
    if !real_systemd_available() {
        return;
    }
    let scenario = r#"
hostname >/res/hostname.txt
start_cluster
for n in $(nodes); do collect "$n"; done
ls /run/systemd/generator >/res/generated.txt
systemctl list-units --all --plain --no-legend --type=service,target 'zeek*' | cut -d' ' -f1 | grep -vx 'zeek-test.service' | sort >/res/units.txt
cp /var/lib/zeek-systemd/current/generated-scripts/cluster-layout.zeek /res/layout.zeek
journalctl -b -o cat --no-pager | grep -c 'is not one of the cluster' >/res/notice-count.txt
stop_cluster
true
"#;
    let work = tempfile::tempdir().expect("temp dir");
    let hostname_file: PathBuf = work.path().join("hostname");
    std::fs::write(&hostname_file, format!("{HOSTNAME}\n")).expect("hostname file");
    let mut boot = Boot::new(CLUSTER, &NODES, scenario);
    // systemd sets the hostname from /etc/hostname at boot, before the
    // generators run; nspawn's own (the machine name) would differ per run.
    boot.binds.push((hostname_file, "/etc/hostname".into()));
    boot.nspawn_args.push(format!("--hostname={HOSTNAME}"));
    let result = run(&boot);
    result.assert_passed();

    assert_eq!(result.read("hostname.txt").trim(), HOSTNAME);
    let units: Vec<String> = result
        .read("units.txt")
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(
        units,
        [
            // Ran once at start (config valid), from zeek-config-check.path.
            "zeek-config-check.service",
            // The free-space check every host runs (started by its timer).
            "zeek-disk-watch.service",
            // Loaded (inactive) by the nodes' Before=: their crash hooks.
            "zeek-node-crashed@zs-sensor-worker-lo-1.service",
            "zeek-node-crashed@zs-sensor-worker-lo-2.service",
            "zeek-setup.service",
            "zeek.target",
            "zeek@zs-sensor-worker-lo-1.service",
            "zeek@zs-sensor-worker-lo-2.service",
        ],
        "only this host's nodes (no archiver: no manager or logger here)"
    );
    let generated = result.read("generated.txt");
    assert!(!generated.contains("manager"), "{generated}");
    assert!(!generated.contains("zs-mgr"), "{generated}");
    for node in NODES {
        assert_eq!(result.show(node)["ActiveState"], "active", "{node}");
        let record = result.record(node);
        assert_eq!(record.env_var("CLUSTER_NODE"), Some(node));
    }
    let layout = result.read("layout.zeek");
    for line in [
        "\t[\"zs-mgr\"] = [$ip=10.0.0.1],",
        "\t[\"zs-sensor\"] = [$ip=127.0.0.1],",
        "    [\"manager\"] = [$node_type=Cluster::MANAGER, $ip=hosts[\"zs-mgr\"]$ip, $p=27760/tcp, $metrics_port=9991/tcp],",
        "    [\"zs-mgr-logger-1\"] = [$node_type=Cluster::LOGGER, $ip=hosts[\"zs-mgr\"]$ip, $p=27761/tcp, $manager=\"manager\", $metrics_port=9992/tcp],",
        "    [\"zs-mgr-proxy-1\"] = [$node_type=Cluster::PROXY, $ip=hosts[\"zs-mgr\"]$ip, $p=27762/tcp, $manager=\"manager\", $metrics_port=9993/tcp],",
        "    [\"zs-sensor-worker-lo-1\"] = [$node_type=Cluster::WORKER, $ip=hosts[\"zs-sensor\"]$ip, $manager=\"manager\", $metrics_port=9991/tcp],",
        "    [\"zs-sensor-worker-lo-2\"] = [$node_type=Cluster::WORKER, $ip=hosts[\"zs-sensor\"]$ip, $manager=\"manager\", $metrics_port=9992/tcp],",
    ] {
        assert!(layout.lines().any(|l| l == line), "no line {line:?} in:\n{layout}");
    }
    assert_eq!(
        result.read("notice-count.txt").trim(),
        "0",
        "a member host gets no notice"
    );
}
