//! The machine and the invocation, read once at the edge (`main`) into
//! one [`Environment`] that is passed down: nothing below reads the
//! process environment, `/proc` or `/sys` itself.
//!
//! Tests (and chroots) point every fact at another tree with one
//! variable, [`ROOT_ENV`], instead of one variable per fact; every fixed
//! path the programs open ([`crate::paths`], [`crate::deployment`]) is
//! taken under it through [`Environment::path`].

use std::cell::OnceCell;
use std::path::{Path, PathBuf};

use crate::config::CONFIG_DIR_ENV;
use crate::paths::DEFAULT_CONFIG_DIR;
use crate::topology::{LazyMachine, Machine};

/// Read the machine's facts under this directory instead of `/`:
/// `proc/sys/kernel/hostname`, `proc/cmdline` (`proc/1/cmdline` in a
/// container, as `run/systemd/container` says), `proc/1/maps`,
/// `run/systemd/system` (systemd runs as PID 1),
/// the CPUs and NICs under `sys/` and `proc/` ([`crate::topology`]), the
/// default config dir, and every
/// fixed path of [`crate::paths`] and [`crate::deployment`].
pub const ROOT_ENV: &str = "ZEEK_SYSTEMD_ROOT";

/// Overrides the kernel command line (systemd's own tools honour it too).
pub const PROC_CMDLINE_ENV: &str = "SYSTEMD_PROC_CMDLINE";

/// Overrides the path `zeek-setup.service` calls this program by (default:
/// this executable). For packagers who install a wrapper, and for tests.
pub const SELF_PATH_ENV: &str = "ZEEK_SYSTEMD_GENERATOR_PATH";

/// Forces where the generator's messages go: `kmsg` or `stderr` (tests,
/// debugging).
pub const LOG_TARGET_ENV: &str = "ZEEK_SYSTEMD_LOG";

/// The dir that exists when systemd runs as PID 1 (`sd_booted(3)`),
/// under [`ROOT_ENV`].
pub const SYSTEMD_BOOTED_DIR: &str = "run/systemd/system";

/// Who runs the program, as systemd tells a generator (`SYSTEMD_SCOPE`,
/// `SYSTEMD_IN_INITRD`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// A person (no `SYSTEMD_SCOPE`).
    Person,
    /// The system manager, on the real root.
    System,
    /// The system manager in the initrd.
    Initrd,
    /// A user manager.
    User,
}

/// systemd's word on how a service's main process ended (`man 5
/// systemd.exec`, "Environment Variables Set or Propagated by the Service
/// Manager").
#[derive(Debug, Clone, Default)]
pub struct ServiceExit {
    /// `EXIT_CODE`: `exited`, `killed` or `dumped`.
    pub code: String,
    /// `EXIT_STATUS`: the exit status or the signal's name.
    pub status: String,
    /// `SERVICE_RESULT`: `success`, `exit-code`, `signal`, `core-dump`...
    pub result: String,
}

/// Everything the programs know about the machine they run on.
#[derive(Debug)]
pub struct Environment {
    root: PathBuf,
    /// This machine's short hostname, lower case (`None`: unknown).
    pub hostname: Option<String>,
    /// Where the config is looked for.
    pub config_dir: PathBuf,
    /// The dir for scratch files (`$TMPDIR`, else `/tmp`).
    pub temp_dir: PathBuf,
    /// How a unit's main process ended, as systemd tells an
    /// `ExecStopPost=` command (empty for anything else).
    pub service_exit: ServiceExit,
    /// The kernel command line, words separated by spaces.
    pub kernel_cmdline: String,
    /// Who runs us.
    pub scope: Scope,
    /// The path `zeek-setup.service` calls this program by.
    pub self_path: PathBuf,
    /// Whether the generator's messages go to `/dev/kmsg`.
    pub log_to_kmsg: bool,
    /// Whether systemd runs as PID 1 (`run/systemd/system` is a dir, as
    /// `sd_booted()` tells): without it no unit of the cluster runs here.
    pub systemd_booted: bool,
    /// Whether a systemd unit runs us (`INVOCATION_ID` or
    /// `JOURNAL_STREAM` set): then stdout goes to the unit's journal.
    pub in_unit: bool,
    /// Whether we run as root (effective uid 0).
    pub as_root: bool,
    systemd_version: OnceCell<Option<u32>>,
    machine: LazyMachine,
}

impl Environment {
    /// Reads the environment of this process (cheap facts now, the rest
    /// on first use: see [`Environment::systemd_version`]).
    pub fn read() -> Self {
        let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
        let root = var(ROOT_ENV).map_or_else(|| PathBuf::from("/"), PathBuf::from);
        let in_initrd = std::env::var("SYSTEMD_IN_INITRD").as_deref() == Ok("1");
        let scope = match std::env::var("SYSTEMD_SCOPE").as_deref() {
            _ if in_initrd => Scope::Initrd,
            Err(_) => Scope::Person,
            Ok("user") => Scope::User,
            Ok(_) => Scope::System,
        };
        let log_to_kmsg = match std::env::var(LOG_TARGET_ENV).as_deref() {
            Ok("kmsg") => true,
            Ok("stderr") => false,
            _ => scope != Scope::Person,
        };
        let config_dir = var(CONFIG_DIR_ENV)
            .map(PathBuf::from)
            .unwrap_or_else(|| under(&root, Path::new(DEFAULT_CONFIG_DIR)));
        Environment {
            hostname: hostname(&root),
            kernel_cmdline: kernel_cmdline(&root),
            self_path: var(SELF_PATH_ENV)
                .map(PathBuf::from)
                .unwrap_or_else(self_exe),
            temp_dir: std::env::temp_dir(),
            service_exit: ServiceExit {
                code: std::env::var("EXIT_CODE").unwrap_or_default(),
                status: std::env::var("EXIT_STATUS").unwrap_or_default(),
                result: std::env::var("SERVICE_RESULT").unwrap_or_default(),
            },
            config_dir,
            scope,
            log_to_kmsg,
            systemd_booted: root.join(SYSTEMD_BOOTED_DIR).is_dir(),
            in_unit: var("INVOCATION_ID").is_some() || var("JOURNAL_STREAM").is_some(),
            as_root: nix::unistd::Uid::effective().is_root(),
            systemd_version: OnceCell::new(),
            machine: LazyMachine::under(&root),
            root,
        }
    }

    /// Whether systemd runs us (as a generator of some manager).
    pub fn by_systemd(&self) -> bool {
        self.scope != Scope::Person
    }

    /// Whether the kernel command line says `zeek.cluster=0` (or
    /// no/false/off; the last such word wins).
    pub fn cluster_disabled(&self) -> bool {
        self.kernel_cmdline
            .split_whitespace()
            .filter_map(|word| word.strip_prefix("zeek.cluster="))
            .next_back()
            .is_some_and(|value| matches!(value, "0" | "no" | "false" | "off"))
    }

    /// The version of the systemd running as PID 1 when systemd runs us
    /// (only that manager's version is worth knowing), from the libraries
    /// it mapped (`/proc/1/maps`, readable by root; generators get no
    /// version from systemd). Read on first use: only a generator with a
    /// config to render needs it.
    pub fn systemd_version(&self) -> Option<u32> {
        *self.systemd_version.get_or_init(|| {
            if !self.by_systemd() {
                return None;
            }
            let maps = std::fs::read(self.root.join("proc/1/maps")).ok()?;
            crate::systemd::version_from_maps(&String::from_utf8_lossy(&maps))
        })
    }

    /// `path` (absolute) on this machine: under [`ROOT_ENV`] when set.
    /// Every fixed path the programs open goes through here.
    pub fn path(&self, path: &str) -> PathBuf {
        under(&self.root, Path::new(path))
    }

    /// This machine's CPUs, NUMA nodes and NICs, read on first use: only
    /// `check`, and the generator for a config that leaves CPUs or workers
    /// to the machine (`"auto"`), want them.
    pub fn machine(&self) -> &Machine {
        self.machine.get()
    }

    /// The machine for the config readers (a handle that reads it on first
    /// use, shared with [`Environment::machine`]).
    pub fn lazy_machine(&self) -> LazyMachine {
        self.machine.clone()
    }
}

/// `path` (absolute) under `root`.
fn under(root: &Path, path: &Path) -> PathBuf {
    root.join(path.strip_prefix("/").unwrap_or(path))
}

/// The hostname cut at the first '.' and lower-cased (the per-host file
/// names are lower case; host names are not case-sensitive).
fn hostname(root: &Path) -> Option<String> {
    let name = if root == Path::new("/") {
        nix::unistd::gethostname().ok()?.into_string().ok()?
    } else {
        std::fs::read_to_string(root.join("proc/sys/kernel/hostname")).ok()?
    };
    let name = name.trim();
    let short = name.split('.').next().unwrap_or(name).to_ascii_lowercase();
    (!short.is_empty()).then_some(short)
}

/// The kernel command line: `$SYSTEMD_PROC_CMDLINE`, else `/proc/cmdline`,
/// or in a container PID 1's arguments (systemd takes those as the kernel
/// command line there; so does this). Empty when it cannot be read.
fn kernel_cmdline(root: &Path) -> String {
    if let Ok(text) = std::env::var(PROC_CMDLINE_ENV) {
        return text;
    }
    let file = if root.join("run/systemd/container").exists() {
        "proc/1/cmdline"
    } else {
        "proc/cmdline"
    };
    std::fs::read(root.join(file))
        .map(|bytes| String::from_utf8_lossy(&bytes).replace('\0', " "))
        .unwrap_or_default()
}

fn self_exe() -> PathBuf {
    std::env::current_exe().unwrap_or_else(|_| PathBuf::from("/usr/bin/zeek-systemd"))
}
