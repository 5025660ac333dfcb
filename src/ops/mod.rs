//! What several operator verbs share, none of it a verb (as cargo's
//! `ops` for its commands): systemd's state of the nodes
//! ([`systemctl`]), the one way to run a child with a time limit
//! ([`process`]), the table formatter ([`table`]), disk space and the
//! archive's health ([`disk`]), the nodes that run an older Zeek than the
//! one on disk ([`old_zeek`]) and small text helpers ([`text`]).
//!
//! Only the verbs use it: the boot program and the core never import it
//! (checked in `src/module_rules.rs`), and it never imports a verb.

pub mod control;
pub mod disk;
pub mod old_zeek;
pub mod process;
pub mod systemctl;
pub mod table;
pub mod text;
pub mod zeek_api;
