//! After a hostile run, the same engine runs the next program normally: on the same worker when
//! it survived, on a fresh one when it had to be replaced. Nothing of the old worker remains.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use pyxray::engine::{Engine, Limits, RunRequest, WorkerState};

#[path = "../common/mod.rs"]
mod common;
use pyxray::trace::{Outcome, Stream};

use crate::support::process_gone;

fn request(code: &str, limits: Limits) -> RunRequest {
    RunRequest { limits, ..common::request(code, "hostile.py") }
}

fn wait_idle(engine: &Engine) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while engine.state() != WorkerState::Idle {
        assert!(Instant::now() < deadline, "the worker did not become ready again");
        let _ = engine.recv_timeout(Duration::from_millis(20));
    }
}

/// Runs `code`, checks its outcome, then checks a plain program runs on the same engine.
fn then_next_run_works(code: &str, limits: Limits, expected: Outcome) {
    let engine = Engine::start(PathBuf::from(env!("CARGO_BIN_EXE_pyxray")), None);
    pyxray::cli::wait_ready(&engine).expect("the worker starts");
    let first_worker = engine.worker_pid().expect("a worker");
    let store = pyxray::cli::record(&engine, request(code, limits)).expect("the hostile run is recorded");
    let end = store.end().cloned().expect("an end");
    assert_eq!(end.outcome, expected, "{code}: {end:?}");
    wait_idle(&engine);
    let worker = engine.worker_pid().expect("a worker");
    if worker != first_worker {
        let deadline = Instant::now() + Duration::from_secs(2);
        while !process_gone(first_worker) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(process_gone(first_worker), "the replaced worker {first_worker} still runs");
    }
    let next = pyxray::cli::record(&engine, request("import sys\nprint('next', len(sys.argv))\n", Limits::default()))
        .expect("the next run is recorded");
    assert_eq!(next.end().map(|end| end.outcome), Some(Outcome::Finished), "{code}: {:?}", next.end());
    assert_eq!(next.all_output(Stream::Stdout), "next 1\n", "{code}: the next run works");
    drop(engine);
    assert!(process_gone(worker), "the worker {worker} outlived its engine");
}

fn quick() -> Limits {
    Limits { time_limit_secs: 2.0, ..Limits::default() }
}

#[test]
fn after_a_segfault() {
    then_next_run_works("import ctypes\nctypes.string_at(0)\n", Limits::default(), Outcome::Crashed);
}

#[test]
fn after_a_long_c_call() {
    then_next_run_works("import time\ntime.sleep(10**6)\n", quick(), Outcome::TimeLimit);
}

#[test]
fn after_a_thread_that_never_ends() {
    let code = "import threading\ndef spin():\n    while True:\n        pass\nthreading.Thread(target=spin).start()\n";
    // The thread is traced too: a step limit it cannot reach in time leaves the time limit to end it.
    then_next_run_works(code, Limits { max_steps: 1_000_000_000, ..quick() }, Outcome::TimeLimit);
}

#[test]
fn after_os_exit() {
    then_next_run_works("import os\nos._exit(3)\n", Limits::default(), Outcome::Exit);
}

#[test]
fn after_closing_stdout_and_the_descriptors() {
    let code = "import os, sys\nsys.stdout.close()\nos.close(1)\nos.close(2)\n";
    then_next_run_works(code, Limits::default(), Outcome::Finished);
}

#[test]
fn after_clearing_sys_modules() {
    let engine_outcome = Outcome::Finished;
    then_next_run_works("import sys\nsys.modules.clear()\n", Limits::default(), engine_outcome);
}

#[test]
fn after_replacing_builtins_and_sys_functions() {
    let code =
        "import builtins, sys\nbuiltins.print = None\nbuiltins.len = None\nsys.argv = None\nsys.settrace(None)\n";
    then_next_run_works(code, Limits::default(), Outcome::Finished);
}

#[test]
fn after_a_memory_bomb() {
    let limits = Limits { memory_limit_mb: 300, ..Limits::default() };
    let code = "blocks = []\nwhile True:\n    blocks.append(bytearray(50 * 1024 * 1024))\n";
    then_next_run_works(code, limits, Outcome::MemoryLimit);
}

#[test]
fn after_an_output_flood() {
    let code = "while True:\n    print('x' * 1000, end='')\n";
    let limits = Limits { max_steps: 100_000_000, ..Limits::default() };
    then_next_run_works(code, limits, Outcome::OutputLimit);
}
