//! Every way a run can end, produced by a real program, and Stop against programs that resist it.

mod common;

use std::time::{Duration, Instant};

use pyxray::engine::Limits;
use pyxray::trace::{Outcome, RunEnd, Stream};

fn run(code: &str, limits: Limits) -> (RunEnd, String, String, u64) {
    let engine = common::engine();
    let mut request = common::request(code, "outcome.py");
    request.limits = limits;
    let store = common::record(&engine, request);
    let end = store.end().cloned().expect("an end");
    (end, store.all_output(Stream::Stdout), store.all_output(Stream::Stderr), store.len())
}

fn run_default(code: &str) -> (RunEnd, String, String, u64) {
    run(code, Limits::default())
}

#[test]
fn finished_keeps_output() {
    let (end, out, _, steps) = run_default("x = 1\nprint(x + 1)\n");
    assert_eq!(end.outcome, Outcome::Finished);
    assert_eq!(out, "2\n");
    assert!(steps >= 3);
}

#[test]
fn exception_names_type_message_and_line() {
    let (end, _, err, _) = run_default("a = 1\nb = 0\nc = a / b\n");
    assert_eq!(end.outcome, Outcome::Exception);
    assert_eq!(end.message, "ZeroDivisionError: division by zero");
    assert_eq!(end.line, Some(3));
    assert!(err.contains("Traceback") && err.contains("ZeroDivisionError"), "{err}");
}

#[test]
fn sys_exit_and_os_exit_report_their_codes() {
    let (end, _, _, _) = run_default("import sys\nsys.exit(3)\n");
    assert_eq!((end.outcome, end.exit_code), (Outcome::Exit, Some(3)));
    let (end, out, _, steps) = run_default("import os\nprint('before')\nos._exit(4)\n");
    assert_eq!((end.outcome, end.exit_code), (Outcome::Exit, Some(4)));
    assert_eq!(out, "before\n", "output before os._exit is kept");
    assert!(steps >= 3, "the partial trace is kept");
}

#[test]
fn syntax_error_points_at_line_and_column() {
    let (end, _, _, steps) = run_default("x = 1\ny = (2 +\nprint(x)\n");
    assert_eq!(end.outcome, Outcome::SyntaxError);
    assert!(end.line.is_some() && end.column.is_some(), "{end:?}");
    assert!(end.message.starts_with("SyntaxError"), "{}", end.message);
    assert_eq!(steps, 0);
    let (end, _, _, _) = run_default("x = 1\n  y = 2\n");
    assert_eq!((end.outcome, end.line), (Outcome::SyntaxError, Some(2)), "{end:?}");
}

#[test]
fn step_limit_keeps_the_partial_trace() {
    let limits = Limits { max_steps: 50, ..Limits::default() };
    let (end, _, _, steps) = run("i = 0\nwhile True:\n    i += 1\n", limits);
    assert_eq!(end.outcome, Outcome::StepLimit);
    assert_eq!(steps, 50);
}

#[test]
fn time_limit_ends_a_long_c_call() {
    let limits = Limits { time_limit_secs: 1.0, ..Limits::default() };
    let started = Instant::now();
    let (end, _, _, steps) = run("import time\nprint('x')\ntime.sleep(10**6)\n", limits);
    assert_eq!(end.outcome, Outcome::TimeLimit, "{end:?}");
    assert!(started.elapsed() < Duration::from_secs(8));
    assert!(steps >= 2);
}

#[test]
fn memory_limit_ends_a_memory_bomb() {
    let limits = Limits { memory_limit_mb: 200, ..Limits::default() };
    let (end, _, _, _) = run("blocks = []\nwhile True:\n    blocks.append(bytearray(50 * 1024 * 1024))\n", limits);
    assert_eq!(end.outcome, Outcome::MemoryLimit, "{end:?}");
}

#[test]
fn output_limit_ends_a_flood() {
    let limits = Limits { output_limit_bytes: 10_000, ..Limits::default() };
    let (end, out, _, _) = run("while True:\n    print('spam' * 100, end='')\n", limits);
    assert_eq!(end.outcome, Outcome::OutputLimit, "{end:?}");
    assert_eq!(out.len(), 10_000, "output is kept up to the limit");
}

#[test]
fn a_segfault_is_reported_as_a_crash_and_the_next_run_works() {
    let engine = common::engine();
    let store = common::record(&engine, common::request("import ctypes\nctypes.string_at(0)\n", "crash.py"));
    let end = store.end().cloned().expect("an end");
    assert_eq!(end.outcome, Outcome::Crashed, "{end:?}");
    assert!(end.message.contains("SIGSEGV"), "{}", end.message);
    common::wait_idle(&engine);
    let store = common::record(&engine, common::request("print(6 * 7)\n", "after.py"));
    assert_eq!(store.all_output(Stream::Stdout), "42\n");
}

#[test]
fn input_reads_supplied_text_then_gets_eof_with_a_clear_message() {
    let engine = common::engine();
    let mut request = common::request("name = input('who? ')\nprint('hi', name)\ninput()\n", "input.py");
    request.stdin = "Ada\n".into();
    let store = common::record(&engine, request);
    let end = store.end().cloned().expect("an end");
    assert_eq!(store.all_output(Stream::Stdout), "who? hi Ada\n");
    assert_eq!(end.outcome, Outcome::Exception);
    assert!(end.message.starts_with("EOFError") && end.message.contains("no more input"), "{}", end.message);
}

fn stop_within_two_seconds(code: &str) {
    let engine = common::engine();
    common::start(&engine, common::request(code, "stubborn.py"));
    std::thread::sleep(Duration::from_millis(300));
    let asked = Instant::now();
    engine.stop();
    let end = common::finish(&engine, Duration::from_secs(5)).expect("the run ends");
    assert_eq!(end.outcome, Outcome::Stopped, "{code}: {end:?}");
    assert!(asked.elapsed() < Duration::from_secs(2), "{code}: stopped after {:?}", asked.elapsed());
    common::wait_idle(&engine);
    let store = common::record(&engine, common::request("print('next')\n", "next.py"));
    assert_eq!(store.all_output(Stream::Stdout), "next\n", "{code}: the next run works");
}

#[test]
fn stop_ends_an_endless_loop() {
    stop_within_two_seconds("while True: pass\n");
}

#[test]
fn stop_ends_a_long_sleep() {
    stop_within_two_seconds("import time\ntime.sleep(10**6)\n");
}

#[test]
fn stop_ends_a_loop_that_swallows_base_exception() {
    stop_within_two_seconds(
        "while True:\n    try:\n        while True: pass\n    except BaseException:\n        pass\n",
    );
}

#[test]
fn stop_ends_a_program_that_ignores_signals_and_spins_a_thread() {
    stop_within_two_seconds(
        "import signal, threading\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nthreading.Thread(target=lambda: [0 for _ in iter(int, 1)]).start()\nwhile True: pass\n",
    );
}

#[test]
fn restart_gives_a_fresh_sys_modules() {
    let engine = common::engine();
    let code = "import sys\nprint('colorsys' in sys.modules)\nimport colorsys\n";
    let first = common::record(&engine, common::request(code, "m.py"));
    let second = common::record(&engine, common::request(code, "m.py"));
    assert_eq!(first.all_output(Stream::Stdout), "False\n");
    assert_eq!(second.all_output(Stream::Stdout), "True\n", "modules persist between runs");
    engine.restart();
    common::wait_idle(&engine);
    let third = common::record(&engine, common::request(code, "m.py"));
    assert_eq!(third.all_output(Stream::Stdout), "False\n", "a restart empties the cache");
}
