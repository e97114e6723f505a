//! Small, careful wrappers over the CPython C API used on the tracer's hot path.
//!
//! Everything here runs on the worker's main thread with the GIL held. Pointers are borrowed unless
//! a comment says otherwise; nothing here calls learner code except `safe_repr`/`safe_str`, which
//! run under the watchdog's time budget.

use std::ffi::{CStr, c_char};

use pyo3::ffi;

use super::watchdog;

/// The text of a `str` object, never failing: lone surrogates are escaped. `max_chars` caps how much
/// of a huge string is converted at all.
///
/// # Safety
/// GIL held; `text` is a valid `str` object.
pub unsafe fn str_to_string(text: *mut ffi::PyObject, max_chars: usize) -> String {
    unsafe {
        let length = ffi::PyUnicode_GetLength(text);
        if length < 0 {
            ffi::PyErr_Clear();
            return String::new();
        }
        let owned_cut = if (length as usize) > max_chars {
            ffi::PyUnicode_Substring(text, 0, max_chars as ffi::Py_ssize_t)
        } else {
            std::ptr::null_mut()
        };
        let source = if owned_cut.is_null() { text } else { owned_cut };
        let mut size: ffi::Py_ssize_t = 0;
        let data = ffi::PyUnicode_AsUTF8AndSize(source, &mut size);
        let mut out = if data.is_null() {
            ffi::PyErr_Clear();
            let escaped = ffi::PyUnicode_AsEncodedString(source, c"utf-8".as_ptr(), c"backslashreplace".as_ptr());
            if escaped.is_null() {
                ffi::PyErr_Clear();
                String::from("<unprintable>")
            } else {
                let bytes = std::slice::from_raw_parts(
                    ffi::PyBytes_AsString(escaped) as *const u8,
                    ffi::PyBytes_Size(escaped) as usize,
                );
                let text = String::from_utf8_lossy(bytes).into_owned();
                ffi::Py_DecRef(escaped);
                text
            }
        } else {
            let bytes = std::slice::from_raw_parts(data as *const u8, size as usize);
            String::from_utf8_lossy(bytes).into_owned()
        };
        if !owned_cut.is_null() {
            ffi::Py_DecRef(owned_cut);
            out.push_str("...");
        }
        out
    }
}

/// The key text of a `str` without copying, for comparisons on the hot path (`None` if not a str
/// or not valid UTF-8).
///
/// # Safety
/// GIL held; the returned slice lives as long as `text` does.
pub unsafe fn str_bytes<'a>(text: *mut ffi::PyObject) -> Option<&'a [u8]> {
    unsafe {
        if ffi::PyUnicode_Check(text) == 0 {
            return None;
        }
        let mut size: ffi::Py_ssize_t = 0;
        let data = ffi::PyUnicode_AsUTF8AndSize(text, &mut size);
        if data.is_null() {
            ffi::PyErr_Clear();
            return None;
        }
        Some(std::slice::from_raw_parts(data as *const u8, size as usize))
    }
}

/// Takes ownership of a new reference returned by the C API and turns it into text, or describes
/// the exception that replaced it.
unsafe fn text_result(result: *mut ffi::PyObject, max_chars: usize, what: &str) -> String {
    unsafe {
        if result.is_null() {
            let problem = if watchdog::take_repr_timeout() {
                format!("<{what} took too long>")
            } else {
                format!("<{what} raised {}>", current_exception_type_name())
            };
            ffi::PyErr_Clear();
            return problem;
        }
        let text = if ffi::PyUnicode_Check(result) != 0 {
            str_to_string(result, max_chars)
        } else {
            format!("<{what} returned a non-string>")
        };
        ffi::Py_DecRef(result);
        text
    }
}

/// `repr(obj)` under the watchdog's budget: a `__repr__` that raises, loops or returns 50 MB gives a
/// placeholder or a truncated string instead of hanging or crashing the tracer.
///
/// # Safety
/// GIL held, no exception set; `obj` valid.
pub unsafe fn safe_repr(obj: *mut ffi::PyObject, max_chars: usize, budget_ms: u32) -> String {
    unsafe {
        let guard = watchdog::arm_repr(budget_ms);
        let result = ffi::PyObject_Repr(obj);
        drop(guard);
        text_result(result, max_chars, "repr")
    }
}

/// `str(obj)` under the same budget (exception messages).
///
/// # Safety
/// As `safe_repr`.
pub unsafe fn safe_str(obj: *mut ffi::PyObject, max_chars: usize, budget_ms: u32) -> String {
    unsafe {
        let guard = watchdog::arm_repr(budget_ms);
        let result = ffi::PyObject_Str(obj);
        drop(guard);
        text_result(result, max_chars, "str")
    }
}

/// The name of the pending exception's type, without clearing it.
///
/// # Safety
/// GIL held.
pub unsafe fn current_exception_type_name() -> String {
    unsafe {
        let occurred = ffi::PyErr_Occurred();
        if occurred.is_null() { String::from("an error") } else { type_name(occurred as *mut ffi::PyTypeObject) }
    }
}

/// A type's `tp_name` (qualified for builtins the way CPython prints them: `int`, `collections.deque`).
///
/// # Safety
/// `tp` valid.
pub unsafe fn type_name(tp: *mut ffi::PyTypeObject) -> String {
    unsafe {
        let name = (*tp).tp_name;
        if name.is_null() {
            return String::from("?");
        }
        let full = CStr::from_ptr(name as *const c_char).to_string_lossy();
        // Heap types (classes defined in Python) carry only their qualified name in tp_name.
        full.into_owned()
    }
}

/// Reads `obj.<name>` and returns a new reference, or null with the error cleared.
///
/// # Safety
/// GIL held.
pub unsafe fn getattr(obj: *mut ffi::PyObject, name: &CStr) -> *mut ffi::PyObject {
    unsafe {
        let value = ffi::PyObject_GetAttrString(obj, name.as_ptr());
        if value.is_null() {
            ffi::PyErr_Clear();
        }
        value
    }
}

/// `obj.<name>` as text (for code object names, file names).
///
/// # Safety
/// GIL held.
pub unsafe fn getattr_string(obj: *mut ffi::PyObject, name: &CStr) -> Option<String> {
    unsafe {
        let value = getattr(obj, name);
        if value.is_null() {
            return None;
        }
        let text = if ffi::PyUnicode_Check(value) != 0 { Some(str_to_string(value, 4096)) } else { None };
        ffi::Py_DecRef(value);
        text
    }
}

/// `obj.<name>` as an integer.
///
/// # Safety
/// GIL held.
pub unsafe fn getattr_i64(obj: *mut ffi::PyObject, name: &CStr) -> Option<i64> {
    unsafe {
        let value = getattr(obj, name);
        if value.is_null() {
            return None;
        }
        let number = ffi::PyLong_AsLongLong(value);
        ffi::Py_DecRef(value);
        if number == -1 && !ffi::PyErr_Occurred().is_null() {
            ffi::PyErr_Clear();
            return None;
        }
        Some(number)
    }
}

pub fn is_dunder(name: &[u8]) -> bool {
    name.len() > 4 && name.starts_with(b"__") && name.ends_with(b"__")
}
