//! Memory right-sizing: a cost-vs-memory curve and a recommendation.
//!
//! # Model
//! * CPU share: `vcpu(m) = min(m / 1,769 MB, 6)` (1 vCPU-equivalent at 1,769 MB, AWS's figure;
//!   the proportional share at 10,240 MB is 5.79).
//! * Speed: `speed(m) = min(vcpu(m), threads)`; single-threaded (`threads = 1`) unless told
//!   otherwise, so memory above 1,769 MB buys no speed for a single-threaded function.
//! * Duration at another size: `d(m) = d0 × (f × speed(m0) / speed(m) + (1 − f))`, where `d0` is
//!   the duration observed at the reference size `m0` (the current memory) and `f` the
//!   CPU-bound fraction at `m0`. The same factor scales p50, p99 and the mean billed duration
//!   (the mean billed duration is scaled as `(mean − 0.5) × factor + 0.5`, keeping the expected
//!   half-millisecond of 1 ms rounding). INIT billed by the INIT rule is not scaled (INIT runs
//!   with burst CPU); INIT already inside the observed billed ms is scaled with the rest.
//! * `f` is **calibrated** by weighted least squares (weights = invocations) when the function
//!   was observed at two or more memory sizes with different speeds: fit `d = A + B / speed(m)`,
//!   `A ≥ 0` (refitting `B` through the origin when `A` would be negative), then
//!   `f = (B / speed(m0)) / (A + B / speed(m0))`; the rmse reported is that of the model used.
//!   A negative slope `B` (the function was slower with more CPU) contradicts the model: `f`
//!   is then assumed, as below, and the assumption says why. Without a calibration `f` is an
//!   **assumption, 1.0** (fully CPU-bound): the conservative choice, which never predicts a
//!   saving from shrinking memory below the speed the function can use (cost is then flat
//!   below 1 vCPU for a single-threaded function) and only finds the saving of memory the
//!   function cannot turn into speed. I/O-bound functions (f < 1) would save more by
//!   shrinking: calibrate by running the function at a second memory size.
//! * Candidates: 128, 256, 512, 768, 1024, 1536, 1769, 2048, 3008, 4096, 5120, 6144, 8192,
//!   10240 MB plus the current size, the memory floor and, for `threads > 1`, the size where
//!   the vCPU share reaches the threads (`threads × 1,769` MB); those below `max memory used × (1 + headroom)` (20 %
//!   by default) are excluded. Without a known max memory used only sizes ≥ the current one
//!   are allowed. Sizes whose modelled p99 (the p50 when no p99 is known) exceeds the
//!   function's timeout ([`TuneOptions::timeout_ms`]; Lambda's maximum of 900 s when it is not
//!   known) are not allowed either: the function would time out there.
//! * Monthly cost of a candidate: `requests × request price + GB-s × the tier-1 rate` of the
//!   function's region and architecture (the marginal rate of almost every account), no free
//!   tier, no volume tiers (`faascope cost` allocates the account's tiers, so its on-demand
//!   figure is lower for an account past the first tier: the CLI notes it); ephemeral storage
//!   and SnapStart are not priced (`faascope tune` refuses their flags).
//!
//! # Strategies
//! * `cost`: the cheapest; sizes within 1 % of the cheapest count as ties and the fastest of
//!   them wins (so a negligible saving never buys a large slowdown), unless it costs more than
//!   the current size (then the current size stays: a cost recommendation never costs more).
//! * `speed`: the fastest p50; sizes within 1 % of the fastest count as ties and the cheapest
//!   of them wins.
//! * `balanced`: the smallest `monthly cost × p50 duration` (cost-time product).

use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::Decimal;
use serde::Serialize;

use super::money::mb_to_gb;
use super::rates::{LambdaRates, LambdaRules};
use super::usage::{
    ConcurrencyLevel, ConcurrencyProfile, FunctionMeta, FunctionProjection, MonthlyUsage,
};
use super::CostError;
use super::Range;

/// Fewest invocations at the current size for them to be the curve's reference when another
/// size was observed more: below it, a few (cold) invocations would set every size's figure.
pub const MIN_REFERENCE_INVOCATIONS: u64 = 30;

/// AWS memory steps used as candidates (plus the current size).
pub const DEFAULT_CANDIDATES_MB: [u32; 14] = [
    128, 256, 512, 768, 1024, 1536, 1769, 2048, 3008, 4096, 5120, 6144, 8192, 10240,
];

/// What to optimise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TuneStrategy {
    #[default]
    Cost,
    Speed,
    Balanced,
}

/// Durations observed at one memory size.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MemoryObservation {
    pub memory_mb: u32,
    pub invocations: u64,
    /// Mean billed duration (ms).
    pub mean_billed_ms: f64,
    pub p50_duration_ms: f64,
    pub p99_duration_ms: f64,
    /// Mean billed ms per invocation that do not scale with memory: all of an invocation that
    /// timed out (it would run to the timeout at any size), and INIT and restore time inside
    /// `Billed Duration` (replayed as observed by `simulate`). See [`projection_at_memory`].
    pub fixed_mean_billed_ms: f64,
    /// Mean billed ms per invocation of INIT and restore inside `Billed Duration` (all of the
    /// fixed time but the timeouts'): what stays when the timeout changed within the logs and
    /// the timed-out invocations scale as the others do.
    pub init_mean_billed_ms: f64,
    /// Share of the invocations that timed out.
    pub timeout_share: f64,
    /// The p99 duration of the invocations that did not time out (the p99 of all when none
    /// did): what scales with memory when the p99 of all is a timeout.
    pub p99_completed_ms: f64,
    /// The longest duration of the invocations that timed out: the function's timeout then
    /// (they run to it), when some did.
    pub timeout_ms: Option<f64>,
    /// The shortest duration of the invocations that timed out, when some did.
    pub timeout_min_ms: Option<f64>,
    /// The longest duration of the invocations that did not time out, when some did not: one
    /// past the timeout others show says the timeout changed within the logs.
    pub completed_max_ms: Option<f64>,
}

/// What the timed-out invocations at every size say of the function's timeout, as
/// [`crate::scenario::observed_timeout`] reads it for a replay.
#[derive(Debug, Clone, PartialEq)]
enum ObservedLimit {
    /// No invocation timed out.
    None,
    /// One timeout (the longest timed-out duration, ms) that every timed-out invocation shows
    /// and no other one ran past.
    One(f64),
    /// Timed-out invocations ran to different whole seconds, or others ran past the shortest
    /// one and ended without timing out (the timeout was raised, or lowered since).
    Changed {
        timeouts_s: Vec<f64>,
        longest_completed_ms: f64,
    },
}

fn observed_limit(obs: &[&MemoryObservation]) -> ObservedLimit {
    let mut timeouts_s: Vec<f64> = obs
        .iter()
        .flat_map(|o| [o.timeout_min_ms, o.timeout_ms])
        .flatten()
        .filter(|ms| ms.is_finite() && *ms > 0.0)
        .map(crate::scenario::timeout_whole_s)
        .collect();
    if timeouts_s.is_empty() {
        return ObservedLimit::None;
    }
    timeouts_s.sort_by(f64::total_cmp);
    timeouts_s.dedup();
    let longest_completed_ms = obs
        .iter()
        .filter_map(|o| o.completed_max_ms)
        .filter(|ms| ms.is_finite())
        .fold(0.0, f64::max);
    if timeouts_s.len() == 1 && longest_completed_ms <= timeouts_s[0] * 1000.0 {
        let longest = obs
            .iter()
            .filter_map(|o| o.timeout_ms)
            .filter(|ms| ms.is_finite() && *ms > 0.0)
            .fold(0.0, f64::max);
        return ObservedLimit::One(longest);
    }
    ObservedLimit::Changed {
        timeouts_s,
        longest_completed_ms,
    }
}

/// Input of [`tune_function`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TuneInput {
    /// Name, region, arch, current `memory_mb` and `max_memory_used_mb`.
    pub meta: FunctionMeta,
    pub requests_per_month: Decimal,
    /// INIT ms per month added by the INIT rule (not scaled with memory).
    pub init_billed_ms_per_month: Decimal,
    /// At least one; the one at the current memory is the reference.
    pub observations: Vec<MemoryObservation>,
}

impl TuneInput {
    /// From a projection's typical month and per-memory observations.
    pub fn from_projection(
        p: &FunctionProjection,
        observations: Vec<MemoryObservation>,
    ) -> TuneInput {
        TuneInput {
            meta: p.meta.clone(),
            requests_per_month: p.usage.typical.requests,
            init_billed_ms_per_month: p.usage.typical.init_billed_ms,
            observations,
        }
    }
}

/// Options of [`tune_function`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TuneOptions {
    pub strategy: TuneStrategy,
    /// Memory headroom above the max used (0.2 = 20 %).
    pub headroom: Decimal,
    /// Threads the function can keep busy (1 = single-threaded).
    pub threads: u32,
    /// Force the CPU-bound fraction instead of calibrating / assuming.
    pub cpu_bound_fraction: Option<f64>,
    pub candidates_mb: Vec<u32>,
    /// The function's timeout in ms when it is known; `None`: Lambda's maximum
    /// ([`MAX_TIMEOUT_MS`]). Sizes whose modelled duration exceeds it are not allowed.
    pub timeout_ms: Option<f64>,
}

/// Lambda's longest timeout: 900 s.
pub const MAX_TIMEOUT_MS: f64 = 900_000.0;

impl Default for TuneOptions {
    fn default() -> TuneOptions {
        TuneOptions {
            strategy: TuneStrategy::Cost,
            headroom: Decimal::new(2, 1),
            threads: 1,
            cpu_bound_fraction: None,
            candidates_mb: DEFAULT_CANDIDATES_MB.to_vec(),
            timeout_ms: None,
        }
    }
}

/// How the CPU-bound fraction was obtained.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum CpuModel {
    Calibrated {
        /// The CPU-bound share of the billed time that scales, at `at_memory_mb`.
        fraction: f64,
        /// The size the fraction is of (the reference): at another size the same fit gives
        /// another share ([`fraction_at`]).
        at_memory_mb: u32,
        memory_sizes: usize,
        rmse_ms: f64,
    },
    Assumed {
        fraction: f64,
        reason: String,
    },
    Given {
        fraction: f64,
    },
}

impl CpuModel {
    pub fn fraction(&self) -> f64 {
        match self {
            CpuModel::Calibrated { fraction, .. }
            | CpuModel::Assumed { fraction, .. }
            | CpuModel::Given { fraction } => *fraction,
        }
    }
}

/// One point of the cost-vs-memory curve.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CurvePoint {
    pub memory_mb: u32,
    pub vcpu: f64,
    pub est_p50_ms: f64,
    pub est_p99_ms: f64,
    pub est_mean_billed_ms: f64,
    pub monthly_usd: Decimal,
    /// False when below the memory floor, outside Lambda's limits, or when the modelled
    /// duration reaches the timeout.
    pub allowed: bool,
    /// Why the size is not allowed (`None` when it is).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_allowed: Option<String>,
    pub current: bool,
}

/// Result of [`tune_function`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TuneReport {
    pub name: String,
    pub strategy: TuneStrategy,
    pub current_memory_mb: u32,
    /// Smallest allowed size (max used × (1 + headroom), rounded up to 1 MB).
    pub memory_floor_mb: u32,
    pub cpu_model: CpuModel,
    pub curve: Vec<CurvePoint>,
    pub recommended_memory_mb: u32,
    pub current_monthly_usd: Decimal,
    pub recommended_monthly_usd: Decimal,
    /// Current − recommended (typical month).
    pub monthly_saving_usd: Decimal,
    pub current_p50_ms: f64,
    pub recommended_p50_ms: f64,
    /// True when the recommendation differs from the current size.
    pub change: bool,
    pub assumptions: Vec<String>,
    /// What the user should know about the recommendation (e.g. a memory floor above Lambda's
    /// maximum: the headroom asked for cannot be had).
    pub warnings: Vec<String>,
    /// Remarks on the figures shown (e.g. why `faascope cost` shows another monthly amount),
    /// added by the caller.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

fn bad(meta: &FunctionMeta, problem: impl Into<String>, fix: impl Into<String>) -> CostError {
    CostError::InvalidInput {
        function: meta.name.clone(),
        problem: problem.into(),
        fix: fix.into(),
    }
}

struct Model {
    memory_per_vcpu: f64,
    max_vcpu: f64,
    threads: f64,
}

impl Model {
    fn vcpu(&self, memory_mb: u32) -> f64 {
        (f64::from(memory_mb) / self.memory_per_vcpu).min(self.max_vcpu)
    }

    fn speed(&self, memory_mb: u32) -> f64 {
        self.vcpu(memory_mb)
            .min(self.threads)
            .max(f64::MIN_POSITIVE)
    }
}

impl Model {
    fn new(rules: &LambdaRules, threads: u32) -> Model {
        Model {
            memory_per_vcpu: rules.memory_per_vcpu_mb.to_f64().unwrap_or(1769.0).max(1.0),
            max_vcpu: rules.max_vcpu.to_f64().unwrap_or(6.0).max(1.0),
            threads: f64::from(threads.max(1)),
        }
    }
}

/// The factor a duration observed at `from_mb` is multiplied by at `to_mb`, for a function whose
/// time is the share `cpu_bound_fraction` CPU-bound at `from_mb` and which keeps `threads`
/// threads busy (the model of the module docs): `f × speed(from) / speed(to) + (1 − f)`.
pub fn duration_factor(
    from_mb: u32,
    to_mb: u32,
    cpu_bound_fraction: f64,
    threads: u32,
    rules: &LambdaRules,
) -> f64 {
    let model = Model::new(rules, threads);
    let f = cpu_bound_fraction.clamp(0.0, 1.0);
    f * model.speed(from_mb) / model.speed(to_mb) + (1.0 - f)
}

/// The CPU-bound fraction at `to_mb` of a function whose fraction at `at_mb` is `f`: with the
/// time `A + B / speed`, the fraction at a size is `(B / speed) / (A + B / speed)`. Scaling
/// durations observed at another size than the fraction's with the fraction unchanged misprices
/// a function that is neither wholly CPU- nor I/O-bound (verification of the sixth round: `ci`
/// read $4.25 at the current size where `tune` and the hand figure said $4.10).
pub fn fraction_at(f: f64, at_mb: u32, to_mb: u32, threads: u32, rules: &LambdaRules) -> f64 {
    let f = f.clamp(0.0, 1.0);
    if f >= 1.0 || f <= 0.0 || at_mb == to_mb {
        return f;
    }
    let model = Model::new(rules, threads);
    // B / A, from f at `at_mb`.
    let ratio = f / (1.0 - f) * model.speed(at_mb);
    let cpu = ratio / model.speed(to_mb);
    cpu / (1.0 + cpu)
}

/// Weighted least squares of `y = A + B x`; returns (A, B) or `None` when the xs do not vary.
fn fit_line(points: &[(f64, f64, f64)]) -> Option<(f64, f64)> {
    let wsum: f64 = points.iter().map(|p| p.2).sum();
    if wsum <= 0.0 {
        return None;
    }
    let xm = points.iter().map(|p| p.2 * p.0).sum::<f64>() / wsum;
    let ym = points.iter().map(|p| p.2 * p.1).sum::<f64>() / wsum;
    let sxx: f64 = points.iter().map(|p| p.2 * (p.0 - xm).powi(2)).sum();
    if sxx <= 1e-12 * wsum.max(1.0) {
        return None;
    }
    let sxy: f64 = points.iter().map(|p| p.2 * (p.0 - xm) * (p.1 - ym)).sum();
    let b = sxy / sxx;
    Some((ym - b * xm, b))
}

/// Weighted least squares of `y = B x` (through the origin).
fn fit_through_origin(points: &[(f64, f64, f64)]) -> f64 {
    let sxx: f64 = points.iter().map(|p| p.2 * p.0 * p.0).sum();
    let sxy: f64 = points.iter().map(|p| p.2 * p.0 * p.1).sum();
    if sxx > 0.0 {
        sxy / sxx
    } else {
        0.0
    }
}

/// Weighted root mean square error of `y = A + B x` over `points`.
fn rmse(points: &[(f64, f64, f64)], a: f64, b: f64) -> f64 {
    let wsum: f64 = points.iter().map(|p| p.2).sum();
    if wsum <= 0.0 {
        return 0.0;
    }
    let sse: f64 = points
        .iter()
        .map(|p| p.2 * (p.1 - (a + b * p.0)).powi(2))
        .sum();
    (sse / wsum).sqrt()
}

/// Seconds from ms for messages: `900`, `473.7`.
fn fmt_seconds(ms: f64) -> String {
    let s = ms / 1000.0;
    if (s - s.round()).abs() < 1e-9 {
        format!("{s:.0}")
    } else {
        format!("{s:.1}")
    }
}

fn to_decimal(v: f64) -> Decimal {
    Decimal::from_f64(v)
        .map(|d| d.round_dp(6))
        .unwrap_or(Decimal::ZERO)
}

/// Right-sizes one function (see the module docs).
pub fn tune_function(
    input: &TuneInput,
    rates: &LambdaRates,
    rules: &LambdaRules,
    options: &TuneOptions,
) -> Result<TuneReport, CostError> {
    let meta = &input.meta;
    let obs: Vec<&MemoryObservation> = input
        .observations
        .iter()
        .filter(|o| o.invocations > 0 && o.memory_mb > 0)
        .collect();
    if obs.is_empty() {
        return Err(bad(
            meta,
            "no observation with invocations",
            "pass at least one MemoryObservation with invocations > 0",
        ));
    }
    if obs.iter().any(|o| {
        !(o.mean_billed_ms.is_finite()
            && o.p50_duration_ms.is_finite()
            && o.p99_duration_ms.is_finite())
            || o.mean_billed_ms < 0.0
    }) {
        return Err(bad(
            meta,
            "an observation has a negative or non-finite duration",
            "pass durations in ms as finite numbers",
        ));
    }
    if input.requests_per_month.is_sign_negative() {
        return Err(bad(
            meta,
            "requests_per_month is negative",
            "pass the projected monthly requests",
        ));
    }
    let model = Model::new(rules, options.threads);
    let mut assumptions = Vec::new();
    // The observation the curve scales from: the one at the current size, unless a handful of
    // invocations there (right after a memory change, one cold start, say) stand against many
    // at another size; then the best-observed size is, scaled by the model.
    let most_observed = obs.iter().max_by_key(|o| o.invocations).map(|o| **o);
    let reference = match obs.iter().find(|o| o.memory_mb == meta.memory_mb) {
        Some(o)
            if o.invocations < MIN_REFERENCE_INVOCATIONS
                && most_observed.is_some_and(|m| m.invocations > o.invocations) =>
        {
            let most = most_observed.unwrap_or(**o);
            assumptions.push(format!(
                "only {} invocation(s) at the current {} MB against {} at {} MB: the {} MB observation is the reference, scaled to {} MB by the model",
                o.invocations, meta.memory_mb, most.invocations, most.memory_mb, most.memory_mb, meta.memory_mb
            ));
            most
        }
        // Every invocation at the current size timed out, and some at another size completed:
        // that size's durations say what the work takes (verification of 3c62a65: the current
        // size was kept, "no other size can be modelled", though the logs held one).
        Some(o) if o.timeout_share >= 1.0 && obs.iter().any(|x| x.timeout_share < 1.0) => {
            let most = obs
                .iter()
                .filter(|x| x.timeout_share < 1.0)
                .max_by_key(|x| x.invocations)
                .map_or(**o, |x| **x);
            assumptions.push(format!(
                "every invocation at the current {} MB timed out: the {} MB observation, where {} completed, is the reference, scaled to {} MB by the model",
                o.memory_mb,
                most.memory_mb,
                ((1.0 - most.timeout_share) * most.invocations as f64).round(),
                o.memory_mb
            ));
            most
        }
        Some(o) => **o,
        None => {
            let most = obs
                .iter()
                .max_by_key(|o| o.invocations)
                .map(|o| **o)
                .unwrap_or(*obs[0]);
            assumptions.push(format!(
                "no observation at the current {} MB: the {} MB observation is the reference",
                meta.memory_mb, most.memory_mb
            ));
            most
        }
    };

    // CPU-bound fraction.
    let cpu_model = if let Some(f) = options.cpu_bound_fraction {
        CpuModel::Given {
            fraction: f.clamp(0.0, 1.0),
        }
    } else {
        // Fitted on the billed time that scales with memory: the fixed part (timeouts, INIT
        // and restore inside Billed Duration) stays as billed where the fraction is applied, so
        // in the fit it would count twice (sixth-round verification: a CPU-bound function with a
        // 2 s INIT fitted 0.43, and the curve's figure at a size it ran at missed its cost).
        // Per invocation that completed: a timed-out one was cut, its time is not what the
        // size gave it (ninth-round cost review: counted as none of the time that scales, 2 %
        // timed out at the smaller size fitted 0.35 where the same invocations completing
        // fitted 0.51). A size where every invocation timed out says nothing of the fit.
        let points: Vec<(f64, f64, f64)> = obs
            .iter()
            .filter(|o| o.timeout_share < 1.0)
            .map(|o| {
                let completed = 1.0 - o.timeout_share.clamp(0.0, 1.0);
                (
                    1.0 / model.speed(o.memory_mb),
                    ((o.mean_billed_ms - o.fixed_mean_billed_ms) / completed).max(0.0),
                    o.invocations as f64 * completed,
                )
            })
            .collect();
        let sizes = |obs: &[&MemoryObservation]| -> String {
            obs.iter()
                .map(|o| format!("{:.0} ms at {} MB", o.mean_billed_ms, o.memory_mb))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match fit_line(&points) {
            // A negative slope: more CPU made the function slower. The model (time falls as
            // CPU grows) cannot describe that; a clamped fit would claim an I/O-bound function
            // (f = 0) that the data do not show.
            Some((_, b)) if b < 0.0 => CpuModel::Assumed {
                fraction: 1.0,
                reason: format!(
                    "the durations observed contradict the CPU model (more memory was slower: {}; mean billed): CPU-bound fraction assumed 1.0 (fully CPU-bound; conservative for shrinking). Other changes between the runs (code, inputs, downstream latency) may explain it",
                    sizes(&obs)
                ),
            },
            Some((a, b)) => {
                // A negative intercept (a speed-up beyond proportional) is clamped to 0 and
                // the slope refitted through the origin: the model used is then `d = B x`.
                let (a, b) = if a < 0.0 {
                    (0.0, fit_through_origin(&points).max(0.0))
                } else {
                    (a, b)
                };
                let xr = 1.0 / model.speed(reference.memory_mb);
                let denom = a + b * xr;
                let fraction = if denom > 0.0 {
                    (b * xr / denom).clamp(0.0, 1.0)
                } else {
                    1.0
                };
                CpuModel::Calibrated {
                    fraction,
                    at_memory_mb: reference.memory_mb,
                    memory_sizes: points.len(),
                    rmse_ms: rmse(&points, a, b),
                }
            }
            None => CpuModel::Assumed {
                fraction: 1.0,
                reason: if obs.len() < 2 {
                    "observed at one memory size only: CPU-bound fraction assumed 1.0 (fully CPU-bound; conservative for shrinking)".into()
                } else if points.len() < 2 {
                    // Sizes where every invocation timed out say nothing of the speed
                    // (verification of 3c62a65: "all give the same CPU speed" was said).
                    "invocations completed at one memory size only (at the others every one timed out): CPU-bound fraction assumed 1.0 (fully CPU-bound; conservative for shrinking)".into()
                } else {
                    "the observed memory sizes all give the same CPU speed: CPU-bound fraction assumed 1.0".into()
                },
            },
        }
    };
    if let CpuModel::Assumed { reason, .. } = &cpu_model {
        assumptions.push(reason.clone());
    }
    let f = cpu_model.fraction();
    assumptions.push(format!(
        "duration scales as f × speed(m0)/speed(m) + (1 − f) with f = {:.3}, speed = min(memory / {} MB, {} thread(s))",
        f,
        rules.memory_per_vcpu_mb.normalize(),
        options.threads.max(1)
    ));
    assumptions.push(format!(
        "monthly cost at the {} {} tier-1 rate, no free tier; ephemeral storage and SnapStart charges left out",
        rates.region, rates.arch
    ));
    assumptions.extend(rates.assumptions.iter().cloned());

    // Memory floor.
    let min_mb = rules.memory_min_mb.to_u32().unwrap_or(128);
    let max_mb = rules.memory_max_mb.to_u32().unwrap_or(10_240);
    let mut warnings = Vec::new();
    let floor = match meta.max_memory_used_mb {
        Some(used) => {
            let f = (Decimal::from(used) * (Decimal::ONE + options.headroom)).ceil();
            let floor = f.to_u32().unwrap_or(u32::MAX).max(min_mb);
            if floor > max_mb {
                warnings.push(format!(
                    "the memory floor {floor} MB (max used {used} MB + {}% headroom) is above Lambda's maximum of {max_mb} MB: the headroom cannot be had, so {max_mb} MB is the size considered; lower the memory the function uses, or --headroom",
                    (options.headroom * Decimal::from(100)).normalize()
                ));
            }
            floor
        }
        None => {
            assumptions.push(
                "max memory used unknown: only sizes at or above the current memory are considered"
                    .into(),
            );
            meta.memory_mb
        }
    };
    // A floor above the maximum leaves the maximum (the most the function can have).
    let usable_floor = floor.min(max_mb);

    let factor = |m: u32| f * model.speed(reference.memory_mb) / model.speed(m) + (1.0 - f);
    let gb_rate = rates.tier1_usd_per_gb_second();
    let monthly = |m: u32, mean_billed: f64| -> Decimal {
        let gb = mb_to_gb(Decimal::from(m));
        let invoke_gbs =
            input.requests_per_month * to_decimal(mean_billed) * gb / Decimal::from(1000);
        let init_gbs = input.init_billed_ms_per_month * gb / Decimal::from(1000);
        input.requests_per_month * rates.request_usd + (invoke_gbs + init_gbs) * gb_rate
    };
    // Lambda takes any size in 1 MB steps: beside the listed sizes, the two where the model
    // bends are candidates, the memory floor (the least the function may have; the cheapest
    // allowed size when duration does not grow below it) and the size where the vCPU share
    // reaches the function's threads (the fastest it can run, and the cheapest of the fastest).
    let threads_mb = (model.threads > 1.0)
        .then(|| (model.threads * model.memory_per_vcpu).ceil())
        .filter(|mb| *mb <= f64::from(max_mb))
        .map(|mb| mb as u32);
    let floor_mb = (usable_floor > min_mb && usable_floor <= max_mb).then_some(usable_floor);
    let mut sizes: Vec<u32> = options
        .candidates_mb
        .iter()
        .copied()
        .chain(std::iter::once(meta.memory_mb))
        .chain(floor_mb)
        .chain(threads_mb)
        .collect();
    sizes.sort_unstable();
    sizes.dedup();
    // The timeout: given, else the one the timed-out invocations ran to (eighth-round cost
    // review: a function timing out at 3 s was recommended a size whose modelled p50 is
    // 10.6 s), at any size (ninth-round cost review: timeouts at the size before a memory
    // raise were not looked at, and 128 MB was recommended with a modelled p50 of 8.2 s),
    // else Lambda's maximum. When the logs show the timeout changed (invocations that
    // completed past the one others timed out at: it was raised), it is not known.
    let given = options.timeout_ms.filter(|t| t.is_finite() && *t > 0.0);
    let limit = observed_limit(&obs);
    let observed_timeout = match &limit {
        ObservedLimit::One(t) => Some(*t),
        ObservedLimit::None | ObservedLimit::Changed { .. } => None,
    };
    // A timeout no longer in force cut the timed-out invocations: the percentiles scale as if
    // they had completed there (they ran at least that long).
    let timeouts_fixed = !matches!(limit, ObservedLimit::Changed { .. });
    let changed_note = match (given, &limit) {
        (
            None,
            ObservedLimit::Changed {
                timeouts_s,
                longest_completed_ms,
            },
        ) => {
            let shown = timeouts_s
                .iter()
                .map(|t| format!("{t} s"))
                .collect::<Vec<_>>()
                .join(", ");
            Some(format!(
            "the function timeout changed within the logs: its timed-out invocations show {shown}{}: the sizes are checked against Lambda's maximum of 900 s, and the timed-out invocations, cut by a timeout no longer in force, are modelled as ending where they were cut and scale with memory as the others do",
            if *longest_completed_ms > timeouts_s[0] * 1000.0 {
                format!(
                    " and others ran past {} s without timing out (up to {})",
                    timeouts_s[0],
                    fmt_seconds(*longest_completed_ms) + " s"
                )
            } else {
                String::new()
            }
        ))
        }
        _ => None,
    };
    let timeout_ms = given.or(observed_timeout).unwrap_or(MAX_TIMEOUT_MS);
    let timeout_known = given.or(observed_timeout).is_some();
    let timeout_text = match (given, observed_timeout) {
        (Some(_), _) => format!("the function's timeout of {} s", fmt_seconds(timeout_ms)),
        (None, Some(_)) => format!(
            "the function's timeout of {} s (what its timed-out invocations ran to)",
            fmt_seconds(timeout_ms)
        ),
        (None, None) => format!("Lambda's maximum timeout of {} s", fmt_seconds(timeout_ms)),
    };
    let mut timed_out: Vec<u32> = Vec::new();
    // The billed time per invocation at the reference size that does not scale with memory
    // (timeouts, INIT and restore inside Billed Duration): it stays at any size, as in
    // `projection_at_memory` and `simulate` (sixth-round dash review and its verification: of
    // the reference size's own invocations, not of timeouts at an earlier size).
    let fixed_mean = if timeouts_fixed {
        reference.fixed_mean_billed_ms
    } else {
        reference.init_mean_billed_ms
    }
    .clamp(0.0, reference.mean_billed_ms.max(0.0));
    let mut curve: Vec<CurvePoint> = sizes
        .into_iter()
        .map(|m| {
            let k = factor(m);
            let mean = if m == reference.memory_mb {
                reference.mean_billed_ms
            } else {
                (reference.mean_billed_ms - fixed_mean - 0.5).max(0.0) * k + 0.5 + fixed_mean
            };
            // A percentile that is a timed-out invocation (they are the slowest: the q-th is one
            // when more than 1 − q of them timed out) stays one, running to the timeout at any
            // size (sixth-round verification: the curve's p99 shrank timeouts its price kept).
            let scaled = |ms: f64, q: f64| {
                if timeouts_fixed && reference.timeout_share > 1.0 - q {
                    ms
                } else {
                    ms * k
                }
            };
            let p50 = scaled(reference.p50_duration_ms, 0.5);
            // A p99 that is a timeout is the longer of it and the invocations that completed,
            // scaled (eighth-round cost review: it stayed at the timeout while the others grew
            // past it, a p99 below the p50 at small sizes, and sizes where nothing finishes were
            // recommended); and never below the p50.
            let p99 = if timeouts_fixed && reference.timeout_share > 0.01 {
                reference
                    .p99_duration_ms
                    .max(reference.p99_completed_ms * k)
            } else {
                reference.p99_duration_ms * k
            }
            .max(p50);
            // The p99 when the observations give one, else the p50.
            let (which, modelled) = if p99.is_finite() && p99 > 0.0 {
                ("p99", p99)
            } else {
                ("p50", p50)
            };
            let not_allowed = if m < min_mb || m > max_mb {
                Some(format!("outside Lambda's {min_mb} to {max_mb} MB"))
            } else if m < usable_floor {
                Some(format!("below the memory floor of {usable_floor} MB"))
            } else if modelled > timeout_ms {
                timed_out.push(m);
                Some(format!(
                    "modelled {which} of {} s exceeds {timeout_text}",
                    fmt_seconds(modelled)
                ))
            } else {
                None
            };
            CurvePoint {
                memory_mb: m,
                vcpu: model.vcpu(m),
                est_p50_ms: p50,
                est_p99_ms: p99,
                est_mean_billed_ms: mean,
                monthly_usd: monthly(m, mean),
                allowed: not_allowed.is_none(),
                not_allowed,
                current: m == meta.memory_mb,
            }
        })
        .collect();
    let mut notes: Vec<String> = changed_note.into_iter().collect();
    if !timed_out.is_empty() {
        notes.push(format!(
            "not allowed: {} MB, where the modelled p99 exceeds {timeout_text}: the function would time out{}",
            timed_out
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            if timeout_known { "" } else { " (its own timeout is not in the logs)" }
        ));
    }

    // The current size when every invocation there timed out and another size is the
    // reference: what was observed, not the model (verification of e0f6ea1: it read "p50 now
    // 621.5 ms", current and recommended, where every call ran to the 3 s timeout).
    if let Some(o) = obs
        .iter()
        .find(|o| o.memory_mb == meta.memory_mb && o.timeout_share >= 1.0)
        .filter(|_| reference.memory_mb != meta.memory_mb)
    {
        if let Some(p) = curve.iter_mut().find(|p| p.current) {
            p.est_p50_ms = o.p50_duration_ms;
            p.est_p99_ms = o.p99_duration_ms;
            p.est_mean_billed_ms = o.mean_billed_ms;
            p.monthly_usd = monthly(p.memory_mb, o.mean_billed_ms);
            p.allowed = false;
            p.not_allowed = Some("every invocation observed at this size timed out".into());
        }
        warnings.push(format!(
            "every invocation at the current {} MB timed out (p50 {} s): the other sizes are modelled from the {} MB invocations that completed",
            meta.memory_mb,
            fmt_seconds(o.p50_duration_ms),
            reference.memory_mb
        ));
    }
    let current = curve.iter().find(|p| p.current).cloned();
    let allowed: Vec<&CurvePoint> = curve.iter().filter(|p| p.allowed).collect();
    let tolerance = Decimal::new(101, 2);
    let chosen: Option<&CurvePoint> = match options.strategy {
        TuneStrategy::Cost => {
            let min_cost = allowed.iter().map(|p| p.monthly_usd).min();
            // Never dearer than the current size: ties that cost more are out before the
            // fastest is taken (under an assumed CPU-bound fraction growing memory looks
            // free; for I/O-bound code it is not). A current size that is not allowed (below
            // the memory floor, or timing out) must grow: then never dearer than the least
            // growth, the smallest allowed size above it.
            let ceiling = current.as_ref().and_then(|c| {
                if c.allowed {
                    Some(c.monthly_usd)
                } else {
                    allowed
                        .iter()
                        .filter(|p| p.memory_mb > c.memory_mb)
                        .min_by_key(|p| p.memory_mb)
                        .map(|p| p.monthly_usd)
                }
            });
            // A size within 1 % or half a cent a month of the cheapest is as cheap (a slower
            // size "saving $0.00" is no recommendation: with INIT priced as observed, the
            // smallest size of a function with a long INIT is cheaper by fractions of a cent).
            let half_cent = Decimal::new(5, 3);
            min_cost.and_then(|mc| {
                allowed
                    .iter()
                    .filter(|p| p.monthly_usd <= (mc * tolerance).max(mc + half_cent))
                    .filter(|p| ceiling.is_none_or(|c| p.monthly_usd <= c))
                    .min_by(|a, b| {
                        a.est_p50_ms
                            .total_cmp(&b.est_p50_ms)
                            .then(a.memory_mb.cmp(&b.memory_mb))
                    })
                    .copied()
            })
        }
        TuneStrategy::Speed => {
            let min_p50 = allowed
                .iter()
                .map(|p| p.est_p50_ms)
                .fold(f64::INFINITY, f64::min);
            allowed
                .iter()
                .filter(|p| p.est_p50_ms <= min_p50 * 1.01)
                .min_by(|a, b| {
                    a.monthly_usd
                        .cmp(&b.monthly_usd)
                        .then(a.memory_mb.cmp(&b.memory_mb))
                })
                .copied()
        }
        TuneStrategy::Balanced => allowed
            .iter()
            .min_by(|a, b| {
                let ka = a.monthly_usd * to_decimal(a.est_p50_ms.max(0.0));
                let kb = b.monthly_usd * to_decimal(b.est_p50_ms.max(0.0));
                ka.cmp(&kb)
                    .then(a.monthly_usd.cmp(&b.monthly_usd))
                    .then(a.memory_mb.cmp(&b.memory_mb))
            })
            .copied(),
    };
    let current = current.ok_or_else(|| {
        bad(
            meta,
            "the current memory size is missing from the curve",
            "report this as a bug",
        )
    })?;
    // Every invocation at the reference size timed out: their durations are the timeout,
    // not the work, and say nothing of what another size would take (verification of
    // 44be13c: 128 MB was recommended, "saving" 87 %, for a function that never finished).
    let all_timed_out = reference.timeout_share >= 1.0;
    if all_timed_out {
        warnings.push(format!(
            "every invocation at {} MB timed out: their durations are the timeout, not the work, so no other size can be modelled from them: keeping the current size (fix the timeouts, then tune)",
            reference.memory_mb
        ));
    }
    let recommended = match chosen.filter(|_| !all_timed_out) {
        Some(p) => p.clone(),
        None if all_timed_out => current.clone(),
        None => {
            let why = if curve
                .iter()
                .any(|p| p.memory_mb >= usable_floor && p.memory_mb <= max_mb)
            {
                format!("at every size at or above the memory floor the modelled p99 exceeds {timeout_text}")
            } else {
                "the memory floor is above the maximum".to_string()
            };
            warnings.push(format!(
                "no candidate size is allowed ({why}): keeping the current size"
            ));
            current.clone()
        }
    };
    // Growing memory under an assumed fraction looks free (fully CPU-bound: durations fall as
    // memory grows); the cost strategy never grows into a dearer size, the others may.
    if matches!(cpu_model, CpuModel::Assumed { .. }) && recommended.memory_mb > current.memory_mb {
        warnings.push(format!(
            "{} MB -> {} MB rests on the assumed CPU-bound fraction (1.0): its cost and latency are modelled, not observed; were the code I/O-bound, its durations would not fall and its compute cost would grow about {:.1}x. Measure at the new size first (logs at two sizes calibrate the model)",
            current.memory_mb,
            recommended.memory_mb,
            f64::from(recommended.memory_mb) / f64::from(current.memory_mb.max(1))
        ));
    }
    Ok(TuneReport {
        name: meta.name.clone(),
        strategy: options.strategy,
        current_memory_mb: meta.memory_mb,
        memory_floor_mb: floor,
        cpu_model,
        change: recommended.memory_mb != current.memory_mb,
        recommended_memory_mb: recommended.memory_mb,
        current_monthly_usd: current.monthly_usd,
        recommended_monthly_usd: recommended.monthly_usd,
        monthly_saving_usd: current.monthly_usd - recommended.monthly_usd,
        current_p50_ms: current.est_p50_ms,
        recommended_p50_ms: recommended.est_p50_ms,
        curve,
        assumptions,
        warnings,
        notes,
    })
}

/// The factor invocation time takes at `to_mb`, each size's share of `ran_at` (memory size,
/// ms that scale) from that size: their time-weighted mean; [`duration_factor`] from `from_mb`
/// when `ran_at` has no time.
pub fn factor_from_sizes(
    from_mb: u32,
    to_mb: u32,
    ran_at: &[(u32, f64)],
    cpu_bound_fraction: f64,
    threads: u32,
    rules: &LambdaRules,
) -> f64 {
    let total: f64 = ran_at
        .iter()
        .map(|(_, ms)| ms.max(0.0))
        .filter(|ms| ms.is_finite())
        .sum();
    if total <= 0.0 {
        return duration_factor(from_mb, to_mb, cpu_bound_fraction, threads, rules);
    }
    ran_at
        .iter()
        .filter(|(_, ms)| ms.is_finite())
        .map(|&(mb, ms)| {
            ms.max(0.0) / total * duration_factor(mb, to_mb, cpu_bound_fraction, threads, rules)
        })
        .sum()
}

/// One function's projected month as it would be at another memory size, by the model of the
/// module docs (the cost view's memory knob): invocation time scales by
/// [`duration_factor`] (the mean billed duration as `(mean − 0.5) × factor + 0.5`, keeping the
/// expected half-millisecond of 1 ms rounding), INIT added by the INIT rule does not, GB-seconds
/// are recomputed at the new size, and the concurrency histogram's time at each level scales
/// with the invocation time (the same overlap, longer or shorter), capped at the window. The
/// time a function moved between sizes during the window ran at each is `ran_at` (memory size,
/// ms of time that scales: the completed invocations' durations, say): each size's share
/// scales from that size, the factor applied is their time-weighted mean (ninth-round dash
/// review: every invocation was scaled from the latest size, 512 MB runs priced as if twice
/// as fast at 1024 MB). Empty `ran_at`: all at the projection's size.
pub fn projection_at_memory(
    p: &FunctionProjection,
    to_mb: u32,
    ran_at: &[(u32, f64)],
    cpu_bound_fraction: f64,
    threads: u32,
    rules: &LambdaRules,
) -> FunctionProjection {
    let from_mb = p.meta.memory_mb;
    let all_at_from = ran_at.iter().all(|(mb, _)| *mb == from_mb);
    if to_mb == 0 || (to_mb == from_mb && all_at_from) {
        return p.clone();
    }
    let k = factor_from_sizes(from_mb, to_mb, ran_at, cpu_bound_fraction, threads, rules);
    let kd = to_decimal(k);
    let gb = mb_to_gb(Decimal::from(to_mb));
    let half = Decimal::new(5, 1);
    let rescale = |u: &MonthlyUsage| -> MonthlyUsage {
        // Billed time that does not scale with memory stays (`fixed_billed_ms`): invocations
        // that timed out ran to the timeout and were cut, and would run to it at another size
        // (nothing says how long they would have taken); INIT and restore time inside Billed
        // Duration is replayed as observed, as `simulate` does (sixth-round dash review: the
        // cost view's memory knob priced a function half of whose calls time out at $0.16
        // where the simulate view, the same size, said $1.22).
        let fixed = u
            .fixed_billed_ms
            .min((u.billed_ms - u.init_billed_ms).max(Decimal::ZERO));
        let exec = (u.billed_ms - u.init_billed_ms - fixed).max(Decimal::ZERO);
        let rounding = (u.requests * half).min(exec);
        let exec_new = (exec - rounding) * kd + rounding;
        let billed_ms = exec_new + u.init_billed_ms + fixed;
        let ratio = if u.billed_ms.is_zero() {
            Decimal::ONE
        } else {
            billed_ms / u.billed_ms
        };
        MonthlyUsage {
            billed_ms,
            gb_seconds: billed_ms * gb / Decimal::from(1000),
            // The INIT's ms stay (`fixed`): its GB-seconds follow the memory.
            cold_init_gb_seconds: u.cold_init_gb_seconds * gb
                / mb_to_gb(Decimal::from(from_mb.max(1))),
            init_gb_seconds: u.init_billed_ms * gb / Decimal::from(1000),
            restore_gb: u.restores * gb,
            ephemeral_gb_seconds: u.ephemeral_gb_seconds * ratio,
            ms_at_least_100: u.ms_at_least_100 * ratio,
            ms_rounded_up_to_100: u.ms_rounded_up_to_100 * ratio,
            ..u.clone()
        }
    };
    let c = &p.concurrency;
    let occupied = c.occupied_ms() as f64;
    let window = c.window_ms as f64;
    // Time at each level × k, shrunk back to the window when longer runs would overflow it.
    let cap = if occupied * k > window && occupied > 0.0 {
        window / (occupied * k)
    } else {
        1.0
    };
    let levels: Vec<ConcurrencyLevel> = c
        .levels
        .iter()
        .map(|l| ConcurrencyLevel {
            level: l.level,
            ms: (l.ms as f64 * k * cap).round() as u64,
        })
        .collect();
    let mut out = p.clone();
    out.meta.memory_mb = to_mb;
    out.usage = Range {
        low: rescale(&p.usage.low),
        typical: rescale(&p.usage.typical),
        high: rescale(&p.usage.high),
    };
    // Each environment's busy time likewise (the same approximation: who serves what kept).
    let environments = c
        .environment_busy_ms
        .iter()
        .map(|&ms| (ms as f64 * k * cap).round() as u64)
        .collect();
    out.concurrency = ConcurrencyProfile::new(&levels, c.window_ms).with_environments(environments);
    out.rounding_exact = false;
    out.notes.push(format!(
        "memory what-if: {from_mb} MB -> {to_mb} MB, invocation time × {k:.3}{} (CPU-bound fraction {:.2}, {} thread(s); see `faascope tune`)",
        if all_at_from {
            ""
        } else {
            ", each size's invocations from the size they ran at"
        },
        cpu_bound_fraction.clamp(0.0, 1.0),
        threads.max(1)
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::rates::PriceBook;
    use crate::cost::Arch;

    fn obs(memory_mb: u32, mean: f64) -> MemoryObservation {
        MemoryObservation {
            memory_mb,
            invocations: 1000,
            mean_billed_ms: mean,
            p50_duration_ms: mean - 0.5,
            p99_duration_ms: 3.0 * mean,
            fixed_mean_billed_ms: 0.0,
            init_mean_billed_ms: 0.0,
            timeout_share: 0.0,
            p99_completed_ms: 3.0 * mean,
            timeout_ms: None,
            timeout_min_ms: None,
            completed_max_ms: None,
        }
    }

    fn input(
        memory_mb: u32,
        max_used: Option<u32>,
        observations: Vec<MemoryObservation>,
    ) -> TuneInput {
        let mut meta = FunctionMeta::new("f", "us-east-1", Arch::X86_64, memory_mb);
        meta.max_memory_used_mb = max_used;
        TuneInput {
            meta,
            requests_per_month: Decimal::from(1_000_000),
            init_billed_ms_per_month: Decimal::ZERO,
            observations,
        }
    }

    /// Sixth-round dash review and its verification: the billed time that does not scale with
    /// memory (timeouts, INIT inside Billed Duration) is the reference size's own, and a p99
    /// that is a timeout stays one.
    #[test]
    fn fixed_time_stays_on_the_curve() {
        let book = PriceBook::builtin().expect("valid");
        let rates = book.lambda("us-east-1", Arch::X86_64).expect("rates");
        let rules = book.lambda_rules().expect("rules");
        // 5,000.5 ms billed on average at 128 MB, 2,500 of it fixed; 2 % timed out at 10 s.
        let mut o = obs(128, 5000.5);
        o.fixed_mean_billed_ms = 2500.0;
        o.timeout_share = 0.02;
        o.p99_duration_ms = 10_000.0;
        let options = TuneOptions {
            candidates_mb: vec![128, 256],
            ..TuneOptions::default()
        };
        let t =
            tune_function(&input(128, Some(60), vec![o]), rates, rules, &options).expect("tuned");
        let at_256 = t.curve.iter().find(|p| p.memory_mb == 256).unwrap();
        // Twice the vCPU share: (5,000.5 − 2,500 − 0.5) / 2 + 0.5 + 2,500.
        assert!(
            (at_256.est_mean_billed_ms - 3750.5).abs() < 1e-9,
            "{}",
            at_256.est_mean_billed_ms
        );
        // The p99 is a timeout (2 % timed out): it stays; the p50 halves.
        assert_eq!(at_256.est_p99_ms, 10_000.0);
        assert!(
            (at_256.est_p50_ms - 2500.0).abs() < 1e-9,
            "{}",
            at_256.est_p50_ms
        );
    }

    /// Eighth-round cost review: with more than 1 % timed out, the p99 stayed at the timeout
    /// at every size while the completed invocations grew past it (a p99 below the p50), and
    /// with Lambda's 900 s as the limit a function timing out at 3 s was recommended a size
    /// where its p50 is 10.6 s. The p99 is the longer of the timeout and the completed ones
    /// scaled, and the timeout is what the timed-out invocations ran to.
    #[test]
    fn timeouts_do_not_hide_sizes_where_nothing_finishes() {
        let book = PriceBook::builtin().expect("valid");
        let rates = book.lambda("us-east-1", Arch::X86_64).expect("rates");
        let rules = book.lambda_rules().expect("rules");
        // At 1024 MB: p50 2,000 ms, completed p99 2,800 ms, 2 % timed out at 3 s.
        let mut o = obs(1024, 2000.5);
        o.timeout_share = 0.02;
        o.p99_duration_ms = 3000.0;
        o.p99_completed_ms = 2800.0;
        o.timeout_ms = Some(3000.0);
        let options = TuneOptions {
            candidates_mb: vec![128, 1024, 2048],
            ..TuneOptions::default()
        };
        let t =
            tune_function(&input(1024, Some(60), vec![o]), rates, rules, &options).expect("tuned");
        let at = |m: u32| t.curve.iter().find(|p| p.memory_mb == m).unwrap();
        // 128 MB: the completed p99 scaled past the timeout; not allowed.
        assert!(at(128).est_p99_ms > at(128).est_p50_ms);
        assert!(!at(128).allowed, "{:?}", at(128));
        assert!(
            at(128)
                .not_allowed
                .as_deref()
                .unwrap()
                .contains("timeout of 3 s"),
            "{:?}",
            at(128).not_allowed
        );
        // 2048 MB: the timeout still bounds the p99 from below (those run to it).
        assert_eq!(at(2048).est_p99_ms, 3000.0);
        assert!(at(2048).allowed);
        assert_ne!(t.recommended_memory_mb, 128);
    }

    /// Ninth-round cost review: timeouts at the size before a memory raise bound the curve
    /// (they were looked for at the reference size only: 128 MB was recommended against a
    /// 3 s timeout), and the fit leaves the cut invocations out (counted as no time that
    /// scales, they lowered the fraction by a third).
    #[test]
    fn timeouts_at_an_earlier_size_bound_the_curve_and_leave_the_fit() {
        let book = PriceBook::builtin().expect("valid");
        let rates = book.lambda("us-east-1", Arch::X86_64).expect("rates");
        let rules = book.lambda_rules().expect("rules");
        // Half CPU-bound: 1,000 ms of CPU at 1,769 MB and 1,000 ms of waiting. At 1024 MB the
        // completed take 1000 × 1769/1024 + 1000 = 2727.5 ms; 4 % were cut at 3 s (billed
        // 3,000 ms each, all of it fixed); at 2048 MB (the current size) all complete.
        let at_1024 = 1000.0 * 1769.0 / 1024.0 + 1000.0;
        let mut before = obs(1024, 0.96 * at_1024 + 0.04 * 3000.0);
        before.fixed_mean_billed_ms = 0.04 * 3000.0;
        before.timeout_share = 0.04;
        before.timeout_ms = Some(3002.0);
        before.timeout_min_ms = Some(3000.5);
        before.completed_max_ms = Some(2900.0);
        let mut now = obs(2048, 2000.0);
        now.p99_duration_ms = 2100.0;
        now.p99_completed_ms = 2100.0;
        let options = TuneOptions {
            candidates_mb: vec![128, 512, 1024, 1536, 2048],
            ..TuneOptions::default()
        };
        let t = tune_function(
            &input(2048, Some(60), vec![before, now]),
            rates,
            rules,
            &options,
        )
        .expect("tuned");
        let CpuModel::Calibrated { fraction, .. } = t.cpu_model else {
            panic!("{:?}", t.cpu_model)
        };
        // Single-threaded, the speed is capped at 1 vCPU (1,769 MB): at 2048 MB the CPU part is
        // 1,000 ms of 2,000, the fraction 0.5 (0.35 with the cut ones as no time that scales).
        assert!((fraction - 0.5).abs() < 0.01, "{fraction}");
        let at = |m: u32| t.curve.iter().find(|p| p.memory_mb == m).unwrap();
        for m in [128, 512] {
            assert!(!at(m).allowed, "{:?}", at(m));
            assert!(
                at(m)
                    .not_allowed
                    .as_deref()
                    .unwrap()
                    .contains("timeout of 3.0 s (what its timed-out invocations ran to)"),
                "{:?}",
                at(m).not_allowed
            );
        }
        assert!(t.recommended_memory_mb >= 1024, "{t:?}");
        assert!(at(t.recommended_memory_mb).est_p99_ms <= 3002.0);
    }

    /// Verification of 3c62a65: the current size's invocations all timed out while another
    /// size's completed: that one is the reference, and the current size "times out".
    #[test]
    fn a_size_that_always_timed_out_is_modelled_from_one_that_completed() {
        let book = PriceBook::builtin().expect("valid");
        let rates = book.lambda("us-east-1", Arch::X86_64).expect("rates");
        let rules = book.lambda_rules().expect("rules");
        let mut now = obs(1024, 3000.5);
        now.p50_duration_ms = 3000.2;
        now.p99_duration_ms = 3000.4;
        now.p99_completed_ms = 3000.4;
        now.timeout_share = 1.0;
        now.fixed_mean_billed_ms = 3000.5;
        now.timeout_ms = Some(3000.4);
        now.timeout_min_ms = Some(3000.1);
        let mut before = obs(2048, 2000.5);
        before.p50_duration_ms = 2000.0;
        before.p99_duration_ms = 2100.0;
        before.p99_completed_ms = 2100.0;
        let t = tune_function(
            &input(1024, Some(60), vec![now, before]),
            rates,
            rules,
            &TuneOptions::default(),
        )
        .expect("tuned");
        assert!(
            t.assumptions.iter().any(|a| a.contains(
                "every invocation at the current 1024 MB timed out: the 2048 MB observation"
            )),
            "{:?}",
            t.assumptions
        );
        let at = |m: u32| t.curve.iter().find(|p| p.memory_mb == m).unwrap();
        assert!(!at(1024).allowed, "{:?}", at(1024));
        // What was observed there, said (verification of e0f6ea1: modelled as healthy).
        assert_eq!(at(1024).est_p50_ms, 3000.2);
        assert_eq!(t.current_p50_ms, 3000.2);
        assert!(
            t.warnings
                .iter()
                .any(|w| w.contains("every invocation at the current 1024 MB timed out")),
            "{:?}",
            t.warnings
        );
        assert!(t.recommended_memory_mb > 1024, "{t:?}");
        let CpuModel::Assumed { reason, .. } = &t.cpu_model else {
            panic!("{:?}", t.cpu_model)
        };
        assert!(
            reason.contains("invocations completed at one memory size only"),
            "{reason}"
        );
    }

    /// Verification of 44be13c: a function whose every invocation timed out was recommended
    /// 128 MB (its durations, all the timeout, the same at every size).
    #[test]
    fn a_function_that_always_timed_out_keeps_its_size() {
        let book = PriceBook::builtin().expect("valid");
        let rates = book.lambda("us-east-1", Arch::X86_64).expect("rates");
        let rules = book.lambda_rules().expect("rules");
        let mut o = obs(1024, 3000.5);
        o.p50_duration_ms = 3000.2;
        o.p99_duration_ms = 3000.4;
        o.p99_completed_ms = 3000.4;
        o.timeout_share = 1.0;
        o.fixed_mean_billed_ms = 3000.5;
        o.timeout_ms = Some(3000.4);
        o.timeout_min_ms = Some(3000.1);
        let t = tune_function(
            &input(1024, Some(60), vec![o]),
            rates,
            rules,
            &TuneOptions::default(),
        )
        .expect("tuned");
        assert_eq!(t.recommended_memory_mb, 1024);
        assert!(!t.change);
        assert!(
            t.warnings
                .iter()
                .any(|w| w.contains("every invocation at 1024 MB timed out")),
            "{:?}",
            t.warnings
        );
    }

    /// Ninth-round cost review: a timeout raised within the logs (timed out at 3 s, then the
    /// same work completed at up to 3.9 s) is no limit, and the p99 scales (it was held at a
    /// completed invocation's 3.55 s at every size, every size "timed out").
    #[test]
    fn a_raised_timeout_is_no_limit() {
        let book = PriceBook::builtin().expect("valid");
        let rates = book.lambda("us-east-1", Arch::X86_64).expect("rates");
        let rules = book.lambda_rules().expect("rules");
        let mut o = obs(1024, 1200.0);
        o.timeout_share = 0.014;
        o.p99_duration_ms = 3550.0;
        o.p99_completed_ms = 3554.0;
        o.timeout_ms = Some(3001.0);
        o.timeout_min_ms = Some(3000.2);
        o.completed_max_ms = Some(3900.0);
        o.fixed_mean_billed_ms = 0.014 * 3001.0;
        let options = TuneOptions {
            candidates_mb: vec![1024, 1536, 2048],
            ..TuneOptions::default()
        };
        let t =
            tune_function(&input(1024, Some(60), vec![o]), rates, rules, &options).expect("tuned");
        assert!(t.curve.iter().all(|p| p.allowed), "{:?}", t.curve);
        assert!(t.warnings.is_empty(), "{:?}", t.warnings);
        let at = |m: u32| t.curve.iter().find(|p| p.memory_mb == m).unwrap();
        // Fully CPU-bound (one size observed): 3,550 ms × 1024/1536.
        let want = 3550.0 * 1024.0 / 1536.0;
        assert!((at(1536).est_p99_ms - want).abs() < 0.01, "{:?}", at(1536));
        // The cut invocations' billed time scales as the others' (no INIT here).
        let mean = (1200.0 - 0.5) * 1024.0 / 1536.0 + 0.5;
        assert!(
            (at(1536).est_mean_billed_ms - mean).abs() < 1e-6,
            "{:?}",
            at(1536)
        );
        assert!(
            t.notes.iter().any(|a| a.contains(
                "the function timeout changed within the logs: its timed-out invocations show 3 s and others ran past 3 s without timing out (up to 3.9 s)"
            )),
            "{:?}",
            t.notes
        );
    }

    /// Verification of the sixth round: the CPU-bound fraction is fitted on the billed time
    /// that scales (a fully CPU-bound function with a 2 s INIT inside Billed Duration fitted
    /// 0.43 when the INIT was in the fit, then kept out of the scaling: counted twice).
    #[test]
    fn the_fraction_is_fitted_on_the_time_that_scales() {
        let book = PriceBook::builtin().expect("valid");
        let rates = book.lambda("us-east-1", Arch::X86_64).expect("rates");
        let rules = book.lambda_rules().expect("rules");
        // 300 ms of handler at 128 MB, 150 ms at 256 MB (fully CPU-bound), each invocation
        // billing a 2,000 ms INIT beside it on average 1 in 10 (200 ms a call).
        let mut small = obs(128, 300.5 + 200.0);
        small.fixed_mean_billed_ms = 200.0;
        let mut big = obs(256, 150.5 + 200.0);
        big.fixed_mean_billed_ms = 200.0;
        let t = tune_function(
            &input(256, Some(60), vec![small, big]),
            rates,
            rules,
            &TuneOptions::default(),
        )
        .expect("tuned");
        match t.cpu_model {
            CpuModel::Calibrated { fraction, .. } => {
                assert!((fraction - 1.0).abs() < 0.01, "{fraction}")
            }
            other => panic!("{other:?}"),
        }
        // The curve at a size it ran at gives what it billed there.
        let at_128 = t.curve.iter().find(|p| p.memory_mb == 128).unwrap();
        assert!(
            (at_128.est_mean_billed_ms - 500.5).abs() < 1.0,
            "{}",
            at_128.est_mean_billed_ms
        );
    }

    /// Verification of the sixth round: the fraction of one fit differs by size. Time 100 ms +
    /// 100 ms of CPU at 1024 MB is half CPU-bound there; at 512 MB the CPU part takes 200 ms.
    #[test]
    fn a_fraction_is_of_a_size() {
        let rules = PriceBook::builtin()
            .expect("valid")
            .lambda_rules()
            .expect("rules")
            .clone();
        let at_512 = fraction_at(0.5, 1024, 512, 1, &rules);
        assert!((at_512 - 2.0 / 3.0).abs() < 1e-9, "{at_512}");
        assert!((fraction_at(at_512, 512, 1024, 1, &rules) - 0.5).abs() < 1e-9);
        assert_eq!(fraction_at(1.0, 1024, 128, 1, &rules), 1.0);
        assert_eq!(fraction_at(0.0, 1024, 128, 1, &rules), 0.0);
    }

    #[test]
    fn over_provisioned_single_threaded_goes_to_one_vcpu() {
        let book = PriceBook::builtin().expect("valid");
        let rates = book.lambda("us-east-1", Arch::X86_64).expect("rates");
        let rules = book.lambda_rules().expect("rules");
        let t = tune_function(
            &input(3008, Some(120), vec![obs(3008, 400.5)]),
            rates,
            rules,
            &TuneOptions::default(),
        )
        .expect("tuned");
        assert!(matches!(t.cpu_model, CpuModel::Assumed { .. }));
        assert_eq!(t.memory_floor_mb, 144);
        assert_eq!(t.recommended_memory_mb, 1769);
        assert!(t.monthly_saving_usd > Decimal::ZERO);
        // Speed is unchanged (single-threaded above 1 vCPU).
        assert!((t.recommended_p50_ms - t.current_p50_ms).abs() < 1e-9);
        assert!(t.curve.iter().any(|p| p.memory_mb == 128 && !p.allowed));
        for s in [TuneStrategy::Speed, TuneStrategy::Balanced] {
            let o = TuneOptions {
                strategy: s,
                ..TuneOptions::default()
            };
            let t = tune_function(
                &input(3008, Some(120), vec![obs(3008, 400.5)]),
                rates,
                rules,
                &o,
            )
            .expect("tuned");
            assert_eq!(t.recommended_memory_mb, 1769, "{s:?}");
            // Shrinking under the assumed fraction is conservative: no warning.
            assert!(t.warnings.is_empty(), "{:?}", t.warnings);
        }
    }

    /// Fourth-round cost review: speed and balanced grew 128 MB functions to 1769 MB "at no
    /// cost" on the assumed fraction, with no word that it is modelled.
    #[test]
    fn growing_memory_on_an_assumed_fraction_is_warned() {
        let book = PriceBook::builtin().expect("valid");
        let rates = book.lambda("us-east-1", Arch::X86_64).expect("rates");
        let rules = book.lambda_rules().expect("rules");
        for s in [TuneStrategy::Speed, TuneStrategy::Balanced] {
            let o = TuneOptions {
                strategy: s,
                ..TuneOptions::default()
            };
            let t = tune_function(
                &input(128, Some(60), vec![obs(128, 185.0)]),
                rates,
                rules,
                &o,
            )
            .expect("tuned");
            assert!(t.recommended_memory_mb > 128, "{s:?}");
            assert!(
                t.warnings
                    .iter()
                    .any(|w| w.contains("rests on the assumed CPU-bound fraction")),
                "{s:?}: {:?}",
                t.warnings
            );
        }
    }

    #[test]
    fn a_floor_above_lambdas_maximum_warns_and_keeps_the_maximum() {
        let book = PriceBook::builtin().expect("valid");
        let rates = book.lambda("us-east-1", Arch::X86_64).expect("rates");
        let rules = book.lambda_rules().expect("rules");
        // 9,500 MB used + 20 % = 11,400 MB: more than Lambda's 10,240 MB.
        let t = tune_function(
            &input(10_240, Some(9_500), vec![obs(10_240, 200.5)]),
            rates,
            rules,
            &TuneOptions::default(),
        )
        .expect("tuned");
        assert_eq!(t.memory_floor_mb, 11_400);
        assert_eq!(t.recommended_memory_mb, 10_240);
        assert_eq!(t.warnings.len(), 1, "{:?}", t.warnings);
        assert!(t.warnings[0].contains("above Lambda's maximum of 10240 MB"));
        // A huge headroom on a small function: the maximum, never a size below the floor.
        let o = TuneOptions {
            headroom: Decimal::from(1000),
            ..TuneOptions::default()
        };
        let t = tune_function(
            &input(1024, Some(900), vec![obs(1024, 200.5)]),
            rates,
            rules,
            &o,
        )
        .expect("tuned");
        assert!(t.memory_floor_mb > 10_240);
        assert_eq!(t.recommended_memory_mb, 10_240);
        assert!(!t.warnings.is_empty());
        // Within the maximum: no warning.
        let t = tune_function(
            &input(3008, Some(120), vec![obs(3008, 400.5)]),
            rates,
            rules,
            &TuneOptions::default(),
        )
        .expect("tuned");
        assert!(t.warnings.is_empty(), "{:?}", t.warnings);
    }

    #[test]
    fn cost_strategy_never_grows_into_a_higher_cost() {
        let book = PriceBook::builtin().expect("valid");
        let rates = book.lambda("us-east-1", Arch::X86_64).expect("rates");
        let rules = book.lambda_rules().expect("rules");
        // 128 MB, assumed fully CPU bound: every size up to 1 vCPU costs about the same (within
        // the 1 % tie rule), larger ones a little more after rounding; the fastest of the ties
        // would be a 12× memory increase for no saving.
        for (memory_mb, max_used) in [(128, 60), (512, 100), (256, 90)] {
            let t = tune_function(
                &input(memory_mb, Some(max_used), vec![obs(memory_mb, 20.7)]),
                rates,
                rules,
                &TuneOptions::default(),
            )
            .expect("tuned");
            assert!(t.monthly_saving_usd >= Decimal::ZERO, "{memory_mb}: {t:?}");
            if !t.change {
                assert_eq!(t.recommended_memory_mb, memory_mb);
            }
        }
    }

    #[test]
    fn calibrates_an_io_bound_function() {
        let book = PriceBook::builtin().expect("valid");
        let rates = book.lambda("us-east-1", Arch::X86_64).expect("rates");
        let rules = book.lambda_rules().expect("rules");
        // Same duration at 512 and 1024 MB: I/O bound → f = 0 → the smallest allowed size.
        let t = tune_function(
            &input(1024, Some(100), vec![obs(512, 200.5), obs(1024, 200.5)]),
            rates,
            rules,
            &TuneOptions::default(),
        )
        .expect("tuned");
        match t.cpu_model {
            CpuModel::Calibrated {
                fraction,
                memory_sizes,
                ..
            } => {
                assert!(fraction.abs() < 1e-9, "{fraction}");
                assert_eq!(memory_sizes, 2);
            }
            other => panic!("not calibrated: {other:?}"),
        }
        assert_eq!(t.recommended_memory_mb, 128);
        // Duration halves from 512 to 1024 MB: fully CPU bound.
        let t = tune_function(
            &input(1024, Some(100), vec![obs(512, 400.0), obs(1024, 200.0)]),
            rates,
            rules,
            &TuneOptions::default(),
        )
        .expect("tuned");
        assert!((t.cpu_model.fraction() - 1.0).abs() < 1e-6);
    }

    /// Lambda takes 1 MB steps: an I/O-bound function goes to its memory floor (360 MB for 300
    /// MB used), not the listed size above it; a 2-thread CPU-bound function is offered the
    /// size where it gets 2 vCPUs (3,538 MB), the fastest and the cheapest of the fastest (the
    /// cost strategy keeps 3,008 MB: 3,538 costs a hair more).
    #[test]
    fn the_floor_and_the_threads_size_are_candidates() {
        let book = PriceBook::builtin().expect("valid");
        let rates = book.lambda("us-east-1", Arch::X86_64).expect("rates");
        let rules = book.lambda_rules().expect("rules");
        let t = tune_function(
            &input(1000, Some(300), vec![obs(1000, 500.5), obs(2000, 500.5)]),
            rates,
            rules,
            &TuneOptions::default(),
        )
        .expect("tuned");
        assert_eq!(t.recommended_memory_mb, 360);
        let t = tune_function(
            &input(3008, Some(300), vec![obs(3008, 300.0)]),
            rates,
            rules,
            &TuneOptions {
                threads: 2,
                strategy: TuneStrategy::Speed,
                ..TuneOptions::default()
            },
        )
        .expect("tuned");
        assert!(t.curve.iter().any(|p| p.memory_mb == 3538), "{:?}", t.curve);
        assert_eq!(t.recommended_memory_mb, 3538);
    }

    /// One cold invocation at the current size (just after a memory change) does not set the
    /// curve when thousands ran at another: that size is the reference, scaled by the model.
    #[test]
    fn a_handful_at_the_current_size_is_not_the_reference() {
        let book = PriceBook::builtin().expect("valid");
        let rates = book.lambda("us-east-1", Arch::X86_64).expect("rates");
        let rules = book.lambda_rules().expect("rules");
        let mut one_cold = obs(1024, 2100.0);
        one_cold.invocations = 1;
        let t = tune_function(
            &input(1024, Some(100), vec![obs(512, 100.5), one_cold]),
            rates,
            rules,
            &TuneOptions {
                cpu_bound_fraction: Some(1.0),
                ..TuneOptions::default()
            },
        )
        .expect("tuned");
        let now = t.curve.iter().find(|p| p.current).expect("current");
        // 100.5 ms at 512 MB, fully CPU-bound: half the time at 1,024 MB.
        assert!((now.est_mean_billed_ms - 50.5).abs() < 1e-9, "{now:?}");
        assert!(
            t.assumptions
                .iter()
                .any(|a| a.contains("only 1 invocation(s) at the current 1024 MB")),
            "{:?}",
            t.assumptions
        );
    }

    fn obs_at(memory_mb: u32, ms: f64) -> MemoryObservation {
        MemoryObservation {
            memory_mb,
            invocations: 50,
            mean_billed_ms: ms.ceil(),
            p50_duration_ms: ms,
            p99_duration_ms: ms,
            fixed_mean_billed_ms: 0.0,
            init_mean_billed_ms: 0.0,
            timeout_share: 0.0,
            p99_completed_ms: ms,
            timeout_ms: None,
            timeout_min_ms: None,
            completed_max_ms: None,
        }
    }

    /// Third-round cost review: 128 MB with 125 MB used (floor 150 MB) under the assumed
    /// fraction f = 1, where every size costs within 1 % of the cheapest: the fastest (1024 MB)
    /// was taken, dearer than now and than the floor. The least growth bounds the choice.
    #[test]
    fn a_current_size_below_the_floor_grows_no_further_than_needed_on_ties() {
        let book = PriceBook::builtin().expect("valid");
        let rates = book.lambda("us-east-1", Arch::X86_64).expect("rates");
        let rules = book.lambda_rules().expect("rules");
        let t = tune_function(
            &input(128, Some(125), vec![obs(128, 300.5)]),
            rates,
            rules,
            &TuneOptions::default(),
        )
        .expect("tuned");
        assert!(matches!(t.cpu_model, CpuModel::Assumed { .. }));
        assert_eq!(t.memory_floor_mb, 150);
        let at = |m: u32| t.curve.iter().find(|p| p.memory_mb == m).unwrap();
        assert!(!at(128).allowed);
        assert_eq!(t.recommended_memory_mb, 150, "{:?}", t.curve);
        assert!(at(1024).monthly_usd > at(150).monthly_usd);
    }

    /// Finding 1 of the cost review: sizes whose modelled duration is above the timeout
    /// (Lambda's 900 s, or the function's own) are never recommended, and say why.
    #[test]
    fn sizes_that_would_time_out_are_not_allowed() {
        let book = PriceBook::builtin().expect("valid");
        let rates = book.lambda("us-east-1", Arch::X86_64).expect("rates");
        let rules = book.lambda_rules().expect("rules");
        // The review's input: 2048 MB at 473.7 s, 1024 MB at 600 s (f = 0.5).
        let i = input(
            1024,
            Some(100),
            vec![obs_at(2048, 473_684.2), obs_at(1024, 600_000.0)],
        );
        for strategy in [
            TuneStrategy::Cost,
            TuneStrategy::Speed,
            TuneStrategy::Balanced,
        ] {
            let o = TuneOptions {
                strategy,
                ..TuneOptions::default()
            };
            let t = tune_function(&i, rates, rules, &o).expect("tuned");
            let rec = t
                .curve
                .iter()
                .find(|p| p.memory_mb == t.recommended_memory_mb)
                .unwrap();
            assert!(rec.allowed, "{strategy:?}");
            assert!(rec.est_p99_ms <= MAX_TIMEOUT_MS, "{strategy:?}: {rec:?}");
            for p in &t.curve {
                if p.est_p99_ms > MAX_TIMEOUT_MS {
                    assert!(!p.allowed, "{p:?}");
                    let why = p.not_allowed.as_deref().unwrap();
                    assert!(
                        why.contains("exceeds Lambda's maximum timeout of 900 s"),
                        "{why}"
                    );
                }
            }
            assert!(
                t.notes.iter().any(|n| n.contains("128, 256 MB")),
                "{:?}",
                t.notes
            );
        }
        let t = tune_function(&i, rates, rules, &TuneOptions::default()).expect("tuned");
        assert_eq!(t.recommended_memory_mb, 512);
        // A known timeout of 650 s: 768 MB (700 s) is out too; 1024 MB stays.
        let o = TuneOptions {
            timeout_ms: Some(650_000.0),
            ..TuneOptions::default()
        };
        let t = tune_function(&i, rates, rules, &o).expect("tuned");
        assert_eq!(t.recommended_memory_mb, 1024);
        assert!(!t.change);
        let p768 = t.curve.iter().find(|p| p.memory_mb == 768).unwrap();
        assert!(p768
            .not_allowed
            .as_deref()
            .unwrap()
            .contains("the function's timeout of 650 s"));
        // Every size times out: the current size stays, with a warning.
        let o = TuneOptions {
            timeout_ms: Some(1_000.0),
            ..TuneOptions::default()
        };
        let t = tune_function(&i, rates, rules, &o).expect("tuned");
        assert_eq!(t.recommended_memory_mb, 1024);
        assert!(t
            .warnings
            .iter()
            .any(|w| w.contains("no candidate size is allowed")));
    }

    /// Finding 16: a fit whose slope contradicts the model (more memory was slower) falls
    /// back to the assumption, and a calibrated rmse is that of the model used.
    #[test]
    fn a_fit_that_contradicts_the_model_is_not_calibrated() {
        let book = PriceBook::builtin().expect("valid");
        let rates = book.lambda("us-east-1", Arch::X86_64).expect("rates");
        let rules = book.lambda_rules().expect("rules");
        let t = tune_function(
            &input(
                1024,
                Some(100),
                vec![obs_at(2048, 600_000.0), obs_at(1024, 500_000.0)],
            ),
            rates,
            rules,
            &TuneOptions::default(),
        )
        .expect("tuned");
        match &t.cpu_model {
            CpuModel::Assumed { fraction, reason } => {
                assert_eq!(*fraction, 1.0);
                assert!(reason.contains("contradict"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
        assert!(t.assumptions.iter().any(|a| a.contains("contradict")));
        // Never 128 MB, where the fully CPU-bound model times out.
        assert!(
            t.recommended_memory_mb >= 768,
            "{}",
            t.recommended_memory_mb
        );
        // A speed-up beyond proportional: the intercept is clamped to 0 and the rmse is that
        // of the line through the origin, not of the unclamped fit (which is exact here).
        let t = tune_function(
            &input(1024, Some(100), vec![obs(512, 500.0), obs(1024, 100.0)]),
            rates,
            rules,
            &TuneOptions::default(),
        )
        .expect("tuned");
        match t.cpu_model {
            CpuModel::Calibrated {
                fraction, rmse_ms, ..
            } => {
                assert!((fraction - 1.0).abs() < 1e-9);
                assert!(rmse_ms > 50.0, "{rmse_ms}");
            }
            other => panic!("{other:?}"),
        }
        // An exact, consistent fit keeps rmse 0.
        let t = tune_function(
            &input(1024, Some(100), vec![obs(512, 400.0), obs(1024, 200.0)]),
            rates,
            rules,
            &TuneOptions::default(),
        )
        .expect("tuned");
        match t.cpu_model {
            CpuModel::Calibrated { rmse_ms, .. } => assert!(rmse_ms < 1e-6, "{rmse_ms}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unknown_max_memory_only_grows() {
        let book = PriceBook::builtin().expect("valid");
        let rates = book.lambda("us-east-1", Arch::X86_64).expect("rates");
        let rules = book.lambda_rules().expect("rules");
        let t = tune_function(
            &input(512, None, vec![obs(512, 1000.5)]),
            rates,
            rules,
            &TuneOptions::default(),
        )
        .expect("tuned");
        assert!(t
            .curve
            .iter()
            .filter(|p| p.memory_mb < 512)
            .all(|p| !p.allowed));
        assert!(t.recommended_memory_mb >= 512);
        let e = tune_function(
            &input(512, None, vec![]),
            rates,
            rules,
            &TuneOptions::default(),
        )
        .expect_err("no data");
        assert!(e.to_string().contains("MemoryObservation"), "{e}");
    }

    #[test]
    fn projection_at_memory_rescales_time_gb_seconds_and_concurrency() {
        let book = PriceBook::builtin().expect("valid");
        let rules = book.lambda_rules().expect("rules");
        let meta = FunctionMeta::new("f", "us-east-1", Arch::X86_64, 512);
        // 1 M requests of 100.5 ms billed, plus 10 s of INIT billed by the INIT rule.
        let usage = MonthlyUsage {
            requests: Decimal::from(1_000_000),
            billed_ms: Decimal::from(100_510_000),
            init_billed_ms: Decimal::from(10_000),
            gb_seconds: Decimal::from(100_510_000) / Decimal::from(2000),
            ..MonthlyUsage::default()
        };
        let levels = [
            ConcurrencyLevel {
                level: 1,
                ms: 1_000,
            },
            ConcurrencyLevel { level: 2, ms: 500 },
        ];
        let p = crate::cost::project_supplied(
            meta,
            Range::collapsed(usage),
            &levels,
            10_000,
            Vec::new(),
        );
        assert_eq!(projection_at_memory(&p, 512, &[], 1.0, 1, rules), p);
        // 512 -> 1024 MB, fully CPU-bound and single-threaded: twice the speed, half the time.
        let q = projection_at_memory(&p, 1024, &[], 1.0, 1, rules);
        assert_eq!(q.meta.memory_mb, 1024);
        let u = &q.usage.typical;
        // (100,500,000 − 500,000) / 2 + 500,000 + 10,000 INIT.
        assert_eq!(u.billed_ms, Decimal::from(50_510_000));
        assert_eq!(u.gb_seconds, Decimal::from(50_510));
        assert_eq!(u.init_gb_seconds, Decimal::from(10));
        assert_eq!(u.requests, Decimal::from(1_000_000));
        assert_eq!(q.concurrency.busy_ms(), 1_000);
        assert!(q.notes.iter().any(|n| n.contains("512 MB -> 1024 MB")));
        // Shrinking to 256 MB doubles the time; the histogram is capped at the window.
        let r = projection_at_memory(&p, 256, &[], 1.0, 1, rules);
        assert_eq!(r.usage.typical.billed_ms, Decimal::from(200_510_000));
        assert_eq!(r.concurrency.occupied_ms(), 3_000);
        let tiny = crate::cost::project_supplied(
            p.meta.clone(),
            p.usage.clone(),
            &levels,
            2_000,
            Vec::new(),
        );
        assert!(
            projection_at_memory(&tiny, 128, &[], 1.0, 1, rules)
                .concurrency
                .occupied_ms()
                <= 2_000
        );
        // I/O-bound: nothing changes but the GB-seconds.
        let io = projection_at_memory(&p, 1024, &[], 0.0, 1, rules);
        assert_eq!(io.usage.typical.billed_ms, Decimal::from(100_510_000));
        assert_eq!(io.usage.typical.gb_seconds, Decimal::from(100_510));
        // Sixth-round dash review: time of invocations that timed out stays (they would run
        // to the timeout at any size). 20,000,000 of the billed ms timed out.
        let mut t = p.clone();
        t.usage.typical.fixed_billed_ms = Decimal::from(20_000_000);
        let u = projection_at_memory(&t, 1024, &[], 1.0, 1, rules)
            .usage
            .typical;
        // (100,500,000 − 20,000,000 − 500,000) / 2 + 500,000 + 20,000,000 + 10,000 INIT.
        assert_eq!(u.billed_ms, Decimal::from(60_510_000));
        assert_eq!(u.fixed_billed_ms, Decimal::from(20_000_000));
        // Ninth-round dash review: half the time ran at 1024 MB (the projection's 512 MB is
        // the latest size): at 1024 MB that half stays, the other halves, × 0.75 in all.
        let mixed = [(1024, 50.0), (512, 50.0)];
        let u = projection_at_memory(&p, 1024, &mixed, 1.0, 1, rules);
        // (100,500,000 − 500,000) × 0.75 + 500,000 + 10,000 INIT.
        assert_eq!(u.usage.typical.billed_ms, Decimal::from(75_510_000));
        assert!(u
            .notes
            .iter()
            .any(|n| n.contains("from the size they ran at")));
        // At the projection's own size, the other size's share still scales: × 0.5 + 0.5 × 1.
        let same = projection_at_memory(&p, 512, &mixed, 1.0, 1, rules);
        assert_eq!(same.usage.typical.billed_ms, Decimal::from(150_510_000));
    }
}
