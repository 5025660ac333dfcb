//! Reading configs and rendering units, without booting anything: golden
//! outputs (examples/, tests/fixtures/golden/, tests/fixtures/zeekconf/, tests/fixtures/multihost/),
//! the bad-config catalogue (tests/fixtures/bad/), cluster.toml and zeek.conf
//! agreeing, per-node process settings, property tests, and the memory
//! sharing of the model, and topology-aware pinning on recorded machines.

#[path = "../common/mod.rs"]
mod common;

mod bad_configs;
mod formats_agree;
mod golden;
mod live_view;
mod memory;
mod multihost;
mod process_settings;
mod properties;
mod topology;
mod zeekconf;
