//! The native TOML format, `/etc/zeek/cluster.toml` (SPEC 2.2, 2.3).

use std::collections::BTreeMap;
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
    Archiver, Capture, Cluster, ConfigFormat, CpuList, Hardening, Install, LayoutSource,
    NetworkPolicy, Node, NumaPolicy, PolicyScript, ProcessSettings, Role, UnitDirective,
    UnitSection,
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
pub fn read(path: &Path, text: &str, _options: &ReadOptions) -> Result<Cluster, ConfigError> {
    let doc: Document = ::toml::from_str(text).map_err(|e| parse_error(path, text, &e))?;
    Reader { path, text }.cluster(doc)
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

    fn cluster(&self, doc: Document) -> Result<Cluster, ConfigError> {
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
        let address = match &c.address {
            Some(v) => self.check(v.span(), values::parse_address(v.get_ref()))?,
            None => IpAddr::V4(Ipv4Addr::LOCALHOST),
        };
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
        let manager_enabled = doc.manager.enabled.as_ref().map_or(true, |v| *v.get_ref());
        let loggers = match &doc.logger.count {
            Some(v) => self.count(v, 0, MAX_SERVICE_NODES)?,
            None => 1,
        };
        let proxies = match &doc.proxy.count {
            Some(v) => self.count(v, 0, MAX_SERVICE_NODES)?,
            None => 1,
        };
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

        let interfaces = self.interfaces(&doc.interface)?;
        let total_workers: usize = interfaces.iter().map(|i| i.workers as usize).sum();
        let total_nodes =
            usize::from(manager_enabled) + loggers as usize + proxies as usize + total_workers;
        if total_nodes > MAX_NODES {
            return Err(ConfigError::file(
                self.path,
                format!("the cluster has {total_nodes} nodes; at most {MAX_NODES} are supported"),
            ));
        }
        let listeners = usize::from(manager_enabled) + loggers as usize + proxies as usize;
        if usize::from(first_port) + listeners > 65536 {
            return Err(self.error_at(
                c.port.as_ref().map(Spanned::span),
                "[cluster] port",
                format!("{listeners} listeners starting at port {first_port} run past port 65535"),
            ));
        }
        if first_metrics_port != 0 && usize::from(first_metrics_port) + total_nodes > 65536 {
            return Err(self.error_at(
                c.metrics_port.as_ref().map(Spanned::span),
                "[cluster] metrics_port",
                format!(
                    "{total_nodes} metrics ports starting at {first_metrics_port} run past port 65535"
                ),
            ));
        }

        // All nodes listen on one address: a metrics port that is also a
        // cluster listener port makes one of the two nodes fail to bind.
        if first_metrics_port != 0
            && listeners > 0
            && usize::from(first_metrics_port) < usize::from(first_port) + listeners
            && usize::from(first_port) < usize::from(first_metrics_port) + total_nodes
        {
            return Err(self.error_at(
                c.metrics_port.as_ref().map(Spanned::span),
                "[cluster] metrics_port",
                format!(
                    "metrics ports {first_metrics_port}..{} overlap the cluster listener ports \
                     {first_port}..{}; move metrics_port or port so the ranges are apart",
                    usize::from(first_metrics_port) + total_nodes - 1,
                    usize::from(first_port) + listeners - 1
                ),
            ));
        }

        let policy = "zeek-systemd".to_string();
        let mut nodes = Vec::with_capacity(total_nodes);
        let mut budget = values::NodeBudget::default();
        let too_big = |m: String| ConfigError::file(self.path, m);
        let mut next_port = first_port;
        let mut next_metrics = first_metrics_port;
        let no_vars = TemplateVars::default();
        // The nodes of a role share one command line.
        let role_args = |defaults: &RoleDefaults| -> Arc<[String]> {
            let mut args = backend_args.clone();
            args.push(policy.clone());
            args.extend(defaults.args.iter().cloned());
            args.extend(global_args.iter().cloned());
            args.into()
        };
        let mut service_node = |name: String,
                                role: Role,
                                defaults: &RoleDefaults,
                                args: &Arc<[String]>|
         -> Result<Node, ConfigError> {
            let args = Arc::clone(args);
            let env = self.merged_env(&[&global_env, &defaults.env], &no_vars)?;
            let port = next_port;
            next_port = next_port.wrapping_add(1);
            let metrics_port = (first_metrics_port != 0).then_some(next_metrics);
            next_metrics = next_metrics.wrapping_add(1);
            Ok(Node {
                name,
                role,
                host: None,
                local: true,
                address: Some(address),
                port: Some(port),
                metrics_port,
                args,
                env,
                settings: defaults.settings.clone(),
                capture: None,
            })
        };
        if manager_enabled {
            let args = role_args(&manager_role);
            let node = service_node("manager".into(), Role::Manager, &manager_role, &args)?;
            budget.add(&node, 0).map_err(too_big)?;
            nodes.push(node);
        }
        let args = role_args(&logger_role);
        for k in 1..=loggers {
            let node = service_node(format!("logger-{k}"), Role::Logger, &logger_role, &args)?;
            budget.add(&node, 0).map_err(too_big)?;
            nodes.push(node);
        }
        let args = role_args(&proxy_role);
        for k in 1..=proxies {
            let node = service_node(format!("proxy-{k}"), Role::Proxy, &proxy_role, &args)?;
            budget.add(&node, 0).map_err(too_big)?;
            nodes.push(node);
        }

        // Every worker's drop-in orders it after all service nodes.
        let worker_after: usize = nodes.iter().map(|n| n.name.len() + 15).sum();
        let fanout_ids = assign_fanout_ids(&interfaces, &global_args, &worker_role.args);
        let mut host_index = 0usize;
        for (iface, fanout) in interfaces.iter().zip(fanout_ids) {
            let iface_env = &iface.env;
            let interface: Arc<str> = Arc::from(iface.name.as_str());
            let worker_args = |capture: &str| -> Arc<[String]> {
                let mut args = Vec::with_capacity(
                    4 + backend_args.len()
                        + worker_role.args.len()
                        + iface.args.len()
                        + global_args.len(),
                );
                args.push("-i".to_string());
                args.push(capture.to_string());
                args.extend(backend_args.iter().cloned());
                args.push(policy.clone());
                args.extend(worker_role.args.iter().cloned());
                args.extend(iface.args.iter().cloned());
                if let Some(id) = fanout {
                    args.push(format!("AF_Packet::fanout_id={id}"));
                }
                args.extend(global_args.iter().cloned());
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
                let env = self.merged_env(&[&global_env, &worker_role.env, iface_env], &vars)?;
                let mut directives = worker_role.settings.directives.clone();
                directives.extend(iface.directives.iter().cloned());
                let metrics_port = (first_metrics_port != 0).then_some(next_metrics);
                next_metrics = next_metrics.wrapping_add(1);
                let node = Node {
                    name: format!("worker-{}-{}", iface.name, index0 + 1),
                    role: Role::Worker,
                    host: None,
                    local: true,
                    address: Some(address),
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

        let a = &doc.archiver;
        let has_log_writer = manager_enabled || loggers > 0;
        let archiver = if a.enabled.unwrap_or(has_log_writer) {
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
                env: self.merged_env(&[&global_env, &archiver_env], &no_vars)?,
                settings: ProcessSettings {
                    cpus: self.cpus(&a.cpus)?,
                    numa_policy: None,
                    nice: self.nice(&a.nice)?,
                    memory_max: self.memory(&a.memory_max)?,
                    directives: self.directives(&a.systemd)?,
                },
            })
        } else {
            None
        };

        Ok(Cluster {
            // Units name the config (SourcePath=, the layout command of
            // zeek-setup.service) and run with / as working directory, so a
            // relative `--config` must not reach them.
            source: std::path::absolute(self.path).unwrap_or_else(|_| self.path.to_path_buf()),
            format: ConfigFormat::Toml,
            this_host: None,
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
            hosts: Vec::new(),
            warnings: Vec::new(),
        })
    }

    fn interfaces(
        &self,
        sections: &[Spanned<InterfaceSection>],
    ) -> Result<Vec<Interface>, ConfigError> {
        let mut out: Vec<Interface> = Vec::with_capacity(sections.len());
        for section in sections {
            let span = section.span();
            let s = section.get_ref();
            let missing = |key: &str| {
                let mut e = self.error(span.clone(), format!("missing key \"{key}\""));
                e.key = Some("[[interface]]".into());
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
