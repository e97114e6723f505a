//! The asyncio part of the Threads pane: the event loop's tasks with their states, the ready
//! queue in the order the loop will run it, and how many timers wait.

use egui::{Color32, Grid, RichText, Role, Ui, WidgetInfo};

use crate::trace::{AsyncTask, AsyncioState, TaskState};
use crate::ui::theme::{self, Palette, ThreadsPalette, threads as size};

/// What the pane says while no event loop runs at the step shown.
pub const NO_LOOP: &str = "No asyncio event loop is running at this step. While asyncio.run() runs one, its tasks \
     appear here with their states (pending, running, done), and the ready queue shows what the loop will run next.";

pub fn state_color(colors: &ThreadsPalette, state: &TaskState) -> Color32 {
    match state {
        TaskState::Pending => colors.pending,
        TaskState::Running => colors.running,
        TaskState::Done => colors.done,
        TaskState::Cancelled => colors.cancelled,
        TaskState::Failed(_) => colors.failed,
    }
}

/// "pending", "failed (ValueError)".
pub fn state_text(state: &TaskState) -> String {
    match state {
        TaskState::Failed(exception) => format!("failed ({exception})"),
        state => state.as_str().to_owned(),
    }
}

/// What a screen reader (and a test) reads for one task's row:
/// "Task Task-2: pending, coroutine worker, line 5, awaiting Future".
pub fn task_description(task: &AsyncTask) -> String {
    let mut text = format!("Task {}: {}, coroutine {}", task.name, state_text(&task.state), task.coroutine);
    if let Some(line) = task.line {
        text.push_str(&format!(", line {line}"));
    }
    if let Some(awaiting) = &task.awaiting {
        text.push_str(&format!(", awaiting {awaiting}"));
    }
    text
}

/// "1. step Task-2".
pub fn ready_entries(state: &AsyncioState) -> Vec<String> {
    state.ready.iter().enumerate().map(|(index, callback)| format!("{}. {}", index + 1, callback.describe)).collect()
}

pub fn timers_text(timers: u32) -> String {
    match timers {
        0 => "No timers waiting.".to_owned(),
        1 => "1 timer waiting (an asyncio.sleep or call_later that is not due yet).".to_owned(),
        n => format!("{n} timers waiting (asyncio.sleep or call_later calls that are not due yet)."),
    }
}

pub fn show(ui: &mut Ui, state: &AsyncioState) {
    let palette = Palette::of(ui);
    let colors = ThreadsPalette::of(ui);
    ui.label(RichText::new("asyncio event loop").heading());
    if state.tasks.is_empty() {
        ui.label(RichText::new("The loop has no tasks at this step.").color(palette.weak));
    } else {
        let table = egui::UiBuilder::new().accessibility_label("asyncio tasks").accessibility_role(Role::Table);
        ui.scope_builder(table, |ui| {
            Grid::new("asyncio_tasks").striped(true).num_columns(5).show(ui, |ui| {
                for heading in ["Task", "Coroutine", "State", "Line", "Awaiting"] {
                    ui.label(RichText::new(heading).strong());
                }
                ui.end_row();
                for task in &state.tasks {
                    let description = task_description(task);
                    ui.label(RichText::new(&task.name).font(theme::code_font()))
                        .widget_info(|| WidgetInfo::labeled(Role::Label, true, &description));
                    ui.label(RichText::new(&task.coroutine).font(theme::code_font()));
                    ui.label(RichText::new(state_text(&task.state)).color(state_color(&colors, &task.state)).strong());
                    ui.label(task.line.map(|line| line.to_string()).unwrap_or_default());
                    ui.label(RichText::new(task.awaiting.as_deref().unwrap_or("")).color(palette.weak));
                    ui.end_row();
                }
            });
        });
    }
    ui.add_space(size::GAP);
    ui.label(RichText::new("Ready queue (what the loop runs next, in order)").strong());
    let entries = ready_entries(state);
    let queue = egui::UiBuilder::new().accessibility_label("Ready queue").accessibility_role(Role::List);
    ui.scope_builder(queue, |ui| {
        if entries.is_empty() {
            ui.label(RichText::new("empty: nothing else is ready to run").color(palette.weak));
        }
        for entry in &entries {
            ui.label(RichText::new(entry).font(theme::code_font()));
        }
    });
    ui.label(RichText::new(timers_text(state.timers)).color(palette.weak));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::ReadyCallback;

    fn task(name: &str, state: TaskState, awaiting: Option<&str>) -> AsyncTask {
        AsyncTask {
            id: 1,
            name: name.into(),
            coroutine: "worker".into(),
            state,
            line: Some(5),
            awaiting: awaiting.map(str::to_owned),
        }
    }

    #[test]
    fn a_task_reads_as_one_sentence() {
        let pending = task("Task-2", TaskState::Pending, Some("Future"));
        assert_eq!(task_description(&pending), "Task Task-2: pending, coroutine worker, line 5, awaiting Future");
        let failed = AsyncTask { line: None, ..task("Task-3", TaskState::Failed("ValueError".into()), None) };
        assert_eq!(task_description(&failed), "Task Task-3: failed (ValueError), coroutine worker");
    }

    #[test]
    fn the_ready_queue_is_numbered_in_order() {
        let state = AsyncioState {
            tasks: vec![],
            ready: vec![
                ReadyCallback { task: Some(2), describe: "step Task-2".into() },
                ReadyCallback { task: None, describe: "wake Task-3".into() },
            ],
            timers: 2,
        };
        assert_eq!(ready_entries(&state), ["1. step Task-2", "2. wake Task-3"]);
        assert!(timers_text(state.timers).starts_with("2 timers waiting"));
    }

    #[test]
    fn each_state_has_its_own_colour() {
        let colors = ThreadsPalette::DARK;
        let states = [
            TaskState::Pending,
            TaskState::Running,
            TaskState::Done,
            TaskState::Cancelled,
            TaskState::Failed("E".into()),
        ];
        let distinct: std::collections::HashSet<Color32> =
            states.iter().map(|state| state_color(&colors, state)).collect();
        assert_eq!(distinct.len(), states.len());
    }
}
