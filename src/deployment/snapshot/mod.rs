//! Deployed snapshots: what the nodes load from the site, frozen.
//!
//! A node does not read the live site policy (`<prefix>/share/zeek/site`,
//! extra script dirs, the generated layout) but a copy of it made when the
//! scripts were checked: `<state>/snapshots/<id>/`, with `<state>/current`
//! a symlink to the one in use. Every node's `ZEEKPATH` names
//! `<state>/current/...` ([`node_zeek_path`]), so a node that restarts for
//! any reason loads what it ran before, whatever the live tree holds now.
//!
//! A snapshot dir holds `site/`, `extra/<n>/` (the config's extra script
//! dirs), `generated-scripts/` (`cluster-layout.zeek` and the policy
//! script), `config/` (the config it was made from) and an [`INFO_FILE`].
//! Its id is a digest of everything but the info file
//! ([`tree::digest`]): equal ids, equal scripts.
//!
//! The generator only uses the constants and [`node_zeek_path`] (it never
//! reads `/var`); building and installing snapshots is for `deploy`,
//! `check --deep` and zeek-setup's `setup-scripts`.

pub mod build;
pub mod store;
pub mod tree;

use std::path::{Path, PathBuf};

use build::{Origin, Source};
use sha2::Digest as _;
use store::Store;

use crate::config::ConfigFiles;
use crate::model::{Cluster, Install};

/// Where snapshots live (`/var/lib/zeek-systemd`): it survives a reboot,
/// and nodes hardened with `ProtectSystem=strict` can still read it.
/// Root-owned, read-only to the node user.
pub const STATE_DIR: &str = match option_env!("ZEEK_SYSTEMD_STATE_DIR") {
    Some(dir) => dir,
    None => "/var/lib/zeek-systemd",
};

/// The symlink in [`STATE_DIR`] to the snapshot in use.
pub const CURRENT: &str = "current";

/// The dir of [`STATE_DIR`] that holds one dir per snapshot id.
pub const SNAPSHOTS: &str = "snapshots";

/// How many snapshots are kept (the current one included): enough to roll
/// back a few deploys, few enough that the dir stays small.
pub const KEEP: usize = 5;

/// The file in a snapshot dir that says where its parts came from and
/// when it was made; not part of the id.
pub const INFO_FILE: &str = "SNAPSHOT";

/// The snapshot dir's part for the generated layout and policy script.
pub const GENERATED: &str = "generated-scripts";

/// The snapshot dir's part for the site dir.
pub const SITE: &str = "site";

/// The snapshot dir's part for the config it was made from.
pub const CONFIG: &str = "config";

/// `<state>/current`, as the units name it.
pub fn current_path() -> PathBuf {
    Path::new(STATE_DIR).join(CURRENT)
}

/// The part of a snapshot the `n`-th extra script dir of the config goes to.
pub fn extra_part(n: usize) -> String {
    format!("extra/{n}")
}

/// The script dirs of the live tree a snapshot copies: (part, live dir).
pub fn live_sources(install: &Install) -> Vec<(String, PathBuf)> {
    let mut sources = vec![(SITE.to_string(), install.site_dir.clone())];
    for (n, dir) in install.extra_script_dirs.iter().enumerate() {
        sources.push((extra_part(n), dir.clone()));
    }
    sources
}

/// A node's `ZEEKPATH` with the live script dirs replaced by their copies
/// in the snapshot at `root`: `<spool>/generated-scripts`, the site dir
/// and the extra script dirs. Zeek's own dirs (`share/zeek`, `policy`,
/// `builtin-plugins`) stay: they change with Zeek, not with the site.
pub fn node_zeek_path(install: &Install, root: &Path) -> String {
    let generated = install.spool_dir.join(GENERATED);
    let sources = live_sources(install);
    install
        .zeek_path
        .split(':')
        .map(|entry| {
            let entry_path = Path::new(entry);
            if entry_path == generated {
                return root.join(GENERATED).display().to_string();
            }
            match sources.iter().find(|(_, dir)| dir == entry_path) {
                Some((part, _)) => root.join(part).display().to_string(),
                None => entry.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join(":")
}

/// What [`ensure_for_start`] found or did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AtStart {
    /// The snapshot in use fits the units: nothing to do.
    Unchanged(String),
    /// A new snapshot with the scripts of the one in use and the layout of
    /// the units (a config reloaded without a deploy).
    Relaid { id: String, was: String },
    /// No snapshot in use (first start, or the state dir was lost): one
    /// made from the live tree.
    FromLiveTree(String),
}

/// What a cluster start (zeek-setup) does: make sure `current` holds the
/// scripts of the snapshot in use, with the layout and policy script of
/// the config the units came from (`cluster`, `files`). Never takes a
/// script from the live tree while a snapshot is in use.
pub fn ensure_for_start(
    cluster: &Cluster,
    files: &ConfigFiles,
    store: &Store,
) -> anyhow::Result<AtStart> {
    let current = store.current();
    let sources: Vec<Source> = live_sources(&cluster.settings.install)
        .into_iter()
        .map(|(part, live)| {
            let pinned = current.as_ref().filter(|info| {
                info.sources
                    .iter()
                    .any(|(p, dir)| *p == part && *dir == live)
            });
            Source {
                copy_from: pinned
                    .map_or_else(|| live.clone(), |info| store.dir(&info.id).join(&part)),
                part,
                live,
            }
        })
        .collect();
    let staging = store.staging("start")?;
    let id = build::build(cluster, files, &sources, &staging, Origin::Start)?;
    if current.as_ref().is_some_and(|info| info.id == id) {
        let _ = std::fs::remove_dir_all(&staging);
        return Ok(AtStart::Unchanged(id));
    }
    store.install(&staging, &id)?;
    store.set_current(&id)?;
    store.prune(KEEP);
    Ok(match current {
        Some(info) => AtStart::Relaid { id, was: info.id },
        None => AtStart::FromLiveTree(id),
    })
}

/// The files on disk that differ from the snapshot in `dir` (made from
/// `info`'s sources): site files by their path in the site dir
/// (`local.zeek`), extra dirs' files by full path, config files by name
/// (`cluster.toml`), each once, in that order. `live_config` is the config
/// on disk (`None`: not readable, not compared).
pub fn drift(dir: &Path, info: &build::Info, live_config: Option<&ConfigFiles>) -> Vec<String> {
    let mut names = Vec::new();
    for (part, live) in &info.sources {
        let (Ok(deployed), Ok(on_disk)) = (tree::files(&dir.join(part)), tree::files(live)) else {
            names.push(live.display().to_string());
            continue;
        };
        for (rel, _) in tree::diff(&deployed, &on_disk) {
            names.push(if part == SITE {
                rel.display().to_string()
            } else {
                live.join(rel).display().to_string()
            });
        }
    }
    if let Some(files) = live_config {
        let deployed = tree::files(&dir.join(CONFIG)).unwrap_or_default();
        let on_disk: std::collections::BTreeMap<PathBuf, [u8; 32]> = files
            .files
            .iter()
            .map(|(name, text)| (name.clone(), sha2::Sha256::digest(text.as_bytes()).into()))
            .collect();
        for (rel, _) in tree::diff(&deployed, &on_disk) {
            names.push(rel.display().to_string());
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zeek_path_points_the_site_parts_at_the_snapshot() {
        let install = Install {
            zeek: "/opt/zeek/bin/zeek".into(),
            spool_dir: "/opt/zeek/spool".into(),
            log_dir: "/opt/zeek/logs".into(),
            zeek_path: format!(
                "/x/ext:{}",
                crate::config::defaults::zeek_path(
                    Path::new("/opt/zeek"),
                    Path::new("/opt/zeek/spool")
                )
            ),
            path: String::new(),
            user: "zeek".into(),
            group: "zeek".into(),
            site_dir: "/opt/zeek/share/zeek/site".into(),
            extra_script_dirs: vec!["/x/ext".into()],
        };
        assert_eq!(
            node_zeek_path(&install, Path::new("/var/lib/zeek-systemd/current")),
            "/var/lib/zeek-systemd/current/extra/0:/var/lib/zeek-systemd/current/generated-scripts:\
             /opt/zeek/share/zeek:/opt/zeek/share/zeek/policy:/var/lib/zeek-systemd/current/site:\
             /opt/zeek/share/zeek/builtin-plugins"
        );
    }
}
