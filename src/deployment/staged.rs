//! A host's part of a cluster-wide deploy (issue 25), between its steps:
//! what was staged (checked and installed as a snapshot, not yet live),
//! and what ran before the switch (to roll back to). Both live in the
//! state dir, root's: `staged/` (config, scripts, secrets, the snapshot
//! id) and `roll-back/` (the previous snapshot id, deployed config, the
//! units' config and secrets file).

use std::fs;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use super::switch::Previous;
use super::{bundle, load_dir, Deployment};
use crate::config::{self, ConfigFiles, ReadOptions};

/// The dir of the state dir that holds what was staged.
pub const STAGED: &str = "staged";

/// The dir of the state dir that holds what ran before the last switch.
pub const ROLL_BACK: &str = "roll-back";

/// The file of [`STAGED`] with the staged snapshot's id.
const ID_FILE: &str = "ID";

/// The file of [`ROLL_BACK`] with the previous snapshot id (empty: none).
const PREVIOUS_ID: &str = "previous-id";

/// The file of [`ROLL_BACK`] saying where the secrets file is and whether
/// there was one (`path` line, then `present` or `absent`).
const SECRETS_STATE: &str = "secrets-state";

/// What a host staged: the snapshot (installed in the store, not
/// current), the config to deploy with it, and the secrets to put in
/// place (`None`: this host keeps its own).
pub struct Staged {
    pub id: String,
    pub files: ConfigFiles,
    pub secrets: Option<(PathBuf, Vec<u8>)>,
}

impl Deployment {
    /// Where what arrives is unpacked and kept until the switch.
    pub fn staged_dir(&self) -> PathBuf {
        self.store.state_dir.join(STAGED)
    }

    fn roll_back_dir(&self) -> PathBuf {
        self.store.state_dir.join(ROLL_BACK)
    }

    /// Records that the bundle in [`Self::staged_dir`] became snapshot `id`
    /// (installed), to be switched to with `secrets` at `secrets_path`.
    pub fn mark_staged(&self, id: &str, secrets_path: Option<&Path>) -> anyhow::Result<()> {
        let text = match secrets_path {
            Some(path) => format!("{id}\n{}\n", path.display()),
            None => format!("{id}\n"),
        };
        fs::write(self.staged_dir().join(ID_FILE), text).context("cannot record the staged id")
    }

    /// What was staged; `Err` when nothing was (or it does not load).
    pub fn staged(&self, options: &ReadOptions) -> anyhow::Result<Staged> {
        let dir = self.staged_dir();
        let text = fs::read_to_string(dir.join(ID_FILE))
            .context("nothing is staged: run `zeek-systemd deploy` on the manager host")?;
        let mut lines = text.lines();
        let id = lines.next().unwrap_or("").to_string();
        let source =
            config::find_for_host(None, &dir.join(bundle::CONFIG), options.host_or_hostname())
                .context("the staged bundle has no config for this host")?;
        let files = config::read_files(&source)?;
        let secrets = match lines.next() {
            Some(path) => Some((PathBuf::from(path), fs::read(dir.join(bundle::SECRETS))?)),
            None => None,
        };
        Ok(Staged { id, files, secrets })
    }

    /// Saves `previous` and the secrets file at `secrets_path` (as the
    /// program sees it) for [`Self::saved_previous`].
    pub fn save_previous(
        &self,
        previous: &Previous,
        secrets_path: Option<&Path>,
    ) -> anyhow::Result<()> {
        let dir = self.roll_back_dir();
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o700))?;
        let id = previous.current.as_deref().unwrap_or("");
        fs::write(dir.join(PREVIOUS_ID), format!("{id}\n"))?;
        if let Some(files) = &previous.deployed {
            super::deployed::write(&dir, files)?;
        }
        if let Some((_, files)) = &previous.units {
            write_files(&dir.join("units"), files)?;
        }
        if let Some(path) = secrets_path {
            let state = match fs::read(path) {
                Ok(bytes) => {
                    write_private(&dir.join(bundle::SECRETS), &bytes)?;
                    "present"
                }
                Err(_) => "absent",
            };
            fs::write(
                dir.join(SECRETS_STATE),
                format!("{}\n{state}\n", path.display()),
            )?;
        }
        Ok(())
    }

    /// What [`Self::save_previous`] saved, and puts its secrets file back.
    pub fn restore_previous(&self, options: &ReadOptions) -> anyhow::Result<Previous> {
        let dir = self.roll_back_dir();
        let id = fs::read_to_string(dir.join(PREVIOUS_ID))
            .context("no previous deploy to roll back to")?;
        let id = id.trim();
        if let Ok(state) = fs::read_to_string(dir.join(SECRETS_STATE)) {
            let mut lines = state.lines();
            let path = PathBuf::from(lines.next().unwrap_or(""));
            match lines.next() {
                Some("present") => write_private(&path, &fs::read(dir.join(bundle::SECRETS))?)?,
                _ => {
                    let _ = fs::remove_file(&path);
                }
            }
        }
        Ok(Previous {
            current: (!id.is_empty()).then(|| id.to_string()),
            deployed: super::deployed::read(&dir, options),
            units: load_dir(&dir.join("units"), options),
        })
    }
}

/// Writes `bytes` to `path` as root's 0600 file, in one rename.
pub fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let tmp = path.with_extension(format!("new-{}", std::process::id()));
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)
        .with_context(|| format!("cannot write {}", tmp.display()))?;
    file.write_all(bytes)?;
    file.sync_all()?;
    fs::rename(&tmp, path).with_context(|| format!("cannot replace {}", path.display()))
}

fn write_files(dir: &Path, files: &ConfigFiles) -> anyhow::Result<()> {
    for (name, text) in &files.files {
        let file = dir.join(name);
        if let Some(parent) = file.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&file, text).with_context(|| format!("cannot write {}", file.display()))?;
    }
    Ok(())
}
