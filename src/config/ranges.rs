//! The range of every whole-number setting, declared once: both config
//! formats check their values against these, and their messages print
//! them.

/// The inclusive range a whole-number setting must be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntRange {
    pub min: i64,
    pub max: i64,
}

impl IntRange {
    const fn new(min: i64, max: i64) -> Self {
        IntRange { min, max }
    }

    /// Whether `n` is in the range.
    pub fn contains(self, n: i64) -> bool {
        (self.min..=self.max).contains(&n)
    }
}

/// Most workers one interface may have. Far above any real sensor, low
/// enough that a typo like `workers = 10000000` is an error, not an
/// allocation.
pub const MAX_WORKERS: u32 = 16384;

/// Most loggers or proxies.
pub const MAX_SERVICE_NODES: u32 = 1024;

/// Workers of one interface.
pub const WORKERS: IntRange = IntRange::new(1, MAX_WORKERS as i64);

/// zeek.conf's `workers`, where 0 turns capturing off.
pub const WORKERS_OR_NONE: IntRange = IntRange::new(0, MAX_WORKERS as i64);

/// Loggers or proxies of one host.
pub const SERVICE_NODES: IntRange = IntRange::new(0, MAX_SERVICE_NODES as i64);

/// `restart_sec` (zeek.conf: `restart_interval_sec`): up to an hour.
pub const RESTART_SEC: IntRange = IntRange::new(0, 3600);

/// `stop_timeout_sec`: up to a day.
pub const STOP_TIMEOUT_SEC: IntRange = IntRange::new(1, 86400);

/// A nice level, as setpriority(2) takes it.
pub const NICE: IntRange = IntRange::new(-20, 19);

/// `OOMScoreAdjust=`, as the kernel takes it.
pub const OOM_SCORE_ADJUST: IntRange = IntRange::new(-1000, 1000);

/// The first cluster listener port.
pub const LISTENER_PORT: IntRange = IntRange::new(1, 65535);

/// The first metrics port; 0 turns metrics off.
pub const METRICS_PORT: IntRange = IntRange::new(0, 65535);

/// `[alerts] max_per_hour`.
pub const ALERTS_PER_HOUR: IntRange = IntRange::new(1, 3600);

/// `[alerts] timeout_sec`.
pub const ALERT_TIMEOUT_SEC: IntRange = IntRange::new(1, 600);
