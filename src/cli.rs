//! The command line of both programs: the systemd calling convention
//! (`zeek-systemd-generator NORMAL [EARLY LATE]`) and the operator's verbs
//! (`zeek-systemd <verb>`). This file only parses and dispatches: one call
//! per verb, into `generator` or `verbs`.

mod words;

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use clap::error::ErrorKind;
use clap::{CommandFactory as _, FromArgMatches as _, Parser, Subcommand};

use crate::config::ReadOptions;
use crate::env::Environment;
use crate::error::Failure;
use crate::generator;
use crate::verbs::{self, Context};

/// The name systemd runs the generator by (a link to `zeek-systemd`).
pub const GENERATOR_NAME: &str = "zeek-systemd-generator";

/// The whole command line.
#[derive(Parser, Debug)]
#[command(
    name = "zeek-systemd",
    version,
    about = "Run a Zeek cluster under systemd: the operator's command and the generator",
    long_about = "The operator's command: `zeek-systemd VERB` (check, deploy, status, diag, \
                  netstats, ...). Installed as zeek-systemd-generator, systemd runs it at boot \
                  and at every daemon-reload with its output directories: it reads the Zeek \
                  cluster config (/etc/zeek/cluster.toml, or Zeek's zeek.conf) and writes the \
                  cluster's units (see zeek-systemd-generator(8)).",
    after_help = "See zeek-systemd(8), zeek-systemd-generator(8) and zeek-cluster.toml(5).",
    override_usage = "zeek-systemd <VERB> [OPTIONS]\n       \
                      zeek-systemd-generator NORMAL_DIR [EARLY_DIR LATE_DIR]   (systemd runs this)",
    subcommand_value_name = "VERB",
    subcommand_help_heading = "Verbs"
)]
pub struct Cli {
    /// The generator's config (`zeek-systemd-generator --config PATH
    /// DIR`); before a verb, as the verb's `--config` (units written by
    /// earlier versions call `--host NAME alert`).
    #[arg(long, value_name = "PATH", hide = true)]
    pub config: Option<PathBuf>,

    /// As `--config`: the generator's host, or the verb's.
    #[arg(long, value_name = "NAME", hide = true)]
    pub host: Option<String>,

    /// Output directories, as systemd passes them: NORMAL [EARLY LATE].
    #[arg(value_name = "DIR", hide = true)]
    pub dirs: Vec<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,

    /// Run as `zeek-systemd-generator` (the name systemd calls it by).
    #[arg(skip)]
    pub as_generator: bool,
}

/// `--config`: the verbs that read the cluster config.
#[derive(clap::Args, Debug, Default)]
pub struct ConfigArg {
    /// The config to read instead of looking in the config directory.
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
}

/// `--host`: the verbs that can look at another host of a multi-host
/// config.
#[derive(clap::Args, Debug, Default)]
pub struct HostArg {
    /// Act for this host of a multi-host config instead of this machine
    /// (shortened and lower-cased as the machine's hostname is).
    #[arg(long, value_name = "NAME")]
    pub host: Option<String>,
}

/// The operator's verbs.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Validate the config and print the nodes of this host, with warnings
    /// for settings that validate but hurt.
    Check {
        #[command(flatten)]
        config: ConfigArg,
        #[command(flatten)]
        host: HostArg,
        #[command(flatten)]
        args: verbs::check::CheckArgs,
    },
    /// Check the live config and scripts (as check --deep), show what
    /// changes, install them as the deployed snapshot, restart the cluster
    /// and wait for it; roll back if it does not come up.
    Deploy {
        #[command(flatten)]
        config: ConfigArg,
        #[command(flatten)]
        args: verbs::deploy::DeployArgs,
    },
    /// Show systemd's view of this host's nodes (state, PID, restarts,
    /// last exit, CPU time, memory, CPUs) and the config's state; exit 3
    /// if a node is not running or the config is invalid.
    Status {
        #[command(flatten)]
        config: ConfigArg,
        #[command(flatten)]
        host: HostArg,
        #[command(flatten)]
        args: verbs::status::StatusArgs,
    },
    /// After a crash: a node's last exit and when, restarts, journal tail,
    /// last core dump and the tail of its reporter.log/stderr.log.
    Diag {
        #[command(flatten)]
        config: ConfigArg,
        #[command(flatten)]
        host: HostArg,
        #[command(flatten)]
        args: verbs::diag::DiagArgs,
    },
    /// Packets received, dropped and seen on the link per worker, from each
    /// worker's Prometheus metrics endpoint (like `zeekctl netstats`).
    Netstats {
        #[command(flatten)]
        config: ConfigArg,
        #[command(flatten)]
        host: HostArg,
        #[command(flatten)]
        args: verbs::netstats::NetstatsArgs,
    },
    /// The value of a global on every node (or the named ones), asked
    /// through the manager's WebSocket API (like `zeekctl print`).
    Print {
        #[command(flatten)]
        config: ConfigArg,
        #[command(flatten)]
        host: HostArg,
        #[command(flatten)]
        args: verbs::print::PrintArgs,
    },
    /// For each node, whether the manager hears it now and since when
    /// (its record of node up/down), and the nodes it never heard; exit 3
    /// if one is not up.
    Peers {
        #[command(flatten)]
        config: ConfigArg,
        #[command(flatten)]
        host: HostArg,
        #[command(flatten)]
        args: verbs::peers::PeersArgs,
    },
    /// Every node's CPU %, memory and PID from systemd's accounting,
    /// refreshed like `top` (`--once`, `--json` for scripts).
    Top {
        #[command(flatten)]
        config: ConfigArg,
        #[command(flatten)]
        host: HostArg,
        #[command(flatten)]
        args: verbs::top::TopArgs,
    },
    /// Turn ZeekControl's node.cfg, zeekctl.cfg and networks.cfg into a
    /// cluster.toml that keeps its node names.
    ImportZeekctl(verbs::import_zeekctl::ImportArgs),
    /// Write cluster-layout.zeek for the whole cluster.
    Layout {
        #[command(flatten)]
        config: ConfigArg,
        #[command(flatten)]
        host: HostArg,
        #[command(flatten)]
        args: verbs::layout::LayoutArgs,
    },
    /// Print every file the generator would write, with its path.
    Render {
        #[command(flatten)]
        config: ConfigArg,
        #[command(flatten)]
        host: HostArg,
        #[command(flatten)]
        args: verbs::render::RenderArgs,
    },
    /// Write the Zeek script that rotates logs into the archiver's queue.
    PolicyScript(verbs::policy_script::PolicyScriptArgs),
    /// Crash and disk-space reports (run by zeek-node-crashed@NODE and
    /// zeek-disk-watch), and `alert test` to try the [alerts] channels.
    Alert {
        #[command(flatten)]
        config: ConfigArg,
        #[command(flatten)]
        host: HostArg,
        #[command(flatten)]
        args: verbs::alert::AlertArgs,
    },
    /// The cluster's secrets: `secrets create` makes the keys and hash
    /// seed of an encrypted multi-host cluster.
    Secrets(verbs::secrets::SecretsArgs),
    /// Put the scripts the nodes load in place (zeek-setup.service runs
    /// this at every cluster start).
    #[command(hide = true)]
    SetupScripts {
        #[command(flatten)]
        config: ConfigArg,
        #[command(flatten)]
        host: HostArg,
        #[command(flatten)]
        args: verbs::setup_scripts::SetupScriptsArgs,
    },
    /// One host's part of a cluster-wide deploy (run over SSH by `deploy`).
    #[command(hide = true)]
    RemoteDeploy(verbs::remote_deploy::RemoteDeployArgs),
    /// Move the logs Zeek wrote after its rotation at exit into the
    /// archiver's queue (a log receiver's ExecStopPost= runs this).
    #[command(hide = true)]
    RotateLeftovers(verbs::rotate_leftovers::RotateLeftoversArgs),
    /// Print the completion script for a shell (packages ship them; see
    /// packaging/gen-completions.sh).
    #[command(hide = true)]
    Completions(verbs::completions::CompletionsArgs),
}

impl Command {
    /// The verb's own `--config` and `--host`, if it takes them.
    fn target(&self) -> Option<(&ConfigArg, Option<&HostArg>)> {
        match self {
            Command::Check { config, host, .. }
            | Command::Status { config, host, .. }
            | Command::Diag { config, host, .. }
            | Command::Netstats { config, host, .. }
            | Command::Print { config, host, .. }
            | Command::Peers { config, host, .. }
            | Command::Top { config, host, .. }
            | Command::Layout { config, host, .. }
            | Command::Render { config, host, .. }
            | Command::Alert { config, host, .. }
            | Command::SetupScripts { config, host, .. } => Some((config, Some(host))),
            Command::Deploy { config, .. } => Some((config, None)),
            Command::ImportZeekctl(_)
            | Command::PolicyScript(_)
            | Command::Secrets(_)
            | Command::RemoteDeploy(_)
            | Command::RotateLeftovers(_)
            | Command::Completions(_) => None,
        }
    }
}

/// Parses `args` (the program's name first), exiting with clap's usage
/// error (exit 2) on a command line that is neither a verb nor systemd's
/// call of the generator.
pub fn parse(args: Vec<OsString>) -> Cli {
    let as_generator = args
        .first()
        .and_then(|name| Path::new(name).file_name())
        .is_some_and(|name| name == GENERATOR_NAME);
    let matches = Cli::command().get_matches_from(args);
    let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    cli.as_generator = as_generator;
    if let Err(error) = check_invocation(&mut cli) {
        error.exit();
    }
    cli
}

/// The generator runs only as systemd calls it: under its name, or with
/// absolute directories. Anything else is a verb or a usage error.
fn check_invocation(cli: &mut Cli) -> Result<(), clap::Error> {
    let mut command = Cli::command();
    if let Some(verb) = &cli.command {
        let top_level = cli.config.is_some() || cli.host.is_some();
        return match verb.target() {
            None if top_level => Err(command.error(
                ErrorKind::ArgumentConflict,
                "--config and --host mean nothing to this verb",
            )),
            Some((_, None)) if cli.host.is_some() => Err(command.error(
                ErrorKind::ArgumentConflict,
                "--host means nothing to this verb",
            )),
            _ => Ok(()),
        };
    }
    if cli.as_generator || (!cli.dirs.is_empty() && cli.dirs.iter().all(|d| d.is_absolute())) {
        return Ok(());
    }
    let Some(word) = cli.dirs.first() else {
        // Nothing at all: the verbs, as `--help` lists them, and a usage
        // error's exit code.
        eprint!("{}", command.render_help());
        std::process::exit(2);
    };
    let verbs: Vec<String> = command
        .get_subcommands()
        .filter(|c| !c.is_hide_set())
        .map(|c| c.get_name().to_string())
        .collect();
    let message = words::not_a_verb(&word.to_string_lossy(), &verbs);
    Err(command.error(ErrorKind::InvalidSubcommand, message))
}

/// `--host` as the machine's own hostname is: the part before the first
/// dot, lower case (so `SENSOR1.example.org` names `[hosts.sensor1]`).
fn short_host(host: &str) -> String {
    host.split('.').next().unwrap_or(host).to_ascii_lowercase()
}

/// Runs the command line in `env`.
pub fn run(cli: Cli, env: &Environment) -> Result<(), Failure> {
    let Some(command) = cli.command else {
        // Paths end up in unit files (SourcePath=, the layout command,
        // ConditionPathExists=), which systemd reads from `/`.
        let config = cli.config.map(absolute);
        let options = read_options(cli.host.as_deref(), env);
        let dirs: Vec<PathBuf> = cli.dirs.into_iter().map(absolute).collect();
        return generator::run(&dirs, config.as_deref(), &options, env);
    };
    let (config, host) = match command.target() {
        Some((config, host)) => (
            config.config.clone().or(cli.config),
            host.and_then(|h| h.host.clone()).or(cli.host),
        ),
        None => (None, None),
    };
    let ctx = Context {
        config: config.map(absolute),
        options: read_options(host.as_deref(), env),
        env,
    };
    dispatch(command, &ctx)
}

fn dispatch(command: Command, ctx: &Context) -> Result<(), Failure> {
    match command {
        Command::Check { args, .. } => verbs::check::exec(&args, ctx),
        Command::Layout { args, .. } => verbs::layout::exec(&args, ctx),
        Command::Render { args, .. } => verbs::render::exec(&args, ctx),
        Command::PolicyScript(args) => verbs::policy_script::exec(&args),
        Command::Deploy { args, .. } => verbs::deploy::exec(&args, ctx),
        Command::Status { args, .. } => verbs::status::exec(&args, ctx),
        Command::Diag { args, .. } => verbs::diag::exec(&args, ctx),
        Command::Netstats { args, .. } => verbs::netstats::exec(&args, ctx),
        Command::Print { args, .. } => verbs::print::exec(&args, ctx),
        Command::Peers { args, .. } => verbs::peers::exec(&args, ctx),
        Command::Top { args, .. } => verbs::top::exec(&args, ctx),
        Command::ImportZeekctl(args) => verbs::import_zeekctl::exec(&args, &ctx.env.config_dir),
        Command::Alert { args, .. } => verbs::alert::exec(&args, ctx),
        Command::Secrets(args) => verbs::secrets::exec(&args, ctx),
        Command::SetupScripts { args, .. } => verbs::setup_scripts::exec(&args, ctx),
        Command::RemoteDeploy(args) => verbs::remote_deploy::exec(&args, ctx),
        Command::RotateLeftovers(args) => verbs::rotate_leftovers::exec(&args),
        Command::Completions(args) => verbs::completions::exec(&args, Cli::command()),
    }
}

/// How to read the config for `--host` (`None`: this machine). The
/// machine's CPUs and NICs are handed on only when the host is this
/// machine: another host's `cpus = "auto"` cannot be chosen from here.
fn read_options(host: Option<&str>, env: &Environment) -> ReadOptions {
    let host = host.map(short_host);
    let this_machine = host.is_none() || host.as_deref() == env.hostname.as_deref();
    ReadOptions {
        host,
        hostname: env.hostname.clone(),
        machine: this_machine.then(|| env.lazy_machine()),
    }
}

fn absolute(path: PathBuf) -> PathBuf {
    std::path::absolute(&path).unwrap_or(path)
}
