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
    /// Inside each pane of the workspace, around its content.
    pub const PANE_MARGIN: i8 = 6;
    /// Between the workspace's panes (also the handle for resizing them).
    pub const PANE_GAP: f32 = 4.0;
    /// Width of a filter box above a list.
    pub const FILTER_WIDTH: f32 = 180.0;
    /// Width of the playback speed picker.
    pub const SPEED_WIDTH: f32 = 90.0;
    /// Room for "step 12,345 of 99,999 (recording)" left of the timeline.
    pub const STEP_LABEL_WIDTH: f32 = 200.0;
    /// Narrowest the step slider gets.
    pub const SLIDER_WIDTH: f32 = 160.0;
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
    /// How far each level of the Modules pane's import tree is indented.
    pub const IMPORT_TREE_INDENT: f32 = 16.0;
    /// Width of each time column (self, cumulative) in the import tree.
    pub const IMPORT_TIME_WIDTH: f32 = 84.0;
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

/// Presenter mode (View → Presenter mode): the same panels, read by a room from afar. It is a
/// theme: a larger zoom on top of the learner's, larger text, and plain black on white (or white on
/// black) with nothing faint.
pub mod presenter {
    use egui::{Color32, FontFamily, FontId, Style, TextStyle};

    /// The presenter's zoom is the learner's zoom times this.
    pub const ZOOM_FACTOR: f32 = 1.6;
    /// Text sizes at zoom 1 (the zoom above multiplies them).
    pub const SLIDE_TITLE: f32 = 30.0;
    pub const BODY: f32 = 18.0;
    pub const CODE: f32 = 17.0;
    pub const SMALL: f32 = 14.0;
    /// Around a slide's text.
    pub const SLIDE_MARGIN: i8 = 14;
    /// Share of the width the slide's text takes; the live panel takes the rest.
    pub const SLIDE_SHARE: f32 = 0.42;
    /// Share of the live area's height the Output strip takes below the lesson's panel.
    pub const OUTPUT_SHARE: f32 = 0.25;
    /// Width of the speaker's column (notes, next slide) in the presenter window.
    pub const NOTES_WIDTH: f32 = 260.0;
    /// The audience window's size when it first opens (it can then go to the projector), in points
    /// at the presenter zoom: 1280 x 720 pixels at 1.6.
    pub const AUDIENCE_SIZE: [f32; 2] = [800.0, 450.0];
    /// Where a platform has one window only, the audience "window" is a preview inside it, this big.
    pub const AUDIENCE_PREVIEW_SIZE: [f32; 2] = [560.0, 340.0];

    /// The spot that follows the mouse (Pointer), in points.
    pub const POINTER_RADIUS: f32 = 32.0;
    /// The heap's motion between steps in presenter mode: slower than the workbench's, so a room
    /// can follow an object to its new place.
    pub const HEAP_MOTION_SECS: f32 = 0.45;
    /// How far the heap diagram may be zoomed in to fill its panel: a small diagram at 1:1 is too
    /// small to read from the back of a room.
    pub const HEAP_FIT_ZOOM: f32 = 2.0;
    /// Bookmark ticks on the timeline and in the speaker column, in points.
    pub const BOOKMARK_TICK: f32 = 4.0;

    /// What Spotlight lays over everything but the focused part: dark enough that the lit part
    /// stands out on a washed-out projector, light enough that the rest is still there.
    pub fn spotlight_shade() -> Color32 {
        Color32::from_black_alpha(0xb0)
    }

    /// The outline around the part Spotlight leaves lit.
    pub fn spotlight_ring(dark: bool) -> Color32 {
        accent(dark)
    }

    /// Bookmark ticks: the accent, so they read as the presenter's marks.
    pub fn bookmark(dark: bool) -> Color32 {
        accent(dark)
    }

    pub fn zoom(learner_zoom: f32) -> f32 {
        super::zoom::clamp(learner_zoom * ZOOM_FACTOR)
    }

    /// Inside the pointer spot: a warm red that shows on black and on white, see-through.
    pub fn pointer_fill() -> Color32 {
        Color32::from_rgba_unmultiplied(0xff, 0x3b, 0x30, 0x60)
    }

    pub fn pointer_ring() -> Color32 {
        Color32::from_rgb(0xff, 0x3b, 0x30)
    }

    /// Text that must be read from the back of a room: pure black or white.
    pub fn text(dark: bool) -> Color32 {
        if dark { Color32::WHITE } else { Color32::BLACK }
    }

    /// Behind a slide.
    pub fn background(dark: bool) -> Color32 {
        if dark { Color32::BLACK } else { Color32::WHITE }
    }

    /// The slide and step counters, the timer.
    pub fn accent(dark: bool) -> Color32 {
        if dark { Color32::from_rgb(0xff, 0xd8, 0x4d) } else { Color32::from_rgb(0x00, 0x3f, 0xa8) }
    }

    /// Applies presenter sizes and contrast to one `Ui`'s style (the normal style is never touched,
    /// so leaving presenter mode has nothing to undo).
    pub fn apply(style: &mut Style) {
        let dark = style.visuals.dark_mode;
        style.text_styles.insert(TextStyle::Body, FontId::new(BODY, FontFamily::Proportional));
        style.text_styles.insert(TextStyle::Button, FontId::new(BODY, FontFamily::Proportional));
        style.text_styles.insert(TextStyle::Small, FontId::new(SMALL, FontFamily::Proportional));
        style.text_styles.insert(TextStyle::Heading, FontId::new(SLIDE_TITLE, FontFamily::Proportional));
        style.text_styles.insert(TextStyle::Monospace, FontId::new(CODE, FontFamily::Monospace));
        let visuals = &mut style.visuals;
        visuals.panel_fill = background(dark);
        visuals.window_fill = background(dark);
        visuals.widgets.noninteractive.fg_stroke.color = text(dark);
        visuals.widgets.inactive.fg_stroke.color = text(dark);
        visuals.extreme_bg_color = if dark { Color32::from_gray(0x1c) } else { Color32::from_gray(0xf0) };
        visuals.faint_bg_color = if dark { Color32::from_gray(0x14) } else { Color32::from_gray(0xf6) };
    }
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
    /// The gutter's arrow at the line about to run.
    pub next_line_arrow: Color32,
    /// The gutter's arrow at the line just run (in the frame shown).
    pub just_run_arrow: Color32,
    /// A breakpoint's dot in the gutter.
    pub breakpoint: Color32,
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
    /// Behind what the user picked to look at (a source line's instructions in the Bytecode panel).
    pub selection_bg: Color32,
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
        next_line_arrow: Color32::from_rgb(0x58, 0xa6, 0xff),
        just_run_arrow: Color32::from_rgb(0x56, 0xd3, 0x64),
        breakpoint: Color32::from_rgb(0xf8, 0x51, 0x49),
        stdout: Color32::from_rgb(0xdc, 0xdc, 0xdc),
        stderr: Color32::from_rgb(0xff, 0x7b, 0x72),
        id_text: Color32::from_rgb(0x8c, 0x9a, 0xab),
        type_name: Color32::from_rgb(0x79, 0xc0, 0xff),
        name: Color32::from_rgb(0xf2, 0xcc, 0x60),
        changed_bg: Color32::from_rgb(0x23, 0x4d, 0x2c),
        selection_bg: Color32::from_rgb(0x4a, 0x3b, 0x1c),
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
        next_line_arrow: Color32::from_rgb(0x09, 0x69, 0xda),
        just_run_arrow: Color32::from_rgb(0x1a, 0x7f, 0x37),
        breakpoint: Color32::from_rgb(0xcf, 0x22, 0x2e),
        stdout: Color32::from_rgb(0x1f, 0x23, 0x28),
        stderr: Color32::from_rgb(0xb3, 0x1d, 0x28),
        id_text: Color32::from_rgb(0x57, 0x60, 0x6a),
        type_name: Color32::from_rgb(0x05, 0x50, 0xae),
        name: Color32::from_rgb(0x7d, 0x4e, 0x00),
        changed_bg: Color32::from_rgb(0xd3, 0xf5, 0xdb),
        selection_bg: Color32::from_rgb(0xff, 0xec, 0xb8),
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

/// The heap diagram (`ui::heap`): sizes in points at zoom 1. One monospace size, so text widths are
/// known without egui's fonts (the CLI lays out the same diagram); the screen scales it by its zoom.
pub mod diagram {
    pub const FONT_SIZE: f32 = 13.0;
    /// The advance of one character of Hack (egui's monospace font), in ems.
    pub const CHAR_WIDTH_EM: f32 = 0.602;
    pub const CHAR_WIDTH: f32 = FONT_SIZE * CHAR_WIDTH_EM;
    pub const ROW_HEIGHT: f32 = 22.0;
    pub const HEADER_HEIGHT: f32 = 26.0;
    /// Left and right of the text inside a box.
    pub const PAD: f32 = 8.0;
    /// Between a key column and its value column.
    pub const KEY_GAP: f32 = 10.0;
    /// Room for the dot an arrow leaves from.
    pub const DOT_CELL: f32 = 18.0;
    pub const DOT_RADIUS: f32 = 3.5;
    /// Between the frames and the first objects, and between an object and what it refers to.
    pub const COLUMN_GAP: f32 = 70.0;
    /// Between two boxes above each other.
    pub const BOX_GAP: f32 = 16.0;
    pub const CORNER: f32 = 5.0;
    pub const OUTLINE: f32 = 1.0;
    /// Outlines of what changed at this step, the hovered and the selected.
    pub const STRONG_OUTLINE: f32 = 2.5;
    pub const ARROW_WIDTH: f32 = 1.4;
    pub const ARROW_HEAD: f32 = 8.0;
    /// Characters of a primitive drawn inside its slot before it is cut with `…`.
    pub const INLINE_CHARS: usize = 28;
    /// Characters of a dict key before it is cut.
    pub const KEY_CHARS: usize = 20;
    /// Characters of an object's own value line.
    pub const VALUE_CHARS: usize = 40;
    /// Slots of a container drawn before "+N more".
    pub const SLOTS_SHOWN: usize = 12;
    /// Around the whole diagram (and the exported picture).
    pub const MARGIN: f32 = 20.0;
    /// Below this many pixels per character on screen, text is left out (it could not be read).
    pub const MIN_READABLE_FONT_PX: f32 = 4.0;
    /// The zoom the view allows.
    pub const MIN_ZOOM: f32 = 0.01;
    pub const MAX_ZOOM: f32 = 2.5;
    /// Seconds objects take to slide to their new places (and new ones to fade in) when the step
    /// changes; the Reduce motion setting turns it off.
    pub const MOTION_SECS: f32 = 0.25;
}

/// Colours of the heap diagram, on screen and in exported SVG and PNG files.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DiagramPalette {
    pub background: Color32,
    pub frame_fill: Color32,
    pub frame_header: Color32,
    pub object_fill: Color32,
    pub object_header: Color32,
    pub border: Color32,
    pub text: Color32,
    pub weak: Color32,
    pub name: Color32,
    pub type_name: Color32,
    pub id_text: Color32,
    pub arrow: Color32,
    /// Arrows and outlines of what the pointer is over.
    pub hover: Color32,
    pub selection: Color32,
    /// Objects new at this step.
    pub new: Color32,
    /// Objects changed at this step, names bound at this step.
    pub changed: Color32,
    /// Behind a name or slot bound at this step.
    pub changed_row: Color32,
    pub badge_fill: Color32,
    pub badge_text: Color32,
}

impl DiagramPalette {
    pub const DARK: DiagramPalette = DiagramPalette {
        background: Color32::from_rgb(0x1b, 0x1e, 0x24),
        frame_fill: Color32::from_rgb(0x26, 0x2b, 0x33),
        frame_header: Color32::from_rgb(0x31, 0x38, 0x44),
        object_fill: Color32::from_rgb(0x23, 0x2a, 0x36),
        object_header: Color32::from_rgb(0x2c, 0x3a, 0x50),
        border: Color32::from_rgb(0x4a, 0x53, 0x62),
        text: Color32::from_rgb(0xe2, 0xe6, 0xec),
        weak: Color32::from_rgb(0x9a, 0xa3, 0xb0),
        name: Color32::from_rgb(0xf2, 0xcc, 0x60),
        type_name: Color32::from_rgb(0x79, 0xc0, 0xff),
        id_text: Color32::from_rgb(0x9a, 0xa8, 0xb9),
        arrow: Color32::from_rgb(0x8b, 0x95, 0xa5),
        hover: Color32::from_rgb(0xff, 0xa6, 0x57),
        selection: Color32::from_rgb(0x58, 0xa6, 0xff),
        new: Color32::from_rgb(0x56, 0xd3, 0x64),
        changed: Color32::from_rgb(0xe3, 0xb3, 0x41),
        changed_row: Color32::from_rgb(0x4a, 0x3f, 0x1c),
        badge_fill: Color32::from_rgb(0x3a, 0x42, 0x50),
        badge_text: Color32::from_rgb(0xc8, 0xd0, 0xdb),
    };

    pub const LIGHT: DiagramPalette = DiagramPalette {
        background: Color32::from_rgb(0xfb, 0xfb, 0xfc),
        frame_fill: Color32::from_rgb(0xf3, 0xf4, 0xf6),
        frame_header: Color32::from_rgb(0xe1, 0xe5, 0xea),
        object_fill: Color32::from_rgb(0xff, 0xff, 0xff),
        object_header: Color32::from_rgb(0xdd, 0xea, 0xfa),
        border: Color32::from_rgb(0x9a, 0xa4, 0xb1),
        text: Color32::from_rgb(0x1f, 0x23, 0x28),
        weak: Color32::from_rgb(0x5c, 0x66, 0x70),
        name: Color32::from_rgb(0x7d, 0x4e, 0x00),
        type_name: Color32::from_rgb(0x05, 0x50, 0xae),
        id_text: Color32::from_rgb(0x57, 0x60, 0x6a),
        arrow: Color32::from_rgb(0x5c, 0x66, 0x74),
        hover: Color32::from_rgb(0xd1, 0x5b, 0x00),
        selection: Color32::from_rgb(0x09, 0x69, 0xda),
        new: Color32::from_rgb(0x1a, 0x7f, 0x37),
        changed: Color32::from_rgb(0xb0, 0x7a, 0x00),
        changed_row: Color32::from_rgb(0xff, 0xf1, 0xc2),
        badge_fill: Color32::from_rgb(0xe6, 0xe9, 0xee),
        badge_text: Color32::from_rgb(0x3b, 0x44, 0x4f),
    };

    pub fn for_dark_mode(dark: bool) -> DiagramPalette {
        if dark { DiagramPalette::DARK } else { DiagramPalette::LIGHT }
    }
}

/// The Internals pane (`ui::internals`): sizes in points.
pub mod internals {
    /// One slot of a list's row or a hash table's index.
    pub const SLOT_WIDTH: f32 = 46.0;
    pub const SLOT_HEIGHT: f32 = 40.0;
    pub const SLOT_GAP: f32 = 3.0;
    pub const SLOT_CORNER: u8 = 3;
    /// Between a slot's edge and its number.
    pub const SLOT_PAD: f32 = 3.0;
    /// A slot's number (top left) and probe step (top right).
    pub const SLOT_INDEX_FONT: f32 = 10.0;
    /// What the slot holds (monospace).
    pub const SLOT_TEXT_FONT: f32 = 12.0;
    pub const SLOT_OUTLINE: f32 = 1.0;
    /// The outline of a slot on the chosen entry's probe sequence, or holding a collided entry.
    pub const SLOT_STRONG_OUTLINE: f32 = 2.5;
    /// Slots drawn before "+N more" (a big table would be a very long row).
    pub const SLOTS_SHOWN: usize = 64;
    /// Characters of an item's repr inside a slot.
    pub const SLOT_CHARS: usize = 5;
    /// Characters of a key or value repr in the entries table.
    pub const KEY_CHARS: usize = 24;
    /// Rows of the entries table drawn before "+N more".
    pub const ENTRIES_SHOWN: usize = 200;
    pub const PLOT_HEIGHT: f32 = 170.0;
    pub const PLOT_LINE: f32 = 2.0;
    /// Between the pane's sections.
    pub const GAP: f32 = 8.0;
    /// Identity badges.
    pub const CHIP_CORNER: u8 = 8;
    pub const CHIP_MARGIN: egui::Margin = egui::Margin::symmetric(6, 1);
    /// The flag badges drawn on heap boxes' headers (diagram coordinates).
    pub const HEAP_BADGE_FONT: f32 = 10.0;
    pub const HEAP_BADGE_PAD: f32 = 4.0;
    pub const HEAP_BADGE_HEIGHT: f32 = 14.0;
}

/// Colours of the Internals pane's slots and tables, one set per theme.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct InternalsPalette {
    /// A slot holding an item or an entry.
    pub filled: Color32,
    pub filled_text: Color32,
    /// The outline of an allocated slot nothing is in yet (drawn hollow).
    pub empty_outline: Color32,
    /// A deleted entry's tombstone.
    pub dummy: Color32,
    /// An entry that is not in its home slot (it collided), and its slot.
    pub collision: Color32,
    /// The chosen entry's probe sequence.
    pub probe: Color32,
    /// The low bits of a hash that pick the home slot.
    pub low_bits: Color32,
    /// The plot's lines.
    pub length_line: Color32,
    pub capacity_line: Color32,
    /// Flag badges on heap boxes.
    pub heap_badge_fill: Color32,
    pub heap_badge_text: Color32,
}

impl InternalsPalette {
    pub const DARK: InternalsPalette = InternalsPalette {
        filled: Color32::from_rgb(0x2c, 0x3a, 0x50),
        filled_text: Color32::from_rgb(0xe2, 0xe6, 0xec),
        empty_outline: Color32::from_rgb(0x6a, 0x73, 0x82),
        dummy: Color32::from_rgb(0x5a, 0x24, 0x2a),
        collision: Color32::from_rgb(0xff, 0x9f, 0x43),
        probe: Color32::from_rgb(0x58, 0xa6, 0xff),
        low_bits: Color32::from_rgb(0x56, 0xd3, 0x64),
        length_line: Color32::from_rgb(0x56, 0xd3, 0x64),
        capacity_line: Color32::from_rgb(0x79, 0xc0, 0xff),
        heap_badge_fill: Color32::from_rgb(0x4a, 0x3b, 0x1c),
        heap_badge_text: Color32::from_rgb(0xf2, 0xcc, 0x60),
    };

    pub const LIGHT: InternalsPalette = InternalsPalette {
        filled: Color32::from_rgb(0xdd, 0xea, 0xfa),
        filled_text: Color32::from_rgb(0x1f, 0x23, 0x28),
        empty_outline: Color32::from_rgb(0x9a, 0xa4, 0xb1),
        dummy: Color32::from_rgb(0xff, 0xd7, 0xd5),
        collision: Color32::from_rgb(0xc2, 0x4e, 0x00),
        probe: Color32::from_rgb(0x09, 0x69, 0xda),
        low_bits: Color32::from_rgb(0x1a, 0x7f, 0x37),
        length_line: Color32::from_rgb(0x1a, 0x7f, 0x37),
        capacity_line: Color32::from_rgb(0x05, 0x50, 0xae),
        heap_badge_fill: Color32::from_rgb(0xff, 0xec, 0xb8),
        heap_badge_text: Color32::from_rgb(0x7d, 0x4e, 0x00),
    };

    pub fn for_dark_mode(dark: bool) -> InternalsPalette {
        if dark { InternalsPalette::DARK } else { InternalsPalette::LIGHT }
    }

    pub fn of(ui: &egui::Ui) -> InternalsPalette {
        InternalsPalette::for_dark_mode(ui.visuals().dark_mode)
    }
}

/// The Threads pane (`ui::threads`): sizes in points.
pub mod threads {
    /// The timeline plot: its height grows by `LANE_HEIGHT` per thread, from `PLOT_MIN_HEIGHT`.
    pub const PLOT_MIN_HEIGHT: f32 = 120.0;
    pub const LANE_HEIGHT: f32 = 34.0;
    /// A span's bar, as a share of its lane (plot units: one lane is 1.0).
    pub const BAR_WIDTH: f64 = 0.6;
    /// The outline of the span that holds the step shown.
    pub const CURRENT_SPAN_OUTLINE: f32 = 2.5;
    /// The vertical line at the step shown.
    pub const MARKER_WIDTH: f32 = 1.5;
    /// Between the y axis's thread names and the plot.
    pub const AXIS_PAD: f32 = 8.0;
    /// The list of spans under the plot (scrolls beyond this).
    pub const SPAN_LIST_HEIGHT: f32 = 180.0;
    /// Between the pane's sections.
    pub const GAP: f32 = 8.0;
}

/// Colours of the Threads pane: one per thread lane (reused round-robin) and one per task state.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ThreadsPalette {
    pub lanes: [Color32; 6],
    /// The outline of the span holding the step shown, and the marker at that step.
    pub current: Color32,
    pub pending: Color32,
    pub running: Color32,
    pub done: Color32,
    pub cancelled: Color32,
    pub failed: Color32,
}

impl ThreadsPalette {
    pub const DARK: ThreadsPalette = ThreadsPalette {
        lanes: [
            Color32::from_rgb(0x58, 0xa6, 0xff),
            Color32::from_rgb(0x56, 0xd3, 0x64),
            Color32::from_rgb(0xf2, 0xcc, 0x60),
            Color32::from_rgb(0xd2, 0xa8, 0xff),
            Color32::from_rgb(0xff, 0x9f, 0x43),
            Color32::from_rgb(0x39, 0xc5, 0xcf),
        ],
        current: Color32::from_rgb(0xff, 0xff, 0xff),
        pending: Color32::from_rgb(0xf2, 0xcc, 0x60),
        running: Color32::from_rgb(0x56, 0xd3, 0x64),
        done: Color32::from_rgb(0x8b, 0x94, 0x9e),
        cancelled: Color32::from_rgb(0xd2, 0xa8, 0xff),
        failed: Color32::from_rgb(0xff, 0x7b, 0x72),
    };

    pub const LIGHT: ThreadsPalette = ThreadsPalette {
        lanes: [
            Color32::from_rgb(0x09, 0x69, 0xda),
            Color32::from_rgb(0x1a, 0x7f, 0x37),
            Color32::from_rgb(0x9a, 0x67, 0x00),
            Color32::from_rgb(0x82, 0x50, 0xdf),
            Color32::from_rgb(0xc2, 0x4e, 0x00),
            Color32::from_rgb(0x1b, 0x7c, 0x83),
        ],
        current: Color32::from_rgb(0x1f, 0x23, 0x28),
        pending: Color32::from_rgb(0x9a, 0x67, 0x00),
        running: Color32::from_rgb(0x1a, 0x7f, 0x37),
        done: Color32::from_rgb(0x57, 0x60, 0x6a),
        cancelled: Color32::from_rgb(0x82, 0x50, 0xdf),
        failed: Color32::from_rgb(0xcf, 0x22, 0x2e),
    };

    pub fn for_dark_mode(dark: bool) -> ThreadsPalette {
        if dark { ThreadsPalette::DARK } else { ThreadsPalette::LIGHT }
    }

    pub fn of(ui: &egui::Ui) -> ThreadsPalette {
        ThreadsPalette::for_dark_mode(ui.visuals().dark_mode)
    }

    /// The colour of thread `thread`'s lane.
    pub fn lane(&self, thread: u32) -> Color32 {
        self.lanes[thread as usize % self.lanes.len()]
    }
}
