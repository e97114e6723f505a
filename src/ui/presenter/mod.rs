//! Presenter mode: the open lesson as slides for a room, in a big, high-contrast theme without the
//! workbench's chrome. Each section is a slide (`slides`); entering a slide loads its example into
//! the editor and runs it, and Right / Left (PageDown / PageUp, what clickers send) then step through
//! its trace before moving to the next or previous slide.
//!
//! Two windows: the audience window (a second viewport, to drag onto the projector) shows the slide
//! and the live panel; the presenter's window shows the same plus the speaker's notes (the learner's
//! note of the lesson, read-only), the next slide's title, the clock and a talk timer.
//!
//! For a room: bookmarked steps of each example (`bookmarks`: jump to them, Play pauses at them),
//! Spotlight (everything but the part under the mouse dimmed, in both windows, `spotlight`) and a
//! pointer spot that follows the mouse.
//!
//! Like every panel it draws and returns commands; which slide is shown is its own state.

pub mod bookmarks;
mod clock;
pub mod slides;
mod spotlight;

use std::time::Instant;

use egui::accesskit::Role;
use egui::{Frame, Key, Margin, Modifiers, Panel, RichText, ScrollArea, Ui, UiBuilder, ViewportBuilder, ViewportId};
use egui_commonmark::{CommonMarkCache, CommonMarkViewer};
use egui_extras::syntax_highlighting::{self, CodeTheme};

use super::bytecode::BytecodePanel;
use super::commands::{self, Command, CommandStates, LessonRun};
use super::heap::HeapPanel;
use super::model::Model;
use super::modules::ModulesPanel;
use super::output::OutputPanel;
use super::stack::StackPanel;
use super::theme::presenter as look;
use crate::lessons::{Lesson, Panel as LessonPanel};
use slides::{Deck, Move, TraceAt};
use spotlight::Regions;
pub use spotlight::Spot;

/// The audience window's title.
pub const AUDIENCE_TITLE: &str = "pyxray — audience";
/// The accessible name of what the audience window shows.
pub const AUDIENCE_LABEL: &str = "Audience slide";

/// The panels a slide can show live, and what they read.
pub struct Live<'a> {
    pub model: &'a Model,
    pub heap: &'a mut HeapPanel,
    pub stack: &'a mut StackPanel,
    pub output: &'a mut OutputPanel,
    pub modules: &'a mut ModulesPanel,
    pub bytecode: &'a mut BytecodePanel,
    pub internals: &'a mut crate::ui::internals::InternalsPanel,
    pub threads: &'a mut crate::ui::threads::ThreadsPanel,
}

/// What the presenter draws from, besides its own state.
pub struct PresenterView<'a> {
    pub live: Live<'a>,
    /// The speaker's notes: the learner's note of the lesson.
    pub note: &'a str,
    pub states: &'a CommandStates,
    /// The code of the run the model holds.
    pub ran_code: Option<&'a str>,
    /// The bookmarked steps (0-based, sorted) of the example shown.
    pub bookmarks: &'a [u64],
}

/// Whether presenter mode is on, the deck, the slide shown and the talk timer.
pub struct PresenterState {
    on: bool,
    deck: Option<Deck>,
    slide: usize,
    /// The slide's example should be loaded and run as soon as no program is running.
    run_wanted: bool,
    /// A Stop was asked for so that the slide's example can run.
    stop_sent: bool,
    audience_open: bool,
    /// A spot follows the mouse, for pointing at things from afar.
    pointer_shown: bool,
    /// Spotlight: everything but this part is dimmed.
    spotlight: Option<Spot>,
    /// Where the parts of the slide were drawn in the window being drawn, for Spotlight.
    regions: Regions,
    timer_started: Instant,
    markdown: CommonMarkCache,
}

impl Default for PresenterState {
    fn default() -> Self {
        PresenterState {
            on: false,
            deck: None,
            slide: 0,
            run_wanted: false,
            stop_sent: false,
            audience_open: false,
            pointer_shown: false,
            spotlight: None,
            regions: Regions::default(),
            timer_started: Instant::now(),
            markdown: CommonMarkCache::default(),
        }
    }
}

impl PresenterState {
    pub fn is_on(&self) -> bool {
        self.on
    }

    /// The slide shown (0-based) and how many there are.
    pub fn position(&self) -> Option<(usize, usize)> {
        self.deck.as_ref().map(|deck| (self.slide, deck.len()))
    }

    pub fn audience_open(&self) -> bool {
        self.audience_open
    }

    pub fn pointer_shown(&self) -> bool {
        self.pointer_shown
    }

    pub fn toggle_pointer(&mut self) {
        self.pointer_shown = !self.pointer_shown;
    }

    /// The part Spotlight leaves lit, while it is on.
    pub fn spotlight(&self) -> Option<Spot> {
        self.spotlight
    }

    pub fn spotlight_on(&self) -> bool {
        self.spotlight.is_some()
    }

    /// Spotlight on (lighting the live panel until the mouse picks another part) or off.
    pub fn toggle_spotlight(&mut self) {
        self.spotlight = match self.spotlight {
            Some(_) => None,
            None => Some(Spot::Panel),
        };
    }

    /// Turns presenter mode on (at `section` of `lesson`) or off. Zoom and fullscreen follow: on, the
    /// presenter zoom of `learner_zoom`; off, exactly `learner_zoom` again, windowed.
    pub fn toggle(&mut self, ctx: &egui::Context, lesson: Option<&Lesson>, section: usize, learner_zoom: f32) {
        self.on = !self.on;
        if self.on {
            self.deck = lesson.map(Deck::of);
            let count = self.deck.as_ref().map_or(0, Deck::len);
            self.slide = section.min(count.saturating_sub(1));
            self.run_wanted = true;
            self.stop_sent = false;
            self.audience_open = true;
            self.timer_started = Instant::now();
            super::theme::set_zoom(ctx, look::zoom(learner_zoom));
        } else {
            self.deck = None;
            self.run_wanted = false;
            self.audience_open = false;
            self.spotlight = None;
            super::theme::set_zoom(ctx, learner_zoom);
        }
        ctx.send_viewport_cmd_to(ViewportId::ROOT, egui::ViewportCommand::Fullscreen(self.on));
    }

    /// The whole window in presenter mode, and the audience window.
    pub fn ui(&mut self, ui: &mut Ui, view: PresenterView<'_>) -> Vec<Command> {
        let mut out = Vec::new();
        let PresenterView { mut live, note, states, ran_code, bookmarks } = view;
        look::apply(ui.style_mut());
        self.take_keys(ui.ctx(), &live, ran_code, &mut out);
        self.run_slide_example(states, &mut out);
        let status = self.status_line(&live, ran_code);
        // The line about to run, marked in the slide's code while its trace is shown.
        let line = self.trace_at(live.model, ran_code).and(live.model.current().map(|snapshot| snapshot.line));

        Panel::top("presenter_bar").show(ui, |ui| {
            let builder = UiBuilder::new().accessibility_label("Presenter bar").accessibility_role(Role::Toolbar);
            ui.scope_builder(builder, |ui| self.bar(ui, &status, states, &mut out));
        });
        Panel::right("presenter_notes").resizable(true).default_size(look::NOTES_WIDTH).show(ui, |ui| {
            let builder = UiBuilder::new().accessibility_label("Speaker column").accessibility_role(Role::Note);
            ui.scope_builder(builder, |ui| self.speaker_column(ui, note, bookmarks, live.model.step(), &mut out));
        });
        egui::CentralPanel::default().show(ui, |ui| {
            let builder = UiBuilder::new().accessibility_label("Slide").accessibility_role(Role::Document);
            ui.scope_builder(builder, |ui| out.extend(self.slide_and_panel(ui, &mut live, line, "presenter")));
        });
        // Drawn last in this layer, so the shade covers the bar and the speaker column too.
        self.shade_unlit(ui);

        if self.pointer_shown {
            pointer_spot(ui.ctx());
        }
        if self.audience_open {
            out.extend(self.audience_window(ui.ctx(), &mut live, ran_code, &status, line));
        }
        // The clock and the timer tick even when nothing else happens.
        ui.ctx().request_repaint_after(std::time::Duration::from_secs(1));
        out
    }

    /// Right / PageDown, Left / PageUp, Escape (leave presenter mode).
    fn take_keys(&mut self, ctx: &egui::Context, live: &Live<'_>, ran_code: Option<&str>, out: &mut Vec<Command>) {
        let (mut forward, mut backward, mut leave) = (0, 0, false);
        ctx.input_mut(|input| {
            for key in [Key::ArrowRight, Key::PageDown] {
                while input.consume_key(Modifiers::NONE, key) {
                    forward += 1;
                }
            }
            for key in [Key::ArrowLeft, Key::PageUp] {
                while input.consume_key(Modifiers::NONE, key) {
                    backward += 1;
                }
            }
            leave = input.consume_key(Modifiers::NONE, Key::Escape);
        });
        // One move per frame: the next move depends on the step the last one shows.
        if forward > backward {
            self.go(true, live, ran_code, out);
        } else if backward > forward {
            self.go(false, live, ran_code, out);
        }
        if leave {
            out.push(Command::TogglePresenter);
        }
    }

    fn go(&mut self, forward: bool, live: &Live<'_>, ran_code: Option<&str>, out: &mut Vec<Command>) {
        let Some(deck) = &self.deck else { return };
        let trace = self.trace_at(live.model, ran_code);
        let step =
            if forward { slides::forward(self.slide, deck.len(), trace) } else { slides::backward(self.slide, trace) };
        match step {
            Move::Step(step) => out.push(Command::GoToStep(step)),
            Move::Slide(slide) => self.show_slide(slide),
            Move::Stay => {}
        }
    }

    /// Goes to a slide; its example runs as soon as it can.
    pub fn show_slide(&mut self, slide: usize) {
        let count = self.deck.as_ref().map_or(0, Deck::len);
        if slide < count {
            self.slide = slide;
            self.run_wanted = true;
            self.stop_sent = false;
        }
    }

    /// The slide's example's trace, once it has been recorded to its end.
    fn trace_at(&self, model: &Model, ran_code: Option<&str>) -> Option<TraceAt> {
        let (_, example) = self.deck.as_ref()?.slides.get(self.slide)?.example.as_ref()?;
        let ran = ran_code == Some(example.code.as_str()) && model.has_run() && !model.is_busy() && !model.is_empty();
        ran.then(|| TraceAt { step: model.step(), len: model.len() })
    }

    /// Loads the slide's example into the editor and runs it (stopping a program still running).
    fn run_slide_example(&mut self, states: &CommandStates, out: &mut Vec<Command>) {
        if !self.run_wanted {
            return;
        }
        let Some(deck) = &self.deck else { return };
        let Some((index, example)) = deck.slides.get(self.slide).and_then(|slide| slide.example.as_ref()) else {
            self.run_wanted = false;
            return;
        };
        if states.can_run {
            let timeout_ms = (example.timeout_secs * 1000.0).clamp(1.0, 86_400_000.0) as u64;
            let run = LessonRun::Example {
                lesson: deck.lesson_id.clone(),
                index: *index,
                timeout_ms,
                step_through: true,
                start_line: example.start_line,
            };
            out.push(Command::LoadCode { code: example.code.clone(), run: Some(run) });
            self.run_wanted = false;
        } else if states.can_stop && !self.stop_sent {
            out.push(Command::Stop);
            self.stop_sent = true;
        }
    }

    /// "slide 2 of 7 · step 5 of 12", shown in both windows.
    fn status_line(&self, live: &Live<'_>, ran_code: Option<&str>) -> String {
        let Some(deck) = &self.deck else { return "no lesson open".to_owned() };
        let mut line = format!("slide {} of {}", self.slide + 1, deck.len());
        let has_example = deck.slides.get(self.slide).is_some_and(|slide| slide.example.is_some());
        match self.trace_at(live.model, ran_code) {
            Some(at) => line.push_str(&format!(" · step {} of {}", at.step + 1, at.len)),
            None if has_example && live.model.is_busy() => line.push_str(" · running…"),
            None => {}
        }
        line
    }

    fn bar(&mut self, ui: &mut Ui, status: &str, states: &CommandStates, out: &mut Vec<Command>) {
        let dark = ui.visuals().dark_mode;
        ui.horizontal_wrapped(|ui| {
            if ui.button("Exit presenter").on_hover_text("Back to the workbench (Escape)").clicked() {
                out.push(Command::TogglePresenter);
            }
            // Autoplay: the workbench's Play, at its speed, through the slide's trace.
            let (play, help) = if states.playing {
                ("Pause", "Stop playing the steps")
            } else {
                ("Play", "Play the example's steps one after another; it pauses at bookmarks")
            };
            let play = ui.add_enabled(states.enabled(&Command::TogglePlay), egui::Button::new(play));
            if play.on_hover_text(format!("{help} ({} steps/s)", states.play_speed)).clicked() {
                out.push(Command::TogglePlay);
            }
            for command in [
                Command::PreviousBookmark,
                Command::ToggleBookmark,
                Command::NextBookmark,
                Command::ToggleSpotlight,
                Command::TogglePointer,
            ] {
                command_button(ui, states, command, out);
            }
            ui.label(RichText::new(status).strong().color(look::accent(dark)));
            if let Some(spot) = self.spotlight {
                ui.label(format!("spotlight on {}", spot.name()));
            }
            if let Some(deck) = &self.deck {
                ui.label(&deck.lesson_title);
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let audience = egui::Button::selectable(self.audience_open, "Audience window");
                if ui.add(audience).on_hover_text("Open or close the window for the projector").clicked() {
                    self.audience_open = !self.audience_open;
                }
                if ui.button("Reset timer").on_hover_text("Start the talk timer from zero").clicked() {
                    self.timer_started = Instant::now();
                }
                let elapsed = clock::elapsed(self.timer_started.elapsed().as_secs());
                ui.label(RichText::new(format!("talk {elapsed}")).strong()).on_hover_text("Time since the talk began");
                ui.label(RichText::new(clock::wall_clock()).strong()).on_hover_text("The time now");
            });
        });
    }

    /// The next slide's title, the example's bookmarks and the speaker's notes.
    fn speaker_column(&mut self, ui: &mut Ui, note: &str, bookmarks: &[u64], step: u64, out: &mut Vec<Command>) {
        let next = self.deck.as_ref().and_then(|deck| deck.slides.get(self.slide + 1));
        ui.label(RichText::new("Next slide").small().strong());
        match next {
            Some(next) => ui.label(RichText::new(&next.title).strong()),
            None => ui.label(RichText::new("(the last slide)").italics()),
        };
        ui.separator();
        ui.label(RichText::new("Bookmarks").small().strong());
        if bookmarks.is_empty() {
            ui.label(RichText::new("None: Bookmark step marks a step to pause at.").small().italics());
        }
        ui.horizontal_wrapped(|ui| {
            let color = look::bookmark(ui.visuals().dark_mode);
            for &mark in bookmarks {
                let text = RichText::new(format!("step {}", mark + 1)).color(color);
                let button = ui.add(egui::Button::selectable(mark == step, text));
                let label = format!("Bookmark at step {}", mark + 1);
                if button.accessible_name(&label).on_hover_text(format!("{label}: click to go there")).clicked() {
                    out.push(Command::GoToStep(mark));
                }
            }
        });
        ui.separator();
        ui.label(RichText::new("Speaker notes").small().strong());
        ScrollArea::vertical().id_salt("speaker_notes").auto_shrink(false).show(ui, |ui| {
            if note.trim().is_empty() {
                ui.label(RichText::new("No note for this lesson (write one in the Notes pane).").italics());
            } else {
                ui.style_mut().override_text_style = Some(egui::TextStyle::Small);
                CommonMarkViewer::new().show(ui, &mut self.markdown, note);
            }
        });
    }

    /// The slide's text and example on the left, the live panel on the right. Where each part went
    /// is kept in `regions` for Spotlight.
    fn slide_and_panel(&mut self, ui: &mut Ui, live: &mut Live<'_>, line: Option<u32>, salt: &str) -> Vec<Command> {
        let mut out = Vec::new();
        self.regions.clear();
        let Some(deck) = &self.deck else {
            ui.heading("No lesson is open: open one in the Lesson pane, then start presenter mode again.");
            return out;
        };
        let Some(slide) = deck.slides.get(self.slide) else { return out };
        let panel = deck.panel;
        let width = ui.available_width();
        let height = ui.available_height();
        ui.horizontal_top(|ui| {
            let text_width = width * look::SLIDE_SHARE;
            let column = egui::Layout::top_down(egui::Align::Min);
            let text = ui.allocate_ui_with_layout(egui::vec2(text_width, height), column, |ui| {
                ui.set_min_size(egui::vec2(text_width, height));
                Frame::new().inner_margin(Margin::same(look::SLIDE_MARGIN)).show(ui, |ui| {
                    ScrollArea::vertical().id_salt((salt, "slide", self.slide)).auto_shrink(false).show(ui, |ui| {
                        ui.label(RichText::new(&slide.title).heading().strong());
                        ui.add_space(look::SLIDE_MARGIN as f32);
                        for text in &slide.markdown {
                            CommonMarkViewer::new().show(ui, &mut self.markdown, text);
                        }
                        if let Some((_, example)) = &slide.example {
                            ui.add_space(look::SLIDE_MARGIN as f32);
                            code(ui, (salt, "code", self.slide), &example.code, line);
                        }
                    });
                });
            });
            self.regions.note(Spot::Slide, text.response.rect);
            ui.separator();
            ui.vertical(|ui| out.extend(live_panels(ui, live, panel, salt, &mut self.regions)));
        });
        out
    }

    /// Spotlight: picks the part under the mouse (if any) and dims everything else in this window.
    fn shade_unlit(&mut self, ui: &Ui) {
        let Some(lit) = self.spotlight else { return };
        let lit = self.regions.under(|rect| ui.rect_contains_pointer(rect)).unwrap_or(lit);
        self.spotlight = Some(lit);
        if let Some(rect) = self.regions.rect(lit) {
            spotlight::shade_around(ui.painter(), ui.max_rect(), rect);
        }
    }

    /// The audience window: a viewport of its own where the platform has them (movable to the
    /// projector), else a preview window in the corner of this one.
    fn audience_window(
        &mut self,
        ctx: &egui::Context,
        live: &mut Live<'_>,
        ran_code: Option<&str>,
        status: &str,
        line: Option<u32>,
    ) -> Vec<Command> {
        if ctx.embed_viewports() {
            let window = egui::Window::new(AUDIENCE_TITLE)
                .anchor(egui::Align2::RIGHT_BOTTOM, [-look::SLIDE_MARGIN as f32; 2])
                .default_size(look::AUDIENCE_PREVIEW_SIZE)
                .collapsible(false)
                .show(ctx, |ui| self.audience_contents(ui, live, status, line));
            return window.and_then(|window| window.inner).unwrap_or_default();
        }
        let builder = ViewportBuilder::default().with_title(AUDIENCE_TITLE).with_inner_size(look::AUDIENCE_SIZE);
        ctx.show_viewport_immediate(ViewportId::from_hash_of("pyxray_audience"), builder, |ui, _| {
            let mut out = Vec::new();
            // Keys pressed while the audience window has the focus still move the slides.
            self.take_keys(ui.ctx(), live, ran_code, &mut out);
            if ui.ctx().input(|input| input.viewport().close_requested()) {
                self.audience_open = false;
            }
            out.extend(self.audience_contents(ui, live, status, line));
            // The room sees the spot wherever the presenter's mouse is, this window included.
            if self.pointer_shown {
                pointer_spot(ui.ctx());
            }
            out
        })
    }

    /// What the room sees: the counters, the slide and the live panel.
    fn audience_contents(&mut self, ui: &mut Ui, live: &mut Live<'_>, status: &str, line: Option<u32>) -> Vec<Command> {
        look::apply(ui.style_mut());
        let builder = UiBuilder::new().accessibility_label(AUDIENCE_LABEL).accessibility_role(Role::Document);
        ui.scope_builder(builder, |ui| {
            Frame::new()
                .fill(ui.visuals().panel_fill)
                .show(ui, |ui| {
                    ui.label(RichText::new(status).strong().color(look::accent(ui.visuals().dark_mode)));
                    let out = self.slide_and_panel(ui, live, line, "audience");
                    self.shade_unlit(ui);
                    out
                })
                .inner
        })
        .inner
    }
}

/// A bar button for a command of the table: its label and tooltip, pressed while its toggle is on.
fn command_button(ui: &mut Ui, states: &CommandStates, command: Command, out: &mut Vec<Command>) {
    let Some(spec) = commands::spec_of(&command) else { return };
    let button = match states.checked(&command) {
        Some(on) => egui::Button::selectable(on, spec.label),
        None => egui::Button::new(spec.label),
    };
    let tooltip = commands::tooltip(ui.ctx(), spec);
    let response = ui.add_enabled(states.enabled(&command), button);
    if response.on_hover_text(&tooltip).on_disabled_hover_text(&tooltip).clicked() {
        out.push(command);
    }
}

/// The lesson's panel, live, with the output below it (unless the panel is the output).
fn live_panels(
    ui: &mut Ui,
    live: &mut Live<'_>,
    panel: LessonPanel,
    salt: &str,
    regions: &mut Regions,
) -> Vec<Command> {
    let mut out = Vec::new();
    let height = ui.available_height();
    let main_height = if panel == LessonPanel::Output { height } else { height * (1.0 - look::OUTPUT_SHARE) };
    ui.push_id((salt, "live"), |ui| {
        let column = egui::Layout::top_down(egui::Align::Min);
        let main = ui.allocate_ui_with_layout(egui::vec2(ui.available_width(), main_height), column, |ui| {
            ui.set_min_height(main_height);
            out.extend(match panel {
                LessonPanel::Heap => live.heap.ui(ui, live.model),
                LessonPanel::Stack => live.stack.ui(ui, live.model),
                LessonPanel::Modules => live.modules.ui(ui, live.model),
                LessonPanel::Bytecode => live.bytecode.ui(ui, live.model),
                LessonPanel::Output => live.output.ui(ui, live.model),
                LessonPanel::Internals => live.internals.ui(ui, live.model),
                LessonPanel::Threads => live.threads.ui(ui, live.model),
            });
        });
        let main_spot = if panel == LessonPanel::Output { Spot::Output } else { Spot::Panel };
        regions.note(main_spot, main.response.rect);
        if panel != LessonPanel::Output {
            ui.separator();
            let below = ui.available_rect_before_wrap();
            out.extend(live.output.ui(ui, live.model));
            regions.note(Spot::Output, below.with_max_y(ui.min_rect().bottom().max(below.top())));
        }
    });
    out
}

/// A translucent spot under the mouse, above everything, so the room sees where the presenter points.
pub fn pointer_spot(ctx: &egui::Context) {
    let Some(at) = ctx.pointer_hover_pos() else { return };
    let layer = egui::LayerId::new(egui::Order::Tooltip, egui::Id::unique("presenter_pointer"));
    let painter = ctx.layer_painter(layer);
    painter.circle_filled(at, look::POINTER_RADIUS, look::pointer_fill());
    painter.circle_stroke(at, look::POINTER_RADIUS, egui::Stroke::new(2.0, look::pointer_ring()));
}

/// An example's code, highlighted, in the presenter's code size, with `current` (1-based), the line
/// about to run, marked. Lines never wrap (a wrapped line of code reads as two); long ones scroll.
fn code(ui: &mut Ui, id_salt: impl egui::AsIdSalt, code: &str, current: Option<u32>) {
    let theme = if ui.visuals().dark_mode { CodeTheme::dark(look::CODE) } else { CodeTheme::light(look::CODE) };
    let marker = super::theme::Palette::of(ui).current_line_bg;
    Frame::new()
        .fill(ui.visuals().extreme_bg_color)
        .inner_margin(Margin::same(look::SLIDE_MARGIN))
        .corner_radius(4.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ScrollArea::horizontal().id_salt(id_salt).auto_shrink([false, true]).show(ui, |ui| {
                ui.spacing_mut().item_spacing.y = 0.0;
                for (index, text) in code.lines().enumerate() {
                    // Line by line, so the line about to run can be marked; a blank line keeps its height.
                    let text = if text.is_empty() { " " } else { text };
                    let job = syntax_highlighting::highlight(ui.ctx(), ui.style(), &theme, text, "py");
                    // A place behind the text for the marker, whose size is known only after it.
                    let behind = ui.painter().add(egui::Shape::Noop);
                    let label = ui.add(egui::Label::new(job).wrap_mode(egui::TextWrapMode::Extend));
                    if current.is_some_and(|line| line as usize == index + 1) {
                        let row = label.rect.with_min_x(ui.min_rect().left()).with_max_x(ui.clip_rect().right());
                        ui.painter().set(behind, egui::Shape::rect_filled(row, 0.0, marker));
                    }
                }
            });
        });
}
