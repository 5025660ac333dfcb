//! Writes the imported cluster as a commented `cluster.toml`.
//!
//! Node names are written explicitly (`[manager] name`, `names = [...]`),
//! so every process keeps its ZeekControl name; per-node settings of
//! loggers and proxies go to `[nodes."NAME"]`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::IpAddr;
use std::path::Path;

use super::networks_cfg::Network;
use super::node_cfg::{is_localhost, Kind, ZeekctlNode};
use super::operations_out::{operations_sections, unmapped};
use super::toml_text::copied_strings;
pub use super::toml_text::{list, quote};
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
    /// What ZeekControl resolved host names to (see [`needs_lookup`]).
    pub resolved: &'a BTreeMap<String, IpAddr>,
}

/// Whether the import must look `host` up to keep what ZeekControl's
/// layout used: a name other than localhost that the config cannot keep
/// as it is. One host's nodes listen on `[cluster] address`, which takes an
/// address; with several hosts a short lower-case name is the `[hosts.NAME]`
/// that Zeek looks up as ZeekControl did, but an FQDN (or a name with
/// capitals) would be shortened there and another name looked up.
pub fn needs_lookup(host: &str, multi_host: bool) -> bool {
    if host.parse::<IpAddr>().is_ok() || is_localhost(host) {
        return false;
    }
    !multi_host || host.contains('.') || host.chars().any(|c| c.is_ascii_uppercase())
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
    let hosts = hosts(input.nodes, input.resolved);
    header(&mut out, input, hosts.len() > 1);
    zeek_section(&mut out, input);
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

fn header(out: &mut String, input: &Input, multi_host: bool) {
    let s = input.sources;
    let _ = writeln!(
        out,
        "# Imported from ZeekControl by `zeek-systemd import-zeekctl`:"
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
        "# Node names are ZeekControl's. Review it with `zeek-systemd import-zeekctl --check`\n\
         # (ZeekControl's view of every node next to this file's), then `zeek-systemd check`.\n\
         # systemd now does what zeekctl did: restart on crash (Restart=always), no `zeekctl cron`,\n\
         # logs archived by zeek-archiver.service, crashes start zeek-node-crashed@NODE.service\n\
         # (hook your alerting in with `systemctl edit zeek-node-crashed@.service`)."
    );
    if multi_host {
        let _ = writeln!(
            out,
            "# Several hosts: the cluster's traffic between them is encrypted and authenticated\n\
             # (CURVE, on by default), with keys in /etc/zeek/cluster-secrets. Create them once,\n\
             # on the manager's host, with `zeek-systemd secrets create`; `zeek-systemd deploy`\n\
             # there carries the file (root's, mode 0600) to every host with the config. For a\n\
             # lab only, `encryption = false` in [cluster] turns it off."
        );
    }
    if input.nodes.iter().any(|n| n.from_standalone) {
        let _ = writeln!(
            out,
            "# node.cfg has one standalone node: ZeekControl ran ONE Zeek process that captured\n\
             # and wrote the logs. zeek-systemd runs clusters, so it is imported as the smallest\n\
             # cluster doing the same work: the manager (it writes the logs, as no logger is\n\
             # configured), one proxy (ZeekControl requires one in every cluster, and Zeek's\n\
             # scripts that spread state over the proxies need one) and one worker named like\n\
             # the node, capturing on its interface (with its pin_cpus). The node's aux_scripts\n\
             # and env_vars go to all three. For more capture processes raise `workers` below."
        );
    }
    out.push('\n');
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
    copied_strings(
        out,
        cfg,
        &[("spooldir", "spool_dir"), ("logdir", "log_dir")],
    );
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
    /// Whether `address` is what ZeekControl looked `host` up as.
    looked_up: bool,
    nodes: Vec<&'a ZeekctlNode>,
}

impl Host<'_> {
    /// Where the address comes from, for its comment.
    fn address_comment(&self) -> String {
        if self.looked_up {
            format!(
                "host = {} in node.cfg, looked up now as ZeekControl did (it used the address, \
                 not the name)",
                self.host
            )
        } else {
            format!("host = {} in node.cfg", self.host)
        }
    }
}

/// The distinct hosts, the manager's first.
fn hosts<'a>(nodes: &'a [ZeekctlNode], resolved: &BTreeMap<String, IpAddr>) -> Vec<Host<'a>> {
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
            let ip = h.parse::<IpAddr>().ok();
            let name = match ip {
                Some(ip) => format!("host-{}", ip.to_string().replace(['.', ':'], "-")),
                None => h.split('.').next().unwrap_or(h).to_lowercase(),
            };
            Host {
                host: h.to_string(),
                name,
                address: ip
                    .or_else(|| resolved.get(h).copied())
                    .map(|ip| ip.to_string()),
                looked_up: ip.is_none() && resolved.contains_key(h),
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
        // Without `address` the nodes listen on 127.0.0.1, as on localhost.
        match &host.address {
            Some(addr) if addr != "127.0.0.1" => {
                let _ = writeln!(
                    out,
                    "address = {}   # {}",
                    quote(addr),
                    host.address_comment()
                );
            }
            _ => {}
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
            n.ignored
                .iter()
                .map(|(key, _)| key.as_str())
                .collect::<Vec<_>>()
                .join(", ")
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
    match &host.address {
        None => {
            let _ = writeln!(
                out,
                "# no address: the layout names the host and Zeek resolves it, as ZeekControl did"
            );
        }
        Some(a) if host.looked_up => {
            let _ = writeln!(out, "address = {}   # {}", quote(a), host.address_comment());
        }
        Some(a) => {
            let _ = writeln!(out, "# rename this table to the machine's `hostname -s` (each host generates its own nodes)");
            let _ = writeln!(out, "address = {}", quote(a));
        }
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
