#!/usr/bin/env bash
# Crash-loop cost of our units with a real Zeek: a worker whose capture
# interface does not exist (it loads `local`, then fails at every start),
# restarted by its unit for SECONDS. Prints the restarts, the CPU of the
# workers slice (the failing node only), of PID 1 and journald, and the
# delay before each restart (from the unit's journal). See bench/README.md
# ("Crash loop").
#
# Needs root, systemd-nspawn and ZEEK_DIST (a Zeek tarball or prefix).
#
#   bench/crash-loop.sh                          60 s, the generator's default RestartSec
#   bench/crash-loop.sh --seconds 40 --restart-sec 1s   a drop-in with RestartSec=1s
#   bench/crash-loop.sh --systemd-tree DIR       boot the systemd of DIR/usr
#                                                (bench/systemd-tree.sh 254)
#   bench/crash-loop.sh --bin PATH --keep DIR
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
seconds=60
settle=8
restart_sec=""
bin=""
tree=""
keep=""
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds=$2; shift ;;
        --settle) settle=$2; shift ;;
        --restart-sec) restart_sec=$2; shift ;;
        --bin) bin=$2; shift ;;
        --systemd-tree) tree=$2; shift ;;
        --keep) keep=$2; shift ;;
        -h | --help) sed -n '/^set -euo/q;2,$s/^# \{0,1\}//p' "$0"; exit 0 ;;
        *) echo "crash-loop.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

# shellcheck source=bench/zeek-lib.sh
. "$here/zeek-lib.sh" crash-loop.sh
prefix="" overlay=() work=""
require_nspawn
require_zeek_dist
set_bench_bin "$root"
set_systemd_overlay "$tree"
set_zeek_prefix "$ZEEK_DIST" "$root/target/bench-zeek"
set_work

cat >"$work/zeek.conf" <<CONF
[zeek]
base_dir = /opt/zeek
manager = 1
loggers = 1
proxies = 1
args = local ignore_checksums=T

[interface nosuch0]
interface = af_packet::nosuch0
workers = 1
workers_cpu_list = 0,1
CONF
cat >"$work/env" <<ENV
DURATION=$seconds
SETTLE=$settle
ENV
binds=()
if [ -n "$restart_sec" ]; then
    mkdir -p "$work/dropin"
    printf '[Service]\nRestartSec=%s\n' "$restart_sec" >"$work/dropin/90-bench.conf"
    binds=(--bind-ro "$work/dropin:/etc/systemd/system/zeek@worker-nosuch0-1.service.d")
fi

echo "crash loop: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $("$bin" --version)"
echo "systemd in the container: ${tree:-host /usr}; RestartSec drop-in: ${restart_sec:-none}; ${seconds}s"
status=0
"$root/tests/systemd/nspawn-run" --result-dir "$work/res" \
    --scenario "$here/crash-loop-scenario.sh" --timeout $((seconds + settle + 100)) \
    --bind-ro "$prefix/bin:/opt/zeek/bin" \
    --bind-ro "$prefix/lib:/opt/zeek/lib" \
    --bind-ro "$prefix/share:/opt/zeek/share" \
    --bind-ro "$work/zeek.conf:/etc/zeek/zeek.conf" \
    --bind-ro "$work/env:/etc/zeek-bench/env" \
    --bind-ro "$here/scenario-lib.sh:/etc/zeek-bench/lib.sh" \
    --bind-ro "$bin:/etc/systemd/system-generators/zeek-systemd-generator" \
    --bind-ro "/dev/null:/etc/systemd/system/systemd-networkd-wait-online.service" \
    "${binds[@]}" "${overlay[@]}" >"$work/nspawn.out" 2>&1 || status=$?
[ -z "$keep" ] || { mkdir -p "$keep" && cp -r "$work/res" "$work/nspawn.out" "$keep/"; }
if [ "$status" != 0 ]; then
    tail -n 25 "$work/nspawn.out" >&2
    die "nspawn-run exit $status"
fi
sed 's/^/  /' "$work/res/systemd.txt"
# shellcheck disable=SC1091 # written by the scenario
b() { (. "$work/res/before.txt" && eval "echo \$$1"); }
# shellcheck disable=SC1091
a() { (. "$work/res/after.txt" && eval "echo \$$1"); }
awk -v r0="$(b restarts)" -v r1="$(a restarts)" -v c0="$(b slice_cpu)" -v c1="$(a slice_cpu)" \
    -v p0="$(b pid1_cpu)" -v p1="$(a pid1_cpu)" -v j0="$(b journald_cpu)" -v j1="$(a journald_cpu)" \
    -v a0="$(b all_cpu)" -v a1="$(a all_cpu)" -v t0="$(b t)" -v t1="$(a t)" 'BEGIN {
        t = t1 - t0
        printf "  over %.1f s: %d restarts; workers slice CPU %.1f s (%.0f%% of one CPU); PID 1 %.2f s, journald %.2f s; whole container %.1f s\n",
            t, r1 - r0, c1 - c0, 100 * (c1 - c0) / t, p1 - p0, j1 - j0, a1 - a0
    }'
# The delay before each restart: from a failure ("Failed with result" or
# "Main process exited") to the next "Started".
awk '
    { split($1, s, "."); ts = s[1] + ("0." s[2]) }
    /Main process exited|Failed with result/ { if (!down) down = ts }
    / Started / && down { printf "%.2f ", ts - down; down = 0 }
    END { print "" }' "$work/res/crash-journal.log" | sed 's/^/  delay failure -> next start (s): /'
