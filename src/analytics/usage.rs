//! Invocation columns → the cost engine's observed usage ([`FunctionUsage`]): per function, sums
//! per UTC day and memory size, and the time spent at each concurrency level.
//!
//! Plain Rust over the compact columns rather than a polars plan: the sums are integer (billed
//! milliseconds), and the occupancy histogram is a sweep over start/end events that a columnar
//! plan would express only through several window functions. Both are one pass per function.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate};

use polars::prelude::*;

use super::frames::report_frame;
use super::AnalyticsError;
use crate::cost::tune::MemoryObservation;
use crate::cost::{ConcurrencyLevel, FunctionMeta, FunctionUsage, RoundingSums, UsageBucket};
use crate::model::ReportColumns;

/// Observed usage of every function, over the window of the whole input.
#[derive(Debug, Clone, Default)]
pub struct ObservedUsage {
    /// Sorted by function name.
    pub functions: Vec<FunctionUsage>,
    /// The observed window, UTC ms: from the hour of the first invocation's start (unless that
    /// hour holds no REPORT: then the hour of the first REPORT) to the end of the hour of the
    /// last REPORT. Whole hours, because logs are kept and exported by the hour or day: a day of
    /// logs that starts 0.5 s after midnight is still a whole day (and counts as one for the
    /// day-to-day range).
    pub window_start_ms: i64,
    pub window_end_ms: i64,
    /// Invocations without a time (console copies): they cannot be placed in the window and are
    /// left out of the usage.
    pub untimed_invocations: u64,
    /// [`ObservedUsage::untimed_invocations`] per function name (functions with none are not
    /// listed).
    pub untimed_by_function: BTreeMap<String, u64>,
}

#[derive(Default)]
struct Acc {
    buckets: BTreeMap<(NaiveDate, u32), UsageBucket>,
    /// (time, +1 | -1) events of the invocations.
    events: Vec<(i64, i32)>,
    latest: Option<(i64, u32)>,
    max_memory_used_mb: Option<u32>,
    /// Billed MB-ms by clock hour (hours since the epoch).
    hours: BTreeMap<i64, u64>,
    /// Exact sums for other providers' per-request minimum and rounding.
    rounding: RoundingSums,
}

fn ms(x: f64) -> u64 {
    if x.is_finite() && x > 0.0 {
        x.round() as u64
    } else {
        0
    }
}

/// Builds the usage. `meta` gives each function's configuration from its name, latest memory
/// size and largest memory used (region, architecture and packaging come from the user, as the
/// logs do not carry them).
pub fn observed_usage(
    cols: &ReportColumns,
    meta: &dyn Fn(&str, u32, Option<u32>) -> FunctionMeta,
) -> ObservedUsage {
    observed_usage_in(cols, meta, (None, None))
}

const HOUR_MS: i64 = 3_600_000;

/// The whole hours invocations span (UTC ms), from the first start (`first_start`), the first
/// REPORT (`first_end`) and the last REPORT (`last_end`): from the hour of the first start to
/// the end of the hour of the last REPORT. An hour that holds starts but no REPORT is only the
/// tail of invocations running across the start of an export (what `filter-log-events
/// --start-time` returns with the hour after it): the window starts at the hour of the first
/// REPORT then (fifth-round cost review: a one-hour export was priced over two hours, at half
/// its rate).
fn whole_hours(first_start: i64, first_end: i64, last_end: i64) -> (i64, i64) {
    let first = first_start.max(first_end.div_euclid(HOUR_MS) * HOUR_MS);
    (
        first.div_euclid(HOUR_MS) * HOUR_MS,
        (last_end.div_euclid(HOUR_MS) + 1) * HOUR_MS,
    )
}

/// The hours the invocations in `cols` span (see [`whole_hours`] and
/// [`ObservedUsage::window_start_ms`]); `None` without a timed invocation.
pub fn observed_window(cols: &ReportColumns) -> Option<(i64, i64)> {
    observed_window_where(cols, |_| true)
}

/// [`observed_window`] of the invocations whose REPORT time `keep` takes.
fn observed_window_where(cols: &ReportColumns, keep: impl Fn(i64) -> bool) -> Option<(i64, i64)> {
    let (first, first_end, last) = (0..cols.len())
        .filter_map(|row| Some((cols.start_ms(row)?, cols.timestamp(row)?)))
        .filter(|&(_, t)| keep(t))
        .fold((i64::MAX, i64::MAX, i64::MIN), |(f, fe, l), (s, t)| {
            (f.min(s), fe.min(t), l.max(t))
        });
    (first <= last).then(|| whole_hours(first, first_end, last))
}

/// The window a month is projected from: [`observed_window`] narrowed by `--since` / `--until`
/// (UTC ms), never widened (a bound beyond the data would spread the same invocations over
/// hours nothing was read from). One rule for `cost`, `simulate --from --price` and the
/// dashboard, so that they project the same month.
pub fn priced_window(
    cols: &ReportColumns,
    since_ms: Option<i64>,
    until_ms: Option<i64>,
) -> Option<(i64, i64)> {
    // The invocations in the window (`cols` may hold others: `report` computes it before
    // applying the window, of every function read, as `cost` has them).
    let (start, end) = observed_window_where(cols, |t| {
        since_ms.is_none_or(|s| t >= s) && until_ms.is_none_or(|u| t < u)
    })?;
    Some((
        since_ms.map_or(start, |s| s.max(start)),
        until_ms.map_or(end, |u| u.min(end)),
    ))
}

/// [`observed_usage`] over a window the user set (`--since` / `--until`, UTC ms): a bound
/// given is the window's edge, as stated; a bound not given comes from the invocations. The
/// window is the run's, shared by every function (so that a function seen once is not projected
/// from a window of zero length, and functions compare over the same time).
pub fn observed_usage_in(
    cols: &ReportColumns,
    meta: &dyn Fn(&str, u32, Option<u32>) -> FunctionMeta,
    window: (Option<i64>, Option<i64>),
) -> ObservedUsage {
    let names = cols.names();
    let mut acc: Vec<Acc> = (0..names.len()).map(|_| Acc::default()).collect();
    let mut untimed = 0u64;
    let mut untimed_ids: BTreeMap<u32, u64> = BTreeMap::new();
    let (mut first, mut first_end, mut last) = (i64::MAX, i64::MAX, i64::MIN);
    for row in 0..cols.len() {
        let timed = match (cols.timestamp(row), cols.start_ms(row)) {
            (Some(ts), Some(start)) => {
                DateTime::from_timestamp_millis(ts).map(|d| (ts, start, d.date_naive()))
            }
            _ => None,
        };
        let Some((ts, start, date)) = timed else {
            untimed += 1;
            *untimed_ids.entry(cols.function_id(row)).or_default() += 1;
            continue;
        };
        first = first.min(start);
        first_end = first_end.min(ts);
        last = last.max(ts);
        let a = &mut acc[cols.function_id(row) as usize];
        let memory_mb = cols.memory_size_mb(row);
        let b = a
            .buckets
            .entry((date, memory_mb))
            .or_insert_with(|| UsageBucket::new(date, memory_mb, 0, 0));
        let billed = ms(cols.billed_duration_ms(row));
        // Billed MB-ms per clock hour with usage, by REPORT time (a map: a window set long
        // before the data holds mostly empty hours, which are only counted).
        *a.hours.entry(ts.div_euclid(HOUR_MS)).or_insert(0) += billed * u64::from(memory_mb);
        b.requests += 1;
        b.billed_ms += billed;
        // INIT and SnapStart restore inside Billed Duration: what an invocation served warm
        // by provisioned concurrency does not run (verification of the sixth round).
        let init = billed_init_ms(cols, row, billed);
        b.billed_init_ms += init;
        b.fixed_billed_ms += fixed_billed_ms(cols, row, billed, init);
        a.rounding.add(billed);
        if cols.cold_start(row) {
            b.cold_starts += 1;
        }
        if let Some(init) = cols.init_duration_ms(row) {
            // INIT that AWS did not bill (a managed runtime before 2025-08-01): what the
            // 2025-08-01 rule would add, `ceil(duration + init) - billed`.
            let with_init = (cols.duration_ms(row) + init).ceil();
            b.unbilled_init_ms += ms(with_init).saturating_sub(billed);
        }
        if cols.restore_duration_ms(row).is_some() {
            b.restores += 1;
            b.billed_restore_ms += cols.billed_restore_duration_ms(row).map_or(0, ms);
        }
        a.events.push((start, 1));
        a.events.push((ts, -1));
        if a.latest.is_none_or(|(t, _)| ts >= t) {
            a.latest = Some((ts, memory_mb));
        }
        if let Some(m) = cols.max_memory_used_mb(row) {
            a.max_memory_used_mb = Some(a.max_memory_used_mb.map_or(m, |x| x.max(m)));
        }
    }
    let untimed_by_function: BTreeMap<String, u64> = untimed_ids
        .into_iter()
        .filter_map(|(id, n)| Some((names.get(id as usize)?.to_string(), n)))
        .collect();
    if first > last {
        return ObservedUsage {
            untimed_invocations: untimed,
            untimed_by_function,
            ..ObservedUsage::default()
        };
    }
    let (hour_first, hour_end) = whole_hours(first, first_end, last);
    let first = window.0.unwrap_or(hour_first);
    let window_end = window
        .1
        .unwrap_or(hour_end)
        // A window of at least a millisecond (the bounds of one invocation could be equal).
        .max(first + 1);
    let window_hours =
        u64::try_from((window_end - 1).div_euclid(HOUR_MS) - first.div_euclid(HOUR_MS) + 1)
            .unwrap_or(1)
            .max(1);
    let mut functions: Vec<FunctionUsage> = acc
        .into_iter()
        .enumerate()
        .filter_map(|(i, a)| {
            let (_, memory_mb) = a.latest?;
            let mut m = meta(&names[i], memory_mb, a.max_memory_used_mb);
            m.max_memory_used_mb = a.max_memory_used_mb;
            Some(FunctionUsage {
                meta: m,
                window_start_ms: first,
                window_end_ms: window_end,
                buckets: a.buckets.into_values().collect(),
                environment_busy_ms: environment_busy(&a.events),
                concurrency: occupancy(a.events),
                rounding: Some(a.rounding),
                busy_hour_starts_ms: a.hours.keys().map(|h| h * HOUR_MS).collect(),
                busy_hours_mb_ms: a.hours.into_values().collect(),
                window_hours,
            })
        })
        .collect();
    functions.sort_by(|a, b| a.meta.name.cmp(&b.meta.name));
    ObservedUsage {
        functions,
        window_start_ms: first,
        window_end_ms: window_end,
        untimed_invocations: untimed,
        untimed_by_function,
    }
}

/// The concurrency histogram and each environment's busy time (see [`environment_busy`]) of
/// invocations given as [start, end) intervals, ms: what [`observed_usage`] computes from the
/// REPORTs, for runs modelled elsewhere (`ci` at another memory size).
pub fn concurrency_of(intervals: &[(i64, i64)]) -> (Vec<ConcurrencyLevel>, Vec<u64>) {
    let events: Vec<(i64, i32)> = intervals
        .iter()
        .flat_map(|&(start, end)| [(start, 1), (end.max(start), -1)])
        .collect();
    let environments = environment_busy(&events);
    (occupancy(events), environments)
}

/// Busy time of each execution environment when every invocation takes the lowest-numbered
/// free one and keeps it to its end (see `ConcurrencyProfile::environment_busy_ms`), from the
/// start (+1) and end (-1) events in pairs, as `occupancy` reads them: at equal times ends
/// come first (an environment freed at t takes an invocation starting at t). Written here:
/// a sweep with two heaps, no crate does this.
fn environment_busy(events: &[(i64, i32)]) -> Vec<u64> {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    let mut runs: Vec<(i64, i64)> = events
        .chunks_exact(2)
        .map(|pair| (pair[0].0, pair[1].0.max(pair[0].0)))
        .collect();
    runs.sort_unstable();
    let mut free: BinaryHeap<Reverse<usize>> = BinaryHeap::new();
    let mut running: BinaryHeap<Reverse<(i64, usize)>> = BinaryHeap::new();
    let mut busy: Vec<u64> = Vec::new();
    for (start, end) in runs {
        while let Some(&Reverse((at, env))) = running.peek() {
            if at > start {
                break;
            }
            running.pop();
            free.push(Reverse(env));
        }
        let env = match free.pop() {
            Some(Reverse(env)) => env,
            None => {
                busy.push(0);
                busy.len() - 1
            }
        };
        busy[env] += u64::try_from(end - start).unwrap_or(0);
        running.push(Reverse((end, env)));
    }
    busy
}

/// Time at each concurrency level > 0 from start (+1) and end (-1) events. At equal times ends
/// come first, so back-to-back invocations do not overlap (as in the report's peak).
fn occupancy(mut events: Vec<(i64, i32)>) -> Vec<ConcurrencyLevel> {
    events.sort_unstable();
    let mut time_at: BTreeMap<u32, u64> = BTreeMap::new();
    let mut level: i64 = 0;
    for w in events.windows(2) {
        level += i64::from(w[0].1);
        let dt = w[1].0 - w[0].0;
        if level > 0 && dt > 0 {
            *time_at.entry(level as u32).or_default() += dt as u64;
        }
    }
    time_at
        .into_iter()
        .map(|(level, ms)| ConcurrencyLevel { level, ms })
        .collect()
}

/// The billed ms of invocation `row` (`billed` of them) that do not scale with memory (see
/// [`crate::cost::usage::UsageBucket::fixed_billed_ms`]): all of it when it timed out, else
/// `init`, its [`billed_init_ms`].
fn fixed_billed_ms(cols: &ReportColumns, row: usize, billed: u64, init: u64) -> u64 {
    if cols.status(row) == crate::model::Status::Timeout {
        billed
    } else {
        init
    }
}

/// The INIT and SnapStart restore inside invocation `row`'s Billed Duration (`billed` ms): its
/// Init Duration when the REPORT billed it (at least Duration + Init), and its billed restore.
fn billed_init_ms(cols: &ReportColumns, row: usize, billed: u64) -> u64 {
    let init = cols
        .init_duration_ms(row)
        .filter(|init| ms((cols.duration_ms(row) + init).ceil()) <= billed)
        .map_or(0, |init| ms(init.ceil()));
    let restore = cols.billed_restore_duration_ms(row).map_or(0, ms);
    (init + restore).min(billed)
}

/// Durations of each function at each memory size it ran with (for right-sizing): one polars
/// plan, exact percentiles as in the report. Keyed by function name, sizes ascending.
pub fn memory_observations(
    cols: ReportColumns,
) -> Result<BTreeMap<String, Vec<MemoryObservation>>, AnalyticsError> {
    if cols.is_empty() {
        return Ok(BTreeMap::new());
    }
    // Per function and size: billed ms that do not scale with memory, and timeouts.
    // (fixed billed ms, timeouts, billed INIT and restore ms)
    let mut fixed: BTreeMap<(u32, u32), (u64, u64, u64)> = BTreeMap::new();
    for row in 0..cols.len() {
        let billed = ms(cols.billed_duration_ms(row));
        let e = fixed
            .entry((cols.function_id(row), cols.memory_size_mb(row)))
            .or_default();
        let init = billed_init_ms(&cols, row, billed);
        e.0 += fixed_billed_ms(&cols, row, billed, init);
        e.1 += u64::from(cols.status(row) == crate::model::Status::Timeout);
        e.2 += init;
    }
    let timeout_code = crate::model::columns::status_code(crate::model::Status::Timeout);
    let (df, names) = report_frame(cols)?;
    let out = df
        .lazy()
        .group_by([col("function"), col("memory_size_mb")])
        .agg([
            len().cast(DataType::UInt64).alias("n"),
            col("billed_duration_ms").mean().alias("billed_mean"),
            col("duration_ms")
                .quantile(lit(0.5), QuantileMethod::Linear)
                .alias("p50"),
            col("duration_ms")
                .quantile(lit(0.99), QuantileMethod::Linear)
                .alias("p99"),
            col("duration_ms")
                .filter(col("status").neq(lit(u32::from(timeout_code))))
                .quantile(lit(0.99), QuantileMethod::Linear)
                .alias("p99_completed"),
            col("duration_ms")
                .filter(col("status").eq(lit(u32::from(timeout_code))))
                .max()
                .alias("timeout_max"),
            col("duration_ms")
                .filter(col("status").eq(lit(u32::from(timeout_code))))
                .min()
                .alias("timeout_min"),
            col("duration_ms")
                .filter(col("status").neq(lit(u32::from(timeout_code))))
                .max()
                .alias("completed_max"),
        ])
        .sort(
            ["function", "memory_size_mb"],
            SortMultipleOptions::default(),
        )
        .collect()?;
    let ids = out.column("function")?.u32()?.clone();
    let mem = out.column("memory_size_mb")?.u32()?.clone();
    let n = out.column("n")?.u64()?.clone();
    let f = |c: &str| -> Result<Float64Chunked, AnalyticsError> {
        Ok(out.column(c)?.cast(&DataType::Float64)?.f64()?.clone())
    };
    let (billed, p50, p99) = (f("billed_mean")?, f("p50")?, f("p99")?);
    let (p99_completed, timeout_max) = (f("p99_completed")?, f("timeout_max")?);
    let (timeout_min, completed_max) = (f("timeout_min")?, f("completed_max")?);
    let mut by_name: BTreeMap<String, Vec<MemoryObservation>> = BTreeMap::new();
    for i in 0..out.height() {
        let (Some(id), Some(memory_mb)) = (ids.get(i), mem.get(i)) else {
            continue;
        };
        let Some(name) = names.get(id as usize) else {
            continue;
        };
        let invocations = n.get(i).unwrap_or(0);
        let (fixed_ms, timeouts, init_ms) =
            fixed.get(&(id, memory_mb)).copied().unwrap_or((0, 0, 0));
        let per = |x: u64| x as f64 / invocations.max(1) as f64;
        by_name
            .entry(name.to_string())
            .or_default()
            .push(MemoryObservation {
                memory_mb,
                invocations,
                mean_billed_ms: billed.get(i).unwrap_or(0.0),
                p50_duration_ms: p50.get(i).unwrap_or(0.0),
                p99_duration_ms: p99.get(i).unwrap_or(0.0),
                fixed_mean_billed_ms: per(fixed_ms),
                init_mean_billed_ms: per(init_ms),
                timeout_share: per(timeouts),
                p99_completed_ms: p99_completed.get(i).unwrap_or(0.0),
                timeout_ms: timeout_max.get(i),
                timeout_min_ms: timeout_min.get(i),
                completed_max_ms: completed_max.get(i),
            });
    }
    Ok(by_name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::Arch;

    use crate::analytics::test_invocation as inv;

    /// Fifth-round cost review: a one-hour export whose first REPORT belongs to an invocation
    /// started 100 ms before the hour was projected over two hours (half its rate).
    #[test]
    fn an_hour_holding_only_a_start_is_not_observed() {
        let hour = 3_600_000;
        let mut rows = vec![inv("a", hour + 125, 225.0, 226.0, None)];
        rows.extend((1..60).map(|m| inv("a", hour + m * 60_000, 200.0, 200.0, None)));
        let cols = ReportColumns::from_invocations(&rows);
        assert_eq!(observed_window(&cols), Some((hour, 2 * hour)));
        let u = observed_usage(&cols, &|n, m, _| {
            FunctionMeta::new(n, "us-east-1", Arch::X86_64, m)
        });
        assert_eq!((u.window_start_ms, u.window_end_ms), (hour, 2 * hour));
        // A REPORT in the first start's hour keeps that hour.
        rows.push(inv("a", hour - 10, 5.0, 5.0, None));
        let cols = ReportColumns::from_invocations(&rows);
        assert_eq!(observed_window(&cols), Some((0, 2 * hour)));
    }

    #[test]
    fn buckets_window_and_occupancy() {
        let day = 86_400_000;
        // Two overlapping invocations on day 0 (one cold, INIT unbilled), one on day 1.
        let rows = [
            inv("a", 1_000, 1_000.0, 1_000.0, Some(200.4)),
            inv("a", 1_500, 1_000.0, 1_000.0, None),
            inv("a", day + 10_000, 100.0, 100.0, None),
        ];
        let cols = ReportColumns::from_invocations(&rows);
        let u = observed_usage(&cols, &|n, m, _| {
            FunctionMeta::new(n, "us-east-1", Arch::X86_64, m)
        });
        assert_eq!(u.untimed_invocations, 0);
        // First start: 1000 - 1000 - 200.4 → -200 ms, in the hour before the epoch, which
        // holds no REPORT (the tail of an invocation across an export's start): the window
        // starts at the first REPORT's hour; the last REPORT's hour ends at day + 1 h.
        assert_eq!(u.window_start_ms, 0);
        assert_eq!(u.window_end_ms, day + 3_600_000);
        let f = &u.functions[0];
        assert_eq!(f.meta.max_memory_used_mb, Some(100));
        assert_eq!(f.buckets.len(), 2);
        assert_eq!(f.buckets[0].requests, 2);
        assert_eq!(f.buckets[0].billed_ms, 2_000);
        assert_eq!(f.buckets[0].cold_starts, 1);
        // ceil(1000 + 200.4) - 1000 = 201.
        assert_eq!(f.buckets[0].unbilled_init_ms, 201);
        assert_eq!(f.buckets[1].requests, 1);
        // [-200, 1000) and [500, 1500): level 1 for 700 + 500 ms, level 2 for 500 ms; the
        // day-1 invocation adds 100 ms at level 1.
        assert_eq!(
            f.concurrency,
            [
                ConcurrencyLevel {
                    level: 1,
                    ms: 1_300
                },
                ConcurrencyLevel { level: 2, ms: 500 },
            ]
        );
    }

    #[test]
    fn exact_rounding_sums_for_other_providers() {
        // Billed 7, 150 and 1,000 ms: Azure's 100 ms minimum makes 100 + 150 + 1,000; Cloud
        // Run's rounding up to 100 ms makes 100 + 200 + 1,000.
        let rows = [
            inv("a", 1_000, 6.2, 7.0, None),
            inv("a", 5_000, 149.5, 150.0, None),
            inv("a", 9_000, 999.9, 1_000.0, None),
        ];
        let cols = ReportColumns::from_invocations(&rows);
        let u = observed_usage(&cols, &|n, m, _| {
            FunctionMeta::new(n, "us-east-1", Arch::X86_64, m)
        });
        assert_eq!(
            u.functions[0].rounding,
            Some(RoundingSums {
                basis_billed_ms: 1_157,
                ms_at_least_100: 1_250,
                ms_rounded_up_to_100: 1_300,
            })
        );
    }

    /// Fourth-round cost review: N provisioned environments serve the invocations that find
    /// one free as they start, each to its end (not Σ min(level, N), which lets a running
    /// invocation move onto an environment that frees up).
    #[test]
    fn each_environment_keeps_the_invocations_it_started() {
        // Events in pairs: A [0, 10), B [2, 12), C [4, 14), D [10, 20) (ends first at 10).
        let ev = |runs: &[(i64, i64)]| -> Vec<(i64, i32)> {
            runs.iter().flat_map(|&(s, e)| [(s, 1), (e, -1)]).collect()
        };
        let busy = environment_busy(&ev(&[(4, 14), (0, 10), (2, 12), (10, 20)]));
        // Environment 1 takes A then D (freed at 10), 2 takes B, 3 takes C.
        assert_eq!(busy, [20, 10, 10]);
        // Two environments serve 30 of the 40 ms, where the histogram's Σ min(level, 2) says
        // 32 (level 1 for 8 ms, 2 for 4, 3 for 8): C, on demand from 4, does not move onto
        // the second when B ends at 12.
        let hist = occupancy(ev(&[(4, 14), (0, 10), (2, 12), (10, 20)]));
        let p = crate::cost::usage::ConcurrencyProfile::new(&hist, 100);
        assert_eq!(p.covered_ms(2), 32);
        let p = p.with_environments(busy);
        assert_eq!(
            (p.covered_ms(1), p.covered_ms(2), p.covered_ms(3)),
            (20, 30, 40)
        );
        assert_eq!(p.busy_ms(), 40);
    }

    #[test]
    fn back_to_back_invocations_do_not_overlap() {
        let rows = [
            inv("a", 1_000, 1_000.0, 1_000.0, None),
            inv("a", 2_000, 1_000.0, 1_000.0, None),
        ];
        let cols = ReportColumns::from_invocations(&rows);
        let u = observed_usage(&cols, &|n, m, _| {
            FunctionMeta::new(n, "us-east-1", Arch::X86_64, m)
        });
        assert_eq!(
            u.functions[0].concurrency,
            [ConcurrencyLevel {
                level: 1,
                ms: 2_000
            }]
        );
    }
}
