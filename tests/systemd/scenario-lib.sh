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

nodes() { cat /etc/zeek-test/nodes; }

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

# stop_cluster: stop zeek.target and wait until every node has stopped.
# `systemctl stop` returns when the target is down; its nodes stop after
# it (reverse start order) and may still be flushing logs then.
stop_cluster() {
    systemctl stop zeek.target || fail "systemctl stop zeek.target failed"
    local n
    for n in $(nodes); do
        wait_for 30 is_inactive "zeek@$n.service" || fail "zeek@$n.service did not stop"
    done
}
