//! Shared helpers for the engine's integration tests: they drive the real `pyxray` binary's worker.
#![allow(dead_code)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use pyxray::engine::{Engine, EngineEvent, RunRequest};
use pyxray::trace::{RunEnd, TraceStore};

pub fn engine() -> Engine {
    let engine = Engine::start(PathBuf::from(env!("CARGO_BIN_EXE_pyxray")), None);
    pyxray::cli::wait_ready(&engine).expect("the worker starts");
    engine
}

pub fn request(code: &str, filename: &str) -> RunRequest {
    RunRequest::traced(code, filename)
}

pub fn record(engine: &Engine, request: RunRequest) -> TraceStore {
    pyxray::cli::record(engine, request).expect("the run is recorded")
}

/// Waits until the worker is ready again after a run that replaced it.
pub fn wait_idle(engine: &Engine) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if engine.state() == pyxray::engine::WorkerState::Idle {
            return;
        }
        let _ = engine.recv_timeout(Duration::from_millis(20));
    }
    panic!("the worker did not become ready again");
}

/// Starts a run and returns as soon as it has begun, for tests that stop it.
pub fn start(engine: &Engine, request: RunRequest) {
    engine.run(request).expect("the run starts");
}

/// Waits for the end of the current run, discarding its steps.
pub fn finish(engine: &Engine, within: Duration) -> Option<RunEnd> {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if let Some(EngineEvent::Finished(end)) = engine.recv_timeout(Duration::from_millis(10)) {
            return Some(end);
        }
    }
    None
}

pub fn python() -> &'static str {
    env!("PYXRAY_BUILD_PYTHON")
}
