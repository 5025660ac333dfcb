//! Fuzzes the `zeek.conf` reader (SPEC 2.4) and everything after it.
//!
//! The whole input is read as a single-host `zeek.conf`. If it also has
//! lines `#@host NAME` (a comment to the reader itself), the text is split
//! there into per-host files of a multi-host directory
//! (`<NAME>.zeek.conf`), read for the first host, so one corpus covers
//! both forms.
#![no_main]

use std::path::{Path, PathBuf};

use libfuzzer_sys::fuzz_target;
use zeek_systemd::config::zeekconf::{self, HostFile, HOST_FILE_SUFFIX};
use zeek_systemd::config::ReadOptions;

const MARKER: &str = "#@host ";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let options = ReadOptions {
        host: Some("fuzz-host".into()),
        ..ReadOptions::default()
    };
    let path = Path::new("/etc/zeek/zeek.conf");
    match zeekconf::read(path, text, &options) {
        Ok(cluster) => zeek_systemd_fuzz::check_cluster(&cluster),
        Err(error) => {
            let message = error.to_string();
            assert!(message.starts_with("/etc/zeek/zeek.conf"), "{message}");
        }
    }

    if !text.contains(MARKER) {
        return;
    }
    let dir = Path::new("/etc/zeek/cluster");
    let mut files: Vec<HostFile> = Vec::new();
    for chunk in text.split(MARKER).skip(1) {
        let (host, body) = chunk.split_once('\n').unwrap_or((chunk, ""));
        let file_name = format!("{}{HOST_FILE_SUFFIX}", host.trim());
        // Only names `config::read_files` would pick up, once each, sorted as it
        // sorts them.
        let Some(host) = zeekconf::host_of(&file_name) else {
            continue;
        };
        if files.iter().any(|f| f.host == host) {
            continue;
        }
        files.push(HostFile {
            host: host.to_string(),
            path: PathBuf::from(dir).join(&file_name),
            text: body.to_string(),
        });
    }
    let Some(first) = files.first().map(|f| f.host.clone()) else {
        return;
    };
    files.sort_by(|a, b| {
        format!("{}{HOST_FILE_SUFFIX}", a.host).cmp(&format!("{}{HOST_FILE_SUFFIX}", b.host))
    });
    // Both sides of the encryption opt-out: the cleartext file is
    // "present" when the input says so anywhere.
    let cleartext = text.contains(zeekconf::CLEARTEXT_FILE);
    match zeekconf::read_hosts(dir, &files, &first, cleartext) {
        Ok(cluster) => zeek_systemd_fuzz::check_cluster(&cluster),
        Err(error) => {
            let message = error.to_string();
            assert!(message.starts_with("/etc/zeek/cluster"), "{message}");
        }
    }
});
