//! The snapshots of a state dir: staging one, installing it under its id,
//! switching `current` to it atomically, and keeping only the newest few.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use super::build::Info;
use super::{tree, CURRENT, SNAPSHOTS};

/// The snapshots of one state dir (`/var/lib/zeek-systemd`).
#[derive(Debug, Clone)]
pub struct Store {
    pub state_dir: PathBuf,
}

impl Store {
    /// The store at `state_dir` (nothing is created yet).
    pub fn new(state_dir: &Path) -> Self {
        Store {
            state_dir: state_dir.to_path_buf(),
        }
    }

    fn snapshots(&self) -> PathBuf {
        self.state_dir.join(SNAPSHOTS)
    }

    /// The dir of snapshot `id`.
    pub fn dir(&self, id: &str) -> PathBuf {
        self.snapshots().join(id)
    }

    /// A fresh dir name to build a snapshot in, on the same file system as
    /// the snapshots (so installing it is a rename). Creates the state and
    /// snapshots dirs (0755, root's: nodes may read, never write).
    pub fn staging(&self, label: &str) -> anyhow::Result<PathBuf> {
        for dir in [&self.state_dir, &self.snapshots()] {
            fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
            tree::make_dir(dir)?;
        }
        let dir = self
            .snapshots()
            .join(format!(".{label}-{}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir).with_context(|| format!("cannot remove {}", dir.display()))?;
        }
        Ok(dir)
    }

    /// Moves the snapshot built in `staging` to its id's dir; when that
    /// exists already (the same scripts), the staging copy is dropped.
    pub fn install(&self, staging: &Path, id: &str) -> anyhow::Result<PathBuf> {
        let dir = self.dir(id);
        if dir.join(super::INFO_FILE).is_file() {
            fs::remove_dir_all(staging).ok();
        } else {
            if dir.exists() {
                fs::remove_dir_all(&dir).ok();
            }
            fs::rename(staging, &dir).with_context(|| {
                format!("cannot move {} to {}", staging.display(), dir.display())
            })?;
        }
        Ok(dir)
    }

    /// The id `current` points at, if any.
    pub fn current_id(&self) -> Option<String> {
        let target = fs::read_link(self.state_dir.join(CURRENT)).ok()?;
        let id = target.file_name()?.to_str()?.to_string();
        self.dir(&id).is_dir().then_some(id)
    }

    /// The info of the snapshot in use, if any.
    pub fn current(&self) -> Option<Info> {
        Info::read(&self.dir(&self.current_id()?))
    }

    /// Points `current` at snapshot `id` in one step (a new symlink renamed
    /// over the old one): a node starting meanwhile sees one or the other.
    /// Touches the snapshot, so pruning keeps the most recently used.
    pub fn set_current(&self, id: &str) -> anyhow::Result<()> {
        let link = self.state_dir.join(CURRENT);
        let tmp = self
            .state_dir
            .join(format!(".{CURRENT}.{}", std::process::id()));
        let _ = fs::remove_file(&tmp);
        std::os::unix::fs::symlink(Path::new(SNAPSHOTS).join(id), &tmp)
            .with_context(|| format!("cannot create {}", tmp.display()))?;
        fs::rename(&tmp, &link).with_context(|| format!("cannot replace {}", link.display()))?;
        touch(&self.dir(id));
        Ok(())
    }

    /// Removes `current`: the next start makes a snapshot of the live tree.
    pub fn clear_current(&self) -> io::Result<()> {
        match fs::remove_file(self.state_dir.join(CURRENT)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// The snapshots, newest (most recently made current) first.
    pub fn list(&self) -> Vec<Info> {
        let Ok(entries) = fs::read_dir(self.snapshots()) else {
            return Vec::new();
        };
        let mut found: Vec<(std::time::SystemTime, Info)> = entries
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_str().is_some_and(tree::counts))
            .filter_map(|e| {
                let used = e.metadata().and_then(|m| m.modified()).ok()?;
                Some((used, Info::read(&e.path())?))
            })
            .collect();
        found.sort_by_key(|entry| std::cmp::Reverse(entry.0));
        found.into_iter().map(|(_, info)| info).collect()
    }

    /// Removes all but the `keep` most recently used snapshots, never the
    /// current one; and staging dirs left by a run that was killed.
    pub fn prune(&self, keep: usize) {
        let current = self.current_id();
        let mut kept = 0;
        for info in self.list() {
            if Some(&info.id) == current.as_ref() || kept < keep.saturating_sub(1) {
                kept += usize::from(Some(&info.id) != current.as_ref());
                continue;
            }
            let _ = fs::remove_dir_all(self.dir(&info.id));
        }
        if let Ok(entries) = fs::read_dir(self.snapshots()) {
            for entry in entries.filter_map(Result::ok) {
                let stale = entry.file_name().to_str().is_some_and(|n| {
                    n.starts_with('.') && !n.ends_with(&format!("-{}", std::process::id()))
                });
                if stale {
                    let _ = fs::remove_dir_all(entry.path());
                }
            }
        }
    }
}

/// Sets the mtime of `dir` to now (how pruning knows what was used last).
fn touch(dir: &Path) {
    if let Ok(handle) = fs::File::open(dir) {
        let _ = handle.set_modified(std::time::SystemTime::now());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fake(store: &Store, id: &str) {
        let dir = store.staging("t").unwrap();
        fs::create_dir(&dir).unwrap();
        fs::write(dir.join(super::super::INFO_FILE), format!("id={id}\n")).unwrap();
        store.install(&dir, id).unwrap();
        store.set_current(id).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(10));
    }

    #[test]
    fn current_switches_and_pruning_keeps_the_newest() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::new(tmp.path());
        assert_eq!(store.current_id(), None);
        for id in ["a", "b", "c", "d"] {
            fake(&store, id);
        }
        assert_eq!(store.current_id().as_deref(), Some("d"));
        store.set_current("b").unwrap();
        store.prune(2);
        let left: Vec<String> = store.list().into_iter().map(|i| i.id).collect();
        assert_eq!(left, ["b", "d"], "current and the one used before it");
        store.clear_current().unwrap();
        assert_eq!(store.current_id(), None);
    }
}
