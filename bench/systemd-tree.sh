#!/usr/bin/env bash
# Builds a /usr overlay with another systemd, for booting it as PID 1 in the
# nspawn containers of bench/cluster.sh (--systemd-tree) on a host whose
# own systemd is older. See bench/README.md ("Cluster benchmark on systemd
# 254").
#
#   bench/systemd-tree.sh 254          -> prints the tree's dir (target/systemd-tree/254)
#   bench/systemd-tree.sh 254 --force  rebuild
#
# Downloads Debian's bookworm-backports packages systemd, libsystemd-shared
# and libsystemd0 (pinned version and SHA-256 below; the hashes are the
# ones apt checked against the signed bookworm-backports index), unpacks
# them with dpkg-deb and lays them out as DIR/usr (Debian's backport still
# ships /bin and /lib: they go to usr/bin and usr/lib, the merged /usr of
# Debian 12). Docs and man pages are left out.
#
# The tree is the upper layer of an overlay over the host's /usr
# (`systemd-nspawn --overlay-ro=/usr:DIR/usr:/usr`): everything the
# packages ship replaces the host's file, the rest (udev, dbus, nspawn, the
# 252 libraries that the host's other binaries still link) stays visible.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
version=${1:-}
force=${2:-}
die() { echo "systemd-tree.sh: $*" >&2; exit 2; }

case "$version" in
    254)
        deb_version=254.26-1~bpo12+1
        packages=(
            "systemd f55abada0c5c0409f7323e3deecb5d837ecfae75a31524133ac41302d41eff54"
            "libsystemd-shared 4b1ab8da02aea748cf3fbd75ec6a2734d92ae4e1f287afb33e2025f971a3058a"
            "libsystemd0 fd5c0551ac347ee7da585fe23c2d4c18ea1ceeef831ffb251e9349ae60268398"
        )
        ;;
    -h | --help | "") sed -n '2,20s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) die "no package set for systemd $version (known: 254)" ;;
esac
[ -z "$force" ] || [ "$force" = --force ] || die "unknown argument $force"
command -v dpkg-deb >/dev/null || die "dpkg-deb missing"
command -v curl >/dev/null || die "curl missing"

out="$root/target/systemd-tree/$version"
if [ -z "$force" ] && [ -x "$out/usr/lib/systemd/systemd" ]; then
    echo "$out"
    exit 0
fi

debs="$root/target/systemd-tree/debs"
mkdir -p "$debs"
for entry in "${packages[@]}"; do
    read -r pkg sum <<<"$entry"
    file="${pkg}_${deb_version}_amd64.deb"
    if [ ! -s "$debs/$file" ] || ! echo "$sum  $debs/$file" | sha256sum -c --quiet - 2>/dev/null; then
        # The pool has the backport as long as bookworm-backports carries it;
        # snapshot.debian.org keeps it after that.
        url_file=${file//+/%2B}
        curl -fsS --retry 2 -o "$debs/$file.tmp" "http://deb.debian.org/debian/pool/main/s/systemd/$url_file" ||
            curl -fsS --retry 2 -o "$debs/$file.tmp" "https://snapshot.debian.org/archive/debian/20250601T000000Z/pool/main/s/systemd/$url_file" ||
            die "could not download $file"
        echo "$sum  $debs/$file.tmp" | sha256sum -c --quiet - || die "$file: SHA-256 mismatch"
        mv "$debs/$file.tmp" "$debs/$file"
    fi
done

rm -rf "$out.tmp" "$out"
mkdir -p "$out.tmp/x" "$out.tmp/usr"
for entry in "${packages[@]}"; do
    read -r pkg _ <<<"$entry"
    dpkg-deb -x "$debs/${pkg}_${deb_version}_amd64.deb" "$out.tmp/x"
done
x="$out.tmp/x"
rm -rf "$x/usr/share/doc" "$x/usr/share/man" "$x/usr/share/lintian" "$x/usr/share/bug"
# /bin, /lib -> usr/bin, usr/lib (merged /usr); /usr as it is.
cp -a "$x/usr/." "$out.tmp/usr/"
[ ! -d "$x/bin" ] || cp -a "$x/bin/." "$out.tmp/usr/bin/"
[ ! -d "$x/lib" ] || cp -a "$x/lib/." "$out.tmp/usr/lib/"
rm -rf "$x"
mv "$out.tmp" "$out"
# (Its binaries run only inside the container: their RUNPATH is
# /usr/lib/x86_64-linux-gnu/systemd, where the host has the 252 library.)
[ -x "$out/usr/lib/systemd/systemd" ] || die "no usr/lib/systemd/systemd in the tree"
echo "systemd-tree.sh: systemd $deb_version in $out" >&2
echo "$out"
