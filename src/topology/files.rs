//! The machine's files under the root, read without failing: each read
//! gives the fact or "path (why not)" for the notes.

use std::collections::BTreeSet;
use std::path::Path;

/// Reads files under one root; a failed read says which file and why.
pub(super) struct Reader<'r> {
    root: &'r Path,
}

impl<'r> Reader<'r> {
    pub(super) fn new(root: &'r Path) -> Self {
        Reader { root }
    }

    /// `path` (as on the machine, `/sys/...`) under the root.
    pub(super) fn under(&self, path: &str) -> std::path::PathBuf {
        self.root.join(path.trim_start_matches('/'))
    }

    /// The file's text, trimmed; `Err("path (why)")` when unreadable.
    pub(super) fn text(&self, path: &str) -> Result<String, String> {
        std::fs::read_to_string(self.under(path))
            .map(|text| text.trim().to_string())
            .map_err(|e| unread(path, &e))
    }

    /// A kernel CPU list file (`0-7,16-23`).
    pub(super) fn cpu_list(&self, path: &str) -> Result<BTreeSet<u32>, String> {
        let text = self.text(path)?;
        parse_kernel_list(&text).ok_or_else(|| format!("{path} (not a CPU list: \"{text}\")"))
    }

    /// A file holding one number.
    pub(super) fn number(&self, path: &str) -> Result<i64, String> {
        let text = self.text(path)?;
        text.parse()
            .map_err(|_| format!("{path} (not a number: \"{text}\")"))
    }

    /// The names in a directory, sorted (`Err` when it cannot be listed).
    pub(super) fn names(&self, path: &str) -> Result<Vec<String>, String> {
        let entries = std::fs::read_dir(self.under(path)).map_err(|e| unread(path, &e))?;
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        Ok(names)
    }

    /// The last part of where a symlink points (`device` → `0000:af:00.0`).
    pub(super) fn link_name(&self, path: &str) -> Result<String, String> {
        let target = std::fs::read_link(self.under(path)).map_err(|e| unread(path, &e))?;
        target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| format!("{path} (points at \"{}\")", target.display()))
    }
}

fn unread(path: &str, error: &std::io::Error) -> String {
    let why = match error.kind() {
        std::io::ErrorKind::NotFound => "not found".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => error.to_string(),
    };
    format!("{path} ({why})")
}

/// The kernel's CPU list format (`0-7,16-23`; empty for none); `None`
/// when it is not one.
pub(super) fn parse_kernel_list(text: &str) -> Option<BTreeSet<u32>> {
    let mut cpus = BTreeSet::new();
    for item in text.trim().split(',').filter(|item| !item.is_empty()) {
        let (first, last): (u32, u32) = match item.split_once('-') {
            Some((a, b)) => (a.trim().parse().ok()?, b.trim().parse().ok()?),
            None => {
                let cpu = item.trim().parse().ok()?;
                (cpu, cpu)
            }
        };
        if first > last || last > MAX_CPU {
            return None;
        }
        cpus.extend(first..=last);
    }
    Some(cpus)
}

/// The highest CPU a kernel names (its `NR_CPUS` is 8192 at most in the
/// distributions): a larger number is a broken file, not a CPU.
const MAX_CPU: u32 = 8191;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernel_cpu_lists() {
        let list = |t: &str| parse_kernel_list(t).map(|s| s.into_iter().collect::<Vec<_>>());
        assert_eq!(list("0-2,16,18-19\n"), Some(vec![0, 1, 2, 16, 18, 19]));
        assert_eq!(list(""), Some(vec![]));
        assert_eq!(list("3-1"), None);
        assert_eq!(list("ff"), None);
        assert_eq!(list("0-99999"), None);
    }
}
