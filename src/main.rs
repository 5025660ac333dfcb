#![warn(clippy::too_many_lines)]

use std::process::ExitCode;

use clap::Parser as _;
use zeek_systemd::cli::{self, Cli, Failure};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // Already reported, to the journal or stderr.
        Err(Failure::Config | Failure::CheckFailed) => ExitCode::from(1),
        // As `systemctl status`: 3 for "not running" and the like.
        Err(Failure::NotRunning) => ExitCode::from(3),
        Err(Failure::Other(error)) => {
            eprintln!("zeek-systemd-generator: error: {error:#}");
            ExitCode::from(1)
        }
    }
}
