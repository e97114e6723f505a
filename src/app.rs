//! Wiring: the window, its panels, the engine and the model.
//!
//! One frame: drain engine events into the model (bounded in time), fetch the current step's
//! snapshot if the step moved, turn shortcut key presses into commands, draw every panel (each
//! returns the commands its widgets produced), then apply all commands.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use egui::accesskit::Role;
use egui::{CentralPanel, Panel, RichText, UiBuilder};

use crate::engine::{Engine, Limits, RunRequest, WorkerState};
use crate::ui::commands::{self, Command, CommandStates};
use crate::ui::editor::EditorPanel;
use crate::ui::heap::HeapPanel;
use crate::ui::lesson::LessonPane;
use crate::ui::menu::MenuBar;
use crate::ui::model::{self, Model, Notice};
use crate::ui::modules::ModulesPanel;
use crate::ui::output::OutputPanel;
use crate::ui::stack::StackPanel;
use crate::ui::status::StatusBar;
use crate::ui::theme::{self, space};
use crate::ui::toolbar::Toolbar;
use crate::ui::{Tab, commands::spec_of};

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
        persistence_path: data_dir,
        ..Default::default()
    };
    let started = eframe::run_native(
        "pyxray",
        options,
        Box::new(|creation| Ok(Box::new(PyxrayApp::new(Engine::current_exe(), &creation.egui_ctx)))),
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
    tab: Tab,
    lesson_shown: bool,
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
    /// Lesson activity of this session, in order.
    lesson_events: Vec<commands::LessonEvent>,
}

impl PyxrayApp {
    /// Starts the Python worker (`engine_exe engine`); its events repaint `ctx`. Needs no window.
    pub fn new(engine_exe: PathBuf, ctx: &egui::Context) -> Self {
        let repaint = ctx.clone();
        let engine = Engine::start(engine_exe, Some(Arc::new(move || repaint.request_repaint())));
        PyxrayApp {
            engine,
            model: Model::new(),
            tab: Tab::Output,
            lesson_shown: true,
            lesson_events: Vec::new(),
            dark_mode: true,
            theme_installed: false,
            menu: MenuBar,
            toolbar: Toolbar,
            status: StatusBar,
            lesson: LessonPane,
            editor: EditorPanel::default(),
            output: OutputPanel::default(),
            stack: StackPanel::default(),
            heap: HeapPanel::default(),
            modules: ModulesPanel::default(),
        }
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

    pub fn tab(&self) -> Tab {
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
        self.model.worker = self.engine.state();
        if self.model.python_version.is_none() {
            self.model.python_version = self.engine.python_version();
        }
        self.model.refresh();

        let mut commands = commands::shortcut_commands(&ctx);
        let states = self.command_states();

        Panel::top("menu_bar").show(ui, |ui| {
            commands.extend(self.menu.ui(ui, &states));
        });
        Panel::top("toolbar").show(ui, |ui| {
            let builder = UiBuilder::new().accessibility_label("Toolbar").accessibility_role(Role::Toolbar);
            ui.scope_builder(builder, |ui| commands.extend(self.toolbar.ui(ui, &self.model, &states)));
        });
        Panel::bottom("status_bar").show(ui, |ui| {
            let builder = UiBuilder::new().accessibility_label("Status bar").accessibility_role(Role::Status);
            ui.scope_builder(builder, |ui| commands.extend(self.status.ui(ui, &self.model)));
        });
        if self.lesson_shown {
            Panel::left("lesson").resizable(true).default_size(space::LESSON_WIDTH).min_size(200.0).show(ui, |ui| {
                let builder = UiBuilder::new().accessibility_label("Lesson");
                ui.scope_builder(builder, |ui| commands.extend(self.lesson.ui(ui)));
            });
        }
        Panel::right("inspector").resizable(true).default_size(space::INSPECTOR_WIDTH).min_size(280.0).show(ui, |ui| {
            commands.extend(tab_bar(ui, self.tab));
            ui.separator();
            let builder = UiBuilder::new().accessibility_label(self.tab.panel_label());
            ui.scope_builder(builder, |ui| {
                let produced = match self.tab {
                    Tab::Output => self.output.ui(ui, &self.model),
                    Tab::Stack => self.stack.ui(ui, &self.model),
                    Tab::Heap => self.heap.ui(ui, &self.model),
                    Tab::Modules => self.modules.ui(ui, &self.model),
                };
                commands.extend(produced);
            });
        });
        CentralPanel::default().show(ui, |ui| {
            let builder = UiBuilder::new().accessibility_label("Editor");
            ui.scope_builder(builder, |ui| commands.extend(self.editor.ui(ui, &self.model)));
        });

        if !commands.is_empty() {
            for command in commands {
                self.apply(command, &ctx);
            }
            self.model.refresh();
            ctx.request_repaint();
        }
        if self.model.worker == WorkerState::Running {
            // Steps keep arriving: keep the view moving even between wake-ups.
            ctx.request_repaint_after(Duration::from_millis(50));
        }
    }

    fn drain_events(&mut self, ctx: &egui::Context) {
        let started = Instant::now();
        while let Some(event) = self.engine.try_recv() {
            let was_waiting = self.model.waiting_prompt.is_some();
            self.model.handle(event);
            if !was_waiting && self.model.waiting_prompt.is_some() {
                self.tab = Tab::Output;
            }
            if started.elapsed() >= DRAIN_BUDGET {
                ctx.request_repaint();
                break;
            }
        }
    }

    fn command_states(&self) -> CommandStates {
        let len = self.model.len();
        let step = self.model.step();
        CommandStates {
            can_run: !self.model.is_busy(),
            can_stop: self.model.is_busy(),
            can_step_back: len > 0 && step > 0,
            can_step_forward: len > 0 && step + 1 < len,
            tab: self.tab,
            lesson_shown: self.lesson_shown,
            dark_mode: self.dark_mode,
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
            Command::ShowTab(tab) => self.tab = tab,
            Command::ToggleLesson => self.lesson_shown = !self.lesson_shown,
            Command::ToggleDarkMode => {
                self.dark_mode = !self.dark_mode;
                theme::install(ctx, self.dark_mode);
            }
            Command::SendInput(text) => {
                self.engine.send_input(text);
                self.model.waiting_prompt = None;
            }
            Command::Quit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
            Command::Lesson(event) => self.record_lesson_event(event),
        }
    }

    /// Progress bookkeeping for lesson activity (the progress store is wired in by the notes and
    /// progress work; until then the events are only kept for this session).
    fn record_lesson_event(&mut self, event: commands::LessonEvent) {
        self.lesson_events.push(event);
    }

    fn start_run(&mut self) {
        let request = RunRequest {
            code: self.editor.code.clone(),
            filename: PROGRAM_FILENAME.to_owned(),
            limits: Limits::default(),
            stdin: String::new(),
            interactive: true,
            trace: true,
            script_dir: None,
        };
        match self.engine.run(request) {
            Ok(()) => self.model.begin_run(),
            Err(err) => self.model.notice = Some(Notice::error(err)),
        }
    }
}

/// The tabs over the panel area; their tooltips name the shortcut from the command table.
fn tab_bar(ui: &mut egui::Ui, current: Tab) -> Vec<Command> {
    let mut commands = Vec::new();
    ui.horizontal(|ui| {
        for tab in Tab::ALL {
            let command = Command::ShowTab(tab);
            let label = RichText::new(tab.label()).strong();
            let mut response = ui.selectable_label(current == tab, label);
            if let Some(spec) = spec_of(&command) {
                response = response.on_hover_text(commands::tooltip(ui.ctx(), spec));
            }
            if response.clicked() {
                commands.push(command);
            }
        }
    });
    commands
}

impl eframe::App for PyxrayApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }
}
