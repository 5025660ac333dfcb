//! `policy-script -o FILE`: write the Zeek script that rotates logs into
//! the archiver's queue (zeek-setup.service runs this for TOML configs).

use std::path::PathBuf;

use super::emit;
use crate::error::Failure;
use crate::layout::POLICY_SCRIPT;

/// `policy-script` arguments.
#[derive(clap::Args, Debug)]
pub struct PolicyScriptArgs {
    /// Output file (`-` for stdout).
    #[arg(short, long, value_name = "FILE", default_value = "-")]
    pub output: PathBuf,
}

/// Runs `policy-script`.
pub fn exec(args: &PolicyScriptArgs) -> Result<(), Failure> {
    emit(&args.output, POLICY_SCRIPT).map_err(Failure::Other)
}
