//! Runs the parsers over the real-world corpus in ../shared/corpus (written outside the project;
//! see its SOURCES.md) when it is present beside the clone, as it is in CI: every file must be
//! read without an error or a panic, and files whose content we checked by hand must give the
//! records they hold.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use faascope::ingest::{ingest_paths, IngestOptions, Ingested};
use faascope::model::Status;

fn corpus() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("FAASCOPE_CORPUS").map(PathBuf::from),
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")),
    ];
    candidates
        .into_iter()
        .flatten()
        .find(|p| p.join("SOURCES.md").exists())
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn every_corpus_file_reads_and_known_files_give_their_records() {
    let Some(root) = corpus() else {
        eprintln!("shared corpus not found beside the clone: skipping");
        return;
    };
    let mut all = Vec::new();
    for sub in ["cloudwatch", "lambda-json", "lambda-text", "xray"] {
        files(&root.join(sub), &mut all);
    }
    assert!(all.len() > 200, "corpus has only {} files", all.len());
    let mut results: BTreeMap<String, Ingested> = BTreeMap::new();
    for f in &all {
        let ing = ingest_paths(std::slice::from_ref(f), &IngestOptions::default(), None)
            .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let key = f.strip_prefix(&root).unwrap().to_string_lossy().to_string();
        results.insert(key, ing);
    }
    let get = |k: &str| {
        results
            .get(k)
            .unwrap_or_else(|| panic!("{k} not in corpus"))
    };
    let inv = |k: &str| get(k).tables.invocations.len();
    let with = |k: &str, f: &dyn Fn(&faascope::model::Invocation) -> bool| {
        get(k).tables.invocations.iter().filter(|i| f(i)).count()
    };

    // Totals: the corpus holds hundreds of REPORT records across its formats.
    let total: usize = results.values().map(|r| r.tables.invocations.len()).sum();
    let spans: usize = results.values().map(|r| r.tables.spans.len()).sum();
    eprintln!(
        "corpus: {} files, {total} invocations, {spans} spans",
        all.len()
    );
    assert!(total > 200, "only {total} invocations from the corpus");
    assert!(spans > 60, "only {spans} spans from the corpus");

    // Markdown table rows with `Status: timeout` and Init Duration.
    let k = "lambda-text/gh-issue-databiosphere-azul-8050-status-timeout.log";
    assert!(inv(k) >= 3);
    assert_eq!(with(k, &|i| i.status == Status::Timeout), inv(k));
    assert_eq!(with(k, &|i| i.cold_start), inv(k));
    // SnapStart via `sam logs`: restores attached to the REPORT that follows them.
    let k = "lambda-text/docwho2-connect-lex-chatgpt-sam-logs-snapstart-2023-06.log";
    assert!(with(k, &|i| i.restore_duration_ms.is_some()) >= 1);
    // JSON-lines wrapper around REPORT messages with a separate `Task timed out` line.
    let k = "lambda-text/gh-issue-apex-up-663-timeout-jsonlines.log";
    assert!(with(k, &|i| i.status == Status::Timeout) >= 1);
    // Local emulator: Init Duration before Duration.
    let k = "lambda-text/terrencemiao-sam-local-invoke-rie-2021.log";
    assert_eq!(inv(k), 1);
    assert_eq!(get(k).tables.invocations[0].init_duration_ms, Some(0.53));
    // platform.report lines, one with status timeout.
    let k = "lambda-json/dd-forwarder-test-platform-report.jsonl";
    assert!(inv(k) >= 3);
    assert!(with(k, &|i| i.status == Status::Timeout) >= 1);
    // Pretty-printed JSON log format copied from a console, with timestamp lines between.
    let k = "lambda-json/public-console-copy-json-format-2026.txt";
    assert!(inv(k) >= 1);
    assert!(get(k)
        .tables
        .invocations
        .iter()
        .all(|i| i.function.as_ref() == "tenner-notifier"));
    // Telemetry batches printed as Python reprs.
    assert!(inv("lambda-json/aws-lambda-extensions-logs-api-s3-demo-batch.txt") >= 1);
    assert_eq!(
        get("lambda-json/aws-lambda-extensions-telemetry-api-test-batch.txt")
            .tables
            .logs
            .len(),
        10
    );
    // Logs Insights rows of REPORT fields (memory in bytes) and of messages.
    let k = "cloudwatch/logs-insights/embr-retrievedData-results.json";
    assert!(inv(k) >= 1);
    assert!(get(k)
        .tables
        .invocations
        .iter()
        .all(|i| i.memory_size_mb == 128));
    assert!(inv("cloudwatch/logs-insights/lambdapulse-sampleLog-insights-rows.json") >= 1);
    assert!(
        with(
            "cloudwatch/logs-insights/lambdapulse-sampleLog-insights-rows.json",
            &|i| i.trace_id.is_some()
        ) >= 1
    );
    // Subscription payloads: zlib inside base64 decodes; the docs' truncated example is a skip.
    assert!(get("cloudwatch/subscription-payloads/powertools-python-cloudWatchLogEventWithPolicyLevel.raw.json").skips.is_empty());
    assert!(!get(
        "cloudwatch/subscription-payloads/awsdocs-ldg-awslogs-event-wrapper-truncated.json"
    )
    .skips
    .is_empty());
    assert!(
        inv("cloudwatch/subscription-payloads/dd-forwarder-it-cloudwatch_log_coldstart.json") >= 1
    );
    // filter-log-events wrapped by an app as {"payload": [...]}.
    assert!(
        inv("cloudwatch/filter-log-events/drinkingtheink-filter-log-events-payload-2019.json")
            >= 10
    );
    // X-Ray BatchGetTraces from the docs.
    assert!(
        get("xray/awsdocs-xray-xray-api-gettingdata-BatchGetTraces-output-lambda.json")
            .tables
            .spans
            .len()
            >= 10
    );
}
