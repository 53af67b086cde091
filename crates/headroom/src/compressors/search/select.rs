//! Which rows of a search listing to keep: score the matches, rank them as statements (one or
//! more hit lines, [`statements`]), fill a byte budget with the best, collapse near-duplicates
//! within a file, and keep the context lines around kept matches ([`keep_context`]).

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::context::keep_context;
use super::parse::{Kind, Row};
use super::rank;
use super::statements::statements;
use crate::compressors::Context;
use crate::relevance::Query;

/// Share of the listing's bytes kept when the caller sets no target ratio.
const DEFAULT_KEEP: f64 = 0.25;
/// The score of the match at this rank (0-based) sets the floor...
const FLOOR_RANK: usize = 4;
/// ...at this share of it.
const FLOOR_SHARE: f64 = 0.25;

/// Words in the question that ask for definitions: they double the definition bonus.
const DEFINITION_ASKS: &[&str] = &[
    "define",
    "defined",
    "defines",
    "definition",
    "definitions",
    "declare",
    "declared",
    "declaration",
    "implemented",
    "implementation",
    "signature",
    "signatures",
];

/// Why a match ranks where it does.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Score {
    /// Total.
    pub total: f64,
    /// Part from the question's identifiers (kept even past the budget).
    pub identifier: f64,
    /// A definition whose name carries a word of the question.
    pub named: bool,
}

/// `keep[i]` for every row: Match/Context rows chosen; every other row is kept as is.
pub(super) fn select(rows: &[Row<'_>], cx: &Context<'_>) -> Vec<bool> {
    let query = rank::expanded(cx.query);
    let scores = score_matches(rows, &query);
    let mut keep: Vec<bool> = rows.iter().map(|r| !matches!(r.kind, Kind::Match | Kind::Context)).collect();

    let total: usize =
        rows.iter().filter(|r| matches!(r.kind, Kind::Match | Kind::Context)).map(|r| r.raw.len() + 1).sum();
    let keep_share = cx.target_ratio.map_or(DEFAULT_KEEP, |r| (1.0 - r).clamp(0.05, 0.95));
    let budget = (total as f64 * keep_share) as usize;

    // A statement over several hit lines is one unit: scored as the sum of its lines, kept
    // or dropped whole.
    let units: Vec<Unit> = statements(rows)
        .into_iter()
        .map(|rows_of| {
            let mut u = Unit { score: 0.0, must: false, rows: rows_of.clone() };
            for s in rows_of.filter_map(|i| scores.get(i)) {
                u.score += s.total;
                u.must |= s.identifier > 0.0 || s.named;
            }
            u.score = rank::quantize(u.score);
            u
        })
        .collect();
    // Best first; equal scores in input order.
    let mut order: Vec<&Unit> = units.iter().collect();
    order.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.rows.start.cmp(&b.rows.start)));

    let group = groups(rows);
    let mut seen: HashSet<(usize, String)> = HashSet::default();
    let mut used = 0usize;
    // Rows far below the best few are noise however much budget is left.
    let floor = order.get(FLOOR_RANK).or(order.last()).map_or(0.0, |u| u.score) * FLOOR_SHARE;
    for u in order {
        if u.score <= 0.0 || u.score < floor && !u.must {
            break;
        }
        let members = || u.rows.clone().filter_map(|i| rows.get(i));
        let cost: usize = members().map(|r| r.raw.len() + 1).sum();
        if used + cost > budget && !u.must {
            continue;
        }
        let g = group.get(u.rows.start).copied().unwrap_or(0);
        let key = match u.rows.len() {
            1 => members().map(|r| rank::near_dup_key(r.content)).collect(),
            _ => members().map(|r| rank::near_dup_key(r.content)).collect::<Vec<_>>().join("\n"),
        };
        if !seen.insert((g, key)) {
            continue;
        }
        used += cost;
        if let Some(ks) = keep.get_mut(u.rows.clone()) {
            ks.fill(true);
        }
    }
    keep_context(rows, &group, &mut keep);
    keep
}

/// One or more consecutive match rows ranked as one (see [`statements`]).
struct Unit {
    score: f64,
    /// Kept past the budget (a rare identifier of the question, a definition it names).
    must: bool,
    rows: std::ops::Range<usize>,
}

/// Bonus for a definition whose name carries a word of the question.
const DEF_NAMED: f64 = 3.0;
/// Bonus for a definition whose name carries the searched pattern.
const DEF_PATTERN: f64 = 2.0;
/// How many consecutive lines after a type definition count as its members...
const BODY_LINES: usize = 8;
/// ...and the share of the definition's score each member gets on top of its own.
const MEMBER_SHARE: f64 = 0.5;
/// Score of a file's first match, so an uninformative question keeps one line per file.
const SAMPLE_SCORE: f64 = 0.01;
/// Bonus for any other definition.
const DEF_OTHER: f64 = 0.75;
/// A name defined more often than this in one listing has its definitions' bonus shared out.
const NAME_CAP: usize = 8;

fn score_matches(rows: &[Row<'_>], query: &Query) -> Vec<Score> {
    let idx: Vec<usize> =
        (0..rows.len()).filter(|&i| rows.get(i).is_some_and(|r| r.kind == Kind::Match)).collect();
    let contents: Vec<&str> = idx.iter().filter_map(|&i| rows.get(i)).map(|r| r.content).collect();
    let raws: Vec<&str> = idx.iter().filter_map(|&i| rows.get(i)).map(|r| r.raw).collect();
    let terms = rank::term_set(query);
    let text_scores = rank::bm25_with_subwords(&contents, &terms);
    let ids = rank::Identifiers::new(query, &raws);
    let def_weight =
        if query.terms.iter().any(|t| DEFINITION_ASKS.contains(&t.as_str())) { 2.0 } else { 1.0 };
    let wants_peripheral = rank::asks_peripheral(query);
    let kinds = rank::asked_kinds(query);
    let mut cues = Cues::new(query, &contents);
    // Definitions by (lowercased) name: a name defined in many places (a trait method every
    // implementation repeats) says little about any one of them.
    let defs: Vec<Option<(rank::DefKind, String)>> = contents
        .iter()
        .map(|c| rank::definition(c).map(|(kind, name)| (kind, name.to_lowercase())))
        .collect();
    let mut copies: HashMap<&str, usize> = HashMap::default();
    for (_, name) in defs.iter().flatten() {
        *copies.entry(name.as_str()).or_default() += 1;
    }

    let path_scores = path_scores(rows, &idx, &terms);
    let mut run = 0usize;

    let mut scores = vec![Score::default(); rows.len()];
    let mut cached: (&str, f64, f64) = ("\0", 0.0, 1.0);
    let (mut prev_line, mut body) = (0u32, (0usize, 0.0f64));
    for (k, &i) in idx.iter().enumerate() {
        let Some(row) = rows.get(i) else { continue };
        let text = text_scores.get(k).copied().unwrap_or(0.0);
        let identifier = 1.5 * ids.score(row.raw);
        let def = defs.get(k).and_then(|d| d.as_ref());
        // One of many same-named definitions weighs its share of [`NAME_CAP`], unless it is
        // the body-less declaration (trait or interface method, prototype) they implement.
        let spread = def.map_or(1.0, |(_, name)| {
            let n = copies.get(name.as_str()).copied().unwrap_or(1);
            if n > NAME_CAP && !row.content.trim_end().ends_with(';') {
                NAME_CAP as f64 / n as f64
            } else {
                1.0
            }
        });
        let definition = def.map_or(0.0, |(kind, name)| {
            let base = if cues.names(name) {
                DEF_NAMED
            } else if cues.pattern().is_some_and(|p| name.contains(p)) {
                DEF_PATTERN
            } else {
                DEF_OTHER
            };
            // `which error types ...`: definitions of that kind weigh as if asked for.
            if kinds.contains(kind) {
                base * 2.0
            } else {
                base
            }
        });
        // Rows of one file sit together: reuse the path's verdict.
        // A file's first match carries a token score, so a question that matches nothing
        // still leaves one sample line per file rather than none.
        let first_of_file = cached.0 != row.path;
        if cached.0 != row.path {
            let weight = if !wants_peripheral && rank::is_peripheral_path(row.path) {
                rank::PERIPHERAL_WEIGHT
            } else {
                1.0
            };
            let path = path_scores.get(run).copied().unwrap_or(0.0);
            run += 1;
            cached = (row.path, path, weight);
        }
        let (_, path, weight) = cached;
        let sample = if first_of_file { SAMPLE_SCORE } else { 0.0 };
        // Matches on the lines right after a type definition are its fields / variants: they
        // share in the definition's score.
        let follows = !first_of_file && prev_line.checked_add(1) == Some(row.line);
        let own = (text + identifier + definition * spread * def_weight + path) * weight;
        let member = if follows && body.0 > 0 && def.is_none() { body.1 * MEMBER_SHARE } else { 0.0 };
        body = match def {
            Some((rank::DefKind::Type, _)) => (BODY_LINES, own),
            _ if follows => (body.0.saturating_sub(1), body.1),
            _ => (0, 0.0),
        };
        prev_line = row.line;
        let total = rank::quantize(own + member + sample);
        if let Some(s) = scores.get_mut(i) {
            // Asked where things are defined: definitions of the searched name are the answer.
            let named =
                spread >= 1.0 && (definition >= DEF_NAMED || def_weight > 1.0 && definition >= DEF_PATTERN);
            *s = Score { total, identifier, named };
        }
    }
    scores
}

/// Most a path term's rarity multiplies its bonus by.
const PATH_RARITY_CAP: f64 = 3.0;

/// Score of each run of matches of one file, in order: 0.5 per question term its path names
/// (as often as the question lists it, three at most), times the term's rarity among the
/// listing's files (`ln(files / files named)`, from 1 to [`PATH_RARITY_CAP`]): `unittest` in
/// a grep of the whole standard library singles out a few files; `tower` in a grep of tower
/// crates names them all and counts as little as ever.
fn path_scores(rows: &[Row<'_>], idx: &[usize], terms: &rank::Terms<'_>) -> Vec<f64> {
    let mut runs: Vec<Vec<(usize, usize)>> = Vec::new();
    let mut last: Option<&str> = None;
    for r in idx.iter().filter_map(|&i| rows.get(i)) {
        if last != Some(r.path) {
            runs.push(terms.path_terms(r.path));
            last = Some(r.path);
        }
    }
    let mut files_named: HashMap<usize, usize> = HashMap::default();
    for &(t, _) in runs.iter().flatten() {
        *files_named.entry(t).or_default() += 1;
    }
    let n = runs.len() as f64;
    runs.iter()
        .map(|hits| {
            let mut w: Vec<f64> = Vec::new();
            for &(t, times) in hits {
                let df = files_named.get(&t).copied().unwrap_or(1) as f64;
                let rarity = (n / df).ln().clamp(1.0, PATH_RARITY_CAP);
                w.extend(std::iter::repeat_n(rarity, times));
            }
            w.sort_by(|a, b| b.total_cmp(a));
            0.5 * w.iter().take(3).sum::<f64>()
        })
        .collect()
}

/// What definitions are weighed against, each worked out on first need (only definitions ask,
/// and most matches are none): the question words that single out a few matches (the searched
/// pattern, in most of them, does not), and the searched pattern itself.
struct Cues<'c> {
    contents: &'c [&'c str],
    /// Question terms (4+ bytes) and identifiers (3+, lowercased), each with whether it is in
    /// fewer than half of the matches, once known.
    words: Vec<(String, Option<bool>)>,
    folded: Option<Folded>,
    pattern: Option<Option<String>>,
}

impl<'c> Cues<'c> {
    fn new(query: &Query, contents: &'c [&'c str]) -> Self {
        let words = query
            .terms
            .iter()
            .filter(|t| t.len() >= 4)
            .cloned()
            .chain(query.identifiers.iter().filter(|i| i.len() >= 3).map(|i| i.to_lowercase()))
            .map(|w| (w, None))
            .collect();
        Self { contents, words, folded: None, pattern: None }
    }

    /// Does (lowercased) `name` carry a question word that few matches hold?
    fn names(&mut self, name: &str) -> bool {
        let Self { contents, words, folded, .. } = self;
        words.iter_mut().any(|(w, rare)| {
            rank::contains_short(name, w)
                && *rare.get_or_insert_with(|| {
                    let f = folded.get_or_insert_with(|| Folded::new(contents, NAME_SAMPLE));
                    let m = f.docs(NAME_SAMPLE);
                    // In fewer than half of the matches.
                    let cap = m.div_ceil(2);
                    f.count(w, m, cap) < cap
                })
        })
    }

    /// The searched pattern, if one can be told ([`infer_pattern`]).
    fn pattern(&mut self) -> Option<&str> {
        let Self { contents, folded, pattern, .. } = self;
        pattern
            .get_or_insert_with(|| {
                infer_pattern(contents, folded.get_or_insert_with(|| Folded::new(contents, NAME_SAMPLE)))
            })
            .as_deref()
    }
}

/// Matches whose document frequency decides whether a question word is rare.
const NAME_SAMPLE: usize = 400;
/// Matches the searched pattern is guessed from.
const PATTERN_SAMPLE: usize = 200;

/// The first matches' contents (single lines) lowercased (as `str::to_lowercase`) and joined
/// by `\n`, so one substring scan counts the matches that contain a word.
struct Folded {
    text: String,
    /// Byte end of each content in `text` (the `\n` after it, or the end).
    ends: Vec<usize>,
}

impl Folded {
    fn new(contents: &[&str], n: usize) -> Self {
        let n = n.min(contents.len());
        let mut text = String::with_capacity(contents.iter().take(n).map(|c| c.len() + 1).sum());
        let mut ends = Vec::with_capacity(n);
        for c in contents.iter().take(n) {
            if !ends.is_empty() {
                text.push('\n');
            }
            if c.is_ascii() {
                let from = text.len();
                text.push_str(c);
                if let Some(piece) = text.get_mut(from..) {
                    piece.make_ascii_lowercase();
                }
            } else {
                text.push_str(&c.to_lowercase());
            }
            ends.push(text.len());
        }
        Self { text, ends }
    }

    /// How many of the first `n` contents are held.
    fn docs(&self, n: usize) -> usize {
        n.min(self.ends.len())
    }

    /// Start of content `d` in `text`.
    fn start(&self, d: usize) -> usize {
        d.checked_sub(1).and_then(|p| self.ends.get(p)).map_or(0, |&e| e + 1)
    }

    /// How many of the first `n` contents contain `pat`, counting no further than `cap`.
    fn count(&self, pat: &str, n: usize, cap: usize) -> usize {
        let n = self.docs(n);
        self.scan(pat, |found, _| (found < cap).then(|| n.saturating_sub(1)))
    }

    /// How many of the first `n` contents contain `pat`, when that is at least `need`.
    fn count_at_least(&self, pat: &str, n: usize, need: usize) -> Option<usize> {
        let n = self.docs(n);
        // The next match must come within the misses still allowed.
        let found = self.scan(pat, |found, next| {
            let slack = (found + n).checked_sub(next)?.checked_sub(need)?;
            (next < n).then(|| (next + slack).min(n.saturating_sub(1)))
        });
        (found >= need).then_some(found)
    }

    /// Count the contents that contain `pat`, in order: `horizon(found, next content)` names
    /// the last content worth searching for the next match, or `None` once the answer is
    /// settled.
    fn scan(&self, pat: &str, horizon: impl Fn(usize, usize) -> Option<usize>) -> usize {
        // Contents are lines: no `\n` in any, so a pattern with one is in none (and no match
        // ever spans two contents).
        if pat.contains('\n') {
            return 0;
        }
        let finder = memchr::memmem::Finder::new(pat.as_bytes());
        let bytes = self.text.as_bytes();
        let mut found = 0;
        let mut d = 0;
        while let Some(last) = horizon(found, d).filter(|&l| l >= d && l < self.ends.len()) {
            let from = self.start(d);
            let to = self.ends.get(last).copied().unwrap_or(0);
            let Some(at) = bytes.get(from..to).and_then(|h| finder.find(h)).map(|o| from + o) else {
                break;
            };
            // The content holding the match.
            while self.ends.get(d).is_some_and(|&e| e < at + pat.len()) {
                d += 1;
            }
            found += 1;
            d += 1;
        }
        found
    }
}

/// The searched string, guessed as the longest word piece found in nearly every match (case
/// folded): `ShellCompDirective` from `ShellCompDirectiveNoSpace`, `ShellCompDirectiveDefault`.
fn infer_pattern(contents: &[&str], folded: &Folded) -> Option<String> {
    let first = contents.first()?;
    let mut cands: Vec<String> = Vec::new();
    for word in first.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
        let bounds = piece_bounds(word);
        for (a, &start) in bounds.iter().enumerate() {
            for &end in bounds.iter().skip(a + 1) {
                let Some(cand) = word.get(start..end) else { continue };
                let cand = cand.trim_matches('_').to_lowercase();
                if cand.len() >= 3 && !cands.contains(&cand) {
                    cands.push(cand);
                }
            }
        }
    }
    // In at least 80% of the sample: only such a piece can be the answer, so the others are
    // dropped as soon as they miss too many matches.
    let n = folded.docs(PATTERN_SAMPLE);
    let need = (8 * n).div_ceil(10);
    let mut best: Option<(usize, String)> = None;
    for cand in cands {
        let Some(df) = folded.count_at_least(&cand, n, need) else { continue };
        let better = best.as_ref().is_none_or(|(bdf, b)| df > *bdf || df == *bdf && cand.len() > b.len());
        if better {
            best = Some((df, cand));
        }
    }
    best.map(|(_, c)| c)
}

/// Byte offsets where camelCase / snake_case pieces of `word` start, plus its end.
fn piece_bounds(word: &str) -> Vec<usize> {
    let b = word.as_bytes();
    let mut out = vec![0];
    for i in 1..b.len() {
        let (prev, cur) = (b.get(i - 1).copied().unwrap_or(0), b.get(i).copied().unwrap_or(0));
        let camel = prev.is_ascii_lowercase() && cur.is_ascii_uppercase();
        let snake = prev == b'_' || cur == b'_';
        if (camel || snake) && word.is_char_boundary(i) && out.last() != Some(&i) {
            out.push(i);
        }
    }
    out.push(b.len());
    out
}

/// Group id per row: consecutive rows of one file share an id.
pub(super) fn groups(rows: &[Row<'_>]) -> Vec<usize> {
    let mut out = Vec::with_capacity(rows.len());
    let mut id = 0usize;
    let mut path: Option<&str> = None;
    for r in rows {
        if matches!(r.kind, Kind::Match | Kind::Context | Kind::Heading)
            && (r.kind == Kind::Heading || path != Some(r.path))
        {
            id += 1;
            path = Some(r.path);
        }
        out.push(id);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_words_count_by_how_few_files_they_name() {
        let mut text = String::new();
        for i in 0..20 {
            text.push_str(&format!("lib/core/m{i}.py:3:    warn(x)\n"));
        }
        text.push_str("lib/unittest/case.py:9:    warn(y)\nlib/unittest/main.py:4:    warn(z)\n");
        let rows = super::super::parse::parse(&text);
        let idx: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].kind == Kind::Match).collect();
        let query = rank::expanded(&Query::new("Which unittest helpers in lib warn?"));
        let scores = path_scores(&rows, &idx, &rank::term_set(&query));
        // `lib` names every file: half a point, as ever. `unittest` names two of 22.
        assert_eq!(scores.first().copied(), Some(0.5));
        let unittest = scores.last().copied().unwrap_or(0.0);
        assert!(unittest > 1.5, "{scores:?}");
    }

    #[test]
    fn pattern_is_the_common_piece() {
        let c =
            ["ShellCompDirectiveNoSpace", "return nil, ShellCompDirectiveDefault", "x ShellCompDirective y"];
        assert_eq!(infer_pattern(&c, &Folded::new(&c, NAME_SAMPLE)).as_deref(), Some("shellcompdirective"));
        let c =
            ["let app = Router::new().with_state(state);", "pub fn from_fn_with_state<F>(", ".with_state(x)"];
        assert_eq!(infer_pattern(&c, &Folded::new(&c, NAME_SAMPLE)).as_deref(), Some("with_state"));
    }
}
