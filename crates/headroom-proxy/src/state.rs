//! `AppState`: what every handler receives, built once from a [`ProxyConfig`]: the upstream
//! client, the store, the stats, and the engines (one per wire format × token counter ×
//! retrieval mode, each built on first use).

use std::sync::{Arc, OnceLock};

use headroom::{CompressConfig, Encoding, Engine, QueryScope, Retrieval, TokenCount, TokenCounter};
use headroom_store::SharedStore;

use crate::config::{ProxyConfig, RetrievalMode};
use crate::error::ProxyError;
use crate::ledger::LedgerSink;
use crate::provider::Route;
use crate::stats::Stats;

/// Shared, cheaply clonable state of one proxy.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

struct Inner {
    config: ProxyConfig,
    client: reqwest::Client,
    store: SharedStore,
    stats: Stats,
    engines: [OnceLock<Arc<Engine>>; ENGINES],
    workers: Arc<tokio::sync::Semaphore>,
    ledger: Option<Arc<LedgerSink>>,
    history: crate::dashboard::HistoryCache,
}

/// 3 routes × 3 counters × 2 retrieval modes.
const ENGINES: usize = 18;

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").field("config", &self.0.config).finish_non_exhaustive()
    }
}

impl AppState {
    /// Build the state for `config`, keeping originals in `store`.
    pub fn new(config: ProxyConfig, store: SharedStore) -> Result<Self, ProxyError> {
        // reqwest is built without a default crypto provider (no aws-lc); ring is installed once
        // per process. A second install fails harmlessly when one is already there.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout.get())
            .redirect(reqwest::redirect::Policy::none())
            .pool_idle_timeout(std::time::Duration::from_secs(90))
            .tcp_nodelay(true)
            .build()
            .map_err(ProxyError::Client)?;
        let workers = config
            .compression_workers
            .or_else(|| std::thread::available_parallelism().ok())
            .map_or(1, std::num::NonZeroUsize::get);
        let ledger = open_ledger(&config);
        Ok(Self(Arc::new(Inner {
            ledger,
            config,
            client,
            store,
            stats: Stats::default(),
            engines: Default::default(),
            workers: Arc::new(tokio::sync::Semaphore::new(workers)),
            history: crate::dashboard::HistoryCache::default(),
        })))
    }

    /// The dashboard's last history, for polls that come too soon to read it again.
    pub(crate) fn history_cache(&self) -> &crate::dashboard::HistoryCache {
        &self.0.history
    }

    /// The configuration.
    pub fn config(&self) -> &ProxyConfig {
        &self.0.config
    }

    pub(crate) fn client(&self) -> &reqwest::Client {
        &self.0.client
    }

    /// The store originals go to.
    pub fn store(&self) -> &SharedStore {
        &self.0.store
    }

    pub(crate) fn stats(&self) -> &Stats {
        &self.0.stats
    }

    /// The proxy's engine for `route`, `model` and retrieval mode. Query scope is `Preceding`
    /// and nothing is protected by recency: a block then compresses to the same bytes on every
    /// turn, which keeps the provider's prompt cache valid.
    pub(crate) fn engine(&self, route: Route, model: &str, retrieval: Retrieval) -> Arc<Engine> {
        let (class, representative) = match TokenCounter::for_model(model).method() {
            TokenCount::Exact { encoding: Encoding::O200kBase } => (0, "gpt-4o"),
            TokenCount::Exact { encoding: Encoding::Cl100kBase } => (1, "gpt-4"),
            TokenCount::Estimate => (2, "claude-sonnet-4-5"),
        };
        let lossy = usize::from(retrieval == Retrieval::Markers);
        let slot = (route.index() * 3 + class) * 2 + lossy;
        let Some(cell) = self.0.engines.get(slot) else {
            return Arc::new(Engine::new(self.engine_config(route, representative, retrieval)));
        };
        cell.get_or_init(|| Arc::new(Engine::new(self.engine_config(route, representative, retrieval))))
            .clone()
    }

    fn engine_config(&self, route: Route, model: &str, retrieval: Retrieval) -> CompressConfig {
        CompressConfig {
            model: model.into(),
            min_tokens_to_compress: self.0.config.min_tokens_to_compress,
            query_scope: QueryScope::Preceding,
            format: Some(route.format()),
            retrieval,
            excluded_tools: self.0.config.excluded_tools.clone(),
            ..CompressConfig::default()
        }
    }

    /// Permits for running a compression off the request threads.
    pub(crate) fn workers(&self) -> Arc<tokio::sync::Semaphore> {
        self.0.workers.clone()
    }

    /// The savings ledger, when one is configured and could be opened.
    pub(crate) fn ledger(&self) -> Option<&Arc<LedgerSink>> {
        self.0.ledger.as_ref()
    }

    /// Write every ledger record queued so far (blocking; call off the runtime).
    pub(crate) fn flush_ledger(&self, timeout: std::time::Duration) {
        if let Some(l) = &self.0.ledger {
            l.flush(timeout);
        }
    }

    /// Whether lossy compression (markers + the injected tool) is enabled.
    pub(crate) fn retrieval_enabled(&self) -> bool {
        self.0.config.retrieval == RetrievalMode::Tool
    }
}

/// Open the configured ledger. A ledger that cannot be opened is logged and left off: the
/// proxy's job is forwarding, the ledger only accounts for it.
fn open_ledger(config: &ProxyConfig) -> Option<Arc<LedgerSink>> {
    let path = match config.ledger.path() {
        Ok(p) => p?,
        Err(e) => {
            tracing::warn!("savings ledger off: {e}");
            return None;
        }
    };
    match LedgerSink::open(&path) {
        Ok(sink) => Some(Arc::new(sink)),
        Err(e) => {
            tracing::warn!("savings ledger off: cannot open {}: {e}", path.display());
            None
        }
    }
}
