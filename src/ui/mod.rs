//! The window's panels. Each panel lives in its own file with its own state struct and a
//! `fn ui(&mut self, ui, ...) -> Vec<Command>` that reads the model and returns what the user asked
//! for; `crate::app` applies the commands after the frame is drawn.
//!
//! - `model`: the recorded run as the panels see it (the current step's snapshot, cached).
//! - `commands`: the `Command` enum and the one table of labels and shortcuts.
//! - `theme`: colours, spacing and font sizes (dark and light).

pub mod bytecode;
pub mod commands;
pub mod editor;
pub mod files;
pub mod heap;
pub mod internals;
pub mod lesson;
pub mod live;
pub mod markdown;
pub mod menu;
pub mod model;
pub mod modules;
pub mod notes;
pub mod notices;
pub mod output;
pub mod playback;
pub mod presenter;
pub mod progress;
pub mod settings;
pub mod stack;
pub mod status;
pub mod theme;
pub mod threads;
pub mod toolbar;
pub mod workspace;

pub use commands::{Command, CommandStates};
pub use model::Model;

/// The panes of the window. Each is a tile the user can move, hide and bring back (`ui::workspace`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Pane {
    Lesson,
    Editor,
    #[default]
    Output,
    Stack,
    Heap,
    Modules,
    Bytecode,
    Notes,
    Progress,
    Internals,
    Threads,
}

impl Pane {
    pub const ALL: [Pane; 11] = [
        Pane::Lesson,
        Pane::Editor,
        Pane::Output,
        Pane::Stack,
        Pane::Heap,
        Pane::Modules,
        Pane::Bytecode,
        Pane::Notes,
        Pane::Progress,
        Pane::Internals,
        Pane::Threads,
    ];

    /// The tab title (also the View menu entry).
    pub fn label(self) -> &'static str {
        match self {
            Pane::Lesson => "Lesson",
            Pane::Editor => "Editor",
            Pane::Output => "Output",
            Pane::Stack => "Stack",
            Pane::Heap => "Heap",
            Pane::Modules => "Modules",
            Pane::Bytecode => "Bytecode",
            Pane::Notes => "Notes",
            Pane::Progress => "Progress",
            Pane::Internals => "Internals",
            Pane::Threads => "Threads",
        }
    }

    /// The accessible name of the pane's content area.
    pub fn panel_label(self) -> &'static str {
        match self {
            Pane::Lesson => "Lesson panel",
            Pane::Editor => "Editor panel",
            Pane::Output => "Output panel",
            Pane::Stack => "Stack panel",
            Pane::Heap => "Heap panel",
            Pane::Modules => "Modules panel",
            Pane::Bytecode => "Bytecode panel",
            Pane::Notes => "Notes panel",
            Pane::Progress => "Progress panel",
            Pane::Internals => "Internals panel",
            Pane::Threads => "Threads panel",
        }
    }
}
