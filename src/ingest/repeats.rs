//! Records read more than once across inputs (overlapping exports and pages, a file copied
//! into two directories, an in-progress segment beside its completed version): every table
//! keeps one copy, so the export, `traces` and the report agree. Also the spans' depth in their
//! whole trace, which only the whole run's spans can give (a trace's segments may come from
//! different files).

use std::collections::{HashMap, HashSet};

use crate::model::{MetricPoint, Span, SpanKind};

/// One span per (trace id, span id): the completed copy wins over an in-progress one, else the
/// first read. One GetTraceSummaries row per trace: the first with a duration, else the first.
/// Keeps the order in which spans were read; returns how many were dropped.
pub fn drop_repeated_spans(spans: &mut Vec<Span>) -> usize {
    // foldhash, not SipHash: hashing the ids was a fifth of `traces` on a large segment file.
    let mut pos: foldhash::HashMap<(&str, &str), usize> =
        foldhash::HashMap::with_capacity_and_hasher(spans.len(), Default::default());
    let mut summary_pos: foldhash::HashMap<&str, usize> = Default::default();
    // Index of the copy each position keeps (itself unless a later copy replaces it).
    let mut keep: Vec<Option<usize>> = vec![None; spans.len()];
    for (i, s) in spans.iter().enumerate() {
        if s.span_kind == SpanKind::TraceSummary {
            match summary_pos.get(s.trace_id.as_str()) {
                Some(&first) => {
                    let kept = keep[first].unwrap_or(first);
                    if spans[kept].duration_ms.is_none() && s.duration_ms.is_some() {
                        keep[first] = Some(i);
                    }
                }
                None => {
                    summary_pos.insert(s.trace_id.as_str(), i);
                    keep[i] = Some(i);
                }
            }
            continue;
        }
        match pos.get(&(s.trace_id.as_str(), s.span_id.as_str())) {
            Some(&first) => {
                let kept = keep[first].unwrap_or(first);
                if spans[kept].is_better_copy(s) {
                    keep[first] = Some(i);
                }
            }
            None => {
                pos.insert((s.trace_id.as_str(), s.span_id.as_str()), i);
                keep[i] = Some(i);
            }
        }
    }
    let dropped = keep.iter().filter(|k| k.is_none()).count();
    if dropped == 0 {
        return 0;
    }
    let mut taken: Vec<Option<Span>> = std::mem::take(spans).into_iter().map(Some).collect();
    for k in keep.into_iter().flatten() {
        if let Some(s) = taken[k].take() {
            spans.push(s);
        }
    }
    dropped
}

/// Resolves what a span takes from its ancestors across the documents of the run:
/// - `depth`, its number of ancestors in its trace (0 for a span whose parent is not in the
///   run: a root);
/// - a subsegment's `function`, its segment's name (an independent subsegment document only
///   names itself);
/// - a missing `request_id`, its parent's when the parent is of the same function (a segment's
///   `aws.request_id` covers its subsegments, but not the segments of another function it
///   calls).
///
/// Bounded walks, so parent_id cycles cannot loop forever.
pub fn resolve_span_tree(spans: &mut [Span]) {
    let mut index: foldhash::HashMap<(&str, &str), usize> =
        foldhash::HashMap::with_capacity_and_hasher(spans.len(), Default::default());
    index.extend(
        spans
            .iter()
            .enumerate()
            .filter(|(_, s)| s.span_kind != SpanKind::TraceSummary)
            .map(|(i, s)| ((s.trace_id.as_str(), s.span_id.as_str()), i)),
    );
    let parent: Vec<Option<usize>> = spans
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let p = s.parent_id.as_deref()?;
            index
                .get(&(s.trace_id.as_str(), p))
                .copied()
                .filter(|&j| j != i)
        })
        .collect();
    let mut depth: Vec<Option<u32>> = vec![None; spans.len()];
    let mut on_path = vec![false; spans.len()];
    let mut path: Vec<usize> = Vec::new();
    for start in 0..spans.len() {
        // Walk up to a span whose depth is known or to a root, then fill the path back down.
        path.clear();
        let mut at = start;
        let base = loop {
            if let Some(d) = depth[at] {
                break Some(d);
            }
            if on_path[at] {
                // A cycle: the span where it closes is treated as a root.
                break None;
            }
            on_path[at] = true;
            path.push(at);
            match parent[at] {
                Some(p) => at = p,
                None => break None,
            }
        };
        let mut d = base.map_or(0, |b| b.saturating_add(1));
        if base.is_none() {
            // The last span on the path is a root (or closes a cycle).
            if let Some(root) = path.pop() {
                depth[root] = Some(0);
                d = 1;
            }
        }
        for &i in path.iter().rev() {
            depth[i] = Some(d);
            d = d.saturating_add(1);
        }
        for &i in &path {
            on_path[i] = false;
        }
    }
    for (s, d) in spans.iter_mut().zip(&depth) {
        if s.span_kind != SpanKind::TraceSummary {
            s.depth = d.unwrap_or(0);
        }
    }
    // Parents before children (by depth), so what a parent inherited passes on down. A parent
    // no shallower than its child closes a cycle and passes nothing.
    let mut order: Vec<usize> = (0..spans.len())
        .filter(|&i| spans[i].span_kind != SpanKind::TraceSummary && parent[i].is_some())
        .collect();
    order.sort_by_key(|&i| spans[i].depth);
    for i in order {
        let Some(p) = parent[i].filter(|&p| spans[p].depth < spans[i].depth) else {
            continue;
        };
        if spans[i].span_kind == SpanKind::Subsegment && spans[i].function != spans[p].function {
            spans[i].function = spans[p].function.clone();
        }
        if spans[i].request_id.is_none() && spans[i].function == spans[p].function {
            spans[i].request_id = spans[p].request_id.clone();
        }
    }
}

/// Drops metric points equal to another in all but where they were read (function, metric,
/// statistic (none is the sum), timestamp and value; not the unit, which some sources leave
/// out) and in a series of the same period (the step between the times of its file's points
/// of that function, metric and statistic, when they are evenly spaced multiples of it): the
/// same page in two files, or twice in one. Of the copies, the first read is kept; a point of
/// a file that shows no period (one time, or times no step fits) goes to the finest series that
/// has it. Keeps the order points were read in; returns how many were dropped.
pub fn drop_repeated_metrics(points: &mut Vec<MetricPoint>) -> usize {
    type SeriesKey<'a> = (&'a str, &'a str, Option<&'a str>, &'a str);
    // Each series' distinct timestamps, for its period below.
    let mut stamps: HashMap<SeriesKey<'_>, Vec<i64>> = HashMap::new();
    for p in points.iter() {
        stamps
            .entry((
                &*p.function,
                p.metric.as_str(),
                p.statistic.as_deref(),
                &*p.source.file,
            ))
            .or_default()
            .push(p.timestamp);
    }
    // A series' period is known when its times are evenly spaced multiples of it, as
    // CloudWatch's periods are (every point on a multiple of 60 s, 300 s, 1 h, …): the greatest
    // common divisor of the gaps, every time a multiple of it. A sparse series whose times are
    // not (a pull of minutes leaving out empty ones: 00:03, 00:07, 00:15) has no period to
    // read (fifth-round verification: two overlapping such pulls were kept twice).
    let period: HashMap<SeriesKey<'_>, i64> = stamps
        .into_iter()
        .map(|(k, mut ts)| {
            ts.sort_unstable();
            ts.dedup();
            let step = ts
                .windows(2)
                .map(|w| w[1] - w[0])
                .fold(0, crate::timeparse::gcd_ms);
            let known = step > 0 && ts.iter().all(|t| t.rem_euclid(step) == 0);
            (k, if known { step } else { i64::MAX })
        })
        .collect();
    // The copies of each point: same function, metric, statistic, time and value.
    let mut copies: HashMap<_, Vec<(i64, usize)>> = HashMap::new();
    for (i, p) in points.iter().enumerate() {
        let series = (
            &*p.function,
            p.metric.as_str(),
            p.statistic.as_deref(),
            &*p.source.file,
        );
        let period = period.get(&series).copied().unwrap_or(i64::MAX);
        // A point without a statistic (the metrics CSV) is the minute's sum, as
        // `metric_totals` counts it, and a unit one source gives and another leaves out is
        // no difference: the same minute from a CSV and from get-metric-data is one point
        // (fourth-round ingestion review: the export summed it twice).
        let statistic = p.statistic.as_deref().unwrap_or("Sum").to_ascii_lowercase();
        let key = (
            &*p.function,
            p.metric.as_str(),
            statistic,
            p.timestamp,
            p.value.to_bits(),
        );
        copies.entry(key).or_default().push((period, i));
    }
    // Points of series with different periods are different points that happen to agree (an
    // hourly Throttles sum of 4 and the minute at its start holding all 4; fifth-round export
    // review: the hourly point was dropped as a copy). Of each period, the first read is kept;
    // a point whose series shows no period (a file with one time) is a copy of the finest
    // series' when there is one.
    let mut keep: HashSet<usize> = HashSet::new();
    for mut group in copies.into_values() {
        group.sort_unstable();
        let finest = group[0].0;
        for (k, &(period, i)) in group.iter().enumerate() {
            let first_of_period = k == 0 || group[k - 1].0 != period;
            if first_of_period && (period != i64::MAX || finest == i64::MAX) {
                keep.insert(i);
            }
        }
    }
    let before = points.len();
    let mut i = 0;
    points.retain(|_| {
        let k = keep.contains(&i);
        i += 1;
        k
    });
    before - points.len()
}

#[cfg(test)]
pub(super) mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::model::SourceRef;

    /// A span of `trace`: a segment without a parent, else a subsegment, of function `f`.
    pub(in crate::ingest) fn span(
        trace: &str,
        id: &str,
        parent: Option<&str>,
        end_ms: Option<f64>,
    ) -> Span {
        Span {
            trace_id: trace.into(),
            span_id: id.into(),
            parent_id: parent.map(str::to_owned),
            name: id.into(),
            function: Arc::from("f"),
            origin: None,
            span_kind: if parent.is_some() {
                SpanKind::Subsegment
            } else {
                SpanKind::Segment
            },
            inferred: false,
            namespace: None,
            start_ms: 0.0,
            end_ms,
            duration_ms: end_ms,
            in_progress: end_ms.is_none(),
            error: false,
            fault: false,
            throttle: false,
            http_status: None,
            operation: None,
            remote_service: None,
            request_id: None,
            depth: 7,
            source: SourceRef {
                file: Arc::from("x.json"),
                line: 1,
            },
        }
    }

    fn summary(trace: &str, duration_ms: Option<f64>) -> Span {
        let mut s = span(trace, "", None, duration_ms);
        s.span_kind = SpanKind::TraceSummary;
        s
    }

    #[test]
    fn completed_copy_wins_in_place_of_the_first() {
        let mut spans = vec![
            span("t", "a", None, None),
            span("t", "b", Some("a"), Some(2.0)),
            span("t", "a", None, Some(5.0)),
            span("t", "a", None, None),
            span("u", "a", None, Some(1.0)), // another trace: kept
            span("t", "b", Some("a"), Some(3.0)), // both complete: the one ending last, in place
        ];
        assert_eq!(drop_repeated_spans(&mut spans), 3);
        let got: Vec<(&str, &str, Option<f64>)> = spans
            .iter()
            .map(|s| (s.trace_id.as_str(), s.span_id.as_str(), s.end_ms))
            .collect();
        assert_eq!(
            got,
            [
                ("t", "a", Some(5.0)),
                ("t", "b", Some(3.0)),
                ("u", "a", Some(1.0))
            ]
        );
    }

    #[test]
    fn one_summary_row_per_trace_preferring_a_duration() {
        let mut spans = vec![
            summary("t", None),
            summary("t", Some(4.0)),
            summary("t", Some(9.0)),
        ];
        assert_eq!(drop_repeated_spans(&mut spans), 2);
        assert_eq!(spans.len(), 1);
        assert_eq!(spans[0].duration_ms, Some(4.0));
        let mut none = vec![span("t", "a", None, Some(1.0))];
        assert_eq!(drop_repeated_spans(&mut none), 0);
    }

    /// An independent subsegment document names only itself: it takes its segment's function,
    /// and a request id passes down within a function but not into another function's segment.
    #[test]
    fn subsegments_take_their_segments_function_and_request() {
        let mut seg_a = span("t", "a", None, Some(1.0));
        seg_a.function = Arc::from("orders-api");
        seg_a.request_id = Some("ra".into());
        let mut handler = span("t", "h", Some("a"), Some(1.0));
        handler.function = Arc::from("## handler");
        let mut call = span("t", "c", Some("h"), Some(1.0));
        call.function = Arc::from("## handler");
        // Another function's segment below the call (A invoking B), without a request id.
        let mut seg_b = span("t", "b", Some("c"), Some(1.0));
        seg_b.span_kind = SpanKind::Segment;
        seg_b.function = Arc::from("billing");
        let mut spans = vec![call, seg_b, handler, seg_a];
        resolve_span_tree(&mut spans);
        let got: Vec<(&str, &str, Option<&str>)> = spans
            .iter()
            .map(|s| (s.span_id.as_str(), &*s.function, s.request_id.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                ("c", "orders-api", Some("ra")),
                ("b", "billing", None),
                ("h", "orders-api", Some("ra")),
                ("a", "orders-api", Some("ra")),
            ]
        );
    }

    #[test]
    fn depth_spans_documents_and_survives_cycles() {
        // Service segment s, function segment f (another document) below it, its subsegments.
        let mut spans = vec![
            span("t", "sub2", Some("sub1"), Some(1.0)),
            span("t", "f", Some("s"), Some(1.0)),
            span("t", "sub1", Some("f"), Some(1.0)),
            span("t", "s", None, Some(1.0)),
            span("t", "orphan", Some("missing"), Some(1.0)),
            span("t", "self", Some("self"), Some(1.0)),
            span("t", "c1", Some("c2"), Some(1.0)),
            span("t", "c2", Some("c1"), Some(1.0)),
            span("u", "sub1", Some("f"), Some(1.0)), // "f" is in trace t only
        ];
        resolve_span_tree(&mut spans);
        let d: HashMap<(&str, &str), u32> = spans
            .iter()
            .map(|s| ((s.trace_id.as_str(), s.span_id.as_str()), s.depth))
            .collect();
        assert_eq!(d[&("t", "s")], 0);
        assert_eq!(d[&("t", "f")], 1);
        assert_eq!(d[&("t", "sub1")], 2);
        assert_eq!(d[&("t", "sub2")], 3);
        assert_eq!(d[&("t", "orphan")], 0);
        assert_eq!(d[&("t", "self")], 0);
        assert_eq!(d[&("u", "sub1")], 0);
        let mut cycle = [d[&("t", "c1")], d[&("t", "c2")]];
        cycle.sort_unstable();
        assert_eq!(cycle, [0, 1]);
    }

    #[test]
    fn equal_points_of_series_of_other_periods_are_kept() {
        // An hourly Throttles sum of 4 and the per-minute file's 18:00 minute holding all 4
        // are two points (fifth-round export review: the hourly one was dropped as a copy).
        // A file whose times show a coarser period (a sparse per-minute file) keeps its equal
        // point too; the totals count each minute once either way.
        let p = |file: &str, t_min: i64, v: f64| MetricPoint {
            timestamp: t_min * 60_000,
            function: Arc::from("f"),
            metric: "Throttles".into(),
            statistic: None,
            value: v,
            unit: Some("Count".into()),
            source: SourceRef {
                file: Arc::from(file),
                line: 1,
            },
        };
        let minute = [p("minute.csv", 360, 923.0), p("minute.csv", 361, 429.0)];
        let sparse = [p("sparse.csv", 360, 923.0), p("sparse.csv", 720, 5.0)];
        for order in [[&minute, &sparse], [&sparse, &minute]] {
            let mut points: Vec<MetricPoint> =
                order.iter().flat_map(|s| s.iter().cloned()).collect();
            assert_eq!(drop_repeated_metrics(&mut points), 0);
            let totals = crate::analytics::metric_totals::counter_totals(&points, "Throttles");
            assert_eq!(totals.get("f"), Some(&(923.0 + 429.0 + 5.0)));
        }
        // A file with one time shows no period: its equal point is the finest series' copy.
        let one = [p("one.csv", 360, 923.0)];
        let mut points: Vec<MetricPoint> = one.iter().chain(&minute).cloned().collect();
        assert_eq!(drop_repeated_metrics(&mut points), 1);
        assert!(points.iter().all(|q| &*q.source.file == "minute.csv"));
        let mut points: Vec<MetricPoint> = one.iter().chain(&one).cloned().collect();
        assert_eq!(drop_repeated_metrics(&mut points), 1);
        // Two overlapping pulls of a sparse series (times no step fits) share their minute
        // once.
        let pull1 = [
            p("p1.json", 3, 2.0),
            p("p1.json", 7, 5.0),
            p("p1.json", 15, 3.0),
        ];
        let pull2 = [p("p2.json", 15, 3.0), p("p2.json", 40, 6.0)];
        let mut points: Vec<MetricPoint> = pull1.iter().chain(&pull2).cloned().collect();
        assert_eq!(drop_repeated_metrics(&mut points), 1);
        assert_eq!(points.iter().map(|q| q.value).sum::<f64>(), 16.0);
        // The same hourly page twice is one copy too.
        let hourly = [p("h.json", 0, 7.0), p("h.json", 60, 4.0)];
        let mut points: Vec<MetricPoint> = hourly.iter().chain(&hourly).cloned().collect();
        assert_eq!(drop_repeated_metrics(&mut points), 2);
    }

    #[test]
    fn repeated_metric_points_dropped() {
        let p = |file: &str, v: f64| MetricPoint {
            timestamp: 60_000,
            function: Arc::from("f"),
            metric: "Throttles".into(),
            statistic: Some("Sum".into()),
            value: v,
            unit: None,
            source: SourceRef {
                file: Arc::from(file),
                line: 1,
            },
        };
        let mut points = vec![p("a.json", 3.0), p("b.json", 3.0), p("b.json", 4.0)];
        assert_eq!(drop_repeated_metrics(&mut points), 1);
        assert_eq!(points.len(), 2);
        assert_eq!(&*points[1].source.file, "b.json");
        assert_eq!(points[1].value, 4.0);
        // The same minute from the metrics CSV (no statistic, a unit) and from
        // get-metric-data (`Sum`, no unit) is one point.
        let csv = MetricPoint {
            statistic: None,
            unit: Some("Count".into()),
            ..p("t.csv", 3.0)
        };
        let mut points = vec![csv, p("c.json", 3.0)];
        assert_eq!(drop_repeated_metrics(&mut points), 1);
        assert_eq!(points.len(), 1);
    }
}
