//! Exceptions unwinding step by step: the exception object on the heap at each frame it leaves,
//! `finally` blocks running while it is handled, and `__cause__`/`__context__` chains as the
//! program's own `traceback.format_exception` prints them.

mod common;

use pyxray::trace::{Event, ExceptionInfo, Outcome, Snapshot, Stream, TraceStore};

fn record(code: &str) -> TraceStore {
    let engine = common::engine();
    let store = common::record(&engine, common::request(code, "exceptions.py"));
    assert_eq!(store.end().map(|end| end.outcome), Some(Outcome::Finished), "{:?}", store.end());
    store
}

fn snapshots(store: &mut TraceStore) -> Vec<Snapshot> {
    (0..store.len()).map(|step| store.snapshot(step).expect("decodes").expect("recorded").clone()).collect()
}

fn line_of(code: &str, text: &str) -> u32 {
    code.lines().position(|line| line.contains(text)).expect(text) as u32 + 1
}

const UNWINDING: &str = r#"import sys
def inner():
    raise ValueError("bad")
def middle():
    try:
        inner()
    finally:
        print("finally sees", repr(sys.exc_info()[1]))
def outer():
    try:
        middle()
    except ValueError as err:
        print("handler sees", repr(err))
outer()
"#;

#[test]
fn an_exception_unwinds_frame_by_frame_through_a_finally_to_its_handler() {
    let mut store = record(UNWINDING);
    assert_eq!(store.all_output(Stream::Stdout), "finally sees ValueError('bad')\nhandler sees ValueError('bad')\n");
    let steps = snapshots(&mut store);
    let raised: Vec<(usize, &Snapshot)> =
        steps.iter().enumerate().filter(|(_, s)| s.event == Some(Event::Exception)).collect();
    let frames: Vec<&str> = raised.iter().map(|(_, s)| s.top_frame().expect("a frame").function.as_str()).collect();
    assert_eq!(frames.first(), Some(&"inner"), "{frames:?}");
    assert_eq!(frames.last(), Some(&"outer"), "{frames:?}");
    let middle_at = frames.iter().position(|f| *f == "middle").expect("middle raises");
    // Each exception step carries the one exception object, on the heap at that step.
    let object = raised[0].1.exception.as_ref().and_then(|info| info.object).expect("the object");
    for (_, snapshot) in &raised {
        let info = snapshot.exception.as_ref().expect("an exception");
        assert_eq!((info.type_name.as_str(), info.message.as_str(), info.handled), ("ValueError", "bad", false));
        assert_eq!(info.object, Some(object), "the same object travels up");
        assert!(snapshot.heap.contains_key(&object), "the exception object is on the heap");
    }
    let finally_line = line_of(UNWINDING, "finally sees");
    let handler_line = line_of(UNWINDING, "handler sees");
    let finally_step = steps
        .iter()
        .position(|s| s.line == finally_line && s.event == Some(Event::Line))
        .expect("the finally block runs");
    let handler_step =
        steps.iter().position(|s| s.line == handler_line && s.event == Some(Event::Line)).expect("the handler runs");
    let outer_raise = raised.iter().find(|(_, s)| s.top_frame().is_some_and(|f| f.function == "outer")).expect("outer");
    assert!(raised[middle_at].0 < finally_step, "middle's exception step comes before its finally");
    assert!(finally_step < outer_raise.0 && outer_raise.0 < handler_step, "finally, then outer, then the handler");
    for step in [finally_step, handler_step] {
        let info = steps[step].exception.as_ref().expect("the exception being handled");
        assert!(info.handled, "step {step} handles it");
        assert_eq!((info.type_name.as_str(), info.object), ("ValueError", Some(object)));
        assert!(steps[step].heap.contains_key(&object));
    }
    // Before anything is raised, no exception is recorded.
    assert!(steps[..raised[0].0].iter().all(|s| s.exception.is_none()));
}

const CHAINS: &str = r#"import traceback
class Unreadable(Exception):
    pass
def convert(text):
    try:
        return int(text)
    except ValueError as err:
        raise RuntimeError("cannot convert") from err
def lookup():
    try:
        {}["k"]
    except KeyError:
        return 1 / 0
def quiet():
    try:
        {}["k"]
    except KeyError:
        raise Unreadable("no context shown") from None
for job in (lambda: convert("x"), lookup, quiet):
    try:
        job()
    except Exception as exc:
        for block in traceback.format_exception(exc):
            print(block, end="")
    print("---")
"#;

/// The exception lines of a printed traceback chain (the type and message lines and the sentences
/// between them), oldest first as Python prints them.
fn printed_chains(output: &str) -> Vec<Vec<String>> {
    output
        .split("---\n")
        .filter(|chunk| !chunk.trim().is_empty())
        .map(|chunk| {
            chunk
                .lines()
                .filter(|line| !line.is_empty() && !line.starts_with(' ') && !line.starts_with("Traceback"))
                .map(str::to_owned)
                .collect()
        })
        .collect()
}

fn first_line(type_name: &str, message: &str) -> String {
    if message.is_empty() { type_name.to_owned() } else { format!("{type_name}: {message}") }
}

/// The same lines built from what was recorded.
fn recorded_chain(info: &ExceptionInfo) -> Vec<String> {
    let mut lines = Vec::new();
    for link in info.chain.iter().rev() {
        lines.push(first_line(&link.type_name, &link.message));
        lines.push(link.link.sentence().to_owned());
    }
    lines.push(first_line(&info.type_name, &info.message));
    lines
}

#[test]
fn cause_and_context_chains_match_what_traceback_prints() {
    let mut store = record(CHAINS);
    let printed = printed_chains(&store.all_output(Stream::Stdout));
    assert_eq!(printed.len(), 3, "{printed:?}");
    let steps = snapshots(&mut store);
    for (final_type, expected) in ["RuntimeError", "ZeroDivisionError", "Unreadable"].iter().zip(&printed) {
        let info = steps
            .iter()
            .filter(|s| s.event == Some(Event::Exception))
            .filter_map(|s| s.exception.as_ref())
            .find(|info| info.type_name == *final_type)
            .unwrap_or_else(|| panic!("{final_type} is raised"));
        assert_eq!(&recorded_chain(info), expected, "{final_type}");
    }
    let quiet = steps
        .iter()
        .filter_map(|s| s.exception.as_ref())
        .find(|info| info.type_name == "Unreadable")
        .expect("Unreadable");
    assert!(quiet.suppress_context && quiet.chain.is_empty(), "`from None` hides the KeyError: {quiet:?}");
}
