//! Records shared by every layer: the normalized invocation, log, span and metric rows.
//!
//! Units are in the field names (`duration_ms`, `memory_size_mb`); timestamps are UTC epoch
//! milliseconds (`timestamp_ms`).

pub mod columns;
pub mod order;

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub use columns::{ReportColumns, ReportTexts, ThinLogs};

/// Where a record came from: a file (shared, interned) and a 1-based line (or record) number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SourceRef {
    pub file: Arc<str>,
    pub line: u64,
}

impl fmt::Display for SourceRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

impl Serialize for SourceRef {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Outcome of one invocation as the platform reported it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Success,
    Error,
    Timeout,
    Unknown,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Success => "success",
            Status::Error => "error",
            Status::Timeout => "timeout",
            Status::Unknown => "unknown",
        }
    }

    /// Maps the platform's status words (REPORT `Status:`, `platform.report` `status`).
    pub fn from_platform(word: &str) -> Status {
        match word.trim().to_ascii_lowercase().as_str() {
            "success" => Status::Success,
            "timeout" => Status::Timeout,
            "error" | "failure" | "fault" => Status::Error,
            _ => Status::Unknown,
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row per REPORT line or `platform.report` event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Invocation {
    pub function: Arc<str>,
    pub request_id: String,
    /// Time of the REPORT record (the end of the invocation), UTC epoch ms; null when the input
    /// carries no time at all (a console copy).
    pub timestamp: Option<i64>,
    pub duration_ms: f64,
    pub billed_duration_ms: f64,
    pub memory_size_mb: u32,
    pub max_memory_used_mb: Option<u32>,
    pub init_duration_ms: Option<f64>,
    pub restore_duration_ms: Option<f64>,
    pub billed_restore_duration_ms: Option<f64>,
    pub cold_start: bool,
    pub status: Status,
    pub error_type: Option<String>,
    pub trace_id: Option<String>,
    pub source: SourceRef,
    /// The log stream of the REPORT (`@logStream`), when the input names one. Not one of the
    /// table's exported columns.
    #[serde(skip)]
    pub log_stream: Option<Arc<str>>,
}

impl Invocation {
    /// When it started ([`columns::start_before`] its REPORT time); `None` without a time.
    pub fn start_ms(&self) -> Option<i64> {
        Some(columns::start_before(
            self.timestamp?,
            self.duration_ms,
            self.init_duration_ms,
            self.restore_duration_ms,
        ))
    }

    /// A text REPORT line rebuilt from the parsed invocation (tab-separated, as Lambda writes
    /// one). Not the event as the input held it: the status may have been learned from other
    /// lines, numbers are reformatted and X-Ray fields other than the trace id are gone. The
    /// event's own text, when ingestion kept it, is in [`ReportTexts`].
    pub fn report_line(&self) -> String {
        let r = self;
        let mut s = format!(
            "REPORT RequestId: {}\tDuration: {:.2} ms\tBilled Duration: {} ms\tMemory Size: {} MB",
            r.request_id, r.duration_ms, r.billed_duration_ms, r.memory_size_mb
        );
        if let Some(m) = r.max_memory_used_mb {
            s.push_str(&format!("\tMax Memory Used: {m} MB"));
        }
        if let Some(i) = r.init_duration_ms {
            s.push_str(&format!("\tInit Duration: {i:.2} ms"));
        }
        if let Some(i) = r.restore_duration_ms {
            s.push_str(&format!("\tRestore Duration: {i:.2} ms"));
        }
        if let Some(i) = r.billed_restore_duration_ms {
            s.push_str(&format!("\tBilled Restore Duration: {i} ms"));
        }
        if r.status != Status::Success && r.status != Status::Unknown {
            s.push_str(&format!("\tStatus: {}", r.status.as_str()));
        }
        if let Some(e) = &r.error_type {
            s.push_str(&format!("\tError Type: {e}"));
        }
        if let Some(t) = &r.trace_id {
            s.push_str(&format!("\nXRAY TraceId: {t}"));
        }
        s
    }
}

/// What kind of line a log record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LogKind {
    /// START / END / INIT_START / platform.* and other lines the platform writes.
    Platform,
    /// Anything the function (or an extension) printed.
    Application,
}

/// The text format's word (`START`, `END`, ...) for a JSON-format platform event
/// (`platform.start`, `platform.runtimeDone`, ...): the `@type` of both formats' lines, so
/// `filter @type = "START"` counts either, as `@type = "REPORT"` does.
pub fn text_type_of(event_type: &str) -> Option<&'static str> {
    Some(match event_type {
        "platform.start" => "START",
        "platform.runtimeDone" => "END",
        "platform.initStart" => "INIT_START",
        "platform.initReport" => "INIT_REPORT",
        "platform.restoreStart" => "RESTORE_START",
        "platform.restoreReport" => "RESTORE_REPORT",
        "platform.extension" => "EXTENSION",
        _ => return None,
    })
}

/// One log line or event that is not itself an invocation report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogRecord {
    pub function: Arc<str>,
    pub timestamp: Option<i64>,
    pub kind: LogKind,
    /// `START`, `END`, `INIT_START`, `platform.start`, … for platform lines; the level for
    /// application lines when one could be read (`INFO`, `ERROR`, …).
    pub event_type: Option<String>,
    pub level: Option<String>,
    pub request_id: Option<String>,
    pub trace_id: Option<String>,
    pub cold_start: Option<bool>,
    pub message: String,
    /// The whole JSON event when `message` is only its message field (JSON-format application
    /// logs, `platform.*` events): what Logs Insights calls `@message`, and where queries read
    /// JSON fields by dotted path. Exported beside the readable `message` (without it, the
    /// export lost Powertools' `exception` and every custom key: fifth-round export review).
    pub json: Option<String>,
    pub log_stream: Option<String>,
    pub source: SourceRef,
    /// A line of a text file continuing the event before it (no time of its own: a traceback's
    /// lines after its first in an S3 export or `aws logs tail`). Not exported.
    #[serde(skip)]
    pub continues: bool,
}

/// One X-Ray segment or subsegment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Span {
    pub trace_id: String,
    pub span_id: String,
    pub parent_id: Option<String>,
    /// Segment name, or subsegment name (`Initialization`, `Invocation`, `DynamoDB`, …).
    pub name: String,
    /// The function (or service) this span belongs to: the name of its segment.
    pub function: Arc<str>,
    pub origin: Option<String>,
    /// `segment` or `subsegment`.
    pub span_kind: SpanKind,
    /// A segment X-Ray inferred for a downstream call (`"inferred": true`: the DynamoDB table or
    /// HTTP host a subsegment called, with that call's outcome copied): the call, not a segment
    /// of the trace's own services, so it neither sets the trace's error and fault flags nor
    /// makes its name a function taking part, and its `aws.request_id` is the downstream
    /// service's.
    pub inferred: bool,
    /// `aws`, `remote` or empty for subsegments.
    pub namespace: Option<String>,
    pub start_ms: f64,
    pub end_ms: Option<f64>,
    pub duration_ms: Option<f64>,
    pub in_progress: bool,
    pub error: bool,
    pub fault: bool,
    pub throttle: bool,
    pub http_status: Option<u16>,
    /// AWS operation of an SDK call (`GetItem`), when recorded.
    pub operation: Option<String>,
    /// Downstream service of a subsegment: its name for `aws`/`remote` namespaces.
    pub remote_service: Option<String>,
    pub request_id: Option<String>,
    /// Depth in the span tree: 0 for a segment.
    pub depth: u32,
    pub source: SourceRef,
}

impl Span {
    /// Of two copies of one span (the same trace and span id, read twice), is `other` the one
    /// to keep over `self`? A completed copy over one in progress, then the one ending last
    /// (a later flush of the segment), then the one flagged, so that the choice does not hang
    /// on the order the inputs were read in (review of 2026-12-07: the first copy read won).
    pub fn is_better_copy(&self, other: &Span) -> bool {
        let end = |s: &Span| s.end_ms.unwrap_or(f64::NEG_INFINITY);
        (!other.in_progress)
            .cmp(&!self.in_progress)
            .then(end(other).total_cmp(&end(self)))
            .then(other.fault.cmp(&self.fault))
            .then(other.error.cmp(&self.error))
            .then(other.throttle.cmp(&self.throttle))
            // Then the one starting first (the longer), and by name: a total order, so that
            // equal ends do not fall back on the order read (verification).
            .then(self.start_ms.total_cmp(&other.start_ms))
            .then(other.name.cmp(&self.name))
            .is_gt()
    }

    /// Is this a Lambda function's own segment (the service or function segment; a segment
    /// without origin may be one)? Not a subsegment, a downstream service's inferred segment
    /// (`AWS::DynamoDB::Table`, or an HTTP host's, which has no origin), nor another
    /// service's (`AWS::ElasticBeanstalk::Environment`): its `function` names a function.
    pub fn is_function_segment(&self) -> bool {
        self.span_kind != SpanKind::Subsegment
            && !self.inferred
            && self
                .origin
                .as_deref()
                .is_none_or(|o| o.starts_with("AWS::Lambda"))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SpanKind {
    Segment,
    Subsegment,
    /// One row of GetTraceSummaries output: a whole trace, without its segments.
    TraceSummary,
}

/// One CloudWatch metric datapoint.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricPoint {
    pub timestamp: i64,
    pub function: Arc<str>,
    pub metric: String,
    /// The statistic (`Sum`, `Average`, `Maximum`, `p99`…) when the input names one.
    pub statistic: Option<String>,
    pub value: f64,
    pub unit: Option<String>,
    pub source: SourceRef,
}

/// The four normalized tables built from all inputs of one run.
#[derive(Debug, Default, Clone)]
pub struct Tables {
    pub invocations: Vec<Invocation>,
    pub logs: Vec<LogRecord>,
    /// The log records when ingested thin (then `logs` is empty).
    pub thin_logs: ThinLogs,
    pub spans: Vec<Span>,
    pub metrics: Vec<MetricPoint>,
    /// The text of REPORT events as written, kept with full log records (see [`ReportTexts`]):
    /// a query's `@message`, the lines `logs` prints.
    pub report_texts: ReportTexts,
    /// The custom log group (advanced logging controls) of each log stream that named its
    /// function there (several functions may share one group): a query's `@log`.
    pub stream_groups: std::collections::BTreeMap<String, String>,
}
