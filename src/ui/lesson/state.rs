//! What the learner has done in each lesson during this session (and what progress restored): their
//! predictions and the verdicts, exercise checks, hints shown. Pure logic, no drawing.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::lessons::normalize_output;
use crate::store::Progress;
use crate::trace::{Outcome, RunEnd};

/// Everything the pane remembers about the learner, by lesson id.
#[derive(Default)]
pub struct Activity {
    lessons: HashMap<String, LessonActivity>,
}

impl Activity {
    pub fn lesson_mut(&mut self, id: &str) -> &mut LessonActivity {
        self.lessons.entry(id.to_owned()).or_default()
    }

    pub fn is_completed(&self, id: &str) -> bool {
        self.lessons.get(id).is_some_and(|lesson| lesson.completed)
    }

    /// Takes in what the progress store remembers: completed lessons, answered predictions and passed
    /// exercises. What this session already knows is kept.
    pub fn restore(&mut self, progress: &Progress) {
        for (id, saved) in &progress.lessons {
            let lesson = self.lesson_mut(id.as_str());
            lesson.completed |= saved.completed;
            for (index, answer) in &saved.predictions {
                let predict = lesson.predicts.entry(*index).or_default();
                if predict.verdict.is_none() {
                    predict.text.clone_from(&answer.answer);
                    predict.verdict = Some(Verdict {
                        answer: answer.answer.clone(),
                        output: None,
                        correct: answer.correct,
                        note: None,
                    });
                }
            }
            for exercise in saved.exercises_passed.keys() {
                lesson.exercises.entry(exercise.clone()).or_default().passed = true;
            }
        }
    }
}

#[derive(Default)]
pub struct LessonActivity {
    pub completed: bool,
    /// By predict index.
    pub predicts: BTreeMap<usize, PredictState>,
    /// By exercise id.
    pub exercises: HashMap<String, ExerciseState>,
}

impl LessonActivity {
    /// Every predict answered and every exercise passed (a lesson with neither is done once read).
    pub fn all_done(&self, predicts: usize, exercises: &[String]) -> bool {
        let answered: HashSet<usize> =
            self.predicts.iter().filter(|(_, state)| state.verdict.is_some()).map(|(index, _)| *index).collect();
        (0..predicts).all(|index| answered.contains(&index))
            && exercises.iter().all(|id| self.exercises.get(id).is_some_and(|state| state.passed))
    }
}

#[derive(Default)]
pub struct PredictState {
    /// The text box, or the chosen line when the predict has choices.
    pub text: String,
    /// The answer as it was when Check was pressed (the box may change while the code runs).
    pub submitted: Option<String>,
    pub verdict: Option<Verdict>,
    /// Why the last check gave no verdict (the run was stopped, or could not start).
    pub problem: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub answer: String,
    /// The real output; `None` when the verdict was restored from saved progress.
    pub output: Option<String>,
    pub correct: bool,
    /// How the run ended, when it did not simply finish.
    pub note: Option<String>,
}

/// The verdict on a prediction, or why there is none (a run cut short says nothing about the output).
pub fn judge_prediction(answer: &str, end: &RunEnd, stdout: &str) -> Result<Verdict, String> {
    if end.outcome.was_cut_short() || end.outcome == Outcome::SyntaxError {
        return Err(format!("The code did not run to its end ({}). Try again.", end_text(end)));
    }
    let note = (end.outcome != Outcome::Finished).then(|| format!("The run ended with {}.", end_text(end)));
    Ok(Verdict {
        answer: answer.to_owned(),
        output: Some(stdout.to_owned()),
        correct: normalize_output(answer) == normalize_output(stdout),
        note,
    })
}

#[derive(Default)]
pub struct ExerciseState {
    pub passed: bool,
    /// The result of the last Check.
    pub last_check: Option<ExerciseCheck>,
    pub hints_shown: usize,
    pub confirming_solution: bool,
    pub solution_shown: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExerciseCheck {
    Passed,
    Failed(Failure),
}

/// Why a check failed, ready to show.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Failure {
    /// "AssertionError: rows are shared", or why the check could not run.
    pub error: String,
    /// "line 2 of your code", "line 5 of the check".
    pub place: Option<String>,
    /// The check's line that failed.
    pub check_source: Option<String>,
}

impl Failure {
    pub fn new(error: impl Into<String>) -> Self {
        Failure { error: error.into(), ..Failure::default() }
    }
}

/// The result of running the learner's `code` followed by the exercise's `check` (the program's
/// lines are the code's, then the check's; see `combined_program`).
pub fn judge_exercise(code: &str, check: &str, end: &RunEnd) -> ExerciseCheck {
    if end.outcome == Outcome::Finished {
        return ExerciseCheck::Passed;
    }
    let mut failure = Failure::new(end_text(end));
    if let Some(line) = end.line
        && line > 0
    {
        let code_lines = u32::try_from(code.matches('\n').count()).unwrap_or(u32::MAX).saturating_add(1);
        if line <= code_lines {
            failure.place = Some(format!("line {line} of your code"));
        } else {
            let check_line = line - code_lines;
            failure.place = Some(format!("line {check_line} of the check"));
            failure.check_source = usize::try_from(check_line - 1)
                .ok()
                .and_then(|index| check.lines().nth(index))
                .map(|source| source.trim().to_owned());
        }
    }
    ExerciseCheck::Failed(failure)
}

/// "ZeroDivisionError: division by zero", or the outcome's name when the run gave no message.
fn end_text(end: &RunEnd) -> String {
    let message = end.message.trim();
    if message.is_empty() { end.outcome.as_str().replace('_', " ") } else { message.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ended(outcome: Outcome, message: &str, line: Option<u32>) -> RunEnd {
        let mut end = RunEnd::new(outcome, message);
        end.line = line;
        end
    }

    #[test]
    fn predictions_compare_normalized_output() {
        let end = ended(Outcome::Finished, "finished", None);
        let verdict = judge_prediction("[1, 2]  \n", &end, "[1, 2]\n\n").unwrap_or_else(|e| panic!("{e}"));
        assert!(verdict.correct);
        assert_eq!(verdict.note, None);
        let wrong = judge_prediction("[1]", &end, "[1, 2]\n").unwrap_or_else(|e| panic!("{e}"));
        assert!(!wrong.correct);
        assert_eq!(wrong.output.as_deref(), Some("[1, 2]\n"));
    }

    #[test]
    fn a_run_cut_short_gives_no_verdict() {
        let end = ended(Outcome::TimeLimit, "stopped after 10.0 s", None);
        let problem = judge_prediction("x", &end, "").err().unwrap_or_default();
        assert!(problem.contains("stopped after 10.0 s"), "{problem}");
        let exception = ended(Outcome::Exception, "ValueError: no", Some(2));
        let verdict = judge_prediction("1", &exception, "1\n").unwrap_or_else(|e| panic!("{e}"));
        assert!(verdict.correct);
        assert!(verdict.note.unwrap_or_default().contains("ValueError"));
    }

    #[test]
    fn exercise_failures_say_where() {
        let code = "def f():\n    return 1\n";
        let check = "assert f() == 1\nassert f() == 2\n";
        assert_eq!(judge_exercise(code, check, &ended(Outcome::Finished, "finished", None)), ExerciseCheck::Passed);
        // The program is the code (3 lines, the last empty), then the check.
        let failed = judge_exercise(code, check, &ended(Outcome::Exception, "AssertionError", Some(5)));
        let expected = Failure {
            error: "AssertionError".into(),
            place: Some("line 2 of the check".into()),
            check_source: Some("assert f() == 2".into()),
        };
        assert_eq!(failed, ExerciseCheck::Failed(expected));
        let in_code =
            judge_exercise(code, check, &ended(Outcome::Exception, "NameError: name 'g' is not defined", Some(2)));
        let expected = Failure {
            error: "NameError: name 'g' is not defined".into(),
            place: Some("line 2 of your code".into()),
            check_source: None,
        };
        assert_eq!(in_code, ExerciseCheck::Failed(expected));
    }

    #[test]
    fn saved_progress_comes_back_as_verdicts_and_ticks() {
        let id = crate::store::LessonId::parse("names").unwrap_or_else(|e| panic!("{e}"));
        let mut progress = Progress::default();
        progress.mark_completed(&id);
        progress.record_prediction(&id, 1, "[1, 2]", true);
        progress.record_exercise_pass(&id, "swap", "def swap(p): ...", std::time::SystemTime::now());
        let mut activity = Activity::default();
        activity.restore(&progress);
        assert!(activity.is_completed("names"));
        let lesson = activity.lesson_mut("names");
        let verdict = lesson.predicts.get(&1).and_then(|p| p.verdict.clone());
        assert_eq!(verdict, Some(Verdict { answer: "[1, 2]".into(), output: None, correct: true, note: None }));
        assert!(lesson.exercises.get("swap").is_some_and(|e| e.passed));
        assert!(!activity.is_completed("other"));
    }

    #[test]
    fn a_lesson_is_done_when_every_predict_is_answered_and_every_exercise_passed() {
        let mut lesson = LessonActivity::default();
        let exercises = vec!["a".to_owned()];
        assert!(!lesson.all_done(1, &exercises));
        lesson.predicts.entry(0).or_default().verdict =
            Some(Verdict { answer: "x".into(), output: None, correct: false, note: None });
        assert!(!lesson.all_done(1, &exercises));
        lesson.exercises.entry("a".into()).or_default().passed = true;
        assert!(lesson.all_done(1, &exercises));
        assert!(LessonActivity::default().all_done(0, &[]));
    }
}
