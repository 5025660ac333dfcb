//! Where in the text a value is: the line and the `[section] key` a byte
//! span belongs to, and parse errors turned into located messages.

use std::ops::Range;
use std::path::Path;

use super::super::values;
use super::super::ConfigError;

/// Turns a TOML or serde error into a located [`ConfigError`], with a
/// "did you mean" hint for unknown keys.
pub(super) fn parse_error(path: &Path, text: &str, error: &::toml::de::Error) -> ConfigError {
    let message = error.message().trim().to_string();
    let span = error.span();
    let (line, key) = match &span {
        Some(span) => {
            let (line, key) = locate(text, span.clone());
            (Some(line), key)
        }
        None => (None, None),
    };
    let message = match unknown_key_hint(&message) {
        // An unknown top-level table is located at its header line.
        Some(better)
            if key.as_deref().is_some_and(|k| k.starts_with('['))
                && !key.as_deref().is_some_and(|k| k.contains(' ')) =>
        {
            better.replacen("unknown key", "unknown section", 1)
        }
        Some(better) => better,
        None => message,
    };
    ConfigError {
        file: path.to_path_buf(),
        line,
        key,
        message,
    }
}

/// Rewrites serde's "unknown field `x`, expected one of `a`, `b`" into a
/// message with a hint.
fn unknown_key_hint(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (field, rest) = rest.split_once('`')?;
    let expected: Vec<&str> = rest
        .split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, s)| s)
        .collect();
    let mut out = format!("unknown key \"{field}\"");
    if let Some(hint) = values::did_you_mean(field, expected.iter().copied()) {
        out.push_str(&format!("; did you mean \"{hint}\"?"));
    }
    if !expected.is_empty() {
        out.push_str(&format!(" (known keys here: {})", expected.join(", ")));
    }
    Some(out)
}

/// The 1-based line of `span` and the key it belongs to, written as
/// `[section] key` from the nearest table header above it and the text
/// before `=` on its line.
pub(super) fn locate(text: &str, span: Range<usize>) -> (usize, Option<String>) {
    let start = span.start.min(text.len());
    let before = &text.as_bytes()[..start];
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line_text = text[line_start..].lines().next().unwrap_or("");
    let trimmed = line_text.trim();
    let section = text[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .map(|l| l.split('#').next().unwrap_or(l).trim().to_string());
    let key = if trimmed.starts_with('[') {
        Some(
            trimmed
                .split('#')
                .next()
                .unwrap_or(trimmed)
                .trim()
                .to_string(),
        )
    } else {
        let name = trimmed.split('=').next().unwrap_or("").trim();
        match (section, name.is_empty() || !trimmed.contains('=')) {
            (Some(section), false) => Some(format!("{section} {name}")),
            (None, false) => Some(name.to_string()),
            (Some(section), true) => Some(section),
            (None, true) => None,
        }
    };
    (line, key)
}
