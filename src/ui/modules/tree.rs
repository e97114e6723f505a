//! The Modules pane's import tree: the modules the program's imports loaded, each under the import
//! it ran inside, with self and cumulative times as `python -X importtime` reports them, followed by
//! the imports that were cache hits. Built once per shown step as flat lines (the collapsed branches
//! left out), so drawing is a virtualised list.

use std::collections::HashSet;

use egui::{RichText, Ui};

use super::super::Command;
use super::super::theme::{self, Palette, space};
use crate::trace::ModuleEntry;

/// One line of the tree view.
#[derive(Clone, Debug, PartialEq)]
pub enum TreeLine {
    Import(ImportLine),
    /// The heading over the cache hits, with their total.
    HitsHeading(u64),
    Hit(HitLine),
}

#[derive(Clone, Debug, PartialEq)]
pub struct ImportLine {
    pub name: String,
    pub depth: usize,
    pub self_us: u64,
    pub cumulative_us: u64,
    pub has_children: bool,
    pub collapsed: bool,
    /// Who asked for it, when that is not the module it is nested under (or the program, at the top).
    pub importer_note: Option<String>,
    pub added_step: u64,
    pub hit_count: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct HitLine {
    pub name: String,
    pub importer: String,
    pub step: u64,
    pub count: u32,
    pub initializing: bool,
}

/// The tree's lines for `modules` (as of one step): children in import order, or by cumulative time
/// (largest first) with `by_time`; the branches of modules named in `collapsed` left out.
pub fn lines(modules: &[ModuleEntry], by_time: bool, collapsed: &HashSet<String>) -> Vec<TreeLine> {
    let timed: Vec<&ModuleEntry> = modules.iter().filter(|m| m.import.is_some()).collect();
    let position = |name: &str| timed.iter().position(|m| m.name == name);
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); timed.len()];
    let mut roots = Vec::new();
    for (index, module) in timed.iter().enumerate() {
        let parent = module.import.as_ref().and_then(|i| i.parent.as_deref()).and_then(position);
        match parent {
            Some(parent) if parent != index => children[parent].push(index),
            _ => roots.push(index),
        }
    }
    let cumulative = |index: &usize| timed[*index].import.as_ref().map_or(0, |i| i.cumulative_us);
    if by_time {
        roots.sort_by_key(|index| std::cmp::Reverse(cumulative(index)));
        for list in &mut children {
            list.sort_by_key(|index| std::cmp::Reverse(cumulative(index)));
        }
    }
    let mut out = Vec::new();
    let mut seen = vec![false; timed.len()];
    // Depth first from each root; then from any module no root reaches (a parent chain that loops,
    // as when a module removed from sys.modules is imported again under another).
    let starts = roots.into_iter().chain(0..timed.len());
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for start in starts {
        stack.push((start, 0));
        add_branch(&mut stack, &mut seen, &timed, &children, collapsed, &mut out);
    }
    let mut hits: Vec<HitLine> = modules
        .iter()
        .flat_map(|module| {
            module.hits.iter().map(|hit| HitLine {
                name: module.name.clone(),
                importer: hit.importer.clone(),
                step: hit.step,
                count: hit.count,
                initializing: hit.initializing,
            })
        })
        .collect();
    if !hits.is_empty() {
        hits.sort_by(|a, b| a.step.cmp(&b.step).then_with(|| a.name.cmp(&b.name)));
        out.push(TreeLine::HitsHeading(modules.iter().map(|m| m.hit_count).sum()));
        out.extend(hits.into_iter().map(TreeLine::Hit));
    }
    out
}

/// Adds the branch on `stack` (depth first) to `out`, each module once.
fn add_branch(
    stack: &mut Vec<(usize, usize)>,
    seen: &mut [bool],
    timed: &[&ModuleEntry],
    children: &[Vec<usize>],
    collapsed: &HashSet<String>,
    out: &mut Vec<TreeLine>,
) {
    while let Some((index, depth)) = stack.pop() {
        if std::mem::replace(&mut seen[index], true) {
            continue;
        }
        let module = timed[index];
        let Some(import) = module.import.as_ref() else { continue };
        let is_collapsed = collapsed.contains(&module.name);
        let expected_importer = import.parent.as_deref().unwrap_or("__main__");
        out.push(TreeLine::Import(ImportLine {
            name: module.name.clone(),
            depth,
            self_us: import.self_us,
            cumulative_us: import.cumulative_us,
            has_children: !children[index].is_empty(),
            collapsed: is_collapsed,
            importer_note: (import.importer != expected_importer).then(|| import.importer.clone()),
            added_step: module.added_step,
            hit_count: module.hit_count,
        }));
        if is_collapsed {
            // Hidden, but reached: they must not turn up again as branches of their own.
            let mut hidden: Vec<usize> = children[index].clone();
            while let Some(child) = hidden.pop() {
                if !std::mem::replace(&mut seen[child], true) {
                    hidden.extend(&children[child]);
                }
            }
        } else {
            stack.extend(children[index].iter().rev().map(|&child| (child, depth + 1)));
        }
    }
}

/// Microseconds as `-X importtime` prints them, with a thin space between thousands for reading.
pub fn micros(us: u64) -> String {
    let digits = us.to_string();
    let mut out = String::with_capacity(digits.len() + 4);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push('\u{2009}');
        }
        out.push(digit);
    }
    out.push_str(" µs");
    out
}

/// Draws one line; returns what a click asked for, and the name of a branch to open or close.
pub fn draw_line(ui: &mut Ui, line: &TreeLine, palette: &Palette, commands: &mut Vec<Command>) -> Option<String> {
    let mut toggled = None;
    ui.horizontal(|ui| match line {
        TreeLine::Import(import) => {
            let time = |ui: &mut Ui, us: u64, what: &str| {
                let text = RichText::new(micros(us)).font(theme::code_font()).color(palette.weak);
                ui.add_sized([space::IMPORT_TIME_WIDTH, ui.spacing().interact_size.y], egui::Label::new(text))
                    .on_hover_text(what);
            };
            time(ui, import.self_us, "self: this module's own import, without the imports nested in it");
            time(ui, import.cumulative_us, "cumulative: including the imports nested in it");
            ui.add_space(import.depth as f32 * space::IMPORT_TREE_INDENT);
            if import.has_children {
                let action = if import.collapsed { "Expand" } else { "Collapse" };
                let size = egui::vec2(ui.spacing().icon_width, ui.spacing().interact_size.y);
                let (_, arrow) = ui.allocate_exact_size(size, egui::Sense::click());
                let openness = if import.collapsed { 0.0 } else { 1.0 };
                egui::collapsing_header::paint_default_icon(ui, openness, &arrow);
                let arrow = arrow
                    .on_hover_text(format!("{action} what {} imported", import.name))
                    .accessible_name(format!("{action} {}", import.name));
                if arrow.clicked() {
                    toggled = Some(import.name.clone());
                }
            } else {
                ui.add_space(ui.spacing().icon_width);
            }
            ui.label(RichText::new(&import.name).font(theme::code_font()));
            if let Some(importer) = &import.importer_note {
                ui.label(
                    RichText::new(format!("asked for by {importer}")).font(theme::small_font()).color(palette.weak),
                );
            }
            if import.hit_count > 0 {
                ui.label(RichText::new(hits_text(import.hit_count)).font(theme::small_font()).color(palette.ok));
            }
            let link = ui
                .link(RichText::new(format!("step {}", import.added_step + 1)).font(theme::small_font()))
                .on_hover_text("Go to the step whose import added it")
                .accessible_name(format!("Go to the import of {}", import.name));
            if link.clicked() {
                commands.push(Command::GoToStep(import.added_step));
            }
        }
        TreeLine::HitsHeading(total) => {
            ui.label(
                RichText::new(format!("Cache hits ({total}): imports that found the module in sys.modules")).strong(),
            );
        }
        TreeLine::Hit(hit) => {
            let times = if hit.count > 1 { format!(" ×{}", hit.count) } else { String::new() };
            ui.label(RichText::new(format!("hit{times}")).font(theme::small_font()).color(palette.ok));
            ui.label(RichText::new(&hit.name).font(theme::code_font()));
            ui.label(
                RichText::new(format!("imported by {}", hit.importer)).font(theme::small_font()).color(palette.weak),
            );
            if hit.initializing {
                ui.label(
                    RichText::new("still running its own code (circular import)")
                        .font(theme::small_font())
                        .color(palette.warn),
                );
            }
            let link = ui
                .link(RichText::new(format!("step {}", hit.step + 1)).font(theme::small_font()))
                .on_hover_text("Go to the step just after this import")
                .accessible_name(format!("Go to the cache hit on {} at step {}", hit.name, hit.step + 1));
            if link.clicked() {
                commands.push(Command::GoToStep(hit.step));
            }
        }
    });
    toggled
}

pub fn hits_text(count: u64) -> String {
    if count == 1 { "1 cache hit".into() } else { format!("{count} cache hits") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::{ImportHit, ImportTiming, ModuleOrigin};

    fn timed(name: &str, parent: Option<&str>, cumulative_us: u64) -> ModuleEntry {
        ModuleEntry {
            name: name.into(),
            origin: ModuleOrigin::BuiltIn,
            added_step: 3,
            import: Some(ImportTiming {
                self_us: cumulative_us / 2,
                cumulative_us,
                parent: parent.map(Into::into),
                importer: parent.unwrap_or("__main__").into(),
            }),
            hits: Vec::new(),
            hit_count: 0,
        }
    }

    fn names(lines: &[TreeLine]) -> Vec<(String, usize)> {
        lines
            .iter()
            .filter_map(|line| match line {
                TreeLine::Import(import) => Some((import.name.clone(), import.depth)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn nests_by_parent_sorts_by_time_and_collapses() {
        let mut untimed = timed("sys", None, 0);
        untimed.import = None;
        untimed.hits = vec![ImportHit { step: 7, importer: "__main__".into(), initializing: false, count: 2 }];
        untimed.hit_count = 2;
        let modules = vec![
            untimed,
            timed("pkg.sub", Some("pkg"), 50),
            timed("pkg", None, 100),
            timed("small", Some("pkg"), 10),
            timed("big", Some("pkg"), 80),
            timed("other", None, 300),
        ];
        let lines_in_order = lines(&modules, false, &HashSet::new());
        assert_eq!(
            names(&lines_in_order),
            vec![("pkg".into(), 0), ("pkg.sub".into(), 1), ("small".into(), 1), ("big".into(), 1), ("other".into(), 0)]
        );
        assert_eq!(lines_in_order[lines_in_order.len() - 2], TreeLine::HitsHeading(2));
        assert!(
            matches!(&lines_in_order[lines_in_order.len() - 1], TreeLine::Hit(hit) if hit.name == "sys" && hit.step == 7)
        );
        let by_time = lines(&modules, true, &HashSet::new());
        assert_eq!(
            names(&by_time),
            vec![("other".into(), 0), ("pkg".into(), 0), ("big".into(), 1), ("pkg.sub".into(), 1), ("small".into(), 1)]
        );
        let collapsed = lines(&modules, false, &HashSet::from(["pkg".to_string()]));
        assert_eq!(names(&collapsed), vec![("pkg".into(), 0), ("other".into(), 0)]);
    }

    #[test]
    fn a_parent_loop_does_not_hang_and_shows_each_module_once() {
        let modules = vec![timed("a", Some("b"), 5), timed("b", Some("a"), 5)];
        assert_eq!(names(&lines(&modules, false, &HashSet::new())), vec![("a".into(), 0), ("b".into(), 1)]);
        let modules = vec![timed("a", Some("a"), 5)];
        assert_eq!(names(&lines(&modules, false, &HashSet::new())), vec![("a".into(), 0)]);
    }

    #[test]
    fn micros_groups_thousands() {
        assert_eq!(micros(7), "7 µs");
        assert_eq!(micros(12_345), "12\u{2009}345 µs");
        assert_eq!(micros(1_000_000), "1\u{2009}000\u{2009}000 µs");
    }
}
