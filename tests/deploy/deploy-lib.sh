# shellcheck shell=bash
# Functions for the deploy scenarios (tests/deploy/main.rs); sourced after
# lib.sh. The program is bound as the generator; `zs` runs it as the
# operator's command.

# The live site dir the scenarios edit (used by them, not here).
# shellcheck disable=SC2034
SITE=/opt/zeek/share/zeek/site
STATE=/var/lib/zeek-systemd

zs() { /etc/systemd/system-generators/zeek-systemd-generator "$@"; }

# snapshot_id: the id `current` points at.
snapshot_id() { basename "$(readlink "$STATE/current")"; }

# same_pids FILE: every node of FILE (from save_pids) still runs under that pid.
same_pids() {
    local n old
    while read -r n old; do
        [[ $(main_pid "$n") == "$old" ]] || return 1
    done <"$1"
}

# all_active: every node of nodes() is active.
all_active() {
    local n
    for n in $(nodes); do is_active "zeek@$n.service" || return 1; done
}

# zeekpath NODE: the ZEEKPATH systemd gives the node.
zeekpath() {
    systemctl show -p Environment --value "zeek@$1.service" | tr ' ' '\n' | sed -n 's/^ZEEKPATH=//p'
}

# run_deploy NAME ARGS...: run `zeek-systemd deploy ARGS`, output in
# /res/NAME.out, exit status in /res/NAME.rc, seconds in /res/NAME.secs.
run_deploy() {
    local name=$1 t0 t1 rc
    shift
    t0=$(now)
    zs deploy "$@" >"/res/$name.out" 2>&1
    rc=$?
    t1=$(now)
    echo "$rc" >"/res/$name.rc"
    elapsed "$t0" "$t1" >"/res/$name.secs"
    return "$rc"
}

# heard_since NODE EPOCH: a logger's cluster.log has "got hello from NODE"
# logged at or after EPOCH (seconds). No awk: /usr/bin/awk is a link into
# /etc/alternatives, which the container's empty /etc lacks.
heard_since() {
    local ts rest
    while IFS=$'\t' read -r ts rest; do
        [[ $rest == *"got hello from $1 "* || $rest == *"got hello from $1" ]] || continue
        [[ ${ts%%.*} -ge $2 ]] && return 0
    done < <(live_log cluster | grep -v '^#')
    return 1
}

# all_heard_since EPOCH: every node of nodes() was heard since EPOCH.
all_heard_since() {
    local n
    for n in $(nodes); do heard_since "$n" "$1" || return 1; done
}

# marker_from_all TEXT: the loggers' reporter.log has "TEXT NODE" for every node.
marker_from_all() {
    local n
    for n in $(nodes); do live_log reporter | grep -q "$1 $n\b" || return 1; done
}

# all_new_pids FILE: every node of FILE (from save_pids) is active under a
# pid other than the one FILE has.
all_new_pids() {
    local n old pid
    while read -r n old; do
        pid=$(main_pid "$n")
        [[ $pid != 0 && $pid != "$old" ]] && is_active "zeek@$n.service" || return 1
    done <"$1"
}

# poll_sockets IFINDEX FILE: append "EPOCHREALTIME COUNT" to FILE whenever
# the number of packet sockets bound to interface IFINDEX changes (about
# every 10 ms). Run it in the background; kill it after.
poll_sockets() {
    local last=-1 n
    while :; do
        n=$(sockets_on "$1")
        if ((n != last)); then
            echo "$EPOCHREALTIME $n" >>"$2"
            last=$n
        fi
        sleep 0.01
    done
}

# sockets_on IFINDEX: the number of packet sockets bound to IFINDEX now.
sockets_on() {
    local n=0 iface
    while read -r _ _ _ _ iface _; do
        [[ $iface == "$1" ]] && n=$((n + 1))
    done </proc/net/packet
    echo "$n"
}

# min_sockets FILE: the fewest sockets a poll_sockets FILE saw.
min_sockets() { cut -d' ' -f2 "$1" | sort -n | head -n 1; }
