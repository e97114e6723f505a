//! CPython's open addressing, recomputed: the slots a lookup visits for a hash, so a recorded table
//! can show where each key wanted to go, where it landed and which slots it had to pass.
//!
//! Both tables start at `hash & mask` and mix in the hash's higher bits through `perturb`, which is
//! the hash as an unsigned machine word shifted right by 5 at every jump, so that after a few jumps
//! the sequence is `i = 5i + 1 (mod size)` and visits every slot. They differ in one way:
//! - a dict (3.10 to 3.13, `dictobject.c`) shifts `perturb` first, then jumps to
//!   `(5i + perturb + 1) & mask`;
//! - a set (`setobject.c`) first looks at the slot and the 9 after it (`LINEAR_PROBES`), when they
//!   all fit before the end of the table, then shifts and jumps the same way.

use super::internals::{HashTable, Slot, TableKind};

/// `PERTURB_SHIFT` in CPython.
const PERTURB_SHIFT: u32 = 5;
/// `LINEAR_PROBES` in `setobject.c`: neighbours looked at before jumping.
const LINEAR_PROBES: u64 = 9;

/// Which of CPython's two probe sequences a table uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Probing {
    Dict,
    Set,
}

impl Probing {
    pub fn of(kind: TableKind) -> Probing {
        match kind {
            TableKind::Set => Probing::Set,
            TableKind::Dict | TableKind::UnicodeDict | TableKind::SplitDict => Probing::Dict,
        }
    }
}

/// The slot a key with this hash tries first in a table of `size` slots (a power of two).
pub fn home_slot(hash: i64, size: u64) -> u64 {
    (hash as u64) & size.saturating_sub(1)
}

/// The endless sequence of slots CPython visits looking for `hash` in a table of `size` slots
/// (a power of two), starting with the home slot. A slot may come up more than once.
pub fn probe_sequence(probing: Probing, hash: i64, size: u64) -> ProbeSequence {
    let mask = size.saturating_sub(1);
    let start = (hash as u64) & mask;
    ProbeSequence { probing, mask, base: start, perturb: hash as u64, run: 0 }
}

/// See `probe_sequence`.
#[derive(Clone, Debug)]
pub struct ProbeSequence {
    probing: Probing,
    mask: u64,
    /// The slot the current jump landed on.
    base: u64,
    perturb: u64,
    /// Sets: how many neighbours of `base` were already given.
    run: u64,
}

impl Iterator for ProbeSequence {
    type Item = u64;

    fn next(&mut self) -> Option<u64> {
        let slot = self.base + self.run;
        let neighbours = match self.probing {
            Probing::Set if self.base + LINEAR_PROBES <= self.mask => LINEAR_PROBES,
            _ => 0,
        };
        if self.run < neighbours {
            self.run += 1;
        } else {
            self.run = 0;
            self.perturb >>= PERTURB_SHIFT;
            self.base = self.base.wrapping_mul(5).wrapping_add(1).wrapping_add(self.perturb) & self.mask;
        }
        Some(slot)
    }
}

/// The slot holding `entry` (a position in `table.entries`), among the recorded slots.
pub fn slot_of(table: &HashTable, entry: u32) -> Option<u64> {
    table.slots.iter().position(|slot| *slot == Slot::Entry(entry)).map(|at| at as u64)
}

/// The slots a lookup of `entry`'s key visits, from its home slot up to and including the slot that
/// holds it. `None` when the entry is not in a recorded slot (a deleted dict entry, or a table
/// recorded only in part) or the sequence does not reach it within a bound no real table needs.
pub fn probe_path(table: &HashTable, entry: u32) -> Option<Vec<u64>> {
    let target = slot_of(table, entry)?;
    let hash = table.entries.get(entry as usize)?.hash;
    // A set's run of neighbours repeats slots; every slot is reached well within this many probes.
    let bound = table.size.saturating_mul(LINEAR_PROBES + 1).saturating_add(64);
    let mut path = Vec::new();
    for slot in probe_sequence(Probing::of(table.kind), hash, table.size).take(bound as usize) {
        path.push(slot);
        if slot == target {
            return Some(path);
        }
    }
    None
}

/// The entry is not in its home slot: another key (or a deleted one's dummy) was there first.
pub fn collided(table: &HashTable, entry: u32) -> bool {
    match (slot_of(table, entry), table.entries.get(entry as usize)) {
        (Some(slot), Some(found)) => slot != home_slot(found.hash, table.size),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::internals::TableEntry;

    fn dict_sequence(hash: i64, size: u64, count: usize) -> Vec<u64> {
        probe_sequence(Probing::Dict, hash, size).take(count).collect()
    }

    #[test]
    fn dict_probes_shift_perturb_before_each_jump() {
        // hash 9 in 8 slots: home 1; perturb 9>>5 = 0, so 5*1+0+1 = 6; then 5*6+1 = 31 & 7 = 7 ...
        assert_eq!(dict_sequence(9, 8, 4), vec![1, 6, 7, 4]);
        // hash 33 in 8 slots: home 1; perturb 33>>5 = 1: 5+1+1 = 7; perturb 0: 36 & 7 = 4.
        assert_eq!(dict_sequence(33, 8, 3), vec![1, 7, 4]);
    }

    #[test]
    fn negative_hashes_probe_as_unsigned_words() {
        // -1 as an unsigned word is all ones: home is the last slot and perturb keeps high bits.
        let slots = dict_sequence(-2, 8, 3);
        assert_eq!(slots[0], 6);
        let perturb = (-2i64 as u64) >> 5;
        assert_eq!(slots[1], (6 * 5 + 1 + perturb) & 7);
    }

    #[test]
    fn once_perturb_is_spent_every_slot_is_visited() {
        for probing in [Probing::Dict, Probing::Set] {
            for size in [8u64, 32, 1024] {
                let mut seen = vec![false; size as usize];
                for slot in probe_sequence(probing, 12_345, size).take((size * 12) as usize) {
                    seen[slot as usize] = true;
                }
                assert!(seen.iter().all(|s| *s), "{probing:?} in {size} slots leaves some slot unvisited");
            }
        }
    }

    #[test]
    fn sets_look_at_nine_neighbours_only_when_they_fit() {
        // 8 slots: mask 7, so 0 + 9 > 7: no neighbours, it jumps like a dict but shifts after.
        let small: Vec<u64> = probe_sequence(Probing::Set, 1, 8).take(3).collect();
        assert_eq!(small, vec![1, 6, 7]);
        // 32 slots: from home 3, slots 3..=12, then the jump from 3.
        let big: Vec<u64> = probe_sequence(Probing::Set, 3, 32).take(11).collect();
        assert_eq!(big, vec![3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 16]);
        // Home 25 in 32 slots: 25 + 9 > 31, so no run.
        let edge: Vec<u64> = probe_sequence(Probing::Set, 25, 32).take(2).collect();
        assert_eq!(edge, vec![25, (25 * 5 + 1) & 31]);
    }

    fn entry(hash: i64) -> TableEntry {
        TableEntry { hash, key: Some(hash as u64), value: None }
    }

    #[test]
    fn paths_and_collisions_in_a_dict_table() {
        // Keys 1, 9, 17 in 8 slots all start at slot 1: 1 lands there, 9 goes on to 6, 17 to 7
        // (17: home 1, perturb 0 -> 6 taken -> 31 & 7 = 7).
        let mut slots = vec![Slot::Empty; 8];
        slots[1] = Slot::Entry(0);
        slots[6] = Slot::Entry(1);
        slots[7] = Slot::Entry(2);
        let table = HashTable {
            kind: TableKind::Dict,
            size: 8,
            usable: 2,
            slots,
            entries: vec![entry(1), entry(9), entry(17)],
        };
        assert_eq!(probe_path(&table, 0), Some(vec![1]));
        assert_eq!(probe_path(&table, 1), Some(vec![1, 6]));
        assert_eq!(probe_path(&table, 2), Some(vec![1, 6, 7]));
        assert!(!collided(&table, 0));
        assert!(collided(&table, 1));
        assert!(collided(&table, 2));
        assert_eq!(home_slot(17, 8), 1);
    }

    #[test]
    fn entries_outside_the_recorded_slots_have_no_path() {
        let table = HashTable {
            kind: TableKind::Dict,
            size: 8,
            usable: 4,
            slots: vec![Slot::Empty, Slot::Dummy],
            entries: vec![TableEntry { hash: 5, key: None, value: None }],
        };
        assert_eq!(probe_path(&table, 0), None);
        assert_eq!(probe_path(&table, 7), None);
        assert!(!collided(&table, 0));
    }
}
