//! The `[logs]`, `[disk]` and `[alerts]` sections of an imported
//! `cluster.toml`, and the zeekctl.cfg options that have no key (each with
//! what replaces it).

use std::fmt::Write as _;

use super::toml_text::{copied_strings, list, quote};
use super::zeekctl_cfg::{log_expire_minutes, ZeekctlCfg};

/// zeekctl.cfg options the sections above do not carry: what replaces
/// each one, never silently dropped.
pub(super) fn unmapped(out: &mut String, cfg: &ZeekctlCfg) {
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
/// never; already checked as ZeekControl checks it) as a `[logs] keep`
/// age (`30d`, `12h`, `90min`); `None` for never.
fn tmpfiles_age(value: &str) -> Option<String> {
    let minutes = log_expire_minutes(value).filter(|m| *m > 0)?;
    Some(if minutes % (24 * 60) == 0 {
        format!("{}d", minutes / (24 * 60))
    } else if minutes % 60 == 0 {
        format!("{}h", minutes / 60)
    } else {
        format!("{minutes}min")
    })
}

/// `[logs]`, `[disk]` and `[alerts]` from ZeekControl's
/// `LogExpireInterval`, `MinDiskSpace`, `MailTo`, `MailFrom` and
/// `SendMail`. `[logs] keep` is always written: ZeekControl's default
/// (0) keeps archived logs forever, zeek-systemd's expires them.
pub(super) fn operations_sections(out: &mut String, cfg: &ZeekctlCfg) {
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
    copied_strings(
        out,
        cfg,
        &[("mailfrom", "mail_from"), ("sendmail", "sendmail")],
    );
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
        assert_eq!(tmpfiles_age("48 hrs").as_deref(), Some("2d"));
        assert_eq!(tmpfiles_age("90min").as_deref(), Some("90min"));
        assert_eq!(tmpfiles_age("0"), None);
    }
}
