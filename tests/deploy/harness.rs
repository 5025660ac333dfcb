//! Booting a container for the deploy tests: the same `nspawn-run` and
//! scenario library the other real-systemd tests use, with a writable site
//! dir at /opt/zeek/share/zeek/site (the operator edits it) and the
//! program bound as the generator (`zs` in scenarios runs it as the
//! operator's command).

use std::path::{Path, PathBuf};
use std::process::Command;

/// A real Zeek, found through `ZEEK_DIST` (shared with the other
/// real-Zeek tests).
pub use crate::common::real_zeek;

/// The project root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Whether the test can run: a bootable systemd and, for `zeek`, a real
/// Zeek (the one rule of tests/common: with `CI` set a missing one fails
/// the test, without it the test is skipped with one line).
pub fn required(zeek: bool) -> bool {
    crate::common::real_systemd_available() && (!zeek || real_zeek::zeek_prefix().is_some())
}

/// One boot.
pub struct Boot {
    pub config: String,
    pub nodes: Vec<String>,
    pub scenario: String,
    /// Files of the site dir (writable in the container).
    pub site: Vec<(String, String)>,
    /// Copy the site dir of this Zeek prefix first.
    pub site_from: Option<PathBuf>,
    /// Extra read-only binds (host, container).
    pub binds: Vec<(PathBuf, String)>,
    /// Bind the stand-in zeek at /opt/zeek/bin.
    pub stand_in: bool,
    pub timeout_secs: u32,
}

/// What a boot left: the result dir (kept when the test fails).
pub struct Result {
    pub dir: PathBuf,
    pub status: i32,
    pub output: String,
}

impl Result {
    /// A file the scenario wrote under /res.
    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.join("res").join(name)).unwrap_or_default()
    }

    /// Panics with the logs unless the scenario passed.
    pub fn assert_passed(&self) {
        assert!(
            self.status == 0,
            "scenario failed (status {}); kept {}\n--- harness ---\n{}\n--- scenario.log ---\n{}",
            self.status,
            self.dir.display(),
            self.output,
            self.read("scenario.log")
        );
    }

    /// Removes the result dir.
    pub fn clean(self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    let status = Command::new("cp")
        .arg("-a")
        .arg(from)
        .arg(to)
        .status()
        .unwrap();
    assert!(
        status.success(),
        "cp -a {} {}",
        from.display(),
        to.display()
    );
}

/// Boots and runs the scenario.
pub fn run(boot: &Boot) -> Result {
    let dir = tempfile::Builder::new()
        .prefix("zeek-systemd-deploy-")
        .tempdir()
        .unwrap()
        .keep();
    let etc = dir.join("etc-zeek");
    std::fs::create_dir(&etc).unwrap();
    std::fs::write(etc.join("cluster.toml"), &boot.config).unwrap();
    let site = dir.join("site");
    match &boot.site_from {
        Some(prefix) => copy_dir(&prefix.join("share/zeek/site"), &site),
        None => std::fs::create_dir(&site).unwrap(),
    }
    for (name, text) in &boot.site {
        std::fs::write(site.join(name), text).unwrap();
    }
    std::fs::write(dir.join("nodes"), boot.nodes.join("\n") + "\n").unwrap();
    let scenario = dir.join("scenario");
    let text = format!(
        "#!/bin/bash\nset -u\n. /etc/zeek-test/lib.sh\n. /etc/zeek-test/deploy-lib.sh\n{}\n",
        boot.scenario
    );
    std::fs::write(&scenario, text).unwrap();
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(&scenario, std::fs::Permissions::from_mode(0o755)).unwrap();
    let root = root();
    let mut ro: Vec<(PathBuf, String)> = vec![
        (dir.join("nodes"), "/etc/zeek-test/nodes".into()),
        (
            root.join("tests/systemd/scenario-lib.sh"),
            "/etc/zeek-test/lib.sh".into(),
        ),
        (
            root.join("tests/real-zeek/lib.sh"),
            "/etc/zeek-test/zeek-lib.sh".into(),
        ),
        (
            root.join("tests/deploy/deploy-lib.sh"),
            "/etc/zeek-test/deploy-lib.sh".into(),
        ),
        (
            PathBuf::from("/dev/null"),
            "/etc/systemd/system/systemd-networkd-wait-online.service".into(),
        ),
        (
            PathBuf::from(env!("CARGO_BIN_EXE_zeek-systemd")),
            "/etc/systemd/system-generators/zeek-systemd-generator".into(),
        ),
    ];
    if boot.stand_in {
        ro.push((root.join("tests/stand-in-zeek"), "/opt/zeek/bin".into()));
    }
    ro.extend(boot.binds.iter().cloned());
    let mut cmd = Command::new(root.join("tests/systemd/nspawn-run"));
    cmd.arg("--result-dir").arg(dir.join("res"));
    cmd.arg("--scenario").arg(&scenario);
    cmd.arg("--timeout").arg(boot.timeout_secs.to_string());
    for (host, container) in &ro {
        cmd.arg(format!("--bind-ro={}:{container}", host.display()));
    }
    cmd.arg(format!("--bind={}:/etc/zeek", etc.display()));
    cmd.arg(format!(
        "--bind={}:/opt/zeek/share/zeek/site",
        site.display()
    ));
    let out = cmd.output().expect("run tests/systemd/nspawn-run");
    Result {
        status: out.status.code().unwrap_or(-1),
        output: format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
        dir,
    }
}
