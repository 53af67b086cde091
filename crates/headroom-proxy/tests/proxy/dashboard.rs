//! `GET /dashboard` in a real headless Chromium: the numbers the page shows are `/stats`'.
//! Runs when `HEADROOM_TEST_CHROMIUM` names a Chromium binary (CI sets it); skipped otherwise.

use headroom_proxy::LedgerTarget;

use crate::fixtures;
use crate::helpers::start_with;

#[tokio::test]
async fn dashboard_page_is_served_self_contained() {
    let h = start_with(|_| {}).await;
    let res = h.http.get(format!("{}/dashboard", h.url)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let csp = res.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("default-src 'none'"), "{csp}");
    let page = res.text().await.unwrap();
    assert!(page.contains("id=\"requests-total\"") && page.contains("id=\"tokens-saved-total\""));
}

/// The text of the element with `id` in a dumped DOM.
fn element_text<'a>(dom: &'a str, id: &str) -> &'a str {
    let open = format!("id=\"{id}\"");
    let at = dom.find(&open).unwrap_or_else(|| panic!("no #{id} in the DOM"));
    let rest = &dom[at..];
    let start = rest.find('>').unwrap() + 1;
    let end = rest[start..].find('<').unwrap();
    rest[start..start + end].trim()
}

fn number(text: &str) -> u64 {
    text.replace(',', "").parse().unwrap_or_else(|_| panic!("not a number: {text:?}"))
}

#[tokio::test]
async fn chromium_shows_the_numbers_of_stats() {
    let Some(chromium) = std::env::var_os("HEADROOM_TEST_CHROMIUM") else {
        println!("skipping the headless Chromium dashboard test: HEADROOM_TEST_CHROMIUM is not set");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("ledger.db");
    let h = start_with(|c| c.ledger = LedgerTarget::Path(ledger)).await;
    for project in ["billing-api", "billing-api", "web"] {
        h.openai("/v1/chat/completions", fixtures::seed_chat())
            .header("x-headroom-project", project)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
    }
    h.post("/v1/messages", fixtures::seed_anthropic(false)).send().await.unwrap().text().await.unwrap();
    // Let the ledger writer flush (within ~1 s) so the page's history is complete too.
    for _ in 0..40 {
        if h.get_json("/v1/dashboard/history").await["all_time"]["requests"] == 4 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let stats = h.stats().await;
    assert!(stats["tokens_saved_total"].as_u64().unwrap() > 10_000, "{stats}");

    let page = format!("{}/dashboard", h.url);
    let profile = tempfile::tempdir().unwrap();
    let profile_arg = format!("--user-data-dir={}", profile.path().display());
    // The proxy runs on this test's runtime: wait for Chromium on a blocking thread.
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(&chromium)
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-dev-shm-usage",
            ])
            .arg(profile_arg)
            .args(["--virtual-time-budget=5000", "--dump-dom", &page])
            .output()
    })
    .await
    .unwrap()
    .unwrap();
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && dom.contains("id=\"requests-total\""),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    assert_eq!(number(element_text(&dom, "requests-total")), stats["requests_total"].as_u64().unwrap());
    assert_eq!(
        number(element_text(&dom, "tokens-saved-total")),
        stats["tokens_saved_total"].as_u64().unwrap()
    );
    let shown_pct = element_text(&dom, "savings-percent").trim_end_matches('%').parse::<f64>().unwrap();
    assert!(
        (shown_pct - stats["savings_percent"].as_f64().unwrap()).abs() < 0.051,
        "{shown_pct} vs {}",
        stats["savings_percent"]
    );
    assert_eq!(number(element_text(&dom, "failed-open")), stats["requests"]["failed_open"].as_u64().unwrap());
    assert!(element_text(&dom, "dollars-saved").starts_with('$'));
    assert_ne!(element_text(&dom, "dollars-saved"), "$0.0000", "the ledger's savings are priced");
    // The tables came from the ledger and /stats, not placeholders.
    assert!(dom.contains("billing-api") && dom.contains("web"), "projects listed");
    assert!(dom.contains("json_crusher") && dom.contains("gpt-4o") && dom.contains("claude-sonnet-4-5"));
    assert!(dom.contains("<circle"), "the chart plots the minute just recorded");
}
