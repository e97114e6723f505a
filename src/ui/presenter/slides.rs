//! A lesson as a deck of slides, and where Right and Left go. Pure logic, no drawing.
//!
//! Each section of the lesson is one slide: its prose, its first example, and the panel the lesson
//! names first (the heap when it names none). Once a slide's example has run, Right and Left step
//! through its trace one step at a time, and leave the slide only at either end of the trace, so a
//! clicker always does the next visible thing.

use crate::lessons::{Example, Lesson, Panel, Part};

pub struct Slide {
    pub title: String,
    /// The section's Markdown, in order (examples are drawn apart).
    pub markdown: Vec<String>,
    /// The section's first example, with its index among the lesson's examples.
    pub example: Option<(usize, Example)>,
}

pub struct Deck {
    pub lesson_id: String,
    pub lesson_title: String,
    pub slides: Vec<Slide>,
    /// The live panel shown next to every slide.
    pub panel: Panel,
}

impl Deck {
    pub fn of(lesson: &Lesson) -> Deck {
        let mut examples = 0;
        let slides = lesson
            .sections
            .iter()
            .map(|section| {
                let mut slide = Slide { title: section.title.clone(), markdown: Vec::new(), example: None };
                for part in &section.parts {
                    match part {
                        Part::Markdown(text) if !text.text.trim().is_empty() => {
                            slide.markdown.push(text.text.trim().to_owned());
                        }
                        Part::Example(example) => {
                            if slide.example.is_none() {
                                slide.example = Some((examples, example.clone()));
                            }
                            examples += 1;
                        }
                        _ => {}
                    }
                }
                slide
            })
            .collect();
        Deck {
            lesson_id: lesson.id.clone(),
            lesson_title: lesson.title.clone(),
            slides,
            panel: lesson.panels.first().copied().unwrap_or(Panel::Heap),
        }
    }

    pub fn len(&self) -> usize {
        self.slides.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slides.is_empty()
    }
}

/// The recorded trace of the slide's own example, when it has run to its end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceAt {
    /// The step shown (0-based).
    pub step: u64,
    pub len: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    /// Show this step of the slide's trace.
    Step(u64),
    /// Go to this slide.
    Slide(usize),
    /// Already at the end (or the start) of the deck.
    Stay,
}

/// Right, PageDown: the next step of the slide's trace, else the next slide.
pub fn forward(slide: usize, slides: usize, trace: Option<TraceAt>) -> Move {
    match trace {
        Some(at) if at.step + 1 < at.len => Move::Step(at.step + 1),
        _ if slide + 1 < slides => Move::Slide(slide + 1),
        _ => Move::Stay,
    }
}

/// Left, PageUp: the previous step of the slide's trace, else the previous slide.
pub fn backward(slide: usize, trace: Option<TraceAt>) -> Move {
    match trace {
        Some(at) if at.step > 0 => Move::Step(at.step - 1),
        _ if slide > 0 => Move::Slide(slide - 1),
        _ => Move::Stay,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forward_steps_through_the_trace_then_leaves_the_slide() {
        let at = |step| Some(TraceAt { step, len: 3 });
        assert_eq!(forward(0, 2, at(0)), Move::Step(1));
        assert_eq!(forward(0, 2, at(1)), Move::Step(2));
        assert_eq!(forward(0, 2, at(2)), Move::Slide(1));
        assert_eq!(forward(1, 2, at(2)), Move::Stay);
        assert_eq!(forward(0, 2, None), Move::Slide(1));
    }

    #[test]
    fn backward_steps_back_to_the_first_step_then_leaves_the_slide() {
        let at = |step| Some(TraceAt { step, len: 3 });
        assert_eq!(backward(1, at(2)), Move::Step(1));
        assert_eq!(backward(1, at(1)), Move::Step(0));
        assert_eq!(backward(1, at(0)), Move::Slide(0));
        assert_eq!(backward(0, at(0)), Move::Stay);
        assert_eq!(backward(0, None), Move::Stay);
    }

    #[test]
    fn every_shipped_lesson_makes_one_slide_per_section() {
        let catalog = crate::lessons::Catalog::embedded();
        for lesson in &catalog.lessons {
            let deck = Deck::of(lesson);
            assert_eq!(deck.len(), lesson.sections.len(), "{}", lesson.id);
            let examples: Vec<usize> = deck.slides.iter().filter_map(|s| s.example.as_ref().map(|(i, _)| *i)).collect();
            assert!(examples.windows(2).all(|pair| pair[0] < pair[1]), "{}: {examples:?}", lesson.id);
            assert!(examples.iter().all(|index| *index < lesson.examples().count()));
        }
    }
}
