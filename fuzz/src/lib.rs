//! What every fuzz target checks once a config has been accepted: the
//! rest of the pipeline (plan, render, layout, node table) runs without
//! panicking, and the rendered units say exactly what the model says.
//!
//! A reader that accepts a value the renderer cannot express (a newline,
//! a trailing backslash) would show up here as an injected line or a
//! command line that systemd parses differently from the config.

use std::collections::HashSet;
use std::path::Path;

use zeek_systemd::generator::plan::{self, Artifact};
use zeek_systemd::generator::render::{self, Content};
use zeek_systemd::layout::render_layout;
use zeek_systemd::model::{Cluster, Role};
use zeek_systemd::verbs::check::node_table;

/// The output dir the fuzz targets plan for.
pub const NORMAL_DIR: &str = "/run/systemd/generator";
/// The generator path zeek-setup.service is rendered with.
pub const GENERATOR: &str = "/usr/lib/systemd/system-generators/zeek-systemd-generator";

/// Runs plan, render, layout and the node table on an accepted config and
/// panics (a fuzz finding) on any broken invariant.
pub fn check_cluster(cluster: &Cluster) {
    let mut names = HashSet::new();
    for node in &cluster.nodes {
        assert!(
            names.insert(node.name.as_str()),
            "node name {:?} twice",
            node.name
        );
        assert!(
            !node.name.is_empty()
                && node
                    .name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')),
            "node name {:?} is not a safe unit instance / Zeek string",
            node.name
        );
    }

    let plan = plan::plan(cluster, Path::new(NORMAL_DIR), Path::new(GENERATOR));
    let local = cluster.local_nodes().count();
    let drop_ins = plan
        .items
        .iter()
        .filter(|i| matches!(i.what, Artifact::NodeDropIn(_)))
        .count();
    assert_eq!(drop_ins, local, "one drop-in per local node");

    let outputs = render::render(&plan);
    let mut paths = HashSet::new();
    for (item, output) in plan.items.iter().zip(&outputs) {
        assert!(paths.insert(output.path.clone()), "{:?} twice", output.path);
        let Content::File(text) = &output.content else {
            continue;
        };
        let path = output.path.display().to_string();
        if is_unit_file(&path) {
            check_unit_text(&path, text);
        } else {
            check_other_text(&path, text);
        }
        if let Artifact::NodeDropIn(drop_in) = &item.what {
            let node = drop_in.node;
            let mut expected = vec![cluster.settings.install.zeek.display().to_string()];
            expected.extend(node.args.iter().cloned());
            let exec = text
                .lines()
                .filter_map(|l| l.strip_prefix("ExecStart="))
                .filter(|v| !v.is_empty())
                .collect::<Vec<_>>();
            assert_eq!(exec.len(), 1, "{}: one ExecStart", node.name);
            // What the generator appends to the config's command line: the
            // host identity script of a multi-host cluster, then the
            // node's secrets from its credentials dir.
            let secrets = format!(" %d/{}", zeek_systemd::secrets::CREDENTIAL);
            let line = exec[0].strip_suffix(secrets.as_str()).unwrap_or(exec[0]);
            let mut words = systemd_words(line, true);
            if let Some(w) = words.as_mut() {
                if w.last().map(String::as_str) == Some(zeek_systemd::paths::IDENTITY_SCRIPT) {
                    w.pop();
                }
            }
            assert_eq!(
                words,
                Some(expected),
                "{}: ExecStart does not round-trip",
                node.name
            );
            let env: Vec<String> = text
                .lines()
                .filter_map(|l| l.strip_prefix("Environment="))
                .map(|v| {
                    let mut words = systemd_words(v, false).expect("Environment= parses");
                    assert_eq!(words.len(), 1, "{}: one assignment per line", node.name);
                    words.remove(0)
                })
                .collect();
            let expected_env: Vec<String> =
                node.env.iter().map(|(k, v)| format!("{k}={v}")).collect();
            assert_eq!(
                env, expected_env,
                "{}: Environment does not round-trip",
                node.name
            );
            if node.role == Role::Worker {
                assert!(text.contains("\nAmbientCapabilities=CAP_NET_RAW\n"));
            }
        }
    }

    let layout = render_layout(cluster);
    let in_layout: HashSet<&str> = layout
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("[\""))
        .filter_map(|l| l.split_once("\"] = [$node_type=").map(|(name, _)| name))
        .collect();
    for node in &cluster.nodes {
        assert!(
            in_layout.contains(node.name.as_str()),
            "{} not in the layout",
            node.name
        );
    }
    // The table, then a blank line and a summary; a capture that smuggled
    // in a newline would add rows.
    let table = node_table(cluster);
    let rows = table.split("\n\n").next().unwrap_or("").lines().count();
    assert_eq!(rows, local + 1, "node table: header + one row per node");
}

/// Unit files and drop-ins, as opposed to the other files the generator
/// writes (the tmpfiles rule of `[logs] keep`, the reload marker).
fn is_unit_file(path: &str) -> bool {
    [".service", ".target", ".path", ".timer"]
        .iter()
        .any(|ext| path.ends_with(ext))
        || path.contains(".d/")
}

/// Another generated file: no control character, and a tmpfiles rule is
/// one `e PATH - - - AGE` line (a value that smuggled in a newline would
/// add a rule).
fn check_other_text(path: &str, text: &str) {
    let rules: Vec<&str> = text
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    for line in &rules {
        assert!(
            !line.chars().any(|c| c.is_control() && c != '\t'),
            "{path}: control character in {line:?}"
        );
    }
    if path.ends_with("log-expiry.conf") {
        assert_eq!(rules.len(), 1, "{path}: one rule: {rules:?}");
        assert!(rules[0].starts_with("e "), "{path}: {:?}", rules[0]);
    }
}

/// A unit file must consist of section headers we wrote, comments and
/// `Key=value` lines: a value that smuggled in a newline, a section
/// header, a control character or a continuation backslash shows here.
fn check_unit_text(path: &str, text: &str) {
    for line in text.lines() {
        assert!(
            !line.chars().any(|c| c.is_control() && c != '\t'),
            "{path}: control character in {line:?}"
        );
        assert!(!line.ends_with('\\'), "{path}: continuation line {line:?}");
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with('[') {
            assert!(
                matches!(
                    line,
                    "[Unit]" | "[Service]" | "[Path]" | "[Timer]" | "[Install]"
                ),
                "{path}: unexpected section {line:?}"
            );
            continue;
        }
        let key = line.split('=').next().unwrap_or("");
        assert!(
            line.contains('=') && !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric()),
            "{path}: not a Key=value line: {line:?}"
        );
    }
}

/// Splits a value the way systemd splits `ExecStart=` (with `dollar`) and
/// `Environment=` values, for the quoted words the renderer writes:
/// C escapes, `%%` for `%` and, on command lines, `$$` for `$`. `None`
/// when the text is not such a list (an unquoted word, a lone `%`).
pub fn systemd_words(text: &str, dollar: bool) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| *c == ' ') {
            chars.next();
        }
        match chars.next() {
            None => return Some(words),
            Some('"') => {}
            Some(_) => return None,
        }
        let mut word = String::new();
        loop {
            match chars.next()? {
                '"' => break,
                '\\' => match chars.next()? {
                    '\\' => word.push('\\'),
                    '"' => word.push('"'),
                    't' => word.push('\t'),
                    _ => return None,
                },
                '%' => match chars.next()? {
                    '%' => word.push('%'),
                    _ => return None,
                },
                '$' if dollar => match chars.next()? {
                    '$' => word.push('$'),
                    _ => return None,
                },
                c => word.push(c),
            }
        }
        if chars.peek().is_some_and(|c| *c != ' ') {
            return None;
        }
        words.push(word);
    }
}
