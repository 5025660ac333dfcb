//! The line grammar of Zeek's `zeek.conf` (`parse_ini_like` in Zeek's
//! `tools/systemd-generator`): comments, `[sections]`, `key = value` and
//! continuation lines. Values stay text here; `settings` gives them types.

use std::path::Path;

use super::super::{values, ConfigError};

/// One value of an option, with the line it came from.
#[derive(Debug, Clone)]
pub struct Value {
    pub text: String,
    pub line: usize,
}

/// `key = value`, plus one value per continuation line.
#[derive(Debug, Clone)]
pub struct Opt {
    /// Lower-cased, as Zeek looks keys up.
    pub key: String,
    pub line: usize,
    pub values: Vec<Value>,
}

/// A `[name]` section, or the unnamed top of the file.
#[derive(Debug, Clone)]
pub struct Section {
    /// `None` for the options before the first `[section]`.
    pub name: Option<String>,
    pub line: usize,
    pub options: Vec<Opt>,
}

impl Section {
    /// How messages name a key of this section: `workers` at the top
    /// level, `[interface eth1] workers` inside a section.
    pub fn label(&self, key: &str) -> String {
        match &self.name {
            None => key.to_string(),
            Some(name) => format!("[{name}] {key}"),
        }
    }

    /// ` in section 'NAME'`, as Zeek's messages end.
    pub fn in_section(&self) -> String {
        match &self.name {
            None => String::new(),
            Some(name) => format!(" in section '{name}'"),
        }
    }
}

/// Splits `text` into sections. The first error stops parsing (Zeek
/// collects several; one located message is enough to fix the file).
pub fn parse(path: &Path, text: &str) -> Result<Vec<Section>, ConfigError> {
    let mut sections = vec![Section {
        name: None,
        line: 1,
        options: Vec::new(),
    }];
    // Whether a continuation line may extend the last option: reset at
    // every section header, as in Zeek.
    let mut have_option = false;
    for (index, raw) in text.split('\n').enumerate() {
        let at = LineAt {
            path,
            line_no: index + 1,
        };
        let line = raw.trim_end();
        // Control characters other than tab cannot reach a unit file; say
        // so here, where the line number is known.
        if let Err(message) = values::check_unit_text(line) {
            let section = sections.last().expect("there is always a section");
            return Err(at.error(section, format!("this line {message}")));
        }
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.len() > 2 && line.starts_with('[') && line.ends_with(']') {
            let section = header(&at, &sections, &line[1..line.len() - 1])?;
            sections.push(section);
            have_option = false;
            continue;
        }
        let section = sections.last_mut().expect("there is always a section");
        option_line(&at, section, line, &mut have_option)?;
    }
    // Zeek keeps the unnamed section only when it has options.
    if sections[0].options.is_empty() {
        sections.remove(0);
    }
    Ok(sections)
}

/// A line of the file, for messages.
struct LineAt<'a> {
    path: &'a Path,
    line_no: usize,
}

impl LineAt<'_> {
    fn error(&self, section: &Section, message: String) -> ConfigError {
        ConfigError {
            file: self.path.to_path_buf(),
            line: Some(self.line_no),
            key: section.name.as_ref().map(|n| format!("[{n}]")),
            message,
        }
    }
}

/// A `[name]` header: a new section, unless the name was used before.
fn header(at: &LineAt, sections: &[Section], name: &str) -> Result<Section, ConfigError> {
    if let Some(previous) = sections.iter().find(|s| s.name.as_deref() == Some(name)) {
        return Err(ConfigError {
            file: at.path.to_path_buf(),
            line: Some(at.line_no),
            key: Some(format!("[{name}]")),
            message: format!(
                "duplicate section '{name}' (first at line {}); merge the two",
                previous.line
            ),
        });
    }
    Ok(Section {
        name: Some(name.to_string()),
        line: at.line_no,
        options: Vec::new(),
    })
}

/// A `key = value` line, or a continuation line of the option above.
fn option_line(
    at: &LineAt,
    section: &mut Section,
    line: &str,
    have_option: &mut bool,
) -> Result<(), ConfigError> {
    let first = line.as_bytes()[0];
    if first.is_ascii_whitespace() {
        let value = line.trim_start();
        let Some(opt) = section.options.last_mut().filter(|_| *have_option) else {
            return Err(at.error(
                section,
                format!(
                    "unexpected continuation line '{line}'{}; a line that starts with \
                     whitespace continues the option above it (write '#' in the first column \
                     for a comment)",
                    section.in_section()
                ),
            ));
        };
        opt.values.push(Value {
            text: value.to_string(),
            line: at.line_no,
        });
        return Ok(());
    }
    let is_key_start = first.is_ascii_lowercase() || first.is_ascii_digit() || first == b'_';
    let Some((key, value)) = line.split_once('=').filter(|_| is_key_start) else {
        return Err(at.error(
            section,
            format!(
                "invalid line '{line}'{}; expected 'key = value' (lower-case key), \
                 '[section]', '# comment' or an indented continuation line",
                section.in_section()
            ),
        ));
    };
    let key = key.trim().to_ascii_lowercase();
    if let Some(previous) = section.options.iter().find(|o| o.key == key) {
        return Err(ConfigError {
            file: at.path.to_path_buf(),
            line: Some(at.line_no),
            key: Some(section.label(&key)),
            message: format!(
                "duplicate option '{key}'{} (first at line {}); give it once",
                section.in_section(),
                previous.line
            ),
        });
    }
    section.options.push(Opt {
        key,
        line: at.line_no,
        values: vec![Value {
            text: value.trim().to_string(),
            line: at.line_no,
        }],
    });
    *have_option = true;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Vec<Section> {
        parse(Path::new("zeek.conf"), text).unwrap()
    }

    fn parse_err(text: &str) -> String {
        parse(Path::new("zeek.conf"), text).unwrap_err().to_string()
    }

    #[test]
    fn options_comments_and_continuations() {
        let sections =
            parse_ok("# comment\n\ninterface = eth0 # not a comment\nenv =\n  A=1\n\tB=2\n");
        assert_eq!(sections.len(), 1);
        let opts = &sections[0].options;
        assert_eq!(opts[0].key, "interface");
        assert_eq!(opts[0].values[0].text, "eth0 # not a comment");
        let env: Vec<_> = opts[1]
            .values
            .iter()
            .map(|v| (v.text.as_str(), v.line))
            .collect();
        assert_eq!(env, [("", 4), ("A=1", 5), ("B=2", 6)]);
    }

    #[test]
    fn sections_keep_order_and_empty_named_sections() {
        let sections = parse_ok("[zeek]\nmanager = 1\n[interface eth1]\n");
        let names: Vec<_> = sections.iter().map(|s| s.name.clone()).collect();
        assert_eq!(names, [Some("zeek".into()), Some("interface eth1".into())]);
    }

    #[test]
    fn errors_are_located() {
        assert_eq!(
            parse_err("a = 1\nWorkers = 2\n"),
            "zeek.conf:2: invalid line 'Workers = 2'; expected 'key = value' (lower-case key), \
             '[section]', '# comment' or an indented continuation line"
        );
        assert!(
            parse_err("[zeek]\n  x\n").starts_with("zeek.conf:2: [zeek]: unexpected continuation")
        );
        assert!(parse_err("[zeek]\n[zeek]\n")
            .starts_with("zeek.conf:2: [zeek]: duplicate section 'zeek'"));
        assert!(parse_err("[zeek]\na=1\na=2\n")
            .starts_with("zeek.conf:3: [zeek] a: duplicate option 'a' in section 'zeek'"));
        assert!(parse_err("a = 1\nb = x\u{7}y\n").starts_with("zeek.conf:2: this line contains"));
    }
}
