//! The per-function report: one lazy polars plan over the invocations table, collected once.
//!
//! Percentiles are exact (polars' `Linear` quantile: linear interpolation between closest
//! ranks, numpy's default), never sketches.

use std::sync::Arc;

use std::collections::HashMap;

use polars::prelude::*;
use serde::Serialize;

use super::frames::report_frame;
use super::AnalyticsError;
use crate::model::columns::status_code;
use crate::model::{ReportColumns, Status};

/// Distribution of a duration, ms.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DurationStats {
    pub mean: Option<f64>,
    pub p50: Option<f64>,
    pub p90: Option<f64>,
    pub p95: Option<f64>,
    pub p99: Option<f64>,
    pub max: Option<f64>,
}

/// Distribution of the init (cold start) duration, ms.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct InitStats {
    pub p50: Option<f64>,
    pub p95: Option<f64>,
    pub p99: Option<f64>,
    pub max: Option<f64>,
}

/// Distribution of the memory used, MB.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MemoryStats {
    pub p50: Option<f64>,
    pub p99: Option<f64>,
    pub max: Option<f64>,
    /// The largest of the invocations at `memory_size_mb` (the latest size): what the memory
    /// rules and the table weigh against that size. After a memory change the largest of all
    /// may come from another size (600 MB used at 2048 MB is no "600/512").
    pub at_size: Option<f64>,
}

/// One function's figures. Field names are the JSON output's.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FunctionReport {
    pub function: String,
    pub invocations: u64,
    /// The invocations with a time (`None`: all of them): what a rate counts, as `cost`
    /// projects only timed ones (verifyR review: untimed REPORTs raised the rate past cost's).
    #[serde(skip)]
    pub timed_invocations: Option<u64>,
    pub errors: u64,
    pub timeouts: u64,
    /// (errors + timeouts) / invocations.
    pub error_ratio: f64,
    pub cold_starts: u64,
    pub cold_start_ratio: f64,
    /// All invocations.
    pub duration_ms: DurationStats,
    pub warm_duration_ms: DurationStats,
    pub cold_duration_ms: DurationStats,
    pub init_duration_ms: InitStats,
    pub restore_duration_ms: InitStats,
    /// Σ billed duration.
    pub billed_duration_ms: f64,
    /// Σ billed_duration_ms/1000 × memory_size_mb/1024.
    pub gb_seconds: f64,
    /// The configured memory of the latest invocation.
    pub memory_size_mb: Option<u32>,
    pub max_memory_used_mb: MemoryStats,
    /// max(max_memory_used_mb / memory_size_mb) over invocations.
    pub memory_utilization_max: Option<f64>,
    /// First and last REPORT time, RFC 3339 UTC (null when the input carries no times).
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    /// Most invocations running at once, from REPORT time and duration (+ init/restore).
    pub peak_concurrency: Option<u64>,
    /// invocations / minutes between first and last seen (at least one minute).
    pub invocations_per_minute: Option<f64>,
}

/// Totals over all functions.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Totals {
    pub functions: u64,
    pub invocations: u64,
    pub errors: u64,
    pub timeouts: u64,
    pub error_ratio: f64,
    pub cold_starts: u64,
    pub cold_start_ratio: f64,
    pub billed_duration_ms: f64,
    pub gb_seconds: f64,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    /// Peak concurrency of all functions together (the account's view).
    pub peak_concurrency: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Report {
    pub functions: Vec<FunctionReport>,
    pub totals: Totals,
}

const QUANTILES: [(&str, f64); 4] = [("p50", 0.50), ("p90", 0.90), ("p95", 0.95), ("p99", 0.99)];

fn q(e: Expr, p: f64) -> Expr {
    e.quantile(lit(p), QuantileMethod::Linear)
}

fn duration_aggs(e: Expr, prefix: &str) -> Vec<Expr> {
    let mut v = vec![e.clone().mean().alias(format!("{prefix}_mean"))];
    for (name, p) in QUANTILES {
        v.push(q(e.clone(), p).alias(format!("{prefix}_{name}")));
    }
    v.push(
        e.max()
            .cast(DataType::Float64)
            .alias(format!("{prefix}_max")),
    );
    v
}

fn init_aggs(e: Expr, prefix: &str) -> Vec<Expr> {
    vec![
        q(e.clone(), 0.50).alias(format!("{prefix}_p50")),
        q(e.clone(), 0.95).alias(format!("{prefix}_p95")),
        q(e.clone(), 0.99).alias(format!("{prefix}_p99")),
        e.max()
            .cast(DataType::Float64)
            .alias(format!("{prefix}_max")),
    ]
}

/// Peak concurrency per function id and over the account: the most [start, end) intervals
/// open at once (start = end − (duration + INIT + restore rounded half to even), at least
/// 1 ms before the end: [`crate::model::columns::start_before`], as `cost` takes it), an end
/// counting before a start at the same instant.
///
/// Written by hand rather than in the polars plan: there it took every start and end as a
/// 2.8 M-row event frame sorted by time, the largest allocation of the whole report (its
/// memory peak). Here the starts and the ends are sorted by time once each (the ends, REPORT
/// times, usually arrive in order and then need no sort) and one merge walk keeps a running
/// count per function and for the account: restricted to one function, the walk visits that
/// function's events in the same order as a walk over them alone.
fn peak_concurrency(cols: &ReportColumns) -> (Vec<Option<u64>>, Option<u64>) {
    use rayon::slice::ParallelSliceMut;
    let mut starts: Vec<(i64, u32)> = Vec::with_capacity(cols.len());
    let mut ends: Vec<(i64, u32)> = Vec::with_capacity(cols.len());
    let mut ids = cols.names().len();
    for r in 0..cols.len() {
        let Some(end) = cols.timestamp(r) else {
            continue;
        };
        let f = cols.function_id(r);
        ids = ids.max(f as usize + 1);
        // The start `cost` takes too (`ReportColumns::start_ms`: the busy time rounded, at
        // least 1 ms), so that both show one peak (third-round logs review: they differed at
        // half milliseconds, 1 against 2).
        starts.push((
            crate::model::columns::start_before(
                end,
                cols.duration_ms(r),
                cols.init_duration_ms(r),
                cols.restore_duration_ms(r),
            ),
            f,
        ));
        ends.push((end, f));
    }
    starts.par_sort_unstable_by_key(|x| x.0);
    if !ends.is_sorted_by_key(|x| x.0) {
        ends.par_sort_unstable_by_key(|x| x.0);
    }
    // Running counts only rise at a start, so the peaks are read there (and are at least 0).
    let mut running = vec![0i64; ids];
    let mut peaks: Vec<Option<i64>> = vec![None; ids];
    let (mut total, mut total_peak) = (0i64, 0i64);
    let mut e = 0;
    for &(t, f) in &starts {
        while let Some(&(_, g)) = ends.get(e).filter(|x| x.0 <= t) {
            running[g as usize] -= 1;
            total -= 1;
            e += 1;
        }
        let f = f as usize;
        running[f] += 1;
        peaks[f] = Some(peaks[f].unwrap_or(0).max(running[f]));
        total += 1;
        total_peak = total_peak.max(total);
    }
    let peaks = peaks.into_iter().map(|p| p.map(|p| p as u64)).collect();
    let account = (!starts.is_empty()).then_some(total_peak as u64);
    (peaks, account)
}

/// Invocations per minute over `window` (UTC ms): the run's window, the one `cost` projects a
/// month from (the whole hours the invocations span, narrowed by --since/--until), so that the
/// rate × 60 × 730 is `cost`'s requests a month. (README review: it was each function's own
/// first-to-last span, at least a minute: two calls an hour apart read 2 an hour where `cost`
/// priced 1, and one call read 1 a minute.)
pub fn rate_per_minute(invocations: u64, window: Option<(i64, i64)>) -> Option<f64> {
    let (start, end) = window?;
    (end > start).then(|| invocations as f64 / ((end - start) as f64 / 60_000.0))
}

impl Report {
    /// Each function's invocations per minute over `window` ([`rate_per_minute`]), for a
    /// caller whose window differs from the invocations' own (`--since` / `--until`).
    pub fn rates_over(&mut self, window: Option<(i64, i64)>) {
        for f in &mut self.functions {
            let n = f.timed_invocations.unwrap_or(f.invocations);
            f.invocations_per_minute = rate_per_minute(n, window);
        }
    }

    /// The whole hours from the first `first_seen` to the end of the hour of the last
    /// `last_seen` of the functions (a report aggregated elsewhere, by Logs Insights, has no
    /// invocation starts), narrowed by `since_ms` / `until_ms`, never widened.
    pub fn seen_window(&self, since_ms: Option<i64>, until_ms: Option<i64>) -> Option<(i64, i64)> {
        const HOUR_MS: i64 = 3_600_000;
        let ms = |t: &Option<String>| t.as_deref().and_then(crate::timeparse::parse_timestamp_ms);
        let first = self
            .functions
            .iter()
            .filter_map(|f| ms(&f.first_seen))
            .min()?;
        let last = self
            .functions
            .iter()
            .filter_map(|f| ms(&f.last_seen))
            .max()?;
        let (start, end) = (
            first.div_euclid(HOUR_MS) * HOUR_MS,
            (last.div_euclid(HOUR_MS) + 1) * HOUR_MS,
        );
        Some((
            since_ms.map_or(start, |s| s.max(start)),
            until_ms.map_or(end, |u| u.min(end)),
        ))
    }
}

/// Builds the report over the invocations in `cols` (already filtered by the caller); rates
/// over the whole hours they span ([`rate_per_minute`]).
pub fn build_report(cols: ReportColumns) -> Result<Report, AnalyticsError> {
    let window = super::usage::observed_window(&cols);
    build_report_in(cols, window)
}

/// [`build_report`] with the rates over `window` (`report`'s: the run's, before --function).
pub fn build_report_in(
    cols: ReportColumns,
    window: Option<(i64, i64)>,
) -> Result<Report, AnalyticsError> {
    if cols.is_empty() {
        return Ok(Report::default());
    }
    let (peaks, account_peak) = peak_concurrency(&cols);
    // Timed invocations per function id (one counter bump a row: no name per row).
    let mut by_id = vec![0u64; cols.names().len()];
    for row in 0..cols.len() {
        if cols.timestamp(row).is_some() {
            if let Some(n) = by_id.get_mut(cols.function_id(row) as usize) {
                *n += 1;
            }
        }
    }
    let timed: HashMap<String, u64> = cols
        .names()
        .iter()
        .map(|n| n.to_string())
        .zip(by_id)
        .collect();
    let (df, names) = report_frame(cols)?;
    let lf = df.lazy();

    let warm = col("duration_ms").filter(col("cold_start").not());
    let cold = col("duration_ms").filter(col("cold_start"));
    let mut aggs = vec![
        len().cast(DataType::UInt64).alias("invocations"),
        col("status")
            .eq(lit(u32::from(status_code(Status::Error))))
            .sum()
            .cast(DataType::UInt64)
            .alias("errors"),
        col("status")
            .eq(lit(u32::from(status_code(Status::Timeout))))
            .sum()
            .cast(DataType::UInt64)
            .alias("timeouts"),
        col("cold_start")
            .sum()
            .cast(DataType::UInt64)
            .alias("cold_starts"),
        col("billed_duration_ms").sum().alias("billed_duration_ms"),
        (col("billed_duration_ms") / lit(1000.0) * col("memory_size_mb").cast(DataType::Float64)
            / lit(1024.0))
        .sum()
        .alias("gb_seconds"),
        col("memory_size_mb")
            .sort_by(
                [col("timestamp")],
                SortMultipleOptions::default().with_maintain_order(true),
            )
            .last()
            .alias("memory_size_mb"),
        (col("max_memory_used_mb").cast(DataType::Float64)
            / col("memory_size_mb").cast(DataType::Float64))
        .max()
        .alias("memory_utilization_max"),
        col("timestamp").min().alias("first_seen"),
        col("timestamp").max().alias("last_seen"),
    ];
    aggs.extend(duration_aggs(col("duration_ms"), "d"));
    aggs.extend(duration_aggs(warm, "w"));
    aggs.extend(duration_aggs(cold, "c"));
    aggs.extend(init_aggs(col("init_duration_ms"), "i"));
    aggs.extend(init_aggs(col("restore_duration_ms"), "r"));
    aggs.push(q(col("max_memory_used_mb").cast(DataType::Float64), 0.5).alias("m_p50"));
    aggs.push(q(col("max_memory_used_mb").cast(DataType::Float64), 0.99).alias("m_p99"));
    aggs.push(
        col("max_memory_used_mb")
            .max()
            .cast(DataType::Float64)
            .alias("m_max"),
    );
    aggs.push(
        col("max_memory_used_mb")
            .filter(
                col("memory_size_mb").eq(col("memory_size_mb")
                    .sort_by(
                        [col("timestamp")],
                        SortMultipleOptions::default().with_maintain_order(true),
                    )
                    .last()),
            )
            .max()
            .cast(DataType::Float64)
            .alias("m_at"),
    );

    let out = lf.group_by([col("function")]).agg(aggs).collect()?;
    let mut report = from_frame(&out, &names, &peaks, account_peak)?;
    for f in &mut report.functions {
        f.timed_invocations = Some(timed.get(&f.function).copied().unwrap_or(0));
    }
    report.rates_over(window);
    Ok(report)
}

fn f64s(df: &DataFrame, name: &str) -> Result<Vec<Option<f64>>, AnalyticsError> {
    let c = df.column(name)?.cast(&DataType::Float64)?;
    Ok(c.f64()?.iter().collect())
}

fn u64s(df: &DataFrame, name: &str) -> Result<Vec<Option<u64>>, AnalyticsError> {
    let c = df.column(name)?.cast(&DataType::UInt64)?;
    Ok(c.u64()?.iter().collect())
}

fn i64s(df: &DataFrame, name: &str) -> Result<Vec<Option<i64>>, AnalyticsError> {
    let c = df.column(name)?.cast(&DataType::Int64)?;
    Ok(c.i64()?.iter().collect())
}

pub fn ratio(n: u64, d: u64) -> f64 {
    if d == 0 {
        0.0
    } else {
        n as f64 / d as f64
    }
}

/// The totals over per-function rows sorted by name (float sums depend on their order);
/// `account_peak` is the peak of concurrent invocations over all functions, when known.
pub fn totals_of(functions: &[FunctionReport], account_peak: Option<u64>) -> Totals {
    let sum = |f: fn(&FunctionReport) -> u64| functions.iter().map(f).sum::<u64>();
    let (n, e, t, cs) = (
        sum(|f| f.invocations),
        sum(|f| f.errors),
        sum(|f| f.timeouts),
        sum(|f| f.cold_starts),
    );
    Totals {
        functions: functions.len() as u64,
        invocations: n,
        errors: e,
        timeouts: t,
        error_ratio: ratio(e + t, n),
        cold_starts: cs,
        cold_start_ratio: ratio(cs, n),
        // A float sum of nothing is -0.0, printed `-0.0` (seventh-round review): from 0.0.
        billed_duration_ms: functions
            .iter()
            .fold(0.0, |acc, f| acc + f.billed_duration_ms),
        gb_seconds: functions.iter().fold(0.0, |acc, f| acc + f.gb_seconds),
        // Fixed-width UTC timestamps: text order is time order.
        first_seen: functions.iter().filter_map(|f| f.first_seen.clone()).min(),
        last_seen: functions.iter().filter_map(|f| f.last_seen.clone()).max(),
        peak_concurrency: account_peak,
    }
}

/// The report from the aggregated frame, with the peaks of [`peak_concurrency`] (by function
/// id) and the account's.
fn from_frame(
    df: &DataFrame,
    function_names: &[Arc<str>],
    peaks: &[Option<u64>],
    account_peak: Option<u64>,
) -> Result<Report, AnalyticsError> {
    let ids: Vec<Option<u32>> = df.column("function")?.u32()?.iter().collect();
    let names: Vec<String> = ids
        .iter()
        .map(|id| {
            id.and_then(|i| function_names.get(i as usize))
                .map(|n| n.to_string())
                .unwrap_or_default()
        })
        .collect();
    let peak: Vec<Option<u64>> = ids
        .iter()
        .map(|id| id.and_then(|i| peaks.get(i as usize).copied().flatten()))
        .collect();
    let g = |n: &str| f64s(df, n);
    let dist = |p: &str| -> Result<Vec<DurationStats>, AnalyticsError> {
        let (mean, p50, p90, p95, p99, max) = (
            g(&format!("{p}_mean"))?,
            g(&format!("{p}_p50"))?,
            g(&format!("{p}_p90"))?,
            g(&format!("{p}_p95"))?,
            g(&format!("{p}_p99"))?,
            g(&format!("{p}_max"))?,
        );
        Ok((0..names.len())
            .map(|i| DurationStats {
                mean: mean[i],
                p50: p50[i],
                p90: p90[i],
                p95: p95[i],
                p99: p99[i],
                max: max[i],
            })
            .collect())
    };
    let init = |p: &str| -> Result<Vec<InitStats>, AnalyticsError> {
        let (p50, p95, p99, max) = (
            g(&format!("{p}_p50"))?,
            g(&format!("{p}_p95"))?,
            g(&format!("{p}_p99"))?,
            g(&format!("{p}_max"))?,
        );
        Ok((0..names.len())
            .map(|i| InitStats {
                p50: p50[i],
                p95: p95[i],
                p99: p99[i],
                max: max[i],
            })
            .collect())
    };
    let (d, w, c, i, r) = (dist("d")?, dist("w")?, dist("c")?, init("i")?, init("r")?);
    let (m50, m99, mmax, mat) = (g("m_p50")?, g("m_p99")?, g("m_max")?, g("m_at")?);
    let invocations = u64s(df, "invocations")?;
    let errors = u64s(df, "errors")?;
    let timeouts = u64s(df, "timeouts")?;
    let cold = u64s(df, "cold_starts")?;
    let billed = g("billed_duration_ms")?;
    let gbs = g("gb_seconds")?;
    let mem = u64s(df, "memory_size_mb")?;
    let util = g("memory_utilization_max")?;
    let first = i64s(df, "first_seen")?;
    let last = i64s(df, "last_seen")?;

    let mut functions = Vec::with_capacity(names.len());
    for (k, name) in names.iter().enumerate() {
        let n = invocations[k].unwrap_or(0);
        let (e, t, cs) = (
            errors[k].unwrap_or(0),
            timeouts[k].unwrap_or(0),
            cold[k].unwrap_or(0),
        );
        functions.push(FunctionReport {
            function: name.clone(),
            invocations: n,
            timed_invocations: None,
            errors: e,
            timeouts: t,
            error_ratio: ratio(e + t, n),
            cold_starts: cs,
            cold_start_ratio: ratio(cs, n),
            duration_ms: d[k].clone(),
            warm_duration_ms: w[k].clone(),
            cold_duration_ms: c[k].clone(),
            init_duration_ms: i[k].clone(),
            restore_duration_ms: r[k].clone(),
            billed_duration_ms: billed[k].unwrap_or(0.0),
            gb_seconds: gbs[k].unwrap_or(0.0),
            memory_size_mb: mem[k].map(|m| m as u32),
            max_memory_used_mb: MemoryStats {
                p50: m50[k],
                p99: m99[k],
                max: mmax[k],
                at_size: mat[k],
            },
            memory_utilization_max: util[k],
            first_seen: first[k].map(crate::timeparse::format_ms),
            last_seen: last[k].map(crate::timeparse::format_ms),
            peak_concurrency: peak[k],
            // Set by the caller, over the run's window.
            invocations_per_minute: None,
        });
    }
    // By name, before the totals are summed (float sums depend on their order).
    functions.sort_by(|a, b| a.function.cmp(&b.function));
    let totals = totals_of(&functions, account_peak);
    Ok(Report { functions, totals })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Seventh-round live review: the totals of no function read `-0.0` GB-s.
    #[test]
    fn totals_of_nothing_are_zero_not_minus_zero() {
        let t = totals_of(&[], None);
        assert!(t.gb_seconds == 0.0 && t.gb_seconds.is_sign_positive());
        assert!(t.billed_duration_ms.is_sign_positive());
        assert_eq!(format!("{:.1}", t.gb_seconds), "0.0");
    }
    use crate::model::Invocation;

    /// An invocation of `f` ending at `end_ms` after `duration_ms` (so starting at the
    /// difference), with an optional INIT before it.
    fn inv(f: &str, end_ms: i64, duration_ms: f64, init_ms: Option<f64>) -> Invocation {
        crate::analytics::test_invocation(f, end_ms, duration_ms, duration_ms.ceil(), init_ms)
    }

    #[test]
    fn peaks_per_function_and_account_and_exact_percentiles() {
        let mut rows = vec![
            // a: two at once over [0, 100) (one of them a cold start with 40 ms of INIT), then
            // one starting exactly as they end: an end sorts before a start, so the peak is 2.
            inv("a", 100, 100.0, None),
            inv("a", 100, 60.0, Some(40.0)),
            inv("a", 200, 100.0, None),
            // b: one over [50, 60), while a has two running: the account peaks at 3.
            inv("b", 60, 10.0, None),
        ];
        // c: durations 1..=10 ms, far apart.
        rows.extend((1..=10).map(|i| inv("c", 100_000 * i, i as f64, None)));
        let r = build_report(ReportColumns::from_invocations(&rows)).unwrap();
        let by = |n: &str| r.functions.iter().find(|f| f.function == n).unwrap();
        assert_eq!(by("a").peak_concurrency, Some(2));
        assert_eq!(by("b").peak_concurrency, Some(1));
        assert_eq!(by("c").peak_concurrency, Some(1));
        assert_eq!(r.totals.peak_concurrency, Some(3));
        // numpy's default (linear between closest ranks): index p × (n − 1).
        let d = &by("c").duration_ms;
        let close = |x: Option<f64>, y: f64| (x.unwrap() - y).abs() < 1e-9;
        assert!(close(d.p50, 5.5), "{d:?}");
        assert!(close(d.p90, 9.1), "{d:?}");
        assert!(close(d.p95, 9.55), "{d:?}");
        assert!(close(d.p99, 9.91), "{d:?}");
        assert!(close(d.max, 10.0), "{d:?}");
        assert!(close(d.mean, 5.5), "{d:?}");
        let a = by("a");
        assert_eq!((a.invocations, a.cold_starts), (3, 1));
        assert!(close(a.cold_duration_ms.p50, 60.0));
        assert!(close(a.init_duration_ms.max, 40.0));
        // Σ billed ms / 1000 × 1024 MB / 1024: 260 ms at 1 GB.
        assert!((a.gb_seconds - 0.26).abs() < 1e-12, "{}", a.gb_seconds);
    }

    /// The peak by the definition: all +1/-1 events sorted by (time, delta), the running sum's
    /// maximum.
    fn peak_by_events(rows: &[(i64, i64)]) -> u64 {
        let mut ev: Vec<(i64, i64)> = rows
            .iter()
            .flat_map(|&(start, end)| [(start, 1), (end, -1)])
            .collect();
        ev.sort();
        let mut cur = 0i64;
        ev.iter()
            .map(|e| {
                cur += e.1;
                cur
            })
            .max()
            .unwrap_or(0)
            .max(0) as u64
    }

    /// Invocations shorter than half a millisecond still ran: one is a peak of 1, two at the
    /// same instant 2.
    #[test]
    fn sub_millisecond_invocations_count_in_the_peak() {
        let one = ReportColumns::from_invocations(&[inv("a", 1_000, 0.3, None)]);
        assert_eq!(peak_concurrency(&one), (vec![Some(1)], Some(1)));
        let two = ReportColumns::from_invocations(&[
            inv("a", 1_000, 0.3, None),
            inv("a", 1_000, 0.2, None),
        ]);
        assert_eq!(peak_concurrency(&two).1, Some(2));
    }

    proptest::proptest! {
        #[test]
        fn peaks_match_the_event_definition(
            rows in proptest::collection::vec((0u8..3, 0i64..200, 0u32..60, proptest::option::of(0u32..20)), 1..40)
        ) {
            let invs: Vec<Invocation> = rows
                .iter()
                .map(|&(f, end, d, init)| {
                    inv(["a", "b", "c"][f as usize], end, f64::from(d) + 0.5, init.map(f64::from))
                })
                .collect();
            let cols = ReportColumns::from_invocations(&invs);
            let (peaks, account) = peak_concurrency(&cols);
            // The busy time rounded (to even at the half), at least 1 ms: as `cost` takes it.
            let interval = |r: &(u8, i64, u32, Option<u32>)| {
                let busy = f64::from(r.2) + 0.5 + f64::from(r.3.unwrap_or(0));
                ((r.1 - busy.round_ties_even() as i64).min(r.1 - 1), r.1)
            };
            let all: Vec<(i64, i64)> = rows.iter().map(interval).collect();
            proptest::prop_assert_eq!(account, Some(peak_by_events(&all)));
            for (id, name) in cols.names().iter().enumerate() {
                let mine: Vec<(i64, i64)> = rows
                    .iter()
                    .filter(|r| ["a", "b", "c"][r.0 as usize] == &**name)
                    .map(interval)
                    .collect();
                proptest::prop_assert_eq!(peaks[id], Some(peak_by_events(&mine)));
            }
        }
    }
}
