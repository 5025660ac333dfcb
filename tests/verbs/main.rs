//! The program's verbs as a person runs them: the command line and its
//! completions, `check --deep`, `netstats`, warnings, and `import-zeekctl`
//! (tests/fixtures/zeekctl/).

#[path = "../common/mod.rs"]
mod common;

mod cli;
mod cli_completions;
mod cluster_reach;
mod deep_check;
mod deploy_dry_run;
mod down;
mod import_mistakes;
mod import_zeekctl;
mod netstats;
mod pinning;
mod warnings;
