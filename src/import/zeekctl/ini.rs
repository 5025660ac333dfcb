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
use std::collections::BTreeMap;
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
    let mut parser = Parser {
        path,
        sections: Vec::new(),
        defaults: Vec::new(),
        current: None,
        last_value: false,
    };
    for (index, raw) in text.lines().enumerate() {
        parser.line(index + 1, raw)?;
    }
    let mut sections = parser.sections;
    apply_defaults(&mut sections, &parser.defaults);
    for section in &mut sections {
        let snapshot = section.entries.clone();
        for entry in &mut section.entries {
            entry.value = interpolate(path, &section.name, &snapshot, entry, 0)?;
        }
    }
    Ok(sections)
}

/// The state of reading node.cfg line by line.
struct Parser<'a> {
    path: &'a Path,
    sections: Vec<Section>,
    defaults: Vec<Entry>,
    /// Which list the next entry goes to: None = no section yet,
    /// Some(None) = [DEFAULT], Some(Some(i)) = sections[i].
    current: Option<Option<usize>>,
    /// Whether the previous line was a value an indented line continues
    /// (a blank line ends it, as in configparser).
    last_value: bool,
}

impl Parser<'_> {
    fn err(&self, line: usize, msg: String) -> ImportError {
        ImportError::at(self.path, line, None, msg)
    }

    /// Reads one line (`line` counts from 1).
    fn line(&mut self, line: usize, raw: &str) -> Result<(), ImportError> {
        let stripped = raw.trim();
        if stripped.is_empty() {
            self.last_value = false;
            return Ok(());
        }
        if stripped.starts_with('#') || stripped.starts_with(';') {
            return Ok(());
        }
        let indented = raw.starts_with([' ', '\t']);
        if indented && self.last_value {
            self.continuation(stripped);
            return Ok(());
        }
        if let Some(rest) = stripped.strip_prefix('[') {
            self.header(line, stripped, rest)?;
            self.last_value = false;
            return Ok(());
        }
        self.entry(line, stripped)?;
        self.last_value = true;
        Ok(())
    }

    /// An indented line: appended to the previous value on a new line.
    fn continuation(&mut self, stripped: &str) {
        let entries = match self.current {
            Some(Some(i)) => &mut self.sections[i].entries,
            _ => &mut self.defaults,
        };
        if let Some(entry) = entries.last_mut() {
            entry.value.push('\n');
            entry.value.push_str(stripped);
        }
    }

    /// A `[section]` line (`rest` follows the `[`).
    fn header(&mut self, line: usize, stripped: &str, rest: &str) -> Result<(), ImportError> {
        let Some(end) = rest.rfind(']') else {
            return Err(self.err(line, format!("cannot parse line: {stripped}")));
        };
        let name = rest[..end].to_string();
        if name == "DEFAULT" {
            self.current = Some(None);
            return Ok(());
        }
        if let Some(first) = self.sections.iter().find(|s| s.name == name) {
            return Err(self.err(
                line,
                format!(
                    "section '{name}' already exists (first at line {}); give this node \
                     another name or merge the two",
                    first.line
                ),
            ));
        }
        self.sections.push(Section {
            name,
            line,
            entries: Vec::new(),
        });
        self.current = Some(Some(self.sections.len() - 1));
        Ok(())
    }

    /// A `key = value` or `key: value` line.
    fn entry(&mut self, line: usize, stripped: &str) -> Result<(), ImportError> {
        let Some(split) = stripped.find(['=', ':']) else {
            return Err(self.err(
                line,
                format!("cannot parse line (expected `key = value` or `[section]`): {stripped}"),
            ));
        };
        let key = stripped[..split].trim().to_lowercase();
        let value = stripped[split + 1..].trim().to_string();
        let (section_name, entries) = match self.current {
            None => {
                return Err(self.err(
                    line,
                    "file contains no section headers: every node is a `[name]` section".into(),
                ))
            }
            Some(Some(i)) => {
                let section = &mut self.sections[i];
                (section.name.clone(), &mut section.entries)
            }
            Some(None) => ("DEFAULT".to_string(), &mut self.defaults),
        };
        if entries.iter().any(|e| e.key == key) {
            return Err(ImportError::at(
                self.path,
                line,
                Some(format!("[{section_name}] {key}")),
                "option already exists in this section".into(),
            ));
        }
        entries.push(Entry { key, value, line });
        Ok(())
    }
}

/// `[DEFAULT]` keys go to every section that does not set them itself.
fn apply_defaults(sections: &mut [Section], defaults: &[Entry]) {
    for section in sections {
        for d in defaults {
            if section.get(&d.key).is_none() {
                section.entries.push(d.clone());
            }
        }
    }
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

/// `_get_env_var_dict`: `VAR1=1, VAR2=2`. No quoting of any kind: values
/// cannot contain a comma, quotes stay part of the value, and the key and
/// the value are stripped of surrounding whitespace.
pub fn env_var_dict(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut env = BTreeMap::new();
    for keyval in text.split(',') {
        let Some((key, val)) = keyval.split_once('=') else {
            return Err(format!("missing '=' in env_vars option value: {keyval}"));
        };
        let key = key.trim();
        if key.is_empty() {
            return Err(format!(
                "env_vars option value must contain at least one environment variable name: {keyval}"
            ));
        }
        env.insert(key.to_string(), val.trim().to_string());
    }
    Ok(env)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_vars_like_zeekctl() {
        let env = env_var_dict(" A = 1 , B=\"x y\",C==z").unwrap();
        assert_eq!(env["A"], "1");
        assert_eq!(env["B"], "\"x y\"");
        assert_eq!(env["C"], "=z");
        assert!(env_var_dict("A=1,").is_err());
        assert!(env_var_dict("=1").is_err());
    }
}
