//! `headroom doctor`: the checks that decide whether headroom is working for you, each with
//! what to do when it fails. Exit 0 when all pass, 1 with warnings, 2 with failures.

use std::net::{TcpStream, ToSocketAddrs};
use std::process::ExitCode;
use std::time::Duration;

use headroom::{ContentHash, Original};
use headroom_store::Scope;
use serde::Serialize;

use crate::cli::DoctorArgs;
use crate::local::{self, PortState};
use crate::output;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
enum Level {
    Ok,
    Warn,
    Fail,
}

#[derive(Debug, Serialize)]
struct Check {
    name: &'static str,
    level: Level,
    detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<String>,
}

fn check(name: &'static str, level: Level, detail: impl Into<String>, fix: Option<String>) -> Check {
    Check { name, level, detail: detail.into(), fix }
}

pub(crate) fn run(args: DoctorArgs) -> anyhow::Result<ExitCode> {
    let mut checks = Vec::new();
    let port = args.port;
    let state = local::probe(port);
    checks.push(match state {
        PortState::Headroom => check("proxy", Level::Ok, format!("headroom proxy healthy on {}", local::base_url(port)), None),
        PortState::Other => check(
            "proxy",
            Level::Fail,
            format!("port {port} is taken by something that is not headroom"),
            Some(format!("stop that service, or run headroom on another port: headroom proxy --port {}", port + 1)),
        ),
        PortState::Free => check(
            "proxy",
            Level::Warn,
            format!("no proxy is running on port {port}"),
            Some(format!("start one: headroom proxy --port {port}  (or: headroom wrap claude)")),
        ),
    });
    if state == PortState::Headroom {
        checks.push(match local::get(port, "/stats", Duration::from_secs(3)) {
            Some((200, body)) if serde_json::from_str::<serde_json::Value>(&body).is_ok() => {
                check("stats", Level::Ok, "/stats answers", None)
            }
            _ => check("stats", Level::Warn, "/stats did not answer with JSON", Some("check the proxy log".into())),
        });
    }
    for (name, host) in [("anthropic upstream", "api.anthropic.com:443"), ("openai upstream", "api.openai.com:443")] {
        checks.push(reachable(name, host));
    }
    checks.push(store_check(&args));
    checks.push(env_check("ANTHROPIC_BASE_URL", port));
    checks.push(env_check("OPENAI_BASE_URL", port));
    checks.push(codex_check(port));

    let worst = checks.iter().map(|c| c.level).max().unwrap_or(Level::Ok);
    if args.json {
        output::stdout(&serde_json::to_string_pretty(&serde_json::json!({"checks": checks, "status": worst}))?);
    } else {
        let mut s = String::new();
        for c in &checks {
            let mark = match c.level {
                Level::Ok => "ok  ",
                Level::Warn => "warn",
                Level::Fail => "FAIL",
            };
            s.push_str(&format!("[{mark}] {:<20} {}\n", c.name, c.detail));
            if let Some(fix) = &c.fix {
                s.push_str(&format!("       {:<20} fix: {fix}\n", ""));
            }
        }
        output::stdout(&s);
    }
    Ok(match worst {
        Level::Ok => ExitCode::SUCCESS,
        Level::Warn => ExitCode::from(1),
        Level::Fail => ExitCode::from(2),
    })
}

fn reachable(name: &'static str, host: &str) -> Check {
    let addrs = match host.to_socket_addrs() {
        Ok(a) => a.collect::<Vec<_>>(),
        Err(e) => {
            return check(name, Level::Warn, format!("cannot resolve {host}: {e}"), Some("check DNS / network or the proxy's upstream settings".into()))
        }
    };
    if addrs.iter().any(|a| TcpStream::connect_timeout(a, Duration::from_secs(3)).is_ok()) {
        check(name, Level::Ok, format!("{host} reachable"), None)
    } else {
        check(name, Level::Warn, format!("{host} not reachable"), Some("check network access or a corporate proxy".into()))
    }
}

fn store_check(args: &DoctorArgs) -> Check {
    let store = match super::open_store(&args.store) {
        Ok(s) => s,
        Err(e) => {
            return check(
                "store",
                Level::Fail,
                format!("cannot open the store: {e:#}"),
                Some("set --store / HEADROOM_STORE to a writable sqlite:PATH".into()),
            )
        }
    };
    let content = format!("headroom doctor probe {}", std::process::id());
    let probe = Original { hash: ContentHash::of(&content), content: content.clone() };
    let scope = Scope::new("doctor");
    match store.put_many(&scope, std::slice::from_ref(&probe)).and_then(|()| store.get(&scope, &probe.hash)) {
        Ok(Some(back)) if back == content => check("store", Level::Ok, "store writable and readable", None),
        Ok(_) => check("store", Level::Fail, "store lost a write", Some("check the store file and its disk".into())),
        Err(e) => check("store", Level::Fail, format!("store write failed: {e}"), Some("check permissions and free disk space".into())),
    }
}

fn env_check(var: &'static str, port: u16) -> Check {
    match std::env::var(var) {
        Ok(v) if v.contains(&format!(":{port}")) => check(var_name(var), Level::Ok, format!("{var}={v} points at the proxy"), None),
        Ok(v) => check(
            var_name(var),
            Level::Warn,
            format!("{var}={v} bypasses the proxy"),
            Some(format!("unset it, or use: headroom wrap <agent> (sets it to {})", local::base_url(port))),
        ),
        Err(_) => check(var_name(var), Level::Ok, format!("{var} unset (headroom wrap sets it per agent)"), None),
    }
}

fn var_name(var: &'static str) -> &'static str {
    match var {
        "ANTHROPIC_BASE_URL" => "claude env",
        _ => "openai env",
    }
}

fn codex_check(port: u16) -> Check {
    let path = super::wrap::codex_config_path();
    match std::fs::read_to_string(&path) {
        Err(_) => check("codex config", Level::Ok, "no codex config (headroom wrap codex creates one)", None),
        Ok(t) if t.contains("model_provider = \"headroom\"") && !t.contains(&format!(":{port}/v1")) => check(
            "codex config",
            Level::Warn,
            format!("{} points codex at a headroom proxy on another port", path.display()),
            Some(format!("headroom wrap codex --port {port}, or headroom unwrap codex")),
        ),
        Ok(t) if t.contains("model_provider = \"headroom\"") => {
            check("codex config", Level::Ok, format!("{} points at the proxy", path.display()), None)
        }
        Ok(_) => check("codex config", Level::Ok, format!("{} does not use headroom (run headroom wrap codex)", path.display()), None),
    }
}
