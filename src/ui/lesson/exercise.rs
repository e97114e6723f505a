//! An `exercise` block: the starter code, Load starter, Check (the editor's code followed by the
//! exercise's check), hints one at a time, and the solution behind a confirmation.

use egui::{RichText, Ui};

use super::Waiting;
use super::code::{block_frame, block_title, code_view, markdown, verdict_line};
use super::page::Env;
use super::state::{ExerciseCheck, ExerciseState};
use crate::lessons::Exercise;
use crate::ui::commands::Command;
use crate::ui::theme::{self, Palette, space};

pub fn show(ui: &mut Ui, lesson: &str, exercise: &Exercise, state: &mut ExerciseState, env: &mut Env<'_>) {
    let palette = Palette::of(ui);
    let label = format!("Exercise {}", exercise.id);
    let title = if state.passed {
        RichText::new("Exercise passed").strong().color(palette.ok)
    } else {
        block_title(ui, "Exercise")
    };
    block_frame(ui, &label, title, state.passed, |ui| {
        ui.label(RichText::new("Starter code").small());
        code_view(ui, ("exercise", lesson, &exercise.id), &exercise.starter, "py");
        let waiting = env.busy && env.waiting == Some(&Waiting::Exercise(lesson.to_owned(), exercise.id.clone()));
        ui.horizontal_wrapped(|ui| {
            if ui
                .button("Load starter")
                .on_hover_text("Put the starter code into the editor, to work on it there")
                .clicked()
            {
                env.out.push(Command::LoadCode { code: exercise.starter.clone(), run: None });
            }
            let check = ui
                .add_enabled(env.can_run, egui::Button::new("Check"))
                .on_hover_text("Run the code in the editor followed by this exercise's check")
                .on_disabled_hover_text("Wait for the running program to end");
            if check.clicked() {
                env.out.push(Command::CheckExercise {
                    lesson: lesson.to_owned(),
                    exercise: exercise.id.clone(),
                    check: exercise.check.clone(),
                });
            }
            if waiting {
                ui.spinner();
                ui.weak("checking…");
            }
        });
        match &state.last_check {
            Some(ExerciseCheck::Passed) => verdict_line(ui, true, "Passed: your code passes every check."),
            Some(ExerciseCheck::Failed(failure)) => {
                verdict_line(ui, false, "Not yet. The check says:");
                ui.label(RichText::new(&failure.error).font(theme::code_font()).color(palette.error));
                if let Some(place) = &failure.place {
                    ui.label(RichText::new(format!("at {place}")).color(palette.weak));
                }
                if let Some(source) = &failure.check_source {
                    code_view(ui, ("failed_check", lesson, &exercise.id), source, "py");
                }
            }
            None => {}
        }
        hints(ui, exercise, state, env);
        solution(ui, exercise, state, env);
    });
}

fn hints(ui: &mut Ui, exercise: &Exercise, state: &mut ExerciseState, env: &mut Env<'_>) {
    let total = exercise.hints.len();
    if total == 0 {
        return;
    }
    state.hints_shown = state.hints_shown.min(total);
    for (number, hint) in exercise.hints.iter().take(state.hints_shown).enumerate() {
        ui.add_space(space::ITEM / 2.0);
        ui.label(RichText::new(format!("Hint {}", number + 1)).small().strong());
        markdown(ui, env.markdown, hint);
    }
    if state.hints_shown < total {
        let text = format!("Show a hint ({} of {total})", state.hints_shown + 1);
        if ui.button(text).on_hover_text("One hint at a time: try again after each").clicked() {
            state.hints_shown += 1;
        }
    }
}

fn solution(ui: &mut Ui, exercise: &Exercise, state: &mut ExerciseState, env: &mut Env<'_>) {
    if exercise.solution.trim().is_empty() {
        return;
    }
    ui.add_space(space::ITEM / 2.0);
    if state.solution_shown {
        ui.label(RichText::new("Solution").small().strong());
        code_view(ui, ("solution", &exercise.id), &exercise.solution, "py");
        if ui.button("Load solution").on_hover_text("Put the solution into the editor").clicked() {
            env.out.push(Command::LoadCode { code: exercise.solution.clone(), run: None });
        }
    } else if state.confirming_solution {
        ui.label("You learn more from a struggle than from reading an answer. Show the solution anyway?");
        ui.horizontal_wrapped(|ui| {
            if ui.button("Yes, show the solution").clicked() {
                state.solution_shown = true;
                state.confirming_solution = false;
            }
            if ui.button("Not yet").clicked() {
                state.confirming_solution = false;
            }
        });
    } else if ui.button("Show solution").on_hover_text("Asks first: try the hints before the answer").clicked() {
        state.confirming_solution = true;
    }
}
