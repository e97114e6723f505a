//! The info string of a fenced code block (` ```python example outcome=finished `): which role the
//! block has and what its attributes say. Errors are messages without a line; the parser adds it.

use super::front_matter::is_id_char;
use super::model::{DEFAULT_TIMEOUT_SECS, ExpectedOutcome, PlotKind};

/// What a fenced block is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Example,
    Predict,
    Exercise,
    Check,
    Solution,
    Choices,
    Answer,
    Hint,
}

const PYTHON_ROLES: [Role; 5] = [Role::Example, Role::Predict, Role::Exercise, Role::Check, Role::Solution];
const TEXT_ROLES: [Role; 3] = [Role::Choices, Role::Answer, Role::Hint];

impl Role {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Role::Example => "example",
            Role::Predict => "predict",
            Role::Exercise => "exercise",
            Role::Check => "check",
            Role::Solution => "solution",
            Role::Choices => "choices",
            Role::Answer => "answer",
            Role::Hint => "hint",
        }
    }

    fn language(self) -> &'static str {
        if TEXT_ROLES.contains(&self) { "text" } else { "python" }
    }

    fn allowed_attributes(self) -> &'static [&'static str] {
        match self {
            Role::Example => &["outcome", "start", "timeout", "plot"],
            Role::Exercise => &["id"],
            _ => &[],
        }
    }

    fn from_name(name: &str) -> Option<Role> {
        PYTHON_ROLES.into_iter().chain(TEXT_ROLES).find(|role| role.name() == name)
    }
}

/// `key=value` pairs in the order written.
pub(crate) type Attributes = Vec<(String, String)>;

/// The role and attributes of a block, `Ok(None)` for a plain block, or what is wrong with it.
pub(crate) fn parse_info_string(info: &str) -> Result<Option<(Role, Attributes)>, String> {
    let mut words = info.split_whitespace();
    let language = words.next().unwrap_or_default();
    let roles: &[Role] = match language {
        "python" => &PYTHON_ROLES,
        "text" => &TEXT_ROLES,
        _ => return Ok(None),
    };
    let Some(role_word) = words.next() else {
        return Ok(None);
    };
    let role = match Role::from_name(role_word) {
        Some(role) if roles.contains(&role) => role,
        Some(role) => {
            return Err(format!(
                "a `{name}` block is written ```{language_needed} {name}, not ```{language} {name}",
                name = role.name(),
                language_needed = role.language(),
            ));
        }
        None => {
            let names: Vec<&str> = roles.iter().map(|role| role.name()).collect();
            return Err(format!(
                "unknown role `{role_word}` for a ```{language} block (the roles are {})",
                names.join(", ")
            ));
        }
    };
    let mut attributes = Attributes::new();
    for word in words {
        let Some((key, value)) = word.split_once('=').filter(|(key, _)| !key.is_empty()) else {
            return Err(format!("`{word}` on a `{}` block must be written as key=value", role.name()));
        };
        let allowed = role.allowed_attributes();
        if !allowed.contains(&key) {
            let allowed_text = if allowed.is_empty() {
                "it takes none".to_owned()
            } else {
                format!("allowed: {}", allowed.join(", "))
            };
            return Err(format!("unknown attribute `{key}` on a `{}` block ({allowed_text})", role.name()));
        }
        if attributes.iter().any(|(seen, _)| seen == key) {
            return Err(format!("attribute `{key}` is given twice on a `{}` block", role.name()));
        }
        attributes.push((key.to_owned(), unquote(value).to_owned()));
    }
    Ok(Some((role, attributes)))
}

fn unquote(value: &str) -> &str {
    ['"', '\''].into_iter().find_map(|quote| value.strip_prefix(quote)?.strip_suffix(quote)).unwrap_or(value)
}

fn attribute<'a>(attributes: &'a Attributes, key: &str) -> Option<&'a str> {
    attributes.iter().find(|(name, _)| name == key).map(|(_, value)| value.as_str())
}

/// The checked attributes of an `example` block.
#[derive(Debug)]
pub(crate) struct ExampleAttributes {
    pub outcome: ExpectedOutcome,
    pub start_line: Option<u32>,
    pub timeout_secs: f64,
    pub plot: Option<PlotKind>,
}

pub(crate) fn example_attributes(attributes: &Attributes, code_line_count: u32) -> Result<ExampleAttributes, String> {
    let outcome = match attribute(attributes, "outcome") {
        None => ExpectedOutcome::Finished,
        Some(text) => parse_outcome(text)?,
    };
    let start_line = match attribute(attributes, "start") {
        None => None,
        Some(text) => {
            let line = text.parse::<u32>().ok().filter(|&line| line >= 1).ok_or_else(|| {
                format!("bad `start={text}`: write the line of the example to start at, like `start=2`")
            })?;
            if line > code_line_count {
                return Err(format!(
                    "`start={line}` is past the end of the example, which has {code_line_count} lines"
                ));
            }
            Some(line)
        }
    };
    let timeout_secs =
        match attribute(attributes, "timeout") {
            None => DEFAULT_TIMEOUT_SECS,
            Some(text) => text.parse::<f64>().ok().filter(|secs| secs.is_finite() && *secs > 0.0).ok_or_else(|| {
                format!("bad `timeout={text}`: write the seconds as a number above 0, like `timeout=30`")
            })?,
        };
    let plot = match attribute(attributes, "plot") {
        None => None,
        Some("line") => Some(PlotKind::Line),
        Some("scatter") => Some(PlotKind::Scatter),
        Some(text) => {
            return Err(format!("bad `plot={text}`: the plot kinds are `line` and `scatter`"));
        }
    };
    Ok(ExampleAttributes { outcome, start_line, timeout_secs, plot })
}

fn parse_outcome(text: &str) -> Result<ExpectedOutcome, String> {
    if text == "finished" {
        return Ok(ExpectedOutcome::Finished);
    }
    if text.eq_ignore_ascii_case("finished") {
        return Err(format!("bad `outcome={text}`: write `finished` in lowercase"));
    }
    let is_identifier = |name: &str| {
        name.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_alphanumeric() || c == '_')
    };
    let all_identifiers = text.split('.').all(is_identifier);
    let class_name = text.rsplit('.').next().unwrap_or_default();
    let looks_like_class = class_name.chars().next().is_some_and(char::is_uppercase);
    if all_identifiers && looks_like_class {
        Ok(ExpectedOutcome::Exception(text.to_owned()))
    } else {
        Err(format!(
            "bad `outcome={text}`: write `finished` or the name of the exception type that ends \
             the run, like `outcome=ZeroDivisionError`"
        ))
    }
}

/// The `id` of an `exercise` block.
pub(crate) fn exercise_id(attributes: &Attributes) -> Result<String, String> {
    let Some(id) = attribute(attributes, "id") else {
        return Err("an `exercise` block needs an id, like ```python exercise id=swap-pair".to_owned());
    };
    if id.is_empty() || !id.chars().all(is_id_char) {
        return Err(format!("exercise id `{id}` may contain only lowercase letters, digits and dashes"));
    }
    Ok(id.to_owned())
}
