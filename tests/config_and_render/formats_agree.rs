//! The two formats are two syntaxes for one cluster: a random cluster
//! written as cluster.toml and as zeek.conf must give the same nodes
//! (names, roles, ports, command lines, environment, pinning, limits),
//! apart from the documented differences (docs/zeek-conf-migration.md):
//! the policy script each loads (`zeek-systemd` / Zeek's
//! `policy/misc/systemd-generator`) and zeek.conf workers' `INTERFACE`
//! variable. Captures are plain device names, so TOML's AF_PACKET
//! fanout ids (not in zeek.conf) do not arise.

use std::fmt::Write as _;
use std::path::Path;

use proptest::prelude::*;
use zeek_systemd::config::{toml, zeekconf, ReadOptions};
use zeek_systemd::model::Node;

#[derive(Debug, Clone)]
struct Interface {
    workers: u32,
    cpus: Option<(u32, u32)>,
    nice: Option<i8>,
    oom: Option<i16>,
    templated_env: bool,
}

#[derive(Debug, Clone)]
struct Cluster {
    loggers: u32,
    proxies: u32,
    logger_nice: Option<i8>,
    proxy_memory_gb: Option<u32>,
    manager_oom: Option<i16>,
    env: Option<String>,
    interfaces: Vec<Interface>,
}

fn interface() -> impl Strategy<Value = Interface> {
    (
        1u32..5,
        proptest::option::of((0u32..8, 0u32..4)),
        proptest::option::of(-20i8..20),
        proptest::option::of(-1000i16..=1000),
        any::<bool>(),
    )
        .prop_map(|(workers, cpus, nice, oom, templated_env)| Interface {
            workers,
            cpus: cpus.map(|(first, more)| (first, first + more)),
            nice,
            oom,
            templated_env,
        })
}

fn cluster() -> impl Strategy<Value = Cluster> {
    (
        0u32..3,
        0u32..3,
        proptest::option::of(-20i8..20),
        proptest::option::of(1u32..64),
        proptest::option::of(-1000i16..=1000),
        proptest::option::of("[a-z]{1,8}"),
        proptest::collection::vec(interface(), 0..3),
    )
        .prop_map(
            |(loggers, proxies, logger_nice, proxy_memory_gb, manager_oom, env, interfaces)| {
                Cluster {
                    loggers,
                    proxies,
                    logger_nice,
                    proxy_memory_gb,
                    manager_oom,
                    env,
                    interfaces,
                }
            },
        )
}

fn as_toml(c: &Cluster) -> String {
    let mut t = String::from("[zeek]\nprefix = \"/opt/zeek\"\n");
    if let Some(v) = &c.env {
        writeln!(t, "env = {{ SITE = \"{v}\" }}").unwrap();
    }
    writeln!(t, "[manager]").unwrap();
    if let Some(v) = c.manager_oom {
        writeln!(t, "oom_score_adjust = {v}").unwrap();
    }
    writeln!(t, "[logger]\ncount = {}", c.loggers).unwrap();
    if let Some(v) = c.logger_nice {
        writeln!(t, "nice = {v}").unwrap();
    }
    writeln!(t, "[proxy]\ncount = {}", c.proxies).unwrap();
    if let Some(v) = c.proxy_memory_gb {
        writeln!(t, "memory_max = \"{v}G\"").unwrap();
    }
    for (i, iface) in c.interfaces.iter().enumerate() {
        writeln!(
            t,
            "[[interface]]\nname = \"eth{i}\"\ncapture = \"eth{i}\"\nworkers = {}",
            iface.workers
        )
        .unwrap();
        if let Some((a, b)) = iface.cpus {
            writeln!(t, "cpus = \"{a}-{b}\"").unwrap();
        }
        if let Some(v) = iface.nice {
            writeln!(t, "nice = {v}").unwrap();
        }
        if let Some(v) = iface.oom {
            writeln!(t, "oom_score_adjust = {v}").unwrap();
        }
        if iface.templated_env {
            writeln!(
                t,
                "env = {{ W = \"${{worker_index}}-${{interface_name}}\" }}"
            )
            .unwrap();
        }
    }
    t
}

fn as_zeekconf(c: &Cluster) -> String {
    let mut t = String::from("[zeek]\nbase_dir = /opt/zeek\nmanager = 1\n");
    writeln!(t, "loggers = {}\nproxies = {}", c.loggers, c.proxies).unwrap();
    if let Some(v) = &c.env {
        writeln!(t, "env = SITE={v}").unwrap();
    }
    if let Some(v) = c.manager_oom {
        writeln!(t, "manager_oom_score_adjust = {v}").unwrap();
    }
    if let Some(v) = c.logger_nice {
        writeln!(t, "logger_nice = {v}").unwrap();
    }
    if let Some(v) = c.proxy_memory_gb {
        writeln!(t, "proxy_memory_max = {v}G").unwrap();
    }
    for (i, iface) in c.interfaces.iter().enumerate() {
        writeln!(
            t,
            "[interface eth{i}]\ninterface = eth{i}\nworkers = {}",
            iface.workers
        )
        .unwrap();
        if let Some((a, b)) = iface.cpus {
            writeln!(t, "workers_cpu_list = {a}-{b}").unwrap();
        }
        if let Some(v) = iface.nice {
            writeln!(t, "worker_nice = {v}").unwrap();
        }
        if let Some(v) = iface.oom {
            writeln!(t, "worker_oom_score_adjust = {v}").unwrap();
        }
        if iface.templated_env {
            writeln!(
                t,
                "worker_env = W=${{worker_index}}-${{interface_section_name}}"
            )
            .unwrap();
        }
    }
    t
}

/// A node with the documented differences taken out.
fn comparable(node: &Node) -> Node {
    let mut node = node.clone();
    let args: Vec<String> = node
        .args
        .iter()
        .map(|a| match a.as_str() {
            "zeek-systemd" | "policy/misc/systemd-generator" => "<policy>".to_string(),
            _ => a.clone(),
        })
        .collect();
    node.args = args.into();
    node.env.retain(|(name, _)| name != "INTERFACE");
    node
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn toml_and_zeekconf_give_the_same_nodes(c in cluster()) {
        let options = ReadOptions::default();
        let toml_text = as_toml(&c);
        let conf_text = as_zeekconf(&c);
        let from_toml = toml::read(Path::new("/etc/zeek/cluster.toml"), &toml_text, &options)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{toml_text}")))?;
        let from_conf = zeekconf::read(Path::new("/etc/zeek/zeek.conf"), &conf_text, &options)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{conf_text}")))?;
        let a: Vec<Node> = from_toml.nodes.iter().map(comparable).collect();
        let b: Vec<Node> = from_conf.nodes.iter().map(comparable).collect();
        prop_assert_eq!(a.len(), b.len(), "{}\n{}", toml_text, conf_text);
        for (x, y) in a.iter().zip(&b) {
            prop_assert_eq!(x, y, "{}\n{}", toml_text, conf_text);
        }
        // zeek.conf workers have INTERFACE=<capture> first, as Zeek's units.
        for node in from_conf.nodes.iter().filter(|n| n.capture.is_some()) {
            prop_assert_eq!(&node.env[0].0, "INTERFACE");
        }
    }
}
