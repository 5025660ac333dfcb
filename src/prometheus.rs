//! The Prometheus targets file (`file_sd_configs`): every node of every
//! host with its reachable metrics endpoint ([`crate::model::Node::
//! metrics_target`]: the host's `metrics_address`, else its cluster
//! address) and the labels a dashboard groups by: `node`, `role`, `host`,
//! `cluster`. zeek-setup.service writes it at every cluster start
//! ([`crate::paths::PROMETHEUS_TARGETS`]): the generator may write only
//! into its output dirs. Zeek's own `/services.json` names the cluster's
//! internal addresses, which a Prometheus on another network cannot reach.

use serde::Serialize;

use crate::model::Cluster;

/// One target group: one node.
#[derive(Debug, Serialize, PartialEq)]
pub struct TargetGroup {
    pub targets: Vec<String>,
    pub labels: Labels,
}

/// The labels of a node's metrics.
#[derive(Debug, Serialize, PartialEq)]
pub struct Labels {
    pub node: String,
    pub role: String,
    /// The node's host; on a single-host config, `hostname`.
    pub host: String,
    /// The cluster's name: the manager's host (single-host: `hostname`).
    pub cluster: String,
}

/// The target groups of every node with metrics on; `hostname`: this
/// machine's, naming a single-host cluster and its host.
pub fn targets(cluster: &Cluster, hostname: &str) -> Vec<TargetGroup> {
    let cluster_name = cluster
        .nodes
        .iter()
        .find(|n| n.role == crate::model::Role::Manager)
        .and_then(|n| n.host.as_deref())
        .unwrap_or(hostname)
        .to_string();
    cluster
        .nodes
        .iter()
        .filter_map(|n| {
            Some(TargetGroup {
                targets: vec![n.metrics_target()?],
                labels: Labels {
                    node: n.name.clone(),
                    role: n.role.to_string(),
                    host: n.host.as_deref().unwrap_or(hostname).to_string(),
                    cluster: cluster_name.clone(),
                },
            })
        })
        .collect()
}

/// [`targets`] as the JSON Prometheus reads.
pub fn targets_file(cluster: &Cluster, hostname: &str) -> String {
    serde_json::to_string_pretty(&targets(cluster, hostname)).unwrap_or_else(|_| "[]".into()) + "\n"
}
