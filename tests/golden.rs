//! Golden tests: for every config in `examples/` and `tests/golden/`, the
//! whole generator output tree, the `check` table and the `layout` text,
//! snapshotted as one readable text per config; and `systemd-analyze
//! verify` over every unit each config produces.
//!
//! The generator runs as systemd runs it (no `--config`: the config is
//! found as `<root>/etc/zeek/cluster.toml` through
//! `ZEEK_SYSTEMD_CONFIG_DIR`, the output goes to
//! `<root>/run/systemd/generator`), and `<root>` is cut from the text, so
//! the snapshots show the paths of a real installation.

use std::fs;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

/// Where `zeek-setup.service` calls the generator in the snapshots.
const INSTALLED_GENERATOR: &str = "/usr/lib/systemd/system-generators/zeek-systemd-generator";

/// A scratch root holding `etc/zeek/cluster.toml` and the (empty)
/// `run/systemd/generator` output dir.
struct Root {
    dir: TempDir,
}

impl Root {
    fn new(config_text: &str) -> Root {
        let dir = tempfile::Builder::new()
            .prefix("golden")
            .tempdir()
            .expect("temp dir");
        let root = Root { dir };
        fs::create_dir_all(root.config_dir()).expect("config dir");
        fs::create_dir_all(root.out_dir()).expect("output dir");
        fs::write(root.config_dir().join("cluster.toml"), config_text).expect("write config");
        root
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn config_dir(&self) -> PathBuf {
        self.path().join("etc/zeek")
    }

    fn out_dir(&self) -> PathBuf {
        self.path().join("run/systemd/generator")
    }

    /// The generator binary with an environment that does not depend on
    /// the machine or on who runs the tests.
    fn command(&self, generator_path: &str) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_zeek-systemd-generator"));
        cmd.env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("ZEEK_SYSTEMD_CONFIG_DIR", self.config_dir())
            .env("ZEEK_SYSTEMD_GENERATOR_PATH", generator_path)
            .env("ZEEK_SYSTEMD_LOG", "stderr")
            // An empty kernel command line: never `zeek.cluster=0`.
            .env("SYSTEMD_PROC_CMDLINE", "")
            .current_dir(self.path());
        cmd
    }

    /// Runs the generator (or a subcommand) and returns stdout; fails the
    /// test on a non-zero exit or on anything but warnings written to
    /// stderr.
    fn run(&self, generator_path: &str, args: &[&str]) -> String {
        let output = self
            .command(generator_path)
            .args(args)
            .output()
            .expect("run the generator");
        // Warnings about the config (tests/warnings.rs) are not output.
        let stderr: String = String::from_utf8_lossy(&output.stderr)
            .lines()
            .filter(|l| !l.starts_with("zeek-systemd-generator: warning: "))
            .collect();
        assert!(
            output.status.success() && stderr.is_empty(),
            "zeek-systemd-generator {args:?} failed ({}):\n{stderr}",
            output.status
        );
        String::from_utf8(output.stdout).expect("UTF-8 output")
    }

    /// Cuts the scratch root out of generated text.
    fn strip(&self, text: &str) -> String {
        text.replace(&self.path().display().to_string(), "")
    }
}

/// Every file and link below `dir`, sorted by path, as text: a header per
/// entry, then the file's content (links as `path -> target`).
fn tree_text(dir: &Path) -> String {
    let mut entries = Vec::new();
    collect(dir, dir, &mut entries);
    entries.sort();
    let mut out = String::new();
    for (relative, body) in entries {
        match body {
            Entry::File(text) => {
                out.push_str(&format!("--- {relative}\n{text}"));
                if !text.ends_with('\n') {
                    out.push_str("\n[no newline at end of file]\n");
                }
            }
            Entry::Link(target) => out.push_str(&format!("--- {relative} -> {target}\n")),
        }
        out.push('\n');
    }
    out
}

#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Entry {
    File(String),
    Link(String),
}

fn collect(base: &Path, dir: &Path, out: &mut Vec<(String, Entry)>) {
    for entry in fs::read_dir(dir).expect("read output dir") {
        let entry = entry.expect("dir entry");
        let path = entry.path();
        let relative = path
            .strip_prefix(base)
            .expect("below base")
            .display()
            .to_string();
        let kind = entry.file_type().expect("file type");
        if kind.is_symlink() {
            let target = fs::read_link(&path).expect("read link");
            out.push((relative, Entry::Link(target.display().to_string())));
        } else if kind.is_dir() {
            collect(base, &path, out);
        } else {
            let text = fs::read_to_string(&path).expect("generated files are UTF-8");
            out.push((relative, Entry::File(text)));
        }
    }
}

/// The snapshot text of one config: the generator's output tree, the
/// `check` table and the `layout` output.
fn golden_text(config: &Path) -> String {
    let text = fs::read_to_string(config).expect("read config");
    let root = Root::new(&text);
    let out_dir = root.out_dir();
    let out_arg = out_dir.display().to_string();
    let stdout = root.run(INSTALLED_GENERATOR, &[&out_arg]);
    assert_eq!(stdout, "", "the generator writes nothing to stdout");
    let tree = root.strip(&tree_text(&out_dir));
    let check = root.strip(&root.run(INSTALLED_GENERATOR, &["check"]));
    let layout = root.strip(&root.run(INSTALLED_GENERATOR, &["layout"]));
    format!(
        "===== generator output: /run/systemd/generator =====\n{tree}\
         ===== zeek-systemd-generator check =====\n{check}\n\
         ===== zeek-systemd-generator layout =====\n{layout}"
    )
}

#[test]
fn golden_examples() {
    insta::glob!("../examples", "*.toml", |path| {
        insta::assert_snapshot!(golden_text(path));
    });
}

#[test]
fn golden_configs() {
    insta::glob!("golden", "*.toml", |path| {
        insta::assert_snapshot!(golden_text(path));
    });
}

/// Every config the golden tests cover.
fn golden_config_files() -> Vec<PathBuf> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["examples", "tests/golden"] {
        for entry in fs::read_dir(manifest.join(dir)).expect("config dir") {
            let path = entry.expect("dir entry").path();
            if path.extension().is_some_and(|e| e == "toml") {
                files.push(path);
            }
        }
    }
    files.sort();
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
    let generator = env!("CARGO_BIN_EXE_zeek-systemd-generator");
    for config in golden_config_files() {
        let text = fs::read_to_string(&config).expect("read config");
        let root = Root::new("");
        let stubbed = with_stub_executables(&text, root.path());
        fs::write(root.config_dir().join("cluster.toml"), stubbed).expect("write config");
        let out_dir = root.out_dir();
        // zeek-setup.service runs the generator itself: give it a real path.
        root.run(generator, &[&out_dir.display().to_string()]);
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
