//! `status`: systemd's view of this host's nodes, the setup and the
//! archiver units, as one table (like `zeekctl status`) or JSON.

use std::fmt::Write as _;
use std::path::PathBuf;

use serde::Serialize;

use crate::model::Cluster;
use crate::systemd::{self, Exit, Props};

/// The properties `status` reads.
pub const PROPERTIES: [&str; 14] = [
    "Id",
    "Restart",
    "LoadState",
    "ActiveState",
    "SubState",
    "Result",
    "MainPID",
    "NRestarts",
    "ExecMainCode",
    "ExecMainStatus",
    "StateChangeTimestamp",
    "CPUUsageNSec",
    "MemoryCurrent",
    "CPUAffinity",
];

/// Everything `status` reports.
#[derive(Debug, Serialize)]
pub struct Status {
    pub config: ConfigState,
    /// The nodes of this host first (layout order), then zeek-setup and
    /// zeek-archiver.
    pub units: Vec<UnitStatus>,
}

/// The config the status was taken against.
#[derive(Debug, Serialize)]
pub struct ConfigState {
    pub source: PathBuf,
    /// `valid`, or `INVALID: <error>; the cluster keeps running on the
    /// last good config (<dir>)` (then `source` is that last good copy).
    pub state: String,
}

/// A node's (or helper unit's) state in an operator's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    Running,
    /// Died; systemd starts it again after `RestartSec=`.
    Restarting,
    Starting,
    Stopping,
    Failed,
    /// Stopped after having run.
    Stopped,
    /// Never started since boot (or since its units were loaded).
    NotStarted,
    /// systemd has no such unit (not generated: run `daemon-reload`).
    NotLoaded,
    /// A oneshot that finished successfully (zeek-setup).
    Done,
}

impl State {
    /// The state as the table prints it.
    pub fn name(self) -> &'static str {
        match self {
            State::Running => "running",
            State::Restarting => "restarting",
            State::Starting => "starting",
            State::Stopping => "stopping",
            State::Failed => "failed",
            State::Stopped => "stopped",
            State::NotStarted => "not started",
            State::NotLoaded => "not loaded",
            State::Done => "done",
        }
    }
}

/// One row of the table.
#[derive(Debug, Serialize)]
pub struct UnitStatus {
    pub unit: String,
    /// The node name; `None` for zeek-setup and zeek-archiver.
    pub node: Option<String>,
    /// manager, logger, proxy, worker, setup or archiver.
    pub role: String,
    pub state: State,
    /// systemd's own words for it (`activating/auto-restart`).
    pub systemd_state: String,
    pub pid: Option<u32>,
    /// When the unit entered its current state (seconds since the epoch).
    pub since: Option<u64>,
    pub restarts: u64,
    /// How the main process last ended, when it is not running.
    pub last_exit: Option<String>,
    pub cpu_time_ns: Option<u64>,
    pub memory_bytes: Option<u64>,
    /// `CPUAffinity=` as systemd applies it; `None`: all CPUs.
    pub cpus: Option<String>,
}

/// Reads the state of this host's units from systemd; `config_state` says
/// whether `cluster` is the valid config on disk (`valid`) or what else.
pub fn collect(cluster: &Cluster, config_state: String) -> anyhow::Result<Status> {
    let mut rows: Vec<(String, Option<String>, String)> = cluster
        .local_nodes()
        .map(|n| {
            (
                crate::plan::unit_name(n),
                Some(n.name.clone()),
                n.role.to_string(),
            )
        })
        .collect();
    rows.push(("zeek-setup.service".into(), None, "setup".into()));
    if cluster.archiver.is_some() {
        rows.push(("zeek-archiver.service".into(), None, "archiver".into()));
    }
    let units: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    let props = systemd::show(&units, &PROPERTIES)?;
    let units = rows
        .into_iter()
        .zip(props)
        .map(|((unit, node, role), props)| unit_status(unit, node, role, &props))
        .collect();
    Ok(Status {
        config: ConfigState {
            source: cluster.source.clone(),
            state: config_state,
        },
        units,
    })
}

fn unit_status(unit: String, node: Option<String>, role: String, p: &Props) -> UnitStatus {
    let state = classify(p);
    let running = matches!(state, State::Running | State::Stopping);
    UnitStatus {
        unit,
        node,
        role,
        state,
        systemd_state: format!("{}/{}", p.get("ActiveState"), p.get("SubState")),
        pid: p
            .number("MainPID")
            .filter(|&pid| pid != 0)
            .and_then(|pid| u32::try_from(pid).ok()),
        since: p.unix_time("StateChangeTimestamp"),
        restarts: p.number("NRestarts").unwrap_or(0),
        last_exit: (!running)
            .then(|| Exit::from_main(p.get("ExecMainCode"), p.get("ExecMainStatus")))
            .flatten()
            .map(|e| e.to_string()),
        cpu_time_ns: p.number("CPUUsageNSec"),
        memory_bytes: p.number("MemoryCurrent"),
        cpus: Some(p.get("CPUAffinity").to_string()).filter(|c| !c.is_empty()),
    }
}

/// systemd's (ActiveState, SubState, LoadState) in an operator's words.
pub fn classify(p: &Props) -> State {
    if p.get("LoadState") != "loaded" {
        return State::NotLoaded;
    }
    match (p.get("ActiveState"), p.get("SubState")) {
        ("active", "exited") => State::Done,
        ("active", _) | ("reloading", _) => State::Running,
        ("activating", "auto-restart") => State::Restarting,
        ("activating", _) => State::Starting,
        // The crash hook (ExecStopPost=) runs after a node died; systemd
        // restarts it next.
        ("deactivating", _) if p.get("Result") != "success" && p.get("Restart") != "no" => {
            State::Restarting
        }
        ("deactivating", _) => State::Stopping,
        ("failed", _) => State::Failed,
        _ if p.unix_time("StateChangeTimestamp").is_none() => State::NotStarted,
        _ => State::Stopped,
    }
}

impl Status {
    /// Whether every node of this host is running (helpers do not count).
    pub fn all_nodes_running(&self) -> bool {
        self.units
            .iter()
            .filter(|u| u.node.is_some())
            .all(|u| u.state == State::Running)
    }

    /// The table, with ages relative to `now` (seconds since the epoch).
    pub fn table(&self, now: u64) -> String {
        let dash = || "-".to_string();
        let mut rows: Vec<[String; 10]> = vec![[
            "NODE",
            "ROLE",
            "STATE",
            "PID",
            "SINCE",
            "RESTARTS",
            "LAST-EXIT",
            "CPU-TIME",
            "MEMORY",
            "CPUS",
        ]
        .map(String::from)];
        for u in &self.units {
            rows.push([
                u.node.clone().unwrap_or_else(|| u.unit.clone()),
                u.role.clone(),
                u.state.name().to_string(),
                u.pid.map_or_else(dash, |p| p.to_string()),
                u.since
                    .map_or_else(dash, |t| format!("{} ago", age(now.saturating_sub(t)))),
                u.restarts.to_string(),
                u.last_exit.clone().unwrap_or_else(dash),
                u.cpu_time_ns.map_or_else(dash, cpu_time),
                u.memory_bytes.map_or_else(dash, bytes),
                u.cpus.clone().unwrap_or_else(|| "all".into()),
            ]);
        }
        let mut out = format_table(&rows);
        let down = self
            .units
            .iter()
            .filter(|u| u.node.is_some() && u.state != State::Running)
            .count();
        let nodes = self.units.iter().filter(|u| u.node.is_some()).count();
        let _ = writeln!(
            out,
            "\nconfig {}: {}; {} of {nodes} node(s) running",
            self.config.source.display(),
            self.config.state,
            nodes - down
        );
        out
    }
}

/// Left-aligned columns, two spaces apart, no trailing blanks.
pub fn format_table<const N: usize>(rows: &[[String; N]]) -> String {
    let mut widths = [0usize; N];
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (cell, w) in row.iter().zip(widths) {
            let _ = write!(line, "{cell:<w$}  ");
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// `42s`, `3min 5s`, `2h 4min`, `3d 1h`.
pub fn age(secs: u64) -> String {
    match secs {
        0..=59 => format!("{secs}s"),
        60..=3599 => format!("{}min {}s", secs / 60, secs % 60),
        3600..=86399 => format!("{}h {}min", secs / 3600, secs % 3600 / 60),
        _ => format!("{}d {}h", secs / 86400, secs % 86400 / 3600),
    }
}

/// `0.12s` below a minute, then as [`age`].
pub fn cpu_time(ns: u64) -> String {
    if ns < 60_000_000_000 {
        format!("{:.2}s", ns as f64 / 1e9)
    } else {
        age(ns / 1_000_000_000)
    }
}

/// `812K`, `1.2M`, `3.4G` (powers of 1024, as systemctl prints them).
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "K", "M", "G", "T"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 || value >= 100.0 {
        format!("{value:.0}{}", UNITS[unit])
    } else {
        format!("{value:.1}{}", UNITS[unit])
    }
}

/// Seconds since the epoch, now.
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::systemd::parse_show;

    fn state_of(text: &str) -> State {
        classify(&parse_show(&format!("LoadState=loaded\n{text}"))[0])
    }

    #[test]
    fn states_in_an_operators_words() {
        let since = "StateChangeTimestamp=@1700000000\n";
        assert_eq!(
            state_of("ActiveState=active\nSubState=running\n"),
            State::Running
        );
        assert_eq!(
            state_of("ActiveState=activating\nSubState=auto-restart\n"),
            State::Restarting
        );
        assert_eq!(
            state_of("ActiveState=failed\nSubState=failed\n"),
            State::Failed
        );
        assert_eq!(
            state_of(
                "ActiveState=deactivating\nSubState=stop-post\nResult=signal\nRestart=always\n"
            ),
            State::Restarting
        );
        assert_eq!(
            state_of(
                "ActiveState=deactivating\nSubState=stop-sigterm\nResult=success\nRestart=always\n"
            ),
            State::Stopping
        );
        assert_eq!(
            state_of(&format!("ActiveState=inactive\nSubState=dead\n{since}")),
            State::Stopped
        );
        assert_eq!(
            state_of("ActiveState=inactive\nSubState=dead\nStateChangeTimestamp=\n"),
            State::NotStarted
        );
        assert_eq!(
            state_of("ActiveState=active\nSubState=exited\n"),
            State::Done
        );
        assert_eq!(
            classify(&parse_show("LoadState=not-found\nActiveState=inactive\n")[0]),
            State::NotLoaded
        );
    }

    #[test]
    fn ages_and_sizes() {
        assert_eq!(age(5), "5s");
        assert_eq!(age(185), "3min 5s");
        assert_eq!(age(7440), "2h 4min");
        assert_eq!(bytes(512), "512B");
        assert_eq!(bytes(1536), "1.5K");
        assert_eq!(bytes(300 << 20), "300M");
    }
}
