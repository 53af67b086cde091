//! The proxy's side of the savings ledger: one [`LedgerRecord`] per request on a compressed
//! route, written off the request path.
//!
//! Requests hand records to a bounded channel (`try_send`, never waits); one writer thread
//! appends them in batches (every [`FLUSH_EVERY`] or [`BATCH`] records, whichever comes first).
//! A full channel or a failed write drops records and logs once: the ledger is an account of
//! savings, never a reason for a request to wait or fail.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use headroom::{BlockOutcome, CompressResult};
use headroom_store::{Ledger, LedgerOptions, LedgerRecord, StoreError};

use crate::usage::Usage;

/// Longest a record waits in memory before it is written.
const FLUSH_EVERY: Duration = Duration::from_secs(1);
/// Records written in one transaction at most.
const BATCH: usize = 100;
/// Records queued before new ones are dropped (a stalled disk must not grow memory).
const QUEUE: usize = 10_000;

enum Msg {
    Record(Box<LedgerRecord>),
    /// Write everything queued so far, then answer.
    Flush(SyncSender<()>),
}

/// The ledger and its writer thread.
#[derive(Debug)]
pub(crate) struct LedgerSink {
    tx: SyncSender<Msg>,
    ledger: Arc<Ledger>,
    warned: AtomicBool,
}

impl std::fmt::Debug for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Msg")
    }
}

impl LedgerSink {
    /// Open (creating) the ledger at `path` and start its writer.
    pub(crate) fn open(path: &Path) -> Result<Self, StoreError> {
        let ledger = Arc::new(Ledger::open(path, LedgerOptions::default())?);
        let (tx, rx) = mpsc::sync_channel(QUEUE);
        let writer = ledger.clone();
        std::thread::Builder::new()
            .name("headroom-ledger".into())
            .spawn(move || write_loop(&writer, &rx))
            .map_err(|e| StoreError::Backend(format!("starting the ledger writer: {e}")))?;
        Ok(Self { tx, ledger, warned: AtomicBool::new(false) })
    }

    /// The ledger, for reading.
    pub(crate) fn ledger(&self) -> &Arc<Ledger> {
        &self.ledger
    }

    /// Queue `record`; never waits.
    pub(crate) fn record(&self, record: LedgerRecord) {
        match self.tx.try_send(Msg::Record(Box::new(record))) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => self.warn_once("ledger queue is full; dropping records"),
            Err(TrySendError::Disconnected(_)) => self.warn_once("ledger writer stopped; dropping records"),
        }
    }

    /// Write everything queued so far; waits up to `timeout` (blocking: call off the runtime).
    pub(crate) fn flush(&self, timeout: Duration) {
        let (ack_tx, ack_rx) = mpsc::sync_channel(1);
        if send_within(&self.tx, Msg::Flush(ack_tx), timeout) {
            let _ = ack_rx.recv_timeout(timeout);
        }
    }

    fn warn_once(&self, what: &str) {
        if !self.warned.swap(true, Ordering::Relaxed) {
            tracing::warn!("{what}");
        }
    }
}

/// `SyncSender` has no `send_timeout` on stable: retry `try_send` until the deadline.
fn send_within(tx: &SyncSender<Msg>, mut msg: Msg, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        match tx.try_send(msg) {
            Ok(()) => return true,
            Err(TrySendError::Disconnected(_)) => return false,
            Err(TrySendError::Full(m)) => {
                if Instant::now() >= deadline {
                    return false;
                }
                msg = m;
                std::thread::sleep(Duration::from_millis(5));
            }
        }
    }
}

fn write_loop(ledger: &Ledger, rx: &mpsc::Receiver<Msg>) {
    let mut batch: Vec<LedgerRecord> = Vec::with_capacity(BATCH);
    let mut oldest: Option<Instant> = None;
    let mut warned = false;
    let mut write = |batch: &mut Vec<LedgerRecord>| {
        if batch.is_empty() {
            return;
        }
        if let Err(e) = ledger.append_many(batch) {
            if !warned {
                warned = true;
                tracing::warn!("ledger write failed, dropping {} records: {e}", batch.len());
            }
        }
        batch.clear();
    };
    loop {
        let wait = oldest.map_or(Duration::from_secs(3600), |t| FLUSH_EVERY.saturating_sub(t.elapsed()));
        match rx.recv_timeout(wait) {
            Ok(Msg::Record(r)) => {
                oldest.get_or_insert_with(Instant::now);
                batch.push(*r);
                if batch.len() >= BATCH {
                    write(&mut batch);
                    oldest = None;
                }
            }
            Ok(Msg::Flush(ack)) => {
                write(&mut batch);
                oldest = None;
                let _ = ack.send(());
            }
            Err(RecvTimeoutError::Timeout) => {
                write(&mut batch);
                oldest = None;
            }
            Err(RecvTimeoutError::Disconnected) => {
                write(&mut batch);
                return;
            }
        }
    }
}

/// Milliseconds since the Unix epoch, now.
pub(crate) fn now_unix_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// The record of one request, filled in as the request goes, queued when dropped (so a request
/// whose client went away mid-stream is still counted).
pub(crate) struct Pending {
    sink: Option<Arc<LedgerSink>>,
    record: LedgerRecord,
    /// Summed over the rounds of a response the proxy continued.
    usage: Usage,
}

impl Pending {
    /// Start a record for a request that arrived at `ts_unix_ms`; a no-op without a ledger.
    pub(crate) fn new(sink: Option<Arc<LedgerSink>>, ts_unix_ms: i64, route: &str) -> Self {
        let record = LedgerRecord { ts_unix_ms, route: route.to_owned(), ..LedgerRecord::default() };
        Self { sink, record, usage: Usage::default() }
    }

    /// Model, project and what compression did.
    pub(crate) fn request(&mut self, model: &str, project: Option<String>, result: Option<&CompressResult>) {
        let r = &mut self.record;
        r.model = model.to_owned();
        r.project = project;
        if let Some(result) = result {
            r.tokens_before = result.tokens_before as u64;
            r.tokens_after = result.tokens_after as u64;
            r.transforms = result
                .blocks
                .iter()
                .filter_map(|b| match b.outcome {
                    BlockOutcome::Compressed { transform, .. } => Some(transform.as_str().to_owned()),
                    _ => None,
                })
                .collect();
        }
    }

    /// Time the proxy added before forwarding.
    pub(crate) fn added_latency(&mut self, d: Duration) {
        self.record.added_latency_us = u64::try_from(d.as_micros()).unwrap_or(u64::MAX);
    }

    /// The status returned to the client.
    pub(crate) fn status(&mut self, status: u16) {
        self.record.status = status;
    }

    /// Usage the provider reported (added up when called once per round).
    pub(crate) fn usage(&mut self, u: &Usage) {
        self.usage.add(u);
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if let Some(sink) = self.sink.take() {
            let (r, u) = (&mut self.record, self.usage);
            if !u.is_empty() {
                r.usage_input = Some(u.input_tokens);
                r.usage_output = Some(u.output_tokens);
                r.cache_read = Some(u.cache_read_input_tokens);
                r.cache_write = Some(u.cache_creation_input_tokens);
            }
            sink.record(std::mem::take(&mut self.record));
        }
    }
}

/// The project a request names in `x-headroom-project`, if any.
pub(crate) fn project(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get("x-headroom-project")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| v.chars().take(200).collect())
}
