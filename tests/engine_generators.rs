//! Generators and coroutines between resumptions: the recorded state, line and locals of a paused
//! frame equal what the program itself reads from `gi_frame`/`cr_frame` and `inspect` at that moment.

mod common;

use pyxray::trace::{GeneratorPhase, GeneratorState, Internals, Key, Outcome, Snapshot, Stream, TraceStore};

fn record(code: &str) -> TraceStore {
    let engine = common::engine();
    let store = common::record(&engine, common::request(code, "generators.py"));
    assert_eq!(store.end().map(|end| end.outcome), Some(Outcome::Finished), "{:?}", store.end());
    store
}

/// What the program printed at each checkpoint: `label state line name=id ...`.
struct Report {
    state: String,
    line: Option<u32>,
    locals: Vec<(String, u64)>,
}

fn reports(store: &TraceStore) -> Vec<(String, Report)> {
    store
        .all_output(Stream::Stdout)
        .lines()
        .map(|line| {
            let mut words = line.split_whitespace();
            let label = words.next().expect("a label").to_owned();
            let state = words.next().expect("a state").to_owned();
            let line_word = words.next().expect("a line");
            let locals = words
                .map(|pair| {
                    let (name, id) = pair.split_once('=').expect("name=id");
                    (name.to_owned(), id.parse().expect("an id"))
                })
                .collect();
            (label, Report { state, line: line_word.parse().ok(), locals })
        })
        .collect()
}

/// The snapshot of the (first) step about to run the program line that prints `label`.
fn snapshot_at_print(store: &mut TraceStore, code: &str, label: &str) -> Snapshot {
    let wanted = format!("print(\"{label}\"");
    let line = code.lines().position(|text| text.trim_start().starts_with(&wanted)).expect("the print") as u32 + 1;
    let step = (0..store.len())
        .find(|&step| store.snapshot(step).ok().flatten().is_some_and(|s| s.line == line && s.stack.len() == 1))
        .expect("a step on the print line");
    store.snapshot(step).expect("decodes").expect("recorded").clone()
}

fn bound(snapshot: &Snapshot, name: &str) -> u64 {
    snapshot.stack[0].locals.iter().find(|binding| binding.name == name).map(|binding| binding.id).expect(name)
}

fn state_of(snapshot: &Snapshot, id: u64) -> GeneratorState {
    match snapshot.internals.get(&id) {
        Some(Internals::Generator(state)) => state.clone(),
        other => panic!("no generator internals for {id}: {other:?}"),
    }
}

/// Checks one checkpoint: state, line and locals as recorded equal what the program printed, and the
/// locals are the generator's children on the heap (its frame drawn attached to it).
fn check(snapshot: &Snapshot, generator: u64, report: &Report, label: &str) {
    let state = state_of(snapshot, generator);
    assert_eq!(state.state.as_str(), report.state, "{label}: state");
    match (&state.frame, report.line) {
        (Some(frame), Some(line)) => {
            assert_eq!(frame.line, line, "{label}: line");
            let mut recorded: Vec<(String, u64)> =
                frame.locals.iter().map(|binding| (binding.name.clone(), binding.id)).collect();
            let mut printed = report.locals.clone();
            recorded.sort();
            printed.sort();
            assert_eq!(recorded, printed, "{label}: locals");
            let object = &snapshot.heap[&generator];
            for (name, id) in &printed {
                assert!(
                    object.children.iter().any(|child| child.key == Key::Name(name.clone()) && child.id == *id),
                    "{label}: {name} is a child of the generator: {:?}",
                    object.children
                );
                assert!(snapshot.heap.contains_key(id), "{label}: {name}'s object is on the heap");
            }
        }
        (None, None) => assert!(snapshot.heap[&generator].children.is_empty(), "{label}: no frame, no children"),
        (frame, line) => panic!("{label}: recorded frame {frame:?}, program saw line {line:?}"),
    }
}

const GENERATOR: &str = r#"import inspect
def count(n):
    total = 0
    for i in range(n):
        total += i
        yield total
def show(label, g):
    f = g.gi_frame
    where = f.f_lineno if f is not None else "-"
    pairs = " ".join(f"{k}={id(v)}" for k, v in f.f_locals.items()) if f is not None else ""
    print(label, inspect.getgeneratorstate(g), where, pairs)
g = count(4)
show("A", g)
next(g)
show("B", g)
next(g)
show("C", g)
print("X", "mark", "-")
for rest in g:
    pass
show("D", g)
"#;

#[test]
fn a_generator_between_resumptions_has_the_line_and_locals_it_reports() {
    let mut store = record(GENERATOR);
    let reports = reports(&store);
    let labels: Vec<&str> = reports.iter().map(|(label, _)| label.as_str()).collect();
    assert_eq!(labels, ["A", "B", "C", "X", "D"]);
    let expected_states = ["created", "suspended", "suspended"];
    for ((label, report), expected) in reports.iter().zip(expected_states) {
        assert_eq!(report.state.to_lowercase(), format!("gen_{expected}"), "{label}: inspect says");
    }
    // `show(...)` runs in a deeper frame; its line's step (on the module) is where the state is read.
    for (label, report) in reports.iter().filter(|(label, _)| label != "X") {
        let call = format!("show(\"{label}\"");
        let line = GENERATOR.lines().position(|text| text.starts_with(&call)).expect("the call") as u32 + 1;
        let step = (0..store.len())
            .find(|&step| store.snapshot(step).ok().flatten().is_some_and(|s| s.line == line && s.stack.len() == 1))
            .expect("a step on the call line");
        let snapshot = store.snapshot(step).expect("decodes").expect("recorded").clone();
        let generator = bound(&snapshot, "g");
        let report = Report {
            state: report.state.trim_start_matches("GEN_").to_lowercase(),
            line: report.line,
            locals: report.locals.clone(),
        };
        check(&snapshot, generator, &report, label);
    }
    // The print of "X" sits between two resumptions: g is suspended in `count`, not running.
    let snapshot = snapshot_at_print(&mut store, GENERATOR, "X");
    let state = state_of(&snapshot, bound(&snapshot, "g"));
    assert_eq!(state.state, GeneratorPhase::Suspended);
    assert_eq!(state.frame.as_ref().map(|frame| frame.function.as_str()), Some("count"));
}

#[test]
fn a_running_generator_has_its_frame_on_the_stack_and_keeps_its_identity_when_paused() {
    let code = "def gen():\n    x = 1\n    yield x\n    yield x + 1\ng = gen()\nfirst = next(g)\nsecond = next(g)\ndone = True\n";
    let mut store = record(code);
    let mut running_ids = Vec::new();
    let mut paused_ids = Vec::new();
    for step in 0..store.len() {
        let snapshot = store.snapshot(step).expect("decodes").expect("recorded").clone();
        let Some(g) = snapshot.stack[0].locals.iter().find(|binding| binding.name == "g").map(|binding| binding.id)
        else {
            continue;
        };
        let state = state_of(&snapshot, g);
        let top = snapshot.top_frame().expect("a frame");
        if top.function == "gen" && snapshot.event == Some(pyxray::trace::Event::Line) {
            assert_eq!((state.state, state.frame.is_none()), (GeneratorPhase::Running, true), "step {step}");
            running_ids.push(top.frame_id);
        } else if let Some(frame) = &state.frame {
            paused_ids.push(frame.frame_id);
        }
    }
    running_ids.dedup();
    paused_ids.dedup();
    assert_eq!(running_ids.len(), 1, "one activation across resumptions: {running_ids:?}");
    assert_eq!(paused_ids, running_ids, "created and suspended, the frame is the one that runs");
}

const COROUTINE: &str = r#"import inspect, types
@types.coroutine
def pause(value):
    got = yield value
    return got
async def worker(a):
    b = await pause(a + 1)
    c = await pause(b * 2)
    return a + b + c
def show(label, co):
    f = co.cr_frame
    where = f.f_lineno if f is not None else "-"
    pairs = " ".join(f"{k}={id(v)}" for k, v in f.f_locals.items()) if f is not None else ""
    print(label, inspect.getcoroutinestate(co), where, pairs)
co = worker(1)
show("A", co)
first = co.send(None)
show("B", co)
second = co.send(10)
show("C", co)
try:
    co.send(5)
except StopIteration as stop:
    result = stop.value
show("D", co)
"#;

#[test]
fn a_coroutine_driven_by_send_is_recorded_between_sends() {
    let mut store = record(COROUTINE);
    let reports = reports(&store);
    let states: Vec<&str> = reports.iter().map(|(_, report)| report.state.as_str()).collect();
    assert_eq!(states, ["CORO_CREATED", "CORO_SUSPENDED", "CORO_SUSPENDED", "CORO_CLOSED"]);
    for (label, report) in &reports {
        let call = format!("show(\"{label}\"");
        let line = COROUTINE.lines().position(|text| text.starts_with(&call)).expect("the call") as u32 + 1;
        let step = (0..store.len())
            .find(|&step| store.snapshot(step).ok().flatten().is_some_and(|s| s.line == line && s.stack.len() == 1))
            .expect("a step on the call line");
        let snapshot = store.snapshot(step).expect("decodes").expect("recorded").clone();
        let coroutine = bound(&snapshot, "co");
        let report = Report {
            state: report.state.trim_start_matches("CORO_").to_lowercase(),
            line: report.line,
            locals: report.locals.clone(),
        };
        check(&snapshot, coroutine, &report, label);
    }
}

#[test]
fn an_exhausted_generator_has_no_frame() {
    let code = "def one():\n    yield 1\ng = one()\nitems = list(g)\ndone = True\n";
    let mut store = record(code);
    let last = store.len() - 1;
    let snapshot = store.snapshot(last).expect("decodes").expect("recorded").clone();
    let state = state_of(&snapshot, bound(&snapshot, "g"));
    assert_eq!(state, GeneratorState { state: GeneratorPhase::Closed, frame: None });
}
