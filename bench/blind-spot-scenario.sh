#!/bin/bash
# Runs inside the container booted by bench/blind-spot.sh (a real systemd, a
# real Zeek, one generator's units, W AF_PACKET workers on the veth
# interface zcap0). A poller reads /proc/net/packet every POLL_MS and logs
# every change of the number of packet sockets bound to zcap0; per round of
# each METHOD it records the longest stretch with none:
#
#   stop+start  systemctl stop zeek.target; systemctl start zeek.target
#   restart     systemctl restart zeek.target (Zeek's generator: its nodes
#               have StopPropagatedFrom=, a restart leaves them running;
#               recorded as NA with a note)
#   deploy      zeek-systemd deploy of a one-line change to local.zeek (ours)
#   deploy-rolling  the same with --rolling: workers restart in waves (ours)
#
# and, after every stop of stop+start, the logs left behind: files in the
# nodes' spool dirs (`*.log`, not hidden) and in the archiver's queue.
#
# Writes /res/rounds.tsv: METHOD ROUND T0_US END_US BLIND_S [CMD_S], and
# /res/stranded.tsv: ROUND COUNT FILES..., /res/sockets.tsv (the poller's
# log: TS_US COUNT). Settings from /etc/zeek-bench/env (GEN, W, ROUNDS,
# METHODS, SETTLE, POLL_MS, WORKER_UNIT).
set -u
# shellcheck source=/dev/null
. /etc/zeek-bench/env
# shellcheck source=bench/scenario-lib.sh
. /etc/zeek-bench/lib.sh
SPOOL=/opt/zeek/var/spool/zeek
IFACE=zcap0
: >/res/rounds.tsv
: >/res/stranded.tsv

# bench-veth.service makes it at boot; the scenario may start before.
for ((i = 0; i < 300; i++)); do
    [[ -e /sys/class/net/$IFACE/ifindex ]] && break
    sleep 0.1
done
ifindex=$(cat /sys/class/net/$IFACE/ifindex) || { systemctl status bench-veth.service; exit 1; }

# poll: log "TS_US COUNT" whenever the number of packet sockets bound to
# IFACE changes. No fork per round: `read -t` on a pipe nobody writes to
# (a FIFO this shell holds open for writing) is the sleep.
poll() {
    local last=-1 n iface never
    mkfifo /run/bench-never
    exec {never}<>/run/bench-never
    while :; do
        n=0
        while read -r _ _ _ _ iface _; do
            [[ $iface == "$ifindex" ]] && ((n++))
        done </proc/net/packet
        if ((n != last)); then
            echo "${EPOCHREALTIME/./} $n"
            last=$n
        fi
        read -r -t "0.$(printf '%03d' "$POLL_MS")" -u "$never" || true
    done
}
poll >/res/sockets.tsv &
poller=$!
# shellcheck disable=SC2317 # the trap
finish() {
    kill "$poller" 2>/dev/null
    journalctl -b -o short-unix --no-pager >/res/journal-unix.log
    systemctl list-units --all --no-pager 'zeek*' >/res/units.txt
}
trap finish EXIT

# sockets_now: the last count the poller logged.
sockets_now() { tail -n 1 /res/sockets.tsv | cut -d' ' -f2; }

# wait_capturing: until every worker has its socket (at most 90 s).
wait_capturing() {
    local i
    for ((i = 0; i < 900; i++)); do
        [[ $(sockets_now) -ge $W ]] && return 0
        sleep 0.1
    done
    log "not every worker capturing after 90 s (sockets: $(sockets_now))"
    return 1
}

# blind T0 END: the longest stretch in [T0, END] (microseconds) with no
# socket on IFACE, in seconds; the count before T0 is the one in force.
blind() {
    mawk -v t0="$1" -v end="$2" '
        { t = $1; n = $2 }
        t < t0 { cur = n; next }
        t > end { exit }
        {
            if (cur == 0 && n != 0 && since != "") { if (t - since > max) max = t - since; since = "" }
            if (n == 0 && cur != 0) since = t
            cur = n
        }
        END {
            if (since != "" && cur == 0) { if (end - since > max) max = end - since }
            printf "%.3f", max / 1e6
        }' /res/sockets.tsv
}

# stranded ROUND: the logs a stop left where no archiver takes them: logs in
# the nodes' dirs, and files in the queue.
stranded() {
    local files
    files=$(cd "$SPOOL" && find . -mindepth 2 -maxdepth 2 -type f \( -path './log-queue/*' -o \( -name '*.log' ! -name '.*' \) \) | sort | paste -sd' ')
    printf '%s %s %s\n' "$1" "$(wc -w <<<"$files")" "$files" >>/res/stranded.tsv
}

# measure METHOD ROUND COMMAND...: run COMMAND, wait until every worker
# captures again, record the longest blind stretch.
measure() {
    local method=$1 round=$2 t0 t1 end s
    shift 2
    t0=$(now_us)
    "$@" >>/res/commands.log 2>&1 || { log "$method $round: $* failed"; return 1; }
    t1=$(now_us)
    wait_capturing || return 1
    sleep 0.2
    end=$(now_us)
    s=$(blind "$t0" "$end")
    printf '%s %s %s %s %s %s\n' "$method" "$round" "$t0" "$end" "$s" \
        "$(mawk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e6 }')" >>/res/rounds.tsv
    log "$method $round: blind ${s}s"
}

stop_start() {
    stop_all || return 1
    stranded "$round"
    systemctl start zeek.target
}

# deploy [ARGS...]: zeek-systemd deploy ARGS of a one-line change.
deploy() {
    echo "# blind-spot round $round ${*:-plain}" >>/opt/zeek/share/zeek/site/local.zeek
    /etc/systemd/system-generators/zeek-systemd-generator deploy --settle 1 "$@"
}

log "blind-spot scenario: generator $GEN, W=$W, $ROUNDS rounds of: $METHODS"
wait_capturing || exit 1
for method in $METHODS; do
    for ((round = 1; round <= ROUNDS; round++)); do
        sleep "$SETTLE"
        case $method in
            stop+start) measure "$method" "$round" stop_start || exit 1 ;;
            restart)
                old=$(systemctl show -p MainPID --value "$WORKER_UNIT")
                measure "$method" "$round" systemctl restart zeek.target || exit 1
                if [[ $(systemctl show -p MainPID --value "$WORKER_UNIT") == "$old" ]]; then
                    echo "restart zeek.target leaves the nodes running (StopPropagatedFrom=): not a restart" >/res/restart-note
                    sed -i '$ s/^restart \([0-9]*\) \([0-9]*\) \([0-9]*\) .*/restart \1 \2 \3 NA/' /res/rounds.tsv
                    break
                fi
                ;;
            deploy) measure "$method" "$round" deploy || exit 1 ;;
            deploy-rolling) measure "$method" "$round" deploy --rolling || exit 1 ;;
        esac
    done
done
true
