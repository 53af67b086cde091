//! `headroom perf`: the savings summary from the ledger — requests, tokens saved, estimated
//! dollars, cache reads/writes, added latency, by model / transform / project.

use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context as _;
use headroom_store::{Ledger, LedgerOptions, LedgerSummary, PriceTable, Totals};

use crate::cli::{PerfArgs, Since};
use crate::output::{self, user, Paint};

pub(crate) fn run(args: PerfArgs) -> anyhow::Result<ExitCode> {
    let prices = match &args.prices {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| user(format!("cannot read {}: {e}", path.display())))?;
            PriceTable::with_overrides(&text)
                .map_err(|e| user(format!("{} is not a price table: {e}", path.display())))?
        }
        None => PriceTable::default(),
    };
    let ledger = match &args.ledger {
        Some(p) => Ledger::open(p, LedgerOptions::default()),
        None => Ledger::open_default(LedgerOptions::default()),
    }
    .context("opening the savings ledger")?;
    let since = since_ms(args.since);
    let summary = ledger.summary(since).context("reading the savings ledger")?;
    let dollars = prices.dollars_saved(&summary);
    if args.json {
        let mut v = serde_json::to_value(&summary)?;
        if let Some(obj) = v.as_object_mut() {
            obj.insert("dollars_saved_estimate".into(), dollars.into());
            obj.insert("ledger".into(), ledger.path().display().to_string().into());
        }
        output::stdout(&serde_json::to_string_pretty(&v)?);
    } else {
        output::stdout(&render(&summary, dollars, args.since, &ledger.path().display().to_string()));
    }
    Ok(ExitCode::SUCCESS)
}

fn since_ms(since: Since) -> i64 {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0);
    match since {
        Since::Day => now - 24 * 3600 * 1000,
        Since::Week => now - 7 * 24 * 3600 * 1000,
        Since::All => 0,
    }
}

/// 1234567 → "1.23M".
fn human(n: u64) -> String {
    match n {
        0..=9_999 => n.to_string(),
        10_000..=999_999 => format!("{:.1}k", n as f64 / 1e3),
        _ => format!("{:.2}M", n as f64 / 1e6),
    }
}

fn totals_row(name: &str, t: &Totals) -> String {
    format!(
        "  {:<28} {:>7} req  {:>9} → {:>9}  saved {:>9} ({:>5.1}%)\n",
        name,
        t.requests,
        human(t.tokens_before),
        human(t.tokens_after),
        human(t.tokens_saved),
        t.saved_fraction() * 100.0
    )
}

fn render(s: &LedgerSummary, dollars: f64, since: Since, path: &str) -> String {
    let p = Paint::stdout();
    let mut out = String::new();
    let window = match since {
        Since::Day => "last 24 hours",
        Since::Week => "last 7 days",
        Since::All => "all time",
    };
    out.push_str(&format!("{} — {window}  ({})\n\n", p.bold("headroom perf"), p.dim(path)));
    if s.totals.requests == 0 {
        out.push_str(
            "No proxied requests recorded yet. Start one with `headroom proxy` or `headroom wrap claude`.\n",
        );
        return out;
    }
    let t = &s.totals;
    out.push_str(&format!("  requests        {}  ({} errors)\n", t.requests, s.errors));
    out.push_str(&format!(
        "  tokens          {} → {}   saved {}\n",
        human(t.tokens_before),
        human(t.tokens_after),
        p.green(&format!("{} ({:.1}%)", human(t.tokens_saved), t.saved_fraction() * 100.0))
    ));
    out.push_str(&format!(
        "  est. $ saved    {}  (input list prices; see --prices)\n",
        p.green(&format!("${dollars:.2}"))
    ));
    out.push_str(&format!(
        "  provider usage  input {}  output {}  cache read {}  cache write {}\n",
        human(s.usage_input),
        human(s.usage_output),
        human(s.cache_read),
        human(s.cache_write)
    ));
    out.push_str(&format!(
        "  added latency   p50 {:.2} ms  p99 {:.2} ms\n",
        s.latency_p50_us as f64 / 1000.0,
        s.latency_p99_us as f64 / 1000.0
    ));
    out.push_str(&format!("\n{}\n", p.bold("by model")));
    for m in &s.by_model {
        out.push_str(&totals_row(&m.model, &m.totals));
    }
    out.push_str(&format!("\n{}\n", p.bold("by transform")));
    for tr in &s.by_transform {
        out.push_str(&format!("  {:<28} {:>7} req  {:>7} blocks\n", tr.transform, tr.requests, tr.uses));
    }
    if s.by_project.iter().any(|p| p.project.is_some()) {
        out.push_str(&format!("\n{}\n", p.bold("by project")));
        for pr in &s.by_project {
            out.push_str(&totals_row(pr.project.as_deref().unwrap_or("(none)"), &pr.totals));
        }
    }
    out
}
