//! The blocks that complete a predict (`choices`, `answer`) or an exercise (`check`, `hint`,
//! `solution`), and the check that nothing required is missing once the predict or exercise ends
//! (at the next example, predict or exercise, at the next section, or at the end of the file).

use super::assemble::SectionBuilder;
use super::error::LessonError;
use super::info_string::Role;
use super::model::Part;
use super::scan::RoleBlock;
use super::text::normalize_output;

/// The last predict or exercise of a section. Its part is already in the section's `parts` at
/// `part_index`; companion blocks fill it in.
pub(super) struct OpenBlock {
    pub part_index: usize,
    pub line: u32,
    pub seen: Companions,
}

/// Which companion blocks the open predict or exercise has received.
#[derive(Default)]
pub(super) struct Companions {
    choices_line: Option<u32>,
    answer: bool,
    check: bool,
    solution: bool,
}

/// Ends the open predict or exercise, checking it got the companion blocks it needs.
pub(super) fn close_open_block(file: &str, section: &mut SectionBuilder) -> Result<(), LessonError> {
    let Some(open) = section.open.take() else {
        return Ok(());
    };
    match section.parts.get(open.part_index) {
        Some(Part::Predict(predict)) => {
            if !open.seen.answer {
                return Err(LessonError::at_line(
                    file,
                    open.line,
                    "this `predict` block has no `answer` block after it (```text answer)",
                ));
            }
            if let (Some(choices), Some(choices_line)) = (&predict.choices, open.seen.choices_line)
                && !choices.contains(&normalize_output(&predict.answer))
            {
                return Err(LessonError::at_line(file, choices_line, "`choices` does not contain the answer"));
            }
        }
        Some(Part::Exercise(exercise)) => {
            for (seen, role) in [(open.seen.check, "check"), (open.seen.solution, "solution")] {
                if !seen {
                    return Err(LessonError::at_line(
                        file,
                        open.line,
                        format!("exercise `{}` has no `{role}` block after it (```python {role})", exercise.id),
                    ));
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// A `choices` or `answer` block.
pub(super) fn add_predict_companion(
    file: &str,
    section: &mut SectionBuilder,
    block: RoleBlock,
) -> Result<(), LessonError> {
    let error = |message: String| LessonError::at_line(file, block.line, message);
    let open_predict = section.open.as_mut().and_then(|open| match section.parts.get_mut(open.part_index) {
        Some(Part::Predict(predict)) => Some((open, predict)),
        _ => None,
    });
    let Some((open, predict)) = open_predict else {
        let article = if block.role == Role::Answer { "an" } else { "a" };
        return Err(error(format!("{article} `{}` block must follow a `predict` block", block.role.name())));
    };
    let already = |what: &str| error(format!("the `predict` block at line {} already has {what}", open.line));
    if block.role == Role::Answer {
        if open.seen.answer {
            return Err(already("an `answer` block"));
        }
        open.seen.answer = true;
        predict.answer = block.code;
        predict.answer_line = block.line;
        return Ok(());
    }
    if open.seen.choices_line.is_some() {
        return Err(already("a `choices` block"));
    }
    let mut choices: Vec<String> = Vec::new();
    for choice in block.code.lines().map(str::trim_end).filter(|c| !c.is_empty()) {
        if choices.iter().any(|seen| seen == choice) {
            return Err(error(format!("choice `{choice}` is listed twice")));
        }
        choices.push(choice.to_owned());
    }
    if choices.len() < 2 {
        return Err(error("a `choices` block needs at least two choices, one per line".to_owned()));
    }
    open.seen.choices_line = Some(block.line);
    predict.choices = Some(choices);
    Ok(())
}

/// A `check`, `hint` or `solution` block.
pub(super) fn add_exercise_companion(
    file: &str,
    section: &mut SectionBuilder,
    block: RoleBlock,
) -> Result<(), LessonError> {
    let role = block.role;
    let error = |message: String| LessonError::at_line(file, block.line, message);
    let open_exercise = section.open.as_mut().and_then(|open| match section.parts.get_mut(open.part_index) {
        Some(Part::Exercise(exercise)) => Some((open, exercise)),
        _ => None,
    });
    let Some((open, exercise)) = open_exercise else {
        return Err(error(format!("a `{}` block must follow an `exercise` block", role.name())));
    };
    if block.code.trim().is_empty() {
        return Err(error(format!("this `{}` block is empty", role.name())));
    }
    let seen = match role {
        Role::Check => &mut open.seen.check,
        Role::Solution => &mut open.seen.solution,
        _ => {
            exercise.hints.push(block.code);
            return Ok(());
        }
    };
    if *seen {
        return Err(error(format!("exercise `{}` already has a `{}` block", exercise.id, role.name())));
    }
    *seen = true;
    if role == Role::Check {
        exercise.check = block.code;
        exercise.check_line = block.line;
    } else {
        exercise.solution = block.code;
        exercise.solution_line = block.line;
    }
    Ok(())
}
