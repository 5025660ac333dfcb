//! The value readers: one TOML value each, checked with the shared
//! [`values`] parsers and located on failure.

use std::net::IpAddr;
use std::path::PathBuf;

use toml::Spanned;

use super::super::ranges::IntRange;
use super::super::spec::EnvVar;
use super::super::values;
use super::super::ConfigError;
use super::schema::{
    Args, CpusValue, DirectiveScalar, DirectiveValue, Directives, Env, MemoryValue, Str,
};
use super::Reader;
use crate::model::{CpuList, NumaPolicy, UnitDirective, UnitSection};

impl Reader<'_> {
    pub(super) fn string(&self, value: &Str) -> Result<String, ConfigError> {
        self.check(value.span(), values::check_unit_text(value.get_ref()))?;
        Ok(value.get_ref().clone())
    }

    pub(super) fn path_value(&self, value: &Str) -> Result<PathBuf, ConfigError> {
        let text = value.get_ref().trim_end_matches('/');
        let text = if text.is_empty() { "/" } else { text };
        self.check(value.span(), values::check_path(text))?;
        Ok(PathBuf::from(text))
    }

    /// A whole number in `range` (whose minimum is not negative).
    pub(super) fn count(&self, value: &Spanned<i64>, range: IntRange) -> Result<u32, ConfigError> {
        let (n, IntRange { min, max }) = (*value.get_ref(), range);
        if !range.contains(n) {
            return Err(self.error(
                value.span(),
                format!("must be between {min} and {max}, got {n}"),
            ));
        }
        Ok(n as u32)
    }

    /// A port in `range` (`ranges::LISTENER_PORT` or `METRICS_PORT`).
    pub(super) fn port(&self, value: &Spanned<i64>, range: IntRange) -> Result<u16, ConfigError> {
        let (n, IntRange { min, max }) = (*value.get_ref(), range);
        if !range.contains(n) {
            return Err(self.error(value.span(), format!("port {n} is outside {min}..{max}")));
        }
        Ok(n as u16)
    }

    pub(super) fn args(&self, args: &Option<Args>) -> Result<Vec<String>, ConfigError> {
        let Some(args) = args else {
            return Ok(Vec::new());
        };
        args.get_ref().iter().map(|a| self.string(a)).collect()
    }

    pub(super) fn env(&self, env: &Option<Env>) -> Result<Vec<EnvVar>, ConfigError> {
        let Some(env) = env else {
            return Ok(Vec::new());
        };
        let mut out = Vec::with_capacity(env.get_ref().len());
        for (name, value) in env.get_ref() {
            self.check(value.span(), values::check_env_name(name))?;
            // Name the variable where the key does not (an inline table).
            self.check(value.span(), values::check_unit_text(value.get_ref()))
                .map_err(|mut e| {
                    if !e.key.as_deref().is_some_and(|k| k.ends_with(name.as_str())) {
                        e.message = format!("{name}: {}", e.message);
                    }
                    e
                })?;
            out.push(EnvVar {
                name: name.clone(),
                value: self.templated(value),
            });
        }
        Ok(out)
    }

    /// `cpus` of a table whose CPUs are written: every table but an
    /// interface's (see [`Reader::cpu_list`]).
    pub(super) fn cpus(
        &self,
        value: &Option<Spanned<CpusValue>>,
    ) -> Result<Option<CpuList>, ConfigError> {
        let Some(value) = value else { return Ok(None) };
        if let CpusValue::Auto = value.get_ref() {
            return Err(self.error(
                value.span(),
                "\"auto\" is for the workers of an [[interface]] (chosen from the machine's \
                 topology); write this table's CPUs: \"2-5\" or [2, 3, 4, 5]",
            ));
        }
        self.cpu_list(value).map(Some)
    }

    /// A written CPU list: text (`"0-3,8"`) or an array of CPU numbers.
    pub(super) fn cpu_list(&self, value: &Spanned<CpusValue>) -> Result<CpuList, ConfigError> {
        let text = match value.get_ref() {
            CpusValue::Text(text) => text.clone(),
            CpusValue::Numbers(cpus) => {
                if let Some(bad) = cpus
                    .iter()
                    .find(|&&n| !(0..=i64::from(values::MAX_CPU)).contains(&n))
                {
                    return Err(self.error(
                        value.span(),
                        format!("CPU {bad} is not a CPU number (0 to {})", values::MAX_CPU),
                    ));
                }
                let cpus: Vec<String> = cpus.iter().map(i64::to_string).collect();
                cpus.join(",")
            }
            CpusValue::Auto => "auto".into(),
        };
        self.check(value.span(), values::parse_cpu_list(&text))
    }

    pub(super) fn numa(&self, value: &Option<Str>) -> Result<Option<NumaPolicy>, ConfigError> {
        value
            .as_ref()
            .map(|v| self.check(v.span(), values::parse_numa_policy(v.get_ref())))
            .transpose()
    }

    /// An optional whole number, range-checked by `check` (e.g.
    /// `values::check_nice`).
    pub(super) fn ranged<T>(
        &self,
        value: &Option<Spanned<i64>>,
        check: fn(i64) -> Result<T, String>,
    ) -> Result<Option<T>, ConfigError> {
        value
            .as_ref()
            .map(|v| self.check(v.span(), check(*v.get_ref())))
            .transpose()
    }

    pub(super) fn memory(
        &self,
        value: &Option<Spanned<MemoryValue>>,
    ) -> Result<Option<String>, ConfigError> {
        let Some(value) = value else { return Ok(None) };
        let text = match value.get_ref() {
            MemoryValue::Bytes(n) if *n > 0 => n.to_string(),
            MemoryValue::Bytes(n) => {
                return Err(self.error(value.span(), format!("memory size {n} is not positive")))
            }
            MemoryValue::Text(t) => t.clone(),
        };
        self.check(value.span(), values::parse_memory_max(&text))
            .map(Some)
    }

    pub(super) fn directives(
        &self,
        value: &Option<Directives>,
    ) -> Result<Vec<UnitDirective>, ConfigError> {
        let Some(value) = value else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for (section, keys) in value.get_ref() {
            let section = match section.as_str() {
                "Unit" => UnitSection::Unit,
                "Service" => UnitSection::Service,
                other => {
                    return Err(self.error(
                        value.span(),
                        format!(
                            "systemd section \"{other}\" cannot be extended; use \"Unit\" or \"Service\""
                        ),
                    ))
                }
            };
            for (key, v) in keys {
                self.directive(section, key, v, &mut out)?;
            }
        }
        Ok(out)
    }

    /// One `[ROLE.systemd.SECTION]` key: a directive line per value.
    fn directive(
        &self,
        section: UnitSection,
        key: &str,
        v: &Spanned<DirectiveValue>,
        out: &mut Vec<UnitDirective>,
    ) -> Result<(), ConfigError> {
        let key_ok = !key.is_empty()
            && key.as_bytes()[0].is_ascii_uppercase()
            && key.bytes().all(|b| b.is_ascii_alphanumeric());
        if !key_ok {
            return Err(self.error(
                v.span(),
                format!("{key:?} is not a systemd directive name (like LimitNOFILE)"),
            ));
        }
        for scalar in directive_scalars(v.get_ref()) {
            // Name the directive unless the located key already does (it
            // does not for inline tables).
            let named = |mut e: ConfigError| {
                if !e.key.as_deref().is_some_and(|k| k.ends_with(key)) {
                    e.message = format!("{key}: {}", e.message);
                }
                e
            };
            self.check(v.span(), values::check_unit_text(&scalar))
                .map_err(named)?;
            if scalar.ends_with('\\') {
                return Err(named(self.error(
                    v.span(),
                    "a value may not end in a backslash (it would continue onto the next line)",
                )));
            }
            out.push(UnitDirective {
                section,
                key: key.to_string(),
                value: scalar,
            });
        }
        Ok(())
    }
}

/// The values of one `[ROLE.systemd.SECTION]` key as systemd text, one
/// per directive line (a list gives one line per element).
fn directive_scalars(value: &DirectiveValue) -> Vec<String> {
    let scalar = |s: &DirectiveScalar| match s {
        DirectiveScalar::Text(t) => t.clone(),
        DirectiveScalar::Integer(n) => n.to_string(),
        DirectiveScalar::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
    };
    match value {
        DirectiveValue::Text(t) => vec![t.clone()],
        DirectiveValue::Integer(n) => vec![n.to_string()],
        DirectiveValue::Bool(b) => vec![if *b { "yes" } else { "no" }.to_string()],
        DirectiveValue::List(items) => items.iter().map(scalar).collect(),
    }
}

/// An address as TOML takes it: IPv6 with or without brackets.
pub(super) fn parse_address(text: &str) -> Result<std::net::IpAddr, String> {
    values::parse_address(text, values::Ipv6Brackets::Optional)
}

/// Checks an `IPAddressAllow=` entry: an address, an address/prefix or
/// one of systemd's symbolic names.
pub(super) fn check_ip_prefix(text: &str) -> Result<(), String> {
    if matches!(text, "localhost" | "link-local" | "multicast" | "any") {
        return Ok(());
    }
    let (addr, prefix) = match text.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (text, None),
    };
    let addr: IpAddr = addr.parse().map_err(|_| {
        format!(
            "\"{text}\" is not an address, address/prefix, localhost, link-local, multicast or any"
        )
    })?;
    if let Some(p) = prefix {
        let max = if addr.is_ipv4() { 32 } else { 128 };
        match p.parse::<u32>() {
            Ok(n) if n <= max => {}
            _ => return Err(format!("\"{text}\" has an invalid prefix length")),
        }
    }
    Ok(())
}
