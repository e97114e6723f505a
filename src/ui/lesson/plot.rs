//! Charts for examples with `plot=line` or `plot=scatter`: their output lines `PLOT <series> <x> <y>`,
//! parsed once when the run ends and drawn with egui_plot under the example.

use egui::Ui;
use egui_plot::{Legend, Line, Plot, PlotPoints, Points};

use crate::lessons::PlotKind;
use crate::ui::theme::space;

/// Points beyond this many (over all series) are left out of the chart.
const MAX_POINTS: usize = 10_000;

/// The series of one example's last run, in the order they first appeared.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PlotData {
    pub series: Vec<(String, Vec<[f64; 2]>)>,
}

impl PlotData {
    /// Reads `PLOT <series> <x> <y>` lines of `stdout`; other lines and malformed ones are skipped.
    pub fn parse(stdout: &str) -> PlotData {
        let mut data = PlotData::default();
        let mut points = 0;
        for line in stdout.lines() {
            let mut words = line.split_whitespace();
            if words.next() != Some("PLOT") {
                continue;
            }
            let (Some(name), Some(x), Some(y), None) = (words.next(), words.next(), words.next(), words.next()) else {
                continue;
            };
            let (Ok(x), Ok(y)) = (x.parse::<f64>(), y.parse::<f64>()) else { continue };
            if !x.is_finite() || !y.is_finite() || points >= MAX_POINTS {
                continue;
            }
            points += 1;
            match data.series.iter_mut().find(|(series, _)| series == name) {
                Some((_, series)) => series.push([x, y]),
                None => data.series.push((name.to_owned(), vec![[x, y]])),
            }
        }
        data
    }

    pub fn is_empty(&self) -> bool {
        self.series.is_empty()
    }
}

/// Draws the chart; scrolling over it scrolls the lesson, so zoom and drag are off.
pub fn show(ui: &mut Ui, id: egui::Id, kind: PlotKind, data: &PlotData) {
    Plot::new(id)
        .height(space::LESSON_PLOT_HEIGHT)
        .legend(Legend::default())
        .allow_scroll(false)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_boxed_zoom(false)
        .show(ui, |plot| {
            for (name, points) in &data.series {
                let series = PlotPoints::from(points.clone());
                match kind {
                    PlotKind::Line => plot.line(Line::new(name.clone(), series)),
                    PlotKind::Scatter => plot.points(Points::new(name.clone(), series).radius(3.0)),
                }
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plot_lines_become_series_and_the_rest_is_ignored() {
        let data = PlotData::parse(
            "PLOT list 10 0.5\n10 items: ...\nPLOT set 10 0.1\nPLOT list 100 5\nPLOT x y z\nPLOT a 1\n",
        );
        assert_eq!(
            data.series,
            vec![("list".to_owned(), vec![[10.0, 0.5], [100.0, 5.0]]), ("set".to_owned(), vec![[10.0, 0.1]])]
        );
        assert!(PlotData::parse("no plot here\nPLOT n nan 1\n").is_empty());
    }
}
