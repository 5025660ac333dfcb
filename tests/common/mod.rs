//! Shared pieces of the real-systemd tests: booting a container with the
//! generator, a config and the stand-in zeek, and reading what the
//! stand-in recorded.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A fake machine for `ZEEK_SYSTEMD_ROOT`: `files` are (path under the
/// root, text), e.g. `("sys/devices/system/cpu/online", "0-3")` or
/// `("proc/1/maps", ...)`; the program reads its facts about the machine
/// there instead of under `/`.
pub fn machine_root(files: &[(&str, &str)]) -> tempfile::TempDir {
    let root = tempfile::tempdir().expect("temp dir");
    for (path, text) in files {
        let path = root.path().join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, text).expect("write a machine file");
    }
    root
}

/// The variable that points the program at a [`machine_root`].
pub const ROOT_ENV: &str = "ZEEK_SYSTEMD_ROOT";

/// The project root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The program under test. Every test runs it through this: renaming the
/// binary changes this line only.
pub fn program() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_zeek-systemd"))
}

/// The one rule for a test that needs something a machine may lack (Zeek,
/// Zeek's own generator, a bootable systemd, cargo-deb): returns `found`
/// when it is true. When it is false: with the environment variable `CI`
/// set (non-empty) the test fails, naming `what` is missing and `how` to
/// provide it (a required test never passes by not running); elsewhere it
/// prints one line to stderr and returns false, and the test returns
/// early. The line is written to the process's stderr directly, not
/// through the test harness's capture, so a plain `cargo test` shows it.
pub fn require(found: bool, what: &str, how: &str) -> bool {
    if found {
        return true;
    }
    let test = std::thread::current()
        .name()
        .unwrap_or("a test")
        .to_string();
    if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
        panic!("{test} needs {what}, which is missing (CI is set: required): {how}");
    }
    use std::io::Write as _;
    let _ = writeln!(
        std::io::stderr().lock(),
        "skipped: {test}: needs {what} ({how})"
    );
    false
}

/// A cluster the test container's two CPUs can run: a manager, a logger,
/// a proxy and two AF_PACKET workers on `lo`, restarted after 1 s.
pub const TWO_WORKERS_ON_LO: &str = r#"
[zeek]
restart_sec = 1

[[interface]]
name = "lo"
capture = "af_packet::lo"
workers = 2
cpus = "0-1"
"#;

/// The nodes of [`TWO_WORKERS_ON_LO`].
pub const TWO_WORKERS_ON_LO_NODES: [&str; 5] = [
    "manager",
    "logger-1",
    "proxy-1",
    "worker-lo-1",
    "worker-lo-2",
];

/// Whether a real systemd can be booted here (root and systemd-nspawn),
/// under the rule of [`require`].
pub fn real_systemd_available() -> bool {
    let root_user = nix::unistd::geteuid().is_root();
    let nspawn = which::which("systemd-nspawn").is_ok();
    require(
        root_user && nspawn,
        "a bootable systemd",
        &format!(
            "run as root with systemd-nspawn: apt-get install systemd-container, or \
             tests/setup-debian.sh; root: {root_user}, systemd-nspawn: {nspawn}"
        ),
    )
}

/// A share of this machine for a test that boots containers or does other
/// heavy work. The real-systemd tests of one binary run in parallel
/// threads of one process (cargo runs the binaries one after another), so
/// nothing but this keeps, say, the .deb build or a real-Zeek cluster
/// from running next to a timing-sensitive supervision boot. A counting
/// semaphore (Mutex + Condvar) of one slot per CPU, as many boots as
/// cargo's default test threads ran at once per binary before the
/// binaries were merged (so the limit also holds with more
/// `--test-threads`): [`run`] takes one slot per boot (unless the caller
/// already holds a share, `Boot::share_held`); [`BootSlot::whole_machine`]
/// takes them all, for work that used to run alone in its own binary.
/// Isolation between parallel boots is not this: nspawn-run gives each
/// boot its own cgroup tree (tests/systemd/nspawn-run, TESTING.md).
pub struct BootSlot(usize);

struct Slots {
    free: std::sync::Mutex<usize>,
    freed: std::sync::Condvar,
}

fn slots() -> &'static Slots {
    static SLOTS: std::sync::OnceLock<Slots> = std::sync::OnceLock::new();
    SLOTS.get_or_init(|| Slots {
        free: std::sync::Mutex::new(slot_count()),
        freed: std::sync::Condvar::new(),
    })
}

fn slot_count() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

impl BootSlot {
    fn take(n: usize) -> BootSlot {
        let slots = slots();
        let mut free = slots.free.lock().unwrap_or_else(|e| e.into_inner());
        while *free < n {
            free = slots.freed.wait(free).unwrap_or_else(|e| e.into_inner());
        }
        *free -= n;
        BootSlot(n)
    }

    /// One boot's share.
    pub fn one() -> BootSlot {
        BootSlot::take(1)
    }

    /// Every slot: no other boot runs in this process while it is held.
    pub fn whole_machine() -> BootSlot {
        BootSlot::take(slot_count())
    }
}

impl Drop for BootSlot {
    fn drop(&mut self) {
        let slots = slots();
        *slots.free.lock().unwrap_or_else(|e| e.into_inner()) += self.0;
        slots.freed.notify_all();
    }
}

/// One container boot.
pub struct Boot {
    /// The cluster config, installed as /etc/zeek/cluster.toml. /etc/zeek
    /// is a writable bind: a scenario may replace the config (`use_config`).
    pub config: String,
    /// Where under /etc/zeek `config` goes (default `cluster.toml`; e.g.
    /// `zeek.conf` or `cluster/HOST.zeek.conf` for Zeek's format).
    pub config_path: String,
    /// More files under /etc/zeek: (relative path, text).
    pub etc_zeek_files: Vec<(String, String)>,
    /// Bind the stand-in zeek at /opt/zeek/bin (off for a real Zeek, whose
    /// tree the test binds itself).
    pub stand_in: bool,
    /// Node names the scenario waits for (written to /etc/zeek-test/nodes).
    pub nodes: Vec<String>,
    /// The scenario body (bash); `lib.sh` is sourced before it.
    pub scenario: String,
    /// Extra kernel command line words.
    pub boot_args: Vec<String>,
    /// Extra files: (host path, container path), read-only.
    pub binds: Vec<(PathBuf, String)>,
    /// Extra files by content: (name, text), bound read-only at
    /// /etc/zeek-test/NAME (alternative configs, node lists).
    pub files: Vec<(String, String)>,
    /// Like `files`, but executable (mode 0755): programs the units or the
    /// scenario run, such as a fake sendmail.
    pub executables: Vec<(String, String)>,
    /// Directories bound read-write (e.g. a site dir the scenario edits).
    pub writable_dirs: Vec<WritableDir>,
    /// Extra systemd-nspawn options (e.g. `--system-call-filter=bpf`, which
    /// lets the container's systemd enforce IPAddressDeny=).
    pub nspawn_args: Vec<String>,
    /// The host-side limit of the whole boot, in seconds (default 120).
    pub timeout_secs: u32,
    /// Boot a throw-away copy of this OS tree (`nspawn-run --root`) instead
    /// of the host's `/usr`. The generator, `/etc/zeek` and the zeek user
    /// are then not provided: the scenario installs them (a package).
    pub os_root: Option<PathBuf>,
    /// Mask systemd-networkd-wait-online.service (the default). Left
    /// enabled, with no configured link it holds `network-online.target`
    /// for its full 2-minute timeout: what a sensor whose capture NICs
    /// have no address sees at every boot.
    pub mask_wait_online: bool,
    /// The caller holds a [`BootSlot`] covering this boot (e.g.
    /// `whole_machine()` around two boots that must run at once): [`run`]
    /// takes no slot of its own.
    pub share_held: bool,
}

impl Boot {
    /// A boot of `config` with the stand-in zeek, waiting for `nodes`,
    /// running `scenario`; the fields not given here at their defaults.
    pub fn new(config: &str, nodes: &[&str], scenario: &str) -> Self {
        Boot {
            config: config.to_string(),
            config_path: "cluster.toml".into(),
            etc_zeek_files: Vec::new(),
            stand_in: true,
            nodes: nodes.iter().map(|s| s.to_string()).collect(),
            scenario: scenario.to_string(),
            boot_args: Vec::new(),
            binds: Vec::new(),
            files: Vec::new(),
            executables: Vec::new(),
            writable_dirs: Vec::new(),
            nspawn_args: Vec::new(),
            timeout_secs: 120,
            os_root: None,
            mask_wait_online: true,
            share_held: false,
        }
    }

    /// Adds a file the scenario finds at /etc/zeek-test/NAME.
    pub fn file(mut self, name: &str, text: &str) -> Self {
        self.files.push((name.to_string(), text.to_string()));
        self
    }

    /// Adds an executable the scenario or a unit finds at
    /// /etc/zeek-test/NAME.
    pub fn executable(mut self, name: &str, text: &str) -> Self {
        self.executables.push((name.to_string(), text.to_string()));
        self
    }

    /// Adds a word to the kernel command line.
    pub fn boot_arg(mut self, arg: &str) -> Self {
        self.boot_args.push(arg.to_string());
        self
    }
}

/// A directory bound read-write into the container. It is made in the
/// boot's work dir, so it is kept with the results of a failing test.
pub struct WritableDir {
    /// Where in the container, e.g. `/opt/zeek/share/zeek/site`.
    pub at: String,
    /// A host dir it starts as a copy of (`cp -a`); else it starts empty.
    pub copy_of: Option<PathBuf>,
    /// Files written into it after the copy: (relative path, text).
    pub files: Vec<(String, String)>,
}

/// What a boot left behind.
pub struct BootResult {
    /// Holds the result dir; removed on drop unless the test is failing
    /// (then its path is in the panic message).
    pub work: WorkDir,
    /// nspawn-run's exit status (0: the scenario passed; see its usage).
    pub status: i32,
    /// nspawn-run's stdout and stderr.
    pub output: String,
}

impl BootResult {
    /// The host side of the container's /res, where the scenario writes.
    pub fn res(&self) -> PathBuf {
        self.work.path().join("res")
    }

    /// The text of /res/NAME, empty when the scenario did not write it.
    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.res().join(name)).unwrap_or_default()
    }

    /// The texts of the files in /res/NAME, in the order of their names
    /// (e.g. one file per message a fake receiver got, named by time);
    /// none when the scenario made no such dir.
    pub fn files_in(&self, name: &str) -> Vec<String> {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(self.res().join(name))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .collect();
        paths.sort();
        paths
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap_or_default())
            .collect()
    }

    /// Panics with the scenario log and the harness output unless the
    /// scenario passed.
    pub fn assert_passed(&self) {
        if self.status != 0 {
            let kept = self.work.path().to_path_buf();
            panic!(
                "real-systemd scenario failed (status {}); results kept in {}\n--- harness ---\n{}\n--- scenario.log ---\n{}\n--- kmsg.log ---\n{}",
                self.status,
                kept.display(),
                self.output,
                self.read("scenario.log"),
                self.read("kmsg.log"),
            );
        }
    }

    /// What the stand-in zeek recorded for `node`.
    pub fn record(&self, node: &str) -> Record {
        self.record_file(&format!("records/{node}.record"))
    }

    /// The stand-in's record in /res/NAME; panics when there is none.
    pub fn record_file(&self, name: &str) -> Record {
        let text = std::fs::read_to_string(self.res().join(name))
            .unwrap_or_else(|e| panic!("no record {name}: {e}\n{}", self.read("scenario.log")));
        Record::parse(&text)
    }

    /// `systemctl show` properties saved by `collect`.
    pub fn show(&self, node: &str) -> BTreeMap<String, String> {
        parse_show(&self.read(&format!("show/{node}.show")))
    }
}

/// A temp dir that survives a failing test, for post-mortems.
pub struct WorkDir(PathBuf);

impl WorkDir {
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// Parses `systemctl show` output into a map.
pub fn parse_show(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Boots a container as `boot` says and runs its scenario.
pub fn run(boot: &Boot) -> BootResult {
    let _slot = (!boot.share_held).then(BootSlot::one);
    let work = WorkDir(
        tempfile::Builder::new()
            .prefix("zeek-systemd-boot-")
            .tempdir()
            .expect("temp dir")
            .keep(),
    );
    let dir = work.path();
    write_etc_zeek(boot, &dir.join("etc-zeek"));
    let scenario = write_scenario(boot, dir);
    let out = nspawn_command(boot, dir, &scenario)
        .output()
        .expect("run tests/systemd/nspawn-run");
    BootResult {
        status: out.status.code().unwrap_or(-1),
        output: format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
        work,
    }
}

/// Fills the host side of the container's writable /etc/zeek: the config,
/// `etc_zeek_files` and the test secrets.
fn write_etc_zeek(boot: &Boot, etc_zeek: &Path) {
    std::fs::create_dir(etc_zeek).unwrap();
    let config = (boot.config_path.clone(), boot.config.clone());
    for (path, text) in std::iter::once(&config).chain(&boot.etc_zeek_files) {
        let file = etc_zeek.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
    }
    // A multi-host config needs the cluster's secrets (issue 18); a
    // scenario that wants none removes /etc/zeek/cluster-secrets.
    let secrets = etc_zeek.join("cluster-secrets");
    if !secrets.exists() {
        std::fs::write(&secrets, scratch::TEST_SECRETS).unwrap();
    }
}

/// Writes the nodes file and the scenario script (`lib.sh` sourced before
/// the body) into `dir`; returns the script's path.
fn write_scenario(boot: &Boot, dir: &Path) -> PathBuf {
    std::fs::write(dir.join("nodes"), boot.nodes.join("\n") + "\n").unwrap();
    let scenario = dir.join("scenario");
    std::fs::write(
        &scenario,
        format!(
            "#!/bin/bash\nset -u\n. /etc/zeek-test/lib.sh\n{}\n",
            boot.scenario
        ),
    )
    .unwrap();
    make_executable(&scenario);
    scenario
}

/// Everything bound read-only into the container, (host path, container
/// path); writes `boot.files` under `dir`/files for it.
fn read_only_binds(boot: &Boot, dir: &Path) -> Vec<(PathBuf, String)> {
    let root = root();
    let mut binds: Vec<(PathBuf, String)> = vec![
        (dir.join("nodes"), "/etc/zeek-test/nodes".into()),
        (
            root.join("tests/systemd/scenario-lib.sh"),
            "/etc/zeek-test/lib.sh".into(),
        ),
    ];
    // The container has no network to wait for (--private-network):
    // without this, anything after network-online.target waits 2 min.
    if boot.mask_wait_online {
        binds.push((
            PathBuf::from("/dev/null"),
            "/etc/systemd/system/systemd-networkd-wait-online.service".into(),
        ));
    }
    if boot.stand_in {
        binds.push((root.join("tests/stand-in-zeek"), "/opt/zeek/bin".into()));
    }
    if boot.os_root.is_none() {
        binds.push((
            program(),
            "/etc/systemd/system-generators/zeek-systemd-generator".into(),
        ));
    }
    binds.extend(boot.binds.iter().cloned());
    std::fs::create_dir(dir.join("files")).unwrap();
    let files = boot.files.iter().map(|f| (f, false));
    for ((name, text), executable) in files.chain(boot.executables.iter().map(|f| (f, true))) {
        let host = dir.join("files").join(name);
        std::fs::write(&host, text).unwrap();
        if executable {
            make_executable(&host);
        }
        binds.push((host, format!("/etc/zeek-test/{name}")));
    }
    binds
}

/// Makes `boot.writable_dirs` under `dir`; returns their binds, (host
/// path, container path).
fn writable_binds(boot: &Boot, dir: &Path) -> Vec<(PathBuf, String)> {
    let mut binds = Vec::new();
    for (i, writable) in boot.writable_dirs.iter().enumerate() {
        let host = dir.join(format!("writable-{i}"));
        match &writable.copy_of {
            Some(from) => copy_dir(from, &host),
            None => std::fs::create_dir(&host).unwrap(),
        }
        for (path, text) in &writable.files {
            let file = host.join(path);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(file, text).unwrap();
        }
        binds.push((host, writable.at.clone()));
    }
    binds
}

/// `cp -a FROM TO`: a copy with modes and owners, TO not existing yet.
fn copy_dir(from: &Path, to: &Path) {
    let status = Command::new("cp")
        .arg("-a")
        .arg(from)
        .arg(to)
        .status()
        .expect("run cp");
    assert!(
        status.success(),
        "cp -a {} {}",
        from.display(),
        to.display()
    );
}

/// The `tests/systemd/nspawn-run` command for `boot`, its work files in
/// `dir`.
fn nspawn_command(boot: &Boot, dir: &Path, scenario: &Path) -> Command {
    let mut cmd = Command::new(root().join("tests/systemd/nspawn-run"));
    cmd.arg("--result-dir")
        .arg(dir.join("res"))
        .arg("--scenario")
        .arg(scenario)
        .arg("--timeout")
        .arg(boot.timeout_secs.to_string());
    if let Some(os_root) = &boot.os_root {
        cmd.arg("--root").arg(os_root);
    }
    for (host, container) in read_only_binds(boot, dir) {
        cmd.arg(format!("--bind-ro={}:{container}", host.display()));
    }
    // Read-write, so that a scenario can change the config and daemon-reload.
    if boot.os_root.is_none() {
        cmd.arg(format!(
            "--bind={}:/etc/zeek",
            dir.join("etc-zeek").display()
        ));
    }
    // Read-write dirs the scenario edits (a site dir a deploy snapshots).
    for (host, container) in writable_binds(boot, dir) {
        cmd.arg(format!("--bind={}:{container}", host.display()));
    }
    for arg in &boot.boot_args {
        cmd.arg(format!("--boot-arg={arg}"));
    }
    for arg in &boot.nspawn_args {
        cmd.arg(format!("--nspawn-arg={arg}"));
    }
    cmd
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt as _;
    let mut perms = std::fs::metadata(path).unwrap().permissions();
    perms.set_mode(0o755);
    std::fs::set_permissions(path, perms).unwrap();
}

/// What the stand-in zeek recorded about how it was started.
#[derive(Debug, Default)]
pub struct Record {
    pub argv: Vec<String>,
    pub env: Vec<(String, String)>,
    pub fields: BTreeMap<String, String>,
    pub cgroups: Vec<String>,
}

impl Record {
    pub fn parse(text: &str) -> Record {
        let mut record = Record::default();
        assert!(text.contains("\nend=1"), "incomplete record:\n{text}");
        for line in text.lines() {
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            let value = unescape(value);
            if key.starts_with("argv[") {
                record.argv.push(value);
            } else if key == "env" {
                let (k, v) = value.split_once('=').unwrap_or((&value, ""));
                record.env.push((k.to_string(), v.to_string()));
            } else if key == "cgroup" {
                record.cgroups.push(value);
            } else {
                record.fields.insert(key.to_string(), value);
            }
        }
        record
    }

    pub fn field(&self, key: &str) -> &str {
        self.fields.get(key).map(String::as_str).unwrap_or("")
    }

    pub fn env_var(&self, key: &str) -> Option<&str> {
        self.env
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The arguments after argv[0].
    pub fn args(&self) -> &[String] {
        &self.argv[1..]
    }
}

fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('\\') => out.push('\\'),
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

pub mod network;
pub mod real_zeek;
pub mod scratch;
