//! The cluster of the test, its scripts, and one run of it: four
//! containers on one zone (tests/common/network.rs) while tcpdump
//! captures the zone's bridge.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::common::network::{NetHost, Network};
use crate::common::{self, BootResult};
use crate::scenarios;
use zeek_systemd::secrets::{Part, Secrets};

pub const MANAGER_NODES: [&str; 3] = ["manager", "zs-mgr-logger-1", "zs-mgr-proxy-1"];
pub const MARKER: &str = "ZS-MARKER-4711";

pub const MGR: NetHost = NetHost {
    name: "zs-mgr",
    address: "10.77.0.1",
};
pub const SENSOR1: NetHost = NetHost {
    name: "zs-sensor1",
    address: "10.77.0.2",
};
pub const SENSOR2: NetHost = NetHost {
    name: "zs-sensor2",
    address: "10.77.0.3",
};
pub const INTRUDER: NetHost = NetHost {
    name: "zs-evil",
    address: "10.77.0.9",
};

/// The sensor hosts and their worker (one each: three hosts of Zeek
/// share the machine's two CPUs).
pub const SENSORS: [(NetHost, &str); 2] = [
    (SENSOR1, "zs-sensor1-worker-lo-1"),
    (SENSOR2, "zs-sensor2-worker-lo-1"),
];

/// Every node of the cluster, in host order.
pub fn all_nodes() -> Vec<&'static str> {
    MANAGER_NODES
        .iter()
        .copied()
        .chain(SENSORS.iter().map(|(_, w)| *w))
        .collect()
}

struct Host {
    net: NetHost,
    nodes: &'static [&'static str],
    scenario: fn(&NetHost) -> String,
}

/// The containers of a run, in the order of [`Run::results`].
const HOSTS: [Host; 4] = [
    Host {
        net: MGR,
        nodes: &MANAGER_NODES,
        scenario: scenarios::manager,
    },
    Host {
        net: SENSOR1,
        nodes: &["zs-sensor1-worker-lo-1"],
        scenario: scenarios::sensor,
    },
    Host {
        net: SENSOR2,
        nodes: &["zs-sensor2-worker-lo-1"],
        scenario: scenarios::sensor,
    },
    Host {
        net: INTRUDER,
        nodes: &[],
        scenario: scenarios::intruder,
    },
];

/// zs-sensor1's address on the management network of the deploy run
/// (its `metrics_address`; its sshd listens there only), and zs-mgr's.
pub const SENSOR1_MANAGEMENT: &str = "10.77.1.2";
pub const MGR_MANAGEMENT: &str = "10.77.1.1";

/// The cluster's config; `other` makes the copy of a host that differs
/// (one more setting: another config digest).
pub fn config(encryption: bool, other: bool, management: bool) -> String {
    let restart = if other { "restart_sec = 2\n" } else { "" };
    let mut text = format!(
        r#"
[zeek]
autostart = false
args = ["local", "/etc/zeek-test/marker.zeek"]
{restart}
[cluster]
encryption = {encryption}

[hosts.{mgr}]
address = "{mgr_address}"
manager = true
loggers = 1
proxies = 1
"#,
        mgr = MGR.name,
        mgr_address = MGR.address,
    );
    for (host, _) in &SENSORS {
        let management = match management && host.name == SENSOR1.name {
            true => format!("metrics_address = \"{SENSOR1_MANAGEMENT}\"\n"),
            false => String::new(),
        };
        text += &format!(
            r#"
[hosts.{name}]
address = "{address}"
{management}
[[hosts.{name}.interface]]
name = "lo"
capture = "af_packet::lo"
workers = 1
"#,
            name = host.name,
            address = host.address
        );
    }
    text
}

/// Every node writes the marker to reporter.log every second (a sensor's
/// worker through the link), with a digest of its hash seed. The
/// intruder's event, should it ever arrive, is written there too.
pub const MARKER_SCRIPT: &str = r#"
global zs_intruder_event: event(msg: string);

event zs_marker()
	{
	Reporter::info(fmt("ZS-MARKER-4711 node=%s seed=%s", Cluster::node, md5_hash(global_hash_seed)));
	schedule 1sec { zs_marker() };
	}

event zeek_init()
	{
	schedule 1sec { zs_marker() };
	}

event zs_intruder_event(msg: string)
	{
	Reporter::warning(fmt("ZS-INTRUDER-EVENT-ARRIVED at=%s msg=%s", Cluster::node, msg));
	}
"#;

/// The intruder's own script, every second: a line for reporter.log and
/// one for cluster.log (the logger's, should it take the intruder's log
/// writes), and an event to the manager.
const INTRUDER_SCRIPT: &str = r#"
global zs_intruder_event: event(msg: string);

event zs_intruder()
	{
	Reporter::info("ZS-INTRUDER-4711 log write");
	Cluster::log("ZS-INTRUDER-4711 cluster.log write");
	Cluster::publish(Cluster::manager_topic, zs_intruder_event, "ZS-INTRUDER-4711 event");
	schedule 1sec { zs_intruder() };
	}

event zeek_init()
	{
	schedule 1sec { zs_intruder() };
	}
"#;

/// What a run does differently.
pub struct Spec {
    /// Tells the run's zone apart (at most 4 bytes).
    pub tag: &'static str,
    pub encryption: bool,
    /// The host given another config.
    pub differs: Option<NetHost>,
    /// The intruder's attempts, in order: `nokeys`, `wrongkeys`.
    pub intruder_runs: &'static [&'static str],
    /// The host powered off after the first cluster-wide view.
    pub switch_off: Option<NetHost>,
    /// The deploy run (tests/multihost_secure/deploy.rs): the three hosts
    /// of the cluster and the intruder with the old keys, the manager
    /// host's site dir writable.
    pub deploy: bool,
}

pub struct Run {
    /// One per host: manager host, sensors, intruder.
    pub results: Vec<BootResult>,
    pub capture: Vec<u8>,
}

impl Run {
    pub fn of(&self, host: &NetHost) -> &BootResult {
        let i = HOSTS
            .iter()
            .position(|h| h.net.name == host.name)
            .expect("a host of the run");
        &self.results[i]
    }
}

/// Boots every host at once on a fresh zone while tcpdump captures its
/// bridge.
pub fn boot_all(spec: &Spec, prefix: &Path) -> Run {
    let net = Network::new(spec.tag);
    let pcap_dir = tempfile::tempdir().expect("temp dir");
    let pcap = pcap_dir.path().join("link.pcap");
    let mut tcpdump = Capture::start(net.bridge(), &pcap);
    let ssh = ssh_keys();
    let files = run_files(spec);
    let boots: Vec<_> = HOSTS
        .iter()
        .map(|host| {
            let other = spec.differs.is_some_and(|d| d.name == host.net.name);
            let scenario = match spec.deploy {
                true => deploy_scenario(&host.net),
                false => (host.scenario)(&host.net),
            };
            let mut boot = net.host(
                &host.net,
                prefix,
                &config(spec.encryption, other, spec.deploy),
                host.nodes,
                &scenario,
            );
            boot.files.extend(files.iter().cloned());
            boot.binds.extend(ssh_binds(ssh.path()));
            boot.timeout_secs = 420;
            if spec.deploy {
                boot.timeout_secs = 1500;
                if host.net.name == MGR.name {
                    boot.writable_dirs.push(common::WritableDir {
                        at: "/opt/zeek/share/zeek/site".into(),
                        copy_of: Some(prefix.join("share/zeek/site")),
                        files: Vec::new(),
                    });
                }
            }
            (host.net.name, boot)
        })
        .collect();
    let results = net.boot_all(&boots);
    tcpdump.stop();
    let capture = std::fs::read(&pcap).unwrap_or_default();
    Run { results, capture }
}

/// A host's scenario in the deploy run.
fn deploy_scenario(host: &NetHost) -> String {
    let mut start = common::network::scenario_start(host.address, scenarios::SPOOL);
    let management = match host.name {
        n if n == MGR.name => Some(MGR_MANAGEMENT),
        n if n == SENSOR1.name => Some(SENSOR1_MANAGEMENT),
        _ => None,
    };
    if let Some(address) = management {
        start += &format!("ip addr add {address}/24 dev host0 || fail \"ip addr add\"\n");
    }
    match host.name {
        n if n == MGR.name => start + &crate::deploy::manager(),
        n if n == INTRUDER.name => start + crate::deploy_more::INTRUDER,
        _ => start + &crate::deploy::sensor(host),
    }
}

/// The files every host of a run finds under /etc/zeek-test.
fn run_files(spec: &Spec) -> Vec<(String, String)> {
    let sensors: String = SENSORS
        .iter()
        .map(|(h, w)| format!("{} {w}\n", h.name))
        .collect();
    let wrong = Secrets::generate()
        .expect("generate other keys")
        .zeek_script(Part::Client);
    let mut files = vec![
        ("all-nodes", common::network::node_list(all_nodes())),
        ("sensors", sensors),
        ("marker.zeek", MARKER_SCRIPT.into()),
        ("intruder.zeek", INTRUDER_SCRIPT.into()),
        ("wrong-keys.zeek", wrong),
        ("old-keys.zeek", old_keys()),
        (
            "intruder-layout.zeek",
            intruder_layout(&config(spec.encryption, false, spec.deploy)),
        ),
        ("intruder-runs", spec.intruder_runs.join("\n") + "\n"),
        ("sshd_config", SSHD_CONFIG.into()),
    ];
    if let Some(off) = spec.switch_off {
        files.push(("switch-off", format!("{}\n", off.name)));
    }
    files
        .into_iter()
        .map(|(name, text)| (name.to_string(), text))
        .collect()
}

/// A client's part of the test's secrets: the cluster's own keys until
/// `secrets rotate` replaces them.
fn old_keys() -> String {
    Secrets::parse(common::scratch::TEST_SECRETS)
        .expect("the test secrets parse")
        .zeek_script(Part::Client)
}

/// The layout of the cluster plus the intruder as a worker.
fn intruder_layout(config: &str) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("cluster.toml");
    std::fs::write(&path, config).expect("write the config");
    let out = Command::new(common::program())
        .arg("--config")
        .arg(&path)
        .args(["--host", MGR.name, "layout"])
        .output()
        .expect("run zeek-systemd layout");
    assert!(out.status.success(), "layout failed");
    String::from_utf8_lossy(&out.stdout).into_owned()
        + &format!(
            "\nredef Cluster::nodes += {{\n    [\"intruder\"] = [$node_type=Cluster::WORKER, $ip={}, $manager=\"manager\"],\n}};\n",
            INTRUDER.address
        )
}

/// The sensors' sshd, for `status --cluster` (`systemctl -H`) from the
/// manager host: root with the test's key only.
pub const SSHD_CONFIG: &str = "\
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

pub fn sshd_available() -> bool {
    common::require(
        sshd_path().is_file(),
        "an unpacked sshd",
        "tests/setup-debian.sh (apt-get download openssh-server; dpkg -x into target/test-sshd/root)",
    )
}

pub fn tcpdump_available() -> bool {
    common::require(
        which::which("tcpdump").is_ok(),
        "tcpdump",
        "apt-get install tcpdump (tests/setup-debian.sh)",
    )
}

/// A client key pair and a host key, made for this run.
pub fn ssh_keys() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
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

/// The sshd and the keys, in every container (the manager host uses the
/// client key, the sensors the rest).
pub fn ssh_binds(keys: &Path) -> Vec<(PathBuf, String)> {
    let mut binds = vec![(sshd_path(), "/etc/zeek-test/sshd".to_string())];
    for (name, file) in [
        ("id_ed25519", "id"),
        ("authorized_keys", "id.pub"),
        ("ssh_host_ed25519_key", "hostkey"),
    ] {
        binds.push((keys.join(file), format!("/etc/zeek-test/{name}")));
    }
    binds
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
        // tcpdump opens the interface after it starts; the first packets
        // (the hosts' first hellos) must not be missed.
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

/// Packets in a capture between two addresses (records tcpdump -r
/// prints).
pub fn packets_between(pcap: &[u8], a: &str, b: &str) -> usize {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("c.pcap");
    std::fs::write(&path, pcap).expect("write the capture");
    let out = Command::new("tcpdump")
        .args(["-n", "-r"])
        .arg(&path)
        .args(["host", a, "and", "host", b])
        .stderr(Stdio::null())
        .output()
        .expect("run tcpdump -r");
    String::from_utf8_lossy(&out.stdout).lines().count()
}

/// How many times `needle` is in `haystack` (a capture's bytes).
pub fn count(haystack: &[u8], needle: &str) -> usize {
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle.as_bytes())
        .count()
}

/// The Zeek prefix, when everything a run needs is here (else the test
/// is skipped, or fails in CI: `common::require`).
pub fn available() -> Option<PathBuf> {
    let here = common::real_systemd_available() && tcpdump_available() && sshd_available();
    here.then(common::real_zeek::zeek_prefix).flatten()
}
