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
