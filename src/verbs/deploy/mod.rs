//! `deploy`: check the live config and scripts with `check --deep`'s
//! checks ([`candidate_checks`]), show what changes ([`mod@changes`]),
//! install them as the deployed snapshot, restart the cluster and wait
//! for it; roll back if it does not come up ([`rollout`]). See DEPLOY in
//! zeek-systemd(8).

pub mod changes;
pub mod cluster;
pub mod rolling;
pub mod rollout;

use std::path::Path;
use std::time::Duration;

use super::check::candidate::{scratch_snapshot, Candidate, TempDir};
use super::check::candidate_checks;
use super::{print, Context};
use crate::deployment::snapshot::build::Origin;
use crate::deployment::snapshot::KEEP;
use crate::deployment::switch::Previous;
use crate::deployment::Deployment;
use crate::error::Failure;
use crate::ops::systemctl;
use changes::{changes, Changes};
use rollout::{RestartMode, Wait};

/// `deploy` arguments.
#[derive(clap::Args, Debug)]
pub struct DeployArgs {
    /// Check and show what would change, then stop: nothing is installed
    /// or restarted.
    #[arg(long)]
    pub dry_run: bool,
    /// What to restart once the snapshot is installed: `all` (the whole
    /// cluster of this host, waited for, rolled back on failure) or `none`
    /// (nodes load it at their next start, crash restarts included).
    #[arg(long, value_enum, default_value_t = RestartMode::All, value_name = "WHAT")]
    pub restart: RestartMode,
    /// Seconds every node must stay up after the restart.
    #[arg(long, default_value_t = 5, value_name = "SECS")]
    pub settle: u64,
    /// Seconds the cluster gets to come up (and join) before the deploy
    /// is rolled back.
    #[arg(long, default_value_t = 120, value_name = "SECS")]
    pub timeout: u64,
    /// A multi-host config: deploy to this host only (each host on its
    /// own, as before cluster-wide deploys).
    #[arg(long)]
    pub this_host_only: bool,
    /// A multi-host config: deploy to the hosts that can be reached and
    /// name the others (by default, one host out of reach stops the
    /// deploy before anything changed).
    #[arg(long)]
    pub reachable_only: bool,
    /// The SSH user for the other hosts (`USER@HOST`); default: ssh's own.
    #[arg(long, value_name = "USER")]
    pub ssh_user: Option<String>,
    /// The program the other hosts run (over SSH) for their part.
    #[arg(long, default_value = "zeek-systemd", value_name = "PATH")]
    pub remote_program: String,
    /// Restart the workers of each interface in waves, so that it always
    /// has a worker capturing (scripts and workers' unit lines only).
    #[arg(long, conflicts_with = "restart")]
    pub rolling: bool,
}

/// Runs `deploy`: exit 1 when a check fails (nothing changed), 4 when the
/// cluster did not come up and the previous snapshot was put back.
pub fn exec(args: &DeployArgs, ctx: &Context) -> Result<(), Failure> {
    if !args.dry_run {
        // Before anything changes: the restart and its wait need systemd.
        systemctl::require(
            ctx.env,
            "deploy cannot restart it here (nothing was changed)",
        )?;
    }
    let candidate = Candidate::load(ctx)?;
    rolling::refuse_multi_host(args, &candidate.cluster)?;
    if !candidate.cluster.hosts.is_empty() && !args.this_host_only {
        return cluster::exec(args, ctx, &candidate, None);
    }
    let deployment = Deployment::new(ctx.env);
    let (staging, id) = stage(&candidate, &deployment, args.dry_run, ctx)?;
    println!(
        "deploy: candidate snapshot {id} ({})",
        candidate.source.path().display()
    );
    if let Err(failure) = candidate_checks(&candidate, ctx, &staging.0) {
        println!("deploy: the checks FAILED; nothing was changed");
        return Err(failure);
    }
    let previous = deployment.previous(&ctx.options);
    let changed = what_changes(&candidate, &previous, (&deployment, &staging.0), ctx)?;
    print(&changed.report())?;
    // A Zeek upgraded under running nodes is a change as much as a script.
    // No systemd to ask (a dry run on a machine of its own): no node runs.
    let old_zeek = crate::ops::old_zeek::find_now(&candidate.cluster, ctx.env).unwrap_or_default();
    if !old_zeek.is_empty() {
        print(&crate::ops::old_zeek::lines(
            &old_zeek,
            crate::ops::table::now(),
        ))?;
        println!("deploy: the Zeek on disk changed: every node restarts on it");
    }
    rolling::refuse_change(args, &changed, &candidate.cluster, !old_zeek.is_empty())?;
    let same = previous.current.as_deref() == Some(id.as_str());
    if same && old_zeek.is_empty() && !args.dry_run {
        return pin_only(&candidate, &previous, &deployment, &id);
    }
    if args.dry_run {
        println!("deploy: --dry-run: nothing was changed");
        return Ok(());
    }
    let store = deployment.store();
    store.install(&staging.0, &id)?;
    rollout::activate(&deployment, &id, &candidate.files)?;
    let wait = Wait {
        settle: Duration::from_secs(args.settle),
        timeout: Duration::from_secs(args.timeout),
    };
    let began = std::time::SystemTime::now();
    let outcome = go_live(&candidate, (args.restart, args.rolling), wait, &id);
    store.prune(KEEP);
    match outcome {
        Ok(()) => Ok(()),
        Err(failure) => roll_back(&failure, (&deployment, &previous), wait, began),
    }
}

/// Builds the candidate's snapshot: in the store (installing it is then a
/// rename), or for a dry run in the temp dir, so that it changes nothing.
fn stage(
    candidate: &Candidate,
    deployment: &Deployment,
    dry_run: bool,
    ctx: &Context,
) -> anyhow::Result<(TempDir, String)> {
    if dry_run {
        return scratch_snapshot(candidate, &ctx.env.temp_dir);
    }
    let staging = TempDir(deployment.store().staging("deploy")?);
    let id = candidate.snapshot(&staging.0, Origin::Deploy)?;
    Ok((staging, id))
}

fn what_changes(
    candidate: &Candidate,
    previous: &Previous,
    (deployment, staging): (&Deployment, &Path),
    ctx: &Context,
) -> anyhow::Result<Changes> {
    let old_scripts = (previous.current.as_ref()).map(|id| deployment.store().dir(id));
    let old_cluster = previous.units.as_ref().map(|(cluster, _)| cluster);
    Ok(changes(
        old_cluster,
        &candidate.cluster,
        old_scripts.as_deref(),
        staging,
        &ctx.env.self_path,
    )?)
}

/// The candidate is the snapshot in use already: at most the config still
/// has to be recorded as deployed (nothing was deployed before).
fn pin_only(
    candidate: &Candidate,
    previous: &Previous,
    deployment: &Deployment,
    id: &str,
) -> Result<(), Failure> {
    if previous.deployed.as_ref() != Some(&candidate.files) {
        deployment.deploy_config(&candidate.files)?;
        rollout::systemctl_run(&["daemon-reload"])?;
        println!("deploy: snapshot {id} runs already; its config is now the deployed one");
    } else {
        println!("deploy: nothing to deploy: snapshot {id} is deployed and running");
    }
    Ok(())
}

/// Restarts as asked and waits; `Err` when the cluster did not come up.
fn go_live(
    candidate: &Candidate,
    (restart, rolling): (RestartMode, bool),
    wait: Wait,
    id: &str,
) -> Result<(), rollout::NodeFailure> {
    if restart == RestartMode::None {
        println!(
            "deploy: snapshot {id} installed; nodes load it at their next start (--restart=none)"
        );
        return Ok(());
    }
    if !rollout::cluster_active() {
        println!(
            "deploy: snapshot {id} installed; zeek.target is not running: its next start runs it"
        );
        return Ok(());
    }
    if rolling {
        rolling::restart_and_wait(&candidate.cluster, wait)?;
    } else {
        rollout::restart_and_wait(&candidate.cluster, wait)?;
    }
    println!("deploy: snapshot {id} is live: every node of this host runs it");
    Ok(())
}

fn roll_back(
    failure: &rollout::NodeFailure,
    (deployment, previous): (&Deployment, &Previous),
    wait: Wait,
    began: std::time::SystemTime,
) -> Result<(), Failure> {
    println!("deploy FAILED: {}", failure.why);
    if let Some(node) = &failure.node {
        println!("last journal lines of zeek@{node}:");
        print(&rollout::journal_tail(node, began))?;
    }
    let back_to = previous
        .current
        .as_deref()
        .unwrap_or("(none: the live tree at the next start)");
    println!("rolling back to snapshot {back_to}");
    rollout::roll_back(deployment, previous)?;
    match &previous.units {
        Some((cluster, _)) if rollout::cluster_active() => {
            match rollout::restart_and_wait(cluster, wait) {
                Ok(_) => println!("rolled back: the previous cluster runs again"),
                Err(e) => println!(
                    "rolled back, but the previous cluster is not up either: {}",
                    e.why
                ),
            }
        }
        _ => println!("rolled back (the cluster was not running)"),
    }
    Err(Failure::RolledBack)
}
