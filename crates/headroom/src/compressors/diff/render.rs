//! Writes a planned diff: commit headers and messages, every file header, kept hunks (context
//! trimmed), and a marker line wherever something was dropped, each with exact counts:
//! `(-12 +30 lines) [headroom: 3 hunks omitted; ...]`, `(lockfile, ...) [...]`,
//! `(binary patch) [headroom: 40 lines omitted; ...]`, `(unchanged context) [headroom: 14 lines
//! omitted; ...]`, `(hunks cut to their definitions, -3 +40 lines) [headroom: 51 lines
//! omitted; ...]`.

use std::fmt::Write as _;

use super::parse::{File, Hunk, Part};
use super::plan::Plan;
use super::trim::{Hidden, Row, Trimmed};
use crate::compressors::Context;

/// Lines joined by `\n`, written straight into one string.
struct Out {
    text: String,
    any: bool,
}

impl Out {
    /// Start a new line and return the string to write it into.
    fn next(&mut self) -> &mut String {
        if self.any {
            self.text.push('\n');
        }
        self.any = true;
        &mut self.text
    }

    fn line(&mut self, l: &str) {
        self.next().push_str(l);
    }

    fn line_fmt(&mut self, args: std::fmt::Arguments<'_>) {
        let _ = self.next().write_fmt(args);
    }
}

/// Render `parts` under `plan`.
pub(super) fn render(parts: &[Part<'_>], plan: &Plan<'_>, cx: &Context<'_>, capacity: usize) -> String {
    let mut out = Out { text: String::with_capacity(capacity), any: false };
    let mut f = 0;
    for p in parts {
        match p {
            Part::Line(l) => out.line(l),
            Part::File(file) => {
                let collapse = plan.collapse.get(f).copied().flatten();
                let hunks = plan.hunks.get(f).map(Vec::as_slice).unwrap_or(&[]);
                render_file(&mut out, file, collapse.map(|c| c.label()), hunks, cx);
                f += 1;
            }
        }
    }
    out.text
}

fn render_file(
    out: &mut Out,
    file: &File<'_>,
    collapse: Option<&str>,
    hunks: &[Option<Trimmed<'_>>],
    cx: &Context<'_>,
) {
    let derivable = derivable_names(&file.header);
    for (k, l) in file.header.iter().enumerate() {
        if !derivable.contains(&k) {
            out.line(l);
        }
    }
    if !file.binary.is_empty() {
        out.line_fmt(format_args!("(binary patch) {}", cx.marker(file.binary.len(), "lines")));
    }
    if let Some(label) = collapse {
        if !file.hunks.is_empty() {
            let (del, add) = changes(file.hunks.iter());
            out.line_fmt(format_args!(
                "({label}, -{del} +{add} lines) {}",
                cx.marker(file.hunks.len(), "hunks")
            ));
        }
        return;
    }
    let mut run: Vec<&Hunk<'_>> = Vec::new();
    let mut trimmed = 0;
    let mut hidden = Hidden::default();
    for (h, hunk) in file.hunks.iter().enumerate() {
        match hunks.get(h).and_then(Option::as_ref) {
            Some(t) => {
                flush_run(out, &mut run, cx);
                trimmed += t.dropped;
                hidden.lines += t.hidden.lines;
                hidden.removed += t.hidden.removed;
                hidden.added += t.hidden.added;
                for piece in &t.pieces {
                    out.line(&piece.header);
                    for row in &piece.rows {
                        match row {
                            Row::Line(l) => out.line(l),
                            Row::Gap { lines, removed, added } => out.line_fmt(format_args!(
                                "(-{removed} +{added} lines) {}",
                                cx.marker(*lines, "lines")
                            )),
                        }
                    }
                }
            }
            None => run.push(hunk),
        }
    }
    flush_run(out, &mut run, cx);
    if hidden.lines > 0 {
        out.line_fmt(format_args!(
            "(hunks cut to their definitions, -{} +{} lines) {}",
            hidden.removed,
            hidden.added,
            cx.marker(hidden.lines, "lines")
        ));
    }
    if trimmed > 0 {
        out.line_fmt(format_args!("(unchanged context) {}", cx.marker(trimmed, "lines")));
    }
}

/// One marker line for a run of dropped hunks.
fn flush_run(out: &mut Out, run: &mut Vec<&Hunk<'_>>, cx: &Context<'_>) {
    if run.is_empty() {
        return;
    }
    let (del, add) = changes(run.iter().copied());
    out.line_fmt(format_args!("(-{del} +{add} lines) {}", cx.marker(run.len(), "hunks")));
    run.clear();
}

/// (removed, added) line counts over `hunks`.
fn changes<'h, 'a: 'h>(hunks: impl Iterator<Item = &'h Hunk<'a>>) -> (usize, usize) {
    let (mut del, mut add) = (0, 0);
    for h in hunks {
        del += h.lines.iter().filter(|l| h.is_removal(l)).count();
        add += h.lines.iter().filter(|l| h.is_addition(l)).count();
    }
    (del, add)
}

/// Indexes of `--- a/P` / `+++ b/P` lines that only repeat what `diff --git a/P b/P` (and a
/// `new file` / `deleted file` line) already say.
fn derivable_names(header: &[&str]) -> Vec<usize> {
    let Some(paths) = header.first().and_then(|h| h.strip_prefix("diff --git ")) else { return Vec::new() };
    let created = header.iter().any(|h| h.starts_with("new file mode"));
    let deleted = header.iter().any(|h| h.starts_with("deleted file mode"));
    let mut out = Vec::new();
    for (k, h) in header.iter().enumerate() {
        let derivable = if let Some(old) = h.strip_prefix("--- ") {
            if created {
                old == "/dev/null"
            } else {
                paths.starts_with(old) && paths.get(old.len()..).is_some_and(|r| r.starts_with(" b/"))
            }
        } else if let Some(new) = h.strip_prefix("+++ ") {
            if deleted {
                new == "/dev/null"
            } else {
                paths.ends_with(&format!(" {new}")) && new.starts_with("b/")
            }
        } else {
            false
        };
        if derivable {
            out.push(k);
        }
    }
    // Both or neither: a lone `---` or `+++` would read as a change line.
    if out.len() == 2 {
        out
    } else {
        Vec::new()
    }
}
