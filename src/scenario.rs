//! Simulator scenarios for one function, built from observed invocations (a replay) or from an
//! explicit traffic description. Shared by `faascope simulate --from` and `faascope ci`.

use faascope_sim::{
    ArrivalConfig, ColdConfig, DistConfig, KeepAliveConfig, ReplayEvent, Scenario, SimOutput,
};
use rust_decimal::prelude::FromPrimitive;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::cost::usage::MonthlyUsage;
use crate::cost::{
    lambda_on_demand_account, projection::project_supplied, AccountOptions, Arch, FunctionMeta,
    PriceBook, Range, MS_PER_MONTH,
};

use crate::model::ReportColumns;

/// One observed invocation: start (UTC ms), duration ms, INIT ms of a cold start, memory MB.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ObservedRow {
    pub start_ms: i64,
    pub duration_ms: f64,
    /// The time a cold start spent before the handler: INIT, or a SnapStart restore (the cold
    /// path of a SnapStart function; the simulator's cold model adds it the same way).
    pub init_ms: Option<f64>,
    pub memory_mb: u32,
}

/// The timed invocations of function `id` in `cols`, by start time.
pub fn observed_rows(cols: &ReportColumns, id: usize) -> Vec<ObservedRow> {
    let mut rows: Vec<ObservedRow> = (0..cols.len())
        .filter(|&r| cols.function_id(r) as usize == id)
        .filter_map(|r| {
            Some(ObservedRow {
                start_ms: cols.start_ms(r)?,
                duration_ms: cols.duration_ms(r),
                init_ms: cols
                    .init_duration_ms(r)
                    .or_else(|| cols.restore_duration_ms(r)),
                memory_mb: cols.memory_size_mb(r),
            })
        })
        .collect();
    rows.sort_by_key(|r| r.start_ms);
    rows
}

/// How a replay draws its arrivals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ReplayArrivals {
    /// The observed arrival times (thinned or superposed by the scale).
    Replay { traffic_scale: f64 },
    /// Poisson arrivals at the observed mean rate times the scale.
    Poisson { traffic_scale: f64 },
}

/// A one-function scenario with the simulator's defaults for everything not set (parsed from a
/// minimal file, so the defaults are the crate's own); the caller fills in the workload.
pub fn default_scenario(name: &str, memory_mb: u32) -> Result<Scenario, String> {
    toml::from_str(&format!(
        "duration_s = 1\n[[functions]]\nname = {name:?}\nmemory_mb = {memory_mb}\narrivals = {{ kind = \"poisson\", rate_per_s = 1.0 }}\nwarm = {{ dist = \"constant\", value_ms = 1.0 }}\ncold = {{ model = \"init_added\", init = {{ dist = \"constant\", value_ms = 0.0 }} }}\n"
    ))
    .map_err(|e| format!("building a scenario for {name}: {e}"))
}

/// A replay of `rows` (at least two, sorted by start) at `memory_mb`, every duration multiplied
/// by `duration_factor` (the memory model's; INIT is not scaled). Notes describe the choices.
pub fn replay_scenario(
    name: &str,
    rows: &[ObservedRow],
    memory_mb: u32,
    keep_alive_s: f64,
    duration_factor: f64,
    arrivals: ReplayArrivals,
    notes: &mut Vec<String>,
) -> Result<Scenario, String> {
    if rows.len() < 2 {
        return Err(format!(
            "function '{name}' has {} timed invocation(s); a replay needs at least 2",
            rows.len()
        ));
    }
    let t0 = rows[0].start_ms;
    let span_ms = (rows[rows.len() - 1].start_ms - t0).max(1);
    let us = |ms: f64| (ms.max(0.0) * 1000.0).round() as u64;
    let k = if duration_factor.is_finite() && duration_factor > 0.0 {
        duration_factor
    } else {
        1.0
    };
    let warm: Vec<f64> = rows
        .iter()
        .filter(|r| r.init_ms.is_none())
        .map(|r| r.duration_ms * k)
        .collect();
    let inits: Vec<f64> = rows.iter().filter_map(|r| r.init_ms).collect();
    let arrival_config = match arrivals {
        ReplayArrivals::Replay { traffic_scale } => ArrivalConfig::Replay {
            events: rows
                .iter()
                .map(|r| ReplayEvent {
                    offset_us: us((r.start_ms - t0) as f64),
                    duration_us: Some(us(r.duration_ms * k)),
                    init_us: r.init_ms.map(us),
                })
                .collect(),
            traffic_scale,
            jitter_s: 1.0,
        },
        ReplayArrivals::Poisson { traffic_scale } => ArrivalConfig::Poisson {
            rate_per_s: rows.len() as f64 / (span_ms as f64 / 1000.0) * traffic_scale,
        },
    };
    let warm_samples = if warm.is_empty() {
        rows.iter().map(|r| r.duration_ms * k).collect()
    } else {
        warm
    };
    let init = if inits.is_empty() {
        notes.push(format!(
            "no cold start of '{name}' was observed: simulated cold starts get an init time of 0 ms"
        ));
        DistConfig::Constant { value_ms: 0.0 }
    } else {
        DistConfig::Empirical { samples_ms: inits }
    };
    let mut s = default_scenario(name, memory_mb)?;
    s.duration_s = span_ms as f64 / 1000.0 + 1.0;
    if let Some(f) = s.functions.first_mut() {
        f.arrivals = arrival_config;
        f.warm = DistConfig::Empirical {
            samples_ms: warm_samples,
        };
        f.cold = ColdConfig::InitAdded { init };
        f.keep_alive = KeepAliveConfig::Fixed {
            idle_timeout_s: keep_alive_s,
        };
    }
    Ok(s)
}

/// Arrivals simulated for an explicit traffic description: enough to estimate a p99 (about
/// 200,000), within 1 hour and 30 days of simulated time.
pub const EXPLICIT_TARGET_ARRIVALS: f64 = 200_000.0;

/// Poisson arrivals at `requests_per_month` (730 h), warm durations log-normal with the given
/// mean and p99 (exponential when only the mean is known), cold starts adding `init_ms`.
pub fn explicit_scenario(
    name: &str,
    memory_mb: u32,
    requests_per_month: f64,
    mean_ms: f64,
    p99_ms: Option<f64>,
    init_ms: f64,
    keep_alive_s: f64,
) -> Result<Scenario, String> {
    let rate_per_s = requests_per_month / (730.0 * 3600.0);
    if !(rate_per_s.is_finite() && rate_per_s > 0.0) {
        return Err(format!("function '{name}': no traffic to simulate"));
    }
    let duration_s = (EXPLICIT_TARGET_ARRIVALS / rate_per_s).clamp(3_600.0, 30.0 * 86_400.0);
    let mut s = default_scenario(name, memory_mb)?;
    s.duration_s = duration_s;
    s.warmup_s = keep_alive_s.min(3_600.0);
    s.resolution = faascope_sim::Resolution::None;
    if let Some(f) = s.functions.first_mut() {
        f.arrivals = ArrivalConfig::Poisson { rate_per_s };
        f.warm = match p99_ms {
            Some(p99) => DistConfig::Lognormal {
                mean_ms,
                p99_ms: p99,
            },
            None => DistConfig::Exponential { mean_ms },
        };
        f.cold = ColdConfig::InitAdded {
            init: DistConfig::Constant { value_ms: init_ms },
        };
        f.keep_alive = KeepAliveConfig::Fixed {
            idle_timeout_s: keep_alive_s,
        };
    }
    Ok(s)
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PricedFunction {
    pub function: String,
    pub memory_mb: u32,
    pub requests_per_month: f64,
    pub gb_seconds_per_month: f64,
    /// Requests, and the execution and INIT time not served by provisioned concurrency, at
    /// on-demand rates (the account's volume tiers).
    pub on_demand_usd_per_month: f64,
    /// Provisioned concurrency: the allocated GB-seconds at the PC rate plus the execution
    /// served by it at the PC duration rate (0 without PC).
    pub provisioned_usd_per_month: f64,
    pub total_usd_per_month: f64,
}

/// The simulated usage of each function scaled to a month of 730 h, priced: on demand (account volume tiers) for
/// requests and the time not served by provisioned concurrency, and the PC rates for the
/// provisioned allocation and the execution it served.
pub fn price_simulation(
    out: &SimOutput,
    book: &PriceBook,
    place: &dyn Fn(&str) -> (String, Arch),
) -> Result<Vec<PricedFunction>, String> {
    let measured_ms = (out.measured_s * 1000.0).max(1.0);
    let factor = Decimal::from_f64(MS_PER_MONTH as f64 / measured_ms).unwrap_or(Decimal::ZERO);
    let dec = |x: f64| Decimal::from_f64(x).unwrap_or(Decimal::ZERO);
    let projections: Vec<_> = out
        .functions
        .iter()
        .map(|f| {
            let m = &f.metrics;
            let billed = Decimal::from(m.billed_execution_ms + m.billed_init_ms);
            // Execution on provisioned environments is billed at the PC duration rate below.
            let on_demand_gb_s = (m.billed_execution_gb_s - m.billed_execution_on_provisioned_gb_s)
                .max(0.0)
                + m.billed_init_gb_s;
            let usage = MonthlyUsage {
                requests: Decimal::from(m.served),
                billed_ms: billed,
                gb_seconds: dec(on_demand_gb_s),
                init_billed_ms: Decimal::from(m.billed_init_ms),
                init_gb_seconds: dec(m.billed_init_gb_s),
                cold_starts: Decimal::from(m.cold_starts),
                ms_at_least_100: billed,
                ms_rounded_up_to_100: billed,
                ..MonthlyUsage::default()
            }
            .scaled(factor);
            let (region, arch) = place(&f.name);
            project_supplied(
                FunctionMeta::new(f.name.clone(), region, arch, f.memory_mb),
                Range::collapsed(usage),
                &[],
                MS_PER_MONTH,
                Vec::new(),
            )
        })
        .collect();
    let account = lambda_on_demand_account(&projections, book, &AccountOptions::default())
        .map_err(|e| e.to_string())?;
    let cents = |d: Decimal| -> f64 { crate::cost::round_cents(d).try_into().unwrap_or(0.0) };
    projections
        .iter()
        .zip(&out.functions)
        .enumerate()
        .map(|(i, (p, f))| {
            let m = &f.metrics;
            let rates = book
                .lambda(&p.meta.region, p.meta.arch)
                .map_err(|e| e.to_string())?;
            let provisioned = (dec(m.provisioned_gb_s) * rates.pc_usd_per_gb_second
                + dec(m.billed_execution_on_provisioned_gb_s)
                    * rates.pc_duration_usd_per_gb_second)
                * factor;
            let on_demand = account.function_usd(i).typical;
            let executed_gb_s = dec(m.billed_execution_gb_s + m.billed_init_gb_s) * factor;
            Ok(PricedFunction {
                function: p.meta.name.clone(),
                memory_mb: p.meta.memory_mb,
                requests_per_month: p.usage.typical.requests.round().try_into().unwrap_or(0.0),
                gb_seconds_per_month: executed_gb_s.round_dp(1).try_into().unwrap_or(0.0),
                on_demand_usd_per_month: cents(on_demand),
                provisioned_usd_per_month: cents(provisioned),
                total_usd_per_month: cents(on_demand + provisioned),
            })
        })
        .collect()
}
