//! Describing objects: reprs, sizes and type names, including the ones that may run Python code
//! and therefore wait until marking is over (see `HeapTracker::deferred`).

use std::ffi::c_int;

use pyo3::ffi;

use super::HeapTracker;
use crate::engine::identity::identity_flags;
use crate::engine::objects::is_builtin_type;
use crate::engine::pyutil;
use crate::trace::{ObjFlags, ObjKind};

use super::{FieldChange, MAX_INT_BITS_FOR_REPR, Pending, Tracked};

impl HeapTracker {
    /// `record_new` for an exact int that fits in 64 bits, the commonest new object by far: its value
    /// is read once and serves as repr, fingerprint and size key.
    pub(super) unsafe fn record_int(&mut self, ptr: usize, value: i64, replaced: bool, in_edges: u32) {
        let obj = ptr as *mut ffi::PyObject;
        let tp = unsafe { ffi::Py_TYPE(obj) };
        let digits = (64 - value.unsigned_abs().leading_zeros()).div_ceil(30) as usize;
        let size = match self.int_sizes.get(digits) {
            Some(&Some(size)) => size,
            _ => {
                let size = unsafe { self.size_of(obj) };
                if let Some(slot) = self.int_sizes.get_mut(digits) {
                    *slot = Some(size);
                }
                size
            }
        };
        let refcount = unsafe { ffi::Py_REFCNT(obj) } as u64;
        self.type_names.entry(tp as usize).or_insert_with(|| unsafe { pyutil::type_name(tp) });
        self.objects.insert(
            ptr,
            Tracked {
                type_ptr: tp as usize,
                kind: ObjKind::Leaf,
                leaf: true,
                fingerprint: value as u64,
                epoch: 0,
                in_edges,
                children: Vec::new(),
                item_ptrs: Vec::new(),
                inner: Vec::new(),
                more: 0,
                size,
                refcount,
                repr: String::new(),
                composed: false,
                child_refcounts: Vec::new(),
            },
        );
        let small = if unsafe { is_cached_small_int(obj, value) } { ObjFlags::SMALL_INT } else { ObjFlags::default() };
        let flags = small.with(unsafe { identity_flags(obj, &self.constants) });
        self.pending.insert(ptr, Pending::NewInt { value, type_ptr: tp as usize, flags, size, refcount, replaced });
    }

    /// `sys.getsizeof`, remembered for small exact ints (the commonest new object by far).
    pub(super) unsafe fn leaf_size(&mut self, obj: *mut ffi::PyObject) -> u64 {
        unsafe {
            if ffi::PyLong_CheckExact(obj) != 0 {
                let mut overflow: c_int = 0;
                let value = ffi::PyLong_AsLongLongAndOverflow(obj, &mut overflow);
                if overflow == 0 && value != -1 {
                    let bits = 64 - value.unsigned_abs().leading_zeros();
                    let digits = bits.div_ceil(30) as usize;
                    if let Some(&Some(size)) = self.int_sizes.get(digits) {
                        return size;
                    }
                    let size = self.size_of(obj);
                    if let Some(slot) = self.int_sizes.get_mut(digits) {
                        *slot = Some(size);
                    }
                    return size;
                }
                ffi::PyErr_Clear();
            }
            self.size_of(obj)
        }
    }

    pub(super) unsafe fn size_of(&self, obj: *mut ffi::PyObject) -> u64 {
        if self.getsizeof.is_null() {
            return 0;
        }
        unsafe {
            let guard = (!is_builtin_type(ffi::Py_TYPE(obj)))
                .then(|| crate::engine::watchdog::arm_repr(self.limits.repr_budget_ms));
            let result = ffi::PyObject_CallOneArg(self.getsizeof, obj);
            drop(guard);
            if result.is_null() {
                ffi::PyErr_Clear();
                return 0;
            }
            let size = ffi::PyLong_AsUnsignedLongLong(result);
            ffi::Py_DecRef(result);
            if !ffi::PyErr_Occurred().is_null() {
                ffi::PyErr_Clear();
                return 0;
            }
            size
        }
    }

    pub(super) unsafe fn repr(&self, obj: *mut ffi::PyObject, kind: ObjKind) -> String {
        let limit = self.limits.max_repr_chars;
        unsafe {
            let tp = ffi::Py_TYPE(obj);
            if tp == &raw mut ffi::PyLong_Type {
                let mut overflow: c_int = 0;
                let value = ffi::PyLong_AsLongLongAndOverflow(obj, &mut overflow);
                if overflow == 0 {
                    return value.to_string();
                }
                let bits = pyutil::getattr(obj, c"bit_length");
                if !bits.is_null() {
                    let count = ffi::PyObject_CallNoArgs(bits);
                    ffi::Py_DecRef(bits);
                    if !count.is_null() {
                        let n = ffi::PyLong_AsLongLong(count);
                        ffi::Py_DecRef(count);
                        if n > MAX_INT_BITS_FOR_REPR {
                            return format!("<int of {n} bits>");
                        }
                    }
                    ffi::PyErr_Clear();
                }
            }
            if (tp == &raw mut ffi::PyUnicode_Type || tp == &raw mut ffi::PyBytes_Type)
                && ffi::PyObject_Length(obj) > limit as ffi::Py_ssize_t
            {
                // Avoid building the repr of a 50 MB string just to cut it.
                let head = ffi::PySequence_GetSlice(obj, 0, limit as ffi::Py_ssize_t);
                if !head.is_null() {
                    let text = pyutil::safe_repr(head, limit, self.limits.repr_budget_ms);
                    ffi::Py_DecRef(head);
                    return text + "...";
                }
                ffi::PyErr_Clear();
            }
            if kind == ObjKind::Leaf && is_builtin_type(tp) {
                let result = ffi::PyObject_Repr(obj);
                if !result.is_null() {
                    let text = pyutil::str_to_string(result, limit);
                    ffi::Py_DecRef(result);
                    return text;
                }
                ffi::PyErr_Clear();
            }
            pyutil::safe_repr(obj, limit, self.limits.repr_budget_ms)
        }
    }

    /// Reprs and sizes that may run Python code, now that marking is over; then lets go of the objects.
    pub(super) unsafe fn describe_deferred(&mut self) {
        let deferred = std::mem::take(&mut self.deferred);
        for &ptr in &deferred {
            let Some(tracked) = self.objects.get(&ptr) else { continue };
            let (kind, composed) = (tracked.kind, tracked.composed);
            let obj = ptr as *mut ffi::PyObject;
            unsafe {
                let size = self.size_of(obj);
                self.note_size(ptr, size);
                if !composed {
                    let repr = self.repr(obj, kind);
                    if let Some(tracked) = self.objects.get_mut(&ptr)
                        && tracked.repr != repr
                    {
                        tracked.repr.clone_from(&repr);
                        self.note(ptr, FieldChange::Repr(repr));
                    }
                }
            }
        }
        for ptr in deferred {
            // Our reference was 1 of the refcount recorded above only if it was read after `defer`;
            // refcounts are read before deferring, so the figures are the program's own.
            unsafe { ffi::Py_DecRef(ptr as *mut ffi::PyObject) };
        }
    }

    pub(super) fn defer(&mut self, ptr: usize) {
        if !self.deferred.contains(&ptr) {
            unsafe { ffi::Py_IncRef(ptr as *mut ffi::PyObject) };
            self.deferred.push(ptr);
        }
    }

    pub(super) fn type_name(&mut self, tp: *mut ffi::PyTypeObject) -> String {
        self.type_names.entry(tp as usize).or_insert_with(|| unsafe { pyutil::type_name(tp) }).clone()
    }

    pub(super) fn note_size(&mut self, ptr: usize, size: u64) {
        let Some(tracked) = self.objects.get_mut(&ptr) else { return };
        if tracked.size != size {
            tracked.size = size;
            self.note(ptr, FieldChange::Size(size));
        }
    }
}

/// CPython keeps one object for each int from -5 to 256 and hands it out whenever that value is made;
/// true if `obj` is that very object (an int of that value made some other way would not be).
///
/// # Safety
/// GIL held; `obj` an exact int of value `value`.
unsafe fn is_cached_small_int(obj: *mut ffi::PyObject, value: i64) -> bool {
    if !(-5..=256).contains(&value) {
        return false;
    }
    unsafe {
        let cached = ffi::PyLong_FromLongLong(value);
        if cached.is_null() {
            ffi::PyErr_Clear();
            return false;
        }
        let same = cached == obj;
        ffi::Py_DecRef(cached);
        same
    }
}
