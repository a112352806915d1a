use super::*;
use crate::ingest::{ingest_inputs, IngestOptions, MemoryInput};
use crate::query::{parse, Value};

/// Two functions' text logs: `api` (a cold start, two warm, one timeout, a JSON app log, a
/// text app log) and `worker` (one SnapStart restore, one warm).
const LOG: &str = "\
2025-09-02T14:00:00.000Z START RequestId: a1 Version: $LATEST
2025-09-02T14:00:00.100Z a1\tINFO\t{\"level\":\"INFO\",\"msg\":\"hello\",\"order\":{\"id\":\"o-1\",\"total\":12.5}}
2025-09-02T14:00:00.200Z END RequestId: a1
2025-09-02T14:00:00.200Z REPORT RequestId: a1\tDuration: 100.00 ms\tBilled Duration: 100 ms\tMemory Size: 512 MB\tMax Memory Used: 80 MB\tInit Duration: 300.50 ms
2025-09-02T14:02:00.000Z REPORT RequestId: a2\tDuration: 20.00 ms\tBilled Duration: 20 ms\tMemory Size: 512 MB\tMax Memory Used: 82 MB
2025-09-02T15:10:00.000Z a3\tERROR\tRate exceeded calling DynamoDB
2025-09-02T15:10:00.000Z REPORT RequestId: a3\tDuration: 40.00 ms\tBilled Duration: 40 ms\tMemory Size: 512 MB\tMax Memory Used: 90 MB
2025-09-02T15:20:00.000Z REPORT RequestId: a4\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 512 MB\tMax Memory Used: 95 MB\tStatus: timeout
";

const WORKER: &str = "\
2025-09-02T14:30:00.000Z REPORT RequestId: w1\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: 1024 MB\tMax Memory Used: 200 MB\tRestore Duration: 250.00 ms\tBilled Restore Duration: 120 ms
2025-09-02T14:31:00.000Z REPORT RequestId: w2\tDuration: 30.00 ms\tBilled Duration: 30 ms\tMemory Size: 1024 MB\tMax Memory Used: 210 MB
";

fn tables() -> Tables {
    let opts = IngestOptions {
        keep_logs: true,
        ..IngestOptions::default()
    };
    let inputs = vec![
        MemoryInput {
            name: "/aws/lambda/api".into(),
            bytes: LOG.as_bytes().to_vec(),
        },
        MemoryInput {
            name: "/aws/lambda/worker".into(),
            bytes: WORKER.as_bytes().to_vec(),
        },
    ];
    let ing = ingest_inputs(&[], inputs, &opts, None).unwrap();
    assert_eq!(ing.tables.invocations.len(), 6, "{:?}", ing.skips);
    ing.tables
}

fn run(q: &str) -> QueryResult {
    let parsed = parse(q).unwrap_or_else(|e| panic!("{}", e.render(q, "q")));
    run_query(&parsed, &tables()).unwrap_or_else(|e| panic!("{e}"))
}

fn cell(r: &QueryResult, row: usize, col: &str) -> Value {
    let k = r
        .columns
        .iter()
        .position(|c| c == col)
        .unwrap_or_else(|| panic!("no column {col} in {:?}", r.columns));
    r.rows[row][k].clone()
}

fn num(r: &QueryResult, row: usize, col: &str) -> f64 {
    match cell(r, row, col) {
        Value::Num(n) => n,
        other => panic!("{col}: {other:?}"),
    }
}

#[test]
fn stats_by_function_with_aliases_and_percentiles() {
    let r = run("filter @type = \"REPORT\"
        | stats count(*) as n, sum(strcontains(@message, \"Init Duration\") + strcontains(@message, \"Restore Duration\")) as cold,
                cold / n * 100 as coldPct, pct(@duration, 50), avg(@duration) as mean, max(@memorySize / 1000 / 1000) as memMB
          by function");
    assert_eq!(
        r.columns,
        [
            "function",
            "n",
            "cold",
            "coldPct",
            "pct(@duration, 50)",
            "mean",
            "memMB"
        ]
    );
    assert_eq!(r.rows.len(), 2);
    assert_eq!(cell(&r, 0, "function"), Value::Str("api".into()));
    assert_eq!(num(&r, 0, "n"), 4.0);
    assert_eq!(num(&r, 0, "cold"), 1.0);
    assert_eq!(num(&r, 0, "coldPct"), 25.0);
    // 20, 40, 100, 3000: linear interpolation between 40 and 100.
    assert_eq!(num(&r, 0, "pct(@duration, 50)"), 70.0);
    assert_eq!(num(&r, 0, "mean"), 790.0);
    assert_eq!(num(&r, 0, "memMB"), 512.0);
    assert_eq!(num(&r, 1, "cold"), 1.0);
    assert_eq!(num(&r, 1, "memMB"), 1024.0);
}

#[test]
fn count_star_counts_every_event_and_bins_are_times() {
    let r = run("stats count(*) as events, count(@duration) as reports by bin(1h)");
    assert_eq!(r.columns, ["bin(1h)", "events", "reports"]);
    assert_eq!(r.time_bin, Some(("bin(1h)".into(), 3_600_000)));
    let t14 = crate::query::parse_time_text("2025-09-02 14:00:00.000").unwrap();
    assert_eq!(cell(&r, 0, "bin(1h)"), Value::Time(t14));
    // 14:00 hour: START, JSON app line, END, a1, a2 (api) + w1, w2 (worker).
    assert_eq!(num(&r, 0, "events"), 7.0);
    assert_eq!(num(&r, 0, "reports"), 4.0);
    assert_eq!(num(&r, 1, "events"), 3.0);
    assert_eq!(cell(&r, 1, "bin(1h)").text(), "2025-09-02 15:00:00.000");
}

#[test]
fn parse_fields_sort_limit() {
    let r = run("filter @type = \"REPORT\"
        | parse @message /Restore Duration: (?<restore>[0-9.]+) ms/
        | parse @message \"Max Memory Used: * MB\" as used
        | fields @requestId, @duration + coalesce(@initDuration, 0) + coalesce(restore, 0) as e2e, used * 2 as double
        | sort e2e desc
        | limit 3");
    assert_eq!(r.columns, ["@requestId", "e2e", "double"]);
    let ids: Vec<String> = r.rows.iter().map(|row| row[0].text()).collect();
    assert_eq!(ids, ["a4", "a1", "w1"]);
    assert_eq!(num(&r, 1, "e2e"), 400.5);
    assert_eq!(num(&r, 2, "e2e"), 260.0);
    // The glob's last group is greedy to the end of the line: "200 MB\tRestore..." would not
    // be a number; this one sits before the restore field.
    assert_eq!(num(&r, 0, "double"), 190.0);
}

#[test]
fn default_columns_are_newest_first_and_filters_combine() {
    let r = run("filter @message like /Rate exceeded/ or (@type = \"REPORT\" and @message =~ /Status: timeout/)");
    assert_eq!(r.columns, ["@timestamp", "@message"]);
    assert_eq!(r.rows.len(), 2);
    assert!(cell(&r, 0, "@message").text().contains("Status: timeout"));
    assert!(cell(&r, 1, "@message").text().contains("Rate exceeded"));
}

#[test]
fn json_fields_by_dotted_path_and_platform_report_fields() {
    let r = run("filter ispresent(order.id) | fields order.id, order.total * 2 as twice, msg");
    assert_eq!(r.rows.len(), 1);
    assert_eq!(cell(&r, 0, "order.id"), Value::Str("o-1".into()));
    assert_eq!(num(&r, 0, "twice"), 25.0);
    assert_eq!(cell(&r, 0, "msg"), Value::Str("hello".into()));
    // A JSON-log-format query runs over text REPORT lines too.
    let r = run("filter type = \"platform.report\" | stats max(record.metrics.maxMemoryUsedMB) as m, count(*) as n by function");
    assert_eq!(num(&r, 0, "m"), 95.0);
    assert_eq!(num(&r, 1, "n"), 2.0);
}

#[test]
fn string_and_arithmetic_functions() {
    let r = run("filter @requestId = \"a1\" and @type = \"REPORT\"
        | fields toupper(function) as up, strlen(function) as len, concat(function, \"-\", @requestId) as both,
                 substr(@requestId, 0, 1) as first, replace(function, \"a\", \"A\") as rep, abs(0 - 3) as a,
                 ceil(1.2) as c, floor(1.8) as f, greatest(1, 5, 3) as g, least(4, 2) as l, sqrt(16) as s,
                 isempty(nothing) as e, isblank(\"  \") as b, 7 % 4 as m, 2 ^ 10 as p,
                 @logStream, @log, tomillis(@timestamp) - tomillis(datefloor(@timestamp, 1d)) as sinceMidnight,
                 function in [\"api\", \"x\"] as known, function not in [\"api\"] as other");
    assert_eq!(r.rows.len(), 1);
    assert_eq!(cell(&r, 0, "up"), Value::Str("API".into()));
    assert_eq!(num(&r, 0, "len"), 3.0);
    assert_eq!(cell(&r, 0, "both"), Value::Str("api-a1".into()));
    assert_eq!(cell(&r, 0, "first"), Value::Str("a".into()));
    assert_eq!(cell(&r, 0, "rep"), Value::Str("Api".into()));
    assert_eq!(num(&r, 0, "a"), 3.0);
    assert_eq!((num(&r, 0, "c"), num(&r, 0, "f")), (2.0, 1.0));
    assert_eq!(
        (num(&r, 0, "g"), num(&r, 0, "l"), num(&r, 0, "s")),
        (5.0, 2.0, 4.0)
    );
    assert_eq!(cell(&r, 0, "e"), Value::Bool(true));
    assert_eq!(cell(&r, 0, "b"), Value::Bool(true));
    assert_eq!((num(&r, 0, "m"), num(&r, 0, "p")), (3.0, 1024.0));
    assert_eq!(cell(&r, 0, "@log"), Value::Str("/aws/lambda/api".into()));
    assert_eq!(num(&r, 0, "sinceMidnight"), (14 * 3600 * 1000 + 200) as f64);
    assert_eq!(cell(&r, 0, "known"), Value::Bool(true));
    assert_eq!(cell(&r, 0, "other"), Value::Bool(false));
    assert!(
        r.warnings.iter().any(|w| w.contains("`nothing`")),
        "{:?}",
        r.warnings
    );
}

#[test]
fn earliest_latest_distinct_stddev_and_filter_after_stats() {
    let r = run("filter @type = \"REPORT\"
        | stats earliest(@requestId) as first, latest(@requestId) as last, count_distinct(@memorySize) as sizes,
                stddev(@duration) as sd, min(@timestamp) as since by function
        | filter sizes >= 1 and first != \"w1\"
        | display function, first, last, sd, since");
    assert_eq!(r.rows.len(), 1);
    assert_eq!(cell(&r, 0, "first"), Value::Str("a1".into()));
    assert_eq!(cell(&r, 0, "last"), Value::Str("a4".into()));
    assert_eq!(cell(&r, 0, "since").text(), "2025-09-02 14:00:00.200");
    // Sample standard deviation of 100, 20, 40, 3000.
    let xs = [100.0f64, 20.0, 40.0, 3000.0];
    let mean = xs.iter().sum::<f64>() / 4.0;
    let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 3.0).sqrt();
    assert!((num(&r, 0, "sd") - sd).abs() < 1e-9);
}

#[test]
fn dedup_keeps_the_first_of_each() {
    let r = run("filter @type = \"REPORT\" | sort @duration desc | dedup function | limit 5");
    assert_eq!(r.rows.len(), 2);
    assert!(cell(&r, 0, "@message").text().contains("RequestId: a4"));
    assert!(cell(&r, 1, "@message").text().contains("RequestId: w2"));
}

#[test]
fn plan_errors_have_positions() {
    let q = parse("stats count(*) by bin(1mo)").unwrap();
    let e = run_query(&q, &tables()).unwrap_err();
    let qe = e.as_query_error().unwrap();
    assert_eq!(qe.pos, "stats count(*) by bin(".len());
    assert!(qe.message.contains("calendar"));
    let q = parse("fields /re/ as x").unwrap();
    assert!(run_query(&q, &tables()).is_err());
}

#[test]
fn report_line_is_lambdas_text_format() {
    let t = tables();
    let line = t.invocations[0].report_line();
    assert_eq!(
        line,
        "REPORT RequestId: a1\tDuration: 100.00 ms\tBilled Duration: 100 ms\tMemory Size: 512 MB\tMax Memory Used: 80 MB\tInit Duration: 300.50 ms"
    );
}

/// Thin log records (a query reading no log text) give the same answers as full ones, over
/// every format in sample-data.
#[test]
fn thin_log_records_answer_as_full_ones() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    let load = |thin: bool| {
        let ing = crate::ingest::ingest_paths(
            std::slice::from_ref(&root),
            &IngestOptions {
                keep_logs: true,
                keep_spans: false,
                keep_metrics: false,
                thin_logs: thin,
                report_columns: thin,
                ..IngestOptions::default()
            },
            None,
        )
        .unwrap();
        (ing.tables, ing.columns)
    };
    let ((full, no_cols), (thin, cols)) = (load(false), load(true));
    assert!(thin.logs.is_empty() && !thin.thin_logs.is_empty());
    assert_eq!(full.logs.len(), thin.thin_logs.len());
    assert!(no_cols.is_empty() && thin.invocations.is_empty());
    assert_eq!(cols.len(), full.invocations.len());
    for q in [
        "stats count(*), pct(@duration, 99) by function, bin(1h)",
        "stats count(*) by @type, function",
        "filter @type = \"START\" | stats count(*) as starts by function",
        "filter ispresent(@initDuration) | stats count(*), avg(@initDuration) by function",
        // Log records counted in buckets (see `thin_buckets`), and not.
        "stats count(*) by bin(5m)",
        "stats count(*) as n, max(@duration) by bin(1w), function",
        "stats count(*), sum(@billedDuration), stddev(@maxMemoryUsed) by bin(90m), bin(1h)",
        "filter function like /o/ and @type != \"END\" | stats count(*) by @type, bin(1d)",
        "stats count(*) * 2 as twice, count(@duration) as reports by function",
        "stats count(*) as n by function | stats count(*) as functions, sum(n) as total",
        "stats count(*)",
        "stats count_distinct(function) as f by bin(1h)",
        "stats earliest(@type) as first by function",
        "filter @timestamp > 0 | stats count(*) by function",
        "stats count(*) by datefloor(@timestamp, 1h)",
    ] {
        let parsed = parse(q).unwrap();
        assert!(!reads_log_text(&parsed), "{q}");
        let a = run_query(&parsed, &full).unwrap();
        let b = run_query_on(&parsed, &thin, &cols).unwrap();
        assert!(!a.rows.is_empty(), "{q}");
        assert_eq!(a.rows, b.rows, "{q}");
        assert_eq!(a.records_scanned, b.records_scanned, "{q}");
    }
    for q in [
        "fields @timestamp, @message",
        "filter @message like /ERROR/ | stats count(*)",
        "stats count(*) by @logStream",
        // A custom log group is its stream's (see `log_of_row`).
        "stats count(*) by @type, @log",
        "stats count(*) by level",
        "filter @requestId = \"x\"",
    ] {
        let parsed = parse(q).unwrap();
        assert!(reads_log_text(&parsed), "{q}");
        // Compact columns carry no text: asked anyway, the run says so instead of guessing.
        let e = run_query_on(&parsed, &thin, &cols).unwrap_err();
        assert!(e.to_string().contains("compact columns"), "{q}: {e}");
    }
}

/// Runs `q` over one input (named like a log group) holding `text`, logs kept in full.
fn run_text(name: &str, text: &str, q: &str) -> QueryResult {
    let opts = IngestOptions {
        keep_logs: true,
        ..IngestOptions::default()
    };
    let input = MemoryInput {
        name: name.into(),
        bytes: text.as_bytes().to_vec(),
    };
    let ing = ingest_inputs(&[], vec![input], &opts, None).unwrap();
    assert!(ing.skips.is_empty(), "{:?}", ing.skips);
    let parsed = parse(q).unwrap_or_else(|e| panic!("{}", e.render(q, "q")));
    run_query_on(&parsed, &ing.tables, &ing.columns).unwrap_or_else(|e| panic!("{e}"))
}

/// Lambda's JSON log format and Powertools lines: a `message` key beside the others, as plain
/// lines and as the messages of CloudWatch events; and JSON `platform.*` events.
const JSON_LOGS: &str = r#"{"timestamp":"2025-02-01T00:00:00.100Z","level":"INFO","requestId":"a1","message":"order saved","order":{"id":"o-1","items":[{"sku":"k1"},{"sku":"k2"}]},"http":{"status":200},"weird.key":"w"}
{"timestamp":1738368000200,"level":"ERROR","requestId":"a1","message":"payment failed","order":{"id":"o-2"},"http":{"status":502}}
{"timestamp":1738368000300,"message":"{\"level\":\"WARN\",\"message\":\"slow\",\"http\":{\"status\":504}}","logGroup":"/aws/lambda/shop","logStream":"s"}
{"time":"2025-02-01T00:00:00.000Z","type":"platform.start","record":{"requestId":"a1","version":"$LATEST"}}
"#;

#[test]
fn json_log_lines_keep_every_field() {
    let r = run_text(
        "/aws/lambda/shop",
        JSON_LOGS,
        "filter ispresent(http.status) | sort @timestamp asc | fields level, @requestId, order.id, http.status, order.items.1.sku, `weird.key`, @message",
    );
    assert_eq!(r.rows.len(), 3, "{:?}", r.rows);
    // A quoted name heads its column without the quotes.
    assert!(
        r.columns.contains(&"weird.key".to_string()),
        "{:?}",
        r.columns
    );
    let level: Vec<String> = (0..3).map(|i| cell(&r, i, "level").text()).collect();
    assert_eq!(level, ["INFO", "ERROR", "WARN"]);
    let status: Vec<f64> = (0..3).map(|i| num(&r, i, "http.status")).collect();
    assert_eq!(status, [200.0, 502.0, 504.0]);
    assert_eq!(cell(&r, 0, "order.id"), Value::Str("o-1".into()));
    assert_eq!(cell(&r, 1, "@requestId"), Value::Str("a1".into()));
    // List elements by index, as Logs Insights flattens lists.
    assert_eq!(cell(&r, 0, "order.items.1.sku"), Value::Str("k2".into()));
    assert_eq!(cell(&r, 0, "weird.key"), Value::Str("w".into()));
    // `@message` is the whole event, as Logs Insights shows a JSON log event.
    let m = cell(&r, 1, "@message").text();
    assert!(
        m.starts_with('{') && m.contains("\"message\":\"payment failed\""),
        "{m}"
    );
    // A platform event's own fields.
    let r = run_text(
        "/aws/lambda/shop",
        JSON_LOGS,
        "filter type = \"platform.start\" | fields record.requestId, record.version",
    );
    assert_eq!(r.rows.len(), 1);
    assert_eq!(cell(&r, 0, "record.requestId"), Value::Str("a1".into()));
    assert_eq!(cell(&r, 0, "record.version"), Value::Str("$LATEST".into()));
}

#[test]
fn a_glob_star_before_text_stops_at_that_text() {
    let r = run("filter @type = \"REPORT\" | parse @message \"Duration: * ms\" as d | sort d asc | fields d");
    let d: Vec<String> = (0..r.rows.len()).map(|i| cell(&r, i, "d").text()).collect();
    assert_eq!(d, ["10.00", "20.00", "30.00", "40.00", "100.00", "3000.00"]);
    // A `*` ending the glob takes the rest.
    let r = run("filter @type = \"REPORT\" and @requestId = \"a4\" | parse @message \"Status: *\" as s | fields s");
    assert_eq!(cell(&r, 0, "s").text(), "timeout");
}

#[test]
fn parsed_numbers_sort_as_numbers() {
    // As text, "3000.00" < "40.00"; as numbers, it sorts last (ascending) and first (descending).
    let r = run("filter @type = \"REPORT\" | parse @message \"Duration: * ms\" as d | sort d desc | fields d");
    assert_eq!(cell(&r, 0, "d").text(), "3000.00");
    assert_eq!(cell(&r, 5, "d").text(), "10.00");
}

/// Seventh-round query review: `d > "500"` compared a parsed field as text (1200 was not above
/// 500, 80 was), and one text value of a JSON field anywhere made all its numbers compare as
/// text. Two texts that read as numbers now compare as numbers (`sort`'s order), and a text
/// that is no number is not ordered against one, as against an unquoted number.
#[test]
fn texts_that_read_as_numbers_compare_as_numbers() {
    let r = run("filter @type = \"REPORT\" | parse @message \"Duration: * ms\" as d | filter d > \"500\" | fields d");
    let d: Vec<String> = (0..r.rows.len()).map(|i| cell(&r, i, "d").text()).collect();
    assert_eq!(d, ["3000.00"], "{d:?}");
    let lines = "{\"timestamp\":1738368000000,\"ms\":1200}\n{\"timestamp\":1738368000001,\"ms\":80}\n{\"timestamp\":1738368000002,\"ms\":\"n/a\"}\n{\"timestamp\":1738368000003,\"ms\":\"950\"}\n";
    for (q, want) in [
        ("filter ms > \"500\"", vec!["1200", "950"]),
        ("filter ms < \"500\"", vec!["80"]),
        ("filter ms = \"1200\"", vec!["1200"]),
        ("filter ms < \"x\"", vec!["n/a"]),
        ("filter ms != \"500\"", vec!["1200", "80", "n/a", "950"]),
        // Equality is exact text (verification: 19-digit ids sharing 16 digits were equal).
        ("filter ms = \"0950\"", vec![]),
        ("filter ms > 500", vec!["1200", "950"]),
    ] {
        let r = run_text(
            "/aws/lambda/f",
            lines,
            &format!("{q} | sort @timestamp asc | fields ms"),
        );
        let got: Vec<String> = (0..r.rows.len())
            .map(|i| cell(&r, i, "ms").text())
            .collect();
        assert_eq!(got, want, "{q}");
    }
    let ids = "{\"timestamp\":1738368000000,\"seq\":\"49590338271490256608559692538361571095921575989136588898\"}\n{\"timestamp\":1738368000001,\"seq\":\"49590338271490256608559692538361571095921575989136588899\"}\n";
    let r = run_text(
        "/aws/lambda/f",
        ids,
        "filter seq = \"49590338271490256608559692538361571095921575989136588899\" | fields seq",
    );
    assert_eq!(r.rows.len(), 1);
}

#[test]
fn coalesce_falls_back_to_text() {
    let r = run("filter @type = \"REPORT\" | sort @timestamp asc | fields coalesce(@initDuration, \"warm\") as init, coalesce(nosuch, \"x\") as x, coalesce(@initDuration, 0) + 1 as n");
    assert_eq!(cell(&r, 0, "init").text(), "300.5");
    assert_eq!(
        run("filter @requestId = \"a2\" | fields coalesce(@initDuration, @duration, \"-\") as d")
            .rows[0][0],
        Value::Str("20".into())
    );
    assert_eq!(cell(&r, 1, "init"), Value::Str("warm".into()));
    assert_eq!(cell(&r, 1, "x"), Value::Str("x".into()));
    // A numeric fallback stays a number.
    assert_eq!(num(&r, 0, "n"), 301.5);
    assert_eq!(num(&r, 1, "n"), 1.0);
}

#[test]
fn dedup_keeps_records_with_a_null_field() {
    // `@type` is null on the two application lines: Logs Insights keeps them all.
    let r = run("filter function = \"api\" | sort @timestamp asc | fields @type | dedup @type");
    let types: Vec<String> = (0..r.rows.len())
        .map(|i| cell(&r, i, "@type").text())
        .collect();
    // (END and REPORT share a time: in `logs`' order, END first.)
    assert_eq!(types, ["START", "", "END", "REPORT", ""]);
}

#[test]
fn display_before_stats_is_an_error() {
    let q = parse("display @requestId | stats count(*) as n").unwrap();
    let e = run_query(&q, &tables()).unwrap_err();
    let qe = e.as_query_error().unwrap();
    assert_eq!(qe.pos, 0);
    assert!(qe.message.contains("before a `stats`"), "{}", qe.message);
    // A field displayed twice shows once.
    let r = run("filter @type = \"REPORT\" | display @requestId, @requestId | limit 1");
    assert_eq!(r.columns, ["@requestId"]);
}

#[test]
fn a_telemetry_function_record_is_its_log_line() {
    let line = r#"{"time":"2022-08-20T12:31:32.123Z","type":"function","record":"2022-08-20T12:31:32.123Z\t6f1c2a9e-3b7d-4e52-9a10-2c4d8e7f1b33\tINFO\tHello World"}"#;
    let r = run_text(
        "/aws/lambda/shop",
        &format!("{line}\n"),
        r"parse @message /^(?<ts>\S+)\t(?<rid>\S+)\t(?<lvl>\S+)\t(?<text>.*)$/ | fields rid, text",
    );
    assert_eq!(
        cell(&r, 0, "rid"),
        Value::Str("6f1c2a9e-3b7d-4e52-9a10-2c4d8e7f1b33".into())
    );
    assert_eq!(cell(&r, 0, "text"), Value::Str("Hello World".into()));
}

#[test]
fn reports_have_their_log_stream() {
    let export = concat!(
        r#"{"timestamp":1756821790000,"message":"START RequestId: 6f1c2a9e-3b7d-4e52-9a10-2c4d8e7f1b30 Version: $LATEST\n","logGroup":"/aws/lambda/shop","logStream":"2025/09/02/[$LATEST]aa"}"#,
        "\n",
        r#"{"timestamp":1756821791482,"message":"REPORT RequestId: 6f1c2a9e-3b7d-4e52-9a10-2c4d8e7f1b30\tDuration: 48.27 ms\tBilled Duration: 49 ms\tMemory Size: 512 MB\tMax Memory Used: 91 MB\t\n","logGroup":"/aws/lambda/shop","logStream":"2025/09/02/[$LATEST]aa"}"#,
        "\n",
        r#"{"timestamp":1756821792482,"message":"REPORT RequestId: 6f1c2a9e-3b7d-4e52-9a10-2c4d8e7f1b31\tDuration: 8.27 ms\tBilled Duration: 9 ms\tMemory Size: 512 MB\tMax Memory Used: 91 MB\t\n","logGroup":"/aws/lambda/shop","logStream":"2025/09/02/[$LATEST]bb"}"#,
        "\n"
    );
    // Execution environments per function, as Logs Insights users count them.
    let r = run_text(
        "export.ndjson",
        export,
        "filter @type = \"REPORT\" | stats count_distinct(@logStream) as envs, count(*) as n by function",
    );
    assert_eq!(num(&r, 0, "envs"), 2.0);
    assert_eq!(num(&r, 0, "n"), 2.0);
}

#[test]
fn json_booleans_are_booleans_and_not_in_drops_missing_values() {
    let lines = concat!(
        r#"{"timestamp":1,"level":"INFO","message":"a","requestId":"r1","ok":true}"#,
        "\n",
        r#"{"timestamp":2,"level":"INFO","message":"b","requestId":"r2","ok":false}"#,
        "\n"
    );
    let r = run_text("/aws/lambda/shop", lines, "filter ok | fields requestId");
    assert_eq!(r.rows.len(), 1);
    assert_eq!(cell(&r, 0, "requestId"), Value::Str("r1".into()));
    let r = run_text(
        "/aws/lambda/shop",
        lines,
        "filter not ok | fields requestId",
    );
    assert_eq!(cell(&r, 0, "requestId"), Value::Str("r2".into()));
    // A boolean compared with text compares as text.
    let r = run_text(
        "/aws/lambda/shop",
        lines,
        "filter ok = \"true\" | fields requestId",
    );
    assert_eq!(r.rows.len(), 1);
    assert_eq!(cell(&r, 0, "requestId"), Value::Str("r1".into()));
    let r = run_text(
        "/aws/lambda/shop",
        lines,
        "filter ok != \"true\" | fields requestId",
    );
    assert_eq!(cell(&r, 0, "requestId"), Value::Str("r2".into()));
    // `not in` treats a missing `@type` as `!=` does: no match either way.
    let a = run("filter function = \"api\" and @type not in [\"REPORT\"] | stats count(*) as n");
    let b = run("filter function = \"api\" and @type != \"REPORT\" | stats count(*) as n");
    assert_eq!(num(&a, 0, "n"), num(&b, 0, "n"));
    assert_eq!(num(&a, 0, "n"), 2.0);
}

/// Which queries may count thin log records in buckets, and how long the buckets are.
#[test]
fn log_records_are_bucketed_only_when_nothing_tells_them_apart() {
    let grain = |q: &str| thin_buckets(&parse(q).unwrap());
    let hour = 3_600_000;
    assert_eq!(
        grain("stats count(*), pct(@duration, 99) by function, bin(1h)"),
        Some(Some(hour))
    );
    assert_eq!(
        grain("stats count(*) by bin(90m), bin(1h)"),
        Some(Some(hour / 2))
    );
    // Weeks start on a Monday, 4 days after the epoch: day buckets tile them.
    assert_eq!(grain("stats count(*) by bin(1w)"), Some(Some(24 * hour)));
    assert_eq!(grain("stats count(*)"), Some(None));
    assert_eq!(
        grain("filter @type = \"START\" | stats count() by @log"),
        Some(None)
    );
    assert_eq!(
        grain("stats avg(@duration) as a, a * 2 as b by function"),
        Some(None)
    );
    for q in [
        "filter @type = \"START\"",
        "stats count(function)",
        "stats count_distinct(@type)",
        "stats earliest(@duration)",
        "stats max(@timestamp) by function",
        "stats count(*) by datefloor(@timestamp, 1h)",
        "stats count(*) by bin(1mo)",
        "stats count(*) by bin(1h) + 1",
        "filter @timestamp > 0 | stats count(*)",
        "filter bin(1h) > 0 | stats count(*)",
        "fields @duration * 2 as d | stats count(*)",
        "limit 5 | stats count(*)",
        "sort @timestamp | stats count(*)",
        "stats sum(coalesce(@duration, 1))",
    ] {
        assert_eq!(grain(q), None, "{q}");
    }
}

/// Text sorts as Logs Insights sorts it (the example of its `sort` page): ascending, text
/// before numbers, text in natural order (digit runs by length, then value), numbers by value,
/// missing values last; descending is the reverse, missing values still last.
#[test]
fn text_sorts_in_natural_order_before_numbers() {
    let want = [
        "!:",
        "#",
        "*%04",
        "0#",
        "5A",
        "111A",
        "2345_",
        "@",
        "@_",
        "A",
        "A9876fghj",
        "a12345hfh",
        "0",
        "01",
        "2",
        "3",
        "10",
    ];
    // Shuffled, one app line each, and one line without `v=`.
    let mut text = String::new();
    for (k, i) in [7, 3, 15, 0, 12, 9, 1, 16, 5, 11, 2, 14, 8, 4, 13, 6, 10]
        .into_iter()
        .enumerate()
    {
        text.push_str(&format!(
            "2025-09-02T14:00:{k:02}.000Z\tr{k}\tINFO\tv={}\n",
            want[i]
        ));
    }
    text.push_str("2025-09-02T14:00:59.000Z\tr99\tINFO\tno value\n");
    let values = |q: &str| -> Vec<String> {
        let r = run_text("/aws/lambda/sorts", &text, q);
        (0..r.rows.len()).map(|i| cell(&r, i, "v").text()).collect()
    };
    let mut expected: Vec<String> = want.iter().map(|s| s.to_string()).collect();
    expected.push(String::new());
    assert_eq!(
        values("parse @message \"v=*\" as v | sort v asc | fields v"),
        expected
    );
    expected.pop();
    expected.reverse();
    expected.push(String::new());
    assert_eq!(
        values("parse @message \"v=*\" as v | sort v desc | fields v"),
        expected
    );
}

/// Review findings: `count(*)` after an ungrouped `stats` counts its one row; a `limit`
/// before a `sort` or `stats` keeps the newest records; a field `stats` dropped sorts nothing
/// and shows empty on every row; infinities are no value.
#[test]
fn counts_after_stats_limits_and_missing_fields() {
    let n = |q: &str| num(&run(q), 0, "d");
    assert_eq!(
        n("filter @type = \"REPORT\" | stats count(*) as c | stats count(*) as d"),
        1.0
    );
    assert_eq!(n("stats max(@duration) as c | stats count(*) as d"), 1.0);
    assert_eq!(
        n("stats count(*) as c by function | stats count(*) as d"),
        2.0
    );
    assert_eq!(
        n("stats count(*) as c by function | stats sum(c) as d"),
        10.0
    );
    // The newest REPORT is a4 (15:20), whatever follows the limit.
    let r = run("filter @type = \"REPORT\" | limit 1 | stats count(*) by @requestId");
    assert_eq!(cell(&r, 0, "@requestId").text(), "a4");
    let r = run("filter @type = \"REPORT\" | fields @requestId | limit 2 | sort @requestId asc");
    assert_eq!(r.rows.len(), 2);
    assert_eq!(cell(&r, 0, "@requestId").text(), "a3");
    assert_eq!(cell(&r, 1, "@requestId").text(), "a4");
    let r = run("stats count(*) as n by @type | sort @duration desc");
    assert_eq!(r.rows.len(), run("stats count(*) as n by @type").rows.len());
    assert!(r.warnings.iter().any(|w| w.contains("`@duration`")));
    let r = run("stats count(*) as n by @type | display @duration");
    assert_eq!(r.rows.len(), run("stats count(*) as n by @type").rows.len());
    assert!(r.rows.iter().all(|row| row == &vec![Value::Null]));
    let r = run("filter @type = \"REPORT\" | fields @duration / 0 as z, log(0) as l | limit 1");
    assert_eq!(r.rows, vec![vec![Value::Null, Value::Null]]);
}

/// A JSON-format platform event has the text format's `@type` (`platform.start` is `START`),
/// over full and thin records alike; its `type` keeps its own name.
#[test]
fn json_platform_events_have_the_text_formats_type() {
    let lines = r#"{"time":"2025-02-01T00:00:00.000Z","type":"platform.initStart","record":{"initializationType":"on-demand","phase":"init"}}
{"time":"2025-02-01T00:00:00.100Z","type":"platform.start","record":{"requestId":"a1","version":"$LATEST"}}
{"time":"2025-02-01T00:00:00.200Z","type":"platform.runtimeDone","record":{"requestId":"a1","status":"success"}}
{"time":"2025-02-01T00:00:00.300Z","type":"platform.telemetrySubscription","record":{"name":"ext"}}
"#;
    let q = "stats count(*) as n by @type | sort @type";
    let r = run_text("/aws/lambda/shop", lines, q);
    let types: Vec<String> = (0..r.rows.len())
        .map(|i| cell(&r, i, "@type").text())
        .collect();
    assert_eq!(types, ["END", "INIT_START", "START", ""]);
    let opts = IngestOptions {
        keep_logs: true,
        thin_logs: true,
        report_columns: true,
        ..IngestOptions::default()
    };
    let input = MemoryInput {
        name: "/aws/lambda/shop".into(),
        bytes: lines.as_bytes().to_vec(),
    };
    let ing = ingest_inputs(&[], vec![input], &opts, None).unwrap();
    let thin = run_query_on(&parse(q).unwrap(), &ing.tables, &ing.columns).unwrap();
    assert_eq!(thin.rows, r.rows);
    let r = run_text(
        "/aws/lambda/shop",
        lines,
        "filter @type = \"START\" | fields type",
    );
    assert_eq!(cell(&r, 0, "type").text(), "platform.start");
}

/// Bucketed thin records answer as one row per record at the edges of time: records without
/// a time, negative times, week boundaries (weeks start 4 days after the epoch), times whose
/// bucket start would overflow. The same query with a filter that reads the time (so nothing
/// is bucketed, and nothing is filtered out) is the reference.
#[test]
fn bucketed_answers_hold_at_the_edges_of_time() {
    let mut tables = Tables::default();
    let names: Vec<std::sync::Arc<str>> = ["a", "b"].into_iter().map(Into::into).collect();
    let week = 7 * 86_400_000_i64;
    let mut times: Vec<Option<i64>> = vec![None, Some(i64::MIN + 1), Some(i64::MAX - 5)];
    for k in -3..=3_i64 {
        let boundary = k * week + 4 * 86_400_000;
        times.extend([boundary - 1, boundary, boundary + 1].map(Some));
        times.extend([k * 3_600_000 - 1, k * 3_600_000, k * 60_000 + 7].map(Some));
    }
    for (i, t) in times.iter().enumerate() {
        for r in 0..=(i % 3) {
            let ty = ["START", "END"].get((i + r) % 3).copied();
            tables.thin_logs.push(&names[(i + r) % 2], *t, ty);
        }
    }
    let cols = ReportColumns::default();
    for q in [
        "stats count(*) by bin(1w)",
        "stats count(*) as n by function, bin(1h), @type",
        "stats count(*) by bin(7m), bin(2w)",
        "stats count(*) by bin(1ms)",
        "stats count(*) by function",
        "filter @type != \"END\" | stats count(*) by bin(1d), function",
        "stats count(*) as n by bin(1h) | stats count(*) as bins, sum(n) as records",
    ] {
        let bucketed = parse(q).unwrap();
        assert!(thin_buckets(&bucketed).is_some(), "{q}");
        let plain = parse(&format!(
            "filter ispresent(@timestamp) or not ispresent(@timestamp) | {q}"
        ))
        .unwrap();
        assert!(thin_buckets(&plain).is_none());
        let a = run_query_on(&bucketed, &tables, &cols).unwrap();
        let b = run_query_on(&plain, &tables, &cols).unwrap();
        assert!(!a.rows.is_empty(), "{q}");
        assert_eq!(a.rows, b.rows, "{q}");
        assert_eq!(a.records_scanned, b.records_scanned, "{q}");
    }
}

/// `nan` and `inf` are words when sorting, and a sort by a field no record has leaves the
/// records newest first.
#[test]
fn sort_words_that_parse_as_floats_and_missing_keys() {
    let mut text = String::new();
    for (k, v) in ["2", "nan", "inf", "1", "b"].iter().enumerate() {
        text.push_str(&format!("2025-09-02T14:00:0{k}.000Z\tr{k}\tINFO\tv={v}\n"));
    }
    let r = run_text(
        "/aws/lambda/sorts",
        &text,
        "parse @message \"v=*\" as v | sort v asc | fields v",
    );
    let v: Vec<String> = (0..r.rows.len()).map(|i| cell(&r, i, "v").text()).collect();
    assert_eq!(v, ["b", "inf", "nan", "1", "2"]);
    let r = run_text(
        "/aws/lambda/sorts",
        &text,
        "parse @message \"v=*\" as v | sort nope desc | limit 2 | fields v",
    );
    let v: Vec<String> = (0..r.rows.len()).map(|i| cell(&r, i, "v").text()).collect();
    assert_eq!(v, ["b", "1"]);
}

/// The text of the REPORT events is kept exactly when the other lines' text is: never for
/// compact columns or thin log records (the paths of queries that read no log text).
#[test]
fn report_texts_are_kept_only_with_full_log_records() {
    let input = || {
        vec![MemoryInput {
            name: "/aws/lambda/api".into(),
            bytes: LOG.as_bytes().to_vec(),
        }]
    };
    let full = IngestOptions {
        keep_logs: true,
        report_texts: true,
        ..IngestOptions::default()
    };
    let ing = ingest_inputs(&[], input(), &full, None).unwrap();
    assert!(!ing.tables.report_texts.is_empty());
    for opts in [
        IngestOptions {
            keep_logs: true,
            report_columns: true,
            thin_logs: true,
            ..IngestOptions::default()
        },
        IngestOptions {
            keep_logs: true,
            thin_logs: true,
            ..IngestOptions::default()
        },
        IngestOptions {
            keep_logs: false,
            report_columns: true,
            ..IngestOptions::default()
        },
    ] {
        let ing = ingest_inputs(&[], input(), &opts, None).unwrap();
        assert!(ing.tables.report_texts.is_empty(), "{opts:?}");
    }
}

/// `@message` of a REPORT is its line as written; `@xraySegmentId` is read off that text.
/// `record.status` and `record.errorType` are the invocation's as `faascope report` counts it
/// (fifth-round query review: a REPORT without `Status:` read `success` for a request whose
/// runtime error line said it failed, and `record.status != "success"` missed it).
#[test]
fn report_message_and_its_fields_come_from_the_event_text() {
    let log = "\
2025-09-02T14:00:00.000Z START RequestId: e1 Version: $LATEST
2025-09-02T14:00:00.100Z [ERROR] ValueError: bad input
2025-09-02T14:00:00.200Z REPORT RequestId: e1\tDuration: 7.1 ms\tBilled Duration: 8 ms\tMemory Size: 128 MB\tXRAY TraceId: 1-68b6f91f-4c1e9d2a7b3f5e6d8a9c0b1e\tSegmentId: 3e5a7c9b1d2f4a6e\tSampled: true\t
";
    let opts = IngestOptions {
        keep_logs: true,
        report_texts: true,
        ..IngestOptions::default()
    };
    let ing = ingest_inputs(
        &[],
        vec![MemoryInput {
            name: "/aws/lambda/api".into(),
            bytes: log.as_bytes().to_vec(),
        }],
        &opts,
        None,
    )
    .unwrap();
    // The row has the status learned from the [ERROR] line.
    assert_eq!(
        ing.tables.invocations[0].status,
        crate::model::Status::Error
    );
    let q = parse(
        r#"filter @type = "REPORT" | fields @message, @xraySegmentId, record.status, record.errorType"#,
    )
    .unwrap();
    let r = run_query_on(&q, &ing.tables, &ing.columns).unwrap();
    assert_eq!(
        r.rows[0],
        vec![
            Value::Str("REPORT RequestId: e1\tDuration: 7.1 ms\tBilled Duration: 8 ms\tMemory Size: 128 MB\tXRAY TraceId: 1-68b6f91f-4c1e9d2a7b3f5e6d8a9c0b1e\tSegmentId: 3e5a7c9b1d2f4a6e\tSampled: true\t".into()),
            Value::Str("3e5a7c9b1d2f4a6e".into()),
            Value::Str("error".into()),
            Value::Str("ValueError".into()),
        ]
    );
}

#[test]
fn segment_id_of_report_text() {
    let t = "REPORT RequestId: x\tDuration: 1 ms\tStatus: error\tError Type: Runtime.ExitError\tXRAY TraceId: 1-a\tSegmentId: 9f\tSampled: true\t";
    assert_eq!(xray_segment_id(t), Some("9f"));
    assert_eq!(
        xray_segment_id("XRAY TraceId: 1-a\nSegmentId: 7e"),
        Some("7e")
    );
    assert_eq!(xray_segment_id("REPORT RequestId: x\tSegmentId: 1"), None);
}

#[test]
fn long_in_lists_are_one_lookup_with_the_same_answers() {
    // 3,000 request ids (two of them real), numbers, and a mixed list (compared one by one).
    let mut ids: Vec<String> = (0..3000).map(|i| format!("\"id-{i}\"")).collect();
    ids[17] = "\"a2\"".into();
    ids[2999] = "\"w1\"".into();
    let r = run(&format!(
        "filter @type = \"REPORT\" and @requestId in [{}] | stats count(*) as n",
        ids.join(", ")
    ));
    assert_eq!(num(&r, 0, "n"), 2.0);
    let r = run(&format!(
        "filter @type = \"REPORT\" and @requestId not in [{}] | stats count(*) as n",
        ids.join(", ")
    ));
    assert_eq!(num(&r, 0, "n"), 4.0);
    let durations: Vec<String> = (0..2000).map(|i| format!("{}", i * 10)).collect();
    let r = run(&format!(
        "filter @duration in [{}] | stats count(*) as n",
        durations.join(", ")
    ));
    // 100, 20, 40, 3000, 10 and 30 ms are all multiples of 10 below 20,000.
    assert_eq!(num(&r, 0, "n"), 6.0);
    let r = run("filter @duration in [20, \"40\", 1 + 2] | stats count(*) as n");
    assert_eq!(num(&r, 0, "n"), 2.0);
    // A missing value is in no list, and `not in` leaves it out as `!=` does.
    let r = run("filter @duration not in [20] | stats count(*) as n");
    assert_eq!(num(&r, 0, "n"), 5.0);
}

#[test]
fn sum_of_no_values_is_empty_like_the_other_aggregates() {
    let r = run(
        "filter @type = \"START\" | stats count(*) as n, sum(@duration) as s, avg(@duration) as a",
    );
    assert_eq!(num(&r, 0, "n"), 1.0);
    assert_eq!(cell(&r, 0, "s"), Value::Null);
    assert_eq!(cell(&r, 0, "a"), Value::Null);
    // A sum of values that are there, zeros included, is a number.
    let r = run("filter @type = \"REPORT\" | stats sum(@duration * 0) as z, sum(@duration) as s");
    assert_eq!(num(&r, 0, "z"), 0.0);
    assert_eq!(num(&r, 0, "s"), 3200.0);
}

#[test]
fn times_compare_with_times_written_as_text() {
    // api's REPORTs: 14:00:00.200, 14:02, 15:10 and 15:20 on 2025-09-02.
    for (q, n) in [
        ("@timestamp < \"2025-09-02T14:05:00Z\"", 2.0),
        ("@timestamp >= \"2025-09-02 15:10:00.000\"", 2.0),
        ("\"2025-09-02T15:05:00+01:00\" > @timestamp", 2.0),
        ("@timestamp > \"2025-09-02\"", 4.0),
        ("@timestamp = \"2025-09-02T14:02:00Z\"", 1.0),
    ] {
        let r = run(&format!(
            "filter function = \"api\" and @type = \"REPORT\" and {q} | stats count(*) as n"
        ));
        assert_eq!(num(&r, 0, "n"), n, "{q}");
    }
    let q = "filter @timestamp > \"last tuesday\"";
    let e = run_query(&parse(q).unwrap(), &tables()).unwrap_err();
    let rendered = e.as_query_error().unwrap().render(q, "q");
    assert!(rendered.contains("is not a time"), "{rendered}");
}

#[test]
fn xray_trace_id_is_on_the_report_only_as_logs_insights_has_it() {
    let log = "\
2025-09-02T14:00:00.000Z START RequestId: t1 Version: $LATEST
2025-09-02T14:00:00.100Z t1\tINFO\thandling
2025-09-02T14:00:00.200Z END RequestId: t1
2025-09-02T14:00:00.200Z REPORT RequestId: t1\tDuration: 100.00 ms\tBilled Duration: 100 ms\tMemory Size: 512 MB\tMax Memory Used: 80 MB\t
XRAY TraceId: 1-68b6f91f-4c1e9d2a7b3f5e6d8a9c0b1e\tSegmentId: 0a1b2c3d4e5f6a7b\tSampled: true
";
    let ing = ingest_inputs(
        &[],
        vec![MemoryInput {
            name: "/aws/lambda/traced".into(),
            bytes: log.as_bytes().to_vec(),
        }],
        &IngestOptions::default(),
        None,
    )
    .unwrap();
    let q = "filter ispresent(@xrayTraceId) | stats count(*) as n by @type";
    let r = run_query(&parse(q).unwrap(), &ing.tables).unwrap();
    let types: Vec<Value> = (0..r.rows.len()).map(|i| cell(&r, i, "@type")).collect();
    assert!(
        types
            .iter()
            .all(|t| matches!(t, Value::Str(s) if s == "REPORT" || s == "XRAY")),
        "{types:?}"
    );
    assert!(types.contains(&Value::Str("REPORT".into())), "{types:?}");
}

#[test]
fn an_unknown_field_is_warned_about_once() {
    let r = run("stats count(*) as n by @type | sort nn desc");
    let about: Vec<&String> = r.warnings.iter().filter(|w| w.contains("`nn`")).collect();
    assert_eq!(about.len(), 1, "{:?}", r.warnings);
}

/// Text that is no finite number ("NaN", "Infinity", "inf") is no number: it neither blanks a
/// group's sum, avg and max nor counts in its percentiles.
#[test]
fn text_that_is_no_finite_number_is_no_number() {
    let lines: String = ["120", "80", "NaN", "100", "Infinity", "inf"]
        .iter()
        .enumerate()
        .map(|(i, v)| {
            format!(
                "{{\"timestamp\":{},\"level\":\"INFO\",\"message\":\"fetch took {v} ms\"}}\n",
                1_756_684_800_000i64 + i as i64
            )
        })
        .collect();
    let r = run_text(
        "/aws/lambda/fetcher",
        &lines,
        "parse @message \"fetch took * ms\" as took | stats avg(took) as a, sum(took) as s, max(took) as mx, pct(took, 50) as p50",
    );
    assert_eq!(num(&r, 0, "a"), 100.0);
    assert_eq!(num(&r, 0, "s"), 300.0);
    assert_eq!(num(&r, 0, "mx"), 120.0);
    assert_eq!(num(&r, 0, "p50"), 100.0);
}

/// `=` and `!=` between a text and a number: a text that is no number is unequal (it was
/// missing, which dropped the row under `!=`, `not` and `not in` too); a missing side still
/// matches nothing.
#[test]
fn a_text_that_is_no_number_is_unequal_to_a_number() {
    let lines = concat!(
        r#"{"timestamp":1756684800000,"message":"a","userId":"u-1"}"#,
        "\n",
        r#"{"timestamp":1756684800001,"message":"b","userId":"42"}"#,
        "\n",
        r#"{"timestamp":1756684800002,"message":"c","userId":42}"#,
        "\n",
        r#"{"timestamp":1756684800003,"message":"d"}"#,
        "\n"
    );
    let msgs = |q: &str| -> Vec<String> {
        let r = run_text("/aws/lambda/fu", lines, q);
        let mut v: Vec<String> = (0..r.rows.len())
            .map(|i| match cell(&r, i, "message") {
                Value::Str(s) => s,
                other => panic!("{other:?}"),
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(msgs("filter userId != 42 | fields message"), ["a"]);
    assert_eq!(msgs("filter not (userId = 42) | fields message"), ["a"]);
    assert_eq!(msgs("filter userId not in [42] | fields message"), ["a"]);
    assert_eq!(msgs("filter userId = 42 | fields message"), ["b", "c"]);
    assert_eq!(
        msgs("filter userId != \"abc\" | fields message"),
        ["a", "b", "c"]
    );
}

/// A field read after `stats` that it did not make: the warning names the columns there, not
/// the input's fields (which no longer exist at that point).
#[test]
fn an_unknown_field_after_stats_names_the_columns_there() {
    let r = run("stats count(*) as n by @type | sort nn desc");
    assert_eq!(
        r.warnings,
        ["no record has a field `nn` at that point of the query: it is empty (the columns there are @type, n)"]
    );
}

/// Records of one millisecond: `latest` is the one the newest-first listing (and `limit 1`)
/// shows first, `earliest` the one it shows last (they disagreed).
#[test]
fn latest_and_earliest_break_ties_as_the_listing_does() {
    let text = "2025-09-01T00:00:00.000Z\t11111111-1111-1111-1111-111111111111\tINFO\tfirst\n\
                2025-09-01T00:00:00.000Z\t11111111-1111-1111-1111-111111111111\tINFO\tsecond\n\
                2025-09-01T00:00:00.000Z\t11111111-1111-1111-1111-111111111111\tINFO\tthird\n";
    let top = run_text("/aws/lambda/fx", text, "fields @message | limit 3");
    let shown: Vec<Value> = (0..3).map(|i| cell(&top, i, "@message")).collect();
    let r = run_text(
        "/aws/lambda/fx",
        text,
        "stats latest(@message) as l, earliest(@message) as e",
    );
    assert_eq!(cell(&r, 0, "l"), shown[0]);
    assert_eq!(cell(&r, 0, "e"), shown[2]);
}

/// Third-round query review: `count(1)` and `sum(1)` gave 1 whatever the group's size, and
/// `x / 0`, `sqrt(-1)`, `log(0)` printed empty yet counted as present.
#[test]
fn constants_count_per_row_and_non_finite_results_are_missing() {
    let all = run("stats count(*) as n, count(1) as c1, sum(1) as s1, sum(2) as s2, count(\"x\") as cx, count(sqrt(-1)) as cn");
    let n = num(&all, 0, "n");
    assert!(n > 1.0);
    assert_eq!(num(&all, 0, "c1"), n);
    assert_eq!(num(&all, 0, "s1"), n);
    assert_eq!(num(&all, 0, "s2"), 2.0 * n);
    assert_eq!(num(&all, 0, "cx"), n);
    assert_eq!(num(&all, 0, "cn"), 0.0);
    // Per group, and over a first `stats`' rows.
    let by = run("filter @type = \"REPORT\" | stats count(*) as n, sum(1) as s by function");
    for r in 0..by.rows.len() {
        assert_eq!(num(&by, r, "n"), num(&by, r, "s"));
    }
    let twice = run("stats count(*) as n by function | stats sum(1) as groups");
    assert_eq!(num(&twice, 0, "groups"), by.rows.len() as f64);
    let z = run("filter @type = \"REPORT\" | fields @duration / 0 as z, log(@duration - @duration) as l | stats count(z) as cz, count_distinct(z) as dz, count(l) as cl, count(*) as n");
    assert!(num(&z, 0, "n") > 0.0);
    for c in ["cz", "dz", "cl"] {
        assert_eq!(num(&z, 0, c), 0.0, "{c}");
    }
    let present =
        run("filter @type = \"REPORT\" | fields @duration / 0 as z | filter ispresent(z)");
    assert_eq!(present.rows.len(), 0);
}

/// Fourth-round query review: `max(@logStream)`, `min(level)` were empty (only numbers were
/// compared); Logs Insights takes any field. Text fields of the input compare as text; a
/// `parse`d field keeps the numeric order of what it holds.
#[test]
fn min_and_max_of_a_text_field_compare_the_text() {
    let r = run("stats min(@type) as first, max(@type) as last, max(function) as f");
    assert_eq!(cell(&r, 0, "first"), Value::Str("END".into()));
    assert_eq!(cell(&r, 0, "last"), Value::Str("START".into()));
    assert_eq!(cell(&r, 0, "f"), Value::Str("worker".into()));
    // Numbers parsed out of the text keep the numeric order (as text, a "4..." or "30.00" would
    // come after "3000.00").
    let r = run(
        r#"filter @type = "REPORT" | parse @message "Duration: * ms" as d | stats max(d) as most"#,
    );
    assert_eq!(num(&r, 0, "most"), 3000.0);
}

/// Sixth-round query review: `max` of a JSON field compared every value as text once any
/// record logged text for it (99 over 1000), and one function's `"n/a"` changed another's
/// answer; numbers logged as strings too. Min and max are of the values that read as numbers,
/// as sum, avg, pct and sort take them; a field of text alone keeps the text's order.
#[test]
fn min_and_max_of_a_json_field_with_some_text_are_numeric() {
    let line = |group: &str, ms: u64, json: &str| {
        format!(
            "{{\"timestamp\":{ms},\"message\":{},\"logGroup\":\"/aws/lambda/{group}\",\"logStream\":\"s\"}}\n",
            serde_json::to_string(json).unwrap()
        )
    };
    let text = [
        line("api", 1_738_368_000_000, r#"{"latencyMs":1000,"tag":"b"}"#),
        line("api", 1_738_368_000_100, r#"{"latencyMs":99,"tag":"c"}"#),
        line("api", 1_738_368_000_200, r#"{"latencyMs":"250","tag":"a"}"#),
        line(
            "worker",
            1_738_368_000_300,
            r#"{"latencyMs":"n/a","tag":"x"}"#,
        ),
        line("worker", 1_738_368_000_400, r#"{"latencyMs":7,"tag":"y"}"#),
    ]
    .concat();
    let r = run_text(
        "x",
        &text,
        "stats max(latencyMs) as hi, min(latencyMs) as lo, max(tag) as t by function | sort function",
    );
    assert_eq!(num(&r, 0, "hi"), 1000.0);
    assert_eq!(num(&r, 0, "lo"), 99.0);
    assert_eq!(cell(&r, 0, "t"), Value::Str("c".into()));
    assert_eq!(num(&r, 1, "hi"), 7.0);
    assert_eq!(num(&r, 1, "lo"), 7.0);
}

/// Sixth-round query review: `@timestamp in ["..."]` compared the raw text and never matched,
/// where `=` reads the same text as a time.
#[test]
fn a_time_in_a_list_of_texts_reads_them_as_times() {
    let text = [
        "{\"timestamp\":1756687839598,\"message\":\"{\\\"msg\\\":\\\"a\\\"}\",\"logGroup\":\"/aws/lambda/f\",\"logStream\":\"s\"}\n",
        "{\"timestamp\":1756687231679,\"message\":\"{\\\"msg\\\":\\\"b\\\"}\",\"logGroup\":\"/aws/lambda/f\",\"logStream\":\"s\"}\n",
    ]
    .concat();
    let r = run_text(
        "x",
        &text,
        "filter @timestamp in [\"2025-09-01 00:50:39.598\", \"2025-09-01T23:59:00Z\"] | stats count(*) as n",
    );
    assert_eq!(num(&r, 0, "n"), 1.0);
}

/// Sixth-round query review: `@message` of a bare JSON log line was re-serialised (spaces,
/// `\u00e9` and `1.50` changed); it is the line as the input holds it.
#[test]
fn a_bare_json_lines_message_is_its_text() {
    let line = r#"{"timestamp": "2025-09-01T00:00:00.013Z", "level": "INFO", "message": "caf\u00e9 order", "amount": 1.50}"#;
    let r = run_text(
        "/aws/lambda/f",
        &format!("{line}\n"),
        "fields @message, amount",
    );
    assert_eq!(cell(&r, 0, "@message"), Value::Str(line.into()));
    assert_eq!(num(&r, 0, "amount"), 1.5);
    // A platform event too (regression sweep of the sixth round).
    let event = r#"{"time": "2025-09-01T00:00:01.000Z", "type": "platform.start", "record": {"requestId": "r1", "version": "$LATEST"}}"#;
    let r = run_text("/aws/lambda/f", &format!("{event}\n"), "fields @message");
    assert_eq!(cell(&r, 0, "@message"), Value::Str(event.into()));
}

/// Verification of the sixth round: times as texts and epoch milliseconds in one list.
#[test]
fn a_time_in_a_mixed_list_reads_texts_as_times() {
    let line = "{\"timestamp\":1756687839598,\"message\":\"{\\\"msg\\\":\\\"a\\\"}\",\"logGroup\":\"/aws/lambda/f\",\"logStream\":\"s\"}\n";
    let r = run_text(
        "x",
        line,
        "filter @timestamp in [1, \"2025-09-01 00:50:39.598\"] | stats count(*) as n",
    );
    assert_eq!(num(&r, 0, "n"), 1.0);
}

/// Seventh-round verification: an aggregate named after the field it reads (`avg(v) as v`)
/// read its own name as the item: empty, with a warning that no record has `v`. Inside an
/// aggregate a name is the records' field; outside one it may be another item's.
#[test]
fn an_aggregate_may_be_named_after_its_field() {
    let text = "{\"timestamp\":\"2025-09-01T00:00:00Z\",\"message\":\"a\",\"v\":2}\n\
                {\"timestamp\":\"2025-09-01T00:00:01Z\",\"message\":\"b\",\"v\":4}\n";
    let r = run_text("v", text, "stats avg(v) as v, count(v) as n");
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    assert_eq!(r.columns, ["v", "n"]);
    assert_eq!(
        (r.rows[0][0].as_f64(), r.rows[0][1].as_f64()),
        (Some(3.0), Some(2.0))
    );
    let r = run_text("v", text, "stats sum(v) as s, count(*) as n, s / n as mean");
    assert_eq!(r.rows[0][2].as_f64(), Some(3.0));
}

/// Eighth-round query review: a JSON number among texts of the same key equals, groups and
/// counts as it does where the key holds numbers only (5 and 5.0 one value, `d = "5"` matching
/// 5.0, 1e3 and 1000 one value), whatever another function's records hold.
#[test]
fn json_numbers_among_texts_keep_their_value() {
    let run_on = |values: &[&str]| {
        let text: String = values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                format!("2025-09-02T14:00:0{i}.000Z r{i}\tINFO\t{{\"d\":{v},\"i\":{i}}}\n")
            })
            .collect();
        let ing = ingest_text("f", text.into_bytes());
        let q = |q: &str| run_query(&parse(q).unwrap(), &ing.tables).unwrap();
        let matched = num(&q("filter d = \"5\" | stats count(*) as n"), 0, "n");
        let distinct = num(&q("stats count_distinct(d) as cd"), 0, "cd");
        let groups = q("stats count(*) as n by d | sort d").rows.len();
        (matched, distinct, groups)
    };
    let numbers = ["5", "5.0", "7", "1e3", "1000"];
    assert_eq!(run_on(&numbers), (2.0, 3.0, 3));
    let mixed = ["5", "5.0", "7", "1e3", "1000", "\"n/a\""];
    assert_eq!(run_on(&mixed), (2.0, 4.0, 4));
    // Integers past 2^53 keep every digit among texts.
    let text = "2025-09-02T14:00:00.000Z r\tINFO\t{\"d\":9007199254740993}\n2025-09-02T14:00:01.000Z r\tINFO\t{\"d\":\"x\"}\n";
    let ing = ingest_text("f", text.as_bytes().to_vec());
    let r = run_query(
        &parse("filter d = \"9007199254740993\" | stats count(*) as n").unwrap(),
        &ing.tables,
    )
    .unwrap();
    assert_eq!(num(&r, 0, "n"), 1.0);
}

/// Eighth-round query review: a file's tab-separated time before each line was kept in the
/// `@message` of START, END and INIT_START (REPORT's dropped it).
#[test]
fn a_files_time_prefix_is_no_part_of_any_platform_message() {
    let text = "2025-09-01T10:00:00.000Z\tINIT_START Runtime Version: python:3.12.v70\tRuntime Version ARN: arn:x\n\
                2025-09-01T10:00:00.000Z\tSTART RequestId: r1 Version: $LATEST\n\
                2025-09-01T10:00:00.300Z\tEND RequestId: r1\n\
                2025-09-01T10:00:00.300Z\tREPORT RequestId: r1\tDuration: 200.00 ms\tBilled Duration: 200 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\tInit Duration: 100.00 ms\t\n";
    let ing = ingest_text("tp", text.as_bytes().to_vec());
    let r = run_query(
        &parse("filter @message like /^(START|END|REPORT|INIT_START)/ | stats count(*) as n")
            .unwrap(),
        &ing.tables,
    )
    .unwrap();
    assert_eq!(num(&r, 0, "n"), 4.0);
    // An application's text run into a platform line (a lost line break) is no file's
    // prefix: kept (verification of 9965e57: a traceback line was lost).
    let text = "    database_name = log_events['logStream']END RequestId: r1\n";
    let ing = ingest_text("tp", text.as_bytes().to_vec());
    let r = run_query(
        &parse("filter @message like /database_name/ | stats count(*) as n").unwrap(),
        &ing.tables,
    )
    .unwrap();
    assert_eq!(num(&r, 0, "n"), 1.0);
}

/// The tables of `bytes`, read as the log group of function `name`, log lines kept.
fn ingest_text(name: &str, bytes: impl Into<Vec<u8>>) -> crate::ingest::Ingested {
    ingest_inputs(
        &[],
        vec![MemoryInput {
            name: format!("/aws/lambda/{name}"),
            bytes: bytes.into(),
        }],
        &IngestOptions {
            keep_logs: true,
            ..IngestOptions::default()
        },
        None,
    )
    .unwrap()
}

#[test]
fn a_bin_of_records_without_a_time_is_said() {
    // Tenth-round query-library review: untimed REPORTs of three runs read as one burst minute.
    let log = "\
REPORT RequestId: u1\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\tInit Duration: 100.00 ms
REPORT RequestId: u2\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB
";
    let inputs = vec![MemoryInput {
        name: "/aws/lambda/untimed".into(),
        bytes: log.as_bytes().to_vec(),
    }];
    let ing = ingest_inputs(&[], inputs, &IngestOptions::default(), None).unwrap();
    let q = parse("stats count(*) as n by bin(1m)").unwrap();
    let r = run_query(&q, &ing.tables).unwrap();
    assert_eq!(cell(&r, 0, "bin(1m)"), Value::Null);
    assert!(
        r.warnings
            .iter()
            .any(|w| w.starts_with("1 row(s) have an empty `bin(1m)`")),
        "{:?}",
        r.warnings
    );
    // Timed records only: nothing said.
    assert!(run("stats count(*) as n by bin(1h)").warnings.is_empty());
}
