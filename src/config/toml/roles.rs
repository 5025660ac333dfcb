//! The role tables (`[manager]`, `[logger]`, `[proxy]`, `[worker]`), the
//! interfaces, the archiver and the settings of single nodes
//! (`[nodes.NAME]`), with their explicit node names.

use std::path::Path;

use toml::Spanned;

use super::super::spec::{ArchiverSpec, Auto, HostSpec, InterfaceSpec, NodeSettings, Profile};
use super::super::{defaults, ConfigError};
use super::super::{ranges, values};
use super::locate::locate;
use super::schema::{
    ArchiverSection, CpusValue, Document, InterfaceSection, RoleSection, Str, WorkersValue,
};
use super::Reader;
use crate::model::Install;

impl Reader<'_> {
    /// The role tables, after the keys a role does not have are refused.
    pub(super) fn roles(&self, doc: &Document) -> Result<Profile, ConfigError> {
        if let Some(count) = &doc.manager.count {
            return Err(self.error(
                count.span(),
                "a cluster has exactly one manager; remove `count` (a multi-host config says which \
                 host runs it with `manager = true` in its [hosts.NAME] table)",
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
    /// The archiver: on by default where a manager or logger runs.
    /// Validated on every host of a multi-host config, so `check` on any
    /// host finds a mistake in it.
    pub(super) fn archiver(
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

    /// The `[[interface]]` tables of the config or of one host (`label`
    /// names them in messages; `multi_host`: of a `[hosts.NAME]` table).
    pub(super) fn interfaces(
        &self,
        sections: &[Spanned<InterfaceSection>],
        label: &str,
        multi_host: bool,
    ) -> Result<Vec<InterfaceSpec>, ConfigError> {
        let mut out: Vec<InterfaceSpec> = Vec::with_capacity(sections.len());
        for section in sections {
            if let Some(w) = (section.get_ref().workers.as_ref())
                .filter(|w| multi_host && matches!(w.get_ref(), WorkersValue::Auto))
            {
                return Err(self.error(
                    w.span(),
                    "\"auto\" counts the workers on the machine that reads the config, but \
                     every host of a multi-host cluster writes the layout of all hosts' nodes, \
                     so they must agree on the count: write the number (`cpus = \"auto\"` \
                     still chooses their CPUs on their own host)",
                ));
            }
            let interface = self.interface(section, label, &out)?;
            out.push(interface);
        }
        Ok(out)
    }

    /// One `[[interface]]` table; `earlier`: the ones before it.
    fn interface(
        &self,
        section: &Spanned<InterfaceSection>,
        label: &str,
        earlier: &[InterfaceSpec],
    ) -> Result<InterfaceSpec, ConfigError> {
        let s = section.get_ref();
        let missing = |key: &str| {
            let mut e = self.error(section.span(), format!("missing key \"{key}\""));
            e.key = Some(label.into());
            e
        };
        let name = s.name.as_ref().ok_or_else(|| missing("name"))?;
        self.check(name.span(), values::check_name_part(name.get_ref()))?;
        if let Some(prev) = earlier
            .iter()
            .find(|i| i.name.as_ref() == Some(name.get_ref()))
        {
            return Err(self.error(
                name.span(),
                format!(
                    "interface name \"{}\" is used twice (first at line {}); node names must be unique",
                    name.get_ref(), prev.line
                ),
            ));
        }
        let capture = s.capture.as_ref().ok_or_else(|| missing("capture"))?;
        self.check(capture.span(), check_capture(capture.get_ref()))?;
        let names = s.names.as_ref().map(|n| self.node_names(n)).transpose()?;
        let (workers, auto_workers) = self
            .workers(&s.workers, names.as_deref())?
            .ok_or_else(|| missing("workers"))?;
        let (cpus, auto_cpus) = match &s.cpus {
            Some(c) if matches!(c.get_ref(), CpusValue::Auto) => (None, true),
            Some(c) => (Some(self.cpu_list(c)?), false),
            None => (None, false),
        };
        let template = s.template_but_cpus(self)?;
        Ok(InterfaceSpec {
            name: Some(name.get_ref().clone()),
            line: locate(self.text, name.span()).0,
            capture: self.templated(capture),
            workers,
            names,
            cpus,
            auto: (auto_cpus || auto_workers).then_some(Auto {
                cpus: auto_cpus,
                workers: auto_workers,
            }),
            args: template.args,
            env: template.env,
            settings: template.settings,
        })
    }

    /// An interface's `workers` (and whether it is `"auto"`: counted
    /// later, 0 here), or as many as its `names`; `None`: neither.
    fn workers(
        &self,
        workers: &Option<Spanned<WorkersValue>>,
        names: Option<&[String]>,
    ) -> Result<Option<(u32, bool)>, ConfigError> {
        let Some(w) = workers else {
            let count = |names: &[String]| names.len().min(ranges::MAX_WORKERS as usize) as u32;
            return Ok(names.map(|names| (count(names), false)));
        };
        let workers = match w.get_ref() {
            WorkersValue::Auto if names.is_some() => {
                return Err(self.error(
                    w.span(),
                    "`names` gives one name per worker, so it says how many: leave `workers` \
                     out, or leave `names` out for \"auto\"",
                ))
            }
            WorkersValue::Auto => return Ok(Some((0, true))),
            WorkersValue::Count(n) => self.count(&Spanned::new(w.span(), *n), ranges::WORKERS)?,
        };
        if let Some(names) = names.filter(|names| names.len() != workers as usize) {
            return Err(self.error(
                w.span(),
                format!(
                    "workers = {workers} but `names` lists {}; give one name per worker (or \
                     leave `workers` out)",
                    names.len()
                ),
            ));
        }
        Ok(Some((workers, false)))
    }
}

/// Explicit node names and per-node settings (what `import-zeekctl`
/// writes so that every node keeps its ZeekControl name).
impl Reader<'_> {
    /// Explicit node names: each one usable as a unit instance and spool
    /// dir, none twice in the list.
    pub(super) fn node_names(&self, names: &Spanned<Vec<Str>>) -> Result<Vec<String>, ConfigError> {
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

    /// `[logger]`/`[proxy]` `count` or `names` on a single-host config
    /// (default: one, named `<role>-1`).
    pub(super) fn role_count(
        &self,
        section: &RoleSection,
        role: &str,
    ) -> Result<(u32, Option<Vec<String>>), ConfigError> {
        match (&section.count, &section.names) {
            (Some(count), Some(_)) => Err(self.error(
                count.span(),
                format!("[{role}] has `count` and `names`; `names` alone says how many"),
            )),
            (Some(count), None) => Ok((self.count(count, ranges::SERVICE_NODES)?, None)),
            (None, Some(names)) => {
                let names = self.node_names(names)?;
                Ok((names.len() as u32, Some(names)))
            }
            (None, None) => Ok((1, None)),
        }
    }

    /// `[manager] name`; `name` elsewhere and `names` on the manager are
    /// mistakes with a fix.
    pub(super) fn manager_name(&self, doc: &Document) -> Result<Option<String>, ConfigError> {
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
    pub(super) fn node_settings(&self, doc: &Document) -> Result<Vec<NodeSettings>, ConfigError> {
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

/// An interface name is one word (the kernel refuses whitespace in it),
/// so a capture source that names an interface (`af_packet::eth1`) has
/// none; one that names a file (`pcap::/srv/a b.pcap`, with a `/`) may.
fn check_capture(capture: &str) -> Result<(), String> {
    values::check_unit_text(capture)?;
    if capture.trim().is_empty() {
        return Err("the capture source is empty".into());
    }
    let device = capture.rsplit_once("::").map_or(capture, |(_, d)| d);
    if device.contains('/') {
        return Ok(());
    }
    if let Some(c) = capture
        .chars()
        .find(|c| c.is_whitespace() || c.is_control())
    {
        let fix = capture.split_whitespace().collect::<String>();
        return Err(format!(
            "the capture source \"{}\" contains {}; it is one word, the method and the \
             interface as `ip link` names it (\"{fix}\")",
            capture.escape_debug(),
            match c {
                ' ' => "a space".to_string(),
                c => format!("the character {c:?}"),
            }
        ));
    }
    Ok(())
}
