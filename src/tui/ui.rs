//! Rendering: pure functions of [`App`] into a frame. Every text that came from data goes
//! through [`crate::output::sanitize`] first.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Axis, Bar, BarChart, BarGroup, Block, Borders, Cell, Chart, Clear, Dataset, GraphType,
    LegendPosition, Paragraph, Row, Table, TableState, Wrap,
};
use ratatui::Frame;

use super::app::{App, Input, View, FUNCTION_COLUMNS};
use super::data::DashData;
use super::theme::{color_name, Theme};
use crate::analytics::FunctionReport;
use crate::output::sanitize;
use crate::query::Value;

fn ms(v: Option<f64>) -> String {
    match v {
        None => "-".into(),
        Some(x) if x >= 1000.0 => format!("{:.2} s", x / 1000.0),
        Some(x) => format!("{x:.1} ms"),
    }
}

fn pct(r: f64) -> String {
    format!("{:.1}", r * 100.0)
}

fn usd(x: f64) -> String {
    if x >= 100.0 {
        format!("{x:.0}")
    } else if x >= 0.01 {
        format!("{x:.2}")
    } else if x > 0.0 {
        format!("{x:.4}")
    } else {
        "0".into()
    }
}

/// The rows of a table (`len` in all) that fit in `height` (borders and header take 3), as
/// (first, count), scrolled so that `selected` is on screen.
pub fn window(selected: usize, len: usize, height: u16) -> (usize, usize) {
    let fit = usize::from(height.saturating_sub(3)).max(1);
    let offset = selected.saturating_sub(fit - 1).min(len.saturating_sub(1));
    (offset, fit.min(len - offset.min(len)))
}

/// Draws the whole screen.
pub fn render(f: &mut Frame, app: &App) {
    let t = &app.theme;
    let [top, body, bottom] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(f.area());
    let title = match &app.data {
        Some(d) => format!(
            " faascope · {} · {}",
            sanitize(&d.source_label),
            // View titles carry function names and trace ids: log content.
            sanitize(&app.view().title())
        ),
        None => " faascope".to_string(),
    };
    f.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(title, Style::default().fg(t.on_accent).bg(t.accent)),
            Span::raw(" "),
            Span::styled(
                "? help  : command  / filter  esc back  q quit",
                Style::default().fg(t.dim),
            ),
        ])),
        top,
    );
    match &app.data {
        None => f.render_widget(
            Paragraph::new(loading_lines(app))
                .wrap(Wrap { trim: false })
                .block(Block::default().borders(Borders::ALL).title(" loading ")),
            body,
        ),
        Some(data) => match app.view() {
            View::Functions => functions(f, body, app, data),
            View::Detail(name) => detail(f, body, t, data, name),
            View::Logs => logs(f, body, app),
            View::Traces => traces(f, body, app),
            View::Trace(id) => trace(f, body, data, id),
            View::Cost(name) => cost(f, body, app, name),
            View::Sim(name) => sim(f, body, app, name),
            View::Invocations(name) => invocations(f, body, app, data, name),
        },
    }
    let line = match &app.input {
        Input::Command(s) => Line::from(vec![
            Span::styled(":", Style::default().fg(t.accent)),
            Span::raw(sanitize(s)),
            Span::styled("█", Style::default().fg(t.accent)),
        ]),
        Input::Filter(s) => Line::from(vec![
            Span::styled("/", Style::default().fg(t.accent)),
            Span::raw(sanitize(s)),
            Span::styled("█", Style::default().fg(t.accent)),
        ]),
        Input::Normal => {
            let mut spans = vec![Span::raw(sanitize(&app.status))];
            let shown = match app.view() {
                View::Functions => &app.filter_text,
                View::Traces => &app.trace_filter_text,
                _ => "",
            };
            if !shown.is_empty() {
                spans.push(Span::styled(
                    format!("  [filter /{}]", sanitize(shown)),
                    Style::default().fg(t.warn),
                ));
            }
            Line::from(spans)
        }
    };
    f.render_widget(Paragraph::new(line), bottom);
    if app.help {
        help(f, body, app);
    }
}

/// A size in bytes, as people read it.
fn bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if n < 1000 {
        return format!("{n} B");
    }
    let mut x = n as f64 / 1000.0;
    let mut unit = 0;
    while x >= 1000.0 && unit + 1 < UNITS.len() {
        x /= 1000.0;
        unit += 1;
    }
    format!("{x:.1} {}", UNITS[unit])
}

/// The loading screen: what is being done, how far it got, how long it has taken; or why it
/// failed.
fn loading_lines(app: &App) -> Vec<Line<'static>> {
    if let Some(e) = &app.load_error {
        return vec![Line::from("loading failed:"), Line::from(sanitize(e))];
    }
    let l = &app.loading;
    let secs = format!("{:.1} s", l.elapsed_ms as f64 / 1000.0);
    let files = match l.files {
        0 => String::new(),
        1 => " (1 file)".into(),
        n => format!(" ({n} files)"),
    };
    let second = if l.computing {
        format!(
            "read {}{files}; computing the report, costs and charts...   {secs}",
            bytes(l.bytes)
        )
    } else if l.total_bytes > 0 && l.bytes <= l.total_bytes {
        // The bytes counted are the text read, so a compressed input passes its size on
        // disk: then only the bytes read are shown (below), not a share over 100 %.
        format!(
            "read {} of {}{files} ({:.0}%)   {secs}",
            bytes(l.bytes),
            bytes(l.total_bytes),
            100.0 * l.bytes as f64 / l.total_bytes as f64
        )
    } else if l.bytes > 0 {
        format!("read {}{files}   {secs}", bytes(l.bytes))
    } else {
        secs
    };
    vec![Line::from("loading the sources..."), Line::from(second)]
}

fn function_cells(f: &FunctionReport, data: &DashData) -> Vec<String> {
    let cost = data.costs.get(&f.function);
    let flags = data.findings_of(&f.function).count();
    vec![
        sanitize(&f.function),
        f.invocations.to_string(),
        pct(f.error_ratio),
        pct(f.cold_start_ratio),
        ms(f.warm_duration_ms.p50),
        ms(f.warm_duration_ms.p99),
        ms(f.cold_duration_ms.p99),
        ms(f.init_duration_ms.p50),
        match (f.max_memory_used_mb.max, f.memory_size_mb) {
            (Some(u), Some(c)) => format!("{u:.0}/{c} MB"),
            (None, Some(c)) => format!("-/{c} MB"),
            _ => "-".into(),
        },
        cost.map_or("-".into(), |c| usd(c.usd_per_month)),
        cost.and_then(|c| c.usd_per_million).map_or("-".into(), usd),
        if flags > 0 {
            format!("⚑ {flags}")
        } else {
            String::new()
        },
    ]
}

/// An option's name in `width` columns: the long words abbreviated when it does not fit whole
/// (cut at the end, two options could look the same: `… ×60 + S` for both Savings Plans).
fn fit_option_name(name: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    if name.width() <= width {
        return name.to_string();
    }
    [
        ("Lambda + provisioned concurrency", "PC"),
        ("Lambda + Compute Savings Plan", "Compute SP"),
        ("Savings Plan", "SP"),
        ("Google Cloud Run functions", "Cloud Run"),
        ("Azure Functions", "Azure"),
        ("-yr assumed", " yr"),
    ]
    .iter()
    .fold(name.to_string(), |n, (long, short)| n.replace(long, short))
}

/// The functions view's columns that fit in `width`, in order: a column that would not fit
/// whole is left out with those after it (ratatui would cut numbers short, and 21047 cut to
/// `2104` is wrong, not short).
fn fitting_columns(width: u16) -> usize {
    let mut used = 0u16;
    let mut n = 0;
    for (i, (_, w)) in FUNCTION_COLUMNS.iter().enumerate() {
        let need = if i == 0 { *w } else { w + 1 };
        if i > 0 && used + need > width {
            break;
        }
        used += need;
        n += 1;
    }
    n
}

/// `s` in `width` columns: cut with `…` when longer.
fn ellipsize(s: &str, width: usize) -> String {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    if s.width() <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// The functions view without a function: what was read and why nothing came of it (what
/// `faascope report` says on stderr).
fn no_functions(f: &mut Frame, area: Rect, app: &App, data: &DashData) {
    let t = &app.theme;
    let i = &data.inputs;
    let mut lines = vec![
        Line::from(Span::styled(
            i.filtered_out.as_deref().map_or_else(
                || "no invocations (REPORT lines or platform.report events) found".to_string(),
                sanitize,
            ),
            Style::default().fg(t.warn),
        )),
        Line::from(format!(
            "read {} file{}, {} log line{}",
            i.files,
            if i.files == 1 { "" } else { "s" },
            i.log_lines,
            if i.log_lines == 1 { "" } else { "s" }
        )),
    ];
    if data.skipped > 0 {
        lines.push(Line::from(format!(
            "skipped {} malformed record{}:",
            data.skipped,
            if data.skipped == 1 { "" } else { "s" }
        )));
        lines.extend(
            i.skip_reasons
                .iter()
                .take(5)
                .map(|(r, n)| Line::from(format!("  {n:>8}  {}", sanitize(r)))),
        );
        lines.extend(i.skip_examples.iter().take(3).map(|(at, why)| {
            Line::from(Span::styled(
                format!("  {}: {}", sanitize(at), sanitize(why)),
                Style::default().fg(t.dim),
            ))
        }));
    }
    f.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" functions (0) "),
        ),
        area,
    );
}

fn functions(f: &mut Frame, area: Rect, app: &App, data: &DashData) {
    let t = &app.theme;
    if data.report.functions.is_empty() {
        no_functions(f, area, app, data);
        return;
    }
    let rows_data = app.function_rows();
    let shown = fitting_columns(area.width.saturating_sub(2));
    // The first column takes what the others leave (a long name is cut with an ellipsis).
    let name_width = usize::from(area.width.saturating_sub(2)).saturating_sub(
        FUNCTION_COLUMNS
            .iter()
            .take(shown)
            .skip(1)
            .map(|&(_, w)| usize::from(w) + 1)
            .sum(),
    );
    let header = Row::new(
        FUNCTION_COLUMNS
            .iter()
            .take(shown)
            .enumerate()
            .map(|(i, (h, _))| {
                let mark = if i == app.sort_column {
                    if app.sort_reverse {
                        " ▲"
                    } else {
                        " ▼"
                    }
                } else {
                    ""
                };
                Cell::from(format!("{h}{mark}"))
            }),
    )
    .style(Style::default().fg(t.accent).add_modifier(Modifier::BOLD));
    let (offset, visible) = window(app.selected, rows_data.len(), area.height);
    let rows = rows_data[offset..offset + visible].iter().map(|r| {
        let style = if data.findings_of(&r.function).next().is_some() {
            Style::default().fg(t.warn)
        } else {
            Style::default()
        };
        let mut cells = function_cells(r, data);
        cells.truncate(shown);
        if let Some(name) = cells.first_mut() {
            *name = ellipsize(name, name_width);
        }
        Row::new(cells).style(style)
    });
    let widths: Vec<Constraint> = FUNCTION_COLUMNS
        .iter()
        .take(shown)
        .enumerate()
        .map(|(i, &(_, w))| {
            if i == 0 {
                Constraint::Min(w)
            } else {
                Constraint::Length(w)
            }
        })
        .collect();
    // A sort column the screen is too narrow to draw is named in the title.
    let sorted_off_screen = if app.sort_column >= shown {
        format!(
            "· sorted by {} {} (off screen) ",
            FUNCTION_COLUMNS[app.sort_column].0,
            if app.sort_reverse { "▲" } else { "▼" }
        )
    } else {
        String::new()
    };
    let table = Table::new(rows, widths)
        .header(header)
        .row_highlight_style(Style::default().add_modifier(Modifier::REVERSED))
        .block(Block::default().borders(Borders::ALL).title(format!(
            " functions ({}) {sorted_off_screen}",
            rows_data.len()
        )));
    let mut state = TableState::default().with_selected(Some(app.selected.saturating_sub(offset)));
    f.render_stateful_widget(table, area, &mut state);
}

fn detail(f: &mut Frame, area: Rect, t: &Theme, data: &DashData, name: &str) {
    let Some(r) = data.report.functions.iter().find(|x| x.function == name) else {
        f.render_widget(
            Paragraph::new(format!("no function {}", sanitize(name))),
            area,
        );
        return;
    };
    let [summary, charts, lower] = Layout::vertical([
        Constraint::Length(6),
        Constraint::Min(8),
        Constraint::Length(10),
    ])
    .areas(area);
    let cost = data.costs.get(name);
    let text = vec![
        Line::from(format!(
            "invocations {}   errors {} ({}%)   timeouts {}   cold starts {} ({}%)   peak concurrency {}",
            r.invocations,
            r.errors,
            pct(r.error_ratio),
            r.timeouts,
            r.cold_starts,
            pct(r.cold_start_ratio),
            r.peak_concurrency.map_or("-".into(), |p| p.to_string())
        )),
        Line::from(format!(
            "warm p50 {}  p99 {}   cold p50 {}  p99 {}   init p50 {}  p99 {}{}",
            ms(r.warm_duration_ms.p50),
            ms(r.warm_duration_ms.p99),
            ms(r.cold_duration_ms.p50),
            ms(r.cold_duration_ms.p99),
            ms(r.init_duration_ms.p50),
            ms(r.init_duration_ms.p99),
            // SnapStart functions start cold by restoring, not by INIT.
            match (r.restore_duration_ms.p50, r.restore_duration_ms.p99) {
                (Some(p50), Some(p99)) => format!("   restore p50 {}  p99 {}", ms(Some(p50)), ms(Some(p99))),
                _ => String::new(),
            }
        )),
        Line::from(format!(
            "memory used p50 {} / max {} of {} configured ({})",
            r.max_memory_used_mb.p50.map_or("-".into(), |m| format!("{m:.0} MB")),
            r.max_memory_used_mb.max.map_or("-".into(), |m| format!("{m:.0} MB")),
            r.memory_size_mb.map_or("-".into(), |m| format!("{m} MB")),
            r.memory_utilization_max.map_or("-".into(), |u| format!("{}% at most", pct(u)))
        )),
        Line::from(match cost {
            Some(c) => format!(
                "on demand ${}/month (us-east-1 x86_64)   ${} per 1M invocations   cheapest option saves ${}/month",
                usd(c.usd_per_month),
                c.usd_per_million.map_or("-".into(), usd),
                usd(c.saving_usd_per_month)
            ),
            None => match data.cost_errors.get(name) {
                Some(why) => format!("cost: - (no month could be projected: {})", sanitize(why)),
                None => "cost: -".into(),
            },
        }),
    ];
    f.render_widget(
        Paragraph::new(text).block(
            Block::default()
                .borders(Borders::ALL)
                .title(format!(" {} ", sanitize(name))),
        ),
        summary,
    );
    let [left, middle, right] = Layout::horizontal([
        Constraint::Percentage(40),
        Constraint::Percentage(30),
        Constraint::Percentage(30),
    ])
    .areas(charts);
    let points = data.series.get(name).cloned().unwrap_or_default();
    let t0 = points.first().map_or(0, |p| p.hour_ms);
    let x = |t: i64| (t - t0) as f64 / 3_600_000.0;
    let inv: Vec<(f64, f64)> = points
        .iter()
        .map(|p| (x(p.hour_ms), p.invocations))
        .collect();
    let cold: Vec<(f64, f64)> = points
        .iter()
        .map(|p| (x(p.hour_ms), p.cold_starts))
        .collect();
    let p99: Vec<(f64, f64)> = points
        .iter()
        .filter_map(|p| Some((x(p.hour_ms), p.p99_ms?)))
        .collect();
    let conc: Vec<(f64, f64)> = points
        .iter()
        .map(|p| (x(p.hour_ms), p.mean_concurrency))
        .collect();
    // The first hour, short enough for the room left of the y axis (`MM-DD HH:MM` UTC; the
    // year is in the logs view), and short titles: the three charts share one line.
    let since = chrono::DateTime::from_timestamp_millis(t0)
        .map(|t| t.format("%m-%d %H:%M").to_string())
        .unwrap_or_default();
    line_chart(
        f,
        left,
        &format!(
            " invocations ({}), cold starts ({}) /h ",
            color_name(t.accent),
            color_name(t.warn)
        ),
        &since,
        vec![(inv, t.accent), (cold, t.warn)],
    );
    line_chart(
        f,
        middle,
        " p99 duration /h (ms) ",
        &since,
        vec![(p99, t.series)],
    );
    line_chart(
        f,
        right,
        " mean concurrency /h ",
        &since,
        vec![(conc, t.good)],
    );
    let [hist, findings] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(lower);
    histogram(f, hist, t, data, name);
    let lines: Vec<Line> = data
        .findings_of(name)
        .map(|x| {
            Line::from(vec![
                Span::styled(
                    format!("{:?} ", x.outcome).to_lowercase(),
                    Style::default().fg(t.warn),
                ),
                Span::raw(sanitize(&x.message)),
            ])
        })
        .collect();
    let mut lines = if lines.is_empty() {
        vec![Line::from("no warnings: every rule that could run passes")]
    } else {
        lines
    };
    lines.extend(data.skipped_of(name).map(|x| {
        Line::from(Span::styled(
            format!("skipped: {}", sanitize(&x.message)),
            Style::default().fg(t.dim),
        ))
    }));
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .block(Block::default().borders(Borders::ALL).title(" insights ")),
        findings,
    );
}

/// An axis's top value: whole numbers as they are, fractions with enough digits to read.
fn axis_label(v: f64) -> String {
    if v >= 10.0 || v.fract() == 0.0 {
        format!("{v:.0}")
    } else if v >= 1.0 {
        format!("{v:.1}")
    } else if v >= 0.01 {
        format!("{v:.2}")
    } else {
        format!("{v:.4}")
    }
}

fn line_chart(
    f: &mut Frame,
    area: Rect,
    title: &str,
    since: &str,
    series: Vec<(Vec<(f64, f64)>, Color)>,
) {
    let x_max = series
        .iter()
        .flat_map(|(p, _)| p.iter().map(|q| q.0))
        .fold(1.0f64, f64::max);
    // The data's own top (fractions of one too: mean concurrency is often below 1); 1 when
    // there is nothing above 0.
    let y_max = series
        .iter()
        .flat_map(|(p, _)| p.iter().map(|q| q.1))
        .fold(0.0f64, f64::max);
    let y_max = if y_max > 0.0 { y_max } else { 1.0 };
    let datasets: Vec<Dataset> = series
        .iter()
        .map(|(p, c)| {
            Dataset::default()
                .marker(symbols::Marker::Braille)
                .graph_type(GraphType::Line)
                .style(Style::default().fg(*c))
                .data(p)
        })
        .collect();
    let chart = Chart::new(datasets)
        .block(
            Block::default()
                .borders(Borders::ALL)
                .title(title.to_string()),
        )
        .x_axis(
            Axis::default()
                .bounds([0.0, x_max])
                .labels([since.to_string(), format!("+{x_max:.0} h")]),
        )
        .y_axis(
            Axis::default()
                .bounds([0.0, y_max * 1.05])
                .labels(["0".to_string(), axis_label(y_max)]),
        );
    f.render_widget(chart, area);
}

/// Warm and cold durations in ten buckets up to the largest, side by side.
fn histogram(f: &mut Frame, area: Rect, t: &Theme, data: &DashData, name: &str) {
    const BUCKETS: usize = 10;
    let ids = data
        .invocations_by_function
        .get(name)
        .map_or(&[][..], Vec::as_slice);
    // Slowest first: the first is the largest.
    let max = ids
        .first()
        .map_or(0.0, |i| data.tables.invocations[*i].duration_ms);
    let block = Block::default().borders(Borders::ALL).title(format!(
        " duration histogram: warm ({}) / cold ({}) ",
        color_name(t.accent),
        color_name(t.warn)
    ));
    if max <= 0.0 {
        f.render_widget(Paragraph::new("no invocations").block(block), area);
        return;
    }
    let width = max / BUCKETS as f64;
    // One pass: [warm, cold] counts per bucket.
    let mut counts = [[0u64; 2]; BUCKETS];
    for i in ids {
        let r = &data.tables.invocations[*i];
        let b = ((r.duration_ms / width) as usize).min(BUCKETS - 1);
        counts[b][usize::from(r.cold_start)] += 1;
    }
    let mut chart = BarChart::default()
        .block(block)
        .bar_width(2)
        .bar_gap(0)
        .group_gap(1);
    for (b, [warm, cold]) in counts.into_iter().enumerate() {
        let label = format!("{:.0}", width * (b + 1) as f64);
        chart = chart.data(
            BarGroup::default().label(Line::from(label)).bars(&[
                Bar::default()
                    .value(warm)
                    .style(Style::default().fg(t.accent))
                    .text_value(String::new()),
                Bar::default()
                    .value(cold)
                    .style(Style::default().fg(t.warn))
                    .text_value(String::new()),
            ]),
        );
    }
    f.render_widget(chart, area);
}

fn logs(f: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let scope = app.logs_scope.label();
    let title = format!(
        " logs{}{} {} ",
        if scope.is_empty() {
            String::new()
        } else {
            format!(" [{scope}]")
        },
        if app.logs_query.is_empty() {
            String::new()
        } else {
            format!(" /{}", sanitize(&app.logs_query))
        },
        if app.logs_running { "(running)" } else { "" }
    );
    let block = Block::default().borders(Borders::ALL).title(title);
    if let (Some(e), false) = (&app.logs_error, app.logs_running) {
        f.render_widget(
            Paragraph::new(
                std::iter::once(Line::from(
                    "the query failed (/ to edit it, esc to clear it):",
                ))
                .chain(e.lines().map(|l| Line::from(sanitize(l))))
                .collect::<Vec<_>>(),
            )
            .wrap(Wrap { trim: false })
            .block(block),
            area,
        );
        return;
    }
    let Some(r) = &app.logs else {
        f.render_widget(Paragraph::new("running the query...").block(block), area);
        return;
    };
    let widths: Vec<Constraint> = r
        .columns
        .iter()
        .enumerate()
        .map(|(k, _)| {
            if k + 1 == r.columns.len() {
                Constraint::Fill(1)
            } else {
                let w = r
                    .rows
                    .iter()
                    .take(200)
                    .map(|row| row[k].text().chars().count())
                    .chain(std::iter::once(r.columns[k].len()))
                    .max()
                    .unwrap_or(4)
                    .min(40);
                Constraint::Length(w as u16)
            }
        })
        .collect();
    let header = Row::new(r.columns.iter().map(|c| Cell::from(sanitize(c))))
        .style(Style::default().fg(t.accent).add_modifier(Modifier::BOLD));
    // Only the rows on screen are built: a result may hold every log line of the sources.
    let (offset, visible) = window(app.logs_selected, r.rows.len(), area.height);
    let rows = r.rows[offset..offset + visible].iter().map(|row| {
        Row::new(row.iter().map(|v| match v {
            Value::Str(s) => sanitize(&s.replace(['\n', '\r'], " ")),
            other => other.text(),
        }))
    });
    let table = Table::new(rows, widths)
        .header(header)
        .row_highlight_style(Style::default().add_modifier(Modifier::REVERSED))
        .block(block);
    let mut state = TableState::default().with_selected(Some(app.logs_selected - offset));
    f.render_stateful_widget(table, area, &mut state);
}

fn traces(f: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let rows_data = app.trace_rows();
    let mut title = format!(" traces ({}) slowest first", rows_data.len());
    if app.errors_only {
        title.push_str(" · errors only");
    }
    if app.cold_only {
        title.push_str(" · cold starts only");
    }
    title.push(' ');
    let header = Row::new(
        [
            "TRACE ID",
            "ROOT",
            "START (UTC)",
            "DURATION",
            "INIT",
            "FLAGS",
            "SPANS",
            "TOP DOWNSTREAM",
        ]
        .map(Cell::from),
    )
    .style(
        Style::default()
            .fg(theme.accent)
            .add_modifier(Modifier::BOLD),
    );
    let (offset, visible) = window(app.traces_selected, rows_data.len(), area.height);
    let on_screen = &rows_data[offset..offset + visible];
    // ROOT and FLAGS as wide as the rows on screen need (within bounds), so that a narrow
    // terminal cuts the downstream column, not the start time or the flags.
    let fit = |texts: &mut dyn Iterator<Item = usize>, header: usize, max: usize| {
        texts.fold(header, usize::max).min(max) as u16
    };
    let root_width = fit(
        &mut on_screen.iter().map(|t| sanitize(&t.root).chars().count()),
        4,
        40,
    );
    let flags_width = fit(
        &mut on_screen
            .iter()
            .map(|t| crate::output::traces::flags(t).chars().count()),
        5,
        24,
    );
    let rows = on_screen.iter().map(|t| {
        let top = t.downstream.first().map_or(String::new(), |d| {
            format!(
                "{}{} {}× {}",
                sanitize(&d.service),
                d.operation
                    .as_deref()
                    .map_or(String::new(), |o| format!(" {}", sanitize(o))),
                d.calls,
                ms(Some(d.total_ms))
            )
        });
        let style = if t.fault || t.error || t.throttle {
            Style::default().fg(theme.warn)
        } else {
            Style::default()
        };
        Row::new(vec![
            sanitize(&t.trace_id),
            sanitize(&t.root),
            // To the second: the waterfall has the milliseconds.
            crate::query::time_text(t.start_ms as i64)
                .chars()
                .take(19)
                .collect(),
            ms(t.duration_ms),
            ms(t.init_ms),
            crate::output::traces::flags(t),
            t.spans.to_string(),
            top,
        ])
        .style(style)
    });
    let widths = [
        Constraint::Length(36),
        Constraint::Length(root_width),
        Constraint::Length(19),
        Constraint::Length(10),
        Constraint::Length(10),
        Constraint::Length(flags_width),
        Constraint::Length(5),
        Constraint::Fill(1),
    ];
    let table = Table::new(rows, widths)
        .header(header)
        .row_highlight_style(Style::default().add_modifier(Modifier::REVERSED))
        .block(Block::default().borders(Borders::ALL).title(title));
    let mut state =
        TableState::default().with_selected(Some(app.traces_selected.saturating_sub(offset)));
    f.render_stateful_widget(table, area, &mut state);
}

/// One trace as a waterfall: the text renderer `faascope traces --trace-id` uses.
fn trace(f: &mut Frame, area: Rect, data: &DashData, id: &str) {
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" waterfall {} ", sanitize(id)));
    let Some(rows) = crate::analytics::traces::waterfall(&data.tables.spans, id) else {
        f.render_widget(Paragraph::new("no such trace").block(block), area);
        return;
    };
    let text = crate::analytics::traces::render_waterfall_text(
        &rows,
        usize::from(area.width.saturating_sub(2)),
    );
    let lines: Vec<Line> = text.lines().map(|l| Line::from(sanitize(l))).collect();
    f.render_widget(Paragraph::new(lines).block(block), area);
}

fn dec(d: rust_decimal::Decimal) -> f64 {
    use rust_decimal::prelude::ToPrimitive;
    d.to_f64().unwrap_or(f64::NAN)
}

/// The cost options of one function under the view's knobs, cheapest marked, beside the
/// provisioned-concurrency break-even chart.
fn cost(f: &mut Frame, area: Rect, app: &App, name: &str) {
    let t = &app.theme;
    let k = &app.cost_knobs;
    // A what-if below the memory the function used: out of memory, whatever it costs.
    let warning = app.memory_warning(name, k.memory_mb);
    let [knobs, middle, notes] = Layout::vertical([
        Constraint::Length(5 + u16::from(warning.is_some())),
        Constraint::Min(8),
        Constraint::Length(6),
    ])
    .areas(area);
    let arch = if k.arm64 { "arm64" } else { "x86_64" };
    let pc = if k.provisioned == 0 {
        "at the observed p50/p95/p99/peak".to_string()
    } else {
        format!(
            "{} environments, and at the observed p50/p95/p99/peak",
            k.provisioned
        )
    };
    let configured = app.configured_memory_mb(name);
    let memory = match k.memory_mb {
        None => format!("{configured} MB as configured"),
        Some(m) => format!("{m} MB (configured {configured} MB)"),
    };
    let mut lines = vec![Line::from(format!(
        "architecture {arch} (a)   memory {memory} (M/m)   provisioned concurrency {pc} (+/-){}",
        if app.cost_running {
            "   pricing..."
        } else {
            ""
        }
    ))];
    if let Some(w) = warning {
        lines.push(Line::from(Span::styled(
            format!("⚠ {w}"),
            Style::default().fg(t.warn).add_modifier(Modifier::BOLD),
        )));
    }
    if let Some(answer) = &app.cost {
        let c = &answer.comparison;
        if k.memory_mb.is_some() {
            lines.push(Line::from(Span::styled(
                format!(
                    "memory what-if: invocation time × {:.2} (faascope tune's model, assumed fully CPU-bound and single-threaded)",
                    answer.duration_factor
                ),
                Style::default().fg(t.warn),
            )));
        }
        lines.push(Line::from(format!(
            "{} MB in {}   concurrency p50 {} p95 {} p99 {} peak {}   cheapest: {} (saves ${}/month against on demand)",
            c.memory_mb,
            sanitize(&c.region),
            c.concurrency.p50,
            c.concurrency.p95,
            c.concurrency.p99,
            c.concurrency.peak,
            sanitize(&c.cheapest),
            usd(dec(c.monthly_saving_usd.typical))
        )));
    }
    f.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: true }).block(
            Block::default()
                .borders(Borders::ALL)
                .title(format!(" cost of {} per month ", sanitize(name))),
        ),
        knobs,
    );
    let Some(answer) = &app.cost else {
        let text = match (&app.cost_error, app.cost_running) {
            (Some(e), false) => format!("cannot price with these knobs: {}", sanitize(e)),
            _ => "pricing...".to_string(),
        };
        f.render_widget(
            Paragraph::new(text)
                .wrap(Wrap { trim: false })
                .block(Block::default().borders(Borders::ALL)),
            middle,
        );
        return;
    };
    let c = &answer.comparison;
    let [table_area, chart_area] =
        Layout::horizontal([Constraint::Percentage(58), Constraint::Percentage(42)]).areas(middle);
    let header = Row::new(
        [
            "OPTION",
            "LOW $",
            "TYPICAL $",
            "HIGH $",
            "PC UTIL",
            "BREAK-EVEN",
        ]
        .map(Cell::from),
    )
    .style(Style::default().fg(t.accent).add_modifier(Modifier::BOLD));
    let mut options: Vec<_> = c.options.iter().collect();
    options.sort_by(|a, b| dec(a.monthly_usd.typical).total_cmp(&dec(b.monthly_usd.typical)));
    // The option column: what the borders, the five number columns and the gaps leave.
    let name_width = usize::from(table_area.width.saturating_sub(2 + 9 + 10 + 9 + 8 + 10 + 5));
    let rows = options.iter().map(|o| {
        let style = if o.id == c.cheapest {
            Style::default().fg(t.good).add_modifier(Modifier::BOLD)
        } else {
            Style::default()
        };
        let (util, be) = match &o.provisioned {
            Some(p) => (
                format!("{:.0}%", dec(p.utilization) * 100.0),
                p.break_even_utilization
                    .map_or("-".into(), |b| format!("{:.0}%", dec(b) * 100.0)),
            ),
            None => (String::new(), String::new()),
        };
        Row::new(vec![
            fit_option_name(&sanitize(&o.name), name_width),
            usd(dec(o.monthly_usd.low)),
            usd(dec(o.monthly_usd.typical)),
            usd(dec(o.monthly_usd.high)),
            util,
            be,
        ])
        .style(style)
    });
    let widths = [
        Constraint::Fill(1),
        Constraint::Length(9),
        Constraint::Length(10),
        Constraint::Length(9),
        Constraint::Length(8),
        Constraint::Length(10),
    ];

    f.render_widget(
        Table::new(rows, widths).header(header).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" options, cheapest first "),
        ),
        table_area,
    );
    break_even_chart(f, chart_area, t, answer.break_even.as_ref());
    let mut note_lines: Vec<Line> = c
        .unavailable
        .iter()
        .map(|(id, why)| Line::from(format!("not priced: {}: {}", sanitize(id), sanitize(why))))
        .collect();
    note_lines.extend(c.notes.iter().map(|n| Line::from(sanitize(n))));
    f.render_widget(
        Paragraph::new(note_lines)
            .wrap(Wrap { trim: true })
            .block(Block::default().borders(Borders::ALL).title(" notes ")),
        notes,
    );
}

/// Provisioned concurrency against on demand for the same work, by utilisation of the
/// provisioned environments: the lines cross at the break-even; a marker shows where the
/// function is.
fn break_even_chart(f: &mut Frame, area: Rect, t: &Theme, be: Option<&super::data::BreakEven>) {
    let Some(be) = be else {
        f.render_widget(
            Paragraph::new("no provisioned-concurrency option was priced")
                .block(Block::default().borders(Borders::ALL).title(" break-even ")),
            area,
        );
        return;
    };
    let on_demand: Vec<(f64, f64)> = be.points.iter().map(|p| (p.0 * 100.0, p.1)).collect();
    let provisioned: Vec<(f64, f64)> = be.points.iter().map(|p| (p.0 * 100.0, p.2)).collect();
    let y_max = be
        .points
        .iter()
        .map(|p| p.1.max(p.2))
        .fold(0.01f64, f64::max);
    // The marker sits on the provisioned line at the observed utilisation.
    let u_obs = be.observed_utilization.clamp(0.0, 1.0);
    let (first, last) = (
        be.points.first().map_or(0.0, |p| p.2),
        be.points.last().map_or(0.0, |p| p.2),
    );
    let marker = [(u_obs * 100.0, first + (last - first) * u_obs)];
    let datasets = vec![
        Dataset::default()
            .name("on demand")
            .marker(symbols::Marker::Braille)
            .graph_type(GraphType::Line)
            .style(Style::default().fg(t.warn))
            .data(&on_demand),
        Dataset::default()
            .name(format!("{} PC", be.environments))
            .marker(symbols::Marker::Braille)
            .graph_type(GraphType::Line)
            .style(Style::default().fg(t.accent))
            .data(&provisioned),
        Dataset::default()
            .name("observed")
            .marker(symbols::Marker::Block)
            .graph_type(GraphType::Scatter)
            .style(Style::default().fg(t.series))
            .data(&marker),
    ];
    let title = match be.break_even_utilization {
        Some(u) if u > 1.0 => format!(
            " break-even {:.0}%: above full use, never cheaper; observed {:.0}% · {} × {} MB ",
            u * 100.0,
            u_obs * 100.0,
            be.environments,
            be.memory_mb
        ),
        Some(u) => format!(
            " break-even {:.0}%, observed {:.0}% · {} × {} MB ",
            u * 100.0,
            u_obs * 100.0,
            be.environments,
            be.memory_mb
        ),
        None => format!(
            " never breaks even, observed {:.0}% · {} × {} MB ",
            u_obs * 100.0,
            be.environments,
            be.memory_mb
        ),
    };
    let chart = Chart::new(datasets)
        .block(Block::default().borders(Borders::ALL).title(title))
        .legend_position(Some(LegendPosition::TopLeft))
        .hidden_legend_constraints((Constraint::Percentage(60), Constraint::Percentage(60)))
        .x_axis(
            Axis::default()
                .bounds([0.0, 100.0])
                .labels(["0%", "50%", "100%"]),
        )
        .y_axis(
            Axis::default()
                .bounds([0.0, y_max * 1.05])
                .labels(["0".to_string(), usd(y_max)]),
        );
    f.render_widget(chart, area);
}

/// The simulate view: the knobs (the selected one marked), then the run beside the simulated
/// baseline (the knobs' defaults) and what the logs show was observed.
fn sim(f: &mut Frame, area: Rect, app: &App, name: &str) {
    let t = &app.theme;
    let k = &app.sim_knobs;
    let warning = app.memory_warning(name, k.memory_mb);
    let values = [
        format!("{}", k.traffic_scale),
        format!("{:.0}", k.keep_alive_s),
        k.provisioned.to_string(),
        match k.memory_mb {
            Some(m) => m.to_string(),
            None => format!("{} (as configured)", app.configured_memory_mb(name)),
        },
        k.concurrency_limit.to_string(),
        k.scaling_per_10s.to_string(),
    ];
    let mut spans = Vec::new();
    for (i, (label, v)) in super::app::SIM_KNOBS.iter().zip(values).enumerate() {
        let style = if i == app.sim_knob {
            Style::default().fg(t.on_accent).bg(t.accent)
        } else {
            Style::default()
        };
        spans.push(Span::styled(format!(" {label} {v} "), style));
        spans.push(Span::raw("  "));
    }
    if app.sim_running {
        spans.push(Span::styled("simulating...", Style::default().fg(t.warn)));
    }
    let mut knob_lines = vec![Line::from(spans)];
    if let Some(w) = warning {
        knob_lines.push(Line::from(Span::styled(
            format!(" ⚠ {w}"),
            Style::default().fg(t.warn).add_modifier(Modifier::BOLD),
        )));
    }
    // The knobs wrap on a narrow terminal rather than lose the last ones.
    let inner = usize::from(area.width.saturating_sub(2)).max(1);
    let rows: usize = knob_lines
        .iter()
        .map(|l| l.width().div_ceil(inner).clamp(1, 3))
        .sum();
    let [knobs_area, table_area, chart_area] = Layout::vertical([
        Constraint::Length(2 + rows as u16),
        Constraint::Length(13),
        Constraint::Min(3),
    ])
    .areas(area);
    f.render_widget(
        Paragraph::new(knob_lines).wrap(Wrap { trim: false }).block(
            Block::default().borders(Borders::ALL).title(format!(
                " simulate {}: replayed traffic, seed {} (tab: knob, +/-: turn) ",
                sanitize(name),
                super::data::SIM_SEED
            )),
        ),
        knobs_area,
    );
    let (Some(now), Some(base)) = (&app.sim, &app.sim_baseline) else {
        let text = match (&app.sim_error, app.sim_running) {
            (Some(e), false) => format!(
                "cannot simulate with these knobs (turn one to run again): {}",
                sanitize(e)
            ),
            _ => "simulating...".to_string(),
        };
        f.render_widget(
            Paragraph::new(text)
                .wrap(Wrap { trim: false })
                .block(Block::default().borders(Borders::ALL)),
            table_area,
        );
        return;
    };
    let observed = app
        .data
        .as_ref()
        .and_then(|d| d.report.functions.iter().find(|r| r.function == name));
    let observed_cost = app
        .data
        .as_ref()
        .and_then(|d| d.costs.get(name))
        .map(|c| c.usd_per_month);
    let (b, n) = (&base.output.total, &now.output.total);
    let count = |x: u64| x.to_string();
    let prob = |x: Option<f64>| x.map_or("-".into(), |p| format!("{:.2}%", p * 100.0));
    // What the logs show, where they show it (throttled requests leave no REPORT line).
    let seen = |g: &dyn Fn(&FunctionReport) -> String| observed.map_or("-".into(), g);
    let rows = [
        (
            "requests",
            seen(&|o| count(o.invocations)),
            count(b.requests),
            count(n.requests),
        ),
        (
            "cold starts",
            seen(&|o| count(o.cold_starts)),
            count(b.cold_starts),
            count(n.cold_starts),
        ),
        (
            "cold-start share",
            seen(&|o| prob(Some(o.cold_start_ratio))),
            prob(b.cold_start_probability),
            prob(n.cold_start_probability),
        ),
        (
            "throttles",
            "-".to_string(),
            count(b.throttles),
            count(n.throttles),
        ),
        (
            "p50 latency",
            seen(&|o| ms(o.duration_ms.p50)),
            ms(b.latency.all.p50_ms),
            ms(n.latency.all.p50_ms),
        ),
        (
            "p99 latency",
            seen(&|o| ms(o.duration_ms.p99)),
            ms(b.latency.all.p99_ms),
            ms(n.latency.all.p99_ms),
        ),
        (
            "peak instances",
            seen(&|o| o.peak_concurrency.map_or("-".into(), count)),
            count(b.max_instances),
            count(n.max_instances),
        ),
        (
            "GB-s billed (exec + init + provisioned)",
            seen(&|o| format!("{:.0}", o.gb_seconds)),
            format!(
                "{:.0}",
                b.billed_execution_gb_s + b.billed_init_gb_s + b.provisioned_gb_s
            ),
            format!(
                "{:.0}",
                n.billed_execution_gb_s + n.billed_init_gb_s + n.provisioned_gb_s
            ),
        ),
        (
            "memory (invocation time ×)",
            seen(&|o| o.memory_size_mb.map_or("-".into(), |m| format!("{m} MB"))),
            format!("{} MB", base.memory_mb),
            format!("{} MB (× {:.2})", now.memory_mb, now.duration_factor),
        ),
        (
            "$ per month (on demand + provisioned)",
            observed_cost.map_or("-".into(), usd),
            base.priced
                .as_ref()
                .map_or("-".into(), |p| usd(p.total_usd_per_month)),
            now.priced
                .as_ref()
                .map_or("-".into(), |p| usd(p.total_usd_per_month)),
        ),
    ];
    // While a run for newer knobs is under way, the last one is shown as what it is.
    let current = if now.knobs == *k {
        "WITH THE KNOBS"
    } else {
        "PREVIOUS KNOBS"
    };
    let table = Table::new(
        rows.iter().map(|(l, o, x, y)| {
            Row::new(vec![
                Cell::from(l.to_string()),
                Cell::from(o.clone()).style(Style::default().fg(t.dim)),
                Cell::from(x.clone()),
                Cell::from(y.clone()),
            ])
        }),
        [
            Constraint::Length(40),
            Constraint::Length(12),
            Constraint::Length(21),
            Constraint::Length(18),
        ],
    )
    .header(
        Row::new(["", "OBSERVED", "BASELINE (SIMULATED)", current])
            .style(Style::default().fg(t.accent).add_modifier(Modifier::BOLD)),
    )
    .block(Block::default().borders(Borders::ALL).title(
        " result: observed = the REPORT lines (latency without INIT); baseline = the simulator at the default knobs ",
    ));
    f.render_widget(table, table_area);
    let series: Vec<(f64, f64)> = now
        .output
        .time_series
        .iter()
        .map(|t| (t.start_s as f64 / 3600.0, t.cold_starts as f64))
        .collect();
    line_chart(
        f,
        chart_area,
        " cold starts per bucket, with the knobs ",
        "simulated start",
        vec![(series, t.warn)],
    );
}

/// One function's invocations, slowest first.
fn invocations(f: &mut Frame, area: Rect, app: &App, data: &DashData, name: &str) {
    let t = &app.theme;
    let ids = data
        .invocations_by_function
        .get(name)
        .map_or(&[][..], Vec::as_slice);
    let header = Row::new(
        [
            "TIME (UTC)",
            "REQUEST ID",
            "DURATION",
            "BILLED",
            "MEM MB",
            "INIT",
            "STATUS",
            "TRACE",
        ]
        .map(Cell::from),
    )
    .style(Style::default().fg(t.accent).add_modifier(Modifier::BOLD));
    let (offset, visible) = window(app.invocations_selected, ids.len(), area.height);
    let rows = ids[offset..offset + visible].iter().map(|i| {
        let r = &data.tables.invocations[*i];
        let style = if r.status != crate::model::Status::Success {
            Style::default().fg(t.warn)
        } else {
            Style::default()
        };
        Row::new(vec![
            r.timestamp.map_or("-".into(), crate::query::time_text),
            sanitize(&r.request_id),
            ms(Some(r.duration_ms)),
            ms(Some(r.billed_duration_ms)),
            format!(
                "{}/{}",
                r.max_memory_used_mb.map_or("-".into(), |m| m.to_string()),
                r.memory_size_mb
            ),
            ms(r.init_duration_ms.or(r.restore_duration_ms)),
            r.status.as_str().to_string(),
            r.trace_id.as_deref().map_or(String::new(), sanitize),
        ])
        .style(style)
    });
    let widths = [
        Constraint::Length(23),
        Constraint::Length(36),
        Constraint::Length(10),
        Constraint::Length(10),
        Constraint::Length(10),
        Constraint::Length(10),
        Constraint::Length(8),
        Constraint::Fill(1),
    ];
    let table = Table::new(rows, widths)
        .header(header)
        .row_highlight_style(Style::default().add_modifier(Modifier::REVERSED))
        .block(Block::default().borders(Borders::ALL).title(format!(
            " invocations of {} ({}), slowest first · enter: log lines · x: trace ",
            sanitize(name),
            ids.len()
        )));
    let mut state =
        TableState::default().with_selected(Some(app.invocations_selected.saturating_sub(offset)));
    f.render_stateful_widget(table, area, &mut state);
}

fn help(f: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let lines: Vec<Line> = app
        .help_lines()
        .into_iter()
        .map(|(k, v)| {
            Line::from(vec![
                Span::styled(format!("{k:>9}  "), Style::default().fg(t.accent)),
                Span::raw(v),
            ])
        })
        .collect();
    let h = (lines.len() as u16 + 2).min(area.height);
    let w = 90.min(area.width);
    let popup = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    };
    f.render_widget(Clear, popup);
    f.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .title(format!(" keys: {} ", app.view().title())),
        ),
        popup,
    );
}
