//! List capacities and dict and set hash tables as the engine reads them from the objects, checked
//! against what the traced program itself reports (`len`, `hash`, `id`, `sys.getsizeof`) and against
//! CPython's probing as `trace::hashing` recomputes it: every key must be found by walking its probe
//! sequence from its hash, past occupied and dummy slots only.

mod common;

use std::collections::{HashMap, HashSet};

use pyxray::trace::hashing::{self, probe_path};
use pyxray::trace::{HashTable, Internals, ObjId, Slot, Snapshot, Stream, TableKind, TraceStore};

/// Defines `facts(name, obj)`, which prints what Python knows of a dict or set: `N name len getsizeof`,
/// then per key `K name id(key) hash(key) id(value)` (0 for a set).
/// What the engine records of a table at most (`MAX_TABLE_SLOTS` in src/engine/tables.rs).
const RECORDED_SLOTS: u64 = 256;

const FACTS: &str = "import sys
def facts(name, obj):
    print('N', name, len(obj), sys.getsizeof(obj))
    for k in obj:
        print('K', name, id(k), hash(k), id(obj[k]) if isinstance(obj, dict) else 0)
";

#[derive(Default, Debug)]
struct Facts {
    len: usize,
    getsizeof: u64,
    /// key id -> (hash, value id)
    keys: HashMap<u64, (i64, u64)>,
}

fn parse_facts(output: &str) -> HashMap<String, Facts> {
    let mut all: HashMap<String, Facts> = HashMap::new();
    for line in output.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["N", name, len, size] => {
                let facts = all.entry(name.to_string()).or_default();
                facts.len = len.parse().expect("len");
                facts.getsizeof = size.parse().expect("getsizeof");
            }
            ["K", name, id, hash, value] => {
                let facts = all.entry(name.to_string()).or_default();
                let entry = (hash.parse().expect("hash"), value.parse().expect("value id"));
                facts.keys.insert(id.parse().expect("key id"), entry);
            }
            _ => {}
        }
    }
    all
}

fn run(code: &str) -> TraceStore {
    let engine = common::engine();
    let mut store = common::record(&engine, common::request(code, "tables.py"));
    let end = store.end().cloned().expect("the run ends");
    assert_eq!(end.outcome, pyxray::trace::Outcome::Finished, "{}: {}", end.message, store.all_output(Stream::Stderr));
    let last = store.len() - 1;
    store.snapshot(last).expect("decodes").expect("recorded");
    store
}

fn last(store: &mut TraceStore) -> Snapshot {
    let last = store.len() - 1;
    store.snapshot(last).expect("decodes").expect("recorded").clone()
}

fn binding(snapshot: &Snapshot, name: &str) -> ObjId {
    snapshot.stack[0].locals.iter().find(|b| b.name == name).map(|b| b.id).unwrap_or_else(|| panic!("{name} bound"))
}

fn table<'a>(snapshot: &'a Snapshot, name: &str) -> &'a HashTable {
    match snapshot.internals.get(&binding(snapshot, name)) {
        Some(Internals::HashTable(table)) => table,
        other => panic!("{name}: no hash table recorded ({other:?})"),
    }
}

/// The entry is one of the table's keys present in the object (a split dict's shared keys include
/// keys this dict does not have: those have no value).
fn live(table: &HashTable, entry: usize) -> bool {
    let found = &table.entries[entry];
    found.key.is_some() && (table.kind != TableKind::SplitDict || found.value.is_some())
}

/// Checks the recorded table against CPython's probing and the program's own facts.
fn check_table(table: &HashTable, facts: &Facts, what: &str) {
    assert!(table.size.is_power_of_two(), "{what}: size {} is a power of two", table.size);
    assert_eq!(table.slots.len() as u64, table.size.min(RECORDED_SLOTS), "{what}: recorded slots");
    let complete = table.slots.len() as u64 == table.size;
    let mut held = vec![0u32; table.entries.len()];
    for (at, slot) in table.slots.iter().enumerate() {
        let Slot::Entry(entry) = *slot else { continue };
        let entry = entry as usize;
        assert!(entry < table.entries.len() || !complete, "{what}: slot {at} names entry {entry}");
        let Some(found) = table.entries.get(entry) else { continue };
        held[entry] += 1;
        let key = found.key.unwrap_or_else(|| panic!("{what}: slot {at} holds a deleted entry"));
        if table.kind == TableKind::SplitDict && found.value.is_none() {
            continue;
        }
        let (hash, value) = facts.keys.get(&key).unwrap_or_else(|| panic!("{what}: key {key} is not in the object"));
        assert_eq!(found.hash, *hash, "{what}: the hash stored for key {key} is hash(key)");
        if table.kind != TableKind::Set {
            assert_eq!(found.value, Some(*value), "{what}: the value of key {key}");
        }
        let path = probe_path(table, entry as u32).unwrap_or_else(|| panic!("{what}: no probe path to key {key}"));
        assert_eq!(path.first().copied(), Some(hashing::home_slot(found.hash, table.size)));
        assert_eq!(path.last().copied(), Some(at as u64));
        for &passed in &path[..path.len() - 1] {
            let slot = table.slots.get(passed as usize).copied();
            assert!(
                matches!(slot, Some(Slot::Entry(_) | Slot::Dummy) | None),
                "{what}: key {key}'s probe path passes empty slot {passed}"
            );
        }
    }
    if complete {
        let live_entries = (0..table.entries.len()).filter(|&e| live(table, e)).count();
        assert_eq!(live_entries, facts.len, "{what}: live entries are len()");
        for (entry, count) in held.iter().enumerate() {
            let expected = u32::from(table.entries[entry].key.is_some());
            assert_eq!(*count, expected, "{what}: entry {entry} is in {count} slots");
        }
        let recorded: HashSet<u64> =
            (0..table.entries.len()).filter(|&e| live(table, e)).filter_map(|e| table.entries[e].key).collect();
        let keys: HashSet<u64> = facts.keys.keys().copied().collect();
        assert_eq!(recorded, keys, "{what}: the table's keys are the object's");
    }
    if complete && table.kind != TableKind::Set && table.kind != TableKind::SplitDict {
        // CPython sizes a combined table to hold two thirds of its slots; each entry used, deleted
        // or not, takes one of those places.
        assert_eq!(table.usable + table.entries.len() as u64, table.size * 2 / 3, "{what}: usable + entries");
        let dummies = table.slots.iter().filter(|s| **s == Slot::Dummy).count();
        let deleted = table.entries.iter().filter(|e| e.key.is_none()).count();
        // A later insert may take a dummy's slot; its entry still goes at the end.
        assert!(dummies <= deleted, "{what}: {dummies} dummies for {deleted} deleted entries");
    }
}

fn check_all(store: &mut TraceStore, names: &[&str]) -> Snapshot {
    let facts = parse_facts(&store.all_output(Stream::Stdout));
    let snapshot = last(store);
    for name in names {
        let facts = facts.get(*name).unwrap_or_else(|| panic!("facts printed for {name}"));
        check_table(table(&snapshot, name), facts, name);
    }
    snapshot
}

#[test]
fn colliding_int_keys_follow_the_dict_probe_sequence() {
    let code =
        format!("{FACTS}d = {{}}\nd[1] = 'a'\nd[9] = 'b'\nd[17] = 'c'\nd[25] = 'd'\nd[-1] = 'minus'\nfacts('d', d)\n");
    let mut store = run(&code);
    let snapshot = check_all(&mut store, &["d"]);
    let d = table(&snapshot, "d");
    assert!(matches!(d.kind, TableKind::Dict), "int keys: a general table");
    // 1, 9, 17 and 25 share a home slot in any table of 8 slots or fewer: all but the first collided,
    // and each later one walks past the slots of the earlier ones.
    assert_eq!(d.size, 8, "five keys fit a table of 8");
    let collided: Vec<u32> = (0..d.entries.len() as u32).filter(|&e| hashing::collided(d, e)).collect();
    assert!(collided.len() >= 3, "keys 9, 17 and 25 collided: {collided:?} in {d:?}");
    let paths: Vec<usize> = (0..4).map(|e| probe_path(d, e).map_or(0, |p| p.len())).collect();
    assert_eq!(paths[0], 1);
    assert!(paths[1] >= 2 && paths[2] >= 2 && paths[3] >= 2, "{paths:?}");
}

#[test]
fn deleted_keys_leave_dummies_that_later_lookups_walk_past() {
    let code = format!(
        "{FACTS}d = {{1: 'a', 9: 'b', 17: 'c'}}\ndel d[9]\nfacts('d', d)\nd[33] = 'e'\nd[17] = 'C'\nfacts('d2', d)\n"
    );
    let mut store = run(&code);
    let facts = parse_facts(&store.all_output(Stream::Stdout));
    // The step after `del d[9]` (line 7) and the end.
    let steps = store.len();
    let mut after_delete = None;
    for step in 0..steps {
        let snapshot = store.snapshot(step).expect("decodes").expect("recorded").clone();
        if snapshot.line == 8 && snapshot.stack.len() == 1 && after_delete.is_none() {
            after_delete = Some(snapshot);
        }
    }
    let after_delete = after_delete.expect("a step at line 8");
    let d = table(&after_delete, "d");
    check_table(d, &facts["d"], "after del");
    assert_eq!(d.slots.iter().filter(|s| **s == Slot::Dummy).count(), 1, "one dummy: {d:?}");
    // 17 was placed past 9's slot; that slot is now a dummy on its path.
    let seventeen = d.entries.iter().position(|e| e.hash == 17).expect("17 is in the table") as u32;
    let path = probe_path(d, seventeen).expect("a path");
    assert!(path.iter().any(|&s| d.slots[s as usize] == Slot::Dummy), "{path:?} passes the dummy in {d:?}");
    let snapshot = last(&mut store);
    check_table(table(&snapshot, "d"), &facts["d2"], "after insert");
}

#[test]
fn growing_dicts_resize_when_their_size_in_memory_grows() {
    let code = format!(
        "{FACTS}d = {{}}\nfor i in range(60):\n    d[i * 7] = i\n    print('S', sys.getsizeof(d))\nfacts('d', d)\n"
    );
    let mut store = run(&code);
    let facts = parse_facts(&store.all_output(Stream::Stdout));
    // At each visit of the loop's header after an insert: the table as of the last printed size.
    let mut seen: Vec<(u64, u64)> = Vec::new();
    for step in 0..store.len() {
        let printed: Vec<u64> = store
            .output_upto(step)
            .filter(|(stream, _)| *stream == Stream::Stdout)
            .flat_map(|(_, text)| {
                text.lines().filter_map(|l| l.strip_prefix("S ")).map(|n| n.parse::<u64>()).collect::<Vec<_>>()
            })
            .map(|n| n.expect("a size"))
            .collect();
        let snapshot = store.snapshot(step).expect("decodes").expect("recorded").clone();
        if snapshot.line != 7 || printed.is_empty() {
            continue;
        }
        let size = table(&snapshot, "d").size;
        seen.push((*printed.last().expect("printed"), size));
    }
    assert_eq!(seen.len(), 60, "one loop turn per insert");
    for pair in seen.windows(2) {
        let ((bytes_before, size_before), (bytes_after, size_after)) = (pair[0], pair[1]);
        assert_eq!(
            bytes_before != bytes_after,
            size_before != size_after,
            "sys.getsizeof changes exactly when the table is resized: {seen:?}"
        );
    }
    assert!(seen.last().expect("turns").1 > seen[0].1, "the table grew: {seen:?}");
    let snapshot = last(&mut store);
    check_table(table(&snapshot, "d"), &facts["d"], "grown");
}

#[test]
fn str_keys_and_mixed_keys() {
    let code = format!(
        "{FACTS}names = {{'alpha': 1, 'beta': 2, 'gamma': 3, 'a longer key': 4}}\ndel names['beta']\nmixed = {{'x': 1, (1, 2): 2, 3.5: 3, None: 4}}\nfacts('names', names)\nfacts('mixed', mixed)\nprint('M', sys.version_info.minor)\n"
    );
    let mut store = run(&code);
    let snapshot = check_all(&mut store, &["names", "mixed"]);
    let names = table(&snapshot, "names");
    let mixed = table(&snapshot, "mixed");
    // 3.11+ keeps str-only tables without hashes; 3.10 has one layout for both.
    let output = store.all_output(Stream::Stdout);
    let python_minor: u32 =
        output.lines().find_map(|l| l.strip_prefix("M ")).and_then(|m| m.parse().ok()).expect("a version");
    if python_minor >= 11 {
        assert_eq!(names.kind, TableKind::UnicodeDict);
    } else {
        assert_eq!(names.kind, TableKind::Dict);
    }
    assert_eq!(mixed.kind, TableKind::Dict);
}

#[test]
fn an_instance_dict_shares_its_keys_and_keeps_its_values_apart() {
    let code = format!(
        "{FACTS}class Point:\n    def __init__(self, x, y):\n        self.x = x\n        self.y = y\np = Point(1000, 2000)\nq = Point(3000, 4000)\npd = p.__dict__\nqd = q.__dict__\nfacts('pd', pd)\nfacts('qd', qd)\n"
    );
    let mut store = run(&code);
    let snapshot = check_all(&mut store, &["pd", "qd"]);
    let (pd, qd) = (table(&snapshot, "pd"), table(&snapshot, "qd"));
    assert_eq!(pd.kind, TableKind::SplitDict);
    assert_eq!(qd.kind, TableKind::SplitDict);
    let keys = |t: &HashTable| t.entries.iter().map(|e| e.key).collect::<Vec<_>>();
    assert_eq!(keys(pd), keys(qd), "the same shared keys");
    assert_ne!(pd.entries[0].value, qd.entries[0].value, "each its own values");
}

#[test]
fn big_dicts_are_recorded_in_part() {
    let code = format!("{FACTS}big = {{i: i for i in range(3000)}}\nfacts('big', big)\n");
    let mut store = run(&code);
    let facts = parse_facts(&store.all_output(Stream::Stdout));
    let snapshot = last(&mut store);
    let big = table(&snapshot, "big");
    assert!(big.size > RECORDED_SLOTS);
    assert_eq!(big.entries.len() as u64, RECORDED_SLOTS);
    // The entries left out are still counted by what remains usable.
    assert_eq!(big.size * 2 / 3 - big.usable, facts["big"].len as u64);
    check_table(big, &facts["big"], "big");
}

#[test]
fn sets_with_collisions_dummies_and_growth() {
    let code = format!(
        "{FACTS}s = {{1, 9, 17, 25}}\ns.discard(9)\nfacts('s', s)\nwide = set(range(0, 6400, 64))\nwide.add(-5)\nwide.add('word')\nfacts('wide', wide)\nfrozen = frozenset(range(20))\nfacts('frozen', frozen)\nprint('E', sys.getsizeof(set()), sys.getsizeof(frozenset()))\n"
    );
    let mut store = run(&code);
    let snapshot = check_all(&mut store, &["s", "wide", "frozen"]);
    let output = store.all_output(Stream::Stdout);
    let facts = parse_facts(&output);
    let empty: Vec<u64> = output
        .lines()
        .find_map(|l| l.strip_prefix("E "))
        .expect("empty sizes")
        .split_whitespace()
        .map(|n| n.parse().expect("a size"))
        .collect();
    for (name, base) in [("s", empty[0]), ("wide", empty[0]), ("frozen", empty[1])] {
        let table = table(&snapshot, name);
        assert_eq!(table.kind, TableKind::Set);
        // A set keeps up to 8 slots inside itself; a bigger table is allocated apart, 16 bytes a slot.
        let apart = if table.size > 8 { table.size * 16 } else { 0 };
        assert_eq!(facts[name].getsizeof - base, apart, "{name}: sys.getsizeof agrees with {} slots", table.size);
    }
    let s = table(&snapshot, "s");
    assert_eq!(s.slots.iter().filter(|x| **x == Slot::Dummy).count(), 1, "the discarded 9 left a dummy: {s:?}");
    let wide = table(&snapshot, "wide");
    let long_paths =
        (0..wide.entries.len() as u32).filter(|&e| probe_path(wide, e).is_some_and(|p| p.len() > 1)).count();
    assert!(long_paths > 10, "multiples of 64 crowd their home slots: {long_paths}");
}

#[test]
fn list_capacity_is_what_sys_getsizeof_implies_at_every_step() {
    let code = "import sys\nx = []\nfor i in range(40):\n    x.append(i)\n    print('C', (sys.getsizeof(x) - sys.getsizeof([])) // 8)\ny = [1, 2, 3]\nprint('Y', (sys.getsizeof(y) - sys.getsizeof([])) // 8)\n";
    let mut store = run(code);
    let mut checked = 0;
    let mut capacities = HashSet::new();
    for step in 0..store.len() {
        let printed: Vec<u64> = store
            .output_upto(step)
            .filter(|(stream, _)| *stream == Stream::Stdout)
            .flat_map(|(_, text)| {
                text.lines()
                    .filter_map(|l| l.strip_prefix("C "))
                    .map(|n| n.parse::<u64>().expect("a capacity"))
                    .collect::<Vec<_>>()
            })
            .collect();
        let snapshot = store.snapshot(step).expect("decodes").expect("recorded").clone();
        if snapshot.line != 3 || printed.is_empty() {
            continue;
        }
        let x = binding(&snapshot, "x");
        let Some(Internals::List { capacity }) = snapshot.internals.get(&x) else {
            panic!("step {step}: no capacity recorded for x");
        };
        assert_eq!(*capacity, *printed.last().expect("printed"), "step {step}");
        assert_eq!(snapshot.heap[&x].children.len(), printed.len(), "len(x) at step {step}");
        capacities.insert(*capacity);
        checked += 1;
    }
    assert_eq!(checked, 40);
    assert!(capacities.len() > 3, "the list grew several times: {capacities:?}");
    let output = store.all_output(Stream::Stdout);
    let printed: u64 =
        output.lines().find_map(|l| l.strip_prefix("Y ")).and_then(|n| n.parse().ok()).expect("y's capacity");
    let snapshot = last(&mut store);
    let y = binding(&snapshot, "y");
    assert_eq!(snapshot.internals.get(&y), Some(&Internals::List { capacity: printed }), "a list display");
}
