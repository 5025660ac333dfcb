//! The `import-zeekctl` subcommand.

use std::path::{Path, PathBuf};

use super::{check, import, Sources};
use crate::cli::Failure;
use crate::config::{self, ReadOptions, DEFAULT_PREFIX};
use crate::log::Log;

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
}

fn default_file(given: &Option<PathBuf>, name: &str, required: bool) -> Option<PathBuf> {
    if let Some(path) = given {
        return Some(path.clone());
    }
    let path = Path::new(DEFAULT_PREFIX).join("etc").join(name);
    (required || path.exists()).then_some(path)
}

/// Runs `import-zeekctl`.
pub fn run(args: &ImportArgs) -> Result<(), Failure> {
    let log = Log::stderr();
    let sources = Sources {
        node_cfg: default_file(&args.node_cfg, "node.cfg", true).unwrap_or_default(),
        zeekctl_cfg: default_file(&args.zeekctl_cfg, "zeekctl.cfg", false),
        networks_cfg: default_file(&args.networks_cfg, "networks.cfg", false),
    };
    let to_stdout = args.output == Path::new("-");
    let networks_path = (!to_stdout).then(|| {
        let dir = args.output.parent().filter(|p| !p.as_os_str().is_empty());
        std::path::absolute(dir.unwrap_or(Path::new(".")))
            .unwrap_or_default()
            .join("local-networks.zeek")
    });
    let imported = match import(&sources, networks_path.as_deref()) {
        Ok(imported) => imported,
        Err(error) => {
            log.error(&format!("cannot import: {error}"));
            return Err(Failure::Config);
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
        let options = ReadOptions::default();
        let cluster = match config::toml::read(label, &imported.toml, &options) {
            Ok(cluster) => cluster,
            Err(error) => {
                log.error(&format!("the imported config is not valid: {error}"));
                return Err(Failure::Config);
            }
        };
        let (table, differing) = check::table(&imported, &cluster);
        print!("{table}");
        return if differing == 0 {
            Ok(())
        } else {
            Err(Failure::Config)
        };
    }
    if to_stdout {
        print!("{}", imported.toml);
        return Ok(());
    }
    crate::write::write_file_atomically(&args.output, &imported.toml, 0o644).map_err(|e| {
        Failure::Other(anyhow::anyhow!(
            "cannot write {}: {e}",
            args.output.display()
        ))
    })?;
    if let (Some(script), Some(path)) = (&imported.networks_script, &networks_path) {
        crate::write::write_file_atomically(path, script, 0o644)
            .map_err(|e| Failure::Other(anyhow::anyhow!("cannot write {}: {e}", path.display())))?;
    }
    Ok(())
}
