//! Live mode's target: keystroke → re-traced → redrawn for a 30-line program in ≤ 50 ms (release).
//!
//! The window is driven headless through egui_kittest with the real worker (this build's `pyxray`
//! binary). A digit is typed at the end of the program's last line (`n = 1` → `n = 11` → …), and the
//! time runs from the key event until the end of the first frame that draws the new run's finished
//! trace. Three figures, side by side in one run:
//!
//! - `engine round trip`: a run request straight to the worker until its end event (no window),
//!   the floor for everything else;
//! - `keystroke → redrawn, debounce excluded`: the window with live mode's quiet time set to zero;
//! - `keystroke → redrawn, with the 120 ms debounce`: what the learner sees after their last key.
//!
//! Run with `cargo bench --bench live_mode`. Edits per series: `PYXRAY_BENCH_EDITS` (default 30).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use pyxray::app::PyxrayApp;
use pyxray::engine::{Engine, EngineEvent, RunRequest};
use pyxray::ui::commands::Command;
use pyxray::ui::live::DEBOUNCE;

/// Thirty lines of the kind a lesson has: a function, a loop, a list and a dict, some prints.
const PROGRAM: &str = "\
# Grades: a mean and a best per learner.
def mean(values):
    total = 0
    for value in values:
        total += value
    return total / len(values)


def describe(name, scores):
    average = mean(scores)
    best = max(scores)
    return f'{name}: mean {average:.1f}, best {best}'


marks = {
    'ada': [7, 9, 8],
    'grace': [10, 6, 9],
    'alan': [5, 8, 7],
}
lines = []
for name in sorted(marks):
    lines.append(describe(name, marks[name]))

for line in lines:
    print(line)

counts = [len(scores) for scores in marks.values()]
print(sum(counts))
squares = [i * i for i in range(5)]
n = 1";

type App = Option<PyxrayApp>;

fn engine_exe() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_pyxray"))
}

fn main() {
    let edits: usize = std::env::var("PYXRAY_BENCH_EDITS").ok().and_then(|n| n.parse().ok()).unwrap_or(30);
    assert_eq!(PROGRAM.lines().count(), 30);

    let engine = engine_round_trips(edits);
    let data = tempfile::tempdir().expect("a temporary data folder");
    let mut harness = window(data.path().to_path_buf());
    let frame = idle_frame_times(&mut harness, edits);
    let without_debounce = keystrokes(&mut harness, edits, Duration::ZERO);
    let with_debounce = keystrokes(&mut harness, edits, DEBOUNCE);

    println!("live mode, 30-line program, {edits} edits per series (release build: cargo bench)");
    report("engine round trip (request → end event, no window)", &engine);
    report("idle frame (kittest step, no run)", &frame);
    let debounced = format!("with {} ms debounce", DEBOUNCE.as_millis());
    for (name, series) in [("debounce excluded", &without_debounce), (debounced.as_str(), &with_debounce)] {
        println!("keystroke → re-traced → redrawn, {name}:");
        report("  total", &series.total);
        report("  keystroke → end of the frame that starts the run", &series.to_run_start);
        report("  run started → end of the frame that draws its end", &series.run_to_drawn);
        report("  slowest frame of the edit", &series.slowest_frame);
        report("  frames per edit (shown as ms = frames)", &series.frames);
    }
    let median = percentile(&without_debounce.total, 0.5);
    println!(
        "target ≤ 50 ms (debounce excluded): median {:.1} ms — {}",
        ms(median),
        if median <= Duration::from_millis(50) { "met" } else { "NOT met" }
    );
}

/// The window on its own data folder, its worker ready, the program in, live mode on and run once.
fn window(data: PathBuf) -> Harness<'static, App> {
    let mut harness = Harness::builder().with_size(egui::vec2(1400.0, 900.0)).build_ui_state(
        move |ui, app: &mut App| {
            let app = app.get_or_insert_with(|| PyxrayApp::new(engine_exe(), ui.ctx(), Some(data.clone())));
            app.show(ui);
        },
        None,
    );
    wait(&mut harness, "the worker", |app| app.model().python_version.is_some());
    state(&mut harness).set_code(PROGRAM);
    state(&mut harness).queue_command(Command::ToggleLiveMode);
    wait(&mut harness, "the first live run", |app| app.model().has_run() && finished(app));
    // The cursor goes to the end of the text (the end of `n = 1`).
    // Focused without a click: the middle of a tall editor may lie under another pane.
    harness.get_by_label("Code editor").focus();
    harness.step();
    for _ in 0..PROGRAM.lines().count() {
        harness.key_press(egui::Key::ArrowDown);
    }
    harness.key_press(egui::Key::End);
    harness.step();
    harness
}

fn state<'h>(harness: &'h mut Harness<'static, App>) -> &'h mut PyxrayApp {
    harness.state_mut().as_mut().expect("the app is built in the first frame")
}

fn finished(app: &PyxrayApp) -> bool {
    !app.model().is_recording() && app.model().end.is_some()
}

fn wait(harness: &mut Harness<'static, App>, what: &str, done: impl Fn(&PyxrayApp) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        harness.step();
        if harness.state().as_ref().is_some_and(&done) {
            return;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Each edit of a series, timed: from the key event to the end of the frame that started the run,
/// and to the end of the frame that drew its end; and the frames in between.
#[derive(Default)]
struct Series {
    total: Vec<Duration>,
    to_run_start: Vec<Duration>,
    run_to_drawn: Vec<Duration>,
    slowest_frame: Vec<Duration>,
    frames: Vec<Duration>,
}

/// Types one digit per edit and times each until the frame that draws the new run's end.
fn keystrokes(harness: &mut Harness<'static, App>, edits: usize, debounce: Duration) -> Series {
    state(harness).set_live_debounce(debounce);
    let mut series = Series::default();
    for _ in 0..edits {
        let before = state(harness).model().run_id();
        let expected = format!("{}1", state(harness).code());
        let typed = Instant::now();
        harness.get_by_label("Code editor").type_text("1");
        let deadline = typed + Duration::from_secs(30);
        let (mut started, mut slowest, mut frames) = (None, Duration::ZERO, 0u32);
        loop {
            let frame = Instant::now();
            harness.step();
            slowest = slowest.max(frame.elapsed());
            frames += 1;
            let app = state(harness);
            if app.model().run_id() > before {
                started.get_or_insert_with(|| typed.elapsed());
                if finished(app) {
                    break;
                }
            }
            if Instant::now() > deadline {
                let code = app.code();
                let tail = &code[code.len().saturating_sub(20)..];
                let model = app.model();
                panic!(
                    "the live run did not end: code ends {tail:?}, run {} (was {before}), recording {}, end {:?}",
                    model.run_id(),
                    model.is_recording(),
                    model.end
                );
            }
        }
        let total = typed.elapsed();
        let started = started.unwrap_or(total);
        series.total.push(total);
        series.to_run_start.push(started);
        series.run_to_drawn.push(total - started);
        series.slowest_frame.push(slowest);
        // Counted in a Duration so the one report function prints it (1 ms = 1 frame).
        series.frames.push(Duration::from_millis(u64::from(frames)));
        assert_eq!(state(harness).code(), expected, "the digit goes to the end of the program");
        let outcome = state(harness).model().outcome_text().unwrap_or_default();
        assert!(outcome.starts_with("finished"), "the program ran to its end: {outcome}");
    }
    series
}

fn idle_frame_times(harness: &mut Harness<'static, App>, frames: usize) -> Vec<Duration> {
    (0..frames)
        .map(|_| {
            let started = Instant::now();
            harness.step();
            started.elapsed()
        })
        .collect()
}

/// The worker alone: the same program run `runs` times, each timed from the request to its end.
fn engine_round_trips(runs: usize) -> Vec<Duration> {
    let engine = Engine::start(engine_exe(), None);
    let deadline = Instant::now() + Duration::from_secs(60);
    while engine.python_version().is_none() {
        assert!(Instant::now() < deadline, "the worker did not start");
        std::thread::sleep(Duration::from_millis(5));
    }
    (0..runs)
        .map(|_| {
            let request = RunRequest::traced(PROGRAM, "main.py");
            let started = Instant::now();
            engine.run(request).expect("the worker takes the run");
            loop {
                match engine.recv_timeout(Duration::from_secs(30)) {
                    Some(EngineEvent::Finished(_)) => break started.elapsed(),
                    Some(_) => {}
                    None => panic!("the run did not end"),
                }
            }
        })
        .collect()
}

fn percentile(times: &[Duration], fraction: f64) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    let index = ((sorted.len() as f64 - 1.0) * fraction).round() as usize;
    sorted.get(index).copied().unwrap_or_default()
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn report(what: &str, times: &[Duration]) {
    println!(
        "{what:<62} median {:7.1} ms   p95 {:7.1} ms   max {:7.1} ms",
        ms(percentile(times, 0.5)),
        ms(percentile(times, 0.95)),
        ms(percentile(times, 1.0))
    );
}
