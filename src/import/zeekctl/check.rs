//! `import-zeekctl --check`: every node as ZeekControl would run it next
//! to the same node as the imported config runs it, field by field.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};

use super::node_cfg::{is_localhost, ZeekctlNode};
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

/// The address ZeekControl's layout gave `host`: an address as it is,
/// localhost's 127.0.0.1, a name as the import looked it up (`None`: a
/// name Zeek looks up from the layout, as ZeekControl did).
fn zeekctl_address(host: &str, imported: &Imported) -> Option<IpAddr> {
    if is_localhost(host) && host != "::1" {
        return Some(IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
    host.parse()
        .ok()
        .or_else(|| imported.resolved.get(host).copied())
}

/// The host: the same when both sides use the same address, or when
/// neither has one and the layout names the same host for Zeek to look
/// up.
fn host_row(node: &ZeekctlNode, ours: &Node, imported: &Imported) -> Row {
    let zk_address = zeekctl_address(&node.host, imported);
    let same = match (zk_address, ours.address, &ours.host) {
        (Some(zk), Some(our), _) => zk == our,
        (None, None, Some(name)) => name.eq_ignore_ascii_case(&node.host),
        _ => false,
    };
    let zeekctl = match zk_address {
        Some(a) if imported.resolved.contains_key(&node.host) => format!("{} ({a})", node.host),
        _ => node.host.clone(),
    };
    Row {
        field: "host",
        zeekctl,
        ours: match (&ours.address, &ours.host) {
            (Some(a), _) => a.to_string(),
            (None, Some(h)) => h.to_string(),
            (None, None) => dash(),
        },
        same,
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
        host_row(node, ours, imported),
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
