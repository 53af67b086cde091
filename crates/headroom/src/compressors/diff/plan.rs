//! What to keep of a parsed diff: which files collapse to a one-line summary (lockfiles,
//! generated or minified files, encoded data, binary patches), how each hunk ranks against the
//! question, and which low-ranked hunks drop when the diff is over its byte budget.

use super::blocks;
use super::parse::{File, Hunk, Part};
use super::trim::{self, Trimmed};
use crate::compressors::search::rank;
use crate::compressors::Context;
use crate::relevance::{bm25, Query};

/// Share of a large diff's bytes kept when the caller sets no target ratio (smaller diffs keep
/// more).
const DEFAULT_KEEP: f64 = 0.40;
/// Unchanged lines kept on each side of a change.
const REACH: usize = 1;
/// A file's context is trimmed only when that saves at least this many bytes (its marker
/// line costs about [`MARKER_BYTES`]).
const TRIM_MIN_BYTES: usize = 240;
/// Rough size of one marker line.
pub(super) const MARKER_BYTES: usize = 90;
/// Below this many bytes (after collapsing and trimming) no hunk is dropped.
const DROP_MIN_BYTES: usize = 10_000;
/// In big diffs, hunks below this share of the best hunk drop even under budget.
const NOISE_SHARE: f64 = 0.1;
/// Hunks scoring at least this share of the best hunk are never dropped for budget.
const MUST_SHARE: f64 = 0.5;

/// Why a whole file collapses to one summary line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Collapse {
    /// `Cargo.lock`, `package-lock.json`, `go.sum`, ...
    Lockfile,
    /// Minified, vendored, snapshot or code-generated output.
    Generated,
    /// Keys, certificates and other encoded blobs.
    Data,
}

impl Collapse {
    pub(super) fn label(self) -> &'static str {
        match self {
            Self::Lockfile => "lockfile",
            Self::Generated => "generated",
            Self::Data => "encoded data",
        }
    }
}

/// The decisions for one diff, indexed like the files of the parse.
#[derive(Debug)]
pub(super) struct Plan<'a> {
    pub collapse: Vec<Option<Collapse>>,
    /// Per file, per hunk: the pieces to print, or `None` when the hunk is dropped.
    pub hunks: Vec<Vec<Option<Trimmed<'a>>>>,
}

/// Files of `parts`, in order.
pub(super) fn files<'p, 'a>(parts: &'p [Part<'a>]) -> Vec<&'p File<'a>> {
    parts.iter().filter_map(|p| if let Part::File(f) = p { Some(f) } else { None }).collect()
}

/// Decide what to keep.
pub(super) fn plan<'a>(parts: &[Part<'a>], total_bytes: usize, cx: &Context<'_>) -> Plan<'a> {
    let query = rank::expanded(cx.query);
    let files = files(parts);
    let collapse: Vec<Option<Collapse>> = files.iter().map(|f| classify(f, &query)).collect();
    let scores = score_hunks(parts, &files, &collapse, &query, cx);
    let asks_peripheral = rank::asks_peripheral(&query);

    // Irrelevant blocks of big hunks become gaps; context is trimmed per file when that pays
    // for its marker (decided again once hunks have dropped).
    let mut full: Vec<Vec<Trimmed<'a>>> = Vec::with_capacity(files.len());
    let mut hunks: Vec<Vec<Option<Trimmed<'a>>>> = Vec::with_capacity(files.len());
    for f in &files {
        let strict = !asks_peripheral && rank::is_peripheral_path(f.path);
        let masks: Vec<Vec<bool>> =
            f.hunks.iter().map(|h| blocks::elide_mask(h, &query, cx, strict)).collect();
        full.push(f.hunks.iter().zip(&masks).map(|(h, m)| trim::trim(h, usize::MAX, m)).collect());
        hunks.push(f.hunks.iter().zip(&masks).map(|(h, m)| Some(trim::trim(h, REACH, m))).collect());
    }
    settle_trimming(&mut hunks, &full);

    // Small diffs are read whole but for context; big ones keep less.
    let default_keep = DEFAULT_KEEP + 0.3 * (-(total_bytes as f64) / 12_000.0).exp();
    let keep_share = cx.target_ratio.map_or(default_keep, |r| (1.0 - r).clamp(0.05, 0.95));
    let budget = (total_bytes as f64 * keep_share) as usize;
    let mut est = estimate(parts, &collapse, &hunks);
    // Whole hunks drop only from big diffs; a small one reads fine once context is trimmed.
    if est > DROP_MIN_BYTES {
        let best =
            scores.iter().flatten().filter(|s| s.total.is_finite()).map(|s| s.total).fold(0.0, f64::max);
        // With a clear best, hunks near zero are noise whatever the budget.
        let floor = if best >= 1.0 { best * NOISE_SHARE } else { 0.0 };
        let mut order: Vec<(usize, usize)> = scores
            .iter()
            .enumerate()
            .flat_map(|(f, hs)| (0..hs.len()).map(move |h| (f, h)))
            .filter(|&(f, _)| collapse.get(f).is_some_and(Option::is_none))
            .collect();
        let score_of =
            |(f, h): (usize, usize)| scores.get(f).and_then(|s| s.get(h)).copied().unwrap_or_default();
        // Least relevance per byte goes first: a big weak hunk before a small pointed one.
        let size_of = |(f, h): (usize, usize)| {
            hunks.get(f).and_then(|r| r.get(h)).and_then(Option::as_ref).map_or(1, Trimmed::bytes).max(1)
        };
        let density = |k: (usize, usize)| rank::quantize(1000.0 * score_of(k).total / size_of(k) as f64);
        order.sort_by(|&a, &b| density(a).total_cmp(&density(b)).then(a.cmp(&b)));
        for (f, h) in order {
            let s = score_of((f, h));
            if s.must || s.total >= best * MUST_SHARE || est <= budget && s.total >= floor {
                continue;
            }
            let Some(row) = hunks.get_mut(f) else { continue };
            let size = row.get(h).and_then(|t| t.as_ref()).map_or(0, Trimmed::bytes);
            let dropped = |k: Option<usize>| k.and_then(|k| row.get(k)).is_some_and(Option::is_none);
            let (left, right) = (dropped(h.checked_sub(1)), dropped(Some(h + 1)));
            let markers: isize = match (left, right) {
                (false, false) => 1,
                (true, true) => -1,
                _ => 0,
            };
            let delta = markers * MARKER_BYTES as isize - size as isize;
            if delta >= 0 {
                continue;
            }
            if let Some(slot) = row.get_mut(h) {
                *slot = None;
            }
            est = est.saturating_add_signed(delta);
        }
    }
    settle_trimming(&mut hunks, &full);
    Plan { collapse, hunks }
}

/// Per file, keep trimmed context only when it saves more than its marker costs.
fn settle_trimming<'a>(hunks: &mut [Vec<Option<Trimmed<'a>>>], full: &[Vec<Trimmed<'a>>]) {
    for (row, full) in hunks.iter_mut().zip(full) {
        let saved: usize = row
            .iter()
            .zip(full)
            .filter_map(|(t, f)| t.as_ref().map(|t| f.bytes().saturating_sub(t.bytes())))
            .sum();
        if saved < TRIM_MIN_BYTES {
            for (t, f) in row.iter_mut().zip(full) {
                if t.is_some() {
                    *t = Some(f.clone());
                }
            }
        }
    }
}

/// Bytes the rendering will take, near enough for budgeting.
fn estimate(parts: &[Part<'_>], collapse: &[Option<Collapse>], hunks: &[Vec<Option<Trimmed<'_>>>]) -> usize {
    let mut est = 0;
    let mut f = 0;
    for p in parts {
        match p {
            Part::Line(l) => est += l.len() + 1,
            Part::File(file) => {
                est += file
                    .header
                    .iter()
                    .filter(|l| !l.starts_with("--- ") && !l.starts_with("+++ "))
                    .map(|l| l.len() + 1)
                    .sum::<usize>();
                if !file.binary.is_empty() {
                    est += MARKER_BYTES;
                }
                if collapse.get(f).is_some_and(Option::is_some) {
                    est += MARKER_BYTES;
                } else if let Some(row) = hunks.get(f) {
                    est += row.iter().flatten().map(Trimmed::bytes).sum::<usize>();
                    if row.iter().flatten().any(|t| t.dropped > 0) {
                        est += MARKER_BYTES;
                    }
                }
                f += 1;
            }
        }
    }
    est
}

/// A hunk's rank.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Score {
    pub total: f64,
    /// Carries a rare identifier from the question, or defines a name from it.
    pub must: bool,
}

fn changed_text(h: &Hunk<'_>) -> String {
    let mut s = String::new();
    for l in h.lines.iter().filter(|l| h.is_change(l)) {
        s.push_str(h.text(l));
        s.push('\n');
    }
    s
}

fn score_hunks(
    parts: &[Part<'_>],
    files: &[&File<'_>],
    collapse: &[Option<Collapse>],
    query: &Query,
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
    let message_ids = rank::identifier_weights(query, &message_refs);
    let commit_bonus: Vec<f64> = messages
        .iter()
        .enumerate()
        .map(|(c, m)| {
            0.5 * (message_text.get(c).copied().unwrap_or(0.0)
                + 2.0 * rank::identifier_score(query, &message_ids, m))
        })
        .collect();

    let terms = rank::term_set(query);
    let mut index = Vec::new();
    let mut raws = Vec::new();
    let mut docs = Vec::new();
    for (f, file) in files.iter().enumerate() {
        if collapse.get(f).is_some_and(Option::is_some) {
            continue;
        }
        for (h, hunk) in file.hunks.iter().enumerate() {
            let raw = changed_text(hunk);
            docs.push(rank::with_subwords(&format!("{}\n{raw}", hunk.heading), &terms).into_owned());
            raws.push(raw);
            index.push((f, h));
        }
    }
    let doc_refs: Vec<&str> = docs.iter().map(String::as_str).collect();
    let raw_refs: Vec<&str> = raws.iter().map(String::as_str).collect();
    let text = bm25(query, &doc_refs);
    let id_weights = rank::identifier_weights(query, &raw_refs);
    // Question words that single out a few hunks (not `test` in a diff full of tests).
    let lowered: Vec<String> = raws.iter().map(|r| r.to_lowercase()).collect();
    let names: Vec<String> = query
        .terms
        .iter()
        .filter(|t| t.len() >= 4)
        .cloned()
        .chain(query.identifiers.iter().filter(|i| i.len() >= 3).map(|i| i.to_lowercase()))
        .filter(|n| lowered.iter().filter(|l| l.contains(n.as_str())).count() * 10 <= lowered.len() * 3)
        .collect();

    let asks_peripheral = rank::asks_peripheral(query);
    let mut scores: Vec<Vec<Score>> = files.iter().map(|f| vec![Score::default(); f.hunks.len()]).collect();
    for (k, &(f, h)) in index.iter().enumerate() {
        let (Some(file), Some(raw)) = (files.get(f), raws.get(k)) else { continue };
        let Some(hunk) = file.hunks.get(h) else { continue };
        let ident = 1.5 * rank::identifier_score(query, &id_weights, raw);
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
            if let Some(name) = rank::def_name(t) {
                let lower = name.to_lowercase();
                // A test named after the topic answers only questions about tests.
                let test = rank::is_test_name(name) || peripheral;
                named |= !test && names.iter().any(|n| lower.contains(n.as_str()));
                defs = 0.5;
            } else if rank::is_test_decl(t) {
                defs = 0.5;
            }
        }
        let demote = if peripheral { rank::PERIPHERAL_WEIGHT } else { 1.0 };
        let total = demote
            * (text.get(k).copied().unwrap_or(0.0)
                + signal
                + defs
                + commit_bonus.get(file.commit).copied().unwrap_or(0.0)
                + 0.5 * rank::path_hits(query, file.path).min(3) as f64
                + ident)
            + if named { 2.0 } else { 0.0 };
        if let Some(s) = scores.get_mut(f).and_then(|r| r.get_mut(h)) {
            *s = Score { total: rank::quantize(total), must: ident > 0.0 || named };
        }
    }
    scores
}

const LOCKFILES: &[&str] = &[
    "cargo.lock",
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "bun.lockb",
    "go.sum",
    "poetry.lock",
    "pipfile.lock",
    "uv.lock",
    "pdm.lock",
    "composer.lock",
    "gemfile.lock",
    "podfile.lock",
    "pubspec.lock",
    "mix.lock",
    "flake.lock",
    "packages.lock.json",
    "gradle.lockfile",
    "deno.lock",
];

const GENERATED_MARKS: &[&str] = &[
    ".min.js",
    ".min.css",
    ".js.map",
    ".css.map",
    ".pb.go",
    "_pb2.py",
    "_pb2_grpc.py",
    ".pb.h",
    ".pb.cc",
    ".generated.",
    "_generated.",
    ".g.dart",
    ".freezed.dart",
    ".snap",
    "__snapshots__/",
    "node_modules/",
    "/vendor/",
    ".bundle.js",
];

const DATA_EXTENSIONS: &[&str] =
    &[".pem", ".crt", ".cer", ".key", ".csr", ".srl", ".der", ".p12", ".pfx", ".jks", ".asc", ".gpg", ".sig"];

/// Should `file` collapse, and why? Never when the question names the file or one of its
/// changed lines carries a question identifier.
fn classify(file: &File<'_>, query: &Query) -> Option<Collapse> {
    let path = file.path.to_ascii_lowercase();
    let base = path.rsplit('/').next().unwrap_or(&path);
    let asked = query.identifiers.iter().any(|id| {
        let id = id.to_ascii_lowercase();
        id.contains(base) || base.contains(&id) && id.len() >= 4
    }) || file.hunks.iter().any(|h| {
        h.lines
            .iter()
            .filter(|l| h.is_change(l))
            .any(|l| query.identifiers.iter().any(|id| id.len() >= 4 && l.contains(id.as_str())))
    });
    if asked {
        return None;
    }
    if LOCKFILES.contains(&base)
        || base.ends_with(".lock")
        || base.ends_with("-lock.json")
        || base.ends_with("-lock.yaml")
    {
        return Some(Collapse::Lockfile);
    }
    if GENERATED_MARKS.iter().any(|m| path.contains(m))
        || path.starts_with("vendor/")
        || path.starts_with("dist/")
    {
        return Some(Collapse::Generated);
    }
    if DATA_EXTENSIONS.iter().any(|e| base.ends_with(e)) {
        return Some(Collapse::Data);
    }
    let changed: Vec<&str> = file
        .hunks
        .iter()
        .flat_map(|h| h.lines.iter().filter(|l| h.is_change(l)).map(|l| h.text(l)))
        .collect();
    if changed.len() >= 8 {
        let encoded = changed.iter().filter(|l| is_encoded(l)).count();
        if encoded * 10 >= changed.len() * 8 {
            return Some(Collapse::Data);
        }
        let bytes: usize = changed.iter().map(|l| l.len()).sum();
        if bytes / changed.len() > 300 {
            return Some(Collapse::Generated);
        }
    } else if changed.iter().any(|l| l.len() > 2000) {
        return Some(Collapse::Generated);
    }
    None
}

/// A base64 / hex body line (key, certificate, blob).
fn is_encoded(l: &str) -> bool {
    let t = l.trim();
    t.len() >= 40
        && !t.contains(' ')
        && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=')
}

#[cfg(test)]
pub(super) fn debug_scores(parts: &[Part<'_>], cx: &Context<'_>) -> Vec<Vec<(f64, bool)>> {
    let query = rank::expanded(cx.query);
    let files = files(parts);
    let collapse: Vec<Option<Collapse>> = files.iter().map(|f| classify(f, &query)).collect();
    score_hunks(parts, &files, &collapse, &query, cx)
        .iter()
        .map(|r| r.iter().map(|s| (s.total, s.must)).collect())
        .collect()
}
