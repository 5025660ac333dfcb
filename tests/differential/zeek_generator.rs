//! Differential test against Zeek's own generator (issue 8): every
//! zeek.conf fixture goes through Zeek's C++ `zeek-systemd-generator` and
//! through ours, and what systemd itself makes of the two sets of units is
//! compared node by node (nodes matched by `CLUSTER_NODE`).
//!
//! One container boot (tests/systemd/nspawn-run) does all valid configs:
//! both generators are installed as real generators; for each config and
//! each generator the scenario puts the config where that generator looks
//! (ours: `/etc/zeek/`, Zeek's: `/opt/zeek/etc/zeek/`, the hostname set
//! for a multi-host host), runs `systemctl daemon-reload` and dumps, over
//! D-Bus, the properties of every unit `zeek.target` wants: argv, environment,
//! working directory, user, group, CPUAffinity, NUMAPolicy, Nice,
//! MemoryMax, Restart, RestartSec. Nothing is started.
//!
//! Every difference must be explained by one row of the table of deliberate
//! differences in `docs/zeek-conf-migration.md`; the rows are read from
//! there, and each has one predicate here (`explains`). Bad configs (both
//! must refuse) and `layout` against `zeek-cluster-layout-generator -C` are
//! checked without a boot.
//!
//! The reference binary comes from `ZEEK_REFERENCE_GENERATOR`, else the
//! conventional `/opt/zeek/bin/zeek-systemd-generator` (the layout tool
//! from `ZEEK_REFERENCE_LAYOUT_GENERATOR`, default: the
//! `zeek-cluster-layout-generator` next to it). Neither there: the test
//! fails in CI and is skipped elsewhere (`common::require`).

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{real_systemd_available, run, Boot, BootResult};
use zeek_systemd::config::zeekconf;
use zeek_systemd::model::CpuList;

const GENERATOR_ENV: &str = "ZEEK_REFERENCE_GENERATOR";
const LAYOUT_ENV: &str = "ZEEK_REFERENCE_LAYOUT_GENERATOR";
/// Where Zeek installs its generator by default.
const CONVENTIONAL_GENERATOR: &str = "/opt/zeek/bin/zeek-systemd-generator";

/// Zeek's two programs.
struct Reference {
    generator: PathBuf,
    layout: PathBuf,
}

/// The reference programs, `None` when skipped (`common::require`: never
/// in CI).
fn reference() -> Option<Reference> {
    let generator = match std::env::var_os(GENERATOR_ENV).filter(|v| !v.is_empty()) {
        Some(generator) => generator,
        None if Path::new(CONVENTIONAL_GENERATOR).is_file() => CONVENTIONAL_GENERATOR.into(),
        None => {
            common::require(
                false,
                "Zeek's own zeek-systemd-generator",
                &format!(
                    "set {GENERATOR_ENV} to it (built from Zeek's source, \
                     tools/systemd-generator), or install Zeek at /opt/zeek; {LAYOUT_ENV} names \
                     zeek-cluster-layout-generator if it is not next to it"
                ),
            );
            return None;
        }
    };
    let generator = PathBuf::from(generator);
    let layout = std::env::var_os(LAYOUT_ENV)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| generator.with_file_name("zeek-cluster-layout-generator"));
    for program in [&generator, &layout] {
        assert!(
            program.is_file(),
            "{} does not exist ({GENERATOR_ENV}/{LAYOUT_ENV})",
            program.display()
        );
    }
    Some(Reference { generator, layout })
}

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/zeekconf")
}

fn ours() -> Command {
    // A config dir with the cluster's secrets: a multi-host directory is
    // refused without them (issue 18; see the `multi-host-secrets` row).
    let etc = common::root().join("target/differential-etc");
    fs::create_dir_all(&etc).expect("config dir");
    fs::write(etc.join("cluster-secrets"), common::scratch::TEST_SECRETS).expect("secrets");
    let mut command = Command::new(common::program());
    command.env("ZEEK_SYSTEMD_CONFIG_DIR", etc);
    command
}

/// One config as one host sees it.
#[derive(Debug, Clone)]
struct Case {
    /// A name for messages and result files.
    id: String,
    /// Relative to `tests/fixtures/zeekconf`: a `.conf` file or a multi-host dir.
    rel: String,
    /// The host, for a multi-host dir.
    host: Option<String>,
}

impl Case {
    fn path(&self) -> PathBuf {
        data_dir().join(&self.rel)
    }

    /// What Zeek's generator gets as `--config`: the file, or the host's
    /// own file of the directory.
    fn reference_config(&self) -> PathBuf {
        match &self.host {
            None => self.path(),
            Some(host) => self.path().join(format!("{host}.zeek.conf")),
        }
    }

    /// `--config X [--host H]` for ours.
    fn our_args(&self) -> Vec<String> {
        let mut args = vec!["--config".to_string(), self.path().display().to_string()];
        if let Some(host) = &self.host {
            args.extend(["--host".to_string(), host.clone()]);
        }
        args
    }
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .collect();
    paths.sort();
    paths
}

/// Every valid config: single files in `configs/` and
/// `differential/single/`, and every host of every directory in `multi/`
/// and `differential/multi/`.
fn valid_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for dir in ["configs", "differential/single"] {
        for path in sorted_entries(&data_dir().join(dir)) {
            if path.extension().is_some_and(|e| e == "conf") {
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                cases.push(Case {
                    id: format!(
                        "{}-{}",
                        dir.replace('/', "-"),
                        name.trim_end_matches(".conf")
                    ),
                    rel: format!("{dir}/{name}"),
                    host: None,
                });
            }
        }
    }
    for dir in ["multi", "differential/multi"] {
        for cluster in sorted_entries(&data_dir().join(dir)) {
            let cluster_name = cluster.file_name().unwrap().to_string_lossy().into_owned();
            for file in sorted_entries(&cluster) {
                let name = file.file_name().unwrap().to_string_lossy().into_owned();
                if let Some(host) = zeekconf::host_of(&name) {
                    cases.push(Case {
                        id: format!("{}-{cluster_name}-{host}", dir.replace('/', "-")),
                        rel: format!("{dir}/{cluster_name}"),
                        host: Some(host.to_string()),
                    });
                }
            }
        }
    }
    cases
}

fn output_text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Runs Zeek's generator on the host into a scratch dir.
fn run_reference(reference: &Reference, config: &Path) -> Output {
    let out = tempfile::tempdir().expect("temp dir");
    Command::new(&reference.generator)
        .arg("--config")
        .arg(config)
        .arg(out.path())
        .output()
        .expect("run Zeek's generator")
}

/// Runs ours on the host into a scratch dir.
fn run_ours(args: &[String]) -> Output {
    let out = tempfile::tempdir().expect("temp dir");
    ours()
        .args(args)
        .arg(out.path())
        .output()
        .expect("run zeek-systemd-generator")
}

// ---------------------------------------------------------------------
// The allow-list: the table of deliberate differences in the docs.

/// A row of the table: its id, and its kind: a difference in the units
/// of configs both accept, a config only Zeek accepts (`refused`), or one
/// only zeek-systemd accepts (`accepted`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Row {
    id: String,
    /// `units`, `refused` or `accepted`.
    kind: String,
}

/// The rows of the table under "## Deliberate differences" in
/// docs/zeek-conf-migration.md: lines `| `id` | units/refused | ...`.
fn allow_list() -> Vec<Row> {
    let doc = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/zeek-conf-migration.md"),
    )
    .expect("docs/zeek-conf-migration.md");
    let section = doc
        .split("\n## ")
        .find(|s| s.starts_with("Deliberate differences"))
        .expect("a '## Deliberate differences' section in docs/zeek-conf-migration.md");
    let mut rows = Vec::new();
    for line in section.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let id = cells[1].trim_matches('`').to_string();
        let kind = cells[2].to_string();
        assert!(
            ["units", "refused", "accepted"].contains(&kind.as_str()),
            "row {id}: kind {kind:?} is not units, refused or accepted"
        );
        rows.push(Row { id, kind });
    }
    assert!(
        !rows.is_empty(),
        "no rows in the table of deliberate differences"
    );
    rows
}

/// The ids `explains` knows: the test and the table must list the same.
const UNIT_ROWS: &[&str] = &[
    "escaped-values",
    "prefixed-working-directory",
    "per-interface-cpu-index",
    "archiver-working-directory",
    "deployed-scripts",
    "multi-host-secrets",
    "restart-delay",
];

/// One property of one node that differs.
#[derive(Debug, Clone)]
struct Difference {
    node: String,
    /// Zeek's side's environment of the process, for expansions.
    reference_env: BTreeMap<String, String>,
    field: &'static str,
    ours: String,
    reference: String,
}

/// What a case's config says, for the predicates.
struct CaseFacts {
    /// Every worker of this host: index in its interface and on the host
    /// (both from 0) and its interface's CPU list.
    workers: BTreeMap<String, (usize, usize, Option<CpuList>)>,
    interfaces: usize,
    spool: String,
    /// This host's node name prefix ("" for none).
    prefix: String,
    /// The config sets `restart_interval_sec`.
    restart_set: bool,
}

fn case_facts(case: &Case) -> CaseFacts {
    let file = case.reference_config();
    let text = fs::read_to_string(&file).expect("read config");
    let sections = zeekconf::ini::parse(&file, &text).expect("parse");
    let conf = zeekconf::settings::read(&file, &sections).expect("settings");
    let prefix = match (&conf.node_prefix, &case.host) {
        (Some(p), _) => p.clone(),
        (None, Some(h)) => h.clone(),
        (None, None) => String::new(),
    };
    let mut workers = BTreeMap::new();
    let mut h = 0;
    for iface in &conf.interfaces {
        for k in 0..iface.workers as usize {
            let base = match &iface.name {
                Some(name) => format!("worker-{name}-{}", k + 1),
                None => format!("worker-{}", k + 1),
            };
            let node = match prefix.as_str() {
                "" => base,
                p => format!("{p}-{base}"),
            };
            workers.insert(node, (k, h, iface.role.settings.cpus.clone()));
            h += 1;
        }
    }
    CaseFacts {
        workers,
        interfaces: conf.interfaces.len(),
        spool: conf.base_dir.join("var/spool/zeek").display().to_string(),
        prefix,
        restart_set: conf.units.restart_sec.is_some(),
    }
}

/// Where the nodes find the deployed snapshot of their scripts.
const CURRENT_SNAPSHOT: &str = "/var/lib/zeek-systemd/current";

/// When the two environments' `ZEEKPATH`s differ only as they should,
/// ours naming the deployed snapshot where Zeek's names the live dirs
/// (`ext_zeek_path` entries before the generated scripts as `extra/N`,
/// the generated scripts, the site dir): the difference without them.
fn without_snapshot_path(facts: &CaseFacts, d: &Difference) -> Option<Difference> {
    if d.field != "Environment" {
        return None;
    }
    let parse = |text: &str| serde_json::from_str::<BTreeMap<String, String>>(text).ok();
    let (mut ours, mut reference) = (parse(&d.ours)?, parse(&d.reference)?);
    let (our_path, zeek_path) = (ours.remove("ZEEKPATH")?, reference.remove("ZEEKPATH")?);
    let generated = format!("{}/generated-scripts", facts.spool);
    let at = zeek_path.split(':').position(|e| e == generated)?;
    let mapped: Vec<String> = zeek_path
        .split(':')
        .enumerate()
        .map(|(i, entry)| match entry {
            _ if i < at => format!("{CURRENT_SNAPSHOT}/extra/{i}"),
            _ if i == at => format!("{CURRENT_SNAPSHOT}/generated-scripts"),
            e if e.ends_with("/share/zeek/site") => format!("{CURRENT_SNAPSHOT}/site"),
            e => e.to_string(),
        })
        .collect();
    (our_path == mapped.join(":")).then(|| Difference {
        ours: serde_json::to_string(&ours).expect("a map encodes"),
        reference: serde_json::to_string(&reference).expect("a map encodes"),
        ..d.clone()
    })
}

/// The row that explains `d`, if any.
fn explains(facts: &CaseFacts, d: &Difference) -> Option<&'static str> {
    if d.field == "WorkingDirectory" {
        let unprefixed = d
            .node
            .strip_prefix(&format!("{}-", facts.prefix))
            .filter(|_| !facts.prefix.is_empty());
        if let Some(base) = unprefixed {
            if d.ours == format!("{}/{}", facts.spool, d.node)
                && d.reference == format!("{}/{base}", facts.spool)
            {
                return Some("prefixed-working-directory");
            }
        }
        if d.node == ARCHIVER && d.reference == facts.spool {
            return Some("archiver-working-directory");
        }
    }
    if pasted_values_explain(d) {
        return Some("escaped-values");
    }
    if let Some(rest) = without_snapshot_path(facts, d) {
        // ZEEKPATH names the snapshot; anything else must be explained too.
        if rest.ours == rest.reference {
            return Some("deployed-scripts");
        }
        if pasted_values_explain(&rest) {
            return Some("escaped-values");
        }
    }
    if multi_host_scripts_explain(d) {
        return Some("multi-host-secrets");
    }
    if restart_delay_explains(facts, d) {
        return Some("restart-delay");
    }
    if d.field == "CPUAffinity" && facts.interfaces > 1 {
        if let Some((k, h, Some(cpus))) = facts.workers.get(&d.node) {
            if d.ours == format!("{:?}", [cpus.nth_wrapping(*k)])
                && d.reference == format!("{:?}", [cpus.nth_wrapping(*h)])
            {
                return Some("per-interface-cpu-index");
            }
        }
    }
    None
}

/// Zeek's generator's `RestartSec=` when `restart_interval_sec` is unset.
const ZEEK_RESTART_USEC: &str = "1000000";

/// Whether `d` is the restart delay ours chooses when the config sets
/// none (issue 20), for whichever systemd the container runs, where
/// Zeek's generator writes 1 s.
fn restart_delay_explains(facts: &CaseFacts, d: &Difference) -> bool {
    use zeek_systemd::generator::restart;
    if d.field != "RestartUSec" || facts.restart_set || d.reference != ZEEK_RESTART_USEC {
        return false;
    }
    let chosen = [
        restart::archiver_restart_sec(None),
        restart::node_policy(None, Some(restart::BACKOFF_SINCE - 1)).restart_sec,
        restart::node_policy(None, Some(restart::BACKOFF_SINCE)).restart_sec,
    ];
    chosen.iter().any(|text| usec(text).to_string() == d.ours)
}

/// Microseconds of a `RestartSec=` value the generator writes: `500ms`
/// or whole seconds (`1`).
fn usec(text: &str) -> u64 {
    match text.strip_suffix("ms") {
        Some(ms) => ms.parse::<u64>().expect("milliseconds") * 1000,
        None => text.parse::<u64>().expect("seconds") * 1_000_000,
    }
}

/// Whether `d` is a multi-host node's command line with the two scripts
/// zeek-systemd adds last (issue 18): the host's identity and the node's
/// part of the cluster secrets, from its credentials dir.
fn multi_host_scripts_explain(d: &Difference) -> bool {
    if d.field != "ExecStart" {
        return false;
    }
    let (Ok(ours), Ok(reference)) = (
        serde_json::from_str::<Vec<Vec<String>>>(&d.ours),
        serde_json::from_str::<Vec<Vec<String>>>(&d.reference),
    ) else {
        return false;
    };
    ours.len() == reference.len()
        && ours.iter().zip(&reference).all(|(o, r)| {
            o.len() == r.len() + 2
                && o[..r.len()] == r[..]
                && o[r.len()] == "/run/zeek-systemd/identity.zeek"
                && o[r.len() + 1].starts_with("/run/credentials/zeek@")
                && o[r.len() + 1].ends_with("/zeek-cluster-secrets.zeek")
        })
}

/// Whether `d` is what systemd makes of our values when they are pasted
/// into a unit unquoted, as Zeek's generator does: an `Environment=K=V`
/// line is split at whitespace (the first word sets K, later `X=Y` words
/// set X), and `${X}`/`$X` in a command line are expanded.
fn pasted_values_explain(d: &Difference) -> bool {
    match d.field {
        "Environment" => {
            let (Ok(ours), Ok(reference)) = (
                serde_json::from_str::<BTreeMap<String, String>>(&d.ours),
                serde_json::from_str::<BTreeMap<String, String>>(&d.reference),
            ) else {
                return false;
            };
            let mut pasted = BTreeMap::new();
            for (name, value) in &ours {
                for (i, word) in format!("{name}={value}").split_whitespace().enumerate() {
                    if let Some((k, v)) = word.split_once('=') {
                        pasted.insert(k.to_string(), v.to_string());
                    } else if i == 0 {
                        pasted.insert(name.clone(), String::new());
                    }
                }
            }
            pasted == reference
        }
        "ExecStart" => {
            let (Ok(ours), Ok(reference)) = (
                serde_json::from_str::<Vec<Vec<String>>>(&d.ours),
                serde_json::from_str::<Vec<Vec<String>>>(&d.reference),
            ) else {
                return false;
            };
            let env = d.reference_env.clone();
            let pasted: Vec<Vec<String>> = ours
                .iter()
                .map(|argv| argv.iter().flat_map(|w| expand_word(w, &env)).collect())
                .collect();
            pasted == reference
        }
        _ => false,
    }
}

/// The archiver's key in the node maps.
const ARCHIVER: &str = "(archiver)";

// ---------------------------------------------------------------------
// What systemd makes of the units.

/// The properties compared, as the scenario asks D-Bus for them
/// (interface org.freedesktop.systemd1.Service).
const PROPERTIES: &[&str] = &[
    "ExecStart",
    "Environment",
    "WorkingDirectory",
    "User",
    "Group",
    "CPUAffinity",
    "NUMAPolicy",
    "Nice",
    "MemoryMax",
    "Restart",
    "RestartUSec",
];

/// The scenario: for every case (`/etc/zeek-test/cases`: id, path under
/// /etc/zeek-test/fixtures, host or `-`) and both generators, install the
/// config, daemon-reload, and dump every unit zeek.target wants into
/// /res/diff/<id>.<ours|reference>.
const SCENARIO: &str = r#"
props="__PROPERTIES__"
mkdir -p /res/diff /opt/zeek/etc/zeek
rm -f /etc/zeek/cluster.toml
dump() {
    local unit path
    for unit in $(systemctl show -p Wants --value zeek.target); do
        # Only services run processes (zeek-config-check.path does not).
        [[ $unit == *.service ]] || continue
        path=$(busctl call org.freedesktop.systemd1 /org/freedesktop/systemd1 \
            org.freedesktop.systemd1.Manager GetUnit s "$unit") || fail "no unit $unit"
        path=${path#o \"}
        path=${path%\"}
        echo "unit $unit"
        busctl --json=short get-property org.freedesktop.systemd1 "$path" \
            org.freedesktop.systemd1.Unit LoadState || fail "LoadState of $unit"
        # shellcheck disable=SC2086
        busctl --json=short get-property org.freedesktop.systemd1 "$path" \
            org.freedesktop.systemd1.Service $props || fail "properties of $unit"
    done
}
while read -r id rel host; do
    for gen in ours reference; do
        rm -rf /etc/zeek/zeek.conf /etc/zeek/cluster /opt/zeek/etc/zeek/zeek.conf /opt/zeek/etc/zeek/cluster
        case $gen in
            ours) dest=/etc/zeek ;;
            reference) dest=/opt/zeek/etc/zeek ;;
        esac
        if [[ $host == - ]]; then
            cp "/etc/zeek-test/fixtures/$rel" "$dest/zeek.conf"
        else
            mkdir "$dest/cluster"
            cp /etc/zeek-test/fixtures/"$rel"/*.zeek.conf "$dest/cluster/"
            # A zeek.conf next to the directory: the lookup order decides.
            if [[ -e /etc/zeek-test/fixtures/$rel/zeek.conf ]]; then
                cp "/etc/zeek-test/fixtures/$rel/zeek.conf" "$dest/zeek.conf"
            fi
            hostname "$host"
        fi
        systemctl daemon-reload || fail "daemon-reload for $id ($gen)"
        dump >"/res/diff/$id.$gen" || exit 1
    done
done </etc/zeek-test/cases
echo done >/res/diff/complete
"#;

/// What systemd has for one process: a node or the archiver.
#[derive(Debug, Clone, PartialEq)]
struct Process {
    unit: String,
    load_state: String,
    /// Property name -> value, normalised to text (argv with variables
    /// expanded as systemd expands them at exec time, env as a map).
    values: BTreeMap<&'static str, String>,
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("serialisable")
}

fn json_lines(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap_or_else(|e| panic!("{l}: {e}"))
        })
        .collect()
}

/// Parses a dump into processes keyed by `CLUSTER_NODE` (the archiver
/// by [`ARCHIVER`]); zeek-setup.service is not a Zeek process.
fn parse_dump(text: &str) -> BTreeMap<String, Process> {
    let mut out = BTreeMap::new();
    let mut blocks = text.split("unit ").filter(|b| !b.is_empty());
    for block in blocks.by_ref() {
        let (unit, rest) = block.split_once('\n').expect("unit line");
        if unit == "zeek-setup.service" {
            continue;
        }
        let values = json_lines(rest);
        assert_eq!(values.len(), 1 + PROPERTIES.len(), "{unit}: {rest}");
        let data = |i: usize| values[i]["data"].clone();
        let env = environment(&data(2));
        let mut props = BTreeMap::new();
        for (i, name) in PROPERTIES.iter().enumerate() {
            let value = data(i + 1);
            let text = match *name {
                "ExecStart" => json(&exec_start(&value, &env)),
                "Environment" => json(&env),
                "CPUAffinity" => format!("{:?}", cpu_mask(&value)),
                _ => match value {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                },
            };
            props.insert(*name, text);
        }
        let key = if unit == "zeek-archiver.service" {
            ARCHIVER.to_string()
        } else {
            env.get("CLUSTER_NODE")
                .cloned()
                .unwrap_or_else(|| format!("(unit {unit} without CLUSTER_NODE)"))
        };
        let load_state = data(0).as_str().unwrap_or_default().to_string();
        let process = Process {
            unit: unit.to_string(),
            load_state,
            values: props,
        };
        assert!(
            out.insert(key.clone(), process).is_none(),
            "two units for {key}"
        );
    }
    out
}

/// `Environment=` assignments as the process gets them: later wins.
fn environment(value: &serde_json::Value) -> BTreeMap<String, String> {
    value
        .as_array()
        .expect("Environment is an array")
        .iter()
        .filter_map(|a| a.as_str()?.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The argv of every `ExecStart=`, with `$NAME` and `${NAME}` expanded as
/// systemd expands them when it starts the process.
fn exec_start(value: &serde_json::Value, env: &BTreeMap<String, String>) -> Vec<Vec<String>> {
    value
        .as_array()
        .expect("ExecStart is an array")
        .iter()
        .map(|entry| {
            entry[1]
                .as_array()
                .expect("argv")
                .iter()
                .flat_map(|w| expand_word(w.as_str().expect("word"), env))
                .collect()
        })
        .collect()
}

/// systemd's exec-time expansion of one word (systemd.service(5),
/// "Command lines"): a word that is exactly `$NAME` becomes the value's
/// whitespace-separated words; elsewhere `${NAME}` is replaced by the value
/// and `$$` by `$`.
fn expand_word(word: &str, env: &BTreeMap<String, String>) -> Vec<String> {
    let is_name =
        |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if let Some(name) = word.strip_prefix('$').filter(|n| is_name(n)) {
        return env
            .get(name)
            .map(|v| v.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default();
    }
    let mut out = String::new();
    let mut rest = word;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(after) = after.strip_prefix('$') {
            out.push('$');
            rest = after;
        } else if let Some((name, tail)) = after.strip_prefix('{').and_then(|a| a.split_once('}')) {
            out.push_str(env.get(name).map(String::as_str).unwrap_or(""));
            rest = tail;
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    vec![out]
}

/// The CPUs of a CPUAffinity bit mask (D-Bus `ay`).
fn cpu_mask(value: &serde_json::Value) -> Vec<u32> {
    let bytes = value.as_array().expect("CPUAffinity is an array");
    let mut cpus = Vec::new();
    for (i, byte) in bytes.iter().enumerate() {
        let byte = byte.as_u64().expect("byte");
        for bit in 0..8 {
            if byte & (1 << bit) != 0 {
                cpus.push((i * 8 + bit) as u32);
            }
        }
    }
    cpus
}

/// Every difference between the two sides of one case.
fn differences(
    ours: &BTreeMap<String, Process>,
    reference: &BTreeMap<String, Process>,
) -> Vec<Difference> {
    let mut out = Vec::new();
    let nodes: BTreeSet<&String> = ours.keys().chain(reference.keys()).collect();
    for node in nodes {
        let (o, r) = match (ours.get(node), reference.get(node)) {
            (Some(o), Some(r)) => (o, r),
            (o, r) => {
                let unit = |p: Option<&Process>| p.map_or("(none)".to_string(), |p| p.unit.clone());
                out.push(Difference {
                    node: node.clone(),
                    reference_env: BTreeMap::new(),
                    field: "node",
                    ours: unit(o),
                    reference: unit(r),
                });
                continue;
            }
        };
        let reference_env: BTreeMap<String, String> =
            serde_json::from_str(&r.values["Environment"]).expect("env");
        if o.load_state != r.load_state {
            out.push(Difference {
                node: node.clone(),
                reference_env: reference_env.clone(),
                field: "LoadState",
                ours: o.load_state.clone(),
                reference: r.load_state.clone(),
            });
        }
        for name in PROPERTIES {
            if o.values[name] != r.values[name] {
                out.push(Difference {
                    node: node.clone(),
                    reference_env: reference_env.clone(),
                    field: name,
                    ours: o.values[name].clone(),
                    reference: r.values[name].clone(),
                });
            }
        }
    }
    out
}

/// Checks that both generators accept every valid case (on the host).
fn both_accept(reference: &Reference, cases: &[Case]) {
    let mut problems = Vec::new();
    for case in cases {
        let r = run_reference(reference, &case.reference_config());
        let o = run_ours(&case.our_args());
        if !r.status.success() || !o.status.success() {
            problems.push(format!(
                "{}: Zeek's generator {} ({}), ours {} ({})",
                case.id,
                r.status,
                output_text(&r).trim(),
                o.status,
                output_text(&o).trim()
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "valid configs refused:\n{}",
        problems.join("\n")
    );
}

/// One boot: every case through both generators, dumps in the result dir.
fn boot_both(reference: &Reference, cases: &[Case]) -> BootResult {
    // The scenario asks systemd over the system bus (busctl).
    assert!(
        Path::new("/usr/bin/dbus-daemon").exists(),
        "the differential test needs a D-Bus system bus in the container: apt-get install dbus"
    );
    let list: String = cases
        .iter()
        .map(|c| format!("{} {} {}\n", c.id, c.rel, c.host.as_deref().unwrap_or("-")))
        .collect();
    let scenario = SCENARIO.replace("__PROPERTIES__", &PROPERTIES.join(" "));
    // Ours finds no zeek.conf at boot; this config makes units nothing starts.
    let mut boot = Boot::new("[zeek]\nautostart = false\n", &[], &scenario).file("cases", &list);
    boot.binds
        .push((data_dir(), "/etc/zeek-test/fixtures".into()));
    boot.binds.push((
        reference.generator.clone(),
        "/etc/systemd/system-generators/zeek-reference-generator".into(),
    ));
    boot.timeout_secs = 600;
    let started = std::time::Instant::now();
    let result = run(&boot);
    result.assert_passed();
    eprintln!(
        "boot with {} configs: {:.1?}",
        cases.len(),
        started.elapsed()
    );
    assert_eq!(result.read("diff/complete").trim(), "done");
    result
}

#[test]
fn same_processes_as_zeeks_generator() {
    let Some(reference) = reference() else {
        return;
    };
    if !real_systemd_available() {
        return;
    }
    let rows = allow_list();
    let unit_rows: BTreeSet<&str> = rows
        .iter()
        .filter(|r| r.kind == "units")
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(
        unit_rows,
        UNIT_ROWS.iter().copied().collect(),
        "the 'units' rows of the table and the predicates of this test must be the same"
    );
    let cases = valid_cases();
    assert!(cases.len() >= 40, "only {} valid configs", cases.len());
    both_accept(&reference, &cases);
    let result = boot_both(&reference, &cases);

    let mut unexplained = Vec::new();
    let mut used: BTreeMap<&str, usize> = BTreeMap::new();
    let mut compared = 0;
    for case in &cases {
        let dump = |side: &str| {
            let name = format!("diff/{}.{side}", case.id);
            assert!(result.res().join(&name).exists(), "{}: no dump", case.id);
            parse_dump(&result.read(&name))
        };
        let (ours, reference) = (dump("ours"), dump("reference"));
        compared += ours.len();
        let facts = case_facts(case);
        for d in differences(&ours, &reference) {
            match explains(&facts, &d) {
                Some(row) => *used.entry(row).or_default() += 1,
                None => unexplained.push(format!(
                    "{} {} {}:\n    ours:      {}\n    Zeek's:    {}",
                    case.id, d.node, d.field, d.ours, d.reference
                )),
            }
        }
    }
    eprintln!(
        "{} configs, {compared} processes compared; allowed differences: {used:?}",
        cases.len()
    );
    assert!(
        unexplained.is_empty(),
        "{} differences outside the table of deliberate differences:\n{}",
        unexplained.len(),
        unexplained.join("\n")
    );
    for row in UNIT_ROWS {
        assert!(
            used.contains_key(row),
            "row {row} is never needed: no config shows it"
        );
    }
}

// ---------------------------------------------------------------------
// Configs both must refuse, and those only Zeek accepts (allow-listed).

/// A bad config: a file, or one host of a multi-host directory.
struct BadCase {
    case: Case,
    /// `# allow: ROW` on the first line: Zeek accepts it, for that reason.
    allowed: Option<String>,
}

fn bad_cases() -> Vec<BadCase> {
    let mut out = Vec::new();
    for path in sorted_entries(&data_dir().join("differential/bad")) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = fs::read_to_string(&path).expect("read bad config");
        let allowed = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# allow: "))
            .map(str::to_string);
        out.push(BadCase {
            case: Case {
                id: name.trim_end_matches(".conf").to_string(),
                rel: format!("differential/bad/{name}"),
                host: None,
            },
            allowed,
        });
    }
    for cluster in sorted_entries(&data_dir().join("differential/bad-multi")) {
        let cluster_name = cluster.file_name().unwrap().to_string_lossy().into_owned();
        let allowed = fs::read_to_string(cluster.join("ALLOW"))
            .ok()
            .map(|t| t.trim().to_string());
        for file in sorted_entries(&cluster) {
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            if let Some(host) = zeekconf::host_of(&name) {
                out.push(BadCase {
                    case: Case {
                        id: format!("{cluster_name}-{host}"),
                        rel: format!("differential/bad-multi/{cluster_name}"),
                        host: Some(host.to_string()),
                    },
                    allowed: allowed.clone(),
                });
            }
        }
    }
    out
}

/// Every bad config is refused by ours; Zeek refuses it too (its
/// generator, or for a multi-host directory its layout tool, which is
/// what reads the whole directory), unless the config names a row of the
/// table of kind "refused" that says why only Zeek accepts it.
#[test]
fn both_refuse_bad_configs() {
    let Some(reference) = reference() else {
        return;
    };
    let rows = allow_list();
    let refused_rows: BTreeSet<&str> = rows
        .iter()
        .filter(|r| r.kind == "refused")
        .map(|r| r.id.as_str())
        .collect();
    let cases = bad_cases();
    let mut problems = Vec::new();
    let mut used = BTreeSet::new();
    for bad in &cases {
        let case = &bad.case;
        let ours = run_ours(&case.our_args());
        if ours.status.code() != Some(1) {
            problems.push(format!(
                "{}: ours did not refuse it: {}",
                case.id, ours.status
            ));
        }
        let mut zeek = run_reference(&reference, &case.reference_config());
        if zeek.status.success() && case.host.is_some() {
            zeek = run_layout(&reference, &case.path());
        }
        match (&bad.allowed, zeek.status.success()) {
            (None, false) => {}
            (None, true) => problems.push(format!(
                "{}: Zeek's generator accepts it; refuse it only with a row of the table",
                case.id
            )),
            (Some(row), true) if refused_rows.contains(row.as_str()) => {
                used.insert(row.clone());
            }
            (Some(row), true) => problems.push(format!(
                "{}: allowed by '{row}', which is no 'refused' row of the table",
                case.id
            )),
            (Some(row), false) => problems.push(format!(
                "{}: says Zeek accepts it ({row}), but Zeek refuses it too: drop the allow line",
                case.id
            )),
        }
    }
    eprintln!(
        "{} bad configs ({} only Zeek accepts)",
        cases.len(),
        cases.iter().filter(|c| c.allowed.is_some()).count()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    for row in refused_rows {
        assert!(used.contains(row), "row {row}: no bad config shows it");
    }
}

/// The extensions: configs ours accepts and Zeek refuses, each naming a
/// row of kind "accepted" on its first line (`# allow: ROW`).
#[test]
fn only_ours_accepts_the_extensions() {
    let Some(reference) = reference() else {
        return;
    };
    let rows = allow_list();
    let accepted_rows: BTreeSet<&str> = rows
        .iter()
        .filter(|r| r.kind == "accepted")
        .map(|r| r.id.as_str())
        .collect();
    let mut problems = Vec::new();
    let mut used = BTreeSet::new();
    let paths = sorted_entries(&data_dir().join("differential/accepted"));
    for path in &paths {
        let text = fs::read_to_string(path).expect("read config");
        let row = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# allow: "));
        let name = path.display();
        match row {
            Some(row) if accepted_rows.contains(row) => {
                used.insert(row.to_string());
            }
            _ => problems.push(format!(
                "{name}: no '# allow: ROW' naming an 'accepted' row"
            )),
        }
        let ours = run_ours(&["--config".to_string(), path.display().to_string()]);
        if !ours.status.success() {
            problems.push(format!("{name}: ours refuses it: {}", output_text(&ours)));
        }
        if run_reference(&reference, path).status.success() {
            problems.push(format!("{name}: Zeek accepts it too: not an extension"));
        }
    }
    eprintln!("{} extensions", paths.len());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    for row in accepted_rows {
        assert!(used.contains(row), "row {row}: no config shows it");
    }
}

// ---------------------------------------------------------------------
// The layout.

/// `zeek-cluster-layout-generator -C CONFIG -o FILE`.
fn run_layout(reference: &Reference, config: &Path) -> Output {
    let out = tempfile::tempdir().expect("temp dir");
    let file = out.path().join("cluster-layout.zeek");
    let mut output = Command::new(&reference.layout)
        .arg("-C")
        .arg(config)
        .arg("-o")
        .arg(&file)
        .output()
        .expect("run zeek-cluster-layout-generator");
    if output.status.success() {
        output.stdout = fs::read(&file).expect("layout file");
    }
    output
}

fn without_comments(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `layout` equals `zeek-cluster-layout-generator -C` (comments aside)
/// for every valid config, single host and every host of a directory.
#[test]
fn layout_equals_zeeks_layout_generator() {
    let Some(reference) = reference() else {
        return;
    };
    let cases = valid_cases();
    let mut problems = Vec::new();
    for case in &cases {
        let mut args = vec!["layout".to_string()];
        args.extend(case.our_args());
        let ours = ours().args(&args).output().expect("run layout");
        assert!(ours.status.success(), "{}: {}", case.id, output_text(&ours));
        let zeek = run_layout(&reference, &case.path());
        assert!(zeek.status.success(), "{}: {}", case.id, output_text(&zeek));
        let (ours, zeek) = (
            without_comments(&String::from_utf8_lossy(&ours.stdout)),
            without_comments(&String::from_utf8_lossy(&zeek.stdout)),
        );
        if ours != zeek {
            problems.push(format!(
                "{}:\n--- ours\n{ours}\n--- zeek-cluster-layout-generator -C\n{zeek}",
                case.id
            ));
        }
    }
    eprintln!("{} layouts compared", cases.len());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The valid configs use every key of the format (SPEC 2.4) at least once,
/// so the differential test covers every key.
#[test]
fn valid_configs_use_every_key() {
    let mut seen = BTreeSet::new();
    for case in valid_cases() {
        let files = match &case.host {
            None => vec![case.path()],
            Some(_) => sorted_entries(&case.path()),
        };
        for file in files
            .iter()
            .filter(|f| f.to_string_lossy().ends_with(".conf"))
        {
            let text = fs::read_to_string(file).expect("read config");
            for section in zeekconf::ini::parse(file, &text).expect("parse") {
                seen.extend(section.options.into_iter().map(|o| o.key));
            }
        }
    }
    // The keys Zeek's generator knows (it refuses this product's own).
    let mut known = zeekconf::settings::global_keys(true);
    known.extend(zeekconf::settings::interface_keys(true));
    let missing: Vec<&String> = known.iter().filter(|k| !seen.contains(*k)).collect();
    assert!(missing.is_empty(), "no valid config uses {missing:?}");
}
