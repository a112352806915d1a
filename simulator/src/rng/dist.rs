//! Duration distributions: configuration ([`DistConfig`]) and compiled samplers ([`Sampler`]).
//!
//! The samplers are written here instead of taken from `rand_distr` on purpose: `rand_distr`'s float math calls
//! the platform's `ln`/`exp`/`cos` (the system libm), whose last-bit results differ between C libraries and
//! CPUs, which would break "the same seed gives bit-identical results on every machine". Here every
//! transcendental function comes from the `libm` crate (a pure-Rust port of musl's libm), and the rest is IEEE
//! arithmetic, which is exact and portable:
//!
//! * exponential: inverse CDF, `-mean * ln U`;
//! * normal: Box–Muller (`sqrt(-2 ln U1) * cos(2 pi U2)`, and `sin` for the pair's second value);
//! * log-normal: `exp(mu + sigma * Z)`;
//! * empirical: a uniformly chosen element of the observed sample (by index, no interpolation).
//!
//! Samples are rounded to whole microseconds.

use super::SimRng;
use crate::error::ConfigError;
use crate::time::SimDuration;
use serde::{Deserialize, Serialize};

/// The standard normal quantile at 0.99, used to fit a log-normal from a mean and a p99.
pub const Z_99: f64 = 2.326_347_874_040_841;

/// Largest duration a sampler returns (about 11.6 days), so sums of durations can never overflow.
const MAX_SAMPLE_US: f64 = 1e12;

/// A distribution of durations, as written in a scenario file (`dist = "..."`). All parameters are in
/// milliseconds, except `mu_ln_ms`/`sigma_ln`, which are the mean and standard deviation of `ln(duration in ms)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "dist", rename_all = "snake_case", deny_unknown_fields)]
pub enum DistConfig {
    /// Always `value_ms`.
    Constant {
        /// The duration in milliseconds.
        value_ms: f64,
    },
    /// Exponential with mean `mean_ms`.
    Exponential {
        /// Mean in milliseconds.
        mean_ms: f64,
    },
    /// Log-normal with the given mean and 99th percentile (the shape is solved from the two).
    Lognormal {
        /// Mean in milliseconds.
        mean_ms: f64,
        /// 99th percentile in milliseconds; must be above the mean and at most about 15x the mean.
        p99_ms: f64,
    },
    /// Log-normal with explicit parameters of `ln(duration in ms)`.
    LognormalParams {
        /// Mean of `ln(ms)`.
        mu_ln_ms: f64,
        /// Standard deviation of `ln(ms)`, >= 0.
        sigma_ln: f64,
    },
    /// Resampling of observed durations (each draw picks one sample uniformly at random).
    Empirical {
        /// Observed durations in milliseconds (at least one).
        samples_ms: Vec<f64>,
    },
}

/// A compiled distribution that draws [`SimDuration`]s.
#[derive(Debug, Clone, PartialEq)]
pub enum Sampler {
    /// A fixed value.
    Constant(SimDuration),
    /// Exponential with this mean in microseconds.
    Exponential {
        /// Mean (µs).
        mean_us: f64,
    },
    /// `exp(mu + sigma Z)` microseconds.
    LogNormal {
        /// Mean of `ln(µs)`.
        mu_ln_us: f64,
        /// Standard deviation of `ln(µs)`.
        sigma: f64,
    },
    /// Uniform choice among observed values.
    Empirical(Vec<SimDuration>),
}

fn bad(path: &str, problem: String, fix: &str) -> ConfigError {
    ConfigError::Invalid {
        path: path.to_string(),
        problem,
        fix: fix.to_string(),
    }
}

/// `v` when finite and not negative; else the error naming `path.name` (`name` empty: `path`
/// itself, an element such as `samples_ms[1]`). Fields ending `_ms` are milliseconds; others
/// (`sigma_ln`) have no unit.
fn finite_nonneg(path: &str, name: &str, v: f64) -> Result<f64, ConfigError> {
    if v.is_finite() && v >= 0.0 {
        Ok(v)
    } else {
        let key = if name.is_empty() {
            path.to_string()
        } else {
            format!("{path}.{name}")
        };
        let fix = if name.is_empty() || name.ends_with("_ms") {
            "give a non-negative number of milliseconds"
        } else {
            "give a non-negative number"
        };
        Err(bad(
            &key,
            format!("must be a finite number >= 0, got {v}"),
            fix,
        ))
    }
}

/// Solves `sigma` of a log-normal from `ln(p99 / mean)`: `mean = exp(mu + sigma^2/2)` and
/// `p99 = exp(mu + z sigma)` give `sigma^2/2 - z sigma + ln(p99/mean) = 0`; the smaller root is taken (the larger
/// one describes a distribution whose mean is dominated by a far tail beyond the p99).
pub fn lognormal_sigma_from_mean_p99(mean: f64, p99: f64) -> Option<f64> {
    if !(mean > 0.0 && p99 > mean && mean.is_finite() && p99.is_finite()) {
        return None;
    }
    let d = libm::log(p99 / mean);
    let disc = Z_99 * Z_99 - 2.0 * d;
    if disc < 0.0 {
        return None;
    }
    Some(Z_99 - libm::sqrt(disc))
}

impl DistConfig {
    /// The distribution's mean in milliseconds, for estimates made before a run (such as the peak number of
    /// instances), without building a sampler. `None` when the parameters are invalid ([`DistConfig::compile`]
    /// says why). A mean above the largest sample a sampler returns (about 11.6 days) is given as that.
    pub fn mean_ms(&self) -> Option<f64> {
        let ok = |v: f64| v.is_finite() && v >= 0.0;
        let mean = match self {
            DistConfig::Constant { value_ms } => ok(*value_ms).then_some(*value_ms)?,
            DistConfig::Exponential { mean_ms } => ok(*mean_ms).then_some(*mean_ms)?,
            DistConfig::Lognormal { mean_ms, p99_ms } => {
                lognormal_sigma_from_mean_p99(*mean_ms, *p99_ms)?;
                *mean_ms
            }
            DistConfig::LognormalParams { mu_ln_ms, sigma_ln } => {
                if !(mu_ln_ms.is_finite() && ok(*sigma_ln)) {
                    return None;
                }
                // May overflow to +inf for extreme parameters: capped below like the samples.
                libm::exp(mu_ln_ms + sigma_ln * sigma_ln / 2.0)
            }
            DistConfig::Empirical { samples_ms } => {
                if samples_ms.is_empty() || !samples_ms.iter().all(|v| ok(*v)) {
                    return None;
                }
                samples_ms
                    .iter()
                    .map(|v| v.min(MAX_SAMPLE_US / 1000.0))
                    .sum::<f64>()
                    / samples_ms.len() as f64
            }
        };
        Some(mean.min(MAX_SAMPLE_US / 1000.0))
    }

    /// Validates the parameters and builds a sampler. `path` names the field in error messages.
    pub fn compile(&self, path: &str) -> Result<Sampler, ConfigError> {
        match self {
            DistConfig::Constant { value_ms } => {
                let v = finite_nonneg(path, "value_ms", *value_ms)?;
                SimDuration::from_millis_f64(v)
                    .map(Sampler::Constant)
                    .ok_or_else(|| {
                        bad(
                            path,
                            format!("value_ms {v} is too large"),
                            "use a smaller value",
                        )
                    })
            }
            DistConfig::Exponential { mean_ms } => {
                let m = finite_nonneg(path, "mean_ms", *mean_ms)?;
                Ok(Sampler::Exponential {
                    mean_us: m * 1000.0,
                })
            }
            DistConfig::Lognormal { mean_ms, p99_ms } => {
                let sigma = lognormal_sigma_from_mean_p99(*mean_ms, *p99_ms).ok_or_else(|| {
                    bad(
                        path,
                        format!(
                            "no log-normal has mean_ms = {mean_ms} and p99_ms = {p99_ms} (need 0 < mean < p99 <= {:.2} x mean)",
                            libm::exp(Z_99 * Z_99 / 2.0)
                        ),
                        "check the figures, or give dist = \"lognormal_params\" with mu_ln_ms and sigma_ln, or use dist = \"empirical\"",
                    )
                })?;
                let mu_ln_ms = libm::log(*mean_ms) - sigma * sigma / 2.0;
                Ok(Sampler::LogNormal {
                    mu_ln_us: mu_ln_ms + libm::log(1000.0),
                    sigma,
                })
            }
            DistConfig::LognormalParams { mu_ln_ms, sigma_ln } => {
                if !mu_ln_ms.is_finite() {
                    return Err(bad(
                        &format!("{path}.mu_ln_ms"),
                        format!("must be finite, got {mu_ln_ms}"),
                        "give the mean of ln(duration in ms)",
                    ));
                }
                let s = finite_nonneg(path, "sigma_ln", *sigma_ln)?;
                Ok(Sampler::LogNormal {
                    mu_ln_us: mu_ln_ms + libm::log(1000.0),
                    sigma: s,
                })
            }
            DistConfig::Empirical { samples_ms } => {
                if samples_ms.is_empty() {
                    return Err(bad(
                        &format!("{path}.samples_ms"),
                        "is empty".to_string(),
                        "give at least one observed duration in milliseconds",
                    ));
                }
                let mut out = Vec::with_capacity(samples_ms.len());
                for (i, v) in samples_ms.iter().enumerate() {
                    let v = finite_nonneg(&format!("{path}.samples_ms[{i}]"), "", *v)?;
                    let d = SimDuration::from_millis_f64(v.min(MAX_SAMPLE_US / 1000.0))
                        .ok_or_else(|| {
                            bad(
                                path,
                                format!("sample {v} is too large"),
                                "use smaller values",
                            )
                        })?;
                    out.push(d);
                }
                Ok(Sampler::Empirical(out))
            }
        }
    }
}

#[inline]
fn round_us(v: f64) -> SimDuration {
    // `v` is finite and >= 0 here except for pathological parameters; clamp so the cast is well defined.
    let v = if v.is_finite() {
        v.clamp(0.0, MAX_SAMPLE_US)
    } else {
        MAX_SAMPLE_US
    };
    // `v + 0.5` is below 2^63 here, so truncating through `i64` gives the same value (with fewer instructions).
    SimDuration((v + 0.5) as i64 as u64)
}

impl Sampler {
    /// Draws one duration.
    #[inline]
    pub fn sample(&self, rng: &mut SimRng) -> SimDuration {
        match self {
            Sampler::Constant(d) => *d,
            Sampler::Exponential { mean_us } => round_us(mean_us * rng.exp1()),
            Sampler::LogNormal { mu_ln_us, sigma } => {
                round_us(libm::exp(mu_ln_us + sigma * rng.std_normal()))
            }
            Sampler::Empirical(v) => v[rng.below(v.len() as u64) as usize],
        }
    }

    /// The distribution's mean in microseconds (before rounding to whole microseconds).
    pub fn mean_us(&self) -> f64 {
        match self {
            Sampler::Constant(d) => d.0 as f64,
            Sampler::Exponential { mean_us } => *mean_us,
            Sampler::LogNormal { mu_ln_us, sigma } => libm::exp(mu_ln_us + sigma * sigma / 2.0),
            Sampler::Empirical(v) => v.iter().map(|d| d.0 as f64).sum::<f64>() / v.len() as f64,
        }
    }
}

/// Number of draws a [`SampleStream`] makes at a time.
const STREAM_AHEAD: usize = 64;

/// A sampler with a random stream of its own, drawn ahead in batches.
///
/// Because nothing else reads the stream, the `n`-th call of [`SampleStream::next_sample`] returns exactly the `n`-th
/// value that calling [`Sampler::sample`] on the same stream would return; drawing a batch at a time keeps the
/// (independent) draws in a tight loop where the CPU overlaps them, off the event loop's critical path.
#[derive(Debug, Clone)]
pub struct SampleStream {
    sampler: Sampler,
    rng: SimRng,
    ahead: Vec<SimDuration>,
    pos: usize,
}

impl SampleStream {
    /// A stream of draws of `sampler` from `rng`.
    pub fn new(sampler: Sampler, rng: SimRng) -> Self {
        SampleStream {
            sampler,
            rng,
            ahead: Vec::with_capacity(STREAM_AHEAD),
            pos: 0,
        }
    }

    /// The next draw.
    #[inline]
    pub fn next_sample(&mut self) -> SimDuration {
        if self.pos == self.ahead.len() {
            self.refill();
        }
        let d = self.ahead[self.pos];
        self.pos += 1;
        d
    }

    #[inline(never)]
    fn refill(&mut self) {
        self.ahead.clear();
        self.pos = 0;
        let rng = &mut self.rng;
        match &self.sampler {
            Sampler::Exponential { mean_us } => {
                let m = *mean_us;
                self.ahead
                    .extend((0..STREAM_AHEAD).map(|_| round_us(m * rng.exp1())));
            }
            s => self.ahead.extend((0..STREAM_AHEAD).map(|_| s.sample(rng))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mean_of(s: &Sampler, n: usize, seed: u64) -> f64 {
        let mut r = SimRng::new(seed);
        (0..n).map(|_| s.sample(&mut r).0 as f64).sum::<f64>() / n as f64
    }

    #[test]
    fn constant_and_exponential() {
        let c = DistConfig::Constant { value_ms: 12.5 }
            .compile("x")
            .unwrap_or(Sampler::Constant(SimDuration(0)));
        assert_eq!(c, Sampler::Constant(SimDuration(12_500)));
        assert_eq!(c.mean_us(), 12_500.0);
        let e = DistConfig::Exponential { mean_ms: 100.0 }.compile("x");
        let e = e.as_ref().map_err(|e| e.to_string());
        assert_eq!(e, Ok(&Sampler::Exponential { mean_us: 100_000.0 }));
        if let Ok(e) = e {
            let m = mean_of(e, 200_000, 1);
            // sd of the mean: 100000/sqrt(200000) = 224 us; allow 5 sd.
            assert!((m - 100_000.0).abs() < 1_120.0, "{m}");
        }
    }

    #[test]
    fn lognormal_from_mean_and_p99_reproduces_both() {
        let s = DistConfig::Lognormal {
            mean_ms: 200.0,
            p99_ms: 900.0,
        }
        .compile("warm");
        let Ok(s) = s else {
            panic!("valid lognormal rejected: {s:?}");
        };
        assert!((s.mean_us() - 200_000.0).abs() < 1e-6);
        let Sampler::LogNormal { mu_ln_us, sigma } = s else {
            panic!("expected a log-normal, got {s:?}");
        };
        let p99 = libm::exp(mu_ln_us + Z_99 * sigma);
        assert!((p99 - 900_000.0).abs() < 1e-3, "{p99}");
        // Sample p99 and mean from 400k draws.
        let mut r = SimRng::new(9);
        let mut xs: Vec<u64> = (0..400_000).map(|_| s.sample(&mut r).0).collect();
        xs.sort_unstable();
        let emp_p99 = xs[(0.99 * xs.len() as f64) as usize] as f64;
        assert!((emp_p99 / 900_000.0 - 1.0).abs() < 0.02, "{emp_p99}");
        let m = xs.iter().map(|&x| x as f64).sum::<f64>() / xs.len() as f64;
        assert!((m / 200_000.0 - 1.0).abs() < 0.01, "{m}");
    }

    #[test]
    fn lognormal_rejects_impossible_figures() {
        for (mean, p99) in [
            (100.0, 90.0),
            (100.0, 100.0),
            (1.0, 20.0),
            (0.0, 5.0),
            (f64::NAN, 5.0),
        ] {
            let r = DistConfig::Lognormal {
                mean_ms: mean,
                p99_ms: p99,
            }
            .compile("functions[0].warm");
            let msg = r.map(|_| String::new()).unwrap_or_else(|e| e.to_string());
            assert!(msg.contains("functions[0].warm"), "{mean} {p99}: {msg}");
            assert!(msg.contains("lognormal_params"), "{msg}");
        }
        // Just inside the limit (ratio < exp(z^2/2) = 14.97) is accepted.
        assert!(lognormal_sigma_from_mean_p99(1.0, 14.9).is_some());
        assert!(lognormal_sigma_from_mean_p99(1.0, 15.0).is_none());
    }

    #[test]
    fn lognormal_params_are_in_ln_ms() {
        let s = DistConfig::LognormalParams {
            mu_ln_ms: 0.0,
            sigma_ln: 0.0,
        }
        .compile("x");
        let mut r = SimRng::new(1);
        let d = s.map(|s| s.sample(&mut r)).map_err(|e| e.to_string());
        // exp(0) ms = 1 ms = 1000 us.
        assert_eq!(d, Ok(SimDuration(1_000)));
    }

    #[test]
    fn empirical_draws_only_observed_values_uniformly() {
        let s = DistConfig::Empirical {
            samples_ms: vec![1.0, 2.0, 3.0, 4.0],
        }
        .compile("x");
        let Ok(s) = s else { panic!("{s:?}") };
        assert_eq!(s.mean_us(), 2_500.0);
        let mut r = SimRng::new(4);
        let mut counts = [0u32; 4];
        for _ in 0..40_000 {
            let d = s.sample(&mut r).0;
            assert!(matches!(d, 1_000 | 2_000 | 3_000 | 4_000), "{d}");
            counts[(d / 1_000 - 1) as usize] += 1;
        }
        for c in counts {
            // Binomial(40000, 1/4): sd 87; allow 5 sd.
            assert!((i64::from(c) - 10_000).abs() < 435, "{counts:?}");
        }
        let e = DistConfig::Empirical { samples_ms: vec![] }.compile("functions[1].warm");
        assert!(e
            .map(|_| ())
            .unwrap_err()
            .to_string()
            .contains("functions[1].warm.samples_ms"));
    }

    #[test]
    fn negative_parameters_are_rejected_with_the_field_named() {
        let e = DistConfig::Exponential { mean_ms: -1.0 }.compile("functions[0].warm");
        let msg = e.map(|_| ()).unwrap_err().to_string();
        assert!(msg.contains("functions[0].warm.mean_ms"), "{msg}");
        assert!(msg.contains(">= 0"), "{msg}");
    }
}
