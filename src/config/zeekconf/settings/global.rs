//! `[zeek]` (or the top level of a section-less file): the keys that are
//! not per interface, Zeek's defaults where a key is not given.

use std::path::PathBuf;

use super::super::super::ConfigError;
use super::super::super::{ranges, values, websocket};
use super::super::ini::{Opt, Section};
use super::keys::{
    global_keys, interface_keys, is_interface_key, process_key, role_of, SERVICE_ROLES,
};
use super::{default_conf, ArchiverChoice, FileConf, Reader, WebSocketKey};

impl Reader<'_> {
    pub(super) fn global(
        &mut self,
        section: &Section,
        section_less: bool,
    ) -> Result<FileConf, ConfigError> {
        let mut conf = default_conf();
        let mut cluster_layout: Option<(String, &Opt)> = None;
        let mut seen_alias: Vec<(&str, usize)> = Vec::new();
        for opt in &section.options {
            let key = opt.key.as_str();
            self.check_alias(section, opt, &mut seen_alias)?;
            if let Some((role, set)) = process_key(key, SERVICE_ROLES) {
                set(self, section, opt, role_of(&mut conf, role))?;
            } else if key == "cluster_layout" {
                let text = self.single(section, opt)?;
                if !text.is_empty() {
                    cluster_layout = Some((text.to_string(), opt));
                }
            } else {
                self.global_option(&mut conf, section, opt, section_less)?;
            }
        }
        if let Some((text, opt)) = cluster_layout {
            // Zeek's setup unit copies it from <base_dir>, so a relative
            // path is relative to that.
            let path = conf.base_dir.join(&text);
            values::check_path(&path.display().to_string()).map_err(|m| {
                self.opt_error(
                    section,
                    opt,
                    format!("invalid cluster_layout '{text}': {m}"),
                )
            })?;
            conf.cluster_layout = Some(path);
        }
        Ok(conf)
    }

    /// `port`/`cluster_port` and `address`/`cluster_address` are one
    /// setting each; two spellings of it in one file are a mistake.
    fn check_alias<'s>(
        &self,
        section: &Section,
        opt: &'s Opt,
        seen: &mut Vec<(&'s str, usize)>,
    ) -> Result<(), ConfigError> {
        let group = match opt.key.as_str() {
            "port" | "cluster_port" => "port",
            "address" | "cluster_address" => "address",
            _ => return Ok(()),
        };
        if let Some((_, line)) = seen.iter().find(|(g, _)| *g == group) {
            return Err(self.opt_error(
                section,
                opt,
                format!(
                    "'{}' repeats the setting given at line {line} under another name; give \
                     it once",
                    opt.key
                ),
            ));
        }
        seen.push((group, opt.line));
        Ok(())
    }

    /// One `[zeek]` key that is not a role's process setting.
    fn global_option(
        &mut self,
        conf: &mut FileConf,
        section: &Section,
        opt: &Opt,
        section_less: bool,
    ) -> Result<(), ConfigError> {
        if self.install_option(conf, section, opt)? {
            return Ok(());
        }
        let key = opt.key.as_str();
        match key {
            "manager" => {
                conf.manager_line = Some(opt.line);
                conf.manager = self.manager_value(section, opt)?;
            }
            "loggers" => conf.loggers = self.int(section, opt, ranges::SERVICE_NODES)? as u32,
            "proxies" => conf.proxies = self.int(section, opt, ranges::SERVICE_NODES)? as u32,
            "args" | "cluster_backend_args" => {
                let args = self.args(section, opt)?;
                if !args.is_empty() {
                    *(if key == "args" {
                        &mut conf.args
                    } else {
                        &mut conf.backend_args
                    }) = args;
                }
            }
            "env" => conf.env = self.env(section, opt)?,
            "cluster_node_prefix" => conf.node_prefix = Some(self.node_prefix(section, opt)?),
            "port" | "cluster_port" => {
                conf.port = self.port(section, opt, ranges::LISTENER_PORT)?;
                conf.port_label = Some((opt.line, section.label(key)));
            }
            "metrics_port" => {
                conf.metrics_port = self.port(section, opt, ranges::METRICS_PORT)?;
                conf.metrics_label = Some((opt.line, section.label(key)));
            }
            "address" | "cluster_address" => conf.address = Some(self.address_value(section, opt)?),
            "restart_interval_sec" => {
                conf.units.restart_sec = Some(self.int(section, opt, ranges::RESTART_SEC)? as u32);
            }
            "archiver" => conf.archiver = self.archiver_choice(section, opt)?,
            "websocket" => conf.websocket = Some(self.websocket(section, opt)?),
            _ => self.unknown_global_key(section, opt, section_less)?,
        }
        Ok(())
    }

    /// One key of the installation (account, directories, search paths);
    /// `false`: `opt` is none of them.
    fn install_option(
        &self,
        conf: &mut FileConf,
        section: &Section,
        opt: &Opt,
    ) -> Result<bool, ConfigError> {
        match opt.key.as_str() {
            "user" => conf.user = self.account_name(section, opt)?,
            "group" => conf.group = self.account_name(section, opt)?,
            "base_dir" => {
                if let Some(dir) = self.path_value(section, opt)? {
                    conf.base_dir = PathBuf::from(dir);
                }
            }
            "path" => {
                if let Some(path) = self.search_path(section, opt)? {
                    conf.path = path;
                }
            }
            "ext_path" => conf.ext_path = self.search_path(section, opt)?,
            "ext_zeek_path" => conf.ext_zeek_path = self.search_path(section, opt)?,
            _ => return Ok(false),
        }
        Ok(true)
    }

    fn manager_value(&self, section: &Section, opt: &Opt) -> Result<bool, ConfigError> {
        match self.single(section, opt)? {
            "0" => Ok(false),
            "1" => Ok(true),
            text => Err(self.opt_error(
                section,
                opt,
                format!("invalid manager value: '{text}'; use 1 (this host runs the manager) or 0"),
            )),
        }
    }

    fn node_prefix(&self, section: &Section, opt: &Opt) -> Result<String, ConfigError> {
        let text = self.single(section, opt)?;
        let valid = text.is_empty()
            || (text.len() <= 64
                && (text.as_bytes()[0].is_ascii_lowercase()
                    || text.as_bytes()[0].is_ascii_digit())
                && text.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_'
                }));
        if !valid {
            return Err(self.opt_error(
                section,
                opt,
                format!(
                    "invalid cluster_node_prefix '{text}' (must be empty or match \
                     /[a-z0-9][-_a-z0-9]*/, at most 64 characters)"
                ),
            ));
        }
        Ok(text.to_string())
    }

    fn archiver_choice(&self, section: &Section, opt: &Opt) -> Result<ArchiverChoice, ConfigError> {
        let text = self.single(section, opt)?;
        match text {
            "0" => Ok(ArchiverChoice::Off),
            "1" => Ok(ArchiverChoice::Stock),
            path if path.starts_with('/') => {
                values::check_path(path).map_err(|m| {
                    self.opt_error(section, opt, format!("invalid archiver '{text}': {m}"))
                })?;
                Ok(ArchiverChoice::Custom(path.to_string()))
            }
            _ => Err(self.opt_error(
                section,
                opt,
                format!(
                    "invalid archiver value '{text}'; use 1 (zeek-archiver), 0 (none) or the \
                     absolute path of a long-running archiver"
                ),
            )),
        }
    }

    /// `websocket`: `ADDRESS:PORT`, `true` (the default address) or
    /// `false`, checked and warned about as cluster.toml's key is.
    fn websocket(&mut self, section: &Section, opt: &Opt) -> Result<WebSocketKey, ConfigError> {
        let setting = match self.single(section, opt)? {
            "true" => websocket::Setting::Switch(true),
            "false" => websocket::Setting::Switch(false),
            text => websocket::Setting::Address(text),
        };
        let listener =
            websocket::listener(setting, "").map_err(|m| self.opt_error(section, opt, m))?;
        let label = section.label(&opt.key);
        if let Some(message) = listener.and_then(websocket::exposure_warning) {
            self.warn(opt.line, &label, &message);
        }
        Ok(WebSocketKey {
            listener,
            line: opt.line,
            label,
        })
    }

    /// A key `[zeek]` does not know: an error, or, at the top level of a
    /// section-less file (where the interface keys are too), a warning.
    fn unknown_global_key(
        &mut self,
        section: &Section,
        opt: &Opt,
        section_less: bool,
    ) -> Result<(), ConfigError> {
        let key = opt.key.as_str();
        if section_less && is_interface_key(key) {
            return Ok(());
        }
        if section_less {
            // Zeek ignores unknown top-level keys; a typo should still be
            // visible.
            let mut known = global_keys(false);
            known.extend(interface_keys(false));
            let hint = values::did_you_mean(key, known.iter().map(String::as_str))
                .map(|h| format!(" (did you mean '{h}'?)"))
                .unwrap_or_default();
            self.warn(
                opt.line,
                key,
                &format!("unknown key ignored{hint}, as Zeek's generator ignores it"),
            );
            return Ok(());
        }
        let known = global_keys(false);
        let hint = values::did_you_mean(key, known.iter().map(String::as_str))
            .map(|h| format!("; did you mean '{h}'?"))
            .unwrap_or_default();
        let elsewhere = if is_interface_key(key) {
            "; worker settings belong in [interface NAME] sections"
        } else {
            ""
        };
        Err(self.opt_error(
            section,
            opt,
            format!("invalid key '{key}' in section 'zeek'{hint}{elsewhere}"),
        ))
    }
}
