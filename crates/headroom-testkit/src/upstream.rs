//! `FakeUpstream`: a real HTTP server on `127.0.0.1:0` that answers like Anthropic's and
//! OpenAI's APIs (JSON and SSE), records every request it receives (bytes and headers), and
//! plays scripted replies: canned bodies, errors with a status, slow streams, streams that
//! break off, and replies computed from the request (e.g. a tool call naming a hash found in
//! the request).

use std::collections::VecDeque;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use futures_util::StreamExt;

use crate::wire;

/// One request as the fake upstream received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// HTTP method.
    pub method: String,
    /// Path and query, as received.
    pub path: String,
    /// Headers, as received.
    pub headers: HeaderMap,
    /// Body bytes, as received.
    pub body: Bytes,
    /// When it arrived.
    pub at: Instant,
}

impl Recorded {
    /// The body as UTF-8 text.
    pub fn text(&self) -> &str {
        std::str::from_utf8(&self.body).unwrap()
    }

    /// The body parsed as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap()
    }

    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Whether the request asked for a stream.
    pub fn wants_stream(&self) -> bool {
        serde_json::from_slice::<serde_json::Value>(&self.body)
            .ok()
            .and_then(|v| v.get("stream").and_then(serde_json::Value::as_bool))
            .unwrap_or(false)
    }
}

/// A reply computed from the request it answers.
pub type ReplyFn = Arc<dyn Fn(&Recorded) -> Reply + Send + Sync>;

/// What the fake upstream answers.
#[derive(Clone)]
pub enum Reply {
    /// A JSON (or any) body with a status.
    Json {
        /// HTTP status.
        status: u16,
        /// Body bytes.
        body: String,
    },
    /// An SSE stream.
    Sse {
        /// Each chunk as sent (normally one whole event each).
        events: Vec<String>,
        /// Pause before each chunk.
        delay: Duration,
        /// Break the connection off after this many chunks.
        drop_after: Option<usize>,
    },
    /// Computed from the request.
    Dynamic(ReplyFn),
}

impl std::fmt::Debug for Reply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Json { status, body } => write!(f, "Json({status}, {} bytes)", body.len()),
            Self::Sse { events, .. } => write!(f, "Sse({} events)", events.len()),
            Self::Dynamic(_) => f.write_str("Dynamic"),
        }
    }
}

impl Reply {
    /// A 200 JSON body.
    pub fn json(body: impl Into<String>) -> Self {
        Self::Json { status: 200, body: body.into() }
    }

    /// An error body with `status`.
    pub fn error(status: u16, body: impl Into<String>) -> Self {
        Self::Json { status, body: body.into() }
    }

    /// A stream of `events`, sent as fast as possible.
    pub fn sse(events: Vec<String>) -> Self {
        Self::Sse { events, delay: Duration::ZERO, drop_after: None }
    }

    /// A reply computed from the request.
    pub fn dynamic(f: impl Fn(&Recorded) -> Reply + Send + Sync + 'static) -> Self {
        Self::Dynamic(Arc::new(f))
    }

    /// The default answer to `req`: a short text reply in its route's format, streamed if asked.
    pub fn default_for(req: &Recorded) -> Self {
        let stream = req.wants_stream();
        let path = req.path.split('?').next().unwrap_or_default();
        match (path, stream) {
            ("/v1/messages", false) => Self::json(wire::anthropic::text_json(wire::DEFAULT_TEXT)),
            ("/v1/messages", true) => Self::sse(wire::anthropic::text_events(wire::DEFAULT_TEXT)),
            ("/v1/chat/completions", false) => Self::json(wire::chat::text_json(wire::DEFAULT_TEXT)),
            ("/v1/chat/completions", true) => Self::sse(wire::chat::text_events(wire::DEFAULT_TEXT)),
            ("/v1/responses", false) => Self::json(wire::responses::text_json(wire::DEFAULT_TEXT)),
            ("/v1/responses", true) => Self::sse(wire::responses::text_events(wire::DEFAULT_TEXT)),
            _ => Self::json(
                serde_json::json!({"fake_upstream": true, "method": req.method, "path": req.path})
                    .to_string(),
            ),
        }
    }
}

#[derive(Default)]
struct Shared {
    recorded: Mutex<Vec<Recorded>>,
    script: Mutex<VecDeque<Reply>>,
}

/// The running fake upstream. Stops when dropped.
pub struct FakeUpstream {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeUpstream {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakeUpstream {
    /// Start on `127.0.0.1:0`.
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let shared = Arc::new(Shared::default());
        let app = axum::Router::new().fallback(handle).with_state(shared.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { addr, shared, task }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Queue a reply for the next request (replies are used in order; when none is queued the
    /// route's default answers).
    pub fn push(&self, reply: Reply) {
        self.shared.script.lock().unwrap().push_back(reply);
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.recorded.lock().unwrap().clone()
    }

    /// The last request received.
    pub fn last(&self) -> Recorded {
        self.requests().pop().expect("the fake upstream received no request")
    }

    /// Forget recorded requests.
    pub fn clear(&self) {
        self.shared.recorded.lock().unwrap().clear();
    }
}

async fn handle(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
    let rec = Recorded {
        method: parts.method.to_string(),
        path: parts.uri.path_and_query().map_or("/", |p| p.as_str()).to_owned(),
        headers: parts.headers,
        body,
        at: Instant::now(),
    };
    shared.recorded.lock().unwrap().push(rec.clone());
    let scripted = shared.script.lock().unwrap().pop_front();
    let mut reply = scripted.unwrap_or_else(|| Reply::default_for(&rec));
    while let Reply::Dynamic(f) = reply {
        reply = f(&rec);
    }
    render(reply)
}

fn render(reply: Reply) -> Response {
    match reply {
        Reply::Json { status, body } => Response::builder()
            .status(StatusCode::from_u16(status).unwrap())
            .header(header::CONTENT_TYPE, "application/json")
            .header("x-fake-upstream", "1")
            .body(Body::from(body))
            .unwrap(),
        Reply::Sse { events, delay, drop_after } => {
            let stream =
                futures_util::stream::iter(events.into_iter().enumerate()).then(move |(i, e)| async move {
                    if !delay.is_zero() {
                        tokio::time::sleep(delay).await;
                    }
                    if drop_after == Some(i) {
                        return Err(std::io::Error::other("fake upstream drops the stream"));
                    }
                    Ok::<Bytes, std::io::Error>(Bytes::from(e))
                });
            // Stop after the first error so the connection breaks right there.
            let stream = stream.scan(false, |failed, item| {
                let out = if *failed { None } else { Some(item) };
                if let Some(Err(_)) = &out {
                    *failed = true;
                }
                futures_util::future::ready(out)
            });
            Response::builder()
                .status(StatusCode::OK)
                .header(header::CONTENT_TYPE, "text/event-stream")
                .header(header::CACHE_CONTROL, "no-cache")
                .body(Body::from_stream(stream))
                .unwrap()
        }
        Reply::Dynamic(_) => {
            Response::new(Body::from_stream(futures_util::stream::empty::<Result<Bytes, Infallible>>()))
        }
    }
}
