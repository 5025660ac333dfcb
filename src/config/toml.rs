//! The native TOML format, `/etc/zeek/cluster.toml` (SPEC 2.2, 2.3).

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use super::spec::{
    ArchiverSpec, At, Conventions, EnvVar, HostSpec, InterfaceSpec, NodeSettings, Pending, Profile,
    RoleTemplate, Spec, Templated,
};
use super::values::{self, MAX_SERVICE_NODES, MAX_WORKERS};
use super::{defaults, expand, operations, ConfigError, ReadOptions, DEFAULT_PREFIX};
use crate::model::{
    Alerts, Cluster, ConfigFormat, CpuList, Encryption, Hardening, Install, LayoutSource,
    NetworkPolicy, NumaPolicy, Operations, PolicyScript, ProcessSettings, UnitDirective,
    UnitSection,
};

type Str = Spanned<String>;
type Env = Spanned<BTreeMap<String, Str>>;
type Args = Spanned<Vec<Str>>;
type Directives = Spanned<BTreeMap<String, BTreeMap<String, Spanned<DirectiveValue>>>>;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Document {
    #[serde(default)]
    zeek: ZeekSection,
    #[serde(default)]
    cluster: ClusterSection,
    #[serde(default)]
    manager: RoleSection,
    #[serde(default)]
    logger: RoleSection,
    #[serde(default)]
    proxy: RoleSection,
    #[serde(default)]
    worker: WorkerSection,
    #[serde(default)]
    interface: Vec<Spanned<InterfaceSection>>,
    #[serde(default)]
    archiver: ArchiverSection,
    /// Multi-host (SPEC 2.5): every host of the cluster by name.
    hosts: Option<Spanned<BTreeMap<String, Spanned<HostSection>>>>,
    /// Settings of single nodes by node name, applied last.
    nodes: Option<Spanned<BTreeMap<String, Spanned<NodeSection>>>>,
    /// Retention of the archived logs.
    #[serde(default)]
    logs: LogsSection,
    /// The free-space threshold of the log file systems.
    #[serde(default)]
    disk: DiskSection,
    /// Where crash and disk-space reports go.
    #[serde(default)]
    alerts: AlertsSection,
}

/// `[nodes.NAME]`: what one node has beyond its role's and interface's
/// settings (a ZeekControl node's own `pin_cpus`, `env_vars`, scripts).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct NodeSection {
    /// `CPUAffinity=` of this node (replaces the role's or the pinned CPU).
    cpus: Option<Str>,
    /// Merged key by key after every other env table; taken literally.
    env: Option<Env>,
    /// Added after the role's (and interface's) args, before `[zeek] args`.
    args: Option<Args>,
}

/// `loggers`/`proxies` of a host: how many (named `<host>-<role>-<k>`),
/// or the node names themselves.
#[derive(Deserialize)]
#[serde(untagged)]
enum CountOrNames {
    Count(i64),
    // Plain strings: toml cannot keep spans inside an untagged enum.
    Names(Vec<String>),
}

/// `[hosts.NAME]`: what runs on one host of a multi-host cluster. The
/// role sections (`[manager]`, `[worker]` ...) still give the settings of
/// the nodes; a host says how many of each it runs.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct HostSection {
    address: Option<Str>,
    manager: Option<Spanned<bool>>,
    loggers: Option<Spanned<CountOrNames>>,
    proxies: Option<Spanned<CountOrNames>>,
    port: Option<Spanned<i64>>,
    metrics_port: Option<Spanned<i64>>,
    #[serde(default)]
    interface: Vec<Spanned<InterfaceSection>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ZeekSection {
    prefix: Option<Str>,
    zeek: Option<Str>,
    spool_dir: Option<Str>,
    log_dir: Option<Str>,
    user: Option<Str>,
    group: Option<Str>,
    args: Option<Args>,
    env: Option<Env>,
    cluster_backend: Option<Spanned<Backend>>,
    autostart: Option<bool>,
    restart_sec: Option<Spanned<i64>>,
    stop_timeout_sec: Option<Spanned<i64>>,
    hardening: Option<Str>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Backend {
    Name(String),
    Args(Vec<String>),
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ClusterSection {
    address: Option<Str>,
    port: Option<Spanned<i64>>,
    metrics_port: Option<Spanned<i64>>,
    ip_allow: Option<Spanned<Vec<Str>>>,
    encryption: Option<Spanned<bool>>,
    secrets: Option<Str>,
}

/// Declares a table that carries the process settings (`[manager]`,
/// `[logger]`, `[proxy]`, `[worker]`, `[[interface]]`, `[archiver]`): its
/// own keys, then the per-process keys every such table shares, each
/// declared once here, with how it is read.
macro_rules! process_table {
    ($(#[$meta:meta])* struct $name:ident { $($field:ident: $ty:ty,)* }) => {
        $(#[$meta])*
        #[derive(Deserialize, Default)]
        #[serde(deny_unknown_fields)]
        struct $name {
            $($field: $ty,)*
            cpus: Option<Str>,
            numa_policy: Option<Str>,
            memory_max: Option<Spanned<MemoryValue>>,
            nice: Option<Spanned<i64>>,
            oom_score_adjust: Option<Spanned<i64>>,
            args: Option<Args>,
            env: Option<Env>,
            systemd: Option<Directives>,
        }

        impl $name {
            /// The table's process settings, validated.
            fn template(&self, r: &Reader) -> Result<RoleTemplate, ConfigError> {
                Ok(RoleTemplate {
                    args: r.args(&self.args)?,
                    env: r.env(&self.env)?,
                    settings: ProcessSettings {
                        cpus: r.cpus(&self.cpus)?,
                        numa_policy: r.numa(&self.numa_policy)?,
                        nice: r.ranged(&self.nice, values::check_nice)?,
                        memory_max: r.memory(&self.memory_max)?,
                        oom_score_adjust: r.ranged(&self.oom_score_adjust, values::check_oom_score_adjust)?,
                        directives: r.directives(&self.systemd)?,
                    },
                })
            }
        }
    };
}

process_table! {
    /// `[manager]`, `[logger]`, `[proxy]`: `enabled` is the manager's,
    /// `count` the others'; the reader rejects the wrong one.
    struct RoleSection {
        enabled: Option<Spanned<bool>>,
        count: Option<Spanned<i64>>,
        // The manager's node name (default `manager`).
        name: Option<Str>,
        // Logger/proxy node names, used as they are (instead of `count`).
        names: Option<Spanned<Vec<Str>>>,
    }
}

process_table! {
    /// `[worker]`: what the workers of every interface start from
    /// (`cpus` is refused: workers are pinned per interface).
    struct WorkerSection {}
}

process_table! {
    /// `[[interface]]` (`cpus`: the CPUs its workers are pinned to in turn).
    struct InterfaceSection {
        name: Option<Str>,
        capture: Option<Str>,
        workers: Option<Spanned<i64>>,
        // The workers' node names, used as they are (worker k gets the k-th).
        names: Option<Spanned<Vec<Str>>>,
    }
}

process_table! {
    /// `[archiver]` (`args` go after the executable of `command`).
    struct ArchiverSection {
        enabled: Option<bool>,
        command: Option<Args>,
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum MemoryValue {
    Bytes(i64),
    Text(String),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum DirectiveValue {
    Text(String),
    Integer(i64),
    Bool(bool),
    List(Vec<DirectiveScalar>),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum DirectiveScalar {
    Text(String),
    Integer(i64),
    Bool(bool),
}

/// Reads the TOML config `text` (from `path`) into the cluster model.
pub fn read(path: &Path, text: &str, options: &ReadOptions) -> Result<Cluster, ConfigError> {
    let doc: Document = ::toml::from_str(text).map_err(|e| parse_error(path, text, &e))?;
    Reader {
        path,
        text,
        shared_text: Arc::from(text),
    }
    .cluster(doc, options)
}

/// Turns a TOML or serde error into a located [`ConfigError`], with a
/// "did you mean" hint for unknown keys.
fn parse_error(path: &Path, text: &str, error: &::toml::de::Error) -> ConfigError {
    let message = error.message().trim().to_string();
    let span = error.span();
    let (line, key) = match &span {
        Some(span) => {
            let (line, key) = locate(text, span.clone());
            (Some(line), key)
        }
        None => (None, None),
    };
    let message = match unknown_key_hint(&message) {
        // An unknown top-level table is located at its header line.
        Some(better)
            if key.as_deref().is_some_and(|k| k.starts_with('['))
                && !key.as_deref().is_some_and(|k| k.contains(' ')) =>
        {
            better.replacen("unknown key", "unknown section", 1)
        }
        Some(better) => better,
        None => message,
    };
    ConfigError {
        file: path.to_path_buf(),
        line,
        key,
        message,
    }
}

/// Rewrites serde's "unknown field `x`, expected one of `a`, `b`" into a
/// message with a hint.
fn unknown_key_hint(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (field, rest) = rest.split_once('`')?;
    let expected: Vec<&str> = rest
        .split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, s)| s)
        .collect();
    let mut out = format!("unknown key \"{field}\"");
    if let Some(hint) = values::did_you_mean(field, expected.iter().copied()) {
        out.push_str(&format!("; did you mean \"{hint}\"?"));
    }
    if !expected.is_empty() {
        out.push_str(&format!(" (known keys here: {})", expected.join(", ")));
    }
    Some(out)
}

/// The 1-based line of `span` and the key it belongs to, written as
/// `[section] key` from the nearest table header above it and the text
/// before `=` on its line.
fn locate(text: &str, span: Range<usize>) -> (usize, Option<String>) {
    let start = span.start.min(text.len());
    let before = &text.as_bytes()[..start];
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line_text = text[line_start..].lines().next().unwrap_or("");
    let trimmed = line_text.trim();
    let section = text[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .map(|l| l.split('#').next().unwrap_or(l).trim().to_string());
    let key = if trimmed.starts_with('[') {
        Some(
            trimmed
                .split('#')
                .next()
                .unwrap_or(trimmed)
                .trim()
                .to_string(),
        )
    } else {
        let name = trimmed.split('=').next().unwrap_or("").trim();
        match (section, name.is_empty() || !trimmed.contains('=')) {
            (Some(section), false) => Some(format!("{section} {name}")),
            (None, false) => Some(name.to_string()),
            (Some(section), true) => Some(section),
            (None, true) => None,
        }
    };
    (line, key)
}

struct Reader<'a> {
    path: &'a Path,
    text: &'a str,
    /// The text again, for values located only when an error needs it.
    shared_text: Arc<str>,
}

impl<'a> Reader<'a> {
    fn error(&self, span: Range<usize>, message: impl Into<String>) -> ConfigError {
        let (line, key) = locate(self.text, span);
        ConfigError {
            file: self.path.to_path_buf(),
            line: Some(line),
            key,
            message: message.into(),
        }
    }

    /// An error about `key`: at its line when the config sets it (`span`),
    /// else about the file, for a default that does not fit.
    fn error_at(
        &self,
        span: Option<Range<usize>>,
        key: &str,
        message: impl Into<String>,
    ) -> ConfigError {
        match span {
            Some(span) => self.error(span, message),
            None => ConfigError {
                key: Some(key.to_string()),
                ..ConfigError::file(self.path, message)
            },
        }
    }

    fn check<T>(&self, span: Range<usize>, result: Result<T, String>) -> Result<T, ConfigError> {
        result.map_err(|m| self.error(span, m))
    }

    fn string(&self, value: &Str) -> Result<String, ConfigError> {
        self.check(value.span(), values::check_unit_text(value.get_ref()))?;
        Ok(value.get_ref().clone())
    }

    fn path_value(&self, value: &Str) -> Result<PathBuf, ConfigError> {
        let text = value.get_ref().trim_end_matches('/');
        let text = if text.is_empty() { "/" } else { text };
        self.check(value.span(), values::check_path(text))?;
        Ok(PathBuf::from(text))
    }

    fn count(&self, value: &Spanned<i64>, min: i64, max: u32) -> Result<u32, ConfigError> {
        let n = *value.get_ref();
        if n < min || n > i64::from(max) {
            return Err(self.error(
                value.span(),
                format!("must be between {min} and {max}, got {n}"),
            ));
        }
        Ok(n as u32)
    }

    fn port(&self, value: &Spanned<i64>, allow_zero: bool) -> Result<u16, ConfigError> {
        let n = *value.get_ref();
        let min = if allow_zero { 0 } else { 1 };
        if n < min || n > 65535 {
            return Err(self.error(value.span(), format!("port {n} is outside {min}..65535")));
        }
        Ok(n as u16)
    }

    fn args(&self, args: &Option<Args>) -> Result<Vec<String>, ConfigError> {
        let Some(args) = args else {
            return Ok(Vec::new());
        };
        args.get_ref().iter().map(|a| self.string(a)).collect()
    }

    fn env(&self, env: &Option<Env>) -> Result<Vec<EnvVar>, ConfigError> {
        let Some(env) = env else {
            return Ok(Vec::new());
        };
        let mut out = Vec::with_capacity(env.get_ref().len());
        for (name, value) in env.get_ref() {
            self.check(value.span(), values::check_env_name(name))?;
            // Name the variable where the key does not (an inline table).
            self.check(value.span(), values::check_unit_text(value.get_ref()))
                .map_err(|mut e| {
                    if !e.key.as_deref().is_some_and(|k| k.ends_with(name.as_str())) {
                        e.message = format!("{name}: {}", e.message);
                    }
                    e
                })?;
            out.push(EnvVar {
                name: name.clone(),
                value: self.templated(value),
            });
        }
        Ok(out)
    }

    fn cpus(&self, value: &Option<Str>) -> Result<Option<CpuList>, ConfigError> {
        value
            .as_ref()
            .map(|v| self.check(v.span(), values::parse_cpu_list(v.get_ref())))
            .transpose()
    }

    fn numa(&self, value: &Option<Str>) -> Result<Option<NumaPolicy>, ConfigError> {
        value
            .as_ref()
            .map(|v| self.check(v.span(), values::parse_numa_policy(v.get_ref())))
            .transpose()
    }

    /// An optional whole number, range-checked by `check` (e.g.
    /// `values::check_nice`).
    fn ranged<T>(
        &self,
        value: &Option<Spanned<i64>>,
        check: fn(i64) -> Result<T, String>,
    ) -> Result<Option<T>, ConfigError> {
        value
            .as_ref()
            .map(|v| self.check(v.span(), check(*v.get_ref())))
            .transpose()
    }

    fn memory(&self, value: &Option<Spanned<MemoryValue>>) -> Result<Option<String>, ConfigError> {
        let Some(value) = value else { return Ok(None) };
        let text = match value.get_ref() {
            MemoryValue::Bytes(n) if *n > 0 => n.to_string(),
            MemoryValue::Bytes(n) => {
                return Err(self.error(value.span(), format!("memory size {n} is not positive")))
            }
            MemoryValue::Text(t) => t.clone(),
        };
        self.check(value.span(), values::parse_memory_max(&text))
            .map(Some)
    }

    fn directives(&self, value: &Option<Directives>) -> Result<Vec<UnitDirective>, ConfigError> {
        let Some(value) = value else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for (section, keys) in value.get_ref() {
            let section = match section.as_str() {
                "Unit" => UnitSection::Unit,
                "Service" => UnitSection::Service,
                other => {
                    return Err(self.error(
                        value.span(),
                        format!(
                            "systemd section \"{other}\" cannot be extended; use \"Unit\" or \"Service\""
                        ),
                    ))
                }
            };
            for (key, v) in keys {
                let key_ok = !key.is_empty()
                    && key.as_bytes()[0].is_ascii_uppercase()
                    && key.bytes().all(|b| b.is_ascii_alphanumeric());
                if !key_ok {
                    return Err(self.error(
                        v.span(),
                        format!("{key:?} is not a systemd directive name (like LimitNOFILE)"),
                    ));
                }
                for scalar in directive_scalars(v.get_ref()) {
                    // Name the directive unless the located key already
                    // does (it does not for inline tables).
                    let named = |mut e: ConfigError| {
                        if !e.key.as_deref().is_some_and(|k| k.ends_with(key.as_str())) {
                            e.message = format!("{key}: {}", e.message);
                        }
                        e
                    };
                    self.check(v.span(), values::check_unit_text(&scalar))
                        .map_err(named)?;
                    if scalar.ends_with('\\') {
                        return Err(named(self.error(
                            v.span(),
                            "a value may not end in a backslash (it would continue onto the next line)",
                        )));
                    }
                    out.push(UnitDirective {
                        section,
                        key: key.clone(),
                        value: scalar,
                    });
                }
            }
        }
        Ok(out)
    }

    /// Where the value at `span` is, for errors raised when nodes are
    /// built.
    fn at(&self, span: Range<usize>) -> At {
        At {
            pending: Some(Pending {
                text: Arc::clone(&self.shared_text),
                span,
                locate,
            }),
            ..At::file(self.path, None)
        }
    }

    /// [`Self::at`] when the config sets the key (`span`), else the key of
    /// the file as a whole, for a default that does not fit.
    fn at_or_key(&self, span: Option<Range<usize>>, key: &str) -> At {
        match span {
            Some(span) => self.at(span),
            None => At::file(self.path, Some(key)),
        }
    }

    fn templated(&self, value: &Str) -> Templated {
        Templated {
            text: value.get_ref().clone(),
            at: self.at(value.span()),
        }
    }

    fn cluster(&self, doc: Document, options: &ReadOptions) -> Result<Cluster, ConfigError> {
        let spec = self.spec(&doc, options)?;
        expand::cluster(spec)
    }

    fn spec(&self, doc: &Document, options: &ReadOptions) -> Result<Spec, ConfigError> {
        let z = &doc.zeek;
        let (install, prefix) = self.install(z)?;
        let (global_args, global_env, backend) = self.global(z)?;
        let restart_sec = match &z.restart_sec {
            Some(v) => Some(self.count(v, 0, 3600)?),
            None => defaults::RESTART_SEC,
        };
        let stop_timeout_sec = match &z.stop_timeout_sec {
            Some(v) => self.count(v, 1, 86400)?,
            None => defaults::STOP_TIMEOUT_SEC,
        };
        let hardening = self.hardening(z)?;
        let ports = self.cluster_ports(&doc.cluster)?;
        let ip_allow = self.ip_allow(&doc.cluster)?;
        let profile = Profile {
            backend,
            policy: "zeek-systemd".to_string(),
            args: global_args,
            env: global_env,
            ..self.roles(doc)?
        };
        let (this_host, hosts) = self.host_specs(doc, options, ports)?;
        let multi_host = doc.hosts.is_some();
        if multi_host {
            self.check_shared_addresses(&hosts)?;
        }
        let warnings = self.membership_warning(multi_host, &hosts, this_host.as_deref());
        let archiver = self.archiver(&doc.archiver, &prefix, &install, multi_host, &hosts)?;
        Ok(Spec {
            // Units name the config (SourcePath=, the layout command of
            // zeek-setup.service) and run with / as working directory, so a
            // relative `--config` must not reach them.
            source: std::path::absolute(self.path).unwrap_or_else(|_| self.path.to_path_buf()),
            file: self.path.to_path_buf(),
            format: ConfigFormat::Toml,
            conventions: Conventions {
                interface_env: false,
                fanout_ids: true,
                name_clash,
            },
            this_host,
            multi_host,
            manager_name: self.manager_name(doc)?,
            node_settings: self.node_settings(doc)?,
            install,
            profiles: vec![profile],
            hosts,
            archiver,
            archiver_profile: 0,
            policy_script: PolicyScript::Generated,
            layout: LayoutSource::Generated,
            autostart: z.autostart.unwrap_or(true),
            restart_sec,
            stop_timeout_sec,
            hardening,
            network: NetworkPolicy { ip_allow },
            warnings,
            operations: self.operations(doc)?,
            encryption: self.encryption(&doc.cluster, multi_host)?,
        })
    }

    /// `[cluster] encryption` and `secrets`: a multi-host cluster is
    /// encrypted unless it says `encryption = false` (issue 18).
    fn encryption(&self, c: &ClusterSection, multi_host: bool) -> Result<Encryption, ConfigError> {
        let on = c.encryption.as_ref().map(|e| *e.get_ref());
        let secrets = c.secrets.as_ref().map(|p| self.path_value(p)).transpose()?;
        if let (Some(path), Some(value)) = (&secrets, &c.secrets) {
            // The generator reads it at boot, when only / and /etc are sure
            // to be there (SPEC 3: it reads nothing under /var).
            if !path.starts_with("/etc") {
                return Err(self.error(
                    value.span(),
                    "the secrets file must be under /etc: the generator reads it at boot",
                ));
            }
        }
        Ok(match on.unwrap_or(multi_host) {
            true => Encryption::Curve { secrets },
            false => Encryption::Off {
                opted_out: multi_host,
            },
        })
    }

    /// The installation paths and the account, and the prefix they are under.
    fn install(&self, z: &ZeekSection) -> Result<(Install, PathBuf), ConfigError> {
        let path_or = |value: &Option<Str>, default: PathBuf| match value {
            Some(p) => self.path_value(p),
            None => Ok(default),
        };
        let prefix = path_or(&z.prefix, PathBuf::from(DEFAULT_PREFIX))?;
        let zeek = path_or(&z.zeek, prefix.join("bin/zeek"))?;
        let spool_dir = path_or(&z.spool_dir, prefix.join("spool"))?;
        let log_dir = path_or(&z.log_dir, prefix.join("logs"))?;
        let account = |v: &Option<Str>| -> Result<String, ConfigError> {
            match v {
                Some(v) => {
                    self.check(v.span(), values::check_account_name(v.get_ref()))?;
                    Ok(v.get_ref().clone())
                }
                None => Ok(defaults::ACCOUNT.to_string()),
            }
        };
        let user = account(&z.user)?;
        let group = account(&z.group)?;
        let install = Install {
            zeek_path: defaults::zeek_path(&prefix, &spool_dir),
            path: format!("{}/bin:{}", prefix.display(), defaults::SYSTEM_PATH),
            site_dir: defaults::site_dir(&prefix),
            extra_script_dirs: Vec::new(),
            zeek,
            spool_dir,
            log_dir,
            user,
            group,
        };
        for (label, dir, value) in [
            ("spool_dir", &install.spool_dir, &z.spool_dir),
            ("log_dir", &install.log_dir, &z.log_dir),
        ] {
            if dir == Path::new("/") {
                return Err(self.error_at(
                    value.as_ref().map(Spanned::span),
                    &format!("[zeek] {label}"),
                    "must not be the root directory",
                ));
            }
        }
        Ok((install, prefix))
    }

    /// `[zeek] args`, `env` and `cluster_backend`.
    #[allow(clippy::type_complexity)]
    fn global(
        &self,
        z: &ZeekSection,
    ) -> Result<(Vec<String>, Vec<EnvVar>, Vec<String>), ConfigError> {
        let global_args = match &z.args {
            Some(_) => self.args(&z.args)?,
            None => defaults::GLOBAL_ARGS
                .iter()
                .map(|a| a.to_string())
                .collect(),
        };
        let global_env = self.env(&z.env)?;
        let zeromq = || vec![defaults::ZEROMQ_BACKEND.to_string()];
        let backend = match &z.cluster_backend {
            None => zeromq(),
            Some(b) => match b.get_ref() {
                Backend::Name(name) if name == "zeromq" => zeromq(),
                Backend::Name(name) if name == "broker" => Vec::new(),
                Backend::Name(name) => {
                    return Err(self.error(
                        b.span(),
                        format!(
                            "unknown cluster backend \"{name}\"; use \"zeromq\", \"broker\" or a list of scripts/args to load"
                        ),
                    ))
                }
                Backend::Args(args) => {
                    for a in args {
                        self.check(b.span(), values::check_unit_text(a))?;
                    }
                    args.clone()
                }
            },
        };
        Ok((global_args, global_env, backend))
    }

    fn hardening(&self, z: &ZeekSection) -> Result<Hardening, ConfigError> {
        let Some(v) = &z.hardening else {
            return Ok(Hardening::Strict);
        };
        match v.get_ref().as_str() {
            "strict" => Ok(Hardening::Strict),
            "basic" => Ok(Hardening::Basic),
            "off" => Ok(Hardening::Off),
            other => Err(self.error(
                v.span(),
                format!("\"{other}\" is not a hardening level; use strict, basic or off"),
            )),
        }
    }

    /// `[cluster] port` and `metrics_port`, with where they were set.
    fn cluster_ports(&self, c: &ClusterSection) -> Result<HostDefaults, ConfigError> {
        let port = match &c.port {
            Some(v) => self.port(v, false)?,
            None => defaults::LISTENER_PORT,
        };
        let metrics_port = match &c.metrics_port {
            Some(v) => self.port(v, true)?,
            None => defaults::METRICS_PORT,
        };
        let port_at = self.at_or_key(c.port.as_ref().map(Spanned::span), "[cluster] port");
        let metrics_at = self.at_or_key(
            c.metrics_port.as_ref().map(Spanned::span),
            "[cluster] metrics_port",
        );
        Ok(HostDefaults {
            port: (port, port_at),
            metrics_port: (metrics_port, metrics_at),
        })
    }

    fn ip_allow(&self, c: &ClusterSection) -> Result<Option<Vec<String>>, ConfigError> {
        let Some(list) = &c.ip_allow else {
            return Ok(None);
        };
        let mut out = Vec::new();
        for item in list.get_ref() {
            self.check(item.span(), check_ip_prefix(item.get_ref()))?;
            if item.get_ref() == "any" && list.get_ref().len() > 1 {
                return Err(self.error(
                    item.span(),
                    "\"any\" turns the IP allow list off and must be the only entry; \
                     remove it or the other entries",
                ));
            }
            out.push(item.get_ref().clone());
        }
        Ok(Some(out))
    }

    /// The role tables, after the keys a role does not have are refused.
    fn roles(&self, doc: &Document) -> Result<Profile, ConfigError> {
        if let Some(count) = &doc.manager.count {
            return Err(self.error(
                count.span(),
                "a cluster has exactly one manager; use `enabled = false` to run none on this host",
            ));
        }
        for (section, name) in [(&doc.logger, "logger"), (&doc.proxy, "proxy")] {
            if let Some(enabled) = &section.enabled {
                return Err(self.error(
                    enabled.span(),
                    format!("[{name}] has no \"enabled\"; use `count = 0` for none"),
                ));
            }
        }
        if let Some(cpus) = &doc.worker.cpus {
            return Err(self.error(
                cpus.span(),
                "workers are pinned per interface: set `cpus` in each [[interface]]",
            ));
        }
        let manager = doc.manager.template(self)?;
        let logger = doc.logger.template(self)?;
        let proxy = doc.proxy.template(self)?;
        let worker = doc.worker.template(self)?;
        Ok(Profile {
            manager,
            logger,
            proxy,
            worker,
            ..Profile::default()
        })
    }

    /// The hosts: `[hosts.NAME]` tables, or the one unnamed host of a
    /// single-host config.
    fn host_specs(
        &self,
        doc: &Document,
        options: &ReadOptions,
        defaults: HostDefaults,
    ) -> Result<(Option<String>, Vec<HostSpec>), ConfigError> {
        let Some(table) = &doc.hosts else {
            return Ok((None, vec![self.single_host(doc, defaults)?]));
        };
        let this_host = match &options.host {
            Some(host) => Some(host.to_ascii_lowercase()),
            None => options.hostname.clone(),
        };
        let hosts = self.hosts(doc, table, this_host.as_deref(), &defaults)?;
        Ok((this_host, hosts))
    }

    fn single_host(&self, doc: &Document, defaults: HostDefaults) -> Result<HostSpec, ConfigError> {
        let c = &doc.cluster;
        let address = match &c.address {
            Some(v) => self.check(v.span(), parse_address(v.get_ref()))?,
            None => IpAddr::V4(Ipv4Addr::LOCALHOST),
        };
        let (loggers, logger_names) = self.role_count(&doc.logger, "logger")?;
        let (proxies, proxy_names) = self.role_count(&doc.proxy, "proxy")?;
        Ok(HostSpec {
            name: None,
            node_prefix: String::new(),
            at: At::file(self.path, None),
            local: true,
            address: Some(address),
            manager: doc.manager.enabled.as_ref().map_or(true, |v| *v.get_ref()),
            loggers,
            proxies,
            logger_names,
            proxy_names,
            port: defaults.port.0,
            port_at: defaults.port.1,
            metrics_port: defaults.metrics_port.0,
            metrics_at: defaults.metrics_port.1,
            interfaces: self.interfaces(&doc.interface, "[[interface]]")?,
            profile: 0,
        })
    }

    /// The warning for a host a multi-host config does not name.
    fn membership_warning(
        &self,
        multi_host: bool,
        hosts: &[HostSpec],
        this_host: Option<&str>,
    ) -> Vec<String> {
        if !multi_host || hosts.iter().any(|h| h.local) {
            return Vec::new();
        }
        let names: Vec<&str> = hosts.iter().map(HostSpec::display_name).collect();
        let who = match this_host {
            Some(host) => format!("this host ({host}) is not one of the cluster's hosts"),
            None => "this machine's hostname is unknown, so it is none of the cluster's hosts"
                .to_string(),
        };
        vec![format!(
            "{}: {who} ({}); no Zeek units are generated here. Add a [hosts.NAME] table \
             for it if it should run Zeek nodes (or use --host NAME)",
            self.path.display(),
            names.join(", ")
        )]
    }

    /// The archiver: on by default where a manager or logger runs.
    /// Validated on every host of a multi-host config, so `check` on any
    /// host finds a mistake in it.
    fn archiver(
        &self,
        a: &ArchiverSection,
        prefix: &Path,
        install: &Install,
        multi_host: bool,
        hosts: &[HostSpec],
    ) -> Result<Option<ArchiverSpec>, ConfigError> {
        let local_host = hosts.iter().find(|h| h.local);
        let has_log_writer = local_host.is_some_and(|h| h.manager || h.loggers > 0);
        let on = a.enabled.unwrap_or(has_log_writer) && local_host.is_some();
        if !(on || (multi_host && a.enabled != Some(false))) {
            return Ok(None);
        }
        let template = a.template(self)?;
        let command = match &a.command {
            Some(cmd) => {
                let mut command = self.args(&a.command)?;
                if !command.first().is_some_and(|exe| exe.starts_with('/')) {
                    return Err(self.error(
                        cmd.span(),
                        "the archiver command must start with an absolute path to the executable",
                    ));
                }
                command.extend(template.args);
                command
            }
            None => {
                let mut command = vec![defaults::archiver_executable(prefix)];
                command.extend(template.args);
                command.extend(defaults::archiver_dirs(
                    &install.spool_dir,
                    &install.log_dir,
                ));
                command
            }
        };
        Ok(Some(ArchiverSpec {
            command,
            env: template.env,
            settings: template.settings,
            on,
        }))
    }

    fn interfaces(
        &self,
        sections: &[Spanned<InterfaceSection>],
        label: &str,
    ) -> Result<Vec<InterfaceSpec>, ConfigError> {
        let mut out: Vec<InterfaceSpec> = Vec::with_capacity(sections.len());
        for section in sections {
            let span = section.span();
            let s = section.get_ref();
            let missing = |key: &str| {
                let mut e = self.error(span.clone(), format!("missing key \"{key}\""));
                e.key = Some(label.into());
                e
            };
            let name = s.name.as_ref().ok_or_else(|| missing("name"))?;
            self.check(name.span(), values::check_name_part(name.get_ref()))?;
            if let Some(prev) = out.iter().find(|i| i.name.as_ref() == Some(name.get_ref())) {
                return Err(self.error(
                    name.span(),
                    format!(
                        "interface name \"{}\" is used twice (first at line {}); node names must be unique",
                        name.get_ref(), prev.line
                    ),
                ));
            }
            let capture = s.capture.as_ref().ok_or_else(|| missing("capture"))?;
            self.check(capture.span(), values::check_unit_text(capture.get_ref()))?;
            if capture.get_ref().trim().is_empty() {
                return Err(self.error(capture.span(), "the capture source is empty"));
            }
            let names = s.names.as_ref().map(|n| self.node_names(n)).transpose()?;
            let workers = match (&s.workers, &names) {
                (Some(w), Some(names)) => {
                    let workers = self.count(w, 1, MAX_WORKERS)?;
                    if workers as usize != names.len() {
                        return Err(self.error(
                            w.span(),
                            format!(
                                "workers = {workers} but `names` lists {}; give one name per worker \
                                 (or leave `workers` out)",
                                names.len()
                            ),
                        ));
                    }
                    workers
                }
                (Some(w), None) => self.count(w, 1, MAX_WORKERS)?,
                (None, Some(names)) => names.len().min(MAX_WORKERS as usize) as u32,
                (None, None) => return Err(missing("workers")),
            };
            let mut template = s.template(self)?;
            out.push(InterfaceSpec {
                name: Some(name.get_ref().clone()),
                line: locate(self.text, name.span()).0,
                capture: self.templated(capture),
                workers,
                names,
                cpus: template.settings.cpus.take(),
                args: template.args,
                env: template.env,
                settings: template.settings,
            });
        }
        Ok(out)
    }
}

/// The `[cluster]` ports every host starts its counters at unless it sets
/// its own, with where they were set.
struct HostDefaults {
    port: (u16, At),
    metrics_port: (u16, At),
}

/// The message for a node name two hosts share.
fn name_clash(node: &str, host: &HostSpec, other: &HostSpec) -> ConfigError {
    host.at.error(format!(
        "node name \"{node}\" is also a node of host {} (line {}); rename one of the \
         interfaces or hosts",
        other.display_name(),
        other.at.line.unwrap_or(0)
    ))
}

/// A host name that can prefix node names and be compared with
/// `hostname -s`: `[a-z0-9][-a-z0-9_]*`, as Zeek's per-host files.
fn check_host_name(name: &str) -> Result<(), String> {
    let bytes = name.as_bytes();
    let ok = !bytes.is_empty()
        && bytes.len() <= 63
        && (bytes[0].is_ascii_lowercase() || bytes[0].is_ascii_digit())
        && bytes
            .iter()
            .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "host name \"{name}\" cannot prefix node names; use the short hostname (`hostname -s`) \
             in lower case: 1 to 63 letters a-z, digits, '-' or '_', starting with a letter or digit"
        ))
    }
}

impl Reader<'_> {
    /// The hosts of a multi-host config (SPEC 2.5), sorted by name as
    /// Zeek's layout generator sorts its per-host files.
    fn hosts(
        &self,
        doc: &Document,
        table: &Spanned<BTreeMap<String, Spanned<HostSection>>>,
        this_host: Option<&str>,
        defaults: &HostDefaults,
    ) -> Result<Vec<HostSpec>, ConfigError> {
        self.check_hosts_alone(doc, table)?;
        let mut out = Vec::with_capacity(table.get_ref().len());
        let mut manager_at: Option<(String, usize)> = None;
        for (name, section) in table.get_ref() {
            out.push(self.host(name, section, this_host, defaults, &mut manager_at)?);
        }
        if manager_at.is_none() {
            return Err(ConfigError {
                line: Some(locate(self.text, table.span()).0),
                key: Some("[hosts]".into()),
                ..ConfigError::file(
                    self.path,
                    "no host runs the manager; set `manager = true` in the [hosts.NAME] table \
                     of one host (a cluster has exactly one manager)",
                )
            });
        }
        Ok(out)
    }

    /// `[hosts]` names at least one host, and the single-host keys it
    /// replaces are not given.
    fn check_hosts_alone(
        &self,
        doc: &Document,
        table: &Spanned<BTreeMap<String, Spanned<HostSection>>>,
    ) -> Result<(), ConfigError> {
        if table.get_ref().is_empty() {
            return Err(self.error(
                table.span(),
                "[hosts] names no host; add a [hosts.NAME] table for every host of the cluster",
            ));
        }
        if let Some(first) = doc.interface.first() {
            return Err(self.error(
                first.span(),
                "top-level [[interface]] cannot be used together with [hosts]: put each \
                 interface under the host that captures it, as [[hosts.NAME.interface]]",
            ));
        }
        if let Some(address) = &doc.cluster.address {
            return Err(self.error(
                address.span(),
                "cannot be used together with [hosts]: every host has its own address; set \
                 `address` in each [hosts.NAME] table (a host without one is looked up by its \
                 name when Zeek starts)",
            ));
        }
        if let Some(enabled) = &doc.manager.enabled {
            return Err(self.error(
                enabled.span(),
                "cannot be used together with [hosts]: set `manager = true` in the \
                 [hosts.NAME] table of the host that runs the manager",
            ));
        }
        for (section, key) in [(&doc.logger, "loggers"), (&doc.proxy, "proxies")] {
            let span = (section.count.as_ref().map(Spanned::span))
                .or_else(|| section.names.as_ref().map(Spanned::span));
            if let Some(span) = span {
                return Err(self.error(
                    span,
                    format!(
                        "cannot be used together with [hosts]: set `{key} = N` in the \
                         [hosts.NAME] table of each host that runs them (or a list of node names)"
                    ),
                ));
            }
        }

        Ok(())
    }

    /// Whether host `name` runs the manager; `manager_at` holds the host
    /// (and line) that claimed it first, so a second claim is an error.
    fn claim_manager(
        &self,
        name: &str,
        h: &HostSection,
        manager_at: &mut Option<(String, usize)>,
    ) -> Result<bool, ConfigError> {
        let Some(m) = h.manager.as_ref().filter(|m| *m.get_ref()) else {
            return Ok(false);
        };
        let this_line = locate(self.text, m.span()).0;
        if let Some((first, first_line)) = manager_at {
            return Err(self.error(
                m.span(),
                format!(
                    "a cluster has exactly one manager, and host {first} runs it \
                     (line {first_line}); set `manager = true` on one host only"
                ),
            ));
        }
        *manager_at = Some((name.to_string(), this_line));
        Ok(true)
    }

    /// One `[hosts.NAME]` table.
    fn host(
        &self,
        name: &str,
        section: &Spanned<HostSection>,
        this_host: Option<&str>,
        defaults: &HostDefaults,
        manager_at: &mut Option<(String, usize)>,
    ) -> Result<HostSpec, ConfigError> {
        let span = section.span();
        let line = locate(self.text, span.clone()).0;
        let label = format!("[hosts.{name}]");
        let at_host = |message: String| ConfigError {
            file: self.path.to_path_buf(),
            line: Some(line),
            key: Some(label.clone()),
            message,
        };
        check_host_name(name).map_err(at_host)?;
        let h = section.get_ref();
        let address = h
            .address
            .as_ref()
            .map(|v| self.check(v.span(), parse_address(v.get_ref())))
            .transpose()?;
        let manager = self.claim_manager(name, h, manager_at)?;
        let count = |v: &Option<Spanned<CountOrNames>>| {
            v.as_ref().map_or(Ok((0, None)), |v| self.count_or_names(v))
        };
        let (loggers, logger_names) = count(&h.loggers)?;
        let (proxies, proxy_names) = count(&h.proxies)?;
        let (port, port_at) = match &h.port {
            Some(v) => (self.port(v, false)?, self.at(v.span())),
            None => defaults.port.clone(),
        };
        let (metrics_port, metrics_at) = match &h.metrics_port {
            Some(v) => (self.port(v, true)?, self.at(v.span())),
            None => defaults.metrics_port.clone(),
        };
        let interfaces = self.interfaces(&h.interface, &format!("[[hosts.{name}.interface]]"))?;
        let host = HostSpec {
            name: Some(Arc::from(name)),
            node_prefix: name.to_string(),
            at: At {
                line: Some(line),
                ..At::file(self.path, Some(&label))
            },
            local: this_host == Some(name),
            address,
            manager,
            loggers,
            proxies,
            logger_names,
            proxy_names,
            port,
            port_at,
            metrics_port,
            metrics_at,
            interfaces,
            profile: 0,
        };
        if host.nodes() == 0 {
            return Err(at_host(
                "this host runs no node; set `manager = true`, `loggers`, `proxies` or add \
                 a [[hosts.NAME.interface]], or remove the host"
                    .into(),
            ));
        }
        Ok(host)
    }

    /// Hosts given the same address are one machine to the other nodes:
    /// their listener and metrics ports must not overlap.
    fn check_shared_addresses(&self, hosts: &[HostSpec]) -> Result<(), ConfigError> {
        for (i, host) in hosts.iter().enumerate() {
            let Some(address) = host.address else {
                continue;
            };
            for earlier in hosts[..i].iter().filter(|h| h.address == Some(address)) {
                for (kind, start, end) in host.port_ranges() {
                    for (other_kind, other_start, other_end) in earlier.port_ranges() {
                        if start < other_end && other_start < end {
                            return Err(ConfigError {
                                line: host.at.line,
                                key: Some(format!("[hosts.{}]", host.display_name())),
                                ..ConfigError::file(
                                    self.path,
                                    format!(
                                        "host {} has the address {address} of host {} (line {}) \
                                         and its {kind} ports {start}..{} overlap that host's \
                                         {other_kind} ports {other_start}..{}; give the hosts \
                                         their own addresses, or this one its own `port` and \
                                         `metrics_port`",
                                        host.display_name(),
                                        earlier.display_name(),
                                        earlier.at.line.unwrap_or(0),
                                        end - 1,
                                        other_end - 1
                                    ),
                                )
                            });
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

/// Checks an `IPAddressAllow=` entry: an address, an address/prefix or
/// one of systemd's symbolic names.
fn check_ip_prefix(text: &str) -> Result<(), String> {
    if matches!(text, "localhost" | "link-local" | "multicast" | "any") {
        return Ok(());
    }
    let (addr, prefix) = match text.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (text, None),
    };
    let addr: IpAddr = addr.parse().map_err(|_| {
        format!(
            "\"{text}\" is not an address, address/prefix, localhost, link-local, multicast or any"
        )
    })?;
    if let Some(p) = prefix {
        let max = if addr.is_ipv4() { 32 } else { 128 };
        match p.parse::<u32>() {
            Ok(n) if n <= max => {}
            _ => return Err(format!("\"{text}\" has an invalid prefix length")),
        }
    }
    Ok(())
}

/// Explicit node names and per-node settings (what `import-zeekctl`
/// writes so that every node keeps its ZeekControl name).
impl Reader<'_> {
    /// Explicit node names: each one usable as a unit instance and spool
    /// dir, none twice in the list.
    fn node_names(&self, names: &Spanned<Vec<Str>>) -> Result<Vec<String>, ConfigError> {
        if names.get_ref().is_empty() {
            return Err(self.error(
                names.span(),
                "the list of node names is empty; list at least one, or leave `names` out",
            ));
        }
        let mut out: Vec<String> = Vec::with_capacity(names.get_ref().len());
        for name in names.get_ref() {
            self.check(name.span(), values::check_name_part(name.get_ref()))?;
            if out.contains(name.get_ref()) {
                return Err(self.error(
                    name.span(),
                    format!("node name \"{}\" is listed twice", name.get_ref()),
                ));
            }
            out.push(name.get_ref().clone());
        }
        Ok(out)
    }

    /// A host's `loggers`/`proxies`: a count, or the node names.
    fn count_or_names(
        &self,
        value: &Spanned<CountOrNames>,
    ) -> Result<(u32, Option<Vec<String>>), ConfigError> {
        match value.get_ref() {
            CountOrNames::Count(n) => {
                let n = Spanned::new(value.span(), *n);
                Ok((self.count(&n, 0, MAX_SERVICE_NODES)?, None))
            }
            CountOrNames::Names(names) => {
                let spanned = (names.iter())
                    .map(|n| Spanned::new(value.span(), n.clone()))
                    .collect();
                let names = self.node_names(&Spanned::new(value.span(), spanned))?;
                Ok((names.len() as u32, Some(names)))
            }
        }
    }

    /// `[logger]`/`[proxy]` `count` or `names` on a single-host config
    /// (default: one, named `<role>-1`).
    fn role_count(
        &self,
        section: &RoleSection,
        role: &str,
    ) -> Result<(u32, Option<Vec<String>>), ConfigError> {
        match (&section.count, &section.names) {
            (Some(count), Some(_)) => Err(self.error(
                count.span(),
                format!("[{role}] has `count` and `names`; `names` alone says how many"),
            )),
            (Some(count), None) => Ok((self.count(count, 0, MAX_SERVICE_NODES)?, None)),
            (None, Some(names)) => {
                let names = self.node_names(names)?;
                Ok((names.len() as u32, Some(names)))
            }
            (None, None) => Ok((1, None)),
        }
    }

    /// `[manager] name`; `name` elsewhere and `names` on the manager are
    /// mistakes with a fix.
    fn manager_name(&self, doc: &Document) -> Result<Option<String>, ConfigError> {
        if let Some(names) = &doc.manager.names {
            return Err(self.error(
                names.span(),
                "a cluster has one manager; give its node name as `name = \"...\"`",
            ));
        }
        for (section, role) in [(&doc.logger, "logger"), (&doc.proxy, "proxy")] {
            if let Some(name) = &section.name {
                return Err(self.error(
                    name.span(),
                    format!("[{role}] has no `name`; list the node names as `names = [...]`"),
                ));
            }
        }
        let Some(name) = &doc.manager.name else {
            return Ok(None);
        };
        self.check(name.span(), values::check_name_part(name.get_ref()))?;
        Ok(Some(name.get_ref().clone()))
    }

    /// The `[nodes.NAME]` tables.
    fn node_settings(&self, doc: &Document) -> Result<Vec<NodeSettings>, ConfigError> {
        let Some(table) = &doc.nodes else {
            return Ok(Vec::new());
        };
        let mut out = Vec::with_capacity(table.get_ref().len());
        for (name, section) in table.get_ref() {
            let s = section.get_ref();
            out.push(NodeSettings {
                name: name.clone(),
                at: self.at(section.span()),
                cpus: self.cpus(&s.cpus)?,
                env: (self.env(&s.env)?.into_iter())
                    .map(|v| (v.name, v.value.text))
                    .collect(),
                args: self.args(&s.args)?,
            });
        }
        Ok(out)
    }
}

/// The values of one `[ROLE.systemd.SECTION]` key as systemd text, one
/// per directive line (a list gives one line per element).
fn directive_scalars(value: &DirectiveValue) -> Vec<String> {
    let scalar = |s: &DirectiveScalar| match s {
        DirectiveScalar::Text(t) => t.clone(),
        DirectiveScalar::Integer(n) => n.to_string(),
        DirectiveScalar::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
    };
    match value {
        DirectiveValue::Text(t) => vec![t.clone()],
        DirectiveValue::Integer(n) => vec![n.to_string()],
        DirectiveValue::Bool(b) => vec![if *b { "yes" } else { "no" }.to_string()],
        DirectiveValue::List(items) => items.iter().map(scalar).collect(),
    }
}

/// An address as TOML takes it: IPv6 with or without brackets.
fn parse_address(text: &str) -> Result<std::net::IpAddr, String> {
    values::parse_address(text, values::Ipv6Brackets::Optional)
}

/// `[logs]`: how long the archive keeps logs.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct LogsSection {
    /// `30d`, `12h`, `2w`, `forever`.
    keep: Option<Str>,
}

/// `[disk]`: when the spool, queue and archive file systems are reported.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct DiskSection {
    /// `5%` or a size (`20G`).
    min_free: Option<Str>,
}

/// `[alerts]`: the channels crash and disk-space reports go to, besides
/// the journal, and how many may go.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct AlertsSection {
    mail_to: Option<Spanned<Vec<Str>>>,
    mail_from: Option<Str>,
    sendmail: Option<Str>,
    command: Option<Args>,
    webhook: Option<Str>,
    max_per_hour: Option<Spanned<i64>>,
    timeout_sec: Option<Spanned<i64>>,
}

/// The operations settings (`[logs]`, `[disk]`, `[alerts]`).
impl Reader<'_> {
    fn operations(&self, doc: &Document) -> Result<Operations, ConfigError> {
        let mut ops = defaults::operations();
        if let Some(keep) = &doc.logs.keep {
            ops.log_keep = self.check(keep.span(), operations::parse_age(keep.get_ref()))?;
        }
        if let Some(min_free) = &doc.disk.min_free {
            ops.min_free = self.check(
                min_free.span(),
                operations::parse_min_free(min_free.get_ref()),
            )?;
        }
        self.alerts(&doc.alerts, &mut ops.alerts)?;
        Ok(ops)
    }

    fn alerts(&self, a: &AlertsSection, out: &mut Alerts) -> Result<(), ConfigError> {
        if let Some(list) = &a.mail_to {
            for address in list.get_ref() {
                self.check(
                    address.span(),
                    operations::check_mail_address(address.get_ref()),
                )?;
                out.mail_to.push(address.get_ref().clone());
            }
        }
        if let Some(from) = &a.mail_from {
            self.check(from.span(), operations::check_mail_address(from.get_ref()))?;
            out.mail_from = Some(from.get_ref().clone());
        }
        if let Some(sendmail) = &a.sendmail {
            out.sendmail = self.path_value(sendmail)?;
        }
        if let Some(command) = &a.command {
            out.command = self.args(&a.command)?;
            // An empty list is no command (the default).
            if out.command.first().is_some_and(|exe| !exe.starts_with('/')) {
                return Err(self.error(
                    command.span(),
                    "the alert command must start with an absolute path to the executable",
                ));
            }
        }
        if let Some(url) = &a.webhook {
            self.check(url.span(), operations::check_webhook(url.get_ref()))?;
            out.webhook = Some(url.get_ref().clone());
        }
        if let Some(n) = &a.max_per_hour {
            out.max_per_hour = self.count(n, 1, 3600)?;
        }
        if let Some(n) = &a.timeout_sec {
            out.timeout_sec = self.count(n, 1, 600)?;
        }
        Ok(())
    }
}
