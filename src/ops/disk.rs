//! Free space of the file systems the cluster's logs live on: the spool
//! (nodes write their logs there), the queue (`<spool>/log-queue`, where
//! loggers rotate to) and the archive (`log_dir`), for `status`, `check`
//! and the disk watch (`alert disk`); and whether the archive path works
//! at all: the archive writable by the cluster's user, the queue moving
//! (the archiver logs its failures and leaves the files in the queue).

use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::table::{self, bytes};
use crate::model::Cluster;

/// One file system and what of the cluster's lives on it.
#[derive(Debug, Clone, Serialize)]
pub struct FsUsage {
    /// `spool`, `queue`, `archive`: what lives on it.
    pub holds: Vec<&'static str>,
    /// The first of their dirs (or its nearest existing parent).
    pub path: PathBuf,
    pub size_bytes: u64,
    /// Free for unprivileged users (what the `zeek` user can still write).
    pub free_bytes: u64,
    /// The threshold, in bytes, for this file system.
    pub min_free_bytes: u64,
}

impl FsUsage {
    /// Whether free space is below the threshold.
    pub fn low(&self) -> bool {
        self.free_bytes < self.min_free_bytes
    }

    /// Whether free space is back above the threshold with a margin (a
    /// tenth of it), so that a file system hovering at the line does not
    /// alert at every check.
    pub fn recovered(&self) -> bool {
        self.free_bytes >= self.min_free_bytes + self.min_free_bytes / 10
    }

    /// The name the disk watch keeps state under: what it holds.
    pub fn key(&self) -> String {
        self.holds.join("+")
    }

    fn percent_free(&self) -> f64 {
        if self.size_bytes == 0 {
            return 0.0;
        }
        self.free_bytes as f64 * 100.0 / self.size_bytes as f64
    }

    /// One line for a report or a warning.
    pub fn describe(&self) -> String {
        format!(
            "{} ({}): {} free of {} ({:.1}%), threshold {}",
            self.holds.join(", "),
            self.path.display(),
            bytes(self.free_bytes),
            bytes(self.size_bytes),
            self.percent_free(),
            bytes(self.min_free_bytes),
        )
    }
}

/// The spool, queue and (where the archiver runs) archive dirs, each with
/// what it holds.
fn dirs(cluster: &Cluster) -> Vec<(&'static str, PathBuf)> {
    let install = &cluster.settings.install;
    let mut out = vec![
        ("spool", install.spool_dir.clone()),
        ("queue", install.spool_dir.join("log-queue")),
    ];
    if cluster.archiver.is_some() {
        out.push(("archive", install.log_dir.clone()));
    }
    out
}

/// The file systems of this host's spool, queue and archive, one entry
/// per file system, with the config's threshold.
// fsblkcnt_t is 32 bits on some targets: the conversions are not useless there.
#[allow(clippy::useless_conversion)]
pub fn usage(cluster: &Cluster) -> Vec<FsUsage> {
    let min_free = cluster.settings.operations.min_free;
    let mut out: Vec<(u64, FsUsage)> = Vec::new();
    for (what, dir) in dirs(cluster) {
        let Some((dev, path)) = existing(&dir) else {
            continue;
        };
        if let Some((_, fs)) = out.iter_mut().find(|(d, _)| *d == dev) {
            fs.holds.push(what);
            continue;
        }
        let Ok(stat) = nix::sys::statvfs::statvfs(&path) else {
            continue;
        };
        let block = stat.fragment_size();
        let size = u64::from(stat.blocks()).saturating_mul(block);
        out.push((
            dev,
            FsUsage {
                holds: vec![what],
                path,
                size_bytes: size,
                free_bytes: u64::from(stat.blocks_available()).saturating_mul(block),
                min_free_bytes: min_free.bytes(size),
            },
        ));
    }
    out.into_iter().map(|(_, fs)| fs).collect()
}

/// `dir`, or its nearest existing parent (before the first start the
/// dirs do not exist yet; they will be made on that file system), with
/// its device.
fn existing(dir: &Path) -> Option<(u64, PathBuf)> {
    dir.ancestors().find_map(|p| {
        std::fs::metadata(p)
            .ok()
            .map(|m| (m.dev(), p.to_path_buf()))
    })
}

/// The free-space table of `status` and `check`.
pub fn table(usage: &[FsUsage]) -> String {
    let mut rows = vec![[
        "HOLDS", "PATH", "SIZE", "FREE", "FREE%", "MIN-FREE", "STATE",
    ]
    .map(String::from)];
    for fs in usage {
        rows.push([
            fs.holds.join(","),
            fs.path.display().to_string(),
            bytes(fs.size_bytes),
            bytes(fs.free_bytes),
            format!("{:.1}%", fs.percent_free()),
            bytes(fs.min_free_bytes),
            if fs.low() { "LOW" } else { "ok" }.to_string(),
        ]);
    }
    table::format(&rows)
}

/// One warning per file system below the threshold.
pub fn warnings(usage: &[FsUsage]) -> Vec<String> {
    usage
        .iter()
        .filter(|fs| fs.low())
        .map(|fs| {
            format!(
                "low disk space: {}; free space or raise the threshold ([disk] min_free)",
                fs.describe()
            )
        })
        .collect()
}

/// How long a file may wait in `<spool>/log-queue` before the queue
/// counts as stalled: the stock archiver moves a file within seconds of
/// its arrival (it polls every 10 s when idle).
pub const QUEUE_MAX_WAIT_SECS: u64 = 300;

/// A fault of the archive path besides free space.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ArchiveProblem {
    /// `archive-unwritable` or `queue-stalled`: what the disk watch keeps
    /// its state under.
    pub key: &'static str,
    /// One line: what is wrong, and where.
    pub text: String,
}

/// The archive path's faults: the archive (`log_dir`, and its newest
/// day dir) on a read-only file system or not writable for the cluster's
/// user, and files waiting in the queue longer than
/// [`QUEUE_MAX_WAIT_SECS`]. Nothing when no archiver runs on this host.
pub fn archive_problems(cluster: &Cluster, now: u64) -> Vec<ArchiveProblem> {
    if cluster.archiver.is_none() {
        return Vec::new();
    }
    let install = &cluster.settings.install;
    let ids = user_ids(&install.user, &install.group);
    let mut out = Vec::new();
    if let Some(text) = unwritable(&install.log_dir, ids) {
        out.push(ArchiveProblem {
            key: "archive-unwritable",
            text,
        });
    }
    let queue = install.spool_dir.join("log-queue");
    if let Some((count, oldest)) = queue_backlog(&queue, now) {
        if oldest > QUEUE_MAX_WAIT_SECS {
            out.push(ArchiveProblem {
                key: "queue-stalled",
                text: format!(
                    "the log queue {} is not moving: {count} file(s), the oldest waiting {} s \
                     (more than {QUEUE_MAX_WAIT_SECS} s); see journalctl -u zeek-archiver",
                    queue.display(),
                    oldest
                ),
            });
        }
    }
    out
}

/// The uid and gid of the cluster's user and group (`None`: unknown here,
/// no permission check).
fn user_ids(user: &str, group: &str) -> Option<(u32, u32)> {
    let user = nix::unistd::User::from_name(user).ok().flatten()?;
    let gid = (nix::unistd::Group::from_name(group).ok().flatten())
        .map_or(user.gid.as_raw(), |g| g.gid.as_raw());
    Some((user.uid.as_raw(), gid))
}

/// Why the archiver cannot write into `log_dir` (or into its newest day
/// dir, where it writes today), if it cannot: a read-only file system, or
/// a dir the user `ids` may not write to. `None` when all is well or
/// `log_dir` does not exist yet (the archiver makes it).
fn unwritable(log_dir: &Path, ids: Option<(u32, u32)>) -> Option<String> {
    if !log_dir.is_dir() {
        return None;
    }
    if let Ok(stat) = nix::sys::statvfs::statvfs(log_dir) {
        if stat.flags().contains(nix::sys::statvfs::FsFlags::ST_RDONLY) {
            return Some(format!(
                "the archive {} is on a read-only file system: finished logs wait in the \
                 queue (see journalctl -u zeek-archiver)",
                log_dir.display()
            ));
        }
    }
    let (uid, gid) = ids?;
    let newest_day = std::fs::read_dir(log_dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .filter(|p| {
            p.file_name().is_some_and(|n| {
                n.to_string_lossy()
                    .starts_with(|c: char| c.is_ascii_digit())
            })
        })
        .max();
    for dir in std::iter::once(log_dir.to_path_buf()).chain(newest_day) {
        let Ok(meta) = std::fs::metadata(&dir) else {
            continue;
        };
        if !writable_by(meta.uid(), meta.gid(), meta.mode(), uid, gid) {
            return Some(format!(
                "the archive dir {} is not writable for the archiver's user (uid {uid}): \
                 finished logs wait in the queue (see journalctl -u zeek-archiver)",
                dir.display()
            ));
        }
    }
    None
}

/// Whether a dir of owner `owner`, group `group` and `mode` lets `uid`
/// (primary group `gid`) create files in it (write and search).
fn writable_by(owner: u32, group: u32, mode: u32, uid: u32, gid: u32) -> bool {
    if uid == 0 {
        return true;
    }
    let bits = if owner == uid {
        (mode >> 6) & 0o7
    } else if group == gid {
        (mode >> 3) & 0o7
    } else {
        mode & 0o7
    };
    bits & 0o3 == 0o3
}

/// The number of files in the queue and how long (s) the oldest has been
/// there (since it was renamed into it: its ctime); `None` when empty.
fn queue_backlog(queue: &Path, now: u64) -> Option<(usize, u64)> {
    let times: Vec<u64> = std::fs::read_dir(queue)
        .ok()?
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| u64::try_from(e.metadata().ok()?.ctime()).ok())
        .collect();
    let oldest = times.iter().min()?;
    Some((times.len(), now.saturating_sub(*oldest)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writable_for_owner_group_other_and_root() {
        assert!(writable_by(1000, 1000, 0o755, 1000, 1000));
        assert!(!writable_by(1000, 1000, 0o555, 1000, 1000));
        assert!(!writable_by(0, 0, 0o755, 1000, 1000));
        assert!(writable_by(0, 1000, 0o775, 1000, 1000));
        assert!(writable_by(0, 0, 0o1777, 1000, 1000));
        assert!(!writable_by(1000, 1000, 0o655, 1000, 1000), "no search bit");
        assert!(writable_by(1000, 1000, 0o555, 0, 0), "root");
    }

    #[test]
    fn unwritable_day_dir_and_queue_backlog() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let logs = dir.path().join("logs");
        let day = logs.join("2026-01-02");
        std::fs::create_dir_all(&day).unwrap();
        // The dirs' owner as the archiver's user (root owns nothing it
        // cannot write: as root, hand the dirs to another uid).
        let mut ids = (
            nix::unistd::geteuid().as_raw(),
            nix::unistd::getegid().as_raw(),
        );
        if ids.0 == 0 {
            ids = (12345, 12345);
            for d in [&logs, &day] {
                std::os::unix::fs::chown(d, Some(ids.0), Some(ids.1)).unwrap();
            }
        }
        let ids = Some(ids);
        assert_eq!(unwritable(&logs, ids), None);
        std::fs::set_permissions(&day, std::fs::Permissions::from_mode(0o555)).unwrap();
        let text = unwritable(&logs, ids).expect("the day dir is read-only");
        assert!(text.contains("2026-01-02"), "{text}");
        assert_eq!(unwritable(&logs.join("missing"), ids), None);
        let queue = dir.path().join("log-queue");
        std::fs::create_dir_all(&queue).unwrap();
        assert_eq!(queue_backlog(&queue, 0), None);
        std::fs::write(queue.join("conn.log"), "x").unwrap();
        std::fs::write(queue.join("dns.log"), "x").unwrap();
        let (count, wait) = queue_backlog(&queue, now_secs() + 400).unwrap();
        assert_eq!(count, 2);
        assert!((399..=401).contains(&wait), "{wait}");
        std::fs::set_permissions(&day, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    fn now_secs() -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
    }

    fn fs(free: u64, min: u64) -> FsUsage {
        FsUsage {
            holds: vec!["spool", "queue"],
            path: "/srv".into(),
            size_bytes: 1000,
            free_bytes: free,
            min_free_bytes: min,
        }
    }

    #[test]
    fn low_and_recovered_have_a_margin() {
        assert!(fs(49, 50).low());
        assert!(!fs(50, 50).low());
        assert!(!fs(54, 50).recovered());
        assert!(fs(55, 50).recovered());
        assert_eq!(fs(1, 1).key(), "spool+queue");
    }

    #[test]
    fn table_marks_low_file_systems() {
        let text = table(&[fs(10, 50)]);
        assert!(
            text.contains("spool,queue") && text.contains("LOW"),
            "{text}"
        );
        assert_eq!(warnings(&[fs(10, 50), fs(60, 50)]).len(), 1);
    }
}
