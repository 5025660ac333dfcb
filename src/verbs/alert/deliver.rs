//! Delivering an alert report through the channels of `[alerts]` (mail
//! through the local MTA, a command, a webhook), each with a time limit,
//! and the host-wide rate limit. A delivery that fails or hangs is
//! reported and given up; it never waits on a node.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{Read as _, Seek as _, Write as _};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde::Serialize;

use crate::model::Alerts;
use crate::ops::process;
use crate::ops::text::tail;

/// One report: a crash, a disk-space crossing, or a test.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// `crash`, `disk-low`, `disk-recovered`, `archive-unwritable`,
    /// `archive-writable`, `queue-stalled`, `queue-moving` or `test`.
    pub kind: &'static str,
    pub subject: String,
    /// The whole report as text (the mail body, the command's stdin).
    pub text: String,
    /// The facts one by one (`node`, `host`, `time`, `exit`, ...), for a
    /// webhook's JSON.
    pub fields: BTreeMap<&'static str, String>,
}

/// How one channel fared.
#[derive(Debug)]
pub struct Outcome {
    pub channel: String,
    pub result: Result<(), String>,
}

/// Whether `alerts` names any channel besides the journal.
pub fn has_channels(alerts: &Alerts) -> bool {
    !alerts.mail_to.is_empty() || !alerts.command.is_empty() || alerts.webhook.is_some()
}

/// Sends `report` through every configured channel, one after the other,
/// each given up after `timeout_sec`.
pub fn deliver(alerts: &Alerts, report: &Report, host: &str) -> Vec<Outcome> {
    let timeout = Duration::from_secs(u64::from(alerts.timeout_sec));
    let mut out = Vec::new();
    if !alerts.mail_to.is_empty() {
        out.push(Outcome {
            channel: format!("mail to {}", alerts.mail_to.join(", ")),
            result: mail(alerts, report, host, timeout),
        });
    }
    if let Some((exe, args)) = alerts.command.split_first() {
        let mut cmd = Command::new(exe);
        cmd.args(args)
            .env("ZEEK_ALERT_KIND", report.kind)
            .env("ZEEK_ALERT_SUBJECT", &report.subject);
        if let Some(node) = report.fields.get("node") {
            cmd.env("ZEEK_NODE", node);
        }
        out.push(Outcome {
            channel: format!("command {exe}"),
            result: run(cmd, report.text.as_bytes(), timeout),
        });
    }
    if let Some(url) = &alerts.webhook {
        out.push(Outcome {
            channel: format!("webhook {url}"),
            result: webhook(url, report, timeout),
        });
    }
    out
}

/// The mail, as `sendmail -t` reads it: headers, a blank line, the text.
fn mail(alerts: &Alerts, report: &Report, host: &str, timeout: Duration) -> Result<(), String> {
    let from = alerts
        .mail_from
        .clone()
        .unwrap_or_else(|| format!("zeek@{host}"));
    let message = format!(
        "From: {from}\nTo: {}\nSubject: {}\nMIME-Version: 1.0\nContent-Type: text/plain; \
         charset=utf-8\nAuto-Submitted: auto-generated\n\n{}",
        alerts.mail_to.join(", "),
        header_text(&report.subject),
        report.text
    );
    let mut cmd = Command::new(&alerts.sendmail);
    // -t: recipients from the headers; -oi: a line with a lone dot is text.
    cmd.args(["-t", "-oi"]);
    run(cmd, message.as_bytes(), timeout).map_err(|e| {
        // `run`'s words when the program could not be started at all.
        if e.starts_with(&format!("cannot run {}:", alerts.sendmail.display())) {
            format!(
                "{e}: install an MTA (e.g. `apt install postfix`, or a relay such as \
                 msmtp-mta) or set [alerts] sendmail"
            )
        } else {
            e
        }
    })
}

/// A header value on one line (a subject names a node, which is
/// validated, but never trust a newline into a header).
fn header_text(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// POSTs the report as JSON: http with ureq, https with curl (this
/// program is built without TLS).
fn webhook(url: &str, report: &Report, timeout: Duration) -> Result<(), String> {
    let body = serde_json::to_string(report).map_err(|e| e.to_string())?;
    if url.starts_with("https://") {
        let mut cmd = Command::new("curl");
        cmd.args(["-sS", "--fail", "--max-time"])
            .arg(timeout.as_secs().to_string())
            .args([
                "-H",
                "Content-Type: application/json",
                "--data-binary",
                "@-",
            ])
            .arg(url);
        return run(cmd, body.as_bytes(), timeout + Duration::from_secs(2));
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .build()
        .into();
    agent
        .post(url)
        .header("Content-Type", "application/json")
        .send(body.as_bytes())
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Runs `cmd` with `input` on stdin; kills it after `timeout`. Success is
/// exit status 0.
pub fn run(mut cmd: Command, input: &[u8], timeout: Duration) -> Result<(), String> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    let output = process::run(&mut cmd, Some(input), timeout)
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    match output.status {
        Some(status) if status.success() => Ok(()),
        Some(status) => Err(format!(
            "{program} {status}: {}",
            stderr_tail(&output.stderr)
        )),
        None => Err(format!(
            "{program} did not finish within {} s; killed",
            timeout.as_secs()
        )),
    }
}

/// The end of a failed channel's stderr, as much as a report line shows:
/// its last 20 lines, at most 4 KiB.
fn stderr_tail(stderr: &[u8]) -> String {
    const MAX: usize = 4096;
    let text = tail(&String::from_utf8_lossy(stderr), 20);
    let text = text.trim();
    match text.len() > MAX {
        true => {
            let start = (text.len() - MAX..text.len())
                .find(|&i| text.is_char_boundary(i))
                .unwrap_or(text.len());
            format!("...{}", &text[start..])
        }
        false => text.to_string(),
    }
}

/// What the rate limit decided.
#[derive(Debug, PartialEq, Eq)]
pub enum Gate {
    /// Send; this many reports were held back since the last one sent.
    Send { suppressed: u64 },
    /// Over the limit: do not send (counted for the next report).
    Hold,
}

/// The host-wide rate limit: at most `max_per_hour` reports in any hour,
/// counted in `state_dir/sent` (one time per line) under a lock, so that
/// nodes crashing together count together.
pub fn admit(state_dir: &Path, max_per_hour: u32, now: u64) -> std::io::Result<Gate> {
    std::fs::create_dir_all(state_dir)?;
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(state_dir.join("sent"))?;
    let mut file = nix::fcntl::Flock::lock(file, nix::fcntl::FlockArg::LockExclusive)
        .map_err(|(_, e)| std::io::Error::from(e))?;
    let mut text = String::new();
    file.read_to_string(&mut text)?;
    let mut sent: Vec<u64> = text
        .lines()
        .filter_map(|l| l.parse().ok())
        .filter(|&t| t + 3600 > now)
        .collect();
    let held_path = state_dir.join("held");
    let held: u64 = std::fs::read_to_string(&held_path)
        .ok()
        .and_then(|t| t.trim().parse().ok())
        .unwrap_or(0);
    let gate = if sent.len() < max_per_hour as usize {
        sent.push(now);
        std::fs::write(&held_path, "0\n")?;
        Gate::Send { suppressed: held }
    } else {
        std::fs::write(&held_path, format!("{}\n", held + 1))?;
        Gate::Hold
    };
    rewrite(&mut file, &sent)?;
    Ok(gate)
}

fn rewrite(file: &mut File, times: &[u64]) -> std::io::Result<()> {
    let text: String = times.iter().map(|t| format!("{t}\n")).collect();
    file.set_len(0)?;
    file.rewind()?;
    file.write_all(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn rate_limit_holds_and_counts() {
        let dir =
            std::env::temp_dir().join(format!("zeek-systemd-ratelimit-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(admit(&dir, 2, 1000).unwrap(), Gate::Send { suppressed: 0 });
        assert_eq!(admit(&dir, 2, 1001).unwrap(), Gate::Send { suppressed: 0 });
        assert_eq!(admit(&dir, 2, 1002).unwrap(), Gate::Hold);
        assert_eq!(admit(&dir, 2, 1003).unwrap(), Gate::Hold);
        // An hour after the first: room for one, which says two were held.
        assert_eq!(admit(&dir, 2, 4600).unwrap(), Gate::Send { suppressed: 2 });
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_hanging_or_failing_command_is_given_up() {
        let start = Instant::now();
        let mut cmd = Command::new("sleep");
        cmd.arg("30");
        let result = run(cmd, b"", Duration::from_millis(300));
        assert!(result.unwrap_err().contains("killed"));
        assert!(start.elapsed() < Duration::from_secs(5));
        assert!(run(Command::new("false"), b"x", Duration::from_secs(5)).is_err());
        let mut cat = Command::new("cat");
        cat.arg("-");
        assert!(run(cat, &vec![b'x'; 1 << 20], Duration::from_secs(5)).is_ok());
    }

    #[test]
    fn a_chatty_failing_command_reports_its_exit_not_a_timeout() {
        // 2 MiB on stderr: more than a pipe holds while nobody reads it.
        let start = Instant::now();
        let mut cmd = Command::new("sh");
        cmd.args([
            "-c",
            "head -c 2097152 /dev/zero >&2; echo gave up >&2; exit 3",
        ]);
        let error = run(cmd, b"", Duration::from_secs(20)).unwrap_err();
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{:?}",
            start.elapsed()
        );
        assert!(error.starts_with("sh exit status: 3: "), "{}", &error[..40]);
        assert!(
            error.ends_with("gave up") && error.len() < 5000,
            "{}",
            error.len()
        );
    }
}
