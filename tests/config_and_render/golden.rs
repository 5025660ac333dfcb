//! Golden tests. Whole-tree snapshots (insta) only for the configs in
//! `examples/`: the generator output tree, the `check` table and the
//! `layout` text as one readable text per config. Every config in
//! `tests/fixtures/golden/` is a case about some directives: `NAME.expect` beside
//! it lists them (see `common::scratch::check_expectations`), so a
//! template line another case is not about changes no expectation. And
//! `systemd-analyze verify` over every unit each config produces.
//!
//! The generator runs as systemd runs it (no `--config`: the config is
//! found as `<root>/etc/zeek/cluster.toml` through
//! `ZEEK_SYSTEMD_CONFIG_DIR`, the output goes to
//! `<root>/run/systemd/generator`), and `<root>` is cut from the text, so
//! the texts show the paths of a real installation.

use crate::common;

use std::fs;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::scratch::{check_expectations, Root};

/// The snapshot text of one config: the generator's output tree, the
/// `check` table and the `layout` output.
fn golden_text(config: &Path) -> String {
    let text = fs::read_to_string(config).expect("read config");
    let root = Root::with_config("cluster.toml", &text);
    root.generate(&[]);
    let tree = root.tree_text();
    let (check, _) = root.run_ok(&["check"]);
    let check = without_free_space(&check);
    let (layout, _) = root.run_ok(&["layout"]);
    format!(
        "===== generator output: /run/systemd/generator =====\n{tree}\
         ===== zeek-systemd check =====\n{check}\n\
         ===== zeek-systemd layout =====\n{layout}"
    )
}

/// `check` output without its free-space table: that is this machine's
/// disk, not the config's claim (the disk tests cover it).
fn without_free_space(check: &str) -> String {
    match check.find("\nHOLDS ") {
        Some(start) => check[..start].to_string(),
        None => check.to_string(),
    }
}

#[test]
fn golden_examples() {
    insta::glob!("../../examples", "*.toml", |path| {
        insta::assert_snapshot!(golden_text(path));
    });
}

/// The configs of `dir` (relative to the project), sorted.
fn toml_files(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("config dir")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

/// Every `tests/fixtures/golden/` config generates what its `.expect` file says.
#[test]
fn golden_cases_have_their_directives() {
    let mut failures = Vec::new();
    for config in toml_files("tests/fixtures/golden") {
        let expect_path = config.with_extension("expect");
        let expect = fs::read_to_string(&expect_path)
            .unwrap_or_else(|e| panic!("{}: {e}", expect_path.display()));
        let text = fs::read_to_string(&config).expect("read config");
        let root = Root::with_config("cluster.toml", &text);
        let warnings = root.generate(&[]);
        for failure in check_expectations(&root, &expect, &warnings, &[]) {
            failures.push(format!("{}: {failure}", config.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every config the golden tests cover.
fn golden_config_files() -> Vec<PathBuf> {
    let mut files = toml_files("examples");
    files.extend(toml_files("tests/fixtures/golden"));
    files
}

#[test]
fn enough_golden_configs() {
    let files = golden_config_files();
    assert!(
        files.len() >= 8,
        "expected at least 8 golden configs, found {files:?}"
    );
}

/// Rewrites a config so every executable its units start is a stub in the
/// scratch root: `[zeek] prefix` (and `zeek`) point at `<root>/prefix`,
/// which holds executable `bin/zeek` and `bin/zeek-archiver`, and a custom
/// archiver command starts `<root>/prefix/bin/custom-archiver`. Without
/// this, `systemd-analyze verify` warns "Command ... is not executable"
/// for paths that exist only on a Zeek sensor.
fn with_stub_executables(config_text: &str, root: &Path) -> String {
    let prefix = root.join("prefix");
    let bin = prefix.join("bin");
    fs::create_dir_all(&bin).expect("stub bin dir");
    for name in ["zeek", "zeek-archiver", "custom-archiver"] {
        let stub = bin.join(name);
        fs::write(&stub, "#!/bin/sh\nexec sleep infinity\n").expect("write stub");
        fs::set_permissions(&stub, fs::Permissions::from_mode(0o755)).expect("chmod stub");
    }
    let mut doc: toml::Table = toml::from_str(config_text).expect("golden configs are TOML");
    let zeek = doc
        .entry("zeek")
        .or_insert_with(|| toml::Value::Table(toml::Table::new()))
        .as_table_mut()
        .expect("[zeek] is a table");
    zeek.insert(
        "prefix".into(),
        toml::Value::String(prefix.display().to_string()),
    );
    if zeek.contains_key("zeek") {
        zeek.insert(
            "zeek".into(),
            toml::Value::String(bin.join("zeek").display().to_string()),
        );
    }
    if let Some(command) = doc
        .get_mut("archiver")
        .and_then(|a| a.as_table_mut())
        .and_then(|a| a.get_mut("command"))
        .and_then(|c| c.as_array_mut())
    {
        command[0] = toml::Value::String(bin.join("custom-archiver").display().to_string());
    }
    toml::to_string(&doc).expect("serialize config")
}

/// The units the generator wrote: the files at the top of the output dir
/// and one instance per node drop-in dir.
fn generated_units(out_dir: &Path) -> Vec<String> {
    let mut units = Vec::new();
    for entry in fs::read_dir(out_dir).expect("read output dir") {
        let entry = entry.expect("dir entry");
        let name = entry.file_name().to_string_lossy().into_owned();
        let kind = entry.file_type().expect("file type");
        if kind.is_file() {
            units.push(name);
        } else if let Some(unit) = name.strip_suffix(".d").filter(|u| u.starts_with("zeek@")) {
            units.push(unit.to_string());
        }
    }
    units.sort();
    units
}

#[test]
fn systemd_analyze_verify_accepts_every_generated_unit() {
    let analyze = Path::new("/usr/bin/systemd-analyze");
    assert!(
        analyze.exists(),
        "systemd-analyze is needed (package systemd)"
    );
    let generator = common::program();
    for config in golden_config_files() {
        let text = fs::read_to_string(&config).expect("read config");
        // zeek-setup.service runs the generator itself: give it a real path.
        let root = Root::new().generator_path(generator.to_str().expect("UTF-8 path"));
        let stubbed = with_stub_executables(&text, root.path());
        root.write_config("cluster.toml", &stubbed);
        let out_dir = root.out_dir();
        root.generate(&[]);
        let units = generated_units(&out_dir);
        assert!(
            units.iter().any(|u| u == "zeek.target"),
            "{}: no zeek.target in {units:?}",
            config.display()
        );
        let output = Command::new(analyze)
            .arg("verify")
            .arg("--man=no")
            .args(&units)
            .current_dir(&out_dir)
            // The trailing colon keeps the default search path, where
            // multi-user.target and friends live.
            .env("SYSTEMD_UNIT_PATH", format!("{}:", out_dir.display()))
            .env("SYSTEMD_LOG_COLOR", "0")
            .output()
            .expect("run systemd-analyze");
        let stderr = String::from_utf8_lossy(&output.stderr);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success() && stderr.trim().is_empty() && stdout.trim().is_empty(),
            "{}: systemd-analyze verify {units:?} ({}):\n{stdout}{stderr}",
            config.display(),
            output.status
        );
    }
}
