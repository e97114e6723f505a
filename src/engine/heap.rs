//! Which objects the learner's frames can reach, and what changed about them since the last step.
//!
//! Leaves (immutable, childless objects: ints, strs, floats, ...) are counted by the edges that point
//! at them; everything else is marked from the roots at every step. So a list of 5,000 ints costs one
//! comparison of its item array per step, not 5,000 visits, and memory grows with what changes.
//! No strong reference is held to any learner object: holding one would change refcounts, `id()`
//! reuse and `__del__` timing, which is exactly what the learner came to see.

use std::collections::hash_map::Entry;

use rustc_hash::FxHashMap as HashMap;
use std::ffi::c_int;

use pyo3::ffi;

use super::generators;
use super::identity::{self, CodeConstants};
use super::objects::{
    Scan, classify, dict_children, function_cells, is_builtin_type, is_composed, iterate_set, leaf_fingerprint,
    runs_python, sequence_items,
};
use super::pyutil;
use super::tables;
use crate::trace::delta::wire;
use crate::trace::{Child, HeapObject, Internals, Key, ObjFlags, ObjKind, ObjectUpdate, Splice};

mod describe;

/// Containers up to this many recorded children have their leaf children's refcounts refreshed at
/// every step; larger ones refresh a child's refcount when its slot changes.
const REFCOUNT_SWEEP_LIMIT: usize = 256;
/// Ints longer than this many bits are shown by size: printing them could take seconds.
const MAX_INT_BITS_FOR_REPR: i64 = 40_000;

#[derive(Clone, Debug)]
pub struct HeapLimits {
    pub max_items: usize,
    pub max_objects: usize,
    pub max_repr_chars: usize,
    pub repr_budget_ms: u32,
}

struct Tracked {
    type_ptr: usize,
    kind: ObjKind,
    leaf: bool,
    fingerprint: u64,
    /// Non-leaves: the step at which the marking last reached the object.
    epoch: u64,
    /// Leaves: edges from recorded containers and bindings.
    in_edges: u32,
    children: Vec<Child>,
    /// For sequences: the item pointers as last recorded, compared as one block.
    item_ptrs: Vec<usize>,
    /// The children (and dict keys) that are themselves non-leaves: the only ones marking must visit.
    inner: Vec<usize>,
    more: u64,
    size: u64,
    refcount: u64,
    repr: String,
    composed: bool,
    /// The refcounts of the children as last swept (see `sweep_child_refcounts`), with their ids.
    child_refcounts: Vec<(usize, isize)>,
}

enum Pending {
    New {
        object: HeapObject,
        replaced: bool,
    },
    /// A new exact int that fits in 64 bits (the commonest new object by far), written without
    /// building a `HeapObject`.
    NewInt {
        value: i64,
        type_ptr: usize,
        flags: ObjFlags,
        size: u64,
        refcount: u64,
        replaced: bool,
    },
    Update(ObjectUpdate),
    Gone,
}

pub struct HeapTracker {
    limits: HeapLimits,
    objects: HashMap<usize, Tracked>,
    non_leaves: Vec<usize>,
    epoch: u64,
    pending: HashMap<usize, Pending>,
    /// This step's changes sorted by id for writing (kept for its capacity).
    sorted: Vec<(usize, Pending)>,
    /// Children whose refcount changed since the last sweep (kept for its capacity).
    sweep_changed: Vec<usize>,
    /// Edges removed during this step, applied after marking so an object moving between two
    /// places within a step is not reported gone and new again.
    dropped: Vec<usize>,
    worklist: Vec<usize>,
    getsizeof: *mut ffi::PyObject,
    /// Objects whose repr or size may run Python code (`__repr__`, `__sizeof__`). That code can change
    /// or free anything, so it runs only after marking, with these objects held (one reference each)
    /// until the step is done.
    deferred: Vec<usize>,
    /// `sys.getsizeof` of an exact int depends only on how many 30-bit digits it has: asked once per count.
    int_sizes: [Option<u64>; 4],
    /// Type names by type object (types outlive the steps that show their instances).
    type_names: HashMap<usize, String>,
    /// The internals last recorded per object (see `note_internals`).
    internals: HashMap<usize, Box<Internals>>,
    /// This step's internals changes, written after the objects' own changes.
    internals_changed: Vec<(usize, Option<Box<Internals>>)>,
    /// Generators, coroutines and async generators reached at this step (their internals are noted by
    /// the tracer, which knows frame identities).
    generators_reached: Vec<usize>,
    /// Per list, dict and set: the `tables::stamp` its internals were last read at.
    table_stamps: HashMap<usize, u64>,
    /// The learner's code constants, for `ObjFlags::CODE_CONSTANT`.
    constants: CodeConstants,
    /// The heap was cut at `max_objects` in this run.
    pub truncated: bool,
}

impl HeapTracker {
    /// # Safety
    /// GIL held.
    pub unsafe fn new(limits: HeapLimits) -> Self {
        let getsizeof = unsafe {
            let sys = ffi::PyImport_ImportModule(c"sys".as_ptr());
            let function = if sys.is_null() { std::ptr::null_mut() } else { pyutil::getattr(sys, c"getsizeof") };
            if !sys.is_null() {
                ffi::Py_DecRef(sys);
            }
            ffi::PyErr_Clear();
            function
        };
        HeapTracker {
            limits,
            objects: HashMap::default(),
            non_leaves: Vec::new(),
            epoch: 0,
            pending: HashMap::default(),
            sorted: Vec::new(),
            sweep_changed: Vec::new(),
            dropped: Vec::new(),
            worklist: Vec::new(),
            getsizeof,
            deferred: Vec::new(),
            int_sizes: [None; 4],
            type_names: HashMap::default(),
            internals: HashMap::default(),
            internals_changed: Vec::new(),
            generators_reached: Vec::new(),
            table_stamps: HashMap::default(),
            constants: CodeConstants::default(),
            truncated: false,
        }
    }

    pub fn begin_step(&mut self) {
        self.epoch += 1;
        self.generators_reached.clear();
    }

    /// A new edge to `ptr` (a binding or a child slot that changed).
    ///
    /// # Safety
    /// GIL held; `ptr` is a live object.
    pub unsafe fn add_edge(&mut self, ptr: usize) {
        unsafe {
            let type_ptr = ffi::Py_TYPE(ptr as *mut ffi::PyObject) as usize;
            let (same, leaf) = match self.objects.get(&ptr) {
                Some(tracked) => {
                    let same = tracked.type_ptr == type_ptr
                        && (!tracked.leaf || tracked.fingerprint == leaf_fingerprint(ptr as *mut ffi::PyObject));
                    (same, tracked.leaf)
                }
                None => (false, false),
            };
            if same {
                if leaf {
                    self.refresh_refcount(ptr);
                    if let Some(tracked) = self.objects.get_mut(&ptr) {
                        tracked.in_edges += 1;
                    }
                }
                return;
            }
            let replaced = self.objects.contains_key(&ptr);
            let edges = if replaced { self.forget(ptr) } else { 0 };
            if !replaced && self.objects.len() >= self.limits.max_objects {
                self.truncated = true;
                return;
            }
            self.record_new(ptr, replaced, edges + 1);
        }
    }

    /// An edge to `ptr` went away (applied at the end of the step).
    pub fn drop_edge(&mut self, ptr: usize) {
        self.dropped.push(ptr);
    }

    /// Marks everything reachable from `roots` (bindings and the return value) and notes changes.
    ///
    /// # Safety
    /// GIL held; every root is a live object.
    pub unsafe fn mark_from(&mut self, roots: impl IntoIterator<Item = usize>) {
        for root in roots {
            if self.objects.get(&root).is_some_and(|t| !t.leaf) {
                self.worklist.push(root);
            }
        }
        while let Some(ptr) = self.worklist.pop() {
            let Some(tracked) = self.objects.get_mut(&ptr) else { continue };
            if tracked.epoch == self.epoch {
                continue;
            }
            tracked.epoch = self.epoch;
            unsafe { self.rescan(ptr) };
            if let Some(tracked) = self.objects.get(&ptr) {
                for &id in &tracked.inner {
                    if self.objects.get(&id).is_some_and(|t| !t.leaf && t.epoch != self.epoch) {
                        self.worklist.push(id);
                    }
                }
            }
        }
    }

    /// Applies dropped edges, removes what nothing reaches any more, and writes this step's changes
    /// (the objects section of the step, see `StepWriter`).
    pub fn finish_step(&mut self, out: &mut Vec<u8>) -> Result<(), postcard::Error> {
        unsafe { self.describe_deferred() };
        let mut dropped = std::mem::take(&mut self.dropped);
        for ptr in dropped.drain(..) {
            self.release_leaf(ptr);
        }
        // Keep the buffer's capacity for the next step.
        self.dropped = dropped;
        let epoch = self.epoch;
        let mut unreached = Vec::new();
        if self.non_leaves.iter().any(|ptr| self.objects.get(ptr).is_none_or(|t| t.epoch != epoch)) {
            self.non_leaves.retain(|ptr| {
                let keep = self.objects.get(ptr).is_some_and(|t| t.epoch == epoch);
                if !keep {
                    unreached.push(*ptr);
                }
                keep
            });
        }
        for ptr in unreached {
            if let Some(tracked) = self.objects.remove(&ptr) {
                self.note_gone(ptr);
                for child in &tracked.children {
                    self.release_child(child);
                }
            }
        }
        let mut sorted = std::mem::take(&mut self.sorted);
        sorted.extend(self.pending.drain());
        // Sorted by id, so a recorded trace is the same whatever the hash map's order.
        sorted.sort_unstable_by_key(|(ptr, _)| *ptr);
        let internals_changed = std::mem::take(&mut self.internals_changed);
        wire::object_count(out, sorted.len() + internals_changed.len());
        let mut result = Ok(());
        for (ptr, pending) in sorted.drain(..) {
            let id = ptr as u64;
            let written = match pending {
                Pending::New { object, .. } => wire::object_new(out, id, &object),
                Pending::NewInt { value, type_ptr, flags, size, refcount, .. } => {
                    let type_name = self.type_names.get(&type_ptr).map_or("int", String::as_str);
                    wire::object_new_int(out, id, wire::NewInt { type_name, number: value, flags, size, refcount });
                    Ok(())
                }
                Pending::Update(update) => wire::object_update(out, id, &update),
                Pending::Gone => {
                    wire::object_gone(out, id);
                    Ok(())
                }
            };
            result = result.and(written);
        }
        self.sorted = sorted;
        // After every `New`, so each object exists when its internals arrive.
        for (ptr, internals) in internals_changed {
            result = result.and(wire::object_internals(out, ptr as u64, internals.as_deref()));
        }
        result
    }

    /// Records an object's internals as of this step (`None`: it has none), written only when they
    /// differ from what was last recorded for it.
    pub fn note_internals(&mut self, ptr: usize, internals: Option<Internals>) {
        let unchanged = match (&internals, self.internals.get(&ptr)) {
            (Some(new), Some(old)) => **old == *new,
            (None, None) => true,
            _ => false,
        };
        if unchanged {
            return;
        }
        self.internals_changed.retain(|(queued, _)| *queued != ptr);
        match internals {
            Some(internals) => {
                let internals = Box::new(internals);
                self.internals.insert(ptr, internals.clone());
                self.internals_changed.push((ptr, Some(internals)));
            }
            None => {
                self.internals.remove(&ptr);
                self.internals_changed.push((ptr, None));
            }
        }
    }

    /// Notes a list's capacity or a dict's or set's table when its `tables::stamp` says it may have
    /// changed since last read.
    ///
    /// # Safety
    /// GIL held; `ptr` live, of `kind`.
    unsafe fn refresh_internals(&mut self, ptr: usize, kind: ObjKind) {
        let obj = ptr as *mut ffi::PyObject;
        let Some(stamp) = (unsafe { tables::stamp(obj, kind) }) else { return };
        if self.table_stamps.insert(ptr, stamp) == Some(stamp) {
            return;
        }
        let internals = unsafe { tables::read(obj, kind) };
        self.note_internals(ptr, internals);
    }

    /// Notes the constants of a learner code object (and of those nested in it), so objects recorded
    /// from now on that are among them get `ObjFlags::CODE_CONSTANT`.
    ///
    /// # Safety
    /// GIL held; `code` is a live code object that stays alive for the run.
    pub unsafe fn note_code_constants(&mut self, code: usize) {
        unsafe { self.constants.note_code(code as *mut ffi::PyObject) };
    }

    /// The generator-like objects reached at this step, with their children as recorded (the locals
    /// of a paused one's frame).
    pub fn generators_reached(&self) -> impl Iterator<Item = (usize, &[Child])> {
        self.generators_reached
            .iter()
            .filter_map(|ptr| self.objects.get(ptr).map(|tracked| (*ptr, tracked.children.as_slice())))
    }

    /// The object is gone (or its id now names another object): what was recorded of its internals
    /// goes with it, and the snapshot drops them along with the object.
    fn forget_internals(&mut self, ptr: usize) {
        self.internals.remove(&ptr);
        self.table_stamps.remove(&ptr);
        self.internals_changed.retain(|(queued, _)| *queued != ptr);
    }

    /// Refreshes a (bound) object's refcount.
    ///
    /// # Safety
    /// GIL held; `ptr` live.
    pub unsafe fn refresh_refcount(&mut self, ptr: usize) {
        let held = u64::from(self.deferred.contains(&ptr));
        let refcount = (unsafe { ffi::Py_REFCNT(ptr as *mut ffi::PyObject) } as u64).saturating_sub(held);
        let Some(tracked) = self.objects.get_mut(&ptr) else { return };
        if tracked.refcount != refcount {
            tracked.refcount = refcount;
            self.note(ptr, FieldChange::Refcount(refcount));
        }
    }

    fn release_child(&mut self, child: &Child) {
        if let Key::Object(key) = child.key {
            self.release_leaf(key as usize);
        }
        self.release_leaf(child.id as usize);
    }

    fn release_leaf(&mut self, ptr: usize) {
        let Entry::Occupied(mut entry) = self.objects.entry(ptr) else { return };
        let tracked = entry.get_mut();
        if !tracked.leaf {
            return;
        }
        tracked.in_edges = tracked.in_edges.saturating_sub(1);
        if tracked.in_edges == 0 {
            entry.remove();
            // A leaf never has internals (they are read for non-leaves only): nothing to forget.
            self.note_pending_gone(ptr);
        }
    }

    /// Drops what is known about `ptr` because its id now names another object; returns its edges.
    fn forget(&mut self, ptr: usize) -> u32 {
        self.forget_internals(ptr);
        let Some(old) = self.objects.remove(&ptr) else { return 0 };
        self.non_leaves.retain(|p| *p != ptr);
        for child in &old.children {
            self.release_child(child);
        }
        if old.leaf { old.in_edges } else { 0 }
    }

    fn note_gone(&mut self, ptr: usize) {
        self.forget_internals(ptr);
        self.note_pending_gone(ptr);
    }

    /// The object's part of this step's changes: gone (or nothing, if it is new in this step).
    fn note_pending_gone(&mut self, ptr: usize) {
        match self.pending.entry(ptr) {
            // New in this very step: it was never reported, so there is nothing to report gone.
            Entry::Occupied(entry)
                if matches!(
                    entry.get(),
                    Pending::New { replaced: false, .. } | Pending::NewInt { replaced: false, .. }
                ) =>
            {
                entry.remove();
            }
            Entry::Occupied(mut entry) => {
                entry.insert(Pending::Gone);
            }
            Entry::Vacant(entry) => {
                entry.insert(Pending::Gone);
            }
        }
    }

    /// Notes one changed field of an object; a change to an object that is new in this step is
    /// folded into its `New` record.
    fn note(&mut self, ptr: usize, change: FieldChange) {
        if let Some(Pending::NewInt { value, type_ptr, flags, size, refcount, replaced }) = self.pending.get_mut(&ptr) {
            match change {
                FieldChange::Refcount(new) => {
                    *refcount = new;
                    return;
                }
                FieldChange::Size(new) => {
                    *size = new;
                    return;
                }
                // Not expected for an int; kept exact all the same, as a full object.
                FieldChange::Repr(_) | FieldChange::Splice(_) => {
                    let (value, type_ptr, flags, size, refcount, replaced) =
                        (*value, *type_ptr, *flags, *size, *refcount, *replaced);
                    let object = HeapObject {
                        type_name: self.type_name(type_ptr as *mut ffi::PyTypeObject),
                        kind: ObjKind::Leaf,
                        repr: value.to_string(),
                        flags,
                        size,
                        refcount,
                        ..Default::default()
                    };
                    self.pending.insert(ptr, Pending::New { object, replaced });
                }
            }
        }
        match self.pending.entry(ptr) {
            Entry::Occupied(mut entry) => match entry.get_mut() {
                Pending::New { object, .. } => change.patch(object),
                Pending::NewInt { .. } => {}
                Pending::Update(update) => change.record(update),
                Pending::Gone => {
                    let mut update = ObjectUpdate::default();
                    change.record(&mut update);
                    entry.insert(Pending::Update(update));
                }
            },
            Entry::Vacant(entry) => {
                let mut update = ObjectUpdate::default();
                change.record(&mut update);
                entry.insert(Pending::Update(update));
            }
        }
    }

    unsafe fn record_new(&mut self, ptr: usize, replaced: bool, in_edges: u32) {
        unsafe {
            let obj = ptr as *mut ffi::PyObject;
            let tp = ffi::Py_TYPE(obj);
            if tp == &raw mut ffi::PyLong_Type {
                let mut overflow: c_int = 0;
                let value = ffi::PyLong_AsLongLongAndOverflow(obj, &mut overflow);
                if overflow == 0 && (value != -1 || ffi::PyErr_Occurred().is_null()) {
                    return self.record_int(ptr, value, replaced, in_edges);
                }
                ffi::PyErr_Clear();
            }
            let kind = classify(obj);
            let leaf = kind == ObjKind::Leaf;
            let composed = is_composed(obj, kind);
            let scan =
                if leaf { Scan { children: Vec::new(), item_ptrs: None, total: 0 } } else { self.scan(obj, kind) };
            let runs_python = runs_python(obj, kind, composed);
            let repr = if composed || runs_python { String::new() } else { self.repr(obj, kind) };
            let size = if is_builtin_type(tp) { self.leaf_size(obj) } else { 0 };
            if runs_python || !is_builtin_type(tp) {
                self.defer(ptr);
            }
            let held = u64::from(self.deferred.contains(&ptr));
            let refcount = (ffi::Py_REFCNT(obj) as u64).saturating_sub(held);
            let more = scan.total.saturating_sub(scan.children.len() as u64);
            // A leaf never changes, so only non-leaves keep their repr to compare with later.
            let (object_repr, tracked_repr) = if leaf { (repr, String::new()) } else { (repr.clone(), repr) };
            let object = HeapObject {
                type_name: self.type_name(tp),
                kind,
                repr: object_repr,
                flags: if composed { ObjFlags::REPR_FROM_CHILDREN } else { ObjFlags::default() }
                    .with(identity::identity_flags(obj, &self.constants)),
                size,
                refcount,
                children: scan.children.clone(),
                more,
            };
            self.objects.insert(
                ptr,
                Tracked {
                    type_ptr: tp as usize,
                    kind,
                    leaf,
                    fingerprint: if leaf { leaf_fingerprint(obj) } else { 0 },
                    epoch: if leaf { 0 } else { self.epoch },
                    in_edges: if leaf { in_edges } else { 0 },
                    children: scan.children,
                    item_ptrs: scan.item_ptrs.unwrap_or_default(),
                    inner: Vec::new(),
                    more,
                    size,
                    refcount,
                    repr: tracked_repr,
                    composed,
                    child_refcounts: Vec::new(),
                },
            );
            self.pending.insert(ptr, Pending::New { object, replaced });
            if !leaf {
                self.non_leaves.push(ptr);
                self.refresh_internals(ptr, kind);
                if kind == ObjKind::Generator {
                    self.generators_reached.push(ptr);
                }
                let children = self.objects.get(&ptr).map(|t| t.children.clone()).unwrap_or_default();
                for child in &children {
                    if let Key::Object(key) = child.key {
                        self.add_edge(key as usize);
                    }
                    self.add_edge(child.id as usize);
                }
                // Children that are containers are marked in this same step.
                let inner = self.inner_of(&children);
                self.worklist.extend(&inner);
                if let Some(tracked) = self.objects.get_mut(&ptr) {
                    tracked.inner = inner;
                }
            }
        }
    }

    /// Re-reads a non-leaf object that is still reachable and notes what changed.
    unsafe fn rescan(&mut self, ptr: usize) {
        unsafe {
            let obj = ptr as *mut ffi::PyObject;
            let Some(tracked) = self.objects.get(&ptr) else { return };
            let kind = tracked.kind;
            if kind == ObjKind::Generator {
                self.generators_reached.push(ptr);
            }
            if tracked.type_ptr != ffi::Py_TYPE(obj) as usize {
                // The id now names an object of another type: record it afresh.
                self.forget(ptr);
                self.record_new(ptr, true, 0);
                return;
            }
            let items = match kind {
                ObjKind::List | ObjKind::Tuple => sequence_items(obj, self.limits.max_items),
                _ => None,
            };
            match items {
                // Sequences are compared pointer block to pointer block, and only what differs is built.
                Some((items, total)) => {
                    let old = &tracked.item_ptrs;
                    let more = total - items.len() as u64;
                    if items != old.as_slice() || more != tracked.more {
                        let prefix = old.iter().zip(items).take_while(|(a, b)| a == b).count();
                        let room = old.len().min(items.len()) - prefix;
                        let suffix =
                            old.iter().rev().zip(items.iter().rev()).take(room).take_while(|(a, b)| a == b).count();
                        let removed: Vec<Child> = old[prefix..old.len() - suffix]
                            .iter()
                            .map(|&p| Child { key: Key::Index, id: p as u64 })
                            .collect();
                        let splice = Splice {
                            at: prefix as u32,
                            remove: (old.len() - prefix - suffix) as u32,
                            insert: items[prefix..items.len() - suffix]
                                .iter()
                                .map(|&p| Child { key: Key::Index, id: p as u64 })
                                .collect(),
                            more,
                        };
                        // Only the changed run is copied: an append costs one slot, not the whole list.
                        let changed = items[prefix..items.len() - suffix].to_vec();
                        if let Some(tracked) = self.objects.get_mut(&ptr) {
                            splice.apply(&mut tracked.children);
                            let end = tracked.item_ptrs.len() - suffix;
                            tracked.item_ptrs.splice(prefix..end, changed);
                            tracked.more = more;
                        }
                        self.commit_splice(ptr, splice, removed);
                    }
                }
                None => {
                    let scan = self.scan(obj, kind);
                    self.apply_scan(ptr, scan);
                }
            }
            self.refresh_refcount(ptr);
            self.refresh_internals(ptr, kind);
            if kind == ObjKind::Other || kind == ObjKind::Generator {
                // Its contents are not recorded as children, so its repr is how a change shows.
                self.defer(ptr);
            }
            self.sweep_child_refcounts(ptr);
        }
    }

    unsafe fn apply_scan(&mut self, ptr: usize, scan: Scan) {
        unsafe {
            let obj = ptr as *mut ffi::PyObject;
            let Some(tracked) = self.objects.get_mut(&ptr) else { return };
            let more = scan.total.saturating_sub(scan.children.len() as u64);
            let Some(splice) = Splice::between(&tracked.children, &scan.children, more, tracked.more) else {
                return;
            };
            let removed: Vec<Child> =
                tracked.children[splice.at as usize..(splice.at + splice.remove) as usize].to_vec();
            tracked.children = scan.children;
            tracked.item_ptrs = scan.item_ptrs.unwrap_or_default();
            tracked.more = more;
            let _ = obj;
            self.commit_splice(ptr, splice, removed);
        }
    }

    /// Records a change of children already applied to the tracked object: edges, the inner list,
    /// the splice itself and the new size.
    unsafe fn commit_splice(&mut self, ptr: usize, splice: Splice, removed: Vec<Child>) {
        unsafe {
            let obj = ptr as *mut ffi::PyObject;
            let Some(tracked) = self.objects.get(&ptr) else { return };
            let composed = tracked.composed;
            for child in &splice.insert {
                if let Key::Object(key) = child.key {
                    self.add_edge(key as usize);
                }
                self.add_edge(child.id as usize);
            }
            for child in &removed {
                if let Key::Object(key) = child.key {
                    self.drop_edge(key as usize);
                }
                self.drop_edge(child.id as usize);
            }
            let lost_inner = self.objects.get(&ptr).is_some_and(|t| {
                removed.iter().any(|c| {
                    t.inner.contains(&(c.id as usize))
                        || matches!(c.key, Key::Object(k) if t.inner.contains(&(k as usize)))
                })
            });
            let inner = if lost_inner {
                let children = self.objects.get(&ptr).map(|t| t.children.clone()).unwrap_or_default();
                Some(self.inner_of(&children))
            } else {
                None
            };
            let added = self.inner_of(&splice.insert);
            if let Some(tracked) = self.objects.get_mut(&ptr) {
                match inner {
                    Some(inner) => tracked.inner = inner,
                    None => tracked.inner.extend(added),
                }
            }
            self.note(ptr, FieldChange::Splice(splice));
            if composed && is_builtin_type(ffi::Py_TYPE(obj)) {
                let size = self.size_of(obj);
                self.note_size(ptr, size);
            } else {
                self.defer(ptr);
            }
        }
    }

    /// The non-leaf objects among `children` and their dict keys.
    fn inner_of(&self, children: &[Child]) -> Vec<usize> {
        let mut inner = Vec::new();
        for child in children {
            if let Key::Object(key) = child.key
                && self.objects.get(&(key as usize)).is_some_and(|t| !t.leaf)
            {
                inner.push(key as usize);
            }
            if self.objects.get(&(child.id as usize)).is_some_and(|t| !t.leaf) {
                inner.push(child.id as usize);
            }
        }
        inner
    }

    /// Refreshes the refcounts of a container's leaf children. A child whose refcount is the same as
    /// at this container's last sweep is skipped: its recorded refcount was refreshed then (leaves
    /// are never held by `deferred`, so the raw count is the program's own).
    unsafe fn sweep_child_refcounts(&mut self, ptr: usize) {
        let mut changed = std::mem::take(&mut self.sweep_changed);
        changed.clear();
        let Some(tracked) = self.objects.get_mut(&ptr) else { return };
        if tracked.children.len() > REFCOUNT_SWEEP_LIMIT {
            self.sweep_changed = changed;
            return;
        }
        let Tracked { children, child_refcounts, .. } = tracked;
        child_refcounts.resize(children.len(), (0, 0));
        for (child, last) in children.iter().zip(child_refcounts.iter_mut()) {
            let id = child.id as usize;
            let refcount = unsafe { ffi::Py_REFCNT(id as *mut ffi::PyObject) };
            if *last != (id, refcount) {
                *last = (id, refcount);
                changed.push(id);
            }
        }
        for &id in &changed {
            if self.objects.get(&id).is_some_and(|t| t.leaf) {
                unsafe { self.refresh_refcount(id) };
            }
        }
        self.sweep_changed = changed;
    }

    /// Reads an object's children (up to the item limit) and how many there are in all.
    unsafe fn scan(&self, obj: *mut ffi::PyObject, kind: ObjKind) -> Scan {
        let max = self.limits.max_items;
        unsafe {
            match kind {
                ObjKind::List | ObjKind::Tuple => {
                    let (items, total) = sequence_items(obj, max).unwrap_or((&[], 0));
                    let children = items.iter().map(|&p| Child { key: Key::Index, id: p as u64 }).collect();
                    Scan { children, item_ptrs: Some(items.to_vec()), total }
                }
                ObjKind::Set | ObjKind::FrozenSet => iterate_set(obj, max),
                ObjKind::Dict => dict_children(obj, max, false, false),
                ObjKind::Instance => {
                    let dict = ffi::PyObject_GenericGetDict(obj, std::ptr::null_mut());
                    if dict.is_null() {
                        ffi::PyErr_Clear();
                        return Scan { children: Vec::new(), item_ptrs: None, total: 0 };
                    }
                    let scan = dict_children(dict, max, true, false);
                    ffi::Py_DecRef(dict);
                    scan
                }
                ObjKind::Class => {
                    let dict = (*(obj as *mut ffi::PyTypeObject)).tp_dict;
                    if dict.is_null() {
                        return Scan { children: Vec::new(), item_ptrs: None, total: 0 };
                    }
                    dict_children(dict, max, true, true)
                }
                ObjKind::Function => function_cells(obj),
                ObjKind::Cell => {
                    let contents = ffi::PyCell_Get(obj);
                    if contents.is_null() {
                        ffi::PyErr_Clear();
                        return Scan { children: Vec::new(), item_ptrs: None, total: 0 };
                    }
                    ffi::Py_DecRef(contents);
                    Scan { children: vec![Child { key: Key::Index, id: contents as u64 }], item_ptrs: None, total: 1 }
                }
                // A paused generator's frame locals, so the diagram draws its frame attached to it.
                ObjKind::Generator => generators::children(obj, max),
                ObjKind::Leaf | ObjKind::Other => Scan { children: Vec::new(), item_ptrs: None, total: 0 },
            }
        }
    }
}

enum FieldChange {
    Refcount(u64),
    Size(u64),
    Repr(String),
    Splice(Splice),
}

impl FieldChange {
    fn patch(self, object: &mut HeapObject) {
        match self {
            FieldChange::Refcount(refcount) => object.refcount = refcount,
            FieldChange::Size(size) => object.size = size,
            FieldChange::Repr(repr) => object.repr = repr,
            FieldChange::Splice(splice) => {
                splice.apply(&mut object.children);
                object.more = splice.more;
            }
        }
    }

    fn record(self, update: &mut ObjectUpdate) {
        match self {
            FieldChange::Refcount(refcount) => update.refcount = Some(refcount),
            FieldChange::Size(size) => update.size = Some(size),
            FieldChange::Repr(repr) => update.repr = Some(repr),
            FieldChange::Splice(splice) => update.splice = Some(splice),
        }
    }
}
