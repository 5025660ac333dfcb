//! The catalogue of bad configs in `tests/bad/`: each one must make the
//! generator exit 1 with a message naming the file, the line and the key,
//! write nothing, and make `check` fail with the same message (SPEC 4.2,
//! 4.3).

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// One bad config and what its error must say.
struct Case {
    /// File name in `tests/bad/`.
    file: &'static str,
    /// The line the error points at; `None` where no single line is to
    /// blame.
    line: Option<usize>,
    /// The key as the message names it (`[section] key`).
    key: Option<&'static str>,
    /// Text the message must contain: what is wrong, or the fix.
    message: &'static str,
}

const fn case(
    file: &'static str,
    line: Option<usize>,
    key: Option<&'static str>,
    message: &'static str,
) -> Case {
    Case {
        file,
        line,
        key,
        message,
    }
}

const IFACE: Option<&str> = Some("[[interface]]");

#[rustfmt::skip]
const CASES: &[Case] = &[
    // Not TOML, or not text.
    case("syntax-error.toml", Some(3), Some("[zeek] user"), "invalid basic string"),
    case("duplicate-key.toml", Some(5), Some("[[interface]] workers"), "duplicate key"),
    case("not-utf8.toml", Some(3), None, "is not UTF-8 text"),
    case("deep-nesting.toml", Some(1), Some("x"), "recursion"),
    // Wrong types and out-of-range numbers.
    case("workers-wrong-type.toml", Some(4), Some("[[interface]] workers"), "invalid type: string \"4\""),
    case("workers-negative.toml", Some(4), Some("[[interface]] workers"), "must be between 1 and 16384, got -1"),
    case("workers-huge.toml", Some(5), Some("[[interface]] workers"), "must be between 1 and 16384, got 10000000"),
    case("workers-overflow-i64.toml", Some(4), Some("[[interface]] workers"), "99999999999999999999"),
    case("too-many-nodes.toml", None, None, "the cluster has 65539 nodes; at most 65000"),
    case("env-not-a-table.toml", Some(2), Some("[zeek] env"), "expected a map"),
    case("restart-sec-negative.toml", Some(2), Some("[zeek] restart_sec"), "must be between 0 and 3600, got -1"),
    case("nice-out-of-range.toml", Some(2), Some("[proxy] nice"), "nice 20 is outside -20..19"),
    case("worker-cpus.toml", Some(2), Some("[worker] cpus"), "set `cpus` in each [[interface]]"),
    case("memory-max-bad-unit.toml", Some(2), Some("[worker] memory_max"), "\"8GB\" is not a memory size"),
    case("memory-max-zero.toml", Some(2), Some("[manager] memory_max"), "memory size 0 is not positive"),
    case("numa-policy-unknown.toml", Some(5), Some("[[interface]] numa_policy"), "\"nearest\" is not a NUMA policy"),
    // CPU lists.
    case("cpus-not-a-number.toml", Some(5), Some("[[interface]] cpus"), "\"x\" is not a CPU number"),
    case("cpus-stride-zero.toml", Some(5), Some("[[interface]] cpus"), "stride 0 in \"0-7:0\""),
    case("cpus-range-backwards.toml", Some(2), Some("[manager] cpus"), "range \"7-0\" runs backwards"),
    case("cpus-above-max.toml", Some(2), Some("[logger] cpus"), "CPU 8192 in \"8192\" is above the highest CPU 8191"),
    // Unknown names, with hints.
    case("unknown-key.toml", Some(4), Some("[[interface]] wokers"), "unknown key \"wokers\"; did you mean \"workers\"?"),
    case("unknown-key-zeek.toml", Some(2), Some("[zeek] prefx"), "unknown key \"prefx\"; did you mean \"prefix\"?"),
    case("unknown-section.toml", Some(1), Some("[workers]"), "unknown section \"workers\"; did you mean \"worker\"?"),
    case("hardening-unknown.toml", Some(2), Some("[zeek] hardening"), "\"paranoid\" is not a hardening level; use strict, basic or off"),
    case("backend-unknown.toml", Some(2), Some("[zeek] cluster_backend"), "unknown cluster backend \"zmq\""),
    case("manager-count.toml", Some(2), Some("[manager] count"), "use `enabled = false`"),
    case("logger-enabled.toml", Some(2), Some("[logger] enabled"), "use `count = 0` for none"),
    // Templates (SPEC 2.3).
    case("template-unknown-variable.toml", Some(3), Some("[[interface]] capture"), "unknown template variable ${iface}"),
    case("template-unclosed.toml", Some(5), Some("[[interface]] env"), "unclosed \"${\" in \"${worker_index\""),
    case("template-worker-index-in-manager-env.toml", Some(2), Some("[manager] env"), "${worker_index} in \"${worker_index}\" is only available in worker values"),
    case("template-worker-cpu-without-cpus.toml", Some(5), Some("[[interface]] env"), "${worker_cpu} in \"${worker_cpu}\" needs a CPU list"),
    // Environment.
    case("env-value-newline.toml", Some(2), Some("[zeek] env"), "control character '\\n'"),
    case("env-bad-name.toml", Some(2), Some("[worker] env"), "\"1ST-VAR\" is not an environment variable name"),
    // Addresses and ports.
    case("address-invalid.toml", Some(2), Some("[cluster] address"), "\"10.0.0.256\" is not an IPv4 or IPv6 address"),
    case("address-hostname.toml", Some(2), Some("[cluster] address"), "is not an IPv4 or IPv6 address"),
    case("ip-allow-bad-prefix.toml", Some(2), Some("[cluster] ip_allow"), "\"10.1.0.0/33\" has an invalid prefix length"),
    case("port-out-of-range.toml", Some(2), Some("[cluster] port"), "port 70000 is outside 1..65535"),
    case("listener-ports-past-65535.toml", Some(3), Some("[cluster] port"), "3 listeners starting at port 65534 run past port 65535"),
    case("metrics-ports-overlap-listeners.toml", Some(3), Some("[cluster] metrics_port"), "metrics ports 27000..27002 overlap the cluster listener ports 27001..27003"),
    case("metrics-ports-past-65535.toml", Some(3), Some("[cluster] metrics_port"), "6 metrics ports starting at 65531 run past port 65535"),
    // Interfaces.
    case("interface-duplicate-name.toml", Some(7), Some("[[interface]] name"), "interface name \"eth1\" is used twice (first at line 2)"),
    case("interface-without-workers.toml", Some(1), IFACE, "missing key \"workers\""),
    case("interface-without-capture.toml", Some(1), IFACE, "missing key \"capture\""),
    case("interface-without-name.toml", Some(4), IFACE, "missing key \"name\""),
    case("interface-bad-name.toml", Some(2), Some("[[interface]] name"), "\"eth1/vlan 10\" cannot be part of a node name"),
    case("interface-empty-capture.toml", Some(3), Some("[[interface]] capture"), "the capture source is empty"),
    // Paths and accounts.
    case("spool-dir-relative.toml", Some(2), Some("[zeek] spool_dir"), "\"spool\" is not an absolute path"),
    case("log-dir-dotdot.toml", Some(2), Some("[zeek] log_dir"), "contains \"..\""),
    case("spool-dir-root.toml", Some(3), Some("[zeek] spool_dir"), "must not be the root directory"),
    case("user-invalid.toml", Some(2), Some("[zeek] user"), "\"-zeek\" is not a valid user or group name"),
    case("archiver-relative-command.toml", Some(2), Some("[archiver] command"), "must start with an absolute path"),
    // The systemd escape hatch.
    case("systemd-bad-section.toml", Some(1), Some("[worker.systemd.Install]"), "systemd section \"Install\" cannot be extended"),
    case("systemd-bad-directive-name.toml", Some(2), Some("[manager.systemd.Service] \"LimitNOFILE"), "\"LimitNOFILE=1\\nExecStartPre\" is not a systemd directive name"),
    case("systemd-trailing-backslash.toml", Some(2), Some("[proxy.systemd.Service] LimitNOFILE"), "may not end in a backslash"),
    case("systemd-newline-in-value.toml", Some(2), Some("[worker.systemd.Service] LimitNOFILE"), "control character '\\n'"),
    // Multi-host (SPEC 2.5).
    case("hosts-two-managers.toml", Some(7), Some("[hosts.c-w-01] manager"), "exactly one manager, and host c-mgr runs it (line 3)"),
    case("hosts-no-manager.toml", Some(1), Some("[hosts]"), "no host runs the manager; set `manager = true`"),
    case("hosts-unknown-key.toml", Some(2), Some("[hosts.c-mgr] adress"), "unknown key \"adress\"; did you mean \"address\"?"),
    case("hosts-with-top-level-interface.toml", Some(4), IFACE, "cannot be used together with [hosts]: put each interface under the host that captures it, as [[hosts.NAME.interface]]"),
    case("hosts-duplicate-node-name.toml", Some(10), Some("[hosts.a-worker-b]"), "node name \"a-worker-b-worker-c-1\" is also a node of host a (line 3)"),
    case("hosts-bad-name.toml", Some(1), Some("[hosts.C-Mgr.example.com]"), "host name \"C-Mgr.example.com\" cannot prefix node names"),
    case("hosts-cluster-address.toml", Some(2), Some("[cluster] address"), "every host has its own address"),
    case("hosts-logger-count.toml", Some(2), Some("[logger] count"), "set `loggers = N` in the [hosts.NAME] table"),
    // Explicit node names and [nodes.NAME] (what import-zeekctl writes).
    case("names-count-mismatch.toml", Some(4), Some("[[interface]] workers"), "workers = 3 but `names` lists 2"),
    case("names-invalid.toml", Some(2), Some("[logger] names"), "\"log 1\" cannot be part of a node name"),
    case("names-twice.toml", Some(2), Some("[proxy] names"), "node name \"p\" is listed twice"),
    case("names-duplicate-node.toml", None, None, "node name \"worker-eth1-1\" is given to a manager and to a worker"),
    case("names-and-count.toml", Some(2), Some("[proxy] count"), "`names` alone says how many"),
    case("nodes-unknown.toml", Some(6), Some("[nodes.worker-eth1-2]"), "names no node of the cluster (did you mean \"worker-eth1-1\"?)"),
    case("logger-name.toml", Some(2), Some("[logger] name"), "list the node names as `names = [...]`"),
    case("hosts-shared-address-ports.toml", Some(6), Some("[hosts.c-w-01]"), "listener ports 27760..27760 overlap that host's listener ports 27760..27761"),
    case("hosts-empty-host.toml", Some(4), Some("[hosts.c-w-01]"), "this host runs no node"),
];

fn bad_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad")
}

fn generator() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_zeek-systemd-generator"));
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
    if let Some(key) = case.key {
        out.push_str(&format!("{key}: "));
    }
    out
}

/// The one error line of a failed run, checked against the case.
fn assert_error(stderr: &str, path: &Path, case: &Case, what: &str) {
    let expected = format!(
        "zeek-systemd-generator: error: invalid config: {}",
        location(path, case)
    );
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
        line[expected.len()..].contains(case.message),
        "{}: {what}: expected the message to contain {:?}, got\n  {line}",
        case.file,
        case.message
    );
}

#[test]
fn every_bad_config_fails_with_file_line_key_and_leaves_no_output() {
    let mut failures = Vec::new();
    for case in CASES {
        let path = bad_dir().join(case.file);
        let result = std::panic::catch_unwind(|| check_case(&path, case));
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
        CASES.len(),
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

#[test]
fn the_catalogue_and_the_files_match() {
    let mut files: Vec<String> = fs::read_dir(bad_dir())
        .expect("tests/bad")
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    files.sort();
    let mut named: Vec<String> = CASES.iter().map(|c| c.file.to_string()).collect();
    named.sort();
    let before = named.len();
    named.dedup();
    assert_eq!(before, named.len(), "a file is listed twice in CASES");
    assert_eq!(
        files, named,
        "every file in tests/bad/ needs exactly one entry in CASES"
    );
    assert!(CASES.len() >= 25, "only {} bad configs", CASES.len());
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
/// (like `no-workers` in tests/golden/, whose snapshot shows the units).
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
