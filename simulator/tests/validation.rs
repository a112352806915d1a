//! Validation against queueing theory, and determinism. Tolerances for stochastic checks come from
//! replications (95 % confidence intervals), with the reasoning next to each check.

use faascope_sim::{run_replications, Scenario, Simulation};

fn scenario(toml_text: &str) -> Scenario {
    toml::from_str(toml_text).expect("test scenario parses")
}

/// Erlang B blocking probability for `c` servers and offered load `a` (stable recursion).
fn erlang_b(c: u32, a: f64) -> f64 {
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (f64::from(k) + a * b);
    }
    b
}

#[test]
fn erlang_b_recursion_matches_known_values() {
    // Textbook values: B(1, 1) = 0.5; B(2, 1) = 0.2; B(10, 8) = 0.12166.
    assert!((erlang_b(1, 1.0) - 0.5).abs() < 1e-12);
    assert!((erlang_b(2, 1.0) - 0.2).abs() < 1e-12);
    assert!((erlang_b(10, 8.0) - 0.121_661).abs() < 1e-5);
}

const LITTLE: &str = r#"
duration_s = 3600
warmup_s = 300
resolution = "none"
account = { concurrency_limit = "unlimited" }

[[functions]]
name = "f"
memory_mb = 256
arrivals = { kind = "poisson", rate_per_s = 50.0 }
warm = { dist = "exponential", mean_ms = 200.0 }
cold = { model = "init_added", init = { dist = "lognormal", mean_ms = 300.0, p99_ms = 1000.0 } }
keep_alive = { policy = "fixed", idle_timeout_s = 60 }
"#;

#[test]
fn littles_law_holds_in_every_run() {
    // L = lambda W on the sample path: time-averaged requests in flight = throughput x mean response time.
    // Only requests straddling the ends of the measured period break the identity; with 180,000 requests of
    // ~0.2 s that is ~ 1e-5 relative, so 0.5 % is generous.
    let s = scenario(LITTLE);
    for seed in [1, 2, 3] {
        let out = Simulation::new(&s, seed).expect("valid").run();
        let m = &out.total;
        let throughput = m.served as f64 / out.measured_s;
        let w_s = m.latency.all.mean_ms.expect("served requests") / 1000.0;
        let rel = (m.avg_in_flight / (throughput * w_s) - 1.0).abs();
        assert!(
            rel < 0.005,
            "seed {seed}: L = {} vs lambda W = {}",
            m.avg_in_flight,
            throughput * w_s
        );
        // One request per instance: busy instances are requests in flight.
        assert_eq!(m.avg_busy_instances, m.avg_in_flight);
    }
}

#[test]
fn busy_instances_equal_arrival_rate_times_mean_service_time() {
    // M/G/infinity: E[busy] = lambda x E[S] with E[S] = 200 ms + P(cold) x 300 ms. Five replications of one
    // hour; the check allows three half-widths of the 95 % interval (or 1 %, whichever is larger).
    let s = scenario(LITTLE);
    let r = run_replications(&s, 11, 5).expect("valid");
    let busy = r.total_estimate("avg_busy_instances").expect("present");
    let p_cold = r
        .total_estimate("cold_start_probability")
        .and_then(|e| e.mean)
        .expect("present");
    let theory = 50.0 * (0.2 + p_cold * 0.3);
    let mean = busy.mean.expect("n > 0");
    let tol = (3.0 * busy.ci95_half_width.expect("n > 1")).max(0.01 * theory);
    assert!(
        (mean - theory).abs() < tol,
        "busy {mean} vs theory {theory} (tol {tol})"
    );
}

#[test]
fn infinite_keep_alive_without_limits_keeps_exactly_peak_concurrency() {
    // An instance is created only when every existing one is busy and none ever expires, so the number of
    // instances equals the highest number of requests in flight so far: exactly, in every run.
    let s = scenario(
        r#"
duration_s = 1800
resolution = "none"
account = { concurrency_limit = "unlimited" }
[[functions]]
name = "f"
memory_mb = 128
arrivals = { kind = "on_off", on_rate_per_s = 40.0, mean_on_s = 30, mean_off_s = 60 }
warm = { dist = "exponential", mean_ms = 500.0 }
cold = { model = "init_added", init = { dist = "exponential", mean_ms = 100.0 } }
keep_alive = { policy = "fixed", idle_timeout_s = inf }
scaling = { new_environments_per_window = "unlimited" }
"#,
    );
    for seed in 1..=5 {
        let m = Simulation::new(&s, seed).expect("valid").run().total;
        assert!(m.max_in_flight > 20, "{}", m.max_in_flight);
        assert_eq!(m.max_instances, m.max_in_flight, "seed {seed}");
        assert_eq!(m.cold_starts, m.max_instances, "seed {seed}");
        assert_eq!(m.instances_ended, 0);
        assert_eq!(m.rejected, 0);
    }
}

#[test]
fn loss_system_blocking_equals_erlang_b() {
    // M/M/c/c: Poisson arrivals (8 / s), exponential service (mean 1 s), infinite keep-alive and an account
    // limit of c = 10: rejected requests are exactly those arriving when all 10 instances are busy.
    // Cold requests use the same distribution (no init), so service is exponential for every request.
    let s = scenario(
        r#"
duration_s = 4000
warmup_s = 200
resolution = "none"
account = { concurrency_limit = 10, min_unreserved_concurrency = 0 }
[[functions]]
name = "f"
memory_mb = 128
arrivals = { kind = "poisson", rate_per_s = 8.0 }
warm = { dist = "exponential", mean_ms = 1000.0 }
cold = { model = "whole_request", request = { dist = "exponential", mean_ms = 1000.0 } }
keep_alive = { policy = "fixed", idle_timeout_s = inf }
"#,
    );
    let r = run_replications(&s, 5, 8).expect("valid");
    let b = r.total_estimate("rejection_probability").expect("present");
    let theory = erlang_b(10, 8.0);
    let mean = b.mean.expect("n > 0");
    let hw = b.ci95_half_width.expect("n > 1");
    // 8 runs of ~32,000 arrivals: the half-width is ~0.003. Three half-widths keep the false-failure rate
    // negligible while still detecting a wrong model (e.g. counting idle instances would give ~0).
    assert!(
        (mean - theory).abs() < 3.0 * hw,
        "blocking {mean} +- {hw} vs Erlang B {theory}"
    );
    assert!(hw < 0.01, "{hw}");
}

const TWO: &str = r#"
duration_s = 600
warmup_s = 60
resolution = "second"
account = { concurrency_limit = "unlimited" }

[[functions]]
name = "api"
memory_mb = 512
arrivals = { kind = "poisson", rate_per_s = 30.0 }
warm = { dist = "lognormal", mean_ms = 120.0, p99_ms = 900.0 }
cold = { model = "init_added", init = { dist = "lognormal", mean_ms = 400.0, p99_ms = 1500.0 } }
keep_alive = { policy = "fixed", idle_timeout_s = 30 }
idle_selection = "least_recently_used"

[[functions]]
name = "worker"
memory_mb = 1024
invocation = "async"
arrivals = { kind = "sinusoid", mean_rate_per_s = 5.0, relative_amplitude = 0.8, period_s = 300 }
warm = { dist = "empirical", samples_ms = [50.0, 80.0, 120.0, 2000.0] }
cold = { model = "whole_request", request = { dist = "exponential", mean_ms = 2500.0 } }
keep_alive = { policy = "hybrid_histogram" }
provisioned = { count = 2 }
"#;

#[test]
fn same_seed_gives_identical_json_and_different_seeds_differ() {
    let s = scenario(TWO);
    let a =
        serde_json::to_string(&Simulation::new(&s, 99).expect("valid").run()).expect("serialises");
    let b =
        serde_json::to_string(&Simulation::new(&s, 99).expect("valid").run()).expect("serialises");
    let c =
        serde_json::to_string(&Simulation::new(&s, 100).expect("valid").run()).expect("serialises");
    assert_eq!(a, b);
    assert_ne!(a, c);
    assert!(a.len() > 10_000, "{}", a.len());
    // Replications are deterministic too.
    let r1 =
        serde_json::to_string(&run_replications(&s, 3, 3).expect("valid")).expect("serialises");
    let r2 =
        serde_json::to_string(&run_replications(&s, 3, 3).expect("valid")).expect("serialises");
    assert_eq!(r1, r2);
}

#[test]
fn adding_a_function_does_not_change_another_functions_results() {
    // Streams are keyed by function name, and with no shared limit the functions do not interact.
    let both = scenario(TWO);
    let mut only_api = both.clone();
    only_api.functions.truncate(1);
    let mut reversed = both.clone();
    reversed.functions.reverse();
    let a = Simulation::new(&both, 5).expect("valid").run();
    let b = Simulation::new(&only_api, 5).expect("valid").run();
    let c = Simulation::new(&reversed, 5).expect("valid").run();
    assert_eq!(a.functions[0], b.functions[0]);
    assert_eq!(a.functions[0], c.functions[1]);
    assert_eq!(a.functions[1], c.functions[0]);
    assert!(a.functions[0].metrics.requests > 10_000);
}
