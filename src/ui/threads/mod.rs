//! The Threads pane: which thread ran when and the asyncio event loop's tasks.
//!
//! - `timeline`: one lane per thread with a bar for each stretch it ran, the GIL hand-offs counted
//!   (built from the store's thread switches when the trace grows, never per frame).
//! - `tasks`: the event loop of the step shown: its tasks and their states, the ready queue, timers.
//!
//! Every thread's own stack is in the Stack pane; the heap diagram draws every thread's frames.

pub mod tasks;
pub mod timeline;

use egui::{RichText, ScrollArea, Ui};

use self::timeline::{DEFAULT_SWITCH_INTERVAL_MS, TimelineView};
use super::Command;
use super::model::Model;
use super::theme::{Palette, threads as size};

/// Shown before any run.
pub const BEFORE_A_RUN: &str = "Run a program that starts threads (threading.Thread) or an asyncio event loop \
     (asyncio.run) to see here which thread ran when, and the loop's tasks.";

/// Shown for a run in which only the main thread ran learner code.
pub const ONE_THREAD: &str = "This program ran in one thread, MainThread: there were no GIL hand-offs to show. Start \
     a threading.Thread and this pane draws which thread ran when.";

/// Shown for a run that never started an event loop.
pub const NO_EVENT_LOOP: &str = "It started no asyncio event loop either: asyncio.run() would show its tasks here.";

#[derive(Default)]
pub struct ThreadsPanel {
    /// `(run, steps recorded, still recording)` the timeline was built for: the thread switches
    /// only change while the trace grows, and the last span ends when the run does.
    built_for: Option<(u64, u64, bool)>,
    timeline: TimelineView,
}

impl ThreadsPanel {
    pub fn ui(&mut self, ui: &mut Ui, model: &Model) -> Vec<Command> {
        let palette = Palette::of(ui);
        let mut commands = Vec::new();
        let Some(snapshot) = model.current() else {
            let text = if model.is_recording() { "Waiting for the first step..." } else { BEFORE_A_RUN };
            ui.label(RichText::new(text).color(palette.weak));
            return commands;
        };
        let key = (model.run_id(), model.len(), model.is_recording());
        if self.built_for != Some(key) {
            self.timeline = TimelineView::new(model.trace.thread_timeline());
            self.built_for = Some(key);
        }
        let view = &self.timeline;
        ScrollArea::vertical().id_salt("threads_scroll").auto_shrink(false).show(ui, |ui| {
            if view.is_multithreaded() {
                ui.label(RichText::new("Threads").heading());
                ui.label(view.summary());
                ui.label(format!(
                    "Step {}: {} is running; the other threads wait.",
                    model.step() + 1,
                    snapshot.thread_name()
                ));
                ui.add_space(size::GAP);
                let explanation = format!(
                    "Only the thread holding the GIL runs Python code. CPython asks it to let go every \
                     {DEFAULT_SWITCH_INTERVAL_MS} ms by default (sys.getswitchinterval() is 0.005 unless the program \
                     changed it), and a thread that sleeps or waits for I/O lets go at once. A gap between bars is \
                     time spent outside your code: in the library, in C, or waiting for the GIL."
                );
                if let Some(command) = timeline::show(ui, view, model.step(), &explanation) {
                    commands.push(command);
                }
            } else {
                ui.label(RichText::new(ONE_THREAD).color(palette.weak));
            }
            ui.add_space(size::GAP);
            ui.separator();
            match (&snapshot.asyncio, view.event_loop_from) {
                (Some(state), _) => tasks::show(ui, state),
                (None, Some(first)) => {
                    ui.label(RichText::new(tasks::NO_LOOP).color(palette.weak));
                    let go = ui.button(format!("Go to step {}, where the event loop runs", first + 1));
                    if go.clicked() {
                        commands.push(Command::GoToStep(first));
                    }
                }
                // While the run records, a loop may still start.
                (None, None) if !view.is_multithreaded() && !model.is_recording() => {
                    ui.label(RichText::new(NO_EVENT_LOOP).color(palette.weak));
                }
                (None, None) => {
                    ui.label(RichText::new(tasks::NO_LOOP).color(palette.weak));
                }
            }
        });
        commands
    }
}

#[cfg(test)]
mod tests;
