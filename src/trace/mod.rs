//! Plain Rust snapshot types: what the engine records and every panel reads. No pyo3, no egui.

pub mod code;
pub mod concurrency;
pub mod delta;
pub mod hashing;
pub mod internals;
pub mod json;
pub mod model;
pub mod outcome;
pub mod snapshot;
pub mod steps;
pub mod store;

pub use code::{CodeObject, Disassembly, Instruction};
pub use concurrency::{
    AsyncTask, AsyncioState, ConcurrencyEvent, ReadyCallback, TaskState, ThreadSpan, ThreadSwitch, ThreadTimeline,
    ThreadView,
};
pub use delta::{FrameUpdate, ModuleChange, ObjectChange, ObjectUpdate, Splice, StackDelta, StepDelta};
pub use internals::{GeneratorPhase, GeneratorState, HashTable, Internals, Slot, TableEntry, TableKind};
pub use model::*;
pub use outcome::{Outcome, RunEnd};
pub use snapshot::Snapshot;
pub use store::TraceStore;
