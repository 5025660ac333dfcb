//! The man pages: they render without troff warnings, and the HARDENING
//! section of zeek-systemd-generator(8) names every directive the unit
//! templates write (so a directive added to a template without a word on
//! what Zeek feature it could break fails here).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Directives the templates write that are not hardening: what the unit
/// runs, how it is ordered and restarted, and the resource settings the
/// config sets on purpose.
const NOT_HARDENING: &[&str] = &[
    "After",
    "Before",
    "CPUAffinity",
    "ConditionPathExists",
    "Description",
    "Documentation",
    "Environment",
    "ExecStart",
    "ExecStopPost",
    "Group",
    "KillSignal",
    "LimitCORE",
    "MemoryMax",
    "NUMAPolicy",
    "Nice",
    "OOMScoreAdjust",
    "PartOf",
    "Requires",
    "Restart",
    "RestartSec",
    "RestartMaxDelaySec",
    "RestartSteps",
    "Slice",
    "SourcePath",
    "StartLimitIntervalSec",
    "StopPropagatedFrom",
    "SuccessExitStatus",
    "SyslogIdentifier",
    "TimeoutStopSec",
    "Type",
    "User",
    "Wants",
    "WorkingDirectory",
];

/// `Key` of every `Key=value` line in the node and archiver templates and
/// the parts they include.
fn template_directives() -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    let mut templates: Vec<String> = ["zeek@.service", "zeek@node.conf", "zeek-archiver.service"]
        .map(String::from)
        .into();
    let dir = std::fs::read_dir(root().join("templates")).expect("templates dir readable");
    templates.extend(
        dir.map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .filter(|name| name.ends_with(".inc")),
    );
    for name in templates {
        let path = root().join("templates").join(name);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        for line in text.lines() {
            let Some((key, _)) = line.split_once('=') else {
                continue;
            };
            let is_directive = key.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                && key.chars().all(|c| c.is_ascii_alphanumeric());
            if is_directive {
                keys.insert(key.to_string());
            }
        }
    }
    keys
}

/// The text of the HARDENING section, roff escapes for '-' undone.
fn hardening_section() -> String {
    let page = std::fs::read_to_string(root().join("man/zeek-systemd-generator.8"))
        .expect("man page readable");
    let start = page
        .find("\n.SH HARDENING")
        .expect("the page has a HARDENING section");
    let rest = &page[start + 1..];
    let end = rest[1..].find("\n.SH ").map_or(rest.len(), |i| i + 1);
    rest[..end].replace("\\-", "-")
}

#[test]
fn every_hardening_directive_of_the_templates_is_documented() {
    let section = hardening_section();
    let directives = template_directives();
    // The templates must yield the directives this test is about; an empty
    // set would mean the parsing above is broken and prove nothing.
    assert!(
        directives.contains("MemoryDenyWriteExecute"),
        "{directives:?}"
    );
    let missing: Vec<&String> = directives
        .iter()
        .filter(|d| !NOT_HARDENING.contains(&d.as_str()))
        .filter(|d| !section.contains(&format!("{d}=")))
        .collect();
    assert!(
        missing.is_empty(),
        "man/zeek-systemd-generator.8 HARDENING does not document {missing:?}; \
         say what Zeek feature each could affect and how to relax it"
    );
}

fn groff_available() -> bool {
    Command::new("groff")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A required test: without groff it fails (it would otherwise pass
/// without having looked at the pages).
#[test]
fn man_pages_render_without_warnings() {
    assert!(
        groff_available(),
        "the man page test needs groff (apt-get install groff-base)"
    );
    for page in ["man/zeek-systemd-generator.8", "man/zeek-cluster.toml.5"] {
        let path = root().join(page);
        assert!(Path::new(&path).is_file(), "{page} is missing");
        let output = Command::new("groff")
            .args(["-man", "-ww", "-z"])
            .arg(&path)
            .output()
            .expect("groff runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success() && stderr.trim().is_empty(),
            "{page} has troff warnings:\n{stderr}"
        );
    }
}
