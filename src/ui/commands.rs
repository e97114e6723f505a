//! Everything the user can ask for, and the one table that gives each command its label and
//! shortcuts. The toolbar, the menu bar, the tooltips and the keyboard handling all read `COMMANDS`,
//! so a command's name and keys are written down exactly once.
//!
//! Panels never act: they return `Command`s, and the app applies them after the frame is drawn.

use egui::{Key, KeyboardShortcut, Modifiers};

use super::Tab;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Run the editor's program under the tracer.
    Run,
    /// Stop the running program.
    Stop,
    /// Replace the Python worker with a fresh interpreter.
    RestartInterpreter,
    StepBack,
    StepForward,
    FirstStep,
    LastStep,
    /// Show the recorded step with this index (0-based).
    GoToStep(u64),
    ShowTab(Tab),
    ToggleLesson,
    ToggleDarkMode,
    /// A line for the program's `input()` (`None` closes its input).
    SendInput(Option<String>),
    Quit,
    /// Something the learner did in a lesson, for their progress.
    Lesson(LessonEvent),
}

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
}

impl Menu {
    pub const ALL: [Menu; 3] = [Menu::File, Menu::Run, Menu::View];

    pub fn label(self) -> &'static str {
        match self {
            Menu::File => "File",
            Menu::Run => "Run",
            Menu::View => "View",
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
    spec(Command::Quit, "Quit", &[key(CMD, Key::Q)], Menu::File, false, "Close pyxray"),
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
        &[key(SHIFT, Key::F10)],
        Menu::Run,
        true,
        "Show the step before this one",
    )),
    spec(Command::StepForward, "Step forward", &[key(NONE, Key::F10)], Menu::Run, true, "Show the next step"),
    spec(Command::FirstStep, "First step", &[key(CMD_SHIFT, Key::F10)], Menu::Run, false, "Show the first step"),
    spec(Command::LastStep, "Last step", &[key(CMD, Key::F10)], Menu::Run, false, "Show the last recorded step"),
    spec(
        Command::ShowTab(Tab::Output),
        "Output",
        &[key(CMD, Key::Num1)],
        Menu::View,
        false,
        "Show the program's output",
    ),
    spec(
        Command::ShowTab(Tab::Stack),
        "Stack",
        &[key(CMD, Key::Num2)],
        Menu::View,
        false,
        "Show the call stack and its local names",
    ),
    spec(
        Command::ShowTab(Tab::Heap),
        "Heap",
        &[key(CMD, Key::Num3)],
        Menu::View,
        false,
        "Show the objects on the heap",
    ),
    spec(
        Command::ShowTab(Tab::Modules),
        "Modules",
        &[key(CMD, Key::Num4)],
        Menu::View,
        false,
        "Show the modules in sys.modules",
    ),
    after_separator(spec(Command::ToggleLesson, "Lesson pane", &[], Menu::View, false, "Show or hide the lesson pane")),
    spec(Command::ToggleDarkMode, "Dark theme", &[], Menu::View, false, "Switch between the dark and the light theme"),
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
            if input.consume_shortcut(shortcut) {
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
    pub tab: Tab,
    pub lesson_shown: bool,
    pub dark_mode: bool,
}

impl CommandStates {
    pub fn enabled(&self, command: &Command) -> bool {
        match command {
            Command::Run => self.can_run,
            Command::Stop => self.can_stop,
            Command::StepBack | Command::FirstStep => self.can_step_back,
            Command::StepForward | Command::LastStep => self.can_step_forward,
            Command::SendInput(_) => self.can_stop,
            Command::RestartInterpreter
            | Command::GoToStep(_)
            | Command::ShowTab(_)
            | Command::ToggleLesson
            | Command::ToggleDarkMode
            | Command::Lesson(_)
            | Command::Quit => true,
        }
    }

    /// `Some(on)` for commands shown with a check mark.
    pub fn checked(&self, command: &Command) -> Option<bool> {
        match command {
            Command::ShowTab(tab) => Some(*tab == self.tab),
            Command::ToggleLesson => Some(self.lesson_shown),
            Command::ToggleDarkMode => Some(self.dark_mode),
            _ => None,
        }
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
