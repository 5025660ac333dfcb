//! The values of the operations settings (`[logs]`, `[disk]`, `[alerts]`
//! in the TOML format): retention ages, free-space thresholds, mail
//! addresses and webhook URLs, checked before anything is written.

use crate::model::{Age, MinFree};

/// `[logs] keep`: `30d`, `12h`, `90min`, `2w` (also `day(s)`, `hour(s)`,
/// `week(s)`), or `forever` (`None`).
pub fn parse_age(text: &str) -> Result<Option<Age>, String> {
    let text = text.trim();
    if matches!(text, "forever" | "never") {
        return Ok(None);
    }
    let fix = "write a whole number and a unit (`30d`, `12h`, `90min`, `2w`), or \"forever\"";
    let digits_end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(digits_end);
    let Ok(number) = number.parse::<u64>() else {
        return Err(format!("\"{text}\" is not an age; {fix}"));
    };
    let (unit_secs, tmpfiles_unit) = match unit.trim() {
        "min" | "mins" | "minute" | "minutes" => (60, "min"),
        "h" | "hr" | "hour" | "hours" => (3600, "h"),
        "d" | "day" | "days" => (86400, "d"),
        "w" | "week" | "weeks" => (7 * 86400, "w"),
        "m" => return Err(format!("\"{text}\": `m` could be minutes or months; {fix}")),
        _ => return Err(format!("\"{text}\" has no known unit; {fix}")),
    };
    // More than 100 years is a typo, and would overflow what systemd
    // accepts; keeping logs that long is "forever".
    let seconds = number
        .checked_mul(unit_secs)
        .filter(|s| (60..=100 * 365 * 86400).contains(s))
        .ok_or_else(|| {
            format!("\"{text}\" is outside 1min..100 years; for no expiry write \"forever\"")
        })?;
    Ok(Some(Age {
        seconds,
        tmpfiles: format!("{number}{tmpfiles_unit}"),
    }))
}

/// `[disk] min_free`: a percentage of the file system (`5%`; `0%` never
/// reports) or a size (`20G`, `500M`, digits with K/M/G/T, powers of 1024).
pub fn parse_min_free(text: &str) -> Result<MinFree, String> {
    let text = text.trim();
    let fix = "write a percentage of the file system (\"5%\") or a size (\"20G\", \"500M\")";
    if let Some(percent) = text.strip_suffix('%') {
        return match percent.trim().parse::<u8>() {
            Ok(p) if p <= 99 => Ok(MinFree::Percent(p)),
            _ => Err(format!(
                "\"{text}\" is not a percentage from 0% to 99%; {fix}"
            )),
        };
    }
    let (number, shift) = match text.as_bytes().last() {
        Some(b'K') => (&text[..text.len() - 1], 10),
        Some(b'M') => (&text[..text.len() - 1], 20),
        Some(b'G') => (&text[..text.len() - 1], 30),
        Some(b'T') => (&text[..text.len() - 1], 40),
        _ => (text, 0),
    };
    number
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(1u64 << shift))
        .map(MinFree::Bytes)
        .ok_or_else(|| format!("\"{text}\" is not a size or a percentage; {fix}"))
}

/// A mail address for `sendmail -t`: one address, no spaces, commas or
/// angle brackets (list several as several entries), not an option.
pub fn check_mail_address(text: &str) -> Result<(), String> {
    let bad = text.is_empty()
        || text.starts_with('-')
        || text
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>,;\"'()\\".contains(c));
    if bad {
        return Err(format!(
            "\"{text}\" is not one mail address (user@example.org, or a local user); \
             list several recipients as several entries"
        ));
    }
    Ok(())
}

/// A webhook URL: `http://` or `https://`, no spaces or control
/// characters.
pub fn check_webhook(text: &str) -> Result<(), String> {
    let scheme_ok = ["http://", "https://"]
        .iter()
        .any(|s| text.len() > s.len() && text.starts_with(s));
    if !scheme_ok || text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "\"{text}\" is not an http:// or https:// URL (without spaces)"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages() {
        let age = |t: &str| parse_age(t).map(|a| a.map(|a| (a.seconds, a.tmpfiles)));
        assert_eq!(age("30d"), Ok(Some((2_592_000, "30d".into()))));
        assert_eq!(age("12 hours"), Ok(Some((43_200, "12h".into()))));
        assert_eq!(age("90min"), Ok(Some((5_400, "90min".into()))));
        assert_eq!(age("2w"), Ok(Some((1_209_600, "2w".into()))));
        assert_eq!(age("forever"), Ok(None));
        for bad in [
            "30",
            "3m",
            "0d",
            "d",
            "-1d",
            "99999999999999999999d",
            "40000w",
        ] {
            assert!(age(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn thresholds() {
        assert_eq!(parse_min_free("5%"), Ok(MinFree::Percent(5)));
        assert_eq!(parse_min_free("0%"), Ok(MinFree::Percent(0)));
        assert_eq!(parse_min_free("20G"), Ok(MinFree::Bytes(20 << 30)));
        assert_eq!(parse_min_free("4096"), Ok(MinFree::Bytes(4096)));
        for bad in ["100%", "5 %x", "1.5G", "G", "99999999T", ""] {
            assert!(parse_min_free(bad).is_err(), "{bad}");
        }
        assert_eq!(MinFree::Percent(5).bytes(1000), 50);
    }

    #[test]
    fn addresses_and_urls() {
        assert!(check_mail_address("ops@example.org").is_ok());
        assert!(check_mail_address("root").is_ok());
        for bad in ["", "-oi", "a@b, c@d", "A <a@b>", "a@b\nBcc: x"] {
            assert!(check_mail_address(bad).is_err(), "{bad}");
        }
        assert!(check_webhook("http://127.0.0.1:8080/hook").is_ok());
        assert!(check_webhook("https://hooks.example.org/x").is_ok());
        for bad in ["ftp://x", "http://", "http://a b", "hooks.example.org"] {
            assert!(check_webhook(bad).is_err(), "{bad}");
        }
    }
}
