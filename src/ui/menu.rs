//! The menu bar (File, Run, View), built from the command table with each entry's shortcut.

use egui::{Button, Ui};

use super::commands::{self, COMMANDS, Command, CommandStates, Menu};

#[derive(Default)]
pub struct MenuBar {
    /// File → Open recent, most recent first (the app keeps it in step with the settings).
    pub recent_files: Vec<std::path::PathBuf>,
}

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
                        if spec.command == Command::OpenFile {
                            commands.extend(recent_files_menu(ui, &self.recent_files));
                        }
                    }
                });
            }
        });
        commands
    }
}

/// File → Open recent: a file that is no longer there is listed greyed out (choosing it is not
/// possible; opening it from elsewhere takes it off the list).
fn recent_files_menu(ui: &mut Ui, recent: &[std::path::PathBuf]) -> Option<Command> {
    let mut chosen = None;
    ui.add_enabled_ui(!recent.is_empty(), |ui| {
        ui.menu_button("Open recent", |ui| {
            for path in recent {
                let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into());
                let exists = path.is_file();
                let label = if exists { name } else { format!("{name} (not found)") };
                let button = ui.add_enabled(exists, Button::new(label));
                let folder = path.parent().map(|folder| folder.display().to_string()).unwrap_or_default();
                if button
                    .on_hover_text(&folder)
                    .on_disabled_hover_text(format!("{} is no longer there", path.display()))
                    .clicked()
                {
                    chosen = Some(Command::OpenRecent(path.clone()));
                }
            }
        });
    });
    chosen
}
