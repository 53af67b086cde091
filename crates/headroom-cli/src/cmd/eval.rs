//! `headroom eval DIR`: compress every case of a corpus and report, per case, per kind and in
//! total: tokens before/after, % saved, needles kept verbatim / recoverable through a marker /
//! lost, identifiers lost or altered, and milliseconds.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context as _;
use headroom::wire::{locate, Role};
use headroom::{CompressConfig, CompressResult, Engine};
use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::cli::EvalArgs;
use crate::output::{self, user};

/// One case file of the corpus format (see shared/corpus/README.md).
#[derive(Debug, Deserialize)]
struct Case {
    id: String,
    kind: String,
    #[serde(default)]
    system: Option<serde_json::Value>,
    messages: serde_json::Value,
    #[serde(default)]
    needles: Vec<String>,
}

/// What eval measured on one case.
#[derive(Debug, Clone, Default, Serialize)]
struct CaseReport {
    id: String,
    kind: String,
    tokens_before: usize,
    tokens_after: usize,
    saved_pct: f64,
    needles: usize,
    needles_kept: usize,
    needles_recoverable: usize,
    needles_lost: Vec<String>,
    identifiers: usize,
    identifiers_lost: Vec<String>,
    identifiers_altered: Vec<String>,
    transforms: Vec<String>,
    ms: f64,
}

#[derive(Debug, Clone, Default, Serialize)]
struct Totals {
    cases: usize,
    tokens_before: usize,
    tokens_after: usize,
    saved_pct: f64,
    needles: usize,
    needles_kept: usize,
    needles_recoverable: usize,
    needles_lost: usize,
    identifiers_lost: usize,
    identifiers_altered: usize,
    ms: f64,
}

impl Totals {
    fn add(&mut self, r: &CaseReport) {
        self.cases += 1;
        self.tokens_before += r.tokens_before;
        self.tokens_after += r.tokens_after;
        self.needles += r.needles;
        self.needles_kept += r.needles_kept;
        self.needles_recoverable += r.needles_recoverable;
        self.needles_lost += r.needles_lost.len();
        self.identifiers_lost += r.identifiers_lost.len();
        self.identifiers_altered += r.identifiers_altered.len();
        self.ms += r.ms;
        self.saved_pct = pct(self.tokens_before, self.tokens_after);
    }
}

#[derive(Debug, Serialize)]
struct Report {
    model: String,
    cases: Vec<CaseReport>,
    by_kind: BTreeMap<String, Totals>,
    total: Totals,
}

fn pct(before: usize, after: usize) -> f64 {
    if before == 0 {
        0.0
    } else {
        100.0 * before.saturating_sub(after) as f64 / before as f64
    }
}

pub(crate) fn run(args: EvalArgs) -> anyhow::Result<ExitCode> {
    let paths = case_files(&args.dir)?;
    let engine = Engine::new(CompressConfig { model: args.model.clone().into(), ..CompressConfig::default() });
    let ids = Identifiers::new()?;
    let mut report = Report { model: args.model, cases: Vec::new(), by_kind: BTreeMap::new(), total: Totals::default() };
    for (i, path) in paths.iter().enumerate() {
        output::progress(i, paths.len(), &path.display().to_string());
        let text = std::fs::read_to_string(path).map_err(|e| user(format!("cannot read {}: {e}", path.display())))?;
        let case: Case = serde_json::from_str(&text).map_err(|e| user(format!("{} is not a corpus case: {e}", path.display())))?;
        let r = run_case(&engine, &ids, &case).with_context(|| format!("case {}", case.id))?;
        report.by_kind.entry(r.kind.clone()).or_default().add(&r);
        report.total.add(&r);
        report.cases.push(r);
    }
    output::progress(paths.len(), paths.len(), "done");
    if args.json {
        output::stdout(&serde_json::to_string_pretty(&report)?);
    } else {
        output::stdout(&table(&report));
    }
    Ok(ExitCode::SUCCESS)
}

fn case_files(dir: &Path) -> anyhow::Result<Vec<std::path::PathBuf>> {
    let entries = std::fs::read_dir(dir).map_err(|e| user(format!("cannot read corpus directory {}: {e}", dir.display())))?;
    let mut paths: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(user(format!("no .json cases in {}", dir.display())));
    }
    Ok(paths)
}

fn run_case(engine: &Engine, ids: &Identifiers, case: &Case) -> anyhow::Result<CaseReport> {
    let mut body = serde_json::Map::new();
    body.insert("model".into(), engine.config().model.0.clone().into());
    if let Some(s) = &case.system {
        body.insert("system".into(), s.clone());
    }
    body.insert("messages".into(), case.messages.clone());
    let input = serde_json::Value::Object(body).to_string();
    let start = Instant::now();
    let result = engine.compress(&input).map_err(|e| user(e.to_string()))?;
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    let before = tool_texts(&input)?;
    let after = tool_texts(result.messages.get())?;
    let all_after = all_texts(result.messages.get())?;
    let mut r = CaseReport {
        id: case.id.clone(),
        kind: case.kind.clone(),
        tokens_before: result.tokens_before,
        tokens_after: result.tokens_after,
        saved_pct: pct(result.tokens_before, result.tokens_after),
        needles: case.needles.len(),
        transforms: result.transforms_applied.iter().map(|t| t.as_str().to_owned()).collect(),
        ms,
        ..CaseReport::default()
    };
    for n in &case.needles {
        if all_after.contains(n.as_str()) {
            r.needles_kept += 1;
        } else if recoverable(&result, n) {
            r.needles_recoverable += 1;
        } else {
            r.needles_lost.push(n.clone());
        }
    }
    let ids_before = ids.find(&before.join("\n"));
    let ids_after = ids.find(&after.join("\n"));
    r.identifiers = ids_before.len();
    for id in &ids_before {
        if !ids_after.contains(id) && !recoverable(&result, id) {
            r.identifiers_lost.push(id.clone());
        }
    }
    let original_text = before.join("\n");
    for id in &ids_after {
        if !ids_before.contains(id) && !original_text.contains(id.as_str()) {
            r.identifiers_altered.push(id.clone());
        }
    }
    Ok(r)
}

/// A needle is recoverable when an original that a marker points to contains it.
fn recoverable(result: &CompressResult, needle: &str) -> bool {
    result.originals.iter().any(|o| o.content.contains(needle))
}

fn tool_texts(body: &str) -> anyhow::Result<Vec<String>> {
    let located = locate(body, None).map_err(|e| user(e.to_string()))?;
    Ok(located.slots.into_iter().filter(|s| s.role == Role::Tool).map(|s| s.text).collect())
}

fn all_texts(body: &str) -> anyhow::Result<String> {
    let located = locate(body, None).map_err(|e| user(e.to_string()))?;
    Ok(located.slots.into_iter().map(|s| s.text).collect::<Vec<_>>().join("\n\u{0}"))
}

/// Identifier shapes whose loss or alteration eval reports: URLs, hex SHAs, `file:line`,
/// absolute paths and long numeric ids.
struct Identifiers(Vec<Regex>);

impl Identifiers {
    fn new() -> anyhow::Result<Self> {
        let pats = [
            r#"https?://[^\s"'<>)\]\\,]+"#,
            r"\b[0-9a-f]{7,64}\b",
            r"\b[\w./-]+\.[A-Za-z]{1,5}:\d+\b",
            r"(?:/[\w.-]+){2,}",
            r"\b\d{6,}\b",
        ];
        let res = pats.iter().map(|p| Regex::new(p)).collect::<Result<Vec<_>, _>>()?;
        Ok(Self(res))
    }

    fn find(&self, text: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for re in &self.0 {
            for m in re.find_iter(text) {
                let s = m.as_str();
                // Hex runs must mix letters and digits to count as a SHA.
                if s.bytes().all(|b| b.is_ascii_hexdigit())
                    && !(s.bytes().any(|b| b.is_ascii_digit()) && s.bytes().any(|b| b.is_ascii_alphabetic()))
                    && s.len() < 6
                {
                    continue;
                }
                out.insert(s.to_owned());
            }
        }
        out
    }
}

fn table(report: &Report) -> String {
    let mut s = String::new();
    s.push_str(&format!("headroom eval — model {} (token-weighted savings)\n\n", report.model));
    s.push_str(&format!(
        "{:<36} {:<7} {:>8} {:>8} {:>7} {:>9} {:>6} {:>5} {:>5} {:>8}\n",
        "case", "kind", "before", "after", "saved", "needles", "recov", "lost", "ids!", "ms"
    ));
    for c in &report.cases {
        s.push_str(&format!(
            "{:<36} {:<7} {:>8} {:>8} {:>6.1}% {:>5}/{:<3} {:>6} {:>5} {:>5} {:>8.1}\n",
            c.id,
            c.kind,
            c.tokens_before,
            c.tokens_after,
            c.saved_pct,
            c.needles_kept,
            c.needles,
            c.needles_recoverable,
            c.needles_lost.len(),
            c.identifiers_lost.len() + c.identifiers_altered.len(),
            c.ms
        ));
    }
    s.push('\n');
    s.push_str(&format!(
        "{:<10} {:>6} {:>9} {:>9} {:>7} {:>12} {:>6} {:>5} {:>5} {:>9}\n",
        "kind", "cases", "before", "after", "saved", "kept", "recov", "lost", "ids!", "ms"
    ));
    let mut rows: Vec<(&str, &Totals)> = report.by_kind.iter().map(|(k, t)| (k.as_str(), t)).collect();
    rows.push(("TOTAL", &report.total));
    for (k, t) in rows {
        s.push_str(&format!(
            "{:<10} {:>6} {:>9} {:>9} {:>6.1}% {:>7}/{:<4} {:>6} {:>5} {:>5} {:>9.1}\n",
            k,
            t.cases,
            t.tokens_before,
            t.tokens_after,
            t.saved_pct,
            t.needles_kept,
            t.needles,
            t.needles_recoverable,
            t.needles_lost,
            t.identifiers_lost + t.identifiers_altered,
            t.ms
        ));
    }
    let lost: Vec<String> =
        report.cases.iter().flat_map(|c| c.needles_lost.iter().map(move |n| format!("  {}: {n:?}", c.id))).collect();
    if !lost.is_empty() {
        s.push_str("\nneedles lost:\n");
        s.push_str(&lost.join("\n"));
        s.push('\n');
    }
    s.push_str("\nkept = verbatim in the compressed messages; recov = only in an original behind a marker;\nids! = identifiers (URLs, SHAs, file:line, paths, numeric ids) lost without a marker or altered.\n");
    s
}
