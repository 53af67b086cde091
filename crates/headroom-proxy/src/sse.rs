//! Relaying response bodies as they arrive, with a usage tap on the side.
//!
//! Chunks are forwarded the moment the upstream yields them; nothing waits for the whole
//! response. A copy goes through an [`EventSplitter`] (SSE) or a bounded buffer (JSON) only to
//! read usage. An upstream that breaks off mid-body ends the client's body cleanly instead of
//! tearing down the connection.

use std::convert::Infallible;

use axum::body::Body;
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;

use crate::usage::{Usage, UsageTap};

/// JSON bodies above this size are relayed without reading their usage.
const JSON_TAP_LIMIT: usize = 16 << 20;

/// Cuts a byte stream into complete SSE events (each with its terminating blank line).
#[derive(Debug, Default)]
pub(crate) struct EventSplitter {
    buf: BytesMut,
    scanned: usize,
}

impl EventSplitter {
    pub(crate) fn push(&mut self, chunk: &[u8]) {
        self.buf.extend_from_slice(chunk);
    }

    /// The next complete event, raw bytes included the blank line that ends it.
    pub(crate) fn next_event(&mut self) -> Option<Bytes> {
        let from = self.scanned.saturating_sub(3);
        let hay = self.buf.get(from..)?;
        let end = find_blank_line(hay).map(|e| from + e);
        match end {
            Some(end) => {
                self.scanned = 0;
                Some(self.buf.split_to(end).freeze())
            }
            None => {
                self.scanned = self.buf.len();
                None
            }
        }
    }

    /// Bytes of an unfinished event, if the stream ended inside one.
    pub(crate) fn rest(&mut self) -> Bytes {
        self.scanned = 0;
        self.buf.split().freeze()
    }
}

/// Index one past the blank line that ends the first event in `hay`.
fn find_blank_line(hay: &[u8]) -> Option<usize> {
    let mut i = 0;
    while let Some(off) = hay.get(i..).and_then(|h| memchr::memchr(b'\n', h)) {
        let at = i + off;
        let next = hay.get(at + 1..).unwrap_or_default();
        if next.first() == Some(&b'\n') {
            return Some(at + 2);
        }
        if next.starts_with(b"\r\n") {
            return Some(at + 3);
        }
        i = at + 1;
    }
    None
}

/// One parsed SSE event.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Event {
    /// The `event:` field, if any.
    pub(crate) name: Option<String>,
    /// The `data:` lines joined with `\n`.
    pub(crate) data: String,
}

impl Event {
    pub(crate) fn parse(raw: &[u8]) -> Self {
        let text = String::from_utf8_lossy(raw);
        let mut ev = Event::default();
        let mut data: Vec<&str> = Vec::new();
        for line in text.lines() {
            let (field, value) = match line.split_once(':') {
                Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
                None => (line, ""),
            };
            match field {
                "event" => ev.name = Some(value.to_owned()),
                "data" => data.push(value),
                _ => {}
            }
        }
        ev.data = data.join("\n");
        ev
    }

    /// Render an event the way providers send them.
    pub(crate) fn render(name: Option<&str>, data: &str) -> Bytes {
        let mut out = String::with_capacity(data.len() + 32);
        if let Some(n) = name {
            out.push_str("event: ");
            out.push_str(n);
            out.push('\n');
        }
        out.push_str("data: ");
        out.push_str(data);
        out.push_str("\n\n");
        Bytes::from(out)
    }
}

/// What to read usage from while relaying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tap {
    /// An SSE stream.
    Sse,
    /// A JSON body.
    Json,
    /// Nothing (pass-through routes).
    None,
}

/// Relay `upstream`'s body chunk by chunk, reading usage per `tap`; `done` gets the usage when
/// the body ends, breaks off, or the client goes away.
pub(crate) fn relay(
    upstream: reqwest::Response,
    tap: Tap,
    done: impl FnOnce(Usage) + Send + 'static,
) -> Body {
    let state = RelayState {
        tap,
        splitter: EventSplitter::default(),
        json: Vec::new(),
        usage: UsageTap::default(),
        done: Some(Box::new(done)),
    };
    let stream = futures_util::stream::unfold(
        (upstream.bytes_stream(), state),
        |(mut stream, mut state)| async move {
            match stream.next().await {
                Some(Ok(chunk)) => {
                    state.feed(&chunk);
                    Some((Ok::<Bytes, Infallible>(chunk), (stream, state)))
                }
                Some(Err(e)) => {
                    tracing::warn!("upstream body broke off: {e}");
                    None
                }
                None => None,
            }
        },
    );
    Body::from_stream(stream)
}

type Done = Box<dyn FnOnce(Usage) + Send>;

struct RelayState {
    tap: Tap,
    splitter: EventSplitter,
    json: Vec<u8>,
    usage: UsageTap,
    done: Option<Done>,
}

impl RelayState {
    fn feed(&mut self, chunk: &[u8]) {
        match self.tap {
            Tap::None => {}
            Tap::Sse => {
                self.splitter.push(chunk);
                while let Some(raw) = self.splitter.next_event() {
                    self.usage.event_data(&Event::parse(&raw).data);
                }
            }
            Tap::Json => {
                if self.json.len() + chunk.len() <= JSON_TAP_LIMIT {
                    self.json.extend_from_slice(chunk);
                } else {
                    self.tap = Tap::None;
                    self.json = Vec::new();
                }
            }
        }
    }
}

impl Drop for RelayState {
    fn drop(&mut self) {
        if self.tap == Tap::Json && !self.json.is_empty() {
            if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&self.json) {
                self.usage.value(&v);
            }
        }
        if let Some(done) = self.done.take() {
            done(self.usage.usage());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_events_across_chunks() {
        let mut s = EventSplitter::default();
        s.push(b"event: a\ndata: {\"x\"");
        assert!(s.next_event().is_none());
        s.push(b":1}\n");
        assert!(s.next_event().is_none());
        s.push(b"\nevent: b\r\ndata: 2\r\n\r\ndata: [DONE]\n\n");
        let a = s.next_event().unwrap();
        assert_eq!(&a[..], b"event: a\ndata: {\"x\":1}\n\n");
        assert_eq!(Event::parse(&a), Event { name: Some("a".into()), data: "{\"x\":1}".into() });
        let b = s.next_event().unwrap();
        assert_eq!(Event::parse(&b).data, "2");
        assert_eq!(Event::parse(&s.next_event().unwrap()).data, "[DONE]");
        assert!(s.next_event().is_none());
        assert!(s.rest().is_empty());
    }
}
