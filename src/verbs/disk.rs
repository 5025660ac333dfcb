//! Free space of the file systems the cluster's logs live on: the spool
//! (nodes write their logs there), the queue (`<spool>/log-queue`, where
//! loggers rotate to) and the archive (`log_dir`), for `status`, `check`
//! and the disk watch (`alert disk`).

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
    let install = &cluster.install;
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
    let min_free = cluster.operations.min_free;
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

#[cfg(test)]
mod tests {
    use super::*;

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
