//! The asyncio event loop as the learner's code sees it: its tasks with their states, and the ready
//! queue of callbacks it runs next. Read at each step, only once `asyncio` is imported and a loop
//! runs in the current thread; sent only when it changed.
//!
//! Cost for programs without asyncio: a check of `sys.modules`' version per step (a lookup of an
//! interned key when the dict changed, or from Python 3.14, where dicts have no version). Once
//! asyncio is imported, one C call (`_get_running_loop`) per step; only while a loop runs does a
//! small Python helper gather the state (the tracer does not see it: it runs inside the trace
//! callback).
//!
//! Which tasks are listed: every task `asyncio.all_tasks(loop)` returns (the ones not done), plus
//! the tasks seen at an earlier step of the same loop that are done now, for as long as something
//! (a variable of the program, a `gather` result) keeps them alive: the helper remembers them by
//! weak reference, so it keeps no task alive itself. A task created and finished between two steps
//! is never seen. Tasks are listed in the order they were first seen; tasks first seen at the same
//! step (the three tasks of a `gather`) are ordered by their first step callback in the ready queue,
//! which is the order they were created in.
//!
//! The helper reads only the futures' own fields (`_state`, `_exception`, `_fut_waiter`; never
//! `exception()`, which would mark a failure as retrieved and silence asyncio's "Task exception was
//! never retrieved") and never calls `repr` on anything. Cancelled handles in the ready queue and
//! cancelled timers are left out: the loop will not run them.

use std::ffi::CStr;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use pyo3::{Py, ffi};

use super::frames;
use crate::trace::{AsyncTask, AsyncioState, ReadyCallback, TaskState};

/// Defines `read(loop, asyncio)`, returning `(tasks, ready, timers)` as plain tuples (see `RawState`).
/// The modules it uses are given to it (`MODULES`), not imported: an import here would show in the
/// program's import log.
const HELPER: &CStr = c"
_seen = []
_loop = [None]
_PLAIN_CALLABLES = (_types.FunctionType, _types.BuiltinFunctionType)
_FRAMES = {_types.CoroutineType: ('cr_frame', 'cr_await'), _types.GeneratorType: ('gi_frame', 'gi_yieldfrom')}


def _text(value, limit=200):
    if type(value) is not str:
        return '?'
    if len(value) > limit:
        value = value[:limit] + '...'
    return value.encode('utf-8', 'backslashreplace').decode('utf-8')


def _qualname(callback):
    kind = type(callback)
    if kind in _PLAIN_CALLABLES:
        return _text(callback.__qualname__)
    if kind is _types.MethodType and type(callback.__func__) in _PLAIN_CALLABLES:
        return _text(callback.__func__.__qualname__)
    if kind is _functools.partial:
        return 'partial(' + _qualname(callback.func) + ')'
    return _text(kind.__qualname__)


def _stepped_task(callback, task_types):
    kind = type(callback)
    if kind.__name__ == 'TaskStepMethWrapper':
        verb = 'step'
    elif kind is _types.BuiltinMethodType or (kind is _types.MethodType and type(callback.__func__) in _PLAIN_CALLABLES):
        name = callback.__name__
        verb = 'wake' if name.endswith('wakeup') else 'step' if name.endswith('step') else None
    else:
        return None, None
    owner = callback.__self__
    if verb is None or not issubclass(type(owner), task_types):
        return None, None
    return owner, verb


def _number(task):
    name = task.get_name()
    if type(name) is str and name.startswith('Task-') and name[5:].isdigit():
        return int(name[5:])
    return float('inf')


def _task(task, current):
    coro = task.get_coro()
    state = task._state
    failure = None
    if state == 'PENDING':
        state = 'running' if task is current else 'pending'
    elif state == 'CANCELLED':
        state = 'cancelled'
    else:
        error = task._exception
        if error is None:
            state = 'done'
        else:
            state = 'failed'
            failure = _text(type(error).__name__)
    line = None
    awaiting = None
    fields = _FRAMES.get(type(coro))
    if fields is not None:
        frame = getattr(coro, fields[0])
        if frame is not None:
            line = frame.f_lineno
        if state == 'pending':
            waiter = task._fut_waiter
            if waiter is None:
                waiter = getattr(coro, fields[1])
            if waiter is not None:
                awaiting = _text(type(waiter).__name__)
        coroutine = _text(coro.__qualname__)
    else:
        coroutine = _text(type(coro).__qualname__)
    return (id(task), _text(task.get_name()), coroutine, state, failure, line, awaiting)


def read(loop, asyncio):
    task_types = (asyncio.Task, getattr(asyncio.tasks, '_PyTask', asyncio.Task))
    if _loop[0] is None or _loop[0]() is not loop:
        _seen.clear()
        _loop[0] = _weakref.ref(loop)
    ready = []
    first_in_ready = {}
    for handle in tuple(loop._ready):
        try:
            if handle._cancelled:
                continue
            callback = handle._callback
            owner, verb = _stepped_task(callback, task_types)
            if owner is None:
                ready.append((None, _qualname(callback)))
            else:
                first_in_ready.setdefault(id(owner), len(ready))
                ready.append((id(owner), verb + ' ' + _text(owner.get_name())))
        except Exception:
            pass
    timers = 0
    for handle in tuple(loop._scheduled):
        if not getattr(handle, '_cancelled', False):
            timers += 1
    _seen[:] = [ref for ref in _seen if ref() is not None]
    tasks = [ref() for ref in _seen]
    known = {id(task) for task in tasks}
    new = [task for task in asyncio.all_tasks(loop) if id(task) not in known]
    new.sort(key=lambda task: (first_in_ready.get(id(task), len(ready)), _number(task)))
    for task in new:
        _seen.append(_weakref.ref(task))
        tasks.append(task)
    current = asyncio.current_task(loop)
    listed = []
    for task in tasks:
        if task is None:
            continue
        try:
            listed.append(_task(task, current))
        except Exception:
            pass
    return listed, ready, timers
";

/// `(id, name, coroutine, state, exception type, line, awaiting)` of one task.
type RawTask = (u64, String, String, String, Option<String>, Option<i64>, Option<String>);
/// `(tasks, ready queue as (task id, description), timers)`.
type RawState = (Vec<RawTask>, Vec<(Option<u64>, String)>, u32);

#[derive(Default)]
pub struct AsyncioWatch {
    /// The state last sent (`None`: no loop was running).
    last: Option<AsyncioState>,
    reader: LoopReader,
}

impl AsyncioWatch {
    /// The loop's state when it differs from the one last returned: `Some(None)` when a loop
    /// stopped running, `Some(Some(state))` for a new state, `None` when nothing changed.
    ///
    /// # Safety
    /// GIL held; no exception set.
    // Not inlined into the recorder, so profiles show what it costs per step.
    #[inline(never)]
    pub unsafe fn poll(&mut self) -> Option<Option<AsyncioState>> {
        let now = unsafe { self.reader.read_running_loop() };
        if now == self.last {
            return None;
        }
        self.last.clone_from(&now);
        Some(now)
    }
}

/// What the per-step check keeps between steps.
#[derive(Default)]
struct LoopReader {
    /// `"asyncio"`, interned: looking it up in `sys.modules` hashes nothing.
    module_key: Option<Py<PyString>>,
    /// The version of `sys.modules` when asyncio was last found missing from it: while the dict is
    /// unchanged (most steps of most programs), asyncio is still missing and nothing is looked up.
    absent_at: Option<u64>,
    /// The `asyncio` module last found in `sys.modules` (held, so another module cannot reuse its
    /// address) and its `_get_running_loop`.
    asyncio: Option<(Py<PyAny>, Py<PyAny>)>,
    /// The helper's `read`, loaded the first time a loop runs.
    helper: Option<Py<PyAny>>,
    /// The helper could not be loaded (reported once; no loop is shown for the rest of the run).
    helper_failed: bool,
}

impl LoopReader {
    /// The running loop's state in this thread, or `None` when asyncio is not imported or no loop
    /// runs.
    ///
    /// # Safety
    /// GIL held; no exception set.
    unsafe fn read_running_loop(&mut self) -> Option<AsyncioState> {
        let py = unsafe { Python::assume_attached() };
        let modules = unsafe { ffi::PyImport_GetModuleDict() };
        let version = unsafe { frames::dict_version_of(modules) };
        if version.is_some() && version == self.absent_at {
            return None;
        }
        let key = self.module_key.get_or_insert_with(|| PyString::intern(py, "asyncio").unbind());
        // Borrowed. (PyDict_GetItem would cost four times as much: it saves and restores the
        // exception state around the lookup.)
        let module = unsafe { ffi::PyDict_GetItemWithError(modules, key.as_ptr()) };
        if module.is_null() {
            if unsafe { !ffi::PyErr_Occurred().is_null() } {
                unsafe { ffi::PyErr_Clear() };
            }
            self.absent_at = version;
            return None;
        }
        self.absent_at = None;
        let get_running_loop = match &self.asyncio {
            Some((known, function)) if known.as_ptr() == module => function,
            _ => {
                let module = unsafe { Bound::from_borrowed_ptr(py, module) };
                // A half-imported asyncio has no `_get_running_loop` yet: try again at the next step.
                let function = module.getattr("_get_running_loop").ok()?;
                &self.asyncio.insert((module.unbind(), function.unbind())).1
            }
        };
        let running = unsafe { ffi::PyObject_CallNoArgs(get_running_loop.as_ptr()) };
        if running.is_null() {
            unsafe { ffi::PyErr_Clear() };
            return None;
        }
        let running = unsafe { Bound::from_owned_ptr(py, running) };
        if running.is_none() {
            return None;
        }
        let helper = self.helper(py)?.clone_ref(py);
        let module = self.asyncio.as_ref().map(|(module, _)| module.bind(py))?;
        match helper.bind(py).call1((running, module)).and_then(|raw| raw.extract::<RawState>()) {
            Ok(raw) => Some(state_from(raw)),
            Err(_) => None,
        }
    }

    fn helper(&mut self, py: Python<'_>) -> Option<&Py<PyAny>> {
        if self.helper.is_none() && !self.helper_failed {
            match load_helper(py) {
                Ok(function) => self.helper = Some(function),
                Err(err) => {
                    eprintln!("pyxray worker: cannot load the asyncio reader: {err}");
                    self.helper_failed = true;
                }
            }
        }
        self.helper.as_ref()
    }
}

/// The helper's modules as `(name in sys.modules, name in the helper)`; asyncio imports them all.
const MODULES: [(&str, &str); 4] =
    [("builtins", "__builtins__"), ("functools", "_functools"), ("types", "_types"), ("weakref", "_weakref")];

fn load_helper(py: Python<'_>) -> PyResult<Py<PyAny>> {
    let namespace = PyDict::new(py);
    // SAFETY: the interpreter's module dict, borrowed; the GIL is held (`py`).
    let modules = unsafe { Bound::from_borrowed_ptr(py, ffi::PyImport_GetModuleDict()) };
    for (module, name) in MODULES {
        namespace.set_item(name, modules.get_item(module)?)?;
    }
    namespace.set_item("__name__", "_pyxray_asyncio")?;
    py.run(HELPER, Some(&namespace), None)?;
    let read = namespace
        .get_item("read")?
        .ok_or_else(|| pyo3::exceptions::PyRuntimeError::new_err("the asyncio reader did not load"))?;
    Ok(read.unbind())
}

fn state_from(raw: RawState) -> AsyncioState {
    let (tasks, ready, timers) = raw;
    AsyncioState {
        tasks: tasks.into_iter().map(task_from).collect(),
        ready: ready.into_iter().map(|(task, describe)| ReadyCallback { task, describe }).collect(),
        timers,
    }
}

fn task_from(raw: RawTask) -> AsyncTask {
    let (id, name, coroutine, state, failure, line, awaiting) = raw;
    let state = match state.as_str() {
        "running" => TaskState::Running,
        "done" => TaskState::Done,
        "cancelled" => TaskState::Cancelled,
        "failed" => TaskState::Failed(failure.unwrap_or_default()),
        _ => TaskState::Pending,
    };
    AsyncTask { id, name, coroutine, state, line: line.and_then(|line| u32::try_from(line).ok()), awaiting }
}
