//! `remote-deploy` (hidden): one host's part of a cluster-wide `deploy`
//! (issue 25), run by the deploying host over SSH (`ssh -o BatchMode=yes
//! HOST zeek-systemd remote-deploy STEP`), or as a child for its own
//! host. `stage` reads the bundle ([`crate::deployment::bundle`]) from
//! stdin, checks it for this host's nodes and installs it as a snapshot
//! that is not yet live; `switch` makes it live and restarts this host's
//! nodes; `roll-back` puts back what ran before the switch. Each prints
//! one `remote-deploy: ...` line the deploying host reads. `old-zeek`
//! (read only) tells `status --cluster` which nodes here run an old Zeek.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::check::candidate::TempDir;
use super::check::deep::{self, Finding};
use super::check::secrets_check;
use super::deploy::changes::changes;
use super::deploy::rollout::{self, Wait};
use super::status::old_zeek_hosts;
use super::{print, Context};
use crate::config::{self, ConfigFiles};
use crate::deployment::bundle::{self, CONFIG, SECRETS};
use crate::deployment::last_good::Loaded;
use crate::deployment::snapshot::build::{self, Origin, Source};
use crate::deployment::snapshot::live_sources;
use crate::deployment::staged::write_private;
use crate::deployment::{load_dir, Deployment};
use crate::error::Failure;
use crate::identity;
use crate::model::{Cluster, Role};
use crate::secrets;

/// `remote-deploy` arguments.
#[derive(clap::Args, Debug)]
pub struct RemoteDeployArgs {
    #[command(subcommand)]
    pub step: Step,
}

/// One step of a host's part of a cluster-wide deploy.
#[derive(clap::Subcommand, Debug)]
pub enum Step {
    /// Say which host this is (the deploying host's first contact).
    Hello,
    /// Read a bundle from stdin, check it for this host's nodes, show what
    /// changes, and install it as a snapshot that is not yet live.
    Stage {
        /// Check and show the changes only: write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Make the staged snapshot, config and secrets live; restart this
    /// host's nodes and wait for them.
    Switch(WaitArgs),
    /// Put back what ran before the last switch; restart and wait.
    RollBack(WaitArgs),
    /// Print the manager's record of every node's identity (on the
    /// manager's host).
    Identities,
    /// Print this host's nodes that run a Zeek other than the one on disk
    /// (read only: `status --cluster`).
    OldZeek,
    /// Print the last journal lines of a node of this host since a time.
    Journal {
        node: String,
        /// Seconds since the epoch.
        since: u64,
    },
}

/// How long a host waits for its nodes.
#[derive(clap::Args, Debug)]
pub struct WaitArgs {
    #[arg(long, default_value_t = 5)]
    pub settle: u64,
    #[arg(long, default_value_t = 120)]
    pub timeout: u64,
}

impl WaitArgs {
    fn wait(&self) -> Wait {
        Wait {
            settle: Duration::from_secs(self.settle),
            timeout: Duration::from_secs(self.timeout),
        }
    }
}

/// Runs `remote-deploy STEP`.
pub fn exec(args: &RemoteDeployArgs, ctx: &Context) -> Result<(), Failure> {
    let host = ctx.options.host_or_hostname().unwrap_or("?").to_string();
    match &args.step {
        Step::Hello => {
            println!("remote-deploy: hello {host} {}", env!("CARGO_PKG_VERSION"));
            Ok(())
        }
        Step::Stage { dry_run } => stage(*dry_run, ctx, &host),
        Step::Switch(wait) => switch(wait.wait(), ctx, &host),
        Step::RollBack(wait) => roll_back(wait.wait(), ctx, &host),
        Step::Identities => identities(ctx),
        Step::OldZeek => old_zeek(ctx),
        Step::Journal { node, since } => {
            let since = std::time::UNIX_EPOCH + Duration::from_secs(*since);
            print(&rollout::journal_tail(node, since))?;
            Ok(())
        }
    }
}

/// The bundle's config, loaded for this host.
fn load_bundle_config(dir: &Path, ctx: &Context) -> Result<(Cluster, ConfigFiles), Failure> {
    let host = ctx.options.host_or_hostname();
    let source = config::find_for_host(None, &dir.join(CONFIG), host)
        .ok_or_else(|| anyhow::anyhow!("the bundle has no config for this host"))?;
    let files = config::read_files(&source).map_err(anyhow::Error::from)?;
    match config::load_files(&source, &files, &ctx.options) {
        Ok(cluster) => Ok((cluster, files)),
        Err(error) => {
            println!("invalid config: {error}");
            Err(Failure::CheckFailed)
        }
    }
}

fn stage(dry_run: bool, ctx: &Context, host: &str) -> Result<(), Failure> {
    let deployment = Deployment::new(ctx.env);
    // A dry run unpacks into the temp dir: it writes nothing of ours.
    let (dir, _guard) = if dry_run {
        let tmp = TempDir::named(&ctx.env.temp_dir, "incoming");
        (tmp.0.clone(), Some(tmp))
    } else {
        (deployment.staged_dir(), None)
    };
    let _ = std::fs::remove_dir_all(&dir);
    bundle::unpack(&mut std::io::stdin().lock(), &dir)?;
    let (cluster, files) = load_bundle_config(&dir, ctx)?;
    let sources: Vec<Source> = live_sources(&cluster.settings.install)
        .into_iter()
        .map(|(part, live)| Source {
            copy_from: dir.join(&part),
            part,
            live,
        })
        .collect();
    let staging = match dry_run {
        true => TempDir::named(&ctx.env.temp_dir, "scripts"),
        false => TempDir(deployment.store().staging("remote")?),
    };
    let id = build::build(&cluster, &files, &sources, &staging.0, Origin::Deploy)?;
    let carried = std::fs::read(dir.join(SECRETS)).ok();
    run_checks(&cluster, ctx, (&staging.0, carried.as_deref()), host)?;
    let previous = deployment.previous(&ctx.options);
    let old_scripts = previous.current.as_ref().map(|i| deployment.store().dir(i));
    let old_cluster = previous.units.as_ref().map(|(c, _)| c);
    let changed = changes(
        old_cluster,
        &cluster,
        old_scripts.as_deref(),
        &staging.0,
        &ctx.env.self_path,
    )
    .map_err(anyhow::Error::from)?;
    print(&changed.report())?;
    let secrets_path = secrets_to_put(&cluster, ctx, carried.as_deref());
    let old_zeek = crate::ops::old_zeek::find_now(&cluster, ctx.env).unwrap_or_default();
    print(&crate::ops::old_zeek::lines(
        &old_zeek,
        crate::ops::table::now(),
    ))?;
    let unchanged = previous.current.as_deref() == Some(id.as_str())
        && previous.deployed.as_ref() == Some(&files)
        && secrets_path.is_none()
        && old_zeek.is_empty();
    let state = if unchanged { "unchanged" } else { "changed" };
    let digest = identity::config_digest(&files);
    if dry_run {
        println!("remote-deploy: checked {id} config {digest} {state}");
        return Ok(());
    }
    deployment.store().install(&staging.0, &id)?;
    deployment.mark_staged(&id, secrets_path.as_deref())?;
    println!("remote-deploy: staged {id} config {digest} {state}");
    Ok(())
}

/// `check --deep`'s checks of this host's nodes with the scripts at
/// `scripts`, and of the secrets (`carried`, else this host's).
fn run_checks(
    cluster: &Cluster,
    ctx: &Context,
    (scripts, carried): (&Path, Option<&[u8]>),
    host: &str,
) -> Result<(), Failure> {
    let mut findings: Vec<Finding> = secrets_check(cluster, &ctx.env.config_dir, carried)
        .into_iter()
        .collect();
    findings.extend(deep::pinning(cluster, ctx.env.machine(), host));
    findings.extend(deep::run(cluster, ctx.env, scripts));
    let (report, passed) = deep::report(&findings);
    print(&report)?;
    if !passed {
        println!("remote-deploy: checks FAILED on host {host}");
        return Err(Failure::CheckFailed);
    }
    Ok(())
}

/// Where the carried secrets go, when this host lacks them or runs others
/// (its file may already hold the new ones: `secrets create --force`).
fn secrets_to_put(cluster: &Cluster, ctx: &Context, carried: Option<&[u8]>) -> Option<PathBuf> {
    let path = secrets::path_for(cluster, &ctx.env.config_dir)?;
    let carried = carried?;
    let here = std::fs::read(&path).ok();
    let running = Deployment::new(ctx.env).deployed_secrets();
    let what = match (&here, &running) {
        (Some(file), Some(run)) if file == carried && run == carried => return None,
        (Some(file), None) if file == carried => return None,
        (Some(_), _) => "replaced by the ones sent",
        (None, _) => "installed (this host had none)",
    };
    println!("cluster secrets {}: {what}", path.display());
    Some(path)
}

fn switch(wait: Wait, ctx: &Context, host: &str) -> Result<(), Failure> {
    let deployment = Deployment::new(ctx.env);
    let staged = deployment.staged(&ctx.options)?;
    let (cluster, _) = load_dir(&deployment.staged_dir().join(CONFIG), &ctx.options)
        .ok_or_else(|| anyhow::anyhow!("the staged config does not load"))?;
    let previous = deployment.previous(&ctx.options);
    let secrets_path = secrets::path_for(&cluster, &ctx.env.config_dir);
    deployment.save_previous(&previous, secrets_path.as_deref())?;
    if let Some((path, bytes)) = &staged.secrets {
        write_private(path, bytes)?;
    }
    if let Some(path) = &secrets_path {
        deployment.record_deployed_secrets(std::fs::read(path).ok().as_deref())?;
    }
    rollout::activate(&deployment, &staged.id, &staged.files)?;
    deployment.record_origin(&staged.id)?;
    println!(
        "remote-deploy: host {host} switched to snapshot {}",
        staged.id
    );
    restart(&cluster, wait, host, "switched")
}

/// Restarts this host's cluster and waits; on failure prints why and the
/// failing node's journal, exit 4.
fn restart(cluster: &Cluster, wait: Wait, host: &str, done: &str) -> Result<(), Failure> {
    let began = std::time::SystemTime::now();
    match rollout::restart_and_wait(cluster, wait) {
        Ok(_) => {
            println!("remote-deploy: {done}: every node of host {host} runs");
            Ok(())
        }
        Err(failure) => {
            println!("remote-deploy: FAILED on host {host}: {}", failure.why);
            if let Some(node) = &failure.node {
                println!("last journal lines of zeek@{node} on host {host}:");
                print(&rollout::journal_tail(node, began))?;
            }
            Err(Failure::RolledBack)
        }
    }
}

fn roll_back(wait: Wait, ctx: &Context, host: &str) -> Result<(), Failure> {
    let deployment = Deployment::new(ctx.env);
    let previous = deployment.restore_previous(&ctx.options)?;
    // A node crash-looping on the failed snapshot would count its next
    // automatic restart against the old one: stop them all first.
    rollout::systemctl_run(&["stop", "zeek.target"])?;
    rollout::roll_back(&deployment, &previous)?;
    let back_to = previous.current.as_deref().unwrap_or("(none)");
    println!("remote-deploy: host {host} rolled back to snapshot {back_to}");
    match &previous.units {
        Some((cluster, _)) => restart(cluster, wait, host, "rolled back"),
        None => Ok(()),
    }
}

/// The manager's identity table, as `node|host|config|snapshot|zeek`.
fn identities(ctx: &Context) -> Result<(), Failure> {
    let cluster = ctx.load()?;
    let manager = cluster
        .local_nodes()
        .find(|n| n.role == Role::Manager)
        .ok_or_else(|| anyhow::anyhow!("the manager does not run on this host"))?;
    let dir = cluster.settings.install.spool_dir.join(&manager.name);
    let mut out = std::io::stdout().lock();
    for n in identity::read_table(&dir) {
        let _ = writeln!(
            out,
            "{}|{}|{}|{}|{}",
            n.node, n.host, n.config, n.snapshot, n.zeek
        );
    }
    Ok(())
}

/// This host's nodes on an old Zeek, as one line of JSON after
/// [`old_zeek_hosts::REPLY`]; the config is the one the units come from,
/// as `status` reads it.
fn old_zeek(ctx: &Context) -> Result<(), Failure> {
    let loaded = Deployment::new(ctx.env).config_for_units(None, &ctx.options, true);
    let cluster = match loaded.ok_or_else(|| ctx.no_config())? {
        Loaded::Valid { cluster, .. } | Loaded::LastGood { cluster, .. } => cluster,
        Loaded::Invalid(error) => {
            return Err(Failure::Other(anyhow::anyhow!("invalid config: {error}")))
        }
    };
    let old = crate::ops::old_zeek::find_now(&cluster, ctx.env)?;
    let json = serde_json::to_string(&old).map_err(anyhow::Error::from)?;
    println!("{}{json}", old_zeek_hosts::REPLY);
    Ok(())
}
