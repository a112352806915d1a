//! Criterion benchmark of the engine on a shortened version of the issue's benchmark scenario (one function,
//! 1,000 requests/s Poisson, 600 s keep-alive): 60 simulated seconds, about 60,000 invocations per iteration.
//! The full 24-hour run is `examples/bench_24h.rs`.
//!
//! Run: `cargo bench -p faascope-sim --bench engine`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use faascope_sim::{Scenario, Simulation};

fn scenario(duration_s: u32) -> Scenario {
    let text = format!(
        r#"
duration_s = {duration_s}
resolution = "minute"
account = {{ concurrency_limit = "unlimited" }}
[[functions]]
name = "bench"
memory_mb = 512
arrivals = {{ kind = "poisson", rate_per_s = 1000.0 }}
warm = {{ dist = "exponential", mean_ms = 100.0 }}
cold = {{ model = "init_added", init = {{ dist = "lognormal", mean_ms = 250.0, p99_ms = 800.0 }} }}
keep_alive = {{ policy = "fixed", idle_timeout_s = 600 }}
"#
    );
    toml::from_str(&text).expect("benchmark scenario parses")
}

fn engine(c: &mut Criterion) {
    let s = scenario(60);
    let invocations = Simulation::new(&s, 1).expect("valid").run().total.requests;
    let mut g = c.benchmark_group("engine");
    g.throughput(Throughput::Elements(invocations));
    g.sample_size(20);
    g.bench_function("poisson_1000rps_60s", |b| {
        b.iter(|| Simulation::new(&s, 1).expect("valid").run().total.requests)
    });
    g.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
