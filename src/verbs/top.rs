//! `top`: every node of this host (with `--cluster`, of every host, each
//! asked with `systemctl -H` as `status --cluster` asks) with its CPU %,
//! memory and PID, from systemd's own accounting: `CPUUsageNSec` sampled
//! twice `--interval` apart, `MemoryCurrent`, `MainPID`. Refreshed like
//! `top` until interrupted; `--once` and `--json` for scripts.

use std::fmt::Write as _;
use std::io::Write as _;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use serde::Serialize;

use super::status::cluster_view::{self, HostView};
use super::{print, Context};
use crate::error::Failure;
use crate::generator::plan;
use crate::model::Cluster;
use crate::ops::systemctl::{self, unit_status, PROPERTIES};
use crate::ops::table;

/// `top` arguments.
#[derive(clap::Args, Debug)]
pub struct TopArgs {
    /// One sample (over one interval), printed once.
    #[arg(long)]
    pub once: bool,
    /// Print JSON instead of the table (implies --once).
    #[arg(long)]
    pub json: bool,
    /// Seconds between the two samples of CPU time, and between refreshes.
    #[arg(long, value_name = "SECONDS", default_value_t = 2.0)]
    pub interval: f64,
    /// Every node of every host of a multi-host cluster (each other host
    /// asked with `systemctl -H HOST`, over SSH).
    #[arg(long)]
    pub cluster: bool,
    /// The SSH user for --cluster (`USER@HOST`); default: ssh's own.
    #[arg(long, value_name = "USER", requires = "cluster")]
    pub ssh_user: Option<String>,
}

/// One node's line.
#[derive(Debug, Serialize, PartialEq)]
pub struct Usage {
    /// The node's host, in a multi-host cluster.
    pub host: Option<String>,
    pub node: String,
    pub role: String,
    /// `running`, `stopped`, ... as `status` says it.
    pub state: String,
    pub pid: Option<u32>,
    /// CPU time used over the interval per wall-clock time, in percent of
    /// one CPU (200 = two CPUs busy); `None` when not running throughout.
    pub cpu_percent: Option<f64>,
    pub memory_bytes: Option<u64>,
}

/// A host that could not be asked.
#[derive(Debug, Serialize)]
pub struct Unreachable {
    pub host: String,
    pub error: String,
}

/// One sample of the whole view.
#[derive(Debug, Serialize)]
pub struct Sample {
    pub interval_secs: f64,
    pub nodes: Vec<Usage>,
    pub unreachable: Vec<Unreachable>,
}

/// Runs `top`.
pub fn exec(args: &TopArgs, ctx: &Context) -> Result<(), Failure> {
    let cluster = ctx.load()?;
    if args.cluster && cluster.hosts.is_empty() {
        return Err(Failure::Other(anyhow::anyhow!(
            "--cluster: {} is a single-host config; `zeek-systemd top` shows all of it",
            cluster.settings.source.display()
        )));
    }
    if !args.cluster {
        systemctl::require(ctx.env, "the nodes' CPU and memory are unknown here")?;
    }
    let interval = Duration::from_secs_f64(args.interval.clamp(0.1, 3600.0));
    let mut before = views(&cluster, args)?;
    let mut taken = Instant::now();
    loop {
        std::thread::sleep(interval.saturating_sub(taken.elapsed()));
        let mut after = views(&cluster, args)?;
        resident_memory(&mut after, ctx.env);
        let elapsed = taken.elapsed();
        taken = Instant::now();
        let sample = sample(&before, &after, elapsed);
        if args.json {
            let text = serde_json::to_string_pretty(&sample).context("cannot encode")? + "\n";
            return Ok(print(&text)?);
        }
        if args.once {
            return Ok(print(&table(&sample))?);
        }
        // Clear the screen and go home, as top does.
        print(&format!("\x1b[H\x1b[2J{}", table(&sample)))?;
        let _ = std::io::stdout().flush();
        before = after;
    }
}

/// systemd's view of the nodes, per host (this host's only, unless
/// `--cluster`).
fn views(cluster: &Cluster, args: &TopArgs) -> Result<Vec<HostView>, Failure> {
    if args.cluster {
        return Ok(cluster_view::collect(cluster, args.ssh_user.as_deref()));
    }
    let rows: Vec<(String, String, String)> = cluster
        .local_nodes()
        .map(|n| (plan::unit_name(n), n.name.clone(), n.role.to_string()))
        .collect();
    let units: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    let props = systemctl::show(&units, &PROPERTIES)?;
    let units = rows
        .into_iter()
        .zip(props)
        .map(|((unit, node, role), p)| unit_status(unit, Some(node), role, &p))
        .collect();
    Ok(vec![HostView {
        host: cluster.settings.this_host.clone().unwrap_or_default(),
        target: None,
        units,
        error: None,
    }])
}

/// Where systemd keeps no memory accounting for a unit (`MemoryCurrent`
/// unset: no memory controller, as in many containers), the resident
/// memory of its main process (`VmRSS`), for the nodes of this host.
fn resident_memory(views: &mut [HostView], env: &crate::env::Environment) {
    for unit in views
        .iter_mut()
        .filter(|v| v.target.is_none())
        .flat_map(|v| v.units.iter_mut())
        .filter(|u| u.memory_bytes.is_none())
    {
        let Some(pid) = unit.pid else { continue };
        let status = std::fs::read_to_string(env.path(&format!("/proc/{pid}/status")));
        unit.memory_bytes = status.ok().as_deref().and_then(vm_rss);
    }
}

/// `VmRSS:   123456 kB` of /proc/PID/status, in bytes.
fn vm_rss(status: &str) -> Option<u64> {
    let line = status.lines().find_map(|l| l.strip_prefix("VmRSS:"))?;
    let kib: u64 = line.trim().strip_suffix("kB")?.trim().parse().ok()?;
    Some(kib * 1024)
}

/// Each node of `after` with its CPU % since `before` (same process
/// throughout: the same PID in both).
pub fn sample(before: &[HostView], after: &[HostView], elapsed: Duration) -> Sample {
    let multi_host = after.len() > 1 || after.iter().any(|v| v.target.is_some());
    let mut nodes = Vec::new();
    let mut unreachable = Vec::new();
    for view in after {
        if let Some(error) = &view.error {
            unreachable.push(Unreachable {
                host: view.host.clone(),
                error: error.clone(),
            });
        }
        for unit in &view.units {
            let earlier = before
                .iter()
                .flat_map(|v| &v.units)
                .find(|u| u.unit == unit.unit && u.pid.is_some() && u.pid == unit.pid);
            let cpu_percent = match (earlier.and_then(|u| u.cpu_time_ns), unit.cpu_time_ns) {
                (Some(t0), Some(t1)) if !elapsed.is_zero() => {
                    Some(t1.saturating_sub(t0) as f64 / elapsed.as_nanos() as f64 * 100.0)
                }
                _ => None,
            };
            nodes.push(Usage {
                host: multi_host.then(|| view.host.clone()),
                node: unit.node.clone().unwrap_or_else(|| unit.unit.clone()),
                role: unit.role.clone(),
                state: unit.state.name().to_string(),
                pid: unit.pid,
                cpu_percent,
                memory_bytes: unit.memory_bytes.filter(|_| unit.pid.is_some()),
            });
        }
    }
    Sample {
        interval_secs: elapsed.as_secs_f64(),
        nodes,
        unreachable,
    }
}

/// The table: HOST (multi-host), NODE, ROLE, STATE, PID, CPU%, MEM; hosts
/// that could not be asked below it.
pub fn table(sample: &Sample) -> String {
    let with_host = sample.nodes.iter().any(|u| u.host.is_some());
    let dash = || "-".to_string();
    let header = ["NODE", "ROLE", "STATE", "PID", "CPU%", "MEM"];
    let mut rows: Vec<Vec<String>> = vec![with_host
        .then(|| "HOST".to_string())
        .into_iter()
        .chain(header.iter().map(|h| h.to_string()))
        .collect()];
    for u in &sample.nodes {
        rows.push(
            u.host
                .clone()
                .filter(|_| with_host)
                .into_iter()
                .chain([
                    u.node.clone(),
                    u.role.clone(),
                    u.state.clone(),
                    u.pid.map_or_else(dash, |p| p.to_string()),
                    u.cpu_percent.map_or_else(dash, |c| format!("{c:.1}")),
                    u.memory_bytes.map_or_else(dash, table::bytes),
                ])
                .collect(),
        );
    }
    let mut out = table::format(&rows);
    for host in &sample.unreachable {
        let _ = writeln!(out, "{}: cannot be asked: {}", host.host, host.error);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::systemctl::parse_show;

    fn view(pid: u32, cpu_ns: u64) -> Vec<HostView> {
        let props = parse_show(&format!(
            "MainPID={pid}\nActiveState=active\nSubState=running\nLoadState=loaded\n\
             CPUUsageNSec={cpu_ns}\nMemoryCurrent=104857600\nNRestarts=0\n"
        ));
        vec![HostView {
            host: "h".into(),
            target: None,
            units: vec![unit_status(
                "zeek@worker-1.service".into(),
                Some("worker-1".into()),
                "worker".into(),
                &props[0],
            )],
            error: None,
        }]
    }

    #[test]
    fn cpu_percent_is_cpu_time_over_wall_time() {
        let sample = sample(
            &view(42, 1_000_000_000),
            &view(42, 1_500_000_000),
            Duration::from_secs(1),
        );
        assert_eq!(sample.nodes[0].cpu_percent, Some(50.0));
        assert_eq!(
            table(&sample),
            "NODE      ROLE    STATE    PID  CPU%  MEM\n\
             worker-1  worker  running  42   50.0  100M\n"
        );
    }

    #[test]
    fn resident_memory_from_proc_status() {
        let status = "Name:\tzeek\nVmRSS:\t  204800 kB\nVmData:\t1 kB\n";
        assert_eq!(vm_rss(status), Some(200 << 20));
        assert_eq!(vm_rss("Name:\tkthreadd\n"), None);
    }

    #[test]
    fn a_restarted_node_has_no_cpu_percent_for_the_interval() {
        let sample = sample(
            &view(42, 9_000_000_000),
            &view(43, 100),
            Duration::from_secs(1),
        );
        assert_eq!(sample.nodes[0].cpu_percent, None);
        assert_eq!(sample.nodes[0].pid, Some(43));
    }
}
