//! Issue 25: `zeek-systemd deploy` from the manager host deploys the
//! whole cluster of three hosts over SSH, in one boot of the three
//! (and the intruder, for `secrets rotate`), the manager host walking its
//! scenarios in turn:
//!
//! 1. `local.zeek` edited on the manager host only: exit 0, a marker from
//!    every node of the three hosts in the logger's reporter.log, the
//!    manager's identity table one snapshot id for every node;
//! 2. a broken script: exit 1, Zeek's error, no node of any host has a
//!    new PID;
//! 3. a script that passes every check but exits at start on zs-sensor2's
//!    worker only: exit 4, zs-sensor2 and its journal named, every host
//!    back on the snapshot of step 1 with every node running;
//! 4. zs-sensor2's sshd stopped: refused, the host named with the reason,
//!    the other hosts still on the snapshot of step 1;
//!
//! and between 3 and 4 the scenarios 5 to 8 of [`crate::deploy_more`]
//! (CPU pin, `secrets rotate`, a Zeek upgrade, `--dry-run`), after 4 its
//! scenario 9 (zs-sensor2 powered off, `--reachable-only`).
//!
//! zs-sensor1 has a management address (`metrics_address`) where its sshd
//! listens only: every deploy and `status --cluster` reaches it there.

use crate::common::network::NetHost;
use crate::common::{real_zeek, BootResult};
use crate::deploy_more;
use crate::setup::{self, Spec, MGR, SENSOR1, SENSOR2};

/// The manager host's scenario (after the start of every host's).
pub fn manager() -> String {
    [
        MANAGER_EARLY,
        deploy_more::MANAGER_MIDDLE,
        MANAGER_LATE,
        deploy_more::MANAGER_END,
        MANAGER_DONE,
    ]
    .concat()
}

/// The manager host's scenarios 1 to 3.
const MANAGER_EARLY: &str = r#"
zs() { /etc/systemd/system-generators/zeek-systemd-generator "$@"; }
SITE=/opt/zeek/share/zeek/site
STATE=/var/lib/zeek-systemd
GEN=/etc/systemd/system-generators/zeek-systemd-generator
deploy() {
    local name=$1 t0 t1
    t0=$(date +%s%N)
    zs deploy --ssh-user root --remote-program "$GEN" --settle 3 --timeout 90 >"/res/$name.out" 2>&1
    echo $? >"/res/$name.rc"
    t1=$(date +%s%N)
    echo "$(( (t1 - t0) / 1000000 ))" >"/res/$name.ms"
}
# -n: inside a `while read` loop ssh must not eat the loop's input.
on() { ssh -n -o BatchMode=yes "root@$1" "${@:2}"; }
# all_pids FILE: host, node and MainPID of every node of every host.
all_pids() {
    local n h w
    for n in $(nodes); do echo "zs-mgr $n $(systemctl show -p MainPID --value "zeek@$n.service")"; done >"$1"
    while read -r h w; do
        echo "$h $w $(on "$(addr "$h")" systemctl show -p MainPID --value "zeek@$w.service")" >>"$1"
    done </etc/zeek-test/sensors
}
addr() { case $1 in zs-sensor1) echo 10.77.1.2 ;; zs-sensor2) echo 10.77.0.3 ;; esac; }
# currents FILE: the snapshot id `current` names on every host.
currents() {
    local h w
    echo "zs-mgr $(basename "$(readlink $STATE/current)")" >"$1"
    while read -r h w; do
        echo "$h $(basename "$(on "$(addr "$h")" readlink $STATE/current)")" >>"$1"
    done </etc/zeek-test/sensors
}
marker_from_all() {
    local n
    for n in $(cat /etc/zeek-test/all-nodes); do
        grep -q "$1 node=$n\b" "$SPOOL/zs-mgr-logger-1/reporter.log" || return 1
    done
}

start_zeek
use_nodes all-nodes
wait_hellos 150
use_nodes nodes
mkdir -p /etc/ssh
printf 'Host *\n IdentityFile /etc/zeek-test/id_ed25519\n StrictHostKeyChecking no\n UserKnownHostsFile /dev/null\n LogLevel ERROR\n' >/etc/ssh/ssh_config
while read -r h _; do
    wait_for 60 test -e "/shared/$h.sshd-up" || fail "the sshd of $h did not start"
done </etc/zeek-test/sensors
cp "$SITE/local.zeek" /res/local-orig.zeek
all_pids /res/pids-0

# 1. local.zeek edited on the manager host only
printf '\nevent zs_deployed() { Reporter::info(fmt("ZS-DEPLOYED-1 node=%%s", Cluster::node)); schedule 2sec { zs_deployed() }; }\nevent zeek_init() { schedule 1sec { zs_deployed() }; }\n' >>"$SITE/local.zeek"
cp "$SITE/local.zeek" /res/local-1.zeek
deploy good
wait_for 90 marker_from_all ZS-DEPLOYED-1 || echo "no marker from every node" >/res/markers-missing
grep ZS-DEPLOYED-1 "$SPOOL/zs-mgr-logger-1/reporter.log" >/res/markers.txt
cp "$SPOOL/manager/zeek-systemd-identity.tsv" /res/identity-good.tsv
currents /res/currents-1
all_pids /res/pids-1

# 2. a broken script
printf 'event zeek_init() {\n' >>"$SITE/local.zeek"
deploy broken
all_pids /res/pids-2
currents /res/currents-2

# 3. passes every check, exits at start on zs-sensor2's worker only
cp /res/local-1.zeek "$SITE/local.zeek"
printf '\nevent zeek_init() { if ( Cluster::node == "zs-sensor2-worker-lo-1" ) exit(1); }\n' >>"$SITE/local.zeek"
deploy startfail
currents /res/currents-3
sleep 3
all_pids /res/pids-3
for n in $(nodes); do systemctl is-active "zeek@$n.service"; done >/res/active-3
on 10.77.1.2 systemctl is-active zeek@zs-sensor1-worker-lo-1.service >>/res/active-3
on 10.77.0.3 systemctl is-active zeek@zs-sensor2-worker-lo-1.service >>/res/active-3

"#;

/// The manager host's scenario from the host out of reach on.
const MANAGER_LATE: &str = r#"
# 4. zs-sensor2 out of reach
cp /res/local-1.zeek "$SITE/local.zeek"
printf '# one more line\n' >>"$SITE/local.zeek"
touch /shared/stop-sshd
wait_for 30 test -e /shared/zs-sensor2.sshd-down || fail "the sshd of zs-sensor2 did not stop"
deploy unreachable
echo "zs-mgr $(basename "$(readlink $STATE/current)")" >/res/currents-4
echo "zs-sensor1 $(basename "$(on 10.77.1.2 readlink $STATE/current)")" >>/res/currents-4
"#;

/// The manager host's scenario's end.
const MANAGER_DONE: &str = r#"
touch /shared/manager-done
true
"#;

/// A sensor host's scenario: its worker and an sshd; zs-sensor2 stops
/// its sshd when told (`/shared/stop-sshd`).
pub fn sensor(host: &NetHost) -> String {
    format!(
        r#"
start_zeek
mkdir -p /run/sshd
sed -i 's/^root:[^:]*:/root:*:/' /etc/shadow
getent passwd sshd >/dev/null || echo 'sshd:x:990:65534:sshd:/run/sshd:/usr/sbin/nologin' >>/etc/passwd
# zs-sensor1 is reached on its management address only.
listen=()
[[ {name} == zs-sensor1 ]] && listen=(-o ListenAddress={management})
/etc/zeek-test/sshd -f /etc/zeek-test/sshd_config "${{listen[@]}}" -E /res/sshd.log || fail "sshd"
touch /shared/{name}.sshd-up
if [[ {name} == zs-sensor2 ]]; then
    wait_for 600 test -e /shared/stop-sshd || fail "never told to stop sshd"
    kill "$(cat /run/sshd.pid)"
    sleep 1
    touch /shared/{name}.sshd-down
    # Powered off: the scenario ends, the container with it.
    wait_for 600 test -e /shared/poweroff || fail "never told to power off"
    exit 0
fi
wait_for 600 test -e /shared/manager-done || fail "the manager host did not finish"
true
"#,
        name = host.name,
        management = setup::SENSOR1_MANAGEMENT
    )
}

fn read(result: &BootResult, name: &str) -> String {
    result.read(name).trim().to_string()
}

/// The (host, snapshot id) lines of a `currents` file.
fn currents(result: &BootResult, name: &str) -> Vec<String> {
    read(result, name).lines().map(String::from).collect()
}

fn step(mgr: &BootResult, name: &str) -> (String, String) {
    let out = read(mgr, &format!("{name}.out"));
    let rc = read(mgr, &format!("{name}.rc"));
    println!(
        "deploy ({name}): exit {rc} in {} ms:\n{out}\n",
        read(mgr, &format!("{name}.ms"))
    );
    (rc, out)
}

#[test]
fn deploy_from_the_manager_host_deploys_every_host_or_none() {
    let Some(prefix) = crate::setup::available() else {
        return;
    };
    let _one_at_a_time = real_zeek::serial();
    let started = std::time::Instant::now();
    let spec = Spec {
        tag: "sd",
        encryption: true,
        differs: None,
        intruder_runs: &["oldkeys"],
        switch_off: None,
        deploy: true,
    };
    let run = setup::boot_all(&spec, &prefix);
    println!("deploy run: {:.0?}", started.elapsed());
    for host in [&MGR, &SENSOR1, &SENSOR2, &setup::INTRUDER] {
        run.of(host).assert_passed();
    }
    let mgr = run.of(&MGR);

    let (rc, out) = step(mgr, "good");
    assert_eq!(rc, "0", "{out}");
    // zs-sensor1's sshd listens on its management address only: the
    // deploy reached it there (its `metrics_address`), not at 10.77.0.2.
    assert!(
        out.contains(&format!(
            "on host zs-sensor1 (ssh root@{}): ",
            setup::SENSOR1_MANAGEMENT
        )),
        "{out}"
    );
    assert!(
        mgr.read("markers-missing").is_empty(),
        "no marker from every node:\n{}",
        mgr.read("markers.txt")
    );
    let ids = currents(mgr, "currents-1");
    println!("snapshots after deploy 1: {ids:?}");
    let first: Vec<&str> = ids
        .iter()
        .map(|l| l.split(' ').nth(1).unwrap_or(""))
        .collect();
    assert!(
        first.iter().all(|id| *id == first[0] && !id.is_empty()),
        "{ids:?}"
    );
    let table = read(mgr, "identity-good.tsv");
    println!("identity table:\n{table}");
    for node in setup::all_nodes() {
        let line = table.lines().rfind(|l| l.starts_with(&format!("{node}|")));
        assert!(
            line.is_some_and(|l| l.contains(&format!("|{}|", first[0]))),
            "{node}: {table}"
        );
    }
    let pids_0 = read(mgr, "pids-0");
    let pids_1 = read(mgr, "pids-1");
    for (a, b) in pids_0.lines().zip(pids_1.lines()) {
        assert_ne!(a, b, "a node was not restarted by the deploy");
    }

    let (rc, out) = step(mgr, "broken");
    assert_eq!(rc, "1", "{out}");
    // The unclosed `{` of local.zeek: Zeek names the next file it loads.
    assert!(
        out.contains("syntax error, at or near"),
        "Zeek's error not shown:\n{out}"
    );
    assert!(out.contains("nothing was changed anywhere"), "{out}");
    assert_eq!(
        read(mgr, "pids-2"),
        pids_1,
        "the broken deploy restarted a node"
    );
    assert_eq!(currents(mgr, "currents-2"), ids);

    let (rc, out) = step(mgr, "startfail");
    assert_eq!(rc, "4", "{out}");
    assert!(
        out.contains("deploy FAILED on zs-sensor2: rolling every host back"),
        "{out}"
    );
    assert!(
        out.contains("last journal lines of zeek@zs-sensor2-worker-lo-1 on host zs-sensor2"),
        "{out}"
    );
    assert!(
        !out.lines()
            .any(|l| l.starts_with("== roll back on host") && l.ends_with("FAILED")),
        "a host did not come back:\n{out}"
    );
    assert_eq!(
        currents(mgr, "currents-3"),
        ids,
        "not every host is back on the old snapshot"
    );
    let active = read(mgr, "active-3");
    assert!(active.lines().all(|l| l == "active"), "{active}");

    deploy_more::assert_cpu_refused(mgr);
    deploy_more::assert_rotated(mgr, run.of(&setup::INTRUDER));
    let in_capture = setup::count(&run.capture, setup::MARKER);
    let packets = setup::packets_between(&run.capture, MGR.address, SENSOR2.address);
    println!("capture of the bridge, the whole run: {packets} packets zs-mgr/zs-sensor2, {in_capture} x the marker in cleartext");
    assert!(packets > 0, "no traffic captured");
    assert_eq!(in_capture, 0, "the marker crossed the link in cleartext");
    deploy_more::assert_upgrade(mgr);
    deploy_more::assert_dry_run(mgr);

    let (rc, out) = step(mgr, "unreachable");
    assert_eq!(rc, "1", "{out}");
    assert!(
        out.contains("deploy: host zs-sensor2 cannot be reached (ssh root@10.77.0.3): "),
        "{out}"
    );
    assert!(out.contains("nothing was changed anywhere"), "{out}");
    assert_eq!(currents(mgr, "currents-4"), ids[..2].to_vec());
    deploy_more::assert_powered_off(mgr);
}
