//! `check --deep` on this machine: missing user and binary, escape-hatch
//! directives systemd rejects (judged by systemd-analyze itself), and
//! script errors as a real Zeek reports them (the Zeek of `ZEEK_DIST`, as
//! for tests/real_zeek/). The node-user,
//! exact-environment side runs under a real systemd in
//! tests/real_systemd/verbs.rs.

use crate::common;

use std::path::Path;
use std::process::Command;

fn check_deep(config: &Path) -> (i32, String) {
    let out = Command::new(common::program())
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

#[test]
fn real_zeek_parse_errors_are_reported_per_role() {
    let Some(zeek) = common::real_zeek::zeek_prefix() else {
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
