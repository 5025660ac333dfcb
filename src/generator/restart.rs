//! How soon a node that died is started again: `RestartSec=` and, where
//! the running systemd has restart back-off (254 and later),
//! `RestartSteps=`/`RestartMaxDelaySec=`.
//!
//! A node that died leaves the network unwatched until it is back, so
//! when the config does not set `restart_sec` the first restart comes
//! well under a second. What keeps a node that crashes at every start
//! from turning that into a hot loop differs by version:
//!
//! * systemd 254 and later: back-off. The first restart after
//!   [`FAST_RESTART`], growing over [`BACKOFF_STEPS`] failed starts to
//!   [`MAX_DELAY_SEC`] (0.1, 0.19, 0.36, 0.7, 1.3, 2.5, 4.7, 9, 17, 32,
//!   then 60 s).
//! * systemd 252/253, or a version the generator could not read: a fixed
//!   [`NO_BACKOFF_RESTART`], measured (bench/README.md, "Crash loop"): a
//!   real Zeek worker that fails at start (its interface is gone) costs
//!   about [`NO_BACKOFF_CPU_PERCENT`] % of one CPU in a crash loop at
//!   that setting.
//!
//! A `restart_sec` in the config is taken as it is (with back-off up to a
//! minute on 254+, as before).
//!
//! systemd counts the restarts that make the back-off since the unit was
//! last started by hand, however long the node ran in between: a node that
//! crashes once a week would wait the full minute from its eleventh crash
//! on. So where there is back-off, the node's crash hook
//! (`ExecStopPost=`) resets the count (`systemctl reset-failed`, before
//! systemd picks the delay) when the node had run [`HEALTHY_RUN_SEC`]:
//! only a crash loop backs off.

/// First systemd with `RestartSteps=` and `RestartMaxDelaySec=`.
pub const BACKOFF_SINCE: u32 = 254;
/// The first restart delay where back-off exists.
pub const FAST_RESTART: &str = "100ms";
/// Failed starts over which the delay grows to [`MAX_DELAY_SEC`] when the
/// generator chooses the first delay.
pub const BACKOFF_STEPS: u32 = 10;
/// Failed starts over which a configured `restart_sec` grows to
/// [`MAX_DELAY_SEC`].
pub const CONFIGURED_BACKOFF_STEPS: u32 = 5;
/// The longest delay between restarts of a crash-looping node.
pub const MAX_DELAY_SEC: u32 = 60;
/// A node that ran this long before it died was not crash-looping: its
/// restart starts the back-off over. Ten times [`MAX_DELAY_SEC`], so a
/// loop at the longest delay is never mistaken for health.
pub const HEALTHY_RUN_SEC: u32 = 600;
/// The delay without back-off (systemd before 254, or unknown).
pub const NO_BACKOFF_RESTART: &str = "500ms";
/// What a real Zeek worker crash-looping at [`NO_BACKOFF_RESTART`] cost,
/// in percent of one CPU (bench/README.md).
pub const NO_BACKOFF_CPU_PERCENT: u32 = 38;

/// The restart settings of the node template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestartPolicy {
    /// The `RestartSec=` value (`1`, `100ms`).
    pub restart_sec: String,
    /// `RestartSteps=` and `RestartMaxDelaySec=`, where systemd has them.
    pub backoff: Option<(u32, u32)>,
    /// The config left the delay to the generator.
    pub automatic: bool,
}

/// The policy for nodes: `configured` is the config's `restart_sec`,
/// `systemd_version` the running systemd's (`None`: not known, e.g. a
/// person's `render`).
pub fn node_policy(configured: Option<u32>, systemd_version: Option<u32>) -> RestartPolicy {
    let backoff = systemd_version.is_some_and(|v| v >= BACKOFF_SINCE);
    match configured {
        Some(sec) => RestartPolicy {
            restart_sec: sec.to_string(),
            backoff: (backoff && sec < MAX_DELAY_SEC)
                .then_some((CONFIGURED_BACKOFF_STEPS, MAX_DELAY_SEC)),
            automatic: false,
        },
        None if backoff => RestartPolicy {
            restart_sec: FAST_RESTART.to_string(),
            backoff: Some((BACKOFF_STEPS, MAX_DELAY_SEC)),
            automatic: true,
        },
        None => RestartPolicy {
            restart_sec: NO_BACKOFF_RESTART.to_string(),
            backoff: None,
            automatic: true,
        },
    }
}

/// `RestartSec=` of the archiver, which has no back-off lines: the
/// configured delay, or the one that is safe without back-off.
pub fn archiver_restart_sec(configured: Option<u32>) -> String {
    configured.map_or_else(|| NO_BACKOFF_RESTART.to_string(), |s| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configured_delay_is_kept_with_backoff_only_where_systemd_has_it() {
        assert_eq!(node_policy(Some(1), Some(252)).restart_sec, "1");
        assert_eq!(node_policy(Some(1), Some(252)).backoff, None);
        assert_eq!(node_policy(Some(1), Some(254)).backoff, Some((5, 60)));
        assert_eq!(node_policy(Some(60), Some(256)).backoff, None);
        assert_eq!(node_policy(Some(3), None).backoff, None);
    }

    #[test]
    fn automatic_delay_is_sub_second_and_backs_off_where_it_can() {
        let new = node_policy(None, Some(254));
        assert_eq!(new.restart_sec, "100ms");
        assert_eq!(new.backoff, Some((10, 60)));
        let old = node_policy(None, Some(252));
        assert_eq!(old.restart_sec, NO_BACKOFF_RESTART);
        assert_eq!(old.backoff, None);
        assert_eq!(node_policy(None, None), old);
        assert_eq!(archiver_restart_sec(None), NO_BACKOFF_RESTART);
        assert_eq!(archiver_restart_sec(Some(7)), "7");
    }
}
