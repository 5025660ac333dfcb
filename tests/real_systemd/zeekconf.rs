//! Zeek's `zeek.conf` under a real systemd (PID 1 in a throw-away
//! container): the generator reads it at boot from /etc/zeek, and
//! `systemctl start zeek.target` runs every node as planned. One
//! single-host file, and one host of a multi-host directory.

use crate::common;

use std::path::{Path, PathBuf};

use common::{real_systemd_available, run, Boot, BootResult};
use zeek_systemd::config::{self, zeekconf};
use zeek_systemd::model::{Cluster, Role};

const SPOOL: &str = "/opt/zeek/var/spool/zeek";

/// The scenario: start the cluster, collect every node and the archiver,
/// stop it.
fn scenario(archiver: bool) -> String {
    let archiver = if archiver {
        r#"wait_for 10 test -s "$SPOOL/log-queue/zeek-stand-in.record" || fail "the archiver did not start"
cp "$SPOOL/log-queue/zeek-stand-in.record" /res/records/archiver.record"#
    } else {
        "systemctl is-active zeek-archiver.service >/res/archiver-state.txt"
    };
    format!(
        r#"SPOOL={SPOOL}
start_cluster
for n in $(nodes); do collect "$n"; done
{archiver}
systemctl list-units --all --plain --no-legend 'zeek@*.service' | cut -d' ' -f1 | sort >/res/units.txt
cp /var/lib/zeek-systemd/current/generated-scripts/cluster-layout.zeek /res/layout.zeek
stop_cluster
true
"#
    )
}

/// Every local node of `cluster` ran as the model says: unit active and
/// its main process, argv, CLUSTER_NODE, working dir, account, env.
fn assert_nodes_as_planned(result: &BootResult, cluster: &Cluster) {
    let local: Vec<_> = cluster.nodes.iter().filter(|n| n.local).collect();
    let units: Vec<String> = local
        .iter()
        .map(|n| format!("zeek@{}.service", n.name))
        .collect();
    let mut expected = units.clone();
    expected.sort();
    let listed: Vec<String> = result
        .read("units.txt")
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(listed, expected, "the units systemd has");
    for node in local {
        let name = &node.name;
        let record = result.record(name);
        let show = result.show(name);
        assert_eq!(show["ActiveState"], "active", "{name}");
        assert_eq!(show["MainPID"], record.field("pid"), "{name}");
        assert_eq!(record.argv[0], "/opt/zeek/bin/zeek", "{name}");
        // A multi-host node also loads its host's identity and its part of
        // the cluster secrets, from its credentials dir (issue 18).
        let mut planned = node.args.to_vec();
        if !cluster.hosts.is_empty() {
            planned.push("/run/zeek-systemd/identity.zeek".into());
            planned.push(format!(
                "/run/credentials/zeek@{name}.service/zeek-cluster-secrets.zeek"
            ));
        }
        assert_eq!(record.args(), &planned[..], "{name}: argv as planned");
        assert_eq!(record.env_var("CLUSTER_NODE"), Some(name.as_str()));
        assert_eq!(record.field("cwd"), format!("{SPOOL}/{name}"), "{name}");
        assert_eq!(record.field("user"), "zeek", "{name}");
        for (key, value) in &node.env {
            assert_eq!(record.env_var(key), Some(value.as_str()), "{name}: {key}");
        }
        assert_eq!(
            record.env_var("PATH"),
            Some("/opt/zeek/bin:/usr/local/bin:/usr/bin:/bin"),
            "{name}"
        );
        if let Some(cpus) = &node.settings.cpus {
            let list: Vec<String> = cpus.0.iter().map(u32::to_string).collect();
            let allowed = record.field("Cpus_allowed_list");
            assert!(
                allowed == list.join(",") || (list == ["0", "1"] && allowed == "0-1"),
                "{name}: CPUs {allowed}, planned {list:?}"
            );
        }
    }
}

#[test]
fn single_host_zeek_conf_runs_every_node() {
    if !real_systemd_available() {
        return;
    }
    const CONF: &str = "\
# Section style, every role, pinning within CPUs 0-1.
[zeek]
manager = 1
loggers = 1
proxies = 1
env = GLOBAL=for every node
manager_cpu_set = 0-1
manager_nice = 1
logger_env = ROLE=logger
proxy_args = proxy-extra

[interface lo]
interface = af_packet::lo
workers = 2
workers_cpu_list = 1,0
worker_env = INTF=${interface_section_name}-${worker_index}-cpu${worker_cpu}
worker_nice = -2
";
    let nodes = [
        "manager",
        "logger-1",
        "proxy-1",
        "worker-lo-1",
        "worker-lo-2",
    ];
    let mut boot = Boot::new(CONF, &nodes, &scenario(true));
    boot.config_path = "zeek.conf".into();
    let result = run(&boot);
    result.assert_passed();

    let cluster = zeekconf::read(Path::new("/etc/zeek/zeek.conf"), CONF, &Default::default())
        .expect("valid config");
    assert_eq!(cluster.nodes.len(), nodes.len());
    assert_nodes_as_planned(&result, &cluster);
    let intf = |n: &str| result.record(n).env_var("INTF").map(str::to_string);
    assert_eq!(intf("worker-lo-1").as_deref(), Some("lo-1-cpu1"));
    assert_eq!(intf("worker-lo-2").as_deref(), Some("lo-2-cpu0"));
    assert_eq!(result.record("logger-1").env_var("ROLE"), Some("logger"));
    assert_eq!(
        result.record("worker-lo-1").env_var("INTERFACE"),
        Some("af_packet::lo")
    );
    assert_eq!(result.show("manager")["Nice"], "1");
    assert_eq!(result.show("worker-lo-2")["Nice"], "-2");
    let archiver = result.record_file("records/archiver.record");
    assert_eq!(
        archiver.argv,
        [
            "/opt/zeek/bin/zeek-archiver",
            "/opt/zeek/var/spool/zeek/log-queue",
            "/opt/zeek/var/logs/zeek"
        ]
    );
    assert_eq!(archiver.env_var("GLOBAL"), Some("for every node"));
    let layout = result.read("layout.zeek");
    for node in nodes {
        assert!(
            layout.contains(&format!("    [\"{node}\"] = ")),
            "{node}:\n{layout}"
        );
    }
    for role in [Role::Manager, Role::Logger, Role::Proxy, Role::Worker] {
        assert!(cluster.nodes.iter().any(|n| n.role == role), "{role:?}");
    }
}

const HOSTNAME: &str = "zs-sensor";

#[test]
fn one_host_of_a_multi_host_directory_runs_its_nodes() {
    if !real_systemd_available() {
        return;
    }
    // Zeek's multi-host example shape: the manager host says manager = 1,
    // the sensor lists only its address and interface (so no manager,
    // logger or proxy there).
    let manager_host = "manager = 1\nloggers = 1\nproxies = 1\naddress = 10.0.0.1\n";
    let sensor = "\
[zeek]
address = 127.0.0.1

[interface lo]
interface = af_packet::lo
workers = 2
workers_cpu_list = 0-1
";
    let nodes = ["zs-sensor-worker-lo-1", "zs-sensor-worker-lo-2"];
    let mut boot = Boot::new(sensor, &nodes, &scenario(false));
    boot.config_path = format!("cluster/{HOSTNAME}.zeek.conf");
    boot.etc_zeek_files
        .push(("cluster/zs-mgr.zeek.conf".into(), manager_host.into()));
    let work = tempfile::tempdir().expect("temp dir");
    let hostname_file: PathBuf = work.path().join("hostname");
    std::fs::write(&hostname_file, format!("{HOSTNAME}\n")).expect("hostname file");
    boot.binds.push((hostname_file, "/etc/hostname".into()));
    boot.nspawn_args.push(format!("--hostname={HOSTNAME}"));
    let result = run(&boot);
    result.assert_passed();

    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("zs-mgr.zeek.conf"), manager_host).unwrap();
    std::fs::write(dir.path().join(format!("{HOSTNAME}.zeek.conf")), sensor).unwrap();
    let source = config::find_for_host(Some(dir.path()), dir.path(), Some(HOSTNAME))
        .expect("a multi-host directory");
    let options = config::ReadOptions {
        host: Some(HOSTNAME.into()),
        ..Default::default()
    };
    let cluster = config::load(&source, &options).expect("valid directory");
    let local: Vec<&str> = cluster
        .nodes
        .iter()
        .filter(|n| n.local)
        .map(|n| n.name.as_str())
        .collect();
    assert_eq!(local, nodes);
    assert_nodes_as_planned(&result, &cluster);
    assert_eq!(
        result.read("archiver-state.txt").trim(),
        "inactive",
        "no archiver on a host without manager and loggers"
    );
    let layout = result.read("layout.zeek");
    for line in [
        "    [\"manager\"] = [$node_type=Cluster::MANAGER, $ip=hosts[\"zs-mgr\"]$ip, $p=27760/tcp, $metrics_port=9991/tcp],",
        "    [\"zs-sensor-worker-lo-2\"] = [$node_type=Cluster::WORKER, $ip=hosts[\"zs-sensor\"]$ip, $manager=\"manager\", $metrics_port=9992/tcp],",
    ] {
        assert!(layout.lines().any(|l| l == line), "no {line:?} in:\n{layout}");
    }
}
