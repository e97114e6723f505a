//! Generators, coroutines and async generators between resumptions: their state as
//! `inspect.getgeneratorstate` names it, and their own frame (line and locals) while it is paused.
//!
//! Everything is read through the objects' C getters (`gi_running`, `gi_suspended`, `gi_frame`, and
//! the `cr_`/`ag_` twins) and the frame functions `frames.rs` uses for running frames; these types
//! cannot be subclassed, so no learner code runs.

use std::ffi::CStr;

use pyo3::ffi;

use super::frames::{self, CodeInfo};
use super::objects::Scan;
use crate::trace::{Child, GeneratorPhase, Key};

/// The attribute names of one kind of generator-like object.
struct Getters {
    running: &'static CStr,
    suspended: &'static CStr,
    frame: &'static CStr,
}

const GENERATOR: Getters = Getters { running: c"gi_running", suspended: c"gi_suspended", frame: c"gi_frame" };
const COROUTINE: Getters = Getters { running: c"cr_running", suspended: c"cr_suspended", frame: c"cr_frame" };
const ASYNC_GENERATOR: Getters = Getters { running: c"ag_running", suspended: c"ag_suspended", frame: c"ag_frame" };

unsafe fn getters_of(obj: *mut ffi::PyObject) -> Option<&'static Getters> {
    unsafe {
        if ffi::PyGen_CheckExact(obj) != 0 {
            Some(&GENERATOR)
        } else if ffi::PyCoro_CheckExact(obj) != 0 {
            Some(&COROUTINE)
        } else if ffi::PyAsyncGen_CheckExact(obj) != 0 {
            Some(&ASYNC_GENERATOR)
        } else {
            None
        }
    }
}

/// A generator's state, and its frame (a new reference) while it is created or suspended: a running
/// one's frame is on the stack, a closed one has none.
pub struct PausedRead {
    pub phase: GeneratorPhase,
    pub frame: Option<*mut ffi::PyFrameObject>,
}

impl PausedRead {
    /// Releases the frame reference.
    ///
    /// # Safety
    /// GIL held.
    pub unsafe fn release(self) {
        if let Some(frame) = self.frame {
            unsafe { ffi::Py_DecRef(frame as *mut ffi::PyObject) };
        }
    }
}

/// Reads a generator-like object's state the way `inspect.getgeneratorstate` decides it.
///
/// # Safety
/// GIL held; `obj` live.
pub unsafe fn read(obj: *mut ffi::PyObject) -> Option<PausedRead> {
    unsafe {
        let getters = getters_of(obj)?;
        if flag(obj, getters.running) == Some(true) {
            return Some(PausedRead { phase: GeneratorPhase::Running, frame: None });
        }
        let frame = super::pyutil::getattr(obj, getters.frame);
        if frame.is_null() || frame == ffi::Py_None() || ffi::PyFrame_Check(frame) == 0 {
            if !frame.is_null() {
                ffi::Py_DecRef(frame);
            }
            return Some(PausedRead { phase: GeneratorPhase::Closed, frame: None });
        }
        let frame = frame as *mut ffi::PyFrameObject;
        let suspended = match flag(obj, getters.suspended) {
            Some(suspended) => suspended,
            // Before 3.11 (and for async generators before 3.12): started frames have a last instruction.
            None => frames::offset_of(frame) >= 0,
        };
        let phase = if suspended { GeneratorPhase::Suspended } else { GeneratorPhase::Created };
        Some(PausedRead { phase, frame: Some(frame) })
    }
}

unsafe fn flag(obj: *mut ffi::PyObject, name: &CStr) -> Option<bool> {
    unsafe {
        let value = super::pyutil::getattr(obj, name);
        if value.is_null() {
            return None;
        }
        let on = value == ffi::Py_True();
        ffi::Py_DecRef(value);
        Some(on)
    }
}

/// A paused generator's children: the locals of its frame, by name (none while it runs or once closed).
///
/// # Safety
/// GIL held; `obj` live.
pub(super) unsafe fn children(obj: *mut ffi::PyObject, max: usize) -> Scan {
    let mut children = Vec::new();
    let mut total = 0;
    unsafe {
        if let Some(read) = read(obj) {
            if let Some(frame) = read.frame {
                for (name, value) in frame_locals(frame) {
                    total += 1;
                    if children.len() < max {
                        children.push(Child { key: Key::Name(name), id: value as u64 });
                    }
                }
            }
            read.release();
        }
    }
    Scan { children, item_ptrs: None, total }
}

/// A suspended frame's bound locals as `(name, value)`, in the frame's order. Reuses the reading of
/// running frames (`frames::read_locals`), which leaves no references behind in the frame.
///
/// # Safety
/// GIL held; `frame` live.
unsafe fn frame_locals(frame: *mut ffi::PyFrameObject) -> Vec<(String, usize)> {
    unsafe {
        let code = frames::code_of(frame);
        // Generator code is always optimized (fast locals); the rest of the info is not used to read.
        let info = CodeInfo {
            id: code as u64,
            function: String::new(),
            kind: crate::trace::FrameKind::Generator,
            optimized: true,
            has_cells: false,
        };
        let Some(read) = frames::read_locals(frame, &info, None, None) else { return Vec::new() };
        read.pairs
            .into_iter()
            .map(|(key, value)| (super::pyutil::str_to_string(key as *mut ffi::PyObject, 200), value))
            .collect()
    }
}
