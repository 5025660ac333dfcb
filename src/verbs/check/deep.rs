//! The deep checks of `check --deep` and `deploy`, run before a restart
//! (the `zeekctl check` of this product): the node user and group and the
//! zeek binary exist,
//! every distinct node command line parses its scripts (`zeek -a`) exactly
//! as the unit would start it, and the generated units pass
//! `systemd-analyze verify`.
//!
//! The parse runs in a scratch spool (`<scratch>/<node>` is the working
//! directory) with `ZEEKPATH` pointing at a candidate snapshot of the
//! scripts (site dir, extra dirs, `cluster-layout.zeek`, policy script;
//! see [`crate::deployment::snapshot`]): exactly what the nodes would load once it is
//! deployed. The real spool and the deployed snapshot are not touched.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::os::unix::fs::{chown, PermissionsExt as _};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::Context as _;
use nix::unistd::{Gid, Group, Uid, User};

use crate::deployment::snapshot;
use crate::env::Environment;
use crate::generator::{plan, render, write};
use crate::model::{Cluster, Node, Role};
use crate::ops::{process, systemctl};
use crate::topology::Machine;

/// How long one `zeek -a` may take (a real Zeek parses `local` in 1-3 s).
const PARSE_TIMEOUT: Duration = Duration::from_secs(120);

/// One check's outcome.
#[derive(Debug)]
pub struct Finding {
    /// What was checked (`user zeek`, `scripts of worker-eth1-1 ...`).
    pub what: String,
    /// `None`: passed. Otherwise why not, in the words of the tool.
    pub failure: Option<String>,
}

/// Runs every deep check and returns the findings in order; `scripts` is
/// the candidate snapshot the nodes' `ZEEKPATH` points at. Scratch files
/// go to the environment's temp dir, and are gone when it returns.
pub fn run(cluster: &Cluster, env: &Environment, scripts: &Path) -> Vec<Finding> {
    let install = &cluster.settings.install;
    let mut findings = Vec::new();
    let user = User::from_name(&install.user).ok().flatten();
    findings.push(Finding {
        what: format!("user {}", install.user),
        failure: user.is_none().then(|| {
            format!(
                "no such user; create it (e.g. `useradd --system {}`) or set `user`",
                install.user
            )
        }),
    });
    let group = Group::from_name(&install.group).ok().flatten();
    findings.push(Finding {
        what: format!("group {}", install.group),
        failure: group.is_none().then(|| {
            format!(
                "no such group; create it (e.g. `groupadd --system {}`) or set `group`",
                install.group
            )
        }),
    });
    let zeek_problem = executable_problem(&install.zeek);
    findings.push(Finding {
        what: format!("zeek binary {}", install.zeek.display()),
        failure: zeek_problem.clone(),
    });
    match (&user, &group, &zeek_problem) {
        (Some(user), Some(group), None) => {
            let scratch = (scripts, env.temp_dir.as_path());
            parse_scripts(cluster, scratch, (user, group), &mut findings);
        }
        _ => findings.push(Finding {
            what: "scripts (zeek -a)".into(),
            failure: Some("not checked: the user, group or zeek binary is missing".into()),
        }),
    }
    findings.push(verify_units(cluster, &env.self_path, &env.temp_dir));
    findings
}

/// The CPUs and capture interfaces this host's nodes are pinned to, each
/// against the machine (`host` names it in the failure). A cluster-wide
/// deploy runs it on every host for that host's nodes; `check --deep`
/// does not (systemd's own 215/CPUAFFINITY at start is what a single
/// host's deploy meets and rolls back).
pub fn pinning(cluster: &Cluster, machine: &Machine, host: &str) -> Vec<Finding> {
    let online: Vec<u32> = machine.cpus.keys().copied().collect();
    let mut findings = Vec::new();
    for node in cluster.local_nodes() {
        if let (Some(list), false) = (&node.settings.cpus, online.is_empty()) {
            let missing: Vec<u32> = list
                .0
                .iter()
                .copied()
                .filter(|c| !online.contains(c))
                .collect();
            findings.push(Finding {
                what: format!("CPUs of {} (CPUAffinity={})", node.name, list.to_affinity()),
                failure: (!missing.is_empty()).then(|| {
                    format!(
                        "CPU {} of node {} is not on host {host} (online: {}); change the `cpus` of its interface",
                        crate::topology::cpu_text(&missing),
                        node.name,
                        crate::topology::cpu_text(&online)
                    )
                }),
            });
        }
        let iface = node
            .capture
            .as_ref()
            .and_then(|c| capture_interface(&c.source));
        if let (Some(iface), false) = (iface, machine.nics.is_empty()) {
            findings.push(Finding {
                what: format!("interface {iface} of {}", node.name),
                failure: (!machine.nics.contains_key(iface)).then(|| {
                    format!(
                        "node {} captures on {iface}, which host {host} does not have",
                        node.name
                    )
                }),
            });
        }
    }
    findings
}

/// The network interface of a capture source Zeek reads with AF_PACKET
/// or libpcap by name (`af_packet::eth1`, `eth1`); `None` for others.
fn capture_interface(source: &str) -> Option<&str> {
    let name = source.strip_prefix("af_packet::").unwrap_or(source);
    let plain = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@'));
    plain.then_some(name)
}

/// The findings as the `check --deep` report, and whether all passed.
pub fn report(findings: &[Finding]) -> (String, bool) {
    let mut out = String::from("\ndeep check:\n");
    let failed = findings.iter().filter(|f| f.failure.is_some()).count();
    for finding in findings {
        match &finding.failure {
            None => {
                let _ = writeln!(out, "  ok      {}", finding.what);
            }
            Some(why) => {
                let _ = writeln!(out, "  FAILED  {}", finding.what);
                for line in why.lines() {
                    let _ = writeln!(out, "          {line}");
                }
            }
        }
    }
    let _ = match failed {
        0 => writeln!(out, "deep check: all {} checks passed", findings.len()),
        n => writeln!(out, "deep check: {n} of {} checks FAILED", findings.len()),
    };
    (out, failed == 0)
}

fn executable_problem(path: &Path) -> Option<String> {
    match std::fs::metadata(path) {
        Err(e) => Some(format!(
            "{e}; install Zeek there or set `prefix`/`zeek` in the config"
        )),
        Ok(meta) if !meta.is_file() => Some("is not a file".into()),
        Ok(meta) if meta.permissions().mode() & 0o111 == 0 => Some("is not executable".into()),
        Ok(_) => None,
    }
}

/// What makes two nodes' scripts parse alike: role, args without the
/// capture source, environment.
type CommandLineKey<'a> = (Role, Vec<&'a str>, &'a [(String, String)]);

/// Nodes whose `zeek` runs would differ only in their name or capture
/// source parse the same scripts: one run for each distinct rest.
fn distinct_command_lines(cluster: &Cluster) -> Vec<(&Node, usize)> {
    let mut index: HashMap<CommandLineKey, usize> = HashMap::new();
    let mut groups: Vec<(&Node, usize)> = Vec::new();
    for node in cluster.local_nodes() {
        let mut args: Vec<&str> = Vec::with_capacity(node.args.len());
        let mut words = node.args.iter();
        while let Some(word) = words.next() {
            if word == "-i" {
                words.next();
                continue;
            }
            args.push(word);
        }
        let key = (node.role, args, node.env.as_slice());
        match index.get(&key) {
            Some(&i) => groups[i].1 += 1,
            None => {
                index.insert(key, groups.len());
                groups.push((node, 1));
            }
        }
    }
    groups
}

/// `(scripts, temp_dir)`: the candidate snapshot, and where the scratch
/// spool goes.
fn parse_scripts(
    cluster: &Cluster,
    (scripts, temp_dir): (&Path, &Path),
    (user, group): (&User, &Group),
    findings: &mut Vec<Finding>,
) {
    let scratch = match Scratch::new(cluster, (scripts, temp_dir), user, group) {
        Ok(scratch) => scratch,
        Err(e) => {
            findings.push(Finding {
                what: "scripts (zeek -a)".into(),
                failure: Some(format!("cannot prepare a scratch spool: {e:#}")),
            });
            return;
        }
    };
    // Only root can become the node user; anyone else parses as themself.
    let runner = if Uid::effective().is_root() {
        user.name.clone()
    } else {
        let me = User::from_uid(Uid::effective()).ok().flatten();
        format!(
            "{} (not root: cannot run as {})",
            me.map_or_else(|| Uid::effective().to_string(), |u| u.name),
            user.name
        )
    };
    for (node, count) in distinct_command_lines(cluster) {
        let same = match count {
            1 => String::new(),
            n => format!(", same command line as {} more", n - 1),
        };
        let what = format!(
            "scripts of {} ({}{same}, zeek -a as {runner})",
            node.name, node.role
        );
        let failure = match scratch.parse(cluster, node, user, group) {
            Ok(None) => None,
            Ok(Some(message)) => Some(message),
            Err(e) => Some(format!("{e:#}")),
        };
        findings.push(Finding { what, failure });
    }
}

/// A throw-away spool: one dir per node.
struct Scratch {
    root: PathBuf,
    zeek_path: String,
    manager_env: Vec<(String, String)>,
}

impl Scratch {
    fn new(
        cluster: &Cluster,
        (scripts, temp_dir): (&Path, &Path),
        user: &User,
        group: &Group,
    ) -> anyhow::Result<Scratch> {
        let root = temp_dir.join(format!("zeek-systemd-check.{}", std::process::id()));
        std::fs::create_dir(&root).with_context(|| format!("create {}", root.display()))?;
        let scratch = Scratch {
            zeek_path: snapshot::node_zeek_path(&cluster.settings.install, scripts),
            root,
            manager_env: systemctl::manager_environment(),
        };
        std::fs::set_permissions(&scratch.root, std::fs::Permissions::from_mode(0o755))?;
        let (uid, gid) = (Some(user.uid), Some(group.gid));
        for name in cluster
            .local_nodes()
            .map(|n| n.name.as_str())
            .chain(["log-queue"])
        {
            let dir = scratch.root.join(name);
            std::fs::create_dir(&dir)?;
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o750))?;
            if Uid::effective().is_root() {
                chown(&dir, uid.map(Uid::as_raw), gid.map(Gid::as_raw))?;
            }
        }
        Ok(scratch)
    }

    /// Runs `zeek -a` for `node` as the unit would run it; `Some(message)`
    /// when Zeek fails.
    fn parse(
        &self,
        cluster: &Cluster,
        node: &Node,
        user: &User,
        group: &Group,
    ) -> anyhow::Result<Option<String>> {
        let install = &cluster.settings.install;
        let mut command = Command::new(&install.zeek);
        command
            .arg("-a")
            .args(node.args.iter())
            .current_dir(self.root.join(&node.name))
            .env_clear()
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // As the unit's environment: the service manager's (LANG ...),
        // systemd's for User= (no SHELL for a nologin shell), then the
        // template's, then the node's drop-in (a later entry wins).
        command.envs(self.manager_env.iter().map(|(k, v)| (k, v)));
        let shell = user.shell.to_string_lossy();
        if !(shell.ends_with("/nologin") || shell.ends_with("/false")) {
            command.env("SHELL", &*shell);
        }
        for (key, value) in [
            ("HOME", user.dir.display().to_string()),
            ("LOGNAME", user.name.clone()),
            ("USER", user.name.clone()),
            ("CLUSTER_NODE", node.name.clone()),
            ("PATH", install.path.clone()),
            ("ZEEKPATH", self.zeek_path.clone()),
        ] {
            command.env(key, value);
        }
        command.envs(node.env.iter().map(|(k, v)| (k, v)));
        if Uid::effective().is_root() {
            as_user(&mut command, user, group);
        }
        let output = run_with_timeout(command, PARSE_TIMEOUT)?;
        if output.0 {
            return Ok(None);
        }
        let message = output.1.trim();
        Ok(Some(if message.is_empty() {
            "zeek -a failed without a message".to_string()
        } else {
            message.to_string()
        }))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// Switches the child to the node user as systemd does for `User=`/
/// `Group=`: the user's supplementary groups, then the group, then the
/// user.
fn as_user(command: &mut Command, user: &User, group: &Group) {
    let name = std::ffi::CString::new(user.name.as_bytes()).unwrap_or_default();
    let groups = nix::unistd::getgrouplist(&name, group.gid).unwrap_or_else(|_| vec![group.gid]);
    let (uid, gid) = (user.uid, group.gid);
    // SAFETY: the closure runs between fork and exec and makes only the
    // async-signal-safe setgroups/setgid/setuid system calls on values
    // computed before the fork.
    unsafe {
        command.pre_exec(move || {
            nix::unistd::setgroups(&groups)?;
            nix::unistd::setgid(gid)?;
            nix::unistd::setuid(uid)?;
            Ok(())
        });
    }
}

/// Runs `command`, killing it after `timeout`: (success, stderr + stdout).
fn run_with_timeout(mut command: Command, timeout: Duration) -> anyhow::Result<(bool, String)> {
    let program = command.get_program().to_string_lossy().into_owned();
    let output = process::run(&mut command, None, timeout)
        .with_context(|| format!("cannot run {program}"))?;
    let text = String::from_utf8_lossy(&output.stderr).into_owned()
        + &String::from_utf8_lossy(&output.stdout);
    match output.status {
        Some(status) => Ok((status.success(), text)),
        None => Ok((
            false,
            format!("{text}\n{program} did not finish within {timeout:?}; killed"),
        )),
    }
}

/// Renders the units into a scratch dir and runs `systemd-analyze verify`
/// on every one of them.
fn verify_units(cluster: &Cluster, generator_exe: &Path, temp_dir: &Path) -> Finding {
    let what = "units (systemd-analyze verify)".to_string();
    match verify(cluster, generator_exe, temp_dir) {
        Ok((count, None)) => Finding {
            what: format!("{count} units (systemd-analyze verify)"),
            failure: None,
        },
        Ok((count, Some(message))) => Finding {
            what: format!("{count} units (systemd-analyze verify)"),
            failure: Some(message),
        },
        Err(e) => Finding {
            what,
            failure: Some(format!("{e:#}")),
        },
    }
}

fn verify(
    cluster: &Cluster,
    generator_exe: &Path,
    temp_dir: &Path,
) -> anyhow::Result<(usize, Option<String>)> {
    let dir = temp_dir.join(format!("zeek-systemd-verify.{}", std::process::id()));
    std::fs::create_dir(&dir).with_context(|| format!("create {}", dir.display()))?;
    struct Remove(PathBuf);
    impl Drop for Remove {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
    let _remove = Remove(dir.clone());
    let plan = plan::plan(cluster, &dir, generator_exe);
    let outputs = render::render(&plan);
    write::write_outputs(&dir, &outputs)
        .with_context(|| format!("cannot write the units into {}", dir.display()))?;
    // Every node's instance, and every other unit file written (a template
    // other than the nodes' one instantiated for the first node).
    let mut units: Vec<String> = cluster.local_nodes().map(plan::unit_name).collect();
    let first = cluster.local_nodes().next().map(|n| n.name.clone());
    for output in &outputs {
        let name = output.path.to_string_lossy();
        let is_unit = [".service", ".target", ".path"]
            .iter()
            .any(|s| name.ends_with(s));
        if output.path.components().count() != 1 || !is_unit || name == "zeek@.service" {
            continue;
        }
        match (name.split_once("@."), &first) {
            (None, _) => units.push(name.into_owned()),
            (Some((prefix, suffix)), Some(node)) => units.push(format!("{prefix}@{node}.{suffix}")),
            (Some(_), None) => {}
        }
    }
    let output = Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .args(&units)
        .current_dir(&dir)
        // The trailing colon keeps the default search path (multi-user.target ...).
        .env("SYSTEMD_UNIT_PATH", format!("{}:", dir.display()))
        .env("SYSTEMD_LOG_COLOR", "0")
        .stdin(Stdio::null())
        .output()
        .context("cannot run systemd-analyze (package systemd)")?;
    let text = String::from_utf8_lossy(&output.stderr).into_owned()
        + &String::from_utf8_lossy(&output.stdout);
    let text = text.replace(&format!("{}/", dir.display()), "");
    // The template is verified once per instance: say each thing once.
    let mut seen = std::collections::HashSet::new();
    let text: String = text
        .lines()
        .filter(|line| seen.insert(*line))
        .map(|line| format!("{line}\n"))
        .collect();
    if output.status.success() && text.trim().is_empty() {
        Ok((units.len(), None))
    } else {
        Ok((units.len(), Some(text.trim().to_string())))
    }
}
