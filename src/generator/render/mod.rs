//! From the plan to file contents, through the askama templates in
//! `templates/`. All escaping for systemd happens here (see [`syntax`]).

mod operations;
pub mod syntax;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use askama::Template;

use super::plan::{Artifact, NodeDropIn, Plan, DROP_IN_NAME, GENERATED_MARKER};
use super::restart::{self, RestartPolicy};
use crate::config::{ConfigFiles, CONFIG_DIR_ENV};
use crate::deployment::{snapshot, CONFIG_COPY_DIR, LAST_GOOD_DIR};
use crate::model::{Archiver, Cluster, Hardening, Node, ProcessSettings, Role, UnitSection};
use crate::paths::CRASH_DIR;
use crate::secrets;

/// One rendered output, relative to the output dir.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub path: PathBuf,
    pub content: Content,
}

/// What an [`Output`] is on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    File(String),
    Link(PathBuf),
}

/// Renders every item of the plan.
pub fn render(plan: &Plan) -> Vec<Output> {
    outputs(plan).collect()
}

/// Renders the items of the plan one by one, as they are taken, so the
/// generator holds one rendered file at a time rather than all of them.
pub fn outputs<'p>(plan: &'p Plan) -> impl Iterator<Item = Output> + 'p {
    let shared = Shared::new(plan);
    plan.items.iter().map(move |item| {
        let content = match &item.what {
            Artifact::NodeTemplate => Content::File(render_node_template(plan, &shared)),
            Artifact::CrashHook => Content::File(operations::crash_hook(plan, &shared.source)),
            Artifact::NodeDropIn(drop_in) => {
                Content::File(render_drop_in(plan.cluster, &shared, drop_in))
            }
            Artifact::Target { nodes, others } => Content::File(
                TargetUnit {
                    source: &shared.source,
                    rejected: shared.rejected.as_deref(),
                    nodes,
                    others,
                }
                .render()
                .expect("rendering into a String cannot fail"),
            ),
            Artifact::Setup => Content::File(render_setup(plan, &shared)),
            Artifact::ConfigCheckPath => Content::File(
                ConfigCheckPathUnit {
                    source: &shared.source,
                    marker: marker_path(plan),
                }
                .render()
                .expect("rendering into a String cannot fail"),
            ),
            Artifact::ConfigCheck => Content::File(render_config_check(plan, &shared)),
            Artifact::Archiver { archiver, before } => {
                Content::File(render_archiver(plan.cluster, &shared, archiver, before))
            }
            Artifact::Ops(unit) => Content::File(operations::render(plan, &shared.source, *unit)),
            Artifact::Link { target, .. } => Content::Link(PathBuf::from(target)),
        };
        Output {
            path: item.path(),
            content,
        }
    })
}

/// The generator's own files besides the units: the copy of the config
/// the units come from (under [`CONFIG_COPY_DIR`]) and the marker the
/// config check watches for.
pub fn config_copy(files: &ConfigFiles) -> impl Iterator<Item = Output> + '_ {
    files
        .files
        .iter()
        .map(|(name, text)| Output {
            path: Path::new(CONFIG_COPY_DIR).join(name),
            content: Content::File(text.clone()),
        })
        .chain(std::iter::once(Output {
            path: PathBuf::from(GENERATED_MARKER),
            content: Content::File(String::new()),
        }))
}

/// Values every unit of the plan uses, escaped once.
struct Shared {
    source: String,
    zeek: String,
    strict: bool,
    basic: bool,
    /// The error of the config on disk, as one line (see [`Plan::rejected`]).
    rejected: Option<String>,
    /// The cluster is encrypted: each node loads its part of the secrets.
    encrypted: bool,
    /// A multi-host cluster: each node loads its host's identity script.
    identity: bool,
    /// This program, as the units call it (`setup-scripts`,
    /// `rotate-leftovers`).
    exe: String,
}

impl Shared {
    fn new(plan: &Plan) -> Self {
        let cluster = plan.cluster;
        Shared {
            rejected: plan.rejected.as_deref().map(syntax::one_line),
            source: syntax::no_specifiers(&cluster.settings.source.display().to_string()),
            zeek: cluster.settings.install.zeek.display().to_string(),
            strict: cluster.settings.units.hardening == Hardening::Strict,
            basic: cluster.settings.units.hardening == Hardening::Basic,
            encrypted: plan.secrets.is_some(),
            identity: !cluster.hosts.is_empty(),
            exe: plan.generator_exe.display().to_string(),
        }
    }
}

#[derive(Template)]
#[template(path = "zeek@.service", escape = "none")]
struct NodeTemplateUnit<'a> {
    source: &'a str,
    drop_in_name: &'a str,
    condition_path: String,
    user: &'a str,
    group: &'a str,
    working_directory: String,
    path_env: String,
    zeek_path_env: String,
    exec_start: String,
    /// `Some(version)` of the systemd that runs the generator.
    systemd_version: Option<u32>,
    /// `RestartSec=` and, where that systemd has back-off, the steps.
    restart: RestartPolicy,
    stop_timeout_sec: u32,
    network_online: bool,
    /// `ExecStopPost=` without the `+` and the instance argument.
    crash_hook: String,
    strict: bool,
    basic: bool,
    own_spool_dir: String,
    ip_allow: Vec<String>,
}

fn render_node_template(plan: &Plan, shared: &Shared) -> String {
    let cluster = plan.cluster;
    let install = &cluster.settings.install;
    let spool = syntax::no_specifiers(&install.spool_dir.display().to_string());
    // The drop-in of every node replaces this command line; it is here so
    // the template stays loadable for any instance name.
    let mut default_command = vec![shared.zeek.clone()];
    if let Some(manager_like) = cluster.nodes.iter().find(|n| n.role != Role::Worker) {
        default_command.extend(manager_like.args.iter().cloned());
    }
    let ip_allow = ip_allow_list(cluster);
    let restart = restart::node_policy(cluster.settings.units.restart_sec, plan.systemd_version);
    NodeTemplateUnit {
        source: &shared.source,
        drop_in_name: DROP_IN_NAME,
        condition_path: format!(
            "{}/zeek@%i.service.d/{DROP_IN_NAME}",
            syntax::no_specifiers(&plan.normal_dir.display().to_string())
        ),
        user: &install.user,
        group: &install.group,
        working_directory: format!("{spool}/%i"),
        path_env: syntax::environment("PATH", &install.path),
        // The deployed snapshot, never the live site dir.
        zeek_path_env: syntax::environment(
            "ZEEKPATH",
            &snapshot::node_zeek_path(install, &snapshot::current_path()),
        ),
        exec_start: syntax::command_line(&default_command),
        systemd_version: plan.systemd_version,
        crash_hook: crash_hook_command(restart.backoff.is_some()),
        restart,
        stop_timeout_sec: cluster.settings.units.stop_timeout_sec,
        network_online: needs_network(cluster),
        strict: shared.strict,
        basic: shared.basic,
        own_spool_dir: format!("\"{}/%i\"", escape_quoted_path(&install.spool_dir)),
        ip_allow,
    }
    .render()
    .expect("rendering into a String cannot fail")
}

/// The node's `ExecStopPost=` command, but for the node name systemd
/// appends as `$1` (`%i`, a specifier the quoting here would escape).
/// A clean stop (`SERVICE_RESULT=success`) does nothing; anything else
/// saves the stop's result for the hook and queues the hook (without
/// waiting: PID 1 is waiting for this very command). With `backoff`, a
/// node that had run [`restart::HEALTHY_RUN_SEC`] first gets its restart
/// count reset, so that its restart comes at the first step (see
/// `restart`); a main process that never started (timestamp 0) keeps it.
fn crash_hook_command(backoff: bool) -> String {
    let reset = if backoff {
        format!(
            "started=$(systemctl show -P ExecMainStartTimestampMonotonic \"zeek@$1.service\"); \
             up=$(cut -d. -f1 /proc/uptime); \
             if [ \"${{started:-0}}\" -gt 0 ] && [ $((up - started / 1000000)) -ge {} ]; then \
             systemctl reset-failed \"zeek@$1.service\"; fi; ",
            restart::HEALTHY_RUN_SEC
        )
    } else {
        String::new()
    };
    let script = format!(
        "case \"$SERVICE_RESULT\" in success) exit 0 ;; esac; {reset}\
         mkdir -p {CRASH_DIR} && \
         printf 'ZEEK_NODE=%s\\nSERVICE_RESULT=%s\\nEXIT_CODE=%s\\nEXIT_STATUS=%s\\n' \
         \"$1\" \"$SERVICE_RESULT\" \"$EXIT_CODE\" \"$EXIT_STATUS\" >\"{CRASH_DIR}/$1\" && \
         exec systemctl start --no-block \"zeek-node-crashed@$1.service\""
    );
    syntax::command_line(&["sh", "-c", &script, "sh"])
}

/// Whether nodes must wait for `network-online.target`: when one of them
/// listens on or connects to an address that exists only once the network
/// is up. Loopback always exists, and a wildcard listener (0.0.0.0, ::)
/// binds without any configured address; a host name (multi-host without
/// an address) needs a resolver, and any other address a configured link.
/// A capture interface needs no address. On a sensor whose capture NICs
/// have none, `network-online.target` may never be reached (wait-online
/// times out after 2 minutes): a loopback cluster must not wait for it.
fn needs_network(cluster: &Cluster) -> bool {
    !cluster.hosts.is_empty()
        || cluster.nodes.iter().any(|n| match n.address {
            None => n.host.is_some(),
            Some(addr) => !addr.is_loopback() && !addr.is_unspecified(),
        })
}

/// The `IPAddressAllow=` entries of every node (after `IPAddressDeny=any`);
/// empty for no IP filter at all. See `[cluster] ip_allow` in
/// zeek-cluster.toml(5).
///
/// The filter is opt-in: who a node must reach besides its cluster (DNS
/// resolvers, Prometheus scrapers, log stores, intel feeds) differs per
/// site and cannot be guessed, and a wrong guess fails silently (blocked
/// connections hang until they time out).
fn ip_allow_list(cluster: &Cluster) -> Vec<String> {
    let extra: Vec<String> = match &cluster.settings.units.network.ip_allow {
        None => return Vec::new(),
        Some(list) if list.iter().any(|e| e == "any") => return Vec::new(),
        Some(list) => list.clone(),
    };
    let mut list = vec!["localhost".to_string()];
    // A set beside the list: a long ip_allow (or many hosts) times many
    // nodes must not turn into a quadratic scan at boot.
    let mut seen: HashSet<String> = list.iter().cloned().collect();
    // Nodes of other hosts connect to this host's nodes and back. An
    // unspecified listen address (0.0.0.0, ::) names no peer; a loopback
    // one is in "localhost".
    for node in &cluster.nodes {
        if let Some(addr) = node
            .address
            .filter(|a| !a.is_unspecified() && !a.is_loopback())
        {
            let addr = addr.to_string();
            if seen.insert(addr.clone()) {
                list.push(addr);
            }
        }
    }
    // A client on this host may reach the WebSocket API by the address it
    // listens on; clients elsewhere are the operator's to list.
    if let Some(address) = (cluster.settings.websocket)
        .map(|a| a.ip())
        .filter(|a| !a.is_unspecified() && !a.is_loopback())
    {
        let address = address.to_string();
        if seen.insert(address.clone()) {
            list.push(address);
        }
    }
    for entry in extra {
        if seen.insert(entry.clone()) {
            list.push(entry);
        }
    }
    list
}

/// The inside of a quoted path word, without the quotes.
fn escape_quoted_path(path: &Path) -> String {
    let word = syntax::path_word(&path.display().to_string());
    word[1..word.len() - 1].to_string()
}

#[derive(Template)]
#[template(path = "zeek@node.conf", escape = "none")]
struct NodeDropInUnit<'a> {
    node: &'a str,
    role: &'static str,
    description: String,
    after: &'a str,
    unit_directives: Vec<String>,
    slice: &'static str,
    exec_start: String,
    /// `LoadCredential=` of this node's part of the cluster secrets.
    credential: Option<String>,
    environment: Vec<String>,
    /// The process settings: `[Service]` directives from the one template
    /// both units include (process-settings.inc).
    settings: &'a ProcessSettings,
    /// Manager and loggers under strict hardening: the spool dir (one
    /// mount for their own dir and the queue).
    log_writer_paths: Option<String>,
    /// Loggers (and a manager without loggers): the command that rotates
    /// what Zeek wrote after its last rotation at exit.
    rotate_leftovers: Option<String>,
    /// The node the others of this host start after (see `plan::plan`).
    log_receiver: bool,
    worker: bool,
    strict: bool,
    service_directives: Vec<String>,
}

/// A node's `ExecStart=`. A multi-host cluster's node loads its host's
/// identity script (see [`crate::identity`]); an encrypted cluster's node
/// loads its part of the secrets last, from its credentials dir (`%d`,
/// systemd 248+): after the cluster backend, whose CURVE keys it sets.
fn node_command_line(command: &[&str], shared: &Shared) -> String {
    let mut line = syntax::command_line(command);
    if shared.identity {
        line.push(' ');
        line.push_str(&syntax::command_line(&[crate::paths::IDENTITY_SCRIPT]));
    }
    if shared.encrypted {
        line.push_str(" %d/");
        line.push_str(secrets::CREDENTIAL);
    }
    line
}

/// The `LoadCredential=` value for a node of `role`: its part of the
/// secrets, as zeek-setup.service leaves it.
fn credential(role: Role) -> String {
    let part = Path::new(crate::paths::SECRETS_DIR).join(secrets::Part::of(role).file_name());
    format!("{}:{}", secrets::CREDENTIAL, part.display())
}

fn directives(settings: &ProcessSettings, section: UnitSection) -> Vec<String> {
    settings
        .directives
        .iter()
        .filter(|d| d.section == section)
        .map(|d| format!("{}={}", d.key, d.value))
        .collect()
}

fn render_drop_in(cluster: &Cluster, shared: &Shared, drop_in: &NodeDropIn) -> String {
    let node = drop_in.node;
    let mut command = Vec::with_capacity(node.args.len() + 1);
    command.push(shared.zeek.as_str());
    command.extend(node.args.iter().map(String::as_str));
    let writes_logs = matches!(node.role, Role::Manager | Role::Logger);
    let unit = NodeDropInUnit {
        node: &node.name,
        role: node.role.name(),
        description: syntax::no_specifiers(&match &node.capture {
            Some(capture) => format!("Zeek {} (worker on {})", node.name, capture.source),
            None => format!("Zeek {} ({})", node.name, node.role),
        }),
        after: &drop_in.after,
        unit_directives: directives(&node.settings, UnitSection::Unit),
        slice: node.role.slice(),
        exec_start: node_command_line(&command, shared),
        credential: shared.encrypted.then(|| credential(node.role)),
        environment: node
            .env
            .iter()
            .map(|(k, v)| syntax::environment(k, v))
            .collect(),
        settings: &node.settings,
        log_writer_paths: (writes_logs && shared.strict)
            .then(|| syntax::path_word(&cluster.settings.install.spool_dir.display().to_string())),
        rotate_leftovers: rotates_logs(cluster, node)
            .then(|| rotate_leftovers(cluster, shared, node)),
        log_receiver: rotates_logs(cluster, node),
        worker: node.role == Role::Worker,
        strict: shared.strict,
        service_directives: directives(&node.settings, UnitSection::Service),
    };
    // Sized for the whole drop-in up front: one growth of thousands of
    // these costs more than the rest of rendering them.
    let values: usize = unit.environment.iter().map(|e| e.len() + 13).sum::<usize>()
        + unit.exec_start.len()
        + unit.after.len()
        + unit.description.len();
    let mut out = String::with_capacity(NodeDropInUnit::SIZE_HINT + values + 256);
    unit.render_into(&mut out)
        .expect("rendering into a String cannot fail");
    out
}

/// Whether the node rotates logs into the queue: loggers, and the manager
/// when there is no logger (Zeek's `Cluster::manager_is_logger`).
fn rotates_logs(cluster: &Cluster, node: &Node) -> bool {
    match node.role {
        Role::Logger => true,
        Role::Manager => !cluster.nodes.iter().any(|n| n.role == Role::Logger),
        _ => false,
    }
}

/// Our own `rotate-leftovers` in the node's working dir: it moves what
/// Zeek wrote after its last rotation at exit (its stats.log) into the
/// queue under the names Zeek's next start would give them, without
/// starting Zeek again (see src/verbs/rotate_leftovers.rs). With more than
/// one logger, Zeek adds the node's name to the names; so does this.
fn rotate_leftovers(cluster: &Cluster, shared: &Shared, node: &Node) -> String {
    let loggers = cluster
        .nodes
        .iter()
        .filter(|n| n.role == Role::Logger)
        .count();
    let mut command = vec![shared.exe.as_str(), "rotate-leftovers"];
    if loggers > 1 {
        command.extend(["--log-suffix", node.name.as_str()]);
    }
    syntax::command_line(&command)
}

#[derive(Template)]
#[template(path = "zeek.target", escape = "none")]
struct TargetUnit<'a> {
    source: &'a str,
    rejected: Option<&'a str>,
    nodes: &'a [&'a Node],
    others: &'a [&'static str],
}

#[derive(Template)]
#[template(path = "zeek-invalid.target", escape = "none")]
struct InvalidConfigTarget {
    reason: String,
    source: String,
}

/// The `zeek.target` written instead of the units when the config is
/// invalid: every start fails, and `systemctl status zeek.target` says
/// why, instead of "unit not found".
pub fn invalid_config_target(error: &crate::config::ConfigError) -> Output {
    let text = InvalidConfigTarget {
        reason: syntax::one_line(&error.to_string()),
        source: syntax::no_specifiers(&error.file.display().to_string()),
    }
    .render()
    .expect("rendering into a String cannot fail");
    Output {
        path: PathBuf::from("zeek.target"),
        content: Content::File(text),
    }
}

/// The marker file of [`GENERATED_MARKER`] as systemd sees it at run time.
fn marker_path(plan: &Plan) -> String {
    syntax::no_specifiers(&plan.normal_dir.join(GENERATED_MARKER).display().to_string())
}

#[derive(Template)]
#[template(path = "zeek-config-check.path", escape = "none")]
struct ConfigCheckPathUnit<'a> {
    source: &'a str,
    marker: String,
}

#[derive(Template)]
#[template(path = "zeek-config-check.service", escape = "none")]
struct ConfigCheckUnit<'a> {
    source: &'a str,
    rejected: Option<&'a str>,
    marker: String,
    /// The `echo` that puts the error into the unit's log.
    message: Option<String>,
    /// For a valid config: its copy in the output dir and the last good
    /// dir it replaces, quoted.
    save_last_good: Option<(String, String)>,
}

fn render_config_check(plan: &Plan, shared: &Shared) -> String {
    let marker = plan.normal_dir.join(GENERATED_MARKER);
    let quoted = |p: &Path| syntax::command_line(&[p.display().to_string()]);
    let save_last_good = plan.rejected.is_none().then(|| {
        (
            quoted(&plan.normal_dir.join(CONFIG_COPY_DIR)),
            quoted(Path::new(LAST_GOOD_DIR)),
        )
    });
    ConfigCheckUnit {
        source: &shared.source,
        rejected: shared.rejected.as_deref(),
        marker: syntax::command_line(&[marker.display().to_string()]),
        message: plan.rejected.as_deref().map(|error| {
            syntax::command_line(&[
                "echo",
                &format!(
                    "INVALID CONFIG at the last daemon-reload: {}; the cluster keeps running on \
                     the last good config ({LAST_GOOD_DIR}). Fix the config, then run \
                     `systemctl daemon-reload`.",
                    error.replace(|c: char| c.is_control(), " ")
                ),
            ])
        }),
        save_last_good,
    }
    .render()
    .expect("rendering into a String cannot fail")
}

#[derive(Template)]
#[template(path = "zeek-setup.service", escape = "none")]
struct SetupUnit<'a> {
    source: &'a str,
    runtime_directory: &'a str,
    config_dir_env: String,
    config_copy: String,
    last_good: String,
    user: &'a str,
    group: &'a str,
    /// `RequiresMountsFor=`: the snapshots may be on a `/var` of its own.
    state_dir: String,
    spool_dir: String,
    node_dirs: String,
    log_dir: String,
    scripts_command: String,
    /// Splits the secrets into each kind of node's part.
    secrets_command: Option<String>,
}

/// The `zeek-setup.service` command that puts the scripts nodes load in
/// place: `setup-scripts`, on the copy of the config the units came from.
fn scripts_command(cluster: &Cluster, exe: &str) -> String {
    let mut command = vec![exe, "setup-scripts"];
    // Looked up in the copy as the generator found it on disk.
    if let Some(host) = &cluster.settings.this_host {
        command.extend(["--host", host.as_str()]);
    }
    syntax::command_line(&command)
}

fn render_setup(plan: &Plan, shared: &Shared) -> String {
    let cluster = plan.cluster;
    let install = &cluster.settings.install;
    let quoted = |p: &Path| syntax::command_line(&[p.display().to_string()]);
    let mut node_dirs = String::new();
    for name in cluster
        .local_nodes()
        .map(|n| n.name.as_str())
        .chain(["log-queue"])
    {
        let dir = install.spool_dir.join(name);
        syntax::push_command_word(&mut node_dirs, &dir.to_string_lossy());
    }
    let exe = plan.generator_exe.display().to_string();
    let config_copy = plan.normal_dir.join(CONFIG_COPY_DIR);
    SetupUnit {
        source: &shared.source,
        runtime_directory: LAST_GOOD_DIR
            .strip_prefix("/run/")
            .expect("the last good dir is under /run"),
        state_dir: syntax::path_word(snapshot::STATE_DIR),
        config_dir_env: syntax::environment(CONFIG_DIR_ENV, &config_copy.display().to_string()),
        config_copy: quoted(&config_copy),
        last_good: quoted(Path::new(LAST_GOOD_DIR)),
        user: &install.user,
        group: &install.group,
        spool_dir: quoted(&install.spool_dir),
        node_dirs,
        log_dir: quoted(&install.log_dir),
        scripts_command: scripts_command(cluster, &exe),
        secrets_command: plan.secrets.as_ref().map(|path| {
            syntax::command_line(&[
                exe.as_str(),
                "secrets",
                "install",
                "--secrets",
                &path.display().to_string(),
            ])
        }),
    }
    .render()
    .expect("rendering into a String cannot fail")
}

#[derive(Template)]
#[template(path = "zeek-archiver.service", escape = "none")]
struct ArchiverUnit<'a> {
    source: &'a str,
    unit_directives: Vec<String>,
    user: &'a str,
    group: &'a str,
    working_directory: String,
    exec_start: String,
    /// The stock archiver once more in one-shot mode (`-1`), run after it
    /// stopped; `None` for a custom command, whose flags we do not know.
    final_pass: Option<String>,
    before: &'a str,
    environment: Vec<String>,
    /// The process settings: `[Service]` directives from the one template
    /// both units include (process-settings.inc).
    settings: &'a ProcessSettings,
    restart_sec: String,
    strict: bool,
    basic: bool,
    /// The stock zeek-archiver needs no network; a custom shipper does.
    private_network: bool,
    /// The stock zeek-archiver exits with status 131 when stopped.
    stock: bool,
    writable: String,
    service_directives: Vec<String>,
}

fn render_archiver(
    cluster: &Cluster,
    shared: &Shared,
    archiver: &Archiver,
    before: &str,
) -> String {
    let install = &cluster.settings.install;
    let stock = archiver
        .command
        .first()
        .is_some_and(|exe| exe.ends_with("/zeek-archiver"));
    ArchiverUnit {
        source: &shared.source,
        user: &install.user,
        group: &install.group,
        // Its queue, the one place besides the log dir it may write to
        // under strict hardening.
        working_directory: syntax::no_specifiers(
            &install.spool_dir.join("log-queue").display().to_string(),
        ),
        exec_start: syntax::command_line(&archiver.command),
        final_pass: stock.then(|| {
            let mut command = archiver.command.clone();
            command.insert(1, "-1".to_string());
            syntax::command_line(&command)
        }),
        before,
        environment: archiver
            .env
            .iter()
            .map(|(k, v)| syntax::environment(k, v))
            .collect(),
        settings: &archiver.settings,
        restart_sec: restart::archiver_restart_sec(cluster.settings.units.restart_sec),
        strict: shared.strict,
        basic: shared.basic,
        private_network: stock,
        stock,
        writable: format!(
            "{} {}",
            syntax::path_word(&install.spool_dir.join("log-queue").display().to_string()),
            syntax::path_word(&install.log_dir.display().to_string())
        ),
        unit_directives: directives(&archiver.settings, UnitSection::Unit),
        service_directives: directives(&archiver.settings, UnitSection::Service),
    }
    .render()
    .expect("rendering into a String cannot fail")
}
