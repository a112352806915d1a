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

/// An axis label: whole numbers without a decimal point (`2` environments, not `2.0`), others
/// with up to three decimals and no trailing zeros.
fn tick(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        // `+ 0.0` turns -0 into 0.
        format!("{}", v.round() + 0.0)
    } else {
        let t = format!("{v:.3}");
        t.trim_end_matches('0').trim_end_matches('.').to_string()
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
                tick(*x)
            }
        })
        .y_label_formatter(&|y| tick(*y))
        .x_desc(chart.x_label.as_str())
        .y_desc(chart.y_label.as_str())
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 16))
        .draw()
        .map_err(|e| e.to_string())?;
    for (i, s) in chart.series.iter().enumerate() {
        let color = Palette99::pick(i).to_rgba();
        c.draw_series(LineSeries::new(
            s.points.iter().copied(),
            color.stroke_width(2),
        ))
        .map_err(|e| e.to_string())?
        .label(s.name.as_str())
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2)));
        c.draw_series(
            s.points
                .iter()
                .map(|&(x, y)| Circle::new((x, y), 3, color.filled())),
        )
        .map_err(|e| e.to_string())?;
    }
    for m in &chart.markers {
        c.draw_series(std::iter::once(Circle::new(
            (m.x, m.y),
            6,
            BLACK.stroke_width(2),
        )))
        .map_err(|e| e.to_string())?;
        c.draw_series(std::iter::once(Text::new(
            m.label.clone(),
            (m.x, m.y),
            (FONT, 14).into_font().color(&BLACK),
        )))
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
    use super::*;

    #[test]
    fn ticks_are_whole_numbers_when_whole() {
        assert_eq!(tick(2.0), "2");
        assert_eq!(tick(-0.0), "0");
        assert_eq!(tick(-3.0), "-3");
        assert_eq!(tick(1024.0), "1024");
        assert_eq!(tick(0.5), "0.5");
        assert_eq!(tick(12.125), "12.125");
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
        }
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
