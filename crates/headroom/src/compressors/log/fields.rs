//! What the variable slots of one cluster hold: constants, few distinct values (categorical:
//! `error state 6` vs `error state 10`, `Failed` vs `Accepted`), or numbers with outliers
//! (`took 716 ms` where the usual is 10). From that come the cluster's notable lines and its
//! printable template (`took <4..716> ms`).

use std::collections::BTreeMap;

use super::template::{Cluster, Templates, WILD};

/// A slot with at most this many distinct values is categorical: the first line of each value
/// is notable.
const CATEGORICAL_MAX: usize = 4;

/// Longest `{a|b|c}` alternatives printed in a template, in bytes.
const CHOICE_CHARS: usize = 48;

/// Robust z-score (distance from the median in MADs) from which a value is an outlier.
const OUTLIER_Z: f64 = 6.0;

/// Numeric slots need this many numeric values before outliers mean anything.
const OUTLIER_MIN_VALUES: usize = 5;

/// Why a line of a cluster is notable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Notable {
    /// First line carrying one value of a categorical slot.
    Categorical,
    /// Line with the extreme value of a numeric slot.
    Outlier,
}

/// How one slot of a cluster prints in the template digest.
enum Slot<'a> {
    Same(&'a str),
    Choice(Vec<&'a str>),
    Range { prefix: &'a str, min: &'a str, max: &'a str, suffix: &'a str },
    Varies(u32),
}

/// The slots and notable lines of one cluster.
pub(super) struct Profile<'a> {
    slots: Vec<Slot<'a>>,
    /// Positions (after the header) whose values differ between member lines.
    pub varying: Vec<usize>,
    /// Notable member lines with the reason, in slot order (may repeat lines).
    pub notable: Vec<(u32, Notable)>,
}

/// A number inside a token: `716`, `1114,`, `1.040s,`, `state=5`. The text around the one
/// number holds no digit.
fn number(tok: &str) -> Option<(&str, f64, &str, &str)> {
    let b = tok.as_bytes();
    let mut start = b.iter().position(u8::is_ascii_digit)?;
    if start == 1 && b.first() == Some(&b'-') {
        start = 0;
    }
    let mut end = start + usize::from(b.get(start) == Some(&b'-'));
    let mut dot = false;
    while let Some(&c) = b.get(end) {
        if c.is_ascii_digit() {
            end += 1;
        } else if c == b'.' && !dot && b.get(end + 1).is_some_and(u8::is_ascii_digit) {
            dot = true;
            end += 1;
        } else {
            break;
        }
    }
    let (prefix, num, suffix) = (tok.get(..start)?, tok.get(start..end)?, tok.get(end..)?);
    if suffix.bytes().any(|c| c.is_ascii_digit()) {
        return None;
    }
    Some((prefix, num.parse().ok()?, num, suffix))
}

fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    match (sorted.get(n / 2), sorted.get(n.saturating_sub(1) / 2)) {
        (Some(a), Some(b)) => (a + b) / 2.0,
        _ => 0.0,
    }
}

impl<'a> Profile<'a> {
    /// Profile cluster `c` of `t` over the original `lines`.
    pub(super) fn of(t: &Templates, lines: &[&'a str], c: &Cluster) -> Self {
        let header = t.header_len(&c.tmpl);
        let mut slots = Vec::with_capacity(c.tmpl.len().saturating_sub(header));
        let mut notable = Vec::new();
        let mut varying = Vec::new();
        let value = |li: u32, pos: usize| -> &'a str {
            lines.get(li as usize).map_or("", |l| t.token(l, li as usize, pos))
        };
        for (pos, &id) in c.tmpl.iter().enumerate().skip(header) {
            let Some(&first) = c.members.first() else { break };
            let v0 = value(first, pos);
            if c.members.iter().all(|&li| value(li, pos) == v0) {
                slots.push(Slot::Same(v0));
                continue;
            }
            varying.push(pos);
            // Categorical: few distinct values; first line of each.
            let mut distinct: BTreeMap<&str, u32> = BTreeMap::new();
            for &li in &c.members {
                let v = value(li, pos);
                if !distinct.contains_key(v) {
                    if distinct.len() == CATEGORICAL_MAX {
                        distinct.clear();
                        break;
                    }
                    distinct.insert(v, li);
                }
            }
            notable.extend(distinct.values().map(|&li| (li, Notable::Categorical)));
            let mut choices: Vec<(u32, &str)> = distinct.iter().map(|(&v, &li)| (li, v)).collect();
            choices.sort_unstable();
            // Alternatives print only while short; long ones read better as `<*>`.
            let short = choices.iter().map(|(_, v)| v.len() + 1).sum::<usize>() <= CHOICE_CHARS;
            let slot =
                numeric_slot(c, pos, &value, &mut notable).unwrap_or(if choices.is_empty() || !short {
                    Slot::Varies(id)
                } else {
                    Slot::Choice(choices.into_iter().map(|(_, v)| v).collect())
                });
            slots.push(slot);
        }
        Self { slots, varying, notable }
    }

    /// The slots every member line agrees on (after the header).
    pub(super) fn constants(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.slots.iter().filter_map(|s| if let Slot::Same(v) = s { Some(*v) } else { None })
    }

    /// The template as one line: constants verbatim, numeric ranges as `<min..max>`, a few
    /// alternatives as `{PASSED|FAILED}`, anything else varying as `<*>` (or its masked shape,
    /// e.g. `blk_<*>`). Header slots are left out.
    pub(super) fn render(&self, t: &Templates) -> String {
        let mut out = String::new();
        for slot in &self.slots {
            if !out.is_empty() {
                out.push(' ');
            }
            match *slot {
                Slot::Same(s) => out.push_str(s),
                Slot::Choice(ref vs) => {
                    out.push('{');
                    out.push_str(&vs.join("|"));
                    out.push('}');
                }
                Slot::Range { prefix, min, max, suffix } => {
                    out.push_str(prefix);
                    out.push('<');
                    out.push_str(min);
                    out.push_str("..");
                    out.push_str(max);
                    out.push('>');
                    out.push_str(suffix);
                }
                Slot::Varies(id) if id != WILD && t.interner.lettered(id) => {
                    out.push_str(&collapse_masks(t.interner.text(id)));
                }
                Slot::Varies(_) => out.push_str("<*>"),
            }
        }
        out
    }
}

/// `<*>.<*>.<*>.<*>:<*>` (an address) reads as one `<*>`: masks joined by single separators
/// merge.
fn collapse_masks(s: &str) -> String {
    const MASK: &str = "<*>";
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(MASK) {
        out.push_str(rest.get(..i).unwrap_or(""));
        out.push_str(MASK);
        rest = rest.get(i + MASK.len()..).unwrap_or("");
        loop {
            let mut chars = rest.chars();
            match (chars.next(), chars.as_str().strip_prefix(MASK)) {
                (Some('.' | ':' | '-' | '/' | ',' | '_'), Some(after)) => rest = after,
                _ => break,
            }
        }
    }
    out.push_str(rest);
    out
}

/// A slot whose values are all numbers sharing prefix and suffix prints as a range; its extreme
/// values are notable when they stand far from the median.
fn numeric_slot<'a>(
    c: &Cluster,
    pos: usize,
    value: &impl Fn(u32, usize) -> &'a str,
    notable: &mut Vec<(u32, Notable)>,
) -> Option<Slot<'a>> {
    let first = value(*c.members.first()?, pos);
    let (prefix, _, _, suffix) = number(first)?;
    let mut vals = Vec::with_capacity(c.members.len());
    // (value, its text, its line) of the smallest and largest value.
    type Extreme<'v> = Option<(f64, &'v str, u32)>;
    let (mut lo, mut hi): (Extreme<'a>, Extreme<'a>) = (None, None);
    for &li in &c.members {
        let (p, x, text, s) = number(value(li, pos))?;
        if p != prefix || s != suffix {
            return None;
        }
        vals.push(x);
        if lo.is_none_or(|(m, _, _)| x < m) {
            lo = Some((x, text, li));
        }
        if hi.is_none_or(|(m, _, _)| x > m) {
            hi = Some((x, text, li));
        }
    }
    let ((min, min_text, min_line), (max, max_text, max_line)) = (lo?, hi?);
    if vals.len() >= OUTLIER_MIN_VALUES {
        vals.sort_by(f64::total_cmp);
        let med = median(&vals);
        let mut dev: Vec<f64> = vals.iter().map(|v| (v - med).abs()).collect();
        dev.sort_by(f64::total_cmp);
        let mad = median(&dev);
        let far = |d: f64| d > 0.0 && (mad == 0.0 || d / mad >= OUTLIER_Z);
        if far(max - med) {
            notable.push((max_line, Notable::Outlier));
        }
        if far(med - min) {
            notable.push((min_line, Notable::Outlier));
        }
    }
    Some(Slot::Range { prefix, min: min_text, max: max_text, suffix })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_tokens() {
        assert_eq!(number("716").map(|n| n.1), Some(716.0));
        assert_eq!(number("1114,").map(|n| (n.0, n.1, n.3)), Some(("", 1114.0, ",")));
        assert_eq!(number("1.040s,").map(|n| n.1), Some(1.04));
        assert_eq!(number("-2").map(|n| n.1), Some(-2.0));
        assert_eq!(number("10.251.30.85:50010"), None);
        assert_eq!(number("blk_-7571492020523929240").map(|n| n.0), Some("blk_-"));
    }

    #[test]
    fn masks_collapse() {
        assert_eq!(collapse_masks("<*>.<*>.<*>.<*>:<*>:Got"), "<*>:Got");
        assert_eq!(collapse_masks("hdfs://<*>.<*>:<*>/pjhe/<*>kSOSP.log"), "hdfs://<*>/pjhe/<*>kSOSP.log");
        assert_eq!(collapse_masks("blk_-<*>"), "blk_-<*>");
    }

    #[test]
    fn outliers_and_categories() {
        let mut lines: Vec<String> = (0..20)
            .map(|i| {
                format!("17/06/09 20:10:{i:02} INFO Reading broadcast variable {i} took {} ms", 10 + i % 3)
            })
            .collect();
        lines[7] = "17/06/09 20:10:07 INFO Reading broadcast variable 7 took 716 ms".into();
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        let t = Templates::build(&refs);
        assert_eq!(t.clusters.len(), 1);
        let p = Profile::of(&t, &refs, &t.clusters[0]);
        assert!(p.notable.contains(&(7, Notable::Outlier)));
        assert_eq!(p.render(&t), "INFO Reading broadcast variable <0..19> took <10..716> ms");
    }
}
