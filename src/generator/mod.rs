//! The boot program: what runs when systemd calls
//! `zeek-systemd-generator NORMAL [EARLY LATE]` at boot and at every
//! `daemon-reload` (`man 7 systemd.generator`).
//!
//! Data flows one way: the config (or the last good one) → [`plan`] (the
//! files for this host) → [`render`] (askama templates; all systemd
//! escaping) → [`write`] (the only code that writes units). Nothing here
//! imports the operator's verbs; they import from here.

pub mod plan;
pub mod render;
pub mod restart;
pub mod write;

use std::path::{Path, PathBuf};

use crate::config::{ConfigError, ConfigFiles, ReadOptions};
use crate::deployment::last_good::Loaded;
use crate::deployment::{Deployment, LAST_GOOD_DIR};
use crate::env::{Environment, Scope};
use crate::error::Failure;
use crate::log::Log;
use crate::model::Cluster;
use crate::warnings;

/// Runs the generator into `dirs` (NORMAL [EARLY LATE]); `explicit` is
/// `--config`.
pub fn run(
    dirs: &[PathBuf],
    explicit: Option<&Path>,
    options: &ReadOptions,
    env: &Environment,
) -> Result<(), Failure> {
    let ([normal_dir] | [normal_dir, _, _]) = dirs else {
        return Err(Failure::Other(anyhow::anyhow!(
            "expected 1 or 3 output directories (NORMAL [EARLY LATE]), got {}; see --help",
            dirs.len()
        )));
    };
    let log = Log::for_generator(env.log_to_kmsg);
    // Nothing to do for the initrd or a user manager.
    if matches!(env.scope, Scope::Initrd | Scope::User) {
        return Ok(());
    }
    if env.cluster_disabled() {
        log.notice(
            "zeek.cluster=0 on the kernel command line: not generating the Zeek cluster units",
        );
        return Ok(());
    }
    // Only systemd's runs keep a running cluster on its last good config;
    // a person running us wants to hear that the config is bad.
    let fall_back = env.by_systemd();
    let Some(loaded) = Deployment::new(env).config_for_units(explicit, options, fall_back) else {
        // Installed but not configured yet: that must not break boot.
        return Ok(());
    };
    match loaded {
        Loaded::Valid { cluster, files } => {
            missing_secrets(normal_dir, &cluster, env, &log)?;
            for warning in &cluster.settings.warnings {
                log.warning(warning);
            }
            warnings::log_all(&cluster, &log);
            write_units(normal_dir, &cluster, &files, None, env, &log)
        }
        Loaded::LastGood {
            cluster,
            files,
            rejected,
        } => {
            log.error(&format!("invalid config: {rejected}"));
            log.error(&format!(
                "keeping the running cluster on the last good config ({LAST_GOOD_DIR}); fix the \
                 config and run `systemctl daemon-reload`"
            ));
            let rejected = Some(rejected.to_string());
            write_units(normal_dir, &cluster, &files, rejected, env, &log)?;
            Err(Failure::InvalidConfig)
        }
        Loaded::Invalid(error) => {
            log.error(&format!("invalid config: {error}"));
            if env.by_systemd() {
                log.error(
                    "no Zeek cluster units generated; fix the config and run `systemctl daemon-reload`",
                );
                write_invalid_config_target(normal_dir, &error, &log);
            }
            Err(Failure::InvalidConfig)
        }
    }
}

/// An encrypted cluster without its secrets never runs in cleartext: it
/// gets no units (systemd's run: the invalid-config zeek.target, which
/// says why) and the error says what is missing (issue 18).
fn missing_secrets(
    normal_dir: &Path,
    cluster: &Cluster,
    env: &Environment,
    log: &Log,
) -> Result<(), Failure> {
    let Some(problem) = crate::secrets::problem(cluster, &env.config_dir) else {
        return Ok(());
    };
    let error = ConfigError::file(&cluster.settings.source, problem);
    log.error(&format!("invalid config: {error}"));
    if env.by_systemd() && cluster.is_member() {
        write_invalid_config_target(normal_dir, &error, log);
    }
    Err(Failure::InvalidConfig)
}

/// Writes the units of `cluster` and the copy of its config; `rejected`
/// is the error of the config on disk when `cluster` is the last good one.
fn write_units(
    normal_dir: &Path,
    cluster: &Cluster,
    files: &ConfigFiles,
    rejected: Option<String>,
    env: &Environment,
    log: &Log,
) -> Result<(), Failure> {
    let mut plan = plan::plan(cluster, normal_dir, &env.self_path);
    plan.rejected = rejected;
    plan.systemd_version = env.systemd_version();
    plan.secrets = crate::secrets::path_for(cluster, &env.config_dir);
    // A host the config does not name runs nothing: no copy, no check.
    let copy = cluster
        .is_member()
        .then(|| render::config_copy(files))
        .into_iter()
        .flatten();
    // Rendered one at a time as they are written: less memory at boot.
    if let Err(error) = write::write_outputs(normal_dir, render::outputs(&plan).chain(copy)) {
        log.error(&format!("cannot write units: {error}"));
        return Err(Failure::WriteFailed);
    }
    Ok(())
}

/// When systemd runs us on a bad config, leave a `zeek.target` that says
/// so: `systemctl start zeek.target` then fails with the reason and
/// `systemctl status zeek.target` shows it, instead of "unit not found".
fn write_invalid_config_target(normal_dir: &Path, error: &ConfigError, log: &Log) {
    let outputs = [render::invalid_config_target(error)];
    if let Err(e) = write::write_outputs(normal_dir, &outputs) {
        log.error(&format!("cannot write the invalid-config zeek.target: {e}"));
    }
}
