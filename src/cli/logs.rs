//! `faascope logs`: the log records and REPORT lines of any sources in time order, with
//! `--follow` to keep tailing `cloudwatch://` groups.

use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::Args;
use regex::Regex;

use super::{load, report_skips, strict_exit, Filter, FilterArgs, SourceArgs, UsageError};
use crate::ingest::{self, IngestOptions};
use crate::model::order::{read_order, Place};
use crate::model::{Invocation, LogRecord, ReportTexts, Tables};
use crate::output::sanitize;

/// How late a tail's events may arrive: --until ends a tail this long after it has passed.
const LATE_MS: i64 = 30_000;

#[derive(Args, Debug)]
pub struct LogsArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Only lines whose message (or a JSON line's other fields) matches this regular expression
    #[arg(long, value_name = "REGEX")]
    pub grep: Option<String>,
    /// Only this level (ERROR, WARN, INFO, DEBUG) or platform line (START, END, REPORT, INIT_START…)
    #[arg(long, value_name = "LEVEL", value_parser = not_empty)]
    pub level: Option<String>,
    /// Only the lines of this request
    #[arg(long, value_name = "ID", value_parser = not_empty)]
    pub request_id: Option<String>,
    /// Keep printing new events of the cloudwatch:// sources (a StartLiveTail session, else
    /// FilterLogEvents every 2 s) until interrupted, --follow-for ends or --until has passed
    /// (30 s later, for events arriving late)
    #[arg(long, short = 'f')]
    pub follow: bool,
    /// Stop following after this long (30s, 5m, 1h)
    #[arg(long, value_name = "DURATION", requires = "follow")]
    pub follow_for: Option<String>,
    /// text: one line per record; json: one JSON object per line
    #[arg(long, value_enum, default_value_t = LogsFormat::Text)]
    pub format: LogsFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogsFormat {
    Text,
    Json,
}

/// One printed line: a log record or a REPORT.
struct Line {
    timestamp: Option<i64>,
    /// Where it was read (file, line): the order of lines of one millisecond.
    source: (Arc<str>, u64),
    function: String,
    label: String,
    request_id: Option<String>,
    message: String,
    /// A structured log line's other fields (see [`other_fields`]), shown after the message.
    fields: Option<serde_json::Map<String, serde_json::Value>>,
    /// A line continuing the event before it ([`LogRecord::continues`]).
    continues: bool,
}

/// Keys of a JSON log line shown otherwise (time, level, message; and the request id's,
/// [`crate::ingest::REQUEST_ID_KEYS`]) or put there by the runtime or Powertools on every line
/// (function name, ARN, memory, trace id).
const SHOWN_KEYS: &[&str] = &[
    "message",
    "msg",
    "level",
    "levelname",
    "timestamp",
    "time",
    "@timestamp",
    "function_name",
    "function_memory_size",
    "function_arn",
    "xray_trace_id",
    "sampling_rate",
    // Powertools for Java and .NET spell them in camel case.
    "functionName",
    "functionMemorySize",
    "functionArn",
    "functionVersion",
    "functionRequestId",
    "xrayTraceId",
    "samplingRate",
];

/// The fields of an application's JSON log line besides those `logs` shows anyway: the data it
/// logged (`order`, `http.status`, ...), which the message alone would hide.
fn other_fields(r: &LogRecord) -> Option<serde_json::Map<String, serde_json::Value>> {
    // A line without a message key is its own message: shown whole already.
    if r.kind != crate::model::LogKind::Application || r.json.as_deref() == Some(&r.message) {
        return None;
    }
    let serde_json::Value::Object(mut o) = serde_json::from_str(r.json.as_deref()?).ok()? else {
        return None;
    };
    o.retain(|k, _| {
        !SHOWN_KEYS.contains(&k.as_str()) && !crate::ingest::REQUEST_ID_KEYS.contains(&k.as_str())
    });
    (!o.is_empty()).then_some(o)
}

/// The fields as `key=value` (text as it is, quoted when it holds a space; anything else as
/// compact JSON).
fn fields_text(fields: &serde_json::Map<String, serde_json::Value>) -> String {
    fields
        .iter()
        .map(|(k, v)| match v {
            serde_json::Value::String(t) if !t.contains(char::is_whitespace) && !t.is_empty() => {
                format!("{k}={t}")
            }
            other => format!("{k}={other}"),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The REPORT line, on one line: as the input wrote it when that was a text REPORT line, else
/// (a JSON-format `platform.report`) as Lambda's text format would write it. `--grep` reads it
/// whole (`REPORT RequestId: ...`), as it reads START and END lines.
fn report_text(r: &Invocation, texts: &ReportTexts) -> String {
    match texts.of(r) {
        Some(t) if t.starts_with("REPORT ") => t.replace('\n', "\t"),
        _ => r.report_line().replace('\n', "\t"),
    }
}

fn lines(t: &Tables) -> Vec<Line> {
    let out: Vec<Line> = t
        .logs
        .iter()
        .map(|r: &LogRecord| Line {
            timestamp: r.timestamp,
            source: (r.source.file.clone(), r.source.line),
            function: r.function.to_string(),
            // A Telemetry API `function` record is labelled by its level when it has one,
            // as the same line from a text log is.
            label: match (r.event_type.as_deref(), &r.level) {
                (Some("function" | "extension"), Some(level)) => level.clone(),
                _ => r
                    .event_type
                    .clone()
                    .or_else(|| r.level.clone())
                    .unwrap_or_else(|| "-".into()),
            },
            request_id: r.request_id.clone(),
            message: r.message.trim_end().to_string(),
            fields: other_fields(r),
            continues: r.continues,
        })
        .chain(t.invocations.iter().map(|r| Line {
            timestamp: r.timestamp,
            source: (r.source.file.clone(), r.source.line),
            function: r.function.to_string(),
            label: "REPORT".into(),
            request_id: Some(r.request_id.clone()),
            message: report_text(r, &t.report_texts),
            fields: None,
            continues: false,
        }))
        .collect();
    // Lines of one timestamp in the order they were read, a newest-first file's put back in
    // time order event by event, a REPORT after its END (`crate::model::order`; sixth-round
    // ingestion review: untimed platform lines of a console's "Test" output printed first;
    // tenth-round logs review and the verifications of 721baae and c0a5c71: REPORTs, END and
    // tracebacks out of order).
    let n_logs = t.logs.len();
    let places: Vec<Place<'_>> = out
        .iter()
        .enumerate()
        .map(|(i, l)| Place {
            timestamp: l.timestamp,
            file: &l.source.0,
            line: l.source.1,
            report: i >= n_logs,
            continues: l.continues,
            request_id: l.request_id.as_deref(),
            // The JSON log format's platform.runtimeDone ends a request as END does.
            end: l.label == "END" || l.label == "platform.runtimeDone",
            start: l.label == "START" || l.label == "platform.start",
        })
        .collect();
    let placed = read_order(&places);
    drop(places);
    let mut slots: Vec<Option<Line>> = out.into_iter().map(Some).collect();
    placed.into_iter().filter_map(|i| slots[i].take()).collect()
}

/// Does a line's label (a level, a text platform line's kind or a JSON `platform.*` type) match
/// `--level`? A JSON-format event matches the name of its text line (`platform.start` is
/// `START`), and Python's level names match ours (`WARNING` is `WARN`).
fn label_matches(label: &str, wanted: &str) -> bool {
    let text_name = |label: &str| -> String {
        match label {
            "platform.start" => "START",
            "platform.runtimeDone" => "END",
            "platform.report" => "REPORT",
            "platform.initStart" => "INIT_START",
            "platform.initReport" => "INIT_REPORT",
            "platform.restoreStart" => "RESTORE_START",
            "platform.restoreReport" => "RESTORE_REPORT",
            "platform.extension" => "EXTENSION",
            other => other,
        }
        .to_string()
    };
    let canonical = |s: &str| match s.to_ascii_uppercase().as_str() {
        "WARNING" => "WARN".to_string(),
        "CRITICAL" => "FATAL".to_string(),
        u => u.to_string(),
    };
    // Either side may be named as a JSON-format type (`platform.report`) or as its text line.
    let wanted_text = canonical(&text_name(wanted));
    let wanted = canonical(wanted);
    let (own, own_text) = (canonical(label), canonical(&text_name(label)));
    own == wanted || own_text == wanted || own_text == wanted_text
}

struct Select {
    grep: Option<Regex>,
    level: Option<String>,
    request_id: Option<String>,
}

impl Select {
    fn keep(&self, l: &Line) -> bool {
        self.grep.as_ref().is_none_or(|g| {
            g.is_match(&l.message)
                || l.fields
                    .as_ref()
                    .is_some_and(|f| g.is_match(&fields_text(f)))
        }) && self
            .level
            .as_ref()
            .is_none_or(|v| label_matches(&l.label, v))
            && self
                .request_id
                .as_ref()
                .is_none_or(|id| l.request_id.as_deref() == Some(id.as_str()))
    }
}

fn print(lines: &[Line], sel: &Select, format: LogsFormat, out: &mut impl Write) -> Result<u64> {
    let mut n = 0;
    for l in lines.iter().filter(|l| sel.keep(l)) {
        let ts = l
            .timestamp
            .map(crate::timeparse::format_ms)
            .unwrap_or_else(|| "-".into());
        match format {
            LogsFormat::Text => {
                // Log text is untrusted: control and escape sequences are removed, and each
                // line of a multi-line message is indented under the first.
                let mut msg = l
                    .message
                    .lines()
                    // A REPORT event's trailing tab (kept as written) shows as nothing.
                    .map(|line| sanitize(line).trim_end().to_string())
                    .collect::<Vec<_>>()
                    .join("\n    ");
                if let Some(f) = &l.fields {
                    msg.push_str("  ");
                    msg.push_str(&sanitize(&fields_text(f)));
                }
                // A line whose text starts with its label (`START RequestId: ...`) is not
                // labelled twice.
                let label = sanitize(&l.label);
                if msg.starts_with(&format!("{label} ")) {
                    writeln!(out, "{ts} {} {msg}", sanitize(&l.function))?;
                } else {
                    writeln!(out, "{ts} {} {label} {msg}", sanitize(&l.function))?;
                }
            }
            LogsFormat::Json => {
                // Missing values are null here ("-" is the text format's placeholder).
                let line = serde_json::to_string(&serde_json::json!({
                    "timestamp": l.timestamp.map(crate::timeparse::format_ms),
                    "function": l.function,
                    "type": (l.label != "-").then_some(&l.label),
                    "request_id": l.request_id,
                    "message": l.message,
                    "fields": l.fields,
                }))?;
                writeln!(out, "{}", crate::output::json_safe(line))?;
            }
        }
        n += 1;
    }
    out.flush()?;
    Ok(n)
}

fn options(src: &SourceArgs) -> IngestOptions {
    IngestOptions {
        input_format: src.input_format,
        function_name: src.function_name.clone(),
        keep_logs: true,
        keep_spans: false,
        keep_metrics: false,
        report_columns: false,
        thin_logs: false,
        report_texts: true,
    }
}

/// `--level`, `--request-id`: not empty (an unset shell variable, `--request-id "$ID"`, would
/// match nothing and say only that).
fn not_empty(s: &str) -> std::result::Result<String, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err("it is empty: give a value (an unset shell variable?)".into());
    }
    Ok(t.to_string())
}

pub fn run(a: LogsArgs) -> Result<i32> {
    let filter = Filter::from_args(&a.filter)?;
    let sel = Select {
        grep: a
            .grep
            .as_deref()
            .map(Regex::new)
            .transpose()
            .map_err(|e| UsageError(format!("--grep: {e}")))?,
        level: a.level.clone(),
        request_id: a.request_id.clone(),
    };
    let stdout = std::io::stdout();
    if !a.follow {
        let mut ing = load(&a.source.with_window(&filter), options(&a.source))?;
        let t = &ing.tables;
        let untimed = filter.untimed_note(
            filter.untimed_records(t, &crate::model::ReportColumns::default()),
            "log line(s)",
        );
        // What was read before the filters, for the note of an empty answer (as `query`'s).
        let read = super::ReadSpan::of_records(t, &crate::model::ReportColumns::default())
            .filtered_out_of(&filter, "log line(s)");
        filter.apply(&mut ing.tables);
        let all = lines(&ing.tables);
        let shown =
            print(&all, &sel, a.format, &mut stdout.lock()).context("cannot write to stdout")?;
        report_skips(&a.source, &ing);
        if let Some(note) = untimed.filter(|_| !a.source.quiet) {
            crate::diag!("note: {note}");
        }
        if shown == 0 && !a.source.quiet {
            // An empty answer says why: nothing read, or nothing matched the filters.
            if all.is_empty() {
                // What --function/--since/--until left of what was read (xcmd2 review: "no
                // log lines in the sources" read as if the files were empty).
                match &read {
                    Some(note) => crate::diag!("note: {note}"),
                    None => crate::diag!("note: no log lines in the sources"),
                }
            } else {
                crate::diag!(
                    "note: none of the {} log line(s) matched --grep/--level/--request-id",
                    all.len()
                );
                if a.level.is_some() {
                    // What --level could have been: the levels and line kinds the data holds.
                    let mut kinds: Vec<&str> = all
                        .iter()
                        .map(|l| l.label.as_str())
                        .filter(|k| *k != "-")
                        .collect();
                    kinds.sort_unstable();
                    kinds.dedup();
                    if !kinds.is_empty() {
                        crate::diag!(
                            "note: --level takes a level or line kind these lines have: {}",
                            sanitize(&kinds.join(", "))
                        );
                    }
                }
            }
        }
        return Ok(strict_exit(&a.source, &ing));
    }
    let Some(patterns) = a.source.only_cloudwatch() else {
        let live_other = a.source.sources.iter().find(|s| {
            let s = s.to_string_lossy();
            s.starts_with("xray://") || s.starts_with("metrics://")
        });
        bail!(UsageError(match live_other {
            Some(s) => format!(
                "--follow tails cloudwatch:// log groups (e.g. cloudwatch:///aws/lambda/*); {} cannot be followed: leave it out, or leave out --follow",
                sanitize(&s.to_string_lossy())
            ),
            None => "--follow tails cloudwatch:// sources (e.g. cloudwatch:///aws/lambda/*); for files, leave out --follow".into(),
        }));
    };
    let now = chrono::Utc::now().timestamp_millis();
    let stop = match &a.follow_for {
        Some(d) => {
            // A relative time parses as `0 - d`; an absolute one is not a duration.
            let ago = crate::timeparse::parse_time_arg(d, 0)
                .ok()
                .filter(|ms| *ms < 0)
                .ok_or_else(|| {
                    UsageError(format!(
                        "--follow-for: cannot read '{d}' as a duration: use 30s, 5m or 1h"
                    ))
                })?;
            Some(Instant::now() + Duration::from_millis(ago.unsigned_abs()))
        }
        None => None,
    };
    // --until ends the tail once it has passed, with the time events take to arrive (a tail
    // shows them up to 30 s late). Not a cut of the calls as --follow-for is: the poll that
    // spans it completes, so an --until already past shows its window, then ends.
    let until_stop = filter.until_ms.map(|until| {
        Instant::now() + Duration::from_millis(u64::try_from(until + LATE_MS - now).unwrap_or(0))
    });
    // As `aws logs tail --follow`: the last 10 minutes first, unless --since says otherwise.
    let start = filter.since_ms.unwrap_or(now - 10 * 60_000);
    let mut follower = crate::aws::Follower::new(patterns, &a.source.aws_options(), start)
        .map_err(|e| UsageError(e.to_string()))?;
    if let Some(at) = stop {
        follower.stop_at(at);
    }
    let mut shown: u64 = 0;
    loop {
        // Each poll waits up to 2 s for new events.
        let inputs = follower.poll().map_err(|e| {
            UsageError(if shown == 0 {
                e.to_string()
            } else {
                // What was printed stays printed: say where the tail stopped.
                format!(
                    "{}. The tail stopped after showing {shown} line(s); events after them were not shown",
                    e.cause_only()
                )
            })
        })?;
        if let Some(n) = follower.take_notice() {
            if !a.source.quiet {
                crate::diag!("note: {n}");
            }
        }
        if !inputs.is_empty() {
            let mut ing = ingest::ingest_inputs(&[], inputs, &options(&a.source), None)?;
            filter.apply(&mut ing.tables);
            shown += print(&lines(&ing.tables), &sel, a.format, &mut stdout.lock())
                .context("cannot write to stdout")?;
            report_skips(&a.source, &ing);
        }
        if stop.is_some_and(|s| Instant::now() >= s) {
            return Ok(super::EXIT_OK);
        }
        if until_stop.is_some_and(|s| Instant::now() >= s) {
            if !a.source.quiet {
                crate::diag!(
                    "note: the tail ended: --until has passed (and {} s more for events arriving late)",
                    LATE_MS / 1000
                );
            }
            return Ok(super::EXIT_OK);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tenth-round logs review: lines of one millisecond in a compact document (one line of
    /// the file) printed every REPORT after all the others, after the next request's START;
    /// a file read newest first printed them in the reverse of time.
    #[test]
    fn lines_of_one_millisecond_keep_their_request_order() {
        use crate::ingest::{ingest_inputs, IngestOptions, MemoryInput};
        let (a, b) = (
            "a0000000-2222-3333-4444-555555555555",
            "b0000000-2222-3333-4444-555555555555",
        );
        let ev = |t: i64, m: String| serde_json::json!({"timestamp": t, "message": m});
        let events = vec![
            ev(1_756_720_800_000, format!("START RequestId: {a} Version: $LATEST\n")),
            ev(1_756_720_800_003, format!("END RequestId: {a}\n")),
            ev(1_756_720_800_003, format!("REPORT RequestId: {a}\tDuration: 2.50 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\t\n")),
            ev(1_756_720_800_003, format!("START RequestId: {b} Version: $LATEST\n")),
            ev(1_756_720_800_003, format!("2025-09-01T10:00:00.003Z\t{b}\tINFO\tB says hi\n")),
            ev(1_756_720_800_009, format!("END RequestId: {b}\n")),
            ev(1_756_720_800_009, format!("REPORT RequestId: {b}\tDuration: 2.50 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\t\n")),
        ];
        let labels = |doc: String| {
            let opts = IngestOptions {
                keep_logs: true,
                ..IngestOptions::default()
            };
            let input = MemoryInput {
                name: "/aws/lambda/f".into(),
                bytes: doc.into_bytes(),
            };
            let ing = ingest_inputs(&[], vec![input], &opts, None).unwrap();
            lines(&ing.tables)
                .iter()
                .map(|l| {
                    let id = l.request_id.as_deref().unwrap_or("-");
                    format!("{} {}", l.label, &id[..1])
                })
                .collect::<Vec<_>>()
        };
        let want = [
            "START a", "END a", "REPORT a", "START b", "INFO b", "END b", "REPORT b",
        ];
        let compact = serde_json::json!({"events": events}).to_string();
        assert_eq!(labels(compact), want);
        let pretty = serde_json::to_string_pretty(&serde_json::json!({"events": events})).unwrap();
        assert_eq!(labels(pretty), want);
        let mut newest = events.clone();
        newest.reverse();
        let newest_pretty =
            serde_json::to_string_pretty(&serde_json::json!({"events": newest})).unwrap();
        assert_eq!(labels(newest_pretty), want);
        let newest_compact = serde_json::json!({"events": newest}).to_string();
        assert_eq!(labels(newest_compact), want);
        // Verification of 721baae: REPORTs of several requests in one millisecond keep their
        // order (they were reversed; those of no line there come first), and a REPORT goes
        // after its END, before the `Task timed out` line that follows it.
        let c = "c0000000-2222-3333-4444-555555555555";
        let report = |id: &str| {
            format!("REPORT RequestId: {id}\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\t\n")
        };
        let t = 1_756_720_801_000;
        let events = vec![
            ev(t, format!("END RequestId: {a}\n")),
            ev(t, report(a)),
            ev(
                t,
                format!("2025-09-01T10:00:01.000Z {a} Task timed out after 3.00 seconds\n"),
            ),
            ev(t, report(b)),
            ev(t, report(c)),
        ];
        // A text file read newest first: events put back in time order, each event's own lines
        // (a traceback after its first, an empty line among them) kept in theirs (verification
        // of 721baae and c0a5c71).
        let text = format!(
            "2025-09-01T10:00:00.005Z END RequestId: {a}\n\
             2025-09-01T10:00:00.003Z [INFO]\t2025-09-01T10:00:00.003Z\t{a}\tafter\n\
             2025-09-01T10:00:00.003Z [ERROR]\t2025-09-01T10:00:00.003Z\t{a}\tboom\n\
             Traceback (most recent call last):\n\
             \n\
             \x20 File \"/var/task/app.py\", line 3\n\
             2025-09-01T10:00:00.003Z START RequestId: {a} Version: $LATEST\n"
        );
        let opts = IngestOptions {
            keep_logs: true,
            ..IngestOptions::default()
        };
        let input = MemoryInput {
            name: "/aws/lambda/f".into(),
            bytes: text.into_bytes(),
        };
        let ing = ingest_inputs(&[], vec![input], &opts, None).unwrap();
        let messages: Vec<String> = lines(&ing.tables)
            .iter()
            .map(|l| {
                l.message
                    .split('\t')
                    .next_back()
                    .unwrap_or_default()
                    .trim()
                    .to_string()
            })
            .collect();
        assert_eq!(
            messages,
            [
                format!("START RequestId: {a} Version: $LATEST"),
                "boom".to_string(),
                "Traceback (most recent call last):".to_string(),
                "File \"/var/task/app.py\", line 3".to_string(),
                "after".to_string(),
                format!("END RequestId: {a}"),
            ]
        );
        let compact = serde_json::json!({"events": events}).to_string();
        assert_eq!(
            labels(compact),
            ["REPORT b", "REPORT c", "END a", "REPORT a", "TIMEOUT a"]
        );
    }

    fn line(ts: i64, label: &str, msg: &str) -> Line {
        Line {
            timestamp: Some(ts),
            source: (Arc::from("f.log"), ts as u64),
            function: "f".into(),
            label: label.into(),
            request_id: Some("r1".into()),
            message: msg.into(),
            fields: None,
            continues: false,
        }
    }

    /// A JSON log line's own data is shown after its message (and found by --grep); the keys
    /// shown anyway or put on every line by the runtime are not repeated.
    #[test]
    fn json_lines_show_their_other_fields() {
        let raw = r#"{"timestamp":"2025-02-01T00:00:00.100Z","level":"INFO","requestId":"a1","message":"order saved","order":{"id":"o-1"},"http":{"status":200},"service":"shop api","function_name":"shop"}"#;
        let r = LogRecord {
            function: Arc::from("shop"),
            timestamp: Some(1),
            kind: crate::model::LogKind::Application,
            event_type: None,
            level: Some("INFO".into()),
            request_id: Some("a1".into()),
            trace_id: None,
            cold_start: None,
            message: "order saved".into(),
            json: Some(raw.into()),
            log_stream: None,
            source: crate::model::SourceRef {
                file: Arc::from("f.log"),
                line: 1,
            },
            continues: false,
        };
        let f = other_fields(&r).unwrap();
        assert_eq!(
            fields_text(&f),
            r#"order={"id":"o-1"} http={"status":200} service="shop api""#
        );
        let mut l = line(1, "INFO", "order saved");
        l.fields = Some(f);
        let mut out = Vec::new();
        print(
            &[l],
            &Select {
                grep: Some(Regex::new("o-1").unwrap()),
                level: None,
                request_id: None,
            },
            LogsFormat::Text,
            &mut out,
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "1970-01-01T00:00:00.001Z f INFO order saved  order={\"id\":\"o-1\"} http={\"status\":200} service=\"shop api\"\n"
        );
        // A plain text line has none.
        let text = LogRecord { json: None, ..r };
        assert!(other_fields(&text).is_none());
    }

    #[test]
    fn levels_match_json_format_events_and_python_names() {
        assert!(label_matches("platform.start", "START"));
        // The JSON type of a line labelled by its text name (a platform.report is shown as its
        // REPORT line).
        assert!(label_matches("REPORT", "platform.report"));
        assert!(label_matches("START", "platform.start"));
        assert!(!label_matches("REPORT", "platform.start"));
        assert!(label_matches("platform.initStart", "init_start"));
        assert!(label_matches("platform.runtimeDone", "END"));
        assert!(label_matches("platform.start", "platform.start"));
        assert!(label_matches("WARN", "WARNING"));
        assert!(label_matches("WARNING", "WARNING"));
        assert!(label_matches("WARNING", "warn"));
        assert!(label_matches("CRITICAL", "CRITICAL"));
        assert!(label_matches("ERROR", "error"));
        assert!(!label_matches("platform.start", "END"));
        assert!(!label_matches("INFO", "START"));
    }

    #[test]
    fn lines_are_selected_and_sanitised() {
        let sel = Select {
            grep: Some(Regex::new("boom").unwrap()),
            level: Some("error".into()),
            request_id: None,
        };
        let lines = vec![
            line(1_000, "ERROR", "boom \u{1b}[31mred\u{1b}[0m\nsecond line"),
            line(2_000, "INFO", "boom"),
            line(3_000, "ERROR", "quiet"),
        ];
        let mut out = Vec::new();
        assert_eq!(print(&lines, &sel, LogsFormat::Text, &mut out).unwrap(), 1);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "1970-01-01T00:00:01.000Z f ERROR boom red\n    second line\n"
        );
    }
}
