//! An imported ZeekControl config under a real systemd: every node of
//! `tests/fixtures/zeekctl-boot/node.cfg` runs under its ZeekControl name
//! (CLUSTER_NODE, unit instance, spool dir), sniffs what ZeekControl would
//! have it sniff, is pinned where ZeekControl pinned it, and has
//! ZeekControl's environment and scripts. The expectations come from the
//! importer's model of ZeekControl, not from the generated config.

use crate::common;

use std::path::Path;

use common::{real_systemd_available, run, Boot};
use zeek_systemd::import::zeekctl::{import, Sources};

/// The node names ZeekControl gives this node.cfg, written out by hand
/// (lb_procs=3 -> worker-1-1..3, interfaces -> worker-2-1..2, tap stays tap).
const NODES: [&str; 9] = [
    "logger-1",
    "manager",
    "proxy-1",
    "worker-1-1",
    "worker-1-2",
    "worker-1-3",
    "worker-2-1",
    "worker-2-2",
    "tap",
];

#[test]
fn every_imported_node_runs_under_its_zeekctl_name() {
    if !real_systemd_available() {
        return;
    }
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/zeekctl-boot");
    let sources = Sources {
        node_cfg: case.join("node.cfg"),
        zeekctl_cfg: Some(case.join("zeekctl.cfg")),
        networks_cfg: Some(case.join("networks.cfg")),
    };
    let networks = Path::new("/etc/zeek-test/local-networks.zeek");
    let imported = import(&sources, Some(networks)).expect("import");
    let all: Vec<&str> = NODES.to_vec();
    let names: Vec<&str> = imported.nodes.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(names, all, "ZeekControl's names, in ZeekControl's order");

    let scenario = r#"
start_cluster
for n in $(nodes); do collect "$n"; done
systemctl list-units --all --plain --no-legend --type=service 'zeek@*' | cut -d' ' -f1 | sort >/res/units.txt
stop_cluster
true
"#;
    let script = imported.networks_script.clone().expect("networks script");
    let boot = Boot::new(&imported.toml, &all, scenario).file("local-networks.zeek", &script);
    let result = run(&boot);
    result.assert_passed();

    let mut want_units: Vec<String> = all.iter().map(|n| format!("zeek@{n}.service")).collect();
    want_units.sort();
    let units: Vec<String> = result
        .read("units.txt")
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(units, want_units);
    for node in &imported.nodes {
        let name = node.name.as_str();
        let record = result.record(name);
        assert_eq!(result.show(name)["ActiveState"], "active", "{name}");
        assert_eq!(record.env_var("CLUSTER_NODE"), Some(name), "{name}");
        assert_eq!(
            record.field("cwd"),
            format!("/opt/zeek/spool/{name}"),
            "{name}"
        );
        let args = record.args();
        match &node.interface {
            Some(capture) => assert_eq!(args[..2], ["-i".to_string(), capture.clone()], "{name}"),
            None => assert!(!args.contains(&"-i".to_string()), "{name}"),
        }
        if let Some(cpu) = node.pin_cpu {
            assert_eq!(record.field("Cpus_allowed_list"), cpu.to_string(), "{name}");
        }
        for (key, value) in node.effective_env(&imported.cfg.env) {
            assert_eq!(record.env_var(&key), Some(value.as_str()), "{name}: {key}");
        }
        let mut want = vec!["local.zeek".to_string(), networks.display().to_string()];
        want.extend(node.aux_scripts.iter().cloned());
        want.extend(node.af_packet_args.iter().cloned());
        assert!(
            want.iter().all(|w| args.contains(w)),
            "{name}: {want:?} in {args:?}"
        );
    }
    // Spot checks against ZeekControl's rules, spelled out.
    let cpus = |n: &str| result.record(n).field("Cpus_allowed_list").to_string();
    assert_eq!(
        [cpus("worker-1-1"), cpus("worker-1-2"), cpus("worker-1-3")],
        ["0", "1", "0"]
    );
    assert_eq!(cpus("manager"), "1");
    let capture = |n: &str| result.record(n).args()[1].clone();
    assert_eq!(
        capture("worker-2-1"),
        "pcap-lo",
        "lb_interfaces are taken from the end"
    );
    assert_eq!(capture("worker-2-2"), "af_packet::lo");
    assert_eq!(capture("worker-1-2"), "af_packet::lo");
    let env = |n: &str, k: &str| result.record(n).env_var(k).map(str::to_string);
    assert_eq!(env("worker-1-1", "SHARED").as_deref(), Some("node"));
    assert_eq!(env("tap", "SHARED").as_deref(), Some("global"));
}
