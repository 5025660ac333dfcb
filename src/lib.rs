//! zeek-systemd: run a Zeek cluster under systemd instead of ZeekControl.
//!
//! Two programs in one crate, one binary (`zeek-systemd`, also installed as
//! `zeek-systemd-generator`):
//!
//! * **The boot program**, [`generator`]: systemd runs it at boot and at
//!   every `daemon-reload`. The config the units come from (chosen by
//!   [`deployment`]) → [`generator::plan`] → [`generator::render`] →
//!   [`generator::write`].
//! * **The operator's command**, [`verbs`]: `zeek-systemd check | deploy |
//!   status | diag | netstats | render | layout | import-zeekctl | alert
//!   ...`, one module per verb (a folder when the verb has helpers of its
//!   own: `check/`, the candidate and the deep checks; `deploy/`,
//!   check's checks, then the changes and the rollout), and below them [`ops`], what several verbs share: systemd's
//!   state of the nodes, the one child-process runner with a time limit,
//!   the table formatter, disk space.
//!
//! Below both, the shared core: [`config`] (the only module that knows
//! which format a config came from: readers → format-neutral spec →
//! expansion → the validated [`model::Cluster`]), [`deployment`] (the only
//! module that knows the config's copies — deployed, the generator's,
//! last good, the snapshots' — and the deployed snapshots of the scripts:
//! the generator reads through it, `deploy` writes through it),
//! [`model`], [`layout`], [`warnings`], [`systemd`] (facts about the
//! running systemd), [`topology`] (the machine's CPUs and NICs, and the
//! worker CPUs they call for), [`log`], [`env`](mod@env) (the environment, read once at the
//! edge and passed down), [`paths`] (every other fixed path), [`error`]
//! (the error type and exit codes of both programs), and [`import`]
//! (ZeekControl's configs converted, pure).
//!
//! [`cli`] parses the command line and dispatches; `main` maps the outcome
//! to an exit code.
//!
//! The rule (checked by the unit tests in `src/module_rules.rs`): the boot
//! program and the shared core never import [`verbs`] or [`ops`] (the
//! operator side's shared layer); [`deployment`] imports neither program; `verbs/` holds only verbs (its top-level
//! files and folders are the verbs of [`cli`]'s command list); nothing
//! imports [`cli`] but `main`; the modules import each other without
//! circles.

#![warn(clippy::too_many_lines)]

pub mod cli;
pub mod config;
pub mod deployment;
pub mod env;
pub mod error;
pub mod generator;
pub mod identity;
pub mod import;
pub mod layout;
pub mod log;
pub mod model;
pub mod ops;
pub mod paths;
pub mod prometheus;
pub mod secrets;
pub mod systemd;
pub mod topology;
pub mod verbs;
pub mod warnings;
pub mod zeek_binary;

#[cfg(test)]
mod module_rules;
