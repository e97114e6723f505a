//! The asyncio event loop as recorded: at chosen lines the program prints its own view of the loop
//! (read from the tasks and `loop._ready` themselves) and the recorded `AsyncioState` of the step
//! about to run that line must say the same.

mod common;

use pyxray::engine::EngineEvent;
use pyxray::trace::{AsyncioState, ConcurrencyEvent, Outcome, Stream, TaskState, TraceStore};
use serde_json::Value;

/// Prints the program's view of the loop as one JSON line: its tasks (the ones it holds, in the
/// order it made them), the tasks behind the ready queue's callbacks and the live timers.
const REPORT: &str = r#"
import asyncio
import json

def report(label, tasks):
    loop = asyncio.get_running_loop()
    current = asyncio.current_task()
    rows = []
    for task in tasks:
        coro = task.get_coro()
        if not task.done():
            state = "running" if task is current else "pending"
        elif task.cancelled():
            state = "cancelled"
        elif task.exception() is not None:
            state = "failed " + type(task.exception()).__name__
        else:
            state = "done"
        line = coro.cr_frame.f_lineno if coro.cr_frame is not None else None
        awaiting = None
        if state == "pending":
            waiter = task._fut_waiter if task._fut_waiter is not None else coro.cr_await
            awaiting = type(waiter).__name__ if waiter is not None else None
        rows.append([id(task), task.get_name(), coro.__qualname__, state, line, awaiting])
    ready = [id(getattr(h._callback, "__self__", None)) for h in loop._ready if not h._cancelled]
    timers = len([h for h in loop._scheduled if not h._cancelled])
    classes = [type(task).__module__ + "." + type(task).__name__ for task in tasks]
    print(json.dumps({"label": label, "tasks": rows, "ready": ready, "timers": timers, "classes": classes}))
"#;

fn program(body: &str) -> String {
    format!("{REPORT}\n{body}")
}

fn record(code: &str) -> TraceStore {
    let engine = common::engine();
    let store = common::record(&engine, common::request(code, "tasks.py"));
    assert_eq!(store.end().map(|end| end.outcome), Some(Outcome::Finished), "{:?}", store.end());
    store
}

fn reports(store: &TraceStore) -> Vec<Value> {
    store
        .all_output(Stream::Stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|err| panic!("{err}: {line}")))
        .collect()
}

/// The 1-based line of the only line of `code` that starts with `text`.
fn line_of(code: &str, text: &str) -> u32 {
    let found: Vec<usize> =
        code.lines().enumerate().filter(|(_, line)| line.trim_start().starts_with(text)).map(|(i, _)| i).collect();
    assert_eq!(found.len(), 1, "{text}");
    found[0] as u32 + 1
}

/// The first step about to run `line` (a function's last line is also the step it returns at).
fn first_step_on(store: &mut TraceStore, line: u32) -> u64 {
    (0..store.len())
        .find(|&step| store.snapshot(step).ok().flatten().is_some_and(|s| s.line == line))
        .unwrap_or_else(|| panic!("no step on line {line}"))
}

/// The loop as recorded at the first step about to run `line`.
fn state_at_line(store: &mut TraceStore, line: u32) -> Option<AsyncioState> {
    let step = first_step_on(store, line);
    store.snapshot(step).expect("decodes").expect("recorded").asyncio.clone()
}

fn state_at_report(store: &mut TraceStore, code: &str, label: &str) -> AsyncioState {
    let line = line_of(code, &format!("report(\"{label}\""));
    state_at_line(store, line).unwrap_or_else(|| panic!("{label}: no loop recorded"))
}

fn state_text(state: &TaskState) -> String {
    match state {
        TaskState::Failed(kind) => format!("failed {kind}"),
        other => other.as_str().to_owned(),
    }
}

/// The recorded state equals the printed one: the same tasks in the same order with the same name,
/// coroutine, state, line and awaited type; the ready queue's callbacks belong to the same tasks;
/// the same number of timers. Returns the ready queue's descriptions for scenario checks.
fn check(state: &AsyncioState, printed: &Value) -> Vec<String> {
    let label = printed["label"].as_str().unwrap_or("?");
    let recorded: Vec<Value> = state
        .tasks
        .iter()
        .map(|task| {
            serde_json::json!([task.id, task.name, task.coroutine, state_text(&task.state), task.line, task.awaiting])
        })
        .collect();
    let expected = printed["tasks"].as_array().expect("tasks");
    assert_eq!(&recorded, expected, "{label}: tasks");
    let ready_tasks: Vec<Value> = state.ready.iter().map(|callback| serde_json::json!(callback.task)).collect();
    let printed_ready = printed["ready"].as_array().expect("ready");
    assert_eq!(ready_tasks.len(), printed_ready.len(), "{label}: ready queue length");
    for (recorded, printed) in ready_tasks.iter().zip(printed_ready) {
        // Callbacks that belong to no task have `__self__` of some other object (or none).
        if !recorded.is_null() {
            assert_eq!(recorded, printed, "{label}: ready queue");
        }
    }
    assert_eq!(Some(u64::from(state.timers)), printed["timers"].as_u64(), "{label}: timers");
    state.ready.iter().map(|callback| callback.describe.clone()).collect()
}

fn printed<'a>(reports: &'a [Value], label: &str) -> &'a Value {
    reports.iter().find(|report| report["label"] == label).unwrap_or_else(|| panic!("no report {label}"))
}

/// Tasks in every state; `FACTORY` is replaced by a line that chooses which Task class runs them.
const STATES: &str = r#"
async def worker(n):
    await asyncio.sleep(0)
    return n

async def failing():
    await asyncio.sleep(0)
    raise ValueError("no")

async def sleeper():
    await asyncio.sleep(10)

async def main():
    me = asyncio.current_task()
    FACTORY
    a = asyncio.create_task(worker(1), name="a")
    f = asyncio.create_task(failing(), name="f")
    s = asyncio.create_task(sleeper(), name="s")
    tasks = [me, a, f, s]
    report("created", tasks)
    await asyncio.sleep(0)
    report("started", tasks)
    await asyncio.sleep(0)
    report("finished", tasks)
    s.cancel()
    report("cancelling", tasks)
    await asyncio.sleep(0)
    report("cancelled", tasks)

asyncio.run(main())
"#;

#[test]
fn task_states_running_pending_done_failed_cancelled() {
    let store = check_states(&program(&STATES.replace("FACTORY", "pass")));
    let classes = &reports(&store)[0]["classes"];
    assert_eq!(classes[1], "_asyncio.Task", "{classes}");
}

/// The pure-Python Task (what asyncio runs without its C accelerator) steps and wakes through bound
/// methods instead of the C Task's wrappers; they read the same.
#[test]
fn pure_python_tasks_read_the_same() {
    let factory = "asyncio.get_running_loop().set_task_factory(\
                   lambda loop, coro, **kwargs: asyncio.tasks._PyTask(coro, loop=loop, **kwargs))";
    let code = program(&STATES.replace("FACTORY", factory));
    let store = check_states(&code);
    let classes = &reports(&store)[0]["classes"];
    assert_eq!(classes[1], "asyncio.tasks.Task", "{classes}");
}

/// Checks the `STATES` program's five reports; returns its recording.
fn check_states(code: &str) -> TraceStore {
    let mut store = record(code);
    let reports = reports(&store);
    assert_eq!(reports.len(), 5, "{reports:?}");

    let created = state_at_report(&mut store, code, "created");
    assert_eq!(check(&created, printed(&reports, "created")), ["step a", "step f", "step s"]);
    let states: Vec<&str> = created.tasks.iter().map(|task| task.state.as_str()).collect();
    assert_eq!(states, ["running", "pending", "pending", "pending"]);

    let started = state_at_report(&mut store, code, "started");
    // Each task ran to its first await: the two sleep(0)s are back in the queue, s waits on a timer.
    assert_eq!(check(&started, printed(&reports, "started")), ["step a", "step f"]);
    assert_eq!(started.timers, 1);

    let finished = state_at_report(&mut store, code, "finished");
    check(&finished, printed(&reports, "finished"));
    let states: Vec<String> = finished.tasks.iter().map(|task| state_text(&task.state)).collect();
    assert_eq!(states, ["running", "done", "failed ValueError", "pending"]);
    assert_eq!(finished.tasks[3].awaiting.as_deref(), Some("Future"));

    let cancelling = state_at_report(&mut store, code, "cancelling");
    // Cancelling s cancels the future it waits on, whose callback wakes s.
    assert_eq!(check(&cancelling, printed(&reports, "cancelling")), ["wake s"]);
    assert_eq!(cancelling.ready[0].task, Some(cancelling.tasks[3].id));

    let cancelled = state_at_report(&mut store, code, "cancelled");
    check(&cancelled, printed(&reports, "cancelled"));
    assert_eq!(cancelled.tasks[3].state, TaskState::Cancelled);
    assert_eq!(cancelled.timers, 0);
    store
}

#[test]
fn gather_of_three_and_the_ready_queue_after_sleep_zero() {
    let code = program(
        r#"
async def job(rounds):
    for _ in range(rounds):
        await asyncio.sleep(0)
    return rounds

async def main():
    gathering = asyncio.gather(job(1), job(2), job(3))
    tasks = [asyncio.current_task(), *gathering._children]
    report("gathered", tasks)
    await asyncio.sleep(0)
    report("one round", tasks)
    results = await gathering
    report("all done", tasks)
    return results

asyncio.run(main())
"#,
    );
    let mut store = record(&code);
    let reports = reports(&store);
    assert_eq!(reports.len(), 3, "{reports:?}");
    let names: Vec<String> = printed(&reports, "gathered")["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .map(|row| row[1].to_string())
        .collect();
    let step = |index: usize| format!("step {}", names[index].trim_matches('"'));

    let gathered = state_at_report(&mut store, &code, "gathered");
    // Created in argument order, first seen at the same step: listed in that order all the same.
    assert_eq!(check(&gathered, printed(&reports, "gathered")), [step(1), step(2), step(3)]);

    let round = state_at_report(&mut store, &code, "one round");
    // Every job ran once and went back to the end of the queue in turn; main ran last.
    assert_eq!(check(&round, printed(&reports, "one round")), [step(1), step(2), step(3)]);
    assert!(round.tasks[1..].iter().all(|task| task.state == TaskState::Pending && task.coroutine == "job"));

    let done = state_at_report(&mut store, &code, "all done");
    check(&done, printed(&reports, "all done"));
    let states: Vec<&str> = done.tasks.iter().map(|task| task.state.as_str()).collect();
    assert_eq!(states, ["running", "done", "done", "done"]);
    assert!(done.ready.is_empty());
}

#[test]
fn the_loop_is_shown_only_while_it_runs() {
    let code = program(
        r#"
async def main():
    report("inside", [asyncio.current_task()])

before = 1
asyncio.run(main())
after = 2
"#,
    );
    let mut store = record(&code);
    let reports = reports(&store);
    let inside = state_at_report(&mut store, &code, "inside");
    check(&inside, printed(&reports, "inside"));
    assert_eq!(inside.tasks[0].coroutine, "main");
    assert_eq!(state_at_line(&mut store, line_of(&code, "before = 1")), None);
    assert_eq!(state_at_line(&mut store, line_of(&code, "after = 2")), None);
}

#[test]
fn a_program_without_asyncio_sends_no_asyncio_events() {
    let code = "total = 0\nfor n in range(50):\n    total += n\nprint(total)\n";
    let engine = common::engine();
    let mut asyncio_events = 0;
    let mut steps = 0;
    let end = pyxray::cli::run_to_end(&engine, common::request(code, "plain.py"), |event| match event {
        EngineEvent::Concurrency(ConcurrencyEvent::Asyncio(_)) => asyncio_events += 1,
        EngineEvent::Step(_) => steps += 1,
        _ => {}
    })
    .expect("the run ends");
    assert_eq!(end.outcome, Outcome::Finished);
    assert!(steps > 100, "{steps} steps");
    assert_eq!(asyncio_events, 0);
}
