//! `pyxray render PROGRAM.py --step N --out FILE`: the Heap panel's diagram of one step as SVG or PNG.
//! The SVG is checked against `pyxray trace` of the same program: every name and every object of
//! that step (its full `id()`, its short id and, for values, its repr) is in the picture.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const PROGRAM: &str = "\
def pair(a, b):
    return (a, b)

numbers = [1, 2, 3]
alias = numbers
table = {'key': 'value', 'n': 7}
both = pair(numbers, 'x')
flag = None
";

struct Workspace {
    dir: tempfile::TempDir,
}

impl Workspace {
    fn new(code: &str) -> Workspace {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("prog.py"), code).expect("write program");
        Workspace { dir }
    }

    fn program(&self) -> PathBuf {
        self.dir.path().join("prog.py")
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn pyxray(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_pyxray")).args(args).output().expect("pyxray runs")
    }

    fn render(&self, step: u64, out: &Path, extra: &[&str]) -> Output {
        let program = self.program();
        let step = step.to_string();
        let mut args = vec!["render", program.to_str().expect("utf-8 path"), "--step", &step];
        let out = out.to_str().expect("utf-8 path");
        args.extend(["--out", out]);
        args.extend(extra);
        self.pyxray(&args)
    }

    /// The trace's step lines.
    fn trace(&self) -> Vec<Value> {
        let out = self.path("trace.jsonl");
        let program = self.program();
        let status = self.pyxray(&["trace", program.to_str().expect("utf-8"), "--out", out.to_str().expect("utf-8")]);
        assert!(status.status.success());
        let text = std::fs::read_to_string(out).expect("trace written");
        text.lines()
            .map(|line| serde_json::from_str::<Value>(line).expect("JSON"))
            .filter(|line| line["type"] == "step")
            .collect()
    }
}

/// The heap at each step from the trace: id -> (type, repr), replaying new, changed and gone objects.
fn heap_at(steps: &[Value], index: usize) -> HashMap<String, (String, String)> {
    let mut heap: HashMap<String, (String, String)> = HashMap::new();
    for step in &steps[..=index] {
        if let Some(objects) = step["objects"].as_object() {
            for (id, object) in objects {
                let entry = heap.entry(id.clone()).or_default();
                if let Some(type_name) = object["type"].as_str() {
                    entry.0 = type_name.to_owned();
                }
                if let Some(repr) = object["repr"].as_str() {
                    entry.1 = repr.to_owned();
                }
            }
        }
        for gone in step["gone"].as_array().into_iter().flatten() {
            heap.remove(gone.as_str().unwrap_or_default());
        }
    }
    heap
}

/// Every piece of text in an SVG document: texts, titles and descriptions, unescaped.
fn svg_texts(svg: &str) -> Vec<String> {
    let document = roxmltree::Document::parse(svg).expect("well-formed SVG");
    document.descendants().filter(|n| n.is_element()).filter_map(|n| n.text()).map(str::to_owned).collect()
}

/// Distinct `id() = N` values named in the SVG's texts.
fn ids_named(texts: &[String]) -> HashSet<String> {
    let mut ids = HashSet::new();
    for text in texts {
        for (at, _) in text.match_indices("id() = ") {
            let digits: String = text[at + 7..].chars().take_while(char::is_ascii_digit).collect();
            ids.insert(digits);
        }
    }
    ids
}

/// Renders step `index` (0-based) with the binary and checks it against the same step of
/// `pyxray trace` (another run, so ids differ; names, reprs and the number of objects do not).
fn check_step_is_drawn(work: &Workspace, steps: &[Value], index: usize) {
    let out = work.path(&format!("step{}.svg", index + 1));
    let output = work.render(index as u64 + 1, &out, &[]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let texts = svg_texts(&std::fs::read_to_string(&out).expect("the SVG was written"));
    let all = texts.join("\n");

    for frame in steps[index]["stack"].as_array().expect("a stack") {
        let function = frame["function"].as_str().expect("function");
        assert!(texts.iter().any(|t| t == function), "frame {function} drawn");
        for name in frame["locals"].as_object().expect("locals").keys() {
            let row = texts
                .iter()
                .find(|t| t.starts_with(&format!("{name} → ")))
                .unwrap_or_else(|| panic!("{name} in {all}"));
            let short = row.split(' ').nth(3).expect("a short id");
            assert!(short.starts_with('#') && short.len() >= 5, "{row:?} names its object's short id");
        }
    }
    let heap = heap_at(steps, index);
    assert!(!heap.is_empty());
    assert_eq!(ids_named(&texts).len(), heap.len(), "every object of the step, and only those, is named by id()");
    for (type_name, repr) in heap.values() {
        let is_value = !repr.contains(" at 0x") && !matches!(type_name.as_str(), "list" | "dict" | "tuple" | "set");
        if is_value {
            assert!(
                all.contains(&format!("{type_name} #")) && all.contains(repr.as_str()),
                "{type_name} {repr:?} in the SVG"
            );
        }
    }
}

#[test]
fn the_svg_names_every_variable_and_object_of_the_step() {
    let work = Workspace::new(PROGRAM);
    let steps = work.trace();
    check_step_is_drawn(&work, &steps, steps.len() - 1);
    // A step inside the call: both frames, and the inner one's names.
    let inside = steps.iter().position(|s| s["stack"].as_array().is_some_and(|f| f.len() == 2)).expect("a call");
    check_step_is_drawn(&work, &steps, inside + 1);

    let out = work.path("last.svg");
    assert!(work.render(steps.len() as u64, &out, &[]).status.success());
    let texts = svg_texts(&std::fs::read_to_string(out).expect("written"));
    assert!(texts.iter().any(|t| t.starts_with("list #") && t.ends_with(" [1, 2, 3]")), "{texts:?}");
    assert!(texts.iter().any(|t| t.starts_with("both → tuple #")));
}

/// The same check in one run, through the library: every object's full id, short id and repr.
#[test]
fn every_id_short_id_and_repr_of_the_step_is_in_the_svg() {
    use pyxray::engine::{Engine, RunRequest};
    let engine = Engine::start(PathBuf::from(env!("CARGO_BIN_EXE_pyxray")), None);
    pyxray::cli::wait_ready(&engine).expect("the worker starts");
    let request = RunRequest::traced(PROGRAM, "prog.py");
    let mut store = pyxray::cli::record(&engine, request).expect("recorded");
    for step in [store.len() - 1, store.len() / 2] {
        let diagram = pyxray::ui::heap::diagram_of_step(&mut store, step, Default::default()).expect("laid out");
        let svg = pyxray::ui::heap::svg::to_svg(&diagram, &pyxray::ui::theme::DiagramPalette::LIGHT);
        let texts = svg_texts(&svg);
        let all = texts.join("\n");
        let snapshot = store.snapshot(step).expect("decodes").expect("recorded").clone();
        for frame in &snapshot.stack {
            for binding in &frame.locals {
                let row =
                    texts.iter().find(|t| t.starts_with(&format!("{} → ", binding.name))).expect("a row per name");
                let short = row.split(' ').nth(3).expect("a short id").trim_start_matches('#');
                assert!(binding.id.to_string().ends_with(short), "{row:?} points at {}", binding.id);
            }
        }
        for (id, object) in &snapshot.heap {
            assert!(all.contains(&format!("id() = {id}")), "{id} named");
            let short = all
                .match_indices(&format!("{} #", object.type_name))
                .map(|(at, _)| {
                    all[at + object.type_name.len() + 2..].chars().take_while(char::is_ascii_digit).collect::<String>()
                })
                .any(|digits| digits.len() >= 4 && id.to_string().ends_with(&digits));
            assert!(short, "the short id of {id} is shown");
            let repr = snapshot.repr_of(*id, pyxray::ui::theme::REPR_CHARS).replace('\n', "\\n");
            assert!(all.contains(&repr), "the repr {repr:?} of {id} is in the SVG");
        }
        assert_eq!(ids_named(&texts).len(), snapshot.heap.len());
    }
}

#[test]
fn png_and_every_object_options_work() {
    let work = Workspace::new("a = 300\nb = a\nc = [a, a]\nend = 0\n");
    let last = work.trace().len() as u64;
    let png = work.path("d.png");
    let output = work.render(last, &png, &["--dark", "--badges"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let bytes = std::fs::read(&png).expect("written");
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));

    let svg = work.path("all.svg");
    assert!(work.render(last, &svg, &["--show-every-object"]).status.success());
    let texts = svg_texts(&std::fs::read_to_string(&svg).expect("written"));
    let int_boxes =
        texts.iter().filter(|t| t.starts_with("int #") && t.ends_with(" 300") && t.split(' ').count() == 3).count();
    assert_eq!(int_boxes, 1, "one box for the shared int: {texts:?}");
    assert!(texts.iter().any(|t| t.starts_with("b → int #") && !t.contains('=')), "b has an arrow");
}

#[test]
fn bad_requests_get_clear_errors() {
    let work = Workspace::new("x = 1\ny = 2\n");
    let out = work.path("d.svg");

    let output = work.render(99, &out, &[]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let steps = work.trace().len();
    assert!(
        stderr.contains("step 99 is out of range") && stderr.contains(&format!("recorded {steps} steps")),
        "{stderr}"
    );

    let output = work.render(0, &out, &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("counted from 1"));

    let output = work.render(1, &work.path("d.bmp"), &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains(".svg or .png"));
    assert!(!out.exists(), "nothing was written");

    // A failing program: its partial trace is still drawn, with a note.
    let failing = Workspace::new("items = [1, 2]\nboom = 1 / 0\n");
    let out = failing.path("fail.svg");
    let last = failing.trace().len() as u64;
    let output = failing.render(last, &out, &[]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stderr).contains("did not finish"));
    let texts = svg_texts(&std::fs::read_to_string(&out).expect("written"));
    assert!(texts.iter().any(|t| t.starts_with("items → list #")), "{texts:?}");
}
