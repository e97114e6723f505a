//! The editor's program as the app handles it: New, Open, Open recent, Save and Save as (with the
//! "save changes?" guard before the text is replaced or the window closes), the window title, and
//! live mode's runs. The checks and the bookkeeping live in `ui::files` and `ui::live`; this is the
//! wiring to the editor, the engine, the settings and the notices.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::PyxrayApp;
use crate::engine::WorkerState;
use crate::lessons;
use crate::ui::commands::LessonRun;
use crate::ui::files::{self, GuardAnswer, GuardedAction, ProgramFile};
use crate::ui::live::{KeptView, LiveAction, LiveMode};
use crate::ui::notices::Level;

/// The program's file, the question waiting for an answer, live mode, and the title shown.
#[derive(Default)]
pub(super) struct ProgramSession {
    file: ProgramFile,
    /// An action held back until "save changes?" is answered.
    guarded: Option<GuardedAction>,
    /// The learner agreed to close with unsaved changes (or saved them): the next close goes ahead.
    close_confirmed: bool,
    live: LiveMode,
    /// The window title last sent, so it is sent only when it changes.
    title: Option<String>,
}

impl ProgramSession {
    /// The program in the editor at start-up has no file, and counts as saved.
    pub(super) fn starting_with(code: &str) -> Self {
        ProgramSession { file: ProgramFile::untitled(code), ..Self::default() }
    }

    pub(super) fn live_mode(&self) -> bool {
        self.live.is_on()
    }

    /// The open file's folder, put first on `sys.path` so the program imports its neighbours.
    pub(super) fn script_dir(&self) -> Option<String> {
        let folder = self.file.path()?.parent()?;
        folder.to_str().filter(|folder| !folder.is_empty()).map(str::to_owned)
    }
}

impl PyxrayApp {
    /// File → Open…, after the dialog (tests call it with a path). A file the editor cannot take
    /// (missing, unreadable, not UTF-8, too large) leaves the editor as it was; the notice says why.
    pub fn open_file_from(&mut self, path: &Path) -> Result<(), String> {
        let text = files::read_program(path).inspect_err(|problem| self.notices.push(Level::Error, problem.clone()))?;
        self.editor.replace_text(text, &self.model);
        self.program.file.set(Some(path.to_path_buf()), &self.editor.code);
        self.remember_recent_file(path);
        Ok(())
    }

    /// File → Save / Save as…, after the dialog. A failure keeps the text (still unsaved) and says why.
    pub fn save_file_to(&mut self, path: &Path) -> Result<(), String> {
        files::write_program(path, &self.editor.code)
            .inspect_err(|problem| self.notices.push(Level::Error, problem.clone()))?;
        self.program.file.set(Some(path.to_path_buf()), &self.editor.code);
        self.remember_recent_file(path);
        Ok(())
    }

    /// "pyxray — loops.py •": the program's file and whether it has unsaved changes.
    pub fn window_title(&self) -> String {
        self.program.file.window_title(&self.editor.code)
    }

    /// The program's file, if it has one.
    pub fn program_path(&self) -> Option<&Path> {
        self.program.file.path()
    }

    /// File → Open recent, most recent first.
    pub fn recent_files(&self) -> &[PathBuf] {
        &self.store.settings.get().recent_files
    }

    /// Live mode's quiet time after an edit (the benchmark times the rest with zero).
    pub fn set_live_debounce(&mut self, debounce: Duration) {
        self.program.live.set_debounce(debounce);
    }

    fn remember_recent_file(&mut self, path: &Path) {
        let mut recent = self.store.settings.get().recent_files.clone();
        files::remember_recent(&mut recent, path);
        if recent != self.store.settings.get().recent_files {
            self.store.settings.edit(Instant::now()).recent_files = recent.clone();
        }
        self.menu.recent_files = recent;
    }

    /// New, Open… and Open recent: asks about unsaved changes first.
    pub(super) fn request_program_action(&mut self, action: GuardedAction) {
        let same_text = matches!(&action, GuardedAction::LessonCode { code, .. } if *code == self.editor.code);
        if self.program.file.is_dirty(&self.editor.code) && !same_text {
            self.program.guarded = Some(action);
        } else {
            self.perform_program_action(action);
        }
    }

    /// Whether the window may close now as far as the program is concerned; if it has unsaved
    /// changes, asks first (and the answer closes the window or not).
    pub(super) fn program_may_close(&mut self) -> bool {
        // An untitled program comes back at the next start ("where you left off") when a lesson is
        // open, so only a file's unsaved changes would be lost.
        let would_lose = self.program.file.path().is_some() || self.open_lesson.is_none();
        if self.program.close_confirmed || !would_lose || !self.program.file.is_dirty(&self.editor.code) {
            return true;
        }
        self.program.guarded = Some(GuardedAction::Close);
        false
    }

    fn perform_program_action(&mut self, action: GuardedAction) {
        match action {
            GuardedAction::NewFile => {
                self.editor.replace_text(String::new(), &self.model);
                self.program.file.set(None, "");
            }
            GuardedAction::OpenFile => {
                let dialog = rfd::FileDialog::new().set_title("Open a Python program").add_filter("Python", &["py"]);
                if let Some(path) = dialog.pick_file() {
                    let _ = self.open_file_from(&path);
                }
            }
            GuardedAction::OpenPath(path) => self.open_recent(&path),
            GuardedAction::LessonCode { code, run } => {
                // The lesson's code is not the file's: Save must not write it over the file.
                self.program.file.set(None, &code);
                self.editor.code.clone_from(&code);
                if let Some(run) = run {
                    let timeout = match &run {
                        LessonRun::Example { timeout_ms, .. } => *timeout_ms as f64 / 1000.0,
                        _ => lessons::DEFAULT_TIMEOUT_SECS,
                    };
                    self.start_lesson_run(code, timeout, run);
                }
            }
            GuardedAction::Close => {
                self.program.close_confirmed = true;
                self.queue_command(crate::ui::Command::Quit);
            }
        }
    }

    /// Opens a recent file; one that is gone is taken off the list, with a notice.
    fn open_recent(&mut self, path: &Path) {
        if path.is_file() {
            let _ = self.open_file_from(path);
            return;
        }
        let mut recent = self.store.settings.get().recent_files.clone();
        recent.retain(|known| known != path);
        self.store.settings.edit(Instant::now()).recent_files = recent.clone();
        self.menu.recent_files = recent;
        self.notices.push(
            Level::Error,
            format!("{} is no longer there (moved or deleted?), so it was taken off Open recent.", path.display()),
        );
    }

    /// Save (`ask` false: to the program's file if it has one) or Save as (`ask` true). False if
    /// nothing was saved (the dialog was cancelled, or writing failed).
    pub(super) fn save_program(&mut self, ask: bool) -> bool {
        if !ask && let Some(path) = self.program.file.path().map(Path::to_path_buf) {
            return self.save_file_to(&path).is_ok();
        }
        let name = match self.program.file.path() {
            Some(_) => self.program.file.name(),
            None => "program.py".to_owned(),
        };
        let mut dialog =
            rfd::FileDialog::new().set_title("Save the program").add_filter("Python", &["py"]).set_file_name(name);
        if let Some(folder) = self.program.file.path().and_then(Path::parent) {
            dialog = dialog.set_directory(folder);
        }
        match dialog.save_file() {
            Some(path) => self.save_file_to(&path).is_ok(),
            None => false,
        }
    }

    /// Once a frame: the "save changes?" question while an action waits for it, and the title.
    pub(super) fn program_ui(&mut self, ctx: &egui::Context) {
        if let Some(action) = self.program.guarded.clone() {
            match files::show_guard(ctx, &self.program.file.name(), &action) {
                Some(GuardAnswer::Save) => {
                    self.program.guarded = None;
                    if self.save_program(false) {
                        self.perform_program_action(action);
                    }
                }
                Some(GuardAnswer::DontSave) => {
                    self.program.guarded = None;
                    self.perform_program_action(action);
                }
                Some(GuardAnswer::Cancel) => self.program.guarded = None,
                None => {}
            }
        }
        let title = self.window_title();
        if self.program.title.as_ref() != Some(&title) {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.program.title = Some(title);
        }
    }

    /// Live mode on or off (Ctrl+L); turning it on runs the program.
    pub(super) fn toggle_live_mode(&mut self) {
        let view = KeptView::of(&self.model);
        self.program.live.toggle(Instant::now(), view);
    }

    /// After engine events: once a live run has ended, back to the line shown before the edit.
    pub(super) fn restore_live_view(&mut self) {
        self.program.live.restore_view(&mut self.model);
    }

    /// Once a frame, after the editor is drawn: a new edit restarts live mode's quiet time; after it,
    /// a run in flight is stopped and the program runs again.
    pub(super) fn tick_live_mode(&mut self, ctx: &egui::Context) {
        let now = Instant::now();
        let view = KeptView::of(&self.model);
        self.program.live.note_edits(self.editor.edits(), now, view);
        let worker = self.engine.state();
        let busy = !matches!(worker, WorkerState::Idle) || self.model.is_recording();
        match self.program.live.poll(now, busy, self.pending_lesson_run.is_some()) {
            LiveAction::Nothing => {}
            LiveAction::Stop => {
                self.engine.stop();
                ctx.request_repaint();
            }
            LiveAction::WakeAfter(wait) => ctx.request_repaint_after(wait),
            LiveAction::Run => {
                // `input()` gets end-of-file in live runs instead of waiting for the learner.
                if self.start_editor_run(false) {
                    self.program.live.started(self.model.run_id());
                }
                ctx.request_repaint();
            }
        }
    }
}
