//! The settings window (File > Settings…): theme, zoom and the engine limits every run gets. It edits
//! nothing itself: it returns commands, and the app writes them to the settings store, which saves
//! them. Also the translation between stored settings and the limits of a run. (The pane layout is
//! `ui::workspace`'s.)

use egui::{DragValue, Grid, RichText, Ui};

use super::commands::{Command, EngineLimitsChange};
use super::theme::{Palette, space};
use crate::engine::Limits;
use crate::store::{
    EngineLimitsSettings, MAX_CONTAINER_ITEMS_RANGE, MAX_STEPS_RANGE, MEMORY_LIMIT_MB_RANGE, OUTPUT_LIMIT_BYTES_RANGE,
    Settings, TIME_LIMIT_SECS_RANGE, Theme,
};

/// The limits a run gets: the learner's settings, and the engine's defaults for what they cannot set.
pub fn run_limits(limits: &EngineLimitsSettings) -> Limits {
    Limits {
        max_steps: limits.max_steps,
        time_limit_secs: limits.time_limit_secs,
        output_limit_bytes: limits.output_limit_bytes,
        memory_limit_mb: limits.memory_limit_mb,
        max_container_items: limits.max_container_items,
        ..Limits::default()
    }
}

#[derive(Default)]
pub struct SettingsWindow {
    pub open: bool,
}

/// What the window shows besides the settings themselves.
pub struct SettingsView<'a> {
    pub settings: &'a Settings,
    /// Where they are saved.
    pub path: &'a std::path::Path,
    /// Why changes are not saved in this session (a settings file from a newer pyxray), if so.
    pub read_only_reason: Option<&'a str>,
    /// The save failure being retried, if any.
    pub save_problem: Option<&'a str>,
}

impl SettingsWindow {
    pub fn ui(&mut self, ctx: &egui::Context, view: &SettingsView<'_>) -> Vec<Command> {
        let mut commands = Vec::new();
        let mut open = self.open;
        egui::Window::new("Settings")
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .default_width(420.0)
            .pivot(egui::Align2::CENTER_CENTER)
            .default_pos(ctx.content_rect().center())
            .show(ctx, |ui| {
                let builder = egui::UiBuilder::new().accessibility_label("Settings window");
                ui.scope_builder(builder, |ui| contents(ui, view, &mut commands));
                ui.add_space(space::SECTION);
                if ui.button("Close").on_hover_text("Close the settings (they are already saved)").clicked() {
                    self.open = false;
                }
            });
        self.open &= open;
        commands
    }
}

fn contents(ui: &mut Ui, view: &SettingsView<'_>, commands: &mut Vec<Command>) {
    let palette = Palette::of(ui);
    let settings = view.settings;
    ui.label(RichText::new("Appearance").strong());
    Grid::new("appearance_settings").num_columns(2).spacing([space::ITEM * 2.0, space::ITEM]).show(ui, |ui| {
        ui.label("Theme");
        ui.horizontal(|ui| {
            for (theme, label) in [(Theme::Dark, "Dark"), (Theme::Light, "Light")] {
                let chosen = settings.theme == theme;
                let button = ui.radio(chosen, label).on_hover_text(format!("Use the {} theme", label.to_lowercase()));
                if button.clicked() && !chosen {
                    commands.push(Command::ToggleDarkMode);
                }
            }
        });
        ui.end_row();

        ui.label("Zoom");
        ui.horizontal(|ui| {
            if ui.button("−").on_hover_text("Zoom out").accessible_name("Zoom out").clicked() {
                commands.push(Command::ZoomOut);
            }
            ui.label(format!("{:.0} %", settings.zoom_factor * 100.0));
            if ui.button("+").on_hover_text("Zoom in").accessible_name("Zoom in").clicked() {
                commands.push(Command::ZoomIn);
            }
            if ui.button("Actual size").on_hover_text("Back to 100 %").clicked() {
                commands.push(Command::ZoomReset);
            }
        });
        ui.end_row();

        ui.label("Motion");
        let mut reduce = settings.reduce_motion;
        let help = "Show each step's heap diagram at once, without objects sliding to their new places";
        if ui.checkbox(&mut reduce, "Reduce motion").on_hover_text(help).changed() {
            commands.push(Command::SetReduceMotion(reduce));
        }
        ui.end_row();
    });

    ui.add_space(space::SECTION);
    ui.label(RichText::new("Limits for every run").strong());
    ui.label(
        RichText::new("A program that goes past one of these is stopped, and its steps so far are kept.")
            .color(palette.weak),
    );
    let mut limits = settings.engine_limits.clone();
    let mut changed = false;
    Grid::new("limit_settings").num_columns(2).spacing([space::ITEM * 2.0, space::ITEM]).show(ui, |ui| {
        changed |= limit_row(
            ui,
            "Max steps",
            "Lines, calls and returns recorded before the run is stopped",
            grouped(DragValue::new(&mut limits.max_steps).range(MAX_STEPS_RANGE).speed(1000.0)),
        );
        changed |= limit_row(
            ui,
            "Time limit",
            "Seconds a run may take",
            DragValue::new(&mut limits.time_limit_secs)
                .range(TIME_LIMIT_SECS_RANGE)
                .speed(0.5)
                .max_decimals(1)
                .suffix(" s"),
        );
        changed |= limit_row(
            ui,
            "Output limit",
            "Bytes a run may print",
            grouped(DragValue::new(&mut limits.output_limit_bytes).range(OUTPUT_LIMIT_BYTES_RANGE).speed(10_000.0))
                .suffix(" bytes"),
        );
        changed |= limit_row(
            ui,
            "Memory limit",
            "Memory the program may use",
            DragValue::new(&mut limits.memory_limit_mb).range(MEMORY_LIMIT_MB_RANGE).speed(16.0).suffix(" MB"),
        );
        changed |= limit_row(
            ui,
            "Container items",
            "Items of a list, dict, set ... recorded per step (the rest are counted)",
            DragValue::new(&mut limits.max_container_items).range(MAX_CONTAINER_ITEMS_RANGE).speed(5.0),
        );
    });
    if changed {
        commands.push(Command::SetEngineLimits(EngineLimitsChange(limits)));
    }
    let defaults = EngineLimitsSettings::default();
    let reset = ui.add_enabled(settings.engine_limits != defaults, egui::Button::new("Reset limits to defaults"));
    if reset.on_hover_text("200,000 steps, 10 s, 1,000,000 bytes, 1024 MB, 100 items").clicked() {
        commands.push(Command::SetEngineLimits(EngineLimitsChange(defaults)));
    }

    ui.add_space(space::SECTION);
    let (text, color) = match (view.read_only_reason, view.save_problem) {
        (Some(reason), _) => (format!("Not saved in this session: {reason}."), palette.warn),
        (None, Some(problem)) => (format!("Not saved yet: {problem}. pyxray keeps trying."), palette.error),
        (None, None) => (format!("Saved in {}", view.path.display()), palette.weak),
    };
    ui.add(egui::Label::new(RichText::new(text).color(color).small()).wrap());
}

/// Whole numbers shown with thousands separators ("200,000"); typing accepts them, spaces and `_`.
fn grouped(value: DragValue<'_>) -> DragValue<'_> {
    value.custom_formatter(|number, _| group_digits(number.round() as u64)).custom_parser(|text| {
        let digits: String = text.chars().filter(|c| !matches!(c, ',' | '_' | ' ')).collect();
        digits.parse::<f64>().ok()
    })
}

fn group_digits(number: u64) -> String {
    let digits = number.to_string();
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

/// One labelled limit; whether it changed.
fn limit_row(ui: &mut Ui, label: &str, help: &str, value: DragValue<'_>) -> bool {
    ui.label(label).on_hover_text(help);
    let changed = ui.add(value).on_hover_text(help).accessible_name(label).changed();
    ui.end_row();
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_get_the_learners_limits() {
        let settings = EngineLimitsSettings {
            max_steps: 5_000,
            time_limit_secs: 2.5,
            output_limit_bytes: 2_000,
            memory_limit_mb: 256,
            max_container_items: 7,
        };
        let limits = run_limits(&settings);
        assert_eq!(limits.max_steps, 5_000);
        assert_eq!(limits.time_limit_secs, 2.5);
        assert_eq!(limits.output_limit_bytes, 2_000);
        assert_eq!(limits.memory_limit_mb, 256);
        assert_eq!(limits.max_container_items, 7);
        assert_eq!(limits.max_objects, Limits::default().max_objects);
        assert_eq!(run_limits(&EngineLimitsSettings::default()), Limits::default());
    }

    #[test]
    fn big_numbers_are_grouped() {
        assert_eq!(group_digits(0), "0");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(1_000), "1,000");
        assert_eq!(group_digits(200_000), "200,000");
        assert_eq!(group_digits(100_000_000), "100,000,000");
    }
}
