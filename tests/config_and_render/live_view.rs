//! The live view's boot side (issue 27): the manager's WebSocket listener
//! in the policy script TOML configs load, every node answering control
//! requests, `[cluster] websocket` and what the sandbox lets through.

use std::path::Path;

use zeek_systemd::config::{toml, ReadOptions};
use zeek_systemd::generator::plan;
use zeek_systemd::generator::render::{self, Content};
use zeek_systemd::layout::policy_script;
use zeek_systemd::model::Cluster;

const SOURCE: &str = "/etc/zeek/cluster.toml";
const INTERFACE: &str =
    "[[interface]]\nname = \"eth1\"\ncapture = \"af_packet::eth1\"\nworkers = 2\n";

fn read(text: &str) -> Result<Cluster, String> {
    toml::read(Path::new(SOURCE), text, &ReadOptions::default()).map_err(|e| e.to_string())
}

fn script(text: &str) -> String {
    policy_script(read(text).expect("valid config").settings.websocket)
}

/// The manager's sandbox, as the template and its drop-in give it.
fn unit_text(cluster: &Cluster) -> String {
    let plan = plan::plan(
        cluster,
        Path::new("/run/systemd/generator"),
        Path::new("/g"),
    );
    let mut text = String::new();
    for output in render::render(&plan) {
        let path = output.path.display().to_string();
        if path.ends_with("zeek@.service") || path.contains("zeek@manager.service.d") {
            if let Content::File(body) = output.content {
                text.push_str(&body);
            }
        }
    }
    text
}

#[test]
fn the_manager_listens_on_loopback_by_default() {
    let text = script(INTERFACE);
    assert!(
        text.contains(
            "Cluster::listen_websocket([$listen_addr=127.0.0.1, $listen_port=27759/tcp])"
        ),
        "{text}"
    );
    assert!(text.contains("@if ( Cluster::local_node_type() == Cluster::MANAGER )"));
    assert!(text.contains("@load frameworks/control/controllee"));
    assert!(read(INTERFACE).expect("valid").settings.warnings.is_empty());
}

#[test]
fn websocket_false_switches_the_listener_off_but_nodes_still_answer() {
    let text = script(&format!("[cluster]\nwebsocket = false\n{INTERFACE}"));
    assert!(!text.contains("listen_websocket"), "{text}");
    assert!(text.contains("@load frameworks/control/controllee"));
}

#[test]
fn an_address_of_the_operators_is_used_and_warned_about() {
    let config = format!("[cluster]\nwebsocket = \"10.1.2.3:8080\"\n{INTERFACE}");
    let cluster = read(&config).expect("valid");
    let text = policy_script(cluster.settings.websocket);
    assert!(
        text.contains("[$listen_addr=10.1.2.3, $listen_port=8080/tcp]"),
        "{text}"
    );
    let warning = cluster.settings.warnings.join("\n");
    assert!(warning.contains("cluster.toml:2"), "{warning}");
    assert!(warning.contains("no authentication"), "{warning}");
}

#[test]
fn an_ipv6_loopback_is_bracketed_and_not_warned_about() {
    let cluster = read(&format!(
        "[cluster]\nwebsocket = \"[::1]:27800\"\n{INTERFACE}"
    ))
    .expect("valid");
    let text = policy_script(cluster.settings.websocket);
    assert!(
        text.contains("[$listen_addr=[::1], $listen_port=27800/tcp]"),
        "{text}"
    );
    assert!(cluster.settings.warnings.is_empty());
}

#[test]
fn a_bad_address_names_the_key_and_the_fix() {
    for bad in ["\"localhost\"", "\"127.0.0.1\"", "\"127.0.0.1:0\"", "3"] {
        let error = read(&format!("[cluster]\nwebsocket = {bad}\n{INTERFACE}")).expect_err(bad);
        assert!(error.contains("cluster.toml:2"), "{error}");
        assert!(error.contains("websocket"), "{error}");
    }
}

#[test]
fn the_managers_sandbox_lets_the_listener_through() {
    let text = unit_text(&read(INTERFACE).expect("valid"));
    let families = text
        .lines()
        .filter_map(|l| l.strip_prefix("RestrictAddressFamilies="))
        .next_back()
        .expect("RestrictAddressFamilies= on the manager");
    assert!(families.split(' ').any(|f| f == "AF_INET"), "{families}");
    assert!(!text.contains("SocketBindDeny="), "{text}");
    assert!(!text.contains("PrivateNetwork=yes"), "{text}");
}

#[test]
fn ip_allow_covers_the_listener() {
    let loopback = unit_text(
        &read(&format!(
            "[cluster]\nip_allow = [\"192.0.2.9\"]\n{INTERFACE}"
        ))
        .expect("valid"),
    );
    assert!(
        loopback.contains("IPAddressAllow=localhost\n"),
        "{loopback}"
    );
    let config = format!(
        "[cluster]\nip_allow = [\"192.0.2.9\"]\nwebsocket = \"10.1.2.3:27759\"\n{INTERFACE}"
    );
    let text = unit_text(&read(&config).expect("valid"));
    assert!(text.contains("IPAddressAllow=10.1.2.3\n"), "{text}");
}

#[test]
fn peers_reads_the_managers_record_and_names_the_silent() {
    use zeek_systemd::verbs::peers::peers;
    let cluster = read(INTERFACE).expect("valid");
    let record = "worker-eth1-1 down 100.5\nlogger-1 up 50.25\n";
    let states: Vec<(String, String, Option<f64>)> = peers(&cluster, "manager", record)
        .into_iter()
        .map(|p| (p.node, p.state, p.since))
        .collect();
    let expect = |n: &str, s: &str, t: Option<f64>| (n.to_string(), s.to_string(), t);
    assert_eq!(
        states,
        [
            expect("logger-1", "up", Some(50.25)),
            expect("proxy-1", "silent", None),
            expect("worker-eth1-1", "down", Some(100.5)),
            expect("worker-eth1-2", "silent", None),
        ]
    );
}

#[test]
fn a_cluster_without_a_logger_gets_no_listener_and_a_warning() {
    // The manager logs; the API's ZeroMQ session would bind its log port
    // again (tests/real_zeek/single_host.rs saw its logging break).
    let cluster = read(&format!("[logger]\ncount = 0\n{INTERFACE}")).expect("valid");
    assert_eq!(cluster.settings.websocket, None);
    let warnings = cluster.settings.warnings.join("\n");
    assert!(warnings.contains("the cluster has no logger"), "{warnings}");
    let text = policy_script(cluster.settings.websocket);
    assert!(!text.contains("Cluster::listen_websocket("), "{text}");
    // Said off: no warning.
    let off = read(&format!(
        "[cluster]\nwebsocket = false\n[logger]\ncount = 0\n{INTERFACE}"
    ));
    assert!(off.expect("valid").settings.warnings.is_empty());
}

#[test]
fn metrics_address_is_bound_and_named_in_the_prometheus_targets() {
    let text = concat!(
        "[hosts.mgr]\naddress = \"10.0.0.1\"\nmanager = true\nmetrics_address = \"192.0.2.1\"\n",
        "[hosts.s1]\naddress = \"10.0.0.2\"\n",
        "[[hosts.s1.interface]]\nname = \"eth1\"\ncapture = \"af_packet::eth1\"\nworkers = 1\n"
    );
    let cluster = read(text).expect("valid");
    let targets = zeek_systemd::prometheus::targets(&cluster, "ignored");
    let named: Vec<(&str, &str, &str)> = targets
        .iter()
        .map(|t| {
            (
                t.labels.node.as_str(),
                t.labels.host.as_str(),
                t.targets[0].as_str(),
            )
        })
        .collect();
    // The manager's host has a management address; the sensor does not.
    assert_eq!(
        named,
        [
            ("manager", "mgr", "192.0.2.1:9991"),
            ("s1-worker-eth1-1", "s1", "10.0.0.2:9991")
        ]
    );
    assert!(targets.iter().all(|t| t.labels.cluster == "mgr"));
    let env = |name: &str| {
        let node = cluster.nodes.iter().find(|n| n.name == name).expect(name);
        node.env
            .iter()
            .find(|(k, _)| k == "ZEEK_TELEMETRY_LISTEN_ADDRESS")
            .map(|(_, v)| v.clone())
    };
    assert_eq!(env("manager").as_deref(), Some("192.0.2.1"));
    assert_eq!(env("s1-worker-eth1-1"), None);
    let json = zeek_systemd::prometheus::targets_file(&cluster, "ignored");
    let parsed: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(parsed[0]["labels"]["role"], "manager");
}

// zeek.conf's `websocket` (this product's own key in `[zeek]`).

const ZEEK_CONF: &str = "/etc/zeek/zeek.conf";

fn read_zeekconf(text: &str) -> Result<Cluster, String> {
    zeek_systemd::config::zeekconf::read(Path::new(ZEEK_CONF), text, &ReadOptions::default())
        .map_err(|e| e.to_string())
}

/// A zeek.conf with a manager, a logger and a worker, `websocket` from
/// `line` (empty: not given).
fn zeekconf_with(line: &str) -> String {
    format!(
        "[zeek]\nmanager = 1\nloggers = 1\n{line}\n\
         [interface eth1]\ninterface = af_packet::eth1\nworkers = 1\n"
    )
}

/// The `ExecStart=` line of `node`'s drop-in.
fn exec_start(cluster: &Cluster, node: &str) -> String {
    let plan = plan::plan(
        cluster,
        Path::new("/run/systemd/generator"),
        Path::new("/g"),
    );
    let drop_in = format!("zeek@{node}.service.d");
    render::render(&plan)
        .into_iter()
        .filter(|o| o.path.display().to_string().contains(&drop_in))
        .find_map(|o| match o.content {
            Content::File(body) => body
                .lines()
                .rfind(|l| l.starts_with("ExecStart=\""))
                .map(str::to_string),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no ExecStart= for {node}"))
}

/// The scripts a snapshot of `cluster` holds beside the layout, by name.
fn generated_scripts(cluster: &Cluster) -> Vec<(String, String)> {
    use zeek_systemd::deployment::snapshot::build::{build, Origin};
    let dir = tempfile::tempdir().expect("temp dir");
    let dest = dir.path().join("snapshot");
    let files = zeek_systemd::config::ConfigFiles { files: Vec::new() };
    build(cluster, &files, &[], &dest, Origin::Deploy).expect("snapshot");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dest.join("generated-scripts")).expect("generated-scripts") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        if name != "cluster-layout.zeek" {
            out.push((name, std::fs::read_to_string(&path).expect("script")));
        }
    }
    out
}

#[test]
fn zeekconf_websocket_gives_the_manager_the_listener() {
    let cluster = read_zeekconf(&zeekconf_with("websocket = 127.0.0.1:27800")).expect("valid");
    // Every node loads the live view after Zeek's own script.
    for node in ["manager", "logger-1", "worker-eth1-1"] {
        let line = exec_start(&cluster, node);
        assert!(
            line.contains("\"policy/misc/systemd-generator\" \"zeek-systemd-live\""),
            "{line}"
        );
    }
    let scripts = generated_scripts(&cluster);
    assert_eq!(scripts.len(), 1, "{scripts:?}");
    let (name, text) = &scripts[0];
    assert_eq!(name, "zeek-systemd-live.zeek");
    assert!(
        text.contains(
            "Cluster::listen_websocket([$listen_addr=127.0.0.1, $listen_port=27800/tcp])"
        ),
        "{text}"
    );
    assert!(
        text.contains("@load frameworks/control/controllee"),
        "{text}"
    );
    assert!(
        cluster.settings.warnings.is_empty(),
        "{:?}",
        cluster.settings.warnings
    );
    // `true`: the default address, as in cluster.toml.
    let on = read_zeekconf(&zeekconf_with("websocket = true")).expect("valid");
    assert_eq!(
        on.settings.websocket,
        Some("127.0.0.1:27759".parse().unwrap())
    );
}

#[test]
fn zeekconf_without_websocket_or_false_has_no_listener() {
    for line in ["", "websocket = false"] {
        let cluster = read_zeekconf(&zeekconf_with(line)).expect("valid");
        assert_eq!(cluster.settings.websocket, None, "{line}");
        // Zeek's generator's command line, and no script of ours.
        let exec = exec_start(&cluster, "manager");
        assert!(!exec.contains("zeek-systemd-live"), "{exec}");
        assert!(generated_scripts(&cluster).is_empty(), "{line}");
    }
}

#[test]
fn zeekconf_websocket_bad_values_name_line_key_and_fix() {
    for bad in ["localhost", "127.0.0.1", "127.0.0.1:0", "yes", ""] {
        let error = read_zeekconf(&zeekconf_with(&format!("websocket = {bad}"))).expect_err(bad);
        assert!(error.contains("zeek.conf:4: [zeek] websocket: "), "{error}");
        // The fix: an example.
        assert!(error.contains("27759"), "{error}");
    }
    // The manager's key: a file without one cannot say where it listens.
    let error =
        read_zeekconf("websocket = true\ninterface = eth0\nworkers = 1\n").expect_err("no manager");
    assert!(error.contains("zeek.conf:1: websocket: "), "{error}");
    assert!(error.contains("manager = 1"), "{error}");
}

#[test]
fn zeekconf_websocket_on_a_reachable_address_is_warned_about() {
    let cluster = read_zeekconf(&zeekconf_with("websocket = 0.0.0.0:27759")).expect("valid");
    assert_eq!(
        cluster.settings.websocket,
        Some("0.0.0.0:27759".parse().unwrap())
    );
    let warnings = cluster.settings.warnings.join("\n");
    assert!(
        warnings.contains("zeek.conf:4: [zeek] websocket: "),
        "{warnings}"
    );
    assert!(warnings.contains("no authentication"), "{warnings}");
}

#[test]
fn zeekconf_websocket_without_a_logger_under_zeromq_is_dropped_with_a_warning() {
    let text = "[zeek]\nmanager = 1\nwebsocket = true\n\
                [interface eth1]\ninterface = af_packet::eth1\nworkers = 1\n";
    let cluster = read_zeekconf(text).expect("valid");
    assert_eq!(cluster.settings.websocket, None);
    assert!(!exec_start(&cluster, "manager").contains("zeek-systemd-live"));
    let warnings = cluster.settings.warnings.join("\n");
    assert!(
        warnings.contains("zeek.conf:3: [zeek] websocket: "),
        "{warnings}"
    );
    assert!(
        warnings.contains("add a logger (loggers = 1)"),
        "{warnings}"
    );
}
