//! The window's panes as egui_tiles: the learner drags tabs to rearrange them, closes them, and brings
//! them back from the View menu. The layout is saved with the settings (as JSON the store does not
//! look inside) and checked when it is read back, so a damaged layout falls back to the default.
//!
//! The workspace draws no pane itself: `PaneContents` (the app) draws each one.

use egui::accesskit::Role;
use egui::{Ui, UiBuilder, WidgetText};
use egui_tiles::{Container, SimplificationOptions, Tile, TileId, Tiles, Tree, UiResponse};
use serde_json::Value;

use super::Pane;
use super::commands::PaneSet;

/// Draws the content of one pane (the app's panels).
pub trait PaneContents {
    fn pane_ui(&mut self, ui: &mut Ui, pane: Pane);
}

/// Where each pane sits in the default layout; a closed pane comes back beside its old neighbours.
const GROUPS: [&[Pane]; 5] = [
    &[Pane::Lesson, Pane::Notes, Pane::Progress],
    &[Pane::Editor],
    &[Pane::Output, Pane::Bytecode],
    &[Pane::Heap],
    &[Pane::Stack, Pane::Modules, Pane::Internals, Pane::Threads],
];

/// The shape the layout is saved in: the tiles and a version, so a future layout format can tell.
const LAYOUT_VERSION: u64 = 2;

pub struct Workspace {
    tree: Tree<Pane>,
}

impl Default for Workspace {
    fn default() -> Self {
        Workspace { tree: default_tree() }
    }
}

impl Workspace {
    /// The saved layout, if it is one this version can use; else the default layout.
    pub fn from_saved(value: Option<&Value>) -> Self {
        let Some((tree, known)) = value.and_then(|value| Some((saved_tree(value)?, panes_known_to(value)))) else {
            return Workspace::default();
        };
        let mut workspace = Workspace { tree };
        // A pane this version has and the saved layout's version did not is new to the user, not
        // closed by them: it joins its neighbours.
        for pane in Pane::ALL {
            if !known.contains(&pane) && !workspace.contains(pane) {
                workspace.insert(pane);
            }
        }
        workspace
    }

    pub fn to_value(&self) -> Option<Value> {
        let tree = serde_json::to_value(&self.tree).ok()?;
        Some(serde_json::json!({ "version": LAYOUT_VERSION, "tree": tree, "panes": Pane::ALL }))
    }

    /// An empty workspace, to hold the place of the real one while it is borrowed for drawing.
    pub fn placeholder() -> Self {
        Workspace { tree: Tree::empty(egui::Id::unique("workspace")) }
    }

    pub fn reset(&mut self) {
        self.tree = default_tree();
    }

    pub fn contains(&self, pane: Pane) -> bool {
        self.tree.tiles.find_pane(&pane).is_some()
    }

    /// The panes in the layout now.
    pub fn shown(&self) -> PaneSet {
        let mut shown = PaneSet::default();
        Pane::ALL.into_iter().filter(|pane| self.contains(*pane)).for_each(|pane| shown.insert(pane));
        shown
    }

    /// Whether the pane is in the layout and its tab is the one showing.
    pub fn is_visible(&self, pane: Pane) -> bool {
        self.tree.tiles.find_pane(&pane).is_some_and(|tile| self.tree.is_visible(tile) && self.is_active(tile))
    }

    fn is_active(&self, tile: TileId) -> bool {
        let mut child = tile;
        while let Some(parent) = self.tree.tiles.parent_of(child) {
            if let Some(Tile::Container(Container::Tabs(tabs))) = self.tree.tiles.get(parent)
                && !tabs.is_active(child)
            {
                return false;
            }
            child = parent;
        }
        true
    }

    /// Brings `pane` forward, putting it back beside its neighbours if it was closed.
    pub fn show(&mut self, pane: Pane) {
        if !self.contains(pane) {
            self.insert(pane);
        }
        self.tree.make_active(|_, tile| matches!(tile, Tile::Pane(shown) if *shown == pane));
    }

    /// Takes `pane` out of the layout. The editor always stays.
    pub fn hide(&mut self, pane: Pane) {
        if pane == Pane::Editor {
            return;
        }
        if let Some(tile) = self.tree.tiles.find_pane(&pane) {
            self.tree.remove_recursively(tile);
        }
    }

    fn insert(&mut self, pane: Pane) {
        let new_tile = self.tree.tiles.insert_pane(pane);
        let neighbours = GROUPS.iter().find(|group| group.contains(&pane)).copied().unwrap_or_default();
        let home = neighbours
            .iter()
            .filter_map(|neighbour| self.tree.tiles.find_pane(neighbour))
            .find_map(|tile| self.tabs_holding(tile))
            .or_else(|| self.any_tabs());
        match home {
            Some(tabs) => {
                if let Some(Tile::Container(container)) = self.tree.tiles.get_mut(tabs) {
                    container.add_child(new_tile);
                }
            }
            None => {
                let children = self.tree.root().into_iter().chain([new_tile]).collect();
                let root = self.tree.tiles.insert_horizontal_tile(children);
                self.tree.root = Some(root);
            }
        }
    }

    /// The tabs container directly holding `tile`.
    fn tabs_holding(&self, tile: TileId) -> Option<TileId> {
        let parent = self.tree.tiles.parent_of(tile)?;
        matches!(self.tree.tiles.get(parent), Some(Tile::Container(Container::Tabs(_)))).then_some(parent)
    }

    fn any_tabs(&self) -> Option<TileId> {
        self.tree.tiles.iter().find(|(_, tile)| matches!(tile, Tile::Container(Container::Tabs(_)))).map(|(id, _)| *id)
    }

    /// Draws the tiles; says which panes the learner closed and whether the layout changed.
    pub fn ui(&mut self, ui: &mut Ui, contents: &mut dyn PaneContents) -> WorkspaceResponse {
        let mut behavior = Host { contents, closed: Vec::new(), edited: false };
        self.tree.ui(&mut behavior, ui);
        WorkspaceResponse { edited: behavior.edited || !behavior.closed.is_empty(), closed: behavior.closed }
    }
}

fn default_tree() -> Tree<Pane> {
    let mut tiles = Tiles::default();
    let tabs_of = |tiles: &mut Tiles<Pane>, panes: &[Pane]| {
        let children = panes.iter().map(|pane| tiles.insert_pane(*pane)).collect();
        tiles.insert_tab_tile(children)
    };
    let [lesson, editor, output, heap, stack] = GROUPS.map(|group| tabs_of(&mut tiles, group));
    let middle = tiles.insert_vertical_tile(vec![editor, output]);
    let right = tiles.insert_vertical_tile(vec![heap, stack]);
    let root = tiles.insert_horizontal_tile(vec![lesson, middle, right]);
    if let Some(Tile::Container(Container::Linear(linear))) = tiles.get_mut(root) {
        linear.shares.set_share(lesson, 0.27);
        linear.shares.set_share(middle, 0.33);
        linear.shares.set_share(right, 0.40);
    }
    if let Some(Tile::Container(Container::Linear(linear))) = tiles.get_mut(middle) {
        linear.shares.set_share(editor, 0.62);
        linear.shares.set_share(output, 0.38);
    }
    if let Some(Tile::Container(Container::Linear(linear))) = tiles.get_mut(right) {
        linear.shares.set_share(heap, 0.62);
        linear.shares.set_share(stack, 0.38);
    }
    Tree::new(egui::Id::unique("workspace"), root, tiles)
}

/// The panes the app that saved `value` had; layouts from before the list was saved predate the
/// Internals and Threads panes.
fn panes_known_to(value: &Value) -> Vec<Pane> {
    match value.get("panes").and_then(|panes| serde_json::from_value::<Vec<Value>>(panes.clone()).ok()) {
        // Names this version does not know (a newer app's panes) are skipped, not fatal.
        Some(names) => names.into_iter().filter_map(|name| serde_json::from_value(name).ok()).collect(),
        None => Pane::ALL.into_iter().filter(|pane| !matches!(pane, Pane::Internals | Pane::Threads)).collect(),
    }
}

/// A saved layout, if it is whole: the current version, a root, every pane at most once, the editor there.
fn saved_tree(value: &Value) -> Option<Tree<Pane>> {
    if value.get("version")?.as_u64()? != LAYOUT_VERSION {
        return None;
    }
    let tree: Tree<Pane> = serde_json::from_value(value.get("tree")?.clone()).ok()?;
    let root = tree.root()?;
    tree.tiles.get(root)?;
    let panes: Vec<Pane> =
        tree.tiles.tiles().filter_map(|tile| if let Tile::Pane(pane) = tile { Some(*pane) } else { None }).collect();
    let each_once = Pane::ALL.iter().all(|pane| panes.iter().filter(|p| *p == pane).count() <= 1);
    // Every child a container names must exist, or egui_tiles would draw holes.
    let children_exist = tree.tiles.tiles().all(|tile| match tile {
        Tile::Container(container) => container.children().all(|child| tree.tiles.get(*child).is_some()),
        Tile::Pane(_) => true,
    });
    (each_once && children_exist && panes.contains(&Pane::Editor)).then_some(tree)
}

/// What happened to the layout in one frame.
pub struct WorkspaceResponse {
    /// Panes closed with their tab's close button.
    pub closed: Vec<Pane>,
    /// Tabs were moved, panes resized or closed: the layout is worth saving.
    pub edited: bool,
}

struct Host<'a> {
    contents: &'a mut dyn PaneContents,
    closed: Vec<Pane>,
    edited: bool,
}

impl egui_tiles::Behavior<Pane> for Host<'_> {
    fn pane_ui(&mut self, ui: &mut Ui, _tile_id: TileId, pane: &mut Pane) -> UiResponse {
        let pane = *pane;
        let builder = UiBuilder::new().accessibility_label(pane.panel_label()).accessibility_role(Role::TabPanel);
        egui::Frame::new().inner_margin(super::theme::space::PANE_MARGIN).show(ui, |ui| {
            ui.scope_builder(builder, |ui| {
                ui.set_min_size(ui.available_size());
                self.contents.pane_ui(ui, pane);
            });
        });
        UiResponse::None
    }

    fn tab_title_for_pane(&mut self, pane: &Pane) -> WidgetText {
        pane.label().into()
    }

    fn is_tab_closable(&self, tiles: &Tiles<Pane>, tile_id: TileId) -> bool {
        !matches!(tiles.get(tile_id), Some(Tile::Pane(Pane::Editor)))
    }

    fn on_tab_close(&mut self, tiles: &mut Tiles<Pane>, tile_id: TileId) -> bool {
        if let Some(Tile::Pane(pane)) = tiles.get(tile_id) {
            self.closed.push(*pane);
        }
        true
    }

    fn on_edit(&mut self, _edit_action: egui_tiles::EditAction) {
        self.edited = true;
    }

    fn simplification_options(&self) -> SimplificationOptions {
        SimplificationOptions { all_panes_must_have_tabs: true, ..SimplificationOptions::default() }
    }

    fn tab_bar_height(&self, style: &egui::Style) -> f32 {
        style.spacing.interact_size.y + 6.0
    }

    fn gap_width(&self, _style: &egui::Style) -> f32 {
        super::theme::space::PANE_GAP
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_layout_holds_every_pane_once() {
        let workspace = Workspace::default();
        for pane in Pane::ALL {
            assert!(workspace.contains(pane), "{pane:?}");
        }
        assert!(workspace.is_visible(Pane::Editor));
        assert!(workspace.is_visible(Pane::Heap));
        assert!(!workspace.is_visible(Pane::Bytecode), "Bytecode starts behind Output");
    }

    #[test]
    fn a_closed_pane_comes_back_beside_its_neighbours() {
        let mut workspace = Workspace::default();
        workspace.hide(Pane::Modules);
        assert!(!workspace.contains(Pane::Modules));
        workspace.show(Pane::Modules);
        assert!(workspace.is_visible(Pane::Modules));
        let stack = workspace.tree.tiles.find_pane(&Pane::Stack).and_then(|tile| workspace.tabs_holding(tile));
        let modules = workspace.tree.tiles.find_pane(&Pane::Modules).and_then(|tile| workspace.tabs_holding(tile));
        assert_eq!(stack, modules);
        workspace.hide(Pane::Editor);
        assert!(workspace.contains(Pane::Editor), "the editor cannot be closed");
    }

    #[test]
    fn a_pane_comes_back_even_when_its_whole_group_was_closed() {
        let mut workspace = Workspace::default();
        for pane in [Pane::Lesson, Pane::Notes, Pane::Progress] {
            workspace.hide(pane);
        }
        workspace.show(Pane::Notes);
        assert!(workspace.is_visible(Pane::Notes));
    }

    #[test]
    fn layouts_round_trip_and_damage_falls_back_to_the_default() {
        let mut workspace = Workspace::default();
        workspace.hide(Pane::Progress);
        workspace.show(Pane::Bytecode);
        let saved = workspace.to_value().expect("serialises");
        let restored = Workspace::from_saved(Some(&saved));
        assert!(!restored.contains(Pane::Progress));
        assert!(restored.is_visible(Pane::Bytecode));

        let old_shape = serde_json::json!({"lesson_width": 300.0, "tab": "Notes"});
        assert!(Workspace::from_saved(Some(&old_shape)).contains(Pane::Progress));
        let mut damaged = saved.clone();
        damaged["tree"]["root"] = serde_json::json!(999_999);
        let fallback = Workspace::from_saved(Some(&damaged));
        assert!(fallback.contains(Pane::Progress), "a root that does not exist gives the default layout");
        assert!(Workspace::from_saved(Some(&serde_json::json!("nonsense"))).contains(Pane::Heap));
    }

    #[test]
    fn a_pane_new_since_the_layout_was_saved_joins_it_but_a_closed_one_stays_closed() {
        let mut workspace = Workspace::default();
        workspace.hide(Pane::Internals);
        workspace.hide(Pane::Progress);
        let mut before_internals = workspace.to_value().expect("serialises");
        before_internals.as_object_mut().expect("an object").remove("panes");
        let restored = Workspace::from_saved(Some(&before_internals));
        assert!(restored.contains(Pane::Internals), "new to that layout's app: shown");
        assert!(!restored.contains(Pane::Progress), "closed by the user: still closed");

        let saved_now = workspace.to_value().expect("serialises");
        assert!(!Workspace::from_saved(Some(&saved_now)).contains(Pane::Internals), "closed by the user");

        let mut from_a_newer_app = saved_now.clone();
        from_a_newer_app["panes"].as_array_mut().expect("a list").push(serde_json::json!("Timeline"));
        assert!(!Workspace::from_saved(Some(&from_a_newer_app)).contains(Pane::Internals));
    }
}
