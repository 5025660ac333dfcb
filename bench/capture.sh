#!/usr/bin/env bash
# Capture benchmark (issue 28, point 2): what the units cost a capturing
# worker. Per variant a real systemd (tests/systemd/nspawn-run, the host's
# 252 or --systemd-tree) boots a real Zeek (ZEEK_DIST) cluster: manager,
# logger, proxy and W AF_PACKET workers on zcap0, one end of a veth pair;
# inside (bench/capture-scenario.sh) tcpreplay replays a Zeek test trace
# (bench/traces/) into the other end at a fixed packet rate, then at top
# speed. Per worker: packets received, dropped and not processed (Zeek's
# own count at exit) and CPU seconds (systemd's CPUUsageNSec), summed over
# the workers as CPU seconds per million packets received.
#
# Variants: ours-strict, ours-basic, ours-off (our units from a cluster.toml
# with `hardening` at that level) and zeek (Zeek's generator's units from
# the same cluster as zeek.conf), boots alternating. Figures only.
#
# Needs root, systemd-nspawn, tcpreplay (Debian package), ZEEK_DIST and, for
# the zeek variant, ZEEK_REFERENCE_GENERATOR.
#
#   bench/capture.sh                      W = 2, 2 boots per variant
#   bench/capture.sh --quick              1 boot, ours-strict and zeek, short replays (CI smoke)
#   bench/capture.sh --boots N --workers W --pps N --loops-rate N --loops-top N
#   bench/capture.sh --variants "ours-strict zeek"
#   bench/capture.sh --bin PATH           another build of zeek-systemd
#   bench/capture.sh --keep DIR           keep every boot's results in DIR
#   bench/capture.sh --systemd-tree DIR   boot the systemd of DIR/usr
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
workers=2
boots=2
pps=20000
loops_rate=150
loops_top=2000
variants="ours-strict ours-basic ours-off zeek"
bin=""
keep=""
tree=""
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) boots=1 loops_rate=10 loops_top=100 variants="ours-strict zeek" ;;
        --workers) workers=$2; shift ;;
        --boots) boots=$2; shift ;;
        --pps) pps=$2; shift ;;
        --loops-rate) loops_rate=$2; shift ;;
        --loops-top) loops_top=$2; shift ;;
        --variants) variants=$2; shift ;;
        --bin) bin=$2; shift ;;
        --keep) keep=$2; shift ;;
        --systemd-tree) tree=$2; shift ;;
        -h | --help) sed -n '/^set -euo/q;2,$s/^# \{0,1\}//p' "$0"; exit 0 ;;
        *) echo "capture.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

# shellcheck source=bench/zeek-lib.sh
. "$here/zeek-lib.sh" capture.sh
prefix="" overlay=() reference="" work=""
require_nspawn
command -v tcpreplay >/dev/null || die "tcpreplay missing: apt-get install tcpreplay"
require_zeek_dist
[[ " $variants " != *" zeek "* ]] || set_reference
set_systemd_overlay "$tree"
set_bench_bin "$root"
set_zeek_prefix "$ZEEK_DIST" "$root/target/bench-zeek"
trace=$here/traces/http-methods.pcap

set_work

write_zeek_conf() {
    printf '[zeek]\nbase_dir = /opt/zeek\nmanager = 1\nloggers = 1\nproxies = 1\nargs = local ignore_checksums=T\n\n'
    printf '[interface zcap0]\ninterface = af_packet::zcap0\nworkers = %s\n' "$workers"
}
# $1: the hardening level.
write_cluster_toml() {
    cat <<TOML
[zeek]
prefix = "/opt/zeek"
spool_dir = "/opt/zeek/var/spool/zeek"
log_dir = "/opt/zeek/logs"
args = ["local", "ignore_checksums=T"]
hardening = "$1"

[logger]
count = 1

[proxy]
count = 1

[[interface]]
name = "zcap0"
capture = "af_packet::zcap0"
workers = $workers
TOML
}

# boot VARIANT N: one boot; results in $work/VARIANT-N/res.
boot() {
    local variant=$1 n=$2 dir gen_bin config status=0
    dir="$work/$variant-$n"
    mkdir -p "$dir"
    write_veth_unit >"$dir/bench-veth.service"
    printf '[Unit]\nWants=bench-veth.service\nAfter=bench-veth.service\n' >"$dir/setup-wants-veth.conf"
    printf 'W=%s\nPPS=%s\nLOOPS_RATE=%s\nLOOPS_TOP=%s\n' "$workers" "$pps" "$loops_rate" "$loops_top" >"$dir/env"
    if [ "$variant" = zeek ]; then
        gen_bin=$reference
        write_zeek_conf >"$dir/zeek.conf"
        config=(--bind-ro "$dir/zeek.conf:/etc/zeek/zeek.conf" --bind-ro "$dir/zeek.conf:/opt/zeek/etc/zeek/zeek.conf")
    else
        gen_bin=$bin
        write_cluster_toml "${variant#ours-}" >"$dir/cluster.toml"
        config=(--bind-ro "$dir/cluster.toml:/etc/zeek/cluster.toml")
    fi
    "$root/tests/systemd/nspawn-run" --result-dir "$dir/res" \
        --scenario "$here/capture-scenario.sh" --timeout 600 \
        --bind-ro "$prefix/bin:/opt/zeek/bin" \
        --bind-ro "$prefix/lib:/opt/zeek/lib" \
        --bind-ro "$prefix/share:/opt/zeek/share" \
        "${config[@]}" \
        --bind-ro "$trace:/etc/zeek-bench/trace.pcap" \
        --bind-ro "$dir/env:/etc/zeek-bench/env" \
        --bind-ro "$here/scenario-lib.sh:/etc/zeek-bench/lib.sh" \
        --bind-ro "$dir/bench-veth.service:/etc/systemd/system/bench-veth.service" \
        --bind-ro "$dir/setup-wants-veth.conf:/etc/systemd/system/zeek-setup.service.d/bench-veth.conf" \
        --bind-ro "$gen_bin:/etc/systemd/system-generators/zeek-systemd-generator" \
        --bind-ro "/dev/null:/etc/systemd/system/systemd-networkd-wait-online.service" \
        "${overlay[@]}" >"$dir/nspawn.out" 2>&1 || status=$?
    [ -z "$keep" ] || { mkdir -p "$keep" && cp -r "$dir" "$keep/"; }
    if [ "$status" != 0 ]; then
        echo "boot $variant #$n failed (nspawn-run exit $status):" >&2
        tail -n 25 "$dir/nspawn.out" >&2
        [ ! -f "$dir/res/scenario.log" ] || tail -n 15 "$dir/res/scenario.log" >&2
        return 1
    fi
}

echo "capture benchmark: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $("$bin" --version)"
echo "W=$workers; trace $(basename "$trace"); rate phase: $pps pps x $loops_rate loops; top speed: $loops_top loops; $boots boot(s) per variant"
failed=0
for ((n = 1; n <= boots; n++)); do
    for variant in $variants; do
        boot "$variant" "$n" || failed=1
        echo "  boot $variant #$n done (load average $(cut -d' ' -f1 /proc/loadavg))"
    done
done

# row VARIANT PHASE: received, dropped, not processed and CPU (sums over
# the workers and boots), CPU s per million received.
row() {
    cat "$work/$1-"*/res/phases.tsv 2>/dev/null | awk -v p="$2" '
        $1 == p && $4 != "NA" { cpu += $3; rec += $4; drop += $5; unp += $6; n++ }
        END {
            if (!n) { printf "%12s %10s %10s %8s %14s\n", "-", "-", "-", "-", "-"; exit }
            printf "%12d %10d %10d %8.2f %14.2f\n", rec, drop, unp, cpu / 1e9, (rec ? cpu / 1e9 / (rec / 1e6) : 0)
        }'
}
echo
echo "== W=$workers AF_PACKET workers on a veth: sums over the workers and boots"
printf '%-12s %-6s %12s %10s %10s %8s %14s\n' variant phase received dropped "not proc." "CPU s" "CPU s / Mpkt"
for variant in $variants; do
    for phase in rate top; do
        printf '%-12s %-6s %s\n' "$variant" "$phase" "$(row "$variant" "$phase")"
    done
done
echo
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $failed
