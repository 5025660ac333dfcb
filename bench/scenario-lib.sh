# shellcheck shell=bash
# What the scenarios that run inside a benchmark's container share
# (cluster-, blind-spot-, capture- and crash-loop-scenario.sh). The host
# script binds this file at /etc/zeek-bench/lib.sh; the scenario sources it
# after its settings (/etc/zeek-bench/env).

# log MESSAGE: to the scenario's log, with the time.
log() { echo "$(date +%T.%3N) $*"; }

# now_us: wall-clock time in microseconds.
now_us() { echo "${EPOCHREALTIME/./}"; }

# units_of_cluster: the services of the cluster (every zeek* unit but the
# tests' own).
units_of_cluster() {
    systemctl list-units --all --plain --no-legend --type=service 'zeek*' | cut -d' ' -f1 | grep -v '^zeek-test'
}

# stop_all: stop zeek.target and wait (at most 30 s) until every unit of
# the cluster is down: `systemctl stop` returns when the target is, the
# loggers and the archiver stop after the nodes.
stop_all() {
    systemctl stop zeek.target
    local i
    for ((i = 0; i < 600; i++)); do
        if ! units_of_cluster | xargs -r systemctl is-active 2>/dev/null | grep -qv -e inactive -e failed; then
            return 0
        fi
        sleep 0.05
    done
    log "cluster did not stop:"
    systemctl list-units --all --no-pager 'zeek*'
    return 1
}
