//! Design tokens: every colour, spacing and font size the panels use, for the dark and the light theme.
//! Panels ask for `Palette::of(ui)` instead of naming colours, so both themes stay consistent.

use egui::{Color32, FontFamily, FontId, TextStyle};

/// Font sizes, in points.
pub mod font {
    pub const BODY: f32 = 14.0;
    pub const CODE: f32 = 14.0;
    pub const SMALL: f32 = 12.0;
    pub const HEADING: f32 = 18.0;
    pub const BUTTON: f32 = 14.0;
}

/// Spacing, in points.
pub mod space {
    /// Between widgets in a row.
    pub const ITEM: f32 = 8.0;
    /// Inside panels.
    pub const PANEL_MARGIN: i8 = 8;
    /// Between groups (a frame in the stack, a section of the lesson).
    pub const SECTION: f32 = 10.0;
    /// Left of the code, for line numbers.
    pub const GUTTER_PAD: f32 = 10.0;
    /// Width of the lesson pane at start.
    pub const LESSON_WIDTH: f32 = 380.0;
    /// Width of the panel area (Output, Stack, Heap, Modules) at start.
    pub const INSPECTOR_WIDTH: f32 = 470.0;
    /// Width of the step slider.
    pub const SLIDER_WIDTH: f32 = 260.0;
    /// The notes editor and its preview sit side by side from this width on, one above the other below it.
    pub const NOTES_SIDE_BY_SIDE_WIDTH: f32 = 620.0;
    /// Tallest the notice area (saving problems, imports) grows before it scrolls.
    pub const NOTICES_MAX_HEIGHT: f32 = 150.0;
    /// Width of the coloured bar left of a notice.
    pub const NOTICE_BAR: f32 = 4.0;
    /// Inside a lesson's code boxes.
    pub const LESSON_CODE_MARGIN: i8 = 6;
    /// Inside a lesson's example, predict and exercise frames.
    pub const LESSON_BLOCK_MARGIN: i8 = 8;
    /// Height of an example's chart.
    pub const LESSON_PLOT_HEIGHT: f32 = 200.0;
    /// A prediction and the real output sit side by side from this width on.
    pub const LESSON_SIDE_BY_SIDE_WIDTH: f32 = 420.0;
    /// Tallest the lesson's section menu grows before it scrolls.
    pub const LESSON_MENU_HEIGHT: f32 = 600.0;
}

/// Zoom (View menu: Zoom in, Zoom out, Actual size), saved in the settings. Zooming in is also the
/// presenter setting: every size in this file scales with it.
pub mod zoom {
    use crate::store::ZOOM_FACTOR_RANGE;

    pub const DEFAULT: f32 = 1.0;
    /// One Zoom in or Zoom out.
    pub const STEP: f32 = 0.1;

    /// A usable factor: inside the range the settings file accepts, `DEFAULT` for nonsense.
    pub fn clamp(factor: f32) -> f32 {
        if factor.is_finite() { factor.clamp(*ZOOM_FACTOR_RANGE.start(), *ZOOM_FACTOR_RANGE.end()) } else { DEFAULT }
    }

    pub fn larger(factor: f32) -> f32 {
        clamp(round(factor + STEP))
    }

    pub fn smaller(factor: f32) -> f32 {
        clamp(round(factor - STEP))
    }

    /// To the step, so repeated zooming never drifts (1.1 + 0.1 - 0.1 is exactly 1.1).
    fn round(factor: f32) -> f32 {
        (factor / STEP).round() * STEP
    }
}

/// Applies a zoom factor. egui's own zoom keys are switched off, so the command table's (which save
/// the zoom) are the only ones.
pub fn set_zoom(ctx: &egui::Context, factor: f32) {
    ctx.options_mut(|options| options.zoom_with_keyboard = false);
    ctx.set_zoom_factor(zoom::clamp(factor));
}

/// Characters of a repr shown in a row before it is cut with `...`.
pub const REPR_CHARS: usize = 120;

/// Colours with a meaning in pyxray, one set per theme.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Palette {
    /// Behind the line about to run.
    pub current_line_bg: Color32,
    /// Behind the line of an exception or syntax error.
    pub error_line_bg: Color32,
    /// Line numbers.
    pub gutter_text: Color32,
    /// The line number of the line about to run.
    pub gutter_current: Color32,
    pub stdout: Color32,
    pub stderr: Color32,
    /// Short object ids (`#0432`) and other secondary facts.
    pub id_text: Color32,
    /// Type names in the heap.
    pub type_name: Color32,
    /// Names bound in a frame.
    pub name: Color32,
    /// Behind something that changed at this step (a module just imported).
    pub changed_bg: Color32,
    /// Outcomes and worker states.
    pub ok: Color32,
    pub warn: Color32,
    pub error: Color32,
    /// Secondary text.
    pub weak: Color32,
}

impl Palette {
    pub const DARK: Palette = Palette {
        current_line_bg: Color32::from_rgb(0x2c, 0x44, 0x6a),
        error_line_bg: Color32::from_rgb(0x5a, 0x24, 0x2a),
        gutter_text: Color32::from_rgb(0x80, 0x86, 0x90),
        gutter_current: Color32::from_rgb(0xf0, 0xf0, 0xf0),
        stdout: Color32::from_rgb(0xdc, 0xdc, 0xdc),
        stderr: Color32::from_rgb(0xff, 0x7b, 0x72),
        id_text: Color32::from_rgb(0x8c, 0x9a, 0xab),
        type_name: Color32::from_rgb(0x79, 0xc0, 0xff),
        name: Color32::from_rgb(0xf2, 0xcc, 0x60),
        changed_bg: Color32::from_rgb(0x23, 0x4d, 0x2c),
        ok: Color32::from_rgb(0x56, 0xd3, 0x64),
        warn: Color32::from_rgb(0xe3, 0xb3, 0x41),
        error: Color32::from_rgb(0xff, 0x7b, 0x72),
        weak: Color32::from_rgb(0xa0, 0xa6, 0xb0),
    };

    pub const LIGHT: Palette = Palette {
        current_line_bg: Color32::from_rgb(0xcf, 0xe2, 0xff),
        error_line_bg: Color32::from_rgb(0xff, 0xd7, 0xd5),
        gutter_text: Color32::from_rgb(0x6e, 0x77, 0x81),
        gutter_current: Color32::from_rgb(0x1f, 0x23, 0x28),
        stdout: Color32::from_rgb(0x1f, 0x23, 0x28),
        stderr: Color32::from_rgb(0xb3, 0x1d, 0x28),
        id_text: Color32::from_rgb(0x57, 0x60, 0x6a),
        type_name: Color32::from_rgb(0x05, 0x50, 0xae),
        name: Color32::from_rgb(0x7d, 0x4e, 0x00),
        changed_bg: Color32::from_rgb(0xd3, 0xf5, 0xdb),
        ok: Color32::from_rgb(0x1a, 0x7f, 0x37),
        warn: Color32::from_rgb(0x9a, 0x67, 0x00),
        error: Color32::from_rgb(0xb3, 0x1d, 0x28),
        weak: Color32::from_rgb(0x57, 0x60, 0x6a),
    };

    pub fn for_dark_mode(dark: bool) -> Palette {
        if dark { Palette::DARK } else { Palette::LIGHT }
    }

    /// The palette matching the theme `ui` is drawn in.
    pub fn of(ui: &egui::Ui) -> Palette {
        Palette::for_dark_mode(ui.visuals().dark_mode)
    }
}

pub fn code_font() -> FontId {
    FontId::new(font::CODE, FontFamily::Monospace)
}

pub fn small_font() -> FontId {
    FontId::new(font::SMALL, FontFamily::Proportional)
}

/// Installs pyxray's sizes and spacing into both of egui's styles and picks the theme.
pub fn install(ctx: &egui::Context, dark: bool) {
    ctx.all_styles_mut(|style| {
        style.text_styles.insert(TextStyle::Body, FontId::new(font::BODY, FontFamily::Proportional));
        style.text_styles.insert(TextStyle::Button, FontId::new(font::BUTTON, FontFamily::Proportional));
        style.text_styles.insert(TextStyle::Small, small_font());
        style.text_styles.insert(TextStyle::Heading, FontId::new(font::HEADING, FontFamily::Proportional));
        style.text_styles.insert(TextStyle::Monospace, code_font());
        style.spacing.item_spacing.x = space::ITEM;
        style.spacing.button_padding = egui::vec2(8.0, 3.0);
    });
    ctx.set_theme(if dark { egui::Theme::Dark } else { egui::Theme::Light });
}
