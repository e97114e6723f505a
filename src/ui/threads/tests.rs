//! The Threads and Stack panes over a made-up run of two threads (and an event loop), through
//! the same `Model` the app uses, drawn with kittest and read by accessible label.

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

use super::ThreadsPanel;
use crate::engine::EngineEvent;
use crate::trace::{
    AsyncTask, AsyncioState, Binding, ConcurrencyEvent, Event, Frame, FrameKind, FrameUpdate, Outcome, ReadyCallback,
    RunEnd, StackDelta, StepDelta, TaskState, ThreadSwitch,
};
use crate::ui::Command;
use crate::ui::model::Model;
use crate::ui::stack::StackPanel;

struct Window {
    model: Model,
    threads: ThreadsPanel,
    stack: StackPanel,
    commands: Vec<Command>,
}

fn frame(frame_id: u64, function: &str, kind: FrameKind, line: u32) -> Frame {
    Frame { frame_id, function: function.into(), kind, code: 0, line, locals: vec![] }
}

fn step(model: &mut Model, line: u32, keep: u32, pushed: Vec<Frame>, updated: Vec<FrameUpdate>) {
    let delta = StepDelta {
        event: if pushed.is_empty() { Event::Line } else { Event::Call },
        line,
        stack: StackDelta { keep, updated, pushed },
        ..StepDelta::default()
    };
    let bytes = postcard::to_allocvec(&delta).expect("a step encodes");
    model.handle(EngineEvent::Step(bytes));
}

fn switch(model: &mut Model, thread: u32, name: Option<&str>, time_us: u64, left_at_us: Option<u64>, keep: u32) {
    model.handle(EngineEvent::Concurrency(ConcurrencyEvent::Switch(ThreadSwitch {
        thread,
        name: name.map(str::to_owned),
        time_us,
        left_at_us,
        leaving_keep: keep,
    })));
}

/// Main runs steps 1-2, worker-1 steps 3-4, main again step 5; an event loop runs from step 4.
fn two_threads() -> Model {
    let mut model = Model::new();
    model.begin_run();
    switch(&mut model, 0, Some("MainThread"), 0, None, 0);
    step(&mut model, 1, 0, vec![frame(1, "<module>", FrameKind::Module, 1)], vec![]);
    let bind_t = FrameUpdate { index: 0, line: 5, set: vec![Binding { name: "t".into(), id: 77 }], removed: vec![] };
    step(&mut model, 5, 1, vec![], vec![bind_t]);
    switch(&mut model, 1, Some("worker-1"), 1_000, Some(900), 1);
    step(&mut model, 2, 0, vec![frame(2, "work", FrameKind::Function, 2)], vec![]);
    let state = AsyncioState {
        tasks: vec![
            AsyncTask {
                id: 10,
                name: "Task-1".into(),
                coroutine: "main".into(),
                state: TaskState::Running,
                line: Some(9),
                awaiting: None,
            },
            AsyncTask {
                id: 11,
                name: "Task-2".into(),
                coroutine: "fetch".into(),
                state: TaskState::Pending,
                line: Some(3),
                awaiting: Some("Future".into()),
            },
        ],
        ready: vec![ReadyCallback { task: Some(11), describe: "step Task-2".into() }],
        timers: 1,
    };
    model.handle(EngineEvent::Concurrency(ConcurrencyEvent::Asyncio(Some(state))));
    step(&mut model, 3, 1, vec![], vec![FrameUpdate { index: 0, line: 3, ..FrameUpdate::default() }]);
    switch(&mut model, 0, None, 6_000, Some(5_900), 1);
    step(&mut model, 6, 1, vec![], vec![FrameUpdate { index: 0, line: 6, ..FrameUpdate::default() }]);
    model.handle(EngineEvent::Concurrency(ConcurrencyEvent::Finished { time_us: 7_000 }));
    model.handle(EngineEvent::Finished(RunEnd::new(Outcome::Finished, "finished")));
    model
}

fn harness(model: Model) -> Harness<'static, Window> {
    let window = Window { model, threads: ThreadsPanel::default(), stack: StackPanel::default(), commands: vec![] };
    Harness::builder().with_size(egui::vec2(1000.0, 1400.0)).build_ui_state(
        |ui, window: &mut Window| {
            window.model.refresh();
            let threads = egui::UiBuilder::new().accessibility_label("Threads panel");
            let produced = ui.scope_builder(threads, |ui| {
                ui.set_height(800.0);
                window.threads.ui(ui, &window.model)
            });
            window.commands.extend(produced.inner);
            let stack = egui::UiBuilder::new().accessibility_label("Stack panel");
            let produced = ui.scope_builder(stack, |ui| window.stack.ui(ui, &window.model));
            window.commands.extend(produced.inner);
        },
        window,
    )
}

fn texts(harness: &Harness<'_, Window>, container: &str) -> Vec<String> {
    let node = harness.get_by_label(container);
    node.query_all(egui_kittest::kittest::By::new().predicate(|_| true))
        .filter_map(|n| n.accesskit_node().label().or_else(|| n.accesskit_node().value()))
        .collect()
}

fn has(texts: &[String], wanted: &str) -> bool {
    texts.iter().any(|text| text.contains(wanted))
}

fn go_to(harness: &mut Harness<'_, Window>, step: u64) {
    harness.state_mut().model.go_to(step);
    harness.run();
}

#[test]
fn two_threads_show_two_lanes_their_hand_offs_and_both_stacks() {
    let mut harness = harness(two_threads());
    go_to(&mut harness, 2);
    let threads = texts(&harness, "Threads panel");
    assert!(has(&threads, "2 threads ran your code · 2 GIL hand-offs"), "{threads:?}");
    assert!(has(&threads, "Step 3: worker-1 is running"), "{threads:?}");
    assert!(has(&threads, "MainThread · steps 1–2 · 0.00 ms to 0.90 ms"), "{threads:?}");
    assert!(has(&threads, "worker-1 · steps 3–4 · 1.00 ms to 5.90 ms"), "{threads:?}");
    assert!(has(&threads, "MainThread · step 5 · 6.00 ms to 7.00 ms"), "{threads:?}");

    let stack = texts(&harness, "Stack panel");
    assert!(has(&stack, "worker-1 runs this step"), "{stack:?}");
    let main = stack.iter().position(|text| text == "MainThread — waiting");
    let module = stack.iter().position(|text| text == "Frame <module> line 5");
    let worker = stack.iter().position(|text| text == "worker-1 — running this step");
    let work = stack.iter().position(|text| text == "Frame work line 2");
    assert!(main < module && module < worker && worker < work && main.is_some(), "{stack:?}");
    assert!(has(&stack, "t = "), "the waiting thread's locals are listed: {stack:?}");

    // Back on the main thread, the worker's frame stays on its (waiting) stack.
    go_to(&mut harness, 4);
    let stack = texts(&harness, "Stack panel");
    assert!(stack.contains(&"MainThread — running this step".to_owned()), "{stack:?}");
    assert!(stack.contains(&"worker-1 — waiting".to_owned()), "{stack:?}");
    assert!(stack.contains(&"Frame work line 3".to_owned()), "{stack:?}");
}

#[test]
fn clicking_a_span_asks_for_its_first_step() {
    let mut harness = harness(two_threads());
    go_to(&mut harness, 0);
    harness.get_by_label("worker-1 · steps 3–4 · 1.00 ms to 5.90 ms").click();
    harness.run();
    assert!(harness.state().commands.contains(&Command::GoToStep(2)), "{:?}", harness.state().commands);
}

#[test]
fn the_event_loop_shows_its_tasks_ready_queue_and_timers() {
    let mut harness = harness(two_threads());
    go_to(&mut harness, 0);
    let before = texts(&harness, "Threads panel");
    assert!(has(&before, "No asyncio event loop is running at this step"), "{before:?}");
    harness.get_by_label("Go to step 4, where the event loop runs").click();
    harness.run();
    assert!(harness.state().commands.contains(&Command::GoToStep(3)), "{:?}", harness.state().commands);

    go_to(&mut harness, 3);
    let texts = texts(&harness, "Threads panel");
    assert!(has(&texts, "Task Task-1: running, coroutine main, line 9"), "{texts:?}");
    assert!(has(&texts, "Task Task-2: pending, coroutine fetch, line 3, awaiting Future"), "{texts:?}");
    assert!(texts.contains(&"1. step Task-2".to_owned()), "{texts:?}");
    assert!(has(&texts, "1 timer waiting"), "{texts:?}");
}

#[test]
fn one_thread_and_no_loop_is_said_plainly_and_the_stack_has_no_thread_headers() {
    let mut model = Model::new();
    model.begin_run();
    step(&mut model, 1, 0, vec![frame(1, "<module>", FrameKind::Module, 1)], vec![]);
    step(&mut model, 2, 1, vec![], vec![FrameUpdate { index: 0, line: 2, ..FrameUpdate::default() }]);
    model.handle(EngineEvent::Finished(RunEnd::new(Outcome::Finished, "finished")));
    let mut harness = harness(model);
    harness.run();
    let threads = texts(&harness, "Threads panel");
    assert!(has(&threads, "This program ran in one thread, MainThread"), "{threads:?}");
    assert!(has(&threads, "It started no asyncio event loop either"), "{threads:?}");
    assert!(!has(&threads, "ran your code"), "no timeline summary: {threads:?}");
    let stack = texts(&harness, "Stack panel");
    assert!(!has(&stack, "running this step") && !has(&stack, "runs this step"), "{stack:?}");
    assert!(stack.contains(&"Frame <module> line 2".to_owned()), "{stack:?}");
}

#[test]
fn the_timeline_is_rebuilt_when_the_trace_grows_not_per_frame() {
    let mut harness = harness(two_threads());
    harness.run();
    let built = harness.state().threads.built_for;
    assert!(built.is_some());
    harness.run();
    assert_eq!(harness.state().threads.built_for, built, "nothing changed: nothing rebuilt");
    let model = &mut harness.state_mut().model;
    model.begin_run();
    step(model, 1, 0, vec![frame(1, "<module>", FrameKind::Module, 1)], vec![]);
    harness.run();
    assert_ne!(harness.state().threads.built_for, built, "a new run rebuilds");
    assert!(!harness.state().threads.timeline.is_multithreaded(), "from the new run's switches (none)");
}
