//! What each container does (bash, after tests/systemd/scenario-lib.sh and
//! tests/fixtures/real-zeek/lib.sh). The hosts meet through /shared: the manager
//! host says when the cluster is up (`cluster-up`, for the intruder) and
//! when it has what it needs (`heard-all`, `manager-done`); a sensor says
//! when its sshd runs (`HOST.sshd-up`); the test says when a container
//! has gone (`HOST.off`). What a run does differently is in files under
//! /etc/zeek-test: `sensors` (host and worker of each sensor host),
//! `intruder-runs` (its attempts), `switch-off` (the host that powers off
//! after the first cluster-wide view).

use crate::common::network::{self, NetHost};

pub const SPOOL: &str = "/opt/zeek/spool";

/// Functions every host's scenario has.
const HELPERS: &str = r#"
zs() { /etc/systemd/system-generators/zeek-systemd-generator "$@"; }
"#;

/// The manager host: the cluster forms (its logger hears every node of
/// every host), each sensor's marker and identity arrive, the intruder
/// has had its try; then what it saw, where keys must not be, and the
/// cluster-wide view before and after a sensor host is switched off.
pub fn manager(host: &NetHost) -> String {
    network::scenario_start(host.address, SPOOL)
        + HELPERS
        + MANAGER_FUNCTIONS
        + r#"
start_zeek
use_nodes all-nodes
wait_hellos 150
use_nodes nodes
touch /shared/cluster-up
wait_sensors
wait_for 150 test -e /shared/intruder-done || fail "the intruder did not finish"
# What the intruder's last second sent reaches the logs.
sleep 2
save_manager_results
save_secret_places
ssh_client
while read -r h _; do
    wait_for 60 test -e "/shared/$h.sshd-up" || fail "the sshd of $h did not start"
done </etc/zeek-test/sensors
cluster_view ""
save_restarts
touch /shared/heard-all
if [[ -e /etc/zeek-test/switch-off ]]; then
    read -r off </etc/zeek-test/switch-off
    wait_for 120 test -e "/shared/$off.off" || fail "$off was not switched off"
    cluster_view -off
fi
touch /shared/manager-done
true
"#
}

const MANAGER_FUNCTIONS: &str = r#"
# wait_sensors: each sensor's worker's marker in the logger's reporter.log
# (it crossed the link), and its identity in the manager's table.
wait_sensors() {
    local h w log=$SPOOL/zs-mgr-logger-1/reporter.log
    while read -r h w; do
        wait_for 90 grep -q "ZS-MARKER-4711 node=$w " "$log" \
            || fail "no marker from $w ($h) in reporter.log"
        wait_for 30 grep -q "^$w|" "$SPOOL/manager/zeek-systemd-identity.tsv" \
            || fail "the manager never heard the identity of $w ($h)"
    done </etc/zeek-test/sensors
}

save_manager_results() {
    cp "$SPOOL/manager/zeek-systemd-identity.tsv" /res/identity.tsv
    zs status >/res/status.txt 2>&1
    echo $? >/res/status.exit
    live_log cluster >/res/cluster.log
    live_log reporter >/res/reporter.log
}

# save_secret_places: where an operator or another user could see a key.
save_secret_places() {
    local n pid
    for n in $(nodes); do systemctl show "zeek@$n.service"; done >/res/show.txt 2>&1
    journalctl -b --no-pager -o verbose >/res/journal.txt 2>&1
    grep -r . /run/systemd/generator >/res/generator.txt 2>&1
    zs status --json >/res/status.json 2>&1
    for n in $(nodes); do
        pid=$(systemctl show -p MainPID --value "zeek@$n.service")
        tr '\0' '\n' <"/proc/$pid/environ"
    done >/res/environ.txt 2>&1
    ls -la /run/zeek-systemd/secrets /run/credentials/*/ >/res/modes.txt 2>&1
}

# ssh_client: systemctl -H logs in as root with the test's key.
ssh_client() {
    mkdir -p /etc/ssh
    printf 'Host *\n IdentityFile /etc/zeek-test/id_ed25519\n StrictHostKeyChecking no\n UserKnownHostsFile /dev/null\n LogLevel ERROR\n' >/etc/ssh/ssh_config
}

# cluster_view SUFFIX: status --cluster and netstats --cluster, and their
# exit codes, in /res.
cluster_view() {
    zs status --cluster --ssh-user root --remote-program /etc/systemd/system-generators/zeek-systemd-generator >"/res/cluster-view$1.txt" 2>&1
    echo $? >"/res/cluster-view$1.exit"
    zs netstats --cluster >"/res/netstats-cluster$1.txt" 2>&1
    echo $? >"/res/netstats-cluster$1.exit"
}
"#;

/// A sensor host: its worker, and an sshd for `status --cluster`; it stays
/// until the manager host is done, unless it is the host switched off
/// (its scenario ends: the container powers off).
pub fn sensor(host: &NetHost) -> String {
    network::scenario_start(host.address, SPOOL)
        + HELPERS
        + &format!(
            r#"
start_zeek
mkdir -p /run/sshd
# sysusers leaves root locked ("!" in /etc/shadow): sshd refuses even a key.
sed -i 's/^root:[^:]*:/root:*:/' /etc/shadow
getent passwd sshd >/dev/null || echo 'sshd:x:990:65534:sshd:/run/sshd:/usr/sbin/nologin' >>/etc/passwd
/etc/zeek-test/sshd -f /etc/zeek-test/sshd_config -E /res/sshd.log || fail "sshd"
touch /shared/{name}.sshd-up
wait_for 400 test -e /shared/heard-all || fail "the manager host did not finish"
save_restarts
if ! grep -qx {name} /etc/zeek-test/switch-off 2>/dev/null; then
    wait_for 200 test -e /shared/manager-done || fail "the manager host did not finish"
fi
true
"#,
            name = host.name
        )
}

/// Not in the config: runs Zeek by hand as a worker of the cluster, once
/// per attempt of `intruder-runs` (`nokeys`: no secrets; `wrongkeys`:
/// keys of another cluster), 25 s each.
pub fn intruder(host: &NetHost) -> String {
    network::scenario_start(host.address, SPOOL)
        + r#"
rm -f /etc/zeek/cluster-secrets
wait_for 300 test -e /shared/cluster-up || fail "the cluster never came up"
mkdir -p /tmp/intr && cd /tmp/intr || fail "no /tmp/intr"
cp /etc/zeek-test/intruder-layout.zeek cluster-layout.zeek
export ZEEKPATH=/tmp/intr:/opt/zeek/share/zeek:/opt/zeek/share/zeek/policy:/opt/zeek/share/zeek/site:/opt/zeek/share/zeek/builtin-plugins
for run in $(cat /etc/zeek-test/intruder-runs); do
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
