//! Fuzzes the TOML reader (`cluster.toml`) and everything after it: any
//! bytes must give a located error or a cluster that plans and renders
//! cleanly (SPEC 4.3: no panic, no hang, no unbounded memory).
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use zeek_systemd::config::{toml, ReadOptions};

fuzz_target!(|data: &[u8]| {
    // The reader takes text; `config::read_text` refuses non-UTF-8 files.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let options = ReadOptions {
        host: Some("fuzz-host".into()),
        ..ReadOptions::default()
    };
    match toml::read(Path::new("/etc/zeek/cluster.toml"), text, &options) {
        Ok(cluster) => zeek_systemd_fuzz::check_cluster(&cluster),
        Err(error) => {
            let message = error.to_string();
            assert!(message.starts_with("/etc/zeek/cluster.toml"), "{message}");
        }
    }
});
