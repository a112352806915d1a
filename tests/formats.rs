//! Data-driven format tests: every file in tests/fixtures/formats with a sidecar
//! `<file>.expected.json` is ingested on its own and checked against what the sidecar says.
//! The fixtures are written by `tests/fixtures/formats/make_fixtures.py` and reproduce each
//! variant seen in real data (../shared/corpus).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use faascope::ingest::{ingest_paths, IngestOptions};
use faascope::model::Status;
use serde_json::Value;

fn fixtures() -> Vec<(PathBuf, Value)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats");
    let mut out = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if let Some(n) = p.to_str().and_then(|s| s.strip_suffix(".expected.json")) {
                let expected: Value =
                    serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
                out.push((PathBuf::from(n), expected));
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn every_fixture_matches_its_expectation() {
    let all = fixtures();
    assert!(all.len() >= 38, "found only {} fixtures", all.len());
    let mut failures = Vec::new();
    for (path, exp) in &all {
        let ing = ingest_paths(std::slice::from_ref(path), &IngestOptions::default(), None)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let t = &ing.tables;
        let inv = &t.invocations;
        let mut actual = serde_json::json!({
            "invocations": inv.len(),
            "cold_starts": inv.iter().filter(|i| i.cold_start).count(),
            "errors": inv.iter().filter(|i| i.status == Status::Error).count(),
            "timeouts": inv.iter().filter(|i| i.status == Status::Timeout).count(),
            "logs": t.logs.len(),
            "spans": t.spans.len(),
            "metrics": t.metrics.len(),
            "skipped": ing.skips.total,
            "functions": inv.iter().map(|i| i.function.to_string()).collect::<BTreeSet<_>>(),
            "traced": inv.iter().filter(|i| i.trace_id.is_some()).count(),
            "restores": inv.iter().filter(|i| i.restore_duration_ms.is_some()).count(),
        });
        let obj = exp.as_object().unwrap();
        for (k, want) in obj {
            match k.as_str() {
                "min_invocations" => {
                    if (inv.len() as u64) < want.as_u64().unwrap() {
                        failures.push(format!(
                            "{}: invocations {} < {want}",
                            path.display(),
                            inv.len()
                        ));
                    }
                }
                "reason" => {
                    let r = want.as_str().unwrap();
                    if !ing.skips.by_reason.contains_key(r) {
                        failures.push(format!(
                            "{}: no skip reason {r:?} in {:?}",
                            path.display(),
                            ing.skips.by_reason
                        ));
                    }
                }
                _ => {
                    let got = actual.get_mut(k).map(|v| v.take()).unwrap_or(Value::Null);
                    if &got != want {
                        failures.push(format!(
                            "{}: {k} = {got}, expected {want} (skips: {:?})",
                            path.display(),
                            ing.skips.examples
                        ));
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn report_fields_are_read_exactly() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats");
    let ing = ingest_paths(
        &[dir.join("text-tabs.log")],
        &IngestOptions::default(),
        None,
    )
    .unwrap();
    let i = &ing.tables.invocations[0];
    assert_eq!(i.function.as_ref(), "text-tabs");
    assert_eq!(i.duration_ms, 48.27);
    assert_eq!(i.billed_duration_ms, 261.0);
    assert_eq!(i.memory_size_mb, 512);
    assert_eq!(i.max_memory_used_mb, Some(91));
    assert_eq!(i.init_duration_ms, Some(212.40));
    assert_eq!(
        i.trace_id.as_deref(),
        Some("1-68b6f91f-4c1e9d2a7b3f5e6d8a9c0b1e")
    );
    assert!(i.source.to_string().ends_with("text-tabs.log:5"));

    let ing = ingest_paths(
        &[dir.join("text-snapstart.log")],
        &IngestOptions::default(),
        None,
    )
    .unwrap();
    let i = &ing.tables.invocations[0];
    assert_eq!(i.restore_duration_ms, Some(389.14));
    assert_eq!(i.billed_restore_duration_ms, Some(142.0));
    assert!(i.cold_start);
    assert!(!ing.tables.invocations[1].cold_start);

    let ing = ingest_paths(
        &[dir.join("logs-tail.txt")],
        &IngestOptions::default(),
        None,
    )
    .unwrap();
    assert_eq!(ing.tables.invocations[0].timestamp, Some(1_756_821_790_500));

    let ing = ingest_paths(
        &[dir.join("text-legacy.log")],
        &IngestOptions::default(),
        None,
    )
    .unwrap();
    let by_id = |n: usize| &ing.tables.invocations[n];
    assert_eq!(by_id(0).status, Status::Timeout);
    assert_eq!(by_id(1).error_type.as_deref(), Some("ReferenceError"));
    assert_eq!(by_id(2).error_type.as_deref(), Some("Runtime.ExitError"));
    assert_eq!(by_id(3).status, Status::Success);

    let ing = ingest_paths(
        &[dir.join("insights-report-fields.json")],
        &IngestOptions::default(),
        None,
    )
    .unwrap();
    let i = &ing.tables.invocations[0];
    assert_eq!((i.memory_size_mb, i.max_memory_used_mb), (128, Some(67)));

    // Log records and spans join to their invocation.
    let ing = ingest_paths(
        &[dir.join("text-tabs.log")],
        &IngestOptions::default(),
        None,
    )
    .unwrap();
    let traced: Vec<_> = ing
        .tables
        .logs
        .iter()
        .filter(|l| l.trace_id.is_some())
        .collect();
    assert_eq!(
        traced.len(),
        3,
        "START, app line and END of the traced invocation"
    );
    let ing = ingest_paths(
        &[dir.join("text-tabs.log"), dir.join("xray-segments.ndjson")],
        &IngestOptions::default(),
        None,
    )
    .unwrap();
    let joined = ing
        .tables
        .spans
        .iter()
        .filter(|s| s.request_id.as_deref() == Some("6f1c2a9e-3b7d-4e52-9a10-2c4d8e7f1b30"))
        .count();
    assert_eq!(joined, 7, "every span of the invocation's trace");
}
