//! The deploy run's later scenarios (issue 25), after those of
//! [`crate::deploy`] and before its host out of reach, in the same boot:
//!
//! 5. zs-sensor2's worker pinned to a CPU zs-sensor2 lacks: refused by
//!    zs-sensor2's check (host and node named), no node of any host has a
//!    new PID; the manager host's own `check --deep` passes it (the
//!    control: only the check on zs-sensor2 sees it);
//! 6. `secrets rotate` with a script that fails at start on zs-sensor2:
//!    exit 4, the old secrets back on every host; then `secrets rotate`:
//!    one new secrets file on every host (0600 root), every node's marker
//!    with the new hash seed in the logger's reporter.log, no secret in
//!    the output or any host's journal; an intruder with the old keys
//!    joins before the rotation (the control) and is refused after it;
//! 7. a Zeek "upgrade" on zs-sensor1 (another binary bind-mounted over
//!    bin/zeek): `status` there and `status --cluster` on zs-mgr name its
//!    worker (exit 3; not after the deploy), a deploy of nothing else
//!    restarts it (before the upgrade the same deploy has nothing to do);
//! 8. `deploy --dry-run` of an edit: the changes shown per host, the
//!    listing of the state and config dirs of every host unchanged (a
//!    real deploy changes it: the control);
//!
//! and after the host out of reach, 9. zs-sensor2 powered off: refused,
//! zs-sensor2 named, the others unchanged; `--reachable-only` deploys to
//! the other two.

use crate::common::BootResult;

/// The manager host's scenarios 5 to 8 (bash, after [`crate::deploy`]'s
/// functions).
pub const MANAGER_MIDDLE: &str = r#"
rotate() {
    local name=$1 t0 t1
    t0=$(date +%s%N)
    zs secrets rotate --ssh-user root --remote-program "$GEN" --settle 3 --timeout 90 >"/res/$name.out" 2>&1
    echo $? >"/res/$name.rc"
    t1=$(date +%s%N)
    echo "$(( (t1 - t0) / 1000000 ))" >"/res/$name.ms"
}
# secrets_state FILE: digest, mode and owner of every host's secrets file.
secrets_state() {
    local h w
    echo "zs-mgr $(md5sum </etc/zeek/cluster-secrets | cut -c1-32) $(stat -c '%a %U' /etc/zeek/cluster-secrets)" >"$1"
    while read -r h w; do
        echo "$h $(on "$(addr "$h")" 'md5sum </etc/zeek/cluster-secrets | cut -c1-32; stat -c "%a %U" /etc/zeek/cluster-secrets' | tr '\n' ' ' | sed 's/ *$//')" >>"$1"
    done </etc/zeek-test/sensors
}
# listings FILE: every file of the state and config dirs of every host.
listing() { find /var/lib/zeek-systemd /etc/zeek -printf '%p %s %T@ %m\n' | sort; }
listings() {
    local h w
    { echo "== zs-mgr"; listing; } >"$1"
    while read -r h w; do
        { echo "== $h"; on "$(addr "$h")" "find /var/lib/zeek-systemd /etc/zeek -printf '%p %s %T@ %m\n' | sort"; } >>"$1"
    done </etc/zeek-test/sensors
}
seed_of() { grep -o "ZS-MARKER-4711 node=$1 seed=[0-9a-f]*" "$SPOOL/zs-mgr-logger-1/reporter.log" | tail -1 | sed 's/.*seed=//'; }
new_seed_from_all() {
    local n s
    for n in $(cat /etc/zeek-test/all-nodes); do
        s=$(seed_of "$n")
        [[ -n $s && $s != "$1" ]] || return 1
    done
}
intruder_events() { live_log reporter | grep -c 'ZS-INTRUDER-EVENT-ARRIVED at=manager'; }

# 5. zs-sensor2's worker pinned to a CPU it does not have
cp /res/local-1.zeek "$SITE/local.zeek"
cp /etc/zeek/cluster.toml /res/cluster-orig.toml
sed -i '/^\[\[hosts.zs-sensor2.interface\]\]/a cpus = [63]' /etc/zeek/cluster.toml
zs check --deep >/res/cpu-check-here.out 2>&1
echo $? >/res/cpu-check-here.rc
all_pids /res/pids-5a
currents /res/currents-5a
deploy cpu
all_pids /res/pids-5
currents /res/currents-5
cp /res/cluster-orig.toml /etc/zeek/cluster.toml

# 6. secrets rotate: first failing at start on zs-sensor2, then for good
secrets_state /res/secrets-0
cp /res/local-1.zeek "$SITE/local.zeek"
printf '\nevent zeek_init() { if ( Cluster::node == "zs-sensor2-worker-lo-1" ) exit(1); }\n' >>"$SITE/local.zeek"
rotate rotfail
secrets_state /res/secrets-6a
sleep 3
for n in $(nodes); do systemctl is-active "zeek@$n.service"; done >/res/active-6a
on 10.77.1.2 systemctl is-active zeek@zs-sensor1-worker-lo-1.service >>/res/active-6a
on 10.77.0.3 systemctl is-active zeek@zs-sensor2-worker-lo-1.service >>/res/active-6a
cp /res/local-1.zeek "$SITE/local.zeek"
touch /shared/intruder-go-1
wait_for 90 test -e /shared/intruder-done-1 || fail "the intruder's first try did not end"
sleep 2
intruder_events >/res/intruder-events-1
seed_of manager >/res/seed-old
rotate rotate
secrets_state /res/secrets-6b
wait_for 90 new_seed_from_all "$(cat /res/seed-old)" || echo "not every node on a new seed" >/res/new-seed-missing
for n in $(cat /etc/zeek-test/all-nodes); do echo "$n $(seed_of "$n")"; done >/res/seeds-6b
cp /etc/zeek/cluster-secrets /res/secrets-new
journalctl -b --no-pager -o verbose >/res/journal-6.txt 2>&1
while read -r h w; do on "$(addr "$h")" journalctl -b --no-pager -o verbose >>/res/journal-6.txt 2>&1; done </etc/zeek-test/sensors
intruder_events >/res/intruder-events-2a
touch /shared/intruder-go-2
wait_for 90 test -e /shared/intruder-done-2 || fail "the intruder's second try did not end"
sleep 2
intruder_events >/res/intruder-events-2

# 7. a Zeek "upgrade" on zs-sensor1
deploy same
on 10.77.1.2 'cp /opt/zeek/bin/zeek /root/zeek-new && mount --bind /root/zeek-new /opt/zeek/bin/zeek' >/res/upgrade-mount.out 2>&1
on 10.77.1.2 "$GEN status" >/res/upgrade-status-1.out 2>&1
echo $? >/res/upgrade-status-1.rc
zs status --cluster --ssh-user root --remote-program "$GEN" >/res/upgrade-cluster.out 2>&1
echo $? >/res/upgrade-cluster.rc
all_pids /res/pids-7a
listings /res/list-7a
deploy upgrade
all_pids /res/pids-7
listings /res/list-7b
on 10.77.1.2 "$GEN status" >/res/upgrade-status-2.out 2>&1
echo $? >/res/upgrade-status-2.rc
zs status --cluster --ssh-user root --remote-program "$GEN" >/res/upgrade-cluster-2.out 2>&1
echo $? >/res/upgrade-cluster-2.rc

# 8. --dry-run across hosts
printf '# a dry run\n' >>"$SITE/local.zeek"
zs deploy --dry-run --ssh-user root --remote-program "$GEN" >/res/dryrun.out 2>&1
echo $? >/res/dryrun.rc
listings /res/list-8
cp /res/local-1.zeek "$SITE/local.zeek"
"#;

/// zs-sensor2's power off and the deploys around it (after the host out
/// of reach: its sshd is down already).
pub const MANAGER_END: &str = r#"
# 9. zs-sensor2 powered off
printf '# sensor 2 is off\n' >>"$SITE/local.zeek"
touch /shared/poweroff
wait_for 60 test -e /shared/zs-sensor2.off || fail "zs-sensor2 did not power off"
up_currents() {
    echo "zs-mgr $(basename "$(readlink $STATE/current)")"
    echo "zs-sensor1 $(basename "$(on 10.77.1.2 readlink $STATE/current)")"
}
up_currents >/res/currents-9a
deploy off
up_currents >/res/currents-9
zs deploy --reachable-only --ssh-user root --remote-program "$GEN" --settle 3 --timeout 90 >/res/reachable.out 2>&1
echo $? >/res/reachable.rc
sleep 5
zs status >/res/reachable-status.out 2>&1
echo $? >/res/reachable-status.rc
zs status --cluster --ssh-user root --remote-program "$GEN" >/res/reachable-cluster.out 2>&1
echo $? >/res/reachable-cluster.rc
"#;

/// The intruder (not in the config) in the deploy run: a worker with the
/// test's secrets, the cluster's own until `secrets rotate`; once before
/// the rotation, once after, 20 s each.
pub const INTRUDER: &str = r#"
mkdir -p /tmp/intr && cd /tmp/intr || fail "no /tmp/intr"
cp /etc/zeek-test/intruder-layout.zeek cluster-layout.zeek
export ZEEKPATH=/tmp/intr:/opt/zeek/share/zeek:/opt/zeek/share/zeek/policy:/opt/zeek/share/zeek/site:/opt/zeek/share/zeek/builtin-plugins
for try in 1 2; do
    wait_for 1200 test -e /shared/intruder-go-$try || fail "never told to try ($try)"
    CLUSTER_NODE=intruder timeout 20 /opt/zeek/bin/zeek frameworks/cluster/backend/zeromq \
        policy/misc/zeromq-multi-host-auto-setup /etc/zeek-test/intruder.zeek /etc/zeek-test/old-keys.zeek \
        >"/res/intruder-oldkeys-$try.txt" 2>&1
    echo "exit $?" >>"/res/intruder-oldkeys-$try.txt"
    touch /shared/intruder-done-$try
done
true
"#;

fn read(result: &BootResult, name: &str) -> String {
    result.read(name).trim().to_string()
}

/// Prints and returns a step's exit code and output.
pub fn step(mgr: &BootResult, name: &str) -> (String, String) {
    let out = read(mgr, &format!("{name}.out"));
    let rc = read(mgr, &format!("{name}.rc"));
    println!(
        "{name}: exit {rc} in {} ms:\n{out}\n",
        read(mgr, &format!("{name}.ms"))
    );
    (rc, out)
}

/// 5: refused on zs-sensor2, nothing restarted anywhere.
pub fn assert_cpu_refused(mgr: &BootResult) {
    let here = read(mgr, "cpu-check-here.out");
    println!(
        "control: check --deep on zs-mgr with the CPU pin: exit {}\n{here}",
        read(mgr, "cpu-check-here.rc")
    );
    let (rc, out) = step(mgr, "cpu");
    assert_eq!(rc, "1", "{out}");
    assert!(
        out.contains("== check and stage on host zs-sensor2 (ssh root@10.77.0.3): FAILED"),
        "{out}"
    );
    assert!(
        out.contains("zs-sensor2-worker-lo-1"),
        "node not named:\n{out}"
    );
    assert!(out.contains("nothing was changed anywhere"), "{out}");
    assert_eq!(
        read(mgr, "pids-5"),
        read(mgr, "pids-5a"),
        "a node restarted"
    );
    assert_eq!(read(mgr, "currents-5"), read(mgr, "currents-5a"));
}

/// The secrets values of a secrets file's text (`key = "value"` lines).
fn secret_values(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.split('"').nth(1))
        .filter(|v| v.len() >= 16)
        .map(String::from)
        .collect()
}

/// 6: a failed rotation leaves the old secrets everywhere; a good one
/// puts one new file on every host, every node on the new hash seed, and
/// the old keys no longer let the intruder in.
pub fn assert_rotated(mgr: &BootResult, intruder: &BootResult) {
    let before = read(mgr, "secrets-0");
    println!("secrets before rotate:\n{before}");
    let (rc, out) = step(mgr, "rotfail");
    assert_eq!(rc, "4", "{out}");
    assert!(out.contains("deploy FAILED on zs-sensor2"), "{out}");
    let after_fail = read(mgr, "secrets-6a");
    println!("secrets after the failed rotate:\n{after_fail}");
    assert_eq!(
        after_fail, before,
        "the old secrets are not back everywhere"
    );
    let active = read(mgr, "active-6a");
    assert!(active.lines().all(|l| l == "active"), "{active}");

    let (rc, out) = step(mgr, "rotate");
    assert_eq!(rc, "0", "{out}");
    let after = read(mgr, "secrets-6b");
    println!("secrets after rotate:\n{after}");
    let sums: Vec<&str> = after
        .lines()
        .map(|l| l.split_whitespace().nth(1).unwrap_or(""))
        .collect();
    let old_sum = before.split_whitespace().nth(1).unwrap_or("-");
    assert!(
        sums.iter().all(|s| *s == sums[0] && *s != old_sum),
        "{after}"
    );
    assert!(after.lines().all(|l| l.ends_with("600 root")), "{after}");
    assert!(
        mgr.read("new-seed-missing").is_empty(),
        "not every node on a new hash seed:\n{}",
        read(mgr, "seeds-6b")
    );
    println!(
        "hash seed digests after rotate (old {}):\n{}",
        read(mgr, "seed-old"),
        read(mgr, "seeds-6b")
    );
    let values = secret_values(&mgr.read("secrets-new"));
    assert!(values.len() >= 4, "no secrets read back");
    for file in ["rotate.out", "rotfail.out", "journal-6.txt"] {
        let text = mgr.read(file);
        for v in &values {
            assert!(!text.contains(v.as_str()), "a new secret is in {file}");
        }
    }
    let (first, before, after) = (
        read(mgr, "intruder-events-1"),
        read(mgr, "intruder-events-2a"),
        read(mgr, "intruder-events-2"),
    );
    for t in ["1", "2"] {
        let out = intruder.read(&format!("intruder-oldkeys-{t}.txt"));
        let handshake = out.lines().filter(|l| l.contains("Handshake")).count();
        println!(
            "intruder with the old keys, try {t}: {handshake} handshake failures; {}",
            out.lines().last().unwrap_or("")
        );
    }
    println!(
        "intruder events at the manager: {first} after try 1 (old keys live); \
         {before} before and {after} after try 2 (rotated)"
    );
    let first: usize = first.parse().unwrap_or(0);
    assert!(
        first > 0,
        "control: the old keys before the rotation did not let the intruder in"
    );
    assert_eq!(
        after, before,
        "the intruder with the old keys got in after the rotation"
    );
    let refused = intruder.read("intruder-oldkeys-2.txt");
    assert!(
        refused.lines().any(|l| l.contains("Handshake")),
        "the intruder's handshake with the old keys did not fail:\n{refused}"
    );
}

/// 7: status names the worker on the old Zeek; the deploy restarts it.
pub fn assert_upgrade(mgr: &BootResult) {
    let (rc, out) = step(mgr, "same");
    assert_eq!(rc, "0", "{out}");
    assert!(out.contains("nothing to deploy"), "control:\n{out}");
    println!("mount: {}", read(mgr, "upgrade-mount.out"));
    let status = read(mgr, "upgrade-status-1.out");
    println!(
        "status on zs-sensor1 after the upgrade (exit {}):\n{status}",
        read(mgr, "upgrade-status-1.rc")
    );
    let (cluster_rc, cluster) = (
        read(mgr, "upgrade-cluster.rc"),
        read(mgr, "upgrade-cluster.out"),
    );
    println!("status --cluster on zs-mgr (exit {cluster_rc}):\n{cluster}");
    assert!(
        status
            .lines()
            .any(|l| l.contains("zs-sensor1-worker-lo-1") && l.contains("zeek-systemd deploy")),
        "{status}"
    );
    // From the manager's host: zs-sensor1's node named, with its host.
    let old_line = "warning: node zs-sensor1-worker-lo-1 on host zs-sensor1 (PID ";
    assert!(
        cluster
            .lines()
            .any(|l| l.starts_with(old_line) && l.contains("runs an old Zeek")),
        "{cluster}"
    );
    assert_eq!(cluster_rc, "3", "{cluster}");
    let (rc, out) = step(mgr, "upgrade");
    assert_eq!(rc, "0", "{out}");
    let (a, b) = (read(mgr, "pids-7a"), read(mgr, "pids-7"));
    let restarted = |host: &str| {
        let line = |t: &str| t.lines().find(|l| l.starts_with(host)).map(String::from);
        line(&a) != line(&b)
    };
    assert!(restarted("zs-sensor1"), "{a}\n{b}");
    let after = read(mgr, "upgrade-status-2.out");
    println!(
        "status on zs-sensor1 after the deploy (exit {}):\n{after}",
        read(mgr, "upgrade-status-2.rc")
    );
    assert!(!after.contains("runs an old Zeek"), "{after}");
    let cluster = read(mgr, "upgrade-cluster-2.out");
    println!(
        "status --cluster on zs-mgr after the deploy (exit {}):\n{cluster}",
        read(mgr, "upgrade-cluster-2.rc")
    );
    assert!(!cluster.contains("runs an old Zeek"), "{cluster}");
    assert!(
        !cluster.contains("which Zeek its nodes run is unknown"),
        "{cluster}"
    );
    // Issue 25 step 3: the snapshot came from zs-mgr, whose files are the
    // source; zs-sensor1's own copies are not drift to deploy from there.
    assert!(
        after.contains("deployed from host zs-mgr (")
            && !after.contains("changed on disk, not deployed"),
        "{after}"
    );
    assert_ne!(
        read(mgr, "list-7a"),
        read(mgr, "list-7b"),
        "control: a deploy changes the listing"
    );
}

/// 8: a dry run shows every host's changes and writes nothing anywhere.
pub fn assert_dry_run(mgr: &BootResult) {
    let (rc, out) = step(mgr, "dryrun");
    assert_eq!(rc, "0", "{out}");
    assert!(
        out.contains("--dry-run: nothing was changed anywhere"),
        "{out}"
    );
    for host in ["zs-mgr", "zs-sensor1", "zs-sensor2"] {
        assert!(
            out.contains(&format!("== check and stage on host {host} ")),
            "{out}"
        );
    }
    let (a, b) = (read(mgr, "list-7b"), read(mgr, "list-8"));
    println!(
        "listing of the state and config dirs: {} lines on the three hosts",
        a.lines().count()
    );
    assert_eq!(a, b, "the dry run wrote something");
}

/// 9: a host powered off stops the deploy; `--reachable-only` goes on.
pub fn assert_powered_off(mgr: &BootResult) {
    let (rc, out) = step(mgr, "off");
    assert_eq!(rc, "1", "{out}");
    assert!(
        out.contains("deploy: host zs-sensor2 cannot be reached"),
        "{out}"
    );
    assert!(out.contains("nothing was changed anywhere"), "{out}");
    assert_eq!(read(mgr, "currents-9"), read(mgr, "currents-9a"));
    let (rc, out) = step(mgr, "reachable");
    assert_eq!(rc, "0", "{out}");
    assert!(
        out.contains("--reachable-only: left out zs-sensor2"),
        "{out}"
    );
    let status = read(mgr, "reachable-status.out");
    println!(
        "status after --reachable-only (exit {}):\n{status}",
        read(mgr, "reachable-status.rc")
    );
    println!(
        "status --cluster (exit {}):\n{}",
        read(mgr, "reachable-cluster.rc"),
        read(mgr, "reachable-cluster.out")
    );
    assert!(
        status.contains("warning: host zs-sensor2 (node zs-sensor2-worker-lo-1) differs from the manager's: left out of the deploy"),
        "{status}"
    );
    assert_eq!(read(mgr, "reachable-status.rc"), "3", "{status}");
}
