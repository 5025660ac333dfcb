//! Issue 18 with a real Zeek 9.1 under a real systemd, on a private
//! network of containers (`systemd-nspawn --network-zone`, as
//! tests/real_zeek/multihost.rs): a manager host (manager, logger, proxy)
//! and a sensor host (a worker on its `lo`) form one encrypted cluster;
//! a capture of the bridge between them holds none of the marker the
//! nodes write to their logs (a run with `encryption = false` does); an
//! intruder on the same network without the keys, then with other keys,
//! never joins and none of its events arrive; every node runs with the
//! one hash seed; and no key shows in the units, `systemctl show`, the
//! journal or `status --json`.

#[path = "../common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use common::real_zeek;
use common::{run, Boot, BootResult};
use zeek_systemd::secrets::{Part, Secrets};

const MANAGER_NODES: [&str; 3] = ["manager", "zs-mgr-logger-1", "zs-mgr-proxy-1"];
const SENSOR_NODES: [&str; 1] = ["zs-sensor-worker-lo-1"];
const MARKER: &str = "ZS-MARKER-4711";
const INTRUDER_MARKER: &str = "ZS-INTRUDER-4711";

fn config(encryption: bool) -> String {
    format!(
        r#"
[zeek]
autostart = false
args = ["local", "/etc/zeek-test/marker.zeek"]

[cluster]
encryption = {encryption}

[hosts.zs-mgr]
address = "10.77.0.1"
manager = true
loggers = 1
proxies = 1

[hosts.zs-sensor]
address = "10.77.0.2"

[[hosts.zs-sensor.interface]]
name = "lo"
capture = "af_packet::lo"
workers = 1
"#
    )
}

/// Every node writes the marker to reporter.log every second (the
/// sensor's worker through the link), with a digest of its hash seed.
const MARKER_SCRIPT: &str = r#"
event zs_marker()
	{
	Reporter::info(fmt("ZS-MARKER-4711 node=%s seed=%s", Cluster::node, md5_hash(global_hash_seed)));
	schedule 1sec { zs_marker() };
	}

event zeek_init()
	{
	schedule 1sec { zs_marker() };
	}
"#;

/// The intruder's own script: its marker in reporter.log and an event to
/// the manager, every second.
const INTRUDER_SCRIPT: &str = r#"
global zs_intruder_event: event(msg: string);

event zs_intruder()
	{
	Reporter::info("ZS-INTRUDER-4711");
	Cluster::publish(Cluster::manager_topic, zs_intruder_event, "ZS-INTRUDER-4711");
	schedule 1sec { zs_intruder() };
	}

event zeek_init()
	{
	schedule 1sec { zs_intruder() };
	}
"#;

struct Host {
    name: &'static str,
    address: &'static str,
    nodes: &'static [&'static str],
    scenario: fn() -> String,
}

fn setup_address(address: &str) -> String {
    format!(
        r#"
export SPOOL=/opt/zeek/spool
. /etc/zeek-test/zeek-lib.sh
ip link set host0 up || fail "no host0 link"
ip addr add {address}/24 dev host0 || fail "ip addr add"
"#
    )
}

fn manager_scenario() -> String {
    setup_address("10.77.0.1")
        + r#"
start_zeek
use_nodes all-nodes
wait_hellos 150
use_nodes nodes
touch /shared/cluster-up
wait_for 90 sh -c 'cat /opt/zeek/spool/zs-mgr-logger-1/reporter.log | grep -q "ZS-MARKER-4711 node=zs-sensor-worker-lo-1"' \
    || fail "no marker from the sensor's worker in reporter.log"
if [[ -e /etc/zeek-test/intruder ]]; then
    wait_for 150 test -e /shared/intruder-done || fail "the intruder did not finish"
fi
wait_for 30 grep -q zs-sensor /opt/zeek/spool/manager/zeek-systemd-identity.tsv \
    || fail "the manager never heard the sensor's identity"
sleep 2
cp /opt/zeek/spool/manager/zeek-systemd-identity.tsv /res/identity.tsv
/etc/systemd/system-generators/zeek-systemd-generator status >/res/status.txt 2>&1
live_log cluster >/res/cluster.log
live_log reporter >/res/reporter.log
# Where keys must not show.
for n in $(nodes); do systemctl show "zeek@$n.service"; done >/res/show.txt 2>&1
journalctl -b --no-pager -o verbose >/res/journal.txt 2>&1
grep -r . /run/systemd/generator >/res/generator.txt 2>&1
/etc/systemd/system-generators/zeek-systemd-generator status --json >/res/status.json 2>&1
for n in $(nodes); do
    pid=$(systemctl show -p MainPID --value "zeek@$n.service")
    tr '\0' '\n' <"/proc/$pid/environ"
done >/res/environ.txt 2>&1
ls -la /run/zeek-systemd/secrets /run/credentials/*/ >/res/modes.txt 2>&1
if [[ -e /etc/zeek-test/cluster-view ]]; then
    mkdir -p /etc/ssh
    printf 'Host *\n IdentityFile /etc/zeek-test/id_ed25519\n StrictHostKeyChecking no\n UserKnownHostsFile /dev/null\n LogLevel ERROR\n' >/etc/ssh/ssh_config
    wait_for 30 test -e /shared/sshd-up || fail "the sensor's sshd did not start"
    /etc/systemd/system-generators/zeek-systemd-generator status --cluster --ssh-user root >/res/cluster-view.txt 2>&1
    echo "exit $?" >>/res/cluster-view.txt
    /etc/systemd/system-generators/zeek-systemd-generator netstats --cluster >/res/netstats-cluster.txt 2>&1
fi
save_restarts
touch /shared/heard-all
if [[ -e /etc/zeek-test/cluster-view ]]; then
    wait_for 60 test -e /shared/sensor-leaving || fail "the sensor did not leave"
    wait_for 60 sh -c '! (exec 3<>/dev/tcp/10.77.0.2/22) 2>/dev/null' || fail "the sensor is still up"
    /etc/systemd/system-generators/zeek-systemd-generator status --cluster --ssh-user root >/res/cluster-view-off.txt 2>&1
    echo "exit $?" >>/res/cluster-view-off.txt
fi
true
"#
}

fn sensor_scenario() -> String {
    setup_address("10.77.0.2")
        + r#"
start_zeek
if [[ -e /etc/zeek-test/cluster-view ]]; then
    mkdir -p /run/sshd
    # sysusers leaves root locked ("!" in /etc/shadow): sshd refuses even a key.
    sed -i 's/^root:[^:]*:/root:*:/' /etc/shadow
    getent passwd sshd >/dev/null || echo 'sshd:x:990:65534:sshd:/run/sshd:/usr/sbin/nologin' >>/etc/passwd
    /etc/zeek-test/sshd -f /etc/zeek-test/sshd_config -E /res/sshd.log || fail "sshd"
    touch /shared/sshd-up
fi
wait_for 400 test -e /shared/heard-all || fail "the manager host did not finish"
save_restarts
touch /shared/sensor-leaving
true
"#
}

/// Not in the config: it runs Zeek by hand as a worker of the cluster,
/// once without keys and once with other keys.
fn intruder_scenario() -> String {
    setup_address("10.77.0.3")
        + r#"
rm -f /etc/zeek/cluster-secrets
wait_for 300 test -e /shared/cluster-up || fail "the cluster never came up"
mkdir -p /tmp/intr && cd /tmp/intr || fail "no /tmp/intr"
cp /etc/zeek-test/intruder-layout.zeek cluster-layout.zeek
export ZEEKPATH=/tmp/intr:/opt/zeek/share/zeek:/opt/zeek/share/zeek/policy:/opt/zeek/share/zeek/site:/opt/zeek/share/zeek/builtin-plugins
for run in nokeys wrongkeys; do
    keys=
    [[ $run == wrongkeys ]] && keys=/etc/zeek-test/wrong-keys.zeek
    CLUSTER_NODE=intruder timeout 25 /opt/zeek/bin/zeek frameworks/cluster/backend/zeromq \
        policy/misc/zeromq-multi-host-auto-setup /etc/zeek-test/intruder.zeek $keys \
        >"/res/intruder-$run.txt" 2>&1
    echo "exit $?" >>"/res/intruder-$run.txt"
done
touch /shared/intruder-done
true
"#
}

const MANAGER: Host = Host {
    name: "zs-mgr",
    address: "10.77.0.1",
    nodes: &MANAGER_NODES,
    scenario: manager_scenario,
};
const SENSOR: Host = Host {
    name: "zs-sensor",
    address: "10.77.0.2",
    nodes: &SENSOR_NODES,
    scenario: sensor_scenario,
};
const INTRUDER: Host = Host {
    name: "zs-evil",
    address: "10.77.0.3",
    nodes: &[],
    scenario: intruder_scenario,
};

/// The layout of the cluster plus the intruder as a worker.
fn intruder_layout(config: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cluster.toml");
    std::fs::write(&path, config).unwrap();
    let out = Command::new(common::program())
        .args([
            "--config",
            path.to_str().unwrap(),
            "--host",
            "zs-mgr",
            "layout",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "layout failed");
    String::from_utf8(out.stdout).unwrap()
        + "\nredef Cluster::nodes += {\n    [\"intruder\"] = [$node_type=Cluster::WORKER, $ip=10.77.0.3, $manager=\"manager\"],\n};\n"
}

/// The sensor's sshd, for `status --cluster` (`systemctl -H`) from the
/// manager host: root with the test's key only.
const SSHD_CONFIG: &str = "\
Port 22
HostKey /etc/zeek-test/ssh_host_ed25519_key
AuthorizedKeysFile /etc/zeek-test/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
UsePAM no
StrictModes no
";

/// An sshd binary unpacked from Debian's openssh-server package, not
/// installed (an installed one would enable ssh.service in every test
/// container): tests/setup-debian.sh puts it there.
fn sshd_path() -> PathBuf {
    common::root().join("target/test-sshd/root/usr/sbin/sshd")
}

fn sshd_available() -> bool {
    common::require(
        sshd_path().is_file(),
        "an unpacked sshd",
        "tests/setup-debian.sh (apt-get download openssh-server; dpkg -x into target/test-sshd/root)",
    )
}

/// A client key pair and a host key, made for this run.
fn ssh_keys() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in ["id", "hostkey"] {
        let ok = Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-f"])
            .arg(dir.path().join(name))
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "ssh-keygen failed");
    }
    dir
}

struct Run {
    results: Vec<BootResult>,
    capture: Vec<u8>,
}

/// Boots `hosts` at once on a fresh zone while tcpdump captures its bridge.
/// `sensor_config`: the sensor host's config, when it differs.
fn boot_all(
    tag: &str,
    prefix: &Path,
    config: &str,
    sensor_config: Option<&str>,
    hosts: &[Host],
    cluster_view: bool,
) -> Run {
    let shared = tempfile::tempdir().expect("temp dir");
    let zone = format!("zq{tag}{}", std::process::id() % 1_000_000);
    let bridge = Bridge::up(&format!("vz-{zone}"));
    let pcap = shared.path().join("link.pcap");
    let mut tcpdump = Capture::start(&bridge.0, &pcap);
    let all_nodes: String = hosts
        .iter()
        .flat_map(|h| h.nodes.iter())
        .map(|n| format!("{n}\n"))
        .collect();
    let wrong = Secrets::generate().unwrap().zeek_script(Part::Client);
    let layout = intruder_layout(config);
    let with_intruder = hosts.iter().any(|h| h.nodes.is_empty());
    let ssh = cluster_view.then(ssh_keys);
    let boots: Vec<Boot> = hosts
        .iter()
        .map(|host| {
            let text = match (host.name, sensor_config) {
                ("zs-sensor", Some(other)) => other,
                _ => config,
            };
            let mut boot = Boot::new(text, host.nodes, &(host.scenario)())
                .file("all-nodes", &all_nodes)
                .file("marker.zeek", MARKER_SCRIPT)
                .file("intruder.zeek", INTRUDER_SCRIPT)
                .file("wrong-keys.zeek", &wrong)
                .file("intruder-layout.zeek", &layout);
            if with_intruder {
                boot = boot.file("intruder", "");
            }
            if let Some(ssh) = &ssh {
                boot = boot
                    .file("cluster-view", "")
                    .file("sshd_config", SSHD_CONFIG);
                boot.binds.push((sshd_path(), "/etc/zeek-test/sshd".into()));
                for (name, file) in [
                    ("id_ed25519", "id"),
                    ("authorized_keys", "id.pub"),
                    ("ssh_host_ed25519_key", "hostkey"),
                ] {
                    boot.binds
                        .push((ssh.path().join(file), format!("/etc/zeek-test/{name}")));
                }
            }
            boot.stand_in = false;
            boot.timeout_secs = 420;
            boot.share_held = true;
            boot.binds.extend(real_zeek::binds(prefix));
            let hostname = shared.path().join(format!("hostname-{}", host.name));
            std::fs::write(&hostname, format!("{}\n", host.name)).unwrap();
            boot.binds.push((hostname, "/etc/hostname".into()));
            boot.binds.push((
                common::root().join("tests/real-zeek/lib.sh"),
                "/etc/zeek-test/zeek-lib.sh".into(),
            ));
            for unit in ["systemd-networkd.service", "systemd-networkd.socket"] {
                boot.binds.push((
                    PathBuf::from("/dev/null"),
                    format!("/etc/systemd/system/{unit}"),
                ));
            }
            boot.nspawn_args.push(format!("--hostname={}", host.name));
            boot.nspawn_args.push(format!("--network-zone={zone}"));
            boot.nspawn_args
                .push(format!("--bind={}:/shared", shared.path().display()));
            let _ = host.address;
            boot
        })
        .collect();
    let results = std::thread::scope(|s| {
        let handles: Vec<_> = boots.iter().map(|b| s.spawn(|| run(b))).collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap())
            .collect::<Vec<_>>()
    });
    tcpdump.stop();
    let capture = std::fs::read(&pcap).unwrap_or_default();
    drop(bridge);
    Run { results, capture }
}

/// tcpdump on the bridge, started and stopped by this test (by its pid).
struct Capture(Option<Child>);

impl Capture {
    fn start(interface: &str, file: &Path) -> Capture {
        let child = Command::new("tcpdump")
            .args(["-i", interface, "-U", "-s", "0", "-w"])
            .arg(file)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("run tcpdump (tests/setup-debian.sh installs it)");
        std::thread::sleep(std::time::Duration::from_secs(1));
        Capture(Some(child))
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(child.id() as i32),
                nix::sys::signal::Signal::SIGINT,
            );
            let _ = child.wait();
        }
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        self.stop();
    }
}

struct Bridge(String);

impl Bridge {
    fn up(name: &str) -> Bridge {
        let _ = ip(&["link", "del", name]);
        assert!(
            ip(&["link", "add", name, "type", "bridge"]),
            "cannot add bridge {name}"
        );
        assert!(
            ip(&["link", "set", name, "up"]),
            "cannot set bridge {name} up"
        );
        Bridge(name.to_string())
    }
}

impl Drop for Bridge {
    fn drop(&mut self) {
        let _ = ip(&["link", "del", &self.0]);
    }
}

fn ip(args: &[&str]) -> bool {
    Command::new("ip")
        .args(args)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn contains(haystack: &[u8], needle: &str) -> usize {
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle.as_bytes())
        .count()
}

/// Packets in the capture between the two hosts' addresses (pcap records
/// counted by tcpdump -r).
fn packets_between_hosts(pcap: &[u8]) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.pcap");
    std::fs::write(&path, pcap).unwrap();
    let out = Command::new("tcpdump")
        .args(["-n", "-r"])
        .arg(&path)
        .args(["host", "10.77.0.1", "and", "host", "10.77.0.2"])
        .stderr(Stdio::null())
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).lines().count()
}

fn tcpdump_available() -> bool {
    common::require(
        which::which("tcpdump").is_ok(),
        "tcpdump",
        "apt-get install tcpdump (tests/setup-debian.sh)",
    )
}

fn seed_digest() -> String {
    let line = common::scratch::TEST_SECRETS
        .lines()
        .find(|l| l.starts_with("hash_seed"))
        .unwrap();
    let seed = line.split('"').nth(1).unwrap();
    let out = Command::new("md5sum")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write as _;
            c.stdin.take().unwrap().write_all(seed.as_bytes())?;
            c.wait_with_output()
        })
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

#[test]
fn encrypted_cluster_forms_hides_its_traffic_and_keeps_intruders_out() {
    if !common::real_systemd_available() || !tcpdump_available() {
        return;
    }
    let Some(prefix) = real_zeek::zeek_prefix() else {
        return;
    };
    let _one_at_a_time = real_zeek::serial();
    let run = boot_all(
        "e",
        &prefix,
        &config(true),
        None,
        &[MANAGER, SENSOR, INTRUDER],
        false,
    );
    for result in &run.results {
        result.assert_passed();
    }
    let mgr = &run.results[0];
    // The cluster formed: the manager host's logger heard every node.
    let cluster_log = mgr.read("cluster.log");
    for node in MANAGER_NODES.iter().chain(&SENSOR_NODES) {
        let heard = cluster_log
            .lines()
            .filter(|l| l.contains(&format!("got hello from {node} ")))
            .count();
        println!("zs-mgr logger cluster.log: {heard} x \"got hello from {node}\"");
        assert!(heard > 0, "never heard {node}:\n{cluster_log}");
    }
    // The marker crossed the link (the logger has the sensor's), yet the
    // capture of the link has none of it.
    let reporter = mgr.read("reporter.log");
    let from_sensor = reporter
        .lines()
        .filter(|l| l.contains(&format!("{MARKER} node=zs-sensor-worker-lo-1")))
        .count();
    let between = packets_between_hosts(&run.capture);
    let in_capture = contains(&run.capture, MARKER);
    println!(
        "encrypted: {from_sensor} markers from the sensor's worker in reporter.log; capture: {} bytes, {between} packets between the hosts, {in_capture} x {MARKER}",
        run.capture.len()
    );
    assert!(from_sensor > 0, "{reporter}");
    assert!(between > 0, "the capture saw no traffic between the hosts");
    assert_eq!(in_capture, 0, "the marker crossed the link in cleartext");
    // One hash seed: every node's digest is the secrets file's.
    let digest = seed_digest();
    for node in MANAGER_NODES.iter().chain(&SENSOR_NODES) {
        let seeds: std::collections::BTreeSet<&str> = reporter
            .lines()
            .filter(|l| l.contains(&format!("{MARKER} node={node} ")))
            .filter_map(|l| l.split("seed=").nth(1))
            .map(|s| s.split_whitespace().next().unwrap_or(""))
            .collect();
        println!("{node}: hash seed digests {seeds:?}");
        assert_eq!(seeds.into_iter().collect::<Vec<_>>(), [digest.as_str()]);
    }
    // The intruder never joined and its events never arrived.
    let intruder = &run.results[2];
    for attempt in ["nokeys", "wrongkeys"] {
        let out = intruder.read(&format!("intruder-{attempt}.txt"));
        let handshake = out.lines().filter(|l| l.contains("Handshake")).count();
        println!(
            "intruder {attempt}: {handshake} handshake failures; {}",
            out.lines().last().unwrap_or("")
        );
        assert!(handshake > 0, "intruder {attempt}:\n{out}");
    }
    assert!(!cluster_log.contains("intruder"), "{cluster_log}");
    assert!(!reporter.contains(INTRUDER_MARKER), "{reporter}");
    // No key anywhere an operator or another user looks.
    for file in [
        "show.txt",
        "journal.txt",
        "generator.txt",
        "status.json",
        "environ.txt",
    ] {
        let text = mgr.read(file);
        assert!(!text.is_empty(), "{file} is empty");
        for line in common::scratch::TEST_SECRETS.lines() {
            let value = line.split('"').nth(1).unwrap();
            assert!(!text.contains(value), "a secret is in {file}: {line}");
        }
    }
    assert_no_drift(mgr);
    let modes = mgr.read("modes.txt");
    println!("{modes}");
    // What `systemctl show` has of the secrets: the path of the node's
    // credential on its command line, never a key.
    let show = mgr.read("show.txt");
    let credential = show
        .lines()
        .filter(|l| l.starts_with("ExecStart="))
        .filter(|l| {
            l.contains("/run/credentials/zeek@") && l.contains("/zeek-cluster-secrets.zeek")
        })
        .count();
    println!("systemctl show: {credential} ExecStart= with the node's credential path");
    assert_eq!(credential, MANAGER_NODES.len(), "{show}");
    let parts: Vec<&str> = modes.lines().filter(|l| l.contains(".zeek")).collect();
    assert!(
        parts
            .iter()
            .all(|l| l.starts_with("-r--------") || l.starts_with("-rw-------")),
        "{modes}"
    );
    for result in &run.results[..2] {
        for line in result.read("restarts.txt").lines() {
            assert!(line.ends_with(" 0"), "a node restarted: {line}");
        }
    }
}

#[test]
fn cleartext_cluster_shows_its_marker_on_the_link() {
    if !common::real_systemd_available() || !tcpdump_available() || !sshd_available() {
        return;
    }
    let Some(prefix) = real_zeek::zeek_prefix() else {
        return;
    };
    let _one_at_a_time = real_zeek::serial();
    // The sensor host also runs another config (restart_sec): the manager
    // names it, in reporter.log and in `status`.
    let sensor_config =
        config(false).replace("autostart = false", "autostart = false\nrestart_sec = 2");
    let run = boot_all(
        "c",
        &prefix,
        &config(false),
        Some(&sensor_config),
        &[MANAGER, SENSOR],
        true,
    );
    for result in &run.results {
        result.assert_passed();
    }
    let in_capture = contains(&run.capture, MARKER);
    println!(
        "encryption = false: capture {} bytes, {} packets between the hosts, {in_capture} x {MARKER}",
        run.capture.len(),
        packets_between_hosts(&run.capture)
    );
    assert!(in_capture > 0, "the cleartext run's capture has no marker");
    let mgr = &run.results[0];
    let status = mgr.read("status.txt");
    let reporter = mgr.read("reporter.log");
    println!("identity table:\n{}", mgr.read("identity.tsv"));
    let named = |text: &str| {
        text.lines()
            .filter(|l| {
                l.contains("host zs-sensor (node zs-sensor-worker-lo-1) differs from the manager's: config")
            })
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    println!("status: {:?}", named(&status));
    println!("reporter.log: {:?}", named(&reporter).first());
    assert!(
        !named(&status).is_empty(),
        "status does not name the sensor:\n{status}"
    );
    assert!(
        !named(&reporter).is_empty(),
        "reporter.log does not name the sensor:\n{reporter}"
    );
    assert!(
        !status.contains("host zs-mgr"),
        "the manager's own nodes differ?\n{status}"
    );
    assert_cluster_view(mgr);
}

/// `status --cluster` from the manager host: every node of both hosts,
/// then, with the sensor switched off, the sensor named as not asked.
fn assert_cluster_view(mgr: &BootResult) {
    let view = mgr.read("cluster-view.txt");
    println!("status --cluster:\n{view}");
    for node in MANAGER_NODES.iter().chain(&SENSOR_NODES) {
        assert!(
            view.lines()
                .any(|l| l.contains(node) && l.contains("running")),
            "{node} is not running in the cluster view:\n{view}"
        );
    }
    assert!(view.contains("2 of 2 host(s) asked"), "{view}");
    println!("netstats --cluster:\n{}", mgr.read("netstats-cluster.txt"));
    let off = mgr.read("cluster-view-off.txt");
    println!("status --cluster, sensor off:\n{off}");
    assert!(off.contains("1 of 2 host(s) asked"), "{off}");
    assert!(off.contains("host zs-sensor could not be asked"), "{off}");
    assert!(
        MANAGER_NODES.iter().all(|n| off.contains(n)),
        "the manager host's nodes are missing:\n{off}"
    );
}

/// The encrypted run's hosts run one config: no host is named.
fn assert_no_drift(mgr: &BootResult) {
    let status = mgr.read("status.txt");
    assert!(!status.contains("differs from the manager's"), "{status}");
}
