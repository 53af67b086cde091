//! The local proxy as seen from the CLI: where it listens, whether it answers, starting it in
//! the background, and where headroom keeps its files.

use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context as _;

use crate::Relaunch;

/// What answers on a port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PortState {
    /// A headroom proxy (its `/health` says so).
    Headroom,
    /// Something else is listening.
    Other,
    /// Nothing is listening.
    Free,
}

/// `http://127.0.0.1:PORT`.
pub(crate) fn base_url(port: u16) -> String {
    format!("http://127.0.0.1:{port}")
}

/// headroom's own directory (the store's data dir: `$HEADROOM_HOME`, else `<data dir>/headroom`).
pub(crate) fn home() -> PathBuf {
    headroom_store::data_dir().unwrap_or_else(|_| std::env::temp_dir().join("headroom"))
}

/// GET `path` on the local proxy; `None` when nothing usable answers.
pub(crate) fn get(port: u16, path: &str, timeout: Duration) -> Option<(u16, String)> {
    let agent =
        ureq::Agent::config_builder().timeout_global(Some(timeout)).http_status_as_error(false).build();
    let agent: ureq::Agent = agent.into();
    let mut resp = agent.get(&format!("{}{path}", base_url(port))).call().ok()?;
    let status = resp.status().as_u16();
    let body = resp.body_mut().read_to_string().ok()?;
    Some((status, body))
}

/// Who is on `port`?
pub(crate) fn probe(port: u16) -> PortState {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    if TcpStream::connect_timeout(&addr, Duration::from_millis(300)).is_err() {
        return PortState::Free;
    }
    match get(port, "/health", Duration::from_secs(2)) {
        Some((200, body)) if body.contains("headroom") => PortState::Headroom,
        _ => PortState::Other,
    }
}

/// How the proxy came to be running.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Ensured {
    /// One was already answering.
    Reused,
    /// We started one; its log is at this path.
    Started(PathBuf),
}

/// Make sure a headroom proxy answers on `port`: reuse a running one, or start
/// `headroom proxy --port PORT` in the background and wait until it is healthy.
pub(crate) fn ensure_proxy(port: u16, extra_args: &[String], relaunch: &Relaunch) -> anyhow::Result<Ensured> {
    match probe(port) {
        PortState::Headroom => return Ok(Ensured::Reused),
        PortState::Other => anyhow::bail!(
            "port {port} is taken by something that is not a headroom proxy; pass --port with a free port"
        ),
        PortState::Free => {}
    }
    let home = home();
    std::fs::create_dir_all(&home).with_context(|| format!("creating {}", home.display()))?;
    let log_path = home.join("proxy.log");
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log_path)
        .with_context(|| format!("opening {}", log_path.display()))?;
    let err = log.try_clone().context("duplicating the log handle")?;
    let exe = relaunch.program()?;
    let child = Command::new(exe)
        .arg("proxy")
        .arg("--port")
        .arg(port.to_string())
        .args(extra_args)
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(err)
        .spawn()
        .context("starting the proxy")?;
    // Recorded so `doctor` and scripts can find (and stop) the proxy wrap started.
    let _ = std::fs::write(home.join("proxy.pid"), child.id().to_string());
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if probe(port) == PortState::Headroom {
            return Ok(Ensured::Started(log_path));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    anyhow::bail!("the proxy did not come up on port {port} within 10 s; see {}", log_path.display())
}
