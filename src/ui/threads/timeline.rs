//! The thread timeline: one lane per thread, a bar for each stretch of steps it ran without a
//! switch, time (ms since the first step) across. A gap between two bars is time no learner code
//! ran: the interpreter was in the library or in C, or a thread was waiting for the GIL.
//!
//! `TimelineView` is built from the store's `ThreadTimeline` when the trace grows, never per frame;
//! drawing reads it as it is.

use egui::{RichText, ScrollArea, Stroke, Ui};
use egui_plot::{Bar, BarChart, GridInput, GridMark, HoverPosition, Plot, PlotPoint, VLine};

use crate::trace::{ThreadSpan, ThreadTimeline};
use crate::ui::Command;
use crate::ui::theme::{Palette, ThreadsPalette, threads as size};

/// Bars drawn at most: a long CPU-bound run can switch thousands of times, and every bar is
/// handed to the plot each frame. The list below the plot still holds every span.
pub const MAX_BARS: usize = 5_000;

/// CPython's default switch interval (`sys.getswitchinterval()`): how long a thread may keep the
/// GIL while another waits for it before it is asked to drop it.
pub const DEFAULT_SWITCH_INTERVAL_MS: f64 = 5.0;

/// The timeline as the pane draws it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TimelineView {
    /// Thread names by thread number (0 is the main thread).
    pub names: Vec<String>,
    pub spans: Vec<ThreadSpan>,
    pub hand_offs: usize,
    /// The median length of a span, in ms.
    pub median_span_ms: Option<f64>,
    /// The first step an asyncio event loop was running at, if one ever ran.
    pub event_loop_from: Option<u64>,
}

impl TimelineView {
    pub fn new(timeline: ThreadTimeline) -> Self {
        let hand_offs = timeline.hand_offs();
        let mut lengths: Vec<u64> = timeline.spans.iter().map(|span| span.end_us - span.start_us).collect();
        lengths.sort_unstable();
        let median_span_ms = match lengths.len() {
            0 => None,
            n if n % 2 == 1 => Some(ms(lengths[n / 2])),
            n => Some((ms(lengths[n / 2 - 1]) + ms(lengths[n / 2])) / 2.0),
        };
        TimelineView {
            names: timeline.names,
            spans: timeline.spans,
            hand_offs,
            median_span_ms,
            event_loop_from: timeline.event_loop_from,
        }
    }

    /// Whether more than one thread ran learner code.
    pub fn is_multithreaded(&self) -> bool {
        self.names.len() > 1
    }

    pub fn name(&self, thread: u32) -> &str {
        self.names.get(thread as usize).map_or("?", String::as_str)
    }

    /// "2 threads ran your code · 7 GIL hand-offs · median span 4.98 ms".
    pub fn summary(&self) -> String {
        let threads = self.names.len();
        let mut text = format!(
            "{threads} thread{} ran your code · {} GIL hand-off{}",
            plural(threads),
            self.hand_offs,
            plural(self.hand_offs)
        );
        if let Some(median) = self.median_span_ms {
            text.push_str(&format!(" · median span {median:.2} ms"));
        }
        text
    }

    /// The index of the span holding `step`.
    pub fn span_index_of(&self, step: u64) -> Option<usize> {
        let after = self.spans.partition_point(|span| span.first_step <= step);
        after.checked_sub(1).filter(|index| self.spans[*index].last_step >= step)
    }

    /// About when `step` ran, in ms: steps are spread evenly over their span.
    pub fn time_of_step_ms(&self, step: u64) -> Option<f64> {
        let span = &self.spans[self.span_index_of(step)?];
        let steps = (span.last_step - span.first_step + 1) as f64;
        let into = (step - span.first_step) as f64 / steps;
        Some(ms(span.start_us) + into * ms(span.end_us - span.start_us))
    }

    /// The span of lane `thread` nearest to time `at_ms` (the one under it, if any): a span can be
    /// a sliver of a millisecond wide, too thin to hit exactly.
    pub fn span_near(&self, thread: u32, at_ms: f64) -> Option<&ThreadSpan> {
        let distance = |span: &ThreadSpan| (ms(span.start_us) - at_ms).max(at_ms - ms(span.end_us)).max(0.0);
        self.spans.iter().filter(|span| span.thread == thread).min_by(|a, b| distance(a).total_cmp(&distance(b)))
    }

    /// "worker-1 · steps 12–40 · 1.20 ms to 6.30 ms" (steps counted from 1, as the toolbar does).
    pub fn span_label(&self, span: &ThreadSpan) -> String {
        let steps = if span.first_step == span.last_step {
            format!("step {}", span.first_step + 1)
        } else {
            format!("steps {}–{}", span.first_step + 1, span.last_step + 1)
        };
        format!("{} · {steps} · {:.2} ms to {:.2} ms", self.name(span.thread), ms(span.start_us), ms(span.end_us))
    }
}

fn ms(us: u64) -> f64 {
    us as f64 / 1000.0
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

/// The lane of thread `thread` on the plot's y axis: thread 0 on top.
fn lane_y(thread: u32) -> f64 {
    -f64::from(thread)
}

/// The thread whose lane is nearest to `y`, if there is one.
fn thread_at(y: f64, threads: usize) -> Option<u32> {
    let lane = (-y).round();
    (lane >= 0.0 && (lane as usize) < threads).then_some(lane as u32)
}

/// Draws the plot, `explanation` under it, and the list of spans; returns a command when a span
/// was clicked.
pub fn show(ui: &mut Ui, view: &TimelineView, step: u64, explanation: &str) -> Option<Command> {
    let palette = Palette::of(ui);
    let colors = ThreadsPalette::of(ui);
    let current = view.span_index_of(step);

    let threads = view.names.len();
    let height = size::PLOT_MIN_HEIGHT.max(size::LANE_HEIGHT * threads as f32 + size::LANE_HEIGHT);
    let names = view.names.clone();
    let hover_names = view.names.clone();
    // The y axis names the lanes: as wide as the longest name.
    let longest = view.names.iter().max_by_key(|name| name.chars().count()).cloned().unwrap_or_default();
    let font = egui::TextStyle::Body.resolve(ui.style());
    let names_width = ui.painter().layout_no_wrap(longest, font, palette.weak).size().x + size::AXIS_PAD;
    let lanes_builder = egui::UiBuilder::new()
        .accessibility_label("Thread timeline: one lane per thread, time across in ms")
        .accessibility_role(egui::accesskit::Role::Figure);
    let mut command = ui
        .scope_builder(lanes_builder, |ui| {
            Plot::new("thread_timeline")
                .height(height)
                .allow_scroll(false)
                .allow_boxed_zoom(false)
                .show_grid([true, false])
                .include_y(0.6)
                .include_y(lane_y(threads.saturating_sub(1) as u32) - 0.6)
                .include_x(0.0)
                .x_axis_label("time since the first step (ms)")
                .y_axis_min_width(names_width)
                .y_grid_spacer(move |input: GridInput| lane_marks(input, threads))
                .y_axis_formatter(move |mark: GridMark, _range| {
                    thread_at(mark.value, names.len()).map(|thread| names[thread as usize].clone()).unwrap_or_default()
                })
                .label_formatter(move |position: &HoverPosition<'_>| {
                    let point = match position {
                        HoverPosition::NearDataPoint { position, .. } => *position,
                        HoverPosition::Elsewhere { position } => *position,
                    };
                    let thread = thread_at(point.y, hover_names.len())?;
                    Some(format!("{} · {:.2} ms", hover_names[thread as usize], point.x))
                })
                .show(ui, |plot| {
                    for thread in 0..threads as u32 {
                        let fill = colors.lane(thread);
                        let bars: Vec<Bar> = view
                            .spans
                            .iter()
                            .take(MAX_BARS)
                            .enumerate()
                            .filter(|(_, span)| span.thread == thread)
                            .map(|(index, span)| {
                                let outline = if Some(index) == current {
                                    Stroke::new(size::CURRENT_SPAN_OUTLINE, colors.current)
                                } else {
                                    Stroke::new(1.0, fill)
                                };
                                span_bar(span).fill(fill.gamma_multiply(0.7)).stroke(outline)
                            })
                            .collect();
                        plot.bar_chart(
                            BarChart::new(view.name(thread), bars).horizontal().color(fill).allow_hover(false),
                        );
                    }
                    if let Some(at) = view.time_of_step_ms(step) {
                        plot.vline(
                            VLine::new(format!("step {}", step + 1), at)
                                .stroke(Stroke::new(size::MARKER_WIDTH, colors.current)),
                        );
                    }
                    if plot.response().clicked()
                        && let Some(PlotPoint { x, y }) = plot.pointer_coordinate()
                        && let Some(thread) = thread_at(y, threads)
                    {
                        return view.span_near(thread, x).map(|span| Command::GoToStep(span.first_step));
                    }
                    None
                })
        })
        .inner
        .inner;

    if view.spans.len() > MAX_BARS {
        ui.label(
            RichText::new(format!(
                "The plot shows the first {MAX_BARS} of {} spans; the list has them all.",
                view.spans.len()
            ))
            .color(palette.weak),
        );
    }
    ui.label(RichText::new(explanation).color(palette.weak));
    ui.add_space(size::GAP);
    ui.label(RichText::new("Spans (click one to go to its first step)").strong());
    let row_height = ui.spacing().interact_size.y;
    let list =
        egui::UiBuilder::new().accessibility_label("Thread spans").accessibility_role(egui::accesskit::Role::List);
    ui.scope_builder(list, |ui| {
        ScrollArea::vertical()
            .id_salt("thread_spans")
            .max_height(size::SPAN_LIST_HEIGHT)
            .auto_shrink([false, true])
            .show_rows(ui, row_height, view.spans.len(), |ui, rows| {
                for index in rows {
                    let span = &view.spans[index];
                    let text = RichText::new(view.span_label(span)).color(colors.lane(span.thread));
                    let response = ui
                        .selectable_label(Some(index) == current, text)
                        .on_hover_text("Go to the first step of this span");
                    if response.clicked() {
                        command = Some(Command::GoToStep(span.first_step));
                    }
                }
            });
    });
    command
}

/// A horizontal bar from the span's start to its end on its thread's lane.
fn span_bar(span: &ThreadSpan) -> Bar {
    Bar::new(lane_y(span.thread), ms(span.end_us - span.start_us)).base_offset(ms(span.start_us)).width(size::BAR_WIDTH)
}

/// One grid mark per lane, so the y axis names each thread once.
fn lane_marks(input: GridInput, threads: usize) -> Vec<GridMark> {
    (0..threads as u32)
        .map(lane_y)
        .filter(|y| input.bounds.0 <= *y && *y <= input.bounds.1)
        .map(|value| GridMark { value, step_size: 1.0 })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::{ConcurrencyEvent, ThreadSwitch};

    fn switch(thread: u32, name: Option<&str>, time_us: u64, left_at_us: Option<u64>) -> ConcurrencyEvent {
        ConcurrencyEvent::Switch(ThreadSwitch {
            thread,
            name: name.map(str::to_owned),
            time_us,
            left_at_us,
            leaving_keep: 0,
        })
    }

    fn view() -> TimelineView {
        let log = vec![
            (0, switch(0, Some("MainThread"), 0, None)),
            (10, switch(1, Some("worker"), 1_000, Some(900))),
            (20, switch(0, None, 6_000, Some(5_900))),
            (30, switch(1, None, 11_000, Some(10_800))),
            (40, ConcurrencyEvent::Finished { time_us: 12_000 }),
        ];
        TimelineView::new(ThreadTimeline::build(&log, 40))
    }

    #[test]
    fn the_summary_counts_threads_hand_offs_and_the_median_span() {
        let view = view();
        assert!(view.is_multithreaded());
        // Spans last 0.9, 4.9, 4.8 and 1.0 ms: the median is (1.0 + 4.8) / 2.
        assert_eq!(view.summary(), "2 threads ran your code · 3 GIL hand-offs · median span 2.90 ms");
        assert_eq!(view.span_label(&view.spans[1]), "worker · steps 11–20 · 1.00 ms to 5.90 ms");
    }

    #[test]
    fn steps_map_to_their_span_and_to_a_time_inside_it() {
        let view = view();
        assert_eq!(view.span_index_of(0), Some(0));
        assert_eq!(view.span_index_of(19), Some(1));
        assert_eq!(view.span_index_of(39), Some(3));
        assert_eq!(view.span_index_of(40), None, "past the last step");
        // Step 15 is the sixth of ten steps in a span from 1.0 ms to 5.9 ms.
        let at = view.time_of_step_ms(15).unwrap();
        assert!((at - (1.0 + 0.5 * 4.9)).abs() < 1e-9, "{at}");
    }

    #[test]
    fn a_point_on_a_lane_finds_the_span_under_it_or_the_nearest() {
        let view = view();
        assert_eq!(view.span_near(1, 3.0).map(|span| span.first_step), Some(10));
        assert_eq!(view.span_near(0, 7.5).map(|span| span.first_step), Some(20));
        // The main thread was not running at 3 ms: its span ending at 0.9 ms is nearer than the one
        // starting at 6 ms.
        assert_eq!(view.span_near(0, 3.0).map(|span| span.first_step), Some(0));
        assert_eq!(view.span_near(0, 5.0).map(|span| span.first_step), Some(20));
        assert_eq!(view.span_near(1, 100.0).map(|span| span.first_step), Some(30));
        assert_eq!(view.span_near(2, 3.0), None, "no such thread");
        assert_eq!(thread_at(-0.8, 2), Some(1));
        assert_eq!(thread_at(0.2, 2), Some(0));
        assert_eq!(thread_at(-1.7, 2), None);
        assert_eq!(thread_at(0.7, 2), None);
    }

    #[test]
    fn the_first_step_with_an_event_loop_is_kept() {
        let state = crate::trace::AsyncioState::default();
        let log = vec![
            (0, ConcurrencyEvent::Asyncio(None)),
            (4, ConcurrencyEvent::Asyncio(Some(state.clone()))),
            (9, ConcurrencyEvent::Asyncio(Some(state))),
        ];
        let view = TimelineView::new(ThreadTimeline::build(&log, 12));
        assert_eq!(view.event_loop_from, Some(4));
        assert!(!view.is_multithreaded());
    }

    #[test]
    fn a_run_without_switches_is_single_threaded() {
        let view = TimelineView::new(ThreadTimeline::default());
        assert!(!view.is_multithreaded());
        assert_eq!(view.median_span_ms, None);
        assert_eq!(view.summary(), "0 threads ran your code · 0 GIL hand-offs");
    }
}
