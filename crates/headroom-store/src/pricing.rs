//! The built-in price table that turns saved tokens into estimated dollars, for `perf` and the
//! dashboard. Prices are list prices in US$ per million tokens at the time of writing; they are
//! estimates, overridable with a JSON file of the same shape (`HEADROOM_PRICES` or `--prices`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ledger::LedgerSummary;

/// US$ per million tokens.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Price {
    /// Uncached input.
    pub input: f64,
    /// Output.
    pub output: f64,
    /// Prompt-cache read.
    pub cache_read: f64,
    /// Prompt-cache write.
    pub cache_write: f64,
}

const fn p(input: f64, output: f64, cache_read: f64, cache_write: f64) -> Price {
    Price { input, output, cache_read, cache_write }
}

/// Model-name prefix → price; the longest matching prefix wins.
const BUILTIN: &[(&str, Price)] = &[
    ("claude-opus-4-5", p(5.0, 25.0, 0.5, 6.25)),
    ("claude-opus-4", p(15.0, 75.0, 1.5, 18.75)),
    ("claude-3-opus", p(15.0, 75.0, 1.5, 18.75)),
    ("claude-sonnet-4", p(3.0, 15.0, 0.3, 3.75)),
    ("claude-3-7-sonnet", p(3.0, 15.0, 0.3, 3.75)),
    ("claude-3-5-sonnet", p(3.0, 15.0, 0.3, 3.75)),
    ("claude-haiku-4", p(1.0, 5.0, 0.1, 1.25)),
    ("claude-3-5-haiku", p(0.8, 4.0, 0.08, 1.0)),
    ("claude-3-haiku", p(0.25, 1.25, 0.03, 0.3)),
    ("claude", p(3.0, 15.0, 0.3, 3.75)),
    ("gpt-5-mini", p(0.25, 2.0, 0.025, 0.25)),
    ("gpt-5-nano", p(0.05, 0.4, 0.005, 0.05)),
    ("gpt-5", p(1.25, 10.0, 0.125, 1.25)),
    ("gpt-4.1-mini", p(0.4, 1.6, 0.1, 0.4)),
    ("gpt-4.1-nano", p(0.1, 0.4, 0.025, 0.1)),
    ("gpt-4.1", p(2.0, 8.0, 0.5, 2.0)),
    ("gpt-4o-mini", p(0.15, 0.6, 0.075, 0.15)),
    ("gpt-4o", p(2.5, 10.0, 1.25, 2.5)),
    ("o4-mini", p(1.1, 4.4, 0.275, 1.1)),
    ("o3-mini", p(1.1, 4.4, 0.55, 1.1)),
    ("o3", p(2.0, 8.0, 0.5, 2.0)),
    ("o1", p(15.0, 60.0, 7.5, 15.0)),
];

/// Prices by model-name prefix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PriceTable(BTreeMap<String, Price>);

impl Default for PriceTable {
    fn default() -> Self {
        Self(BUILTIN.iter().map(|(m, p)| ((*m).to_owned(), *p)).collect())
    }
}

impl PriceTable {
    /// The built-in table with `overrides` (a JSON object `{"prefix": {input, output,
    /// cache_read, cache_write}}`) laid over it.
    pub fn with_overrides(json: &str) -> Result<Self, serde_json::Error> {
        let extra: BTreeMap<String, Price> = serde_json::from_str(json)?;
        let mut t = Self::default();
        t.0.extend(extra);
        Ok(t)
    }

    /// The price for `model` (longest matching prefix, ignoring a `provider/` prefix).
    pub fn lookup(&self, model: &str) -> Option<Price> {
        let m = model.rsplit('/').next().unwrap_or(model).to_ascii_lowercase();
        self.0
            .iter()
            .filter(|(prefix, _)| m.starts_with(prefix.as_str()))
            .max_by_key(|(k, _)| k.len())
            .map(|(_, p)| *p)
    }

    /// Estimated US$ saved: each model's saved tokens at its input price. Models without a
    /// price count nothing.
    pub fn dollars_saved(&self, summary: &LedgerSummary) -> f64 {
        summary
            .by_model
            .iter()
            .filter_map(|m| self.lookup(&m.model).map(|p| m.totals.tokens_saved as f64 * p.input / 1e6))
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_prefix_wins_and_overrides_apply() {
        let t = PriceTable::default();
        assert_eq!(t.lookup("gpt-4o-mini-2024-07-18").map(|p| p.input), Some(0.15));
        assert_eq!(t.lookup("gpt-4o-2024-08-06").map(|p| p.input), Some(2.5));
        assert_eq!(t.lookup("anthropic/claude-sonnet-4-5").map(|p| p.input), Some(3.0));
        assert_eq!(t.lookup("llama-3"), None);
        let o = PriceTable::with_overrides(
            r#"{"llama":{"input":0.1,"output":0.2,"cache_read":0,"cache_write":0}}"#,
        )
        .unwrap();
        assert_eq!(o.lookup("llama-3").map(|p| p.output), Some(0.2));
        assert!(PriceTable::with_overrides("{\"x\": 1}").is_err());
    }
}
