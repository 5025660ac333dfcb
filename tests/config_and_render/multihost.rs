//! Multi-host TOML configs (SPEC 2.5): one file for the whole cluster,
//! rendered for each of its hosts with `--host`. Each host gets only its
//! own nodes; every host gets the same `cluster-layout.zeek`; a host the
//! file does not name gets nothing and a warning, and boots fine.

use crate::common;

use std::fs;
use std::path::Path;

use common::scratch::Root;

const HOSTS: [&str; 3] = ["c-mgr", "c-w-01", "c-w-02"];

fn config_text() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/multihost/two-hosts.toml");
    fs::read_to_string(path).expect("read tests/multihost/two-hosts.toml")
}

/// A scratch root with the config at `etc/zeek/cluster.toml`, found the
/// way systemd's run finds it; one root per host, so every host's units
/// name `/run/systemd/generator` once the root is cut.
fn two_hosts_root() -> Root {
    Root::with_config("cluster.toml", &config_text())
}

/// Runs `--host HOST ARGS` and returns stdout; fails on a non-zero exit
/// or any stderr (warnings included).
fn run_quiet(root: &Root, host: &str, args: &[&str]) -> String {
    let mut all = vec!["--host", host];
    all.extend_from_slice(args);
    let (stdout, warnings) = root.run_ok(&all);
    assert_eq!(warnings, "", "--host {host} {args:?} warned");
    stdout
}

/// The node names of a layout's `Cluster::nodes` table, in order.
fn layout_nodes(layout: &str) -> Vec<String> {
    layout
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("[\""))
        .filter(|l| l.contains("$node_type="))
        .filter_map(|l| l.split('"').next())
        .map(str::to_string)
        .collect()
}

/// The node names a generated tree has drop-ins for.
fn generated_nodes(out_dir: &Path) -> Vec<String> {
    let mut nodes: Vec<String> = fs::read_dir(out_dir)
        .expect("read output dir")
        .filter_map(|e| {
            let name = e.expect("dir entry").file_name();
            let name = name.to_str()?;
            Some(
                name.strip_prefix("zeek@")?
                    .strip_suffix(".service.d")?
                    .to_string(),
            )
        })
        .collect();
    nodes.sort();
    nodes
}

#[test]
fn each_host_gets_its_nodes_and_the_same_layout() {
    let mut layouts = Vec::new();
    let mut all_generated = Vec::new();
    for host in HOSTS {
        let root = two_hosts_root();
        let warnings = root.generate(&["--host", host]);
        assert_eq!(warnings, "", "--host {host} warned");
        let tree = root.tree_text();
        let check = run_quiet(&root, host, &["check"]);
        let layout = run_quiet(&root, host, &["layout"]);
        insta::assert_snapshot!(
            format!("two-hosts@{host}"),
            format!(
                "===== generator output (--host {host}) =====\n{tree}\
                 ===== check =====\n{check}\n===== layout =====\n{layout}"
            )
        );
        let mine = generated_nodes(&root.out_dir());
        assert!(!mine.is_empty(), "{host} got no nodes");
        for node in &mine {
            assert!(
                node == "manager" || node.starts_with(&format!("{host}-")),
                "{host} got node {node} of another host"
            );
        }
        all_generated.extend(mine);
        layouts.push((host, layout));
    }
    let (first_host, first) = &layouts[0];
    for (host, layout) in &layouts[1..] {
        assert_eq!(
            layout, first,
            "the layout of {host} differs from the layout of {first_host}"
        );
    }
    // Every node of the cluster runs on exactly one host.
    let mut in_layout = layout_nodes(first);
    in_layout.sort();
    all_generated.sort();
    assert_eq!(all_generated, in_layout);
    assert_eq!(in_layout.len(), 8);
}

#[test]
fn a_host_the_config_does_not_name_gets_nothing_and_a_warning() {
    let root = two_hosts_root();
    let out = root.out_dir();
    let output = root.run(&["--host", "elsewhere", &out.display().to_string()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "a host outside the cluster must not fail the boot: {}\n{stderr}",
        output.status
    );
    assert!(
        stderr.contains("warning:")
            && stderr.contains(
                "this host (elsewhere) is not one of the cluster's hosts (c-mgr, c-w-01, c-w-02)"
            )
            && stderr.contains("no Zeek units are generated here"),
        "expected a warning naming the host and the cluster's hosts, got:\n{stderr}"
    );
    let left: Vec<_> = fs::read_dir(&out)
        .expect("read output dir")
        .map(|e| e.expect("dir entry").file_name())
        .collect();
    assert!(
        left.is_empty(),
        "wrote {left:?} for a host outside the cluster"
    );
}

#[test]
fn host_names_match_case_insensitively() {
    // `hostname` may be upper case; the generator lower-cases it, and so
    // `--host`.
    let root = two_hosts_root();
    let out = root.out_dir();
    run_quiet(&root, "C-W-02", &[&out.display().to_string()]);
    assert_eq!(generated_nodes(&out), ["c-w-02-worker-eth1-1"]);
}
