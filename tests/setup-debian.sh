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
# zeek-archiver, iproute2 for the multi-host network, gdb for the
# backtrace in crash reports (tests/operations/real_zeek_faults.rs); the
# tests unpack the Zeek of ZEEK_DIST themselves.
apt-get install -y -qq libpcap0.8 libssl3 zlib1g libmaxminddb0 libkrb5-3 libzmq5 gzip xz-utils iproute2 gdb >/dev/null
# Not systemd-coredump: the crash reports' backtrace comes from gdb on the
# core the kernel writes into the node's dir (gdb, installed above). Its
# postinst runs systemd-sysctl 50-coredump.conf, which sets the host
# kernel's kernel.core_pattern (one for all containers) to a pipe into
# systemd-coredump; the kernel runs that helper in the host's namespaces,
# where no systemd-coredump.socket listens, and inside a test container
# /proc/sys is read-only. See FAULTS in man/zeek-systemd.8.
# tcpdump: tests/multihost_secure captures the link between the hosts.
apt-get install -y -qq tcpdump >/dev/null
# An sshd for the same tests' `status --cluster` (systemctl -H over SSH),
# unpacked, not installed: an installed openssh-server would enable
# ssh.service in every test container (their /etc is empty) and fail there.
# What the unpacked sshd links against and runs with, and ssh itself (the
# client `systemctl -H` uses): openssh-server's own dependencies.
apt-get install -y -qq --no-install-recommends openssh-client openssh-sftp-server \
    libpam-modules libpam-runtime libaudit1 libgssapi-krb5-2 libkrb5-3 libselinux1 \
    libcrypt1 libcom-err2 libwrap0 procps >/dev/null
root=$(cd "$(dirname "$0")/.." && pwd)
if [[ ! -x $root/target/test-sshd/root/usr/sbin/sshd ]]; then
    mkdir -p "$root/target/test-sshd"
    (cd "$root/target/test-sshd" && apt-get download openssh-server >/dev/null &&
        dpkg -x openssh-server_*.deb root)
fi
# A real Prometheus for tests/real_zeek/live_view.rs (it scrapes the nodes
# through our file_sd file), unpacked, not installed: an installed one would
# run on the test machine and in every test container.
if [[ ! -x $root/target/prometheus/root/usr/bin/prometheus ]]; then
    mkdir -p "$root/target/prometheus"
    (cd "$root/target/prometheus" && apt-get download prometheus >/dev/null &&
        dpkg -x prometheus_*.deb root)
fi
# cargo-deb: tests/real_systemd/deb.rs builds the package with `cargo deb`.
if ! cargo deb --version >/dev/null 2>&1; then
    cargo install cargo-deb --locked
fi
