//! Tracing every thread the program starts, not only the main one.
//!
//! `PyEval_SetTrace` traces the calling thread only. A thread started through `threading` calls
//! `sys.settrace(threading._trace_hook)` before its target runs, so while a run is recorded
//! `threading._trace_hook` is set to a marker and `sys.settrace` to a guard: when the guard gets
//! the marker, it installs the C tracer in that new thread and notes the thread's name. Any other
//! call of `sys.settrace` is refused, since replacing the tracer would silently end the recording.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use pyo3::prelude::*;
use pyo3::types::{PyCFunction, PyString};

use super::tracer;

/// Threads that started since the recorder last looked: `(thread ident, name)`.
static STARTED: Mutex<Vec<(u64, String)>> = Mutex::new(Vec::new());
/// Set when `STARTED` has entries, so the recorder checks one flag, not a lock, at every step.
static ANY_STARTED: AtomicBool = AtomicBool::new(false);

const MARKER: &str = "pyxray: trace this thread";

/// Whether a thread started since `take_started` was last called.
pub fn any_started() -> bool {
    ANY_STARTED.load(Ordering::Acquire)
}

/// The threads that started since the last call, in the order they started.
pub fn take_started() -> Vec<(u64, String)> {
    ANY_STARTED.store(false, Ordering::Release);
    match STARTED.lock() {
        Ok(mut started) => std::mem::take(&mut *started),
        Err(poisoned) => std::mem::take(&mut *poisoned.into_inner()),
    }
}

/// The ident CPython gives the calling thread (`threading.get_ident()`).
pub fn current_ident() -> u64 {
    // SAFETY: a plain query of the calling thread's id; needs no GIL.
    unsafe { pyo3::ffi::PyThread_get_thread_ident() as u64 }
}

/// Sets `threading._trace_hook` to the marker and returns the guard to put in `sys.settrace`.
pub fn hook<'py>(py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
    let marker = PyString::intern(py, MARKER).unbind();
    let threading = PyModule::import(py, "threading")?;
    threading.call_method1("settrace", (marker.bind(py),))?;
    let guard = PyCFunction::new_closure(py, None, None, move |args, _kwargs| -> PyResult<()> {
        let py = args.py();
        let asked = args.get_item(0).ok();
        if asked.is_some_and(|asked| asked.is(marker.bind(py))) {
            thread_starting(py);
        } else {
            let stderr = PyModule::import(py, "sys")?.getattr("stderr")?;
            stderr.call_method1("write", ("pyxray: sys.settrace() is ignored while pyxray records this program\n",))?;
        }
        Ok(())
    })?;
    Ok(guard.into_any())
}

/// `threading.current_thread().name`.
pub fn current_name(py: Python<'_>) -> String {
    PyModule::import(py, "threading")
        .and_then(|threading| threading.call_method0("current_thread"))
        .and_then(|thread| thread.getattr("name"))
        .and_then(|name| name.extract::<String>())
        .unwrap_or_else(|_| String::from("thread"))
}

/// Takes the marker out of `threading._trace_hook` again.
pub fn unhook(py: Python<'_>) -> PyResult<()> {
    PyModule::import(py, "threading")?.call_method1("settrace", (py.None(),))?;
    Ok(())
}

/// In a thread `threading` is starting, before its target runs.
fn thread_starting(py: Python<'_>) {
    let name = current_name(py);
    match STARTED.lock() {
        Ok(mut started) => started.push((current_ident(), name)),
        Err(poisoned) => poisoned.into_inner().push((current_ident(), name)),
    }
    ANY_STARTED.store(true, Ordering::Release);
    // SAFETY: the GIL is held (we are called from Python).
    unsafe { tracer::trace_this_thread() };
}
