//! The only module that touches the disk: writes rendered outputs into the
//! generator's output dir, and single files atomically.
//!
//! Everything is validated before the first byte is written; if writing
//! fails part-way (disk full, permissions), what this run created is
//! removed again, so the output dir is left as it was.
//!
//! Outputs are written relative to one open handle of the output dir
//! (`mkdirat`/`openat`): with thousands of nodes the kernel's path walk
//! from `/` for every file and dir was a visible share of the run time.

use std::ffi::OsStr;
use std::fs;
use std::io::{self, Write as _};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::ffi::OsStrExt as _;
use std::path::{Path, PathBuf};

use nix::errno::Errno;
use nix::fcntl::{openat, OFlag};
use nix::sys::stat::{fstatat, mkdirat, Mode, SFlag};
use nix::unistd::{symlinkat, unlinkat, UnlinkatFlags};

use super::render::{Content, Output};

/// Writes `outputs` below `dir`, which must exist. Takes outputs one at a
/// time, so a caller can render each just before it is written instead of
/// holding every rendered file in memory at once.
pub fn write_outputs<I>(dir: &Path, outputs: I) -> io::Result<()>
where
    I: IntoIterator,
    I::Item: std::borrow::Borrow<Output>,
{
    let handle = nix::fcntl::open(
        dir,
        OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC,
        Mode::empty(),
    )
    .map_err(|e| {
        let e = io::Error::from(e);
        match e.kind() {
            io::ErrorKind::NotFound => io::Error::new(
                io::ErrorKind::NotFound,
                format!("output directory {} does not exist", dir.display()),
            ),
            _ => with_path(e, dir),
        }
    })?;
    let mut writer = Writer {
        dir,
        handle,
        created: CreatedLog::default(),
        last_dir: PathBuf::new(),
    };
    let mut outputs = outputs.into_iter();
    writer.created.reserve(outputs.size_hint().0);
    let result = outputs.try_for_each(|output| writer.write(std::borrow::Borrow::borrow(&output)));
    if result.is_err() {
        writer.roll_back();
    }
    result
}

/// What this run created, relative to the output dir, to remove it again
/// on failure. All paths share one buffer: with thousands of nodes, an
/// allocation per path was a visible part of the generator's peak memory.
#[derive(Default)]
struct CreatedLog {
    paths: Vec<u8>,
    /// Per path: where it ends in `paths`, shifted left by one, with the
    /// low bit set for a directory.
    entries: Vec<usize>,
}

impl CreatedLog {
    /// Room for `outputs` outputs, each a file in a dir of its own (a
    /// node's drop-in). Reserved once rather than grown by doubling, which
    /// copies, and leaves the old buffer behind in the heap; pages of the
    /// reservation that are never written cost no memory.
    fn reserve(&mut self, outputs: usize) {
        self.entries.reserve(2 * outputs);
        self.paths.reserve(96 * outputs);
    }

    fn push(&mut self, path: &Path, is_dir: bool) {
        self.paths.extend_from_slice(path.as_os_str().as_bytes());
        self.entries
            .push(self.paths.len() << 1 | usize::from(is_dir));
    }

    /// Newest first: what is in a directory before the directory.
    fn iter_rev(&self) -> impl Iterator<Item = (&Path, bool)> + '_ {
        (0..self.entries.len()).rev().map(|i| {
            let start = if i == 0 { 0 } else { self.entries[i - 1] >> 1 };
            let end = self.entries[i] >> 1;
            let is_dir = self.entries[i] & 1 == 1;
            (
                Path::new(OsStr::from_bytes(&self.paths[start..end])),
                is_dir,
            )
        })
    }
}

struct Writer<'a> {
    /// For messages only; all calls go through `handle`.
    dir: &'a Path,
    handle: OwnedFd,
    created: CreatedLog,
    /// The parent dir of the previous output, known to exist (empty at
    /// first). Outputs of one dir come one after another.
    last_dir: PathBuf,
}

impl Writer<'_> {
    fn write(&mut self, output: &Output) -> io::Result<()> {
        let path = output.path.as_path();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            // Bytes, not `Path` equality: that parses both into components.
            if self.last_dir.as_os_str() != parent.as_os_str() {
                self.ensure_dir(parent)?;
                self.last_dir.as_mut_os_string().clear();
                self.last_dir.push(parent);
            }
        }
        match &output.content {
            Content::File(text) => {
                let fd = openat(
                    self.handle.as_fd(),
                    path,
                    OFlag::O_WRONLY | OFlag::O_CREAT | OFlag::O_EXCL | OFlag::O_CLOEXEC,
                    // As `File::create`: the umask decides.
                    Mode::from_bits_truncate(0o666),
                )
                .map_err(|e| self.error(e.into(), path))?;
                self.created.push(path, false);
                fs::File::from(fd)
                    .write_all(text.as_bytes())
                    .map_err(|e| self.error(e, path))?;
            }
            Content::Link(target) => {
                symlinkat(target.as_path(), self.handle.as_fd(), path)
                    .map_err(|e| self.error(e.into(), path))?;
                self.created.push(path, false);
            }
        }
        Ok(())
    }

    /// Creates `relative` (and its parents) below the output dir.
    /// Directories that exist already, e.g. `multi-user.target.wants/` made
    /// by another generator, are used as they are and never removed.
    fn ensure_dir(&mut self, relative: &Path) -> io::Result<()> {
        match mkdirat(
            self.handle.as_fd(),
            relative,
            Mode::from_bits_truncate(0o777),
        ) {
            Ok(()) => {
                self.created.push(relative, true);
                Ok(())
            }
            Err(Errno::EEXIST) if self.is_dir(relative) => Ok(()),
            Err(Errno::ENOENT) => match relative.parent().filter(|p| !p.as_os_str().is_empty()) {
                Some(parent) => {
                    self.ensure_dir(parent)?;
                    self.ensure_dir(relative)
                }
                None => Err(self.error(Errno::ENOENT.into(), relative)),
            },
            Err(e) => Err(self.error(e.into(), relative)),
        }
    }

    fn is_dir(&self, relative: &Path) -> bool {
        fstatat(self.handle.as_fd(), relative, nix::fcntl::AtFlags::empty())
            .is_ok_and(|st| SFlag::from_bits_truncate(st.st_mode) & SFlag::S_IFMT == SFlag::S_IFDIR)
    }

    /// Removes what this run created: files and links first, then
    /// directories, deepest first.
    fn roll_back(&mut self) {
        for (path, is_dir) in self.created.iter_rev() {
            let flag = if is_dir {
                UnlinkatFlags::RemoveDir
            } else {
                UnlinkatFlags::NoRemoveDir
            };
            let _ = unlinkat(self.handle.as_fd(), path, flag);
        }
    }

    fn error(&self, error: io::Error, relative: &Path) -> io::Error {
        with_path(error, &self.dir.join(relative))
    }
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
    fn creates_nested_dirs_and_removes_them_on_failure() {
        let dir = tempfile::tempdir().unwrap();
        let outputs = vec![
            file("a/b/c.conf", "C"),
            file("a/b/d.conf", "D"),
            file("a/e.conf", "E"),
        ];
        write_outputs(dir.path(), &outputs).unwrap();
        assert_eq!(
            fs::read_to_string(dir.path().join("a/b/d.conf")).unwrap(),
            "D"
        );
        assert_eq!(
            fs::read_to_string(dir.path().join("a/e.conf")).unwrap(),
            "E"
        );

        let again = tempfile::tempdir().unwrap();
        let failing = vec![
            file("x/y/z.conf", "Z"),
            file("x/w.conf", "W"),
            file("x/w.conf", "twice"),
        ];
        let error = write_outputs(again.path(), failing).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::AlreadyExists);
        assert!(
            error.to_string().contains("x/w.conf"),
            "the message names the file: {error}"
        );
        assert!(fs::read_dir(again.path()).unwrap().next().is_none());
    }

    #[test]
    fn missing_output_dir_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope");
        let error = write_outputs(&missing, [file("a.service", "A")]).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::NotFound);
        assert_eq!(
            error.to_string(),
            format!("output directory {} does not exist", missing.display())
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
