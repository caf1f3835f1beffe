//! Helpers shared by the CLI crate's tests (and its benchmarks, by path).

pub mod agent_process;
