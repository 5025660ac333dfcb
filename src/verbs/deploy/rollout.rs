//! `deploy`'s steps after the candidate passed its checks: switch to the
//! new snapshot and deployed config (through [`crate::deployment`]) and
//! have systemd load it, restart, wait until every node of this host runs
//! (and stays up, and has joined the cluster where that is visible), and
//! switch back when that fails.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{bail, Context as _};

use crate::config::ConfigFiles;
use crate::deployment::switch::Previous;
use crate::deployment::Deployment;
use crate::generator::plan;
use crate::model::{Cluster, Role};
use crate::ops::systemctl::{self, classify, State};

/// What `deploy` restarts once the snapshot is installed.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum RestartMode {
    /// The whole cluster of this host (`systemctl restart zeek.target`:
    /// the stop order keeps every log), then wait and roll back on failure.
    All,
    /// Nothing: nodes load the new snapshot at their next start, a crash
    /// restart included. No wait, no rollback.
    None,
}

/// How long to wait for the cluster.
#[derive(Debug, Clone, Copy)]
pub struct Wait {
    /// How long every node must stay up (same PID, no restart).
    pub settle: Duration,
    /// How long the whole wait may take before it counts as a failure.
    pub timeout: Duration,
}

/// Why the cluster did not come up: the node (if one is to blame) and why.
#[derive(Debug)]
pub struct NodeFailure {
    pub node: Option<String>,
    pub why: String,
}

/// Makes `id` the snapshot in use and `files` the deployed config, then
/// has systemd load the units of that config.
pub fn activate(deployment: &Deployment, id: &str, files: &ConfigFiles) -> anyhow::Result<()> {
    deployment.switch_to(id, files)?;
    reload_units()
}

/// The archiver's unit; a restart of `zeek.target` leaves it running.
const ARCHIVER: &str = "zeek-archiver.service";

/// `systemctl daemon-reload`; when that changed the archiver's unit,
/// restarts the archiver: a restart of `zeek.target` leaves it running on
/// the unit it was started from (`StopPropagatedFrom=`, so that the nodes'
/// restart never waits for its stop and last pass). The nodes keep running
/// meanwhile and what they rotate waits in the queue.
fn reload_units() -> anyhow::Result<()> {
    let before = unit_text(ARCHIVER);
    systemctl_run(&["daemon-reload"])?;
    if before.is_some() && unit_text(ARCHIVER) != before {
        println!("the archiver's unit changed: restarting it (the nodes keep running)");
        systemctl_run(&["try-restart", ARCHIVER])?;
    }
    Ok(())
}

/// The directives of UNIT as `systemctl cat` shows its files on disk, or
/// `None` when there is no such unit. Comments and `SourcePath=` are left
/// out: they name the config file, which a first deploy changes (to the
/// deployed copy) without changing what the unit does.
fn unit_text(unit: &str) -> Option<String> {
    let output = Command::new("systemctl")
        .args(["cat", "--no-pager", unit])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    output.status.success().then(|| {
        text.lines()
            .filter(|l| !l.starts_with('#') && !l.starts_with("SourcePath="))
            .collect::<Vec<_>>()
            .join("\n")
    })
}

/// Runs `systemctl ARGS`, failing with its message.
pub fn systemctl_run(args: &[&str]) -> anyhow::Result<()> {
    let output = Command::new("systemctl")
        .args(args)
        .output()
        .context("cannot run systemctl")?;
    if !output.status.success() {
        bail!(
            "systemctl {} failed ({}): {}",
            args.join(" "),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(())
}

/// Whether `zeek.target` is active (the cluster runs).
pub fn cluster_active() -> bool {
    Command::new("systemctl")
        .args(["is-active", "--quiet", "zeek.target"])
        .status()
        .is_ok_and(|s| s.success())
}

/// Restarts the cluster of this host and waits for it: every node of
/// `cluster` running and up for `wait.settle`, then (where a log writer of
/// this host writes cluster.log) heard by the cluster. Returns when the
/// restart began.
pub fn restart_and_wait(cluster: &Cluster, wait: Wait) -> Result<SystemTime, NodeFailure> {
    let units: Vec<String> = cluster.local_nodes().map(plan::unit_name).collect();
    let baseline = restarts(&units).map_err(|e| failure(None, format!("{e:#}")))?;
    let writers = writers_with_cluster_log(cluster);
    let began = SystemTime::now();
    let start = Instant::now();
    println!("restarting zeek.target (nodes stop in the order that keeps every log)");
    systemctl_run(&["restart", "zeek.target"]).map_err(|e| failure(None, format!("{e:#}")))?;
    wait_running(&units, &baseline, wait, start)?;
    let left = wait.timeout.saturating_sub(start.elapsed());
    wait_joined(cluster, &writers, began, left)?;
    Ok(began)
}

fn failure(node: Option<String>, why: String) -> NodeFailure {
    NodeFailure { node, why }
}

/// `NRestarts` of each unit (automatic restarts only: a `systemctl
/// restart` does not count, a crash does).
pub(super) fn restarts(units: &[String]) -> anyhow::Result<BTreeMap<String, u64>> {
    let props = systemctl::show(units, &["NRestarts"])?;
    Ok(units
        .iter()
        .zip(props)
        .map(|(u, p)| (u.clone(), p.number("NRestarts").unwrap_or(0)))
        .collect())
}

const WAIT_PROPERTIES: [&str; 8] = [
    "LoadState",
    "ActiveState",
    "SubState",
    "Result",
    "Restart",
    "MainPID",
    "NRestarts",
    "StateChangeTimestamp",
];

fn node_of(unit: &str) -> String {
    unit.trim_start_matches("zeek@")
        .trim_end_matches(".service")
        .to_string()
}

/// Polls until every unit runs under one PID for `wait.settle`; a unit that
/// dies (restarted by systemd, failed) fails at once.
pub(super) fn wait_running(
    units: &[String],
    baseline: &BTreeMap<String, u64>,
    wait: Wait,
    start: Instant,
) -> Result<(), NodeFailure> {
    let mut up: BTreeMap<&str, (u64, Instant)> = BTreeMap::new();
    let mut said = String::new();
    loop {
        let props = systemctl::show(units, &WAIT_PROPERTIES)
            .map_err(|e| failure(None, format!("{e:#}")))?;
        let mut waiting = Vec::new();
        for (unit, p) in units.iter().zip(&props) {
            let state = classify(p);
            let died =
                p.number("NRestarts").unwrap_or(0) > baseline.get(unit).copied().unwrap_or(0);
            if died || matches!(state, State::Restarting | State::Failed) {
                let why = format!("{unit} died after the restart ({})", p.get("Result"));
                return Err(failure(Some(node_of(unit)), why));
            }
            match (state, p.number("MainPID").filter(|&pid| pid != 0)) {
                (State::Running, Some(pid)) => {
                    let since = up.entry(unit).or_insert((pid, Instant::now()));
                    if since.0 != pid {
                        *since = (pid, Instant::now());
                    }
                    if since.1.elapsed() < wait.settle {
                        waiting.push(format!("{} settling", node_of(unit)));
                    }
                }
                (state, _) => waiting.push(format!("{} {}", node_of(unit), state.name())),
            }
        }
        let line = format!("{}/{} node(s) up", units.len() - waiting.len(), units.len());
        let line = match waiting.is_empty() {
            true => format!("{line} for {} s", wait.settle.as_secs()),
            false => format!("{line}; waiting: {}", waiting.join(", ")),
        };
        if line != said {
            println!("[{:5.1} s] {line}", start.elapsed().as_secs_f64());
            said = line;
        }
        if waiting.is_empty() {
            return Ok(());
        }
        if start.elapsed() > wait.timeout {
            let why = format!(
                "not up within {} s: {}",
                wait.timeout.as_secs(),
                waiting.join(", ")
            );
            let node = waiting
                .first()
                .and_then(|w| w.split(' ').next())
                .map(String::from);
            return Err(failure(node, why));
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// The spool dirs of this host's nodes that write cluster.log (loggers,
/// or the manager when the cluster has none) where one is there now: a
/// running Zeek that logs the cluster's hellos.
pub(super) fn writers_with_cluster_log(cluster: &Cluster) -> Vec<PathBuf> {
    let has_logger = cluster.nodes.iter().any(|n| n.role == Role::Logger);
    cluster
        .local_nodes()
        .filter(|n| n.role == Role::Logger || (!has_logger && n.role == Role::Manager))
        .map(|n| cluster.settings.install.spool_dir.join(&n.name))
        .filter(|dir| dir.join("cluster.log").is_file())
        .collect()
}

/// The nodes named in `got hello from NODE` lines logged after `since`.
pub(super) fn heard(writers: &[PathBuf], since: f64) -> Vec<String> {
    let mut names = Vec::new();
    for dir in writers {
        let text = std::fs::read_to_string(dir.join("cluster.log")).unwrap_or_default();
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let ts: f64 = line
                .split('\t')
                .next()
                .and_then(|t| t.parse().ok())
                .unwrap_or(0.0);
            let Some((_, rest)) = line.split_once("got hello from ") else {
                continue;
            };
            if ts >= since {
                names.push(rest.split([' ', '\t']).next().unwrap_or("").to_string());
            }
        }
    }
    names
}

/// Waits until every node of this host was heard after the restart, when
/// a log writer of this host showed before that it logs hellos.
pub(super) fn wait_joined(
    cluster: &Cluster,
    writers: &[PathBuf],
    since: SystemTime,
    timeout: Duration,
) -> Result<(), NodeFailure> {
    if writers.is_empty() {
        println!("cluster join: not visible here (no log writer of this host had a cluster.log)");
        return Ok(());
    }
    let since = since
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64());
    let start = Instant::now();
    loop {
        let heard = heard(writers, since);
        let missing: Vec<&str> = cluster
            .local_nodes()
            .map(|n| n.name.as_str())
            .filter(|n| !heard.iter().any(|h| h == n))
            .collect();
        if missing.is_empty() {
            println!("cluster join: every node of this host said hello (cluster.log)");
            return Ok(());
        }
        if start.elapsed() > timeout {
            let why = format!("not heard in cluster.log: {}", missing.join(", "));
            return Err(failure(missing.first().map(|n| n.to_string()), why));
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// The last lines of a node's journal since `since`, for the report.
pub fn journal_tail(node: &str, since: SystemTime) -> String {
    let since = since
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    systemctl::tool_output(
        "journalctl",
        &[
            "--no-pager",
            "-o",
            "short-precise",
            "-n",
            "20",
            "--since",
            &format!("@{since}"),
            "-u",
            &plan::unit_name_of(node),
        ],
    )
}

/// Puts back what ran before ([`Deployment::switch_back`]) and has
/// systemd load its units (the caller restarts them).
pub fn roll_back(deployment: &Deployment, previous: &Previous) -> anyhow::Result<()> {
    deployment.switch_back(previous)?;
    reload_units()
}
