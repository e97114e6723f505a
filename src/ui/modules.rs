//! The Modules tab: `sys.modules` at the current step, in the order modules were added, with where
//! each came from and a link to the step that imported it; the ones the current step imported are
//! highlighted. A filter box narrows the list by name or origin.

use egui::{RichText, ScrollArea, Ui};

use super::Command;
use super::model::Model;
use super::theme::{self, Palette, space};

#[derive(Default)]
pub struct ModulesPanel {
    built_for: Option<u64>,
    rows: Vec<ModuleRow>,
    added_now: usize,
    /// Scroll to this row the next time the list is drawn (the first module the step added).
    scroll_to_row: Option<usize>,
    filter: String,
    /// Indices into `rows` that pass the filter; rebuilt when the rows or the filter change.
    shown: Vec<usize>,
    shown_for: Option<(u64, String)>,
}

struct ModuleRow {
    /// Its place in import order (1 = first in sys.modules).
    order: usize,
    name: String,
    origin: String,
    /// The step whose import added it (0: it was there before the program started).
    added_step: u64,
    /// Imported at the step shown.
    added_now: bool,
}

impl ModulesPanel {
    pub fn ui(&mut self, ui: &mut Ui, model: &Model) -> Vec<Command> {
        let palette = Palette::of(ui);
        let Some(snapshot) = model.current() else {
            ui.label(RichText::new("Run the program to see sys.modules here.").color(palette.weak));
            return Vec::new();
        };
        if self.built_for != Some(model.snapshot_generation()) {
            let step = snapshot.index;
            self.rows = snapshot
                .modules
                .iter()
                .enumerate()
                .map(|(index, module)| ModuleRow {
                    order: index + 1,
                    name: module.name.clone(),
                    origin: module.origin.describe(),
                    added_step: module.added_step,
                    added_now: step > 0 && module.added_step == step,
                })
                .collect();
            self.added_now = self.rows.iter().filter(|row| row.added_now).count();
            self.scroll_to_row = self.rows.iter().position(|row| row.added_now);
            self.built_for = Some(model.snapshot_generation());
        }
        let generation = model.snapshot_generation();
        if self.shown_for.as_ref().is_none_or(|(built, filter)| *built != generation || *filter != self.filter) {
            let needle = self.filter.to_lowercase();
            self.shown = (0..self.rows.len())
                .filter(|&index| {
                    let row = &self.rows[index];
                    needle.is_empty()
                        || row.name.to_lowercase().contains(&needle)
                        || row.origin.to_lowercase().contains(&needle)
                })
                .collect();
            self.scroll_to_row = self.scroll_to_row.and_then(|row| self.shown.iter().position(|&index| index == row));
            self.shown_for = Some((generation, self.filter.clone()));
        }
        let summary = match self.added_now {
            0 => format!("{} modules in sys.modules", self.rows.len()),
            added => format!("{} modules in sys.modules · {added} added at this step", self.rows.len()),
        };
        let mut commands = Vec::new();
        ui.horizontal(|ui| {
            ui.label(RichText::new(summary).color(palette.weak));
            ui.add(
                egui::TextEdit::singleline(&mut self.filter)
                    .hint_text("filter by name or path")
                    .desired_width(space::FILTER_WIDTH),
            )
            .accessible_name("Filter modules");
            if self.shown.len() != self.rows.len() {
                ui.label(RichText::new(format!("{} shown", self.shown.len())).color(palette.weak));
            }
        });
        ui.add_space(space::SECTION / 2.0);

        let row_height = ui.fonts_mut(|fonts| fonts.row_height(&theme::code_font())).max(ui.spacing().interact_size.y);
        let mut area = ScrollArea::vertical().id_salt("modules_scroll").auto_shrink(false);
        if let Some(row) = self.scroll_to_row.take() {
            let pitch = row_height + ui.spacing().item_spacing.y;
            // Leave a couple of rows of context above the first new module.
            area = area.vertical_scroll_offset((row.saturating_sub(2)) as f32 * pitch);
        }
        area.show_rows(ui, row_height, self.shown.len(), |ui, range| {
            for &index in &self.shown[range] {
                let row = &self.rows[index];
                ui.horizontal(|ui| {
                    ui.label(RichText::new(format!("{:>4}", row.order)).font(theme::small_font()).color(palette.weak));
                    let mut name = RichText::new(&row.name).font(theme::code_font());
                    if row.added_now {
                        name = name.background_color(palette.changed_bg).strong();
                    }
                    ui.label(name);
                    if row.added_now {
                        ui.label(RichText::new("new").font(theme::small_font()).color(palette.ok));
                    }
                    if row.added_step > 0 {
                        let link = ui
                            .link(RichText::new(format!("step {}", row.added_step + 1)).font(theme::small_font()))
                            .on_hover_text("Go to the step whose import added it")
                            .accessible_name(format!("Go to the import of {}", row.name));
                        if link.clicked() {
                            commands.push(Command::GoToStep(row.added_step));
                        }
                    } else {
                        ui.label(RichText::new("at start").font(theme::small_font()).color(palette.weak))
                            .on_hover_text("Already in sys.modules before the program's first line ran");
                    }
                    let origin = RichText::new(&row.origin).font(theme::small_font()).color(palette.weak);
                    ui.add(egui::Label::new(origin).truncate());
                });
            }
        });
        commands
    }
}
