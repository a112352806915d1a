//! Logs Insights push-down for `faascope report cloudwatch://...`.
//!
//! Over a large window the work belongs to CloudWatch Logs Insights: three StartQuery calls (all
//! REPORT lines, warm ones, cold ones; 50 log groups a query) aggregate the REPORT fields per log
//! group server-side and GetQueryResults is polled until they complete; only one row per group
//! comes back. The rows become the same [`Report`] a local pull gives, with these differences,
//! which the README states:
//!
//! * percentiles are those Logs Insights computes (`pct`), not polars' linear interpolation;
//! * peak concurrency is not computed (it needs every invocation's interval);
//! * the window is in whole seconds (StartQuery's unit);
//! * only text REPORT lines are aggregated (`@type = "REPORT"`): groups in the JSON log format
//!   have none, and come back without rows: those groups are pulled instead (and when no group
//!   gave rows, nothing was aggregated: [`super::push_down_report`] returns `None` and the
//!   command's report is the pulled one, peak concurrency included).
//!
//! When is the window "large"? In `auto` mode, when the matched groups store more than
//! [`PUSH_DOWN_MIN_BYTES`] (DescribeLogGroups `storedBytes`): below that, pulling the events is
//! cheap, exact and free of Logs Insights' per-GB scan charge.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_cloudwatchlogs::types::QueryStatus;
use aws_sdk_cloudwatchlogs::Client;

use super::{classify, AwsError};
use crate::analytics::report::{
    ratio, totals_of, DurationStats, FunctionReport, InitStats, MemoryStats, Report,
};

/// In `auto` mode, groups storing more than this are aggregated by Logs Insights.
pub const PUSH_DOWN_MIN_BYTES: u64 = 1 << 30;

/// Log groups of one StartQuery (the API's limit).
const GROUPS_PER_QUERY: usize = 50;

/// Longest wait for a query (Logs Insights' own limit is 60 minutes).
const QUERY_DEADLINE: Duration = Duration::from_secs(60 * 60);

/// `--push-down`: when `report` over `cloudwatch://` lets Logs Insights aggregate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum PushDown {
    /// When the matched groups store more than 1 GiB.
    #[default]
    Auto,
    /// Always (fails if the request needs more than Logs Insights can compute).
    Always,
    /// Never: always pull the events.
    Never,
}

const RESTORE: &str = r#"parse @message /Restore Duration: (?<restoreMs>[0-9.]+) ms/"#;

fn duration_stats(prefix: &str) -> String {
    let mut s = format!("avg(@duration) as {prefix}_mean");
    for p in [50, 90, 95, 99] {
        s.push_str(&format!(", pct(@duration, {p}) as {prefix}_p{p}"));
    }
    s.push_str(&format!(", max(@duration) as {prefix}_max"));
    s
}

fn init_stats(field: &str, prefix: &str) -> String {
    format!(
        "pct({field}, 50) as {prefix}_p50, pct({field}, 95) as {prefix}_p95, pct({field}, 99) as {prefix}_p99, max({field}) as {prefix}_max"
    )
}

/// The query over every REPORT line.
pub fn query_all() -> String {
    format!(
        "filter @type = \"REPORT\"\n\
         | {RESTORE}\n\
         | stats count(*) as invocations,\n\
         \x20   sum(strcontains(@message, \"Status: error\")) as errors,\n\
         \x20   sum(strcontains(@message, \"Status: timeout\")) as timeouts,\n\
         \x20   {},\n\
         \x20   {},\n\
         \x20   {},\n\
         \x20   sum(@billedDuration) as billed_ms,\n\
         \x20   sum(@billedDuration / 1000 * @memorySize / 1000000 / 1024) as gb_seconds,\n\
         \x20   latest(@memorySize) as memory_size,\n\
         \x20   pct(@maxMemoryUsed, 50) as m_p50, pct(@maxMemoryUsed, 99) as m_p99, max(@maxMemoryUsed) as m_max,\n\
         \x20   max(@maxMemoryUsed / @memorySize) as m_util,\n\
         \x20   min(@timestamp) as first_seen, max(@timestamp) as last_seen\n\
         \x20 by @log",
        duration_stats("d"),
        init_stats("@initDuration", "i"),
        init_stats("restoreMs", "r"),
    )
}

/// The query over warm (`cold = false`) or cold REPORT lines: a cold start has an init or a
/// restore duration.
pub fn query_split(cold: bool) -> String {
    let filter = if cold {
        "filter @type = \"REPORT\" and (ispresent(@initDuration) or @message like \"Restore Duration\")"
    } else {
        "filter @type = \"REPORT\" and not ispresent(@initDuration) and @message not like \"Restore Duration\""
    };
    format!(
        "{filter}\n| stats count(*) as invocations, {} by @log",
        duration_stats("d")
    )
}

/// One result row: field name → value as Logs Insights returns it (text).
pub type Row = BTreeMap<String, String>;

/// Runs `queries` over `groups` (in chunks of 50): every query is started first, so Logs
/// Insights runs them side by side, then they are polled in turn until all complete. Returns
/// the rows of each query, in the order given.
async fn run_queries(
    c: &Client,
    groups: &[String],
    start_ms: i64,
    end_ms: i64,
    queries: &[String],
    poll: Duration,
) -> Result<Vec<Vec<Row>>, AwsError> {
    let mut pending: Vec<(usize, String, String)> = Vec::new(); // (query index, id, groups)
    for (k, query) in queries.iter().enumerate() {
        for chunk in groups.chunks(GROUPS_PER_QUERY) {
            let id = super::query::start_query(c, chunk, start_ms, end_ms, query, 10_000).await?;
            pending.push((k, id, chunk.join(", ")));
        }
    }
    let mut rows: Vec<Vec<Row>> = vec![Vec::new(); queries.len()];
    let deadline = tokio::time::Instant::now() + QUERY_DEADLINE;
    while !pending.is_empty() {
        let mut still = Vec::new();
        for (k, id, chunk) in pending {
            let page = c
                .get_query_results()
                .query_id(&id)
                .send()
                .await
                .map_err(|e| classify(e, "logs:GetQueryResults", &id))?;
            match page.status() {
                Some(QueryStatus::Complete) => rows[k].extend(
                    super::query::page_rows(&page)
                        .into_iter()
                        .map(|r| r.into_iter().collect::<Row>()),
                ),
                Some(QueryStatus::Running | QueryStatus::Scheduled) | None => {
                    still.push((k, id, chunk))
                }
                Some(other) => {
                    return Err(AwsError::Partial {
                        failed: format!(
                            "Logs Insights query {id} ended {} over {chunk}",
                            other.as_str()
                        ),
                        fetched:
                            "no aggregates (run with --push-down never to pull the events instead)"
                                .into(),
                    })
                }
            }
        }
        pending = still;
        if pending.is_empty() {
            break;
        }
        if tokio::time::Instant::now() > deadline {
            return Err(AwsError::Partial {
                failed: format!(
                    "{} Logs Insights queries still running after 60 minutes",
                    pending.len()
                ),
                fetched: "no aggregates".into(),
            });
        }
        tokio::time::sleep(poll).await;
    }
    Ok(rows)
}

fn num(row: &Row, key: &str) -> Option<f64> {
    row.get(key)?
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
}

fn count(row: &Row, key: &str) -> u64 {
    num(row, key).map_or(0, |x| x.max(0.0).round() as u64)
}

fn dist(row: Option<&Row>) -> DurationStats {
    let g = |k: &str| row.and_then(|r| num(r, k));
    DurationStats {
        mean: g("d_mean"),
        p50: g("d_p50"),
        p90: g("d_p90"),
        p95: g("d_p95"),
        p99: g("d_p99"),
        max: g("d_max"),
    }
}

fn init(row: &Row, prefix: &str) -> InitStats {
    let g = |k: &str| num(row, &format!("{prefix}_{k}"));
    InitStats {
        p50: g("p50"),
        p95: g("p95"),
        p99: g("p99"),
        max: g("max"),
    }
}

/// `@timestamp` aggregates come back as `2025-09-01 00:00:00.000` (UTC).
fn time(row: &Row, key: &str) -> Option<i64> {
    crate::timeparse::parse_timestamp_ms(row.get(key)?)
}

/// Rows of the three queries → the report (functions by name, totals as a local report sums
/// them; no peak concurrency).
pub fn report_from_rows(all: &[Row], warm: &[Row], cold: &[Row]) -> Report {
    let by_group = |rows: &[Row]| -> BTreeMap<String, Row> {
        rows.iter()
            .filter_map(|r| Some((r.get("@log")?.clone(), r.clone())))
            .collect()
    };
    let (warm, cold) = (by_group(warm), by_group(cold));
    let mut functions: Vec<FunctionReport> = Vec::new();
    for row in all {
        let Some(group) = row.get("@log") else {
            continue;
        };
        let n = count(row, "invocations");
        if n == 0 {
            continue;
        }
        let (errors, timeouts) = (count(row, "errors"), count(row, "timeouts"));
        let cold_row = cold.get(group);
        let cold_starts = cold_row.map_or(0, |r| count(r, "invocations"));
        let mb = |k: &str| num(row, k).map(|b| b / 1_000_000.0);
        let (first, last) = (time(row, "first_seen"), time(row, "last_seen"));
        functions.push(FunctionReport {
            function: crate::ingest::collect::function_of_group(group).to_string(),
            invocations: n,
            timed_invocations: None,
            errors,
            timeouts,
            error_ratio: ratio(errors + timeouts, n),
            cold_starts,
            cold_start_ratio: ratio(cold_starts, n),
            duration_ms: dist(Some(row)),
            warm_duration_ms: dist(warm.get(group)),
            cold_duration_ms: dist(cold_row),
            init_duration_ms: init(row, "i"),
            restore_duration_ms: init(row, "r"),
            billed_duration_ms: num(row, "billed_ms").unwrap_or(0.0),
            gb_seconds: num(row, "gb_seconds").unwrap_or(0.0),
            memory_size_mb: mb("memory_size").map(|m| m.round() as u32),
            max_memory_used_mb: MemoryStats {
                p50: mb("m_p50"),
                p99: mb("m_p99"),
                max: mb("m_max"),
                // One query by function cannot say which size the largest ran at: when it is
                // more than the latest size it came from a larger one, and the largest
                // utilisation at the latest size bounds what ran there.
                at_size: match (mb("m_max"), mb("memory_size"), num(row, "m_util")) {
                    (Some(m), Some(s), Some(u)) if m > s => Some(u * s),
                    (m, _, _) => m,
                },
            },
            memory_utilization_max: num(row, "m_util"),
            first_seen: first.map(crate::timeparse::format_ms),
            last_seen: last.map(crate::timeparse::format_ms),
            peak_concurrency: None,
            // Set below, over the run's window.
            invocations_per_minute: None,
        });
    }
    functions.sort_by(|a, b| a.function.cmp(&b.function));
    let totals = totals_of(&functions, None);
    let mut report = Report { functions, totals };
    report.rates_over(report.seen_window(None, None));
    report
}

/// The report of `groups` aggregated by Logs Insights, and the groups that gave no REPORT rows
/// (to be pulled instead).
pub async fn push_down(
    c: &Client,
    groups: &[String],
    start_ms: i64,
    end_ms: i64,
    poll: Duration,
) -> Result<(Report, Vec<String>), AwsError> {
    let queries = [query_all(), query_split(false), query_split(true)];
    let mut rows = run_queries(c, groups, start_ms, end_ms, &queries, poll).await?;
    let cold = rows.pop().unwrap_or_default();
    let warm = rows.pop().unwrap_or_default();
    let all = rows.pop().unwrap_or_default();
    let answered: std::collections::BTreeSet<&str> = all
        .iter()
        .filter_map(|r| r.get("@log"))
        .map(|g| match g.find(":/") {
            Some(i) if g[..i].bytes().all(|b| b.is_ascii_digit()) => &g[i + 1..],
            _ => g.as_str(),
        })
        .collect();
    let silent = groups
        .iter()
        .filter(|g| !answered.contains(g.as_str()))
        .cloned()
        .collect();
    Ok((report_from_rows(&all, &warm, &cold), silent))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::replay::{json as reply, logs_client};
    use aws_smithy_http_client::test_util::{ReplayEvent, StaticReplayClient};
    use aws_smithy_types::body::SdkBody;

    fn row(pairs: &[(&str, &str)]) -> Row {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn queries_name_every_field_the_report_reads() {
        let all = query_all();
        for k in [
            "invocations",
            "errors",
            "timeouts",
            "d_mean",
            "d_p50",
            "d_p90",
            "d_p95",
            "d_p99",
            "d_max",
            "i_p50",
            "i_max",
            "r_p99",
            "billed_ms",
            "gb_seconds",
            "memory_size",
            "m_p50",
            "m_p99",
            "m_max",
            "m_util",
            "first_seen",
            "last_seen",
        ] {
            assert!(all.contains(&format!(" as {k}")), "{k} missing from\n{all}");
        }
        assert!(query_split(true).contains("ispresent(@initDuration) or"));
        assert!(query_split(false).contains("not ispresent(@initDuration)"));
    }

    #[test]
    fn rows_become_a_report_in_mb_and_ms() {
        let all = row(&[
            ("@log", "123456789012:/aws/lambda/orders-api"),
            ("invocations", "10"),
            ("errors", "1"),
            ("timeouts", "1"),
            ("d_mean", "50.5"),
            ("d_p99", "120"),
            ("d_max", "130.25"),
            ("i_p50", "300"),
            ("billed_ms", "600"),
            ("gb_seconds", "0.3"),
            ("memory_size", "512000000"),
            ("m_max", "128000000"),
            ("m_util", "0.25"),
            ("first_seen", "2025-09-01 00:00:00.000"),
            ("last_seen", "2025-09-01 00:10:00.000"),
        ]);
        let cold = row(&[
            ("@log", "123456789012:/aws/lambda/orders-api"),
            ("invocations", "2"),
            ("d_max", "130.25"),
        ]);
        let r = report_from_rows(&[all], &[], &[cold]);
        let f = &r.functions[0];
        assert_eq!(f.function, "orders-api");
        assert_eq!(
            (f.invocations, f.errors, f.timeouts, f.cold_starts),
            (10, 1, 1, 2)
        );
        assert_eq!(f.error_ratio, 0.2);
        assert_eq!(f.cold_start_ratio, 0.2);
        assert_eq!(f.memory_size_mb, Some(512));
        assert_eq!(f.max_memory_used_mb.max, Some(128.0));
        assert_eq!(f.cold_duration_ms.max, Some(130.25));
        assert_eq!(f.warm_duration_ms.max, None);
        assert_eq!(f.first_seen.as_deref(), Some("2025-09-01T00:00:00.000Z"));
        // Over the whole hour the invocations span, as a local report's rate.
        assert_eq!(f.invocations_per_minute, Some(10.0 / 60.0));
        assert_eq!(f.peak_concurrency, None);
        assert_eq!(r.totals.invocations, 10);
        assert_eq!(r.totals.gb_seconds, 0.3);
    }

    fn request(target: &str, body: serde_json::Value) -> http::Request<SdkBody> {
        http::Request::builder()
            .method("POST")
            .uri("https://logs.us-east-1.amazonaws.com/")
            .header("x-amz-target", format!("Logs_20140328.{target}"))
            .header("content-type", "application/x-amz-json-1.1")
            .body(SdkBody::from(body.to_string()))
            .unwrap()
    }

    fn fields(pairs: &[(&str, &str)]) -> serde_json::Value {
        serde_json::Value::Array(
            pairs
                .iter()
                .map(|(k, v)| serde_json::json!({"field": k, "value": v}))
                .collect(),
        )
    }

    /// The push-down against recorded StartQuery / GetQueryResults exchanges (the SDK's replay
    /// client): moto, the emulator of the live tests, runs only `fields`, `sort` and `limit`
    /// in Logs Insights queries (no `filter`, no `stats`), so this path cannot run there.
    #[test]
    fn push_down_runs_three_queries_and_polls_until_complete() {
        let groups = vec![
            "/aws/lambda/orders-api".to_string(),
            "/aws/lambda/json-fn".to_string(),
        ];
        let (start, end) = (1_756_684_800_000i64, 1_756_771_200_500i64);
        let start_body = |q: String| {
            serde_json::json!({
                "logGroupNames": groups,
                "startTime": start / 1000,
                "endTime": (end + 999) / 1000,
                "queryString": q,
                "limit": 10000,
            })
        };
        let log = "123456789012:/aws/lambda/orders-api";
        let all_row = fields(&[
            ("@log", log),
            ("invocations", "1000"),
            ("errors", "3"),
            ("timeouts", "2"),
            ("d_mean", "80.5"),
            ("d_p50", "70"),
            ("d_p90", "120"),
            ("d_p95", "150"),
            ("d_p99", "210.5"),
            ("d_max", "400"),
            ("i_p50", "350"),
            ("i_p95", "420"),
            ("i_p99", "480"),
            ("i_max", "500"),
            ("billed_ms", "81000"),
            ("gb_seconds", "40.5"),
            ("memory_size", "512000000"),
            ("m_p50", "90000000"),
            ("m_p99", "110000000"),
            ("m_max", "120000000"),
            ("m_util", "0.234375"),
            ("first_seen", "2025-09-01 00:00:01.000"),
            ("last_seen", "2025-09-01 23:59:59.000"),
        ]);
        let split_row = |n: &str, max: &str| {
            fields(&[
                ("@log", log),
                ("invocations", n),
                ("d_max", max),
                ("d_p99", max),
            ])
        };
        let results = [all_row, split_row("960", "300"), split_row("40", "400")];
        let queries = [query_all(), query_split(false), query_split(true)];
        let get = |i: usize| {
            request(
                "GetQueryResults",
                serde_json::json!({"queryId": format!("q{i}")}),
            )
        };
        let mut events = Vec::new();
        for (i, q) in queries.into_iter().enumerate() {
            events.push(ReplayEvent::new(
                request("StartQuery", start_body(q)),
                reply(serde_json::json!({"queryId": format!("q{i}")})),
            ));
        }
        for i in 0..3 {
            events.push(ReplayEvent::new(
                get(i),
                reply(serde_json::json!({"status": "Running", "results": []})),
            ));
        }
        for (i, result) in results.into_iter().enumerate() {
            events.push(ReplayEvent::new(
                get(i),
                reply(serde_json::json!({
                    "status": "Complete",
                    "results": [result],
                    "statistics": {"recordsMatched": 1000.0, "recordsScanned": 5000.0, "bytesScanned": 1.0e6},
                })),
            ));
        }
        let http = StaticReplayClient::new(events);
        let client = logs_client(&http);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let (report, silent) = rt
            .block_on(push_down(
                &client,
                &groups,
                start,
                end,
                Duration::from_millis(1),
            ))
            .unwrap();
        http.relaxed_requests_match();
        assert_eq!(silent, vec!["/aws/lambda/json-fn".to_string()]);
        let f = &report.functions[0];
        assert_eq!(f.function, "orders-api");
        assert_eq!(
            (f.invocations, f.cold_starts, f.errors, f.timeouts),
            (1000, 40, 3, 2)
        );
        assert_eq!(f.duration_ms.p99, Some(210.5));
        assert_eq!(f.warm_duration_ms.max, Some(300.0));
        assert_eq!(f.cold_duration_ms.p99, Some(400.0));
        assert_eq!(f.init_duration_ms.max, Some(500.0));
        assert_eq!(f.memory_size_mb, Some(512));
        assert_eq!(f.max_memory_used_mb.p99, Some(110.0));
        assert_eq!(f.gb_seconds, 40.5);
        assert_eq!(report.totals.cold_start_ratio, 0.04);
    }
}
