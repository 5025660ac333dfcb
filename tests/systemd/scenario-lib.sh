# shellcheck shell=bash
# Functions for real-systemd scenarios; sourced inside the container from
# /etc/zeek-test/lib.sh. The test binds the expected node names (one per
# line) at /etc/zeek-test/nodes.

SPOOL=${SPOOL:-/opt/zeek/spool}
mkdir -p /res/records /res/show

fail() {
    echo "FAIL: $*"
    systemctl --no-pager status 'zeek*' 2>&1 | head -80
    exit 1
}

NODES_FILE=/etc/zeek-test/nodes
nodes() { cat "$NODES_FILE"; }

# wait_for SECONDS COMMAND...: retry COMMAND every 0.1 s until it succeeds.
wait_for() {
    local limit=$1 i
    shift
    for ((i = 0; i < limit * 10; i++)); do
        "$@" && return 0
        sleep 0.1
    done
    return 1
}

record_of() { echo "$SPOOL/$1/zeek-stand-in.record"; }
has_record() { [[ -s $(record_of "$1") ]]; }
is_active() { [[ $(systemctl is-active "$1") == active ]]; }

# main_pid NODE: the MainPID systemd reports for the node.
main_pid() { systemctl show -p MainPID --value "zeek@$1.service"; }

# collect NODE [SUFFIX]: copy the node's record and its unit properties into /res.
collect() {
    local node=$1 suffix=${2:-}
    cp "$(record_of "$node")" "/res/records/$node.record$suffix"
    systemctl show "zeek@$node.service" >"/res/show/$node.show$suffix"
}

# start_cluster: start zeek.target and wait until every node runs and has
# written its record.
start_cluster() {
    systemctl start zeek.target || fail "systemctl start zeek.target failed"
    local n
    for n in $(nodes); do
        wait_for 20 has_record "$n" || fail "node $n wrote no record"
        wait_for 10 is_active "zeek@$n.service" || fail "zeek@$n.service is not active"
    done
}

is_inactive() { [[ $(systemctl is-active "$1") == inactive ]]; }

# stop_cluster: stop zeek.target and wait until every node, the archiver
# and zeek-setup have stopped. `systemctl stop` returns when the target is
# down; the rest stops after it (reverse start order: nodes, then the
# archiver, then zeek-setup) and may still be flushing logs then. A start
# queued before zeek-setup's stop job ran would cancel that job, and
# zeek-setup would not run again.
stop_cluster() {
    systemctl stop zeek.target || fail "systemctl stop zeek.target failed"
    local n
    for n in $(nodes); do
        wait_for 30 is_inactive "zeek@$n.service" || fail "zeek@$n.service did not stop"
    done
    for n in zeek-archiver.service zeek-setup.service; do
        wait_for 30 is_inactive "$n" || fail "$n did not stop"
    done
}

# ---- supervision helpers (tests/real_systemd/supervision.rs) ----

# (No awk here: /usr/bin/awk is a link into /etc/alternatives, which the
# container's empty /etc lacks.)

# now: wall-clock time in nanoseconds.
now() { date +%s%N; }

# elapsed T0 T1: T1 - T0 (from `now`) in seconds, 3 decimals.
elapsed() {
    local ms=$((($2 - $1) / 1000000))
    printf '%d.%03d' $((ms / 1000)) $((ms % 1000))
}

# record_pid NODE: the pid the node's current record names.
record_pid() { sed -n 's/^pid=//p' "$(record_of "$1")" 2>/dev/null; }

# runs_anew NODE OLD_PID: the node is active under a MainPID other than
# OLD_PID, and its record (rewritten by the new process) names that pid.
runs_anew() {
    local pid
    pid=$(main_pid "$1")
    [[ $pid != 0 && $pid != "$2" ]] && is_active "zeek@$1.service" &&
        [[ $(record_pid "$1") == "$pid" ]]
}

# save_pids FILE: "node MainPID" for every node, one per line.
save_pids() {
    local n
    for n in $(nodes); do echo "$n $(main_pid "$n")"; done >"$1"
}

# pid_in FILE NODE: the pid FILE (from save_pids) has for NODE.
pid_in() { sed -n "s/^$2 //p" "$1"; }

# wait_all_anew FILE SECONDS: every node of FILE runs under a new pid.
wait_all_anew() {
    local n old
    while read -r n old; do
        wait_for "$2" runs_anew "$n" "$old" ||
            fail "zeek@$n.service was not restarted (pid still $(main_pid "$n"))"
    done <"$1"
}

# active_nodes: the names of the zeek@ instances systemd has active, sorted.
active_nodes() {
    systemctl list-units 'zeek@*.service' --state=active --no-legend --plain |
        sed 's/ .*//; s/^zeek@//; s/\.service$//' | sort
}

# use_config NAME: install /etc/zeek-test/NAME as the cluster config
# (/etc/zeek is a writable bind; the generator reads it at daemon-reload).
use_config() {
    cp "/etc/zeek-test/$1" /etc/zeek/cluster.toml || fail "cannot install config $1"
}

# use_nodes NAME: from now on, nodes() lists /etc/zeek-test/NAME.
use_nodes() { NODES_FILE=/etc/zeek-test/$1; }
