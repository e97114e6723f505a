//! The Output tab: what the program wrote to stdout and stderr up to the current step (stderr in its
//! own colour), and a line for `input()` while the program waits for one.

use std::sync::Arc;

use egui::text::LayoutJob;
use egui::{Galley, Key, ScrollArea, TextEdit, TextFormat, Ui};

use super::Command;
use super::model::{FOLLOW_INTERVAL, Model};
use super::theme::{self, Palette};
use crate::trace::Stream;

/// Output beyond this many bytes before the current step is left out of the view (it stays recorded).
const SHOWN_BYTES: usize = 100_000;

#[derive(Default)]
pub struct OutputPanel {
    /// The line being typed for `input()`.
    input: String,
    /// Give the input line focus the next time it shows.
    focus_input: bool,
    cache: Option<Cached>,
}

struct Cached {
    /// (step, output generation, snapshot generation, dark mode)
    key: (u64, u64, u64, bool),
    job: LayoutJob,
    /// Bytes of output left out at the start.
    omitted: usize,
    built_at: std::time::Instant,
    galley: Option<(f32, Arc<Galley>)>,
}

impl OutputPanel {
    pub fn ui(&mut self, ui: &mut Ui, model: &Model) -> Vec<Command> {
        let mut commands = Vec::new();
        let palette = Palette::of(ui);
        if model.waiting_prompt.is_some() {
            self.input_line(ui, model, &mut commands);
            ui.separator();
        } else {
            self.focus_input = true;
        }

        if !model.has_run() {
            ui.label(egui::RichText::new("Run the program to see what it prints here.").color(palette.weak));
            return commands;
        }

        let key = (model.step(), model.output_generation(), model.snapshot_generation(), ui.visuals().dark_mode);
        // While a program floods its output, the text is laid out again at most every
        // FOLLOW_INTERVAL, not at every frame.
        let fresh_enough = |cached: &Cached| {
            model.is_recording() && cached.key.3 == key.3 && cached.built_at.elapsed() < FOLLOW_INTERVAL
        };
        if self.cache.as_ref().is_none_or(|cached| cached.key != key && !fresh_enough(cached)) {
            let (job, omitted) = build_job(model, palette);
            self.cache = Some(Cached { key, job, omitted, built_at: std::time::Instant::now(), galley: None });
        }
        let Some(cached) = self.cache.as_mut() else { return commands };
        if cached.job.text.is_empty() {
            let text = if model.is_recording() { "Nothing printed yet." } else { "Nothing printed up to this step." };
            ui.label(egui::RichText::new(text).color(palette.weak));
            return commands;
        }
        if cached.omitted > 0 {
            ui.label(
                egui::RichText::new(format!("(the first {} bytes of output are not shown)", cached.omitted))
                    .color(palette.weak),
            );
        }
        ScrollArea::vertical().id_salt("output_scroll").auto_shrink(false).stick_to_bottom(true).show(ui, |ui| {
            let width = ui.available_width();
            let galley = match &cached.galley {
                Some((laid_out_width, galley)) if (laid_out_width - width).abs() < 0.5 => galley.clone(),
                _ => {
                    let mut job = cached.job.clone();
                    job.wrap.max_width = width;
                    let galley = ui.fonts_mut(|fonts| fonts.layout_job(job));
                    cached.galley = Some((width, galley.clone()));
                    galley
                }
            };
            ui.add(egui::Label::new(galley).selectable(true));
        });
        commands
    }

    fn input_line(&mut self, ui: &mut Ui, model: &Model, commands: &mut Vec<Command>) {
        let prompt = model.waiting_prompt.as_deref().unwrap_or_default();
        ui.label(if prompt.is_empty() {
            "The program is waiting for input():".to_owned()
        } else {
            format!("The program asks: {prompt}")
        });
        ui.horizontal(|ui| {
            let field = TextEdit::singleline(&mut self.input)
                .id_salt("program_input")
                .hint_text("Type a line, then Enter")
                .desired_width(ui.available_width() - 160.0)
                .show(ui)
                .response
                .response
                .accessible_name("Program input");
            if self.focus_input {
                field.request_focus();
                self.focus_input = false;
            }
            let entered = field.lost_focus() && ui.input(|input| input.key_pressed(Key::Enter));
            if ui.button("Send").on_hover_text("Give this line to input()").clicked() || entered {
                let mut line = std::mem::take(&mut self.input);
                line.push('\n');
                commands.push(Command::SendInput(Some(line)));
                self.focus_input = true;
            }
            if ui.button("End input").on_hover_text("Close the program's input (input() raises EOFError)").clicked() {
                commands.push(Command::SendInput(None));
            }
        });
    }
}

/// The output up to the current step as one coloured job, and how many bytes were left out.
fn build_job(model: &Model, palette: Palette) -> (LayoutJob, usize) {
    let chunks: Vec<(Stream, &str)> = model.trace.output_upto(model.step()).collect();
    let total: usize = chunks.iter().map(|(_, text)| text.len()).sum();
    let mut skip = total.saturating_sub(SHOWN_BYTES);
    let omitted = skip;
    let mut job = LayoutJob::default();
    for (stream, text) in chunks {
        let text = if skip >= text.len() {
            skip -= text.len();
            continue;
        } else if skip > 0 {
            let mut start = skip;
            while !text.is_char_boundary(start) {
                start += 1;
            }
            skip = 0;
            &text[start..]
        } else {
            text
        };
        let color = match stream {
            Stream::Stdout => palette.stdout,
            Stream::Stderr => palette.stderr,
        };
        job.append(text, 0.0, TextFormat::simple(theme::code_font(), color));
    }
    (job, omitted)
}
