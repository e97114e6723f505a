//! A process the program forks (`os.fork`, `multiprocessing` and `ProcessPoolExecutor` on Linux)
//! starts as a copy of the worker, tracer included. The copy must never record: its steps would go
//! down the worker's protocol stream and corrupt it. So in a forked child the tracer is switched
//! off for good, and `print` writes straight to the inherited descriptors 1 and 2 (the program's
//! output pipes), so what the child prints still reaches the app.

use std::sync::atomic::{AtomicBool, Ordering};

use pyo3::prelude::*;
use pyo3::types::PyCFunction;

static IN_FORKED_CHILD: AtomicBool = AtomicBool::new(false);
static REGISTERED: AtomicBool = AtomicBool::new(false);

/// Whether this process is a child the program forked from the worker.
pub fn in_forked_child() -> bool {
    IN_FORKED_CHILD.load(Ordering::Relaxed)
}

/// Registers the after-fork handler, once per worker.
pub fn register(py: Python<'_>) -> PyResult<()> {
    if REGISTERED.swap(true, Ordering::AcqRel) {
        return Ok(());
    }
    let in_child = PyCFunction::new_closure(py, None, None, |args, _kwargs| -> PyResult<()> {
        IN_FORKED_CHILD.store(true, Ordering::Relaxed);
        // SAFETY: called by Python, so the GIL is held.
        unsafe { pyo3::ffi::PyEval_SetTrace(None, std::ptr::null_mut()) };
        let py = args.py();
        let reopen = py.eval(
            c"lambda sys: [setattr(sys, name, open(fd, 'w', buffering=1, closefd=False)) for name, fd in (('stdout', 1), ('stderr', 2))]",
            None,
            None,
        )?;
        reopen.call1((PyModule::import(py, "sys")?,))?;
        Ok(())
    })?;
    let kwargs = pyo3::types::PyDict::new(py);
    kwargs.set_item("after_in_child", in_child)?;
    PyModule::import(py, "os")?.getattr("register_at_fork")?.call((), Some(&kwargs))?;
    Ok(())
}
