//! The lesson pane. For now a welcome that explains the window; lessons come in a later issue.

use egui::{RichText, ScrollArea, Ui};

use super::Command;
use super::commands::{self, Command as C};
use super::theme::{Palette, space};

#[derive(Default)]
pub struct LessonPane;

/// (heading, paragraph) pairs of the welcome text.
const WELCOME: &[(&str, &str)] = &[
    (
        "1. Write",
        "Type a Python program in the editor in the middle. It starts with a small example you can run right away.",
    ),
    (
        "2. Run",
        "Press Run. pyxray runs your program in its own Python and records every step: each line about to run, \
         each call and return, each exception.",
    ),
    (
        "3. Step",
        "Use Step back and Step forward, or drag the step slider, to move through the recording. The line about \
         to run is highlighted in the editor.",
    ),
    (
        "4. Look inside",
        "The tabs on the right show the program at the step you are on: Output is what it printed so far, Stack \
         the frames and their names, Heap the objects those names point to, Modules what sys.modules holds.",
    ),
    (
        "Names and objects",
        "Every object has a short id like #0432, the last digits of its id(). Two names showing the same id are \
         two names for one object.",
    ),
];

impl LessonPane {
    pub fn ui(&mut self, ui: &mut Ui) -> Vec<Command> {
        let palette = Palette::of(ui);
        ScrollArea::vertical().id_salt("lesson_scroll").auto_shrink(false).show(ui, |ui| {
            ui.heading("Welcome to pyxray");
            ui.label("See how CPython really runs your code, one step at a time.");
            for (heading, text) in WELCOME {
                ui.add_space(space::SECTION);
                ui.label(RichText::new(*heading).strong());
                ui.label(*text);
            }
            ui.add_space(space::SECTION);
            ui.label(RichText::new("Keys").strong());
            for command in [C::Run, C::Stop, C::StepForward, C::StepBack, C::RestartInterpreter] {
                if let Some(spec) = commands::spec_of(&command) {
                    let keys = commands::shortcut_text(ui.ctx(), spec);
                    ui.label(RichText::new(format!("{}: {keys}", spec.label)).color(palette.weak));
                }
            }
        });
        Vec::new()
    }
}
