//! The hosts of the cluster: the one unnamed host of a single-host
//! config, or the `[hosts.NAME]` tables of a multi-host one (SPEC 2.5).

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use toml::Spanned;

use super::super::ranges;
use super::super::spec::{At, HostSpec};
use super::super::{ConfigError, ReadOptions};
use super::locate::locate;
use super::schema::{CountOrNames, Document, HostSection};
use super::value::parse_address;
use super::Reader;

impl Reader<'_> {
    /// The hosts: `[hosts.NAME]` tables, or the one unnamed host of a
    /// single-host config.
    pub(super) fn host_specs(
        &self,
        doc: &Document,
        options: &ReadOptions,
        defaults: FirstPorts,
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

    fn single_host(&self, doc: &Document, defaults: FirstPorts) -> Result<HostSpec, ConfigError> {
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
            metrics_address: self.metrics_address(&c.metrics_address)?,
            metrics_port: defaults.metrics_port.0,
            metrics_at: defaults.metrics_port.1,
            interfaces: self.interfaces(&doc.interface, "[[interface]]", false)?,
            profile: 0,
        })
    }

    /// The warning for a host a multi-host config does not name.
    pub(super) fn membership_warning(
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
}

impl Reader<'_> {
    /// `[manager] enabled = false` on a single-host config: the manager
    /// runs nowhere. Under ZeroMQ (the default) it runs the XPUB/XSUB
    /// proxy every node's events go through, so the other nodes would run
    /// but exchange nothing: an error. Under Broker the nodes peer with
    /// each other directly, so they run without it, but what only the
    /// manager does is done nowhere: a warning.
    pub(super) fn no_manager(
        &self,
        doc: &Document,
        hosts: &[HostSpec],
        backend: &[String],
    ) -> Result<Vec<String>, ConfigError> {
        let Some(enabled) = &doc.manager.enabled else {
            return Ok(Vec::new());
        };
        if *enabled.get_ref() || hosts.iter().all(|h| h.nodes() == 0) {
            return Ok(Vec::new());
        }
        if backend
            .iter()
            .any(|a| a == super::super::defaults::ZEROMQ_BACKEND)
        {
            return Err(self.error(
                enabled.span(),
                "a single-host config is the whole cluster, and without its manager nothing runs \
                 the ZeroMQ proxy (XPUB/XSUB) the other nodes exchange their events through: they \
                 would run but work alone. Remove `enabled = false`; for a host that only \
                 captures, list the hosts in [hosts.NAME] tables and run the manager on another",
            ));
        }
        Ok(vec![self
            .error(
                enabled.span(),
                "a single-host config is the whole cluster, and it runs no manager: its nodes \
                 peer with each other over Broker, but what only the manager does (notice \
                 suppression, intel distribution, SumStats) is done nowhere. Remove `enabled = \
                 false`, or list the hosts in [hosts.NAME] tables and run the manager on another",
            )
            .to_string()])
    }
}

/// The first listener and metrics ports of a host's nodes, with where
/// they were set: a host's own, or the `[cluster]` ones every host starts
/// its counters at unless it sets its own.
pub(super) struct FirstPorts {
    pub(super) port: (u16, At),
    pub(super) metrics_port: (u16, At),
}

/// The message for a node name two hosts share.
pub(super) fn name_clash(node: &str, host: &HostSpec, other: &HostSpec) -> ConfigError {
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
    pub(super) fn hosts(
        &self,
        doc: &Document,
        table: &Spanned<BTreeMap<String, Spanned<HostSection>>>,
        this_host: Option<&str>,
        defaults: &FirstPorts,
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
        defaults: &FirstPorts,
        manager_at: &mut Option<(String, usize)>,
    ) -> Result<HostSpec, ConfigError> {
        let span = section.span();
        let line = locate(self.text, span.clone()).0;
        let at = At {
            line: Some(line),
            ..At::file(self.path, Some(&format!("[hosts.{name}]")))
        };
        check_host_name(name).map_err(|message| at.error(message))?;
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
        let ports = self.host_ports(h, defaults)?;
        let interfaces =
            self.interfaces(&h.interface, &format!("[[hosts.{name}.interface]]"), true)?;
        let host = HostSpec {
            name: Some(Arc::from(name)),
            node_prefix: name.to_string(),
            at,
            local: this_host == Some(name),
            address,
            manager,
            loggers,
            proxies,
            logger_names,
            proxy_names,
            port: ports.port.0,
            port_at: ports.port.1,
            metrics_port: ports.metrics_port.0,
            metrics_address: self.metrics_address(&h.metrics_address)?,
            metrics_at: ports.metrics_port.1,
            interfaces,
            profile: 0,
        };
        if host.nodes() == 0 {
            return Err(host.at.error(
                "this host runs no node; set `manager = true`, `loggers`, `proxies` or add \
                 a [[hosts.NAME.interface]], or remove the host",
            ));
        }
        Ok(host)
    }

    /// A host's `port` and `metrics_port`, else the `[cluster]` ones.
    fn host_ports(
        &self,
        h: &HostSection,
        defaults: &FirstPorts,
    ) -> Result<FirstPorts, ConfigError> {
        let port = match &h.port {
            Some(v) => (self.port(v, ranges::LISTENER_PORT)?, self.at(v.span())),
            None => defaults.port.clone(),
        };
        let metrics_port = match &h.metrics_port {
            Some(v) => (self.port(v, ranges::METRICS_PORT)?, self.at(v.span())),
            None => defaults.metrics_port.clone(),
        };
        Ok(FirstPorts { port, metrics_port })
    }

    /// Hosts given the same address are one machine to the other nodes:
    /// their listener and metrics ports must not overlap.
    pub(super) fn check_shared_addresses(&self, hosts: &[HostSpec]) -> Result<(), ConfigError> {
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

    /// A host's `loggers`/`proxies`: a count, or the node names.
    fn count_or_names(
        &self,
        value: &Spanned<CountOrNames>,
    ) -> Result<(u32, Option<Vec<String>>), ConfigError> {
        match value.get_ref() {
            CountOrNames::Count(n) => {
                let n = Spanned::new(value.span(), *n);
                Ok((self.count(&n, ranges::SERVICE_NODES)?, None))
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
}

impl Reader<'_> {
    /// `metrics_address` (`[cluster]` or `[hosts.NAME]`): an address.
    fn metrics_address(
        &self,
        value: &Option<super::schema::Str>,
    ) -> Result<Option<IpAddr>, ConfigError> {
        value
            .as_ref()
            .map(|v| self.check(v.span(), parse_address(v.get_ref())))
            .transpose()
    }
}
