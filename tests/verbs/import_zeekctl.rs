//! `import-zeekctl`: ZeekControl's node.cfg/zeekctl.cfg/networks.cfg into
//! cluster.toml.
//!
//! Golden: every case in `tests/fixtures/zeekctl/NN-*/` (each node.cfg says in its
//! header which ZeekControl behaviour it pins, from ZeekControl's
//! config.py and plugins) is imported; the snapshot holds what import
//! produces: every file it writes (the cluster.toml, local-networks.zeek
//! when networks.cfg is imported) and the table of `import-zeekctl
//! --check`, which must find every ZeekControl node, under its ZeekControl
//! name, with the same type, capture, CPU, environment and scripts. The
//! units the generator writes for a config are the golden tests' subject
//! (tests/config_and_render/), not this one's.
//!
//! Bad: every `tests/fixtures/zeekctl/bad/*.node.cfg` is rejected with the message
//! on its first line (`# expect: ...`, ZeekControl's own reason, located),
//! and nothing is written.

use crate::common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

const INSTALLED_GENERATOR: &str = "/usr/lib/systemd/system-generators/zeek-systemd-generator";

fn generator(root: &Path) -> Command {
    let mut cmd = Command::new(common::program());
    cmd.env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("ZEEK_SYSTEMD_CONFIG_DIR", root.join("etc/zeek"))
        .env("ZEEK_SYSTEMD_GENERATOR_PATH", INSTALLED_GENERATOR)
        .env("ZEEK_SYSTEMD_LOG", "stderr")
        .env("SYSTEMD_PROC_CMDLINE", "")
        .current_dir(root);
    cmd
}

fn run_ok(cmd: &mut Command, what: &str) -> String {
    let out = cmd.output().expect("run the generator");
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// The import arguments of a case dir (zeekctl.cfg and networks.cfg only
/// when the case has them).
fn import_args(case: &Path) -> Vec<String> {
    let mut args = vec!["import-zeekctl".to_string()];
    for (flag, file) in [
        ("--node-cfg", "node.cfg"),
        ("--zeekctl-cfg", "zeekctl.cfg"),
        ("--networks-cfg", "networks.cfg"),
    ] {
        if case.join(file).exists() || file == "node.cfg" {
            args.push(flag.into());
            args.push(case.join(file).display().to_string());
        }
    }
    args
}

/// The files under `dir`, recursively, sorted by path.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files.sort();
    files
}

fn golden_text(case: &Path) -> String {
    let dir = TempDir::new().expect("temp dir");
    let root = dir.path();
    let config_dir = root.join("etc/zeek");
    fs::create_dir_all(&config_dir).expect("config dir");
    let toml_path = config_dir.join("cluster.toml");
    let mut args = import_args(case);
    args.extend(["-o".into(), toml_path.display().to_string()]);
    run_ok(generator(root).args(&args), "import-zeekctl");
    let manifest = env!("CARGO_MANIFEST_DIR");
    let strip = |t: &str| {
        t.replace(&root.display().to_string(), "")
            .replace(manifest, "")
    };
    // Every file import wrote (the scratch root was empty): cluster.toml
    // first, then the others by path, named relative to the config dir.
    let mut written = files_under(root);
    written.sort_by_key(|p| *p != toml_path);
    assert_eq!(written.first(), Some(&toml_path), "cluster.toml written");
    let mut text = String::new();
    for file in &written {
        let name = file.strip_prefix(&config_dir).unwrap_or(file);
        let content = fs::read_to_string(file).expect("UTF-8 file");
        text.push_str(&format!(
            "===== {} =====\n{}",
            strip(&name.display().to_string()),
            strip(&content)
        ));
    }
    // The review: every ZeekControl node is there, and the same.
    let mut check_args = import_args(case);
    check_args.push("--check".into());
    let check = run_ok(generator(root).args(&check_args), "import-zeekctl --check");
    assert!(
        check.contains("every node has the same name, type, capture, CPU, environment and scripts"),
        "{}: --check found differences:\n{check}",
        case.display()
    );
    text.push_str(&format!(
        "===== import-zeekctl --check =====\n{}",
        strip(&check)
    ));
    text
}

fn cases() -> Vec<PathBuf> {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/zeekctl");
    let mut cases: Vec<PathBuf> = fs::read_dir(&base)
        .expect("tests/fixtures/zeekctl")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.join("node.cfg").exists())
        .collect();
    cases.sort();
    cases
}

#[test]
fn golden_imports() {
    let cases = cases();
    assert!(
        cases.len() >= 12,
        "at least 12 node.cfg cases, found {}",
        cases.len()
    );
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        insta::with_settings!({snapshot_suffix => name.clone(), description => format!("tests/fixtures/zeekctl/{name}")}, {
            insta::assert_snapshot!(golden_text(&case));
        });
    }
}

fn bad_output(file: &Path, dir: &Path) -> Output {
    let out_file = dir.join("cluster.toml");
    generator(dir)
        .args(["import-zeekctl", "--node-cfg"])
        .arg(file)
        .arg("-o")
        .arg(&out_file)
        .output()
        .expect("run")
}

#[test]
fn bad_node_cfgs_are_rejected_with_zeekctls_reason() {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/zeekctl/bad");
    let mut files: Vec<PathBuf> = fs::read_dir(&base)
        .expect("bad dir")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    assert!(files.len() >= 20, "bad catalogue has {} files", files.len());
    for file in files {
        let text = fs::read_to_string(&file).expect("read");
        let expect = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# expect: "))
            .unwrap_or_else(|| panic!("{}: first line must be `# expect: ...`", file.display()));
        let dir = TempDir::new().expect("temp");
        let out = bad_output(&file, dir.path());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{}: {stderr}", file.display());
        // `:LINE: ...` expectations pin the line too; others the file and text.
        let want = if expect.starts_with(':') {
            format!("{}{expect}", file.display())
        } else {
            expect.to_string()
        };
        assert!(
            stderr.contains(&want) && stderr.contains(&file.display().to_string()),
            "{}:\n want: {want}\n got:  {stderr}",
            file.display()
        );
        assert!(
            !dir.path().join("cluster.toml").exists(),
            "{}: wrote output",
            file.display()
        );
    }
}

#[test]
fn stdout_output_and_ignored_keys_warned() {
    let dir = TempDir::new().expect("temp");
    let cfg = dir.path().join("node.cfg");
    fs::write(
        &cfg,
        "[manager]\ntype=manager\nhost=localhost\nfrobnicate=1\n\n[proxy]\ntype=proxy\nhost=localhost\n",
    )
    .expect("write");
    let out = generator(dir.path())
        .args(["import-zeekctl", "--node-cfg"])
        .arg(&cfg)
        .output()
        .expect("run");
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stdout.contains("name = \"manager\"") && stdout.contains("names = [\"proxy\"]"),
        "{stdout}"
    );
    assert!(
        stderr.contains(":4: [manager] frobnicate: ignored, as ZeekControl ignores it"),
        "{stderr}"
    );
}

#[test]
fn check_reports_a_difference() {
    // A node whose pinning the TOML does not carry must be reported, so
    // the comparison is not a tautology: import, then break the TOML's
    // pinning and compare the broken config with ZeekControl's view.
    let case =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/zeekctl/03-pin-cpus-wrap");
    let dir = TempDir::new().expect("temp");
    let out = generator(dir.path())
        .args(import_args(&case))
        .output()
        .expect("run");
    let toml = String::from_utf8_lossy(&out.stdout).replace("cpus = \"2,3,2,3,2\"", "cpus = \"2\"");
    let imported: zeek_systemd::import::zeekctl::Imported = zeek_systemd::import::zeekctl::import(
        &zeek_systemd::import::zeekctl::Sources {
            node_cfg: case.join("node.cfg"),
            zeekctl_cfg: None,
            networks_cfg: None,
        },
        None,
    )
    .expect("import");
    let cluster = zeek_systemd::config::toml::read(
        Path::new("x.toml"),
        &toml,
        &zeek_systemd::config::ReadOptions::default(),
    )
    .expect("still valid");
    let (table, differing) = check_table(&imported, &cluster);
    assert_eq!(differing, 2, "{table}");
    assert!(table.contains("cpu      3"), "{table}");
    assert!(table.contains("<-- DIFFERS"), "{table}");
}

/// One generated worker section: (lb_method, lb_procs, pin_cpus, env value).
type WorkerSpec = (u8, u8, Vec<u8>, Option<u8>);

fn node_cfg_text(loggers: u8, proxies: u8, workers: &[WorkerSpec]) -> String {
    let mut text = String::from("[manager]\ntype=manager\nhost=localhost\n\n");
    for k in 1..=loggers {
        text.push_str(&format!(
            "[logger-{k}]\ntype=logger\nhost=localhost\npin_cpus={k}\n\n"
        ));
    }
    for k in 1..=proxies {
        text.push_str(&format!(
            "[proxy-{k}]\ntype=proxy\nhost=localhost\nenv_vars=P={k}\n\n"
        ));
    }
    for (i, (method, procs, cpus, env)) in workers.iter().enumerate() {
        text.push_str(&format!(
            "[w{i}]\ntype=worker\nhost=localhost\ninterface=eth{i}\n"
        ));
        let method = [
            "af_packet",
            "custom",
            "myricom",
            "interfaces",
            "pf_ring",
            "",
        ][*method as usize];
        if !method.is_empty() {
            text.push_str(&format!("lb_method={method}\nlb_procs={procs}\n"));
            if method == "interfaces" {
                let list: Vec<String> = (0..*procs).map(|k| format!("if{i}x{k}")).collect();
                text.push_str(&format!("lb_interfaces={}\n", list.join(",")));
            }
        }
        if !cpus.is_empty() {
            let list: Vec<String> = cpus.iter().map(u8::to_string).collect();
            text.push_str(&format!("pin_cpus={}\n", list.join(",")));
        }
        if let Some(v) = env {
            text.push_str(&format!("env_vars=SNF_FLAGS={v}, X=y{v}\n"));
        }
        text.push('\n');
    }
    text
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    /// Any node.cfg of these shapes imports into a valid config whose every
    /// node `--check` finds the same as ZeekControl's.
    #[test]
    fn generated_node_cfgs_import_to_the_same_cluster(
        loggers in 0u8..3,
        proxies in 1u8..3,
        workers in proptest::collection::vec(
            (0u8..6, 1u8..5, proptest::collection::vec(0u8..8, 0..4), proptest::option::of(0u8..3)),
            1..4,
        ),
    ) {
        let dir = TempDir::new().expect("temp");
        let cfg = dir.path().join("node.cfg");
        fs::write(&cfg, node_cfg_text(loggers, proxies, &workers)).expect("write");
        let imported = zeek_systemd::import::zeekctl::import(
            &zeek_systemd::import::zeekctl::Sources { node_cfg: cfg, zeekctl_cfg: None, networks_cfg: None },
            None,
        ).expect("import");
        let cluster = zeek_systemd::config::toml::read(
            Path::new("cluster.toml"),
            &imported.toml,
            &zeek_systemd::config::ReadOptions::default(),
        ).unwrap_or_else(|e| panic!("{e}\n{}", imported.toml));
        let (table, differing) = check_table(&imported, &cluster);
        proptest::prop_assert_eq!(differing, 0, "{}\n{}", table, imported.toml);
    }
}

/// The `--check` review table of `imported` against `cluster`, and how many
/// nodes differ.
fn check_table(
    imported: &zeek_systemd::import::zeekctl::Imported,
    cluster: &zeek_systemd::model::Cluster,
) -> (String, usize) {
    let comparison = zeek_systemd::import::zeekctl::check::compare(imported, cluster);
    let differing = comparison.iter().filter(|c| c.differs()).count();
    let table = zeek_systemd::verbs::import_zeekctl::comparison_table(&comparison);
    (table, differing)
}
