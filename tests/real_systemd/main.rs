//! The generator under a real systemd: each test boots systemd as PID 1 in
//! a throw-away container (tests/systemd/nspawn-run) with the stand-in
//! zeek (tests/stand-in-zeek/). Needs root and systemd-nspawn; boots share
//! the machine through `common::BootSlot` (see there).

#[path = "../common/mod.rs"]
mod common;

mod day2;
mod deb;
mod hardening;
mod import_zeekctl;
mod migration_doc;
mod multihost;
mod node_processes;
mod supervision;
mod verbs;
mod zeekconf;
