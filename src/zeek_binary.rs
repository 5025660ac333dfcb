//! Which Zeek a node runs, against the Zeek on disk now (issue 25). A
//! package upgrade replaces `<prefix>/bin/zeek` under running nodes: they
//! keep the old binary until they restart, and a node that restarts alone
//! (a crash) runs the new one beside them. This module tells the two
//! apart, and what zeek-setup records at a cluster start
//! ([`ZEEK_AT_START`]) says which version the others still run.
//!
//! A node runs an old Zeek when its main process's executable
//! (`/proc/PID/exe`) is the Zeek binary but deleted (a package replaced
//! it) or another file than the one at the path now; when the executable
//! is an interpreter (Zeek started through a script), when the binary on
//! disk changed after the node started.

use std::fmt;
use std::io::Read as _;
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::env::Environment;
use crate::paths::ZEEK_AT_START;

/// How long `zeek --version` may take.
const VERSION_TIMEOUT: Duration = Duration::from_secs(10);

/// One file's identity: which inode, changed when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileId {
    pub dev: u64,
    pub ino: u64,
    pub mtime: i64,
    /// When the file's inode last changed (seconds since the epoch): a
    /// new file put in place has the time it was put there.
    pub ctime: i64,
}

impl FileId {
    fn of(meta: &std::fs::Metadata) -> FileId {
        FileId {
            dev: meta.dev(),
            ino: meta.ino(),
            mtime: meta.mtime(),
            ctime: meta.ctime(),
        }
    }
}

/// The Zeek binary at a path, and its version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binary {
    /// The path as the units name it (`<prefix>/bin/zeek`).
    pub path: PathBuf,
    pub id: FileId,
    /// What `zeek --version` says (`9.1.0`); `None`: it did not say.
    pub version: Option<String>,
}

impl Binary {
    /// The binary at `zeek` (as the units name it) on this machine;
    /// `None` when there is none.
    pub fn on_disk(env: &Environment, zeek: &Path) -> Option<Binary> {
        let here = env.path(&zeek.to_string_lossy());
        let meta = std::fs::metadata(&here).ok()?;
        Some(Binary {
            path: zeek.to_path_buf(),
            id: FileId::of(&meta),
            version: version(&here),
        })
    }

    /// The record's text (`key=value` lines).
    pub fn record(&self) -> String {
        format!(
            "path={}\nversion={}\ndev={}\nino={}\nmtime={}\nctime={}\n",
            self.path.display(),
            self.version.as_deref().unwrap_or(""),
            self.id.dev,
            self.id.ino,
            self.id.mtime,
            self.id.ctime
        )
    }

    /// Reads a record; `None` when it is not one.
    pub fn parse_record(text: &str) -> Option<Binary> {
        let field = |key: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(key)?.strip_prefix('='))
        };
        let number = |key: &str| field(key)?.parse::<i64>().ok();
        Some(Binary {
            path: PathBuf::from(field("path")?),
            version: field("version").filter(|v| !v.is_empty()).map(String::from),
            id: FileId {
                dev: field("dev")?.parse().ok()?,
                ino: field("ino")?.parse().ok()?,
                mtime: number("mtime")?,
                ctime: number("ctime")?,
            },
        })
    }

    /// What zeek-setup recorded at the last cluster start, if anything.
    pub fn at_start(env: &Environment) -> Option<Binary> {
        let text = std::fs::read_to_string(env.path(ZEEK_AT_START)).ok()?;
        Binary::parse_record(&text)
    }
}

/// Records the binary at `zeek` as the one the cluster starts with
/// (zeek-setup, at every cluster start); returns it.
pub fn record_at_start(env: &Environment, zeek: &Path) -> anyhow::Result<Option<Binary>> {
    let Some(binary) = Binary::on_disk(env, zeek) else {
        return Ok(None);
    };
    let path = env.path(ZEEK_AT_START);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&path, binary.record())
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    Ok(Some(binary))
}

/// The version `zeek --version` prints (`zeek version 9.1.0` -> `9.1.0`;
/// Zeek names itself as it was called: `/opt/zeek/bin/zeek version ...`).
fn version(zeek: &Path) -> Option<String> {
    let mut child = Command::new(zeek)
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let start = Instant::now();
    // A Zeek that does not know --version (or hangs) must not hang us.
    while child.try_wait().ok()?.is_none() {
        if start.elapsed() > VERSION_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut out = String::new();
    child.stdout.take()?.read_to_string(&mut out).ok()?;
    parse_version(&out)
}

fn parse_version(out: &str) -> Option<String> {
    let line = out.lines().next()?;
    let (_, rest) = line.trim().split_once(" version ")?;
    Some(rest.trim().to_string()).filter(|v| !v.is_empty())
}

/// How a node's process relates to the binary on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Runs {
    /// The binary on disk now.
    Current,
    /// An older one: why we know.
    Old(OldBecause),
    /// Cannot tell (no such process, `/proc` unreadable).
    Unknown,
}

/// Why a node's Zeek counts as old.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OldBecause {
    /// Its executable was deleted (a package upgrade replaced it).
    Deleted,
    /// Its executable is another file than the one at the path now.
    OtherFile,
    /// It runs through an interpreter, and the binary on disk changed
    /// after it started.
    ChangedSinceStart,
}

impl fmt::Display for OldBecause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            OldBecause::Deleted => "its binary was deleted from disk",
            OldBecause::OtherFile => "its binary is no longer the one on disk",
            OldBecause::ChangedSinceStart => "the binary on disk changed after it started",
        })
    }
}

/// Whether process `pid`, started at `started` (seconds since the epoch),
/// runs `disk`.
pub fn process_runs(env: &Environment, pid: u32, started: Option<u64>, disk: &Binary) -> Runs {
    let exe = env.path(&format!("/proc/{pid}/exe"));
    let Ok(target) = std::fs::read_link(&exe) else {
        return Runs::Unknown;
    };
    let target = target.to_string_lossy().into_owned();
    let (path, deleted) = match target.strip_suffix(" (deleted)") {
        Some(path) => (path, true),
        None => (target.as_str(), false),
    };
    if is_same_path(env, Path::new(path), &disk.path) {
        if deleted {
            return Runs::Old(OldBecause::Deleted);
        }
        return match std::fs::metadata(&exe) {
            Ok(meta) if FileId::of(&meta).ino != disk.id.ino || meta.dev() != disk.id.dev => {
                Runs::Old(OldBecause::OtherFile)
            }
            Ok(_) => Runs::Current,
            Err(_) => Runs::Unknown,
        };
    }
    match started {
        Some(started) if disk.id.ctime > i64::try_from(started).unwrap_or(i64::MAX) => {
            Runs::Old(OldBecause::ChangedSinceStart)
        }
        Some(_) => Runs::Current,
        None => Runs::Unknown,
    }
}

/// Whether `exe` (a process's executable, as it names it) is `zeek`
/// (as the units name it): the same path, or the same file once links
/// are resolved.
fn is_same_path(env: &Environment, exe: &Path, zeek: &Path) -> bool {
    if exe == zeek {
        return true;
    }
    let resolve = |p: &Path| std::fs::canonicalize(env.path(&p.to_string_lossy())).ok();
    resolve(zeek).is_some_and(|z| resolve(exe).as_ref() == Some(&z))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_records_read_back() {
        assert_eq!(
            parse_version("zeek version 9.1.0-dev.42\n").as_deref(),
            Some("9.1.0-dev.42")
        );
        assert_eq!(
            parse_version("/opt/zeek/bin/zeek version 9.1.0\n").as_deref(),
            Some("9.1.0")
        );
        assert_eq!(parse_version("usage: zeek\n"), None);
        let binary = Binary {
            path: "/opt/zeek/bin/zeek".into(),
            id: FileId {
                dev: 1,
                ino: 2,
                mtime: 3,
                ctime: 4,
            },
            version: Some("9.1.0".into()),
        };
        assert_eq!(Binary::parse_record(&binary.record()), Some(binary));
        assert_eq!(Binary::parse_record("path=/x\n"), None);
    }

    #[test]
    fn a_process_whose_binary_was_replaced_runs_an_old_zeek() {
        let env = Environment::read();
        let tmp = tempfile::tempdir().unwrap();
        let zeek = tmp.path().join("zeek");
        std::fs::copy("/bin/sleep", &zeek).unwrap();
        let mut child = Command::new(&zeek).arg("30").spawn().unwrap();
        let disk = Binary::on_disk(&env, &zeek).unwrap();
        let runs = process_runs(&env, child.id(), None, &disk);
        let new = tmp.path().join("zeek.new");
        std::fs::copy("/bin/sleep", &new).unwrap();
        std::fs::rename(&new, &zeek).unwrap();
        let upgraded = Binary::on_disk(&env, &zeek).unwrap();
        let after = process_runs(&env, child.id(), None, &upgraded);
        child.kill().unwrap();
        child.wait().unwrap();
        assert_eq!(runs, Runs::Current);
        assert_eq!(after, Runs::Old(OldBecause::Deleted));
        // Through an interpreter: the binary's change time decides.
        let sh = Command::new("sh").args(["-c", "sleep 30"]).spawn();
        let mut sh = sh.unwrap();
        let ctime = u64::try_from(upgraded.id.ctime).unwrap();
        let before_change = process_runs(&env, sh.id(), Some(ctime - 5), &upgraded);
        let after_change = process_runs(&env, sh.id(), Some(ctime + 5), &upgraded);
        sh.kill().unwrap();
        sh.wait().unwrap();
        assert_eq!(before_change, Runs::Old(OldBecause::ChangedSinceStart));
        assert_eq!(after_change, Runs::Current);
    }
}
