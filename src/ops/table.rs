//! The one table formatter of the verbs (`check`, `status`, `netstats`,
//! `import-zeekctl --check`): left-aligned columns as wide as their widest
//! cell, two spaces apart, no trailing blanks, as `systemctl` and
//! `zeekctl` print theirs.

use std::fmt::Write as _;

use super::systemctl::UnitStatus;

/// `rows` (the header first) as aligned text, one line per row. Rows may
/// be of any length; a column is as wide as its widest cell.
pub fn format<R: AsRef<[String]>>(rows: &[R]) -> String {
    let mut widths: Vec<usize> = Vec::new();
    for row in rows {
        for (i, cell) in row.as_ref().iter().enumerate() {
            if widths.len() <= i {
                widths.push(0);
            }
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (cell, w) in row.as_ref().iter().zip(&widths) {
            let _ = write!(line, "{cell:<w$}  ");
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// `42s`, `3min 5s`, `2h 4min`, `3d 1h`.
pub fn age(secs: u64) -> String {
    match secs {
        0..=59 => format!("{secs}s"),
        60..=3599 => format!("{}min {}s", secs / 60, secs % 60),
        3600..=86399 => format!("{}h {}min", secs / 3600, secs % 3600 / 60),
        _ => format!("{}d {}h", secs / 86400, secs % 86400 / 3600),
    }
}

/// `0.12s` below a minute, then as [`age`].
pub fn cpu_time(ns: u64) -> String {
    if ns < 60_000_000_000 {
        format!("{:.2}s", ns as f64 / 1e9)
    } else {
        age(ns / 1_000_000_000)
    }
}

/// `812K`, `1.2M`, `3.4G` (powers of 1024, as systemctl prints them).
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "K", "M", "G", "T"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 || value >= 100.0 {
        format!("{value:.0}{}", UNITS[unit])
    } else {
        format!("{value:.1}{}", UNITS[unit])
    }
}

/// Seconds since the epoch, now.
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The column names of the node table; `with_host`: a HOST column first
/// (`status --cluster`).
pub fn node_header(with_host: bool) -> Vec<String> {
    let columns = [
        "NODE",
        "ROLE",
        "STATE",
        "PID",
        "SINCE",
        "RESTARTS",
        "LAST-EXIT",
        "CPU-TIME",
        "MEMORY",
        "CPUS",
    ];
    with_host
        .then_some("HOST")
        .into_iter()
        .chain(columns)
        .map(String::from)
        .collect()
}

/// A unit's row of the node table, under [`node_header`]; `host` fills the
/// HOST column when there is one.
pub fn node_row(host: Option<&str>, u: &UnitStatus, now: u64) -> Vec<String> {
    let dash = || "-".to_string();
    host.map(String::from)
        .into_iter()
        .chain([
            u.node.clone().unwrap_or_else(|| u.unit.clone()),
            u.role.clone(),
            u.state.name().to_string(),
            u.pid.map_or_else(dash, |p| p.to_string()),
            u.since
                .map_or_else(dash, |t| format!("{} ago", age(now.saturating_sub(t)))),
            u.restarts.to_string(),
            u.last_exit.clone().unwrap_or_else(dash),
            u.cpu_time_ns.map_or_else(dash, cpu_time),
            u.memory_bytes.map_or_else(dash, bytes),
            u.cpus.clone().unwrap_or_else(|| "all".into()),
        ])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align_and_lines_end_without_blanks() {
        let rows = [
            vec!["NODE".to_string(), "ROLE".into(), "CPUS".into()],
            vec!["worker-eth1-1".into(), "worker".into(), "".into()],
        ];
        assert_eq!(
            format(&rows),
            "NODE           ROLE    CPUS\nworker-eth1-1  worker\n"
        );
    }

    #[test]
    fn ages_and_sizes() {
        assert_eq!(age(5), "5s");
        assert_eq!(age(185), "3min 5s");
        assert_eq!(age(7440), "2h 4min");
        assert_eq!(bytes(512), "512B");
        assert_eq!(bytes(1536), "1.5K");
        assert_eq!(bytes(300 << 20), "300M");
    }
}
