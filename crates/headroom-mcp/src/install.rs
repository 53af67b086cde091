//! Registering `headroom mcp serve` with agents: Claude Code (`.mcp.json` / `~/.claude.json`,
//! key `mcpServers`) and Codex (`~/.codex/config.toml`, table `[mcp_servers.headroom]`).
//!
//! The `*_mcp_*` functions are pure renderings. The `install_*` functions touch only the file
//! they are given (and `<file>.headroom-backup`, written before any change): they are
//! idempotent, keep every other key or table, and write in place so permissions and symlinks
//! survive. The Codex edit is textual: bytes outside our table stay byte for byte.

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

/// The name the server is registered under.
pub const SERVER_NAME: &str = "headroom";

/// Appended to a file's name for the copy made before changing it.
pub const BACKUP_SUFFIX: &str = ".headroom-backup";

/// Arguments that make the headroom binary serve MCP.
const ARGS: [&str; 2] = ["mcp", "serve"];

/// What an install did to the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Installed {
    /// The file did not exist and was created.
    Created,
    /// The file was changed; its previous bytes are in `backup`.
    Updated {
        /// Where the previous contents were copied.
        backup: PathBuf,
    },
    /// The entry was already there; the file was not touched.
    Unchanged,
}

/// Why an install refused or failed. The file is never left half-written by a refusal.
#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    /// Reading, backing up or writing failed.
    #[error("{path}: {source}")]
    Io {
        /// The file involved.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The binary path cannot be written into a config file as text.
    #[error("binary path is not valid UTF-8: {0:?}")]
    NonUtf8Path(PathBuf),
    /// The existing file is not something we can safely edit.
    #[error("{path}: {reason}; fix or move the file, then run the install again")]
    Unreadable {
        /// The file involved.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
}

/// Claude Code's `mcpServers.headroom` entry: run `binary mcp serve` over stdio.
pub fn claude_mcp_config(binary: &Path) -> Value {
    serde_json::json!({
        "type": "stdio",
        "command": binary.to_string_lossy(),
        "args": ARGS,
    })
}

/// Codex's `[mcp_servers.headroom]` table (ends with a newline).
pub fn codex_mcp_toml(binary: &Path) -> String {
    format!(
        "[mcp_servers.{SERVER_NAME}]\ncommand = {}\nargs = [{}]\n",
        toml_string(&binary.to_string_lossy()),
        ARGS.map(toml_string).join(", ")
    )
}

/// Add or refresh `mcpServers.headroom` in a Claude Code JSON config (`.mcp.json` or
/// `~/.claude.json`). Other keys, and extra keys of an existing entry (e.g. `env`), are kept.
pub fn install_claude(file: &Path, binary: &Path) -> Result<Installed, InstallError> {
    utf8(binary)?;
    let existing = read_optional(file)?;
    let unreadable = |reason: String| InstallError::Unreadable { path: file.to_owned(), reason };
    let mut root = match existing.as_deref() {
        Some(text) if !text.trim().is_empty() => {
            serde_json::from_str(text).map_err(|e| unreadable(format!("not valid JSON ({e})")))?
        }
        _ => Value::Object(Map::new()),
    };
    let servers = root
        .as_object_mut()
        .ok_or_else(|| unreadable("the top level is not a JSON object".into()))?
        .entry("mcpServers")
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
        .ok_or_else(|| unreadable("\"mcpServers\" is not a JSON object".into()))?;
    let entry = servers.entry(SERVER_NAME).or_insert_with(|| Value::Object(Map::new()));
    let Some(entry) = entry.as_object_mut() else {
        return Err(unreadable(format!("\"mcpServers.{SERVER_NAME}\" is not a JSON object")));
    };
    let wanted = claude_mcp_config(binary);
    let wanted = wanted.as_object().into_iter().flatten();
    if existing.is_some() && wanted.clone().all(|(k, v)| entry.get(k) == Some(v)) {
        return Ok(Installed::Unchanged);
    }
    for (k, v) in wanted {
        entry.insert(k.clone(), v.clone());
    }
    let mut out = serde_json::to_string_pretty(&root).map_err(|e| unreadable(e.to_string()))?;
    out.push('\n');
    write_with_backup(file, existing.is_some(), &out)
}

/// Add or replace the `[mcp_servers.headroom]` table in a Codex `config.toml`. Only that
/// table's lines change (sub-tables such as `[mcp_servers.headroom.env]` are kept); a missing
/// table is appended.
pub fn install_codex(file: &Path, binary: &Path) -> Result<Installed, InstallError> {
    let command = utf8(binary)?;
    let existing = read_optional(file)?;
    let text = existing.as_deref().unwrap_or("");
    let unreadable = |reason: String| InstallError::Unreadable { path: file.to_owned(), reason };
    let before: toml::Table = text.parse().map_err(|e| unreadable(format!("not valid TOML ({e})")))?;
    if existing.is_some() && registered(&before, command) {
        return Ok(Installed::Unchanged);
    }
    let out = splice_table(text, &codex_mcp_toml(binary));
    // The edit is textual, so check what it means before writing: e.g. an inline
    // `headroom = {…}` under `[mcp_servers]` would now be defined twice.
    let after: toml::Table = out.parse().map_err(|e| {
        unreadable(format!("mcp_servers.{SERVER_NAME} is defined in a form this installer cannot edit ({e})"))
    })?;
    if !registered(&after, command) {
        return Err(unreadable(format!("could not register mcp_servers.{SERVER_NAME}")));
    }
    write_with_backup(file, existing.is_some(), &out)
}

/// Whether `config` already runs `command mcp serve` as `mcp_servers.headroom`.
fn registered(config: &toml::Table, command: &str) -> bool {
    let entry = config.get("mcp_servers").and_then(|s| s.get(SERVER_NAME));
    let args: Option<Vec<&str>> = entry
        .and_then(|e| e.get("args"))
        .and_then(|a| a.as_array())
        .and_then(|a| a.iter().map(|v| v.as_str()).collect());
    entry.and_then(|e| e.get("command")).and_then(|c| c.as_str()) == Some(command)
        && args.as_deref() == Some(&ARGS[..])
}

/// `text` with the `[mcp_servers.headroom]` table replaced by `table`, or `table` appended.
/// The replaced span runs from the header to the last key line before the next header, so
/// blank lines and comments leading into the next table stay.
fn splice_table(text: &str, table: &str) -> String {
    let mut scan = Scan::default();
    let mut start = None;
    let mut end = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let line_end = offset + line.len();
        let header = if scan.at_top_level() { header_key(line) } else { None };
        let is_header = header.is_some();
        match (start, header) {
            (None, Some((false, key))) if key == ["mcp_servers", SERVER_NAME] => {
                start = Some(offset);
                end = Some(line_end);
            }
            (Some(_), Some(_)) => break,
            (Some(_), None) => {
                let body = line.trim();
                if scan.in_value() || !(body.is_empty() || body.starts_with('#')) {
                    end = Some(line_end);
                }
            }
            _ => {}
        }
        if !is_header {
            scan.line(line);
        }
        offset = line_end;
    }
    match (start, end) {
        (Some(s), Some(e)) => {
            let mut out = String::with_capacity(text.len() + table.len());
            out.push_str(text.get(..s).unwrap_or_default());
            out.push_str(table);
            out.push_str(text.get(e..).unwrap_or_default());
            out
        }
        _ => {
            let mut out = text.to_owned();
            if !out.is_empty() {
                if !out.ends_with('\n') {
                    out.push('\n');
                }
                out.push('\n');
            }
            out.push_str(table);
            out
        }
    }
}

/// Lexer state carried from line to line: open multi-line strings and open brackets of a
/// value, inside which a line starting with `[` is not a table header.
#[derive(Debug, Default)]
struct Scan {
    multiline: Option<&'static str>,
    depth: usize,
}

impl Scan {
    fn at_top_level(&self) -> bool {
        self.multiline.is_none() && self.depth == 0
    }

    fn in_value(&self) -> bool {
        !self.at_top_level()
    }

    fn line(&mut self, line: &str) {
        let mut rest = line;
        while !rest.is_empty() {
            if let Some(close) = self.multiline {
                match find_close(rest, close) {
                    Some(i) => {
                        self.multiline = None;
                        rest = rest.get(i + 3..).unwrap_or_default();
                    }
                    None => return,
                }
                continue;
            }
            let Some(c) = rest.chars().next() else { return };
            let after = rest.get(c.len_utf8()..).unwrap_or_default();
            rest = match c {
                '#' => return,
                '"' | '\'' => {
                    let triple = if c == '"' { "\"\"\"" } else { "'''" };
                    if rest.starts_with(triple) {
                        self.multiline = Some(triple);
                        rest.get(3..).unwrap_or_default()
                    } else {
                        let quote = if c == '"' { "\"" } else { "'" };
                        match find_close(after, quote) {
                            Some(i) => after.get(i + 1..).unwrap_or_default(),
                            None => "",
                        }
                    }
                }
                '[' | '{' => {
                    self.depth += 1;
                    after
                }
                ']' | '}' => {
                    self.depth = self.depth.saturating_sub(1);
                    after
                }
                _ => after,
            };
        }
    }
}

/// Byte index of the first `close` in `s` not escaped by a backslash (escapes only count in
/// basic strings, which are the `"` ones).
fn find_close(s: &str, close: &str) -> Option<usize> {
    let escapes = close.starts_with('"');
    let mut backslashes = 0;
    for (i, c) in s.char_indices() {
        if s.get(i..).is_some_and(|r| r.starts_with(close)) && backslashes % 2 == 0 {
            return Some(i);
        }
        backslashes = if escapes && c == '\\' { backslashes + 1 } else { 0 };
    }
    None
}

/// The dotted key of a table header line (`[a."b".c]` or `[[a.b]]`), with whether it is an
/// array-of-tables header. `None` for any other line.
fn header_key(line: &str) -> Option<(bool, Vec<String>)> {
    let rest = line.trim_start().strip_prefix('[')?;
    let (array, mut rest) = match rest.strip_prefix('[') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let mut key = Vec::new();
    loop {
        rest = rest.trim_start();
        let (part, after) = if let Some(r) = rest.strip_prefix('"') {
            let i = find_close(r, "\"")?;
            (r.get(..i)?.to_owned(), r.get(i + 1..)?)
        } else if let Some(r) = rest.strip_prefix('\'') {
            let i = r.find('\'')?;
            (r.get(..i)?.to_owned(), r.get(i + 1..)?)
        } else {
            let n = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
                .unwrap_or(rest.len());
            if n == 0 {
                return None;
            }
            (rest.get(..n)?.to_owned(), rest.get(n..)?)
        };
        key.push(part);
        rest = after.trim_start();
        if let Some(r) = rest.strip_prefix('.') {
            rest = r;
            continue;
        }
        let close = if array { "]]" } else { "]" };
        rest.strip_prefix(close)?;
        return Some((array, key));
    }
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn utf8(binary: &Path) -> Result<&str, InstallError> {
    binary.to_str().ok_or_else(|| InstallError::NonUtf8Path(binary.to_owned()))
}

fn read_optional(file: &Path) -> Result<Option<String>, InstallError> {
    match fs::read_to_string(file) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(source) => Err(InstallError::Io { path: file.to_owned(), source }),
    }
}

/// Copy the current file to `<file>.headroom-backup`, then overwrite it in place.
fn write_with_backup(file: &Path, existed: bool, contents: &str) -> Result<Installed, InstallError> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| InstallError::Io { path, source }
    };
    if existed {
        let mut name = file.as_os_str().to_owned();
        name.push(BACKUP_SUFFIX);
        let backup = PathBuf::from(name);
        fs::copy(file, &backup).map_err(io(&backup))?;
        fs::write(file, contents).map_err(io(file))?;
        Ok(Installed::Updated { backup })
    } else {
        if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir).map_err(io(dir))?;
        }
        fs::write(file, contents).map_err(io(file))?;
        Ok(Installed::Created)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_keys() {
        assert_eq!(
            header_key("[mcp_servers.headroom]\n"),
            Some((false, vec!["mcp_servers".into(), "headroom".into()]))
        );
        assert_eq!(
            header_key("  [ mcp_servers . \"headroom\" ] # mine\n"),
            Some((false, vec!["mcp_servers".into(), "headroom".into()]))
        );
        assert_eq!(header_key("[[profiles.x]]"), Some((true, vec!["profiles".into(), "x".into()])));
        assert_eq!(header_key("args = [1]"), None);
        assert_eq!(header_key("[1, 2],"), None);
    }

    #[test]
    fn toml_strings_escape() {
        assert_eq!(toml_string(r#"C:\bin\"h".exe"#), r#""C:\\bin\\\"h\".exe""#);
        assert_eq!(toml_string("a\u{7f}"), "\"a\\u007F\"");
    }
}
