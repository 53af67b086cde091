//! `ProxyConfig`: every knob of the proxy, typed, with its default in one place.
//!
//! The same struct is read from a config file (serde, unknown fields rejected) and flattened
//! into the CLI (`clap::Args`); the clap defaults are taken from [`ProxyConfig::default`]'s
//! constants so the two can never disagree.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::ProxyError;

const DEFAULT_HOST: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
const DEFAULT_PORT: u16 = 8787;
const DEFAULT_ANTHROPIC: &str = "https://api.anthropic.com";
const DEFAULT_OPENAI: &str = "https://api.openai.com";
const DEFAULT_BODY_LIMIT: &str = "100MB";
const DEFAULT_BUDGET: &str = "2s";
const DEFAULT_GRACE: &str = "30s";
const DEFAULT_CONNECT_TIMEOUT: &str = "10s";
const DEFAULT_MIN_TOKENS: usize = 250;
const DEFAULT_RETRIEVE_ROUNDS: u8 = 3;

/// Everything that configures a proxy. All fields have defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, clap::Args)]
#[serde(default, deny_unknown_fields)]
pub struct ProxyConfig {
    /// Address to bind (loopback by default: the proxy holds callers' API keys in flight).
    #[arg(long, default_value_t = DEFAULT_HOST)]
    pub host: IpAddr,
    /// Port to bind (0 picks a free one).
    #[arg(long, default_value_t = DEFAULT_PORT)]
    pub port: u16,
    /// Origin that Anthropic-shaped requests go to; the request path is appended.
    #[arg(long, default_value = DEFAULT_ANTHROPIC)]
    pub anthropic_upstream: Upstream,
    /// Origin that OpenAI-shaped requests go to; the request path is appended.
    #[arg(long, default_value = DEFAULT_OPENAI)]
    pub openai_upstream: Upstream,
    /// Where originals are kept (`memory:`, `sqlite:PATH`, `redis://...`); unset: the default
    /// store of `headroom-store`.
    #[arg(long)]
    pub store: Option<String>,
    /// Largest request body accepted on the compressed routes (e.g. `100MB`); larger gets 413.
    #[arg(long, default_value = DEFAULT_BODY_LIMIT)]
    pub body_limit: ByteSize,
    /// Time compression may take per request before the original bytes are forwarded.
    #[arg(long, default_value = DEFAULT_BUDGET)]
    pub compression_budget: HumanDuration,
    /// Compressions run at once (off the request threads); unset: one per CPU. Bounds the
    /// engine's CPU and memory under load; queued requests count against the time budget.
    #[arg(long)]
    pub compression_workers: Option<std::num::NonZeroUsize>,
    /// Tool names whose outputs are never compressed; `*` globs (`mcp__*`). Repeatable.
    #[arg(long = "exclude-tool", value_name = "GLOB")]
    pub excluded_tools: Vec<String>,
    /// Whether compression may drop content behind markers answered by the injected
    /// `headroom_retrieve` tool (`tool`), or stays lossless (`off`).
    #[arg(long, value_enum, default_value_t = RetrievalMode::Tool)]
    pub retrieval: RetrievalMode,
    /// Tool outputs smaller than this many tokens are left alone.
    #[arg(long, default_value_t = DEFAULT_MIN_TOKENS)]
    pub min_tokens_to_compress: usize,
    /// How many `headroom_retrieve` calls in a row the proxy answers within one response.
    #[arg(long, default_value_t = DEFAULT_RETRIEVE_ROUNDS)]
    pub max_retrieve_rounds: u8,
    /// Serve `GET /v1/retrieve/{hash}` to non-loopback callers too (they must send an API key,
    /// and only see originals stored under it).
    #[arg(long)]
    pub retrieve_remote: bool,
    /// How long shutdown waits for in-flight requests and streams before closing them.
    #[arg(long, default_value = DEFAULT_GRACE)]
    pub shutdown_grace: HumanDuration,
    /// Timeout for connecting to an upstream.
    #[arg(long, default_value = DEFAULT_CONNECT_TIMEOUT)]
    pub connect_timeout: HumanDuration,
    /// The savings ledger: `default` (`ledger.db` in headroom's data directory), `off`, or a
    /// file path.
    #[arg(long, default_value = "default", value_name = "default|off|PATH")]
    pub ledger: LedgerTarget,
}

impl Default for ProxyConfig {
    fn default() -> Self {
        Self {
            host: DEFAULT_HOST,
            port: DEFAULT_PORT,
            anthropic_upstream: Upstream::parse_default(DEFAULT_ANTHROPIC),
            openai_upstream: Upstream::parse_default(DEFAULT_OPENAI),
            store: None,
            body_limit: ByteSize::parse_default(DEFAULT_BODY_LIMIT),
            compression_budget: HumanDuration::parse_default(DEFAULT_BUDGET),
            compression_workers: None,
            excluded_tools: Vec::new(),
            retrieval: RetrievalMode::Tool,
            min_tokens_to_compress: DEFAULT_MIN_TOKENS,
            max_retrieve_rounds: DEFAULT_RETRIEVE_ROUNDS,
            retrieve_remote: false,
            shutdown_grace: HumanDuration::parse_default(DEFAULT_GRACE),
            connect_timeout: HumanDuration::parse_default(DEFAULT_CONNECT_TIMEOUT),
            ledger: LedgerTarget::Default,
        }
    }
}

/// Whether the proxy offers the model its `headroom_retrieve` tool.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum RetrievalMode {
    /// Lossy compression with markers; the proxy injects and answers `headroom_retrieve`.
    #[default]
    Tool,
    /// Lossless compression only; no tool is injected.
    Off,
}

/// Where the savings ledger lives. Written `default`, `off` or a path.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum LedgerTarget {
    /// `headroom_store::default_ledger_path()`, shared with `headroom perf`.
    #[default]
    Default,
    /// No ledger: nothing is recorded, the dashboard's history is empty.
    Off,
    /// This file.
    Path(PathBuf),
}

impl LedgerTarget {
    /// The file to open, `None` when off.
    pub fn path(&self) -> Result<Option<PathBuf>, ProxyError> {
        match self {
            Self::Default => headroom_store::default_ledger_path()
                .map(Some)
                .map_err(|e| ProxyError::Config(format!("ledger path: {e}"))),
            Self::Off => Ok(None),
            Self::Path(p) => Ok(Some(p.clone())),
        }
    }
}

impl FromStr for LedgerTarget {
    type Err = ProxyError;
    fn from_str(s: &str) -> Result<Self, ProxyError> {
        match s.trim() {
            "" => Err(ProxyError::Config("ledger: empty; use default, off or a path".into())),
            "default" => Ok(Self::Default),
            "off" => Ok(Self::Off),
            p => Ok(Self::Path(PathBuf::from(p))),
        }
    }
}

impl TryFrom<String> for LedgerTarget {
    type Error = ProxyError;
    fn try_from(s: String) -> Result<Self, ProxyError> {
        s.parse()
    }
}

impl From<LedgerTarget> for String {
    fn from(t: LedgerTarget) -> String {
        t.to_string()
    }
}

impl fmt::Display for LedgerTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Default => f.write_str("default"),
            Self::Off => f.write_str("off"),
            Self::Path(p) => write!(f, "{}", p.display()),
        }
    }
}

/// An upstream base URL: `http(s)://host[:port][/prefix]`, no query, no trailing slash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Upstream(String);

impl Upstream {
    /// The base, without a trailing slash.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The full URL for a request path (with its query).
    pub(crate) fn join(&self, path_and_query: &str) -> String {
        format!("{}{}", self.0, path_and_query)
    }

    fn parse_default(s: &str) -> Self {
        Self(s.to_owned())
    }
}

impl FromStr for Upstream {
    type Err = ProxyError;
    fn from_str(s: &str) -> Result<Self, ProxyError> {
        let bad = |reason: &str| ProxyError::Config(format!("upstream {s:?}: {reason}"));
        let rest = s
            .strip_prefix("https://")
            .or_else(|| s.strip_prefix("http://"))
            .ok_or_else(|| bad("must start with http:// or https://"))?;
        if rest.is_empty() || rest.starts_with('/') {
            return Err(bad("has no host"));
        }
        if rest.contains(['?', '#', ' ']) {
            return Err(bad("must not carry a query, fragment or spaces"));
        }
        Ok(Self(s.trim_end_matches('/').to_owned()))
    }
}

impl TryFrom<String> for Upstream {
    type Error = ProxyError;
    fn try_from(s: String) -> Result<Self, ProxyError> {
        s.parse()
    }
}

impl From<Upstream> for String {
    fn from(u: Upstream) -> String {
        u.0
    }
}

impl fmt::Display for Upstream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A byte count, written `100MB`, `512KiB`, `1048576`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ByteSize(pub u64);

impl ByteSize {
    /// The count as `usize` (saturating).
    pub fn as_usize(self) -> usize {
        usize::try_from(self.0).unwrap_or(usize::MAX)
    }

    fn parse_default(s: &str) -> Self {
        s.parse().unwrap_or(Self(100 * 1000 * 1000))
    }
}

impl FromStr for ByteSize {
    type Err = ProxyError;
    fn from_str(s: &str) -> Result<Self, ProxyError> {
        let t = s.trim();
        let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        let (num, unit) = t.split_at(split);
        let n: u64 = num.parse().map_err(|_| ProxyError::Config(format!("size {s:?}: not a number")))?;
        let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
            "" | "b" => 1,
            "kb" | "k" => 1000,
            "mb" | "m" => 1000 * 1000,
            "gb" | "g" => 1000 * 1000 * 1000,
            "kib" => 1 << 10,
            "mib" => 1 << 20,
            "gib" => 1 << 30,
            other => return Err(ProxyError::Config(format!("size {s:?}: unknown unit {other:?}"))),
        };
        n.checked_mul(mult).map(Self).ok_or_else(|| ProxyError::Config(format!("size {s:?}: too large")))
    }
}

impl TryFrom<String> for ByteSize {
    type Error = ProxyError;
    fn try_from(s: String) -> Result<Self, ProxyError> {
        s.parse()
    }
}

impl From<ByteSize> for String {
    fn from(b: ByteSize) -> String {
        b.to_string()
    }
}

impl fmt::Display for ByteSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0;
        if n != 0 && n.is_multiple_of(1_000_000_000) {
            write!(f, "{}GB", n / 1_000_000_000)
        } else if n != 0 && n.is_multiple_of(1_000_000) {
            write!(f, "{}MB", n / 1_000_000)
        } else if n != 0 && n.is_multiple_of(1000) {
            write!(f, "{}KB", n / 1000)
        } else {
            write!(f, "{n}")
        }
    }
}

/// A duration, written `250ms`, `2s`, `1m`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct HumanDuration(pub Duration);

impl HumanDuration {
    /// The duration.
    pub fn get(self) -> Duration {
        self.0
    }

    fn parse_default(s: &str) -> Self {
        s.parse().unwrap_or(Self(Duration::from_secs(1)))
    }
}

impl FromStr for HumanDuration {
    type Err = ProxyError;
    fn from_str(s: &str) -> Result<Self, ProxyError> {
        let t = s.trim();
        let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        let (num, unit) = t.split_at(split);
        let n: u64 = num.parse().map_err(|_| ProxyError::Config(format!("duration {s:?}: not a number")))?;
        let d = match unit.trim() {
            "ms" => Duration::from_millis(n),
            "s" | "" => Duration::from_secs(n),
            "m" => Duration::from_secs(n.saturating_mul(60)),
            other => {
                return Err(ProxyError::Config(format!("duration {s:?}: unknown unit {other:?} (ms, s, m)")))
            }
        };
        Ok(Self(d))
    }
}

impl TryFrom<String> for HumanDuration {
    type Error = ProxyError;
    fn try_from(s: String) -> Result<Self, ProxyError> {
        s.parse()
    }
}

impl From<HumanDuration> for String {
    fn from(d: HumanDuration) -> String {
        d.to_string()
    }
}

impl fmt::Display for HumanDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0.as_millis();
        if ms.is_multiple_of(60_000) && ms != 0 {
            write!(f, "{}m", ms / 60_000)
        } else if ms.is_multiple_of(1000) {
            write!(f, "{}s", ms / 1000)
        } else {
            write!(f, "{ms}ms")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_knobs() {
        assert_eq!("100MB".parse::<ByteSize>().unwrap().0, 100_000_000);
        assert_eq!("2MiB".parse::<ByteSize>().unwrap().0, 2 << 20);
        assert!("12XB".parse::<ByteSize>().is_err());
        assert_eq!("250ms".parse::<HumanDuration>().unwrap().get(), Duration::from_millis(250));
        assert_eq!("1m".parse::<HumanDuration>().unwrap().to_string(), "1m");
        assert!("ftp://x".parse::<Upstream>().is_err());
        assert_eq!("http://127.0.0.1:9/".parse::<Upstream>().unwrap().as_str(), "http://127.0.0.1:9");
        assert_eq!("off".parse::<LedgerTarget>().unwrap(), LedgerTarget::Off);
        assert_eq!("default".parse::<LedgerTarget>().unwrap(), LedgerTarget::Default);
        let p = "/tmp/l.db".parse::<LedgerTarget>().unwrap();
        assert_eq!(p, LedgerTarget::Path("/tmp/l.db".into()));
        assert_eq!(p.path().unwrap(), Some("/tmp/l.db".into()));
        assert_eq!(LedgerTarget::Off.path().unwrap(), None);
        assert!("".parse::<LedgerTarget>().is_err());
        let json: ProxyConfig = serde_json::from_str(r#"{"ledger": "off"}"#).unwrap();
        assert_eq!(json.ledger, LedgerTarget::Off);
    }

    #[test]
    fn defaults_agree_between_serde_and_clap() {
        use clap::Parser;
        #[derive(Parser)]
        struct Cli {
            #[command(flatten)]
            proxy: ProxyConfig,
        }
        let from_cli = Cli::parse_from(["headroom"]).proxy;
        let from_file: ProxyConfig = serde_json::from_str("{}").unwrap();
        assert_eq!(from_cli, ProxyConfig::default());
        assert_eq!(from_file, ProxyConfig::default());
        assert!(serde_json::from_str::<ProxyConfig>(r#"{"prot":1}"#).is_err());
        let c: ProxyConfig =
            serde_json::from_str(r#"{"body_limit":"1KB","excluded_tools":["mcp__*"]}"#).unwrap();
        assert_eq!(c.body_limit.0, 1000);
    }
}
