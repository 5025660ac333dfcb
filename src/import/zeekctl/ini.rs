//! The INI dialect ZeekControl reads node.cfg with: Python's
//! `configparser.ConfigParser` with its defaults (ZeekControl's
//! `config._read_nodes`). What the importer must reproduce:
//!
//! * `[section]` headers; the name is everything up to the last `]`.
//! * `key = value` or `key: value` (the first `=` or `:` splits); keys are
//!   lower-cased, key and value stripped; no inline comments (`# x` after
//!   a value is part of the value).
//! * Lines starting with `#` or `;` are comments; an indented line
//!   continues the previous value (joined with a newline).
//! * A duplicate section or a duplicate key in one section is an error
//!   (`strict=True`); a key before any section is an error.
//! * `[DEFAULT]` keys apply to every section that does not set them.
//! * Interpolation (`BasicInterpolation`): `%%` is `%`, `%(key)s` is
//!   another key of the section; any other `%` is an error.

use super::ImportError;
use std::path::Path;

/// One `key = value` of a section, with the line it starts on.
#[derive(Debug, Clone)]
pub struct Entry {
    pub key: String,
    pub value: String,
    pub line: usize,
}

/// One `[section]` with its entries in file order (`[DEFAULT]` entries
/// already merged in after the section's own).
#[derive(Debug, Clone)]
pub struct Section {
    pub name: String,
    pub line: usize,
    pub entries: Vec<Entry>,
}

impl Section {
    /// The entry for `key` (lower case), if the section has one.
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key == key)
    }
}

/// Parses `text` (from `path`) as configparser does.
pub fn parse(path: &Path, text: &str) -> Result<Vec<Section>, ImportError> {
    let err = |line: usize, msg: String| ImportError::at(path, line, None, msg);
    let mut sections: Vec<Section> = Vec::new();
    let mut defaults: Vec<Entry> = Vec::new();
    // Which list the next entry goes to: None = no section yet,
    // Some(None) = [DEFAULT], Some(Some(i)) = sections[i].
    let mut current: Option<Option<usize>> = None;
    let mut last_value = false;
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let stripped = raw.trim();
        if stripped.is_empty() {
            last_value = false;
            continue;
        }
        if stripped.starts_with('#') || stripped.starts_with(';') {
            continue;
        }
        let indented = raw.starts_with([' ', '\t']);
        if indented && last_value {
            let entries = match current {
                Some(Some(i)) => &mut sections[i].entries,
                _ => &mut defaults,
            };
            if let Some(entry) = entries.last_mut() {
                entry.value.push('\n');
                entry.value.push_str(stripped);
            }
            continue;
        }
        if let Some(rest) = stripped.strip_prefix('[') {
            let Some(end) = rest.rfind(']') else {
                return Err(err(line, format!("cannot parse line: {stripped}")));
            };
            let name = rest[..end].to_string();
            if name == "DEFAULT" {
                current = Some(None);
            } else {
                if sections.iter().any(|s| s.name == name) {
                    return Err(err(line, format!("section '{name}' already exists")));
                }
                sections.push(Section {
                    name,
                    line,
                    entries: Vec::new(),
                });
                current = Some(Some(sections.len() - 1));
            }
            last_value = false;
            continue;
        }
        let Some(split) = stripped.find(['=', ':']) else {
            return Err(err(
                line,
                format!("cannot parse line (expected `key = value` or `[section]`): {stripped}"),
            ));
        };
        let key = stripped[..split].trim().to_lowercase();
        let value = stripped[split + 1..].trim().to_string();
        let section_name = match current {
            Some(Some(i)) => sections[i].name.clone(),
            _ => "DEFAULT".to_string(),
        };
        let entries = match current {
            None => {
                return Err(err(
                    line,
                    "file contains no section headers: every node is a `[name]` section".into(),
                ))
            }
            Some(Some(i)) => &mut sections[i].entries,
            Some(None) => &mut defaults,
        };
        if entries.iter().any(|e| e.key == key) {
            return Err(ImportError::at(
                path,
                line,
                Some(format!("[{section_name}] {key}")),
                "option already exists in this section".into(),
            ));
        }
        entries.push(Entry { key, value, line });
        last_value = true;
    }
    for section in &mut sections {
        for d in &defaults {
            if section.get(&d.key).is_none() {
                section.entries.push(d.clone());
            }
        }
    }
    for section in &mut sections {
        let snapshot = section.entries.clone();
        for entry in &mut section.entries {
            entry.value = interpolate(path, &section.name, &snapshot, entry, 0)?;
        }
    }
    Ok(sections)
}

/// configparser's `BasicInterpolation` of one value.
fn interpolate(
    path: &Path,
    section: &str,
    entries: &[Entry],
    entry: &Entry,
    depth: usize,
) -> Result<String, ImportError> {
    let fail = |msg: String| {
        ImportError::at(
            path,
            entry.line,
            Some(format!("[{section}] {}", entry.key)),
            msg,
        )
    };
    if depth > 10 {
        return Err(fail(
            "interpolation too deep (a %(key)s refers to itself)".into(),
        ));
    }
    let mut out = String::new();
    let mut rest = entry.value.as_str();
    while let Some(pos) = rest.find('%') {
        out.push_str(&rest[..pos]);
        rest = &rest[pos + 1..];
        if let Some(after) = rest.strip_prefix('%') {
            out.push('%');
            rest = after;
        } else if let Some(after) = rest.strip_prefix('(') {
            let Some(close) = after.find(")s") else {
                return Err(fail(format!(
                    "bad interpolation syntax in {:?}",
                    entry.value
                )));
            };
            let name = after[..close].to_lowercase();
            let Some(target) = entries.iter().find(|e| e.key == name) else {
                return Err(fail(format!(
                    "bad interpolation: no option {name:?} in this section"
                )));
            };
            out.push_str(&interpolate(path, section, entries, target, depth + 1)?);
            rest = &after[close + 2..];
        } else {
            return Err(fail(format!(
                "'%' must be followed by '%' or '(' (ZeekControl's configparser); write %% for a literal %: {:?}",
                entry.value
            )));
        }
    }
    out.push_str(rest);
    Ok(out)
}
