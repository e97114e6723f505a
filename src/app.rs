//! Wiring: the window, its panels, the engine and the model.
//!
//! One frame: drain engine events into the model (bounded in time), fetch the current step's
//! snapshot if the step moved, turn shortcut key presses into commands, draw every panel (each
//! returns the commands its widgets produced), then apply all commands.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use egui::accesskit::Role;
use egui::{CentralPanel, Panel, UiBuilder};

use crate::engine::{Engine, RunRequest, WorkerState};
// The lesson pane's runs.
use crate::engine::EngineEvent;
use crate::lessons;
use crate::trace::Stream;
use crate::ui::Pane;
use crate::ui::bytecode::BytecodePanel;
use crate::ui::commands::LessonRun;
use crate::ui::commands::{self, Command, CommandStates};
use crate::ui::editor::EditorPanel;
use crate::ui::files::GuardedAction;
use crate::ui::heap::HeapPanel;
use crate::ui::internals::InternalsPanel;
use crate::ui::lesson::LessonPane;
use crate::ui::menu::MenuBar;
use crate::ui::model::{self, Model, Notice};
use crate::ui::modules::ModulesPanel;
use crate::ui::output::OutputPanel;
use crate::ui::stack::StackPanel;
use crate::ui::status::StatusBar;
use crate::ui::theme;
use crate::ui::threads::ThreadsPanel;
use crate::ui::toolbar::Toolbar;
// Notes, progress and settings: the store and its panels.
use crate::lessons::Catalog;
use crate::store::{
    AUTOSAVE_DELAY, ExampleKey, ImportSummary, LeftOff, LessonId, Store, StoreError, StorePaths, Theme,
};
use crate::ui::commands::{EngineLimitsChange, LessonEvent, NoteCommand};
use crate::ui::notes::{self, NotesPanel, NotesView, SaveState};
use crate::ui::notices::{self, Level, NoticeArea};
use crate::ui::playback::Playback;
use crate::ui::presenter::{self, PresenterState};
use crate::ui::progress::{self, LessonSummary, ProgressPanel};
use crate::ui::settings::{self, SettingsView, SettingsWindow};
use crate::ui::workspace::{PaneContents, Workspace};

mod program;

/// Longest time one frame spends taking events from the engine; the rest wait for the next frame.
const DRAIN_BUDGET: Duration = Duration::from_millis(8);
/// The name the editor's program runs under (tracebacks show it).
pub const PROGRAM_FILENAME: &str = "main.py";

/// Opens the window; returns the process exit code.
pub fn run_gui(data_dir: Option<PathBuf>) -> i32 {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("pyxray")
            .with_app_id("pyxray")
            .with_inner_size([1400.0, 900.0])
            .with_min_inner_size([900.0, 560.0]),
        // Window state goes with the rest of the user's data when a data folder is given.
        persistence_path: data_dir.clone(),
        ..Default::default()
    };
    let started = eframe::run_native(
        "pyxray",
        options,
        Box::new(move |creation| Ok(Box::new(PyxrayApp::new(Engine::current_exe(), &creation.egui_ctx, data_dir)))),
    );
    match started {
        Ok(()) => 0,
        Err(err) => {
            eprintln!("pyxray: cannot open the window: {err}");
            1
        }
    }
}

pub struct PyxrayApp {
    engine: Engine,
    model: Model,
    /// The pane brought forward last (by a command, or by the app, e.g. Output when input is wanted).
    tab: Pane,
    /// The panes as tiles: where each one is, which are closed.
    workspace: Workspace,
    dark_mode: bool,
    theme_installed: bool,
    menu: MenuBar,
    toolbar: Toolbar,
    status: StatusBar,
    lesson: LessonPane,
    editor: EditorPanel,
    output: OutputPanel,
    stack: StackPanel,
    heap: HeapPanel,
    modules: ModulesPanel,
    bytecode: BytecodePanel,
    internals: InternalsPanel,
    threads: ThreadsPanel,
    /// Notes, progress and settings on disk (autosaved by `tick`, flushed on close).
    store: Store,
    /// The catalogue's lessons (ids, titles, what they contain), for notes and progress.
    lessons: Vec<LessonSummary>,
    /// The lesson open now: its note is the one shown, and "where you left off" names it.
    open_lesson: Option<LessonId>,
    notes: NotesPanel,
    progress: ProgressPanel,
    settings: SettingsWindow,
    notices: NoticeArea,
    /// Commands from outside a frame (`queue_command`), applied with the next frame's.
    queued: Vec<Command>,
    /// The code of the run the model holds.
    last_run_code: Option<String>,
    /// The lesson example the model's run is of (its bookmarks are the ones shown), if it is one.
    example_run: Option<ExampleKey>,
    /// From "where you left off": the step to show once this code has run again.
    restore_step: Option<(String, u64)>,
    /// The lesson and section last saved as "where you left off".
    saved_position: Option<(String, usize)>,
    /// The pane layout as last saved in the settings.
    saved_layout: Option<serde_json::Value>,
    /// Playing the recorded steps one after another.
    playback: Playback,
    /// Presenter mode: slides for a room, drawn instead of the workbench while on.
    presenter: PresenterState,
    /// The layout changed and is not saved yet.
    layout_changed: bool,
    /// A close was held back because saving failed; the next close goes ahead.
    close_anyway: bool,
    /// A run the lesson pane asked for (with the model's `run_id` of it): its end goes back to the pane.
    pending_lesson_run: Option<(u64, LessonRun)>,
    /// The editor's program: its file, the unsaved-changes question, live mode (`app/program.rs`).
    program: program::ProgramSession,
}

impl PyxrayApp {
    /// Starts the Python worker (`engine_exe engine`); its events repaint `ctx`. Needs no window.
    /// Notes, progress and settings live in `data_dir` (`--data-dir`), else in the user's config
    /// folder; the window opens with the saved settings, where the learner left off.
    pub fn new(engine_exe: PathBuf, ctx: &egui::Context, data_dir: Option<PathBuf>) -> Self {
        let repaint = ctx.clone();
        let engine = Engine::start(engine_exe, Some(Arc::new(move || repaint.request_repaint())));
        let (store, folder_notice) = open_store(data_dir);
        let saved = store.settings.get();
        let (dark_mode, zoom_factor) = (saved.theme == Theme::Dark, saved.zoom_factor);
        let workspace = Workspace::from_saved(saved.pane_layout.as_ref());
        let saved_layout = saved.pane_layout.clone();
        let recent_files = saved.recent_files.clone();
        let lessons = progress::lesson_summaries(&Catalog::embedded());
        let left_off = store.progress.get().left_off.clone();
        let open_lesson = left_off
            .as_ref()
            .map(|left_off| left_off.lesson_id.clone())
            .or_else(|| lessons.first().map(|l| l.id.clone()));
        theme::set_zoom(ctx, zoom_factor);
        let mut app = PyxrayApp {
            store,
            lessons,
            open_lesson,
            notes: NotesPanel::default(),
            progress: ProgressPanel::default(),
            settings: SettingsWindow::default(),
            notices: NoticeArea::default(),
            queued: Vec::new(),
            last_run_code: None,
            example_run: None,
            restore_step: None,
            saved_position: None,
            close_anyway: false,
            layout_changed: false,
            playback: Playback::default(),
            presenter: PresenterState::default(),
            engine,
            model: Model::new(),
            tab: Pane::Output,
            workspace,
            saved_layout,
            dark_mode,
            theme_installed: false,
            menu: MenuBar { recent_files },
            toolbar: Toolbar,
            status: StatusBar,
            lesson: LessonPane::default(),
            pending_lesson_run: None,
            program: program::ProgramSession::default(),
            editor: EditorPanel::default(),
            output: OutputPanel::default(),
            stack: StackPanel::default(),
            heap: HeapPanel::default(),
            modules: ModulesPanel::default(),
            bytecode: BytecodePanel::default(),
            internals: InternalsPanel::default(),
            threads: ThreadsPanel::default(),
        };
        if let Some(text) = folder_notice {
            app.notices.push(Level::Warning, text);
        }
        // The lesson pane shows the ticks earned in earlier sessions, and the lesson left off at.
        app.lesson.restore_progress(app.store.progress.get());
        if let Some(left_off) = left_off {
            let section = left_off.scroll_offset.max(0.0) as usize;
            app.saved_position = Some((left_off.lesson_id.as_str().to_owned(), section));
            for command in app.lesson.open_lesson(left_off.lesson_id.as_str(), section) {
                if let Command::Lesson(event) = command {
                    app.record_lesson_event(event);
                }
            }
            app.continue_from(left_off);
        }
        app.collect_store_warnings();
        // The program shown at start (the sample, or the code from last time) has nothing unsaved.
        app.program = program::ProgramSession::starting_with(&app.editor.code);
        app
    }

    pub fn model(&self) -> &Model {
        &self.model
    }

    pub fn code(&self) -> &str {
        &self.editor.code
    }

    pub fn set_code(&mut self, code: impl Into<String>) {
        self.editor.code = code.into();
    }

    pub fn tab(&self) -> Pane {
        self.tab
    }

    /// Draws one frame into `ui` (the whole window) and applies what the user asked for.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        if !self.theme_installed {
            theme::install(&ctx, self.dark_mode);
            self.theme_installed = true;
        }
        self.drain_events(&ctx);
        self.restore_left_off_step();
        self.restore_live_view();
        self.model.worker = self.engine.state();
        if self.model.python_version.is_none() {
            self.model.python_version = self.engine.python_version();
        }
        self.advance_playback(&ctx);
        self.model.refresh();
        let motion_secs = if self.store.settings.get().reduce_motion {
            0.0
        } else if self.presenter.is_on() {
            theme::presenter::HEAP_MOTION_SECS
        } else {
            theme::diagram::MOTION_SECS
        };
        self.heap.set_motion_secs(motion_secs);
        let fit_zoom_max = if self.presenter.is_on() { theme::presenter::HEAP_FIT_ZOOM } else { 1.0 };
        self.heap.set_fit_zoom_max(fit_zoom_max);
        if self.model.selection().is_some() {
            // Cached: found again only when the selection or the run changes.
            self.model.selection_changes();
        }

        let mut commands = std::mem::take(&mut self.queued);
        commands.extend(commands::shortcut_commands(&ctx));
        let states = self.command_states();

        let layout_edited = if self.presenter.is_on() {
            commands.extend(self.presenter_ui(ui, &states));
            false
        } else {
            self.workbench_ui(ui, &states, &mut commands)
        };
        if self.settings.open {
            commands.extend(self.settings_ui(&ctx));
        }

        if !commands.is_empty() {
            for command in commands {
                self.apply(command, &ctx);
            }
            self.model.refresh();
            ctx.request_repaint();
        }
        self.program_ui(&ctx);
        self.tick_live_mode(&ctx);
        self.keep_learner_data(&ctx, layout_edited);
        if self.model.refresh_pending() {
            ctx.request_repaint_after(model::FOLLOW_INTERVAL);
        }
        if self.model.worker == WorkerState::Running {
            // Steps keep arriving: keep the view moving even between wake-ups.
            ctx.request_repaint_after(Duration::from_millis(50));
        }
    }

    /// The workbench: menu bar, toolbar, status bar, notices and the panes. Returns whether the
    /// user edited the pane layout.
    fn workbench_ui(&mut self, ui: &mut egui::Ui, states: &CommandStates, commands: &mut Vec<Command>) -> bool {
        Panel::top("menu_bar").show(ui, |ui| {
            commands.extend(self.menu.ui(ui, states));
        });
        Panel::top("toolbar").show(ui, |ui| {
            let builder = UiBuilder::new().accessibility_label("Toolbar").accessibility_role(Role::Toolbar);
            let bookmarks = self.bookmarks();
            ui.scope_builder(builder, |ui| commands.extend(self.toolbar.ui(ui, &self.model, states, &bookmarks)));
        });
        Panel::bottom("status_bar").show(ui, |ui| {
            let builder = UiBuilder::new().accessibility_label("Status bar").accessibility_role(Role::Status);
            ui.scope_builder(builder, |ui| commands.extend(self.status.ui(ui, &self.model)));
        });
        if !self.notices.is_empty() {
            Panel::top("notices").show(ui, |ui| {
                let builder = UiBuilder::new().accessibility_label("Notices").accessibility_role(Role::Alert);
                ui.scope_builder(builder, |ui| commands.extend(self.notices.ui(ui)));
            });
        }
        let mut workspace = std::mem::replace(&mut self.workspace, Workspace::placeholder());
        let drawn = CentralPanel::default().show(ui, |ui| {
            let mut panes = AppPanes { app: self, states, commands };
            workspace.ui(ui, &mut panes)
        });
        self.workspace = workspace;
        if self.presenter.pointer_shown() {
            presenter::pointer_spot(ui.ctx());
        }
        for pane in drawn.inner.closed {
            if self.tab == pane {
                self.tab = Pane::Editor;
            }
        }
        drawn.inner.edited
    }

    /// Presenter mode, drawn instead of the workbench: the slides and the audience window.
    fn presenter_ui(&mut self, ui: &mut egui::Ui, states: &CommandStates) -> Vec<Command> {
        let bookmarks = self.bookmarks();
        let note = match &self.open_lesson {
            Some(lesson) => self.store.notes.text(lesson),
            None => "",
        };
        let live = presenter::Live {
            model: &self.model,
            heap: &mut self.heap,
            stack: &mut self.stack,
            output: &mut self.output,
            modules: &mut self.modules,
            bytecode: &mut self.bytecode,
            internals: &mut self.internals,
            threads: &mut self.threads,
        };
        let view = presenter::PresenterView {
            live,
            note,
            states,
            ran_code: self.last_run_code.as_deref(),
            bookmarks: &bookmarks,
        };
        self.presenter.ui(ui, view)
    }

    fn drain_events(&mut self, ctx: &egui::Context) {
        let started = Instant::now();
        while let Some(event) = self.engine.try_recv() {
            let was_waiting = self.model.waiting_prompt.is_some();
            let finished = matches!(event, EngineEvent::Finished(_));
            self.model.handle(event);
            if finished {
                self.finish_lesson_run(ctx);
            }
            if !was_waiting && self.model.waiting_prompt.is_some() {
                self.show_pane(Pane::Output);
            }
            if started.elapsed() >= DRAIN_BUDGET {
                ctx.request_repaint();
                break;
            }
        }
    }

    /// The bookmarked steps of the lesson example shown (sorted), within its recorded steps.
    pub fn bookmarks(&self) -> Vec<u64> {
        let Some(example) = &self.example_run else { return Vec::new() };
        let len = self.model.len();
        let mut steps = self.store.settings.get().presenter_bookmarks.steps(example);
        steps.retain(|&step| step < len);
        steps
    }

    pub fn presenter(&self) -> &PresenterState {
        &self.presenter
    }

    fn command_states(&self) -> CommandStates {
        let len = self.model.len();
        let step = self.model.step();
        let bookmarks = self.bookmarks();
        CommandStates {
            can_bookmark: self.example_run.is_some() && len > 0,
            bookmarked: len > 0 && bookmarks.contains(&step),
            bookmark_before: len > 0 && presenter::bookmarks::previous(&bookmarks, step).is_some(),
            bookmark_after: presenter::bookmarks::next(&bookmarks, step).is_some(),
            spotlight: self.presenter.spotlight_on(),
            pointer: self.presenter.pointer_shown(),
            can_run: !self.model.is_busy(),
            can_stop: self.model.is_busy(),
            can_step_back: len > 0 && step > 0,
            can_step_forward: len > 0 && step + 1 < len,
            pane: self.tab,
            panes_shown: self.workspace.shown(),
            lesson_shown: self.workspace.contains(Pane::Lesson),
            has_selection: self.model.selection().is_some(),
            playing: self.playback.is_playing(),
            play_speed: self.playback.speed(),
            live_mode: self.program.live_mode(),
            instruction_stepping: self.model.instruction_stepping,
            dark_mode: self.dark_mode,
            presenter: self.presenter.is_on(),
            has_note: self.open_lesson.is_some(),
            has_output: notes::has_shown_output(&self.model),
        }
    }

    fn apply(&mut self, command: Command, ctx: &egui::Context) {
        if !self.command_states().enabled(&command) {
            return;
        }
        match command {
            Command::Run => self.start_run(),
            Command::Stop => self.engine.stop(),
            Command::RestartInterpreter => {
                self.engine.restart();
                self.model.notice = Some(Notice::info(model::RESTARTING));
            }
            Command::StepBack => self.model.step_back(),
            Command::StepForward => self.model.step_forward(),
            Command::FirstStep => self.model.go_to(0),
            Command::LastStep => self.model.go_to(u64::MAX),
            Command::GoToStep(step) => self.model.go_to(step),
            Command::ShowPane(pane) => self.show_pane(pane),
            Command::HidePane(pane) => {
                self.workspace.hide(pane);
                self.layout_changed = true;
            }
            Command::ToggleLesson if self.workspace.contains(Pane::Lesson) => {
                self.workspace.hide(Pane::Lesson);
                self.layout_changed = true;
            }
            Command::ToggleLesson => self.show_pane(Pane::Lesson),
            Command::ResetLayout => {
                self.workspace.reset();
                self.layout_changed = true;
            }
            Command::TogglePresenter => {
                let lesson = self.open_lesson.as_ref().and_then(|id| self.lesson.catalog().lesson(id.as_str()));
                let section = match self.lesson.current_position() {
                    Some((id, section)) if Some(id) == self.open_lesson.as_ref().map(LessonId::as_str) => section,
                    _ => 0,
                };
                self.presenter.toggle(ctx, lesson, section, self.store.settings.get().zoom_factor);
            }
            Command::ToggleDarkMode => {
                self.dark_mode = !self.dark_mode;
                theme::install(ctx, self.dark_mode);
                self.store.settings.edit(Instant::now()).theme =
                    if self.dark_mode { Theme::Dark } else { Theme::Light };
            }
            Command::SendInput(text) => {
                self.engine.send_input(text);
                self.model.waiting_prompt = None;
            }
            // Saved before closing; if that fails the window stays open (see `save_before_close`).
            Command::Quit if self.program_may_close() && self.save_before_close() => {
                ctx.send_viewport_cmd(egui::ViewportCommand::Close)
            }
            Command::Quit => {}
            Command::Lesson(event) => self.record_lesson_event(event),
            Command::ZoomIn => self.set_zoom(ctx, theme::zoom::larger(self.store.settings.get().zoom_factor)),
            Command::ZoomOut => self.set_zoom(ctx, theme::zoom::smaller(self.store.settings.get().zoom_factor)),
            Command::ZoomReset => self.set_zoom(ctx, theme::zoom::DEFAULT),
            Command::OpenSettings => self.settings.open = true,
            Command::SetEngineLimits(EngineLimitsChange(limits)) => {
                self.store.settings.update(Instant::now(), |settings| {
                    let changed = settings.engine_limits != limits;
                    settings.engine_limits = limits;
                    changed
                });
            }
            Command::ExportNotes => {
                let dialog = rfd::FileDialog::new()
                    .set_title("Export notes as Markdown")
                    .add_filter("Markdown", &["md"])
                    .set_file_name("pyxray-notes.md");
                if let Some(path) = dialog.save_file() {
                    let _ = self.export_notes_to(&path);
                }
            }
            Command::ExportProgress => {
                let dialog = rfd::FileDialog::new()
                    .set_title("Export progress")
                    .add_filter("pyxray progress", &["json"])
                    .set_file_name("pyxray-progress.json");
                if let Some(path) = dialog.save_file() {
                    let _ = self.export_progress_to(&path);
                }
            }
            Command::ImportProgress => {
                let dialog =
                    rfd::FileDialog::new().set_title("Import progress").add_filter("pyxray progress", &["json"]);
                if let Some(path) = dialog.pick_file() {
                    let _ = self.import_progress_from(&path);
                }
            }
            Command::Notes(command) => self.apply_note_command(command),
            Command::DismissNotice(id) => self.notices.dismiss(id),
            Command::LoadCode { code, run } => self.request_program_action(GuardedAction::LessonCode { code, run }),
            Command::CheckPrediction { lesson, index, code } => {
                let run = Some(LessonRun::Predict { lesson, index });
                self.request_program_action(GuardedAction::LessonCode { code, run });
            }
            Command::CheckExercise { lesson, exercise, check } => {
                let code = self.editor.code.clone();
                let program = lessons::combined_program(&code, &check);
                let run = LessonRun::Exercise { lesson, exercise, code };
                self.start_lesson_run(program, lessons::DEFAULT_TIMEOUT_SECS, run);
            }
            Command::OpenLessonFolder => {
                if let Some(dir) = rfd::FileDialog::new().set_title("Open lesson folder").pick_folder() {
                    self.open_lesson_folder(&dir);
                }
            }
            Command::ShowBuiltInLessons => self.lesson.show_built_in(),
            Command::StepOver => self.step_or_notice(|steps, at| steps.next_over(at), "no later step in this frame"),
            Command::StepOverBack => {
                self.step_or_notice(|steps, at| steps.previous_over(at), "no earlier step in this frame")
            }
            Command::StepOut => self.step_or_notice(|steps, at| steps.next_out(at), "this frame never returns"),
            Command::StepOutBack => {
                self.step_or_notice(|steps, at| steps.previous_out(at), "this frame's caller is not recorded")
            }
            Command::ContinueForward => {
                let breakpoints = &self.editor.breakpoints;
                if !self.model.go_by(|steps, at| steps.next_breakpoint(at, breakpoints)) {
                    self.model.go_to(u64::MAX);
                }
            }
            Command::ContinueBack => {
                let breakpoints = &self.editor.breakpoints;
                if !self.model.go_by(|steps, at| steps.previous_breakpoint(at, breakpoints)) {
                    self.model.go_to(0);
                }
            }
            Command::ToggleBreakpoint(line) => {
                if !self.editor.breakpoints.remove(&line) {
                    self.editor.breakpoints.insert(line);
                }
            }
            Command::Select(selection) => self.model.select(selection),
            Command::ToggleBreakpointAtCursor => self.editor.toggle_breakpoint(self.editor.cursor_line()),
            Command::ToggleLiveMode => self.toggle_live_mode(),
            Command::NewFile => self.request_program_action(GuardedAction::NewFile),
            Command::OpenFile => self.request_program_action(GuardedAction::OpenFile),
            Command::OpenRecent(path) => self.request_program_action(GuardedAction::OpenPath(path)),
            Command::SaveFile => {
                self.save_program(false);
            }
            Command::SaveFileAs => {
                self.save_program(true);
            }
            Command::TogglePlay => {
                if !self.playback.is_playing() && self.model.step() + 1 >= self.model.len() {
                    // Playing from the end starts again from the beginning.
                    self.model.go_to(0);
                }
                self.playback.toggle();
            }
            Command::SetPlaySpeed(speed) => self.playback.set_speed(speed),
            Command::ToggleBookmark => {
                if let Some(example) = &self.example_run {
                    let step = self.model.step();
                    self.store.settings.edit(Instant::now()).presenter_bookmarks.toggle(example, step);
                }
            }
            Command::NextBookmark => {
                if let Some(step) = presenter::bookmarks::next(&self.bookmarks(), self.model.step()) {
                    self.model.go_to(step);
                }
            }
            Command::PreviousBookmark => {
                if let Some(step) = presenter::bookmarks::previous(&self.bookmarks(), self.model.step()) {
                    self.model.go_to(step);
                }
            }
            Command::ToggleSpotlight => self.presenter.toggle_spotlight(),
            Command::TogglePointer => self.presenter.toggle_pointer(),
            Command::SetReduceMotion(reduce) => {
                self.store.settings.update(Instant::now(), |settings| {
                    std::mem::replace(&mut settings.reduce_motion, reduce) != reduce
                });
            }
            Command::PreviousChange => {
                if !self.model.go_to_change(false) {
                    self.model.notice = Some(Notice::info("no earlier change of the selection"));
                }
            }
            Command::NextChange => {
                if !self.model.go_to_change(true) {
                    self.model.notice = Some(Notice::info("no later change of the selection"));
                }
            }
            Command::FocusFrame(frame_id) => {
                self.heap.focus_frame(frame_id);
                self.bytecode.focus_frame(frame_id);
                self.show_pane(Pane::Heap);
            }
            Command::ExportHeapSvg => self.export_heap_with_dialog("SVG picture", "svg"),
            Command::ExportHeapPng => self.export_heap_with_dialog("PNG picture", "png"),
            Command::ToggleInstructionStepping => {
                self.model.instruction_stepping = !self.model.instruction_stepping;
                // Record the program shown again, so the toggle takes effect at once.
                if self.model.has_run() && !self.model.is_busy() {
                    self.start_run();
                }
            }
        }
    }

    /// Takes the steps playback has due; pauses at the last step of a finished run.
    fn advance_playback(&mut self, ctx: &egui::Context) {
        if !self.playback.is_playing() {
            return;
        }
        let due = self.playback.due(ctx.input(|input| input.time));
        if due > 0 {
            let (from, to) = (self.model.step(), self.model.step().saturating_add(due));
            // "Pause here": playback stops at a bookmarked step of the example.
            if let Some(mark) = presenter::bookmarks::stop_between(&self.bookmarks(), from, to) {
                self.model.go_to(mark);
                self.playback.pause();
                return;
            }
            self.model.go_to(to);
        }
        let at_end = self.model.step() + 1 >= self.model.len();
        if at_end && !self.model.is_recording() {
            self.playback.pause();
        } else {
            ctx.request_repaint_after(Duration::from_secs_f64(self.playback.interval()));
        }
    }

    /// Moves to the step `find` names, or says why there is none.
    fn step_or_notice(&mut self, find: impl FnOnce(&crate::trace::steps::StepIndex, u64) -> Option<u64>, why: &str) {
        if !self.model.go_by(find) {
            self.model.notice = Some(Notice::info(why));
        }
    }

    /// Loads a teacher's lesson folder into the lesson pane (what Lessons → Open lesson folder… does
    /// with the folder picked; tests call it with a path). Files that do not parse are listed there.
    pub fn open_lesson_folder(&mut self, dir: &Path) {
        self.lesson.load_folder(dir);
        self.show_pane(Pane::Lesson);
    }

    /// Opens a lesson at a section, as the table of contents does (tests and start-up use it).
    pub fn open_lesson_at(&mut self, id: &str, section: usize) {
        for command in self.lesson.open_lesson(id, section) {
            self.queue_command(command);
        }
    }

    pub fn lesson_pane(&self) -> &LessonPane {
        &self.lesson
    }

    /// Runs code for the lesson pane through the one engine and model, so the panels show it; the
    /// run's end goes back to the pane (`finish_lesson_run`).
    pub(crate) fn start_lesson_run(&mut self, code: String, timeout_secs: f64, run: LessonRun) {
        let mut limits = settings::run_limits(&self.store.settings.get().engine_limits);
        limits.time_limit_secs = timeout_secs;
        let request = RunRequest {
            code: code.clone(),
            filename: PROGRAM_FILENAME.to_owned(),
            limits,
            stdin: String::new(),
            interactive: matches!(run, LessonRun::Example { .. }),
            trace: true,
            script_dir: None,
            // Predictions and exercise checks are judged on their output: they run line by line.
            instruction_steps: self.model.instruction_stepping && matches!(run, LessonRun::Example { .. }),
        };
        match self.engine.run(request) {
            Ok(()) => {
                self.model.begin_run();
                self.example_run = match &run {
                    LessonRun::Example { lesson, index, .. } => Some(ExampleKey::new(lesson, *index, &code)),
                    _ => None,
                };
                self.last_run_code = Some(code);
                self.pending_lesson_run = Some((self.model.run_id(), run));
            }
            Err(err) => {
                self.lesson.run_abandoned(&run, &err);
                self.model.notice = Some(Notice::error(err));
            }
        }
    }

    /// After a run ended: if the lesson pane asked for it, hand it the end and the output.
    fn finish_lesson_run(&mut self, ctx: &egui::Context) {
        let Some((run_id, run)) = self.pending_lesson_run.take() else { return };
        if run_id != self.model.run_id() {
            self.lesson.run_abandoned(&run, "another run replaced it");
            return;
        }
        let Some(end) = self.model.end.clone() else {
            // The end of an older run; this one is still going.
            self.pending_lesson_run = Some((run_id, run));
            return;
        };
        let stdout = self.model.trace.all_output(Stream::Stdout);
        for command in self.lesson.run_finished(&run, &end, &stdout, &self.model) {
            self.apply(command, ctx);
        }
    }

    /// Records lesson activity in the learner's progress (saved by the store a moment later).
    /// `Visited` also makes that lesson the open one, so its note is shown.
    fn record_lesson_event(&mut self, event: LessonEvent) {
        if let LessonEvent::Visited { lesson } = &event {
            self.set_open_lesson(lesson);
        }
        if let Err(error) = progress::record(&mut self.store.progress, &event, Instant::now()) {
            self.notices.push(Level::Error, format!("This lesson's progress cannot be recorded: {error}."));
        }
    }

    fn start_run(&mut self) {
        self.start_editor_run(true);
    }

    /// Runs the editor's program; with `interactive`, `input()` asks the learner (live mode's runs
    /// get end-of-file instead). True if the run started.
    fn start_editor_run(&mut self, interactive: bool) -> bool {
        let request = RunRequest {
            code: self.editor.code.clone(),
            filename: PROGRAM_FILENAME.to_owned(),
            limits: settings::run_limits(&self.store.settings.get().engine_limits),
            stdin: String::new(),
            interactive,
            trace: true,
            script_dir: self.program.script_dir(),
            instruction_steps: self.model.instruction_stepping,
        };
        match self.engine.run(request) {
            Ok(()) => {
                self.model.begin_run();
                self.last_run_code = Some(self.editor.code.clone());
                self.example_run = None;
                true
            }
            Err(err) => {
                self.model.notice = Some(Notice::error(err));
                false
            }
        }
    }
}

/// The app's panels, drawn into the workspace's panes.
struct AppPanes<'a> {
    app: &'a mut PyxrayApp,
    states: &'a CommandStates,
    commands: &'a mut Vec<Command>,
}

impl PaneContents for AppPanes<'_> {
    fn pane_ui(&mut self, ui: &mut egui::Ui, pane: Pane) {
        let app = &mut *self.app;
        let produced = match pane {
            Pane::Lesson => {
                let produced = app.lesson.ui(ui, self.states);
                app.save_lesson_position();
                produced
            }
            Pane::Editor => app.editor.ui(ui, &app.model),
            Pane::Output => app.output.ui(ui, &app.model),
            Pane::Stack => app.stack.ui(ui, &app.model),
            Pane::Heap => app.heap.ui(ui, &app.model),
            Pane::Modules => app.modules.ui(ui, &app.model),
            Pane::Bytecode => app.bytecode.ui(ui, &app.model),
            Pane::Notes => app.notes_ui(ui, self.states),
            Pane::Progress => app.progress.ui(ui, app.store.progress.get(), &app.lessons),
            Pane::Internals => app.internals.ui(ui, &app.model),
            Pane::Threads => app.threads.ui(ui, &app.model),
        };
        self.commands.extend(produced);
    }
}

impl eframe::App for PyxrayApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    /// The last save. Closing through Quit or the window's close button already saved (and kept
    /// the window open if that failed); this catches every other way out.
    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        let _ = self.store.flush_all();
    }
}

/// Notes, progress and settings: the learner's data, kept by the store.
impl PyxrayApp {
    /// Applies `command` with the next frame's commands, exactly as if a panel had returned it.
    pub fn queue_command(&mut self, command: Command) {
        self.queued.push(command);
    }

    /// The open lesson's id: its note is shown, and the app reopens it next time.
    pub fn open_lesson(&self) -> Option<&str> {
        self.open_lesson.as_ref().map(LessonId::as_str)
    }

    /// For the lesson pane: the learner opened this lesson. Returns `false` (and changes nothing)
    /// for an id that cannot name a note.
    pub fn set_open_lesson(&mut self, lesson: &str) -> bool {
        match LessonId::parse(lesson) {
            Ok(id) => {
                self.open_lesson = Some(id);
                true
            }
            Err(_) => false,
        }
    }

    /// For the lesson pane: how far the open lesson is scrolled, kept in "where you left off" (saved
    /// when it changes).
    pub fn set_lesson_scroll_offset(&mut self, offset: f32) {
        let Some(lesson) = &self.open_lesson else { return };
        let editor_code = &self.editor.code;
        self.store.progress.update(Instant::now(), |progress| match &mut progress.left_off {
            Some(left_off) if &left_off.lesson_id == lesson => {
                let changed = left_off.scroll_offset != offset;
                left_off.scroll_offset = offset;
                changed
            }
            _ => {
                let mut left_off = LeftOff::at_lesson(lesson.clone());
                left_off.scroll_offset = offset;
                left_off.editor_code = editor_code.clone();
                progress.set_left_off(left_off)
            }
        });
    }

    /// Where the learner left off when the app started (lesson, scroll position, code, step).
    pub fn left_off(&self) -> Option<&LeftOff> {
        self.store.progress.get().left_off.as_ref()
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Saves everything now; failures also become notices.
    pub fn flush_store(&mut self) -> Result<(), Vec<StoreError>> {
        let result = self.store.flush_all();
        self.collect_store_warnings();
        result
    }

    pub fn notices(&self) -> &[notices::Notice] {
        self.notices.notices()
    }

    pub fn dark_mode(&self) -> bool {
        self.dark_mode
    }

    /// File > Export heap diagram: a save dialog, then `export_heap_to`.
    fn export_heap_with_dialog(&mut self, kind: &str, extension: &str) {
        let name = format!("pyxray-step-{}.{extension}", self.model.step() + 1);
        let dialog = rfd::FileDialog::new()
            .set_title("Export the heap diagram")
            .add_filter(kind, &[extension])
            .set_file_name(name);
        if let Some(path) = dialog.save_file() {
            let _ = self.export_heap_to(&path);
        }
    }

    /// The heap diagram of the step shown, as on screen, to an `.svg` or `.png` file (by the
    /// extension). The outcome is also shown as a notice.
    pub fn export_heap_to(&mut self, path: &Path) -> Result<(), String> {
        let result = self.heap.export_to(&self.model, path, self.dark_mode);
        self.report(result.clone().map(|()| format!("The heap diagram was exported to {}.", path.display())));
        result
    }

    /// File > Export notes as Markdown…, after the dialog. The outcome is also shown as a notice.
    pub fn export_notes_to(&mut self, path: &Path) -> Result<(), String> {
        let result = notes::export_notes(&mut self.store.notes, &self.lessons, path).map_err(|error| error.to_string());
        self.report(result.clone().map(|()| format!("Your notes were exported to {}.", path.display())));
        result
    }

    /// File > Export progress…, after the dialog.
    pub fn export_progress_to(&mut self, path: &Path) -> Result<(), String> {
        let result = self.store.progress.export_to_file(path).map_err(|error| error.to_string());
        self.report(result.clone().map(|()| format!("Your progress was exported to {}.", path.display())));
        result
    }

    /// File > Import progress…, after the dialog. A refused file changes nothing.
    pub fn import_progress_from(&mut self, path: &Path) -> Result<ImportSummary, String> {
        let result = self.store.progress.import_from_file(path, Instant::now()).map_err(|error| {
            format!("Progress was not imported from {}: {error} Your progress is unchanged.", path.display())
        });
        self.report(result.as_ref().map_err(Clone::clone).map(|summary| {
            format!(
                "Progress imported from {}: {} lessons in the file, {} new here. Nothing you had was erased.",
                path.display(),
                summary.lessons_in_file,
                summary.lessons_added
            )
        }));
        self.collect_store_warnings();
        if result.is_ok() {
            self.lesson.restore_progress(self.store.progress.get());
        }
        result
    }

    fn report(&mut self, outcome: Result<String, String>) {
        match outcome {
            Ok(done) => self.notices.push(Level::Info, done),
            Err(problem) => self.notices.push(Level::Error, problem),
        }
    }

    fn notes_ui(&mut self, ui: &mut egui::Ui, states: &CommandStates) -> Vec<Command> {
        let lesson = self.open_lesson.clone();
        let save_state = lesson.as_ref().map_or(SaveState::Saved, |lesson| SaveState::of(&self.store.notes, lesson));
        let path = lesson.as_ref().map(|lesson| self.store.paths.note_path(lesson));
        let text = match &lesson {
            Some(lesson) => self.store.notes.text(lesson),
            None => "",
        };
        let view = NotesView {
            lesson: lesson.as_ref(),
            lessons: &self.lessons,
            text,
            save_state,
            path: path.as_deref(),
            conflict: lesson.as_ref().and_then(|lesson| self.notices.conflict_about(lesson)),
            states,
        };
        self.notes.ui(ui, &view)
    }

    fn settings_ui(&mut self, ctx: &egui::Context) -> Vec<Command> {
        let view = SettingsView {
            settings: self.store.settings.get(),
            path: self.store.settings.path(),
            read_only_reason: self.store.settings.read_only_reason(),
            save_problem: self.store.settings.save_problem(),
        };
        self.settings.ui(ctx, &view)
    }

    fn apply_note_command(&mut self, command: NoteCommand) {
        match command {
            NoteCommand::Edit { lesson, text } => match LessonId::parse(&lesson) {
                Ok(lesson) => self.store.notes.set_text(&lesson, &text, Instant::now()),
                Err(error) => self.notices.push(Level::Error, format!("The note cannot be kept: {error}.")),
            },
            NoteCommand::ShowLesson(lesson) => {
                if self.set_open_lesson(&lesson) {
                    self.show_pane(Pane::Notes);
                }
            }
            NoteCommand::AddCode => self.add_to_note(&notes::fenced_block("python", &self.editor.code)),
            NoteCommand::AddOutput => self.add_to_note(&notes::fenced_block("text", &notes::shown_output(&self.model))),
        }
    }

    /// Inserts `block` into the open lesson's note, and shows the note.
    fn add_to_note(&mut self, block: &str) {
        let Some(lesson) = self.open_lesson.clone() else { return };
        let text = self.notes.insert(&lesson, self.store.notes.text(&lesson), block);
        self.store.notes.set_text(&lesson, &text, Instant::now());
        self.show_pane(Pane::Notes);
    }

    fn set_zoom(&mut self, ctx: &egui::Context, factor: f32) {
        let factor = theme::zoom::clamp(factor);
        theme::set_zoom(ctx, factor);
        if self.store.settings.get().zoom_factor != factor {
            self.store.settings.edit(Instant::now()).zoom_factor = factor;
        }
    }

    /// The lesson pane shows one section at a time, so the learner's place in a lesson is its section;
    /// it is kept as the left-off scroll offset, and saved only when it changes.
    fn save_lesson_position(&mut self) {
        let Some((lesson, section)) = self.lesson.current_position() else { return };
        // Wait for the lesson's `Visited` to make it the open one, so the position is saved for it.
        if self.open_lesson.as_ref().map(LessonId::as_str) != Some(lesson)
            || self.saved_position.as_ref().is_some_and(|(l, s)| l == lesson && *s == section)
        {
            return;
        }
        self.saved_position = Some((lesson.to_owned(), section));
        self.set_lesson_scroll_offset(section as f32);
    }

    /// At start-up: the code from last time back in the editor, and its step shown once it runs again.
    fn continue_from(&mut self, left_off: LeftOff) {
        let untouched = left_off.editor_code == crate::ui::editor::SAMPLE_PROGRAM && left_off.step_index.is_none();
        if left_off.editor_code.is_empty() || untouched {
            return;
        }
        self.editor = EditorPanel::new(left_off.editor_code.clone());
        let welcome = match left_off.step_index.and_then(|step| u64::try_from(step).ok()) {
            Some(step) => {
                self.restore_step = Some((left_off.editor_code, step));
                format!("Welcome back: your code is as you left it. Run it to return to step {}.", step + 1)
            }
            None => "Welcome back: your code is as you left it.".to_owned(),
        };
        self.model.notice = Some(Notice::info(welcome));
    }

    /// Shows the step from last time once the same code has run again; forgets it if the code changes.
    fn restore_left_off_step(&mut self) {
        let Some((code, step)) = &self.restore_step else { return };
        if *code != self.editor.code {
            self.restore_step = None;
        } else if self.last_run_code.as_ref() == Some(code) && self.model.has_run() && !self.model.is_recording() {
            self.model.go_to(*step);
            self.restore_step = None;
        }
    }

    /// Once a frame, after the commands: save what is due, remember where the learner is, show the
    /// store's warnings, and save before the window closes.
    fn keep_learner_data(&mut self, ctx: &egui::Context, layout_edited: bool) {
        let now = Instant::now();
        self.remember_left_off(now);
        self.layout_changed |= layout_edited;
        self.remember_layout(ctx, now);
        self.store.tick(now);
        self.collect_store_warnings();
        if ctx.input(|input| input.viewport().close_requested())
            && !(self.program_may_close() && self.save_before_close())
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
        }
        if self.store.has_unsaved_changes() {
            // No input may come for a while: wake up when the autosave is due.
            ctx.request_repaint_after(AUTOSAVE_DELAY);
        }
    }

    /// Updates "where you left off" when the lesson, the code or the step shown changed.
    fn remember_left_off(&mut self, now: Instant) {
        let Some(lesson) = &self.open_lesson else { return };
        if self.model.is_recording() {
            return;
        }
        let code = &self.editor.code;
        let step = match &self.restore_step {
            Some((restore_code, step)) if restore_code == code => usize::try_from(*step).ok(),
            _ if self.last_run_code.as_ref() == Some(code) && !self.model.is_empty() => {
                usize::try_from(self.model.step()).ok()
            }
            _ => None,
        };
        let current = self.store.progress.get().left_off.as_ref();
        let unchanged = current.is_some_and(|left_off| {
            &left_off.lesson_id == lesson && &left_off.editor_code == code && left_off.step_index == step
        });
        if unchanged {
            return;
        }
        let scroll_offset =
            current.filter(|left_off| &left_off.lesson_id == lesson).map_or(0.0, |left_off| left_off.scroll_offset);
        let left_off =
            LeftOff { lesson_id: lesson.clone(), scroll_offset, editor_code: code.clone(), step_index: step };
        self.store.progress.update(now, |progress| progress.set_left_off(left_off));
    }

    /// Saves the pane layout after it changed (not while a pane is being dragged).
    fn remember_layout(&mut self, ctx: &egui::Context, now: Instant) {
        if !self.layout_changed || ctx.input(|input| input.pointer.any_down()) {
            return;
        }
        self.layout_changed = false;
        let layout = self.workspace.to_value();
        if layout != self.saved_layout {
            self.store.settings.edit(now).pane_layout = layout.clone();
            self.saved_layout = layout;
        }
    }

    /// Brings a pane forward (back into the layout if it was closed).
    fn show_pane(&mut self, pane: Pane) {
        self.tab = pane;
        if !self.workspace.is_visible(pane) {
            self.workspace.show(pane);
            self.layout_changed = true;
        }
    }

    fn collect_store_warnings(&mut self) {
        for warning in self.store.drain_warnings() {
            self.notices.push_warning(warning);
        }
    }

    /// Saves everything; `false` (keep the window open) if that failed, the first time: the notice
    /// says why, and closing again quits anyway.
    fn save_before_close(&mut self) -> bool {
        match self.store.flush_all() {
            Ok(()) => true,
            Err(_) if self.close_anyway => true,
            Err(errors) => {
                self.close_anyway = true;
                let reasons: Vec<String> = errors.iter().map(ToString::to_string).collect();
                self.notices.push(
                    Level::Error,
                    format!(
                        "Not everything could be saved ({}). pyxray stays open so nothing is lost; close it again to quit anyway and lose those changes.",
                        reasons.join("; ")
                    ),
                );
                self.collect_store_warnings();
                false
            }
        }
    }
}

/// The store in `--data-dir`, else in the user's config folder, else (no home folder) in a
/// temporary folder, with a notice saying so.
fn open_store(data_dir: Option<PathBuf>) -> (Store, Option<String>) {
    match StorePaths::from_data_dir_option(data_dir) {
        Some(paths) => (Store::open(paths), None),
        None => {
            let dir = std::env::temp_dir().join("pyxray-data");
            let notice = format!(
                "pyxray found no home folder, so your notes, progress and settings are kept in {} for now. Start pyxray with --data-dir DIR to choose a folder.",
                dir.display()
            );
            (Store::open(StorePaths::in_dir(dir)), Some(notice))
        }
    }
}
