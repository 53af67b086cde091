//! Which lines are wanted, and how much. Every rule proposes lines with a [`Priority`]; the
//! budget (in `mod.rs`) admits them. Rules: first and last lines; errors (every line of a
//! small error template or the few error lines inside an ordinary one, with context and the
//! diagnostic body under the first; first and last of a routine error template); warnings and
//! summaries deduplicated by template; stack traces (first occurrence of each shape, capped);
//! rare templates (anomalies); categorical values and numeric outliers inside templates; the
//! most frequent values of alarming templates; lines naming the question's identifiers or
//! carrying its terms in their varying parts.

use std::collections::BTreeMap;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::fields::{Notable, Profile};
use super::template::{Templates, WILD};
use super::Knobs;
use crate::relevance::{raw_words, stem, stem_word, words, Query};
use crate::signals::{is_location, Severity, Signals};

/// How much a line is wanted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Priority {
    /// Nice to have: the last line of a routine template.
    Fill,
    /// One example of each routine template; context around errors.
    Routine,
    /// Anomalies: templates seen once, outliers, first of each categorical value.
    Notable,
    /// Always kept: rare errors, summaries, trace headers, the question's identifiers.
    Must,
    /// Kept before anything else: rare lines that report an error in so many words
    /// (`error[E0308]: ...`, `src/a.c:3:1: error: ...`, `FAILED ...`) and their locations.
    Critical,
}

/// The per-line facts the rules look at.
pub(super) struct LineFacts {
    pub severity: Severity,
    pub trace: bool,
    /// The line reports an error outright: an error level, or an error word leading it (see
    /// [`Signals::is_error_report`]); a mere error word inside it does not count.
    pub report: bool,
}

impl LineFacts {
    pub(super) fn of(line: &str, t: &Templates, li: usize, signals: &Signals) -> Self {
        let level = (0..6)
            .map(|pos| t.token(line, li, pos))
            .take_while(|tok| !tok.is_empty())
            .find(|tok| tok.bytes().any(|b| b.is_ascii_alphabetic()))
            .map_or(Severity::None, |tok| signals.level(tok));
        let report = level == Severity::Error || signals.is_error_report(line);
        let severity = if report { Severity::Error } else { level.max(signals.line_severity(line)) };
        Self { severity, trace: signals.is_trace_line(line), report }
    }
}

/// Proposed lines, keeping the highest priority per line.
pub(super) struct Proposals {
    want: Vec<Option<(Priority, &'static str)>>,
}

impl Proposals {
    fn new(n: usize) -> Self {
        Self { want: vec![None; n] }
    }

    /// Propose line `li` at priority `p` for `why` (a rule name, for tests and debugging).
    fn add(&mut self, li: usize, p: Priority, why: &'static str) {
        if let Some(w) = self.want.get_mut(li) {
            if w.is_none_or(|(old, _)| old < p) {
                *w = Some((p, why));
            }
        }
    }

    fn add_range(&mut self, from: usize, to: usize, p: Priority, why: &'static str) {
        for li in from..to.min(self.want.len()) {
            self.add(li, p, why);
        }
    }

    /// The priority proposed for `li`, if any.
    pub(super) fn get(&self, li: usize) -> Option<Priority> {
        self.want.get(li).copied().flatten().map(|(p, _)| p)
    }

    /// The rule that proposed `li` at its priority.
    #[cfg(test)]
    pub(super) fn why(&self, li: usize) -> Option<&'static str> {
        self.want.get(li).copied().flatten().map(|(_, w)| w)
    }
}

/// Everything the rules read.
pub(super) struct Input<'a, 'q> {
    pub lines: &'a [&'a str],
    pub facts: &'a [LineFacts],
    pub templates: &'a Templates,
    pub profiles: &'a [Profile<'a>],
    pub query: &'q Query,
    pub knobs: &'a Knobs,
}

/// Run every rule.
pub(super) fn propose(inp: &Input<'_, '_>) -> Proposals {
    let n = inp.lines.len();
    let k = inp.knobs;
    let mut p = Proposals::new(n);
    p.add_range(0, k.head, Priority::Must, "head");
    p.add_range(n.saturating_sub(k.tail), n, Priority::Must, "tail");
    clusters(inp, &mut p);
    traces(inp, &mut p);
    query(inp, &mut p);
    named_templates(inp, &mut p);
    p
}

/// Templates the question names by their fixed words (`which packages were removed` names
/// `Removing <*> (<*>) ...`, `the Log started time` names `Log started: <*> <*>`): the question
/// asks about each of their lines, so every line of one is notable. Only words that name few
/// lines in all count (`error` in a log of errors names nothing in particular), most specific
/// first, up to twice the query cap in lines.
fn named_templates(inp: &Input<'_, '_>, p: &mut Proposals) {
    let stems: Vec<String> = inp.query.terms.iter().take(64).map(|t| stem(t)).collect();
    if stems.is_empty() {
        return;
    }
    let cap = inp.knobs.query_cap;
    let mut buf = String::new();
    // Which question stems each template's fixed words carry, and how many lines each stem names.
    let mut lines_of = vec![0usize; stems.len()];
    let named: Vec<u64> = inp
        .templates
        .clusters
        .iter()
        .zip(inp.profiles)
        .map(|(c, profile)| {
            let mut mask = 0u64;
            for s in profile.constants() {
                for w in raw_words(s) {
                    let st = stem_word(w, &mut buf);
                    if let Some(i) = stems.iter().position(|x| x == st) {
                        mask |= 1 << i;
                    }
                }
            }
            for (i, n) in lines_of.iter_mut().enumerate() {
                if mask & (1 << i) != 0 {
                    *n += c.members.len();
                }
            }
            mask
        })
        .collect();
    // Each template by its most specific stem (fewest lines named), then in order of appearance.
    let mut picks: Vec<(usize, usize)> = named
        .iter()
        .enumerate()
        .filter_map(|(ci, &mask)| {
            let best = (0..stems.len())
                .filter(|&i| mask & (1 << i) != 0)
                .filter_map(|i| lines_of.get(i).copied())
                .filter(|&n| n <= cap)
                .min()?;
            Some((best, ci))
        })
        .collect();
    picks.sort_unstable();
    let mut taken = 0;
    for (_, ci) in picks {
        let Some(c) = inp.templates.clusters.get(ci) else { continue };
        if c.members.len() < 2 || taken + c.members.len() > 2 * cap {
            continue;
        }
        taken += c.members.len();
        for &li in &c.members {
            p.add(li as usize, Priority::Notable, "query template");
        }
    }
}

fn clusters(inp: &Input<'_, '_>, p: &mut Proposals) {
    let n = inp.lines.len();
    let k = inp.knobs;
    let rare_max = if n < 300 {
        1
    } else if n < 1000 {
        2
    } else {
        3
    };
    for (c, profile) in inp.templates.clusters.iter().zip(inp.profiles) {
        let members = &c.members;
        let count = members.len();
        let severity = |li: &u32| inp.facts.get(*li as usize).map_or(Severity::None, |f| f.severity);
        let (Some(&first), Some(&last)) = (members.first(), members.last()) else { continue };
        let (first, last) = (first as usize, last as usize);
        // Error lines are kept whole when few: a small error template, or the few error lines
        // inside a template of ordinary ones (`FAILED` among `PASSED`).
        let errors: Vec<usize> =
            members.iter().filter(|li| severity(li) == Severity::Error).map(|&li| li as usize).collect();
        let few = errors.len() <= k.error_all && (errors.len() == count || errors.len() * 2 <= count);
        if few {
            for (i, &li) in errors.iter().enumerate() {
                let report = inp.facts.get(li).is_some_and(|f| f.report);
                p.add(li, if report { Priority::Critical } else { Priority::Must }, "rare error");
                // Neighbours as context; trace frames are the trace rule's to keep or drop.
                for j in li.saturating_sub(k.context)..(li + 1 + k.context).min(n) {
                    if j != li && !inp.facts.get(j).is_some_and(|f| f.trace) {
                        p.add(j, Priority::Routine, "context");
                    }
                }
                // Every reported error has its own location; other error lines of a template
                // speak for it with the first one's body.
                if report {
                    diagnostic(inp, li, Priority::Critical, p);
                } else if i == 0 {
                    diagnostic(inp, li, Priority::Must, p);
                }
            }
            if errors.len() == count {
                continue;
            }
        }
        let sev = members
            .iter()
            .map(severity)
            .filter(|&s| !(few && s == Severity::Error))
            .max()
            .unwrap_or(Severity::None);
        if count <= rare_max || (sev == Severity::Summary && count <= k.error_all) {
            let once = if sev >= Severity::Summary { Priority::Must } else { Priority::Notable };
            for (i, &li) in members.iter().enumerate() {
                p.add(li as usize, if i == 0 { once } else { Priority::Notable }, "rare");
                if sev >= Severity::Warning {
                    diagnostic(inp, li as usize, Priority::Notable, p);
                }
            }
            continue;
        }
        // A routine template: one example, its anomalies, and for alarming ones the last too.
        let alarming = sev >= Severity::Warning;
        p.add(first, if alarming { Priority::Must } else { Priority::Routine }, "first");
        if alarming {
            diagnostic(inp, first, Priority::Routine, p);
        }
        p.add(
            last,
            if alarming || sev == Severity::Summary { Priority::Notable } else { Priority::Fill },
            "last",
        );
        for &(li, why) in &profile.notable {
            let why = if why == Notable::Outlier { "outlier" } else { "categorical" };
            p.add(li as usize, Priority::Notable, why);
        }
        if alarming {
            heavy_hitters(inp, members, p);
        }
    }
}

/// The body of a compiler-style diagnostic under line `li`: the indented or gutter lines that
/// follow it (` --> src/main.rs:4:18`, `4 |     let n: u32 = "five";`, `  |  ^^^`) and the notes
/// after them.
fn diagnostic(inp: &Input<'_, '_>, li: usize, prio: Priority, p: &mut Proposals) {
    let end = (li + 1 + inp.knobs.diagnostic_max).min(inp.lines.len());
    for j in li + 1..end {
        let Some(line) = inp.lines.get(j) else { break };
        let t = line.trim_start();
        let gutter = t.trim_start_matches(|c: char| c.is_ascii_digit()).trim_start();
        // Notes attached to the diagnostic, bare (`note: required by ...`) or located
        // (`src/a.c:3:5: note: ...`).
        let located =
            t.split_once(' ').filter(|(loc, _)| is_location(loc)).map_or(t, |(_, r)| r.trim_start());
        let marked = gutter.starts_with('|')
            || t.starts_with("-->")
            || t.starts_with("= ")
            || located.starts_with("note:")
            || located.starts_with("help:");
        // An indented line continues the body unless it is the routine stream resuming (cargo
        // indents its `Compiling` lines): a template of several lines seen before the head.
        let routine = || {
            inp.templates.cluster_of(j).is_some_and(|c| {
                c.members.len() >= 3 && c.members.first().is_some_and(|&f| (f as usize) < li)
            })
        };
        let cont = !t.is_empty() && (marked || (t.len() < line.len() && !routine()));
        if !cont {
            break;
        }
        p.add(j, prio, "diagnostic");
    }
}

/// For an alarming template, the first line of the two most frequent values of each varying
/// slot (the datanode that failed most, the IP that knocked most).
fn heavy_hitters(inp: &Input<'_, '_>, members: &[u32], p: &mut Proposals) {
    let t = inp.templates;
    let Some(&first) = members.first() else { return };
    let width = t.masked_of(first as usize).len();
    let header = t.cluster_of(first as usize).map_or(0, |c| t.header_len(&c.tmpl));
    for pos in header..width {
        let mut counts: HashMap<&str, (u32, u32)> = HashMap::default();
        for &li in members {
            let line = inp.lines.get(li as usize).copied().unwrap_or("");
            let e = counts.entry(t.token(line, li as usize, pos)).or_insert((0, li));
            e.0 += 1;
        }
        if counts.len() <= 1 {
            continue;
        }
        let mut sizes: Vec<u32> = counts.values().map(|&(c, _)| c).collect();
        sizes.sort_unstable();
        let median = sizes.get(sizes.len() / 2).copied().unwrap_or(0);
        // Heavy: seen at least 3 times and twice as often as a typical value of the slot.
        let mut top: Vec<(u32, u32)> =
            counts.into_values().filter(|&(c, _)| c >= 3 && c >= 2 * median).collect();
        top.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        for &(_, li) in top.iter().take(2) {
            p.add(li as usize, Priority::Notable, "heavy hitter");
        }
    }
}

/// Stack traces: a run of trace lines (plus indented continuations) with the line before it
/// and, for Python, the exception line after it. The first trace of each shape is kept up to a
/// cap; repeats keep only their header and closing lines.
fn traces(inp: &Input<'_, '_>, p: &mut Proposals) {
    let n = inp.lines.len();
    let cap = inp.knobs.trace_cap;
    let mut seen: HashSet<Vec<u32>> = HashSet::default();
    let mut i = 0;
    while i < n {
        if !inp.facts.get(i).is_some_and(|f| f.trace) {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i + 1; // exclusive
        let base = inp.lines.get(start).map_or(0, |l| indent(l));
        while end < n {
            // Continuations (source lines under a frame, `at` lines of Rust) sit deeper than the
            // trace's first line.
            let cont = inp.facts.get(end).is_some_and(|f| f.trace)
                || inp.lines.get(end).is_some_and(|l| indent(l) > base && !l.trim().is_empty());
            let bridged = !cont && inp.facts.get(end + 1).is_some_and(|f| f.trace);
            if !(cont || bridged) {
                break;
            }
            end += 1;
        }
        let before = start.saturating_sub(1);
        let after =
            (end < n && inp.facts.get(end).is_some_and(|f| f.severity == Severity::Error)).then_some(end);
        p.add(before, Priority::Must, "trace header");
        if let Some(a) = after {
            p.add(a, Priority::Must, "trace end");
        }
        // Same shape = same masked frames (line numbers aside), not merely the same templates.
        let shape: Vec<u32> = (start..end)
            .flat_map(|li| inp.templates.masked_of(li).iter().copied().chain(std::iter::once(WILD)))
            .collect();
        if seen.insert(shape) {
            let len = end - start;
            if len <= cap {
                p.add_range(start, end, Priority::Must, "trace");
            } else {
                let tail = cap / 4;
                p.add_range(start, start + cap - tail, Priority::Must, "trace");
                p.add_range(end - tail, end, Priority::Must, "trace");
            }
        }
        i = end;
    }
}

fn indent(line: &str) -> usize {
    line.bytes().take_while(|b| *b == b' ' || *b == b'\t').count()
}

/// Lines naming the question's identifiers, unless the identifier is part of the template
/// itself (then the template's own representatives speak for it); lines whose varying tokens
/// carry a question term that is rare within their template (a user name, a host the user
/// typed), not one every line of the template has.
fn query(inp: &Input<'_, '_>, p: &mut Proposals) {
    let q = inp.query;
    if q.is_empty() {
        return;
    }
    let terms: HashSet<&str> = q.terms.iter().map(String::as_str).collect();
    let t = inp.templates;
    let cap = inp.knobs.query_cap;
    let mut by_term = 0usize;
    let line = |li: u32| inp.lines.get(li as usize).copied().unwrap_or("");
    // Identifiers that name more lines than the cap does not single anything out.
    let ids: Vec<&str> = q
        .identifiers
        .iter()
        .map(String::as_str)
        .filter(|id| inp.lines.iter().filter(|l| mentions(l, id)).take(cap + 1).count() <= cap)
        .collect();
    for (c, profile) in t.clusters.iter().zip(inp.profiles) {
        let count = c.members.len();
        let rendered = if count > 3 && !ids.is_empty() { profile.render(t) } else { String::new() };
        let ids: Vec<&str> = ids.iter().copied().filter(|id| !mentions(&rendered, id)).collect();
        for &li in &c.members {
            if ids.iter().any(|id| mentions(line(li), id)) {
                p.add(li as usize, Priority::Must, "query id");
            }
        }
        if terms.is_empty() || count < 2 || profile.varying.is_empty() {
            continue;
        }
        let hits: Vec<(u32, Vec<String>)> = c
            .members
            .iter()
            .map(|&li| {
                let mut found: Vec<String> = profile
                    .varying
                    .iter()
                    .flat_map(|&pos| words(t.token(line(li), li as usize, pos)).collect::<Vec<_>>())
                    .filter(|w| terms.contains(w.as_str()))
                    .collect();
                found.dedup();
                (li, found)
            })
            .filter(|(_, f)| !f.is_empty())
            .collect();
        let mut per_term: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, found) in &hits {
            for w in found {
                *per_term.entry(w.as_str()).or_default() += 1;
            }
        }
        let rare = |w: &String| per_term.get(w.as_str()).is_some_and(|&n| n <= 3 || n * 10 <= count);
        for (li, found) in &hits {
            if by_term < cap && found.iter().any(rare) {
                p.add(*li as usize, Priority::Notable, "query term");
                by_term += 1;
            }
        }
    }
}

/// Does `text` contain `id` with no letter or digit glued to either end (`10` is not in `1000`)?
fn mentions(text: &str, id: &str) -> bool {
    let glued = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric());
    let starts_alnum = id.starts_with(char::is_alphanumeric);
    let ends_alnum = id.ends_with(char::is_alphanumeric);
    text.match_indices(id).any(|(i, _)| {
        let before = text.get(..i).and_then(|s| s.chars().next_back());
        let after = text.get(i + id.len()..).and_then(|s| s.chars().next());
        !(starts_alnum && glued(before) || ends_alnum && glued(after))
    })
}
