//! A real Zeek under the generated units (issue: what only Zeek can show):
//! one host with a manager, loggers, a proxy and two AF_PACKET workers on
//! `lo`, from TOML and from zeek.conf, booted in a container with the Zeek
//! tree of `ZEEK_DIST` at /opt/zeek and the default `local` scripts.
//!
//! Per boot: every node says hello in the loggers' cluster.log, nothing of
//! kind error/fatal in reporter.log, `systemd-analyze security` per role,
//! connections made on `lo` appear in conn.log; after `systemctl stop
//! zeek.target` every log is in the archive, named as zeek-archiver names
//! them, none left in the queue or a node's dir; and with `logs_not_lost`:
//! after `kill -9` of a logger the logs it had open reach the archive.
//! What Zeek logged is printed (`cargo test --test real_zeek single_host -- --nocapture`).

use crate::common;

use std::collections::BTreeSet;

use common::real_zeek::{self, exposure};
use common::{run, Boot, BootResult};

/// A host's nodes, spool and archive, as the config says.
pub(crate) struct Site {
    pub(crate) nodes: &'static [&'static str],
    pub(crate) spool: &'static str,
    pub(crate) log_dir: &'static str,
}

const TOML_SITE: Site = Site {
    nodes: &[
        "manager",
        "logger-1",
        "logger-2",
        "proxy-1",
        "worker-lo-1",
        "worker-lo-2",
    ],
    spool: "/opt/zeek/spool",
    log_dir: "/opt/zeek/logs",
};

/// Zeek's generator's layout under base_dir = /opt/zeek.
pub(crate) const ZEEKCONF_SITE: Site = Site {
    nodes: &[
        "manager",
        "logger-1",
        "proxy-1",
        "worker-lo-1",
        "worker-lo-2",
    ],
    spool: "/opt/zeek/var/spool/zeek",
    log_dir: "/opt/zeek/var/logs/zeek",
};

/// Ports the scenario connects to on 127.0.0.1 (nothing listens): before
/// the logger is killed, and before the cluster is stopped.
const PORTS_BEFORE_KILL: [u16; 4] = [40001, 40002, 40003, 40004];
const PORTS_BEFORE_STOP: [u16; 4] = [40011, 40012, 40013, 40014];

/// No logger: the manager logs (Zeek's `Cluster::manager_is_logger`) and
/// rotates into the queue.
const TOML_NO_LOGGER_SITE: Site = Site {
    nodes: &["manager", "proxy-1", "worker-lo-1", "worker-lo-2"],
    spool: "/opt/zeek/spool",
    log_dir: "/opt/zeek/logs",
};

fn toml_config(hardening: &str, loggers: u32) -> String {
    // ignore_checksums: on lo the kernel leaves TCP checksums to offloading,
    // and Zeek would drop those packets as invalid.
    format!(
        r#"
[zeek]
hardening = "{hardening}"
autostart = false
args = ["local", "ignore_checksums=T"]

[logger]
count = {loggers}

[[interface]]
name = "lo"
capture = "af_packet::lo"
workers = 2
cpus = "0-1"
"#
    )
}

/// Roles said explicitly: Zeek's generator has no manager, logger or proxy
/// unless the file names them.
pub(crate) const ZEEKCONF: &str = "\
[zeek]
base_dir = /opt/zeek
manager = 1
loggers = 1
proxies = 1
args = local ignore_checksums=T

[interface lo]
interface = af_packet::lo
workers = 2
workers_cpu_list = 0,1
";

fn units(site: &Site) -> Vec<String> {
    site.nodes
        .iter()
        .map(|n| format!("zeek@{n}.service"))
        .chain(["zeek-archiver.service".to_string()])
        .collect()
}

fn ports(list: &[u16]) -> String {
    list.iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

fn scenario(site: &Site, logs_not_lost: bool) -> String {
    let units = units(site).join(" ");
    let before_kill = ports(&PORTS_BEFORE_KILL);
    let before_stop = ports(&PORTS_BEFORE_STOP);
    let kill = if logs_not_lost {
        format!(
            r#"
# kill -9 of a logger: its open logs are left behind unrotated; the unit's
# ExecStopPost (or else the restarted logger) rotates them into the queue
# and the archiver moves them.
connect_to {before_kill}
wait_for 60 conn_has {before_kill} || fail "conn.log lacks the connections to {before_kill}"
victim=$(logger_dirs | head -1)
victim=${{victim##*/}}
ls "$SPOOL/$victim" | grep '\.log$' | sed 's/\.log$//' | sort >/res/leftovers.txt
[ -s /res/leftovers.txt ] || fail "logger $victim has no open logs"
old=$(main_pid "$victim")
kill -9 "$old"
wait_for 30 eval '[ "$(main_pid "$victim")" != "$old" ] && [ "$(main_pid "$victim")" != 0 ]' || fail "$victim was not restarted"
echo "$victim" >/res/victim.txt
for name in $(cat /res/leftovers.txt); do
    wait_for 90 eval "[ -n \"\$(find \"$LOG_DIR\" -name '$name.*.log.gz')\" ]" ||
        fail "the leftover $name.log of $victim never reached the archive"
done
save_state after-kill
"#
        )
    } else {
        String::new()
    };
    format!(
        r#"
export SPOOL={spool} LOG_DIR={log_dir}
. /etc/zeek-test/zeek-lib.sh
start_zeek
wait_hellos 120
live_log cluster >/res/cluster.log
# TOML configs: every node answers `print` through the manager's WebSocket
# API, also when the manager is the logger (no loggers).
if [ -e /etc/zeek/cluster.toml ]; then
    for _ in $(seq 60); do
        /etc/systemd/system-generators/zeek-systemd-generator print Cluster::node --timeout 3 \
            >/res/print.txt 2>&1 && break
        sleep 0.5
    done
fi
save_security {units}
{kill}
connect_to {before_stop}
wait_for 60 conn_has {before_stop} || fail "conn.log lacks the connections to {before_stop}"
live_log reporter >/res/reporter-live.log
save_restarts
systemctl stop zeek.target || fail "systemctl stop zeek.target failed"
for u in {units}; do
    wait_for 60 eval "[ \"\$(systemctl is-active $u)\" = inactive ]" || fail "$u did not stop"
done
save_state after-stop
archived reporter >/res/reporter-archived.log
archived conn >/res/conn-archived.log
archived cluster >/res/cluster-archived.log
journalctl -b -o cat --no-pager -u 'zeek*' >/res/zeek-journal.log
true
"#,
        spool = site.spool,
        log_dir = site.log_dir,
    )
}

/// Boots the cluster and runs the scenario; None when skipped (`common::require`).
fn boot(config: Config, site: &Site, logs_not_lost: bool) -> Option<BootResult> {
    if !common::real_systemd_available() {
        return None;
    }
    let prefix = real_zeek::zeek_prefix()?;
    let _one_at_a_time = real_zeek::serial();
    let (text, path) = match config {
        Config::Toml(text) => (text, "cluster.toml"),
        Config::ZeekConf(text) => (text.to_string(), "zeek.conf"),
    };
    let mut boot = Boot::new(&text, site.nodes, &scenario(site, logs_not_lost));
    boot.config_path = path.into();
    boot.stand_in = false;
    boot.timeout_secs = 420;
    boot.share_held = true;
    boot.binds.extend(real_zeek::binds(&prefix));
    boot.binds.push(real_zeek::lib_bind());
    let result = run(&boot);
    result.assert_passed();
    println!("timing: {}", result.read("timing").trim());
    Some(result)
}

enum Config {
    Toml(String),
    ZeekConf(&'static str),
}

/// Every node was heard: some node logged "got hello from NODE".
fn assert_hellos(result: &BootResult, site: &Site) {
    let log = result.read("cluster.log");
    for node in site.nodes {
        let needle = format!("got hello from {node} ");
        let heard = log.lines().filter(|l| l.contains(&needle)).count();
        println!("cluster.log: {heard} x \"got hello from {node}\"");
        assert!(heard > 0, "nobody heard {node}; cluster.log:\n{log}");
    }
}

/// `print Cluster::node` got every node's own name; without a logger
/// there is no API (`websocket_without_logger`: it would break the
/// manager's logging), and `print` says so.
fn assert_print_answers(result: &BootResult, site: &Site) {
    let print = result.read("print.txt");
    println!("$ zeek-systemd print Cluster::node --timeout 3\n{print}");
    if !site.nodes.iter().any(|n| n.contains("logger")) {
        assert!(
            print.contains("the manager's WebSocket API is off"),
            "{print}"
        );
        return;
    }
    for node in site.nodes {
        assert!(
            print
                .lines()
                .any(|l| l.trim_start() == format!("{node}   Cluster::node = {node}")),
            "{node} did not answer print:\n{print}"
        );
    }
}

/// No reporter.log line of kind error or fatal, live or archived.
fn assert_no_errors(result: &BootResult) {
    for name in ["reporter-live.log", "reporter-archived.log"] {
        let log = result.read(name);
        let bad: Vec<&str> = log
            .lines()
            .filter(|l| l.contains("Reporter::ERROR") || l.contains("Reporter::FATAL"))
            .collect();
        let entries = log.lines().filter(|l| !l.starts_with('#')).count();
        println!("{name}: {entries} entries, {} error/fatal", bad.len());
        assert!(bad.is_empty(), "{name}:\n{}", bad.join("\n"));
    }
    let journal = result.read("zeek-journal.log");
    let fatal: Vec<&str> = journal
        .lines()
        .filter(|l| l.contains("fatal error") || l.contains("Failed to bind"))
        .collect();
    assert!(fatal.is_empty(), "journal:\n{}", fatal.join("\n"));
}

/// Each unit's exposure is at most its target; returns them for printing.
fn assert_scores(result: &BootResult, site: &Site, node_max: f64, worker_max: f64) {
    for unit in units(site) {
        let text = result.read(&format!("security/{unit}"));
        let score =
            exposure(&text, &unit).unwrap_or_else(|| panic!("no exposure for {unit}:\n{text}"));
        let max = if unit.contains("worker") {
            worker_max
        } else {
            node_max
        };
        println!("systemd-analyze security {unit}: {score}");
        assert!(score <= max, "{unit}: exposure {score} > {max}");
    }
}

/// The archived conn.log has a connection to every port.
fn assert_conn(result: &BootResult, list: &[u16]) {
    let conn = result.read("conn-archived.log");
    let seen: BTreeSet<&str> = conn.lines().filter_map(|l| l.split('\t').nth(5)).collect();
    let entries = conn.lines().filter(|l| !l.starts_with('#')).count();
    println!("archived conn.log: {entries} connections");
    for port in list {
        assert!(
            seen.contains(port.to_string().as_str()),
            "no connection to port {port} in the archived conn.log"
        );
    }
}

/// Files named by a `save_state` list, relative to `dir`.
fn files_under<'a>(list: &'a str, dir: &str) -> Vec<&'a str> {
    list.lines()
        .filter_map(|l| l.strip_prefix(dir)?.strip_prefix('/'))
        .collect()
}

/// Whether `text` has the shape of `pattern`, where `9` is any digit.
fn shaped(text: &str, pattern: &str) -> bool {
    text.len() == pattern.len()
        && text.bytes().zip(pattern.bytes()).all(|(t, p)| {
            if p == b'9' {
                t.is_ascii_digit()
            } else {
                t == p
            }
        })
}

/// zeek-archiver's name, DATE/NAME.HH:MM:SS-HH:MM:SS[-SUFFIX].log.gz
/// (SUFFIX: the logger's name when there are several): (date, name).
fn archive_name(path: &str) -> Option<(&str, &str)> {
    let (date, file) = path.split_once('/')?;
    let (name, rest) = file.strip_suffix(".log.gz")?.split_once('.')?;
    let times = rest.get(..17)?;
    let suffix_ok = rest.len() == 17 || rest[17..].starts_with('-') && rest.len() > 18;
    (shaped(date, "9999-99-99") && shaped(times, "99:99:99-99:99:99") && suffix_ok)
        .then_some((date, name))
}

/// After the stop: no log left in the queue or a node's dir, and every
/// file in the archive is named as the archiver names them.
fn assert_all_archived(result: &BootResult, site: &Site) -> BTreeSet<String> {
    let state = result.read("after-stop.files");
    let stranded: Vec<&str> = files_under(&state, site.spool)
        .into_iter()
        .filter(|f| f.ends_with(".log"))
        .collect();
    assert!(
        stranded.is_empty(),
        "logs left in the spool after the stop: {stranded:?}"
    );
    let archive = files_under(&state, site.log_dir);
    let mut names = BTreeSet::new();
    for file in &archive {
        let (_, name) = archive_name(file)
            .unwrap_or_else(|| panic!("not an archiver name: {}/{file}", site.log_dir));
        names.insert(name.to_string());
    }
    println!(
        "archive after the stop: {} files, logs {:?}",
        archive.len(),
        names
    );
    for name in ["conn", "cluster", "reporter"] {
        assert!(names.contains(name), "no {name} log in the archive");
    }
    names
}

/// The logs the killed logger had open were archived before the stop.
fn assert_leftovers_archived(result: &BootResult, site: &Site) {
    let victim = result.read("victim.txt");
    let leftovers: Vec<String> = result
        .read("leftovers.txt")
        .lines()
        .map(str::to_string)
        .collect();
    let state = result.read("after-kill.files");
    let archived: BTreeSet<&str> = files_under(&state, site.log_dir)
        .into_iter()
        .filter_map(|f| archive_name(f).map(|(_, n)| n))
        .collect();
    println!(
        "kill -9 {}: leftovers {leftovers:?}; archived before the stop: {archived:?}",
        victim.trim()
    );
    for name in &leftovers {
        assert!(
            archived.contains(name.as_str()),
            "leftover {name}.log not archived"
        );
    }
}

fn assert_forms_and_keeps_logs(result: &BootResult, site: &Site) {
    assert_hellos(result, site);
    assert_no_errors(result);
    assert_leftovers_archived(result, site);
    assert_conn(result, &PORTS_BEFORE_KILL);
    assert_conn(result, &PORTS_BEFORE_STOP);
    assert_all_archived(result, site);
}

#[test]
fn toml_strict_cluster_forms_scores_and_keeps_logs() {
    let site = &TOML_SITE;
    let Some(result) = boot(Config::Toml(toml_config("strict", 2)), site, true) else {
        return;
    };
    assert_forms_and_keeps_logs(&result, site);
    assert_scores(&result, site, 1.2, 1.7);
}

#[test]
fn zeekconf_strict_cluster_forms_scores_and_keeps_logs() {
    let site = &ZEEKCONF_SITE;
    let Some(result) = boot(Config::ZeekConf(ZEEKCONF), site, true) else {
        return;
    };
    assert_forms_and_keeps_logs(&result, site);
    assert_scores(&result, site, 1.2, 1.7);
}

#[test]
fn toml_basic_and_off_clusters_form() {
    // "off" without loggers: the manager logs, and its logs reach the
    // archive too.
    for (hardening, site) in [("basic", &TOML_SITE), ("off", &TOML_NO_LOGGER_SITE)] {
        let loggers = site.nodes.iter().filter(|n| n.contains("logger")).count() as u32;
        let config = Config::Toml(toml_config(hardening, loggers));
        let Some(result) = boot(config, site, false) else {
            return;
        };
        println!("hardening = {hardening:?}, {loggers} loggers");
        assert_hellos(&result, site);
        assert_print_answers(&result, site);
        assert_no_errors(&result);
        assert_conn(&result, &PORTS_BEFORE_STOP);
        assert_all_archived(&result, site);
        // Looser than strict, by design; printed for the man page.
        assert_scores(&result, site, 10.0, 10.0);
    }
}
