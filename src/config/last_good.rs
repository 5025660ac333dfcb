//! The last good config: what the running cluster follows when the config
//! on disk stops being valid. One policy for both programs: the generator
//! keeps the loaded units on it at a bad `daemon-reload`, and `status`
//! reports against it.

use std::fmt;
use std::path::Path;

use super::ReadOptions;
use super::{find_for_host, load_files, read_files, ConfigError, ConfigFiles, ConfigSource};
use crate::model::Cluster;

/// Where zeek-setup keeps the config of the running cluster (its
/// `RuntimeDirectory=`, gone when the cluster stops); zeek-config-check
/// replaces it at every valid reload. An invalid config at `daemon-reload`
/// falls back to it.
pub const LAST_GOOD_DIR: &str = "/run/zeek-systemd/last-good";

/// A config as the running cluster sees it.
#[derive(Debug)]
pub enum Loaded {
    /// The config on disk is valid.
    Valid {
        cluster: Cluster,
        files: ConfigFiles,
    },
    /// The config on disk is invalid (`rejected`); the running cluster
    /// keeps the last good one.
    LastGood {
        cluster: Cluster,
        files: ConfigFiles,
        rejected: ConfigError,
    },
    /// The config on disk is invalid and there is no last good one to
    /// fall back to (or falling back was not asked for).
    Invalid(ConfigError),
}

/// Loads the config of `source`; when it is invalid and `fall_back`, the
/// last good config instead (see [`Loaded`]).
pub fn load(source: &ConfigSource, options: &ReadOptions, fall_back: bool) -> Loaded {
    let loaded =
        read_files(source).and_then(|files| Ok((load_files(source, &files, options)?, files)));
    match loaded {
        Ok((cluster, files)) => Loaded::Valid { cluster, files },
        Err(rejected) => match fall_back.then(|| last_good(options)).flatten() {
            Some((cluster, files)) => Loaded::LastGood {
                cluster,
                files,
                rejected,
            },
            None => Loaded::Invalid(rejected),
        },
    }
}

/// The last valid config of the running cluster, as zeek-setup (at start)
/// or zeek-config-check (at a valid reload) saved it; `None` when the
/// cluster is not running (or was started by a version that did not save
/// it), or when that copy does not load.
fn last_good(options: &ReadOptions) -> Option<(Cluster, ConfigFiles)> {
    let source = find_for_host(None, Path::new(LAST_GOOD_DIR), options.host_or_hostname())?;
    let files = read_files(&source).ok()?;
    let cluster = load_files(&source, &files, options).ok()?;
    Some((cluster, files))
}

/// The state of the config a report was taken against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigState {
    /// The config on disk is valid.
    Valid,
    /// The config on disk is invalid; the cluster runs on the last good one.
    RunningOnLastGood { rejected: String },
}

impl fmt::Display for ConfigState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigState::Valid => f.write_str("valid"),
            ConfigState::RunningOnLastGood { rejected } => write!(
                f,
                "INVALID: {rejected}; the cluster keeps running on the last good config \
                 ({LAST_GOOD_DIR})"
            ),
        }
    }
}

impl serde::Serialize for ConfigState {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}
