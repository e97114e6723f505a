//! The Python engine: the worker process that embeds CPython (pyo3) and records traces, the protocol
//! it speaks, and the client the app uses to drive it. No egui here; only `client` and `protocol`
//! are used by the app, and they never touch Python objects.

pub mod client;
pub mod protocol;

mod asyncio_tasks;
mod bytecode;
mod capture;
mod exceptions;
mod forks;
mod frames;
mod generators;
mod heap;
mod identity;
mod imports;
mod modules;
mod objects;
mod output;
mod pyutil;
mod reaper;
mod runner;
mod sink;
mod tables;
mod threads;
mod tracer;
mod watchdog;
pub mod worker;

pub use client::{Engine, EngineEvent, WorkerState};
pub use protocol::{Limits, RunRequest};
