//! The native TOML format, `/etc/zeek/cluster.toml` (SPEC 2.2, 2.3).

use std::collections::{BTreeMap, HashMap};
use std::net::{IpAddr, Ipv4Addr};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use super::template::{self, TemplateVars};
use super::values::{self, MAX_SERVICE_NODES, MAX_WORKERS};
use super::{ConfigError, ReadOptions, DEFAULT_PREFIX};
use crate::model::{
    Archiver, Capture, Cluster, ClusterHost, ConfigFormat, CpuList, Hardening, Install,
    LayoutSource, NetworkPolicy, Node, NumaPolicy, PolicyScript, ProcessSettings, Role,
    UnitDirective, UnitSection,
};

/// Most nodes one cluster may have in all. Keeps a hostile config from
/// turning into a huge allocation and keeps ports within 16 bits.
pub const MAX_NODES: usize = 65_000;

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
}

/// `[hosts.NAME]`: what runs on one host of a multi-host cluster. The
/// role sections (`[manager]`, `[worker]` ...) still give the settings of
/// the nodes; a host says how many of each it runs.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct HostSection {
    address: Option<Str>,
    manager: Option<Spanned<bool>>,
    loggers: Option<Spanned<i64>>,
    proxies: Option<Spanned<i64>>,
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
}

/// `[manager]`, `[logger]`, `[proxy]`: `enabled` is the manager's,
/// `count` the others'; the reader rejects the wrong one.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RoleSection {
    enabled: Option<Spanned<bool>>,
    count: Option<Spanned<i64>>,
    cpus: Option<Str>,
    numa_policy: Option<Str>,
    memory_max: Option<Spanned<MemoryValue>>,
    nice: Option<Spanned<i64>>,
    args: Option<Args>,
    env: Option<Env>,
    systemd: Option<Directives>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct WorkerSection {
    numa_policy: Option<Str>,
    memory_max: Option<Spanned<MemoryValue>>,
    nice: Option<Spanned<i64>>,
    args: Option<Args>,
    env: Option<Env>,
    systemd: Option<Directives>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct InterfaceSection {
    name: Option<Str>,
    capture: Option<Str>,
    workers: Option<Spanned<i64>>,
    cpus: Option<Str>,
    numa_policy: Option<Str>,
    memory_max: Option<Spanned<MemoryValue>>,
    nice: Option<Spanned<i64>>,
    args: Option<Args>,
    env: Option<Env>,
    systemd: Option<Directives>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ArchiverSection {
    enabled: Option<bool>,
    command: Option<Args>,
    cpus: Option<Str>,
    memory_max: Option<Spanned<MemoryValue>>,
    nice: Option<Spanned<i64>>,
    env: Option<Env>,
    systemd: Option<Directives>,
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
    Reader { path, text }.cluster(doc, options)
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
}

/// The per-role settings after validation, before they are applied to
/// the nodes of the role.
#[derive(Default, Clone)]
struct RoleDefaults {
    args: Vec<String>,
    env: Vec<(String, Str)>,
    settings: ProcessSettings,
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

    fn env(&self, env: &Option<Env>) -> Result<Vec<(String, Str)>, ConfigError> {
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
            out.push((name.clone(), value.clone()));
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

    fn nice(&self, value: &Option<Spanned<i64>>) -> Result<Option<i8>, ConfigError> {
        value
            .as_ref()
            .map(|v| self.check(v.span(), values::check_nice(*v.get_ref())))
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
                let scalars: Vec<String> = match v.get_ref() {
                    DirectiveValue::Text(t) => vec![t.clone()],
                    DirectiveValue::Integer(n) => vec![n.to_string()],
                    DirectiveValue::Bool(b) => vec![if *b { "yes" } else { "no" }.to_string()],
                    DirectiveValue::List(items) => items
                        .iter()
                        .map(|i| match i {
                            DirectiveScalar::Text(t) => t.clone(),
                            DirectiveScalar::Integer(n) => n.to_string(),
                            DirectiveScalar::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
                        })
                        .collect(),
                };
                for scalar in scalars {
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

    fn role(&self, section: &RoleSection) -> Result<RoleDefaults, ConfigError> {
        Ok(RoleDefaults {
            args: self.args(&section.args)?,
            env: self.env(&section.env)?,
            settings: ProcessSettings {
                cpus: self.cpus(&section.cpus)?,
                numa_policy: self.numa(&section.numa_policy)?,
                nice: self.nice(&section.nice)?,
                memory_max: self.memory(&section.memory_max)?,
                directives: self.directives(&section.systemd)?,
            },
        })
    }

    /// Merges env lists key by key (later lists win) and expands templates.
    fn merged_env(
        &self,
        layers: &[&[(String, Str)]],
        vars: &TemplateVars,
    ) -> Result<Vec<(String, String)>, ConfigError> {
        // Sized up front: thousands of workers each keep this Vec, and
        // growing it by push leaves room for 4 entries where 1 is typical.
        let mut out = values::EnvMerge::with_capacity(layers.iter().map(|layer| layer.len()).sum());
        for layer in layers {
            for (name, value) in layer.iter() {
                let text = if template::has_template(value.get_ref()) {
                    self.check(value.span(), template::expand(value.get_ref(), vars))?
                } else {
                    value.get_ref().clone()
                };
                out.set(name, text);
            }
        }
        Ok(out.finish())
    }

    fn cluster(&self, doc: Document, options: &ReadOptions) -> Result<Cluster, ConfigError> {
        let z = &doc.zeek;
        let prefix = match &z.prefix {
            Some(p) => self.path_value(p)?,
            None => PathBuf::from(DEFAULT_PREFIX),
        };
        let zeek = match &z.zeek {
            Some(p) => self.path_value(p)?,
            None => prefix.join("bin/zeek"),
        };
        let spool_dir = match &z.spool_dir {
            Some(p) => self.path_value(p)?,
            None => prefix.join("spool"),
        };
        let log_dir = match &z.log_dir {
            Some(p) => self.path_value(p)?,
            None => prefix.join("logs"),
        };
        let account = |v: &Option<Str>| -> Result<String, ConfigError> {
            match v {
                Some(v) => {
                    self.check(v.span(), values::check_account_name(v.get_ref()))?;
                    Ok(v.get_ref().clone())
                }
                None => Ok("zeek".to_string()),
            }
        };
        let user = account(&z.user)?;
        let group = account(&z.group)?;
        let share = prefix.join("share/zeek");
        let share = share.display();
        let install = Install {
            zeek_path: format!(
                "{}/generated-scripts:{share}:{share}/policy:{share}/site:{share}/builtin-plugins",
                spool_dir.display()
            ),
            path: format!("{}/bin:/usr/local/bin:/usr/bin:/bin", prefix.display()),
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

        let global_args = match &z.args {
            Some(_) => self.args(&z.args)?,
            None => vec!["local".to_string()],
        };
        let global_env = self.env(&z.env)?;
        let backend_args = match &z.cluster_backend {
            None => vec!["frameworks/cluster/backend/zeromq".to_string()],
            Some(b) => match b.get_ref() {
                Backend::Name(name) if name == "zeromq" => {
                    vec!["frameworks/cluster/backend/zeromq".to_string()]
                }
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
        let restart_sec = match &z.restart_sec {
            Some(v) => self.count(v, 0, 3600)?,
            None => 1,
        };
        let stop_timeout_sec = match &z.stop_timeout_sec {
            Some(v) => self.count(v, 1, 86400)?,
            None => 90,
        };
        let hardening = match &z.hardening {
            None => Hardening::Strict,
            Some(v) => match v.get_ref().as_str() {
                "strict" => Hardening::Strict,
                "basic" => Hardening::Basic,
                "off" => Hardening::Off,
                other => {
                    return Err(self.error(
                        v.span(),
                        format!("\"{other}\" is not a hardening level; use strict, basic or off"),
                    ))
                }
            },
        };

        let c = &doc.cluster;
        let first_port = match &c.port {
            Some(v) => self.port(v, false)?,
            None => 27760,
        };
        let first_metrics_port = match &c.metrics_port {
            Some(v) => self.port(v, true)?,
            None => 9991,
        };
        let ip_allow = match &c.ip_allow {
            None => None,
            Some(list) => {
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
                Some(out)
            }
        };

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
        let manager_role = self.role(&doc.manager)?;
        let logger_role = self.role(&doc.logger)?;
        let proxy_role = self.role(&doc.proxy)?;
        let w = &doc.worker;
        let worker_role = RoleDefaults {
            args: self.args(&w.args)?,
            env: self.env(&w.env)?,
            settings: ProcessSettings {
                cpus: None,
                numa_policy: self.numa(&w.numa_policy)?,
                nice: self.nice(&w.nice)?,
                memory_max: self.memory(&w.memory_max)?,
                directives: self.directives(&w.systemd)?,
            },
        };

        let port_at = |span: Option<Range<usize>>, key: &str| PortAt {
            span,
            key: key.to_string(),
        };
        let cluster_port_at = port_at(c.port.as_ref().map(Spanned::span), "[cluster] port");
        let cluster_metrics_at = port_at(
            c.metrics_port.as_ref().map(Spanned::span),
            "[cluster] metrics_port",
        );
        let (this_host, hosts) = match &doc.hosts {
            None => {
                let address = match &c.address {
                    Some(v) => self.check(v.span(), values::parse_address(v.get_ref()))?,
                    None => IpAddr::V4(Ipv4Addr::LOCALHOST),
                };
                let host = HostSpec {
                    name: None,
                    line: 0,
                    local: true,
                    address: Some(address),
                    manager: doc.manager.enabled.as_ref().map_or(true, |v| *v.get_ref()),
                    loggers: match &doc.logger.count {
                        Some(v) => self.count(v, 0, MAX_SERVICE_NODES)?,
                        None => 1,
                    },
                    proxies: match &doc.proxy.count {
                        Some(v) => self.count(v, 0, MAX_SERVICE_NODES)?,
                        None => 1,
                    },
                    port: first_port,
                    port_at: cluster_port_at,
                    metrics_port: first_metrics_port,
                    metrics_at: cluster_metrics_at,
                    interfaces: self.interfaces(&doc.interface, "[[interface]]")?,
                };
                (None, vec![host])
            }
            Some(table) => {
                let this_host = match &options.host {
                    Some(host) => Some(host.to_ascii_lowercase()),
                    None => super::this_hostname(),
                };
                let defaults = HostDefaults {
                    port: first_port,
                    port_at: cluster_port_at,
                    metrics_port: first_metrics_port,
                    metrics_at: cluster_metrics_at,
                };
                let hosts = self.hosts(&doc, table, this_host.as_deref(), &defaults)?;
                (this_host, hosts)
            }
        };
        let multi_host = doc.hosts.is_some();

        let total_nodes: usize = hosts.iter().map(HostSpec::nodes).sum();
        if total_nodes > MAX_NODES {
            return Err(ConfigError::file(
                self.path,
                format!("the cluster has {total_nodes} nodes; at most {MAX_NODES} are supported"),
            ));
        }
        for host in &hosts {
            self.check_host_ports(host)?;
        }
        if multi_host {
            self.check_shared_addresses(&hosts)?;
        }

        let shared = SharedArgs {
            backend: backend_args,
            policy: "zeek-systemd".to_string(),
            global: global_args,
            env: global_env,
            manager: manager_role,
            logger: logger_role,
            proxy: proxy_role,
            worker: worker_role,
        };
        let mut nodes = Vec::with_capacity(total_nodes);
        let mut budget = values::NodeBudget::default();
        // Node name -> its host, to find a name two hosts share.
        let mut names: HashMap<String, usize> = HashMap::new();
        for (index, host) in hosts.iter().enumerate() {
            let first_new = nodes.len();
            self.host_nodes(host, &shared, &mut nodes, &mut budget)?;
            if !multi_host {
                continue;
            }
            for node in &nodes[first_new..] {
                if let Some(&other) = names.get(&node.name) {
                    let other = &hosts[other];
                    return Err(ConfigError {
                        line: Some(host.line),
                        key: Some(format!("[hosts.{}]", host.display_name())),
                        ..ConfigError::file(
                            self.path,
                            format!(
                                "node name \"{}\" is also a node of host {} (line {}); \
                                 rename one of the interfaces or hosts",
                                node.name,
                                other.display_name(),
                                other.line
                            ),
                        )
                    });
                }
                names.insert(node.name.clone(), index);
            }
        }
        let local_host = hosts.iter().find(|h| h.local);
        let mut warnings = Vec::new();
        if multi_host && local_host.is_none() {
            let names: Vec<&str> = hosts.iter().map(HostSpec::display_name).collect();
            let who = match &this_host {
                Some(host) => format!("this host ({host}) is not one of the cluster's hosts"),
                None => "this machine's hostname is unknown, so it is none of the cluster's hosts"
                    .to_string(),
            };
            warnings.push(format!(
                "{}: {who} ({}); no Zeek units are generated here. Add a [hosts.NAME] table \
                 for it if it should run Zeek nodes (or use --host NAME)",
                self.path.display(),
                names.join(", ")
            ));
        }

        let global_env = &shared.env;
        let no_vars = TemplateVars::default();
        let a = &doc.archiver;
        let has_log_writer = local_host.is_some_and(|h| h.manager || h.loggers > 0);
        let archiver_on = a.enabled.unwrap_or(has_log_writer) && local_host.is_some();
        // Validated on every host of a multi-host config, so `check` on
        // any host finds a mistake in it.
        let archiver = if archiver_on || (multi_host && a.enabled != Some(false)) {
            let command = match &a.command {
                Some(cmd) => {
                    let cmd_args = self.args(&a.command)?;
                    match cmd_args.first() {
                        Some(exe) if exe.starts_with('/') => {}
                        _ => {
                            return Err(self.error(
                                cmd.span(),
                                "the archiver command must start with an absolute path to the executable",
                            ))
                        }
                    }
                    cmd_args
                }
                None => vec![
                    prefix.join("bin/zeek-archiver").display().to_string(),
                    install.spool_dir.join("log-queue").display().to_string(),
                    install.log_dir.display().to_string(),
                ],
            };
            let archiver_env = self.env(&a.env)?;
            Some(Archiver {
                command,
                env: self.merged_env(&[global_env, &archiver_env], &no_vars)?,
                settings: ProcessSettings {
                    cpus: self.cpus(&a.cpus)?,
                    numa_policy: None,
                    nice: self.nice(&a.nice)?,
                    memory_max: self.memory(&a.memory_max)?,
                    directives: self.directives(&a.systemd)?,
                },
            })
            .filter(|_| archiver_on)
        } else {
            None
        };

        Ok(Cluster {
            // Units name the config (SourcePath=, the layout command of
            // zeek-setup.service) and run with / as working directory, so a
            // relative `--config` must not reach them.
            source: std::path::absolute(self.path).unwrap_or_else(|_| self.path.to_path_buf()),
            format: ConfigFormat::Toml,
            this_host,
            install,
            nodes,
            archiver,
            policy_script: PolicyScript::Generated,
            layout: LayoutSource::Generated,
            autostart: z.autostart.unwrap_or(true),
            restart_sec,
            stop_timeout_sec,
            hardening,
            network: NetworkPolicy { ip_allow },
            hosts: if multi_host {
                hosts
                    .iter()
                    .map(|h| ClusterHost {
                        name: h.display_name().to_string(),
                        address: h.address,
                    })
                    .collect()
            } else {
                Vec::new()
            },
            warnings,
        })
    }

    fn interfaces(
        &self,
        sections: &[Spanned<InterfaceSection>],
        label: &str,
    ) -> Result<Vec<Interface>, ConfigError> {
        let mut out: Vec<Interface> = Vec::with_capacity(sections.len());
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
            if let Some(prev) = out.iter().find(|i| i.name == *name.get_ref()) {
                return Err(self.error(
                    name.span(),
                    format!(
                        "interface name \"{}\" is used twice (first at line {}); node names must be unique",
                        prev.name, prev.line
                    ),
                ));
            }
            let capture = s.capture.as_ref().ok_or_else(|| missing("capture"))?;
            self.check(capture.span(), values::check_unit_text(capture.get_ref()))?;
            if capture.get_ref().trim().is_empty() {
                return Err(self.error(capture.span(), "the capture source is empty"));
            }
            let workers = s.workers.as_ref().ok_or_else(|| missing("workers"))?;
            let workers = self.count(workers, 1, MAX_WORKERS)?;
            let cpus = self.cpus(&s.cpus)?;
            out.push(Interface {
                name: name.get_ref().clone(),
                line: locate(self.text, name.span()).0,
                capture: capture.clone(),
                workers,
                cpus,
                numa_policy: self.numa(&s.numa_policy)?,
                nice: self.nice(&s.nice)?,
                memory_max: self.memory(&s.memory_max)?,
                args: self.args(&s.args)?,
                env: self.env(&s.env)?,
                directives: self.directives(&s.systemd)?,
            });
        }
        Ok(out)
    }
}

struct Interface {
    name: String,
    line: usize,
    capture: Str,
    workers: u32,
    cpus: Option<CpuList>,
    numa_policy: Option<NumaPolicy>,
    nice: Option<i8>,
    memory_max: Option<String>,
    args: Vec<String>,
    env: Vec<(String, Str)>,
    directives: Vec<UnitDirective>,
}

/// Where a host's first port comes from, for error messages: the host's
/// own key or `[cluster]`'s.
#[derive(Clone)]
struct PortAt {
    span: Option<Range<usize>>,
    key: String,
}

/// The `[cluster]` ports every host starts its counters at unless it sets
/// its own.
struct HostDefaults {
    port: u16,
    port_at: PortAt,
    metrics_port: u16,
    metrics_at: PortAt,
}

/// One host's part of the cluster, validated; a single-host config is one
/// host without a name.
struct HostSpec {
    /// `None` on a single-host config (node names get no prefix).
    name: Option<Arc<str>>,
    /// The line of the host's table, for errors about the host as a whole.
    line: usize,
    /// Whether the generator runs for this host.
    local: bool,
    /// `None`: Zeek looks the host name up when it loads the layout.
    address: Option<IpAddr>,
    manager: bool,
    loggers: u32,
    proxies: u32,
    port: u16,
    port_at: PortAt,
    metrics_port: u16,
    metrics_at: PortAt,
    interfaces: Vec<Interface>,
}

impl HostSpec {
    fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or("")
    }

    /// Manager, loggers and proxies: the nodes with a listener port.
    fn listeners(&self) -> usize {
        usize::from(self.manager) + self.loggers as usize + self.proxies as usize
    }

    fn nodes(&self) -> usize {
        self.listeners()
            + self
                .interfaces
                .iter()
                .map(|i| i.workers as usize)
                .sum::<usize>()
    }

    /// The listener and metrics port ranges (end exclusive) the host's
    /// nodes bind on its address.
    fn port_ranges(&self) -> Vec<(&'static str, usize, usize)> {
        let mut out = Vec::with_capacity(2);
        if self.listeners() > 0 {
            let start = usize::from(self.port);
            out.push(("listener", start, start + self.listeners()));
        }
        if self.metrics_port != 0 {
            let start = usize::from(self.metrics_port);
            out.push(("metrics", start, start + self.nodes()));
        }
        out
    }
}

/// What every node's command line and environment start from.
struct SharedArgs {
    backend: Vec<String>,
    policy: String,
    global: Vec<String>,
    env: Vec<(String, Str)>,
    manager: RoleDefaults,
    logger: RoleDefaults,
    proxy: RoleDefaults,
    worker: RoleDefaults,
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
            if let Some(count) = &section.count {
                return Err(self.error(
                    count.span(),
                    format!(
                        "cannot be used together with [hosts]: set `{key} = N` in the \
                         [hosts.NAME] table of each host that runs them"
                    ),
                ));
            }
        }

        let mut out = Vec::with_capacity(table.get_ref().len());
        let mut manager_at: Option<(String, usize)> = None;
        for (name, section) in table.get_ref() {
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
                .map(|v| self.check(v.span(), values::parse_address(v.get_ref())))
                .transpose()?;
            let manager = h.manager.as_ref().is_some_and(|m| *m.get_ref());
            if let Some(m) = h.manager.as_ref().filter(|m| *m.get_ref()) {
                let this_line = locate(self.text, m.span()).0;
                if let Some((first, first_line)) = &manager_at {
                    return Err(self.error(
                        m.span(),
                        format!(
                            "a cluster has exactly one manager, and host {first} runs it \
                             (line {first_line}); set `manager = true` on one host only"
                        ),
                    ));
                }
                manager_at = Some((name.clone(), this_line));
            }
            let count = |v: &Option<Spanned<i64>>| match v {
                Some(v) => self.count(v, 0, MAX_SERVICE_NODES),
                None => Ok(0),
            };
            let loggers = count(&h.loggers)?;
            let proxies = count(&h.proxies)?;
            let (port, port_at) = match &h.port {
                Some(v) => (
                    self.port(v, false)?,
                    PortAt {
                        span: Some(v.span()),
                        key: format!("{label} port"),
                    },
                ),
                None => (defaults.port, defaults.port_at.clone()),
            };
            let (metrics_port, metrics_at) = match &h.metrics_port {
                Some(v) => (
                    self.port(v, true)?,
                    PortAt {
                        span: Some(v.span()),
                        key: format!("{label} metrics_port"),
                    },
                ),
                None => (defaults.metrics_port, defaults.metrics_at.clone()),
            };
            let interfaces =
                self.interfaces(&h.interface, &format!("[[hosts.{name}.interface]]"))?;
            let host = HostSpec {
                name: Some(Arc::from(name.as_str())),
                line,
                local: this_host == Some(name.as_str()),
                address,
                manager,
                loggers,
                proxies,
                port,
                port_at,
                metrics_port,
                metrics_at,
                interfaces,
            };
            if host.nodes() == 0 {
                return Err(at_host(
                    "this host runs no node; set `manager = true`, `loggers`, `proxies` or add \
                     a [[hosts.NAME.interface]], or remove the host"
                        .into(),
                ));
            }
            out.push(host);
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

    /// The port checks of one host: its listeners and metrics ports fit
    /// below 65536 and do not overlap (they bind one address).
    fn check_host_ports(&self, host: &HostSpec) -> Result<(), ConfigError> {
        let problem =
            values::check_port_ranges(host.port, host.listeners(), host.metrics_port, host.nodes());
        match problem {
            Ok(()) => Ok(()),
            Err(values::PortProblem::Listeners(m)) => {
                Err(self.error_at(host.port_at.span.clone(), &host.port_at.key, m))
            }
            Err(values::PortProblem::Metrics(m)) => {
                Err(self.error_at(host.metrics_at.span.clone(), &host.metrics_at.key, m))
            }
        }
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
                                line: Some(host.line),
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
                                        earlier.line,
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

    /// Appends the nodes of one host, numbering listener and metrics ports
    /// from the host's first ports (Zeek's layout generator starts both
    /// counters afresh for every host). Node names of a named host get
    /// `<host>-` in front, except the manager's.
    fn host_nodes(
        &self,
        host: &HostSpec,
        shared: &SharedArgs,
        nodes: &mut Vec<Node>,
        budget: &mut values::NodeBudget,
    ) -> Result<(), ConfigError> {
        let too_big = |m: String| ConfigError::file(self.path, m);
        let prefixed = |base: String| match &host.name {
            Some(name) => format!("{name}-{base}"),
            None => base,
        };
        let first_new = nodes.len();
        let first_metrics_port = host.metrics_port;
        let mut next_port = host.port;
        let mut next_metrics = first_metrics_port;
        let no_vars = TemplateVars::default();
        // The nodes of a role share one command line.
        let role_args = |defaults: &RoleDefaults| -> Arc<[String]> {
            let mut args = shared.backend.clone();
            args.push(shared.policy.clone());
            args.extend(defaults.args.iter().cloned());
            args.extend(shared.global.iter().cloned());
            args.into()
        };
        let mut service_node = |name: String,
                                role: Role,
                                defaults: &RoleDefaults,
                                args: &Arc<[String]>|
         -> Result<Node, ConfigError> {
            let args = Arc::clone(args);
            let env = self.merged_env(&[&shared.env, &defaults.env], &no_vars)?;
            let port = next_port;
            next_port = next_port.wrapping_add(1);
            let metrics_port = (first_metrics_port != 0).then_some(next_metrics);
            next_metrics = next_metrics.wrapping_add(1);
            Ok(Node {
                name,
                role,
                host: host.name.clone(),
                local: host.local,
                address: host.address,
                port: Some(port),
                metrics_port,
                args,
                env,
                settings: defaults.settings.clone(),
                capture: None,
            })
        };
        if host.manager {
            let args = role_args(&shared.manager);
            let node = service_node("manager".into(), Role::Manager, &shared.manager, &args)?;
            budget.add(&node, 0).map_err(too_big)?;
            nodes.push(node);
        }
        for (role, count, defaults) in [
            (Role::Logger, host.loggers, &shared.logger),
            (Role::Proxy, host.proxies, &shared.proxy),
        ] {
            let args = role_args(defaults);
            for k in 1..=count {
                let name = prefixed(format!("{role}-{k}"));
                let node = service_node(name, role, defaults, &args)?;
                budget.add(&node, 0).map_err(too_big)?;
                nodes.push(node);
            }
        }

        // Every worker's drop-in orders it after all service nodes of its
        // host.
        let worker_after: usize = nodes[first_new..].iter().map(|n| n.name.len() + 15).sum();
        let worker_role = &shared.worker;
        let interfaces = &host.interfaces;
        let fanout_ids = assign_fanout_ids(interfaces, &shared.global, &worker_role.args);
        let mut host_index = 0usize;
        for (iface, fanout) in interfaces.iter().zip(fanout_ids) {
            let iface_env = &iface.env;
            let interface: Arc<str> = Arc::from(iface.name.as_str());
            let worker_args = |capture: &str| -> Arc<[String]> {
                let mut args = Vec::with_capacity(
                    4 + shared.backend.len()
                        + worker_role.args.len()
                        + iface.args.len()
                        + shared.global.len(),
                );
                args.push("-i".to_string());
                args.push(capture.to_string());
                args.extend(shared.backend.iter().cloned());
                args.push(shared.policy.clone());
                args.extend(worker_role.args.iter().cloned());
                args.extend(iface.args.iter().cloned());
                if let Some(id) = fanout {
                    args.push(format!("AF_Packet::fanout_id={id}"));
                }
                args.extend(shared.global.iter().cloned());
                args.into()
            };
            // Without a template in the capture source, every worker of the
            // interface has the same source and command line: one of each.
            let fixed = (!template::has_template(iface.capture.get_ref())).then(|| {
                let source: Arc<str> = Arc::from(iface.capture.get_ref().as_str());
                let args = worker_args(&source);
                (source, args)
            });
            for index0 in 0..iface.workers as usize {
                host_index += 1;
                let cpu = iface.cpus.as_ref().map(|c| c.nth_wrapping(index0));
                let vars = TemplateVars {
                    worker_index: Some(index0 + 1),
                    host_worker_index: Some(host_index),
                    worker_cpu: cpu,
                    interface_name: Some(&iface.name),
                };
                let (capture, args) = match &fixed {
                    Some((source, args)) => (Arc::clone(source), Arc::clone(args)),
                    None => {
                        let source: Arc<str> = self
                            .check(
                                iface.capture.span(),
                                template::expand(iface.capture.get_ref(), &vars),
                            )?
                            .into();
                        let args = worker_args(&source);
                        (source, args)
                    }
                };
                let env = self.merged_env(&[&shared.env, &worker_role.env, iface_env], &vars)?;
                let mut directives = worker_role.settings.directives.clone();
                directives.extend(iface.directives.iter().cloned());
                let metrics_port = (first_metrics_port != 0).then_some(next_metrics);
                next_metrics = next_metrics.wrapping_add(1);
                let node = Node {
                    name: prefixed(format!("worker-{}-{}", iface.name, index0 + 1)),
                    role: Role::Worker,
                    host: host.name.clone(),
                    local: host.local,
                    address: host.address,
                    port: None,
                    metrics_port,
                    args,
                    env,
                    settings: ProcessSettings {
                        cpus: cpu.map(|c| CpuList(vec![c])),
                        numa_policy: iface.numa_policy.or(worker_role.settings.numa_policy),
                        nice: iface.nice.or(worker_role.settings.nice),
                        memory_max: iface
                            .memory_max
                            .clone()
                            .or_else(|| worker_role.settings.memory_max.clone()),
                        directives,
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
}

const FANOUT_ARG: &str = "AF_Packet::fanout_id=";

/// AF_PACKET workers of different interfaces sharing a fanout group break
/// each other's load balancing: when more than one interface is captured
/// with `af_packet::`, each one whose args do not set a fanout id gets a
/// distinct one, counting up from Zeek's default (23) and skipping ids the
/// config sets explicitly.
fn assign_fanout_ids(
    interfaces: &[Interface],
    global: &[String],
    worker: &[String],
) -> Vec<Option<u32>> {
    let is_af_packet = |i: &Interface| i.capture.get_ref().starts_with("af_packet::");
    let explicit = |args: &[String]| args.iter().any(|a| a.starts_with(FANOUT_ARG));
    let af_packet_count = interfaces.iter().filter(|i| is_af_packet(i)).count();
    if af_packet_count < 2 || explicit(global) || explicit(worker) {
        return vec![None; interfaces.len()];
    }
    let taken: Vec<u32> = interfaces
        .iter()
        .flat_map(|i| i.args.iter())
        .filter_map(|a| a.strip_prefix(FANOUT_ARG)?.trim().parse().ok())
        .collect();
    let mut next = 23u32;
    interfaces
        .iter()
        .map(|i| {
            if !is_af_packet(i) || explicit(&i.args) {
                return None;
            }
            while taken.contains(&next) {
                next += 1;
            }
            let id = next;
            next += 1;
            Some(id)
        })
        .collect()
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
