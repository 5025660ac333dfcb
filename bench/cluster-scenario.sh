#!/bin/bash
# Runs inside the container booted by bench/cluster.sh (a real systemd, a
# real Zeek, one generator's units). Measures, from the logger's point of
# view ("got hello from NODE" in logger-1's cluster.log, timestamped by
# Zeek itself):
#
#   formation  zeek-setup starts (after `systemctl start zeek.target`)
#              until the logger has heard every other node
#   restart    `systemctl restart zeek.target` until every node is heard again
#   rejoin     `kill -9` of a worker until the logger hears it again
#              (REJOIN_RESET=1: `systemctl reset-failed` of its unit before
#              each kill, so that every kill is the first since a start:
#              systemd 254's back-off counts restarts since the last manual
#              start or reset-failed, successful runs do not reset it)
#
# and writes one line per measurement to /res/rounds.tsv:
#   KIND ROUND T0_US END_US SECONDS
# plus /res/hellos.tsv (KIND ROUND NODE TS_US) and the journal, for the
# breakdown. Settings come from /etc/zeek-bench/env (GEN, ROUNDS, NODES,
# KILL_UNIT, SETTLE).
set -u
# shellcheck source=/dev/null
. /etc/zeek-bench/env
# shellcheck source=bench/scenario-lib.sh
. /etc/zeek-bench/lib.sh
SPOOL=/opt/zeek/var/spool/zeek
CLUSTER_LOG=$SPOOL/logger-1/cluster.log
# Every node but the logger itself: the ones it must hear.
# shellcheck disable=SC2086 # NODES is a list
OTHERS=$(printf '%s\n' $NODES | grep -vx logger-1 | tr '\n' ' ')
# mawk: /usr/bin/awk is an /etc/alternatives link, absent in the container.
: >/res/rounds.tsv
: >/res/hellos.tsv

# heard_all SINCE_US: when logger-1 has logged a hello from every node of
# OTHERS with a timestamp >= SINCE_US, print "NODE TS_US" lines (the
# latest last) and succeed; else fail.
heard_all() {
    [ -r "$CLUSTER_LOG" ] || return 1
    mawk -F'\t' -v since="$1" -v want="$OTHERS" '
        BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) need[w[i]] = 1 }
        /^#/ { next }
        $2 == "logger-1" && index($3, "got hello from ") == 1 {
            split($1, t, "."); frac = substr(t[2] "000000", 1, 6)
            ts = t[1] * 1000000 + frac
            split($3, m, " "); node = m[4]
            if (ts >= since && (node in need) && !(node in seen)) { seen[node] = ts; got++ }
        }
        END {
            if (got < n) exit 1
            for (k in seen) printf "%s %.0f\n", k, seen[k]
        }' "$CLUSTER_LOG" | sort -k2n
    return "${PIPESTATUS[0]}"
}

# wait_heard KIND ROUND T0_US [START_US]: poll until every node is heard
# after T0_US; record the time from START_US (default T0_US) to the last
# hello. Fails after LIMIT seconds (default 90).
wait_heard() {
    local kind=$1 round=$2 t0=$3 start=${4:-$3} out last i
    for ((i = 0; i < ${LIMIT:-90} * 10; i++)); do
        if out=$(heard_all "$t0"); then
            last=$(echo "$out" | tail -n 1 | cut -d' ' -f2)
            while read -r node ts; do echo "$kind $round $node $ts"; done <<<"$out" >>/res/hellos.tsv
            printf '%s %s %s %s %s\n' "$kind" "$round" "$start" "$last" \
                "$(mawk -v a="$start" -v b="$last" 'BEGIN { printf "%.3f", (b - a) / 1e6 }')" >>/res/rounds.tsv
            log "$kind $round: $(mawk -v a="$start" -v b="$last" 'BEGIN { printf "%.3f", (b - a) / 1e6 }') s"
            return 0
        fi
        sleep 0.1
    done
    log "$kind $round: not every node heard after ${LIMIT:-90} s"
    printf '%s %s %s - NA\n' "$kind" "$round" "$start" >>/res/rounds.tsv
    return 1
}

# setup_started_us: when the last "Starting zeek-setup.service" was logged
# (systemd's own message, microseconds).
setup_started_us() {
    journalctl -b -o short-unix --no-pager -u zeek-setup.service 2>/dev/null |
        grep 'Starting zeek-setup.service' | tail -n 1 | cut -d' ' -f1 | tr -d .
}

settle() { sleep "$SETTLE"; }

# shellcheck disable=SC2317 # the trap
save() {
    journalctl -b -o short-unix --no-pager >/res/journal-unix.log
    systemctl list-units --all --no-pager 'zeek*' >/res/units.txt
    systemctl show -p NRestarts -p RestartUSec "$KILL_UNIT" >/res/kill-unit.txt
}
trap save EXIT

log "bench scenario: generator $GEN, nodes: $NODES, $ROUNDS rounds"
# Which systemd is PID 1 (the generator reads it from /proc/1/maps) and
# the restart settings the killed node's unit got from it.
{
    echo "PID 1: $(/proc/1/exe --version | head -n 1); mapped: $(grep -o 'libsystemd-[a-z]*-[0-9]*[.]so' /proc/1/maps | sort -u | paste -sd' ')"
    echo "$KILL_UNIT: $(systemctl cat "$KILL_UNIT" | grep -E '^Restart(Sec|Steps|MaxDelaySec)=' | paste -sd' ')"
} >/res/systemd.txt 2>&1
# The boot already started zeek.target (autostart): the first formation.
wait_heard boot 0 "$(setup_started_us)" || exit 1

for ((r = 1; r <= ROUNDS; r++)); do
    settle
    t=$(now_us)
    stop_all || exit 1
    printf 'stop %s %s %s %s\n' "$r" "$t" "$(now_us)" \
        "$(mawk -v a="$t" -v b="$(now_us)" 'BEGIN { printf "%.3f", (b - a) / 1e6 }')" >>/res/rounds.tsv
    settle
    t0=$(now_us)
    systemctl start zeek.target
    s=$(setup_started_us)
    [ -n "$s" ] && [ "$s" -ge "$t0" ] || s=$t0
    wait_heard formation "$r" "$t0" "$s" || exit 1
done

# Zeek's generator orders its nodes with StopPropagatedFrom=zeek.target:
# `restart zeek.target` restarts zeek-setup and the archiver but leaves the
# nodes running as they were. There, what restarts the cluster is stop +
# start, and that is what is measured (noted in /res/restart-note).
restart_cmd=restart
for ((r = 1; r <= ROUNDS; r++)); do
    settle
    old=$(systemctl show -p MainPID --value "$KILL_UNIT")
    t0=$(now_us)
    if [ "$restart_cmd" = restart ]; then
        systemctl restart zeek.target
        if [ "$(systemctl show -p MainPID --value "$KILL_UNIT")" = "$old" ]; then
            log "restart zeek.target left $KILL_UNIT running (pid $old): measuring stop + start instead"
            echo "stop+start: restart zeek.target does not restart the nodes" >/res/restart-note
            restart_cmd=stop+start
            settle
            t0=$(now_us)
        fi
    fi
    if [ "$restart_cmd" = stop+start ]; then
        stop_all || exit 1
        systemctl start zeek.target
    fi
    wait_heard restart "$r" "$t0" || exit 1
done

for ((r = 1; r <= ROUNDS; r++)); do
    settle
    pid=$(systemctl show -p MainPID --value "$KILL_UNIT")
    [ "$pid" -gt 0 ] || { log "$KILL_UNIT has no MainPID"; exit 1; }
    if [ -n "${REJOIN_RESET:-}" ]; then systemctl reset-failed "$KILL_UNIT"; fi
    echo "rejoin $r NRestarts=$(systemctl show -p NRestarts --value "$KILL_UNIT")" >>/res/rejoin-restarts.txt
    t0=$(now_us)
    kill -9 "$pid"
    OTHERS=$KILL_NODE wait_heard rejoin "$r" "$t0" || exit 1
done

true
