//! Parsers for the value types both config formats share: CPU lists,
//! memory sizes, nice levels, names, addresses and strings that must be
//! expressible in a unit file.
//!
//! Each returns a message without location; the format readers add the
//! file, line and key.

use std::net::IpAddr;

use super::ranges::{self, IntRange};
use crate::model::{CpuList, Node, NumaPolicy};

/// Highest CPU number accepted (systemd's CPU sets are limited to 8192).
pub const MAX_CPU: u32 = 8191;

/// Most bytes the per-node values of a whole cluster (command lines,
/// environments, directives, `After=` lists) may add up to. Node counts
/// alone do not bound the output: a 1 MB argument repeated on 65,000 nodes
/// would need 65 GB while reading and fill `/run` while writing. Thousands
/// of workers with long argument lists stay far below this.
pub const MAX_NODE_BYTES: usize = 64 << 20;

/// Counts the bytes of the nodes as a reader builds them, so a config that
/// multiplies large values by many nodes is refused as soon as it passes
/// [`MAX_NODE_BYTES`], before it takes more memory than that.
#[derive(Debug, Default)]
pub struct NodeBudget {
    used: usize,
}

impl NodeBudget {
    /// Adds a node whose drop-in also lists `after_bytes` of unit names.
    pub fn add(&mut self, node: &Node, after_bytes: usize) -> Result<(), String> {
        let args: usize = node.args.iter().map(|a| a.len() + 3).sum();
        let env: usize = node.env.iter().map(|(k, v)| k.len() + v.len() + 16).sum();
        let directives: usize = (node.settings.directives.iter())
            .map(|d| d.key.len() + d.value.len() + 2)
            .sum();
        self.used = self
            .used
            .saturating_add(node.name.len() + args + env + directives + after_bytes);
        if self.used > MAX_NODE_BYTES {
            return Err(format!(
                "the units of this cluster would hold more than {} MiB of command lines, \
                 environment and directives (at node {}); shorten the args/env values or use \
                 fewer nodes",
                MAX_NODE_BYTES >> 20,
                node.name
            ));
        }
        Ok(())
    }
}

/// An environment built layer by layer: a later value for a name replaces
/// the earlier one in the place where the name first appeared. Linear in
/// the number of entries: a scan while the list is short (the usual few
/// variables), a name index once it is long, so a table of 50,000
/// variables takes milliseconds, not a quadratic minute at boot.
#[derive(Debug, Default)]
pub struct EnvMerge {
    vars: Vec<(String, String)>,
    index: Option<std::collections::HashMap<String, usize>>,
}

impl EnvMerge {
    /// Entries past which names are looked up in an index.
    const SCAN_MAX: usize = 32;

    /// An empty environment with room for `capacity` entries.
    pub fn with_capacity(capacity: usize) -> Self {
        EnvMerge {
            vars: Vec::with_capacity(capacity),
            index: None,
        }
    }

    /// Sets `name` to `value`.
    pub fn set(&mut self, name: &str, value: String) {
        let found = match &self.index {
            Some(index) => index.get(name).copied(),
            None => self.vars.iter().position(|(n, _)| n == name),
        };
        if let Some(i) = found {
            self.vars[i].1 = value;
            return;
        }
        self.vars.push((name.to_string(), value));
        let len = self.vars.len();
        match &mut self.index {
            Some(index) => {
                index.insert(name.to_string(), len - 1);
            }
            None if len > Self::SCAN_MAX => {
                let index = self
                    .vars
                    .iter()
                    .enumerate()
                    .map(|(i, (n, _))| (n.clone(), i))
                    .collect();
                self.index = Some(index);
            }
            None => {}
        }
    }

    /// The variables in order of first appearance.
    pub fn finish(self) -> Vec<(String, String)> {
        self.vars
    }
}

/// Most entries a CPU list may expand to: every CPU eight times over. A
/// list is a set or a sequence workers take CPUs from, so more is surely a
/// mistake, and "0-8191" repeated along a 1 MB line would otherwise expand
/// to gigabytes.
pub const MAX_CPU_LIST_LEN: usize = 8 * (MAX_CPU as usize + 1);

/// Parses a CPU list: `0-3,8,10-20:2` (comma-separated numbers, ranges
/// and ranges with a stride), keeping the order given.
pub fn parse_cpu_list(text: &str) -> Result<CpuList, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("the CPU list is empty; write e.g. \"0-3,8,10-20:2\"".into());
    }
    let mut cpus = Vec::new();
    for item in text.split(',') {
        let item = item.trim();
        let (range, stride) = match item.split_once(':') {
            Some((range, stride)) => {
                let stride = parse_cpu_number(stride, item)?;
                if stride == 0 {
                    return Err(format!("stride 0 in \"{item}\"; a stride is 1 or more"));
                }
                (range, stride)
            }
            None => (item, 1),
        };
        let (first, last) = match range.split_once('-') {
            Some((first, last)) => (
                parse_cpu_number(first, item)?,
                parse_cpu_number(last, item)?,
            ),
            None => {
                if stride != 1 {
                    return Err(format!(
                        "a stride needs a range, as in \"0-15:2\", not \"{item}\""
                    ));
                }
                let cpu = parse_cpu_number(range, item)?;
                (cpu, cpu)
            }
        };
        if first > last {
            return Err(format!(
                "range \"{item}\" runs backwards; write the lower CPU first"
            ));
        }
        let count = ((last - first) / stride) as usize + 1;
        if cpus.len() + count > MAX_CPU_LIST_LEN {
            return Err(format!(
                "the CPU list expands to more than {MAX_CPU_LIST_LEN} CPUs; list each CPU once"
            ));
        }
        cpus.extend((first..=last).step_by(stride as usize));
    }
    Ok(CpuList(cpus))
}

fn parse_cpu_number(text: &str, item: &str) -> Result<u32, String> {
    let text = text.trim();
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "\"{item}\" is not a CPU number, range (a-b) or strided range (a-b:s)"
        ));
    }
    match text.parse::<u32>() {
        Ok(n) if n <= MAX_CPU => Ok(n),
        _ => Err(format!(
            "CPU {text} in \"{item}\" is above the highest CPU {MAX_CPU}"
        )),
    }
}

/// Validates a `MemoryMax=` value: bytes with an optional K/M/G/T suffix,
/// a percentage of physical memory, or `infinity`.
pub fn parse_memory_max(text: &str) -> Result<String, String> {
    let bad = || {
        format!(
            "\"{text}\" is not a memory size; write digits with an optional K, M, G or T \
             suffix (\"8G\"), a percentage (\"50%\") or \"infinity\""
        )
    };
    if text == "infinity" {
        return Ok(text.to_string());
    }
    let (digits, suffix) = match text.char_indices().last() {
        Some((i, c)) if matches!(c, 'K' | 'M' | 'G' | 'T' | '%') => (&text[..i], Some(c)),
        _ => (text, None),
    };
    if digits.is_empty() || digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    if suffix == Some('%') && digits.parse::<u32>().map_or(true, |p| p > 100) {
        return Err(format!("\"{text}\" is above 100%"));
    }
    Ok(text.to_string())
}

/// Validates a nice level (-20..19).
pub fn check_nice(value: i64) -> Result<i8, String> {
    let IntRange { min, max } = ranges::NICE;
    if ranges::NICE.contains(value) {
        Ok(value as i8)
    } else {
        Err(format!("nice {value} is outside {min}..{max}"))
    }
}

/// Checks an `OOMScoreAdjust=` value.
pub fn check_oom_score_adjust(value: i64) -> Result<i16, String> {
    let IntRange { min, max } = ranges::OOM_SCORE_ADJUST;
    if ranges::OOM_SCORE_ADJUST.contains(value) {
        Ok(value as i16)
    } else {
        Err(format!("oom_score_adjust {value} is outside {min}..{max}"))
    }
}

/// Parses a NUMA policy name.
pub fn parse_numa_policy(text: &str) -> Result<NumaPolicy, String> {
    Ok(match text {
        "default" => NumaPolicy::Default,
        "local" => NumaPolicy::Local,
        "preferred" => NumaPolicy::Preferred,
        "interleave" => NumaPolicy::Interleave,
        "bind" => NumaPolicy::Bind,
        _ => {
            return Err(format!(
                "\"{text}\" is not a NUMA policy; use local, default, preferred, interleave or bind"
            ))
        }
    })
}

/// Whether a format takes a bare IPv6 address or wants it in brackets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ipv6Brackets {
    /// `fd00::1` and `[fd00::1]` (TOML).
    Optional,
    /// Only `[fd00::1]`, as Zeek's `is_valid_ip` takes it in zeek.conf (so
    /// the file stays valid for Zeek's own generator too).
    Required,
}

/// Parses a listen address: an IPv4 address, or an IPv6 address in
/// brackets (`[fd00::1]`) or, where `brackets` allows, without.
pub fn parse_address(text: &str, brackets: Ipv6Brackets) -> Result<IpAddr, String> {
    let inner = match (text.strip_prefix('['), text.strip_suffix(']')) {
        (Some(_), Some(_)) if text.len() >= 2 => &text[1..text.len() - 1],
        (None, None) => text,
        _ => return Err(format!("\"{text}\" has an unmatched bracket")),
    };
    let bracketed = inner.len() != text.len();
    match inner.parse::<IpAddr>() {
        Ok(IpAddr::V4(_)) if bracketed => {
            Err(format!("\"{text}\": brackets are for IPv6 addresses only"))
        }
        Ok(IpAddr::V6(_)) if !bracketed && brackets == Ipv6Brackets::Required => {
            Err(format!("write an IPv6 address in brackets: [{text}]"))
        }
        Ok(addr) => Ok(addr),
        Err(_) => Err(format!("\"{text}\" is not an IPv4 or IPv6 address")),
    }
}

/// Checks a name that becomes part of node names, unit instance names and
/// directory names (an interface name).
pub fn check_name_part(text: &str) -> Result<(), String> {
    let ok = !text.is_empty()
        && text.len() <= 64
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && text.as_bytes()[0].is_ascii_alphanumeric();
    if ok {
        Ok(())
    } else {
        Err(format!(
            "\"{text}\" cannot be part of a node name; use 1 to 64 letters, digits, '-', '_' \
             or '.', starting with a letter or digit"
        ))
    }
}

/// Checks a user or group name (as useradd/systemd-sysusers accept them).
pub fn check_account_name(text: &str) -> Result<(), String> {
    let ok = !text.is_empty()
        && text.len() <= 32
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && !text.as_bytes()[0].is_ascii_digit()
        && text.as_bytes()[0] != b'-';
    if ok {
        Ok(())
    } else {
        Err(format!("\"{text}\" is not a valid user or group name"))
    }
}

/// Checks an environment variable name.
pub fn check_env_name(text: &str) -> Result<(), String> {
    let ok = !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !text.as_bytes()[0].is_ascii_digit();
    if ok {
        Ok(())
    } else {
        Err(format!(
            "\"{text}\" is not an environment variable name (letters, digits and '_', not \
             starting with a digit)"
        ))
    }
}

/// Checks that a string can be written into a unit file at all: no
/// newline, NUL or other control character except tab.
pub fn check_unit_text(text: &str) -> Result<(), String> {
    match text.chars().find(|c| c.is_control() && *c != '\t') {
        None => Ok(()),
        Some(c) => Err(format!(
            "contains the control character {c:?}, which a systemd unit cannot carry"
        )),
    }
}

/// Checks an absolute path that goes into a unit file.
pub fn check_path(text: &str) -> Result<(), String> {
    check_unit_text(text)?;
    if !text.starts_with('/') {
        return Err(format!("\"{text}\" is not an absolute path"));
    }
    if text.split('/').any(|part| part == "..") {
        return Err(format!("\"{text}\" contains \"..\""));
    }
    Ok(())
}

/// Which key a port range problem is blamed on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortProblem {
    /// The cluster listener ports (`port`).
    Listeners(String),
    /// The metrics ports (`metrics_port`).
    Metrics(String),
}

/// Checks the ports of one host, which all bind one address: `listeners`
/// consecutive ports from `port` and `metrics_count` from `metrics_port`
/// (0: metrics off) must stay below 65536 and must not overlap.
pub fn check_port_ranges(
    port: u16,
    listeners: usize,
    metrics_port: u16,
    metrics_count: usize,
) -> Result<(), PortProblem> {
    let (port, metrics) = (usize::from(port), usize::from(metrics_port));
    if port + listeners > 65536 {
        return Err(PortProblem::Listeners(format!(
            "{listeners} listeners starting at port {port} run past port 65535"
        )));
    }
    if metrics_port == 0 {
        return Ok(());
    }
    if metrics + metrics_count > 65536 {
        return Err(PortProblem::Metrics(format!(
            "{metrics_count} metrics ports starting at {metrics} run past port 65535"
        )));
    }
    // A metrics port that is also a listener port makes one of the two
    // nodes fail to bind.
    if listeners > 0 && metrics < port + listeners && port < metrics + metrics_count {
        return Err(PortProblem::Metrics(format!(
            "metrics ports {metrics}..{} overlap the cluster listener ports {port}..{}; move \
             metrics_port or port so the ranges are apart",
            metrics + metrics_count - 1,
            port + listeners - 1
        )));
    }
    Ok(())
}

/// Levenshtein distance, for "did you mean" hints on unknown keys.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(row[j]).min(cur)
            };
            prev = cur;
        }
    }
    row[b.len()]
}

/// The closest of `candidates` to `word`, if it is close enough to be a
/// plausible typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_lists() {
        assert_eq!(
            parse_cpu_list("0-3,8,10-20:2").unwrap().0,
            [0, 1, 2, 3, 8, 10, 12, 14, 16, 18, 20]
        );
        assert_eq!(parse_cpu_list("5").unwrap().0, [5]);
        assert_eq!(parse_cpu_list(" 7 , 2 ").unwrap().0, [7, 2]);
        for bad in [
            "",
            "a",
            "3-1",
            "1-",
            "-1",
            "0-4:0",
            "4:2",
            "8192",
            "1,,2",
            "99999999999",
        ] {
            assert!(parse_cpu_list(bad).is_err(), "{bad:?} accepted");
        }
        // Every CPU eight times is the most a list may name.
        assert!(parse_cpu_list(&["0-8191"; 8].join(",")).is_ok());
        assert!(parse_cpu_list(&(["0-8191"; 8].join(",") + ",0")).is_err());
    }

    #[test]
    fn memory_sizes() {
        for good in ["8G", "1073741824", "512M", "infinity", "50%", "1T", "4K"] {
            assert!(parse_memory_max(good).is_ok(), "{good:?} rejected");
        }
        for bad in ["", "G", "8g", "8GB", "-1", "8 G", "101%", "1.5G"] {
            assert!(parse_memory_max(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn addresses() {
        assert!(parse_address("10.0.0.1", Ipv6Brackets::Optional).is_ok());
        assert!(parse_address("[fd00::1]", Ipv6Brackets::Optional).is_ok());
        assert!(parse_address("fd00::1", Ipv6Brackets::Optional).is_ok());
        for bad in [
            "[1.2.3.4",
            "1.2.3.4]",
            "10.0.0.256",
            "[a::yy]",
            "[1.2.3.4]",
            "host",
        ] {
            assert!(
                parse_address(bad, Ipv6Brackets::Optional).is_err(),
                "{bad:?} accepted"
            );
        }
    }

    #[test]
    fn hints() {
        let keys = ["workers", "capture", "cpus"];
        assert_eq!(did_you_mean("wokers", keys), Some("workers"));
        assert_eq!(did_you_mean("zzzzzz", keys), None);
    }

    #[test]
    fn env_merge_keeps_first_place_and_last_value() {
        for n in [3, 100] {
            let mut env = EnvMerge::default();
            for i in 0..n {
                env.set(&format!("K{i}"), "a".into());
            }
            env.set("K1", "b".into());
            env.set("NEW", "c".into());
            env.set("K0", "d".into());
            let vars = env.finish();
            assert_eq!(vars.len(), n + 1);
            assert_eq!(vars[0], ("K0".to_string(), "d".to_string()));
            assert_eq!(vars[1], ("K1".to_string(), "b".to_string()));
            assert_eq!(vars[n], ("NEW".to_string(), "c".to_string()));
        }
    }

    #[test]
    fn unit_text() {
        assert!(check_unit_text("a b\t%$\"\\ü").is_ok());
        assert!(check_unit_text("a\nb").is_err());
        assert!(check_unit_text("a\0b").is_err());
    }
}
