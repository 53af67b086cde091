//! How each hunk of a diff ranks against the question: BM25 over its changed lines (with
//! word pieces of compound identifiers), verbatim question identifiers, the relevance of its
//! commit's message, its path, error / security words, and definitions or tests it touches.
//! Tests, docs and examples weigh less unless the question asks about them.

use super::classify::Collapse;
use super::parse::{File, Hunk, Part};
use crate::compressors::search::rank;
use crate::compressors::Context;
use crate::relevance::{bm25, Query};

/// A hunk's rank.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Score {
    pub total: f64,
    /// Carries a rare identifier from the question, or defines a name from it.
    pub must: bool,
}

/// `s.to_lowercase()`, without its char-by-char walk when `s` is ASCII.
fn lower_case(s: &str) -> String {
    if s.is_ascii() {
        s.to_ascii_lowercase()
    } else {
        s.to_lowercase()
    }
}

/// The hunk heading (enclosing function), then its added and removed lines, without prefixes.
fn hunk_text(h: &Hunk<'_>) -> String {
    let mut s = String::with_capacity(h.heading.len() + 1 + h.lines.iter().map(|l| l.len()).sum::<usize>());
    s.push_str(h.heading);
    s.push('\n');
    for l in h.lines.iter().filter(|l| h.is_change(l)) {
        s.push_str(h.text(l));
        s.push('\n');
    }
    s
}

pub(super) fn score_hunks(
    parts: &[Part<'_>],
    files: &[&File<'_>],
    collapse: &[Option<Collapse>],
    query: &Query,
    terms: &rank::Terms<'_>,
    cx: &Context<'_>,
) -> Vec<Vec<Score>> {
    // Commit messages: relevance of a commit lifts every hunk in it.
    let mut messages: Vec<String> = vec![String::new()];
    for p in parts {
        if let Part::Line(l) = p {
            if l.starts_with("commit ") {
                messages.push(String::new());
            }
            if let Some(m) = messages.last_mut() {
                m.push_str(l);
                m.push('\n');
            }
        }
    }
    let message_refs: Vec<&str> = messages.iter().map(String::as_str).collect();
    let message_text = bm25(query, &message_refs);
    let message_ids = rank::Identifiers::new(query, &message_refs);
    let commit_bonus: Vec<f64> = messages
        .iter()
        .enumerate()
        .map(|(c, m)| 0.5 * (message_text.get(c).copied().unwrap_or(0.0) + 2.0 * message_ids.score(m)))
        .collect();

    let mut index = Vec::new();
    let mut raws = Vec::new();
    for (f, file) in files.iter().enumerate() {
        if collapse.get(f).is_some_and(Option::is_some) {
            continue;
        }
        for (h, hunk) in file.hunks.iter().enumerate() {
            // The hunk heading (enclosing function) counts as part of the hunk.
            raws.push(hunk_text(hunk));
            index.push((f, h));
        }
    }
    let raw_refs: Vec<&str> = raws.iter().map(String::as_str).collect();
    let text = rank::bm25_with_subwords(&raw_refs, terms);
    let ids = rank::Identifiers::new(query, &raw_refs);
    // Question words that single out a few hunks (not `test` in a diff full of tests). Only
    // definitions ask, so each word's hunk count is worked out on first need.
    let candidates: Vec<String> = query
        .terms
        .iter()
        .filter(|t| t.len() >= 4)
        .cloned()
        .chain(query.identifiers.iter().filter(|i| i.len() >= 3).map(|i| i.to_lowercase()))
        .collect();
    let mut rare: Vec<Option<bool>> = vec![None; candidates.len()];
    let mut lowered: Option<Vec<String>> = None;

    let asks_peripheral = rank::asks_peripheral(query);
    let kinds = rank::asked_kinds(query);
    let mut scores: Vec<Vec<Score>> = files.iter().map(|f| vec![Score::default(); f.hunks.len()]).collect();
    for (k, &(f, h)) in index.iter().enumerate() {
        let (Some(file), Some(raw)) = (files.get(f), raws.get(k)) else { continue };
        let Some(hunk) = file.hunks.get(h) else { continue };
        // A file the question names by path: all of its hunks are in scope.
        let path_named = query
            .identifiers
            .iter()
            .any(|id| id.len() >= 4 && id.contains('.') && file.path.ends_with(id.as_str()));
        let ident = 1.5 * ids.score(raw) + if path_named { 3.0 } else { 0.0 };
        let mut signal = 0.0;
        if cx.signals.is_error(raw) {
            signal += 0.5;
        }
        if cx.signals.is_security(raw) {
            signal += 0.5;
        }
        let peripheral = !asks_peripheral && rank::is_peripheral_path(file.path);
        let mut named = false;
        let mut defs = 0.0;
        for l in hunk.lines.iter().filter(|l| hunk.is_change(l)) {
            let t = hunk.text(l);
            if let Some((kind, name)) = rank::definition(t) {
                let lower = name.to_lowercase();
                // A test named after the topic answers only questions about tests.
                let test = rank::is_test_name(name) || peripheral;
                named |= !test
                    && candidates.iter().zip(rare.iter_mut()).any(|(n, rare)| {
                        rank::contains_short(&lower, n)
                            && *rare.get_or_insert_with(|| {
                                let lowered = lowered
                                    .get_or_insert_with(|| raws.iter().map(|r| lower_case(r)).collect());
                                // In at most 30% of the hunks.
                                let cap = lowered.len() * 3 / 10 + 1;
                                let finder = memchr::memmem::Finder::new(n.as_bytes());
                                lowered
                                    .iter()
                                    .filter(|l| finder.find(l.as_bytes()).is_some())
                                    .take(cap)
                                    .count()
                                    < cap
                            })
                    });
                // `what is its function signature`: a changed signature of that kind.
                let asked = if kinds.contains(&kind) { 1.5 } else { 0.5 };
                defs = f64::max(defs, asked);
            } else if rank::is_test_decl(t) {
                defs = f64::max(defs, 0.5);
            }
        }
        let demote = if peripheral { rank::PERIPHERAL_WEIGHT } else { 1.0 };
        let total = demote
            * (text.get(k).copied().unwrap_or(0.0)
                + signal
                + defs
                + commit_bonus.get(file.commit).copied().unwrap_or(0.0)
                + 0.5 * terms.path_hits(file.path).min(3) as f64
                + ident)
            + if named { 2.0 } else { 0.0 };
        if let Some(s) = scores.get_mut(f).and_then(|r| r.get_mut(h)) {
            *s = Score { total: rank::quantize(total), must: ident > 0.0 || named };
        }
    }
    scores
}
