//! A list's capacity and a dict's or set's hash table, read straight from the object's memory with the
//! C layout of the Python the worker is built against. Nothing here calls into Python: the tracer runs
//! with the GIL held and the program paused, so the memory read is the table as the program left it.
//!
//! Reading a big table at every step would cost what the table weighs, so each object has a cheap
//! `stamp` that changes whenever what `read` would return can have changed; the table is read again
//! only then (see `HeapTracker::refresh_internals`).

use std::hash::Hasher;
use std::sync::OnceLock;

use pyo3::ffi;
use rustc_hash::FxHasher;

use crate::trace::{HashTable, Internals, ObjKind, Slot, TableEntry, TableKind};

/// Slots (and dict entries) recorded per table; a bigger table is recorded in part. A changed table
/// is recorded whole (about 20 bytes an entry), so this bounds what one change to a big dict costs.
pub(super) const MAX_TABLE_SLOTS: usize = 256;

/// Changes whenever `read` may give something else for the object; `None`: it has no such internals.
///
/// # Safety
/// GIL held; `obj` is a live object of the `kind` `objects::classify` gave it.
pub(super) unsafe fn stamp(obj: *mut ffi::PyObject, kind: ObjKind) -> Option<u64> {
    unsafe {
        match kind {
            ObjKind::List => Some(list_capacity(obj)),
            ObjKind::Dict => dict::stamp(obj),
            ObjKind::Set | ObjKind::FrozenSet => Some(set_stamp(obj)),
            _ => None,
        }
    }
}

/// The object's list capacity or hash table as of now.
///
/// # Safety
/// As for `stamp`.
pub(super) unsafe fn read(obj: *mut ffi::PyObject, kind: ObjKind) -> Option<Internals> {
    unsafe {
        match kind {
            ObjKind::List => Some(Internals::List { capacity: list_capacity(obj) }),
            ObjKind::Dict => dict::read(obj).map(Internals::HashTable),
            ObjKind::Set | ObjKind::FrozenSet => read_set(obj).map(Internals::HashTable),
            _ => None,
        }
    }
}

/// `PyListObject.allocated`: the slots the list has room for before it must move its items.
unsafe fn list_capacity(list: *mut ffi::PyObject) -> u64 {
    unsafe { (*(list as *mut ffi::PyListObject)).allocated.max(0) as u64 }
}

/// The object CPython leaves in a set slot whose key was removed. It is a private static
/// (`_PySet_Dummy`), so rather than look up a symbol, it is caught in the act: a throwaway set gets
/// one member, loses it, and the one non-empty slot left holds the dummy. That slot's stored hash
/// must be -1 (what CPython writes beside the dummy, and a hash no object has), or nothing is
/// trusted and `is_dummy` goes by the hash alone.
fn set_dummy() -> usize {
    static DUMMY: OnceLock<usize> = OnceLock::new();
    *DUMMY.get_or_init(|| unsafe { catch_set_dummy() })
}

unsafe fn catch_set_dummy() -> usize {
    unsafe {
        let set = ffi::PySet_New(std::ptr::null_mut());
        let member = ffi::PyLong_FromLong(1_000_003);
        let mut dummy = 0;
        if !set.is_null()
            && !member.is_null()
            && ffi::PySet_Add(set, member) == 0
            && ffi::PySet_Discard(set, member) == 1
        {
            let table = set as *mut ffi::PySetObject;
            let size = ((*table).mask + 1).max(0) as usize;
            for slot in 0..size {
                let entry = &*(*table).table.add(slot);
                if !entry.key.is_null() {
                    dummy = if entry.hash == -1 { entry.key as usize } else { 0 };
                    break;
                }
            }
        }
        ffi::PyErr_Clear();
        for owned in [member, set] {
            if !owned.is_null() {
                ffi::Py_DecRef(owned);
            }
        }
        dummy
    }
}

fn is_dummy(key: *mut ffi::PyObject, hash: ffi::Py_hash_t, dummy: usize) -> bool {
    if dummy != 0 { key as usize == dummy } else { hash == -1 }
}

/// The slots recorded for a table of `size` slots.
fn recorded(size: u64) -> usize {
    size.min(MAX_TABLE_SLOTS as u64) as usize
}

unsafe fn set_stamp(obj: *mut ffi::PyObject) -> u64 {
    unsafe {
        let set = obj as *mut ffi::PySetObject;
        let mut hasher = FxHasher::default();
        hasher.write_usize((*set).table as usize);
        hasher.write_isize((*set).fill);
        hasher.write_isize((*set).used);
        hasher.write_isize((*set).mask);
        // Without a version tag, the recorded slots themselves: a removal and an addition that reuses
        // its dummy leave the counts as they were.
        if let Some(size) = set_size(set) {
            for slot in 0..recorded(size) {
                let entry = &*(*set).table.add(slot);
                hasher.write_usize(entry.key as usize);
                hasher.write_isize(entry.hash);
            }
        }
        hasher.finish()
    }
}

unsafe fn set_size(set: *mut ffi::PySetObject) -> Option<u64> {
    unsafe {
        let size = (*set).mask.checked_add(1)?;
        (size > 0 && (size as u64).is_power_of_two() && !(*set).table.is_null()).then_some(size as u64)
    }
}

unsafe fn read_set(obj: *mut ffi::PyObject) -> Option<HashTable> {
    unsafe {
        let set = obj as *mut ffi::PySetObject;
        let size = set_size(set)?;
        let dummy = set_dummy();
        let count = recorded(size);
        let mut slots = Vec::with_capacity(count);
        let mut entries = Vec::new();
        for slot in 0..count {
            let entry = &*(*set).table.add(slot);
            if entry.key.is_null() {
                slots.push(Slot::Empty);
            } else if is_dummy(entry.key, entry.hash, dummy) {
                slots.push(Slot::Dummy);
            } else {
                slots.push(Slot::Entry(entries.len() as u32));
                entries.push(TableEntry { hash: entry.hash as i64, key: Some(entry.key as u64), value: None });
            }
        }
        Some(HashTable { kind: TableKind::Set, size, usable: 0, slots, entries })
    }
}

/// Index values CPython writes in a dict's index array for a slot with no entry.
#[cfg(not(Py_3_14))]
const DKIX_EMPTY: i64 = -1;
#[cfg(not(Py_3_14))]
const DKIX_DUMMY: i64 = -2;

/// A dict's keys object (`PyDictKeysObject`) as the version at hand lays it out.
#[cfg(not(Py_3_14))]
struct KeysLayout {
    size: u64,
    usable: u64,
    nentries: usize,
    index_width: usize,
    indices: *const u8,
    entries: *const u8,
    kind: TableKind,
}

#[cfg(not(Py_3_14))]
impl KeysLayout {
    unsafe fn index(&self, slot: usize) -> i64 {
        unsafe {
            let at = self.indices.add(slot * self.index_width);
            match self.index_width {
                1 => i64::from(at.cast::<i8>().read()),
                2 => i64::from(at.cast::<i16>().read_unaligned()),
                4 => i64::from(at.cast::<i32>().read_unaligned()),
                _ => at.cast::<i64>().read_unaligned(),
            }
        }
    }

    /// Entries with the hash stored (`PyDictKeyEntry`: hash, key, value), or without it
    /// (3.11+ `PyDictUnicodeEntry`: key, value; the str keeps its own hash).
    fn hashed_entries(&self) -> bool {
        cfg!(not(Py_3_11)) || self.kind == TableKind::Dict
    }

    /// (hash, key, value) of entry `ix`; the value is the one in the entry, null for a split table.
    unsafe fn entry(&self, ix: usize) -> (i64, *mut ffi::PyObject, *mut ffi::PyObject) {
        unsafe {
            let word = std::mem::size_of::<usize>();
            if self.hashed_entries() {
                let at = self.entries.add(ix * 3 * word).cast::<usize>();
                (at.read() as isize as i64, at.add(1).read() as *mut _, at.add(2).read() as *mut _)
            } else {
                let at = self.entries.add(ix * 2 * word).cast::<usize>();
                let key = at.read() as *mut ffi::PyObject;
                (unicode_hash(key), key, at.add(1).read() as *mut _)
            }
        }
    }
}

/// A str key's cached hash (-1: none, or no key: the entry of a deleted key keeps no hash in a
/// table whose entries store none).
#[cfg(not(Py_3_14))]
unsafe fn unicode_hash(key: *mut ffi::PyObject) -> i64 {
    if key.is_null() {
        return -1;
    }
    unsafe { (*(key as *mut ffi::PyASCIIObject)).hash as i64 }
}

#[cfg(not(Py_3_14))]
mod dict {
    use super::*;

    /// `struct _dictkeysobject` before 3.11.
    #[cfg(not(Py_3_11))]
    #[repr(C)]
    #[allow(dead_code)]
    struct KeysHeader {
        dk_refcnt: ffi::Py_ssize_t,
        dk_size: ffi::Py_ssize_t,
        dk_lookup: *const std::ffi::c_void,
        dk_usable: ffi::Py_ssize_t,
        dk_nentries: ffi::Py_ssize_t,
    }

    /// `struct _dictkeysobject` in 3.11 to 3.13 (builds with the GIL).
    #[cfg(Py_3_11)]
    #[repr(C)]
    #[allow(dead_code)]
    struct KeysHeader {
        dk_refcnt: ffi::Py_ssize_t,
        dk_log2_size: u8,
        dk_log2_index_bytes: u8,
        dk_kind: u8,
        dk_version: u32,
        dk_usable: ffi::Py_ssize_t,
        dk_nentries: ffi::Py_ssize_t,
    }

    unsafe fn header(dict: *mut ffi::PyObject) -> Option<*const KeysHeader> {
        let keys = unsafe { (*(dict as *mut ffi::PyDictObject)).ma_keys } as *const KeysHeader;
        (!keys.is_null()).then_some(keys)
    }

    /// The layout of the dict's keys, or `None` if the header makes no sense (never expected).
    unsafe fn layout(dict: *mut ffi::PyObject) -> Option<KeysLayout> {
        unsafe {
            let keys = header(dict)?;
            let indices = keys.cast::<u8>().add(std::mem::size_of::<KeysHeader>());
            let usable = u64::try_from((*keys).dk_usable).ok()?;
            let nentries = usize::try_from((*keys).dk_nentries).ok()?;
            #[cfg(not(Py_3_11))]
            let (size, kind, index_bytes) = {
                let size = u64::try_from((*keys).dk_size).ok().filter(|s| s.is_power_of_two())?;
                let split = !(*(dict as *mut ffi::PyDictObject)).ma_values.is_null();
                let kind = if split { TableKind::SplitDict } else { TableKind::Dict };
                (size, kind, size as usize * index_width(size))
            };
            #[cfg(Py_3_11)]
            let (size, kind, index_bytes) = {
                let log2_size = (*keys).dk_log2_size;
                let log2_index_bytes = (*keys).dk_log2_index_bytes;
                if log2_size >= 48 || log2_index_bytes >= 52 {
                    return None;
                }
                let kind = match (*keys).dk_kind {
                    0 => TableKind::Dict,
                    1 => TableKind::UnicodeDict,
                    2 => TableKind::SplitDict,
                    _ => return None,
                };
                (1u64 << log2_size, kind, 1usize << log2_index_bytes)
            };
            let index_width = index_width(size);
            if index_bytes != size as usize * index_width || nentries as u64 > size {
                return None;
            }
            Some(KeysLayout { size, usable, nentries, index_width, indices, entries: indices.add(index_bytes), kind })
        }
    }

    /// Bytes per index: the smallest signed int that holds every entry position of a table this size.
    fn index_width(size: u64) -> usize {
        match size {
            0..=0xff => 1,
            0x100..=0xffff => 2,
            0x1_0000..=0xffff_ffff => 4,
            _ => 8,
        }
    }

    /// A split table's value for entry `ix`, kept apart from the shared keys in `ma_values`.
    unsafe fn split_value(dict: *mut ffi::PyObject, ix: usize) -> *mut ffi::PyObject {
        unsafe {
            let values = (*(dict as *mut ffi::PyDictObject)).ma_values as *const u8;
            if values.is_null() {
                return std::ptr::null_mut();
            }
            // 3.13 starts `_dictvalues` with its capacity (and 3 more bytes), then the pointers
            // aligned; before, the pointers come first, sized for every entry the shared keys can hold.
            #[cfg(Py_3_13)]
            let (array, capacity) = (values.add(std::mem::size_of::<usize>()), usize::from(values.read()));
            #[cfg(not(Py_3_13))]
            let (array, capacity) = (values, usize::MAX);
            if ix >= capacity {
                return std::ptr::null_mut();
            }
            array.cast::<*mut ffi::PyObject>().add(ix).read()
        }
    }

    #[allow(deprecated)]
    pub(super) unsafe fn stamp(dict: *mut ffi::PyObject) -> Option<u64> {
        unsafe {
            let object = dict as *mut ffi::PyDictObject;
            let mut hasher = FxHasher::default();
            // Bumped by every change made through the dict's own functions (PEP 509).
            hasher.write_u64((*object).ma_version_tag);
            hasher.write_usize((*object).ma_keys as usize);
            hasher.write_usize((*object).ma_values as usize);
            hasher.write_isize((*object).ma_used);
            if let Some(layout) = layout(dict) {
                hasher.write_u64(layout.usable);
                hasher.write_usize(layout.nentries);
                // An instance's attributes can be stored into its values without a version bump.
                if layout.kind == TableKind::SplitDict {
                    for ix in 0..layout.nentries.min(MAX_TABLE_SLOTS) {
                        hasher.write_usize(split_value(dict, ix) as usize);
                    }
                }
            }
            Some(hasher.finish())
        }
    }

    pub(super) unsafe fn read(dict: *mut ffi::PyObject) -> Option<HashTable> {
        unsafe {
            let layout = layout(dict)?;
            let count = recorded(layout.size);
            let mut slots = Vec::with_capacity(count);
            for slot in 0..count {
                slots.push(match layout.index(slot) {
                    DKIX_EMPTY => Slot::Empty,
                    DKIX_DUMMY => Slot::Dummy,
                    ix if ix >= 0 && (ix as usize) < layout.nentries => Slot::Entry(ix as u32),
                    _ => return None,
                });
            }
            let split = layout.kind == TableKind::SplitDict;
            let entries = (0..layout.nentries.min(MAX_TABLE_SLOTS))
                .map(|ix| {
                    let (hash, key, value) = layout.entry(ix);
                    let value = if split { split_value(dict, ix) } else { value };
                    TableEntry {
                        hash,
                        key: (!key.is_null()).then_some(key as u64),
                        value: (!value.is_null()).then_some(value as u64),
                    }
                })
                .collect();
            Some(HashTable { kind: layout.kind, size: layout.size, usable: layout.usable, slots, entries })
        }
    }
}

/// 3.14 changed the dict's internals again and is not read yet: dicts there have no table.
#[cfg(Py_3_14)]
mod dict {
    use super::*;

    pub(super) unsafe fn stamp(_dict: *mut ffi::PyObject) -> Option<u64> {
        None
    }

    pub(super) unsafe fn read(_dict: *mut ffi::PyObject) -> Option<HashTable> {
        None
    }
}
