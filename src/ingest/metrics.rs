//! CloudWatch metrics ingestion: the JSON that `aws cloudwatch get-metric-data` and
//! `aws cloudwatch get-metric-statistics` print, and a small metrics CSV, to [`MetricPoint`] rows.
//!
//! Pure functions: no I/O, no printing. Every problem with the input becomes a [`MetricsSkip`]
//! (where, what rule, which text) and parsing carries on; nothing here panics on any input.
//!
//! # Timestamps
//!
//! Strings in ISO 8601 / RFC 3339 form (`2025-09-02T14:03:00Z`, `2025-09-02T14:03:00+00:00`,
//! `2025-09-02T16:03:00.250+02:00`, a space instead of the `T`, no seconds, a trailing ` UTC`), the
//! same without a zone (taken as UTC), a bare date (midnight UTC), or epoch numbers (JSON numbers or
//! numeric strings). Epoch numbers are read by magnitude: below 10^11 seconds, below 10^14
//! milliseconds, below 10^17 microseconds, otherwise nanoseconds; negative numbers are rejected.
//! All become UTC epoch milliseconds ([`MetricPoint::timestamp`]).
//!
//! # Function, metric and statistic of a get-metric-data result
//!
//! get-metric-data results carry only an `Id` and a `Label`; the label is what users see and what
//! the AWS CLI returns as set in the query (by default the metric name, often `orders-api Duration`
//! or `orders-api p99 Duration`, sometimes a JSON-like text). The rules, in order:
//!
//! 1. **faascope convention** `FUNCTION:METRIC:STAT` or `FUNCTION/METRIC/STAT` (the statistic part
//!    may be left out): a label with no whitespace that splits on `:` (or, when it has no `:`, on
//!    `/`) into 2 or 3 non-empty parts made of letters, digits, `-`, `_` and `.`. Not taken when the
//!    first part is `AWS`, a key word (`FunctionName`, …) or a Lambda metric name, or the second
//!    part is a statistic word, so `AWS/Lambda` and `Duration:p99` fall through to rule 2. A
//!    metric part that equals a Lambda metric name ignoring case is written as AWS spells it.
//! 2. **Lambda metric name** in the label, then in the Id: the AWS/Lambda metric names
//!    ([`LAMBDA_METRICS`]) are looked for as whole words (not preceded or followed by a letter or
//!    digit, so `orders-api-Errors` and `"MetricName":"Errors"` match), longest name first,
//!    case-sensitive. When neither has one, the Id is split into words (at `_`, `-` and camelCase
//!    humps: `invocations_orders_api`, `m_duration_p99`, `ordersApiDuration`) and compared ignoring
//!    case, so snake/lower ids name the metric too.
//! 3. **Function**: the label words left once the metric name is taken out, without statistic
//!    words, key words (`FunctionName`, `Resource`, `MetricName`, `Stat`, `Name`, `Value`,
//!    `AWS/Lambda`, …), other Lambda metric names and punctuation, joined by a space. A function ARN
//!    word gives the name after `:function:`; a `/aws/lambda/NAME` word gives `NAME`; a `Key:value`
//!    word keeps its non-key parts (`FunctionName:orders-api` → `orders-api`, while a qualified
//!    `orders-api:prod` stays whole). When no word is left, or the label is empty or equal to the Id
//!    (no label was set), the caller's `function_hint` names the function (when blank, the name
//!    is left empty for the caller to resolve: the file's log group or stem, as for log records).
//! 4. **Statistic**: the first statistic word of the label, else of the Id words: `Sum`,
//!    `Average`/`Avg`, `Maximum`/`Max`, `Minimum`/`Min`, `SampleCount`, `IQM` (any case, written
//!    as AWS spells them) and percentiles and trimmed statistics `pNN`, `pNN.N`, `tmNN`, `tcNN`,
//!    `tsNN`, `wmNN` (`NN` ≤ 100, written in lower case). None when there is none.
//! 5. **No Lambda metric name found** (custom metrics, expressions): the metric is the label words
//!    (rule 3's filtering, statistic words removed) joined by a space, or the Id when no word is
//!    left; the function is the hint.
//!
//! Known limits: an expression label naming two metrics (`Errors / Invocations`) is read as the
//! longer one; a two-part `NAME:alias` label is read by rule 1 as function `NAME`, metric `alias`.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::model::{MetricPoint, SourceRef};

/// Points read from one or more inputs, and what was left out.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct MetricsOut {
    pub points: Vec<MetricPoint>,
    pub skipped: Vec<MetricsSkip>,
}

/// One piece of input that gave no point (or not all of its points).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MetricsSkip {
    /// 1-based file line (CSV) or the line/record number the caller passed (JSON).
    pub line: u64,
    /// Which rule the input broke; a fixed text, good for counting.
    pub reason: &'static str,
    /// The offending text or counts.
    pub detail: String,
}

/// The AWS/Lambda namespace metric names, longest first (the order rule 2 tries them in).
pub const LAMBDA_METRICS: [&str; 20] = [
    "ProvisionedConcurrencySpilloverInvocations",
    "ProvisionedConcurrencyInvocations",
    "ProvisionedConcurrencyUtilization",
    "ProvisionedConcurrentExecutions",
    "UnreservedConcurrentExecutions",
    "PostRuntimeExtensionsDuration",
    "RecursiveInvocationsDropped",
    "DestinationDeliveryFailures",
    "ClaimedAccountConcurrency",
    "ConcurrentExecutions",
    "AsyncEventsReceived",
    "AsyncEventsDropped",
    "DeadLetterErrors",
    "AsyncEventAge",
    "Invocations",
    "IteratorAge",
    "Throttles",
    "OffsetLag",
    "Duration",
    "Errors",
];

/// Moves the points of AWS/Lambda metrics with a negative value (every one of them is a count,
/// a time or a ratio, never below zero: a corrupt or hand-edited input) into skips; both parsers
/// end with it.
/// Points whose time is outside 2000–2100 are skipped too, as log events' are (a 1970 or 2150
/// time is a wrong unit or a corrupt row, and would stretch a cost projection's window).
fn skip_negative_lambda_points(out: &mut MetricsOut) {
    let skipped = &mut out.skipped;
    out.points.retain(|p| {
        if !crate::ingest::collect::PLAUSIBLE_MS.contains(&p.timestamp) {
            skipped.push(MetricsSkip {
                line: p.source.line,
                reason: "timestamp out of range",
                detail: format!(
                    "{} {} at {}: not a time from 2000 to 2100 (a time in another unit, or a corrupt row)",
                    p.function,
                    p.metric,
                    crate::timeparse::format_ms(p.timestamp)
                ),
            });
            return false;
        }
        let bad = p.value < 0.0 && LAMBDA_METRICS.contains(&p.metric.as_str());
        if bad {
            skipped.push(MetricsSkip {
                line: p.source.line,
                reason: "negative value for an AWS/Lambda metric",
                detail: format!("{} {} = {}", p.function, p.metric, p.value),
            });
        }
        !bad
    });
}

/// get-metric-statistics statistic fields, in the order points are emitted.
const STAT_FIELDS: [&str; 5] = ["Sum", "Average", "Maximum", "Minimum", "SampleCount"];

/// Words in labels that name a field rather than a value (compared ignoring ASCII case).
const KEY_WORDS: [&str; 16] = [
    "functionname",
    "function",
    "resource",
    "executedversion",
    "metric",
    "metricname",
    "stat",
    "statistic",
    "namespace",
    "aws/lambda",
    "dimensions",
    "dimension",
    "name",
    "value",
    "label",
    "id",
];

/// Characters that separate label words (besides whitespace); `:` and `/` are handled per word.
const LABEL_SEPARATORS: &[char] = &['{', '}', '[', ']', '(', ')', '"', '\'', ',', ';', '=', '|'];

/// True for the JSON the AWS CLI prints for `cloudwatch get-metric-data` (an object with a
/// `MetricDataResults` array) or `cloudwatch get-metric-statistics` (an object with a `Datapoints`
/// array), and for a non-empty array whose elements are all such objects or bare
/// `MetricDataResults` entries (objects with `Timestamps` and `Values` arrays), as `jq` slices or
/// concatenated pages give.
pub fn is_metrics_value(v: &Value) -> bool {
    match v {
        Value::Object(o) => is_metrics_object(o),
        Value::Array(items) => {
            !items.is_empty()
                && items.iter().all(|item| {
                    item.as_object()
                        .is_some_and(|o| is_metrics_object(o) || is_result_entry(o))
                })
        }
        _ => false,
    }
}

fn is_metrics_object(o: &Map<String, Value>) -> bool {
    o.get("MetricDataResults").is_some_and(Value::is_array)
        || o.get("Datapoints").is_some_and(Value::is_array)
}

fn is_result_entry(o: &Map<String, Value>) -> bool {
    o.get("Timestamps").is_some_and(Value::is_array) && o.get("Values").is_some_and(Value::is_array)
}

/// Reads one get-metric-data or get-metric-statistics output (see [`is_metrics_value`]) into
/// `out`. Every point gets `file:line` as its source.
///
/// get-metric-data: one point per `Timestamps`/`Values` pair, named by the label rules in the
/// module docs; `unit` is None (the output has none). `StatusCode` `PartialData` keeps its points;
/// `InternalError`/`Forbidden` add a skip ("metric query failed") besides any points. Arrays of
/// different lengths keep the pairs and add a skip.
///
/// get-metric-statistics: the metric is the `Label`, the function is `function_hint`; each
/// datapoint gives one point per statistic present (`Sum`, `Average`, `Maximum`, `Minimum`,
/// `SampleCount`, then each `ExtendedStatistics` key), with `statistic` set and `unit` from `Unit`.
///
/// `function_hint`: a function name the caller knows (`--function-name`, the file stem), used
/// when the data names none.
pub fn parse_metrics_value(
    v: &Value,
    file: &Arc<str>,
    line: u64,
    function_hint: &str,
    out: &mut MetricsOut,
) {
    parse_metrics_value_at(v, file, line, None, function_hint, out);
}

/// [`parse_metrics_value`] of a document spread over several lines: each result, datapoint or
/// document of a top-level array takes the line it starts on (from `lines`), not the
/// document's first line.
pub fn parse_metrics_value_at(
    v: &Value,
    file: &Arc<str>,
    line: u64,
    lines: Option<&super::doc_lines::DocLines>,
    function_hint: &str,
    out: &mut MetricsOut,
) {
    let mut cx = Cx {
        file,
        line,
        doc_line: line,
        lines,
        hint: function_hint,
        out,
    };
    match v {
        Value::Object(o) => cx.object(o),
        Value::Array(items) => {
            // The documents' own arrays are not located: each takes its first line.
            cx.lines = None;
            for (i, item) in items.iter().enumerate() {
                cx.line = lines.and_then(|l| l.top(i)).unwrap_or(line);
                cx.doc_line = cx.line;
                match item {
                    Value::Object(o) => cx.object(o),
                    other => cx.skip("not CloudWatch metrics output", json_kind(other).into()),
                }
            }
        }
        other => cx.skip("not CloudWatch metrics output", json_kind(other).into()),
    }
    skip_negative_lambda_points(out);
}

struct Cx<'a> {
    file: &'a Arc<str>,
    line: u64,
    /// The line the document (or this document of a top-level array) starts on.
    doc_line: u64,
    /// Where the elements of the document's arrays start, when it spans several lines.
    lines: Option<&'a super::doc_lines::DocLines>,
    hint: &'a str,
    out: &'a mut MetricsOut,
}

impl Cx<'_> {
    fn skip(&mut self, reason: &'static str, detail: String) {
        self.out.skipped.push(MetricsSkip {
            line: self.line,
            reason,
            detail,
        });
    }

    fn point(
        &mut self,
        timestamp: i64,
        function: &Arc<str>,
        metric: &str,
        statistic: Option<&str>,
        value: f64,
        unit: Option<&str>,
    ) {
        self.out.points.push(MetricPoint {
            timestamp,
            function: Arc::clone(function),
            metric: metric.to_string(),
            statistic: statistic.map(str::to_string),
            value,
            unit: unit.map(str::to_string),
            source: SourceRef {
                file: Arc::clone(self.file),
                line: self.line,
            },
        });
    }

    /// The hint, or an empty name (the collector's "unresolved") when there is none.
    fn hint_function(&self) -> Arc<str> {
        Arc::from(self.hint.trim())
    }

    /// A top-level object or an element of a top-level array: an output or a bare result entry.
    fn object(&mut self, o: &Map<String, Value>) {
        if let Some(results) = o.get("MetricDataResults") {
            match results {
                Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        self.line = self.element_line("MetricDataResults", i);
                        match item.as_object() {
                            Some(r) => self.result_entry(r),
                            None => self.skip(
                                "MetricDataResults entry is not an object",
                                json_kind(item).into(),
                            ),
                        }
                    }
                }
                other => self.skip("MetricDataResults is not an array", json_kind(other).into()),
            }
        } else if let Some(points) = o.get("Datapoints") {
            self.statistics(o, points);
        } else if is_result_entry(o) {
            self.result_entry(o);
        } else {
            let keys: Vec<&str> = o.keys().take(5).map(String::as_str).collect();
            self.skip(
                "not CloudWatch metrics output",
                format!("object with keys {}", keys.join(", ")),
            );
        }
    }

    /// The line element `index` of the document's array `key` starts on, else the document's.
    fn element_line(&self, key: &str, index: usize) -> u64 {
        self.lines
            .and_then(|l| l.of_key(key, index))
            .unwrap_or(self.doc_line)
    }

    /// One `MetricDataResults` entry.
    fn result_entry(&mut self, r: &Map<String, Value>) {
        let id = r.get("Id").and_then(Value::as_str).unwrap_or("").trim();
        let label = r.get("Label").and_then(Value::as_str).unwrap_or("").trim();
        let name = if label.is_empty() { id } else { label };
        if id.is_empty() && label.is_empty() {
            self.skip("metric result has no Id or Label", String::new());
            return;
        }
        if let Some(status) = r.get("StatusCode").and_then(Value::as_str) {
            if matches!(status, "InternalError" | "Forbidden") {
                let messages = r
                    .get("Messages")
                    .map(|m| shorten(&m.to_string(), 200))
                    .unwrap_or_default();
                self.skip(
                    "metric query failed",
                    format!("{name}: StatusCode {status} {messages}")
                        .trim_end()
                        .to_string(),
                );
            }
        }
        let (Some(Value::Array(ts)), Some(Value::Array(vs))) =
            (r.get("Timestamps"), r.get("Values"))
        else {
            self.skip("missing Timestamps or Values", name.to_string());
            return;
        };
        let parts = describe_result(id, label);
        let function = match parts.function {
            Some(f) => Arc::from(f),
            None => self.hint_function(),
        };
        if ts.len() != vs.len() {
            // Which value goes with which time cannot be told: the whole series is skipped,
            // not paired up to the shorter list.
            self.skip(
                "Timestamps and Values differ in length",
                format!("{name}: {} timestamps, {} values", ts.len(), vs.len()),
            );
            return;
        }
        for (t, v) in ts.iter().zip(vs) {
            let Some(ms) = json_timestamp_ms(t) else {
                self.skip(
                    "bad timestamp",
                    format!("{name}: {}", shorten(&t.to_string(), 80)),
                );
                continue;
            };
            let Some(value) = json_number(v) else {
                self.skip(
                    "bad value",
                    format!("{name}: {}", shorten(&v.to_string(), 80)),
                );
                continue;
            };
            self.point(
                ms,
                &function,
                &parts.metric,
                parts.statistic.as_deref(),
                value,
                None,
            );
        }
    }

    /// A get-metric-statistics output.
    fn statistics(&mut self, o: &Map<String, Value>, points: &Value) {
        let Some(points) = points.as_array() else {
            self.skip("Datapoints is not an array", json_kind(points).into());
            return;
        };
        let metric = o.get("Label").and_then(Value::as_str).unwrap_or("").trim();
        if metric.is_empty() {
            if !points.is_empty() {
                self.skip(
                    "get-metric-statistics output has no Label",
                    format!("{} datapoints", points.len()),
                );
            }
            return;
        }
        let function = self.hint_function();
        for (i, dp) in points.iter().enumerate() {
            self.line = self.element_line("Datapoints", i);
            let Some(dp) = dp.as_object() else {
                self.skip("datapoint is not an object", json_kind(dp).into());
                continue;
            };
            let Some(ms) = dp.get("Timestamp").and_then(json_timestamp_ms) else {
                let raw = dp
                    .get("Timestamp")
                    .map(Value::to_string)
                    .unwrap_or_default();
                self.skip("bad timestamp", format!("{metric}: {}", shorten(&raw, 80)));
                continue;
            };
            let unit = dp.get("Unit").and_then(Value::as_str);
            let mut any = false;
            for stat in STAT_FIELDS {
                if let Some(v) = dp.get(stat) {
                    any = true;
                    self.stat_point(ms, &function, metric, stat, v, unit);
                }
            }
            match dp.get("ExtendedStatistics") {
                Some(Value::Object(ext)) => {
                    for (stat, v) in ext {
                        any = true;
                        self.stat_point(ms, &function, metric, stat, v, unit);
                    }
                }
                Some(Value::Null) | None => {}
                Some(other) => {
                    any = true;
                    self.skip(
                        "ExtendedStatistics is not an object",
                        format!("{metric}: {}", json_kind(other)),
                    );
                }
            }
            if !any {
                self.skip("datapoint has no statistic values", metric.to_string());
            }
        }
    }

    fn stat_point(
        &mut self,
        ms: i64,
        function: &Arc<str>,
        metric: &str,
        stat: &str,
        v: &Value,
        unit: Option<&str>,
    ) {
        match json_number(v) {
            Some(value) => self.point(ms, function, metric, Some(stat), value, unit),
            None => self.skip(
                "bad value",
                format!("{metric} {stat}: {}", shorten(&v.to_string(), 80)),
            ),
        }
    }
}

/// What a get-metric-data result names.
#[derive(Debug, Clone, PartialEq, Eq)]
struct LabelParts {
    /// None: use the caller's hint.
    function: Option<String>,
    metric: String,
    statistic: Option<String>,
}

/// A statistic CloudWatch writes with a range in brackets (`TM(10%:90%)`, `PR(:300)`,
/// `TC(0.005:0.030)`, `WM(10%:)`): its byte range in `label` and its spelling in upper case.
/// Its `:` and `%` would otherwise split the label or stay in the function's name.
fn range_statistic(label: &str) -> Option<(usize, usize, String)> {
    let upper = label.to_ascii_uppercase();
    ["TM(", "TC(", "TS(", "WM(", "PR("].iter().find_map(|open| {
        let start = upper.find(open)?;
        if label[..start]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric)
        {
            return None;
        }
        let close = start + label[start..].find(')')?;
        let inner = &label[start + open.len()..close];
        let bound = |b: &str| {
            let n = b.trim().trim_end_matches('%');
            n.is_empty() || n.parse::<f64>().is_ok_and(|x| x.is_finite() && x >= 0.0)
        };
        let (lo, hi) = inner.split_once(':').unwrap_or((inner, ""));
        (bound(lo) && bound(hi) && !inner.trim().is_empty())
            .then(|| (start, close + 1, upper[start..=close].replace(' ', "")))
    })
}

/// Applies the label rules in the module docs.
fn describe_result(id: &str, label: &str) -> LabelParts {
    let id = id.trim();
    let label = label.trim();
    // A bracketed range statistic first, then the label without it.
    if let Some((start, end, stat)) = range_statistic(label) {
        let rest = format!("{}{}", &label[..start], &label[end..]);
        let rest = rest.trim().trim_end_matches([':', '/']).trim();
        let parts = describe_result(id, rest);
        return LabelParts {
            statistic: Some(stat),
            ..parts
        };
    }
    if let Some(parts) = convention_label(label) {
        return LabelParts {
            statistic: parts.statistic.or_else(|| id_statistic(id)),
            ..parts
        };
    }
    // An empty label, or one equal to the Id, is not a user-visible label: it names no function.
    let label_names_function = !label.is_empty() && label != id;
    let mut statistic = None;
    let (metric, rest): (Option<&'static str>, String) = match find_metric_word(label) {
        Some((name, start, end)) => {
            let rest = format!("{} {}", &label[..start], &label[end..]);
            (Some(name), rest)
        }
        None => match find_metric_word(id)
            .map(|(name, _, _)| name)
            .or_else(|| id_metric(id))
        {
            Some(name) => (Some(name), label.to_string()),
            None => (None, label.to_string()),
        },
    };
    let words = label_words(&rest, &mut statistic);
    if statistic.is_none() {
        statistic = id_statistic(id);
    }
    match metric {
        Some(metric) => LabelParts {
            function: (label_names_function && !words.is_empty()).then(|| words.join(" ")),
            metric: metric.to_string(),
            statistic,
        },
        None => LabelParts {
            function: None,
            metric: if words.is_empty() {
                if id.is_empty() {
                    label.to_string()
                } else {
                    id.to_string()
                }
            } else {
                words.join(" ")
            },
            statistic,
        },
    }
}

/// Rule 1: `FUNCTION:METRIC[:STAT]` or `FUNCTION/METRIC[/STAT]`.
fn convention_label(label: &str) -> Option<LabelParts> {
    if label.is_empty() || label.contains(char::is_whitespace) {
        return None;
    }
    let sep = if label.contains(':') {
        ':'
    } else if label.contains('/') {
        '/'
    } else {
        return None;
    };
    let parts: Vec<&str> = label.split(sep).collect();
    let ok_part = |p: &&str| {
        !p.is_empty()
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    if !(2..=3).contains(&parts.len()) || !parts.iter().all(ok_part) {
        return None;
    }
    let (function, metric) = (parts[0], parts[1]);
    if function.eq_ignore_ascii_case("aws")
        || is_key_word(function)
        || LAMBDA_METRICS.contains(&function)
        || stat_word(metric).is_some()
    {
        return None;
    }
    let metric = LAMBDA_METRICS
        .iter()
        .find(|m| m.eq_ignore_ascii_case(metric))
        .map_or_else(|| metric.to_string(), |m| m.to_string());
    Some(LabelParts {
        function: Some(function.to_string()),
        metric,
        statistic: parts
            .get(2)
            .map(|s| stat_word(s).unwrap_or_else(|| s.to_string())),
    })
}

/// Rule 2 (case-sensitive part): the longest Lambda metric name found as a whole word, with its
/// byte range in `text`.
fn find_metric_word(text: &str) -> Option<(&'static str, usize, usize)> {
    LAMBDA_METRICS.iter().find_map(|&name| {
        text.match_indices(name).find_map(|(start, _)| {
            let end = start + name.len();
            let before = text[..start].chars().next_back();
            let after = text[end..].chars().next();
            let boundary = |c: Option<char>| !c.is_some_and(char::is_alphanumeric);
            (boundary(before) && boundary(after)).then_some((name, start, end))
        })
    })
}

/// Rule 2 (Id fallback): a Lambda metric name spelled by consecutive Id words, ignoring case
/// (`invocations_orders_api`, `m_duration_p99`, `provisioned_concurrency_invocations`).
fn id_metric(id: &str) -> Option<&'static str> {
    let words: Vec<String> = id_words(id).map(|w| w.to_ascii_lowercase()).collect();
    LAMBDA_METRICS.iter().copied().find(|name| {
        let lname = name.to_ascii_lowercase();
        (0..words.len()).any(|i| {
            let mut acc = String::new();
            for w in &words[i..] {
                acc.push_str(w);
                if acc.len() >= lname.len() {
                    break;
                }
            }
            acc == lname
        })
    })
}

/// Rule 4 for the Id: its first statistic word.
fn id_statistic(id: &str) -> Option<String> {
    id_words(id).find_map(stat_word)
}

/// Splits an Id at non-alphanumeric characters and at camelCase humps (a lower-case letter or
/// digit followed by an upper-case letter).
fn id_words(id: &str) -> impl Iterator<Item = &str> {
    let mut bounds = Vec::new();
    let mut start = None;
    let mut prev: Option<char> = None;
    for (i, c) in id.char_indices() {
        if !c.is_alphanumeric() {
            if let Some(s) = start.take() {
                bounds.push((s, i));
            }
        } else {
            let hump =
                c.is_uppercase() && prev.is_some_and(|p| p.is_lowercase() || p.is_ascii_digit());
            match start {
                Some(s) if hump => {
                    bounds.push((s, i));
                    start = Some(i);
                }
                Some(_) => {}
                None => start = Some(i),
            }
        }
        prev = Some(c);
    }
    if let Some(s) = start {
        bounds.push((s, id.len()));
    }
    bounds.into_iter().map(move |(s, e)| &id[s..e])
}

/// Rule 3: the label words that may name a function. Records the first statistic word met in
/// `statistic` (if unset) and leaves it out, with key words, Lambda metric names and punctuation.
fn label_words(text: &str, statistic: &mut Option<String>) -> Vec<String> {
    let mut kept = Vec::new();
    for word in text.split(|c: char| c.is_whitespace() || LABEL_SEPARATORS.contains(&c)) {
        if word.is_empty() || is_key_word(word) {
            continue;
        }
        let word = match word.find(":function:") {
            Some(i) if word.starts_with("arn:") => &word[i + ":function:".len()..],
            _ => word.strip_prefix("/aws/lambda/").unwrap_or(word),
        };
        let mut parts = Vec::new();
        for part in word.split(':') {
            let part = part.trim_matches(|c| matches!(c, '-' | '.' | '/'));
            if !part.chars().any(char::is_alphanumeric)
                || is_key_word(part)
                || LAMBDA_METRICS.contains(&part)
            {
                continue;
            }
            if let Some(s) = stat_word(part) {
                if statistic.is_none() {
                    *statistic = Some(s);
                }
                continue;
            }
            parts.push(part);
        }
        if !parts.is_empty() {
            kept.push(parts.join(":"));
        }
    }
    kept
}

fn is_key_word(w: &str) -> bool {
    KEY_WORDS.iter().any(|k| k.eq_ignore_ascii_case(w))
}

/// Rule 4: a statistic word, in the spelling AWS uses, or None.
fn stat_word(w: &str) -> Option<String> {
    let lower = w.to_ascii_lowercase();
    let named = match lower.as_str() {
        "sum" => Some("Sum"),
        "average" | "avg" => Some("Average"),
        "maximum" | "max" => Some("Maximum"),
        "minimum" | "min" => Some("Minimum"),
        "samplecount" => Some("SampleCount"),
        "iqm" => Some("IQM"),
        _ => None,
    };
    if let Some(n) = named {
        return Some(n.to_string());
    }
    ["tm", "tc", "ts", "wm", "p"].iter().find_map(|prefix| {
        let num = lower.strip_prefix(prefix)?;
        let plain = !num.is_empty()
            && !num.starts_with('.')
            && !num.ends_with('.')
            && num.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            && num.bytes().filter(|&b| b == b'.').count() <= 1;
        let pct: f64 = if plain {
            num.parse().ok()?
        } else {
            return None;
        };
        (pct <= 100.0).then(|| format!("{prefix}{num}"))
    })
}

// ---------------------------------------------------------------------------------------------
// Values and timestamps

fn json_number(v: &Value) -> Option<f64> {
    let n = match v {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => s.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    n.is_finite().then_some(n)
}

fn json_timestamp_ms(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => epoch_to_ms(n.as_f64()?),
        Value::String(s) => parse_timestamp_ms(s),
        _ => None,
    }
}

/// Largest accepted |epoch ms| (about year 262000, inside chrono's range).
const MAX_EPOCH_MS: f64 = 8.2e15;

/// Epoch seconds / ms / µs / ns (by magnitude, see the module docs) to ms.
fn epoch_to_ms(n: f64) -> Option<i64> {
    if !n.is_finite() || n < 0.0 {
        return None;
    }
    let ms = if n < 1e11 {
        n * 1e3
    } else if n < 1e14 {
        n
    } else if n < 1e17 {
        n / 1e3
    } else {
        n / 1e6
    };
    // The bound check makes the cast exact (no saturation).
    (ms <= MAX_EPOCH_MS).then(|| ms.round() as i64)
}

/// A timestamp string (see the module docs) to UTC epoch ms.
fn parse_timestamp_ms(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if s.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        if let Ok(n) = s.parse::<f64>() {
            return epoch_to_ms(n);
        }
    }
    // Dates need at least `YYYY-MM-DD`.
    if s.len() < 10 || !s.is_char_boundary(4) || !s[..4].bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt.with_timezone(&Utc).timestamp_millis());
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f%:z",
        "%Y-%m-%d %H:%M:%S%.f%:z",
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M%:z",
        "%Y-%m-%d %H:%M%:z",
        "%Y-%m-%d %H:%M:%S%.f %:z",
        "%Y-%m-%d %H:%M:%S%.f %z",
    ] {
        if let Ok(dt) = DateTime::parse_from_str(s, fmt) {
            return Some(dt.with_timezone(&Utc).timestamp_millis());
        }
    }
    // No zone, or `Z` / ` UTC` with a layout RFC 3339 does not take: UTC.
    let naive = s
        .strip_suffix(" UTC")
        .or_else(|| s.strip_suffix(['Z', 'z']))
        .unwrap_or(s)
        .trim_end();
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
        "%Y/%m/%d %H:%M:%S%.f",
        "%Y/%m/%d %H:%M",
    ] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(naive, fmt) {
            return Some(dt.and_utc().timestamp_millis());
        }
    }
    NaiveDate::parse_from_str(naive, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|dt| dt.and_utc().timestamp_millis())
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// At most `max` characters of `s`, with `…` when cut.
pub(crate) fn shorten(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// CSV

/// Column positions of a metrics CSV header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Columns {
    timestamp: usize,
    function: usize,
    metric: usize,
    value: usize,
    unit: Option<usize>,
    statistic: Option<usize>,
    /// `source`, as `faascope export --table metrics` writes it (`file:line` of each point).
    source: Option<usize>,
    count: usize,
}

/// Reads a header line. Names are compared ignoring case and surrounding spaces; accepted
/// spellings: `timestamp`/`time`, `function`/`function_name`/`functionname`,
/// `metric`/`metric_name`/`metricname`, `value`, `unit`, `statistic`/`stat`. Other columns are
/// allowed and ignored; the first of duplicate names wins. Err lists the required columns missing.
fn header_columns(line: &str) -> Result<Columns, String> {
    let line = line.strip_prefix('\u{feff}').unwrap_or(line);
    let line = line.trim_end_matches(['\r', '\n']);
    let fields = split_csv_line(line).ok_or_else(|| "unterminated quoted field".to_string())?;
    let find = |names: &[&str]| {
        fields
            .iter()
            .position(|f| names.iter().any(|n| f.trim().eq_ignore_ascii_case(n)))
    };
    let timestamp = find(&["timestamp", "time"]);
    let function = find(&["function", "function_name", "functionname"]);
    let metric = find(&["metric", "metric_name", "metricname"]);
    let value = find(&["value"]);
    match (timestamp, function, metric, value) {
        (Some(timestamp), Some(function), Some(metric), Some(value)) => Ok(Columns {
            timestamp,
            function,
            metric,
            value,
            unit: find(&["unit"]),
            statistic: find(&["statistic", "stat"]),
            source: find(&["source"]),
            count: fields.len(),
        }),
        _ => {
            let missing: Vec<&str> = [
                ("timestamp", timestamp),
                ("function", function),
                ("metric", metric),
                ("value", value),
            ]
            .iter()
            .filter(|(_, pos)| pos.is_none())
            .map(|(name, _)| *name)
            .collect();
            Err(format!("missing column(s) {}", missing.join(", ")))
        }
    }
}

/// True when `first_line` is a metrics CSV header: it names (in any order, any case) the columns
/// `timestamp`, `function`, `metric` and `value`; `unit` and `statistic` are optional. A leading
/// byte-order mark and a trailing CR are ignored.
pub fn looks_like_metrics_csv(first_line: &str) -> bool {
    header_columns(first_line).is_ok()
}

/// Reads a metrics CSV (`timestamp,function,metric,value,unit`, header required, see
/// [`looks_like_metrics_csv`]; optional `statistic` column) into `out`.
///
/// Accepts a UTF-8 byte-order mark, LF or CRLF line ends and RFC 4180 quoting (`"a,b"`,
/// `"say ""hi"""`); a quoted field cannot span lines. Blank lines are ignored; the first non-blank
/// line is the header. Fields are trimmed; an empty `unit`/`statistic` cell is None. Rows with a
/// wrong column count, an unterminated quote, a bad number, a bad timestamp or an empty
/// function/metric are skipped, each with a [`MetricsSkip`] naming the column and its 1-based file
/// line.
pub fn parse_metrics_csv(text: &str, file: &Arc<str>, out: &mut MetricsOut) {
    csv_rows(text, file, out);
    skip_negative_lambda_points(out);
}

fn csv_rows(text: &str, file: &Arc<str>, out: &mut MetricsOut) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .zip(1u64..)
        .filter(|(l, _)| !l.trim().is_empty());
    let Some((header, header_line)) = lines.next() else {
        return;
    };
    let skip = |out: &mut MetricsOut, line, reason, detail| {
        out.skipped.push(MetricsSkip {
            line,
            reason,
            detail,
        })
    };
    let cols = match header_columns(header) {
        Ok(c) => c,
        Err(why) => {
            skip(out, header_line, "not a metrics CSV header", why);
            return;
        }
    };
    let mut functions: HashMap<String, Arc<str>> = HashMap::new();
    let mut origins: HashMap<String, Arc<str>> = HashMap::new();
    for (row, line) in lines {
        let Some(fields) = split_csv_line(row) else {
            skip(out, line, "unterminated quoted field", shorten(row, 80));
            continue;
        };
        if fields.len() != cols.count {
            skip(
                out,
                line,
                "wrong column count",
                format!("expected {} fields, found {}", cols.count, fields.len()),
            );
            continue;
        }
        let cell = |i: usize| fields.get(i).map_or("", |f| f.trim());
        let optional = |i: Option<usize>| i.map(cell).filter(|s| !s.is_empty());
        let Some(timestamp) = parse_timestamp_ms(cell(cols.timestamp)) else {
            let raw = shorten(cell(cols.timestamp), 80);
            skip(out, line, "bad timestamp in column timestamp", raw);
            continue;
        };
        let Some(value) = cell(cols.value)
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
        else {
            let raw = shorten(cell(cols.value), 80);
            skip(out, line, "bad number in column value", raw);
            continue;
        };
        let function = cell(cols.function);
        if function.is_empty() {
            skip(out, line, "empty column function", String::new());
            continue;
        }
        let metric = cell(cols.metric);
        if metric.is_empty() {
            skip(out, line, "empty column metric", String::new());
            continue;
        }
        let function = functions
            .entry(function.to_string())
            .or_insert_with(|| Arc::from(function))
            .clone();
        out.points.push(MetricPoint {
            timestamp,
            function,
            metric: metric.to_string(),
            statistic: optional(cols.statistic).map(str::to_string),
            value,
            unit: optional(cols.unit).map(str::to_string),
            // A point of faascope's own export keeps the place it was read from first: its
            // series is that file's, so series of several periods merged into one export are
            // told apart again when it is read back, and a point read from both the export and
            // its original is one (ninth-round traces review: hourly and per-minute Throttles
            // in one export counted 2,274 where the originals give 1,794).
            // The place is named through this file (`export.csv > get-metric-data.json:3`): two
            // exports of same-named files from different pulls stay two series (verification
            // of ea65f6c: they merged, 26 for 17).
            source: match optional(cols.source).and_then(origin_of) {
                Some((origin, at)) => SourceRef {
                    file: origins
                        .entry(origin.to_string())
                        .or_insert_with(|| Arc::from(format!("{file} > {origin}")))
                        .clone(),
                    line: at,
                },
                None => SourceRef {
                    file: Arc::clone(file),
                    line,
                },
            },
        });
    }
}

/// `file:line` of a metrics CSV's `source` cell, as faascope's export writes it.
fn origin_of(cell: &str) -> Option<(&str, u64)> {
    let (file, line) = cell.rsplit_once(':')?;
    let line = line.parse().ok()?;
    (!file.is_empty()).then_some((file, line))
}

/// Splits one CSV line into fields (RFC 4180 quoting: `"a,b"`, `""` for a quote inside quotes;
/// spaces before an opening quote are dropped). None when a quote is left open.
///
/// Hand-written rather than the `csv` crate: one small, fixed format does not warrant a
/// dependency, and per-line splitting keeps a stray quote from swallowing the rest of the file.
fn split_csv_line(line: &str) -> Option<Vec<String>> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut in_quotes = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            if c != '"' {
                cur.push(c);
            } else if chars.peek() == Some(&'"') {
                chars.next();
                cur.push('"');
            } else {
                in_quotes = false;
            }
        } else {
            match c {
                ',' => fields.push(std::mem::take(&mut cur)),
                '"' if cur.trim().is_empty() => {
                    cur.clear();
                    in_quotes = true;
                }
                _ => cur.push(c),
            }
        }
    }
    if in_quotes {
        return None;
    }
    fields.push(cur);
    Some(fields)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// 2025-09-02T14:00:00Z.
    const T1400: i64 = 1_756_821_600_000;
    const MIN: i64 = 60_000;

    /// `aws cloudwatch get-metric-data` (CLI v2) for two functions, one-minute period, newest
    /// first, with the label styles users write.
    const GET_METRIC_DATA: &str = r#"{
    "MetricDataResults": [
        {
            "Id": "m1",
            "Label": "orders-api:Invocations:Sum",
            "Timestamps": [
                "2025-09-02T14:05:00+00:00",
                "2025-09-02T14:04:00+00:00",
                "2025-09-02T14:03:00+00:00"
            ],
            "Values": [412.0, 398.0, 405.0],
            "StatusCode": "Complete"
        },
        {
            "Id": "m2",
            "Label": "orders-api/Duration/p99",
            "Timestamps": [
                "2025-09-02T14:05:00+00:00",
                "2025-09-02T14:04:00+00:00",
                "2025-09-02T14:03:00+00:00"
            ],
            "Values": [812.4, 790.13, 1203.77],
            "StatusCode": "Complete"
        },
        {
            "Id": "e1",
            "Label": "payments-worker Errors",
            "Timestamps": [
                "2025-09-02T14:05:00+00:00",
                "2025-09-02T14:04:00+00:00",
                "2025-09-02T14:03:00+00:00"
            ],
            "Values": [2.0, 0.0, 1.0],
            "StatusCode": "Complete"
        },
        {
            "Id": "d_avg",
            "Label": "payments-worker Duration",
            "Timestamps": [
                "2025-09-02T14:05:00+00:00",
                "2025-09-02T14:04:00+00:00"
            ],
            "Values": [1830.52, 1764.09],
            "StatusCode": "Complete"
        },
        {
            "Id": "t1",
            "Label": "payments-worker p99.9 Duration",
            "Timestamps": ["2025-09-02T14:05:00+00:00"],
            "Values": [5920.0],
            "StatusCode": "Complete"
        },
        {
            "Id": "throttles_sum",
            "Label": "Throttles",
            "Timestamps": ["2025-09-02T14:05:00+00:00", "2025-09-02T14:04:00+00:00"],
            "Values": [0.0, 3.0],
            "StatusCode": "Complete"
        },
        {
            "Id": "c1",
            "Label": "{\"FunctionName\": \"orders-api\", \"MetricName\": \"ConcurrentExecutions\", \"Stat\": \"Maximum\"}",
            "Timestamps": ["2025-09-02T14:05:00+00:00"],
            "Values": [37.0],
            "StatusCode": "Complete"
        }
    ],
    "Messages": []
}"#;

    /// Second page of a query (`NextToken`), PartialData, and an entry in CLI v1 `Z` form.
    const GET_METRIC_DATA_PARTIAL: &str = r#"{"MetricDataResults":[{"Id":"invocations_orders_api","Label":"orders-api","Timestamps":["2025-09-02T14:02:00Z","2025-09-02T14:01:00Z"],"Values":[399.0,401.0],"StatusCode":"PartialData","Messages":[]}],"NextToken":"eyJleHBpcmF0aW9uIjoxNzU2ODIyMDAwfQ==","Messages":[]}"#;

    /// Arrays of different lengths; a failed query; bad pairs; epoch timestamps.
    const GET_METRIC_DATA_BROKEN: &str = r#"{
  "MetricDataResults": [
    {"Id": "m1", "Label": "payments-worker:Invocations:Sum",
     "Timestamps": ["2025-09-02T14:05:00Z", "2025-09-02T14:04:00Z", "2025-09-02T14:03:00Z"],
     "Values": [88.0, 91.0], "StatusCode": "Complete"},
    {"Id": "m2", "Label": "payments-worker:Errors:Sum", "Timestamps": [], "Values": [],
     "StatusCode": "Forbidden",
     "Messages": [{"Code": "AccessDenied", "Value": "not authorized to perform cloudwatch:GetMetricData"}]},
    {"Id": "m3", "Label": "payments-worker:Duration:Maximum",
     "Timestamps": [1756821900, 1756821840000, "yesterday", "2025-09-02T14:02:00"],
     "Values": [2210.5, 2105.0, 17.0, "n/a"], "StatusCode": "Complete"},
    {"Id": "m4", "Label": "payments-worker:Throttles:Sum", "StatusCode": "InternalError"},
    "oops",
    {"StatusCode": "Complete", "Timestamps": [], "Values": []}
  ],
  "Messages": []
}"#;

    /// `aws cloudwatch get-metric-statistics --statistics Average Maximum` (CLI v2).
    const GET_METRIC_STATISTICS: &str = r#"{
    "Label": "Duration",
    "Datapoints": [
        {
            "Timestamp": "2025-09-02T14:00:00+00:00",
            "Average": 231.58,
            "Maximum": 1480.2,
            "Unit": "Milliseconds"
        },
        {
            "Timestamp": "2025-09-02T14:05:00+00:00",
            "Average": 198.4,
            "Maximum": 902.7,
            "Unit": "Milliseconds"
        }
    ]
}"#;

    /// `get-metric-statistics --statistics SampleCount Sum --extended-statistics p50 p99` (CLI v1).
    const GET_METRIC_STATISTICS_EXTENDED: &str = r#"{
    "Datapoints": [
        {
            "Timestamp": "2025-09-02T14:00:00Z",
            "SampleCount": 1204.0,
            "Sum": 278804.9,
            "Unit": "Milliseconds",
            "ExtendedStatistics": {"p50": 148.2, "p99": 1120.5}
        },
        {"Timestamp": "2025-09-02T14:05:00Z", "Unit": "Milliseconds"},
        {"Timestamp": "soon", "Sum": 1.0},
        {"Timestamp": "2025-09-02T14:10:00Z", "Sum": "lots", "Unit": "Milliseconds"}
    ],
    "Label": "Duration"
}"#;

    /// Metrics CSV: BOM, CRLF, quoting, a blank line and bad rows.
    const CSV: &str = "\u{feff}timestamp,function,metric,value,unit\r\n\
        2025-09-02T14:03:00Z,orders-api,Duration,812.4,Milliseconds\r\n\
        2025-09-02T14:03:00+00:00,\"orders-api\",Invocations,405,Count\r\n\
        \r\n\
        \"2025-09-02 14:04:00\",\"orders, api\",\"Errors\",\"1\",\"Count\"\r\n\
        2025-09-02T14:04:00Z,orders-api,Errors,one,Count\r\n\
        2025-09-02T14:04:00Z,orders-api,Errors,1\r\n\
        14:04,orders-api,Errors,1,Count\r\n\
        2025-09-02T14:05:00Z,\"orders-api,Errors,1,Count\r\n\
        1756822020,payments-worker,Throttles,0,\r\n\
        2025-09-02T14:05:00Z,,Throttles,0,Count\r\n\
        2025-09-02T14:05:00Z,payments-worker,,0,Count\r\n";

    /// Columns in another order, a `statistic` column, an extra column, no unit column.
    const CSV_REORDERED: &str = "Metric,Value,Function,Timestamp,Statistic,Note\n\
        Duration,1203.77,payments-worker,1756821780,p99,\"cold start, after deploy\"\n\
        Errors,2,payments-worker,1756821780000,Sum,\"said \"\"retry\"\"\"\n\
        ConcurrentExecutions,37, orders-api ,2025-09-02T16:03:00+02:00,Maximum,\n";

    fn file() -> Arc<str> {
        Arc::from("metrics.json")
    }

    fn parse_json(text: &str, hint: &str) -> MetricsOut {
        let v: Value = serde_json::from_str(text).expect("fixture is valid JSON");
        assert!(is_metrics_value(&v));
        let mut out = MetricsOut::default();
        parse_metrics_value(&v, &file(), 7, hint, &mut out);
        out
    }

    /// (function, metric, statistic, timestamp, value, unit)
    type Row<'a> = (&'a str, &'a str, Option<&'a str>, i64, f64, Option<&'a str>);

    fn rows(out: &MetricsOut) -> Vec<Row<'_>> {
        out.points
            .iter()
            .map(|p| {
                (
                    &*p.function,
                    p.metric.as_str(),
                    p.statistic.as_deref(),
                    p.timestamp,
                    p.value,
                    p.unit.as_deref(),
                )
            })
            .collect()
    }

    fn reasons(out: &MetricsOut) -> Vec<(u64, &'static str)> {
        out.skipped.iter().map(|s| (s.line, s.reason)).collect()
    }

    #[test]
    fn get_metric_data_two_functions() {
        let out = parse_json(GET_METRIC_DATA, "lambda-metrics");
        assert!(out.skipped.is_empty(), "{:?}", out.skipped);
        let t = |m: i64| T1400 + m * MIN;
        assert_eq!(
            rows(&out),
            vec![
                ("orders-api", "Invocations", Some("Sum"), t(5), 412.0, None),
                ("orders-api", "Invocations", Some("Sum"), t(4), 398.0, None),
                ("orders-api", "Invocations", Some("Sum"), t(3), 405.0, None),
                ("orders-api", "Duration", Some("p99"), t(5), 812.4, None),
                ("orders-api", "Duration", Some("p99"), t(4), 790.13, None),
                ("orders-api", "Duration", Some("p99"), t(3), 1203.77, None),
                ("payments-worker", "Errors", None, t(5), 2.0, None),
                ("payments-worker", "Errors", None, t(4), 0.0, None),
                ("payments-worker", "Errors", None, t(3), 1.0, None),
                (
                    "payments-worker",
                    "Duration",
                    Some("Average"),
                    t(5),
                    1830.52,
                    None
                ),
                (
                    "payments-worker",
                    "Duration",
                    Some("Average"),
                    t(4),
                    1764.09,
                    None
                ),
                (
                    "payments-worker",
                    "Duration",
                    Some("p99.9"),
                    t(5),
                    5920.0,
                    None
                ),
                ("lambda-metrics", "Throttles", Some("Sum"), t(5), 0.0, None),
                ("lambda-metrics", "Throttles", Some("Sum"), t(4), 3.0, None),
                (
                    "orders-api",
                    "ConcurrentExecutions",
                    Some("Maximum"),
                    t(5),
                    37.0,
                    None
                ),
            ]
        );
        let p = &out.points[0];
        assert_eq!(p.source.to_string(), "metrics.json:7");
        // One result shares one function name.
        assert!(Arc::ptr_eq(
            &out.points[0].function,
            &out.points[2].function
        ));
    }

    #[test]
    fn get_metric_data_partial_page_keeps_points() {
        let out = parse_json(GET_METRIC_DATA_PARTIAL, "orders");
        assert!(out.skipped.is_empty(), "{:?}", out.skipped);
        assert_eq!(
            rows(&out),
            vec![
                (
                    "orders-api",
                    "Invocations",
                    None,
                    T1400 + 2 * MIN,
                    399.0,
                    None
                ),
                ("orders-api", "Invocations", None, T1400 + MIN, 401.0, None),
            ]
        );
    }

    #[test]
    fn get_metric_data_broken_entries() {
        let out = parse_json(GET_METRIC_DATA_BROKEN, "");
        // The Invocations series has three times for two values: skipped whole (which value
        // goes with which time cannot be told).
        assert_eq!(
            rows(&out),
            vec![
                (
                    "payments-worker",
                    "Duration",
                    Some("Maximum"),
                    T1400 + 5 * MIN,
                    2210.5,
                    None
                ),
                (
                    "payments-worker",
                    "Duration",
                    Some("Maximum"),
                    T1400 + 4 * MIN,
                    2105.0,
                    None
                ),
            ]
        );
        assert_eq!(
            reasons(&out),
            vec![
                (7, "Timestamps and Values differ in length"),
                (7, "metric query failed"),
                (7, "bad timestamp"),
                (7, "bad value"),
                (7, "metric query failed"),
                (7, "missing Timestamps or Values"),
                (7, "MetricDataResults entry is not an object"),
                (7, "metric result has no Id or Label"),
            ]
        );
        assert_eq!(
            out.skipped[0].detail,
            "payments-worker:Invocations:Sum: 3 timestamps, 2 values"
        );
        assert!(out.skipped[1].detail.contains("Forbidden"));
        assert!(out.skipped[1].detail.contains("AccessDenied"));
        assert!(out.skipped[2].detail.contains("yesterday"));
        assert!(out.skipped[3].detail.contains("n/a"));
    }

    #[test]
    fn get_metric_statistics() {
        let out = parse_json(GET_METRIC_STATISTICS, "orders-api");
        assert!(out.skipped.is_empty(), "{:?}", out.skipped);
        let ms = Some("Milliseconds");
        assert_eq!(
            rows(&out),
            vec![
                ("orders-api", "Duration", Some("Average"), T1400, 231.58, ms),
                ("orders-api", "Duration", Some("Maximum"), T1400, 1480.2, ms),
                (
                    "orders-api",
                    "Duration",
                    Some("Average"),
                    T1400 + 5 * MIN,
                    198.4,
                    ms
                ),
                (
                    "orders-api",
                    "Duration",
                    Some("Maximum"),
                    T1400 + 5 * MIN,
                    902.7,
                    ms
                ),
            ]
        );
    }

    #[test]
    fn get_metric_statistics_extended_and_bad_datapoints() {
        let out = parse_json(GET_METRIC_STATISTICS_EXTENDED, "payments-worker");
        let ms = Some("Milliseconds");
        let f = "payments-worker";
        assert_eq!(
            rows(&out),
            vec![
                (f, "Duration", Some("Sum"), T1400, 278804.9, ms),
                (f, "Duration", Some("SampleCount"), T1400, 1204.0, ms),
                (f, "Duration", Some("p50"), T1400, 148.2, ms),
                (f, "Duration", Some("p99"), T1400, 1120.5, ms),
            ]
        );
        assert_eq!(
            reasons(&out),
            vec![
                (7, "datapoint has no statistic values"),
                (7, "bad timestamp"),
                (7, "bad value"),
            ]
        );
    }

    #[test]
    fn get_metric_statistics_without_label() {
        let v =
            serde_json::json!({"Datapoints": [{"Timestamp": "2025-09-02T14:00:00Z", "Sum": 1.0}]});
        let mut out = MetricsOut::default();
        parse_metrics_value(&v, &file(), 1, "f", &mut out);
        assert!(out.points.is_empty());
        assert_eq!(
            reasons(&out),
            vec![(1, "get-metric-statistics output has no Label")]
        );
        // No datapoints, no label (an empty time range): nothing to report.
        let v = serde_json::json!({"Datapoints": []});
        let mut out = MetricsOut::default();
        parse_metrics_value(&v, &file(), 1, "f", &mut out);
        assert_eq!(out, MetricsOut::default());
    }

    #[test]
    fn arrays_of_outputs_and_bare_results() {
        let page: Value = serde_json::from_str(GET_METRIC_DATA_PARTIAL).unwrap();
        let stats: Value = serde_json::from_str(GET_METRIC_STATISTICS).unwrap();
        let bare = page["MetricDataResults"].clone();
        for (v, n) in [
            (Value::Array(vec![page.clone(), stats.clone()]), 6),
            (bare.clone(), 2),
        ] {
            assert!(is_metrics_value(&v));
            let mut out = MetricsOut::default();
            parse_metrics_value(&v, &file(), 1, "orders-api", &mut out);
            assert_eq!(out.points.len(), n);
            assert!(out.skipped.is_empty(), "{:?}", out.skipped);
        }
    }

    #[test]
    fn detection() {
        let yes = |s: &str| is_metrics_value(&serde_json::from_str::<Value>(s).unwrap());
        assert!(yes(GET_METRIC_DATA));
        assert!(yes(GET_METRIC_STATISTICS_EXTENDED));
        assert!(yes(r#"{"MetricDataResults": [], "Messages": []}"#));
        assert!(yes(r#"{"Label": "Errors", "Datapoints": []}"#));
        assert!(yes(r#"[{"Id": "m1", "Timestamps": [], "Values": []}]"#));
        assert!(!yes(
            r#"{"events": [{"timestamp": 1, "message": "REPORT"}]}"#
        ));
        assert!(!yes(r#"{"Traces": [{"Id": "1-abc", "Segments": []}]}"#));
        assert!(!yes(r#"{"MetricDataResults": "none"}"#));
        assert!(!yes(r#"[]"#));
        assert!(!yes(r#"[{"MetricDataResults": []}, 3]"#));
        assert!(!yes(r#""Datapoints""#));
    }

    #[test]
    fn not_metrics_values_are_skipped() {
        let mut out = MetricsOut::default();
        for v in [
            serde_json::json!(null),
            serde_json::json!({"events": []}),
            serde_json::json!([1, {"a": 2}]),
            serde_json::json!({"MetricDataResults": {"Id": "m1"}}),
            serde_json::json!({"Datapoints": "x"}),
        ] {
            parse_metrics_value(&v, &file(), 3, "f", &mut out);
        }
        assert!(out.points.is_empty());
        assert_eq!(
            out.skipped.iter().map(|s| s.reason).collect::<Vec<_>>(),
            vec![
                "not CloudWatch metrics output",
                "not CloudWatch metrics output",
                "not CloudWatch metrics output",
                "not CloudWatch metrics output",
                "MetricDataResults is not an array",
                "Datapoints is not an array",
            ]
        );
    }

    #[test]
    fn label_rules() {
        // (Id, Label) -> (function or None for the hint, metric, statistic)
        type Case<'a> = (&'a str, &'a str, Option<&'a str>, &'a str, Option<&'a str>);
        let cases: &[Case] = &[
            // Rule 1: the faascope convention.
            (
                "m1",
                "orders-api:Invocations:Sum",
                Some("orders-api"),
                "Invocations",
                Some("Sum"),
            ),
            (
                "m1",
                "orders-api/Duration/p99",
                Some("orders-api"),
                "Duration",
                Some("p99"),
            ),
            (
                "m1",
                "orders_api:duration:P95",
                Some("orders_api"),
                "Duration",
                Some("p95"),
            ),
            (
                "m1",
                "orders-api:ColdStarts",
                Some("orders-api"),
                "ColdStarts",
                None,
            ),
            (
                "m_p90",
                "orders-api:Duration",
                Some("orders-api"),
                "Duration",
                Some("p90"),
            ),
            (
                "m1",
                "orders-api:Duration:tm99",
                Some("orders-api"),
                "Duration",
                Some("tm99"),
            ),
            ("m1", "Duration:p99", None, "Duration", Some("p99")),
            ("m1", "AWS/Lambda", None, "m1", None),
            ("m1", "FunctionName:orders-api", None, "orders-api", None),
            // Rule 2/3: Lambda metric names as whole words, the rest names the function.
            ("m1", "Duration", None, "Duration", None),
            (
                "m1",
                "orders-api Duration",
                Some("orders-api"),
                "Duration",
                None,
            ),
            (
                "m1",
                "orders-api p99 Duration",
                Some("orders-api"),
                "Duration",
                Some("p99"),
            ),
            (
                "m1",
                "orders-api Duration p99.9",
                Some("orders-api"),
                "Duration",
                Some("p99.9"),
            ),
            (
                "m1",
                "orders-api Errors (Sum)",
                Some("orders-api"),
                "Errors",
                Some("Sum"),
            ),
            (
                "m1",
                "orders-api-Errors",
                Some("orders-api"),
                "Errors",
                None,
            ),
            (
                "m1",
                "orders-api Duration Max",
                Some("orders-api"),
                "Duration",
                Some("Maximum"),
            ),
            (
                "m1",
                "ProvisionedConcurrencyInvocations orders-api",
                Some("orders-api"),
                "ProvisionedConcurrencyInvocations",
                None,
            ),
            (
                "m1",
                "UnreservedConcurrentExecutions",
                None,
                "UnreservedConcurrentExecutions",
                None,
            ),
            (
                "m1",
                "PostRuntimeExtensionsDuration",
                None,
                "PostRuntimeExtensionsDuration",
                None,
            ),
            ("m1", "AWS/Lambda Duration", None, "Duration", None),
            (
                "m1",
                "orders-api:prod Invocations",
                Some("orders-api:prod"),
                "Invocations",
                None,
            ),
            (
                "m1",
                "arn:aws:lambda:us-east-1:123456789012:function:orders-api Throttles",
                Some("orders-api"),
                "Throttles",
                None,
            ),
            (
                "m1",
                "/aws/lambda/payments-worker IteratorAge Maximum",
                Some("payments-worker"),
                "IteratorAge",
                Some("Maximum"),
            ),
            (
                "m1",
                r#"{"FunctionName":"orders-api","MetricName":"Duration","Stat":"p95"}"#,
                Some("orders-api"),
                "Duration",
                Some("p95"),
            ),
            (
                "m1",
                "FunctionName=orders-api Errors Sum",
                Some("orders-api"),
                "Errors",
                Some("Sum"),
            ),
            (
                "m1",
                r#"[{"Name":"FunctionName","Value":"orders-api"}] Invocations"#,
                Some("orders-api"),
                "Invocations",
                None,
            ),
            ("m1", "Errors / Invocations", None, "Invocations", None),
            // Metric in the Id: case-sensitive, then snake/camel words ignoring case.
            ("Errors", "orders-api", Some("orders-api"), "Errors", None),
            (
                "invocations_orders_api",
                "Invocations",
                None,
                "Invocations",
                None,
            ),
            (
                "invocations_orders_api",
                "orders-api",
                Some("orders-api"),
                "Invocations",
                None,
            ),
            (
                "invocations_orders_api",
                "invocations_orders_api",
                None,
                "Invocations",
                None,
            ),
            (
                "m_duration_p99",
                "m_duration_p99",
                None,
                "Duration",
                Some("p99"),
            ),
            ("m_duration_p99", "", None, "Duration", Some("p99")),
            (
                "ordersApiDurationMax",
                "orders-api",
                Some("orders-api"),
                "Duration",
                Some("Maximum"),
            ),
            (
                "provisioned_concurrency_invocations",
                "",
                None,
                "ProvisionedConcurrencyInvocations",
                None,
            ),
            ("m_errorsx", "", None, "m_errorsx", None),
            // No Lambda metric: custom metric from the label, or the Id.
            ("m1", "ColdStarts", None, "ColdStarts", None),
            (
                "m1",
                "orders-api ColdStarts p90",
                None,
                "orders-api ColdStarts",
                Some("p90"),
            ),
            ("m1", "duration", None, "duration", None),
            ("cold_starts", "", None, "cold_starts", None),
            ("m1", "p99", None, "m1", Some("p99")),
            // CloudWatch's bracketed range statistics (third-round ingestion review: the
            // function read `orders-api TM 10%:90%` with no statistic).
            (
                "m2",
                "orders-api Duration TM(10%:90%)",
                Some("orders-api"),
                "Duration",
                Some("TM(10%:90%)"),
            ),
            (
                "m3",
                "orders-api:Duration:tm(10%:90%)",
                Some("orders-api"),
                "Duration",
                Some("TM(10%:90%)"),
            ),
            (
                "m4",
                "orders-api Duration PR(:300)",
                Some("orders-api"),
                "Duration",
                Some("PR(:300)"),
            ),
            // Not a statistic: a word ending in the letters, or no bounds.
            (
                "m5",
                "orders-api Duration ATM(1:2)",
                Some("orders-api ATM 1:2"),
                "Duration",
                None,
            ),
        ];
        for &(id, label, function, metric, statistic) in cases {
            let got = describe_result(id, label);
            let want = LabelParts {
                function: function.map(str::to_string),
                metric: metric.to_string(),
                statistic: statistic.map(str::to_string),
            };
            assert_eq!(got, want, "Id {id:?} Label {label:?}");
        }
    }

    #[test]
    fn hint_used_when_label_names_no_function() {
        let v = serde_json::json!({"MetricDataResults": [
            {"Id": "m1", "Label": "Invocations", "Timestamps": [1756821600], "Values": [5]}
        ]});
        for (hint, want) in [("orders-api", "orders-api"), (" ", ""), ("", "")] {
            let mut out = MetricsOut::default();
            parse_metrics_value(&v, &file(), 1, hint, &mut out);
            assert_eq!(&*out.points[0].function, want);
            assert_eq!(out.points[0].timestamp, T1400);
        }
    }

    #[test]
    fn negative_lambda_metrics_are_skips() {
        let text = "timestamp,function,metric,value,unit\n\
            2025-09-02T14:00:00Z,f,Throttles,-3,Count\n\
            2025-09-02T14:01:00Z,f,Throttles,2,Count\n\
            2025-09-02T14:01:00Z,f,MyCustomDelta,-7,None\n";
        let mut out = MetricsOut::default();
        parse_metrics_csv(text, &Arc::from("m.csv"), &mut out);
        let kept: Vec<(&str, f64)> = out
            .points
            .iter()
            .map(|p| (p.metric.as_str(), p.value))
            .collect();
        assert_eq!(kept, [("Throttles", 2.0), ("MyCustomDelta", -7.0)]);
        assert_eq!(out.skipped.len(), 1);
        assert_eq!(out.skipped[0].line, 2);
        assert_eq!(
            out.skipped[0].reason,
            "negative value for an AWS/Lambda metric"
        );
    }

    #[test]
    fn metric_names_longest_first() {
        for pair in LAMBDA_METRICS.windows(2) {
            assert!(pair[0].len() >= pair[1].len(), "{pair:?}");
        }
    }

    #[test]
    fn statistic_words() {
        for (w, want) in [
            ("Sum", Some("Sum")),
            ("avg", Some("Average")),
            ("SAMPLECOUNT", Some("SampleCount")),
            ("p99", Some("p99")),
            ("P99.9", Some("p99.9")),
            ("p100", Some("p100")),
            ("TM90", Some("tm90")),
            ("wm99", Some("wm99")),
            ("p101", None),
            ("p", None),
            ("p9.", None),
            ("p.9", None),
            ("p9.9.9", None),
            ("p99-service", None),
            ("m1", None),
            ("", None),
        ] {
            assert_eq!(stat_word(w).as_deref(), want, "{w:?}");
        }
    }

    #[test]
    fn timestamps() {
        let t = T1400 + 3 * MIN;
        for s in [
            "2025-09-02T14:03:00Z",
            "2025-09-02T14:03:00+00:00",
            "2025-09-02T14:03:00.000Z",
            "2025-09-02T16:03:00+02:00",
            "2025-09-02T09:03:00-0500",
            "2025-09-02T14:03:00",
            "2025-09-02 14:03:00",
            "2025-09-02 14:03:00+00:00",
            "2025-09-02 14:03:00 +00:00",
            "2025-09-02 14:03:00 UTC",
            "2025-09-02T14:03Z",
            "2025-09-02 14:03",
            "2025/09/02 14:03:00",
            " 2025-09-02T14:03:00Z ",
            "1756821780",
            "1756821780.0",
            "1756821780000",
            "1756821780000000",
        ] {
            assert_eq!(parse_timestamp_ms(s), Some(t), "{s:?}");
        }
        assert_eq!(
            parse_timestamp_ms("2025-09-02T14:03:00.250Z"),
            Some(t + 250)
        );
        assert_eq!(parse_timestamp_ms("2025-09-02"), Some(1_756_771_200_000));
        // Small numbers are epoch seconds too (synthetic data starting at 0).
        assert_eq!(parse_timestamp_ms("60"), Some(60_000));
        for s in [
            "",
            "yesterday",
            "14:03",
            "-1756821780",
            "NaN",
            "inf",
            "1e400",
            "2025-13-02",
            "2025-09-02T25:00:00Z",
            "２０２５-09-02",
            "é2025-09-02",
        ] {
            assert_eq!(parse_timestamp_ms(s), None, "{s:?}");
        }
        assert_eq!(json_timestamp_ms(&serde_json::json!(1756821780)), Some(t));
        assert_eq!(
            json_timestamp_ms(&serde_json::json!(1756821780000u64)),
            Some(t)
        );
        assert_eq!(
            json_timestamp_ms(&serde_json::json!(1.756_821_78e9)),
            Some(t)
        );
        assert_eq!(json_timestamp_ms(&serde_json::json!(1e30)), None);
        assert_eq!(json_timestamp_ms(&serde_json::json!(true)), None);
    }

    fn parse_csv(text: &str) -> MetricsOut {
        let mut out = MetricsOut::default();
        parse_metrics_csv(text, &Arc::from("metrics.csv"), &mut out);
        out
    }

    /// Ninth-round traces review: an export of hourly and per-minute Throttles in one CSV,
    /// read back, was one series (the minutes inside an hour counted twice: 26 for 17); each
    /// point keeps the place its `source` names, so the series are told apart again.
    #[test]
    fn an_exported_metrics_csv_keeps_each_points_origin() {
        let mut csv = String::from("timestamp,function,metric,statistic,value,unit,source\n");
        let hour = 1_756_684_800_000i64;
        csv += &format!("{hour},fx,Throttles,Sum,10.0,,hourly.json:3\n");
        csv += &format!("{},fx,Throttles,Sum,7.0,,hourly.json:3\n", hour + 3_600_000);
        for m in 0..10 {
            csv += &format!(
                "{},fx,Throttles,Sum,1.0,,minutes.json:3\n",
                hour + m * 60_000
            );
        }
        let out = parse_csv(&csv);
        assert_eq!(out.points.len(), 12, "{:?}", out.skipped);
        assert_eq!(
            out.points[0].source.to_string(),
            "metrics.csv > hourly.json:3"
        );
        let totals = crate::analytics::metric_totals::counter_totals(&out.points, "Throttles");
        assert_eq!(totals.values().copied().collect::<Vec<_>>(), [17.0]);
        // Two exports naming the same file (pulled into two folders) are two series.
        let mut two = MetricsOut::default();
        let (hourly, minutes): (Vec<&str>, Vec<&str>) =
            csv.lines().skip(1).partition(|l| l.contains("hourly"));
        let head = "timestamp,function,metric,statistic,value,unit,source\n";
        let renamed = |rows: &[&str]| {
            head.to_string()
                + &rows
                    .iter()
                    .map(|r| r.replace("minutes.json", "hourly.json") + "\n")
                    .collect::<String>()
        };
        parse_metrics_csv(&renamed(&hourly), &Arc::from("a/export.csv"), &mut two);
        parse_metrics_csv(&renamed(&minutes), &Arc::from("b/export.csv"), &mut two);
        let totals = crate::analytics::metric_totals::counter_totals(&two.points, "Throttles");
        assert_eq!(totals.values().copied().collect::<Vec<_>>(), [17.0]);
        // A `source` that names no place is no origin: the CSV's own line.
        let out = parse_csv(
            "timestamp,function,metric,value,source\n1756684800000,fx,Throttles,1,manual\n",
        );
        assert_eq!(out.points[0].source.to_string(), "metrics.csv:2");
    }

    #[test]
    fn csv_quoting_bad_rows_crlf_bom() {
        let out = parse_csv(CSV);
        let t = |m: i64| T1400 + m * MIN;
        assert_eq!(
            rows(&out),
            vec![
                (
                    "orders-api",
                    "Duration",
                    None,
                    t(3),
                    812.4,
                    Some("Milliseconds")
                ),
                (
                    "orders-api",
                    "Invocations",
                    None,
                    t(3),
                    405.0,
                    Some("Count")
                ),
                ("orders, api", "Errors", None, t(4), 1.0, Some("Count")),
                ("payments-worker", "Throttles", None, t(7), 0.0, None),
            ]
        );
        let lines: Vec<u64> = out.points.iter().map(|p| p.source.line).collect();
        assert_eq!(lines, vec![2, 3, 5, 10]);
        assert_eq!(out.points[0].source.to_string(), "metrics.csv:2");
        assert_eq!(
            reasons(&out),
            vec![
                (6, "bad number in column value"),
                (7, "wrong column count"),
                (8, "bad timestamp in column timestamp"),
                (9, "unterminated quoted field"),
                (11, "empty column function"),
                (12, "empty column metric"),
            ]
        );
        assert_eq!(out.skipped[0].detail, "one");
        assert_eq!(out.skipped[1].detail, "expected 5 fields, found 4");
        assert_eq!(out.skipped[2].detail, "14:04");
        // Points of one function share one name.
        assert!(Arc::ptr_eq(
            &out.points[0].function,
            &out.points[1].function
        ));
    }

    #[test]
    fn csv_columns_in_any_order_with_statistic() {
        let out = parse_csv(CSV_REORDERED);
        assert!(out.skipped.is_empty(), "{:?}", out.skipped);
        let t = T1400 + 3 * MIN;
        assert_eq!(
            rows(&out),
            vec![
                ("payments-worker", "Duration", Some("p99"), t, 1203.77, None),
                ("payments-worker", "Errors", Some("Sum"), t, 2.0, None),
                (
                    "orders-api",
                    "ConcurrentExecutions",
                    Some("Maximum"),
                    t,
                    37.0,
                    None
                ),
            ]
        );
    }

    /// A point dated outside 2000–2100 is skipped, as a log event's time is.
    #[test]
    fn points_outside_2000_to_2100_are_skipped() {
        let out = parse_csv(
            "timestamp,function,metric,value,unit\n1970-01-01T00:00:00Z,f1,Throttles,5,Count\n2150-01-01T00:00:00Z,f1,Throttles,5,Count\n2025-01-01T00:00:00Z,f1,Throttles,5,Count\n",
        );
        assert_eq!(out.points.len(), 1);
        assert_eq!(out.points[0].timestamp, 1_735_689_600_000);
        let skipped: Vec<(u64, &str)> = out.skipped.iter().map(|s| (s.line, s.reason)).collect();
        assert_eq!(
            skipped,
            [(2, "timestamp out of range"), (3, "timestamp out of range")]
        );
        assert!(out.skipped[0]
            .detail
            .contains("f1 Throttles at 1970-01-01T00:00:00.000Z"));
    }

    #[test]
    fn csv_without_header() {
        let out = parse_csv("\n2025-09-02T14:03:00Z,orders-api,Duration,812.4,Milliseconds\n");
        assert!(out.points.is_empty());
        assert_eq!(reasons(&out), vec![(2, "not a metrics CSV header")]);
        assert!(out.skipped[0]
            .detail
            .contains("timestamp, function, metric, value"));
        assert_eq!(parse_csv(""), MetricsOut::default());
        assert_eq!(parse_csv("\u{feff}\r\n\r\n"), MetricsOut::default());
        assert_eq!(
            parse_csv("timestamp,function,metric,value\n"),
            MetricsOut::default()
        );
    }

    #[test]
    fn csv_header_detection() {
        for h in [
            "timestamp,function,metric,value,unit",
            "\u{feff}timestamp,function,metric,value,unit\r\n",
            "Timestamp,Function,Metric,Value",
            "value,metric,statistic,function,timestamp,unit",
            "\"timestamp\", \"function\", \"metric\", \"value\"",
            "time,function_name,metric_name,value,stat,region",
        ] {
            assert!(looks_like_metrics_csv(h), "{h:?}");
        }
        for h in [
            "",
            "timestamp,function,metric",
            "app,func,end_timestamp,duration",
            "HashOwner,HashApp,HashFunction,Trigger,1,2,3",
            "timestamp function metric value",
            "\"timestamp,function,metric,value",
            "REPORT RequestId: 3f2a Duration: 12.5 ms",
        ] {
            assert!(!looks_like_metrics_csv(h), "{h:?}");
        }
    }

    #[test]
    fn csv_field_splitter() {
        let split = |s: &str| split_csv_line(s);
        assert_eq!(split("a,b,c").unwrap(), ["a", "b", "c"]);
        assert_eq!(split("").unwrap(), [""]);
        assert_eq!(split(",").unwrap(), ["", ""]);
        assert_eq!(split("\"a,b\",c").unwrap(), ["a,b", "c"]);
        assert_eq!(split("\"say \"\"hi\"\"\",x").unwrap(), ["say \"hi\"", "x"]);
        assert_eq!(split("\"\",x").unwrap(), ["", "x"]);
        assert_eq!(split(" \"a\" ,b").unwrap(), ["a ", "b"]);
        assert_eq!(split("ab\"c,d").unwrap(), ["ab\"c", "d"]);
        assert_eq!(split("é,\"ü,ß\"").unwrap(), ["é", "ü,ß"]);
        assert_eq!(split("\"open,x"), None);
        assert_eq!(split("\"a\"\""), None);
    }

    fn json_leaf() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            (0u64..4_000_000_000_000).prop_map(Value::from),
            ".*".prop_map(Value::String),
            prop::sample::select(vec![
                "2025-09-02T14:03:00Z",
                "2025-09-02T14:03:00+00:00",
                "1756821780",
                "orders-api:Duration:p99",
                "orders-api p99.9 Duration",
                "/aws/lambda/x Errors",
                "arn:aws:lambda:r:1:function:",
                ":function:",
                "PartialData",
                "Forbidden",
                "p100.",
                "",
            ])
            .prop_map(Value::from),
        ]
    }

    const KEYS: &[&str] = &[
        "MetricDataResults",
        "Datapoints",
        "Timestamps",
        "Values",
        "Id",
        "Label",
        "StatusCode",
        "Messages",
        "Timestamp",
        "Sum",
        "Average",
        "Maximum",
        "Minimum",
        "SampleCount",
        "ExtendedStatistics",
        "Unit",
        "p99",
    ];

    fn json_value() -> impl Strategy<Value = Value> {
        json_leaf().prop_recursive(5, 96, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
                prop::collection::vec(
                    (
                        prop_oneof![
                            3 => prop::sample::select(KEYS).prop_map(str::to_string),
                            1 => ".{0,8}",
                        ],
                        inner
                    ),
                    0..8
                )
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    /// get-metric-data shapes with arbitrary leaves, so the fuzzing reaches the label rules.
    fn metric_data_value() -> impl Strategy<Value = Value> {
        let entry = (
            ".{0,40}",
            ".{0,60}",
            prop::collection::vec(json_leaf(), 0..6),
            prop::collection::vec(json_leaf(), 0..6),
            json_leaf(),
        )
            .prop_map(|(id, label, ts, vs, status)| {
                serde_json::json!({"Id": id, "Label": label, "Timestamps": ts, "Values": vs,
                    "StatusCode": status})
            });
        prop::collection::vec(entry, 0..4)
            .prop_map(|entries| serde_json::json!({"MetricDataResults": entries}))
    }

    proptest! {
        #[test]
        fn csv_never_panics(text in ".*", hint in "(?s).{0,300}") {
            let mut out = MetricsOut::default();
            let file: Arc<str> = Arc::from("p.csv");
            let _ = looks_like_metrics_csv(&text);
            parse_metrics_csv(&text, &file, &mut out);
            parse_metrics_csv(&hint, &file, &mut out);
        }

        #[test]
        fn csv_rows_never_panic(
            header in prop::sample::select(vec![
                "timestamp,function,metric,value,unit",
                "\u{feff}Value,Metric,Function,Timestamp,Statistic\r",
                "timestamp,function,metric,value",
            ]),
            rows in prop::collection::vec("[0-9a-zé ,\"\r:.+TZ-]{0,40}", 0..10),
        ) {
            let text = format!("{header}\n{}", rows.join("\n"));
            let mut out = MetricsOut::default();
            parse_metrics_csv(&text, &Arc::from("p.csv"), &mut out);
            for p in &out.points {
                prop_assert!(p.source.line >= 2 && p.value.is_finite());
            }
            for s in &out.skipped {
                prop_assert!(s.line >= 2);
            }
        }

        #[test]
        fn json_never_panics(v in json_value(), hint in ".{0,20}") {
            let mut out = MetricsOut::default();
            let _ = is_metrics_value(&v);
            parse_metrics_value(&v, &Arc::from("p.json"), 1, &hint, &mut out);
            for p in &out.points {
                // Empty only for the collector to name (no hint given).
                prop_assert!(p.value.is_finite());
                prop_assert!(!p.function.is_empty() || hint.trim().is_empty());
            }
        }

        #[test]
        fn metric_data_never_panics(v in metric_data_value(), hint in ".{0,20}") {
            prop_assert!(is_metrics_value(&v));
            let mut out = MetricsOut::default();
            parse_metrics_value(&v, &Arc::from("p.json"), 1, &hint, &mut out);
            for p in &out.points {
                prop_assert!(!p.function.is_empty() || hint.trim().is_empty());
            }
        }

        #[test]
        fn label_rules_never_panic(id in "(?s).{0,60}", label in "(?s).{0,120}") {
            let _ = describe_result(&id, &label);
            let _ = stat_word(&label);
            let _ = parse_timestamp_ms(&label);
        }
    }
}
