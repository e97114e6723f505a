//! Reading objects without running Python code: what kind an object is, its children (items,
//! entries, attributes, closure cells) and a cheap fingerprint of a leaf's value.

use std::ffi::c_int;

use pyo3::ffi;

use super::pyutil::{self, is_dunder};
use crate::trace::{Child, Key, ObjKind};

/// The children of an object as read from the interpreter right now.
pub(super) struct Scan {
    pub children: Vec<Child>,
    pub item_ptrs: Option<Vec<usize>>,
    pub total: u64,
}

pub(super) unsafe fn sequence_items<'a>(obj: *mut ffi::PyObject, max: usize) -> Option<(&'a [usize], u64)> {
    unsafe {
        let (data, len) = if ffi::PyList_Check(obj) != 0 {
            let list = obj as *mut ffi::PyListObject;
            ((*list).ob_item as *const usize, ffi::PyList_GET_SIZE(obj))
        } else if ffi::PyTuple_Check(obj) != 0 {
            let tuple = obj as *mut ffi::PyTupleObject;
            ((*tuple).ob_item.as_ptr() as *const usize, ffi::PyTuple_GET_SIZE(obj))
        } else {
            return None;
        };
        let len = len.max(0) as usize;
        if len == 0 || data.is_null() {
            return Some((&[], 0));
        }
        Some((std::slice::from_raw_parts(data, len.min(max)), len as u64))
    }
}

pub(super) unsafe fn iterate_set(obj: *mut ffi::PyObject, max: usize) -> Scan {
    unsafe {
        let total = ffi::PySet_Size(obj).max(0) as u64;
        let mut children = Vec::new();
        let iterator = ffi::PyObject_GetIter(obj);
        if iterator.is_null() {
            ffi::PyErr_Clear();
            return Scan { children, item_ptrs: None, total };
        }
        while children.len() < max {
            let item = ffi::PyIter_Next(iterator);
            if item.is_null() {
                break;
            }
            children.push(Child { key: Key::Index, id: item as u64 });
            // The set keeps the item alive.
            ffi::Py_DecRef(item);
        }
        ffi::Py_DecRef(iterator);
        ffi::PyErr_Clear();
        Scan { children, item_ptrs: None, total }
    }
}

/// Dict entries as children; `names` turns str keys into attribute names (instances and classes).
pub(super) unsafe fn dict_children(dict: *mut ffi::PyObject, max: usize, names: bool, skip_dunder: bool) -> Scan {
    unsafe {
        let mut children = Vec::new();
        let mut total = 0u64;
        let mut position: ffi::Py_ssize_t = 0;
        let mut key: *mut ffi::PyObject = std::ptr::null_mut();
        let mut value: *mut ffi::PyObject = std::ptr::null_mut();
        while ffi::PyDict_Next(dict, &mut position, &mut key, &mut value) != 0 {
            if names {
                let Some(name) = pyutil::str_bytes(key) else { continue };
                if skip_dunder && is_dunder(name) {
                    continue;
                }
                total += 1;
                if children.len() < max {
                    children
                        .push(Child { key: Key::Name(String::from_utf8_lossy(name).into_owned()), id: value as u64 });
                }
            } else {
                total += 1;
                if children.len() < max {
                    children.push(Child { key: Key::Object(key as u64), id: value as u64 });
                }
            }
        }
        Scan { children, item_ptrs: None, total }
    }
}

pub(super) unsafe fn function_cells(function: *mut ffi::PyObject) -> Scan {
    unsafe {
        let closure = ffi::PyFunction_GetClosure(function);
        if closure.is_null() || ffi::PyTuple_Check(closure) == 0 {
            ffi::PyErr_Clear();
            return Scan { children: Vec::new(), item_ptrs: None, total: 0 };
        }
        let code = pyutil::getattr(function, c"__code__");
        let names = if code.is_null() { std::ptr::null_mut() } else { pyutil::getattr(code, c"co_freevars") };
        let mut children = Vec::new();
        let count = ffi::PyTuple_GET_SIZE(closure);
        for i in 0..count {
            let cell = ffi::PyTuple_GET_ITEM(closure, i);
            let name = if !names.is_null() && ffi::PyTuple_Check(names) != 0 && i < ffi::PyTuple_GET_SIZE(names) {
                pyutil::str_to_string(ffi::PyTuple_GET_ITEM(names, i), 200)
            } else {
                format!("cell{i}")
            };
            children.push(Child { key: Key::Name(name), id: cell as u64 });
        }
        for owned in [code, names] {
            if !owned.is_null() {
                ffi::Py_DecRef(owned);
            }
        }
        let total = children.len() as u64;
        Scan { children, item_ptrs: None, total }
    }
}

/// Whether describing the object may run Python code: anything but builtin leaves and exact containers
/// (whose repr pyxray builds itself).
pub(super) unsafe fn runs_python(obj: *mut ffi::PyObject, kind: ObjKind, composed: bool) -> bool {
    if composed {
        return false;
    }
    unsafe { !(kind == ObjKind::Leaf && is_builtin_type(ffi::Py_TYPE(obj))) }
}

pub(super) unsafe fn is_builtin_type(tp: *mut ffi::PyTypeObject) -> bool {
    unsafe { ffi::PyType_HasFeature(tp, ffi::Py_TPFLAGS_HEAPTYPE) == 0 }
}

/// Exact builtin containers whose repr CPython builds from their items' reprs.
pub(super) unsafe fn is_composed(obj: *mut ffi::PyObject, kind: ObjKind) -> bool {
    unsafe {
        match kind {
            ObjKind::List => ffi::PyList_CheckExact(obj) != 0,
            ObjKind::Tuple => ffi::PyTuple_CheckExact(obj) != 0,
            ObjKind::Dict => ffi::PyDict_CheckExact(obj) != 0,
            ObjKind::Set => ffi::PySet_CheckExact(obj) != 0,
            ObjKind::FrozenSet => ffi::PyFrozenSet_CheckExact(obj) != 0,
            _ => false,
        }
    }
}

/// Decides how an object is recorded. Only the real type is consulted (`__class__` may lie).
///
/// # Safety
/// GIL held.
pub(super) unsafe fn classify(obj: *mut ffi::PyObject) -> ObjKind {
    unsafe {
        let tp = ffi::Py_TYPE(obj);
        if ffi::PyList_Check(obj) != 0 {
            return ObjKind::List;
        }
        if ffi::PyTuple_Check(obj) != 0 {
            return ObjKind::Tuple;
        }
        if ffi::PyDict_Check(obj) != 0 {
            return ObjKind::Dict;
        }
        if ffi::PyFrozenSet_Check(obj) != 0 {
            return ObjKind::FrozenSet;
        }
        if ffi::PyAnySet_Check(obj) != 0 {
            return ObjKind::Set;
        }
        if ffi::PyFunction_Check(obj) != 0 {
            return ObjKind::Function;
        }
        if ffi::PyCell_Check(obj) != 0 {
            return ObjKind::Cell;
        }
        if ffi::PyGen_Check(obj) != 0 || ffi::PyCoro_CheckExact(obj) != 0 || ffi::PyAsyncGen_CheckExact(obj) != 0 {
            return ObjKind::Generator;
        }
        if ffi::PyType_Check(obj) != 0 {
            let class = obj as *mut ffi::PyTypeObject;
            return if is_builtin_type(class) { ObjKind::Leaf } else { ObjKind::Class };
        }
        if !is_builtin_type(tp) {
            return ObjKind::Instance;
        }
        let leaf_types: [*mut ffi::PyTypeObject; 12] = [
            &raw mut ffi::PyLong_Type,
            &raw mut ffi::PyBool_Type,
            &raw mut ffi::PyFloat_Type,
            &raw mut ffi::PyComplex_Type,
            &raw mut ffi::PyUnicode_Type,
            &raw mut ffi::PyBytes_Type,
            &raw mut ffi::PyRange_Type,
            &raw mut ffi::PyCode_Type,
            &raw mut ffi::PyCFunction_Type,
            &raw mut ffi::PyModule_Type,
            &raw mut ffi::PyEllipsis_Type,
            &raw mut ffi::PySlice_Type,
        ];
        if leaf_types.contains(&tp) || obj == ffi::Py_None() || obj == ffi::Py_NotImplemented() {
            return ObjKind::Leaf;
        }
        ObjKind::Other
    }
}

/// A cheap value check for leaves, so an id that now names a different object is noticed.
pub(super) unsafe fn leaf_fingerprint(obj: *mut ffi::PyObject) -> u64 {
    unsafe {
        let tp = ffi::Py_TYPE(obj);
        if tp == &raw mut ffi::PyLong_Type {
            let mut overflow: c_int = 0;
            let value = ffi::PyLong_AsLongLongAndOverflow(obj, &mut overflow);
            if overflow == 0 {
                return value as u64;
            }
        } else if tp == &raw mut ffi::PyFloat_Type {
            return ffi::PyFloat_AsDouble(obj).to_bits();
        } else if tp != &raw mut ffi::PyUnicode_Type && tp != &raw mut ffi::PyBytes_Type {
            return 0;
        }
        // str and bytes cache their hash; big ints compute theirs quickly.
        let hash = ffi::PyObject_Hash(obj);
        if hash == -1 {
            ffi::PyErr_Clear();
        }
        hash as u64 ^ (ffi::PyObject_Length(obj).max(0) as u64).rotate_left(32)
    }
}
