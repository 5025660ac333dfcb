//! A real Zeek for the real-Zeek tests and `check --deep`: found through
//! `ZEEK_DIST` (a binary tarball, or an installed or unpacked Zeek prefix
//! with `bin/zeek`), else at the conventional `/opt/zeek`; bound read-only
//! into the container at the prefix the configs name.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Where the Zeek under test is: a `.tar.xz`/`.tar.gz`/`.tar` of a Zeek
/// prefix (unpacked once per test run), or a Zeek prefix directory.
pub const DIST_ENV: &str = "ZEEK_DIST";

/// The Zeek prefix inside the containers, and the conventional install
/// prefix on the host, used when `ZEEK_DIST` is unset.
pub const PREFIX: &str = "/opt/zeek";

/// The Zeek prefix on the host (a dir with bin/, lib/, share/), or None
/// when there is no Zeek and the test is skipped (`super::require`: never
/// in CI). A `ZEEK_DIST` that is set but wrong always fails.
pub fn zeek_prefix() -> Option<PathBuf> {
    let dist = match std::env::var_os(DIST_ENV).filter(|v| !v.is_empty()) {
        Some(dist) => PathBuf::from(dist),
        None if Path::new(PREFIX).join("bin/zeek").is_file() => PathBuf::from(PREFIX),
        None => {
            super::require(
                false,
                "Zeek",
                &format!(
                    "set {DIST_ENV} to a Zeek 8.1+ install prefix or binary tarball, or install \
                     it at {PREFIX}"
                ),
            );
            return None;
        }
    };
    static PREFIX_DIR: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let prefix = PREFIX_DIR.get_or_init(|| resolve(&dist));
    match prefix {
        Ok(p) => Some(p.clone()),
        Err(e) => panic!("{DIST_ENV}={}: {e}", dist.display()),
    }
}

fn resolve(dist: &Path) -> Result<PathBuf, String> {
    if dist.is_dir() {
        return find_prefix(dist);
    }
    if !dist.is_file() {
        return Err("no such file or directory".into());
    }
    // Unpacked once under target/, keyed by the tarball's size and mtime;
    // unpacked into a fresh dir and renamed, so a half-unpacked tree is
    // never used.
    let meta = std::fs::metadata(dist).map_err(|e| e.to_string())?;
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_secs());
    let cache = super::root().join("target/real-zeek");
    let dir = cache.join(format!("{}-{mtime}", meta.len()));
    if dir.is_dir() {
        return find_prefix(&dir);
    }
    std::fs::create_dir_all(&cache).map_err(|e| format!("{}: {e}", cache.display()))?;
    let tmp = tempfile::Builder::new()
        .prefix("unpacking-")
        .tempdir_in(&cache)
        .map_err(|e| e.to_string())?;
    let status = Command::new("tar")
        .arg("-xf")
        .arg(dist)
        .arg("-C")
        .arg(tmp.path())
        .status()
        .map_err(|e| format!("tar: {e}"))?;
    if !status.success() {
        return Err(format!("tar -xf failed ({status})"));
    }
    std::fs::rename(tmp.keep(), &dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    find_prefix(&dir)
}

/// The dir itself, or its only subdir, when it holds bin/zeek.
fn find_prefix(dir: &Path) -> Result<PathBuf, String> {
    if dir.join("bin/zeek").is_file() {
        return Ok(dir.to_path_buf());
    }
    let subdirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| e.to_string())?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("bin/zeek").is_file())
        .collect();
    match subdirs.as_slice() {
        [one] => Ok(one.clone()),
        _ => Err(format!(
            "no Zeek prefix (bin/zeek) in {} or in exactly one subdir of it",
            dir.display()
        )),
    }
}

/// Binds of the Zeek tree at `PREFIX` in the container, read-only; spool
/// and log dirs under it stay on the container's writable root.
pub fn binds(prefix: &Path) -> Vec<(PathBuf, String)> {
    ["bin", "lib", "share"]
        .iter()
        .filter(|d| prefix.join(d).is_dir())
        .map(|d| (prefix.join(d), format!("{PREFIX}/{d}")))
        .collect()
}

/// The real-Zeek scenarios' shell library (tests/fixtures/real-zeek/lib.sh), bound
/// where they source it.
pub fn lib_bind() -> (PathBuf, String) {
    (
        super::root().join("tests/fixtures/real-zeek/lib.sh"),
        "/etc/zeek-test/zeek-lib.sh".into(),
    )
}

/// One real-Zeek test at a time, and nothing else booting meanwhile: a
/// cluster with `local` loaded takes most of two CPUs while it starts, and
/// parallel boots would only slow each other past their time limits. The
/// test's boots then set `Boot::share_held`.
pub fn serial() -> super::BootSlot {
    super::BootSlot::whole_machine()
}

/// The overall exposure `systemd-analyze security UNIT` printed for `unit`.
pub fn exposure(text: &str, unit: &str) -> Option<f64> {
    let prefix = format!("Overall exposure level for {unit}: ");
    text.lines()
        .find_map(|l| l.split_once(&prefix).map(|(_, rest)| rest))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
}
