//! The candidate of `check --deep` and `deploy`: the live config and the
//! live script dirs, made into a snapshot that can be checked before
//! anything runs it.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::config::{self, ConfigFiles, ConfigSource};
use crate::deployment::snapshot::build::{self, Origin, Source};
use crate::deployment::snapshot::live_sources;
use crate::error::Failure;
use crate::log::Log;
use crate::model::Cluster;
use crate::verbs::Context;

/// The live config, as read once (the snapshot holds exactly these bytes).
pub struct Candidate {
    pub source: ConfigSource,
    pub files: ConfigFiles,
    pub cluster: Cluster,
}

impl Candidate {
    /// Reads and validates the live config (`--config` or the config
    /// dir, never the deployed copy); errors and warnings to stderr.
    pub fn load(ctx: &Context) -> Result<Candidate, Failure> {
        let source = ctx.find_config()?;
        let log = Log::stderr();
        let loaded = config::read_files(&source)
            .and_then(|files| Ok((config::load_files(&source, &files, &ctx.options)?, files)));
        match loaded {
            Ok((cluster, files)) => {
                ctx.check_host(&cluster)?;
                for warning in &cluster.settings.warnings {
                    log.warning(warning);
                }
                Ok(Candidate {
                    source,
                    files,
                    cluster,
                })
            }
            Err(error) => {
                log.error(&format!("invalid config: {error}"));
                Err(Failure::InvalidConfig)
            }
        }
    }

    /// Makes the snapshot of the live tree in `dest` (which must not
    /// exist); returns its id.
    pub fn snapshot(&self, dest: &Path, origin: Origin) -> anyhow::Result<String> {
        let sources: Vec<Source> = live_sources(&self.cluster.settings.install)
            .into_iter()
            .map(|(part, live)| Source {
                part,
                copy_from: live.clone(),
                live,
            })
            .collect();
        build::build(&self.cluster, &self.files, &sources, dest, origin)
    }
}

/// A dir removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// A name for a dir under `temp_dir` (not created).
    pub fn named(temp_dir: &Path, label: &str) -> TempDir {
        TempDir(temp_dir.join(format!("zeek-systemd-{label}.{}", std::process::id())))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The snapshot of the candidate in a dir under `temp_dir`, removed when
/// dropped: what `check --deep` and a dry run check, with its id.
pub fn scratch_snapshot(
    candidate: &Candidate,
    temp_dir: &Path,
) -> anyhow::Result<(TempDir, String)> {
    let dir = TempDir::named(temp_dir, "scripts");
    let id = candidate
        .snapshot(&dir.0, Origin::Deploy)
        .context("cannot copy the scripts to check")?;
    Ok((dir, id))
}
