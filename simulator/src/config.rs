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
}

impl Default for AccountConfig {
    fn default() -> Self {
        AccountConfig {
            concurrency_limit: d_limit(),
            min_unreserved_concurrency: d_unreserved(),
        }
    }
}

fn d_conc() -> u32 {
    1
}
fn d_true() -> bool {
    true
}

/// One function.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FunctionConfig {
    /// Unique name (also keys the function's random streams).
    pub name: String,
    /// Configured memory, MB (billing uses configured memory; AWS allows 128..10240).
    pub memory_mb: u32,
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

/// Most time-series points a scenario may keep (all series): 48 bytes each, about 1 GB.
pub const MAX_SERIES_POINTS: f64 = 2e7;

impl Scenario {
    /// Checks everything that can be checked without building the simulation.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let dur =
            SimDuration::from_secs_f64(self.duration_s).filter(|d| d.0 > 0 && !d.is_infinite());
        if dur.is_none() {
            return Err(ConfigError::invalid(
                "duration_s",
                format!(
                    "must be a finite number of seconds > 0, got {}",
                    self.duration_s
                ),
                "give the measured simulated time in seconds, e.g. 3600",
            ));
        }
        if SimDuration::from_secs_f64(self.warmup_s)
            .filter(|d| !d.is_infinite())
            .is_none()
        {
            return Err(ConfigError::invalid(
                "warmup_s",
                format!(
                    "must be a finite number of seconds >= 0, got {}",
                    self.warmup_s
                ),
                "give the warm-up in seconds, or leave it out for none",
            ));
        }
        if self.duration_s + self.warmup_s > 1e10 {
            return Err(ConfigError::invalid(
                "duration_s",
                "warmup_s + duration_s exceeds 1e10 s".to_string(),
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
            if f.memory_mb == 0 {
                return Err(ConfigError::invalid(
                    format!("{p}.memory_mb"),
                    "must be > 0",
                    "give the configured memory in MB (AWS Lambda: 128..10240)",
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
            if unreserved_pc > limit - reserved_sum {
                return Err(ConfigError::invalid(
                    "functions[*].provisioned",
                    format!(
                        "{unreserved_pc} provisioned instances exceed the unreserved concurrency {}",
                        limit - reserved_sum
                    ),
                    "lower provisioned counts or raise account.concurrency_limit",
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

        let mut s: Scenario = toml::from_str(MINIMAL).expect("parses");
        s.functions.clear();
        assert!(s
            .validate()
            .unwrap_err()
            .to_string()
            .contains("[[functions]]"));
    }
}
