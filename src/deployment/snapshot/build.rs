//! Making a snapshot: the site and extra script dirs copied, the layout
//! and policy script generated, the config copied, the id computed.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use super::{tree, CONFIG, GENERATED, INFO_FILE};
use crate::config::ConfigFiles;
use crate::layout::{
    live_view_script, policy_script, render_layout, LIVE_VIEW_SCRIPT_NAME, POLICY_SCRIPT_NAME,
};
use crate::model::{Cluster, LayoutSource, PolicyScript};

/// Where one part of a snapshot comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The part of the snapshot (`site`, `extra/0`).
    pub part: String,
    /// The dir copied now: the live dir, or the same part of the snapshot
    /// in use when a start must not pick up live edits.
    pub copy_from: PathBuf,
    /// The live dir this part stands for, recorded in the info file: what
    /// `status` compares against to find drift.
    pub live: PathBuf,
}

/// Why a snapshot was made, recorded in its info file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// By `zeek-systemd deploy`, after its checks passed.
    Deploy,
    /// By zeek-setup at a cluster start (the first start, or a config
    /// reloaded without a deploy): scripts of the snapshot in use, or of
    /// the live tree when there was none.
    Start,
}

impl Origin {
    /// The word the info file and `status` use.
    pub fn name(self) -> &'static str {
        match self {
            Origin::Deploy => "deploy",
            Origin::Start => "start",
        }
    }
}

/// Makes the snapshot of `cluster` (read from `files`) in `dest`, which
/// must not exist, and returns its id.
pub fn build(
    cluster: &Cluster,
    files: &ConfigFiles,
    sources: &[Source],
    dest: &Path,
    origin: Origin,
) -> anyhow::Result<String> {
    if dest.exists() {
        anyhow::bail!("{} exists already", dest.display());
    }
    tree::make_dir(dest).with_context(|| format!("cannot create {}", dest.display()))?;
    for source in sources {
        let to = dest.join(&source.part);
        if let Some(parent) = to.parent() {
            tree::make_dir(parent)?;
        }
        tree::copy(&source.copy_from, &to)
            .with_context(|| format!("cannot copy {}", source.copy_from.display()))?;
    }
    write_generated(cluster, files, &dest.join(GENERATED))?;
    let config = dest.join(CONFIG);
    tree::make_dir(&config)?;
    for (name, text) in &files.files {
        let file = config.join(name);
        if let Some(parent) = file.parent() {
            tree::make_dir(parent)?;
        }
        tree::write(&file, text)?;
    }
    let id = tree::digest(dest).context("cannot read the snapshot back")?;
    tree::write(&dest.join(INFO_FILE), &info_text(&id, sources, origin))?;
    Ok(id)
}

/// `cluster-layout.zeek` and the policy script, as zeek-setup wrote them
/// into the spool before snapshots. The layout names the config by its
/// place in the snapshot, so that the same config makes the same bytes
/// whether it was read from the live file, the deployed copy or the
/// generator's copy.
fn write_generated(cluster: &Cluster, files: &ConfigFiles, dir: &Path) -> anyhow::Result<()> {
    tree::make_dir(dir)?;
    let layout = match &cluster.settings.layout {
        LayoutSource::Generated => {
            let mut named = cluster.clone();
            named.settings.source = files.files.first().map_or_else(
                || PathBuf::from(CONFIG),
                |(name, _)| Path::new(CONFIG).join(name),
            );
            render_layout(&named)
        }
        LayoutSource::Copy(path) => std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the layout {}", path.display()))?,
    };
    tree::write(&dir.join("cluster-layout.zeek"), &layout)?;
    let websocket = cluster.settings.websocket;
    match cluster.settings.policy_script {
        PolicyScript::Generated => tree::write(
            &dir.join(format!("{POLICY_SCRIPT_NAME}.zeek")),
            &policy_script(websocket),
        )?,
        PolicyScript::ZeekBuiltinWithLiveView => tree::write(
            &dir.join(format!("{LIVE_VIEW_SCRIPT_NAME}.zeek")),
            &live_view_script(websocket),
        )?,
        PolicyScript::ZeekBuiltin => {}
    }
    Ok(())
}

fn info_text(id: &str, sources: &[Source], origin: Origin) -> String {
    let created = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut text = format!("id={id}\ncreated={created}\norigin={}\n", origin.name());
    for source in sources {
        let _ = writeln!(text, "source {}={}", source.part, source.live.display());
    }
    text
}

/// What a snapshot's info file says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Info {
    pub id: String,
    /// Seconds since the epoch.
    pub created: u64,
    /// `deploy` or `start` (see [`Origin`]).
    pub origin: String,
    /// (part, live dir) of every copied script dir.
    pub sources: Vec<(String, PathBuf)>,
}

impl Info {
    /// Reads `<dir>/SNAPSHOT`; `None` when it is missing or not ours.
    pub fn read(dir: &Path) -> Option<Info> {
        let text = std::fs::read_to_string(dir.join(INFO_FILE)).ok()?;
        let mut info = Info {
            id: String::new(),
            created: 0,
            origin: String::new(),
            sources: Vec::new(),
        };
        for line in text.lines() {
            let (key, value) = line.split_once('=')?;
            match key {
                "id" => info.id = value.to_string(),
                "created" => info.created = value.parse().unwrap_or(0),
                "origin" => info.origin = value.to_string(),
                _ => {
                    if let Some(part) = key.strip_prefix("source ") {
                        info.sources.push((part.to_string(), PathBuf::from(value)));
                    }
                }
            }
        }
        (!info.id.is_empty()).then_some(info)
    }
}
