//! Which lines survive. Every rule proposes lines with a [`Priority`]; `Must` lines are always
//! kept, the rest are admitted in priority order (then line order) while the token budget
//! lasts. Rules: first/last lines, errors (all of a rare error template, with context; first
//! and last of a routine one), warnings and summaries deduplicated by template, stack traces
//! (first occurrence of each, capped), rare templates (anomalies), categorical and numeric
//! outliers inside templates, the most frequent values of error templates, and lines that
//! mention the question's identifiers or terms.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::fields::Profile;
use super::template::Templates;
use super::Knobs;
use crate::relevance::{words, Query};
use crate::signals::{Severity, Signals};

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
}

/// The per-line facts the rules look at.
pub(super) struct LineFacts {
    pub severity: Severity,
    pub trace: bool,
}

impl LineFacts {
    pub(super) fn of(line: &str, t: &Templates, li: usize, signals: &Signals) -> Self {
        let level = (0..6)
            .map(|pos| t.token(line, li, pos))
            .take_while(|tok| !tok.is_empty())
            .find(|tok| tok.bytes().any(|b| b.is_ascii_alphabetic()))
            .map_or(Severity::None, |tok| signals.level(tok));
        let severity = level.max(signals.severity(line));
        Self { severity, trace: signals.is_trace_line(line) }
    }
}

/// Proposed lines, keeping the highest priority per line.
pub(super) struct Proposals {
    want: Vec<Option<Priority>>,
}

impl Proposals {
    fn new(n: usize) -> Self {
        Self { want: vec![None; n] }
    }

    fn add(&mut self, li: usize, p: Priority) {
        if let Some(w) = self.want.get_mut(li) {
            if w.is_none_or(|old| old < p) {
                *w = Some(p);
            }
        }
    }

    fn add_range(&mut self, from: usize, to: usize, p: Priority) {
        for li in from..to.min(self.want.len()) {
            self.add(li, p);
        }
    }

    /// The priority proposed for `li`, if any.
    pub(super) fn get(&self, li: usize) -> Option<Priority> {
        self.want.get(li).copied().flatten()
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
    p.add_range(0, k.head, Priority::Must);
    p.add_range(n.saturating_sub(k.tail), n, Priority::Must);
    clusters(inp, &mut p);
    traces(inp, &mut p);
    query(inp, &mut p);
    p
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
        let sev = members
            .iter()
            .filter_map(|&li| inp.facts.get(li as usize))
            .map(|f| f.severity)
            .max()
            .unwrap_or(Severity::None);
        let (Some(&first), Some(&last)) = (members.first(), members.last()) else { continue };
        let (first, last) = (first as usize, last as usize);
        if sev == Severity::Error && count <= k.error_all {
            for &li in members {
                let li = li as usize;
                p.add(li, Priority::Must);
                p.add_range(li.saturating_sub(k.context), li, Priority::Routine);
                p.add_range(li + 1, li + 1 + k.context, Priority::Routine);
            }
            continue;
        }
        if count <= rare_max || (sev == Severity::Summary && count <= k.error_all) {
            let once = if sev >= Severity::Summary { Priority::Must } else { Priority::Notable };
            for (i, &li) in members.iter().enumerate() {
                p.add(li as usize, if i == 0 { once } else { Priority::Notable });
            }
            continue;
        }
        // A routine template: one example, its anomalies, and for alarming ones the last too.
        let alarming = sev >= Severity::Warning;
        p.add(first, if alarming { Priority::Must } else { Priority::Routine });
        p.add(last, if alarming || sev == Severity::Summary { Priority::Notable } else { Priority::Fill });
        for &(li, _) in &profile.notable {
            p.add(li as usize, Priority::Notable);
        }
        if alarming {
            heavy_hitters(inp, members, p);
        }
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
        let mut counts: HashMap<&str, (u32, u32)> = HashMap::new();
        for &li in members {
            let line = inp.lines.get(li as usize).copied().unwrap_or("");
            let e = counts.entry(t.token(line, li as usize, pos)).or_insert((0, li));
            e.0 += 1;
        }
        if counts.len() <= 1 {
            continue;
        }
        let mut top: Vec<(u32, u32)> = counts.into_values().filter(|&(c, _)| c >= 3).collect();
        top.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        for &(_, li) in top.iter().take(2) {
            p.add(li as usize, Priority::Notable);
        }
    }
}

/// Stack traces: a run of trace lines (plus indented continuations) with the line before it
/// and, for Python, the exception line after it. The first trace of each shape is kept up to a
/// cap; repeats keep only their header and closing lines.
fn traces(inp: &Input<'_, '_>, p: &mut Proposals) {
    let n = inp.lines.len();
    let cap = inp.knobs.trace_cap;
    let mut seen: HashSet<Vec<u32>> = HashSet::new();
    let mut i = 0;
    while i < n {
        if !inp.facts.get(i).is_some_and(|f| f.trace) {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i + 1; // exclusive
        while end < n {
            let cont = inp.facts.get(end).is_some_and(|f| f.trace)
                || inp.lines.get(end).is_some_and(|l| l.starts_with([' ', '\t']) && !l.trim().is_empty());
            let bridged = !cont && inp.facts.get(end + 1).is_some_and(|f| f.trace);
            if !(cont || bridged) {
                break;
            }
            end += 1;
        }
        let before = start.saturating_sub(1);
        let after = (end < n && inp.facts.get(end).is_some_and(|f| f.severity == Severity::Error)).then_some(end);
        p.add(before, Priority::Must);
        if let Some(a) = after {
            p.add(a, Priority::Must);
        }
        let shape: Vec<u32> = (start..end).filter_map(|li| inp.templates.line_cluster.get(li).copied()).collect();
        if seen.insert(shape) {
            let len = end - start;
            if len <= cap {
                p.add_range(start, end, Priority::Must);
            } else {
                let tail = cap / 4;
                p.add_range(start, start + cap - tail, Priority::Must);
                p.add_range(end - tail, end, Priority::Must);
            }
        }
        i = end;
    }
}

/// Lines naming the question's identifiers; lines whose varying tokens carry the question's
/// terms (a user name, a host, an id the user typed).
fn query(inp: &Input<'_, '_>, p: &mut Proposals) {
    let q = inp.query;
    if q.is_empty() {
        return;
    }
    let terms: HashSet<&str> = q.terms.iter().map(String::as_str).collect();
    let t = inp.templates;
    let mut by_id = 0usize;
    let mut by_term = 0usize;
    let mut var_slots: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for (li, line) in inp.lines.iter().enumerate() {
        if by_id < inp.knobs.query_cap && q.mentions_identifier(line) {
            p.add(li, Priority::Must);
            by_id += 1;
            continue;
        }
        if terms.is_empty() || by_term >= inp.knobs.query_cap {
            continue;
        }
        let Some(&ci) = t.line_cluster.get(li) else { continue };
        let Some(c) = t.clusters.get(ci as usize) else { continue };
        if c.members.len() < 2 {
            continue;
        }
        let slots = var_slots.entry(ci).or_insert_with(|| {
            let header = t.header_len(&c.tmpl);
            let first = c.members.first().copied().unwrap_or(0) as usize;
            let first_line = inp.lines.get(first).copied().unwrap_or("");
            (header..c.tmpl.len())
                .filter(|&pos| {
                    let v0 = t.token(first_line, first, pos);
                    c.members.iter().any(|&m| {
                        t.token(inp.lines.get(m as usize).copied().unwrap_or(""), m as usize, pos) != v0
                    })
                })
                .collect()
        });
        let hit = slots.iter().any(|&pos| words(t.token(line, li, pos)).any(|w| terms.contains(w.as_str())));
        if hit {
            p.add(li, Priority::Notable);
            by_term += 1;
        }
    }
}
