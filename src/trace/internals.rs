//! What CPython keeps inside an object beyond the children a diagram draws: a list's spare capacity,
//! a dict's or set's hash table, a paused generator's frame. Recorded only for the objects that have them, and only when
//! they change, as `ObjectChange::Internals`.

use serde::{Deserialize, Serialize};

use super::model::{Frame, ObjId};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Internals {
    /// A list's allocated slots: `len <= capacity`; the rest are room to grow without moving.
    List { capacity: u64 },
    /// A dict's index and entries, or a set's table, read from the object itself.
    HashTable(HashTable),
    /// A generator's or coroutine's own frame, alive between resumptions.
    Generator(GeneratorState),
}

/// Which layout a hash table has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TableKind {
    /// A dict whose keys and values live in one entries array (any keys).
    Dict,
    /// A dict whose keys are all `str` (3.11+ stores no hash in the entry; the str caches it).
    UnicodeDict,
    /// A dict sharing its keys with other instances of a class; values are kept apart.
    SplitDict,
    Set,
}

/// One slot of a dict's index array or of a set's table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Slot {
    Empty,
    /// A deleted entry's tombstone: lookups probe past it, inserts may reuse it.
    Dummy,
    /// Dict: the position of the entry in `HashTable::entries`. Set: the entry held in this slot
    /// (also a position in `entries`, which for sets lists the occupied slots in table order).
    Entry(u32),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableEntry {
    /// The hash CPython stored (or, for a unicode-keyed or split dict, the key's cached hash; -1, a
    /// hash no object has, when a deleted key left nothing to read it from).
    pub hash: i64,
    /// `None` for a dict entry whose key was deleted (its slot in the index became a dummy, or was
    /// taken again by a later key).
    pub key: Option<ObjId>,
    /// Dict: the key's value. `None` for a deleted entry, and in a split dict for a shared key this
    /// dict does not have. Sets: always `None`.
    pub value: Option<ObjId>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HashTable {
    pub kind: TableKind,
    /// The number of slots in the index (dict) or table (set): a power of two.
    pub size: u64,
    /// Dict: how many more entries fit before the table grows. Set: unused (0).
    pub usable: u64,
    /// The first `slots.len()` slots (all of them unless the table is bigger than the recording limit,
    /// 1,024 slots).
    pub slots: Vec<Slot>,
    /// Dict: the entries array in insertion order, deleted ones included, up to the recording limit
    /// (in a table recorded in part, a slot may name an entry past the end; the entries in all are
    /// `size * 2 / 3 - usable` for a combined dict). Set: the recorded occupied slots' entries.
    pub entries: Vec<TableEntry>,
}

/// A generator's or coroutine's state as `inspect.getgeneratorstate` names it, with its frame while it
/// has one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GeneratorState {
    pub state: GeneratorPhase,
    /// The suspended frame: its line and locals as of the last `yield`/`await` (None once closed).
    pub frame: Option<Frame>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum GeneratorPhase {
    Created,
    Suspended,
    Running,
    Closed,
}

impl GeneratorPhase {
    pub fn as_str(self) -> &'static str {
        match self {
            GeneratorPhase::Created => "created",
            GeneratorPhase::Suspended => "suspended",
            GeneratorPhase::Running => "running",
            GeneratorPhase::Closed => "closed",
        }
    }
}
