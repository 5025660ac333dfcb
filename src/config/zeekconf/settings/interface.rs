//! `[interface NAME]` (or the interface part of a section-less file):
//! the capture source, the workers and their settings.

use super::super::super::ranges;
use super::super::super::values;
use super::super::super::ConfigError;
use super::super::ini::{Opt, Section};
use super::keys::{interface_keys, is_global_key, process_key};
use super::{InterfaceConf, Located, Reader, RoleConf};
use crate::model::NumaPolicy;

impl Reader<'_> {
    /// An interface section, or the interface part of a section-less
    /// file (`None` when it has no workers at all).
    pub(super) fn interface(
        &mut self,
        section: &Section,
    ) -> Result<Option<InterfaceConf>, ConfigError> {
        let section_less = section.name.is_none();
        let name = self.interface_name(section)?;
        if !section_less && section.options.is_empty() {
            return Err(self.error(
                section.line,
                format!("[{}]", section.name.as_deref().unwrap_or_default()),
                "empty section; give at least 'interface' and 'workers'",
            ));
        }
        let mut capture: Option<(Located, &Opt)> = None;
        let mut workers: Option<(u32, &Opt)> = None;
        let mut iface = InterfaceConf {
            name,
            capture: Located::nothing(section.line, section.label("interface")),
            workers: 0,
            role: RoleConf::default(),
        };
        let mut numa_seen: Option<usize> = None;
        for opt in &section.options {
            let key = opt.key.as_str();
            if let Some((_, set)) = process_key(key, &["worker"]) {
                set(self, section, opt, &mut iface.role)?;
                continue;
            }
            match key {
                "interface" => {
                    let text = self.single(section, opt)?;
                    let label = section.label(key);
                    let (text, line) = (text.to_string(), opt.line);
                    capture = Some((Located { text, line, label }, opt));
                }
                "workers" => {
                    let n = self.int(section, opt, ranges::WORKERS_OR_NONE)?;
                    workers = Some((n as u32, opt));
                }
                "workers_cpu_list" => iface.role.settings.cpus = self.cpus(section, opt)?,
                "worker_numa_policy" | "workers_numa_policy" => {
                    let policy = self.numa_option(section, opt, &mut numa_seen)?;
                    iface.role.settings.numa_policy = Some(policy);
                }
                _ if section_less => {} // global keys, or ignored with a warning there
                _ => return Err(self.unknown_interface_key(section, opt)),
            }
        }
        self.finish_interface(section, iface, capture, workers)
    }

    /// The NAME of `[interface NAME]`; `None` section-less.
    fn interface_name(&self, section: &Section) -> Result<Option<String>, ConfigError> {
        let Some(full) = &section.name else {
            return Ok(None);
        };
        let name = full.strip_prefix("interface ").filter(|n| {
            !n.is_empty()
                && n.len() <= 64
                && n.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        });
        match name {
            Some(name) => Ok(Some(name.to_string())),
            None => Err(self.error(
                section.line,
                format!("[{full}]"),
                format!(
                    "invalid interface name in '{full}' (must match /interface [-_a-z0-9]+/, \
                     at most 64 characters)"
                ),
            )),
        }
    }

    /// `worker_numa_policy` (or its deprecated spelling), given once.
    fn numa_option(
        &mut self,
        section: &Section,
        opt: &Opt,
        seen: &mut Option<usize>,
    ) -> Result<NumaPolicy, ConfigError> {
        let key = opt.key.as_str();
        if let Some(line) = *seen {
            return Err(self.opt_error(
                section,
                opt,
                format!(
                    "'{key}' repeats the NUMA policy given at line {line}; give \
                     worker_numa_policy once"
                ),
            ));
        }
        *seen = Some(opt.line);
        if key == "workers_numa_policy" {
            self.warn(
                opt.line,
                &section.label(key),
                "Remove in v9.1: workers_numa_policy is deprecated, replace with \
                 worker_numa_policy",
            );
        }
        match self.single(section, opt)? {
            "local" => Ok(NumaPolicy::Local),
            "default" => Ok(NumaPolicy::Default),
            text => Err(self.opt_error(
                section,
                opt,
                format!("invalid '{key}' value '{text}'; use local or default"),
            )),
        }
    }

    fn unknown_interface_key(&self, section: &Section, opt: &Opt) -> ConfigError {
        let key = opt.key.as_str();
        let known = interface_keys(false);
        let hint = values::did_you_mean(key, known.iter().map(String::as_str))
            .map(|h| format!("; did you mean '{h}'?"))
            .unwrap_or_default();
        let elsewhere = if is_global_key(key) {
            "; this key belongs in [zeek]"
        } else {
            ""
        };
        self.opt_error(
            section,
            opt,
            format!(
                "invalid option '{key}'{}{hint}{elsewhere}",
                section.in_section()
            ),
        )
    }

    /// The interface once its keys are read: `None` when it captures
    /// nothing (section-less `interface =`, or no workers).
    fn finish_interface(
        &self,
        section: &Section,
        mut iface: InterfaceConf,
        capture: Option<(Located, &Opt)>,
        workers: Option<(u32, &Opt)>,
    ) -> Result<Option<InterfaceConf>, ConfigError> {
        let section_less = section.name.is_none();
        let in_section = section.in_section();
        let (capture, opt) = match (capture, workers) {
            // Only reachable section-less: a manager/logger host.
            (None, None) => return Ok(None),
            (None, Some((_, opt))) => {
                return Err(self.opt_error(
                    section,
                    opt,
                    format!(
                        "found workers but no interface option{in_section}; add 'interface = \
                         <capture source>'"
                    ),
                ))
            }
            (Some(found), _) => found,
        };
        if capture.text.is_empty() {
            if section_less && workers.map_or(true, |(n, _)| n == 0) {
                // `interface =` turns capturing off, as in Zeek's shipped
                // example.
                return Ok(None);
            }
            let message = if section_less {
                "empty interface option with workers; give the capture source or set workers = 0"
                    .to_string()
            } else {
                format!("empty interface option not allowed{in_section}")
            };
            return Err(self.opt_error(section, opt, message));
        }
        let Some((workers, _)) = workers else {
            // Zeek's generator refuses this too (section-less included):
            // how many workers is not guessed.
            return Err(self.opt_error(
                section,
                opt,
                format!("found interface but no workers option{in_section}; add 'workers = N'"),
            ));
        };
        if workers == 0 {
            return Ok(None);
        }
        iface.capture = capture;
        iface.workers = workers;
        Ok(Some(iface))
    }
}
