//! `headroom wrap <agent> [-- ARGS]`: put a coding agent behind the local proxy in one command,
//! and `headroom unwrap codex` to undo the one config-file edit wrap makes.
//!
//! Per agent: claude gets `ANTHROPIC_BASE_URL` and the MCP server through `--mcp-config` (no
//! file of the user's is touched); codex gets `OPENAI_BASE_URL` plus a `headroom` model provider
//! and MCP server in `$CODEX_HOME/config.toml` (backed up first, restored by unwrap); aider gets
//! the base-URL variables; cursor cannot be launched and gets the settings to paste.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::Context as _;

use crate::cli::{Agent, UnwrapArgs, WrapArgs};
use crate::local::{self, Ensured};
use crate::output::{self, user};
use crate::Relaunch;

/// Suffix of the backup wrap makes before editing an agent's config file.
pub(crate) const BACKUP_SUFFIX: &str = ".headroom-backup";

pub(crate) fn run(args: WrapArgs, relaunch: &Relaunch) -> anyhow::Result<ExitCode> {
    let base = local::base_url(args.port);
    if args.agent == Agent::Cursor {
        output::stdout(&cursor_instructions(&base));
        return Ok(ExitCode::SUCCESS);
    }
    match local::ensure_proxy(args.port, &args.proxy_args, relaunch)? {
        Ensured::Reused => output::status(&format!("headroom: using the proxy already on {base}")),
        Ensured::Started(log) => {
            output::status(&format!("headroom: started a proxy on {base} (log: {})", log.display()))
        }
    }
    let exe = relaunch.program()?;
    let mut cmd = Command::new(args.agent.binary());
    let mut agent_args: Vec<String> = Vec::new();
    match args.agent {
        Agent::Claude => {
            cmd.env("ANTHROPIC_BASE_URL", &base);
            if !args.no_mcp {
                let path = local::home().join("claude-mcp.json");
                write_claude_mcp(&path, &exe)?;
                agent_args.push("--mcp-config".into());
                agent_args.push(path.display().to_string());
            }
        }
        Agent::Codex => {
            cmd.env("OPENAI_BASE_URL", format!("{base}/v1"));
            let config = codex_config_path();
            edit_codex_config(&config, &base, (!args.no_mcp).then_some(exe.as_path()))?;
            output::status(&format!(
                "headroom: codex config {} points at the proxy (undo: headroom unwrap codex)",
                config.display()
            ));
        }
        Agent::Aider => {
            cmd.env("OPENAI_API_BASE", format!("{base}/v1"))
                .env("OPENAI_BASE_URL", format!("{base}/v1"))
                .env("ANTHROPIC_BASE_URL", &base);
        }
        Agent::Cursor => {}
    }
    agent_args.extend(args.args);
    let status = cmd.args(&agent_args).status().map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            user(format!("`{}` is not on PATH; install it first", args.agent.binary()))
        } else {
            anyhow::Error::new(e).context(format!("running {}", args.agent.binary()))
        }
    })?;
    Ok(ExitCode::from(status.code().map_or(1, |c| u8::try_from(c).unwrap_or(1))))
}

pub(crate) fn unwrap(args: UnwrapArgs) -> anyhow::Result<ExitCode> {
    match args.agent {
        Agent::Codex => {
            let config = codex_config_path();
            let backup = backup_path(&config);
            if backup.exists() {
                std::fs::rename(&backup, &config)
                    .with_context(|| format!("restoring {}", config.display()))?;
                output::status(&format!("headroom: restored {}", config.display()));
            } else if config.exists() {
                let text = std::fs::read_to_string(&config)
                    .with_context(|| format!("reading {}", config.display()))?;
                if text.contains(CODEX_BEGIN) {
                    std::fs::write(&config, strip_codex_block(&text))
                        .with_context(|| format!("writing {}", config.display()))?;
                    output::status(&format!("headroom: removed headroom settings from {}", config.display()));
                } else {
                    output::status("headroom: codex config has no headroom settings; nothing to undo");
                }
            } else {
                output::status("headroom: no codex config; nothing to undo");
            }
        }
        other => output::status(&format!(
            "headroom: {} keeps no config from wrap (it only sets environment variables); nothing to undo",
            other.binary()
        )),
    }
    Ok(ExitCode::SUCCESS)
}

fn cursor_instructions(base: &str) -> String {
    format!(
        "Cursor cannot be launched behind a proxy; set it up by hand:\n\n\
         1. Cursor Settings → Models → API Keys → OpenAI API Key: your key, and enable\n   \
            \"Override OpenAI Base URL\" with:  {base}/v1\n\
         2. For Anthropic models, Anthropic API Key: your key (Cursor sends Anthropic traffic\n   \
            through its own servers; only the OpenAI base URL can be overridden).\n\
         3. Keep the proxy running:  headroom proxy --port {port}\n\n\
         Cursor calls the base URL from its own servers for some features; if requests do not\n\
         arrive, expose the proxy with a tunnel and paste the tunnel's URL + /v1 instead.\n",
        port = base.rsplit(':').next().unwrap_or("8787")
    )
}

/// `$CODEX_HOME/config.toml`, else `~/.codex/config.toml`.
pub(crate) fn codex_config_path() -> PathBuf {
    std::env::var_os("CODEX_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".codex")))
        .unwrap_or_else(|| PathBuf::from(".codex"))
        .join("config.toml")
}

fn backup_path(p: &Path) -> PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push(BACKUP_SUFFIX);
    PathBuf::from(s)
}

const CODEX_BEGIN: &str = "# >>> headroom (managed by `headroom wrap codex`; undo: `headroom unwrap codex`)";
const CODEX_END: &str = "# <<< headroom";

/// Point codex at the proxy: a top-level `model_provider = "headroom"` (the user's own line, if
/// any, is commented out inside the managed block) and a `[model_providers.headroom]` table,
/// plus `[mcp_servers.headroom]` when `mcp` names the binary. Backs the file up first.
fn edit_codex_config(path: &Path, base: &str, mcp: Option<&Path>) -> anyhow::Result<()> {
    let original = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let backup = backup_path(path);
    if !backup.exists() {
        std::fs::write(&backup, &original).with_context(|| format!("backing up to {}", backup.display()))?;
    }
    let text = strip_codex_block(&original);
    std::fs::write(path, codex_with_block(&text, base, mcp))
        .with_context(|| format!("writing {}", path.display()))
}

/// Remove a previously inserted managed block and un-comment the user's provider line.
fn strip_codex_block(text: &str) -> String {
    let mut out = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        if line == CODEX_BEGIN {
            inside = true;
            continue;
        }
        if inside {
            if line == CODEX_END {
                inside = false;
            } else if let Some(user_line) = line.strip_prefix("# headroom-saved: ") {
                out.push(user_line.to_owned());
            }
            continue;
        }
        out.push(line.to_owned());
    }
    let mut s = out.join("\n");
    if text.ends_with('\n') && !s.is_empty() {
        s.push('\n');
    }
    s
}

/// Insert the managed block before the first table (top-level keys must precede tables), with
/// any existing top-level `model_provider` line saved inside it.
fn codex_with_block(text: &str, base: &str, mcp: Option<&Path>) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let first_table = lines.iter().position(|l| l.trim_start().starts_with('[')).unwrap_or(lines.len());
    let mut saved = Vec::new();
    let mut head = Vec::new();
    for l in &lines[..first_table] {
        if l.trim_start().starts_with("model_provider") && l.contains('=') {
            saved.push(format!("# headroom-saved: {l}"));
        } else {
            head.push(l.to_string());
        }
    }
    let mut block = vec![CODEX_BEGIN.to_owned()];
    block.extend(saved);
    block.push("model_provider = \"headroom\"".into());
    block.push(String::new());
    block.push("[model_providers.headroom]".into());
    block.push("name = \"headroom proxy\"".into());
    block.push(format!("base_url = \"{base}/v1\""));
    block.push("env_key = \"OPENAI_API_KEY\"".into());
    block.push("wire_api = \"responses\"".into());
    if let Some(exe) = mcp {
        block.push(String::new());
        block.push("[mcp_servers.headroom]".into());
        block.push(format!("command = {}", toml_string(&exe.display().to_string())));
        block.push("args = [\"mcp\", \"serve\"]".into());
    }
    block.push(CODEX_END.into());
    // The block holds tables, so it goes after the user's top-level keys and before their tables;
    // its tables end at CODEX_END only if the next line starts a new table or the file ends.
    let mut out = head;
    out.extend(block);
    out.extend(lines[first_table..].iter().map(|s| s.to_string()));
    let mut s = out.join("\n");
    s.push('\n');
    s
}

fn toml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn write_claude_mcp(path: &Path, exe: &Path) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let cfg = serde_json::json!({"mcpServers": {"headroom": {"command": exe.display().to_string(), "args": ["mcp", "serve"]}}});
    std::fs::write(path, serde_json::to_string_pretty(&cfg)?)
        .with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codex_block_round_trips_and_keeps_user_tables() {
        let user = "model = \"o3\"\nmodel_provider = \"openai\"\n\n[profiles.fast]\nmodel = \"gpt-5\"\n";
        let edited = codex_with_block(
            &strip_codex_block(user),
            "http://127.0.0.1:9",
            Some(Path::new("/bin/headroom")),
        );
        assert!(edited.contains("model_provider = \"headroom\""));
        assert!(edited.contains("base_url = \"http://127.0.0.1:9/v1\""));
        assert!(edited.contains("[profiles.fast]\nmodel = \"gpt-5\""));
        // The user's provider line is not active while wrapped...
        assert!(!edited.lines().any(|l| l == "model_provider = \"openai\""));
        // ...and comes back, with everything else, when the block is stripped.
        let stripped = strip_codex_block(&edited);
        assert!(stripped.contains("model_provider = \"openai\""));
        assert!(stripped.contains("[profiles.fast]"));
        assert!(!stripped.contains("headroom"));
        // Idempotent: wrapping twice leaves one block.
        let twice = codex_with_block(&strip_codex_block(&edited), "http://127.0.0.1:9", None);
        assert_eq!(twice.matches(CODEX_BEGIN).count(), 1);
    }
}
