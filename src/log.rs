//! Messages to the operator. PID 1 does not forward a generator's stderr,
//! so when systemd runs us the messages go to `/dev/kmsg` (they show up in
//! `journalctl -k` and on the console); when a person runs us, to stderr.

use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::sync::Mutex;

/// How serious a message is; the number is the syslog priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Error = 3,
    Warning = 4,
    Notice = 5,
}

/// Where messages go, and the program name they carry.
pub struct Log {
    kmsg: Option<Mutex<File>>,
    program: &'static str,
}

impl Log {
    /// Logs to stderr as `zeek-systemd`, the operator's command.
    pub fn stderr() -> Self {
        Log {
            kmsg: None,
            program: "zeek-systemd",
        }
    }

    /// Logs as `zeek-systemd-generator`, to `/dev/kmsg` when `to_kmsg` and
    /// it can be opened, else to stderr.
    pub fn for_generator(to_kmsg: bool) -> Self {
        let kmsg = to_kmsg
            .then(|| OpenOptions::new().write(true).open("/dev/kmsg").ok())
            .flatten()
            .map(Mutex::new);
        Log {
            kmsg,
            program: "zeek-systemd-generator",
        }
    }

    /// Writes one message; each line becomes its own log record.
    pub fn log(&self, level: Level, message: &str) {
        match &self.kmsg {
            Some(kmsg) => {
                let pid = std::process::id();
                let mut file = kmsg.lock().unwrap_or_else(|e| e.into_inner());
                for line in message.lines() {
                    // One write per record: /dev/kmsg takes a record per write.
                    let record = format!("<{}>{}[{pid}]: {line}\n", level as u8, self.program);
                    let _ = file.write_all(record.as_bytes());
                }
            }
            None => {
                let prefix = match level {
                    Level::Error => "error",
                    Level::Warning => "warning",
                    Level::Notice => "note",
                };
                let mut err = std::io::stderr().lock();
                for line in message.lines() {
                    let _ = writeln!(err, "{}: {prefix}: {line}", self.program);
                }
            }
        }
    }

    /// Logs an error.
    pub fn error(&self, message: &str) {
        self.log(Level::Error, message);
    }

    /// Logs a warning.
    pub fn warning(&self, message: &str) {
        self.log(Level::Warning, message);
    }

    /// Logs a notice.
    pub fn notice(&self, message: &str) {
        self.log(Level::Notice, message);
    }
}
