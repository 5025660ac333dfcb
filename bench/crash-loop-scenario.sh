#!/bin/bash
# Runs inside the container booted by bench/crash-loop.sh: a cluster whose
# one worker (worker-nosuch0-1) captures on an interface that does not
# exist, so that every start loads its scripts and then fails. Restarts
# that worker from a clean start, lets its unit restart it for DURATION and
# writes to /res/crash.txt what it cost: restarts, CPU of the workers
# slice, of PID 1 and of journald, and of the whole container; and to
# /res/crash-journal.log the unit's journal (for the delays).
set -u
# shellcheck source=/dev/null
. /etc/zeek-bench/env
# shellcheck source=bench/scenario-lib.sh
. /etc/zeek-bench/lib.sh
unit=zeek@worker-nosuch0-1.service

# CPU seconds of a PID (utime + stime), from /proc/PID/stat.
pid_cpu() {
    mawk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.3f", ($12 + $13) / hz }' "/proc/$1/stat"
}
# CPU seconds of a cgroup (cpu.stat's usage_usec); 0 if it does not exist.
cg_cpu() {
    mawk '$1 == "usage_usec" { u = $2 } END { printf "%.3f", u / 1e6 }' "/sys/fs/cgroup$1/cpu.stat" 2>/dev/null || echo 0
}
snapshot() {
    echo "restarts=$(systemctl show -p NRestarts --value "$unit")"
    echo "slice_cpu=$(cg_cpu "$(systemctl show -p ControlGroup --value zeek-workers.slice)")"
    echo "pid1_cpu=$(pid_cpu 1)"
    echo "journald_cpu=$(pid_cpu "$(systemctl show -p MainPID --value systemd-journald.service)")"
    echo "all_cpu=$(cg_cpu "")"
    echo "t=${EPOCHREALTIME}"
}

{
    echo "PID 1: $(/proc/1/exe --version | head -n 1)"
    echo "$unit: $(systemctl cat "$unit" | grep -E '^Restart(Sec|Steps|MaxDelaySec)=' | paste -sd' ')"
} >/res/systemd.txt 2>&1
# Let the boot's own start (and the other nodes' script loading) pass.
sleep "$SETTLE"
systemctl stop "$unit"
systemctl reset-failed "$unit" 2>/dev/null
sleep 2
snapshot >/res/before.txt
since=$(date '+%Y-%m-%d %H:%M:%S')
log "starting $unit for $DURATION s"
systemctl start --no-block "$unit"
sleep "$DURATION"
snapshot >/res/after.txt
systemctl stop "$unit"
journalctl -o short-unix --no-pager -u "$unit" --since "$since" >/res/crash-journal.log
log "done: $(tr '\n' ' ' </res/after.txt)"
