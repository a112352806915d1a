//! The issue's benchmark: one function, 1,000 requests/s Poisson for 24 simulated hours (about 86.4 million
//! invocations), 600 s fixed keep-alive; prints wall time and invocations per second.
//!
//! Run: `cargo run --release -p faascope-sim --example bench_24h [-- HOURS [SEED [--simfaas-model]]]`
//! (default 24 hours, seed 1).
//!
//! The service model is our choice (the issue fixes only the traffic and the keep-alive): exponential warm time
//! with mean 100 ms, log-normal init with mean 250 ms / p99 800 ms, 512 MB, per-minute time series. With
//! `--simfaas-model` the cold path is SimFaaS's instead (a whole cold request, exponential with mean 350 ms)
//! and idle instances are picked newest first, to time the same model SimFaaS runs.

use faascope_sim::{Scenario, Simulation};
use std::time::Instant;

fn scenario(hours: f64, simfaas_model: bool) -> Result<Scenario, toml::de::Error> {
    let (cold, selection) = if simfaas_model {
        (
            r#"{ model = "whole_request", request = { dist = "exponential", mean_ms = 350.0 } }"#,
            "most_recently_created",
        )
    } else {
        (
            r#"{ model = "init_added", init = { dist = "lognormal", mean_ms = 250.0, p99_ms = 800.0 } }"#,
            "most_recently_used",
        )
    };
    toml::from_str(&format!(
        r#"
duration_s = {duration_s}
resolution = "minute"
account = {{ concurrency_limit = "unlimited" }}

[[functions]]
name = "bench"
memory_mb = 512
arrivals = {{ kind = "poisson", rate_per_s = 1000.0 }}
warm = {{ dist = "exponential", mean_ms = 100.0 }}
cold = {cold}
keep_alive = {{ policy = "fixed", idle_timeout_s = 600 }}
idle_selection = "{selection}"
"#,
        duration_s = hours * 3600.0
    ))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let hours: f64 = args.get(1).map(|s| s.parse()).transpose()?.unwrap_or(24.0);
    let seed: u64 = args.get(2).map(|s| s.parse()).transpose()?.unwrap_or(1);
    let simfaas_model = args.iter().any(|a| a == "--simfaas-model");
    let sc = scenario(hours, simfaas_model)?;
    let start = Instant::now();
    let out = Simulation::new(&sc, seed)?.run();
    let wall = start.elapsed().as_secs_f64();
    let t = &out.total;
    println!("simulated_hours={hours} seed={seed} simfaas_model={simfaas_model}");
    println!("invocations={} events={}", t.requests, out.events_processed);
    println!("wall_s={wall:.3}");
    println!("invocations_per_s={:.0}", t.requests as f64 / wall);
    println!(
        "cold_starts={} avg_busy={:.3} avg_instances={:.3} max_instances={} p99_ms={:?} time_series_points={}",
        t.cold_starts,
        t.avg_busy_instances,
        t.avg_instances,
        t.max_instances,
        t.latency.all.p99_ms,
        out.time_series.len()
    );
    Ok(())
}
