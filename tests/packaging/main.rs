//! What ships: the Debian and RPM packaging agree with the repository, and
//! the man pages render and document every hardening directive. (The .deb
//! installed under a real systemd is in tests/real_systemd/deb.rs.)

#[path = "../common/mod.rs"]
mod common;

mod debian_and_rpm;
mod man_pages;
