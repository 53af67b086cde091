//! The one driver: locate slots → gate → detect → compress → never inflate → splice.
//!
//! `Engine::new` builds everything reusable (token counter, keyword automata) once; `compress`
//! is then a pure function of the input bytes and the config. Blocks are independent, so large
//! requests spread them over the cores, and an engine remembers the outcome of each sizeable
//! block ([`crate::cache`]) because agents resend them every turn; neither changes a byte of
//! output.

use std::collections::HashSet;
use std::panic::{catch_unwind, AssertUnwindSafe};

use rayon::prelude::*;

use crate::cache::{Key, Memo};
use crate::compressors::{self, Context, Mode, Transform};
use crate::config::{glob_match, CompressConfig, QueryScope, Retrieval};
use crate::detect::detect;
use crate::marker::{ContentHash, Marker};
use crate::relevance::Query;
use crate::result::{BlockOutcome, BlockReport, CompressResult, Original, SkipReason};
use crate::signals::Signals;
use crate::tokens::TokenCounter;
use crate::wire::{self, Edit, Located, Role, Slot};
use crate::Error;

/// A configured compressor, reusable across requests.
#[derive(Debug)]
pub struct Engine {
    config: CompressConfig,
    counter: TokenCounter,
    signals: Signals,
    /// Outcomes of large blocks already compressed (see [`crate::cache`]).
    memo: Memo<(usize, Attempt)>,
}

impl Engine {
    /// Build an engine for `config`.
    pub fn new(config: CompressConfig) -> Self {
        let counter = TokenCounter::for_model(config.model.as_str());
        Self { config, counter, signals: Signals::new(), memo: Memo::new(memo_weight) }
    }

    /// This engine without its memo of large blocks: every call compresses from scratch. For
    /// benchmarks, and for callers that never send the same block twice.
    pub fn without_memo(mut self) -> Self {
        self.memo = Memo::disabled(memo_weight);
        self
    }

    /// The configuration this engine was built with.
    pub fn config(&self) -> &CompressConfig {
        &self.config
    }

    /// The token counter for the configured model.
    pub fn counter(&self) -> &TokenCounter {
        &self.counter
    }

    /// Compress a message list or request body given as JSON text.
    pub fn compress(&self, input: &str) -> Result<CompressResult, Error> {
        self.compress_located(input, wire::locate(input, self.config.format)?)
    }

    /// [`Self::compress`] on `input` already located by [`wire::locate`] under this engine's
    /// format. A caller that routes on the request's `model` or `stream` (see
    /// [`Located::request`]) reads them there and never parses the body twice.
    pub fn compress_located(&self, input: &str, located: Located) -> Result<CompressResult, Error> {
        let protected_from = located.message_count.saturating_sub(self.config.protect_recent.0);
        let latest_user = located.slots.iter().rev().find(|s| s.role == Role::User).map(|s| s.text.as_str());
        let fixed_query = self.config.query.as_deref().map(Query::new);
        let latest_query = Query::new(latest_user.unwrap_or(""));

        let mut edits = Vec::new();
        let mut blocks = Vec::with_capacity(located.slots.len());
        let mut originals: Vec<Original> = Vec::new();
        let mut seen_hashes = HashSet::new();
        let mut transforms = Vec::new();
        let (mut before_total, mut after_total) = (0, 0);

        let run = |(i, slot): (usize, &Slot)| {
            let query_owned;
            let query = match (&fixed_query, self.config.query_scope) {
                (Some(q), _) => q,
                (None, QueryScope::Latest) => &latest_query,
                (None, QueryScope::Preceding) => {
                    let text = located.slots[..i]
                        .iter()
                        .rev()
                        .find(|s| s.role == Role::User)
                        .map_or("", |s| s.text.as_str());
                    query_owned = Query::new(text);
                    &query_owned
                }
            };
            let protected =
                slot.message.is_some_and(|m| m >= protected_from) && self.config.protect_recent.0 > 0;
            self.block(slot, query, protected)
        };
        // Blocks are independent: large requests spread them over the cores (results come
        // back in slot order, so the output does not depend on scheduling).
        let big = located.slots.iter().map(|s| s.text.len()).sum::<usize>() >= PARALLEL_BYTES;
        let done: Vec<Done> = if big {
            located.slots.par_iter().enumerate().map(run).collect()
        } else {
            located.slots.iter().enumerate().map(run).collect()
        };
        for (slot, report) in located.slots.iter().zip(done) {
            before_total += report.tokens_before;
            after_total += report.report.tokens_after;
            if let (Some(text), BlockOutcome::Compressed { transform, lossy }) =
                (report.text, &report.report.outcome)
            {
                if !transforms.contains(transform) {
                    transforms.push(*transform);
                }
                if *lossy && seen_hashes.insert(report.hash) {
                    originals.push(Original { hash: report.hash, content: slot.text.clone() });
                }
                edits.push(Edit { span: slot.span, replacement: serde_json::to_string(&text)? });
            }
            blocks.push(report.report);
        }

        let out = wire::apply_edits(input, &mut edits);
        let messages = serde_json::value::RawValue::from_string(out)?;
        let saved = before_total.saturating_sub(after_total);
        Ok(CompressResult {
            messages,
            format: located.format,
            tokens_before: before_total,
            tokens_after: after_total,
            tokens_saved: saved,
            compression_ratio: if before_total == 0 { 0.0 } else { saved as f64 / before_total as f64 },
            token_count: self.counter.method(),
            transforms_applied: transforms,
            blocks,
            originals,
        })
    }

    fn eligible(&self, slot: &Slot) -> Result<(), SkipReason> {
        let ok = match slot.role {
            Role::Tool => true,
            Role::User => self.config.compress_user_messages,
            Role::System => self.config.compress_system_messages,
            Role::Assistant => false,
        };
        if !ok {
            return Err(SkipReason::Role);
        }
        if let Some(name) = &slot.tool_name {
            if self.config.excluded_tools.iter().any(|p| glob_match(p, name)) {
                return Err(SkipReason::ExcludedTool);
            }
        }
        Ok(())
    }

    fn block(&self, slot: &Slot, query: &Query, protected: bool) -> Done {
        let hash = ContentHash::of(&slot.text);
        let report = |tokens_before: usize, tokens_after: usize, kind, outcome| Done {
            tokens_before,
            hash,
            text: None,
            report: BlockReport {
                path: slot.path.clone(),
                role: slot.role,
                kind,
                tokens_before,
                tokens_after,
                outcome,
            },
        };
        let skip = |tokens, reason, kind| report(tokens, tokens, kind, BlockOutcome::Skipped { reason });
        let min = self.config.min_tokens_to_compress;
        if let Err(reason) = self.eligible(slot) {
            return skip(self.counter.count(&slot.text), reason, None);
        }
        // Every token spans at least one byte, so shorter text is under the threshold.
        if slot.text.len() < min {
            return skip(self.counter.count(&slot.text), SkipReason::BelowThreshold, None);
        }
        let mode = if protected || self.config.retrieval == Retrieval::LosslessOnly {
            Mode::Lossless
        } else {
            Mode::Lossy
        };
        // Blocks are remembered (the next turn resends them). A large block is counted on
        // another core while it is compressed; a small one is counted first, so text under the
        // threshold is never compressed for nothing.
        let key = (slot.text.len() >= MEMO_BYTES).then(|| Key::new(hash, mode, query));
        let (tokens_before, attempt) = match key.as_ref().and_then(|k| self.memo.get(k)) {
            Some(done) => done,
            None => {
                let done = if slot.text.len() >= PARALLEL_BYTES {
                    rayon::join(|| self.counter.count(&slot.text), || self.attempt(slot, query, mode, hash))
                } else {
                    let tokens = self.counter.count(&slot.text);
                    if tokens < min {
                        return skip(tokens, SkipReason::BelowThreshold, None);
                    }
                    (tokens, self.attempt(slot, query, mode, hash))
                };
                if let Some(k) = key {
                    self.memo.put(k, done.clone());
                }
                done
            }
        };
        if tokens_before < min {
            return skip(tokens_before, SkipReason::BelowThreshold, None);
        }
        match attempt {
            Attempt::Skipped(reason, kind) => skip(tokens_before, reason, Some(kind)),
            Attempt::Failed { kind, transform, error } => {
                report(tokens_before, tokens_before, Some(kind), BlockOutcome::Failed { transform, error })
            }
            Attempt::Compressed { kind, tokens_after, .. } if tokens_after >= tokens_before => {
                skip(tokens_before, SkipReason::NoGain, Some(kind))
            }
            Attempt::Compressed { kind, transform, lossy, text, tokens_after } => Done {
                text: Some(text),
                ..report(
                    tokens_before,
                    tokens_after,
                    Some(kind),
                    BlockOutcome::Compressed { transform, lossy },
                )
            },
        }
    }

    /// Detect, compress (a panic or error leaves the block unchanged) and count the result.
    fn attempt(&self, slot: &Slot, query: &Query, mode: Mode, hash: ContentHash) -> Attempt {
        let kind = detect(&slot.text);
        let compressor = compressors::for_kind(kind);
        let cx = Context {
            kind,
            query,
            mode,
            counter: &self.counter,
            signals: &self.signals,
            hash,
            target_ratio: self.config.target_ratio.map(|r| r.get()),
        };
        let transform: Transform = compressor.transform();
        let failed = |error: String| Attempt::Failed { kind, transform, error };
        let text = match catch_unwind(AssertUnwindSafe(|| compressor.compress(&slot.text, &cx))) {
            Ok(Ok(Some(text))) => text,
            Ok(Ok(None)) => return Attempt::Skipped(SkipReason::NothingToDo, kind),
            Ok(Err(e)) => return failed(e.0),
            Err(_) => return failed("compressor panicked".into()),
        };
        let lossy = Marker::find_all(&text).iter().any(|m| m.hash == hash);
        if lossy && mode == Mode::Lossless {
            return failed("emitted a marker in lossless mode".into());
        }
        let tokens_after = self.counter.count(&text);
        Attempt::Compressed { kind, transform, lossy, text, tokens_after }
    }
}

fn memo_weight(done: &(usize, Attempt)) -> usize {
    match &done.1 {
        Attempt::Compressed { text, .. } => text.len() + 64,
        Attempt::Failed { error, .. } => error.len() + 64,
        Attempt::Skipped(..) => 64,
    }
}

/// Blocks (and requests) at least this large are worth spreading over the cores.
const PARALLEL_BYTES: usize = 16 * 1024;
/// Blocks at least this large are remembered across calls.
const MEMO_BYTES: usize = 2 * 1024;

/// What compressing one block produced, before the never-inflate check.
#[derive(Clone)]
enum Attempt {
    Skipped(SkipReason, crate::ContentKind),
    Failed {
        kind: crate::ContentKind,
        transform: Transform,
        error: String,
    },
    Compressed {
        kind: crate::ContentKind,
        transform: Transform,
        lossy: bool,
        text: String,
        tokens_after: usize,
    },
}

struct Done {
    tokens_before: usize,
    hash: ContentHash,
    text: Option<String>,
    report: BlockReport,
}
