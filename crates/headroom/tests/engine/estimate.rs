//! The fast token estimate used for compressor budgets stays close to exact BPE on real tool
//! output: per block, per line and in aggregate.

use headroom::TokenCounter;
use headroom_testkit::corpus::{default_dir, load};

#[test]
fn estimate_tracks_exact_counts_on_the_corpus() {
    let counter = TokenCounter::for_model("gpt-4o");
    let (mut exact_sum, mut est_sum) = (0usize, 0usize);
    let mut worst: Vec<(f64, String)> = Vec::new();
    let (mut line_exact, mut line_est) = (0usize, 0usize);
    for case in load(&default_dir()) {
        for text in case.tool_outputs().iter().filter(|t| t.len() >= 2000) {
            let (exact, est) = (counter.count(text), counter.estimate(text));
            exact_sum += exact;
            est_sum += est;
            let ratio = est as f64 / exact as f64;
            if std::env::var_os("ESTIMATE_DEBUG").is_some() {
                eprintln!("{:>6.3} {:>8} {} {}", ratio, exact, case.kind, case.id);
            }
            if !(0.7..=1.3).contains(&ratio) {
                worst.push((ratio, format!("{} ({})", case.id, case.kind)));
            }
            for line in text.lines().take(400) {
                line_exact += counter.count(line);
                line_est += counter.estimate(line);
            }
        }
    }
    let total = est_sum as f64 / exact_sum as f64;
    let lines = line_est as f64 / line_exact as f64;
    assert!((0.9..=1.1).contains(&total), "aggregate estimate/exact = {total:.3}");
    assert!((0.85..=1.15).contains(&lines), "per-line estimate/exact = {lines:.3}");
    assert!(worst.is_empty(), "blocks off by more than 30%: {worst:?}");
}
