//! The toolbar: a button for every command the table marks as a toolbar command, and the step
//! slider over the recorded steps ("step N of M").

use egui::{RichText, Slider, Ui};

use super::commands::{self, COMMANDS, Command, CommandStates};
use super::model::Model;
use super::theme::{Palette, space};

#[derive(Default)]
pub struct Toolbar;

impl Toolbar {
    pub fn ui(&mut self, ui: &mut Ui, model: &Model, states: &CommandStates) -> Vec<Command> {
        let mut commands = Vec::new();
        let palette = Palette::of(ui);
        ui.horizontal(|ui| {
            for spec in COMMANDS.iter().filter(|spec| spec.toolbar) {
                if spec.separator_before {
                    ui.separator();
                }
                let tooltip = commands::tooltip(ui.ctx(), spec);
                let button = ui.add_enabled(states.enabled(&spec.command), egui::Button::new(spec.label));
                if button.on_hover_text(&tooltip).on_disabled_hover_text(&tooltip).clicked() {
                    commands.push(spec.command.clone());
                }
            }
            ui.separator();

            ui.spacing_mut().slider_width = space::SLIDER_WIDTH;
            let len = model.len();
            let mut shown = model.step().saturating_add(1).min(len);
            // With fewer than two steps there is nothing to drag: the handle rests at the start
            // (nothing recorded) or at the end (the one step).
            let range = if len <= 1 { 0..=1 } else { 1..=len };
            let slider = ui
                .add_enabled(
                    len > 1,
                    Slider::new(&mut shown, range).show_value(false).integer().clamping(egui::SliderClamping::Always),
                )
                .accessible_name("Step")
                .on_hover_text("Drag to any recorded step");
            if slider.changed() && len > 0 {
                commands.push(Command::GoToStep(shown.saturating_sub(1)));
            }
            let position = if len == 0 {
                RichText::new("no steps recorded").color(palette.weak)
            } else if model.is_recording() {
                RichText::new(format!("step {shown} of {len} (recording)")).color(palette.warn)
            } else {
                RichText::new(format!("step {shown} of {len}"))
            };
            ui.label(position);
        });
        commands
    }
}
