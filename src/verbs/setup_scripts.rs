//! `setup-scripts` (hidden; zeek-setup.service runs it at every cluster
//! start): put the scripts the nodes load in place. The snapshot in use
//! stays (with the layout of the config the units came from); only when
//! there is none, the first start makes one from the live tree, so a
//! cluster start never picks up an unchecked edit.

use super::Context;
use crate::config;
use crate::deployment::snapshot::{self, AtStart};
use crate::deployment::Deployment;
use crate::error::Failure;
use crate::identity;
use crate::log::Log;
use crate::paths::{IDENTITY_SCRIPT, PROMETHEUS_TARGETS};

/// `setup-scripts` arguments (none: the config is the generator's copy,
/// named by `ZEEK_SYSTEMD_CONFIG_DIR` in zeek-setup's environment).
#[derive(clap::Args, Debug)]
pub struct SetupScriptsArgs {}

/// Runs `setup-scripts`.
pub fn exec(_args: &SetupScriptsArgs, ctx: &Context) -> Result<(), Failure> {
    let source = ctx.find_config()?;
    let log = Log::stderr();
    let loaded = config::read_files(&source)
        .and_then(|files| Ok((config::load_files(&source, &files, &ctx.options)?, files)));
    let (cluster, files) = loaded.map_err(|error| {
        log.error(&format!("invalid config: {error}"));
        Failure::InvalidConfig
    })?;
    let deployment = Deployment::new(ctx.env);
    let outcome = snapshot::ensure_for_start(&cluster, &files, deployment.store())?;
    let message = match &outcome {
        AtStart::Unchanged(id) => format!("nodes load the deployed snapshot {id}"),
        AtStart::Relaid { id, was } => format!(
            "nodes load snapshot {id}: the scripts of {was} with the layout of the reloaded config"
        ),
        AtStart::FromLiveTree(id) => format!(
            "no snapshot was in use: made {id} from the live script dirs (first start); \
             from now on `zeek-systemd deploy` changes what nodes load"
        ),
    };
    println!("zeek-setup: {message}");
    if let Some(zeek) =
        crate::zeek_binary::record_at_start(ctx.env, &cluster.settings.install.zeek)?
    {
        let version = zeek.version.as_deref().unwrap_or("(version unknown)");
        println!("zeek-setup: nodes start Zeek {version}");
    }
    write_targets(ctx, &cluster)?;
    if !cluster.hosts.is_empty() {
        let id = match &outcome {
            AtStart::Unchanged(id) | AtStart::FromLiveTree(id) | AtStart::Relaid { id, .. } => id,
        };
        write_identity(&ctx.env.path(IDENTITY_SCRIPT), (&cluster, &files), id)?;
    }
    Ok(())
}

/// The Prometheus targets file, for a Prometheus's `file_sd_configs`.
fn write_targets(ctx: &Context, cluster: &crate::model::Cluster) -> Result<(), Failure> {
    let path = ctx.env.path(PROMETHEUS_TARGETS);
    let hostname = ctx.options.hostname.as_deref().unwrap_or("localhost");
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(anyhow::Error::from)?;
    }
    std::fs::write(&path, crate::prometheus::targets_file(cluster, hostname))
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    println!("zeek-setup: Prometheus targets in {PROMETHEUS_TARGETS}");
    Ok(())
}

/// The identity script of this host of a multi-host cluster (issue 18),
/// written to `path`.
fn write_identity(
    path: &std::path::Path,
    (cluster, files): (&crate::model::Cluster, &config::ConfigFiles),
    snapshot: &str,
) -> Result<(), Failure> {
    let host = cluster.settings.this_host.as_deref().unwrap_or("");
    let digest = identity::config_digest(files);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(anyhow::Error::from)?;
    }
    std::fs::write(path, identity::script(host, &digest, snapshot))
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    println!("zeek-setup: host {host} runs config {digest}, scripts {snapshot}");
    Ok(())
}
