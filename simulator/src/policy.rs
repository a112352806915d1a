//! Keep-alive policies: what happens to an on-demand instance when it becomes idle.
//!
//! * [`FixedKeepAlive`]: the instance stays warm for a fixed idle timeout (AWS-style; `inf` = never expires).
//! * [`HybridHistogram`]: the hybrid histogram policy of Shahrad et al., "Serverless in the Wild", USENIX ATC 2020.
//!
//! ## Our reading of the hybrid histogram policy
//!
//! Per function, the policy records *idle times* (IT): the gap between the end of the function's last execution
//! and the next arrival, or 0 when the arrival finds an execution of the function still running. ITs go into a
//! histogram of `bin_s`-wide bins (1 minute) covering `range_s` (4 hours); longer ITs are counted as
//! out-of-bounds.
//!
//! When an instance becomes idle the policy picks two windows from the histogram:
//! * **pre-warm window** = the head (5th percentile) bin's lower edge, shortened by `margin` (10 %);
//! * **keep-alive end** = the tail (99th percentile) bin's upper edge, lengthened by `margin` (10 %).
//!
//! If the pre-warm window is 0 the instance simply stays warm until the keep-alive end. Otherwise the instance is
//! unloaded at once and a fresh instance is loaded ("pre-warmed") at the pre-warm window and kept until the
//! keep-alive end, i.e. its keep-alive window is `end - pre-warm`. A pre-warm is skipped if the function received
//! a request after the unload (that request paid a cold start; the next idle period brings a new decision).
//! Pre-warmed instances are ready at once (the paper pre-warms ahead of the head for that reason) and their
//! loading is not billed (it is the provider's policy).
//!
//! The histogram is **representative** when it holds at least `min_samples` in-range ITs and the coefficient of
//! variation (CV) of its *bin counts* is at least `cv_threshold` (2). A CV that high means the counts are
//! concentrated in a few bins (a clear pattern); a flat histogram (ITs spread everywhere) has a low CV. This is
//! how the paper and dslab-faas use the CV. (The project's fact sheet words it as "falls back when CV is
//! high", which would invert the test; we follow the paper's semantics.) When the histogram is not
//! representative, the policy falls back to a fixed keep-alive of `fallback_idle_timeout_s` (default: the
//! histogram range, 4 h, the paper's conservative choice) with no pre-warming.
//!
//! Not modelled: the paper forecasts ITs with ARIMA when many of them exceed the range. We fall back to the
//! fixed keep-alive in that case too (when out-of-bounds ITs are at least half of all ITs).

use crate::error::ConfigError;
use crate::time::{SimDuration, SimTime};
use serde::{Deserialize, Serialize};

/// The keep-alive policy of a function (`policy = "..."` in a scenario file).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "policy", rename_all = "snake_case", deny_unknown_fields)]
pub enum KeepAliveConfig {
    /// Keep idle instances for a fixed time after their last request.
    Fixed {
        /// Idle timeout in seconds; `inf` keeps instances forever.
        idle_timeout_s: f64,
    },
    /// Shahrad et al.'s hybrid histogram policy (see the module docs for our reading).
    HybridHistogram(HybridConfig),
}

impl Default for KeepAliveConfig {
    fn default() -> Self {
        KeepAliveConfig::Fixed {
            idle_timeout_s: 600.0,
        }
    }
}

fn d_bin() -> f64 {
    60.0
}
fn d_range() -> f64 {
    14_400.0
}
fn d_head() -> f64 {
    5.0
}
fn d_tail() -> f64 {
    99.0
}
fn d_margin() -> f64 {
    0.10
}
fn d_cv() -> f64 {
    2.0
}
fn d_min_samples() -> u32 {
    10
}
fn d_oob() -> f64 {
    0.5
}

/// Parameters of the hybrid histogram policy; the defaults are the paper's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HybridConfig {
    /// Bin width, seconds (default 60).
    #[serde(default = "d_bin")]
    pub bin_s: f64,
    /// Histogram range, seconds (default 14400 = 4 h).
    #[serde(default = "d_range")]
    pub range_s: f64,
    /// Head percentile for the pre-warm window (default 5).
    #[serde(default = "d_head")]
    pub head_percentile: f64,
    /// Tail percentile for the keep-alive window (default 99).
    #[serde(default = "d_tail")]
    pub tail_percentile: f64,
    /// Safety margin applied to both windows (default 0.10).
    #[serde(default = "d_margin")]
    pub margin: f64,
    /// Minimum CV of the bin counts for the histogram to be trusted (default 2).
    #[serde(default = "d_cv")]
    pub cv_threshold: f64,
    /// Minimum number of in-range idle times before the histogram is trusted (default 10).
    #[serde(default = "d_min_samples", deserialize_with = "crate::de::min_samples")]
    pub min_samples: u32,
    /// Fraction of out-of-range idle times at which the histogram is not trusted (default 0.5).
    #[serde(default = "d_oob")]
    pub max_out_of_bounds_fraction: f64,
    /// Keep-alive when the histogram is not trusted, seconds (default: `range_s`).
    #[serde(default)]
    pub fallback_idle_timeout_s: Option<f64>,
}

impl Default for HybridConfig {
    fn default() -> Self {
        HybridConfig {
            bin_s: d_bin(),
            range_s: d_range(),
            head_percentile: d_head(),
            tail_percentile: d_tail(),
            margin: d_margin(),
            cv_threshold: d_cv(),
            min_samples: d_min_samples(),
            max_out_of_bounds_fraction: d_oob(),
            fallback_idle_timeout_s: None,
        }
    }
}

/// What to do with an instance that just became idle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdleDecision {
    /// Keep it warm for this long (possibly [`SimDuration::INFINITE`]).
    KeepFor(SimDuration),
    /// Unload it now, load a fresh instance after `prewarm_after`, keep that one for `keep_for`.
    UnloadThenPrewarm {
        /// Delay from now to the pre-warm.
        prewarm_after: SimDuration,
        /// Keep-alive window of the pre-warmed instance.
        keep_for: SimDuration,
    },
}

/// A keep-alive policy (one value per function).
pub trait KeepAlivePolicy {
    /// Called on each arrival of the function, before it is served. `busy` tells whether an execution of the
    /// function is running; `last_finish` is the end of its most recent execution, if any.
    fn observe_arrival(&mut self, now: SimTime, busy: bool, last_finish: Option<SimTime>);
    /// Called when an on-demand instance of the function becomes idle.
    fn on_idle(&mut self) -> IdleDecision;
}

/// Fixed idle timeout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedKeepAlive {
    /// The timeout.
    pub idle_timeout: SimDuration,
}

impl KeepAlivePolicy for FixedKeepAlive {
    fn observe_arrival(&mut self, _now: SimTime, _busy: bool, _last_finish: Option<SimTime>) {}
    fn on_idle(&mut self) -> IdleDecision {
        IdleDecision::KeepFor(self.idle_timeout)
    }
}

/// The hybrid histogram policy's per-function state.
#[derive(Debug, Clone, PartialEq)]
pub struct HybridHistogram {
    bin: SimDuration,
    bins: Vec<u64>,
    in_range: u64,
    out_of_bounds: u64,
    /// Sum of squared bin counts (kept incrementally for the CV).
    sum_sq: u128,
    head_q: f64,
    tail_q: f64,
    margin: f64,
    cv_threshold: f64,
    min_samples: u64,
    max_oob: f64,
    fallback: SimDuration,
    /// Cached decision; recomputed only after the histogram changed.
    cached: Option<IdleDecision>,
}

impl HybridHistogram {
    /// Validates `cfg` and builds an empty histogram. `path` names the table in errors.
    pub fn new(cfg: &HybridConfig, path: &str) -> Result<Self, ConfigError> {
        // Time is whole microseconds: a bin (and the range) must be at least 1 µs.
        let pos = |name: &str, v: f64| {
            SimDuration::from_secs_f64(v)
                .filter(|d| v >= crate::config::MIN_PERIOD_S && !d.is_infinite())
                .ok_or_else(|| {
                    ConfigError::invalid(
                        format!("{path}.{name}"),
                        format!("must be a finite number of seconds >= 0.000001 (1 µs, the time resolution), got {v}"),
                        "give seconds, e.g. bin_s = 60 and range_s = 14400 (the paper's 1-minute bins over 4 hours)",
                    )
                })
        };
        let bin = pos("bin_s", cfg.bin_s)?;
        let range = pos("range_s", cfg.range_s)?;
        let n_bins = range.0.div_ceil(bin.0);
        if !(2..=1_000_000).contains(&n_bins) {
            return Err(ConfigError::invalid(
                format!("{path}.range_s"),
                format!("gives {n_bins} bins of {} s", cfg.bin_s),
                "choose range_s / bin_s between 2 and 1,000,000",
            ));
        }
        for (name, v) in [
            ("head_percentile", cfg.head_percentile),
            ("tail_percentile", cfg.tail_percentile),
        ] {
            if !(v > 0.0 && v <= 100.0) {
                return Err(ConfigError::invalid(
                    format!("{path}.{name}"),
                    format!("must be in (0, 100], got {v}"),
                    "give a percentile such as 5 (head) or 99 (tail)",
                ));
            }
        }
        if cfg.head_percentile > cfg.tail_percentile {
            return Err(ConfigError::invalid(
                format!("{path}.head_percentile"),
                format!(
                    "{} is above tail_percentile {}",
                    cfg.head_percentile, cfg.tail_percentile
                ),
                "the head percentile must not exceed the tail percentile",
            ));
        }
        if !(0.0..1.0).contains(&cfg.margin) {
            return Err(ConfigError::invalid(
                format!("{path}.margin"),
                format!("must be in [0, 1), got {}", cfg.margin),
                "give a fraction such as 0.1 (10 %)",
            ));
        }
        if !(cfg.cv_threshold.is_finite() && cfg.cv_threshold >= 0.0) {
            return Err(ConfigError::invalid(
                format!("{path}.cv_threshold"),
                format!("must be a finite number >= 0, got {}", cfg.cv_threshold),
                "the paper uses 2",
            ));
        }
        if !(0.0..=1.0).contains(&cfg.max_out_of_bounds_fraction) {
            return Err(ConfigError::invalid(
                format!("{path}.max_out_of_bounds_fraction"),
                format!("must be in [0, 1], got {}", cfg.max_out_of_bounds_fraction),
                "give a fraction such as 0.5",
            ));
        }
        let fallback = match cfg.fallback_idle_timeout_s {
            None => range,
            Some(v) => SimDuration::from_secs_f64(v).ok_or_else(|| {
                ConfigError::invalid(
                    format!("{path}.fallback_idle_timeout_s"),
                    format!("must be a number of seconds >= 0 (or inf), got {v}"),
                    "give seconds, or leave it out to use range_s",
                )
            })?,
        };
        Ok(HybridHistogram {
            bin,
            bins: vec![0; n_bins as usize],
            in_range: 0,
            out_of_bounds: 0,
            sum_sq: 0,
            head_q: cfg.head_percentile / 100.0,
            tail_q: cfg.tail_percentile / 100.0,
            margin: cfg.margin,
            cv_threshold: cfg.cv_threshold,
            min_samples: u64::from(cfg.min_samples),
            max_oob: cfg.max_out_of_bounds_fraction,
            fallback,
            cached: None,
        })
    }

    /// Records one idle time.
    pub fn record(&mut self, idle: SimDuration) {
        let b = idle.0 / self.bin.0;
        match self.bins.get_mut(b as usize) {
            Some(c) => {
                self.sum_sq += 2 * u128::from(*c) + 1;
                *c += 1;
                self.in_range += 1;
            }
            None => self.out_of_bounds += 1,
        }
        self.cached = None;
    }

    /// Coefficient of variation of the bin counts (sample standard deviation over mean); 0 when empty.
    pub fn bin_count_cv(&self) -> f64 {
        if self.in_range == 0 {
            return 0.0;
        }
        let n = self.bins.len() as f64;
        let mean = self.in_range as f64 / n;
        let var = (self.sum_sq as f64 - n * mean * mean) / (n - 1.0);
        libm::sqrt(var.max(0.0)) / mean
    }

    /// Whether the histogram is trusted (see the module docs).
    pub fn is_representative(&self) -> bool {
        let total = self.in_range + self.out_of_bounds;
        self.in_range >= self.min_samples
            && (self.out_of_bounds as f64) < self.max_oob * total as f64
            && self.bin_count_cv() >= self.cv_threshold
    }

    /// Index of the first bin at which the cumulative share reaches `q`.
    fn percentile_bin(&self, q: f64) -> usize {
        let target = q * self.in_range as f64;
        let mut cum = 0u64;
        for (i, c) in self.bins.iter().enumerate() {
            cum += c;
            if cum as f64 >= target && cum > 0 {
                return i;
            }
        }
        self.bins.len() - 1
    }

    fn decide(&self) -> IdleDecision {
        if !self.is_representative() {
            return IdleDecision::KeepFor(self.fallback);
        }
        let head = self.percentile_bin(self.head_q) as f64;
        let tail = self.percentile_bin(self.tail_q) as f64;
        let bin = self.bin.0 as f64;
        let prewarm = SimDuration((head * bin * (1.0 - self.margin)) as u64);
        let end = SimDuration(((tail + 1.0) * bin * (1.0 + self.margin)) as u64);
        if prewarm.0 == 0 {
            IdleDecision::KeepFor(end)
        } else {
            IdleDecision::UnloadThenPrewarm {
                prewarm_after: prewarm,
                keep_for: SimDuration(end.0.saturating_sub(prewarm.0)),
            }
        }
    }
}

impl KeepAlivePolicy for HybridHistogram {
    fn observe_arrival(&mut self, now: SimTime, busy: bool, last_finish: Option<SimTime>) {
        if busy {
            self.record(SimDuration::ZERO);
        } else if let Some(f) = last_finish {
            self.record(now - f);
        }
    }

    fn on_idle(&mut self) -> IdleDecision {
        if let Some(d) = self.cached {
            return d;
        }
        let d = self.decide();
        self.cached = Some(d);
        d
    }
}

/// A compiled policy (enum dispatch keeps the hot path free of virtual calls).
#[derive(Debug, Clone, PartialEq)]
pub enum Policy {
    /// Fixed idle timeout.
    Fixed(FixedKeepAlive),
    /// Hybrid histogram.
    Hybrid(Box<HybridHistogram>),
}

/// The longest finite idle timeout, seconds: simulated time is whole microseconds in a `u64`.
/// (2^64 µs is 1.8447e13 s; stated rounded down.)
const MAX_IDLE_TIMEOUT_S: f64 = 1.844e13;

impl KeepAliveConfig {
    /// Validates and builds the policy state.
    pub fn compile(&self, path: &str) -> Result<Policy, ConfigError> {
        match self {
            KeepAliveConfig::Fixed { idle_timeout_s } => {
                SimDuration::from_secs_f64(*idle_timeout_s)
                    .map(|d| Policy::Fixed(FixedKeepAlive { idle_timeout: d }))
                    .ok_or_else(|| {
                        ConfigError::invalid(
                            format!("{path}.idle_timeout_s"),
                            format!(
                                "must be a number of seconds from 0 to {:.3e}, or inf (never expire), got {}",
                                MAX_IDLE_TIMEOUT_S,
                                crate::config::compact_number(*idle_timeout_s)
                            ),
                            "give the idle timeout in seconds, e.g. 600, or inf to never expire",
                        )
                    })
            }
            KeepAliveConfig::HybridHistogram(h) => {
                Ok(Policy::Hybrid(Box::new(HybridHistogram::new(h, path)?)))
            }
        }
    }
}

impl KeepAlivePolicy for Policy {
    #[inline]
    fn observe_arrival(&mut self, now: SimTime, busy: bool, last_finish: Option<SimTime>) {
        if let Policy::Hybrid(h) = self {
            h.observe_arrival(now, busy, last_finish);
        }
    }

    #[inline]
    fn on_idle(&mut self) -> IdleDecision {
        match self {
            Policy::Fixed(f) => f.on_idle(),
            Policy::Hybrid(h) => h.on_idle(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::MICROS_PER_S;

    fn hybrid() -> HybridHistogram {
        HybridHistogram::new(&HybridConfig::default(), "keep_alive").expect("defaults are valid")
    }

    #[test]
    fn fixed_keeps_for_the_timeout() {
        let p = KeepAliveConfig::Fixed {
            idle_timeout_s: 600.0,
        }
        .compile("k");
        let mut p = p.expect("valid");
        assert_eq!(
            p.on_idle(),
            IdleDecision::KeepFor(SimDuration::from_secs(600))
        );
        let mut inf = KeepAliveConfig::Fixed {
            idle_timeout_s: f64::INFINITY,
        }
        .compile("k")
        .expect("valid");
        assert_eq!(inf.on_idle(), IdleDecision::KeepFor(SimDuration::INFINITE));
        let bad = KeepAliveConfig::Fixed {
            idle_timeout_s: -5.0,
        }
        .compile("functions[0].keep_alive");
        assert!(bad
            .unwrap_err()
            .to_string()
            .contains("functions[0].keep_alive.idle_timeout_s"));
    }

    #[test]
    fn empty_histogram_falls_back_to_the_range() {
        let mut h = hybrid();
        assert!(!h.is_representative());
        assert_eq!(
            h.on_idle(),
            IdleDecision::KeepFor(SimDuration::from_secs(14_400))
        );
    }

    #[test]
    fn concentrated_idle_times_give_prewarm_and_keepalive_windows() {
        let mut h = hybrid();
        // 100 idle times of 10 min 30 s (bin 10): head = tail = bin 10.
        for _ in 0..100 {
            h.record(SimDuration::from_secs(630));
        }
        assert!(h.bin_count_cv() > 15.0, "{}", h.bin_count_cv());
        assert!(h.is_representative());
        // pre-warm = 10 * 60 s * 0.9 = 540 s; end = 11 * 60 s * 1.1 = 726 s; keep = 186 s.
        assert_eq!(
            h.on_idle(),
            IdleDecision::UnloadThenPrewarm {
                prewarm_after: SimDuration::from_secs(540),
                keep_for: SimDuration::from_secs(186),
            }
        );
    }

    #[test]
    fn short_idle_times_keep_warm_without_prewarm() {
        let mut h = hybrid();
        for i in 0..200u64 {
            // 0..59 s, all in bin 0, except two in bin 2 (so the 99th percentile is bin 2).
            let s = if i < 198 { i % 60 } else { 150 };
            h.observe_arrival(
                SimTime(10 * MICROS_PER_S + s * MICROS_PER_S),
                false,
                Some(SimTime(10 * MICROS_PER_S)),
            );
        }
        assert!(h.is_representative());
        // tail bin 1 (198/200 = 0.99 reached in bin 0? 198 >= 198: yes -> bin 0): end = 1 * 60 * 1.1 = 66 s.
        assert_eq!(
            h.on_idle(),
            IdleDecision::KeepFor(SimDuration::from_secs(66))
        );
        // Busy arrivals record zero idle time.
        h.observe_arrival(SimTime(0), true, None);
        assert_eq!(h.bins[0], 199);
    }

    #[test]
    fn flat_histogram_is_not_representative() {
        let mut h = hybrid();
        for b in 0..240u64 {
            h.record(SimDuration::from_secs(b * 60 + 1));
        }
        assert!(h.bin_count_cv() < 0.01);
        assert!(!h.is_representative());
        assert_eq!(
            h.on_idle(),
            IdleDecision::KeepFor(SimDuration::from_secs(14_400))
        );
    }

    #[test]
    fn mostly_out_of_bounds_is_not_representative() {
        let mut h = hybrid();
        for _ in 0..20 {
            h.record(SimDuration::from_secs(60));
        }
        for _ in 0..20 {
            h.record(SimDuration::from_secs(5 * 3_600));
        }
        assert!(h.bin_count_cv() > 2.0);
        assert!(!h.is_representative());
    }

    #[test]
    fn invalid_hybrid_parameters_are_rejected() {
        let cfg = HybridConfig {
            head_percentile: 50.0,
            tail_percentile: 10.0,
            ..HybridConfig::default()
        };
        let e = HybridHistogram::new(&cfg, "functions[0].keep_alive")
            .unwrap_err()
            .to_string();
        assert!(e.contains("functions[0].keep_alive.head_percentile"), "{e}");
        let cfg = HybridConfig {
            bin_s: 0.0,
            ..HybridConfig::default()
        };
        let e = HybridHistogram::new(&cfg, "k").unwrap_err().to_string();
        assert!(e.contains("k.bin_s"), "{e}");
        // The message states the real bound, 1 µs (time is whole microseconds), also for values > 0 below it.
        for (bin_s, ok) in [(1e-9, false), (5e-7, false), (1e-6, true)] {
            let cfg = HybridConfig {
                bin_s,
                range_s: 1e-5,
                ..HybridConfig::default()
            };
            match HybridHistogram::new(&cfg, "k") {
                Ok(_) => assert!(ok, "{bin_s} accepted"),
                Err(e) => {
                    let e = e.to_string();
                    assert!(!ok, "{bin_s}: {e}");
                    assert!(
                        e.contains("k.bin_s: must be a finite number of seconds >= 0.000001 (1 µs, the time resolution)"),
                        "{e}"
                    );
                }
            }
        }
    }
}
