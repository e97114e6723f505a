//! The heap's motion between two steps: objects and frames slide from where they were drawn to
//! where the new layout put them, and objects and arrows that were not there fade in.
//!
//! Nothing is laid out here. When the panel lays out a new diagram it builds a `Motion` from the
//! diagram drawn until then (`Motion::between`): for each object and frame the offset from its new
//! place back to its old one. At paint time `displaced` moves a copy of the diagram by those
//! offsets, shrunk by the eased progress, until the motion settles; then the diagram is drawn as
//! laid out. A step change in the middle of a motion starts the next one from where things are
//! drawn at that moment, so nothing jumps.

use std::collections::{HashMap, HashSet};

use egui::Vec2;

use super::diagram::{ArrowSource, Diagram, Row, RowOwner, Text};
use crate::trace::ObjId;

/// Offsets below this (points) are not worth moving.
const STILL: f32 = 0.5;

/// One transition from the diagram drawn before to the one laid out now.
#[derive(Clone, Debug)]
pub struct Motion {
    /// Egui input time (seconds) when the new diagram was laid out.
    started: f64,
    duration: f32,
    /// For each object that moved: its old place minus its new place.
    objects: HashMap<ObjId, Vec2>,
    /// The same for frames, by frame id.
    frames: HashMap<u64, Vec2>,
    /// Objects and arrows (by index in the new diagram) that were not drawn before.
    new_objects: HashSet<ObjId>,
    new_arrows: HashSet<usize>,
}

/// How far a motion is at a moment: 0 at its start, 1 when it has settled (eased).
pub fn progress(elapsed: f64, duration: f32) -> f32 {
    if duration <= 0.0 || !elapsed.is_finite() {
        return 1.0;
    }
    let linear = (elapsed / f64::from(duration)).clamp(0.0, 1.0) as f32;
    // Ease out (cubic): quick to leave, gentle to arrive, so the eye lands with the object.
    1.0 - (1.0 - linear).powi(3)
}

/// Who an arrow belongs to, stable from one layout to the next (its index is not).
fn arrow_key(diagram: &Diagram, source: ArrowSource, target: ObjId) -> Option<(RowOwner, ObjId)> {
    diagram.source_row(source).map(|row| (row.owner.clone(), target))
}

impl Motion {
    /// The motion from `old` (drawn, moved by `ongoing` if one was under way at `now`) to `new`.
    /// `None` when nothing would move or appear.
    pub fn between(old: &Diagram, ongoing: Option<&Motion>, new: &Diagram, now: f64, duration: f32) -> Option<Motion> {
        if duration <= 0.0 {
            return None;
        }
        let left = ongoing.map_or(0.0, |motion| 1.0 - motion.progress(now));
        let drawn_offset = |offsets: Option<Vec2>| offsets.unwrap_or(Vec2::ZERO) * left;
        let old_objects: HashMap<ObjId, Vec2> = old
            .objects
            .iter()
            .map(|object| {
                let offset = drawn_offset(ongoing.and_then(|motion| motion.objects.get(&object.id).copied()));
                (object.id, object.rect.min.to_vec2() + offset)
            })
            .collect();
        let old_frames: HashMap<u64, Vec2> = old
            .frames
            .iter()
            .map(|frame| {
                let offset = drawn_offset(ongoing.and_then(|motion| motion.frames.get(&frame.frame_id).copied()));
                (frame.frame_id, frame.rect.min.to_vec2() + offset)
            })
            .collect();

        let mut objects = HashMap::new();
        let mut new_objects = HashSet::new();
        for object in &new.objects {
            match old_objects.get(&object.id) {
                Some(was) => {
                    let offset = *was - object.rect.min.to_vec2();
                    if offset.length() >= STILL {
                        objects.insert(object.id, offset);
                    }
                }
                None => {
                    new_objects.insert(object.id);
                }
            }
        }
        let mut frames = HashMap::new();
        for frame in &new.frames {
            if let Some(was) = old_frames.get(&frame.frame_id) {
                let offset = *was - frame.rect.min.to_vec2();
                if offset.length() >= STILL {
                    frames.insert(frame.frame_id, offset);
                }
            }
        }
        let old_arrows: HashSet<(RowOwner, ObjId)> =
            old.arrows.iter().filter_map(|arrow| arrow_key(old, arrow.source, arrow.target)).collect();
        let new_arrows: HashSet<usize> = new
            .arrows
            .iter()
            .enumerate()
            .filter(|(_, arrow)| {
                arrow_key(new, arrow.source, arrow.target).is_none_or(|key| !old_arrows.contains(&key))
            })
            .map(|(index, _)| index)
            .collect();

        let still = objects.is_empty() && frames.is_empty() && new_objects.is_empty() && new_arrows.is_empty();
        (!still).then_some(Motion { started: now, duration, objects, frames, new_objects, new_arrows })
    }

    /// Eased progress at `now` (0 to 1).
    pub fn progress(&self, now: f64) -> f32 {
        progress(now - self.started, self.duration)
    }

    pub fn is_settled(&self, now: f64) -> bool {
        self.progress(now) >= 1.0
    }

    /// Opacity of what fades in, at `now`.
    pub fn fade(&self, now: f64) -> Fade<'_> {
        Fade { objects: &self.new_objects, arrows: &self.new_arrows, opacity: self.progress(now) }
    }

    /// A copy of `diagram` (the one this motion leads to) with everything that moves drawn where it
    /// is at `progress`: at 0 where it was, at 1 where the layout put it.
    pub fn displaced(&self, diagram: &Diagram, progress: f32) -> Diagram {
        let left = 1.0 - progress.clamp(0.0, 1.0);
        let object_offset = |id: ObjId| self.objects.get(&id).map_or(Vec2::ZERO, |offset| *offset * left);
        let frame_offset = |id: u64| self.frames.get(&id).map_or(Vec2::ZERO, |offset| *offset * left);
        let mut out = diagram.clone();
        for frame in &mut out.frames {
            let offset = frame_offset(frame.frame_id);
            if offset != Vec2::ZERO {
                frame.rect = frame.rect.translate(offset);
                frame.header = frame.header.translate(offset);
                move_texts(&mut frame.texts, offset);
                frame.rows.iter_mut().for_each(|row| move_row(row, offset));
            }
        }
        for object in &mut out.objects {
            let offset = object_offset(object.id);
            if offset != Vec2::ZERO {
                object.rect = object.rect.translate(offset);
                object.header = object.header.translate(offset);
                move_texts(&mut object.texts, offset);
                object.badges.iter_mut().for_each(|badge| *badge = badge.translate(offset));
                object.rows.iter_mut().for_each(|row| move_row(row, offset));
                for more in &mut object.more {
                    more.rect = more.rect.translate(offset);
                    more.text.at += offset;
                }
            }
        }
        for arrow in &mut out.arrows {
            // The start moves with the row's box, the end with the target's.
            let start = match arrow.source {
                ArrowSource::Frame { frame, .. } => diagram.frames.get(frame).map(|f| frame_offset(f.frame_id)),
                ArrowSource::Object { object, .. } => diagram.objects.get(object).map(|o| object_offset(o.id)),
            }
            .unwrap_or(Vec2::ZERO);
            let end = object_offset(arrow.target);
            arrow.points[0] += start;
            arrow.points[1] += start;
            arrow.points[2] += end;
            arrow.points[3] += end;
        }
        out
    }
}

fn move_texts(texts: &mut [Text], offset: Vec2) {
    for text in texts {
        text.at += offset;
    }
}

fn move_row(row: &mut Row, offset: Vec2) {
    row.rect = row.rect.translate(offset);
    move_texts(&mut row.texts, offset);
    if let Some(dot) = &mut row.dot {
        *dot += offset;
    }
}

/// What is fading in at one moment, for the painter.
#[derive(Clone, Copy, Debug)]
pub struct Fade<'a> {
    objects: &'a HashSet<ObjId>,
    arrows: &'a HashSet<usize>,
    /// Of what fades in (everything else is opaque).
    pub opacity: f32,
}

impl Fade<'_> {
    pub fn object(&self, id: ObjId) -> f32 {
        if self.objects.contains(&id) { self.opacity } else { 1.0 }
    }

    /// By the arrow's index in the diagram.
    pub fn arrow(&self, index: usize) -> f32 {
        if self.arrows.contains(&index) { self.opacity } else { 1.0 }
    }
}

#[cfg(test)]
mod tests {
    use egui::{Pos2, Rect, pos2, vec2};

    use super::super::diagram::{Arrow, Change, FrameBox, ObjectBox};
    use super::*;

    fn object(id: ObjId, at: Pos2) -> ObjectBox {
        let rect = Rect::from_min_size(at, vec2(100.0, 60.0));
        ObjectBox {
            id,
            rect,
            header: Rect::from_min_size(at, vec2(100.0, 20.0)),
            texts: vec![Text {
                at: at + vec2(8.0, 10.0),
                text: "list".into(),
                role: super::super::diagram::TextRole::TypeName,
            }],
            badges: Vec::new(),
            rows: Vec::new(),
            more: Vec::new(),
            change: Change::None,
            label: format!("object {id}"),
            details: String::new(),
        }
    }

    fn frame(rows: Vec<(&str, ObjId)>) -> FrameBox {
        let at = pos2(20.0, 20.0);
        let rows = rows
            .into_iter()
            .enumerate()
            .map(|(index, (name, target))| Row {
                rect: Rect::from_min_size(at + vec2(0.0, 26.0 + 22.0 * index as f32), vec2(120.0, 22.0)),
                owner: RowOwner::Name { frame_id: 1, name: name.into() },
                target,
                texts: Vec::new(),
                dot: Some(at + vec2(110.0, 37.0 + 22.0 * index as f32)),
                changed: false,
                label: name.into(),
                details: String::new(),
            })
            .collect();
        FrameBox {
            frame_id: 1,
            rect: Rect::from_min_size(at, vec2(120.0, 100.0)),
            header: Rect::from_min_size(at, vec2(120.0, 26.0)),
            texts: Vec::new(),
            rows,
            is_new: false,
            label: "frame".into(),
        }
    }

    /// A frame whose rows point at `objects` (in order), each object where `objects` puts it.
    fn diagram(objects: &[(ObjId, Pos2)]) -> Diagram {
        let names = ["a", "b", "c"];
        let frame = frame(objects.iter().zip(names).map(|((id, _), name)| (name, *id)).collect());
        let arrows = objects
            .iter()
            .enumerate()
            .map(|(row, (id, at))| {
                let start = frame.rows[row].dot.unwrap_or_default();
                Arrow {
                    source: ArrowSource::Frame { frame: 0, row },
                    target: *id,
                    points: [start, start + vec2(30.0, 0.0), *at - vec2(30.0, 0.0), *at],
                }
            })
            .collect();
        Diagram {
            frames: vec![frame],
            objects: objects.iter().map(|(id, at)| object(*id, *at)).collect(),
            arrows,
            bounds: Rect::from_min_size(Pos2::ZERO, vec2(800.0, 600.0)),
            title: "test".into(),
        }
    }

    #[test]
    fn progress_eases_from_zero_to_one_and_stays_there() {
        assert_eq!(progress(0.0, 0.25), 0.0);
        let samples: Vec<f32> = (0..=10).map(|i| progress(f64::from(i) * 0.025, 0.25)).collect();
        assert!(samples.windows(2).all(|pair| pair[0] < pair[1]), "rises all the way: {samples:?}");
        assert!(samples[5] > 0.5, "ease out: past half way at half time ({})", samples[5]);
        assert_eq!(progress(0.25, 0.25), 1.0);
        assert_eq!(progress(10.0, 0.25), 1.0);
        assert_eq!(progress(-1.0, 0.25), 0.0, "a clock that went back starts at the start");
        assert_eq!(progress(0.0, 0.0), 1.0, "no duration: settled at once");
        assert_eq!(progress(f64::NAN, 0.25), 1.0);
    }

    #[test]
    fn a_moved_object_slides_from_its_old_place_to_its_new_one() {
        let old = diagram(&[(7, pos2(300.0, 40.0))]);
        let new = diagram(&[(7, pos2(300.0, 240.0))]);
        let motion = Motion::between(&old, None, &new, 10.0, 0.25).expect("the object moved");

        let at = |now: f64| motion.displaced(&new, motion.progress(now));
        let start = at(10.0);
        assert_eq!(start.objects[0].rect, old.objects[0].rect, "drawn where it was");
        assert_eq!(start.objects[0].texts[0].at, old.objects[0].texts[0].at, "its text moves with it");
        assert_eq!(start.arrows[0].points[3], old.arrows[0].points[3], "the arrow's end follows it");
        assert_eq!(start.arrows[0].points[0], new.arrows[0].points[0], "the frame did not move");

        let middle = at(10.1);
        let y = middle.objects[0].rect.min.y;
        assert!(40.0 < y && y < 240.0, "between the two places: {y}");
        assert_eq!(middle.objects[0].rect.size(), new.objects[0].rect.size());

        assert!(!motion.is_settled(10.2));
        assert!(motion.is_settled(10.25));
        assert_eq!(at(10.25), new, "settled: exactly the layout");
        assert_eq!(at(99.0), new);
    }

    #[test]
    fn new_objects_and_arrows_fade_in_while_old_ones_stay_opaque() {
        let old = diagram(&[(7, pos2(300.0, 40.0))]);
        let new = diagram(&[(7, pos2(300.0, 40.0)), (8, pos2(300.0, 140.0))]);
        let motion = Motion::between(&old, None, &new, 0.0, 0.25).expect("an object appeared");
        let fade = motion.fade(0.0);
        assert_eq!(fade.object(8), 0.0);
        assert_eq!(fade.object(7), 1.0);
        assert_eq!(fade.arrow(1), 0.0, "the arrow to the new object");
        assert_eq!(fade.arrow(0), 1.0);
        assert!(motion.fade(0.1).object(8) > 0.0 && motion.fade(0.1).object(8) < 1.0);
        assert_eq!(motion.fade(0.25).object(8), 1.0);
        assert_eq!(motion.displaced(&new, 0.0).objects, new.objects, "nothing moved");
    }

    #[test]
    fn nothing_changed_or_no_duration_means_no_motion() {
        let same = diagram(&[(7, pos2(300.0, 40.0))]);
        assert!(Motion::between(&same, None, &same, 0.0, 0.25).is_none());
        let moved = diagram(&[(7, pos2(300.0, 90.0))]);
        assert!(Motion::between(&same, None, &moved, 0.0, 0.0).is_none(), "reduced motion");
    }

    #[test]
    fn a_step_change_mid_motion_starts_from_where_things_are_drawn() {
        let first = diagram(&[(7, pos2(300.0, 0.0))]);
        let second = diagram(&[(7, pos2(300.0, 200.0))]);
        let third = diagram(&[(7, pos2(300.0, 400.0))]);
        let one = Motion::between(&first, None, &second, 0.0, 1.0).expect("moved");
        let drawn = one.displaced(&second, one.progress(0.2)).objects[0].rect.min.y;
        let two = Motion::between(&second, Some(&one), &third, 0.2, 1.0).expect("moved again");
        let start = two.displaced(&third, two.progress(0.2)).objects[0].rect.min.y;
        assert!((start - drawn).abs() < 0.01, "no jump: {drawn} then {start}");
        assert_eq!(two.displaced(&third, 1.0).objects[0].rect.min.y, 400.0);
    }
}
