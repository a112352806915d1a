//! Integration tests: the real `faascope` binary on the bundled sample-data and on bad input.

use std::path::{Path, PathBuf};

use predicates::prelude::*;
use serde_json::Value;

mod common;
use common::{faascope, root};

fn report_json(args: &[&str]) -> Value {
    let out = faascope()
        .arg("report")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn expected() -> Value {
    let p = root().join("tests/fixtures/sample-data-expected.json");
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

#[test]
fn report_table_on_sample_data() {
    let out = faascope()
        .args(["report", "sample-data"])
        .assert()
        .success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    for f in expected()["functions"].as_object().unwrap().keys() {
        assert!(stdout.contains(f.as_str()), "{f} missing from:\n{stdout}");
    }
    assert!(stdout.contains("p99 ms"));
    assert!(stdout.contains("total (8 functions)"));
}

#[test]
fn report_json_matches_the_generators_ground_truth() {
    let doc = report_json(&["sample-data"]);
    let exp = expected();
    let funcs = doc["functions"].as_array().unwrap();
    assert_eq!(funcs.len(), exp["functions"].as_object().unwrap().len());
    for f in funcs {
        let name = f["function"].as_str().unwrap();
        let e = &exp["functions"][name];
        assert!(e.is_object(), "unexpected function {name}");
        for (ours, theirs) in [
            ("invocations", "invocations"),
            ("cold_starts", "cold_starts"),
            ("errors", "errors"),
            ("timeouts", "timeouts"),
            ("memory_size_mb", "memory_size_mb"),
        ] {
            assert_eq!(f[ours], e[theirs], "{name}: {ours}");
        }
        assert_eq!(
            f["billed_duration_ms"].as_f64().unwrap(),
            e["sum_billed_duration_ms"].as_f64().unwrap(),
            "{name}: billed"
        );
        assert_eq!(f["duration_ms"]["max"], e["max_duration_ms"], "{name}: max");
        let first =
            chrono::DateTime::parse_from_rfc3339(f["first_seen"].as_str().unwrap()).unwrap();
        assert_eq!(
            first.timestamp_millis(),
            e["first_report_ts_ms"].as_i64().unwrap(),
            "{name}: first_seen"
        );
        for k in ["p50", "p90", "p95", "p99", "mean", "max"] {
            assert!(f["duration_ms"][k].is_number(), "{name}: duration_ms.{k}");
        }
        assert!(f["peak_concurrency"].as_u64().unwrap() >= 1);
    }
    assert_eq!(
        doc["skipped"]["total"], 0,
        "sample-data must read cleanly: {}",
        doc["skipped"]
    );
    let total: u64 = funcs
        .iter()
        .map(|f| f["invocations"].as_u64().unwrap())
        .sum();
    assert_eq!(doc["totals"]["invocations"].as_u64().unwrap(), total);
}

/// numpy's default percentile: linear interpolation between closest ranks.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

#[test]
fn export_round_trips_to_the_reports_numbers() {
    let out = faascope()
        .args([
            "export",
            "sample-data",
            "--table",
            "invocations",
            "--format",
            "ndjson",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut by_fn: std::collections::BTreeMap<String, (Vec<f64>, u64, u64)> = Default::default();
    for line in text.lines() {
        let r: Value = serde_json::from_str(line).unwrap();
        for k in [
            "function",
            "request_id",
            "timestamp",
            "duration_ms",
            "billed_duration_ms",
            "memory_size_mb",
            "max_memory_used_mb",
            "init_duration_ms",
            "restore_duration_ms",
            "billed_restore_duration_ms",
            "cold_start",
            "status",
            "error_type",
            "trace_id",
            "source",
        ] {
            assert!(r.get(k).is_some(), "column {k} missing in {line}");
        }
        let e = by_fn
            .entry(r["function"].as_str().unwrap().to_string())
            .or_default();
        e.0.push(r["duration_ms"].as_f64().unwrap());
        e.1 += u64::from(r["cold_start"].as_bool().unwrap());
        e.2 += u64::from(r["status"] == "error");
    }
    let doc = report_json(&["sample-data"]);
    for f in doc["functions"].as_array().unwrap() {
        let (d, cold, errors) = by_fn.get_mut(f["function"].as_str().unwrap()).unwrap();
        d.sort_by(f64::total_cmp);
        assert_eq!(f["invocations"].as_u64().unwrap(), d.len() as u64);
        assert_eq!(f["cold_starts"].as_u64().unwrap(), *cold);
        assert_eq!(f["errors"].as_u64().unwrap(), *errors);
        for (k, p) in [("p50", 0.5), ("p90", 0.9), ("p95", 0.95), ("p99", 0.99)] {
            let ours = f["duration_ms"][k].as_f64().unwrap();
            let want = percentile(d, p);
            assert!(
                (ours - want).abs() <= 1e-9 * want.abs().max(1.0),
                "{k}: {ours} vs {want}"
            );
        }
    }
}

#[test]
fn export_csv_and_parquet_write_files_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("inv.csv");
    faascope()
        .args([
            "export",
            "sample-data/ndjson",
            "--table",
            "invocations",
            "--format",
            "csv",
            "--out",
        ])
        .arg(&csv)
        .assert()
        .success();
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("function,request_id,timestamp,duration_ms,"));
    assert_eq!(text.lines().count(), 1 + 21047 + 7719);
    // Refuses to overwrite without --force.
    faascope()
        .args([
            "export",
            "sample-data/ndjson",
            "--table",
            "invocations",
            "--format",
            "csv",
            "--out",
        ])
        .arg(&csv)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--force"));
    let pq = dir.path().join("spans.parquet");
    faascope()
        .args([
            "export",
            "sample-data/xray",
            "--table",
            "spans",
            "--format",
            "parquet",
            "--out",
        ])
        .arg(&pq)
        .assert()
        .success();
    assert_eq!(&std::fs::read(&pq).unwrap()[..4], b"PAR1");
    faascope()
        .args([
            "export",
            "sample-data/xray",
            "--table",
            "spans",
            "--format",
            "parquet",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs --out"));
}

#[test]
fn filters_and_sorting() {
    let doc = report_json(&[
        "sample-data",
        "--function",
        "^orders",
        "--since",
        "2025-09-02T00:00:00Z",
        "--until",
        "2025-09-03T00:00:00Z",
    ]);
    let f = doc["functions"].as_array().unwrap();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["function"], "orders-api");
    assert!(f[0]["first_seen"]
        .as_str()
        .unwrap()
        .starts_with("2025-09-02"));
    assert!(f[0]["last_seen"]
        .as_str()
        .unwrap()
        .starts_with("2025-09-02"));
    let doc = report_json(&["sample-data", "--sort", "invocations"]);
    let n: Vec<u64> = doc["functions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["invocations"].as_u64().unwrap())
        .collect();
    assert!(n.windows(2).all(|w| w[0] >= w[1]));
    faascope()
        .args(["report", "sample-data", "--sort", "bogus"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown sort column 'bogus'"));
    faascope()
        .args(["report", "sample-data", "--since", "yesterday-ish"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--since"));
}

#[test]
fn csv_and_markdown_formats() {
    faascope()
        .args(["report", "sample-data/logs-tail", "--format", "csv"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("function,invocations,errors,"))
        .stdout(predicate::str::contains("nightly-report,73,"));
    faascope()
        .args(["report", "sample-data/logs-tail", "--format", "markdown"])
        .assert()
        .success()
        .stdout(predicate::str::contains("| nightly-report | 73 |"));
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/formats").join(name)
}

#[test]
fn malformed_input_is_counted_reported_and_strict_fails() {
    faascope()
        .arg("report")
        .arg(fixture("bad-lines.ndjson"))
        .assert()
        .success()
        .stderr(predicate::str::contains("skipped 2 malformed record(s)"))
        .stderr(predicate::str::contains(
            "bad-lines.ndjson:2: malformed JSON line",
        ))
        .stderr(predicate::str::contains(
            "bad-lines.ndjson:3: line is not JSON",
        ));
    faascope()
        .arg("report")
        .arg(fixture("bad-lines.ndjson"))
        .arg("--strict")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--strict"));
    let doc = report_json(&[fixture("bad-lines.ndjson").to_str().unwrap()]);
    assert_eq!(doc["skipped"]["total"], 2);
    assert_eq!(
        doc["skipped"]["examples"][0]["source"]
            .as_str()
            .unwrap()
            .rsplit(':')
            .next(),
        Some("2")
    );
}

#[test]
fn truncated_empty_and_binary_files() {
    faascope()
        .arg("report")
        .arg(fixture("truncated.log.gz"))
        .assert()
        .success()
        .stdout(predicate::str::contains("truncated"))
        .stderr(predicate::str::contains("file is truncated or corrupt"));
    faascope()
        .arg("report")
        .arg(fixture("empty.log"))
        .assert()
        .success()
        .stderr(predicate::str::contains("empty.log:0: empty file"))
        .stderr(predicate::str::contains("found no invocation reports"));
    faascope()
        .arg("report")
        .arg(fixture("binary.dat"))
        .arg("--strict")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("binary.dat:0: binary file"));
}

#[test]
fn missing_path_and_bad_usage_exit_2() {
    faascope()
        .args(["report", "no/such/dir"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no/such/dir: no such file or directory",
        ));
    faascope().args(["report"]).assert().code(2);
    faascope()
        .args(["report", "sample-data", "--function", "("])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a valid regular expression"));
}

#[test]
fn input_format_can_be_forced() {
    // Forcing NDJSON on a text file makes every line malformed.
    faascope()
        .arg("report")
        .arg(fixture("text-tabs.log"))
        .args(["--input-format", "ndjson", "--format", "json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"total\": 8"));
}

#[test]
fn traces_summaries_and_waterfall() {
    let out = faascope()
        .args([
            "traces",
            "sample-data/xray",
            "--format",
            "json",
            "--limit",
            "0",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["total"], expected()["traces"]);
    // Skips are in the document too, as in `report`'s.
    assert!(doc["skipped"]["total"].is_u64(), "{}", doc["skipped"]);
    let traces = doc["traces"].as_array().unwrap();
    let slowest = traces[0]["duration_ms"].as_f64().unwrap();
    assert!(traces
        .iter()
        .all(|t| t["duration_ms"].as_f64().unwrap() <= slowest));
    let id = traces[0]["trace_id"].as_str().unwrap();
    faascope()
        .args(["traces", "sample-data/xray", "--trace-id", id])
        .assert()
        .success()
        .stdout(predicate::str::contains("Invocation"));
    faascope()
        .args([
            "traces",
            "sample-data/xray",
            "--trace-id",
            "1-00000000-000000000000000000000000",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not in the sources"));
    faascope()
        .args(["traces", "sample-data/xray", "--cold"])
        .assert()
        .success()
        .stdout(predicate::str::contains("cold"));
}

#[test]
fn completions_and_help() {
    faascope()
        .args(["completions", "bash"])
        .assert()
        .success()
        .stdout(predicate::str::contains("_faascope"));
    for cmd in ["report", "export", "traces"] {
        faascope()
            .args([cmd, "--help"])
            .assert()
            .success()
            .stdout(predicate::str::contains("Examples:"));
    }
}

#[test]
fn control_sequences_in_data_never_reach_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("evil.ndjson");
    let line = serde_json::json!({
        "timestamp": 1756821791482i64,
        "logGroup": "/aws/lambda/evil\u{1b}]0;pwned\u{7}\u{1b}[2J",
        "message": "REPORT RequestId: 6f1c2a9e-3b7d-4e52-9a10-2c4d8e7f1b33\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t"
    });
    std::fs::write(&p, format!("{line}\n")).unwrap();
    let out = faascope().arg("report").arg(&p).output().unwrap();
    assert!(out.status.success());
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(!s.contains('\u{1b}'), "escape reached output: {s:?}");
    assert!(s.contains("evil"));
    // CSV exports too, piped (as into `head`) or written with --out: the same function name
    // as `report` prints.
    let out = faascope()
        .args(["export", "--table", "invocations", "--format", "csv"])
        .arg(&p)
        .output()
        .unwrap();
    assert!(out.status.success());
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(
        !csv.bytes().any(|b| b == 0x1b || b == 0x07),
        "escape reached output: {csv:?}"
    );
    assert!(
        csv.lines().nth(1).is_some_and(|l| l.starts_with("evil,")),
        "{csv}"
    );
    let file = dir.path().join("out.csv");
    faascope()
        .args([
            "export",
            "--table",
            "invocations",
            "--format",
            "csv",
            "--out",
        ])
        .arg(&file)
        .arg(&p)
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(&file).unwrap(), csv);
}

#[test]
fn sample_data_generator_is_deterministic() {
    // The committed generator reproduces the committed ground truth.
    let dir = tempfile::tempdir().unwrap();
    let exp = dir.path().join("expected.json");
    // `cargo test` builds the examples beside the binaries.
    let bin = Path::new(env!("CARGO_BIN_EXE_faascope"));
    let gen = bin
        .parent()
        .unwrap()
        .join("examples")
        .join(format!("gen_sample_data{}", std::env::consts::EXE_SUFFIX));
    assert!(
        gen.exists(),
        "{} not built; run `cargo test`",
        gen.display()
    );
    let status = std::process::Command::new(gen)
        .args(["--seed", "42", "--out"])
        .arg(dir.path().join("data"))
        .arg("--expected")
        .arg(&exp)
        .current_dir(root())
        .status()
        .unwrap();
    assert!(status.success());
    let ours: Value = serde_json::from_str(&std::fs::read_to_string(&exp).unwrap()).unwrap();
    assert_eq!(ours["functions"], expected()["functions"]);
    assert_eq!(ours["files"], expected()["files"]);
}

/// Overlapping inputs (the same export copied, pages fetched twice) count each invocation
/// once, and say so; the report equals the one of a single copy.
#[test]
fn overlapping_inputs_count_each_invocation_once() {
    let dir = tempfile::tempdir().unwrap();
    let page = root().join("sample-data/filter-log-events/payments-java.page-1.json");
    let copy = dir.path().join("payments-java.again.json");
    std::fs::copy(&page, &copy).unwrap();
    let once = report_json(&[page.to_str().unwrap()]);
    let invocations = once["functions"][0]["invocations"].as_u64().unwrap();
    assert!(invocations > 0);
    let out = faascope()
        .args(["report", "--format", "json"])
        .arg(&page)
        .arg(&copy)
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "note: {invocations} invocation report(s) were read more than once"
        )));
    let twice: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(twice["functions"], once["functions"]);
}

/// A retried request (its id again, other timings) read from two copies of its input counts
/// once per report, not once per copy: `report`, `export` and `query` agree, whatever the order
/// of the inputs.
#[test]
fn a_retried_request_in_overlapping_inputs_counts_once_per_report() {
    let dir = tempfile::tempdir().unwrap();
    let text = "2025-09-01T00:00:01.000Z REPORT RequestId: 8f5e2a10-1c2d-4e5f-9a0b-1c2d3e4f5a6b\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 512 MB\tMax Memory Used: 90 MB\tStatus: timeout\n\
2025-09-01T00:01:05.000Z REPORT RequestId: 8f5e2a10-1c2d-4e5f-9a0b-1c2d3e4f5a6b\tDuration: 120.00 ms\tBilled Duration: 120 ms\tMemory Size: 512 MB\tMax Memory Used: 91 MB\t\n\
2025-09-01T00:02:00.000Z REPORT RequestId: 0a5e2a10-1c2d-4e5f-9a0b-1c2d3e4f5a6b\tDuration: 50.00 ms\tBilled Duration: 50 ms\tMemory Size: 512 MB\tMax Memory Used: 91 MB\t\n";
    let a = dir.path().join("orders-api.log");
    std::fs::create_dir(dir.path().join("copy")).unwrap();
    let b = dir.path().join("copy/orders-api.log");
    std::fs::write(&a, text).unwrap();
    std::fs::write(&b, text).unwrap();
    for (first, second) in [(&a, &b), (&b, &a)] {
        let v = report_json(&[first.to_str().unwrap(), second.to_str().unwrap()]);
        let f = &v["functions"][0];
        assert_eq!(f["invocations"], 3, "{v}");
        assert_eq!(f["timeouts"], 1, "{v}");
        assert_eq!(f["billed_duration_ms"], 3170.0, "{v}");
    }
    let out = faascope()
        .args(["export", "--table", "invocations", "-q"])
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 3);
    let out = faascope()
        .args(["query", "stats count(*) as n", "--format", "csv", "-q"])
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), "n\n3\n");
}

/// A segment document nested `depth` subsegments deep.
fn nested_segment(trace_id: &str, depth: usize) -> String {
    let mut doc = String::new();
    for i in 0..depth {
        doc.push_str(&format!(
            r#"{{"id":"{:016x}","name":"n{i}","start_time":1756821791.0,"end_time":1756821792.0,"subsegments":["#,
            i + 1
        ));
    }
    doc.push_str(&format!(
        r#"{{"id":"{:016x}","name":"leaf","start_time":1756821791.0,"end_time":1756821792.0}}"#,
        depth + 1
    ));
    doc.push_str(&"]}".repeat(depth));
    format!(
        r#"{{"id":"00000000000000aa","name":"deep","trace_id":"{trace_id}","start_time":1756821791.0,"end_time":1756821792.0,"subsegments":[{doc}]}}"#
    )
}

#[test]
fn xray_documents_too_deep_or_out_of_order_are_counted_skips() {
    let dir = tempfile::tempdir().unwrap();
    let ok = nested_segment("1-68b6f91f-000000000000000000000001", 40);
    let deep = nested_segment("1-68b6f91f-000000000000000000000002", 120);
    let reversed = r#"{"id":"1111111111111111","name":"rev","trace_id":"1-68b6f91f-000000000000000000000003","start_time":1756821792.0,"end_time":1756821791.0}"#;
    let negative = r#"{"id":"2222222222222222","name":"neg","trace_id":"1-68b6f91f-000000000000000000000004","start_time":-5,"end_time":-1}"#;
    let p = dir.path().join("segments.ndjson");
    std::fs::write(&p, format!("{ok}\n{deep}\n{reversed}\n{negative}\n")).unwrap();
    let out = faascope()
        .args(["traces", "--format", "json", "--strict"])
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let traces = v["traces"].as_array().unwrap();
    assert_eq!(traces.len(), 1, "{v}");
    assert_eq!(traces[0]["spans"], 42);
    let reasons = v["skipped"]["by_reason"].as_object().unwrap();
    for r in [
        "JSON nested too deeply",
        "X-Ray segment ends before it starts",
        "X-Ray segment start_time out of range (not 2000 to 2100 in epoch seconds)",
    ] {
        assert_eq!(reasons.get(r), Some(&Value::from(1)), "{r}: {reasons:?}");
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("segments.ndjson:2: JSON nested too deeply"),
        "{stderr}"
    );
}

#[test]
fn traces_filters_keep_whole_traces() {
    // The payments-java cold start starts at 11:48:47.458 and lasts 5.67 s: a window that
    // holds its start keeps all of it, one that holds only its end keeps none of it.
    let run = |args: &[&str]| -> Vec<Value> {
        let out = faascope()
            .args(["traces", "sample-data/xray", "--format", "json"])
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success());
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v["traces"].as_array().unwrap().clone()
    };
    let id = "1-68b6d99f-20586ec888ed087b3190d96b";
    let whole = run(&[]);
    let full = whole.iter().find(|t| t["trace_id"] == id).unwrap();
    let windowed = run(&[
        "--since",
        "2025-09-02T11:48:47Z",
        "--until",
        "2025-09-02T11:48:48Z",
    ]);
    let w = windowed.iter().find(|t| t["trace_id"] == id).unwrap();
    assert_eq!(w, full);
    assert_eq!(w["root"], "payments-java");
    assert_eq!(w["cold_start"], true);
    assert_eq!(w["duration_ms"], 5670.251);
    let late = run(&[
        "--since",
        "2025-09-02T11:48:52Z",
        "--until",
        "2025-09-02T11:48:53Z",
    ]);
    assert!(late.iter().all(|t| t["trace_id"] != id));
    // --function keeps the traces the function is in, callers' segments included.
    let f = run(&["--function", "^payments-java$"]);
    assert!(!f.is_empty());
    let t = f.iter().find(|t| t["trace_id"] == id).unwrap();
    assert_eq!(t, full);
}

#[test]
fn waterfall_names_cannot_add_lines() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("ctrl.json");
    std::fs::write(
        &p,
        r#"{"id":"6666666666666661","name":"evil\u001b[31mRED","trace_id":"1-68b6f91f-00000000000000000000000f","start_time":1756821791.0,"end_time":1756821792.0,"subsegments":[{"id":"6666666666666662","name":"sub\r\nFAKE LINE\u2028x","namespace":"remote","start_time":1756821791.1,"end_time":1756821791.2}]}"#,
    )
    .unwrap();
    let out = faascope()
        .args([
            "traces",
            "--trace-id",
            "1-68b6f91f-00000000000000000000000f",
        ])
        .arg(&p)
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\u{1b}') && !text.contains('\r'), "{text:?}");
    let sub = text.lines().find(|l| l.contains("FAKE LINE")).unwrap();
    assert!(sub.contains("sub FAKE LINE x"), "{sub:?}");
    assert_eq!(
        text.lines().filter(|l| l.contains("ms")).count(),
        2,
        "{text}"
    );
}

#[test]
fn export_keeps_one_copy_of_repeated_spans_and_metric_points() {
    let dir = tempfile::tempdir().unwrap();
    for d in ["a", "b"] {
        std::fs::create_dir(dir.path().join(d)).unwrap();
        std::fs::copy(
            root().join("sample-data/xray/batch-get-traces-1.json"),
            dir.path().join(d).join("traces.json"),
        )
        .unwrap();
        std::fs::copy(
            root().join("sample-data/metrics/throttles.csv"),
            dir.path().join(d).join("throttles.csv"),
        )
        .unwrap();
    }
    let rows = |args: &[&str], src: &Path| -> (usize, String) {
        let out = faascope()
            .arg("export")
            .args(args)
            .arg(src)
            .args(["--format", "csv"])
            .output()
            .unwrap();
        assert!(out.status.success());
        (
            String::from_utf8_lossy(&out.stdout).lines().count(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (one, _) = rows(&["--table", "spans"], &dir.path().join("a"));
    let (two, note) = rows(&["--table", "spans"], dir.path());
    assert_eq!(one, two);
    assert!(
        note.contains(&format!(
            "{} X-Ray span(s) (segments and their subsegments) were read more than once",
            one - 1
        )),
        "{note}"
    );
    let (one, _) = rows(&["--table", "metrics"], &dir.path().join("a"));
    let (two, note) = rows(&["--table", "metrics"], dir.path());
    assert_eq!(one, two);
    assert!(
        note.contains("metric point(s) were read more than once"),
        "{note}"
    );
}

#[test]
fn rules_count_overlapping_throttle_metrics_once() {
    // sample-data has image-batch's throttles per minute (CSV) and per hour (get-metric-data).
    let v = report_json(&["sample-data", "--rules"]);
    let want = expected()["functions"]["image-batch"]["throttles"].clone();
    let found = v["insights"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["function"] == "image-batch" && f["rule"] == "throttles")
        .unwrap()
        .clone();
    assert_eq!(found["value"].as_f64(), want.as_f64(), "{found}");
}

/// Third-round logs review: after a memory cut the table paired the old size's use with the
/// new size ("600/512") and `memory_near_limit` said 117 % of the size, telling the user to
/// raise the memory just lowered. Both weigh the use at the latest size (`at_size`).
#[test]
fn memory_used_is_weighed_at_the_latest_size() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("memdown.log");
    std::fs::write(
        &log,
        "2025-09-01T00:00:00.100Z REPORT RequestId: d0000000-0000-4000-8000-000000000001\tDuration: 100.00 ms\tBilled Duration: 100 ms\tMemory Size: 2048 MB\tMax Memory Used: 600 MB\t\n\
         2025-09-01T01:00:00.100Z REPORT RequestId: d0000000-0000-4000-8000-000000000002\tDuration: 100.00 ms\tBilled Duration: 100 ms\tMemory Size: 512 MB\tMax Memory Used: 300 MB\t\n",
    )
    .unwrap();
    let v = report_json(&[log.to_str().unwrap(), "--rules"]);
    let f = &v["functions"][0];
    assert_eq!(f["max_memory_used_mb"]["max"], 600.0);
    assert_eq!(f["max_memory_used_mb"]["at_size"], 300.0);
    let near = v["insights"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["rule"] == "memory_near_limit")
        .unwrap();
    assert_eq!(near["outcome"], "pass", "{near}");
    assert!((near["value"].as_f64().unwrap() - 300.0 / 512.0).abs() < 1e-9);
    let out = faascope()
        .args(["report", "-q"])
        .arg(&log)
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains("300/512") && !table.contains("600/512"),
        "{table}"
    );
}

/// Fourth-round ingestion review: a function throttled for the whole window writes no REPORT
/// line, and `report --rules` said nothing of the throttles its metrics showed.
#[test]
fn rules_name_throttled_functions_without_invocations() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        "sample-data/logs-tail/nightly-report.txt",
        dir.path().join("nightly-report.txt"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("throttles.csv"),
        "timestamp,function,metric,value,unit\n2025-09-01T06:00:00Z,image-batch,Throttles,923,Count\n2025-09-01T06:01:00Z,image-batch,Throttles,429,Count\n2025-09-01T06:00:00Z,cron-cleanup,Throttles,0,Count\n",
    )
    .unwrap();
    let v = report_json(&[dir.path().to_str().unwrap(), "--rules"]);
    let image: Vec<&Value> = v["insights"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["function"] == "image-batch")
        .collect();
    let throttles = image.iter().find(|f| f["rule"] == "throttles").unwrap();
    assert_eq!(throttles["outcome"], "warn", "{throttles}");
    assert_eq!(throttles["value"].as_f64(), Some(1352.0));
    assert!(
        throttles["message"]
            .as_str()
            .unwrap()
            .contains("no invocation of it in the logs read"),
        "{throttles}"
    );
    // Its other rules have nothing to go on; a function never throttled is not added.
    assert!(image
        .iter()
        .filter(|f| f["rule"] != "throttles")
        .all(|f| f["outcome"] == "skipped"));
    assert!(!v["insights"].to_string().contains("cron-cleanup"));
    // Metrics alone: the throttles still show, and the note counts the points read.
    let out = faascope()
        .args(["report", "--rules", "sample-data/metrics"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(stdout.contains("image-batch"), "{stdout}");
    assert!(
        stderr.contains("metric point(s), and found no invocation reports"),
        "{stderr}"
    );
}

#[test]
fn metrics_that_name_no_function_take_the_file_stem() {
    let out = faascope()
        .args([
            "export",
            "tests/fixtures/formats/orders-api.get-metric-statistics.json",
            "--table",
            "metrics",
            "--format",
            "ndjson",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.lines().count() > 0);
    for l in text.lines() {
        let v: Value = serde_json::from_str(l).unwrap();
        assert_eq!(v["function"], "orders-api", "{l}");
    }
}

#[test]
fn an_empty_export_says_why() {
    // The filter left nothing: what was read, and which option.
    faascope()
        .args([
            "export",
            "sample-data/xray",
            "--table",
            "spans",
            "--function",
            "^nosuch$",
        ])
        .assert()
        .success()
        .stdout("")
        .stderr(predicate::str::contains(
            "note: nothing exported: none of the 10244 span(s) read (2025-09-01T00:01:01Z to 2025-09-03T23:58:56Z, 2 function(s): orders-api, payments-java) matched --function '^nosuch$'",
        ));
    // Nothing of this table in the sources: which inputs hold it.
    faascope()
        .args(["export", "sample-data/xray", "--table", "invocations"])
        .assert()
        .success()
        .stdout("")
        .stderr(predicate::str::contains(
            "note: nothing exported: the sources hold no invocation(s) (read from Lambda logs with REPORT lines)",
        ));
    // --quiet keeps it quiet; a non-empty export has no such note.
    faascope()
        .args([
            "export",
            "sample-data/xray",
            "--table",
            "metrics",
            "--quiet",
        ])
        .assert()
        .success()
        .stderr("");
    faascope()
        .args(["export", "sample-data/xray", "--table", "spans"])
        .assert()
        .success()
        .stderr(predicate::str::contains("nothing exported").not());
    // An empty NDJSON file is not created (the next run over the directory would read it as
    // an empty input: fifth-round export review); one --force replaces is replaced.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("none.ndjson");
    faascope()
        .args([
            "export",
            "sample-data/xray",
            "--table",
            "invocations",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "none.ndjson not written: no rows to export",
        ));
    assert!(!out.exists());
    std::fs::write(&out, "old\n").unwrap();
    faascope()
        .args([
            "export",
            "sample-data/xray",
            "--table",
            "invocations",
            "--force",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    assert_eq!(std::fs::read(&out).unwrap(), b"");
}

/// Third-round README review: `export` and `query` left out records without a time under
/// --since/--until without a word, where `report`, `logs` and `cost` say how many.
#[test]
fn export_and_query_say_what_a_window_leaves_out_for_want_of_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let untimed = dir.path().join("orders-api.log");
    std::fs::write(
        &untimed,
        "REPORT RequestId: 11111111-aaaa-bbbb-cccc-dddddddddddd\tDuration: 10.0 ms\tBilled Duration: 10 ms\tMemory Size: 512 MB\tMax Memory Used: 50 MB\t\n\
         REPORT RequestId: 21111111-aaaa-bbbb-cccc-dddddddddddd\tDuration: 12.0 ms\tBilled Duration: 12 ms\tMemory Size: 512 MB\tMax Memory Used: 50 MB\t\n",
    )
    .unwrap();
    let run = |args: &[&str], note: &str| {
        faascope()
            .args(args)
            .arg(&untimed)
            .args(["sample-data/logs-tail", "--since", "2025-09-03T22:00:00Z"])
            .assert()
            .success()
            .stderr(predicate::str::contains(format!(
                "note: 2 {note} have no time (lines without timestamps) and are left out by --since/--until"
            )));
    };
    run(&["export", "--table", "invocations"], "invocation(s)");
    run(&["query", "stats count(*)"], "record(s)");
    run(&["logs"], "log line(s)");
    // Not when the function filter leaves them out anyway.
    faascope()
        .args(["export", "--table", "invocations", "--function", "nightly"])
        .arg(&untimed)
        .args(["sample-data/logs-tail", "--since", "2025-09-03T22:00:00Z"])
        .assert()
        .success()
        .stderr(predicate::str::contains("have no time").not());
}

/// Export review: bytes that are not UTF-8 were counted as a skipped record (and failed
/// --strict) though the line was replaced and read: a warning of its own now.
#[test]
fn replaced_bytes_are_said_but_not_skips() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("weird.log");
    let mut text = b"2025-09-01T00:00:00.000Z\t11111111-aaaa-bbbb-cccc-dddddddddddd\tINFO\tbad \xff\xfe byte\n".to_vec();
    text.extend_from_slice(b"2025-09-01T00:00:00.100Z\tREPORT RequestId: 11111111-aaaa-bbbb-cccc-dddddddddddd\tDuration: 10.0 ms\tBilled Duration: 10 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\t\n");
    std::fs::write(&log, text).unwrap();
    let out = faascope()
        .args(["report", "--strict", "--format", "json"])
        .arg(&log)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("warning: bytes that are not UTF-8 were replaced (U+FFFD) on 1 line(s), read all the same:")
            && err.contains("weird.log:1"),
        "{err}"
    );
    assert!(!err.contains("skipped"), "{err}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["skipped"]["total"], 0);
    assert_eq!(v["skipped"]["replaced_utf8"], 1);
    assert_eq!(v["functions"][0]["invocations"], 1);
    faascope()
        .args(["export", "--table", "logs", "--strict", "-q"])
        .arg(&log)
        .assert()
        .success()
        .stdout(predicate::str::contains("bad \u{fffd}\u{fffd} byte"));
}

/// Export review: an export written into the input directory was read back by the next run
/// as the log lines of a function named after it, and a Parquet one failed --strict. They are
/// passed over, with a note naming them.
#[test]
fn faascopes_own_exports_are_passed_over() {
    let dir = tempfile::tempdir().unwrap();
    let own = dir.path();
    std::fs::copy(
        root().join("sample-data/logs-tail/nightly-report.txt"),
        own.join("nightly-report.txt"),
    )
    .unwrap();
    for (table, format, name) in [
        ("invocations", "csv", "invocations.csv"),
        ("logs", "parquet", "logs.parquet"),
        ("logs", "ndjson", "logs.ndjson"),
        ("spans", "csv", "spans.csv"),
    ] {
        faascope()
            .arg("export")
            .arg(own)
            .args(["--table", table, "--format", format, "-q", "--out"])
            .arg(own.join(name))
            .assert()
            .success();
    }
    // Re-saved by an editor with a byte-order mark: still faascope's.
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend(std::fs::read(own.join("logs.ndjson")).unwrap());
    std::fs::write(own.join("bom.ndjson"), bom).unwrap();
    // Fourth-round ingestion review: the object CloudWatch writes beside an S3 export became a
    // function "aws-logs-write-test".
    std::fs::write(
        own.join("aws-logs-write-test"),
        "Permission Check Successful",
    )
    .unwrap();
    let out = faascope()
        .arg("logs")
        .arg(own)
        .args(["--format", "json", "--strict"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.lines().count() > 0);
    for l in text.lines() {
        let v: Value = serde_json::from_str(l).unwrap();
        assert_eq!(v["function"], "nightly-report", "{l}");
    }
    assert!(
        err.contains("note: passed over 6 file(s) that hold no logs to read")
            && err.contains(
                "aws-logs-write-test (the permission check CloudWatch writes beside an S3 export)"
            )
            && err.contains("invocations.csv (faascope's export of the invocations table, CSV)")
            && err.contains("logs.ndjson (faascope's export of the logs table, NDJSON)")
            && err.contains("logs.parquet (Parquet"),
        "{err}"
    );
}

/// Fourth-round traces review: a trace where A (200 ms INIT) calls B (1200 ms INIT), both
/// cold, showed A's 200 ms for `--function '^B$'`. The trace's INIT is the longest; with
/// --function, the kept function's.
#[test]
fn a_trace_with_two_cold_starts_shows_the_function_asked_for() {
    let init_of = |function: Option<&str>| -> f64 {
        let mut cmd = faascope();
        cmd.args([
            "traces",
            "tests/fixtures/xray/two-cold-starts",
            "--format",
            "json",
        ]);
        if let Some(f) = function {
            cmd.args(["--function", f]);
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success());
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v["traces"][0]["init_ms"].as_f64().unwrap()
    };
    assert_eq!(init_of(Some("^B$")), 1200.0);
    assert_eq!(init_of(Some("^A$")), 200.0);
    assert_eq!(init_of(None), 1200.0);
    // B warm (its Initialization taken out): `--function '^B$'` has no INIT of B to show, not
    // A's (fifth-round verification).
    let dir = tempfile::tempdir().unwrap();
    let mut doc: Value = serde_json::from_str(
        &std::fs::read_to_string(
            root().join("tests/fixtures/xray/two-cold-starts/batch-get-traces.json"),
        )
        .unwrap(),
    )
    .unwrap();
    for seg in doc["Traces"][0]["Segments"].as_array_mut().unwrap() {
        let mut d: Value = serde_json::from_str(seg["Document"].as_str().unwrap()).unwrap();
        if d["name"] == "B" {
            if let Some(subs) = d["subsegments"].as_array_mut() {
                subs.retain(|x| x["name"] != "Initialization");
            }
        }
        seg["Document"] = Value::String(d.to_string());
    }
    std::fs::write(dir.path().join("t.json"), doc.to_string()).unwrap();
    let out = faascope()
        .arg("traces")
        .arg(dir.path())
        .args(["--format", "json", "--function", "^B$"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["traces"][0]["init_ms"], Value::Null, "{v}");
    // Nor A's cold start (fifth-round traces review: the row said `cold` where `--cold`
    // dropped it).
    assert_eq!(v["traces"][0]["cold_start"], false, "B started warm: {v}");
    // ... and `--cold` with `--function '^B$'` does not keep it: B did not start cold there.
    let out = faascope()
        .arg("traces")
        .arg(dir.path())
        .args(["--format", "json", "--function", "^B$", "--cold"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["total"], 0, "{v}");
}

#[test]
fn export_to_dash_is_stdout_and_strict_exports_nothing() {
    let out = faascope()
        .args([
            "export",
            "sample-data/logs-tail",
            "--table",
            "invocations",
            "--out",
            "-",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!root().join("-").exists());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("{\"function\":"));
    faascope()
        .args([
            "export",
            "sample-data",
            "--table",
            "spans",
            "--format",
            "parquet",
            "--out",
            "-",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs --out PATH to a file"));

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.log");
    std::fs::write(
        &bad,
        "REPORT RequestId: 3f2a1c9e-0000-4000-8000-000000000001\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\t\nREPORT RequestId: x\tDuration: soon\n",
    )
    .unwrap();
    let target = dir.path().join("out.csv");
    faascope()
        .args([
            "export",
            "--table",
            "invocations",
            "--format",
            "csv",
            "--strict",
            "--out",
        ])
        .arg(&target)
        .arg(&bad)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("not written"));
    assert!(!target.exists());
}

#[test]
fn logs_say_why_nothing_was_shown() {
    faascope()
        .args(["logs", "sample-data/logs-tail", "--level", "NOSUCHLEVEL"])
        .assert()
        .success()
        .stdout("")
        .stderr(
            predicate::str::contains("none of the").and(predicate::str::contains(
                "log line(s) matched --grep/--level/--request-id",
            )),
        );
    faascope()
        .args(["logs", "sample-data/logs-tail", "--since", "2030-01-01"])
        .assert()
        .success()
        .stdout("")
        .stderr(
            predicate::str::contains("none of the ")
                .and(predicate::str::contains(
                    "log line(s) read (2025-09-01T00:00:00Z to 2025-09-03T",
                ))
                .and(predicate::str::contains(
                    "matched --since 2030-01-01T00:00:00Z",
                )),
        );
}

#[test]
fn traces_function_filter_matches_lambda_segments_only() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("t.ndjson");
    let t = "1-68b6f91f-0000000000000000000000aa";
    let doc = |id: &str, name: &str, origin: &str, parent: Option<&str>| {
        let parent = parent.map_or(String::new(), |p| format!(r#","parent_id":"{p}""#));
        format!(
            r#"{{"id":"{id}","name":"{name}","origin":"{origin}","trace_id":"{t}","start_time":1756821791.0,"end_time":1756821791.5{parent}}}"#
        )
    };
    std::fs::write(
        &p,
        [
            doc("00000000000000a1", "frontend", "AWS::EC2::Instance", None),
            doc(
                "00000000000000a2",
                "orders",
                "AWS::Lambda::Function",
                Some("00000000000000a1"),
            ),
            doc(
                "00000000000000a3",
                "DynamoDB",
                "AWS::DynamoDB::Table",
                Some("00000000000000a2"),
            ),
        ]
        .join("\n"),
    )
    .unwrap();
    let count = |re: &str| -> usize {
        let out = faascope()
            .args(["traces", "--format", "json", "--function", re])
            .arg(&p)
            .output()
            .unwrap();
        assert!(out.status.success());
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v["traces"].as_array().unwrap().len()
    };
    assert_eq!(count("^orders$"), 1);
    assert_eq!(count("^DynamoDB$"), 0);
    assert_eq!(count("^frontend$"), 0);
}

#[test]
fn traces_say_why_none_are_shown() {
    faascope()
        .args([
            "traces",
            "sample-data/xray",
            "--function",
            "^no-such-function$",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("no traces to show"))
        .stderr(predicate::str::contains(
            "none of the 1435 trace(s) read matched",
        ));
    faascope()
        .args(["traces", "sample-data/logs-tail"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "no X-Ray segments or trace summaries in the sources",
        ));
}

/// Spans (CSV of `export --table spans`) as (span_id, function, request_id).
fn span_rows(args: &[&str]) -> Vec<(String, String, String)> {
    let out = faascope()
        .args(["export"])
        .args(args)
        .args(["--table", "spans", "--format", "ndjson", "-q"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            let s = |k: &str| v[k].as_str().unwrap_or("").to_string();
            (s("span_id"), s("function"), s("request_id"))
        })
        .collect()
}

/// checkout invokes ledger in one trace: each function's spans carry its own request, whatever
/// order the logs are given in; an independent subsegment is its segment's function's.
#[test]
fn trace_spans_join_their_own_functions_invocation() {
    let dir = "tests/fixtures/xray/chain";
    let (checkout, ledger) = (
        "c1c1c1c1-0000-4000-8000-000000000001",
        "d2d2d2d2-0000-4000-8000-000000000002",
    );
    for logs in [
        ["checkout.log", "ledger.log"],
        ["ledger.log", "checkout.log"],
    ] {
        let paths: Vec<String> = logs
            .iter()
            .map(|l| format!("{dir}/{l}"))
            .chain([format!("{dir}/trace.ndjson")])
            .collect();
        let args: Vec<&str> = paths.iter().map(String::as_str).collect();
        for (span, function, request) in span_rows(&args) {
            let want = if function == "checkout" {
                checkout
            } else {
                ledger
            };
            assert_eq!(request, want, "span {span} of {function} (logs {logs:?})");
        }
    }
    let rows = span_rows(&["tests/fixtures/xray/independent"]);
    assert_eq!(rows.len(), 5);
    assert!(rows.iter().all(|(_, f, _)| f == "orders-api"), "{rows:?}");
    // Downstream time is the wall time waited, with the number of calls.
    faascope()
        .args([
            "traces",
            "tests/fixtures/xray/independent",
            "--format",
            "csv",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "\"api.example.com 160.0ms, DynamoDB Query 100.0ms\"",
        ));
}

#[test]
fn trace_id_is_looked_up_before_list_filters() {
    let id = "1-68b6d99f-20586ec888ed087b3190d96b";
    faascope()
        .args([
            "traces",
            "sample-data/xray",
            "--trace-id",
            &format!(" {id}"),
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("payments-java"));
    faascope()
        .args([
            "traces",
            "sample-data/xray",
            "--trace-id",
            id,
            "--function",
            "orders-api",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "leave out --function/--cold/--errors",
        ));
    // Third-round traces review: a trace header's value (what on-call engineers copy) and
    // upper-case hex name the same trace; anything else is no trace id, said as such (it was
    // "is not in the sources").
    for arg in [
        format!(
            "Root={};Parent=5d2c8b1a9e7f3c4d;Sampled=1",
            id.to_uppercase()
        ),
        format!("X-Amzn-Trace-Id: root={id};Sampled=1"),
        id.to_uppercase(),
    ] {
        faascope()
            .args(["traces", "sample-data/xray", "--trace-id", &arg])
            .assert()
            .success()
            .stdout(predicate::str::contains("payments-java"));
    }
    for arg in ["", "abc", "1-68b6d99f-20586ec888ed087b3190d96"] {
        faascope()
            .args(["traces", "sample-data/xray", "--trace-id", arg])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("not an X-Ray trace id"));
    }
}

/// Third-round query review: `logs` on a full disk said only "No space left on device".
#[test]
fn logs_names_a_failed_write() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return; // not Linux: no such device to write to
    };
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("faascope"))
        .current_dir(common::root())
        .args(["logs", "sample-data"])
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("error: cannot write to stdout: "), "{err}");
}

/// Third-round traces review: CSV and Markdown stopped at the default 50 traces without a
/// word (the table says "showing 50 of 1435").
#[test]
fn traces_csv_and_markdown_say_when_the_list_is_cut() {
    for format in ["csv", "markdown"] {
        faascope()
            .args(["traces", "sample-data", "--format", format])
            .assert()
            .success()
            .stderr(predicate::str::contains(
                "note: showing 50 of 1435 traces (--limit 0 shows all)",
            ));
        faascope()
            .args(["traces", "sample-data", "--format", format, "--limit", "0"])
            .assert()
            .success()
            .stderr(predicate::str::contains("showing").not());
    }
}

#[test]
fn an_empty_report_says_what_the_filter_left_out() {
    // The data is there; the note says what it holds and which options removed it all.
    for (args, said) in [
        (
            vec!["--function", "nomatch"],
            "matched --function 'nomatch'",
        ),
        (
            vec!["--since", "2030-01-01T00:00:00Z"],
            "matched --since 2030-01-01T00:00:00Z",
        ),
        // Tenth-round cost review: a bound with milliseconds is said with them.
        (
            vec!["--since", "2030-01-01T00:00:00.500Z"],
            "matched --since 2030-01-01T00:00:00.500Z",
        ),
    ] {
        let out = faascope()
            .args(["report", "sample-data"])
            .args(&args)
            .output()
            .unwrap();
        assert!(out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("note: none of the 95039 invocation(s) read (2025-09-01T00:00:01Z to 2025-09-03T23:59:49Z, 8 function(s): catalog-snapstart, geo-lookup,"),
            "{stderr}"
        );
        assert!(stderr.contains(said), "{stderr}");
        assert!(!stderr.contains("found no invocation reports"), "{stderr}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.ends_with("no invocations match --function/--since/--until\n"),
            "{stdout}"
        );
    }
}

#[test]
fn input_format_json_refuses_lines_that_are_not_json() {
    // Forced JSON reads JSON values only (pretty-printed ones too): a text log's lines are
    // malformed, not read as text behind the user's back.
    let doc: Value = {
        let out = faascope()
            .args(["report", "sample-data/logs-tail", "--input-format", "json"])
            .args(["--format", "json"])
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap()
    };
    assert_eq!(doc["totals"]["invocations"], 0);
    assert_eq!(doc["skipped"]["by_reason"]["line is not JSON"], 510);
    faascope()
        .args(["report", "sample-data/logs-tail", "--input-format", "json"])
        .arg("--strict")
        .assert()
        .code(2);
    // JSON documents still read as they are, pretty-printed or not.
    let doc = report_json(&["sample-data/filter-log-events", "--input-format", "json"]);
    assert_eq!(doc["skipped"]["total"], 0);
    assert_eq!(doc["totals"]["invocations"], 9355);
    // A broken value is malformed JSON, with its column (not serde's "line 1").
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("broken.json");
    std::fs::write(&f, "{\"a\": 1}\n{\"b\": nope}\n").unwrap();
    let out = faascope()
        .arg("report")
        .arg(&f)
        .args(["--input-format", "json", "--format", "json"])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let example = doc["skipped"]["examples"][0]["reason"].as_str().unwrap();
    assert_eq!(example, "malformed JSON: expected ident (column 8)");
    assert!(doc["skipped"]["examples"][0]["source"]
        .as_str()
        .unwrap()
        .ends_with("broken.json:2"));
}

#[test]
fn an_empty_directory_is_an_error_for_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    // Hidden files are not read: a directory of only those is empty too.
    std::fs::write(empty.join(".hidden.log"), "x\n").unwrap();
    let out_file = dir.path().join("out.ndjson");
    for args in [
        vec!["report"],
        vec!["export", "--table", "invocations", "--out"],
        vec!["traces"],
        vec!["query", "stats count(*)"],
        vec!["cost"],
        vec!["tune"],
    ] {
        let mut cmd = faascope();
        cmd.args(&args);
        if args.contains(&"--out") {
            cmd.arg(&out_file);
        }
        cmd.arg(&empty)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "empty: no files in this directory (names starting with `.` are not read)",
            ));
    }
    assert!(!out_file.exists(), "export wrote a file from nothing");
}

#[cfg(unix)]
#[test]
fn entries_that_are_no_regular_files_inside_a_directory_are_skipped_not_fatal() {
    // A socket and a FIFO (opening one would wait for a writer forever) are counted skips.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("sample-data/logs-tail/nightly-report.txt"),
        dir.path().join("good.txt"),
    )
    .unwrap();
    let _listener = std::os::unix::net::UnixListener::bind(dir.path().join("bad.sock")).unwrap();
    assert!(std::process::Command::new("mkfifo")
        .arg(dir.path().join("pipe"))
        .status()
        .unwrap()
        .success());
    let out = faascope()
        .arg("report")
        .arg(dir.path())
        .args(["--format", "json"])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["totals"]["invocations"], 73);
    assert_eq!(doc["skipped"]["by_reason"]["unreadable directory entry"], 2);
    for e in doc["skipped"]["examples"].as_array().unwrap() {
        assert_eq!(
            e["reason"],
            "unreadable directory entry: not a regular file (a FIFO, socket or device): not read"
        );
    }
    // Named on the command line, it stops the run.
    faascope()
        .arg("report")
        .arg(dir.path().join("bad.sock"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.sock: cannot read"));
}

#[test]
fn logs_print_report_lines_as_written() {
    // Not rebuilt from the parsed numbers: no status learned from other lines, numbers as
    // written, the XRAY fields of the same event (a continuation line joined with a tab).
    let out = faascope()
        .args(["logs", "tests/fixtures/query/raw-report.log"])
        .args(["--function-name", "fn"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let reports: Vec<&str> = text.lines().filter(|l| l.contains(" REPORT ")).collect();
    assert_eq!(reports.len(), 3, "{text}");
    assert!(
        reports[0].ends_with("REPORT RequestId: r-err Duration: 7.1 ms Billed Duration: 8 ms Memory Size: 128 MB Max Memory Used: 40 MB XRAY TraceId: 1-68b6f91f-4c1e9d2a7b3f5e6d8a9c0b1e SegmentId: 3e5a7c9b1d2f4a6e Sampled: true"),
        "{}",
        reports[0]
    );
    assert!(!text.contains("Status:"), "{text}");
    // Labelled once (`START RequestId: ...`, not `START START ...`), and --grep reads the
    // line whole, its first word included.
    assert!(
        !text.contains("REPORT REPORT") && !text.contains("START START"),
        "{text}"
    );
    let grep = faascope()
        .args(["logs", "tests/fixtures/query/raw-report.log"])
        .args(["--function-name", "fn", "--grep", "^REPORT RequestId: r-"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&grep.stdout).lines().count(), 2);
    assert!(
        reports[2].ends_with("Max Memory Used: 42 MB XRAY TraceId: 1-68b6f920-0000000000000000000000aa SegmentId: 0a1b2c3d4e5f6071 Sampled: false"),
        "{}",
        reports[2]
    );
}

/// `logs` keeps lines of one millisecond in the order they were read (a REPORT before the next
/// request's lines, a line without a time where the file has it), writes null for what a line lacks in JSON, names the levels the data has
/// when --level matches nothing, and the no-inputs error names the command that was run.
#[test]
fn logs_order_json_nulls_and_hints() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("order.log");
    std::fs::write(
        &log,
        "2025-09-01T00:00:00.000Z START RequestId: 00000000-0000-4000-8000-000000000001 Version: $LATEST\n\
         2025-09-01T00:00:00.100Z END RequestId: 00000000-0000-4000-8000-000000000001\n\
         2025-09-01T00:00:00.100Z REPORT RequestId: 00000000-0000-4000-8000-000000000001\tDuration: 100.00 ms\tBilled Duration: 100 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t\n\
         2025-09-01T00:00:00.100Z START RequestId: 00000000-0000-4000-8000-000000000002 Version: $LATEST\n\
         hello from a console copy\n",
    )
    .unwrap();
    let out = faascope().arg("logs").arg(&log).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let kinds: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_whitespace().nth(2))
        .collect();
    // The line without a time keeps its place in the file (sixth-round ingestion review).
    assert_eq!(kinds, ["START", "END", "REPORT", "START", "-"], "{text}");
    let out = faascope()
        .arg("logs")
        .arg(&log)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let last: Value = serde_json::from_str(
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .last()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        (&last["timestamp"], &last["type"]),
        (&Value::Null, &Value::Null)
    );
    faascope()
        .arg("logs")
        .arg(&log)
        .args(["--level", "EROR"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "--level takes a level or line kind these lines have: END, REPORT, START",
        ));
    faascope()
        .arg("logs")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("e.g. `faascope logs sample-data"));
    // A time window cannot place a line without a time: it says so rather than drop it quietly.
    faascope()
        .arg("logs")
        .arg(&log)
        .args(["--since", "2020-01-01"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "1 log line(s) have no time (lines without timestamps) and are left out by --since/--until",
        ));
    let untimed = dir.path().join("untimed.log");
    std::fs::write(
        &untimed,
        "REPORT RequestId: 00000000-0000-4000-8000-000000000009\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t\n",
    )
    .unwrap();
    faascope()
        .arg("report")
        .arg(&log)
        .arg(&untimed)
        .args(["--since", "2020-01-01"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "1 invocation(s) have no time (lines without timestamps) and are left out by --since/--until",
        ));
}

#[test]
fn closed_stdout_and_stderr_are_not_a_panic() {
    // `faascope report ... 2>&1 | head -1`: the reader goes away before the notes are written.
    // Both pipes are closed before the child writes anything; it must exit as if read (0), not
    // panic (101) on the first note.
    // The skipped-records summary too (an input with a malformed REPORT).
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.log");
    std::fs::write(&bad, "REPORT RequestId: x\tDuration: soon\n").unwrap();
    let runs: [Vec<std::ffi::OsString>; 2] = [
        ["report", "sample-data", "--function", "no-such-function"]
            .map(Into::into)
            .to_vec(),
        vec!["report".into(), bad.clone().into_os_string()],
    ];
    for args in runs {
        let mut child = Command::new(env!("CARGO_BIN_EXE_faascope"))
            .current_dir(root())
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        drop(child.stderr.take());
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(0), "{args:?}: {status:?}");
    }
}

#[test]
fn the_no_reports_note_counts_the_lines_skipped() {
    // A file whose only REPORT is malformed: read and skipped, which the note says rather than
    // "0 log line(s)" under a warning counting the skip.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.log");
    std::fs::write(
        &p,
        "REPORT RequestId: 11111111-aaaa-bbbb-cccc-dddddddddddd\tDuration: 10.0 ms\tBilled Duration: 10 ms\tMemory Size: 20480 MB\tMax Memory Used: 50 MB\n",
    )
    .unwrap();
    faascope()
        .arg("report")
        .arg(&p)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "note: read 1 input(s), 0 log line(s) and 1 malformed record(s) (skipped, above), and found no invocation reports",
        ));
}

#[test]
fn dated_files_read_from_their_folder_take_its_name() {
    // `cd sample-data/s3-export/orders-api && faascope report .` named three functions after
    // the dates; the folder names the function, as when the folder is given.
    for arg in [".", "2025-09-01.log.gz", "./2025-09-01.log.gz"] {
        let out = faascope()
            .current_dir(root().join("sample-data/s3-export/orders-api"))
            .args(["report", arg, "--format", "csv", "-q"])
            .output()
            .unwrap();
        assert!(out.status.success());
        let csv = String::from_utf8(out.stdout).unwrap();
        let names: Vec<&str> = csv
            .lines()
            .skip(1)
            .filter_map(|l| l.split(',').next())
            .collect();
        assert_eq!(names, ["orders-api"], "{arg}: {csv}");
    }
}

/// Third-round logs review: `--request-id ''` (an unset shell variable) matched nothing and
/// exited 0; like an empty `--function-name`, it is refused.
#[test]
fn empty_logs_selectors_are_refused() {
    for flag in ["--request-id", "--level"] {
        faascope()
            .args(["logs", "sample-data/logs-tail", flag, ""])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("it is empty"));
    }
}

/// Fifth-round export review: `--out x.parquet` without `--format` wrote NDJSON into it; the
/// logs table lost the JSON fields of JSON log lines (`country` here); a format that disagrees
/// with the extension is said.
#[test]
fn export_takes_the_format_its_out_names_and_keeps_json_fields() {
    let dir = tempfile::tempdir().unwrap();
    // The logs table of geo-lookup's JSON-format logs, to stdout or to `out`.
    let export_logs = |out: Option<&Path>| {
        let mut cmd = faascope();
        cmd.args([
            "export",
            "sample-data/ndjson/geo-lookup.ndjson.gz",
            "--table",
            "logs",
            "-q",
        ]);
        if let Some(p) = out {
            cmd.arg("--out").arg(p);
        }
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let parquet = dir.path().join("logs.parquet");
    export_logs(Some(&parquet));
    assert!(std::fs::read(&parquet).unwrap().starts_with(b"PAR1"));
    let csv = dir.path().join("logs.csv");
    export_logs(Some(&csv));
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("function,timestamp,kind,event_type,level,request_id,trace_id,cold_start,message,json,log_stream,source\n"), "{}", &text[..200]);
    let first: Value = String::from_utf8_lossy(&export_logs(None))
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|v| v["message"] == "lookup ok")
        .unwrap();
    let json: Value = serde_json::from_str(first["json"].as_str().unwrap()).unwrap();
    assert!(json["country"].is_string(), "{first}");
    // An explicit format wins, with a warning naming the mismatch.
    let mismatched = dir.path().join("x.parquet");
    faascope()
        .args([
            "export",
            "sample-data/logs-tail",
            "--table",
            "invocations",
            "--format",
            "csv",
            "--out",
        ])
        .arg(&mismatched)
        .assert()
        .success()
        .stderr(predicate::str::contains("warning: writing CSV to"))
        .stderr(predicate::str::contains("whose extension names PARQUET"));
    assert!(std::fs::read_to_string(&mismatched)
        .unwrap()
        .starts_with("function,request_id,"));
}

/// Fifth-round query review: a custom log group's `@log` read `/aws/lambda//shared/app-logs`.
#[test]
fn query_log_field_is_a_custom_group_as_given() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("custom.ndjson");
    std::fs::write(
        &file,
        "{\"timestamp\":1756684801000,\"message\":\"REPORT RequestId: 7e1c2a9e-3b7d-4e52-9a10-2c4d8e7f1b33\\tDuration: 10.00 ms\\tBilled Duration: 10 ms\\tMemory Size: 128 MB\\tMax Memory Used: 50 MB\\t\\n\",\"logGroup\":\"/shared/app-logs\",\"logStream\":\"s\"}\n\
         {\"timestamp\":1756684801000,\"message\":\"REPORT RequestId: 8e1c2a9e-3b7d-4e52-9a10-2c4d8e7f1b33\\tDuration: 10.00 ms\\tBilled Duration: 10 ms\\tMemory Size: 128 MB\\tMax Memory Used: 50 MB\\t\\n\",\"logGroup\":\"/aws/lambda/api\",\"logStream\":\"s\"}\n",
    )
    .unwrap();
    let out = faascope()
        .args([
            "query",
            "stats count(*) as n by @log | sort @log asc",
            "--format",
            "csv",
            "-q",
        ])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "@log,n\n/aws/lambda/api,1\n/shared/app-logs,1\n"
    );
}

/// Fifth-round cost review: inputs each in range whose month passes the limit were refused as
/// an overflow blaming price files the user had not given.
#[test]
fn a_calculator_month_past_the_limit_names_it() {
    faascope()
        .args([
            "cost",
            "--requests",
            "1e15",
            "--duration-ms",
            "900000",
            "--memory-mb",
            "10240",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "GB-s a month (requests × duration × memory) is past the 1e15 GB-s faascope prices",
        ))
        .stderr(predicate::str::contains("--pricing").not());
}

/// Seventh-round traces review: real BatchGetTraces output holds an inferred segment
/// (`"inferred": true`) beside each downstream call, copying the call's outcome and request id
/// (the corpus's awsdocs BatchGetTraces output and inferred-segment document). The fixture:
/// `checkout` checks an S3 key with HeadObject (a 404 its code handles), puts the object and
/// calls https://orders.example.com/, with X-Ray's three inferred segments. The handled 404
/// does not fail the trace, the inferred segments keep no downstream request id, and a host
/// called is no function taking part.
#[test]
fn inferred_segments_are_the_calls_not_the_traces_own() {
    let dir = "tests/fixtures/xray/inferred";
    let csv = |extra: &[&str]| {
        let o = faascope()
            .args(["traces", dir, "--format", "csv"])
            .args(extra)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        (
            String::from_utf8(o.stdout).unwrap(),
            String::from_utf8(o.stderr).unwrap(),
        )
    };
    let (all, _) = csv(&[]);
    let row = all.lines().nth(1).unwrap();
    assert!(
        row.starts_with("1-68b6f91f-0000000000000000000000c1,checkout,1756821791000,300,false,,false,false,false,false,5,9,"),
        "{all}"
    );
    let (errors, _) = csv(&["--errors"]);
    assert_eq!(errors.lines().count(), 1, "{errors}");
    let (orders, note) = csv(&["--function", "^orders"]);
    assert_eq!(orders.lines().count(), 1, "{orders}");
    assert!(
        note.contains("none of the 1 trace(s) read matched"),
        "{note}"
    );
    let (checkout, _) = csv(&["--function", "^checkout$"]);
    assert_eq!(checkout.lines().count(), 2, "{checkout}");
    // The spans: the inferred column, and no S3 request id anywhere.
    let out = faascope()
        .args(["export", dir, "--table", "spans", "--format", "ndjson"])
        .output()
        .unwrap();
    let rows: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 9);
    let inferred: Vec<&str> = rows
        .iter()
        .filter(|r| r["inferred"] == true)
        .map(|r| r["span_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        inferred,
        ["c100000000000007", "c100000000000008", "c100000000000009"]
    );
    for r in &rows {
        let id = r["request_id"].as_str().unwrap_or("");
        assert!(!id.starts_with("S3REQ"), "{r}");
        if r["inferred"] == true {
            assert!(r["request_id"].is_null(), "{r}");
        } else {
            assert_eq!(id, "c1c1c1c1-0000-4000-8000-0000000000c1", "{r}");
        }
    }
}

/// Seventh-round traces review: two copies of one partial BatchGetTraces trace were "2 X-Ray
/// trace(s) came in part", and a trace re-fetched whole was still said to be partial.
#[test]
fn a_partial_trace_is_said_once_and_not_after_a_whole_copy() {
    let src =
        std::fs::read_to_string(root().join("tests/fixtures/xray/inferred/batch-get-traces.json"))
            .unwrap();
    let partial = src.replace("\"LimitExceeded\": false", "\"LimitExceeded\": true");
    assert_ne!(partial, src);
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("a")).unwrap();
    std::fs::write(dir.path().join("a/page-1.json"), &partial).unwrap();
    std::fs::write(dir.path().join("a/page-2.json"), &partial).unwrap();
    let note = |path: &std::path::Path| {
        let o = faascope()
            .args(["traces", path.to_str().unwrap(), "--format", "json"])
            .output()
            .unwrap();
        assert!(o.status.success());
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        (
            v["skipped"]["partial_traces"].clone(),
            String::from_utf8(o.stderr).unwrap(),
        )
    };
    let (listed, stderr) = note(dir.path());
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
    assert!(
        listed[0]
            .as_str()
            .unwrap()
            // At the line of the trace's Id (line 4), not the document's first.
            .ends_with("page-1.json:4 (1-68b6f91f-0000000000000000000000c1)"),
        "{listed}"
    );
    assert!(
        stderr.contains("note: 1 X-Ray trace(s) came in part"),
        "{stderr}"
    );
    // Re-fetched whole: no longer partial, whichever file is read first.
    std::fs::write(dir.path().join("0-whole.json"), &src).unwrap();
    let (listed, stderr) = note(dir.path());
    assert!(listed.is_null(), "{listed}");
    assert!(!stderr.contains("came in part"), "{stderr}");
}

/// Seventh-round export review: `--out x.csv.gz` wrote plain NDJSON (gzip readers refused
/// it); a `.gz` name is now gzip of the format its inner extension names, and `.parquet.gz`
/// is refused (Parquet compresses its columns). NDJSON escapes DEL as CSV strips it; a JSON
/// line's `"message": null` is no message (not the text `null`); long JSON floats are read
/// exactly (they were one step off).
#[test]
fn export_gzip_names_nulls_del_and_exact_floats() {
    use std::io::Read as _;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let logs = d.join("in/k.log");
    std::fs::create_dir_all(d.join("in")).unwrap();
    std::fs::write(
        &logs,
        concat!(
            "{\"timestamp\":\"2025-09-01T00:00:00Z\",\"level\":\"ERROR\",\"message\":null}\n",
            "{\"timestamp\":\"2025-09-01T00:00:01Z\",\"level\":\"INFO\",\"message\":\"del\u{7f}x\"}\n",
            "{\"time\":\"2025-09-01T00:00:02.000Z\",\"type\":\"platform.report\",\"record\":{\"requestId\":\"r-1\",\"metrics\":{\"durationMs\":123.45678901234567,\"billedDurationMs\":124,\"memorySizeMB\":128,\"maxMemoryUsedMB\":60},\"status\":\"success\"}}\n",
        ),
    )
    .unwrap();
    let input = d.join("in");
    let export = |table: &str, out: Option<&std::path::Path>| {
        let mut cmd = faascope();
        cmd.args(["export", input.to_str().unwrap(), "--table", table, "-q"]);
        if let Some(out) = out {
            cmd.arg("--out").arg(out);
        }
        cmd.output().unwrap()
    };
    let gz = d.join("out.csv.gz");
    assert!(export("logs", Some(&gz)).status.success());
    let mut csv = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(&gz).unwrap())
        .read_to_string(&mut csv)
        .unwrap();
    assert!(csv.starts_with("function,timestamp,kind,"), "{csv}");
    assert!(csv.contains(",delx,"), "{csv}");
    // The message null is an empty cell, not `null`.
    assert!(!csv.contains(",null,"), "{csv}");
    let refused = export("logs", Some(&d.join("out.parquet.gz")));
    assert_eq!(refused.status.code(), Some(2));
    let said = String::from_utf8_lossy(&refused.stderr).to_string();
    assert!(
        said.contains("Parquet compresses its own columns and is not gzipped")
            && said.contains("out.parquet.gz ends in .gz; name the file .parquet"),
        "{said}"
    );
    // --format parquet to a CSV .gz name: refused as given, with no warning announcing the
    // write (eighth-round traces review).
    let o = faascope()
        .args([
            "export",
            "sample-data/logs-tail",
            "--table",
            "logs",
            "--format",
            "parquet",
            "--out",
        ])
        .arg(d.join("x.csv.gz"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let said = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(
        said.contains("x.csv.gz ends in .gz") && !said.contains("warning: writing"),
        "{said}"
    );
    let nd = String::from_utf8(export("logs", None).stdout).unwrap();
    assert!(nd.contains(r#""message":"del\u007fx""#), "{nd}");
    assert!(!nd.contains('\u{7f}'), "{nd}");
    assert!(nd.contains(r#""message":"","#), "{nd}");
    let inv = export("invocations", None);
    let row: Value = serde_json::from_slice(&inv.stdout).unwrap();
    assert_eq!(row["duration_ms"].as_f64(), Some(123.45678901234567));
    assert!(
        String::from_utf8_lossy(&inv.stdout).contains("\"duration_ms\":123.45678901234567,"),
        "{}",
        String::from_utf8_lossy(&inv.stdout)
    );
}

/// README review: `invocations_per_minute` was each function's first-to-last span (at least a
/// minute): two calls an hour apart read 2 an hour where `cost` priced 1, one call read 1 a
/// minute, and --since/--until were not its window. It is now over the window `cost` projects
/// a month from: the whole hours the invocations span, narrowed by --since/--until.
#[test]
fn invocations_per_minute_is_over_the_run_window() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("fn.log");
    let rep = |t: &str, n: u32| {
        format!("{t} REPORT RequestId: 40000000-0000-4000-8000-00000000000{n}\tDuration: 5.00 ms\tBilled Duration: 5 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t\n")
    };
    // And one REPORT without a time (a console copy): in no rate, as in no cost projection
    // (verifyR review: it raised the rate past cost's).
    std::fs::write(
        &log,
        rep("2025-09-01T10:00:00.500Z", 1)
            + &rep("2025-09-01T11:00:00.500Z", 2)
            + rep("", 3).trim_start(),
    )
    .unwrap();
    let path = log.to_str().unwrap();
    let rate = |extra: &[&str]| {
        let mut args = vec![path];
        args.extend_from_slice(extra);
        report_json(&args)["functions"][0]["invocations_per_minute"]
            .as_f64()
            .unwrap()
    };
    // 10:00–12:00: 2 calls in 120 minutes.
    assert_eq!(rate(&[]), 2.0 / 120.0);
    // Narrowed, never widened: --until 10:30 keeps the first over 10:00–10:30; --since 10:30
    // keeps the second over the hour it is in (11:00–12:00), as `cost` does.
    assert_eq!(rate(&["--until", "2025-09-01T10:30:00Z"]), 1.0 / 30.0);
    assert_eq!(rate(&["--since", "2025-09-01T10:30:00Z"]), 1.0 / 60.0);
    // Beside another function read over a longer window, --function keeps the run's window,
    // as cost does (live8 review: the kept function's hours alone).
    let other = dir.path().join("other.log");
    std::fs::write(
        &other,
        "2025-09-01T13:30:00.500Z REPORT RequestId: 40000000-0000-4000-8000-000000000009\tDuration: 5.00 ms\tBilled Duration: 5 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t\n",
    )
    .unwrap();
    let both = report_json(&[path, other.to_str().unwrap(), "--function", "^fn$"]);
    // 10:00–14:00: 2 calls in 240 minutes.
    assert_eq!(
        both["functions"][0]["invocations_per_minute"].as_f64(),
        Some(2.0 / 240.0)
    );
    // cost projects the same: 1 an hour is 730 a month.
    let out = faascope()
        .args(["cost", path, "--format", "json"])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["functions"][0]["requests_per_month"], 730.0);
}

/// Functions sharing a custom log group (advanced logging controls) are told apart by the
/// function name their streams carry (readme4 review: merged into one function named after the
/// group, `--function orders-api` matching none); `@log` is the custom group.
#[test]
fn functions_sharing_a_custom_log_group_are_apart() {
    let file = "tests/fixtures/formats/custom-group-shared.ndjson";
    let r = report_json(&[file]);
    let names: Vec<&str> = r["functions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["function"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["image-batch", "orders-api"]);
    let orders = report_json(&[file, "--function", "^orders-api$"]);
    let f = &orders["functions"][0];
    assert_eq!(f["invocations"], 2);
    assert_eq!(f["memory_size_mb"], 512);
    assert_eq!(f["cold_starts"], 1);
    assert_eq!(f["warm_duration_ms"]["p50"], 40.0);
    let out = faascope()
        .args([
            "query",
            "stats count(*) as n by @log, function",
            file,
            "--format",
            "csv",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "@log,function,n\nshared-app-logs,image-batch,2\nshared-app-logs,orders-api,3\n"
    );
    // A function that moved to the custom group keeps its old rows' Lambda group
    // (verification of 0f25df1: all of them were shown under the custom group).
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.ndjson");
    std::fs::write(
        &old,
        "{\"timestamp\":1756684700000,\"message\":\"REPORT RequestId: 00000009-1111-1111-1111-111111111111\\tDuration: 40.00 ms\\tBilled Duration: 40 ms\\tMemory Size: 512 MB\\tMax Memory Used: 100 MB\\t\\n\",\"logGroup\":\"/aws/lambda/orders-api\",\"logStream\":\"2025/09/01/[$LATEST]0123456789abcdef0123456789abcdef\"}\n",
    )
    .unwrap();
    let out = faascope()
        .args([
            "query",
            "stats count(*) as n by @log",
            "--format",
            "csv",
            file,
        ])
        .arg(&old)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "@log,n\n/aws/lambda/orders-api,1\nshared-app-logs,5\n"
    );
    // `awslogs get` lines continuing an event (no prefix) are of its stream's function.
    let awslogs = root().join("tests/fixtures/formats/custom-group-awslogs.log");
    let text = std::fs::read_to_string(&awslogs).unwrap();
    let with_trace = dir.path().join("awslogs.log");
    // After image-batch's REPORT, before orders-api's last line.
    let at = text
        .rfind("/app/shared-logs 2025/09/02/orders-api")
        .unwrap();
    let traced = format!(
        "{}Traceback (most recent call last):\n{}",
        &text[..at],
        &text[at..]
    );
    std::fs::write(&with_trace, traced).unwrap();
    let out = faascope()
        .args([
            "query",
            "stats count(*) as n by function",
            "--format",
            "csv",
        ])
        .arg(&with_trace)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "function,n\nimage-batch,3\norders-api,3\n"
    );
}

/// A text REPORT beside its JSON-format `platform.report` (either first) counts once, and the
/// note counts every such pair (xcmd2 review: it said 1 of 10, or nothing).
#[test]
fn a_report_in_two_forms_is_counted_once_and_noted_each_time() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text_first) in [("pr-first.log", false), ("text-first.log", true)] {
        let mut lines = String::new();
        for i in 0..3 {
            let id = format!("6f1c2a9e-3b7d-4e52-9a10-2c4d8e7f1b3{i}");
            let text = format!("REPORT RequestId: {id}\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\t\n");
            let json = format!("{{\"time\":\"2025-09-01T10:00:0{i}.000Z\",\"type\":\"platform.report\",\"record\":{{\"requestId\":\"{id}\",\"metrics\":{{\"durationMs\":10.0,\"billedDurationMs\":10,\"memorySizeMB\":128,\"maxMemoryUsedMB\":50}},\"status\":\"success\"}}}}\n");
            if text_first {
                lines += &(text + &json);
            } else {
                lines += &(json + &text);
            }
        }
        let path = dir.path().join(name);
        std::fs::write(&path, lines).unwrap();
        let out = faascope()
            .args(["report", "--format", "csv"])
            .arg(&path)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.lines().nth(1).unwrap().contains(",3,"),
            "{name}: {stdout}"
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("note: 3 invocation report(s) were read more than once"),
            "{name}: {stderr}"
        );
    }
}

/// A newest-first JSON-format file whose records of one millisecond are listed as written: the
/// request's own line comes before its platform.runtimeDone (an END), then its report
/// (verification of cf9ca79).
#[test]
fn a_newest_first_json_format_request_keeps_lambdas_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fn.log");
    let id = "6f1c2a9e-3b7d-4e52-9a10-2c4d8e7f1b30";
    let lines = [
        format!("{{\"time\":\"2025-09-01T10:00:00.300Z\",\"type\":\"platform.report\",\"record\":{{\"requestId\":\"{id}\",\"metrics\":{{\"durationMs\":200.0,\"billedDurationMs\":200,\"memorySizeMB\":128,\"maxMemoryUsedMB\":50}},\"status\":\"success\"}}}}"),
        format!("{{\"timestamp\":\"2025-09-01T10:00:00.300Z\",\"level\":\"INFO\",\"requestId\":\"{id}\",\"message\":\"done\"}}"),
        format!("{{\"time\":\"2025-09-01T10:00:00.300Z\",\"type\":\"platform.runtimeDone\",\"record\":{{\"requestId\":\"{id}\",\"status\":\"success\"}}}}"),
        format!("{{\"time\":\"2025-09-01T10:00:00.100Z\",\"type\":\"platform.start\",\"record\":{{\"requestId\":\"{id}\"}}}}"),
    ];
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let out = faascope().arg("logs").arg(&path).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let labels: Vec<&str> = text
        .lines()
        .map(|l| l.split_whitespace().nth(2).unwrap_or(""))
        .collect();
    assert_eq!(
        labels,
        ["platform.start", "INFO", "platform.runtimeDone", "REPORT"],
        "{text}"
    );
}

/// Review of 2026-12-07: a BatchGetTraces id left unprocessed was a malformed record (failing
/// --strict) even when the retry's page held the whole trace; it is a warning that a copy
/// read elsewhere clears.
#[test]
fn an_unprocessed_trace_id_is_said_and_cleared_by_a_copy() {
    let src =
        std::fs::read_to_string(root().join("tests/fixtures/xray/inferred/batch-get-traces.json"))
            .unwrap();
    let id = "1-68b6f91f-0000000000000000000000c1";
    assert!(src.contains(id));
    let dir = tempfile::tempdir().unwrap();
    let unprocessed = dir.path().join("page-1.json");
    std::fs::write(
        &unprocessed,
        format!("{{\n  \"Traces\": [],\n  \"UnprocessedTraceIds\": [\n    \"{id}\"\n  ]\n}}\n"),
    )
    .unwrap();
    let run = |paths: &[&std::path::Path]| {
        let mut args = vec!["traces".to_string()];
        args.extend(paths.iter().map(|p| p.to_str().unwrap().to_string()));
        args.extend(["--format", "json", "--strict"].map(String::from));
        let o = faascope().args(&args).output().unwrap();
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        (o.status.code(), v, String::from_utf8(o.stderr).unwrap())
    };
    let (code, v, stderr) = run(&[&unprocessed]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(v["skipped"]["total"], 0, "{v}");
    let listed = v["skipped"]["unprocessed_traces"].as_array().unwrap();
    // At the line of the id in the pretty-printed page.
    assert!(
        listed[0]
            .as_str()
            .unwrap()
            .ends_with(&format!("page-1.json:4 ({id})")),
        "{listed:?}"
    );
    assert!(
        stderr.contains("warning: 1 X-Ray trace(s) BatchGetTraces left unprocessed"),
        "{stderr}"
    );
    // The retry's page: the trace is there, and nothing is said.
    let retry = dir.path().join("page-2.json");
    std::fs::write(&retry, &src).unwrap();
    let (code, v, stderr) = run(&[&unprocessed, &retry]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(v["skipped"]["unprocessed_traces"].is_null(), "{v}");
    assert!(!stderr.contains("unprocessed"), "{stderr}");
    assert_eq!(v["traces"].as_array().unwrap().len(), 1, "{v}");
}

/// Review of 2026-12-07: segments copied out of a JSON array (`{...},`) in a file read as text
/// were application lines, lost without a word; the X-Ray daemon's datagram as its
/// documentation prints it (`{header}\n{segment}` on one line) was too; an X-Ray document with
/// other text after it is a skip. A trace id that is no X-Ray id opens with --trace-id as
/// `traces` lists it.
#[test]
fn segment_lines_with_a_trailing_comma_or_a_daemon_header_are_read() {
    let seg = |id: &str, parent: Option<&str>, start: f64, end: f64| {
        let mut v = serde_json::json!({
            "id": id, "name": "fn1", "trace_id": "1-6500000a-aaaaaaaaaaaaaaaaaaaaaaaa",
            "start_time": start, "end_time": end, "origin": "AWS::Lambda::Function"
        });
        if let Some(p) = parent {
            v["parent_id"] = p.into();
        }
        v.to_string()
    };
    let dir = tempfile::tempdir().unwrap();
    let commas = dir.path().join("commas.txt");
    std::fs::write(
        &commas,
        format!(
            "{},\n{}\n",
            seg("a000000000000001", None, 1_756_684_800.0, 1_756_684_801.0),
            seg(
                "a000000000000002",
                Some("a000000000000001"),
                1_756_684_800.002,
                1_756_684_800.998
            )
        ),
    )
    .unwrap();
    let daemon = dir.path().join("daemon.txt");
    std::fs::write(
        &daemon,
        format!(
            "{{\"format\": \"json\", \"version\": 1}}\\n{}\n",
            seg("b000000000000001", None, 1_756_684_900.0, 1_756_684_900.5)
                .replace("aaaaaaaa", "bbbbbbbb")
        ),
    )
    .unwrap();
    let junk = dir.path().join("junk.txt");
    std::fs::write(
        &junk,
        format!(
            "{} trailing words\n",
            seg("c000000000000001", None, 1_756_685_000.0, 1_756_685_000.5)
        ),
    )
    .unwrap();
    let run = |p: &std::path::Path| {
        let o = faascope()
            .args([
                "traces",
                p.to_str().unwrap(),
                "--format",
                "json",
                "--strict",
            ])
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&o.stdout).unwrap_or(Value::Null);
        (o.status.code(), v, String::from_utf8(o.stderr).unwrap())
    };
    let (code, v, stderr) = run(&commas);
    assert_eq!(code, Some(0), "{stderr}");
    let t = &v["traces"][0];
    assert_eq!(t["segments"], 2, "{v}");
    assert_eq!(t["duration_ms"], 1000.0, "{v}");
    let (code, v, stderr) = run(&daemon);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(v["traces"][0]["duration_ms"], 500.0, "{v}");
    let (code, _, stderr) = run(&junk);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("junk.txt:1: malformed JSON line: an X-Ray document followed by other characters: trailing words"),
        "{stderr}"
    );

    // An id that is no X-Ray id, as a hand-made document may carry.
    let odd = dir.path().join("odd.json");
    std::fs::write(
        &odd,
        seg("d000000000000001", None, 1_756_685_100.0, 1_756_685_100.25)
            .replace("1-6500000a-aaaaaaaaaaaaaaaaaaaaaaaa", "my-trace-7"),
    )
    .unwrap();
    let o = faascope()
        .args(["traces", odd.to_str().unwrap(), "--trace-id", "my-trace-7"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("fn1"));
}
