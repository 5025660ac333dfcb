//! `check [--deep]`: validate the config and print the nodes of this host
//! (like `zeekctl nodes`), with warnings for settings that validate but
//! hurt; `--deep` also tries what only this machine can tell
//! ([`super::deep_check`]).

use super::candidate::{self, Candidate};
use super::{deep_check, print, Context};
use crate::error::Failure;
use crate::log::Log;
use crate::model::{Cluster, Node, Role};
use crate::ops::{disk, table};
use crate::warnings;

/// `check` arguments.
#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Also check that the user, group and zeek binary exist, that every
    /// node command line parses its scripts (zeek -a, as the node user)
    /// and that the units pass systemd-analyze verify.
    #[arg(long)]
    pub deep: bool,
}

/// Runs `check`.
pub fn exec(args: &CheckArgs, ctx: &Context) -> Result<(), Failure> {
    let candidate = Candidate::load(ctx)?;
    let cluster = &candidate.cluster;
    let log = Log::stderr();
    if let Some(problem) = crate::secrets::problem(cluster, &ctx.env.config_dir) {
        log.error(&format!("{}: {problem}", cluster.source.display()));
        return Err(Failure::InvalidConfig);
    }
    print(&node_table(cluster))?;
    for warning in warnings::warnings(cluster, online_cpus(ctx)) {
        log.warning(&warning);
    }
    disk_space(cluster, ctx)?;
    if args.deep {
        // The scripts as `deploy` would install them, in a temp dir.
        let scripts = candidate::scratch_snapshot(&candidate)?;
        let findings = deep_check::run(cluster, &ctx.env.self_path, &scripts.0);
        let (report, passed) = deep_check::report(&findings);
        print(&report)?;
        if !passed {
            return Err(Failure::CheckFailed);
        }
    }
    Ok(())
}

/// The free space of the spool, queue and archive file systems, and a
/// warning for each below `[disk] min_free` (only for this machine's own
/// host: another host's disks are not here).
fn disk_space(cluster: &Cluster, ctx: &Context) -> Result<(), Failure> {
    if other_host(ctx) {
        return Ok(());
    }
    let usage = disk::usage(cluster);
    print(&format!("\n{}", disk::table(&usage)))?;
    for warning in disk::warnings(&usage) {
        Log::stderr().warning(&warning);
    }
    for problem in disk::archive_problems(cluster, table::now()) {
        Log::stderr().warning(&problem.text);
    }
    Ok(())
}

/// This machine's online CPUs, unless `--host` names another host (its
/// CPUs are not this machine's).
fn online_cpus<'e>(ctx: &Context<'e>) -> Option<&'e std::collections::BTreeSet<u32>> {
    if other_host(ctx) {
        return None;
    }
    ctx.env.online_cpus()
}

/// Whether `--host` names another host than this machine.
fn other_host(ctx: &Context) -> bool {
    (ctx.options.host.as_deref()).is_some_and(|h| ctx.env.hostname.as_deref() != Some(h))
}

/// The `check` output: one line per node of this host, like `zeekctl nodes`.
pub fn node_table(cluster: &Cluster) -> String {
    let header = [
        "NODE", "ROLE", "ADDRESS", "PORT", "METRICS", "CPUS", "CAPTURE",
    ];
    let mut rows = vec![header.map(String::from)];
    rows.extend(cluster.local_nodes().map(node_row));
    let mut out = table::format(&rows);
    out.push_str(&summary(cluster));
    out
}

/// One node's row of the `check` table.
fn node_row(node: &Node) -> [String; 7] {
    let dash = || "-".to_string();
    [
        node.name.clone(),
        node.role.to_string(),
        match (&node.address, &node.host) {
            (Some(addr), _) => addr.to_string(),
            (None, Some(host)) => host.to_string(),
            (None, None) => dash(),
        },
        node.port.map_or_else(dash, |p| p.to_string()),
        node.metrics_port.map_or_else(dash, |p| p.to_string()),
        node.settings
            .cpus
            .as_ref()
            .map_or_else(dash, |c| c.to_affinity()),
        node.capture
            .as_ref()
            .map_or_else(dash, |c| c.source.to_string()),
    ]
}

/// The line under the `check` table: the config is valid, and what this
/// host runs.
fn summary(cluster: &Cluster) -> String {
    let local = cluster.local_nodes().count();
    let count = |role: Role| cluster.local_nodes().filter(|n| n.role == role).count();
    format!(
        "\n{}: valid; {local} node(s) on this host{} ({} manager, {} logger, {} proxy, {} worker); archiver {}\n",
        cluster.source.display(),
        match &cluster.this_host {
            Some(host) => format!(" ({host}), {} in the cluster", cluster.nodes.len()),
            None => String::new(),
        },
        count(Role::Manager),
        count(Role::Logger),
        count(Role::Proxy),
        count(Role::Worker),
        if cluster.archiver.is_some() { "on" } else { "off" },
    )
}
