//! Issue 19 under a booted systemd 252 (stand-in zeek): archived logs
//! expire by `[logs] keep`; `[disk] min_free` shows in status and the
//! disk watch reports a crossing once; a crash reaches a fake MTA, a
//! command and a local HTTP receiver, rate-limited, and a hanging MTA
//! does not delay the node's restart; with a real Zeek (`ZEEK_DIST`, see
//! real_zeek_faults), crashes, stops and full or read-only disks. Both
//! are required in CI (`CI` set and non-empty: a missing systemd-nspawn
//! or Zeek fails) and skipped with one line otherwise (`common::require`).
//! Run with `--nocapture` for the numbers.

#[path = "../common/mod.rs"]
mod common;
mod real_zeek_faults;

use common::{real_systemd_available, run, Boot};

/// Two workers on lo; archive on its own small tmpfs (the scenario
/// mounts it) so the disk watch can be driven across its threshold.
const CONFIG: &str = r#"
[zeek]
restart_sec = 1
autostart = false

[logs]
keep = "2d"

[disk]
min_free = "8M"

[alerts]
mail_to = ["ops@example.org", "oncall@example.org"]
mail_from = "sensor@example.org"
sendmail = "/etc/zeek-test/fake-sendmail"
command = ["/etc/zeek-test/alert-command", "--from-test"]
webhook = "http://127.0.0.1:8089/hook"
max_per_hour = 6
timeout_sec = 5

[[interface]]
name = "lo"
capture = "af_packet::lo"
workers = 2
cpus = "0-1"
"#;

/// A sendmail that keeps each message (and its arguments), or hangs when
/// /run/sendmail-mode says so.
const FAKE_SENDMAIL: &str = r#"#!/bin/bash
mkdir -p /res/mail
if [[ $(cat /run/sendmail-mode 2>/dev/null) == hang ]]; then
    sleep 1000
fi
n=$(date +%s%N)
cat >/res/mail/$n.eml
echo "$*" >/res/mail-args.txt
"#;

const ALERT_COMMAND: &str = r#"#!/bin/bash
mkdir -p /res/command
n=$(date +%s%N)
{ echo "args: $*"; echo "kind: $ZEEK_ALERT_KIND"; echo "node: ${ZEEK_NODE:-}"; cat; } >/res/command/$n.txt
"#;

/// Keeps each POST body in /res/webhook.
const RECEIVER: &str = r#"
import http.server, os, sys, time
os.makedirs("/res/webhook", exist_ok=True)
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with open("/res/webhook/%d.json" % time.time_ns(), "wb") as f:
            f.write(body)
        self.send_response(200)
        self.end_headers()
    def log_message(self, *a):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
"#;

const SCENARIO: &str = r#"
count() { ls "/res/$1" 2>/dev/null | wc -l; }
t() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000000 )); }

# Archive on a 16 MiB file system; logs of three ages in it.
mkdir -p /opt/zeek/logs
mount -t tmpfs -o size=16M,mode=0755 tmpfs /opt/zeek/logs || fail "cannot mount tmpfs"
for d in 2020-01-01 2020-01-02; do mkdir -p /opt/zeek/logs/$d; done
echo old >/opt/zeek/logs/2020-01-01/conn.00:00:00-01:00:00.log.gz
echo day >/opt/zeek/logs/2020-01-02/conn.00:00:00-01:00:00.log.gz
echo new >/opt/zeek/logs/2020-01-02/dns.00:00:00-01:00:00.log.gz
chown -R zeek:zeek /opt/zeek/logs
touch -d '10 days ago' /opt/zeek/logs/2020-01-01/conn.00:00:00-01:00:00.log.gz /opt/zeek/logs/2020-01-01
touch -d '1 day ago' /opt/zeek/logs/2020-01-02/conn.00:00:00-01:00:00.log.gz

python3 /etc/zeek-test/receiver.py 8089 &
echo manager logger-1 proxy-1 worker-lo-1 worker-lo-2 | tr ' ' '\n' >/tmp/nodes
use_nodes_file() { NODES_FILE=/tmp/nodes; }
use_nodes_file
start_cluster

# ---- 1. retention
systemctl list-timers --all --no-pager >/res/timers.txt
systemctl start zeek-log-expiry.service || fail "zeek-log-expiry.service failed"
find /opt/zeek/logs -type f | sort >/res/after-expiry.txt
journalctl -u zeek-log-expiry.service -o cat --no-pager >/res/expiry-journal.txt
mkdir -p /tmp/verify
g=/run/systemd/generator
cp $g/zeek-log-expiry.service $g/zeek-log-expiry.timer $g/zeek-disk-watch.service $g/zeek-disk-watch.timer /tmp/verify/
cp $g/zeek-node-crashed@.service /tmp/verify/zeek-node-crashed@worker-lo-1.service
systemd-analyze verify --man=no /tmp/verify/* >/res/verify.txt 2>&1
echo "verify exit $?" >>/res/verify.txt

# ---- 2. a crash reaches every channel
pid=$(main_pid worker-lo-1)
t0=$(t)
kill -9 "$pid"
wait_for 20 runs_anew worker-lo-1 "$pid" || fail "worker-lo-1 not restarted"
echo "restart_ms $(ms $t0 $(t))" >>/res/numbers.txt
wait_for 30 eval '[ $(count mail) -ge 1 ] && [ $(count webhook) -ge 1 ] && [ $(count command) -ge 1 ]' ||
    fail "crash report not delivered: mail $(count mail) webhook $(count webhook) command $(count command)"
echo "report_ms $(ms $t0 $(t))" >>/res/numbers.txt
journalctl -u zeek-node-crashed@worker-lo-1.service -o cat --no-pager >/res/hook1-journal.txt

# ---- 3. a hanging MTA: the node restarts anyway; the mail is given up
wait_for 30 eval '[ "$(systemctl is-active zeek-node-crashed@worker-lo-1.service)" != activating ]'
echo hang >/run/sendmail-mode
pid=$(main_pid worker-lo-1)
t0=$(t)
kill -9 "$pid"
wait_for 20 runs_anew worker-lo-1 "$pid" || fail "worker-lo-1 not restarted while the MTA hangs"
echo "restart_with_hanging_mta_ms $(ms $t0 $(t))" >>/res/numbers.txt
wait_for 60 eval '[ "$(systemctl is-active zeek-node-crashed@worker-lo-1.service)" = failed ]' ||
    fail "the hook did not give up on the hanging MTA"
echo "hook_gave_up_ms $(ms $t0 $(t))" >>/res/numbers.txt
systemctl --failed --no-legend --plain >/res/failed.txt
journalctl -u zeek-node-crashed@worker-lo-1.service -o cat --no-pager >/res/hook2-journal.txt
rm -f /run/sendmail-mode
pkill -f 'sleep 1000' || true

# ---- 4. disk space: one report per crossing
systemctl start zeek-disk-watch.service
mails_before=$(count mail)
dd if=/dev/zero of=/opt/zeek/logs/filler bs=1M count=10 status=none
for i in 1 2 3; do systemctl start zeek-disk-watch.service; done
zeek-systemd-status() { /etc/systemd/system-generators/zeek-systemd-generator status; }
zeek-systemd-status >/res/status-low.txt 2>&1
echo "status_low_exit $?" >>/res/numbers.txt
/etc/systemd/system-generators/zeek-systemd-generator check >/res/check-low.txt 2>&1
echo "disk_low_mails $(( $(count mail) - mails_before ))" >>/res/numbers.txt
rm /opt/zeek/logs/filler
for i in 1 2; do systemctl start zeek-disk-watch.service; done
echo "disk_total_mails $(( $(count mail) - mails_before ))" >>/res/numbers.txt
zeek-systemd-status >/res/status-ok.txt 2>&1
echo "status_ok_exit $?" >>/res/numbers.txt
journalctl -u zeek-disk-watch.service -o cat --no-pager >/res/disk-journal.txt

# ---- 5. a crash loop: a few reports, not one per crash
before=$(count webhook)
for i in $(seq 10); do
    pid=$(main_pid worker-lo-2)
    kill -9 "$pid"
    wait_for 20 runs_anew worker-lo-2 "$pid" || fail "worker-lo-2 not restarted (crash $i)"
done
sleep 5
wait_for 30 eval '[ "$(systemctl is-active zeek-node-crashed@worker-lo-2.service)" != activating ]'
echo "loop_crashes 10" >>/res/numbers.txt
echo "loop_webhooks $(( $(count webhook) - before ))" >>/res/numbers.txt
echo "loop_restarts $(systemctl show -p NRestarts --value zeek@worker-lo-2.service)" >>/res/numbers.txt
journalctl -u zeek-node-crashed@worker-lo-2.service -o cat --no-pager >/res/loop-journal.txt
# ---- 6. the archive on a read-only file system: one report while it
# lasts (two checks), one when it is over; status says so (exit 3)
mount -o remount,ro /opt/zeek/logs
for i in 1 2; do systemctl start zeek-disk-watch.service; done
zeek-systemd-status >/res/status-ro.txt 2>&1
echo "status_ro_exit $?" >>/res/numbers.txt
mount -o remount,rw /opt/zeek/logs
for i in 1 2; do systemctl start zeek-disk-watch.service; done
journalctl -u zeek-disk-watch.service -o cat --no-pager >/res/disk-journal-ro.txt
echo "total_mails $(count mail)" >>/res/numbers.txt
echo "total_webhooks $(count webhook)" >>/res/numbers.txt
echo "total_commands $(count command)" >>/res/numbers.txt
true
"#;

fn number(text: &str, key: &str) -> u64 {
    text.lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(' ')?.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {key} in numbers:\n{text}"))
}

#[test]
fn retention_disk_watch_and_alerts_under_systemd() {
    if !real_systemd_available() {
        return;
    }
    // No nodes to wait for: the scenario starts the cluster itself.
    let mut boot = Boot::new(CONFIG, &[], SCENARIO)
        .executable("fake-sendmail", FAKE_SENDMAIL)
        .executable("alert-command", ALERT_COMMAND)
        .file("receiver.py", RECEIVER);
    boot.timeout_secs = 300;
    let result = run(&boot);
    result.assert_passed();
    let numbers = result.read("numbers.txt");
    println!("{numbers}");

    // 1. Retention: the 10-day-old log and its date dir are gone, the
    // 1-day-old and the new one are kept (keep = 2d).
    let after = result.read("after-expiry.txt");
    println!("after expiry:\n{after}");
    assert!(!after.contains("2020-01-01/"), "{after}");
    assert!(after.contains("2020-01-02/conn."), "{after}");
    assert!(after.contains("2020-01-02/dns."), "{after}");
    assert!(result.read("timers.txt").contains("zeek-log-expiry.timer"));
    assert!(result.read("timers.txt").contains("zeek-disk-watch.timer"));
    let verify = result.read("verify.txt");
    assert!(verify.trim().ends_with("verify exit 0"), "{verify}");

    // 2. The crash report, on every channel.
    let mails = result.files_in("mail");
    let first = &mails[0];
    for needle in [
        "To: ops@example.org, oncall@example.org",
        "From: sensor@example.org",
        "Subject: [Zeek] worker-lo-1 on ",
        "signal KILL",
        "restarts: ",
        "== journal (journalctl -u zeek@worker-lo-1.service",
    ] {
        assert!(first.contains(needle), "mail lacks {needle:?}:\n{first}");
    }
    assert_eq!(result.read("mail-args.txt").trim(), "-t -oi");
    let hook: serde_json::Value =
        serde_json::from_str(&result.files_in("webhook")[0]).expect("webhook JSON");
    assert_eq!(hook["kind"], "crash");
    assert_eq!(hook["fields"]["node"], "worker-lo-1");
    let command = &result.files_in("command")[0];
    assert!(command.contains("args: --from-test") && command.contains("node: worker-lo-1"));
    assert!(number(&numbers, "restart_ms") < 5000);

    // 3. A hanging MTA: the node restarted as fast; the hook gave up and
    // failed, visibly, after the other channels delivered.
    assert!(
        number(&numbers, "restart_with_hanging_mta_ms") < 5000,
        "{numbers}"
    );
    let hook2 = result.read("hook2-journal.txt");
    assert!(
        hook2.contains("did not finish within 5 s; killed"),
        "{hook2}"
    );
    assert!(hook2.contains("delivered: webhook"), "{hook2}");
    assert!(result
        .read("failed.txt")
        .contains("zeek-node-crashed@worker-lo-1"));

    // 4. Disk: three checks below the threshold, one report; one more
    // when it recovered. status and check show it.
    assert_eq!(number(&numbers, "disk_low_mails"), 1, "{numbers}");
    assert_eq!(number(&numbers, "disk_total_mails"), 2, "{numbers}");
    let status = result.read("status-low.txt");
    println!("{status}");
    assert!(
        status.contains("LOW") && status.contains("low disk space: archive"),
        "{status}"
    );
    assert!(result
        .read("check-low.txt")
        .contains("low disk space: archive"));
    // status exits 3 while a disk is low (like a node not running), 0
    // once it recovered.
    assert_eq!(number(&numbers, "status_low_exit"), 3, "{numbers}");
    assert_eq!(
        number(&numbers, "status_ok_exit"),
        0,
        "{}",
        result.read("status-ok.txt")
    );

    // 5. Ten crashes: systemd restarted every one; at most the 6 an hour
    // of max_per_hour went out in all (2 crashes, 2 disk reports before).
    assert!(number(&numbers, "loop_restarts") >= 10, "{numbers}");
    assert!(number(&numbers, "total_webhooks") <= 6, "{numbers}");
    assert!(number(&numbers, "loop_webhooks") >= 1, "{numbers}");
    let loop_journal = result.read("loop-journal.txt");
    assert!(
        loop_journal.contains("rate limit") || loop_journal.contains("start-limit"),
        "{loop_journal}"
    );

    // 6. The archive read-only: one report in two checks, one when over
    // (in the disk watch's journal: the rate limit of 5. may hold the
    // mail); status exits 3 and says why.
    let ro = result.read("disk-journal-ro.txt");
    let subjects = |s: &str| ro.lines().filter(|l| l.starts_with(s)).count();
    assert_eq!(
        subjects("Subject: [Zeek] the log archive is not writable"),
        1,
        "{ro}"
    );
    assert_eq!(subjects("Subject: [Zeek] over on "), 1, "{ro}");
    assert_eq!(number(&numbers, "status_ro_exit"), 3, "{numbers}");
    let status_ro = result.read("status-ro.txt");
    assert!(status_ro.contains("read-only file system"), "{status_ro}");
}
