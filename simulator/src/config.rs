//! The scenario: everything a simulation run needs except the seed. Deserialised from TOML by the CLI
//! (`toml::from_str::<Scenario>`), every table rejects unknown fields. [`Scenario::validate`] (called by
//! `Simulation::new`) checks values and explains how to fix them.

use crate::error::ConfigError;
use crate::platform::{
    AsyncRetryConfig, IdleSelection, InvocationType, Limit, ProvisionedConfig, ScalingConfig,
};
use crate::policy::KeepAliveConfig;
use crate::rng::dist::DistConfig;
use crate::time::SimDuration;
use crate::workload::ArrivalConfig;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// A complete simulation scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Length of the measured period, seconds (after the warm-up).
    pub duration_s: f64,
    /// Warm-up simulated before the measured period and excluded from every statistic, seconds (default 0).
    #[serde(default)]
    pub warmup_s: f64,
    /// Time-series resolution (default per minute).
    #[serde(default)]
    pub resolution: Resolution,
    /// Account-wide limits.
    #[serde(default)]
    pub account: AccountConfig,
    /// The functions (at least one), sharing the account's concurrency.
    pub functions: Vec<FunctionConfig>,
}

/// Time-series resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// One bucket per simulated second.
    Second,
    /// One bucket per simulated minute.
    #[default]
    Minute,
    /// No time series.
    None,
}

impl Resolution {
    /// Bucket width in microseconds, if any.
    pub fn bucket(self) -> Option<SimDuration> {
        match self {
            Resolution::Second => Some(SimDuration::from_secs(1)),
            Resolution::Minute => Some(SimDuration::from_secs(60)),
            Resolution::None => None,
        }
    }
}

fn d_limit() -> Limit {
    Limit::Count(1_000)
}
fn d_unreserved() -> u64 {
    100
}

/// Account-level (per region) limits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountConfig {
    /// Concurrent executions allowed across all functions (AWS default 1000), or `"unlimited"`.
    #[serde(default = "d_limit")]
    pub concurrency_limit: Limit,
    /// Concurrency that reservations must leave unreserved (AWS: 100).
    #[serde(default = "d_unreserved")]
    pub min_unreserved_concurrency: u64,
    /// Invocation attempts per second across the account (synchronous requests and asynchronous attempts,
    /// retries included), or `"unlimited"`. `None` (left out): AWS's quota, [`REQUEST_RATE_PER_CONCURRENCY`] ×
    /// `concurrency_limit` (unlimited when that is). See [`AccountConfig::request_rate`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_rate_per_s: Option<Limit>,
}

/// AWS's invocation request-rate quota per unit of the concurrency quota: 10 requests per second for each
/// concurrent execution (facts 3.1: 10,000 RPS at the default 1,000).
pub const REQUEST_RATE_PER_CONCURRENCY: u64 = 10;

impl AccountConfig {
    /// The request-rate quota in force: `request_rate_per_s` if given, else 10 × `concurrency_limit`
    /// (unlimited when the concurrency limit is, or when it is 0: every request is then throttled for
    /// concurrency, and a derived quota of 0 would count them as rate throttles instead).
    pub fn request_rate(&self) -> Limit {
        match (self.request_rate_per_s, self.concurrency_limit) {
            (Some(r), _) => r,
            (None, Limit::Unlimited | Limit::Count(0)) => Limit::Unlimited,
            (None, Limit::Count(n)) => n
                .checked_mul(REQUEST_RATE_PER_CONCURRENCY)
                .map_or(Limit::Unlimited, Limit::Count),
        }
    }
}

impl Default for AccountConfig {
    fn default() -> Self {
        AccountConfig {
            concurrency_limit: d_limit(),
            min_unreserved_concurrency: d_unreserved(),
            request_rate_per_s: None,
        }
    }
}

fn d_conc() -> u32 {
    1
}
fn d_true() -> bool {
    true
}
fn d_timeout() -> f64 {
    MAX_TIMEOUT_S
}

/// Smallest memory size AWS Lambda allows, MB (facts 3.4).
pub const MIN_MEMORY_MB: u32 = 128;
/// Largest memory size AWS Lambda allows, MB (facts 3.4).
pub const MAX_MEMORY_MB: u32 = 10_240;
/// Longest function timeout AWS Lambda allows (15 min), seconds (facts 3.4); also the default here.
pub const MAX_TIMEOUT_S: f64 = 900.0;
/// Longest on-demand INIT phase, seconds (facts 3.4): a longer init is cut there and run again in the first
/// invocation, under the function timeout.
pub const ON_DEMAND_INIT_LIMIT_S: u64 = 10;

/// One function.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FunctionConfig {
    /// Unique name (also keys the function's random streams).
    pub name: String,
    /// Configured memory, MB (billing uses configured memory; AWS allows 128..=10240).
    pub memory_mb: u32,
    /// Function timeout, seconds (AWS: 1..=900; default here the 900 s maximum, so that only the duration
    /// distribution decides; AWS's default for a new function is 3 s). An execution that would run longer ends
    /// as a timeout at this time and is billed up to it.
    #[serde(default = "d_timeout")]
    pub timeout_s: f64,
    /// Arrival process.
    pub arrivals: ArrivalConfig,
    /// Warm execution time.
    pub warm: DistConfig,
    /// Cold path.
    pub cold: ColdConfig,
    /// Synchronous (throttled requests rejected) or asynchronous (queued and retried). Default sync.
    #[serde(default)]
    pub invocation: InvocationType,
    /// Retry rule for throttled asynchronous events.
    #[serde(default)]
    pub async_retry: AsyncRetryConfig,
    /// Requests one instance serves at once (1 for Lambda; e.g. 80 for Cloud Run). Default 1.
    #[serde(default = "d_conc")]
    pub concurrency_per_instance: u32,
    /// Keep-alive policy (default fixed 600 s).
    #[serde(default)]
    pub keep_alive: KeepAliveConfig,
    /// Which idle instance serves a request (default most recently used).
    #[serde(default)]
    pub idle_selection: IdleSelection,
    /// Reserved concurrency (cap and guarantee), if any.
    #[serde(default)]
    pub reserved_concurrency: Option<u64>,
    /// Scaling-rate limit (default 1000 new instances per 10 s).
    #[serde(default)]
    pub scaling: ScalingConfig,
    /// Provisioned concurrency (default none).
    #[serde(default)]
    pub provisioned: ProvisionedConfig,
    /// Bill init time on cold starts: `billed_ms = ceil(init_ms + invoke_ms)` (AWS since 2025-08-01, default).
    /// Set `false` for the older rule of ZIP functions on managed runtimes (`billed_ms = ceil(invoke_ms)`).
    #[serde(default = "d_true")]
    pub bill_init: bool,
}

/// How a cold start is modelled (`model = "..."`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "model", rename_all = "snake_case", deny_unknown_fields)]
pub enum ColdConfig {
    /// A cold request takes `init` followed by a warm execution time. Init is billed separately (see
    /// `bill_init`).
    InitAdded {
        /// Init duration.
        init: DistConfig,
    },
    /// A cold request takes a time drawn from its own distribution (SimFaaS / Mahmoudi–Khazaei model); it is
    /// billed as execution (there is no separate init).
    WholeRequest {
        /// Whole cold request duration.
        request: DistConfig,
    },
}

/// Most arrivals a scenario may generate (an upper bound, all functions): about a minute of work.
pub const MAX_ARRIVALS: f64 = 1e9;

/// Longest simulated time (warm-up + measured), seconds: about 300 years.
pub const MAX_HORIZON_S: f64 = 1e10;

/// Most time-series points a scenario may keep (all series): 48 bytes each, about 1 GB.
pub const MAX_SERIES_POINTS: f64 = 2e7;

impl Scenario {
    /// Checks everything that can be checked without building the simulation.
    pub fn validate(&self) -> Result<(), ConfigError> {
        // Time is whole microseconds, so a period must be at least 1 µs; and at most MAX_HORIZON_S in all.
        if !(self.duration_s >= 1e-6 && self.duration_s <= MAX_HORIZON_S) {
            return Err(ConfigError::invalid(
                "duration_s",
                format!(
                    "must be from 0.000001 (1 µs, the time resolution) to {MAX_HORIZON_S:.0e} seconds (about 300 years), got {}",
                    self.duration_s
                ),
                "give the measured simulated time in seconds, e.g. 3600",
            ));
        }
        if !(self.warmup_s >= 0.0 && self.warmup_s <= MAX_HORIZON_S) {
            return Err(ConfigError::invalid(
                "warmup_s",
                format!(
                    "must be from 0 to {MAX_HORIZON_S:.0e} seconds, got {}",
                    self.warmup_s
                ),
                "give the warm-up in seconds, or leave it out for none",
            ));
        }
        if self.duration_s + self.warmup_s > MAX_HORIZON_S {
            return Err(ConfigError::invalid(
                "duration_s",
                format!(
                    "warmup_s + duration_s = {} s exceeds the {MAX_HORIZON_S:.0e} s a run can cover",
                    self.duration_s + self.warmup_s
                ),
                "simulate less than about 300 years",
            ));
        }
        if let Some(w) = self.resolution.bucket() {
            // Each function keeps a series point per bucket of the measured time, and so does
            // the account when there are several functions.
            let series = self.functions.len() + usize::from(self.functions.len() > 1);
            let points = (self.duration_s / (w.0 as f64 / 1e6)).ceil() * series as f64;
            if points > MAX_SERIES_POINTS {
                return Err(ConfigError::invalid(
                    "resolution",
                    format!(
                        "{points:.0} time-series points ({series} series × duration_s / bucket) exceed {MAX_SERIES_POINTS:.0}"
                    ),
                    "use a coarser resolution (\"minute\") or resolution = \"none\", or simulate less time",
                ));
            }
        }
        if self.functions.is_empty() {
            return Err(ConfigError::invalid(
                "functions",
                "no function is defined",
                "add at least one [[functions]] table",
            ));
        }
        if self.functions.len() > u32::MAX as usize / 2 {
            return Err(ConfigError::invalid(
                "functions",
                "too many functions",
                "simulate fewer functions",
            ));
        }
        if self.account.request_rate_per_s == Some(Limit::Count(0)) {
            return Err(ConfigError::invalid(
                "account.request_rate_per_s",
                "0 requests per second would throttle every invocation",
                format!(
                    "give a positive rate, \"unlimited\", or leave it out for AWS's quota ({REQUEST_RATE_PER_CONCURRENCY} × account.concurrency_limit, e.g. 10000 at 1000)"
                ),
            ));
        }
        let mut names = BTreeSet::new();
        let limit = self.account.concurrency_limit.as_u64();
        let mut reserved_sum: u64 = 0;
        let mut unreserved_pc: u64 = 0;
        for (i, f) in self.functions.iter().enumerate() {
            let p = format!("functions[{i}]");
            if f.name.is_empty() {
                return Err(ConfigError::invalid(
                    format!("{p}.name"),
                    "is empty",
                    "give each function a name",
                ));
            }
            if !names.insert(f.name.as_str()) {
                return Err(ConfigError::invalid(
                    format!("{p}.name"),
                    format!("\"{}\" is used by another function", f.name),
                    "give each function a unique name",
                ));
            }
            if !(MIN_MEMORY_MB..=MAX_MEMORY_MB).contains(&f.memory_mb) {
                return Err(ConfigError::invalid(
                    format!("{p}.memory_mb"),
                    format!(
                        "must be {MIN_MEMORY_MB} to {MAX_MEMORY_MB} MB (AWS Lambda's range), got {}",
                        f.memory_mb
                    ),
                    "give the configured memory in MB, from 128 to 10240",
                ));
            }
            if !(f.timeout_s >= 1.0 && f.timeout_s <= MAX_TIMEOUT_S) {
                return Err(ConfigError::invalid(
                    format!("{p}.timeout_s"),
                    format!(
                        "must be 1 to {MAX_TIMEOUT_S:.0} seconds (AWS Lambda's range), got {}",
                        f.timeout_s
                    ),
                    "give the function's configured timeout in seconds, or leave it out for the 900 s maximum",
                ));
            }
            if f.concurrency_per_instance == 0 || f.concurrency_per_instance > 1_000 {
                return Err(ConfigError::invalid(
                    format!("{p}.concurrency_per_instance"),
                    format!("must be in 1..=1000, got {}", f.concurrency_per_instance),
                    "use 1 for Lambda, or the per-instance request concurrency of your platform (Cloud Run: up to 1000)",
                ));
            }
            let pc_max = u64::from(f.provisioned.max_count());
            match f.reserved_concurrency {
                Some(r) => {
                    if pc_max > r {
                        return Err(ConfigError::invalid(
                            format!("{p}.provisioned"),
                            format!("{pc_max} provisioned instances exceed reserved_concurrency {r}"),
                            "provisioned concurrency must be <= reserved concurrency (AWS rule); raise the reservation or lower the provisioned count",
                        ));
                    }
                    reserved_sum = reserved_sum.saturating_add(r);
                }
                None => unreserved_pc = unreserved_pc.saturating_add(pc_max),
            }
        }
        // The work a run does grows with its arrivals (each an event or more): refuse what would
        // run for hours or exhaust memory, rather than appear to hang.
        let horizon_s = self.warmup_s + self.duration_s;
        let arrivals: f64 = self
            .functions
            .iter()
            .map(|f| f.arrivals.max_arrivals(horizon_s))
            .filter(|n| n.is_finite())
            .sum();
        if arrivals > MAX_ARRIVALS {
            return Err(ConfigError::invalid(
                "functions[*].arrivals",
                format!(
                    "up to {arrivals:.3e} arrivals over warmup_s + duration_s = {horizon_s} s, more than the {MAX_ARRIVALS:.0e} a run can simulate in reasonable time (about 20 million a second)"
                ),
                "lower the rates or simulate less time: percentiles and cold-start ratios settle long before that",
            ));
        }
        if limit != u64::MAX {
            let cap = limit.saturating_sub(self.account.min_unreserved_concurrency);
            if reserved_sum > cap {
                return Err(ConfigError::invalid(
                    "functions[*].reserved_concurrency",
                    format!(
                        "reservations add up to {reserved_sum}, but the account limit {limit} must keep {} unreserved",
                        self.account.min_unreserved_concurrency
                    ),
                    "lower the reservations, raise account.concurrency_limit, or lower account.min_unreserved_concurrency",
                ));
            }
            // Provisioned concurrency of functions without a reservation is taken from the unreserved pool,
            // which must keep min_unreserved_concurrency free as well (AWS, facts 3.3).
            let pc_cap = cap - reserved_sum;
            if unreserved_pc > pc_cap {
                return Err(ConfigError::invalid(
                    "functions[*].provisioned",
                    format!(
                        "{unreserved_pc} provisioned instances (of functions without reserved_concurrency) exceed the {pc_cap} the account can provision: limit {limit} - reservations {reserved_sum} - {} that must stay unreserved",
                        self.account.min_unreserved_concurrency
                    ),
                    "lower provisioned counts, raise account.concurrency_limit, or lower account.min_unreserved_concurrency",
                ));
            }
        }
        Ok(())
    }

    /// Total simulated time (warm-up + measured), microseconds. Call after [`Scenario::validate`].
    pub fn horizon(&self) -> SimDuration {
        SimDuration::from_secs_f64(self.warmup_s + self.duration_s).unwrap_or(SimDuration::ZERO)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
duration_s = 60

[[functions]]
name = "api"
memory_mb = 512
arrivals = { kind = "poisson", rate_per_s = 5.0 }
warm = { dist = "exponential", mean_ms = 100.0 }
cold = { model = "init_added", init = { dist = "constant", value_ms = 250.0 } }
"#;

    #[test]
    fn minimal_toml_parses_with_defaults() {
        let s: Scenario = toml::from_str(MINIMAL).expect("minimal scenario parses");
        assert_eq!(s.duration_s, 60.0);
        assert_eq!(s.warmup_s, 0.0);
        assert_eq!(s.resolution, Resolution::Minute);
        assert_eq!(s.account.concurrency_limit, Limit::Count(1000));
        let f = &s.functions[0];
        assert_eq!(f.concurrency_per_instance, 1);
        assert_eq!(
            f.keep_alive,
            KeepAliveConfig::Fixed {
                idle_timeout_s: 600.0
            }
        );
        assert_eq!(f.idle_selection, IdleSelection::MostRecentlyUsed);
        assert_eq!(f.invocation, InvocationType::Sync);
        assert!(f.bill_init);
        assert_eq!(f.scaling.new_environments_per_window, Limit::Count(1000));
        assert_eq!(s.validate(), Ok(()));
    }

    #[test]
    fn unknown_fields_are_rejected_everywhere() {
        let cases = [
            MINIMAL.replace("duration_s = 60", "duration_s = 60\ndurration = 1"),
            MINIMAL.replace("memory_mb = 512", "memory_mb = 512\nmemory = 1"),
            MINIMAL.replace("rate_per_s = 5.0", "rate_per_s = 5.0, rate = 1"),
            MINIMAL.replace("mean_ms = 100.0", "mean_ms = 100.0, p99_ms = 3"),
            MINIMAL.replace("value_ms = 250.0 }", "value_ms = 250.0 }, extra = 1"),
            format!("{MINIMAL}keep_alive = {{ policy = \"fixed\", idle_timeout_s = 5, x = 1 }}\n"),
            format!("{MINIMAL}keep_alive = {{ policy = \"hybrid_histogram\", bins = 5 }}\n"),
            format!("{MINIMAL}scaling = {{ window_s = 5, rate = 1 }}\n"),
        ];
        for c in &cases {
            let r = toml::from_str::<Scenario>(c);
            assert!(r.is_err(), "accepted: {c}");
        }
        let ok = format!("{MINIMAL}keep_alive = {{ policy = \"hybrid_histogram\", bin_s = 30 }}\n");
        let s: Scenario = toml::from_str(&ok).expect("hybrid with one override parses");
        let KeepAliveConfig::HybridHistogram(h) = &s.functions[0].keep_alive else {
            panic!("expected hybrid, got {:?}", s.functions[0].keep_alive);
        };
        assert_eq!(h.bin_s, 30.0);
        assert_eq!(h.range_s, 14_400.0);
    }

    #[test]
    fn validation_explains_the_fix() {
        let mut s: Scenario = toml::from_str(MINIMAL).expect("parses");
        s.functions.push(s.functions[0].clone());
        let e = s.validate().unwrap_err().to_string();
        assert!(e.starts_with("functions[1].name"), "{e}");
        assert!(e.contains("unique"), "{e}");

        let mut s: Scenario = toml::from_str(MINIMAL).expect("parses");
        s.functions[0].reserved_concurrency = Some(950);
        let e = s.validate().unwrap_err().to_string();
        assert!(e.contains("keep 100 unreserved"), "{e}");

        let mut s: Scenario = toml::from_str(MINIMAL).expect("parses");
        s.functions[0].reserved_concurrency = Some(10);
        s.functions[0].provisioned.count = 20;
        let e = s.validate().unwrap_err().to_string();
        assert!(e.starts_with("functions[0].provisioned"), "{e}");

        let mut s: Scenario = toml::from_str(MINIMAL).expect("parses");
        s.duration_s = 0.0;
        assert!(s
            .validate()
            .unwrap_err()
            .to_string()
            .starts_with("duration_s"));

        // Provisioned concurrency without a reservation may not use the 100 that must stay unreserved.
        let mut s: Scenario = toml::from_str(MINIMAL).expect("parses");
        s.functions[0].provisioned.count = 950;
        let e = s.validate().unwrap_err().to_string();
        assert!(e.starts_with("functions[*].provisioned"), "{e}");
        assert!(
            e.contains("exceed the 900 the account can provision"),
            "{e}"
        );
        s.functions[0].provisioned.count = 900;
        assert_eq!(s.validate(), Ok(()));

        // AWS Lambda's memory and timeout ranges, stated in the message.
        for (mb, ok) in [(127, false), (128, true), (10_240, true), (100_000, false)] {
            let mut s: Scenario = toml::from_str(MINIMAL).expect("parses");
            s.functions[0].memory_mb = mb;
            let r = s.validate().map_err(|e| e.to_string());
            assert_eq!(r.is_ok(), ok, "{mb}: {r:?}");
            if let Err(e) = r {
                assert!(e.contains("128 to 10240 MB"), "{e}");
            }
        }
        for (t, ok) in [(0.5, false), (1.0, true), (900.0, true), (901.0, false)] {
            let mut s: Scenario = toml::from_str(MINIMAL).expect("parses");
            s.functions[0].timeout_s = t;
            let r = s.validate().map_err(|e| e.to_string());
            assert_eq!(r.is_ok(), ok, "{t}: {r:?}");
            if let Err(e) = r {
                assert!(
                    e.contains("functions[0].timeout_s: must be 1 to 900 seconds"),
                    "{e}"
                );
            }
        }

        // Too short and too long durations say the real bounds.
        for d in [1e-7, 1e15, -1.0, f64::NAN] {
            let mut s: Scenario = toml::from_str(MINIMAL).expect("parses");
            s.duration_s = d;
            let e = s.validate().unwrap_err().to_string();
            assert!(
                e.contains("from 0.000001 (1 µs, the time resolution) to 1e10 seconds"),
                "{d}: {e}"
            );
        }

        let mut s: Scenario = toml::from_str(MINIMAL).expect("parses");
        s.functions.clear();
        assert!(s
            .validate()
            .unwrap_err()
            .to_string()
            .contains("[[functions]]"));
    }

    #[test]
    fn request_rate_defaults_to_ten_times_the_concurrency_limit() {
        let with = |account: &str| -> Result<Scenario, String> {
            let text = MINIMAL.replace(
                "duration_s = 60\n",
                &format!("duration_s = 60\n[account]\n{account}\n"),
            );
            toml::from_str::<Scenario>(&text).map_err(|e| e.to_string())
        };
        // Default: 10 x the default 1000 concurrency, and left out again when written back.
        let s: Scenario = toml::from_str(MINIMAL).expect("parses");
        assert_eq!(s.account.request_rate_per_s, None);
        assert_eq!(s.account.request_rate(), Limit::Count(10_000));
        let back = toml::to_string(&s).expect("serialises");
        assert!(!back.contains("request_rate_per_s"), "{back}");
        let s = with("concurrency_limit = 250").expect("parses");
        assert_eq!(s.account.request_rate(), Limit::Count(2_500));
        let s = with("concurrency_limit = \"unlimited\"").expect("parses");
        assert_eq!(s.account.request_rate(), Limit::Unlimited);
        // Given: it replaces the derived quota, in both directions.
        let s =
            with("concurrency_limit = \"unlimited\"\nrequest_rate_per_s = 500").expect("parses");
        assert_eq!(s.account.request_rate(), Limit::Count(500));
        assert_eq!(s.validate(), Ok(()));
        let s = with("request_rate_per_s = \"unlimited\"").expect("parses");
        assert_eq!(s.account.request_rate(), Limit::Unlimited);
        let s = with("request_rate_per_s = 2e4").expect("parses");
        assert_eq!(s.account.request_rate(), Limit::Count(20_000));
        let back = toml::to_string(&s).expect("serialises");
        assert!(back.contains("request_rate_per_s = 20000"), "{back}");
        // Invalid values say what is accepted.
        for bad in ["-5", "2.5", "\"fast\"", "true"] {
            let e = with(&format!("request_rate_per_s = {bad}")).unwrap_err();
            assert!(
                e.contains("a whole number >= 0 (such as 1000) or \"unlimited\""),
                "{bad}: {e}"
            );
        }
        assert!(with("request_rate = 5").is_err());
        let s = with("request_rate_per_s = 0").expect("parses");
        let e = s.validate().unwrap_err().to_string();
        assert!(
            e.starts_with("account.request_rate_per_s: 0 requests per second would throttle every invocation; fix: give a positive rate"),
            "{e}"
        );
        assert!(e.contains("10 × account.concurrency_limit"), "{e}");
    }
}
