//! `wrap` / `unwrap` / `doctor` with stand-in agent executables on PATH that print their
//! environment and arguments, against a real proxy that wrap starts in the background.

use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::{text, Env};

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn stand_in(dir: &Path, name: &str) {
    let script = format!(
        "#!/bin/sh\necho \"agent={name}\"\necho \"ANTHROPIC_BASE_URL=$ANTHROPIC_BASE_URL\"\necho \"OPENAI_BASE_URL=$OPENAI_BASE_URL\"\necho \"OPENAI_API_BASE=$OPENAI_API_BASE\"\necho \"args=$*\"\nexit 3\n"
    );
    let p = dir.join(name);
    std::fs::write(&p, script).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
}

struct Wrapped {
    env: Env,
    bin: tempfile::TempDir,
    port: u16,
}

impl Wrapped {
    fn new() -> Self {
        let bin = tempfile::tempdir().unwrap();
        for a in ["claude", "codex", "aider"] {
            stand_in(bin.path(), a);
        }
        Self { env: Env::new(), bin, port: free_port() }
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
        let path = format!("{}:{}", self.bin.path().display(), std::env::var("PATH").unwrap_or_default());
        let mut c = self.env.cmd();
        c.args(args).env("PATH", path).env("CODEX_HOME", self.env.home.path().join("codex"));
        c.env_remove("ANTHROPIC_BASE_URL").env_remove("OPENAI_BASE_URL");
        c.output().unwrap()
    }
}

impl Drop for Wrapped {
    fn drop(&mut self) {
        if let Ok(pid) = std::fs::read_to_string(self.env.home.path().join("proxy.pid")) {
            let _ = std::process::Command::new("kill").arg(pid.trim()).status();
        }
    }
}

#[test]
fn wrap_claude_starts_proxy_sets_env_and_passes_exit_code() {
    let w = Wrapped::new();
    let port = w.port.to_string();
    let out = w.run(&["wrap", "claude", "--port", &port, "--", "--print", "hello"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{stdout} {}", text(&out.stderr));
    assert!(stdout.contains(&format!("ANTHROPIC_BASE_URL=http://127.0.0.1:{port}\n")), "{stdout}");
    assert!(stdout.contains("args=--mcp-config ") && stdout.ends_with("--print hello\n"), "{stdout}");
    assert!(text(&out.stderr).contains("started a proxy"));
    // The proxy it started answers, and a second wrap reuses it.
    let again = w.run(&["wrap", "aider", "--port", &port]);
    assert_eq!(again.status.code(), Some(3));
    assert!(text(&again.stderr).contains("using the proxy already"), "{}", text(&again.stderr));
    let s = text(&again.stdout);
    assert!(s.contains(&format!("OPENAI_API_BASE=http://127.0.0.1:{port}/v1")), "{s}");
    // doctor sees a healthy proxy (other checks may warn offline, never fail here).
    let doc = w.run(&["doctor", "--port", &port, "--json"]);
    let report: serde_json::Value = serde_json::from_str(&text(&doc.stdout)).unwrap();
    assert_eq!(report["checks"][0]["level"], "ok", "{report}");
    assert_ne!(doc.status.code(), Some(2), "{report}");
    // dashboard finds the same proxy and its page is served.
    let dash = w.run(&["dashboard", "--port", &port, "--print"]);
    assert!(dash.status.success(), "{}", text(&dash.stderr));
    let url = text(&dash.stdout).trim().to_owned();
    assert_eq!(url, format!("http://127.0.0.1:{port}/dashboard"));
    let page = ureq::get(&url).call().unwrap().body_mut().read_to_string().unwrap();
    assert!(page.contains("id=\"tokens-saved-total\""), "not the dashboard page");
    // With no proxy on a port, dashboard says how to start one (exit 2, one line).
    let none = w.run(&["dashboard", "--port", &free_port().to_string()]);
    assert_eq!(none.status.code(), Some(2));
    assert!(text(&none.stderr).contains("headroom proxy --port"));
}

#[test]
fn wrap_codex_edits_config_and_unwrap_restores_it() {
    let w = Wrapped::new();
    let port = w.port.to_string();
    let codex = w.env.home.path().join("codex");
    std::fs::create_dir_all(&codex).unwrap();
    let original = "model = \"o3\"\nmodel_provider = \"openai\"\n\n[profiles.fast]\nmodel = \"gpt-5\"\n";
    std::fs::write(codex.join("config.toml"), original).unwrap();
    let out = w.run(&["wrap", "codex", "--port", &port, "--", "exec", "ls"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(&format!("OPENAI_BASE_URL=http://127.0.0.1:{port}/v1")));
    let edited = std::fs::read_to_string(codex.join("config.toml")).unwrap();
    assert!(
        edited.contains("model_provider = \"headroom\"") && edited.contains("[mcp_servers.headroom]"),
        "{edited}"
    );
    assert!(edited.contains("[profiles.fast]"));
    let un = w.run(&["unwrap", "codex"]);
    assert!(un.status.success());
    assert_eq!(std::fs::read_to_string(codex.join("config.toml")).unwrap(), original);
}

#[test]
fn wrap_cursor_prints_settings_and_missing_agent_is_clear() {
    let w = Wrapped::new();
    let out = w.run(&["wrap", "cursor", "--port", "9911"]);
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("http://127.0.0.1:9911/v1"));
    let bad = w.run(&["wrap", "nosuchagent"]);
    assert_eq!(bad.status.code(), Some(2));
}
