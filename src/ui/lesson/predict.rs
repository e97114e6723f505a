//! A `predict` block: the code, the learner's answer (typed, or picked from `choices`), Check my
//! prediction, and the verdict with the real output next to the answer.

use egui::{RichText, TextEdit, Ui};

use super::Waiting;
use super::code::{block_frame, block_title, code_frame, code_view, verdict_line};
use super::page::Env;
use super::state::{PredictState, Verdict};
use crate::lessons::Predict;
use crate::ui::commands::Command;
use crate::ui::theme::{self, Palette, space};

pub fn show(ui: &mut Ui, lesson: &str, index: usize, predict: &Predict, state: &mut PredictState, env: &mut Env<'_>) {
    let label = format!("Prediction {}", index + 1);
    block_frame(ui, &label, block_title(ui, "Predict the output"), state.verdict.is_some(), |ui| {
        code_view(ui, ("predict", lesson, index), &predict.code, "py");
        ui.label("What will it print?");
        match &predict.choices {
            Some(choices) => {
                for choice in choices {
                    let selected = state.text == *choice;
                    if ui.radio(selected, RichText::new(choice).font(theme::code_font())).clicked() {
                        state.text.clone_from(choice);
                    }
                }
            }
            None => {
                ui.add(
                    TextEdit::multiline(&mut state.text)
                        .id_salt(("prediction", lesson, index))
                        .font(theme::code_font())
                        .hint_text("Type the output you expect, line by line")
                        .desired_rows(2)
                        .desired_width(f32::INFINITY),
                )
                .accessible_name("Your prediction");
            }
        }
        let waiting = env.busy && env.waiting == Some(&Waiting::Predict(lesson.to_owned(), index));
        ui.horizontal_wrapped(|ui| {
            let has_answer = !state.text.trim().is_empty();
            let check = ui
                .add_enabled(env.can_run && has_answer, egui::Button::new("Check my prediction"))
                .on_hover_text("Load this code into the editor, run it, and compare its output with your answer")
                .on_disabled_hover_text(if has_answer {
                    "Wait for the running program to end"
                } else {
                    "Write or pick your answer first"
                });
            if check.clicked() {
                state.submitted = Some(state.text.clone());
                state.problem = None;
                env.out.push(Command::CheckPrediction { lesson: lesson.to_owned(), index, code: predict.code.clone() });
            }
            if waiting {
                ui.spinner();
                ui.weak("running…");
            }
        });
        let palette = Palette::of(ui);
        if let Some(problem) = &state.problem {
            ui.label(RichText::new(problem).color(palette.warn));
        }
        if let Some(verdict) = &state.verdict {
            show_verdict(ui, verdict);
        }
    });
}

fn show_verdict(ui: &mut Ui, verdict: &Verdict) {
    ui.add_space(space::ITEM / 2.0);
    let text = if verdict.correct {
        "Right! The real output matches your prediction."
    } else {
        "Not quite: the real output differs from your prediction."
    };
    verdict_line(ui, verdict.correct, text);
    match &verdict.output {
        Some(output) => {
            let wide = ui.available_width() >= space::LESSON_SIDE_BY_SIDE_WIDTH;
            if wide {
                ui.columns(2, |columns| {
                    output_box(&mut columns[0], "Your prediction", &verdict.answer);
                    output_box(&mut columns[1], "Real output", output);
                });
            } else {
                output_box(ui, "Your prediction", &verdict.answer);
                output_box(ui, "Real output", output);
            }
        }
        None => {
            output_box(ui, "Your prediction", &verdict.answer);
        }
    }
    if let Some(note) = &verdict.note {
        ui.weak(note);
    }
    if !verdict.correct {
        ui.weak("Step through the code (F10) and watch the panels to see why.");
    }
}

/// A titled monospace box; `text` is shown as is (an empty output says so).
fn output_box(ui: &mut Ui, title: &str, text: &str) {
    ui.vertical(|ui| {
        ui.label(RichText::new(title).small().strong());
        let shown = text.trim_end();
        let body = if shown.is_empty() {
            RichText::new("(nothing)").italics().weak()
        } else {
            RichText::new(shown).font(theme::code_font()).color(Palette::of(ui).stdout)
        };
        code_frame(ui, |ui| {
            ui.add(egui::Label::new(body).wrap()).on_hover_text(title);
        });
    });
}
