//! `headroom mcp serve` (the MCP server on stdio) and `headroom mcp install` (register it with
//! Claude Code and Codex).

use std::process::ExitCode;

use anyhow::Context as _;
use headroom_mcp::install::{self, Installed};
use headroom_mcp::McpConfig;

use crate::cli::{McpArgs, McpCommand};
use crate::output;
use crate::Relaunch;

pub(crate) fn run(args: McpArgs, relaunch: &Relaunch) -> anyhow::Result<ExitCode> {
    match args.command {
        McpCommand::Serve { model, store } => {
            let store = super::open_store(&store)?;
            let config = match model {
                Some(m) => McpConfig::for_model(m),
                None => McpConfig::default(),
            };
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .context("starting the async runtime")?;
            rt.block_on(headroom_mcp::serve_stdio(store, config)).context("MCP server")?;
            Ok(ExitCode::SUCCESS)
        }
        McpCommand::Install { claude_config, codex_config } => {
            let exe = relaunch.program()?;
            let home = std::env::var_os("HOME").map(std::path::PathBuf::from).unwrap_or_default();
            let claude = claude_config.unwrap_or_else(|| home.join(".claude.json"));
            let codex = codex_config.unwrap_or_else(super::wrap::codex_config_path);
            for (name, path, res) in [
                ("Claude Code", &claude, install::install_claude(&claude, &exe)),
                ("Codex", &codex, install::install_codex(&codex, &exe)),
            ] {
                let what = match res.with_context(|| format!("registering with {name}"))? {
                    Installed::Created => "created".to_owned(),
                    Installed::Updated { backup } => format!("updated (backup: {})", backup.display()),
                    Installed::Unchanged => "already registered".to_owned(),
                };
                output::status(&format!("headroom: {name}: {} {what}", path.display()));
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
