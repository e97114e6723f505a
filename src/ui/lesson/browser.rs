//! The table of contents (every lesson with its time and a tick when completed, the sections of the
//! last one opened, files that did not load) and the search results.

use egui::{Button, CollapsingHeader, Frame, Margin, RichText, ScrollArea, Ui};

use super::code::status_icon;
use super::{LessonPane, LessonSource, MAX_HITS_SHOWN, Nav};
use crate::lessons::{Catalog, SearchHit};
use crate::ui::commands::{self, Command};
use crate::ui::theme::{Palette, space};

/// (heading, paragraph) pairs of the short guide to the window.
const GUIDE: &[(&str, &str)] = &[
    ("1. Write", "Type a Python program in the editor in the middle, or load one from a lesson."),
    (
        "2. Run",
        "Press Run. pyxray runs your program in its own Python and records every step: each line about to run, \
         each call and return, each exception.",
    ),
    (
        "3. Step",
        "Step over (F10) stays in the current function, Step into (F11) follows calls, Step out (Shift+F11) \
         finishes the function; Alt with the same key goes backwards. Drag the slider to jump anywhere, press Play \
         to watch it run, or click the gutter to set a breakpoint and Continue (F8) to it. The line about to run \
         is highlighted in the editor.",
    ),
    (
        "4. Look inside",
        "The tabs on the right show the program at the step you are on: Output is what it printed so far, Stack \
         the frames and their names, Heap the objects those names point to, Modules what sys.modules holds.",
    ),
    (
        "Names and objects",
        "Every object has a short id like #0432, the last digits of its id(). Two names showing the same id are \
         two names for one object.",
    ),
];

pub fn contents(ui: &mut Ui, pane: &mut LessonPane, out: &mut Vec<Command>, nav: &mut Option<Nav>) {
    let palette = Palette::of(ui);
    ScrollArea::vertical().id_salt("lesson_contents").auto_shrink(false).show(ui, |ui| {
        ui.heading("Lessons");
        match &pane.source {
            LessonSource::BuiltIn => {
                ui.label(RichText::new("The built-in course. Pick a lesson to start.").color(palette.weak));
            }
            LessonSource::Folder(dir) => {
                ui.label(RichText::new(format!("Lessons from {}", dir.display())).color(palette.weak));
                if ui.button("Back to built-in lessons").clicked() {
                    out.push(Command::ShowBuiltInLessons);
                }
            }
        }
        ui.add_space(space::ITEM);
        load_errors(ui, &pane.catalog, palette);

        let catalog = &pane.catalog;
        if catalog.lessons.is_empty() {
            ui.label(RichText::new("No lessons to show.").color(palette.weak));
        }
        for (position, lesson) in catalog.lessons.iter().enumerate() {
            let completed = pane.activity.is_completed(&lesson.id);
            let title = RichText::new(format!("{}. {}", position + 1, lesson.title)).strong();
            let minutes = RichText::new(format!("{} min", lesson.minutes)).color(palette.weak);
            let status = if completed { ", completed" } else { "" };
            // A column of ticks left of the titles: what is done shows at a glance.
            let response = ui
                .horizontal(|ui| {
                    ui.spacing_mut().item_spacing.x = space::ITEM / 2.0;
                    if completed {
                        status_icon(ui, true, "completed");
                    } else {
                        let size = ui.text_style_height(&egui::TextStyle::Body);
                        ui.add_space(size);
                    }
                    let button = Button::new(title)
                        .right_text(minutes)
                        .wrap()
                        .frame_when_inactive(false)
                        .min_size(egui::vec2(ui.available_width(), 0.0));
                    ui.add(button)
                })
                .inner
                .on_hover_text(if completed { "Completed. Open this lesson" } else { "Open this lesson" })
                .accessible_name(format!("{}. {}, {} minutes{status}", position + 1, lesson.title, lesson.minutes));
            if response.clicked() {
                *nav = Some(Nav::Open { id: lesson.id.clone(), section: 0 });
            }
            if pane.last_opened.as_deref() == Some(lesson.id.as_str()) {
                // Under the title, past the column of ticks.
                ui.horizontal(|ui| {
                    ui.add_space(ui.text_style_height(&egui::TextStyle::Body) + space::ITEM * 2.0);
                    ui.vertical(|ui| {
                        for (index, section) in lesson.sections.iter().enumerate() {
                            let text = RichText::new(format!("{}. {}", index + 1, section.title));
                            let link = ui.add(Button::new(text).frame_when_inactive(false).wrap());
                            if link
                                .on_hover_text("Open the lesson at this section")
                                .accessible_name(&section.title)
                                .clicked()
                            {
                                *nav = Some(Nav::Open { id: lesson.id.clone(), section: index });
                            }
                        }
                    });
                });
            }
        }

        ui.add_space(space::SECTION);
        CollapsingHeader::new("Lessons from a folder (for teachers)").id_salt("lesson_folder").show(ui, |ui| {
            let help = commands::spec_of(&Command::OpenLessonFolder).map_or("", |spec| spec.help);
            if ui.button("Open lesson folder…").on_hover_text(help).clicked() {
                out.push(Command::OpenLessonFolder);
            }
            // Where no folder dialog can be shown (some Linux desktops lack the portal rfd uses).
            ui.label(RichText::new("or type the folder's path:").color(palette.weak));
            ui.horizontal(|ui| {
                let field = egui::TextEdit::singleline(&mut pane.folder_path)
                    .id_salt("lesson_folder_path")
                    .hint_text("/path/to/lessons")
                    .desired_width((ui.available_width() - 100.0).max(80.0));
                let response = ui.add(field).accessible_name("Lesson folder path");
                let entered = response.lost_focus() && ui.input(|input| input.key_pressed(egui::Key::Enter));
                let path = pane.folder_path.trim();
                let load = ui.add_enabled(!path.is_empty(), Button::new("Load folder"));
                if (load.clicked() || entered) && !path.is_empty() {
                    *nav = Some(Nav::LoadFolder(std::path::PathBuf::from(path)));
                }
            });
        });
        ui.add_space(space::ITEM);
        CollapsingHeader::new("How pyxray works").id_salt("lesson_guide").show(ui, |ui| {
            for (heading, text) in GUIDE {
                ui.label(RichText::new(*heading).strong());
                ui.label(*text);
                ui.add_space(space::ITEM / 2.0);
            }
            for command in [Command::Run, Command::Stop, Command::StepForward, Command::StepBack] {
                if let Some(spec) = commands::spec_of(&command) {
                    let keys = commands::shortcut_text(ui.ctx(), spec);
                    ui.label(RichText::new(format!("{}: {keys}", spec.label)).color(palette.weak));
                }
            }
        });
    });
}

/// The files of the catalogue that did not load, each with its file and line.
fn load_errors(ui: &mut Ui, catalog: &Catalog, palette: Palette) {
    if catalog.errors.is_empty() {
        return;
    }
    let builder = egui::UiBuilder::new().accessibility_label("Lesson files that did not load");
    ui.scope_builder(builder, |ui| {
        Frame::new()
            .stroke(egui::Stroke::new(1.0, palette.error))
            .corner_radius(4.0)
            .inner_margin(Margin::same(space::LESSON_BLOCK_MARGIN))
            .show(ui, |ui| {
                ui.set_width(ui.available_width());
                let count = catalog.errors.len();
                let heading = if count == 1 {
                    "1 lesson file did not load:".to_owned()
                } else {
                    format!("{count} lesson files did not load:")
                };
                ui.label(RichText::new(heading).strong().color(palette.error));
                for error in &catalog.errors {
                    ui.add(egui::Label::new(RichText::new(error.to_string()).color(palette.error)).wrap());
                }
            });
    });
    ui.add_space(space::ITEM);
}

pub fn search_results(ui: &mut Ui, catalog: &Catalog, hits: &[SearchHit], nav: &mut Option<Nav>) {
    let palette = Palette::of(ui);
    ScrollArea::vertical().id_salt("lesson_search_results").auto_shrink(false).show(ui, |ui| {
        if hits.is_empty() {
            ui.label(RichText::new("No lesson mentions that.").color(palette.weak));
            return;
        }
        let found = if hits.len() == 1 { "1 match".to_owned() } else { format!("{} matches", hits.len()) };
        ui.label(RichText::new(found).color(palette.weak));
        let mut last_lesson: Option<&str> = None;
        for hit in hits.iter().take(MAX_HITS_SHOWN) {
            let Some(lesson) = catalog.lesson(&hit.lesson_id) else { continue };
            if last_lesson != Some(lesson.id.as_str()) {
                ui.add_space(space::ITEM);
                ui.label(RichText::new(&lesson.title).strong());
                last_lesson = Some(lesson.id.as_str());
            }
            let section = lesson.sections.get(hit.section_index).map_or("", |section| section.title.as_str());
            let mut job = egui::text::LayoutJob::default();
            // Wrapped to the pane: a laid-out job keeps its own wrap width, which would widen the pane.
            job.wrap.max_width = ui.available_width() - 2.0 * ui.spacing().button_padding.x;
            RichText::new(format!("{section}: ")).color(palette.name).append_to(
                &mut job,
                ui.style(),
                egui::FontSelection::Default,
                egui::Align::LEFT,
            );
            let snippet = plain_snippet(&hit.snippet);
            RichText::new(&snippet).append_to(&mut job, ui.style(), egui::FontSelection::Default, egui::Align::LEFT);
            let response = ui
                .add(Button::new(job).frame(false).wrap())
                .on_hover_text(format!("Open “{}” at this section", lesson.title))
                .accessible_name(format!("{}, {section}: {snippet}", lesson.title));
            if response.clicked() {
                *nav = Some(Nav::Open { id: lesson.id.clone(), section: hit.section_index });
            }
        }
        if hits.len() > MAX_HITS_SHOWN {
            ui.label(
                RichText::new(format!("and {} more; narrow the search", hits.len() - MAX_HITS_SHOWN))
                    .color(palette.weak),
            );
        }
    });
}

/// A search snippet without the Markdown marks that read as noise out of context: code ticks, bold,
/// and list, quote and heading markers at its start.
fn plain_snippet(snippet: &str) -> String {
    let text = snippet.trim_start_matches(['#', '>', ' ']);
    let text = text.strip_prefix("- ").or_else(|| text.strip_prefix("* ")).unwrap_or(text);
    text.replace('`', "").replace("**", "")
}

#[cfg(test)]
mod tests {
    use super::plain_snippet;

    #[test]
    fn snippets_lose_their_markdown_marks() {
        assert_eq!(plain_snippet("- `copy.copy` duplicates **one** level"), "copy.copy duplicates one level");
        assert_eq!(plain_snippet("### `is` versus `==`"), "is versus ==");
        assert_eq!(plain_snippet("total = a * b"), "total = a * b");
    }
}
