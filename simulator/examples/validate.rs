//! Prints the validation tables of `docs/validation.md`.
//!
//! * `cargo run --release --example validate` — checks against queueing theory (Markdown table);
//! * `cargo run --release --example validate -- --simfaas` — faascope-sim on the SimFaaS parameter sets
//!   (Markdown table);
//! * `cargo run --release --example validate -- --simfaas-json` — the same as JSON, read by
//!   `docs/validation/simfaas_compare.py --faascope FILE` to print the side-by-side table.
//!
//! Every figure is a mean over replications with the half-width of its 95 % confidence interval (Student t).

use faascope_sim::{run_replications, ReplicatedOutput, Scenario, Simulation};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn scenario(text: &str) -> Res<Scenario> {
    Ok(toml::from_str(text)?)
}

fn est(r: &ReplicatedOutput, metric: &str) -> (f64, f64) {
    r.total_estimate(metric)
        .map(|e| {
            (
                e.mean.unwrap_or(f64::NAN),
                e.ci95_half_width.unwrap_or(f64::NAN),
            )
        })
        .unwrap_or((f64::NAN, f64::NAN))
}

fn erlang_b(c: u32, a: f64) -> f64 {
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (f64::from(k) + a * b);
    }
    b
}

fn mgi(init_ms: f64) -> String {
    format!(
        r#"
duration_s = 3600
warmup_s = 300
resolution = "none"
account = {{ concurrency_limit = "unlimited" }}
[[functions]]
name = "f"
memory_mb = 256
arrivals = {{ kind = "poisson", rate_per_s = 50.0 }}
warm = {{ dist = "exponential", mean_ms = 200.0 }}
cold = {{ model = "init_added", init = {{ dist = "constant", value_ms = {init_ms} }} }}
keep_alive = {{ policy = "fixed", idle_timeout_s = 60 }}
"#
    )
}

fn theory_table() -> Res<()> {
    let reps = 10;
    println!(
        "| check | parameters | theory | faascope-sim (mean ± 95 % CI, {reps} replications) |"
    );
    println!("|---|---|---|---|");

    // Little's law on the sample path.
    let s = scenario(&mgi(300.0))?;
    let mut worst: f64 = 0.0;
    for seed in 1..=reps {
        let out = Simulation::new(&s, seed)?.run();
        let m = &out.total;
        let lw =
            m.served as f64 / out.measured_s * m.latency.all.mean_ms.unwrap_or(f64::NAN) / 1000.0;
        worst = worst.max((m.avg_in_flight / lw - 1.0).abs());
    }
    println!(
        "| Little's law L = λW (every run) | Poisson 50/s, exp. 200 ms, init 300 ms, keep-alive 60 s, 1 h | L = λW | largest relative gap {:.1e} over {reps} runs |",
        worst
    );

    // M/G/infinity busy instances.
    for init in [0.0, 300.0] {
        let s = scenario(&mgi(init))?;
        let r = run_replications(&s, 1, reps as u32)?;
        let (busy, hw) = est(&r, "avg_busy_instances");
        let (pc, _) = est(&r, "cold_start_probability");
        let theory = 50.0 * (0.2 + pc * init / 1000.0);
        let how = if init > 0.0 {
            format!("λ(E[exec] + P(cold)·init) = {theory:.3} (P(cold) = {pc:.2e} simulated)")
        } else {
            format!("λE[S] = {theory:.3}")
        };
        println!(
            "| busy instances = λ × mean service time | Poisson 50/s, exp. 200 ms, init {init} ms, 1 h | {how} | {busy:.3} ± {hw:.3} |"
        );
    }

    // Infinite keep-alive, no limits: instances = peak concurrency.
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
    )?;
    let mut equal = 0;
    let mut peaks = Vec::new();
    for seed in 1..=reps {
        let m = Simulation::new(&s, seed)?.run().total;
        if m.max_instances == m.max_in_flight {
            equal += 1;
        }
        peaks.push(m.max_in_flight);
    }
    println!(
        "| max instances = peak concurrency | on/off MMPP 40/s, exp. 500 ms, keep-alive ∞, no limits, 30 min | equal | equal in {equal}/{reps} runs (peaks {}–{}) |",
        peaks.iter().min().unwrap_or(&0),
        peaks.iter().max().unwrap_or(&0)
    );

    // Erlang B.
    for (c, a) in [(5u32, 3.0f64), (10, 8.0), (50, 45.0)] {
        let s = scenario(&format!(
            r#"
duration_s = 4000
warmup_s = 200
resolution = "none"
account = {{ concurrency_limit = {c}, min_unreserved_concurrency = 0 }}
[[functions]]
name = "f"
memory_mb = 128
arrivals = {{ kind = "poisson", rate_per_s = {a} }}
warm = {{ dist = "exponential", mean_ms = 1000.0 }}
cold = {{ model = "whole_request", request = {{ dist = "exponential", mean_ms = 1000.0 }} }}
keep_alive = {{ policy = "fixed", idle_timeout_s = inf }}
"#
        ))?;
        let r = run_replications(&s, 1, reps as u32)?;
        let (b, hw) = est(&r, "rejection_probability");
        println!(
            "| M/M/c/c blocking = Erlang B | Poisson {a}/s, exp. 1 s, c = {c}, keep-alive ∞, 4000 s | B({c}, {a}) = {:.5} | {b:.5} ± {hw:.5} |",
            erlang_b(c, a)
        );
    }
    Ok(())
}

/// SimFaaS parameter sets: (name, arrival rate /s, warm mean s, cold mean s, expiration threshold s,
/// maximum concurrency, simulated time s). Keep in sync with `docs/validation/simfaas_compare.py`.
const SIMFAAS_SETS: [(&str, f64, f64, f64, f64, u32, f64); 4] = [
    ("A", 0.9, 2.016, 2.163, 600.0, 1000, 1_000_000.0),
    ("B", 5.0, 1.0, 1.5, 60.0, 1000, 100_000.0),
    ("C", 8.0, 1.0, 1.2, 120.0, 10, 100_000.0),
    ("D", 0.02, 1.0, 2.0, 30.0, 1000, 2_000_000.0),
];

fn simfaas_scenario(
    rate: f64,
    warm_s: f64,
    cold_s: f64,
    thr_s: f64,
    c: u32,
    time_s: f64,
) -> Res<Scenario> {
    scenario(&format!(
        r#"
duration_s = {time_s}
resolution = "none"
account = {{ concurrency_limit = {c}, min_unreserved_concurrency = 0 }}
[[functions]]
name = "f"
memory_mb = 128
arrivals = {{ kind = "poisson", rate_per_s = {rate} }}
warm = {{ dist = "exponential", mean_ms = {} }}
cold = {{ model = "whole_request", request = {{ dist = "exponential", mean_ms = {} }} }}
keep_alive = {{ policy = "fixed", idle_timeout_s = {thr_s} }}
idle_selection = "most_recently_created"
scaling = {{ new_environments_per_window = "unlimited" }}
"#,
        warm_s * 1000.0,
        cold_s * 1000.0
    ))
}

fn simfaas(json: bool) -> Res<()> {
    let reps = 10u32;
    let mut rows = Vec::new();
    for (name, rate, warm, cold, thr, c, time) in SIMFAAS_SETS {
        let s = simfaas_scenario(rate, warm, cold, thr, c, time)?;
        let seeds = faascope_sim::replication_seeds(1, reps);
        let runs: Vec<_> = seeds
            .iter()
            .map(|&seed| Simulation::new(&s, seed).map(|sim| sim.run()))
            .collect::<Result<_, _>>()?;
        // SimFaaS divides cold starts by all requests (rejected included); compute the same ratio per run.
        let mut per_run: Vec<[f64; 5]> = Vec::new();
        for o in &runs {
            let m = &o.total;
            per_run.push([
                m.cold_starts as f64 / m.requests.max(1) as f64,
                m.rejection_probability.unwrap_or(0.0),
                m.avg_instances,
                m.avg_busy_instances,
                m.avg_idle_instances,
            ]);
        }
        let names = [
            "p_cold",
            "p_reject",
            "avg_instances",
            "avg_running",
            "avg_idle",
        ];
        let mut cols = Vec::new();
        for (k, n) in names.iter().enumerate() {
            let v: Vec<f64> = per_run.iter().map(|r| r[k]).collect();
            let e = faascope_sim::stats::estimate(n, &v);
            cols.push((
                n.to_string(),
                e.mean.unwrap_or(f64::NAN),
                e.ci95_half_width.unwrap_or(f64::NAN),
            ));
        }
        rows.push((name, rate, warm, cold, thr, c, time, cols));
    }
    if json {
        println!("{{");
        for (i, (name, _, _, _, _, _, _, cols)) in rows.iter().enumerate() {
            let fields: Vec<String> = cols
                .iter()
                .map(|(n, m, h)| format!("\"{n}\": [{m}, {h}]"))
                .collect();
            let sep = if i + 1 < rows.len() { "," } else { "" };
            println!("  \"{name}\": {{{}}}{sep}", fields.join(", "));
        }
        println!("}}");
    } else {
        println!("| set | λ /s | warm s | cold s | threshold s | max conc. | time s | P(cold) | P(reject) | avg instances | avg running | avg idle |");
        println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (name, rate, warm, cold, thr, c, time, cols) in rows {
            let cells: Vec<String> = cols
                .iter()
                .map(|(_, m, h)| format!("{m:.4} ± {h:.4}"))
                .collect();
            println!(
                "| {name} | {rate} | {warm} | {cold} | {thr} | {c} | {time} | {} |",
                cells.join(" | ")
            );
        }
    }
    Ok(())
}

fn main() -> Res<()> {
    match std::env::args().nth(1).as_deref() {
        Some("--simfaas") => simfaas(false),
        Some("--simfaas-json") => simfaas(true),
        _ => theory_table(),
    }
}
