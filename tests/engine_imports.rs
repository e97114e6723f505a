//! Imports as the engine records them: the import tree against CPython's own `-X importtime` for the
//! same program, self and cumulative times, cache hits (a repeated import, `from` an imported
//! package, a circular import, `importlib.import_module`), and a program that behaves exactly as it
//! does under plain `python`, with the import machinery put back afterwards.

mod common;

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use pyxray::trace::{ModuleEntry, Outcome, Stream, TraceStore};

/// Modules of the program's own, written to a temporary folder: a package whose `__init__` imports
/// a submodule (relatively) and a standard module, and two modules that import each other.
fn write_modules(folder: &Path) {
    let write = |relative: &str, text: &str| {
        let path = folder.join(relative);
        std::fs::create_dir_all(path.parent().expect("a parent folder")).expect("a folder");
        std::fs::write(path, text).expect("a module written");
    };
    write("pyx_marker.py", "");
    write("pyx_pkg/__init__.py", "from . import sub\nimport colorsys\n");
    write("pyx_pkg/sub.py", "import fractions\nVALUE = fractions.Fraction(1, 3)\n");
    write("pyx_alpha.py", "import pyx_beta\nREADY = True\n");
    write("pyx_beta.py", "import pyx_alpha\nSAW_READY = hasattr(pyx_alpha, 'READY')\n");
}

const PROGRAM: &str = "\
import pyx_marker
import pyx_pkg
import pyx_pkg
from pyx_pkg import sub
import pyx_alpha
import xml.dom.minidom
import json.decoder
import importlib
importlib.import_module('colorsys')
try:
    import pyx_no_such_module
except ImportError as err:
    print(type(err).__name__, err)
print(sub.VALUE, pyx_alpha.pyx_beta.SAW_READY, __import__('pyx_pkg').sub is sub)
";

/// The program's run under pyxray, from a folder holding its modules.
fn record_in(folder: &Path, program: &str) -> TraceStore {
    let engine = common::engine();
    let mut request = common::request(program, &folder.join("main.py").to_string_lossy());
    request.script_dir = Some(folder.to_string_lossy().into_owned());
    common::record(&engine, request)
}

fn last_modules(store: &mut TraceStore) -> Vec<ModuleEntry> {
    let last = store.len() - 1;
    store.snapshot(last).expect("decodes").expect("recorded").modules.clone()
}

/// The program run by the same interpreter as a plain `python -X importtime` (without `site`, so
/// fewer modules are loaded before the program starts): its stdout, and each module loaded after
/// the marker module with its parent in the import tree.
fn cpython_importtime(folder: &Path, program: &str) -> (String, HashMap<String, Option<String>>) {
    let script = folder.join("main.py");
    std::fs::write(&script, program).expect("the program written");
    let output = Command::new(common::python())
        .args(["-X", "importtime", "-S"])
        .arg(&script)
        .current_dir(folder)
        .output()
        .expect("python runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    (String::from_utf8_lossy(&output.stdout).into_owned(), importtime_parents(&stderr))
}

/// Parses `import time: self | cumulative | name` lines (children printed before their parent, the
/// name indented two spaces per level) into each module's parent, for the modules after the marker.
/// A module printed twice was loaded by the inner import (the outer line found it done, as for
/// `import json.decoder`, whose package imports `json.decoder` itself); the outer line is no load,
/// so its children belong to its parent, which is what pyxray records.
fn importtime_parents(stderr: &str) -> HashMap<String, Option<String>> {
    let mut lines: Vec<(usize, String)> = Vec::new();
    for line in stderr.lines() {
        let Some(rest) = line.strip_prefix("import time:") else { continue };
        let Some(name_part) = rest.split('|').nth(2) else { continue };
        if name_part.trim() == "imported package" {
            continue;
        }
        let name_part = name_part.strip_prefix(' ').unwrap_or(name_part);
        let depth = (name_part.len() - name_part.trim_start().len()) / 2;
        lines.push((depth, name_part.trim().to_string()));
    }
    let start = lines.iter().position(|(_, name)| name == "pyx_marker").expect("the marker is imported") + 1;
    let lines = &lines[start..];
    // Post-order: a line's parent is the next line printed at a smaller depth.
    let parent_line = |index: usize| {
        let depth = lines[index].0;
        (index + 1..lines.len()).find(|&later| lines[later].0 < depth)
    };
    let first_seen: HashMap<&str, usize> =
        lines.iter().enumerate().rev().map(|(index, (_, name))| (name.as_str(), index)).collect();
    let is_load = |index: usize| first_seen.get(lines[index].1.as_str()) == Some(&index);
    let mut parents = HashMap::new();
    for index in 0..lines.len() {
        if !is_load(index) {
            continue;
        }
        let mut parent = parent_line(index);
        while let Some(at) = parent.filter(|&at| !is_load(at)) {
            parent = parent_line(at);
        }
        parents.insert(lines[index].1.clone(), parent.map(|at| lines[at].1.clone()));
    }
    parents
}

fn module<'m>(modules: &'m [ModuleEntry], name: &str) -> &'m ModuleEntry {
    modules.iter().find(|m| m.name == name).unwrap_or_else(|| panic!("{name} is in sys.modules"))
}

#[test]
fn the_import_tree_is_the_one_cpython_reports_and_repeats_are_cache_hits() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    write_modules(folder.path());
    let (plain_stdout, expected_parents) = cpython_importtime(folder.path(), PROGRAM);
    // The plain run compiled the modules; the traced run must not depend on that, so start afresh.
    std::fs::remove_dir_all(folder.path().join("__pycache__")).ok();
    let mut store = record_in(folder.path(), PROGRAM);
    assert_eq!(store.end().map(|e| e.outcome), Some(Outcome::Finished));
    assert_eq!(store.all_output(Stream::Stdout), plain_stdout, "the program prints what it prints under python");
    assert!(plain_stdout.starts_with("ModuleNotFoundError No module named 'pyx_no_such_module'"));

    let modules = last_modules(&mut store);
    let timed: Vec<&ModuleEntry> = modules.iter().filter(|m| m.import.is_some()).collect();
    for name in ["pyx_pkg", "pyx_pkg.sub", "pyx_alpha", "pyx_beta", "xml", "xml.dom", "xml.dom.minidom", "json.decoder"]
    {
        assert!(timed.iter().any(|m| m.name == name), "{name} was imported and timed");
    }
    // Every module timed by both, nested under the same import (modules the worker had loaded
    // before the program ran are not imported by it, so they are not in pyxray's tree).
    let mut compared = Vec::new();
    for entry in &timed {
        let Some(expected) = expected_parents.get(&entry.name) else { continue };
        let import = entry.import.as_ref().expect("timed");
        let parent_timed = |parent: &Option<String>| parent.as_ref().is_none_or(|p| timed.iter().any(|m| &m.name == p));
        if !parent_timed(expected) {
            continue;
        }
        assert_eq!(&import.parent, expected, "the parent of {} in the import tree", entry.name);
        compared.push(entry.name.as_str());
    }
    for name in ["pyx_pkg", "pyx_pkg.sub", "pyx_beta", "xml.dom", "xml", "xml.dom.minidom", "json", "json.decoder"] {
        assert!(compared.contains(&name), "{name} compared with -X importtime (compared: {compared:?})");
    }
    // Spelled out, for the modules of the program's own and the tricky standard ones.
    let parent = |name: &str| module(&modules, name).import.as_ref().and_then(|i| i.parent.clone());
    assert_eq!(parent("pyx_pkg"), None);
    assert_eq!(parent("pyx_pkg.sub").as_deref(), Some("pyx_pkg"));
    assert_eq!(parent("pyx_beta").as_deref(), Some("pyx_alpha"));
    assert_eq!(parent("xml").as_deref(), Some("xml.dom"), "a parent package is imported inside the dotted import");
    assert_eq!(parent("json"), None, "json.decoder's first import only ran json, which imported json.decoder");
    assert_eq!(parent("json.decoder").as_deref(), Some("json"));
    let importer = |name: &str| module(&modules, name).import.as_ref().map(|i| i.importer.clone());
    assert_eq!(importer("pyx_pkg").as_deref(), Some("__main__"));
    assert_eq!(importer("pyx_pkg.sub").as_deref(), Some("pyx_pkg"), "`from . import sub` ran in pyx_pkg");

    for entry in &timed {
        let import = entry.import.as_ref().expect("timed");
        assert!(import.cumulative_us >= import.self_us, "{}: cumulative {import:?} >= self", entry.name);
        if let Some(parent) = import.parent.as_deref().and_then(|p| timed.iter().find(|m| m.name == p)) {
            let outer = parent.import.as_ref().expect("timed");
            assert!(outer.cumulative_us >= import.cumulative_us, "{} inside {}", entry.name, parent.name);
        }
    }
    let children_of_pkg: u64 = timed
        .iter()
        .filter_map(|m| m.import.as_ref())
        .filter(|i| i.parent.as_deref() == Some("pyx_pkg"))
        .map(|i| i.cumulative_us)
        .sum();
    let pkg = module(&modules, "pyx_pkg").import.clone().expect("timed");
    assert!(pkg.self_us + children_of_pkg <= pkg.cumulative_us + 1, "self is cumulative less the nested imports");

    // Cache hits, not loads: the second `import pyx_pkg`, `from pyx_pkg import sub`, `__import__('pyx_pkg')`.
    let pkg_entry = module(&modules, "pyx_pkg");
    assert_eq!(pkg_entry.hit_count, 3, "{:?}", pkg_entry.hits);
    assert!(pkg_entry.hits.iter().all(|hit| hit.importer == "__main__" && !hit.initializing), "{:?}", pkg_entry.hits);
    let hit_steps: Vec<u64> = pkg_entry.hits.iter().map(|hit| hit.step).collect();
    assert!(hit_steps.iter().all(|&step| step > pkg_entry.added_step), "hits come after the load: {hit_steps:?}");
    assert_eq!(modules.iter().filter(|m| m.name == "pyx_pkg").count(), 1, "loaded once");
    // The circular import: pyx_beta found pyx_alpha still running its own code.
    let alpha = module(&modules, "pyx_alpha");
    assert!(
        alpha.hits.iter().any(|hit| hit.importer == "pyx_beta" && hit.initializing),
        "beta's import of the half-built alpha is a hit: {:?}",
        alpha.hits
    );
    // importlib.import_module of a loaded module goes through _find_and_load: a hit too.
    let colorsys = module(&modules, "colorsys");
    assert!(colorsys.hits.iter().any(|hit| hit.importer == "__main__"), "{:?}", colorsys.hits);
    assert_eq!(colorsys.import.as_ref().and_then(|i| i.parent.as_deref()), Some("pyx_pkg"));
    // The failed import left nothing behind.
    assert!(modules.iter().all(|m| m.name != "pyx_no_such_module"));
}

#[test]
fn each_repeated_import_is_a_hit_at_its_own_step() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(folder.path().join("pyx_once.py"), "print('running pyx_once')\n").expect("written");
    let program = "import pyx_once\nfor turn in range(3):\n    import pyx_once\nprint('done')\n\
                   import sys\nfirst = sys.modules.pop('pyx_once')\nimport pyx_once\n";
    let mut store = record_in(folder.path(), program);
    assert_eq!(
        store.all_output(Stream::Stdout),
        "running pyx_once\ndone\nrunning pyx_once\n",
        "its body ran once, until it was taken out of sys.modules"
    );
    // sys.modules as the loop left it, before the program took the module out.
    let after_loop = (0..store.len())
        .find(|&step| store.snapshot(step).expect("decodes").expect("recorded").line == 5)
        .expect("the print line runs");
    let modules = store.snapshot(after_loop).expect("decodes").expect("recorded").modules.clone();
    let once = module(&modules, "pyx_once");
    assert!(once.import.is_some(), "the first import is a load, timed");
    assert_eq!(once.hit_count, 3);
    let steps: Vec<u64> = once.hits.iter().map(|hit| hit.step).collect();
    assert_eq!(steps.len(), 3, "one hit per turn: {steps:?}");
    assert!(steps.windows(2).all(|pair| pair[0] < pair[1]), "at increasing steps: {steps:?}");
    // A hit belongs to the step right after the line that imported, as a load does.
    for &step in &steps {
        let before = store.snapshot(step - 1).expect("decodes").expect("recorded").line;
        assert_eq!(before, 3, "step {step} follows the import line");
    }
    let at_first_hit = store.snapshot(steps[0]).expect("decodes").expect("recorded").modules.clone();
    assert_eq!(module(&at_first_hit, "pyx_once").hit_count, 1, "the snapshot counts the hits so far");
    // Imported again after its removal: a load again, timed, with no hits yet.
    let last = store.len() - 1;
    let reloaded = store.snapshot(last).expect("decodes").expect("recorded").modules.clone();
    let again = module(&reloaded, "pyx_once");
    assert!(again.added_step > steps[2] && again.import.is_some() && again.hit_count == 0, "{again:?}");
}

#[test]
fn the_import_machinery_is_put_back_after_a_traced_run() {
    let engine = common::engine();
    let check = "import builtins, _frozen_importlib\n\
                 print(type(_frozen_importlib._find_and_load).__name__, getattr(builtins.__import__, '__self__', None) is builtins)\n";
    let mut traced = common::request(check, "check.py");
    let store = common::record(&engine, traced.clone());
    // While recorded, both are pyxray's (functions written in Rust, not bound to the builtins module).
    assert_eq!(store.all_output(Stream::Stdout), "builtin_function_or_method False\n");
    traced.trace = false;
    let engine_store = common::record(&engine, traced);
    assert_eq!(engine_store.all_output(Stream::Stdout), "function True\n", "the originals after the traced run");
    // A program that replaces __import__ itself gets its own back only for its run.
    let replacing = "import builtins\nbuiltins.__import__ = len\n";
    common::record(&engine, common::request(replacing, "replace.py"));
    let mut plain = common::request(check, "check.py");
    plain.trace = false;
    assert_eq!(common::record(&engine, plain).all_output(Stream::Stdout), "function True\n");
}

#[test]
fn a_module_whose_import_runs_steps_still_gets_its_time() {
    // The program imports its own file as a module: that module's lines are steps of the program's
    // file, so it is in sys.modules (and shown) before its import ends.
    let folder = tempfile::tempdir().expect("a temporary folder");
    let program =
        "print('running as', __name__)\nif __name__ == '__main__':\n    import main\nprint('end of', __name__)\n";
    std::fs::write(folder.path().join("main.py"), program).expect("written");
    let plain = Command::new(common::python()).arg("main.py").current_dir(folder.path()).output().expect("python runs");
    std::fs::remove_dir_all(folder.path().join("__pycache__")).ok();
    let mut store = record_in(folder.path(), program);
    assert_eq!(store.all_output(Stream::Stdout), String::from_utf8_lossy(&plain.stdout));
    let modules = last_modules(&mut store);
    let main = module(&modules, "main");
    let import = main.import.as_ref().expect("timed after it was shown");
    assert_eq!((import.parent.as_deref(), import.importer.as_str()), (None, "__main__"));
    assert!(import.cumulative_us >= import.self_us);
    let shown_at = main.added_step;
    let at_add = store.snapshot(shown_at).expect("decodes").expect("recorded").modules.clone();
    assert!(module(&at_add, "main").import.is_none(), "not timed yet while its import runs");
}
