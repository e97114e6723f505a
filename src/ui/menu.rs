//! The menu bar (File, Run, View), built from the command table with each entry's shortcut.

use egui::{Button, Ui};

use super::commands::{self, COMMANDS, Command, CommandStates, Menu};

#[derive(Default)]
pub struct MenuBar;

impl MenuBar {
    pub fn ui(&mut self, ui: &mut Ui, states: &CommandStates) -> Vec<Command> {
        let mut commands = Vec::new();
        egui::MenuBar::new().ui(ui, |ui| {
            for menu in Menu::ALL {
                ui.menu_button(menu.label(), |ui| {
                    for spec in COMMANDS.iter().filter(|spec| spec.menu == menu) {
                        if spec.separator_before {
                            ui.separator();
                        }
                        let mut button = match states.checked(&spec.command) {
                            Some(checked) => Button::selectable(checked, spec.label),
                            None => Button::new(spec.label),
                        };
                        if let Some(shortcut) = spec.shortcuts.first() {
                            button = button.shortcut_text(ui.ctx().format_shortcut(shortcut));
                        }
                        let tooltip = commands::tooltip(ui.ctx(), spec);
                        if ui.add_enabled(states.enabled(&spec.command), button).on_hover_text(tooltip).clicked() {
                            commands.push(spec.command.clone());
                        }
                    }
                });
            }
        });
        commands
    }
}
