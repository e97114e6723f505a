//! The toolbar: a button for every command the table marks as a toolbar command, the playback
//! speed and the selection followed by "when did it change?"; below it the timeline, a slider over
//! the recorded steps ("step N of M", with a spinner while a run records), with a tick above each
//! bookmarked step of a lesson example (click one to go there).

use egui::{RichText, Slider, Ui};

use super::commands::{self, COMMANDS, Command, CommandStates};
use super::model::Model;
use super::playback::SPEEDS;
use super::theme::{Palette, presenter, space};

#[derive(Default)]
pub struct Toolbar;

impl Toolbar {
    /// `bookmarks`: the bookmarked steps (0-based, sorted) of the lesson example shown.
    pub fn ui(&mut self, ui: &mut Ui, model: &Model, states: &CommandStates, bookmarks: &[u64]) -> Vec<Command> {
        let mut commands = Vec::new();
        let palette = Palette::of(ui);
        ui.horizontal_wrapped(|ui| {
            for spec in COMMANDS.iter().filter(|spec| spec.toolbar) {
                if spec.separator_before {
                    ui.separator();
                }
                let tooltip = commands::tooltip(ui.ctx(), spec);
                // Play turns into Pause while playing.
                let label = if spec.command == Command::TogglePlay && states.playing { "Pause" } else { spec.label };
                // Toggles (Live mode) look pressed while on; Play shows its state by its label.
                let button = match states.checked(&spec.command) {
                    Some(on) if spec.command != Command::TogglePlay => egui::Button::selectable(on, label),
                    _ => egui::Button::new(label),
                };
                let button = ui.add_enabled(states.enabled(&spec.command), button);
                if button.on_hover_text(&tooltip).on_disabled_hover_text(&tooltip).clicked() {
                    commands.push(spec.command.clone());
                }
            }
            let speed = egui::ComboBox::from_id_salt("play_speed")
                .selected_text(format!("{} steps/s", states.play_speed))
                .width(space::SPEED_WIDTH)
                .show_ui(ui, |ui| {
                    for speed in SPEEDS {
                        if ui.selectable_label(states.play_speed == speed, format!("{speed} steps/s")).clicked() {
                            commands.push(Command::SetPlaySpeed(speed));
                        }
                    }
                });
            speed.response.accessible_name("Play speed").on_hover_text("How fast Play moves through the steps");
            commands.extend(selection_chip(ui, model, palette));
        });
        // The timeline gets a row of its own, so the slider is as wide as the window.
        ui.horizontal(|ui| commands.extend(timeline(ui, model, palette, bookmarks)));
        commands
    }
}

/// "step 4 of 12", a spinner while the run records, and the slider over every recorded step.
fn timeline(ui: &mut Ui, model: &Model, palette: Palette, bookmarks: &[u64]) -> Vec<Command> {
    let mut commands = Vec::new();
    let len = model.len();
    let mut shown = model.step().saturating_add(1).min(len);
    let position = if len == 0 {
        RichText::new("no steps recorded").color(palette.weak)
    } else if model.is_recording() {
        RichText::new(format!("step {shown} of {len} (recording)")).color(palette.warn)
    } else {
        RichText::new(format!("step {shown} of {len}"))
    };
    ui.add_sized([space::STEP_LABEL_WIDTH, ui.spacing().interact_size.y], egui::Label::new(position));
    if model.is_recording() {
        ui.add(egui::Spinner::new()).on_hover_text("The program is running; its steps are being recorded");
    }
    ui.spacing_mut().slider_width = (ui.available_width() - space::ITEM).max(space::SLIDER_WIDTH);
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
    if len > 1 {
        commands.extend(bookmark_ticks(ui, slider.rect, len, bookmarks));
    }
    commands
}

/// A tick above the slider's rail at each bookmarked step, where the handle would stand on it;
/// each is a button ("Bookmark at step 5") that goes there.
fn bookmark_ticks(ui: &mut Ui, slider: egui::Rect, len: u64, bookmarks: &[u64]) -> Vec<Command> {
    let mut commands = Vec::new();
    // The handle's centre travels the rail inset by its radius (egui's slider geometry).
    let inset = slider.height() / 2.5;
    let rail = slider.x_range().shrink(inset);
    let color = presenter::bookmark(ui.visuals().dark_mode);
    let half = presenter::BOOKMARK_TICK;
    for &step in bookmarks.iter().filter(|&&step| step < len) {
        let x = egui::lerp(rail.min..=rail.max, step as f32 / (len - 1) as f32);
        let tick = egui::Rect::from_center_size(egui::pos2(x, slider.top() + half), egui::vec2(half * 2.0, half * 2.0));
        let label = format!("Bookmark at step {}", step + 1);
        let response = ui.interact(tick, ui.scope_id().with(("bookmark_tick", step)), egui::Sense::click());
        let response = response.accessible_name(&label).on_hover_text(format!("{label}: click to go there"));
        let points = vec![tick.left_top(), tick.right_top(), egui::pos2(x, tick.bottom())];
        ui.painter().add(egui::Shape::convex_polygon(points, color, egui::Stroke::NONE));
        if response.clicked() {
            commands.push(Command::GoToStep(step));
        }
    }
    commands
}

/// "x in square · 3 changes · ◀ ▶ ✕": the selection followed by Previous/Next change.
fn selection_chip(ui: &mut Ui, model: &Model, palette: Palette) -> Vec<Command> {
    let mut commands = Vec::new();
    let Some(selected) = model.describe_selection() else { return commands };
    ui.separator();
    let builder = egui::UiBuilder::new().accessibility_label("Selection");
    ui.scope_builder(builder, |ui| {
        ui.label(RichText::new(&selected).strong().color(palette.name));
        if let Some(changes) = model.known_selection_changes() {
            let count = match changes.len() {
                1 => "changed at 1 step".to_owned(),
                count => format!("changed at {count} steps"),
            };
            ui.label(RichText::new(count).color(palette.weak));
        }
        for (command, text) in
            [(Command::PreviousChange, "Previous"), (Command::NextChange, "Next"), (Command::Select(None), "Clear")]
        {
            let (label, help) = match (&command, commands::spec_of(&command)) {
                (_, Some(spec)) => (spec.label, commands::tooltip(ui.ctx(), spec)),
                _ => ("Clear selection", "Stop following it".to_owned()),
            };
            let button = ui.small_button(text).accessible_name(label).on_hover_text(help);
            if button.clicked() {
                commands.push(command);
            }
        }
    });
    commands
}
