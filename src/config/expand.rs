//! Builds the nodes of a [`Spec`]: names, ports, command lines,
//! environments (templating), process settings, the sharing of what nodes
//! have in common, and the checks only the whole cluster can answer (node
//! count, port ranges, the size budget, names two hosts share). The one
//! place nodes are made, whatever the config format.

use std::collections::HashMap;
use std::sync::Arc;

use super::defaults::{self, MAX_NODES};
use super::spec::{EnvVar, HostSpec, InterfaceSpec, Profile, RoleTemplate, Spec, Templated};
use super::template::{self, TemplateVars};
use super::values::{self, NodeBudget, PortProblem};
use super::ConfigError;
use crate::model::{Archiver, Capture, Cluster, ClusterHost, CpuList, Node, ProcessSettings, Role};
use crate::topology::LazyMachine;

/// The cluster a spec describes; `machine` is the one an interface's
/// `"auto"` is chosen for (see [`super::pinning`]).
pub fn cluster(mut spec: Spec, machine: Option<&LazyMachine>) -> Result<Cluster, ConfigError> {
    let pinning = super::pinning::resolve(&mut spec, machine);
    let total: usize = spec.hosts.iter().map(HostSpec::nodes).sum();
    if total > MAX_NODES {
        return Err(ConfigError::file(
            &spec.file,
            format!("the cluster has {total} nodes; at most {MAX_NODES} are supported"),
        ));
    }
    for host in &spec.hosts {
        check_host_ports(host)?;
    }
    let mut nodes = nodes(&spec, total)?;
    apply_node_settings(&spec, &mut nodes)?;
    let archiver = archiver(&spec)?;
    let hosts = match spec.multi_host {
        true => (spec.hosts.iter())
            .map(|h| ClusterHost {
                name: h.display_name().to_string(),
                address: h.address,
                metrics_address: h.metrics_address,
            })
            .collect(),
        false => Vec::new(),
    };
    Ok(Cluster {
        settings: spec.settings,
        nodes,
        archiver,
        hosts,
        pinning,
    })
}

/// The port checks of one host: its listeners and metrics ports fit
/// below 65536 and do not overlap (they bind one address).
fn check_host_ports(host: &HostSpec) -> Result<(), ConfigError> {
    let problem =
        values::check_port_ranges(host.port, host.listeners(), host.metrics_port, host.nodes());
    match problem {
        Ok(()) => Ok(()),
        Err(PortProblem::Listeners(m)) => Err(host.port_at.error(m)),
        Err(PortProblem::Metrics(m)) => Err(host.metrics_at.error(m)),
    }
}

/// Every node of every host, in layout order.
fn nodes(spec: &Spec, total: usize) -> Result<Vec<Node>, ConfigError> {
    let mut nodes = Vec::with_capacity(total);
    let mut budget = NodeBudget::default();
    // Node name -> its host, to find a name two hosts share.
    let mut names: HashMap<String, usize> = HashMap::new();
    let explicit = spec.manager_name.is_some()
        || spec.hosts.iter().any(|h| {
            h.logger_names.is_some()
                || h.proxy_names.is_some()
                || h.interfaces.iter().any(|i| i.names.is_some())
        });
    for (index, host) in spec.hosts.iter().enumerate() {
        let first_new = nodes.len();
        let mut builder = HostNodes {
            spec,
            host,
            profile: &spec.profiles[host.profile],
            next_port: host.port,
            next_metrics: host.metrics_port,
            budget: &mut budget,
        };
        builder.service_nodes(&mut nodes)?;
        builder.workers(&mut nodes, first_new)?;
        // One host alone cannot repeat a name (its interfaces' names
        // are distinct).
        if spec.hosts.len() < 2 {
            continue;
        }
        names.reserve(nodes.len() - first_new);
        for node in &nodes[first_new..] {
            if let Some(&other) = names.get(&node.name) {
                let clash = spec.conventions.name_clash;
                return Err(clash(&node.name, host, &spec.hosts[other]));
            }
            names.insert(node.name.clone(), index);
        }
    }
    if explicit {
        check_explicit_names(spec, &nodes)?;
    }
    Ok(nodes)
}

/// Explicit names (`name`, `names`) may meet each other or a generated
/// name, on one host too.
fn check_explicit_names(spec: &Spec, nodes: &[Node]) -> Result<(), ConfigError> {
    let mut seen: HashMap<&str, Role> = HashMap::with_capacity(nodes.len());
    for node in nodes {
        if let Some(role) = seen.insert(node.name.as_str(), node.role) {
            return Err(ConfigError::file(
                &spec.file,
                format!(
                    "node name \"{}\" is given to a {role} and to a {}; node names must be \
                     unique (check `name`, `names` and the interface names)",
                    node.name, node.role
                ),
            ));
        }
    }
    Ok(())
}

/// Applies `[nodes.NAME]` settings to the nodes they name.
fn apply_node_settings(spec: &Spec, nodes: &mut [Node]) -> Result<(), ConfigError> {
    for s in &spec.node_settings {
        let Some(node) = nodes.iter_mut().find(|n| n.name == s.name) else {
            let names = nodes.iter().map(|n| n.name.as_str());
            let hint = values::did_you_mean(&s.name, names).map_or(String::new(), |close| {
                format!(" (did you mean \"{close}\"?)")
            });
            return Err(s.at.error(format!(
                "[nodes.{}] names no node of the cluster{hint}",
                s.name
            )));
        };
        if let Some(cpus) = &s.cpus {
            node.settings.cpus = Some(cpus.clone());
        }
        for (key, value) in &s.env {
            match node.env.iter_mut().find(|(k, _)| k == key) {
                Some(entry) => entry.1 = value.clone(),
                None => node.env.push((key.clone(), value.clone())),
            }
        }
        if !s.args.is_empty() {
            let profile_args = spec.profiles.first().map_or(0, |p| p.args.len());
            let split = node.args.len().saturating_sub(profile_args);
            let mut args = node.args[..split].to_vec();
            args.extend(s.args.iter().cloned());
            args.extend(node.args[split..].iter().cloned());
            node.args = args.into();
        }
    }
    Ok(())
}

/// Builds the nodes of one host, numbering listener and metrics ports from
/// the host's first ports (Zeek's layout generator starts both counters
/// afresh for every host).
struct HostNodes<'s> {
    spec: &'s Spec,
    host: &'s HostSpec,
    profile: &'s Profile,
    next_port: u16,
    next_metrics: u16,
    budget: &'s mut NodeBudget,
}

impl HostNodes<'_> {
    /// `<prefix>-<base>`, or `base` for a host without a node prefix.
    fn prefixed(&self, base: String) -> String {
        match self.host.node_prefix.as_str() {
            "" => base,
            prefix => format!("{prefix}-{base}"),
        }
    }

    fn metrics_port(&mut self) -> Option<u16> {
        let port = (self.host.metrics_port != 0).then_some(self.next_metrics);
        self.next_metrics = self.next_metrics.wrapping_add(1);
        port
    }

    fn push(&mut self, nodes: &mut Vec<Node>, node: Node, after: usize) -> Result<(), ConfigError> {
        (self.budget.add(&node, after)).map_err(|m| ConfigError::file(&self.host.at.file, m))?;
        nodes.push(node);
        Ok(())
    }

    /// Manager, loggers, proxies: the nodes of a role share one command
    /// line.
    fn service_nodes(&mut self, nodes: &mut Vec<Node>) -> Result<(), ConfigError> {
        let p = self.profile;
        let roles = [
            (Role::Manager, u32::from(self.host.manager), &p.manager),
            (Role::Logger, self.host.loggers, &p.logger),
            (Role::Proxy, self.host.proxies, &p.proxy),
        ];
        for (role, count, template) in roles {
            if count == 0 {
                continue;
            }
            let mut args = p.backend.clone();
            args.extend(p.policy.iter().cloned());
            args.extend(template.args.iter().cloned());
            args.extend(p.args.iter().cloned());
            let args: Arc<[String]> = args.into();
            let names = match role {
                Role::Manager => None,
                Role::Logger => self.host.logger_names.as_ref(),
                Role::Proxy | Role::Worker => self.host.proxy_names.as_ref(),
            };
            for k in 1..=count {
                let name = match (role, names) {
                    (Role::Manager, _) => (self.spec.manager_name.as_deref())
                        .unwrap_or("manager")
                        .to_string(),
                    (_, Some(names)) => names[k as usize - 1].clone(),
                    _ => self.prefixed(format!("{role}-{k}")),
                };
                let node = self.service_node(name, role, template, &args)?;
                self.push(nodes, node, 0)?;
            }
        }
        Ok(())
    }

    /// A host's `metrics_address`: the layout's telemetry lines bind the
    /// metrics endpoint where `ZEEK_TELEMETRY_LISTEN_ADDRESS` says,
    /// instead of on the node's cluster address.
    fn push_metrics_env(&self, env: &mut Vec<(String, String)>) {
        let Some(address) = self.host.metrics_address else {
            return;
        };
        let value = match address {
            std::net::IpAddr::V6(a) => format!("[{a}]"),
            std::net::IpAddr::V4(a) => a.to_string(),
        };
        env.push(("ZEEK_TELEMETRY_LISTEN_ADDRESS".into(), value));
    }

    fn service_node(
        &mut self,
        name: String,
        role: Role,
        template: &RoleTemplate,
        args: &Arc<[String]>,
    ) -> Result<Node, ConfigError> {
        let no_vars = TemplateVars::default();
        let mut env = merged_env(&[&self.profile.env, &template.env], &no_vars, false)?;
        self.push_metrics_env(&mut env);
        let port = self.next_port;
        self.next_port = self.next_port.wrapping_add(1);
        Ok(Node {
            name,
            role,
            host: self.host.name.clone(),
            local: self.host.local,
            address: self.host.address,
            port: Some(port),
            metrics_port: self.metrics_port(),
            metrics_address: self.host.metrics_address,
            args: Arc::clone(args),
            env,
            settings: template.settings.over(&defaults::process_settings(role)),
            capture: None,
        })
    }

    /// The workers of every interface of the host. Each worker's drop-in
    /// orders it after the host's service nodes (`first_new..`).
    fn workers(&mut self, nodes: &mut Vec<Node>, first_new: usize) -> Result<(), ConfigError> {
        let after: usize = nodes[first_new..].iter().map(|n| n.name.len() + 15).sum();
        let interfaces = &self.host.interfaces;
        let fanout_ids = match self.spec.conventions.fanout_ids {
            true => assign_fanout_ids(interfaces, &self.profile.args, &self.profile.worker.args),
            false => vec![None; interfaces.len()],
        };
        let mut host_index = 0usize;
        for (iface, fanout) in interfaces.iter().zip(fanout_ids) {
            let interface = Interface::new(self.profile, iface, fanout);
            for index0 in 0..iface.workers as usize {
                host_index += 1;
                let node = self.worker(&interface, index0, host_index)?;
                self.push(nodes, node, after)?;
            }
        }
        Ok(())
    }

    fn worker(
        &mut self,
        interface: &Interface,
        index0: usize,
        host_index: usize,
    ) -> Result<Node, ConfigError> {
        let iface = interface.spec;
        let role = &self.profile.worker;
        let cpu = iface.cpus.as_ref().map(|c| c.nth_wrapping(index0));
        let vars = TemplateVars {
            worker_index: Some(index0 + 1),
            host_worker_index: Some(host_index),
            worker_cpu: cpu,
            interface_name: iface.name.as_deref(),
        };
        let section_less = iface.name.is_none();
        let (source, args) = interface.capture(&vars)?;
        let layers = [&self.profile.env[..], &role.env, &iface.env];
        let mut env = merged_env(&layers, &vars, section_less)?;
        self.push_metrics_env(&mut env);
        if self.spec.conventions.interface_env && !env.iter().any(|(n, _)| n == "INTERFACE") {
            // Room for exactly one more: an insert into a full list
            // doubles it, and every worker keeps its list.
            env.reserve_exact(1);
            env.insert(0, ("INTERFACE".into(), source.to_string()));
        }
        let name = match (&iface.names, &iface.name) {
            (Some(names), _) => names[index0].clone(),
            (None, Some(name)) => self.prefixed(format!("worker-{name}-{}", index0 + 1)),
            (None, None) => self.prefixed(format!("worker-{}", index0 + 1)),
        };
        Ok(Node {
            name,
            role: Role::Worker,
            host: self.host.name.clone(),
            local: self.host.local,
            address: self.host.address,
            port: None,
            metrics_port: self.metrics_port(),
            metrics_address: self.host.metrics_address,
            args,
            env,
            settings: worker_settings(&role.settings, &iface.settings, cpu),
            capture: Some(Capture {
                interface: Arc::clone(&interface.name),
                source,
            }),
        })
    }
}

/// A worker's settings: the interface's over the worker role's over the
/// defaults, pinned to `cpu`.
fn worker_settings(
    role: &ProcessSettings,
    iface: &ProcessSettings,
    cpu: Option<u32>,
) -> ProcessSettings {
    let defaults = defaults::process_settings(Role::Worker);
    ProcessSettings {
        cpus: cpu.map(|c| CpuList(vec![c])),
        ..iface.over(&role.over(&defaults))
    }
}

/// What the workers of one interface share.
struct Interface<'s> {
    spec: &'s InterfaceSpec,
    profile: &'s Profile,
    fanout: Option<u32>,
    name: Arc<str>,
    /// The capture source and command line, when the source is not
    /// templated: every worker then has the same ones.
    fixed: Option<(Arc<str>, Arc<[String]>)>,
}

impl<'s> Interface<'s> {
    fn new(profile: &'s Profile, spec: &'s InterfaceSpec, fanout: Option<u32>) -> Self {
        let mut interface = Interface {
            spec,
            profile,
            fanout,
            name: Arc::from(spec.name.as_deref().unwrap_or_default()),
            fixed: None,
        };
        if !template::has_template(&spec.capture.text) {
            let source: Arc<str> = Arc::from(spec.capture.text.as_str());
            let args = interface.args(&source);
            interface.fixed = Some((source, args));
        }
        interface
    }

    fn args(&self, capture: &str) -> Arc<[String]> {
        let p = self.profile;
        let (role, iface) = (&p.worker.args, &self.spec.args);
        let mut args =
            Vec::with_capacity(4 + p.backend.len() + role.len() + iface.len() + p.args.len());
        args.push("-i".to_string());
        args.push(capture.to_string());
        args.extend(p.backend.iter().cloned());
        args.extend(p.policy.iter().cloned());
        args.extend(role.iter().cloned());
        args.extend(iface.iter().cloned());
        if let Some(id) = self.fanout {
            args.push(format!("{FANOUT_ARG}{id}"));
        }
        args.extend(p.args.iter().cloned());
        args.into()
    }

    /// The capture source and command line of one worker.
    fn capture(&self, vars: &TemplateVars) -> Result<(Arc<str>, Arc<[String]>), ConfigError> {
        if let Some((source, args)) = &self.fixed {
            return Ok((Arc::clone(source), Arc::clone(args)));
        }
        let section_less = self.spec.name.is_none();
        let source: Arc<str> = expand(&self.spec.capture, vars, section_less)?.into();
        let args = self.args(&source);
        Ok((source, args))
    }
}

/// Expands a template, naming the value's line and key on failure.
fn expand(
    value: &Templated,
    vars: &TemplateVars,
    section_less: bool,
) -> Result<String, ConfigError> {
    if !template::has_template(&value.text) {
        return Ok(value.text.clone());
    }
    template::expand(&value.text, vars).map_err(|message| {
        let names_interface = value.text.contains("${interface_section_name}")
            || value.text.contains("${interface_name}");
        let message = if section_less && vars.worker_index.is_some() && names_interface {
            format!(
                "invalid substitution var in '{}': ${{interface_section_name}} exists only in \
                 [interface NAME] sections",
                value.text
            )
        } else {
            message
        };
        value.at.error(message)
    })
}

/// Merges env layers (a later value for the same name wins, as systemd
/// lets the later `Environment=` win) and expands their templates.
fn merged_env(
    layers: &[&[EnvVar]],
    vars: &TemplateVars,
    section_less: bool,
) -> Result<Vec<(String, String)>, ConfigError> {
    // Sized up front: thousands of workers each keep this Vec, and
    // growing it by push leaves room for 4 entries where 1 is typical.
    let mut out = values::EnvMerge::with_capacity(layers.iter().map(|l| l.len()).sum());
    for var in layers.iter().flat_map(|l| l.iter()) {
        out.set(&var.name, expand(&var.value, vars, section_less)?);
    }
    Ok(out.finish())
}

/// The archiver of this host, when on.
fn archiver(spec: &Spec) -> Result<Option<Archiver>, ConfigError> {
    let Some(a) = &spec.archiver else {
        return Ok(None);
    };
    let global = &spec.profiles[spec.archiver_profile].env;
    let env = merged_env(&[global, &a.env], &TemplateVars::default(), false)?;
    Ok(a.on.then(|| Archiver {
        command: a.command.clone(),
        env,
        settings: a.settings.clone(),
    }))
}

const FANOUT_ARG: &str = "AF_Packet::fanout_id=";

/// AF_PACKET workers of different interfaces sharing a fanout group break
/// each other's load balancing: when more than one interface is captured
/// with `af_packet::`, each one whose args do not set a fanout id gets a
/// distinct one, counting up from Zeek's default (23) and skipping ids the
/// config sets explicitly.
fn assign_fanout_ids(
    interfaces: &[InterfaceSpec],
    global: &[String],
    worker: &[String],
) -> Vec<Option<u32>> {
    let is_af_packet = |i: &InterfaceSpec| i.capture.text.starts_with("af_packet::");
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
