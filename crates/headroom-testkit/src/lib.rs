//! Test helpers shared by headroom's integration tests and benchmarks: the `shared/corpus`
//! loader and needle checks, and a fake Anthropic/OpenAI upstream on a loopback port.
//! Dev-only; never a dependency of shipped code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod corpus;
pub mod upstream;
pub mod wire;
