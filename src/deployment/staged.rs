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

/// The file of the state dir with a copy of the secrets the last switch
/// put live: what runs, while the file in the config dir may already hold
/// new ones (`secrets create --force`), so that a roll-back puts back the
/// secrets the nodes ran with.
const DEPLOYED_SECRETS: &str = "secrets-deployed";

/// The file of the state dir naming the hosts the last cluster-wide
/// deploy from this host left out (`--reachable-only`): the snapshot id
/// on the first line, then a host a line; gone after a deploy that
/// reached every host.
const LEFT_OUT: &str = "left-out";

/// The file of the state dir saying which host the snapshot in use came
/// from, when a cluster-wide deploy from another host switched to it:
/// `ID HOST SECONDS` (the switch's time, since the epoch).
const DEPLOYED_FROM: &str = "deployed-from";

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

    /// Records that the deploy of snapshot `id` left out `hosts` (none:
    /// the record goes).
    pub fn record_left_out(&self, id: &str, hosts: &[String]) -> anyhow::Result<()> {
        let path = self.store.state_dir.join(LEFT_OUT);
        if hosts.is_empty() {
            let _ = fs::remove_file(&path);
            return Ok(());
        }
        let text = format!("{id}\n{}\n", hosts.join("\n"));
        fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
    }

    /// The snapshot id of the last cluster-wide deploy from this host and
    /// the hosts it left out; `None` when it left none out.
    pub fn left_out(&self) -> Option<(String, Vec<String>)> {
        let text = fs::read_to_string(self.store.state_dir.join(LEFT_OUT)).ok()?;
        let mut lines = text.lines().map(str::to_string);
        let id = lines.next()?;
        Some((id, lines.filter(|l| !l.is_empty()).collect()))
    }

    /// Records that the switch to snapshot `id` came from the cluster-wide
    /// deploy of the host the staged bundle names (none: the record goes).
    pub fn record_origin(&self, id: &str) -> anyhow::Result<()> {
        let path = self.store.state_dir.join(DEPLOYED_FROM);
        let origin = fs::read_to_string(self.staged_dir().join(bundle::ORIGIN)).unwrap_or_default();
        let origin = origin.trim();
        if origin.is_empty() {
            let _ = fs::remove_file(&path);
            return Ok(());
        }
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        fs::write(&path, format!("{id} {origin} {now}\n"))
            .with_context(|| format!("cannot write {}", path.display()))
    }

    /// The host snapshot `id` was deployed from and when, if a cluster-wide
    /// deploy switched this host to it.
    pub fn deployed_from(&self, id: &str) -> Option<(String, u64)> {
        let text = fs::read_to_string(self.store.state_dir.join(DEPLOYED_FROM)).ok()?;
        let mut words = text.split_whitespace();
        if words.next()? != id {
            return None;
        }
        let host = words.next()?.to_string();
        Some((host, words.next()?.parse().ok()?))
    }

    /// The secrets the last switch put live, when one recorded them.
    pub fn deployed_secrets(&self) -> Option<Vec<u8>> {
        fs::read(self.store.state_dir.join(DEPLOYED_SECRETS)).ok()
    }

    /// Records `bytes` as the secrets that run (`None`: none do).
    pub fn record_deployed_secrets(&self, bytes: Option<&[u8]>) -> anyhow::Result<()> {
        let path = self.store.state_dir.join(DEPLOYED_SECRETS);
        match bytes {
            Some(bytes) => write_private(&path, bytes),
            None => {
                let _ = fs::remove_file(&path);
                Ok(())
            }
        }
    }

    /// Saves `previous` and the secrets that run (those recorded at the
    /// last switch, else the file at `secrets_path` as the program sees
    /// it) for [`Self::restore_previous`].
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
            let state = match self.deployed_secrets().map_or_else(|| fs::read(path), Ok) {
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
                Some("present") => {
                    let bytes = fs::read(dir.join(bundle::SECRETS))?;
                    write_private(&path, &bytes)?;
                    self.record_deployed_secrets(Some(&bytes))?;
                }
                _ => {
                    let _ = fs::remove_file(&path);
                    self.record_deployed_secrets(None)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deployment::snapshot::store::Store;

    /// `secrets create --force` replaced the file before the deploy: the
    /// roll-back puts back the secrets the nodes ran with, not the file's.
    #[test]
    fn a_roll_back_restores_the_secrets_that_ran() {
        let tmp = tempfile::tempdir().unwrap();
        let state = tmp.path().join("state");
        fs::create_dir_all(&state).unwrap();
        let deployment = Deployment {
            config_dir: tmp.path().join("etc"),
            generator_copy: tmp.path().join("gen"),
            last_good: tmp.path().join("last-good"),
            store: Store::new(&state),
        };
        fs::create_dir_all(tmp.path().join("etc")).unwrap();
        let file = tmp.path().join("etc/cluster-secrets");
        deployment.record_deployed_secrets(Some(b"old")).unwrap();
        write_private(&file, b"new").unwrap();
        let previous = Previous {
            current: None,
            deployed: None,
            units: None,
        };
        deployment.save_previous(&previous, Some(&file)).unwrap();
        deployment.record_deployed_secrets(Some(b"new")).unwrap();
        deployment
            .restore_previous(&ReadOptions::default())
            .unwrap();
        assert_eq!(fs::read(&file).unwrap(), b"old");
        assert_eq!(deployment.deployed_secrets().unwrap(), b"old");
        let mode = fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}
