//! A deploy's switch: what runs now (read before anything changes, to roll
//! back to), making a snapshot and its config the deployed ones, and
//! putting the previous ones back. Telling systemd (`daemon-reload`) is
//! the caller's.

use super::{deployed, load_dir, Deployment};
use crate::config::{ConfigFiles, ReadOptions};
use crate::model::Cluster;

/// What ran before a deploy, to roll back to.
pub struct Previous {
    /// The snapshot in use.
    pub current: Option<String>,
    /// The deployed config, if one was deployed.
    pub deployed: Option<ConfigFiles>,
    /// The config the loaded units came from (the generator's copy).
    pub units: Option<(Cluster, ConfigFiles)>,
}

impl Deployment {
    /// Reads what runs now.
    pub fn previous(&self, options: &ReadOptions) -> Previous {
        Previous {
            current: self.store.current_id(),
            deployed: deployed::read(&self.config_dir, options),
            units: load_dir(&self.generator_copy, options),
        }
    }

    /// Makes `files` the deployed config (the snapshot in use stays).
    pub fn deploy_config(&self, files: &ConfigFiles) -> anyhow::Result<()> {
        deployed::write(&self.config_dir, files)
    }

    /// Makes `id` the snapshot in use and `files` the deployed config.
    pub fn switch_to(&self, id: &str, files: &ConfigFiles) -> anyhow::Result<()> {
        deployed::write(&self.config_dir, files)?;
        self.store.set_current(id)
    }

    /// Puts back what ran before: the snapshot in use and the deployed
    /// config (or, when none was deployed, the config the old units came
    /// from: the live one is the candidate that failed).
    pub fn switch_back(&self, previous: &Previous) -> anyhow::Result<()> {
        match &previous.current {
            Some(id) => self.store.set_current(id)?,
            None => self.store.clear_current()?,
        }
        match (&previous.deployed, &previous.units) {
            (Some(files), _) | (None, Some((_, files))) => deployed::write(&self.config_dir, files),
            (None, None) => deployed::remove(&self.config_dir),
        }
    }
}
