//! Finding the cluster config and reading it into a [`Cluster`].
//!
//! This is the only module that knows which format a config came from;
//! everything after it works on the validated model.

pub mod defaults;
pub mod expand;
pub mod operations;
mod pinning;
pub mod ranges;
pub mod spec;
pub mod template;
pub mod toml;
pub mod values;
pub mod websocket;
pub mod zeekconf;

use std::fmt;
use std::path::{Path, PathBuf};

use crate::model::Cluster;

/// The config readers' default prefix (defined with every fixed path in
/// [`crate::paths`]).
pub use crate::paths::DEFAULT_PREFIX;

/// Environment variable that overrides the config directory at run time
/// (tests, chroots).
pub const CONFIG_DIR_ENV: &str = "ZEEK_SYSTEMD_CONFIG_DIR";

/// A config that was found, with its format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigSource {
    /// The native TOML format.
    Toml(PathBuf),
    /// Zeek's single-host `zeek.conf`.
    ZeekConf(PathBuf),
    /// Zeek's multi-host directory of `<host>.zeek.conf` files, read for
    /// the host whose file `host_file` is.
    ZeekConfDir { dir: PathBuf, host_file: PathBuf },
}

impl ConfigSource {
    /// The file (or directory) the config is read from; for a multi-host
    /// directory, this host's file.
    pub fn path(&self) -> &Path {
        match self {
            ConfigSource::Toml(path) | ConfigSource::ZeekConf(path) => path,
            ConfigSource::ZeekConfDir { host_file, .. } => host_file,
        }
    }
}

/// Finds the config: `--config PATH` if given, else the first of
/// `<dir>/cluster.toml`, `<dir>/cluster/<host>.zeek.conf`, `<dir>/zeek.conf`
/// that exists (SPEC 2.1, with the two zeek.conf forms in the order Zeek's
/// generator looks for them), `<host>` being `host` (`--host`, else this
/// machine's short hostname, read by the caller; `None`: unknown).
/// `None` means there is no config at all.
///
/// `--config PATH`: a `.toml` file is the native format, a directory is a
/// multi-host directory, a file named `<host>.zeek.conf` is that host's
/// file of its directory (as Zeek's generator treats it), anything else a
/// single-host `zeek.conf`.
pub fn find_for_host(
    explicit: Option<&Path>,
    config_dir: &Path,
    host: Option<&str>,
) -> Option<ConfigSource> {
    let host_name = || host.map(str::to_string);
    if let Some(path) = explicit {
        if path.extension().is_some_and(|e| e == "toml") {
            return Some(ConfigSource::Toml(path.to_path_buf()));
        }
        if path.is_dir() {
            let host = host_name().unwrap_or_else(|| "localhost".into());
            return Some(ConfigSource::ZeekConfDir {
                dir: path.to_path_buf(),
                host_file: path.join(format!("{host}{}", zeekconf::HOST_FILE_SUFFIX)),
            });
        }
        let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if zeekconf::host_of(file_name).is_some() {
            let dir = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            };
            return Some(ConfigSource::ZeekConfDir {
                dir,
                host_file: path.to_path_buf(),
            });
        }
        return Some(ConfigSource::ZeekConf(path.to_path_buf()));
    }
    let toml = config_dir.join("cluster.toml");
    if toml.exists() {
        return Some(ConfigSource::Toml(toml));
    }
    // Zeek's generator prefers this host's file of a multi-host
    // directory over zeek.conf; so does this.
    let dir = config_dir.join("cluster");
    if let Some(host) = host_name() {
        let host_file = dir.join(format!("{host}{}", zeekconf::HOST_FILE_SUFFIX));
        if host_file.is_file() {
            return Some(ConfigSource::ZeekConfDir { dir, host_file });
        }
    }
    let zeek_conf = config_dir.join("zeek.conf");
    zeek_conf
        .exists()
        .then_some(ConfigSource::ZeekConf(zeek_conf))
}

/// What a reader needs besides the text: which host it is reading for.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// The host to emit nodes for (`--host`); `None` means this machine's
    /// hostname.
    pub host: Option<String>,
    /// This machine's short hostname (read by the caller: readers do not
    /// look at the environment).
    pub hostname: Option<String>,
    /// The machine the interfaces that say `cpus = "auto"` or `workers =
    /// "auto"` are chosen for (handed in by the caller, read on first
    /// use: only such a config reads it). `None`: not this machine
    /// (`--host` names another) or not known; `auto` then falls back to
    /// unpinned workers, with a warning.
    pub machine: Option<crate::topology::LazyMachine>,
}

impl ReadOptions {
    /// The host the generator runs for: `--host`, else this machine's.
    pub fn host_or_hostname(&self) -> Option<&str> {
        self.host.as_deref().or(self.hostname.as_deref())
    }
}

/// Reads and validates the config.
pub fn load(source: &ConfigSource, options: &ReadOptions) -> Result<Cluster, ConfigError> {
    load_files(source, &read_files(source)?, options)
}

/// The text of every file a config is made of, each under the name
/// [`find_for_host`] looks for in a config dir (`cluster.toml`, `zeek.conf`,
/// `cluster/<host>.zeek.conf`), so that a copy of them in another dir is
/// found and read as the original was.
///
/// Read once and parsed from these texts, so a copy holds exactly the
/// bytes the units were generated from, even if the file changes meanwhile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigFiles {
    /// (name relative to a config dir, text), in the order they are read.
    pub files: Vec<(PathBuf, String)>,
}

/// Reads the files of `source` (see [`ConfigFiles`]).
pub fn read_files(source: &ConfigSource) -> Result<ConfigFiles, ConfigError> {
    let files = match source {
        ConfigSource::Toml(path) => vec![(PathBuf::from("cluster.toml"), read_text(path)?)],
        ConfigSource::ZeekConf(path) => vec![(PathBuf::from("zeek.conf"), read_text(path)?)],
        ConfigSource::ZeekConfDir { dir, .. } => {
            let failed = |e: std::io::Error| {
                ConfigError::file(dir, format!("cannot read the directory: {e}"))
            };
            let mut names = Vec::new();
            for entry in std::fs::read_dir(dir).map_err(failed)? {
                let name = entry.map_err(failed)?.file_name();
                if let Some(name) = name.to_str().filter(|n| zeekconf::host_of(n).is_some()) {
                    names.push(name.to_string());
                }
            }
            // Zeek's layout generator takes them sorted by name.
            names.sort();
            let mut files = Vec::with_capacity(names.len());
            for name in names {
                let text = read_text(&dir.join(&name))?;
                files.push((Path::new("cluster").join(name), text));
            }
            // The opt-out travels with the host files (last good and
            // deployed copies keep it).
            let cleartext = dir.join(zeekconf::CLEARTEXT_FILE);
            if cleartext.is_file() {
                let name = Path::new("cluster").join(zeekconf::CLEARTEXT_FILE);
                files.push((name, read_text(&cleartext)?));
            }
            files
        }
    };
    Ok(ConfigFiles { files })
}

/// Validates the config `source` was read into by [`read_files`].
pub fn load_files(
    source: &ConfigSource,
    files: &ConfigFiles,
    options: &ReadOptions,
) -> Result<Cluster, ConfigError> {
    let first = || files.files.first().map_or("", |(_, text)| text.as_str());
    match source {
        ConfigSource::Toml(path) => toml::read(path, first(), options),
        ConfigSource::ZeekConf(path) => zeekconf::read(path, first(), options),
        ConfigSource::ZeekConfDir { dir, host_file } => {
            // `--host` wins over the file found by hostname.
            let host = match &options.host {
                Some(host) => host.clone(),
                None => host_file
                    .file_name()
                    .and_then(|n| n.to_str())
                    .and_then(zeekconf::host_of)
                    .unwrap_or_default()
                    .to_string(),
            };
            let host_files: Vec<zeekconf::HostFile> = files
                .files
                .iter()
                .filter_map(|(name, text)| {
                    let name = name.file_name()?.to_str()?;
                    Some(zeekconf::HostFile {
                        host: zeekconf::host_of(name)?.to_string(),
                        path: dir.join(name),
                        text: text.clone(),
                    })
                })
                .collect();
            let cleartext = Path::new("cluster").join(zeekconf::CLEARTEXT_FILE);
            let cleartext = files.files.iter().any(|(name, _)| *name == cleartext);
            zeekconf::read_hosts(dir, &host_files, &host, cleartext)
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
    /// An error at a line (and key) of `file`.
    pub fn at(file: &Path, line: usize, key: Option<String>, message: String) -> Self {
        ConfigError {
            file: file.to_path_buf(),
            line: Some(line),
            key,
            message,
        }
    }

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
