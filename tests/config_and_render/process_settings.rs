//! The per-process settings every role table shares. `oom_score_adjust`
//! (OOMScoreAdjust=) per role and per interface, in both formats: the defaults make the kernel's OOM killer take a worker
//! before a proxy, and the manager and loggers last; the config overrides
//! them per role, and per interface for workers. Each case asserts only
//! the directive it is about.

use std::path::Path;

use zeek_systemd::config::{toml, zeekconf, ReadOptions};
use zeek_systemd::model::Cluster;

fn from_toml(text: &str) -> Cluster {
    toml::read(
        Path::new("/etc/zeek/cluster.toml"),
        text,
        &ReadOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

fn from_zeekconf(text: &str) -> Cluster {
    zeekconf::read(
        Path::new("/etc/zeek/zeek.conf"),
        text,
        &ReadOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

/// The rendered `OOMScoreAdjust=` of `unit` (a drop-in path or the
/// archiver's unit name), `None` when it has none.
fn oom_of(cluster: &Cluster, unit: &str) -> Option<String> {
    let plan = zeek_systemd::generator::plan::plan(
        cluster,
        Path::new("/run/systemd/generator"),
        Path::new("/usr/lib/systemd/system-generators/zeek-systemd-generator"),
    );
    let outputs = zeek_systemd::generator::render::render(&plan);
    let output = outputs
        .iter()
        .find(|o| o.path.to_string_lossy().ends_with(unit))
        .unwrap_or_else(|| panic!("no output {unit}"));
    let text = match &output.content {
        zeek_systemd::generator::render::Content::File(text) => text.clone(),
        other => panic!("{unit} is not a file: {other:?}"),
    };
    let values: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("OOMScoreAdjust="))
        .collect();
    assert!(values.len() <= 1, "{unit}: {values:?}");
    values.first().map(|v| v.to_string())
}

fn drop_in(node: &str) -> String {
    format!("zeek@{node}.service.d/50-zeek-systemd-generator.conf")
}

const TOML_DEFAULTS: &str = "[proxy]\ncount = 1\n\n[[interface]]\nname = \"eth1\"\ncapture = \"af_packet::eth1\"\nworkers = 2\n";
const ZEEKCONF_DEFAULTS: &str =
    "[zeek]\nmanager = 1\nloggers = 1\nproxies = 1\n\n[interface eth1]\ninterface = af_packet::eth1\nworkers = 2\n";

#[test]
fn defaults_kill_a_worker_before_the_log_writers() {
    for cluster in [from_toml(TOML_DEFAULTS), from_zeekconf(ZEEKCONF_DEFAULTS)] {
        let score = |node: &str| -> i32 {
            let value = oom_of(&cluster, &drop_in(node)).expect("a default");
            value.parse().expect("a number")
        };
        let worker = score("worker-eth1-1");
        assert_eq!(worker, score("worker-eth1-2"));
        assert!(worker > score("proxy-1"), "worker before proxy");
        assert!(score("proxy-1") > score("manager"), "proxy before manager");
        assert!(score("proxy-1") > score("logger-1"), "proxy before logger");
        // The archiver is small and keeps the kernel's own choice.
        assert_eq!(oom_of(&cluster, "zeek-archiver.service"), None);
    }
}

#[test]
fn toml_sets_it_per_role_and_per_interface() {
    let cluster = from_toml(
        "[manager]\noom_score_adjust = -900\n[logger]\noom_score_adjust = -800\n\
         [proxy]\noom_score_adjust = 100\n[worker]\noom_score_adjust = 200\n\
         [archiver]\noom_score_adjust = -100\n\
         [[interface]]\nname = \"a\"\ncapture = \"af_packet::a\"\nworkers = 1\n\
         [[interface]]\nname = \"b\"\ncapture = \"af_packet::b\"\nworkers = 1\noom_score_adjust = 1000\n",
    );
    let oom = |unit: &str| oom_of(&cluster, unit);
    assert_eq!(oom(&drop_in("manager")).as_deref(), Some("-900"));
    assert_eq!(oom(&drop_in("logger-1")).as_deref(), Some("-800"));
    assert_eq!(oom(&drop_in("proxy-1")).as_deref(), Some("100"));
    assert_eq!(oom(&drop_in("worker-a-1")).as_deref(), Some("200"));
    assert_eq!(oom(&drop_in("worker-b-1")).as_deref(), Some("1000"));
    assert_eq!(oom("zeek-archiver.service").as_deref(), Some("-100"));
}

#[test]
fn zeekconf_sets_it_per_role_and_per_interface() {
    let sections = from_zeekconf(
        "[zeek]\nmanager = 1\nloggers = 1\nproxies = 1\nmanager_oom_score_adjust = -900\n\
         logger_oom_score_adjust = -800\nproxy_oom_score_adjust = 100\n\
         archiver_oom_score_adjust = -100\n\
         [interface a]\ninterface = af_packet::a\nworkers = 1\n\
         [interface b]\ninterface = af_packet::b\nworkers = 1\nworker_oom_score_adjust = 1000\n",
    );
    let oom = |unit: &str| oom_of(&sections, unit);
    assert_eq!(oom(&drop_in("manager")).as_deref(), Some("-900"));
    assert_eq!(oom(&drop_in("logger-1")).as_deref(), Some("-800"));
    assert_eq!(oom(&drop_in("proxy-1")).as_deref(), Some("100"));
    assert_eq!(oom(&drop_in("worker-a-1")).as_deref(), Some("500"));
    assert_eq!(oom(&drop_in("worker-b-1")).as_deref(), Some("1000"));
    assert_eq!(oom("zeek-archiver.service").as_deref(), Some("-100"));

    // Section-less: the worker key applies (and is not reported as
    // ignored).
    let section_less = from_zeekconf(
        "manager = 1\ninterface = af_packet::eth0\nworkers = 1\nworker_oom_score_adjust = 700\n",
    );
    assert_eq!(
        oom_of(&section_less, &drop_in("worker-1")).as_deref(),
        Some("700")
    );
    assert!(
        section_less.settings.warnings.is_empty(),
        "{:?}",
        section_less.settings.warnings
    );
}

#[test]
fn out_of_range_values_are_refused_with_file_line_and_key() {
    let error = toml::read(
        Path::new("/etc/zeek/cluster.toml"),
        "[logger]\noom_score_adjust = -1001\n",
        &ReadOptions::default(),
    )
    .expect_err("accepted -1001");
    assert_eq!(
        error.to_string(),
        "/etc/zeek/cluster.toml:2: [logger] oom_score_adjust: oom_score_adjust -1001 is outside -1000..1000"
    );
    let error = zeekconf::read(
        Path::new("/etc/zeek/zeek.conf"),
        "[interface a]\ninterface = a\nworkers = 1\nworker_oom_score_adjust = many\n",
        &ReadOptions::default(),
    )
    .expect_err("accepted a word");
    assert_eq!(
        error.to_string(),
        "/etc/zeek/zeek.conf:4: [interface a] worker_oom_score_adjust: invalid \
         worker_oom_score_adjust value 'many'; use a whole number from -1000 to 1000"
    );
}

/// `[archiver]` has the shared keys too: `args` follow the executable
/// (before the stock archiver's two dirs), `numa_policy` applies.
#[test]
fn archiver_takes_the_shared_keys() {
    let cluster = from_toml(
        "[zeek]\nprefix = \"/opt/zeek\"\n[archiver]\nargs = [\"-v\"]\nnuma_policy = \"local\"\n",
    );
    let archiver = cluster.archiver.as_ref().expect("an archiver");
    assert_eq!(
        archiver.command,
        [
            "/opt/zeek/bin/zeek-archiver",
            "-v",
            "/opt/zeek/spool/log-queue",
            "/opt/zeek/logs"
        ]
    );
    assert_eq!(
        archiver.settings.numa_policy,
        Some(zeek_systemd::model::NumaPolicy::Local)
    );
    let custom = from_toml("[archiver]\ncommand = [\"/usr/bin/ship\", \"-c\"]\nargs = [\"-q\"]\n");
    assert_eq!(
        custom.archiver.expect("an archiver").command,
        ["/usr/bin/ship", "-c", "-q"]
    );
}

/// `cpus` as a TOML array of CPU numbers is the same list as the text
/// form, for a role and for an interface's workers in turn.
#[test]
fn cpus_as_an_array_equal_the_text_form() {
    let config = |manager: &str, workers: &str| {
        format!(
            "[manager]\ncpus = {manager}\n[[interface]]\nname = \"eth1\"\ncapture = \
             \"af_packet::eth1\"\nworkers = 4\ncpus = {workers}\n"
        )
    };
    let cpus = |cluster: &Cluster| -> Vec<(String, Option<String>)> {
        (cluster.nodes.iter())
            .map(|n| {
                (
                    n.name.clone(),
                    n.settings.cpus.as_ref().map(|c| c.to_affinity()),
                )
            })
            .collect()
    };
    let from_array = from_toml(&config("[0, 1]", "[2, 3, 4, 5]"));
    let from_text = from_toml(&config("\"0-1\"", "\"2-5\""));
    assert_eq!(cpus(&from_array), cpus(&from_text));
    assert_eq!(
        cpus(&from_array)[3..],
        [
            ("worker-eth1-1".to_string(), Some("2".to_string())),
            ("worker-eth1-2".to_string(), Some("3".to_string())),
            ("worker-eth1-3".to_string(), Some("4".to_string())),
            ("worker-eth1-4".to_string(), Some("5".to_string())),
        ]
    );
}
