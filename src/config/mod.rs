//! Finding the cluster config and reading it into a [`Cluster`].
//!
//! This is the only module that knows which format a config came from;
//! everything after it works on the validated model.

pub mod template;
pub mod toml;
pub mod values;

use std::fmt;
use std::path::{Path, PathBuf};

use crate::model::Cluster;

/// The build-time default of the config directory (`/etc/zeek`). Distro
/// packagers that move Zeek set `ZEEK_SYSTEMD_CONFIG_DIR` at build time.
pub const DEFAULT_CONFIG_DIR: &str = match option_env!("ZEEK_SYSTEMD_CONFIG_DIR") {
    Some(dir) => dir,
    None => "/etc/zeek",
};

/// The build-time default installation prefix of Zeek (`/opt/zeek`, where
/// Zeek's own packages install).
pub const DEFAULT_PREFIX: &str = match option_env!("ZEEK_SYSTEMD_PREFIX") {
    Some(dir) => dir,
    None => "/opt/zeek",
};

/// Environment variable that overrides the config directory at run time
/// (tests, chroots).
pub const CONFIG_DIR_ENV: &str = "ZEEK_SYSTEMD_CONFIG_DIR";

/// A config that was found, with its format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigSource {
    /// The native TOML format.
    Toml(PathBuf),
}

impl ConfigSource {
    /// The file (or directory) the config is read from.
    pub fn path(&self) -> &Path {
        match self {
            ConfigSource::Toml(path) => path,
        }
    }
}

/// Finds the config: `--config PATH` if given, else the first of
/// `<dir>/cluster.toml`, `<dir>/zeek.conf`, `<dir>/cluster/<host>.zeek.conf`
/// that exists (SPEC 2.1). `None` means there is no config at all.
pub fn find(explicit: Option<&Path>, config_dir: &Path) -> Option<ConfigSource> {
    if let Some(path) = explicit {
        return Some(ConfigSource::Toml(path.to_path_buf()));
    }
    let toml = config_dir.join("cluster.toml");
    if toml.exists() {
        return Some(ConfigSource::Toml(toml));
    }
    None
}

/// The config directory in effect: `$ZEEK_SYSTEMD_CONFIG_DIR` or the
/// build-time default.
pub fn config_dir() -> PathBuf {
    std::env::var_os(CONFIG_DIR_ENV)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_CONFIG_DIR))
}

/// What a reader needs besides the text: which host it is reading for.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// The host to emit nodes for (`--host`); `None` means this machine's
    /// hostname, looked up only if the config is multi-host.
    pub host: Option<String>,
}

/// Reads and validates the config.
pub fn load(source: &ConfigSource, options: &ReadOptions) -> Result<Cluster, ConfigError> {
    match source {
        ConfigSource::Toml(path) => {
            let text = read_text(path)?;
            toml::read(path, &text, options)
        }
    }
}

/// Largest config file read; anything bigger is surely not a cluster
/// config and is refused before it is parsed.
pub const MAX_CONFIG_BYTES: u64 = 16 * 1024 * 1024;

/// Reads a config file as UTF-8 text, refusing huge files.
pub fn read_text(path: &Path) -> Result<String, ConfigError> {
    let fail = |message: String| ConfigError::file(path, message);
    let meta = std::fs::metadata(path).map_err(|e| fail(format!("cannot read: {e}")))?;
    if meta.is_dir() {
        return Err(fail("is a directory, not a config file".into()));
    }
    if meta.len() > MAX_CONFIG_BYTES {
        return Err(fail(format!(
            "is {} bytes; a cluster config is at most {MAX_CONFIG_BYTES} bytes",
            meta.len()
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| fail(format!("cannot read: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let line = 1 + e.as_bytes()[..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        ConfigError {
            file: path.to_path_buf(),
            line: Some(line),
            key: None,
            message: "is not UTF-8 text".into(),
        }
    })
}

/// A config that cannot be used: where, which key, and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: PathBuf,
    pub line: Option<usize>,
    /// The key, with its section (`[[interface]] workers`).
    pub key: Option<String>,
    pub message: String,
}

impl ConfigError {
    /// An error about the file as a whole.
    pub fn file(path: &Path, message: impl Into<String>) -> Self {
        ConfigError {
            file: path.to_path_buf(),
            line: None,
            key: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": ")?;
        if let Some(key) = &self.key {
            write!(f, "{key}: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}
