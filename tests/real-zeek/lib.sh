# shellcheck shell=bash
# Functions for real-Zeek scenarios (tests/real_zeek*.rs); sourced inside the
# container from /etc/zeek-test/zeek-lib.sh after lib.sh. SPOOL and LOG_DIR
# are the config's spool and archive dirs.

LOG_DIR=${LOG_DIR:-/opt/zeek/logs}

# start_zeek: start zeek.target and wait until every node is active.
start_zeek() {
    systemctl start zeek.target || fail "systemctl start zeek.target failed"
    local n
    for n in $(nodes); do
        wait_for 60 is_active "zeek@$n.service" || fail "zeek@$n.service is not active"
    done
}

# logger_dirs: the spool dirs of this host's loggers (the manager's when the
# cluster has none: it is the logger then).
logger_dirs() {
    local n found=
    for n in $(nodes); do
        case $n in *logger*) echo "$SPOOL/$n" && found=1 ;; esac
    done
    if [[ -z $found ]] && nodes | grep -qx manager; then echo "$SPOOL/manager"; fi
}

# live_log NAME: the loggers' current NAME.log, concatenated.
live_log() {
    local d
    for d in $(logger_dirs); do cat "$d/$1.log" 2>/dev/null; done
}

# heard NODE: a logger's cluster.log has "got hello from NODE".
heard() { live_log cluster | grep -q "got hello from $1\b"; }

# wait_hellos SECONDS: every node of nodes() (or of the file $1 names) was
# heard by someone.
wait_hellos() {
    local n
    for n in $(nodes); do
        wait_for "$1" heard "$n" || fail "no \"got hello from $n\" in the loggers' cluster.log"
    done
}

# connect_to PORT...: one TCP connection attempt to 127.0.0.1:PORT each
# (nothing listens: SYN, RST), for the workers capturing on lo.
connect_to() {
    local p
    for p in "$@"; do
        (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null
    done
}

# conn_has PORT...: the loggers' current conn.log has a connection to each
# PORT (field id.resp_p, the 6th).
conn_has() {
    local p
    for p in "$@"; do
        live_log conn | cut -f6 | grep -qx "$p" || return 1
    done
}

# archived NAME: the archive's NAME logs, uncompressed, concatenated.
archived() {
    find "$LOG_DIR" -name "$1.*.log.gz" -exec zcat {} + 2>/dev/null
}

# archived_conn_has PORT...: like conn_has, in the archive.
archived_conn_has() {
    local p
    for p in "$@"; do
        archived conn | cut -f6 | grep -qx "$p" || return 1
    done
}

# save_security UNIT...: systemd-analyze security of each unit in /res/security.
save_security() {
    mkdir -p /res/security
    local u
    for u in "$@"; do
        systemd-analyze security --no-pager "$u" >"/res/security/$u" 2>&1
    done
}

# save_state NAME: what the spool, the queue and the archive hold, in
# /res/NAME.files (paths relative to /).
save_state() {
    find "$SPOOL" "$LOG_DIR" -type f ! -path "$SPOOL/generated-scripts/*" | sort >"/res/$1.files"
}

# save_restarts: NRestarts of every node in /res/restarts.txt.
save_restarts() {
    local n
    for n in $(nodes); do
        echo "$n $(systemctl show -p NRestarts --value "zeek@$n.service")"
    done >/res/restarts.txt
}
