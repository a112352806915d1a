//! PNG and SVG line charts from plain data (plotters). The font is embedded (DejaVu Sans, under
//! `assets/fonts/`, with its licence), so charts render the same on a machine without any
//! system font packages.

use std::path::Path;

use plotters::prelude::*;
use plotters::style::FontStyle;

/// One line of a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
}

/// A labelled point drawn over the lines (the current size, a break-even, …).
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    pub label: String,
    pub x: f64,
    pub y: f64,
}

/// A line chart, independent of any backend.
#[derive(Debug, Clone, PartialEq)]
pub struct LineChart {
    pub title: String,
    pub x_label: String,
    /// The x axis counts whole things (environments): only whole ticks are labelled.
    pub x_whole: bool,
    pub y_label: String,
    pub series: Vec<Series>,
    pub markers: Vec<Marker>,
    /// Points of a series further apart on x than this are not joined: the buckets between
    /// them held nothing (a `bin()` series), and a line would show values no record had.
    pub x_gap: Option<f64>,
}

/// Series past this many share colours (plotters' palette has 20).
pub const COLOURS: usize = 20;
/// Series past this many are left out of the legend, which would otherwise run off the chart
/// (its box is as tall as the plot area: about 26 names fit; at 30 the last fell below the
/// frame without their swatch, seventh-round verification).
pub const LEGEND_SERIES: usize = 24;

impl LineChart {
    /// The note a chart of more series than [`COLOURS`] needs, naming how to narrow them down.
    pub fn legend_note(&self, narrow: &str) -> Option<String> {
        let n = self.series.len();
        (n > COLOURS).then(|| {
            format!(
                "{n} lines: colours repeat past the first {COLOURS}{} ({narrow})",
                if n > LEGEND_SERIES {
                    format!(", and the legend names the first {LEGEND_SERIES}")
                } else {
                    String::new()
                }
            )
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    #[error("{path}: the output must end in .png or .svg")]
    Extension { path: String },
    #[error("nothing to plot: {0}")]
    Empty(String),
    #[error("{path}: {message}")]
    Render { path: String, message: String },
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

const FONT: &str = "faascope-sans";
const DEJAVU_SANS: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const WIDTH: u32 = 1000;
const HEIGHT: u32 = 600;

fn register_font() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // The bytes are a valid TrueType font compiled in; a failure would show as missing
        // text, which the tests would catch (they check the SVG's text).
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, DEJAVU_SANS);
    });
}

fn bounds(chart: &LineChart) -> Option<((f64, f64), (f64, f64))> {
    let pts = chart
        .series
        .iter()
        .flat_map(|s| s.points.iter().copied())
        .chain(chart.markers.iter().map(|m| (m.x, m.y)))
        .filter(|(x, y)| x.is_finite() && y.is_finite());
    let mut b: Option<((f64, f64), (f64, f64))> = None;
    for (x, y) in pts {
        b = Some(match b {
            None => ((x, x), (y, y)),
            Some(((x0, x1), (y0, y1))) => ((x0.min(x), x1.max(x)), (y0.min(y), y1.max(y))),
        });
    }
    b.map(|((x0, x1), (y0, y1))| {
        let pad = |a: f64, b: f64| {
            if b > a {
                (b - a) * 0.05
            } else {
                a.abs().max(1.0) * 0.1
            }
        };
        let (px, py) = (pad(x0, x1), pad(y0, y1));
        (
            (x0 - px, x1 + px),
            ((y0 - py).min(0.0).max(y0 - py), y1 + py),
        )
    })
}

/// An axis label on an axis from `lo` to `hi` (about ten ticks): whole numbers without a
/// decimal point (`2` environments, not `2.0`), others with as many decimals as tell its
/// ticks apart (no trailing zeros), and an exponent for values past what fixed digits fit in the label area
/// (seventh-round review: with three decimals, ticks of $0.0015 read `0.002` beside $0.002,
/// values of 5e-7 all read `0`, and 1e12 ran off the image).
fn tick_in(v: f64, lo: f64, hi: f64) -> String {
    let span = (hi - lo).abs();
    let step = if span > 0.0 && span.is_finite() {
        span / 10.0
    } else {
        1.0
    };
    let magnitude = lo.abs().max(hi.abs());
    if magnitude >= 1e7 || (magnitude > 0.0 && magnitude < 1e-3) {
        // Significant digits enough for the step at this magnitude.
        let digits = (magnitude / step).log10().ceil().clamp(1.0, 9.0) as usize;
        if v.abs() < step * 1e-6 {
            return "0".into();
        }
        return format!("{v:.digits$e}");
    }
    // Two more than the step needs, trimmed: a tick between the tenths of the span (plotters
    // may place them finer) keeps its digits, float noise does not.
    let decimals = (-step.log10()).ceil().clamp(0.0, 9.0) as usize + 2;
    let t = format!("{v:.decimals$}");
    let t = if t.contains('.') {
        t.trim_end_matches('0').trim_end_matches('.')
    } else {
        &t
    };
    // -0 reads 0.
    if t == "-0" {
        "0".into()
    } else {
        t.to_string()
    }
}

fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, plotters::coord::Shift>,
    chart: &LineChart,
) -> Result<(), String>
where
    DB::ErrorType: 'static,
{
    let ((x0, x1), (y0, y1)) = bounds(chart).ok_or("no finite points")?;
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let mut c = ChartBuilder::on(&root)
        .caption(&chart.title, (FONT, 24))
        .margin(20)
        .x_label_area_size(50)
        .y_label_area_size(80)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(|e| e.to_string())?;
    c.configure_mesh()
        .x_label_formatter(&|x| {
            if chart.x_whole && (x - x.round()).abs() > 1e-9 {
                String::new()
            } else {
                tick_in(*x, x0, x1)
            }
        })
        .y_label_formatter(&|y| tick_in(*y, y0, y1))
        .x_desc(chart.x_label.as_str())
        .y_desc(chart.y_label.as_str())
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 16))
        .draw()
        .map_err(|e| e.to_string())?;
    for (i, s) in chart.series.iter().enumerate() {
        let color = Palette99::pick(i).to_rgba();
        for (k, run) in runs(&s.points, chart.x_gap).into_iter().enumerate() {
            let drawn = c
                .draw_series(LineSeries::new(run.iter().copied(), color.stroke_width(2)))
                .map_err(|e| e.to_string())?;
            if k == 0 && i < LEGEND_SERIES {
                drawn.label(s.name.as_str()).legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
                });
            }
        }
        c.draw_series(
            s.points
                .iter()
                .map(|&(x, y)| Circle::new((x, y), 3, color.filled())),
        )
        .map_err(|e| e.to_string())?;
    }
    // Marker labels are placed in pixels beside their points, each where it covers no other
    // label and no marker (last-round review: "now" and "recommended" of a function at nearby
    // sizes were drawn over each other).
    let font = (FONT, 14).into_font().color(&BLACK);
    let mut anchors = Vec::new();
    let mut sizes = Vec::new();
    for m in &chart.markers {
        c.draw_series(std::iter::once(Circle::new(
            (m.x, m.y),
            6,
            BLACK.stroke_width(2),
        )))
        .map_err(|e| e.to_string())?;
        anchors.push(c.backend_coord(&(m.x, m.y)));
        let (w, h) = root
            .estimate_text_size(&m.label, &font)
            .map_err(|e| e.to_string())?;
        sizes.push((
            i32::try_from(w).unwrap_or(i32::MAX),
            i32::try_from(h).unwrap_or(i32::MAX),
        ));
    }
    let (xs, ys) = c.plotting_area().get_pixel_range();
    let bounds = Rect {
        x0: xs.start,
        y0: ys.start,
        x1: xs.end,
        y1: ys.end,
    };
    let placed = place_labels(&anchors, &sizes, bounds);
    for (i, m) in chart.markers.iter().enumerate() {
        let (label_at, beside) = placed[i];
        let (w, h) = sizes[i];
        if !beside {
            // Set apart from its point: a thin line joins them.
            let label = Rect {
                x0: label_at.0,
                y0: label_at.1,
                x1: label_at.0 + w,
                y1: label_at.1 + h,
            };
            let to = label.nearest_to(anchors[i]);
            root.draw(&PathElement::new(
                vec![anchors[i], to],
                BLACK.mix(0.5).stroke_width(1),
            ))
            .map_err(|e| e.to_string())?;
        }
        root.draw(&Text::new(m.label.clone(), label_at, font.clone()))
            .map_err(|e| e.to_string())?;
    }
    c.configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .label_font((FONT, 14))
        .draw()
        .map_err(|e| e.to_string())?;
    root.present().map_err(|e| e.to_string())?;
    Ok(())
}

/// A box in pixels, `x1`/`y1` past its last pixel.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Rect {
    x0: i32,
    y0: i32,
    x1: i32,
    y1: i32,
}

impl Rect {
    #[cfg(test)]
    fn overlaps(&self, o: &Rect) -> bool {
        self.overlap_area(o) > 0
    }

    /// The pixels the two boxes share.
    fn overlap_area(&self, o: &Rect) -> i64 {
        let w = (self.x1.min(o.x1) - self.x0.max(o.x0)).max(0);
        let h = (self.y1.min(o.y1) - self.y0.max(o.y0)).max(0);
        i64::from(w) * i64::from(h)
    }

    fn within(&self, o: &Rect) -> bool {
        self.x0 >= o.x0 && self.y0 >= o.y0 && self.x1 <= o.x1 && self.y1 <= o.y1
    }

    /// The point of the box nearest to `p`.
    fn nearest_to(&self, p: (i32, i32)) -> (i32, i32) {
        (p.0.clamp(self.x0, self.x1), p.1.clamp(self.y0, self.y1))
    }
}

/// Where to draw each marker's label (its top-left pixel), given the markers' pixels
/// (`anchors`), the labels' sizes and the plot area: of the places inside the plot area that
/// cover no label placed before and no marker, the nearest to the point: beside it (right
/// above, right below, left above, left below) when free, else further up or down, or
/// further out to either side. `true` with a place beside its point; `false` when set apart (a line
/// then joins them). With no free place at all, the place that covers the least of the others.
/// Written here: plotters places text only at a given coordinate.
fn place_labels(
    anchors: &[(i32, i32)],
    sizes: &[(i32, i32)],
    area: Rect,
) -> Vec<((i32, i32), bool)> {
    const GAP: i32 = 8;
    let boxed = |(x, y): (i32, i32), (w, h): (i32, i32)| Rect {
        x0: x,
        y0: y,
        x1: x + w,
        y1: y + h,
    };
    // The marker circles (radius 6, stroke 2), as boxes a label must not cover.
    let circles: Vec<Rect> = anchors
        .iter()
        .map(|&(x, y)| Rect {
            x0: x - 8,
            y0: y - 8,
            x1: x + 9,
            y1: y + 9,
        })
        .collect();
    let mut placed: Vec<Rect> = Vec::new();
    let mut out = Vec::new();
    for (&(ax, ay), &(w, h)) in anchors.iter().zip(sizes) {
        let step = h + 4;
        let rows = (area.y1 - area.y0) / step.max(1) + 1;
        // (place, beside its point), nearest first.
        let mut candidates: Vec<((i32, i32), bool)> = Vec::new();
        // Columns a quarter of the label's width apart, out to the area's edges.
        let shift = (w / 4).max(GAP);
        let columns = (area.x1 - area.x0) / shift + 1;
        for col in 0..columns {
            let right = ax + GAP + col * shift;
            let left = ax - GAP - w - col * shift;
            for k in 0..rows {
                for x in [right, left] {
                    candidates.push(((x, ay - GAP - h - k * step), col == 0 && k == 0));
                    candidates.push(((x, ay + GAP + k * step), col == 0 && k == 0));
                }
            }
        }
        let distance = |&((x, y), _): &((i32, i32), bool)| {
            let (nx, ny) = boxed((x, y), (w, h)).nearest_to((ax, ay));
            i64::from(nx - ax).pow(2) + i64::from(ny - ay).pow(2)
        };
        // Stable: of places as near, the order above (beside first, right before left).
        candidates.sort_by_key(distance);
        candidates.retain(|&(at, _)| boxed(at, (w, h)).within(&area));
        let covered = |&(at, _): &((i32, i32), bool)| -> i64 {
            let r = boxed(at, (w, h));
            placed
                .iter()
                .chain(&circles)
                .map(|o| r.overlap_area(o))
                .sum()
        };
        let chosen = candidates
            .iter()
            .copied()
            .find(|c| covered(c) == 0)
            .or_else(|| candidates.iter().copied().min_by_key(covered))
            .unwrap_or_else(|| {
                // A label larger than the plot area: beside the point, as far inside as it goes.
                let x = (ax + GAP).min(area.x1 - w).max(area.x0);
                let y = (ay - GAP - h).min(area.y1 - h).max(area.y0);
                ((x, y), true)
            });
        placed.push(boxed(chosen.0, (w, h)));
        out.push(chosen);
    }
    out
}

/// The runs of `points` (sorted by x) to join with a line: split where two are further apart
/// than `gap`.
fn runs(points: &[(f64, f64)], gap: Option<f64>) -> Vec<&[(f64, f64)]> {
    let Some(gap) = gap else {
        return vec![points];
    };
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..points.len() {
        if points[i].0 - points[i - 1].0 > gap {
            out.push(&points[start..i]);
            start = i;
        }
    }
    out.push(&points[start..]);
    out
}

/// The chart as an SVG document.
pub fn to_svg(chart: &LineChart) -> Result<String, PlotError> {
    register_font();
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, HEIGHT)).into_drawing_area();
        draw(root, chart).map_err(|message| PlotError::Render {
            path: "svg".into(),
            message,
        })?;
    }
    // An SVG viewer does not know the name the font is registered under here: name the font
    // itself, then look-alikes. (Embedding it would add about 1 MB to every chart.)
    Ok(out.replace(
        &format!("font-family=\"{FONT}\""),
        &format!("font-family=\"{SVG_FONTS}\""),
    ))
}

/// The fonts an SVG chart asks its viewer for: the one PNG charts are drawn with, then others
/// of close metrics.
const SVG_FONTS: &str = "DejaVu Sans, Verdana, Bitstream Vera Sans, sans-serif";

/// The chart as RGB pixels (`WIDTH × HEIGHT × 3`), for PNG.
fn to_rgb(chart: &LineChart) -> Result<Vec<u8>, PlotError> {
    register_font();
    let mut buf = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (WIDTH, HEIGHT)).into_drawing_area();
        draw(root, chart).map_err(|message| PlotError::Render {
            path: "png".into(),
            message,
        })?;
    }
    Ok(buf)
}

/// Checks before any work that `path` can take a chart: a `.png` or `.svg` name, in a directory
/// that exists, and no file there unless `overwrite`.
pub fn check_target(path: &Path, overwrite: bool) -> Result<(), PlotError> {
    chart_kind(path)?;
    let dir = crate::output::parent_dir(path);
    let problem = if path.is_dir() {
        "it is a directory; give a file name in it (e.g. chart.svg)".to_string()
    } else if dir.exists() && !dir.is_dir() {
        format!("{} is a file, not a directory", dir.display())
    } else if !dir.is_dir() {
        format!(
            "no directory {}; create it first (mkdir -p {})",
            dir.display(),
            dir.display()
        )
    } else if !overwrite && crate::output::replaces_a_file(path) {
        "the file exists; pass --force to replace it".to_string()
    } else {
        return Ok(());
    };
    Err(PlotError::Io {
        path: path.display().to_string(),
        source: std::io::Error::other(problem),
    })
}

enum ChartKind {
    Png,
    Svg,
}

/// The kind of chart a file name asks for, by its extension.
fn chart_kind(path: &Path) -> Result<ChartKind, PlotError> {
    let ext = path.extension().and_then(|e| e.to_str());
    match ext.map(str::to_ascii_lowercase).as_deref() {
        Some("png") => Ok(ChartKind::Png),
        Some("svg") => Ok(ChartKind::Svg),
        _ => Err(PlotError::Extension {
            path: path.display().to_string(),
        }),
    }
}

/// Writes the chart to `path` (PNG or SVG by extension), atomically; an existing file is
/// replaced only with `overwrite`.
pub fn write(chart: &LineChart, path: &Path, overwrite: bool) -> Result<(), PlotError> {
    if chart.series.iter().all(|s| s.points.is_empty()) {
        return Err(PlotError::Empty(chart.title.clone()));
    }
    let kind = chart_kind(path)?;
    let display = path.display().to_string();
    let bytes = match kind {
        ChartKind::Svg => to_svg(chart)?.into_bytes(),
        ChartKind::Png => {
            let rgb = to_rgb(chart)?;
            let mut png_bytes = Vec::new();
            let render_err = |e: png::EncodingError| PlotError::Render {
                path: display.clone(),
                message: e.to_string(),
            };
            {
                let mut enc = png::Encoder::new(&mut png_bytes, WIDTH, HEIGHT);
                enc.set_color(png::ColorType::Rgb);
                enc.set_depth(png::BitDepth::Eight);
                let mut w = enc.write_header().map_err(render_err)?;
                w.write_image_data(&rgb).map_err(render_err)?;
            }
            png_bytes
        }
    };
    crate::output::write_atomic(path, overwrite, &bytes).map_err(|source| PlotError::Io {
        path: display,
        source,
    })
}

#[cfg(test)]
mod tests {

    /// Last-round review: the "now" and "recommended" labels of a function at nearby sizes were
    /// drawn over each other. Labels are placed where they cover no other label and no marker,
    /// inside the plot area.
    #[test]
    fn labels_of_nearby_markers_do_not_overlap() {
        let area = Rect {
            x0: 100,
            y0: 50,
            x1: 980,
            y1: 530,
        };
        // Forty markers within a few pixels of each other, long labels (twenty functions'
        // "now" and "recommended"; verification of the first version: from fourteen on,
        // labels were drawn over each other).
        let anchors: Vec<(i32, i32)> = (0..40).map(|i| (140 + i * 3, 505 - i)).collect();
        let sizes = vec![(260, 16); 40];
        let placed = place_labels(&anchors, &sizes, area);
        let boxes: Vec<Rect> = placed
            .iter()
            .zip(&sizes)
            .map(|(&((x, y), _), &(w, h))| Rect {
                x0: x,
                y0: y,
                x1: x + w,
                y1: y + h,
            })
            .collect();
        for (i, b) in boxes.iter().enumerate() {
            assert!(b.within(&area), "{i}: {b:?}");
            for (j, o) in boxes.iter().enumerate().skip(i + 1) {
                assert!(!b.overlaps(o), "{i} and {j}: {b:?} {o:?}");
            }
            for (k, &(x, y)) in anchors.iter().enumerate() {
                assert!(
                    !b.overlaps(&Rect {
                        x0: x - 8,
                        y0: y - 8,
                        x1: x + 9,
                        y1: y + 9
                    }),
                    "{i} over marker {k}"
                );
            }
        }
        // A lone marker's label goes right above it; the ones set apart are said to be.
        assert!(placed.iter().any(|&(_, beside)| !beside));
        assert_eq!(
            place_labels(&[(500, 300)], &[(100, 16)], area),
            [((508, 300 - 8 - 16), true)]
        );
        // A marker at the right edge has its label on its left.
        let placed = place_labels(&[(970, 300)], &[(120, 16)], area);
        assert_eq!(placed, [((970 - 8 - 120, 300 - 8 - 16), true)]);
    }

    use super::*;

    #[test]
    fn ticks_are_whole_numbers_when_whole() {
        let tick = |v: f64| tick_in(v, -5.0, 5.0);
        assert_eq!(tick(2.0), "2");
        assert_eq!(tick(-0.0), "0");
        assert_eq!(tick(-3.0), "-3");
        assert_eq!(tick_in(1024.0, 0.0, 2048.0), "1024");
        assert_eq!(tick(0.5), "0.5");
        assert_eq!(tick_in(12.125, 12.0, 12.2), "12.125");
        assert_eq!(tick(0.1 + 0.2), "0.3");
    }

    fn chart() -> LineChart {
        LineChart {
            title: "api: cost vs memory".into(),
            x_whole: false,
            x_label: "memory (MB)".into(),
            y_label: "USD / month".into(),
            series: vec![Series {
                name: "on demand".into(),
                points: vec![(128.0, 3.0), (512.0, 2.0), (1024.0, 2.5)],
            }],
            markers: vec![Marker {
                label: "current".into(),
                x: 512.0,
                y: 2.0,
            }],
            x_gap: None,
        }
    }

    /// Seventh-round review: labels tell their ticks apart at any scale.
    #[test]
    fn ticks_have_the_digits_their_step_needs() {
        // $0.0010 to $0.0035 a month in steps of $0.0005.
        let labels: Vec<String> = [0.001, 0.0015, 0.002, 0.0025, 0.003, 0.0035]
            .iter()
            .map(|&v| tick_in(v, 0.0007, 0.0038))
            .collect();
        assert_eq!(
            labels,
            ["0.001", "0.0015", "0.002", "0.0025", "0.003", "0.0035"]
        );
        // 4.8e-7 to 6.1e-7: not all `0`.
        let small: Vec<String> = [5.0e-7, 5.5e-7, 6.0e-7]
            .iter()
            .map(|&v| tick_in(v, 4.7e-7, 6.2e-7))
            .collect();
        assert_eq!(small, ["5.00e-7", "5.50e-7", "6.00e-7"]);
        // About 1e12 bytes: an exponent, not 13 digits.
        assert_eq!(tick_in(1.0e12, 0.0, 1.2e12), "1.0e12");
        assert_eq!(tick_in(0.0, 0.0, 1.2e12), "0");
        // Below 1e-9 too (verification: the whole-number check read them all `0`).
        assert_eq!(tick_in(2.0e-10, 0.0, 5.0e-10), "2.0e-10");
        assert_eq!(tick_in(-1e-15, -5.0, 5.0), "0");
        // Whole numbers stay whole on ordinary axes.
        assert_eq!(tick_in(1024.0, 128.0, 10240.0), "1024");
        assert_eq!(tick_in(0.4, 0.0, 2.0), "0.4");
        assert_eq!(tick_in(12.5, 0.0, 30.0), "12.5");
    }

    /// Seventh-round verification: past 20 lines the legend drops names and colours repeat;
    /// every chart (query --plot, plot cost-curve) says so.
    #[test]
    fn more_lines_than_the_legend_names_are_said() {
        let mut c = chart();
        assert_eq!(c.legend_note("narrow"), None);
        let lines = |n: u32| {
            (0..n)
                .map(|i| Series {
                    name: format!("f{i}"),
                    points: vec![(128.0, f64::from(i))],
                })
                .collect::<Vec<_>>()
        };
        c.series = lines(22);
        assert_eq!(
            c.legend_note("narrow").as_deref(),
            Some("22 lines: colours repeat past the first 20 (narrow)")
        );
        c.series = lines(31);
        assert_eq!(
            c.legend_note("narrow").as_deref(),
            Some("31 lines: colours repeat past the first 20, and the legend names the first 24 (narrow)")
        );
        // Every name the legend draws is inside the image, with its swatch.
        let svg = to_svg(&c).unwrap();
        let texts: Vec<f64> = svg
            .split("<text ")
            .skip(1)
            .filter(|t| t.contains(">\nf"))
            .filter_map(|t| t.split("y=\"").nth(1)?.split('"').next()?.parse().ok())
            .collect();
        assert_eq!(texts.len(), LEGEND_SERIES, "{svg}");
        assert!(texts.iter().all(|y| *y < 530.0), "{texts:?}");
    }

    /// Seventh-round review: a `bin()` series with empty buckets was one line across them.
    #[test]
    fn points_apart_more_than_the_gap_are_not_joined() {
        let pts = [(0.0, 10.0), (1.0, 10.0), (5.0, 10.0), (6.0, 10.0)];
        let r = runs(&pts, Some(1.5));
        assert_eq!(r, vec![&pts[..2], &pts[2..]]);
        assert_eq!(runs(&pts, None), vec![&pts[..]]);
        let mut c = chart();
        c.series[0].points = pts.to_vec();
        let joined = to_svg(&c).unwrap().matches("<polyline").count();
        c.x_gap = Some(1.5);
        let split = to_svg(&c).unwrap().matches("<polyline").count();
        assert_eq!(split, joined + 1);
    }

    #[test]
    fn svg_has_the_title_labels_and_a_line() {
        let svg = to_svg(&chart()).unwrap();
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("api: cost vs memory"));
        assert!(svg.contains("memory (MB)"));
        assert!(svg.contains("current"));
        assert!(svg.contains("<polyline"));
    }

    #[test]
    fn png_is_written_and_not_blank() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.png");
        write(&chart(), &p, false).unwrap();
        let bytes = std::fs::read(&p).unwrap();
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        let rgb = to_rgb(&chart()).unwrap();
        // Text is drawn: more than the white background and the line colours.
        let dark = rgb.chunks(3).filter(|p| p.iter().all(|&c| c < 80)).count();
        assert!(dark > 500, "{dark} dark pixels");
        // No overwrite without intent; a wrong extension is an error.
        assert!(write(&chart(), &p, false).is_err());
        assert!(matches!(
            write(&chart(), &dir.path().join("c.jpg"), true),
            Err(PlotError::Extension { .. })
        ));
    }
}
