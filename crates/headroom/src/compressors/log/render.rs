//! The compressed text: kept lines verbatim and in order, one marker per dropped run with its
//! exact line count, then a digest of the templates the dropped lines belong to, each with its
//! exact line count (`[x312] INFO ... took <4..716> ms`), most frequent first.

use super::fields::Profile;
use super::select::Input;
use crate::compressors::Context;

/// Kept lines, markers and the digest.
pub(super) fn render(inp: &Input<'_, '_>, keep: &[bool], cx: &Context<'_>, digest_budget: usize) -> String {
    let mut out = String::new();
    let mut dropped = 0usize;
    for (line, &k) in inp.lines.iter().zip(keep) {
        if k {
            if dropped > 0 {
                out.push_str(&cx.marker(dropped, "lines"));
                out.push('\n');
                dropped = 0;
            }
            out.push_str(line);
            out.push('\n');
        } else {
            dropped += 1;
        }
    }
    if dropped > 0 {
        out.push_str(&cx.marker(dropped, "lines"));
        out.push('\n');
    }
    let digest = digest(inp, keep, cx, digest_budget);
    if digest.is_empty() {
        out.pop();
    } else {
        out.push_str(&digest);
    }
    out
}

/// Templates with dropped lines, most frequent first: `[x<count>] <template>`, as many as fit
/// in `budget` tokens; the rest are summed up in one line.
fn digest(inp: &Input<'_, '_>, keep: &[bool], cx: &Context<'_>, budget: usize) -> String {
    let t = inp.templates;
    let mut rows: Vec<(usize, u32, String)> = t
        .clusters
        .iter()
        .zip(inp.profiles)
        .filter(|(c, _)| {
            c.members.len() >= 2
                && c.members.iter().any(|&li| !keep.get(li as usize).copied().unwrap_or(true))
        })
        .map(|(c, p): (_, &Profile<'_>)| {
            (c.members.len(), c.members.first().copied().unwrap_or(0), p.render(t))
        })
        .filter(|r| !r.2.is_empty())
        .collect();
    if rows.is_empty() {
        return String::new();
    }
    rows.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut out = String::from("Line templates (exact line counts; <*> varies, <a..b> numeric range):");
    let mut spent = cx.counter.count(&out);
    let mut shown = 0;
    for (count, _, tmpl) in &rows {
        let row = format!("\n[x{count}] {}", clip(tmpl, ROW_CHARS));
        spent += cx.counter.count(&row);
        if spent > budget {
            break;
        }
        out.push_str(&row);
        shown += 1;
    }
    if shown == 0 {
        return String::new();
    }
    if rows.len() > shown {
        let lines: usize = rows.iter().skip(shown).map(|r| r.0).sum();
        out.push_str(&format!("\n[x{lines}] in {} other templates", rows.len() - shown));
    }
    out
}

/// Longest template shown in the digest, in characters.
const ROW_CHARS: usize = 240;

fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", s.get(..i).unwrap_or(s)),
        None => s.to_owned(),
    }
}
