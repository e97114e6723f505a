//! The recorded trace against CPython's own `sys.settrace` view of the same programs, on the same
//! interpreter: the same line steps (function, line), the same locals' reprs, the same sharing.
//! Expectations are computed by CPython in the test, never written by hand.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use pyxray::trace::{Event, Stream};
use serde::Deserialize;

/// Addresses in default reprs (`<function f at 0x7f...>`) differ between two processes.
fn without_addresses(repr: &str) -> String {
    let mut out = String::with_capacity(repr.len());
    let mut rest = repr;
    while let Some(at) = rest.find(" at 0x") {
        out.push_str(&rest[..at + 6]);
        rest = rest[at + 6..].trim_start_matches(|c: char| c.is_ascii_hexdigit());
        out.push_str("ADDR");
    }
    out.push_str(rest);
    out
}

#[derive(Debug, Deserialize, PartialEq)]
struct LineStep {
    function: String,
    line: u32,
    locals: BTreeMap<String, String>,
    shared: Vec<Vec<String>>,
}

fn reference_steps(program: &Path) -> Vec<LineStep> {
    let tracer = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fidelity/reference_tracer.py");
    let output = Command::new(common::python()).arg(&tracer).arg(program).output().expect("python runs");
    assert!(output.status.success(), "reference tracer failed: {}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    // The program's own output comes first; the JSON is the last line written.
    let json_start = stdout.rfind("[{").or_else(|| stdout.rfind("[]")).expect("reference JSON");
    let mut steps: Vec<LineStep> = serde_json::from_str(&stdout[json_start..]).expect("reference JSON parses");
    for step in &mut steps {
        for repr in step.locals.values_mut() {
            *repr = without_addresses(repr);
        }
    }
    steps
}

fn plain_output(program: &Path) -> String {
    let output = Command::new(common::python()).arg(program).output().expect("python runs");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn recorded_steps(engine: &pyxray::engine::Engine, program: &Path) -> (Vec<LineStep>, String) {
    let code = std::fs::read_to_string(program).expect("program text");
    let filename = program.display().to_string();
    let mut store = common::record(engine, common::request(&code, &filename));
    let mut steps = Vec::new();
    for index in 0..store.len() {
        let snapshot = store.snapshot(index).expect("decodes").expect("recorded").clone();
        if snapshot.event != Some(Event::Line) {
            continue;
        }
        let top = snapshot.stack.last().expect("a frame");
        let locals =
            top.locals.iter().map(|b| (b.name.clone(), without_addresses(&snapshot.repr_of(b.id, 100_000)))).collect();
        let mut groups: BTreeMap<u64, Vec<String>> = BTreeMap::new();
        for binding in &top.locals {
            groups.entry(binding.id).or_default().push(binding.name.clone());
        }
        let mut shared: Vec<Vec<String>> = groups
            .into_values()
            .filter(|g| g.len() > 1)
            .map(|mut g| {
                g.sort();
                g
            })
            .collect();
        shared.sort();
        steps.push(LineStep { function: top.function.clone(), line: top.line, locals, shared });
    }
    (steps, store.all_output(Stream::Stdout))
}

#[test]
fn line_steps_locals_and_sharing_match_sys_settrace() {
    let engine = common::engine();
    let programs = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/programs");
    let mut names: Vec<_> = std::fs::read_dir(&programs)
        .expect("programs folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "py"))
        .collect();
    names.sort();
    assert!(names.len() >= 12, "the fidelity corpus covers every topic");
    let mut failures = Vec::new();
    for program in &names {
        let expected = reference_steps(program);
        let (recorded, output) = recorded_steps(&engine, program);
        assert!(!expected.is_empty(), "{}: the reference saw no steps", program.display());
        if recorded != expected {
            let first_difference = recorded.iter().zip(&expected).position(|(a, b)| a != b);
            failures.push(format!(
                "{}: {} recorded vs {} reference line steps; first difference at {:?}:\n  recorded:  {:?}\n  reference: {:?}",
                program.display(),
                recorded.len(),
                expected.len(),
                first_difference,
                first_difference.and_then(|i| recorded.get(i)),
                first_difference.and_then(|i| expected.get(i)),
            ));
        }
        let plain = plain_output(program);
        if output != plain {
            failures.push(format!("{}: output {output:?} differs from a plain run's {plain:?}", program.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
