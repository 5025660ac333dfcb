//! The verbs where they cannot do their work: without systemd as PID 1
//! (a machine root of `ZEEK_SYSTEMD_ROOT` without `run/systemd/system`,
//! the same on any machine), run by a user who is not root (`setpriv` to
//! nobody when the tests run as root, as in CI), and with the cluster
//! down (no worker answering). Each says so in one line with what to do
//! and exits non-zero; a dry run writes nothing. The cluster stopped
//! under a real systemd is in tests/real_systemd/verbs.rs.

use crate::common;

use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What a run printed and how it ended.
struct Ran {
    code: i32,
    stdout: String,
    stderr: String,
}

/// A machine root (no `run/systemd/system`: systemd is not PID 1 there)
/// whose `/etc/zeek/cluster.toml` is `config`, with `{root}` in it
/// replaced by the root's path, and a Zeek stand-in that parses anything.
/// Everyone may read it, as a real `/etc` and `/opt`.
fn machine(config: &str) -> tempfile::TempDir {
    let root = common::machine_root(&[("proc/sys/kernel/hostname", "c-mgr")]);
    let path = root.path();
    let files = [
        (
            "etc/zeek/cluster.toml",
            config.replace("{root}", &path.display().to_string()),
        ),
        ("opt/zeek/bin/zeek", "#!/bin/sh\nexit 0\n".into()),
        ("opt/zeek/bin/zeek-archiver", "#!/bin/sh\nexit 0\n".into()),
        ("opt/zeek/share/zeek/site/local.zeek", "# site\n".into()),
    ];
    for (file, text) in files {
        std::fs::create_dir_all(path.join(file).parent().unwrap()).unwrap();
        std::fs::write(path.join(file), text).unwrap();
    }
    for dir in ["", "tmp", "spool"] {
        std::fs::create_dir_all(path.join(dir)).unwrap();
    }
    chmod(path, 0o755);
    chmod(&path.join("tmp"), 0o1777);
    for tool in ["zeek", "zeek-archiver"] {
        chmod(&path.join("opt/zeek/bin").join(tool), 0o755);
    }
    root
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// `[zeek]` of a [`machine`]'s config: its Zeek, its spool, root as the
/// node user (the checks of the machine pass).
const ZEEK: &str = "[zeek]\nprefix = \"{root}/opt/zeek\"\nspool_dir = \"{root}/spool\"\n\
                    user = \"root\"\ngroup = \"root\"\n";

/// One host, one worker.
fn one_host() -> String {
    format!("{ZEEK}[[interface]]\nname = \"eth1\"\ncapture = \"af_packet::eth1\"\nworkers = 1\n")
}

/// The program on `root` with `args`, as root when `as_root` (else as
/// nobody: dropped with setpriv when the tests run as root).
fn run_on(root: &Path, as_root: bool, args: &[&str]) -> Ran {
    let drop = !as_root && nix::unistd::Uid::effective().is_root();
    let mut command = if drop {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(common::program());
        c
    } else {
        Command::new(common::program())
    };
    let out = command
        .env(common::ROOT_ENV, root)
        .env("TMPDIR", root.join("tmp"))
        .env_remove("ZEEK_SYSTEMD_CONFIG_DIR")
        .env_remove("INVOCATION_ID")
        .env_remove("JOURNAL_STREAM")
        .args(args)
        .output()
        .expect("run the program");
    Ran {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Every path under `dir` with each file's bytes.
fn listing(dir: &Path) -> BTreeSet<(PathBuf, Vec<u8>)> {
    let mut out = BTreeSet::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(next) = todo.pop() {
        for entry in std::fs::read_dir(&next).unwrap() {
            let path = entry.unwrap().path();
            let bytes = if path.is_dir() {
                todo.push(path.clone());
                Vec::new()
            } else {
                std::fs::read(&path).unwrap_or_default()
            };
            out.insert((path, bytes));
        }
    }
    out
}

/// The one line systemd's absence gets, for a machine `root`.
fn no_systemd(root: &Path) -> String {
    format!(
        "zeek-systemd: error: systemd is not running as PID 1 on this machine \
         ({}/run/systemd/system is missing): the cluster runs only under systemd, so ",
        root.display()
    )
}

#[test]
fn status_without_systemd_says_so_in_one_line() {
    let root = machine(&one_host());
    let ran = run_on(root.path(), true, &["status"]);
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert_eq!(ran.stdout, "");
    assert_eq!(ran.stderr.lines().count(), 1, "{}", ran.stderr);
    assert!(
        ran.stderr.starts_with(&no_systemd(root.path())),
        "{}",
        ran.stderr
    );
    assert!(
        ran.stderr.ends_with(
            "the state of its nodes is unknown here; run this on the host that runs the \
             cluster\n"
        ),
        "{}",
        ran.stderr
    );
}

#[test]
fn diag_without_systemd_shows_the_nodes_files_and_says_what_needs_systemd() {
    let root = machine(&one_host());
    let dir = root.path().join("spool/worker-eth1-1");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("reporter.log"),
        "1700000000.0\tReporter::ERROR\tboom\n",
    )
    .unwrap();
    std::fs::write(dir.join("core.4242"), "core").unwrap();
    let ran = run_on(root.path(), true, &["diag", "worker-eth1-1"]);
    assert_eq!(ran.code, 1, "{}{}", ran.stdout, ran.stderr);
    let out = &ran.stdout;
    assert!(
        out.starts_with(
            "zeek@worker-eth1-1.service (worker-eth1-1, worker)\n  state, restarts, last exit, \
             journal, recorded core dumps: unknown (they need systemd as PID 1"
        ),
        "{out}"
    );
    assert!(out.contains("worker-eth1-1  worker  127.0.0.1"), "{out}");
    assert!(out.contains("\ncore.4242  4 bytes  "), "{out}");
    assert!(
        out.contains("reporter.log (last 30 lines) ==\n1700000000.0\tReporter::ERROR\tboom\n"),
        "{out}"
    );
    assert!(!out.contains("== journal"), "{out}");
    assert_eq!(ran.stderr.lines().count(), 1, "{}", ran.stderr);
    assert!(
        ran.stderr.starts_with(&no_systemd(root.path())),
        "{}",
        ran.stderr
    );
}

/// A port nobody listens on.
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[test]
fn netstats_with_no_worker_answering_says_the_cluster_is_not_running() {
    // The worker's metrics port: 3 after the manager's, logger's, proxy's.
    let base = free_port().saturating_sub(3);
    let config = format!("[cluster]\nmetrics_port = {base}\n{}", one_host());
    let root = machine(&config);
    let ran = run_on(root.path(), true, &["netstats"]);
    assert_eq!(ran.code, 3, "{}{}", ran.stdout, ran.stderr);
    assert!(
        ran.stdout.contains("worker-eth1-1: unreachable: "),
        "{}",
        ran.stdout
    );
    assert_eq!(ran.stderr.lines().count(), 1, "{}", ran.stderr);
    assert!(
        ran.stderr.starts_with(
            "zeek-systemd: error: no worker answered; systemd is not running as PID 1"
        ),
        "{}",
        ran.stderr
    );
}

/// `[alerts]` mailing through a sendmail that is not there.
fn no_mta() -> String {
    format!(
        "{}[alerts]\nmail_to = [\"ops@example.org\"]\nsendmail = \"{{root}}/usr/sbin/sendmail\"\n",
        one_host()
    )
}

#[test]
fn alert_test_by_hand_prints_the_report_and_says_to_install_an_mta() {
    let root = machine(&no_mta());
    let ran = run_on(root.path(), true, &["alert", "test"]);
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert!(
        ran.stdout
            .starts_with("Subject: [Zeek] test alert from c-mgr\n"),
        "{}",
        ran.stdout
    );
    assert!(
        ran.stdout.contains(&format!(
            "FAILED: mail to ops@example.org: cannot run {}/usr/sbin/sendmail: No such file or \
             directory (os error 2): install an MTA (e.g. `apt install postfix`, or a relay \
             such as msmtp-mta) or set [alerts] sendmail\n",
            root.path().display()
        )),
        "{}",
        ran.stdout
    );
    assert_eq!(
        ran.stderr,
        "zeek-systemd: error: an alert channel failed (see above); the report is printed above\n"
    );
}

#[test]
fn alert_test_in_a_unit_points_at_its_journal() {
    let root = machine(&no_mta());
    let out = Command::new(common::program())
        .env(common::ROOT_ENV, root.path())
        .env("INVOCATION_ID", "0123456789abcdef0123456789abcdef")
        .args(["alert", "test"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "zeek-systemd: error: an alert channel failed (see above); the report is in this unit's \
         journal\n"
    );
}

#[test]
fn deploy_without_systemd_changes_nothing_and_says_why() {
    let root = machine(&one_host());
    let before = listing(root.path());
    let ran = run_on(root.path(), true, &["deploy"]);
    assert_eq!(listing(root.path()), before, "{}{}", ran.stdout, ran.stderr);
    assert_eq!(ran.code, 1, "{}{}", ran.stdout, ran.stderr);
    assert_eq!(ran.stdout, "");
    assert!(
        ran.stderr.starts_with(&no_systemd(root.path()))
            && ran
                .stderr
                .contains("deploy cannot restart it here (nothing was changed)"),
        "{}",
        ran.stderr
    );
}

/// A two-host config whose secrets root made (0600, root's).
fn two_hosts_with_secrets() -> tempfile::TempDir {
    let config = format!(
        "{ZEEK}[hosts.c-mgr]\naddress = \"10.0.0.1\"\nmanager = true\n[hosts.c-w-01]\n\
         address = \"10.0.0.2\"\n[[hosts.c-w-01.interface]]\nname = \"eth1\"\n\
         capture = \"af_packet::eth1\"\nworkers = 1\n"
    );
    let root = machine(&config);
    let ran = run_on(root.path(), true, &["secrets", "create"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    root
}

#[test]
fn a_dry_run_as_a_user_names_the_file_it_cannot_read_and_says_run_as_root() {
    if !nix::unistd::Uid::effective().is_root() {
        // The secrets would be this user's: nothing is refused.
        return;
    }
    let root = two_hosts_with_secrets();
    let secrets = root.path().join("etc/zeek/cluster-secrets");
    let before = listing(root.path());
    let ran = run_on(
        root.path(),
        false,
        &["deploy", "--dry-run", "--this-host-only"],
    );
    assert_eq!(listing(root.path()), before);
    assert_eq!(ran.code, 1, "{}{}", ran.stdout, ran.stderr);
    assert!(
        ran.stdout.contains(&format!(
            "cannot read {}: Permission denied (os error 13): they are readable by root only; \
             run as root (e.g. with sudo)",
            secrets.display()
        )),
        "{}",
        ran.stdout
    );
    assert!(ran
        .stdout
        .ends_with("deploy: the checks FAILED; nothing was changed\n"));
}

#[test]
fn a_dry_run_as_root_writes_nothing() {
    let root = two_hosts_with_secrets();
    let before = listing(root.path());
    let ran = run_on(
        root.path(),
        true,
        &["deploy", "--dry-run", "--this-host-only"],
    );
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
    assert!(ran
        .stdout
        .ends_with("deploy: --dry-run: nothing was changed\n"));
    assert_eq!(listing(root.path()), before, "{}", ran.stdout);
}

#[test]
fn a_file_refused_to_a_user_is_named_with_run_as_root() {
    if !nix::unistd::Uid::effective().is_root() {
        return;
    }
    let root = machine(&one_host());
    let ran = run_on(root.path(), false, &["setup-scripts"]);
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert_eq!(
        ran.stderr,
        format!(
            "zeek-systemd: error: cannot create {}/var/lib/zeek-systemd: Permission denied (os \
             error 13): run as root (e.g. with sudo)\n",
            root.path().display()
        )
    );
}
