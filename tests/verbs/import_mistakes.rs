//! `import-zeekctl` as a ZeekControl user first runs it (issue 26): values
//! ZeekControl refuses are refused at their line, node.cfg mistakes get
//! the help cluster.toml mistakes get, host names stay what ZeekControl's
//! layout used, and the written files are the user's to replace.

use crate::common;

use std::fs;
use std::net::IpAddr;
use std::path::Path;

use assert_cmd::Command;
use predicates::str::contains;
use tempfile::TempDir;

use zeek_systemd::import::zeekctl::{check, import_with, Sources};

const NODE_CFG: &str = "[manager]\ntype=manager\nhost=localhost\n\n\
                        [proxy-1]\ntype=proxy\nhost=localhost\n\n\
                        [worker-1]\ntype=worker\nhost=localhost\ninterface=eth0\n";

fn import_cmd(dir: &Path) -> Command {
    let mut cmd = Command::new(common::program());
    cmd.env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("ZEEK_SYSTEMD_CONFIG_DIR", "/etc/zeek")
        .current_dir(dir)
        .arg("import-zeekctl");
    cmd
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    fs::write(&path, text).unwrap();
    path
}

#[test]
fn zeekctl_cfg_values_zeekctl_refuses_are_refused_at_their_line() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "node.cfg", NODE_CFG);
    for (text, want) in [
        (
            "LogDir = /var/log/zeek\nLogExpireInterval = 2week\n",
            "zeekctl.cfg:2: LogExpireInterval: value of zeekctl option \"logexpireinterval\" is invalid",
        ),
        (
            "MinDiskSpace = abc\n",
            "zeekctl.cfg:1: MinDiskSpace: zeekctl option 'mindiskspace' has invalid value 'abc' for type int",
        ),
    ] {
        write(dir.path(), "zeekctl.cfg", text);
        import_cmd(dir.path())
            .args(["--node-cfg", "node.cfg", "--zeekctl-cfg", "zeekctl.cfg", "-o", "out.toml"])
            .assert()
            .code(1)
            .stderr(contains(want));
        assert!(!dir.path().join("out.toml").exists());
    }
}

#[test]
fn an_unknown_node_cfg_key_is_warned_at_its_line_with_the_key_meant() {
    let dir = TempDir::new().unwrap();
    let text = NODE_CFG.replace("interface=eth0\n", "interface=eth0\npin_cpu=2,3\n");
    write(dir.path(), "node.cfg", &text);
    import_cmd(dir.path())
        .args(["--node-cfg", "node.cfg"])
        .assert()
        .success()
        .stderr(contains(
            "node.cfg:13: [worker-1] pin_cpu: unknown key, ignored as ZeekControl ignores it; did you mean \"pin_cpus\"?",
        ));
}

#[test]
fn an_existing_output_is_replaced_only_with_force() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "node.cfg", NODE_CFG);
    let out = write(dir.path(), "cluster.toml", "# mine\n");
    import_cmd(dir.path())
        .args(["--node-cfg", "node.cfg", "-o", "cluster.toml"])
        .assert()
        .code(1)
        .stderr(contains(
            "cluster.toml exists; the import does not replace it",
        ));
    assert_eq!(fs::read_to_string(&out).unwrap(), "# mine\n");
    import_cmd(dir.path())
        .args(["--node-cfg", "node.cfg", "-o", "cluster.toml", "--force"])
        .assert()
        .success();
    assert!(fs::read_to_string(&out).unwrap().contains("[manager]"));
}

#[test]
fn a_relative_output_writes_no_absolute_path_of_its_directory() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "node.cfg", NODE_CFG);
    write(dir.path(), "networks.cfg", "10.0.0.0/8  private\n");
    import_cmd(dir.path())
        .args(["--node-cfg", "node.cfg", "--networks-cfg", "networks.cfg"])
        .args(["-o", "cluster.toml"])
        .assert()
        .success();
    let toml = fs::read_to_string(dir.path().join("cluster.toml")).unwrap();
    let here = dir.path().display().to_string();
    let args = toml.lines().find(|l| l.starts_with("args = ")).unwrap();
    assert!(!args.contains(&here), "{args}");
    assert!(args.contains("\"/etc/zeek/local-networks.zeek\""), "{args}");
    assert!(dir.path().join("local-networks.zeek").exists());
}

#[test]
fn a_missing_output_dir_is_created() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "node.cfg", NODE_CFG);
    let out = dir.path().join("etc/zeek/cluster.toml");
    import_cmd(dir.path())
        .args(["--node-cfg", "node.cfg", "-o"])
        .arg(&out)
        .assert()
        .success();
    use std::os::unix::fs::PermissionsExt as _;
    let mode = fs::metadata(dir.path().join("etc/zeek"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o755);
    assert!(out.exists());
}

const MULTI_HOST: &str = "[manager]\ntype=manager\nhost=mgr.zeek.example\n\n\
                          [proxy-1]\ntype=proxy\nhost=mgr.zeek.example\n\n\
                          [worker-1]\ntype=worker\nhost=SENSOR1.zeek.example\ninterface=eth0\n";

fn fake_dns(host: &str) -> Option<IpAddr> {
    match host {
        "mgr.zeek.example" => "10.1.0.1".parse().ok(),
        "SENSOR1.zeek.example" => "10.1.0.2".parse().ok(),
        _ => None,
    }
}

/// ZeekControl's layout has the addresses it looked the names up as; the
/// import keeps them (not the short names, which Zeek would look up).
#[test]
fn fqdn_hosts_keep_the_address_zeekctl_used_and_check_compares_it() {
    let dir = TempDir::new().unwrap();
    let node_cfg = write(dir.path(), "node.cfg", MULTI_HOST);
    let sources = Sources {
        node_cfg,
        zeekctl_cfg: None,
        networks_cfg: None,
    };
    let imported = import_with(&sources, None, &fake_dns).expect("import");
    let toml = &imported.toml;
    assert!(toml.contains("[hosts.sensor1]"), "{toml}");
    assert!(
        toml.contains("address = \"10.1.0.2\"   # host = SENSOR1.zeek.example in node.cfg"),
        "{toml}"
    );
    assert!(
        toml.contains("run `zeek-systemd secrets create`")
            || toml.contains("with `zeek-systemd secrets create`"),
        "{toml}"
    );
    assert!(!toml.contains("zeek-systemd-generator"), "{toml}");
    let toml = toml.replace("[cluster]\n", "[cluster]\nencryption = false\n");
    let read = |text: &str| {
        zeek_systemd::config::toml::read(
            Path::new("x.toml"),
            text,
            &zeek_systemd::config::ReadOptions::default(),
        )
        .expect("valid")
    };
    let same = check::compare(&imported, &read(&toml));
    assert!(same.iter().all(|c| !c.differs()), "{same:?}");
    // Another address than ZeekControl's is a difference, not "same".
    let moved = toml.replace("\"10.1.0.2\"", "\"10.1.0.9\"");
    let differing = check::compare(&imported, &read(&moved));
    assert_eq!(
        differing.iter().filter(|c| c.differs()).count(),
        1,
        "{differing:?}"
    );
}

#[test]
fn a_host_that_does_not_resolve_fails_as_in_zeekctl() {
    let dir = TempDir::new().unwrap();
    // `.invalid` never resolves (RFC 6761).
    write(
        dir.path(),
        "node.cfg",
        &MULTI_HOST.replace("zeek.example", "zeek.invalid"),
    );
    import_cmd(dir.path())
        .args(["--node-cfg", "node.cfg"])
        .assert()
        .code(1)
        .stderr(contains(
            "node.cfg:1: [manager] host: hostname lookup failed for 'mgr.zeek.invalid'",
        ));
}
