#!/usr/bin/env bash
# Formation benchmark, the sandbox's share (issue 28, point 4): what each
# directive of the strict sandbox adds to the start of a process. /bin/true
# is started as a transient service (`systemd-run --wait`) in a booted
# container (tests/systemd/nspawn-run: the host's systemd as PID 1), with no
# sandbox, with the whole strict set of a worker's unit (templates/zeek@.service,
# hardening-strict.inc, the worker lines of zeek@node.conf), with each
# directive alone, and with the strict set less each directive; the sets
# interleaved round by round (bench/sandbox-cost-scenario.sh). Prints per
# set the median start time and what it adds: alone over no sandbox, and
# (the marginal cost) the strict set over the strict set without it.
# Figures only. See bench/README.md ("Sandbox cost").
#
# Needs root and systemd-nspawn; no Zeek.
#
#   bench/sandbox-cost.sh                 200 runs per set
#   bench/sandbox-cost.sh --quick         5 runs per set, alone only (CI smoke)
#   bench/sandbox-cost.sh --runs N
#   bench/sandbox-cost.sh --keep DIR      keep the runs in DIR
#   bench/sandbox-cost.sh --systemd-tree DIR  boot the systemd of DIR/usr
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
runs=200
leave_one_out=1
keep=""
tree=""
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) runs=5 leave_one_out=0 ;;
        --runs) runs=$2; shift ;;
        --keep) keep=$2; shift ;;
        --systemd-tree) tree=$2; shift ;;
        -h | --help) sed -n '/^set -euo/q;2,$s/^# \{0,1\}//p' "$0"; exit 0 ;;
        *) echo "sandbox-cost.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

# shellcheck source=bench/zeek-lib.sh
. "$here/zeek-lib.sh" sandbox-cost.sh
overlay=() work=""
require_nspawn
[[ $runs =~ ^[0-9]+$ && $runs -ge 1 ]] || die "--runs takes a positive number"
set_systemd_overlay "$tree"

# The strict sandbox of a worker, one directive a line (the file system
# lines with the spool dir a scratch dir here).
strict=(
    ProtectSystem=strict ReadWritePaths=/var/lib/zeek-bench ProtectHome=yes PrivateTmp=yes
    PrivateDevices=yes PrivateMounts=yes ProtectKernelTunables=yes ProtectKernelModules=yes
    ProtectKernelLogs=yes ProtectControlGroups=yes ProtectClock=yes ProtectHostname=yes
    ProtectProc=invisible ProcSubset=pid NoNewPrivileges=yes RestrictNamespaces=yes
    RestrictRealtime=yes RestrictSUIDSGID=yes LockPersonality=yes MemoryDenyWriteExecute=yes
    RemoveIPC=yes KeyringMode=private UMask=0027 CapabilityBoundingSet=CAP_NET_RAW
    AmbientCapabilities=CAP_NET_RAW RestrictAddressFamilies=AF_PACKET
    "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK"
    SystemCallArchitectures=native SystemCallFilter=@system-service "SystemCallFilter=~@privileged"
)
# -p arguments for a list of directives (a value with spaces stays one
# word: systemd-run takes each -p as one assignment; spaces become \x20 for
# the scenario's word splitting and are put back by printf %b there).
p_args() {
    local d out=""
    for d in "$@"; do out+=" -p ${d// /\\x20}"; done
    echo "$out"
}
set_work
{
    echo "none"
    echo "strict $(p_args "${strict[@]}")"
    for i in "${!strict[@]}"; do
        echo "alone:${strict[$i]// /_} $(p_args "${strict[$i]}")"
        ((leave_one_out)) || continue
        echo "without:${strict[$i]// /_} $(p_args "${strict[@]:0:i}" "${strict[@]:i+1}")"
    done
} >"$work/sets"
echo "RUNS=$runs" >"$work/env"

echo "sandbox cost: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg); $runs runs per set"
echo "systemd in the container: ${tree:-host /usr} ($(systemctl --version | head -n 1))"
status=0
"$root/tests/systemd/nspawn-run" --result-dir "$work/res" \
    --scenario "$here/sandbox-cost-scenario.sh" --timeout $((120 + runs * 30)) \
    --bind-ro "$work/env:/etc/zeek-bench/env" \
    --bind-ro "$work/sets:/etc/zeek-bench/sets" \
    "${overlay[@]}" >"$work/nspawn.out" 2>&1 || status=$?
[ -z "$keep" ] || { mkdir -p "$keep" && cp -r "$work/res" "$work/sets" "$work/nspawn.out" "$keep/"; }
if [ "$status" != 0 ]; then
    tail -n 25 "$work/nspawn.out" >&2
    die "nspawn-run exit $status"
fi
if [ -s "$work/res/errors.log" ]; then
    echo "errors:" && sort "$work/res/errors.log" | uniq -c | head -n 20
fi
# median_ms SET: the median start time of SET in ms.
median_ms() {
    awk -v s="$1" '$1 == s { print $3 / 100 }' "$work/res/runs.tsv" | sort -n |
        awk '{ v[NR] = $1 } END { if (!NR) { print "NA"; exit } if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
none=$(median_ms none)
all=$(median_ms strict)
echo
echo "== /bin/true as a transient service, median ms per start ($runs runs per set)"
printf '%-52s %8s %10s %12s\n' set "ms" "alone +ms" "marginal ms"
printf '%-52s %8s\n' "no sandbox" "$none"
printf '%-52s %8s %10s\n' "strict (a worker's whole set)" "$all" "$(awk -v a="$all" -v b="$none" 'BEGIN { printf "%+.2f", a - b }')"
for d in "${strict[@]}"; do
    key=${d// /_}
    alone=$(median_ms "alone:$key")
    marginal="-"
    if ((leave_one_out)); then
        marginal=$(awk -v a="$all" -v b="$(median_ms "without:$key")" 'BEGIN { printf "%+.2f", a - b }')
    fi
    printf '%-52s %8s %10s %12s\n' "$d" "$alone" "$(awk -v a="$alone" -v b="$none" 'BEGIN { printf "%+.2f", a - b }')" "$marginal"
done
echo
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
