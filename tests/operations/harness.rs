//! Booting a container for the operations tests: the generator, a config,
//! the stand-in zeek (or a real one) and a scenario, through
//! `tests/systemd/nspawn-run`. A small copy of what tests/common does,
//! for the binary's new name (tests/common still names the old one).

use std::path::{Path, PathBuf};
use std::process::Command;

/// The project root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Whether a requirement is met; when it is not: in CI (`CI` set) a
/// panic naming it, else one "skipped: ..." line and `false`.
pub fn required(what: &str, met: bool) -> bool {
    if met {
        return true;
    }
    if std::env::var_os("CI").is_some() {
        panic!("required in CI: {what}");
    }
    println!("skipped: {what}");
    false
}

/// Root and systemd-nspawn, to boot a container.
pub fn can_boot() -> bool {
    let root_user = nix::unistd::geteuid().is_root();
    let nspawn = which::which("systemd-nspawn").is_ok();
    required(
        &format!(
            "booting systemd needs root and systemd-nspawn (root: {root_user}, nspawn: {nspawn})"
        ),
        root_user && nspawn,
    )
}

/// One boot.
pub struct Boot {
    pub config: String,
    /// Under /etc/zeek.
    pub config_name: String,
    pub scenario: String,
    /// (name, text, executable): at /etc/zeek-test/NAME.
    pub files: Vec<(String, String, bool)>,
    /// (host path, container path), read-only.
    pub binds: Vec<(PathBuf, String)>,
    pub stand_in: bool,
    pub timeout_secs: u32,
}

impl Boot {
    pub fn new(config: &str, scenario: &str) -> Self {
        Boot {
            config: config.into(),
            config_name: "cluster.toml".into(),
            scenario: scenario.into(),
            files: Vec::new(),
            binds: Vec::new(),
            stand_in: true,
            timeout_secs: 300,
        }
    }

    pub fn file(mut self, name: &str, text: &str, executable: bool) -> Self {
        self.files.push((name.into(), text.into(), executable));
        self
    }
}

/// What a boot left: its result dir (kept when the test fails).
pub struct Result {
    pub dir: PathBuf,
    pub status: i32,
    pub output: String,
}

impl Result {
    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.join("res").join(name)).unwrap_or_default()
    }

    /// The files of a result subdir, sorted by name.
    pub fn files_in(&self, name: &str) -> Vec<String> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(self.dir.join("res").join(name))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .collect();
        names.sort();
        names
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap_or_default())
            .collect()
    }

    pub fn assert_passed(&self) {
        assert!(
            self.status == 0,
            "scenario failed (status {}); results in {}\n{}\n--- scenario.log ---\n{}",
            self.status,
            self.dir.display(),
            self.output,
            self.read("scenario.log")
        );
    }

    /// Removes the result dir (call at the end of a passing test).
    pub fn clean(self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn write(path: &Path, text: &str, executable: bool) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::write(path, text).expect("write test file");
    let mode = if executable { 0o755 } else { 0o644 };
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// Boots the container and runs the scenario.
pub fn run(boot: &Boot) -> Result {
    let dir = tempfile::Builder::new()
        .prefix("zeek-systemd-ops-")
        .tempdir()
        .expect("temp dir")
        .keep();
    let etc_zeek = dir.join("etc-zeek");
    let files = dir.join("files");
    std::fs::create_dir_all(&etc_zeek).expect("mkdir");
    std::fs::create_dir_all(&files).expect("mkdir");
    write(&etc_zeek.join(&boot.config_name), &boot.config, false);
    let scenario = dir.join("scenario");
    write(
        &scenario,
        &format!(
            "#!/bin/bash\nset -u\n. /etc/zeek-test/lib.sh\n{}\n",
            boot.scenario
        ),
        true,
    );
    write(&dir.join("nodes"), "", false);
    let mut cmd = Command::new(root().join("tests/systemd/nspawn-run"));
    cmd.arg("--result-dir").arg(dir.join("res"));
    cmd.arg("--scenario").arg(&scenario);
    cmd.arg("--timeout").arg(boot.timeout_secs.to_string());
    let generator = PathBuf::from(env!("CARGO_BIN_EXE_zeek-systemd"));
    let mut binds = vec![
        (dir.join("nodes"), "/etc/zeek-test/nodes".to_string()),
        (
            root().join("tests/systemd/scenario-lib.sh"),
            "/etc/zeek-test/lib.sh".into(),
        ),
        (
            PathBuf::from("/dev/null"),
            "/etc/systemd/system/systemd-networkd-wait-online.service".into(),
        ),
        (
            generator,
            "/etc/systemd/system-generators/zeek-systemd-generator".into(),
        ),
    ];
    if boot.stand_in {
        binds.push((root().join("tests/stand-in-zeek"), "/opt/zeek/bin".into()));
    }
    binds.extend(boot.binds.iter().cloned());
    for (name, text, executable) in &boot.files {
        let host = files.join(name);
        write(&host, text, *executable);
        binds.push((host, format!("/etc/zeek-test/{name}")));
    }
    for (host, container) in &binds {
        cmd.arg(format!("--bind-ro={}:{container}", host.display()));
    }
    cmd.arg(format!("--bind={}:/etc/zeek", etc_zeek.display()));
    let out = cmd.output().expect("run tests/systemd/nspawn-run");
    Result {
        dir,
        status: out.status.code().unwrap_or(-1),
        output: format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}
