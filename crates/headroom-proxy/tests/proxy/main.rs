//! Integration tests of the proxy over real loopback HTTP, against the testkit's fake
//! Anthropic/OpenAI upstream (both on port 0).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs, unreachable_pub)]

mod dashboard;
mod fixtures;
mod helpers;
mod ledger;
mod replay;
mod retrieve;
mod routes;
mod shutdown;
mod sse;
mod stats;
