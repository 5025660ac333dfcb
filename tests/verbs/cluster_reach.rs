//! How `status --cluster` reaches the other hosts of a multi-host config:
//! over SSH (`systemctl -H`, and `remote-deploy old-zeek` for the nodes
//! on an old Zeek) at each host's management address (`metrics_address`)
//! when it has one, else its cluster address, else its name. `systemctl`
//! and `ssh` are stand-ins on `PATH` that record how they were called;
//! the stand-in ssh answers the old-Zeek question for one host.

use crate::common;

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

const CONFIG: &str = r#"
[hosts.c-mgr]
address = "10.0.0.1"
manager = true

[hosts.c-w-01]
address = "10.0.0.2"
metrics_address = "192.0.2.2"

[[hosts.c-w-01.interface]]
name = "eth1"
capture = "af_packet::eth1"
workers = 1

[hosts.c-w-02]
address = "10.0.0.3"

[[hosts.c-w-02.interface]]
name = "eth1"
capture = "af_packet::eth1"
workers = 1
"#;

/// What the stand-in ssh says for `remote-deploy old-zeek` on c-w-01.
const OLD_ZEEK_REPLY: &str = r#"remote-deploy: old-zeek [{"node":"c-w-01-worker-eth1-1","pid":42,"since":null,"why":"its binary was replaced on disk","running":"9.1.0","on_disk":"9.1.1"}]"#;

fn script(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// `status --cluster --json --ssh-user root` on c-mgr with the stand-ins:
/// its JSON, and how `systemctl` and `ssh` were called.
fn status_cluster() -> (Value, String) {
    let root = common::machine_root(&[
        ("proc/sys/kernel/hostname", "c-mgr"),
        ("etc/zeek/cluster.toml", CONFIG),
    ]);
    let bin = root.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::create_dir_all(root.path().join("tmp")).unwrap();
    let calls = root.path().join("calls");
    script(
        &bin.join("systemctl"),
        &format!(
            "#!/bin/sh\necho \"systemctl $*\" >>{0}\necho 'Failed to connect' >&2\nexit 1\n",
            calls.display()
        ),
    );
    script(
        &bin.join("ssh"),
        &format!(
            "#!/bin/sh\necho \"ssh $*\" >>{0}\ncase \"$*\" in\n*192.0.2.2*old-zeek*) echo '{OLD_ZEEK_REPLY}' ;;\n*) echo 'no route' >&2; exit 255 ;;\nesac\n",
            calls.display()
        ),
    );
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new(common::program())
        .env(common::ROOT_ENV, root.path())
        .env("TMPDIR", root.path().join("tmp"))
        .env("PATH", path)
        .env_remove("ZEEK_SYSTEMD_CONFIG_DIR")
        .args(["status", "--cluster", "--json", "--ssh-user", "root"])
        .args(["--remote-program", "/usr/sbin/zs"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The hosts could not be asked (the stand-in systemctl fails).
    assert_eq!(out.status.code(), Some(3), "{stdout}\n{stderr}");
    let json: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    (json, std::fs::read_to_string(&calls).unwrap_or_default())
}

#[test]
fn status_cluster_reaches_a_host_at_its_management_address() {
    let (json, calls) = status_cluster();
    let targets: Vec<(&str, &Value)> = json["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["host"].as_str().unwrap(), &h["target"]))
        .collect();
    assert_eq!(
        targets,
        [
            ("c-mgr", &Value::Null),
            ("c-w-01", &Value::from("root@192.0.2.2")),
            ("c-w-02", &Value::from("root@10.0.0.3")),
        ],
        "{json:#}"
    );
    assert!(
        calls.contains("systemctl -H root@192.0.2.2 show"),
        "{calls}"
    );
    assert!(!calls.contains("10.0.0.2"), "{calls}");
}

#[test]
fn status_cluster_names_the_nodes_of_another_host_on_an_old_zeek() {
    let (json, calls) = status_cluster();
    assert!(
        calls.contains(
            "ssh -o BatchMode=yes -o ConnectTimeout=10 root@192.0.2.2 /usr/sbin/zs remote-deploy \
             old-zeek"
        ),
        "{calls}"
    );
    let old: Vec<(&str, &str)> = json["old_zeek"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|h| {
            let host = h["host"].as_str().unwrap();
            (h["nodes"].as_array().into_iter().flatten())
                .map(move |n| (host, n["node"].as_str().unwrap()))
        })
        .collect();
    assert_eq!(old, [("c-w-01", "c-w-01-worker-eth1-1")], "{json:#}");
}
