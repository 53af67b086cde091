//! Line templates: mask the variable parts of each line (numbers, hex, ids, IPs, timestamps,
//! paths with digits, calendar words of the header) and group lines whose masked tokens agree
//! into clusters, in the manner of the Drain log parser (a fixed-depth key, then a similarity
//! threshold). Owns tokenisation of lines; knows nothing about severity or selection.

use rustc_hash::FxHashMap as HashMap;

/// Template slot that merged differing tokens.
pub(super) const WILD: u32 = u32::MAX;

/// Fraction of the constant tokens that must agree for a line to join a cluster.
const SIMILARITY: f64 = 0.5;

/// How many leading tokens may hold a calendar word (`Dec`, `[Sun`) that belongs to a timestamp.
const CALENDAR_ZONE: usize = 4;

/// Clusters compared per line at most; keeps pathological inputs linear.
const LEAF_SCAN: usize = 256;

const CALENDAR: [&str; 19] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Mon", "Tue", "Wed",
    "Thu", "Fri", "Sat", "Sun",
];

/// Interned masked tokens.
#[derive(Default)]
pub(super) struct Interner {
    ids: HashMap<Box<str>, u32>,
    strs: Vec<Box<str>>,
    lettered: Vec<bool>,
    word: Vec<bool>,
}

impl Interner {
    fn intern(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = self.strs.len() as u32;
        self.ids.insert(s.into(), id);
        self.strs.push(s.into());
        let lettered = s.bytes().any(|b| b.is_ascii_alphabetic());
        self.lettered.push(lettered);
        self.word.push(lettered && !s.contains("<*>"));
        id
    }

    /// The masked text of token `id`.
    pub(super) fn text(&self, id: u32) -> &str {
        self.strs.get(id as usize).map_or("", |s| s)
    }

    /// Does the masked token keep any letters (is it more than a pure variable)?
    pub(super) fn lettered(&self, id: u32) -> bool {
        self.lettered.get(id as usize).copied().unwrap_or(false)
    }

    /// Is the token a plain word, nothing masked in it (`INFO`, `kernel:`, `Compiling`)?
    fn word(&self, id: u32) -> bool {
        self.word.get(id as usize).copied().unwrap_or(false)
    }
}

/// One group of lines sharing a template.
pub(super) struct Cluster {
    /// Masked token ids; [`WILD`] where members disagree.
    pub tmpl: Vec<u32>,
    /// Line indices, ascending.
    pub members: Vec<u32>,
}

/// Every line tokenised and assigned to a cluster.
pub(super) struct Templates {
    /// Byte ranges of each line's whitespace-separated tokens, flattened.
    spans: Vec<(u32, u32)>,
    /// Masked token id of each span.
    masked: Vec<u32>,
    /// Where each line's tokens start in `spans` (one extra entry at the end).
    starts: Vec<u32>,
    /// Cluster of each line.
    pub line_cluster: Vec<u32>,
    /// Clusters in order of first appearance.
    pub clusters: Vec<Cluster>,
    /// Masked token texts.
    pub interner: Interner,
}

impl Templates {
    /// Tokenise, mask and cluster `lines`.
    pub(super) fn build(lines: &[&str]) -> Self {
        let mut t = Templates {
            spans: Vec::new(),
            masked: Vec::new(),
            starts: Vec::with_capacity(lines.len() + 1),
            line_cluster: Vec::with_capacity(lines.len()),
            clusters: Vec::new(),
            interner: Interner::default(),
        };
        let mut buf = String::new();
        for line in lines {
            t.starts.push(t.spans.len() as u32);
            for (i, (s, e)) in token_spans(line).enumerate() {
                buf.clear();
                mask_token(line.get(s..e).unwrap_or(""), i < CALENDAR_ZONE, &mut buf);
                let id = t.interner.intern(&buf);
                t.spans.push((s as u32, e as u32));
                t.masked.push(id);
            }
        }
        t.starts.push(t.spans.len() as u32);

        // Leaves keyed by token count and first plain word (the level, the host, the message's
        // first word; ids like `R02-M1-N0` are skipped); similarity decides within a leaf.
        let mut leaves: HashMap<(usize, u32), Vec<u32>> = HashMap::default();
        for li in 0..lines.len() {
            let toks = t.masked.get(t.range(li)).unwrap_or(&[]);
            let key = (toks.len(), toks.iter().copied().find(|&id| t.interner.word(id)).unwrap_or(WILD));
            let leaf = leaves.entry(key).or_default();
            let mut best: Option<(f64, u32)> = None;
            for &ci in leaf.iter().take(LEAF_SCAN) {
                let Some(c) = t.clusters.get(ci as usize) else { continue };
                let s = similarity(&c.tmpl, toks, &t.interner);
                if s >= SIMILARITY && best.is_none_or(|(b, _)| s > b) {
                    best = Some((s, ci));
                    if s >= 1.0 {
                        break; // nothing later can beat a perfect match (ties keep the first)
                    }
                }
            }
            let ci = match best {
                Some((_, ci)) => {
                    if let Some(c) = t.clusters.get_mut(ci as usize) {
                        for (slot, tok) in c.tmpl.iter_mut().zip(toks) {
                            if *slot != *tok {
                                *slot = WILD;
                            }
                        }
                        c.members.push(li as u32);
                    }
                    ci
                }
                None => {
                    let ci = t.clusters.len() as u32;
                    t.clusters.push(Cluster { tmpl: toks.to_vec(), members: vec![li as u32] });
                    leaf.push(ci);
                    ci
                }
            };
            t.line_cluster.push(ci);
        }
        t
    }

    fn range(&self, line: usize) -> std::ops::Range<usize> {
        let s = self.starts.get(line).copied().unwrap_or(0) as usize;
        let e = self.starts.get(line + 1).copied().unwrap_or(0) as usize;
        s..e.max(s)
    }

    /// Masked token ids of `line`.
    pub(super) fn masked_of(&self, line: usize) -> &[u32] {
        self.masked.get(self.range(line)).unwrap_or(&[])
    }

    /// The `pos`-th original token of `line` (as text of `text`, the line itself).
    pub(super) fn token<'t>(&self, text: &'t str, line: usize, pos: usize) -> &'t str {
        let r = self.range(line);
        self.spans
            .get(r.start + pos)
            .filter(|_| pos < r.len())
            .and_then(|&(s, e)| text.get(s as usize..e as usize))
            .unwrap_or("")
    }

    /// Cluster of `line`.
    pub(super) fn cluster_of(&self, line: usize) -> Option<&Cluster> {
        self.line_cluster.get(line).and_then(|&c| self.clusters.get(c as usize))
    }

    /// How many leading slots of `tmpl` are header (timestamps, pids: no letters once masked).
    pub(super) fn header_len(&self, tmpl: &[u32]) -> usize {
        tmpl.iter().take_while(|&&id| id == WILD || !self.interner.lettered(id)).count()
    }
}

/// Share of agreeing tokens among the slots that hold words (pure variables such as numbers
/// and addresses are left out). Slots the template already gave up on count against the
/// line, so a template that has turned mostly into `<*>` does not swallow unrelated lines.
fn similarity(tmpl: &[u32], toks: &[u32], interner: &Interner) -> f64 {
    let (mut eq, mut considered) = (0u32, 0u32);
    for (&t, &l) in tmpl.iter().zip(toks) {
        if t != WILD && !interner.lettered(t) && !interner.lettered(l) {
            continue;
        }
        considered += 1;
        if t == l {
            eq += 1;
        }
    }
    if considered == 0 {
        1.0
    } else {
        f64::from(eq) / f64::from(considered)
    }
}

/// Byte ranges of the ASCII-whitespace-separated tokens of `line`.
pub(super) fn token_spans(line: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let b = line.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while b.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        if i >= b.len() {
            return None;
        }
        let s = i;
        while b.get(i).is_some_and(|c| !c.is_ascii_whitespace()) {
            i += 1;
        }
        Some((s, i))
    })
}

/// Write the masked form of `tok` into `out`: a token starting with a digit becomes `<*>`
/// (keeping its brackets and trailing punctuation); elsewhere every run of hex digits that
/// holds a decimal digit becomes `<*>`; inside the header zone a calendar word (`Dec`, `[Sun`)
/// becomes `<*>`.
fn mask_token(tok: &str, header_zone: bool, out: &mut String) {
    if header_zone {
        let alpha = tok.trim_matches(|c: char| !c.is_ascii_alphabetic());
        if CALENDAR.contains(&alpha) {
            out.push_str("<*>");
            return;
        }
    }
    // A value that starts with a digit (a version `(5.36.0-7+deb12u2)`, an address, a size, a
    // time) is one variable whatever letters it carries; brackets and trailing punctuation stay.
    let open = tok.bytes().take_while(|b| matches!(b, b'(' | b'[' | b'{' | b'<' | b'"' | b'\'')).count();
    let core = tok.get(open..).unwrap_or("");
    let close = core
        .bytes()
        .rev()
        .take_while(|b| matches!(b, b')' | b']' | b'}' | b'>' | b'"' | b'\'' | b',' | b';' | b':' | b'.'))
        .count();
    if core.as_bytes().first().is_some_and(u8::is_ascii_digit) && close < core.len() {
        out.push_str(tok.get(..open).unwrap_or(""));
        out.push_str("<*>");
        out.push_str(core.get(core.len() - close..).unwrap_or(""));
        return;
    }
    let b = tok.as_bytes();
    let mut i = 0;
    let mut copied = 0;
    while i < b.len() {
        if b.get(i).is_some_and(u8::is_ascii_hexdigit) {
            let s = i;
            let mut digit = false;
            while let Some(c) = b.get(i).filter(|c| c.is_ascii_hexdigit()) {
                digit |= c.is_ascii_digit();
                i += 1;
            }
            if digit {
                out.push_str(tok.get(copied..s).unwrap_or(""));
                out.push_str("<*>");
                copied = i;
            }
        } else {
            i += 1;
        }
    }
    out.push_str(tok.get(copied..).unwrap_or(""));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masked(tok: &str, header: bool) -> String {
        let mut s = String::new();
        mask_token(tok, header, &mut s);
        s
    }

    #[test]
    fn masks_variable_runs() {
        assert_eq!(masked("blk_-7571492020523929240", false), "blk_-<*>");
        assert_eq!(masked("10.251.30.85:50010", false), "<*>");
        assert_eq!(masked("(5.36.0-7+deb12u2)", false), "(<*>)");
        assert_eq!(masked("[24200]:", false), "[<*>]:");
        assert_eq!(masked("sshd[24200]:", false), "sshd[<*>]:");
        assert_eq!(masked("[Sun", true), "<*>");
        assert_eq!(masked("Sun", false), "Sun");
        assert_eq!(masked("terminating", false), "terminating");
        assert_eq!(masked("0x1319ae8;", false), "<*>;");
        assert_eq!(masked("rev0x1319ae8;", false), "rev<*>x<*>;");
    }

    #[test]
    fn clusters_lines_with_differing_values() {
        let lines = [
            "Dec 10 06:55:48 LabSZ sshd[24200]: Failed password for root from 173.234.31.186 port 38926 ssh2",
            "Dec 10 06:55:50 LabSZ sshd[24201]: Failed password for admin from 173.234.31.187 port 38927 ssh2",
            "Dec 10 06:55:52 LabSZ sshd[24202]: Connection closed by 212.47.254.145 [preauth]",
        ];
        let t = Templates::build(&lines);
        assert_eq!(t.clusters.len(), 2);
        assert_eq!(t.line_cluster, vec![0, 0, 1]);
        assert_eq!(t.token(lines[1], 1, 8), "admin");
        assert_eq!(t.header_len(&t.clusters[0].tmpl), 3);
    }
}
