//! `import-zeekctl --check`: every node as ZeekControl would run it next
//! to the same node as the imported config runs it, field by field.

use std::collections::BTreeMap;

use super::node_cfg::ZeekctlNode;
use super::Imported;
use crate::model::{Cluster, Node};

/// One compared field of one node.
#[derive(Debug)]
pub struct Row {
    pub field: &'static str,
    pub zeekctl: String,
    pub ours: String,
    /// Whether the two sides count as the same.
    pub same: bool,
}

/// The scripts and arguments ZeekControl puts on the node's command line
/// (besides its own `-p`/`-U` bookkeeping and its zeekctl scripts).
fn zeekctl_args(node: &ZeekctlNode, imported: &Imported) -> Vec<String> {
    let mut args = imported.cfg.site_policy_scripts.clone();
    args.extend(node.aux_scripts.iter().cloned());
    args.extend(imported.cfg.zeek_args.iter().cloned());
    args.extend(node.af_packet_args.iter().cloned());
    args
}

/// Whether every item of `want` is in `have` (as often as in `want`).
/// Not the order: ZeekControl loads the site scripts before a node's
/// `aux_scripts`; here a node's own scripts come before `[zeek] args`.
fn contains_all(want: &[String], have: &[String]) -> bool {
    let mut left: Vec<&String> = have.iter().collect();
    want.iter()
        .all(|w| match left.iter().position(|h| *h == w) {
            Some(i) => {
                left.remove(i);
                true
            }
            None => false,
        })
}

fn env_text(env: &BTreeMap<String, String>) -> String {
    if env.is_empty() {
        return "-".into();
    }
    env.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn dash() -> String {
    "-".to_string()
}

impl Row {
    /// A row whose two sides agree when their texts are equal.
    fn equal_text(field: &'static str, zeekctl: String, ours: String) -> Self {
        Self {
            field,
            same: zeekctl == ours,
            zeekctl,
            ours,
        }
    }
}

/// The host: ZeekControl names a host where we may give a name or an
/// address, so the two are shown but never counted as differing.
fn host_row(node: &ZeekctlNode, ours: &Node) -> Row {
    Row {
        field: "host",
        zeekctl: node.host.clone(),
        ours: match (&ours.host, &ours.address) {
            (Some(h), _) => h.to_string(),
            (None, Some(a)) => a.to_string(),
            (None, None) => dash(),
        },
        same: true,
    }
}

fn capture_row(node: &ZeekctlNode, ours: &Node) -> Row {
    let our_capture = ours
        .capture
        .as_ref()
        .map_or_else(dash, |c| c.source.to_string());
    Row::equal_text(
        "capture",
        node.interface.clone().unwrap_or_else(dash),
        our_capture,
    )
}

fn cpu_row(node: &ZeekctlNode, ours: &Node) -> Row {
    let our_cpu = ours
        .settings
        .cpus
        .as_ref()
        .map_or_else(dash, |c| c.to_affinity());
    Row::equal_text(
        "cpu",
        node.pin_cpu.map_or_else(dash, |c| c.to_string()),
        our_cpu,
    )
}

/// The environment: only the variables ZeekControl sets are compared,
/// since we add our own (e.g. the cluster node name) that it has no
/// counterpart for.
fn env_row(node: &ZeekctlNode, ours: &Node, imported: &Imported) -> Row {
    let zk_env = node.effective_env(&imported.cfg.env);
    let mut our_env: BTreeMap<String, String> = BTreeMap::new();
    for (k, v) in &ours.env {
        our_env.insert(k.clone(), v.clone());
    }
    let our_env_shown: BTreeMap<String, String> = our_env
        .iter()
        .filter(|(k, _)| zk_env.contains_key(*k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Row {
        field: "env",
        same: zk_env == our_env_shown,
        zeekctl: env_text(&zk_env),
        ours: env_text(&our_env_shown),
    }
}

fn args_row(node: &ZeekctlNode, ours: &Node, imported: &Imported) -> Row {
    let zk_args = zeekctl_args(node, imported);
    let our_args: Vec<String> = ours.args.to_vec();
    Row {
        field: "args",
        same: contains_all(&zk_args, &our_args),
        zeekctl: zk_args.join(" "),
        ours: our_args.join(" "),
    }
}

fn rows(node: &ZeekctlNode, ours: &Node, imported: &Imported) -> Vec<Row> {
    vec![
        Row::equal_text("type", node.kind.name().into(), ours.role.name().into()),
        host_row(node, ours),
        capture_row(node, ours),
        cpu_row(node, ours),
        env_row(node, ours, imported),
        args_row(node, ours, imported),
    ]
}

/// How one node compares.
#[derive(Debug)]
pub enum NodeComparison {
    /// A ZeekControl node and the imported config's node of the same name,
    /// field by field.
    Compared { name: String, fields: Vec<Row> },
    /// A ZeekControl node the imported config does not have.
    Missing(String),
    /// A node of the imported config that ZeekControl does not have.
    Extra(String),
}

impl NodeComparison {
    /// Whether the two sides differ (a missing or extra node does).
    pub fn differs(&self) -> bool {
        match self {
            NodeComparison::Compared { fields, .. } => fields.iter().any(|r| !r.same),
            NodeComparison::Missing(_) | NodeComparison::Extra(_) => true,
        }
    }
}

/// Every ZeekControl node next to the imported config's node of the same
/// name (in ZeekControl's order), then the imported config's extra nodes.
pub fn compare(imported: &Imported, cluster: &Cluster) -> Vec<NodeComparison> {
    let mut out: Vec<NodeComparison> = imported
        .nodes
        .iter()
        .map(
            |node| match cluster.nodes.iter().find(|n| n.name == node.name) {
                Some(ours) => NodeComparison::Compared {
                    name: node.name.clone(),
                    fields: rows(node, ours, imported),
                },
                None => NodeComparison::Missing(node.name.clone()),
            },
        )
        .collect();
    out.extend(
        cluster
            .nodes
            .iter()
            .filter(|ours| !imported.nodes.iter().any(|n| n.name == ours.name))
            .map(|ours| NodeComparison::Extra(ours.name.clone())),
    );
    out
}
