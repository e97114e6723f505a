//! Identity: which of CPython's sharing tricks an object is part of (the small-int cache, interned
//! strings, immortal objects, code constants), and its refcount explained by the references the
//! snapshot can see: names in frames, slots of containers, attributes, the value being returned.

use egui::{RichText, Ui};

use crate::trace::{HeapObject, Key, ObjFlags, ObjId, ObjKind, Snapshot};
use crate::ui::model::ShortIds;
use crate::ui::theme::{Palette, internals as size};

/// One yes/no fact about the object, with what it means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Badge {
    /// "small int", "interned", ...
    pub title: &'static str,
    /// One line a learner can act on.
    pub explanation: String,
}

/// The badges of an object, in a fixed order. `repr` names the value in the explanations.
pub fn badges(object: &HeapObject, repr: &str) -> Vec<Badge> {
    let flags = object.flags;
    let mut badges = Vec::new();
    if flags.contains(ObjFlags::SMALL_INT) {
        badges.push(Badge {
            title: "small int",
            explanation: format!(
                "One of CPython's cached small ints (-5 to 256), made when the interpreter starts: every {repr} in \
                 the program is this very object, so `is` between two of them is True."
            ),
        });
    }
    if flags.contains(ObjFlags::INTERNED) {
        badges.push(Badge {
            title: "interned",
            explanation: format!(
                "An interned string: CPython keeps one copy of {repr} in its intern table and hands out that copy \
                 for every equal interned string (names, and literals that look like names)."
            ),
        });
    }
    if flags.contains(ObjFlags::IMMORTAL) {
        badges.push(Badge {
            title: "immortal",
            explanation: "Immortal (Python 3.12+): never freed, and its refcount is pinned at a huge constant \
                          that references no longer change, so the count says nothing about who uses it."
                .to_owned(),
        });
    }
    if flags.contains(ObjFlags::CODE_CONSTANT) {
        badges.push(Badge {
            title: "code constant",
            explanation: "A constant of your code (in its code object's co_consts): every time that line runs it \
                          uses this same object instead of making a new one."
                .to_owned(),
        });
    }
    badges
}

/// The short words drawn on a heap box for its flags (the Internals pane explains them).
pub fn flag_words(flags: ObjFlags) -> Vec<&'static str> {
    [
        (ObjFlags::SMALL_INT, "small int"),
        (ObjFlags::INTERNED, "interned"),
        (ObjFlags::IMMORTAL, "immortal"),
        (ObjFlags::CODE_CONSTANT, "const"),
    ]
    .into_iter()
    .filter(|(flag, _)| flags.contains(*flag))
    .map(|(_, word)| word)
    .collect()
}

/// Something the snapshot shows holding a reference to the object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Referrer {
    /// "x in f", "[2] of list #0432", "key of dict #0990".
    pub text: String,
}

/// Every reference to `target` the snapshot can see: each name in each frame, each slot, key and
/// attribute of each recorded object, and a value being returned. One entry per reference, so a
/// list holding the object twice counts twice, as the refcount does.
pub fn referrers(snapshot: &Snapshot, target: ObjId, short_ids: &ShortIds) -> Vec<Referrer> {
    let mut found = Vec::new();
    for (depth, frame) in snapshot.stack.iter().enumerate() {
        // The same function twice on the stack (recursion) needs telling apart.
        let twice = snapshot.stack.iter().filter(|other| other.function == frame.function).count() > 1;
        for binding in frame.locals.iter().filter(|binding| binding.id == target) {
            let text = if twice {
                format!("{} in {} (frame {})", binding.name, frame.function, depth + 1)
            } else {
                format!("{} in {}", binding.name, frame.function)
            };
            found.push(Referrer { text });
        }
    }
    if snapshot.return_value == Some(target)
        && let Some(frame) = snapshot.stack.last()
    {
        found.push(Referrer { text: format!("the value {} is returning", frame.function) });
    }
    let mut holders: Vec<(&ObjId, &HeapObject)> = snapshot.heap.iter().collect();
    // The heap is a hash map: list holders in a stable order.
    holders.sort_unstable_by_key(|(id, _)| **id);
    for (holder_id, holder) in holders {
        let holder_name = format!("{} {}", holder.type_name, short_ids.label(*holder_id));
        for (index, child) in holder.children.iter().enumerate() {
            if let Key::Object(key) = child.key
                && key == target
            {
                found.push(Referrer { text: format!("a key of {holder_name}") });
            }
            if child.id != target {
                continue;
            }
            let place = match &child.key {
                Key::Index if matches!(holder.kind, ObjKind::Set | ObjKind::FrozenSet) => "an item".to_owned(),
                Key::Index => format!("[{index}]"),
                Key::Name(name) if holder.kind == ObjKind::Function => format!("closure cell {name}"),
                Key::Name(_) if holder.kind == ObjKind::Cell => "the contents".to_owned(),
                Key::Name(name) => format!(".{name}"),
                Key::Object(key) => format!("[{}]", snapshot.repr_of(*key, size::KEY_CHARS)),
            };
            found.push(Referrer { text: format!("{place} of {holder_name}") });
        }
    }
    found
}

/// A refcount at least this big is no count: Python 3.11 starts its statically allocated objects
/// (the cached small ints among them) near 1,000,000,000, and 3.12+ pins immortal ones higher still.
const MARKER_REFCOUNT: u64 = 100_000_000;

/// "refcount 5: 3 visible referrers" and what the rest are.
pub fn refcount_summary(object: &HeapObject, visible: usize) -> (String, Option<String>) {
    let plural = |n: u64, one: &str, many: &str| if n == 1 { one.to_owned() } else { many.to_owned() };
    let visible = visible as u64;
    let head = format!("refcount {}: {visible} visible {}", object.refcount, plural(visible, "referrer", "referrers"));
    if object.flags.contains(ObjFlags::IMMORTAL) {
        return (head, Some("an immortal object's refcount is a fixed marker, not a count".to_owned()));
    }
    if object.refcount >= MARKER_REFCOUNT {
        let text = "CPython made this object before your program ran and started its refcount near a billion, so \
                    the number is a marker, not a count";
        return (head, Some(text.to_owned()));
    }
    let rest = match object.refcount.checked_sub(visible) {
        Some(0) => None,
        Some(hidden) => Some(format!(
            "{hidden} {} the diagram does not show (the interpreter's own, other modules, objects it did not record)",
            plural(hidden, "reference", "references")
        )),
        // A reference the snapshot lists but the count had already dropped (taken a moment apart).
        None => Some("the snapshot lists more references than the count: it was taken a moment earlier".to_owned()),
    };
    (head, rest)
}

/// Draws the badges and the referrers of `object` (`referrers` already found).
pub fn show(ui: &mut Ui, palette: &Palette, badges: &[Badge], object: &HeapObject, referrers: &[Referrer]) {
    if !badges.is_empty() {
        ui.label(RichText::new("Identity").strong());
        for badge in badges {
            ui.horizontal_wrapped(|ui| {
                let chip = egui::Frame::new()
                    .fill(palette.selection_bg)
                    .corner_radius(size::CHIP_CORNER)
                    .inner_margin(size::CHIP_MARGIN);
                chip.show(ui, |ui| {
                    ui.label(RichText::new(badge.title).color(palette.name).strong()).on_hover_text(&badge.explanation);
                });
                ui.label(RichText::new(&badge.explanation).color(palette.weak));
            });
        }
        ui.add_space(size::GAP);
    }
    let (head, rest) = refcount_summary(object, referrers.len());
    ui.label(RichText::new(head).strong());
    for referrer in referrers {
        ui.label(RichText::new(format!("• {}", referrer.text)).color(palette.name));
    }
    if let Some(rest) = rest {
        ui.label(RichText::new(rest).color(palette.weak));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::{Binding, Child, Frame, FrameKind};

    fn object(kind: ObjKind, type_name: &str, children: Vec<Child>) -> HeapObject {
        HeapObject { type_name: type_name.into(), kind, refcount: 1, children, ..Default::default() }
    }

    fn frame(function: &str, frame_id: u64, locals: &[(&str, ObjId)]) -> Frame {
        Frame {
            frame_id,
            function: function.into(),
            kind: FrameKind::Function,
            code: 0,
            line: 1,
            locals: locals.iter().map(|(name, id)| Binding { name: (*name).into(), id: *id }).collect(),
        }
    }

    #[test]
    fn every_visible_reference_is_listed_once_per_reference() {
        let mut snapshot = Snapshot::default();
        let seven = 7;
        let mut int = object(ObjKind::Leaf, "int", vec![]);
        int.repr = "7".into();
        snapshot.heap.insert(seven, int);
        let key = 8;
        let mut key_object = object(ObjKind::Leaf, "str", vec![]);
        key_object.repr = "'a'".into();
        snapshot.heap.insert(key, key_object);
        let index = |id| Child { key: Key::Index, id };
        snapshot.heap.insert(100, object(ObjKind::List, "list", vec![index(seven), index(1), index(seven)]));
        snapshot.heap.insert(101, object(ObjKind::Dict, "dict", vec![Child { key: Key::Object(key), id: seven }]));
        snapshot
            .heap
            .insert(102, object(ObjKind::Instance, "Point", vec![Child { key: Key::Name("x".into()), id: seven }]));
        snapshot.heap.insert(103, object(ObjKind::Dict, "dict", vec![Child { key: Key::Object(seven), id: key }]));
        snapshot.stack = vec![frame("<module>", 1, &[("a", seven), ("b", 100)]), frame("f", 2, &[("n", seven)])];

        let texts: Vec<String> =
            referrers(&snapshot, seven, &ShortIds::default()).into_iter().map(|r| r.text).collect();
        assert_eq!(
            texts,
            [
                "a in <module>",
                "n in f",
                "[0] of list #0100",
                "[2] of list #0100",
                "['a'] of dict #0101",
                ".x of Point #0102",
                "a key of dict #0103",
            ]
        );
    }

    #[test]
    fn recursion_tells_frames_apart_and_returns_count() {
        let mut snapshot = Snapshot::default();
        snapshot.heap.insert(5, object(ObjKind::Leaf, "int", vec![]));
        snapshot.stack = vec![frame("fact", 1, &[("n", 5)]), frame("fact", 2, &[("n", 5)])];
        snapshot.return_value = Some(5);
        let texts: Vec<String> = referrers(&snapshot, 5, &ShortIds::default()).into_iter().map(|r| r.text).collect();
        assert_eq!(texts, ["n in fact (frame 1)", "n in fact (frame 2)", "the value fact is returning"]);
    }

    #[test]
    fn the_summary_accounts_for_what_is_not_shown() {
        let mut int = object(ObjKind::Leaf, "int", vec![]);
        int.refcount = 5;
        let (head, rest) = refcount_summary(&int, 2);
        assert_eq!(head, "refcount 5: 2 visible referrers");
        assert!(rest.is_some_and(|rest| rest.starts_with("3 references the diagram does not show")));
        int.refcount = 1;
        assert_eq!(refcount_summary(&int, 1), ("refcount 1: 1 visible referrer".to_owned(), None));
        int.flags = ObjFlags::IMMORTAL;
        int.refcount = 4_294_967_295;
        let (_, rest) = refcount_summary(&int, 1);
        assert!(rest.is_some_and(|rest| rest.contains("fixed marker")));
        // 3.11's static small ints are not flagged immortal, but their count starts near a billion.
        int.flags = ObjFlags::SMALL_INT;
        int.refcount = 1_000_000_032;
        let (_, rest) = refcount_summary(&int, 2);
        assert!(rest.is_some_and(|rest| rest.ends_with("a marker, not a count")));
    }

    #[test]
    fn badges_follow_the_flags() {
        let mut int = object(ObjKind::Leaf, "int", vec![]);
        assert!(badges(&int, "7").is_empty());
        int.flags = ObjFlags::SMALL_INT.with(ObjFlags::IMMORTAL);
        let titles: Vec<&str> = badges(&int, "7").iter().map(|b| b.title).collect();
        assert_eq!(titles, ["small int", "immortal"]);
        assert!(badges(&int, "7")[0].explanation.contains("every 7 in the program is this very object"));
        assert_eq!(flag_words(ObjFlags::INTERNED.with(ObjFlags::CODE_CONSTANT)), ["interned", "const"]);
    }
}
