//! The compressed text: kept lines verbatim and in order, one marker per dropped run with its
//! exact line count, then a digest of the templates the dropped lines belong to, each with its
//! exact line count (`[x312] INFO ... took <4..716> ms`), most frequent first.

use super::fields::Profile;
use super::select::Input;
use super::Knobs;
use crate::compressors::Context;

/// Kept lines, markers and the digest.
pub(super) fn render(inp: &Input<'_, '_>, keep: &[bool], cx: &Context<'_>, knobs: &Knobs) -> String {
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
    let digest = digest(inp, keep, knobs.digest_max);
    if digest.is_empty() {
        out.pop();
    } else {
        out.push_str(&digest);
    }
    out
}

/// Templates with dropped lines, most frequent first: `[x<count>] <template>`.
fn digest(inp: &Input<'_, '_>, keep: &[bool], max: usize) -> String {
    let t = inp.templates;
    let mut rows: Vec<(usize, u32, String)> = t
        .clusters
        .iter()
        .zip(inp.profiles)
        .filter(|(c, _)| {
            c.members.len() >= 2 && c.members.iter().any(|&li| !keep.get(li as usize).copied().unwrap_or(true))
        })
        .map(|(c, p): (_, &Profile<'_>)| (c.members.len(), c.members.first().copied().unwrap_or(0), p.render(t)))
        .filter(|r| !r.2.is_empty())
        .collect();
    if rows.is_empty() {
        return String::new();
    }
    rows.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut out = String::from("Line templates (exact line counts; <*> varies, <a..b> numeric range):");
    for (count, _, tmpl) in rows.iter().take(max) {
        out.push_str(&format!("\n[x{count}] {tmpl}"));
    }
    if rows.len() > max {
        let lines: usize = rows.iter().skip(max).map(|r| r.0).sum();
        out.push_str(&format!("\n[x{lines}] in {} other templates", rows.len() - max));
    }
    out
}
