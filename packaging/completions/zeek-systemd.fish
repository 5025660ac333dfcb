# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_zeek_systemd_global_optspecs
    string join \n config= host= h/help V/version
end

function __fish_zeek_systemd_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_zeek_systemd_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_zeek_systemd_using_subcommand
    set -l cmd (__fish_zeek_systemd_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c zeek-systemd -n "__fish_zeek_systemd_needs_command" -l config -d 'The generator\'s config (`zeek-systemd-generator --config PATH DIR`); before a verb, as the verb\'s `--config` (units written by earlier versions call `--host NAME alert`)' -r -F
complete -c zeek-systemd -n "__fish_zeek_systemd_needs_command" -l host -d 'As `--config`: the generator\'s host, or the verb\'s' -r
complete -c zeek-systemd -n "__fish_zeek_systemd_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c zeek-systemd -n "__fish_zeek_systemd_needs_command" -s V -l version -d 'Print version'
complete -c zeek-systemd -n "__fish_zeek_systemd_needs_command" -a "check" -d 'Validate the config and print the nodes of this host, with warnings for settings that validate but hurt'
complete -c zeek-systemd -n "__fish_zeek_systemd_needs_command" -a "deploy" -d 'Check the live config and scripts (as check --deep), show what changes, install them as the deployed snapshot, restart the cluster and wait for it; roll back if it does not come up'
complete -c zeek-systemd -n "__fish_zeek_systemd_needs_command" -a "status" -d 'Show systemd\'s view of this host\'s nodes (state, PID, restarts, last exit, CPU time, memory, CPUs) and the config\'s state; exit 3 if a node is not running or the config is invalid'
complete -c zeek-systemd -n "__fish_zeek_systemd_needs_command" -a "diag" -d 'After a crash: a node\'s last exit and when, restarts, journal tail, last core dump and the tail of its reporter.log/stderr.log'
complete -c zeek-systemd -n "__fish_zeek_systemd_needs_command" -a "netstats" -d 'Packets received, dropped and seen on the link per worker, from each worker\'s Prometheus metrics endpoint (like `zeekctl netstats`)'
complete -c zeek-systemd -n "__fish_zeek_systemd_needs_command" -a "print" -d 'The value of a global on every node (or the named ones), asked through the manager\'s WebSocket API (like `zeekctl print`)'
complete -c zeek-systemd -n "__fish_zeek_systemd_needs_command" -a "peers" -d 'For each node, whether the manager hears it now and since when (its record of node up/down), and the nodes it never heard; exit 3 if one is not up'
complete -c zeek-systemd -n "__fish_zeek_systemd_needs_command" -a "top" -d 'Every node\'s CPU %, memory and PID from systemd\'s accounting, refreshed like `top` (`--once`, `--json` for scripts)'
complete -c zeek-systemd -n "__fish_zeek_systemd_needs_command" -a "import-zeekctl" -d 'Turn ZeekControl\'s node.cfg, zeekctl.cfg and networks.cfg into a cluster.toml that keeps its node names'
complete -c zeek-systemd -n "__fish_zeek_systemd_needs_command" -a "layout" -d 'Write cluster-layout.zeek for the whole cluster'
complete -c zeek-systemd -n "__fish_zeek_systemd_needs_command" -a "render" -d 'Print every file the generator would write, with its path'
complete -c zeek-systemd -n "__fish_zeek_systemd_needs_command" -a "policy-script" -d 'Write the Zeek script that rotates logs into the archiver\'s queue'
complete -c zeek-systemd -n "__fish_zeek_systemd_needs_command" -a "alert" -d 'Crash and disk-space reports (run by zeek-node-crashed@NODE and zeek-disk-watch), and `alert test` to try the [alerts] channels'
complete -c zeek-systemd -n "__fish_zeek_systemd_needs_command" -a "secrets" -d 'The cluster\'s secrets: `secrets create` makes the keys and hash seed of an encrypted multi-host cluster'
complete -c zeek-systemd -n "__fish_zeek_systemd_needs_command" -a "setup-scripts" -d 'Put the scripts the nodes load in place (zeek-setup.service runs this at every cluster start)'
complete -c zeek-systemd -n "__fish_zeek_systemd_needs_command" -a "remote-deploy" -d 'One host\'s part of a cluster-wide deploy (run over SSH by `deploy`)'
complete -c zeek-systemd -n "__fish_zeek_systemd_needs_command" -a "rotate-leftovers" -d 'Move the logs Zeek wrote after its rotation at exit into the archiver\'s queue (a log receiver\'s ExecStopPost= runs this)'
complete -c zeek-systemd -n "__fish_zeek_systemd_needs_command" -a "completions" -d 'Print the completion script for a shell (packages ship them; see packaging/gen-completions.sh)'
complete -c zeek-systemd -n "__fish_zeek_systemd_needs_command" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand check" -l config -d 'The config to read instead of looking in the config directory' -r -F
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand check" -l host -d 'Act for this host of a multi-host config instead of this machine (shortened and lower-cased as the machine\'s hostname is)' -r
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand check" -l deep -d 'Also check that the user, group and zeek binary exist, that every node command line parses its scripts (zeek -a, as the node user) and that the units pass systemd-analyze verify'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand check" -s h -l help -d 'Print help'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand deploy" -l config -d 'The config to read instead of looking in the config directory' -r -F
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand deploy" -l restart -d 'What to restart once the snapshot is installed: `all` (the whole cluster of this host, waited for, rolled back on failure) or `none` (nodes load it at their next start, crash restarts included)' -r -f -a "all\t'The whole cluster of this host (`systemctl restart zeek.target`: the stop order keeps every log), then wait and roll back on failure'
none\t'Nothing: nodes load the new snapshot at their next start, a crash restart included. No wait, no rollback'"
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand deploy" -l settle -d 'Seconds every node must stay up after the restart' -r
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand deploy" -l timeout -d 'Seconds the cluster gets to come up (and join) before the deploy is rolled back' -r
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand deploy" -l ssh-user -d 'The SSH user for the other hosts (`USER@HOST`); default: ssh\'s own' -r
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand deploy" -l remote-program -d 'The program the other hosts run (over SSH) for their part' -r
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand deploy" -l dry-run -d 'Check and show what would change, then stop: nothing is installed or restarted'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand deploy" -l this-host-only -d 'A multi-host config: deploy to this host only (each host on its own, as before cluster-wide deploys)'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand deploy" -l reachable-only -d 'A multi-host config: deploy to the hosts that can be reached and name the others (by default, one host out of reach stops the deploy before anything changed)'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand deploy" -l rolling -d 'Restart the workers of each interface in waves, so that it always has a worker capturing (scripts and workers\' unit lines only)'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand deploy" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand status" -l config -d 'The config to read instead of looking in the config directory' -r -F
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand status" -l host -d 'Act for this host of a multi-host config instead of this machine (shortened and lower-cased as the machine\'s hostname is)' -r
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand status" -l ssh-user -d 'The SSH user for --cluster (`USER@HOST`); default: ssh\'s own' -r
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand status" -l remote-program -d 'The program the other hosts run (over SSH) to say which of their nodes run an old Zeek, as `deploy --remote-program`' -r
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand status" -l json -d 'Print JSON instead of the table'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand status" -l cluster -d 'Every node of every host of a multi-host cluster (each other host asked with `systemctl -H HOST`, over SSH), and the hosts that could not be asked'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand status" -s h -l help -d 'Print help'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand diag" -l config -d 'The config to read instead of looking in the config directory' -r -F
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand diag" -l host -d 'Act for this host of a multi-host config instead of this machine (shortened and lower-cased as the machine\'s hostname is)' -r
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand diag" -s n -l lines -d 'How many lines of the journal and of each log to show' -r
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand diag" -s h -l help -d 'Print help'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand netstats" -l config -d 'The config to read instead of looking in the config directory' -r -F
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand netstats" -l host -d 'Act for this host of a multi-host config instead of this machine (shortened and lower-cased as the machine\'s hostname is)' -r
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand netstats" -l json -d 'Print JSON instead of the table'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand netstats" -l cluster -d 'The workers of every host of a multi-host cluster (their metrics endpoints on their hosts\' addresses), not only this host\'s'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand netstats" -s h -l help -d 'Print help'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand print" -l config -d 'The config to read instead of looking in the config directory' -r -F
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand print" -l host -d 'Act for this host of a multi-host config instead of this machine (shortened and lower-cased as the machine\'s hostname is)' -r
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand print" -l timeout -d 'Seconds to wait for the nodes\' answers; a node silent that long is named as not answering' -r
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand print" -l websocket -d 'The manager\'s WebSocket API (default: `[cluster] websocket`, for a zeek.conf config 127.0.0.1:27759)' -r
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand print" -l json -d 'Print JSON instead of the table'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand print" -s h -l help -d 'Print help'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand peers" -l config -d 'The config to read instead of looking in the config directory' -r -F
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand peers" -l host -d 'Act for this host of a multi-host config instead of this machine (shortened and lower-cased as the machine\'s hostname is)' -r
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand peers" -l timeout -d 'Seconds to wait for the nodes\' answers; a node silent that long is named as not answering' -r
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand peers" -l websocket -d 'The manager\'s WebSocket API (default: `[cluster] websocket`, for a zeek.conf config 127.0.0.1:27759)' -r
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand peers" -l json -d 'Print JSON instead of the table'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand peers" -s h -l help -d 'Print help'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand top" -l config -d 'The config to read instead of looking in the config directory' -r -F
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand top" -l host -d 'Act for this host of a multi-host config instead of this machine (shortened and lower-cased as the machine\'s hostname is)' -r
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand top" -l interval -d 'Seconds between the two samples of CPU time, and between refreshes' -r
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand top" -l ssh-user -d 'The SSH user for --cluster (`USER@HOST`); default: ssh\'s own' -r
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand top" -l once -d 'One sample (over one interval), printed once'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand top" -l json -d 'Print JSON instead of the table (implies --once)'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand top" -l cluster -d 'Every node of every host of a multi-host cluster (each other host asked with `systemctl -H HOST`, over SSH)'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand top" -s h -l help -d 'Print help'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand import-zeekctl" -l node-cfg -d 'ZeekControl\'s node list [default: <prefix>/etc/node.cfg]' -r -F
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand import-zeekctl" -l zeekctl-cfg -d 'ZeekControl\'s options [default: <prefix>/etc/zeekctl.cfg, if it exists]' -r -F
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand import-zeekctl" -l networks-cfg -d 'ZeekControl\'s local networks [default: <prefix>/etc/networks.cfg, if it exists]' -r -F
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand import-zeekctl" -s o -l output -d 'Where to write cluster.toml (`-` for stdout); local-networks.zeek goes next to it' -r -F
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand import-zeekctl" -l check -d 'Write nothing; print every node as ZeekControl runs it next to the imported config\'s (exit 1 if any differs)'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand import-zeekctl" -l force -d 'Replace an existing output file'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand import-zeekctl" -s h -l help -d 'Print help'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand layout" -l config -d 'The config to read instead of looking in the config directory' -r -F
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand layout" -l host -d 'Act for this host of a multi-host config instead of this machine (shortened and lower-cased as the machine\'s hostname is)' -r
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand layout" -s o -l output -d 'Output file (`-` for stdout)' -r -F
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand layout" -s h -l help -d 'Print help'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand render" -l config -d 'The config to read instead of looking in the config directory' -r -F
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand render" -l host -d 'Act for this host of a multi-host config instead of this machine (shortened and lower-cased as the machine\'s hostname is)' -r
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand render" -l normal-dir -d 'The output dir the paths are shown under' -r -F
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand render" -s h -l help -d 'Print help'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand policy-script" -s o -l output -d 'Output file (`-` for stdout)' -r -F
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand policy-script" -s h -l help -d 'Print help'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand alert; and not __fish_seen_subcommand_from crash disk test help" -l config -d 'The config to read instead of looking in the config directory' -r -F
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand alert; and not __fish_seen_subcommand_from crash disk test help" -l host -d 'Act for this host of a multi-host config instead of this machine (shortened and lower-cased as the machine\'s hostname is)' -r
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand alert; and not __fish_seen_subcommand_from crash disk test help" -s h -l help -d 'Print help'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand alert; and not __fish_seen_subcommand_from crash disk test help" -f -a "crash" -d 'Report that NODE stopped uncleanly (run by zeek-node-crashed@NODE; reads SERVICE_RESULT, EXIT_CODE and EXIT_STATUS from the environment)'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand alert; and not __fish_seen_subcommand_from crash disk test help" -f -a "disk" -d 'Check the free space of the spool, queue and archive; report each file system that crossed [disk] min_free since the last check, and an archive that became unwritable or a queue that stopped moving (run by zeek-disk-watch.timer)'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand alert; and not __fish_seen_subcommand_from crash disk test help" -f -a "test" -d 'Send a test report through every channel of [alerts] (not rate limited) and say how each fared'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand alert; and not __fish_seen_subcommand_from crash disk test help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand alert; and __fish_seen_subcommand_from crash" -s h -l help -d 'Print help'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand alert; and __fish_seen_subcommand_from disk" -s h -l help -d 'Print help'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand alert; and __fish_seen_subcommand_from test" -s h -l help -d 'Print help'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand alert; and __fish_seen_subcommand_from help" -f -a "crash" -d 'Report that NODE stopped uncleanly (run by zeek-node-crashed@NODE; reads SERVICE_RESULT, EXIT_CODE and EXIT_STATUS from the environment)'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand alert; and __fish_seen_subcommand_from help" -f -a "disk" -d 'Check the free space of the spool, queue and archive; report each file system that crossed [disk] min_free since the last check, and an archive that became unwritable or a queue that stopped moving (run by zeek-disk-watch.timer)'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand alert; and __fish_seen_subcommand_from help" -f -a "test" -d 'Send a test report through every channel of [alerts] (not rate limited) and say how each fared'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand alert; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand secrets; and not __fish_seen_subcommand_from create rotate install help" -s h -l help -d 'Print help'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand secrets; and not __fish_seen_subcommand_from create rotate install help" -f -a "create" -d 'Create the cluster\'s secrets (CURVE server and client key pairs, a hash seed) in /etc/zeek/cluster-secrets, root only; copy the file to every host'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand secrets; and not __fish_seen_subcommand_from create rotate install help" -f -a "rotate" -d 'New keys and a new hash seed, live on every host of the cluster in one cluster-wide deploy (every node restarts with them; a host that fails puts every host back on the old ones)'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand secrets; and not __fish_seen_subcommand_from create rotate install help" -f -a "install" -d 'Split the secrets into each kind of node\'s credential (zeek-setup.service runs this at every cluster start)'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand secrets; and not __fish_seen_subcommand_from create rotate install help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand secrets; and __fish_seen_subcommand_from create" -s o -l output -d 'Write here instead' -r -F
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand secrets; and __fish_seen_subcommand_from create" -l force -d 'Replace an existing file (new keys: every host needs the new file before its cluster restarts)'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand secrets; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand secrets; and __fish_seen_subcommand_from rotate" -l restart -d 'What to restart once the snapshot is installed: `all` (the whole cluster of this host, waited for, rolled back on failure) or `none` (nodes load it at their next start, crash restarts included)' -r -f -a "all\t'The whole cluster of this host (`systemctl restart zeek.target`: the stop order keeps every log), then wait and roll back on failure'
none\t'Nothing: nodes load the new snapshot at their next start, a crash restart included. No wait, no rollback'"
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand secrets; and __fish_seen_subcommand_from rotate" -l settle -d 'Seconds every node must stay up after the restart' -r
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand secrets; and __fish_seen_subcommand_from rotate" -l timeout -d 'Seconds the cluster gets to come up (and join) before the deploy is rolled back' -r
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand secrets; and __fish_seen_subcommand_from rotate" -l ssh-user -d 'The SSH user for the other hosts (`USER@HOST`); default: ssh\'s own' -r
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand secrets; and __fish_seen_subcommand_from rotate" -l remote-program -d 'The program the other hosts run (over SSH) for their part' -r
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand secrets; and __fish_seen_subcommand_from rotate" -l dry-run -d 'Check and show what would change, then stop: nothing is installed or restarted'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand secrets; and __fish_seen_subcommand_from rotate" -l this-host-only -d 'A multi-host config: deploy to this host only (each host on its own, as before cluster-wide deploys)'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand secrets; and __fish_seen_subcommand_from rotate" -l reachable-only -d 'A multi-host config: deploy to the hosts that can be reached and name the others (by default, one host out of reach stops the deploy before anything changed)'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand secrets; and __fish_seen_subcommand_from rotate" -l rolling -d 'Restart the workers of each interface in waves, so that it always has a worker capturing (scripts and workers\' unit lines only)'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand secrets; and __fish_seen_subcommand_from rotate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand secrets; and __fish_seen_subcommand_from install" -l secrets -r -F
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand secrets; and __fish_seen_subcommand_from install" -l out -r -F
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand secrets; and __fish_seen_subcommand_from install" -s h -l help -d 'Print help'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand secrets; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create the cluster\'s secrets (CURVE server and client key pairs, a hash seed) in /etc/zeek/cluster-secrets, root only; copy the file to every host'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand secrets; and __fish_seen_subcommand_from help" -f -a "rotate" -d 'New keys and a new hash seed, live on every host of the cluster in one cluster-wide deploy (every node restarts with them; a host that fails puts every host back on the old ones)'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand secrets; and __fish_seen_subcommand_from help" -f -a "install" -d 'Split the secrets into each kind of node\'s credential (zeek-setup.service runs this at every cluster start)'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand secrets; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand setup-scripts" -l config -d 'The config to read instead of looking in the config directory' -r -F
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand setup-scripts" -l host -d 'Act for this host of a multi-host config instead of this machine (shortened and lower-cased as the machine\'s hostname is)' -r
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand setup-scripts" -s h -l help -d 'Print help'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand remote-deploy; and not __fish_seen_subcommand_from hello stage switch roll-back identities old-zeek journal help" -s h -l help -d 'Print help'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand remote-deploy; and not __fish_seen_subcommand_from hello stage switch roll-back identities old-zeek journal help" -f -a "hello" -d 'Say which host this is (the deploying host\'s first contact)'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand remote-deploy; and not __fish_seen_subcommand_from hello stage switch roll-back identities old-zeek journal help" -f -a "stage" -d 'Read a bundle from stdin, check it for this host\'s nodes, show what changes, and install it as a snapshot that is not yet live'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand remote-deploy; and not __fish_seen_subcommand_from hello stage switch roll-back identities old-zeek journal help" -f -a "switch" -d 'Make the staged snapshot, config and secrets live; restart this host\'s nodes and wait for them'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand remote-deploy; and not __fish_seen_subcommand_from hello stage switch roll-back identities old-zeek journal help" -f -a "roll-back" -d 'Put back what ran before the last switch; restart and wait'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand remote-deploy; and not __fish_seen_subcommand_from hello stage switch roll-back identities old-zeek journal help" -f -a "identities" -d 'Print the manager\'s record of every node\'s identity (on the manager\'s host)'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand remote-deploy; and not __fish_seen_subcommand_from hello stage switch roll-back identities old-zeek journal help" -f -a "old-zeek" -d 'Print this host\'s nodes that run a Zeek other than the one on disk (read only: `status --cluster`)'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand remote-deploy; and not __fish_seen_subcommand_from hello stage switch roll-back identities old-zeek journal help" -f -a "journal" -d 'Print the last journal lines of a node of this host since a time'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand remote-deploy; and not __fish_seen_subcommand_from hello stage switch roll-back identities old-zeek journal help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand remote-deploy; and __fish_seen_subcommand_from hello" -s h -l help -d 'Print help'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand remote-deploy; and __fish_seen_subcommand_from stage" -l dry-run -d 'Check and show the changes only: write nothing'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand remote-deploy; and __fish_seen_subcommand_from stage" -s h -l help -d 'Print help'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand remote-deploy; and __fish_seen_subcommand_from switch" -l settle -r
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand remote-deploy; and __fish_seen_subcommand_from switch" -l timeout -r
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand remote-deploy; and __fish_seen_subcommand_from switch" -s h -l help -d 'Print help'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand remote-deploy; and __fish_seen_subcommand_from roll-back" -l settle -r
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand remote-deploy; and __fish_seen_subcommand_from roll-back" -l timeout -r
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand remote-deploy; and __fish_seen_subcommand_from roll-back" -s h -l help -d 'Print help'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand remote-deploy; and __fish_seen_subcommand_from identities" -s h -l help -d 'Print help'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand remote-deploy; and __fish_seen_subcommand_from old-zeek" -s h -l help -d 'Print help'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand remote-deploy; and __fish_seen_subcommand_from journal" -s h -l help -d 'Print help'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand remote-deploy; and __fish_seen_subcommand_from help" -f -a "hello" -d 'Say which host this is (the deploying host\'s first contact)'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand remote-deploy; and __fish_seen_subcommand_from help" -f -a "stage" -d 'Read a bundle from stdin, check it for this host\'s nodes, show what changes, and install it as a snapshot that is not yet live'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand remote-deploy; and __fish_seen_subcommand_from help" -f -a "switch" -d 'Make the staged snapshot, config and secrets live; restart this host\'s nodes and wait for them'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand remote-deploy; and __fish_seen_subcommand_from help" -f -a "roll-back" -d 'Put back what ran before the last switch; restart and wait'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand remote-deploy; and __fish_seen_subcommand_from help" -f -a "identities" -d 'Print the manager\'s record of every node\'s identity (on the manager\'s host)'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand remote-deploy; and __fish_seen_subcommand_from help" -f -a "old-zeek" -d 'Print this host\'s nodes that run a Zeek other than the one on disk (read only: `status --cluster`)'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand remote-deploy; and __fish_seen_subcommand_from help" -f -a "journal" -d 'Print the last journal lines of a node of this host since a time'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand remote-deploy; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand rotate-leftovers" -l log-suffix -d 'The node name to add as `log_suffix=` metadata, as Zeek does when the cluster has more than one logger' -r
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand rotate-leftovers" -s h -l help -d 'Print help'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand completions" -s h -l help -d 'Print help'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand help; and not __fish_seen_subcommand_from check deploy status diag netstats print peers top import-zeekctl layout render policy-script alert secrets setup-scripts remote-deploy rotate-leftovers completions help" -f -a "check" -d 'Validate the config and print the nodes of this host, with warnings for settings that validate but hurt'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand help; and not __fish_seen_subcommand_from check deploy status diag netstats print peers top import-zeekctl layout render policy-script alert secrets setup-scripts remote-deploy rotate-leftovers completions help" -f -a "deploy" -d 'Check the live config and scripts (as check --deep), show what changes, install them as the deployed snapshot, restart the cluster and wait for it; roll back if it does not come up'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand help; and not __fish_seen_subcommand_from check deploy status diag netstats print peers top import-zeekctl layout render policy-script alert secrets setup-scripts remote-deploy rotate-leftovers completions help" -f -a "status" -d 'Show systemd\'s view of this host\'s nodes (state, PID, restarts, last exit, CPU time, memory, CPUs) and the config\'s state; exit 3 if a node is not running or the config is invalid'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand help; and not __fish_seen_subcommand_from check deploy status diag netstats print peers top import-zeekctl layout render policy-script alert secrets setup-scripts remote-deploy rotate-leftovers completions help" -f -a "diag" -d 'After a crash: a node\'s last exit and when, restarts, journal tail, last core dump and the tail of its reporter.log/stderr.log'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand help; and not __fish_seen_subcommand_from check deploy status diag netstats print peers top import-zeekctl layout render policy-script alert secrets setup-scripts remote-deploy rotate-leftovers completions help" -f -a "netstats" -d 'Packets received, dropped and seen on the link per worker, from each worker\'s Prometheus metrics endpoint (like `zeekctl netstats`)'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand help; and not __fish_seen_subcommand_from check deploy status diag netstats print peers top import-zeekctl layout render policy-script alert secrets setup-scripts remote-deploy rotate-leftovers completions help" -f -a "print" -d 'The value of a global on every node (or the named ones), asked through the manager\'s WebSocket API (like `zeekctl print`)'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand help; and not __fish_seen_subcommand_from check deploy status diag netstats print peers top import-zeekctl layout render policy-script alert secrets setup-scripts remote-deploy rotate-leftovers completions help" -f -a "peers" -d 'For each node, whether the manager hears it now and since when (its record of node up/down), and the nodes it never heard; exit 3 if one is not up'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand help; and not __fish_seen_subcommand_from check deploy status diag netstats print peers top import-zeekctl layout render policy-script alert secrets setup-scripts remote-deploy rotate-leftovers completions help" -f -a "top" -d 'Every node\'s CPU %, memory and PID from systemd\'s accounting, refreshed like `top` (`--once`, `--json` for scripts)'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand help; and not __fish_seen_subcommand_from check deploy status diag netstats print peers top import-zeekctl layout render policy-script alert secrets setup-scripts remote-deploy rotate-leftovers completions help" -f -a "import-zeekctl" -d 'Turn ZeekControl\'s node.cfg, zeekctl.cfg and networks.cfg into a cluster.toml that keeps its node names'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand help; and not __fish_seen_subcommand_from check deploy status diag netstats print peers top import-zeekctl layout render policy-script alert secrets setup-scripts remote-deploy rotate-leftovers completions help" -f -a "layout" -d 'Write cluster-layout.zeek for the whole cluster'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand help; and not __fish_seen_subcommand_from check deploy status diag netstats print peers top import-zeekctl layout render policy-script alert secrets setup-scripts remote-deploy rotate-leftovers completions help" -f -a "render" -d 'Print every file the generator would write, with its path'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand help; and not __fish_seen_subcommand_from check deploy status diag netstats print peers top import-zeekctl layout render policy-script alert secrets setup-scripts remote-deploy rotate-leftovers completions help" -f -a "policy-script" -d 'Write the Zeek script that rotates logs into the archiver\'s queue'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand help; and not __fish_seen_subcommand_from check deploy status diag netstats print peers top import-zeekctl layout render policy-script alert secrets setup-scripts remote-deploy rotate-leftovers completions help" -f -a "alert" -d 'Crash and disk-space reports (run by zeek-node-crashed@NODE and zeek-disk-watch), and `alert test` to try the [alerts] channels'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand help; and not __fish_seen_subcommand_from check deploy status diag netstats print peers top import-zeekctl layout render policy-script alert secrets setup-scripts remote-deploy rotate-leftovers completions help" -f -a "secrets" -d 'The cluster\'s secrets: `secrets create` makes the keys and hash seed of an encrypted multi-host cluster'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand help; and not __fish_seen_subcommand_from check deploy status diag netstats print peers top import-zeekctl layout render policy-script alert secrets setup-scripts remote-deploy rotate-leftovers completions help" -f -a "setup-scripts" -d 'Put the scripts the nodes load in place (zeek-setup.service runs this at every cluster start)'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand help; and not __fish_seen_subcommand_from check deploy status diag netstats print peers top import-zeekctl layout render policy-script alert secrets setup-scripts remote-deploy rotate-leftovers completions help" -f -a "remote-deploy" -d 'One host\'s part of a cluster-wide deploy (run over SSH by `deploy`)'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand help; and not __fish_seen_subcommand_from check deploy status diag netstats print peers top import-zeekctl layout render policy-script alert secrets setup-scripts remote-deploy rotate-leftovers completions help" -f -a "rotate-leftovers" -d 'Move the logs Zeek wrote after its rotation at exit into the archiver\'s queue (a log receiver\'s ExecStopPost= runs this)'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand help; and not __fish_seen_subcommand_from check deploy status diag netstats print peers top import-zeekctl layout render policy-script alert secrets setup-scripts remote-deploy rotate-leftovers completions help" -f -a "completions" -d 'Print the completion script for a shell (packages ship them; see packaging/gen-completions.sh)'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand help; and not __fish_seen_subcommand_from check deploy status diag netstats print peers top import-zeekctl layout render policy-script alert secrets setup-scripts remote-deploy rotate-leftovers completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand help; and __fish_seen_subcommand_from alert" -f -a "crash" -d 'Report that NODE stopped uncleanly (run by zeek-node-crashed@NODE; reads SERVICE_RESULT, EXIT_CODE and EXIT_STATUS from the environment)'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand help; and __fish_seen_subcommand_from alert" -f -a "disk" -d 'Check the free space of the spool, queue and archive; report each file system that crossed [disk] min_free since the last check, and an archive that became unwritable or a queue that stopped moving (run by zeek-disk-watch.timer)'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand help; and __fish_seen_subcommand_from alert" -f -a "test" -d 'Send a test report through every channel of [alerts] (not rate limited) and say how each fared'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand help; and __fish_seen_subcommand_from secrets" -f -a "create" -d 'Create the cluster\'s secrets (CURVE server and client key pairs, a hash seed) in /etc/zeek/cluster-secrets, root only; copy the file to every host'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand help; and __fish_seen_subcommand_from secrets" -f -a "rotate" -d 'New keys and a new hash seed, live on every host of the cluster in one cluster-wide deploy (every node restarts with them; a host that fails puts every host back on the old ones)'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand help; and __fish_seen_subcommand_from secrets" -f -a "install" -d 'Split the secrets into each kind of node\'s credential (zeek-setup.service runs this at every cluster start)'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand help; and __fish_seen_subcommand_from remote-deploy" -f -a "hello" -d 'Say which host this is (the deploying host\'s first contact)'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand help; and __fish_seen_subcommand_from remote-deploy" -f -a "stage" -d 'Read a bundle from stdin, check it for this host\'s nodes, show what changes, and install it as a snapshot that is not yet live'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand help; and __fish_seen_subcommand_from remote-deploy" -f -a "switch" -d 'Make the staged snapshot, config and secrets live; restart this host\'s nodes and wait for them'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand help; and __fish_seen_subcommand_from remote-deploy" -f -a "roll-back" -d 'Put back what ran before the last switch; restart and wait'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand help; and __fish_seen_subcommand_from remote-deploy" -f -a "identities" -d 'Print the manager\'s record of every node\'s identity (on the manager\'s host)'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand help; and __fish_seen_subcommand_from remote-deploy" -f -a "old-zeek" -d 'Print this host\'s nodes that run a Zeek other than the one on disk (read only: `status --cluster`)'
complete -c zeek-systemd -n "__fish_zeek_systemd_using_subcommand help; and __fish_seen_subcommand_from remote-deploy" -f -a "journal" -d 'Print the last journal lines of a node of this host since a time'
