//! The Bytecode panel's data: the worker's disassembly of the program (compared with what `dis`
//! prints for the same source on the same interpreter), which code object each frame runs, a clean
//! `sys.modules` after disassembling, and stepping by instruction (compared with a reference
//! `sys.settrace` function that sets `f_trace_opcodes`).

mod common;

use std::collections::BTreeMap;
use std::process::Command;

use pyxray::engine::{Engine, EngineEvent, RunRequest};
use pyxray::trace::{Disassembly, Event, RunEnd, TraceStore};

const FILENAME: &str = "main.py";

/// A function, a lambda, comprehensions, a generator expression, a class with a method, a closure,
/// a loop (jumps) and a try block.
const PROGRAM: &str = r#"import sys

def area(r):
    return PI * r * r

PI = 3.14
double = lambda x: x * 2
squares = [i * i for i in range(4)]
table = {k: v for k, v in zip("ab", range(2))}
total = sum(n for n in range(5) if n % 2)

class Point:
    origin = 0
    def __init__(self, x):
        self.x = x
    def moved(self, dx):
        def step(v):
            return v + dx
        return Point(step(self.x))

p = Point(1).moved(2)
for n in range(3):
    if n == 1:
        continue
    total += double(n)
try:
    1 / 0
except ZeroDivisionError:
    total -= 1
print(area(2), squares, table, total, p.x)
"#;

/// Runs a request, keeping the steps and the disassembly (and whether it came before the first step).
fn record_with_bytecode(engine: &Engine, request: RunRequest) -> (TraceStore, Option<Disassembly>, bool, RunEnd) {
    let mut store = TraceStore::new();
    let mut bytecode = None;
    let mut bytecode_first = false;
    let end = pyxray::cli::run_to_end(engine, request, |event| match event {
        EngineEvent::Bytecode(disassembly) => {
            bytecode_first = store.is_empty();
            bytecode = Some(*disassembly);
        }
        EngineEvent::Step(bytes) => {
            store.push_encoded(&bytes).expect("a step decodes");
        }
        EngineEvent::Output { stream, text } => store.push_output(stream, &text),
        _ => {}
    })
    .expect("the run ends");
    (store, bytecode, bytecode_first, end)
}

/// Runs `script` (which reads the program from stdin) with the Python pyxray was built against.
fn reference(script: &str, program: &str) -> String {
    use std::io::Write;
    let mut child = Command::new(common::python())
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the build's Python starts");
    child.stdin.take().expect("stdin").write_all(program.as_bytes()).expect("the program is written");
    let output = child.wait_with_output().expect("the reference runs");
    assert!(output.status.success(), "the reference script failed");
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// Every code object of the program, by qualified name and first line, each instruction as `dis`
/// prints it: offset, opname, arg, argrepr, line, jump target. Lines come from the code object's
/// own tables rather than from the instruction's fields: before 3.13, `findlinestarts` carried
/// forward (`dis` prints a line only where it starts); from 3.13, `co_lines()`, where an
/// instruction the compiler gave no line (an exception handler's clean-up) has none, as `dis`
/// prints `--` for it.
const DIS_REFERENCE: &str = r#"
import dis, json, sys
code = compile(sys.stdin.read(), "main.py", "exec")
out = {}
todo = [code]
while todo:
    co = todo.pop()
    starts = dict((offset, line) for offset, line in dis.findlinestarts(co) if line is not None)
    ranges = list(co.co_lines())
    rows, line = [], None
    for ins in dis.Bytecode(co):
        if sys.version_info >= (3, 13):
            line = next((l for start, end, l in ranges if start <= ins.offset < end), None)
        elif ins.offset in starts:
            line = starts[ins.offset]
        rows.append([ins.offset, ins.opname, ins.arg, ins.argrepr, line, bool(ins.is_jump_target)])
    out[f"{getattr(co, 'co_qualname', co.co_name)}@{co.co_firstlineno}"] = rows
    todo.extend(c for c in co.co_consts if isinstance(c, type(co)))
print(json.dumps(out))
"#;

/// `<code object f at 0x7f..., file "main.py", line 3>` names an address that differs between processes.
fn without_address(argrepr: &str) -> String {
    match (argrepr.find(" at 0x"), argrepr.find(", file")) {
        (Some(start), Some(end)) if start < end => format!("{}{}", &argrepr[..start], &argrepr[end..]),
        _ => argrepr.to_owned(),
    }
}

type Listing = BTreeMap<String, Vec<(u32, String, Option<u32>, String, Option<u32>, bool)>>;

#[test]
fn the_disassembly_is_what_dis_prints_on_this_interpreter() {
    let engine = common::engine();
    let (store, bytecode, bytecode_first, end) = record_with_bytecode(&engine, common::request(PROGRAM, FILENAME));
    assert_eq!(end.outcome, pyxray::trace::Outcome::Finished, "{}", end.message);
    assert!(bytecode_first, "the listing arrives before the first step");
    let bytecode = bytecode.expect("a traced run sends its disassembly");
    assert_eq!(bytecode.problem, None);
    assert_eq!(bytecode.source, PROGRAM);

    let ours: Listing = bytecode
        .objects
        .iter()
        .map(|code| {
            let rows = code
                .instructions
                .iter()
                .map(|i| (i.offset, i.opname.clone(), i.arg, without_address(&i.argrepr), i.line, i.is_jump_target))
                .collect();
            (format!("{}@{}", code.name, code.first_line), rows)
        })
        .collect();
    let mut expected: Listing =
        serde_json::from_str(reference(DIS_REFERENCE, PROGRAM).trim()).expect("the reference prints JSON");
    for row in expected.values_mut().flatten() {
        row.3 = without_address(&row.3);
    }
    assert_eq!(ours.keys().collect::<Vec<_>>(), expected.keys().collect::<Vec<_>>());
    assert_eq!(ours, expected);
    for name in ["<module>@1", "area@3", "<lambda>@7", "<genexpr>@10", "Point@12", "Point.moved.<locals>.step@17"] {
        assert!(ours.contains_key(name), "{name} is listed");
    }

    // Nesting: every code object but the module names its parent, which holds it.
    assert_eq!(bytecode.objects[0].name, "<module>");
    assert_eq!(bytecode.objects[0].parent, None);
    let step_fn = bytecode.objects.iter().find(|c| c.name == "Point.moved.<locals>.step").expect("step");
    let parent = &bytecode.objects[step_fn.parent.expect("a parent") as usize];
    assert_eq!(parent.name, "Point.moved");
    // Jumps name their target, which dis marks as a jump target.
    let module = &bytecode.objects[0];
    let targets: Vec<u32> = module.instructions.iter().filter_map(|i| i.jump_target).collect();
    assert!(!targets.is_empty(), "the loop jumps");
    for target in targets {
        let index = module.instruction_at(target as i32).expect("a jump lands on an instruction");
        assert!(module.instructions[index].is_jump_target, "offset {target}");
    }

    // Every frame of every step runs a listed code object, under the same name.
    let mut store = store;
    let mut frames_seen = 0;
    for step in 0..store.len() {
        let snapshot = store.snapshot(step).expect("decodes").expect("recorded").clone();
        for frame in &snapshot.stack {
            let code = bytecode.by_id(frame.code).unwrap_or_else(|| panic!("{} runs listed code", frame.function));
            assert_eq!(code.name, frame.function);
            assert_eq!(code.kind, frame.kind, "{}", frame.function);
            frames_seen += 1;
        }
        // The offset shown is an instruction of the top frame's code (or -1 before its first).
        if let Some(top) = snapshot.stack.last()
            && snapshot.offset >= 0
        {
            let code = bytecode.by_id(top.code).expect("listed");
            assert!(code.instruction_at(snapshot.offset).is_some(), "step {step}: offset {}", snapshot.offset);
        }
    }
    assert!(frames_seen > 20);
}

#[test]
fn disassembling_leaves_no_trace_in_sys_modules() {
    let engine = common::engine();
    let program = "import sys\nbefore = 'dis' in sys.modules, 'opcode' in sys.modules\nimport dis\nprint(before, 'dis' in sys.modules)\n";
    // Twice: the second run uses the disassembler already loaded.
    for run in 0..2 {
        let (mut store, bytecode, _, end) = record_with_bytecode(&engine, common::request(program, FILENAME));
        assert_eq!(end.outcome, pyxray::trace::Outcome::Finished, "{}", end.message);
        assert!(bytecode.is_some_and(|b| !b.objects.is_empty()));
        let first = store.snapshot(0).expect("decodes").expect("recorded").clone();
        let names: Vec<&str> = first.modules.iter().map(|m| m.name.as_str()).collect();
        if run == 0 {
            // The worker itself never imports dis: the program's import is its first.
            assert!(!names.contains(&"dis") && !names.contains(&"opcode"), "run {run}: {names:?}");
            assert_eq!(store.all_output(pyxray::trace::Stream::Stdout), "(False, False) True\n");
            let last = store.snapshot(store.len() - 1).expect("decodes").expect("recorded").clone();
            let dis = last.modules.iter().find(|m| m.name == "dis").expect("the program imported dis");
            assert!(dis.added_step > 0, "dis was added by the program's import, at step {}", dis.added_step);
        } else {
            // The program's own import of the first run stays, as in any interpreter.
            assert_eq!(store.all_output(pyxray::trace::Stream::Stdout), "(True, True) True\n");
        }
    }
}

#[test]
fn a_fresh_worker_shows_no_disassembler_modules_at_any_step() {
    let engine = common::engine();
    let program = "import sys\nhad = sorted(m for m in ('dis', 'opcode', '_opcode') if m in sys.modules)\nprint(had)\n";
    let (store, _, _, end) = record_with_bytecode(&engine, common::request(program, FILENAME));
    assert_eq!(end.outcome, pyxray::trace::Outcome::Finished, "{}", end.message);
    // What a plain interpreter has at start-up, measured on the same Python.
    let plain = reference("import sys\nprint(sorted(m for m in ('dis', 'opcode', '_opcode') if m in sys.modules))", "");
    assert_eq!(store.all_output(pyxray::trace::Stream::Stdout), plain);
}

/// `(event, function, offset)` of every call, opcode, return and exception event in main.py, from a
/// `sys.settrace` function that asks for opcode events.
const OPCODE_REFERENCE: &str = r#"
import sys
source = sys.stdin.read()
code = compile(source, "main.py", "exec")
seen = []
def trace(frame, event, arg):
    if frame.f_code.co_filename != "main.py":
        return None
    frame.f_trace_opcodes = True
    if event != "line":
        name = getattr(frame.f_code, "co_qualname", frame.f_code.co_name)
        seen.append(f"{event} {name} {frame.f_lasti}")
    return trace
sys.settrace(trace)
try:
    exec(code, {"__name__": "__main__"})
finally:
    sys.settrace(None)
print("\n".join(seen))
"#;

const STEPPING_PROGRAM: &str = r#"def f(a):
    b = a + 1
    return b

total = 0
for i in range(3):
    if i % 2:
        total += f(i)
squares = [n * n for n in range(2)]
try:
    total / 0
except ZeroDivisionError:
    total = -total
"#;

fn events_of(store: &mut TraceStore) -> Vec<String> {
    (0..store.len())
        .map(|step| {
            let snapshot = store.snapshot(step).expect("decodes").expect("recorded");
            let event = match snapshot.event.expect("an event") {
                Event::Instruction => "opcode",
                other => other.as_str(),
            };
            let function = snapshot.stack.last().map_or("?", |frame| frame.function.as_str());
            format!("{event} {function} {}", snapshot.offset)
        })
        .collect()
}

#[test]
fn stepping_by_instruction_follows_the_real_opcode_sequence() {
    let engine = common::engine();
    let mut request = common::request(STEPPING_PROGRAM, FILENAME);
    request.instruction_steps = true;
    let (mut store, _, _, end) = record_with_bytecode(&engine, request);
    assert_eq!(end.outcome, pyxray::trace::Outcome::Finished, "{}", end.message);
    let ours = events_of(&mut store);
    let expected: Vec<String> = reference(OPCODE_REFERENCE, STEPPING_PROGRAM).lines().map(str::to_owned).collect();
    assert!(expected.iter().filter(|e| e.starts_with("opcode")).count() > 50, "{expected:?}");
    assert_eq!(ours, expected);

    // The same program by line records no instruction steps, and far fewer steps.
    let (mut by_line, _, _, _) = record_with_bytecode(&engine, common::request(STEPPING_PROGRAM, FILENAME));
    let line_events = events_of(&mut by_line);
    assert!(line_events.iter().all(|e| !e.starts_with("opcode")));
    assert!(line_events.len() * 2 < ours.len(), "{} line steps, {} instruction steps", line_events.len(), ours.len());
}

#[test]
fn instruction_steps_show_each_instruction_about_to_run_in_order() {
    let engine = common::engine();
    let mut request = common::request("x = 1\ny = x + 2\n", FILENAME);
    request.instruction_steps = true;
    let (mut store, bytecode, _, _) = record_with_bytecode(&engine, request);
    let bytecode = bytecode.expect("listed");
    let module = &bytecode.objects[0];
    let offsets: Vec<u32> = (0..store.len())
        .filter_map(|step| {
            let snapshot = store.snapshot(step).ok()??;
            (snapshot.event == Some(Event::Instruction)).then_some(snapshot.offset as u32)
        })
        .collect();
    // Straight-line code: every instruction after the first line starts runs once, in offset order.
    let first_line_start = module.instructions.iter().position(|i| i.line == Some(1)).expect("line 1");
    let listed: Vec<u32> = module.instructions[first_line_start..].iter().map(|i| i.offset).collect();
    assert_eq!(offsets, listed);
}
