//! `CompressConfig` and its typed knobs. Defaults live here and nowhere else.

use serde::{Deserialize, Serialize};

use crate::wire::Format;

/// The model a request is for; picks the token counter.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ModelName(pub String);

impl ModelName {
    /// The model name as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for ModelName {
    fn default() -> Self {
        Self("claude-sonnet-4-5".to_owned())
    }
}

impl From<&str> for ModelName {
    fn from(s: &str) -> Self {
        Self(s.to_owned())
    }
}

impl From<String> for ModelName {
    fn from(s: String) -> Self {
        Self(s)
    }
}

/// How many of the most recent messages are kept lossless (reversible rewrites only, no
/// markers). `0` protects nothing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ProtectRecent(pub usize);

/// Requested aggressiveness: the fraction of a block's tokens to aim to remove, in `(0, 1)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct TargetRatio(f64);

impl TargetRatio {
    /// A ratio strictly between 0 and 1.
    pub fn new(value: f64) -> Result<Self, crate::Error> {
        if value > 0.0 && value < 1.0 {
            Ok(Self(value))
        } else {
            Err(crate::Error::Config(format!(
                "target_ratio must be between 0 and 1 (exclusive), got {value}"
            )))
        }
    }

    /// The fraction to remove.
    pub fn get(self) -> f64 {
        self.0
    }
}

impl TryFrom<f64> for TargetRatio {
    type Error = crate::Error;
    fn try_from(value: f64) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<TargetRatio> for f64 {
    fn from(r: TargetRatio) -> f64 {
        r.0
    }
}

/// Which user text a block's relevance is judged against.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueryScope {
    /// The latest user text in the whole input (best for one-shot library use and eval).
    #[default]
    Latest,
    /// The latest user text *before* the block. A block then compresses to the same bytes on
    /// every later turn, whatever the user asks next: what a caching proxy needs.
    Preceding,
}

/// Whether compression may drop content behind retrieval markers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Retrieval {
    /// Lossy steps allowed; everything dropped is named by a marker and returned in
    /// `CompressResult::originals`.
    #[default]
    Markers,
    /// Only reversible rewrites (e.g. JSON tables); no markers. For clients that cannot retrieve.
    LosslessOnly,
}

/// Everything that steers compression. All fields have defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CompressConfig {
    /// Model the request is for; picks the token counter.
    pub model: ModelName,
    /// Blocks with fewer tokens are left alone.
    pub min_tokens_to_compress: usize,
    /// Compress user-authored text (tool results inside user turns are always eligible).
    pub compress_user_messages: bool,
    /// Compress system / developer prompts.
    pub compress_system_messages: bool,
    /// Recent messages kept lossless.
    pub protect_recent: ProtectRecent,
    /// Optional aggressiveness.
    pub target_ratio: Option<TargetRatio>,
    /// Relevance query; default: user text picked by `query_scope`.
    pub query: Option<String>,
    /// Which user text is the query when `query` is unset.
    pub query_scope: QueryScope,
    /// Force the input format instead of detecting it.
    pub format: Option<Format>,
    /// Lossy-with-markers or lossless only.
    pub retrieval: Retrieval,
    /// Tool names whose outputs are never touched; `*` matches any run of characters
    /// (e.g. `mcp__*`).
    pub excluded_tools: Vec<String>,
}

impl Default for CompressConfig {
    fn default() -> Self {
        Self {
            model: ModelName::default(),
            min_tokens_to_compress: 250,
            compress_user_messages: false,
            compress_system_messages: false,
            protect_recent: ProtectRecent(0),
            target_ratio: None,
            query: None,
            query_scope: QueryScope::Latest,
            format: None,
            retrieval: Retrieval::Markers,
            excluded_tools: Vec::new(),
        }
    }
}

/// `*`-glob match (no other metacharacters), used for tool exclusion.
pub(crate) fn glob_match(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == name;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !name.starts_with(first) || name.len() < first.len() + last.len() || !name.ends_with(last) {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("mcp__*", "mcp__github__search"));
        assert!(!glob_match("mcp__*", "Bash"));
        assert!(glob_match("*search*", "web_search_tool"));
        assert!(glob_match("Read", "Read"));
        assert!(!glob_match("a*b*c", "acb"));
    }

    #[test]
    fn config_rejects_unknown_fields_and_bad_ratio() {
        assert!(serde_json::from_str::<CompressConfig>(r#"{"modle":"x"}"#).is_err());
        assert!(serde_json::from_str::<CompressConfig>(r#"{"target_ratio":1.5}"#).is_err());
        let c: CompressConfig = serde_json::from_str(r#"{"model":"gpt-4o"}"#).unwrap();
        assert_eq!(c.min_tokens_to_compress, 250);
    }
}
