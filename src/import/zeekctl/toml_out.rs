//! Writes the imported cluster as a commented `cluster.toml`.
//!
//! Node names are written explicitly (`[manager] name`, `names = [...]`),
//! so every process keeps its ZeekControl name; per-node settings of
//! loggers and proxies go to `[nodes."NAME"]`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use super::networks_cfg::Network;
use super::node_cfg::{is_localhost, Kind, ZeekctlNode};
use super::zeekctl_cfg::ZeekctlCfg;
use super::{ImportError, Sources};
use crate::config::values::check_name_part;

/// What the TOML is written from.
pub struct Input<'a> {
    pub sources: &'a Sources,
    pub nodes: &'a [ZeekctlNode],
    pub cfg: &'a ZeekctlCfg,
    pub networks: Option<&'a [Network]>,
    pub networks_script: Option<&'a Path>,
}

/// A TOML basic string.
pub fn quote(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn key(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        s.to_string()
    } else {
        quote(s)
    }
}

fn list(items: &[String]) -> String {
    let inner: Vec<String> = items.iter().map(|s| quote(s)).collect();
    format!("[{}]", inner.join(", "))
}

fn inline_env(env: &[(String, String)]) -> String {
    let inner: Vec<String> = env
        .iter()
        .map(|(k, v)| format!("{} = {}", key(k), quote(v)))
        .collect();
    format!("{{ {} }}", inner.join(", "))
}

/// The env and args a node needs beyond `[zeek]`'s: its node.cfg
/// `env_vars`, the load-balancing plugin's variables that neither
/// node.cfg nor zeekctl.cfg set, `aux_scripts`, `af_packet_*`.
fn node_extras(
    node: &ZeekctlNode,
    global: &BTreeMap<String, String>,
) -> (Vec<(String, String)>, Vec<String>) {
    let mut env: Vec<(String, String)> = node
        .env
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (k, v) in &node.plugin_env {
        if !node.env.contains_key(k) && !global.contains_key(k) && !env.iter().any(|(e, _)| e == k)
        {
            env.push((k.clone(), v.clone()));
        }
    }
    let mut args = node.aux_scripts.clone();
    args.extend(node.af_packet_args.iter().cloned());
    (env, args)
}

/// Writes the TOML text.
pub fn write(input: &Input) -> Result<String, ImportError> {
    for n in input.nodes {
        check_name_part(&n.name).map_err(|m| {
            ImportError::at(
                &input.sources.node_cfg,
                n.line,
                None,
                format!(
                    "node name {:?} cannot be a systemd unit instance and spool dir: {m}",
                    n.name
                ),
            )
        })?;
    }
    let mut out = String::new();
    header(&mut out, input);
    zeek_section(&mut out, input);
    let hosts = hosts(input.nodes);
    cluster_section(&mut out, input, &hosts);
    roles(&mut out, input, &hosts);
    if hosts.len() > 1 {
        for host in &hosts {
            host_section(&mut out, input, host);
        }
    } else {
        workers(&mut out, input, input.nodes, "interface");
    }
    operations_sections(&mut out, input.cfg);
    unmapped(&mut out, input.cfg);
    Ok(out)
}

fn header(out: &mut String, input: &Input) {
    let s = input.sources;
    let _ = writeln!(
        out,
        "# Imported from ZeekControl by `zeek-systemd-generator import-zeekctl`:"
    );
    let _ = writeln!(out, "#   node.cfg:     {}", s.node_cfg.display());
    let _ = writeln!(
        out,
        "#   zeekctl.cfg:  {}",
        s.zeekctl_cfg
            .as_ref()
            .map_or("(none: ZeekControl's defaults)".into(), |p| p
                .display()
                .to_string())
    );
    let _ = writeln!(
        out,
        "#   networks.cfg: {}",
        s.networks_cfg
            .as_ref()
            .map_or("(none)".into(), |p| p.display().to_string())
    );
    let _ = writeln!(
        out,
        "# Node names are ZeekControl's. Review it with `zeek-systemd-generator import-zeekctl --check`\n\
         # (ZeekControl's view of every node next to this file's), then `zeek-systemd-generator check`.\n\
         # systemd now does what zeekctl did: restart on crash (Restart=always), no `zeekctl cron`,\n\
         # logs archived by zeek-archiver.service, crashes start zeek-node-crashed@NODE.service\n\
         # (hook your alerting in with `systemctl edit zeek-node-crashed@.service`).\n"
    );
}

fn zeek_section(out: &mut String, input: &Input) {
    let cfg = input.cfg;
    let _ = writeln!(out, "[zeek]");
    let mut args = cfg.site_policy_scripts.clone();
    let _ = writeln!(
        out,
        "# SitePolicyScripts = {} (every node loads them){}{}",
        cfg.site_policy_scripts.join(" "),
        if input.networks.is_some() && input.networks_script.is_some() {
            ", then local-networks.zeek (networks.cfg)"
        } else {
            ""
        },
        if cfg.zeek_args.is_empty() {
            ""
        } else {
            ", then ZeekArgs"
        }
    );
    match (input.networks, input.networks_script) {
        (Some(_), Some(path)) => args.push(path.display().to_string()),
        (Some(nets), None) => {
            let _ = writeln!(
                out,
                "# networks.cfg ({} networks) is NOT loaded: run import-zeekctl with -o FILE to write\n\
                 # local-networks.zeek next to FILE and load it from here.",
                nets.len()
            );
        }
        (None, _) => {}
    }
    args.extend(cfg.zeek_args.iter().cloned());
    let _ = writeln!(out, "args = {}", list(&args));
    for (zk, ours) in [("spooldir", "spool_dir"), ("logdir", "log_dir")] {
        if let Some(s) = cfg.get(zk) {
            let _ = writeln!(
                out,
                "{ours} = {}   # {} (line {})",
                quote(&s.value),
                s.key,
                s.line
            );
        }
    }
    if !cfg.env.is_empty() {
        let env: Vec<(String, String)> = cfg
            .env
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let _ = writeln!(out, "# env_vars of zeekctl.cfg: every node; node.cfg env_vars win per key, as in ZeekControl");
        let _ = writeln!(out, "env = {}", inline_env(&env));
    }
    out.push('\n');
}

/// One host of the cluster: its key, address and nodes.
struct Host<'a> {
    /// As node.cfg spells it.
    host: String,
    /// The `[hosts.NAME]` name.
    name: String,
    address: Option<String>,
    nodes: Vec<&'a ZeekctlNode>,
}

/// The distinct hosts, the manager's first.
fn hosts(nodes: &[ZeekctlNode]) -> Vec<Host<'_>> {
    let mut order: Vec<&str> = Vec::new();
    let manager = nodes.iter().filter(|n| n.kind == Kind::Manager);
    for n in manager.chain(nodes.iter()) {
        if !order.contains(&n.host.as_str()) {
            order.push(&n.host);
        }
    }
    order
        .into_iter()
        .map(|h| {
            let ip = h.parse::<std::net::IpAddr>().ok();
            let name = match ip {
                Some(ip) => format!("host-{}", ip.to_string().replace(['.', ':'], "-")),
                None => h.split('.').next().unwrap_or(h).to_lowercase(),
            };
            Host {
                host: h.to_string(),
                name,
                address: ip.map(|ip| ip.to_string()),
                nodes: nodes.iter().filter(|n| n.host == h).collect(),
            }
        })
        .collect()
}

fn cluster_section(out: &mut String, input: &Input, hosts: &[Host]) {
    let cfg = input.cfg;
    let _ = writeln!(out, "[cluster]");
    let _ = writeln!(
        out,
        "# ZeekPort = {}: ZeekControl's control endpoint takes that port, the manager the next,\n\
         # then loggers and proxies, as here.",
        cfg.zeek_port
    );
    let _ = writeln!(out, "port = {}", u32::from(cfg.zeek_port) + 1);
    let _ = writeln!(out, "metrics_port = {}   # MetricsPort", cfg.metrics_port);
    if let [host] = hosts {
        match &host.address {
            Some(addr) if !is_localhost(&host.host) => {
                let _ = writeln!(
                    out,
                    "address = {}   # host = {} in node.cfg",
                    quote(addr),
                    host.host
                );
            }
            Some(_) => {}
            None if is_localhost(&host.host) => {}
            None => {
                let _ = writeln!(
                    out,
                    "# host = {} in node.cfg: ZeekControl resolved it and the nodes listened on that address;\n\
                     # here they listen on 127.0.0.1 unless you set `address`.",
                    host.host
                );
            }
        }
    }
    out.push('\n');
}

/// The `[manager]`, `[logger]`, `[proxy]` and `[worker]` tables, with the
/// `[nodes.NAME]` of every logger and proxy that has settings of its own.
fn roles(out: &mut String, input: &Input, hosts: &[Host]) {
    let mem_line = memory_max_line(input);
    let mem_line = mem_line.as_deref().unwrap_or("");
    if let Some(m) = input.nodes.iter().find(|n| n.kind == Kind::Manager) {
        ignored_comment(out, m);
        let _ = writeln!(
            out,
            "[manager]   # [{}] node.cfg line {}",
            m.section, m.line
        );
        let _ = writeln!(out, "name = {}", quote(&m.name));
        out.push_str(mem_line);
        node_settings(out, m, &input.cfg.env);
        out.push('\n');
    }
    for (kind, table, plural) in [
        (Kind::Logger, "logger", "loggers"),
        (Kind::Proxy, "proxy", "proxies"),
    ] {
        let of: Vec<&ZeekctlNode> = input.nodes.iter().filter(|n| n.kind == kind).collect();
        role_table(out, &of, (kind, table, plural), hosts.len() == 1, mem_line);
        for n in of {
            own_node_table(out, n, &input.cfg.env);
        }
    }
    if !mem_line.is_empty() {
        let _ = writeln!(out, "[worker]\n{mem_line}");
    }
}

/// `memory_max` for every role from ZeekControl's `MemLimit` (its line,
/// newline included), unless that is unlimited.
fn memory_max_line(input: &Input) -> Option<String> {
    let mem = input
        .cfg
        .get("memlimit")
        .filter(|s| !s.value.eq_ignore_ascii_case("unlimited"));
    mem.map(|s| {
        format!(
            "memory_max = \"{}K\"   # MemLimit = {} KiB (ZeekControl: ulimit; here a cgroup limit)\n",
            s.value.trim(),
            s.value.trim()
        )
    })
}

/// The `[logger]` or `[proxy]` table: the names on one host, the memory
/// limit on any.
fn role_table(
    out: &mut String,
    of: &[&ZeekctlNode],
    (kind, table, plural): (Kind, &str, &str),
    one_host: bool,
    mem_line: &str,
) {
    // Multi-host: the hosts list the names; the table only carries limits.
    if one_host || !mem_line.is_empty() {
        let _ = writeln!(out, "[{table}]");
    }
    if one_host {
        let names: Vec<String> = of.iter().map(|n| n.name.clone()).collect();
        if names.is_empty() {
            let _ = writeln!(
                out,
                "count = 0   # no {plural} in node.cfg{}",
                if kind == Kind::Logger {
                    ": the manager writes the logs"
                } else {
                    ""
                }
            );
        } else {
            let _ = writeln!(out, "names = {}", list(&names));
        }
    }
    if one_host || !mem_line.is_empty() {
        out.push_str(mem_line);
        out.push('\n');
    }
}

/// `[nodes.NAME]` for a logger or proxy with its own environment,
/// scripts or CPU (none if it has none).
fn own_node_table(out: &mut String, n: &ZeekctlNode, global: &BTreeMap<String, String>) {
    ignored_comment(out, n);
    let (env, args) = node_extras(n, global);
    if env.is_empty() && args.is_empty() && n.pin_cpu.is_none() {
        return;
    }
    let _ = writeln!(
        out,
        "[nodes.{}]   # [{}] node.cfg line {}",
        key(&n.name),
        n.section,
        n.line
    );
    node_settings(out, n, global);
    out.push('\n');
}

/// Says which keys of the node's section ZeekControl ignores (so does
/// the import), instead of dropping them silently.
fn ignored_comment(out: &mut String, n: &ZeekctlNode) {
    if !n.ignored.is_empty() {
        let _ = writeln!(
            out,
            "# [{}] {}: ignored, as ZeekControl ignores it (unknown key, or an af_packet option without lb_procs)",
            n.section,
            n.ignored.join(", ")
        );
    }
}

/// `cpus`, `env`, `args` lines of one non-worker node.
fn node_settings(out: &mut String, n: &ZeekctlNode, global: &BTreeMap<String, String>) {
    if let Some(cpu) = n.pin_cpu {
        let _ = writeln!(
            out,
            "cpus = \"{cpu}\"   # pin_cpus: ZeekControl pins it to the first CPU listed"
        );
    }
    let (env, args) = node_extras(n, global);
    write_env_args(out, &env, &args);
}

fn write_env_args(out: &mut String, env: &[(String, String)], args: &[String]) {
    if !env.is_empty() {
        if env.iter().any(|(_, v)| v.contains(char::is_whitespace)) {
            let _ = writeln!(
                out,
                "# A value with spaces: ZeekControl put env_vars unquoted on a shell command line,\n\
                 # which split it; systemd passes it whole."
            );
        }
        let _ = writeln!(out, "env = {}", inline_env(env));
    }
    if !args.is_empty() {
        let _ = writeln!(
            out,
            "args = {}   # aux_scripts, af_packet_* options",
            list(args)
        );
    }
}

/// A label for an `[[interface]]` table: a valid name part, unique.
fn label(wanted: &str, used: &mut Vec<String>) -> String {
    let mut base: String = wanted
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    base = base
        .trim_start_matches(|c: char| !c.is_ascii_alphanumeric())
        .to_string();
    base.truncate(56);
    if base.is_empty() {
        base = "workers".into();
    }
    let mut candidate = base.clone();
    let mut k = 2;
    while used.contains(&candidate) {
        candidate = format!("{base}.{k}");
        k += 1;
    }
    used.push(candidate.clone());
    candidate
}

/// The workers of `nodes`, one `[[interface]]` per node.cfg section when
/// its processes differ only by name and CPU, else one per process.
fn workers(out: &mut String, input: &Input, nodes: &[ZeekctlNode], table: &str) {
    let refs: Vec<&ZeekctlNode> = nodes.iter().collect();
    workers_of(out, input, &refs, table);
}

fn workers_of(out: &mut String, input: &Input, nodes: &[&ZeekctlNode], table: &str) {
    let global = &input.cfg.env;
    let mut used = Vec::new();
    let mut sections: Vec<&str> = Vec::new();
    for n in nodes.iter().filter(|n| n.kind == Kind::Worker) {
        if !sections.contains(&n.section.as_str()) {
            sections.push(&n.section);
        }
    }
    for section in sections {
        let group: Vec<&ZeekctlNode> = nodes
            .iter()
            .copied()
            .filter(|n| n.kind == Kind::Worker && n.section == section)
            .collect();
        let first = group[0];
        let same = group.iter().all(|n| {
            n.interface == first.interface && node_extras(n, global) == node_extras(first, global)
        });
        let _ = writeln!(
            out,
            "# [{section}] node.cfg line {}{}",
            first.line,
            describe_lb(first)
        );
        ignored_comment(out, first);
        let chunks: Vec<Vec<&ZeekctlNode>> = if same {
            vec![group.clone()]
        } else {
            let _ = writeln!(
                out,
                "# its processes differ in more than name and CPU: one table per process"
            );
            group.iter().map(|n| vec![*n]).collect()
        };
        for chunk in chunks {
            let label_for = if chunk.len() == 1 && !same {
                chunk[0].name.as_str()
            } else {
                section
            };
            interface_table(out, input, &chunk, table, &label(label_for, &mut used));
        }
    }
}

fn describe_lb(n: &ZeekctlNode) -> String {
    match (&n.lb_method, n.lb_procs) {
        (Some(m), Some(p)) => format!(
            ": lb_method={m}, lb_procs={p} -> {}-1 .. {}-{p}",
            n.section, n.section
        ),
        _ => ": one process, named like its section".into(),
    }
}

fn interface_table(
    out: &mut String,
    input: &Input,
    chunk: &[&ZeekctlNode],
    table: &str,
    label: &str,
) {
    let first = chunk[0];
    let _ = writeln!(out, "[[{table}]]");
    let _ = writeln!(out, "name = {}", quote(label));
    // node_cfg refuses workers without an interface.
    let capture = first.interface.as_deref().unwrap_or_default();
    let _ = writeln!(out, "capture = {}", quote(capture));
    let _ = writeln!(out, "workers = {}", chunk.len());
    let names: Vec<String> = chunk.iter().map(|n| n.name.clone()).collect();
    let _ = writeln!(out, "names = {}", list(&names));
    let cpus: Vec<String> = chunk
        .iter()
        .filter_map(|n| n.pin_cpu.map(|c| c.to_string()))
        .collect();
    if cpus.len() == chunk.len() {
        let _ = writeln!(
            out,
            "cpus = {}   # pin_cpus; worker k gets the k-th, wrapping around as in ZeekControl",
            quote(&cpus.join(","))
        );
    }
    let (env, args) = node_extras(first, &input.cfg.env);
    write_env_args(out, &env, &args);
    out.push('\n');
}

fn host_section(out: &mut String, input: &Input, host: &Host) {
    let _ = writeln!(
        out,
        "[hosts.{}]   # host = {} in node.cfg",
        key(&host.name),
        host.host
    );
    if host.address.is_none() {
        let _ = writeln!(
            out,
            "# no address: the layout names the host and Zeek resolves it, as ZeekControl did"
        );
    } else {
        let _ = writeln!(out, "# rename this table to the machine's `hostname -s` (each host generates its own nodes)");
    }
    if let Some(a) = &host.address {
        let _ = writeln!(out, "address = {}", quote(a));
    }
    if host.nodes.iter().any(|n| n.kind == Kind::Manager) {
        let _ = writeln!(out, "manager = true");
    }
    for (kind, k) in [(Kind::Logger, "loggers"), (Kind::Proxy, "proxies")] {
        let names: Vec<String> = host
            .nodes
            .iter()
            .filter(|n| n.kind == kind)
            .map(|n| n.name.clone())
            .collect();
        if !names.is_empty() {
            let _ = writeln!(out, "{k} = {}", list(&names));
        }
    }
    out.push('\n');
    let table = format!("hosts.{}.interface", key(&host.name));
    workers_of(out, input, &host.nodes, &table);
}

/// zeekctl.cfg options the sections above do not carry: what replaces
/// each one, never silently dropped.
fn unmapped(out: &mut String, cfg: &ZeekctlCfg) {
    const MAPPED: &[&str] = &[
        "sitepolicyscripts",
        "zeekargs",
        "spooldir",
        "logdir",
        "memlimit",
        "env_vars",
        "zeekport",
        "metricsport",
        "pfringclusterid",
        "pfringclustertype",
        "pfringfirstappinstance",
        "logexpireinterval",
        "mindiskspace",
        "mailto",
        "mailfrom",
        "sendmail",
    ];
    let rest: Vec<_> = cfg
        .settings
        .iter()
        .filter(|s| !MAPPED.contains(&s.key.to_lowercase().as_str()))
        .collect();
    if rest.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "# zeekctl.cfg options with no key here, and what to use instead:"
    );
    for s in rest {
        let _ = writeln!(
            out,
            "# {} = {} (line {}): {}",
            s.key,
            s.value,
            s.line,
            instead(&s.key.to_lowercase(), &s.value)
        );
    }
}

/// ZeekControl's `LogExpireInterval` (`30day`, `12hr`, `90min`, `0` =
/// never) as a `[logs] keep` age (`30d`, `12h`, `90min`).
fn tmpfiles_age(value: &str) -> Option<String> {
    let value = value.trim();
    let digits_end = value
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(value.len());
    let (number, unit) = value.split_at(digits_end);
    let number: u64 = number.parse().ok().filter(|n| *n > 0)?;
    let unit = match unit.trim() {
        "" | "day" | "days" => "d",
        "hr" | "hrs" | "hour" | "hours" => "h",
        "min" | "mins" => "min",
        _ => return None,
    };
    Some(format!("{number}{unit}"))
}

/// `[logs]`, `[disk]` and `[alerts]` from ZeekControl's
/// `LogExpireInterval`, `MinDiskSpace`, `MailTo`, `MailFrom` and
/// `SendMail`. `[logs] keep` is always written: ZeekControl's default
/// (0) keeps archived logs forever, zeek-systemd's expires them.
fn operations_sections(out: &mut String, cfg: &ZeekctlCfg) {
    let _ = writeln!(out, "[logs]");
    match cfg.get("logexpireinterval") {
        Some(s) => match tmpfiles_age(&s.value) {
            Some(age) => {
                let _ = writeln!(
                    out,
                    "keep = {}   # {} = {} (line {})",
                    quote(&age),
                    s.key,
                    s.value,
                    s.line
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "keep = \"forever\"   # {} = {} (line {}): never expire",
                    s.key, s.value, s.line
                );
            }
        },
        None => {
            let _ = writeln!(
                out,
                "keep = \"forever\"   # LogExpireInterval = 0, ZeekControl's default: never expire"
            );
        }
    }
    if let Some(s) = cfg.get("mindiskspace") {
        let _ = writeln!(
            out,
            "\n[disk]\nmin_free = \"{}%\"   # {} = {} (line {})",
            s.value.trim(),
            s.key,
            s.value,
            s.line
        );
    }
    out.push('\n');
    alerts_section(out, cfg);
}

/// `[alerts]` from ZeekControl's mail settings: where its crash mail went.
fn alerts_section(out: &mut String, cfg: &ZeekctlCfg) {
    let _ = writeln!(out, "[alerts]");
    let to = cfg.get("mailto");
    let addresses: Vec<String> = to.map_or_else(Vec::new, |s| {
        s.value
            .split([',', ' '])
            .filter(|a| !a.is_empty())
            .map(str::to_string)
            .collect()
    });
    let valid = addresses
        .iter()
        .all(|a| crate::config::operations::check_mail_address(a).is_ok());
    match to {
        Some(s) if valid && !addresses.is_empty() => {
            let _ = writeln!(
                out,
                "mail_to = {}   # {} (line {}): crash and disk-space reports",
                list(&addresses),
                s.key,
                s.line
            );
        }
        Some(s) => {
            let _ = writeln!(out, "# mail_to = [...]   # {} = {} (line {}): not a list of mail addresses; write it by hand", s.key, s.value, s.line);
        }
        None => {
            let _ = writeln!(out, "# mail_to = [\"root@localhost\"]   # ZeekControl's default MailTo; uncomment to keep its crash mail");
        }
    }
    for (key, ours) in [("mailfrom", "mail_from"), ("sendmail", "sendmail")] {
        if let Some(s) = cfg.get(key) {
            let _ = writeln!(
                out,
                "{ours} = {}   # {} (line {})",
                quote(&s.value),
                s.key,
                s.line
            );
        }
    }
    out.push('\n');
}

fn instead(key: &str, value: &str) -> String {
    match key {
        "compresslogs" => "zeek-archiver compresses archived logs (gzip) by default; \
                           `[archiver] command` runs another shipper".into(),
        "logrotationinterval" => format!(
            "loggers rotate by Zeek's Log::default_rotation_interval; add \
             `Log::default_rotation_interval={value}secs` to [logger] args (or a site script)"
        ),
        "mailsubjectprefix" | "mailalarmsto" | "mailalarmsinterval" => "ZeekControl's cron mails \
                         are gone; set Notice::mail_dest etc. in a site script for notice mail; crash \
                         and disk-space reports go to [alerts] above".into(),
        "statslogenable" | "statslogexpireinterval" | "statuscmdshowall" | "cronenabled" => {
            "no `zeekctl cron` here: `systemctl status 'zeek@*'` and the metrics ports replace its checks".into()
        }
        "crashexpireinterval" => "crash reports live in the journal and coredumpctl, which expire on their own".into(),
        "zeekbase" => "set [zeek] prefix to this directory".into(),
        "debug" => "no equivalent; systemd logs every start and stop in the journal".into(),
        "mailhostupdown" | "mailconnectionsummary" | "mailreceivingpackets" => {
            "no cron reports: watch `systemctl status zeek.target` and the metrics ports".into()
        }
        "cfgdir" => "this config lives in /etc/zeek/cluster.toml (or `--config`)".into(),
        "compresscmd" | "compressextension" => "zeek-archiver compresses with gzip; \
                                                `[archiver] command` runs another shipper".into(),
        "zeekbin" | "zeekargsworker" | "sitepolicymanager" | "sitepolicyworker" => {
            "per-role scripts and arguments: `args` in [manager], [logger], [proxy], [worker]".into()
        }
        "pcapsnaplen" | "pcapbufsize" => format!(
            "add `Pcap::{}={value}` to [worker] args",
            if key == "pcapsnaplen" { "snaplen" } else { "bufsize" }
        ),
        _ => "no equivalent in zeek-systemd (ZeekControl-specific); nothing to do unless you relied on it".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::tmpfiles_age;

    #[test]
    fn log_expire_interval_becomes_a_tmpfiles_age() {
        assert_eq!(tmpfiles_age("30day").as_deref(), Some("30d"));
        assert_eq!(tmpfiles_age("30").as_deref(), Some("30d"));
        assert_eq!(tmpfiles_age("12hr").as_deref(), Some("12h"));
        assert_eq!(tmpfiles_age("90min").as_deref(), Some("90min"));
        assert_eq!(tmpfiles_age("0"), None);
        assert_eq!(tmpfiles_age("soon"), None);
    }
}
