//! Unit tests on real log snippets, and the corpus test over every log case.

use super::*;
use crate::compressors::testing::run;
use crate::compressors::Mode;
use crate::detect::{detect, ContentKind};
use crate::marker::{ContentHash, Marker};
use crate::relevance::Query;
use crate::signals::Signals;
use crate::tokens::TokenCounter;

fn compress(text: &str, question: &str) -> String {
    run(&LogCompressor, ContentKind::Log, text, question).unwrap_or_else(|| text.to_owned())
}

/// Kept lines plus the counts of every marker add up to the input's line count, and every kept
/// line is an input line, in order.
fn assert_accounted(input: &str, output: &str) {
    let lines: Vec<&str> = input.lines().collect();
    let body = output.split("\nLine templates (").next().unwrap_or(output);
    let mut at = 0usize;
    for l in body.lines().map(|l| l.trim_end_matches('\r')) {
        if let Some(m) = Marker::find_all(l).first() {
            at += m.count;
            continue;
        }
        let found = lines.iter().skip(at).position(|x| *x == l);
        let Some(off) = found else { panic!("kept line not in input order: {l:?}") };
        assert_eq!(off, 0, "a line was dropped without a marker before {l:?}");
        at += 1;
    }
    assert_eq!(at, lines.len(), "marker counts + kept lines != total lines");
}

/// The first `n` lines of a corpus case's first tool output (real logs; read, never copied).
fn corpus_head(id: &str, n: usize) -> String {
    let cases = headroom_testkit::corpus::load(&headroom_testkit::corpus::default_dir());
    let case = cases.iter().find(|c| c.id == id).unwrap_or_else(|| panic!("corpus case {id}"));
    let text = case.tool_outputs().into_iter().next().unwrap_or_default();
    text.lines().take(n).map(|l| format!("{l}\n")).collect()
}

#[test]
fn apache_templates_collapse_with_exact_counts() {
    let apache = corpus_head("s_log_apache_errors", 600);
    let out = compress(&apache, "");
    assert_accounted(&apache, &out);
    let state6 = apache.lines().filter(|l| l.ends_with("in error state 6")).count();
    let notice = apache.lines().filter(|l| l.contains("workerEnv.init() ok")).count();
    assert!(
        out.contains(&format!(
            "[x{notice}] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties"
        )),
        "{out}"
    );
    // The state slot is numeric: the digest shows its range, the first state-10 line is kept.
    assert!(state6 > 10);
    assert!(out.contains("[error] mod_jk child workerEnv in error state <6..10>"), "{out}");
    assert!(
        out.contains("[Sun Dec 04 06:46:34 2005] [error] mod_jk child workerEnv in error state 10"),
        "{out}"
    );
    // Rare error kinds stay verbatim.
    assert!(out.contains("[Sun Dec 04 05:15:09 2005] [error] [client 222.166.160.184] Directory index forbidden by rule: /var/www/html/"));
    assert!(out.len() * 3 < apache.len());
}

#[test]
fn openssh_keeps_the_one_success_among_failures() {
    let ssh = corpus_head("s_log_openssh_login", 1000);
    let out = compress(&ssh, "Did any login succeed?");
    assert_accounted(&ssh, &out);
    assert!(out.contains(
        "Dec 10 09:32:20 LabSZ sshd[24680]: Accepted password for fztu from 119.137.62.142 port 49116 ssh2"
    ));
    assert!(out.contains("Disconnecting: Too many authentication failures for root [preauth]"));
    assert!(out.len() * 2 < ssh.len());
}

#[test]
fn python_traceback_kept_whole() {
    let mut text = String::new();
    for i in 0..60 {
        text.push_str(&format!(
            "2024-01-02 10:00:{:02} INFO worker: processed job {i} in {} ms\n",
            i % 60,
            10 + i % 7
        ));
    }
    text.push_str(
        "2024-01-02 10:01:00 ERROR worker: job 61 crashed\nTraceback (most recent call last):\n  File \"/app/worker.py\", line 12, in run\n    result = handle(job)\n  File \"/app/handlers.py\", line 88, in handle\n    return table[job.kind]\nKeyError: 'resize'\n",
    );
    for i in 62..120 {
        text.push_str(&format!(
            "2024-01-02 10:02:{:02} INFO worker: processed job {i} in {} ms\n",
            i % 60,
            10 + i % 7
        ));
    }
    let out = compress(&text, "");
    assert_accounted(&text, &out);
    for l in text.lines().skip(60).take(7) {
        assert!(out.contains(l), "missing trace line {l:?}\n{out}");
    }
    assert!(out.contains("[x118] INFO worker: processed job <0..119> in <10..16> ms"), "{out}");
}

#[test]
fn lossless_leaves_logs_alone() {
    let apache = corpus_head("s_log_apache_errors", 600);
    let query = Query::new("");
    let counter = TokenCounter::for_model("gpt-4o");
    let signals = Signals::new();
    let cx = Context {
        kind: ContentKind::Log,
        query: &query,
        mode: Mode::Lossless,
        counter: &counter,
        signals: &signals,
        hash: ContentHash::of(&apache),
        target_ratio: None,
    };
    assert_eq!(LogCompressor.compress(&apache, &cx), Ok(None));
}

#[test]
fn deterministic() {
    let ssh = corpus_head("s_log_openssh_login", 1900);
    assert_eq!(compress(&ssh, "which user"), compress(&ssh, "which user"));
}

#[test]
fn cargo_build_keeps_the_error_diagnostic_and_dedups_warnings() {
    let mut text = String::new();
    for (i, krate) in
        ["libc", "proc-macro2", "unicode-ident", "quote", "syn", "serde_derive", "serde", "itoa", "ryu"]
            .iter()
            .cycle()
            .take(60)
            .enumerate()
    {
        text.push_str(&format!("   Compiling {krate} v1.{i}.{}\n", i % 7));
    }
    for (i, name) in ["a", "b", "c", "d", "e", "f", "g", "h", "k", "m", "n", "p"].iter().enumerate() {
        text.push_str(&format!(
            "warning: unused variable: `{name}`\n  --> src/m{i}.rs:{}:9\n   |\n{} |     let {name} = {i};\n   |         ^ help: if this is intentional, prefix it with an underscore: `_{name}`\n\n",
            10 + i,
            10 + i
        ));
    }
    text.push_str(
        "error[E0308]: mismatched types\n --> src/main.rs:4:18\n  |\n4 |     let n: u32 = \"five\";\n  |            ---   ^^^^^^ expected `u32`, found `&str`\n  |            |\n  |            expected due to this\n\nFor more information about this error, try `rustc --explain E0308`.\nwarning: `app` (bin \"app\") generated 12 warnings\nerror: could not compile `app` (bin \"app\") due to 1 previous error; 12 warnings emitted\n",
    );
    let out = compress(&text, "why does the build fail?");
    assert_accounted(&text, &out);
    for l in [
        "error[E0308]: mismatched types",
        " --> src/main.rs:4:18",
        "4 |     let n: u32 = \"five\";",
        "  |            ---   ^^^^^^ expected `u32`, found `&str`",
        "warning: unused variable: `a`",
        "  --> src/m0.rs:10:9",
        "error: could not compile `app` (bin \"app\") due to 1 previous error; 12 warnings emitted",
    ] {
        assert!(out.lines().any(|o| o == l), "missing {l:?}\n{out}");
    }
    assert!(out.contains("[x12] warning: unused variable: <*>"), "{out}");
    assert!(out.contains("[x60] Compiling <*> v<*>"), "{out}");
}

/// `cargo build -vv`: every `Running` command line carries `--error-format=json` and
/// `--cap-lints warn` inside kilobytes of flags. Those words name options; they must not make
/// the command lines must-keep errors that crowd out the real diagnostics.
#[test]
fn verbose_command_lines_do_not_crowd_out_the_errors() {
    let mut text = String::new();
    let crates =
        ["libc", "memchr", "itoa", "ryu", "serde", "log", "bitflags", "cfg-if", "once_cell", "smallvec"];
    for (i, krate) in crates.iter().cycle().take(50).enumerate() {
        let flags: String = (0..30 + i % 11).map(|j| format!(" --cfg 'feature=\"f{j}\"'")).collect();
        text.push_str(&format!("   Compiling {krate} v0.{i}.{}\n", i % 5));
        text.push_str(&format!(
            "     Running `CARGO_PKG_NAME={krate} rustc --crate-name {krate} --edition=2021 src/lib.rs --error-format=json --json=diagnostic-rendered-ansi --crate-type lib -C opt-level=0{flags} -C metadata=9f{i:02}a -L dependency=/w/target/debug/deps --cap-lints warn`\n"
        ));
    }
    text.push_str("   Compiling shop v0.1.0 (/w/shop)\n");
    text.push_str(
        "error[E0599]: no method named `totl` found for struct `Cart` in the current scope\n  --> src/cart.rs:41:14\n   |\n41 |     cart.totl()\n   |          ^^^^ help: there is a method with a similar name: `total`\n\nerror[E0061]: this function takes 2 arguments but 1 argument was supplied\n  --> src/main.rs:9:5\n   |\n9  |     checkout(cart);\n   |     ^^^^^^^^------ argument #2 of type `Tax` is missing\n\nSome errors have detailed explanations: E0061, E0599.\nerror: could not compile `shop` (bin \"shop\") due to 2 previous errors\n",
    );
    let out = compress(&text, "Which errors broke the build, with file and line?");
    assert_accounted(&text, &out);
    for l in [
        "error[E0599]: no method named `totl` found for struct `Cart` in the current scope",
        "  --> src/cart.rs:41:14",
        "error[E0061]: this function takes 2 arguments but 1 argument was supplied",
        "  --> src/main.rs:9:5",
        "error: could not compile `shop` (bin \"shop\") due to 2 previous errors",
    ] {
        assert!(out.lines().any(|o| o == l), "missing {l:?}\n{out}");
    }
    let counter = TokenCounter::for_model("gpt-4o");
    let (before, after) = (counter.count(&text), counter.count(&out));
    assert!(after * 5 < before, "{after} of {before} tokens kept");
}

/// A compiler's diagnostics among verbose progress lines (`[checking ...]`, `make: ***`):
/// each error, its source excerpt and the failed make target survive.
#[test]
fn compiler_errors_among_progress_lines() {
    let mut text = String::from("javac -verbose -d out $(find src -name '*.java')\n");
    for i in 0..150 {
        text.push_str(&format!(
            "[parsing started SimpleFileObject[/w/src/app/Part{i}.java]]\n[parsing completed {}ms]\n",
            i % 17
        ));
    }
    for i in 0..150 {
        text.push_str(&format!("[checking app.Part{i}]\n[wrote out/app/Part{i}.class]\n"));
        if i == 90 {
            text.push_str("src/app/Part90.java:27: error: incompatible types: String cannot be converted to int\n        int port = config.get(\"port\");\n                             ^\n");
        }
    }
    text.push_str("[total 4210ms]\n1 error\nmake: *** [Makefile:12: build/app.stamp] Error 1\n");
    assert_eq!(detect(&text), ContentKind::Log);
    let out = compress(&text, "Why did the build fail?");
    assert_accounted(&text, &out);
    for l in [
        "src/app/Part90.java:27: error: incompatible types: String cannot be converted to int",
        "        int port = config.get(\"port\");",
        "make: *** [Makefile:12: build/app.stamp] Error 1",
    ] {
        assert!(out.lines().any(|o| o == l), "missing {l:?}\n{out}");
    }
    assert!(out.contains("[x150] [checking app.Part<0..149>]"), "{out}");
}

/// dpkg output has no timestamps or levels, only repeated verbs: it is a log, it collapses by
/// template with exact counts, and the lines of a template the question names stay.
#[test]
fn package_manager_output_collapses_by_template() {
    let mut text = String::from("Log started: 2031-03-02  09:14:07\n");
    let pkgs: Vec<String> =
        (0..120).map(|i| format!("lib{}{}", ["foo", "bar", "baz", "qux"][i % 4], i)).collect();
    for (i, p) in pkgs.iter().enumerate() {
        text.push_str(&format!(
            "Selecting previously unselected package {p}:amd64.\nPreparing to unpack .../{i:03}-{p}_{}.{}-{}_amd64.deb ...\nUnpacking {p}:amd64 ({}.{}-{}) ...\n",
            i % 5, i % 9, i % 3 + 1, i % 5, i % 9, i % 3 + 1
        ));
    }
    for (i, p) in pkgs.iter().enumerate() {
        text.push_str(&format!("Setting up {p}:amd64 ({}.{}-{}) ...\n", i % 5, i % 9, i % 3 + 1));
    }
    text.push_str("Processing triggers for libc-bin (2.36-9) ...\nLog ended: 2031-03-02  09:15:40\n\nLog started: 2031-03-09  17:02:51\n");
    for p in ["oldtool", "oldtool-data", "libold3:amd64"] {
        text.push_str(&format!("Removing {p} (1.4-2) ...\n"));
    }
    text.push_str("Processing triggers for man-db (2.11.2-2) ...\nLog ended: 2031-03-09  17:02:55\n");
    assert_eq!(detect(&text), ContentKind::Log);
    let out = compress(&text, "Which packages were removed, and when?");
    assert_accounted(&text, &out);
    assert!(out.contains("[x120] Setting up <*> <*> ..."), "{out}");
    for l in [
        "Removing oldtool (1.4-2) ...",
        "Removing libold3:amd64 (1.4-2) ...",
        "Log started: 2031-03-09  17:02:51",
    ] {
        assert!(out.lines().any(|o| o == l), "missing {l:?}\n{out}");
    }
    assert!(out.len() * 5 < text.len(), "{} of {}", out.len(), text.len());
}

/// Long error lines (a dumped payload each) must not use up the room that many short error
/// lines need: within a priority, lines of ordinary length are admitted first.
#[test]
fn long_lines_wait_behind_short_ones() {
    let mut text = String::new();
    for i in 0..400 {
        text.push_str(&format!("2031-05-06 10:{:02}:{:02} INFO sync: batch {i} stored\n", i / 60, i % 60));
    }
    for i in 0..40 {
        let payload: String = (0..60 + i % 9).map(|j| format!("\"k{j}\":{}, ", j * i)).collect();
        text.push_str(&format!(
            "2031-05-06 11:00:{:02} ERROR sync: rejected batch {i} payload={{{payload}}}\n",
            i % 60
        ));
    }
    let short: Vec<String> = (0..10)
        .flat_map(|i| {
            [
                format!("ERROR disk: quota exceeded on /dev/sd{i}"),
                format!("ERROR net: link down on eth{i}"),
                format!("ERROR db: replica r{i} lagging"),
            ]
        })
        .collect();
    for (i, l) in short.iter().enumerate() {
        text.push_str(&format!("2031-05-06 11:01:{i:02} {l}\n"));
    }
    for i in 0..20 {
        text.push_str(&format!("2031-05-06 11:02:{i:02} INFO sync: idle\n"));
    }
    let out = compress(&text, "");
    assert_accounted(&text, &out);
    for l in &short {
        assert!(out.contains(l.as_str()), "{l} missing\n{out}");
    }
}

#[test]
fn pytest_failure_section_and_summary_survive() {
    let mut text = String::from(
        "============================= test session starts ==============================\nplatform linux -- Python 3.11.4, pytest-7.4.0, pluggy-1.2.0\nrootdir: /work/app\ncollected 240 items\n\n",
    );
    for i in 0..240 {
        let verdict = if i == 117 { "FAILED" } else { "PASSED" };
        text.push_str(&format!(
            "tests/test_parser.py::test_case_{i:03} {verdict} [{:>3}%]\n",
            (i + 1) * 100 / 240
        ));
    }
    text.push_str(
        "\n=================================== FAILURES ===================================\n______________________________ test_case_117 _______________________________\n\n    def test_case_117():\n>       assert parse(\"a,,b\") == [\"a\", \"\", \"b\"]\nE       AssertionError: assert ['a', 'b'] == ['a', '', 'b']\nE         At index 1 diff: 'b' != ''\n\ntests/test_parser.py:236: AssertionError\n=========================== short test summary info ============================\nFAILED tests/test_parser.py::test_case_117 - AssertionError: assert ['a', 'b'] == ['a', '', 'b']\n======================== 1 failed, 239 passed in 2.31s =========================\n",
    );
    let out = compress(&text, "which test failed and why?");
    assert_accounted(&text, &out);
    for l in [
        "tests/test_parser.py::test_case_117 FAILED [ 49%]",
        "E       AssertionError: assert ['a', 'b'] == ['a', '', 'b']",
        "tests/test_parser.py:236: AssertionError",
        "FAILED tests/test_parser.py::test_case_117 - AssertionError: assert ['a', 'b'] == ['a', '', 'b']",
        "======================== 1 failed, 239 passed in 2.31s =========================",
    ] {
        assert!(out.lines().any(|o| o == l), "missing {l:?}\n{out}");
    }
    assert!(out.contains("[x238] tests/test_parser.py::test_case_<000..238> PASSED [ <0..99>%]"), "{out}");
    assert!(out.len() * 3 < text.len(), "{} of {}", out.len(), text.len());
}

#[test]
fn repeated_java_trace_kept_once_and_counted() {
    let trace = "\tat com.acme.db.Pool.acquire(Pool.java:88)\n\tat com.acme.db.Repo.find(Repo.java:41)\n\tat com.acme.api.UserHandler.get(UserHandler.java:27)\n\tat java.base/java.lang.Thread.run(Thread.java:833)\n";
    let mut text = String::new();
    for i in 0..200 {
        let s = i % 60;
        text.push_str(&format!(
            "2024-03-01 12:{:02}:{s:02}.{:03} INFO  [http-{}] c.a.api.UserHandler - GET /users/{} 200 {}ms\n",
            i / 60,
            i * 7 % 1000,
            i % 8,
            1000 + i,
            3 + i % 9
        ));
        if i % 25 == 24 {
            text.push_str(&format!("2024-03-01 12:{:02}:{s:02}.999 ERROR [http-{}] c.a.api.UserHandler - request failed\njava.sql.SQLTransientConnectionException: pool exhausted after 30000ms\n{trace}", i / 60, i % 8));
        }
    }
    for i in 0..10 {
        text.push_str(&format!(
            "2024-03-01 12:04:{i:02}.000 INFO  [http-0] c.a.api.UserHandler - GET /users/9{i} 200 4ms\n"
        ));
    }
    let out = compress(&text, "");
    assert_accounted(&text, &out);
    let first = text.find("java.sql.SQLTransient").unwrap_or(0);
    let block: Vec<&str> = text.get(first..).unwrap_or("").lines().take(5).collect();
    for l in &block {
        assert!(out.contains(l), "missing {l:?}\n{out}");
    }
    // Eight traces in the input, the frames of only the first kept verbatim.
    assert_eq!(text.matches("Pool.java:88").count(), 8);
    let body = out.split("\nLine templates (").next().unwrap_or("");
    assert_eq!(body.matches("Pool.java:88").count(), 1, "{out}");
    assert!(
        out.contains("[x210] INFO [http-<0..7>] c.a.api.UserHandler - GET /users/<90..1199> 200 <3..11>ms"),
        "{out}"
    );
}

#[test]
fn go_panic_kept() {
    let mut text = String::new();
    for i in 0..80 {
        text.push_str(&format!(
            "2024/05/01 10:00:{:02} handled request id={} status=200 dur={}µs\n",
            i % 60,
            5000 + i,
            120 + i % 13
        ));
    }
    text.push_str("panic: runtime error: index out of range [5] with length 3\n\ngoroutine 34 [running]:\nmain.(*Server).route(0xc000118000, {0xc00012a000, 0x5})\n\t/src/app/server.go:88 +0x1d4\nmain.main()\n\t/src/app/main.go:21 +0x85\nexit status 2\n");
    let out = compress(&text, "");
    assert_accounted(&text, &out);
    for l in text.lines().skip(80).filter(|l| !l.is_empty()) {
        assert!(out.lines().any(|o| o == l), "missing {l:?}\n{out}");
    }
}

#[test]
fn cargo_test_failure_and_result_line() {
    let mut text = String::from("   Compiling app v0.1.0 (/work/app)\n    Finished `test` profile [unoptimized + debuginfo] target(s) in 4.21s\n     Running unittests src/lib.rs (target/debug/deps/app-1f2e3d4c5b6a7988)\n\nrunning 150 tests\n");
    for i in 0..150 {
        let verdict = if i == 73 { "FAILED" } else { "ok" };
        text.push_str(&format!("test parser::tests::case_{i} ... {verdict}\n"));
    }
    text.push_str("\nfailures:\n\n---- parser::tests::case_73 stdout ----\n\nthread 'parser::tests::case_73' panicked at src/parser.rs:412:9:\nassertion `left == right` failed\n  left: Some(\"a\")\n right: None\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n\n\nfailures:\n    parser::tests::case_73\n\ntest result: FAILED. 149 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.04s\n\nerror: test failed, to rerun pass `--lib`\n");
    let out = compress(&text, "");
    assert_accounted(&text, &out);
    for l in [
        "test parser::tests::case_73 ... FAILED",
        "thread 'parser::tests::case_73' panicked at src/parser.rs:412:9:",
        "assertion `left == right` failed",
        "  left: Some(\"a\")",
        "test result: FAILED. 149 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.04s",
    ] {
        assert!(out.lines().any(|o| o == l), "missing {l:?}\n{out}");
    }
    assert!(out.contains("[x150] test parser::tests::case_<0..149> ... {ok|FAILED}"), "{out}");
}

#[test]
fn node_ids_do_not_split_templates() {
    // BlueGene/L RAS style: the location id (`R02-M1-N0-C:J12-U11`, `R23-M0-NE-C:J05-U01`)
    // comes before the message and varies in shape.
    let mut text = String::new();
    let nodes = ["R02-M1-N0-C:J12-U11", "R23-M0-NE-C:J05-U01", "R24-M1-NB-C:J15-U11", "R30-M0-N9-C:J16-U01"];
    for i in 0..400u64 {
        let node = nodes[(i % 4) as usize];
        let t = 1_117_838_570 + i * 37;
        let msg = if i % 9 == 0 {
            "instruction cache parity error corrected".to_owned()
        } else {
            format!("generating core.{}", 100 + i * 13 % 8000)
        };
        text.push_str(&format!(
            "- {t} 2005.06.03 {node} 2005-06-03-15.42.{:02}.675872 {node} RAS KERNEL INFO {msg}\n",
            i % 60
        ));
        if i == 250 {
            text.push_str(&format!("- {t} 2005.06.04 R11-M0-NC-I:J18-U01 2005-06-07-18.15.58.583443 R11-M0-NC-I:J18-U01 RAS APP FATAL ciod: LOGIN chdir(/p/gb2/glosli/8M_5000K/t800) failed: No such file or directory\n"));
        }
    }
    let out = compress(&text, "");
    assert_accounted(&text, &out);
    assert!(out.contains(
        "RAS APP FATAL ciod: LOGIN chdir(/p/gb2/glosli/8M_5000K/t800) failed: No such file or directory"
    ));
    let generating = text.lines().filter(|l| l.contains("generating core.")).count();
    assert!(out.contains(&format!("[x{generating}] RAS KERNEL INFO generating core.<")), "{out}");
    assert!(out.len() * 5 < text.len(), "{} of {}", out.len(), text.len());
}

#[test]
fn crlf_lines_stay_verbatim() {
    let mut text = String::new();
    for i in 0..100 {
        text.push_str(&format!("2024-01-02 10:00:{:02} INFO tick {i}\r\n", i % 60));
    }
    text.push_str("2024-01-02 10:01:40 ERROR disk /dev/sda1 full\r\n");
    let out = compress(&text, "");
    assert!(out.contains("2024-01-02 10:01:40 ERROR disk /dev/sda1 full\r\n"), "{out:?}");
    assert!(out.contains("2024-01-02 10:00:00 INFO tick 0\r\n"));
    assert_accounted(&text, &out);
}

#[test]
fn tiny_blocks_are_left_alone() {
    assert_eq!(run(&LogCompressor, ContentKind::Log, "a\nb\nc\n", ""), None);
}

/// With `HEADROOM_LOG_WHY=<dir>`, write each block's lines annotated with the rule that kept
/// them (`+`) or proposed them in vain (`-`), for tuning.
pub(super) fn dump_why(lines: &[&str], proposals: &select::Proposals, keep: &[bool], cx: &Context<'_>) {
    let Ok(dir) = std::env::var("HEADROOM_LOG_WHY") else { return };
    let mut out = String::new();
    for (li, (line, &k)) in lines.iter().zip(keep).enumerate() {
        let why = proposals.why(li).unwrap_or("");
        let p = proposals.get(li).map_or(String::new(), |p| format!("{p:?}"));
        out.push_str(&format!("{} {:>5} {:8} {:14} {}\n", if k { '+' } else { ' ' }, li + 1, p, why, line));
    }
    let _ = std::fs::write(format!("{dir}/{}.why", cx.hash), out);
}

struct CaseResult {
    before: usize,
    after: usize,
    kept: usize,
    recoverable: usize,
    lost: Vec<String>,
    kinds: Vec<String>,
}

fn run_case(case: &headroom_testkit::corpus::Case, counter: &TokenCounter) -> CaseResult {
    let mut r =
        CaseResult { before: 0, after: 0, kept: 0, recoverable: 0, lost: Vec::new(), kinds: Vec::new() };
    let mut outputs = Vec::new();
    for text in case.tool_outputs() {
        let before = counter.count(&text);
        r.kinds.push(detect(&text).name());
        let compressed = (detect(&text) == ContentKind::Log && before >= 250)
            .then(|| run(&LogCompressor, ContentKind::Log, &text, &case.question))
            .flatten()
            .filter(|c| counter.count(c) < before);
        let after = compressed.as_deref().map_or(before, |c| counter.count(c));
        if let Some(c) = &compressed {
            assert_accounted(&text, c);
            let again = run(&LogCompressor, ContentKind::Log, &text, &case.question);
            assert_eq!(again.as_deref(), Some(c.as_str()), "{}: not deterministic", case.id);
        }
        if let Ok(dir) = std::env::var("HEADROOM_LOG_DUMP") {
            let i = outputs.len();
            let _ =
                std::fs::write(format!("{dir}/{}_{i}.out", case.id), compressed.as_deref().unwrap_or(&text));
        }
        r.before += before;
        r.after += after;
        outputs.push((text, compressed));
    }
    for needle in &case.needles {
        if outputs.iter().any(|(t, c)| c.as_deref().unwrap_or(t).contains(needle.as_str())) {
            r.kept += 1;
        } else if outputs.iter().any(|(t, c)| c.is_some() && t.contains(needle.as_str())) {
            r.recoverable += 1;
        } else {
            r.lost.push(needle.clone());
        }
    }
    r
}

#[test]
fn corpus_log_cases_meet_targets() {
    let cases = headroom_testkit::corpus::load(&headroom_testkit::corpus::default_dir());
    let counter = TokenCounter::for_model("gpt-4o");
    let (mut before, mut after, mut needles, mut kept) = (0, 0, 0, 0);
    let mut seen = 0;
    for case in cases.iter().filter(|c| c.kind == "log" || c.id == "s_multi_hdfs_incident") {
        let r = run_case(case, &counter);
        let saved = 1.0 - r.after as f64 / r.before.max(1) as f64;
        eprintln!(
            "{:34} {:>7} -> {:>6} tokens  {:5.1}% saved  needles {}/{} verbatim, {} recoverable, lost {:?} {:?}",
            case.id,
            r.before,
            r.after,
            saved * 100.0,
            r.kept,
            case.needles.len(),
            r.recoverable,
            r.lost,
            r.kinds
        );
        assert!(r.lost.is_empty(), "{}: needles lost {:?}", case.id, r.lost);
        if case.kind == "log" {
            seen += 1;
            before += r.before;
            after += r.after;
            needles += case.needles.len();
            kept += r.kept;
        }
    }
    let saved = 1.0 - after as f64 / before.max(1) as f64;
    eprintln!(
        "log cases: {before} -> {after} tokens, {:.1}% saved; needles {kept}/{needles} verbatim",
        saved * 100.0
    );

    // The same cases through the whole engine (wire formats, detection, gating, splicing).
    let config = crate::CompressConfig { model: "gpt-4o".into(), ..crate::CompressConfig::default() };
    let (mut e_before, mut e_after, mut e_kept) = (0, 0, 0);
    for case in cases.iter().filter(|c| c.kind == "log") {
        let result =
            crate::compress(&case.body("gpt-4o"), &config).unwrap_or_else(|e| panic!("{}: {e}", case.id));
        let text = result.messages.get();
        let decoded: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
        let outputs =
            headroom_testkit::corpus::tool_outputs_of(decoded.get("messages").unwrap_or(&decoded)).concat();
        e_kept += case.needles.iter().filter(|n| outputs.contains(n.as_str())).count();
        e_before += result.tokens_before;
        e_after += result.tokens_after;
    }
    let e_saved = 1.0 - e_after as f64 / e_before.max(1) as f64;
    eprintln!("through the engine: {e_before} -> {e_after} tokens, {:.1}% saved; needles {e_kept}/{needles} verbatim", e_saved * 100.0);
    assert!(e_saved >= 0.80 && e_kept == needles);
    assert_eq!(seen, 10, "expected the 10 log cases of the corpus");
    assert!(saved >= 0.80, "token-weighted savings {saved:.3} < 0.80");
    assert_eq!(kept, needles, "every needle of the log cases kept verbatim");
}

/// Throughput over all corpus log outputs, as the engine runs it (registry and counter built
/// once, vocabulary loaded before timing). Wall-clock: on a busy machine compare CPU time
/// (`/usr/bin/time`) instead. Run with
/// `cargo test --release -p headroom --lib log::tests::throughput -- --ignored --nocapture`.
#[test]
#[ignore = "timing; run in release"]
fn throughput() {
    let cases = headroom_testkit::corpus::load(&headroom_testkit::corpus::default_dir());
    let texts: Vec<(String, Query)> = cases
        .iter()
        .filter(|c| c.kind == "log")
        .flat_map(|c| c.tool_outputs().into_iter().map(|t| (t, Query::new(&c.question))))
        .collect();
    let counter = TokenCounter::for_model("gpt-4o");
    let signals = Signals::new();
    let _ = counter.count("warm up");
    let go = |text: &str, query: &Query| {
        let cx = Context {
            kind: ContentKind::Log,
            query,
            mode: Mode::Lossy,
            counter: &counter,
            signals: &signals,
            hash: ContentHash::of(text),
            target_ratio: None,
        };
        std::hint::black_box(LogCompressor.compress(text, &cx))
    };
    let bytes: usize = texts.iter().map(|(t, _)| t.len()).sum();
    let rounds = 5;
    let start = std::time::Instant::now();
    for _ in 0..rounds {
        for (t, q) in &texts {
            let _ = go(t, q);
        }
    }
    let secs = start.elapsed().as_secs_f64();
    eprintln!(
        "{:.1} MB/s over {} MB in blocks of ~180 KB",
        (bytes * rounds) as f64 / secs / 1e6,
        bytes * rounds / 1_000_000
    );
    let big: String = texts.iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>().join("\n").repeat(rounds);
    let q = Query::new("which errors");
    let start = std::time::Instant::now();
    let _ = go(&big, &q);
    let secs = start.elapsed().as_secs_f64();
    eprintln!("{:.1} MB/s on one {} MB block", big.len() as f64 / secs / 1e6, big.len() / 1_000_000);
}
