//! pyxray: see how CPython really runs your code.
//!
//! The binary (`src/main.rs`) is a thin wrapper over this library so integration tests and
//! benchmarks can drive the same code. See ARCHITECTURE.md for the map.

pub mod app;
pub mod bench;
pub mod cli;
pub mod engine;
pub mod lesson_check;
pub mod lessons;
pub mod store;
pub mod trace;
pub mod ui;
