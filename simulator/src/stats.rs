//! Streaming statistics: time-weighted levels, time series, latency histograms, and the replication summary
//! (mean and Student-t confidence interval). Memory does not grow with simulated time (except the time series,
//! one bucket per second or minute).

use crate::output::{
    Estimate, FunctionEstimates, LatencySummary, ReplicatedOutput, SimOutput, TimeBucket,
};
use crate::time::{SimDuration, SimTime, MICROS_PER_S};
use hdrhistogram::Histogram;

/// The part of the measured period `[from, to)` at or after `t`, µs: the weight of a level change at `t` in the
/// time integrals of [`Levels`].
#[inline]
pub fn measured_weight(t: SimTime, from: SimTime, to: SimTime) -> u128 {
    u128::from(to.0.saturating_sub(t.0.max(from.0)))
}

/// Current levels of one function (or the account) with their time integrals over the measured period.
///
/// The integrals are kept *projected to the end*: a change of a level by `d` at time `t` adds `d * w` to its
/// integral, `w` being [`measured_weight`]`(t)`, as if the new level held to the end of the measured period.
/// Summed over all changes this is exactly the integral of the piecewise-constant level over the measured period
/// (changes before it count from its start), in integer arithmetic, with one addition per change instead of
/// integrating every level at every event. A decrease never makes an integral negative: it is at least the current
/// level times `w`.
#[derive(Debug, Clone, Default)]
pub struct Levels {
    /// Instances alive.
    pub instances: u64,
    /// Busy instances.
    pub busy: u64,
    /// Requests in flight.
    pub in_flight: u64,
    /// Provisioned instances alive.
    pub pc_instances: u64,
    /// Busy provisioned instances.
    pub pc_busy: u64,
    /// Configured provisioned concurrency.
    pub pc_configured: u64,
    /// Integrals (level x µs) over the measured period (projected to its end, see above).
    pub area_instances: u128,
    /// See `area_instances`.
    pub area_busy: u128,
    /// See `area_instances`.
    pub area_in_flight: u128,
    /// See `area_instances`.
    pub area_pc_instances: u128,
    /// See `area_instances`.
    pub area_pc_busy: u128,
    /// See `area_instances`.
    pub area_pc_configured: u128,
    /// Maxima over the measured period.
    pub max_instances: u64,
    /// See `max_instances`.
    pub max_in_flight: u64,
}

macro_rules! level_steps {
    ($($inc:ident, $dec:ident, $level:ident, $area:ident);* $(;)?) => {
        $(
            #[doc = concat!("`", stringify!($level), "` + 1 at a time of weight `w` (see [`measured_weight`]).")]
            #[inline]
            pub fn $inc(&mut self, w: u128) {
                self.$level += 1;
                self.$area += w;
            }

            #[doc = concat!("`", stringify!($level), "` - 1 at a time of weight `w` (see [`measured_weight`]).")]
            #[inline]
            pub fn $dec(&mut self, w: u128) {
                self.$level -= 1;
                self.$area -= w;
            }
        )*
    };
}

impl Levels {
    level_steps! {
        inc_instances, dec_instances, instances, area_instances;
        inc_busy, dec_busy, busy, area_busy;
        inc_in_flight, dec_in_flight, in_flight, area_in_flight;
        inc_pc_instances, dec_pc_instances, pc_instances, area_pc_instances;
        inc_pc_busy, dec_pc_busy, pc_busy, area_pc_busy;
    }

    /// Sets the configured provisioned concurrency at a time of weight `w` (see [`measured_weight`]).
    pub fn set_pc_configured(&mut self, v: u64, w: u128) {
        // Add first: the integral is at least the old level times `w`.
        self.area_pc_configured =
            self.area_pc_configured + u128::from(v) * w - u128::from(self.pc_configured) * w;
        self.pc_configured = v;
    }

    /// Updates the maxima (call after a change, when measuring).
    #[inline]
    pub fn note_max(&mut self) {
        self.max_instances = self.max_instances.max(self.instances);
        self.max_in_flight = self.max_in_flight.max(self.in_flight);
    }

    /// Restarts the maxima from the current levels (at the start of the measured period).
    pub fn reset_max(&mut self) {
        self.max_instances = self.instances;
        self.max_in_flight = self.in_flight;
    }
}

/// Time series of the measured period, built incrementally.
#[derive(Debug, Clone)]
pub struct Series {
    width_us: u64,
    start_us: u64,
    end_us: u64,
    next_boundary_us: u64,
    buckets: Vec<TimeBucket>,
    cur_in_flight: u64,
    cur_instances: u64,
}

impl Series {
    /// Buckets of `width` from `start` to `end`.
    pub fn new(width: SimDuration, start: SimTime, end: SimTime) -> Self {
        let n = (end.0 - start.0).div_ceil(width.0) as usize;
        Series {
            width_us: width.0,
            start_us: start.0,
            end_us: end.0,
            next_boundary_us: start.0,
            buckets: Vec::with_capacity(n),
            cur_in_flight: 0,
            cur_instances: 0,
        }
    }

    fn open_bucket(&mut self) {
        self.buckets.push(TimeBucket {
            start_s: self.next_boundary_us / MICROS_PER_S,
            arrivals: 0,
            max_in_flight: self.cur_in_flight,
            max_instances: self.cur_instances,
            cold_starts: 0,
            throttles: 0,
        });
        self.next_boundary_us += self.width_us;
    }

    /// Opens buckets up to the one containing `t` (each starts at the levels holding when it opens, so the
    /// first one includes the levels left by the warm-up).
    #[inline]
    fn roll(&mut self, t: SimTime) -> Option<&mut TimeBucket> {
        if t.0 < self.start_us || t.0 >= self.end_us {
            return None;
        }
        while t.0 >= self.next_boundary_us {
            self.open_bucket();
        }
        self.buckets.last_mut()
    }

    /// Records new levels at `t`.
    #[inline]
    pub fn levels(&mut self, t: SimTime, in_flight: u64, instances: u64) {
        // Buckets opened by this call start at the levels that held before the change.
        if let Some(b) = self.roll(t) {
            b.max_in_flight = b.max_in_flight.max(in_flight);
            b.max_instances = b.max_instances.max(instances);
        }
        self.cur_in_flight = in_flight;
        self.cur_instances = instances;
    }

    /// Counts an arrival at `t`.
    #[inline]
    pub fn arrival(&mut self, t: SimTime) {
        if let Some(b) = self.roll(t) {
            b.arrivals += 1;
        }
    }

    /// Counts a cold start at `t`.
    #[inline]
    pub fn cold_start(&mut self, t: SimTime) {
        if let Some(b) = self.roll(t) {
            b.cold_starts += 1;
        }
    }

    /// Counts a throttle at `t`.
    #[inline]
    pub fn throttle(&mut self, t: SimTime) {
        if let Some(b) = self.roll(t) {
            b.throttles += 1;
        }
    }

    /// Opens the remaining (empty) buckets and returns them.
    pub fn finish(mut self) -> Vec<TimeBucket> {
        while self.next_boundary_us < self.end_us {
            self.open_bucket();
        }
        self.buckets
    }
}

/// Largest value the latency histograms resolve, µs (2^40 µs, about 12.7 days); larger values are clamped.
const HIST_MAX_US: u64 = 1 << 40;

fn new_hist() -> Histogram<u64> {
    // The bounds are constants that hdrhistogram accepts (low >= 1, high >= 2 * low, sigfig <= 5): this cannot
    // fail whatever the input, and the unit test `latency_summary_percentiles_and_mean` exercises it.
    #[allow(clippy::expect_used)]
    Histogram::new_with_bounds(1, HIST_MAX_US, 3).expect("constant histogram bounds are valid")
}

/// `log2` of half the sub-buckets per bucket of [`new_hist`]'s layout (3 significant digits: 2,048 sub-buckets,
/// unit magnitude 0).
const SUB_HALF_MAG: u32 = 10;

/// Index of `v` in the counts array of [`new_hist`]'s layout (hdrhistogram's `index_for` with lowest
/// discernible value 1 and 2,048 sub-buckets; checked against hdrhistogram in the test
/// `counts_index_matches_hdrhistogram`).
#[inline]
fn counts_index(v: u64) -> usize {
    let bucket = 53 - (v | 2047).leading_zeros(); // 64 - unit magnitude (0) - log2(2048)
    let sub = v >> bucket;
    (((u64::from(bucket) + 1) << SUB_HALF_MAG) + sub - (1 << SUB_HALF_MAG)) as usize
}

/// The lowest value whose [`counts_index`] is `i`.
fn counts_value(i: usize) -> u64 {
    let i = i as u64;
    let bucket_base = i >> SUB_HALF_MAG;
    let sub = (i & ((1 << SUB_HALF_MAG) - 1)) + (1 << SUB_HALF_MAG);
    if bucket_base == 0 {
        sub - (1 << SUB_HALF_MAG)
    } else {
        sub << (bucket_base - 1)
    }
}

/// Raw counts in hdrhistogram's layout: recording is an index computation and an increment (no bookkeeping of
/// minimum, maximum and total per value); [`Counts::to_histogram`] rebuilds the exact histogram that recording
/// every value with `saturating_record` would have built (same counts, same total, same equivalent min/max).
#[derive(Debug, Clone)]
struct Counts {
    counts: Vec<u64>,
    /// Index that values beyond the array go to (that of the highest trackable value, as hdrhistogram clamps).
    clamp_index: usize,
}

impl Counts {
    fn new() -> Self {
        let len = new_hist().distinct_values();
        Counts {
            counts: vec![0; len],
            clamp_index: counts_index(HIST_MAX_US).min(len.saturating_sub(1)),
        }
    }

    #[inline]
    fn record(&mut self, v: u64) {
        let i = counts_index(v);
        let i = if i < self.counts.len() {
            i
        } else {
            self.clamp_index
        };
        if let Some(c) = self.counts.get_mut(i) {
            *c += 1;
        }
    }

    fn add(&mut self, other: &Counts) {
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
    }

    fn to_histogram(&self) -> Histogram<u64> {
        let mut h = new_hist();
        for (i, &c) in self.counts.iter().enumerate() {
            if c > 0 {
                h.saturating_record_n(counts_value(i), c);
            }
        }
        h
    }
}

/// Response-time histograms of one function.
#[derive(Debug, Clone)]
pub struct Latency {
    /// Warm requests, µs.
    warm: Counts,
    /// Cold requests, µs.
    cold: Counts,
    /// Exact sum of warm response times, µs.
    pub warm_sum_us: u128,
    /// Exact sum of cold response times, µs.
    pub cold_sum_us: u128,
    /// Exact longest warm response time, µs (the histogram keeps 3 significant digits: its
    /// max is the top of a bucket, above every value recorded in it).
    pub warm_max_us: u64,
    /// Exact longest cold response time, µs.
    pub cold_max_us: u64,
}

impl Default for Latency {
    fn default() -> Self {
        Latency {
            warm: Counts::new(),
            cold: Counts::new(),
            warm_sum_us: 0,
            cold_sum_us: 0,
            warm_max_us: 0,
            cold_max_us: 0,
        }
    }
}

impl Latency {
    /// Records one response time.
    #[inline]
    pub fn record(&mut self, cold: bool, d: SimDuration) {
        if cold {
            self.cold.record(d.0);
            self.cold_sum_us += u128::from(d.0);
            self.cold_max_us = self.cold_max_us.max(d.0);
        } else {
            self.warm.record(d.0);
            self.warm_sum_us += u128::from(d.0);
            self.warm_max_us = self.warm_max_us.max(d.0);
        }
    }

    /// Adds another function's histograms (for the account total).
    pub fn merge(&mut self, other: &Latency) {
        self.warm.add(&other.warm);
        self.cold.add(&other.cold);
        self.warm_sum_us += other.warm_sum_us;
        self.cold_sum_us += other.cold_sum_us;
        self.warm_max_us = self.warm_max_us.max(other.warm_max_us);
        self.cold_max_us = self.cold_max_us.max(other.cold_max_us);
    }

    /// Warm response times, µs.
    pub fn warm_histogram(&self) -> Histogram<u64> {
        self.warm.to_histogram()
    }

    /// Cold response times, µs.
    pub fn cold_histogram(&self) -> Histogram<u64> {
        self.cold.to_histogram()
    }

    /// Summaries (warm, cold, all).
    pub fn summaries(&self) -> (LatencySummary, LatencySummary, LatencySummary) {
        let warm = self.warm.to_histogram();
        let cold = self.cold.to_histogram();
        let mut all = warm.clone();
        let _ = all.add(&cold);
        (
            summarize(&warm, self.warm_sum_us, self.warm_max_us),
            summarize(&cold, self.cold_sum_us, self.cold_max_us),
            summarize(
                &all,
                self.warm_sum_us + self.cold_sum_us,
                self.warm_max_us.max(self.cold_max_us),
            ),
        )
    }
}

/// Count, exact mean and max, and percentiles from the histogram (3 significant digits), none
/// above the exact max: the histogram reports a bucket's top, which may lie above every value.
fn summarize(h: &Histogram<u64>, sum_us: u128, max_us: u64) -> LatencySummary {
    let n = h.len();
    let ms = |us: u64| Some(us.min(max_us) as f64 / 1_000.0);
    if n == 0 {
        return LatencySummary {
            count: 0,
            mean_ms: None,
            p50_ms: None,
            p90_ms: None,
            p95_ms: None,
            p99_ms: None,
            max_ms: None,
        };
    }
    LatencySummary {
        count: n,
        mean_ms: Some(sum_us as f64 / n as f64 / 1_000.0),
        p50_ms: ms(h.value_at_quantile(0.50)),
        p90_ms: ms(h.value_at_quantile(0.90)),
        p95_ms: ms(h.value_at_quantile(0.95)),
        p99_ms: ms(h.value_at_quantile(0.99)),
        max_ms: ms(h.max()),
    }
}

/// Two-sided 95 % quantiles of Student's t distribution, `T_975[df - 1]` for df = 1..=30 (standard tables,
/// rounded to 3 decimals). Beyond 30 degrees of freedom we use the normal quantile 1.96; that understates the
/// interval by at most 4 % (t = 2.04 at df 31) and by under 1.5 % from df 120 on, which is acceptable for
/// simulation output and avoids an inverse incomplete beta function.
const T_975: [f64; 30] = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
    2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
    2.052, 2.048, 2.045, 2.042,
];

/// The 97.5 % quantile of Student's t with `df` degrees of freedom: a table for df 1..=30, 1.96 beyond (see
/// the comment on the table); `None` for df = 0.
pub fn t_975(df: u64) -> Option<f64> {
    match df {
        0 => None,
        1..=30 => Some(T_975[(df - 1) as usize]),
        _ => Some(1.96),
    }
}

/// Mean, sample standard deviation and 95 % CI half-width of `values` (`t_{0.975, n-1} * s / sqrt(n)`).
pub fn estimate(metric: &str, values: &[f64]) -> Estimate {
    let n = values.len() as u64;
    if n == 0 {
        return Estimate {
            metric: metric.to_string(),
            n,
            mean: None,
            std_dev: None,
            ci95_half_width: None,
        };
    }
    // Replications that agree exactly (a deterministic scenario) vary by nothing: the sum
    // divided back would leave rounding noise (11.2 ± 5e-15).
    let same = values.iter().all(|v| v.to_bits() == values[0].to_bits());
    let mean = if same {
        values[0]
    } else {
        values.iter().sum::<f64>() / n as f64
    };
    let (sd, hw) = match t_975(n - 1) {
        Some(_) if same => (Some(0.0), Some(0.0)),
        Some(t) => {
            let var = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1) as f64;
            let sd = libm::sqrt(var);
            (Some(sd), Some(t * sd / libm::sqrt(n as f64)))
        }
        None => (None, None),
    };
    Estimate {
        metric: metric.to_string(),
        n,
        mean: Some(mean),
        std_dev: sd,
        ci95_half_width: hw,
    }
}

fn estimates(runs: &[&crate::output::Metrics]) -> Vec<Estimate> {
    let Some(first) = runs.first() else {
        return Vec::new();
    };
    let names: Vec<&'static str> = first.headline().iter().map(|(n, _)| *n).collect();
    let per_run: Vec<Vec<(&'static str, Option<f64>)>> =
        runs.iter().map(|m| m.headline()).collect();
    names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let vals: Vec<f64> = per_run
                .iter()
                .filter_map(|h| h.get(i).and_then(|(_, v)| *v))
                .collect();
            estimate(name, &vals)
        })
        .collect()
}

impl ReplicatedOutput {
    /// Summarises runs of the same scenario (as produced by [`crate::run_replications`], or by a caller that
    /// ran the replications itself, e.g. in parallel).
    pub fn from_runs(runs: &[SimOutput]) -> ReplicatedOutput {
        let totals: Vec<&crate::output::Metrics> = runs.iter().map(|r| &r.total).collect();
        let n_fn = runs.first().map_or(0, |r| r.functions.len());
        let functions = (0..n_fn)
            .map(|i| {
                let ms: Vec<&crate::output::Metrics> = runs
                    .iter()
                    .filter_map(|r| r.functions.get(i))
                    .map(|f| &f.metrics)
                    .collect();
                FunctionEstimates {
                    name: runs
                        .first()
                        .and_then(|r| r.functions.get(i))
                        .map(|f| f.name.clone())
                        .unwrap_or_default(),
                    metrics: estimates(&ms),
                }
            })
            .collect();
        ReplicatedOutput {
            seeds: runs.iter().map(|r| r.seed).collect(),
            total: estimates(&totals),
            functions,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every response exactly 1,500 ms: the histogram's bucket top (1,500.159 ms) is not
    /// reported; max is exact and no percentile lies above it.
    #[test]
    fn max_is_exact_and_bounds_the_percentiles() {
        let mut l = Latency::default();
        for _ in 0..50 {
            l.record(false, SimDuration(1_500_000));
        }
        l.record(true, SimDuration(752_000));
        let (warm, cold, all) = l.summaries();
        assert_eq!(warm.max_ms, Some(1_500.0));
        assert_eq!(warm.p99_ms, Some(1_500.0));
        assert_eq!(cold.p50_ms, Some(752.0));
        assert_eq!(all.max_ms, Some(1_500.0));
        assert!(all.p50_ms.unwrap() <= 1_500.0);
    }

    #[test]
    fn counts_index_matches_hdrhistogram() {
        let h = new_hist();
        let c = Counts::new();
        let mut values: Vec<u64> = (0..10_000).collect();
        for e in 0..50u32 {
            let p = 1u64 << e;
            values.extend([p - 1, p, p + 1, p + p / 3]);
        }
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..100_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            values.push(x >> (x % 40));
        }
        for &v in &values {
            let i = counts_index(v);
            if i < c.counts.len() {
                assert_eq!(counts_value(i), h.lowest_equivalent(v), "v={v}");
                assert_eq!(counts_index(counts_value(i)), i, "v={v}");
            } else {
                assert!(v > HIST_MAX_US, "v={v}");
            }
        }
        // Recording through the counts rebuilds exactly the histogram that hdrhistogram records directly.
        let (mut direct, mut counts) = (new_hist(), Counts::new());
        for &v in &values {
            direct.saturating_record(v);
            counts.record(v);
        }
        let rebuilt = counts.to_histogram();
        assert_eq!(rebuilt.len(), direct.len());
        assert_eq!(rebuilt.max(), direct.max());
        assert_eq!(rebuilt.min(), direct.min());
        assert_eq!(rebuilt.min_nz(), direct.min_nz());
        for q in [0.0, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0] {
            assert_eq!(
                rebuilt.value_at_quantile(q),
                direct.value_at_quantile(q),
                "q={q}"
            );
        }
        assert_eq!(
            rebuilt.iter_recorded().count(),
            direct.iter_recorded().count()
        );
        assert!(rebuilt
            .iter_recorded()
            .zip(direct.iter_recorded())
            .all(|(a, b)| a.value_iterated_to() == b.value_iterated_to()
                && a.count_at_value() == b.count_at_value()));
    }

    #[test]
    fn levels_integrate_only_the_measured_period() {
        let mut l = Levels::default();
        let (from, to) = (SimTime(100), SimTime(200));
        let w = |t| measured_weight(SimTime(t), from, to);
        l.inc_instances(w(0));
        l.inc_instances(w(50)); // before measuring: counts from `from`
        l.inc_instances(w(60));
        l.dec_instances(w(70)); // 2 instances from `from`
        assert_eq!(l.instances, 2);
        assert_eq!(l.area_instances, 2 * 100); // projected to `to`
        l.inc_instances(w(150));
        l.inc_instances(w(150));
        l.inc_instances(w(150)); // 5 from 150
        assert_eq!(l.area_instances, 2 * 50 + 5 * 50);
        l.dec_instances(w(160)); // 4 from 160
        assert_eq!(l.area_instances, 2 * 50 + 5 * 10 + 4 * 40);
        l.note_max();
        assert_eq!(l.max_instances, 4);
        l.set_pc_configured(3, w(120));
        l.set_pc_configured(1, w(180));
        assert_eq!(l.area_pc_configured, 3 * 60 + 20);
        assert_eq!(measured_weight(SimTime(250), from, to), 0);
    }

    #[test]
    fn series_buckets_carry_levels_and_count_events() {
        let mut s = Series::new(
            SimDuration::from_secs(1),
            SimTime(2_000_000),
            SimTime(5_500_000),
        );
        s.levels(SimTime(1_000_000), 3, 4); // before start: only sets the carried level...
        s.levels(SimTime(1_500_000), 2, 4); // ...which the first bucket starts from
        s.arrival(SimTime(2_100_000));
        s.arrival(SimTime(2_200_000));
        s.levels(SimTime(2_300_000), 7, 9);
        s.levels(SimTime(2_400_000), 1, 9);
        s.cold_start(SimTime(3_000_000));
        s.throttle(SimTime(4_999_999));
        s.arrival(SimTime(6_000_000)); // after the end: ignored
        let b = s.finish();
        assert_eq!(b.len(), 4);
        assert_eq!(
            b.iter().map(|x| x.start_s).collect::<Vec<_>>(),
            vec![2, 3, 4, 5]
        );
        assert_eq!(b[0].arrivals, 2);
        assert_eq!(b[0].max_instances, 9);
        assert_eq!(b[0].max_in_flight, 7);
        assert_eq!(b[0].max_instances, 9);
        assert_eq!(b[1].max_in_flight, 1); // carried level
        assert_eq!(b[1].cold_starts, 1);
        assert_eq!(b[2].throttles, 1);
        assert_eq!(b[3].arrivals, 0);
    }

    #[test]
    fn first_bucket_starts_from_warmup_levels() {
        let mut s = Series::new(
            SimDuration::from_secs(1),
            SimTime(2_000_000),
            SimTime(3_000_000),
        );
        s.levels(SimTime(1_000_000), 5, 6);
        let b = s.finish();
        assert_eq!(b.len(), 1);
        assert_eq!((b[0].max_in_flight, b[0].max_instances), (5, 6));
    }

    #[test]
    fn latency_summary_percentiles_and_mean() {
        let mut l = Latency::default();
        for ms in 1..=1000u64 {
            l.record(false, SimDuration::from_millis(ms));
        }
        l.record(true, SimDuration::from_millis(5_000));
        let (warm, cold, all) = l.summaries();
        assert_eq!(warm.count, 1000);
        assert_eq!(warm.mean_ms, Some(500.5));
        let p99 = warm.p99_ms.expect("non-empty");
        assert!((p99 - 990.0).abs() <= 1.0, "{p99}");
        assert_eq!(cold.count, 1);
        assert!((cold.max_ms.expect("non-empty") - 5_000.0).abs() <= 5.0);
        assert_eq!(all.count, 1001);
        let empty = Latency::default().summaries().0;
        assert_eq!(empty.p50_ms, None);
    }

    #[test]
    fn t_table_and_interval() {
        assert_eq!(t_975(0), None);
        assert_eq!(t_975(1), Some(12.706));
        assert_eq!(t_975(9), Some(2.262));
        assert_eq!(t_975(30), Some(2.042));
        assert_eq!(t_975(31), Some(1.96));
        // Values 1..=10: mean 5.5, s = 3.0277, half-width = 2.262 * 3.02765 / sqrt(10) = 2.16570.
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        let e = estimate("x", &v);
        assert_eq!(e.mean, Some(5.5));
        assert!((e.std_dev.expect("n>1") - 3.027_650_354).abs() < 1e-6);
        assert!((e.ci95_half_width.expect("n>1") - 2.165_700).abs() < 1e-5);
        // Equal values: exactly that mean, no spread (not rounding noise).
        let e = estimate("x", &[11.2, 11.2, 11.2]);
        assert_eq!(
            (e.mean, e.std_dev, e.ci95_half_width),
            (Some(11.2), Some(0.0), Some(0.0))
        );
        let one = estimate("x", &[4.0]);
        assert_eq!(one.mean, Some(4.0));
        assert_eq!(one.ci95_half_width, None);
    }
}
