//! `rotate-leftovers` (hidden; a logger's `ExecStopPost=` runs it): moves
//! the logs Zeek wrote after its own rotation at exit (its stats.log, what
//! `zeek_done` handlers log) into the archiver's queue, under the names
//! Zeek's leftover-log rotation would give them at the next start. Zeek
//! itself would need a second start (`zeek -b`, ~0.3 s of CPU) for that;
//! this is a rename per file, so a stop keeps every log without making the
//! workers of a restart wait.
//!
//! What counts as a leftover, and its name, follow Zeek's ASCII writer
//! (`src/logging/writers/ascii/Ascii.cc`, `RotateLeftoverLogs`): a log
//! `X` with a shadow file `.shadow.X` beside it; the shadow's first line is
//! the extension; the open time is the shadow's ctime, the close time the
//! log's mtime; the name is `archiver_rotation_format_func`'s
//! (`base/frameworks/cluster/nodes/logger.zeek`):
//! `<stem>__<open>__<close>__[log_suffix=<node>__]<extension>`, times as
//! `%Y-%m-%d-%H-%M-%S` in local time. A shadow without its log is removed,
//! as Zeek does.

use std::fs;
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::error::Failure;

const SHADOW_PREFIX: &str = ".shadow.";

/// `rotate-leftovers` arguments.
#[derive(clap::Args, Debug)]
pub struct RotateLeftoversArgs {
    /// The node's spool dir (its working dir); the queue is `../log-queue`
    /// from there, as the policy script's `Log::default_rotation_dir`.
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// The node name to add as `log_suffix=` metadata, as Zeek does when
    /// the cluster has more than one logger.
    #[arg(long, value_name = "NODE")]
    pub log_suffix: Option<String>,
}

/// Runs `rotate-leftovers`.
pub fn exec(args: &RotateLeftoversArgs) -> Result<(), Failure> {
    let queue = args.dir.join("../log-queue");
    let moved = rotate(&args.dir, &queue, args.log_suffix.as_deref()).map_err(Failure::Other)?;
    for (from, to) in &moved {
        println!(
            "rotated leftover log {} -> {}",
            from.display(),
            to.display()
        );
    }
    Ok(())
}

/// Moves every leftover log of `dir` into `queue`; returns what went
/// where. A log that cannot be moved fails the run (and so the unit's
/// stop shows it) after the others were moved.
pub fn rotate(
    dir: &Path,
    queue: &Path,
    log_suffix: Option<&str>,
) -> anyhow::Result<Vec<(PathBuf, PathBuf)>> {
    let mut moved = Vec::new();
    let mut errors = Vec::new();
    let entries = fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
        let name = entry.file_name();
        let Some(log_name) = name.to_str().and_then(|n| n.strip_prefix(SHADOW_PREFIX)) else {
            continue;
        };
        let shadow = entry.path();
        let log = dir.join(log_name);
        if !log.is_file() {
            // There was a log here; it is gone now (Zeek does the same).
            let _ = fs::remove_file(&shadow);
            continue;
        }
        match move_one(&shadow, &log, queue, log_suffix) {
            Ok(to) => moved.push((log, to)),
            Err(e) => errors.push(format!("{e:#}")),
        }
    }
    if errors.is_empty() {
        Ok(moved)
    } else {
        anyhow::bail!("{}", errors.join("; "))
    }
}

fn move_one(
    shadow: &Path,
    log: &Path,
    queue: &Path,
    log_suffix: Option<&str>,
) -> anyhow::Result<PathBuf> {
    let text =
        fs::read_to_string(shadow).with_context(|| format!("cannot read {}", shadow.display()))?;
    // The first line is the extension; a shadow without one gets Zeek's
    // default (".log", as Zeek's writer warns and does).
    let extension = text
        .lines()
        .next()
        .filter(|l| !l.is_empty())
        .unwrap_or(".log");
    let opened = fs::metadata(shadow)
        .with_context(|| format!("cannot stat {}", shadow.display()))?
        .ctime();
    let closed = fs::metadata(log)
        .with_context(|| format!("cannot stat {}", log.display()))?
        .mtime();
    let stem = log.file_stem().and_then(|s| s.to_str()).unwrap_or("log");
    let to = queue.join(queue_name(stem, opened, closed, log_suffix, extension));
    fs::rename(log, &to)
        .with_context(|| format!("cannot move {} to {}", log.display(), to.display()))?;
    let _ = fs::remove_file(shadow);
    Ok(to)
}

/// The name `archiver_rotation_format_func` gives a log rotated from
/// `opened` to `closed` (Unix seconds).
fn queue_name(
    stem: &str,
    opened: i64,
    closed: i64,
    log_suffix: Option<&str>,
    extension: &str,
) -> String {
    let mut name = format!("{stem}__{}__{}__", local_time(opened), local_time(closed));
    if let Some(node) = log_suffix {
        name.push_str(&format!("log_suffix={node}__"));
    }
    name.push_str(extension);
    name
}

/// `%Y-%m-%d-%H-%M-%S` in local time, as Zeek's `strftime` (localtime_r).
fn local_time(unix: i64) -> String {
    let time: nix::libc::time_t = unix;
    // SAFETY: localtime_r writes only into `tm`, which lives on this
    // stack; a zeroed `tm` is a valid value of the plain C struct.
    let tm = unsafe {
        let mut tm: nix::libc::tm = std::mem::zeroed();
        if nix::libc::localtime_r(&time, &mut tm).is_null() {
            return crate::ops::text::utc(u64::try_from(unix).unwrap_or(0))
                .replace([' ', ':'], "-")
                .trim_end_matches("-UTC")
                .to_string();
        }
        tm
    };
    format!(
        "{:04}-{:02}-{:02}-{:02}-{:02}-{:02}",
        tm.tm_year + 1900,
        tm.tm_mon + 1,
        tm.tm_mday,
        tm.tm_hour,
        tm.tm_min,
        tm.tm_sec
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_archivers_format() {
        let name = queue_name("stats", 0, 0, None, ".log");
        assert!(name.starts_with("stats__"), "{name}");
        assert!(name.ends_with("__.log"), "{name}");
        assert_eq!(name.matches("__").count(), 3, "{name}");
        let suffixed = queue_name("conn", 0, 60, Some("logger-2"), ".log");
        assert!(
            suffixed.ends_with("__log_suffix=logger-2__.log"),
            "{suffixed}"
        );
    }

    #[test]
    fn moves_logs_with_shadows_and_drops_stale_shadows() {
        let root = tempfile::tempdir().unwrap();
        let node = root.path().join("logger-1");
        let queue = root.path().join("log-queue");
        fs::create_dir_all(&node).unwrap();
        fs::create_dir_all(&queue).unwrap();
        fs::write(node.join("stats.log"), "#fields\n").unwrap();
        fs::write(node.join(".shadow.stats.log"), ".log\n\n").unwrap();
        fs::write(node.join(".shadow.gone.log"), ".log\n\n").unwrap();
        fs::write(node.join("no-shadow.log"), "x").unwrap();
        let moved = rotate(&node, &queue, None).unwrap();
        assert_eq!(moved.len(), 1);
        let queued: Vec<String> = fs::read_dir(&queue)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(queued.len(), 1);
        assert!(queued[0].starts_with("stats__") && queued[0].ends_with("__.log"));
        assert!(!node.join("stats.log").exists());
        assert!(!node.join(".shadow.stats.log").exists());
        assert!(!node.join(".shadow.gone.log").exists());
        // A log Zeek did not mark as its own stays.
        assert!(node.join("no-shadow.log").exists());
    }
}
