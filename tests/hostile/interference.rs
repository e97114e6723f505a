//! Programs that tamper with the tracer, the interpreter or their own objects' protocols.

use serde_json::Value;

use crate::support::{Traced, secs, trace};

fn repr_of_local(run: &Traced, name: &str) -> String {
    let step = run.last_step.as_ref().expect("a step");
    let id = step["stack"][0]["locals"][name].as_str().expect("the local is bound").to_owned();
    let file = std::fs::read_to_string(run.dir.path().join("trace.jsonl")).expect("trace");
    let mut repr = String::new();
    for line in file.lines().filter(|line| line.starts_with("{\"type\":\"step\"")) {
        let step: Value = serde_json::from_str(line).expect("JSON");
        if let Some(text) = step["objects"][&id]["repr"].as_str() {
            repr = text.to_owned();
        }
    }
    repr
}

#[test]
fn sys_settrace_none_does_not_end_the_recording() {
    let run = trace("import sys\nsys.settrace(None)\na = 1\nb = 2\n", &[]);
    run.expect_outcome("finished").within(secs(10));
    assert_eq!(run.last_step.as_ref().expect("steps")["line"], 4, "line 4 is still recorded");
}

#[test]
fn threading_settrace_is_harmless() {
    let code = "import threading\nthreading.settrace(lambda *args: None)\nt = threading.Thread(target=print, args=('in thread',))\nt.start()\nt.join()\nx = 1\n";
    let run = trace(code, &[]);
    run.expect_outcome("finished").within(secs(10));
    assert_eq!(run.stdout, "in thread\n");
}

#[test]
fn clearing_sys_modules_ends_cleanly() {
    let run = trace("import sys\nsys.modules.clear()\nx = 1\nprint('after')\n", &[]);
    run.within(secs(10));
    assert!(["finished", "exception"].contains(&run.outcome()), "{}", run.end);
}

#[test]
fn replaced_builtins_do_not_fool_the_recorder() {
    let code = "import builtins\nbuiltins.repr = lambda obj: 'fake'\nbuiltins.print = None\nx = [1, 2]\ny = 3\n";
    let run = trace(code, &[]);
    run.expect_outcome("finished").within(secs(10));
    assert_eq!(repr_of_local(&run, "x"), "[1, 2]");
}

#[test]
fn a_repr_that_loops_forever_gets_a_placeholder() {
    let code = "class Stuck:\n    def __repr__(self):\n        while True:\n            pass\ns = Stuck()\nx = 1\n";
    let run = trace(code, &[]);
    run.expect_outcome("finished").within(secs(10));
    assert!(repr_of_local(&run, "s").contains("too long"), "{}", repr_of_local(&run, "s"));
}

#[test]
fn a_repr_that_raises_gets_a_placeholder() {
    let code = "class Broken:\n    def __repr__(self):\n        raise RuntimeError('no')\nb = Broken()\nx = 1\n";
    let run = trace(code, &[]);
    run.expect_outcome("finished").within(secs(10));
    assert!(repr_of_local(&run, "b").contains("RuntimeError"), "{}", repr_of_local(&run, "b"));
}

#[test]
fn a_fifty_megabyte_repr_is_cut() {
    let code = "class Huge:\n    def __repr__(self):\n        return 'h' * 50_000_000\nh = Huge()\nx = 1\n";
    let run = trace(code, &[]);
    run.expect_outcome("finished").within(secs(15)).trace_under(1_000_000);
    let repr = repr_of_local(&run, "h");
    assert!(repr.starts_with("hhhh") && repr.len() < 1_000, "{} characters", repr.len());
}

#[test]
fn raising_getattribute_eq_and_hash_are_survived() {
    let code = "class Hostile:\n    def __getattribute__(self, name):\n        raise RuntimeError(name)\n    def __eq__(self, other):\n        raise RuntimeError('eq')\n    def __hash__(self):\n        raise RuntimeError('hash')\nh = Hostile()\nitems = [h, h]\nx = 1\n";
    let run = trace(code, &[]);
    run.expect_outcome("finished").within(secs(10));
    assert_eq!(run.objects_by_type("Hostile").len(), 1);
}

#[test]
fn a_lying_class_attribute_does_not_change_the_type() {
    let code = "class Liar:\n    @property\n    def __class__(self):\n        return int\nl = Liar()\nx = 1\n";
    let run = trace(code, &[]);
    run.expect_outcome("finished").within(secs(10));
    assert_eq!(run.objects_by_type("Liar").len(), 1, "the real type is shown");
}

#[test]
fn cyclic_structures_are_shown_as_cpython_shows_them() {
    let code = "a = []\na.append(a)\nd = {}\nd['self'] = d\nx = 1\n";
    let run = trace(code, &[]);
    run.expect_outcome("finished").within(secs(10));
    assert_eq!(repr_of_local(&run, "a"), "[[...]]");
    assert_eq!(repr_of_local(&run, "d"), "{'self': {...}}");
}
