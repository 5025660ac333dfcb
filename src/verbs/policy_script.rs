//! `policy-script -o FILE`: write the Zeek script TOML configs load on
//! every node (log rotation into the archiver's queue, the live view),
//! for the default WebSocket listener; deployment writes each config's own.

use std::path::PathBuf;

use super::emit;
use crate::config::defaults::WEBSOCKET;
use crate::error::Failure;
use crate::layout::policy_script;

/// `policy-script` arguments.
#[derive(clap::Args, Debug)]
pub struct PolicyScriptArgs {
    /// Output file (`-` for stdout).
    #[arg(short, long, value_name = "FILE", default_value = "-")]
    pub output: PathBuf,
}

/// Runs `policy-script`.
pub fn exec(args: &PolicyScriptArgs) -> Result<(), Failure> {
    emit(&args.output, &policy_script(Some(WEBSOCKET))).map_err(Failure::Other)
}
