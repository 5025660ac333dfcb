//! `netstats`: packets received, dropped and seen on the link per worker,
//! like `zeekctl netstats`, read from each worker's Prometheus endpoint
//! (`http://<address>:<metrics port>/metrics`, the ports of the layout).
//!
//! Zeek's telemetry framework exports these counters as
//! `zeek_net_received_packets_total`, `zeek_net_dropped_packets_total` and
//! `zeek_net_link_packets_total`: Zeek 7.1+ (prometheus-cpp) as plain
//! integers, e.g. `zeek_net_received_packets_total 840`; Zeek 6/7.0
//! (Broker) with an `endpoint` label (the node name, or empty), a float
//! value and a timestamp, e.g.
//! `zeek_net_link_packets_total{endpoint=""} 19664.000000 1684826824560`.

use std::fmt::Write as _;
use std::time::Duration;

use anyhow::Context as _;
use serde::Serialize;

use super::{print, Context};
use crate::env::Environment;
use crate::error::Failure;
use crate::generator::plan;
use crate::log::Log;
use crate::model::{Cluster, Node, Role};
use crate::ops::systemctl::{self, classify, State, PROPERTIES};
use crate::ops::table;

/// `netstats` arguments.
#[derive(clap::Args, Debug)]
pub struct NetstatsArgs {
    /// Print JSON instead of the table.
    #[arg(long)]
    pub json: bool,
    /// The workers of every host of a multi-host cluster (their metrics
    /// endpoints on their hosts' addresses), not only this host's.
    #[arg(long)]
    pub cluster: bool,
}

/// Runs `netstats`: exit 3 when systemd says a worker of this host is not
/// running, or when no worker answered (the cluster is down).
pub fn exec(args: &NetstatsArgs, ctx: &Context) -> Result<(), Failure> {
    let cluster = ctx.load()?;
    let mut stats = collect(&cluster, args.cluster);
    let stopped = mark_stopped(&cluster, &mut stats, ctx.env);
    let text = if args.json {
        serde_json::to_string_pretty(&stats).context("cannot encode the counters")? + "\n"
    } else {
        table(&stats)
    };
    print(&text).map_err(Failure::Other)?;
    match down_line(&stats, stopped, ctx.env) {
        Some(line) => {
            Log::stderr().error(&line);
            Err(Failure::NotRunning)
        }
        None => Ok(()),
    }
}

/// Says "not running" for each worker of this host without counters that
/// systemd has not running (when systemd runs here); how many there are.
fn mark_stopped(cluster: &Cluster, stats: &mut [WorkerStats], env: &Environment) -> usize {
    if !env.systemd_booted {
        return 0;
    }
    let silent: Vec<(usize, String)> = (stats.iter().enumerate())
        .filter(|(_, s)| s.counters.is_none())
        .filter_map(|(i, s)| {
            let node = cluster.nodes.iter().find(|n| n.name == s.node)?;
            node.local.then(|| (i, plan::unit_name(node)))
        })
        .collect();
    let units: Vec<String> = silent.iter().map(|(_, unit)| unit.clone()).collect();
    let Ok(props) = systemctl::show(&units, &PROPERTIES) else {
        return 0;
    };
    let mut stopped = 0;
    for ((i, unit), props) in silent.iter().zip(props) {
        let state = classify(&props);
        if state != State::Running {
            stats[*i].error = Some(format!(
                "not running: {unit} is {} ({}/{})",
                state.name(),
                props.get("ActiveState"),
                props.get("SubState")
            ));
            stopped += 1;
        }
    }
    stopped
}

/// The line that says the cluster (or some workers) is down, with what to
/// do; `None` when the workers that could answer did.
fn down_line(stats: &[WorkerStats], stopped: usize, env: &Environment) -> Option<String> {
    const WHAT_TO_DO: &str =
        "`zeek-systemd status` shows the nodes, `systemctl start zeek.target` starts the cluster";
    if stopped > 0 {
        return Some(format!(
            "{stopped} of {} worker(s) not running on this host: {WHAT_TO_DO}",
            stats.len()
        ));
    }
    let asked: Vec<&WorkerStats> = stats.iter().filter(|s| s.url.is_some()).collect();
    if asked.is_empty() || asked.iter().any(|s| s.counters.is_some()) {
        return None;
    }
    Some(
        match systemctl::unavailable(env, "no worker of it runs here") {
            Some(why) => format!("no worker answered; {why}"),
            None => format!("no worker answered: is the cluster running? {WHAT_TO_DO}"),
        },
    )
}

const RECEIVED: &str = "zeek_net_received_packets_total";
const DROPPED: &str = "zeek_net_dropped_packets_total";
const LINK: &str = "zeek_net_link_packets_total";

/// How long one endpoint may take to answer.
const TIMEOUT: Duration = Duration::from_secs(3);
/// Endpoints asked at once.
const PARALLEL: usize = 32;

/// One worker's counters, or why there are none.
#[derive(Debug, Serialize)]
pub struct WorkerStats {
    pub node: String,
    /// The URL read; `None` when the node has no metrics port.
    pub url: Option<String>,
    #[serde(flatten)]
    pub counters: Option<Counters>,
    /// Why there are no counters (unreachable, not Zeek's format ...).
    pub error: Option<String>,
}

/// Zeek's packet counters of one process.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counters {
    pub received: u64,
    pub dropped: u64,
    /// Packets on the link before filtering; `None` when the packet source
    /// does not report it.
    pub link: Option<u64>,
}

/// The counters of this host's workers, or with `all` of every host's.
pub fn collect(cluster: &Cluster, all: bool) -> Vec<WorkerStats> {
    let workers: Vec<&Node> = cluster
        .nodes
        .iter()
        .filter(|n| n.local || all)
        .filter(|n| n.role == Role::Worker)
        .collect();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(TIMEOUT))
        .build()
        .into();
    let mut out = Vec::with_capacity(workers.len());
    for chunk in workers.chunks(PARALLEL) {
        std::thread::scope(|scope| {
            let handles: Vec<_> = chunk
                .iter()
                .map(|node| scope.spawn(|| read_worker(&agent, node)))
                .collect();
            for (handle, node) in handles.into_iter().zip(chunk) {
                out.push(handle.join().unwrap_or_else(|_| WorkerStats {
                    node: node.name.clone(),
                    url: None,
                    counters: None,
                    error: Some("reading its metrics failed".into()),
                }));
            }
        });
    }
    out
}

/// The URL of a node's metrics endpoint.
pub fn metrics_url(node: &Node) -> Option<String> {
    Some(format!("http://{}/metrics", node.metrics_target()?))
}

fn read_worker(agent: &ureq::Agent, node: &Node) -> WorkerStats {
    let mut stats = WorkerStats {
        node: node.name.clone(),
        url: metrics_url(node),
        counters: None,
        error: None,
    };
    let Some(url) = &stats.url else {
        stats.error = Some("metrics are off (metrics_port = 0)".into());
        return stats;
    };
    let body = agent
        .get(url)
        .call()
        .and_then(|mut response| response.body_mut().read_to_string());
    match body {
        Err(e) => stats.error = Some(format!("unreachable: {e}")),
        Ok(text) => match parse(&text, &node.name) {
            Some(counters) => stats.counters = Some(counters),
            None => {
                stats.error = Some(format!(
                    "no {RECEIVED}/{DROPPED} in its metrics (not a Zeek node?)"
                ))
            }
        },
    }
    stats
}

/// Zeek's packet counters from Prometheus text; `None` without them.
/// Samples labelled for another endpoint (a Zeek 6/7.0 manager exporting
/// its workers') are skipped.
pub fn parse(text: &str, node: &str) -> Option<Counters> {
    let mut received = None;
    let mut dropped = None;
    let mut link = None;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((name, labels, value)) = sample(line) else {
            continue;
        };
        let slot = match name {
            RECEIVED => &mut received,
            DROPPED => &mut dropped,
            LINK => &mut link,
            _ => continue,
        };
        let rank = match label(labels, "endpoint") {
            Some(endpoint) if endpoint == node => 2,
            Some("") | None => 1,
            Some(_) => continue,
        };
        // A sample for this very node beats an unlabelled one.
        if slot.map_or(true, |(r, _)| rank > r) {
            *slot = Some((rank, value));
        }
    }
    Some(Counters {
        received: received?.1,
        dropped: dropped?.1,
        link: link.map(|(_, v)| v),
    })
}

/// `name{labels} value [timestamp]` → (name, labels, value).
fn sample(line: &str) -> Option<(&str, &str, u64)> {
    let (name, labels, rest) = match line.find('{') {
        Some(open) => {
            let close = open + line[open..].find('}')?;
            (&line[..open], &line[open + 1..close], &line[close + 1..])
        }
        None => {
            let space = line.find(char::is_whitespace)?;
            (&line[..space], "", &line[space..])
        }
    };
    let value: f64 = rest.split_whitespace().next()?.parse().ok()?;
    // Counters are whole numbers; Zeek 6 prints them as floats.
    (value.is_finite() && value >= 0.0).then_some((name.trim(), labels, value as u64))
}

/// The value of `key` in `a="x",b="y"` (label values here have no quotes
/// or commas: node names).
fn label<'a>(labels: &'a str, key: &str) -> Option<&'a str> {
    labels.split(',').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k.trim() == key).then(|| v.trim().trim_matches('"'))
    })
}

/// The table: one line per worker.
pub fn table(stats: &[WorkerStats]) -> String {
    let mut rows: Vec<[String; 5]> =
        vec![["NODE", "RECEIVED", "DROPPED", "DROPPED%", "LINK"].map(String::from)];
    let mut problems = String::new();
    for s in stats {
        match &s.counters {
            Some(c) => rows.push([
                s.node.clone(),
                c.received.to_string(),
                c.dropped.to_string(),
                drop_percent(c),
                c.link.map_or_else(|| "-".into(), |l| l.to_string()),
            ]),
            None => {
                rows.push([
                    s.node.clone(),
                    "-".into(),
                    "-".into(),
                    "-".into(),
                    "-".into(),
                ]);
                let _ = write!(
                    problems,
                    "{}: {}",
                    s.node,
                    s.error.as_deref().unwrap_or("no counters")
                );
                let _ = match &s.url {
                    Some(url) => writeln!(problems, " ({url})"),
                    None => writeln!(problems),
                };
            }
        }
    }
    let mut out = table::format(&rows);
    if !problems.is_empty() {
        out.push('\n');
        out.push_str(&problems);
    }
    out
}

/// Dropped as a share of what reached Zeek (received + dropped).
fn drop_percent(c: &Counters) -> String {
    let total = c.received + c.dropped;
    if total == 0 {
        return "-".into();
    }
    format!("{:.2}", c.dropped as f64 * 100.0 / total as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labelled_samples_prefer_this_node() {
        let text = "zeek_net_received_packets_total{endpoint=\"worker-2\"} 5\n\
                    zeek_net_received_packets_total{endpoint=\"\"} 7.000000 1684826824560\n\
                    zeek_net_received_packets_total{endpoint=\"worker-1\"} 9\n\
                    zeek_net_dropped_packets_total 1\n";
        let c = parse(text, "worker-1").unwrap();
        assert_eq!((c.received, c.dropped, c.link), (9, 1, None));
        assert_eq!(parse(text, "worker-3").unwrap().received, 7);
    }

    #[test]
    fn other_metrics_are_not_counters() {
        assert_eq!(parse("process_open_fds 41\n# HELP x\n", "w"), None);
    }
}
