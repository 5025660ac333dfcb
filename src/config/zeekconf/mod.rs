//! Zeek's own `zeek.conf` format (SPEC 2.4), as Zeek 8.1+'s C++
//! `zeek-systemd-generator` reads it: one file (`<etc>/zeek/zeek.conf`) or
//! one file per host (`<etc>/zeek/cluster/<host>.zeek.conf`). Read into the
//! same model as the native format, so the processes are the ones Zeek's
//! generator would start: same node names, command lines, environment,
//! pinning and limits; only the unit names differ.

pub mod ini;
pub mod settings;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::spec::{
    ArchiverSpec, At, Conventions, EnvVar, HostSpec, InterfaceSpec, Profile, RoleTemplate, Spec,
    Templated,
};
use super::{defaults, expand, websocket, ConfigError, ReadOptions};
use crate::layout::LIVE_VIEW_SCRIPT_NAME;
use crate::model::{
    Cluster, ClusterSettings, ConfigFormat, Encryption, Install, LayoutSource, PolicyScript,
};
use settings::{ArchiverChoice, EnvLine, FileConf, RoleConf};

/// The script Zeek's generator puts on every command line.
pub const POLICY_SCRIPT: &str = "policy/misc/systemd-generator";

/// A file of this name in a multi-host `cluster/` dir opts the cluster
/// out of encryption (issue 18): zeek.conf has no key for it, and Zeek's
/// layout generator reads only `<host>.zeek.conf` files, so the dir stays
/// one Zeek's own generator takes.
pub const CLEARTEXT_FILE: &str = "cleartext";

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
    build(&files, 0, path, false)
}

/// One `<host>.zeek.conf` of a multi-host directory, as text.
#[derive(Debug, Clone)]
pub struct HostFile {
    pub host: String,
    pub path: PathBuf,
    pub text: String,
}

/// Builds the cluster of a multi-host directory from its files (sorted by
/// name, as Zeek's layout generator takes them) for `this_host`;
/// `cleartext`: the dir has a [`CLEARTEXT_FILE`].
pub fn read_hosts(
    dir: &Path,
    files: &[HostFile],
    this_host: &str,
    cleartext: bool,
) -> Result<Cluster, ConfigError> {
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
    build(&confs, local, &files[local].path, cleartext)
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

fn build(
    files: &[HostConf],
    local: usize,
    source: &Path,
    cleartext: bool,
) -> Result<Cluster, ConfigError> {
    check_one_manager(files)?;
    let multi_host = files[0].host.is_some();
    let mine = &files[local].conf;
    let install = install(mine);
    let mut warnings = Vec::new();
    for file in files {
        warnings.extend(file.conf.warnings.iter().cloned());
    }
    let hosts: Vec<HostSpec> = (files.iter().enumerate())
        .map(|(index, file)| host(file, index, index == local))
        .collect();
    let websocket = websocket(files, &hosts, &mut warnings)?;
    let policy_script = match websocket {
        Some(_) => PolicyScript::ZeekBuiltinWithLiveView,
        None => PolicyScript::ZeekBuiltin,
    };
    let spec = Spec {
        file: source.to_path_buf(),
        conventions: Conventions {
            interface_env: true,
            fanout_ids: false,
            name_clash,
        },
        multi_host,
        manager_name: None,
        node_settings: Vec::new(),
        archiver: archiver(&files[local], &install),
        profiles: (files.iter())
            .map(|file| profile(file, policy_script))
            .collect(),
        hosts,
        archiver_profile: local,
        settings: ClusterSettings {
            source: source.to_path_buf(),
            format: ConfigFormat::ZeekConf,
            this_host: files[local].host.clone(),
            install,
            policy_script,
            layout: match &mine.cluster_layout {
                Some(path) => LayoutSource::Copy(path.clone()),
                None => LayoutSource::Generated,
            },
            units: mine.units.clone(),
            warnings,
            // zeek.conf has no keys for them: Zeek's generator refuses keys
            // it does not know (see docs/zeek-conf-migration.md).
            operations: defaults::operations(),
            encryption: encryption(multi_host, cleartext),
            websocket,
        },
    };
    // zeek.conf has no "auto": no machine to choose from.
    expand::cluster(spec, None)
}

/// Zeek's own generator has no key for it: a cluster dir is encrypted
/// with <config dir>/cluster-secrets unless it holds the cleartext file
/// (issue 18).
fn encryption(multi_host: bool, cleartext: bool) -> Encryption {
    match (multi_host, cleartext) {
        (true, false) => Encryption::Curve { secrets: None },
        (true, true) => Encryption::Off { opted_out: true },
        (false, _) => Encryption::Off { opted_out: false },
    }
}

/// `websocket` (this product's own key; Zeek's generator refuses a file
/// with it), in the file that runs the manager. Not given: no listener
/// and no live view, so that a file Zeek's generator also reads gives
/// the processes it gives (a site script may start the listener, see
/// docs/zeek-conf-migration.md).
fn websocket(
    files: &[HostConf],
    hosts: &[HostSpec],
    warnings: &mut Vec<String>,
) -> Result<Option<SocketAddr>, ConfigError> {
    let mut listener = None;
    for file in files {
        let Some(key) = &file.conf.websocket else {
            continue;
        };
        let at = at(&file.path, key.line, &key.label);
        if !file.conf.manager {
            return Err(at.error(
                "websocket is where the manager listens, and this file runs no manager \
                 (manager = 1); set it in the file of the host that runs the manager, or \
                 remove it",
            ));
        }
        listener = key.listener;
        let backend = &file.conf.backend_args;
        if let Some(message) = websocket::without_logger(listener, hosts, backend, "loggers = 1") {
            warnings.push(at.error(message).to_string());
            listener = None;
        }
    }
    Ok(listener)
}

/// Only one host file may run the manager.
fn check_one_manager(files: &[HostConf]) -> Result<(), ConfigError> {
    let mut manager_file: Option<&Path> = None;
    for file in files.iter().filter(|f| f.conf.manager) {
        if let Some(first) = manager_file {
            return Err(ConfigError {
                key: Some("manager".into()),
                line: file.conf.manager_line,
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
    Ok(())
}

/// Zeek's directory layout under `base_dir`, and the search paths.
fn install(mine: &FileConf) -> Install {
    let base = &mine.base_dir;
    let spool_dir = base.join("var/spool/zeek");
    let mut zeek_path = defaults::zeek_path(base, &spool_dir);
    if let Some(ext) = &mine.ext_zeek_path {
        zeek_path = format!("{ext}:{zeek_path}");
    }
    let mut search_path = format!("{}/bin:{}", base.display(), mine.path);
    if let Some(ext) = &mine.ext_path {
        search_path = format!("{ext}:{search_path}");
    }
    Install {
        zeek: base.join("bin/zeek"),
        spool_dir,
        log_dir: base.join("var/logs/zeek"),
        zeek_path,
        path: search_path,
        user: mine.user.clone(),
        group: mine.group.clone(),
        site_dir: defaults::site_dir(base),
        extra_script_dirs: mine
            .ext_zeek_path
            .iter()
            .flat_map(|ext| ext.split(':'))
            .filter(|dir| !dir.is_empty())
            .map(PathBuf::from)
            .collect(),
    }
}

fn env_vars(path: &Path, lines: &[EnvLine]) -> Vec<EnvVar> {
    (lines.iter())
        .map(|line| EnvVar {
            name: line.name.clone(),
            value: Templated {
                text: line.value.clone(),
                at: at(path, line.line, &line.label),
            },
        })
        .collect()
}

fn at(path: &Path, line: usize, key: &str) -> At {
    At {
        line: Some(line),
        ..At::file(path, Some(key))
    }
}

fn role(path: &Path, conf: &RoleConf) -> RoleTemplate {
    RoleTemplate {
        args: conf.args.clone(),
        env: env_vars(path, &conf.env),
        settings: conf.settings.clone(),
    }
}

/// What the nodes of one host file are built from: every node of the
/// cluster loads the live view when the manager serves the API.
fn profile(file: &HostConf, policy_script: PolicyScript) -> Profile {
    let (c, path) = (&file.conf, file.path.as_path());
    let mut policy = vec![POLICY_SCRIPT.to_string()];
    if policy_script == PolicyScript::ZeekBuiltinWithLiveView {
        policy.push(LIVE_VIEW_SCRIPT_NAME.to_string());
    }
    Profile {
        backend: c.backend_args.clone(),
        policy,
        args: c.args.clone(),
        env: env_vars(path, &c.env),
        manager: role(path, &c.manager_role),
        logger: role(path, &c.logger_role),
        proxy: role(path, &c.proxy_role),
        // Zeek's worker settings are per interface only.
        worker: RoleTemplate::default(),
    }
}

/// One host file as a host of the cluster. Listener and metrics ports
/// count from the file's own `port` and `metrics_port`.
fn host(file: &HostConf, index: usize, local: bool) -> HostSpec {
    let (c, path) = (&file.conf, file.path.as_path());
    let label_at = |label: &Option<(usize, String)>, default_key: &str| {
        let (line, key) = label.clone().unwrap_or((1, default_key.into()));
        at(path, line, &key)
    };
    let node_prefix = match (&c.node_prefix, &file.host) {
        (Some(p), _) => p.clone(),
        (None, Some(host)) => host.clone(),
        (None, None) => String::new(),
    };
    HostSpec {
        name: file.host.as_deref().map(Arc::from),
        node_prefix,
        at: At::file(path, Some("cluster_node_prefix")),
        local,
        address: match (&file.host, c.address) {
            (_, Some(a)) => Some(a),
            (None, None) => Some(IpAddr::V4(Ipv4Addr::LOCALHOST)),
            (Some(_), None) => None,
        },
        manager: c.manager,
        loggers: c.loggers,
        proxies: c.proxies,
        logger_names: None,
        proxy_names: None,
        port: c.port,
        port_at: label_at(&c.port_label, "port"),
        metrics_address: None,
        metrics_port: c.metrics_port,
        metrics_at: label_at(&c.metrics_label, "metrics_port"),
        interfaces: (c.interfaces.iter())
            .map(|iface| InterfaceSpec {
                name: iface.name.clone(),
                line: iface.capture.line,
                capture: Templated {
                    text: iface.capture.text.clone(),
                    at: at(path, iface.capture.line, &iface.capture.label),
                },
                workers: iface.workers,
                names: None,
                cpus: iface.role.settings.cpus.clone(),
                // Zeek's generator has no "auto": `check` advises instead.
                auto: None,
                args: iface.role.args.clone(),
                env: env_vars(path, &iface.role.env),
                settings: crate::model::ProcessSettings {
                    cpus: None,
                    ..iface.role.settings.clone()
                },
            })
            .collect(),
        profile: index,
    }
}

/// The message for a node name two host files share.
fn name_clash(node: &str, host: &HostSpec, other: &HostSpec) -> ConfigError {
    host.at.error(format!(
        "node name '{node}' is also a node of host {}; give the hosts different \
         cluster_node_prefix values",
        other.display_name()
    ))
}

/// The archiver of this host: on by default where a manager or logger
/// runs, Zeek's `zeek-archiver` or a custom command.
fn archiver(file: &HostConf, install: &Install) -> Option<ArchiverSpec> {
    let c = &file.conf;
    let role = &c.archiver_role;
    let mut command = match &c.archiver {
        ArchiverChoice::Off => return None,
        ArchiverChoice::Default if !(c.manager || c.loggers > 0) => return None,
        ArchiverChoice::Default | ArchiverChoice::Stock => {
            vec![defaults::archiver_executable(&c.base_dir)]
        }
        ArchiverChoice::Custom(path) => vec![path.clone()],
    };
    command.extend(role.args.iter().cloned());
    if !matches!(c.archiver, ArchiverChoice::Custom(_)) {
        command.extend(defaults::archiver_dirs(
            &install.spool_dir,
            &install.log_dir,
        ));
    }
    Some(ArchiverSpec {
        command,
        env: env_vars(&file.path, &role.env),
        settings: role.settings.clone(),
        on: true,
    })
}
