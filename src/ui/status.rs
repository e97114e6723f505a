//! The status bar: the embedded Python's version, the worker's state, the last run's outcome and
//! any notice from the engine.

use egui::{RichText, Ui};

use super::Command;
use super::model::Model;
use super::theme::Palette;
use crate::engine::WorkerState;
use crate::trace::Outcome;

#[derive(Default)]
pub struct StatusBar;

impl StatusBar {
    pub fn ui(&mut self, ui: &mut Ui, model: &Model) -> Vec<Command> {
        let palette = Palette::of(ui);
        ui.horizontal(|ui| {
            let python = match &model.python_version {
                Some(version) => format!("Python {version}"),
                None => "Python (starting)".to_owned(),
            };
            ui.label(python).on_hover_text("The Python embedded in pyxray");
            ui.separator();

            let state_color = match model.worker {
                WorkerState::Idle => palette.ok,
                WorkerState::Running | WorkerState::WaitingForInput | WorkerState::Starting => palette.warn,
                WorkerState::Failed => palette.error,
            };
            ui.label(RichText::new(format!("worker: {}", model.worker.describe())).color(state_color))
                .on_hover_text("The Python worker process that runs your program");
            ui.separator();

            match (&model.end, model.outcome_text()) {
                (Some(end), Some(text)) => {
                    let color = match end.outcome {
                        Outcome::Finished => palette.ok,
                        Outcome::Exit if end.exit_code == Some(0) => palette.ok,
                        outcome if outcome.was_cut_short() => palette.warn,
                        _ => palette.error,
                    };
                    ui.label(RichText::new(text).color(color)).on_hover_text("How the last run ended");
                }
                _ if model.is_recording() => {
                    ui.label(RichText::new("running...").color(palette.warn));
                }
                _ => {
                    ui.label(RichText::new("not run yet").color(palette.weak));
                }
            }

            if let Some(notice) = &model.notice {
                ui.separator();
                let color = if notice.is_error { palette.error } else { palette.weak };
                ui.label(RichText::new(&notice.text).color(color));
            }
        });
        Vec::new()
    }
}
