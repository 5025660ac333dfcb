//! `deploy` of a multi-host config (issue 25): every host of the cluster
//! from this one, over OpenSSH (`ssh -o BatchMode=yes`, the access
//! `status --cluster` uses), each host's part done by `zeek-systemd
//! remote-deploy` there ([`crate::verbs::remote_deploy`]; this host's by
//! a child of its own). The steps, each on every host before the next:
//! reach, stage (send the bundle, check, show the changes), switch
//! (restart, wait for the host's nodes), then wait until the manager has
//! heard every node of every host on the new snapshot and config. A host
//! that fails a check stops the deploy before anything changed; a host
//! that fails after the switch rolls every host back.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::DeployArgs;
use crate::deployment::{bundle, Deployment};
use crate::error::Failure;
use crate::identity;
use crate::model::{Cluster, Role};
use crate::secrets;
use crate::verbs::check::candidate::{scratch_snapshot, Candidate};
use crate::verbs::Context;

/// One host of the cluster, and how to reach it.
#[derive(Debug, Clone)]
pub struct Target {
    pub host: String,
    /// `[USER@]ADDRESS` for ssh; `None`: this host.
    pub ssh: Option<String>,
}

/// What a host's step printed, and whether it succeeded.
#[derive(Debug)]
struct Reply {
    ok: bool,
    text: String,
}

impl Reply {
    /// The value after `remote-deploy: WORD ` in the reply.
    fn field(&self, word: &str) -> Option<Vec<&str>> {
        let prefix = format!("remote-deploy: {word} ");
        self.text
            .lines()
            .find_map(|l| l.strip_prefix(&prefix))
            .map(|rest| rest.split_whitespace().collect())
    }
}

/// The hosts of `cluster`: this one run directly, the others over ssh.
pub fn targets(cluster: &Cluster, user: Option<&str>) -> Vec<Target> {
    cluster
        .hosts
        .iter()
        .map(|h| Target {
            host: h.name.clone(),
            ssh: (!cluster.is_this_host(h)).then(|| h.ssh_destination(user)),
        })
        .collect()
}

/// Runs `remote-deploy ARGS` on `target`, `input` on its stdin.
fn run_step(
    target: &Target,
    args: &[String],
    input: &[u8],
    self_path: &Path,
    program: &str,
) -> Reply {
    let mut command = match &target.ssh {
        None => Command::new(self_path),
        Some(dest) => {
            let mut c = Command::new("ssh");
            c.args([
                "-o",
                "BatchMode=yes",
                "-o",
                "ConnectTimeout=10",
                dest,
                program,
            ]);
            c
        }
    };
    command
        .arg("remote-deploy")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let child = match command.spawn() {
        Ok(child) => child,
        Err(e) => {
            return Reply {
                ok: false,
                text: format!("cannot run: {e}"),
            }
        }
    };
    let mut child = child;
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(input);
    }
    match child.wait_with_output() {
        Ok(out) => Reply {
            ok: out.status.success(),
            text: format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        },
        Err(e) => Reply {
            ok: false,
            text: format!("cannot run: {e}"),
        },
    }
}

/// Runs one step on every target at once.
fn on_all(
    targets: &[Target],
    args: &[String],
    input: &[u8],
    ctx: &Context,
    program: &str,
) -> Vec<Reply> {
    let self_path = ctx.env.self_path.as_path();
    std::thread::scope(|s| {
        let handles: Vec<_> = targets
            .iter()
            .map(|t| s.spawn(move || run_step(t, args, input, self_path, program)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or(Reply {
                    ok: false,
                    text: "the step panicked".into(),
                })
            })
            .collect()
    })
}

/// Prints each host's reply, indented under its name.
fn show(step: &str, targets: &[Target], replies: &[Reply]) {
    for (t, r) in targets.iter().zip(replies) {
        let how = t
            .ssh
            .as_deref()
            .map_or("this host".to_string(), |s| format!("ssh {s}"));
        println!(
            "== {step} on host {} ({how}): {}",
            t.host,
            if r.ok { "ok" } else { "FAILED" }
        );
        for line in r.text.lines() {
            println!("   {line}");
        }
    }
}

/// The bundle every host gets: the config, the scripts of the candidate's
/// snapshot, and the secrets (`new_secrets`, else this host's file) when
/// the cluster is encrypted.
fn bundle_bytes(
    candidate: &Candidate,
    ctx: &Context,
    new_secrets: Option<&[u8]>,
) -> anyhow::Result<Vec<u8>> {
    let (snapshot, _) = scratch_snapshot(candidate, &ctx.env.temp_dir)?;
    let mut files: Vec<(PathBuf, Vec<u8>)> = candidate
        .files
        .files
        .iter()
        .map(|(name, text)| {
            (
                Path::new(bundle::CONFIG).join(name),
                text.clone().into_bytes(),
            )
        })
        .collect();
    for (part, _) in crate::deployment::snapshot::live_sources(&candidate.cluster.settings.install)
    {
        files.extend(bundle::files_under(
            &snapshot.0.join(&part),
            Path::new(&part),
        )?);
    }
    if let Some(path) = secrets::path_for(&candidate.cluster, &ctx.env.config_dir) {
        let bytes = match new_secrets {
            Some(bytes) => bytes.to_vec(),
            None => std::fs::read(&path)
                .map_err(|e| anyhow::anyhow!("cannot read the secrets {}: {e}", path.display()))?,
        };
        files.push((PathBuf::from(bundle::SECRETS), bytes));
    }
    let here = ctx.options.host_or_hostname().unwrap_or("?");
    files.push((PathBuf::from(bundle::ORIGIN), here.as_bytes().to_vec()));
    let mut out = Vec::new();
    bundle::write(&mut out, &files)?;
    Ok(out)
}

/// Runs a cluster-wide deploy of `candidate` (a multi-host config), with
/// `new_secrets` (`secrets rotate`) instead of this host's secrets file:
/// they reach every host's file only at the switch, and a roll-back puts
/// the old ones back everywhere.
pub fn exec(
    args: &DeployArgs,
    ctx: &Context,
    candidate: &Candidate,
    new_secrets: Option<&[u8]>,
) -> Result<(), Failure> {
    let program = args.remote_program.as_str();
    let t0 = Instant::now();
    let targets = reach(args, ctx, &candidate.cluster)?;
    let input = bundle_bytes(candidate, ctx, new_secrets)?;
    let stage_args: Vec<String> = match args.dry_run {
        true => vec!["stage".into(), "--dry-run".into()],
        false => vec!["stage".into()],
    };
    let staged = on_all(&targets, &stage_args, &input, ctx, program);
    show("check and stage", &targets, &staged);
    let word = if args.dry_run { "checked" } else { "staged" };
    let failed: Vec<&str> = targets
        .iter()
        .zip(&staged)
        .filter(|(_, r)| !r.ok)
        .map(|(t, _)| t.host.as_str())
        .collect();
    if !failed.is_empty() {
        println!(
            "deploy: the checks FAILED on host(s) {}; nothing was changed anywhere",
            failed.join(", ")
        );
        return Err(Failure::CheckFailed);
    }
    let fields: Vec<Vec<&str>> = staged
        .iter()
        .map(|r| r.field(word).unwrap_or_default())
        .collect();
    let id = one_snapshot(&fields)?;
    println!(
        "deploy: every host checked and staged snapshot {id} ({:.1} s)",
        t0.elapsed().as_secs_f64()
    );
    if args.dry_run {
        println!("deploy: --dry-run: nothing was changed anywhere");
        return Ok(());
    }
    if fields.iter().all(|f| f.get(3) == Some(&"unchanged")) {
        println!("deploy: nothing to deploy: every host runs snapshot {id}");
        return Ok(());
    }
    go_live(
        args,
        ctx,
        (&candidate.cluster, &targets),
        &id,
        &identity::config_digest(&candidate.files),
        t0,
    )?;
    // `status` on this host names the hosts left out until a deploy
    // reaches them.
    let left_out: Vec<String> = candidate
        .cluster
        .hosts
        .iter()
        .filter(|h| !targets.iter().any(|t| t.host == h.name))
        .map(|h| h.name.clone())
        .collect();
    Deployment::new(ctx.env).record_left_out(&id, &left_out)?;
    Ok(())
}

/// The snapshot id every host staged (`ID config DIGEST STATE` each);
/// `Err` when they differ.
fn one_snapshot(fields: &[Vec<&str>]) -> Result<String, Failure> {
    let id = fields
        .first()
        .and_then(|f| f.first())
        .copied()
        .unwrap_or("");
    if id.is_empty() || fields.iter().any(|f| f.first().copied() != Some(id)) {
        return Err(Failure::Other(anyhow::anyhow!(
            "the hosts made different snapshots: nothing was changed anywhere"
        )));
    }
    Ok(id.to_string())
}

/// The hosts to deploy to: every host, each asked first (`hello`); one
/// out of reach stops the deploy, unless `--reachable-only`.
fn reach(args: &DeployArgs, ctx: &Context, cluster: &Cluster) -> Result<Vec<Target>, Failure> {
    let mut targets = targets(cluster, args.ssh_user.as_deref());
    println!(
        "deploy: cluster of {} host(s): reaching every host",
        targets.len()
    );
    let hello = on_all(&targets, &["hello".into()], b"", ctx, &args.remote_program);
    let unreachable: Vec<(Target, String)> = targets
        .iter()
        .zip(&hello)
        .filter(|(_, r)| !r.ok || r.field("hello").is_none())
        .map(|(t, r)| {
            let why = r.text.lines().last().unwrap_or("no answer");
            (t.clone(), why.to_string())
        })
        .collect();
    for (t, why) in &unreachable {
        println!(
            "deploy: host {} cannot be reached (ssh {}): {why}",
            t.host,
            t.ssh.as_deref().unwrap_or("-")
        );
    }
    if unreachable.is_empty() {
        return Ok(targets);
    }
    if !args.reachable_only {
        println!("deploy: nothing was changed anywhere (--reachable-only deploys to the others)");
        return Err(Failure::CheckFailed);
    }
    let names: Vec<&str> = unreachable.iter().map(|(t, _)| t.host.as_str()).collect();
    println!(
        "deploy: --reachable-only: left out {}; `status` shows them as differing",
        names.join(", ")
    );
    targets.retain(|t| !names.contains(&t.host.as_str()));
    Ok(targets)
}

/// Switches every host, waits for the whole cluster; rolls every host
/// back when that fails.
fn go_live(
    args: &DeployArgs,
    ctx: &Context,
    (cluster, targets): (&Cluster, &[Target]),
    id: &str,
    digest: &str,
    t0: Instant,
) -> Result<(), Failure> {
    let program = args.remote_program.as_str();
    let wait = vec![
        format!("--settle={}", args.settle),
        format!("--timeout={}", args.timeout),
    ];
    let switch_args: Vec<String> = std::iter::once("switch".to_string())
        .chain(wait.iter().cloned())
        .collect();
    println!("deploy: switching every host to snapshot {id} and restarting");
    let switched = on_all(targets, &switch_args, b"", ctx, program);
    show("switch", targets, &switched);
    let mut failed: Vec<String> = targets
        .iter()
        .zip(&switched)
        .filter(|(_, r)| !r.ok)
        .map(|(t, _)| t.host.clone())
        .collect();
    if failed.is_empty() {
        println!("deploy: every host runs its nodes ({:.1} s); waiting for the manager to hear every node", t0.elapsed().as_secs_f64());
        match wait_identities(cluster, targets, (id, digest), ctx, args) {
            Ok(()) => {
                println!("deploy: snapshot {id} is live on every host: the manager heard every node on it ({:.1} s)", t0.elapsed().as_secs_f64());
                return Ok(());
            }
            Err(missing) => {
                failed.extend(missing_hosts(cluster, &missing));
                show_journals(cluster, targets, &missing, (ctx, program));
            }
        }
    }
    println!(
        "deploy FAILED on {}: rolling every host back",
        failed.join(", ")
    );
    let back_args: Vec<String> = std::iter::once("roll-back".to_string())
        .chain(wait)
        .collect();
    let back = on_all(targets, &back_args, b"", ctx, program);
    show("roll back", targets, &back);
    Err(Failure::RolledBack)
}

/// The hosts of the nodes in `missing`, each once.
fn missing_hosts(cluster: &Cluster, missing: &[String]) -> Vec<String> {
    let mut hosts: Vec<String> = cluster
        .nodes
        .iter()
        .filter(|n| missing.contains(&n.name))
        .filter_map(|n| n.host.as_deref().map(String::from))
        .collect();
    hosts.dedup();
    hosts
}

/// The last journal lines of each node in `missing`, from its host.
fn show_journals(
    cluster: &Cluster,
    targets: &[Target],
    missing: &[String],
    (ctx, program): (&Context, &str),
) {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
        .saturating_sub(600);
    for node in cluster.nodes.iter().filter(|n| missing.contains(&n.name)) {
        let Some(target) = targets
            .iter()
            .find(|t| Some(t.host.as_str()) == node.host.as_deref())
        else {
            continue;
        };
        let args = ["journal".to_string(), node.name.clone(), since.to_string()];
        let reply = run_step(target, &args, b"", &ctx.env.self_path, program);
        println!(
            "last journal lines of zeek@{} on host {}:",
            node.name, target.host
        );
        for line in reply.text.lines() {
            println!("   {line}");
        }
    }
}

/// Polls the manager's identity table until every node of the cluster
/// reports snapshot `id` and config `digest`.
fn wait_identities(
    cluster: &Cluster,
    targets: &[Target],
    (id, digest): (&str, &str),
    ctx: &Context,
    args: &DeployArgs,
) -> Result<(), Vec<String>> {
    let manager_host = cluster
        .nodes
        .iter()
        .find(|n| n.role == Role::Manager)
        .and_then(|n| n.host.as_deref().map(String::from));
    let manager = targets
        .iter()
        .find(|t| Some(&t.host) == manager_host.as_ref())
        .ok_or_else(|| {
            println!("deploy FAILED: the manager's host is not deployed to");
            Vec::new()
        })?;
    let start = Instant::now();
    let mut said = String::new();
    loop {
        let reply = run_step(
            manager,
            &["identities".into()],
            b"",
            &ctx.env.self_path,
            &args.remote_program,
        );
        // A host left out (`--reachable-only`) keeps its old snapshot.
        let missing: Vec<&str> = cluster
            .nodes
            .iter()
            .filter(|n| {
                targets
                    .iter()
                    .any(|t| Some(t.host.as_str()) == n.host.as_deref())
            })
            .map(|n| n.name.as_str())
            .filter(|n| {
                !reply.text.lines().any(|l| {
                    let f: Vec<&str> = l.split('|').collect();
                    f.len() >= 4 && f[0] == *n && f[2] == digest && f[3] == id
                })
            })
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        let line = format!("not yet heard on snapshot {id}: {}", missing.join(", "));
        if line != said {
            println!("[{:5.1} s] {line}", start.elapsed().as_secs_f64());
            said = line.clone();
        }
        if start.elapsed() > Duration::from_secs(args.timeout) {
            let hosts = missing_hosts(
                cluster,
                &missing.iter().map(|m| m.to_string()).collect::<Vec<_>>(),
            );
            println!(
                "deploy FAILED: within {} s, {line} (host {})",
                args.timeout,
                hosts.join(", ")
            );
            return Err(missing.into_iter().map(String::from).collect());
        }
        std::thread::sleep(Duration::from_secs(1));
    }
}
