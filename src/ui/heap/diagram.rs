//! The heap diagram as plain data: boxes, rows, texts and arrows with their coordinates (points at
//! zoom 1). The layout step makes it; the screen, the SVG writer and the PNG export only draw it,
//! so all three show the same thing. Positions are data, so a later view can animate them.

use egui::{Pos2, Rect};

use crate::trace::ObjId;

#[derive(Clone, Debug, PartialEq)]
pub struct Diagram {
    /// Outermost first, top to bottom on the left.
    pub frames: Vec<FrameBox>,
    pub objects: Vec<ObjectBox>,
    pub arrows: Vec<Arrow>,
    /// Everything, with a margin.
    pub bounds: Rect,
    /// "step 4 · line 3" (the SVG's title).
    pub title: String,
}

/// What a piece of text is, which decides its colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextRole {
    /// A frame's function.
    Function,
    /// A local name.
    Name,
    /// An index, dict key or attribute name.
    Key,
    /// A primitive drawn in its slot, or an object's own value.
    Value,
    TypeName,
    ShortId,
    /// Refcount and size.
    Badge,
    /// "+3 more", "empty", notes.
    Note,
}

/// One line of text, placed by its left end and its vertical centre.
#[derive(Clone, Debug, PartialEq)]
pub struct Text {
    pub at: Pos2,
    pub text: String,
    pub role: TextRole,
}

/// What a row belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RowOwner {
    /// A local name in a frame.
    Name { frame_id: u64, name: String },
    /// The value a frame is returning (on return steps).
    Return { frame_id: u64 },
    /// The `index`th child of a container, instance, function or cell.
    Slot { object: ObjId, index: usize },
}

/// A name or a slot: a key, and either the value drawn inline or a dot an arrow leaves from.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub rect: Rect,
    pub owner: RowOwner,
    /// The object the row refers to (inline primitives too).
    pub target: ObjId,
    pub texts: Vec<Text>,
    /// Where the arrow starts, when the target has a box of its own.
    pub dot: Option<Pos2>,
    /// Bound (or rebound) at this step.
    pub changed: bool,
    /// "numbers → list #1234", "[0] → int #5678 = 1": the accessible name and the export's tooltip.
    pub label: String,
    /// The target's full `id()` and repr (and a dict key's), for hovering and the export.
    pub details: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FrameBox {
    pub frame_id: u64,
    pub rect: Rect,
    pub header: Rect,
    pub texts: Vec<Text>,
    pub rows: Vec<Row>,
    /// Called at this step.
    pub is_new: bool,
    /// "frame f, line 3: 2 names".
    pub label: String,
}

/// How an object took part in this step.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Change {
    #[default]
    None,
    /// Made (or first reached) at this step.
    New,
    /// Its value or contents changed at this step.
    Updated,
}

/// What the last row of a cut container offers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MoreAction {
    /// Recorded slots are hidden: clicking shows them.
    Expand,
    /// All slots are shown: clicking goes back to the first few.
    Collapse,
    /// The engine counted more children than it recorded (the container-size limit in Settings).
    NotRecorded,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MoreRow {
    pub rect: Rect,
    pub text: Text,
    pub action: MoreAction,
    pub label: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ObjectBox {
    pub id: ObjId,
    pub rect: Rect,
    pub header: Rect,
    /// Type, short id, value line and badges.
    pub texts: Vec<Text>,
    /// Refcount and size badges (empty when they are switched off).
    pub badges: Vec<Rect>,
    pub rows: Vec<Row>,
    /// "+N more" rows (expand or collapse, and slots never recorded).
    pub more: Vec<MoreRow>,
    pub change: Change,
    /// "list #1234 [1, 2, 3]".
    pub label: String,
    /// The full `id()` and repr, for hovering.
    pub details: String,
}

/// Which row an arrow leaves from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArrowSource {
    Frame { frame: usize, row: usize },
    Object { object: usize, row: usize },
}

/// A cubic Bézier from a row's dot to the edge of its target's box.
#[derive(Clone, Debug, PartialEq)]
pub struct Arrow {
    pub source: ArrowSource,
    pub target: ObjId,
    /// Start, two control points, end (the end lies on the target box's border).
    pub points: [Pos2; 4],
}

impl Diagram {
    pub fn object(&self, id: ObjId) -> Option<&ObjectBox> {
        self.objects.iter().find(|object| object.id == id)
    }

    pub fn frame(&self, frame_id: u64) -> Option<&FrameBox> {
        self.frames.iter().find(|frame| frame.frame_id == frame_id)
    }

    pub fn source_row(&self, source: ArrowSource) -> Option<&Row> {
        match source {
            ArrowSource::Frame { frame, row } => self.frames.get(frame)?.rows.get(row),
            ArrowSource::Object { object, row } => self.objects.get(object)?.rows.get(row),
        }
    }

    /// Every row, frames' first.
    pub fn rows(&self) -> impl Iterator<Item = &Row> {
        self.frames.iter().flat_map(|frame| &frame.rows).chain(self.objects.iter().flat_map(|object| &object.rows))
    }

    /// Every piece of text drawn.
    pub fn texts(&self) -> impl Iterator<Item = &Text> {
        let frames =
            self.frames.iter().flat_map(|frame| frame.texts.iter().chain(frame.rows.iter().flat_map(|r| &r.texts)));
        let objects = self.objects.iter().flat_map(|object| {
            object
                .texts
                .iter()
                .chain(object.rows.iter().flat_map(|r| &r.texts))
                .chain(object.more.iter().map(|more| &more.text))
        });
        frames.chain(objects)
    }
}
