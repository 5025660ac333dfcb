//! `deploy --rolling`: the workers of each interface restart in waves, so
//! that the interface always has a worker with a socket on it (no blind
//! spot), instead of `systemctl restart zeek.target`. Only for changes a
//! node picks up at its start without the cluster changing shape: scripts,
//! and the workers' own unit lines. See DEPLOY in zeek-systemd(8).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use super::changes::Changes;
use super::rollout::{self, NodeFailure, Wait};
use super::DeployArgs;
use crate::error::Failure;
use crate::generator::plan;
use crate::model::{Cluster, Node, Role};
use crate::ops::systemctl;
use crate::topology::Capture;

/// Workers of an interface restart in this many waves (half at a time).
const WAVES: usize = 2;

/// Why `--rolling` cannot take the multi-host `cluster` on its own.
pub fn multi_host_refusal(cluster: &Cluster, this_host_only: bool) -> Option<String> {
    (!cluster.hosts.is_empty() && !this_host_only).then(|| {
        "deploy --rolling restarts the workers of this host only; a multi-host config \
         needs --this-host-only (run it on each host; a cluster-wide rolling deploy is \
         not there yet), or a plain deploy"
            .to_string()
    })
}

/// With `--rolling`, fails on a multi-host config without
/// `--this-host-only` (nothing was changed yet).
pub fn refuse_multi_host(args: &DeployArgs, cluster: &Cluster) -> Result<(), Failure> {
    match multi_host_refusal(cluster, args.this_host_only).filter(|_| args.rolling) {
        Some(why) => Err(anyhow::anyhow!(why).into()),
        None => Ok(()),
    }
}

/// With `--rolling`, fails on a change that cannot roll ([`refusal`]).
pub fn refuse_change(
    args: &DeployArgs,
    changed: &Changes,
    new: &Cluster,
    zeek_upgraded: bool,
) -> Result<(), Failure> {
    match refusal(changed, new, zeek_upgraded).filter(|_| args.rolling) {
        Some(why) => Err(anyhow::anyhow!(why).into()),
        None => Ok(()),
    }
}

/// Why the change cannot roll (`None`: it can): anything beyond scripts and
/// the workers' own unit lines changes the cluster's shape, which every
/// node must see at once.
pub fn refusal(changed: &Changes, new: &Cluster, zeek_upgraded: bool) -> Option<String> {
    let mut why = Vec::new();
    if zeek_upgraded {
        why.push("the Zeek on disk changed (nodes of two Zeek versions would peer)".to_string());
    }
    let mut units = Vec::new();
    for line in &changed.units {
        let (sign, rest) = line.split_at(1);
        let name = rest.trim_start().split([':', ' ']).next().unwrap_or("");
        let is_worker = new
            .nodes
            .iter()
            .any(|n| n.name == name && n.role == Role::Worker);
        if sign != "~" || !is_worker {
            units.push(format!("{sign} {name}"));
        }
    }
    if !units.is_empty() {
        why.push(format!(
            "units change beyond the workers': {}",
            units.join(", ")
        ));
    }
    for (path, _) in &changed.scripts {
        if path.starts_with("generated-scripts") {
            why.push(format!("{} changed (the cluster layout)", path.display()));
        }
    }
    (!why.is_empty()).then(|| {
        format!(
            "deploy --rolling refused: {}; the node list, ports or units other than the \
             workers' changed, which every node must load at once: run a plain deploy \
             (nothing was changed)",
            why.join("; ")
        )
    })
}

/// The workers of this host in restart waves: wave `k` holds the `k`th
/// part of every interface's workers, so every interface keeps the other
/// part capturing. An interface with one worker has it in the first wave
/// (and is blind while it restarts).
pub fn waves(cluster: &Cluster) -> Vec<Vec<&Node>> {
    let mut by_interface: BTreeMap<&str, Vec<&Node>> = BTreeMap::new();
    for node in cluster.local_nodes().filter(|n| n.role == Role::Worker) {
        let interface = node.capture.as_ref().map_or("", |c| &*c.interface);
        by_interface.entry(interface).or_default().push(node);
    }
    let mut waves: Vec<Vec<&Node>> = vec![Vec::new(); WAVES];
    for workers in by_interface.values() {
        let per_wave = workers.len().div_ceil(WAVES);
        for (i, node) in workers.iter().enumerate() {
            waves[i / per_wave].push(node);
        }
    }
    waves.retain(|w| !w.is_empty());
    waves
}

/// The workers that are alone on their interface: nothing captures there
/// while they restart.
fn lone_workers(cluster: &Cluster) -> Vec<&str> {
    let mut count: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for node in cluster.local_nodes().filter(|n| n.role == Role::Worker) {
        let interface = node.capture.as_ref().map_or("", |c| &*c.interface);
        count.entry(interface).or_default().push(&node.name);
    }
    count
        .into_values()
        .filter(|w| w.len() == 1)
        .flatten()
        .collect()
}

/// Restarts this host's cluster onto the new snapshot: manager, loggers
/// and proxies first (the new scripts' events have their receivers before
/// any worker sends them), then the workers wave by wave, each wave once
/// the previous one captures again; then waits as a plain deploy does.
pub fn restart_and_wait(cluster: &Cluster, wait: Wait) -> Result<(), NodeFailure> {
    let units: Vec<String> = cluster.local_nodes().map(plan::unit_name).collect();
    let baseline = rollout::restarts(&units).map_err(|e| other(&e))?;
    let writers = rollout::writers_with_cluster_log(cluster);
    let began = SystemTime::now();
    let start = Instant::now();
    for name in lone_workers(cluster) {
        println!("warning: {name} is the only worker of its interface: blind while it restarts");
    }
    let service: Vec<&Node> = cluster
        .local_nodes()
        .filter(|n| n.role != Role::Worker)
        .collect();
    if !service.is_empty() {
        restart_wave("manager, loggers and proxies", &service, None, wait, start)?;
    }
    for (k, wave) in waves(cluster).iter().enumerate() {
        let label = format!("wave {}/{} of the workers", k + 1, waves(cluster).len());
        restart_wave(&label, wave, Some(&writers), wait, start)?;
    }
    rollout::wait_running(&units, &baseline, wait, start)?;
    let left = wait.timeout.saturating_sub(start.elapsed());
    rollout::wait_joined(cluster, &writers, began, left)
}

fn other(e: &anyhow::Error) -> NodeFailure {
    NodeFailure {
        node: None,
        why: format!("{e:#}"),
    }
}

/// Restarts `nodes` (one systemctl call) and waits until each runs under a
/// new PID and, for a worker, captures again (see [`captures`]).
fn restart_wave(
    label: &str,
    nodes: &[&Node],
    writers: Option<&[PathBuf]>,
    wait: Wait,
    start: Instant,
) -> Result<(), NodeFailure> {
    let units: Vec<String> = nodes.iter().map(|n| plan::unit_name(n)).collect();
    let old = main_pids(&units).map_err(|e| other(&e))?;
    let names: Vec<&str> = nodes.iter().map(|n| n.name.as_str()).collect();
    println!(
        "[{:5.1} s] restarting {label}: {}",
        start.elapsed().as_secs_f64(),
        names.join(", ")
    );
    let since = SystemTime::now();
    let mut args = vec!["restart"];
    args.extend(units.iter().map(String::as_str));
    rollout::systemctl_run(&args).map_err(|e| other(&e))?;
    loop {
        let pids = main_pids(&units).map_err(|e| other(&e))?;
        let waiting: Vec<&str> = nodes
            .iter()
            .zip(&units)
            .filter(|(node, unit)| {
                let pid = pids.get(*unit).copied().unwrap_or(0);
                pid == 0 || Some(&pid) == old.get(*unit) || !up(node, pid, writers, since)
            })
            .map(|(node, _)| node.name.as_str())
            .collect();
        if waiting.is_empty() {
            println!("[{:5.1} s] {label}: up", start.elapsed().as_secs_f64());
            return Ok(());
        }
        if start.elapsed() > wait.timeout {
            return Err(NodeFailure {
                node: waiting.first().map(|n| n.to_string()),
                why: format!(
                    "{label}: not up within {} s: {}",
                    wait.timeout.as_secs(),
                    waiting.join(", ")
                ),
            });
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The `MainPID` of each unit that is active (0 otherwise).
fn main_pids(units: &[String]) -> anyhow::Result<BTreeMap<String, u64>> {
    let props = systemctl::show(units, &["ActiveState", "MainPID"])?;
    Ok(units
        .iter()
        .zip(props)
        .map(|(u, p)| {
            let active = p.get("ActiveState") == "active";
            let pid = p.number("MainPID").filter(|_| active).unwrap_or(0);
            (u.clone(), pid)
        })
        .collect())
}

/// Whether a restarted node under `pid` is up: a worker captures (a packet
/// socket on its interface); where that cannot be seen, it was heard by
/// the cluster since `since` (or, with no cluster.log here, it runs).
fn up(node: &Node, pid: u64, writers: Option<&[PathBuf]>, since: SystemTime) -> bool {
    let Some(writers) = writers else { return true };
    if let Some(capturing) = captures(node, pid) {
        return capturing;
    }
    if writers.is_empty() {
        return true;
    }
    let since = since
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64());
    rollout::heard(writers, since).contains(&node.name)
}

/// Whether the worker's process (or a child) holds a packet socket bound
/// to its capture interface: an inode of `/proc/PID/fd` that
/// `/proc/PID/net/packet` lists on the interface's index. `None` when that
/// cannot be read (another capture method, an interface unknown here).
pub fn captures(node: &Node, pid: u64) -> Option<bool> {
    let capture = node.capture.as_ref()?;
    let device = Capture::of(&capture.source, &node.args);
    if !matches!(device.method.as_str(), "pcap" | "af_packet")
        && !device.method.starts_with("AF_PACKET")
    {
        return None;
    }
    let proc_root = Path::new("/proc");
    let ifindex = std::fs::read_to_string(format!("/sys/class/net/{}/ifindex", device.device))
        .ok()?
        .trim()
        .to_string();
    let table = std::fs::read_to_string(proc_root.join(pid.to_string()).join("net/packet")).ok()?;
    let bound = packet_inodes(&table, &ifindex);
    let held = socket_inodes(proc_root, pid);
    Some(held.iter().any(|inode| bound.contains(inode)))
}

/// The inodes of `/proc/net/packet`'s sockets bound to interface index
/// `ifindex` (columns: sk RefCnt Type Proto Iface R Rmem User Inode).
fn packet_inodes(table: &str, ifindex: &str) -> BTreeSet<String> {
    table
        .lines()
        .skip(1)
        .filter_map(|line| {
            let cols: Vec<&str> = line.split_whitespace().collect();
            (cols.len() >= 9 && cols[4] == ifindex).then(|| cols[8].to_string())
        })
        .collect()
}

/// The socket inodes held by `pid` and its descendants.
fn socket_inodes(proc_root: &Path, pid: u64) -> BTreeSet<String> {
    let mut inodes = BTreeSet::new();
    let mut pids = vec![pid.to_string()];
    while let Some(pid) = pids.pop() {
        let dir = proc_root.join(&pid);
        for fd in std::fs::read_dir(dir.join("fd"))
            .into_iter()
            .flatten()
            .flatten()
        {
            let Ok(target) = std::fs::read_link(fd.path()) else {
                continue;
            };
            let target = target.to_string_lossy();
            if let Some(inode) = target
                .strip_prefix("socket:[")
                .and_then(|t| t.strip_suffix(']'))
            {
                inodes.insert(inode.to_string());
            }
        }
        for task in std::fs::read_dir(dir.join("task"))
            .into_iter()
            .flatten()
            .flatten()
        {
            let children =
                std::fs::read_to_string(task.path().join("children")).unwrap_or_default();
            pids.extend(children.split_whitespace().map(String::from));
        }
    }
    inodes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deployment::snapshot::tree::Change;

    fn cluster(interfaces: &str) -> Cluster {
        let text = format!("[zeek]\n{interfaces}");
        let path = Path::new("/etc/zeek/cluster.toml");
        crate::config::toml::read(path, &text, &Default::default()).expect("a valid config")
    }

    const TWO_INTERFACES: &str =
        "[[interface]]\nname = \"a\"\ncapture = \"af_packet::a\"\nworkers = 3\n\
        [[interface]]\nname = \"b\"\ncapture = \"af_packet::b\"\nworkers = 1\n";

    #[test]
    fn every_interface_keeps_workers_out_of_each_wave() {
        let cluster = cluster(TWO_INTERFACES);
        let names = |wave: &Vec<&Node>| wave.iter().map(|n| n.name.clone()).collect::<Vec<_>>();
        let waves = waves(&cluster);
        assert_eq!(waves.len(), 2);
        assert_eq!(names(&waves[0]), ["worker-a-1", "worker-a-2", "worker-b-1"]);
        assert_eq!(names(&waves[1]), ["worker-a-3"]);
        assert_eq!(lone_workers(&cluster), ["worker-b-1"]);
    }

    #[test]
    fn only_script_and_worker_unit_changes_roll() {
        let cluster = cluster(TWO_INTERFACES);
        let mut changed = Changes {
            units: vec!["~ worker-a-1: +Nice=5  -Nice=0".into()],
            scripts: vec![("site/local.zeek".into(), Change::Changed)],
        };
        assert_eq!(refusal(&changed, &cluster, false), None);
        let upgraded = refusal(&changed, &cluster, true).expect("refused");
        assert!(upgraded.contains("the Zeek on disk changed"), "{upgraded}");
        changed.units.push("+ worker-a-4 (worker)".into());
        changed.units.push("~ manager: +Nice=5".into());
        changed.scripts.push((
            "generated-scripts/cluster-layout.zeek".into(),
            Change::Changed,
        ));
        let why = refusal(&changed, &cluster, false).expect("refused");
        assert!(
            why.contains("units change beyond the workers': + worker-a-4, ~ manager;"),
            "{why}"
        );
        assert!(
            why.contains("cluster-layout.zeek changed (the cluster layout)"),
            "{why}"
        );
        assert!(why.contains("run a plain deploy"), "{why}");
        assert!(!why.contains("worker-a-1"), "{why}");
    }

    #[test]
    fn packet_inodes_take_the_sockets_of_one_interface() {
        let table = "sk       RefCnt Type Proto  Iface R Rmem   User   Inode\n\
                     0000000000000000 3      3    0003   1     1 0      0      1111\n\
                     0000000000000000 3      3    0003   2     1 0      0      2222\n";
        assert_eq!(
            packet_inodes(table, "1"),
            BTreeSet::from(["1111".to_string()])
        );
        assert!(packet_inodes(table, "3").is_empty());
    }
}
