//! The command line: the systemd calling convention and the subcommands
//! for people (`check`, `layout`, `render`, `policy-script`).

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::{Parser, Subcommand};

use crate::config::values::parse_cpu_list;
use crate::config::{self, ConfigError, ConfigSource, ReadOptions};
use crate::layout::{render_layout, POLICY_SCRIPT};
use crate::log::Log;
use crate::model::{Cluster, Node, Role};
use crate::plan::{self, DEFAULT_NORMAL_DIR};
use crate::render::{self, Content};
use crate::warnings;
use crate::write;

/// Overrides the path `zeek-setup.service` calls this program by (default:
/// this executable). For packagers who install a wrapper, and for tests.
pub const SELF_PATH_ENV: &str = "ZEEK_SYSTEMD_GENERATOR_PATH";

/// Overrides the kernel command line (as systemd's own tools do).
pub const PROC_CMDLINE_ENV: &str = "SYSTEMD_PROC_CMDLINE";
/// Tests: a file read instead of `/proc/1/maps` to learn the running
/// systemd's version.
pub const PID1_MAPS_ENV: &str = "ZEEK_SYSTEMD_PID1_MAPS";

#[derive(Parser, Debug)]
#[command(
    name = "zeek-systemd-generator",
    version,
    about = "systemd generator that runs a Zeek cluster under systemd",
    long_about = "Reads the Zeek cluster config (/etc/zeek/cluster.toml, or Zeek's zeek.conf) and \
                  writes zeek@.service, per-node drop-ins, zeek.target, zeek-setup.service and \
                  zeek-archiver.service into NORMAL_DIR. systemd runs it at boot and on \
                  daemon-reload; people use the subcommands.",
    after_help = "See zeek-systemd-generator(8) and zeek-cluster.toml(5)."
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

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Validate the config and print the nodes of this host, with warnings
    /// for settings that validate but hurt.
    Check {
        /// Also check that the user, group and zeek binary exist, that every
        /// node command line parses its scripts (zeek -a, as the node user)
        /// and that the units pass systemd-analyze verify.
        #[arg(long)]
        deep: bool,
    },
    /// Write cluster-layout.zeek for the whole cluster.
    Layout {
        /// Output file (`-` for stdout).
        #[arg(short, long, value_name = "FILE", default_value = "-")]
        output: PathBuf,
    },
    /// Print every file the generator would write, with its path.
    Render {
        /// The output dir the paths are shown under.
        #[arg(long, value_name = "DIR", default_value = DEFAULT_NORMAL_DIR)]
        normal_dir: PathBuf,
    },
    /// Write the Zeek script that rotates logs into the archiver's queue.
    PolicyScript {
        /// Output file (`-` for stdout).
        #[arg(short, long, value_name = "FILE", default_value = "-")]
        output: PathBuf,
    },
    /// Show systemd's view of this host's nodes (state, PID, restarts,
    /// last exit, CPU time, memory, CPUs) and the config's state; exit 3
    /// if a node is not running or the config is invalid.
    Status {
        /// Print JSON instead of the table.
        #[arg(long)]
        json: bool,
    },
    /// After a crash: a node's last exit and when, restarts, journal tail,
    /// last core dump and the tail of its reporter.log/stderr.log.
    Diag {
        /// The node (as `check` lists it).
        node: String,
        /// How many lines of the journal and of each log to show.
        #[arg(short = 'n', long, default_value_t = 30)]
        lines: usize,
    },
    /// Packets received, dropped and seen on the link per worker, from each
    /// worker's Prometheus metrics endpoint (like `zeekctl netstats`).
    Netstats {
        /// Print JSON instead of the table.
        #[arg(long)]
        json: bool,
    },
    /// Turn ZeekControl's node.cfg, zeekctl.cfg and networks.cfg into a
    /// cluster.toml that keeps its node names.
    ImportZeekctl(crate::import::zeekctl::command::ImportArgs),
    /// Print the completion script for a shell (packages ship them; see
    /// packaging/gen-completions.sh).
    #[command(hide = true)]
    Completions {
        #[arg(value_enum)]
        shell: CompletionShell,
    },
}

/// What `main` turns into an exit code.
#[derive(Debug)]
pub enum Failure {
    /// The config is invalid (already reported).
    Config,
    /// Anything else, with its message.
    Other(anyhow::Error),
    /// `status` found a node that is not running (already reported).
    NotRunning,
    /// `check --deep` found a problem (already reported).
    CheckFailed,
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Other(e)
    }
}

/// Runs the command line.
pub fn run(mut cli: Cli) -> Result<(), Failure> {
    let options = ReadOptions {
        host: cli.host.clone(),
        hostname: this_hostname(),
    };
    // Paths end up in unit files (SourcePath=, the layout command,
    // ConditionPathExists=), which systemd reads from `/`.
    cli.config = cli.config.map(absolute);
    cli.dirs = cli.dirs.into_iter().map(absolute).collect();
    match cli.command {
        None => generate(&cli.dirs, cli.config.as_deref(), &options),
        Some(Command::Check { deep }) => check(cli.config.as_deref(), &options, deep),
        Some(Command::Layout { output }) => layout(cli.config.as_deref(), &options, &output),
        Some(Command::Render { normal_dir }) => {
            print_render(cli.config.as_deref(), &options, &normal_dir)
        }
        Some(Command::PolicyScript { output }) => {
            emit(&output, POLICY_SCRIPT).map_err(Failure::Other)
        }
        Some(Command::Status { json }) => {
            let (cluster, config_state) = status_config(cli.config.as_deref(), &options)?;
            status(&cluster, config_state, json)
        }
        Some(Command::Diag { node, lines }) => {
            let cluster = load_for_person(cli.config.as_deref(), &options)?;
            emit(
                Path::new("-"),
                &crate::diag::diagnose(&cluster, &node, lines)?,
            )
            .map_err(Failure::Other)
        }
        Some(Command::Netstats { json }) => {
            let cluster = load_for_person(cli.config.as_deref(), &options)?;
            let stats = crate::netstats::collect(&cluster);
            let text = if json {
                serde_json::to_string_pretty(&stats).context("cannot encode the counters")? + "\n"
            } else {
                crate::netstats::table(&stats)
            };
            emit(Path::new("-"), &text).map_err(Failure::Other)
        }
        Some(Command::ImportZeekctl(args)) => crate::import::zeekctl::command::run(&args),
        Some(Command::Completions { shell }) => {
            emit(Path::new("-"), &completion_script(shell)).map_err(Failure::Other)
        }
    }
}

/// The shells packages ship completions for.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
}

/// The completion script for `shell`, as packages install it.
pub fn completion_script(shell: CompletionShell) -> String {
    use clap::CommandFactory as _;
    let shell = match shell {
        CompletionShell::Bash => clap_complete::Shell::Bash,
        CompletionShell::Zsh => clap_complete::Shell::Zsh,
        CompletionShell::Fish => clap_complete::Shell::Fish,
    };
    let mut out = Vec::new();
    clap_complete::generate(
        shell,
        &mut Cli::command(),
        "zeek-systemd-generator",
        &mut out,
    );
    // clap_complete writes only the UTF-8 text it builds from our own
    // command definition.
    String::from_utf8_lossy(&out).into_owned()
}

fn absolute(path: PathBuf) -> PathBuf {
    std::path::absolute(&path).unwrap_or(path)
}

/// Loads the config for a subcommand run by a person: no config is an error.
fn load_for_person(explicit: Option<&Path>, options: &ReadOptions) -> Result<Cluster, Failure> {
    load(
        &find_for_person(explicit, options)?,
        options,
        &Log::stderr(),
    )
}

fn find_for_person(
    explicit: Option<&Path>,
    options: &ReadOptions,
) -> Result<ConfigSource, Failure> {
    let dir = config_dir();
    config::find_for_host(explicit, &dir, options.host_or_hostname()).ok_or_else(|| {
        Failure::Other(anyhow::anyhow!(
            "no cluster config found: looked for {0}/cluster.toml, {0}/cluster/<host>.zeek.conf and {0}/zeek.conf \
             (set --config PATH, or ${1} for another directory)",
            dir.display(),
            config::CONFIG_DIR_ENV
        ))
    })
}

/// The config `status` reports on, and its state: the config on disk, or,
/// when that is invalid and the running cluster was started from a last
/// good config, that one.
fn status_config(
    explicit: Option<&Path>,
    options: &ReadOptions,
) -> Result<(Cluster, String), Failure> {
    let source = find_for_person(explicit, options)?;
    let error = match config::load(&source, options) {
        Ok(cluster) => return Ok((cluster, "valid".into())),
        Err(error) => error,
    };
    match load_last_good(options).filter(|_| explicit.is_none()) {
        Some((cluster, _)) => Ok((
            cluster,
            format!(
                "INVALID: {error}; the cluster keeps running on the last good config ({})",
                plan::LAST_GOOD_DIR
            ),
        )),
        None => {
            Log::stderr().error(&format!("invalid config: {error}"));
            Err(Failure::Config)
        }
    }
}

fn load(source: &ConfigSource, options: &ReadOptions, log: &Log) -> Result<Cluster, Failure> {
    match config::load(source, options) {
        Ok(cluster) => {
            for warning in &cluster.warnings {
                log.warning(warning);
            }
            Ok(cluster)
        }
        Err(error) => {
            log.error(&format!("invalid config: {error}"));
            Err(Failure::Config)
        }
    }
}

fn self_path() -> PathBuf {
    if let Some(path) = std::env::var_os(SELF_PATH_ENV).filter(|p| !p.is_empty()) {
        return PathBuf::from(path);
    }
    std::env::current_exe().unwrap_or_else(|_| {
        PathBuf::from("/usr/lib/systemd/system-generators/zeek-systemd-generator")
    })
}

/// Forces where the generator's messages go: `kmsg` or `stderr` (tests,
/// debugging).
pub const LOG_TARGET_ENV: &str = "ZEEK_SYSTEMD_LOG";

/// Whether the generator's messages go to `/dev/kmsg`: when systemd runs
/// it, unless `ZEEK_SYSTEMD_LOG` says otherwise.
fn log_to_kmsg(by_systemd: bool) -> bool {
    match std::env::var(LOG_TARGET_ENV).as_deref() {
        Ok("kmsg") => true,
        Ok("stderr") => false,
        _ => by_systemd,
    }
}

/// Overrides the CPUs `check` takes to be online (tests; a config checked
/// on another machine than the sensor).
pub const ONLINE_CPUS_ENV: &str = "ZEEK_SYSTEMD_ONLINE_CPUS";

/// Reads the CPUs that are online on this machine
/// (`/sys/devices/system/cpu/online`, or `$ZEEK_SYSTEMD_ONLINE_CPUS`),
/// unless `--host` names another host than this one (its CPUs are not
/// this machine's). Only for `check`: never at boot.
fn online_cpus(host: Option<&str>) -> Option<BTreeSet<u32>> {
    if host.is_some_and(|h| this_hostname().as_deref() != Some(h)) {
        return None;
    }
    let text = match std::env::var(ONLINE_CPUS_ENV) {
        Ok(text) if !text.is_empty() => text,
        _ => std::fs::read_to_string("/sys/devices/system/cpu/online").ok()?,
    };
    parse_cpu_list(&text)
        .ok()
        .map(|list| list.0.into_iter().collect())
}

/// The generator proper, as systemd calls it.
fn generate(
    dirs: &[PathBuf],
    explicit: Option<&Path>,
    options: &ReadOptions,
) -> Result<(), Failure> {
    if dirs.len() != 1 && dirs.len() != 3 {
        return Err(Failure::Other(anyhow::anyhow!(
            "expected 1 or 3 output directories (NORMAL [EARLY LATE]), got {}; see --help",
            dirs.len()
        )));
    }
    let normal_dir = &dirs[0];
    let scope = std::env::var("SYSTEMD_SCOPE").ok();
    let by_systemd = scope.is_some();
    let log = Log::for_generator(log_to_kmsg(by_systemd));

    // Nothing to do for the initrd or a user manager.
    if std::env::var("SYSTEMD_IN_INITRD").as_deref() == Ok("1") || scope.as_deref() == Some("user")
    {
        return Ok(());
    }
    if cluster_disabled_on_cmdline() {
        log.notice(
            "zeek.cluster=0 on the kernel command line: not generating the Zeek cluster units",
        );
        return Ok(());
    }
    let Some(source) = config::find_for_host(explicit, &config_dir(), options.host_or_hostname())
    else {
        // Installed but not configured yet: that must not break boot.
        return Ok(());
    };
    // Only the systemd that runs us has a version worth knowing.
    let version = by_systemd.then(running_systemd_version).flatten();
    let loaded = config::read_files(&source)
        .and_then(|files| Ok((config::load_files(&source, &files, options)?, files)));
    let (cluster, files) = match loaded {
        Ok(loaded) => loaded,
        Err(error) => {
            log.error(&format!("invalid config: {error}"));
            if !by_systemd {
                return Err(Failure::Config);
            }
            match load_last_good(options) {
                Some((cluster, files)) => {
                    log.error(&format!(
                        "keeping the running cluster on the last good config ({}); fix the \
                         config and run `systemctl daemon-reload`",
                        plan::LAST_GOOD_DIR
                    ));
                    let rejected = Some(error.to_string());
                    write_units(normal_dir, &cluster, &files, rejected, version, &log)?;
                }
                None => {
                    log.error(
                        "no Zeek cluster units generated; fix the config and run `systemctl daemon-reload`",
                    );
                    write_invalid_config_target(normal_dir, &error, &log);
                }
            }
            return Err(Failure::Config);
        }
    };
    for warning in &cluster.warnings {
        log.warning(warning);
    }
    warnings::log_all(&cluster, &log);
    write_units(normal_dir, &cluster, &files, None, version, &log)
}

/// The last valid config of the running cluster, as zeek-setup (at start)
/// or zeek-config-check (at a valid reload) saved it (see
/// [`plan::LAST_GOOD_DIR`]); `None` when the cluster is not
/// running (or was started by a version that did not save it), or when
/// that copy does not load.
fn load_last_good(options: &ReadOptions) -> Option<(Cluster, config::ConfigFiles)> {
    let source = config::find_for_host(
        None,
        Path::new(plan::LAST_GOOD_DIR),
        options.host_or_hostname(),
    )?;
    let files = config::read_files(&source).ok()?;
    let cluster = config::load_files(&source, &files, options).ok()?;
    Some((cluster, files))
}

/// Writes the units of `cluster` and the copy of its config; `rejected`
/// is the error of the config on disk when `cluster` is the last good one.
fn write_units(
    normal_dir: &Path,
    cluster: &Cluster,
    files: &config::ConfigFiles,
    rejected: Option<String>,
    systemd_version: Option<u32>,
    log: &Log,
) -> Result<(), Failure> {
    let exe = self_path();
    let mut plan = plan::plan(cluster, normal_dir, &exe);
    plan.rejected = rejected;
    plan.systemd_version = systemd_version;
    // A host the config does not name runs nothing: no copy, no check.
    let copy = cluster
        .is_member()
        .then(|| render::config_copy(files))
        .into_iter()
        .flatten();
    // Rendered one at a time as they are written: less memory at boot.
    if let Err(error) = write::write_outputs(normal_dir, render::outputs(&plan).chain(copy)) {
        log.error(&format!("cannot write units: {error}"));
        return Err(Failure::Config);
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

/// This machine's hostname, cut at the first '.' and lower-cased (the
/// per-host file names are lower case; host names are not case-sensitive).
fn this_hostname() -> Option<String> {
    let name = nix::unistd::gethostname().ok()?;
    let name = name.to_str()?;
    let short = name.split('.').next().unwrap_or(name).to_ascii_lowercase();
    (!short.is_empty()).then_some(short)
}

/// The config directory in effect (read here, at the edge): `$ZEEK_SYSTEMD_CONFIG_DIR` or the
/// build-time default.
fn config_dir() -> PathBuf {
    std::env::var_os(config::CONFIG_DIR_ENV)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(config::DEFAULT_CONFIG_DIR))
}

/// The version of the systemd running as PID 1, from the libraries it
/// mapped (`/proc/1/maps`, readable by root; generators get no version
/// from systemd). `None` when that cannot be read.
fn running_systemd_version() -> Option<u32> {
    let path = std::env::var_os(PID1_MAPS_ENV).unwrap_or_else(|| "/proc/1/maps".into());
    let maps = std::fs::read(path).ok()?;
    crate::systemd::version_from_maps(&String::from_utf8_lossy(&maps))
}

/// Whether the kernel command line says `zeek.cluster=0` (or no/false/off).
fn cluster_disabled_on_cmdline() -> bool {
    let cmdline = match std::env::var(PROC_CMDLINE_ENV) {
        Ok(text) => text,
        Err(_) => {
            // In a container systemd takes PID 1's arguments as the kernel
            // command line; do the same.
            let in_container = Path::new("/run/systemd/container").exists();
            let file = if in_container {
                "/proc/1/cmdline"
            } else {
                "/proc/cmdline"
            };
            match std::fs::read(file) {
                Ok(bytes) => String::from_utf8_lossy(&bytes).replace('\0', " "),
                Err(_) => return false,
            }
        }
    };
    cmdline
        .split_whitespace()
        .filter_map(|word| word.strip_prefix("zeek.cluster="))
        .next_back()
        .is_some_and(|value| matches!(value, "0" | "no" | "false" | "off"))
}

fn emit(output: &Path, text: &str) -> anyhow::Result<()> {
    if output == Path::new("-") {
        std::io::stdout()
            .lock()
            .write_all(text.as_bytes())
            .context("cannot write to stdout")?;
        return Ok(());
    }
    write::write_file_atomically(output, text, 0o644)
        .with_context(|| format!("cannot write {}", output.display()))
}

fn layout(explicit: Option<&Path>, options: &ReadOptions, output: &Path) -> Result<(), Failure> {
    let cluster = load_for_person(explicit, options)?;
    emit(output, &render_layout(&cluster)).map_err(Failure::Other)
}

fn print_render(
    explicit: Option<&Path>,
    options: &ReadOptions,
    normal_dir: &Path,
) -> Result<(), Failure> {
    let cluster = load_for_person(explicit, options)?;
    let plan = plan::plan(&cluster, normal_dir, &self_path());
    let mut out = String::new();
    for output in render::render(&plan) {
        let path = normal_dir.join(&output.path);
        match output.content {
            Content::File(text) => {
                let _ = writeln!(out, "# {}\n{text}", path.display());
            }
            Content::Link(target) => {
                let _ = writeln!(out, "# {} -> {}\n", path.display(), target.display());
            }
        }
    }
    std::io::stdout()
        .lock()
        .write_all(out.as_bytes())
        .context("cannot write to stdout")?;
    Ok(())
}

fn check(explicit: Option<&Path>, options: &ReadOptions, deep: bool) -> Result<(), Failure> {
    let cluster = load_for_person(explicit, options)?;
    let table = node_table(&cluster);
    std::io::stdout()
        .lock()
        .write_all(table.as_bytes())
        .context("cannot write to stdout")?;
    let log = Log::stderr();
    for warning in warnings::warnings(&cluster, online_cpus(options.host.as_deref()).as_ref()) {
        log.warning(&warning);
    }
    if deep {
        let findings = crate::deep_check::run(&cluster, &self_path());
        let (report, passed) = crate::deep_check::report(&findings);
        emit(Path::new("-"), &report)?;
        if !passed {
            return Err(Failure::CheckFailed);
        }
    }
    Ok(())
}

/// The `check` output: one line per node of this host, like `zeekctl nodes`.
pub fn node_table(cluster: &Cluster) -> String {
    let mut rows: Vec<[String; 7]> = vec![[
        "NODE".into(),
        "ROLE".into(),
        "ADDRESS".into(),
        "PORT".into(),
        "METRICS".into(),
        "CPUS".into(),
        "CAPTURE".into(),
    ]];
    rows.extend(cluster.local_nodes().map(node_row));
    let mut out = aligned_columns(&rows);
    out.push_str(&check_summary(cluster));
    out
}

/// One node's row of the `check` table.
fn node_row(node: &Node) -> [String; 7] {
    let dash = || "-".to_string();
    [
        node.name.clone(),
        node.role.to_string(),
        match (&node.address, &node.host) {
            (Some(addr), _) => addr.to_string(),
            (None, Some(host)) => host.to_string(),
            (None, None) => dash(),
        },
        node.port.map_or_else(dash, |p| p.to_string()),
        node.metrics_port.map_or_else(dash, |p| p.to_string()),
        node.settings
            .cpus
            .as_ref()
            .map_or_else(dash, |c| c.to_affinity()),
        node.capture
            .as_ref()
            .map_or_else(dash, |c| c.source.to_string()),
    ]
}

/// Rows as text, each column as wide as its widest cell (the last one
/// unpadded), trailing blanks trimmed.
fn aligned_columns(rows: &[[String; 7]]) -> String {
    let mut widths = [0usize; 7];
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (i, (cell, w)) in row.iter().zip(widths).enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                let _ = write!(line, "{cell:<w$}  ");
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The line under the `check` table: the config is valid, and what this
/// host runs.
fn check_summary(cluster: &Cluster) -> String {
    let local = cluster.local_nodes().count();
    let count = |role: Role| cluster.local_nodes().filter(|n| n.role == role).count();
    format!(
        "\n{}: valid; {local} node(s) on this host{} ({} manager, {} logger, {} proxy, {} worker); archiver {}\n",
        cluster.source.display(),
        match &cluster.this_host {
            Some(host) => format!(" ({host}), {} in the cluster", cluster.nodes.len()),
            None => String::new(),
        },
        count(Role::Manager),
        count(Role::Logger),
        count(Role::Proxy),
        count(Role::Worker),
        if cluster.archiver.is_some() { "on" } else { "off" },
    )
}

fn status(cluster: &Cluster, config_state: String, json: bool) -> Result<(), Failure> {
    let status = crate::status::collect(cluster, config_state)?;
    let text = if json {
        serde_json::to_string_pretty(&status).context("cannot encode the status")? + "\n"
    } else {
        status.table(crate::status::now())
    };
    emit(Path::new("-"), &text)?;
    if status.all_nodes_running() && status.config.state == "valid" {
        Ok(())
    } else {
        Err(Failure::NotRunning)
    }
}
