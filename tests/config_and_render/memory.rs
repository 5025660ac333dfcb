//! The model shares what nodes have in common (SPEC 4.5: peak memory at
//! thousands of workers). A reader that went back to a copy per worker
//! would still pass every output test, so this checks the sharing itself.

use std::path::Path;
use std::sync::Arc;

use zeek_systemd::config::{toml, zeekconf, ReadOptions};
use zeek_systemd::model::{Cluster, Node, Role};

fn workers(cluster: &Cluster) -> Vec<&Node> {
    cluster
        .nodes
        .iter()
        .filter(|n| n.role == Role::Worker)
        .collect()
}

/// Workers of one interface with a fixed capture source share their
/// command line, source and interface name; another interface has its own.
fn assert_shared_per_interface(cluster: &Cluster, per_interface: usize) {
    let workers = workers(cluster);
    assert_eq!(workers.len(), 2 * per_interface);
    let (first, second) = workers.split_at(per_interface);
    for group in [first, second] {
        let capture = |n: &Node| n.capture.clone().expect("worker capture");
        for node in &group[1..] {
            assert!(Arc::ptr_eq(&node.args, &group[0].args), "{}", node.name);
            assert!(
                Arc::ptr_eq(&capture(node).source, &capture(group[0]).source),
                "{}",
                node.name
            );
            assert!(
                Arc::ptr_eq(&capture(node).interface, &capture(group[0]).interface),
                "{}",
                node.name
            );
        }
    }
    assert!(!Arc::ptr_eq(&first[0].args, &second[0].args));
    assert_ne!(first[0].args, second[0].args);
    let loggers: Vec<&Node> = (cluster.nodes.iter())
        .filter(|n| n.role == Role::Logger)
        .collect();
    assert_eq!(loggers.len(), 2);
    assert!(Arc::ptr_eq(&loggers[0].args, &loggers[1].args));
}

#[test]
fn toml_workers_share_args_and_capture() {
    let text = r#"
[logger]
count = 2

[[interface]]
name = "eth1"
capture = "af_packet::eth1"
workers = 3
cpus = "2-9"
env = { WORKER_CPU = "${worker_cpu}" }

[[interface]]
name = "eth2"
capture = "af_packet::eth2"
workers = 3
"#;
    let cluster = toml::read(
        Path::new("/etc/zeek/cluster.toml"),
        text,
        &ReadOptions::default(),
    )
    .expect("valid config");
    assert_shared_per_interface(&cluster, 3);
}

#[test]
fn zeekconf_workers_share_args_and_capture() {
    let text = "\
[zeek]
loggers = 2

[interface eth1]
interface = af_packet::eth1
workers = 3
workers_cpu_list = 2-9
worker_env = WORKER_CPU=${worker_cpu}

[interface eth2]
interface = af_packet::eth2
workers = 3
";
    let cluster = zeekconf::read(
        Path::new("/etc/zeek/zeek.conf"),
        text,
        &ReadOptions::default(),
    )
    .expect("valid config");
    assert_shared_per_interface(&cluster, 3);
}

/// A templated capture source differs per worker: each gets its own.
#[test]
fn templated_capture_is_per_worker() {
    let text = r#"
[[interface]]
name = "eth1"
capture = "pf_ring::zc:eth1@${worker_index}"
workers = 2
"#;
    let cluster = toml::read(
        Path::new("/etc/zeek/cluster.toml"),
        text,
        &ReadOptions::default(),
    )
    .expect("valid config");
    let workers = workers(&cluster);
    assert_eq!(workers[0].args[1], "pf_ring::zc:eth1@1");
    assert_eq!(workers[1].args[1], "pf_ring::zc:eth1@2");
    assert_eq!(
        workers[1].capture.as_ref().map(|c| &*c.source),
        Some("pf_ring::zc:eth1@2")
    );
}
