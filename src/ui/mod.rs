//! The window's panels. Each panel lives in its own file with its own state struct and a
//! `fn ui(&mut self, ui, ...) -> Vec<Command>` that reads the model and returns what the user asked
//! for; `crate::app` applies the commands after the frame is drawn.
//!
//! - `model`: the recorded run as the panels see it (the current step's snapshot, cached).
//! - `commands`: the `Command` enum and the one table of labels and shortcuts.
//! - `theme`: colours, spacing and font sizes (dark and light).

pub mod commands;
pub mod editor;
pub mod heap;
pub mod lesson;
pub mod markdown;
pub mod menu;
pub mod model;
pub mod modules;
pub mod notes;
pub mod notices;
pub mod output;
pub mod progress;
pub mod settings;
pub mod stack;
pub mod status;
pub mod theme;
pub mod toolbar;

pub use commands::{Command, CommandStates};
pub use model::Model;

/// The tabs of the panel area on the right.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Tab {
    #[default]
    Output,
    Stack,
    Heap,
    Modules,
    Notes,
    Progress,
}

impl Tab {
    pub const ALL: [Tab; 6] = [Tab::Output, Tab::Stack, Tab::Heap, Tab::Modules, Tab::Notes, Tab::Progress];

    pub fn label(self) -> &'static str {
        match self {
            Tab::Output => "Output",
            Tab::Stack => "Stack",
            Tab::Heap => "Heap",
            Tab::Modules => "Modules",
            Tab::Notes => "Notes",
            Tab::Progress => "Progress",
        }
    }

    /// The accessible name of the tab's content area.
    pub fn panel_label(self) -> &'static str {
        match self {
            Tab::Output => "Output panel",
            Tab::Stack => "Stack panel",
            Tab::Heap => "Heap panel",
            Tab::Modules => "Modules panel",
            Tab::Notes => "Notes panel",
            Tab::Progress => "Progress panel",
        }
    }
}
