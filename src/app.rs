//! Wiring: the window, its panels, the engine and the stores.

use std::path::PathBuf;

pub fn run_gui(_data_dir: Option<PathBuf>) -> i32 {
    eprintln!("pyxray: the window is not wired yet");
    1
}
