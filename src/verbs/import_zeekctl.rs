//! `import-zeekctl`: turn ZeekControl's node.cfg, zeekctl.cfg and networks.cfg
//! into a cluster.toml that keeps its node names (the conversion itself is
//! `crate::import::zeekctl`; this file reads the arguments and writes).

use std::path::{Path, PathBuf};

use super::print;
use crate::config::{self, ReadOptions};
use crate::error::Failure;
use crate::generator::write::write_file_atomically;
use crate::import::zeekctl::check::{compare, NodeComparison};
use crate::import::zeekctl::{import, Imported, Sources};
use crate::log::Log;
use crate::ops::table;
use crate::paths::DEFAULT_PREFIX;

/// `import-zeekctl` arguments.
#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    /// ZeekControl's node list [default: <prefix>/etc/node.cfg].
    #[arg(long, value_name = "FILE")]
    pub node_cfg: Option<PathBuf>,
    /// ZeekControl's options [default: <prefix>/etc/zeekctl.cfg, if it exists].
    #[arg(long, value_name = "FILE")]
    pub zeekctl_cfg: Option<PathBuf>,
    /// ZeekControl's local networks [default: <prefix>/etc/networks.cfg, if it exists].
    #[arg(long, value_name = "FILE")]
    pub networks_cfg: Option<PathBuf>,
    /// Where to write cluster.toml (`-` for stdout); local-networks.zeek
    /// goes next to it.
    #[arg(short, long, value_name = "FILE", default_value = "-")]
    pub output: PathBuf,
    /// Write nothing; print every node as ZeekControl runs it next to the
    /// imported config's (exit 1 if any differs).
    #[arg(long)]
    pub check: bool,
    /// Replace an existing output file.
    #[arg(long)]
    pub force: bool,
}

fn default_file(given: &Option<PathBuf>, name: &str, required: bool) -> Option<PathBuf> {
    if let Some(path) = given {
        return Some(path.clone());
    }
    let path = Path::new(DEFAULT_PREFIX).join("etc").join(name);
    (required || path.exists()).then_some(path)
}

/// Where the nodes load `local-networks.zeek` from: next to the output
/// when the user named it by an absolute path; for a relative one, the
/// config dir, where cluster.toml goes (the directory the import runs in
/// is rarely where the file ends up, and the nodes need an absolute path).
fn networks_path(output: &Path, config_dir: &Path) -> PathBuf {
    match output.parent() {
        Some(dir) if output.is_absolute() => dir.join("local-networks.zeek"),
        _ => config_dir.join("local-networks.zeek"),
    }
}

/// Runs `import-zeekctl`.
pub fn exec(args: &ImportArgs, config_dir: &Path) -> Result<(), Failure> {
    let log = Log::stderr();
    let sources = Sources {
        node_cfg: default_file(&args.node_cfg, "node.cfg", true).unwrap_or_default(),
        zeekctl_cfg: default_file(&args.zeekctl_cfg, "zeekctl.cfg", false),
        networks_cfg: default_file(&args.networks_cfg, "networks.cfg", false),
    };
    let to_stdout = args.output == Path::new("-");
    let networks_path = (!to_stdout).then(|| networks_path(&args.output, config_dir));
    let imported = match import(&sources, networks_path.as_deref()) {
        Ok(imported) => imported,
        Err(error) => {
            log.error(&format!("cannot import: {error}"));
            return Err(Failure::InvalidConfig);
        }
    };
    for warning in &imported.warnings {
        log.warning(warning);
    }
    if args.check {
        let label = if to_stdout {
            Path::new("imported cluster.toml")
        } else {
            args.output.as_path()
        };
        return check(&imported, label, &log);
    }
    if to_stdout {
        return print(&imported.toml).map_err(Failure::Other);
    }
    let networks = imported
        .networks_script
        .as_ref()
        .zip(networks_path.as_ref());
    let mut writes = vec![(args.output.clone(), &imported.toml)];
    if let Some((script, path)) = networks {
        // Written next to the output, relative or not: the user installs
        // both where the args say.
        let beside = args.output.parent().unwrap_or(Path::new(""));
        let written = if args.output.is_absolute() {
            path.clone()
        } else {
            beside.join("local-networks.zeek")
        };
        writes.push((written, script));
    }
    write_all(&writes, args.force)
}

/// Writes each (path, text), refusing to replace an existing file
/// without `force` (checked for all before anything is written), and
/// creating a missing parent dir (0755).
fn write_all(writes: &[(PathBuf, &String)], force: bool) -> Result<(), Failure> {
    let fail = |path: &Path, e: &dyn std::fmt::Display| {
        Failure::Other(anyhow::anyhow!("cannot write {}: {e}", path.display()))
    };
    if !force {
        if let Some((path, _)) = writes.iter().find(|(p, _)| p.exists()) {
            return Err(Failure::Other(anyhow::anyhow!(
                "{} exists; the import does not replace it: write elsewhere with -o and \
                 compare the two, or replace it with --force",
                path.display()
            )));
        }
    }
    for (path, text) in writes {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            use std::os::unix::fs::DirBuilderExt as _;
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o755)
                .create(dir)
                .map_err(|e| fail(dir, &e))?;
        }
        write_file_atomically(path, text, 0o644).map_err(|e| fail(path, &e))?;
    }
    Ok(())
}

/// `--check`: loads the imported TOML (named `label` in messages) and
/// prints every ZeekControl node next to the imported config's.
fn check(imported: &Imported, label: &Path, log: &Log) -> Result<(), Failure> {
    let cluster = match config::toml::read(label, &imported.toml, &ReadOptions::default()) {
        Ok(cluster) => cluster,
        Err(error) => {
            log.error(&format!("the imported config is not valid: {error}"));
            return Err(Failure::InvalidConfig);
        }
    };
    let comparison = compare(imported, &cluster);
    let differing = comparison.iter().filter(|c| c.differs()).count();
    let mut out = comparison_table(&comparison);
    if let Some(node) = imported.nodes.iter().find(|n| n.from_standalone) {
        out.push_str(&format!(
            "\nZeekControl ran [{}] as one standalone process; its rows are the cluster it is \
             imported as (see the comment at the top of the file).\n",
            node.section
        ));
    }
    out.push_str(&format!(
        "\n{} ZeekControl node(s), {} in the imported config; {}\n",
        imported.nodes.len(),
        cluster.nodes.len(),
        if differing == 0 {
            "every node has the same name, type, capture, CPU, environment and scripts".to_string()
        } else {
            format!("{differing} node(s) differ")
        }
    ));
    print(&out)?;
    if differing == 0 {
        Ok(())
    } else {
        Err(Failure::CheckFailed)
    }
}

/// The review table: a line per compared field, the node named on its
/// first; a marker on each field that differs.
pub fn comparison_table(comparison: &[NodeComparison]) -> String {
    let mut rows = vec![["NODE", "FIELD", "ZEEKCONTROL", "ZEEK-SYSTEMD"].map(String::from)];
    let dash = || "-".to_string();
    for node in comparison {
        match node {
            NodeComparison::Compared { name, fields } => {
                for (i, r) in fields.iter().enumerate() {
                    let mark = if r.same { "" } else { "  <-- DIFFERS" };
                    rows.push([
                        if i == 0 { name.clone() } else { String::new() },
                        r.field.to_string(),
                        r.zeekctl.clone(),
                        format!("{}{mark}", r.ours),
                    ]);
                }
            }
            NodeComparison::Missing(name) => rows.push([
                name.clone(),
                dash(),
                dash(),
                "MISSING: the imported config has no node of this name".into(),
            ]),
            NodeComparison::Extra(name) => rows.push([
                name.clone(),
                dash(),
                dash(),
                "EXTRA: not a ZeekControl node".into(),
            ]),
        }
    }
    table::format(&rows)
}
