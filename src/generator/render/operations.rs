//! The units that keep the logs and tell a person (issue 19): the crash
//! report hook, the log expiry (a systemd-tmpfiles rule and its timer)
//! and the disk watch.

use askama::Template;

use super::syntax;
use crate::config::CONFIG_DIR_ENV;
use crate::deployment::CONFIG_COPY_DIR;
use crate::generator::plan::{OpsUnit, Plan, LOG_EXPIRY_RULES};
use crate::paths::CRASH_DIR;

/// Seconds the alert verb may spend besides its deliveries: reading the
/// journal and systemd's state, waiting for a core dump to be written.
const GATHER_SEC: u32 = 60;

#[derive(Template)]
#[template(path = "zeek-node-crashed@.service", escape = "none")]
struct CrashHookUnit<'a> {
    source: &'a str,
    crash_dir: String,
    config_dir_env: String,
    /// `zeek-systemd alert crash`, quoted; the template appends `%i`.
    alert_command: String,
    timeout_sec: u32,
}

#[derive(Template)]
#[template(path = "zeek-log-expiry.tmpfiles", escape = "none")]
struct LogExpiryRules<'a> {
    /// The config's path without unit escaping (a comment in a tmpfiles
    /// file, where `%` means nothing).
    source_text: String,
    log_dir: String,
    keep: &'a str,
}

#[derive(Template)]
#[template(path = "zeek-log-expiry.service", escape = "none")]
struct LogExpiryService<'a> {
    source: &'a str,
    keep: &'a str,
    log_dir_text: String,
    log_dir: String,
    rules: String,
    user: &'a str,
    group: &'a str,
}

#[derive(Template)]
#[template(path = "zeek-log-expiry.timer", escape = "none")]
struct LogExpiryTimer<'a> {
    source: &'a str,
    keep: &'a str,
}

#[derive(Template)]
#[template(path = "zeek-disk-watch.service", escape = "none")]
struct DiskWatchService<'a> {
    source: &'a str,
    min_free: String,
    config_dir_env: String,
    command: String,
    timeout_sec: u32,
}

#[derive(Template)]
#[template(path = "zeek-disk-watch.timer", escape = "none")]
struct DiskWatchTimer<'a> {
    source: &'a str,
}

/// `zeek-node-crashed@.service`.
pub fn crash_hook(plan: &Plan, source: &str) -> String {
    CrashHookUnit {
        source,
        crash_dir: syntax::no_specifiers(CRASH_DIR),
        config_dir_env: config_dir_env(plan),
        alert_command: alert_command(plan, &["crash"]),
        timeout_sec: alert_timeout(plan),
    }
    .render()
    .expect("rendering into a String cannot fail")
}

/// One of the log expiry and disk watch files.
pub fn render(plan: &Plan, source: &str, unit: OpsUnit) -> String {
    let cluster = plan.cluster;
    let install = &cluster.settings.install;
    // The plan has these units only when logs expire.
    let keep =
        (cluster.settings.operations.log_keep.as_ref()).map_or("", |age| age.tmpfiles.as_str());
    let log_dir = install.log_dir.display().to_string();
    let rendered = match unit {
        OpsUnit::LogExpiryRules => LogExpiryRules {
            source_text: syntax::one_line(&cluster.settings.source.display().to_string()),
            log_dir: syntax::tmpfiles_path(&log_dir),
            keep,
        }
        .render(),
        OpsUnit::LogExpiryService => LogExpiryService {
            source,
            keep,
            log_dir_text: syntax::one_line(&log_dir),
            log_dir: syntax::path_word(&log_dir),
            rules: syntax::command_line(&[plan
                .normal_dir
                .join(LOG_EXPIRY_RULES)
                .display()
                .to_string()]),
            user: &install.user,
            group: &install.group,
        }
        .render(),
        OpsUnit::LogExpiryTimer => LogExpiryTimer { source, keep }.render(),
        OpsUnit::DiskWatchService => DiskWatchService {
            source,
            min_free: syntax::one_line(&cluster.settings.operations.min_free.to_string()),
            config_dir_env: config_dir_env(plan),
            command: alert_command(plan, &["disk"]),
            timeout_sec: alert_timeout(plan),
        }
        .render(),
        OpsUnit::DiskWatchTimer => DiskWatchTimer { source }.render(),
    };
    rendered.expect("rendering into a String cannot fail")
}

/// The config dir the alert verb reads: the copy the units come from.
fn config_dir_env(plan: &Plan) -> String {
    let copy = plan.normal_dir.join(CONFIG_COPY_DIR);
    syntax::environment(CONFIG_DIR_ENV, &copy.display().to_string())
}

/// `zeek-systemd [--host HOST] alert ARGS...`, quoted.
fn alert_command(plan: &Plan, args: &[&str]) -> String {
    let mut words = vec![plan.generator_exe.display().to_string()];
    // Looked up in the copy as the generator found it on disk.
    if let Some(host) = &plan.cluster.settings.this_host {
        words.extend(["--host".to_string(), host.clone()]);
    }
    words.push("alert".into());
    words.extend(args.iter().map(|a| a.to_string()));
    syntax::command_line(&words)
}

/// `TimeoutStartSec=` of an alert sender: every channel's delivery
/// timeout (mail, command, webhook) and the gathering.
fn alert_timeout(plan: &Plan) -> u32 {
    plan.cluster.settings.operations.alerts.timeout_sec * 3 + GATHER_SEC
}
