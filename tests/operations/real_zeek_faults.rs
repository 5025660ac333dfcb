//! Faults with a real Zeek under the generated units (issue 19, point 3):
//! one boot of a manager, a logger, a proxy and two AF_PACKET workers on
//! `lo`, the archive on its own small file system, and in turn: a worker
//! killed by SIGSEGV (the crash report carries a backtrace), the manager
//! killed with SIGKILL, the logger stopped for 30 s, a worker SIGKILLed
//! as the OOM killer would (this container enforces no MemoryMax: the
//! host's memory controller is bound to cgroup v1), the archive's file
//! system read-only (the disk watch reports it once, and when it is over),
//! the archive full, the spool full. Every crash report must show the
//! crash in its journal section. Each phase sends
//! its own connections (distinct ports) and records how long until the
//! cluster logged again; after the stop, the archived conn.log is counted
//! per phase. Thresholds are what was observed, with a margin: a change
//! that loses more, or takes longer, fails.

use std::collections::BTreeSet;

use crate::common::{real_systemd_available, real_zeek, run, Boot, BootResult};

const CONFIG: &str = r#"
[zeek]
autostart = false
restart_sec = 1
# Rotation every 10 s: the archiver works during the 30-s faults.
args = ["local", "ignore_checksums=T", "Log::default_rotation_interval=10secs"]

[disk]
min_free = "8M"

[alerts]
mail_to = ["ops@example.org"]
sendmail = "/etc/zeek-test/fake-sendmail"
max_per_hour = 50

[[interface]]
name = "lo"
capture = "af_packet::lo"
workers = 2
cpus = "0-1"
"#;

const FAKE_SENDMAIL: &str = r#"#!/bin/bash
mkdir -p /res/mail
cat >/res/mail/$(date +%s%N).eml
"#;

const SCENARIO: &str = r#"
export SPOOL=/opt/zeek/spool LOG_DIR=/opt/zeek/logs
. /etc/zeek-test/zeek-lib.sh
echo manager logger-1 proxy-1 worker-lo-1 worker-lo-2 | tr ' ' '\n' >/tmp/nodes
NODES_FILE=/tmp/nodes
t() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000000 )); }
mails() { ls /res/mail 2>/dev/null | wc -l; }
# send PHASE FIRST COUNT: COUNT connections to ports FIRST.., recorded.
send() {
    local p
    for ((p = $2; p < $2 + $3; p++)); do (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; done
    echo "$1 $2 $3" >>/res/phases.txt
}
# whole PHASE T0 PORT: wait until a connection to PORT is in the live
# conn.log; record the time since T0 as the phase's time to whole.
whole() {
    local i
    for i in $(seq 120); do
        connect_to "$3"
        if wait_for 1 conn_has "$3"; then echo "$1 $(ms $2 $(t))" >>/res/whole.txt; return 0; fi
    done
    echo "$1 never" >>/res/whole.txt
}
mkdir -p /opt/zeek/logs /opt/zeek/spool
mount -t tmpfs -o size=64M,mode=0755 tmpfs /opt/zeek/logs
mount -t tmpfs -o size=256M,mode=0755 tmpfs /opt/zeek/spool
# What this container offers for OOM kills and systemd-coredump.
{
    echo "cgroup.controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"
    echo "core_pattern: $(cat /proc/sys/kernel/core_pattern)"
    echo "/proc/sys mount: $(findmnt -no OPTIONS /proc/sys)"
    ls -l /usr/lib/systemd/systemd-coredump 2>&1
} >/res/container-facts.txt
zeek-systemd() { /etc/systemd/system-generators/zeek-systemd-generator "$@"; }
start_zeek
wait_hellos 120
send baseline 41000 20
sleep 10

# -- SIGSEGV of a worker: the report has a backtrace
m0=$(mails)
t0=$(t)
kill -SEGV "$(main_pid worker-lo-1)"
wait_for 90 eval '[ $(mails) -gt '$m0' ]' || fail "no crash report after SIGSEGV"
echo "segv_report_ms $(ms $t0 $(t))" >>/res/numbers.txt
whole segv "$t0" 42999
send after-segv 42000 20
ls -la /opt/zeek/spool/worker-lo-1 >/res/segv-dir.txt

# -- manager kill -9
send before-manager-kill 43000 20
t0=$(t)
kill -9 "$(main_pid manager)"
send during-manager-restart 43100 20
whole manager-kill "$t0" 43999
send after-manager-kill 43200 20

# -- the logger stopped for 30 s (by hand: no crash report)
m0=$(mails)
t0=$(t)
systemctl stop zeek@logger-1.service
send logger-down 44000 20
sleep 30
systemctl start zeek@logger-1.service
whole logger-down "$t0" 44999
send after-logger-down 44100 20
sleep 10
echo "logger_down_mails $(( $(mails) - m0 ))" >>/res/numbers.txt

# -- a worker killed as the OOM killer kills (SIGKILL), with the
# connections it tracks: sent (and ended) right before the kill, so each
# was seen whole by the worker its flow hashes to. Sent after the kill,
# they raced the killed socket leaving the fanout group: a flow's SYN could
# reach the dying worker and its RST the other one, which logs it under
# the wrong port (17 of 20 lost once).
send during-worker-kill 45000 20
t0=$(t)
systemctl kill -s KILL zeek@worker-lo-2.service
whole worker-kill "$t0" 45999
send after-worker-kill 45100 20

# -- the archive unwritable for 30 s: its file system read-only (as
# after an I/O error); the disk watch (started by hand twice, as its
# timer would each minute) reports it once, and once when it is over
m0=$(mails)
mount -o remount,ro /opt/zeek/logs
t0=$(t)
send archive-unwritable 46000 20
sleep 12
systemctl start zeek-disk-watch.service
sleep 12
systemctl start zeek-disk-watch.service
zeek-systemd status >/res/status-unwritable.txt 2>&1
echo "status_unwritable_exit $?" >>/res/numbers.txt
sleep 6
journalctl -u zeek-archiver.service -o cat --no-pager --since "-32s" >/res/archiver-unwritable.txt
ls /opt/zeek/spool/log-queue | wc -l >/res/queue-while-unwritable.txt
echo "archive_unwritable_queue $(cat /res/queue-while-unwritable.txt)" >>/res/numbers.txt
ls /opt/zeek/spool/log-queue | sort >/tmp/queued
mount -o remount,rw /opt/zeek/logs
t1=$(t)
# Drained: none of the files queued while it was read-only is left.
drained() { [ -z "$(ls /opt/zeek/spool/log-queue | sort | comm -12 /tmp/queued -)" ]; }
wait_for 60 drained || fail "the queue did not drain"
echo "archive_unwritable_drained_ms $(ms $t1 $(t))" >>/res/numbers.txt
systemctl start zeek-disk-watch.service
echo "archive_unwritable_mails $(( $(mails) - m0 ))" >>/res/numbers.txt

# -- the archive full for 30 s: the disk watch reports it
m0=$(mails)
dd if=/dev/zero of=/opt/zeek/logs/filler bs=1M count=63 status=none 2>/dev/null
systemctl start zeek-disk-watch.service
send archive-full 47000 20
sleep 30
journalctl -u zeek-archiver.service -o cat --no-pager -n 20 >/res/archiver-full.txt
echo "archive_full_mails $(( $(mails) - m0 ))" >>/res/numbers.txt
rm -f /opt/zeek/logs/filler
systemctl start zeek-disk-watch.service

# -- the spool full for 30 s
m0=$(mails)
dd if=/dev/zero of=/opt/zeek/spool/filler bs=1M count=1000 status=none 2>/dev/null
systemctl start zeek-disk-watch.service
send spool-full 48000 20
sleep 30
t0=$(t)
journalctl -u 'zeek@*' -o cat --no-pager --since '-40s' | grep -i -E 'space|write|fail' | tail -20 >/res/spool-full-journal.txt
rm -f /opt/zeek/spool/filler
whole spool-full "$t0" 48999
echo "spool_full_mails $(( $(mails) - m0 ))" >>/res/numbers.txt
send final 49000 20
sleep 5

save_restarts
systemctl stop zeek.target
for u in zeek@manager zeek@logger-1 zeek@proxy-1 zeek@worker-lo-1 zeek@worker-lo-2 zeek-archiver; do
    wait_for 90 eval "[ \"\$(systemctl is-active $u.service)\" = inactive ]" || fail "$u did not stop"
done
archived conn >/res/conn-archived.log
find /opt/zeek/spool -name '*.log' | grep -v generated >/res/stranded.txt
true
"#;

/// Distinct destination ports in the archived conn.log.
fn ports(conn: &str) -> BTreeSet<u32> {
    conn.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split('\t').nth(5)?.parse().ok())
        .collect()
}

/// Per phase: (name, sent, logged).
fn phases(result: &BootResult) -> Vec<(String, u32, u32)> {
    let seen = ports(&result.read("conn-archived.log"));
    result
        .read("phases.txt")
        .lines()
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            let (name, first, count) = (
                w.next()?,
                w.next()?.parse::<u32>().ok()?,
                w.next()?.parse::<u32>().ok()?,
            );
            let logged = (first..first + count).filter(|p| seen.contains(p)).count() as u32;
            Some((name.to_string(), count, logged))
        })
        .collect()
}

#[test]
fn real_zeek_faults() {
    if !real_systemd_available() {
        return;
    }
    let Some(prefix) = real_zeek::zeek_prefix() else {
        return;
    };
    let mut boot = Boot::new(CONFIG, &[], SCENARIO).executable("fake-sendmail", FAKE_SENDMAIL);
    boot.stand_in = false;
    boot.timeout_secs = 900;
    boot.binds.extend(real_zeek::binds(&prefix));
    boot.binds.push(real_zeek::lib_bind());
    // The thresholds are timings: no stand-in boot of this binary runs
    // beside the real cluster (the rule of the other real-Zeek tests).
    let _one_at_a_time = real_zeek::serial();
    boot.share_held = true;
    let result = run(&boot);
    result.assert_passed();
    let numbers = result.read("numbers.txt");
    let whole = result.read("whole.txt");
    println!("{numbers}\ntime to whole (ms):\n{whole}");
    let table = phases(&result);
    for (name, sent, logged) in &table {
        println!(
            "phase {name:<24} sent {sent:>3}  logged {logged:>3}  lost {:>3}",
            sent - logged
        );
    }
    let mails = result.files_in("mail");
    let segv = mails
        .iter()
        .find(|m| m.contains("signal SEGV"))
        .expect("a SEGV report");
    println!("--- the SEGV report ---\n{segv}");
    println!(
        "--- spool full, journal ---\n{}",
        result.read("spool-full-journal.txt")
    );
    println!(
        "--- archive full, archiver ---\n{}",
        result.read("archiver-full.txt")
    );
    println!(
        "--- archive unwritable, archiver ---\n{}",
        result.read("archiver-unwritable.txt")
    );
    println!(
        "stranded logs after the stop: {}",
        result.read("stranded.txt")
    );
    println!(
        "queue while the archive was unwritable: {} files",
        result.read("queue-while-unwritable.txt").trim()
    );
    println!(
        "--- status while the archive was read-only ---\n{}",
        result.read("status-unwritable.txt")
    );
    println!(
        "--- container facts ---\n{}",
        result.read("container-facts.txt")
    );
    println!("restarts: {}", result.read("restarts.txt"));
    assert!(segv.contains("(core dumped)"), "{segv}");
    assert!(
        segv.contains("== backtrace"),
        "no backtrace:\n{segv}\n{}",
        result.read("segv-dir.txt")
    );
    assert!(result.read("stranded.txt").trim().is_empty());
    // Every crash report carries the journal of the crash: PID 1's line
    // on how the main process ended (once empty, in one run, before the
    // hook synced and re-read the journal).
    for mail in mails.iter().filter(|m| m.contains("stopped uncleanly")) {
        let journal = mail
            .split("\n== journal")
            .nth(1)
            .and_then(|rest| rest.split("\n== backtrace").next())
            .and_then(|rest| rest.split("\nMore: ").next())
            .expect("a journal section");
        assert!(
            journal.contains("Main process exited") || journal.contains("Failed with result"),
            "the journal section lacks the crash:\n{mail}"
        );
    }
    // The archive read-only for 30 s: the archiver kept the logs in the
    // queue (nothing lost, below), the disk watch said so once, and once
    // when it was over; status exited 3.
    let unwritable_mails: Vec<&String> = mails
        .iter()
        .filter(|m| m.contains("Subject: [Zeek] the log archive is not writable"))
        .collect();
    assert_eq!(unwritable_mails.len(), 1, "{mails:?}");
    assert!(unwritable_mails[0].contains("read-only file system"));
    assert_eq!(
        mails
            .iter()
            .filter(|m| m.contains("Subject: [Zeek] over on ")
                && m.contains("the log archive is not writable"))
            .count(),
        1
    );
    let lost = |phase: &str| {
        let (_, sent, logged) = table.iter().find(|(n, ..)| n == phase).expect(phase);
        sent - logged
    };
    // Observed: nothing lost outside the phases where a process that
    // logs was down; the limits below are the observation plus margin.
    // A killed worker loses the connections it was tracking (Zeek logs a
    // rejected connection seconds after it ends; its state is in the
    // process): the flows the kernel hashed to it, about half. Each flow is
    // hashed to one of two workers, so the loss is about Binomial(20, 1/2);
    // more than 16 (p < 0.2%) means the other worker's flows went too.
    assert!(lost("during-worker-kill") <= 16, "{table:?}");
    // A full spool: the logger aborts at every write (safe_write error 28)
    // and crash-loops; what workers send meanwhile is lost (10 and 20 of
    // 20 observed). Only Zeek can do better (buffer, or drop and go on).
    assert!(lost("spool-full") <= 20, "{table:?}");
    for phase in ["baseline", "after-logger-down"] {
        assert!(lost(phase) <= 10, "{phase}: {table:?}");
    }
    for phase in [
        "after-segv",
        "before-manager-kill",
        "during-manager-restart",
        "after-manager-kill",
        "logger-down",
        "after-worker-kill",
        "archive-unwritable",
        "archive-full",
        "final",
    ] {
        assert_eq!(lost(phase), 0, "{phase}: {table:?}");
    }
    let ms = |phase: &str| -> u64 {
        let line = whole
            .lines()
            .find(|l| l.starts_with(&format!("{phase} ")))
            .expect(phase);
        line.split_whitespace()
            .nth(1)
            .and_then(|v| v.parse().ok())
            .expect("a time")
    };
    // The cluster is whole again in bounded time, not "never". Observed
    // on an idle machine 6 to 8 s, 8 to 15 s after the SEGV (the core is
    // written first), 36.5 to 38.2 s with the 30-s logger stop; on a
    // machine at load 12 (other container boots) 5.9 to 16.7 s and 48.3 s.
    // How fast is bench/'s to say (bench/cluster.sh), so the limits are
    // about twice the loaded figures.
    for (phase, max) in [
        ("segv", 45_000),
        ("manager-kill", 30_000),
        ("worker-kill", 30_000),
        ("spool-full", 35_000),
        ("logger-down", 90_000),
    ] {
        assert!(ms(phase) <= max, "{phase}: {} ms > {max}", ms(phase));
    }
    let number = |key: &str| -> u64 {
        numbers
            .lines()
            .find_map(|l| l.strip_prefix(key)?.trim().parse().ok())
            .expect(key)
    };
    // Observed 7.2 s at load 12.
    assert!(number("segv_report_ms ") <= 20_000, "{numbers}");
    assert_eq!(number("status_unwritable_exit "), 3, "{numbers}");
    assert!(number("archive_unwritable_queue ") >= 1, "{numbers}");
    assert!(
        number("archive_unwritable_drained_ms ") <= 30_000,
        "{numbers}"
    );
    assert_eq!(number("archive_unwritable_mails "), 2, "{numbers}");
    assert_eq!(
        number("logger_down_mails "),
        0,
        "a stop by hand is no crash"
    );
    assert!(number("archive_full_mails ") >= 1, "{numbers}");
    assert!(number("spool_full_mails ") >= 1, "{numbers}");
}
