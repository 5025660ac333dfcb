//! zeek-systemd: a systemd generator that runs a Zeek cluster under
//! systemd instead of ZeekControl.
//!
//! Data flows one way: config text → [`model::Cluster`] ([`config`]) →
//! [`plan::Plan`] → rendered files ([`render`], [`layout`]) → disk
//! ([`write`]). Only `config` knows which format a config came from; only
//! `write` touches the disk.

#![warn(clippy::too_many_lines)]

pub mod cli;
pub mod config;
pub mod deep_check;
pub mod diag;
pub mod import;
pub mod layout;
pub mod log;
pub mod model;
pub mod netstats;
pub mod plan;
pub mod render;
pub mod status;
pub mod systemd;
pub mod warnings;
pub mod write;
