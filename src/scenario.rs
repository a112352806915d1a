//! Simulator scenarios for one function, built from observed invocations (a replay) or from an
//! explicit traffic description. Shared by `faascope simulate --from` and `faascope ci`.

use faascope_sim::{
    ArrivalConfig, ColdConfig, DistConfig, KeepAliveConfig, ReplayEvent, Scenario, SimOutput,
};
use rust_decimal::prelude::FromPrimitive;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::cost::money::mb_to_gb;
use crate::cost::usage::{MonthlyUsage, SnapStart};
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
    /// A SnapStart restore's `Billed Restore Duration` (AWS bills only part of the restore);
    /// `None` for an INIT or a warm start.
    pub billed_restore_ms: Option<f64>,
    pub memory_mb: u32,
    /// The invocation ended at the function timeout (`Status: timeout`).
    pub timed_out: bool,
}

/// The timed invocations of function `id` in `cols`, by start time.
pub fn observed_rows(cols: &ReportColumns, id: usize) -> Vec<ObservedRow> {
    observed_rows_counted(cols, id).0
}

/// [`observed_rows`], and how many invocations of the function had no time (console copies
/// of REPORT lines): they cannot be placed on the timeline and are left out.
pub fn observed_rows_counted(cols: &ReportColumns, id: usize) -> (Vec<ObservedRow>, u64) {
    let mut untimed = 0u64;
    let mut rows: Vec<ObservedRow> = (0..cols.len())
        .filter(|&r| cols.function_id(r) as usize == id)
        .filter_map(|r| {
            let Some(start_ms) = cols.start_ms(r) else {
                untimed += 1;
                return None;
            };
            let init = cols.init_duration_ms(r);
            Some(ObservedRow {
                start_ms,
                duration_ms: cols.duration_ms(r),
                init_ms: init.or_else(|| cols.restore_duration_ms(r)),
                billed_restore_ms: if init.is_none() {
                    cols.restore_duration_ms(r)
                        .and(cols.billed_restore_duration_ms(r))
                } else {
                    None
                },
                memory_mb: cols.memory_size_mb(r),
                timed_out: cols.status(r) == crate::model::Status::Timeout,
            })
        })
        .collect();
    rows.sort_by_key(|r| r.start_ms);
    (rows, untimed)
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
/// minimal file, so the defaults are the crate's own); the caller fills in the workload. The
/// name is set on the parsed scenario, not written into the file: any name (control characters
/// included) is kept exactly.
pub fn default_scenario(name: &str, memory_mb: u32) -> Result<Scenario, String> {
    let mut s: Scenario = toml::from_str(&format!(
        "duration_s = 1\n[[functions]]\nname = \"f\"\nmemory_mb = {memory_mb}\narrivals = {{ kind = \"poisson\", rate_per_s = 1.0 }}\nwarm = {{ dist = \"constant\", value_ms = 1.0 }}\ncold = {{ model = \"init_added\", init = {{ dist = \"constant\", value_ms = 0.0 }} }}\n"
    ))
    .map_err(|e| {
        format!(
            "building a scenario for {}: {e}",
            crate::output::sanitize(name)
        )
    })?;
    if let Some(f) = s.functions.first_mut() {
        f.name = name.to_string();
    }
    Ok(s)
}

/// What [`replay_scenario_in`] replays.
#[derive(Clone, Copy)]
pub struct Replay<'a> {
    pub name: &'a str,
    /// At least two, sorted by start.
    pub rows: &'a [ObservedRow],
    pub memory_mb: u32,
    pub keep_alive_s: f64,
    /// The factor an invocation's duration is multiplied by, from the memory size it ran at
    /// (the memory model's; logs may hold several sizes; INIT is not scaled). A factor that is
    /// not a positive number counts as 1.
    pub duration_factor: &'a dyn Fn(u32) -> f64,
    pub arrivals: ReplayArrivals,
    /// The observed window (UTC ms, start inclusive, end exclusive) the run covers: the one
    /// `faascope cost` projects a month from ([`crate::analytics::usage::observed_window`]), so
    /// that the simulated month and the projected one have the same basis. Arrivals are placed
    /// at their offset from its start, and Poisson arrivals come at the observed count over
    /// it. `None`: from the first arrival to just after the last.
    pub window: Option<(i64, i64)>,
    /// Replay the observed timeouts (`Status: timeout`) as timeouts: the function timeout
    /// (`timeout_s`) is the one they show (their median duration in whole seconds), they end
    /// there, and the simulator resets their instance as Lambda resets the environment (the
    /// next request on it is a cold start). `false`: the default 900 s timeout, and every
    /// replayed execution runs its observed duration.
    pub timeouts: bool,
}

/// The function timeout, whole seconds (1 to 900), that the timed-out invocations among `rows`
/// show: the median of their durations; `None` without any, or when the logs show the timeout
/// changed within them ([`TimeoutChange`]).
pub fn observed_timeout_s(rows: &[ObservedRow]) -> Option<f64> {
    match observed_timeout(rows) {
        ObservedTimeout::One(t) => Some(t),
        ObservedTimeout::None | ObservedTimeout::Changed(_) => None,
    }
}

/// What the timed-out invocations among observed rows say of the function timeout.
#[derive(Debug, Clone, PartialEq)]
pub enum ObservedTimeout {
    /// No invocation timed out.
    None,
    /// One timeout, whole seconds, that every timed-out invocation shows and no other one ran
    /// past.
    One(f64),
    /// The timeout changed within the logs.
    Changed(TimeoutChange),
}

/// Evidence that the function timeout changed within the logs: timed-out invocations that
/// ran to different whole seconds, or invocations that ran past the timeout others show and
/// ended without timing out (the timeout was raised after, or lowered since). One timeout
/// cannot replay them all: each then runs its observed duration.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeoutChange {
    /// The timeouts the timed-out invocations show (whole seconds, ascending, distinct).
    pub timeouts_s: Vec<f64>,
    pub timed_out: usize,
    /// Invocations that did not time out and ran longer than the shortest timeout shown.
    pub longer: usize,
    /// The longest of those, ms (0 without any).
    pub longest_ms: f64,
}

/// The function timeout, whole seconds within Lambda's 1 to 900, a timed-out invocation's
/// Duration (ms) shows: it ran to the timeout, or a few ms past it.
pub fn timeout_whole_s(ms: f64) -> f64 {
    (ms / 1000.0).round().clamp(1.0, 900.0)
}

/// See [`ObservedTimeout`].
pub fn observed_timeout(rows: &[ObservedRow]) -> ObservedTimeout {
    let mut d: Vec<f64> = rows
        .iter()
        .filter(|r| r.timed_out && r.duration_ms.is_finite())
        .map(|r| r.duration_ms)
        .collect();
    if d.is_empty() {
        return ObservedTimeout::None;
    }
    d.sort_by(f64::total_cmp);
    let whole_s = timeout_whole_s;
    let mut timeouts_s: Vec<f64> = d.iter().map(|&ms| whole_s(ms)).collect();
    timeouts_s.dedup();
    // A timed-out invocation's Duration is at (or a few ms past) the timeout; one that ended
    // by itself is under it. Past the shortest timeout shown, it ran under another.
    let shortest_ms = timeouts_s[0] * 1000.0;
    let longer: Vec<f64> = rows
        .iter()
        .filter(|r| !r.timed_out && r.duration_ms > shortest_ms)
        .map(|r| r.duration_ms)
        .collect();
    if timeouts_s.len() == 1 && longer.is_empty() {
        return ObservedTimeout::One(whole_s(d[d.len() / 2]));
    }
    ObservedTimeout::Changed(TimeoutChange {
        timeouts_s,
        timed_out: d.len(),
        longer: longer.len(),
        longest_ms: longer.iter().copied().fold(0.0, f64::max),
    })
}

impl TimeoutChange {
    /// The note a replay gives.
    pub fn note(&self, name: &str) -> String {
        let shown = self
            .timeouts_s
            .iter()
            .map(|t| format!("{t} s"))
            .collect::<Vec<_>>()
            .join(", ");
        let longer = if self.longer > 0 {
            format!(
                " and {} other invocation(s) ran past {} s without timing out (up to {:.1} s)",
                self.longer,
                self.timeouts_s[0],
                self.longest_ms / 1000.0
            )
        } else {
            String::new()
        };
        format!(
            "the function timeout of '{}' changed within the logs: its {} observed timeout(s) show {shown}{longer}; one timeout cannot replay them all, so every invocation replays its observed duration and the timeouts as successes that do not reset their environment (a timeout set for the run, `--set functions.0.timeout_s=S` or a ci entry's `timeout_s`, cuts longer ones there; without one it is the {} s maximum)",
            crate::output::sanitize(name),
            self.timed_out,
            faascope_sim::config::MAX_TIMEOUT_S,
        )
    }
}

/// A replay (see [`Replay`]). Notes describe the choices.
pub fn replay_scenario_in(r: &Replay<'_>, notes: &mut Vec<String>) -> Result<Scenario, String> {
    let (name, rows) = (r.name, r.rows);
    if rows.len() < 2 {
        return Err(format!(
            "function '{}' has {} timed invocation(s); a replay needs at least 2: give more of its logs (more files, or a wider --since/--until), or describe its traffic in a scenario file (`faascope simulate FILE`, see simulator/scenarios/)",
            crate::output::sanitize(name),
            rows.len()
        ));
    }
    let (first, last) = (rows[0].start_ms, rows[rows.len() - 1].start_ms);
    // The start of the simulated period, and the period the observed count is spread over
    // (a rate), ms.
    let (t0, basis_ms, duration_ms) = match r.window {
        Some((start, end)) => {
            // An invocation that started before the window (one running across the start of
            // an export, whose REPORT is in it) arrives at its own time: the run starts there,
            // and its usage stands for the window, which is what `--price` projects a month from
            // ([`usage_window_ms`]; fifth-round verification: arriving at the window's start,
            // such invocations made a burst that was never observed).
            let basis = (end - start).max(1);
            if matches!(r.arrivals, ReplayArrivals::Poisson { .. }) {
                // Arrivals drawn at the window's rate cover the window alone (eighth-round
                // simulate review: started at an earlier invocation, the longer run drew
                // 11–31 % more requests than the window holds).
                (start, basis, basis)
            } else {
                let t0 = start.min(first);
                // Superposed copies are jittered by up to 1 s: the run reaches past the last
                // arrival by that much, which only a last arrival in the window's final
                // second needs.
                (t0, basis, (end - t0).max(last - t0 + 1_000))
            }
        }
        None => {
            let span = (last - first).max(1);
            (first, span, span + 1_000)
        }
    };
    let us = |ms: f64| (ms.max(0.0) * 1000.0).round() as u64;
    let k = |memory_mb: u32| {
        let k = (r.duration_factor)(memory_mb);
        if k.is_finite() && k > 0.0 {
            k
        } else {
            1.0
        }
    };
    let timeout_s = if r.timeouts {
        match observed_timeout(rows) {
            ObservedTimeout::One(t) => Some(t),
            ObservedTimeout::None => None,
            ObservedTimeout::Changed(c) => {
                notes.push(c.note(name));
                None
            }
        }
    } else {
        None
    };
    // A replayed duration: a timed-out one just past the timeout (the simulator ends an
    // execution that runs *longer* than it), and so is one another memory size makes longer
    // than the timeout (it would time out there: ended, its environment reset, as `simulate
    // --set functions.0.memory_mb=…` has it; dash8 review: the dashboard's memory knob made
    // them successes ending at the timeout, 7 cold starts where the CLI had 200); a completed
    // one as observed at most the timeout. Without one timeout, a timed-out invocation runs
    // its observed duration, unscaled (it ran to a timeout at any size).
    let duration = |row: &ObservedRow| -> f64 {
        let d = row.duration_ms * k(row.memory_mb);
        match timeout_s.map(|t| t * 1000.0) {
            Some(t) if row.timed_out => t + 0.001,
            Some(t) if d > t && d > row.duration_ms => t + 0.001,
            Some(t) => d.min(t),
            None if row.timed_out => row.duration_ms,
            None => d,
        }
    };
    // The execution time of every invocation, cold ones too (a REPORT's Duration leaves its
    // INIT out; eighth-round simulate review: drawn from the warm ones only, a mostly-cold
    // function replayed by --arrivals poisson ran every request at its one warm duration).
    let warm: Vec<f64> = rows.iter().map(duration).collect();
    let inits: Vec<f64> = rows.iter().filter_map(|r| r.init_ms).collect();
    let arrival_config = match r.arrivals {
        ReplayArrivals::Replay { traffic_scale } => ArrivalConfig::Replay {
            events: rows
                .iter()
                .map(|r| ReplayEvent {
                    offset_us: us((r.start_ms - t0) as f64),
                    duration_us: Some(us(duration(r))),
                    init_us: r.init_ms.map(us),
                })
                .collect(),
            traffic_scale,
            jitter_s: 1.0,
        },
        ReplayArrivals::Poisson { traffic_scale } => ArrivalConfig::Poisson {
            rate_per_s: rows.len() as f64 / (basis_ms as f64 / 1000.0) * traffic_scale,
        },
    };
    let warm_samples = warm;
    let init = if inits.is_empty() {
        notes.push(format!(
            "no cold start of '{}' was observed: simulated cold starts get an init time of 0 ms",
            crate::output::sanitize(name)
        ));
        DistConfig::Constant { value_ms: 0.0 }
    } else {
        DistConfig::Empirical { samples_ms: inits }
    };
    let mut s = default_scenario(name, r.memory_mb)?;
    s.duration_s = duration_ms as f64 / 1000.0;
    if let Some(f) = s.functions.first_mut() {
        f.arrivals = arrival_config;
        f.warm = DistConfig::Empirical {
            samples_ms: warm_samples,
        };
        f.cold = ColdConfig::InitAdded { init };
        f.keep_alive = KeepAliveConfig::Fixed {
            idle_timeout_s: r.keep_alive_s,
        };
        if let Some(t) = timeout_s {
            f.timeout_s = t;
        }
    }
    // The logs show the account ran this many at once: its limit is at least that (it can be
    // raised above AWS's default), so the replay does not throttle what was served (tenth-round
    // simulate review: 1,500 in flight replayed under the default 1,000, a third of the traffic
    // rejected and left out of --price, without a word).
    // So does the scaling rate: the replay starts with no environment, where the logs' first
    // invocations ran on environments already up (tenth-round cost review: 1,500 in flight from
    // the window's start, 990 throttled by the 1,000-per-10-s rate and left out of --price).
    let peak = observed_peak_in_flight(rows);
    if let faascope_sim::Limit::Count(limit) = s.account.concurrency_limit {
        if peak > limit {
            s.account.concurrency_limit = faascope_sim::Limit::Count(peak);
            notes.push(format!(
                "the logs show {peak} invocations of '{}' running at once, above AWS's default account concurrency limit of {limit}: {RAISED_LIMIT_NOTE} {peak} (--set account.concurrency_limit=N sets another)",
                crate::output::sanitize(name)
            ));
            for f in &mut s.functions {
                if let faascope_sim::Limit::Count(rate) = f.scaling.new_environments_per_window {
                    if peak > rate {
                        f.scaling.new_environments_per_window = faascope_sim::Limit::Count(peak);
                        notes.push(format!(
                            "{RAISED_SCALING_NOTE} {peak} new environments per {} s, from AWS's {rate}: the replay starts with no environment up, and the logs show those {peak} served at once (--set functions.0.scaling.new_environments_per_window=N sets another)",
                            f.scaling.window_s
                        ));
                    }
                }
            }
        }
    }
    Ok(s)
}

/// The words of the note a replay gives when the observed peak raised its account limit.
pub const RAISED_LIMIT_NOTE: &str = "the account's limit was raised, and the replay's is";
/// The words of the note a replay gives when the observed peak raised its scaling rate.
pub const RAISED_SCALING_NOTE: &str = "the replay's scaling rate is";

/// The most invocations in flight at once, each from its start through its INIT (or restore)
/// and its duration as `start_before` rounds them (the report's peak); one that ends when
/// another starts is not counted with it.
pub fn observed_peak_in_flight(rows: &[ObservedRow]) -> u64 {
    let intervals: Vec<(i64, i64)> = rows
        .iter()
        .map(|r| {
            let busy = (r.duration_ms + r.init_ms.unwrap_or(0.0)).round_ties_even() as i64;
            (r.start_ms, r.start_ms.saturating_add(busy.max(1)))
        })
        .collect();
    let (levels, _) = crate::analytics::usage::concurrency_of(&intervals);
    levels.iter().map(|l| u64::from(l.level)).max().unwrap_or(0)
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
    /// Requests, the execution and INIT time not served by provisioned concurrency at
    /// on-demand rates (the account's volume tiers), ephemeral storage above 512 MB and the
    /// SnapStart charges (the two fields below).
    pub on_demand_usd_per_month: f64,
    /// Ephemeral storage above the included 512 MB over the billed time (part of on demand).
    pub ephemeral_storage_usd_per_month: f64,
    /// SnapStart cache and restores of Python and .NET functions (part of on demand).
    pub snapstart_usd_per_month: f64,
    /// Provisioned concurrency: the allocated GB-seconds at the PC rate plus the execution
    /// served by it at the PC duration rate (0 without PC).
    pub provisioned_usd_per_month: f64,
    pub total_usd_per_month: f64,
}

/// [`price_simulation_with`] with the default configuration (512 MB ephemeral storage, no
/// SnapStart).
pub fn price_simulation(
    out: &SimOutput,
    book: &PriceBook,
    place: &dyn Fn(&str) -> (String, Arch),
    usage_ms: Option<f64>,
) -> Result<Vec<PricedFunction>, String> {
    price_simulation_with(out, book, place, &|_| {}, usage_ms)
}

/// The time a replay's usage stands for, when it is not the run's measured time: the observed
/// window of a replay over the window `faascope cost` projects from, which began earlier to let
/// invocations that started before the window arrive at their own time (their REPORTs are in
/// the window, and `cost` counts them there). `None` for any other run (a warm-up, or a
/// `duration_s` that does not reach past the window).
pub fn usage_window_ms(s: &Scenario, window: Option<(i64, i64)>) -> Option<f64> {
    let (start, end) = window?;
    let run_ms = s.duration_s * 1000.0;
    let window_ms = (end - start) as f64;
    (s.warmup_s == 0.0 && run_ms > window_ms).then_some(window_ms)
}

/// The simulated usage of each function scaled to a month of 730 h, priced: on demand (account
/// volume tiers) for requests and the time not served by provisioned concurrency, and the PC
/// rates for the provisioned allocation and the execution it served. `configure` sets what the
/// simulation does not know, as `faascope cost` does: ephemeral storage (billed over the billed
/// time above 512 MB) and SnapStart (the cache charge of Python and .NET; with SnapStart every
/// simulated cold start is a restore).
pub fn price_simulation_with(
    out: &SimOutput,
    book: &PriceBook,
    place: &dyn Fn(&str) -> (String, Arch),
    configure: &dyn Fn(&mut FunctionMeta),
    usage_ms: Option<f64>,
) -> Result<Vec<PricedFunction>, String> {
    let rules = book.lambda_rules().map_err(|e| e.to_string())?;
    let measured_ms = (out.measured_s * 1000.0).max(1.0);
    let month = |ms: f64| Decimal::from_f64(MS_PER_MONTH as f64 / ms).unwrap_or(Decimal::ZERO);
    // Requests and execution stand for `usage_ms` (see [`usage_window_ms`]); what runs for
    // the run's whole time (a provisioned allocation), for the measured time.
    let factor = month(usage_ms.unwrap_or(measured_ms).max(1.0));
    let allocation_factor = month(measured_ms);
    let dec = |x: f64| Decimal::from_f64(x).unwrap_or(Decimal::ZERO);
    let projections: Vec<_> = out
        .functions
        .iter()
        .map(|f| {
            let m = &f.metrics;
            let (region, arch) = place(&f.name);
            let mut meta = FunctionMeta::new(f.name.clone(), region, arch, f.memory_mb);
            configure(&mut meta);
            let billed = Decimal::from(m.billed_execution_ms + m.billed_init_ms);
            // Execution on provisioned environments is billed at the PC duration rate below.
            let on_demand_gb_s = (m.billed_execution_gb_s - m.billed_execution_on_provisioned_gb_s)
                .max(0.0)
                + m.billed_init_gb_s;
            let extra_storage_gb = mb_to_gb(
                (Decimal::from(meta.ephemeral_storage_mb) - rules.ephemeral_included_mb)
                    .max(Decimal::ZERO),
            );
            let restores = if matches!(meta.snapstart, SnapStart::Off) {
                Decimal::ZERO
            } else {
                Decimal::from(m.cold_starts)
            };
            let usage = MonthlyUsage {
                requests: Decimal::from(m.served),
                billed_ms: billed,
                gb_seconds: dec(on_demand_gb_s),
                init_billed_ms: Decimal::from(m.billed_init_ms),
                init_gb_seconds: dec(m.billed_init_gb_s),
                cold_starts: Decimal::from(m.cold_starts),
                restores,
                restore_gb: restores * mb_to_gb(Decimal::from(f.memory_mb)),
                // As `faascope cost`: the storage above 512 MB over every billed second.
                ephemeral_gb_seconds: extra_storage_gb * billed / Decimal::from(1000),
                ms_at_least_100: billed,
                ms_rounded_up_to_100: billed,
                // A simulation's month is priced at the size it ran at: nothing rescales it.
                fixed_billed_ms: Decimal::ZERO,
                // The simulation serves its provisioned environments warm already.
                cold_init_gb_seconds: Decimal::ZERO,
            }
            .scaled(factor);
            project_supplied(meta, Range::collapsed(usage), &[], MS_PER_MONTH, Vec::new())
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
            let provisioned =
                dec(m.provisioned_gb_s) * rates.pc_usd_per_gb_second * allocation_factor
                    + dec(m.billed_execution_on_provisioned_gb_s)
                        * rates.pc_duration_usd_per_gb_second
                        * factor;
            let on_demand = account.function_usd(i).typical;
            let charges = account.scenarios.typical.functions.get(i);
            let executed_gb_s = dec(m.billed_execution_gb_s + m.billed_init_gb_s) * factor;
            Ok(PricedFunction {
                function: p.meta.name.clone(),
                memory_mb: p.meta.memory_mb,
                requests_per_month: p.usage.typical.requests.round().try_into().unwrap_or(0.0),
                gb_seconds_per_month: executed_gb_s.round_dp(1).try_into().unwrap_or(0.0),
                on_demand_usd_per_month: cents(on_demand),
                ephemeral_storage_usd_per_month: cents(
                    charges.map_or(Decimal::ZERO, |c| c.ephemeral_usd),
                ),
                snapstart_usd_per_month: cents(charges.map_or(Decimal::ZERO, |c| {
                    c.snapstart_cache_usd + c.snapstart_restore_usd
                })),
                provisioned_usd_per_month: cents(provisioned),
                total_usd_per_month: cents(on_demand + provisioned),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unscaled(_: u32) -> f64 {
        1.0
    }

    /// A replay of `rows` as observed: at `memory_mb`, keep-alive 600 s, replayed arrivals.
    fn replay_of(rows: &[ObservedRow], memory_mb: u32) -> Replay<'_> {
        Replay {
            name: "f",
            rows,
            memory_mb,
            keep_alive_s: 600.0,
            duration_factor: &unscaled,
            arrivals: ReplayArrivals::Replay { traffic_scale: 1.0 },
            window: None,
            timeouts: true,
        }
    }

    fn row(start_ms: i64) -> ObservedRow {
        ObservedRow {
            start_ms,
            duration_ms: 10.0,
            init_ms: None,
            billed_restore_ms: None,
            memory_mb: 128,
            timed_out: false,
        }
    }

    /// Tenth-round simulate review: a replay kept AWS's default limit of 1,000 where the logs
    /// show more running at once (the account's limit was raised), and rejected what was served.
    #[test]
    fn a_replay_takes_the_observed_peak_as_its_limit() {
        // 1,200 invocations of 100 s, one every 10 ms: all in flight together; one that starts
        // as another ends is not counted with it.
        let rows: Vec<ObservedRow> = (0..1_200)
            .map(|i| ObservedRow {
                duration_ms: 100_000.0,
                ..row(i * 10)
            })
            .collect();
        assert_eq!(observed_peak_in_flight(&rows), 1_200);
        assert_eq!(observed_peak_in_flight(&[row(0), row(10), row(20)]), 1);
        let replay = |rows: &[ObservedRow], notes: &mut Vec<String>| {
            replay_scenario_in(&replay_of(rows, 128), notes).unwrap()
        };
        let mut notes = Vec::new();
        let s = replay(&rows, &mut notes);
        assert_eq!(
            s.account.concurrency_limit,
            faascope_sim::Limit::Count(1_200)
        );
        assert!(notes
            .iter()
            .any(|n| n.contains("1200 invocations of 'f' running at once")));
        let out = faascope_sim::Simulation::new(&s, 1).unwrap().run();
        assert_eq!(out.functions[0].metrics.rejected, 0);
        // Under the default, the default stays, without the note.
        let few: Vec<ObservedRow> = (0..10).map(|i| row(i * 1_000)).collect();
        let mut notes = Vec::new();
        let s = replay(&few, &mut notes);
        assert_eq!(
            s.account.concurrency_limit,
            faascope_sim::Limit::Count(1_000)
        );
        assert!(!notes.iter().any(|n| n.contains("running at once")));
    }

    /// Any name is kept exactly: it is not written into TOML text.
    #[test]
    fn default_scenario_keeps_names_with_control_characters() {
        for name in [
            "evil\u{1b}]0;pwned\u{7}\u{1b}[31mRED|x",
            "a\"b\\c",
            "line\nbreak",
        ] {
            let s = default_scenario(name, 256).unwrap();
            assert_eq!(s.functions[0].name, name);
            assert_eq!(s.functions[0].memory_mb, 256);
            s.validate().unwrap();
        }
    }

    /// Logs of a function whose memory changed hold several sizes: each invocation's duration
    /// takes the factor of the size it ran at (the fourth-round limit: `ci` scaled all of them
    /// from one reference size), warm samples too; INIT and timeouts are not scaled.
    #[test]
    fn each_replayed_invocation_takes_the_factor_of_its_own_size() {
        let mut rows = [row(0), row(1_000), row(2_000), row(3_000)];
        rows[1].memory_mb = 256;
        rows[2].memory_mb = 256;
        rows[2].init_ms = Some(300.0);
        rows[3].timed_out = true;
        rows[3].duration_ms = 3_000.0;
        let factor = |mb: u32| if mb == 128 { 0.5 } else { 2.0 };
        let r = Replay {
            name: "f",
            rows: &rows,
            memory_mb: 512,
            keep_alive_s: 600.0,
            duration_factor: &factor,
            arrivals: ReplayArrivals::Replay { traffic_scale: 1.0 },
            window: None,
            timeouts: true,
        };
        let mut notes = Vec::new();
        let s = replay_scenario_in(&r, &mut notes).unwrap();
        let f = &s.functions[0];
        match &f.arrivals {
            ArrivalConfig::Replay { events, .. } => {
                let d: Vec<_> = events.iter().map(|e| e.duration_us).collect();
                // 10 ms × 0.5, 10 ms × 2, 10 ms × 2 (its INIT as observed), the timeout just
                // past the observed 3 s timeout.
                assert_eq!(
                    d,
                    [Some(5_000), Some(20_000), Some(20_000), Some(3_000_001)]
                );
                assert_eq!(events[2].init_us, Some(300_000));
            }
            other => panic!("{other:?}"),
        }
        match &f.warm {
            // Every invocation's execution time, the cold one's too (eighth-round simulate
            // review: cold ones were left out, a mostly-cold function's Poisson replay ran
            // every request at its one warm duration).
            DistConfig::Empirical { samples_ms } => {
                assert_eq!(samples_ms[..], [5.0, 20.0, 20.0, 3_000.001]);
            }
            other => panic!("{other:?}"),
        }
        // A factor that is not a positive number counts as 1.
        let nan = |_| f64::NAN;
        let s = replay_scenario_in(
            &Replay {
                duration_factor: &nan,
                ..r
            },
            &mut notes,
        )
        .unwrap();
        match &s.functions[0].arrivals {
            ArrivalConfig::Replay { events, .. } => assert_eq!(events[0].duration_us, Some(10_000)),
            other => panic!("{other:?}"),
        }
    }

    /// dash8 review: an invocation another memory size makes longer than the timeout the logs
    /// show replayed as a success ending at the timeout (the dashboard's memory knob: 7 cold
    /// starts where `simulate --set functions.0.memory_mb` had 200); it times out now.
    #[test]
    fn a_duration_scaled_past_the_timeout_times_out() {
        let mut rows = [row(0), row(1_000), row(2_000)];
        rows[0].timed_out = true;
        rows[0].duration_ms = 3_000.4;
        rows[1].duration_ms = 2_000.0;
        rows[2].duration_ms = 1_000.0;
        let factor = |_| 2.0;
        let mut notes = Vec::new();
        let s = replay_scenario_in(
            &Replay {
                name: "f",
                rows: &rows,
                memory_mb: 512,
                keep_alive_s: 600.0,
                duration_factor: &factor,
                arrivals: ReplayArrivals::Replay { traffic_scale: 1.0 },
                window: None,
                timeouts: true,
            },
            &mut notes,
        )
        .unwrap();
        match &s.functions[0].arrivals {
            ArrivalConfig::Replay { events, .. } => {
                let d: Vec<_> = events.iter().map(|e| e.duration_us).collect();
                // The timeout, 2 s × 2 past the 3 s timeout (times out), 1 s × 2 within it.
                assert_eq!(d, [Some(3_000_001), Some(3_000_001), Some(2_000_000)]);
            }
            other => panic!("{other:?}"),
        }
    }

    /// Seventh-round review: a timeout raised within the logs (two 3 s timeouts, then 5 s
    /// successes) cut every longer success to 3 s (-32 % of the billed time). One timeout the
    /// logs show replays as before; a changed one replays every observed duration, with a note.
    #[test]
    fn a_timeout_changed_within_the_logs_keeps_every_observed_duration() {
        let timed_out = |start, ms| ObservedRow {
            duration_ms: ms,
            timed_out: true,
            ..row(start)
        };
        let ok = |start, ms| ObservedRow {
            duration_ms: ms,
            ..row(start)
        };
        // One timeout: the successes under it, the timeouts' median rounded.
        let one = [timed_out(0, 3_000.8), ok(1, 2_999.0), timed_out(2, 3_001.2)];
        assert_eq!(observed_timeout(&one), ObservedTimeout::One(3.0));
        assert_eq!(observed_timeout_s(&one), Some(3.0));
        assert_eq!(observed_timeout(&[ok(0, 5.0)]), ObservedTimeout::None);
        // Raised: successes past the timeout shown.
        let raised = [
            timed_out(0, 3_000.5),
            timed_out(60_000, 3_000.7),
            ok(120_000, 5_000.0),
            ok(180_000, 4_000.0),
            ok(240_000, 20.0),
        ];
        let ObservedTimeout::Changed(c) = observed_timeout(&raised) else {
            panic!("{:?}", observed_timeout(&raised));
        };
        assert_eq!(
            (c.timeouts_s.clone(), c.timed_out, c.longer, c.longest_ms),
            (vec![3.0], 2, 2, 5_000.0)
        );
        assert_eq!(observed_timeout_s(&raised), None);
        // Timeouts at two settings.
        let two = [timed_out(0, 3_000.5), timed_out(1, 10_002.0), ok(2, 20.0)];
        let ObservedTimeout::Changed(c2) = observed_timeout(&two) else {
            panic!("{:?}", observed_timeout(&two));
        };
        assert_eq!((c2.timeouts_s, c2.longer), (vec![3.0, 10.0], 0));
        // The replay: every observed duration, the default timeout, and the note says why.
        let mut notes = Vec::new();
        let s = replay_scenario_in(&replay_of(&raised, 1024), &mut notes).unwrap();
        let f = &s.functions[0];
        assert_eq!(f.timeout_s, faascope_sim::config::MAX_TIMEOUT_S);
        match &f.arrivals {
            ArrivalConfig::Replay { events, .. } => {
                let d: Vec<_> = events.iter().map(|e| e.duration_us).collect();
                assert_eq!(
                    d,
                    [
                        Some(3_000_500),
                        Some(3_000_700),
                        Some(5_000_000),
                        Some(4_000_000),
                        Some(20_000)
                    ]
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(
            notes[0].contains("changed within the logs: its 2 observed timeout(s) show 3 s and 2 other invocation(s) ran past 3 s without timing out (up to 5.0 s)"),
            "{notes:?}"
        );
    }

    /// Over a window the run covers it, arrivals at their offset from its start; Poisson
    /// arrivals come at the count over the window.
    #[test]
    fn a_replay_over_a_window_covers_the_window() {
        let rows = [row(3_600_000 + 500), row(3_600_000 + 1_800_000)];
        let mut notes = Vec::new();
        let r = Replay {
            name: "f",
            rows: &rows,
            memory_mb: 128,
            keep_alive_s: 600.0,
            duration_factor: &|_| 1.0,
            arrivals: ReplayArrivals::Replay { traffic_scale: 1.0 },
            window: Some((3_600_000, 7_200_000)),
            timeouts: false,
        };
        let s = replay_scenario_in(&r, &mut notes).unwrap();
        assert_eq!(s.duration_s, 3_600.0);
        match &s.functions[0].arrivals {
            ArrivalConfig::Replay { events, .. } => {
                assert_eq!(events[0].offset_us, 500_000);
                assert_eq!(events[1].offset_us, 1_800_000_000);
            }
            other => panic!("{other:?}"),
        }
        let s = replay_scenario_in(
            &Replay {
                arrivals: ReplayArrivals::Poisson { traffic_scale: 2.0 },
                ..r
            },
            &mut notes,
        )
        .unwrap();
        match &s.functions[0].arrivals {
            ArrivalConfig::Poisson { rate_per_s } => assert_eq!(*rate_per_s, 2.0 * 2.0 / 3_600.0),
            other => panic!("{other:?}"),
        }
        // An invocation that started before the window (across the start of an export)
        // arrives at its own time: the run starts there and lasts to the window's end; its
        // usage stands for the window.
        let early = [row(3_600_000 - 600_000), row(3_600_000 + 1_800_000)];
        let s = replay_scenario_in(&Replay { rows: &early, ..r }, &mut notes).unwrap();
        assert_eq!(s.duration_s, 4_200.0);
        match &s.functions[0].arrivals {
            ArrivalConfig::Replay { events, .. } => {
                assert_eq!(events[0].offset_us, 0);
                assert_eq!(events[1].offset_us, 2_400_000_000);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(usage_window_ms(&s, r.window), Some(3_600_000.0));
        // Poisson arrivals at the window's rate cover the window alone (eighth-round simulate
        // review: the longer run drew 11–31 % more requests than the window holds).
        let s = replay_scenario_in(
            &Replay {
                rows: &early,
                arrivals: ReplayArrivals::Poisson { traffic_scale: 1.0 },
                ..r
            },
            &mut notes,
        )
        .unwrap();
        assert_eq!(s.duration_s, 3_600.0);
        // Without a window: from the first arrival to a second after the last, as before.
        let s = replay_scenario_in(&Replay { window: None, ..r }, &mut notes).unwrap();
        assert_eq!(s.duration_s, 1_799.5 + 1.0);
    }
}
