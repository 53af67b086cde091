//! Agent registration: real-looking config files keep everything that is not ours, installs
//! are idempotent, and a backup of the previous bytes is written before any change.

use std::fs;
use std::path::{Path, PathBuf};

use headroom_mcp::install::{
    claude_mcp_config, codex_mcp_toml, install_claude, install_codex, InstallError, Installed,
};
use serde_json::{json, Value};

const BINARY: &str = "/opt/head room/bin/headroom";

fn backup_of(file: &Path) -> PathBuf {
    PathBuf::from(format!("{}.headroom-backup", file.display()))
}

#[test]
fn renderings() {
    assert_eq!(
        claude_mcp_config(Path::new(BINARY)),
        json!({"type": "stdio", "command": BINARY, "args": ["mcp", "serve"]})
    );
    let toml = codex_mcp_toml(Path::new(r#"C:\tools\"hr"\headroom.exe"#));
    assert_eq!(
        toml,
        "[mcp_servers.headroom]\ncommand = \"C:\\\\tools\\\\\\\"hr\\\"\\\\headroom.exe\"\nargs = [\"mcp\", \"serve\"]\n"
    );
    let parsed: toml::Table = toml.parse().unwrap();
    assert_eq!(parsed["mcp_servers"]["headroom"]["command"].as_str(), Some(r#"C:\tools\"hr"\headroom.exe"#));
}

#[test]
fn claude_merge_keeps_other_keys_backs_up_and_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(".claude.json");
    let before = r#"{
  "numStartups": 42,
  "theme": "dark",
  "mcpServers": {
    "github": {"command": "gh-mcp", "args": [], "env": {"TOKEN": "x"}},
    "headroom": {"command": "/old/headroom", "args": ["mcp", "serve"], "env": {"HEADROOM_STORE": "sqlite:///s.db"}}
  },
  "projects": {"/src/app": {"allowedTools": ["Bash"], "mcpServers": {}}}
}
"#;
    fs::write(&file, before).unwrap();

    let outcome = install_claude(&file, Path::new(BINARY)).unwrap();
    assert_eq!(outcome, Installed::Updated { backup: backup_of(&file) });
    assert_eq!(fs::read_to_string(backup_of(&file)).unwrap(), before, "backup holds the old bytes");

    let after: Value = serde_json::from_str(&fs::read_to_string(&file).unwrap()).unwrap();
    let old: Value = serde_json::from_str(before).unwrap();
    let keys: Vec<&String> = after.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["numStartups", "theme", "mcpServers", "projects"], "order kept");
    for key in ["numStartups", "theme", "projects"] {
        assert_eq!(after[key], old[key], "{key}");
    }
    assert_eq!(after["mcpServers"]["github"], old["mcpServers"]["github"]);
    let ours = &after["mcpServers"]["headroom"];
    assert_eq!(ours["command"], BINARY);
    assert_eq!(ours["args"], json!(["mcp", "serve"]));
    assert_eq!(ours["type"], "stdio");
    assert_eq!(ours["env"], json!({"HEADROOM_STORE": "sqlite:///s.db"}), "user's env for us is kept");

    let bytes = fs::read(&file).unwrap();
    fs::remove_file(backup_of(&file)).unwrap();
    assert_eq!(install_claude(&file, Path::new(BINARY)).unwrap(), Installed::Unchanged);
    assert_eq!(fs::read(&file).unwrap(), bytes);
    assert!(!backup_of(&file).exists(), "no change, no backup");
}

#[test]
fn claude_creates_missing_file_and_refuses_what_it_cannot_edit() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("proj/.mcp.json");
    assert_eq!(install_claude(&file, Path::new(BINARY)).unwrap(), Installed::Created);
    let written: Value = serde_json::from_str(&fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(written, json!({"mcpServers": {"headroom": claude_mcp_config(Path::new(BINARY))}}));
    assert_eq!(install_claude(&file, Path::new(BINARY)).unwrap(), Installed::Unchanged);

    for bad in ["[1, 2]", "{\"mcpServers\": []}", "{not json"] {
        fs::write(&file, bad).unwrap();
        let err = install_claude(&file, Path::new(BINARY)).unwrap_err();
        assert!(matches!(err, InstallError::Unreadable { .. }), "{bad}: {err}");
        assert_eq!(fs::read_to_string(&file).unwrap(), bad, "left untouched");
    }
}

const CODEX_CONFIG: &str = r#"# Codex config — hand written
model = "gpt-5-codex"   # trailing comment
model_provider = "headroom-proxy"

[model_providers.headroom-proxy]
name = "headroom"
base_url = "http://127.0.0.1:8787/v1"

[mcp_servers.github]
command = "gh-mcp"
args = [
  "--stdio",
  "[mcp_servers.headroom]",
]

[mcp_servers."headroom"]   # ours, from an old install
command = "/old/headroom"
args = ["mcp",
  "serve"]

# Comment about the env table below stays.
[mcp_servers.headroom.env]
HEADROOM_STORE = "sqlite:///tmp/s.db"

[profiles.fast]
notes = """
[mcp_servers.headroom]
not a header: inside a multi-line string
"""
"#;

#[test]
fn codex_replaces_only_our_table_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config.toml");
    fs::write(&file, CODEX_CONFIG).unwrap();

    let outcome = install_codex(&file, Path::new(BINARY)).unwrap();
    assert_eq!(outcome, Installed::Updated { backup: backup_of(&file) });
    assert_eq!(fs::read_to_string(backup_of(&file)).unwrap(), CODEX_CONFIG);

    let after = fs::read_to_string(&file).unwrap();
    let old_table = "[mcp_servers.\"headroom\"]   # ours, from an old install\ncommand = \"/old/headroom\"\nargs = [\"mcp\",\n  \"serve\"]\n";
    let expected = CODEX_CONFIG.replace(old_table, &codex_mcp_toml(Path::new(BINARY)));
    assert_ne!(expected, CODEX_CONFIG, "fixture contains the old table");
    assert_eq!(after, expected, "everything but our table is byte for byte the same");

    let parsed: toml::Table = after.parse().unwrap();
    let ours = &parsed["mcp_servers"]["headroom"];
    assert_eq!(ours["command"].as_str(), Some(BINARY));
    assert_eq!(ours["env"]["HEADROOM_STORE"].as_str(), Some("sqlite:///tmp/s.db"));
    assert!(parsed["profiles"]["fast"]["notes"].as_str().unwrap().contains("not a header"));

    fs::remove_file(backup_of(&file)).unwrap();
    assert_eq!(install_codex(&file, Path::new(BINARY)).unwrap(), Installed::Unchanged);
    assert_eq!(fs::read_to_string(&file).unwrap(), after);
    assert!(!backup_of(&file).exists());
}

#[test]
fn codex_appends_when_missing_and_creates_when_absent() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config.toml");
    let before = "model = \"o3\"\n\n[mcp_servers.other]\ncommand = \"x\"";
    fs::write(&file, before).unwrap();
    install_codex(&file, Path::new(BINARY)).unwrap();
    let after = fs::read_to_string(&file).unwrap();
    assert_eq!(after, format!("{before}\n\n{}", codex_mcp_toml(Path::new(BINARY))));
    assert_eq!(install_codex(&file, Path::new(BINARY)).unwrap(), Installed::Unchanged);

    let fresh = dir.path().join("new/.codex/config.toml");
    assert_eq!(install_codex(&fresh, Path::new(BINARY)).unwrap(), Installed::Created);
    assert_eq!(fs::read_to_string(&fresh).unwrap(), codex_mcp_toml(Path::new(BINARY)));
}

#[test]
fn codex_refuses_forms_it_cannot_edit_and_leaves_them_alone() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config.toml");
    for bad in ["[mcp_servers]\nheadroom = { command = \"/old\", args = [] }\n", "model = \n"] {
        fs::write(&file, bad).unwrap();
        let err = install_codex(&file, Path::new(BINARY)).unwrap_err();
        assert!(matches!(err, InstallError::Unreadable { .. }), "{bad}: {err}");
        assert_eq!(fs::read_to_string(&file).unwrap(), bad);
        assert!(!backup_of(&file).exists());
    }
}
