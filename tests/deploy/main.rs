//! Deploy (issue 17): nodes run the scripts that were checked, and a change
//! goes live in one safe step. Each test boots a real systemd 252 (PID 1 in
//! a throw-away container, `tests/systemd/nspawn-run`) with the program as
//! the generator, `/etc/zeek` and the site dir
//! (`/opt/zeek/share/zeek/site`) writable, and walks one scenario:
//!
//! 1. boot: the first start makes the first snapshot from the live tree;
//!    every node's ZEEKPATH names `/var/lib/zeek-systemd/current`;
//! 2. a half-edited `local.zeek` on disk, then `kill -9` of a worker: it is
//!    back (and, with a real Zeek, heard by the cluster) within seconds;
//! 3. `systemctl restart zeek.target` with the half edit: every node runs
//!    on the deployed scripts; `status` shows the drift;
//! 4. `deploy` of a broken script: exit 1, Zeek's error, no node restarted,
//!    nothing deployed;
//! 5. `deploy` of a working change: live on every node (a real Zeek writes
//!    a marker from every node to reporter.log), no drift left; with a
//!    real Zeek a poller of `/proc/net/packet` sees `lo` without a socket
//!    during it, and then (5b) never during a `deploy --rolling` of
//!    another change, whose marker every node logs too;
//! 6. `deploy --rolling` of a config with a new worker: refused (exit 1,
//!    "run a plain deploy", no node restarted); then `deploy` of it, whose
//!    new worker cannot start (pinned to CPU 7;
//!    the container has CPUs 0-1): exit 4, the journal of that worker,
//!    the old snapshot, config and cluster running again;
//! 7. a Zeek "upgrade" (another `zeek` bind-mounted over `bin/zeek` under
//!    the running nodes): `status` names every node as running the old
//!    Zeek (exit 3); `deploy`, with no script or config changed, restarts
//!    every node on the new one; `status` names none.
//!
//! `stand_in_*` runs it with the stand-in zeek (fast; it parses nothing:
//! the broken script is a stand-in told to fail `zeek -a`, and "running
//! the new scripts" can only be shown by what the snapshot holds and what
//! ZEEKPATH names). `real_zeek_*` runs it with a real Zeek 9.1
//! (`ZEEK_DIST`), where a syntax error really breaks `zeek -a` and a
//! crash-restarted worker really reloads its scripts: what the stand-in
//! cannot show. Both are required in CI (`CI` set and non-empty: a
//! missing systemd-nspawn or Zeek fails), and skipped with one line
//! otherwise (`common::require`).
//!
//! Numbers are printed: `cargo test --test deploy -- --nocapture`.

#[path = "../common/mod.rs"]
mod common;

use std::path::PathBuf;

use common::{real_systemd_available, real_zeek, root, run, Boot, BootResult, WritableDir};

const NODES: [&str; 5] = [
    "manager",
    "logger-1",
    "proxy-1",
    "worker-lo-1",
    "worker-lo-2",
];

fn config(args: &str, extra: &str) -> String {
    format!(
        r#"
[zeek]
restart_sec = 1
{args}

[[interface]]
name = "lo"
capture = "af_packet::lo"
workers = 2
cpus = "0-1"
{extra}
"#
    )
}

/// A new worker pinned to a CPU the container lacks: systemd fails it
/// with 215/CPUAFFINITY before Zeek runs, which no check can see.
const BAD_WORKER: &str = r#"
[[interface]]
name = "bad"
capture = "af_packet::lo"
workers = 1
cpus = "7"
"#;

/// Step 8: a change of the archiver's unit only.
const ARCHIVER_ENV: &str = r#"
[archiver]
env = { ZEEK_TEST_ARCHIVER = "2" }
"#;

/// Step 5b (real Zeek only): `deploy --rolling` of another script change
/// while a poller watches the sockets on `lo` (index 1); step 5's plain
/// deploy was watched the same way.
const ROLLING: &str = r#"
# 5b. deploy --rolling: lo never without a worker socket
printf '\nevent zeek_init() { Reporter::info(fmt("rolling-marker %%s", Cluster::node)); }\n' >>"$SITE/local.zeek"
save_pids /res/pids-before-rolling
wait_for 60 eval '[ "$(sockets_on 1)" -ge 2 ]' || fail "the workers do not capture after the plain deploy"
poll_sockets 1 /res/sockets-rolling.tsv &
poller=$!
run_deploy rolling --rolling || fail "deploy --rolling failed"
kill "$poller"
snapshot_id >/res/third-id
wait_for 30 all_new_pids /res/pids-before-rolling || fail "a node was not restarted by deploy --rolling"
wait_for 90 marker_from_all rolling-marker || fail "no rolling-marker from every node in reporter.log"
min_sockets /res/sockets-plain.tsv >/res/min-sockets-plain
min_sockets /res/sockets-rolling.tsv >/res/min-sockets-rolling
"#;

/// The scenario of the module doc; `real` adds what only a real Zeek can
/// show (hellos in cluster.log, the marker in reporter.log).
fn scenario(real: bool) -> String {
    let (half_edit, fix, wait_heard, wait_marker) = if real {
        (
            // A syntax error, as an editor leaves it half-way.
            r#"printf '\nevent zeek_init() {\n    print "half\n' >>"$SITE/local.zeek""#,
            r#"cp /res/local-orig.zeek "$SITE/local.zeek"
printf '\nevent zeek_init() { Reporter::info(fmt("deploy-marker %%s", Cluster::node)); }\n' >>"$SITE/local.zeek""#,
            "wait_for 90 all_heard_since",
            r#"wait_for 90 marker_from_all deploy-marker || fail "no deploy-marker from every node in reporter.log"
live_log reporter | grep deploy-marker >/res/markers.txt"#,
        )
    } else {
        (
            r#"printf 'event zeek_init() {\n' >>"$SITE/local.zeek""#,
            r#"printf '# site policy v2\n' >"$SITE/local.zeek""#,
            "true",
            "true",
        )
    };
    // The stand-in's version is a line of its script; a real Zeek's copy
    // is another file of the same version.
    let upgrade = if real {
        "cp /opt/zeek/bin/zeek /tmp/zeek-upgraded"
    } else {
        "sed 's/^STAND_IN_VERSION=.*/STAND_IN_VERSION=9.1.1-stand-in/' /opt/zeek/bin/zeek >/tmp/zeek-upgraded"
    };
    let (poll_plain, stop_poll, rolling) = if real {
        (
            "poll_sockets 1 /res/sockets-plain.tsv &\npoller=$!",
            r#"kill "$poller""#,
            ROLLING,
        )
    } else {
        ("", "", "")
    };
    let wait_worker_heard = if real {
        "wait_for 90 heard_since worker-lo-1"
    } else {
        "true"
    };
    format!(
        r#"
. /etc/zeek-test/deploy-lib.sh
export SPOOL=/opt/zeek/spool
. /etc/zeek-test/zeek-lib.sh
cp "$SITE/local.zeek" /res/local-orig.zeek
wait_for 120 all_active || fail "the cluster did not start at boot"
t=$(date +%s)
{wait_heard} "$((t - 120))" || fail "no hellos at boot"
first=$(snapshot_id)
echo "$first" >/res/first-id
cp "$STATE/current/SNAPSHOT" /res/first-info
zeekpath worker-lo-1 >/res/zeekpath

# 2. half edit, then kill -9 of a worker
{half_edit}
old=$(main_pid worker-lo-1)
t0=$(now)
kill -9 "$old"
wait_for 60 eval '[ "$(main_pid worker-lo-1)" != "$old" ] && is_active zeek@worker-lo-1.service' || fail "worker-lo-1 not restarted"
elapsed "$t0" "$(now)" >/res/kill-active-secs
# Only the other nodes' hellos from it: the restarted worker logs the
# hellos it gets with its network time, 0 until its first packet.
{wait_worker_heard} "$((t0 / 1000000000))" || {{ live_log cluster >/res/cluster-live.log; fail "worker-lo-1 not back in the cluster"; }}
elapsed "$t0" "$(now)" >/res/kill-heard-secs
sleep 3
systemctl show -p NRestarts --value zeek@worker-lo-1.service >/res/kill-nrestarts
[[ $(snapshot_id) == "$first" ]] || fail "a crash restart changed the snapshot"

# 3. restart zeek.target with the half edit
t0=$(now)
systemctl restart zeek.target || fail "restart zeek.target failed"
wait_for 60 all_active || fail "not every node runs after the restart"
{wait_heard} "$((t0 / 1000000000))" || fail "not every node heard after the restart"
elapsed "$t0" "$(now)" >/res/restart-secs
sleep 3
active_nodes >/res/active-after-restart
snapshot_id >/res/after-restart-id
cmp "$STATE/current/site/local.zeek" /res/local-orig.zeek || fail "the restart picked up the half edit"
zs status >/res/status-drift.txt
zs status --json >/res/status-drift.json

# 4. deploy of a broken script (the half edit; for the stand-in, a zeek -a
# told to fail)
cp /etc/zeek/cluster.toml /res/good.toml
[ -e /etc/zeek-test/broken.toml ] && cp /etc/zeek-test/broken.toml /etc/zeek/cluster.toml
save_pids /res/pids-before-broken
run_deploy broken && fail "the broken deploy succeeded"
same_pids /res/pids-before-broken || fail "the failed deploy restarted a node"
[[ $(snapshot_id) == "$first" ]] || fail "the failed deploy changed the snapshot"
[ -e /etc/zeek/deployed ] && fail "the failed deploy wrote the deployed config"
cp /res/good.toml /etc/zeek/cluster.toml

# 5. deploy of a working change
{fix}
save_pids /res/pids-before-good
{poll_plain}
t0=$(now)
run_deploy good || fail "the deploy failed"
{stop_poll}
second=$(snapshot_id)
echo "$second" >/res/second-id
[[ $second != "$first" ]] || fail "the deploy did not change the snapshot"
wait_for 30 all_new_pids /res/pids-before-good || fail "a node was not restarted by the deploy"
save_pids /res/pids-after-good
{wait_marker}
cp "$STATE/current/site/local.zeek" /res/second-local.zeek
zs status >/res/status-clean.txt
zs status --json >/res/status-clean.json
{rolling}
# 6. a deploy whose new worker cannot start (which --rolling refuses: a
# new node)
cp /etc/zeek-test/bad-worker.toml /etc/zeek/cluster.toml
save_pids /res/pids-before-refused
run_deploy rolling-refused --rolling && fail "deploy --rolling of a new node succeeded"
same_pids /res/pids-before-refused || fail "the refused deploy --rolling restarted a node"
run_deploy rollback && fail "the deploy of a worker that cannot start succeeded"
snapshot_id >/res/after-rollback-id
wait_for 60 all_active || fail "the old cluster is not running after the rollback"
systemctl is-active zeek@worker-bad-1.service >/res/bad-worker-state
active_nodes >/res/active-after-rollback
cmp /etc/zeek/deployed/cluster.toml /res/good.toml || fail "the deployed config was not rolled back"
zs status --json >/res/status-after-rollback.json
ls "$STATE/snapshots" >/res/snapshots

# 7. a Zeek "upgrade" under the running nodes
cp /res/good.toml /etc/zeek/cluster.toml
save_pids /res/pids-before-upgrade
{upgrade}
chmod 0755 /tmp/zeek-upgraded
mount --bind /tmp/zeek-upgraded /opt/zeek/bin/zeek || fail "cannot put another zeek in place"
zs status >/res/status-upgraded.txt 2>&1
echo $? >/res/status-upgraded.rc
run_deploy upgrade || fail "the deploy after the Zeek upgrade failed"
wait_for 30 all_new_pids /res/pids-before-upgrade || fail "a node was not restarted on the new Zeek"
zs status >/res/status-after-upgrade.txt 2>&1

# 8. a deploy that changes only the archiver's unit: a restart of
# zeek.target leaves the archiver running, so deploy restarts it
archiver_pid() {{ systemctl show -p MainPID --value zeek-archiver.service; }}
echo "$(archiver_pid)" >/res/archiver-pids
cp /etc/zeek-test/archiver-env.toml /etc/zeek/cluster.toml
run_deploy archiver || fail "the deploy of an archiver change failed"
wait_for 30 is_active zeek-archiver.service || fail "the archiver does not run after the deploy"
echo "$(archiver_pid)" >>/res/archiver-pids
tr '\0' '\n' <"/proc/$(archiver_pid)/environ" | grep '^ZEEK_TEST_ARCHIVER=' >/res/archiver-env
true
"#
    )
}

fn check(result: &BootResult, real: bool) {
    result.assert_passed();
    let read = |name: &str| result.read(name).trim().to_string();
    let first = read("first-id");
    let second = read("second-id");
    println!(
        "boot: first snapshot {first} ({})",
        read("first-info").replace('\n', " ")
    );
    assert!(read("first-info").contains("origin=start"));
    let zeek_path = read("zeekpath");
    println!("worker ZEEKPATH: {zeek_path}");
    assert!(zeek_path.contains("/var/lib/zeek-systemd/current/site"));
    assert!(!zeek_path.contains("/opt/zeek/share/zeek/site"));
    println!(
        "kill -9 worker-lo-1 with a half edit: active again after {} s, heard after {} s, NRestarts {}",
        read("kill-active-secs"),
        read("kill-heard-secs"),
        read("kill-nrestarts")
    );
    assert!(read("kill-active-secs").parse::<f64>().unwrap() < 10.0);
    if real {
        assert!(read("kill-heard-secs").parse::<f64>().unwrap() < 30.0);
    }
    println!(
        "restart zeek.target with a half edit: every node up and heard in {} s",
        read("restart-secs")
    );
    assert_eq!(read("active-after-restart").lines().count(), NODES.len());
    assert_eq!(read("after-restart-id"), first);
    let drift = read("status-drift.txt");
    println!("status with the half edit:\n{drift}");
    assert!(
        drift.contains("changed on disk, not deployed: local.zeek"),
        "{drift}"
    );
    let json: serde_json::Value = serde_json::from_str(&read("status-drift.json")).unwrap();
    assert_eq!(json["deployed"]["snapshot"], first.as_str());
    assert_eq!(json["deployed"]["not_deployed"][0], "local.zeek");

    let broken = read("broken.out");
    println!(
        "deploy of a broken script: exit {} in {} s:\n{broken}",
        read("broken.rc"),
        read("broken.secs")
    );
    assert_eq!(read("broken.rc"), "1");
    assert!(broken.contains("FAILED"), "{broken}");
    // Zeek's own words: "error in <snapshot>/site/local.zeek, line N: ...".
    let zeek_error = if real {
        "/site/local.zeek, line "
    } else {
        "stand-in: broken"
    };
    assert!(
        broken.contains(zeek_error),
        "Zeek's error is not shown:\n{broken}"
    );

    let good = read("good.out");
    println!(
        "deploy of a working change: exit {} in {} s:\n{good}",
        read("good.rc"),
        read("good.secs")
    );
    assert_eq!(read("good.rc"), "0");
    assert!(good.contains("~ site/local.zeek"), "{good}");
    assert_ne!(second, first);
    if real {
        println!("markers:\n{}", read("markers.txt"));
        assert!(read("second-local.zeek").contains("deploy-marker"));
    } else {
        assert_eq!(read("second-local.zeek"), "# site policy v2");
    }
    let clean = read("status-clean.txt");
    assert!(!clean.contains("not deployed"), "{clean}");
    assert!(
        clean.contains(&format!("snapshot {second} (made by deploy")),
        "{clean}"
    );

    let rollback = read("rollback.out");
    println!(
        "deploy of a worker that cannot start: exit {} in {} s:\n{rollback}",
        read("rollback.rc"),
        read("rollback.secs")
    );
    assert_eq!(read("rollback.rc"), "4");
    assert!(rollback.contains("+ worker-bad-1 (worker)"), "{rollback}");
    assert!(
        rollback.contains("last journal lines of zeek@worker-bad-1"),
        "{rollback}"
    );
    assert!(
        rollback.contains("rolled back: the previous cluster runs again"),
        "{rollback}"
    );
    let refused = read("rolling-refused.out");
    println!(
        "deploy --rolling of a new node: exit {}:\n{refused}",
        read("rolling-refused.rc")
    );
    assert_eq!(read("rolling-refused.rc"), "1");
    assert!(
        refused.contains("~ zeek.target, + worker-bad-1"),
        "{refused}"
    );
    assert!(refused.contains("run a plain deploy"), "{refused}");
    let live = if real { check_rolling(result) } else { second };
    assert_eq!(read("after-rollback-id"), live);
    assert_ne!(read("bad-worker-state"), "active");
    let active: Vec<String> = read("active-after-rollback")
        .lines()
        .map(String::from)
        .collect();
    let mut expected: Vec<String> = NODES.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(active, expected);
    println!("snapshots kept: {}", read("snapshots").replace('\n', " "));
    check_upgrade(result, real);
}

/// Step 5b: `deploy --rolling` left `lo` with a socket at every poll; the
/// plain deploy of step 5 did not (the check with the feature off).
/// Returns the snapshot it made live.
fn check_rolling(result: &BootResult) -> String {
    let read = |name: &str| result.read(name).trim().to_string();
    let rolling = read("rolling.out");
    println!(
        "deploy --rolling: exit {} in {} s:\n{rolling}",
        read("rolling.rc"),
        read("rolling.secs")
    );
    println!(
        "sockets on lo: at least {} during the plain deploy, {} during deploy --rolling",
        read("min-sockets-plain"),
        read("min-sockets-rolling")
    );
    assert!(rolling.contains("wave 2/2 of the workers"), "{rolling}");
    assert_eq!(read("min-sockets-plain"), "0");
    assert_ne!(read("min-sockets-rolling"), "0");
    read("third-id")
}

/// Step 7: the nodes on the old Zeek named, then restarted by `deploy`.
fn check_upgrade(result: &BootResult, real: bool) {
    let read = |name: &str| result.read(name).trim().to_string();
    let status = read("status-upgraded.txt");
    println!(
        "status after a Zeek upgrade: exit {}:\n{status}",
        read("status-upgraded.rc")
    );
    assert_eq!(read("status-upgraded.rc"), "3", "{status}");
    for node in NODES {
        assert!(
            status.contains(&format!("warning: node {node} (PID ")),
            "{node} not named:\n{status}"
        );
    }
    assert!(status.contains("run `zeek-systemd deploy`"), "{status}");
    assert!(status.contains("Zeek on disk 9."), "{status}");
    assert!(status.contains(", running 9."), "{status}");
    if !real {
        assert!(
            status.contains("Zeek on disk 9.1.1-stand-in, running 9.1.0-stand-in since "),
            "{status}"
        );
    }
    let upgrade = read("upgrade.out");
    println!(
        "deploy after a Zeek upgrade: exit {} in {} s:\n{upgrade}",
        read("upgrade.rc"),
        read("upgrade.secs")
    );
    assert_eq!(read("upgrade.rc"), "0", "{upgrade}");
    assert!(
        upgrade.contains("the Zeek on disk changed: every node restarts on it"),
        "{upgrade}"
    );
    let after = read("status-after-upgrade.txt");
    assert!(!after.contains("old Zeek"), "{after}");
    check_archiver_change(result);
}

/// Step 8: the deploy restarted the archiver (which a restart of
/// zeek.target leaves running) on its changed unit.
fn check_archiver_change(result: &BootResult) {
    let read = |name: &str| result.read(name).trim().to_string();
    // Only a change of what the archiver's unit does restarts it: not the
    // first deploy (its config path changes) nor a script change.
    let good = read("good.out");
    assert!(!good.contains("the archiver's unit changed"), "{good}");
    let out = read("archiver.out");
    println!("deploy of an archiver change:\n{out}");
    assert_eq!(read("archiver.rc"), "0", "{out}");
    assert!(
        out.contains("the archiver's unit changed: restarting it"),
        "{out}"
    );
    let pids = read("archiver-pids");
    let pids: Vec<&str> = pids.lines().collect();
    assert!(
        pids.len() == 2 && pids[0] != pids[1],
        "archiver not restarted: {pids:?}"
    );
    assert_eq!(read("archiver-env"), "ZEEK_TEST_ARCHIVER=2");
}

/// Boots the cluster (with a real Zeek when `real`) and runs the
/// scenario; None when the test is skipped (`common::require`).
fn boot(real: bool) -> Option<BootResult> {
    if !real_systemd_available() {
        return None;
    }
    let prefix = if real {
        Some(real_zeek::zeek_prefix()?)
    } else {
        None
    };
    let args = if real {
        r#"args = ["local", "ignore_checksums=T"]"#
    } else {
        ""
    };
    let mut boot = Boot::new(&config(args, ""), &NODES, &scenario(real))
        .file("bad-worker.toml", &config(args, BAD_WORKER))
        .file("archiver-env.toml", &config(args, ARCHIVER_ENV));
    boot.stand_in = !real;
    boot.timeout_secs = if real { 900 } else { 300 };
    boot.binds.extend(libs());
    // The live site dir, writable: the scenario edits it as an operator
    // would, and `deploy` snapshots it.
    let mut site = WritableDir {
        at: "/opt/zeek/share/zeek/site".into(),
        copy_of: None,
        files: Vec::new(),
    };
    match &prefix {
        Some(prefix) => {
            site.copy_of = Some(prefix.join("share/zeek/site"));
            boot.binds.extend(real_zeek::binds(prefix));
        }
        None => {
            // The stand-in's zeek -a fails with this text when told to.
            let broken = "\n[worker]\nenv = { ZEEK_STAND_IN_PARSE_ERROR = \"stand-in: broken local.zeek\" }\n";
            boot = boot.file("broken.toml", &(config(args, "") + broken));
            site.files
                .push(("local.zeek".into(), "# site policy v1\n".into()));
        }
    }
    boot.writable_dirs.push(site);
    let _one_at_a_time = real.then(real_zeek::serial);
    boot.share_held = real;
    Some(run(&boot))
}

/// The shell libraries the scenario sources besides lib.sh.
fn libs() -> Vec<(PathBuf, String)> {
    let root = root();
    vec![
        real_zeek::lib_bind(),
        (
            root.join("tests/deploy/deploy-lib.sh"),
            "/etc/zeek-test/deploy-lib.sh".into(),
        ),
    ]
}

#[test]
fn stand_in_deploy_snapshot_drift_and_rollback() {
    let Some(result) = boot(false) else { return };
    check(&result, false);
}

#[test]
fn real_zeek_deploy_snapshot_drift_and_rollback() {
    let Some(result) = boot(true) else { return };
    check(&result, true);
}
