//! `layout -o FILE`: write `cluster-layout.zeek` for the whole cluster
//! (zeek-setup.service runs this at every start).

use std::path::PathBuf;

use super::{emit, Context};
use crate::error::Failure;
use crate::layout::render_layout;

/// `layout` arguments.
#[derive(clap::Args, Debug)]
pub struct LayoutArgs {
    /// Output file (`-` for stdout).
    #[arg(short, long, value_name = "FILE", default_value = "-")]
    pub output: PathBuf,
}

/// Runs `layout`.
pub fn exec(args: &LayoutArgs, ctx: &Context) -> Result<(), Failure> {
    let cluster = ctx.load()?;
    emit(&args.output, &render_layout(&cluster)).map_err(Failure::Other)
}
