//! `pyxray bench`: the engine's speed and memory, as ratios measured side by side in one run.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::engine::{Engine, Limits, RunRequest};
use crate::trace::Outcome;

/// Python Tutor's backend on the 5,000-append program, as measured on this machine and given in the
/// engine issue (it cannot run here side by side: it is not part of this project).
const TUTOR_SECONDS: f64 = 6.6;
const TUTOR_MEGABYTES: f64 = 513.0;

const APPENDS: &str = "x = []\nfor i in range(5000):\n    x.append(i)\n";
const SUM_LOOP: &str = "s = 0\nfor i in range(1000000):\n    s += i\n";

fn request(code: &str, trace: bool, limits: Limits) -> RunRequest {
    RunRequest {
        code: code.into(),
        filename: "bench.py".into(),
        limits,
        stdin: String::new(),
        interactive: false,
        trace,
        script_dir: None,
        instruction_steps: false,
    }
}

/// Peak resident memory of a finished `pyxray trace` process and its worker, from the figures it
/// reports when asked (`PYXRAY_REPORT_MEMORY`).
fn trace_process(exe: &Path, program: &Path) -> Result<(Duration, f64), String> {
    let started = Instant::now();
    let output = Command::new(exe)
        .args(["trace", "--max-items", "10000", "--out", "/dev/null"])
        .arg(program)
        .env("PYXRAY_REPORT_MEMORY", "1")
        .output()
        .map_err(|err| format!("cannot run {}: {err}", exe.display()))?;
    let elapsed = started.elapsed();
    if !output.status.success() {
        return Err(format!("pyxray trace failed: {}", String::from_utf8_lossy(&output.stderr)));
    }
    let report = String::from_utf8_lossy(&output.stderr);
    let kilobytes: u64 = report
        .lines()
        .filter_map(|line| line.strip_prefix("pyxray-memory-kb "))
        .filter_map(|value| value.trim().parse::<u64>().ok())
        .sum();
    Ok((elapsed, kilobytes as f64 / 1024.0))
}

/// A plain untraced `pyxray run` of an empty program: both processes' start-up, the embedded
/// Python's included, which every `pyxray trace` pays whatever it traces.
fn empty_run(exe: &Path, program: &Path) -> Result<Duration, String> {
    let started = Instant::now();
    let output = Command::new(exe)
        .arg("run")
        .arg(program)
        .output()
        .map_err(|err| format!("cannot run {}: {err}", exe.display()))?;
    let elapsed = started.elapsed();
    if !output.status.success() {
        return Err(format!("pyxray run failed: {}", String::from_utf8_lossy(&output.stderr)));
    }
    Ok(elapsed)
}

fn timed_run(engine: &Engine, request: RunRequest) -> Result<(Duration, crate::trace::TraceStore), String> {
    let started = Instant::now();
    let store = crate::cli::record(engine, request)?;
    let elapsed = started.elapsed();
    match store.end().map(|end| end.outcome) {
        Some(Outcome::Finished) => Ok((elapsed, store)),
        other => Err(format!("the benchmark program did not finish: {other:?}")),
    }
}

pub fn run() -> Result<i32, String> {
    let exe = Engine::current_exe();
    let dir = std::env::temp_dir().join(format!("pyxray-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|err| err.to_string())?;
    let appends = dir.join("appends.py");
    std::fs::write(&appends, APPENDS).map_err(|err| err.to_string())?;

    println!("pyxray bench ({})", crate::cli::version_line());
    println!();
    let empty = dir.join("empty.py");
    std::fs::write(&empty, "").map_err(|err| err.to_string())?;

    println!("1. 5,000 appends (10,001 line steps), the whole `pyxray trace` process, best of 5:");
    let mut best = (Duration::MAX, f64::MAX);
    let mut start_up = Duration::MAX;
    // Taken in turns, so a busy machine weighs on both alike.
    for _ in 0..5 {
        let (elapsed, megabytes) = trace_process(&exe, &appends)?;
        best = (best.0.min(elapsed), best.1.min(megabytes));
        start_up = start_up.min(empty_run(&exe, &empty)?);
    }
    let seconds = best.0.as_secs_f64();
    println!("   pyxray: {:.3} s, {:.1} MB peak (trace process + worker)", seconds, best.1);
    println!(
        "   of which start-up: {:.3} s (an untraced `pyxray run` of an empty program, best of 5), so tracing \
         and writing its steps: {:.3} s",
        start_up.as_secs_f64(),
        (seconds - start_up.as_secs_f64()).max(0.0)
    );
    println!("   Python Tutor: {TUTOR_SECONDS} s, {TUTOR_MEGABYTES} MB (figures from the issue)");
    println!("   speed: {:.0}x faster (target >= 100x)", TUTOR_SECONDS / seconds);
    println!("   memory: {:.1}% of Python Tutor's (target <= 10%)", 100.0 * best.1 / TUTOR_MEGABYTES);
    println!();

    let engine = Engine::start(exe, None);
    crate::cli::wait_ready(&engine)?;
    let limits = Limits { max_steps: 3_000_000, time_limit_secs: 600.0, ..Limits::default() };
    println!("2. A 1,000,000-iteration `s += i` loop, in the same worker, best of 3:");
    let mut untraced = Duration::MAX;
    let mut traced = Duration::MAX;
    let mut store = None;
    for _ in 0..3 {
        untraced = untraced.min(timed_run(&engine, request(SUM_LOOP, false, limits.clone()))?.0);
        let (elapsed, recorded) = timed_run(&engine, request(SUM_LOOP, true, limits.clone()))?;
        traced = traced.min(elapsed);
        store = Some(recorded);
    }
    // Where the time goes: the same traced run with its steps received but not stored.
    let mut received_only = Duration::MAX;
    for _ in 0..3 {
        let started = Instant::now();
        let end = crate::cli::run_to_end(&engine, request(SUM_LOOP, true, limits.clone()), |_| {})?;
        if end.outcome != Outcome::Finished {
            return Err(format!("the benchmark program did not finish: {:?}", end.outcome));
        }
        received_only = received_only.min(started.elapsed());
    }
    println!(
        "   (traced with steps received but not stored: {:.3} s, {:.1}x: the engine's share)",
        received_only.as_secs_f64(),
        received_only.as_secs_f64() / untraced.as_secs_f64()
    );
    let mut store = store.ok_or("no trace recorded")?;
    let steps = store.len();
    println!("   untraced: {:.3} s; traced: {:.3} s ({steps} steps)", untraced.as_secs_f64(), traced.as_secs_f64());
    println!("   slowdown: {:.1}x (target <= 20x)", traced.as_secs_f64() / untraced.as_secs_f64());
    println!("   stored: {:.1} bytes per step (target <= 64)", store.stored_bytes() as f64 / steps as f64);
    let mut worst = Duration::ZERO;
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    for _ in 0..200 {
        // A fixed pseudo-random walk over the steps (xorshift), so runs compare.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let step = state % steps;
        let started = Instant::now();
        store.snapshot(step).map_err(|err| err.to_string())?;
        worst = worst.max(started.elapsed());
    }
    println!("   reconstructing a random step: worst of 200 = {:.2} ms (target <= 5 ms)", worst.as_secs_f64() * 1e3);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(0)
}
