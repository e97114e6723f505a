//! The lesson pane: the table of contents and search (`browser`), one lesson section at a time with
//! its prose and interactive blocks (`page`, `example`, `predict`, `exercise`), charts (`plot`).
//!
//! Like every panel it only returns commands. Runs it asks for (Run, Step through, Check my
//! prediction, Check) go through the app's engine and model; when such a run ends, the app hands its
//! end and output back through `run_finished`, which gives the verdicts and reports the learner's
//! progress as `Command::Lesson` events.

mod browser;
mod code;
mod example;
mod exercise;
mod page;
mod plot;
mod predict;
mod render;
mod state;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use egui::{Button, TextEdit, Ui};
use egui_commonmark::CommonMarkCache;

use super::commands::{Command, CommandStates, LessonEvent, LessonRun};
use super::model::Model;
use crate::lessons::{Catalog, SearchHit};
use crate::store::Progress;
use crate::trace::RunEnd;
use plot::PlotData;
use render::{Block, RenderedLesson};
use state::{Activity, ExerciseCheck, Failure};

/// Search hits shown at most; the rest are counted.
const MAX_HITS_SHOWN: usize = 100;

/// Where the lessons come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LessonSource {
    BuiltIn,
    Folder(PathBuf),
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum View {
    Contents,
    Lesson { id: String, section: usize },
}

/// The block a lesson run was started for (its answer goes there).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Waiting {
    Example(String, usize),
    Predict(String, usize),
    Exercise(String, String),
}

impl Waiting {
    fn of(run: &LessonRun) -> Waiting {
        match run {
            LessonRun::Example { lesson, index, .. } => Waiting::Example(lesson.clone(), *index),
            LessonRun::Predict { lesson, index } => Waiting::Predict(lesson.clone(), *index),
            LessonRun::Exercise { lesson, exercise, .. } => Waiting::Exercise(lesson.clone(), exercise.clone()),
        }
    }
}

/// Moves within the pane that widgets ask for; applied after drawing.
enum Nav {
    Contents,
    Open { id: String, section: usize },
    LoadFolder(PathBuf),
}

#[derive(Default)]
struct Search {
    query: String,
    /// The query `hits` belong to.
    searched: String,
    hits: Vec<SearchHit>,
}

pub struct LessonPane {
    catalog: Catalog,
    source: LessonSource,
    view: View,
    /// The lesson whose sections the table of contents lists (the last one opened).
    last_opened: Option<String>,
    search: Search,
    /// Built when a lesson is first opened; dropped when the catalogue changes.
    rendered: HashMap<String, RenderedLesson>,
    activity: Activity,
    /// Charts of examples' last runs, by (lesson, example index).
    plots: HashMap<(String, usize), PlotData>,
    waiting: Option<Waiting>,
    markdown: CommonMarkCache,
    /// Every lesson event this pane reported, in order.
    reported: Vec<LessonEvent>,
    /// The folder path typed in the contents (for where no folder dialog can open).
    folder_path: String,
}

impl Default for LessonPane {
    fn default() -> Self {
        Self::new(Catalog::embedded(), LessonSource::BuiltIn)
    }
}

impl LessonPane {
    pub fn new(catalog: Catalog, source: LessonSource) -> Self {
        LessonPane {
            catalog,
            source,
            view: View::Contents,
            last_opened: None,
            search: Search::default(),
            rendered: HashMap::new(),
            activity: Activity::default(),
            plots: HashMap::new(),
            waiting: None,
            markdown: CommonMarkCache::default(),
            reported: Vec::new(),
            folder_path: String::new(),
        }
    }

    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    pub fn source(&self) -> &LessonSource {
        &self.source
    }

    /// The id of the lesson being read, if one is open.
    pub fn current_lesson(&self) -> Option<&str> {
        match &self.view {
            View::Lesson { id, .. } => Some(id),
            View::Contents => None,
        }
    }

    /// The lesson and section shown, if a lesson is open.
    pub fn current_position(&self) -> Option<(&str, usize)> {
        match &self.view {
            View::Lesson { id, section } => Some((id.as_str(), *section)),
            View::Contents => None,
        }
    }

    /// The index of the section shown, if a lesson is open.
    pub fn current_section(&self) -> Option<usize> {
        match &self.view {
            View::Lesson { section, .. } => Some(*section),
            View::Contents => None,
        }
    }

    /// Every lesson event this pane has reported, in order.
    pub fn reported(&self) -> &[LessonEvent] {
        &self.reported
    }

    /// Loads a teacher's lesson folder (what Lessons → Open lesson folder… does with the folder picked).
    /// Files that do not parse are listed with their file and line; the rest load.
    pub fn load_folder(&mut self, dir: &Path) {
        self.set_catalog(Catalog::load_dir(dir), LessonSource::Folder(dir.to_path_buf()));
    }

    /// Back to the lessons that ship with pyxray.
    pub fn show_built_in(&mut self) {
        if self.source != LessonSource::BuiltIn {
            self.set_catalog(Catalog::embedded(), LessonSource::BuiltIn);
        }
    }

    fn set_catalog(&mut self, catalog: Catalog, source: LessonSource) {
        self.catalog = catalog;
        self.source = source;
        self.view = View::Contents;
        self.last_opened = None;
        self.search = Search::default();
        self.rendered.clear();
        self.plots.clear();
        self.waiting = None;
    }

    /// Takes in saved progress (completed lessons, answered predictions, passed exercises).
    pub fn restore_progress(&mut self, progress: &Progress) {
        self.activity.restore(progress);
    }

    /// Opens a lesson at a section (clamped); returns the `Visited` (and maybe `Completed`) events.
    pub fn open_lesson(&mut self, id: &str, section: usize) -> Vec<Command> {
        let mut out = Vec::new();
        self.open(id, section, &mut out);
        self.note_outgoing(&out);
        out
    }

    fn open(&mut self, id: &str, section: usize, out: &mut Vec<Command>) {
        let Some(lesson) = self.catalog.lesson(id) else { return };
        let section = section.min(lesson.sections.len().saturating_sub(1));
        if !self.rendered.contains_key(id) {
            self.rendered.insert(id.to_owned(), RenderedLesson::new(lesson));
        }
        self.view = View::Lesson { id: id.to_owned(), section };
        self.last_opened = Some(id.to_owned());
        out.push(Command::Lesson(LessonEvent::Visited { lesson: id.to_owned() }));
        self.check_completed(id, out);
    }

    pub fn ui(&mut self, ui: &mut Ui, states: &CommandStates) -> Vec<Command> {
        let mut out = Vec::new();
        let mut nav = None;
        // Scroll bars with room of their own: floating ones would cover the frames' right edges.
        ui.spacing_mut().scroll = egui::style::ScrollStyle::solid();
        self.top_bar(ui, &mut nav);
        ui.separator();
        if !self.search.query.trim().is_empty() {
            self.refresh_search();
            browser::search_results(ui, &self.catalog, &self.search.hits, &mut nav);
        } else {
            match self.view.clone() {
                View::Contents => browser::contents(ui, self, &mut out, &mut nav),
                View::Lesson { id, section } => match self.rendered.get(&id) {
                    Some(rendered) => {
                        let mut env = page::Env {
                            can_run: states.can_run,
                            busy: states.can_stop,
                            waiting: self.waiting.as_ref(),
                            markdown: &mut self.markdown,
                            plots: &self.plots,
                            out: &mut out,
                            nav: &mut nav,
                        };
                        let activity = self.activity.lesson_mut(&id);
                        page::show(ui, rendered, section, activity, &mut env);
                    }
                    None => nav = Some(Nav::Contents),
                },
            }
        }
        match nav {
            Some(Nav::Contents) => self.view = View::Contents,
            Some(Nav::LoadFolder(dir)) => self.load_folder(&dir),
            Some(Nav::Open { id, section }) => {
                let same_lesson = self.current_lesson() == Some(id.as_str());
                self.search.query.clear();
                if same_lesson {
                    self.view = View::Lesson { id, section };
                } else {
                    self.open(&id, section, &mut out);
                }
            }
            None => {}
        }
        self.note_outgoing(&out);
        out
    }

    /// The "All lessons" button (in a lesson) and the search box.
    fn top_bar(&mut self, ui: &mut Ui, nav: &mut Option<Nav>) {
        ui.horizontal(|ui| {
            if matches!(self.view, View::Lesson { .. })
                && ui
                    .add(Button::new("‹ Lessons"))
                    .on_hover_text("Back to the table of contents")
                    .accessible_name("All lessons")
                    .clicked()
            {
                self.search.query.clear();
                *nav = Some(Nav::Contents);
            }
            // Right to left: the clear button (shown from the frame after typing starts) first, then
            // the field takes what is left, so it never pushes anything past the pane's edge.
            let searching = !self.search.query.is_empty();
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if searching
                    && ui.small_button("×").on_hover_text("Clear the search").accessible_name("Clear search").clicked()
                {
                    self.search.query.clear();
                }
                ui.add(
                    TextEdit::singleline(&mut self.search.query)
                        .id_salt("lesson_search")
                        .hint_text("Search lessons")
                        .desired_width(ui.available_width()),
                )
                .accessible_name("Search lessons");
            });
        });
    }

    fn refresh_search(&mut self) {
        if self.search.searched != self.search.query {
            self.search.hits = self.catalog.search(&self.search.query);
            self.search.searched.clone_from(&self.search.query);
        }
    }

    /// The end of a run this pane asked for: verdicts, charts, the step to show, progress events.
    pub fn run_finished(&mut self, run: &LessonRun, end: &RunEnd, stdout: &str, model: &Model) -> Vec<Command> {
        let mut out = Vec::new();
        if self.waiting.as_ref() == Some(&Waiting::of(run)) {
            self.waiting = None;
        }
        match run {
            LessonRun::Example { lesson, index, step_through, start_line, .. } => {
                if self.example(lesson, *index).is_some_and(|example| example.plot.is_some()) {
                    self.plots.insert((lesson.clone(), *index), PlotData::parse(stdout));
                }
                if *step_through {
                    let step = start_line.and_then(|line| model.first_step_on_line(line)).unwrap_or(0);
                    out.push(Command::GoToStep(step));
                }
            }
            LessonRun::Predict { lesson, index } => {
                let predict = self.activity.lesson_mut(lesson).predicts.entry(*index).or_default();
                let answer = predict.submitted.take().unwrap_or_else(|| predict.text.clone());
                match state::judge_prediction(&answer, end, stdout) {
                    Ok(verdict) => {
                        let correct = verdict.correct;
                        predict.verdict = Some(verdict);
                        predict.problem = None;
                        out.push(Command::Lesson(LessonEvent::Predicted {
                            lesson: lesson.clone(),
                            index: *index,
                            answer,
                            correct,
                        }));
                        self.check_completed(lesson, &mut out);
                    }
                    Err(problem) => predict.problem = Some(problem),
                }
            }
            LessonRun::Exercise { lesson, exercise, code } => {
                let check = self.exercise_check(lesson, exercise).unwrap_or_default();
                let result = state::judge_exercise(code, &check, end);
                let entry = self.activity.lesson_mut(lesson).exercises.entry(exercise.clone()).or_default();
                let passed = result == ExerciseCheck::Passed;
                entry.passed |= passed;
                entry.last_check = Some(result);
                if passed {
                    out.push(Command::Lesson(LessonEvent::ExercisePassed {
                        lesson: lesson.clone(),
                        exercise: exercise.clone(),
                        code: code.clone(),
                    }));
                    self.check_completed(lesson, &mut out);
                }
            }
        }
        self.note_outgoing(&out);
        out
    }

    /// A run this pane asked for did not start (or its end will never come).
    pub fn run_abandoned(&mut self, run: &LessonRun, reason: &str) {
        if self.waiting.as_ref() == Some(&Waiting::of(run)) {
            self.waiting = None;
        }
        match run {
            LessonRun::Example { .. } => {}
            LessonRun::Predict { lesson, index } => {
                let predict = self.activity.lesson_mut(lesson).predicts.entry(*index).or_default();
                predict.submitted = None;
                predict.problem = Some(format!("The code could not run: {reason}"));
            }
            LessonRun::Exercise { lesson, exercise, .. } => {
                let entry = self.activity.lesson_mut(lesson).exercises.entry(exercise.clone()).or_default();
                let failure = Failure::new(format!("The check could not run: {reason}"));
                entry.last_check = Some(ExerciseCheck::Failed(failure));
            }
        }
    }

    fn example(&self, lesson: &str, index: usize) -> Option<&crate::lessons::Example> {
        self.rendered.get(lesson)?.sections.iter().flat_map(|section| &section.blocks).find_map(|block| match block {
            Block::Example { index: i, example } if *i == index => Some(example),
            _ => None,
        })
    }

    fn exercise_check(&self, lesson: &str, exercise: &str) -> Option<String> {
        let lesson = self.catalog.lesson(lesson)?;
        lesson.exercises().find(|e| e.id == exercise).map(|e| e.check.clone())
    }

    /// Reports `Completed` once, when the lesson's last predict is answered or last exercise passed.
    fn check_completed(&mut self, id: &str, out: &mut Vec<Command>) {
        let Some(rendered) = self.rendered.get(id) else { return };
        let activity = self.activity.lesson_mut(id);
        if !activity.completed && activity.all_done(rendered.predicts, &rendered.exercises) {
            activity.completed = true;
            out.push(Command::Lesson(LessonEvent::Completed { lesson: id.to_owned() }));
        }
    }

    /// Logs outgoing lesson events and remembers which block waits for a run.
    fn note_outgoing(&mut self, out: &[Command]) {
        for command in out {
            match command {
                Command::Lesson(event) => self.reported.push(event.clone()),
                Command::LoadCode { run: Some(run), .. } => self.waiting = Some(Waiting::of(run)),
                Command::CheckPrediction { lesson, index, .. } => {
                    self.waiting = Some(Waiting::Predict(lesson.clone(), *index));
                }
                Command::CheckExercise { lesson, exercise, .. } => {
                    self.waiting = Some(Waiting::Exercise(lesson.clone(), exercise.clone()));
                }
                _ => {}
            }
        }
    }
}
