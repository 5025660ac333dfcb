//! `check [--deep]`: validate the config and print the nodes of this host
//! (like `zeekctl nodes`), with warnings for settings that validate but
//! hurt; `--deep` also runs [`candidate_checks`], what only this machine
//! can tell. `deploy` runs the same checks on the same [`Candidate`].

pub mod candidate;
pub mod deep;

use std::path::Path;

use super::{print, Context};
use crate::error::Failure;
use crate::log::Log;
use crate::model::{Cluster, Node, Role};
use crate::ops::{disk, table};
use crate::topology::{self, LazyMachine};
use crate::{secrets, warnings};
use candidate::Candidate;
use deep::Finding;

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
    // Asked once: `--deep` reports the same finding below.
    let secrets = secrets_check(cluster, &ctx.env.config_dir, None);
    if let Some(problem) = secrets.as_ref().and_then(|f| f.failure.as_ref()) {
        log.error(&format!("{}: {problem}", cluster.settings.source.display()));
        return Err(Failure::InvalidConfig);
    }
    print(&node_table(cluster))?;
    print(&pinning_tables(cluster))?;
    let machine = ctx.options.machine.as_ref().map(LazyMachine::get);
    for warning in warnings::warnings(cluster, machine) {
        log.warning(&warning);
    }
    disk_space(cluster, ctx)?;
    if args.deep {
        // The scripts as `deploy` would install them, in a temp dir.
        let (scripts, _) = candidate::scratch_snapshot(&candidate, &ctx.env.temp_dir)?;
        checks_with(secrets, &candidate, ctx, &scripts.0)?;
    }
    Ok(())
}

/// The checks of `check --deep` and of `deploy`, both through here: the
/// cluster secrets (a multi-host config's), then the deep checks
/// ([`deep::run`]) with the nodes' scripts at `scripts`, the candidate's
/// snapshot. Prints the report; `Err` when a check failed.
pub fn candidate_checks(
    candidate: &Candidate,
    ctx: &Context,
    scripts: &Path,
) -> Result<(), Failure> {
    let secrets = secrets_check(&candidate.cluster, &ctx.env.config_dir, None);
    checks_with(secrets, candidate, ctx, scripts)
}

/// [`candidate_checks`] with the secrets' finding already made.
fn checks_with(
    secrets: Option<Finding>,
    candidate: &Candidate,
    ctx: &Context,
    scripts: &Path,
) -> Result<(), Failure> {
    let mut findings: Vec<Finding> = secrets.into_iter().collect();
    findings.extend(deep::run(&candidate.cluster, ctx.env, scripts));
    let (report, passed) = deep::report(&findings);
    print(&report)?;
    if passed {
        Ok(())
    } else {
        Err(Failure::CheckFailed)
    }
}

/// The check of the cluster secrets of an encrypted multi-host config
/// (the generator writes no units without them): `carried`, the file a
/// cluster-wide deploy sent, must parse; else this host's file must be
/// there and readable. `None` for a config that needs none.
pub fn secrets_check(
    cluster: &Cluster,
    config_dir: &Path,
    carried: Option<&[u8]>,
) -> Option<Finding> {
    let path = secrets::path_for(cluster, config_dir)?;
    let failure = match carried {
        Some(bytes) => secrets::Secrets::parse(&String::from_utf8_lossy(bytes))
            .err()
            .map(|e| format!("the secrets sent are not valid: {e:#}")),
        None => secrets::problem(cluster, config_dir),
    };
    Some(Finding {
        what: format!("cluster secrets {}", path.display()),
        failure,
    })
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

/// Whether `--host` names another host than this machine.
fn other_host(ctx: &Context) -> bool {
    (ctx.options.host.as_deref()).is_some_and(|h| ctx.env.hostname.as_deref() != Some(h))
}

/// The `check` output: one line per node of this host, like `zeekctl nodes`.
pub fn node_table(cluster: &Cluster) -> String {
    let mut out = nodes_table(cluster.local_nodes());
    out.push_str(&summary(cluster));
    out
}

/// The table of `nodes` (`check`'s columns), without the summary.
pub fn nodes_table<'a>(nodes: impl Iterator<Item = &'a Node>) -> String {
    let header = [
        "NODE", "ROLE", "ADDRESS", "PORT", "METRICS", "CPUS", "CAPTURE",
    ];
    let mut rows = vec![header.map(String::from)];
    rows.extend(nodes.map(node_row));
    table::format(&rows)
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
/// host runs (and, for a multi-host config, what the whole cluster runs:
/// each count says whose it is).
fn summary(cluster: &Cluster) -> String {
    let roles = |nodes: &[&Node]| {
        let count = |role: Role| nodes.iter().filter(|n| n.role == role).count();
        format!(
            "{} manager, {} logger, {} proxy, {} worker",
            count(Role::Manager),
            count(Role::Logger),
            count(Role::Proxy),
            count(Role::Worker)
        )
    };
    let local: Vec<&Node> = cluster.local_nodes().collect();
    let counts = match &cluster.settings.this_host {
        Some(host) if !cluster.hosts.is_empty() => {
            let all: Vec<&Node> = cluster.nodes.iter().collect();
            format!(
                "{} node(s) on this host ({host}: {}), {} in the cluster on {} hosts ({})",
                local.len(),
                roles(&local),
                all.len(),
                cluster.hosts.len(),
                roles(&all)
            )
        }
        _ => format!("{} node(s) on this host ({})", local.len(), roles(&local)),
    };
    format!(
        "\n{}: valid; {counts}; archiver {}\n",
        cluster.settings.source.display(),
        if cluster.archiver.is_some() {
            "on"
        } else {
            "off"
        },
    )
}

/// For each interface whose workers the machine chose (`"auto"`): the
/// CPUs, and a table of why each CPU was taken or not, with the notes
/// (the warnings go with `check`'s others).
fn pinning_tables(cluster: &Cluster) -> String {
    let mut out = String::new();
    for pinning in &cluster.pinning {
        let choice = &pinning.choice;
        let chosen = match choice.cpus.is_empty() {
            true => "none (the workers run unpinned)".to_string(),
            false => topology::cpu_text(&choice.cpus),
        };
        out.push_str(&format!(
            "\n{}: {} worker(s) on {}, CPUs chosen: {chosen}\n",
            pinning.key,
            cluster
                .local_nodes()
                .filter(|n| n
                    .capture
                    .as_ref()
                    .is_some_and(|c| c.interface == pinning.interface))
                .count(),
            choice.device,
        ));
        if !choice.rows.is_empty() {
            out.push_str(&table::format(&choice.folded_table()));
        }
        for note in &choice.notes {
            out.push_str(&format!("note: {note}\n"));
        }
    }
    out
}
