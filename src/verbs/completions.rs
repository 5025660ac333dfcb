//! `completions SHELL` (hidden): print the completion script packages ship
//! (packaging/gen-completions.sh writes them).

use super::print;
use crate::error::Failure;

/// `completions` arguments.
#[derive(clap::Args, Debug)]
pub struct CompletionsArgs {
    #[arg(value_enum)]
    pub shell: CompletionShell,
}

/// The shells packages ship completions for.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
}

/// Runs `completions` for `command`, the whole command line definition
/// (handed in by `cli`, which owns it).
pub fn exec(args: &CompletionsArgs, command: clap::Command) -> Result<(), Failure> {
    print(&script(args.shell, command)).map_err(Failure::Other)
}

/// The completion script for `shell`, as packages install it.
pub fn script(shell: CompletionShell, mut command: clap::Command) -> String {
    let shell = match shell {
        CompletionShell::Bash => clap_complete::Shell::Bash,
        CompletionShell::Zsh => clap_complete::Shell::Zsh,
        CompletionShell::Fish => clap_complete::Shell::Fish,
    };
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "zeek-systemd", &mut out);
    // clap_complete writes only the UTF-8 text it builds from our own
    // command definition.
    String::from_utf8_lossy(&out).into_owned()
}
