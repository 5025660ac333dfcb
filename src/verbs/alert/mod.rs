//! `alert crash NODE | disk | test`: the reports that reach a person.
//! `crash` is run by `zeek-node-crashed@NODE.service` after a node stopped
//! uncleanly (like ZeekControl's crash mail: node, host, when, exit,
//! restarts, journal, backtrace); `disk` by `zeek-disk-watch.timer` every
//! minute (one report per crossing of `[disk] min_free`); `test` by a
//! person, to try the channels. Every report goes to stdout (the unit's
//! journal) and, within the rate limit, to the `[alerts]` channels.

pub mod deliver;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{print, Context};
use crate::env::ServiceExit;
use crate::error::Failure;
use crate::model::Cluster;
use crate::ops::disk::{self, FsUsage};
use crate::ops::process;
use crate::ops::systemctl;
use crate::ops::table::now;
use crate::ops::text::{tail, utc};
use deliver::{Gate, Report};

/// Journal lines in a crash report.
const JOURNAL_LINES: usize = 20;

/// Backtrace lines in a crash report.
const BACKTRACE_LINES: usize = 60;

/// `alert` arguments.
#[derive(clap::Args, Debug)]
pub struct AlertArgs {
    #[command(subcommand)]
    pub what: AlertWhat,
}

/// What to report.
#[derive(clap::Subcommand, Debug)]
pub enum AlertWhat {
    /// Report that NODE stopped uncleanly (run by zeek-node-crashed@NODE;
    /// reads SERVICE_RESULT, EXIT_CODE and EXIT_STATUS from the environment).
    Crash { node: String },
    /// Check the free space of the spool, queue and archive; report each
    /// file system that crossed [disk] min_free since the last check, and
    /// an archive that became unwritable or a queue that stopped moving
    /// (run by zeek-disk-watch.timer).
    Disk,
    /// Send a test report through every channel of [alerts] (not rate
    /// limited) and say how each fared.
    Test,
}

/// Runs `alert`: exit 1 when a channel failed.
pub fn exec(args: &AlertArgs, ctx: &Context) -> Result<(), Failure> {
    let cluster = ctx.load()?;
    let host = host_name(&cluster, ctx);
    let state = ctx.env.path(crate::paths::ALERT_STATE_DIR);
    let reports = match &args.what {
        AlertWhat::Crash { node } => vec![crash_report(
            &cluster,
            &host,
            node,
            (now(), &ctx.env.service_exit),
        )],
        AlertWhat::Disk => disk_reports(&cluster, &host, &state)?,
        AlertWhat::Test => vec![test_report(&cluster, &host)],
    };
    let limited = !matches!(args.what, AlertWhat::Test);
    let mut failed = false;
    for report in reports {
        let limit = limited.then_some(state.as_path());
        failed |= !send(&cluster, (&host, ctx.env.in_unit), report, limit)?;
    }
    if failed {
        return Err(Failure::Other(anyhow::anyhow!(
            "an alert channel failed (see above); {}",
            if ctx.env.in_unit {
                "the report is in this unit's journal"
            } else {
                "the report is printed above"
            }
        )));
    }
    Ok(())
}

/// The host as reports name it: the cluster's name for it, else the
/// hostname.
fn host_name(cluster: &Cluster, ctx: &Context) -> String {
    (cluster.settings.this_host.clone())
        .or_else(|| ctx.env.hostname.clone())
        .unwrap_or_else(|| "localhost".into())
}

/// Prints `report` (to the unit's journal when `in_unit`, else to the
/// terminal), then delivers it unless the rate limit (state in
/// `limit_dir`; `None`: no limit) holds it. False when a channel failed.
fn send(
    cluster: &Cluster,
    (host, in_unit): (&str, bool),
    mut report: Report,
    limit_dir: Option<&Path>,
) -> Result<bool, Failure> {
    let alerts = &cluster.settings.operations.alerts;
    let channels = deliver::has_channels(alerts);
    let gate = match limit_dir {
        Some(dir) if channels => deliver::admit(dir, alerts.max_per_hour, now())
            .map_err(|e| anyhow::anyhow!("rate limit state in {}: {e}", dir.display()))?,
        _ => Gate::Send { suppressed: 0 },
    };
    if let Gate::Send { suppressed } = gate {
        if suppressed > 0 {
            let _ = writeln!(
                report.text,
                "\n{suppressed} report(s) before this one were held back by the rate limit \
                 ([alerts] max_per_hour = {}); they are in the journal \
                 (journalctl -u 'zeek-node-crashed@*' -u zeek-disk-watch).",
                alerts.max_per_hour
            );
        }
    }
    print(&format!("Subject: {}\n\n{}\n", report.subject, report.text))?;
    if !channels {
        print(if in_unit {
            "(no [alerts] channel configured: this journal entry is the report)\n"
        } else {
            "(no [alerts] channel configured: nothing was sent; crash and disk reports go to \
             the journal only)\n"
        })?;
        return Ok(true);
    }
    if gate == Gate::Hold {
        print(&format!(
            "rate limit: {} reports in the last hour; not sent ([alerts] max_per_hour)\n",
            alerts.max_per_hour
        ))?;
        return Ok(true);
    }
    let mut ok = true;
    for outcome in deliver::deliver(alerts, &report, host) {
        let line = match &outcome.result {
            Ok(()) => format!("delivered: {}\n", outcome.channel),
            Err(e) => format!("FAILED: {}: {e}\n", outcome.channel),
        };
        ok &= outcome.result.is_ok();
        print(&line)?;
    }
    Ok(ok)
}

/// How the node's main process ended, from systemd's ExecStopPost
/// environment (`EXIT_CODE` exited/killed/dumped, `EXIT_STATUS` a number
/// or a signal name).
fn exit_text(exit: &ServiceExit) -> String {
    let (code, status, result) = (&exit.code, &exit.status, &exit.result);
    let exit = match code.as_str() {
        "exited" => format!("exit status {status}"),
        "killed" => format!("signal {status}"),
        "dumped" => format!("signal {status} (core dumped)"),
        "" => "unknown (no EXIT_CODE in the environment)".to_string(),
        other => format!("{other} {status}"),
    };
    if result.is_empty() {
        exit
    } else {
        format!("{exit}; systemd's result: {result}")
    }
}

/// The crash report of `node`, gathered at `now`.
fn crash_report(cluster: &Cluster, host: &str, node: &str, at: (u64, &ServiceExit)) -> Report {
    let (now, service_exit) = at;
    let unit = format!("zeek@{node}.service");
    let role = (cluster.local_nodes().find(|n| n.name == node))
        .map_or("not in the config".to_string(), |n| n.role.to_string());
    let restarts = systemctl::show(std::slice::from_ref(&unit), &["NRestarts"])
        .ok()
        .and_then(|p| p.first().and_then(|p| p.number("NRestarts")))
        .map_or("unknown".to_string(), |n| n.to_string());
    let exit = exit_text(service_exit);
    let mut fields = BTreeMap::new();
    fields.insert("node", node.to_string());
    fields.insert("role", role.clone());
    fields.insert("host", host.to_string());
    fields.insert("time", utc(now));
    fields.insert("exit", exit.clone());
    fields.insert("restarts", restarts.clone());
    let mut text = format!(
        "Zeek node {node} on {host} stopped uncleanly; systemd restarts it.\n\n  \
         node:     {node} ({role})\n  host:     {host}\n  when:     {}\n  exit:     {exit}\n  \
         restarts: {restarts} so far (NRestarts of {unit})\n",
        utc(now)
    );
    let journal = crash_journal(&unit);
    let _ = write!(
        text,
        "\n== journal (journalctl -u {unit} -n {JOURNAL_LINES}) ==\n{journal}"
    );
    if let Some((source, trace)) = backtrace(cluster, node, &unit, (now, service_exit)) {
        fields.insert("backtrace", trace.clone());
        let _ = write!(text, "\n== backtrace ({source}) ==\n{trace}");
    }
    let _ = write!(text, "\nMore: zeek-systemd diag {node}\n");
    Report {
        kind: "crash",
        subject: format!("[Zeek] {node} on {host} crashed: {exit}"),
        text,
        fields,
    }
}

/// The last [`JOURNAL_LINES`] journal lines of `unit`, once they include
/// the crash. The hook starts while journald may still be taking in the
/// last lines of the dying process and PID 1's lines about its exit (the
/// stream of a process that just died is read in the background): ask
/// journald to write out what it has (`--sync`), and read again for a
/// few seconds until PID 1's "Main process exited" or "Failed with result"
/// line is there; the last read is reported whatever it holds, and an
/// empty read says so instead of an empty section.
fn crash_journal(unit: &str) -> String {
    let lines = JOURNAL_LINES.to_string();
    let args = ["--no-pager", "-o", "short-iso", "-u", unit, "-n", &lines];
    let mut journal = String::new();
    for attempt in 0..10 {
        if attempt > 0 {
            std::thread::sleep(Duration::from_millis(500));
        }
        let _ = systemctl::tool_output("journalctl", &["--sync"]);
        journal = systemctl::tool_output("journalctl", &args);
        if journal_has_exit(&journal) {
            break;
        }
    }
    if journal
        .lines()
        .all(|l| l.trim().is_empty() || l.starts_with("-- "))
    {
        journal = format!(
            "(journalctl -u {unit} returned no lines: {}; see journalctl -b -u {unit})\n",
            journal.trim()
        );
    }
    journal
}

/// Whether a journal excerpt shows how the main process ended.
fn journal_has_exit(journal: &str) -> bool {
    journal.contains("Main process exited") || journal.contains("Failed with result")
}

/// A backtrace of the crash, when it dumped core: systemd-coredump's
/// stack trace if it kept the core, else gdb on a core file the kernel
/// wrote into the node's dir. `(where it came from, text)`.
fn backtrace(
    cluster: &Cluster,
    node: &str,
    unit: &str,
    (now, exit): (u64, &ServiceExit),
) -> Option<(String, String)> {
    if exit.code != "dumped" {
        return None;
    }
    // systemd-coredump processes the dump while we start: give it time.
    let since = format!("@{}", now.saturating_sub(120));
    let matcher = format!("COREDUMP_UNIT={unit}");
    for _ in 0..10 {
        let info = systemctl::tool_output(
            "coredumpctl",
            &["--no-pager", "-1", "info", "--since", &since, &matcher],
        );
        if info.contains("Stack trace") {
            return Some(("coredumpctl info".into(), tail_of(&info)));
        }
        if info.contains("is not installed") {
            break;
        }
        std::thread::sleep(Duration::from_secs(1));
    }
    let core = newest_core(&cluster.settings.install.spool_dir.join(node), now)?;
    let zeek = cluster.settings.install.zeek.display().to_string();
    let core_text = core.display().to_string();
    let text = gdb_backtrace(
        &zeek,
        &core_text,
        cluster.settings.operations.alerts.timeout_sec,
    );
    Some((format!("gdb {zeek} {core_text}"), text))
}

/// The last [`BACKTRACE_LINES`] lines, where the stack is.
fn tail_of(text: &str) -> String {
    tail(text, BACKTRACE_LINES)
}

/// `gdb -batch -ex bt` on a core, bounded in time and length.
fn gdb_backtrace(zeek: &str, core: &str, timeout_sec: u32) -> String {
    let mut gdb = std::process::Command::new("gdb");
    gdb.args(["-nx", "-batch", "-ex", "bt", zeek, core]);
    let timeout = Duration::from_secs(u64::from(timeout_sec));
    match process::run(&mut gdb, None, timeout) {
        Ok(out) => {
            let text = String::from_utf8_lossy(&out.stdout);
            // gdb prints the crashing frame once when it loads the core
            // and again in the backtrace.
            let mut lines: Vec<&str> = text.lines().filter(|l| l.starts_with('#')).collect();
            lines.dedup();
            let frames: String = lines.iter().map(|l| format!("{l}\n")).collect();
            if frames.is_empty() {
                format!("(gdb gave no frames: {})\n", tail(&text, 5).trim())
            } else {
                tail_of(&frames)
            }
        }
        Err(e) => format!("(cannot run gdb: {e}; the core is {core})\n"),
    }
}

/// The newest `core*` file in `dir` written in the last 10 minutes.
fn newest_core(dir: &Path, now: u64) -> Option<PathBuf> {
    let entries = std::fs::read_dir(dir).ok()?;
    entries
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("core"))
        .filter_map(|e| {
            let mtime = e.metadata().ok()?.modified().ok()?;
            let secs = mtime.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
            (secs + 600 >= now).then_some((secs, e.path()))
        })
        .max()
        .map(|(_, path)| path)
}

/// The reports of file systems that crossed the threshold since the
/// last check (state: one line per low file system in `state/disk-low`).
fn disk_reports(cluster: &Cluster, host: &str, state: &Path) -> Result<Vec<Report>, Failure> {
    let usage = disk::usage(cluster);
    let file = state.join("disk-low");
    let before: Vec<String> = std::fs::read_to_string(&file)
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect();
    let mut low_now = Vec::new();
    let mut reports = Vec::new();
    for fs in &usage {
        let key = fs.key();
        let was_low = before.contains(&key);
        if fs.low() || (was_low && !fs.recovered()) {
            low_now.push(key);
            if !was_low {
                reports.push(disk_report(cluster, host, fs, true));
            }
        } else if was_low {
            reports.push(disk_report(cluster, host, fs, false));
        }
    }
    // The archive path: one report when a fault appears, one when it is
    // gone (the same state file, keyed by the fault).
    let problems = disk::archive_problems(cluster, now());
    for key in ["archive-unwritable", "queue-stalled"] {
        let was = before.iter().any(|k| k == key);
        match problems.iter().find(|p| p.key == key) {
            Some(problem) => {
                low_now.push(key.to_string());
                if !was {
                    reports.push(archive_report(cluster, host, key, Some(&problem.text)));
                }
            }
            None if was => reports.push(archive_report(cluster, host, key, None)),
            None => {}
        }
    }
    for problem in &problems {
        print(&format!("{}\n", problem.text))?;
    }
    std::fs::create_dir_all(state)
        .and_then(|()| std::fs::write(&file, low_now.join("\n") + "\n"))
        .map_err(|e| anyhow::anyhow!("disk watch state {}: {e}", file.display()))?;
    print(&disk::table(&usage))?;
    Ok(reports)
}

fn disk_report(cluster: &Cluster, host: &str, fs: &FsUsage, low: bool) -> Report {
    let what = fs.holds.join(", ");
    let (kind, subject, advice) = if low {
        (
            "disk-low",
            format!("[Zeek] low disk space on {host}: {what}"),
            "Below the threshold Zeek may fail to write or rotate logs, and the archiver to \
             move them: free space, shorten [logs] keep, or move the dir. One report per \
             crossing; the next when it is back above.",
        )
    } else {
        (
            "disk-recovered",
            format!("[Zeek] disk space recovered on {host}: {what}"),
            "Back above the threshold (with a margin of a tenth of it).",
        )
    };
    let mut fields = BTreeMap::new();
    fields.insert("host", host.to_string());
    fields.insert("time", utc(now()));
    fields.insert("filesystem", what.clone());
    fields.insert("path", fs.path.display().to_string());
    fields.insert("free_bytes", fs.free_bytes.to_string());
    fields.insert("min_free_bytes", fs.min_free_bytes.to_string());
    let text = format!(
        "{}\n\n  host:     {host}\n  when:     {}\n  {}\n  ([disk] min_free = {} in {})\n\n{advice}\n",
        subject.trim_start_matches("[Zeek] "),
        utc(now()),
        fs.describe(),
        cluster.settings.operations.min_free,
        cluster.settings.source.display(),
    );
    Report {
        kind,
        subject,
        text,
        fields,
    }
}

/// A fault of the archive path (`problem`: what is wrong) or its end
/// (`None`).
fn archive_report(
    cluster: &Cluster,
    host: &str,
    key: &'static str,
    problem: Option<&str>,
) -> Report {
    let what = match key {
        "archive-unwritable" => "the log archive is not writable",
        _ => "the log queue is not moving",
    };
    let (kind, subject, body) = match problem {
        Some(text) => (
            key,
            format!("[Zeek] {what} on {host}"),
            format!(
                "{text}.\n\nThe archiver (zeek-archiver.service) leaves a log it cannot move \
                 in the queue and tries again; nothing is lost while the spool has room. \
                 Make the archive writable again (or free the queue's file system). One \
                 report per occurrence; the next when it is over."
            ),
        ),
        None => (
            if key == "archive-unwritable" {
                "archive-writable"
            } else {
                "queue-moving"
            },
            format!("[Zeek] over on {host}: {what}"),
            "Over: the archiver can move logs again.".to_string(),
        ),
    };
    let mut fields = BTreeMap::new();
    fields.insert("host", host.to_string());
    fields.insert("time", utc(now()));
    fields.insert(
        "path",
        cluster.settings.install.log_dir.display().to_string(),
    );
    if let Some(text) = problem {
        fields.insert("problem", text.to_string());
    }
    Report {
        kind,
        text: format!(
            "{}\n\n  host:     {host}\n  when:     {}\n  archive:  {}\n\n{body}\n",
            subject.trim_start_matches("[Zeek] "),
            utc(now()),
            cluster.settings.install.log_dir.display(),
        ),
        subject,
        fields,
    }
}

fn test_report(cluster: &Cluster, host: &str) -> Report {
    let mut fields = BTreeMap::new();
    fields.insert("host", host.to_string());
    fields.insert("time", utc(now()));
    Report {
        kind: "test",
        subject: format!("[Zeek] test alert from {host}"),
        text: format!(
            "A test of the alert channels of {} on {host} at {}; crash and disk-space \
             reports arrive the same way.\n",
            cluster.settings.source.display(),
            utc(now())
        ),
        fields,
    }
}
