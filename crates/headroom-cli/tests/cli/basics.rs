//! compress / retrieve / eval and error handling.

use headroom::Marker;

use crate::{repo_root, text, Env};

#[test]
fn compress_seed_then_retrieve_the_original() {
    let env = Env::new();
    let seed = repo_root().join("examples/seed.json");
    let out = env.run(&["compress", seed.to_str().unwrap(), "--model", "gpt-4o"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let messages: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(messages.as_array().unwrap().len(), 5);
    let stderr = text(&out.stderr);
    assert!(stderr.contains("% saved") && stderr.contains("json_crusher"), "{stderr}");
    let tool = messages[3]["content"].as_str().unwrap();
    let marker = Marker::find_all(tool).into_iter().next().expect("a marker");
    let back = env.run(&["retrieve", marker.hash.as_str()], None);
    assert!(back.status.success(), "{}", text(&back.stderr));
    let original = std::fs::read_to_string(&seed).unwrap();
    let original: serde_json::Value = serde_json::from_str(&original).unwrap();
    assert_eq!(text(&back.stdout).trim_end(), original[3]["content"].as_str().unwrap());
}

#[test]
fn compress_reads_stdin_and_prints_result_json() {
    let env = Env::new();
    let seed = std::fs::read_to_string(repo_root().join("examples/seed.json")).unwrap();
    let out = env.run(&["compress", "-", "--result", "--model", "gpt-4o"], Some(&seed));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let r: serde_json::Value = serde_json::from_str(&text(&out.stdout)).unwrap();
    assert!(r["compression_ratio"].as_f64().unwrap() >= 0.85);
    assert_eq!(r["tokens_saved"].as_u64().unwrap(), r["tokens_before"].as_u64().unwrap() - r["tokens_after"].as_u64().unwrap());
    assert_eq!(r["transforms_applied"][0], "json_crusher");
}

#[test]
fn bad_usage_and_input_exit_2_with_one_line() {
    let env = Env::new();
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{not json").unwrap();
    let cases: Vec<Vec<String>> = vec![
        vec!["compress".into(), "--frobnicate".into()],
        vec!["compress".into(), "/no/such/file.json".into()],
        vec!["compress".into(), bad.display().to_string()],
        vec!["retrieve".into(), "nothex".into()],
        vec!["retrieve".into(), "0123456789abcdef01234567".into()],
        vec!["eval".into(), "/no/such/dir".into()],
        vec!["nosuchcommand".into()],
    ];
    for args in cases {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = env.run(&a, None);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: not one line: {err}");
        assert!(err.starts_with("headroom: error:"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn eval_reports_per_case_and_kind() {
    let env = Env::new();
    let dir = tempfile::tempdir().unwrap();
    let corpus = repo_root().join("../shared/corpus");
    for id in ["s_json_vega_cars", "s_log_openssh_login"] {
        std::fs::copy(corpus.join(format!("{id}.json")), dir.path().join(format!("{id}.json"))).unwrap();
    }
    let out = env.run(&["eval", dir.path().to_str().unwrap(), "--json"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let r: serde_json::Value = serde_json::from_str(&text(&out.stdout)).unwrap();
    assert_eq!(r["cases"].as_array().unwrap().len(), 2);
    assert!(r["by_kind"]["json"]["tokens_before"].as_u64().unwrap() > 20_000);
    let total = &r["total"];
    assert_eq!(total["needles"].as_u64().unwrap(), 4 + 5);
    assert_eq!(
        total["needles_kept"].as_u64().unwrap() + total["needles_recoverable"].as_u64().unwrap() + total["needles_lost"].as_u64().unwrap(),
        total["needles"].as_u64().unwrap()
    );
    let human = env.run(&["eval", dir.path().to_str().unwrap()], None);
    let table = text(&human.stdout);
    assert!(table.contains("s_json_vega_cars") && table.contains("TOTAL"), "{table}");
}
