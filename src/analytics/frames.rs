//! Records → polars DataFrames, one per normalized table, with the exact column names users see
//! in exports.

use polars::prelude::*;
use polars_arrow::bitmap::Bitmap;

use std::sync::Arc;

use crate::model::{Invocation, LogRecord, MetricPoint, ReportColumns, Span};

/// Column names of the invocations table, in order.
pub const INVOCATION_COLUMNS: &[&str] = &[
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
];

fn col_str<T>(name: &str, rows: &[T], f: impl Fn(&T) -> &str) -> Column {
    Column::new(name.into(), rows.iter().map(f).collect::<Vec<&str>>())
}

fn col_opt_str<T>(name: &str, rows: &[T], f: impl Fn(&T) -> Option<&str>) -> Column {
    Column::new(
        name.into(),
        rows.iter().map(f).collect::<Vec<Option<&str>>>(),
    )
}

fn col_f64<T>(name: &str, rows: &[T], f: impl Fn(&T) -> f64) -> Column {
    Column::new(name.into(), rows.iter().map(f).collect::<Vec<f64>>())
}

fn col_opt_f64<T>(name: &str, rows: &[T], f: impl Fn(&T) -> Option<f64>) -> Column {
    Column::new(
        name.into(),
        rows.iter().map(f).collect::<Vec<Option<f64>>>(),
    )
}

fn col_opt_i64<T>(name: &str, rows: &[T], f: impl Fn(&T) -> Option<i64>) -> Column {
    Column::new(
        name.into(),
        rows.iter().map(f).collect::<Vec<Option<i64>>>(),
    )
}

fn col_bool<T>(name: &str, rows: &[T], f: impl Fn(&T) -> bool) -> Column {
    Column::new(name.into(), rows.iter().map(f).collect::<Vec<bool>>())
}

/// The invocations table. `source` is rendered `file:line`.
pub fn invocations_frame(rows: &[Invocation]) -> PolarsResult<DataFrame> {
    let sources: Vec<String> = rows.iter().map(|r| r.source.to_string()).collect();
    let mut cols = vec![
        col_str("function", rows, |r| &r.function),
        col_str("request_id", rows, |r| &r.request_id),
        col_opt_i64("timestamp", rows, |r| r.timestamp),
    ];
    cols.extend(usage_columns(rows));
    cols.extend([
        col_opt_f64("billed_restore_duration_ms", rows, |r| {
            r.billed_restore_duration_ms
        }),
        col_bool("cold_start", rows, |r| r.cold_start),
        col_str("status", rows, |r| r.status.as_str()),
        col_opt_str("error_type", rows, |r| r.error_type.as_deref()),
        col_opt_str("trace_id", rows, |r| r.trace_id.as_deref()),
        Column::new("source".into(), sources),
    ]);
    DataFrame::new(rows.len(), cols)
}

/// Duration, billing and memory columns: shared by the full table and the report's frame.
fn usage_columns(rows: &[Invocation]) -> [Column; 6] {
    [
        col_f64("duration_ms", rows, |r| r.duration_ms),
        col_f64("billed_duration_ms", rows, |r| r.billed_duration_ms),
        Column::new(
            "memory_size_mb".into(),
            rows.iter()
                .map(|r| i64::from(r.memory_size_mb))
                .collect::<Vec<i64>>(),
        ),
        col_opt_i64("max_memory_used_mb", rows, |r| {
            r.max_memory_used_mb.map(i64::from)
        }),
        col_opt_f64("init_duration_ms", rows, |r| r.init_duration_ms),
        col_opt_f64("restore_duration_ms", rows, |r| r.restore_duration_ms),
    ]
}

/// A validity bitmap for a column, or none when every value is valid (polars' cheaper case).
pub(super) fn with_nulls(valid: Bitmap) -> Option<Bitmap> {
    (valid.unset_bits() > 0).then_some(valid)
}

/// The columns `report` aggregates, from the compact columns: `function` is the index into the
/// returned names and `status` a [`crate::model::columns::status_code`]. No request ids, trace ids
/// or sources (a string per row for nothing).
pub fn report_frame(cols: ReportColumns) -> PolarsResult<(DataFrame, Vec<Arc<str>>)> {
    use crate::model::columns::{NO_MEMORY, NO_TIMESTAMP};
    let p = cols.into_raw_parts();
    let n = p.function.len();
    // The stored sentinels become nulls through a validity bitmap beside the values (the
    // values themselves move into the frame uncopied); no bitmap when nothing is missing.
    fn validity<T>(v: &[T], valid: impl Fn(&T) -> bool) -> Option<Bitmap> {
        with_nulls(v.iter().map(valid).collect())
    }
    let ts_valid = validity(&p.timestamp, |&t| t != NO_TIMESTAMP);
    let ts = Int64Chunked::from_vec_validity("timestamp".into(), p.timestamp, ts_valid);
    let mem_valid = validity(&p.max_memory_used_mb, |&m| m != NO_MEMORY);
    let mem = UInt32Chunked::from_vec_validity(
        "max_memory_used_mb".into(),
        p.max_memory_used_mb,
        mem_valid,
    );
    let nan_null = |name: &str, v: Vec<f64>| -> PolarsResult<Column> {
        let valid = validity(&v, |x| !x.is_nan());
        Ok(Float64Chunked::from_vec_validity(name.into(), v, valid).into_column())
    };
    let columns = vec![
        UInt32Chunked::from_vec("function".into(), p.function).into_column(),
        ts.into_column(),
        Float64Chunked::from_vec("duration_ms".into(), p.duration_ms).into_column(),
        Float64Chunked::from_vec("billed_duration_ms".into(), p.billed_duration_ms).into_column(),
        UInt32Chunked::from_vec("memory_size_mb".into(), p.memory_size_mb).into_column(),
        mem.into_column(),
        nan_null("init_duration_ms", p.init_duration_ms)?,
        nan_null("restore_duration_ms", p.restore_duration_ms)?,
        Column::new("cold_start".into(), p.cold_start),
        // u8 is not a dtype of this polars build (feature `dtype-u8` off to keep it lean).
        UInt32Chunked::from_vec(
            "status".into(),
            p.status.into_iter().map(u32::from).collect(),
        )
        .into_column(),
    ];
    Ok((DataFrame::new(n, columns)?, p.names))
}

pub fn logs_frame(rows: &[LogRecord]) -> PolarsResult<DataFrame> {
    let sources: Vec<String> = rows.iter().map(|r| r.source.to_string()).collect();
    let kinds: Vec<&str> = rows
        .iter()
        .map(|r| match r.kind {
            crate::model::LogKind::Platform => "platform",
            crate::model::LogKind::Application => "application",
        })
        .collect();
    DataFrame::new(
        rows.len(),
        vec![
            col_str("function", rows, |r| &r.function),
            col_opt_i64("timestamp", rows, |r| r.timestamp),
            Column::new("kind".into(), kinds),
            col_opt_str("event_type", rows, |r| r.event_type.as_deref()),
            col_opt_str("level", rows, |r| r.level.as_deref()),
            col_opt_str("request_id", rows, |r| r.request_id.as_deref()),
            col_opt_str("trace_id", rows, |r| r.trace_id.as_deref()),
            Column::new(
                "cold_start".into(),
                rows.iter()
                    .map(|r| r.cold_start)
                    .collect::<Vec<Option<bool>>>(),
            ),
            col_str("message", rows, |r| &r.message),
            col_opt_str("json", rows, |r| r.json.as_deref()),
            col_opt_str("log_stream", rows, |r| r.log_stream.as_deref()),
            Column::new("source".into(), sources),
        ],
    )
}

pub fn spans_frame(rows: &[Span]) -> PolarsResult<DataFrame> {
    let sources: Vec<String> = rows.iter().map(|r| r.source.to_string()).collect();
    let kinds: Vec<String> = rows
        .iter()
        .map(|r| {
            serde_json::to_value(r.span_kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        })
        .collect();
    DataFrame::new(
        rows.len(),
        vec![
            col_str("trace_id", rows, |r| &r.trace_id),
            col_str("span_id", rows, |r| &r.span_id),
            col_opt_str("parent_id", rows, |r| r.parent_id.as_deref()),
            col_str("name", rows, |r| &r.name),
            col_str("function", rows, |r| &r.function),
            col_opt_str("origin", rows, |r| r.origin.as_deref()),
            Column::new("span_kind".into(), kinds),
            col_bool("inferred", rows, |r| r.inferred),
            col_opt_str("namespace", rows, |r| r.namespace.as_deref()),
            col_f64("start_ms", rows, |r| r.start_ms),
            col_opt_f64("end_ms", rows, |r| r.end_ms),
            col_opt_f64("duration_ms", rows, |r| r.duration_ms),
            col_bool("in_progress", rows, |r| r.in_progress),
            col_bool("error", rows, |r| r.error),
            col_bool("fault", rows, |r| r.fault),
            col_bool("throttle", rows, |r| r.throttle),
            col_opt_i64("http_status", rows, |r| r.http_status.map(i64::from)),
            col_opt_str("operation", rows, |r| r.operation.as_deref()),
            col_opt_str("remote_service", rows, |r| r.remote_service.as_deref()),
            col_opt_str("request_id", rows, |r| r.request_id.as_deref()),
            Column::new(
                "depth".into(),
                rows.iter()
                    .map(|r| i64::from(r.depth))
                    .collect::<Vec<i64>>(),
            ),
            Column::new("source".into(), sources),
        ],
    )
}

pub fn metrics_frame(rows: &[MetricPoint]) -> PolarsResult<DataFrame> {
    let sources: Vec<String> = rows.iter().map(|r| r.source.to_string()).collect();
    DataFrame::new(
        rows.len(),
        vec![
            Column::new(
                "timestamp".into(),
                rows.iter().map(|r| r.timestamp).collect::<Vec<i64>>(),
            ),
            col_str("function", rows, |r| &r.function),
            col_str("metric", rows, |r| &r.metric),
            col_opt_str("statistic", rows, |r| r.statistic.as_deref()),
            col_f64("value", rows, |r| r.value),
            col_opt_str("unit", rows, |r| r.unit.as_deref()),
            Column::new("source".into(), sources),
        ],
    )
}
