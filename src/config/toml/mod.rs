//! The native TOML format, `/etc/zeek/cluster.toml` (SPEC 2.2, 2.3).
//!
//! Read in the order the data flows: the serde document (`schema`) is
//! parsed with the spans of its values; the value readers (`value`) check
//! one value each and locate what they refuse (`locate`); the section
//! readers turn the document into the format-neutral [`Spec`]: the
//! cluster-wide settings (`settings`), the role and interface tables
//! (`roles`), the hosts (`hosts`) and the operations settings
//! (`operations`).

mod hosts;
mod locate;
mod operations;
mod roles;
mod schema;
mod settings;
mod value;

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use super::spec::{At, Conventions, Pending, Profile, Spec, Templated};
use super::{expand, ConfigError, ReadOptions};
use crate::model::{Cluster, ClusterSettings, ConfigFormat, LayoutSource, PolicyScript};
use hosts::name_clash;
use locate::{locate, parse_error};
use schema::{Document, Str};

/// Reads the TOML config `text` (from `path`) into the cluster model.
pub fn read(path: &Path, text: &str, options: &ReadOptions) -> Result<Cluster, ConfigError> {
    let doc: Document = ::toml::from_str(text).map_err(|e| parse_error(path, text, &e))?;
    Reader {
        path,
        text,
        shared_text: Arc::from(text),
    }
    .cluster(doc, options)
}

/// Reads one document; every error names the file, line and key.
struct Reader<'a> {
    path: &'a Path,
    text: &'a str,
    /// The text again, for values located only when an error needs it.
    shared_text: Arc<str>,
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

    /// Where the value at `span` is, for errors raised when nodes are
    /// built.
    fn at(&self, span: Range<usize>) -> At {
        At {
            pending: Some(Pending {
                text: Arc::clone(&self.shared_text),
                span,
                locate,
            }),
            ..At::file(self.path, None)
        }
    }

    /// [`Self::at`] when the config sets the key (`span`), else the key of
    /// the file as a whole, for a default that does not fit.
    fn at_or_key(&self, span: Option<Range<usize>>, key: &str) -> At {
        match span {
            Some(span) => self.at(span),
            None => At::file(self.path, Some(key)),
        }
    }

    fn templated(&self, value: &Str) -> Templated {
        Templated {
            text: value.get_ref().clone(),
            at: self.at(value.span()),
        }
    }
}

impl Reader<'_> {
    fn cluster(&self, doc: Document, options: &ReadOptions) -> Result<Cluster, ConfigError> {
        let spec = self.spec(&doc, options)?;
        expand::cluster(spec, options.machine.as_ref())
    }

    fn spec(&self, doc: &Document, options: &ReadOptions) -> Result<Spec, ConfigError> {
        let z = &doc.zeek;
        let (install, prefix) = self.install(z)?;
        let (global_args, global_env, backend) = self.global(z)?;
        let mut units = self.units(z)?;
        let ports = self.cluster_ports(&doc.cluster)?;
        units.network.ip_allow = self.ip_allow(&doc.cluster)?;
        let profile = Profile {
            backend,
            policy: vec!["zeek-systemd".to_string()],
            args: global_args,
            env: global_env,
            ..self.roles(doc)?
        };
        let (this_host, hosts) = self.host_specs(doc, options, ports)?;
        let multi_host = doc.hosts.is_some();
        if multi_host {
            self.check_shared_addresses(&hosts)?;
        }
        let mut warnings = self.membership_warning(multi_host, &hosts, this_host.as_deref());
        let (websocket, websocket_warning) = self.websocket(&doc.cluster)?;
        warnings.extend(websocket_warning);
        let (websocket, no_logger_warning) =
            self.websocket_without_logger(websocket, &doc.cluster, &hosts, &profile.backend);
        warnings.extend(no_logger_warning);
        if !multi_host {
            warnings.extend(self.no_manager(doc, &hosts, &profile.backend)?);
        }
        let archiver = self.archiver(&doc.archiver, &prefix, &install, multi_host, &hosts)?;
        let manager_name = self.manager_name(doc)?;
        let node_settings = self.node_settings(doc)?;
        let settings = ClusterSettings {
            // Units name the config (SourcePath=, the layout command of
            // zeek-setup.service) and run with / as working directory, so a
            // relative `--config` must not reach them.
            source: std::path::absolute(self.path).unwrap_or_else(|_| self.path.to_path_buf()),
            format: ConfigFormat::Toml,
            this_host,
            install,
            policy_script: PolicyScript::Generated,
            layout: LayoutSource::Generated,
            units,
            warnings,
            operations: self.operations(doc)?,
            encryption: self.encryption(&doc.cluster, multi_host)?,
            websocket,
        };
        Ok(Spec {
            settings,
            file: self.path.to_path_buf(),
            conventions: Conventions {
                interface_env: false,
                fanout_ids: true,
                name_clash,
            },
            multi_host,
            manager_name,
            node_settings,
            profiles: vec![profile],
            hosts,
            archiver,
            archiver_profile: 0,
        })
    }
}
