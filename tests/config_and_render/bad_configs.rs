//! The catalogue of bad configs in `tests/fixtures/bad/`, both formats alike
//! (`*.toml` is cluster.toml, `*.conf` is zeek.conf): each one must make
//! the generator exit 1 with a message naming the file, the line and the
//! key, write nothing, and make `check` fail with the same message (SPEC
//! 4.2, 4.3). Each file carries its expected message on its first line:
//!
//! ```text
//! # expect: LINE: KEY: MESSAGE
//! ```
//!
//! `-` for a LINE or KEY the message leaves out (no single line or key is
//! to blame); MESSAGE is text the message must contain after the location.

use crate::common;

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// One bad config and what its error must say.
struct Case {
    /// File name in `tests/fixtures/bad/`.
    file: String,
    /// The line the error points at; `None` where no single line is to
    /// blame.
    line: Option<usize>,
    /// The key as the message names it (`[section] key`).
    key: Option<String>,
    /// Text the message must contain: what is wrong, or the fix.
    message: String,
}

impl Case {
    /// Reads the case from its file's `# expect:` first line.
    fn read(path: &Path) -> Case {
        let file = path
            .file_name()
            .expect("file name")
            .to_string_lossy()
            .into_owned();
        let bytes = fs::read(path).expect("read bad config");
        let first = String::from_utf8_lossy(bytes.split(|b| *b == b'\n').next().unwrap_or(&[]))
            .into_owned();
        let expect = first.strip_prefix("# expect: ").unwrap_or_else(|| {
            panic!("{file}: the first line is not `# expect: LINE: KEY: MESSAGE`")
        });
        let mut parts = expect.splitn(3, ": ");
        let (Some(line), Some(key), Some(message)) = (parts.next(), parts.next(), parts.next())
        else {
            panic!("{file}: `# expect:` needs LINE: KEY: MESSAGE, got {expect:?}");
        };
        let line = (line != "-").then(|| line.parse().expect("LINE is a number or -"));
        let key = (key != "-").then(|| key.to_string());
        Case {
            file,
            line,
            key,
            message: message.to_string(),
        }
    }
}

/// Every case in `tests/fixtures/bad/`, sorted by file name.
fn cases() -> Vec<(PathBuf, Case)> {
    let mut paths: Vec<PathBuf> = fs::read_dir(bad_dir())
        .expect("tests/fixtures/bad")
        .map(|e| e.expect("dir entry").path())
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let case = Case::read(&path);
            (path, case)
        })
        .collect()
}

fn bad_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad")
}

fn generator() -> Command {
    let mut cmd = Command::new(common::program());
    cmd.env_remove("SYSTEMD_SCOPE")
        .env_remove("SYSTEMD_IN_INITRD")
        .env("ZEEK_SYSTEMD_LOG", "stderr")
        .env("SYSTEMD_PROC_CMDLINE", "");
    cmd
}

/// The start of the located message, exactly as `ConfigError` displays
/// it: `file:line: key: ` (parts left out where there is none).
fn location(path: &Path, case: &Case) -> String {
    let mut out = path.display().to_string();
    if let Some(line) = case.line {
        out.push_str(&format!(":{line}"));
    }
    out.push_str(": ");
    if let Some(key) = &case.key {
        out.push_str(&format!("{key}: "));
    }
    out
}

/// The one error line of a failed run, checked against the case; `what`
/// ran is the program the message names: the generator speaks as
/// `zeek-systemd-generator`, a verb as `zeek-systemd`.
fn assert_error(stderr: &str, path: &Path, case: &Case, what: &str) {
    let program = match what {
        "generator" => "zeek-systemd-generator",
        _ => "zeek-systemd",
    };
    let expected = format!("{program}: error: invalid config: {}", location(path, case));
    let line = stderr
        .lines()
        .find(|l| l.contains("invalid config:"))
        .unwrap_or_else(|| {
            panic!(
                "{}: {what}: no \"invalid config\" message in:\n{stderr}",
                case.file
            )
        });
    assert!(
        line.starts_with(&expected),
        "{}: {what}: expected the message to start with\n  {expected}\ngot\n  {line}",
        case.file
    );
    assert!(
        line[expected.len()..].contains(&case.message),
        "{}: {what}: expected the message to contain {:?}, got\n  {line}",
        case.file,
        case.message
    );
}

#[test]
fn every_bad_config_fails_with_file_line_key_and_leaves_no_output() {
    let mut failures = Vec::new();
    let cases = cases();
    for (path, case) in &cases {
        let result = std::panic::catch_unwind(|| check_case(path, case));
        if let Err(panic) = result {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            failures.push(message);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} bad configs misbehaved:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

fn check_case(path: &Path, case: &Case) {
    assert!(path.is_file(), "{} is missing", path.display());
    let out = tempfile::tempdir().expect("temp dir");
    let output = generator()
        .arg("--config")
        .arg(path)
        .arg(out.path())
        .output()
        .expect("run the generator");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}: generator exit status {}; stderr:\n{stderr}",
        case.file,
        output.status
    );
    assert_error(&stderr, path, case, "generator");
    let left: Vec<_> = fs::read_dir(out.path())
        .expect("read output dir")
        .map(|e| e.expect("dir entry").file_name())
        .collect();
    assert!(
        left.is_empty(),
        "{}: the output dir is not empty: {left:?}",
        case.file
    );

    let output = generator()
        .arg("--config")
        .arg(path)
        .arg("check")
        .output()
        .expect("run check");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}: check exit status {}; stderr:\n{stderr}",
        case.file,
        output.status
    );
    assert_error(&stderr, path, case, "check");
    assert!(
        output.stdout.is_empty(),
        "{}: check printed a node table for a bad config",
        case.file
    );
}

/// Both formats have their cases, and every file in `tests/fixtures/bad/` is one.
#[test]
fn the_catalogue_covers_both_formats() {
    let cases = cases();
    let count = |ext: &str| {
        cases
            .iter()
            .filter(|(p, _)| p.extension().is_some_and(|e| e == ext))
            .count()
    };
    assert_eq!(
        count("toml") + count("conf"),
        cases.len(),
        "tests/fixtures/bad/ holds only *.toml and *.conf cases"
    );
    assert!(
        count("toml") >= 25,
        "only {} cluster.toml cases",
        count("toml")
    );
    assert!(
        count("conf") >= 25,
        "only {} zeek.conf cases",
        count("conf")
    );
}

/// The non-UTF-8 case must really hold bytes that are not UTF-8 (an editor
/// could silently convert the file).
#[test]
fn the_not_utf8_case_is_not_utf8() {
    let bytes = fs::read(bad_dir().join("not-utf8.toml")).expect("read");
    assert!(std::str::from_utf8(&bytes).is_err());
}

/// An empty file is a valid config: every key has a default, and without
/// an `[[interface]]` that is a manager, a logger, a proxy and the archiver
/// (like `no-workers` in tests/fixtures/golden/, whose `.expect` file lists its units).
#[test]
fn an_empty_config_is_valid() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("cluster.toml");
    fs::write(&config, "").expect("write");
    let output = generator()
        .arg("--config")
        .arg(&config)
        .arg("check")
        .output()
        .expect("run check");
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(
            "3 node(s) on this host (1 manager, 1 logger, 1 proxy, 0 worker); archiver on"
        ),
        "{stdout}"
    );
}
