//! `status --cluster` (issue 18): every node of every host of a multi-host
//! cluster, from one host, with the columns of `status`; each other host is
//! asked with systemd's own remote access (`systemctl -H HOST show`, over
//! SSH: no agent of ours), and a host that cannot be asked is named with
//! the reason.

use std::fmt::Write as _;

use serde::Serialize;

use crate::generator::plan;
use crate::model::Cluster;
use crate::ops::systemctl::{self, unit_status, UnitStatus, PROPERTIES};
use crate::ops::table;

/// One host's part of the view.
#[derive(Debug, Serialize)]
pub struct HostView {
    pub host: String,
    /// What `systemctl -H` was given; `None` for this host.
    pub target: Option<String>,
    pub units: Vec<UnitStatus>,
    /// Why the host could not be asked.
    pub error: Option<String>,
}

/// (host, `systemctl -H` target, (unit, node, role) of each of its nodes).
type HostRows = (String, Option<String>, Vec<(String, String, String)>);

/// The whole cluster; `user`: the SSH user (`USER@HOST`), if any.
pub fn collect(cluster: &Cluster, user: Option<&str>) -> Vec<HostView> {
    let views: Vec<HostRows> = cluster
        .hosts
        .iter()
        .map(|h| {
            let target = (!cluster.is_this_host(h)).then(|| h.ssh_destination(user));
            let rows = cluster
                .nodes
                .iter()
                .filter(|n| n.host.as_deref() == Some(h.name.as_str()))
                .map(|n| (plan::unit_name(n), n.name.clone(), n.role.to_string()))
                .collect();
            (h.name.clone(), target, rows)
        })
        .collect();
    // One host at a time would add every SSH handshake up; ask them all
    // at once.
    std::thread::scope(|s| {
        let handles: Vec<_> = views
            .into_iter()
            .map(|(host, target, rows)| {
                s.spawn(move || {
                    let units: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
                    match systemctl::show_on(target.as_deref(), &units, &PROPERTIES) {
                        Ok(props) => HostView {
                            units: rows
                                .into_iter()
                                .zip(props)
                                .map(|((unit, node, role), p)| {
                                    unit_status(unit, Some(node), role, &p)
                                })
                                .collect(),
                            host,
                            target,
                            error: None,
                        },
                        Err(e) => HostView {
                            host,
                            target,
                            units: Vec::new(),
                            error: Some(format!("{e:#}")),
                        },
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a host's thread"))
            .collect()
    })
}

/// Whether every node of every host runs.
pub fn all_running(views: &[HostView]) -> bool {
    views
        .iter()
        .all(|v| v.error.is_none() && v.units.iter().all(|u| u.state == systemctl::State::Running))
}

/// The table: HOST, then the columns of `status`; then the hosts that
/// could not be asked.
pub fn table(views: &[HostView], now: u64) -> String {
    let mut rows = vec![table::node_header(true)];
    for v in views {
        rows.extend(
            v.units
                .iter()
                .map(|u| table::node_row(Some(&v.host), u, now)),
        );
    }
    let mut out = table::format(&rows);
    let asked = views.iter().filter(|v| v.error.is_none()).count();
    let _ = writeln!(out, "\n{asked} of {} host(s) asked", views.len());
    for v in views {
        if let Some(error) = &v.error {
            let _ = writeln!(
                out,
                "host {} could not be asked (systemctl -H {}): {}",
                v.host,
                v.target.as_deref().unwrap_or("-"),
                error.lines().next().unwrap_or("")
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(node: &str, state: systemctl::State) -> UnitStatus {
        UnitStatus {
            unit: format!("zeek@{node}.service"),
            node: Some(node.into()),
            role: "worker".into(),
            state,
            systemd_state: "active/running".into(),
            pid: Some(42),
            since: Some(940),
            restarts: 1,
            last_exit: None,
            cpu_time_ns: None,
            memory_bytes: None,
            cpus: Some("3".into()),
        }
    }

    #[test]
    fn the_table_is_status_with_a_host_column_and_names_hosts_not_asked() {
        let views = [
            HostView {
                host: "sensor-a".into(),
                target: Some("10.0.0.2".into()),
                units: vec![unit("sensor-a-worker-1", systemctl::State::Running)],
                error: None,
            },
            HostView {
                host: "sensor-b".into(),
                target: Some("10.0.0.3".into()),
                units: Vec::new(),
                error: Some("ssh: connect to host 10.0.0.3 port 22: No route to host\nmore".into()),
            },
        ];
        let text = table(&views, 1000);
        let lines: Vec<&str> = text.lines().collect();
        let header: Vec<&str> = lines[0].split_whitespace().collect();
        assert_eq!(header[..3], ["HOST", "NODE", "ROLE"], "{text}");
        assert_eq!(header.len(), 11, "{text}");
        let row: Vec<&str> = lines[1].split_whitespace().collect();
        assert_eq!(
            row[..5],
            ["sensor-a", "sensor-a-worker-1", "worker", "running", "42"],
            "{text}"
        );
        assert_eq!(row.last(), Some(&"3"), "{text}");
        assert!(text.contains("1 of 2 host(s) asked"), "{text}");
        assert!(
            text.contains(
                "host sensor-b could not be asked (systemctl -H 10.0.0.3): ssh: connect to host \
                 10.0.0.3 port 22: No route to host\n"
            ),
            "{text}"
        );
        assert!(!all_running(&views));
    }
}
