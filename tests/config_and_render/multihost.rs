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
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/multihost/two-hosts.toml");
    fs::read_to_string(path).expect("read tests/fixtures/multihost/two-hosts.toml")
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

/// Issue 18: a multi-host config without its secrets is never cleartext.
/// `check` says what is missing and the command that makes it; systemd's
/// generator run writes no nodes, only the invalid-config zeek.target that
/// says why.
#[test]
fn without_secrets_a_multi_host_cluster_does_not_run() {
    let root = two_hosts_root();
    fs::remove_file(root.config_dir().join("cluster-secrets")).unwrap();
    let check = root.run(&["--host", "c-mgr", "check"]);
    let stderr = root.strip(&String::from_utf8_lossy(&check.stderr));
    assert!(!check.status.success(), "check passed without secrets");
    assert!(
        stderr.contains("zeek-systemd secrets create") && stderr.contains("cluster-secrets"),
        "check does not say what is missing: {stderr}"
    );
    let out = root.out_dir().display().to_string();
    let run = root
        .command()
        .env("SYSTEMD_SCOPE", "system")
        .args(["--host", "c-w-01", &out])
        .output()
        .unwrap();
    assert!(!run.status.success());
    let target = fs::read_to_string(root.out_dir().join("zeek.target")).unwrap();
    assert!(
        target.contains("zeek-systemd secrets create"),
        "zeek.target does not say why:\n{target}"
    );
    assert!(generated_nodes(&root.out_dir()).is_empty());
}

/// `encryption = false` in [cluster]: the lab opt-out; no credentials,
/// and `check` says the traffic is cleartext.
#[test]
fn encryption_false_opts_out() {
    let text = config_text().replacen("[hosts.", "[cluster]\nencryption = false\n\n[hosts.", 1);
    let root = Root::with_config("cluster.toml", &text);
    fs::remove_file(root.config_dir().join("cluster-secrets")).unwrap();
    let rendered = run_quiet(&root, "c-mgr", &["render"]);
    assert!(!rendered.contains("LoadCredential="), "{rendered}");
    assert!(!rendered.contains("%d/"), "{rendered}");
    let check = root.run(&["--host", "c-mgr", "check"]);
    let stderr = root.strip(&String::from_utf8_lossy(&check.stderr));
    assert!(check.status.success(), "{stderr}");
    assert!(
        stderr.contains("neither encrypted nor authenticated")
            && stderr.contains("`encryption = false` in [cluster] opts out"),
        "{stderr}"
    );
}

/// Each node gets only its role's part: manager and loggers the server
/// part, proxies and workers the client part; no key is in a unit.
#[test]
fn each_role_gets_its_part_and_no_key_is_in_a_unit() {
    let root = two_hosts_root();
    for host in HOSTS {
        let rendered = run_quiet(&root, host, &["render"]);
        for chunk in rendered
            .split("# /run/systemd/generator/")
            .filter(|c| c.starts_with("zeek@") && c.contains(".service.d/"))
        {
            let server = chunk.contains("secrets/server.zeek");
            let client = chunk.contains("secrets/client.zeek");
            if chunk.contains("(worker on") || chunk.contains("(proxy)") {
                assert!(client && !server, "{chunk}");
            }
            if chunk.contains("(manager)") || chunk.contains("(logger)") {
                assert!(server && !client, "{chunk}");
            }
        }
        for line in common::scratch::TEST_SECRETS.lines() {
            let value = line.split('"').nth(1).unwrap();
            assert!(
                !rendered.contains(value),
                "{host}: a secret is in the units"
            );
        }
    }
}

/// `secrets create`: 0600, refuses to overwrite without --force.
#[test]
fn secrets_create_makes_a_private_file_once() {
    use std::os::unix::fs::PermissionsExt as _;
    let root = Root::new();
    let path = root.path().join("s/cluster-secrets");
    let p = path.display().to_string();
    root.run_ok(&["secrets", "create", "-o", &p]);
    let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let first = fs::read_to_string(&path).unwrap();
    assert!(!root.run(&["secrets", "create", "-o", &p]).status.success());
    assert_eq!(fs::read_to_string(&path).unwrap(), first);
    root.run_ok(&["secrets", "create", "-o", &p, "--force"]);
    assert_ne!(fs::read_to_string(&path).unwrap(), first);
}
