//! The learner's preferences (`settings.json`).

use std::fmt::Display;
use std::ops::RangeInclusive;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::bookmarks::{Bookmarks, bookmarks_or_empty};
use super::json_document::JsonDocument;
use super::versioned::VersionedJson;

/// `settings.json`, loaded and autosaved. When two windows change settings, the last save wins.
pub type SettingsStore = JsonDocument<Settings>;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    #[default]
    Dark,
    Light,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub theme: Theme,
    pub zoom_factor: f32,
    /// The pane layout, in whatever shape the UI chooses; the store does not look inside.
    pub pane_layout: Option<Value>,
    pub engine_limits: EngineLimitsSettings,
    /// Programs opened or saved lately, most recent first (File → Open recent). Files written before
    /// this field existed load with an empty list, so the schema version stays 1.
    pub recent_files: Vec<PathBuf>,
    /// No sliding or fading in the heap diagram between steps.
    pub reduce_motion: bool,
    /// Steps of lesson examples the presenter pauses at. Both fields came later than version 1 and
    /// load with their defaults from older files, so the schema version stays 1.
    #[serde(deserialize_with = "bookmarks_or_empty")]
    pub presenter_bookmarks: Bookmarks,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            theme: Theme::Dark,
            zoom_factor: 1.0,
            pane_layout: None,
            engine_limits: EngineLimitsSettings::default(),
            recent_files: Vec::new(),
            reduce_motion: false,
            presenter_bookmarks: Bookmarks::default(),
        }
    }
}

/// Limits for running the learner's Python code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EngineLimitsSettings {
    pub max_steps: u64,
    pub time_limit_secs: f64,
    pub output_limit_bytes: u64,
    pub memory_limit_mb: u64,
    /// How many items of a list, dict, ... the heap view shows.
    pub max_container_items: u32,
}

impl Default for EngineLimitsSettings {
    fn default() -> Self {
        Self {
            max_steps: 200_000,
            time_limit_secs: 10.0,
            output_limit_bytes: 1_000_000,
            memory_limit_mb: 1024,
            max_container_items: 100,
        }
    }
}

// The sane ranges: wide enough for any real lesson or exercise, narrow enough that a typo in a
// hand-edited file cannot make pyxray unusable (zoom 0.01) or let code run unbounded.
pub const ZOOM_FACTOR_RANGE: RangeInclusive<f32> = 0.5..=3.0;
pub const MAX_STEPS_RANGE: RangeInclusive<u64> = 1_000..=100_000_000;
pub const TIME_LIMIT_SECS_RANGE: RangeInclusive<f64> = 0.1..=3600.0;
pub const OUTPUT_LIMIT_BYTES_RANGE: RangeInclusive<u64> = 1_000..=100_000_000;
pub const MEMORY_LIMIT_MB_RANGE: RangeInclusive<u64> = 64..=65_536;
pub const MAX_CONTAINER_ITEMS_RANGE: RangeInclusive<u32> = 1..=10_000;

impl VersionedJson for Settings {
    const FILE_NAME: &'static str = "settings.json";
    const DESCRIPTION: &'static str = "settings";
    const SCHEMA_VERSION: u64 = 1;

    fn upgrade_from(version: u64, object: &mut Map<String, Value>) -> Result<(), String> {
        match version {
            0 => {
                upgrade_from_version_0(object);
                Ok(())
            }
            _ => Err(format!("no upgrade is known from version {version}")),
        }
    }

    fn sanitize(&mut self) -> Vec<String> {
        let defaults = Self::default();
        let limits = &mut self.engine_limits;
        let mut adjustments = Vec::new();
        let mut fix = |description: Option<String>| adjustments.extend(description);
        fix(clamp_float("zoom_factor", &mut self.zoom_factor, defaults.zoom_factor, ZOOM_FACTOR_RANGE));
        let default_limits = defaults.engine_limits;
        fix(clamp("engine_limits.max_steps", &mut limits.max_steps, MAX_STEPS_RANGE));
        fix(clamp_float(
            "engine_limits.time_limit_secs",
            &mut limits.time_limit_secs,
            default_limits.time_limit_secs,
            TIME_LIMIT_SECS_RANGE,
        ));
        fix(clamp("engine_limits.output_limit_bytes", &mut limits.output_limit_bytes, OUTPUT_LIMIT_BYTES_RANGE));
        fix(clamp("engine_limits.memory_limit_mb", &mut limits.memory_limit_mb, MEMORY_LIMIT_MB_RANGE));
        fix(clamp("engine_limits.max_container_items", &mut limits.max_container_items, MAX_CONTAINER_ITEMS_RANGE));
        adjustments
    }
}

/// Moves `value` into `range`; describes the change, if any.
fn clamp<N: PartialOrd + Copy + Display>(name: &str, value: &mut N, range: RangeInclusive<N>) -> Option<String> {
    let (min, max) = (*range.start(), *range.end());
    let clamped = if *value < min {
        min
    } else if *value > max {
        max
    } else {
        return None;
    };
    let description = format!("{name} {value} is outside {min} to {max}; using {clamped}");
    *value = clamped;
    Some(description)
}

/// [`clamp`], and a value that is not a number (NaN, infinity) becomes `default`.
fn clamp_float<F: PartialOrd + Copy + Display + Into<f64>>(
    name: &str,
    value: &mut F,
    default: F,
    range: RangeInclusive<F>,
) -> Option<String> {
    if !(*value).into().is_finite() {
        let description = format!("{name} {value} is not a number; using {default}");
        *value = default;
        return Some(description);
    }
    clamp(name, value, range)
}

/// Version 0 (no `schema_version`) had `dark_mode: bool`, `zoom`, and the two engine limits it
/// knew at the top level.
fn upgrade_from_version_0(object: &mut Map<String, Value>) {
    if let Some(dark_mode) = object.remove("dark_mode") {
        let theme = if dark_mode == Value::Bool(false) { "light" } else { "dark" };
        object.insert("theme".into(), Value::String(theme.into()));
    }
    if let Some(zoom) = object.remove("zoom") {
        object.entry("zoom_factor").or_insert(zoom);
    }
    let mut limits = match object.remove("engine_limits") {
        Some(Value::Object(limits)) => limits,
        _ => Map::new(),
    };
    for key in ["max_steps", "time_limit_secs"] {
        if let Some(limit) = object.remove(key) {
            limits.entry(key).or_insert(limit);
        }
    }
    object.insert("engine_limits".into(), Value::Object(limits));
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::time::Instant;

    use super::super::test_support::temp_store;
    use super::super::warning::WarningKind;
    use super::*;

    #[test]
    fn round_trip_keeps_every_field() {
        let (_guard, paths) = temp_store();
        let mut store = SettingsStore::open(&paths);
        assert_eq!(store.get(), &Settings::default());
        let settings = store.edit(Instant::now());
        settings.theme = Theme::Light;
        settings.zoom_factor = 1.25;
        settings.pane_layout = Some(serde_json::json!({"tiles": [1, 2], "split": 0.3}));
        settings.engine_limits.max_steps = 5_000;
        settings.engine_limits.time_limit_secs = 2.5;
        settings.recent_files = vec![PathBuf::from("/home/ada/loops.py")];
        let expected = settings.clone();
        store.flush().unwrap();
        let reopened = SettingsStore::open(&paths);
        assert_eq!(reopened.get(), &expected);
        let text = fs::read_to_string(paths.settings_path()).unwrap();
        assert!(text.contains("\"theme\": \"light\""), "{text}");
    }

    #[test]
    fn defaults_are_the_documented_ones() {
        let limits = EngineLimitsSettings::default();
        assert_eq!(limits.max_steps, 200_000);
        assert_eq!(limits.time_limit_secs, 10.0);
        assert_eq!(limits.output_limit_bytes, 1_000_000);
        assert_eq!(limits.memory_limit_mb, 1024);
        assert_eq!(limits.max_container_items, 100);
        assert_eq!(Settings::default().theme, Theme::Dark);
    }

    #[test]
    fn missing_fields_take_defaults() {
        let (_guard, paths) = temp_store();
        let partial = r#"{"schema_version": 1, "engine_limits": {"max_steps": 9000}}"#;
        fs::write(paths.settings_path(), partial).unwrap();
        let store = SettingsStore::open(&paths);
        let expected = Settings {
            engine_limits: EngineLimitsSettings { max_steps: 9000, ..EngineLimitsSettings::default() },
            ..Settings::default()
        };
        assert_eq!(store.get(), &expected);
    }

    #[test]
    fn version_zero_file_is_upgraded() {
        let (_guard, paths) = temp_store();
        let version_0 = r#"{"dark_mode": false, "zoom": 1.5, "max_steps": 50000, "time_limit_secs": 3.0}"#;
        fs::write(paths.settings_path(), version_0).unwrap();
        let mut store = SettingsStore::open(&paths);
        assert!(store.drain_warnings().is_empty());
        let settings = store.get();
        assert_eq!(settings.theme, Theme::Light);
        assert_eq!(settings.zoom_factor, 1.5);
        assert_eq!(settings.engine_limits.max_steps, 50_000);
        assert_eq!(settings.engine_limits.time_limit_secs, 3.0);
        assert_eq!(settings.engine_limits.memory_limit_mb, 1024);
    }

    #[test]
    fn out_of_range_values_are_clamped_with_a_warning() {
        let (_guard, paths) = temp_store();
        let wild = r#"{"schema_version": 1, "zoom_factor": 40.0, "engine_limits": {
            "max_steps": 0, "time_limit_secs": 1e300, "output_limit_bytes": 5,
            "memory_limit_mb": 99999999, "max_container_items": 0}}"#;
        fs::write(paths.settings_path(), wild).unwrap();
        let mut store = SettingsStore::open(&paths);
        let limits = &store.get().engine_limits;
        assert_eq!(limits.max_steps, 1_000);
        assert_eq!(limits.time_limit_secs, 3600.0);
        assert_eq!(limits.output_limit_bytes, 1_000);
        assert_eq!(limits.memory_limit_mb, 65_536);
        assert_eq!(limits.max_container_items, 1);
        assert_eq!(store.get().zoom_factor, 3.0);
        let warnings = store.drain_warnings();
        assert_eq!(warnings.len(), 6);
        assert!(warnings.iter().all(|w| w.kind == WarningKind::ValueAdjusted));
        assert!(warnings[0].message.contains("zoom_factor 40"), "{}", warnings[0].message);
        // The corrected values are saved, so the next start has nothing to warn about.
        assert!(store.has_unsaved_changes());
        store.flush().unwrap();
        let mut reopened = SettingsStore::open(&paths);
        assert!(reopened.drain_warnings().is_empty());
        assert_eq!(reopened.get(), store.get());
    }

    #[test]
    fn a_value_that_is_not_a_number_is_never_saved() {
        let (_guard, paths) = temp_store();
        let mut store = SettingsStore::open(&paths);
        store.edit(Instant::now()).zoom_factor = f32::NAN;
        store.flush().unwrap();
        let mut reopened = SettingsStore::open(&paths);
        assert_eq!(reopened.get().zoom_factor, 1.0);
        assert!(reopened.drain_warnings().is_empty());
    }
}
