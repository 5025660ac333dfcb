//! Zeek's own `zeek.conf` format (SPEC 2.4), as Zeek 8.1+'s C++
//! `zeek-systemd-generator` reads it: one file (`<etc>/zeek/zeek.conf`) or
//! one file per host (`<etc>/zeek/cluster/<host>.zeek.conf`). Read into the
//! same model as the native format, so the processes are the ones Zeek's
//! generator would start: same node names, command lines, environment,
//! pinning and limits; only the unit names differ.

pub mod ini;
pub mod settings;

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::template::{self, TemplateVars};
use super::toml::MAX_NODES;
use super::{read_text, ConfigError, ReadOptions};
use crate::model::{
    Archiver, Capture, Cluster, ClusterHost, ConfigFormat, CpuList, Hardening, Install,
    LayoutSource, NetworkPolicy, Node, PolicyScript, ProcessSettings, Role,
};
use settings::{ArchiverChoice, EnvLine, FileConf, Located, RoleConf};

/// The script Zeek's generator puts on every command line.
pub const POLICY_SCRIPT: &str = "policy/misc/systemd-generator";

/// The file name suffix of the per-host form.
pub const HOST_FILE_SUFFIX: &str = ".zeek.conf";

/// Reads a single-host `zeek.conf`.
pub fn read(path: &Path, text: &str, _options: &ReadOptions) -> Result<Cluster, ConfigError> {
    let conf = parse_file(path, text)?;
    let files = [HostConf {
        host: None,
        path: path.to_path_buf(),
        conf,
    }];
    build(&files, 0, path)
}

/// One `<host>.zeek.conf` of a multi-host directory, as text.
#[derive(Debug, Clone)]
pub struct HostFile {
    pub host: String,
    pub path: PathBuf,
    pub text: String,
}

/// Reads every `<host>.zeek.conf` of `dir` and builds the cluster for
/// `this_host`.
pub fn read_dir(dir: &Path, this_host: &str) -> Result<Cluster, ConfigError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| ConfigError::file(dir, format!("cannot read the directory: {e}")))?;
    let mut names = Vec::new();
    for entry in entries {
        let entry =
            entry.map_err(|e| ConfigError::file(dir, format!("cannot read the directory: {e}")))?;
        let name = entry.file_name();
        if let Some(name) = name.to_str() {
            if host_of(name).is_some() {
                names.push(name.to_string());
            }
        }
    }
    names.sort();
    let mut files = Vec::with_capacity(names.len());
    for name in names {
        let path = dir.join(&name);
        let text = read_text(&path)?;
        let host = host_of(&name).unwrap_or_default().to_string();
        files.push(HostFile { host, path, text });
    }
    read_hosts(dir, &files, this_host)
}

/// Builds the cluster of a multi-host directory from its files (sorted by
/// name, as Zeek's layout generator takes them) for `this_host`.
pub fn read_hosts(dir: &Path, files: &[HostFile], this_host: &str) -> Result<Cluster, ConfigError> {
    if files.is_empty() {
        return Err(ConfigError::file(
            dir,
            format!(
                "no <hostname>{HOST_FILE_SUFFIX} files in {} found",
                dir.display()
            ),
        ));
    }
    let Some(local) = files.iter().position(|f| f.host == this_host) else {
        let hosts: Vec<&str> = files.iter().map(|f| f.host.as_str()).collect();
        return Err(ConfigError::file(
            dir,
            format!(
                "no {this_host}{HOST_FILE_SUFFIX} for this host ({this_host}); the cluster has \
                 the hosts {} (use --host NAME to generate for one of them)",
                hosts.join(", ")
            ),
        ));
    };
    let mut confs = Vec::with_capacity(files.len());
    for file in files {
        confs.push(HostConf {
            host: Some(file.host.clone()),
            path: file.path.clone(),
            conf: parse_file(&file.path, &file.text)?,
        });
    }
    build(&confs, local, &files[local].path)
}

/// The host a per-host file is for: `<host>.zeek.conf` with a host name
/// matching `[a-z0-9][-a-z0-9_]*`, as Zeek's layout generator selects them.
pub fn host_of(file_name: &str) -> Option<&str> {
    let host = file_name.strip_suffix(HOST_FILE_SUFFIX)?;
    let bytes = host.as_bytes();
    let ok = !bytes.is_empty()
        && (bytes[0].is_ascii_lowercase() || bytes[0].is_ascii_digit())
        && bytes
            .iter()
            .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    ok.then_some(host)
}

fn parse_file(path: &Path, text: &str) -> Result<FileConf, ConfigError> {
    let sections = ini::parse(path, text)?;
    settings::read(path, &sections)
}

/// One parsed file and the host it describes (`None`: single host).
struct HostConf {
    host: Option<String>,
    path: PathBuf,
    conf: FileConf,
}

fn located(path: &Path, line: usize, label: &str, message: String) -> ConfigError {
    ConfigError {
        file: path.to_path_buf(),
        line: Some(line),
        key: Some(label.to_string()),
        message,
    }
}

/// Expands a template, naming the value's line and key on failure.
fn expand(
    path: &Path,
    value: &Located,
    vars: &TemplateVars,
    section_less: bool,
) -> Result<String, ConfigError> {
    if !template::has_template(&value.text) {
        return Ok(value.text.clone());
    }
    template::expand(&value.text, vars).map_err(|message| {
        let message = if section_less
            && vars.worker_index.is_some()
            && (value.text.contains("${interface_section_name}")
                || value.text.contains("${interface_name}"))
        {
            format!(
                "invalid substitution var in '{}': ${{interface_section_name}} exists only in \
                 [interface NAME] sections",
                value.text
            )
        } else {
            message
        };
        located(path, value.line, &value.label, message)
    })
}

/// Merges env lines (a later line for the same name wins, as systemd lets
/// the later `Environment=` win) and expands their templates.
fn env(
    path: &Path,
    layers: &[&[EnvLine]],
    vars: &TemplateVars,
    section_less: bool,
) -> Result<Vec<(String, String)>, ConfigError> {
    // Sized up front: every worker keeps this list, and one grown by push
    // has room for 4 entries where 1 or 2 are typical.
    let mut out = super::values::EnvMerge::with_capacity(layers.iter().map(|l| l.len()).sum());
    for line in layers.iter().flat_map(|l| l.iter()) {
        let value = Located {
            text: line.value.clone(),
            line: line.line,
            label: line.label.clone(),
        };
        let value = expand(path, &value, vars, section_less)?;
        out.set(&line.name, value);
    }
    Ok(out.finish())
}

fn build(files: &[HostConf], local: usize, source: &Path) -> Result<Cluster, ConfigError> {
    let multi_host = files[0].host.is_some();
    let mine = &files[local].conf;
    let base = &mine.base_dir;
    let spool_dir = base.join("var/spool/zeek");
    let log_dir = base.join("var/logs/zeek");
    let share = base.join("share/zeek");
    let share = share.display();
    let mut zeek_path = format!(
        "{}/generated-scripts:{share}:{share}/policy:{share}/site:{share}/builtin-plugins",
        spool_dir.display()
    );
    if let Some(ext) = &mine.ext_zeek_path {
        zeek_path = format!("{ext}:{zeek_path}");
    }
    let mut search_path = format!("{}/bin:{}", base.display(), mine.path);
    if let Some(ext) = &mine.ext_path {
        search_path = format!("{ext}:{search_path}");
    }
    let install = Install {
        zeek: base.join("bin/zeek"),
        spool_dir,
        log_dir,
        zeek_path,
        path: search_path,
        user: mine.user.clone(),
        group: mine.group.clone(),
    };

    let total: usize = files
        .iter()
        .map(|f| {
            let c = &f.conf;
            usize::from(c.manager)
                + c.loggers as usize
                + c.proxies as usize
                + c.interfaces
                    .iter()
                    .map(|i| i.workers as usize)
                    .sum::<usize>()
        })
        .sum();
    if total > MAX_NODES {
        return Err(ConfigError::file(
            source,
            format!("the cluster has {total} nodes; at most {MAX_NODES} are supported"),
        ));
    }

    let mut nodes: Vec<Node> = Vec::with_capacity(total);
    let mut hosts = Vec::new();
    let mut manager_file: Option<&Path> = None;
    // Node name -> index, to find names two hosts share.
    let mut names: HashMap<String, usize> = HashMap::with_capacity(total);
    let mut budget = super::values::NodeBudget::default();
    for (index, file) in files.iter().enumerate() {
        let c = &file.conf;
        if c.manager {
            if let Some(first) = manager_file {
                return Err(ConfigError {
                    key: Some("manager".into()),
                    line: c.manager_line,
                    ..ConfigError::file(
                        &file.path,
                        format!(
                            "too many manager nodes: {} runs one too; keep 'manager = 1' in one \
                             host's file only",
                            first.display()
                        ),
                    )
                });
            }
            manager_file = Some(&file.path);
        }
        let address = match (&file.host, c.address) {
            (_, Some(a)) => Some(a),
            (None, None) => Some(IpAddr::V4(Ipv4Addr::LOCALHOST)),
            (Some(_), None) => None,
        };
        if let Some(host) = &file.host {
            hosts.push(ClusterHost {
                name: host.clone(),
                address,
            });
        }
        let first_new = nodes.len();
        host_nodes(file, index == local, address, &mut nodes, &mut budget)?;
        for (i, node) in nodes.iter().enumerate().skip(first_new) {
            if let Some(&other) = names.get(node.name.as_str()) {
                let other_host = nodes[other].host.as_deref().unwrap_or_default();
                return Err(ConfigError {
                    key: Some("cluster_node_prefix".into()),
                    ..ConfigError::file(
                        &file.path,
                        format!(
                            "node name '{}' is also a node of host {other_host}; give the hosts \
                             different cluster_node_prefix values",
                            node.name
                        ),
                    )
                });
            }
            names.insert(node.name.clone(), i);
        }
    }

    let archiver = archiver(&files[local], &install)?;
    let mut warnings = Vec::new();
    for file in files {
        warnings.extend(file.conf.warnings.iter().cloned());
    }
    Ok(Cluster {
        source: source.to_path_buf(),
        format: ConfigFormat::ZeekConf,
        this_host: files[local].host.clone(),
        install,
        nodes,
        archiver,
        policy_script: PolicyScript::ZeekBuiltin,
        layout: match &mine.cluster_layout {
            Some(path) => LayoutSource::Copy(path.clone()),
            None => LayoutSource::Generated,
        },
        autostart: true,
        restart_sec: mine.restart_sec,
        stop_timeout_sec: 90,
        hardening: Hardening::Strict,
        network: NetworkPolicy::default(),
        hosts: if multi_host { hosts } else { Vec::new() },
        warnings,
    })
}

/// Appends the nodes of one file, numbering listener and metrics ports
/// from that file's `port` and `metrics_port` (Zeek's layout generator
/// starts both counters afresh for every host file).
fn host_nodes(
    file: &HostConf,
    local: bool,
    address: Option<IpAddr>,
    nodes: &mut Vec<Node>,
    budget: &mut super::values::NodeBudget,
) -> Result<(), ConfigError> {
    let c = &file.conf;
    let path = file.path.as_path();
    let first_new = nodes.len();
    let too_big = |m: String| ConfigError::file(path, m);
    let prefix = match (&c.node_prefix, &file.host) {
        (Some(p), _) => p.as_str(),
        (None, Some(host)) => host.as_str(),
        (None, None) => "",
    };
    let prefixed = |base: String| {
        if prefix.is_empty() {
            base
        } else {
            format!("{prefix}-{base}")
        }
    };
    let listeners = usize::from(c.manager) + c.loggers as usize + c.proxies as usize;
    let workers: usize = c.interfaces.iter().map(|i| i.workers as usize).sum();
    let problem =
        super::values::check_port_ranges(c.port, listeners, c.metrics_port, listeners + workers);
    if let Err(problem) = problem {
        let (label, message, default_key) = match problem {
            super::values::PortProblem::Listeners(m) => (&c.port_label, m, "port"),
            super::values::PortProblem::Metrics(m) => (&c.metrics_label, m, "metrics_port"),
        };
        let (line, key) = label.clone().unwrap_or((1, default_key.into()));
        return Err(located(path, line, &key, message));
    }
    let mut next_port = c.port;
    let mut next_metrics = c.metrics_port;
    let mut metrics = || {
        let port = (c.metrics_port != 0).then_some(next_metrics);
        if c.metrics_port != 0 {
            next_metrics = next_metrics.wrapping_add(1);
        }
        port
    };
    let no_vars = TemplateVars::default();
    // The nodes of a host share its name, those of a role their command line.
    let host: Option<Arc<str>> = file.host.as_deref().map(Arc::from);
    let role_args = |conf: &RoleConf| -> Arc<[String]> {
        let mut args = c.backend_args.clone();
        args.push(POLICY_SCRIPT.to_string());
        args.extend(conf.args.iter().cloned());
        args.extend(c.args.iter().cloned());
        args.into()
    };
    let mut service = |name: String,
                       role: Role,
                       conf: &RoleConf,
                       args: &Arc<[String]>,
                       metrics_port: Option<u16>| {
        let port = next_port;
        next_port = next_port.wrapping_add(1);
        Ok::<Node, ConfigError>(Node {
            name,
            role,
            host: host.clone(),
            local,
            address,
            port: Some(port),
            metrics_port,
            args: Arc::clone(args),
            env: env(path, &[&c.env, &conf.env], &no_vars, false)?,
            settings: conf.settings.clone(),
            capture: None,
        })
    };
    if c.manager {
        let m = metrics();
        let args = role_args(&c.manager_role);
        let node = service("manager".into(), Role::Manager, &c.manager_role, &args, m)?;
        budget.add(&node, 0).map_err(too_big)?;
        nodes.push(node);
    }
    for (role, count, conf) in [
        (Role::Logger, c.loggers, &c.logger_role),
        (Role::Proxy, c.proxies, &c.proxy_role),
    ] {
        let args = role_args(conf);
        for k in 1..=count {
            let m = metrics();
            let name = prefixed(format!("{role}-{k}"));
            let node = service(name, role, conf, &args, m)?;
            budget.add(&node, 0).map_err(too_big)?;
            nodes.push(node);
        }
    }

    // A local worker's drop-in orders it after this host's service nodes.
    let worker_after: usize = match local {
        true => nodes[first_new..].iter().map(|n| n.name.len() + 15).sum(),
        false => 0,
    };
    let mut host_index = 0usize;
    for iface in &c.interfaces {
        let section_less = iface.name.is_none();
        let interface: Arc<str> = Arc::from(iface.name.as_deref().unwrap_or_default());
        let worker_args = |capture: &str| -> Arc<[String]> {
            let mut args =
                Vec::with_capacity(3 + c.backend_args.len() + iface.args.len() + c.args.len());
            args.push("-i".to_string());
            args.push(capture.to_string());
            args.extend(c.backend_args.iter().cloned());
            args.push(POLICY_SCRIPT.to_string());
            args.extend(iface.args.iter().cloned());
            args.extend(c.args.iter().cloned());
            args.into()
        };
        // Without a template in the capture source, every worker of the
        // interface has the same source and command line: one of each.
        let fixed = (!template::has_template(&iface.capture.text)).then(|| {
            let source: Arc<str> = Arc::from(iface.capture.text.as_str());
            let args = worker_args(&source);
            (source, args)
        });
        for index0 in 0..iface.workers as usize {
            host_index += 1;
            let cpu = iface.cpus.as_ref().map(|l| l.nth_wrapping(index0));
            let vars = TemplateVars {
                worker_index: Some(index0 + 1),
                host_worker_index: Some(host_index),
                worker_cpu: cpu,
                interface_name: iface.name.as_deref(),
            };
            let (capture, args) = match &fixed {
                Some((source, args)) => (Arc::clone(source), Arc::clone(args)),
                None => {
                    let source: Arc<str> =
                        expand(path, &iface.capture, &vars, section_less)?.into();
                    let args = worker_args(&source);
                    (source, args)
                }
            };
            let mut env = env(path, &[&c.env, &iface.env], &vars, section_less)?;
            // Zeek's worker units run `zeek -i ${INTERFACE}` with INTERFACE
            // set in the drop-in, so the variable is in the process
            // environment; an env line that sets it wins, as there.
            if !env.iter().any(|(name, _)| name == "INTERFACE") {
                // Room for exactly one more: an insert into a full list
                // doubles it, and every worker keeps its list.
                env.reserve_exact(1);
                env.insert(0, ("INTERFACE".into(), capture.to_string()));
            }
            let base = match &iface.name {
                Some(name) => format!("worker-{name}-{}", index0 + 1),
                None => format!("worker-{}", index0 + 1),
            };
            let node = Node {
                name: prefixed(base),
                role: Role::Worker,
                host: host.clone(),
                local,
                address,
                port: None,
                metrics_port: metrics(),
                args,
                env,
                settings: ProcessSettings {
                    cpus: cpu.map(|c| CpuList(vec![c])),
                    numa_policy: iface.numa_policy,
                    nice: iface.nice,
                    memory_max: iface.memory_max.clone(),
                    directives: Vec::new(),
                },
                capture: Some(Capture {
                    interface: Arc::clone(&interface),
                    source: capture,
                }),
            };
            budget.add(&node, worker_after).map_err(too_big)?;
            nodes.push(node);
        }
    }
    Ok(())
}

/// The archiver of this host: on by default where a manager or logger
/// runs, Zeek's `zeek-archiver` or a custom command.
fn archiver(file: &HostConf, install: &Install) -> Result<Option<Archiver>, ConfigError> {
    let c = &file.conf;
    let role = &c.archiver_role;
    let mut command = match &c.archiver {
        ArchiverChoice::Off => return Ok(None),
        ArchiverChoice::Default if !(c.manager || c.loggers > 0) => return Ok(None),
        ArchiverChoice::Default | ArchiverChoice::Stock => {
            vec![c.base_dir.join("bin/zeek-archiver").display().to_string()]
        }
        ArchiverChoice::Custom(path) => vec![path.clone()],
    };
    command.extend(role.args.iter().cloned());
    if !matches!(c.archiver, ArchiverChoice::Custom(_)) {
        command.push(install.spool_dir.join("log-queue").display().to_string());
        command.push(install.log_dir.display().to_string());
    }
    Ok(Some(Archiver {
        command,
        env: env(
            &file.path,
            &[&c.env, &role.env],
            &TemplateVars::default(),
            false,
        )?,
        settings: role.settings.clone(),
    }))
}
