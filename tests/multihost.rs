//! Multi-host TOML configs (SPEC 2.5): one file for the whole cluster,
//! rendered for each of its hosts with `--host`. Each host gets only its
//! own nodes; every host gets the same `cluster-layout.zeek`; a host the
//! file does not name gets nothing and a warning, and boots fine.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

const HOSTS: [&str; 3] = ["c-mgr", "c-w-01", "c-w-02"];

fn config_text() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/multihost/two-hosts.toml");
    fs::read_to_string(path).expect("read tests/multihost/two-hosts.toml")
}

/// A scratch root with the config at `etc/zeek/cluster.toml`, found the
/// way systemd's run finds it; the root is cut from the output text.
struct Root {
    dir: TempDir,
}

impl Root {
    fn new() -> Root {
        let dir = tempfile::Builder::new()
            .prefix("multihost")
            .tempdir()
            .expect("temp dir");
        fs::create_dir_all(dir.path().join("etc/zeek")).expect("config dir");
        fs::write(dir.path().join("etc/zeek/cluster.toml"), config_text()).expect("config");
        Root { dir }
    }

    /// The output dir of this root; one root per host, so every host's
    /// units name `/run/systemd/generator` once the root is cut.
    fn out_dir(&self) -> PathBuf {
        self.dir.path().join("run/systemd/generator")
    }

    fn run(&self, host: &str, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_zeek-systemd-generator"))
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("ZEEK_SYSTEMD_CONFIG_DIR", self.dir.path().join("etc/zeek"))
            .env(
                "ZEEK_SYSTEMD_GENERATOR_PATH",
                "/usr/lib/systemd/system-generators/zeek-systemd-generator",
            )
            .env("ZEEK_SYSTEMD_LOG", "stderr")
            .env("SYSTEMD_PROC_CMDLINE", "")
            .arg("--host")
            .arg(host)
            .args(args)
            .output()
            .expect("run the generator")
    }

    /// Runs and returns stdout; fails on a non-zero exit or any stderr.
    fn run_ok(&self, host: &str, args: &[&str]) -> String {
        let output = self.run(host, args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success() && stderr.is_empty(),
            "--host {host} {args:?} failed ({}):\n{stderr}",
            output.status
        );
        self.strip(&String::from_utf8(output.stdout).expect("UTF-8"))
    }

    fn strip(&self, text: &str) -> String {
        text.replace(&self.dir.path().display().to_string(), "")
    }

    /// Generates for `host` into its own output dir and returns that tree
    /// as text (a header per file, then the file).
    fn generate(&self, host: &str) -> String {
        let out = self.out_dir();
        fs::create_dir_all(&out).expect("output dir");
        let stdout = self.run_ok(host, &[&out.display().to_string()]);
        assert_eq!(stdout, "");
        let mut files = Vec::new();
        collect(&out, &out, &mut files);
        files.sort();
        let mut text = String::new();
        for (path, body) in files {
            text.push_str(&format!("--- {path}\n{body}\n"));
        }
        self.strip(&text)
    }
}

fn collect(base: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in fs::read_dir(dir).expect("read dir") {
        let entry = entry.expect("dir entry");
        let path = entry.path();
        let relative = path.strip_prefix(base).expect("below base").display();
        let kind = entry.file_type().expect("file type");
        if kind.is_symlink() {
            let target = fs::read_link(&path).expect("link");
            out.push((format!("{relative} -> {}", target.display()), String::new()));
        } else if kind.is_dir() {
            collect(base, &path, out);
        } else {
            out.push((
                relative.to_string(),
                fs::read_to_string(&path).expect("UTF-8 file"),
            ));
        }
    }
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
        let root = Root::new();
        let tree = root.generate(host);
        let check = root.run_ok(host, &["check"]);
        let layout = root.run_ok(host, &["layout"]);
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
    let root = Root::new();
    let out = root.out_dir();
    fs::create_dir_all(&out).expect("output dir");
    let output = root.run("elsewhere", &[&out.display().to_string()]);
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
    let root = Root::new();
    let out = root.out_dir();
    fs::create_dir_all(&out).expect("output dir");
    root.run_ok("C-W-02", &[&out.display().to_string()]);
    assert_eq!(generated_nodes(&out), ["c-w-02-worker-eth1-1"]);
}
