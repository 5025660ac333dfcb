//! The generator under a real systemd (PID 1 in a throw-away container):
//! what each Zeek node process really gets.

use crate::common;

use std::path::Path;

use common::{real_systemd_available, run, Boot};
use zeek_systemd::config::{toml::read, ReadOptions};
use zeek_systemd::model::Role;

const CLUSTER: &str = r#"
[zeek]
args = ["local", "Site::local_nets += { 10.0.0.0/8 }"]
env = { ZEEK_GLOBAL = "for every node", QUOTED = "a \"b\" 100% $HOME \\${NOT_A_VAR} \\ ü" }

[manager]
cpus = "0-1"
nice = 1
memory_max = "2G"
env = { ROLE_ENV = "manager" }

[logger]
count = 2

[proxy]
count = 1
args = ["proxy-extra"]

[worker]
env = { WORKER_FROM = "worker section" }

[[interface]]
name = "lo"
capture = "af_packet::lo"
workers = 3
cpus = "1,0"
env = { INTF = "${interface_name}-${worker_index}-cpu${worker_cpu}" }
nice = -2

[[interface]]
name = "lo2"
capture = "af_packet::lo"
workers = 1
cpus = "1"
"#;

const NODES: [&str; 8] = [
    "manager",
    "logger-1",
    "logger-2",
    "proxy-1",
    "worker-lo-1",
    "worker-lo-2",
    "worker-lo-3",
    "worker-lo2-1",
];

#[test]
fn start_runs_every_node_as_configured() {
    if !real_systemd_available() {
        return;
    }
    let units: Vec<String> = NODES.iter().map(|n| format!("zeek@{n}.service")).collect();
    let scenario = format!(
        r#"
start_cluster
for n in $(nodes); do collect "$n"; done
wait_for 10 test -s "$SPOOL/log-queue/zeek-stand-in.record" || fail "the archiver did not start"
cp "$SPOOL/log-queue/zeek-stand-in.record" /res/records/archiver.record
systemctl is-active zeek.target zeek-setup.service zeek-archiver.service >/res/active.txt
cp /var/lib/zeek-systemd/current/generated-scripts/cluster-layout.zeek /res/layout.zeek
stat -c '%n %U:%G %a' "$SPOOL"/* >/res/spool.txt
SYSTEMD_UNIT_PATH=/run/systemd/generator: systemd-analyze verify --man=no \
    zeek.target zeek-setup.service zeek-archiver.service {units} >/res/verify.log 2>&1
echo $? >/res/verify.status
stop_cluster
wait_for 10 is_inactive zeek-archiver.service
for n in $(nodes); do systemctl is-active "zeek@$n.service"; done >/res/after-stop.txt
systemctl is-active zeek-archiver.service >>/res/after-stop.txt
true
"#,
        units = units.join(" ")
    );
    let result = run(&Boot::new(CLUSTER, &NODES, &scenario));
    result.assert_passed();

    let cluster = read(
        Path::new("/etc/zeek/cluster.toml"),
        CLUSTER,
        &ReadOptions::default(),
    )
    .unwrap();
    assert_eq!(cluster.nodes.len(), NODES.len());
    for node in &cluster.nodes {
        let record = result.record(&node.name);
        let show = result.show(&node.name);
        let name = &node.name;
        assert_eq!(show["ActiveState"], "active", "{name}");
        assert_eq!(
            show["MainPID"],
            record.field("pid"),
            "{name}: MainPID is the stand-in"
        );
        assert_eq!(record.argv[0], "/opt/zeek/bin/zeek", "{name}");
        assert_eq!(
            record.args(),
            &node.args[..],
            "{name}: argv exactly as planned"
        );
        assert_eq!(
            record.env_var("CLUSTER_NODE"),
            Some(name.as_str()),
            "{name}"
        );
        assert_eq!(
            record.field("cwd"),
            format!("/opt/zeek/spool/{name}"),
            "{name}"
        );
        assert_eq!(record.field("user"), "zeek", "{name}");
        assert_eq!(record.field("group"), "zeek", "{name}");
        for (key, value) in &node.env {
            assert_eq!(
                record.env_var(key),
                Some(value.as_str()),
                "{name}: env {key}"
            );
        }
        assert_eq!(
            record.env_var("ZEEKPATH"),
            Some("/var/lib/zeek-systemd/current/generated-scripts:/opt/zeek/share/zeek:/opt/zeek/share/zeek/policy:/var/lib/zeek-systemd/current/site:/opt/zeek/share/zeek/builtin-plugins"),
            "{name}"
        );
        assert_eq!(
            record.env_var("PATH"),
            Some("/opt/zeek/bin:/usr/local/bin:/usr/bin:/bin"),
            "{name}"
        );
        // Exactly as the config wrote it: quotes, %, $, backslash, unicode.
        assert_eq!(
            record.env_var("QUOTED"),
            Some(r#"a "b" 100% $HOME ${NOT_A_VAR} \ ü"#),
            "{name}"
        );
        assert_eq!(
            record.env_var("ZEEK_GLOBAL"),
            Some("for every node"),
            "{name}"
        );
        assert!(
            record
                .cgroups
                .iter()
                .any(|c| c.ends_with(&format!("/{}/zeek@{name}.service", node.role.slice()))),
            "{name}: cgroup {:?}",
            record.cgroups
        );
        let cap_amb = u64::from_str_radix(record.field("CapAmb"), 16).unwrap();
        let net_raw = 1u64 << 13;
        if node.role == Role::Worker {
            assert_eq!(cap_amb, net_raw, "{name}: workers get exactly CAP_NET_RAW");
            assert_eq!(
                record.args()[..2],
                ["-i".to_string(), "af_packet::lo".to_string()],
                "{name}"
            );
            assert_eq!(
                record.env_var("WORKER_FROM"),
                Some("worker section"),
                "{name}"
            );
        } else {
            assert_eq!(cap_amb, 0, "{name}: no capabilities");
            assert!(!record.args().contains(&"-i".to_string()), "{name}");
        }
    }

    // Pinning: interface lo has cpus "1,0": worker k takes the k-th, wrapping.
    let cpus = |n: &str| result.record(n).field("Cpus_allowed_list").to_string();
    assert_eq!(cpus("worker-lo-1"), "1");
    assert_eq!(cpus("worker-lo-2"), "0");
    assert_eq!(cpus("worker-lo-3"), "1");
    assert_eq!(cpus("worker-lo2-1"), "1");
    assert_eq!(cpus("manager"), "0-1");
    // Templated env per worker.
    let intf = |n: &str| result.record(n).env_var("INTF").map(str::to_string);
    assert_eq!(intf("worker-lo-1").as_deref(), Some("lo-1-cpu1"));
    assert_eq!(intf("worker-lo-3").as_deref(), Some("lo-3-cpu1"));
    assert_eq!(intf("worker-lo2-1"), None);
    // Two af_packet interfaces: distinct fanout groups.
    let fanout = |n: &str| {
        result
            .record(n)
            .args()
            .iter()
            .find(|a| a.starts_with("AF_Packet::fanout_id="))
            .cloned()
    };
    assert!(fanout("worker-lo-1").is_some());
    assert_ne!(fanout("worker-lo-1"), fanout("worker-lo2-1"));
    // Role settings as systemd reports them.
    let manager = result.show("manager");
    assert_eq!(manager["Nice"], "1");
    assert_eq!(manager["MemoryMax"], (2u64 << 30).to_string());
    assert_eq!(result.show("worker-lo-1")["Nice"], "-2");
    assert_eq!(result.show("proxy-1")["Restart"], "always");

    assert_eq!(result.read("active.txt"), "active\nactive\nactive\n");
    let archiver = result.record_file("records/archiver.record");
    assert_eq!(
        archiver.argv,
        [
            "/opt/zeek/bin/zeek-archiver",
            "/opt/zeek/spool/log-queue",
            "/opt/zeek/logs"
        ]
    );
    assert_eq!(archiver.field("user"), "zeek");
    let layout = result.read("layout.zeek");
    assert!(
        layout.contains(r#"["worker-lo2-1"] = [$node_type=Cluster::WORKER"#),
        "{layout}"
    );
    let spool = result.read("spool.txt");
    assert!(
        spool.contains("/opt/zeek/spool/worker-lo-1 zeek:zeek 750"),
        "{spool}"
    );
    assert!(
        spool.contains("/opt/zeek/spool/log-queue zeek:zeek 750"),
        "{spool}"
    );
    assert_eq!(
        result.read("verify.log"),
        "",
        "systemd-analyze verify must not warn (status {})",
        result.read("verify.status")
    );
    let after = result.read("after-stop.txt");
    assert!(
        after.lines().all(|l| l == "inactive"),
        "after stop:\n{after}"
    );
    assert_eq!(after.lines().count(), NODES.len() + 1);
}
