//! JSON files with a `"schema_version"`: decoding (with migration from older versions and
//! detection of newer ones) and encoding.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// A JSON document pyxray keeps in one file. The struct itself does not hold the version:
/// saving adds it and loading reads it, so it can never be written wrongly.
pub trait VersionedJson: Serialize + DeserializeOwned + Default + Clone {
    /// The file's name in the data folder: "progress.json".
    const FILE_NAME: &'static str;
    /// What the file holds, for messages: "progress", "settings".
    const DESCRIPTION: &'static str;
    /// The version this build writes. Raise it (and add a step to `upgrade_from`) whenever a
    /// change could make an older build misread the file.
    const SCHEMA_VERSION: u64;

    /// Upgrades `object` from `version` to `version + 1`. Version 0 is a file without
    /// `schema_version`.
    fn upgrade_from(version: u64, object: &mut Map<String, Value>) -> Result<(), String>;

    /// Brings values into their allowed ranges; returns one sentence per value changed.
    fn sanitize(&mut self) -> Vec<String> {
        Vec::new()
    }

    /// Combines a version another pyxray window saved meanwhile into `self`, just before `self`
    /// is saved over it. The default keeps `self` (the newest change by the learner wins).
    fn absorb_concurrent_change(&mut self, _on_disk: Self) {}
}

#[derive(Debug)]
pub(crate) enum Decoded<T> {
    Valid {
        value: T,
        adjustments: Vec<String>,
    },
    /// Written by a newer pyxray. `readable` is the content as far as this build understands it
    /// (unknown fields ignored), or `None` when even that fails.
    Newer {
        version: u64,
        readable: Option<T>,
    },
    Corrupt {
        reason: String,
    },
}

pub(crate) fn decode<T: VersionedJson>(bytes: &[u8]) -> Decoded<T> {
    let corrupt = |reason: String| Decoded::Corrupt { reason };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return corrupt("the file is empty".to_owned());
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(object)) => decode_object(object),
        Ok(_) => corrupt("the file does not contain a JSON object".to_owned()),
        Err(error) if error.is_eof() => corrupt(format!("the file ends too early, it looks truncated ({error})")),
        Err(error) => corrupt(format!("the file is not valid JSON ({error})")),
    }
}

/// [`decode`] for an already parsed JSON object.
pub(crate) fn decode_object<T: VersionedJson>(mut object: Map<String, Value>) -> Decoded<T> {
    let corrupt = |reason: String| Decoded::Corrupt { reason };
    let version = match object.remove("schema_version") {
        None => 0,
        Some(value) => match value.as_u64() {
            Some(version) => version,
            None => return corrupt(format!("its schema_version {value} is not a whole number")),
        },
    };
    if version > T::SCHEMA_VERSION {
        let readable = serde_json::from_value::<T>(Value::Object(object)).ok().map(|mut value| {
            value.sanitize();
            value
        });
        return Decoded::Newer { version, readable };
    }
    for step_from in version..T::SCHEMA_VERSION {
        if let Err(problem) = T::upgrade_from(step_from, &mut object) {
            return corrupt(format!("it could not be upgraded from schema version {step_from}: {problem}"));
        }
    }
    match serde_json::from_value::<T>(Value::Object(object)) {
        Ok(mut value) => {
            let adjustments = value.sanitize();
            Decoded::Valid { value, adjustments }
        }
        Err(error) => corrupt(format!("a value has the wrong form ({error})")),
    }
}

#[derive(Serialize)]
struct WithVersion<'a, T> {
    schema_version: u64,
    #[serde(flatten)]
    content: &'a T,
}

/// Pretty JSON with `schema_version` first, ending in a newline.
pub(crate) fn encode<T: VersionedJson>(value: &T) -> Result<Vec<u8>, serde_json::Error> {
    let mut bytes = serde_json::to_vec_pretty(&WithVersion { schema_version: T::SCHEMA_VERSION, content: value })?;
    bytes.push(b'\n');
    Ok(bytes)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde::Deserialize;

    /// A small document for testing the generic machinery: version 0 called the field `n`.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(default)]
    pub(crate) struct Counter {
        pub count: u32,
        pub label: String,
    }

    impl VersionedJson for Counter {
        const FILE_NAME: &'static str = "counter.json";
        const DESCRIPTION: &'static str = "counter";
        const SCHEMA_VERSION: u64 = 1;

        fn upgrade_from(version: u64, object: &mut Map<String, Value>) -> Result<(), String> {
            match version {
                0 => {
                    if let Some(old) = object.remove("n") {
                        object.insert("count".into(), old);
                    }
                    Ok(())
                }
                _ => Err(format!("unknown version {version}")),
            }
        }

        fn sanitize(&mut self) -> Vec<String> {
            if self.count > 1000 {
                self.count = 1000;
                return vec!["count was above 1000".into()];
            }
            Vec::new()
        }
    }

    fn decode_str(text: &str) -> Decoded<Counter> {
        decode::<Counter>(text.as_bytes())
    }

    #[test]
    fn round_trip_puts_the_version_first() {
        let counter = Counter { count: 3, label: "x".into() };
        let bytes = encode(&counter).unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.starts_with("{\n  \"schema_version\": 1,"), "{text}");
        match decode::<Counter>(&bytes) {
            Decoded::Valid { value, adjustments } => {
                assert_eq!(value, counter);
                assert!(adjustments.is_empty());
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn version_zero_is_upgraded_and_missing_fields_default() {
        match decode_str(r#"{"n": 7}"#) {
            Decoded::Valid { value, .. } => assert_eq!(value, Counter { count: 7, label: String::new() }),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn newer_versions_are_read_as_far_as_possible() {
        match decode_str(r#"{"schema_version": 9, "count": 2, "future": true}"#) {
            Decoded::Newer { version: 9, readable: Some(value) } => assert_eq!(value.count, 2),
            other => panic!("{other:?}"),
        }
        match decode_str(r#"{"schema_version": 9, "count": "many"}"#) {
            Decoded::Newer { version: 9, readable: None } => {}
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn damaged_content_is_reported_with_a_reason() {
        let cases = [
            ("", "empty"),
            ("  \n", "empty"),
            (r#"{"schema_version": 1, "count": 4"#, "truncated"),
            ("{nonsense", "not valid JSON"),
            ("[1, 2]", "JSON object"),
            (r#"{"schema_version": "one"}"#, "whole number"),
            (r#"{"count": -1}"#, "wrong form"),
        ];
        for (text, expected) in cases {
            match decode_str(text) {
                Decoded::Corrupt { reason } => assert!(reason.contains(expected), "{reason}"),
                other => panic!("{text:?} gave {other:?}"),
            }
        }
    }

    #[test]
    fn out_of_range_values_are_adjusted() {
        match decode_str(r#"{"schema_version": 1, "count": 5000}"#) {
            Decoded::Valid { value, adjustments, .. } => {
                assert_eq!(value.count, 1000);
                assert_eq!(adjustments.len(), 1);
            }
            other => panic!("{other:?}"),
        }
    }
}
