//! A lesson turned into what the pane draws, built once per lesson when it is first opened: each
//! section as a list of blocks (prose for the Markdown viewer, plain code blocks drawn by the pane
//! with cached highlighting, and the interactive blocks with their index in the lesson).

use crate::lessons::{Example, Exercise, Lesson, Part, Predict};
use crate::ui::markdown::{MarkdownPiece, split_code_blocks as split_markdown};

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

/// Splits Markdown into prose and the top-level code blocks in it (see `ui::markdown`).
pub fn split_code_blocks(markdown: &str) -> Vec<Block> {
    split_markdown(markdown)
        .into_iter()
        .map(|piece| match piece {
            MarkdownPiece::Prose(range) => Block::Prose(markdown[range].trim().to_owned()),
            MarkdownPiece::Code { language, code } => Block::Code { code, language },
        })
        .collect()
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
