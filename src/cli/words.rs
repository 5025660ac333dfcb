//! A first word that is not a verb: ZeekControl's verbs with what does
//! the same here, anything else with the closest verb. ZeekControl users
//! type `zeekctl`'s words by habit; taking them as output directories (the
//! generator's arguments) would write units where nobody looks.

use crate::config::values::did_you_mean;

/// ZeekControl's verbs that are not ours, each with what replaces it.
const ZEEKCTL_VERBS: &[(&str, &str)] = &[
    (
        "start",
        "systemd starts the cluster: `systemctl start zeek.target`",
    ),
    (
        "stop",
        "systemd stops the cluster: `systemctl stop zeek.target`",
    ),
    (
        "restart",
        "`systemctl restart zeek.target` restarts the deployed config; to apply a change, \
         `zeek-systemd deploy` (it checks, installs and restarts)",
    ),
    (
        "install",
        "`zeek-systemd deploy` checks the config and scripts, installs them and restarts the \
         cluster",
    ),
    (
        "update",
        "`zeek-systemd deploy` installs a changed config or script (restarting the nodes)",
    ),
    (
        "nodes",
        "`zeek-systemd check` validates the config and lists this host's nodes",
    ),
    (
        "cron",
        "nothing to do: systemd restarts a crashed node (Restart=always) and starts \
         zeek-node-crashed@NODE.service to report it, zeek-archiver.service archives the logs, \
         zeek-log-expiry.timer expires them and zeek-disk-watch.timer watches the disk; remove \
         the `zeekctl cron` line from the crontab",
    ),
    (
        "capstats",
        "`zeek-systemd netstats` shows each worker's packets received and dropped",
    ),
    (
        "df",
        "`zeek-systemd check` ends with the free space of the log, spool and archive dirs",
    ),
    (
        "scripts",
        "`zeek-systemd render` prints each node's unit, its command line with the scripts it \
         loads",
    ),
    (
        "config",
        "the config is /etc/zeek/cluster.toml; `zeek-systemd render` prints what it makes of it",
    ),
    (
        "exec",
        "no equivalent: run the command on each host yourself (e.g. over ssh)",
    ),
    (
        "cleanup",
        "no equivalent: stop the cluster (`systemctl stop zeek.target`) and remove what you \
         want gone from the spool dir yourself",
    ),
    (
        "process",
        "no equivalent: run `zeek -r FILE` yourself with the scripts you want",
    ),
];

/// The error for `word` where a verb was expected: what it is in
/// ZeekControl and what replaces it, or the verb it is closest to.
pub fn not_a_verb(word: &str, verbs: &[String]) -> String {
    if let Some((_, instead)) = ZEEKCTL_VERBS.iter().find(|(w, _)| *w == word) {
        return format!("`{word}` is a ZeekControl command, not a zeek-systemd verb: {instead}");
    }
    let hint = did_you_mean(word, verbs.iter().map(String::as_str))
        .map(|verb| format!("; did you mean `{verb}`?"))
        .unwrap_or_default();
    format!("`{word}` is not a verb{hint} (see `zeek-systemd --help` for the verbs)")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verbs() -> Vec<String> {
        ["check", "status", "deploy", "diag"]
            .map(String::from)
            .to_vec()
    }

    #[test]
    fn a_typo_gets_the_closest_verb() {
        let text = not_a_verb("stauts", &verbs());
        assert!(text.contains("did you mean `status`?"), "{text}");
    }

    #[test]
    fn zeekctl_verbs_get_their_equivalent() {
        let text = not_a_verb("start", &verbs());
        assert!(text.contains("`systemctl start zeek.target`"), "{text}");
        assert!(not_a_verb("install", &verbs()).contains("`zeek-systemd deploy`"));
        assert!(not_a_verb("nodes", &verbs()).contains("`zeek-systemd check`"));
        assert!(not_a_verb("cron", &verbs()).contains("nothing to do"));
    }

    #[test]
    fn a_word_far_from_every_verb_gets_no_guess() {
        let text = not_a_verb("xyzzyplugh", &verbs());
        assert!(!text.contains("did you mean"), "{text}");
    }
}
