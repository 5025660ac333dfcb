//! The last good config ([`LAST_GOOD_DIR`]): what the running cluster
//! follows when the config on disk stops being valid. The generator keeps
//! the loaded units on it at a bad `daemon-reload`, and `status` reports
//! against it (both through [`super::Deployment::config_for_units`]).

use std::fmt;
use std::path::Path;

use super::{load_dir, LAST_GOOD_DIR};
use crate::config::{load_files, read_files, ConfigError, ConfigFiles, ConfigSource, ReadOptions};
use crate::model::Cluster;

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

/// Loads the config of `source`; when it is invalid, the last good config
/// in `last_good` instead, if given (see [`Loaded`]).
pub fn load(source: &ConfigSource, options: &ReadOptions, last_good: Option<&Path>) -> Loaded {
    let loaded =
        read_files(source).and_then(|files| Ok((load_files(source, &files, options)?, files)));
    match loaded {
        Ok((cluster, files)) => Loaded::Valid { cluster, files },
        // `None` when the cluster is not running (or was started by a
        // version that did not save it), or when that copy does not load.
        Err(rejected) => match last_good.and_then(|dir| load_dir(dir, options)) {
            Some((cluster, files)) => Loaded::LastGood {
                cluster,
                files,
                rejected,
            },
            None => Loaded::Invalid(rejected),
        },
    }
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
