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

/// Fourth-round simulate review: `--from --set functions.0.memory_mb=2048` replayed the
/// durations seen at 512 MB (4× the GB-s, $0.93 where tune and the dashboard say $0.33).
#[test]
fn a_replay_at_another_memory_size_scales_its_durations() {
    let gb_s = |extra: &[&str]| -> f64 {
        let mut args = vec![
            "simulate",
            "--from",
            "sample-data",
            "--function",
            "orders-api",
            "--format",
            "json",
            "-q",
        ];
        args.extend_from_slice(extra);
        let v: Value = serde_json::from_slice(&run(&args)).unwrap();
        v["simulation"]["functions"][0]["metrics"]["billed_execution_gb_s"]
            .as_f64()
            .unwrap()
    };
    // Fifth-round verification: the observed timeouts stay timeouts at any size (their work
    // is unknown), the other durations scale.
    let timeouts = |memory: &str| -> u64 {
        let v: Value = serde_json::from_slice(&run(&[
            "simulate",
            "--from",
            "sample-data",
            "--function",
            "webhook-handler",
            "--set",
            &format!("functions.0.memory_mb={memory}"),
            "--format",
            "json",
            "-q",
        ]))
        .unwrap();
        v["simulation"]["functions"][0]["metrics"]["timeouts"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(timeouts("128"), 170);
    assert_eq!(timeouts("1024"), 170);
    let at_512 = gb_s(&[]);
    let at_2048 = gb_s(&["--set", "functions.0.memory_mb=2048"]);
    // Four times the memory, durations × 0.289 (1 vCPU at 1769 MB against 0.289 at 512).
    let ratio = at_2048 / at_512;
    assert!((1.0..1.3).contains(&ratio), "{at_512} -> {at_2048}");
    faascope()
        .args([
            "simulate",
            "--from",
            "sample-data",
            "--function",
            "orders-api",
            "--set",
            "functions.0.memory_mb=2048",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "'orders-api' replayed at 2048 MB from logs at 512 MB: durations × 0.289",
        ));
}

/// Fifth-round simulate review (session 7): `--set functions.0.memory_mb=128` under the 244 MB
/// payments-java used was priced as a saving without a word.
#[test]
fn a_replay_below_the_memory_used_says_it_would_run_out() {
    let run_at = |memory: &str| {
        faascope()
            .args([
                "simulate",
                "--from",
                "sample-data",
                "--function",
                "payments-java",
                "--price",
                "--set",
                &format!("functions.0.memory_mb={memory}"),
            ])
            .output()
            .unwrap()
    };
    let out = run_at("128");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "'payments-java' used up to 244 MB of memory: at 128 MB it would run out of memory"
        ),
        "{text}"
    );
    let out = run_at("512");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("run out of memory"));
}

/// Fifth-round verification: on logs of two memory sizes, a `--set` memory change scaled
/// every invocation from the latest size, also those that already ran at the new one.
#[test]
fn a_memory_change_scales_each_invocation_from_its_own_size() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for i in 0..40u32 {
        let memory = if i < 20 { 1024 } else { 512 };
        text.push_str(&format!(
            "2025-09-01T00:{:02}:{:02}.000000+00:00 2025/09/01/[$LATEST]aaaa REPORT RequestId: 00000000-0000-4000-8000-{i:012}\tDuration: 100.00 ms\tBilled Duration: 100 ms\tMemory Size: {memory} MB\tMax Memory Used: 60 MB\t\n",
            i * 10 / 60,
            i * 10 % 60
        ));
    }
    std::fs::write(dir.path().join("mem-fn.txt"), text).unwrap();
    let out = faascope()
        .args(["simulate", "--from"])
        .arg(dir.path())
        .args(["--set", "functions.0.memory_mb=1024", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    // 20 at 1024 MB as they ran (100 ms), 20 from 512 MB at half the time (50 ms).
    assert_eq!(
        v["simulation"]["functions"][0]["metrics"]["billed_execution_ms"],
        3000
    );
    assert!(
        v.to_string()
            .contains("each invocation from the size it ran at"),
        "{v}"
    );
    // The default run, at the latest size (512 MB), scales the 1024 MB ones too (twice as
    // long there): the same model whatever size is asked for.
    let out = faascope()
        .args(["simulate", "--from"])
        .arg(dir.path())
        .args(["--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["simulation"]["functions"][0]["metrics"]["billed_execution_ms"],
        6000
    );
    // A run longer than the logs (fourth-round simulate review: a month halved without a word).
    // The observed window is the hour 00:00–01:00 (the first invocation started 0.1 s before
    // it, in an hour that holds no REPORT); the replay runs from that first arrival.
    faascope()
        .args(["simulate", "--from"])
        .arg(dir.path())
        .args(["--set", "duration_s=10800", "--price"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "duration_s = 10800 outlasts the replay of the observed window (3600.1 s, from the first arrival)",
        ));
}

/// Tenth-round cross-command review: `simulate --from` had no --function-name or
/// --input-format, which every other command reading logs has.
#[test]
fn simulate_from_takes_function_name_and_input_format() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("fn1");
    std::fs::copy(
        root().join("sample-data/logs-tail/nightly-report.txt"),
        &log,
    )
    .unwrap();
    faascope()
        .args(["simulate", "--from"])
        .arg(&log)
        .args([
            "--function-name",
            "checkout",
            "--function",
            "checkout",
            "--input-format",
            "text",
            "--format",
            "json",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"checkout\""));
    // Not with a scenario file.
    faascope()
        .args([
            "simulate",
            "simulator/scenarios/api-basic.toml",
            "--function-name",
            "x",
        ])
        .assert()
        .code(2);
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
            "series.toml:2: resolution: 1000000000 time-series points (1 series",
        ),
        (
            "rate.toml",
            format!(
                "duration_s = 60\n{}",
                function("").replace("rate_per_s = 1.0", "rate_per_s = 1e12")
            ),
            "rate.toml:2: functions[*].arrivals: up to 6.000e13 arrivals",
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

/// stderr of a run that must be a usage error (exit 2).
fn usage_error(args: &[&str]) -> String {
    let out = faascope().args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{args:?}");
    String::from_utf8(out.stderr).unwrap()
}

const API: &str = "simulator/scenarios/api-basic.toml";

/// The --from options were silently ignored with a scenario file (clap's `requires` is skipped
/// when the required argument conflicts with one that is present).
#[test]
fn from_options_with_a_scenario_file_are_usage_errors() {
    for (flag, value) in [
        ("--traffic-scale", "3"),
        ("--keep-alive-s", "60"),
        ("--arrivals", "poisson"),
        ("--function", "checkout-api"),
    ] {
        let err = usage_error(&["simulate", API, flag, value, "--format", "json"]);
        assert!(
            err.contains(&format!("{flag} goes with --from SOURCES")) && err.contains(API),
            "{flag}: {err}"
        );
    }
    // Given with --from they work (the scale is checked, and named as the option).
    let err = usage_error(&[
        "simulate",
        "--from",
        "sample-data",
        "--function",
        "orders-api",
        "--traffic-scale",
        "5000",
    ]);
    assert!(
        err.contains("--traffic-scale 5000: must be a number > 0 and at most 1000"),
        "{err}"
    );
}

#[test]
fn replications_are_capped_before_anything_runs() {
    for n in ["4294967295", "1001", "0"] {
        let err = usage_error(&["simulate", API, "--replications", n]);
        assert!(
            err.contains(&format!("--replications {n}: must be 1 to 1000")),
            "{err}"
        );
    }
}

#[test]
fn aws_limits_are_enforced_with_the_allowed_range() {
    for (set, says) in [
        (
            "functions.0.provisioned.count=950",
            "exceed the 900 the account can provision: limit 1000 - reservations 0 - 100 that must stay unreserved",
        ),
        ("functions.0.memory_mb=100000", "must be 128 to 10240 MB"),
        ("functions.0.timeout_s=1000", "must be 1 to 900 seconds"),
        ("functions.0.async_retry.max_event_age_s=10", "must be 60 to 21600 seconds"),
        ("functions.0.async_retry.max_event_age_s=100000", "must be 60 to 21600 seconds"),
        (
            "functions.0.async_retry.max_backoff_s=0.5",
            "max_backoff_s: 0.5 is below initial_backoff_s = 1",
        ),
        ("account.concurrency_limit=-3", "expected a whole number >= 0 (such as 1000) or \"unlimited\", got -3"),
        ("account.request_rate_per_s=-3", "expected a whole number >= 0 (such as 1000) or \"unlimited\", got -3"),
        ("account.request_rate_per_s=\"fast\"", "expected a whole number >= 0 (such as 1000) or \"unlimited\", got \"fast\""),
        (
            "account.request_rate_per_s=0",
            "account.request_rate_per_s: 0 requests per second would throttle every invocation; fix: give a positive rate, \"unlimited\", or leave it out for AWS's quota (10 × account.concurrency_limit, e.g. 10000 at 1000)",
        ),
        ("duration_s=1e15", "must be from 0.000001 (1 µs, the time resolution) to 1e10 seconds"),
        ("duration_s=1e-7", "must be from 0.000001 (1 µs, the time resolution) to 1e10 seconds"),
    ] {
        let err = usage_error(&["simulate", API, "--set", set]);
        assert!(err.contains(API) && err.contains(says), "{set}: {err}");
        assert!(!err.contains("untagged"), "{err}");
    }
    // A whole number written as a float is a count.
    run(&[
        "simulate",
        API,
        "--set",
        "account.concurrency_limit=1e4",
        "--set",
        "duration_s=60",
    ]);
}

/// Errors found when the simulation compiles the arrivals and distributions name the file too,
/// and the line (fifth-round simulate review).
#[test]
fn compile_errors_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("neg.toml");
    let text = std::fs::read_to_string(root().join(API))
        .unwrap()
        .replace("rate_per_s = 25.0", "rate_per_s = -1.0");
    std::fs::write(&p, text).unwrap();
    let err = usage_error(&["simulate", p.to_str().unwrap()]);
    assert!(
        err.contains(&format!(
            "{}:23: functions[0].arrivals.rate_per_s",
            p.display()
        )),
        "{err}"
    );
}

#[test]
fn from_without_invocations_says_so() {
    // Logs, but no REPORT line among them (an empty directory is refused before this).
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("app.log"),
        "2025-09-01T00:00:00.000Z START RequestId: r-1 Version: $LATEST\n",
    )
    .unwrap();
    let empty = dir.path().to_str().unwrap();
    for extra in [&[][..], &["--function", "orders-api"][..]] {
        let mut args = vec!["simulate", "--from", empty];
        args.extend_from_slice(extra);
        let err = usage_error(&args);
        assert!(
            err.contains("no Lambda invocations found") && err.contains("REPORT"),
            "{err}"
        );
        assert!(!err.contains("functions seen"), "{err}");
    }
}

fn csv_row(csv: &str, function: &str) -> std::collections::HashMap<String, String> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row = lines
        .find(|l| l.starts_with(&format!("{function},")))
        .unwrap_or_else(|| panic!("no row for {function}: {csv}"));
    header
        .iter()
        .zip(row.split(','))
        .map(|(h, v)| (h.to_string(), v.to_string()))
        .collect()
}

/// Throttles and dropped events show in the table formats as they do in JSON, and small
/// ratios keep their significant digits.
#[test]
fn table_formats_show_throttles_drops_and_small_ratios() {
    let args = [
        "simulate",
        "simulator/scenarios/bursty-async.toml",
        "--set",
        "functions.0.async_retry.max_event_age_s=60",
        "--set",
        "duration_s=1800",
    ];
    let json: Value =
        serde_json::from_slice(&run(&[&args[..], &["--format", "json"]].concat())).unwrap();
    let m = &json["simulation"]["functions"][0]["metrics"];
    let csv = String::from_utf8(run(&[&args[..], &["--format", "csv"]].concat())).unwrap();
    let row = csv_row(&csv, "thumbnailer");
    assert!(m["throttles"].as_u64().unwrap() > 0 && m["dropped_async"].as_u64().unwrap() > 0);
    assert_eq!(row["throttles"], m["throttles"].to_string());
    assert_eq!(row["dropped"], m["dropped_async"].to_string());
    assert_eq!(row["rejected"], m["rejected"].to_string());
    let p: f64 = row["P(reject)"].parse().unwrap();
    let want = m["rejection_probability"].as_f64().unwrap();
    assert!((p / want - 1.0).abs() < 0.005, "{p} vs {want}");
    let md = String::from_utf8(run(&[&args[..], &["--format", "markdown"]].concat())).unwrap();
    assert!(
        md.contains("| throttles | rate throttles | rejected | dropped | P(reject) |")
            && md.contains("| p99 cold ms (incl. init) |"),
        "{md}"
    );

    // api-basic has one cold start in about 89,000 requests: P(cold) is not 0.0000.
    let json: Value = serde_json::from_slice(&run(&["simulate", API, "--format", "json"])).unwrap();
    let want = json["simulation"]["functions"][0]["metrics"]["cold_start_probability"]
        .as_f64()
        .unwrap();
    let csv = String::from_utf8(run(&["simulate", API, "--format", "csv"])).unwrap();
    let p: f64 = csv_row(&csv, "checkout-api")["P(cold)"].parse().unwrap();
    assert!(
        want > 0.0 && (p / want - 1.0).abs() < 0.005,
        "{p} vs {want}"
    );
    // And in the replicated table, mean and interval of a small ratio.
    let table = String::from_utf8(run(&[
        "simulate",
        API,
        "--replications",
        "3",
        "--set",
        "duration_s=600",
        "--format",
        "csv",
    ]))
    .unwrap();
    let line = table
        .lines()
        .find(|l| l.contains(",cold_start_probability,"))
        .unwrap();
    assert!(!line.contains(",0.0000,"), "{line}");
}

/// Seeds above 2^53 are written as strings, so they survive jq and go back into --seed.
#[test]
fn replication_seeds_round_trip_through_json() {
    let v: Value = serde_json::from_slice(&run(&[
        "simulate",
        API,
        "--replications",
        "3",
        "--set",
        "duration_s=60",
        "--format",
        "json",
    ]))
    .unwrap();
    let seeds: Vec<&str> = v["seeds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().expect("seeds are strings"))
        .collect();
    assert_eq!(seeds[0], "1");
    let big = seeds
        .iter()
        .find(|s| s.parse::<u64>().unwrap() > 1 << 53)
        .expect("a derived seed above 2^53");
    let one: Value = serde_json::from_slice(&run(&[
        "simulate",
        API,
        "--seed",
        big,
        "--set",
        "duration_s=60",
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(one["simulation"]["seed"].as_str(), Some(*big));
}

/// A replay prints the observed cold starts next to the simulated ones.
#[test]
fn from_shows_the_observed_cold_starts() {
    let v: Value = serde_json::from_slice(&run(&[
        "simulate",
        "--from",
        "sample-data",
        "--function",
        "orders-api",
        "--format",
        "json",
    ]))
    .unwrap();
    let observed: Value = serde_json::from_slice(&run(&[
        "report",
        "sample-data",
        "--function",
        "^orders-api$",
        "--format",
        "json",
    ]))
    .unwrap();
    let o = &observed["functions"][0];
    assert_eq!(v["observed"]["cold_starts"], o["cold_starts"]);
    assert_eq!(v["observed"]["invocations"], o["invocations"]);
    let notes = v["notes"].to_string();
    assert!(
        notes.contains("observed 51 cold starts in 39021 invocations")
            && notes.contains("simulated"),
        "{notes}"
    );
}

/// Executions longer than the function timeout end there, with a note.
#[test]
fn long_executions_end_at_the_function_timeout() {
    let args = [
        "simulate",
        API,
        "--set",
        "functions.0.warm={ dist = \"constant\", value_ms = 2000.0 }",
        "--set",
        "functions.0.timeout_s=1",
        "--set",
        "duration_s=60",
    ];
    let v: Value =
        serde_json::from_slice(&run(&[&args[..], &["--format", "json"]].concat())).unwrap();
    let m = &v["simulation"]["functions"][0]["metrics"];
    assert_eq!(m["timeouts"], m["served"]);
    // Every execution is cut at 1 s (a timeout resets its instance, so the requests after one
    // are cold starts and there may be no warm latency to look at).
    assert_eq!(
        m["billed_execution_ms"].as_u64(),
        m["served"].as_u64().map(|n| n * 1_000)
    );
    let text = String::from_utf8(run(&args)).unwrap();
    assert!(text.contains("reached the 1 s function timeout"), "{text}");
}

/// The reviewer's case: Poisson 50,000 req/s of 1 ms requests under the default account
/// concurrency limit of 1,000. Concurrency never binds (about 50 in flight), but AWS's
/// invocation request-rate quota of 10 × 1,000 = 10,000 per second does: about four in five
/// requests are throttled, and counted apart from concurrency throttles.
#[test]
fn the_request_rate_quota_throttles_short_requests_above_ten_times_the_concurrency_limit() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("rps.toml");
    std::fs::write(
        &p,
        r#"duration_s = 30

[account]
concurrency_limit = 1000

[[functions]]
name = "burst-api"
memory_mb = 128
arrivals = { kind = "poisson", rate_per_s = 50000.0 }
warm = { dist = "constant", value_ms = 1.0 }
cold = { model = "init_added", init = { dist = "constant", value_ms = 10.0 } }
"#,
    )
    .unwrap();
    let path = p.to_str().unwrap();
    let doc: Value = serde_json::from_slice(&run(&["simulate", path, "--format", "json"])).unwrap();
    let m = &doc["simulation"]["functions"][0]["metrics"];
    let n = |k: &str| m[k].as_u64().unwrap();
    // About 1.5 M requests; at most 10,000 in any second pass the quota, so at most 300,000 in 30 s,
    // and the window is full nearly all the time.
    assert!(n("requests") > 1_450_000, "{m}");
    let admitted = n("requests") - n("rate_throttles");
    assert!((299_000..=300_000).contains(&admitted), "{m}");
    assert_eq!(n("served"), admitted);
    // Concurrency never binds (the first burst's 10 ms cold starts reach about 500 instances), so
    // every throttle is over the rate, and every one is a rejection (sync).
    assert_eq!(n("served") + n("rejected"), n("requests"));
    assert_eq!(n("rejected"), n("throttles"));
    assert_eq!(n("throttles"), n("rate_throttles"));
    assert!(n("max_in_flight") < 1_000, "{m}");
    assert_eq!(
        doc["simulation"]["total"]["rate_throttles"],
        m["rate_throttles"]
    );
    // Every per-minute bucket shows the throttles.
    let series = doc["simulation"]["functions"][0]["time_series"]
        .as_array()
        .unwrap();
    assert!(series.iter().all(|b| b["throttles"].as_u64().unwrap() > 0));
    let notes = doc["notes"].to_string();
    assert!(
        notes.contains("over the account's request-rate quota of 10000 per second (AWS's quota, 10 × account.concurrency_limit"),
        "{notes}"
    );
    // The table formats show the count next to all throttles.
    let csv = String::from_utf8(run(&["simulate", path, "--format", "csv"])).unwrap();
    let row = csv_row(&csv, "burst-api");
    assert_eq!(row["rate throttles"], m["rate_throttles"].to_string());
    assert_eq!(row["throttles"], m["throttles"].to_string());

    // The quota follows the concurrency limit, and can be set or switched off.
    for (set, quota) in [
        ("account.concurrency_limit=2000", 20_000),
        ("account.request_rate_per_s=5000", 5_000),
    ] {
        let doc: Value =
            serde_json::from_slice(&run(&["simulate", path, "--set", set, "--format", "json"]))
                .unwrap();
        let t = &doc["simulation"]["total"];
        let admitted = t["requests"].as_u64().unwrap() - t["rate_throttles"].as_u64().unwrap();
        assert!(
            admitted <= quota * 30 && admitted > quota * 30 * 99 / 100,
            "{set}: {t}"
        );
    }
    let doc: Value = serde_json::from_slice(&run(&[
        "simulate",
        path,
        "--set",
        "account.request_rate_per_s=\"unlimited\"",
        "--format",
        "json",
    ]))
    .unwrap();
    let t = &doc["simulation"]["total"];
    assert_eq!(
        (t["throttles"].as_u64(), t["rate_throttles"].as_u64()),
        (Some(0), Some(0))
    );
    assert_eq!(t["served"], t["requests"]);
}

/// Nothing read is left out without a word: replay events after the end of the run, and
/// invocations at another memory size than the one a replay runs at, are named in the notes;
/// so is what `--set` changed in a scenario built from logs.
#[test]
fn replay_notes_name_what_the_run_leaves_out_or_changes() {
    let dir = tempfile::tempdir().unwrap();
    let events: Vec<String> = (0..10)
        .map(|i| format!("{{ offset_us = {} }}", i * 1_000_000))
        .collect();
    let scenario = dir.path().join("replay.toml");
    std::fs::write(
        &scenario,
        format!(
            "duration_s = 6\nwarmup_s = 0\n[[functions]]\nname = \"r\"\nmemory_mb = 128\nwarm = {{ dist = \"constant\", value_ms = 10.0 }}\ncold = {{ model = \"init_added\", init = {{ dist = \"constant\", value_ms = 10.0 }} }}\narrivals = {{ kind = \"replay\", events = [ {} ] }}\n",
            events.join(", ")
        ),
    )
    .unwrap();
    let doc: Value = serde_json::from_slice(&run(&[
        "simulate",
        scenario.to_str().unwrap(),
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(doc["simulation"]["total"]["requests"], 6);
    let notes = doc["notes"].to_string();
    assert!(
        notes.contains("4 of the 10 replay events of 'r' come at or after the end of the run"),
        "{notes}"
    );

    // A function whose memory changed: half its invocations at 128 MB, half at 1024 MB.
    let logs = dir.path().join("mm.log");
    let mut text = String::new();
    for i in 0..20 {
        let mb = if i < 10 { 128 } else { 1024 };
        text += &format!(
            "2025-09-01T00:{:02}:00.500Z REPORT RequestId: 00000000-0000-4000-8000-{i:012}\tDuration: 500.00 ms\tBilled Duration: 500 ms\tMemory Size: {mb} MB\tMax Memory Used: 90 MB\t\n",
            i
        );
    }
    std::fs::write(&logs, text).unwrap();
    let doc: Value = serde_json::from_slice(&run(&[
        "simulate",
        "--from",
        logs.to_str().unwrap(),
        "--set",
        "functions.0.keep_alive.idle_timeout_s=60",
        "--format",
        "json",
    ]))
    .unwrap();
    let notes = doc["notes"].to_string();
    assert!(notes.contains("10 of the 20 invocations of 'mm' ran at another memory size (128 MB, 1024 MB observed)"), "{notes}");
    assert!(
        notes.contains("with --set, the run used:")
            && notes.contains("1024 MB, timeout 900 s, keep-alive 60 s"),
        "{notes}"
    );
}

/// Third-round simulate review (round 2 #7, left over): the idle timeout's upper bound was
/// stated as ">= 0", `--keep-alive-s` was named by its scenario field, and a replay of one
/// invocation gave no hint.
#[test]
fn replay_option_errors_name_the_option_the_range_and_the_fix() {
    faascope()
        .args([
            "simulate",
            "--from",
            "sample-data",
            "--function",
            "orders-api",
            "--keep-alive-s",
            "2e13",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--keep-alive-s: must be a number of seconds from 0 to 1.844e13, or inf (never expire), got 20000000000000",
        ));
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("one.log");
    std::fs::write(
        &log,
        "2025-09-01T00:00:00.000Z REPORT RequestId: r1\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\t\n",
    )
    .unwrap();
    faascope()
        .args(["simulate", "--from"])
        .arg(&log)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "has 1 timed invocation(s); a replay needs at least 2: give more of its logs",
        ));
}

/// Third-round simulate review: `--set warmup_s` on a replay left the first hour's invocations
/// out of the figures without a word (events after the end of the run were noted).
#[test]
fn replay_events_in_the_warm_up_are_noted() {
    let out = run(&[
        "simulate",
        "--from",
        "sample-data",
        "--function",
        "orders-api",
        "--set",
        "warmup_s=3600",
        "--format",
        "json",
        "-q",
    ]);
    let v: Value = serde_json::from_slice(&out).unwrap();
    let notes = v["notes"].to_string();
    // 39,021 replayed; 38,617 measured after the first hour: 404 in the warm-up.
    assert_eq!(
        v["simulation"]["functions"][0]["metrics"]["requests"],
        38_617
    );
    assert!(
        notes.contains("404 of the 39021 replay events of 'orders-api' come during the warm-up (the first warmup_s = 3600 s)"),
        "{notes}"
    );
}

/// Third-round simulate review: `--price` billed a scenario whose instances serve 10 requests
/// at once as Lambda GB-s per request (about 5× the instance time), without a word.
#[test]
fn price_refuses_shared_instances() {
    faascope()
        .args([
            "simulate",
            "simulator/scenarios/cloud-run.toml",
            "--set",
            "duration_s=60",
            "--price",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "function 'frontend' has concurrency_per_instance = 10",
        ))
        .stderr(predicate::str::contains("drop --price"));
    let out = run(&[
        "simulate",
        "simulator/scenarios/cloud-run.toml",
        "--set",
        "duration_s=60",
        "--set",
        "functions.0.concurrency_per_instance=1",
        "--price",
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert!(v["cost"][0]["total_usd_per_month"].as_f64().unwrap() > 0.0);
    // Names in Markdown notes are text, not HTML (the table's cells already were): a
    // function named by its file's stem.
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("<img src=x>.log");
    let report = |i: u32| {
        format!("2025-09-01T00:0{i}:00.000Z REPORT RequestId: r{i}\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\t\n")
    };
    std::fs::write(&log, format!("{}{}", report(1), report(2))).unwrap();
    let out = faascope()
        .args(["simulate", "--format", "markdown", "--from"])
        .arg(&log)
        .output()
        .unwrap();
    assert!(out.status.success());
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(
        md.contains("note: scenario from 2 observed invocations of '&lt;img src=x&gt;'"),
        "{md}"
    );
    assert!(!md.contains("<img"), "{md}");
}

/// Third-round cross-command review: a window inside an hour was rounded out to whole hours
/// (30 min projected as 1 h: half of `cost`'s month) while the note claimed `cost`'s window.
#[test]
fn from_projects_the_month_over_the_window_cost_uses() {
    let w = [
        "--since",
        "2025-09-01T00:00:00Z",
        "--until",
        "2025-09-01T00:30:00Z",
    ];
    let mut args = vec![
        "simulate",
        "--from",
        "sample-data",
        "--function",
        "orders-api",
        "--price",
        "--format",
        "json",
        "-q",
    ];
    args.extend(w);
    let sim: Value = serde_json::from_slice(&run(&args)).unwrap();
    let mut args = vec![
        "cost",
        "sample-data",
        "--function",
        "^orders-api$",
        "--format",
        "json",
        "-q",
    ];
    args.extend(w);
    let cost: Value = serde_json::from_slice(&run(&args)).unwrap();
    let cost_month = cost["functions"][0]["requests_per_month"].as_f64().unwrap();
    let sim_month = sim["cost"][0]["requests_per_month"].as_f64().unwrap();
    // 198 invocations over 0.5 h: 198 × 730 / 0.5.
    assert_eq!(cost_month, 289_080.0);
    assert_eq!(sim_month, cost_month);
    let notes = sim["notes"].to_string();
    assert!(
        notes.contains("over the observed window of 0.5 h, 2025-09-01T00:00:00.000Z to 2025-09-01T00:30:00.000Z (the whole hours read, narrowed by --since/--until:"),
        "{notes}"
    );
}

#[test]
fn from_takes_a_time_window_and_refuses_it_with_a_file() {
    // --since/--until keep the invocations of the window, as `report` counts them.
    let out = run(&[
        "simulate",
        "--from",
        "sample-data",
        "--function",
        "orders-api",
        "--since",
        "2025-09-02",
        "--until",
        "2025-09-03",
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_slice(&out).unwrap();
    let notes = v["notes"].to_string();
    assert!(
        notes.contains("scenario from 12935 observed invocations of 'orders-api'"),
        "{notes}"
    );
    assert!(
        notes.contains("2025-09-02T00:00:00.000Z to 2025-09-03T00:00:00.000Z"),
        "{notes}"
    );
    let report = faascope()
        .args([
            "report",
            "sample-data",
            "--function",
            "^orders-api$",
            "--since",
            "2025-09-02",
            "--until",
            "2025-09-03",
            "--format",
            "csv",
            "-q",
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&report.stdout).contains("\norders-api,12935,"));
    // With a scenario file they have no meaning: refused, exit 2.
    faascope()
        .args([
            "simulate",
            "simulator/scenarios/api-basic.toml",
            "--since",
            "2h",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--since/--until goes with --from SOURCES",
        ));
    faascope()
        .args([
            "simulate",
            "simulator/scenarios/api-basic.toml",
            "--endpoint-url",
            "http://127.0.0.1:4566",
        ])
        .assert()
        .code(2);
}

/// Fifth-round simulate review: a range error of a nested key (keep-alive, a distribution,
/// the arrivals) named the file without its line, where top-level keys had one.
#[test]
fn nested_range_errors_name_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("nested.toml");
    std::fs::write(
        &p,
        "duration_s = 3600\n\n[[functions]]\nname = \"a\"\nmemory_mb = 512\narrivals = { kind = \"poisson\", rate_per_s = 1.0 }\nwarm = { dist = \"constant\", value_ms = -100.0 }\ncold = { model = \"init_added\", init = { dist = \"constant\", value_ms = 1.0 } }\n",
    )
    .unwrap();
    faascope()
        .arg("simulate")
        .arg(&p)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "{}:7: functions[0].warm.value_ms",
            p.display()
        )));
}

/// Fifth-round verification: a one-hour export of 10-minute jobs (ten started before the hour,
/// their REPORTs in it). Arriving at the window's start they made a burst of 20 environments
/// that was never observed; replayed from the run's start, the month was 14 % below `cost`.
/// They arrive at their own time, and the month is projected from the window.
#[test]
fn a_replay_of_jobs_started_before_the_window_prices_as_cost() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for i in 0..60u32 {
        text.push_str(&format!(
            "2025-09-01T01:{i:02}:30.000Z REPORT RequestId: 00000000-0000-4000-8000-{i:012}\tDuration: 599999.50 ms\tBilled Duration: 600000 ms\tMemory Size: 1024 MB\tMax Memory Used: 300 MB\t\n"
        ));
    }
    std::fs::write(dir.path().join("worker.log"), text).unwrap();
    let json = |args: &[&str]| -> Value {
        let out = faascope()
            .args(args)
            .arg(dir.path())
            .args(["--format", "json", "-q"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let sim = json(&["simulate", "--price", "--from"]);
    let cost = json(&["cost"]);
    assert_eq!(sim["cost"][0]["requests_per_month"], 43800.0);
    assert_eq!(
        sim["cost"][0]["total_usd_per_month"],
        cost["account"]["on_demand_usd"]["typical"]
    );
    let m = &sim["simulation"]["functions"][0]["metrics"];
    assert_eq!(
        (m["max_instances"].as_u64(), m["cold_starts"].as_u64()),
        (Some(10), Some(10))
    );
}

/// Tenth-round simulate review: a replay of logs showing 1,200 in flight at once kept AWS's
/// default limit of 1,000 and rejected what was served; now the observed peak, with a note,
/// which a limit given with --set replaces (verification of 258a1d5: the note stayed).
#[test]
fn a_replay_takes_the_observed_peak_as_its_account_limit() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ramp.log");
    // 1,200 invocations of 100 s, started 10 ms apart: all in flight together.
    let mut text = String::new();
    for i in 0..1_200u64 {
        let end_ms = 1_756_684_800_000 + i * 10 + 100_000;
        let ts = chrono::DateTime::from_timestamp_millis(end_ms as i64)
            .unwrap()
            .format("%Y-%m-%dT%H:%M:%S%.3fZ");
        text.push_str(&format!("{ts} REPORT RequestId: r{i}\tDuration: 100000.00 ms\tBilled Duration: 100000 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\t\n"));
    }
    std::fs::write(&file, text).unwrap();
    let run = |set: Option<&str>| -> (Value, String) {
        let mut c = faascope();
        c.args(["simulate", "--format", "json", "--from"])
            .arg(&file);
        if let Some(s) = set {
            c.args(["--set", s]);
        }
        let out = c.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        let notes = doc["notes"].to_string();
        (doc["simulation"]["total"].clone(), notes)
    };
    let (total, notes) = run(None);
    assert_eq!(total["rejected"], 0, "{total}");
    assert!(
        notes.contains("the logs show 1200 invocations of 'ramp' running at once"),
        "{notes}"
    );
    let (total, notes) = run(Some("account.concurrency_limit=1000"));
    assert_eq!(total["rejected"], 200, "{total}");
    assert!(!notes.contains("running at once"), "{notes}");
}

/// `simulate --from --price --strict` fails, as `cost` does, when invocations without a time
/// were left out of the priced month (xcmd2 review: exit 0 where cost exits 2); without
/// --price, or without --strict, it succeeds.
#[test]
fn strict_pricing_fails_on_untimed_invocations_as_cost_does() {
    let dir = tempfile::tempdir().unwrap();
    let report = |id: u32| {
        format!("REPORT RequestId: 33333333-0000-0000-0000-00000000000{id}\tDuration: 50.00 ms\tBilled Duration: 50 ms\tMemory Size: 256 MB\tMax Memory Used: 70 MB\t")
    };
    let timed: String = (0..4)
        .map(|i| format!("2025-09-02T10:0{i}:00.000Z {}\n", report(i)))
        .collect();
    std::fs::create_dir(dir.path().join("a")).unwrap();
    std::fs::create_dir(dir.path().join("b")).unwrap();
    std::fs::write(dir.path().join("a/ufn.log"), timed).unwrap();
    std::fs::write(dir.path().join("b/ufn.log"), format!("{}\n", report(9))).unwrap();
    let run = |extra: &[&str]| {
        faascope()
            .args(["simulate", "--function", "ufn", "--from"])
            .arg(dir.path())
            .args(extra)
            .output()
            .unwrap()
    };
    let strict = run(&["--price", "--strict"]);
    assert_eq!(strict.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&strict.stderr)
        .contains("error: --strict: 1 invocation(s) have no time and were not priced"));
    faascope()
        .args(["cost", "--strict"])
        .arg(dir.path())
        .assert()
        .code(2);
    assert_eq!(run(&["--price"]).status.code(), Some(0));
    assert_eq!(run(&["--strict"]).status.code(), Some(0));
}
