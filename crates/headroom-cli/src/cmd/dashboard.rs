//! `headroom dashboard`: open the proxy's live page in the user's browser, or print its URL
//! when no browser can be started.

use std::process::{Command, ExitCode, Stdio};

use crate::cli::DashboardArgs;
use crate::local::{self, PortState};
use crate::output::{self, user};

pub(crate) fn run(args: DashboardArgs) -> anyhow::Result<ExitCode> {
    let url = format!("{}/dashboard", local::base_url(args.port));
    match local::probe(args.port) {
        PortState::Headroom => {}
        PortState::Other => return Err(user(format!("port {} is not a headroom proxy", args.port))),
        PortState::Free => {
            return Err(user(format!(
                "no proxy on port {}; start one with `headroom proxy --port {}` (or `headroom wrap claude`)",
                args.port, args.port
            )))
        }
    }
    if args.print || !open_browser(&url) {
        output::stdout(&url);
    } else {
        output::status(&format!("headroom: opened {url}"));
    }
    Ok(ExitCode::SUCCESS)
}

fn open_browser(url: &str) -> bool {
    let has_display = std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some();
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if has_display {
        "xdg-open"
    } else {
        return false;
    };
    Command::new(opener)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}
