#!/bin/bash
# Runs inside the container booted by bench/capture.sh (a real systemd, a
# real Zeek, one generator's units, W AF_PACKET workers on zcap0, one end of
# a veth pair). Per phase (a fixed packet rate, then top speed) it replays
# the trace into zcap1 with tcpreplay, then stops the cluster: Zeek's own
# count at exit ("N packets received on interface ..., D dropped, U not
# processed", one line per worker in the journal) and each worker unit's
# CPUUsageNSec from systemd's accounting (from 3 s before the replay to
# 3 s after it: the replay, not Zeek's start), then
# starts it again for the next phase.
#
# Writes /res/phases.tsv: PHASE UNIT CPU_NS RECEIVED DROPPED UNPROCESSED,
# /res/replay-PHASE.txt (tcpreplay's own report). Settings from
# /etc/zeek-bench/env (W, PPS, LOOPS_RATE, LOOPS_TOP).
set -u
# shellcheck source=/dev/null
. /etc/zeek-bench/env
# shellcheck source=bench/scenario-lib.sh
. /etc/zeek-bench/lib.sh
: >/res/phases.tsv

for ((i = 0; i < 300; i++)); do
    [[ -e /sys/class/net/zcap0/ifindex ]] && break
    sleep 0.1
done
ifindex=$(cat /sys/class/net/zcap0/ifindex) || exit 1
sockets() {
    local n=0 iface
    while read -r _ _ _ _ iface _; do [[ $iface == "$ifindex" ]] && n=$((n + 1)); done </proc/net/packet
    echo "$n"
}
wait_capturing() {
    local i
    for ((i = 0; i < 1200; i++)); do
        [[ $(sockets) -ge $W ]] && return 0
        sleep 0.1
    done
    log "not every worker capturing after 120 s"
    return 1
}
worker_units() {
    systemctl list-units --plain --no-legend --type=service 'zeek*worker*' | cut -d' ' -f1
}

# phase NAME TCPREPLAY-ARGS...: replay, account, stop, read Zeek's counts.
phase() {
    local name=$1 since unit line received dropped unprocessed
    shift
    wait_capturing || return 1
    sleep 3
    declare -A cpu_of
    for unit in $(worker_units); do
        cpu_of[$unit]=$(systemctl show -p CPUUsageNSec --value "$unit")
    done
    log "phase $name: tcpreplay $*"
    tcpreplay -q -i zcap1 "$@" /etc/zeek-bench/trace.pcap >"/res/replay-$name.txt" 2>&1 ||
        { log "tcpreplay failed"; cat "/res/replay-$name.txt"; return 1; }
    sleep 3
    for unit in "${!cpu_of[@]}"; do
        cpu_of[$unit]=$(($(systemctl show -p CPUUsageNSec --value "$unit") - cpu_of[$unit]))
    done
    since=$(date +%s)
    systemctl stop zeek.target
    sleep 1
    for unit in "${!cpu_of[@]}"; do
        line=$(journalctl --no-pager -o cat --since "@$((since - 1))" -u "$unit" | grep -m 1 'packets received on interface')
        read -r received dropped unprocessed < <(sed -nE 's/.* ([0-9]+) packets received on interface [^,]*, ([0-9]+) \([^)]*\) dropped, ([0-9]+) .*/\1 \2 \3/p' <<<"$line")
        echo "$name $unit ${cpu_of[$unit]} ${received:-NA} ${dropped:-NA} ${unprocessed:-NA}" >>/res/phases.tsv
    done
    systemctl start zeek.target
}

log "capture scenario: W=$W"
phase rate --pps "$PPS" --loop "$LOOPS_RATE" || exit 1
phase top --topspeed --loop "$LOOPS_TOP" || exit 1
journalctl -b --no-pager -o short-precise >/res/journal.log
true
