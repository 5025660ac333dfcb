//! Zeek's control framework through the manager's WebSocket API
//! ([`super::zeek_api`]): `Control::id_value_request(id)` published to
//! each node's own topic (`Cluster::node_topic(name)`), answered by the
//! node's `frameworks/control/controllee` with `Control::id_value_response(
//! id, val)` on `Control::topic_prefix + "/id_value_response/" + name`.
//! The manager relays both ways, so the nodes of every host answer a
//! client of the manager's host.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use super::zeek_api::ZeekApi;
use crate::config::defaults;
use crate::model::{Cluster, ConfigFormat};

/// `Cluster::node_topic(name)`: the prefix, the name and the separator,
/// which differ per cluster backend (Broker's, then ZeroMQ's, which
/// redefines it). A request goes to both: the one no node subscribes to
/// is dropped at the sender, and the client need not know the backend.
const NODE_TOPICS: &[(&str, &str)] = &[("zeek/cluster/node/", "/"), ("zeek.cluster.node.", ".")];
/// Where a node answers: this prefix and its name.
const RESPONSE_TOPIC_PREFIX: &str = "zeek/control/id_value_response/";
const REQUEST: &str = "Control::id_value_request";
const RESPONSE: &str = "Control::id_value_response";

/// Where the verbs reach the manager's WebSocket API: `given`
/// (`--websocket`), else where the config makes it listen (an
/// unspecified address through loopback), else, for a zeek.conf config
/// without `websocket`, where Zeek's own examples put it (a site script
/// may start it).
pub fn endpoint(cluster: &Cluster, given: Option<SocketAddr>) -> anyhow::Result<SocketAddr> {
    if let Some(address) = given {
        return Ok(address);
    }
    let address = match (cluster.settings.websocket, cluster.settings.format) {
        (Some(address), _) => address,
        (None, ConfigFormat::ZeekConf) => defaults::WEBSOCKET,
        (None, ConfigFormat::Toml) => anyhow::bail!(
            "{}: the manager's WebSocket API is off ([cluster] websocket = false, or a cluster \
             without a logger: `zeek-systemd check` says which); remove that line (or add a \
             logger) and deploy, or name a listener with --websocket ADDRESS:PORT",
            cluster.settings.source.display()
        ),
    };
    Ok(match address.ip() {
        ip if ip.is_unspecified() && ip.is_ipv4() => {
            SocketAddr::new(std::net::Ipv4Addr::LOCALHOST.into(), address.port())
        }
        ip if ip.is_unspecified() => {
            SocketAddr::new(std::net::Ipv6Addr::LOCALHOST.into(), address.port())
        }
        _ => address,
    })
}

/// Each node's value of the global `id` as Zeek formats it (`fmt("%s")`,
/// `<unknown id>` for none), `None` for a node that did not answer within
/// `timeout` (connecting included), in the order of `nodes`.
pub fn id_values(
    address: SocketAddr,
    id: &str,
    nodes: &[&str],
    timeout: Duration,
) -> anyhow::Result<Vec<(String, Option<String>)>> {
    let deadline = Instant::now() + timeout;
    let mut api = ZeekApi::connect(address, &[RESPONSE_TOPIC_PREFIX], timeout)?;
    for node in nodes {
        for (prefix, end) in NODE_TOPICS {
            api.publish(&format!("{prefix}{node}{end}"), REQUEST, &[id])?;
        }
    }
    let mut answers: BTreeMap<&str, String> = BTreeMap::new();
    while answers.len() < nodes.len() {
        let Some(event) = api.next_event(deadline)? else {
            break;
        };
        let Some(node) = event.topic.strip_prefix(RESPONSE_TOPIC_PREFIX) else {
            continue;
        };
        let Some(node) = nodes.iter().find(|n| **n == node) else {
            continue;
        };
        if event.name == RESPONSE && event.args.first().is_some_and(|a| a == id) {
            let value = event.args.get(1).cloned().unwrap_or_default();
            answers.insert(node, value);
        }
    }
    Ok(nodes
        .iter()
        .map(|n| (n.to_string(), answers.remove(n)))
        .collect())
}
