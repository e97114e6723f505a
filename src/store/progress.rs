//! What the learner has done, lesson by lesson, and where they left off (`progress.json`).

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::time::SystemTime;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use super::json_document::JsonDocument;
use super::paths::LessonId;
use super::timestamp::unix_seconds;
use super::versioned::VersionedJson;

/// `progress.json`, loaded, autosaved and merged with other windows' saves.
pub type ProgressStore = JsonDocument<Progress>;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Progress {
    pub lessons: BTreeMap<LessonId, LessonProgress>,
    #[serde(deserialize_with = "left_off_or_none")]
    pub left_off: Option<LeftOff>,
}

/// A damaged "left off" entry (say, without `lesson_id`) only costs the reading position, not
/// the whole progress file being set aside.
fn left_off_or_none<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<LeftOff>, D::Error> {
    let value = Value::deserialize(deserializer)?;
    Ok(serde_json::from_value(value).ok())
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LessonProgress {
    pub visited: bool,
    pub completed: bool,
    /// Example index (in lesson order) -> how many times it was run.
    pub example_runs: BTreeMap<usize, u32>,
    /// Predict block index -> the learner's latest answer.
    pub predictions: BTreeMap<usize, PredictionAnswer>,
    /// Exercise id -> the code that first passed.
    pub exercises_passed: BTreeMap<String, PassedExercise>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PredictionAnswer {
    pub answer: String,
    pub correct: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PassedExercise {
    pub code: String,
    pub passed_at_unix_secs: u64,
}

/// Where the learner left off, to reopen pyxray in the same place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeftOff {
    pub lesson_id: LessonId,
    #[serde(default)]
    pub scroll_offset: f32,
    #[serde(default)]
    pub editor_code: String,
    /// The step shown when stepping through code, if the learner was.
    #[serde(default)]
    pub step_index: Option<usize>,
}

impl LeftOff {
    pub fn at_lesson(lesson_id: LessonId) -> Self {
        Self { lesson_id, scroll_offset: 0.0, editor_code: String::new(), step_index: None }
    }
}

// Every mutator returns whether it changed anything, to pass to `ProgressStore::update`.
impl Progress {
    pub fn lesson(&self, lesson: &LessonId) -> Option<&LessonProgress> {
        self.lessons.get(lesson)
    }

    fn lesson_mut(&mut self, lesson: &LessonId) -> &mut LessonProgress {
        self.lessons.entry(lesson.clone()).or_default()
    }

    pub fn mark_visited(&mut self, lesson: &LessonId) -> bool {
        !std::mem::replace(&mut self.lesson_mut(lesson).visited, true)
    }

    pub fn mark_completed(&mut self, lesson: &LessonId) -> bool {
        !std::mem::replace(&mut self.lesson_mut(lesson).completed, true)
    }

    pub fn record_example_run(&mut self, lesson: &LessonId, example_index: usize) -> bool {
        let runs = self.lesson_mut(lesson).example_runs.entry(example_index).or_default();
        *runs = runs.saturating_add(1);
        true
    }

    pub fn record_prediction(&mut self, lesson: &LessonId, predict_index: usize, answer: &str, correct: bool) -> bool {
        let new = PredictionAnswer { answer: answer.to_owned(), correct };
        let predictions = &mut self.lesson_mut(lesson).predictions;
        predictions.insert(predict_index, new.clone()) != Some(new)
    }

    /// Keeps the first passing solution of each exercise.
    pub fn record_exercise_pass(
        &mut self,
        lesson: &LessonId,
        exercise_id: &str,
        code: &str,
        passed_at: SystemTime,
    ) -> bool {
        let exercises = &mut self.lesson_mut(lesson).exercises_passed;
        if exercises.contains_key(exercise_id) {
            return false;
        }
        let passed = PassedExercise { code: code.to_owned(), passed_at_unix_secs: unix_seconds(passed_at) };
        exercises.insert(exercise_id.to_owned(), passed);
        true
    }

    pub fn set_left_off(&mut self, left_off: LeftOff) -> bool {
        if self.left_off.as_ref() == Some(&left_off) {
            return false;
        }
        self.left_off = Some(left_off);
        true
    }

    /// Adds everything recorded in `other` that `self` lacks; never removes anything. Flags are
    /// or-ed, run counts take the larger, answers and `left_off` already in `self` win, and of
    /// two passing solutions the earlier is kept.
    pub fn merge_from(&mut self, other: Progress) {
        for (lesson, theirs) in other.lessons {
            let ours = self.lesson_mut(&lesson);
            ours.visited |= theirs.visited;
            ours.completed |= theirs.completed;
            for (index, runs) in theirs.example_runs {
                let our_runs = ours.example_runs.entry(index).or_default();
                *our_runs = (*our_runs).max(runs);
            }
            for (index, answer) in theirs.predictions {
                ours.predictions.entry(index).or_insert(answer);
            }
            for (exercise, passed) in theirs.exercises_passed {
                match ours.exercises_passed.entry(exercise) {
                    Entry::Vacant(slot) => {
                        slot.insert(passed);
                    }
                    Entry::Occupied(mut kept) => {
                        if passed.passed_at_unix_secs < kept.get().passed_at_unix_secs {
                            kept.insert(passed);
                        }
                    }
                }
            }
        }
        if self.left_off.is_none() {
            self.left_off = other.left_off;
        }
    }
}

impl VersionedJson for Progress {
    const FILE_NAME: &'static str = "progress.json";
    const DESCRIPTION: &'static str = "progress";
    const SCHEMA_VERSION: u64 = 1;

    fn upgrade_from(version: u64, object: &mut Map<String, Value>) -> Result<(), String> {
        match version {
            0 => upgrade_from_version_0(object),
            _ => Err(format!("no upgrade is known from version {version}")),
        }
    }

    fn sanitize(&mut self) -> Vec<String> {
        let mut adjustments = Vec::new();
        if let Some(left_off) = &mut self.left_off
            && !left_off.scroll_offset.is_finite()
        {
            adjustments
                .push(format!("the scroll position {} is not a number; starting at the top", left_off.scroll_offset));
            left_off.scroll_offset = 0.0;
        }
        adjustments
    }

    /// Another window saved progress meanwhile: keep what both windows recorded.
    fn absorb_concurrent_change(&mut self, on_disk: Self) {
        self.merge_from(on_disk);
    }
}

/// Version 0 (the first releases, no `schema_version`) kept two lists of lesson ids and the
/// last lesson: `{"visited": [..], "completed": [..], "last_lesson": ".."}`.
fn upgrade_from_version_0(object: &mut Map<String, Value>) -> Result<(), String> {
    let mut lessons = match object.remove("lessons") {
        None => Map::new(),
        Some(Value::Object(lessons)) => lessons,
        Some(other) => return Err(format!("\"lessons\" should be an object, not {other}")),
    };
    for flag in ["visited", "completed"] {
        let Some(list) = object.remove(flag) else {
            continue;
        };
        let Value::Array(ids) = list else {
            return Err(format!("\"{flag}\" should be a list of lesson ids"));
        };
        for id in ids {
            let Value::String(id) = id else {
                return Err(format!("\"{flag}\" should contain only lesson ids, not {id}"));
            };
            let entry = lessons.entry(id).or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(lesson) = entry {
                lesson.insert(flag.to_owned(), Value::Bool(true));
            }
        }
    }
    object.insert("lessons".to_owned(), Value::Object(lessons));
    if let Some(last_lesson) = object.remove("last_lesson") {
        let left_off = serde_json::json!({ "lesson_id": last_lesson });
        object.entry("left_off").or_insert(left_off);
    }
    Ok(())
}

#[cfg(test)]
#[path = "progress_tests.rs"]
mod tests;
