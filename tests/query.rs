//! `faascope query`: every saved query in `queries/` run by the real binary over sample-data,
//! its numbers checked against `faascope report` / `export` (or a hand count), and the CLI's
//! errors, --list and --plot.

use std::collections::HashMap;

use serde_json::Value;

mod common;
use common::{faascope, root};

fn run_json(args: &[&str]) -> Value {
    let out = faascope()
        .args(args)
        .args(["--format", "json", "-q"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn query(q: &str) -> Vec<Value> {
    let sample = root().join("sample-data");
    let doc = run_json(&["query", q, sample.to_str().unwrap()]);
    doc["rows"].as_array().unwrap().clone()
}

/// `faascope report sample-data`, by function.
fn report() -> HashMap<String, Value> {
    let sample = root().join("sample-data");
    let doc = run_json(&["report", sample.to_str().unwrap()]);
    doc["functions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["function"].as_str().unwrap().to_string(), f.clone()))
        .collect()
}

/// The invocations table of sample-data.
fn invocations() -> Vec<Value> {
    let sample = root().join("sample-data");
    let out = faascope()
        .args([
            "export",
            sample.to_str().unwrap(),
            "--table",
            "invocations",
            "-q",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

#[test]
fn cold_starts_by_hour_add_up_to_the_report() {
    let rows = query("@cold-starts-by-hour");
    let rep = report();
    let mut by_fn: HashMap<&str, (f64, f64, f64)> = HashMap::new();
    for r in &rows {
        let e = by_fn.entry(s(&r["function"])).or_default();
        e.0 += f(&r["invocations"]);
        e.1 += f(&r["coldStarts"]);
        if let Some(m) = r["maxInitMs"].as_f64() {
            e.2 = e.2.max(m);
        }
        assert!(close(
            f(&r["coldStartPct"]),
            f(&r["coldStarts"]) / f(&r["invocations"]) * 100.0
        ));
        assert!(s(&r["bin(1h)"]).ends_with(":00:00.000"), "{}", r["bin(1h)"]);
    }
    assert_eq!(by_fn.len(), rep.len());
    for (name, fr) in &rep {
        let (n, cold, max_init) = by_fn[name.as_str()];
        assert_eq!(n, f(&fr["invocations"]), "{name}");
        assert_eq!(cold, f(&fr["cold_starts"]), "{name}");
        assert_eq!(
            max_init,
            fr["init_duration_ms"]["max"].as_f64().unwrap_or(0.0),
            "{name}"
        );
    }
    // Most cold starts first.
    let cold: Vec<f64> = rows.iter().map(|r| f(&r["coldStarts"])).collect();
    assert!(cold.windows(2).all(|w| w[0] >= w[1]));
}

#[test]
fn cost_by_function_matches_the_reports_gb_seconds() {
    let rows = query("@cost-by-function");
    let rep = report();
    assert_eq!(rows.len(), rep.len());
    for r in &rows {
        let fr = &rep[s(&r["function"])];
        assert_eq!(f(&r["requests"]), f(&fr["invocations"]));
        assert!(
            close(f(&r["totalGBs"]), f(&fr["gb_seconds"])),
            "{r} vs {fr}"
        );
        let usd = f(&fr["gb_seconds"]) * 0.0000166667 + f(&fr["invocations"]) * 0.0000002;
        assert!(close(f(&r["estUSD"]), usd));
    }
}

#[test]
fn errors_by_type_match_the_reports_errors_and_timeouts() {
    let rows = query("@errors-by-type");
    let rep = report();
    let mut errors: HashMap<&str, f64> = HashMap::new();
    let mut timeouts: HashMap<&str, f64> = HashMap::new();
    for r in &rows {
        let m = if s(&r["status"]) == "timeout" {
            &mut timeouts
        } else {
            &mut errors
        };
        *m.entry(s(&r["function"])).or_default() += f(&r["failures"]);
    }
    for (name, fr) in &rep {
        assert_eq!(
            errors.get(name.as_str()).copied().unwrap_or(0.0),
            f(&fr["errors"]),
            "{name}"
        );
        assert_eq!(
            timeouts.get(name.as_str()).copied().unwrap_or(0.0),
            f(&fr["timeouts"]),
            "{name}"
        );
    }
    // The error types are read off the REPORT lines.
    assert!(rows
        .iter()
        .any(|r| s(&r["errorType"]) == "Runtime.ExitError"));
}

#[test]
fn latency_by_function_matches_the_reports_warm_and_cold_percentiles() {
    let rows = query("@latency-by-function");
    let rep = report();
    for r in &rows {
        let fr = &rep[s(&r["function"])];
        let d = if r["start"].is_null() {
            &fr["warm_duration_ms"]
        } else {
            &fr["cold_duration_ms"]
        };
        for (col, key) in [
            ("meanMs", "mean"),
            ("p50Ms", "p50"),
            ("p95Ms", "p95"),
            ("p99Ms", "p99"),
            ("maxMs", "max"),
        ] {
            assert!(
                close(f(&r[col]), f(&d[key])),
                "{} {col}: {} vs {}",
                r["function"],
                r[col],
                d[key]
            );
        }
    }
    // Every function has a warm row; functions with cold starts a cold one.
    let warm = rows.iter().filter(|r| r["start"].is_null()).count();
    assert_eq!(warm, rep.len());
    let cold = rows.iter().filter(|r| !r["start"].is_null()).count();
    assert_eq!(
        cold,
        rep.values()
            .filter(|fr| f(&fr["cold_starts"]) > 0.0)
            .count()
    );
}

#[test]
fn memory_overprovisioning_matches_the_reports_memory() {
    let rows = query("@memory-overprovisioning");
    let rep = report();
    for r in &rows {
        let fr = &rep[s(&r["function"])];
        assert_eq!(f(&r["provisionedMemoryMB"]), f(&fr["memory_size_mb"]));
        assert_eq!(
            f(&r["maxMemoryUsedMB"]),
            f(&fr["max_memory_used_mb"]["max"])
        );
        assert_eq!(
            f(&r["overProvisionedMB"]),
            f(&fr["memory_size_mb"]) - f(&fr["max_memory_used_mb"]["max"])
        );
    }
    let over: Vec<f64> = rows.iter().map(|r| f(&r["overProvisionedMB"])).collect();
    assert!(over.windows(2).all(|w| w[0] >= w[1]));
}

#[test]
fn slowest_invocations_are_the_20_longest() {
    let rows = query("@slowest-invocations");
    let mut all = invocations();
    all.sort_by(|a, b| f(&b["duration_ms"]).total_cmp(&f(&a["duration_ms"])));
    assert_eq!(rows.len(), 20);
    for (r, inv) in rows.iter().zip(&all) {
        assert_eq!(f(&r["@duration"]), f(&inv["duration_ms"]));
    }
    let top = &rows[0];
    let inv = all
        .iter()
        .find(|i| i["request_id"] == top["@requestId"])
        .unwrap();
    assert_eq!(top["function"], inv["function"]);
    assert_eq!(top["@initDuration"], inv["init_duration_ms"]);
    assert_eq!(f(&top["maxMemoryUsedMB"]), f(&inv["max_memory_used_mb"]));
}

#[test]
fn snapstart_restores_match_the_invocations() {
    let rows = query("@snapstart-restores");
    let all = invocations();
    let restored: Vec<f64> = all
        .iter()
        .filter_map(|i| i["restore_duration_ms"].as_f64())
        .collect();
    assert_eq!(rows.len(), 1, "one SnapStart function in sample-data");
    assert_eq!(s(&rows[0]["function"]), "catalog-snapstart");
    assert_eq!(f(&rows[0]["restores"]), restored.len() as f64);
    let mean = restored.iter().sum::<f64>() / restored.len() as f64;
    assert!(close(f(&rows[0]["avgRestoreMs"]), mean));
    assert_eq!(
        f(&rows[0]["invocations"]),
        all.iter()
            .filter(|i| i["function"] == "catalog-snapstart")
            .count() as f64
    );
}

#[test]
fn timeouts_are_the_reports_timeouts() {
    let rows = query("@timeouts");
    let rep = report();
    let total: f64 = rep.values().map(|fr| f(&fr["timeouts"])).sum();
    assert_eq!(rows.len() as f64, total);
    assert!(rows.iter().all(|r| s(&r["function"]) == "webhook-handler"));
    let times: Vec<&str> = rows.iter().map(|r| s(&r["@timestamp"])).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");
}

#[test]
fn throttling_signs_find_the_burst_and_the_throttling_errors() {
    // sample-data: bursts of 5+ cold starts a minute, and no throttling errors in its logs.
    let rows = query("@throttling-signs");
    assert!(!rows.is_empty());
    assert!(rows
        .iter()
        .all(|r| f(&r["coldStarts"]) >= 5.0 && f(&r["throttleErrors"]) == 0.0));
    // The same minutes counted from the invocations table.
    let mut per_min: HashMap<(String, i64), u32> = HashMap::new();
    for i in invocations() {
        if i["init_duration_ms"].is_number() {
            let ts = i["timestamp"].as_i64().unwrap();
            *per_min
                .entry((s(&i["function"]).to_string(), ts.div_euclid(60_000)))
                .or_default() += 1;
        }
    }
    let bursts = per_min.values().filter(|n| **n >= 5).count();
    assert_eq!(rows.len(), bursts.min(50));
    // A hand-made burst: six cold starts in one minute, and the code's throttling errors.
    let fixture = root().join("tests/fixtures/query/burst.log");
    let doc = run_json(&["query", "@throttling-signs", fixture.to_str().unwrap()]);
    let rows = doc["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{doc}");
    assert_eq!(
        (
            s(&rows[0]["bin(1m)"]),
            f(&rows[0]["coldStarts"]),
            f(&rows[0]["throttleErrors"])
        ),
        ("2025-09-02 10:00:00.000", 6.0, 2.0)
    );
    assert_eq!(
        (
            s(&rows[1]["bin(1m)"]),
            f(&rows[1]["coldStarts"]),
            f(&rows[1]["throttleErrors"])
        ),
        ("2025-09-02 10:06:00.000", 0.0, 1.0)
    );
    assert_eq!(s(&rows[0]["function"]), "burst");
}

#[test]
fn parse_errors_show_the_column_and_exit_2() {
    let out = faascope()
        .args([
            "query",
            "filter @duration > 100 | stats avg(@duration) bye function",
            "sample-data",
        ])
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("query:1:47:"), "{err}");
    assert!(
        err.contains("  filter @duration > 100 | stats avg(@duration) bye function\n"),
        "{err}"
    );
    assert!(err.contains(&format!("  {}^\n", " ".repeat(46))), "{err}");
    let out = faascope()
        .args(["query", "@no-such-query", "sample-data"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cold-starts-by-hour"));
}

#[test]
fn list_names_every_saved_query() {
    let doc = run_json(&["query", "--list"]);
    let names: Vec<&str> = doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| s(&r["name"]))
        .collect();
    for q in [
        "@cold-starts-by-hour",
        "@latency-by-function",
        "@memory-overprovisioning",
        "@cost-by-function",
        "@errors-by-type",
        "@timeouts",
        "@slowest-invocations",
        "@snapstart-restores",
        "@throttling-signs",
    ] {
        assert!(names.contains(&q), "{q} in {names:?}");
    }
}

#[test]
fn plot_draws_a_bin_series() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("cold.svg");
    let sample = root().join("sample-data");
    let out = faascope()
        .args([
            "query",
            "filter @type = \"REPORT\" | stats count(*) as invocations by bin(1h)",
            sample.to_str().unwrap(),
            "--plot",
            svg.to_str().unwrap(),
            "-q",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<svg") && text.contains("invocations"));
    // Not replaced without --force; and a query without bin() cannot be plotted.
    let again = faascope()
        .args([
            "query",
            "stats count(*) by bin(1h)",
            sample.to_str().unwrap(),
            "--plot",
            svg.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    let nobin = faascope()
        .args([
            "query",
            "stats count(*) by function",
            sample.to_str().unwrap(),
            "--plot",
            svg.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&nobin.stderr).contains("bin("));
}
