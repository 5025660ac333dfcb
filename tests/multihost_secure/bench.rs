//! The cluster-wide deploy benchmark (issue 25), run by
//! bench/cluster-deploy.sh: not a test. It asserts only that every deploy
//! it times succeeded and that the cluster came back whole after it. Its
//! own test target (`cluster_deploy_bench` in Cargo.toml: no test harness,
//! `test = false`), so that `cargo test` neither runs nor lists it; the
//! script runs it with `cargo test --test cluster_deploy_bench`.
//!
//! One boot, on one zone (tests/common/network.rs), of the three hosts of
//! the deploy tests (zs-mgr: manager, logger, proxy; zs-sensor1 and
//! zs-sensor2: a worker each, reached over SSH as in
//! [`crate::deploy`]) and of a fourth container, zs-one, with the same
//! five nodes on one host (a plain single-host config, also encrypted,
//! the same scripts). Both clusters run all along; per round, first the
//! manager host deploys a one-line change to `local.zeek` to the three
//! hosts, then zs-one deploys the same kind of change to itself, each
//! with `--settle 3`. Per deploy it writes a line to its `/res/bench.txt`:
//!
//! `NAME ROUND EXIT HELLO CHECKED SWITCHED UP` (seconds from the
//! command): the command's exit (it waits for what deploy waits for: on
//! three hosts every node heard by the manager on the new snapshot and
//! config digest, on one host every node up and said hello); the last node
//! of the cluster heard again (`got hello from NODE` in the logger's
//! cluster.log, Zeek's own timestamps, the first after the command began
//! for each node: the bench's own check, with every host on the new
//! snapshot id read back after the exit); the checks and staging done (the
//! restart begins); the restart done and waited for (three hosts: the
//! switch step back from every host, the manager host's having waited for
//! its own nodes' hellos; one host: every node said hello); and, from a
//! host's own restart, its nodes up for the settle time (the slowest host).
//!
//! It also times `ssh HOST true` and `ssh HOST zeek-systemd remote-deploy
//! hello` to each sensor host (`ssh ADDRESS MS`, `hello ADDRESS MS`) and
//! writes the load average before each round (`load ROUND 1 5 15`). The
//! results (every container's /res: each deploy's output with the
//! seconds of each line) go to `$ZS_BENCH_DIR`; the rounds come from
//! `$ZS_BENCH_ROUNDS` (default 3).

use std::path::{Path, PathBuf};

use crate::common::network::{self, NetHost, Network};
use crate::common::{real_zeek, BootResult};
use crate::setup::{self, MANAGER_NODES, MGR, SENSORS};

/// The single-host cluster's container (its address is not used).
const ONE: NetHost = NetHost {
    name: "zs-one",
    address: "10.77.0.5",
};

/// The nodes of [`ONE_CONFIG`]: as many of each role as the three hosts.
const ONE_NODES: [&str; 5] = [
    "manager",
    "logger-1",
    "proxy-1",
    "worker-lo-1",
    "worker-lo-2",
];

/// The three hosts' cluster on one host: the same nodes, scripts and
/// encryption, no `[hosts]`.
const ONE_CONFIG: &str = r#"
[zeek]
autostart = false
args = ["local", "/etc/zeek-test/marker.zeek"]

[cluster]
encryption = true

[[interface]]
name = "lo"
capture = "af_packet::lo"
workers = 2
"#;

/// Functions both deploying hosts use (bash, after the real-Zeek
/// library). `timed NAME ROUND COMMAND...` runs a deploy, its output with
/// the seconds of each line in /res/NAME-ROUND.out, and appends its line
/// to /res/bench.txt.
const TIMING: &str = r#"
zs() { /etc/systemd/system-generators/zeek-systemd-generator "$@"; }
SITE=/opt/zeek/share/zeek/site
STATE=/var/lib/zeek-systemd
GEN=/etc/systemd/system-generators/zeek-systemd-generator
ROUNDS=$(cat /etc/zeek-test/rounds)
# us: $EPOCHREALTIME or a Zeek log's ts (6 decimals) in microseconds.
us() { local s=${1%.*} f=${1#*.}000000; echo $((s * 1000000 + 10#${f:0:6})); }
# secs T0 T1: T1 - T0 (microseconds) in seconds, 3 decimals.
secs() { local ms=$((($2 - $1) / 1000)); printf '%d.%03d' $((ms / 1000)) $((ms % 1000)); }
# stamp T0: every input line with the seconds since T0 before it; no
# command substitution (a fork per line would lag behind a burst of lines).
stamp() {
    local line ms
    while IFS= read -r line; do
        ms=$(((${EPOCHREALTIME/./} - $1) / 1000))
        printf '%d.%03d %s\n' $((ms / 1000)) $((ms % 1000)) "$line"
    done
}
# first_hello NODE T0: the ts (microseconds) of the first "got hello
# from NODE" logged at or after T0 in the logger's cluster.log.
first_hello() {
    local ts rest t
    while IFS=$'\t' read -r ts rest; do
        [[ $rest == *"got hello from $1 "* || $rest == *"got hello from $1" ]] || continue
        t=$(us "$ts")
        ((t >= $2)) && { echo "$t"; return 0; }
    done < <(live_log cluster | grep -v '^#')
    return 1
}
# last_hello T0: the latest of every node's first hello since T0.
last_hello() {
    local n t last=0
    for n in $(nodes); do
        t=$(first_hello "$n" "$1") || return 1
        ((t > last)) && last=$t
    done
    echo "$last"
}
all_heard() { last_hello "$1" >/dev/null; }
# at FILE PATTERN: the seconds before the first line of FILE matching PATTERN.
at() { grep -m1 -E "^[0-9.]+ $2" "$1" | cut -d' ' -f1; }
timed() {
    local name=$1 round=$2 t0 t1 rc out=/res/$1-$2.out last up
    shift 2
    t0=$(us "$EPOCHREALTIME")
    # The exit's time from the deploy's side of the pipe, not the stamper's.
    { "$@" 2>&1; echo "$? $EPOCHREALTIME" >/tmp/deploy-end; } | stamp "$t0" >"$out"
    read -r rc t1 </tmp/deploy-end
    t1=$(us "$t1")
    ((rc == 0)) || fail "$name round $round: exit $rc: $(cat "$out")"
    wait_for 120 all_heard "$t0" || fail "$name round $round: not every node heard again"
    last=$(last_hello "$t0")
    same_snapshot || fail "$name round $round: the hosts run different snapshots"
    up=$(grep -oE '\[ *[0-9.]+ s\] [0-9]+/[0-9]+ node\(s\) up for' "$out" | sed -E 's/^\[ *([0-9.]+) s\].*/\1/' | sort -n | tail -1)
    echo "$name $round $(secs "$t0" "$t1") $(secs "$t0" "$last") $(at "$out" "$CHECKED") $(at "$out" "$SWITCHED") ${up:-0}" >>/res/bench.txt
}
"#;

/// The manager host: the three-host rounds, each followed by zs-one's.
const MANAGER: &str = r##"
CHECKED='deploy: switching every host'
SWITCHED='deploy: every host runs its nodes'
on() { ssh -n -o BatchMode=yes "root@$1" "${@:2}"; }
addr() { case $1 in zs-sensor1) echo 10.77.0.2 ;; zs-sensor2) echo 10.77.0.3 ;; esac; }
# same_snapshot: `current` names one snapshot on every host, a new one.
same_snapshot() {
    local h w id
    id=$(basename "$(readlink $STATE/current)")
    [[ $id != "${LAST_ID:-}" ]] || return 1
    while read -r h w; do
        [[ $(basename "$(on "$(addr "$h")" readlink $STATE/current)") == "$id" ]] || return 1
    done </etc/zeek-test/sensors
    LAST_ID=$id
}
# ms COMMAND...: how long COMMAND took, in milliseconds.
ms() { local t0; t0=$(us "$EPOCHREALTIME"); "$@" >/dev/null 2>&1; echo $((($(us "$EPOCHREALTIME") - t0) / 1000)); }

start_zeek
use_nodes all-nodes
wait_hellos 150
mkdir -p /etc/ssh
printf 'Host *\n IdentityFile /etc/zeek-test/id_ed25519\n StrictHostKeyChecking no\n UserKnownHostsFile /dev/null\n LogLevel ERROR\n' >/etc/ssh/ssh_config
while read -r h _; do
    wait_for 60 test -e "/shared/$h.sshd-up" || fail "the sshd of $h did not start"
done </etc/zeek-test/sensors
wait_for 300 test -e /shared/one-ready || fail "zs-one did not form its cluster"
for i in 1 2 3; do
    for a in 10.77.0.2 10.77.0.3; do
        echo "ssh $a $(ms on "$a" true)" >>/res/bench.txt
        echo "hello $a $(ms on "$a" "$GEN" remote-deploy hello)" >>/res/bench.txt
    done
done
for i in $(seq "$ROUNDS"); do
    sleep 5
    echo "load $i $(cut -d' ' -f1-3 /proc/loadavg)" >>/res/bench.txt
    echo "# bench round $i" >>"$SITE/local.zeek"
    timed three "$i" zs deploy --ssh-user root --remote-program "$GEN" --settle 3 --timeout 90
    touch "/shared/one-go-$i"
    wait_for 600 test -e "/shared/one-done-$i" || fail "zs-one's round $i did not end"
done
touch /shared/manager-done
true
"##;

/// zs-one: its cluster, then a deploy each time the manager host says so.
const ONE_SCENARIO: &str = r##"
CHECKED='restarting zeek.target'
SWITCHED='cluster join: every node of this host said hello'
same_snapshot() {
    local id
    id=$(basename "$(readlink $STATE/current)")
    [[ $id != "${LAST_ID:-}" ]] || return 1
    LAST_ID=$id
}
start_zeek
wait_hellos 150
touch /shared/one-ready
for i in $(seq "$ROUNDS"); do
    wait_for 900 test -e "/shared/one-go-$i" || fail "never told to deploy ($i)"
    sleep 5
    echo "load $i $(cut -d' ' -f1-3 /proc/loadavg)" >>/res/bench.txt
    echo "# bench round $i" >>"$SITE/local.zeek"
    timed one "$i" zs deploy --settle 3 --timeout 90
    touch "/shared/one-done-$i"
done
true
"##;

/// A sensor host: its worker and an sshd, until the manager host is done.
const SENSOR: &str = r#"
start_zeek
mkdir -p /run/sshd
sed -i 's/^root:[^:]*:/root:*:/' /etc/shadow
getent passwd sshd >/dev/null || echo 'sshd:x:990:65534:sshd:/run/sshd:/usr/sbin/nologin' >>/etc/passwd
/etc/zeek-test/sshd -f /etc/zeek-test/sshd_config -E /res/sshd.log || fail "sshd"
touch "/shared/$(hostname).sshd-up"
wait_for 3000 test -e /shared/manager-done || fail "the manager host did not finish"
true
"#;

/// The rounds asked for (`ZS_BENCH_ROUNDS`, default 3).
fn rounds() -> u32 {
    std::env::var("ZS_BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .filter(|&r| r > 0)
        .unwrap_or(3)
}

/// Where the results go (`ZS_BENCH_DIR`, default target/bench/cluster-deploy).
fn results_dir() -> PathBuf {
    std::env::var_os("ZS_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::common::root().join("target/bench/cluster-deploy"))
}

/// The files every container finds under /etc/zeek-test.
fn bench_files(rounds: u32) -> Vec<(String, String)> {
    let sensors: String = SENSORS
        .iter()
        .map(|(h, w)| format!("{} {w}\n", h.name))
        .collect();
    [
        ("all-nodes", network::node_list(setup::all_nodes())),
        ("sensors", sensors),
        ("marker.zeek", setup::MARKER_SCRIPT.to_string()),
        ("sshd_config", setup::SSHD_CONFIG.to_string()),
        ("rounds", format!("{rounds}\n")),
    ]
    .into_iter()
    .map(|(name, text)| (name.to_string(), text))
    .collect()
}

/// The bench's containers: (host, config, nodes, scenario body).
fn hosts() -> Vec<(NetHost, String, Vec<&'static str>, String)> {
    let three = setup::config(true, false, false);
    let mut hosts = vec![(
        MGR,
        three.clone(),
        MANAGER_NODES.to_vec(),
        format!("{TIMING}{MANAGER}"),
    )];
    for (host, worker) in SENSORS {
        hosts.push((host, three.clone(), vec![worker], SENSOR.to_string()));
    }
    hosts.push((
        ONE,
        ONE_CONFIG.to_string(),
        ONE_NODES.to_vec(),
        format!("{TIMING}{ONE_SCENARIO}"),
    ));
    hosts
}

/// Boots the four containers at once and waits for every round.
fn boot(prefix: &Path, rounds: u32) -> Vec<BootResult> {
    let net = Network::new("bd");
    let ssh = setup::ssh_keys();
    let files = bench_files(rounds);
    let writable_site = |at: &str| crate::common::WritableDir {
        at: at.into(),
        copy_of: Some(prefix.join("share/zeek/site")),
        files: Vec::new(),
    };
    let boots: Vec<_> = hosts()
        .into_iter()
        .map(|(host, config, nodes, body)| {
            let scenario = network::scenario_start(host.address, crate::scenarios::SPOOL) + &body;
            let mut boot = net.host(&host, prefix, &config, &nodes, &scenario);
            boot.files.extend(files.iter().cloned());
            boot.binds.extend(setup::ssh_binds(ssh.path()));
            boot.timeout_secs = 600 + 240 * rounds;
            if host.name == MGR.name || host.name == ONE.name {
                boot.writable_dirs
                    .push(writable_site("/opt/zeek/share/zeek/site"));
            }
            (host.name, boot)
        })
        .collect();
    net.boot_all(&boots)
}

/// Copies a container's /res (flat files) to `to`.
fn keep(result: &BootResult, to: &Path) {
    std::fs::create_dir_all(to).expect("make the results dir");
    for entry in std::fs::read_dir(result.res())
        .into_iter()
        .flatten()
        .flatten()
    {
        if entry.path().is_file() {
            let _ = std::fs::copy(entry.path(), to.join(entry.file_name()));
        }
    }
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg").unwrap_or_default()
}

/// The benchmark (see the module's doc): bench/cluster-deploy.sh runs it.
pub fn cluster_deploy_three_hosts_against_one() {
    let Some(prefix) = crate::setup::available() else {
        return;
    };
    let _one_at_a_time = real_zeek::serial();
    let rounds = rounds();
    let dir = results_dir();
    std::fs::create_dir_all(&dir).expect("make the results dir");
    let before = loadavg();
    let started = std::time::Instant::now();
    let results = boot(&prefix, rounds);
    let run = format!(
        "rounds {rounds}\nboot-secs {}\nload-before {before}load-after {}",
        started.elapsed().as_secs(),
        loadavg()
    );
    std::fs::write(dir.join("run.txt"), run).expect("write run.txt");
    for (result, host) in results
        .iter()
        .zip(["zs-mgr", "zs-sensor1", "zs-sensor2", ONE.name])
    {
        keep(result, &dir.join(host));
    }
    println!("results in {}", dir.display());
    for result in &results {
        result.assert_passed();
    }
}
