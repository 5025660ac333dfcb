//! The module map of `lib.rs`, enforced: reads every source file, finds
//! the modules it imports (`crate::…`, `super::…`, `zeek_systemd::…`), and
//! fails when the boot program or the shared core imports a verb or
//! `ops`, when `ops` imports a verb, when anything but `main` imports
//! `cli`, or when modules import each other in a circle. And `verbs/`
//! holds only the verbs `cli.rs` dispatches to.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Module path (`generator::plan`) → the modules its file names.
type Graph = BTreeMap<String, BTreeSet<String>>;

fn source_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src/") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            source_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `src/a/b.rs` and `src/a/b/mod.rs` → `a::b`; `src/lib.rs` → ``.
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file
        .strip_prefix(src)
        .expect("under src/")
        .with_extension("");
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts.join("::")
}

/// The paths a file imports, as module paths relative to the crate root
/// (`crate::a::{b, c::d}` → `a::b`, `a::c::d`); `super::` resolved
/// against `module`. Comments (doc links) are not imports, and code after
/// `#[cfg(test)]` is not looked at: tests may reach anywhere.
fn imported_paths(text: &str, module: &str) -> Vec<String> {
    let code = text.split("#[cfg(test)]").next().unwrap_or("");
    let text: String = code
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = Vec::new();
    for (prefix, base) in [
        ("crate::", String::new()),
        ("zeek_systemd::", String::new()),
        ("super::", parent(module)),
    ] {
        for (at, _) in text.match_indices(prefix) {
            let before = text[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let rest = &text[at + prefix.len()..];
            for path in expand(rest) {
                out.push(join(&base, &path));
            }
        }
    }
    out
}

/// The module `super` is in `module` (whatever file holds it).
fn parent(module: &str) -> String {
    module.rsplit_once("::").map_or("", |(p, _)| p).to_string()
}

fn join(base: &str, path: &str) -> String {
    match (base.is_empty(), path.is_empty()) {
        (true, _) => path.to_string(),
        (false, true) => base.to_string(),
        (false, false) => format!("{base}::{path}"),
    }
}

/// `a::b::{c, d::e}, …` → `a::b::c`, `a::b::d::e` (one level of braces is
/// all the code uses; `self` in a list is the path itself).
fn expand(rest: &str) -> Vec<String> {
    let ident = |s: &str| -> usize {
        s.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(s.len())
    };
    let end = ident(rest);
    let head = rest[..end].trim_end_matches(':').to_string();
    if !rest[end..].starts_with('{') || !(end == 0 || rest[..end].ends_with("::")) {
        return vec![head];
    }
    let inner = &rest[end + 1..rest[end..].find('}').map_or(rest.len(), |i| end + i)];
    inner
        .split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| {
            let name = &item[..ident(item)];
            let name = name.trim_end_matches(':');
            if name == "self" {
                head.clone()
            } else {
                join(&head, name)
            }
        })
        .collect()
}

/// The longest prefix of `path` that is a module of the crate.
fn resolve<'m>(modules: &'m BTreeSet<String>, path: &str) -> Option<&'m String> {
    let mut candidate = path.to_string();
    loop {
        if let Some(m) = modules.get(&candidate) {
            return Some(m);
        }
        candidate = candidate.rsplit_once("::")?.0.to_string();
    }
}

fn graph() -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    source_files(&src, &mut files);
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(&src, f)).collect();
    let mut graph = Graph::new();
    for file in &files {
        let module = module_of(&src, file);
        let text = std::fs::read_to_string(file).expect("read a source file");
        let edges = graph.entry(module.clone()).or_default();
        for path in imported_paths(&text, &module) {
            if let Some(target) = resolve(&modules, &path) {
                let own = target == &module || module.starts_with(&format!("{target}::"));
                if !own && !target.is_empty() {
                    edges.insert(target.clone());
                }
            }
        }
    }
    graph
}

fn top(module: &str) -> &str {
    module.split("::").next().unwrap_or(module)
}

/// A circle of imports, if any (depth-first search).
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    fn visit(
        graph: &Graph,
        node: &str,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = stack.iter().position(|n| n == node) {
            let mut cycle = stack[i..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if !done.insert(node.to_string()) {
            return None;
        }
        stack.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(graph, next, stack, done) {
                return Some(cycle);
            }
        }
        stack.pop();
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(graph, node, &mut Vec::new(), &mut done))
}

/// The imports of a module of `importers` into a module of `imported`
/// (top-level module names).
fn imports_between(graph: &Graph, importers: fn(&str) -> bool, imported: &[&str]) -> Vec<String> {
    graph
        .iter()
        .filter(|(m, _)| importers(top(m)))
        .flat_map(|(m, deps)| {
            deps.iter()
                .filter(|d| imported.contains(&top(d)))
                .map(move |d| format!("{m} imports {d}"))
        })
        .collect()
}

#[test]
fn the_boot_program_and_the_core_never_import_the_operator_side() {
    let graph = graph();
    let boot_or_core = |m: &str| !matches!(m, "verbs" | "ops" | "cli" | "main");
    let offenders = imports_between(&graph, boot_or_core, &["verbs", "ops"]);
    assert!(offenders.is_empty(), "{offenders:#?}");
    // What the verbs share never reaches up into a verb.
    let offenders = imports_between(&graph, |m| m == "ops", &["verbs"]);
    assert!(offenders.is_empty(), "{offenders:#?}");
    // The test would find it: generator imports deployment, so it sees edges.
    assert!(
        graph["generator"].contains("deployment::last_good"),
        "{graph:#?}"
    );
    assert!(
        graph["verbs::diag"].contains("ops::systemctl"),
        "{graph:#?}"
    );
}

/// The verbs `cli.rs`'s `Command` enum dispatches to: the `X` of every
/// `verbs::X::` in it.
fn verbs_of_cli(cli: &str) -> BTreeSet<String> {
    let start = cli
        .find("pub enum Command {")
        .expect("cli.rs has `enum Command`");
    let body = &cli[start..];
    let body = &body[..body.find("\n}").unwrap_or(body.len())];
    body.match_indices("verbs::")
        .map(|(at, _)| &body[at + "verbs::".len()..])
        .filter_map(|rest| rest.split_once("::").map(|(name, _)| name.to_string()))
        .collect()
}

/// Entries of `verbs/` (`x.rs` files and `x` folders, as module names)
/// that are neither a verb nor `mod.rs`.
fn not_verbs(entries: &[String], verbs: &BTreeSet<String>) -> Vec<String> {
    entries
        .iter()
        .filter(|e| e.as_str() != "mod.rs")
        .filter(|e| !verbs.contains(e.strip_suffix(".rs").unwrap_or(e)))
        .cloned()
        .collect()
}

#[test]
fn verbs_holds_only_verbs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cli = std::fs::read_to_string(root.join("src/cli.rs")).expect("read src/cli.rs");
    let verbs = verbs_of_cli(&cli);
    assert!(
        verbs.contains("status") && verbs.contains("alert"),
        "{verbs:?}"
    );
    let entries: Vec<String> = std::fs::read_dir(root.join("src/verbs"))
        .expect("read src/verbs")
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    let strays = not_verbs(&entries, &verbs);
    assert!(
        strays.is_empty(),
        "src/verbs/ holds only verbs (a module per variant of cli.rs's Command) and \
         mod.rs; move {strays:?} into the folder of the verb that uses it, or to \
         src/ops/ when several verbs share it"
    );
    // The check would see one: a helper file, a helper folder.
    let with_helpers = [entries.clone(), vec!["helper.rs".into(), "shared".into()]].concat();
    assert_eq!(not_verbs(&with_helpers, &verbs), ["helper.rs", "shared"]);
}

#[test]
fn deployment_is_below_both_programs() {
    let graph = graph();
    let offenders: Vec<String> = graph
        .iter()
        .filter(|(m, _)| top(m) == "deployment")
        .flat_map(|(m, deps)| {
            deps.iter()
                .filter(|d| matches!(top(d), "generator" | "verbs" | "cli"))
                .map(move |d| format!("{m} imports {d}"))
        })
        .collect();
    assert!(offenders.is_empty(), "{offenders:#?}");
    // Both programs reach the copies through it.
    assert!(graph["generator"].iter().any(|d| top(d) == "deployment"));
    assert!(graph["verbs::deploy"]
        .iter()
        .any(|d| top(d) == "deployment"));
}

#[test]
fn nothing_but_main_imports_cli() {
    let offenders: Vec<String> = graph()
        .iter()
        .filter(|(m, deps)| m.as_str() != "main" && deps.iter().any(|d| d == "cli"))
        .map(|(m, _)| m.clone())
        .collect();
    assert!(offenders.is_empty(), "imported by {offenders:?}");
}

#[test]
fn modules_import_each_other_without_circles() {
    let graph = graph();
    // Circles of files, and of the top-level modules they make up.
    let mut tops = Graph::new();
    for (m, deps) in &graph {
        let entry = tops.entry(top(m).to_string()).or_default();
        entry.extend(
            deps.iter()
                .map(|d| top(d).to_string())
                .filter(|d| d != top(m)),
        );
    }
    assert_eq!(find_cycle(&graph), None, "files import in a circle");
    assert_eq!(
        find_cycle(&tops),
        None,
        "top-level modules import in a circle"
    );
}

#[test]
fn the_scanner_sees_imports_and_circles() {
    let paths = imported_paths(
        "use super::{self, check, import};\nuse crate::model::{Cluster, Node};\nlet x = crate::log::Log;",
        "import::zeekctl::command",
    );
    assert!(
        paths.contains(&"import::zeekctl::check".to_string()),
        "{paths:?}"
    );
    assert!(paths.contains(&"import::zeekctl".to_string()), "{paths:?}");
    assert!(paths.contains(&"model::Cluster".to_string()), "{paths:?}");
    assert!(paths.contains(&"log::Log".to_string()), "{paths:?}");
    let mut circle = Graph::new();
    circle.entry("a".into()).or_default().insert("b".into());
    circle.entry("b".into()).or_default().insert("a".into());
    assert!(find_cycle(&circle).is_some());
}
