//! `secrets create | rotate | install`: the cluster's secrets (issue 18;
//! see [`crate::secrets`]). `rotate` puts new ones live on every host in
//! one cluster-wide deploy (issue 25).

use std::path::{Path, PathBuf};

use super::check::candidate::Candidate;
use super::deploy::{cluster, DeployArgs};
use super::Context;
use crate::deployment::Deployment;
use crate::error::Failure;
use crate::secrets::{self, Secrets};

/// `secrets` arguments.
#[derive(clap::Args, Debug)]
pub struct SecretsArgs {
    #[command(subcommand)]
    pub command: SecretsCommand,
}

#[derive(clap::Subcommand, Debug)]
pub enum SecretsCommand {
    /// Create the cluster's secrets (CURVE server and client key pairs, a
    /// hash seed) in /etc/zeek/cluster-secrets, root only; copy the file to
    /// every host.
    Create {
        /// Write here instead.
        #[arg(short, long, value_name = "PATH")]
        output: Option<PathBuf>,
        /// Replace an existing file (new keys: every host needs the new
        /// file before its cluster restarts).
        #[arg(long)]
        force: bool,
    },
    /// New keys and a new hash seed, live on every host of the cluster in
    /// one cluster-wide deploy (every node restarts with them; a host
    /// that fails puts every host back on the old ones).
    Rotate(RotateArgs),
    /// Split the secrets into each kind of node's credential
    /// (zeek-setup.service runs this at every cluster start).
    #[command(hide = true)]
    Install {
        #[arg(long, value_name = "PATH")]
        secrets: PathBuf,
        #[arg(long, value_name = "DIR", default_value = crate::paths::SECRETS_DIR)]
        out: PathBuf,
    },
}

/// `secrets rotate` arguments: a cluster-wide deploy's.
#[derive(clap::Args, Debug)]
pub struct RotateArgs {
    #[command(flatten)]
    pub deploy: DeployArgs,
}

/// Runs `secrets`.
pub fn exec(args: &SecretsArgs, ctx: &Context) -> Result<(), Failure> {
    match &args.command {
        SecretsCommand::Create { output, force } => {
            let path = output
                .clone()
                .unwrap_or_else(|| ctx.env.config_dir.join(secrets::DEFAULT_FILE));
            if *force {
                remember_running(ctx, &path)?;
            }
            secrets::write(&Secrets::generate()?, &path, *force)?;
            println!(
                "{}: created (mode 0600); `zeek-systemd deploy` puts it on every host of the cluster",
                path.display()
            );
            Ok(())
        }
        SecretsCommand::Rotate(args) => rotate(&args.deploy, ctx),
        SecretsCommand::Install { secrets: path, out } => {
            let secrets = secrets::read(path)?;
            secrets::install_parts(&secrets, out)?;
            Ok(())
        }
    }
}

/// Before `create --force` replaces the file: the secrets in it are the
/// ones the nodes run, unless a cluster-wide deploy recorded others; keep
/// them for a roll-back of the deploy that puts the new ones live.
fn remember_running(ctx: &Context, path: &Path) -> anyhow::Result<()> {
    let deployment = Deployment::new(ctx.env);
    if deployment.deployed_secrets().is_some() {
        return Ok(());
    }
    match std::fs::read(path) {
        Ok(bytes) if deployment.store().state_dir.is_dir() => {
            deployment.record_deployed_secrets(Some(&bytes))
        }
        _ => Ok(()),
    }
}

/// `secrets rotate`: new secrets, sent to every host in a cluster-wide
/// deploy of the live config; they reach this host's file only at its
/// switch, like every other host's. Never printed.
fn rotate(args: &DeployArgs, ctx: &Context) -> Result<(), Failure> {
    let candidate = Candidate::load(ctx)?;
    let refuse = |why: &str| Err(Failure::Other(anyhow::anyhow!("secrets rotate: {why}")));
    if candidate.cluster.hosts.is_empty() {
        return refuse("a single-host config has no cluster secrets to rotate");
    }
    if secrets::path_for(&candidate.cluster, &ctx.env.config_dir).is_none() {
        return refuse("the config sets `encryption = false`: there are no secrets to rotate");
    }
    if args.this_host_only || args.reachable_only {
        return refuse(
            "every host must switch to the new secrets together \
             (--this-host-only and --reachable-only would split the cluster)",
        );
    }
    let new = Secrets::generate()?.to_text();
    println!("secrets rotate: new keys and hash seed, deployed to every host");
    cluster::exec(args, ctx, &candidate, Some(new.as_bytes()))
}
