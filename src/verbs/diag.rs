//! `diag NODE`: what an operator needs after a crash, in one place (like
//! `zeekctl diag`): how the node last ended and when, how often systemd
//! restarted it, the tail of its journal, the last core dump systemd
//! recorded, and the tail of its `reporter.log`/`stderr.log`.

use std::fmt::Write as _;

use anyhow::bail;

use super::check::nodes_table;
use super::{print, Context};
use crate::env::Environment;
use crate::error::Failure;
use crate::generator::plan;
use crate::model::{Cluster, Node};
use crate::ops::systemctl::{self, classify, Exit, PROPERTIES};
use crate::ops::table::{age, now};
use crate::ops::text::{tail, utc};

/// `diag` arguments.
#[derive(clap::Args, Debug)]
pub struct DiagArgs {
    /// The node (as `check` lists it).
    pub node: String,
    /// How many lines of the journal and of each log to show.
    #[arg(short = 'n', long, default_value_t = 30)]
    pub lines: usize,
}

/// Runs `diag`.
/// Without systemd as PID 1 it shows what it can (the node's config,
/// core files and logs in its dir), then says what needs systemd and
/// exits 1.
pub fn exec(args: &DiagArgs, ctx: &Context) -> Result<(), Failure> {
    let cluster = ctx.load()?;
    let no_systemd = systemctl::unavailable(
        ctx.env,
        "the node's state, restarts, last exit, journal and recorded core dumps are \
         unknown here",
    );
    print(&diagnose(&cluster, &args.node, args.lines, ctx.env)?)?;
    match no_systemd {
        Some(why) => Err(Failure::Other(anyhow::anyhow!(why))),
        None => Ok(()),
    }
}

/// Said of the journal to anyone but root: journald shows a system
/// unit's entries only to root and the groups it names.
const NOT_ROOT_JOURNAL: &str = " (not root: only what the groups adm or systemd-journal \
     may read; run as root to see all)";

/// Zeek's logs in the node's dir worth a look after a crash.
const NODE_LOGS: [&str; 2] = ["reporter.log", "stderr.log"];

/// The diagnosis of `node_name`, as text; `lines` of journal and of each
/// log. Without systemd as PID 1: the node's config in place of
/// systemd's state, and no journal or recorded core dump.
pub fn diagnose(
    cluster: &Cluster,
    node_name: &str,
    lines: usize,
    env: &Environment,
) -> anyhow::Result<String> {
    let Some(node) = cluster.local_nodes().find(|n| n.name == node_name) else {
        let names: Vec<&str> = cluster.local_nodes().map(|n| n.name.as_str()).collect();
        bail!(
            "no node {node_name:?} on this host; its nodes are: {}",
            names.join(", ")
        );
    };
    let unit = plan::unit_name(node);
    let mut out = if env.systemd_booted {
        systemd_sections(&unit, node, lines, env.as_root)?
    } else {
        without_systemd(&unit, cluster, node)
    };
    core_files(&mut out, cluster, node);
    for log in NODE_LOGS {
        node_log(&mut out, cluster, node, log, lines);
    }
    Ok(out)
}

/// What systemd knows of the node: its state, its journal, its last
/// recorded core dump.
fn systemd_sections(
    unit: &str,
    node: &Node,
    lines: usize,
    as_root: bool,
) -> anyhow::Result<String> {
    // What `status` reads, and when the main process last exited.
    let mut properties = PROPERTIES.to_vec();
    properties.push("ExecMainExitTimestamp");
    let props = systemctl::show(&[unit.to_string()], &properties)?;
    let mut out = header(unit, node, &props[0]);
    section(
        &mut out,
        &format!(
            "journal (journalctl -u {unit} -n {lines}){}",
            if as_root { "" } else { NOT_ROOT_JOURNAL }
        ),
        &systemctl::tool_output(
            "journalctl",
            &[
                "--no-pager",
                "-o",
                "short-iso",
                "-u",
                unit,
                "-n",
                &lines.to_string(),
            ],
        ),
    );
    let matcher = format!("COREDUMP_UNIT={unit}");
    section(
        &mut out,
        &format!("last core dump (coredumpctl -1 info {matcher})"),
        &systemctl::tool_output("coredumpctl", &["--no-pager", "-1", "info", &matcher]),
    );
    Ok(out)
}

/// In place of systemd's state: the node as the config has it, and what
/// is missing.
fn without_systemd(unit: &str, cluster: &Cluster, node: &Node) -> String {
    let mut out = format!("{unit} ({}, {})\n", node.name, node.role);
    out.push_str(
        "  state, restarts, last exit, journal, recorded core dumps: unknown (they need \
         systemd as PID 1; see the last line)\n",
    );
    section(
        &mut out,
        &format!("config ({})", cluster.settings.source.display()),
        &nodes_table(std::iter::once(node)),
    );
    out
}

/// Core files in the node's dir: where the kernel writes them when
/// systemd-coredump is not installed and `core_pattern` is a plain name.
fn core_files(out: &mut String, cluster: &Cluster, node: &Node) {
    let dir = cluster.settings.install.spool_dir.join(&node.name);
    let mut found: Vec<(u64, String)> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("core"))
        .filter_map(|e| {
            let meta = e.metadata().ok().filter(|m| m.is_file())?;
            let mtime = meta
                .modified()
                .ok()?
                .duration_since(std::time::UNIX_EPOCH)
                .ok()?
                .as_secs();
            let name = e.file_name().to_string_lossy().into_owned();
            Some((
                mtime,
                format!("{name}  {} bytes  {}", meta.len(), utc(mtime)),
            ))
        })
        .collect();
    found.sort();
    let body = if found.is_empty() {
        "(none)\n".to_string()
    } else {
        found.iter().map(|(_, line)| format!("{line}\n")).collect()
    };
    section(out, &format!("core files in {}", dir.display()), &body);
}

/// State, PID, restarts and the last exit.
fn header(unit: &str, node: &Node, props: &systemctl::Props) -> String {
    let mut out = String::new();
    let now = now();
    let state = classify(props);
    let _ = writeln!(out, "{unit} ({}, {})", node.name, node.role);
    let _ = write!(
        out,
        "  state:     {} ({}/{})",
        state.name(),
        props.get("ActiveState"),
        props.get("SubState")
    );
    if let Some(pid) = props.number("MainPID").filter(|&p| p != 0) {
        let _ = write!(out, ", PID {pid}");
    }
    if let Some(since) = props.unix_time("StateChangeTimestamp") {
        let _ = write!(out, ", since {}", when(since, now));
    }
    let _ = writeln!(
        out,
        "\n  restarts:  {} (since the unit was last started by hand or at boot)",
        props.number("NRestarts").unwrap_or(0)
    );
    let _ = writeln!(out, "  last exit: {}", last_exit(unit, props, now));
    out
}

fn section(out: &mut String, title: &str, body: &str) {
    let _ = writeln!(out, "\n== {title} ==");
    out.push_str(body);
    if !body.ends_with('\n') {
        out.push('\n');
    }
}

fn node_log(out: &mut String, cluster: &Cluster, node: &Node, name: &str, lines: usize) {
    let path = cluster
        .settings
        .install
        .spool_dir
        .join(&node.name)
        .join(name);
    let body = match std::fs::read(&path) {
        Ok(bytes) => tail(&String::from_utf8_lossy(&bytes), lines),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            "(not present; Zeek's stderr goes to the unit's journal)\n".into()
        }
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            format!("(cannot read: {e}; run as root)\n")
        }
        Err(e) => format!("(cannot read: {e})\n"),
    };
    section(
        out,
        &format!("{} (last {lines} lines)", path.display()),
        &body,
    );
}

/// How the main process last ended: from the unit while it is down, else
/// from systemd's "Main process exited" record in the journal (the unit's
/// own record is reset when the restarted process starts).
fn last_exit(unit: &str, props: &systemctl::Props, now: u64) -> String {
    let running = matches!(props.get("ActiveState"), "active" | "reloading")
        || props.get("SubState") == "start";
    if !running {
        if let Some(exit) = Exit::from_main(props.get("ExecMainCode"), props.get("ExecMainStatus"))
        {
            let at = props
                .unix_time("ExecMainExitTimestamp")
                .map_or_else(String::new, |t| format!(" at {}", when(t, now)));
            return format!("{exit}{at}");
        }
    }
    match journal_exit(unit) {
        Some((exit, at)) => format!("{exit} at {}", when(at, now)),
        None => "none recorded (it has not exited since the journal began)".into(),
    }
}

/// The newest `EXIT_CODE`/`EXIT_STATUS` record systemd logged for `unit`.
fn journal_exit(unit: &str) -> Option<(Exit, u64)> {
    let text = systemctl::tool_output(
        "journalctl",
        &[
            "--no-pager",
            "-o",
            "json",
            "--output-fields=EXIT_CODE,EXIT_STATUS",
            "-u",
            unit,
            "-n",
            "5000",
        ],
    );
    text.lines().rev().find_map(|line| {
        let record: serde_json::Value = serde_json::from_str(line).ok()?;
        let exit = Exit::from_main(
            record["EXIT_CODE"].as_str()?,
            record["EXIT_STATUS"].as_str()?,
        )?;
        let at: u64 = record["__REALTIME_TIMESTAMP"].as_str()?.parse().ok()?;
        Some((exit, at / 1_000_000))
    })
}

/// `2026-11-30 02:55:01 UTC (12s ago)`.
fn when(unix: u64, now: u64) -> String {
    format!("{} ({} ago)", utc(unix), age(now.saturating_sub(unix)))
}
