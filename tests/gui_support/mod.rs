//! What the GUI tests share: the window on a data folder of its own, waiting while the worker gets
//! on, and reading the texts under a named container. Headless: kittest's plain `Harness`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use pyxray::app::PyxrayApp;

pub type App = Option<PyxrayApp>;

fn build(dir: PathBuf, keep_alive: Option<tempfile::TempDir>) -> Harness<'static, App> {
    let mut harness = Harness::builder().with_size(egui::vec2(1400.0, 900.0)).build_ui_state(
        move |ui, app: &mut App| {
            // The temporary folder (if any) lives as long as the window does.
            let _ = &keep_alive;
            let app = app.get_or_insert_with(|| {
                PyxrayApp::new(PathBuf::from(env!("CARGO_BIN_EXE_pyxray")), ui.ctx(), Some(dir.clone()))
            });
            app.show(ui);
        },
        None,
    );
    harness.step();
    harness
}

/// The window on the data folder `dir`; the app is built in the first frame.
pub fn window(dir: &Path) -> Harness<'static, App> {
    build(dir.to_path_buf(), None)
}

/// The window on a temporary data folder of its own, once its worker is ready.
pub fn harness() -> Harness<'static, App> {
    let folder = tempfile::tempdir().expect("a temporary data folder");
    let mut harness = build(folder.path().to_path_buf(), Some(folder));
    wait_for(&mut harness, "the worker to be ready", Duration::from_secs(30), |h| status_has(h, "worker: ready"));
    harness
}

pub fn app<'h>(harness: &'h Harness<'_, App>) -> &'h PyxrayApp {
    harness.state().as_ref().expect("the app is created in the first frame")
}

pub fn app_mut<'h>(harness: &'h mut Harness<'_, App>) -> &'h mut PyxrayApp {
    harness.state_mut().as_mut().expect("the app is created in the first frame")
}

/// Steps the ui (with short sleeps, so time passes and the worker gets on) until `done` holds.
pub fn wait_for(
    harness: &mut Harness<'_, App>,
    what: &str,
    timeout: Duration,
    done: impl Fn(&Harness<'_, App>) -> bool,
) {
    let deadline = Instant::now() + timeout;
    loop {
        harness.step();
        if done(harness) {
            return;
        }
        assert!(Instant::now() < deadline, "timed out after {timeout:?} waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Every label's (or value's) text under the node named `container`.
pub fn texts_in(harness: &Harness<'_, App>, container: &str) -> Vec<String> {
    let Some(node) = harness.query_by_label(container) else { return Vec::new() };
    node.query_all(egui_kittest::kittest::By::new().predicate(|_| true))
        .filter_map(|n| n.accesskit_node().label().or_else(|| n.accesskit_node().value()))
        .collect()
}

pub fn has_text(harness: &Harness<'_, App>, container: &str, text: &str) -> bool {
    texts_in(harness, container).iter().any(|t| t.contains(text))
}

pub fn status_has(harness: &Harness<'_, App>, text: &str) -> bool {
    has_text(harness, "Status bar", text)
}

/// Presses a toolbar button.
pub fn click_toolbar(harness: &mut Harness<'_, App>, label: &str) {
    harness.get_by_label("Toolbar").get_by_label(label).click();
    harness.step();
}

/// Presses Run and waits until the run has ended with `outcome` shown in the status bar.
pub fn run_and_wait(harness: &mut Harness<'_, App>, outcome: &str) {
    click_toolbar(harness, "Run");
    wait_for(harness, outcome, Duration::from_secs(20), |h| !app(h).model().is_recording() && status_has(h, outcome));
    harness.run();
}

/// Clicks a pane's tab, bringing it forward. (It may keep repainting while a run records, so this
/// does not wait for the window to settle.)
pub fn show_tab(harness: &mut Harness<'_, App>, tab: &str) {
    harness.get_by_role_and_label(egui::accesskit::Role::Button, tab).click();
    harness.run_ok();
}

/// Replaces the editor's text by typing, as a person would: click, select all, type.
pub fn type_program(harness: &mut Harness<'_, App>, program: &str) {
    harness.get_by_label("Code editor").click();
    harness.step();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.step();
    harness.get_by_label("Code editor").type_text(program);
    harness.step();
    harness.run_ok();
    assert_eq!(app(harness).code(), program);
}
