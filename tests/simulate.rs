//! Integration tests of `faascope simulate`: every example scenario runs, the same seed gives the
//! same bytes, replications give confidence intervals, a sample-data function replays and is
//! priced, and bad scenarios are exit 2 with the file and the problem.

use predicates::prelude::*;
use serde_json::Value;

mod common;
use common::{faascope, root};

fn run(args: &[&str]) -> Vec<u8> {
    let out = faascope().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn every_example_scenario_runs_and_prints_the_outputs() {
    let dir = root().join("simulator/scenarios");
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_none_or(|x| x != "toml")
            || p.file_name().is_some_and(|f| f == "benchmark-24h.toml")
        {
            continue;
        }
        // Shortened so the suite stays quick; the file itself is what is checked.
        let out = run(&[
            "simulate",
            p.to_str().unwrap(),
            "--set",
            "duration_s=120",
            "--set",
            "warmup_s=10",
        ]);
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("cold starts") && text.contains("P(reject)"),
            "{text}"
        );
        n += 1;
    }
    assert!(n >= 5, "{n} scenarios");
}

#[test]
fn same_seed_same_json_different_seed_different() {
    let a = run(&[
        "simulate",
        "simulator/scenarios/api-basic.toml",
        "--seed",
        "7",
        "--format",
        "json",
    ]);
    let b = run(&[
        "simulate",
        "simulator/scenarios/api-basic.toml",
        "--seed",
        "7",
        "--format",
        "json",
    ]);
    assert_eq!(a, b);
    let c = run(&[
        "simulate",
        "simulator/scenarios/api-basic.toml",
        "--seed",
        "8",
        "--format",
        "json",
    ]);
    assert_ne!(a, c);
    let v: Value = serde_json::from_slice(&a).unwrap();
    let m = &v["simulation"]["functions"][0]["metrics"];
    assert!(m["requests"].as_u64().unwrap() > 80_000);
    assert!(m["latency"]["all"]["p99_ms"].as_f64().unwrap() > 0.0);
}

#[test]
fn replications_give_confidence_intervals() {
    let v: Value = serde_json::from_slice(&run(&[
        "simulate",
        "simulator/scenarios/api-basic.toml",
        "--replications",
        "4",
        "--set",
        "duration_s=300",
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(v["seeds"].as_array().unwrap().len(), 4);
    let est = v["functions"][0]["metrics"].as_array().unwrap();
    let cold = est
        .iter()
        .find(|e| e["metric"] == "cold_start_probability")
        .unwrap();
    assert_eq!(cold["n"], 4);
    assert!(cold["ci95_half_width"].as_f64().unwrap() >= 0.0);
}

#[test]
fn a_sample_data_function_replays_and_is_priced() {
    let v: Value = serde_json::from_slice(&run(&[
        "simulate",
        "--from",
        "sample-data",
        "--function",
        "orders-api",
        "--price",
        "--format",
        "json",
    ]))
    .unwrap();
    let m = &v["simulation"]["functions"][0]["metrics"];
    // Every observed arrival is replayed once at scale 1.
    let observed: Value = serde_json::from_slice(&run(&[
        "report",
        "sample-data",
        "--function",
        "^orders-api$",
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(
        m["requests"].as_u64(),
        observed["functions"][0]["invocations"].as_u64()
    );
    assert!(v["cost"][0]["on_demand_usd_per_month"].as_f64().unwrap() > 0.0);
    // Tripled traffic: about three times the requests.
    let v3: Value = serde_json::from_slice(&run(&[
        "simulate",
        "--from",
        "sample-data",
        "--function",
        "orders-api",
        "--traffic-scale",
        "3",
        "--format",
        "json",
    ]))
    .unwrap();
    let r1 = m["requests"].as_f64().unwrap();
    let r3 = v3["simulation"]["functions"][0]["metrics"]["requests"]
        .as_f64()
        .unwrap();
    assert!((r3 / r1 - 3.0).abs() < 0.05, "{r3} vs {r1}");
}

#[test]
fn bad_scenarios_are_exit_2_with_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.toml");
    std::fs::write(&p, "duration_s = 60\nbogus = 1\n").unwrap();
    faascope()
        .arg("simulate")
        .arg(&p)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.toml"));
    faascope()
        .args([
            "simulate",
            "simulator/scenarios/api-basic.toml",
            "--set",
            "functions.0.memory_mb=-5",
        ])
        .assert()
        .code(2);
    faascope()
        .args(["simulate", "--from", "sample-data", "--function", "nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("orders-api"));
}

#[test]
fn provisioned_concurrency_of_a_scenario_is_priced_at_pc_rates() {
    let v: Value = serde_json::from_slice(&run(&[
        "simulate",
        "simulator/scenarios/diurnal-provisioned.toml",
        "--price",
        "--format",
        "json",
    ]))
    .unwrap();
    let m = &v["simulation"]["functions"][0]["metrics"];
    let c = &v["cost"][0];
    let month = 730.0 * 3600.0 / v["simulation"]["measured_s"].as_f64().unwrap();
    // us-east-1 x86_64 (pricing/aws-lambda.toml): PC $0.0000041667 and PC duration
    // $0.0000097222 per GB-s; on-demand tier 1 $0.0000166667 per GB-s, requests $0.20 per 1M.
    let gb = |k: &str| m[k].as_f64().unwrap();
    let pc = (gb("provisioned_gb_s") * 0.0000041667
        + gb("billed_execution_on_provisioned_gb_s") * 0.0000097222)
        * month;
    assert!(gb("provisioned_gb_s") > 0.0);
    let got = c["provisioned_usd_per_month"].as_f64().unwrap();
    assert!((got - pc).abs() <= 0.01, "{got} vs {pc}");
    let on_demand_gb_s = (gb("billed_execution_gb_s") - gb("billed_execution_on_provisioned_gb_s")
        + gb("billed_init_gb_s"))
        * month;
    assert!(
        on_demand_gb_s < 6_000_000_000.0,
        "inside the first volume tier"
    );
    let od = on_demand_gb_s * 0.0000166667 + m["served"].as_f64().unwrap() * month * 0.2e-6;
    let got_od = c["on_demand_usd_per_month"].as_f64().unwrap();
    assert!((got_od - od).abs() <= 0.01, "{got_od} vs {od}");
    let total = c["total_usd_per_month"].as_f64().unwrap();
    assert!((total - got - got_od).abs() <= 0.011);
}

/// Scenarios that validation lets through must finish or fail cleanly: no allocation abort, no
/// run of weeks, errors with the file, the line and the field.
#[test]
fn oversized_and_misspelt_scenarios_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let function = |extra: &str| {
        format!(
            "[[functions]]\nname = \"f\"\nmemory_mb = 128\narrivals = {{ kind = \"poisson\", rate_per_s = 1.0 }}\nwarm = {{ dist = \"constant\", value_ms = 100.0 }}\ncold = {{ model = \"init_added\", init = {{ dist = \"constant\", value_ms = 200.0 }} }}\n{extra}"
        )
    };
    for (name, text, says) in [
        (
            "series.toml",
            format!(
                "duration_s = 1e9\nresolution = \"second\"\n{}",
                function("")
            ),
            "series.toml: resolution: 1000000000 time-series points (1 series",
        ),
        (
            "rate.toml",
            format!(
                "duration_s = 60\n{}",
                function("").replace("rate_per_s = 1.0", "rate_per_s = 1e12")
            ),
            "rate.toml: functions[*].arrivals: up to 6.000e13 arrivals",
        ),
        (
            "typo.toml",
            format!(
                "duration_s = 60\n{}",
                function("keep_alive = { policy = \"fixed\", idle_timeout = 60 }\n")
            ),
            "line 8",
        ),
    ] {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        faascope()
            .arg("simulate")
            .arg(&p)
            .timeout(std::time::Duration::from_secs(60))
            .assert()
            .code(2)
            .stderr(predicate::str::contains(says));
    }
    // --price needs one run, and a second table does not fit in CSV.
    for extra in [["--replications", "3"], ["--format", "csv"]] {
        faascope()
            .args(["simulate", "simulator/scenarios/api-basic.toml", "--price"])
            .args(extra)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("--price"));
    }
    // CSV is the table alone: its first line is the header.
    let csv = run(&[
        "simulate",
        "simulator/scenarios/api-basic.toml",
        "--format",
        "csv",
    ]);
    assert!(String::from_utf8(csv)
        .unwrap()
        .starts_with("function,requests,"));
}

/// A SnapStart function's restores are its cold path: a replay simulates them, not a 0 ms init.
#[test]
fn snapstart_restores_replay_as_cold_starts() {
    let out = faascope()
        .args([
            "simulate",
            "--from",
            "sample-data",
            "--function",
            "catalog-snapstart",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let notes = v["notes"].as_array().unwrap();
    assert!(
        !notes
            .iter()
            .any(|n| n.as_str().unwrap().contains("no cold start")),
        "{notes:?}"
    );
    assert!(
        v["simulation"]["functions"][0]["metrics"]["billed_init_ms"]
            .as_u64()
            .unwrap()
            > 0
    );
}
