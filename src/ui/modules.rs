//! The Modules tab: `sys.modules` at the current step, in the order modules were added, with where
//! each came from; the ones the current step imported are highlighted.

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
}

struct ModuleRow {
    name: String,
    origin: String,
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
                .map(|module| ModuleRow {
                    name: module.name.clone(),
                    origin: module.origin.describe(),
                    added_now: step > 0 && module.added_step == step,
                })
                .collect();
            self.added_now = self.rows.iter().filter(|row| row.added_now).count();
            self.scroll_to_row = self.rows.iter().position(|row| row.added_now);
            self.built_for = Some(model.snapshot_generation());
        }
        let summary = match self.added_now {
            0 => format!("{} modules in sys.modules", self.rows.len()),
            added => format!("{} modules in sys.modules · {added} added at this step", self.rows.len()),
        };
        ui.label(RichText::new(summary).color(palette.weak));
        ui.add_space(space::SECTION / 2.0);

        let row_height = ui.fonts_mut(|fonts| fonts.row_height(&theme::code_font()));
        let mut area = ScrollArea::vertical().id_salt("modules_scroll").auto_shrink(false);
        if let Some(row) = self.scroll_to_row.take() {
            let pitch = row_height + ui.spacing().item_spacing.y;
            // Leave a couple of rows of context above the first new module.
            area = area.vertical_scroll_offset((row.saturating_sub(2)) as f32 * pitch);
        }
        area.show_rows(ui, row_height, self.rows.len(), |ui, range| {
            for row in &self.rows[range] {
                ui.horizontal(|ui| {
                    let mut name = RichText::new(&row.name).font(theme::code_font());
                    if row.added_now {
                        name = name.background_color(palette.changed_bg).strong();
                    }
                    ui.label(name);
                    if row.added_now {
                        ui.label(RichText::new("new").font(theme::small_font()).color(palette.ok));
                    }
                    let origin = RichText::new(&row.origin).font(theme::small_font()).color(palette.weak);
                    ui.add(egui::Label::new(origin).truncate());
                });
            }
        });
        Vec::new()
    }
}
