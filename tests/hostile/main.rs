//! Issue #8: programs and files that try to hang, crash or corrupt pyxray. Every program runs
//! through the real `pyxray trace` binary; each case checks the outcome in the end record, a wall
//! time bound after the limit, and that no process is left running (see `support.rs`).
//!
//! Bounds are generous (the limit plus several seconds) because the machines that run this are
//! shared and slow; what they catch is a run that does not end, not a slow one.

mod crashes;
mod files;
mod input;
mod interference;
mod long_c_calls;
mod loops;
mod next_run;
mod resources;
mod support;
mod text;
