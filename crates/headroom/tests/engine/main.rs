//! Engine integration tests: one binary. `invariants` runs the invariant checker over every
//! corpus case and config; `wire` covers format handling; `targets` checks savings and needles
//! per content kind against the targets.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod estimate;
mod invariants;
mod seed;
mod targets;
mod wire;
