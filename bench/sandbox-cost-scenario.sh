#!/bin/bash
# Runs inside the container booted by bench/sandbox-cost.sh (a real
# systemd as PID 1): starts /bin/true as a transient service under each
# directive set, RUNS times, the sets interleaved round by round so that
# the machine's load falls on all of them alike. Each start is
# `systemd-run --wait --collect`, timed from before the call to its return
# (the bus call, the fork, the sandbox set-up, the exec, the exit).
#
# Sets (one per line of /etc/zeek-bench/sets: NAME then -p arguments):
# what /etc/zeek-bench/env says (RUNS).
# Writes /res/runs.tsv: SET ROUND MS.
set -u
# shellcheck source=/dev/null
. /etc/zeek-bench/env
: >/res/runs.tsv
mkdir -p /var/lib/zeek-bench
names=()
props=()
while read -r name rest; do
    [[ -z $name || $name == \#* ]] && continue
    names+=("$name")
    props+=("$rest")
done </etc/zeek-bench/sets
# One warm-up start per set: the first start of a set pays for loading.
for ((round = 0; round <= RUNS; round++)); do
    for i in "${!names[@]}"; do
        read -ra args <<<"${props[$i]}"
        for j in "${!args[@]}"; do args[j]=$(printf '%b' "${args[j]}"); done
        t0=${EPOCHREALTIME/./}
        systemd-run --quiet --wait --collect --service-type=exec \
            -p User=nobody "${args[@]}" /bin/true >/dev/null 2>>/res/errors.log ||
            echo "${names[$i]}: systemd-run failed" >>/res/errors.log
        t1=${EPOCHREALTIME/./}
        ((round > 0)) && echo "${names[$i]} $round $(((t1 - t0) / 10))" >>/res/runs.tsv
    done
done
true
