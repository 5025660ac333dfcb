//! What a deploy changes: nodes added, removed and changed (the unit lines
//! that differ), and the script files that differ between the snapshot in
//! use and the candidate.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::deployment::snapshot::tree::{self, Change};
use crate::deployment::snapshot::INFO_FILE;
use crate::generator::plan;
use crate::generator::render::{self, Content};
use crate::model::Cluster;
use crate::paths::GENERATOR_DIR;

/// Everything a deploy would change.
#[derive(Debug, Default)]
pub struct Changes {
    /// One line per node or unit: `+ NAME (role)`, `- NAME`, `~ NAME: lines`.
    pub units: Vec<String>,
    /// Script files (relative to the snapshot: `site/local.zeek`).
    pub scripts: Vec<(PathBuf, Change)>,
}

impl Changes {
    /// The report `deploy` prints.
    pub fn report(&self) -> String {
        let mut out = String::new();
        if self.units.is_empty() {
            out.push_str("nodes and units: no change\n");
        } else {
            out.push_str("nodes and units:\n");
            for line in &self.units {
                let _ = writeln!(out, "  {line}");
            }
        }
        if self.scripts.is_empty() {
            out.push_str("scripts: no change\n");
        } else {
            out.push_str("scripts:\n");
            for (path, change) in &self.scripts {
                let _ = writeln!(out, "  {} {}", change.sign(), path.display());
            }
        }
        out
    }
}

/// The changes from the running cluster (`old`: the config its units came
/// from, `old_scripts`: the snapshot in use) to the candidate.
pub fn changes(
    old: Option<&Cluster>,
    new: &Cluster,
    old_scripts: Option<&Path>,
    new_scripts: &Path,
    exe: &Path,
) -> std::io::Result<Changes> {
    let old_files = match old_scripts {
        Some(dir) => tree::files(dir)?,
        None => BTreeMap::new(),
    };
    let mut new_files = tree::files(new_scripts)?;
    new_files.remove(Path::new(INFO_FILE));
    let mut old_files = old_files;
    old_files.remove(Path::new(INFO_FILE));
    Ok(Changes {
        units: unit_changes(old, new, exe),
        scripts: tree::diff(&old_files, &new_files),
    })
}

/// Every rendered unit file by path. The source path is the candidate's
/// in both, so that only what the units do is compared.
fn rendered(cluster: &Cluster, source: &Path, exe: &Path) -> BTreeMap<PathBuf, String> {
    let mut named = cluster.clone();
    named.settings.source = source.to_path_buf();
    let plan = plan::plan(&named, Path::new(GENERATOR_DIR), exe);
    render::render(&plan)
        .into_iter()
        .filter_map(|output| match output.content {
            Content::File(text) => Some((output.path, text)),
            Content::Link(_) => None,
        })
        .collect()
}

fn unit_changes(old: Option<&Cluster>, new: &Cluster, exe: &Path) -> Vec<String> {
    let new_units = rendered(new, &new.settings.source, exe);
    let old_units = old
        .map(|c| rendered(c, &new.settings.source, exe))
        .unwrap_or_default();
    let node_of = |path: &Path| -> Option<String> {
        let dir = path.parent()?.to_str()?;
        Some(
            dir.strip_prefix("zeek@")?
                .strip_suffix(".service.d")?
                .to_string(),
        )
    };
    let role_of = |cluster: &Cluster, name: &str| {
        cluster
            .nodes
            .iter()
            .find(|n| n.name == name)
            .map_or("?", |n| n.role.name())
    };
    let mut lines = Vec::new();
    for (path, text) in &new_units {
        let label = node_of(path).unwrap_or_else(|| path.display().to_string());
        match old_units.get(path) {
            None if node_of(path).is_some() => {
                lines.push(format!("+ {label} ({})", role_of(new, &label)));
            }
            None => lines.push(format!("+ {label}")),
            Some(old_text) if old_text != text => {
                lines.push(format!("~ {label}: {}", line_diff(old_text, text)));
            }
            Some(_) => {}
        }
    }
    for path in old_units.keys().filter(|p| !new_units.contains_key(*p)) {
        let label = node_of(path).unwrap_or_else(|| path.display().to_string());
        lines.push(format!("- {label}"));
    }
    lines
}

/// The directive lines only in `new` (`+`) and only in `old` (`-`),
/// comments left out.
fn line_diff(old: &str, new: &str) -> String {
    let directives = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .collect()
    };
    let (old, new) = (directives(old), directives(new));
    let mut parts: Vec<String> = new
        .iter()
        .filter(|l| !old.contains(l))
        .map(|l| format!("+{l}"))
        .collect();
    parts.extend(
        old.iter()
            .filter(|l| !new.contains(l))
            .map(|l| format!("-{l}")),
    );
    if parts.is_empty() {
        "comments only".to_string()
    } else {
        parts.join("  ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_diff_names_added_and_removed_directives() {
        let old = "# c\n[Service]\nNice=0\nSlice=a\n";
        let new = "# d\n[Service]\nNice=5\nSlice=a\n";
        assert_eq!(line_diff(old, new), "+Nice=5  -Nice=0");
        assert_eq!(line_diff("# a\nX=1\n", "# b\nX=1\n"), "comments only");
    }
}
