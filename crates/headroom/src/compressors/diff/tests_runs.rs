//! Tests for long runs of changed lines (thinned inside kept hunks) and for definitions of
//! dropped hunks (kept as `-U0` pieces): hand-written diffs, exact counts, true headers.

use super::tests::change_counts;
use super::DiffCompressor;
use crate::compressors::testing::run;
use crate::detect::ContentKind;

/// Every `@@` header of `out` matches the lines printed under it, gap markers
/// (`(-r +a lines) [headroom: n lines omitted; ...]`) counted as the lines they stand for.
fn assert_true_headers(out: &str) {
    let lines: Vec<&str> = out.lines().collect();
    let mut k = 0;
    while k < lines.len() {
        let Some((old, new)) = lines.get(k).and_then(|l| header_counts(l)) else {
            k += 1;
            continue;
        };
        let (mut o, mut n) = (0, 0);
        k += 1;
        while o < old || n < new {
            let Some(l) = lines.get(k) else { break };
            if let Some((removed, added, total)) = gap_counts(l) {
                o += total - added;
                n += total - removed;
            } else if l.starts_with('+') {
                n += 1;
            } else if l.starts_with('-') {
                o += 1;
            } else if !l.starts_with('\\') {
                o += 1;
                n += 1;
            }
            k += 1;
        }
        assert_eq!((o, n), (old, new), "header {:?}", lines.get(k.saturating_sub(1)));
    }
}

/// (old, new) line counts of a `@@ -a,b +c,d @@` header.
fn header_counts(l: &str) -> Option<(usize, usize)> {
    let ranges = l.strip_prefix("@@ ")?.split(" @@").next()?;
    let count = |r: &str| r.split(',').nth(1).map_or(Some(1), |c| c.parse().ok());
    let mut it = ranges.split(' ');
    Some((count(it.next()?)?, count(it.next()?)?))
}

/// (removed, added, lines) of a gap marker row.
fn gap_counts(l: &str) -> Option<(usize, usize, usize)> {
    let rest = l.strip_prefix("(-")?;
    let (removed, rest) = rest.split_once(" +")?;
    let (added, rest) = rest.split_once(" lines) [headroom: ")?;
    let (total, _) = rest.split_once(" lines omitted")?;
    Some((removed.parse().ok()?, added.parse().ok()?, total.parse().ok()?))
}

/// A crate's `lib.rs` losing its long module doc while its entry point is renamed.
fn doc_and_rename() -> String {
    let doc = [
        "Weather station toolkit.",
        "",
        "## Supported sensors",
        "",
        "| Sensor        | Bus   | Notes",
        "| ------------- | ----- | -----",
        "| BME280        | I2C   | humidity, pressure and air readings",
        "| DS18B20       | 1-Wire| waterproof probe, 9-12 bit resolution",
        "| SHT31         | I2C   | factory calibrated",
        "| Davis 6410    | GPIO  | anemometer with wind vane",
        "| Misol WH-SP-RG| GPIO  | tipping bucket rain gauge",
        "",
        "## Wiring",
        "",
        "Wire the anemometer to GPIO 17 and the rain gauge to GPIO 27. Both",
        "use the internal pull-up; no external resistor is needed. The 1-Wire",
        "bus needs a 4.7k pull-up between data and 3.3V.",
        "",
        "## Calibration",
        "",
        "Every sensor carries an offset and a gain, stored in `station.toml`.",
        "Offsets are applied before gains. Pressure is reported at station",
        "level; use `to_sea_level` with the station altitude for forecasts.",
        "",
        "## Units",
        "",
        "Readings are SI unless the `imperial` feature is enabled, in which",
        "case wind speed is in mph and rainfall in inches. Conversions happen",
        "once, when a sample is taken, so logs never mix units.",
        "",
        "## Sampling",
        "",
        "Sensors are polled every 10 seconds by default. Set `interval` in",
        "`station.toml` to change it; values below 2 seconds are clamped",
        "because the BME280 needs time between forced-mode conversions.",
        "",
        "## Logging",
        "",
        "Samples go to a ring buffer of 8640 entries (one day at the default",
        "interval) and, when `archive` is set, to daily CSV files as well.",
        "",
        "[bme]: https://www.bosch-sensortec.com/products/environmental-sensors/",
        "[ds]: https://www.analog.com/en/products/ds18b20.html",
        "[sht]: https://sensirion.com/products/catalog/SHT31-DIS-B",
    ];
    let mut s = String::from(
        "diff --git a/src/lib.rs b/src/lib.rs\nindex 1a2b3c4..5d6e7f8 100644\n--- a/src/lib.rs\n+++ b/src/lib.rs\n",
    );
    s.push_str(&format!("@@ -1,{} +1,9 @@\n", doc.len() + 8));
    for d in doc {
        s.push_str(&format!("-//!{}{d}\n", if d.is_empty() { "" } else { " " }));
    }
    for l in [
        "+//! Weather station toolkit: see the README for sensors and wiring.",
        " ",
        " use crate::port::Port;",
        " use crate::units::Celsius;",
        " ",
        "-pub fn read_temperature(port: &Port) -> Result<Celsius, Error> {",
        "+pub fn sample_temperature(port: &Port) -> Result<Celsius, Error> {",
        "     let raw = port.read_u16()?;",
        "-    Ok(Celsius::from_raw(raw))",
        "+    Ok(Celsius::from_raw(raw).calibrated(port.offset()))",
        " }",
    ] {
        s.push_str(l);
        s.push('\n');
    }
    s
}

#[test]
fn a_long_removed_doc_is_thinned_around_the_asked_rename() {
    let text = doc_and_rename();
    let q = "What replaced read_temperature(), and what does it return now?";
    let out = run(&DiffCompressor, ContentKind::Diff, &text, q).unwrap_or_default();
    for kept in [
        "-pub fn read_temperature(port: &Port) -> Result<Celsius, Error> {",
        "+pub fn sample_temperature(port: &Port) -> Result<Celsius, Error> {",
        "+    Ok(Celsius::from_raw(raw).calibrated(port.offset()))",
        // The run's first line and the replacement doc stay.
        "-//! Weather station toolkit.",
        "+//! Weather station toolkit: see the README for sensors and wiring.",
    ] {
        assert!(out.contains(kept), "lost {kept:?}\n{out}");
    }
    // Sensor tables and wiring notes are nobody's question here.
    assert!(!out.contains("Wire the anemometer to GPIO 17"), "{out}");
    assert!(!out.contains("| DS18B20"), "{out}");
    assert!(out.contains(" lines omitted; retrieve hash="), "{out}");
    assert!(out.len() * 2 < text.len(), "{} -> {}", text.len(), out.len());
    assert_eq!(change_counts(&out), change_counts(&text));
    assert_true_headers(&out);
}

/// `git log -p` of a client module: the asked-about timeout fix, then a commit of many small
/// edits, one of which adds a method and one re-signs one.
fn client_commit() -> String {
    let mut s = String::from(
        "commit 5f1c2a9e0b7d4c3a8e6f1b2d9c0a7e4f3b2c1d0e
Author: Dana Example <dana@example.org>
Date:   Tue Mar 4 10:12:44 2025 +0100

    Apply the read timeout to streamed bodies; add pool helpers

diff --git a/src/client/session.py b/src/client/session.py
index 0c1d2e3..4f5a6b7 100644
--- a/src/client/session.py
+++ b/src/client/session.py
@@ -88,7 +88,7 @@ class Session:
         conn = self.pool.acquire(url)
         try:
-            body = conn.read_body(stream=stream)
+            body = conn.read_body(stream=stream, timeout=self.read_timeout)
         finally:
             self.pool.release(conn)
         return body
",
    );
    s.push_str(
        "commit 9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b
Author: Lee Example <lee@example.org>
Date:   Mon Mar 3 16:40:02 2025 +0100

    Size pools from the config; add idle cleanup

diff --git a/src/client/pool.py b/src/client/pool.py
index 7a8b9c0..1d2e3f4 100644
--- a/src/client/pool.py
+++ b/src/client/pool.py
",
    );
    let mut old = 20;
    let mut new = 20;
    for i in 0..120 {
        match i {
            70 => {
                // A new method: its signature is what "what was added" needs.
                s.push_str(&format!(
                    "@@ -{old},6 +{new},16 @@ class Pool:\n         self.slots_{i} = []\n         self.lock_{i} = Lock()\n \n+    def close_idle_connections(self, max_age):\n+        now = monotonic()\n+        with self.lock_{i}:\n+            keep = []\n+            for conn in self.slots_{i}:\n+                if now - conn.last_used > max_age:\n+                    conn.close()\n+                else:\n+                    keep.append(conn)\n+            self.slots_{i} = keep\n     def size_{i}(self):\n         return len(self.slots_{i})\n \n"
                ));
                new += 10;
            }
            95 => {
                // A re-signed method (same name on both sides): an edit, not an addition.
                s.push_str(&format!(
                    "@@ -{old},6 +{new},6 @@ class Pool:\n         self.slots_{i} = []\n         self.lock_{i} = Lock()\n \n-    def drain(self):\n+    def drain(self, wait=True):\n     def size_{i}(self):\n         return len(self.slots_{i})\n"
                ));
            }
            _ => s.push_str(&format!(
                "@@ -{old},6 +{new},6 @@ class Pool:\n         self.slots_{i} = []\n         self.lock_{i} = Lock()\n \n-        self.max_{i} = DEFAULT_MAX\n+        self.max_{i} = config.max_connections\n         self.hits_{i} = 0\n         self.misses_{i} = 0\n"
            )),
        }
        old += 30;
        new += 30;
    }
    s
}

#[test]
fn dropped_hunks_keep_the_definitions_they_add() {
    let text = client_commit();
    let q = "Where is `read_timeout` applied to streamed bodies?";
    let out = run(&DiffCompressor, ContentKind::Diff, &text, q).unwrap_or_default();
    assert!(
        out.contains("+            body = conn.read_body(stream=stream, timeout=self.read_timeout)"),
        "{out}"
    );
    // Dropped with its hunk, the new method's signature stays, under a true `-U0` header.
    assert!(out.contains("+    def close_idle_connections(self, max_age):"), "{out}");
    assert!(!out.contains("+                    conn.close()"), "{out}");
    assert!(
        out.lines().any(|l| l.starts_with("(hunks cut to their definitions, -0 +9 lines) [headroom: ")),
        "{out}"
    );
    // A signature edited in place is no addition.
    assert!(!out.contains("+    def drain(self, wait=True):"), "{out}");
    assert!(out.len() * 2 < text.len(), "{} -> {}", text.len(), out.len());
    assert_eq!(change_counts(&out), change_counts(&text));
    assert_true_headers(&out);
}

/// A new Rust file: the asked-about function, then its unit tests.
fn new_file_with_tests() -> String {
    let body = "//! Retry budgets: how many retries a client may spend per window of requests.

use std::time::Duration;

/// Retries allowed per `window` of requests: `ratio` of them, and at least `floor`.
pub fn retry_budget(requests: u32, ratio: f32, floor: u32) -> u32 {
    let earned = (requests as f32 * ratio).floor() as u32;
    earned.max(floor)
}

/// How long to wait before retry `attempt` (0-based): doubling from `base`, capped at `max`.
pub fn backoff(attempt: u32, base: Duration, max: Duration) -> Duration {
    let factor = 1u32.checked_shl(attempt).unwrap_or(u32::MAX);
    base.saturating_mul(factor).min(max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_has_a_floor() {
        assert_eq!(retry_budget(0, 0.2, 3), 3);
        assert_eq!(retry_budget(5, 0.2, 3), 3);
        assert_eq!(retry_budget(10, 0.2, 1), 2);
        assert_eq!(retry_budget(100, 0.2, 3), 20);
        assert_eq!(retry_budget(101, 0.2, 3), 20);
        assert_eq!(retry_budget(1000, 0.1, 3), 100);
    }

    #[test]
    fn backoff_doubles_then_caps() {
        let base = Duration::from_millis(50);
        let max = Duration::from_secs(2);
        assert_eq!(backoff(0, base, max), Duration::from_millis(50));
        assert_eq!(backoff(1, base, max), Duration::from_millis(100));
        assert_eq!(backoff(2, base, max), Duration::from_millis(200));
        assert_eq!(backoff(5, base, max), Duration::from_millis(1600));
        assert_eq!(backoff(6, base, max), max);
        assert_eq!(backoff(40, base, max), max);
    }
}";
    let n = body.lines().count();
    let mut s = format!(
        "diff --git a/src/retry.rs b/src/retry.rs\nnew file mode 100644\nindex 0000000..9e8d7c6\n--- /dev/null\n+++ b/src/retry.rs\n@@ -0,0 +1,{n} @@\n"
    );
    for l in body.lines() {
        s.push('+');
        s.push_str(l);
        s.push('\n');
    }
    s
}

#[test]
fn unasked_tests_in_a_new_file_thin_to_their_names() {
    let text = new_file_with_tests();
    let q = "How does the new backoff grow between attempts, and where is it capped?";
    let out = run(&DiffCompressor, ContentKind::Diff, &text, q).unwrap_or_default();
    for kept in [
        "+pub fn backoff(attempt: u32, base: Duration, max: Duration) -> Duration {",
        "+    let factor = 1u32.checked_shl(attempt).unwrap_or(u32::MAX);",
        "+    base.saturating_mul(factor).min(max)",
        "+    fn budget_has_a_floor() {",
        "+    fn backoff_doubles_then_caps() {",
    ] {
        assert!(out.contains(kept), "lost {kept:?}\n{out}");
    }
    assert!(!out.contains("+        assert_eq!(retry_budget(101, 0.2, 3), 20);"), "{out}");
    assert_eq!(change_counts(&out), change_counts(&text));
    assert_true_headers(&out);
}

/// A new config module: a retry delay, then a long table of defaults.
fn new_config_module() -> String {
    let body = r#"//! Configuration: defaults, and the retry policy.

use std::time::Duration;

/// Delay before retry `attempt`: exponential from `base`, with full jitter, capped.
pub fn retry_delay(attempt: u32, policy: &RetryPolicy, rng: &mut impl Rng) -> Duration {
    let base_ms = policy.base.as_millis() as u64;
    let cap_ms = policy.cap.as_millis() as u64;
    let shift = attempt.min(20);
    let exp_ms = base_ms.saturating_mul(1u64 << shift);
    let ceiling = exp_ms.min(cap_ms);
    let jittered = if policy.jitter {
        rng.gen_range(0..=ceiling)
    } else {
        ceiling
    };
    let floor_ms = policy.floor.as_millis() as u64;
    Duration::from_millis(jittered.max(floor_ms))
}

/// The settings used when the config file leaves them out.
pub fn defaults() -> Config {
    Config {
        listen: "127.0.0.1".to_owned(),
        port: 8080,
        workers: 4,
        queue_depth: 1024,
        read_buffer: 64 * 1024,
        write_buffer: 64 * 1024,
        keepalive: Duration::from_secs(75),
        idle_close: Duration::from_secs(300),
        max_body: 8 * 1024 * 1024,
        max_headers: 100,
        log_level: "info".to_owned(),
        log_format: "text".to_owned(),
        metrics_port: 9090,
        tls_cert: None,
        tls_key: None,
        gzip: true,
        gzip_level: 6,
        cache_entries: 10_000,
    }
}"#;
    let n = body.lines().count();
    let mut s = format!(
        "diff --git a/src/config.rs b/src/config.rs\nnew file mode 100644\nindex 0000000..4b3c2d1\n--- /dev/null\n+++ b/src/config.rs\n@@ -0,0 +1,{n} @@\n"
    );
    for l in body.lines() {
        s.push('+');
        s.push_str(l);
        s.push('\n');
    }
    s
}

#[test]
fn the_asked_function_keeps_its_whole_body() {
    let text = new_config_module();
    let q = "How does `retry_delay` work?";
    let out = run(&DiffCompressor, ContentKind::Diff, &text, q).unwrap_or_default();
    let body: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("+pub fn retry_delay"))
        .take_while(|l| *l != "+}")
        .collect();
    assert!(body.len() > 10);
    for l in body {
        assert!(out.contains(l), "lost {l:?}\n{out}");
    }
    // The defaults table is nobody's question.
    assert!(!out.contains("+        queue_depth: 1024,"), "{out}");
    assert_eq!(change_counts(&out), change_counts(&text));
    assert_true_headers(&out);
}
