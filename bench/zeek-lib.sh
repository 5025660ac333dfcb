# shellcheck shell=bash
# Shared by bench/cluster.sh and bench/crash-loop.sh, sourced after they
# define `die`. Both functions set a variable of the caller (no subshell,
# so that `die` ends the script).

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
