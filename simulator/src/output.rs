//! Simulation results. Everything is `Serialize` with a fixed field order and `Vec`s in scenario order, so the
//! same seed and scenario always serialise to the same bytes.
//!
//! Ratios whose denominator is zero (for example the cold-start probability of a function that served nothing)
//! are `None` (JSON `null`), never NaN.

use serde::{Serialize, Serializer};

/// A seed as a decimal string: exact for every `u64`, where a JSON number above 2^53 is not for many readers.
fn seed_string<S: Serializer>(seed: &u64, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(seed)
}

fn seeds_strings<S: Serializer>(seeds: &[u64], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(seeds.iter().map(u64::to_string))
}

/// The result of one run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimOutput {
    /// The run's seed. In JSON a decimal string, so that seeds above 2^53 survive readers that parse numbers
    /// as doubles (jq, JavaScript); `--seed` takes it back as is.
    #[serde(serialize_with = "seed_string")]
    pub seed: u64,
    /// Warm-up excluded from the statistics, seconds.
    pub warmup_s: f64,
    /// Measured period, seconds.
    pub measured_s: f64,
    /// Time-series bucket width, seconds (`None`: no time series).
    pub resolution_s: Option<u64>,
    /// Events processed by the engine over the whole run (warm-up included).
    pub events_processed: u64,
    /// Account-wide figures (sums over functions; maxima and time series of the account-wide totals).
    pub total: Metrics,
    /// Account-wide time series.
    pub time_series: Vec<TimeBucket>,
    /// Per-function results, in scenario order.
    pub functions: Vec<FunctionOutput>,
}

/// One function's results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunctionOutput {
    /// Function name.
    pub name: String,
    /// Configured memory, MB.
    pub memory_mb: u32,
    /// Figures.
    pub metrics: Metrics,
    /// Time series.
    pub time_series: Vec<TimeBucket>,
}

/// Headline figures over the measured period. Requests are counted when they first arrive in the measured
/// period; their latency and billing are counted when they are served, even if they finish after its end.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metrics {
    /// Requests (unique invocations; async retries are not counted again).
    pub requests: u64,
    /// Requests that were served (warm + cold).
    pub served: u64,
    /// Served without a cold start.
    pub warm_starts: u64,
    /// Served with a cold start: a new instance was created for them, or they ran the init again on an
    /// instance that a timeout had reset (see `timeouts`).
    pub cold_starts: u64,
    /// `cold_starts / served`.
    pub cold_start_probability: Option<f64>,
    /// Throttled attempts (synchronous rejections plus throttled asynchronous attempts), whatever the cause.
    pub throttles: u64,
    /// The part of `throttles` refused by the account's invocation request-rate quota
    /// (`account.request_rate_per_s`, AWS: 10 × the concurrency limit per second); the rest were over the
    /// concurrency limits or the scaling rate.
    pub rate_throttles: u64,
    /// Synchronous requests rejected (HTTP 429).
    pub rejected: u64,
    /// Asynchronous retry attempts scheduled.
    pub async_retries: u64,
    /// Asynchronous events dropped after the maximum event age.
    pub dropped_async: u64,
    /// Asynchronous events still waiting for a retry when the run ended: neither served, nor
    /// rejected, nor dropped (`requests - served - rejected - dropped_async`).
    pub pending_async: u64,
    /// `(rejected + dropped_async) / requests`: the share of requests never served.
    pub rejection_probability: Option<f64>,
    /// Served requests whose execution reached the function timeout (`timeout_s`): they end there and are billed
    /// up to it. With `cold = whole_request`, a cold request times out past the 10 s INIT limit plus the timeout.
    /// A timeout resets the instance, as Lambda resets the execution environment: the next request it serves
    /// runs the init again and is a cold start (the instance is not counted as created again).
    pub timeouts: u64,
    /// Cold starts whose INIT exceeded the 10 s on-demand limit: the INIT phase ends at 10 s and the init runs
    /// again inside the first invocation (billed as execution, under the function timeout).
    pub init_timeouts: u64,
    /// Instances pre-warmed by the hybrid histogram policy.
    pub prewarms: u64,
    /// Instances created in the measured period (cold starts on new instances, pre-warms and provisioned
    /// allocations; not the re-inits after a timeout).
    pub instances_created: u64,
    /// Instances that ended (expired, unloaded or de-provisioned) in the measured period.
    pub instances_ended: u64,
    /// Mean lifespan (creation to end) of the instances that ended in the measured period, seconds.
    pub mean_instance_lifespan_s: Option<f64>,
    /// Time-averaged number of instances (busy + idle, provisioned included).
    pub avg_instances: f64,
    /// Time-averaged busy instances (initialising or running a request).
    pub avg_busy_instances: f64,
    /// Time-averaged idle instances (provisioned included; `idle_instance_s` counts on-demand only).
    pub avg_idle_instances: f64,
    /// Time-averaged requests in flight (equals busy instances when each instance serves one request).
    pub avg_in_flight: f64,
    /// Largest number of instances at any instant.
    pub max_instances: u64,
    /// Largest number of requests in flight at any instant (peak concurrency).
    pub max_in_flight: u64,
    /// Response times.
    pub latency: LatencyReport,
    /// Billed execution, ms (sum of per-request billed execution).
    pub billed_execution_ms: u64,
    /// Billed init, ms (`ceil(init + exec) - ceil(exec)` per cold start, when init is billed).
    pub billed_init_ms: u64,
    /// Billed execution, GB-s (memory_mb / 1024 x seconds).
    pub billed_execution_gb_s: f64,
    /// Part of `billed_execution_gb_s` served on provisioned instances (priced at the provisioned duration rate).
    pub billed_execution_on_provisioned_gb_s: f64,
    /// Billed init, GB-s.
    pub billed_init_gb_s: f64,
    /// Idle time of on-demand instances (memory kept warm for nothing), instance-seconds.
    pub idle_instance_s: f64,
    /// The same in GB-s.
    pub idle_gb_s: f64,
    /// Configured provisioned concurrency x memory x time, GB-s.
    pub provisioned_gb_s: f64,
    /// Busy provisioned instance time / provisioned instance time.
    pub provisioned_utilization: Option<f64>,
}

/// Response-time summaries.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LatencyReport {
    /// Requests served without a cold start.
    pub warm: LatencySummary,
    /// Requests served with a cold start.
    pub cold: LatencySummary,
    /// All served requests.
    pub all: LatencySummary,
}

/// Response time = queueing (asynchronous retries, waiting for a starting instance) + init (cold) + execution,
/// in milliseconds. Percentiles come from an HDR histogram with 3 significant digits (relative error
/// <= 0.1 %); the mean is exact.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LatencySummary {
    /// Requests summarised.
    pub count: u64,
    /// Mean.
    pub mean_ms: Option<f64>,
    /// Median.
    pub p50_ms: Option<f64>,
    /// 90th percentile.
    pub p90_ms: Option<f64>,
    /// 95th percentile.
    pub p95_ms: Option<f64>,
    /// 99th percentile.
    pub p99_ms: Option<f64>,
    /// Maximum.
    pub max_ms: Option<f64>,
}

/// One time-series bucket `[start_s, start_s + resolution_s)` of the measured period (`start_s` counts from the
/// start of the simulation, warm-up included).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TimeBucket {
    /// Bucket start, whole seconds of simulated time.
    pub start_s: u64,
    /// Requests that arrived (first attempts).
    pub arrivals: u64,
    /// Largest number of requests in flight in the bucket.
    pub max_in_flight: u64,
    /// Largest number of instances in the bucket.
    pub max_instances: u64,
    /// Cold starts.
    pub cold_starts: u64,
    /// Throttled attempts (all causes, request-rate quota included).
    pub throttles: u64,
}

/// Mean and 95 % confidence interval of one headline figure over replications.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Estimate {
    /// Figure name (a field of [`Metrics`], latency as `latency_all_p99_ms` and so on).
    pub metric: String,
    /// Replications in which the figure was defined.
    pub n: u64,
    /// Mean over those replications (`None` if none).
    pub mean: Option<f64>,
    /// Sample standard deviation (`None` if n < 2).
    pub std_dev: Option<f64>,
    /// Half-width of the 95 % confidence interval of the mean (`None` if n < 2).
    pub ci95_half_width: Option<f64>,
}

/// Estimates for one function.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunctionEstimates {
    /// Function name.
    pub name: String,
    /// One estimate per headline figure.
    pub metrics: Vec<Estimate>,
}

/// The result of independent replications.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReplicatedOutput {
    /// Seeds used, one per replication (the first is the base seed itself). In JSON decimal strings, like
    /// [`SimOutput::seed`].
    #[serde(serialize_with = "seeds_strings")]
    pub seeds: Vec<u64>,
    /// Account-wide estimates.
    pub total: Vec<Estimate>,
    /// Per-function estimates, in scenario order.
    pub functions: Vec<FunctionEstimates>,
}

impl Metrics {
    /// The headline figures with stable names, in a fixed order (used for replication estimates).
    pub fn headline(&self) -> Vec<(&'static str, Option<f64>)> {
        let l = &self.latency;
        vec![
            ("requests", Some(self.requests as f64)),
            ("served", Some(self.served as f64)),
            ("cold_starts", Some(self.cold_starts as f64)),
            ("cold_start_probability", self.cold_start_probability),
            ("throttles", Some(self.throttles as f64)),
            ("rate_throttles", Some(self.rate_throttles as f64)),
            ("rejected", Some(self.rejected as f64)),
            ("dropped_async", Some(self.dropped_async as f64)),
            ("pending_async", Some(self.pending_async as f64)),
            ("rejection_probability", self.rejection_probability),
            ("timeouts", Some(self.timeouts as f64)),
            ("init_timeouts", Some(self.init_timeouts as f64)),
            ("prewarms", Some(self.prewarms as f64)),
            ("avg_instances", Some(self.avg_instances)),
            ("avg_busy_instances", Some(self.avg_busy_instances)),
            ("avg_idle_instances", Some(self.avg_idle_instances)),
            ("avg_in_flight", Some(self.avg_in_flight)),
            ("max_instances", Some(self.max_instances as f64)),
            ("max_in_flight", Some(self.max_in_flight as f64)),
            ("mean_instance_lifespan_s", self.mean_instance_lifespan_s),
            ("latency_all_mean_ms", l.all.mean_ms),
            ("latency_all_p50_ms", l.all.p50_ms),
            ("latency_all_p90_ms", l.all.p90_ms),
            ("latency_all_p95_ms", l.all.p95_ms),
            ("latency_all_p99_ms", l.all.p99_ms),
            ("latency_all_max_ms", l.all.max_ms),
            ("latency_warm_p50_ms", l.warm.p50_ms),
            ("latency_warm_p99_ms", l.warm.p99_ms),
            ("latency_cold_p50_ms", l.cold.p50_ms),
            ("latency_cold_p99_ms", l.cold.p99_ms),
            ("billed_execution_gb_s", Some(self.billed_execution_gb_s)),
            (
                "billed_execution_on_provisioned_gb_s",
                Some(self.billed_execution_on_provisioned_gb_s),
            ),
            ("billed_init_gb_s", Some(self.billed_init_gb_s)),
            ("idle_instance_s", Some(self.idle_instance_s)),
            ("idle_gb_s", Some(self.idle_gb_s)),
            ("provisioned_gb_s", Some(self.provisioned_gb_s)),
            ("provisioned_utilization", self.provisioned_utilization),
        ]
    }
}

impl ReplicatedOutput {
    /// The estimate named `metric` for the account total, if present.
    pub fn total_estimate(&self, metric: &str) -> Option<&Estimate> {
        self.total.iter().find(|e| e.metric == metric)
    }
}
