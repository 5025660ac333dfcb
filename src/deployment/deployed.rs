//! The deployed config (`<config dir>/deployed/`, see [`DEPLOYED_DIR`]):
//! read, replaced in one step, removed.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use nix::fcntl::{renameat2, RenameFlags, AT_FDCWD};

use super::DEPLOYED_DIR;
use crate::config::{self, ConfigFiles, ReadOptions};

/// The deployed config dir under `config_dir`.
pub fn dir(config_dir: &Path) -> PathBuf {
    config_dir.join(DEPLOYED_DIR)
}

/// The files of the deployed config, if one was deployed.
pub fn read(config_dir: &Path, options: &ReadOptions) -> Option<ConfigFiles> {
    let source = config::find_for_host(None, &dir(config_dir), options.host_or_hostname())?;
    config::read_files(&source).ok()
}

/// Makes `files` the deployed config: written beside it, then exchanged
/// with the old one in one rename (a `daemon-reload` meanwhile reads one
/// or the other, never a mix).
pub fn write(config_dir: &Path, files: &ConfigFiles) -> anyhow::Result<()> {
    let new = config_dir.join(format!(".{DEPLOYED_DIR}.new-{}", std::process::id()));
    let _ = fs::remove_dir_all(&new);
    fs::create_dir(&new).with_context(|| format!("cannot create {}", new.display()))?;
    for (name, text) in &files.files {
        let file = new.join(name);
        if let Some(parent) = file.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&file, text).with_context(|| format!("cannot write {}", file.display()))?;
    }
    let dest = dir(config_dir);
    if dest.exists() {
        renameat2(
            AT_FDCWD,
            &new,
            AT_FDCWD,
            &dest,
            RenameFlags::RENAME_EXCHANGE,
        )
        .with_context(|| format!("cannot replace {}", dest.display()))?;
        // `new` now holds the config that was deployed before.
        fs::remove_dir_all(&new).with_context(|| format!("cannot remove {}", new.display()))?;
    } else {
        fs::rename(&new, &dest).with_context(|| format!("cannot create {}", dest.display()))?;
    }
    Ok(())
}

/// Removes the deployed config: the generator reads the live one again.
pub fn remove(config_dir: &Path) -> anyhow::Result<()> {
    let dest = dir(config_dir);
    match fs::remove_dir_all(&dest) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("cannot remove {}", dest.display()))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_twice_the_second_wins_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let files = |name: &str, text: &str| ConfigFiles {
            files: vec![(PathBuf::from(name), text.to_string())],
        };
        write(tmp.path(), &files("cluster/a.zeek.conf", "x")).unwrap();
        write(tmp.path(), &files("cluster.toml", "y")).unwrap();
        let deployed = dir(tmp.path());
        assert!(
            !deployed.join("cluster").exists(),
            "nothing of the old one left"
        );
        assert_eq!(
            fs::read_to_string(deployed.join("cluster.toml")).unwrap(),
            "y"
        );
        assert_eq!(
            fs::read_dir(tmp.path()).unwrap().count(),
            1,
            "no temp dir left"
        );
        remove(tmp.path()).unwrap();
        assert!(!deployed.exists());
    }
}
