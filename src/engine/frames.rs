//! Reading learner frames: which code is the learner's, frame identity, line, offset and locals.

use std::rc::Rc;

use rustc_hash::FxHashMap as HashMap;

use pyo3::ffi;

use super::pyutil::{self, is_dunder};
use crate::trace::FrameKind;

const CO_OPTIMIZED: i64 = 0x1;
const CO_GENERATOR: i64 = 0x20;
const CO_COROUTINE: i64 = 0x80;
const CO_ITERABLE_COROUTINE: i64 = 0x100;
const CO_ASYNC_GENERATOR: i64 = 0x200;

pub struct CodeInfo {
    /// `id()` of the code object (what `trace::Frame::code` and `trace::CodeObject::id` hold).
    pub id: u64,
    pub function: String,
    pub kind: FrameKind,
    /// Module and class bodies keep their names in a dict; optimized code in fast locals.
    pub optimized: bool,
    /// Whether inner functions can rebind this frame's names (it has cell variables).
    pub has_cells: bool,
}

/// Classifies code objects once each. Every code object seen is kept alive (one reference), so an
/// address can never be reused by another code object and misclassified.
pub struct CodeCache {
    learner_file: String,
    by_ptr: HashMap<usize, Option<Rc<CodeInfo>>>,
    /// The last code object looked up: consecutive events are mostly in the same code.
    last: Option<(usize, Option<Rc<CodeInfo>>)>,
}

impl CodeCache {
    pub fn new(learner_file: &str) -> Self {
        CodeCache { learner_file: learner_file.to_owned(), by_ptr: HashMap::default(), last: None }
    }

    /// The learner's code info for `code`, or `None` for library code.
    ///
    /// # Safety
    /// GIL held; `code` is a live code object.
    pub unsafe fn lookup(&mut self, code: *mut ffi::PyObject) -> Option<Rc<CodeInfo>> {
        if let Some((ptr, info)) = &self.last
            && *ptr == code as usize
        {
            return info.clone();
        }
        if let Some(known) = self.by_ptr.get(&(code as usize)) {
            self.last = Some((code as usize, known.clone()));
            return known.clone();
        }
        let info = unsafe {
            ffi::Py_IncRef(code);
            let filename = pyutil::getattr_string(code, c"co_filename").unwrap_or_default();
            (filename == self.learner_file).then(|| Rc::new(describe_code(code)))
        };
        self.by_ptr.insert(code as usize, info.clone());
        self.last = Some((code as usize, info.clone()));
        info
    }

    /// Releases the code objects held.
    ///
    /// # Safety
    /// GIL held.
    pub unsafe fn release(&mut self) {
        for ptr in self.by_ptr.keys() {
            unsafe { ffi::Py_DecRef(*ptr as *mut ffi::PyObject) };
        }
        self.by_ptr.clear();
        self.last = None;
    }
}

unsafe fn describe_code(code: *mut ffi::PyObject) -> CodeInfo {
    unsafe {
        let name = pyutil::getattr_string(code, c"co_name").unwrap_or_else(|| "?".into());
        let function = pyutil::getattr_string(code, c"co_qualname").unwrap_or_else(|| name.clone());
        let flags = pyutil::getattr_i64(code, c"co_flags").unwrap_or(0);
        let cellvars = pyutil::getattr(code, c"co_cellvars");
        let has_cells = !cellvars.is_null() && ffi::PyObject_Length(cellvars) > 0;
        if !cellvars.is_null() {
            ffi::Py_DecRef(cellvars);
        }
        ffi::PyErr_Clear();
        let optimized = flags & CO_OPTIMIZED != 0;
        let kind = kind_of_code(&name, flags);
        CodeInfo { id: code as u64, function, kind, optimized, has_cells }
    }
}

/// What kind of frame runs a code object, from its `co_name` and `co_flags`.
pub fn kind_of_code(name: &str, flags: i64) -> FrameKind {
    if flags & CO_ASYNC_GENERATOR != 0 {
        FrameKind::AsyncGenerator
    } else if flags & (CO_COROUTINE | CO_ITERABLE_COROUTINE) != 0 {
        FrameKind::Coroutine
    } else if flags & CO_GENERATOR != 0 {
        FrameKind::Generator
    } else if name == "<module>" {
        FrameKind::Module
    } else if name == "<lambda>" {
        FrameKind::Lambda
    } else if matches!(name, "<listcomp>" | "<dictcomp>" | "<setcomp>") {
        FrameKind::Comprehension
    } else if flags & CO_OPTIMIZED == 0 {
        FrameKind::Class
    } else {
        FrameKind::Function
    }
}

/// # Safety
/// GIL held; `frame` live.
pub unsafe fn code_of(frame: *mut ffi::PyFrameObject) -> *mut ffi::PyObject {
    // PyFrame_GetCode returns a new reference; the code cache keeps its own, so ours is dropped here.
    unsafe {
        let code = ffi::PyFrame_GetCode(frame) as *mut ffi::PyObject;
        ffi::Py_DecRef(code);
        code
    }
}

/// Asks CPython not to raise `line` events for `frame` (its `f_trace_lines`); its calls, returns
/// and exceptions are still seen.
///
/// # Safety
/// GIL held; `frame` live; no exception set.
pub unsafe fn skip_line_events(frame: *mut ffi::PyFrameObject) {
    unsafe {
        if ffi::PyObject_SetAttrString(frame.cast(), c"f_trace_lines".as_ptr(), ffi::Py_False()) != 0 {
            ffi::PyErr_Clear();
        }
    }
}

/// # Safety
/// GIL held; `frame` live.
pub unsafe fn line_of(frame: *mut ffi::PyFrameObject) -> u32 {
    unsafe { ffi::PyFrame_GetLineNumber(frame).max(0) as u32 }
}

/// The frame's last bytecode offset in bytes (-1 before the first instruction).
///
/// # Safety
/// GIL held; `frame` live.
pub unsafe fn offset_of(frame: *mut ffi::PyFrameObject) -> i32 {
    #[cfg(Py_3_11)]
    unsafe {
        ffi::PyFrame_GetLasti(frame)
    }
    #[cfg(not(Py_3_11))]
    unsafe {
        pyutil::getattr_i64(frame as *mut ffi::PyObject, c"f_lasti").unwrap_or(-1) as i32
    }
}

/// The version tag CPython bumps on every change to a dict (PEP 509; present up to 3.13).
///
/// # Safety
/// `dict` is a live dict.
#[allow(deprecated)]
pub unsafe fn dict_version(dict: *mut ffi::PyObject) -> u64 {
    unsafe { (*(dict as *mut ffi::PyDictObject)).ma_version_tag }
}

/// A frame's variables as `(name object, value)` pointers, in the frame's own order.
/// Module and class bodies leave out dunder names and modules (interpreter noise, not the
/// learner's data). `dict_version` is set when the names live in a plain dict.
pub struct LocalsRead {
    pub pairs: Vec<(usize, usize)>,
    pub dict_version: Option<u64>,
}

/// # Safety
/// GIL held; `frame` live.
pub unsafe fn read_locals(
    frame: *mut ffi::PyFrameObject,
    info: &CodeInfo,
    known_version: Option<u64>,
    namespace: Option<usize>,
) -> Option<LocalsRead> {
    unsafe {
        // Module and class bodies keep their names in one dict for the frame's whole life.
        let mapping = match namespace {
            Some(dict) => {
                ffi::Py_IncRef(dict as *mut ffi::PyObject);
                dict as *mut ffi::PyObject
            }
            None => pyutil::getattr(frame as *mut ffi::PyObject, c"f_locals"),
        };
        if mapping.is_null() {
            return Some(LocalsRead { pairs: Vec::new(), dict_version: None });
        }
        let filter_noise = !info.optimized;
        let mut pairs = Vec::new();
        let mut dict_version = None;
        if ffi::PyDict_Check(mapping) != 0 {
            let version = dict_version_of(mapping);
            if version.is_some() && version == known_version {
                ffi::Py_DecRef(mapping);
                return None;
            }
            dict_version = version;
            let mut position: ffi::Py_ssize_t = 0;
            let mut key: *mut ffi::PyObject = std::ptr::null_mut();
            let mut value: *mut ffi::PyObject = std::ptr::null_mut();
            while ffi::PyDict_Next(mapping, &mut position, &mut key, &mut value) != 0 {
                if filter_noise && is_noise(key, value) {
                    continue;
                }
                pairs.push((key as usize, value as usize));
            }
            // Before 3.13 `f_locals` of a function is a snapshot dict the frame keeps. When nobody
            // but the frame holds it, empty it again so its references do not inflate refcounts or
            // keep dead objects alive (it is refilled whenever anyone asks for it).
            if info.optimized && ffi::Py_REFCNT(mapping) == 2 {
                ffi::Py_DecRef(mapping);
                // The values stay alive: the frame's fast locals own them.
                ffi::PyDict_Clear(mapping);
                dict_version = None;
                return Some(LocalsRead { pairs, dict_version });
            }
        } else {
            let items = ffi::PyMapping_Items(mapping);
            if items.is_null() {
                ffi::PyErr_Clear();
            } else {
                let count = ffi::PyList_GET_SIZE(items);
                for i in 0..count {
                    let item = ffi::PyList_GET_ITEM(items, i);
                    if ffi::PyTuple_Check(item) != 0 && ffi::PyTuple_GET_SIZE(item) == 2 {
                        let key = ffi::PyTuple_GET_ITEM(item, 0);
                        let value = ffi::PyTuple_GET_ITEM(item, 1);
                        if filter_noise && is_noise(key, value) {
                            continue;
                        }
                        pairs.push((key as usize, value as usize));
                    }
                }
                ffi::Py_DecRef(items);
            }
        }
        ffi::Py_DecRef(mapping);
        Some(LocalsRead { pairs, dict_version })
    }
}

/// The dict holding a module or class body's names (borrowed: the frame keeps it), or `None`.
///
/// # Safety
/// GIL held; `frame` live.
pub unsafe fn namespace_of(frame: *mut ffi::PyFrameObject, info: &CodeInfo) -> Option<usize> {
    if info.optimized {
        return None;
    }
    unsafe {
        let mapping = pyutil::getattr(frame as *mut ffi::PyObject, c"f_locals");
        if mapping.is_null() {
            return None;
        }
        let is_dict = ffi::PyDict_Check(mapping) != 0;
        // The frame holds its own reference, for as long as the frame is on our stack.
        ffi::Py_DecRef(mapping);
        is_dict.then_some(mapping as usize)
    }
}

pub unsafe fn dict_version_of(dict: *mut ffi::PyObject) -> Option<u64> {
    #[cfg(not(Py_3_14))]
    unsafe {
        Some(dict_version(dict))
    }
    #[cfg(Py_3_14)]
    {
        let _ = dict;
        None
    }
}

/// One entry of a module or class namespace as last read, noise included, so that at the next step
/// an unchanged entry costs two pointer comparisons instead of a name check.
#[derive(Clone, Copy)]
pub struct NamespaceEntry {
    key: usize,
    value: usize,
    noise: bool,
    /// Under a dunder name: noise whatever it is bound to.
    dunder: bool,
    /// `PyDict_Next`'s position just past this entry.
    next_position: ffi::Py_ssize_t,
}

/// Re-reads a namespace dict against the entries of the last read. When the same names are there in
/// the same order (the common case: a step rebinds names, it seldom adds or deletes them), pushes
/// the rebound names to `rebound` as `(position among the names shown, new value)`, updates
/// `entries` and returns true. Returns false when names came, went or moved in or out of the noise:
/// the caller then reads the namespace afresh with `read_namespace`.
///
/// # Safety
/// GIL held; `dict` is a live dict.
pub unsafe fn rebound_in_namespace(
    dict: *mut ffi::PyObject,
    entries: &mut [NamespaceEntry],
    rebound: &mut Vec<(usize, usize)>,
) -> bool {
    // The leading entries under dunder names (`__name__`, `__builtins__`, ...: most of a module's
    // dict) are noise whatever they are bound to, so the walk starts past them. Had one of them been
    // deleted and the table rebuilt since, the entries after it would have moved, and comparing
    // their keys below sends the caller to a full read.
    let skipped = entries.iter().take_while(|entry| entry.dunder).count();
    unsafe {
        let mut position: ffi::Py_ssize_t = skipped.checked_sub(1).map_or(0, |last| entries[last].next_position);
        let mut key: *mut ffi::PyObject = std::ptr::null_mut();
        let mut value: *mut ffi::PyObject = std::ptr::null_mut();
        let mut seen = skipped;
        let mut shown = 0;
        while ffi::PyDict_Next(dict, &mut position, &mut key, &mut value) != 0 {
            let Some(entry) = entries.get_mut(seen) else { return false };
            if entry.key != key as usize {
                return false;
            }
            seen += 1;
            if entry.value != value as usize {
                if (entry.dunder || is_module(value)) != entry.noise {
                    return false;
                }
                entry.value = value as usize;
                if !entry.noise {
                    rebound.push((shown, value as usize));
                }
            }
            shown += usize::from(!entry.noise);
        }
        seen == entries.len()
    }
}

/// Reads a namespace dict afresh: its shown names as `(name object, value)` pairs, in order, and
/// all its entries into `entries` for `rebound_in_namespace` at the next step.
///
/// # Safety
/// GIL held; `dict` is a live dict.
pub unsafe fn read_namespace(dict: *mut ffi::PyObject, entries: &mut Vec<NamespaceEntry>) -> Vec<(usize, usize)> {
    entries.clear();
    let mut pairs = Vec::new();
    unsafe {
        let mut position: ffi::Py_ssize_t = 0;
        let mut key: *mut ffi::PyObject = std::ptr::null_mut();
        let mut value: *mut ffi::PyObject = std::ptr::null_mut();
        while ffi::PyDict_Next(dict, &mut position, &mut key, &mut value) != 0 {
            let dunder = is_dunder_key(key);
            let noise = dunder || is_module(value);
            entries.push(NamespaceEntry {
                key: key as usize,
                value: value as usize,
                noise,
                dunder,
                next_position: position,
            });
            if !noise {
                pairs.push((key as usize, value as usize));
            }
        }
    }
    pairs
}

unsafe fn is_noise(key: *mut ffi::PyObject, value: *mut ffi::PyObject) -> bool {
    unsafe { is_dunder_key(key) || is_module(value) }
}

/// `isinstance(value, types.ModuleType)`, without walking the MRO of builtin types (which cannot
/// subclass it): this runs for every name at every step.
unsafe fn is_module(value: *mut ffi::PyObject) -> bool {
    unsafe {
        let tp = ffi::Py_TYPE(value);
        tp == &raw mut ffi::PyModule_Type
            || (ffi::PyType_HasFeature(tp, ffi::Py_TPFLAGS_HEAPTYPE) != 0 && ffi::PyModule_Check(value) != 0)
    }
}

/// Whether a namespace key is a `__dunder__` name (or not a str at all). Runs for every name at
/// every step, so one-byte strings are read in place rather than converted.
unsafe fn is_dunder_key(key: *mut ffi::PyObject) -> bool {
    unsafe {
        if ffi::PyUnicode_CheckExact(key) == 0 {
            return pyutil::str_bytes(key).is_none_or(is_dunder);
        }
        #[cfg(not(Py_3_14))]
        if ffi::PyUnicode_KIND(key) == ffi::PyUnicode_1BYTE_KIND {
            let length = ffi::PyUnicode_GET_LENGTH(key).max(0) as usize;
            let bytes = std::slice::from_raw_parts(ffi::PyUnicode_DATA(key) as *const u8, length);
            return is_dunder(bytes);
        }
        pyutil::str_bytes(key).is_none_or(is_dunder)
    }
}
