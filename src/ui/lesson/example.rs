//! An `example` block: the code, Load / Run / Step through, and its chart after a run.

use egui::Ui;

use super::code::{block_frame, block_title, code_view};
use super::page::Env;
use super::{Waiting, plot};
use crate::lessons::Example;
use crate::ui::commands::{Command, LessonEvent, LessonRun};

pub fn show(ui: &mut Ui, lesson: &str, index: usize, example: &Example, env: &mut Env<'_>) {
    let label = format!("Example {}", index + 1);
    block_frame(ui, &label, block_title(ui, "Example"), false, |ui| {
        code_view(ui, ("example", lesson, index), &example.code, "py");
        let running = env.busy && env.waiting == Some(&Waiting::Example(lesson.to_owned(), index));
        ui.horizontal_wrapped(|ui| {
            if ui.button("Load").on_hover_text("Put this code into the editor (it does not run)").clicked() {
                env.out.push(Command::LoadCode { code: example.code.clone(), run: None });
            }
            let run = ui
                .add_enabled(env.can_run, egui::Button::new("Run"))
                .on_hover_text("Put this code into the editor and run it")
                .on_disabled_hover_text("Wait for the running program to end");
            if run.clicked() {
                push_run(env, lesson, index, example, false);
            }
            let step_help = match example.start_line {
                Some(line) => format!("Run it, then show the first step on line {line}"),
                None => "Run it, then show its first step; step on with F10".to_owned(),
            };
            let step = ui
                .add_enabled(env.can_run, egui::Button::new("Step through"))
                .on_hover_text(step_help)
                .on_disabled_hover_text("Wait for the running program to end");
            if step.clicked() {
                push_run(env, lesson, index, example, true);
            }
            if running {
                ui.spinner();
                ui.weak("running…");
            }
        });
        if let Some(kind) = example.plot {
            match env.plots.get(&(lesson.to_owned(), index)) {
                Some(data) if !data.is_empty() => {
                    plot::show(ui, ui.scope_id().with(("plot", lesson, index)), kind, data);
                }
                Some(_) => {
                    ui.weak("The run printed no PLOT lines to draw.");
                }
                None => {
                    ui.weak("Run it to draw its chart here.");
                }
            }
        }
    });
}

fn push_run(env: &mut Env<'_>, lesson: &str, index: usize, example: &Example, step_through: bool) {
    let timeout_ms = (example.timeout_secs * 1000.0).clamp(1.0, 86_400_000.0) as u64;
    let run = LessonRun::Example {
        lesson: lesson.to_owned(),
        index,
        timeout_ms,
        step_through,
        start_line: example.start_line,
    };
    env.out.push(Command::LoadCode { code: example.code.clone(), run: Some(run) });
    env.out.push(Command::Lesson(LessonEvent::ExampleRun { lesson: lesson.to_owned(), index }));
}
