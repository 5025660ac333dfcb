//! The nodes of this host that run a Zeek other than the one on disk
//! (issue 25: after a package upgrade), for `status` (a warning, exit 3)
//! and `deploy` (a reason to restart when nothing else changed).

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::systemctl::{self, unit_status, UnitStatus, PROPERTIES};
use super::table::age;
use crate::env::Environment;
use crate::generator::plan;
use crate::model::Cluster;
use crate::zeek_binary::{process_runs, Binary, Runs};

/// A node that runs an older Zeek than the one on disk.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OldZeek {
    pub node: String,
    pub pid: u32,
    /// When it started (seconds since the epoch).
    pub since: Option<u64>,
    /// How that is known.
    pub why: String,
    /// The version it runs, when the cluster's start recorded it.
    pub running: Option<String>,
    /// The version on disk now.
    pub on_disk: Option<String>,
}

/// The nodes among `units` (this host's, as `status` read them) that run
/// an older Zeek than `cluster`'s binary on disk.
pub fn find(cluster: &Cluster, env: &Environment, units: &[UnitStatus]) -> Vec<OldZeek> {
    let Some(disk) = Binary::on_disk(env, &cluster.settings.install.zeek) else {
        return Vec::new();
    };
    // The binary the cluster started with, unless it is the one on disk.
    let at_start = Binary::at_start(env).filter(|b| b.id != disk.id);
    units
        .iter()
        .filter_map(|u| {
            let (node, pid) = (u.node.as_ref()?, u.pid?);
            match process_runs(env, pid, u.since, &disk) {
                Runs::Old(because) => Some(OldZeek {
                    node: node.clone(),
                    pid,
                    since: u.since,
                    why: because.to_string(),
                    running: at_start.as_ref().and_then(|b| b.version.clone()),
                    on_disk: disk.version.clone(),
                }),
                Runs::Current | Runs::Unknown => None,
            }
        })
        .collect()
}

/// [`find`] for the nodes of this host as systemd sees them now.
pub fn find_now(cluster: &Cluster, env: &Environment) -> anyhow::Result<Vec<OldZeek>> {
    let nodes: Vec<_> = cluster.local_nodes().collect();
    let units: Vec<String> = nodes.iter().map(|n| plan::unit_name(n)).collect();
    let props = systemctl::show(&units, &PROPERTIES)?;
    let statuses: Vec<UnitStatus> = nodes
        .iter()
        .zip(units)
        .zip(props)
        .map(|((n, unit), p)| unit_status(unit, Some(n.name.clone()), n.role.to_string(), &p))
        .collect();
    Ok(find(cluster, env, &statuses))
}

/// One warning line per node, ages relative to `now`.
pub fn lines(old: &[OldZeek], now: u64) -> String {
    lines_on(None, old, now)
}

/// [`lines`] for the nodes of `host` (`None`: this host, not named).
pub fn lines_on(host: Option<&str>, old: &[OldZeek], now: u64) -> String {
    let mut out = String::new();
    let on = host.map_or_else(String::new, |h| format!(" on host {h}"));
    for o in old {
        let since = o.since.map_or_else(String::new, |s| {
            format!(" since {} ago", age(now.saturating_sub(s)))
        });
        let _ = writeln!(
            out,
            "warning: node {}{on} (PID {}) runs an old Zeek ({}): Zeek on disk {}, running {}{since}: \
             run `zeek-systemd deploy`",
            o.node,
            o.pid,
            o.why,
            o.on_disk.as_deref().unwrap_or("(version unknown)"),
            o.running.as_deref().unwrap_or("an earlier binary"),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_names_node_versions_and_the_fix() {
        let old = OldZeek {
            node: "worker-1".into(),
            pid: 42,
            since: Some(880),
            why: "its binary was deleted from disk".into(),
            running: Some("9.1.0".into()),
            on_disk: Some("9.1.1".into()),
        };
        assert_eq!(
            lines(&[old], 1000),
            "warning: node worker-1 (PID 42) runs an old Zeek (its binary was deleted from \
             disk): Zeek on disk 9.1.1, running 9.1.0 since 2min 0s ago: run `zeek-systemd \
             deploy`\n"
        );
    }
}
