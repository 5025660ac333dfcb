//! A real Zeek cluster under a real systemd: one host, and two hosts in
//! two containers on one network zone (scripts in tests/real-zeek/). Needs
//! Zeek and a bootable systemd; one real-Zeek test at a time.

#[path = "../common/mod.rs"]
mod common;

mod multihost;
mod single_host;
