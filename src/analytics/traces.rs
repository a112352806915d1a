//! Per-trace analytics over X-Ray spans: trace summaries (duration, cold start, flags, downstream
//! time) and the span waterfall, as data and as text.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{Span, SpanKind};

/// One trace, condensed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TraceSummary {
    pub trace_id: String,
    /// Name of the root segment (the function or the entry service).
    pub root: String,
    pub start_ms: f64,
    /// First start to last end; None when no span of the trace has ended (all in progress) or a
    /// GetTraceSummaries row has no Duration.
    pub duration_ms: Option<f64>,
    /// None when only GetTraceSummaries rows were read: they cannot tell.
    pub cold_start: Option<bool>,
    /// Duration of the `Initialization` (or SnapStart `Restore`) subsegment: the longest when
    /// several functions of the trace started cold (`traces --function` takes the kept one's).
    pub init_ms: Option<f64>,
    /// Every cold start of the trace: the function (its segment's name) and its INIT or
    /// restore time, in start order.
    #[serde(skip)]
    pub inits: Vec<(String, f64)>,
    /// The functions that started cold in the trace, in start order, also those whose INIT
    /// has not ended (in progress: no time in `inits`).
    #[serde(skip)]
    pub cold_functions: Vec<String>,
    pub error: bool,
    pub fault: bool,
    pub throttle: bool,
    /// A segment has not ended (`in_progress`): the duration runs to the last time known.
    pub in_progress: bool,
    pub segments: usize,
    /// Segments and subsegments (trace summary rows are not counted).
    pub spans: usize,
    /// Sorted by `wall_ms` descending, then service and operation.
    pub downstream: Vec<DownstreamTime>,
}

/// Time spent in calls to one downstream service (and operation).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DownstreamTime {
    pub service: String,
    pub operation: Option<String>,
    pub calls: usize,
    /// Of `calls`, those still in progress (no end time): they add no time.
    pub in_progress_calls: usize,
    /// Wall time during which at least one of the finished calls was in flight (the union of
    /// their intervals): what the trace waited on this service. Parallel calls count once, so
    /// it never exceeds the trace's duration; what the outputs show and sort by.
    pub wall_ms: f64,
    /// Sum of the finished calls' durations (parallel calls each count).
    pub total_ms: f64,
}

/// One line of a trace waterfall.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WaterfallRow {
    /// Depth in the trace's span tree (follows `parent_id` across segments).
    pub depth: u32,
    pub name: String,
    /// Start relative to the trace's first span.
    pub offset_ms: f64,
    /// None while in progress.
    pub duration_ms: Option<f64>,
    /// Comma-separated: `fault`, `error`, `throttle`, `in progress`, `cold`; empty when none.
    pub flags: String,
    /// Origin (segments), operation and HTTP status, when known.
    pub detail: Option<String>,
}

/// One summary per trace id, sorted by start time then trace id.
pub fn summarize(spans: &[Span]) -> Vec<TraceSummary> {
    let mut out: Vec<TraceSummary> = group_by_trace(spans)
        .into_iter()
        .map(|(trace_id, rows)| summarize_trace(trace_id, &rows))
        .collect();
    out.sort_by(|a, b| {
        a.start_ms
            .total_cmp(&b.start_ms)
            .then_with(|| a.trace_id.cmp(&b.trace_id))
    });
    out
}

/// Slowest first (traces without a duration last), then by trace id: a total order.
pub fn slowest_first(a: &TraceSummary, b: &TraceSummary) -> Ordering {
    let d = |t: &TraceSummary| t.duration_ms.unwrap_or(f64::NEG_INFINITY);
    d(b).total_cmp(&d(a))
        .then_with(|| a.trace_id.cmp(&b.trace_id))
}

/// The spans of one trace in tree order (each parent followed by its children, by start time).
/// Spans whose parent is not in the trace are roots. None when no span has this trace id.
pub fn waterfall(spans: &[Span], trace_id: &str) -> Option<Vec<WaterfallRow>> {
    let rows: Vec<&Span> = spans.iter().filter(|s| s.trace_id == trace_id).collect();
    if rows.is_empty() {
        return None;
    }
    let real = dedup(rows.iter().copied().filter(|s| !is_summary_row(s)));
    if real.is_empty() {
        // Only GetTraceSummaries rows: the trace is one bar.
        return Some(
            best_summary_row(&rows)
                .map(|s| row_for(s, 0, s.start_ms, false))
                .into_iter()
                .collect(),
        );
    }
    let trace_start_ms = real
        .iter()
        .map(|s| s.start_ms)
        .min_by(f64::total_cmp)
        .unwrap_or(0.0);

    let by_id = index_by_id(&real);
    let mut children: foldhash::HashMap<&str, Vec<usize>> = Default::default();
    let mut roots: Vec<usize> = Vec::new();
    for (i, s) in real.iter().enumerate() {
        match s.parent_id.as_deref() {
            Some(p) if p != s.span_id && by_id.contains_key(p) => {
                children.entry(p).or_default().push(i)
            }
            _ => roots.push(i),
        }
    }
    let by_start = |a: &usize, b: &usize| start_order(real[*a], real[*b]);
    roots.sort_by(by_start);
    for list in children.values_mut() {
        list.sort_by(by_start);
    }

    let mut out = Vec::with_capacity(real.len());
    let mut visited = vec![false; real.len()];
    let walk = |root: usize, out: &mut Vec<WaterfallRow>, visited: &mut [bool]| {
        // Iterative pre-order walk; `visited` guards against parent_id cycles.
        let mut stack = vec![(root, 0u32)];
        while let Some((i, depth)) = stack.pop() {
            if visited[i] {
                continue;
            }
            visited[i] = true;
            let cold = is_cold_marker(real[i], &by_id);
            out.push(row_for(real[i], depth, trace_start_ms, cold));
            if let Some(kids) = children.get(real[i].span_id.as_str()) {
                for &k in kids.iter().rev() {
                    stack.push((k, depth.saturating_add(1)));
                }
            }
        }
    };
    for &r in &roots {
        walk(r, &mut out, &mut visited);
    }
    // Spans caught in a parent_id cycle are reachable from no root: list them at root level.
    loop {
        let next = (0..real.len())
            .filter(|&i| !visited[i])
            .min_by(|a, b| by_start(a, b));
        match next {
            Some(i) => walk(i, &mut out, &mut visited),
            None => break,
        }
    }
    Some(out)
}

/// Text waterfall: name (indented by depth), offset, duration and a bar scaled to the trace.
/// `width` is the width of those columns together (the bar takes what the others leave, at
/// least 10 cells); flags and detail follow the bar.
pub fn render_waterfall_text(rows: &[WaterfallRow], width: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    const MAX_NAME_CELLS: usize = 48;
    const MAX_INDENT: u32 = 20;
    const TIME_CHARS: usize = 12; // "   312.0 ms"
    const MIN_BAR_CELLS: usize = 10;
    if rows.is_empty() {
        return String::new();
    }
    let labels: Vec<String> = rows
        .iter()
        .map(|r| {
            // Indented up to 20 levels; deeper ones say their depth, so that a child is not
            // taken for its parent's sibling (review of 2026-12-07).
            let indent = "  ".repeat(r.depth.min(MAX_INDENT) as usize);
            let deeper = if r.depth > MAX_INDENT {
                format!("[{}] ", r.depth)
            } else {
                String::new()
            };
            // The name keeps 16 cells at least, however deep (verification: `[23] Dy…`).
            let prefix = format!("{indent}{deeper}");
            let room = MAX_NAME_CELLS.saturating_sub(prefix.width()).max(16);
            format!("{prefix}{}", crate::output::ellipsize(&r.name, room))
        })
        .collect();
    // Padded by display width, not characters, so that a wide name keeps the columns.
    let name_cells = labels.iter().map(|l| l.width()).max().unwrap_or(0);
    let fixed_chars = name_cells + 1 + TIME_CHARS + 1 + TIME_CHARS + 1 + 2;
    let bar_cells = width.saturating_sub(fixed_chars).max(MIN_BAR_CELLS);
    let scale_ms = rows
        .iter()
        .map(|r| r.offset_ms + r.duration_ms.unwrap_or(0.0))
        .filter(|x| x.is_finite())
        .fold(0.0_f64, f64::max);
    let scale_ms = if scale_ms > 0.0 { scale_ms } else { 1.0 };

    let mut text = String::new();
    for (row, label) in rows.iter().zip(&labels) {
        let cell = |ms: f64| (ms / scale_ms * bar_cells as f64).clamp(0.0, bar_cells as f64);
        // `as usize` saturates (NaN → 0), so odd inputs cannot panic here.
        let first = (cell(row.offset_ms).floor() as usize).min(bar_cells - 1);
        let (last, fill) = match row.duration_ms {
            Some(d) => (cell(row.offset_ms + d).ceil() as usize, '█'),
            // In progress: the end is unknown, shade to the edge.
            None => (bar_cells, '░'),
        };
        let last = last.clamp(first + 1, bar_cells);
        let bar: String = (0..bar_cells)
            .map(|c| {
                if (first..last).contains(&c) {
                    fill
                } else {
                    ' '
                }
            })
            .collect();
        let duration = match row.duration_ms {
            Some(d) => format!("{d:>9.1} ms"),
            None => format!("{:>12}", "in progress"),
        };
        let pad = " ".repeat(name_cells - label.width());
        let mut line = format!(
            "{label}{pad} {:>9.1} ms {duration:>12} |{bar}|",
            row.offset_ms
        );
        let suffix: Vec<&str> = [Some(row.flags.as_str()), row.detail.as_deref()]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .collect();
        if !suffix.is_empty() {
            line.push(' ');
            line.push_str(&suffix.join("  "));
        }
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

fn summarize_trace(trace_id: &str, rows: &[&Span]) -> TraceSummary {
    let real = dedup(rows.iter().copied().filter(|s| !is_summary_row(s)));
    let summary_row = best_summary_row(rows);

    let (start_ms, duration_ms) = if real.is_empty() {
        summary_row.map_or((0.0, None), |s| (s.start_ms, s.duration_ms))
    } else {
        // The trace's bounds are its segments', as X-Ray's own Duration (BatchGetTraces,
        // GetTraceSummaries) is: a subsegment outside every segment (clock skew between a
        // function and the SDK, one whose segment is not in the files) does not widen it
        // (review of 2026-12-07: 350 ms where X-Ray said 200). A trace of subsegments alone:
        // theirs.
        let has_segment = real.iter().any(|s| s.span_kind == SpanKind::Segment);
        let bounding = || {
            real.iter()
                .filter(|s| !has_segment || s.span_kind == SpanKind::Segment)
        };
        let start = bounding()
            .map(|s| s.start_ms)
            .min_by(f64::total_cmp)
            .unwrap_or(0.0);
        // In-progress spans count only their start; with no end at all there is no duration.
        let end = bounding()
            .map(|s| s.end_ms.unwrap_or(s.start_ms))
            .max_by(f64::total_cmp)
            .unwrap_or(start);
        let ended = bounding().any(|s| s.end_ms.is_some());
        (start, ended.then(|| round_us(end - start)))
    };

    let by_id = index_by_id(&real);
    let root = root_span(&real, &by_id)
        .map(|s| s.name.clone())
        .or_else(|| summary_row.map(|s| s.name.clone()))
        .unwrap_or_default();

    // Initialization, or SnapStart's Restore: every function of the trace that started cold
    // (a cold function calling another has two).
    let mut markers: Vec<&Span> = real
        .iter()
        .copied()
        .filter(|s| {
            (s.name == "Initialization" || s.name == "Restore") && is_cold_marker(s, &by_id)
        })
        .collect();
    markers.sort_by(|a, b| start_order(a, b));
    let cold_start = (!real.is_empty()).then_some(!markers.is_empty());
    let inits: Vec<(String, f64)> = markers
        .iter()
        .filter_map(|s| Some((s.function.to_string(), s.duration_ms?)))
        .collect();
    let init_ms = inits.iter().map(|(_, ms)| *ms).max_by(f64::total_cmp);
    let cold_functions: Vec<String> = markers.iter().map(|s| s.function.to_string()).collect();

    TraceSummary {
        trace_id: trace_id.to_owned(),
        root,
        start_ms,
        duration_ms,
        cold_start,
        init_ms,
        inits,
        cold_functions,
        // As X-Ray's own trace summary: an error or fault is a segment's (a function that
        // failed marks its segment), not a downstream call's that the code may have handled
        // (a HeadObject's 404), whether its subsegment's or the segment X-Ray inferred for the
        // called service from it (seventh-round review); a throttle is any document's.
        error: rows
            .iter()
            .any(|s| s.error && s.span_kind != SpanKind::Subsegment && !s.inferred),
        fault: rows
            .iter()
            .any(|s| s.fault && s.span_kind != SpanKind::Subsegment && !s.inferred),
        throttle: rows.iter().any(|s| s.throttle),
        in_progress: real
            .iter()
            .any(|s| s.span_kind == SpanKind::Segment && s.in_progress),
        segments: real
            .iter()
            .filter(|s| s.span_kind == SpanKind::Segment)
            .count(),
        spans: real.len(),
        downstream: downstream(&real, &by_id),
    }
}

/// Downstream calls grouped by (service, operation). A call nested inside another downstream
/// call of the same segment is part of that call's time and is not counted again; calls made
/// by different segments (API Gateway invoking Lambda, Lambda calling DynamoDB) each count in
/// `calls` and `total_ms`, while `wall_ms` counts the time any of them was in flight once.
fn downstream(real: &[&Span], by_id: &SpanIndex<'_>) -> Vec<DownstreamTime> {
    #[derive(Default)]
    struct Group {
        calls: usize,
        in_progress: usize,
        total_ms: f64,
        /// (start, end) of each finished call.
        intervals: Vec<(f64, f64)>,
    }
    let mut groups: BTreeMap<(String, Option<String>), Group> = BTreeMap::new();
    for s in real {
        if !is_downstream(s) || has_downstream_ancestor(s, by_id) {
            continue;
        }
        let service = s.remote_service.clone().unwrap_or_else(|| s.name.clone());
        let g = groups.entry((service, s.operation.clone())).or_default();
        g.calls += 1;
        match s.duration_ms.filter(|d| d.is_finite() && !s.in_progress) {
            Some(d) => {
                g.total_ms += d;
                g.intervals.push((s.start_ms, s.start_ms + d));
            }
            None => g.in_progress += 1,
        }
    }
    let mut out: Vec<DownstreamTime> = groups
        .into_iter()
        .map(|((service, operation), g)| DownstreamTime {
            service,
            operation,
            calls: g.calls,
            in_progress_calls: g.in_progress,
            wall_ms: round_us(union_ms(g.intervals)),
            total_ms: round_us(g.total_ms),
        })
        .collect();
    out.sort_by(|a, b| {
        b.wall_ms
            .total_cmp(&a.wall_ms)
            .then_with(|| a.service.cmp(&b.service))
            .then_with(|| a.operation.cmp(&b.operation))
    });
    out
}

/// Length of the union of `[start, end]` intervals: sorted by start, overlaps merged.
fn union_ms(mut intervals: Vec<(f64, f64)>) -> f64 {
    intervals.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let mut total = 0.0;
    let mut current: Option<(f64, f64)> = None;
    for (start, end) in intervals {
        current = match current {
            Some((s, e)) if start <= e => Some((s, e.max(end))),
            Some((s, e)) => {
                total += e - s;
                Some((start, end))
            }
            None => Some((start, end)),
        };
    }
    total + current.map_or(0.0, |(s, e)| e - s)
}

fn is_downstream(s: &Span) -> bool {
    s.span_kind == SpanKind::Subsegment && matches!(s.namespace.as_deref(), Some("aws" | "remote"))
}

/// Walks up through subsegments of the same segment; stops at the segment.
fn has_downstream_ancestor(s: &Span, by_id: &SpanIndex<'_>) -> bool {
    let mut parent = s.parent_id.as_deref();
    // Bounded by the span count so a parent_id cycle cannot loop forever.
    for _ in 0..by_id.len() {
        let Some(p) = parent.and_then(|id| by_id.get(id)) else {
            return false;
        };
        if p.span_kind != SpanKind::Subsegment {
            return false;
        }
        if is_downstream(p) {
            return true;
        }
        parent = p.parent_id.as_deref();
    }
    false
}

/// The earliest segment whose parent is not in the trace (or any span when there is none).
fn root_span<'a>(real: &[&'a Span], by_id: &SpanIndex<'_>) -> Option<&'a Span> {
    let is_root = |s: &&&Span| match s.parent_id.as_deref() {
        Some(p) => p == s.span_id || !by_id.contains_key(p),
        None => true,
    };
    let earliest =
        |it: &mut dyn Iterator<Item = &&'a Span>| it.min_by(|a, b| start_order(a, b)).copied();
    earliest(
        &mut real
            .iter()
            .filter(|s| s.span_kind == SpanKind::Segment)
            .filter(is_root),
    )
    .or_else(|| earliest(&mut real.iter().filter(|s| s.span_kind == SpanKind::Segment)))
    .or_else(|| earliest(&mut real.iter()))
}

/// An `Initialization` (cold start) or `Restore` (SnapStart) subsegment recorded by Lambda: a
/// direct child of a function segment (`origin` `AWS::Lambda::Function`, or no origin at all).
/// A subsegment of that name under any other segment, or nested deeper (the application's own),
/// is not a cold start.
fn is_cold_marker(s: &Span, by_id: &SpanIndex<'_>) -> bool {
    s.span_kind == SpanKind::Subsegment
        && matches!(s.name.as_str(), "Initialization" | "Restore")
        && s.parent_id
            .as_deref()
            .and_then(|p| by_id.get(p))
            .is_some_and(|p| {
                p.span_kind == SpanKind::Segment
                    && p.origin
                        .as_deref()
                        .is_none_or(|o| o == "AWS::Lambda::Function")
            })
}

fn row_for(s: &Span, depth: u32, trace_start_ms: f64, cold: bool) -> WaterfallRow {
    let mut flags: Vec<&str> = Vec::new();
    if s.fault {
        flags.push("fault");
    }
    if s.error {
        flags.push("error");
    }
    if s.throttle {
        flags.push("throttle");
    }
    if s.in_progress {
        flags.push("in progress");
    }
    if cold {
        flags.push("cold");
    }
    let mut detail: Vec<String> = Vec::new();
    if s.span_kind != SpanKind::Subsegment {
        if let Some(origin) = &s.origin {
            detail.push(origin.clone());
        }
    }
    if let Some(op) = &s.operation {
        detail.push(op.clone());
    }
    if let Some(status) = s.http_status {
        detail.push(format!("HTTP {status}"));
    }
    WaterfallRow {
        depth,
        name: s.name.clone(),
        offset_ms: round_us(s.start_ms - trace_start_ms),
        duration_ms: s.duration_ms,
        flags: flags.join(", "),
        detail: (!detail.is_empty()).then(|| detail.join(", ")),
    }
}

/// A difference of two epoch-millisecond times rounded to the microsecond (X-Ray's precision):
/// without it, float noise shows in the last digits (5670.2509765625 for 5670.251).
fn round_us(ms: f64) -> f64 {
    (ms * 1e3).round() / 1e3
}

/// Spans by span id (foldhash: SipHash was a fifth of `traces` on a large segment file).
type SpanIndex<'a> = foldhash::HashMap<&'a str, &'a Span>;

/// The spans of a trace by span id (one each: they are deduplicated first).
fn index_by_id<'a>(real: &[&'a Span]) -> SpanIndex<'a> {
    real.iter().map(|s| (s.span_id.as_str(), *s)).collect()
}

fn is_summary_row(s: &Span) -> bool {
    s.span_kind == SpanKind::TraceSummary
}

/// The summary row to trust when several were read: one with a duration, else the first.
fn best_summary_row<'a>(rows: &[&'a Span]) -> Option<&'a Span> {
    let mut summaries = rows.iter().copied().filter(|s| is_summary_row(s));
    let first = summaries.next()?;
    if first.duration_ms.is_some() {
        return Some(first);
    }
    Some(summaries.find(|s| s.duration_ms.is_some()).unwrap_or(first))
}

/// Spans grouped by trace id, in trace id order.
fn group_by_trace(spans: &[Span]) -> BTreeMap<&str, Vec<&Span>> {
    let mut by_trace: BTreeMap<&str, Vec<&Span>> = BTreeMap::new();
    for s in spans {
        by_trace.entry(s.trace_id.as_str()).or_default().push(s);
    }
    by_trace
}

/// One span per span id (spans from different inputs may repeat): the completed copy wins,
/// else the first seen. Keeps first-seen order.
fn dedup<'a>(spans: impl Iterator<Item = &'a Span>) -> Vec<&'a Span> {
    let mut out: Vec<&Span> = Vec::new();
    let mut pos: foldhash::HashMap<&str, usize> = Default::default();
    for s in spans {
        match pos.get(s.span_id.as_str()) {
            Some(&i) => {
                if out[i].in_progress && !s.in_progress {
                    out[i] = s;
                }
            }
            None => {
                pos.insert(s.span_id.as_str(), out.len());
                out.push(s);
            }
        }
    }
    out
}

/// Start time, then segments before subsegments, then id: a total, deterministic order.
fn start_order(a: &Span, b: &Span) -> Ordering {
    a.start_ms
        .total_cmp(&b.start_ms)
        .then_with(|| kind_rank(a.span_kind).cmp(&kind_rank(b.span_kind)))
        .then_with(|| a.span_id.cmp(&b.span_id))
}

fn kind_rank(k: SpanKind) -> u8 {
    match k {
        SpanKind::TraceSummary => 0,
        SpanKind::Segment => 1,
        SpanKind::Subsegment => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::xray::fixtures::*;
    use crate::ingest::xray::{parse_text, parse_xray_value, XrayOut};
    use crate::model::SourceRef;
    use proptest::prelude::*;
    use std::sync::Arc;

    fn approx(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-3
    }

    fn parse_all(texts: &[&str]) -> Vec<Span> {
        let file: Arc<str> = Arc::from("fixture.json");
        let mut out = XrayOut::new();
        for (i, t) in texts.iter().enumerate() {
            let v: serde_json::Value = serde_json::from_str(t).expect("fixture");
            parse_xray_value(&v, &file, i as u64 + 1, &mut out);
        }
        out.spans
    }

    /// A hand-built span: `kind` is "seg", "sub" or "sum".
    fn sp(
        trace: &str,
        id: &str,
        parent: Option<&str>,
        kind: &str,
        start_ms: f64,
        end_ms: Option<f64>,
    ) -> Span {
        Span {
            trace_id: trace.into(),
            span_id: id.into(),
            parent_id: parent.map(Into::into),
            name: id.into(),
            function: Arc::from("fn"),
            origin: None,
            span_kind: match kind {
                "seg" => SpanKind::Segment,
                "sum" => SpanKind::TraceSummary,
                _ => SpanKind::Subsegment,
            },
            inferred: false,
            namespace: None,
            start_ms,
            end_ms,
            duration_ms: end_ms.map(|e| e - start_ms),
            in_progress: end_ms.is_none(),
            error: false,
            fault: false,
            throttle: false,
            http_status: None,
            operation: None,
            remote_service: None,
            request_id: None,
            depth: 0,
            source: SourceRef {
                file: Arc::from("t"),
                line: 1,
            },
        }
    }

    fn downstream_call(mut s: Span, ns: &str, service: &str, op: Option<&str>) -> Span {
        s.namespace = Some(ns.into());
        s.remote_service = Some(service.into());
        s.name = service.into();
        s.operation = op.map(Into::into);
        s
    }

    #[test]
    fn lambda_trace_summary() {
        let spans = parse_all(&[LAMBDA_SERVICE_SEGMENT, LAMBDA_FUNCTION_SEGMENT]);
        let sums = summarize(&spans);
        assert_eq!(sums.len(), 1);
        let t = &sums[0];
        assert_eq!(t.trace_id, TRACE_1);
        assert_eq!(t.root, "orders-api");
        assert!(approx(t.start_ms, 1_716_518_912_100.0));
        assert!(approx(t.duration_ms.unwrap(), 312.0));
        assert_eq!(t.cold_start, Some(true));
        assert!(approx(t.init_ms.unwrap_or(f64::NAN), 140.0));
        assert!(!t.error && !t.fault && !t.throttle);
        assert_eq!((t.segments, t.spans), (2, 8));
        let ds: Vec<(&str, Option<&str>, usize)> = t
            .downstream
            .iter()
            .map(|d| (d.service.as_str(), d.operation.as_deref(), d.calls))
            .collect();
        assert_eq!(
            ds,
            [
                ("api.example.com", None, 1),
                ("DynamoDB", Some("GetItem"), 1),
                ("DynamoDB", Some("PutItem"), 1),
            ]
        );
        assert!(approx(t.downstream[0].total_ms, 60.0));
        assert!(approx(t.downstream[1].total_ms, 40.0));
        assert!(approx(t.downstream[2].total_ms, 20.0));
    }

    #[test]
    fn warm_trace_and_flags() {
        let sums = summarize(&parse_all(&[FAULT_THROTTLE_SEGMENT]));
        let t = &sums[0];
        assert_eq!(t.cold_start, Some(false));
        assert_eq!(t.init_ms, None);
        // The segment's fault; the DynamoDB call's error (a 400 the code may have handled) is
        // the call's, not the trace's, as in X-Ray's summary; its throttle is the trace's.
        assert!(t.fault && !t.error && t.throttle);
        assert_eq!(t.root, "payments");
        assert!(approx(t.duration_ms.unwrap(), 750.0));
        assert_eq!(t.downstream.len(), 1);
        assert_eq!(t.downstream[0].operation.as_deref(), Some("Query"));
    }

    #[test]
    fn snapstart_restore_is_cold() {
        let mut restore = sp("T", "r", Some("s"), "sub", 0.0, Some(250.0));
        restore.name = "Restore".into();
        let spans = vec![sp("T", "s", None, "seg", 0.0, Some(400.0)), restore];
        let t = &summarize(&spans)[0];
        assert_eq!(t.cold_start, Some(true));
        assert_eq!(t.init_ms, Some(250.0));
        let rows = waterfall(&spans, "T").expect("trace");
        assert_eq!(rows[1].flags, "cold");
    }

    #[test]
    fn initialization_counts_only_under_a_function_segment() {
        let named = |mut s: Span, name: &str| {
            s.name = name.into();
            s
        };
        let with_origin = |mut s: Span, origin: &str| {
            s.origin = Some(origin.into());
            s
        };
        // An EC2 segment's Initialization, and the application's own "Initialization" nested
        // under Invocation: warm.
        let ec2 = vec![
            with_origin(
                sp("T", "s", None, "seg", 0.0, Some(400.0)),
                "AWS::EC2::Instance",
            ),
            named(
                sp("T", "i", Some("s"), "sub", 0.0, Some(50.0)),
                "Initialization",
            ),
        ];
        let nested = vec![
            with_origin(
                sp("U", "f", None, "seg", 0.0, Some(400.0)),
                "AWS::Lambda::Function",
            ),
            named(
                sp("U", "inv", Some("f"), "sub", 0.0, Some(300.0)),
                "Invocation",
            ),
            named(
                sp("U", "i", Some("inv"), "sub", 10.0, Some(50.0)),
                "Initialization",
            ),
        ];
        for spans in [&ec2, &nested] {
            let t = &summarize(spans)[0];
            assert_eq!(t.cold_start, Some(false), "{}", t.trace_id);
            assert_eq!(t.init_ms, None);
            let rows = waterfall(spans, &t.trace_id).expect("trace");
            assert!(rows.iter().all(|r| r.flags.is_empty()), "{rows:?}");
        }
        // Lambda's own, under the function segment: cold.
        let cold = vec![
            with_origin(
                sp("V", "f", None, "seg", 0.0, Some(400.0)),
                "AWS::Lambda::Function",
            ),
            named(
                sp("V", "i", Some("f"), "sub", 0.0, Some(120.0)),
                "Initialization",
            ),
        ];
        let t = &summarize(&cold)[0];
        assert_eq!(t.cold_start, Some(true));
        assert_eq!(t.init_ms, Some(120.0));
        assert_eq!(t.cold_functions, ["fn"]);
        // An INIT still in progress: cold, its function named, no time (fifth-round
        // verification: `traces --function` took such a function for warm).
        let in_progress = vec![
            cold[0].clone(),
            named(sp("V", "i", Some("f"), "sub", 0.0, None), "Initialization"),
        ];
        let t = &summarize(&in_progress)[0];
        assert_eq!(t.cold_start, Some(true));
        assert_eq!(
            (t.init_ms, t.cold_functions.as_slice()),
            (None, ["fn".to_string()].as_slice())
        );
    }

    #[test]
    fn nested_downstream_counted_once_but_each_segment_counts() {
        // API Gateway → (aws Lambda Invoke) → Lambda segment → DynamoDB call holding an HTTP call.
        let spans = vec![
            sp("T", "apigw", None, "seg", 0.0, Some(100.0)),
            downstream_call(
                sp("T", "call", Some("apigw"), "sub", 1.0, Some(99.0)),
                "aws",
                "Lambda",
                Some("Invoke"),
            ),
            sp("T", "fn", Some("call"), "seg", 5.0, Some(95.0)),
            downstream_call(
                sp("T", "ddb", Some("fn"), "sub", 10.0, Some(40.0)),
                "aws",
                "DynamoDB",
                Some("GetItem"),
            ),
            downstream_call(
                sp("T", "http", Some("ddb"), "sub", 11.0, Some(39.0)),
                "remote",
                "dynamodb.eu-west-1.amazonaws.com",
                None,
            ),
            downstream_call(
                sp("T", "ddb2", Some("fn"), "sub", 50.0, None),
                "aws",
                "DynamoDB",
                Some("GetItem"),
            ),
        ];
        let t = &summarize(&spans)[0];
        let ds: Vec<(&str, usize, f64)> = t
            .downstream
            .iter()
            .map(|d| (d.service.as_str(), d.calls, d.total_ms))
            .collect();
        assert_eq!(ds, [("Lambda", 1, 98.0), ("DynamoDB", 2, 30.0)]);
        assert_eq!(t.root, "apigw");
        assert_eq!(t.segments, 2);
    }

    /// Parallel calls to one service: `wall_ms` is the time any was in flight, `total_ms` the
    /// sum; the sum carries no float noise.
    #[test]
    fn parallel_downstream_calls_count_their_wall_time_once() {
        let call = |id: &str, start: f64, end: f64| {
            downstream_call(
                sp("T", id, Some("a"), "sub", start, Some(end)),
                "aws",
                "DynamoDB",
                Some("GetItem"),
            )
        };
        let spans = vec![
            sp("T", "a", None, "seg", 0.0, Some(300.0)),
            call("b", 10.0, 110.0),
            call("c", 20.0, 120.1),
            call("d", 50.0, 100.2),
            call("e", 200.0, 250.3),
            downstream_call(
                sp("T", "f", Some("a"), "sub", 0.0, Some(0.3)),
                "aws",
                "S3",
                None,
            ),
        ];
        let t = &summarize(&spans)[0];
        let d = &t.downstream[0];
        assert_eq!((d.service.as_str(), d.calls), ("DynamoDB", 4));
        assert_eq!(d.wall_ms, 160.4); // 10..120.1 and 200..250.3
        assert_eq!(d.total_ms, 300.6); // 100 + 100.1 + 50.2 + 50.3
        assert!(d.wall_ms <= t.duration_ms.unwrap());
        assert_eq!(t.downstream[1].wall_ms, 0.3);
        assert_eq!(union_ms(vec![]), 0.0);
        assert_eq!(union_ms(vec![(5.0, 9.0), (0.0, 10.0), (10.0, 12.0)]), 12.0);
    }

    /// A downstream call still in progress counts as a call with no time, and the summary
    /// says so instead of showing 0 ms.
    #[test]
    fn in_progress_downstream_calls_are_named_not_timed() {
        let spans = vec![
            sp("T", "a", None, "seg", 1000.0, Some(1200.0)),
            downstream_call(
                sp("T", "b", Some("a"), "sub", 1010.0, Some(1110.0)),
                "aws",
                "S3",
                Some("GetObject"),
            ),
            downstream_call(
                sp("T", "c", Some("a"), "sub", 1115.0, None),
                "aws",
                "DynamoDB",
                None,
            ),
            downstream_call(
                sp("T", "d", Some("a"), "sub", 1120.0, Some(1140.0)),
                "aws",
                "DynamoDB",
                None,
            ),
            downstream_call(
                sp("T", "e", Some("a"), "sub", 1150.0, None),
                "aws",
                "SQS",
                None,
            ),
        ];
        let t = &summarize(&spans)[0];
        let ds: Vec<(&str, usize, usize)> = t
            .downstream
            .iter()
            .map(|d| (d.service.as_str(), d.calls, d.in_progress_calls))
            .collect();
        assert_eq!(ds, [("S3", 1, 0), ("DynamoDB", 2, 1), ("SQS", 1, 1)]);
        let csv = crate::output::traces::render(
            std::slice::from_ref(t),
            1,
            &crate::ingest::Skips::default(),
            crate::output::Format::Csv,
            None,
        );
        assert!(
            csv.contains("S3 GetObject 100.0ms, DynamoDB 20.0ms (+1 in progress), SQS in progress"),
            "{csv}"
        );
    }

    /// Review of 2026-12-07: a subsegment outside its segment (clock skew) or one whose
    /// segment is missing widened the trace (350 ms where X-Ray said 200); the waterfall past
    /// 20 levels says each row's depth; of two different copies of a span the same one is
    /// kept whatever the order they were read in.
    #[test]
    fn a_trace_is_bounded_by_its_segments_and_deep_rows_say_their_depth() {
        let spans = vec![
            sp("T", "a", None, "seg", 10_000.0, Some(10_200.0)),
            sp("T", "b", Some("a"), "sub", 9_950.0, Some(10_250.0)),
            sp("T", "c", Some("b"), "sub", 9_900.0, Some(10_000.0)),
            sp("T", "o", Some("gone"), "sub", 9_000.0, Some(9_100.0)),
        ];
        let t = &summarize(&spans)[0];
        assert!(approx(t.start_ms, 10_000.0), "{t:?}");
        assert!(approx(t.duration_ms.unwrap(), 200.0), "{t:?}");
        // Subsegments alone: theirs.
        let subs = vec![sp("U", "b", None, "sub", 50.0, Some(90.0))];
        assert!(approx(summarize(&subs)[0].duration_ms.unwrap(), 40.0));

        let mut chain = vec![sp("D", "s0", None, "seg", 0.0, Some(100.0))];
        for i in 1..=23 {
            let mut s = sp("D", &format!("s{i}"), None, "sub", 0.0, Some(100.0));
            s.parent_id = Some(format!("s{}", i - 1));
            chain.push(s);
        }
        let rows = waterfall(&chain, "D").expect("trace");
        let text = render_waterfall_text(&rows, 100);
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[20].starts_with(&format!("{}s20 ", "  ".repeat(20))),
            "{text}"
        );
        assert!(
            lines[21].starts_with(&format!("{}[21] s21 ", "  ".repeat(20))),
            "{text}"
        );
        assert!(
            lines[23].starts_with(&format!("{}[23] s23 ", "  ".repeat(20))),
            "{text}"
        );
        // A long name keeps 16 cells past the depth.
        chain[23].name = "DynamoDB-and-more-text".into();
        let rows = waterfall(&chain, "D").expect("trace");
        let text = render_waterfall_text(&rows, 100);
        assert!(text.contains("[23] DynamoDB-and-mo…"), "{text}");
        // Two copies ending together: the one starting first, in either order.
        let late = sp("E", "y", None, "seg", 1000.0, Some(1500.0));
        let early = sp("E", "y", None, "seg", 0.0, Some(1500.0));
        for order in [vec![late.clone(), early.clone()], vec![early, late]] {
            let mut spans = order;
            crate::ingest::repeats::drop_repeated_spans(&mut spans);
            assert!(approx(spans[0].start_ms, 0.0), "{spans:?}");
        }

        let short = sp("R", "x", None, "seg", 0.0, Some(100.0));
        let mut long = sp("R", "x", None, "seg", 0.0, Some(900.0));
        long.fault = true;
        let one = |order: Vec<Span>| {
            let mut spans = order;
            crate::ingest::repeats::drop_repeated_spans(&mut spans);
            assert_eq!(spans.len(), 1);
            summarize(&spans).remove(0)
        };
        let a = one(vec![short.clone(), long.clone()]);
        let b = one(vec![long, short]);
        assert!(approx(a.duration_ms.unwrap(), 900.0) && a.fault, "{a:?}");
        assert!(approx(b.duration_ms.unwrap(), 900.0) && b.fault, "{b:?}");
    }

    #[test]
    fn in_progress_spans_count_only_their_start() {
        let spans = vec![
            sp("T", "a", None, "seg", 1000.0, Some(1100.0)),
            sp("T", "b", Some("a"), "sub", 1050.0, Some(1080.0)),
            sp("T", "c", None, "seg", 1200.0, None),
        ];
        let t = &summarize(&spans)[0];
        assert!(approx(t.duration_ms.unwrap(), 200.0));
        assert!(t.in_progress);
        assert_eq!(crate::output::traces::flags(t), "in progress");
        let rows = waterfall(&spans, "T").expect("trace");
        assert_eq!(rows[2].flags, "in progress");
        assert_eq!(rows[2].duration_ms, None);
        // Nothing has ended: no duration (not 0), and slowest-first puts the trace last.
        let open = vec![sp("U", "a", None, "seg", 1000.0, None)];
        let u = summarize(&open).remove(0);
        assert_eq!(u.duration_ms, None);
        let mut both = [u, t.clone()];
        both.sort_by(slowest_first);
        assert_eq!(both[0].trace_id, "T");
    }

    #[test]
    fn summary_rows_only_and_mixed() {
        let summaries = parse_text(TRACE_SUMMARIES, "s.json").spans;
        let sums = summarize(&summaries);
        assert_eq!(sums.len(), 3);
        // Sorted by start: 0x66500030 + 0.5 s, then 0x66500031 + 0.25 s, then 0x66500032.
        assert_eq!(sums[0].root, "orders-api");
        assert!(approx(sums[0].duration_ms.unwrap(), 312.0));
        assert!(sums[0].fault);
        assert_eq!((sums[0].segments, sums[0].spans), (0, 0));
        // A summary row cannot tell a cold start.
        assert!(sums.iter().all(|t| t.cold_start.is_none()));
        assert_eq!(sums[1].root, "billing");
        assert!(sums[1].throttle);
        assert_eq!(sums[2].root, "shop.example.com");
        let rows = waterfall(&summaries, &sums[0].trace_id).expect("trace");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].duration_ms, Some(312.0));
        assert_eq!(rows[0].flags, "fault");

        // Spans win over the summary row for timing; flags are the union.
        let mut mixed = vec![sp("T", "a", None, "seg", 5000.0, Some(5100.0))];
        let mut sum = sp("T", "", None, "sum", 4000.0, Some(9000.0));
        sum.error = true;
        mixed.push(sum);
        let t = &summarize(&mixed)[0];
        assert!(approx(t.start_ms, 5000.0) && approx(t.duration_ms.unwrap(), 100.0));
        assert!(t.error);
        assert_eq!(t.spans, 1);
        assert_eq!(waterfall(&mixed, "T").map(|r| r.len()), Some(1));
    }

    #[test]
    fn summaries_sorted_by_start_then_id() {
        let spans = vec![
            sp("B", "b", None, "seg", 10.0, Some(20.0)),
            sp("C", "c", None, "seg", 5.0, Some(20.0)),
            sp("A", "a", None, "seg", 10.0, Some(20.0)),
        ];
        let ids: Vec<String> = summarize(&spans).into_iter().map(|t| t.trace_id).collect();
        assert_eq!(ids, ["C", "A", "B"]);
        assert!(summarize(&[]).is_empty());
    }

    #[test]
    fn waterfall_tree_order() {
        let spans = parse_all(&[LAMBDA_FUNCTION_SEGMENT, LAMBDA_SERVICE_SEGMENT]);
        let rows = waterfall(&spans, TRACE_1).expect("trace");
        let got: Vec<(u32, &str)> = rows.iter().map(|r| (r.depth, r.name.as_str())).collect();
        assert_eq!(
            got,
            [
                (0, "orders-api"),
                (1, "orders-api"),
                (2, "Initialization"),
                (2, "Invocation"),
                (3, "DynamoDB"),
                (3, "DynamoDB"),
                (3, "api.example.com"),
                (2, "Overhead"),
            ]
        );
        assert_eq!(rows[0].detail.as_deref(), Some("AWS::Lambda, HTTP 200"));
        assert!(approx(rows[0].offset_ms, 0.0));
        assert_eq!(rows[2].flags, "cold");
        assert!(approx(rows[2].offset_ms, 10.0));
        assert_eq!(rows[4].detail.as_deref(), Some("GetItem, HTTP 200"));
        assert_eq!(rows[6].detail.as_deref(), Some("HTTP 201"));
        assert!(waterfall(&spans, "1-00000000-000000000000000000000000").is_none());
    }

    #[test]
    fn waterfall_orphans_cycles_and_duplicates() {
        let spans = vec![
            sp("T", "root", None, "seg", 0.0, Some(10.0)),
            sp("T", "orphan", Some("missing"), "seg", 5.0, Some(6.0)),
            sp("T", "x", Some("y"), "sub", 2.0, Some(3.0)),
            sp("T", "y", Some("x"), "sub", 1.0, Some(4.0)),
            sp("T", "self", Some("self"), "sub", 3.0, Some(4.0)),
            sp("T", "dup", Some("root"), "sub", 1.0, None),
            sp("T", "dup", Some("root"), "sub", 1.0, Some(2.0)),
            sp("U", "other", None, "seg", 0.0, Some(1.0)),
        ];
        let rows = waterfall(&spans, "T").expect("trace");
        let got: Vec<(u32, &str)> = rows.iter().map(|r| (r.depth, r.name.as_str())).collect();
        assert_eq!(
            got,
            [
                (0, "root"),
                (1, "dup"),
                (0, "self"),
                (0, "orphan"),
                (0, "y"),
                (1, "x")
            ]
        );
        assert_eq!(rows[1].duration_ms, Some(1.0));
        let t = summarize(&spans).into_iter().find(|t| t.trace_id == "T");
        assert_eq!(t.map(|t| t.spans), Some(6));
    }

    #[test]
    fn render_text_layout() {
        let rows = vec![
            WaterfallRow {
                depth: 0,
                name: "orders-api".into(),
                offset_ms: 0.0,
                duration_ms: Some(312.0),
                flags: String::new(),
                detail: None,
            },
            WaterfallRow {
                depth: 1,
                name: "DynamoDB".into(),
                offset_ms: 156.0,
                duration_ms: Some(156.0),
                flags: "throttle".into(),
                detail: Some("Query".into()),
            },
            WaterfallRow {
                depth: 1,
                name: "Waiting".into(),
                offset_ms: 234.0,
                duration_ms: None,
                flags: "in progress".into(),
                detail: None,
            },
        ];
        let text = render_waterfall_text(&rows, 55);
        let expected = "\
orders-api       0.0 ms     312.0 ms |████████████████|
  DynamoDB     156.0 ms     156.0 ms |        ████████| throttle  Query
  Waiting      234.0 ms  in progress |            ░░░░| in progress
";
        assert_eq!(text, expected);
        // Narrow widths still give a 10-cell bar; empty input gives nothing.
        assert!(render_waterfall_text(&rows, 0)
            .lines()
            .all(|l| l.contains("|          |") || l.contains('█') || l.contains('░')));
        assert_eq!(render_waterfall_text(&[], 80), "");
    }

    /// Fifth-round traces review: a name with double-width (CJK) characters pushed its row's
    /// columns right, padded by characters rather than cells.
    #[test]
    fn wide_names_keep_the_columns() {
        use unicode_width::UnicodeWidthStr;
        let row = |depth: u32, name: &str| WaterfallRow {
            depth,
            name: name.into(),
            offset_ms: 0.0,
            duration_ms: Some(10.0),
            flags: String::new(),
            detail: None,
        };
        let rows = [
            row(0, "orders-api"),
            row(1, "日本語-サービス"),
            row(1, &"長".repeat(40)),
        ];
        let text = render_waterfall_text(&rows, 80);
        let bar_at: Vec<usize> = text
            .lines()
            .map(|l| l.split('|').next().unwrap_or_default().width())
            .collect();
        assert!(bar_at.iter().all(|&c| c == bar_at[0]), "{bar_at:?}\n{text}");
        // A long wide name is cut to 48 cells with its ellipsis.
        let cut = text.lines().nth(2).unwrap_or_default();
        assert!(
            cut.starts_with(&format!("  {}…", "長".repeat(22))),
            "{text}"
        );
    }

    #[test]
    fn render_real_trace() {
        let spans = parse_all(&[LAMBDA_SERVICE_SEGMENT, LAMBDA_FUNCTION_SEGMENT]);
        let rows = waterfall(&spans, TRACE_1).expect("trace");
        let text = render_waterfall_text(&rows, 100);
        assert_eq!(text.lines().count(), rows.len());
        let first = text.lines().next().unwrap_or_default();
        assert!(first.starts_with("orders-api"), "{text}");
        assert!(first.contains("312.0 ms"), "{text}");
    }

    #[test]
    fn corpus_cold_start_trace() {
        let dir = std::path::Path::new("/work/shared/corpus/xray");
        let alt = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/xray");
        let name = "lambdapulse-trace-1-643aca1d-02e095f7341508e00b9b6d2b.segments.json";
        let Some(text) = [dir.join(name), alt.join(name)]
            .iter()
            .find_map(|p| std::fs::read_to_string(p).ok())
        else {
            crate::diag!("corpus not found: skipping");
            return;
        };
        let spans = parse_text(&text, name).spans;
        let sums = summarize(&spans);
        assert_eq!(sums.len(), 1);
        let t = &sums[0];
        assert_eq!(t.root, "dev-todo-list-app/dev");
        assert_eq!(t.cold_start, Some(true));
        assert!(approx(t.init_ms.unwrap_or(f64::NAN), 851.5056));
        assert!(
            (t.duration_ms.unwrap() - 1449.152).abs() < 0.01,
            "{:?}",
            t.duration_ms
        );
        assert_eq!((t.segments, t.spans), (6, 14));
        assert_eq!(t.downstream[0].service, "Lambda");
        assert_eq!(t.downstream[0].calls, 2);
        // Summed, the nested Invoke counts twice (1527 ms, more than the trace's 1449 ms); the
        // wall time is API Gateway's outer call alone.
        assert!((t.downstream[0].total_ms - 1527.0).abs() < 0.01);
        assert!(
            (t.downstream[0].wall_ms - 1442.0).abs() < 1.0,
            "{:?}",
            t.downstream[0]
        );
        assert!(t.downstream[0].wall_ms <= t.duration_ms.unwrap());
        assert_eq!(t.downstream[1].operation.as_deref(), Some("PutItem"));
        let rows = waterfall(&spans, &t.trace_id).expect("trace");
        assert_eq!(rows.len(), 14);
        assert_eq!(rows[0].name, "dev-todo-list-app/dev");
        // The inferred DynamoDB segment hangs under the DynamoDB subsegment that created it.
        let ddb_sub = rows
            .iter()
            .position(|r| r.detail.as_deref() == Some("PutItem, HTTP 200"))
            .expect("ddb call");
        assert_eq!(rows[ddb_sub + 1].name, "DynamoDB");
        assert_eq!(rows[ddb_sub + 1].depth, rows[ddb_sub].depth + 1);
    }

    fn arb_span() -> impl Strategy<Value = Span> {
        let id = prop::sample::select(vec!["a", "b", "c", "d", "e", ""]);
        let f = prop_oneof![
            Just(f64::NAN),
            Just(f64::INFINITY),
            Just(-1e300),
            -1e6..1e6f64,
        ];
        (
            prop::sample::select(vec!["T", "U"]),
            id.clone(),
            prop::option::of(id),
            prop::sample::select(vec!["seg", "sub", "sum"]),
            f.clone(),
            prop::option::of(f),
            prop::option::of(prop::sample::select(vec!["aws", "remote", "local"])),
            prop::sample::select(vec![
                "Initialization",
                "Restore",
                "DynamoDB",
                "ü🙂 very long name that goes on and on and on and on",
            ]),
            (any::<bool>(), any::<bool>(), any::<bool>(), 0u32..100_000),
        )
            .prop_map(
                |(t, id, parent, kind, start, end, ns, name, (e, fl, th, depth))| {
                    let mut s = sp(t, id, parent, kind, start, end);
                    s.namespace = ns.map(Into::into);
                    s.name = name.into();
                    s.error = e;
                    s.fault = fl;
                    s.throttle = th;
                    s.depth = depth;
                    s
                },
            )
    }

    proptest! {
        #[test]
        fn arbitrary_spans_never_panic(spans in prop::collection::vec(arb_span(), 0..16), width in 0usize..200) {
            let sums = summarize(&spans);
            for t in &sums {
                let rows = waterfall(&spans, &t.trace_id);
                prop_assert!(rows.is_some());
                let rows = rows.unwrap_or_default();
                let real: std::collections::HashSet<&str> = spans
                    .iter()
                    .filter(|s| s.trace_id == t.trace_id && s.span_kind != SpanKind::TraceSummary)
                    .map(|s| s.span_id.as_str())
                    .collect();
                // Every distinct span appears exactly once.
                prop_assert_eq!(rows.len(), real.len().max(usize::from(real.is_empty())));
                let _ = render_waterfall_text(&rows, width);
            }
        }
    }
}
