//! `sys.modules` as the program runs: what was added or removed at each step, and where it came from.

use std::collections::HashSet;

use pyo3::ffi;

use super::frames;
use super::pyutil;
use crate::trace::{ModuleChange, ModuleOrigin};

#[derive(Default)]
pub struct ModuleWatch {
    version: Option<u64>,
    names: HashSet<String>,
    /// `sys.modules` (held), looked up again now and then in case a program replaces it.
    dict: Option<usize>,
    calls: u64,
}

impl Drop for ModuleWatch {
    fn drop(&mut self) {
        if let Some(dict) = self.dict.take() {
            // SAFETY: dropped with the recorder, on the main thread, with the GIL held.
            unsafe { ffi::Py_DecRef(dict as *mut ffi::PyObject) };
        }
    }
}

impl ModuleWatch {
    /// Changes since the last call (at the first call: every module already loaded).
    ///
    /// # Safety
    /// GIL held.
    pub unsafe fn changes(&mut self, _step: u64) -> Vec<ModuleChange> {
        unsafe {
            self.calls += 1;
            if self.dict.is_none() || self.calls.is_multiple_of(256) {
                let current = ffi::PySys_GetObject(c"modules".as_ptr());
                if self.dict != Some(current as usize) {
                    if let Some(old) = self.dict.take() {
                        ffi::Py_DecRef(old as *mut ffi::PyObject);
                    }
                    if !current.is_null() && ffi::PyDict_Check(current) != 0 {
                        ffi::Py_IncRef(current);
                        self.dict = Some(current as usize);
                        self.version = None;
                    }
                }
            }
            let Some(modules) = self.dict.map(|d| d as *mut ffi::PyObject) else { return Vec::new() };
            let version = frames::dict_version(modules);
            if self.version == Some(version) {
                return Vec::new();
            }
            self.version = Some(version);
            let mut changes = Vec::new();
            let mut current = HashSet::with_capacity(self.names.len() + 8);
            let mut position: ffi::Py_ssize_t = 0;
            let mut key: *mut ffi::PyObject = std::ptr::null_mut();
            let mut value: *mut ffi::PyObject = std::ptr::null_mut();
            while ffi::PyDict_Next(modules, &mut position, &mut key, &mut value) != 0 {
                let Some(name) = pyutil::str_bytes(key) else { continue };
                let name = String::from_utf8_lossy(name).into_owned();
                if !self.names.contains(&name) {
                    changes.push(ModuleChange::Added { name: name.clone(), origin: origin_of(value), import: None });
                }
                current.insert(name);
            }
            let mut removed: Vec<&String> = self.names.difference(&current).collect();
            removed.sort();
            changes.extend(removed.into_iter().map(|name| ModuleChange::Removed { name: name.clone() }));
            self.names = current;
            changes
        }
    }
}

/// Where a module was loaded from, read from its `__spec__` without running module code.
unsafe fn origin_of(module: *mut ffi::PyObject) -> ModuleOrigin {
    unsafe {
        if ffi::PyModule_Check(module) == 0 {
            return ModuleOrigin::Unknown;
        }
        let namespace = ffi::PyModule_GetDict(module);
        if namespace.is_null() {
            ffi::PyErr_Clear();
            return ModuleOrigin::Unknown;
        }
        let spec = ffi::PyDict_GetItemString(namespace, c"__spec__".as_ptr());
        if spec.is_null() || spec == ffi::Py_None() {
            let file = ffi::PyDict_GetItemString(namespace, c"__file__".as_ptr());
            if !file.is_null() && ffi::PyUnicode_Check(file) != 0 {
                return ModuleOrigin::File(pyutil::str_to_string(file, 4096));
            }
            return ModuleOrigin::BuiltIn;
        }
        match pyutil::getattr_string(spec, c"origin").as_deref() {
            Some("built-in") => ModuleOrigin::BuiltIn,
            Some("frozen") => ModuleOrigin::Frozen,
            Some(path) => ModuleOrigin::File(path.to_owned()),
            None => {
                let locations = pyutil::getattr(spec, c"submodule_search_locations");
                let namespace_package = !locations.is_null() && locations != ffi::Py_None();
                if !locations.is_null() {
                    ffi::Py_DecRef(locations);
                }
                if namespace_package { ModuleOrigin::Namespace } else { ModuleOrigin::Unknown }
            }
        }
    }
}
