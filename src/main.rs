#![warn(clippy::too_many_lines)]

//! `zeek-systemd` (the operator's command) and, installed under that name,
//! `zeek-systemd-generator` (the systemd generator): parse the arguments,
//! read the environment once, run, map the outcome to an exit code.

use std::process::ExitCode;

use zeek_systemd::cli;
use zeek_systemd::env::Environment;
use zeek_systemd::error::{self, Failure};

fn main() -> ExitCode {
    let cli = cli::parse(std::env::args_os().collect());
    let env = Environment::read();
    match cli::run(cli, &env) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Other(error)) => {
            eprintln!(
                "zeek-systemd: error: {}",
                error::message(&error, env.as_root)
            );
            ExitCode::from(1)
        }
        // Already reported, to the journal or stderr.
        Err(failure) => failure.exit_code(),
    }
}
