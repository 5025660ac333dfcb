#!/bin/bash
# bench/deploy.sh: how long `zeek-systemd deploy` takes end to end (check,
# restart, cluster formed again) beside a plain `systemctl restart
# zeek.target`, on the two-worker real-Zeek cluster of the tests (manager,
# logger, proxy, two AF_PACKET workers on lo, `local` loaded) booted in a
# systemd 252 container (tests/systemd/nspawn-run). Needs root,
# systemd-container and ZEEK_DIST (a Zeek 8.1+ tarball or prefix).
#
#   ZEEK_DIST=../shared/zeek/zeek-9.1.0-dev-debian12-amd64.tar.xz bench/deploy.sh [--rounds N] [--bin PATH]
#
# Per round, each measured from the command until every node of the host
# was heard again (`got hello from NODE` in the logger's cluster.log,
# logged after the command began):
#   restart      systemctl restart zeek.target
#   check        zeek-systemd check --deep (no restart: the check part;
#                until it exits)
#   deploy       zeek-systemd deploy (a one-line change to local.zeek),
#                which itself waits until every node is up for --settle
#                (5 s) and heard
#   deploy-s0    the same with --settle 0
# Prints the median, min and max of each.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=5
bin=
while (($#)); do
    case $1 in
        --rounds) rounds=$2; shift 2 ;;
        --bin) bin=$2; shift 2 ;;
        *) echo "usage: $0 [--rounds N] [--bin PATH]" >&2; exit 2 ;;
    esac
done
: "${ZEEK_DIST:?set ZEEK_DIST to a Zeek tarball or prefix}"
if [[ -z $bin ]]; then
    cargo build --release --quiet
    bin=$PWD/target/release/zeek-systemd
fi

work=$(mktemp -d /tmp/zeek-systemd-bench-deploy.XXXXXX)
trap 'rm -rf "$work"' EXIT
# Kept on failure, for the logs.
keep() { trap - EXIT; echo "kept $work" >&2; }
if [[ -d $ZEEK_DIST ]]; then
    prefix=$ZEEK_DIST
else
    tar -xf "$ZEEK_DIST" -C "$work"
    prefix=$(dirname "$(find "$work" -path '*/bin/zeek' | head -1)")/..
fi
prefix=$(readlink -f "$prefix")

mkdir "$work/etc-zeek" "$work/res"
cp -a "$prefix/share/zeek/site" "$work/site"
cat >"$work/etc-zeek/cluster.toml" <<'EOF'
[zeek]
restart_sec = 1
args = ["local", "ignore_checksums=T"]

[[interface]]
name = "lo"
capture = "af_packet::lo"
workers = 2
cpus = "0-1"
EOF
printf '%s\n' manager logger-1 proxy-1 worker-lo-1 worker-lo-2 >"$work/nodes"
cat >"$work/scenario" <<EOF
#!/bin/bash
set -u
. /etc/zeek-test/lib.sh
. /etc/zeek-test/deploy-lib.sh
export SPOOL=/opt/zeek/spool
. /etc/zeek-test/zeek-lib.sh
wait_for 120 all_active || fail "no cluster at boot"
wait_for 120 all_heard_since 0 || fail "no hellos at boot"
# timed NAME wait|nowait COMMAND...: run COMMAND, with "wait" until every
# node is heard again, print "NAME SECONDS".
timed() {
    local name=\$1 how=\$2 t0 s
    shift 2
    t0=\$(now)
    "\$@" >>/res/commands.log 2>&1 || fail "\$* failed"
    s=\$((t0 / 1000000000))
    if [[ \$how == wait ]]; then
        wait_for 120 all_heard_since "\$s" || fail "cluster not formed after \$*"
    fi
    echo "\$name \$(elapsed "\$t0" "\$(now)")" >>/res/bench.txt
}
for i in \$(seq $rounds); do
    timed restart wait systemctl restart zeek.target
    timed check nowait zs check --deep
    echo "# bench round \$i" >>"\$SITE/local.zeek"
    timed deploy wait zs deploy
    echo "# bench round \$i, settle 0" >>"\$SITE/local.zeek"
    timed deploy-s0 wait zs deploy --settle 0
done
EOF
chmod 755 "$work/scenario"

tests/systemd/nspawn-run --result-dir "$work/res" --scenario "$work/scenario" --timeout 1800 \
    --bind-ro="$work/nodes:/etc/zeek-test/nodes" \
    --bind-ro="$PWD/tests/systemd/scenario-lib.sh:/etc/zeek-test/lib.sh" \
    --bind-ro="$PWD/tests/fixtures/real-zeek/lib.sh:/etc/zeek-test/zeek-lib.sh" \
    --bind-ro="$PWD/tests/deploy/deploy-lib.sh:/etc/zeek-test/deploy-lib.sh" \
    --bind-ro="/dev/null:/etc/systemd/system/systemd-networkd-wait-online.service" \
    --bind-ro="$bin:/etc/systemd/system-generators/zeek-systemd-generator" \
    --bind-ro="$prefix/bin:/opt/zeek/bin" \
    --bind-ro="$prefix/lib:/opt/zeek/lib" \
    --bind-ro="$prefix/share:/opt/zeek/share" \
    --bind="$work/etc-zeek:/etc/zeek" \
    --bind="$work/site:/opt/zeek/share/zeek/site" >/dev/null ||
    { cat "$work/res/scenario.log" >&2; keep; exit 1; }

# Median, min, max per name (no awk needed here, but sort -n is).
printf '%-10s %8s %8s %8s  (seconds, %s rounds; until every node is heard again)\n' what median min max "$rounds"
for name in restart check deploy deploy-s0; do
    mapfile -t v < <(sed -n "s/^$name //p" "$work/res/bench.txt" | sort -n)
    n=${#v[@]}
    ((n)) || continue
    printf '%-10s %8s %8s %8s\n' "$name" "${v[n / 2]}" "${v[0]}" "${v[n - 1]}"
done
