#!/bin/bash
# The set-up `cargo test --locked` needs on a fresh Debian 12, as root
# (README.md, "Set-up"); CI runs it too, so the two cannot drift apart.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# systemd-container: systemd-nspawn for the real-systemd tests; systemd:
# systemd-analyze; dbus: the system bus tests/differential/ asks
# systemd over (busctl); groff-base/man-db: the man page tests; debootstrap:
# the Debian root the .deb is installed into (tests/real_systemd/deb.rs).
apt-get install -y -qq systemd systemd-container dbus groff-base man-db debootstrap >/dev/null
# A real Zeek for tests/real_zeek*.rs: its runtime libraries, gzip for
# zeek-archiver, iproute2 for the multi-host network; the tests unpack
# the Zeek of ZEEK_DIST themselves.
apt-get install -y -qq libpcap0.8 libssl3 zlib1g libmaxminddb0 libkrb5-3 libzmq5 gzip xz-utils iproute2 >/dev/null
# tcpdump: tests/multihost_secure captures the link between the hosts.
apt-get install -y -qq tcpdump >/dev/null
# An sshd for the same tests' `status --cluster` (systemctl -H over SSH),
# unpacked, not installed: an installed openssh-server would enable
# ssh.service in every test container (their /etc is empty) and fail there.
root=$(cd "$(dirname "$0")/.." && pwd)
if [[ ! -x $root/target/test-sshd/root/usr/sbin/sshd ]]; then
    mkdir -p "$root/target/test-sshd"
    (cd "$root/target/test-sshd" && apt-get download openssh-server >/dev/null &&
        dpkg -x openssh-server_*.deb root)
fi
# cargo-deb: tests/real_systemd/deb.rs builds the package with `cargo deb`.
if ! cargo deb --version >/dev/null 2>&1; then
    cargo install cargo-deb --locked
fi
