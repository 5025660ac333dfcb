#!/usr/bin/env bash
# Boot-path benchmark of the generator (zeek-systemd run as systemd runs it, SPEC 4.5).
#
# For each N it writes a config with a manager, 4 loggers, 4 proxies and N
# workers pinned over a CPU list with a templated env var, then runs the
# generator the way systemd does (SYSTEMD_SCOPE=system, one NORMAL dir) into
# a fresh empty dir on a tmpfs, as /run/systemd/generator is. It prints one
# table row per config: median wall time of the whole process, user+sys
# time, peak RSS, how many files, dirs and links were written, and how busy
# the machine was (other processes) just before the row was measured.
#
# Tools: hyperfine, GNU time (/usr/bin/time), jq, find; all from Debian
# (apt-get install -y hyperfine time jq).
#
#   bench/run.sh                 N = 8 64 1024 8192, TOML and zeek.conf
#   bench/run.sh --quick         N = 8 only, a few runs (CI smoke)
#   bench/run.sh --bin PATH      bench another build (default: cargo build --release)
#   bench/run.sh --sizes "8 64"  other sizes
#   bench/run.sh --format toml   only one input format (toml | zeekconf | both)
#
# With ZEEK_REFERENCE_GENERATOR set (Zeek's C++ zeek-systemd-generator), every
# zeek.conf row is followed by the same measurement of Zeek's generator on the
# same file ("zeek-gen") and the ratio of the medians (ours / Zeek's).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
sizes="8 64 1024 8192"
formats="toml zeekconf"
bin=""
quick=0
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) quick=1; sizes="8" ;;
        --bin) bin=$2; shift ;;
        --sizes) sizes=$2; shift ;;
        --format)
            case "$2" in
                both) formats="toml zeekconf" ;;
                toml|zeekconf) formats=$2 ;;
                *) echo "run.sh: --format takes toml, zeekconf or both" >&2; exit 2 ;;
            esac
            shift ;;
        -h|--help) sed -n '/^set -euo/q;2,$s/^# \{0,1\}//p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

for tool in hyperfine jq /usr/bin/time; do
    command -v "$tool" >/dev/null || {
        echo "run.sh: $tool is missing: apt-get install -y hyperfine jq time" >&2
        exit 2
    }
done

if [ -z "$bin" ]; then
    cargo build --release --quiet --manifest-path "$root/Cargo.toml"
    target_dir=$(cargo metadata --format-version 1 --no-deps --manifest-path "$root/Cargo.toml" | jq -r .target_directory)
    bin="$target_dir/release/zeek-systemd"
fi
[ -x "$bin" ] || { echo "run.sh: $bin is not an executable" >&2; exit 2; }

work=$(mktemp -d /tmp/bench-zeek-systemd.XXXXXX)
mounted=0
shm=""
# shellcheck disable=SC2317 # called by the trap
cleanup() {
    if [ "$mounted" = 1 ]; then umount "$work/out" || true; fi
    rm -rf "$work"
    if [ -n "$shm" ]; then rm -rf "$shm"; fi
}
trap cleanup EXIT
mkdir "$work/out"
# /run is a tmpfs; so is the output dir here. Without root (no mount), fall
# back to /dev/shm, also a tmpfs on Debian.
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=1g,mode=0755 tmpfs "$work/out" 2>/dev/null; then
    mounted=1
    outroot="$work/out"
else
    shm=$(mktemp -d /dev/shm/bench-zeek-systemd.XXXXXX)
    outroot=$shm
    echo "note: cannot mount a tmpfs (not root?), output on $outroot" >&2
fi
out="$outroot/generator"
# hyperfine --shell=none runs --prepare without a shell too.
printf '#!/bin/sh\nrm -rf "%s" && mkdir "%s"\n' "$out" "$out" >"$work/fresh-dir"
chmod +x "$work/fresh-dir"

# $1 = format, $2 = N; prints the config path.
write_config() {
    local format=$1 n=$2 file
    case "$format" in
        toml)
            file="$work/cluster-$n.toml"
            cat >"$file" <<TOML
[zeek]
prefix = "/opt/zeek"

[logger]
count = 4

[proxy]
count = 4

[[interface]]
name = "eth1"
capture = "af_packet::eth1"
workers = $n
cpus = "2-127"
env = { WORKER_CPU = "\${worker_cpu}" }
TOML
            ;;
        zeekconf)
            file="$work/zeek-$n.conf"
            cat >"$file" <<CONF
[zeek]
base_dir = /opt/zeek
manager = 1
loggers = 4
proxies = 4

[interface eth1]
interface = af_packet::eth1
workers = $n
workers_cpu_list = 2-127
worker_env = WORKER_CPU=\${worker_cpu}
CONF
            ;;
    esac
    echo "$file"
}

export SYSTEMD_SCOPE=system
# Messages (there should be none) to stderr, not the host's kernel log.
export ZEEK_SYSTEMD_LOG=stderr

# Runs per row: small configs take a few ms, so many runs (the median of
# 200 is steady to ~0.05 ms); big ones take a tenth of a second each.
runs_for() {
    if [ "$quick" = 1 ]; then
        echo "--warmup 2 --runs 5"
    elif [ "$1" -le 64 ]; then
        echo "--warmup 20 --min-runs 200"
    elif [ "$1" -le 1024 ]; then
        echo "--warmup 10 --min-runs 50"
    else
        echo "--warmup 3 --min-runs 30"
    fi
}

# Percent of all CPUs busy over half a second (nothing of ours runs then):
# other engineers' builds or fuzzers inflate wall times, not CPU times.
busy_percent() {
    local user nice system idle iowait irq softirq steal t1 i1 t2 i2
    read -r _ user nice system idle iowait irq softirq steal _ </proc/stat
    t1=$((user + nice + system + idle + iowait + irq + softirq + steal)) i1=$((idle + iowait))
    sleep 0.5
    read -r _ user nice system idle iowait irq softirq steal _ </proc/stat
    t2=$((user + nice + system + idle + iowait + irq + softirq + steal)) i2=$((idle + iowait))
    if [ $((t2 - t1)) -le 0 ]; then echo 0; else echo $((100 * ((t2 - t1) - (i2 - i1)) / (t2 - t1))); fi
}

# Wait (up to 2 minutes) for other work to end before a row; prints the
# busy% then.
wait_idle() {
    local busy waited=0
    busy=$(busy_percent)
    while [ "$quick" = 0 ] && [ "$busy" -gt 10 ] && [ "$waited" -lt 120 ]; do
        sleep 2
        waited=$((waited + 2))
        busy=$(busy_percent)
    done
    echo "$busy"
}

# bench_reference CONFIG N OUR_MEDIAN: the same row for Zeek's generator
# (`zeek-systemd-generator --config FILE OUTDIR`), then ours / Zeek's.
bench_reference() {
    local config=$1 n=$2 ours=$3 ref=$ZEEK_REFERENCE_GENERATOR r median usersys busy rss=0
    rm -rf "$out" && mkdir "$out"
    if ! "$ref" --config "$config" "$out" >/dev/null 2>"$work/stderr"; then
        printf '%-8s %6s  FAILED: %s\n' zeek-gen "$n" "$(head -c 200 "$work/stderr" | tr '\n' ' ')"
        return 1
    fi
    for _ in 1 2 3; do
        rm -rf "$out" && mkdir "$out"
        r=$(/usr/bin/time -f '%M' "$ref" --config "$config" "$out" 2>&1 >/dev/null | tail -n 1)
        [ "$r" -gt "$rss" ] && rss=$r
    done
    busy=$(wait_idle)
    [ "$busy" -gt "$busiest" ] && busiest=$busy
    # shellcheck disable=SC2046 # runs_for prints separate options
    hyperfine --style none --shell=none $(runs_for "$n") \
        --prepare "$work/fresh-dir" --export-json "$work/hf.json" \
        "$ref --config $config $out" >"$work/hf.out" 2>&1 || return 1
    read -r median usersys < <(jq -r '.results[0] | "\(.median * 1000) \((.user + .system) * 1000)"' "$work/hf.json")
    printf '%-8s %6s  %14.2f  %12.2f  %12s  %6s %6s %6s  %5s   ours/Zeek %.2f\n' \
        zeek-gen "$n" "$median" "$usersys" "$rss" \
        "$(find "$out" -type f | wc -l)" "$(find "$out" -mindepth 1 -type d | wc -l)" \
        "$(find "$out" -type l | wc -l)" "$busy" "$(jq -n "$ours / $median")"
}

# Other work on the machine shows up in wall times: say how busy it was.
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs, $("$bin" --version)"
printf '%-8s %6s  %14s  %12s  %12s  %6s %6s %6s  %5s\n' \
    input N "median wall ms" "user+sys ms" "peak RSS KiB" files dirs links "busy%"
busiest=0
status=0
for format in $formats; do
    for n in $sizes; do
        config=$(write_config "$format" "$n")
        # One checked run first: a config this build cannot read is a
        # failed row, not a benchmark of an error path.
        rm -rf "$out" && mkdir "$out"
        if ! "$bin" --config "$config" "$out" 2>"$work/stderr"; then
            printf '%-8s %6s  FAILED: %s\n' "$format" "$n" "$(head -c 200 "$work/stderr" | tr '\n' ' ')"
            status=1
            continue
        fi
        files=$(find "$out" -type f | wc -l)
        dirs=$(find "$out" -mindepth 1 -type d | wc -l)
        links=$(find "$out" -type l | wc -l)
        # Peak RSS: the largest of a few runs (GNU time reports KiB).
        rss=0
        for _ in 1 2 3; do
            rm -rf "$out" && mkdir "$out"
            r=$(/usr/bin/time -f '%M' "$bin" --config "$config" "$out" 2>&1 >/dev/null | tail -n 1)
            [ "$r" -gt "$rss" ] && rss=$r
        done
        busy=$(wait_idle)
        [ "$busy" -gt "$busiest" ] && busiest=$busy
        # shellcheck disable=SC2046 # runs_for prints separate options
        hyperfine --style none --shell=none $(runs_for "$n") \
            --prepare "$work/fresh-dir" \
            --export-json "$work/hf.json" \
            "$bin --config $config $out" >"$work/hf.out" 2>&1 || {
                printf '%-8s %6s  FAILED: hyperfine: %s\n' "$format" "$n" "$(tail -n 3 "$work/hf.out" | tr '\n' ' ')"
                status=1
                continue
            }
        read -r median usersys < <(jq -r '.results[0] | "\(.median * 1000) \((.user + .system) * 1000)"' "$work/hf.json")
        printf '%-8s %6s  %14.2f  %12.2f  %12s  %6s %6s %6s  %5s\n' \
            "$format" "$n" "$median" "$usersys" "$rss" "$files" "$dirs" "$links" "$busy"
        if [ "$format" = zeekconf ] && [ -n "${ZEEK_REFERENCE_GENERATOR:-}" ]; then
            bench_reference "$config" "$n" "$median" || status=1
        fi
    done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$busiest" -gt 10 ]; then
    echo "note: other processes kept the CPUs up to $busiest% busy before a row; wall times" \
        "are inflated. Re-run when the machine is idle." >&2
fi
exit $status
