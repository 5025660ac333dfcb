//! TOML values as the imported file writes them.

/// A TOML basic string.
pub fn quote(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// A TOML array of basic strings.
pub fn list(items: &[String]) -> String {
    let inner: Vec<String> = items.iter().map(|s| quote(s)).collect();
    format!("[{}]", inner.join(", "))
}

/// `ours = "value"   # Key (line N)` for each (zeekctl.cfg key, our key)
/// the file sets: a string setting carried over as it is, with where it
/// came from.
pub fn copied_strings(
    out: &mut String,
    cfg: &super::zeekctl_cfg::ZeekctlCfg,
    keys: &[(&str, &str)],
) {
    use std::fmt::Write as _;
    for (key, ours) in keys {
        if let Some(s) = cfg.get(key) {
            let _ = writeln!(
                out,
                "{ours} = {}   # {} (line {})",
                quote(&s.value),
                s.key,
                s.line
            );
        }
    }
}
