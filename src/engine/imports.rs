//! Imports while a traced program runs: each module's import time (self and cumulative, as
//! `python -X importtime` reports it), the import tree, and the imports that were cache hits.
//!
//! Two hooks, both Rust functions (they have no Python frame, so they can never be learner steps):
//!
//! - `importlib._bootstrap._find_and_load`. CPython's import machinery looks it up by name every
//!   time an import needs a module that is not in `sys.modules` (`import_find_and_load` in
//!   `Python/import.c`), and that very call is what `-X importtime` times. Wrapping it gives the same
//!   tree, timed the same way, including parent packages and `from package import submodule`.
//!   `importlib.import_module` reaches it too (without `-X importtime` seeing it).
//! - `builtins.__import__`, which every `import` statement calls: a statement whose module is
//!   already in `sys.modules` never reaches `_find_and_load`, so this is where cache hits are seen.
//!   `importlib.import_module` bypasses `__import__`; its hits are seen in `_find_and_load` instead.
//!
//! Only the thread that installed the hooks is recorded; other threads' imports pass straight through.
//! Timings include the tracer's own cost of seeing each event of the imported module's code, so they
//! run higher than a plain `-X importtime`; the hooks' bookkeeping is taken out of their parents' times.

use std::cell::RefCell;
use std::time::Instant;

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyCFunction, PyDict, PyModule, PyTuple};
use rustc_hash::FxHashMap as HashMap;

use super::pyutil;
use crate::trace::{ImportTiming, ModuleChange};

/// An import in progress (a `_find_and_load` call that did not start as a cache hit).
struct Pending {
    call: u64,
    name: String,
    importer: String,
    started: Instant,
    /// Load records made before this call began; a record of `name` past it means a nested call loaded it.
    records_before: u64,
    /// Cumulative time of the imports nested in this one.
    nested_ns: u128,
    /// The hooks' own time inside nested calls, taken out of this one's time.
    overhead_ns: u128,
}

struct Load {
    name: String,
    /// The `Pending::call` it ran inside.
    parent_call: Option<u64>,
    timing: ImportTiming,
}

#[derive(Default)]
struct ImportLog {
    stack: Vec<Pending>,
    /// Loads finished since the last step.
    loads: Vec<Load>,
    /// Cache hits since the last step, counted by (module, importer, initializing).
    hits: Vec<(String, String, bool, u32)>,
    records: u64,
    calls: u64,
    /// The record number of each module's latest load.
    last_record: HashMap<String, u64>,
}

thread_local! {
    /// Set on the recorded thread while the hooks are installed; other threads pass straight through.
    static LOG: RefCell<Option<ImportLog>> = const { RefCell::new(None) };
}

fn with_log<R>(act: impl FnOnce(&mut ImportLog) -> R) -> Option<R> {
    LOG.with(|cell| cell.try_borrow_mut().ok().and_then(|mut log| log.as_mut().map(act)))
}

fn recording() -> bool {
    LOG.with(|cell| cell.try_borrow().is_ok_and(|log| log.is_some()))
}

/// The originals the hooks replaced, put back by `uninstall`.
pub struct ImportHooks {
    bootstrap: Py<PyModule>,
    find_and_load: Py<PyAny>,
    builtins: Py<PyModule>,
    import: Py<PyAny>,
}

/// Installs both hooks for the current thread.
pub fn install(py: Python<'_>) -> PyResult<ImportHooks> {
    let bootstrap = PyModule::import(py, "_frozen_importlib")?;
    let builtins = PyModule::import(py, "builtins")?;
    let find_and_load = bootstrap.getattr("_find_and_load")?;
    let import = builtins.getattr("__import__")?;

    let original = find_and_load.clone().unbind();
    let find_hook = PyCFunction::new_closure(py, Some(c"_find_and_load"), None, move |args, kwargs| {
        find_and_load_hook(args.py(), &original, args, kwargs)
    })?;
    let original = import.clone().unbind();
    let import_hook = PyCFunction::new_closure(py, Some(c"__import__"), None, move |args, kwargs| {
        import_hook(args.py(), &original, args, kwargs)
    })?;
    let hooks = ImportHooks {
        bootstrap: bootstrap.clone().unbind(),
        find_and_load: find_and_load.unbind(),
        builtins: builtins.clone().unbind(),
        import: import.unbind(),
    };
    LOG.with(|cell| *cell.borrow_mut() = Some(ImportLog::default()));
    let hooked =
        bootstrap.setattr("_find_and_load", find_hook).and_then(|()| builtins.setattr("__import__", import_hook));
    match hooked {
        Ok(()) => Ok(hooks),
        Err(err) => {
            // Half installed is worse than not at all.
            hooks.uninstall(py)?;
            Err(err)
        }
    }
}

impl ImportHooks {
    /// Puts the originals back (whatever the program did to either name meanwhile) and stops recording.
    pub fn uninstall(self, py: Python<'_>) -> PyResult<()> {
        LOG.with(|cell| *cell.borrow_mut() = None);
        self.bootstrap.bind(py).setattr("_find_and_load", self.find_and_load.bind(py))?;
        self.builtins.bind(py).setattr("__import__", self.import.bind(py))?;
        Ok(())
    }
}

/// Adds what the imports since the last step recorded to that step's `sys.modules` changes: the
/// timing of each module the step added, and the cache hits.
pub fn annotate(changes: &mut Vec<ModuleChange>) {
    // Called at every step, and nearly every step imported nothing: look before taking anything.
    let taken = with_log(|log| {
        (!log.loads.is_empty() || !log.hits.is_empty())
            .then(|| (std::mem::take(&mut log.loads), std::mem::take(&mut log.hits)))
    });
    let Some(Some((loads, hits))) = taken else {
        return;
    };
    if !loads.is_empty() {
        let mut by_name: HashMap<String, ImportTiming> =
            loads.into_iter().map(|load| (load.name, load.timing)).collect();
        for change in changes.iter_mut() {
            if let ModuleChange::Added { name, import, .. } = change {
                *import = by_name.remove(name.as_str());
            }
        }
        // Modules already shown at an earlier step: one whose code called back into the program's
        // file (a step) while it was being imported was in sys.modules before its import ended.
        let mut late: Vec<(String, ImportTiming)> = by_name.into_iter().collect();
        late.sort_by(|a, b| a.0.cmp(&b.0));
        changes.extend(late.into_iter().map(|(name, import)| ModuleChange::Timed { name, import }));
    }
    changes.extend(hits.into_iter().map(|(name, importer, initializing, count)| ModuleChange::Hit {
        name,
        importer,
        initializing,
        count,
    }));
}

fn find_and_load_hook(
    py: Python<'_>,
    original: &Py<PyAny>,
    args: &Bound<'_, PyTuple>,
    kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<Py<PyAny>> {
    let entered = Instant::now();
    let call = || original.bind(py).call(args, kwargs).map(Bound::unbind);
    if !recording() {
        return call();
    }
    let Some(name) = args.get_item(0).ok().and_then(|n| n.extract::<String>().ok()) else { return call() };
    let importer = importer_from_frames();
    if let Some(initializing) = cached_module(py, &name) {
        // Only `importlib.import_module` (through `_gcd_import`) asks for a module it already has.
        let result = call();
        if result.is_ok() && !is_import_system(&importer) {
            with_log(|log| log.hit(name, importer, initializing));
        }
        return result;
    }
    let call_number = with_log(|log| {
        let records_before = log.records;
        log.calls += 1;
        let number = log.calls;
        let started = Instant::now();
        let pending = Pending { call: number, name, importer, started, records_before, nested_ns: 0, overhead_ns: 0 };
        log.stack.push(pending);
        number
    });
    let result = call();
    let finished = Instant::now();
    let Some(call_number) = call_number else { return result };
    with_log(|log| log.finish(call_number, finished, entered, result.is_ok()));
    result
}

impl ImportLog {
    fn hit(&mut self, name: String, importer: String, initializing: bool) {
        match self.hits.iter_mut().find(|(n, i, init, _)| *n == name && *i == importer && *init == initializing) {
            Some(hit) => hit.3 = hit.3.saturating_add(1),
            None => self.hits.push((name, importer, initializing, 1)),
        }
    }

    /// Ends the innermost import: records it as a load, or, when it loaded nothing itself (a
    /// failure, or a nested import loaded its module first), hands its children to its parent.
    fn finish(&mut self, call: u64, finished: Instant, entered: Instant, succeeded: bool) {
        // Found by its number, so the stack stays right even if an inner call's bookkeeping was skipped.
        let Some(at) = self.stack.iter().rposition(|p| p.call == call) else { return };
        let pending = self.stack.remove(at);
        self.stack.truncate(at);
        let elapsed = finished.duration_since(pending.started).as_nanos();
        let cumulative = elapsed.saturating_sub(pending.overhead_ns);
        let loaded_by_nested =
            self.last_record.get(&pending.name).is_some_and(|&record| record > pending.records_before);
        let parent = self.stack.last().map(|p| (p.call, p.name.clone()));
        if succeeded && !loaded_by_nested {
            self.records += 1;
            self.last_record.insert(pending.name.clone(), self.records);
            let timing = ImportTiming {
                self_us: (cumulative.saturating_sub(pending.nested_ns) / 1000) as u64,
                cumulative_us: (cumulative / 1000) as u64,
                parent: parent.as_ref().map(|(_, name)| name.clone()),
                importer: pending.importer,
            };
            self.loads.push(Load { name: pending.name, parent_call: parent.as_ref().map(|(call, _)| *call), timing });
        } else {
            for load in self.loads.iter_mut().filter(|load| load.parent_call == Some(pending.call)) {
                load.parent_call = parent.as_ref().map(|(call, _)| *call);
                load.timing.parent = parent.as_ref().map(|(_, name)| name.clone());
            }
        }
        let own_overhead = pending.started.duration_since(entered).as_nanos() + finished.elapsed().as_nanos();
        if let Some(outer) = self.stack.last_mut() {
            // A call that loaded nothing itself passes its children's time on, as it passed them.
            outer.nested_ns += if succeeded && !loaded_by_nested { cumulative } else { pending.nested_ns };
            outer.overhead_ns += own_overhead + pending.overhead_ns;
        }
    }
}

fn import_hook(
    py: Python<'_>,
    original: &Py<PyAny>,
    args: &Bound<'_, PyTuple>,
    kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<Py<PyAny>> {
    let call = || original.bind(py).call(args, kwargs).map(Bound::unbind);
    if !recording() {
        return call();
    }
    let request = ImportRequest::read(args, kwargs);
    let Some(request) = request else { return call() };
    let targets: Vec<(String, bool)> =
        request.targets().into_iter().filter_map(|name| cached_module(py, &name).map(|init| (name, init))).collect();
    let result = call();
    // The import system's own imports (of `_io`, `collections`, ...) are its workings, not the program's.
    if result.is_ok() && !targets.is_empty() && !is_import_system(&request.importer) {
        let importer = request.importer;
        with_log(|log| {
            for (name, initializing) in targets {
                log.hit(name, importer.clone(), initializing);
            }
        });
    }
    result
}

/// What an `__import__(name, globals, locals, fromlist, level)` call asks for.
struct ImportRequest {
    /// The absolute name of the module the statement imports.
    absolute: String,
    /// `from . import a, b`: the submodules named (the package itself is not what was asked for).
    relative_items: Vec<String>,
    importer: String,
}

impl ImportRequest {
    fn read(args: &Bound<'_, PyTuple>, kwargs: Option<&Bound<'_, PyDict>>) -> Option<ImportRequest> {
        let argument = |position: usize, name: &str| -> Option<Bound<'_, PyAny>> {
            args.get_item(position)
                .ok()
                .or_else(|| kwargs.and_then(|k| k.get_item(name).ok().flatten()))
                .filter(|value| !value.is_none())
        };
        let name: String = argument(0, "name")?.extract().ok()?;
        let globals = argument(1, "globals").and_then(|g| g.cast_into::<PyDict>().ok());
        let level: usize = argument(4, "level").and_then(|l| l.extract().ok()).unwrap_or(0);
        let text = |key: &str| -> Option<String> {
            globals.as_ref()?.get_item(key).ok().flatten().and_then(|v| v.extract::<String>().ok())
        };
        // `__import__('x')` called by hand passes no globals: the calling frame says who asked.
        let importer = text("__name__").unwrap_or_else(importer_from_frames);
        let absolute = if level == 0 {
            name.clone()
        } else {
            let package = text("__package__")
                .or_else(|| {
                    let spec = globals.as_ref()?.get_item("__spec__").ok().flatten()?;
                    spec.getattr("parent").ok()?.extract::<String>().ok()
                })
                .or_else(|| {
                    let is_package = globals.as_ref()?.contains("__path__").ok()?;
                    let own = text("__name__")?;
                    Some(if is_package { own } else { own.rsplit_once('.').map_or(String::new(), |(p, _)| p.into()) })
                })?;
            // As importlib's `_resolve_name`: go up `level - 1` packages.
            let parts: Vec<&str> = package.rsplitn(level, '.').collect();
            if parts.len() < level || package.is_empty() {
                return None;
            }
            let base = parts[parts.len() - 1];
            if name.is_empty() { base.to_owned() } else { format!("{base}.{name}") }
        };
        let relative_items = if level > 0 && name.is_empty() {
            argument(3, "fromlist")
                .and_then(|list| list.try_iter().ok())
                .map(|items| {
                    items.filter_map(|item| item.ok()?.extract::<String>().ok()).filter(|item| item != "*").collect()
                })
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        Some(ImportRequest { absolute, relative_items, importer })
    }

    fn targets(&self) -> Vec<String> {
        if self.relative_items.is_empty() {
            vec![self.absolute.clone()]
        } else {
            self.relative_items.iter().map(|item| format!("{}.{item}", self.absolute)).collect()
        }
    }
}

/// `Some(initializing)` when `name` is in `sys.modules` (not as `None`): whether its own code is still running.
fn cached_module(py: Python<'_>, name: &str) -> Option<bool> {
    // SAFETY: GIL held (`py`); a borrowed reference to the interpreter's module dict.
    let modules = unsafe { ffi::PyImport_GetModuleDict() };
    if modules.is_null() {
        return None;
    }
    let modules = unsafe { Bound::from_borrowed_ptr(py, modules) }.cast_into::<PyDict>().ok()?;
    let module = modules.get_item(name).ok().flatten()?;
    if module.is_none() {
        return None;
    }
    let initializing = module
        .getattr("__spec__")
        .ok()
        .and_then(|spec| spec.getattr("_initializing").ok())
        .is_some_and(|flag| flag.is_truthy().unwrap_or(false));
    Some(initializing)
}

/// The module whose code is importing: the innermost frame that is not the import system's own.
fn importer_from_frames() -> String {
    // SAFETY: called from a hook, so with the GIL held; every reference taken is released.
    unsafe {
        let mut frame = ffi::PyEval_GetFrame();
        if frame.is_null() {
            return "?".into();
        }
        ffi::Py_IncRef(frame as *mut ffi::PyObject);
        let mut found = None;
        while !frame.is_null() && found.is_none() {
            let globals = pyutil::getattr(frame as *mut ffi::PyObject, c"f_globals");
            if !globals.is_null() {
                if ffi::PyDict_Check(globals) != 0 {
                    let name = ffi::PyDict_GetItemString(globals, c"__name__".as_ptr());
                    if !name.is_null() && ffi::PyUnicode_Check(name) != 0 {
                        let name = pyutil::str_to_string(name, 200);
                        if !is_import_system(&name) {
                            found = Some(name);
                        }
                    }
                }
                ffi::Py_DecRef(globals);
            }
            let back = ffi::PyFrame_GetBack(frame);
            ffi::Py_DecRef(frame as *mut ffi::PyObject);
            frame = back;
        }
        if !frame.is_null() {
            ffi::Py_DecRef(frame as *mut ffi::PyObject);
        }
        found.unwrap_or_else(|| "?".into())
    }
}

/// The import system's own modules: `importlib` (`import_module`, `reload`) and its bootstrap.
fn is_import_system(module: &str) -> bool {
    matches!(
        module,
        "importlib"
            | "importlib._bootstrap"
            | "importlib._bootstrap_external"
            | "_frozen_importlib"
            | "_frozen_importlib_external"
    )
}
