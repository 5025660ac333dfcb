//! Scratch roots for generator runs, shared by the golden, zeek.conf and
//! multi-host tests: a root holds the config under `etc/zeek` and the
//! output in `run/systemd/generator`, the generator runs as systemd runs
//! it (config found through `ZEEK_SYSTEMD_CONFIG_DIR`), and the root is
//! cut from what it prints, so texts show the paths of a real
//! installation. Output trees read back as one text (for whole-tree
//! snapshots) or as directives (for cases that assert only the
//! directives they are about, see [`check_expectations`]).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

/// Where `zeek-setup.service` calls the generator in the output texts.
pub const INSTALLED_GENERATOR: &str = "/usr/lib/systemd/system-generators/zeek-systemd-generator";

/// The prefixes of a warning on stderr (the generator's, a verb's);
/// warnings are not failures.
const WARNINGS: [&str; 2] = [
    "zeek-systemd-generator: warning: ",
    "zeek-systemd: warning: ",
];

/// The file name of every node's drop-in.
pub const DROP_IN: &str = "50-zeek-systemd-generator.conf";

/// The cluster secrets every scratch root has (`zeek-systemd secrets
/// create` output; keys for tests only).
pub const TEST_SECRETS: &str = "\
curve_server_public = \":hg#QHTM!Efk3LPJ*>MemdbGcqXyX5DAbZhdoRi6\"
curve_server_secret = \"4&SGq+m2r=xC*-iVcyOkuB1oHs<ZEN}SMoG0v92*\"
curve_client_public = \"m5nC=VO]R?)nE9p/PIy9VZJp#*RanA-Y}!IwWq)@\"
curve_client_secret = \"4g+5A>@}wAO!Au+wBRA{3?iVxPa][dF-RJoCfdgU\"
hash_seed = \"e67f389a038f29ad06f0a20be4a027cbc51e75b9c56a1218a4b4bca451275841\"
";

/// A scratch root with `etc/zeek` and an empty `run/systemd/generator`.
pub struct Root {
    dir: TempDir,
    /// The generator path the units' `zeek-setup.service` calls.
    generator_path: String,
}

impl Root {
    /// An empty root (`etc/zeek` and the output dir exist).
    pub fn new() -> Root {
        let dir = tempfile::Builder::new()
            .prefix("zeek-systemd-test")
            .tempdir()
            .expect("temp dir");
        let root = Root {
            dir,
            generator_path: INSTALLED_GENERATOR.to_string(),
        };
        fs::create_dir_all(root.config_dir()).expect("config dir");
        fs::create_dir_all(root.out_dir()).expect("output dir");
        // A multi-host config needs the cluster's secrets (issue 18); a
        // single-host one ignores them.
        fs::write(root.config_dir().join("cluster-secrets"), TEST_SECRETS).expect("secrets");
        root
    }

    /// A root whose `etc/zeek/<relative>` holds `text`.
    pub fn with_config(relative: &str, text: &str) -> Root {
        let root = Root::new();
        root.write_config(relative, text);
        root
    }

    /// Writes `etc/zeek/<relative>` (creating its dir).
    pub fn write_config(&self, relative: &str, text: &str) {
        let path = self.config_dir().join(relative);
        fs::create_dir_all(path.parent().expect("config file dir")).expect("config dir");
        fs::write(path, text).expect("write config");
    }

    /// Makes the units call `path` as the generator (e.g. the real binary,
    /// for `systemd-analyze verify`).
    pub fn generator_path(mut self, path: &str) -> Root {
        self.generator_path = path.to_string();
        self
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn config_dir(&self) -> PathBuf {
        self.path().join("etc/zeek")
    }

    pub fn out_dir(&self) -> PathBuf {
        self.path().join("run/systemd/generator")
    }

    /// The generator binary with an environment that does not depend on
    /// the machine or on who runs the tests.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(super::program());
        cmd.env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("ZEEK_SYSTEMD_CONFIG_DIR", self.config_dir())
            .env("ZEEK_SYSTEMD_GENERATOR_PATH", &self.generator_path)
            .env("ZEEK_SYSTEMD_LOG", "stderr")
            // An empty kernel command line: never `zeek.cluster=0`.
            .env("SYSTEMD_PROC_CMDLINE", "")
            .current_dir(self.path());
        cmd
    }

    /// Runs the generator (or a subcommand) with `args`.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command()
            .args(args)
            .output()
            .expect("run the generator")
    }

    /// Runs and returns (stdout, warnings), both with the root cut out;
    /// fails the test on a non-zero exit or on stderr other than warnings.
    pub fn run_ok(&self, args: &[&str]) -> (String, String) {
        let output = self.run(args);
        let stderr = self.strip(&String::from_utf8_lossy(&output.stderr));
        let errors: Vec<&str> = stderr
            .lines()
            .filter(|l| !WARNINGS.iter().any(|w| l.starts_with(w)))
            .collect();
        assert!(
            output.status.success() && errors.is_empty(),
            "zeek-systemd {args:?} failed ({}):\n{stderr}",
            output.status
        );
        let stdout = String::from_utf8(output.stdout).expect("UTF-8 output");
        (self.strip(&stdout), stderr)
    }

    /// Generates into the output dir as systemd would (`extra` before the
    /// dir, e.g. `--host H`); returns the warnings.
    pub fn generate(&self, extra: &[&str]) -> String {
        let out_dir = self.out_dir().display().to_string();
        let mut args = extra.to_vec();
        args.push(&out_dir);
        let (stdout, warnings) = self.run_ok(&args);
        assert_eq!(stdout, "", "the generator writes nothing to stdout");
        warnings
    }

    /// Cuts the scratch root out of generated text.
    pub fn strip(&self, text: &str) -> String {
        text.replace(&self.path().display().to_string(), "")
    }

    /// The output tree as one text, root cut out (see [`tree_text`]).
    pub fn tree_text(&self) -> String {
        self.strip(&tree_text(&self.out_dir()))
    }
}

/// Every file and link below `dir`, sorted by path, as text: a header per
/// entry, then the file's content (links as `path -> target`).
pub fn tree_text(dir: &Path) -> String {
    let mut out = String::new();
    for (relative, body) in tree(dir) {
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

/// One entry of an output tree.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
pub enum Entry {
    File(String),
    Link(String),
}

/// Every file and link below `dir` by path relative to `dir`.
pub fn tree(dir: &Path) -> BTreeMap<String, Entry> {
    let mut entries = BTreeMap::new();
    collect(dir, dir, &mut entries);
    entries
}

fn collect(base: &Path, dir: &Path, out: &mut BTreeMap<String, Entry>) {
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
            out.insert(relative, Entry::Link(target.display().to_string()));
        } else if kind.is_dir() {
            collect(base, &path, out);
        } else {
            let text = fs::read_to_string(&path).expect("generated files are UTF-8");
            out.insert(relative, Entry::File(text));
        }
    }
}

/// The directives of a unit file as (key, value) pairs in file order:
/// comments, blank lines and section headers left out, continuation
/// lines (a trailing backslash) joined.
pub fn directives(unit: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut pending = String::new();
    for line in unit.lines() {
        if pending.is_empty() {
            let trimmed = line.trim_start();
            if trimmed.is_empty() || trimmed.starts_with(['#', ';', '[']) {
                continue;
            }
        }
        if let Some(start) = line.strip_suffix('\\') {
            pending.push_str(start);
            pending.push(' ');
            continue;
        }
        pending.push_str(line);
        let (key, value) = pending.split_once('=').expect("a directive is KEY=VALUE");
        out.push((key.trim().to_string(), value.trim().to_string()));
        pending.clear();
    }
    out
}

/// Checks a generated root against an expectation text and returns what
/// differs (empty when all holds). The text has sections:
///
/// * `[FILE]` (a path in the output tree) or `[node NAME]` (that node's
///   drop-in): each `Key=Value` line is one expected value of `Key`; the
///   file's values of every key named must be exactly those, in order.
///   `!Key` says the file has no `Key=`.
/// * `[!FILE]` / `[!node NAME]`: the file does not exist.
/// * `[layout]`, `[check]`, `[messages]`: each line must be a line
///   (trimmed) of the `layout` output, the `check` output, or the
///   generator's warnings.
///
/// Lines starting with `#` outside unit values are comments.
pub fn check_expectations(root: &Root, expect: &str, warnings: &str, args: &[&str]) -> Vec<String> {
    let mut failures = Vec::new();
    for (section, lines) in expectation_sections(expect) {
        let check = |failures: &mut Vec<String>, text: &str, what: &str| {
            for line in &lines {
                if !text.lines().any(|l| l.trim() == line.trim()) {
                    failures.push(format!("{what}: no line {line:?} in:\n{text}"));
                }
            }
        };
        match section.as_str() {
            "layout" | "check" => {
                let mut run_args = vec![section.as_str()];
                run_args.extend_from_slice(args);
                let (stdout, _) = root.run_ok(&run_args);
                check(&mut failures, &stdout, &section);
            }
            "messages" => check(&mut failures, warnings, "messages"),
            _ => check_file(root, &section, &lines, &mut failures),
        }
    }
    failures
}

/// The sections of an expectation text: (header, lines).
fn expectation_sections(expect: &str) -> Vec<(String, Vec<String>)> {
    let mut sections: Vec<(String, Vec<String>)> = Vec::new();
    for line in expect.lines() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(header) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            sections.push((header.to_string(), Vec::new()));
        } else {
            let (_, lines) = sections.last_mut().expect("a line before any [section]");
            lines.push(line.to_string());
        }
    }
    sections
}

/// The output-tree path a section header names.
fn section_path(header: &str) -> String {
    match header.strip_prefix("node ") {
        Some(node) => format!("zeek@{node}.service.d/{DROP_IN}"),
        None => header.to_string(),
    }
}

fn check_file(root: &Root, header: &str, lines: &[String], failures: &mut Vec<String>) {
    let (absent, header) = match header.strip_prefix('!') {
        Some(rest) => (true, rest),
        None => (false, header),
    };
    let relative = section_path(header);
    let path = root.out_dir().join(&relative);
    if absent {
        if fs::symlink_metadata(&path).is_ok() {
            failures.push(format!("{relative}: exists, expected none"));
        }
        return;
    }
    let Ok(text) = fs::read_to_string(&path) else {
        failures.push(format!("{relative}: missing"));
        return;
    };
    let text = root.strip(&text);
    let actual = directives(&text);
    let mut expected: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in lines {
        match line.strip_prefix('!') {
            Some(key) => expected.entry(key.trim().to_string()).or_default(),
            None => {
                let (key, value) = line
                    .split_once('=')
                    .expect("an expected directive is KEY=VALUE");
                let values = expected.entry(key.trim().to_string()).or_default();
                values.push(value.trim().to_string());
                values
            }
        };
    }
    for (key, want) in expected {
        let got: Vec<&String> = actual
            .iter()
            .filter(|(k, _)| *k == key)
            .map(|(_, v)| v)
            .collect();
        if got != want.iter().collect::<Vec<_>>() {
            failures.push(format!("{relative}: {key}= expected {want:?}, got {got:?}"));
        }
    }
}
