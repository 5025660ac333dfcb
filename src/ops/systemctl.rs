//! Asking the running systemd about units, for the operator verbs
//! (`status`, `diag`, `alert`, `check --deep`, `deploy`'s wait):
//! `systemctl show`, whose properties are systemd's own D-Bus properties
//! printed as text.

use std::collections::BTreeMap;
use std::process::Command;

use anyhow::{bail, Context as _};
use serde::Serialize;

use super::process;
use crate::env::{Environment, SYSTEMD_BOOTED_DIR};

/// Why systemd cannot be asked about units on this machine, in one line
/// with what to do; `None` when systemd runs as PID 1. `so` says what
/// that means for the verb ("the state of its nodes is unknown here").
pub fn unavailable(env: &Environment, so: &str) -> Option<String> {
    (!env.systemd_booted).then(|| {
        format!(
            "systemd is not running as PID 1 on this machine ({} is missing): the cluster \
             runs only under systemd, so {so}; run this on the host \
             that runs the cluster",
            env.path(&format!("/{SYSTEMD_BOOTED_DIR}")).display()
        )
    })
}

/// [`unavailable`] as an error: verbs that cannot do anything without
/// systemd call this first, before they read or change anything.
pub fn require(env: &Environment, so: &str) -> anyhow::Result<()> {
    match unavailable(env, so) {
        Some(why) => Err(anyhow::anyhow!(why)),
        None => Ok(()),
    }
}

/// systemctl's own words for "no systemd to talk to" (no systemd as PID
/// 1, its bus not reachable), turned into one line with what to do;
/// `None` for any other failure. `host`: the machine asked (`-H`).
fn no_manager(stderr: &str, host: Option<&str>) -> Option<String> {
    let no_bus = stderr.contains("has not been booted with systemd")
        || stderr.contains("Failed to connect to bus")
        || stderr.contains("Failed to connect to system scope bus");
    no_bus.then(|| match host {
        Some(host) => format!(
            "systemd on {host} cannot be asked ({}): is {host} up and does it run systemd \
             as PID 1?",
            stderr.lines().last().unwrap_or("").trim()
        ),
        None => "systemd cannot be asked on this machine (systemctl: no systemd as PID 1, \
                 or its bus is down): the cluster runs only under systemd; run this on the \
                 host that runs the cluster"
            .to_string(),
    })
}

/// One unit's properties, as `systemctl show` printed them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Props(pub BTreeMap<String, String>);

impl Props {
    /// The property's text; empty when systemd did not print it.
    pub fn get(&self, key: &str) -> &str {
        self.0.get(key).map(String::as_str).unwrap_or("")
    }

    /// A number property; `None` when unset (`[not set]`, empty, or
    /// systemd's "infinity" sentinel `u64::MAX`).
    pub fn number(&self, key: &str) -> Option<u64> {
        self.get(key).parse().ok().filter(|&n| n != u64::MAX)
    }

    /// A timestamp printed with `--timestamp=unix` (`@1700000000`), in
    /// seconds since the epoch; `None` when it never happened.
    pub fn unix_time(&self, key: &str) -> Option<u64> {
        self.get(key)
            .strip_prefix('@')
            .and_then(|t| t.parse().ok())
            .filter(|&t| t != 0)
    }
}

/// How a process ended (`ExecMainCode`/`ExecMainStatus`, or `EXIT_CODE`/
/// `EXIT_STATUS` of systemd's journal record).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Exited with this status.
    Code(i32),
    /// Killed by this signal; `core` when it dumped core.
    Signal { number: i32, core: bool },
}

impl Exit {
    /// From `ExecMainCode` (the `si_code` of SIGCHLD: 1 exited, 2 killed,
    /// 3 dumped) and `ExecMainStatus`.
    pub fn from_main(code: &str, status: &str) -> Option<Exit> {
        let status: i32 = status.parse().ok()?;
        match code {
            "1" | "exited" => Some(Exit::Code(status)),
            "2" | "killed" => Some(Exit::Signal {
                number: status,
                core: false,
            }),
            "3" | "dumped" => Some(Exit::Signal {
                number: status,
                core: true,
            }),
            _ => None,
        }
    }
}

impl std::fmt::Display for Exit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Exit::Code(status) => write!(f, "exit {status}"),
            Exit::Signal { number, core } => {
                match nix::sys::signal::Signal::try_from(number) {
                    Ok(signal) => write!(f, "signal {}", &signal.as_str()[3..])?,
                    Err(_) => write!(f, "signal {number}")?,
                }
                if core {
                    f.write_str(" (core dumped)")?;
                }
                Ok(())
            }
        }
    }
}

/// `systemctl show` of `units`, one [`Props`] per unit in the same order.
pub fn show(units: &[String], properties: &[&str]) -> anyhow::Result<Vec<Props>> {
    show_on(None, units, properties)
}

/// How long a host of `status --cluster` gets to answer (SSH included).
const REMOTE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);

/// Runs `command` to its end, or kills it after `limit` (an unreachable
/// host: ssh would wait for the TCP timeout).
fn output_within(
    command: &mut Command,
    limit: std::time::Duration,
) -> std::io::Result<std::process::Output> {
    let output = process::run(command, None, limit)?;
    let status = output.status.ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            format!("no answer within {} s", limit.as_secs()),
        )
    })?;
    Ok(std::process::Output {
        status,
        stdout: output.stdout,
        stderr: output.stderr,
    })
}

/// [`show`] on `host` (`systemctl -H [USER@]HOST`: systemd's own remote
/// access, over SSH) or, for `None`, on this machine.
pub fn show_on(
    host: Option<&str>,
    units: &[String],
    properties: &[&str],
) -> anyhow::Result<Vec<Props>> {
    if units.is_empty() {
        return Ok(Vec::new());
    }
    let mut command = Command::new("systemctl");
    if let Some(host) = host {
        command.arg("-H").arg(host);
    }
    command
        .arg("show")
        .arg("--timestamp=unix")
        .arg(format!("--property={}", properties.join(",")))
        .arg("--")
        .args(units);
    let output = match host {
        None => command.output(),
        Some(_) => output_within(&mut command, REMOTE_TIMEOUT),
    }
    .with_context(|| match host {
        Some(host) => format!("cannot ask {host}"),
        None => "cannot run systemctl (is systemd installed?)".to_string(),
    })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        if let Some(why) = no_manager(&stderr, host) {
            bail!(why);
        }
        bail!(
            "systemctl show failed ({}): {}",
            output.status,
            stderr.trim()
        );
    }
    let blocks = parse_show(&String::from_utf8_lossy(&output.stdout));
    if blocks.len() != units.len() {
        bail!(
            "systemctl show printed {} units for the {} asked about",
            blocks.len(),
            units.len()
        );
    }
    Ok(blocks)
}

/// Splits `systemctl show` output for several units (blocks separated by
/// an empty line) into one map per unit.
pub fn parse_show(text: &str) -> Vec<Props> {
    let mut blocks = Vec::new();
    let mut current = BTreeMap::new();
    for line in text.lines() {
        if line.is_empty() {
            if !current.is_empty() {
                blocks.push(Props(std::mem::take(&mut current)));
            }
            continue;
        }
        if let Some((key, value)) = line.split_once('=') {
            current.insert(key.to_string(), value.to_string());
        }
    }
    if !current.is_empty() {
        blocks.push(Props(current));
    }
    blocks
}

/// The environment systemd gives every service (`systemctl
/// show-environment`: LANG and the like); empty when systemd is not
/// running.
pub fn manager_environment() -> Vec<(String, String)> {
    let Ok(output) = Command::new("systemctl").arg("show-environment").output() else {
        return Vec::new();
    };
    if !output.status.success() {
        return Vec::new();
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Runs a read-only tool (journalctl, coredumpctl) and returns its stdout,
/// or a line saying why there is none.
pub fn tool_output(program: &str, args: &[&str]) -> String {
    match Command::new(program).args(args).output() {
        Ok(output) => {
            let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
            let stderr = String::from_utf8_lossy(&output.stderr);
            if !output.status.success() && text.trim().is_empty() {
                text = format!("({program} {}: {})\n", output.status, stderr.trim());
            }
            text
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            format!("({program} is not installed)\n")
        }
        Err(e) => format!("(cannot run {program}: {e})\n"),
    }
}

/// The properties `status` reads of every unit (and `diag` of one).
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_systemd_is_one_line_with_what_to_do() {
        let raw = "System has not been booted with systemd as init system (PID 1). Can't \
                   operate.\nFailed to connect to bus: Host is down\n";
        let local = no_manager(raw, None).unwrap();
        assert!(
            !local.contains('\n') && local.contains("run this on the host"),
            "{local}"
        );
        let remote = no_manager(raw, Some("sensor1")).unwrap();
        assert!(remote.starts_with("systemd on sensor1 cannot be asked (Failed to connect"));
        assert_eq!(no_manager("Unit x.service not found.", None), None);
    }

    #[test]
    fn blocks_split_on_empty_lines() {
        let blocks = parse_show("Id=a.service\nMainPID=3\n\nId=b.service\nMainPID=0\n");
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[1].get("Id"), "b.service");
        assert_eq!(blocks[0].number("MainPID"), Some(3));
    }

    #[test]
    fn exits_read_as_systemd_reports_them() {
        assert_eq!(Exit::from_main("1", "3").unwrap().to_string(), "exit 3");
        assert_eq!(
            Exit::from_main("2", "9").unwrap().to_string(),
            "signal KILL"
        );
        assert_eq!(
            Exit::from_main("dumped", "11").unwrap().to_string(),
            "signal SEGV (core dumped)"
        );
        assert_eq!(Exit::from_main("0", "0"), None);
    }

    #[test]
    fn unset_numbers_and_times_are_none() {
        let p = &parse_show(
            "CPUUsageNSec=[not set]\nMemoryCurrent=18446744073709551615\nX=@0\nY=@1700000000\n",
        )[0];
        assert_eq!(p.number("CPUUsageNSec"), None);
        assert_eq!(p.number("MemoryCurrent"), None);
        assert_eq!(p.unix_time("X"), None);
        assert_eq!(p.unix_time("Y"), Some(1_700_000_000));
    }

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

/// A unit's row from its `systemctl show` properties.
pub fn unit_status(unit: String, node: Option<String>, role: String, p: &Props) -> UnitStatus {
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
