//! The notice area under the toolbar: what the learner must know about their data (a damaged file
//! set aside, a file from a newer pyxray, a note changed elsewhere, a save that fails, an import that
//! was refused), each with the store's exact message and a Dismiss button. Hidden when empty.

use egui::{Frame, RichText, ScrollArea, Ui};

use super::Command;
use super::theme::{Palette, space};
use crate::store::{LessonId, StoreWarning, WarningKind};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// Done as asked ("Progress imported ..."), or good news ("saved after all").
    Info,
    /// Something was moved, adjusted or is read-only; nothing is lost.
    Warning,
    /// Something could not be done or saved.
    Error,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub id: u64,
    pub level: Level,
    pub text: String,
    /// The store's kind, for notices that came from the store.
    pub kind: Option<WarningKind>,
    /// The lesson whose note the notice is about.
    pub lesson: Option<LessonId>,
}

#[derive(Default)]
pub struct NoticeArea {
    notices: Vec<Notice>,
    next_id: u64,
}

impl NoticeArea {
    pub fn push(&mut self, level: Level, text: impl Into<String>) {
        self.add(level, text.into(), None, None);
    }

    /// A warning from the store, with its message exactly as the store wrote it.
    pub fn push_warning(&mut self, warning: StoreWarning) {
        let level = match warning.kind {
            WarningKind::SaveRecovered | WarningKind::SecondInstance => Level::Info,
            WarningKind::CorruptFileSetAside
            | WarningKind::NewerSchemaVersion
            | WarningKind::ValueAdjusted
            | WarningKind::NoteConflict => Level::Warning,
            WarningKind::SaveFailed | WarningKind::DataFolderProblem => Level::Error,
        };
        self.add(level, warning.message, Some(warning.kind), warning.lesson);
    }

    fn add(&mut self, level: Level, text: String, kind: Option<WarningKind>, lesson: Option<LessonId>) {
        // The same message twice (say, an import refused twice) is shown once, as the newest.
        self.notices.retain(|notice| notice.text != text);
        self.next_id += 1;
        self.notices.push(Notice { id: self.next_id, level, text, kind, lesson });
    }

    /// `None` dismisses every notice.
    pub fn dismiss(&mut self, id: Option<u64>) {
        match id {
            Some(id) => self.notices.retain(|notice| notice.id != id),
            None => self.notices.clear(),
        }
    }

    pub fn notices(&self) -> &[Notice] {
        &self.notices
    }

    pub fn is_empty(&self) -> bool {
        self.notices.is_empty()
    }

    /// The newest conflict notice about this lesson's note that is still shown.
    pub fn conflict_about(&self, lesson: &LessonId) -> Option<&Notice> {
        self.notices
            .iter()
            .rev()
            .find(|notice| notice.kind == Some(WarningKind::NoteConflict) && notice.lesson.as_ref() == Some(lesson))
    }

    pub fn ui(&mut self, ui: &mut Ui) -> Vec<Command> {
        let mut commands = Vec::new();
        let palette = Palette::of(ui);
        ScrollArea::vertical().id_salt("notices_scroll").max_height(space::NOTICES_MAX_HEIGHT).show(ui, |ui| {
            for notice in self.notices.iter().rev() {
                notice_row(ui, palette, notice, &mut commands);
            }
        });
        if self.notices.len() > 1
            && ui
                .button("Dismiss all")
                .on_hover_text("Close every notice above")
                .accessible_name("Dismiss all notices")
                .clicked()
        {
            commands.push(Command::DismissNotice(None));
        }
        commands
    }
}

fn notice_row(ui: &mut Ui, palette: Palette, notice: &Notice, commands: &mut Vec<Command>) {
    let color = level_color(palette, notice.level);
    Frame::new().fill(ui.visuals().faint_bg_color).inner_margin(egui::Margin::symmetric(6, 4)).show(ui, |ui| {
        let row = ui.horizontal(|ui| {
            ui.add_space(space::NOTICE_BAR + space::ITEM / 2.0);
            let dismiss_width = ui.spacing().interact_size.x * 2.0;
            let text_width = (ui.available_width() - dismiss_width - space::ITEM).max(100.0);
            ui.allocate_ui_with_layout(egui::vec2(text_width, 0.0), egui::Layout::top_down(egui::Align::Min), |ui| {
                ui.set_width(text_width);
                let label = RichText::new(format!("{}: {}", level_word(notice.level), notice.text)).color(color);
                ui.add(egui::Label::new(label).wrap().selectable(true));
            });
            if ui.button("Dismiss").on_hover_text("Close this notice").accessible_name("Dismiss notice").clicked() {
                commands.push(Command::DismissNotice(Some(notice.id)));
            }
        });
        let rect = row.response.rect;
        let bar = egui::Rect::from_min_size(rect.min, egui::vec2(space::NOTICE_BAR, rect.height()));
        ui.painter().rect_filled(bar, 1.0, color);
    });
}

fn level_color(palette: Palette, level: Level) -> egui::Color32 {
    match level {
        Level::Info => palette.ok,
        Level::Warning => palette.warn,
        Level::Error => palette.error,
    }
}

/// Said in words as well as in colour.
fn level_word(level: Level) -> &'static str {
    match level {
        Level::Info => "Info",
        Level::Warning => "Warning",
        Level::Error => "Problem",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_message_is_shown_once_and_dismissing_removes_it() {
        let mut area = NoticeArea::default();
        area.push(Level::Error, "refused");
        area.push(Level::Info, "done");
        area.push(Level::Error, "refused");
        let texts: Vec<&str> = area.notices().iter().map(|notice| notice.text.as_str()).collect();
        assert_eq!(texts, ["done", "refused"]);
        let id = area.notices()[0].id;
        area.dismiss(Some(id));
        assert_eq!(area.notices().len(), 1);
        area.dismiss(None);
        assert!(area.is_empty());
    }
}
