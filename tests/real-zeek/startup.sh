# shellcheck shell=bash
# Scenario of tests/real_zeek/startup.rs (the test prepends ROUNDS=N), run
# after lib.sh inside the container: a real Zeek cluster from zeek.conf
# (manager, logger, proxy, two AF_PACKET workers on lo) whose nodes start
# and stop in parallel (START ORDER in zeek-systemd-generator(8)). What the
# remaining ordering is for, ROUNDS times:
#
# * connections a worker has seen but not yet logged are logged as it
#   exits; the logger stops after it, so they reach the archive
#   (/res/stop-ROUND.txt: "PORT found|missing" per connection);
# * a record every worker logs 1.5 s into its stop reaches the archive
#   (/res/last-words-ROUND.txt: how many so far, 2 per round);
# * after the stop no log is left in the spool (/res/stranded-ROUND.txt);
# * every start forms the whole cluster again, whichever node comes first.
export SPOOL=/opt/zeek/var/spool/zeek LOG_DIR=/opt/zeek/var/logs/zeek
# shellcheck source=/dev/null # bound from tests/real-zeek/lib.sh
. /etc/zeek-test/zeek-lib.sh

start_zeek
wait_hellos 120
live_log cluster >/res/hellos-0.log

for ((r = 1; r <= ${ROUNDS:?}; r++)); do
    ports=$(seq $((41000 + r * 10 + 1)) $((41000 + r * 10 + 4)))
    # shellcheck disable=SC2086 # a list of ports
    connect_to $ports
    # Seen by the workers, not yet logged: Zeek logs a rejected
    # connection seconds later, or when it exits.
    sleep 0.5
    stop_cluster
    # Logs and their .shadow.NAME.log rotation files.
    find "$SPOOL" -name '*.log' ! -path "$SPOOL/generated-scripts/*" >"/res/stranded-$r.txt"
    for p in $ports; do
        if archived conn | cut -f6 | grep -qx "$p"; then echo "$p found"; else echo "$p missing"; fi
    done >"/res/stop-$r.txt"
    # Every worker's record from its zeek_done, written 1.5 s into its stop.
    archived zs_last_words | grep -c worker >"/res/last-words-$r.txt"
    start_zeek
    wait_hellos 120
    live_log cluster >"/res/hellos-$r.log"
done
journalctl -b -o short-unix --no-pager -u 'zeek*' >/res/zeek-journal.log
true
