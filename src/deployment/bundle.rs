//! What a cluster-wide `deploy` sends each host over SSH's stdin (issue
//! 25): the candidate's config, its script dirs and, for an encrypted
//! cluster, the secrets file, as one stream of files. Secrets travel only
//! here (never on a command line, never printed).
//!
//! The stream: the line `zeek-systemd-bundle 1`, then per file a line
//! `file <bytes> <path>` and its bytes, then the line `end`. Paths are
//! relative, without `..`: the receiver unpacks into a dir of its own.

use std::io::{self, BufRead, Read, Write};
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Component, Path, PathBuf};

use anyhow::{bail, Context as _};

const MAGIC: &str = "zeek-systemd-bundle 1";

/// The part of a bundle that holds the config files.
pub const CONFIG: &str = "config";

/// The bundle's name for the secrets file.
pub const SECRETS: &str = "secrets";

/// The bundle's name for the file naming the host that deploys it.
pub const ORIGIN: &str = "origin";

/// Most a bundle may hold (a site's scripts are kilobytes; a runaway
/// sender must not fill the disk).
const MAX_BYTES: u64 = 256 << 20;

/// Writes `files` (relative path, content) as a bundle.
pub fn write(out: &mut dyn Write, files: &[(PathBuf, Vec<u8>)]) -> io::Result<()> {
    writeln!(out, "{MAGIC}")?;
    for (path, bytes) in files {
        writeln!(out, "file {} {}", bytes.len(), path.display())?;
        out.write_all(bytes)?;
    }
    writeln!(out, "end")?;
    out.flush()
}

/// Reads a bundle into `dir` (created, 0700): every file 0600, dirs 0700.
pub fn unpack(input: &mut dyn BufRead, dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    let mut line = String::new();
    input.read_line(&mut line)?;
    if line.trim_end() != MAGIC {
        bail!(
            "not a zeek-systemd bundle (first line {:?})",
            line.trim_end()
        );
    }
    let mut names = Vec::new();
    let mut total = 0u64;
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            bail!("the bundle ends before its `end` line");
        }
        let header = line.trim_end_matches('\n');
        if header == "end" {
            return Ok(names);
        }
        let (size, path) = parse_header(header)?;
        total += size;
        if total > MAX_BYTES {
            bail!("the bundle is larger than {MAX_BYTES} bytes");
        }
        let dest = dir.join(&path);
        if let Some(parent) = dest.parent() {
            make_private_dirs(dir, parent)?;
        }
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode_0600()
            .open(&dest)
            .with_context(|| format!("cannot create {}", dest.display()))?;
        let copied = io::copy(&mut input.take(size), &mut file)?;
        if copied != size {
            bail!("the bundle ends inside {}", path.display());
        }
        names.push(path);
    }
}

fn parse_header(header: &str) -> anyhow::Result<(u64, PathBuf)> {
    let rest = header
        .strip_prefix("file ")
        .with_context(|| format!("bad bundle line {header:?}"))?;
    let (size, path) = rest
        .split_once(' ')
        .with_context(|| format!("bad bundle line {header:?}"))?;
    let size: u64 = size
        .parse()
        .with_context(|| format!("bad size in bundle line {header:?}"))?;
    let path = PathBuf::from(path);
    let plain = path.components().all(|c| matches!(c, Component::Normal(_)));
    if !plain || path.as_os_str().is_empty() {
        bail!(
            "bundle path {} is not a plain relative path",
            path.display()
        );
    }
    Ok((size, path))
}

/// Creates `dir` and its parents up to `top`, 0700 each.
fn make_private_dirs(top: &Path, dir: &Path) -> io::Result<()> {
    if dir == top || dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent() {
        make_private_dirs(top, parent)?;
    }
    std::fs::create_dir(dir)?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
}

trait Mode0600 {
    fn mode_0600(&mut self) -> &mut Self;
}

impl Mode0600 for std::fs::OpenOptions {
    fn mode_0600(&mut self) -> &mut Self {
        std::os::unix::fs::OpenOptionsExt::mode(self, 0o600)
    }
}

/// Every file under `dir` that a snapshot would copy, as (`prefix/rel`,
/// content).
pub fn files_under(dir: &Path, prefix: &Path) -> anyhow::Result<Vec<(PathBuf, Vec<u8>)>> {
    let listed = super::snapshot::tree::files(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?;
    listed
        .into_keys()
        .map(|rel| {
            let bytes = std::fs::read(dir.join(&rel))
                .with_context(|| format!("cannot read {}", dir.join(&rel).display()))?;
            Ok((prefix.join(rel), bytes))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bundle_unpacks_to_the_same_files_and_refuses_escapes() {
        let files = vec![
            (PathBuf::from("config/cluster.toml"), b"[zeek]\n".to_vec()),
            (PathBuf::from("site/local.zeek"), b"# \nfile 3 x\n".to_vec()),
            (PathBuf::from(SECRETS), vec![0, 1, 2]),
        ];
        let mut stream = Vec::new();
        write(&mut stream, &files).unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("in");
        let names = unpack(&mut stream.as_slice(), &dir).unwrap();
        assert_eq!(names.len(), 3);
        for (path, bytes) in &files {
            assert_eq!(&std::fs::read(dir.join(path)).unwrap(), bytes);
        }
        let mode = std::fs::metadata(dir.join(SECRETS)).unwrap().permissions();
        assert_eq!(mode.mode() & 0o777, 0o600);
        let evil = format!("{MAGIC}\nfile 1 ../x\nx\nend\n");
        let err = unpack(&mut evil.as_bytes(), &tmp.path().join("e")).unwrap_err();
        assert!(
            err.to_string().contains("not a plain relative path"),
            "{err}"
        );
        let cut = format!("{MAGIC}\nfile 9 a\nxy");
        assert!(unpack(&mut cut.as_bytes(), &tmp.path().join("c")).is_err());
    }
}
