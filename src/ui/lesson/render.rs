//! A lesson turned into what the pane draws, built once per lesson when it is first opened: each
//! section as a list of blocks (prose for the Markdown viewer, plain code blocks drawn by the pane
//! with cached highlighting, and the interactive blocks with their index in the lesson).

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag};

use crate::lessons::{Example, Exercise, Lesson, Part, Predict};

/// What the pane draws for one lesson.
pub struct RenderedLesson {
    pub id: String,
    pub title: String,
    /// The goals as a Markdown bullet list.
    pub goals_markdown: String,
    pub sections: Vec<RenderedSection>,
    /// How many predict blocks the lesson has (indices `0..predicts`).
    pub predicts: usize,
    /// The exercise ids, in lesson order.
    pub exercises: Vec<String>,
}

pub struct RenderedSection {
    pub title: String,
    pub blocks: Vec<Block>,
}

pub enum Block {
    /// Markdown without top-level fenced or indented code blocks.
    Prose(String),
    /// A code block without a role: shown, never run.
    Code {
        code: String,
        language: String,
    },
    /// `index`: the example's position among the lesson's examples (0-based).
    Example {
        index: usize,
        example: Example,
    },
    /// `index`: the predict's position among the lesson's predicts (0-based).
    Predict {
        index: usize,
        predict: Predict,
    },
    Exercise(Exercise),
}

impl RenderedLesson {
    pub fn new(lesson: &Lesson) -> Self {
        let mut examples = 0;
        let mut predicts = 0;
        let mut exercises = Vec::new();
        let sections = lesson
            .sections
            .iter()
            .map(|section| {
                let mut blocks = Vec::new();
                for part in &section.parts {
                    match part {
                        Part::Markdown(text) => blocks.extend(split_code_blocks(&text.text)),
                        Part::Example(example) => {
                            blocks.push(Block::Example { index: examples, example: example.clone() });
                            examples += 1;
                        }
                        Part::Predict(predict) => {
                            blocks.push(Block::Predict { index: predicts, predict: predict.clone() });
                            predicts += 1;
                        }
                        Part::Exercise(exercise) => {
                            exercises.push(exercise.id.clone());
                            blocks.push(Block::Exercise(exercise.clone()));
                        }
                    }
                }
                RenderedSection { title: section.title.clone(), blocks }
            })
            .collect();
        let goals_markdown = lesson.goals.iter().map(|goal| format!("- {goal}\n")).collect();
        RenderedLesson {
            id: lesson.id.clone(),
            title: lesson.title.clone(),
            goals_markdown,
            sections,
            predicts,
            exercises,
        }
    }
}

/// Splits Markdown into prose and the top-level code blocks in it (code inside lists or quotes stays
/// with the prose). Blank prose between blocks is dropped.
pub fn split_code_blocks(markdown: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut depth = 0usize;
    let mut prose_start = 0;
    // (start of the block in `markdown`, language, code so far)
    let mut code: Option<(usize, String, String)> = None;
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_DEFINITION_LIST;
    for (event, range) in Parser::new_ext(markdown, options).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(kind)) if depth == 0 => {
                let language = match kind {
                    CodeBlockKind::Fenced(info) => info.split_whitespace().next().unwrap_or_default().to_owned(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((range.start, language, String::new()));
                depth += 1;
            }
            Event::Text(text) if depth == 1 && code.is_some() => {
                if let Some((_, _, so_far)) = code.as_mut() {
                    so_far.push_str(&text);
                }
            }
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 0
                    && let Some((start, language, text)) = code.take()
                {
                    push_prose(&mut blocks, markdown.get(prose_start..start).unwrap_or_default());
                    let text = text.strip_suffix('\n').unwrap_or(&text).to_owned();
                    blocks.push(Block::Code { code: text, language });
                    prose_start = range.end;
                }
            }
            _ => {}
        }
    }
    push_prose(&mut blocks, markdown.get(prose_start..).unwrap_or_default());
    blocks
}

fn push_prose(blocks: &mut Vec<Block>, text: &str) {
    let text = text.trim();
    if !text.is_empty() {
        blocks.push(Block::Prose(text.to_owned()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn describe(blocks: &[Block]) -> Vec<String> {
        blocks
            .iter()
            .map(|block| match block {
                Block::Prose(text) => format!("prose:{text}"),
                Block::Code { code, language } => format!("code[{language}]:{code}"),
                _ => "other".to_owned(),
            })
            .collect()
    }

    #[test]
    fn top_level_code_blocks_are_split_out() {
        let markdown = "Intro with `code`.\n\n```python\nx = 1\nprint(x)\n```\n\nAfter.\n\n    indented\n\nEnd.";
        assert_eq!(
            describe(&split_code_blocks(markdown)),
            vec![
                "prose:Intro with `code`.",
                "code[python]:x = 1\nprint(x)",
                "prose:After.",
                "code[]:indented",
                "prose:End."
            ]
        );
    }

    #[test]
    fn code_inside_a_list_stays_with_the_prose() {
        let markdown = "- item\n\n  ```text\n  inner\n  ```\n- next";
        assert_eq!(describe(&split_code_blocks(markdown)), vec![format!("prose:{markdown}")]);
    }

    #[test]
    fn every_shipped_lesson_renders_with_its_blocks_numbered() {
        let catalog = crate::lessons::Catalog::embedded();
        assert!(!catalog.lessons.is_empty());
        for lesson in &catalog.lessons {
            let rendered = RenderedLesson::new(lesson);
            assert_eq!(rendered.sections.len(), lesson.sections.len());
            assert_eq!(rendered.predicts, lesson.predicts().count(), "{}", lesson.id);
            assert_eq!(rendered.exercises.len(), lesson.exercises().count());
            let examples: Vec<usize> = rendered
                .sections
                .iter()
                .flat_map(|s| &s.blocks)
                .filter_map(|b| match b {
                    Block::Example { index, .. } => Some(*index),
                    _ => None,
                })
                .collect();
            assert_eq!(examples, (0..lesson.examples().count()).collect::<Vec<_>>());
        }
    }
}
