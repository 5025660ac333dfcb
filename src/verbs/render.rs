//! `render`: print every file the generator would write, with its path
//! (like `systemctl cat`).

use std::fmt::Write as _;
use std::path::PathBuf;

use super::{print, Context};
use crate::error::Failure;
use crate::generator::plan;
use crate::generator::render::{self, Content};
use crate::paths::GENERATOR_DIR;

/// `render` arguments.
#[derive(clap::Args, Debug)]
pub struct RenderArgs {
    /// The output dir the paths are shown under.
    #[arg(long, value_name = "DIR", default_value = GENERATOR_DIR)]
    pub normal_dir: PathBuf,
}

/// Runs `render`.
pub fn exec(args: &RenderArgs, ctx: &Context) -> Result<(), Failure> {
    let cluster = ctx.load()?;
    let mut plan = plan::plan(&cluster, &args.normal_dir, &ctx.env.self_path);
    plan.secrets = crate::secrets::path_for(&cluster, &ctx.env.config_dir);
    let mut out = String::new();
    for output in render::render(&plan) {
        let path = args.normal_dir.join(&output.path);
        let _ = match output.content {
            Content::File(text) => writeln!(out, "# {}\n{text}", path.display()),
            Content::Link(target) => {
                writeln!(out, "# {} -> {}\n", path.display(), target.display())
            }
        };
    }
    print(&out).map_err(Failure::Other)
}
