//! The value readers: one option value each, checked with the shared
//! [`values`] parsers, with Zeek's messages on failure.

use std::net::IpAddr;

use super::super::super::ranges::IntRange;
use super::super::super::values::{self, Ipv6Brackets};
use super::super::super::ConfigError;
use super::super::ini::{Opt, Section};
use super::{EnvLine, Reader};
use crate::model::CpuList;

impl Reader<'_> {
    /// The one value of a single-valued option.
    pub(super) fn single<'s>(
        &self,
        section: &Section,
        opt: &'s Opt,
    ) -> Result<&'s str, ConfigError> {
        if let Some(extra) = opt.values.get(1) {
            return Err(self.error(
                extra.line,
                section.label(&opt.key),
                format!(
                    "multiple values for '{}' given; only keys ending in 'env' or 'args' take \
                     continuation lines",
                    opt.key
                ),
            ));
        }
        Ok(&opt.values[0].text)
    }

    /// `*args`: the values joined with spaces (as Zeek joins them), split
    /// into words the way systemd splits Zeek's `ExecStart=` line.
    pub(super) fn args(&self, section: &Section, opt: &Opt) -> Result<Vec<String>, ConfigError> {
        let joined: Vec<&str> = opt
            .values
            .iter()
            .map(|v| v.text.as_str())
            .filter(|t| !t.is_empty())
            .collect();
        split_words(&joined.join(" ")).map_err(|m| self.opt_error(section, opt, m))
    }

    /// `*env`: one `KEY=VALUE` per value; empty values are skipped.
    pub(super) fn env(&self, section: &Section, opt: &Opt) -> Result<Vec<EnvLine>, ConfigError> {
        let label = section.label(&opt.key);
        let mut out = Vec::new();
        for value in opt.values.iter().filter(|v| !v.text.is_empty()) {
            let bad = |detail: String| {
                self.error(
                    value.line,
                    label.clone(),
                    format!(
                        "error in {}: invalid env value '{}': {detail}",
                        opt.key, value.text
                    ),
                )
            };
            let Some((name, val)) = value.text.split_once('=') else {
                return Err(bad(
                    "write KEY=VALUE, one per (continuation) line".to_string()
                ));
            };
            values::check_env_name(name).map_err(bad)?;
            out.push(EnvLine {
                name: name.to_string(),
                value: val.to_string(),
                line: value.line,
                label: label.clone(),
            });
        }
        Ok(out)
    }

    /// A whole number in `range`.
    pub(super) fn int(
        &self,
        section: &Section,
        opt: &Opt,
        range: IntRange,
    ) -> Result<i64, ConfigError> {
        let text = self.single(section, opt)?;
        let IntRange { min, max } = range;
        match text.parse::<i64>() {
            Ok(n) if range.contains(n) && !text.starts_with('+') => Ok(n),
            _ => Err(self.opt_error(
                section,
                opt,
                format!(
                    "invalid {} value: '{text}'; use a whole number from {min} to {max}",
                    opt.key
                ),
            )),
        }
    }

    /// A port in `range` (`ranges::LISTENER_PORT` or `METRICS_PORT`).
    pub(super) fn port(
        &self,
        section: &Section,
        opt: &Opt,
        range: IntRange,
    ) -> Result<u16, ConfigError> {
        Ok(self.int(section, opt, range)? as u16)
    }

    /// An optional whole number (empty: none) in `range`, as `T` (which
    /// holds the whole range).
    pub(super) fn ranged<T: TryFrom<i64>>(
        &self,
        section: &Section,
        opt: &Opt,
        range: IntRange,
    ) -> Result<Option<T>, ConfigError> {
        let text = self.single(section, opt)?;
        if text.is_empty() {
            return Ok(None);
        }
        let value = (text.parse::<i64>().ok())
            .filter(|n| range.contains(*n) && !text.starts_with('+'))
            .and_then(|n| T::try_from(n).ok());
        let IntRange { min, max } = range;
        match value {
            Some(n) => Ok(Some(n)),
            None => Err(self.opt_error(
                section,
                opt,
                format!(
                    "invalid {} value '{text}'; use a whole number from {min} to {max}",
                    opt.key
                ),
            )),
        }
    }

    pub(super) fn memory(
        &self,
        section: &Section,
        opt: &Opt,
    ) -> Result<Option<String>, ConfigError> {
        let text = self.single(section, opt)?;
        if text.is_empty() {
            return Ok(None);
        }
        values::parse_memory_max(text)
            .map(Some)
            .map_err(|m| self.opt_error(section, opt, format!("invalid {} '{text}': {m}", opt.key)))
    }

    pub(super) fn cpus(
        &self,
        section: &Section,
        opt: &Opt,
    ) -> Result<Option<CpuList>, ConfigError> {
        let text = self.single(section, opt)?;
        if text.is_empty() {
            return Ok(None);
        }
        // Zeek refuses a stride without a range ("1:1"); so does this.
        let strided_single = text.split(',').find(|item| {
            item.split(':').next().is_some_and(|r| !r.contains('-')) && item.contains(':')
        });
        if let Some(item) = strided_single {
            return Err(self.opt_error(
                section,
                opt,
                format!(
                    "invalid {} value '{text}': a stride needs a range, as in \"0-15:2\", not \"{}\"",
                    opt.key,
                    item.trim()
                ),
            ));
        }
        values::parse_cpu_list(text).map(Some).map_err(|m| {
            self.opt_error(
                section,
                opt,
                format!("invalid {} value '{text}': {m}", opt.key),
            )
        })
    }

    /// An absolute path; empty means "not given".
    pub(super) fn path_value(
        &self,
        section: &Section,
        opt: &Opt,
    ) -> Result<Option<String>, ConfigError> {
        let text = self.single(section, opt)?;
        if text.is_empty() {
            return Ok(None);
        }
        let trimmed = text.trim_end_matches('/');
        let trimmed = if trimmed.is_empty() { "/" } else { trimmed };
        values::check_path(trimmed).map_err(|m| {
            self.opt_error(section, opt, format!("invalid {} '{text}': {m}", opt.key))
        })?;
        Ok(Some(trimmed.to_string()))
    }

    /// A `PATH`-like list that is put in front of the default one.
    pub(super) fn search_path(
        &self,
        section: &Section,
        opt: &Opt,
    ) -> Result<Option<String>, ConfigError> {
        let text = self.single(section, opt)?;
        Ok((!text.is_empty()).then(|| text.to_string()))
    }

    /// A `user` or `group` value.
    pub(super) fn account_name(&self, section: &Section, opt: &Opt) -> Result<String, ConfigError> {
        let text = self.single(section, opt)?;
        values::check_account_name(text).map_err(|m| {
            self.opt_error(section, opt, format!("invalid {} '{text}': {m}", opt.key))
        })?;
        Ok(text.to_string())
    }

    /// An `address` or `cluster_address` value.
    pub(super) fn address_value(
        &self,
        section: &Section,
        opt: &Opt,
    ) -> Result<IpAddr, ConfigError> {
        let text = self.single(section, opt)?;
        values::parse_address(text, Ipv6Brackets::Required)
            .map_err(|m| self.opt_error(section, opt, format!("invalid address '{text}': {m}")))
    }
}

/// Splits an argument string into words as systemd splits an `ExecStart=`
/// line (Zeek writes the joined args there unquoted): whitespace separates
/// words, double or single quotes group, and a backslash makes a quote or
/// a backslash literal.
pub fn split_words(text: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quote) {
            ('\\', _) if matches!(chars.peek(), Some('"' | '\'' | '\\')) => {
                word.extend(chars.next());
                in_word = true;
            }
            ('"' | '\'', None) => {
                quote = Some(c);
                in_word = true;
            }
            (c, Some(q)) if c == q => quote = None,
            (c, None) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (c, _) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if let Some(q) = quote {
        return Err(format!(
            "unclosed {q} quote in '{text}'; close it, or write \\{q} for a literal quote"
        ));
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words() {
        assert_eq!(
            split_words(" local  tuning/json-logs a=\"x y\" 'q r' b\\\"c ").unwrap(),
            ["local", "tuning/json-logs", "a=x y", "q r", "b\"c"]
        );
        assert_eq!(split_words("re=/a\\.b/").unwrap(), ["re=/a\\.b/"]);
        assert_eq!(split_words("\"\"").unwrap(), [""]);
        assert!(split_words("a \"b").is_err());
    }

    #[test]
    fn addresses() {
        assert!(values::parse_address("10.0.0.1", Ipv6Brackets::Required).is_ok());
        assert!(values::parse_address("[fd00::1]", Ipv6Brackets::Required).is_ok());
        for bad in [
            "[1.2.3.4]",
            "1.2.3.4]",
            "[1.2.3.4",
            "10.0.0.256",
            "[a::yy]",
            "fd00::1",
            "host",
            "",
        ] {
            assert!(
                values::parse_address(bad, Ipv6Brackets::Required).is_err(),
                "{bad:?} accepted"
            );
        }
    }
}
