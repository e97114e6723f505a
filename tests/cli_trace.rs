//! `pyxray trace` writes the documented JSON Lines: a header, one line per step, an end line; replaying
//! the object changes rebuilds the heap.

use std::collections::HashMap;
use std::process::Command;

use serde_json::Value;

fn trace(code: &str, extra: &[&str]) -> Vec<Value> {
    let dir = tempfile::tempdir().expect("temp dir");
    let program = dir.path().join("prog.py");
    std::fs::write(&program, code).expect("write program");
    let out = dir.path().join("trace.jsonl");
    let status = Command::new(env!("CARGO_BIN_EXE_pyxray"))
        .arg("trace")
        .arg(&program)
        .arg("--out")
        .arg(&out)
        .args(extra)
        .status()
        .expect("pyxray runs");
    assert!(status.success());
    let text = std::fs::read_to_string(out).expect("trace written");
    text.lines().map(|line| serde_json::from_str(line).expect("every line is JSON")).collect()
}

#[test]
fn header_steps_and_end_follow_the_format() {
    let lines = trace("x = [1, 2]\nx.append(3)\ny = {'a': x}\nprint(len(x))\n", &[]);
    let header = &lines[0];
    assert_eq!(header["type"], "header");
    assert_eq!(header["format"], "pyxray-trace");
    assert_eq!(header["version"], 1);
    assert!(header["python"].as_str().is_some_and(|v| v.starts_with("3.")));
    let end = lines.last().expect("end line");
    assert_eq!(end["type"], "end");
    assert_eq!(end["outcome"], "finished");
    let steps: Vec<&Value> = lines.iter().filter(|l| l["type"] == "step").collect();
    assert_eq!(end["steps"], steps.len());
    for (i, step) in steps.iter().enumerate() {
        assert_eq!(step["index"], i);
        assert!(["call", "line", "return", "exception"].contains(&step["event"].as_str().expect("event")));
        assert!(step["stack"].as_array().is_some_and(|s| !s.is_empty()));
    }
    let output: String = steps.iter().filter_map(|s| s["stdout"].as_str()).collect();
    assert_eq!(output, "3\n");

    // Replay objects: new ones carry their items, changed ones a splice.
    let mut items: HashMap<String, Vec<String>> = HashMap::new();
    for step in &steps {
        for (id, object) in step["objects"].as_object().expect("objects") {
            if let Some(list) = object["items"].as_array() {
                items.insert(id.clone(), list.iter().map(|v| v.as_str().expect("id").to_owned()).collect());
            }
            if let Some(splice) = object.get("splice") {
                let list = items.get_mut(id).expect("splice of a known object");
                let at = splice["at"].as_u64().expect("at") as usize;
                let remove = splice["remove"].as_u64().expect("remove") as usize;
                let insert =
                    splice["insert"].as_array().expect("insert").iter().map(|v| v.as_str().expect("id").to_owned());
                list.splice(at..at + remove, insert);
            }
        }
    }
    let last = steps.last().expect("a step");
    let x = last["stack"][0]["locals"]["x"].as_str().expect("x bound");
    assert_eq!(items[x].len(), 3, "x ends with three items");
    assert!(last["stack"][0]["locals"]["y"].is_string());
}

#[test]
fn a_syntax_error_is_an_end_line_with_line_and_column() {
    let lines = trace("x = (\n", &[]);
    assert_eq!(lines.len(), 2, "a header and an end");
    assert_eq!(lines[1]["outcome"], "syntax_error");
    assert_eq!(lines[1]["line"], 1);
    assert!(lines[1]["column"].is_u64());
}

#[test]
fn the_step_limit_is_honoured() {
    let lines = trace("while True:\n    pass\n", &["--max-steps", "25"]);
    let end = lines.last().expect("end");
    assert_eq!(end["outcome"], "step_limit");
    assert_eq!(end["steps"], 25);
    assert_eq!(lines.iter().filter(|l| l["type"] == "step").count(), 25);
}

#[test]
fn steps_of_another_thread_name_it_and_show_its_stack() {
    let code = "import threading\n\ndef work():\n    x = 1\n    return x\n\nt = threading.Thread(target=work, name='helper')\nt.start()\nt.join()\n";
    let lines = trace(code, &[]);
    let steps: Vec<&Value> = lines.iter().filter(|l| l["type"] == "step").collect();
    let in_thread: Vec<&&Value> = steps.iter().filter(|step| step.get("thread").is_some()).collect();
    // call, line 4, line 5, return: all in the helper thread, with only its own frame.
    assert_eq!(in_thread.len(), 4, "{steps:?}");
    for step in &in_thread {
        assert_eq!(step["thread"], "helper");
        let stack = step["stack"].as_array().expect("stack");
        assert_eq!(stack.len(), 1);
        assert_eq!(stack[0]["function"], "work");
    }
    // The main thread's steps have no "thread" field and show the module frame.
    assert!(steps.iter().filter(|s| s.get("thread").is_none()).all(|s| s["stack"][0]["function"] == "<module>"));
}
