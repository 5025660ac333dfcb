#!/usr/bin/env bash
# Blind-spot benchmark (issue 28, point 3): how long a capture interface has
# no worker socket at all during a stop + start, a `systemctl restart
# zeek.target`, a `zeek-systemd deploy` of a one-line script change and a
# `zeek-systemd deploy --rolling` of one,
# under our units and under Zeek's generator's, side by side; and which logs
# a stop leaves behind unarchived. See bench/README.md.
#
# Each boot is a real systemd (tests/systemd/nspawn-run, the host's 252 or
# --systemd-tree) with a real Zeek (ZEEK_DIST) and one zeek.conf both
# generators read: a manager, a logger, a proxy and W AF_PACKET workers on
# zcap0, one end of a veth pair made in the container before the cluster
# starts. Inside (bench/blind-spot-scenario.sh) a poller reads
# /proc/net/packet every POLL_MS ms; the blind spot of a round is the
# longest stretch with no packet socket bound to zcap0. Figures only.
#
# Needs root, systemd-nspawn, ZEEK_DIST and ZEEK_REFERENCE_GENERATOR (as
# bench/cluster.sh).
#
#   bench/blind-spot.sh                  W = 2 and 4, 2 boots x 3 rounds per method
#   bench/blind-spot.sh --quick          W = 2, 1 boot x 1 round (CI smoke)
#   bench/blind-spot.sh --workers 2 --boots 3 --rounds 5
#   bench/blind-spot.sh --bin PATH       another build of zeek-systemd
#   bench/blind-spot.sh --only ours|zeek one generator
#   bench/blind-spot.sh --methods "stop+start restart deploy deploy-rolling"
#   bench/blind-spot.sh --poll-ms 5      the poller's period (default 5 ms)
#   bench/blind-spot.sh --keep DIR       keep every boot's results in DIR
#   bench/blind-spot.sh --report DIR     only print the tables of a --keep DIR
#   bench/blind-spot.sh --systemd-tree DIR  boot the systemd of DIR/usr
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
workers="2 4"
boots=2
rounds=3
settle=2
poll_ms=5
methods="stop+start restart deploy deploy-rolling"
bin=""
only=""
keep=""
report=""
tree=""
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) workers="2" boots=1 rounds=1 settle=1 ;;
        --workers) workers=$2; shift ;;
        --boots) boots=$2; shift ;;
        --rounds) rounds=$2; shift ;;
        --settle) settle=$2; shift ;;
        --poll-ms) poll_ms=$2; shift ;;
        --methods) methods=$2; shift ;;
        --bin) bin=$2; shift ;;
        --only) only=$2; shift ;;
        --keep) keep=$2; shift ;;
        --report) report=$2; shift ;;
        --systemd-tree) tree=$2; shift ;;
        -h | --help) sed -n '/^set -euo/q;2,$s/^# \{0,1\}//p' "$0"; exit 0 ;;
        *) echo "blind-spot.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

# shellcheck source=bench/zeek-lib.sh
. "$here/zeek-lib.sh" blind-spot.sh
prefix="" overlay=() reference="" work=""
require_nspawn
require_zeek_dist
[[ $poll_ms =~ ^[0-9]+$ && $poll_ms -ge 1 && $poll_ms -le 20 ]] || die "--poll-ms takes 1 to 20"
case "$only" in
    "") gens="ours zeek" ;;
    ours | zeek) gens=$only ;;
    *) die "--only takes ours or zeek" ;;
esac
set_systemd_overlay "$tree"
if [ -n "$report" ]; then
    work=$report
    bin=${bin:-${CARGO_TARGET_DIR:-$root/target}/release/zeek-systemd}
else
    [[ $gens != *zeek* ]] || set_reference
    set_bench_bin "$root"
    set_zeek_prefix "$ZEEK_DIST" "$root/target/bench-zeek"
    set_work
fi
[ -z "$keep" ] || mkdir -p "$keep"

# $1 = W: the zeek.conf both generators read. Workers are not pinned (2
# CPUs; the blind spot does not depend on where they run).
write_conf() {
    cat <<CONF
[zeek]
base_dir = /opt/zeek
manager = 1
loggers = 1
proxies = 1
args = local ignore_checksums=T

[interface zcap0]
interface = af_packet::zcap0
workers = $1
CONF
}

# boot GEN W N: one boot; results in $work/GEN-W-N/res.
boot() {
    local gen=$1 w=$2 n=$3 dir gen_bin worker_unit m status=0
    dir="$work/$gen-$w-$n"
    mkdir -p "$dir"
    write_conf "$w" >"$dir/zeek.conf"
    write_veth_unit >"$dir/bench-veth.service"
    # Both generators write a zeek-setup.service that every node follows.
    printf '[Unit]\nWants=bench-veth.service\nAfter=bench-veth.service\n' >"$dir/setup-wants-veth.conf"
    if [ "$gen" = ours ]; then
        gen_bin=$bin worker_unit=zeek@worker-zcap0-1.service m=$methods
    else
        # Zeek's generator has no deploy (nor deploy-rolling).
        gen_bin=$reference worker_unit=zeek-worker-zcap0@1.service m=${methods//deploy-rolling/}
        m=${m//deploy/}
    fi
    # deploy edits local.zeek: a copy of the site dir, writable.
    rm -rf "$dir/site"
    cp -a "$prefix/share/zeek/site" "$dir/site"
    cat >"$dir/env" <<ENV
GEN=$gen
W=$w
ROUNDS=$rounds
SETTLE=$settle
POLL_MS=$poll_ms
METHODS="$m"
WORKER_UNIT=$worker_unit
ENV
    "$root/tests/systemd/nspawn-run" --result-dir "$dir/res" \
        --scenario "$here/blind-spot-scenario.sh" --timeout $((180 + rounds * 4 * 60)) \
        --bind-ro "$prefix/bin:/opt/zeek/bin" \
        --bind-ro "$prefix/lib:/opt/zeek/lib" \
        --bind-ro "$prefix/share:/opt/zeek/share" \
        --bind "$dir/site:/opt/zeek/share/zeek/site" \
        --bind-ro "$dir/zeek.conf:/etc/zeek/zeek.conf" \
        --bind-ro "$dir/zeek.conf:/opt/zeek/etc/zeek/zeek.conf" \
        --bind-ro "$dir/env:/etc/zeek-bench/env" \
        --bind-ro "$here/scenario-lib.sh:/etc/zeek-bench/lib.sh" \
        --bind-ro "$dir/bench-veth.service:/etc/systemd/system/bench-veth.service" \
        --bind-ro "$dir/setup-wants-veth.conf:/etc/systemd/system/zeek-setup.service.d/bench-veth.conf" \
        --bind-ro "$gen_bin:/etc/systemd/system-generators/zeek-systemd-generator" \
        --bind-ro "/dev/null:/etc/systemd/system/systemd-networkd-wait-online.service" \
        "${overlay[@]}" \
        >"$dir/nspawn.out" 2>&1 || status=$?
    rm -rf "$dir/site"
    [ -z "$keep" ] || cp -r "$dir" "$keep/"
    if [ "$status" != 0 ]; then
        echo "boot $gen W=$w #$n failed (nspawn-run exit $status):" >&2
        tail -n 25 "$dir/nspawn.out" >&2
        [ ! -f "$dir/res/scenario.log" ] || tail -n 15 "$dir/res/scenario.log" >&2
        return 1
    fi
}

# values GEN W METHOD [FIELD]: every measurement (field 5: blind seconds,
# 6: the command's own time) over the boots.
values() {
    cat "$work/$1-$2-"*/res/rounds.tsv 2>/dev/null | awk -v k="$3" -v f="${4:-5}" '$1 == k && $f != "NA" && $f != "" { print $f }'
}

# waits GEN W METHOD: per round, from the journal, the seconds from the
# last worker's stop to the first worker's start: what the workers wait for
# between (the rest of the blind spot is Zeek's own exit and start).
waits() {
    local dir t0 end
    for dir in "$work/$1-$2-"*/res; do
        awk -v m="$3" '$1 == m && $5 != "NA" { print $3, $4 }' "$dir/rounds.tsv" 2>/dev/null |
            while read -r t0 end; do
                grep -E 'systemd\[1\]: (Stopped|Starting) zeek(@worker|-worker)' "$dir/journal-unix.log" |
                    awk -v t0="$t0" -v e="$end" '{ t = $1 * 1e6 } t < t0 || t > e { next }
                        /Stopped/ { last = t } /Starting/ && !first { first = t }
                        END { if (last && first > last) printf "%.3f\n", (first - last) / 1e6 }'
            done
    done
}

# cell GEN W METHOD [FIELD]: median (min-max, n) of `values`; with FIELD
# "wait", of `waits`.
cell() {
    local vals n
    if [ "${4:-}" = wait ]; then vals=$(waits "$1" "$2" "$3"); else vals=$(values "$@"); fi
    n=$(printf '%s' "$vals" | grep -c . || true)
    if [ "$n" = 0 ]; then printf '%-24s' "-"; return; fi
    printf '%-24s' "$(echo "$vals" | median) ($(echo "$vals" | range), n=$n)"
}

# stranded GEN W: files left after each stop (median count; the names seen).
stranded_cell() {
    local counts
    counts=$(cat "$work/$1-$2-"*/res/stranded.tsv 2>/dev/null | cut -d' ' -f2)
    [ -n "$counts" ] || { printf '%-24s' "-"; return; }
    printf '%-24s' "$(echo "$counts" | median) ($(echo "$counts" | range), n=$(echo "$counts" | grep -c .))"
}

echo "blind-spot benchmark: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $("$bin" --version 2>/dev/null || echo "$bin")"
echo "systemd in the container: ${tree:-host /usr}; poll every ${poll_ms} ms; $boots boot(s) x $rounds round(s) per method"
failed=0
for w in $workers; do
    [ -z "$report" ] || break
    for ((n = 1; n <= boots; n++)); do
        for gen in $gens; do
            boot "$gen" "$w" "$n" || failed=1
            echo "  boot $gen W=$w #$n done (load average $(cut -d' ' -f1 /proc/loadavg))"
        done
    done
done

for w in $workers; do
    echo
    echo "== manager, logger, proxy, $w AF_PACKET workers on a veth ($(nproc) CPUs): seconds with no socket on the interface, median (min-max, n)"
    printf '%-34s %-24s  %-24s\n' method ours "Zeek's generator"
    for method in $methods; do
        printf '%-34s %s  %s\n' "$method" "$(cell ours "$w" "$method")" "$(cell zeek "$w" "$method")"
    done
    printf '%-34s %s  %s\n' "deploy: the command itself" "$(cell ours "$w" deploy 6)" "-"
    printf '%-34s %s  %s\n' "deploy --rolling: the command" "$(cell ours "$w" deploy-rolling 6)" "-"
    for method in $methods; do
        printf '%-34s %s  %s\n' "$method: workers wait" "$(cell ours "$w" "$method" wait)" "$(cell zeek "$w" "$method" wait)"
    done
    printf '%-34s %s  %s\n' "logs left after a stop (files)" "$(stranded_cell ours "$w")" "$(stranded_cell zeek "$w")"
    for gen in $gens; do
        note=$(cat "$work/$gen-$w-"*/res/restart-note 2>/dev/null | sort -u || true)
        [ -z "$note" ] || echo "  $gen: restart: $note"
        left=$(cat "$work/$gen-$w-"*/res/stranded.tsv 2>/dev/null | cut -d' ' -f3- | tr ' ' '\n' |
            sed 's/__[0-9-]*__[0-9-]*__/__T__T__/' | grep . | sort | uniq -c | awk '{ printf " %s x%s", $2, $1 }' || true)
        [ -z "$left" ] || echo "  $gen: left after the stops:$left"
    done
done
echo
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $failed
