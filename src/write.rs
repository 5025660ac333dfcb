//! The only module that touches the disk: writes rendered outputs into the
//! generator's output dir, and single files atomically.
//!
//! Everything is rendered and validated before the first byte is written;
//! if writing fails part-way (disk full, permissions), what this run
//! created is removed again, so the output dir is left as it was.

use std::collections::HashSet;
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use crate::render::{Content, Output};

/// Writes `outputs` below `dir`, which must exist.
pub fn write_outputs(dir: &Path, outputs: &[Output]) -> io::Result<()> {
    if !dir.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("output directory {} does not exist", dir.display()),
        ));
    }
    let mut created: Vec<PathBuf> = Vec::with_capacity(outputs.len() * 2);
    let mut known_dirs: HashSet<PathBuf> = HashSet::new();
    let result = write_all(dir, outputs, &mut created, &mut known_dirs);
    if result.is_err() {
        // Files and links first, then directories, deepest first.
        for path in created.iter().rev() {
            let _ = fs::remove_file(path).or_else(|_| fs::remove_dir(path));
        }
    }
    result
}

fn write_all(
    dir: &Path,
    outputs: &[Output],
    created: &mut Vec<PathBuf>,
    known_dirs: &mut HashSet<PathBuf>,
) -> io::Result<()> {
    for output in outputs {
        let path = dir.join(&output.path);
        if let Some(parent) = output.path.parent().filter(|p| !p.as_os_str().is_empty()) {
            ensure_dir(dir, parent, created, known_dirs)?;
        }
        match &output.content {
            Content::File(text) => {
                let mut file = fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&path)
                    .map_err(|e| with_path(e, &path))?;
                created.push(path.clone());
                file.write_all(text.as_bytes())
                    .map_err(|e| with_path(e, &path))?;
            }
            Content::Link(target) => {
                std::os::unix::fs::symlink(target, &path).map_err(|e| with_path(e, &path))?;
                created.push(path);
            }
        }
    }
    Ok(())
}

/// Creates `relative` (and its parents) below `dir`. Directories that
/// exist already, e.g. `multi-user.target.wants/` made by another
/// generator, are used as they are and never removed.
fn ensure_dir(
    dir: &Path,
    relative: &Path,
    created: &mut Vec<PathBuf>,
    known_dirs: &mut HashSet<PathBuf>,
) -> io::Result<()> {
    if known_dirs.contains(relative) {
        return Ok(());
    }
    if let Some(parent) = relative.parent().filter(|p| !p.as_os_str().is_empty()) {
        ensure_dir(dir, parent, created, known_dirs)?;
    }
    let path = dir.join(relative);
    match fs::create_dir(&path) {
        Ok(()) => created.push(path),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists && path.is_dir() => {}
        Err(e) => return Err(with_path(e, &path)),
    }
    known_dirs.insert(relative.to_path_buf());
    Ok(())
}

fn with_path(error: io::Error, path: &Path) -> io::Error {
    io::Error::new(error.kind(), format!("{}: {error}", path.display()))
}

/// Replaces `path` with `text` atomically: a temporary file in the same
/// directory, flushed, then renamed over the old one, so Zeek never reads
/// half a layout.
pub fn write_file_atomically(path: &Path, text: &str, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt as _;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} is not a file name", path.display()),
        )
    })?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(mode)
            .open(&tmp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(|e| with_path(e, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> Output {
        Output {
            path: PathBuf::from(path),
            content: Content::File(text.into()),
        }
    }

    #[test]
    fn writes_files_dirs_and_links() {
        let dir = tempfile::tempdir().unwrap();
        let outputs = vec![
            file("a.service", "A"),
            file("a@x.service.d/50.conf", "X"),
            Output {
                path: PathBuf::from("multi-user.target.wants/a.target"),
                content: Content::Link(PathBuf::from("../a.target")),
            },
        ];
        write_outputs(dir.path(), &outputs).unwrap();
        assert_eq!(
            fs::read_to_string(dir.path().join("a@x.service.d/50.conf")).unwrap(),
            "X"
        );
        assert_eq!(
            fs::read_link(dir.path().join("multi-user.target.wants/a.target")).unwrap(),
            PathBuf::from("../a.target")
        );
    }

    #[test]
    fn failure_removes_what_this_run_created() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("multi-user.target.wants")).unwrap();
        fs::write(dir.path().join("taken.service"), "someone else's").unwrap();
        let outputs = vec![
            file("zeek@.service", "T"),
            file("zeek@m.service.d/50.conf", "M"),
            Output {
                path: PathBuf::from("multi-user.target.wants/zeek.target"),
                content: Content::Link(PathBuf::from("../zeek.target")),
            },
            file("taken.service", "mine"),
        ];
        assert!(write_outputs(dir.path(), &outputs).is_err());
        let mut left: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(left, ["multi-user.target.wants", "taken.service"]);
        assert!(fs::read_dir(dir.path().join("multi-user.target.wants"))
            .unwrap()
            .next()
            .is_none());
        assert_eq!(
            fs::read_to_string(dir.path().join("taken.service")).unwrap(),
            "someone else's"
        );
    }

    #[test]
    fn atomic_file_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cluster-layout.zeek");
        write_file_atomically(&path, "one", 0o644).unwrap();
        write_file_atomically(&path, "two", 0o644).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "two");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
