//! Drawing helpers shared by the lesson blocks: highlighted code, the frame around an interactive
//! block, and Markdown.

use egui::accesskit::Role;
use egui::text::LayoutJob;
use egui::{Frame, Label, Margin, RichText, ScrollArea, TextWrapMode, Ui, UiBuilder};
use egui_commonmark::{CommonMarkCache, CommonMarkViewer};
use egui_extras::syntax_highlighting::{self, CodeTheme};

use crate::ui::theme::{self, Palette, space};

/// Code in a monospace frame, highlighted when `language` is known (highlighting is memoized by
/// egui_extras). Long lines scroll sideways instead of wrapping. `id_salt` keeps the scroll apart.
pub fn code_view(ui: &mut Ui, id_salt: impl egui::AsIdSalt, code: &str, language: &str) {
    let code_theme =
        if ui.visuals().dark_mode { CodeTheme::dark(theme::font::CODE) } else { CodeTheme::light(theme::font::CODE) };
    let mut job = if language.is_empty() || language == "text" {
        LayoutJob::simple(code.to_owned(), theme::code_font(), ui.visuals().text_color(), f32::INFINITY)
    } else {
        syntax_highlighting::highlight(ui.ctx(), ui.style(), &code_theme, code, language)
    };
    job.wrap.max_width = f32::INFINITY;
    code_frame(ui, |ui| {
        // A bar of its own below the code, rather than one floating over the last line.
        ui.spacing_mut().scroll = egui::style::ScrollStyle::solid();
        ScrollArea::horizontal().id_salt(id_salt).auto_shrink([false, true]).show(ui, |ui| {
            ui.add(Label::new(job).wrap_mode(TextWrapMode::Extend).selectable(true));
        });
    });
}

/// The full-width dark frame that code and program output sit in.
pub fn code_frame(ui: &mut Ui, add: impl FnOnce(&mut Ui)) {
    Frame::new()
        .fill(ui.visuals().extreme_bg_color)
        .inner_margin(Margin::same(space::LESSON_CODE_MARGIN))
        .corner_radius(4.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            add(ui);
        });
}

/// An interactive block: a tinted frame named `label` for screen readers (and tests), with a title
/// (and a tick before it when `done`).
pub fn block_frame<R>(ui: &mut Ui, label: &str, title: RichText, done: bool, add: impl FnOnce(&mut Ui) -> R) -> R {
    let builder = UiBuilder::new().accessibility_label(label).accessibility_role(Role::Group);
    ui.scope_builder(builder, |ui| {
        Frame::group(ui.style())
            .fill(ui.visuals().faint_bg_color)
            .inner_margin(Margin::same(space::LESSON_BLOCK_MARGIN))
            .show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.horizontal(|ui| {
                    if done {
                        status_icon(ui, true, "done");
                    }
                    ui.label(title);
                });
                add(ui)
            })
            .inner
    })
    .inner
}

/// Markdown through egui_commonmark (its parse of a short piece is cheap; highlighting of code
/// blocks is not, which is why `render` takes top-level code blocks out first).
pub fn markdown(ui: &mut Ui, cache: &mut CommonMarkCache, text: &str) {
    CommonMarkViewer::new().show(ui, cache, text);
}

/// A title in a block's colour: "Example", "Predict the output", "Exercise".
pub fn block_title(ui: &Ui, text: &str) -> RichText {
    RichText::new(text).strong().color(Palette::of(ui).type_name)
}

/// A painted tick (`done`) or cross, one text line high: the built-in fonts have neither glyph.
/// `name` is what a screen reader says for it.
pub fn status_icon(ui: &mut Ui, done: bool, name: &str) -> egui::Response {
    let palette = Palette::of(ui);
    let size = ui.text_style_height(&egui::TextStyle::Body);
    let (rect, response) = ui.allocate_exact_size(egui::vec2(size, size), egui::Sense::hover());
    let area = rect.shrink(size * 0.18);
    let color = if done { palette.ok } else { palette.error };
    let stroke = egui::Stroke::new((size * 0.14).max(1.5), color);
    if done {
        let points = vec![
            egui::pos2(area.left(), area.center().y),
            egui::pos2(area.left() + area.width() * 0.38, area.bottom()),
            egui::pos2(area.right(), area.top()),
        ];
        ui.painter().add(egui::Shape::line(points, stroke));
    } else {
        ui.painter().line_segment([area.left_top(), area.right_bottom()], stroke);
        ui.painter().line_segment([area.right_top(), area.left_bottom()], stroke);
    }
    let name = name.to_owned();
    response.widget_info(|| egui::WidgetInfo::labeled(Role::Image, true, name.clone()));
    response
}

/// An icon and a strong line of text in the icon's colour: "Right! …", "Not yet. …".
pub fn verdict_line(ui: &mut Ui, done: bool, text: &str) {
    let palette = Palette::of(ui);
    let color = if done { palette.ok } else { palette.error };
    ui.horizontal_wrapped(|ui| {
        status_icon(ui, done, if done { "right" } else { "wrong" });
        ui.label(RichText::new(text).strong().color(color));
    });
}
