//! Projection of usage to one month of 730 h, with a low / typical / high range.
//!
//! # Observed usage ([`project_observed`])
//! * **Typical** = the whole window scaled: `window total × 730 h / window length` (the mean
//!   rate over the window, partial days included).
//! * **Low / high**: the UTC dates lying entirely inside the window ("full days") are each
//!   scaled to a month (`day total × 730 / 24`); low is the quietest and high the busiest of
//!   them, ranked by their on-demand cost at the function's tier-1 rates (requests, GB-seconds
//!   and ephemeral storage). Full days without any bucket count as zero-usage days. The range
//!   is clamped so that low ≤ typical ≤ high. With fewer than 2 full days the range collapses
//!   to the typical value and a note says so. Account-level sums of the per-function lows
//!   assume every function has its quiet day together (a deliberately wide range).
//! * **INIT**: each bucket's `unbilled_init_ms` is added to billed time when
//!   [`init_is_billed`] holds for the bucket's date — or for
//!   [`ProjectionOptions::billing_date`] when set, so that old logs can be priced under the
//!   rules of the month being projected.
//! * **Ephemeral storage**: `(ephemeral_storage_mb − 512) / 1024 × billed seconds` when above
//!   512 MB.
//! * **Other providers' rounding**: exact sums from [`super::usage::RoundingSums`] when given
//!   (ratio to billed ms applied to each scenario), otherwise approximated from counts.
//!
//! # Calculator ([`project_calculator`])
//! `requests × billed duration` with `billed = ceil(duration)` for warm and
//! `ceil(duration + init)` for cold invocations (`requests × cold_ratio`) when INIT is billed
//! (always from 2025-08-01; a `billing_date` before that keeps INIT free for ZIP packages on
//! managed runtimes; SnapStart restores are always billed). No day-to-day variation: the range
//! collapses. Concurrency: arrivals are assumed Poisson at a steady rate, so the number of
//! busy environments is Poisson with mean `λ = Σ execution time / month` (the M/G/∞ result,
//! whatever the duration distribution); PC options are sized from that distribution.
//!
//! # Supplied ([`project_supplied`])
//! A month already computed elsewhere (e.g. a simulator) plus its concurrency histogram.

use chrono::{Days, NaiveDate, NaiveDateTime};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::Serialize;

use super::engine::init_is_billed;
use super::money::{decimal_from_u128, gb_seconds_from_mb_ms, mb_to_gb, round_up_to};
use super::rates::{LambdaRates, LambdaRules, PriceBook};
use super::usage::{
    CalculatorSpec, ConcurrencyLevel, ConcurrencyProfile, FunctionMeta, FunctionProjection,
    FunctionUsage, MonthlyUsage, ProjectionBasis, SnapStart,
};
use super::{CostError, Range, MS_PER_MONTH};

const MS_PER_DAY: i64 = 86_400_000;

/// Upper bounds that keep every later multiplication far inside Decimal's range (and the
/// 1e-12 allocation precision exact): 1e15 requests or GB-seconds.
const MAX_REQUESTS: u128 = 1_000_000_000_000_000; // per window
const MAX_MB_MS: u128 = 1_000_000_000_000_000_000_000; // 1e21 MB·ms ≈ 1e15 GB-s per window
fn max_monthly() -> Decimal {
    Decimal::from(1_000_000_000_000_000u64)
}

/// How the note on INIT left out under the rule of the logs' dates begins (other views, such
/// as `faascope tune`, repeat it).
pub const INIT_LEFT_OUT_NOTE: &str = "INIT of ";

/// Options of [`project_observed`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct ProjectionOptions {
    /// Apply the INIT rule as of this date to every bucket (e.g. the month being projected);
    /// `None`: each bucket's own date (reproduces what AWS billed).
    #[serde(serialize_with = "super::serde_date::serialize_opt")]
    pub billing_date: Option<NaiveDate>,
}

/// Integer sums of one day (or the window).
#[derive(Debug, Clone, Copy, Default)]
struct Sums {
    requests: u128,
    billed_ms: u128,
    mb_ms: u128,
    init_ms: u128,
    init_mb_ms: u128,
    /// INIT inside Billed Duration × MB.
    billed_init_mb_ms: u128,
    cold: u128,
    restores: u128,
    restore_mb: u128,
    fixed_ms: u128,
}

impl Sums {
    fn add(&mut self, o: &Sums) {
        self.requests += o.requests;
        self.billed_ms += o.billed_ms;
        self.mb_ms += o.mb_ms;
        self.init_ms += o.init_ms;
        self.init_mb_ms += o.init_mb_ms;
        self.billed_init_mb_ms += o.billed_init_mb_ms;
        self.cold += o.cold;
        self.restores += o.restores;
        self.restore_mb += o.restore_mb;
        self.fixed_ms += o.fixed_ms;
    }
}

/// Rounding ratios to billed ms.
#[derive(Debug, Clone, Copy)]
struct Rounding {
    at_least_100: Decimal,
    up_to_100: Decimal,
}

fn bad(meta: &FunctionMeta, problem: impl Into<String>, fix: impl Into<String>) -> CostError {
    CostError::InvalidInput {
        function: meta.name.clone(),
        problem: problem.into(),
        fix: fix.into(),
    }
}

fn validate_meta(meta: &FunctionMeta, rules: &LambdaRules) -> Result<(), CostError> {
    if meta.name.trim().is_empty() {
        return Err(bad(
            meta,
            "the function name is empty",
            "give every function a name",
        ));
    }
    if meta.memory_mb == 0 || Decimal::from(meta.memory_mb) > rules.memory_max_mb {
        // Observed logs may show sizes below Lambda's minimum (emulators), so only 0 and the
        // maximum bound every input; a spec is held to the minimum too (`project_calculator`).
        return Err(bad(
            meta,
            format!(
                "memory_mb = {} is outside 1..={}",
                meta.memory_mb,
                rules.memory_max_mb.normalize()
            ),
            "pass the configured memory in MB",
        ));
    }
    if meta.ephemeral_storage_mb > 10_240 {
        return Err(bad(
            meta,
            format!(
                "ephemeral_storage_mb = {} is above 10,240",
                meta.ephemeral_storage_mb
            ),
            "pass the configured /tmp size in MB (512 by default)",
        ));
    }
    Ok(())
}

/// Converts integer sums to a month's usage, scaling by `num / den` (multiplying first, so each
/// field is one correctly rounded division).
fn to_monthly(
    s: &Sums,
    meta: &FunctionMeta,
    rules: &LambdaRules,
    rounding: &Rounding,
    num: Decimal,
    den: Decimal,
) -> Option<MonthlyUsage> {
    let scale = |v: Decimal| v.checked_mul(num).and_then(|x| x.checked_div(den));
    let billed_ms = scale(decimal_from_u128(s.billed_ms)?)?;
    let gb_seconds = scale(gb_seconds_from_mb_ms(s.mb_ms)?)?;
    let extra_eph_mb =
        (Decimal::from(meta.ephemeral_storage_mb) - rules.ephemeral_included_mb).max(Decimal::ZERO);
    Some(MonthlyUsage {
        requests: scale(decimal_from_u128(s.requests)?)?,
        billed_ms,
        gb_seconds,
        init_billed_ms: scale(decimal_from_u128(s.init_ms)?)?,
        init_gb_seconds: scale(gb_seconds_from_mb_ms(s.init_mb_ms)?)?,
        cold_starts: scale(decimal_from_u128(s.cold)?)?,
        restores: scale(decimal_from_u128(s.restores)?)?,
        restore_gb: scale(mb_to_gb(decimal_from_u128(s.restore_mb)?))?,
        ephemeral_gb_seconds: mb_to_gb(extra_eph_mb) * billed_ms / Decimal::from(1000),
        ms_at_least_100: billed_ms * rounding.at_least_100,
        ms_rounded_up_to_100: billed_ms * rounding.up_to_100,
        fixed_billed_ms: scale(decimal_from_u128(s.fixed_ms)?)?,
        cold_init_gb_seconds: scale(gb_seconds_from_mb_ms(s.init_mb_ms + s.billed_init_mb_ms)?)?,
    })
}

/// Weights of the on-demand tier-1 cost proxy used only to *rank* days (which day is the
/// quietest / busiest). Floats are fine here: no amount is computed from them; the chosen
/// days are then converted exactly.
struct ProxyWeights {
    per_request: f64,
    per_mb_ms: f64,
    per_billed_ms: f64,
}

impl ProxyWeights {
    fn new(rates: Option<&LambdaRates>, meta: &FunctionMeta, rules: &LambdaRules) -> ProxyWeights {
        let f = |d: Decimal| d.to_f64().unwrap_or(0.0);
        match rates {
            Some(r) => {
                let extra_eph_gb = f(mb_to_gb(
                    (Decimal::from(meta.ephemeral_storage_mb) - rules.ephemeral_included_mb)
                        .max(Decimal::ZERO),
                ));
                ProxyWeights {
                    per_request: f(r.request_usd),
                    per_mb_ms: f(r.tier1_usd_per_gb_second()) / 1_024_000.0,
                    per_billed_ms: extra_eph_gb * f(r.ephemeral_usd_per_gb_second) / 1000.0,
                }
            }
            None => ProxyWeights {
                per_request: 1e-5,
                per_mb_ms: 1.0 / 1_024_000.0,
                per_billed_ms: 0.0,
            },
        }
    }

    /// Proxy cost of `s` scaled by `factor`.
    fn of(&self, s: &Sums, factor: f64) -> f64 {
        (s.requests as f64 * self.per_request
            + s.mb_ms as f64 * self.per_mb_ms
            + s.billed_ms as f64 * self.per_billed_ms)
            * factor
    }
}

fn utc_date(ms: i64) -> Option<NaiveDate> {
    let days = ms.div_euclid(MS_PER_DAY);
    NaiveDate::from_ymd_opt(1970, 1, 1)?.checked_add_days(Days::new(u64::try_from(days).ok()?))
}

fn day_start_ms(date: NaiveDate) -> Option<i64> {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1)?;
    let dt: NaiveDateTime = date.and_hms_opt(0, 0, 0)?;
    Some((dt.date() - epoch).num_days() * MS_PER_DAY)
}

/// Projects observed usage to a month (see the module docs).
pub fn project_observed(
    usage: &FunctionUsage,
    book: &PriceBook,
    options: &ProjectionOptions,
) -> Result<FunctionProjection, CostError> {
    let meta = &usage.meta;
    let rules = book.lambda_rules()?;
    validate_meta(meta, rules)?;
    if usage.window_end_ms <= usage.window_start_ms || usage.window_start_ms < 0 {
        return Err(bad(
            meta,
            format!(
                "the window [{}, {}) ms is empty or before 1970",
                usage.window_start_ms, usage.window_end_ms
            ),
            "pass window_start_ms < window_end_ms as UTC epoch milliseconds",
        ));
    }
    let window_ms = u64::try_from(usage.window_end_ms - usage.window_start_ms).unwrap_or(u64::MAX);
    let rates = book.lambda(&meta.region, meta.arch).ok();
    let mut notes = Vec::new();

    // Sum buckets per date, applying the INIT rule.
    // Dates in first-seen order; buckets usually arrive sorted, so the last date is checked first.
    let mut days: Vec<(NaiveDate, Sums)> = Vec::new();
    let mut total = Sums::default();
    let mut any_init_added = false;
    // INIT the logs show unbilled and the date rule leaves out (logs before the rule's date):
    // cold starts, ms and MB-ms.
    let (mut init_left_cold, mut init_left_ms, mut init_left_mb_ms) = (0u64, 0u128, 0u128);
    for b in &usage.buckets {
        if b.memory_mb == 0 {
            return Err(bad(
                meta,
                format!("a bucket on {} has memory_mb = 0", b.date),
                "pass the configured memory of those invocations",
            ));
        }
        let mb = u128::from(b.memory_mb);
        let rule_date = options.billing_date.unwrap_or(b.date);
        let init_ms = if init_is_billed(rule_date, meta.package, false, rules.init_billed_from) {
            u128::from(b.unbilled_init_ms)
        } else {
            if b.unbilled_init_ms > 0 {
                init_left_cold += b.cold_starts;
                init_left_ms += u128::from(b.unbilled_init_ms);
                init_left_mb_ms += u128::from(b.unbilled_init_ms) * mb;
            }
            0
        };
        any_init_added |= init_ms > 0;
        let billed = u128::from(b.billed_ms) + init_ms;
        let s = Sums {
            requests: u128::from(b.requests),
            billed_ms: billed,
            mb_ms: billed * mb,
            init_ms,
            init_mb_ms: init_ms * mb,
            billed_init_mb_ms: u128::from(b.billed_init_ms) * mb,
            cold: u128::from(b.cold_starts),
            restores: u128::from(b.restores),
            restore_mb: u128::from(b.restores) * mb,
            fixed_ms: u128::from(b.fixed_billed_ms),
        };
        match days.last_mut() {
            Some((d, sums)) if *d == b.date => sums.add(&s),
            _ => match days.iter_mut().find(|(d, _)| *d == b.date) {
                Some((_, sums)) => sums.add(&s),
                None => days.push((b.date, s)),
            },
        }
        total.add(&s);
    }
    if total.requests > MAX_REQUESTS || total.mb_ms > MAX_MB_MS {
        return Err(CostError::Overflow {
            function: meta.name.clone(),
            what: "the observed totals".into(),
        });
    }
    if any_init_added {
        notes.push(format!(
            "INIT time not billed in the logs was added under the rule effective {} (managed-runtime ZIP functions)",
            rules.init_billed_from
        ));
    }

    // Rounding ratios.
    let (rounding, rounding_exact) = match usage.rounding {
        Some(r) if r.basis_billed_ms > 0 => {
            let basis = Decimal::from(r.basis_billed_ms);
            (
                Rounding {
                    at_least_100: Decimal::from(r.ms_at_least_100) / basis,
                    up_to_100: Decimal::from(r.ms_rounded_up_to_100) / basis,
                },
                true,
            )
        }
        _ => {
            let billed = decimal_from_u128(total.billed_ms).unwrap_or(Decimal::ZERO);
            let n = decimal_from_u128(total.requests).unwrap_or(Decimal::ZERO);
            if billed.is_zero() {
                (
                    Rounding {
                        at_least_100: Decimal::ONE,
                        up_to_100: Decimal::ONE,
                    },
                    false,
                )
            } else {
                (
                    Rounding {
                        at_least_100: billed.max(n * Decimal::from(100)) / billed,
                        up_to_100: (billed + n * Decimal::from(50)) / billed,
                    },
                    false,
                )
            }
        }
    };

    let overflow = || CostError::Overflow {
        function: meta.name.clone(),
        what: "the monthly projection".into(),
    };
    let typical = to_monthly(
        &total,
        meta,
        rules,
        &rounding,
        Decimal::from(MS_PER_MONTH),
        Decimal::from(window_ms),
    )
    .ok_or_else(overflow)?;
    if typical.requests > max_monthly() || typical.gb_seconds > max_monthly() {
        return Err(overflow());
    }
    if init_left_ms > 0 {
        // The month at the current prices, but under the INIT rule of the logs' dates: say so,
        // with what the current rule would add.
        let monthly_gbs = gb_seconds_from_mb_ms(init_left_mb_ms).unwrap_or_default()
            * Decimal::from(MS_PER_MONTH)
            / Decimal::from(window_ms.max(1));
        notes.push(format!(
            "{INIT_LEFT_OUT_NOTE}{init_left_cold} cold start(s) ({init_left_ms} ms) logged before {} was not billed then and is left out, as AWS billed it; the rule effective {} bills it (about +{} GB-s a month at the current prices, which this projection uses)",
            rules.init_billed_from,
            rules.init_billed_from,
            monthly_gbs.round_dp(1).normalize()
        ));
    }

    // Full UTC days inside the window, each ranked by its proxy cost per month.
    let weights = ProxyWeights::new(rates, meta, rules);
    let day_factor = f64::from(super::HOURS_PER_MONTH) / 24.0;
    // Each with its start (UTC ms).
    let mut full_days: Vec<(i64, Sums)> = Vec::new();
    if let (Some(first), Some(last)) = (
        utc_date(usage.window_start_ms),
        utc_date(usage.window_end_ms - 1),
    ) {
        let mut date = first;
        while date <= last {
            if let Some(start) = day_start_ms(date) {
                if start >= usage.window_start_ms && start + MS_PER_DAY <= usage.window_end_ms {
                    let sums = days
                        .iter()
                        .find(|(d, _)| *d == date)
                        .map(|(_, s)| *s)
                        .unwrap_or_default();
                    full_days.push((start, sums));
                }
            }
            match date.succ_opt() {
                Some(next) => date = next,
                None => break,
            }
        }
        let outside = days.iter().filter(|(d, _)| *d < first || *d > last).count();
        if outside > 0 {
            notes.push(format!("{outside} bucket date(s) fall outside the window; their usage is counted in the typical month"));
        }
    }
    let full_count = u32::try_from(full_days.len()).unwrap_or(u32::MAX);
    // The quietest and busiest full days the low and high months come from (`None`: the
    // typical month's).
    let mut range_days: (Option<i64>, Option<i64>) = (None, None);
    let (range, from_days) = if full_days.len() >= 2 {
        let typical_proxy = weights.of(&total, MS_PER_MONTH as f64 / window_ms as f64);
        let (mut low_i, mut high_i) = (0usize, 0usize);
        let proxies: Vec<f64> = full_days
            .iter()
            .map(|(_, s)| weights.of(s, day_factor))
            .collect();
        for (i, p) in proxies.iter().enumerate() {
            if *p < proxies[low_i] {
                low_i = i;
            }
            if *p > proxies[high_i] {
                high_i = i;
            }
        }
        let (day_num, day_den) = (Decimal::from(super::HOURS_PER_MONTH), Decimal::from(24));
        let convert =
            |s: &Sums| to_monthly(s, meta, rules, &rounding, day_num, day_den).ok_or_else(overflow);
        let low = if proxies[low_i] > typical_proxy {
            typical.clone()
        } else {
            range_days.0 = Some(full_days[low_i].0);
            convert(&full_days[low_i].1)?
        };
        let high = if proxies[high_i] < typical_proxy {
            typical.clone()
        } else {
            range_days.1 = Some(full_days[high_i].0);
            convert(&full_days[high_i].1)?
        };
        (Range { low, typical, high }, true)
    } else {
        notes.push(format!(
            "fewer than 2 full UTC days observed ({full_count}): no day-to-day range, low = typical = high"
        ));
        (Range::collapsed(typical), false)
    };
    if !rounding_exact {
        notes.push("other providers' per-request minimums and rounding are approximated from totals (no exact sums supplied)".to_string());
    }

    Ok(FunctionProjection {
        meta: meta.clone(),
        usage: range,
        concurrency: ConcurrencyProfile::new(&usage.concurrency, window_ms)
            .with_environments(usage.environment_busy_ms.clone()),
        rounding_exact,
        basis: ProjectionBasis::Observed {
            window_ms,
            full_days: full_count,
            range_from_days: from_days,
        },
        notes,
        hourly_shape: hourly_shapes(usage, range_days),
    })
}

/// The hour-by-hour shapes of the low, typical and high months (see
/// [`FunctionProjection::hourly_shape`]): the window's for the typical month, and for a low or
/// high month projected from one day, that day's own 24 hours. A Savings Plan's commitment
/// meets a quiet month hour by hour as the quiet day was, not as the whole window was.
fn hourly_shapes(
    usage: &FunctionUsage,
    (low_day, high_day): (Option<i64>, Option<i64>),
) -> Option<Range<super::engine::HourlyShape>> {
    use super::engine::HourlyShape;
    if usage.busy_hours_mb_ms.is_empty() {
        return None;
    }
    let window = HourlyShape::sparse(
        usage.busy_hours_mb_ms.clone(),
        usize::try_from(usage.window_hours).unwrap_or(usize::MAX),
    );
    let known = usage.busy_hour_starts_ms.len() == usage.busy_hours_mb_ms.len();
    let of_day = |day: Option<i64>| match day {
        Some(start) if known => HourlyShape::sparse(
            usage
                .busy_hour_starts_ms
                .iter()
                .zip(&usage.busy_hours_mb_ms)
                .filter(|(h, _)| (start..start + MS_PER_DAY).contains(*h))
                .map(|(_, w)| *w)
                .collect(),
            24,
        ),
        _ => window.clone(),
    };
    Some(Range {
        low: of_day(low_day),
        high: of_day(high_day),
        typical: window,
    })
}

/// Projects a calculator spec (see the module docs).
pub fn project_calculator(
    spec: &CalculatorSpec,
    book: &PriceBook,
) -> Result<FunctionProjection, CostError> {
    let meta = &spec.meta;
    let rules = book.lambda_rules()?;
    // A spec is a configuration Lambda must accept (observed logs are priced as they come):
    // one message for either side of the range.
    let memory_mb = Decimal::from(meta.memory_mb);
    if memory_mb < rules.memory_min_mb || memory_mb > rules.memory_max_mb {
        return Err(bad(
            meta,
            format!(
                "memory_mb = {} is outside Lambda's range of {} to {} MB",
                meta.memory_mb,
                rules.memory_min_mb.normalize(),
                rules.memory_max_mb.normalize()
            ),
            "pass a memory size Lambda accepts",
        ));
    }
    validate_meta(meta, rules)?;
    if spec.requests_per_month.is_sign_negative() || spec.requests_per_month > max_monthly() {
        return Err(bad(
            meta,
            format!("requests = {} is outside 0..=1e15", spec.requests_per_month),
            "pass requests per month between 0 and 1e15",
        ));
    }
    if spec.duration_ms.is_sign_negative() || spec.duration_ms > Decimal::from(900_000) {
        return Err(bad(
            meta,
            format!("duration_ms = {} is outside 0..=900000", spec.duration_ms),
            "pass the duration of one invocation in ms (Lambda's limit is 900,000)",
        ));
    }
    if spec.cold_ratio.is_sign_negative() || spec.cold_ratio > Decimal::ONE {
        return Err(bad(
            meta,
            format!("cold_ratio = {} is outside 0..=1", spec.cold_ratio),
            "pass a share such as 0.01 for 1 %",
        ));
    }
    if spec.init_ms.is_sign_negative() || spec.init_ms > Decimal::from(900_000) {
        return Err(bad(
            meta,
            format!("init_ms = {} is outside 0..=900000", spec.init_ms),
            "pass the INIT duration of a cold start in ms (at most the 900,000 ms timeout)",
        ));
    }
    let granularity = rules.billing_granularity_ms;
    let snapstart = !matches!(meta.snapstart, SnapStart::Off);
    let init_billed = snapstart
        || match spec.billing_date {
            Some(date) => init_is_billed(date, meta.package, false, rules.init_billed_from),
            None => true,
        };
    let n = spec.requests_per_month;
    let cold = n * spec.cold_ratio;
    let warm = n - cold;
    let billed_warm = round_up_to(spec.duration_ms, granularity);
    let billed_cold = if init_billed {
        round_up_to(spec.duration_ms + spec.init_ms, granularity)
    } else {
        billed_warm
    };
    let billed_ms = warm * billed_warm + cold * billed_cold;
    let gb = mb_to_gb(Decimal::from(meta.memory_mb));
    let init_billed_ms = cold * (billed_cold - billed_warm);
    let extra_eph_mb =
        (Decimal::from(meta.ephemeral_storage_mb) - rules.ephemeral_included_mb).max(Decimal::ZERO);
    let at_least = |m: Decimal| warm * billed_warm.max(m) + cold * billed_cold.max(m);
    let hundred = Decimal::from(100);
    let usage = MonthlyUsage {
        requests: n,
        billed_ms,
        gb_seconds: billed_ms * gb / Decimal::from(1000),
        init_billed_ms,
        init_gb_seconds: init_billed_ms * gb / Decimal::from(1000),
        cold_starts: cold,
        restores: if snapstart { cold } else { Decimal::ZERO },
        restore_gb: if snapstart { cold * gb } else { Decimal::ZERO },
        ephemeral_gb_seconds: mb_to_gb(extra_eph_mb) * billed_ms / Decimal::from(1000),
        ms_at_least_100: at_least(hundred),
        ms_rounded_up_to_100: warm * round_up_to(billed_warm, hundred)
            + cold * round_up_to(billed_cold, hundred),
        fixed_billed_ms: Decimal::ZERO,
        // The calculator's INIT is billed (current rules), inside the cold starts' duration.
        cold_init_gb_seconds: init_billed_ms * gb / Decimal::from(1000),
    };
    if usage.gb_seconds > max_monthly() {
        // Each input within its own range can still make a month past the limit: name it
        // (the overflow message blamed price files the user had not given).
        return Err(CostError::InvalidInput {
            function: meta.name.clone(),
            problem: format!(
                "{} GB-s a month (requests × duration × memory) is past the 1e15 GB-s faascope prices",
                usage.gb_seconds.round_dp(0)
            ),
            fix: "lower --requests, --duration-ms or --memory-mb".into(),
        });
    }
    let busy_ms = warm * spec.duration_ms + cold * (spec.duration_ms + spec.init_ms);
    let lambda = (busy_ms / Decimal::from(MS_PER_MONTH))
        .to_f64()
        .unwrap_or(0.0);
    let histogram = poisson_histogram(lambda, MS_PER_MONTH);
    let mut notes = vec![
        "calculator spec: no day-to-day variation, low = typical = high".to_string(),
        format!(
            "concurrency assumed Poisson (steady Poisson arrivals), mean {:.3}",
            lambda
        ),
    ];
    if spec.cold_ratio > Decimal::ZERO && !init_billed {
        notes.push(format!(
            "INIT not billed: billing date before {} for a ZIP package on a managed runtime",
            rules.init_billed_from
        ));
    }
    Ok(FunctionProjection {
        meta: meta.clone(),
        usage: Range::collapsed(usage),
        concurrency: ConcurrencyProfile::new(&histogram, MS_PER_MONTH)
            .with_environments(erlang_environment_busy(lambda, MS_PER_MONTH, &histogram)),
        rounding_exact: true,
        basis: ProjectionBasis::Calculator,
        notes,
        hourly_shape: None,
    })
}

/// Wraps a month computed elsewhere (e.g. a simulator) with its concurrency histogram over
/// `window_ms`.
pub fn project_supplied(
    meta: FunctionMeta,
    usage: Range<MonthlyUsage>,
    concurrency: &[ConcurrencyLevel],
    window_ms: u64,
    notes: Vec<String>,
) -> FunctionProjection {
    FunctionProjection {
        meta,
        usage,
        concurrency: ConcurrencyProfile::new(concurrency, window_ms),
        rounding_exact: false,
        basis: ProjectionBasis::Supplied,
        notes,
        hourly_shape: None,
    }
}

/// Busy time of each environment (see `ConcurrencyProfile::environment_busy_ms`) for Poisson
/// arrivals of offered load `lambda` (mean concurrency) over `window_ms` (`histogram`'s): N
/// environments that keep each invocation to its end carry λ·(1 − B(N, λ)) of it, B being the
/// Erlang loss formula (B(0) = 1, B(n) = λB(n−1) / (n + λB(n−1))). The first N add up to that;
/// the last takes what rounding leaves, so that all of them add up to the histogram's busy
/// time. Written here: a few lines of a textbook recurrence.
pub fn erlang_environment_busy(
    lambda: f64,
    window_ms: u64,
    histogram: &[ConcurrencyLevel],
) -> Vec<u64> {
    let busy: u128 = histogram
        .iter()
        .map(|l| u128::from(l.level) * u128::from(l.ms))
        .sum();
    let levels = histogram.iter().map(|l| l.level).max().unwrap_or(0);
    if !(lambda.is_finite() && lambda > 0.0) || levels == 0 {
        return Vec::new();
    }
    let window = window_ms as f64;
    let mut out = Vec::with_capacity(levels as usize);
    let (mut b, mut carried_before) = (1.0f64, 0u128);
    for n in 1..=levels {
        b = lambda * b / (f64::from(n) + lambda * b);
        let carried = if n == levels {
            busy
        } else {
            ((lambda * (1.0 - b) * window).round() as u128).min(busy)
        };
        let own = carried.saturating_sub(carried_before);
        out.push(u64::try_from(own).unwrap_or(u64::MAX));
        carried_before = carried_before.max(carried);
    }
    out
}

/// Poisson(λ) occupancy over `window_ms` as a histogram (levels ≥ 1). Computed from the mode
/// outwards with the recurrence p(k+1) = p(k)·λ/(k+1), cut where terms fall below 1e-13 of
/// the mode, then normalised. Probabilities are floats; only times (integer ms) leave here.
pub fn poisson_histogram(lambda: f64, window_ms: u64) -> Vec<ConcurrencyLevel> {
    if !(lambda.is_finite() && lambda > 0.0) {
        return Vec::new();
    }
    let mode = lambda.floor();
    let mut terms: Vec<(f64, f64)> = vec![(mode, 1.0)];
    let mut p = 1.0;
    let mut k = mode;
    while p > 1e-13 && k < mode + 1e7 {
        p *= lambda / (k + 1.0);
        k += 1.0;
        terms.push((k, p));
    }
    p = 1.0;
    k = mode;
    while k > 0.0 && p > 1e-13 {
        p *= k / lambda;
        k -= 1.0;
        terms.push((k, p));
    }
    let sum: f64 = terms.iter().map(|t| t.1).sum();
    let mut out: Vec<ConcurrencyLevel> = terms
        .into_iter()
        .filter(|(level, _)| *level >= 1.0)
        .filter_map(|(level, w)| {
            let ms = (w / sum * window_ms as f64).round();
            if ms >= 1.0 && level <= f64::from(u32::MAX) {
                Some(ConcurrencyLevel {
                    level: level as u32,
                    ms: ms as u64,
                })
            } else {
                None
            }
        })
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poisson_histogram_has_the_right_mean() {
        let h = poisson_histogram(2.5, 1_000_000_000);
        let busy: u128 = h
            .iter()
            .map(|l| u128::from(l.level) * u128::from(l.ms))
            .sum();
        let mean = busy as f64 / 1e9;
        assert!((mean - 2.5).abs() < 1e-6, "{mean}");
        assert!(poisson_histogram(0.0, 1000).is_empty());
        let big = poisson_histogram(10_000.0, MS_PER_MONTH);
        let p = ConcurrencyProfile::new(&big, MS_PER_MONTH);
        assert!((9_990..=10_010).contains(&p.p50), "{}", p.p50);
        assert!(p.p99 > p.p95 && p.peak > p.p99);
    }

    #[test]
    fn utc_dates() {
        assert_eq!(utc_date(0), NaiveDate::from_ymd_opt(1970, 1, 1));
        assert_eq!(
            utc_date(1_756_684_800_000),
            NaiveDate::from_ymd_opt(2025, 9, 1)
        );
        assert_eq!(
            day_start_ms(NaiveDate::from_ymd_opt(2025, 9, 1).expect("date")),
            Some(1_756_684_800_000)
        );
    }
}
