//! zeekctl.cfg: `Key = value` lines (`ZeekControl/config.py`
//! `_read_config`, `_check_options`). Keys are case-insensitive, the last
//! of a duplicated key wins, `#` starts a comment line, a value wrapped in
//! quotes is rejected, typed options are converted or rejected.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::ini::env_var_dict;
use super::ImportError;

/// One `Key = value` line as written (for the comments of the output).
#[derive(Debug, Clone)]
pub struct Setting {
    /// The key as the file spells it.
    pub key: String,
    pub value: String,
    pub line: usize,
}

/// The options the importer maps, with ZeekControl's defaults.
#[derive(Debug, Clone)]
pub struct ZeekctlCfg {
    pub path: PathBuf,
    /// Every line in file order (later duplicates included).
    pub settings: Vec<Setting>,
    pub site_policy_scripts: Vec<String>,
    pub zeek_args: Vec<String>,
    pub env: BTreeMap<String, String>,
    pub zeek_port: u16,
    pub metrics_port: u16,
    pub pf_ring_cluster_id: i64,
    pub pf_ring_cluster_type: String,
    pub pf_ring_cluster_type_line: Option<usize>,
    pub pf_ring_first_app_instance: i64,
}

impl ZeekctlCfg {
    /// ZeekControl's defaults (no zeekctl.cfg given).
    pub fn defaults(path: &Path) -> ZeekctlCfg {
        ZeekctlCfg {
            path: path.to_path_buf(),
            settings: Vec::new(),
            site_policy_scripts: vec!["local.zeek".into()],
            zeek_args: Vec::new(),
            env: BTreeMap::new(),
            zeek_port: 27760,
            metrics_port: 9991,
            pf_ring_cluster_id: 21,
            pf_ring_cluster_type: "6-tuple".into(),
            pf_ring_cluster_type_line: None,
            pf_ring_first_app_instance: 0,
        }
    }

    /// The last value of `key` (lower case), if set.
    pub fn get(&self, key: &str) -> Option<&Setting> {
        self.settings
            .iter()
            .rev()
            .find(|s| s.key.to_lowercase() == key)
    }
}

/// Reads zeekctl.cfg `text` (from `path`).
pub fn read(path: &Path, text: &str) -> Result<ZeekctlCfg, ImportError> {
    let mut cfg = ZeekctlCfg::defaults(path);
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let stripped = raw.trim();
        if stripped.is_empty() || stripped.starts_with('#') {
            continue;
        }
        let Some((key, value)) = stripped.split_once('=') else {
            return Err(ImportError::at(
                path,
                line,
                None,
                format!("zeekctl config syntax error: {stripped}"),
            ));
        };
        let (key, value) = (key.trim(), value.trim());
        check_key(path, line, key)?;
        let quoted = value.len() >= 2
            && ((value.starts_with('"') && value.ends_with('"'))
                || (value.starts_with('\'') && value.ends_with('\'')));
        if quoted {
            return Err(ImportError::at(
                path,
                line,
                Some(key.into()),
                format!(
                    "value of zeekctl option \"{}\" cannot be wrapped in quotes",
                    key.to_lowercase()
                ),
            ));
        }
        cfg.settings.push(Setting {
            key: key.to_string(),
            value: value.to_string(),
            line,
        });
    }
    apply(&mut cfg)?;
    Ok(cfg)
}

fn check_key(path: &Path, line: usize, key: &str) -> Result<(), ImportError> {
    let lower = key.to_lowercase();
    let fail = |m: String| ImportError::at(path, line, Some(key.into()), m);
    if lower.is_empty()
        || !lower
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.')
    {
        return Err(fail(format!(
            "zeekctl option name \"{lower}\" contains invalid characters (allowed characters: a-z, 0-9, ., and _)"
        )));
    }
    if lower.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(fail(format!(
            "zeekctl option name \"{lower}\" cannot start with a number"
        )));
    }
    Ok(())
}

fn int_option(cfg: &ZeekctlCfg, key: &str, default: i64) -> Result<i64, ImportError> {
    let Some(s) = cfg.get(key) else {
        return Ok(default);
    };
    s.value.trim().parse().map_err(|_| {
        ImportError::at(
            &cfg.path,
            s.line,
            Some(s.key.clone()),
            format!(
                "zeekctl option '{key}' has invalid value '{}' for type int",
                s.value
            ),
        )
    })
}

/// An int option that must be a port number.
fn port_option(cfg: &ZeekctlCfg, key: &str, default: i64) -> Result<u16, ImportError> {
    let v = int_option(cfg, key, default)?;
    u16::try_from(v).map_err(|_| {
        let s = cfg.get(key).map(|s| (s.line, s.key.clone()));
        ImportError::at(
            &cfg.path,
            s.as_ref().map_or(1, |s| s.0),
            s.map(|s| s.1),
            format!("{v} is not a port number"),
        )
    })
}

/// The typed options the importer uses.
fn apply(cfg: &mut ZeekctlCfg) -> Result<(), ImportError> {
    if let Some(s) = cfg.get("sitepolicyscripts") {
        cfg.site_policy_scripts = s.value.split_whitespace().map(str::to_string).collect();
    }
    if let Some(s) = cfg.get("zeekargs") {
        cfg.zeek_args = s.value.split_whitespace().map(str::to_string).collect();
    }
    if let Some(s) = cfg.get("env_vars").filter(|s| !s.value.is_empty()) {
        cfg.env = env_var_dict(&s.value).map_err(|m| {
            ImportError::at(
                &cfg.path,
                s.line,
                Some(s.key.clone()),
                format!("zeekctl config: {m}"),
            )
        })?;
    }
    cfg.zeek_port = port_option(cfg, "zeekport", 27760)?;
    cfg.metrics_port = port_option(cfg, "metricsport", 9991)?;
    cfg.pf_ring_cluster_id = int_option(cfg, "pfringclusterid", 21)?;
    cfg.pf_ring_first_app_instance = int_option(cfg, "pfringfirstappinstance", 0)?;
    if let Some((value, line)) = cfg
        .get("pfringclustertype")
        .map(|s| (s.value.clone(), s.line))
    {
        cfg.pf_ring_cluster_type = value;
        cfg.pf_ring_cluster_type_line = Some(line);
    }
    check_typed_options(cfg)
}

/// ZeekControl's typed options (`options.py`, the user-settable `int` and
/// `bool` ones): `_read_config` converts each and refuses the file when a
/// value does not convert, so the import does too.
const TYPED_OPTIONS: &[(&str, &str)] = &[
    ("debug", "bool"),
    ("havenfs", "bool"),
    ("savetraces", "bool"),
    ("stoptimeout", "int"),
    ("commtimeout", "int"),
    ("commandtimeout", "int"),
    ("zeekport", "int"),
    ("metricsport", "int"),
    ("logrotationinterval", "int"),
    ("compresslogs", "bool"),
    ("compresslogsinflight", "int"),
    ("privateaddressspaceislocal", "bool"),
    ("mailalarmsinterval", "int"),
    ("mailconnectionsummary", "bool"),
    ("mailhostupdown", "bool"),
    ("mailarchivelogfail", "bool"),
    ("mailreceivingpackets", "bool"),
    ("mindiskspace", "int"),
    ("statslogenable", "bool"),
    ("statslogexpireinterval", "int"),
    ("crashexpireinterval", "int"),
    ("statuscmdshowall", "bool"),
    ("stopwait", "bool"),
    ("pfringclusterid", "int"),
    ("pfringfirstappinstance", "int"),
    ("usewebsocket", "bool"),
    ("websocketport", "int"),
    ("websockettimeout", "int"),
];

/// Refuses what ZeekControl refuses: a typed option whose value does not
/// convert, a `LogExpireInterval` that is not a number of days, hours or
/// minutes, logs expiring before they are rotated.
fn check_typed_options(cfg: &ZeekctlCfg) -> Result<(), ImportError> {
    for (key, kind) in TYPED_OPTIONS {
        let Some(s) = cfg.get(key) else { continue };
        let value = s.value.trim();
        let ok = match *kind {
            "int" => value.parse::<i64>().is_ok(),
            _ => matches!(value.to_lowercase().as_str(), "0" | "1" | "true" | "false"),
        };
        if !ok {
            let fix = if *kind == "int" {
                "a whole number"
            } else {
                "1, 0, true or false"
            };
            return Err(ImportError::at(
                &cfg.path,
                s.line,
                Some(s.key.clone()),
                format!(
                    "zeekctl option '{key}' has invalid value '{}' for type {kind} (ZeekControl \
                     refuses it: write {fix})",
                    s.value
                ),
            ));
        }
    }
    let Some(s) = cfg.get("logexpireinterval") else {
        return Ok(());
    };
    let minutes = log_expire_minutes(&s.value).ok_or_else(|| {
        ImportError::at(
            &cfg.path,
            s.line,
            Some(s.key.clone()),
            format!(
                "value of zeekctl option \"logexpireinterval\" is invalid (value must be integer \
                 followed by a time unit \"day\", \"hr\", or \"min\"): {}",
                s.value
            ),
        )
    })?;
    let rotation = int_option(cfg, "logrotationinterval", 3600)?;
    if minutes > 0 && minutes * 60 < rotation {
        return Err(ImportError::at(
            &cfg.path,
            s.line,
            Some(s.key.clone()),
            "Log expire interval cannot be shorter than the log rotation interval".into(),
        ));
    }
    Ok(())
}

/// `_get_interval_minutes`: a plain integer counts days, else an integer,
/// an optional space and `day`, `hr` or `min` (an `s` may follow).
pub fn log_expire_minutes(value: &str) -> Option<i64> {
    let value = value.trim();
    if let Ok(days) = value.parse::<i64>() {
        return Some(days * 24 * 60);
    }
    let digits_end = value.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = value.split_at(digits_end);
    let number: i64 = number.parse().ok()?;
    let unit = unit.strip_prefix(' ').unwrap_or(unit);
    let unit = unit.strip_suffix('s').unwrap_or(unit);
    let per_unit = match unit {
        "day" => 24 * 60,
        "hr" => 60,
        "min" => 1,
        _ => return None,
    };
    Some(number * per_unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_expire_interval_as_zeekctl_reads_it() {
        assert_eq!(log_expire_minutes("30"), Some(30 * 24 * 60));
        assert_eq!(log_expire_minutes("2day"), Some(2 * 24 * 60));
        assert_eq!(log_expire_minutes("12 hrs"), Some(12 * 60));
        assert_eq!(log_expire_minutes("90min"), Some(90));
        assert_eq!(log_expire_minutes("0"), Some(0));
        assert_eq!(log_expire_minutes("2week"), None);
        assert_eq!(log_expire_minutes("2  day"), None);
        assert_eq!(log_expire_minutes("day"), None);
    }

    #[test]
    fn typed_options_are_refused_with_their_line() {
        let text = "LogDir = /var/log/zeek\nMinDiskSpace = abc\n";
        let error = read(Path::new("zeekctl.cfg"), text)
            .unwrap_err()
            .to_string();
        assert!(error.contains("zeekctl.cfg:2: MinDiskSpace"), "{error}");
        assert!(error.contains("'abc' for type int"), "{error}");
        let error = read(Path::new("zeekctl.cfg"), "LogExpireInterval = 2week\n")
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("zeekctl.cfg:1: LogExpireInterval"),
            "{error}"
        );
        assert!(error.contains("\"day\", \"hr\", or \"min\""), "{error}");
    }
}
