//! A private network of containers for the multi-host tests
//! (tests/real_zeek/multihost.rs, tests/multihost_secure): every host of
//! a test cluster is a container of one `systemd-nspawn --network-zone`
//! (a bridge on the host, a veth `host0` in each container); each
//! scenario puts its host's address on `host0`, so the addresses exist
//! only on that link and the hosts talk only to each other. All hosts
//! boot at once and share a directory, `/shared`, for their handshakes
//! ("the cluster is up", "you may stop").

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::{real_zeek, run, Boot, BootResult};

/// One host of a test cluster: its name (hostname, `[hosts.NAME]`, the
/// prefix of its nodes' names) and its address on the zone.
#[derive(Debug, Clone, Copy)]
pub struct NetHost {
    pub name: &'static str,
    pub address: &'static str,
}

/// One zone, for one run of a test; the bridge goes when it is dropped.
pub struct Network {
    zone: String,
    bridge: Bridge,
    shared: tempfile::TempDir,
}

impl Network {
    /// A fresh zone. `tag` (at most 4 bytes) tells a test's runs apart,
    /// the process id parallel test processes: a bridge name is at most
    /// 15 bytes, "vz-" + the zone.
    pub fn new(tag: &str) -> Network {
        assert!(tag.len() <= 4, "zone tag {tag:?} is longer than 4 bytes");
        let zone = format!("z{tag}{}", std::process::id() % 1_000_000);
        let bridge = Bridge::up(&format!("vz-{zone}"));
        let shared = tempfile::tempdir().expect("temp dir");
        Network {
            zone,
            bridge,
            shared,
        }
    }

    /// The bridge on the host (for a capture of the link).
    pub fn bridge(&self) -> &str {
        &self.bridge.0
    }

    /// The dir every host has at /shared.
    pub fn shared(&self) -> &Path {
        self.shared.path()
    }

    /// A boot of `host` on this zone with the real Zeek at `prefix`:
    /// hostname, zone, /shared, tests/fixtures/real-zeek/lib.sh and no networkd.
    /// The caller's share of the machine covers it (`share_held`: all
    /// hosts run at once, inside the test's `real_zeek::serial()`).
    pub fn host(
        &self,
        host: &NetHost,
        prefix: &Path,
        config: &str,
        nodes: &[&str],
        scenario: &str,
    ) -> Boot {
        let mut boot = Boot::new(config, nodes, scenario);
        boot.stand_in = false;
        boot.share_held = true;
        boot.binds.extend(real_zeek::binds(prefix));
        let hostname = self.shared().join(format!("hostname-{}", host.name));
        std::fs::write(&hostname, format!("{}\n", host.name)).expect("write a hostname");
        boot.binds.push((hostname, "/etc/hostname".into()));
        boot.binds.push(real_zeek::lib_bind());
        // No networkd: host0 carries only the address the scenario sets.
        for unit in ["systemd-networkd.service", "systemd-networkd.socket"] {
            boot.binds.push((
                PathBuf::from("/dev/null"),
                format!("/etc/systemd/system/{unit}"),
            ));
        }
        boot.nspawn_args.push(format!("--hostname={}", host.name));
        boot.nspawn_args
            .push(format!("--network-zone={}", self.zone));
        boot.nspawn_args
            .push(format!("--bind={}:/shared", self.shared().display()));
        boot
    }

    /// Boots every host at once: (host name, boot) each; the hosts wait
    /// for each other through /shared. When a container has gone (its
    /// scenario ended and it powered off), /shared/HOST.off says so to
    /// the others. The results in the order of `boots`.
    pub fn boot_all(&self, boots: &[(&str, Boot)]) -> Vec<BootResult> {
        std::thread::scope(|s| {
            let handles: Vec<_> = boots
                .iter()
                .map(|(name, boot)| {
                    s.spawn(move || {
                        let result = run(boot);
                        let off = self.shared().join(format!("{name}.off"));
                        std::fs::write(off, "").expect("write to /shared");
                        result
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("a boot's thread"))
                .collect()
        })
    }
}

/// The lines a host's scenario starts with: the real-Zeek functions with
/// the config's spool dir, and the host's address on its link.
pub fn scenario_start(address: &str, spool: &str) -> String {
    format!(
        r#"
export SPOOL={spool}
. /etc/zeek-test/zeek-lib.sh
ip link set host0 up || fail "no host0 link"
ip addr add {address}/24 dev host0 || fail "ip addr add"
"#
    )
}

/// One line per node, for `use_nodes` (e.g. every node of every host,
/// which the manager host's logger must hear).
pub fn node_list<'a>(nodes: impl IntoIterator<Item = &'a str>) -> String {
    nodes.into_iter().map(|n| format!("{n}\n")).collect()
}

/// How many times a cluster.log says "got hello from NODE".
pub fn hellos(cluster_log: &str, node: &str) -> usize {
    let needle = format!("got hello from {node} ");
    cluster_log.lines().filter(|l| l.contains(&needle)).count()
}

/// The zone's bridge on the host, made and brought up by the test (nspawn
/// would make it, but leaves it down when the host runs no networkd);
/// removed on drop. It has no address: the hosts talk only to each other.
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
