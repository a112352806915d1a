//! # faascope-sim
//!
//! A pure, deterministic discrete-event simulator of FaaS (serverless) scaling, cold starts and billing, for
//! capacity what-if questions: "what if traffic triples?", "what does a 5-minute keep-alive cost in cold
//! starts?", "how much provisioned concurrency removes cold starts?", "when do we throttle?".
//!
//! * **Pure**: no I/O, no async, no wall clock, no files. The CLI reads scenario files and prints results.
//! * **Deterministic**: integer time in microseconds ([`SimTime`]), an event queue ordered by `(time, sequence)`,
//!   every random stream seeded explicitly (ChaCha8) and derived per function name, and samplers built on the
//!   pure-Rust `libm`, so the same scenario and seed give bit-identical output on every machine.
//! * **Bounded memory**: statistics are streaming (time integrals, HDR histograms); no per-request records.
//!
//! ```
//! use faascope_sim::{Scenario, Simulation};
//!
//! let scenario: Scenario = toml::from_str(r#"
//!     duration_s = 600
//!     warmup_s = 60
//!     [[functions]]
//!     name = "api"
//!     memory_mb = 512
//!     arrivals = { kind = "poisson", rate_per_s = 20.0 }
//!     warm = { dist = "lognormal", mean_ms = 80.0, p99_ms = 400.0 }
//!     cold = { model = "init_added", init = { dist = "lognormal", mean_ms = 300.0, p99_ms = 900.0 } }
//!     keep_alive = { policy = "fixed", idle_timeout_s = 600 }
//! "#).expect("valid TOML");
//! let out = Simulation::new(&scenario, 42).expect("valid scenario").run();
//! assert!(out.total.requests > 10_000);
//! assert_eq!(out.functions[0].name, "api");
//! ```
//!
//! See `simulator/README.md` for the model, the scenario schema and the validation.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod config;
mod de;
pub mod engine;
pub mod error;
pub mod output;
pub mod platform;
pub mod policy;
pub mod queue;
pub mod rng;
pub mod stats;
pub mod time;
pub mod workload;

pub use config::{AccountConfig, ColdConfig, FunctionConfig, Resolution, Scenario};
pub use engine::{replication_seeds, run_replications, Simulation};
pub use error::ConfigError;
pub use output::{
    Estimate, FunctionEstimates, FunctionOutput, LatencyReport, LatencySummary, Metrics,
    ReplicatedOutput, SimOutput, TimeBucket,
};
pub use platform::{
    AsyncRetryConfig, IdleSelection, InvocationType, Limit, ProvisionedConfig, ProvisionedStep,
    ScalingConfig,
};
pub use policy::{HybridConfig, KeepAliveConfig};
pub use rng::dist::DistConfig;
pub use time::{SimDuration, SimTime};
pub use workload::{ArrivalConfig, MmppState, ReplayEvent};
