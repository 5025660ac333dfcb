//! The Debian package under a real systemd (SPEC 5): `cargo deb` builds the
//! .deb, a debootstrapped Debian 12 boots as a throw-away container, and
//! `dpkg -i` / `dpkg -r` there do what packaging/README.md says: the
//! postinst creates the zeek user and runs the generator, the cluster starts
//! from the packaged generator, and removal stops the cluster and drops its
//! units.
//!
//! Needs root, systemd-nspawn, debootstrap (a Debian mirror, once: the root
//! is cached under target/) and cargo-deb (`cargo install cargo-deb`).

use crate::common;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use common::{real_systemd_available, require, run, Boot, BootSlot};

const SUITE: &str = "bookworm";
const MIRROR: &str = "http://deb.debian.org/debian";
/// man-db beyond the minimum: `systemd-analyze verify` checks every
/// `Documentation=man:` page by running `man`, so the package's pages are
/// checked for real.
const INCLUDE: &str = "systemd,systemd-sysv,dbus,man-db";

const CLUSTER: &str = r#"
[[interface]]
name = "lo"
capture = "af_packet::lo"
workers = 2
cpus = "0-1"
"#;

const NODES: [&str; 5] = [
    "manager",
    "logger-1",
    "proxy-1",
    "worker-lo-1",
    "worker-lo-2",
];

const GENERATOR: &str = "/usr/lib/systemd/system-generators/zeek-systemd-generator";
/// The program on PATH; the generator is a link to it.
const PROGRAM: &str = "/usr/bin/zeek-systemd";

/// The cargo that runs this test (so `cargo deb` finds the same toolchain
/// and `$CARGO_HOME/bin/cargo-deb`).
fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

fn cargo_deb_available() -> bool {
    let how = "cargo install cargo-deb --locked, or tests/setup-debian.sh";
    match cargo().args(["deb", "--version"]).output() {
        Ok(out) => require(
            out.status.success(),
            "cargo-deb",
            &format!(
                "{how} (`cargo deb --version`: {})",
                String::from_utf8_lossy(&out.stderr).trim()
            ),
        ),
        Err(e) => require(
            false,
            "cargo-deb",
            &format!("{how} (cannot run cargo: {e})"),
        ),
    }
}

/// Builds the package into `out_dir` and returns its path.
fn build_deb(out_dir: &Path) -> PathBuf {
    let out = cargo()
        .current_dir(common::root())
        .args(["deb", "--locked", "--fast", "--output"])
        .arg(out_dir)
        .output()
        .expect("run cargo deb");
    assert!(
        out.status.success(),
        "cargo deb failed ({}):\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let debs: Vec<PathBuf> = std::fs::read_dir(out_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "deb"))
        .collect();
    assert_eq!(debs.len(), 1, "cargo deb wrote {debs:?} into {out_dir:?}");
    debs.into_iter().next().unwrap()
}

/// A minimal Debian root with systemd, made once and kept under target/.
/// The stamp file holds the debootstrap command line and is written only
/// after debootstrap succeeded: a root from an interrupted run, or from
/// another command line, is made again.
fn debian_root() -> Option<PathBuf> {
    if !require(
        which::which("debootstrap").is_ok(),
        "debootstrap",
        "apt-get install debootstrap, or tests/setup-debian.sh",
    ) {
        return None;
    }
    let program = common::program();
    let target = program
        .parent()
        .and_then(Path::parent)
        .expect("the binary is in target/PROFILE/")
        .to_path_buf();
    let cache = target.join(format!("debootstrap-{SUITE}"));
    std::fs::create_dir_all(&cache).unwrap();
    // Test runs of other checkouts of the same target dir may race here.
    let lock = File::create(cache.join(".lock")).unwrap();
    let _lock = nix::fcntl::Flock::lock(lock, nix::fcntl::FlockArg::LockExclusive)
        .map_err(|(_, e)| e)
        .expect("lock the debootstrap cache");
    let root = cache.join("root");
    let stamp = cache.join("stamp");
    let key = format!(
        "debootstrap --variant=minbase --include={INCLUDE} {SUITE} ROOT {MIRROR}\nlayout 1\n"
    );
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(key.as_str())
        && root.join("usr/lib/systemd/systemd").exists()
    {
        return Some(root);
    }
    let _ = std::fs::remove_file(&stamp);
    if root.exists() {
        std::fs::remove_dir_all(&root).expect("remove a stale debootstrap root");
    }
    let started = Instant::now();
    let out = Command::new("debootstrap")
        .arg("--variant=minbase")
        .arg(format!("--include={INCLUDE}"))
        .arg(SUITE)
        .arg(&root)
        .arg(MIRROR)
        .output()
        .expect("run debootstrap");
    if !out.status.success() {
        let log =
            std::fs::read_to_string(root.join("debootstrap/debootstrap.log")).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(20).collect();
        panic!(
            "debootstrap {SUITE} from {MIRROR} failed ({}); is the mirror reachable?\n{}{}\n--- debootstrap.log (last lines) ---\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        );
    }
    std::fs::write(&stamp, key).unwrap();
    eprintln!(
        "debootstrap {SUITE}: {:.1}s, cached in {}",
        started.elapsed().as_secs_f64(),
        root.display()
    );
    Some(root)
}

#[test]
fn the_deb_installs_starts_the_cluster_and_removes_cleanly() {
    if !real_systemd_available() || !cargo_deb_available() {
        return;
    }
    // The release build and this boot ran alone in their own test binary
    // before the real-systemd binaries were merged: still nothing else
    // boots meanwhile (`cargo deb` takes every CPU for a minute).
    let _alone = BootSlot::whole_machine();
    let t0 = Instant::now();
    let Some(os_root) = debian_root() else {
        return;
    };
    let t_root = t0.elapsed();
    let deb_dir = tempfile::tempdir().unwrap();
    let deb = build_deb(deb_dir.path());
    let t_deb = t0.elapsed() - t_root;

    let units: Vec<String> = NODES.iter().map(|n| format!("zeek@{n}.service")).collect();
    let scenario = format!(
        r#"
deb=/res-in/{deb_name}
dpkg -i "$deb" >/res/dpkg-install.log 2>&1 || fail "dpkg -i failed: $(cat /res/dpkg-install.log)"
getent passwd zeek >/res/passwd.txt || fail "the postinst made no zeek user"
getent group zeek >/res/group.txt || fail "the postinst made no zeek group"
ls -l {PROGRAM} >/res/program.txt || fail "no {PROGRAM}"
readlink {GENERATOR} >/res/symlink.txt || fail "no generator link in system-generators"
# Installed with no config: nothing generated, nothing started.
systemctl show -p LoadState --value zeek.target >/res/loadstate-no-config.txt
if command -v man >/dev/null; then
    man -w zeek-systemd zeek-systemd-generator zeek-cluster.toml >/res/man-w.txt 2>&1 || fail "man -w: $(cat /res/man-w.txt)"
fi

# The package made the config dir (issue 26): root's, 0755.
stat -c '%U:%G %a' /etc/zeek >/res/etc-zeek.txt 2>&1 || fail "the package made no /etc/zeek"
cp /etc/zeek-test/cluster.toml /etc/zeek/cluster.toml
systemctl daemon-reload || fail "daemon-reload failed"
start_cluster
for n in $(nodes); do collect "$n"; done
systemctl is-active zeek.target zeek-setup.service zeek-archiver.service >/res/active.txt
systemctl show -p ExecStart --value zeek-setup.service >/res/setup-execstart.txt
# The man pages are installed: verify checks Documentation= for real.
SYSTEMD_UNIT_PATH=/run/systemd/generator: systemd-analyze verify \
    zeek.target zeek-setup.service zeek-archiver.service {units} >/res/verify.log 2>&1
echo $? >/res/verify.status

dpkg -r zeek-systemd >/res/dpkg-remove.log 2>&1 || fail "dpkg -r failed: $(cat /res/dpkg-remove.log)"
# The prerm stopped the cluster (without waiting for the last nodes).
for n in $(nodes); do
    wait_for 30 is_inactive "zeek@$n.service" || fail "zeek@$n.service still runs after dpkg -r"
done
wait_for 10 is_inactive zeek-archiver.service || fail "the archiver still runs after dpkg -r"
for u in zeek.target zeek-setup.service zeek@manager.service; do
    systemctl show -p LoadState --value "$u"
done >/res/loadstate-removed.txt
ls /run/systemd/generator >/res/generator-dir-removed.txt 2>&1
test -L {GENERATOR} && fail "the generator is still installed"
test -e {PROGRAM} && fail "{PROGRAM} is still installed"
systemctl start zeek.target >/res/start-removed.log 2>&1 && fail "zeek.target still starts after dpkg -r"
getent passwd zeek >/res/passwd-removed.txt
true
"#,
        units = units.join(" "),
        deb_name = deb.file_name().unwrap().to_string_lossy()
    );
    let mut boot = Boot::new(CLUSTER, &NODES, &scenario).file("cluster.toml", CLUSTER);
    boot.os_root = Some(os_root);
    boot.binds
        .push((deb_dir.path().to_path_buf(), "/res-in".to_string()));
    boot.timeout_secs = 180;
    boot.share_held = true;
    let t_boot = Instant::now();
    let result = run(&boot);
    let t_boot = t_boot.elapsed();
    result.assert_passed();
    eprintln!(
        "debian root {:.1}s, cargo deb {:.1}s, container {:.1}s ({}), whole test {:.1}s",
        t_root.as_secs_f64(),
        t_deb.as_secs_f64(),
        t_boot.as_secs_f64(),
        result.read("timing").trim(),
        t0.elapsed().as_secs_f64()
    );

    // The account comes from the package's sysusers.d file (the harness
    // makes none with --root): its GECOS says so.
    let passwd = result.read("passwd.txt");
    assert!(
        passwd.starts_with("zeek:x:") && passwd.contains(":Zeek network security monitor:"),
        "{passwd}"
    );
    let uid = passwd.split(':').nth(2).unwrap().to_string();
    assert_eq!(result.read("etc-zeek.txt").trim(), "root:root 755");
    assert!(result.read("program.txt").starts_with("-rwxr-xr-x "));
    assert_eq!(
        result.read("symlink.txt").trim(),
        "../../../bin/zeek-systemd"
    );
    assert_eq!(result.read("loadstate-no-config.txt").trim(), "not-found");
    let man = result.read("man-w.txt");
    assert!(
        man.contains("/usr/share/man/man8/zeek-systemd-generator.8.gz")
            && man.contains("/usr/share/man/man8/zeek-systemd.8.gz")
            && man.contains("/usr/share/man/man5/zeek-cluster.toml.5.gz"),
        "man -w: {man:?}"
    );

    for node in NODES {
        let record = result.record(node);
        let show = result.show(node);
        assert_eq!(show["ActiveState"], "active", "{node}");
        assert_eq!(show["MainPID"], record.field("pid"), "{node}");
        assert_eq!(record.argv[0], "/opt/zeek/bin/zeek", "{node}");
        assert_eq!(record.env_var("CLUSTER_NODE"), Some(node));
        assert_eq!(record.field("user"), "zeek", "{node}");
        assert_eq!(record.field("uid"), uid, "{node}");
        assert_eq!(
            record.field("cwd"),
            format!("/opt/zeek/spool/{node}"),
            "{node}"
        );
    }
    assert_eq!(result.read("active.txt"), "active\nactive\nactive\n");
    // The units call the packaged program by its real path (the generator
    // link resolved, as the running binary sees itself).
    let setup = result.read("setup-execstart.txt");
    assert!(setup.contains(&format!("path={PROGRAM} ")), "{setup}");
    assert_eq!(
        result.read("verify.log"),
        "",
        "systemd-analyze verify must not warn (status {})",
        result.read("verify.status")
    );
    assert_eq!(result.read("verify.status").trim(), "0");

    assert_eq!(
        result.read("loadstate-removed.txt"),
        "not-found\nnot-found\nnot-found\n"
    );
    let left = result.read("generator-dir-removed.txt");
    assert!(!left.contains("zeek"), "/run/systemd/generator: {left}");
    let start = result.read("start-removed.log");
    assert!(start.contains("zeek.target not found"), "{start}");
    // The account stays (packaging/README.md).
    assert_eq!(result.read("passwd-removed.txt"), passwd);
}
