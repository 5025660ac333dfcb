//! The command line of both programs: the systemd calling convention
//! (`zeek-systemd-generator NORMAL [EARLY LATE]`) and the operator's verbs
//! (`zeek-systemd <verb>`). This file only parses and dispatches: one call
//! per verb, into `generator` or `verbs`.

use std::path::PathBuf;

use clap::{CommandFactory as _, Parser, Subcommand};

use crate::config::ReadOptions;
use crate::env::Environment;
use crate::error::Failure;
use crate::generator;
use crate::verbs::{self, Context};

/// The whole command line.
#[derive(Parser, Debug)]
#[command(
    name = "zeek-systemd",
    version,
    about = "Run a Zeek cluster under systemd: the generator and the operator's command",
    long_about = "With output directories (as systemd calls it, installed as \
                  zeek-systemd-generator), reads the Zeek cluster config (/etc/zeek/cluster.toml, \
                  or Zeek's zeek.conf) and writes zeek@.service, per-node drop-ins, zeek.target, \
                  zeek-setup.service and zeek-archiver.service into NORMAL_DIR. With a verb, \
                  it is the operator's command: check, status, diag, netstats, ...",
    after_help = "See zeek-systemd(8), zeek-systemd-generator(8) and zeek-cluster.toml(5)."
)]
pub struct Cli {
    /// The config to read instead of looking in the config directory.
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Generate for this host of a multi-host config instead of this
    /// machine's hostname.
    #[arg(long, global = true, value_name = "NAME")]
    pub host: Option<String>,

    /// Output directories, as systemd passes them: NORMAL [EARLY LATE].
    #[arg(value_name = "DIR")]
    pub dirs: Vec<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The operator's verbs.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Validate the config and print the nodes of this host, with warnings
    /// for settings that validate but hurt.
    Check(verbs::check::CheckArgs),
    /// Write cluster-layout.zeek for the whole cluster.
    Layout(verbs::layout::LayoutArgs),
    /// Print every file the generator would write, with its path.
    Render(verbs::render::RenderArgs),
    /// Write the Zeek script that rotates logs into the archiver's queue.
    PolicyScript(verbs::policy_script::PolicyScriptArgs),
    /// Check the live config and scripts (as check --deep), show what
    /// changes, install them as the deployed snapshot, restart the cluster
    /// and wait for it; roll back if it does not come up.
    Deploy(verbs::deploy::DeployArgs),
    /// Show systemd's view of this host's nodes (state, PID, restarts,
    /// last exit, CPU time, memory, CPUs) and the config's state; exit 3
    /// if a node is not running or the config is invalid.
    Status(verbs::status::StatusArgs),
    /// After a crash: a node's last exit and when, restarts, journal tail,
    /// last core dump and the tail of its reporter.log/stderr.log.
    Diag(verbs::diag::DiagArgs),
    /// Packets received, dropped and seen on the link per worker, from each
    /// worker's Prometheus metrics endpoint (like `zeekctl netstats`).
    Netstats(verbs::netstats::NetstatsArgs),
    /// Turn ZeekControl's node.cfg, zeekctl.cfg and networks.cfg into a
    /// cluster.toml that keeps its node names.
    ImportZeekctl(verbs::import_zeekctl::ImportArgs),
    /// Crash and disk-space reports (run by zeek-node-crashed@NODE and
    /// zeek-disk-watch), and `alert test` to try the [alerts] channels.
    Alert(verbs::alert::AlertArgs),
    /// The cluster's secrets: `secrets create` makes the keys and hash
    /// seed of an encrypted multi-host cluster.
    Secrets(verbs::secrets::SecretsArgs),
    /// Put the scripts the nodes load in place (zeek-setup.service runs
    /// this at every cluster start).
    #[command(hide = true)]
    SetupScripts(verbs::setup_scripts::SetupScriptsArgs),
    /// One host's part of a cluster-wide deploy (run over SSH by `deploy`).
    #[command(hide = true)]
    RemoteDeploy(verbs::remote_deploy::RemoteDeployArgs),
    /// Print the completion script for a shell (packages ship them; see
    /// packaging/gen-completions.sh).
    #[command(hide = true)]
    Completions(verbs::completions::CompletionsArgs),
}

/// Runs the command line in `env`.
pub fn run(cli: Cli, env: &Environment) -> Result<(), Failure> {
    // Paths end up in unit files (SourcePath=, the layout command,
    // ConditionPathExists=), which systemd reads from `/`.
    let config = cli.config.map(absolute);
    let options = ReadOptions {
        host: cli.host,
        hostname: env.hostname.clone(),
    };
    let Some(command) = cli.command else {
        let dirs: Vec<PathBuf> = cli.dirs.into_iter().map(absolute).collect();
        return generator::run(&dirs, config.as_deref(), &options, env);
    };
    let ctx = Context {
        config,
        options,
        env,
    };
    match command {
        Command::Check(args) => verbs::check::exec(&args, &ctx),
        Command::Layout(args) => verbs::layout::exec(&args, &ctx),
        Command::Render(args) => verbs::render::exec(&args, &ctx),
        Command::PolicyScript(args) => verbs::policy_script::exec(&args),
        Command::Deploy(args) => verbs::deploy::exec(&args, &ctx),
        Command::Status(args) => verbs::status::exec(&args, &ctx),
        Command::Diag(args) => verbs::diag::exec(&args, &ctx),
        Command::Netstats(args) => verbs::netstats::exec(&args, &ctx),
        Command::ImportZeekctl(args) => verbs::import_zeekctl::exec(&args),
        Command::Alert(args) => verbs::alert::exec(&args, &ctx),
        Command::Secrets(args) => verbs::secrets::exec(&args, &ctx),
        Command::SetupScripts(args) => verbs::setup_scripts::exec(&args, &ctx),
        Command::RemoteDeploy(args) => verbs::remote_deploy::exec(&args, &ctx),
        Command::Completions(args) => verbs::completions::exec(&args, Cli::command()),
    }
}

fn absolute(path: PathBuf) -> PathBuf {
    std::path::absolute(&path).unwrap_or(path)
}
