//! `status --cluster` (issue 25): the nodes of every host that run a Zeek
//! other than the one on disk there. Only a host's own /proc says which
//! binary a process runs, so each other host is asked over SSH with the
//! read-only `remote-deploy old-zeek` step (the access and program
//! `deploy` uses; no daemon of ours), each within a time limit.

use std::fmt::Write as _;
use std::process::Command;
use std::time::Duration;

use serde::Serialize;

use crate::env::Environment;
use crate::model::Cluster;
use crate::ops::old_zeek::{self, OldZeek};
use crate::ops::process;

/// How long a host may take to answer (SSH's handshake included).
const LIMIT: Duration = Duration::from_secs(30);

/// What the `remote-deploy old-zeek` step prints before its JSON.
pub const REPLY: &str = "remote-deploy: old-zeek ";

/// One host's nodes on an old Zeek, or why that is unknown.
#[derive(Debug, Serialize)]
pub struct HostOldZeek {
    pub host: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub nodes: Vec<OldZeek>,
    /// Why the host could not tell.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unknown: Option<String>,
}

/// How the other hosts are reached: `[USER@]` and the program run there.
#[derive(Debug, Clone, Copy)]
pub struct Reach<'a> {
    pub user: Option<&'a str>,
    pub program: &'a str,
}

/// Every host's answer, in the config's order: this host's from its own
/// /proc, the others' over SSH, all at once.
pub fn ask(cluster: &Cluster, env: &Environment, reach: Reach<'_>) -> Vec<HostOldZeek> {
    std::thread::scope(|s| {
        let others: Vec<_> = (cluster.hosts.iter())
            .map(|h| {
                let remote = !cluster.is_this_host(h);
                let dest = h.ssh_destination(reach.user);
                (remote).then(|| s.spawn(move || ask_over_ssh(&dest, reach.program)))
            })
            .collect();
        (cluster.hosts.iter().zip(others))
            .map(|(h, other)| {
                let found = match other {
                    Some(thread) => thread.join().expect("a host's thread"),
                    None => old_zeek::find_now(cluster, env).map_err(|e| format!("{e:#}")),
                };
                let (nodes, unknown) = match found {
                    Ok(nodes) => (nodes, None),
                    Err(why) => (Vec::new(), Some(why)),
                };
                HostOldZeek {
                    host: h.name.clone(),
                    nodes,
                    unknown,
                }
            })
            .collect()
    })
}

/// `ssh DEST PROGRAM remote-deploy old-zeek`, its reply parsed.
fn ask_over_ssh(dest: &str, program: &str) -> Result<Vec<OldZeek>, String> {
    let mut command = Command::new("ssh");
    command
        .args(["-o", "BatchMode=yes", "-o", "ConnectTimeout=10", dest])
        .args([program, "remote-deploy", "old-zeek"]);
    let out =
        process::run(&mut command, None, LIMIT).map_err(|e| format!("cannot run ssh: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if let Some(json) = stdout.lines().find_map(|l| l.strip_prefix(REPLY)) {
        return serde_json::from_str(json).map_err(|e| format!("a reply not understood: {e}"));
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    Err(match out.status {
        None => format!("no answer within {} s", LIMIT.as_secs()),
        Some(status) => format!(
            "ssh {dest} {program} remote-deploy old-zeek: {status}: {}",
            stderr.lines().last().unwrap_or("").trim()
        ),
    })
}

/// Whether some host has a node on an old Zeek.
pub fn any(hosts: &[HostOldZeek]) -> bool {
    hosts.iter().any(|h| !h.nodes.is_empty())
}

/// The warnings under `status --cluster`'s table; `asked_ok`: whether the
/// host's units could be asked (a host out of reach is named there once).
pub fn lines(hosts: &[HostOldZeek], asked_ok: impl Fn(&str) -> bool, now: u64) -> String {
    let mut out = String::new();
    for h in hosts {
        out.push_str(&old_zeek::lines_on(Some(&h.host), &h.nodes, now));
        if let Some(why) = h.unknown.as_deref().filter(|_| asked_ok(&h.host)) {
            let _ = writeln!(
                out,
                "warning: host {}: which Zeek its nodes run is unknown: {}",
                h.host,
                why.lines().next().unwrap_or("")
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_node_of_another_host_is_named_with_its_host_and_an_unknown_host_is_said() {
        let hosts = [
            HostOldZeek {
                host: "sensor-a".into(),
                nodes: vec![OldZeek {
                    node: "sensor-a-worker-1".into(),
                    pid: 42,
                    since: Some(880),
                    why: "its binary was replaced on disk".into(),
                    running: Some("9.1.0".into()),
                    on_disk: Some("9.1.1".into()),
                }],
                unknown: None,
            },
            HostOldZeek {
                host: "sensor-b".into(),
                nodes: Vec::new(),
                unknown: Some("no answer within 30 s".into()),
            },
            HostOldZeek {
                host: "sensor-c".into(),
                nodes: Vec::new(),
                unknown: Some("ssh: connect to host: No route".into()),
            },
        ];
        let text = lines(&hosts, |h| h != "sensor-c", 1000);
        assert_eq!(
            text,
            "warning: node sensor-a-worker-1 on host sensor-a (PID 42) runs an old Zeek (its \
             binary was replaced on disk): Zeek on disk 9.1.1, running 9.1.0 since 2min 0s ago: \
             run `zeek-systemd deploy`\n\
             warning: host sensor-b: which Zeek its nodes run is unknown: no answer within 30 s\n"
        );
        assert!(any(&hosts));
        assert!(!any(&hosts[1..]));
    }
}
