//! `faascope query`: every saved query in `queries/` run by the real binary over sample-data,
//! its numbers checked against `faascope report` / `export` (or a hand count), and the CLI's
//! errors, --list and --plot.

use std::collections::HashMap;

use predicates::prelude::*;
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
    exported_invocations(&root().join("sample-data"))
}

/// The invocations table of `input`, as `faascope export` writes it (NDJSON).
fn exported_invocations(input: &std::path::Path) -> Vec<Value> {
    let out = faascope()
        .args([
            "export",
            input.to_str().unwrap(),
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
fn errors_by_type_are_what_the_report_events_say() {
    let rows = query("@errors-by-type");
    let got: Vec<(&str, &str, &str, f64)> = rows
        .iter()
        .map(|r| {
            (
                s(&r["function"]),
                s(&r["status"]),
                s(&r["errorType"]),
                f(&r["failures"]),
            )
        })
        .collect();
    // Counted in the raw files: `zcat sample-data/s3-export/webhook-handler/*.gz | grep
    // 'REPORT RequestId'` holds 170 `Status: timeout` and 22 `Status: error\tError Type:
    // Runtime.Unknown`; geo-lookup.ndjson.gz has 53 platform.report events with
    // "status":"error","errorType":"Runtime.ExitError"; no other file has a failed REPORT.
    assert_eq!(
        got,
        vec![
            ("webhook-handler", "timeout", "", 170.0),
            ("geo-lookup", "error", "Runtime.ExitError", 53.0),
            ("webhook-handler", "error", "Runtime.Unknown", 22.0),
        ]
    );
    // `report` counts more: the statuses it learns from other lines (a function's own
    // `[ERROR] ValueError` lines, `Task timed out`), which are not on the REPORT events.
    let rep = report();
    assert_eq!(f(&rep["webhook-handler"]["timeouts"]), 170.0);
    assert!(f(&rep["webhook-handler"]["errors"]) > 22.0);
    assert_eq!(f(&rep["geo-lookup"]["errors"]), 53.0);
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
    // sample-data's timed-out invocations all say so on their REPORT (170 `Status: timeout`).
    assert_eq!(rows.len() as f64, total);
    assert_eq!(rows.len(), 170);
    assert!(rows.iter().all(|r| s(&r["function"]) == "webhook-handler"));
    let times: Vec<&str> = rows.iter().map(|r| s(&r["@timestamp"])).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");
    // A `Task timed out` line whose REPORT says nothing of it: `report` counts the timeout, the
    // query (as Logs Insights) does not, as the REPORT event does not say it.
    let fixture = root().join("tests/fixtures/query/raw-report.log");
    let doc = run_json(&["query", "@timeouts", fixture.to_str().unwrap()]);
    assert_eq!(doc["rows"].as_array().unwrap().len(), 0, "{doc}");
}

#[test]
fn throttling_signs_find_the_burst_and_the_throttling_errors() {
    // sample-data: bursts of 5+ cold starts a minute (image-batch), then the minutes of
    // orders-api's DynamoDB throttling (ProvisionedThroughputExceededException): every such
    // minute.
    let rows = query("@throttling-signs");
    assert!(!rows.is_empty());
    let burst_rows = rows
        .iter()
        .take_while(|r| f(&r["coldStarts"]) >= 5.0)
        .count();
    assert!(rows[..burst_rows]
        .iter()
        .all(|r| f(&r["throttleErrors"]) == 0.0));
    assert!(rows[burst_rows..]
        .iter()
        .all(|r| f(&r["throttleErrors"]) > 0.0 && s(&r["function"]) == "orders-api"));
    let throttle_minutes = query(
        "filter @message like /ProvisionedThroughputExceededException/ | stats count(*) as n by function, bin(1m)",
    )
    .len();
    assert_eq!(throttle_minutes, 686);
    // The same minutes counted from the invocations table.
    let mut per_min: HashMap<(String, i64), u32> = HashMap::new();
    for i in invocations() {
        if i["init_duration_ms"].is_number() || i["restore_duration_ms"].is_number() {
            let ts = i["timestamp"].as_i64().unwrap();
            *per_min
                .entry((s(&i["function"]).to_string(), ts.div_euclid(60_000)))
                .or_default() += 1;
        }
    }
    let bursts = per_min.values().filter(|n| **n >= 5).count();
    assert_eq!(burst_rows, bursts);
    assert_eq!(rows.len(), bursts + throttle_minutes);
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
    // A query file saved with a byte-order mark and CRLF line ends (Notepad) runs.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bom.insights");
    std::fs::write(
        &file,
        "\u{feff}filter @type = \"REPORT\"\r\n# comment\r\n| stats count(*) as n\r\n",
    )
    .unwrap();
    let out = faascope()
        .args([
            "query",
            &format!("@{}", file.display()),
            "sample-data",
            "--format",
            "csv",
        ])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "n\n95039\n");
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
    // A calendar period is a bin() too: said so (tenth-round plot review).
    let monthly = faascope()
        .args([
            "query",
            "stats count(*) by bin(1mo)",
            sample.to_str().unwrap(),
            "--plot",
            svg.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(monthly.status.code(), Some(2));
    let err = String::from_utf8_lossy(&monthly.stderr);
    assert!(
        err.contains("calendar periods") && err.contains("30d"),
        "{err}"
    );
    // Rows of records without a time are not drawn: said.
    let untimed = dir.path().join("untimed.log");
    std::fs::write(
        &untimed,
        "2025-09-01T00:00:00.000Z REPORT RequestId: t1\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\n\
         REPORT RequestId: u1\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\n",
    )
    .unwrap();
    let out = faascope()
        .args([
            "query",
            "stats count(*) as n by bin(1h)",
            untimed.to_str().unwrap(),
            "--plot",
            dir.path().join("u.svg").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("1 row(s) with no time"), "{err}");
}

fn query_file(q: &str, file: &str) -> Vec<Value> {
    let path = root().join(file);
    let doc = run_json(&["query", q, path.to_str().unwrap()]);
    doc["rows"].as_array().unwrap().clone()
}

#[test]
fn report_message_is_the_event_as_written() {
    let rows = query_file(
        r#"filter @type = "REPORT" | fields @requestId, @message, @xrayTraceId, @xraySegmentId | sort @timestamp asc"#,
        "tests/fixtures/query/raw-report.log",
    );
    let by_id = |id: &str| {
        rows.iter()
            .find(|r| r["@requestId"] == id)
            .unwrap_or_else(|| panic!("no {id} in {rows:?}"))
    };
    // As written: `7.1 ms` not `7.10 ms`, X-Ray fields tab-separated with SegmentId and
    // Sampled, and no status from the function's own `[ERROR] ValueError` line.
    let err = by_id("r-err");
    assert_eq!(
        s(&err["@message"]),
        "REPORT RequestId: r-err\tDuration: 7.1 ms\tBilled Duration: 8 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\tXRAY TraceId: 1-68b6f91f-4c1e9d2a7b3f5e6d8a9c0b1e\tSegmentId: 3e5a7c9b1d2f4a6e\tSampled: true\t"
    );
    assert_eq!(
        s(&err["@xrayTraceId"]),
        "1-68b6f91f-4c1e9d2a7b3f5e6d8a9c0b1e"
    );
    assert_eq!(s(&err["@xraySegmentId"]), "3e5a7c9b1d2f4a6e");
    // A `Task timed out` line before it does not put `Status: timeout` in it.
    let slow = by_id("5b1d7c52-8a3e-4f0b-9c6d-2e7f8a9b0c1d");
    assert_eq!(
        s(&slow["@message"]),
        "REPORT RequestId: 5b1d7c52-8a3e-4f0b-9c6d-2e7f8a9b0c1d\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 41 MB\t"
    );
    assert!(slow["@xraySegmentId"].is_null());
    // An `XRAY TraceId` line after the REPORT is the same CloudWatch event, after a tab.
    let xray = by_id("r-xray");
    assert_eq!(
        s(&xray["@message"]),
        "REPORT RequestId: r-xray\tDuration: 50.25 ms\tBilled Duration: 51 ms\tMemory Size: 128 MB\tMax Memory Used: 42 MB\tXRAY TraceId: 1-68b6f920-0000000000000000000000aa\tSegmentId: 0a1b2c3d4e5f6071\tSampled: false"
    );
    assert_eq!(s(&xray["@xraySegmentId"]), "0a1b2c3d4e5f6071");
    // The invocations table still has the statuses learned from the other lines.
    let statuses: Vec<(String, String)> =
        exported_invocations(&root().join("tests/fixtures/query/raw-report.log"))
            .iter()
            .map(|v| (s(&v["request_id"]).to_string(), s(&v["status"]).to_string()))
            .collect();
    assert!(
        statuses.contains(&("r-err".into(), "error".into())),
        "{statuses:?}"
    );
    assert!(
        statuses.contains(&(
            "5b1d7c52-8a3e-4f0b-9c6d-2e7f8a9b0c1d".into(),
            "timeout".into()
        )),
        "{statuses:?}"
    );
}

#[test]
fn report_message_of_the_sample_data_is_the_raw_text() {
    // sample-data's REPORT lines hold no `ValueError`: the error types are the events' own.
    let rows =
        query(r#"filter @type = "REPORT" and @message like /ValueError/ | stats count(*) as n"#);
    assert_eq!(f(&rows[0]["n"]), 0.0);
    // `Duration: 7.1 ms` is not rewritten as `7.10 ms`: the text holds the numbers as written.
    let first = std::fs::read_to_string(root().join("sample-data/logs-tail/nightly-report.txt"))
        .unwrap()
        .lines()
        .find(|l| l.contains("REPORT RequestId:"))
        .map(|l| l[l.find("REPORT").unwrap()..].trim_end().to_string())
        .unwrap();
    let id = first.split_whitespace().nth(2).unwrap();
    let rows = query_file(
        &format!(r#"filter @type = "REPORT" and @requestId = "{id}" | fields @message"#),
        "sample-data/logs-tail/nightly-report.txt",
    );
    // Without the `aws logs tail` prefix (time, stream), as Logs Insights shows it.
    assert_eq!(s(&rows[0]["@message"]), first);
}

#[test]
fn platform_report_message_is_its_json() {
    let path = "tests/fixtures/query/platform-report.ndjson";
    let rows = query_file(
        r#"filter @type = "REPORT" | fields @requestId, @message, record.status, record.errorType | sort @timestamp asc"#,
        path,
    );
    let lines: Vec<String> = std::fs::read_to_string(root().join(path))
        .unwrap()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            s(&v["message"]).to_string()
        })
        .collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(s(&rows[0]["@message"]), lines[1]);
    assert_eq!(s(&rows[1]["@message"]), lines[2]);
    assert_eq!(s(&rows[1]["record.status"]), "error");
    assert_eq!(s(&rows[1]["record.errorType"]), "Runtime.ExitError");
    // Every platform.report event of sample-data is found by its type name in @message.
    let rows = query_file(
        "filter @message like /platform.report/ | stats count(*) as n",
        "sample-data/ndjson/geo-lookup.ndjson.gz",
    );
    assert_eq!(f(&rows[0]["n"]), 21047.0, "zcat | grep -c platform.report");
}

#[test]
fn csv_keeps_tabs_and_line_breaks_are_one_in_every_format() {
    // A log message with a tab, a lone CR, a CR LF and a terminal escape.
    let path = root().join("tests/fixtures/query/line-breaks.ndjson");
    let run = |q: &str, format: &str| {
        let out = faascope()
            .args(["query", q, path.to_str().unwrap(), "--format", format, "-q"])
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let q = "fields @message";
    // CSV holds the tab; each line break is one LF; the escape sequence goes.
    assert_eq!(
        run(q, "csv"),
        "@message\n\"tab\there, cr\nthere, crlf\nend red\"\n"
    );
    // On one line, each line break is one space, in the table as in Markdown.
    let table = run(q, "table");
    assert!(
        table.contains("tab here, cr there, crlf end red"),
        "{table}"
    );
    let md = run(q, "markdown");
    assert!(md.contains("tab here, cr there, crlf end red"), "{md}");
    assert!(!table.contains('\u{1b}') && !md.contains('\u{1b}'));
    // A tab made by the query, too: as JSON has it.
    let q = r#"fields concat("a", "\t", "b") as t | limit 1"#;
    assert_eq!(run(q, "csv"), "t\na\tb\n");
    let v: Value = serde_json::from_str(&run(q, "json")).unwrap();
    assert_eq!(s(&v["rows"][0]["t"]), "a\tb");
}

#[test]
fn an_unknown_saved_query_lists_the_same_names_as_list() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("queries")).unwrap();
    std::fs::write(
        dir.path().join("queries/myq.insights"),
        "# Mine.\nstats count(*)\n",
    )
    .unwrap();
    let listed = faascope()
        .current_dir(dir.path())
        .args(["query", "--list", "--format", "json"])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&listed.stdout).unwrap();
    let names: Vec<String> = doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| s(&r["name"]).to_string())
        .collect();
    assert!(names.contains(&"@myq".to_string()), "{names:?}");
    let out = faascope()
        .current_dir(dir.path())
        .args([
            "query",
            "@nope",
            root().join("sample-data").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("the saved queries are {}", names.join(", "))),
        "{err}"
    );
}

#[test]
fn query_json_lists_the_skipped_records() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("orders-api.log");
    std::fs::write(
        &p,
        "2025-09-02T10:00:00.000Z REPORT RequestId: r1\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\n\
         2025-09-02T10:00:01.000Z REPORT RequestId: r2\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: 0 MB\tMax Memory Used: 50 MB\n",
    )
    .unwrap();
    let doc = run_json(&["query", "stats count(*) as n", p.to_str().unwrap()]);
    assert_eq!(f(&doc["rows"][0]["n"]), 1.0);
    let skipped = &doc["skipped"];
    assert_eq!(skipped["total"], 1, "{doc}");
    assert_eq!(
        skipped["by_reason"]["REPORT field is not a number in range"],
        1
    );
    assert!(s(&skipped["examples"][0]["source"]).ends_with("orders-api.log:2"));
}

#[test]
fn traces_or_metrics_alone_get_a_note() {
    // Only X-Ray documents: an empty table, and a note saying why.
    let out = faascope()
        .args([
            "query",
            "stats count(*) as n by function",
            "sample-data/xray",
        ])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "found no log events: query reads log lines and REPORTs, not X-Ray traces or metrics"
        ),
        "{err}"
    );
}

/// Fourth-round query review: a filter that left no record gave `0` without a word (report
/// and logs say what was read); and `--plot` under `--strict` with a skipped record wrote its
/// chart of the partial input.
#[test]
fn an_empty_selection_is_said_and_strict_plots_nothing() {
    faascope()
        .args([
            "query",
            "stats count(*) as n",
            "sample-data/logs-tail",
            "--function",
            "nosuchfn",
            "--format",
            "csv",
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains("note: none of the"))
        .stderr(predicate::str::contains("record(s) read ("))
        .stderr(predicate::str::contains("matched --function 'nosuchfn'"));
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.log");
    std::fs::write(&bad, "REPORT RequestId: x\tDuration: soon\n").unwrap();
    let chart = dir.path().join("q.svg");
    faascope()
        .args([
            "query",
            "stats count(*) as n by bin(1h)",
            "sample-data/logs-tail",
        ])
        .arg(&bad)
        .args(["--strict", "--plot"])
        .arg(&chart)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nothing plotted"));
    assert!(!chart.exists());
}

/// Tenth-round dashboard review: records of one @timestamp came out of `sort @timestamp asc`
/// in the frame's order (a REPORT before its END; a file read newest first, its lines of one
/// millisecond reversed), where `logs` prints them in time order. Now `logs`' order, and its
/// reverse for `desc` and for the default newest-first listing.
#[test]
fn ties_of_one_timestamp_sort_in_logs_order() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("newest-first.log");
    let id = "7f40524d-0171-473f-bb7d-3e2a07c19b97";
    // Newest first, as a FilterLogEvents dump sorted so.
    std::fs::write(
        &file,
        format!(
            "2025-09-01T00:00:00.200Z REPORT RequestId: {id}\tDuration: 100.00 ms\tBilled Duration: 100 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\t\n\
             2025-09-01T00:00:00.200Z END RequestId: {id}\n\
             2025-09-01T00:00:00.150Z {id} saved\n\
             2025-09-01T00:00:00.150Z {id} saving\n\
             2025-09-01T00:00:00.100Z START RequestId: {id} Version: $LATEST\n"
        ),
    )
    .unwrap();
    let kinds = |order: &str| -> Vec<String> {
        let doc = run_json(&[
            "query",
            &format!("fields @message | sort @timestamp {order}"),
            file.to_str().unwrap(),
        ]);
        doc["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let m = r["@message"].as_str().unwrap();
                m.split_whitespace()
                    .find(|w| !w.contains(':') && !w.contains('-'))
                    .unwrap_or(m)
                    .to_string()
            })
            .collect()
    };
    let asc = kinds("asc");
    assert_eq!(asc, ["START", "saving", "saved", "END", "REPORT"]);
    let mut desc = kinds("desc");
    desc.reverse();
    assert_eq!(desc, asc);
    // `logs` prints the same order.
    let out = faascope().args(["logs", "-q"]).arg(&file).output().unwrap();
    let logs = String::from_utf8_lossy(&out.stdout);
    let at = |w: &str| logs.find(w).unwrap();
    assert!(
        at("START") < at("saving") && at("saving") < at("saved"),
        "{logs}"
    );
    assert!(
        at("saved") < at("END") && at("END") < at("REPORT"),
        "{logs}"
    );
}
