//! The first hour of a ZeekControl user, as docs/migrating-from-zeekctl.md
//! writes it (issue 26): the doc's shell blocks marked `migration-step=NAME`
//! are run in the doc's order on a booted systemd that has ZeekControl's
//! default node.cfg (one standalone node) and a zeekctl.cfg in
//! /opt/zeek/etc, and no cluster.toml. A documented command that fails
//! fails the test, so the doc and the program cannot drift. Between the
//! steps the test does only what the doc tells the reader to do by hand
//! (wait for the cluster, edit a site script). `zeekctl` and `crontab` are
//! stand-ins: the container has no ZeekControl and no cron.

use crate::common;

use common::{real_systemd_available, root, run, Boot, WritableDir};

/// ZeekControl's default node.cfg (etc/node.cfg as zeekctl installs it).
const NODE_CFG: &str = "[zeek]\ntype=standalone\nhost=localhost\ninterface=lo\n";
const ZEEKCTL_CFG: &str = "LogExpireInterval = 3day\nMinDiskSpace = 5\n";
/// What the import makes of the standalone node (see the file's comment).
const NODES: [&str; 3] = ["manager", "proxy-1", "zeek"];

/// The doc's steps: (name, shell text), in the doc's order.
fn doc_steps() -> Vec<(String, String)> {
    let doc = std::fs::read_to_string(root().join("docs/migrating-from-zeekctl.md")).unwrap();
    let mut steps = Vec::new();
    let mut lines = doc.lines();
    while let Some(line) = lines.next() {
        let Some(name) = line.strip_prefix("```sh migration-step=") else {
            continue;
        };
        let body: Vec<&str> = lines.by_ref().take_while(|l| *l != "```").collect();
        steps.push((name.trim().to_string(), body.join("\n")));
    }
    steps
}

/// What the reader does by hand before a step (the doc says so in prose).
fn before(step: &str) -> &'static str {
    match step {
        // "edit it, then": a site script change.
        "deploy" => {
            "snapshot_id >/res/snapshot-before.txt\n\
             echo '# changed during the first hour' >>/opt/zeek/share/zeek/site/local.zeek"
        }
        // The cluster is starting: status is for a cluster that runs.
        "status" => {
            "for n in $(nodes); do\n\
             wait_for 20 has_record \"$n\" || fail \"node $n wrote no record\"\n\
             wait_for 10 is_active \"zeek@$n.service\" || fail \"zeek@$n.service is not active\"\n\
             done"
        }
        _ => "",
    }
}

#[test]
fn the_migration_doc_steps_run_in_order() {
    if !real_systemd_available() {
        return;
    }
    let steps = doc_steps();
    let names: Vec<&str> = steps.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "import",
            "review",
            "stop-zeekctl",
            "first-start",
            "status",
            "deploy"
        ],
        "the doc's marked steps changed: update this test's stand-ins and waits"
    );
    let mut scenario = String::from(
        r#"
zeek-systemd() { /etc/systemd/system-generators/zeek-systemd-generator "$@"; }
zeekctl() { echo "zeekctl $*" >>/res/zeekctl.log; }
crontab() {
    case "$1" in
        -l) cat /res/crontab ;;
        -) cat >/res/crontab.new && mv /res/crontab.new /res/crontab ;;
    esac
}
snapshot_id() { basename "$(readlink /var/lib/zeek-systemd/current)"; }
printf '%s\n' 'MAILTO=root' '*/5 * * * * /opt/zeek/bin/zeekctl cron' >/res/crontab
test -e /etc/zeek/cluster.toml && fail "a cluster.toml before the import"
"#,
    );
    for (name, body) in &steps {
        scenario.push_str(before(name));
        scenario.push_str(&format!(
            "\n( set -e\n{body}\n) >/res/step-{name}.log 2>&1 || \
             fail \"doc step {name} failed: $(cat /res/step-{name}.log)\"\n"
        ));
    }
    scenario.push_str(
        "snapshot_id >/res/snapshot-after.txt\n\
         for n in $(nodes); do systemctl is-active \"zeek@$n.service\"; done >/res/active.txt\n\
         cp /etc/zeek/cluster.toml /res/cluster.toml\ntrue\n",
    );
    let mut boot = Boot::new("", &NODES, &scenario);
    // No cluster.toml: the harness's config goes where nothing looks.
    boot.config_path = "not-a-config/unused.toml".into();
    for (name, text) in [("node.cfg", NODE_CFG), ("zeekctl.cfg", ZEEKCTL_CFG)] {
        let path = std::env::temp_dir().join(format!(
            "zeek-systemd-migration-{}-{name}",
            std::process::id()
        ));
        std::fs::write(&path, text).unwrap();
        boot.binds.push((path, format!("/opt/zeek/etc/{name}")));
    }
    boot.writable_dirs.push(WritableDir {
        at: "/opt/zeek/share/zeek/site".into(),
        copy_of: None,
        files: vec![("local.zeek".into(), "# the site's scripts\n".into())],
    });
    boot.timeout_secs = 240;
    let result = run(&boot);
    result.assert_passed();

    let toml = result.read("cluster.toml");
    assert!(toml.contains("`zeek-systemd import-zeekctl`"), "{toml}");
    assert!(toml.contains("keep = \"3d\""), "{toml}");
    assert_eq!(result.read("zeekctl.log").trim(), "zeekctl stop");
    assert_eq!(result.read("crontab").trim(), "MAILTO=root");
    assert_eq!(result.read("active.txt").trim(), "active\nactive\nactive");
    assert_ne!(
        result.read("snapshot-before.txt"),
        result.read("snapshot-after.txt"),
        "deploy installed no new snapshot:\n{}",
        result.read("step-deploy.log")
    );
    let check = result.read("step-import.log");
    assert!(
        check.contains("every node has the same name, type, capture"),
        "{check}"
    );
}
