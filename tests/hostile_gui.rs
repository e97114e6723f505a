//! The window under hostile programs: it keeps drawing (every frame under 100 ms) while a runaway
//! program runs, stops it when asked, shows a huge heap and a flood of output, and the next run works.
//! Frame times are those of the headless harness (layout, painting to shapes and the accessibility
//! tree), in whatever build `cargo test` made. The cases take turns (each one's program keeps a core
//! busy), and live apart from `tests/hostile/` so its busy programs do not run beside them.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use pyxray::store::EngineLimitsSettings;
use pyxray::ui::Command;
use pyxray::ui::commands::EngineLimitsChange;

mod gui_support;

use gui_support::*;

/// Held by each case for its whole run.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn take_turn() -> std::sync::MutexGuard<'static, ()> {
    // A case that failed while holding the lock poisons it; the others still run.
    ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The time 95 % of frames must stay under while the program misbehaves.
const FRAME_BUDGET: Duration = Duration::from_millis(100);
/// No frame at all may take this long: that would be a window that hangs. (Single frames between
/// the two happen when this shared machine preempts the test; timing targets proper are
/// benchmarks.)
const HANG: Duration = Duration::from_secs(1);

/// Frame times of a stretch of frames.
#[derive(Default)]
struct Frames(Vec<Duration>);

impl Frames {
    /// Steps frames for `duration` (sleeping a little between them, as a real event loop would).
    fn record(&mut self, harness: &mut Harness<'_, App>, duration: Duration) {
        let until = Instant::now() + duration;
        while Instant::now() < until {
            let started = Instant::now();
            harness.step();
            self.0.push(started.elapsed());
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    fn check(mut self, what: &str) {
        self.0.sort();
        let p95 = self.0[(self.0.len() * 95 / 100).min(self.0.len() - 1)];
        let slowest = self.0[self.0.len() - 1];
        eprintln!("[hostile] gui {what}: {} frames, p95 {p95:?}, slowest {slowest:?}", self.0.len());
        assert!(p95 < FRAME_BUDGET, "{what}: 95 % of frames took up to {p95:?}");
        assert!(slowest < HANG, "{what}: a frame took {slowest:?}");
    }
}

/// The first frames after a run starts or a panel first shows include one-off work (fonts,
/// layouts); the budget is for the frames after.
fn settle(harness: &mut Harness<'_, App>) {
    for _ in 0..3 {
        harness.step();
    }
}

fn next_run_works(harness: &mut Harness<'_, App>) {
    type_program(harness, "print('next', 1)\n");
    run_and_wait(harness, "finished");
    show_tab(harness, "Output");
    assert!(has_text(harness, "Output panel", "next 1"), "{:?}", texts_in(harness, "Output panel"));
    learner_data_is_whole(harness);
}

/// Notes, progress and settings still save, and nothing had to be set aside as damaged or in conflict.
fn learner_data_is_whole(harness: &mut Harness<'_, App>) {
    assert!(app_mut(harness).flush_store().is_ok(), "the learner's data saves");
    let dir = app(harness).store().paths.dir.clone();
    let set_aside: Vec<String> = std::fs::read_dir(&dir)
        .expect("the data folder")
        .filter_map(|entry| entry.ok().map(|entry| entry.file_name().to_string_lossy().into_owned()))
        .filter(|name| name.contains(".corrupt-") || name.contains(".conflict-"))
        .collect();
    assert!(set_aside.is_empty(), "set aside in {}: {set_aside:?}", dir.display());
}

#[test]
fn an_endless_loop_keeps_the_window_drawing_and_stop_ends_it() {
    let _turn = take_turn();
    let mut harness = harness();
    // The default step limit would end this loop within a second; the case is a loop that only
    // Stop ends.
    let limits = EngineLimitsSettings { max_steps: 100_000_000, time_limit_secs: 60.0, ..Default::default() };
    app_mut(&mut harness).queue_command(Command::SetEngineLimits(EngineLimitsChange(limits)));
    harness.step();
    type_program(&mut harness, "n = 0\nwhile True:\n    n += 1\n");
    click_toolbar(&mut harness, "Run");
    settle(&mut harness);
    let mut frames = Frames::default();
    frames.record(&mut harness, Duration::from_secs(2));
    frames.check("endless loop");
    assert!(app(&harness).model().is_recording(), "still running after 2 s");

    let stop_pressed = Instant::now();
    click_toolbar(&mut harness, "Stop");
    wait_for(&mut harness, "the run to stop", Duration::from_secs(10), |h| {
        !app(h).model().is_recording() && status_has(h, "stopped")
    });
    assert!(stop_pressed.elapsed() < Duration::from_secs(5), "Stop took {:?}", stop_pressed.elapsed());
    next_run_works(&mut harness);
}

#[test]
fn a_hundred_thousand_key_dict_is_drawn_quickly() {
    let _turn = take_turn();
    let mut harness = harness();
    type_program(&mut harness, "d = dict.fromkeys(range(100_000), 0)\nsize = len(d)\n");
    run_and_wait(&mut harness, "finished");
    show_tab(&mut harness, "Heap");
    settle(&mut harness);
    assert!(has_text(&harness, "Heap panel", "dict"), "{:?}", texts_in(&harness, "Heap panel"));
    let mut frames = Frames::default();
    frames.record(&mut harness, Duration::from_secs(1));
    frames.check("100,000-key dict");
    next_run_works(&mut harness);
}

#[test]
fn an_output_flood_ends_at_the_output_limit_and_the_window_keeps_up() {
    let _turn = take_turn();
    let mut harness = harness();
    type_program(&mut harness, "while True:\n    print('flood ' * 20)\n");
    click_toolbar(&mut harness, "Run");
    show_tab(&mut harness, "Output");
    settle(&mut harness);
    let started = Instant::now();
    let mut frames = Frames::default();
    while app(&harness).model().is_recording() {
        assert!(started.elapsed() < Duration::from_secs(30), "the flood was not stopped");
        frames.record(&mut harness, Duration::from_millis(100));
    }
    harness.run();
    assert!(status_has(&harness, "output_limit"), "{:?}", texts_in(&harness, "Status bar"));
    frames.check("output flood");
    next_run_works(&mut harness);
}
