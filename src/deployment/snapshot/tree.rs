//! Script trees as snapshots see them: which files count, copying them,
//! their digest, and the difference between two trees.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::io;
use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};

use super::INFO_FILE;

/// Deepest dir nesting followed (symlinked dirs are followed, so a cycle
/// must end somewhere).
const MAX_DEPTH: usize = 32;

/// Hex digits of the digest that make a snapshot id: 48 bits, plenty for
/// the handful of snapshots one host keeps.
pub const ID_LEN: usize = 12;

/// Whether a dir entry belongs in a snapshot. Dot files (VCS dirs,
/// editor swap files such as `.local.zeek.swp`) and `~` backups are left
/// out: Zeek loads neither, and a swap file of an edit in progress would
/// show as drift.
pub fn counts(name: &str) -> bool {
    !(name.starts_with('.') || name.ends_with('~'))
}

/// Every file of `dir` that counts, by path relative to `dir`, with the
/// SHA-256 of its content; symlinks followed. A missing dir is empty.
pub fn files(dir: &Path) -> io::Result<BTreeMap<PathBuf, [u8; 32]>> {
    let mut out = BTreeMap::new();
    let mut seen = HashSet::new();
    if dir.exists() {
        walk(dir, Path::new(""), 0, &mut seen, &mut |rel, path| {
            let digest: [u8; 32] = Sha256::digest(fs::read(path)?).into();
            out.insert(rel.to_path_buf(), digest);
            Ok(())
        })?;
    }
    Ok(out)
}

/// Calls `file(relative, path)` for every regular file under `dir`.
fn walk(
    dir: &Path,
    rel: &Path,
    depth: usize,
    seen: &mut HashSet<(u64, u64)>,
    file: &mut dyn FnMut(&Path, &Path) -> io::Result<()>,
) -> io::Result<()> {
    let meta = fs::metadata(dir)?;
    if depth > MAX_DEPTH || !seen.insert((meta.dev(), meta.ino())) {
        return Ok(());
    }
    let mut entries: Vec<_> = fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(fs::DirEntry::file_name);
    for entry in entries {
        let name = entry.file_name();
        if !name.to_str().is_some_and(counts) {
            continue;
        }
        let path = entry.path();
        let rel = rel.join(&name);
        // A dangling symlink is no script: skipped like a socket.
        let Ok(meta) = fs::metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            walk(&path, &rel, depth + 1, seen, file)?;
        } else if meta.is_file() {
            file(&rel, &path)?;
        }
    }
    seen.remove(&(meta.dev(), meta.ino()));
    Ok(())
}

/// Copies the files of `from` that count into `to` (created), as regular
/// files (symlinks resolved: the copy must not follow later edits) with
/// mode 0644 in dirs of 0755, whatever the umask. A missing `from` makes
/// an empty `to`.
pub fn copy(from: &Path, to: &Path) -> io::Result<()> {
    make_dir(to)?;
    if !from.exists() {
        return Ok(());
    }
    let mut seen = HashSet::new();
    walk(from, Path::new(""), 0, &mut seen, &mut |rel, path| {
        let dest = to.join(rel);
        if let Some(parent) = dest.parent() {
            make_dirs(to, parent)?;
        }
        fs::copy(path, &dest)?;
        fs::set_permissions(&dest, fs::Permissions::from_mode(0o644))
    })
}

/// Writes `text` to `path` with mode 0644 (the parent exists).
pub fn write(path: &Path, text: &str) -> io::Result<()> {
    fs::write(path, text)?;
    fs::set_permissions(path, fs::Permissions::from_mode(0o644))
}

/// Creates `dir` with mode 0755 (its parent exists).
pub fn make_dir(dir: &Path) -> io::Result<()> {
    match fs::create_dir(dir) {
        Ok(()) => fs::set_permissions(dir, fs::Permissions::from_mode(0o755)),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// Creates `dir` and its parents up to `top` (which exists), 0755 each.
fn make_dirs(top: &Path, dir: &Path) -> io::Result<()> {
    if dir == top || dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent() {
        make_dirs(top, parent)?;
    }
    make_dir(dir)
}

/// The id of the snapshot in `dir`: the first [`ID_LEN`] hex digits of
/// the SHA-256 over every file's path and content digest, in path order
/// (the info file left out).
pub fn digest(dir: &Path) -> io::Result<String> {
    let mut hasher = Sha256::new();
    for (rel, content) in files(dir)? {
        if rel == Path::new(INFO_FILE) {
            continue;
        }
        hasher.update(rel.as_os_str().as_encoded_bytes());
        hasher.update([0]);
        hasher.update(content);
    }
    Ok(hex(&hasher.finalize())[..ID_LEN].to_string())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// How a file differs between two trees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    Added,
    Removed,
    Changed,
}

impl Change {
    /// `+`, `-` or `~`, as the change lists print it.
    pub fn sign(self) -> char {
        match self {
            Change::Added => '+',
            Change::Removed => '-',
            Change::Changed => '~',
        }
    }
}

/// The files that differ from `old` to `new` (maps from [`files`]).
pub fn diff(
    old: &BTreeMap<PathBuf, [u8; 32]>,
    new: &BTreeMap<PathBuf, [u8; 32]>,
) -> Vec<(PathBuf, Change)> {
    let mut out = Vec::new();
    for (path, digest) in new {
        match old.get(path) {
            None => out.push((path.clone(), Change::Added)),
            Some(d) if d != digest => out.push((path.clone(), Change::Changed)),
            Some(_) => {}
        }
    }
    for path in old.keys().filter(|p| !new.contains_key(*p)) {
        out.push((path.clone(), Change::Removed));
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_keeps_what_counts_and_the_digest_follows_content() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        fs::create_dir_all(site.join("sub")).unwrap();
        fs::write(site.join("local.zeek"), "@load misc/loaded-scripts\n").unwrap();
        fs::write(site.join("sub/a.zeek"), "event zeek_init() {}\n").unwrap();
        fs::write(site.join(".local.zeek.swp"), "swap").unwrap();
        fs::write(site.join("local.zeek~"), "backup").unwrap();
        std::os::unix::fs::symlink("sub", site.join("loop")).unwrap();
        let a = tmp.path().join("a");
        copy(&site, &a).unwrap();
        let listed: Vec<PathBuf> = files(&a).unwrap().into_keys().collect();
        assert_eq!(
            listed,
            [
                PathBuf::from("local.zeek"),
                "loop/a.zeek".into(),
                "sub/a.zeek".into()
            ]
        );
        assert!(!a.join("loop").is_symlink(), "symlinks are copied as files");
        let first = digest(&a).unwrap();
        assert_eq!(first.len(), ID_LEN);
        fs::write(a.join(INFO_FILE), "created=1\n").unwrap();
        assert_eq!(digest(&a).unwrap(), first, "the info file is not content");
        let before = files(&a).unwrap();
        fs::write(a.join("local.zeek"), "@load misc/loaded-scripts\n#\n").unwrap();
        assert_ne!(digest(&a).unwrap(), first);
        let changes = diff(&before, &files(&a).unwrap());
        assert_eq!(changes, [(PathBuf::from("local.zeek"), Change::Changed)]);
    }

    #[test]
    fn a_missing_source_is_an_empty_tree() {
        let tmp = tempfile::tempdir().unwrap();
        copy(&tmp.path().join("none"), &tmp.path().join("to")).unwrap();
        assert!(files(&tmp.path().join("to")).unwrap().is_empty());
        assert!(files(&tmp.path().join("none")).unwrap().is_empty());
    }
}
