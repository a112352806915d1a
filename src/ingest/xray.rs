//! AWS X-Ray trace ingestion: segment documents, BatchGetTraces and GetTraceSummaries output,
//! independent subsegments and X-Ray daemon UDP payloads, flattened into [`Span`] rows.
//!
//! Pure functions over already-parsed JSON values: no I/O, no printing. Anything that cannot be
//! read becomes an [`XraySkip`] with a fixed reason and a short detail; nothing here panics on input.

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::model::{SourceRef, Span, SpanKind};

/// Spans read so far and what was skipped, accumulated over many [`parse_xray_value`] calls.
///
/// Spans are de-duplicated on `(trace_id, span_id)` across calls: when the same span arrives
/// twice (an in-progress copy, then the completed one) the completed copy is kept in place.
#[derive(Debug, Clone, Default)]
pub struct XrayOut {
    pub spans: Vec<Span>,
    pub skipped: Vec<XraySkip>,
    /// Traces X-Ray gave in part (`LimitExceeded` of BatchGetTraces, `IsPartial` of
    /// GetTraceSummaries), `(line, trace id)`: read and kept, and said, not skips.
    pub partial: Vec<(u64, String)>,
    /// Traces BatchGetTraces gave whole (`LimitExceeded: false`), their ids as `partial` holds
    /// them.
    pub whole: Vec<String>,
    /// `UnprocessedTraceIds` of BatchGetTraces, `(line, trace id)`: not given, said (a copy
    /// read elsewhere clears them), not skips.
    pub unprocessed: Vec<(u64, String)>,
    /// The ids of the BatchGetTraces traces read, whole or in part.
    pub read: Vec<String>,
    /// `(trace_id, span_id)` → position in `spans`; rebuilt whenever `spans` was changed from
    /// outside (its length no longer matches `indexed_len`).
    index: foldhash::HashMap<(String, String), usize>,
    indexed_len: usize,
    /// Spans read again within the values parsed into this (the same segment twice in one
    /// BatchGetTraces page): kept once, and counted, as copies across inputs are.
    pub repeated: usize,
}

/// One value (or part of one) that was not turned into a span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XraySkip {
    /// 1-based line where the JSON value holding the skipped item starts.
    pub line: u64,
    pub reason: &'static str,
    /// Identifying fields of the skipped item (id, name, trace id) or the parse error.
    pub detail: String,
}

impl XrayOut {
    pub fn new() -> XrayOut {
        XrayOut::default()
    }

    fn sync_index(&mut self) {
        if self.indexed_len == self.spans.len() {
            return;
        }
        self.index.clear();
        for (i, s) in self.spans.iter().enumerate() {
            self.index
                .entry((s.trace_id.clone(), s.span_id.clone()))
                .or_insert(i);
        }
        self.indexed_len = self.spans.len();
    }

    /// Adds a span, keeping the completed copy when the same span was already read.
    fn push_span(&mut self, span: Span) {
        self.sync_index();
        let key = (span.trace_id.clone(), span.span_id.clone());
        let found = self.index.get(&key).copied().filter(|&i| {
            self.spans
                .get(i)
                .is_some_and(|s| s.trace_id == key.0 && s.span_id == key.1)
        });
        match found {
            Some(i) => {
                self.repeated += 1;
                if let Some(existing) = self.spans.get_mut(i) {
                    if existing.is_better_copy(&span) {
                        *existing = span;
                    }
                }
            }
            None => {
                self.index.insert(key, self.spans.len());
                self.spans.push(span);
                self.indexed_len = self.spans.len();
            }
        }
    }
}

/// True when this JSON value is X-Ray data this module understands: a segment document, an
/// independent subsegment, BatchGetTraces output (`Traces` / `UnprocessedTraceIds`), one trace
/// (`{"Id", "Segments"}`) or one segment wrapper (`{"Id", "Document"}`), GetTraceSummaries output
/// (`TraceSummaries`), the X-Ray daemon header `{"format": "json", "version": 1}`, or an array
/// holding any of these.
pub fn is_xray_value(v: &Value) -> bool {
    match v {
        Value::Object(m) => is_xray_object(m),
        Value::Array(items) => items
            .iter()
            .any(|item| matches!(item, Value::Object(m) if is_xray_object(m))),
        _ => false,
    }
}

fn is_xray_object(m: &Map<String, Value>) -> bool {
    let is_array = |key: &str| m.get(key).is_some_and(Value::is_array);
    is_array("Traces")
        || is_array("UnprocessedTraceIds")
        || is_array("TraceSummaries")
        || (is_array("Segments") && m.get("Id").is_some_and(Value::is_string))
        || (m.contains_key("Document") && m.contains_key("Id"))
        || is_daemon_header(m)
        || looks_like_segment(m)
}

/// A segment or subsegment document: `id` and `start_time`, plus `trace_id` or `name` (the
/// documented subsegment examples carry no `trace_id`), or an explicit `"type": "subsegment"`.
/// Also a broken one missing its `id` or `start_time` but plainly a segment (an X-Ray trace id
/// and a key only segments have): it is read as one, so [`required`] names what it lacks and
/// it is counted as skipped, not taken for an application's log record.
fn looks_like_segment(m: &Map<String, Value>) -> bool {
    if m.get("type").and_then(Value::as_str) == Some("subsegment")
        && (m.contains_key("id") || m.contains_key("trace_id") || m.contains_key("parent_id"))
    {
        return true;
    }
    if m.contains_key("id")
        && m.contains_key("start_time")
        && (m.contains_key("trace_id") || m.contains_key("name"))
    {
        return true;
    }
    m.get("trace_id")
        .and_then(Value::as_str)
        .is_some_and(is_xray_trace_id)
        && [
            "id",
            "start_time",
            "end_time",
            "in_progress",
            "subsegments",
            "origin",
        ]
        .iter()
        .any(|k| m.contains_key(*k))
}

/// `1-8 hex digits-24 hex digits`, the X-Ray trace id format.
pub(super) fn is_xray_trace_id(t: &str) -> bool {
    let b = t.as_bytes();
    b.len() == 35
        && b.starts_with(b"1-")
        && b[10] == b'-'
        && b[2..10].iter().all(u8::is_ascii_hexdigit)
        && b[11..].iter().all(u8::is_ascii_hexdigit)
}

/// The header line the X-Ray SDKs send to the daemon before each segment.
fn is_daemon_header(m: &Map<String, Value>) -> bool {
    m.get("format").and_then(Value::as_str) == Some("json")
        && m.get("version").is_some_and(Value::is_number)
        && !m.contains_key("id")
        && !m.contains_key("trace_id")
}

/// Parses one JSON value (already parsed by the caller); `line` is the 1-based line where the
/// value starts in `file`. Spans and skips are appended to `out`.
pub fn parse_xray_value(v: &Value, file: &Arc<str>, line: u64, out: &mut XrayOut) {
    let mut cx = Ctx { file, line, out };
    cx.value(v, 0);
}

/// Arrays nested deeper than this are not X-Ray shapes; stop instead of recursing.
const MAX_ARRAY_NESTING: u32 = 4;
/// Longest `detail` kept in a skip, in characters.
const MAX_DETAIL_CHARS: usize = 160;

struct Ctx<'a> {
    file: &'a Arc<str>,
    line: u64,
    out: &'a mut XrayOut,
}

/// Whether a document is the top of its tree (a segment, or an independent subsegment sent on
/// its own) or nested inside another document's `subsegments`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Segment,
    Subsegment,
}

/// The fields every (sub)segment must have.
struct Required {
    name: String,
    id: String,
    start_ms: f64,
    end_ms: Option<f64>,
    in_progress: bool,
}

impl Ctx<'_> {
    fn skip(&mut self, reason: &'static str, detail: impl Into<String>) {
        self.out.skipped.push(XraySkip {
            line: self.line,
            reason,
            detail: clip(&detail.into(), MAX_DETAIL_CHARS),
        });
    }

    fn source(&self) -> SourceRef {
        SourceRef {
            file: Arc::clone(self.file),
            line: self.line,
        }
    }

    fn value(&mut self, v: &Value, nesting: u32) {
        match v {
            Value::Array(items) => {
                if nesting >= MAX_ARRAY_NESTING {
                    self.skip("X-Ray arrays nested too deep", type_name(v));
                    return;
                }
                for item in items {
                    self.value(item, nesting + 1);
                }
            }
            Value::Object(m) => self.object(m),
            other => self.skip("not an X-Ray document", type_name(other)),
        }
    }

    fn object(&mut self, m: &Map<String, Value>) {
        let api_output = ["Traces", "UnprocessedTraceIds", "TraceSummaries"]
            .iter()
            .any(|k| m.contains_key(*k));
        if api_output {
            self.api_output(m);
        } else if m.contains_key("Segments") {
            self.trace(m);
        } else if m.contains_key("Document") {
            self.segment_wrapper(m);
        } else if is_daemon_header(m) {
            // Not a segment and not an error: the daemon protocol's header line.
        } else {
            self.document(m);
        }
    }

    /// BatchGetTraces and GetTraceSummaries responses (both may be merged by paging tools).
    fn api_output(&mut self, m: &Map<String, Value>) {
        match m.get("Traces") {
            None | Some(Value::Null) => {}
            Some(Value::Array(traces)) => {
                for t in traces {
                    match t {
                        Value::Object(t) => self.trace(t),
                        other => self.skip("X-Ray trace is not an object", type_name(other)),
                    }
                }
            }
            Some(other) => self.skip("X-Ray Traces is not an array", type_name(other)),
        }
        match m.get("UnprocessedTraceIds") {
            None | Some(Value::Null) => {}
            Some(Value::Array(ids)) => {
                for id in ids {
                    match id.as_str().filter(|t| !t.is_empty()) {
                        Some(t) => self
                            .out
                            .unprocessed
                            .push((self.line, clip(t, MAX_DETAIL_CHARS))),
                        None => self.skip(
                            "X-Ray UnprocessedTraceIds element is not a trace id",
                            type_name(id),
                        ),
                    }
                }
            }
            Some(other) => self.skip(
                "X-Ray UnprocessedTraceIds is not an array",
                type_name(other),
            ),
        }
        match m.get("TraceSummaries") {
            None | Some(Value::Null) => {}
            Some(Value::Array(rows)) => {
                for row in rows {
                    match row {
                        Value::Object(row) => self.trace_summary(row),
                        other => {
                            self.skip("X-Ray trace summary is not an object", type_name(other))
                        }
                    }
                }
            }
            Some(other) => self.skip("X-Ray TraceSummaries is not an array", type_name(other)),
        }
    }

    /// One BatchGetTraces trace: `{"Id", "Duration", "Segments": [{"Id", "Document"}]}`.
    fn trace(&mut self, t: &Map<String, Value>) {
        // X-Ray left segments of the trace out (too many): what is read is kept, and the
        // missing part is counted, as UnprocessedTraceIds are, so the summary is not taken
        // for the whole trace.
        if let Some(id) = t.get("Id").and_then(Value::as_str) {
            self.out.read.push(clip(id, MAX_DETAIL_CHARS));
        }
        match t.get("LimitExceeded").and_then(Value::as_bool) {
            Some(true) => {
                let id = t.get("Id").and_then(Value::as_str).unwrap_or("?");
                self.out
                    .partial
                    .push((self.line, clip(id, MAX_DETAIL_CHARS)));
            }
            Some(false) => {
                if let Some(id) = t.get("Id").and_then(Value::as_str) {
                    self.out.whole.push(clip(id, MAX_DETAIL_CHARS));
                }
            }
            None => {}
        }
        match t.get("Segments") {
            Some(Value::Array(segments)) => {
                for s in segments {
                    match s {
                        Value::Object(s) => self.segment_wrapper(s),
                        other => {
                            self.skip("X-Ray trace segment is not an object", type_name(other))
                        }
                    }
                }
            }
            None | Some(Value::Null) => {}
            Some(other) => self.skip("X-Ray Segments is not an array", type_name(other)),
        }
    }

    /// `{"Id": "...", "Document": "<segment document as a JSON string>"}`.
    fn segment_wrapper(&mut self, s: &Map<String, Value>) {
        let id = s.get("Id").and_then(Value::as_str).unwrap_or("?");
        match s.get("Document") {
            Some(Value::String(text)) => match serde_json::from_str::<Value>(text) {
                Ok(Value::Object(doc)) => self.document(&doc),
                Ok(other) => self.skip(
                    "X-Ray segment Document is not an object",
                    format!("Id={id}: {}", type_name(&other)),
                ),
                Err(e) => self.skip(
                    "X-Ray segment Document is not valid JSON",
                    format!("Id={id}: {e}"),
                ),
            },
            // Some tools re-serialise the Document as an object instead of a string.
            Some(Value::Object(doc)) => self.document(doc),
            Some(other) => self.skip(
                "X-Ray segment Document is not a string",
                format!("Id={id}: {}", type_name(other)),
            ),
            None => self.skip("X-Ray trace segment without Document", format!("Id={id}")),
        }
    }

    /// A segment document, or an independent subsegment (`"type": "subsegment"`), with its
    /// nested subsegments flattened below it.
    fn document(&mut self, doc: &Map<String, Value>) {
        let independent = doc.get("type").and_then(Value::as_str) == Some("subsegment");
        let Some(trace_id) = non_empty_str(doc, "trace_id") else {
            let reason = if independent {
                "X-Ray subsegment without trace_id"
            } else {
                "X-Ray segment without trace_id"
            };
            self.skip(reason, describe(doc));
            return;
        };
        let top = match required(doc, Level::Segment) {
            Ok(r) => r,
            Err(reason) => {
                self.skip(reason, describe(doc));
                return;
            }
        };
        let function: Arc<str> = Arc::from(top.name.as_str());
        let parent_id = non_empty_str(doc, "parent_id").map(str::to_owned);
        let (kind, depth) = if independent {
            // Sent on its own, so its real depth is unknown: it sits at least one level below
            // some segment.
            (SpanKind::Subsegment, 1)
        } else {
            (SpanKind::Segment, 0)
        };
        let span = self.make_span(doc, top, trace_id, parent_id, &function, kind, depth);
        let top_id = span.span_id.clone();
        self.out.push_span(span);

        // Iterative walk (not recursion) so a deeply nested document cannot overflow the stack.
        let mut stack: Vec<(&Map<String, Value>, String, u32)> = Vec::new();
        self.push_children(doc, &top_id, depth + 1, &mut stack);
        while let Some((sub, parent, sub_depth)) = stack.pop() {
            let r = match required(sub, Level::Subsegment) {
                Ok(r) => r,
                Err(reason) => {
                    let mut detail = format!("{} in trace {trace_id}", describe(sub));
                    if sub.get("subsegments").is_some_and(|v| !v.is_null()) {
                        detail.push_str("; its nested subsegments are dropped too");
                    }
                    self.skip(reason, detail);
                    continue;
                }
            };
            let span = self.make_span(
                sub,
                r,
                trace_id,
                Some(parent),
                &function,
                SpanKind::Subsegment,
                sub_depth,
            );
            let id = span.span_id.clone();
            self.out.push_span(span);
            self.push_children(sub, &id, sub_depth.saturating_add(1), &mut stack);
        }
    }

    /// Queues `doc.subsegments` in reverse so they pop (and are emitted) in document order.
    fn push_children<'v>(
        &mut self,
        doc: &'v Map<String, Value>,
        parent_id: &str,
        depth: u32,
        stack: &mut Vec<(&'v Map<String, Value>, String, u32)>,
    ) {
        match doc.get("subsegments") {
            None | Some(Value::Null) => {}
            Some(Value::Array(children)) => {
                for child in children.iter().rev() {
                    match child {
                        Value::Object(c) => stack.push((c, parent_id.to_owned(), depth)),
                        other => self.skip(
                            "X-Ray subsegment is not an object",
                            format!("under {parent_id}: {}", type_name(other)),
                        ),
                    }
                }
            }
            Some(other) => self.skip(
                "X-Ray subsegments is not an array",
                format!("under {parent_id}: {}", type_name(other)),
            ),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn make_span(
        &self,
        m: &Map<String, Value>,
        r: Required,
        trace_id: &str,
        parent_id: Option<String>,
        function: &Arc<str>,
        span_kind: SpanKind,
        depth: u32,
    ) -> Span {
        let namespace = non_empty_str(m, "namespace").map(str::to_owned);
        let downstream = matches!(namespace.as_deref(), Some("aws" | "remote"));
        let aws = m.get("aws").and_then(Value::as_object);
        let aws_str = |key: &str| aws.and_then(|a| non_empty_str(a, key)).map(str::to_owned);
        let http_status = m
            .get("http")
            .and_then(|h| h.get("response"))
            .and_then(|r| r.get("status"))
            .and_then(as_u16);
        Span {
            trace_id: trace_id.to_owned(),
            remote_service: (downstream && span_kind == SpanKind::Subsegment)
                .then(|| r.name.clone()),
            span_id: r.id,
            parent_id,
            name: r.name,
            function: Arc::clone(function),
            origin: non_empty_str(m, "origin").map(str::to_owned),
            span_kind,
            inferred: span_kind == SpanKind::Segment && flag(m, "inferred"),
            namespace,
            start_ms: r.start_ms,
            end_ms: r.end_ms,
            // Rounded to the microsecond like the times (a difference of two epoch times
            // carries float noise in its last digits).
            duration_ms: r.end_ms.map(|end| ((end - r.start_ms) * 1e3).round() / 1e3),
            in_progress: r.in_progress,
            error: flag(m, "error"),
            fault: flag(m, "fault"),
            throttle: flag(m, "throttle"),
            http_status,
            operation: aws_str("operation"),
            // A segment's `aws.request_id` is the request it served (the Lambda service
            // segment's is the invocation's); a subsegment's is the downstream service's
            // (DynamoDB's), which would join the span to no invocation.
            // An inferred segment's is the downstream service's too (X-Ray copies the call's).
            request_id: (span_kind == SpanKind::Segment && !flag(m, "inferred"))
                .then(|| aws_str("request_id"))
                .flatten(),
            depth,
            source: self.source(),
        }
    }

    /// One GetTraceSummaries row: the whole trace as a single `TraceSummary` span.
    fn trace_summary(&mut self, row: &Map<String, Value>) {
        if row.get("IsPartial").and_then(Value::as_bool) == Some(true) {
            let id = non_empty_str(row, "Id").unwrap_or("?");
            self.out
                .partial
                .push((self.line, clip(id, MAX_DETAIL_CHARS)));
        }
        let Some(trace_id) = non_empty_str(row, "Id") else {
            self.skip("X-Ray trace summary without Id", describe(row));
            return;
        };
        let start_s = match row.get("StartTime") {
            Some(v) => time_seconds(v),
            None => None,
        }
        .or_else(|| trace_id_epoch_s(trace_id));
        let Some(start_ms) = start_s.map(|s| s * 1000.0).filter(|ms| ms.is_finite()) else {
            self.skip(
                "X-Ray trace summary without StartTime or a time-bearing Id",
                format!("Id={trace_id}"),
            );
            return;
        };
        let duration_ms = row
            .get("Duration")
            .and_then(as_f64)
            .map(|s| s * 1000.0)
            .filter(|ms| ms.is_finite());
        let entry = row.get("EntryPoint").and_then(Value::as_object);
        let first_service = row
            .get("ServiceIds")
            .and_then(Value::as_array)
            .and_then(|ids| ids.iter().find_map(Value::as_object));
        let http = row.get("Http").and_then(Value::as_object);
        let name = entry
            .and_then(|e| non_empty_str(e, "Name"))
            .or_else(|| first_service.and_then(|s| non_empty_str(s, "Name")))
            .map(str::to_owned)
            // The docs' example has neither: the entry URL's host is the client-facing service.
            .or_else(|| {
                http.and_then(|h| non_empty_str(h, "HttpURL"))
                    .and_then(url_host)
            })
            .unwrap_or_else(|| "unknown".to_owned());
        let origin = entry
            .and_then(|e| non_empty_str(e, "Type"))
            .or_else(|| first_service.and_then(|s| non_empty_str(s, "Type")))
            .map(str::to_owned);
        let span = Span {
            trace_id: trace_id.to_owned(),
            span_id: String::new(),
            parent_id: None,
            function: Arc::from(name.as_str()),
            name,
            origin,
            span_kind: SpanKind::TraceSummary,
            inferred: false,
            namespace: None,
            start_ms,
            end_ms: duration_ms.map(|d| start_ms + d),
            duration_ms,
            in_progress: false,
            error: flag(row, "HasError"),
            fault: flag(row, "HasFault"),
            throttle: flag(row, "HasThrottle"),
            http_status: http.and_then(|h| h.get("HttpStatus")).and_then(as_u16),
            operation: None,
            remote_service: None,
            request_id: None,
            depth: 0,
            source: self.source(),
        };
        self.out.push_span(span);
    }
}

/// Checks the fields every (sub)segment needs; the error is the skip reason.
fn required(m: &Map<String, Value>, level: Level) -> Result<Required, &'static str> {
    let seg = level == Level::Segment;
    let name = non_empty_str(m, "name").ok_or(if seg {
        "X-Ray segment without name"
    } else {
        "X-Ray subsegment without name"
    })?;
    let id = m
        .get("id")
        .and_then(Value::as_str)
        .filter(|id| is_span_id(id))
        .ok_or(if seg {
            "X-Ray segment without a 16-hex-digit id"
        } else {
            "X-Ray subsegment without a 16-hex-digit id"
        })?;
    let start_s = m.get("start_time").and_then(as_f64).ok_or(if seg {
        "X-Ray segment without a numeric start_time"
    } else {
        "X-Ray subsegment without a numeric start_time"
    })?;
    let start_ms = epoch_ms(start_s).ok_or(if seg {
        "X-Ray segment start_time out of range (not 2000 to 2100 in epoch seconds)"
    } else {
        "X-Ray subsegment start_time out of range (not 2000 to 2100 in epoch seconds)"
    })?;
    let end_ms = match m.get("end_time").and_then(as_f64) {
        Some(end_s) => Some(epoch_ms(end_s).ok_or(if seg {
            "X-Ray segment end_time out of range (not 2000 to 2100 in epoch seconds)"
        } else {
            "X-Ray subsegment end_time out of range (not 2000 to 2100 in epoch seconds)"
        })?),
        None => None,
    };
    let in_progress_flag = flag(m, "in_progress");
    if end_ms.is_none() && !in_progress_flag {
        return Err(if seg {
            "X-Ray segment without end_time or in_progress"
        } else {
            "X-Ray subsegment without end_time or in_progress"
        });
    }
    if end_ms.is_some_and(|end| end < start_ms) {
        return Err(if seg {
            "X-Ray segment ends before it starts"
        } else {
            "X-Ray subsegment ends before it starts"
        });
    }
    Ok(Required {
        name: name.to_owned(),
        id: id.to_owned(),
        start_ms,
        end_ms,
        // A document that carries an end time is finished, whatever its flag says.
        in_progress: end_ms.is_none(),
    })
}

/// Epoch seconds (X-Ray's `start_time`/`end_time`) as epoch milliseconds rounded to the
/// microsecond (X-Ray's precision: `1756821791.170 * 1000` is not exactly 1756821791170), or None
/// outside 2000 to 2100 (as log times): a negative, zero (an unset time written as 0, which made
/// a 200 ms trace last 55 years) or absurd time is a corrupt document, not a trace.
fn epoch_ms(s: f64) -> Option<f64> {
    const Y2000_S: f64 = 946_684_800.0;
    const Y2100_S: f64 = 4_102_444_800.0;
    (s.is_finite() && (Y2000_S..Y2100_S).contains(&s)).then(|| (s * 1e6).round() / 1e3)
}

fn is_span_id(id: &str) -> bool {
    id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

fn non_empty_str<'a>(m: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    m.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// A JSON `true`; anything else (absent, false, a string) is false.
/// A flag: `true`, or as exporters that stringify values write it (`"true"`, `1`), as numbers
/// are read from strings (review of 2026-12-07: `"fault": "true"` read as no fault).
fn flag(m: &Map<String, Value>, key: &str) -> bool {
    match m.get(key) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => {
            let s = s.trim();
            s.eq_ignore_ascii_case("true") || s == "1"
        }
        Some(Value::Number(n)) => n.as_f64().is_some_and(|x| x == 1.0),
        _ => false,
    }
}

/// A number, or a string holding one (some exporters stringify numbers).
fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    }
    .filter(|x| x.is_finite())
}

fn as_u16(v: &Value) -> Option<u16> {
    match v {
        Value::Number(n) => n.as_u64().and_then(|n| u16::try_from(n).ok()),
        Value::String(s) => s.trim().parse::<u16>().ok(),
        _ => None,
    }
}

/// Epoch seconds from a number, a numeric string, or an RFC 3339 time (the AWS CLI prints
/// timestamps as ISO 8601 by default).
fn time_seconds(v: &Value) -> Option<f64> {
    as_f64(v).or_else(|| {
        let text = v.as_str()?;
        let t = chrono::DateTime::parse_from_rfc3339(text.trim()).ok()?;
        Some(t.timestamp() as f64 + f64::from(t.timestamp_subsec_micros()) / 1e6)
    })
}

/// A trace id `1-5759e988-bd862e3fe1be46a994272793` carries its start (epoch seconds, hex).
fn trace_id_epoch_s(trace_id: &str) -> Option<f64> {
    let mut parts = trace_id.split('-');
    if parts.next()? != "1" {
        return None;
    }
    let hex = parts.next()?;
    if hex.len() != 8 {
        return None;
    }
    u32::from_str_radix(hex, 16).ok().map(f64::from)
}

fn url_host(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then(|| host.to_owned())
}

/// Short identification of a document for a skip's detail.
fn describe(m: &Map<String, Value>) -> String {
    let parts: Vec<String> = ["id", "name", "trace_id", "Id"]
        .iter()
        .filter_map(|k| {
            m.get(*k)
                .and_then(Value::as_str)
                .map(|v| format!("{k}={v}"))
        })
        .collect();
    if parts.is_empty() {
        let keys: Vec<&str> = m.keys().take(6).map(String::as_str).collect();
        format!("object with keys [{}]", keys.join(", "))
    } else {
        parts.join(" ")
    }
}

fn type_name(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(_) => "a boolean".into(),
        Value::Number(_) => "a number".into(),
        Value::String(s) => format!("a string {:?}", clip(s, 40)),
        Value::Array(a) => format!("an array of {}", a.len()),
        Value::Object(_) => "an object".into(),
    }
}

fn clip(s: &str, max_chars: usize) -> String {
    match s.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s.to_owned(),
    }
}

/// Splits a text file into JSON values with their 1-based start lines, the way the corpus test
/// (and the traces tests) need it: a stream of values, else one value per line.
#[cfg(test)]
pub(crate) fn values_with_lines(text: &str) -> Vec<(Value, u64)> {
    let line_at = |offset: usize| -> u64 {
        let offset = offset.min(text.len());
        let skipped = text[offset..]
            .find(|c: char| !c.is_whitespace())
            .map_or(offset, |n| offset + n);
        1 + text.as_bytes()[..skipped]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64
    };
    let mut values = Vec::new();
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    let mut start = 0;
    let mut failed = false;
    while let Some(item) = stream.next() {
        match item {
            Ok(v) => {
                values.push((v, line_at(start)));
                start = stream.byte_offset();
            }
            Err(_) => {
                failed = true;
                break;
            }
        }
    }
    if !failed {
        return values;
    }
    text.lines()
        .enumerate()
        .filter_map(|(i, l)| {
            serde_json::from_str::<Value>(l)
                .ok()
                .map(|v| (v, i as u64 + 1))
        })
        .collect()
}

/// Parses every X-Ray value of a text file into one `XrayOut`.
#[cfg(test)]
pub(crate) fn parse_text(text: &str, file: &str) -> XrayOut {
    let file: Arc<str> = Arc::from(file);
    let mut out = XrayOut::new();
    for (v, line) in values_with_lines(text) {
        if is_xray_value(&v) {
            parse_xray_value(&v, &file, line, &mut out);
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod fixtures {
    //! The project's own X-Ray documents, written to reproduce each shape.

    /// Trace 1: API call into a cold Lambda function (service + function segments).
    pub const TRACE_1: &str = "1-66500000-0a1b2c3d4e5f60718293a4b5";

    /// Lambda service segment (origin AWS::Lambda) carrying the invocation request id.
    pub const LAMBDA_SERVICE_SEGMENT: &str = r#"{
  "id": "a000000000000001",
  "name": "orders-api",
  "start_time": 1.7165189121E9,
  "end_time": 1.716518912412E9,
  "trace_id": "1-66500000-0a1b2c3d4e5f60718293a4b5",
  "origin": "AWS::Lambda",
  "resource_arn": "arn:aws:lambda:eu-west-1:111122223333:function:orders-api",
  "http": { "response": { "status": 200 } },
  "aws": { "request_id": "5b3a1f7e-0c2d-4e8f-9a6b-1c2d3e4f5a6b" }
}"#;

    /// Function segment (origin AWS::Lambda::Function) with Initialization, Invocation (holding
    /// two DynamoDB calls and one remote HTTP call) and Overhead.
    pub const LAMBDA_FUNCTION_SEGMENT: &str = r#"{
  "id": "a000000000000002",
  "name": "orders-api",
  "start_time": 1716518912.255,
  "end_time": 1716518912.41,
  "parent_id": "a000000000000001",
  "trace_id": "1-66500000-0a1b2c3d4e5f60718293a4b5",
  "origin": "AWS::Lambda::Function",
  "aws": { "function_arn": "arn:aws:lambda:eu-west-1:111122223333:function:orders-api" },
  "subsegments": [
    { "id": "a000000000000003", "name": "Initialization",
      "start_time": 1716518912.11, "end_time": 1716518912.25 },
    { "id": "a000000000000004", "name": "Invocation",
      "start_time": 1716518912.256, "end_time": 1716518912.4,
      "subsegments": [
        { "id": "a000000000000005", "name": "DynamoDB", "namespace": "aws",
          "start_time": 1716518912.26, "end_time": 1716518912.3,
          "http": { "response": { "status": 200 } },
          "aws": { "operation": "GetItem", "table_name": "orders",
                   "request_id": "Q1W2E3R4T5Y6U7I8O9P0ASDFGHJKLZXCVBNMQWERTYUIOPASDF" } },
        { "id": "a000000000000006", "name": "DynamoDB", "namespace": "aws",
          "start_time": 1716518912.31, "end_time": 1716518912.33,
          "aws": { "operation": "PutItem", "table_name": "orders" } },
        { "id": "a000000000000007", "name": "api.example.com", "namespace": "remote",
          "start_time": 1716518912.335, "end_time": 1716518912.395,
          "http": { "request": { "method": "POST", "url": "https://api.example.com/charge" },
                    "response": { "status": 201 } } }
      ] },
    { "id": "a000000000000008", "name": "Overhead",
      "start_time": 1716518912.4, "end_time": 1716518912.409 }
  ]
}"#;

    /// The same segment twice: first in progress, then completed.
    pub const IN_PROGRESS_SEGMENT: &str = r#"{"id":"b000000000000001","name":"report-builder","start_time":1.7165189200E9,"trace_id":"1-66500008-00000000000000000000000b","in_progress":true}"#;
    pub const COMPLETED_SEGMENT: &str = r#"{"id":"b000000000000001","name":"report-builder","start_time":1.7165189200E9,"end_time":1.7165189215E9,"trace_id":"1-66500008-00000000000000000000000b","http":{"response":{"status":200}}}"#;

    /// Faulted segment with a throttled DynamoDB call.
    pub const FAULT_THROTTLE_SEGMENT: &str = r#"{
  "id": "c000000000000001", "name": "payments", "origin": "AWS::Lambda::Function",
  "trace_id": "1-66500010-00000000000000000000000c",
  "start_time": 1716518928.0, "end_time": 1716518928.75,
  "fault": true, "error": false,
  "http": { "response": { "status": 502 } },
  "cause": { "exceptions": [ { "message": "downstream unavailable", "type": "ServiceError" } ] },
  "subsegments": [
    { "id": "c000000000000002", "name": "DynamoDB", "namespace": "aws",
      "start_time": 1716518928.1, "end_time": 1716518928.7,
      "error": true, "throttle": true,
      "http": { "response": { "status": 400 } },
      "aws": { "operation": "Query", "table_name": "ledger" } }
  ]
}"#;

    /// BatchGetTraces output: Documents are JSON strings; one is broken; one trace unprocessed.
    pub const BATCH_GET_TRACES: &str = r#"{
  "Traces": [
    {
      "Id": "1-66500020-00000000000000000000000d",
      "Duration": 0.05,
      "LimitExceeded": false,
      "Segments": [
        { "Id": "d000000000000001",
          "Document": "{\"id\":\"d000000000000001\",\"name\":\"inventory\",\"start_time\":1.716518944E9,\"end_time\":1.71651894405E9,\"trace_id\":\"1-66500020-00000000000000000000000d\",\"origin\":\"AWS::Lambda::Function\",\"subsegments\":[{\"id\":\"d000000000000002\",\"name\":\"S3\",\"namespace\":\"aws\",\"start_time\":1.71651894401E9,\"end_time\":1.71651894404E9,\"aws\":{\"operation\":\"GetObject\"}}]}" },
        { "Id": "d000000000000003",
          "Document": "{\"id\":\"d000000000000003\",\"name\":\"S3\",\"start_time\":1.716518944" }
      ]
    }
  ],
  "UnprocessedTraceIds": [ "1-66500021-00000000000000000000000e" ]
}"#;

    /// GetTraceSummaries output: one with EntryPoint and epoch StartTime, one with ServiceIds and
    /// an ISO StartTime, one with neither (name from the URL, start from the trace id), one
    /// without Id.
    pub const TRACE_SUMMARIES: &str = r#"{
  "TraceSummaries": [
    { "Id": "1-66500030-00000000000000000000000f", "Duration": 0.312, "ResponseTime": 0.31,
      "HasFault": true, "HasError": false, "HasThrottle": false, "IsPartial": false,
      "StartTime": 1716518960.5,
      "EntryPoint": { "Name": "orders-api", "Names": ["orders-api"], "Type": "AWS::Lambda::Function" },
      "ServiceIds": [ { "Name": "orders-api", "Type": "AWS::Lambda" } ],
      "Http": { "HttpStatus": 502, "HttpMethod": "POST" } },
    { "Id": "1-66500031-000000000000000000000010", "Duration": 1.5, "HasThrottle": true,
      "StartTime": "2024-05-24T02:49:21.250000+00:00",
      "ServiceIds": [ { "Name": "billing", "Type": "AWS::Lambda::Function" } ] },
    { "Id": "1-66500032-000000000000000000000011", "Duration": 0.084, "HasError": true,
      "Http": { "HttpURL": "http://shop.example.com/api/cart", "HttpStatus": 404 } },
    { "Duration": 2.0 }
  ],
  "ApproximateTime": 1716519000.0,
  "TracesProcessedCount": 4
}"#;

    /// X-Ray daemon UDP payload: header line, then the segment.
    pub const DAEMON_UDP: &str = "{\"format\": \"json\", \"version\": 1}\n{\"trace_id\": \"1-66500040-000000000000000000000012\", \"id\": \"e000000000000001\", \"start_time\": 1716518976.25, \"end_time\": 1716518976.5, \"name\": \"worker\"}";

    /// Independent subsegment sent on its own.
    pub const INDEPENDENT_SUBSEGMENT: &str = r#"{
  "type": "subsegment", "id": "f000000000000002", "parent_id": "f000000000000001",
  "trace_id": "1-66500050-000000000000000000000013", "name": "api.example.com",
  "namespace": "remote", "start_time": 1716518992.0, "end_time": 1716518992.2,
  "http": { "response": { "status": 503 } }, "fault": true
}"#;
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn file() -> Arc<str> {
        Arc::from("fixture.json")
    }

    fn parse_one(text: &str) -> XrayOut {
        let v: Value = serde_json::from_str(text).expect("fixture is valid JSON");
        assert!(is_xray_value(&v), "fixture should be recognised: {text}");
        let mut out = XrayOut::new();
        parse_xray_value(&v, &file(), 7, &mut out);
        out
    }

    fn approx(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-3
    }

    fn span<'a>(out: &'a XrayOut, id: &str) -> &'a Span {
        out.spans
            .iter()
            .find(|s| s.span_id == id)
            .unwrap_or_else(|| panic!("span {id} missing"))
    }

    /// A document plainly a segment (an X-Ray trace id and segment keys) but missing its id or
    /// start time is a skipped segment, not an application's log record.
    #[test]
    fn broken_segments_are_recognised_as_segments() {
        let no_id = serde_json::json!({"name": "f", "origin": "AWS::Lambda::Function",
            "trace_id": "1-68b6f91f-0000000000000000000000f6", "start_time": 1.0, "end_time": 2.0});
        let no_start = serde_json::json!({"id": "f300000000000003", "name": "f",
            "trace_id": "1-68b6f91f-0000000000000000000000f7", "end_time": 2.0});
        let log_record = serde_json::json!({"level": "INFO", "message": "hi",
            "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736"});
        assert!(is_xray_value(&no_id) && is_xray_value(&no_start));
        assert!(!is_xray_value(&log_record));
        let mut out = XrayOut::default();
        parse_xray_value(&no_id, &file(), 4, &mut out);
        parse_xray_value(&no_start, &file(), 5, &mut out);
        let reasons: Vec<(u64, &str)> = out.skipped.iter().map(|s| (s.line, s.reason)).collect();
        assert_eq!(
            reasons,
            [
                (4, "X-Ray segment without a 16-hex-digit id"),
                (5, "X-Ray segment without a numeric start_time")
            ]
        );
        assert!(out.spans.is_empty());
        assert!(is_xray_trace_id("1-68b6f91f-0000000000000000000000f6"));
        assert!(!is_xray_trace_id("1-68b6f91f-0000000000000000000000f"));
        assert!(!is_xray_trace_id("4bf92f3577b34da6a3ce929d0e0e4736"));
    }

    #[test]
    fn lambda_service_segment() {
        let out = parse_one(LAMBDA_SERVICE_SEGMENT);
        assert!(out.skipped.is_empty(), "{:?}", out.skipped);
        assert_eq!(out.spans.len(), 1);
        let s = &out.spans[0];
        assert_eq!(s.trace_id, TRACE_1);
        assert_eq!(s.span_kind, SpanKind::Segment);
        assert_eq!(s.origin.as_deref(), Some("AWS::Lambda"));
        assert_eq!(
            s.request_id.as_deref(),
            Some("5b3a1f7e-0c2d-4e8f-9a6b-1c2d3e4f5a6b")
        );
        assert_eq!(s.http_status, Some(200));
        assert!(approx(s.start_ms, 1_716_518_912_100.0));
        assert!(approx(s.duration_ms.unwrap_or(f64::NAN), 312.0));
        assert_eq!(s.parent_id, None);
        assert_eq!(s.remote_service, None);
        assert_eq!(s.depth, 0);
        assert!(!s.in_progress && !s.error && !s.fault && !s.throttle);
        assert_eq!(&*s.function, "orders-api");
        assert_eq!(s.source.line, 7);
        assert_eq!(&*s.source.file, "fixture.json");
    }

    #[test]
    fn function_segment_flattens_nested_subsegments() {
        let out = parse_one(LAMBDA_FUNCTION_SEGMENT);
        assert!(out.skipped.is_empty(), "{:?}", out.skipped);
        let names: Vec<(&str, u32)> = out
            .spans
            .iter()
            .map(|s| (s.name.as_str(), s.depth))
            .collect();
        assert_eq!(
            names,
            [
                ("orders-api", 0),
                ("Initialization", 1),
                ("Invocation", 1),
                ("DynamoDB", 2),
                ("DynamoDB", 2),
                ("api.example.com", 2),
                ("Overhead", 1),
            ]
        );
        let seg = span(&out, "a000000000000002");
        assert_eq!(seg.parent_id.as_deref(), Some("a000000000000001"));
        assert_eq!(seg.origin.as_deref(), Some("AWS::Lambda::Function"));
        let init = span(&out, "a000000000000003");
        assert_eq!(init.span_kind, SpanKind::Subsegment);
        assert_eq!(init.parent_id.as_deref(), Some("a000000000000002"));
        assert!(approx(init.duration_ms.unwrap_or(f64::NAN), 140.0));
        let get = span(&out, "a000000000000005");
        assert_eq!(get.parent_id.as_deref(), Some("a000000000000004"));
        assert_eq!(get.namespace.as_deref(), Some("aws"));
        assert_eq!(get.remote_service.as_deref(), Some("DynamoDB"));
        assert_eq!(get.operation.as_deref(), Some("GetItem"));
        assert_eq!(get.http_status, Some(200));
        assert_eq!(get.trace_id, TRACE_1);
        assert_eq!(&*get.function, "orders-api");
        let http = span(&out, "a000000000000007");
        assert_eq!(http.remote_service.as_deref(), Some("api.example.com"));
        assert_eq!(http.operation, None);
        // Non-downstream subsegments name no remote service.
        assert_eq!(span(&out, "a000000000000004").remote_service, None);
        assert!(out.spans.iter().all(|s| s.source.line == 7));
    }

    #[test]
    fn in_progress_then_completed_keeps_completed() {
        let mut out = XrayOut::new();
        let f = file();
        for (i, text) in [IN_PROGRESS_SEGMENT, COMPLETED_SEGMENT, IN_PROGRESS_SEGMENT]
            .iter()
            .enumerate()
        {
            let v: Value = serde_json::from_str(text).expect("fixture");
            parse_xray_value(&v, &f, i as u64 + 1, &mut out);
        }
        assert_eq!(out.spans.len(), 1);
        let s = &out.spans[0];
        assert!(!s.in_progress);
        assert!(approx(s.duration_ms.unwrap_or(f64::NAN), 1500.0));
        assert_eq!(s.source.line, 2);
        assert!(out.skipped.is_empty());

        let only = parse_one(IN_PROGRESS_SEGMENT);
        assert!(only.spans[0].in_progress);
        assert_eq!(only.spans[0].end_ms, None);
        assert_eq!(only.spans[0].duration_ms, None);
    }

    #[test]
    fn dedup_survives_outside_changes_to_spans() {
        let mut out = XrayOut::new();
        let f = file();
        let ip: Value = serde_json::from_str(IN_PROGRESS_SEGMENT).expect("fixture");
        let done: Value = serde_json::from_str(COMPLETED_SEGMENT).expect("fixture");
        parse_xray_value(&ip, &f, 1, &mut out);
        let taken = std::mem::take(&mut out.spans);
        assert_eq!(taken.len(), 1);
        parse_xray_value(&done, &f, 2, &mut out);
        parse_xray_value(&ip, &f, 3, &mut out);
        assert_eq!(out.spans.len(), 1);
        assert!(!out.spans[0].in_progress);
    }

    #[test]
    fn fault_and_throttle_flags() {
        let out = parse_one(FAULT_THROTTLE_SEGMENT);
        let seg = span(&out, "c000000000000001");
        assert!(seg.fault && !seg.error && !seg.throttle);
        assert_eq!(seg.http_status, Some(502));
        let ddb = span(&out, "c000000000000002");
        assert!(ddb.error && ddb.throttle && !ddb.fault);
        assert_eq!(ddb.http_status, Some(400));
        assert_eq!(ddb.operation.as_deref(), Some("Query"));
    }

    #[test]
    fn batch_get_traces_documents() {
        let out = parse_one(BATCH_GET_TRACES);
        assert_eq!(out.spans.len(), 2);
        let s3 = span(&out, "d000000000000002");
        assert_eq!(s3.parent_id.as_deref(), Some("d000000000000001"));
        assert_eq!(s3.remote_service.as_deref(), Some("S3"));
        assert_eq!(s3.operation.as_deref(), Some("GetObject"));
        assert_eq!(&*s3.function, "inventory");
        let reasons: Vec<&str> = out.skipped.iter().map(|s| s.reason).collect();
        assert_eq!(reasons, ["X-Ray segment Document is not valid JSON"]);
        assert!(out.skipped[0].detail.starts_with("Id=d000000000000003"));
        assert!(out.skipped.iter().all(|s| s.line == 7));
        // An unprocessed id is no malformed record: said, and cleared by a copy read elsewhere.
        assert_eq!(
            out.unprocessed,
            [(7, "1-66500021-00000000000000000000000e".to_string())]
        );
    }

    #[test]
    fn batch_get_traces_shapes_without_wrapper() {
        // A bare Traces[] element, a bare Segments[] array, and a Document given as an object.
        let doc: Value = serde_json::from_str(LAMBDA_SERVICE_SEGMENT).expect("fixture");
        let doc_text = doc.to_string();
        let shapes = [
            json!({"Id": TRACE_1, "Segments": [{"Id": "a000000000000001", "Document": doc_text}]}),
            json!([{"Id": "a000000000000001", "Document": doc_text}]),
            json!([{"Id": "a000000000000001", "Document": doc}]),
            json!({"Traces": [{"Id": TRACE_1, "Segments": [{"Id": "a000000000000001", "Document": doc_text}]}], "UnprocessedTraceIds": []}),
        ];
        for v in shapes {
            assert!(is_xray_value(&v), "{v}");
            let mut out = XrayOut::new();
            parse_xray_value(&v, &file(), 1, &mut out);
            assert_eq!(out.spans.len(), 1, "{v}");
            assert!(out.skipped.is_empty(), "{v}: {:?}", out.skipped);
        }
    }

    #[test]
    fn trace_summaries() {
        let out = parse_one(TRACE_SUMMARIES);
        assert_eq!(out.spans.len(), 3);
        assert!(out
            .spans
            .iter()
            .all(|s| s.span_kind == SpanKind::TraceSummary && s.span_id.is_empty()));
        let first = &out.spans[0];
        assert_eq!(first.trace_id, "1-66500030-00000000000000000000000f");
        assert_eq!(first.name, "orders-api");
        assert_eq!(&*first.function, "orders-api");
        assert_eq!(first.origin.as_deref(), Some("AWS::Lambda::Function"));
        assert!(approx(first.duration_ms.unwrap_or(f64::NAN), 312.0));
        assert!(approx(first.start_ms, 1_716_518_960_500.0));
        assert!(first.fault && !first.error && !first.throttle);
        assert_eq!(first.http_status, Some(502));

        let second = &out.spans[1];
        assert_eq!(second.name, "billing");
        assert!(second.throttle);
        assert!(approx(second.start_ms, 1_716_518_961_250.0));
        assert!(approx(second.duration_ms.unwrap_or(f64::NAN), 1500.0));

        let third = &out.spans[2];
        assert_eq!(third.name, "shop.example.com");
        assert!(third.error);
        // No StartTime: the trace id's epoch seconds (0x66500032).
        assert!(approx(third.start_ms, f64::from(0x6650_0032_u32) * 1000.0));

        assert_eq!(out.skipped.len(), 1);
        assert_eq!(out.skipped[0].reason, "X-Ray trace summary without Id");
    }

    #[test]
    fn daemon_header_is_ignored_silently() {
        let mut out = XrayOut::new();
        let f = file();
        for (i, line) in DAEMON_UDP.lines().enumerate() {
            let v: Value = serde_json::from_str(line).expect("fixture line");
            assert!(is_xray_value(&v), "{line}");
            parse_xray_value(&v, &f, i as u64 + 1, &mut out);
        }
        assert!(out.skipped.is_empty(), "{:?}", out.skipped);
        assert_eq!(out.spans.len(), 1);
        assert_eq!(out.spans[0].name, "worker");
        assert_eq!(out.spans[0].source.line, 2);
    }

    #[test]
    fn independent_subsegment() {
        let out = parse_one(INDEPENDENT_SUBSEGMENT);
        assert!(out.skipped.is_empty());
        let s = &out.spans[0];
        assert_eq!(s.span_kind, SpanKind::Subsegment);
        assert_eq!(s.parent_id.as_deref(), Some("f000000000000001"));
        assert_eq!(s.remote_service.as_deref(), Some("api.example.com"));
        assert_eq!(s.depth, 1);
        assert!(s.fault);
        assert_eq!(s.http_status, Some(503));
    }

    #[test]
    fn exponent_start_times() {
        let v = json!({"id": "0123456789abcdef", "name": "n", "trace_id": "1-5d82881a-0a9126e92a73e971eed891b9",
                       "start_time": 1.568835610432E9, "end_time": 1.568835610664E9});
        let mut out = XrayOut::new();
        parse_xray_value(&v, &file(), 1, &mut out);
        assert!(approx(out.spans[0].start_ms, 1_568_835_610_432.0));
        assert!(approx(out.spans[0].duration_ms.unwrap_or(f64::NAN), 232.0));
    }

    #[test]
    fn invalid_documents_are_skipped_with_reasons() {
        let base = json!({"id": "0123456789abcdef", "name": "svc", "trace_id": "1-66500000-000000000000000000000001",
                          "start_time": 1716518912.0, "end_time": 1716518913.0});
        let with = |key: &str, value: Option<Value>| {
            let mut v = base.clone();
            if let Some(m) = v.as_object_mut() {
                match value {
                    Some(x) => {
                        m.insert(key.to_owned(), x);
                    }
                    None => {
                        m.remove(key);
                    }
                }
            }
            v
        };
        let cases = [
            (with("trace_id", None), "X-Ray segment without trace_id"),
            (
                with("trace_id", Some(json!(""))),
                "X-Ray segment without trace_id",
            ),
            (with("name", None), "X-Ray segment without name"),
            (
                with("id", Some(json!("xyz"))),
                "X-Ray segment without a 16-hex-digit id",
            ),
            (
                with("id", Some(json!("0123456789abcdeg"))),
                "X-Ray segment without a 16-hex-digit id",
            ),
            (
                with("id", Some(json!(42))),
                "X-Ray segment without a 16-hex-digit id",
            ),
            (
                with("start_time", None),
                "X-Ray segment without a numeric start_time",
            ),
            (
                with("start_time", Some(json!("soon"))),
                "X-Ray segment without a numeric start_time",
            ),
            (
                with("start_time", Some(json!(1e308))),
                "X-Ray segment start_time out of range (not 2000 to 2100 in epoch seconds)",
            ),
            (
                with("start_time", Some(json!(-1716518912.0))),
                "X-Ray segment start_time out of range (not 2000 to 2100 in epoch seconds)",
            ),
            (
                with("start_time", Some(json!(0))),
                "X-Ray segment start_time out of range (not 2000 to 2100 in epoch seconds)",
            ),
            (
                with("end_time", Some(json!(1e308))),
                "X-Ray segment end_time out of range (not 2000 to 2100 in epoch seconds)",
            ),
            (
                with("end_time", Some(json!(1716518911.5))),
                "X-Ray segment ends before it starts",
            ),
            (
                with("end_time", None),
                "X-Ray segment without end_time or in_progress",
            ),
            (
                with("end_time", Some(json!(null))),
                "X-Ray segment without end_time or in_progress",
            ),
        ];
        for (v, reason) in cases {
            let mut out = XrayOut::new();
            parse_xray_value(&v, &file(), 3, &mut out);
            assert!(out.spans.is_empty(), "{v}");
            assert_eq!(out.skipped.len(), 1, "{v}");
            assert_eq!(out.skipped[0].reason, reason, "{v}");
            assert_eq!(out.skipped[0].line, 3);
        }
        let mut indep = with("trace_id", None);
        if let Some(m) = indep.as_object_mut() {
            m.insert("type".into(), json!("subsegment"));
        }
        let mut out = XrayOut::new();
        parse_xray_value(&indep, &file(), 1, &mut out);
        assert_eq!(out.skipped[0].reason, "X-Ray subsegment without trace_id");
    }

    #[test]
    fn bad_subsegment_drops_only_its_subtree() {
        let v = json!({"id": "0123456789abcdef", "name": "svc", "trace_id": "1-66500000-000000000000000000000001",
        "start_time": 1756821791.0, "end_time": 1756821792.0,
        "subsegments": [
            {"id": "1111111111111111", "name": "ok", "start_time": 1756821791.1, "end_time": 1756821791.2},
            {"name": "no-id", "start_time": 1756821791.1, "end_time": 1756821791.2,
             "subsegments": [{"id": "2222222222222222", "name": "lost", "start_time": 1756821791.1, "end_time": 1756821791.2}]},
            {"id": "3333333333333333", "name": "running", "start_time": 1756821791.3, "in_progress": true},
            {"id": "4444444444444444", "name": "no-end", "start_time": 1756821791.3},
            "junk"
        ]});
        let mut out = XrayOut::new();
        parse_xray_value(&v, &file(), 1, &mut out);
        let names: Vec<&str> = out.spans.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["svc", "ok", "running"]);
        assert!(out.spans[2].in_progress);
        let reasons: Vec<&str> = out.skipped.iter().map(|s| s.reason).collect();
        assert_eq!(
            reasons,
            [
                "X-Ray subsegment is not an object",
                "X-Ray subsegment without a 16-hex-digit id",
                "X-Ray subsegment without end_time or in_progress",
            ]
        );
        assert!(out.skipped[1].detail.contains("dropped too"));
    }

    /// Review of 2026-12-07: flags written as strings or numbers were read as unset.
    #[test]
    fn flags_written_as_strings_or_numbers() {
        let m = json!({"fault": "true", "error": 1, "throttle": "false", "x": "1"});
        let m = m.as_object().expect("object");
        assert!(flag(m, "fault") && flag(m, "error") && flag(m, "x"));
        assert!(!flag(m, "throttle") && !flag(m, "missing"));
        let off = json!({"fault": 0, "error": "no"});
        let off = off.as_object().expect("object");
        assert!(!flag(off, "fault") && !flag(off, "error"));
    }

    #[test]
    fn recognition() {
        let yes = [
            json!({"format": "json", "version": 1}),
            json!({"Traces": []}),
            json!({"UnprocessedTraceIds": ["x"]}),
            json!({"TraceSummaries": []}),
            json!({"type": "subsegment", "id": "0123456789abcdef"}),
            json!({"id": "0123456789abcdef", "name": "DynamoDB", "start_time": 1.0}),
            json!([1, {"id": "0123456789abcdef", "trace_id": "t", "start_time": 1.0}]),
        ];
        for v in yes {
            assert!(is_xray_value(&v), "{v}");
        }
        let no = [
            json!(["http://scorekeep.example.com/api/move/1"]),
            json!({"Services": []}),
            json!({"UnprocessedTraceSegments": []}),
            json!({"events": [{"message": "REPORT RequestId: x"}]}),
            json!({"level": "INFO", "message": "hi", "xray_trace_id": "1-66500000-0"}),
            json!([]),
            json!("text"),
            json!(null),
        ];
        for v in no {
            assert!(!is_xray_value(&v), "{v}");
        }
    }

    #[test]
    fn non_documents_are_skipped_not_panicked() {
        for v in [
            json!(1),
            json!("x"),
            json!(null),
            json!([[[[[[{}]]]]]]),
            json!({}),
        ] {
            let mut out = XrayOut::new();
            parse_xray_value(&v, &file(), 1, &mut out);
            assert!(out.spans.is_empty());
            assert!(!out.skipped.is_empty(), "{v}");
        }
    }

    #[test]
    fn long_details_are_clipped() {
        let name = "n".repeat(1000);
        let v = json!({"id": "0123456789abcdef", "name": name, "start_time": 1.0, "end_time": 2.0});
        let mut out = XrayOut::new();
        parse_xray_value(&v, &file(), 1, &mut out);
        assert!(out.skipped[0].detail.chars().count() <= MAX_DETAIL_CHARS + 1);
    }

    /// Where the shared corpus lives: here, or beside a clone of the main repository.
    fn corpus_dir() -> Option<std::path::PathBuf> {
        let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        [
            std::env::var_os("FAASCOPE_CORPUS").map(|d| std::path::PathBuf::from(d).join("xray")),
            Some(std::path::PathBuf::from("/work/shared/corpus/xray")),
            Some(manifest.join("../shared/corpus/xray")),
            Some(manifest.join("shared/corpus/xray")),
        ]
        .into_iter()
        .flatten()
        .find(|d| d.is_dir())
    }

    #[test]
    fn corpus_parses_without_panic_with_known_counts() {
        let Some(dir) = corpus_dir() else {
            crate::diag!("corpus not found: skipping the X-Ray corpus test");
            return;
        };
        // (file, spans, skips) checked by hand against each file.
        let expected: &[(&str, usize, usize)] = &[
            ("aws-cli-example-batch-get-traces.json", 3, 0),
            // Documentation error: a list of URLs, not X-Ray data.
            ("aws-cli-example-get-trace-summaries-output.json", 0, 0),
            (
                "awsdocs-xray-xray-api-gettingdata-BatchGetTraces-output-lambda.json",
                11,
                0,
            ),
            (
                "awsdocs-xray-xray-api-gettingdata-GetServiceGraph-output.json",
                0,
                0,
            ),
            (
                "awsdocs-xray-xray-api-gettingdata-GetTraceSummaries-output.json",
                2,
                0,
            ),
            (
                "awsdocs-xray-xray-api-segmentdocuments-inferred-segment.json",
                1,
                0,
            ),
            (
                "awsdocs-xray-xray-api-segmentdocuments-segment-in-progress.json",
                1,
                0,
            ),
            (
                "awsdocs-xray-xray-api-segmentdocuments-segment-minimal.json",
                1,
                0,
            ),
            (
                "awsdocs-xray-xray-api-segmentdocuments-segment-with-http-subsegment.json",
                2,
                0,
            ),
            // Subsegment examples without trace_id: recognised, skipped with a reason.
            (
                "awsdocs-xray-xray-api-segmentdocuments-subsegment-custom-dynamodb.json",
                0,
                1,
            ),
            (
                "awsdocs-xray-xray-api-segmentdocuments-subsegment-remote-http.json",
                0,
                1,
            ),
            (
                "awsdocs-xray-xray-api-segmentdocuments-subsegment-sql.json",
                0,
                1,
            ),
            (
                "awsdocs-xray-xray-api-sendingdata-PutTraceSegments-unprocessed-response.json",
                0,
                0,
            ),
            (
                "awsdocs-xray-xray-api-sendingdata-daemon-log-lines.txt",
                0,
                0,
            ),
            (
                "awsdocs-xray-xray-api-sendingdata-daemon-udp-two-lines.txt",
                1,
                0,
            ),
            (
                "awsdocs-xray-xray-api-sendingdata-segment-complete.json",
                1,
                0,
            ),
            (
                "lambdapulse-trace-1-64373507-1fa10d7929b63ad548165c89.segments.json",
                7,
                0,
            ),
            (
                "lambdapulse-trace-1-6437350a-775b7afb3067811a4c6daade.segments.json",
                6,
                0,
            ),
            (
                "lambdapulse-trace-1-64382395-325767910529ad85074038bc.segments.json",
                8,
                0,
            ),
            (
                "lambdapulse-trace-1-643aca1d-02e095f7341508e00b9b6d2b.segments.json",
                14,
                0,
            ),
            ("otel-contrib-awsValidAwsFields.txt", 1, 0),
            ("otel-contrib-indepSubsegmentWithSql.txt", 1, 0),
            ("otel-contrib-minCauseIsExceptionId.txt", 1, 0),
            ("otel-contrib-minInProgress.txt", 1, 0),
            ("otel-contrib-minOtherFields.txt", 1, 0),
            // Neither end_time nor in_progress.
            ("otel-contrib-segmentWithParentId.txt", 0, 1),
            ("otel-contrib-serverSample.txt", 1, 0),
            ("public-lambda-2024-segments.ndjson", 3, 0),
        ];
        let mut entries: Vec<_> = std::fs::read_dir(&dir)
            .expect("corpus dir readable")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect();
        entries.sort();
        assert!(entries.len() >= expected.len());
        let mut seen = std::collections::HashMap::new();
        for path in &entries {
            let bytes = std::fs::read(path).expect("corpus file readable");
            let text = String::from_utf8_lossy(&bytes);
            let text = text.trim_start_matches('\u{feff}');
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let out = parse_text(text, &name);
            // Every value, X-Ray or not, must also go through the parser without panicking.
            let mut all = XrayOut::new();
            let f: Arc<str> = Arc::from(name.as_str());
            for (v, line) in values_with_lines(text) {
                parse_xray_value(&v, &f, line, &mut all);
            }
            for s in &out.spans {
                assert!(s.start_ms.is_finite(), "{name}: {s:?}");
                assert!(s.source.line >= 1, "{name}");
                assert_eq!(s.in_progress, s.end_ms.is_none(), "{name}: {s:?}");
            }
            let _ = crate::analytics::traces::summarize(&out.spans);
            seen.insert(name, (out.spans.len(), out.skipped.len()));
        }
        let mut mismatches = Vec::new();
        for &(name, spans, skips) in expected {
            match seen.get(name) {
                Some(&got) if got == (spans, skips) => {}
                got => mismatches.push(format!(
                    "{name}: expected {:?}, got {got:?}",
                    (spans, skips)
                )),
            }
        }
        assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    }

    #[test]
    fn corpus_lambda_trace_details() {
        let Some(dir) = corpus_dir() else {
            return;
        };
        let name = "lambdapulse-trace-1-64373507-1fa10d7929b63ad548165c89.segments.json";
        let text = std::fs::read_to_string(dir.join(name)).expect("corpus file");
        let out = parse_text(&text, name);
        let service = out
            .spans
            .iter()
            .find(|s| s.origin.as_deref() == Some("AWS::Lambda"))
            .expect("Lambda service segment");
        assert_eq!(service.name, "todo-list-app-dev-postTask");
        assert!(service.request_id.is_some());
        let init = out
            .spans
            .iter()
            .find(|s| s.name == "Initialization")
            .expect("Initialization");
        assert_eq!(init.depth, 1);
        assert_eq!(&*init.function, "todo-list-app-dev-postTask");
        let api_lambda = out
            .spans
            .iter()
            .find(|s| s.name == "Lambda")
            .expect("API Gateway's Lambda call");
        assert_eq!(api_lambda.operation.as_deref(), Some("Invoke"));
        assert_eq!(&*api_lambda.function, "dev-todo-list-app/dev");
    }

    fn xray_key() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "id",
            "name",
            "trace_id",
            "start_time",
            "end_time",
            "in_progress",
            "subsegments",
            "parent_id",
            "type",
            "namespace",
            "aws",
            "operation",
            "request_id",
            "http",
            "response",
            "status",
            "error",
            "fault",
            "throttle",
            "origin",
            "Traces",
            "Segments",
            "Document",
            "Id",
            "UnprocessedTraceIds",
            "TraceSummaries",
            "Duration",
            "StartTime",
            "EntryPoint",
            "ServiceIds",
            "Name",
            "Http",
            "HttpStatus",
            "HttpURL",
            "format",
            "version",
            "HasFault",
        ])
        .prop_map(str::to_owned)
    }

    fn leaf() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            prop::sample::select(vec![
                "0123456789abcdef", "1-66500000-000000000000000000000001", "subsegment", "aws",
                "remote", "json", "", "1.5E9", "2024-05-24T02:49:21Z", "{\"id\":1}",
                "{\"id\":\"0123456789abcdef\",\"name\":\"x\",\"trace_id\":\"t\",\"start_time\":1,\"in_progress\":true}",
            ])
            .prop_map(Value::from),
            ".{0,12}".prop_map(Value::from),
            (1.0e9..2.0e9f64).prop_map(Value::from),
        ]
    }

    fn xrayish() -> impl Strategy<Value = Value> {
        leaf().prop_recursive(5, 64, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec((xray_key(), inner), 0..10)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn arbitrary_json_strings_never_panic(text in "[\\[\\]{}\":,0-9a-zA-Z_.eE+ -]{0,200}") {
            if let Ok(v) = serde_json::from_str::<Value>(&text) {
                let mut out = XrayOut::new();
                let _ = is_xray_value(&v);
                parse_xray_value(&v, &file(), 1, &mut out);
            }
        }

        #[test]
        fn xray_shaped_values_never_panic(v in xrayish()) {
            let mut out = XrayOut::new();
            let _ = is_xray_value(&v);
            parse_xray_value(&v, &file(), 1, &mut out);
            parse_xray_value(&v, &file(), 2, &mut out);
            for s in &out.spans {
                prop_assert!(s.start_ms.is_finite());
            }
            let summaries = crate::analytics::traces::summarize(&out.spans);
            for t in &summaries {
                if let Some(rows) = crate::analytics::traces::waterfall(&out.spans, &t.trace_id) {
                    let _ = crate::analytics::traces::render_waterfall_text(&rows, 80);
                }
            }
        }

        #[test]
        fn mutated_fixtures_never_panic(
            which in 0usize..9,
            cut in 0usize..2000,
            insert in prop::sample::select(vec!["", "{", "}", "[", "]", "\"", ",", "null", "1e999", "-"]),
        ) {
            let fixtures = [
                LAMBDA_SERVICE_SEGMENT, LAMBDA_FUNCTION_SEGMENT, IN_PROGRESS_SEGMENT,
                COMPLETED_SEGMENT, FAULT_THROTTLE_SEGMENT, BATCH_GET_TRACES, TRACE_SUMMARIES,
                DAEMON_UDP, INDEPENDENT_SUBSEGMENT,
            ];
            let src = fixtures[which];
            let mut at = cut.min(src.len());
            while !src.is_char_boundary(at) {
                at -= 1;
            }
            let text = format!("{}{insert}{}", &src[..at], &src[at..]);
            let out = parse_text(&text, "mutated");
            let _ = crate::analytics::traces::summarize(&out.spans);
        }
    }
}
