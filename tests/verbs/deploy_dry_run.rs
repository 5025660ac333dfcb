//! `deploy --dry-run` as a person runs it on a machine of its own
//! (`ZEEK_SYSTEMD_ROOT`): it runs exactly `check --deep`'s checks (the
//! cluster secrets of a multi-host config among them) and changes no file.
//! The deploy that installs and restarts runs under a real systemd in
//! tests/deploy/.

use crate::common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A machine root with `config` as its `/etc/zeek/cluster.toml`, this
/// host named `host`, and a Zeek under `<root>/opt/zeek` whose `zeek -a`
/// parses anything (the checks of the machine pass, as far as this
/// machine lets them: the node user is root).
fn machine(host: &str, config: &str) -> tempfile::TempDir {
    let root = common::machine_root(&[
        ("proc/sys/kernel/hostname", host),
        ("etc/zeek/cluster.toml", config),
        ("opt/zeek/bin/zeek", "#!/bin/sh\nexit 0\n"),
        ("opt/zeek/bin/zeek-archiver", "#!/bin/sh\nexit 0\n"),
        ("opt/zeek/share/zeek/site/local.zeek", "# site\n"),
    ]);
    for tool in ["zeek", "zeek-archiver"] {
        let path = root.path().join("opt/zeek/bin").join(tool);
        std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .expect("chmod a Zeek stand-in");
    }
    root
}

/// The config of a machine from [`machine`]: `prefix` is its Zeek.
fn config(root: &Path, rest: &str) -> String {
    format!(
        "[zeek]\nprefix = \"{prefix}\"\nspool_dir = \"{spool}\"\nuser = \"root\"\ngroup = \"root\"\n{rest}",
        prefix = root.join("opt/zeek").display(),
        spool = root.join("spool").display(),
    )
}

/// Runs the program on `root` with `args`: (exit code, stdout + stderr).
fn run(root: &Path, tmp: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(common::program())
        .env(common::ROOT_ENV, root)
        .env_remove("ZEEK_SYSTEMD_CONFIG_DIR")
        .env("TMPDIR", tmp)
        .env("ZEEK_SYSTEMD_LOG", "stderr")
        .args(args)
        .output()
        .expect("run the program");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

/// Every path under `dir` (dirs and files, relative), with each file's
/// bytes: what a run changed, if anything.
fn listing(dir: &Path) -> BTreeSet<(PathBuf, Vec<u8>)> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeSet<(PathBuf, Vec<u8>)>) {
        for entry in std::fs::read_dir(dir).expect("read a dir") {
            let path = entry.expect("a dir entry").path();
            let rel = path.strip_prefix(base).expect("under base").to_path_buf();
            if path.is_dir() && !path.is_symlink() {
                out.insert((rel, Vec::new()));
                walk(base, &path, out);
            } else {
                out.insert((rel, std::fs::read(&path).unwrap_or_default()));
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(dir, dir, &mut out);
    out
}

/// The names of the checks a report lists (`  ok      user root` →
/// `user root`), in order.
fn checks(report: &str) -> Vec<String> {
    report
        .lines()
        .filter_map(|l| {
            l.strip_prefix("  ok      ")
                .or(l.strip_prefix("  FAILED  "))
        })
        .map(String::from)
        .collect()
}

#[test]
fn a_multi_host_config_without_its_secrets_is_not_deployed() {
    let root = machine("c-mgr", "");
    let tmp = tempfile::tempdir().unwrap();
    let two_hosts =
        std::fs::read_to_string(common::root().join("tests/fixtures/multihost/two-hosts.toml"))
            .expect("read tests/fixtures/multihost/two-hosts.toml");
    let text = config(root.path(), &two_hosts.replace("[zeek]\n", ""));
    std::fs::write(root.path().join("etc/zeek/cluster.toml"), text).unwrap();
    let secrets = root.path().join("etc/zeek/cluster-secrets");
    let (code, check) = run(root.path(), tmp.path(), &["check"]);
    assert_eq!(code, 1, "{check}");
    assert!(check.contains(&secrets.display().to_string()), "{check}");
    let (code, deploy) = run(
        root.path(),
        tmp.path(),
        &["deploy", "--dry-run", "--this-host-only"],
    );
    assert_eq!(code, 1, "{deploy}");
    let line = deploy
        .lines()
        .find(|l| l.starts_with("  FAILED  cluster secrets"))
        .unwrap_or_else(|| panic!("no failed secrets check in:\n{deploy}"));
    assert!(line.contains(&secrets.display().to_string()), "{deploy}");
    assert!(deploy.contains("nothing was changed"), "{deploy}");
}

#[test]
fn a_dry_run_changes_no_file_and_lists_the_checks_of_check() {
    let root = machine("sensor", "");
    let tmp = tempfile::tempdir().unwrap();
    let text = config(
        root.path(),
        "[[interface]]\nname = \"lo\"\ncapture = \"af_packet::lo\"\nworkers = 1\n",
    );
    std::fs::write(root.path().join("etc/zeek/cluster.toml"), text).unwrap();
    let before = listing(root.path());
    let (_, check) = run(root.path(), tmp.path(), &["check", "--deep"]);
    let (code, deploy) = run(root.path(), tmp.path(), &["deploy", "--dry-run"]);
    let after = listing(root.path());
    let changed: Vec<_> = before.symmetric_difference(&after).map(|e| &e.0).collect();
    assert!(
        changed.is_empty(),
        "the dry run changed {changed:?}\n{deploy}"
    );
    assert!(
        listing(tmp.path()).is_empty(),
        "nothing left in the temp dir"
    );
    assert!(!checks(&check).is_empty(), "{check}");
    assert_eq!(checks(&deploy), checks(&check), "{check}\n----\n{deploy}");
    if code == 0 {
        assert!(
            deploy.contains("--dry-run: nothing was changed"),
            "{deploy}"
        );
    }
}

/// `deploy --rolling` refuses, before anything changes, a multi-host
/// config without `--this-host-only`, and a first deploy (every unit is
/// new: nothing to roll onto).
#[test]
fn rolling_is_refused_for_a_multi_host_config_and_a_first_deploy() {
    let root = machine("c-mgr", "");
    let tmp = tempfile::tempdir().unwrap();
    let two_hosts =
        std::fs::read_to_string(common::root().join("tests/fixtures/multihost/two-hosts.toml"))
            .expect("read tests/fixtures/multihost/two-hosts.toml");
    let text = config(root.path(), &two_hosts.replace("[zeek]\n", ""));
    std::fs::write(root.path().join("etc/zeek/cluster.toml"), text).unwrap();
    let (code, out) = run(
        root.path(),
        tmp.path(),
        &["deploy", "--dry-run", "--rolling"],
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("needs --this-host-only"), "{out}");
    assert!(
        out.contains("cluster-wide rolling deploy is not there yet"),
        "{out}"
    );
    assert!(
        !out.contains("deep check"),
        "refused before the checks:\n{out}"
    );
    // With --this-host-only it gets past that refusal (to the checks).
    let (_, out) = run(
        root.path(),
        tmp.path(),
        &["deploy", "--dry-run", "--rolling", "--this-host-only"],
    );
    assert!(!out.contains("needs --this-host-only"), "{out}");

    let root = machine("sensor", "");
    let text = config(
        root.path(),
        "[[interface]]\nname = \"lo\"\ncapture = \"af_packet::lo\"\nworkers = 2\n",
    );
    std::fs::write(root.path().join("etc/zeek/cluster.toml"), text).unwrap();
    let (code, out) = run(
        root.path(),
        tmp.path(),
        &["deploy", "--dry-run", "--rolling"],
    );
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("deploy --rolling refused: units change beyond the workers': + "),
        "{out}"
    );
    assert!(
        out.contains("run a plain deploy (nothing was changed)"),
        "{out}"
    );
    let (code, out) = run(root.path(), tmp.path(), &["deploy", "--dry-run"]);
    assert_eq!(code, 0, "the same dry run without --rolling passes:\n{out}");
}
