//! The cluster-wide settings: `[zeek]` (installation, command line,
//! unit behaviour) and `[cluster]` (ports, network, encryption).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use toml::Spanned;

use super::super::spec::EnvVar;
use super::super::{defaults, ConfigError, DEFAULT_PREFIX};
use super::super::{ranges, values, websocket};
use super::hosts::FirstPorts;
use super::schema::{Backend, ClusterSection, Str, WebSocketValue, ZeekSection};
use super::value::check_ip_prefix;
use super::Reader;
use crate::model::{Encryption, Hardening, Install, UnitSettings};

impl Reader<'_> {
    /// `[cluster] encryption` and `secrets`: a multi-host cluster is
    /// encrypted unless it says `encryption = false` (issue 18).
    pub(super) fn encryption(
        &self,
        c: &ClusterSection,
        multi_host: bool,
    ) -> Result<Encryption, ConfigError> {
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
    pub(super) fn install(&self, z: &ZeekSection) -> Result<(Install, PathBuf), ConfigError> {
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
    pub(super) fn global(
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

    /// `[zeek] autostart`, `restart_sec`, `stop_timeout_sec` and
    /// `hardening` over the defaults (`[cluster] ip_allow` is read after
    /// the ports).
    pub(super) fn units(&self, z: &ZeekSection) -> Result<UnitSettings, ConfigError> {
        let mut units = defaults::unit_settings();
        if let Some(autostart) = z.autostart {
            units.autostart = autostart;
        }
        if let Some(v) = &z.restart_sec {
            units.restart_sec = Some(self.count(v, ranges::RESTART_SEC)?);
        }
        if let Some(v) = &z.stop_timeout_sec {
            units.stop_timeout_sec = self.count(v, ranges::STOP_TIMEOUT_SEC)?;
        }
        if let Some(v) = &z.hardening {
            units.hardening = self.hardening(v)?;
        }
        Ok(units)
    }

    fn hardening(&self, v: &Str) -> Result<Hardening, ConfigError> {
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
    pub(super) fn cluster_ports(&self, c: &ClusterSection) -> Result<FirstPorts, ConfigError> {
        let port = match &c.port {
            Some(v) => self.port(v, ranges::LISTENER_PORT)?,
            None => defaults::LISTENER_PORT,
        };
        let metrics_port = match &c.metrics_port {
            Some(v) => self.port(v, ranges::METRICS_PORT)?,
            None => defaults::METRICS_PORT,
        };
        let port_at = self.at_or_key(c.port.as_ref().map(Spanned::span), "[cluster] port");
        let metrics_at = self.at_or_key(
            c.metrics_port.as_ref().map(Spanned::span),
            "[cluster] metrics_port",
        );
        Ok(FirstPorts {
            port: (port, port_at),
            metrics_port: (metrics_port, metrics_at),
        })
    }

    pub(super) fn ip_allow(&self, c: &ClusterSection) -> Result<Option<Vec<String>>, ConfigError> {
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

    /// `[cluster] websocket`: where the manager serves Zeek's WebSocket
    /// API (default: on, [`defaults::WEBSOCKET`]), with the warning a
    /// reachable address gets (rules in [`websocket`]).
    pub(super) fn websocket(
        &self,
        c: &ClusterSection,
    ) -> Result<(Option<SocketAddr>, Option<String>), ConfigError> {
        let Some(value) = &c.websocket else {
            return Ok((Some(defaults::WEBSOCKET), None));
        };
        let setting = match value.get_ref() {
            WebSocketValue::Switch(on) => websocket::Setting::Switch(*on),
            WebSocketValue::Address(text) => websocket::Setting::Address(text),
        };
        let address =
            websocket::listener(setting, "\"").map_err(|m| self.error(value.span(), m))?;
        let warning = (address.and_then(websocket::exposure_warning))
            .map(|m| self.error(value.span(), m).to_string());
        Ok((address, warning))
    }

    /// No listener on a logger-less ZeroMQ cluster
    /// ([`websocket::without_logger`]), with the warning at the key (or
    /// about the file, when the listener is the default).
    pub(super) fn websocket_without_logger(
        &self,
        websocket: Option<SocketAddr>,
        c: &ClusterSection,
        hosts: &[crate::config::spec::HostSpec],
        backend: &[String],
    ) -> (Option<SocketAddr>, Option<String>) {
        let Some(message) =
            websocket::without_logger(websocket, hosts, backend, "[logger] count = 1")
        else {
            return (websocket, None);
        };
        let warning = match &c.websocket {
            Some(value) => self.error(value.span(), message).to_string(),
            None => format!("{}: [cluster] websocket: {message}", self.path.display()),
        };
        (None, Some(warning))
    }
}
