# shellcheck shell=bash
# The preamble the benchmarks that boot a container share (cluster.sh,
# blind-spot.sh, capture.sh, crash-loop.sh, sandbox-cost.sh): sourced first,
# with the script's name. The set_* functions set a variable of the caller
# (no subshell, so that `die` ends the script).
#
#   . "$here/zeek-lib.sh" NAME      defines die() for NAME

bench_name=${1:?zeek-lib.sh: source it with the name of the script}

die() { echo "$bench_name: $*" >&2; exit 2; }

# require_nspawn: what every boot needs (root, systemd-nspawn).
require_nspawn() {
    [ "$(id -u)" = 0 ] || die "must run as root (systemd-nspawn)"
    command -v systemd-nspawn >/dev/null || die "systemd-nspawn missing: apt-get install systemd-container"
}

# require_zeek_dist: ZEEK_DIST names the Zeek the boots run.
require_zeek_dist() {
    [ -n "${ZEEK_DIST:-}" ] || die "ZEEK_DIST is unset: a Zeek tarball or prefix"
}

# set_reference: sets `reference` to ZEEK_REFERENCE_GENERATOR, Zeek's
# generator, which must be an executable.
set_reference() {
    reference=${ZEEK_REFERENCE_GENERATOR:-}
    [ -x "$reference" ] || die "ZEEK_REFERENCE_GENERATOR is not an executable: '$reference'"
}

# set_bench_bin ROOT: sets `bin`, when empty, to a release build of the
# crate at ROOT (built now, in CARGO_TARGET_DIR or ROOT/target).
set_bench_bin() {
    if [ -z "$bin" ]; then
        cargo build --release --quiet --manifest-path "$1/Cargo.toml"
        bin="${CARGO_TARGET_DIR:-$1/target}/release/zeek-systemd"
    fi
    [ -x "$bin" ] || die "$bin is not an executable"
}

# set_work: sets `work` to a fresh dir under /tmp, removed when the script
# exits.
set_work() {
    work=$(mktemp -d "/tmp/bench-${bench_name%.sh}.XXXXXX")
    # shellcheck disable=SC2064 # the dir is known now
    trap "rm -rf '$work'" EXIT
}

# set_zeek_prefix DIST CACHE: sets `prefix` to the Zeek tree of DIST (a
# prefix, or a tarball unpacked once under CACHE, keyed by its size and
# mtime).
set_zeek_prefix() {
    local dist=$1 dist_dir
    if [ -d "$dist" ]; then
        dist_dir=$dist
    else
        dist_dir="$2/$(stat -c %s-%Y "$dist")"
        if [ ! -d "$dist_dir" ]; then
            mkdir -p "$dist_dir.tmp"
            tar -xf "$dist" -C "$dist_dir.tmp"
            mv "$dist_dir.tmp" "$dist_dir"
        fi
    fi
    prefix=$(dirname "$(dirname "$(find "$dist_dir" -maxdepth 3 -path '*/bin/zeek' -type f | head -n 1)")")
    [ -x "$prefix/bin/zeek" ] || die "no bin/zeek under $dist_dir"
}

# set_systemd_overlay TREE: sets `overlay` to the nspawn-run arguments that
# boot the systemd of TREE/usr (bench/systemd-tree.sh): its /usr over the
# host's, so its systemd is PID 1 and its tools (systemctl, journalctl)
# run in the container; the rest is the host's. Empty for an empty TREE.
set_systemd_overlay() {
    # shellcheck disable=SC2034 # the caller's
    overlay=()
    [ -n "$1" ] || return 0
    [ -x "$1/usr/lib/systemd/systemd" ] || die "--systemd-tree $1 has no usr/lib/systemd/systemd"
    # shellcheck disable=SC2034 # the caller's
    overlay=(--nspawn-arg "--overlay-ro=/usr:$(cd "$1" && pwd)/usr:/usr")
}

# write_veth_unit: the unit that makes the veth pair zcap0/zcap1 in the
# container (its own network namespace) before any Zeek unit starts.
write_veth_unit() {
    printf '[Unit]\nDescription=bench: veth pair zcap0/zcap1 for the workers\nDefaultDependencies=no\n\n'
    printf '[Service]\nType=oneshot\nRemainAfterExit=yes\n'
    printf 'ExecStart=/usr/sbin/ip link add zcap0 type veth peer name zcap1\n'
    printf 'ExecStart=/usr/sbin/ip link set zcap0 up\nExecStart=/usr/sbin/ip link set zcap1 up\n'
}

# median, range: of the numbers on stdin, one a line.
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) { print "NA"; exit } if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
range() { sort -n | awk 'NR == 1 { lo = $1 } { hi = $1 } END { if (NR) printf "%s-%s", lo, hi; else print "-" }'; }
