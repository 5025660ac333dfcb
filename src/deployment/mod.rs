//! What is deployed: the config's copies, the scripts' snapshots, and the
//! switch from one deploy to the next. The only module that knows where
//! each copy lives; the generator reads through it, `deploy` writes
//! through it. It sits below both programs and imports neither.
//!
//! The config exists in up to five places at once:
//!
//! | copy | where | written by | read by |
//! |------|-------|------------|---------|
//! | the live config | `<config dir>/cluster.toml`, `cluster/<host>.zeek.conf` or `zeek.conf` | the person | `check`, `render`, `layout`, `deploy` (its candidate); the generator and `status` until the first deploy |
//! | the deployed config | `<config dir>/deployed/` ([`DEPLOYED_DIR`]) | `deploy` ([`Deployment::switch_to`]; its roll-back puts the previous one back) | the generator and `status` ([`Deployment::config_for_units`]); `deploy` (what ran before it) |
//! | the generator's copy | `<generator dir>/zeek-systemd/config/` ([`CONFIG_COPY_DIR`]) | the generator, at every run: the config its units came from | zeek-setup (`setup-scripts`, through `ZEEK_SYSTEMD_CONFIG_DIR`); zeek-setup and zeek-config-check copy it to the last good config; `deploy` (the loaded units' config) |
//! | the last good config | `/run/zeek-systemd/last-good/` ([`LAST_GOOD_DIR`]) | zeek-setup at a start, zeek-config-check at a valid reload (the units' own commands) | the generator and `status`, while the config they would read is invalid ([`last_good`]) |
//! | the snapshot's config | `/var/lib/zeek-systemd/snapshots/<id>/config/` ([`snapshot::CONFIG`]) | `deploy` and `setup-scripts`, with the snapshot ([`snapshot::build`]) | `status` (what on disk is not deployed), `deploy` (what changes) |
//!
//! Beside them, `/var/lib/zeek-systemd/current` ([`snapshot::STATE_DIR`],
//! [`snapshot::CURRENT`]) names the snapshot of scripts the nodes load.
//! A deploy switches the deployed config and `current` together, and puts
//! both back when the cluster does not come up ([`switch`]).
//!
//! Every path is absolute as on the real machine (units name them so);
//! [`Deployment`] holds them as this program sees them, under
//! [`crate::env::ROOT_ENV`].

pub mod bundle;
pub mod deployed;
pub mod last_good;
pub mod snapshot;
pub mod staged;
pub mod switch;

use std::path::{Path, PathBuf};

use crate::config::{self, ConfigFiles, ReadOptions};
use crate::env::Environment;
use crate::model::Cluster;
use crate::paths::GENERATOR_DIR;
use last_good::Loaded;
use snapshot::store::Store;

/// The dir under the config dir that holds the deployed config: the copy
/// `zeek-systemd deploy` made of the config it checked. Once it exists,
/// the generator reads it instead of the config files beside it, so a
/// `daemon-reload` (every package upgrade runs one) or a reboot never puts
/// an unchecked edit into the units; `check`, `render` and `deploy` read
/// the live files, the candidate. It is under the config dir, not `/var`,
/// because the generator may read nothing else at boot.
pub const DEPLOYED_DIR: &str = "deployed";

/// Where, in the generator's output dir, it keeps a copy of the config its
/// units come from (see [`ConfigFiles`]): zeek-setup reads the layout from
/// it and saves it as the last good config.
pub const CONFIG_COPY_DIR: &str = "zeek-systemd/config";

/// Where zeek-setup keeps the config of the running cluster (its
/// `RuntimeDirectory=`, gone when the cluster stops); zeek-config-check
/// replaces it at every valid reload. An invalid config at `daemon-reload`
/// falls back to it.
pub const LAST_GOOD_DIR: &str = "/run/zeek-systemd/last-good";

/// The copies of one machine, at the paths this program sees them.
#[derive(Debug, Clone)]
pub struct Deployment {
    /// The live config's dir.
    config_dir: PathBuf,
    /// The generator's copy, as systemd's own run of the generator wrote it.
    generator_copy: PathBuf,
    last_good: PathBuf,
    store: Store,
}

impl Deployment {
    /// The copies of the machine `env` describes.
    pub fn new(env: &Environment) -> Self {
        Deployment {
            config_dir: env.config_dir.clone(),
            generator_copy: env.path(GENERATOR_DIR).join(CONFIG_COPY_DIR),
            last_good: env.path(LAST_GOOD_DIR),
            store: Store::new(&env.path(snapshot::STATE_DIR)),
        }
    }

    /// The snapshots of scripts.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The deployed config's dir.
    pub fn deployed_dir(&self) -> PathBuf {
        self.config_dir.join(DEPLOYED_DIR)
    }

    /// The config the units come from, loaded: `explicit` (`--config`)
    /// if given, else the deployed config once there is one, else the live
    /// config. When that is invalid and `fall_back`, the last good config
    /// instead (see [`Loaded`]). `None`: there is no config at all. The
    /// one policy of the generator and `status`.
    pub fn config_for_units(
        &self,
        explicit: Option<&Path>,
        options: &ReadOptions,
        fall_back: bool,
    ) -> Option<Loaded> {
        let host = options.host_or_hostname();
        let deployed = || config::find_for_host(None, &self.deployed_dir(), host);
        let source = match explicit {
            Some(_) => None,
            None => deployed(),
        }
        .or_else(|| config::find_for_host(explicit, &self.config_dir, host))?;
        let last_good = fall_back.then_some(self.last_good.as_path());
        Some(last_good::load(&source, options, last_good))
    }
}

/// The config in `dir` (a config dir or one of its copies), as found there
/// for this host: its files and its model; `None` when there is none or
/// it does not load.
pub fn load_dir(dir: &Path, options: &ReadOptions) -> Option<(Cluster, ConfigFiles)> {
    let source = config::find_for_host(None, dir, options.host_or_hostname())?;
    let files = config::read_files(&source).ok()?;
    let cluster = config::load_files(&source, &files, options).ok()?;
    Some((cluster, files))
}
