//! Differential test against Zeek's own generator: every zeek.conf
//! fixture (tests/fixtures/zeekconf/) through both, compared by what systemd makes
//! of the units. Needs Zeek's generator and a bootable systemd.

#[path = "../common/mod.rs"]
mod common;

mod zeek_generator;
