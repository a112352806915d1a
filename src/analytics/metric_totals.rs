//! Totals of a counted CloudWatch metric (Throttles, Invocations, Errors…) per function, from
//! points that may overlap: the same metric read at two periods (a per-minute CSV beside an
//! hourly get-metric-data), or the same file read twice.
//!
//! Neither output format says what period a point covers (get-metric-data omits it, the CSV has
//! no column for it), so each series (the points of one function, metric and statistic in one
//! file) gets the smallest gap between its timestamps as its period. The finest series are
//! counted first, and a point whose `[timestamp, timestamp + period)` overlaps a time already
//! counted is left out: where two inputs describe the same minutes, the finer one counts, once.
//! A series of a single point has no period to read: it is counted last, and only where no
//! other series covers its time. (Series of several periods in one file share a key: known
//! limit.) Hand-written because
//! it is a few lines of interval bookkeeping over plain records (no polars frame needed).

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::model::MetricPoint;

/// One series: value by timestamp (epoch ms).
type Series = BTreeMap<i64, f64>;

/// Per function, the total of the `Sum` (or statistic-less) points of `metric`, each minute
/// counted once (see the module docs). Negative values count as 0.
pub fn counter_totals(points: &[MetricPoint], metric: &str) -> BTreeMap<Arc<str>, f64> {
    // (function, file) -> timestamp -> value; the first value of a timestamp wins within a
    // series (a file holding the same page twice).
    let mut series: BTreeMap<(Arc<str>, Arc<str>), Series> = BTreeMap::new();
    for p in points {
        let summed = p
            .statistic
            .as_deref()
            .is_none_or(|s| s.eq_ignore_ascii_case("sum"));
        if p.metric != metric || !summed || !p.value.is_finite() {
            continue;
        }
        series
            .entry((p.function.clone(), p.source.file.clone()))
            .or_default()
            .entry(p.timestamp)
            .or_insert(p.value.max(0.0));
    }
    // A series of one point has no period to read (an `--period 3600` query of one hour is
    // one point): it comes after every series whose period is known, and counts only where
    // none of them covers its start (taken as 60 s, it tied with a per-minute series of the
    // same hour and counted that hour's other minutes twice).
    let mut by_function: BTreeMap<Arc<str>, Vec<(Option<i64>, &Series)>> = BTreeMap::new();
    for ((function, _file), s) in &series {
        let period_ms = s.keys().zip(s.keys().skip(1)).map(|(a, b)| b - a).min();
        by_function
            .entry(function.clone())
            .or_default()
            .push((period_ms, s));
    }
    let mut out = BTreeMap::new();
    for (function, mut list) in by_function {
        // Finest first, one-point series last; equal periods keep file order (the
        // BTreeMap's), so the result does not depend on the order the inputs were read in.
        list.sort_by_key(|(period_ms, _)| period_ms.unwrap_or(i64::MAX));
        let mut counted: BTreeMap<i64, i64> = BTreeMap::new(); // start -> end, disjoint
        let mut total = 0.0;
        for (period_ms, s) in list {
            for (&start, &value) in s {
                // A one-point series: its instant.
                let end = start.saturating_add(period_ms.unwrap_or(1));
                if overlaps(&counted, start, end) {
                    continue;
                }
                counted.insert(start, end);
                total += value;
            }
        }
        out.insert(function, total);
    }
    out
}

/// Whether `[start, end)` overlaps an interval of `counted` (disjoint intervals by start).
fn overlaps(counted: &BTreeMap<i64, i64>, start: i64, end: i64) -> bool {
    let before = counted.range(..=start).next_back();
    if before.is_some_and(|(_, &e)| e > start) {
        return true;
    }
    counted.range(start..end).next().is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SourceRef;

    fn point(
        file: &str,
        function: &str,
        metric: &str,
        stat: Option<&str>,
        t_s: i64,
        v: f64,
    ) -> MetricPoint {
        MetricPoint {
            timestamp: t_s * 1000,
            function: Arc::from(function),
            metric: metric.into(),
            statistic: stat.map(str::to_owned),
            value: v,
            unit: None,
            source: SourceRef {
                file: Arc::from(file),
                line: 1,
            },
        }
    }

    #[test]
    fn one_series_is_summed() {
        let pts = [
            point("a.csv", "f", "Throttles", None, 0, 3.0),
            point("a.csv", "f", "Throttles", None, 60, 4.0),
            point("a.csv", "f", "Invocations", None, 60, 100.0),
            point("a.csv", "f", "Throttles", Some("Maximum"), 60, 9.0),
            point("a.csv", "g", "Throttles", Some("Sum"), 0, 1.0),
        ];
        let t = counter_totals(&pts, "Throttles");
        assert_eq!(t.get("f"), Some(&7.0));
        assert_eq!(t.get("g"), Some(&1.0));
        assert_eq!(t.len(), 2);
    }

    #[test]
    fn the_same_file_twice_counts_once() {
        let one = [
            point("a.csv", "f", "Throttles", None, 0, 3.0),
            point("a.csv", "f", "Throttles", None, 60, 4.0),
        ];
        let mut two = one.to_vec();
        for p in &one {
            let mut q = p.clone();
            q.source.file = Arc::from("copy/a.csv");
            two.push(q);
        }
        assert_eq!(
            counter_totals(&two, "Throttles"),
            counter_totals(&one, "Throttles")
        );
    }

    #[test]
    fn finer_series_wins_where_they_overlap() {
        // Hourly sums (sample-data's get-metric-data) beside per-minute points (its CSV) for
        // the first hour only: the minutes count for that hour, the hourly point for the next.
        let pts = [
            point("hourly.json", "f", "Throttles", Some("Sum"), 0, 1352.0),
            point("hourly.json", "f", "Throttles", Some("Sum"), 3600, 500.0),
            point("minutes.csv", "f", "Throttles", None, 0, 923.0),
            point("minutes.csv", "f", "Throttles", None, 60, 429.0),
        ];
        assert_eq!(
            counter_totals(&pts, "Throttles").get("f"),
            Some(&(1352.0 + 500.0))
        );
        // Input order does not matter.
        let mut rev = pts.to_vec();
        rev.reverse();
        assert_eq!(
            counter_totals(&rev, "Throttles"),
            counter_totals(&pts, "Throttles")
        );
    }

    /// Third-round ingestion review: an hourly series of one point (06:00 = 1352) beside the
    /// same hour per minute (923 + 429) was taken as a minute: 1,781 throttles, not 1,352.
    #[test]
    fn a_one_point_series_counts_only_where_no_series_covers_it() {
        let pts = [
            point("a-hourly.json", "f", "Throttles", None, 21_600, 1352.0),
            point("b-minutes.csv", "f", "Throttles", None, 21_600, 923.0),
            point("b-minutes.csv", "f", "Throttles", None, 21_660, 429.0),
        ];
        assert_eq!(counter_totals(&pts, "Throttles").get("f"), Some(&1352.0));
        // Alone, it counts.
        assert_eq!(
            counter_totals(&pts[..1], "Throttles").get("f"),
            Some(&1352.0)
        );
    }

    #[test]
    fn single_points_and_bad_values() {
        let pts = [
            point("a.json", "f", "Throttles", None, 0, -5.0),
            // One point each: no period to read, so another time is another count.
            point("b.json", "f", "Throttles", None, 30, 2.0),
            point("c.json", "f", "Throttles", None, 120, f64::NAN),
            point("d.json", "f", "Throttles", None, i64::MAX / 1000, 1.0),
            // The same time again: counted once.
            point("e.json", "f", "Throttles", None, 30, 2.0),
        ];
        assert_eq!(counter_totals(&pts, "Throttles").get("f"), Some(&3.0));
        assert!(counter_totals(&[], "Throttles").is_empty());
    }
}
