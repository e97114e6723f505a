//! Exceptions as the learner should see them unwind: the `__cause__`/`__context__` chain Python
//! prints above a traceback, and the exception an `except` or `finally` block is handling. Read with
//! the C API (no attribute lookup that could run learner code, except `str()` for messages, which is
//! budgeted like every repr).

use pyo3::ffi;

use super::pyutil;
use crate::trace::{ChainLink, ChainedException};

/// A chain longer than this is cut (a loop that keeps raising in its handler builds very long ones).
const MAX_CHAIN: usize = 16;

/// The exceptions printed above `value`, nearest first, following exactly the rule of
/// `traceback.format_exception`: `__cause__` if set, else `__context__` unless `__suppress_context__`.
///
/// # Safety
/// GIL held; `value` a live exception object.
pub unsafe fn chain_of(value: *mut ffi::PyObject, max_chars: usize, budget_ms: u32) -> Vec<ChainedException> {
    let mut chain = Vec::new();
    // Pointers seen, so a cycle (an exception that is its own context's context) ends the walk.
    let mut seen = vec![value as usize];
    let mut current = value;
    unsafe {
        ffi::Py_IncRef(current);
        while chain.len() < MAX_CHAIN {
            let Some((next, link)) = next_in_chain(current) else { break };
            ffi::Py_DecRef(current);
            current = next;
            if seen.contains(&(next as usize)) {
                break;
            }
            seen.push(next as usize);
            chain.push(ChainedException {
                link,
                type_name: pyutil::type_name(ffi::Py_TYPE(next)),
                message: message_of(next, max_chars, budget_ms),
                suppress_context: suppress_context(next),
            });
        }
        ffi::Py_DecRef(current);
    }
    chain
}

/// The next exception Python prints above `value` (a new reference), and how `value` refers to it.
unsafe fn next_in_chain(value: *mut ffi::PyObject) -> Option<(*mut ffi::PyObject, ChainLink)> {
    unsafe {
        if ffi::PyExceptionInstance_Check(value) == 0 {
            return None;
        }
        let cause = ffi::PyException_GetCause(value);
        if !cause.is_null() {
            return Some((cause, ChainLink::Cause));
        }
        if suppress_context(value) {
            return None;
        }
        let context = ffi::PyException_GetContext(value);
        (!context.is_null()).then_some((context, ChainLink::Context))
    }
}

/// `__suppress_context__`, read from the object's C struct (an attribute lookup could run a learner
/// class's `__getattribute__`).
///
/// # Safety
/// GIL held; `value` a live object.
pub unsafe fn suppress_context(value: *mut ffi::PyObject) -> bool {
    unsafe {
        if ffi::PyExceptionInstance_Check(value) == 0 {
            return false;
        }
        let exception = value as *mut ffi::PyBaseExceptionObject;
        // A C `char`: read as one byte (pyo3 declares the field as a 4-byte Rust `char`).
        let flag = std::ptr::addr_of!((*exception).suppress_context) as *const u8;
        *flag != 0
    }
}

/// `str(exception)` as Python prints it after the type name.
///
/// # Safety
/// GIL held; `value` live.
pub unsafe fn message_of(value: *mut ffi::PyObject, max_chars: usize, budget_ms: u32) -> String {
    if value.is_null() || value == unsafe { ffi::Py_None() } {
        return String::new();
    }
    unsafe { pyutil::safe_str(value, max_chars, budget_ms) }
}

/// The exception being handled right now (what `sys.exc_info()[1]` would be): set while an
/// `except` block, or a `finally` block reached by an exception, runs. A new reference, or null.
///
/// # Safety
/// GIL held.
pub unsafe fn handled_exception() -> *mut ffi::PyObject {
    unsafe {
        #[cfg(Py_3_11)]
        let value = ffi::PyErr_GetHandledException();
        #[cfg(not(Py_3_11))]
        let value = {
            let mut kind = std::ptr::null_mut();
            let mut value = std::ptr::null_mut();
            let mut traceback = std::ptr::null_mut();
            ffi::PyErr_GetExcInfo(&mut kind, &mut value, &mut traceback);
            for owned in [kind, traceback] {
                if !owned.is_null() {
                    ffi::Py_DecRef(owned);
                }
            }
            value
        };
        if !value.is_null() && value == ffi::Py_None() {
            ffi::Py_DecRef(value);
            return std::ptr::null_mut();
        }
        value
    }
}
