//! Why two names can be one object without the program making it so: interned strings, immortal
//! objects (3.12+), and the constants a code object carries from compile time. Each is decided once,
//! when the object is first recorded, from the object's own memory or from the constants of the
//! learner's code objects; the small-int cache is recognised in `heap/describe.rs`.

use rustc_hash::FxHashSet;

use pyo3::ffi;

use super::pyutil;
use crate::trace::ObjFlags;

/// How deep constant tuples are followed into (`((1, 2), 3)` is one constant holding two more).
const MAX_TUPLE_DEPTH: u32 = 8;

/// The constants of every learner code object the tracer has met, and of the code objects nested in
/// them (functions, classes, comprehensions), so a function's constants are known before it runs.
/// The pointers stay valid for the whole run: the tracer's code cache keeps every code object it met
/// alive, and a code object keeps its constants.
#[derive(Default)]
pub(super) struct CodeConstants {
    codes: FxHashSet<usize>,
    constants: FxHashSet<usize>,
}

impl CodeConstants {
    /// Notes `code`'s constants, once per code object.
    ///
    /// # Safety
    /// GIL held; `code` is a live code object kept alive for the run.
    pub unsafe fn note_code(&mut self, code: *mut ffi::PyObject) {
        if !self.codes.insert(code as usize) {
            return;
        }
        unsafe {
            // A C getter: no Python code runs.
            let consts = pyutil::getattr(code, c"co_consts");
            if consts.is_null() {
                ffi::PyErr_Clear();
                return;
            }
            if ffi::PyTuple_Check(consts) != 0 {
                self.note_items(consts, 0);
            }
            ffi::Py_DecRef(consts);
        }
    }

    unsafe fn note_items(&mut self, tuple: *mut ffi::PyObject, depth: u32) {
        unsafe {
            for i in 0..ffi::PyTuple_GET_SIZE(tuple) {
                let item = ffi::PyTuple_GET_ITEM(tuple, i);
                if item.is_null() {
                    continue;
                }
                self.constants.insert(item as usize);
                if ffi::PyCode_Check(item) != 0 {
                    self.note_code(item);
                } else if ffi::PyTuple_CheckExact(item) != 0 && depth < MAX_TUPLE_DEPTH {
                    self.note_items(item, depth + 1);
                }
            }
        }
    }

    pub fn contains(&self, ptr: usize) -> bool {
        self.constants.contains(&ptr)
    }
}

/// The identity flags of an object being recorded, but for `SMALL_INT` (see `is_cached_small_int`).
///
/// # Safety
/// GIL held; `obj` live.
pub(super) unsafe fn identity_flags(obj: *mut ffi::PyObject, constants: &CodeConstants) -> ObjFlags {
    let mut flags = ObjFlags::default();
    unsafe {
        flags.set(ObjFlags::INTERNED, is_interned(obj));
        flags.set(ObjFlags::IMMORTAL, is_immortal(obj));
    }
    flags.set(ObjFlags::CODE_CONSTANT, constants.contains(obj as usize));
    flags
}

/// The str is in the interpreter's table of interned strings: the state bits of its header
/// (`PyASCIIObject.state.interned`, mortal or immortal), the same on 3.10 to 3.13.
#[cfg(not(Py_3_14))]
unsafe fn is_interned(obj: *mut ffi::PyObject) -> bool {
    unsafe {
        ffi::PyUnicode_CheckExact(obj) != 0
            && (*(obj as *mut ffi::PyASCIIObject)).interned() != ffi::SSTATE_NOT_INTERNED
    }
}

/// 3.14 moved the interned state out of the bit field; not read there yet.
#[cfg(Py_3_14)]
unsafe fn is_interned(_obj: *mut ffi::PyObject) -> bool {
    false
}

/// 3.12+ (PEP 683): an immortal object's refcount has the sign bit of its low 32 bits set, and
/// increments and decrements leave it alone (`_Py_IsImmortal` on 64-bit builds with the GIL).
#[cfg(Py_3_12)]
unsafe fn is_immortal(obj: *mut ffi::PyObject) -> bool {
    unsafe { (ffi::Py_REFCNT(obj) as i32) < 0 }
}

/// Before 3.12 every object is mortal.
#[cfg(not(Py_3_12))]
unsafe fn is_immortal(_obj: *mut ffi::PyObject) -> bool {
    false
}
