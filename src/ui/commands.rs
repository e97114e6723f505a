//! Everything the user can ask for, and the one table that gives each command its label and
//! shortcuts. The toolbar, the menu bar, the tooltips and the keyboard handling all read `COMMANDS`,
//! so a command's name and keys are written down exactly once.
//!
//! Panels never act: they return `Command`s, and the app applies them after the frame is drawn.

use egui::{Key, KeyboardShortcut, Modifiers};

use super::Pane;
pub use crate::trace::steps::Selection;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Run the editor's program under the tracer.
    Run,
    /// Stop the running program.
    Stop,
    /// Replace the Python worker with a fresh interpreter.
    RestartInterpreter,
    /// One step back, whatever frame it is in (step into, backwards).
    StepBack,
    /// The next step, whatever frame it is in (step into).
    StepForward,
    /// The next step in this frame or an outer one: calls made from this line are run through.
    StepOver,
    /// The previous step in this frame or an outer one.
    StepOverBack,
    /// The first step after this frame has returned (in an outer frame).
    StepOut,
    /// The step that called this frame.
    StepOutBack,
    /// The next step on a line with a breakpoint (or the last step).
    ContinueForward,
    /// The previous step on a line with a breakpoint (or the first step).
    ContinueBack,
    /// Set or clear the breakpoint on a line (1-based) of the editor's program.
    ToggleBreakpoint(u32),
    /// Set or clear the breakpoint on the editor's cursor line.
    ToggleBreakpointAtCursor,
    /// Play the recorded steps one after another, or pause.
    TogglePlay,
    /// Playback speed, in steps per second.
    SetPlaySpeed(u32),
    FirstStep,
    LastStep,
    /// Show the recorded step with this index (0-based).
    GoToStep(u64),
    /// Pick an object or a name: "when did it change?" jumps between the steps that changed it.
    Select(Option<Selection>),
    /// The previous step at which the selection changed.
    PreviousChange,
    /// The next step at which the selection changed.
    NextChange,
    /// Show this frame's names first and outline its objects in the heap.
    FocusFrame(u64),
    /// Bring a pane forward, putting it back into the layout if it was closed.
    ShowPane(Pane),
    /// Take a pane out of the layout (the View menu brings it back).
    HidePane(Pane),
    /// Back to the layout pyxray starts with.
    ResetLayout,
    ToggleLesson,
    /// Re-run the program (debounced) on every edit, staying at the same line.
    ToggleLiveMode,
    /// Record one step per bytecode instruction instead of one per line.
    ToggleInstructionStepping,
    /// A fresh, unnamed program in the editor (asks first about unsaved changes).
    NewFile,
    /// Open a `.py` file into the editor (asks first about unsaved changes).
    OpenFile,
    /// Open one of the recently used files.
    OpenRecent(std::path::PathBuf),
    /// Save the editor's program to its file (or ask where, if it has none).
    SaveFile,
    SaveFileAs,
    /// The heap diagram of the shown step as an SVG or PNG file (save dialog).
    ExportHeapSvg,
    ExportHeapPng,
    ToggleDarkMode,
    /// Presenter mode: the open lesson as slides, big and fullscreen, with an audience window.
    TogglePresenter,
    /// Bookmark the step shown of a lesson example's trace ("pause here"), or clear its bookmark.
    ToggleBookmark,
    /// The next bookmarked step of the example shown.
    NextBookmark,
    /// The previous bookmarked step of the example shown.
    PreviousBookmark,
    /// Presenter mode: dim everything but the part under the mouse.
    ToggleSpotlight,
    /// A large translucent spot follows the mouse, for a projector.
    TogglePointer,
    /// The Reduce motion setting: no sliding or fading in the heap diagram.
    SetReduceMotion(bool),
    /// A line for the program's `input()` (`None` closes its input).
    SendInput(Option<String>),
    Quit,
    /// Something the learner did in a lesson, for their progress.
    Lesson(LessonEvent),
    /// Make everything larger (zoom is saved in the settings).
    ZoomIn,
    ZoomOut,
    /// Back to 100 %.
    ZoomReset,
    /// Open the settings window (theme, zoom, engine limits).
    OpenSettings,
    /// Engine limits chosen in the settings window; every later run uses them.
    SetEngineLimits(EngineLimitsChange),
    /// File dialogs for moving the learner's data; the results go through `PyxrayApp::export_notes_to` and
    /// friends, which tests call with paths.
    ExportNotes,
    ExportProgress,
    ImportProgress,
    /// Something done in the Notes panel (or its menu).
    Notes(NoteCommand),
    /// Close the notice with this id; `None` closes them all.
    DismissNotice(Option<u64>),
    /// Put code from a lesson into the editor (Load, Load starter); with `run`, also run it (Run, Step
    /// through) and hand the run's end back to the lesson pane.
    LoadCode {
        code: String,
        run: Option<LessonRun>,
    },
    /// Load a predict block's code into the editor and run it; its output goes back to the lesson pane.
    CheckPrediction {
        lesson: String,
        index: usize,
        code: String,
    },
    /// Run the editor's code followed by an exercise's check; the outcome goes back to the lesson pane.
    CheckExercise {
        lesson: String,
        exercise: String,
        check: String,
    },
    /// Folder dialog for a teacher's lessons; the folder goes through `PyxrayApp::open_lesson_folder`.
    OpenLessonFolder,
    ShowBuiltInLessons,
}

/// A run the lesson pane asked for: the app keeps it until the run ends, then gives it back to the
/// pane with the run's end and output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LessonRun {
    /// `index` among the lesson's examples; Step through shows the first step on `start_line`
    /// (or step 0) when the run ends.
    Example {
        lesson: String,
        index: usize,
        timeout_ms: u64,
        step_through: bool,
        start_line: Option<u32>,
    },
    Predict {
        lesson: String,
        index: usize,
    },
    /// `code`: the learner's code that ran before the check.
    Exercise {
        lesson: String,
        exercise: String,
        code: String,
    },
}

/// What the Notes panel asks for. The note shown is the open lesson's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoteCommand {
    /// The learner edited the note of `lesson`; `text` is the whole new note.
    Edit { lesson: String, text: String },
    /// Insert the editor's code as a fenced `python` block at the note's cursor (or its end).
    AddCode,
    /// Insert the output shown in the Output tab as a fenced `text` block.
    AddOutput,
    /// Show the note of this lesson (the lesson selector above the note).
    ShowLesson(String),
}

/// Engine limits as a command. Equality compares the exact bits of the time limit, so the command
/// stays `Eq`.
#[derive(Clone, Debug)]
pub struct EngineLimitsChange(pub crate::store::EngineLimitsSettings);

impl PartialEq for EngineLimitsChange {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (&self.0, &other.0);
        a.max_steps == b.max_steps
            && a.time_limit_secs.to_bits() == b.time_limit_secs.to_bits()
            && a.output_limit_bytes == b.output_limit_bytes
            && a.memory_limit_mb == b.memory_limit_mb
            && a.max_container_items == b.max_container_items
    }
}

impl Eq for EngineLimitsChange {}

/// Learner activity in the lesson pane that progress records (lesson ids as in the lesson files).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LessonEvent {
    Visited { lesson: String },
    ExampleRun { lesson: String, index: usize },
    Predicted { lesson: String, index: usize, answer: String, correct: bool },
    ExercisePassed { lesson: String, exercise: String, code: String },
    Completed { lesson: String },
}

/// The menu a command is listed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Menu {
    File,
    Run,
    View,
    Lessons,
    Notes,
}

impl Menu {
    pub const ALL: [Menu; 5] = [Menu::File, Menu::Run, Menu::View, Menu::Lessons, Menu::Notes];

    pub fn label(self) -> &'static str {
        match self {
            Menu::File => "File",
            Menu::Run => "Run",
            Menu::View => "View",
            Menu::Lessons => "Lessons",
            Menu::Notes => "Notes",
        }
    }
}

pub struct CommandSpec {
    pub command: Command,
    /// The button and menu text (also the accessible name).
    pub label: &'static str,
    /// The first one is the one shown in menus; all of them work.
    pub shortcuts: &'static [KeyboardShortcut],
    pub menu: Menu,
    /// Also a toolbar button.
    pub toolbar: bool,
    /// What the command does, for tooltips.
    pub help: &'static str,
    /// Draw a separator in its menu before this entry.
    pub separator_before: bool,
}

const fn key(modifiers: Modifiers, key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(modifiers, key)
}

const NONE: Modifiers = Modifiers::NONE;
const SHIFT: Modifiers = Modifiers::SHIFT;
/// Ctrl on Linux and Windows, Cmd on macOS.
const CMD: Modifiers = Modifiers::COMMAND;
const CMD_SHIFT: Modifiers = Modifiers::COMMAND.plus(Modifiers::SHIFT);
const ALT: Modifiers = Modifiers::ALT;
const ALT_SHIFT: Modifiers = Modifiers::ALT.plus(Modifiers::SHIFT);

const fn spec(
    command: Command,
    label: &'static str,
    shortcuts: &'static [KeyboardShortcut],
    menu: Menu,
    toolbar: bool,
    help: &'static str,
) -> CommandSpec {
    CommandSpec { command, label, shortcuts, menu, toolbar, help, separator_before: false }
}

const fn after_separator(mut spec: CommandSpec) -> CommandSpec {
    spec.separator_before = true;
    spec
}

/// The table. Order is menu order and toolbar order.
pub static COMMANDS: &[CommandSpec] = &[
    spec(Command::NewFile, "New", &[key(CMD, Key::N)], Menu::File, false, "Start a new, empty program"),
    spec(Command::OpenFile, "Open…", &[key(CMD, Key::O)], Menu::File, false, "Open a Python file in the editor"),
    spec(Command::SaveFile, "Save", &[key(CMD, Key::S)], Menu::File, false, "Save the program to its file"),
    spec(
        Command::SaveFileAs,
        "Save as…",
        &[key(CMD_SHIFT, Key::S)],
        Menu::File,
        false,
        "Save the program to a new file",
    ),
    after_separator(spec(
        Command::ExportHeapSvg,
        "Export heap diagram as SVG…",
        &[],
        Menu::File,
        false,
        "Save the heap diagram of this step as an SVG picture, for slides and notes",
    )),
    spec(
        Command::ExportHeapPng,
        "Export heap diagram as PNG…",
        &[],
        Menu::File,
        false,
        "Save the heap diagram of this step as a PNG picture",
    ),
    after_separator(spec(
        Command::ExportNotes,
        "Export notes as Markdown…",
        &[],
        Menu::File,
        false,
        "Save all your notes as one Markdown file",
    )),
    spec(
        Command::ExportProgress,
        "Export progress…",
        &[],
        Menu::File,
        false,
        "Save your progress to a file, to take it to another computer",
    ),
    spec(
        Command::ImportProgress,
        "Import progress…",
        &[],
        Menu::File,
        false,
        "Add the progress from an exported file to yours (nothing is erased)",
    ),
    after_separator(spec(
        Command::OpenSettings,
        "Settings…",
        &[key(CMD, Key::Comma)],
        Menu::File,
        false,
        "Theme, zoom and the limits every run gets",
    )),
    after_separator(spec(Command::Quit, "Quit", &[key(CMD, Key::Q)], Menu::File, false, "Close pyxray")),
    spec(
        Command::Run,
        "Run",
        &[key(CMD, Key::Enter), key(NONE, Key::F5)],
        Menu::Run,
        true,
        "Run the program in the editor and record every step",
    ),
    spec(Command::Stop, "Stop", &[key(SHIFT, Key::F5)], Menu::Run, true, "Stop the running program"),
    spec(
        Command::RestartInterpreter,
        "Restart interpreter",
        &[key(CMD_SHIFT, Key::F5)],
        Menu::Run,
        true,
        "Start a fresh Python interpreter (empties sys.modules)",
    ),
    after_separator(spec(
        Command::StepBack,
        "Step back",
        &[key(ALT, Key::F11), key(SHIFT, Key::F10)],
        Menu::Run,
        true,
        "Show the step before this one, in whatever frame it is",
    )),
    spec(
        Command::StepOverBack,
        "Step over back",
        &[key(ALT, Key::F10)],
        Menu::Run,
        true,
        "Go back to the previous step in this frame, skipping calls",
    ),
    spec(
        Command::StepOutBack,
        "Step out back",
        &[key(ALT_SHIFT, Key::F11)],
        Menu::Run,
        false,
        "Go back to the step that called this frame",
    ),
    spec(
        Command::StepOver,
        "Step over",
        &[key(NONE, Key::F10)],
        Menu::Run,
        true,
        "Show the next step in this frame, running through calls",
    ),
    spec(
        Command::StepForward,
        "Step into",
        &[key(NONE, Key::F11)],
        Menu::Run,
        true,
        "Show the next step, going into calls",
    ),
    spec(
        Command::StepOut,
        "Step out",
        &[key(SHIFT, Key::F11)],
        Menu::Run,
        true,
        "Show the first step after this frame returns",
    ),
    spec(Command::FirstStep, "First step", &[key(CMD, Key::Home)], Menu::Run, false, "Show the first step"),
    spec(Command::LastStep, "Last step", &[key(CMD, Key::End)], Menu::Run, false, "Show the last recorded step"),
    after_separator(spec(
        Command::ContinueBack,
        "Back to breakpoint",
        &[key(ALT, Key::F8)],
        Menu::Run,
        false,
        "Go back to the previous step on a line with a breakpoint",
    )),
    spec(
        Command::ContinueForward,
        "Continue to breakpoint",
        &[key(NONE, Key::F8)],
        Menu::Run,
        true,
        "Go to the next step on a line with a breakpoint",
    ),
    spec(
        Command::ToggleBreakpointAtCursor,
        "Toggle breakpoint",
        &[key(NONE, Key::F9)],
        Menu::Run,
        false,
        "Set or clear a breakpoint on the cursor's line (or click the gutter)",
    ),
    spec(
        Command::TogglePlay,
        "Play",
        &[key(NONE, Key::F6)],
        Menu::Run,
        true,
        "Play the recorded steps one after another, or pause",
    ),
    after_separator(spec(
        Command::ToggleBookmark,
        "Bookmark step",
        &[key(CMD, Key::B)],
        Menu::Run,
        false,
        "Mark this step of the lesson's example as a place to pause (Play stops there), or clear the mark",
    )),
    spec(
        Command::PreviousBookmark,
        "Previous bookmark",
        &[key(ALT, Key::PageUp)],
        Menu::Run,
        false,
        "Go back to the last bookmarked step of the example",
    ),
    spec(
        Command::NextBookmark,
        "Next bookmark",
        &[key(ALT, Key::PageDown)],
        Menu::Run,
        false,
        "Go to the next bookmarked step of the example",
    ),
    after_separator(spec(
        Command::PreviousChange,
        "Previous change",
        &[key(CMD, Key::OpenBracket)],
        Menu::Run,
        false,
        "Go back to the last step that changed the selected name or object",
    )),
    spec(
        Command::NextChange,
        "Next change",
        &[key(CMD, Key::CloseBracket)],
        Menu::Run,
        false,
        "Go to the next step that changes the selected name or object",
    ),
    after_separator(spec(
        Command::ToggleLiveMode,
        "Live mode",
        &[key(CMD, Key::L)],
        Menu::Run,
        true,
        "Run the program again after every edit, staying at the same line",
    )),
    spec(
        Command::ToggleInstructionStepping,
        "Step by instruction",
        &[],
        Menu::Run,
        false,
        "Record one step per bytecode instruction instead of one per line",
    ),
    spec(Command::ShowPane(Pane::Editor), "Editor", &[], Menu::View, false, "Show the code editor"),
    spec(
        Command::ShowPane(Pane::Output),
        "Output",
        &[key(CMD, Key::Num1)],
        Menu::View,
        false,
        "Show the program's output",
    ),
    spec(
        Command::ShowPane(Pane::Stack),
        "Stack",
        &[key(CMD, Key::Num2)],
        Menu::View,
        false,
        "Show the call stack and its local names",
    ),
    spec(
        Command::ShowPane(Pane::Heap),
        "Heap",
        &[key(CMD, Key::Num3)],
        Menu::View,
        false,
        "Show the objects on the heap, with arrows from names",
    ),
    spec(
        Command::ShowPane(Pane::Modules),
        "Modules",
        &[key(CMD, Key::Num4)],
        Menu::View,
        false,
        "Show the modules in sys.modules",
    ),
    spec(
        Command::ShowPane(Pane::Notes),
        "Notes",
        &[key(CMD, Key::Num5)],
        Menu::View,
        false,
        "Show your note for the open lesson",
    ),
    spec(
        Command::ShowPane(Pane::Progress),
        "Progress",
        &[key(CMD, Key::Num6)],
        Menu::View,
        false,
        "Show what you have done in each lesson",
    ),
    spec(
        Command::ShowPane(Pane::Bytecode),
        "Bytecode",
        &[key(CMD, Key::Num7)],
        Menu::View,
        false,
        "Show the bytecode of the code running at this step",
    ),
    spec(
        Command::ShowPane(Pane::Internals),
        "Internals",
        &[key(CMD, Key::Num8)],
        Menu::View,
        false,
        "Show what CPython keeps inside the selected object: spare capacity, hash table, identity",
    ),
    spec(
        Command::ShowPane(Pane::Threads),
        "Threads",
        &[key(CMD, Key::Num9)],
        Menu::View,
        false,
        "Show which thread ran when (the GIL hand-offs) and the asyncio event loop's tasks",
    ),
    after_separator(spec(Command::ToggleLesson, "Lesson pane", &[], Menu::View, false, "Show or hide the lesson pane")),
    spec(
        Command::ResetLayout,
        "Reset layout",
        &[],
        Menu::View,
        false,
        "Put every pane back where it was when pyxray was new",
    ),
    spec(Command::ToggleDarkMode, "Dark theme", &[], Menu::View, false, "Switch between the dark and the light theme"),
    spec(
        Command::TogglePresenter,
        "Presenter mode",
        &[key(NONE, Key::F12), key(CMD_SHIFT, Key::P)],
        Menu::View,
        true,
        "Show the open lesson as slides for a room: large, fullscreen, with an audience window",
    ),
    spec(
        Command::ToggleSpotlight,
        "Spotlight",
        &[key(CMD_SHIFT, Key::L)],
        Menu::View,
        false,
        "In presenter mode, dim everything but the part under the mouse",
    ),
    spec(
        Command::TogglePointer,
        "Pointer highlight",
        &[key(CMD_SHIFT, Key::H)],
        Menu::View,
        false,
        "Show a large spot where the mouse is, so a room can follow it",
    ),
    after_separator(spec(
        Command::ZoomIn,
        "Zoom in",
        &[key(CMD, Key::Equals), key(CMD, Key::Plus)],
        Menu::View,
        false,
        "Make everything larger",
    )),
    spec(Command::ZoomOut, "Zoom out", &[key(CMD, Key::Minus)], Menu::View, false, "Make everything smaller"),
    spec(Command::ZoomReset, "Actual size", &[key(CMD, Key::Num0)], Menu::View, false, "Back to 100 % zoom"),
    spec(
        Command::OpenLessonFolder,
        "Open lesson folder…",
        &[],
        Menu::Lessons,
        false,
        "Load a teacher's lessons from a folder of Markdown files",
    ),
    spec(
        Command::ShowBuiltInLessons,
        "Built-in lessons",
        &[],
        Menu::Lessons,
        false,
        "Go back to the lessons that come with pyxray",
    ),
    spec(
        Command::Notes(NoteCommand::AddCode),
        "Add code to notes",
        &[],
        Menu::Notes,
        false,
        "Put the editor's code into your note for this lesson, at the note's cursor",
    ),
    spec(
        Command::Notes(NoteCommand::AddOutput),
        "Add output to notes",
        &[],
        Menu::Notes,
        false,
        "Put the output shown in the Output tab into your note for this lesson, at the note's cursor",
    ),
];

/// The table entry of a command (`None` for commands with data, like `GoToStep`).
pub fn spec_of(command: &Command) -> Option<&'static CommandSpec> {
    COMMANDS.iter().find(|spec| &spec.command == command)
}

/// The shortcuts of a command, as the platform spells them ("Ctrl+Enter or F5").
pub fn shortcut_text(ctx: &egui::Context, spec: &CommandSpec) -> String {
    spec.shortcuts.iter().map(|shortcut| ctx.format_shortcut(shortcut)).collect::<Vec<_>>().join(" or ")
}

/// A tooltip: what the command does and its keys.
pub fn tooltip(ctx: &egui::Context, spec: &CommandSpec) -> String {
    if spec.shortcuts.is_empty() {
        spec.help.to_owned()
    } else {
        format!("{} ({})", spec.help, shortcut_text(ctx, spec))
    }
}

/// Takes this frame's shortcut key presses out of the input (before any widget sees them) and
/// returns their commands. More specific shortcuts are matched first, since egui ignores extra
/// Shift when matching (so Shift+F5 must be checked before F5).
pub fn shortcut_commands(ctx: &egui::Context) -> Vec<Command> {
    let mut shortcuts: Vec<(&KeyboardShortcut, &Command)> =
        COMMANDS.iter().flat_map(|spec| spec.shortcuts.iter().map(move |shortcut| (shortcut, &spec.command))).collect();
    shortcuts.sort_by_key(|(shortcut, _)| std::cmp::Reverse(modifier_count(shortcut.modifiers)));
    let mut commands = Vec::new();
    ctx.input_mut(|input| {
        for (shortcut, command) in shortcuts {
            // A key held down (or pressed quickly) can arrive several times in one frame.
            while input.consume_shortcut(shortcut) {
                commands.push(command.clone());
            }
        }
    });
    commands
}

fn modifier_count(modifiers: Modifiers) -> u8 {
    u8::from(modifiers.alt) + u8::from(modifiers.shift) + u8::from(modifiers.ctrl || modifiers.command)
}

/// Whether each command can be used right now, and which toggles are on; computed once a frame.
#[derive(Clone, Copy, Debug, Default)]
pub struct CommandStates {
    pub can_run: bool,
    pub can_stop: bool,
    pub can_step_back: bool,
    pub can_step_forward: bool,
    /// The pane brought forward last.
    pub pane: Pane,
    /// Panes in the layout now (the others were closed).
    pub panes_shown: PaneSet,
    pub lesson_shown: bool,
    /// Something is selected for "when did it change?".
    pub has_selection: bool,
    pub playing: bool,
    /// Steps per second while playing.
    pub play_speed: u32,
    pub live_mode: bool,
    pub instruction_stepping: bool,
    pub dark_mode: bool,
    pub presenter: bool,
    /// The run shown is a lesson example's, so its steps can be bookmarked.
    pub can_bookmark: bool,
    /// The step shown is bookmarked.
    pub bookmarked: bool,
    /// The example shown has bookmarks before / after the step shown.
    pub bookmark_before: bool,
    pub bookmark_after: bool,
    pub spotlight: bool,
    pub pointer: bool,
    /// A lesson is open, so there is a note to add to.
    pub has_note: bool,
    /// The Output tab shows some output at the current step.
    pub has_output: bool,
}

impl CommandStates {
    pub fn enabled(&self, command: &Command) -> bool {
        match command {
            Command::Run => self.can_run,
            Command::Stop => self.can_stop,
            Command::StepBack
            | Command::StepOverBack
            | Command::StepOutBack
            | Command::ContinueBack
            | Command::FirstStep => self.can_step_back,
            Command::StepForward
            | Command::StepOver
            | Command::StepOut
            | Command::ContinueForward
            | Command::LastStep => self.can_step_forward,
            Command::TogglePlay => self.can_step_forward || self.playing,
            Command::PreviousChange | Command::NextChange => self.has_selection,
            Command::ToggleBookmark => self.can_bookmark,
            Command::PreviousBookmark => self.bookmark_before,
            Command::NextBookmark => self.bookmark_after,
            Command::ToggleSpotlight => self.presenter,
            Command::SendInput(_) => self.can_stop,
            Command::Notes(NoteCommand::AddCode | NoteCommand::Edit { .. }) => self.has_note,
            Command::Notes(NoteCommand::AddOutput) => self.has_note && self.has_output,
            Command::Notes(NoteCommand::ShowLesson(_))
            | Command::ZoomIn
            | Command::ZoomOut
            | Command::ZoomReset
            | Command::OpenSettings
            | Command::SetEngineLimits(_)
            | Command::ExportNotes
            | Command::ExportProgress
            | Command::ImportProgress
            | Command::DismissNotice(_) => true,
            Command::LoadCode { run: Some(_), .. }
            | Command::CheckPrediction { .. }
            | Command::CheckExercise { .. } => self.can_run,
            Command::LoadCode { run: None, .. } | Command::OpenLessonFolder | Command::ShowBuiltInLessons => true,
            Command::RestartInterpreter
            | Command::GoToStep(_)
            | Command::ShowPane(_)
            | Command::HidePane(_)
            | Command::ResetLayout
            | Command::ToggleBreakpoint(_)
            | Command::ToggleBreakpointAtCursor
            | Command::SetPlaySpeed(_)
            | Command::Select(_)
            | Command::FocusFrame(_)
            | Command::ToggleLiveMode
            | Command::ToggleInstructionStepping
            | Command::NewFile
            | Command::OpenFile
            | Command::OpenRecent(_)
            | Command::SaveFile
            | Command::SaveFileAs
            | Command::ExportHeapSvg
            | Command::ExportHeapPng
            | Command::ToggleLesson
            | Command::ToggleDarkMode
            | Command::TogglePresenter
            | Command::TogglePointer
            | Command::SetReduceMotion(_)
            | Command::Lesson(_)
            | Command::Quit => true,
        }
    }

    /// `Some(on)` for commands shown with a check mark.
    pub fn checked(&self, command: &Command) -> Option<bool> {
        match command {
            Command::ShowPane(pane) => Some(self.panes_shown.contains(*pane)),
            Command::TogglePlay => Some(self.playing),
            Command::ToggleLiveMode => Some(self.live_mode),
            Command::ToggleInstructionStepping => Some(self.instruction_stepping),
            Command::ToggleLesson => Some(self.lesson_shown),
            Command::ToggleDarkMode => Some(self.dark_mode),
            Command::TogglePresenter => Some(self.presenter),
            Command::ToggleBookmark => Some(self.bookmarked),
            Command::ToggleSpotlight => Some(self.spotlight),
            Command::TogglePointer => Some(self.pointer),
            _ => None,
        }
    }
}

/// A set of panes, small enough to copy into `CommandStates` every frame.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PaneSet(u16);

impl PaneSet {
    pub fn insert(&mut self, pane: Pane) {
        self.0 |= 1 << pane as u16;
    }

    pub fn contains(self, pane: Pane) -> bool {
        self.0 & (1 << pane as u16) != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shortcut_belongs_to_one_command() {
        let mut seen = Vec::new();
        for spec in COMMANDS {
            for shortcut in spec.shortcuts {
                assert!(!seen.contains(shortcut), "{} reuses a shortcut", spec.label);
                seen.push(*shortcut);
            }
        }
    }

    #[test]
    fn labels_are_unique_within_a_menu() {
        for menu in Menu::ALL {
            let mut labels: Vec<_> = COMMANDS.iter().filter(|s| s.menu == menu).map(|s| s.label).collect();
            let count = labels.len();
            labels.sort_unstable();
            labels.dedup();
            assert_eq!(labels.len(), count, "{menu:?}");
        }
    }

    #[test]
    fn shift_variants_are_matched_before_plain_keys() {
        let ctx = egui::Context::default();
        let mut input = egui::RawInput::default();
        input.events.push(egui::Event::Key {
            key: Key::F5,
            physical_key: None,
            pressed: true,
            repeat: false,
            modifiers: Modifiers::SHIFT,
        });
        let mut commands = Vec::new();
        let mut output = ctx.run_ui(input, |ui| commands = shortcut_commands(ui.ctx()));
        // egui insists that a frame's texture changes are taken by someone.
        output.textures_delta.clear();
        assert_eq!(commands, vec![Command::Stop]);
    }
}
