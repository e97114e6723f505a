//! One lesson, one section at a time: the title, a section picker, the goals, the section's blocks,
//! and Previous / Next.

use std::collections::HashMap;

use egui::{Button, CollapsingHeader, ComboBox, RichText, ScrollArea, Ui};
use egui_commonmark::CommonMarkCache;

use super::code::{code_view, markdown, status_icon};
use super::plot::PlotData;
use super::render::{Block, RenderedLesson};
use super::state::LessonActivity;
use super::{Nav, Waiting, example, exercise, predict};
use crate::ui::commands::Command;
use crate::ui::theme::{Palette, space};

/// What the blocks of a page need from the pane.
pub struct Env<'a> {
    /// A run may start (no program is running).
    pub can_run: bool,
    /// A program is running.
    pub busy: bool,
    pub waiting: Option<&'a Waiting>,
    pub markdown: &'a mut CommonMarkCache,
    pub plots: &'a HashMap<(String, usize), PlotData>,
    pub out: &'a mut Vec<Command>,
    pub nav: &'a mut Option<Nav>,
}

pub fn show(ui: &mut Ui, lesson: &RenderedLesson, section: usize, activity: &mut LessonActivity, env: &mut Env<'_>) {
    let palette = Palette::of(ui);
    let count = lesson.sections.len();
    let Some(current) = lesson.sections.get(section) else {
        *env.nav = Some(Nav::Contents);
        return;
    };
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(&lesson.title).heading().strong());
        if activity.completed {
            status_icon(ui, true, "completed");
            ui.label(RichText::new("completed").color(palette.ok))
                .on_hover_text("You have answered every prediction and passed every exercise");
        }
    });
    ui.horizontal(|ui| {
        ui.label(RichText::new(format!("Section {} of {count}", section + 1)).color(palette.weak));
        let mut chosen = section;
        ComboBox::from_id_salt(("lesson_section", &lesson.id))
            .selected_text(&current.title)
            .width(ui.available_width())
            .truncate()
            .height(space::LESSON_MENU_HEIGHT)
            .show_ui(ui, |ui| {
                for (index, item) in lesson.sections.iter().enumerate() {
                    ui.selectable_value(&mut chosen, index, format!("{}. {}", index + 1, item.title));
                }
            })
            .response
            .on_hover_text("Go to another section of this lesson")
            .accessible_name("Section");
        if chosen != section {
            *env.nav = Some(Nav::Open { id: lesson.id.clone(), section: chosen });
        }
    });
    ui.separator();

    // One scroll position per section, so a new section starts at its top.
    ScrollArea::vertical().id_salt(("lesson_page", &lesson.id, section)).auto_shrink(false).show(ui, |ui| {
        if !lesson.goals_markdown.is_empty() {
            CollapsingHeader::new(RichText::new("Goals of this lesson").strong())
                .id_salt(("lesson_goals", &lesson.id, section == 0))
                .default_open(section == 0)
                .show(ui, |ui| markdown(ui, env.markdown, &lesson.goals_markdown));
            ui.add_space(space::SECTION);
        }
        ui.label(RichText::new(&current.title).heading().strong());
        ui.add_space(space::ITEM / 2.0);
        for (position, block) in current.blocks.iter().enumerate() {
            match block {
                Block::Prose(text) => markdown(ui, env.markdown, text),
                Block::Code { code, language } => {
                    code_view(ui, ("lesson_code", &lesson.id, section, position), code, language)
                }
                Block::Example { index, example } => example::show(ui, &lesson.id, *index, example, env),
                Block::Predict { index, predict } => {
                    let state = activity.predicts.entry(*index).or_default();
                    predict::show(ui, &lesson.id, *index, predict, state, env);
                }
                Block::Exercise(exercise) => {
                    let state = activity.exercises.entry(exercise.id.clone()).or_default();
                    exercise::show(ui, &lesson.id, exercise, state, env);
                }
            }
            ui.add_space(space::ITEM);
        }
        ui.add_space(space::SECTION);
        ui.separator();
        ui.horizontal_wrapped(|ui| {
            if section > 0 {
                let previous = &lesson.sections[section - 1].title;
                if ui.add(Button::new(format!("‹ {previous}")).wrap()).on_hover_text("The previous section").clicked()
                {
                    *env.nav = Some(Nav::Open { id: lesson.id.clone(), section: section - 1 });
                }
            }
            if let Some(next) = lesson.sections.get(section + 1) {
                let next_button = Button::new(RichText::new(format!("Next: {} ›", next.title)).strong()).wrap();
                if ui.add(next_button).on_hover_text("The next section").clicked() {
                    *env.nav = Some(Nav::Open { id: lesson.id.clone(), section: section + 1 });
                }
            } else if ui.button("Back to all lessons").clicked() {
                *env.nav = Some(Nav::Contents);
            }
        });
        ui.add_space(space::SECTION);
    });
}
