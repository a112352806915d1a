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
use rust_decimal::Decimal;

use super::app::{App, Input, View, FUNCTION_COLUMNS};
use super::data::DashData;
use super::theme::{color_name, Theme};
use crate::analytics::FunctionReport;
use crate::output::ellipsize;
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

/// `n` of `total`, 0 to 1 (0 of nothing).
fn share_of(n: u64, total: u64) -> f64 {
    if total == 0 {
        0.0
    } else {
        n as f64 / total as f64
    }
}

/// A probability as a percentage with at least two decimals and three significant digits, so
/// that a small one (a cold start in 58,000) does not read as 0.00%; exactly 0 is `0%`.
pub fn share(p: f64) -> String {
    if p == 0.0 || !p.is_finite() {
        return if p == 0.0 { "0%".into() } else { "-".into() };
    }
    let v = p * 100.0;
    let magnitude = v.abs().log10().floor() as i64;
    let decimals = (2 - magnitude).clamp(2, 15) as usize;
    format!("{v:.decimals$}%")
}

/// A USD amount as `faascope cost` prints it: the exact decimal rounded to cents (half away
/// from zero); an amount below half a cent to four decimals (not shown as nothing); from a
/// million up, whole dollars (the money columns are 9 wide, and numbers are never cut).
fn usd(d: Decimal) -> String {
    use rust_decimal::RoundingStrategy::MidpointAwayFromZero;
    if d.is_zero() {
        return "0".into();
    }
    if d.abs() >= Decimal::from(1_000_000) {
        return format!("{:.0}", d.round_dp_with_strategy(0, MidpointAwayFromZero));
    }
    let cents = crate::cost::round_cents(d);
    if cents.is_zero() {
        let four = shown_usd(d);
        if four.is_zero() {
            // Not nothing: under a hundredth of a cent.
            return if d.is_sign_negative() {
                ">-0.0001"
            } else {
                "<0.0001"
            }
            .into();
        }
        format!("{four:.4}")
    } else {
        format!("{cents:.2}")
    }
}

/// The amount [`usd`] shows: whole dollars from a million, cents, or four decimals under a
/// cent (0 for what it shows as `<0.0001`).
fn shown_usd(d: Decimal) -> Decimal {
    use rust_decimal::RoundingStrategy::MidpointAwayFromZero;
    if d.abs() >= Decimal::from(1_000_000) {
        return d.round_dp_with_strategy(0, MidpointAwayFromZero);
    }
    let cents = crate::cost::round_cents(d);
    if cents.is_zero() {
        d.round_dp_with_strategy(4, MidpointAwayFromZero)
    } else {
        cents
    }
}

/// [`usd`] of an amount computed in floating point (the simulator's, a chart's axis).
fn usd_f64(x: f64) -> String {
    use rust_decimal::prelude::FromPrimitive;
    Decimal::from_f64(x).map_or_else(|| format!("{x:.2}"), usd)
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
    // A prompt longer than the line shows its end, where the typing is (the prefix and the
    // cursor take two columns).
    let typed = usize::from(bottom.width).saturating_sub(2);
    let line = match &app.input {
        Input::Command(s) => Line::from(vec![
            Span::styled(":", Style::default().fg(t.accent)),
            Span::raw(tail_fit(&sanitize(s), typed)),
            Span::styled("█", Style::default().fg(t.accent)),
        ]),
        Input::Filter(s) => Line::from(vec![
            Span::styled("/", Style::default().fg(t.accent)),
            Span::raw(tail_fit(&sanitize(s), typed)),
            Span::styled("█", Style::default().fg(t.accent)),
        ]),
        Input::Normal => {
            let shown = match app.view() {
                View::Functions => &app.filter_text,
                View::Traces => &app.trace_filter_text,
                _ => "",
            };
            let filter = if shown.is_empty() {
                String::new()
            } else {
                format!("  [filter /{}]", sanitize(shown))
            };
            // A status longer than the line ends in `…`: it was cut, not finished there (the
            // views say it whole: the detail view a cost's reason, the logs view an error).
            let room = usize::from(bottom.width)
                .saturating_sub(unicode_width::UnicodeWidthStr::width(filter.as_str()));
            let mut spans = vec![Span::raw(ellipsize(&sanitize(&app.status), room))];
            if !filter.is_empty() {
                spans.push(Span::styled(filter, Style::default().fg(t.warn)));
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
        // A SnapStart function starts cold by restoring (no INIT): its restore time, as
        // `faascope report`'s `init p50`.
        ms(f.init_duration_ms.p50.or(f.restore_duration_ms.p50)),
        // At the size shown, as `faascope report`'s table.
        match (
            f.max_memory_used_mb.at_size.or(f.max_memory_used_mb.max),
            f.memory_size_mb,
        ) {
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
        ("Flex Consumption", "Flex"),
        ("Fargate tasks", "Fargate"),
        ("-yr assumed", " yr"),
        (" (or a self-hosted FaaS on it)", ""),
        ("1-yr reserved", "1-yr RI"),
        (" (assumed ", " ("),
        ("(instance-based, ", "(instance, "),
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

/// How many rows `text` takes wrapped at words in `width` columns (as a paragraph wraps it;
/// a word longer than the width takes rows of its own).
fn wrapped_rows(text: &str, width: usize) -> usize {
    use unicode_width::UnicodeWidthStr;
    let width = width.max(1);
    let (mut rows, mut used) = (1, 0);
    let mut rest = text;
    while !rest.is_empty() {
        // The blanks before a word count where they fall inside a row (as the paragraph keeps
        // them), not at the start of one.
        let blanks = rest.len() - rest.trim_start().len();
        let gap = rest[..blanks].width();
        rest = &rest[blanks..];
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let w = rest[..end].width();
        rest = &rest[end..];
        if w == 0 {
            break;
        }
        let need = if used == 0 { w } else { used + gap + w };
        if need <= width {
            used = need;
        } else {
            rows += usize::from(used > 0);
            rows += w.saturating_sub(1) / width;
            used = match w % width {
                0 => width,
                r => r,
            };
        }
    }
    rows
}

/// `s` in `width` columns: cut with `…` when longer.
/// The end of `s` that fits in `width` columns, `…` first when the start is cut: what is
/// being typed at a prompt stays in sight, with the cursor after it.
fn tail_fit(s: &str, width: usize) -> String {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    if s.width() <= width {
        return s.to_string();
    }
    let mut kept: Vec<char> = Vec::new();
    let mut used = 0;
    for c in s.chars().rev() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        used += w;
        kept.push(c);
    }
    std::iter::once('…').chain(kept.into_iter().rev()).collect()
}

/// [`ellipsize`], cutting the name before an item's figure rather than the figure
/// (`api.stripe.exa… 244.7ms`, not `api.stripe.example 244.7…`): the figure is the text from
/// the last space followed by a digit. Too narrow for the figure, the whole is cut.
fn ellipsize_keeping_figure(s: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    let figure = s
        .char_indices()
        .zip(s.chars().skip(1))
        .filter(|((_, c), next)| *c == ' ' && next.is_ascii_digit())
        .map(|((i, _), _)| i)
        .last();
    match figure {
        Some(i) if s.width() > width && width > s[i..].width() + 1 => {
            ellipsize(&s[..i], width - s[i..].width()) + &s[i..]
        }
        _ => ellipsize(s, width),
    }
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
    // Files left out on purpose, on the screen (ninth-round dash review: "read 1 file, 0 log
    // lines" for a faascope export, its reason on stderr only after quitting).
    if !i.passed_over.is_empty() {
        lines.push(Line::from(format!(
            "passed over {} {} no logs to read (keep faascope's own exports out of the input directories):",
            i.passed_over.len(),
            if i.passed_over.len() == 1 {
                "file that holds"
            } else {
                "files that hold"
            }
        )));
        lines.extend(i.passed_over.iter().take(5).map(|p| {
            Line::from(Span::styled(
                format!("  {}", sanitize(p)),
                Style::default().fg(t.dim),
            ))
        }));
    }
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
    let cost = data.costs.get(name);
    let text = vec![
        Line::from(format!(
            "invocations {}   errors {} ({}%)   timeouts {} ({}%)   cold starts {} ({}%)   peak concurrency {}",
            r.invocations,
            r.errors,
            pct(share_of(r.errors, r.invocations)),
            r.timeouts,
            pct(share_of(r.timeouts, r.invocations)),
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
    // The summary first and whole (wrapped on a narrow terminal); the charts and the lower
    // row only where there is room for them, rather than squeezed to nothing.
    let inner = usize::from(area.width.saturating_sub(2)).max(1);
    let rows: usize = text
        .iter()
        .map(|l| wrapped_rows(&l.to_string(), inner))
        .sum();
    let summary_height = (rows as u16 + 2).min(area.height);
    let rest = area.height.saturating_sub(summary_height);
    let insights = insight_lines(t, data, name);
    // Without room for both rows, the insights (what to act on) before the charts: as many
    // lines as they wrap to, the charts in what is left when that is enough for one.
    let need: usize = insights
        .iter()
        .map(|l| wrapped_rows(&l.to_string(), inner))
        .sum();
    let (charts_height, lower_height, insights_only) = match rest {
        h if h >= 18 => (h - 10, 10, false),
        h if h >= 3 => {
            let lower = (u16::try_from(need).unwrap_or(u16::MAX).saturating_add(2)).min(h);
            let charts = if h - lower >= 8 { h - lower } else { 0 };
            (charts, lower, true)
        }
        _ => (0, 0, false),
    };
    // Cut short: the title says how many there are.
    let insights_title = if insights_only && need + 2 > usize::from(lower_height) {
        format!(
            " insights: {} finding(s), more lines than fit ",
            data.findings_of(name).count()
        )
    } else {
        " insights ".to_string()
    };
    let [summary, charts, lower] = Layout::vertical([
        Constraint::Length(summary_height),
        Constraint::Length(charts_height),
        Constraint::Length(lower_height),
    ])
    .areas(area);
    f.render_widget(
        Paragraph::new(text).wrap(Wrap { trim: true }).block(
            Block::default()
                .borders(Borders::ALL)
                .title(format!(" {} ", sanitize(name))),
        ),
        summary,
    );
    if charts_height > 0 {
        charts_row(f, charts, t, data, name);
    }
    if lower_height == 0 {
        return;
    }
    let insights_box = Paragraph::new(insights)
        .wrap(Wrap { trim: true })
        .block(Block::default().borders(Borders::ALL).title(insights_title));
    if insights_only {
        f.render_widget(insights_box, lower);
        return;
    }
    let [hist, findings] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(lower);
    histogram(f, hist, t, data, name);
    f.render_widget(insights_box, findings);
}

/// The detail view's findings of the function, and its skipped rules.
fn insight_lines(t: &Theme, data: &DashData, name: &str) -> Vec<Line<'static>> {
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
    lines
}

/// The detail view's charts: three side by side, or the first alone on a narrow terminal.
fn charts_row(f: &mut Frame, charts: Rect, t: &Theme, data: &DashData, name: &str) {
    // Three charts side by side when each has room for its axis labels, else the first alone.
    let [left, middle, right] = if charts.width >= 90 {
        Layout::horizontal([
            Constraint::Percentage(40),
            Constraint::Percentage(30),
            Constraint::Percentage(30),
        ])
        .areas(charts)
    } else {
        Layout::horizontal([
            Constraint::Percentage(100),
            Constraint::Length(0),
            Constraint::Length(0),
        ])
        .areas(charts)
    };
    let points = data.series.get(name).cloned().unwrap_or_default();
    // Without a timed invocation there are no hours to chart (seventh-round review: three
    // empty charts on a 1 January 1970 axis read as a day without calls).
    if points.is_empty() {
        f.render_widget(
            Paragraph::new(
                "no invocation with a time (REPORT lines without timestamps): nothing to chart per hour",
            )
            .wrap(Wrap { trim: true })
            .block(Block::default().borders(Borders::ALL).title(" per hour ")),
            charts,
        );
        return;
    }
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
}

/// An axis's top value: whole numbers as they are, fractions with enough digits to read.
fn axis_label(v: f64) -> String {
    if v >= 10.0 || v.fract() == 0.0 {
        format!("{v:.0}")
    } else if v >= 1.0 {
        format!("{v:.1}")
    } else if v >= 0.01 {
        format!("{v:.2}")
    } else if v >= 0.0001 {
        format!("{v:.4}")
    } else {
        // Below what four decimals show (a top of 2.1e-5 read `0.0000`: sixth-round dash
        // review): two significant digits with the exponent.
        format!("{v:.1e}")
    }
}

fn line_chart(
    f: &mut Frame,
    area: Rect,
    title: &str,
    since: &str,
    series: Vec<(Vec<(f64, f64)>, Color)>,
) {
    if area.width < 3 || area.height < 3 {
        return;
    }
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
    let y_labels = ["0".to_string(), axis_label(y_max)];
    let end = format!("+{x_max:.0} h");
    // The first x label starts at the y axis (not left of it, where a narrow chart would cut
    // `09-01 00:00` to `0:00`); labels that would not fit whole are left out rather than cut
    // (`1 h` for `+71 h` reads as another window).
    let inner = area.width.saturating_sub(2);
    let y_width = y_labels
        .iter()
        .map(|l| l.chars().count() as u16)
        .max()
        .unwrap_or(1)
        .min(inner / 3);
    let graph = usize::from(inner.saturating_sub(y_width + 1));
    let fits = graph / 2 > since.chars().count().max(end.chars().count());
    let mut x_axis = Axis::default()
        .bounds([0.0, x_max])
        .labels_alignment(ratatui::layout::Alignment::Right);
    if fits {
        x_axis = x_axis.labels([since.to_string(), end]);
    }
    let chart = Chart::new(datasets)
        .block(
            Block::default()
                .borders(Borders::ALL)
                .title(title.to_string()),
        )
        .x_axis(x_axis)
        .y_axis(Axis::default().bounds([0.0, y_max * 1.05]).labels(y_labels));
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
        match (&app.logs, app.logs_running, &app.logs_error) {
            (_, true, _) => "(running)".to_string(),
            // A failed query has no rows of its own (the last answer's are not shown).
            (_, false, Some(_)) => "(failed)".to_string(),
            (Some(r), false, None) => format!("({} rows)", r.rows.len()),
            (None, false, None) => String::new(),
        }
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
    // Only the rows on screen are built: a result may hold every log line of the sources.
    let (offset, visible) = window(app.logs_selected, r.rows.len(), area.height);
    let on_screen = &r.rows[offset..offset + visible];
    // Each column as wide as its header and its widest cell among the first rows and those
    // on screen (at most 40, but the last column takes what is left). Numbers and times are
    // never cut: a column that cannot have its width is left out with those after it, and
    // the title says so; text is cut with `…` (enter shows the whole row).
    let columns: Vec<(u16, u16)> = r
        .columns
        .iter()
        .enumerate()
        .map(|(k, c)| {
            let sample = || r.rows.iter().take(200).chain(on_screen);
            let w = sample()
                .map(|row| shown_cell(&row[k]).chars().count())
                .chain(std::iter::once(c.chars().count()))
                .max()
                .unwrap_or(4)
                .min(40) as u16;
            let exact = sample().all(|row| !matches!(row[k], Value::Str(_)));
            let min = if exact { w } else { w.min(8) };
            let max = if k + 1 == r.columns.len() && !exact {
                u16::MAX
            } else {
                w
            };
            (min, max)
        })
        .collect();
    let widths = fit_columns(&columns, area.width.saturating_sub(2));
    let header = Row::new(
        r.columns
            .iter()
            .zip(&widths)
            .map(|(c, w)| Cell::from(ellipsize(&sanitize(c), usize::from(*w)))),
    )
    .style(Style::default().fg(t.accent).add_modifier(Modifier::BOLD));
    let rows = on_screen.iter().map(|row| {
        Row::new(
            row.iter()
                .zip(&widths)
                .map(|(v, w)| ellipsize(&shown_cell(v), usize::from(*w))),
        )
    });
    let hidden = r.columns.len().saturating_sub(widths.len());
    let table = Table::new(rows, widths.iter().map(|w| Constraint::Length(*w)))
        .header(header)
        .row_highlight_style(Style::default().add_modifier(Modifier::REVERSED))
        .block(block.title_bottom(if hidden > 0 {
            format!(
                " {hidden} column{} off screen · enter: the whole row ",
                if hidden == 1 { "" } else { "s" }
            )
        } else {
            " enter: the whole row ".to_string()
        }));
    let mut state = TableState::default().with_selected(Some(app.logs_selected - offset));
    f.render_stateful_widget(table, area, &mut state);
    if let (Some(scroll), Some(row)) = (app.logs_popup, r.rows.get(app.logs_selected)) {
        row_popup(
            f,
            area,
            t,
            &r.columns,
            row,
            app.logs_selected,
            r.rows.len(),
            scroll,
        );
    }
}

/// One row of the logs view whole: each column's name and its value, line breaks kept and
/// every line sanitized, numbers with all their digits; `scroll` lines scrolled off the top.
#[allow(clippy::too_many_arguments)]
fn row_popup(
    f: &mut Frame,
    area: Rect,
    t: &Theme,
    columns: &[String],
    row: &[Value],
    index: usize,
    rows: usize,
    scroll: u16,
) {
    let text = popup_text(columns, row);
    let popup = Rect {
        x: area.x + 2.min(area.width / 8),
        y: area.y + 1.min(area.height / 8),
        width: area.width.saturating_sub(2 * 2.min(area.width / 8)),
        height: area.height.saturating_sub(2 * 1.min(area.height / 8)),
    };
    let (inner_w, inner_h) = (
        popup.width.saturating_sub(2),
        popup.height.saturating_sub(2),
    );
    // Scrolled no further than the last screenful (PgDn past the end showed an empty box).
    let total = popup_rows_of(&text, inner_w);
    let scroll = usize::from(scroll).min(total.saturating_sub(usize::from(inner_h)));
    let lines: Vec<Line> = text
        .into_iter()
        .map(|(label, value)| match label {
            Some(l) => Line::from(vec![
                Span::styled(
                    l,
                    Style::default().fg(t.accent).add_modifier(Modifier::BOLD),
                ),
                Span::raw(value),
            ]),
            None => Line::from(value),
        })
        .collect();
    let last = (scroll + usize::from(inner_h)).min(total);
    f.render_widget(Clear, popup);
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0))
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(format!(" row {} of {rows} ", index + 1))
                    .title(
                        Line::from(format!(" lines {}–{last} of {total} ", scroll + 1))
                            .right_aligned(),
                    )
                    .title_bottom(" j/k: next/previous row · PgDn/PgUp: scroll · esc: close "),
            ),
        popup,
    );
}

/// A value as a logs-view cell shows it (`faascope query`'s text), from its first 4,096
/// characters: no cell is wider, and a 60 MB line was sanitized and measured whole on every
/// frame.
fn shown_cell(v: &Value) -> String {
    const CELL_MAX_CHARS: usize = 4_096;
    match v {
        Value::Str(s) if s.len() > CELL_MAX_CHARS => {
            let cut = s
                .char_indices()
                .nth(CELL_MAX_CHARS)
                .map_or(s.len(), |(i, _)| i);
            crate::output::query::shown(&Value::Str(s[..cut].to_string()))
        }
        other => crate::output::query::shown(other),
    }
}

/// Characters of one value the row popup shows: the whole of a 60 MB log line was copied and
/// wrapped on every frame (seconds a key). `faascope logs` and `export` show it all.
const POPUP_VALUE_MAX_CHARS: usize = 100_000;

/// The row popup's lines: a field's label (`name: `) with the first line of its value, then
/// the value's other lines indented; every line sanitized, a value cut at
/// [`POPUP_VALUE_MAX_CHARS`] with what was left out said.
/// `x` to `digits` significant digits, trailing zeros of the fraction dropped.
pub(super) fn significant(x: f64, digits: i32) -> String {
    let magnitude = if x == 0.0 {
        0
    } else {
        x.abs().log10().floor() as i32
    };
    let decimals = usize::try_from((digits - 1 - magnitude).max(0)).unwrap_or(0);
    let s = format!("{x:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

fn popup_text(columns: &[String], row: &[Value]) -> Vec<(Option<String>, String)> {
    let mut lines = Vec::new();
    for (c, v) in columns.iter().zip(row) {
        let (text, left_out) = match v {
            Value::Str(s) => {
                let cut = s
                    .char_indices()
                    .nth(POPUP_VALUE_MAX_CHARS)
                    .map_or(s.len(), |(i, _)| i);
                (
                    crate::output::unify_line_breaks(&s[..cut]).into_owned(),
                    s.len() - cut,
                )
            }
            // Twelve significant digits: all a figure's digits, not the binary float's noise
            // (471.9901999999997 is 471.9902; the table beside shows 471.99).
            Value::Num(x) if x.is_finite() && x.fract() != 0.0 => (significant(*x, 12), 0),
            other => (other.text(), 0),
        };
        let mut parts = text.split('\n');
        lines.push((
            Some(format!("{}: ", sanitize(c))),
            sanitize(parts.next().unwrap_or("")),
        ));
        lines.extend(parts.map(|l| (None, format!("  {}", sanitize(l)))));
        // After the text is cleaned: a cut inside an escape sequence would eat into it.
        if left_out > 0 {
            if let Some((_, last)) = lines.last_mut() {
                last.push_str(&format!(
                    " … [{left_out} more bytes: `faascope logs` or `faascope export --table logs` shows the whole value]"
                ));
            }
        }
    }
    lines
}

fn popup_rows_of(text: &[(Option<String>, String)], width: u16) -> usize {
    text.iter()
        .map(|(label, value)| match label {
            Some(l) => wrapped_rows(&format!("{l}{value}"), usize::from(width)),
            None => wrapped_rows(value, usize::from(width)),
        })
        .sum()
}

/// How many rows the row popup's text takes wrapped in `width` columns.
pub(crate) fn popup_rows(columns: &[String], row: &[Value], width: u16) -> usize {
    popup_rows_of(&popup_text(columns, row), width)
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
    let headers = [
        "TRACE ID",
        "ROOT",
        "START (UTC)",
        "DURATION",
        "INIT",
        "FLAGS",
        "SPANS",
        "TOP DOWNSTREAM",
    ];
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
    // A narrow terminal leaves out the last columns whole and cuts the trace id and the root
    // name with `…`, never a time or a number.
    let widths = fit_columns(
        &[
            (13, 36),
            (root_width.min(12), root_width),
            (19, 19),
            (10, 10),
            (10, 10),
            (flags_width, flags_width),
            (5, 5),
            (10, u16::MAX),
        ],
        area.width.saturating_sub(2),
    );
    let header = Row::new(
        headers
            .iter()
            .zip(&widths)
            .map(|(h, w)| Cell::from(ellipsize(h, usize::from(*w)))),
    )
    .style(
        Style::default()
            .fg(theme.accent)
            .add_modifier(Modifier::BOLD),
    );
    let rows = on_screen.iter().map(|t| {
        // The service the trace waited on longest, named as the CLI's list names it.
        let top = t.downstream.first().map_or(String::new(), |d| {
            sanitize(&crate::output::traces::downstream_item(d))
        });
        let style = if t.fault || t.error || t.throttle {
            Style::default().fg(theme.warn)
        } else {
            Style::default()
        };
        let cells: [String; 8] = [
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
        ];
        let last = cells.len() - 1;
        Row::new(cells.iter().zip(&widths).enumerate().map(|(i, (c, w))| {
            if i == last {
                ellipsize_keeping_figure(c, usize::from(*w))
            } else {
                ellipsize(c, usize::from(*w))
            }
        }))
        .style(style)
    });
    let table = Table::new(rows, widths.iter().map(|w| Constraint::Length(*w)))
        .header(header)
        .row_highlight_style(Style::default().add_modifier(Modifier::REVERSED))
        .block(
            Block::default()
                .borders(Borders::ALL)
                .title(title)
                .title_bottom(off_screen(headers.len() - widths.len())),
        );
    let mut state =
        TableState::default().with_selected(Some(app.traces_selected.saturating_sub(offset)));
    f.render_stateful_widget(table, area, &mut state);
}

/// One trace as a waterfall: the text renderer `faascope traces --trace-id` uses.
fn trace(f: &mut Frame, area: Rect, data: &DashData, id: &str) {
    use unicode_width::UnicodeWidthStr;
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" waterfall {} ", sanitize(id)));
    let Some(mut rows) = crate::analytics::traces::waterfall(&data.tables.spans, id) else {
        f.render_widget(
            Paragraph::new(no_such_trace(id, data.tables.spans.len()))
                .wrap(Wrap { trim: false })
                .block(block),
            area,
        );
        return;
    };
    // Each name on its own (a line break inside one would start a line of its own), as
    // `faascope traces --trace-id` prints them.
    for r in &mut rows {
        r.name = sanitize(&r.name);
        r.detail = r.detail.as_deref().map(sanitize);
    }
    // The flags and the detail (`GetItem, HTTP 200`, `cold`) follow the bar: the bar is drawn
    // short enough for them to fit (up to half the width), or two calls to one service would
    // look the same.
    let inner = usize::from(area.width.saturating_sub(2));
    let annotations = rows
        .iter()
        .map(|r| {
            [Some(r.flags.as_str()), r.detail.as_deref()]
                .into_iter()
                .flatten()
                .filter(|s| !s.is_empty())
                .map(|s| s.width() + 2)
                .sum::<usize>()
        })
        .max()
        .unwrap_or(0);
    let text = crate::analytics::traces::render_waterfall_text(
        &rows,
        inner.saturating_sub(annotations).max(inner / 2),
    );
    let lines: Vec<Line> = text.lines().map(|l| Line::from(sanitize(l))).collect();
    f.render_widget(Paragraph::new(lines).block(block), area);
}

/// Why a trace has no waterfall, and how to get one.
pub fn no_such_trace(id: &str, spans: usize) -> String {
    format!(
        "trace {} is not in the sources ({spans} X-Ray spans read): add its X-Ray files (`aws xray batch-get-traces` output) or xray:// to the sources",
        sanitize(id)
    )
}

fn dec(d: rust_decimal::Decimal) -> f64 {
    use rust_decimal::prelude::ToPrimitive;
    d.to_f64().unwrap_or(f64::NAN)
}

/// The cost view's number columns after the option's name, in the order they are dropped
/// from the right when the names would not fit: header and width.
const COST_COLUMNS: [(&str, u16); 5] = [
    ("TYPICAL $", 10),
    ("LOW $", 9),
    ("HIGH $", 9),
    ("PC UTIL", 8),
    ("BREAK-EVEN", 10),
];

/// Where the cost view's options table and break-even chart go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct CostLayout {
    table: Rect,
    /// `None`: no room for it.
    chart: Option<Rect>,
    /// The number columns shown (of [`COST_COLUMNS`], from the first).
    columns: usize,
    name_width: usize,
}

/// The narrowest the break-even chart is drawn, and how tall it is under the table.
const CHART_MIN_WIDTH: u16 = 40;
const CHART_HEIGHT: u16 = 12;

/// Lays out the cost view's middle: the names are the last to shrink. The table takes what the
/// whole names need (abbreviated if that leaves the chart room beside it); the chart goes
/// beside it, else under it, else is left out; number columns are dropped from the right
/// before the names are cut (with `…`).
fn cost_layout(area: Rect, names: &[String]) -> CostLayout {
    use unicode_width::UnicodeWidthStr;
    const MAX_NAME: usize = 48;
    let numbers = |n: usize| -> usize {
        COST_COLUMNS[..n]
            .iter()
            .map(|(_, w)| usize::from(*w) + 1)
            .sum()
    };
    let widest = |f: &dyn Fn(&str) -> String| {
        names
            .iter()
            .map(|n| f(n).width())
            .max()
            .unwrap_or(6)
            .clamp(6, MAX_NAME)
    };
    let whole = widest(&|n| n.to_string());
    let short = widest(&|n| fit_option_name(n, 0));
    let all = COST_COLUMNS.len();
    let table_width = |name: usize| (2 + name + numbers(all)) as u16;
    // Beside: whole names if they leave the chart room, else abbreviated ones.
    for name in [whole, short] {
        if area.width >= table_width(name) + CHART_MIN_WIDTH {
            let [table, chart] =
                Layout::horizontal([Constraint::Length(table_width(name)), Constraint::Min(0)])
                    .areas(area);
            return CostLayout {
                table,
                chart: Some(chart),
                columns: all,
                name_width: name,
            };
        }
    }
    // The table across the width, the chart under it when the height allows.
    let (table, chart) = if area.height >= CHART_HEIGHT * 2 && area.width >= CHART_MIN_WIDTH {
        let [table, chart] =
            Layout::vertical([Constraint::Min(0), Constraint::Length(CHART_HEIGHT)]).areas(area);
        (table, Some(chart))
    } else {
        (area, None)
    };
    let inner = usize::from(table.width.saturating_sub(2));
    // Number columns go before the (abbreviated) names are cut; TYPICAL stays.
    let mut columns = all;
    while columns > 1 && inner < short + numbers(columns) {
        columns -= 1;
    }
    CostLayout {
        table,
        chart,
        columns,
        name_width: inner.saturating_sub(numbers(columns)).min(whole).max(1),
    }
}

/// The cost options of one function under the view's knobs, cheapest marked, beside the
/// provisioned-concurrency break-even chart.
fn cost(f: &mut Frame, area: Rect, app: &App, name: &str) {
    let t = &app.theme;
    let k = &app.cost_knobs;
    // A what-if below the memory the function used: out of memory, whatever it costs.
    let warning = app.memory_warning(name, k.memory_mb);
    let arch = if k.arm64 { "arm64" } else { "x86_64" };
    let pc = if k.provisioned == 0 {
        "at the observed p50/p95/p99/peak".to_string()
    } else {
        format!(
            "{} environment{}, and at the observed p50/p95/p99/peak",
            k.provisioned,
            if k.provisioned == 1 { "" } else { "s" }
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
    if let Some(w) = app.cost.as_ref().and_then(|a| a.timeout_warning.as_ref()) {
        lines.push(Line::from(Span::styled(
            format!("⚠ {w}"),
            Style::default().fg(t.warn).add_modifier(Modifier::BOLD),
        )));
    }
    if let Some(answer) = &app.cost {
        let c = &answer.comparison;
        lines.push(Line::from(format!(
            "{} MB in {}   concurrency p50 {} p95 {} p99 {} peak {}   cheapest: {} (saves ${}/month against on demand{})",
            c.memory_mb,
            sanitize(&c.region),
            c.concurrency.p50,
            c.concurrency.p95,
            c.concurrency.p99,
            c.concurrency.peak,
            // By the name `faascope cost` prints, not the internal id.
            sanitize(
                c.options
                    .iter()
                    .find(|o| o.id == c.cheapest)
                    .map_or(&c.cheapest, |o| &o.name)
            ),
            usd(c.monthly_saving_usd.typical),
            // The options' figures are each rounded to the cent: said when the two shown do
            // not subtract to the saving (dash8 review: $1.64 − $0.21 beside "saves $1.44").
            // As shown: four decimals under a cent (ninth-round dash review: 0.01 − 0.0036
            // beside "saves $0.01" went without the note).
            if shown_usd(c.on_demand_usd.typical) - shown_usd(c.cheapest_usd.typical)
                != shown_usd(c.monthly_saving_usd.typical)
            {
                "; each $ figure rounded on its own"
            } else {
                ""
            }
        )));
        // Last: on a short terminal the warnings and the headline go before it.
        if k.memory_mb.is_some() {
            lines.push(Line::from(Span::styled(
                format!(
                    "memory what-if: invocation time × {:.2} (faascope tune's model, assumed fully CPU-bound and single-threaded)",
                    answer.duration_factor
                ),
                Style::default().fg(t.warn),
            )));
        }
    }
    // The knobs, the warnings and the headline whole when the terminal has the rows (they
    // wrap): before the notes, and down to a table of a few rows (ninth-round dash review:
    // at 80x24 the headline, at 60x15 the "would time out" warning, were cut without a sign).
    let inner = usize::from(area.width.saturating_sub(2)).max(1);
    let rows: usize = lines
        .iter()
        .map(|l| wrapped_rows(&l.to_string(), inner))
        .sum();
    // A table's borders, header and two rows.
    const MIDDLE_MIN: u16 = 5;
    // The notes of the answer: their box only when there are some, and only as tall as they
    // are (up to 4 lines), so a small terminal gives its rows to the options.
    let note_lines: Vec<Line> = app
        .cost
        .iter()
        .flat_map(|a| {
            let c = &a.comparison;
            c.unavailable
                .iter()
                .map(|(id, why)| format!("not priced: {}: {}", sanitize(id), sanitize(why)))
                .chain(c.notes.iter().map(|n| sanitize(n)))
                .collect::<Vec<_>>()
        })
        .map(Line::from)
        .collect();
    let note_rows: usize = note_lines
        .iter()
        .map(|l| wrapped_rows(&l.to_string(), inner))
        .sum();
    let knobs_height = (2 + rows.max(3) as u16).min(area.height.saturating_sub(MIDDLE_MIN).max(3));
    let notes_height = if note_rows == 0 {
        0
    } else {
        let fits = area.height.saturating_sub(knobs_height + 8);
        if fits < 3 {
            0
        } else {
            (2 + note_rows.min(4) as u16).min(fits)
        }
    };
    let notes_left_out = note_rows > 0 && notes_height == 0;
    let [knobs, middle, notes] = Layout::vertical([
        Constraint::Length(knobs_height),
        Constraint::Min(MIDDLE_MIN),
        Constraint::Length(notes_height),
    ])
    .areas(area);
    let knobs_cut = rows > usize::from(knobs.height.saturating_sub(2));
    f.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: true }).block(
            Block::default().borders(Borders::ALL).title(format!(
                " cost of {} per month {}",
                sanitize(name),
                if knobs_cut {
                    "· cut: a taller terminal shows it whole "
                } else {
                    ""
                }
            )),
        ),
        knobs,
    );
    let Some(answer) = &app.cost else {
        let text = match (&app.cost_error, app.cost_running) {
            // "With these knobs" only when knobs could matter: a function the logs cannot
            // project a month for (no timed invocation) has no cost at any setting.
            (Some(e), false) if e.starts_with("no cost for") => {
                format!("cannot price: {}", sanitize(e))
            }
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
    let mut options: Vec<_> = c.options.iter().collect();
    options.sort_by_key(|o| o.monthly_usd.typical);
    let names: Vec<String> = options.iter().map(|o| sanitize(&o.name)).collect();
    let layout = cost_layout(middle, &names);
    let columns = &COST_COLUMNS[..layout.columns];
    let header = Row::new(
        std::iter::once("OPTION")
            .chain(columns.iter().map(|(h, _)| *h))
            .map(Cell::from),
    )
    .style(Style::default().fg(t.accent).add_modifier(Modifier::BOLD));
    let selected = app.cost_selected.min(options.len().saturating_sub(1));
    let (offset, visible) = window(selected, options.len(), layout.table.height);
    let rows = options[offset..offset + visible]
        .iter()
        .zip(&names[offset..offset + visible])
        .map(|(o, name)| {
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
            let cells = [
                usd(o.monthly_usd.typical),
                usd(o.monthly_usd.low),
                usd(o.monthly_usd.high),
                util,
                be,
            ];
            Row::new(
                std::iter::once(ellipsize(
                    &fit_option_name(name, layout.name_width),
                    layout.name_width,
                ))
                .chain(cells.into_iter().take(layout.columns)),
            )
            .style(style)
        });
    let widths: Vec<Constraint> = std::iter::once(layout.name_width)
        .chain(columns.iter().map(|(_, w)| usize::from(*w)))
        .map(|w| Constraint::Length(w as u16))
        .collect();
    let mut title = format!(" options, cheapest first ({}) ", options.len());
    if options.len() > visible {
        title.push_str(&format!("· {}-{} (j/k) ", offset + 1, offset + visible));
    }
    if layout.chart.is_none() {
        title.push_str("· no room for the chart ");
    }
    if notes_left_out {
        title.push_str("· no room for the notes (`faascope cost` prints them) ");
    }
    let mut state = TableState::default().with_selected(Some(selected - offset));
    f.render_stateful_widget(
        Table::new(rows, widths)
            .header(header)
            .row_highlight_style(Style::default().add_modifier(Modifier::REVERSED))
            .block(Block::default().borders(Borders::ALL).title(title)),
        layout.table,
        &mut state,
    );
    if let Some(chart_area) = layout.chart {
        break_even_chart(f, chart_area, t, answer.break_even.as_ref());
    }
    if notes_height > 0 {
        // Notes longer than their box say so (`faascope cost` prints them whole).
        let title = if note_rows > usize::from(notes.height.saturating_sub(2)) {
            " notes · cut: `faascope cost` prints them whole "
        } else {
            " notes "
        };
        f.render_widget(
            Paragraph::new(note_lines)
                .wrap(Wrap { trim: true })
                .block(Block::default().borders(Borders::ALL).title(title)),
            notes,
        );
    }
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
                .labels(["0".to_string(), usd_f64(y_max)]),
        );
    f.render_widget(chart, area);
}

/// The Simulate view's row of timeouts (shown when a column has one).
const TIMEOUTS_ROW: &str = "timeouts (environment reset)";

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
    // The knobs wrap on a narrow terminal rather than lose the last ones, between knobs: a
    // label keeps its value beside it.
    let inner = usize::from(area.width.saturating_sub(2)).max(1);
    let mut knob_lines: Vec<Line> = Vec::new();
    let mut line: Vec<Span> = Vec::new();
    let mut width = 0usize;
    let mut put =
        |span: Span<'static>, line: &mut Vec<Span<'static>>, lines: &mut Vec<Line<'static>>| {
            let w = span.width();
            if width > 0 && width + w > inner {
                lines.push(Line::from(std::mem::take(line)));
                width = 0;
            }
            line.push(span);
            width += w;
            if width + 2 <= inner {
                line.push(Span::raw("  "));
                width += 2;
            }
        };
    for (i, (label, v)) in super::app::SIM_KNOBS.iter().zip(values).enumerate() {
        let style = if i == app.sim_knob {
            Style::default().fg(t.on_accent).bg(t.accent)
        } else {
            Style::default()
        };
        put(
            Span::styled(format!(" {label} {v} "), style),
            &mut line,
            &mut knob_lines,
        );
    }
    if app.sim_running {
        put(
            Span::styled("simulating...", Style::default().fg(t.warn)),
            &mut line,
            &mut knob_lines,
        );
    }
    knob_lines.push(Line::from(line));
    if let Some(w) = warning {
        knob_lines.push(Line::from(Span::styled(
            format!(" ⚠ {w}"),
            Style::default().fg(t.warn).add_modifier(Modifier::BOLD),
        )));
    }
    let rows: usize = knob_lines
        .iter()
        .map(|l| l.width().div_ceil(inner).clamp(1, 3))
        .sum::<usize>()
        .min(6);
    // The result's rows (11, and the timeouts row when a column has one: verification of
    // 1c5f2bf, it pushed "$ per month" out of the box) with the box's borders and header.
    let observed_timeouts = app
        .data
        .as_ref()
        .and_then(|d| d.report.functions.iter().find(|r| r.function == name))
        .is_some_and(|o| o.timeouts > 0);
    let simulated_timeouts = [&app.sim, &app.sim_baseline]
        .into_iter()
        .flatten()
        .any(|r| r.output.total.timeouts > 0);
    let result_rows: u16 = if observed_timeouts || simulated_timeouts {
        12
    } else {
        11
    };
    let [knobs_area, table_area, chart_area] = Layout::vertical([
        Constraint::Length(2 + rows as u16),
        Constraint::Length(result_rows + 3),
        Constraint::Min(0),
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
            // At the knobs' starting values no knob is to blame (too few timed invocations).
            (Some(e), false) if app.sim_knobs == super::data::SimKnobs::default() => {
                format!("cannot simulate {}: {}", sanitize(name), sanitize(e))
            }
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
    let prob = |x: Option<f64>| x.map_or("-".into(), share);
    // Requests never served (sync rejections, async events dropped) and their share.
    let rejected = |m: &faascope_sim::Metrics| match m.rejected + m.dropped_async {
        0 => "0".to_string(),
        r => format!("{r} ({})", prob(m.rejection_probability)),
    };
    // What the logs show, where they show it (throttled requests leave no REPORT line).
    let seen = |g: &dyn Fn(&FunctionReport) -> String| observed.map_or("-".into(), g);
    let any_timeouts = b.timeouts > 0 || n.timeouts > 0 || observed.is_some_and(|o| o.timeouts > 0);
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
            // Of the requests served (a cold start is of a served one), where the share of
            // the never served below is of all requests.
            "cold-start share (of served)",
            seen(&|o| prob(Some(o.cold_start_ratio))),
            prob(b.cold_start_probability),
            prob(n.cold_start_probability),
        ),
        (
            // Reached the function timeout: a smaller memory can push invocations past it
            // (dash8 review: nothing in the view said so). Shown when any column has one.
            TIMEOUTS_ROW,
            seen(&|o| count(o.timeouts)),
            count(b.timeouts),
            count(n.timeouts),
        ),
        (
            "throttles",
            "-".to_string(),
            count(b.throttles),
            count(n.throttles),
        ),
        (
            "never served (429s, async dropped)",
            "-".to_string(),
            rejected(b),
            rejected(n),
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
                .map_or("-".into(), |p| usd_f64(p.total_usd_per_month)),
            now.priced
                .as_ref()
                .map_or("-".into(), |p| usd_f64(p.total_usd_per_month)),
        ),
    ];
    let rows: Vec<_> = rows
        .into_iter()
        .filter(|r| r.0 != TIMEOUTS_ROW || any_timeouts)
        .collect();
    // While a run for newer knobs is under way, the last one is shown as what it is.
    let current = if now.knobs == *k {
        "WITH THE KNOBS"
    } else {
        "PREVIOUS KNOBS"
    };
    // The value columns whole, narrower headers on a narrow terminal; the labels take what is
    // left and are cut with `…`.
    let inner = usize::from(table_area.width.saturating_sub(2));
    let (value_widths, headers) = if inner >= 78 {
        ([12, 21, 18], ["OBSERVED", "BASELINE (SIMULATED)", current])
    } else {
        let now_header = if now.knobs == *k {
            "WITH KNOBS"
        } else {
            "PREVIOUS"
        };
        ([10, 12, 16], ["OBSERVED", "BASELINE", now_header])
    };
    let label_width = inner
        .saturating_sub(value_widths.iter().sum::<usize>() + 3)
        .clamp(10, 40);
    // Rows that do not fit are counted in the title (the table does not scroll).
    let fit = usize::from(table_area.height.saturating_sub(3));
    // The legend as long as the box allows (it was cut mid-word below ~107 columns).
    let mut title = [
        " result: observed = the REPORT lines (latency without INIT); baseline = the simulator at the default knobs ",
        " result: observed = REPORT lines; baseline = default knobs ",
        " result ",
    ]
    .into_iter()
    .find(|t| t.chars().count() + 2 <= usize::from(table_area.width))
    .unwrap_or(" result ")
    .to_string();
    if fit < rows.len() {
        title = format!(
            " result · {} more row(s) below: a taller terminal shows them ",
            rows.len() - fit
        );
    }
    let table = Table::new(
        rows.iter().map(|(l, o, x, y)| {
            Row::new(vec![
                Cell::from(ellipsize(l, label_width)),
                Cell::from(o.clone()).style(Style::default().fg(t.dim)),
                Cell::from(x.clone()),
                Cell::from(y.clone()),
            ])
        }),
        std::iter::once(label_width)
            .chain(value_widths)
            .map(|w| Constraint::Length(w as u16)),
    )
    .header(
        Row::new(std::iter::once("").chain(headers))
            .style(Style::default().fg(t.accent).add_modifier(Modifier::BOLD)),
    )
    .block(Block::default().borders(Borders::ALL).title(title));
    f.render_widget(table, table_area);
    let series: Vec<(f64, f64)> = now
        .output
        .time_series
        .iter()
        .map(|t| (t.start_s as f64 / 3600.0, t.cold_starts as f64))
        .collect();
    // A chart needs a few rows to say anything: on a short terminal the table has them.
    if chart_area.height < 5 {
        return;
    }
    line_chart(
        f,
        chart_area,
        " cold starts per bucket, with the knobs ",
        "simulated start",
        vec![(series, t.warn)],
    );
}

/// The invocations view's columns: header, and the fewest and most cells they take
/// (`u16::MAX`: what is left).
const INVOCATION_COLUMNS: [(&str, u16, u16); 8] = [
    ("TIME (UTC)", 23, 23),
    ("REQUEST ID", 13, 36),
    ("DURATION", 10, 10),
    ("BILLED", 10, 10),
    ("MEM MB", 10, 10),
    ("INIT", 10, 10),
    ("STATUS", 8, 8),
    ("TRACE", 10, u16::MAX),
];

/// The widths of the columns (`(min, max)` each) that fit in `width` cells with a gap between
/// them: as many as fit at their least, from the first, then the room left given out in
/// order. At least the first column, cut to the width.
fn fit_columns(columns: &[(u16, u16)], width: u16) -> Vec<u16> {
    let mut used = 0u16;
    let mut widths = Vec::new();
    for &(min, _) in columns {
        let need = min + u16::from(!widths.is_empty());
        if used.saturating_add(need) > width {
            break;
        }
        used += need;
        widths.push(min);
    }
    if widths.is_empty() {
        return vec![width];
    }
    let mut left = width - used;
    for (w, &(min, max)) in widths.iter_mut().zip(columns) {
        let extra = (max - min).min(left);
        *w += extra;
        left -= extra;
    }
    widths
}

/// The bottom title of a table that left `hidden` columns out (empty when none).
fn off_screen(hidden: usize) -> String {
    match hidden {
        0 => String::new(),
        1 => " 1 column off screen (a wider terminal shows it) ".into(),
        n => format!(" {n} columns off screen (a wider terminal shows them) "),
    }
}

/// One function's invocations, slowest first. A narrow terminal leaves out the last columns
/// whole and cuts the request id (and, narrower still, the time) with `…`.
fn invocations(f: &mut Frame, area: Rect, app: &App, data: &DashData, name: &str) {
    let t = &app.theme;
    let ids = data
        .invocations_by_function
        .get(name)
        .map_or(&[][..], Vec::as_slice);
    let spec: Vec<(u16, u16)> = INVOCATION_COLUMNS.iter().map(|c| (c.1, c.2)).collect();
    let widths = fit_columns(&spec, area.width.saturating_sub(2));
    let header = Row::new(
        INVOCATION_COLUMNS
            .iter()
            .zip(&widths)
            .map(|(c, w)| Cell::from(ellipsize(c.0, usize::from(*w)))),
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
        let cells = [
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
        ];
        Row::new(
            cells
                .iter()
                .zip(&widths)
                .map(|(c, w)| ellipsize(c, usize::from(*w))),
        )
        .style(style)
    });
    let hidden = INVOCATION_COLUMNS.len() - widths.len();
    let table = Table::new(rows, widths.iter().map(|w| Constraint::Length(*w)))
        .header(header)
        .row_highlight_style(Style::default().add_modifier(Modifier::REVERSED))
        .block(
            Block::default()
                .borders(Borders::ALL)
                .title(format!(
                    " invocations of {} ({}), slowest first · enter: log lines · x: trace ",
                    sanitize(name),
                    ids.len(),
                ))
                .title_bottom(off_screen(hidden)),
        );
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
    // Wrapped on a narrow terminal (no line cut at the edge); on a short one the title says
    // that more keys are there than fit.
    let w = 90.min(area.width);
    let inner = usize::from(w.saturating_sub(2)).max(1);
    let rows: usize = lines
        .iter()
        .map(|l| wrapped_rows(&l.to_string(), inner))
        .sum();
    let h = u16::try_from(rows + 2).unwrap_or(u16::MAX).min(area.height);
    let popup = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    };
    let title = if rows + 2 > usize::from(h) {
        format!(" keys: {} (cut: more below) ", app.view().title())
    } else {
        format!(" keys: {} ", app.view().title())
    };
    f.render_widget(Clear, popup);
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::default().borders(Borders::ALL).title(title)),
        popup,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ninth-round dash review: the Cost view's rounding note compares the figures as shown,
    /// four decimals under a cent.
    #[test]
    fn shown_amounts_are_what_usd_prints() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        for x in ["0.0136", "0.00361", "1.235", "0.00004", "1234567.5"] {
            let shown = shown_usd(d(x));
            match usd(d(x)).parse::<Decimal>() {
                Ok(printed) => assert_eq!(printed, shown, "{x}"),
                Err(_) => assert!(shown.is_zero(), "{x}"),
            }
        }
        // 0.01 − 0.0036 is not the 0.01 saving shown: the note is due.
        assert_ne!(
            shown_usd(d("0.0136")) - shown_usd(d("0.00361")),
            shown_usd(d("0.00999"))
        );
    }

    /// Sixth-round dash review: a chart topping at 2.1e-5 labelled its top `0.0000`.
    #[test]
    fn axis_labels_never_read_zero_for_a_positive_top() {
        assert_eq!(axis_label(0.000021), "2.1e-5");
        assert_eq!(axis_label(0.0021), "0.0021");
        assert_eq!(axis_label(0.026), "0.03");
        assert_eq!(axis_label(6.0), "6");
        assert_eq!(axis_label(2.5), "2.5");
    }

    /// Fifth-round dashboard review: the traces view cut `api.stripe.example 244.7ms` to
    /// `api.stripe.example 244.7…`, losing the figure's unit; the name is cut instead.
    /// Fifth-round dashboard review: the row popup printed `471.9901999999997`.
    #[test]
    fn popup_numbers_have_twelve_significant_digits() {
        assert_eq!(significant(471.9901999999997, 12), "471.9902");
        assert_eq!(significant(88.01981085632855, 12), "88.0198108563");
        assert_eq!(significant(0.000123456789012345, 12), "0.000123456789012");
        assert_eq!(significant(-2.5, 12), "-2.5");
    }

    #[test]
    fn a_cut_item_keeps_its_figure() {
        assert_eq!(
            ellipsize_keeping_figure("api.stripe.example 244.7ms", 25),
            "api.stripe.examp… 244.7ms"
        );
        // Too narrow for the figure: cut as any cell.
        let long = "s3 2× 50.0ms (+1 in progress)";
        assert_eq!(ellipsize_keeping_figure(long, 20), ellipsize(long, 20));
        assert_eq!(
            ellipsize_keeping_figure("dynamodb 3.0ms", 30),
            "dynamodb 3.0ms"
        );
        assert_eq!(ellipsize_keeping_figure("sqs in progress", 8), "sqs in …");
    }

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    /// Fourth-round dashboard review: a prompt longer than the line ran off it, the cursor
    /// with it.
    #[test]
    fn a_long_prompt_shows_its_end() {
        assert_eq!(tail_fit("short", 10), "short");
        assert_eq!(
            tail_fit("filter @type = \"REPORT\" | limit 3 END", 12),
            "…limit 3 END"
        );
        assert_eq!(tail_fit("界界界界", 5), "…界界");
    }

    /// Amounts as `faascope cost` prints them: cents, half away from zero, from the exact
    /// decimal (52.925 is 52.93; as an f64 it was 52.92), and cents from $100 up too.
    #[test]
    fn amounts_are_rounded_to_cents_from_the_exact_decimal() {
        assert_eq!(usd(d("52.925")), "52.93");
        assert_eq!(usd(d("74.095")), "74.10");
        assert_eq!(usd(d("105.85")), "105.85");
        assert_eq!(usd(d("630.8712")), "630.87");
        assert_eq!(usd(d("10.4349")), "10.43");
        assert_eq!(usd(d("0.005")), "0.01");
        // Below half a cent: not shown as nothing.
        assert_eq!(usd(d("0.0015487")), "0.0015");
        assert_eq!(usd(Decimal::ZERO), "0");
        // Below a hundredth of a cent (fourth-round dashboard review: `0.0000`).
        assert_eq!(usd(d("0.0000376")), "<0.0001");
        assert_eq!(usd(d("0.00005")), "0.0001");
        // Within the money columns (9 wide): whole dollars from a million up.
        assert_eq!(usd(d("999999.994")), "999999.99");
        assert_eq!(usd(d("1234567.5")), "1234568");
        assert_eq!(usd_f64(11.37), "11.37");
        for s in ["52.925", "105.85", "630.87"] {
            assert_eq!(
                format!("${}", usd(d(s))),
                crate::cost::format_usd(d(s)),
                "the same figure as `faascope cost`"
            );
        }
    }
}
