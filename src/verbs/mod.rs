//! The operator's program: one module per verb of `zeek-systemd <verb>`,
//! named as the verb, each with its arguments (a clap `Args` struct) and a
//! thin `exec`. A verb is one file, or a folder when it has helpers of its
//! own (`alert/` with its delivery, `status/` with the cluster view). What
//! several verbs share is not here but in [`crate::ops`]; this module holds
//! only the list of verbs, their [`Context`] and the output helpers every
//! verb uses. Verbs read the same model as the generator and systemd's own
//! state; they may use the generator's plan, render and write, never the
//! other way round.

pub mod alert;
pub mod check;
pub mod completions;
pub mod deploy;
pub mod diag;
pub mod import_zeekctl;
pub mod layout;
pub mod netstats;
pub mod peers;
pub mod policy_script;
pub mod print;
pub mod remote_deploy;
pub mod render;
pub mod rotate_leftovers;
pub mod secrets;
pub mod setup_scripts;
pub mod status;
pub mod top;

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::config::{self, ConfigSource, ReadOptions, CONFIG_DIR_ENV};
use crate::env::Environment;
use crate::error::Failure;
use crate::generator::write;
use crate::log::Log;
use crate::model::Cluster;

/// What every verb gets: the global options and the environment.
pub struct Context<'a> {
    /// `--config PATH` (absolute).
    pub config: Option<PathBuf>,
    /// `--host` and this machine's hostname.
    pub options: ReadOptions,
    pub env: &'a Environment,
}

impl Context<'_> {
    /// The config a verb works on: `--config`, else the first found in the
    /// config dir; none at all is an error for a person.
    pub fn find_config(&self) -> Result<ConfigSource, Failure> {
        config::find_for_host(
            self.config.as_deref(),
            &self.env.config_dir,
            self.options.host_or_hostname(),
        )
        .ok_or_else(|| self.no_config())
    }

    /// The error for a person when there is no config at all.
    pub fn no_config(&self) -> Failure {
        Failure::Other(anyhow::anyhow!(
            "no cluster config found: looked for {0}/cluster.toml, {0}/cluster/<host>.zeek.conf \
             and {0}/zeek.conf (set --config PATH, or ${CONFIG_DIR_ENV} for another directory)",
            self.env.config_dir.display(),
        ))
    }

    /// Loads the config (see [`Context::find_config`]), its warnings and
    /// errors to stderr.
    pub fn load(&self) -> Result<Cluster, Failure> {
        let log = Log::stderr();
        match config::load(&self.find_config()?, &self.options) {
            Ok(cluster) => {
                self.check_host(&cluster)?;
                for warning in &cluster.settings.warnings {
                    log.warning(warning);
                }
                Ok(cluster)
            }
            Err(error) => {
                log.error(&format!("invalid config: {error}"));
                Err(Failure::InvalidConfig)
            }
        }
    }
}

impl Context<'_> {
    /// `--host` must name one of a multi-host config's hosts: a person who
    /// names a host wants its nodes, and zero nodes with success would
    /// hide a typo. (Without `--host`, a machine the config does not name
    /// gets the config's warning: the same file goes to every host.)
    pub fn check_host(&self, cluster: &Cluster) -> Result<(), Failure> {
        let Some(host) = &self.options.host else {
            return Ok(());
        };
        if cluster.is_member() {
            return Ok(());
        }
        let hosts: Vec<&str> = cluster.hosts.iter().map(|h| h.name.as_str()).collect();
        Err(Failure::Other(anyhow::anyhow!(
            "--host {host}: {} has no [hosts.{host}] (its hosts: {}); name one of them",
            cluster.settings.source.display(),
            hosts.join(", ")
        )))
    }
}

/// Writes `text` to `output` (atomically), or to stdout for `-`.
pub fn emit(output: &Path, text: &str) -> anyhow::Result<()> {
    if output == Path::new("-") {
        return print(text);
    }
    write::write_file_atomically(output, text, 0o644)
        .with_context(|| format!("cannot write {}", output.display()))
}

/// Writes `text` to stdout.
pub fn print(text: &str) -> anyhow::Result<()> {
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .context("cannot write to stdout")
}
