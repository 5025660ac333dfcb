#!/usr/bin/env bash
# Cluster benchmark: a real Zeek cluster under our units and under Zeek's own
# generator, side by side (issue 20). See bench/README.md.
#
# Each generator boots a real systemd (tests/systemd/nspawn-run: the host's,
# 252 on Debian 12, or another from --systemd-tree) with the
# same zeek.conf (a manager, a logger, a proxy and W AF_PACKET workers on lo,
# `local` loaded) and measures, from the logger's cluster.log (Zeek's own
# timestamps of "got hello from NODE"):
#   formation  zeek-setup starts -> the logger has heard every other node
#   restart    `systemctl restart zeek.target` -> every node heard again
#   rejoin     `kill -9` of a worker -> the logger hears it again
#   stop       `systemctl stop zeek.target` -> every unit inactive
# ROUNDS times each per boot; BOOTS boots per generator and worker count,
# alternating the generators. Prints medians, ranges and ours/Zeek's, the
# busy% of other processes, and a breakdown of one formation from the
# journal. Figures only: nothing is asserted.
#
# Needs root, systemd-nspawn, ZEEK_DIST (a Zeek 8.1+ tarball or prefix) and
# ZEEK_REFERENCE_GENERATOR (Zeek's zeek-systemd-generator, prefix /opt/zeek).
#
#   bench/cluster.sh                    W = 2 and 4 (4 > 2 CPUs), 2 boots x 5 rounds
#   bench/cluster.sh --quick            W = 2, 1 boot x 2 rounds (CI smoke)
#   bench/cluster.sh --workers "2 4" --boots 3 --rounds 5
#   bench/cluster.sh --bin PATH         another build of zeek-systemd
#   bench/cluster.sh --only ours|zeek   one generator
#   bench/cluster.sh --keep DIR         keep every boot's results in DIR
#   bench/cluster.sh --report DIR       only print the tables of a --keep DIR
#   bench/cluster.sh --rejoin-reset     reset-failed the killed unit before each kill
#                                       (systemd 254's back-off then starts afresh)
#   bench/cluster.sh --systemd-tree DIR boot the systemd of DIR/usr (an overlay over
#                                       /usr; bench/systemd-tree.sh 254 makes one)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
workers="2 4"
boots=2
rounds=5
settle=2
bin=""
only=""
keep=""
report=""
tree=""
rejoin_reset=""
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) workers="2" boots=1 rounds=2 settle=1 ;;
        --workers) workers=$2; shift ;;
        --boots) boots=$2; shift ;;
        --rounds) rounds=$2; shift ;;
        --settle) settle=$2; shift ;;
        --bin) bin=$2; shift ;;
        --only) only=$2; shift ;;
        --keep) keep=$2; shift ;;
        --report) report=$2; shift ;;
        --systemd-tree) tree=$2; shift ;;
        --rejoin-reset) rejoin_reset=1 ;;
        -h | --help) sed -n '/^set -euo/q;2,$s/^# \{0,1\}//p' "$0"; exit 0 ;;
        *) echo "cluster.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

# shellcheck source=bench/zeek-lib.sh
. "$here/zeek-lib.sh" cluster.sh
prefix="" overlay=() reference="" work=""
require_nspawn
[ -x /usr/bin/time ] || die "/usr/bin/time missing: apt-get install time"
require_zeek_dist
case "$only" in
    "") gens="ours zeek" ;;
    ours | zeek) gens=$only ;;
    *) die "--only takes ours or zeek" ;;
esac
set_systemd_overlay "$tree"
[[ $gens != *zeek* ]] || set_reference
if [ -n "$report" ]; then
    work=$report
    bin=${bin:-${CARGO_TARGET_DIR:-$root/target}/release/zeek-systemd}
    [ -x "$bin" ] || die "$bin is not an executable"
else
    set_bench_bin "$root"
    set_work
fi
set_zeek_prefix "$ZEEK_DIST" "$root/target/bench-zeek"
[ -z "$keep" ] || mkdir -p "$keep"

# Jiffies busy and total over all CPUs, from /proc/stat.
cpu_jiffies() {
    local user nice system idle iowait irq softirq steal
    read -r _ user nice system idle iowait irq softirq steal _ </proc/stat
    echo "$((user + nice + system + irq + softirq + steal)) $((user + nice + system + idle + iowait + irq + softirq + steal))"
}

# Percent of all CPUs busy over half a second before a boot.
busy_now() {
    local b1 t1 b2 t2
    read -r b1 t1 < <(cpu_jiffies)
    sleep 0.5
    read -r b2 t2 < <(cpu_jiffies)
    echo $((100 * (b2 - b1) / (t2 - t1 > 0 ? t2 - t1 : 1)))
}

# $1 = W: the zeek.conf both generators read.
write_conf() {
    cat <<CONF
[zeek]
base_dir = /opt/zeek
manager = 1
loggers = 1
proxies = 1
args = local ignore_checksums=T

[interface lo]
interface = af_packet::lo
workers = $1
workers_cpu_list = 0,1
CONF
}

# boot GEN W N: one boot; results in $work/GEN-W-N/res.
boot() {
    local gen=$1 w=$2 n=$3 dir nodes i gen_bin kill_unit
    dir="$work/$gen-$w-$n"
    mkdir -p "$dir"
    write_conf "$w" >"$dir/zeek.conf"
    nodes="manager logger-1 proxy-1"
    for ((i = 1; i <= w; i++)); do nodes+=" worker-lo-$i"; done
    if [ "$gen" = ours ]; then
        gen_bin=$bin kill_unit=zeek@worker-lo-1.service
    else
        gen_bin=$reference kill_unit=zeek-worker-lo@1.service
    fi
    cat >"$dir/env" <<ENV
GEN=$gen
ROUNDS=$rounds
SETTLE=$settle
NODES="$nodes"
KILL_UNIT=$kill_unit
KILL_NODE=worker-lo-1
REJOIN_RESET=$rejoin_reset
ENV
    local before b1 t1 b2 t2 cpu status=0
    before=$(busy_now)
    read -r b1 t1 < <(cpu_jiffies)
    # GNU time: CPU of the whole container (every process is reaped by
    # its parent up to nspawn-run), to tell our load from others'.
    /usr/bin/time -f '%U %S' -o "$dir/cpu" \
        "$root/tests/systemd/nspawn-run" --result-dir "$dir/res" \
        --scenario "$here/cluster-scenario.sh" --timeout $((120 + rounds * 3 * 60)) \
        --bind-ro "$prefix/bin:/opt/zeek/bin" \
        --bind-ro "$prefix/lib:/opt/zeek/lib" \
        --bind-ro "$prefix/share:/opt/zeek/share" \
        --bind-ro "$dir/zeek.conf:/etc/zeek/zeek.conf" \
        --bind-ro "$dir/zeek.conf:/opt/zeek/etc/zeek/zeek.conf" \
        --bind-ro "$dir/env:/etc/zeek-bench/env" \
        --bind-ro "$here/scenario-lib.sh:/etc/zeek-bench/lib.sh" \
        --bind-ro "$gen_bin:/etc/systemd/system-generators/zeek-systemd-generator" \
        --bind-ro "/dev/null:/etc/systemd/system/systemd-networkd-wait-online.service" \
        "${overlay[@]}" \
        >"$dir/nspawn.out" 2>&1 || status=$?
    read -r b2 t2 < <(cpu_jiffies)
    cpu=$(awk 'NF == 2 && $1 ~ /^[0-9.]+$/ { c = $1 + $2 } END { printf "%.1f", c }' "$dir/cpu")
    # Others' share of all CPUs during the boot: all busy time minus ours.
    awk -v before="$before" -v b="$((b2 - b1))" -v t="$((t2 - t1))" -v hz="$(getconf CLK_TCK)" -v cpu="$cpu" \
        'BEGIN { o = b / hz - cpu; if (o < 0) o = 0; printf "%s %.0f %s\n", before, 100 * o / (t / hz), cpu }' >"$dir/load"
    if [ "$status" != 0 ]; then
        echo "boot $gen W=$w #$n failed (nspawn-run exit $status):" >&2
        tail -n 25 "$dir/nspawn.out" >&2
        [ -z "$keep" ] || cp -r "$dir" "$keep/"
        return 1
    fi
    [ -z "$keep" ] || cp -r "$dir" "$keep/"
}


# values GEN W KIND: every measurement of KIND over the boots.
values() {
    cat "$work/$1-$2-"*/res/rounds.tsv 2>/dev/null | awk -v k="$3" '$1 == k && $5 != "NA" { print $5 }'
}

cell() {
    local vals n
    vals=$(values "$1" "$2" "$3")
    n=$(printf '%s' "$vals" | grep -c . || true)
    if [ "$n" = 0 ]; then printf '%-22s' "-"; return; fi
    printf '%-22s' "$(echo "$vals" | median) ($(echo "$vals" | range), n=$n)"
}

ratio() {
    local a b
    a=$(values ours "$1" "$2" | median)
    b=$(values zeek "$1" "$2" | median)
    if [ "$a" = NA ] || [ "$b" = NA ] || [ -z "$a" ] || [ -z "$b" ]; then echo "-"; return; fi
    awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", a / b }'
}

# breakdown GEN W: the journal of the median formation of the first boot,
# relative to its start: what started when, and when each hello came.
breakdown() {
    local dir="$work/$1-$2-1/res" line t0 end round
    [ -s "$dir/rounds.tsv" ] || return 0
    # The formation round whose time is the median.
    line=$(awk '$1 == "formation" && $5 != "NA"' "$dir/rounds.tsv" | sort -k5n | awk '{ l[NR] = $0 } END { if (NR) print l[int((NR + 1) / 2)] }')
    [ -n "$line" ] || return 0
    read -r _ round t0 end _ <<<"$line"
    echo "  $1, W=$2, formation round $round ($(echo "$line" | cut -d' ' -f5) s), seconds from zeek-setup's start:"
    awk -v t0="$t0" -v end="$end" '
        { split($1, t, "."); ts = t[1] * 1000000 + t[2] }
        ts >= t0 && ts <= end && $3 ~ /^systemd\[1\]:/ && $0 ~ /zeek/ &&
        ($4 == "Starting" || $4 == "Started" || $4 == "Finished") {
            msg = $4 " " $5; printf "    %7.3f  %s\n", (ts - t0) / 1e6, msg
        }' "$dir/journal-unix.log"
    awk -v r="$round" -v t0="$t0" '$1 == "formation" && $2 == r { printf "    %7.3f  logger-1 got hello from %s\n", ($4 - t0) / 1e6, $3 }' "$dir/hellos.tsv"
}

echo "cluster benchmark: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $("$bin" --version)"
echo "Zeek: $("$prefix/bin/zeek" --version 2>/dev/null || echo '?'); reference generator: ${reference:-none}"
echo "systemd in the container: ${tree:-host /usr}"
[ -z "$rejoin_reset" ] || echo "rejoin: reset-failed before each kill"
echo "$boots boot(s) per generator and worker count, $rounds rounds per boot, ${settle}s settle"
failed=0
for w in $workers; do
    [ -z "$report" ] || break
    for ((n = 1; n <= boots; n++)); do
        for gen in $gens; do
            boot "$gen" "$w" "$n" || failed=1
            read -r before during cpu <"$work/$gen-$w-$n/load"
            echo "  boot $gen W=$w #$n: busy% of others before $before, during ~$during; container CPU ${cpu}s"
            [ ! -s "$work/$gen-$w-$n/res/systemd.txt" ] || sed 's/^/    /' "$work/$gen-$w-$n/res/systemd.txt"
        done
    done
done

for w in $workers; do
    echo
    echo "== manager, logger, proxy, $w AF_PACKET workers on lo ($(nproc) CPUs): seconds, median (min-max, n)"
    printf '%-34s %-22s  %-22s  %s\n' metric ours "Zeek's generator" ours/Zeek
    for kind in formation restart rejoin stop boot; do
        [ -n "$(values ours "$w" "$kind")$(values zeek "$w" "$kind")" ] || continue
        case $kind in
            formation) label="formation (setup start->last hello)" ;;
            restart) label="restart zeek.target -> whole" ;;
            rejoin) label="rejoin after kill -9 of a worker" ;;
            stop) label="stop zeek.target -> all inactive" ;;
            boot) label="formation at boot" ;;
        esac
        printf '%-34s %s  %s  %s\n' "$label" "$(cell ours "$w" "$kind")" "$(cell zeek "$w" "$kind")" "$(ratio "$w" "$kind")"
    done
    # Rejoin per kill: on systemd 254 the k-th kill since the last start
    # waits the k-th step of the back-off (unless --rejoin-reset).
    for gen in $gens; do
        per=$(cat "$work/$gen-$w-"*/res/rounds.tsv 2>/dev/null | awk '$1 == "rejoin" && $5 != "NA" { v[$2] = v[$2] " " $5 } END { for (r = 1; r in v; r++) printf " kill %d:%s;", r, v[r] }')
        [ -z "$per" ] || echo "  $gen: rejoin by kill since the last start${rejoin_reset:+ (each after reset-failed)} (s):$per"
    done
    for gen in $gens; do
        note=$(cat "$work/$gen-$w-"*/res/restart-note 2>/dev/null | sort -u || true)
        [ -z "$note" ] || echo "  $gen: restart = $note"
    done
    for gen in $gens; do
        printf '  %s: busy%% of others before each boot: %s; during: %s\n' "$gen" \
            "$(cat "$work/$gen-$w-"*/load | cut -d' ' -f1 | paste -sd' ')" \
            "$(cat "$work/$gen-$w-"*/load | cut -d' ' -f2 | paste -sd' ')"
    done
    echo "breakdown (systemd's journal and Zeek's hello timestamps):"
    for gen in $gens; do breakdown "$gen" "$w"; done
done
echo
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $failed
