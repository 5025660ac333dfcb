//! `check --deep` on this machine: missing user and binary, escape-hatch
//! directives systemd rejects (judged by systemd-analyze itself), and
//! script errors as a real Zeek reports them (`ZEEK_SYSTEMD_REAL_ZEEK`: a
//! Zeek prefix or tarball; CI uses the Zeek 9.1 build beside the checkout). The node-user,
//! exact-environment side runs under a real systemd in
//! tests/real_systemd_verbs.rs.

use std::path::{Path, PathBuf};
use std::process::Command;

const GENERATOR: &str = env!("CARGO_BIN_EXE_zeek-systemd-generator");

fn check_deep(config: &Path) -> (i32, String) {
    let out = Command::new(GENERATOR)
        .env("ZEEK_SYSTEMD_LOG", "stderr")
        .arg("--config")
        .arg(config)
        .args(["check", "--deep"])
        .output()
        .expect("run the generator");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// The report's lines for the check whose line contains `what`: its
/// status line and the indented lines below it.
fn finding(report: &str, what: &str) -> String {
    let lines: Vec<&str> = report.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with("  ") && l.contains(what))
        .unwrap_or_else(|| panic!("no finding {what:?} in:\n{report}"));
    let mut out = vec![lines[start]];
    out.extend(
        lines[start + 1..]
            .iter()
            .take_while(|l| l.starts_with("          ")),
    );
    out.join("\n")
}

#[test]
fn missing_user_binary_and_rejected_directives_fail() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("cluster.toml");
    std::fs::write(
        &config,
        format!(
            r#"
[zeek]
prefix = "{prefix}"
user = "no-such-zeek-user"
group = "root"
[manager.systemd.Service]
ExecStart = "/bin/true"
[worker.systemd.Service]
LimitNOFLE = "1048576"
[[interface]]
name = "lo"
capture = "af_packet::lo"
workers = 1
"#,
            prefix = dir.path().join("no-zeek-here").display()
        ),
    )
    .unwrap();
    let (code, report) = check_deep(&config);
    assert_eq!(code, 1, "{report}");
    let user = finding(&report, "user no-such-zeek-user");
    assert!(user.starts_with("  FAILED"), "{user}");
    assert!(user.contains("no such user"), "{user}");
    assert!(finding(&report, "group root").starts_with("  ok"));
    let zeek = finding(&report, "zeek binary");
    assert!(zeek.starts_with("  FAILED"), "{zeek}");
    assert!(zeek.contains("No such file or directory"), "{zeek}");
    let scripts = finding(&report, "scripts (zeek -a)");
    assert!(scripts.contains("not checked"), "{scripts}");
    // systemd's own verdicts on the escape-hatch directives.
    let units = finding(&report, "units (systemd-analyze verify)");
    assert!(units.starts_with("  FAILED"), "{units}");
    assert!(
        units.contains("zeek@manager.service: Service has more than one ExecStart= setting"),
        "{units}"
    );
    assert!(
        units.contains("Unknown key 'LimitNOFLE' in section [Service]")
            || units.contains("Unknown key name 'LimitNOFLE'"),
        "{units}"
    );
    assert!(
        report.contains("deep check: 4 of 5 checks FAILED"),
        "{report}"
    );
}

/// Where the real Zeek build comes from: a Zeek prefix (with `bin/zeek`) or
/// a release tarball of one, unpacked once into target/real-zeek.
const REAL_ZEEK_ENV: &str = "ZEEK_SYSTEMD_REAL_ZEEK";
const SKIP_REAL_ZEEK_ENV: &str = "ZEEK_SYSTEMD_SKIP_REAL_ZEEK";

/// The real Zeek prefix; `None` when skipped deliberately (never in CI).
fn real_zeek() -> Option<PathBuf> {
    let Some(given) = std::env::var_os(REAL_ZEEK_ENV).filter(|v| !v.is_empty()) else {
        let ci = std::env::var("CI").as_deref() == Ok("true");
        if !ci && std::env::var(SKIP_REAL_ZEEK_ENV).as_deref() == Ok("1") {
            eprintln!("skipping the real-Zeek deep check: {SKIP_REAL_ZEEK_ENV}=1");
            return None;
        }
        panic!(
            "set {REAL_ZEEK_ENV} to a Zeek prefix or a tarball of one (or {SKIP_REAL_ZEEK_ENV}=1 \
             to skip this test deliberately; never in CI)"
        );
    };
    let given = PathBuf::from(given);
    if given.join("bin/zeek").exists() {
        return Some(given);
    }
    assert!(
        given.is_file(),
        "{REAL_ZEEK_ENV}={}: no such prefix or tarball",
        given.display()
    );
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/real-zeek");
    let stamp = dir.join(format!(
        "stamp-{}",
        std::fs::metadata(&given).unwrap().len()
    ));
    if !stamp.exists() {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let status = Command::new("tar")
            .arg("-xf")
            .arg(&given)
            .arg("-C")
            .arg(&dir)
            .status()
            .expect("run tar");
        assert!(status.success(), "cannot unpack {}", given.display());
        std::fs::write(&stamp, "").unwrap();
    }
    let prefix = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.join("bin/zeek").exists());
    Some(prefix.unwrap_or_else(|| panic!("no bin/zeek in {}", given.display())))
}

#[test]
fn real_zeek_parse_errors_are_reported_per_role() {
    let Some(zeek) = real_zeek() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.zeek");
    std::fs::write(&bad, "event zeek_init() { local x: count = \"a\"; }\n").unwrap();
    let config = dir.path().join("cluster.toml");
    std::fs::write(
        &config,
        format!(
            r#"
[zeek]
prefix = "{zeek}"
spool_dir = "{spool}"
user = "root"
group = "root"
[proxy]
args = ["{bad}"]
[[interface]]
name = "lo"
capture = "af_packet::lo"
workers = 2
"#,
            zeek = zeek.display(),
            spool = dir.path().join("spool").display(),
            bad = bad.display()
        ),
    )
    .unwrap();
    let started = std::time::Instant::now();
    let (code, report) = check_deep(&config);
    eprintln!(
        "check --deep with real Zeek: {:.1} s\n{report}",
        started.elapsed().as_secs_f64()
    );
    assert_eq!(code, 1, "{report}");
    // Zeek 9.1's own words: "error in FILE, line N: ...".
    let proxy = finding(&report, "scripts of proxy-1");
    assert!(proxy.starts_with("  FAILED"), "{proxy}");
    assert!(
        proxy.contains(&format!(
            "error in {}, line 1: assignment of non-arithmetic value to arithmetic (count/string)",
            bad.display()
        )),
        "{proxy}"
    );
    // `local` with the generated layout and policy script parses for the
    // other roles; the two workers share one run.
    for what in [
        "scripts of manager (manager,",
        "scripts of logger-1 (logger,",
        "scripts of worker-lo-1 (worker, same command line as 1 more,",
    ] {
        assert!(
            finding(&report, what).starts_with("  ok"),
            "{what}:\n{report}"
        );
    }
    // The real spool was never created: the parse ran in a scratch copy.
    assert!(!dir.path().join("spool").exists());
}
