//! A real Zeek cluster under a real systemd: one host, two hosts in two
//! containers on one network zone, the live view (`print`, `peers`, `top`,
//! Prometheus; live_view.rs), and the start order's stop and start
//! rounds (scripts in tests/fixtures/real-zeek/). Needs Zeek and a bootable
//! systemd; one real-Zeek test at a time.

#[path = "../common/mod.rs"]
mod common;

mod live_view;
mod multihost;
mod single_host;
mod startup;
