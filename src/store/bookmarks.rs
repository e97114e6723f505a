//! The presenter's bookmarks: steps of a lesson's example to pause at ("pause here"), kept in the
//! settings by lesson id and example index.
//!
//! Each example's bookmarks remember a hash of the code they were set on. A teacher who edits the
//! example changes its steps, so old bookmarks would point at the wrong moments: they are not shown
//! for the new code, and the first bookmark set on it replaces them.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// Which example's trace is shown: its lesson, its index among the lesson's examples, its code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleKey {
    pub lesson: String,
    pub index: usize,
    pub code_hash: String,
}

impl ExampleKey {
    pub fn new(lesson: &str, index: usize, code: &str) -> Self {
        ExampleKey { lesson: lesson.to_owned(), index, code_hash: code_hash(code) }
    }
}

/// FNV-1a (64 bit) of the code, in hex: stable across builds and platforms, unlike std's hasher.
pub fn code_hash(code: &str) -> String {
    let hash = code
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3));
    format!("{hash:016x}")
}

/// One example's bookmarked steps (0-based), with the code they belong to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExampleBookmarks {
    pub code_hash: String,
    pub steps: BTreeSet<u64>,
}

/// Lesson id -> example index -> bookmarks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Bookmarks(BTreeMap<String, BTreeMap<usize, ExampleBookmarks>>);

/// Bookmarks past this many per example are not kept (a hand-edited file cannot make every step one).
pub const MAX_PER_EXAMPLE: usize = 1_000;

impl Bookmarks {
    /// The example's bookmarked steps, in order; none when they were set on other code.
    pub fn steps(&self, example: &ExampleKey) -> Vec<u64> {
        match self.0.get(&example.lesson).and_then(|lesson| lesson.get(&example.index)) {
            Some(marks) if marks.code_hash == example.code_hash => marks.steps.iter().copied().collect(),
            _ => Vec::new(),
        }
    }

    /// Bookmarks `step` of the example, or clears it if it was; `true` if it is bookmarked now.
    pub fn toggle(&mut self, example: &ExampleKey, step: u64) -> bool {
        let marks = self.0.entry(example.lesson.clone()).or_default().entry(example.index).or_default();
        if marks.code_hash != example.code_hash {
            *marks = ExampleBookmarks { code_hash: example.code_hash.clone(), steps: BTreeSet::new() };
        }
        if marks.steps.remove(&step) {
            if marks.steps.is_empty() {
                self.forget(example);
            }
            false
        } else if marks.steps.len() < MAX_PER_EXAMPLE {
            marks.steps.insert(step)
        } else {
            false
        }
    }

    /// Drops an example's entry (and its lesson's, once empty).
    fn forget(&mut self, example: &ExampleKey) {
        if let Some(lesson) = self.0.get_mut(&example.lesson) {
            lesson.remove(&example.index);
            if lesson.is_empty() {
                self.0.remove(&example.lesson);
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A damaged bookmarks entry (wrong types, say) costs the bookmarks, not the whole settings file
/// being set aside.
pub fn bookmarks_or_empty<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Bookmarks, D::Error> {
    let value = Value::deserialize(deserializer)?;
    Ok(serde_json::from_value(value).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::time::Instant;

    use super::super::settings::SettingsStore;
    use super::super::test_support::temp_store;
    use super::*;

    #[test]
    fn toggling_adds_and_removes_a_step() {
        let mut bookmarks = Bookmarks::default();
        let loop_example = ExampleKey::new("loops", 1, "for i in range(3):\n    print(i)\n");
        assert!(bookmarks.toggle(&loop_example, 4));
        assert!(bookmarks.toggle(&loop_example, 2));
        assert_eq!(bookmarks.steps(&loop_example), vec![2, 4]);
        assert!(!bookmarks.toggle(&loop_example, 4));
        assert_eq!(bookmarks.steps(&loop_example), vec![2]);
        assert!(!bookmarks.toggle(&loop_example, 2));
        assert!(bookmarks.is_empty(), "nothing left behind: {bookmarks:?}");
    }

    #[test]
    fn examples_are_kept_apart_and_edited_code_drops_its_old_bookmarks() {
        let mut bookmarks = Bookmarks::default();
        let first = ExampleKey::new("loops", 0, "x = 1\n");
        let second = ExampleKey::new("loops", 1, "y = 2\n");
        let other_lesson = ExampleKey::new("lists", 0, "x = 1\n");
        bookmarks.toggle(&first, 1);
        bookmarks.toggle(&second, 3);
        bookmarks.toggle(&other_lesson, 5);
        assert_eq!(bookmarks.steps(&first), vec![1]);
        assert_eq!(bookmarks.steps(&second), vec![3]);
        assert_eq!(bookmarks.steps(&other_lesson), vec![5]);

        let edited = ExampleKey::new("loops", 0, "x = 1\nx += 1\n");
        assert!(bookmarks.steps(&edited).is_empty(), "set on other code");
        bookmarks.toggle(&edited, 2);
        assert_eq!(bookmarks.steps(&edited), vec![2]);
        assert!(bookmarks.steps(&first).is_empty(), "replaced by the edited code's");
    }

    #[test]
    fn the_hash_is_stable() {
        assert_eq!(code_hash(""), "cbf29ce484222325");
        assert_eq!(code_hash("a"), "af63dc4c8601ec8c");
        assert_ne!(code_hash("x = 1\n"), code_hash("x = 2\n"));
    }

    #[test]
    fn bookmarks_are_saved_with_the_settings_and_survive_damage_elsewhere() {
        let (_guard, paths) = temp_store();
        let example = ExampleKey::new("loops", 2, "total = 0\n");
        let mut store = SettingsStore::open(&paths);
        store.edit(Instant::now()).presenter_bookmarks.toggle(&example, 7);
        store.flush().expect("settings save");
        let reopened = SettingsStore::open(&paths);
        assert_eq!(reopened.get().presenter_bookmarks.steps(&example), vec![7]);
        let text = fs::read_to_string(paths.settings_path()).expect("settings file");
        assert!(text.contains("\"presenter_bookmarks\""), "{text}");

        // Bookmarks of the wrong shape are dropped; the rest of the settings load.
        let damaged = r#"{"schema_version": 1, "zoom_factor": 1.5, "presenter_bookmarks": {"loops": [1, 2]}}"#;
        fs::write(paths.settings_path(), damaged).expect("write settings");
        let mut reopened = SettingsStore::open(&paths);
        assert_eq!(reopened.get().zoom_factor, 1.5);
        assert!(reopened.get().presenter_bookmarks.is_empty());
        assert!(reopened.drain_warnings().is_empty(), "nothing was set aside");
    }
}
