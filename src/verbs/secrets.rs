//! `secrets create | install`: the cluster's secrets (issue 18; see
//! [`crate::secrets`]).

use std::path::PathBuf;

use super::Context;
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

/// Runs `secrets`.
pub fn exec(args: &SecretsArgs, ctx: &Context) -> Result<(), Failure> {
    match &args.command {
        SecretsCommand::Create { output, force } => {
            let path = output
                .clone()
                .unwrap_or_else(|| ctx.env.config_dir.join(secrets::DEFAULT_FILE));
            secrets::write(&Secrets::generate()?, &path, *force)?;
            println!(
                "{}: created (mode 0600); copy it to the same path on every host of the cluster",
                path.display()
            );
            Ok(())
        }
        SecretsCommand::Install { secrets: path, out } => {
            let secrets = secrets::read(path)?;
            secrets::install_parts(&secrets, out)?;
            Ok(())
        }
    }
}
