//! Crusher tests: table form on real snippets, lossless guarantees, never-silent drops, and the
//! corpus targets over every JSON case.

mod keyed;
mod outline;

use headroom_testkit::corpus::{default_dir, load, Case};

use super::JsonCrusher;
use crate::compressors::{Compressor, Context, Mode};
use crate::detect::ContentKind;
use crate::marker::{ContentHash, Marker};
use crate::relevance::Query;
use crate::signals::Signals;
use crate::tokens::TokenCounter;

fn run_mode(text: &str, question: &str, mode: Mode, target_ratio: Option<f64>) -> Option<String> {
    let query = Query::new(question);
    let counter = TokenCounter::for_model("gpt-4o");
    let signals = Signals::new();
    let cx = Context {
        kind: ContentKind::Json,
        query: &query,
        mode,
        counter: &counter,
        signals: &signals,
        hash: ContentHash::of(text),
        target_ratio,
    };
    JsonCrusher.compress(text, &cx).unwrap()
}

fn lossy(text: &str, question: &str) -> String {
    run_mode(text, question, Mode::Lossy, None).unwrap_or_else(|| text.to_owned())
}

fn lossless(text: &str) -> String {
    run_mode(text, "", Mode::Lossless, None).unwrap_or_else(|| text.to_owned())
}

fn tokens(s: &str) -> usize {
    TokenCounter::for_model("gpt-4o").count(s)
}

const CARS: &str = r#"[
   {"Name":"chevrolet chevelle malibu","Miles_per_Gallon":18,"Cylinders":8,"Displacement":307,"Horsepower":130,"Weight_in_lbs":3504,"Acceleration":12,"Year":"1970-01-01","Origin":"USA"},
   {"Name":"buick skylark 320","Miles_per_Gallon":15,"Cylinders":8,"Displacement":350,"Horsepower":165,"Weight_in_lbs":3693,"Acceleration":11.5,"Year":"1970-01-01","Origin":"USA"},
   {"Name":"citroen ds-21 pallas","Miles_per_Gallon":null,"Cylinders":4,"Displacement":133,"Horsepower":115,"Weight_in_lbs":3090,"Acceleration":17.5,"Year":"1970-01-01","Origin":"Europe"},
   {"Name":"ford torino, 500","Miles_per_Gallon":1e1,"Cylinders":8,"Displacement":302,"Horsepower":140,"Weight_in_lbs":3449,"Acceleration":10.50,"Year":"1970-01-01","Origin":"USA"}
]"#;

#[test]
fn flat_array_becomes_a_table_with_verbatim_values() {
    let out = lossless(CARS);
    let expected = "\
[4 items] Name,Miles_per_Gallon,Cylinders,Displacement,Horsepower,Weight_in_lbs,Acceleration,Origin
(every item has {\"Year\":\"1970-01-01\"})
chevrolet chevelle malibu,18,8,307,130,3504,12,USA
buick skylark 320,15,8,350,165,3693,11.5,USA
citroen ds-21 pallas,null,4,133,115,3090,17.5,Europe
\"ford torino, 500\",1e1,8,302,140,3449,10.50,USA";
    assert_eq!(out, expected);
    assert!(Marker::find_all(&out).is_empty());
}

#[test]
fn wrapper_objects_keep_scalars_and_tabulate_inner_arrays() {
    let text = r#"{"total_count": 2, "incomplete_results": false, "items": [
        {"id": 1, "name": "legit", "owner": {"login": "kennethreitz", "id": 119893}, "description": "Git for Humans, Inspired by GitHub for Mac™.", "topics": ["git", "cli"]},
        {"id": 2, "name": "true", "owner": {"login": "pypa", "id": 647025}, "description": null, "topics": []}
    ]}"#;
    let out = lossless(text);
    let expected = "\
total_count: 2
incomplete_results: false
items: [2 items] id,name,owner.login,owner.id,description,topics
  1,legit,kennethreitz,119893,\"Git for Humans, Inspired by GitHub for Mac™.\",[\"git\",\"cli\"]
  2,\"true\",pypa,647025,null,[]";
    assert_eq!(out, expected);
}

#[test]
fn pretty_json_without_arrays_is_at_least_compacted() {
    let text = "{\n    \"kind\": \"PodList\",\n    \"apiVersion\": \"v1\",\n    \"metadata\": {\n        \"resourceVersion\": \"554\"\n    }\n}";
    let out = lossless(text);
    assert!(tokens(&out) < tokens(text));
    assert!(out.contains("PodList") && out.contains("\"554\""), "{out}");
}

#[test]
fn lossless_never_drops_or_marks() {
    let rows: Vec<String> = (0..500)
        .map(|i| format!(r#"{{"title":"Result {i}","snippet":"Description {i}","score":{}}}"#, 100 - i))
        .collect();
    let text = format!(r#"{{"results":[{}]}}"#, rows.join(","));
    let out = lossless(&text);
    assert!(Marker::find_all(&out).is_empty());
    for i in 0..500 {
        assert!(
            out.contains(&format!("Result {i},Description {i},{}\n", 100 - i))
                || out.ends_with(&format!("Result {i},Description {i},{}", 100 - i))
        );
    }
}

#[test]
fn table_beats_compact_json_by_a_third_on_flat_arrays() {
    let case = load(&default_dir()).into_iter().find(|c| c.id == "s_json_vega_cars").unwrap();
    let text = &case.tool_outputs()[0];
    let compact = serde_json::to_string(&serde_json::from_str::<serde_json::Value>(text).unwrap()).unwrap();
    let out = lossless(text);
    let (t, c) = (tokens(&out), tokens(&compact));
    assert!((t as f64) <= 0.65 * c as f64, "table {t} tokens vs compact {c}");
}

#[test]
fn seed_example_top_results() {
    let rows: Vec<String> = (0..500)
        .map(|i| format!(r#"{{"title":"Result {i}","snippet":"Description {i}","score":{}}}"#, 100 - i))
        .collect();
    let text = format!(r#"{{"results":[{}]}}"#, rows.join(","));
    let out = lossy(&text, "What are the top 3 results?");
    let saved = 1.0 - tokens(&out) as f64 / tokens(&text) as f64;
    assert!(saved >= 0.85, "saved {saved:.3}\n{out}");
    for needle in ["Result 0,", "Result 1,", "Result 2,"] {
        assert!(out.contains(needle), "{needle} missing:\n{out}");
    }
    let markers = Marker::find_all(&out);
    assert_eq!(markers.len(), 1);
    let shown = out.lines().filter(|l| l.trim_start().starts_with(|c: char| c.is_ascii_digit())).count();
    assert_eq!(markers[0].count + shown, 500, "{out}");
}

/// On every JSON tool output of the corpus, lossy output reads back to kept items that equal
/// the source items at their stated indices, with every cut counted exactly by its marker.
#[test]
fn lossy_output_is_verbatim_and_counted() {
    for case in load(&default_dir()) {
        for text in case.tool_outputs().iter().filter(|t| crate::detect::detect(t) == ContentKind::Json) {
            let out = lossy(text, &case.question);
            let read = outline::decode(&out).unwrap_or_else(|e| panic!("{}: {e}", case.id));
            let src: serde_json::Value = serde_json::from_str(text).unwrap();
            outline::check(&src, &read, "$").unwrap_or_else(|e| panic!("{}: {e}", case.id));
        }
    }
}

/// Every dropped item is counted by a marker: rows shown + omitted = items in the source.
#[test]
fn drops_are_never_silent() {
    let case = load(&default_dir()).into_iter().find(|c| c.id == "s_json_rubygems_bundler_versions").unwrap();
    let text = &case.tool_outputs()[0];
    let total = serde_json::from_str::<serde_json::Value>(text).unwrap().as_array().unwrap().len();
    let out = lossy(text, &case.question);
    let markers = Marker::find_all(&out);
    assert_eq!(markers.iter().filter(|m| m.unit == "items").count(), 1, "{out}");
    let rows = out.lines().skip(1).filter(|l| !l.starts_with('(') && !l.starts_with("[headroom:")).count();
    assert_eq!(rows + markers[0].count, total);
    let header = out.lines().next().unwrap();
    assert!(header.starts_with(&format!("[{total} items, {rows} shown] #,")), "{header}");
}

#[test]
fn log_lines_in_an_array_keep_errors_and_count_the_rest() {
    let mut lines: Vec<String> = (0..1000)
        .map(|i| format!("2024-05-01T10:{:02}:{:02} INFO worker {i} heartbeat ok", i / 60 % 60, i % 60))
        .collect();
    lines[417] = "2024-05-01T10:06:57 ERROR worker 417 connection refused by db-2:5432".into();
    lines[903] = "2024-05-01T10:15:03 WARN worker 903 retrying".into();
    let text = serde_json::json!({ "job": "sync", "logs": lines }).to_string();
    let out = lossy(&text, "why did the sync job fail?");
    assert!(out.contains("ERROR worker 417 connection refused by db-2:5432"), "{out}");
    let markers = Marker::find_all(&out);
    assert_eq!(markers.len(), 1, "{out}");
    let shown = out.lines().filter(|l| l.trim_start().starts_with("- #")).count();
    assert_eq!(shown + markers[0].count, 1000);
    assert!(out.starts_with("job: sync\nlogs: [1000 items, "), "{out}");
}

#[test]
fn blobs_and_value_free_schemas_are_marked_only_when_lossy() {
    let blob = "QUJD".repeat(200);
    let schema: serde_json::Map<String, serde_json::Value> =
        (0..30).map(|i| (format!("f:field{i}"), serde_json::json!({}))).collect();
    let text = serde_json::json!({
        "name": "report.pdf",
        "data": format!("data:application/pdf;base64,{blob}"),
        "managedFields": { "fieldsV1": schema },
    })
    .to_string();
    let lossy_out = lossy(&text, "");
    assert!(!lossy_out.contains(&blob), "{lossy_out}");
    let markers = Marker::find_all(&lossy_out);
    assert_eq!(markers.iter().map(|m| m.unit).collect::<Vec<_>>(), ["chars", "keys"], "{lossy_out}");
    assert_eq!(markers[1].count, 31); // `fieldsV1` and its 30 keys
    assert!(lossy_out.contains("name: report.pdf"));
    let exact = lossless(&text);
    assert!(exact.contains(&blob) && exact.contains("f:field29") && Marker::find_all(&exact).is_empty());
}

#[test]
fn long_log_strings_keep_their_telling_lines() {
    let mut log: Vec<String> =
        (0..400).map(|i| format!("[{i:04}] step {i} ok, took {} ms", 10 + i % 7)).collect();
    log[233] = "[0233] ERROR: checksum mismatch in chunk 0x7f3a (expected 91ac, got 0000)".into();
    let text = serde_json::json!({ "exit_code": 1, "stdout": log.join("\n") }).to_string();
    let out = lossy(&text, "why did it fail?");
    assert!(
        out.contains("[0233] ERROR: checksum mismatch in chunk 0x7f3a (expected 91ac, got 0000)"),
        "{out}"
    );
    assert!(out.contains("[0000] step 0 ok") && out.contains("[0399] step 399 ok"), "{out}");
    let cut: usize = Marker::find_all(&out).iter().filter(|m| m.unit == "lines").map(|m| m.count).sum();
    let shown = out.matches("\\n").count() + 1 - Marker::find_all(&out).len();
    assert_eq!(cut + shown, 400, "{out}");
    assert!(tokens(&out) * 3 < tokens(&text));
    assert!(lossless(&text).contains(&log[200]));
}

/// The rules fire for the reasons they claim, on the real cars table.
#[test]
fn priorities_name_their_reasons() {
    let case = load(&default_dir()).into_iter().find(|c| c.id == "s_json_vega_cars").unwrap();
    let text = &case.tool_outputs()[0];
    let root = super::parse::parse(text).unwrap();
    let super::parse::Node::Arr(items) = &root else { panic!("cars is an array") };
    let query = Query::new(&case.question);
    let counter = TokenCounter::for_model("gpt-4o");
    let signals = Signals::new();
    let cx = Context {
        kind: ContentKind::Json,
        query: &query,
        mode: Mode::Lossy,
        counter: &counter,
        signals: &signals,
        hash: ContentHash::of(text),
        target_ratio: None,
    };
    let refs: Vec<&super::parse::Node<'_>> = items.iter().collect();
    let scores = super::priority::priorities(&refs, None, &cx, 40);
    let name = |i: usize| items[i].get("Name").and_then(|n| n.scalar_text()).unwrap();
    let why = |wanted: &str| -> Vec<&str> {
        (0..items.len()).filter(|&i| scores.why[i] == wanted).map(name).collect()
    };
    // Highest horsepower, best and worst MPG (the question names both columns).
    for car in ["pontiac grand prix", "mazda glc", "hi 1200d"] {
        assert!(why("extreme").contains(&car), "{car}: {:?}", why("extreme"));
    }
    // The first car with no MPG at all.
    assert_eq!(why("null").first(), Some(&"citroen ds-21 pallas"));
    assert!(scores.p.iter().filter(|p| **p >= super::priority::FORCED).count() <= 15);
}

/// Forty CI runs, one failed: the failure, the run the question names, and both ends stay.
#[test]
fn failures_and_named_items_survive_the_cut() {
    let runs: Vec<serde_json::Value> = (0..40)
        .map(|i| {
            serde_json::json!({
                "id": 2802600100u64 + i,
                "name": if i % 2 == 0 { "Lint" } else { "Tests" },
                "head_sha": format!("{:040x}", 0xabcdef_u64 * (i + 1)),
                "conclusion": if i == 23 { "failure" } else { "success" },
                "html_url": format!("https://github.com/o/r/actions/runs/{}", 2802600100u64 + i),
                "run_attempt": 1,
            })
        })
        .collect();
    let text = serde_json::json!({ "total_count": 40, "workflow_runs": runs }).to_string();
    let out = lossy(&text, "Did anything fail? Also show run 2802600107.");
    for must in ["2802600123", "failure", "2802600107", "2802600100", "2802600139"] {
        assert!(out.contains(must), "{must} missing:\n{out}");
    }
    let m = Marker::find_all(&out);
    assert_eq!(m.len(), 1);
    let shown = out
        .lines()
        .filter(|l| l.starts_with("  ") && !l.contains("[headroom:") && !l.starts_with("  ("))
        .count();
    assert_eq!(shown + m[0].count, 40, "{out}");
}

#[test]
fn deterministic() {
    let case = load(&default_dir()).into_iter().find(|c| c.id == "s_json_github_commits_eslint").unwrap();
    let text = &case.tool_outputs()[0];
    assert_eq!(lossy(text, &case.question), lossy(text, &case.question));
}

#[test]
fn target_ratio_makes_it_more_aggressive() {
    let case = load(&default_dir()).into_iter().find(|c| c.id == "s_json_vega_cars").unwrap();
    let text = &case.tool_outputs()[0];
    let default = run_mode(text, "", Mode::Lossy, None).unwrap();
    let gentle = run_mode(text, "", Mode::Lossy, Some(0.5)).unwrap();
    assert!(tokens(&gentle) > tokens(&default));
}

/// Per-case savings and needles on the corpus; returns (before, after, kept, recoverable, lost,
/// after in lossless mode).
fn measure(case: &Case) -> (usize, usize, usize, usize, usize, usize) {
    let (mut before, mut after, mut exact) = (0, 0, 0);
    let mut outs = Vec::new();
    let outputs = case.tool_outputs();
    for text in &outputs {
        let out = if crate::detect::detect(text) == ContentKind::Json {
            lossy(text, &case.question)
        } else {
            text.clone()
        };
        before += tokens(text);
        after += tokens(&out);
        exact += tokens(&if crate::detect::detect(text) == ContentKind::Json {
            lossless(text)
        } else {
            text.clone()
        });
        outs.push(out);
    }
    let (mut kept, mut rec, mut lost) = (0, 0, 0);
    for needle in &case.needles {
        if outs.iter().any(|o| o.contains(needle.as_str())) {
            kept += 1;
        } else if outputs
            .iter()
            .zip(&outs)
            .any(|(t, o)| t.contains(needle.as_str()) && !Marker::find_all(o).is_empty())
        {
            rec += 1;
        } else {
            lost += 1;
        }
    }
    (before, after, kept, rec, lost, exact)
}

#[test]
fn corpus_json_cases_meet_targets() {
    let cases: Vec<Case> = load(&default_dir()).into_iter().filter(|c| c.kind == "json").collect();
    assert_eq!(cases.len(), 9);
    let (mut before, mut after, mut kept, mut rec, mut lost) = (0, 0, 0, 0, 0);
    for case in &cases {
        let (b, a, k, r, l, x) = measure(case);
        eprintln!(
            "{:34} {:>6} -> {:>5} tokens ({:4.1}% saved; lossless {:4.1}%)  needles kept {k} recoverable {r} lost {l}",
            case.id,
            b,
            a,
            100.0 * (1.0 - a as f64 / b as f64),
            100.0 * (1.0 - x as f64 / b as f64)
        );
        before += b;
        after += a;
        kept += k;
        rec += r;
        lost += l;
    }
    let saved = 1.0 - after as f64 / before as f64;
    let total = kept + rec + lost;
    eprintln!("TOTAL {before} -> {after} ({:.1}% saved); needles {kept}/{total} verbatim, {rec} recoverable, {lost} lost", 100.0 * saved);
    assert!(saved >= 0.75, "saved {saved:.3}");
    assert_eq!(lost, 0);
    assert!(kept as f64 >= 0.9 * total as f64, "verbatim {kept}/{total}");
}

/// Reading the lossless output back gives the source value, for every JSON tool output in the
/// corpus and for awkward hand-made documents.
#[test]
fn lossless_output_reads_back_to_the_source() {
    let mut docs: Vec<String> = load(&default_dir())
        .iter()
        .flat_map(Case::tool_outputs)
        .filter(|t| crate::detect::detect(t) == ContentKind::Json)
        .collect();
    docs.extend(
        [
            CARS,
            r##"[{"a":"x: y","b":"1.5"},{"a":"NaN","b":""},{"a":" lead","b":"trail "},{"a":"#3","b":"- dash"}]"##,
            r#"["a: b","plain","x:",{"k":1},[1,2],[{"q":1},{"q":2}],[],{},"-","[3 items]"]"#,
            r#"{"kubernetes.io/config.hash":"a","x":[{"kubernetes.io/x":1,"y":2},{"kubernetes.io/x":1,"y":3},{"kubernetes.io/x":1,"y":4}]}"#,
            r#"[{"a":{"b":{"c":1}},"d":null},{"a":{"b":{"c":2}}},{"a":{"b":{"c":3},"e":[]},"d":"z"}]"#,
            r##"{"":1,"a,b":[{"#":1,"c\"d":"e\\f"},{"#":2,"c\"d":"\u00e9"}],"nested":{"deep":{"deeper":[{"x":1},{"y":2}]}}}"##,
            r#"[[{"a":1,"b":2},{"a":3,"b":4}],[{"a":5,"b":6}]]"#,
            r#"{"x":[{"a":1},{},{"a":2}],"y":[{"a":1,"b":1},{"a":1,"b":1},{"a":1,"b":1}]}"#,
            // Keyed maps read as tables: keys that need quoting in the key column.
            r##"{"m":{"a, b":{"v":1,"w":"x"},"":{"v":2,"w":"y"},"[1]":{"v":3,"w":"z"},"(p)":{"v":4,"w":"q"},"#":{"v":5,"w":"r"},"-":{"v":6,"w":"s"},"x\"y":{"v":7,"w":"t"},"12":{"v":8,"w":"u"},"null":{"v":9,"w":"v"}}}"##,
            r#"{"k1":{"a":1,"b":[1]},"k2":{"a":2,"b":[]},"k3":{"a":3},"k4":{"a":4},"k5":{"a":5},"k6":{"a":6},"k7":{"a":7},"k8":{"a":8,"b":{"c":1}}}"#,
        ]
        .map(str::to_owned),
    );
    let query = Query::new("");
    let counter = TokenCounter::for_model("gpt-4o");
    let signals = Signals::new();
    let plan = super::select::Plan::default();
    for doc in &docs {
        let cx = Context {
            kind: ContentKind::Json,
            query: &query,
            mode: Mode::Lossless,
            counter: &counter,
            signals: &signals,
            hash: ContentHash::of(doc),
            target_ratio: None,
        };
        let root = super::parse::parse(doc).unwrap();
        let outline = super::render::Renderer { cx: &cx, plan: &plan }.document(&root);
        let want: serde_json::Value = serde_json::from_str(doc).unwrap();
        for out in [outline, lossless(doc)] {
            let back = outline::decode(&out).unwrap_or_else(|e| panic!("{e}\n---\n{out}"));
            assert_eq!(back, want, "\n---\n{out}");
        }
    }
}

/// A small deterministic generator of awkward JSON (xorshift; no dependency needed).
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'s>(&mut self, xs: &[&'s str]) -> &'s str {
        xs[(self.next() % xs.len() as u64) as usize]
    }

    fn scalar(&mut self) -> serde_json::Value {
        let strings = [
            "plain",
            "a, b",
            "x: y",
            "",
            " pad ",
            "true",
            "12",
            "1e3",
            "NaN",
            "-",
            "#1",
            "[1 item]",
            "é ü 中",
            "line\nbreak",
            "quote\"d",
            "back\\slash",
            "ERROR: disk full",
            "{not json",
            "(paren",
            "- dash",
        ];
        match self.next() % 6 {
            0 => serde_json::Value::Null,
            1 => serde_json::Value::Bool(self.next().is_multiple_of(2)),
            2 => serde_json::json!(self.next() % 1000),
            3 => serde_json::json!((self.next() % 10000) as f64 / 8.0),
            _ => serde_json::Value::String(self.pick(&strings).to_owned()),
        }
    }

    fn value(&mut self, depth: u32) -> serde_json::Value {
        let keys = ["id", "name", "a.b", "x,y", "", "#", "k:v", "owner", "-k", "n"];
        match (depth, self.next() % 5) {
            (0, _) | (_, 0) => self.scalar(),
            (_, 1 | 2) => {
                // Arrays of similar objects: the table path; long ones get cut when lossy.
                let n = if self.next().is_multiple_of(3) { 60 + self.next() % 200 } else { self.next() % 40 };
                let shape: Vec<&str> = (0..1 + self.next() % 5).map(|_| self.pick(&keys)).collect();
                (0..n)
                    .map(|_| {
                        let mut o = serde_json::Map::new();
                        for k in &shape {
                            if !self.next().is_multiple_of(7) {
                                let deep = n < 40 && self.next().is_multiple_of(4);
                                let v = if deep { self.value(depth - 1) } else { self.scalar() };
                                o.insert((*k).to_owned(), v);
                            }
                        }
                        serde_json::Value::Object(o)
                    })
                    .collect()
            }
            (_, 3) => (0..self.next() % 6).map(|_| self.value(depth - 1)).collect(),
            _ if self.next().is_multiple_of(3) => self.map(depth),
            _ => {
                let mut o = serde_json::Map::new();
                for _ in 0..self.next() % 6 {
                    o.insert(self.pick(&keys).to_owned(), self.value(depth - 1));
                }
                serde_json::Value::Object(o)
            }
        }
    }
}

impl Gen {
    /// A keyed map: many entries under awkward data keys, values records of one shape (some
    /// nested) or strings; long ones get cut when lossy.
    fn map(&mut self, depth: u32) -> serde_json::Value {
        let keys = [
            "pkg",
            "a, b",
            "",
            "x)",
            "[1 item]",
            "(paren",
            "- dash",
            "#h",
            "k:v",
            " pad",
            "q\"d",
            "é/ü",
            "[headroom: x]",
        ];
        let fields = ["version", "license", "a.b", "x,y", "", "path"];
        let n = 8 + self.next() % if self.next().is_multiple_of(2) { 120 } else { 20 };
        let scalars = self.next().is_multiple_of(4);
        let mut o = serde_json::Map::new();
        for i in 0..n {
            let key = format!(
                "{}{}",
                self.pick(&keys),
                if self.next().is_multiple_of(9) { String::new() } else { i.to_string() }
            );
            let v = if scalars {
                serde_json::Value::String(format!(
                    "{} {i}",
                    self.pick(&["v", "ERROR: disk full", "1.0.0", "a, b"])
                ))
            } else {
                let mut r = serde_json::Map::new();
                for f in fields.iter().take(2 + (self.next() % 4) as usize) {
                    let deep = depth > 1 && self.next().is_multiple_of(6);
                    r.insert((*f).to_owned(), if deep { self.value(depth - 1) } else { self.scalar() });
                }
                serde_json::Value::Object(r)
            };
            o.insert(key, v);
        }
        serde_json::Value::Object(o)
    }
}

#[test]
fn generated_documents_round_trip_and_never_fail() {
    let mut g = Gen(0x9e37_79b9_7f4a_7c15);
    let (mut cuts, mut map_cuts) = (0, 0);
    for _ in 0..100 {
        let doc = g.value(3);
        let text = if g.next().is_multiple_of(2) {
            doc.to_string()
        } else {
            serde_json::to_string_pretty(&doc).unwrap()
        };
        let out = lossless(&text);
        let back = outline::decode(&out).unwrap_or_else(|e| panic!("{e}\n--- {text}\n---\n{out}"));
        assert_eq!(back, doc, "\n--- {text}\n---\n{out}");
        let cut = lossy(&text, "which name has ERROR?");
        assert_eq!(cut, lossy(&text, "which name has ERROR?"));
        let read = outline::decode(&cut).unwrap_or_else(|e| panic!("{e}\n--- {text}\n---\n{cut}"));
        outline::check(&doc, &read, "$").unwrap_or_else(|e| panic!("{e}\n---\n{cut}"));
        cuts += usize::from(!Marker::find_all(&cut).is_empty());
        map_cuts += usize::from(Marker::find_all(&cut).iter().any(|m| m.unit == "entries"));
    }
    assert!(cuts >= 10, "only {cuts} documents were cut");
    assert!(map_cuts >= 5, "only {map_cuts} documents had a map cut");
}
