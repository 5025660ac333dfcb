#!/bin/bash
# bench/cluster-deploy.sh: how long `zeek-systemd deploy` of a one-line
# change to local.zeek takes on a cluster of three hosts (manager host +
# two sensor hosts, deployed over SSH from the manager host) against the
# same five nodes on one host, in one boot on this machine. The boot is
# the multihost_secure tests' (private container network, sshd, keys):
# tests/multihost_secure/bench.rs, its own harness-less target that cargo test
# leaves out (cluster_deploy_bench); its doc comment says what each column measures. Needs what the
# multihost_secure tests need (root, systemd-container, tcpdump, the sshd
# of tests/setup-debian.sh) and ZEEK_DIST. Do not run it beside the
# multihost_secure tests.
#
#   ZEEK_DIST=../shared/zeek/zeek-9.1.0-dev-debian12-amd64.tar.xz bench/cluster-deploy.sh [--rounds N]
#   bench/cluster-deploy.sh --quick          # 1 round
#   bench/cluster-deploy.sh --debug          # the debug build (`cargo test`'s: no release build of the tests)
#   bench/cluster-deploy.sh --keep DIR       # keep the results (every deploy's timed output) in DIR
#   bench/cluster-deploy.sh --report DIR...  # print the table of kept runs again (several: their rounds pooled)
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=3
keep=
report=()
profile=--release
build=release
while (($#)); do
    case $1 in
        --rounds) rounds=$2; shift 2 ;;
        --quick) rounds=1; shift ;;
        --debug) profile='' build=debug; shift ;;
        --keep) keep=$2; shift 2 ;;
        --report) shift; report=("$@"); break ;;
        *) echo "usage: $0 [--rounds N | --quick] [--debug] [--keep DIR] | --report DIR..." >&2; exit 2 ;;
    esac
done

# values NAME COL DIR: column COL of the NAME rows of both hosts' bench.txt, sorted.
values() { cat "$3"/zs-mgr/bench.txt "$3"/zs-one/bench.txt | grep "^$1 " | cut -d' ' -f"$2" | sort -n; }
# stat NAME COL DIR: "median (min-max)" of values (the upper median of an even count).
stat() {
    local v n
    mapfile -t v < <(values "$@")
    n=${#v[@]}
    ((n)) || { echo -; return; }
    echo "${v[n / 2]} (${v[0]}-${v[n - 1]})"
}
median() { local s; s=$(stat "$@"); echo "${s%% *}"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

# print_report DIR...: the table of the rounds of every DIR (a kept run).
print_report() {
    local d tmp n row label
    tmp=$(mktemp -d)
    # Derived columns: 8 restart until every node heard = SWITCHED - CHECKED,
    # 9 from then until the exit = EXIT - SWITCHED.
    for h in zs-mgr zs-one; do
        mkdir -p "$tmp/$h"
        for d in "$@"; do
            awk '$1 == "three" || $1 == "one" { printf "%s %.3f %.3f\n", $0, $6 - $5, $3 - $6; next } { print }' \
                "$d/$h/bench.txt"
        done >"$tmp/$h/bench.txt"
    done
    n=$(grep -c '^three ' "$tmp/zs-mgr/bench.txt" || true)
    printf 'seconds from the command, median (min-max) of %s round(s)       %-22s %-22s %s\n' "$n" "three hosts" "one host" "3/1"
    for row in "3:deploy exits (what deploy waits for)" "4:last node heard again (cluster.log)" \
        "5:checks and staging (until the restart begins)" \
        "8:restart until every node is up and heard" \
        "7:  of it: a host's restart until its nodes up 3 s" \
        "9:then until deploy exits (3 hosts: identities)"; do
        label=${row#*:}
        printf '  %-61s %-22s %-22s %s\n' "$label" "$(stat three "${row%%:*}" "$tmp")" \
            "$(stat one "${row%%:*}" "$tmp")" \
            "$(ratio "$(median three "${row%%:*}" "$tmp")" "$(median one "${row%%:*}" "$tmp")")"
    done
    echo "milliseconds, every try (3 per run), sorted, from zs-mgr:"
    for a in 10.77.0.2 10.77.0.3; do
        printf '  ssh %s true: %s; ssh %s zeek-systemd remote-deploy hello: %s\n' \
            "$a" "$(grep "^ssh $a " "$tmp/zs-mgr/bench.txt" | cut -d' ' -f3 | sort -n | tr '\n' ' ' | sed 's/ $//')" \
            "$a" "$(grep "^hello $a " "$tmp/zs-mgr/bench.txt" | cut -d' ' -f3 | sort -n | tr '\n' ' ' | sed 's/ $//')"
    done
    echo "load average (1, 5, 15 min) before each deploy:"
    for d in "$@"; do
        (($# == 1)) || echo " run $d:"
        grep -h '^load ' "$d/zs-mgr/bench.txt" | sed 's/^load \([0-9]*\)/  round \1, three hosts:/'
        grep -h '^load ' "$d/zs-one/bench.txt" | sed 's/^load \([0-9]*\)/  round \1, one host:   /'
        sed -n 's/^load-\(before\|after\) \([^ ]* [^ ]* [^ ]*\).*/  \1 the boot: \2/p; s/^boot-secs \(.*\)/  boot: \1 s in all/p' "$d/run.txt"
    done
    rm -rf "$tmp"
}

if ((${#report[@]})); then
    print_report "${report[@]}"
    exit 0
fi
: "${ZEEK_DIST:?set ZEEK_DIST to a Zeek tarball or prefix}"
dir=${keep:-$(mktemp -d /tmp/zeek-systemd-bench-cluster-deploy.XXXXXX)}
mkdir -p "$dir"
dir=$(readlink -f "$dir")
[[ -n $keep ]] || trap 'rm -rf "$dir"' EXIT
# CI=true: a missing prerequisite fails the run instead of skipping it.
if ! CI=${CI:-true} ZS_BENCH_ROUNDS=$rounds ZS_BENCH_DIR=$dir \
    cargo test ${profile:+"$profile"} --test cluster_deploy_bench >"$dir/cargo.log" 2>&1; then
    tail -60 "$dir/cargo.log" >&2
    trap - EXIT
    echo "the run failed; its results are in $dir" >&2
    exit 1
fi
echo "commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src tests || echo ' (with changes)'), $build build, $rounds round(s)"
print_report "$dir"
