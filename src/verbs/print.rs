//! `print ID [NODE...]`: the value of a global on every node (or the
//! named ones), as `zeekctl print` shows it, asked through the manager's
//! WebSocket API (see [`crate::ops::control`]). A node that does not
//! answer within `--timeout` is named, not waited for.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context as _;
use serde::Serialize;

use super::{print, Context};
use crate::error::Failure;
use crate::model::Cluster;
use crate::ops::control;

/// `print` arguments.
#[derive(clap::Args, Debug)]
pub struct PrintArgs {
    /// The global to show (`Site::local_nets`, `Cluster::node`, ...).
    #[arg(value_name = "ID")]
    pub id: String,
    /// Only these nodes (default: every node of every host).
    #[arg(value_name = "NODE")]
    pub nodes: Vec<String>,
    #[command(flatten)]
    pub live: LiveArgs,
}

/// How the live-view verbs reach the cluster and how long they wait.
#[derive(clap::Args, Debug)]
pub struct LiveArgs {
    /// Print JSON instead of the table.
    #[arg(long)]
    pub json: bool,
    /// Seconds to wait for the nodes' answers; a node silent that long is
    /// named as not answering.
    #[arg(long, value_name = "SECONDS", default_value_t = 5.0)]
    pub timeout: f64,
    /// The manager's WebSocket API (default: `[cluster] websocket`, for a
    /// zeek.conf config 127.0.0.1:27759).
    #[arg(long, value_name = "ADDRESS:PORT")]
    pub websocket: Option<SocketAddr>,
}

impl LiveArgs {
    /// `--timeout` as a duration (at least a millisecond, at most a day).
    pub fn timeout(&self) -> Duration {
        Duration::from_secs_f64(self.timeout.clamp(0.001, 86_400.0))
    }
}

/// One node's answer.
#[derive(Debug, Serialize)]
pub struct Answer {
    pub node: String,
    pub id: String,
    /// As Zeek formats it (`<unknown id>` for an ID it does not know);
    /// `None`: no answer within the timeout.
    pub value: Option<String>,
}

/// Runs `print`.
pub fn exec(args: &PrintArgs, ctx: &Context) -> Result<(), Failure> {
    let cluster = ctx.load()?;
    let nodes = selected_nodes(&cluster, &args.nodes)?;
    let address = control::endpoint(&cluster, args.live.websocket)?;
    let answers: Vec<Answer> = control::id_values(address, &args.id, &nodes, args.live.timeout())?
        .into_iter()
        .map(|(node, value)| Answer {
            node,
            id: args.id.clone(),
            value,
        })
        .collect();
    let text = if args.live.json {
        serde_json::to_string_pretty(&answers).context("cannot encode the answers")? + "\n"
    } else {
        table(&answers, args.live.timeout)
    };
    print(&text)?;
    silent_failure(&answers, args.live.timeout)
}

/// The nodes to ask: `names`, each a node of the config, else all.
pub fn selected_nodes<'c>(cluster: &'c Cluster, names: &[String]) -> Result<Vec<&'c str>, Failure> {
    let all: Vec<&str> = cluster.nodes.iter().map(|n| n.name.as_str()).collect();
    if names.is_empty() {
        return Ok(all);
    }
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        match all.iter().find(|n| *n == name) {
            Some(node) => out.push(*node),
            None => {
                return Err(Failure::Other(anyhow::anyhow!(
                    "{name} is not a node of {} (its nodes: {})",
                    cluster.settings.source.display(),
                    all.join(", ")
                )))
            }
        }
    }
    Ok(out)
}

/// `NODE   ID = VALUE` per node, as `zeekctl print` has it (the name
/// right-aligned in 12 columns, or the longest name's); a value Zeek
/// spreads over lines (a table, a record) on one.
fn table(answers: &[Answer], timeout: f64) -> String {
    let width = answers
        .iter()
        .map(|a| a.node.len())
        .max()
        .unwrap_or(0)
        .max(12);
    let mut out = String::new();
    for a in answers {
        let _ = match &a.value {
            Some(value) => writeln!(out, "{:>width$}   {} = {}", a.node, a.id, one_line(value)),
            None => writeln!(out, "{:>width$}   <no answer within {timeout} s>", a.node),
        };
    }
    out
}

/// A value Zeek wrote over several lines (`{\n\t1.2.3.0/24,\n...}`) on one.
fn one_line(value: &str) -> String {
    if !value.contains('\n') {
        return value.to_string();
    }
    let joined: Vec<&str> = value
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    joined.join(" ").replace("{ ", "{").replace(" }", "}")
}

/// Exit 1 naming the nodes that did not answer.
fn silent_failure(answers: &[Answer], timeout: f64) -> Result<(), Failure> {
    let silent: Vec<&str> = answers
        .iter()
        .filter(|a| a.value.is_none())
        .map(|a| a.node.as_str())
        .collect();
    if silent.is_empty() {
        return Ok(());
    }
    Err(Failure::Other(anyhow::anyhow!(
        "no answer within {timeout} s from {} (`zeek-systemd status` shows whether it runs; \
         `zeek-systemd peers` whether the manager hears it)",
        silent.join(", ")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_goes_on_one_line() {
        assert_eq!(
            one_line("{\n\t10.0.0.0/8,\n\t192.168.0.0/16\n}"),
            "{10.0.0.0/8, 192.168.0.0/16}"
        );
        assert_eq!(one_line("<unknown id>"), "<unknown id>");
    }

    #[test]
    fn a_silent_node_is_named() {
        let answers = [
            Answer {
                node: "manager".into(),
                id: "X".into(),
                value: Some("1".into()),
            },
            Answer {
                node: "worker-1".into(),
                id: "X".into(),
                value: None,
            },
        ];
        let text = table(&answers, 2.0);
        assert_eq!(
            text,
            "     manager   X = 1\n    worker-1   <no answer within 2 s>\n"
        );
        let Err(Failure::Other(e)) = silent_failure(&answers, 2.0) else {
            panic!("no failure")
        };
        assert!(e.to_string().contains("from worker-1"), "{e}");
    }
}
