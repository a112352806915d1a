//! Runs a Logs Insights query ([`crate::query`]) over local data by translating it into one
//! polars lazy plan: no row-by-row interpreter.
//!
//! The records are the invocations (as `REPORT` events) and the log records, with the fields
//! Logs Insights discovers for Lambda log groups (`@timestamp`, `@message`, `@logStream`, `@log`,
//! `@type`, `@requestId`, `@duration`, `@billedDuration`, `@memorySize` and `@maxMemoryUsed` in
//! bytes, `@initDuration`, `@xrayTraceId`, `@xraySegmentId`), plus `function` (faascope's own: the function name),
//! the JSON fields of structured log records by dotted path, and, on every invocation, the
//! JSON log format's `type = "platform.report"` and `record.*` fields, so a query written for
//! either log format runs over both. Only the fields a query reads are built.
//!
//! An invocation's `@message` is its REPORT event as the input held it (a text line, a
//! `platform.report` event's JSON; see [`crate::model::ReportTexts`]), and what is read off
//! message text (`parse`, `like`, `@xraySegmentId`) is read off that, not off the parsed row.

use std::collections::{HashMap, HashSet};

use polars::prelude::*;
use polars_arrow::bitmap::MutableBitmap;
use rayon::prelude::*;

use super::frames::with_nulls;
use crate::model::{text_type_of, Invocation, LogKind, LogRecord, ReportColumns, Tables};
use crate::query::{
    BinOp, CommandKind, Expr as QExpr, ExprKind, ParsePattern, Period, PeriodUnit, Query,
    QueryResult, Value,
};

#[derive(Debug, thiserror::Error)]
pub enum QueryRunError {
    /// A query that parsed but cannot run (e.g. a calendar `bin`): where and why.
    #[error("{message}")]
    Plan {
        pos: usize,
        message: String,
        hint: Option<String>,
    },
    #[error("query failed: {0}")]
    Polars(#[from] PolarsError),
}

impl QueryRunError {
    fn plan(pos: usize, message: impl Into<String>, hint: Option<&str>) -> Self {
        QueryRunError::Plan {
            pos,
            message: message.into(),
            hint: hint.map(str::to_string),
        }
    }

    /// As a [`crate::query::QueryError`], to render with a caret under the column.
    pub fn as_query_error(&self) -> Option<crate::query::QueryError> {
        match self {
            QueryRunError::Plan { pos, message, hint } => Some(crate::query::QueryError {
                pos: *pos,
                message: message.clone(),
                hint: hint.clone(),
            }),
            QueryRunError::Polars(_) => None,
        }
    }
}

type Result<T> = std::result::Result<T, QueryRunError>;

/// The static type of a column, which decides coercions (Logs Insights is loosely typed: a
/// field parsed out of a message compares as a number against a number).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    Num,
    Str,
    /// Int64 milliseconds since the epoch.
    Time,
    Bool,
}

/// Fields discovered on Lambda log groups, with their types.
const DISCOVERED: &[(&str, Ty)] = &[
    ("@timestamp", Ty::Time),
    ("@message", Ty::Str),
    ("@logStream", Ty::Str),
    ("@log", Ty::Str),
    ("@type", Ty::Str),
    ("@requestId", Ty::Str),
    ("@duration", Ty::Num),
    ("@billedDuration", Ty::Num),
    ("@memorySize", Ty::Num),
    ("@maxMemoryUsed", Ty::Num),
    ("@initDuration", Ty::Num),
    ("@xrayTraceId", Ty::Str),
    ("@xraySegmentId", Ty::Str),
    ("function", Ty::Str),
];

fn mb_to_bytes(mb: f64) -> f64 {
    mb * 1_000_000.0
}

/// `@type` of a log record: the platform line's kind (`START`, `END`, `INIT_START`, ...), the
/// same word for a JSON-format `platform.*` event ([`text_type_of`]; its `type` field keeps
/// its own name); none for application lines.
fn log_type(r: &LogRecord) -> Option<&str> {
    match (r.kind, r.event_type.as_deref()) {
        (LogKind::Platform, Some(t)) if t.starts_with("platform.") => text_type_of(t),
        (LogKind::Platform, t) => t,
        (LogKind::Application, _) => None,
    }
}

/// The X-Ray segment id of a REPORT event's text (`…\tXRAY TraceId: …\tSegmentId: 3e5a…`),
/// or of an `XRAY TraceId` line.
fn xray_segment_id(text: &str) -> Option<&str> {
    let (_, rest) = text.split_once("XRAY TraceId:")?;
    let (_, rest) = rest.split_once("SegmentId:")?;
    rest.split_whitespace().next().filter(|id| !id.is_empty())
}

/// The JSON object in a log message: the whole message, or from its first `{` (a text-format
/// line `time\trequest\tLEVEL\t{...}`).
fn message_json(msg: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    let t = msg.trim();
    let start = t.find('{')?;
    if !t.ends_with('}') {
        return None;
    }
    match serde_json::from_str::<serde_json::Value>(&t[start..]) {
        Ok(serde_json::Value::Object(m)) => Some(m),
        _ => None,
    }
}

fn json_path<'v>(
    obj: &'v serde_json::Map<String, serde_json::Value>,
    path: &str,
) -> Option<&'v serde_json::Value> {
    // A key with dots in it wins over a nested path.
    if let Some(v) = obj.get(path) {
        return Some(v);
    }
    let (head, rest) = path.split_once('.')?;
    json_value_path(obj.get(head)?, rest)
}

/// The rest of a dotted path inside a JSON value: object keys, and list elements by index
/// (`items.0.id`), as Logs Insights flattens lists.
fn json_value_path<'v>(v: &'v serde_json::Value, path: &str) -> Option<&'v serde_json::Value> {
    match v {
        serde_json::Value::Object(inner) => json_path(inner, path),
        serde_json::Value::Array(items) => {
            let (head, rest) = match path.split_once('.') {
                Some((h, r)) => (h, Some(r)),
                None => (path, None),
            };
            let item = items.get(head.parse::<usize>().ok()?)?;
            match rest {
                Some(r) => json_value_path(item, r),
                None => Some(item),
            }
        }
        _ => None,
    }
}

/// One column of JSON values: booleans or numbers when every present value is one, text
/// otherwise.
/// A text literal compared with a time: the time it writes (epoch ms), or an error at `pos`.
fn time_literal(text: &str, pos: usize) -> Result<i64> {
    crate::timeparse::parse_timestamp_ms(text).ok_or_else(|| {
        QueryRunError::plan(
            pos,
            format!("\"{text}\" is not a time to compare a time with"),
            Some("write it as 2025-09-02, 2025-09-02T10:00:00Z or 2025-09-02 10:00:00.000 (UTC), or compare epoch milliseconds"),
        )
    })
}

/// A JSON value that is a number, or text that reads as one.
fn reads_as_number(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Number(_) => true,
        serde_json::Value::String(s) => s.trim().parse::<f64>().is_ok_and(f64::is_finite),
        _ => false,
    }
}

fn json_column(name: &str, values: Vec<Option<serde_json::Value>>) -> (Column, Ty) {
    let all_num = values
        .iter()
        .flatten()
        .all(|v| matches!(v, serde_json::Value::Number(_) | serde_json::Value::Null));
    let all_bool = values.iter().flatten().any(serde_json::Value::is_boolean)
        && values
            .iter()
            .flatten()
            .all(|v| matches!(v, serde_json::Value::Bool(_) | serde_json::Value::Null));
    if all_bool {
        // `filter ok` on `"ok": false` is false (as text, "false" would be truthy).
        let v: Vec<Option<bool>> = values
            .iter()
            .map(|v| v.as_ref().and_then(serde_json::Value::as_bool))
            .collect();
        return (Column::new(name.into(), v), Ty::Bool);
    }
    if all_num {
        let v: Vec<Option<f64>> = values
            .iter()
            .map(|v| v.as_ref().and_then(serde_json::Value::as_f64))
            .collect();
        (Column::new(name.into(), v), Ty::Num)
    } else {
        // A number among texts is written as Logs Insights shows numbers (`5.0` and `5` both
        // `5`, `1e3` `1000`), so that it equals, groups and counts as the same number does in
        // a key that holds numbers only (eighth-round query review: one "n/a" anywhere in the
        // input, another function's included, made 5 and 5.0 two values, and `d = "5"` miss
        // 5.0). Integers keep every digit.
        let v: Vec<Option<String>> = values
            .into_iter()
            .map(|v| match v {
                None | Some(serde_json::Value::Null) => None,
                Some(serde_json::Value::String(s)) => Some(s),
                Some(serde_json::Value::Number(n)) => Some(match (n.as_i64(), n.as_u64()) {
                    (Some(i), _) => i.to_string(),
                    (_, Some(u)) => u.to_string(),
                    _ => n
                        .as_f64()
                        .map_or_else(|| n.to_string(), crate::query::num_text),
                }),
                Some(other) => Some(other.to_string()),
            })
            .collect();
        (Column::new(name.into(), v), Ty::Str)
    }
}

/// A nullable numeric column of `n` rows built in one pass into its values and validity: these
/// columns have a row per record (millions over a large export), and a `Vec<Option<_>>` first
/// would be a second pass and a second copy.
fn nullable<T: PolarsNumericType>(
    name: &str,
    n: usize,
    rows: impl Iterator<Item = Option<T::Native>>,
) -> Column {
    let mut values = Vec::with_capacity(n);
    let mut valid = MutableBitmap::with_capacity(n);
    rows.for_each(|x| {
        valid.push(x.is_some());
        values.push(x.unwrap_or_default());
    });
    ChunkedArray::<T>::from_vec_validity(name.into(), values, with_nulls(valid.into()))
        .into_column()
}

/// A text column taking few distinct values (function names, log groups, `@type`s), built
/// row by row: each row is an index into the distinct values, gathered at the end, instead of
/// a copy of its text per row.
struct Dict<'a> {
    values: Vec<&'a str>,
    ids: foldhash::HashMap<&'a str, IdxSize>,
    index: Vec<IdxSize>,
    valid: MutableBitmap,
}

impl<'a> Dict<'a> {
    fn with_capacity(n: usize) -> Self {
        Dict {
            values: Vec::new(),
            ids: foldhash::HashMap::default(),
            index: Vec::with_capacity(n),
            valid: MutableBitmap::with_capacity(n),
        }
    }

    /// The index of `text` among the distinct values (added if new).
    fn id(&mut self, text: &'a str) -> IdxSize {
        *self.ids.entry(text).or_insert_with(|| {
            self.values.push(text);
            (self.values.len() - 1) as IdxSize
        })
    }

    /// A row of the value with index `id`.
    fn push_id(&mut self, id: IdxSize) {
        self.index.push(id);
        self.valid.push(true);
    }

    fn push(&mut self, v: Option<&'a str>) {
        match v {
            Some(text) => {
                let id = self.id(text);
                self.push_id(id);
            }
            None => {
                self.index.push(0);
                self.valid.push(false);
            }
        }
    }

    /// `@log` of function names and custom groups (`groups`): a custom group as it is, a
    /// function's Lambda group.
    fn into_log_column(
        self,
        name: &str,
        groups: &std::collections::HashSet<&str>,
    ) -> PolarsResult<Column> {
        let group = |d: &str| match groups.contains(d) {
            true => d.to_string(),
            false => Self::prefixed(d, "/aws/lambda/"),
        };
        self.into_column_with(name, group)
    }

    /// The column, each value with `prefix` in front.
    fn into_column(self, name: &str, prefix: &str) -> PolarsResult<Column> {
        self.into_column_with(name, |d| Self::prefixed(d, prefix))
    }

    /// A name that is a log group already (a custom group, `/shared/app-logs`: Lambda names
    /// hold no `/`) takes no prefix.
    fn prefixed(d: &str, prefix: &str) -> String {
        match d.starts_with('/') {
            true => d.to_string(),
            false => format!("{prefix}{d}"),
        }
    }

    fn into_column_with(self, name: &str, text: impl Fn(&str) -> String) -> PolarsResult<Column> {
        let values: Vec<String> = if self.values.is_empty() {
            vec![String::new()]
        } else {
            self.values.iter().map(|d| text(d)).collect()
        };
        let values =
            StringChunked::from_iter_values(name.into(), values.iter().map(String::as_str));
        let index =
            IdxCa::from_vec_validity("index".into(), self.index, with_nulls(self.valid.into()));
        Ok(values.take(&index)?.into_column())
    }
}

/// `@log` of a row of function `f` and log stream `stream`: the custom group of a stream that
/// named its function there, else the function (its Lambda group).
fn log_of_row<'x>(t: &'x Tables, f: &'x str, stream: Option<&'x str>) -> &'x str {
    stream
        .and_then(|s| t.stream_groups.get(s))
        .map_or(f, String::as_str)
}

/// Builds the input frame with the columns the query reads (and `@timestamp`).
/// Invocations come from `cols` (compact columns, when ingested so) and then from
/// `tables.invocations`; compact columns carry no text, so a query reading `@message`,
/// `@requestId`, the X-Ray ids or JSON fields needs full rows (see [`reads_log_text`]).
/// The REPORT events' text of the rows is in `tables.report_texts`; a row
/// read without one (a Logs Insights result row of REPORT fields) gets a REPORT line rebuilt
/// from its values ([`Invocation::report_line`]).
///
/// With `buckets` (see [`thin_buckets`]), thin log records are counted in buckets of that
/// length and the frame has a [`WEIGHT`] column.
fn input_frame(
    tables: &Tables,
    cols: &ReportColumns,
    needed: &[String],
    warnings: &mut Vec<String>,
    buckets: Option<Option<i64>>,
    numeric_text: &mut std::collections::HashSet<String>,
    read_order: bool,
) -> Result<(DataFrame, HashMap<String, Ty>)> {
    let inv = &tables.invocations;
    let logs = &tables.logs;
    // Thin log records (see `IngestOptions::thin_logs`) follow the full ones.
    let bucketed = match buckets {
        Some(grain) if !tables.thin_logs.is_empty() => Some(tables.thin_logs.bucketed(grain)),
        _ => None,
    };
    let thin = bucketed.as_ref().map_or(&tables.thin_logs, |(b, _)| b);
    let c = cols;
    let cn = c.len();
    let texts = &tables.report_texts;
    let n = cn + inv.len() + logs.len() + thin.len();
    let mut cols: Vec<Column> = Vec::new();
    if let Some((_, weights)) = &bucketed {
        let w: Vec<i64> = std::iter::repeat_n(1, n - thin.len())
            .chain(
                weights
                    .iter()
                    .map(|&k| i64::try_from(k).unwrap_or(i64::MAX)),
            )
            .collect();
        cols.push(Column::new(WEIGHT.into(), w));
    }
    let mut types: HashMap<String, Ty> = HashMap::new();
    let mut wanted: Vec<&str> = vec!["@timestamp"];
    wanted.extend(
        needed
            .iter()
            .map(String::as_str)
            .filter(|f| *f != "@timestamp"),
    );
    let mut json_fields: Vec<&str> = Vec::new();
    if cn > 0 {
        if let Some(f) = wanted
            .iter()
            .find(|f| TEXT_FIELDS.contains(f) || !DISCOVERED.iter().any(|(d, _)| d == *f))
        {
            return Err(QueryRunError::plan(
                0,
                format!("invocations ingested as compact columns carry no `{f}`"),
                Some("ingest full rows for a query that reads log text"),
            ));
        }
    }
    let mut discovered: Vec<&str> = Vec::new();
    for name in wanted {
        if types.contains_key(name) {
            continue;
        }
        match DISCOVERED.iter().find(|(d, _)| *d == name) {
            Some(&(_, ty)) => {
                discovered.push(name);
                types.insert(name.to_string(), ty);
            }
            None => json_fields.push(name),
        }
    }
    // Each discovered column is a pass over every record: they are built in parallel.
    let build = |name: &str| -> PolarsResult<Column> {
        Ok(match name {
            "@timestamp" => nullable::<Int64Type>(
                name,
                n,
                (0..cn)
                    .map(|i| c.timestamp(i))
                    .chain(inv.iter().map(|r| r.timestamp))
                    .chain(logs.iter().map(|r| r.timestamp))
                    .chain((0..thin.len()).map(|i| thin.timestamp(i))),
            ),
            "@message" => Column::new(
                name.into(),
                inv.iter()
                    .map(|r| match texts.of(r) {
                        Some(t) => t.to_string(),
                        None => r.report_line(),
                    })
                    .chain(logs.iter().map(|r| {
                        r.json
                            .as_deref()
                            .unwrap_or(&r.message)
                            .trim_end_matches(['\n', '\r'])
                            .to_string()
                    }))
                    .chain((0..thin.len()).map(|_| String::new()))
                    .collect::<Vec<String>>(),
            ),
            "@logStream" => Column::new(
                name.into(),
                inv.iter()
                    .map(|r| r.log_stream.as_deref())
                    .chain(logs.iter().map(|r| r.log_stream.as_deref()))
                    .chain((0..thin.len()).map(|_| None))
                    .collect::<Vec<Option<&str>>>(),
            ),
            "@log" | "function" => {
                // `@log`: a row's custom log group, its stream's when the stream named its
                // function there (verification of 0f25df1: taken per function, a function
                // moved to a custom group had its old `/aws/lambda/` rows shown under the new
                // group); other rows, the function's Lambda group. (The query reads full rows
                // for `@log`: compact columns and thin records keep no stream.)
                let log = name == "@log";
                let of_row = |f, stream| match log {
                    true => log_of_row(tables, f, stream),
                    false => f,
                };
                // Compact columns and thin records store names as ids: each id is looked up
                // once, not its text hashed for every row.
                let mut d = Dict::with_capacity(n);
                let from_cols: Vec<IdxSize> = c.names().iter().map(|f| d.id(f)).collect();
                let from_thin: Vec<IdxSize> = thin.names().iter().map(|f| d.id(f)).collect();
                (0..cn).for_each(|i| d.push_id(from_cols[c.function_id(i) as usize]));
                inv.iter()
                    .for_each(|r| d.push(Some(of_row(&r.function, r.log_stream.as_deref()))));
                logs.iter()
                    .for_each(|r| d.push(Some(of_row(&r.function, r.log_stream.as_deref()))));
                (0..thin.len()).for_each(|i| d.push_id(from_thin[thin.function_id(i) as usize]));
                if log {
                    let groups: std::collections::HashSet<&str> =
                        tables.stream_groups.values().map(String::as_str).collect();
                    d.into_log_column(name, &groups)?
                } else {
                    d.into_column(name, "")?
                }
            }
            "@type" => {
                let mut d = Dict::with_capacity(n);
                (0..cn + inv.len()).for_each(|_| d.push(Some("REPORT")));
                logs.iter().for_each(|r| d.push(log_type(r)));
                (0..thin.len()).for_each(|i| d.push(thin.log_type(i)));
                d.into_column(name, "")?
            }
            "@requestId" => Column::new(
                name.into(),
                inv.iter()
                    .map(|r| Some(r.request_id.as_str()))
                    .chain(logs.iter().map(|r| r.request_id.as_deref()))
                    .chain((0..thin.len()).map(|_| None))
                    .collect::<Vec<Option<&str>>>(),
            ),
            "@xraySegmentId" => Column::new(
                name.into(),
                inv.iter()
                    .map(|r| texts.of(r).and_then(xray_segment_id))
                    .chain(logs.iter().map(|r| {
                        (r.event_type.as_deref() == Some("XRAY"))
                            .then(|| xray_segment_id(&r.message))
                            .flatten()
                    }))
                    .chain((0..thin.len()).map(|_| None))
                    .collect::<Vec<Option<&str>>>(),
            ),
            // As Logs Insights discovers it: from the REPORT event (whose `XRAY` part a text
            // file may hold on a line of its own), not on the request's other lines, which
            // carry its trace id only by the join.
            "@xrayTraceId" => Column::new(
                name.into(),
                inv.iter()
                    .map(|r| r.trace_id.as_deref())
                    .chain(logs.iter().map(|r| {
                        (r.event_type.as_deref() == Some("XRAY"))
                            .then_some(r.trace_id.as_deref())
                            .flatten()
                    }))
                    .chain((0..thin.len()).map(|_| None))
                    .collect::<Vec<Option<&str>>>(),
            ),
            _ => {
                let f: fn(&Invocation) -> Option<f64> = match name {
                    "@duration" => |r| Some(r.duration_ms),
                    "@billedDuration" => |r| Some(r.billed_duration_ms),
                    "@memorySize" => |r| Some(mb_to_bytes(f64::from(r.memory_size_mb))),
                    "@maxMemoryUsed" => |r| r.max_memory_used_mb.map(|m| mb_to_bytes(f64::from(m))),
                    _ => |r| r.init_duration_ms,
                };
                let g: fn(&ReportColumns, usize) -> Option<f64> = match name {
                    "@duration" => |c, i| Some(c.duration_ms(i)),
                    "@billedDuration" => |c, i| Some(c.billed_duration_ms(i)),
                    "@memorySize" => |c, i| Some(mb_to_bytes(f64::from(c.memory_size_mb(i)))),
                    "@maxMemoryUsed" => {
                        |c, i| c.max_memory_used_mb(i).map(|m| mb_to_bytes(f64::from(m)))
                    }
                    _ => |c, i| c.init_duration_ms(i),
                };
                nullable::<Float64Type>(
                    name,
                    n,
                    (0..cn)
                        .map(|i| g(c, i))
                        .chain(inv.iter().map(f))
                        .chain(logs.iter().map(|_| None))
                        .chain((0..thin.len()).map(|_| None)),
                )
            }
        })
    };
    cols.extend(
        discovered
            .par_iter()
            .map(|name| build(name))
            .collect::<PolarsResult<Vec<Column>>>()?,
    );
    if !json_fields.is_empty() {
        // One pass over the log messages, parsing each JSON message once.
        let mut values: Vec<Vec<Option<serde_json::Value>>> =
            vec![Vec::with_capacity(n); json_fields.len()];
        for r in inv {
            // A `platform.report` event's fields are its JSON's; a text REPORT's are made from
            // it (and from the row where there is no text), so a query for either format runs
            // over both.
            let text = texts.of(r);
            let obj = text.filter(|t| t.starts_with('{')).and_then(message_json);
            for (k, f) in json_fields.iter().enumerate() {
                values[k].push(match &obj {
                    Some(o) => json_path(o, f).cloned(),
                    None => platform_report_field(r, f),
                });
            }
        }
        for r in logs {
            let obj = message_json(r.json.as_deref().unwrap_or(&r.message));
            for (k, f) in json_fields.iter().enumerate() {
                let v = obj.as_ref().and_then(|o| json_path(o, f)).cloned();
                // `level` also reads the level faascope found in a text line
                // (`<ts>\t<id>\tERROR\t…`, `[ERROR]`), where Logs Insights would need `parse`.
                let v = match (v, *f, &r.level) {
                    (None, "level", Some(l)) => Some(serde_json::Value::String(l.clone())),
                    (v, _, _) => v,
                };
                values[k].push(v);
            }
        }
        for v in values.iter_mut() {
            v.resize(n, None);
        }
        for (f, v) in json_fields.iter().zip(values) {
            if v.iter().all(Option::is_none) {
                warnings.push(format!(
                    "no record has a field `{f}`: it is empty everywhere (fields: {}, and the JSON fields of structured logs by dotted path)",
                    DISCOVERED
                        .iter()
                        .map(|(d, _)| *d)
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            // A field logged as text somewhere whose values read as numbers elsewhere (`"n/a"`
            // beside numbers, or numbers logged as strings): its min and max are of the numbers,
            // as its sum, avg, pct and sort are (sixth-round query review: `max` compared every
            // value as text, 99 over 1000, and one function's `"n/a"` changed another's max).
            if v.iter().flatten().any(reads_as_number) {
                numeric_text.insert(f.to_string());
            }
            let (col, ty) = json_column(f, v);
            cols.push(col);
            types.insert(f.to_string(), ty);
        }
    }
    // Only over whole records: compact columns and thin log records know no file and line
    // (verification of e664eca: their ties came out in no order, and slower).
    if read_order && cn == 0 && thin.is_empty() {
        cols.push(read_order_column(inv, logs));
    }
    Ok((DataFrame::new(n, cols)?, types))
}

/// Each record's place in the order `logs` prints them ([`crate::model::order`]), the frame's
/// rows being invocations then log records: what
/// breaks ties of one @timestamp (tenth-round dashboard review: `sort @timestamp asc` showed an
/// invocation's REPORT before its END, a newest-first file's lines of one millisecond reversed).
fn read_order_column(inv: &[Invocation], logs: &[LogRecord]) -> Column {
    use crate::model::order::{read_order, Place};
    let places: Vec<Place<'_>> = inv
        .iter()
        .map(|r| Place {
            timestamp: r.timestamp,
            file: &r.source.file,
            line: r.source.line,
            report: true,
            continues: false,
            request_id: Some(&r.request_id),
            end: false,
            start: false,
        })
        .chain(logs.iter().map(|r| Place {
            timestamp: r.timestamp,
            file: &r.source.file,
            line: r.source.line,
            report: false,
            continues: r.continues,
            request_id: r.request_id.as_deref(),
            // As `@type` names them: the JSON log format's platform.runtimeDone is an END.
            end: log_type(r) == Some("END"),
            start: log_type(r) == Some("START"),
        }))
        .collect();
    let mut rank = vec![0u32; places.len()];
    for (k, i) in read_order(&places).into_iter().enumerate() {
        rank[i] = u32::try_from(k).unwrap_or(u32::MAX);
    }
    Column::new(READ_ORDER.into(), rank)
}

/// The JSON log format's field `field` of a `platform.report` event for invocation `r`. Its
/// status and error type are the invocation's, as `faascope report` counts it: for a text
/// REPORT, its `Status:` and `Error Type:`, else what `Task timed out` and the runtime's error
/// lines said (a REPORT without `Status:` read `success` for a request that failed, and
/// `record.status != "success"` missed it).
fn platform_report_field(r: &Invocation, field: &str) -> Option<serde_json::Value> {
    use serde_json::Value as J;
    let num = |v: f64| serde_json::Number::from_f64(v).map(J::Number);
    match field {
        "type" => Some(J::String("platform.report".into())),
        "record.requestId" => Some(J::String(r.request_id.clone())),
        "record.status" => Some(J::String(r.status.as_str().into())),
        "record.errorType" => r.error_type.clone().map(J::String),
        "record.metrics.durationMs" => num(r.duration_ms),
        "record.metrics.billedDurationMs" => num(r.billed_duration_ms),
        "record.metrics.memorySizeMB" => Some(J::from(r.memory_size_mb)),
        "record.metrics.maxMemoryUsedMB" => r.max_memory_used_mb.map(J::from),
        "record.metrics.initDurationMs" => r.init_duration_ms.and_then(num),
        "record.metrics.restoreDurationMs" => r.restore_duration_ms.and_then(num),
        _ => None,
    }
}

/// Does the query read any log record's text (message, stream, request or trace id, JSON
/// fields)? When not, ingestion can keep thin log records (`IngestOptions::thin_logs`).
pub fn reads_log_text(q: &Query) -> bool {
    needed_inputs(q)
        .iter()
        .any(|f| TEXT_FIELDS.contains(&f.as_str()) || !DISCOVERED.iter().any(|(d, _)| d == f))
}

/// Discovered fields read off a record's text or ids, which compact columns and thin log
/// records do not keep (`@log`: a custom log group is the one its stream named the function
/// in, so a function that moved to one has rows of both groups).
const TEXT_FIELDS: &[&str] = &[
    "@message",
    "@log",
    "@logStream",
    "@requestId",
    "@xrayTraceId",
    "@xraySegmentId",
];

/// The fields the query needs from the input: the ones it reads that no earlier command
/// creates, plus the default output columns of a query without `fields`/`display`/`stats`.
fn needed_inputs(q: &Query) -> Vec<String> {
    let mut created: HashSet<String> = HashSet::new();
    let mut needed: Vec<String> = Vec::new();
    // After a `stats` only its columns exist: a field read there that no command made is no
    // input (the planner warns that it is empty, naming the columns there).
    let mut after_stats = false;
    let mut need = |names: Vec<String>, created: &HashSet<String>, after_stats: bool| {
        for f in names {
            if !after_stats && !created.contains(&f) && !needed.contains(&f) {
                needed.push(f);
            }
        }
    };
    let mut shows_anything = false;
    for c in &q.commands {
        let mut reads = Vec::new();
        match &c.kind {
            CommandKind::Fields(items) => {
                shows_anything = true;
                for i in items {
                    let mut r = Vec::new();
                    i.expr.fields(&mut r);
                    need(r, &created, after_stats);
                    created.insert(i.name().to_string());
                }
                continue;
            }
            CommandKind::Display(items) => {
                shows_anything = true;
                items.iter().for_each(|i| i.expr.fields(&mut reads));
            }
            CommandKind::Dedup(items) => items.iter().for_each(|i| i.expr.fields(&mut reads)),
            CommandKind::Filter(e) => e.fields(&mut reads),
            CommandKind::Parse { source, pattern } => {
                source.fields(&mut reads);
                need(reads, &created, after_stats);
                created.extend(pattern.names().iter().cloned());
                continue;
            }
            CommandKind::Stats { items, by } => {
                shows_anything = true;
                for i in items.iter().chain(by) {
                    let (mut r, mut outside) = (Vec::new(), Vec::new());
                    i.expr.fields_by_aggregate(&mut r, &mut outside);
                    // Names of other items read outside an aggregate are not inputs.
                    outside.retain(|f| !items.iter().any(|j| j.name() == f));
                    r.extend(outside);
                    need(r, &created, after_stats);
                }
                created.extend(items.iter().chain(by).map(|i| i.name().to_string()));
                after_stats = true;
                continue;
            }
            CommandKind::Sort(keys) => keys.iter().for_each(|k| k.expr.fields(&mut reads)),
            CommandKind::Limit(_) => {}
        }
        need(reads, &created, after_stats);
    }
    if !shows_anything {
        need(
            vec!["@timestamp".into(), "@message".into()],
            &created,
            false,
        );
    }
    needed
}

/// Fields only invocations carry (`REPORT` numbers): null on every log record.
const INVOCATION_ONLY: &[&str] = &[
    "@duration",
    "@billedDuration",
    "@memorySize",
    "@maxMemoryUsed",
    "@initDuration",
];

/// The weight column of a frame whose thin log records are counted in buckets: how many
/// records each row stands for.
const WEIGHT: &str = "__faascope_weight";
/// The hidden column of each record's place in `logs`' order ([`read_order_column`]).
const READ_ORDER: &str = "__faascope_read_order";

/// Whether thin log records may be counted in buckets ([`crate::model::ThinLogs::bucketed`])
/// for this query, and the bucket length (`None`: time is not read at all).
///
/// It may when everything before the first `stats` is `filter`s that do not read the time, and
/// that `stats` tells log records apart only by what a bucket keeps (function, `@type`, and
/// `bin` periods that the bucket length divides): its keys read the time only as `bin(P)`,
/// and its aggregates are `count(*)` (which then sums the weights) or aggregates of invocation
/// numbers (null on log records, so a bucket adds nothing to them). Anything else, and the
/// records are kept one row each.
fn thin_buckets(q: &Query) -> Option<Option<i64>> {
    let reads_time = |e: &QExpr| {
        let mut f = Vec::new();
        e.fields(&mut f);
        f.iter().any(|f| f == "@timestamp")
            || calls_any(e, &|name| matches!(name, "bin" | "earliest" | "latest"))
    };
    for c in &q.commands {
        match &c.kind {
            CommandKind::Filter(e) if !reads_time(e) => {}
            CommandKind::Stats { items, by } => {
                if !items.iter().all(|i| countable(&i.expr, items)) {
                    return None;
                }
                let mut grain: Option<i64> = None;
                for i in by {
                    match &i.expr.kind {
                        ExprKind::Call { name: "bin", args } => {
                            let ExprKind::Period(p) = args.first()?.kind else {
                                return None;
                            };
                            let ms = p.fixed_ms().filter(|&ms| ms > 0)?;
                            // A week bin starts on a Monday: 4 days after the epoch.
                            let offset = if p.unit == PeriodUnit::Week {
                                4 * 86_400_000
                            } else {
                                ms
                            };
                            grain = Some(crate::timeparse::gcd_ms(
                                crate::timeparse::gcd_ms(grain.unwrap_or(ms), ms),
                                offset,
                            ));
                        }
                        _ if reads_time(&i.expr) => return None,
                        _ => {}
                    }
                }
                return Some(grain);
            }
            _ => return None,
        }
    }
    None
}

/// Does `e` call a function `pred` names?
fn calls_any(e: &QExpr, pred: &dyn Fn(&str) -> bool) -> bool {
    match &e.kind {
        ExprKind::Call { name, args } => pred(name) || args.iter().any(|a| calls_any(a, pred)),
        ExprKind::Not(x) | ExprKind::Neg(x) => calls_any(x, pred),
        ExprKind::Binary(_, a, b) => calls_any(a, pred) || calls_any(b, pred),
        ExprKind::Like { expr, pattern, .. } => calls_any(expr, pred) || calls_any(pattern, pred),
        ExprKind::In { expr, list, .. } => {
            calls_any(expr, pred) || list.iter().any(|x| calls_any(x, pred))
        }
        ExprKind::Field(_)
        | ExprKind::Str(_)
        | ExprKind::Num(_)
        | ExprKind::Regex(_)
        | ExprKind::Star
        | ExprKind::Period(_) => false,
    }
}

/// Is a `stats` item the same over bucketed log records (see [`thin_buckets`])? Its
/// aggregates must be `count(*)` or of an invocation number, and outside them it may read
/// only other items' names.
fn countable(e: &QExpr, items: &[crate::query::Item]) -> bool {
    let all = |xs: &[QExpr]| xs.iter().all(|x| countable(x, items));
    match &e.kind {
        ExprKind::Call { name, args }
            if crate::query::function(name)
                .is_some_and(|f| f.kind == crate::query::FnKind::Aggregate) =>
        {
            match (*name, args.first().map(|a| &a.kind)) {
                ("count", None | Some(ExprKind::Star)) => true,
                ("earliest" | "latest", _) => false,
                (_, Some(ExprKind::Field(f))) => INVOCATION_ONLY.contains(&f.as_str()),
                _ => false,
            }
        }
        ExprKind::Field(f) => items.iter().any(|i| i.name() == f),
        ExprKind::Call { name: "bin", .. } => false,
        ExprKind::Call { args, .. } => all(args),
        ExprKind::Not(x) | ExprKind::Neg(x) => countable(x, items),
        ExprKind::Binary(_, a, b) => countable(a, items) && countable(b, items),
        ExprKind::Like { expr, pattern, .. } => countable(expr, items) && countable(pattern, items),
        ExprKind::In { expr, list, .. } => countable(expr, items) && all(list),
        ExprKind::Str(_)
        | ExprKind::Num(_)
        | ExprKind::Regex(_)
        | ExprKind::Star
        | ExprKind::Period(_) => true,
    }
}

/// Text as a key that sorts in Logs Insights' natural order when compared byte by byte:
/// other characters by code point (UTF-8 keeps that order), and each run of digits by its
/// length and then its value, standing where a digit would.
fn natural_key(text: Expr) -> Expr {
    /// Writes the key of `s` into `out` (cleared first).
    fn key(s: &str, out: &mut String) {
        out.clear();
        let mut rest = s;
        while let Some(c) = rest.chars().next() {
            if c.is_ascii_digit() {
                let n = rest.bytes().take_while(u8::is_ascii_digit).count();
                // `0` sorts where any digit would against other characters; the run's length
                // in six digits sorts shorter runs first, then its digits sort equal-length
                // runs by value.
                out.push('0');
                let len = n.min(999_999);
                for p in [100_000, 10_000, 1_000, 100, 10, 1] {
                    out.push(char::from(b'0' + (len / p % 10) as u8));
                }
                out.push_str(&rest[..n]);
                rest = &rest[n..];
            } else {
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    text.map(
        |c: Column| {
            let ca = c.str()?;
            let mut keys = StringChunkedBuilder::new(c.name().clone(), ca.len());
            let mut buf = String::new();
            for v in ca.iter() {
                match v {
                    // Without digits the key is the text itself.
                    Some(s) if !s.bytes().any(|b| b.is_ascii_digit()) => keys.append_value(s),
                    Some(s) => {
                        key(s, &mut buf);
                        keys.append_value(&buf);
                    }
                    None => keys.append_null(),
                }
            }
            Ok(keys.finish().into_column())
        },
        |_, f| Ok(Field::new(f.name().clone(), DataType::String)),
    )
}

/// A translated expression and its type.
#[derive(Clone)]
struct Typed {
    expr: Expr,
    ty: Ty,
}

struct Planner<'a> {
    types: HashMap<String, Ty>,
    warnings: &'a mut Vec<String>,
    /// The weight column while rows may stand for several records (thin log records counted
    /// in buckets): `count(*)` sums it. Only up to the first `stats`.
    weight: Option<&'static str>,
    /// A column of the last `stats` result, whose length `count(*)` counts after it (polars
    /// answers a lone `len()` after an ungrouped aggregation with the input's row count).
    rows_of: Option<String>,
    /// Fields of the input that are text (`@logStream`, a JSON field with text values): their
    /// `min`/`max` compare the text. Fields made by `parse` or `fields` are not here: their
    /// `max` is of the numbers they hold (`parse ... "took * ms" as t | stats max(t)`).
    text_fields: std::collections::HashSet<String>,
    /// The column of each record's place in `logs`' order, while the frame has it (up to the
    /// first `stats`): `earliest`/`latest` break ties of one time by it, as the listing does.
    read_order: Option<&'static str>,
}

fn num(t: Typed) -> Expr {
    match t.ty {
        Ty::Num => t.expr,
        Ty::Str => {
            // Text that is no finite number ("NaN", "inf", "Infinity", which the cast reads)
            // is no number: one `took NaN ms` would otherwise blank a group's avg, sum and max.
            let x = t.expr.str().strip_chars(lit(NULL)).cast(DataType::Float64);
            when(x.clone().is_finite())
                .then(x)
                .otherwise(lit(NULL).cast(DataType::Float64))
        }
        Ty::Time | Ty::Bool => t.expr.cast(DataType::Float64),
    }
}

/// A number that is no finite value (`x / 0`, `sqrt(-1)`, `log(0)`) is missing where it is
/// made: it printed empty yet `ispresent`, `count` and `count_distinct` counted it.
fn finite(x: Expr) -> Expr {
    when(x.clone().is_finite())
        .then(x)
        .otherwise(lit(NULL).cast(DataType::Float64))
}

fn text(t: Typed) -> Expr {
    match t.ty {
        Ty::Str => t.expr,
        // Whole numbers without a fraction, as results print them (`300`, not `300.0`).
        Ty::Num => t.expr.cast(DataType::String).str().strip_suffix(lit(".0")),
        _ => t.expr.cast(DataType::String),
    }
}

fn truthy(t: Typed) -> Expr {
    match t.ty {
        Ty::Bool => t.expr,
        Ty::Num => t.expr.neq(lit(0.0)),
        Ty::Time => t.expr.is_not_null(),
        Ty::Str => t.expr.neq(lit("")),
    }
}

impl Planner<'_> {
    fn field(&mut self, name: &str) -> Typed {
        match self.types.get(name) {
            Some(&ty) => Typed {
                expr: col(name),
                ty,
            },
            None => {
                // After a `stats` the columns are few: they are named.
                let mut scope: Vec<&str> = self
                    .types
                    .keys()
                    .map(String::as_str)
                    .filter(|k| !k.starts_with("__"))
                    .collect();
                scope.sort_unstable();
                let w = if scope.len() <= 12 {
                    format!(
                        "no record has a field `{name}` at that point of the query: it is empty (the columns there are {})",
                        scope.join(", ")
                    )
                } else {
                    format!(
                        "no record has a field `{name}` at that point of the query: it is empty"
                    )
                };
                // Said once: the input may have said already that no record has it at all.
                let said = format!("no record has a field `{name}`:");
                if !self
                    .warnings
                    .iter()
                    .any(|x| x == &w || x.starts_with(&said))
                {
                    self.warnings.push(w);
                }
                Typed {
                    expr: lit(NULL).cast(DataType::String),
                    ty: Ty::Str,
                }
            }
        }
    }

    /// Does `e` read any column that exists at this point of the query (time included, as
    /// `bin` reads it)? When not, it is the same on every row.
    fn reads_columns(&self, e: &QExpr) -> bool {
        let mut reads = Vec::new();
        e.fields(&mut reads);
        reads.iter().any(|f| self.types.contains_key(f))
            || (self.types.contains_key("@timestamp") && calls_any(e, &|n| n == "bin"))
    }

    /// A row-by-row expression.
    fn scalar(&mut self, e: &QExpr) -> Result<Typed> {
        self.expr(e, false)
    }

    fn expr(&mut self, e: &QExpr, in_stats: bool) -> Result<Typed> {
        Ok(match &e.kind {
            ExprKind::Field(f) => self.field(f),
            ExprKind::Str(s) => Typed {
                expr: lit(s.as_str()),
                ty: Ty::Str,
            },
            ExprKind::Num(n) => Typed {
                expr: lit(*n),
                ty: Ty::Num,
            },
            ExprKind::Regex(_) => {
                return Err(QueryRunError::plan(
                    e.pos,
                    "a /regex/ is a pattern for `like`, `=~` or `parse`, not a value",
                    Some("e.g. filter @message like /timed out/"),
                ))
            }
            ExprKind::Star | ExprKind::Period(_) => {
                return Err(QueryRunError::plan(e.pos, "not a value here", None))
            }
            ExprKind::Not(x) => Typed {
                expr: truthy(self.expr(x, in_stats)?).not(),
                ty: Ty::Bool,
            },
            ExprKind::Neg(x) => Typed {
                expr: lit(0.0) - num(self.expr(x, in_stats)?),
                ty: Ty::Num,
            },
            ExprKind::Binary(op, a_ast, b_ast) => {
                let mut a = self.expr(a_ast, in_stats)?;
                let mut b = self.expr(b_ast, in_stats)?;
                // A time compared with a text literal: the text is a time (`@timestamp >
                // "2025-09-02"`), or the comparison could only ever be empty.
                if matches!(
                    op,
                    BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
                ) {
                    let (ta, tb) = (a.ty, b.ty);
                    for (this, other, other_ast) in [(ta, &mut b, b_ast), (tb, &mut a, a_ast)] {
                        if let (Ty::Time, ExprKind::Str(text)) = (this, &other_ast.kind) {
                            let ms = time_literal(text, other_ast.pos)?;
                            *other = Typed {
                                expr: lit(ms),
                                ty: Ty::Time,
                            };
                        }
                    }
                }
                binary(*op, a, b)
            }
            ExprKind::Like {
                expr,
                pattern,
                negated,
            } => {
                let s = text(self.expr(expr, in_stats)?);
                let m = match &pattern.kind {
                    ExprKind::Regex(re) => s.str().contains(lit(re.as_str()), true),
                    ExprKind::Str(lit_s) => s.str().contains_literal(lit(lit_s.as_str())),
                    _ => {
                        return Err(QueryRunError::plan(
                            pattern.pos,
                            "`like` takes a \"string\" or a /regex/",
                            None,
                        ))
                    }
                };
                Typed {
                    expr: if *negated { m.not() } else { m },
                    ty: Ty::Bool,
                }
            }
            ExprKind::In {
                expr,
                list,
                negated,
            } => {
                let x = self.expr(expr, in_stats)?;
                // A list of literals compared as `=` would compare them (texts with a text,
                // numbers with anything else but a boolean) is one set lookup: a list of
                // thousands of request ids stays linear.
                let texts: Option<Vec<&str>> = list
                    .iter()
                    .map(|i| match &i.kind {
                        ExprKind::Str(s) => Some(s.as_str()),
                        _ => None,
                    })
                    .collect();
                let mut numbers: Option<Vec<f64>> = list
                    .iter()
                    .map(|i| match i.kind {
                        ExprKind::Num(n) => Some(n),
                        _ => None,
                    })
                    .collect();
                // A time in a list of texts: the texts are times, as `=` reads them (sixth-round
                // query review: `@timestamp in ["..."]` compared the raw text, never equal).
                let texts = match texts {
                    // Times written as texts or epoch milliseconds, mixed or not.
                    _ if x.ty == Ty::Time
                        && !list.is_empty()
                        && list.iter().any(|i| matches!(i.kind, ExprKind::Str(_)))
                        && list
                            .iter()
                            .all(|i| matches!(i.kind, ExprKind::Str(_) | ExprKind::Num(_))) =>
                    {
                        let mut ms = Vec::with_capacity(list.len());
                        for item in list {
                            match &item.kind {
                                ExprKind::Str(text) => {
                                    ms.push(time_literal(text, item.pos)? as f64)
                                }
                                ExprKind::Num(n) => ms.push(*n),
                                // (Every item is one of those: see the guard.)
                                _ => {}
                            }
                        }
                        numbers = Some(ms);
                        None
                    }
                    other => other,
                };
                let set = match (texts, numbers) {
                    (Some(t), _) if !t.is_empty() && x.ty == Ty::Str => Some(
                        x.expr
                            .clone()
                            .is_in(lit(Series::new("in".into(), t)).implode(false), false),
                    ),
                    (_, Some(n)) if !n.is_empty() && !matches!(x.ty, Ty::Str | Ty::Bool) => Some(
                        num(Typed {
                            expr: x.expr.clone(),
                            ty: x.ty,
                        })
                        .is_in(lit(Series::new("in".into(), n)).implode(false), false),
                    ),
                    _ => None,
                };
                let m = match set {
                    Some(m) => m,
                    None => {
                        let mut eqs = Vec::with_capacity(list.len());
                        for item in list {
                            let v = self.expr(item, in_stats)?;
                            let eq = binary(
                                BinOp::Eq,
                                Typed {
                                    expr: x.expr.clone(),
                                    ty: x.ty,
                                },
                                v,
                            )
                            .expr;
                            eqs.push(eq);
                        }
                        // A balanced tree of `or`s: a long left-deep chain costs the planner
                        // time and memory quadratic in its length.
                        balanced_or(eqs)
                    }
                };
                // A missing value is in no list and in none not: `not in` drops it as `!=`
                // does.
                Typed {
                    expr: if *negated { m.not() } else { m },
                    ty: Ty::Bool,
                }
            }
            ExprKind::Call { name, args } => self.call(e.pos, name, args, in_stats)?,
        })
    }

    fn call(&mut self, pos: usize, name: &str, args: &[QExpr], in_stats: bool) -> Result<Typed> {
        let is_agg =
            crate::query::function(name).is_some_and(|f| f.kind == crate::query::FnKind::Aggregate);
        if is_agg {
            if !in_stats {
                return Err(QueryRunError::plan(
                    pos,
                    format!("`{name}` aggregates: use it in `stats`"),
                    None,
                ));
            }
            return self.aggregate(pos, name, args);
        }
        let a = |i: usize, p: &mut Self| p.expr(&args[i], in_stats);
        Ok(match name {
            "ispresent" => Typed {
                expr: a(0, self)?.expr.is_not_null(),
                ty: Ty::Bool,
            },
            "coalesce" => {
                let mut typed = Vec::new();
                for i in 0..args.len() {
                    typed.push(a(i, self)?);
                }
                // The first argument's type, unless the others differ and one is text: then
                // text (`coalesce(@initDuration, "none")`), which arithmetic still reads as a
                // number.
                let ty = match typed.first() {
                    Some(f) if typed.iter().any(|t| t.ty != f.ty && t.ty == Ty::Str) => Ty::Str,
                    Some(f) => f.ty,
                    None => Ty::Num,
                };
                let exprs: Vec<Expr> = typed.into_iter().map(|t| coerce(t, ty)).collect();
                Typed {
                    expr: coalesce(&exprs),
                    ty,
                }
            }
            "abs" => numeric(num(a(0, self)?).abs()),
            "ceil" => numeric(num(a(0, self)?).ceil()),
            "floor" => numeric(num(a(0, self)?).floor()),
            "sqrt" => numeric(finite(num(a(0, self)?).sqrt())),
            "log" => numeric(finite(num(a(0, self)?).log(lit(std::f64::consts::E)))),
            "greatest" | "least" => {
                let mut exprs = Vec::new();
                for i in 0..args.len() {
                    exprs.push(num(a(i, self)?));
                }
                let e = if name == "greatest" {
                    polars::lazy::dsl::max_horizontal(exprs)?
                } else {
                    polars::lazy::dsl::min_horizontal(exprs)?
                };
                numeric(e)
            }
            "isempty" => {
                let s = text(a(0, self)?);
                Typed {
                    expr: s.clone().is_null().or(s.eq(lit(""))),
                    ty: Ty::Bool,
                }
            }
            "isblank" => {
                let s = text(a(0, self)?);
                Typed {
                    expr: s
                        .clone()
                        .is_null()
                        .or(s.str().strip_chars(lit(NULL)).eq(lit(""))),
                    ty: Ty::Bool,
                }
            }
            "concat" => {
                let mut exprs = Vec::new();
                for i in 0..args.len() {
                    exprs.push(text(a(i, self)?));
                }
                string(concat_str(exprs, "", true))
            }
            "ltrim" => string(text(a(0, self)?).str().strip_chars_start(lit(NULL))),
            "rtrim" => string(text(a(0, self)?).str().strip_chars_end(lit(NULL))),
            "trim" => string(text(a(0, self)?).str().strip_chars(lit(NULL))),
            "strlen" => numeric(text(a(0, self)?).str().len_chars().cast(DataType::Float64)),
            "toupper" => string(text(a(0, self)?).str().to_uppercase()),
            "tolower" => string(text(a(0, self)?).str().to_lowercase()),
            "substr" => {
                let s = text(a(0, self)?);
                let start = num(a(1, self)?).cast(DataType::Int64);
                let len = if args.len() > 2 {
                    num(a(2, self)?).cast(DataType::UInt64)
                } else {
                    lit(NULL).cast(DataType::UInt64)
                };
                string(s.str().slice(start, len))
            }
            "replace" => {
                let s = text(a(0, self)?);
                let from = text(a(1, self)?);
                let to = text(a(2, self)?);
                string(s.str().replace_all(from, to, true))
            }
            "strcontains" => {
                let s = text(a(0, self)?);
                let sub = text(a(1, self)?);
                numeric(
                    s.str()
                        .contains_literal(sub)
                        .cast(DataType::Float64)
                        .fill_null(lit(0.0)),
                )
            }
            "bin" => {
                let ts = self.field("@timestamp");
                period_floor(ts.expr, period_of(&args[0])?, &args[0], false)?
            }
            "datefloor" | "dateceil" => {
                let ts = a(0, self)?;
                let ts = coerce(ts, Ty::Time);
                period_floor(ts, period_of(&args[1])?, &args[1], name == "dateceil")?
            }
            "frommillis" => Typed {
                expr: num(a(0, self)?).cast(DataType::Int64),
                ty: Ty::Time,
            },
            "tomillis" => numeric(coerce(a(0, self)?, Ty::Time).cast(DataType::Float64)),
            other => {
                return Err(QueryRunError::plan(
                    pos,
                    format!("`{other}` is not supported over local data"),
                    None,
                ))
            }
        })
    }

    fn aggregate(&mut self, pos: usize, name: &str, args: &[QExpr]) -> Result<Typed> {
        let arg = |p: &mut Self, i: usize| -> Result<Typed> {
            if args[i].has_aggregate() {
                return Err(QueryRunError::plan(
                    args[i].pos,
                    "an aggregate cannot take another aggregate",
                    None,
                ));
            }
            p.scalar(&args[i])
        };
        // The group's rows (`count(*)`).
        let rows = match (self.weight, &self.rows_of) {
            (Some(w), _) => col(w).sum().cast(DataType::Float64),
            (None, Some(c)) => col(c.as_str()).len().cast(DataType::Float64),
            (None, None) => len().cast(DataType::Float64),
        };
        // An argument that reads no field (`count(1)`, `sum(2)`) is one value, not one a
        // row: counted and summed once per row of the group (it gave 1 and 2 whatever the
        // group's size).
        let constant = args.first().is_some_and(|a| {
            let mut fields = Vec::new();
            a.fields(&mut fields);
            fields.is_empty() && !matches!(a.kind, ExprKind::Star)
        });
        Ok(match name {
            "count" => match args.first().map(|a| &a.kind) {
                None | Some(ExprKind::Star) => numeric(rows),
                Some(_) if constant => {
                    let v = arg(self, 0)?.expr;
                    numeric(when(v.is_not_null()).then(rows).otherwise(lit(0.0)))
                }
                Some(_) => numeric(arg(self, 0)?.expr.count().cast(DataType::Float64)),
            },
            "sum" if constant => {
                let x = num(arg(self, 0)?);
                numeric(
                    when(x.clone().is_not_null().and(rows.clone().gt(lit(0.0))))
                        .then(x * rows)
                        .otherwise(lit(NULL).cast(DataType::Float64)),
                )
            }
            "count_distinct" => numeric(
                arg(self, 0)?
                    .expr
                    .drop_nulls()
                    .n_unique()
                    .cast(DataType::Float64),
            ),
            "sum" => {
                // Of no values: empty, as avg, min, max and pct are (polars' sum gives 0).
                let x = num(arg(self, 0)?);
                numeric(
                    when(x.clone().count().gt(lit(0)))
                        .then(x.sum())
                        .otherwise(lit(NULL).cast(DataType::Float64)),
                )
            }
            "avg" => numeric(num(arg(self, 0)?).mean()),
            "stddev" => numeric(num(arg(self, 0)?).std(1)),
            "min" | "max" => {
                let text =
                    matches!(&args[0].kind, ExprKind::Field(f) if self.text_fields.contains(f));
                let t = arg(self, 0)?;
                let (e, ty) = match t.ty {
                    Ty::Time => (t.expr, Ty::Time),
                    // Logs Insights takes any field: the text's order (it was empty).
                    Ty::Str if text => (t.expr, Ty::Str),
                    _ => (num(t), Ty::Num),
                };
                Typed {
                    expr: if name == "min" { e.min() } else { e.max() },
                    ty,
                }
            }
            "pct" => {
                let p = match args[1].kind {
                    ExprKind::Num(p) => p,
                    _ => {
                        return Err(QueryRunError::plan(
                            args[1].pos,
                            "the percentile is a number from 0 to 100",
                            None,
                        ))
                    }
                };
                // Exact, linear interpolation between closest ranks (as `faascope report`).
                numeric(
                    num(arg(self, 0)?)
                        .drop_nulls()
                        .quantile(lit(p / 100.0), QuantileMethod::Linear),
                )
            }
            "earliest" | "latest" => {
                let t = arg(self, 0)?;
                let ts = self.field("@timestamp").expr;
                let present = t.expr.clone().is_not_null();
                // Newest first, records of one millisecond in the order the newest-first
                // listing (and `limit`, `dedup`) has them: `latest` is the row that listing
                // shows first, `earliest` the one it shows last.
                let mut keys = vec![ts.filter(present.clone())];
                if let Some(order) = self.read_order {
                    keys.push(col(order).filter(present.clone()));
                }
                let sorted = t.expr.filter(present).sort_by(
                    keys,
                    SortMultipleOptions::default()
                        .with_order_descending(true)
                        .with_maintain_order(true),
                );
                Typed {
                    expr: if name == "earliest" {
                        sorted.last()
                    } else {
                        sorted.first()
                    },
                    ty: t.ty,
                }
            }
            other => {
                return Err(QueryRunError::plan(
                    pos,
                    format!("`{other}` is not an aggregate"),
                    None,
                ))
            }
        })
    }
}

fn numeric(expr: Expr) -> Typed {
    Typed { expr, ty: Ty::Num }
}

fn string(expr: Expr) -> Typed {
    Typed { expr, ty: Ty::Str }
}

fn coerce(t: Typed, to: Ty) -> Expr {
    if t.ty == to {
        return t.expr;
    }
    match to {
        Ty::Num => num(t),
        Ty::Str => text(t),
        Ty::Time => num(t).cast(DataType::Int64),
        Ty::Bool => truthy(t),
    }
}

/// `a or b or ...` as a balanced tree (`false` for none).
fn balanced_or(mut terms: Vec<Expr>) -> Expr {
    if terms.is_empty() {
        return lit(false);
    }
    while terms.len() > 1 {
        let mut next = Vec::with_capacity(terms.len().div_ceil(2));
        let mut it = terms.into_iter();
        while let Some(a) = it.next() {
            next.push(match it.next() {
                Some(b) => a.or(b),
                None => a,
            });
        }
        terms = next;
    }
    terms.pop().unwrap_or_else(|| lit(false))
}

fn binary(op: BinOp, a: Typed, b: Typed) -> Typed {
    use BinOp::*;
    match op {
        Or => Typed {
            expr: truthy(a).or(truthy(b)),
            ty: Ty::Bool,
        },
        And => Typed {
            expr: truthy(a).and(truthy(b)),
            ty: Ty::Bool,
        },
        Eq | Ne | Lt | Le | Gt | Ge => {
            // Two texts compare as text, a boolean and a text too (`ok = "true"`); anything
            // else as numbers (times as ms).
            let same = a.ty == b.ty && matches!(a.ty, Ty::Str | Ty::Bool);
            let bool_text = matches!((a.ty, b.ty), (Ty::Bool, Ty::Str) | (Ty::Str, Ty::Bool));
            // A text against a number: a text that is no number is not equal to it (`userId
            // != 42` keeps `u-1`), where comparing as numbers would make it missing and drop
            // the row under `!=` and `not` alike. Both sides must be present.
            let text_vs_number = match (a.ty, b.ty) {
                (Ty::Str, Ty::Num | Ty::Time) => Some((a.expr.clone(), b.expr.clone())),
                (Ty::Num | Ty::Time, Ty::Str) => Some((b.expr.clone(), a.expr.clone())),
                _ => None,
            }
            .filter(|_| matches!(op, Eq | Ne))
            .map(|(t, other)| {
                let as_number = num(Typed {
                    expr: t.clone(),
                    ty: Ty::Str,
                });
                t.is_not_null()
                    .and(as_number.is_null())
                    .and(other.is_not_null())
            });
            let compare = |x: Expr, y: Expr| match op {
                Eq => x.eq(y),
                Ne => x.neq(y),
                Lt => x.lt(y),
                Le => x.lt_eq(y),
                Gt => x.gt(y),
                _ => x.gt_eq(y),
            };
            // Two texts are ordered as `sort` orders them: both read as numbers, as numbers; a
            // number and a text that is none are not ordered (as a text against an unquoted
            // number: `ms > "500"` drops `n/a` as `ms > 500` does); other texts as text
            // (seventh-round query review: `d > "500"` was false for a parsed 1200 and true for
            // 80, and a JSON field with one text value anywhere compared all its numbers as
            // text). Equality stays exact text: ids of 19 digits are not equal for sharing
            // their first 16, nor "0042" and "42" (verification of de10731).
            let both_texts = a.ty == Ty::Str && b.ty == Ty::Str && !matches!(op, Eq | Ne);
            let numbers = both_texts.then(|| (num(a.clone()), num(b.clone())));
            let (x, y) = if same {
                (a.expr, b.expr)
            } else if bool_text {
                (text(a), text(b))
            } else {
                (num(a), num(b))
            };
            let expr = match numbers {
                Some((na, nb)) => {
                    let (a_num, b_num) = (na.clone().is_not_null(), nb.clone().is_not_null());
                    when(a_num.clone().and(b_num.clone()))
                        .then(compare(na, nb))
                        .when(a_num.or(b_num))
                        .then(lit(NULL).cast(DataType::Boolean))
                        .otherwise(compare(x, y))
                }
                None => compare(x, y),
            };
            let expr = match text_vs_number {
                Some(not_a_number) => when(not_a_number).then(lit(op == Ne)).otherwise(expr),
                None => expr,
            };
            Typed { expr, ty: Ty::Bool }
        }
        Add | Sub | Mul | Div | Mod | Pow => {
            // A time plus or minus milliseconds stays a time.
            let time = (a.ty == Ty::Time) ^ (b.ty == Ty::Time) && matches!(op, Add | Sub);
            let (x, y) = (num(a), num(b));
            let expr = match op {
                Add => x + y,
                Sub => x - y,
                Mul => x * y,
                Div => x / y,
                Mod => x % y,
                _ => x.pow(y),
            };
            if time {
                Typed {
                    expr: expr.cast(DataType::Int64),
                    ty: Ty::Time,
                }
            } else {
                numeric(finite(expr))
            }
        }
    }
}

fn period_of(e: &QExpr) -> Result<Period> {
    match e.kind {
        ExprKind::Period(p) => Ok(p),
        _ => Err(QueryRunError::plan(
            e.pos,
            "expected a period such as 5m or 1h",
            None,
        )),
    }
}

/// Epoch-aligned floor (or ceiling) of a time to a period; weeks start on Monday (the epoch
/// was a Thursday).
fn period_floor(ts: Expr, p: Period, at: &QExpr, ceil: bool) -> Result<Typed> {
    let calendar = matches!(
        p.unit,
        PeriodUnit::Month | PeriodUnit::Quarter | PeriodUnit::Year
    );
    let Some(ms) = p.fixed_ms() else {
        if !calendar {
            return Err(QueryRunError::plan(
                at.pos,
                "this period is too long to bin by",
                Some("use a period of at most a few years in days or weeks"),
            ));
        }
        return Err(QueryRunError::plan(
            at.pos,
            "months, quarters and years are calendar periods, which faascope does not bin over local data",
            Some("use days or weeks (e.g. 30d, 1w); a cloudwatch:// source runs them in Logs Insights"),
        ));
    };
    let offset = if p.unit == PeriodUnit::Week {
        4 * 86_400_000
    } else {
        0
    };
    // Integer arithmetic: a float division can land a bin boundary in the bin before.
    let x = ts.cast(DataType::Int64) - lit(offset);
    let q = if ceil {
        lit(0i64) - (lit(0i64) - x).floor_div(lit(ms))
    } else {
        x.floor_div(lit(ms))
    };
    Ok(Typed {
        expr: q * lit(ms) + lit(offset),
        ty: Ty::Time,
    })
}

/// Runs `q` over `tables`.
pub fn run_query(q: &Query, tables: &Tables) -> Result<QueryResult> {
    run_query_on(q, tables, &ReportColumns::default())
}

/// Runs `q` over `tables` and invocations ingested as compact columns (possible when the query
/// reads no log text: [`reads_log_text`]).
pub fn run_query_on(q: &Query, tables: &Tables, cols: &ReportColumns) -> Result<QueryResult> {
    let mut warnings = Vec::new();
    let needed = needed_inputs(q);
    let buckets = thin_buckets(q);
    let records =
        (cols.len() + tables.invocations.len() + tables.logs.len() + tables.thin_logs.len()) as u64;
    let mut numeric_text = std::collections::HashSet::new();
    // A `limit` or `dedup` before any `sort` or `stats` keeps the newest records, as the
    // query's result would show them, whatever comes after it.
    let cuts_first = q
        .commands
        .iter()
        .take_while(|c| !matches!(c.kind, CommandKind::Sort(_) | CommandKind::Stats { .. }))
        .any(|c| matches!(c.kind, CommandKind::Limit(_) | CommandKind::Dedup(_)));
    // Newest first too before a `sort` (its ties, and keys no record has, keep that order),
    // unless a `stats` comes first.
    let stats_first = q
        .commands
        .iter()
        .find(|c| matches!(c.kind, CommandKind::Sort(_) | CommandKind::Stats { .. }))
        .is_some_and(|c| matches!(c.kind, CommandKind::Stats { .. }));
    let newest_first = !stats_first || cuts_first;
    // `earliest`/`latest` of the first `stats` break ties as the listing does.
    let first_stats_ties = q
        .commands
        .iter()
        .find_map(|c| match &c.kind {
            CommandKind::Stats { items, .. } => Some(items),
            _ => None,
        })
        .is_some_and(|items| {
            items
                .iter()
                .any(|i| calls_any(&i.expr, &|n| matches!(n, "earliest" | "latest")))
        });
    let (df, types) = input_frame(
        tables,
        cols,
        &needed,
        &mut warnings,
        buckets,
        &mut numeric_text,
        newest_first || first_stats_ties,
    )?;
    let weighted = df.column(WEIGHT).is_ok();
    let ordered = df.column(READ_ORDER).is_ok();
    let mut lf = df.lazy();
    let text_fields = types
        .iter()
        .filter(|(n, ty)| **ty == Ty::Str && !numeric_text.contains(*n))
        .map(|(n, _)| n.clone())
        .collect();
    let mut p = Planner {
        types,
        warnings: &mut warnings,
        weight: weighted.then_some(WEIGHT),
        rows_of: None,
        text_fields,
        read_order: ordered.then_some(READ_ORDER),
    };
    if newest_first {
        // As the Logs Insights console: newest first, records of one time in the reverse of
        // `logs`' order.
        let keys: Vec<&str> = if ordered {
            vec!["@timestamp", READ_ORDER]
        } else {
            vec!["@timestamp"]
        };
        lf = lf.sort(
            keys,
            SortMultipleOptions::default()
                .with_order_descending(true)
                .with_nulls_last(true)
                .with_maintain_order(true),
        );
    }
    // The columns shown, unless a `display` says otherwise: those of the last `stats` (and
    // `fields` after it); else those `fields` lists; else @timestamp, @message and the fields
    // `parse` extracted.
    let mut shown: Vec<String> = Vec::new();
    let mut parsed: Vec<String> = Vec::new();
    let mut after_stats = false;
    // The columns of the last `display`, and where it is.
    let mut display: Option<(Vec<String>, usize)> = None;
    for c in &q.commands {
        if let (Some((_, display_pos)), CommandKind::Stats { .. }) = (&display, &c.kind) {
            return Err(QueryRunError::plan(
                *display_pos,
                "this `display` comes before a `stats`, whose result has only its own columns",
                Some("move `display` after the `stats`"),
            ));
        }
        match &c.kind {
            CommandKind::Fields(items) => {
                for i in items {
                    let t = p.scalar(&i.expr)?;
                    let name = i.name().to_string();
                    lf = lf.with_column(t.expr.alias(name.as_str()));
                    p.types.insert(name.clone(), t.ty);
                    p.text_fields.remove(&name);
                    if !shown.contains(&name) {
                        shown.push(name);
                    }
                }
            }
            CommandKind::Display(items) => {
                // A field listed twice is shown once.
                let mut names: Vec<String> = Vec::new();
                for i in items {
                    if !names.iter().any(|n| n == i.name()) {
                        names.push(i.name().to_string());
                    }
                }
                display = Some((names, c.pos));
            }
            CommandKind::Filter(e) => {
                let t = p.scalar(e)?;
                lf = lf.filter(truthy(t).fill_null(lit(false)));
            }
            CommandKind::Parse { source, pattern } => {
                let s = text(p.scalar(source)?);
                let re = pattern.to_regex();
                let indices: Vec<(String, usize)> = match pattern {
                    ParsePattern::Glob { names, .. } => names
                        .iter()
                        .enumerate()
                        .map(|(k, n)| (n.clone(), k + 1))
                        .collect(),
                    ParsePattern::Regex { .. } => {
                        let compiled = regex::Regex::new(&re).map_err(|e| {
                            QueryRunError::plan(c.pos, format!("invalid regex: {e}"), None)
                        })?;
                        compiled
                            .capture_names()
                            .enumerate()
                            .filter_map(|(k, n)| n.map(|n| (n.to_string(), k)))
                            .collect()
                    }
                };
                let cols: Vec<Expr> = indices
                    .iter()
                    .map(|(n, k)| {
                        s.clone()
                            .str()
                            .extract(lit(re.as_str()), *k)
                            .alias(n.as_str())
                    })
                    .collect();
                lf = lf.with_columns(cols);
                for (n, _) in indices {
                    p.types.insert(n.clone(), Ty::Str);
                    p.text_fields.remove(&n);
                    if !after_stats && !parsed.contains(&n) {
                        parsed.push(n);
                    }
                }
            }
            CommandKind::Stats { items, by } => {
                let mut keys = Vec::new();
                let mut key_types = Vec::new();
                for i in by {
                    let t = p.scalar(&i.expr)?;
                    keys.push(t.expr.alias(i.name()));
                    key_types.push((i.name().to_string(), t.ty));
                }
                let mut aggs = Vec::new();
                let mut out_types: Vec<(String, Ty)> = Vec::new();
                let mut later: Vec<&crate::query::Item> = Vec::new();
                for i in items {
                    // Another item's name read outside an aggregate (inside one, a name is
                    // the records' field, as `avg(v) as v` reads `v`).
                    let (mut inside, mut reads) = (Vec::new(), Vec::new());
                    i.expr.fields_by_aggregate(&mut inside, &mut reads);
                    let refers_to_item = reads
                        .iter()
                        .any(|f| items.iter().any(|j| j.name() == f && !std::ptr::eq(i, j)));
                    if refers_to_item {
                        if i.expr.has_aggregate() {
                            return Err(QueryRunError::plan(
                                i.expr.pos,
                                "this mixes an aggregate with the name of another `stats` item",
                                Some("combine either aggregates (sum(x) / count(*)) or names (a - b), not both"),
                            ));
                        }
                        later.push(i);
                        continue;
                    }
                    let t = p.expr(&i.expr, true)?;
                    aggs.push(t.expr.alias(i.name()));
                    out_types.push((i.name().to_string(), t.ty));
                }
                lf = if keys.is_empty() {
                    lf.select(aggs)
                } else {
                    let names: Vec<Expr> = key_types.iter().map(|(n, _)| col(n.as_str())).collect();
                    lf.group_by(keys).agg(aggs).sort_by_exprs(
                        names,
                        SortMultipleOptions::default()
                            .with_nulls_last(true)
                            .with_maintain_order(true),
                    )
                };
                // After `stats`, only its columns exist, each row a group.
                p.types = key_types.iter().chain(&out_types).cloned().collect();
                p.weight = None;
                p.read_order = None;
                p.rows_of = key_types
                    .first()
                    .or(out_types.first())
                    .map(|(n, _)| n.clone());
                for i in later {
                    let t = p.scalar(&i.expr)?;
                    lf = lf.with_column(t.expr.alias(i.name()));
                    p.types.insert(i.name().to_string(), t.ty);
                    p.text_fields.remove(i.name());
                }
                shown = by
                    .iter()
                    .chain(items.iter())
                    .map(|i| i.name().to_string())
                    .collect();
                after_stats = true;
            }
            CommandKind::Sort(keys) => {
                let mut exprs = Vec::new();
                let mut desc = Vec::new();
                for k in keys {
                    let t = p.scalar(&k.expr)?;
                    if !p.reads_columns(&k.expr) {
                        // A key no record has (the warning says so) is the same on every
                        // row: it orders nothing.
                        continue;
                    }
                    if t.ty == Ty::Str {
                        // As Logs Insights: ascending, text before numbers (text that reads
                        // as a number, e.g. a parsed field, is a number); text in natural
                        // order; missing values last either way.
                        let parsed = num(Typed {
                            expr: t.expr.clone(),
                            ty: Ty::Str,
                        });
                        // `nan` and `inf` parse, but they are words.
                        let number = when(parsed.clone().is_finite())
                            .then(parsed)
                            .otherwise(lit(NULL).cast(DataType::Float64));
                        exprs.push(t.expr.clone().is_null());
                        desc.push(false);
                        exprs.push(number.clone().is_not_null());
                        desc.push(k.descending);
                        exprs.push(number.clone());
                        desc.push(k.descending);
                        // Numbers are ordered already: their text needs no key.
                        exprs.push(natural_key(
                            when(number.is_null())
                                .then(t.expr)
                                .otherwise(lit(NULL).cast(DataType::String)),
                        ));
                        desc.push(k.descending);
                        continue;
                    }
                    exprs.push(t.expr);
                    desc.push(k.descending);
                }
                // Records of one @timestamp: in `logs`' order, or its reverse (newest first).
                let by_time = keys
                    .first()
                    .filter(|k| matches!(&k.expr.kind, ExprKind::Field(f) if f == "@timestamp"));
                if let (Some(k), Some(order)) = (by_time, p.read_order) {
                    exprs.push(col(order));
                    desc.push(k.descending);
                }
                if !exprs.is_empty() {
                    lf = lf.sort_by_exprs(
                        exprs,
                        SortMultipleOptions::default()
                            .with_order_descending_multi(desc)
                            .with_nulls_last(true)
                            .with_maintain_order(true),
                    );
                }
            }
            CommandKind::Limit(n) => {
                lf = lf.limit(IdxSize::try_from(*n).unwrap_or(IdxSize::MAX));
            }
            CommandKind::Dedup(items) => {
                let mut exprs = Vec::new();
                for i in items {
                    exprs.push(p.scalar(&i.expr)?.expr);
                }
                // As Logs Insights: a record with a null in any of the fields is no duplicate
                // and stays; the others keep their first record. Both parts go back in their
                // order.
                let Some(any_null) = exprs
                    .iter()
                    .map(|e| e.clone().is_null())
                    .reduce(|a, b| a.or(b))
                else {
                    continue;
                };
                const ROW: &str = "__faascope_row";
                let rows = lf.with_row_index(ROW, None);
                let kept = rows.clone().filter(any_null.clone());
                let firsts = rows
                    .filter(any_null.not())
                    .unique_stable_generic(Some(exprs), UniqueKeepStrategy::First);
                lf = concat([kept, firsts], UnionArgs::default())?
                    .sort([ROW], SortMultipleOptions::default())
                    .drop(polars::lazy::dsl::functions::by_name([ROW], true, false));
            }
        }
    }
    if shown.is_empty() {
        shown = vec!["@timestamp".into(), "@message".into()];
        shown.extend(parsed);
    }
    let columns = display.map_or(shown, |(names, _)| names);
    let mut select = Vec::new();
    let mut col_types = Vec::new();
    for c in &columns {
        let t = p.field(c);
        let e = match t.ty {
            Ty::Num => t.expr.cast(DataType::Float64),
            Ty::Time => t.expr.cast(DataType::Int64),
            Ty::Str => t.expr.cast(DataType::String),
            Ty::Bool => t.expr.cast(DataType::Boolean),
        };
        select.push(e.alias(c.as_str()));
        col_types.push(t.ty);
    }
    if !columns.iter().any(|c| p.types.contains_key(c)) {
        // Only fields no record has: one real column gives the result its rows (a select of
        // constants alone would be one row).
        if let Some(any) = p.types.keys().min() {
            select.push(col(any.as_str()).alias("__faascope_rows"));
        }
    }
    let df = lf.select(select).collect()?;
    let mut rows: Vec<Vec<Value>> = vec![Vec::with_capacity(columns.len()); df.height()];
    for (k, ty) in col_types.iter().enumerate() {
        let s = df.columns()[k].as_materialized_series();
        match ty {
            Ty::Num => {
                for (r, v) in s.f64()?.iter().enumerate() {
                    // Not a number or infinite (`x / 0`): no value, in every output format.
                    rows[r].push(v.filter(|x| x.is_finite()).map_or(Value::Null, Value::Num));
                }
            }
            Ty::Time => {
                for (r, v) in s.i64()?.iter().enumerate() {
                    rows[r].push(v.map_or(Value::Null, Value::Time));
                }
            }
            Ty::Str => {
                for (r, v) in s.str()?.iter().enumerate() {
                    rows[r].push(v.map_or(Value::Null, |x| Value::Str(x.to_string())));
                }
            }
            Ty::Bool => {
                for (r, v) in s.bool()?.iter().enumerate() {
                    rows[r].push(v.map_or(Value::Null, Value::Bool));
                }
            }
        }
    }
    // A `bin()` group of records without a time (a local file's lines that carry none; Logs
    // Insights has none such) is no period: said, for it is shown as one (tenth-round query
    // library review: untimed REPORTs of three days read as one burst minute).
    let time_bin = crate::query::time_bin_of(q);
    if let Some(k) = time_bin
        .as_ref()
        .and_then(|(c, _)| columns.iter().position(|x| x == c))
    {
        let untimed = rows.iter().filter(|r| r[k] == Value::Null).count();
        if untimed > 0 {
            warnings.push(format!(
                "{untimed} row(s) have an empty `{}`: they group records without a time, which are no one period (the input's lines carry no time)",
                columns[k]
            ));
        }
    }
    Ok(QueryResult {
        columns,
        rows,
        time_bin,
        warnings,
        records_scanned: records,
        skipped: Default::default(),
    })
}

#[cfg(test)]
mod tests;
