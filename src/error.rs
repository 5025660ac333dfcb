//! How a run ends: the one error type of both programs (the generator and
//! the operator's verbs) and the exit code each failure maps to. It sits
//! below both, so neither imports the other or `cli` to report failure.

use std::process::ExitCode;

/// Why a run failed. Every variant but [`Failure::Other`] has already been
/// reported (to the journal or stderr) where it was found.
#[derive(Debug)]
pub enum Failure {
    /// The config (ours, Zeek's zeek.conf, or ZeekControl's files being
    /// imported) is invalid.
    InvalidConfig,
    /// The generator could not write its output dir.
    WriteFailed,
    /// A check found problems: `check --deep`, or `import-zeekctl --check`
    /// found a node the import runs differently.
    CheckFailed,
    /// `status`: a node is not running, or the config is invalid.
    NotRunning,
    /// `deploy` installed a snapshot, the cluster did not come up on it,
    /// and the previous one was put back.
    RolledBack,
    /// Anything else, with its message (not yet reported).
    Other(anyhow::Error),
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Other(e)
    }
}

impl Failure {
    /// The exit code: 3 for "not running", as `systemctl status` has it;
    /// 4 for a deploy that was rolled back (2 is clap's usage error); 1
    /// for every other failure.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Failure::NotRunning => ExitCode::from(3),
            Failure::RolledBack => ExitCode::from(4),
            _ => ExitCode::from(1),
        }
    }
}

/// Whether a file or directory was refused to us somewhere in `error`'s
/// causes (EACCES, EPERM).
pub fn permission_denied(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::PermissionDenied)
    })
}

/// The one line for `error`: its causes, and for anyone but root (`as_root`)
/// refused a file, that root may (the message names the file).
pub fn message(error: &anyhow::Error, as_root: bool) -> String {
    if !as_root && permission_denied(error) {
        format!("{error:#}: run as root (e.g. with sudo)")
    } else {
        format!("{error:#}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context as _;

    #[test]
    fn a_refused_file_says_run_as_root_to_anyone_but_root() {
        let refused: anyhow::Result<()> =
            Err(std::io::Error::from(std::io::ErrorKind::PermissionDenied).into());
        let error = refused
            .context("cannot create /var/lib/zeek-systemd")
            .unwrap_err();
        assert!(message(&error, false).starts_with("cannot create /var/lib/zeek-systemd: "));
        assert!(message(&error, false).ends_with(": run as root (e.g. with sudo)"));
        assert!(!message(&error, true).contains("run as root"));
        let other = anyhow::anyhow!("no such node");
        assert_eq!(message(&other, false), "no such node");
    }
}
