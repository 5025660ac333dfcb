//! `peers`: for each node, whether the manager hears it now and since
//! when, from the manager's own record of `Cluster::node_up` and
//! `node_down` (the global [`PEERS_ID`] the generated script keeps), read
//! with the same request as `print`. A node of the config the manager
//! never heard of is expected but silent.

use std::fmt::Write as _;

use anyhow::Context as _;
use serde::Serialize;

use super::print::LiveArgs;
use super::{print, Context};
use crate::error::Failure;
use crate::layout::PEERS_ID;
use crate::model::{Cluster, Role};
use crate::ops::control;

/// `peers` arguments.
#[derive(clap::Args, Debug)]
pub struct PeersArgs {
    #[command(flatten)]
    pub live: LiveArgs,
}

/// What the manager knows of one node.
#[derive(Debug, Serialize, PartialEq)]
pub struct Peer {
    pub node: String,
    /// `up`, `down`, or `silent` (never heard of since the manager started).
    pub state: String,
    /// Seconds since the epoch of the last change; `None` for `silent`.
    pub since: Option<f64>,
}

/// Runs `peers`.
pub fn exec(args: &PeersArgs, ctx: &Context) -> Result<(), Failure> {
    let cluster = ctx.load()?;
    let manager = manager_name(&cluster)?;
    let address = control::endpoint(&cluster, args.live.websocket)?;
    let answer = control::id_values(address, PEERS_ID, &[manager], args.live.timeout())?;
    let Some((_, Some(record))) = answer.into_iter().next() else {
        return Err(Failure::Other(anyhow::anyhow!(
            "the manager ({manager}) did not answer within {} s",
            args.live.timeout
        )));
    };
    if record == "<unknown id>" {
        return Err(Failure::Other(anyhow::anyhow!(
            "the manager does not keep {PEERS_ID}: its scripts are not the ones this version \
             writes (run `zeek-systemd deploy`; a zeek.conf site adds it to its site script, see \
             docs/zeek-conf-migration.md)"
        )));
    }
    let peers = peers(&cluster, manager, &record);
    let text = if args.live.json {
        serde_json::to_string_pretty(&peers).context("cannot encode the peers")? + "\n"
    } else {
        table(&peers)
    };
    print(&text)?;
    if peers.iter().any(|p| p.state != "up") {
        return Err(Failure::NotRunning);
    }
    Ok(())
}

fn manager_name(cluster: &Cluster) -> Result<&str, Failure> {
    cluster
        .nodes
        .iter()
        .find(|n| n.role == Role::Manager)
        .map(|n| n.name.as_str())
        .ok_or_else(|| Failure::Other(anyhow::anyhow!("the config has no manager to ask")))
}

/// Every node but the manager, in layout order, with the manager's record
/// of it (`NAME up|down SECONDS` lines).
pub fn peers(cluster: &Cluster, manager: &str, record: &str) -> Vec<Peer> {
    let heard: Vec<(&str, &str, Option<f64>)> = record
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let (node, state) = (words.next()?, words.next()?);
            Some((node, state, words.next().and_then(|s| s.parse().ok())))
        })
        .collect();
    cluster
        .nodes
        .iter()
        .filter(|n| n.name != manager)
        .map(|n| match heard.iter().find(|(node, ..)| *node == n.name) {
            Some((_, state, since)) => Peer {
                node: n.name.clone(),
                state: state.to_string(),
                since: *since,
            },
            None => Peer {
                node: n.name.clone(),
                state: "silent".into(),
                since: None,
            },
        })
        .collect()
}

fn table(peers: &[Peer]) -> String {
    let width = peers.iter().map(|p| p.node.len()).max().unwrap_or(0).max(4);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64());
    let mut out = format!("{:<width$}  STATE   SINCE\n", "NODE");
    for p in peers {
        let since = match p.since {
            Some(t) => format!("{:.0} s ago", (now - t).max(0.0)),
            None => "never heard since the manager started".into(),
        };
        let _ = writeln!(out, "{:<width$}  {:<6}  {since}", p.node, p.state);
    }
    out
}
