//! The Modules tab: `sys.modules` at the current step, in the order modules were added, with where
//! each came from, a link to the step that imported it and its cache hits; the ones the current step
//! imported are highlighted. A filter box narrows the list by name or origin. The other view is the
//! import tree (`tree`): what the program's imports loaded, nested, with their times.

mod tree;

use std::collections::HashSet;

use egui::{RichText, ScrollArea, Ui};

use super::Command;
use super::model::Model;
use super::theme::{self, Palette, space};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum View {
    #[default]
    List,
    Tree,
}

#[derive(Default)]
pub struct ModulesPanel {
    view: View,
    /// The tree's children sorted by cumulative time, largest first (else in import order).
    by_time: bool,
    /// Tree branches closed by the learner, by module name (kept across steps and runs).
    collapsed: HashSet<String>,
    tree_lines: Vec<tree::TreeLine>,
    /// What `tree_lines` were built for: the snapshot, the sort, and a change to `collapsed`.
    tree_for: Option<(u64, bool, u64)>,
    collapsed_changes: u64,
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
    hit_count: u64,
    /// "step N by importer" for each listed cache hit (the hover text of the count).
    hit_steps: String,
    first_hit_step: Option<u64>,
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
                    hit_count: module.hit_count,
                    hit_steps: hit_steps(module),
                    first_hit_step: module.hits.first().map(|hit| hit.step),
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
            ui.selectable_value(&mut self.view, View::List, "List").accessible_name("Show sys.modules as a list");
            ui.selectable_value(&mut self.view, View::Tree, "Import tree").accessible_name("Show the import tree");
            ui.separator();
            if self.view == View::Tree {
                ui.checkbox(&mut self.by_time, "Sort by cumulative time");
                return;
            }
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
        if self.view == View::Tree {
            self.tree_ui(ui, model, &palette, &mut commands);
            return commands;
        }
        ui.label(RichText::new(summary).color(palette.weak));
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
                    if let Some(first) = row.first_hit_step {
                        let hits = ui
                            .link(
                                RichText::new(tree::hits_text(row.hit_count))
                                    .font(theme::small_font())
                                    .color(palette.ok),
                            )
                            .on_hover_text(&row.hit_steps)
                            .accessible_name(format!("{} on {}", tree::hits_text(row.hit_count), row.name));
                        if hits.clicked() {
                            commands.push(Command::GoToStep(first));
                        }
                    }
                    let origin = RichText::new(&row.origin).font(theme::small_font()).color(palette.weak);
                    ui.add(egui::Label::new(origin).truncate());
                });
            }
        });
        commands
    }

    fn tree_ui(&mut self, ui: &mut Ui, model: &Model, palette: &Palette, commands: &mut Vec<Command>) {
        let Some(snapshot) = model.current() else { return };
        let key = (model.snapshot_generation(), self.by_time, self.collapsed_changes);
        if self.tree_for != Some(key) {
            self.tree_lines = tree::lines(&snapshot.modules, self.by_time, &self.collapsed);
            self.tree_for = Some(key);
        }
        let timed = snapshot.modules.iter().filter(|m| m.import.is_some()).count();
        let untimed = snapshot.modules.len() - timed;
        ui.label(
            RichText::new(format!(
                "{timed} modules imported by the run, times as python -X importtime gives them \
                 (self · cumulative); {untimed} were loaded before it or without an import"
            ))
            .color(palette.weak),
        );
        ui.add_space(space::SECTION / 2.0);
        if self.tree_lines.is_empty() {
            ui.label(RichText::new("No imports yet at this step.").color(palette.weak));
            return;
        }
        let row_height = ui.fonts_mut(|fonts| fonts.row_height(&theme::code_font())).max(ui.spacing().interact_size.y);
        let mut toggled = None;
        ScrollArea::vertical().id_salt("import_tree_scroll").auto_shrink(false).show_rows(
            ui,
            row_height,
            self.tree_lines.len(),
            |ui, range| {
                for line in &self.tree_lines[range] {
                    toggled = tree::draw_line(ui, line, palette, commands).or(toggled.take());
                }
            },
        );
        if let Some(name) = toggled {
            if !self.collapsed.remove(&name) {
                self.collapsed.insert(name);
            }
            self.collapsed_changes += 1;
        }
    }
}

/// The hover text of a module's cache-hit count: where each listed hit happened.
fn hit_steps(module: &crate::trace::ModuleEntry) -> String {
    let mut text: Vec<String> = module
        .hits
        .iter()
        .map(|hit| {
            let times = if hit.count > 1 { format!(" ×{}", hit.count) } else { String::new() };
            format!("step {} by {}{times}", hit.step + 1, hit.importer)
        })
        .collect();
    let listed: u64 = module.hits.iter().map(|hit| u64::from(hit.count)).sum();
    if module.hit_count > listed {
        text.push(format!("and {} more", module.hit_count - listed));
    }
    text.join("\n")
}
