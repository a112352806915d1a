//! The input model (what the caller fills) and the normalised monthly usage the engine prices.
//!
//! Three ways in, all ending in a [`FunctionProjection`] (see [`super::projection`]):
//!
//! 1. **Observed** ([`FunctionUsage`]): per-function configuration, the observed window,
//!    usage buckets (one or more per UTC date and memory size, summed by the engine) and a
//!    concurrency occupancy histogram. Everything here is computable with a group-by over the
//!    invocation table.
//! 2. **Calculator** ([`CalculatorSpec`]): requests per month, duration, memory, architecture,
//!    region, cold-start ratio and INIT duration.
//! 3. **Supplied** ([`MonthlyUsage`] + histogram): e.g. a simulator result already expressed
//!    per month (a simulator can equally fill a [`FunctionUsage`] over its simulated window).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::money::decimal_from_u128;
use super::{Arch, Range};

/// How the function is packaged, which decides INIT billing before 2025-08-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PackageType {
    /// ZIP package on an AWS managed runtime (nodejs*, python*, java*, dotnet*, ruby*):
    /// INIT was free on demand before 2025-08-01 and is billed from that date.
    #[default]
    ManagedRuntimeZip,
    /// Custom runtime (`provided.*`, e.g. Go, Rust): INIT always billed.
    CustomRuntime,
    /// OCI container image: INIT always billed.
    ContainerImage,
}

/// SnapStart configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum SnapStart {
    #[default]
    Off,
    /// Java managed runtimes: no cache or restore charge (the billed restore time is duration).
    Java,
    /// Python 3.12+ / .NET 8+: cache charge per active version and a restore charge per GB.
    PythonOrDotnet {
        /// Published versions with SnapStart enabled and active during the month.
        active_versions: u32,
    },
}

/// A function's configuration (shared by every kind of input).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunctionMeta {
    pub name: String,
    /// AWS region code, e.g. `us-east-1`.
    pub region: String,
    pub arch: Arch,
    /// Configured memory (the latest configuration when it changed during the window).
    pub memory_mb: u32,
    /// Configured ephemeral storage (/tmp); 512 MB is included in the price.
    pub ephemeral_storage_mb: u32,
    /// Largest `Max Memory Used` observed (for right-sizing and Azure's observed-memory billing).
    pub max_memory_used_mb: Option<u32>,
    pub package: PackageType,
    pub snapstart: SnapStart,
}

impl FunctionMeta {
    /// A function with the defaults: 512 MB ephemeral storage, ZIP on a managed runtime, no
    /// SnapStart, max memory used unknown.
    pub fn new(
        name: impl Into<String>,
        region: impl Into<String>,
        arch: Arch,
        memory_mb: u32,
    ) -> FunctionMeta {
        FunctionMeta {
            name: name.into(),
            region: region.into(),
            arch,
            memory_mb,
            ephemeral_storage_mb: 512,
            max_memory_used_mb: None,
            package: PackageType::ManagedRuntimeZip,
            snapstart: SnapStart::Off,
        }
    }
}

/// Observed usage of one function on one UTC date at one memory size. Several buckets may share
/// a date and memory size (hourly buckets, say); the engine sums them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageBucket {
    /// UTC date of the invocations (their REPORT timestamps).
    #[serde(
        serialize_with = "super::serde_date::serialize",
        deserialize_with = "super::serde_date::deserialize"
    )]
    pub date: NaiveDate,
    /// Configured memory of these invocations.
    pub memory_mb: u32,
    /// Invocations (REPORT lines).
    pub requests: u64,
    /// Σ `Billed Duration` in ms, as reported. On REPORT lines this already includes the INIT
    /// and SnapStart restore time whenever AWS billed them.
    pub billed_ms: u64,
    /// Cold starts (REPORT lines with `Init Duration` or `Restore Duration`).
    pub cold_starts: u64,
    /// INIT time that AWS did **not** bill on these invocations and that would be billed under
    /// the 2025-08-01 rule: Σ over cold starts whose billed duration excluded INIT of
    /// `ceil(duration_ms + init_ms) − billed_duration_ms`. Zero for data already billed with INIT.
    /// The engine adds it when the INIT rule says INIT is billed (see
    /// [`super::projection::ProjectionOptions::billing_date`]).
    pub unbilled_init_ms: u64,
    /// SnapStart restores (REPORT lines with `Restore Duration`).
    pub restores: u64,
    /// Σ `Billed Restore Duration` ms. Informational: it is already inside `billed_ms`.
    pub billed_restore_ms: u64,
    /// Σ billed ms that do not scale with memory (part of `billed_ms`): all of an invocation
    /// that timed out (cut at the timeout, it would run to it at another size too), and INIT and
    /// restore time inside Billed Duration (as `simulate` replays them). See
    /// `tune::projection_at_memory`.
    pub fixed_billed_ms: u64,
    /// Σ INIT and SnapStart restore ms inside Billed Duration (cold starts whose REPORT billed
    /// them; part of `billed_ms`): what provisioned concurrency removes from the invocations it
    /// serves.
    pub billed_init_ms: u64,
}

impl UsageBucket {
    /// A bucket with only requests and billed ms (no cold starts).
    pub fn new(date: NaiveDate, memory_mb: u32, requests: u64, billed_ms: u64) -> UsageBucket {
        UsageBucket {
            date,
            memory_mb,
            requests,
            billed_ms,
            cold_starts: 0,
            unbilled_init_ms: 0,
            restores: 0,
            billed_restore_ms: 0,
            fixed_billed_ms: 0,
            billed_init_ms: 0,
        }
    }
}

/// Total time spent at exactly `level` concurrent executions during the window. Levels not
/// listed (including 0) take the rest of the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ConcurrencyLevel {
    pub level: u32,
    pub ms: u64,
}

/// Optional exact sums for other providers' billing minimums and rounding, over the same
/// invocations as `basis_billed_ms` (Σ billed_duration_ms over the window). When absent the
/// engine approximates them from counts and sums and says so.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundingSums {
    /// Σ billed_duration_ms of the invocations these sums cover.
    pub basis_billed_ms: u64,
    /// Σ max(billed_duration_ms, 100): Azure Consumption's 100 ms minimum.
    pub ms_at_least_100: u64,
    /// Σ ceil(billed_duration_ms / 100) × 100: Cloud Run's 100 ms rounding.
    pub ms_rounded_up_to_100: u64,
}

impl RoundingSums {
    /// Adds one invocation billed `billed_ms` (saturating: the totals are guarded elsewhere).
    pub fn add(&mut self, billed_ms: u64) {
        self.basis_billed_ms = self.basis_billed_ms.saturating_add(billed_ms);
        self.ms_at_least_100 = self.ms_at_least_100.saturating_add(billed_ms.max(100));
        self.ms_rounded_up_to_100 = self
            .ms_rounded_up_to_100
            .saturating_add(billed_ms.div_ceil(100).saturating_mul(100));
    }
}

/// Observed usage of one function over a window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunctionUsage {
    pub meta: FunctionMeta,
    /// Start of the observed window, UTC epoch ms (inclusive).
    pub window_start_ms: i64,
    /// End of the observed window, UTC epoch ms (exclusive).
    pub window_end_ms: i64,
    pub buckets: Vec<UsageBucket>,
    /// Time-weighted concurrency occupancy over the window.
    pub concurrency: Vec<ConcurrencyLevel>,
    /// Busy time of each execution environment, ms, when every invocation takes the
    /// lowest-numbered free one and keeps it to its end (`[0]` the first): see
    /// [`ConcurrencyProfile::environment_busy_ms`]. Empty when not known.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub environment_busy_ms: Vec<u64>,
    pub rounding: Option<RoundingSums>,
    /// Billed MB-ms of each clock hour with usage (in any order; empty when not known): with
    /// `window_hours`, the shape a Savings Plan's hourly commitment meets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub busy_hours_mb_ms: Vec<u64>,
    /// The start (UTC epoch ms) of each hour of `busy_hours_mb_ms`, in the same order: which
    /// day an hour belongs to (the quietest and busiest days' own shapes). Empty when not known.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub busy_hour_starts_ms: Vec<i64>,
    /// Clock hours the window touches, with and without usage.
    #[serde(default)]
    pub window_hours: u64,
}

/// Calculator-style input: `--requests N --duration-ms X --memory-mb M [--arch] [--region]
/// [--cold-ratio R --init-ms I]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalculatorSpec {
    pub meta: FunctionMeta,
    pub requests_per_month: Decimal,
    /// Duration of one invocation (handler time), before the 1 ms rounding.
    pub duration_ms: Decimal,
    /// Share of invocations that are cold starts (0 to 1).
    pub cold_ratio: Decimal,
    /// INIT duration of a cold start (or, with SnapStart, the billed restore duration).
    pub init_ms: Decimal,
    /// The month being priced, for the INIT rule; `None` = current rules (INIT billed).
    #[serde(
        default,
        serialize_with = "super::serde_date::serialize_opt",
        deserialize_with = "super::serde_date::deserialize_opt"
    )]
    pub billing_date: Option<NaiveDate>,
}

impl CalculatorSpec {
    /// No cold starts, current rules.
    pub fn new(
        meta: FunctionMeta,
        requests_per_month: Decimal,
        duration_ms: Decimal,
    ) -> CalculatorSpec {
        CalculatorSpec {
            meta,
            requests_per_month,
            duration_ms,
            cold_ratio: Decimal::ZERO,
            init_ms: Decimal::ZERO,
            billing_date: None,
        }
    }
}

/// One month (730 h) of a function's usage, normalised. Every field is a monthly total.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct MonthlyUsage {
    pub requests: Decimal,
    /// Σ billed ms, including billed INIT and restore time.
    pub billed_ms: Decimal,
    /// Σ billed ms × memory / 1,024,000 (all memory sizes).
    pub gb_seconds: Decimal,
    /// INIT ms added by the INIT rule (part of `billed_ms`).
    pub init_billed_ms: Decimal,
    /// GB-seconds of that INIT (part of `gb_seconds`).
    pub init_gb_seconds: Decimal,
    pub cold_starts: Decimal,
    pub restores: Decimal,
    /// Σ restores × memory GB (SnapStart restore charge basis).
    pub restore_gb: Decimal,
    /// Σ billed seconds × (ephemeral GB − included 0.5 GB) when above 512 MB.
    pub ephemeral_gb_seconds: Decimal,
    /// Σ max(billed ms, 100) (see [`RoundingSums`]).
    pub ms_at_least_100: Decimal,
    /// Σ ceil(billed ms / 100) × 100.
    pub ms_rounded_up_to_100: Decimal,
    /// Billed ms that do not scale with memory (part of `billed_ms`; see
    /// [`UsageBucket::fixed_billed_ms`]).
    #[serde(skip_serializing_if = "Decimal::is_zero")]
    pub fixed_billed_ms: Decimal,
    /// GB-seconds of the cold starts' INIT (and SnapStart restores), billed inside Duration or
    /// added by the INIT rule (part of `gb_seconds`): invocations served by provisioned
    /// concurrency run none.
    #[serde(skip_serializing_if = "Decimal::is_zero")]
    pub cold_init_gb_seconds: Decimal,
}

impl MonthlyUsage {
    /// Every field multiplied by `factor`.
    pub fn scaled(&self, factor: Decimal) -> MonthlyUsage {
        MonthlyUsage {
            requests: self.requests * factor,
            billed_ms: self.billed_ms * factor,
            gb_seconds: self.gb_seconds * factor,
            init_billed_ms: self.init_billed_ms * factor,
            init_gb_seconds: self.init_gb_seconds * factor,
            cold_starts: self.cold_starts * factor,
            restores: self.restores * factor,
            restore_gb: self.restore_gb * factor,
            ephemeral_gb_seconds: self.ephemeral_gb_seconds * factor,
            ms_at_least_100: self.ms_at_least_100 * factor,
            ms_rounded_up_to_100: self.ms_rounded_up_to_100 * factor,
            fixed_billed_ms: self.fixed_billed_ms * factor,
            cold_init_gb_seconds: self.cold_init_gb_seconds * factor,
        }
    }

    /// Average memory of the billed time in MB (`gb_seconds / billed s × 1024`); `None` when idle.
    pub fn average_memory_mb(&self) -> Option<Decimal> {
        if self.billed_ms.is_zero() {
            None
        } else {
            Some(self.gb_seconds * Decimal::from(1_024_000) / self.billed_ms)
        }
    }
}

/// Concurrency occupancy over a window, with time-weighted percentiles.
///
/// Percentiles are over the **whole window** (idle time counts as level 0): the p-th
/// percentile is the smallest level L such that the time spent at levels ≤ L is at least p %
/// of the window. So a function busy 10 % of the time has p50 = 0.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ConcurrencyProfile {
    /// Levels > 0 with their time, ascending by level, merged.
    pub levels: Vec<ConcurrencyLevel>,
    pub window_ms: u64,
    pub p50: u32,
    pub p95: u32,
    pub p99: u32,
    pub peak: u32,
    /// Time-weighted mean concurrency (busy execution time / window).
    pub mean: Decimal,
    /// Busy time of each execution environment, ms, when every invocation takes the
    /// lowest-numbered free environment and keeps it to its end (`[0]` the first). An
    /// invocation stays where it started (Lambda sends it to a free provisioned environment,
    /// else on demand, and never moves it), and the first N environments of this order carry
    /// exactly the invocations N environments would: so N provisioned environments serve the
    /// sum of the first N. Empty when not known: then Σ min(level, N) of the histogram, which
    /// lets a running invocation move onto an environment that frees up (too little spillover).
    #[serde(skip)]
    pub environment_busy_ms: Vec<u64>,
}

impl ConcurrencyProfile {
    /// Builds the profile. Levels with zero time or level 0 are dropped; repeated levels merge.
    pub fn new(histogram: &[ConcurrencyLevel], window_ms: u64) -> ConcurrencyProfile {
        let mut levels: Vec<ConcurrencyLevel> = histogram
            .iter()
            .copied()
            .filter(|l| l.level > 0 && l.ms > 0)
            .collect();
        levels.sort();
        let mut merged: Vec<ConcurrencyLevel> = Vec::with_capacity(levels.len());
        for l in levels {
            match merged.last_mut() {
                Some(last) if last.level == l.level => last.ms = last.ms.saturating_add(l.ms),
                _ => merged.push(l),
            }
        }
        let mut profile = ConcurrencyProfile {
            levels: merged,
            window_ms,
            ..ConcurrencyProfile::default()
        };
        profile.p50 = profile.percentile(500);
        profile.p95 = profile.percentile(950);
        profile.p99 = profile.percentile(990);
        profile.peak = profile.levels.last().map(|l| l.level).unwrap_or(0);
        profile.mean = match (decimal_from_u128(profile.busy_ms()), window_ms) {
            (Some(busy), w) if w > 0 => busy / Decimal::from(w),
            _ => Decimal::ZERO,
        };
        profile
    }

    /// Time at levels > 0.
    pub fn occupied_ms(&self) -> u128 {
        self.levels.iter().map(|l| u128::from(l.ms)).sum()
    }

    /// Σ level × ms: total execution time.
    pub fn busy_ms(&self) -> u128 {
        self.levels
            .iter()
            .map(|l| u128::from(l.level) * u128::from(l.ms))
            .sum()
    }

    /// The profile with the busy time of each environment (see
    /// [`Self::environment_busy_ms`]); an empty `busy_ms` keeps the histogram's split.
    pub fn with_environments(mut self, busy_ms: Vec<u64>) -> ConcurrencyProfile {
        self.environment_busy_ms = busy_ms;
        self
    }

    /// Execution time served by `n` provisioned environments: the first `n` environments'
    /// busy time, or (not known) Σ min(level, n) × ms.
    pub fn covered_ms(&self, n: u32) -> u128 {
        if !self.environment_busy_ms.is_empty() {
            let n = usize::try_from(n).unwrap_or(usize::MAX);
            return self
                .environment_busy_ms
                .iter()
                .take(n)
                .map(|&ms| u128::from(ms))
                .sum();
        }
        self.levels
            .iter()
            .map(|l| u128::from(l.level.min(n)) * u128::from(l.ms))
            .sum()
    }

    /// Execution time `n` environments do not serve (the spillover).
    pub fn spill_ms(&self, n: u32) -> u128 {
        self.busy_ms().saturating_sub(self.covered_ms(n))
    }

    /// Share of the execution time served by `n` environments (1 when there is no execution).
    pub fn covered_share(&self, n: u32) -> Decimal {
        let busy = self.busy_ms();
        if busy == 0 {
            return Decimal::ONE;
        }
        match (
            decimal_from_u128(self.covered_ms(n)),
            decimal_from_u128(busy),
        ) {
            (Some(c), Some(b)) => c / b,
            _ => Decimal::ONE,
        }
    }

    /// Time-weighted percentile; `per_mille` in 0..=1000 (e.g. 950 for p95).
    pub fn percentile(&self, per_mille: u32) -> u32 {
        let window = u128::from(self.window_ms).max(self.occupied_ms());
        if window == 0 {
            return 0;
        }
        let target = u128::from(per_mille.min(1000)) * window;
        let mut cumulative = window - self.occupied_ms(); // level 0
        if cumulative * 1000 >= target {
            return 0;
        }
        for l in &self.levels {
            cumulative += u128::from(l.ms);
            if cumulative * 1000 >= target {
                return l.level;
            }
        }
        self.levels.last().map(|l| l.level).unwrap_or(0)
    }
}

/// Where a projection came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ProjectionBasis {
    Observed {
        window_ms: u64,
        /// UTC dates fully inside the window.
        full_days: u32,
        /// True when low/high come from per-day variation (≥ 2 full days).
        range_from_days: bool,
    },
    Calculator,
    Supplied,
}

/// One function's usage projected to a month, ready to price.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunctionProjection {
    pub meta: FunctionMeta,
    /// Low / typical / high month (see [`super::projection`] for how the range is built).
    pub usage: Range<MonthlyUsage>,
    pub concurrency: ConcurrencyProfile,
    /// True when the other-provider rounding sums are exact (caller-supplied or calculator).
    pub rounding_exact: bool,
    pub basis: ProjectionBasis,
    /// Modelling notes to show with the result.
    pub notes: Vec<String>,
    /// The usage's shape over the clock hours of the observed window (see
    /// [`FunctionUsage::busy_hours_mb_ms`]) for each month of the range: the low and high
    /// months, projected from the quietest and busiest full days, take those days' own 24
    /// hours. `None` when not known (then assumed even).
    #[serde(skip)]
    pub hourly_shape: Option<super::Range<super::engine::HourlyShape>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_weighted_percentiles_and_coverage() {
        // 100 s window: idle 40 s, level 1 for 30 s, level 2 for 20 s, level 5 for 10 s.
        let h = [
            ConcurrencyLevel {
                level: 2,
                ms: 20_000,
            },
            ConcurrencyLevel {
                level: 1,
                ms: 30_000,
            },
            ConcurrencyLevel {
                level: 5,
                ms: 10_000,
            },
        ];
        let p = ConcurrencyProfile::new(&h, 100_000);
        assert_eq!(p.p50, 1); // 40 % at 0, 70 % at ≤ 1
        assert_eq!(p.p95, 5);
        assert_eq!(p.peak, 5);
        assert_eq!(p.busy_ms(), 30_000 + 40_000 + 50_000);
        // N = 2: covered = 30 + 40 + 20 = 90 s, spill = 30 s.
        assert_eq!(p.covered_ms(2), 90_000);
        assert_eq!(p.spill_ms(2), 30_000);
        assert_eq!(p.covered_ms(2) + p.spill_ms(2), p.busy_ms());
        assert_eq!(p.covered_share(2), Decimal::new(75, 2));
        assert_eq!(p.mean, Decimal::new(12, 1));
        let empty = ConcurrencyProfile::new(&[], 1000);
        assert_eq!((empty.p50, empty.peak), (0, 0));
        assert_eq!(empty.covered_share(3), Decimal::ONE);
        // With each environment's busy time, N environments serve the first N.
        let p = p.with_environments(vec![60_000, 40_000, 10_000, 5_000, 5_000]);
        assert_eq!(p.covered_ms(2), 100_000);
        assert_eq!(p.spill_ms(2), 20_000);
        assert_eq!(p.covered_ms(9), p.busy_ms());
    }
}
