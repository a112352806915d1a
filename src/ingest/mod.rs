//! Ingestion: files and directories → normalized [`Tables`].
//!
//! Every file is read as bytes, decompressed when it starts with gzip or zlib magic (whatever
//! its name), and its format is detected from its content (`--input-format` forces one). Records
//! that cannot be read are counted in [`Skips`] with their `file:line`; nothing panics on input.

pub mod collect;
pub mod decode;
mod doc_lines;
mod export_line;
mod export_report;
pub mod metrics;
pub mod platform_line;
pub mod pyrepr;
pub(crate) mod repeats;
pub mod skips;
pub mod xray;

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use flate2::read::{MultiGzDecoder, ZlibDecoder};
use rayon::prelude::*;
use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::Value;

use crate::model::{Invocation, LogKind, LogRecord, ReportColumns, SourceRef, Status, Tables};
pub(crate) use collect::REQUEST_ID_KEYS;
use collect::{Collector, Confirm, Event, StatusOverride, StreamCarry, StreamState};
use export_report::ExportPlatform;
pub use skips::Skips;

/// Input formats `--input-format` can force. `Auto` detects per file from its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum InputFormat {
    /// Detect from the content of each file.
    #[default]
    Auto,
    /// Lambda text logs, S3-export lines, `aws logs tail` output, JSON lines mixed in.
    Text,
    /// One JSON value per line (CloudWatch NDJSON exports, JSON log format, X-Ray segments).
    Ndjson,
    /// JSON documents (API/CLI output, subscription payloads, X-Ray, metrics), possibly several
    /// and pretty-printed.
    Json,
    /// Metrics CSV: `timestamp,function,metric,value,unit`.
    MetricsCsv,
}

/// What to read and what to keep.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    pub input_format: InputFormat,
    /// Used for records whose input does not name their function (before the file stem).
    pub function_name: Option<String>,
    /// Keep log records (export, traces); `report` only needs invocations and counts them.
    pub keep_logs: bool,
    pub keep_spans: bool,
    pub keep_metrics: bool,
    /// Fold invocations into compact [`ReportColumns`] (all `report` needs) as each chunk is
    /// read, leaving `tables.invocations` empty: a large input then costs a fraction of the
    /// memory of full rows.
    pub report_columns: bool,
    /// With `keep_logs`: keep log records as [`crate::model::ThinLog`]s in `tables.thin_logs`
    /// (function, time, `@type`) instead of full records: for a query that reads nothing else,
    /// it saves copying every line's text.
    pub thin_logs: bool,
    /// With full log records: keep each REPORT event's text as written in
    /// `tables.report_texts` (a query's `@message`, the lines `logs` prints).
    pub report_texts: bool,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            input_format: InputFormat::Auto,
            function_name: None,
            keep_logs: true,
            keep_spans: true,
            keep_metrics: true,
            report_columns: false,
            thin_logs: false,
            report_texts: false,
        }
    }
}

/// Errors that stop ingestion (as opposed to records that are skipped).
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{path}: no such file or directory")]
    NotFound { path: String },
    // The reason is in the message and not a `source`, or `{:#}` would print it twice.
    #[error("{path}: cannot read: {error}")]
    Io { path: String, error: io::Error },
    #[error(
        "no input files: give files or directories to read (e.g. `faascope report sample-data`)"
    )]
    NoInputs,
    #[error("{path}: no files in this directory (names starting with `.` are not read): give a directory holding log, trace or metric files")]
    EmptyDir { path: String },
}

/// The result of one file (or chunk).
#[derive(Debug, Default)]
pub struct FileOutput {
    pub tables: Tables,
    pub columns: ReportColumns,
    pub skips: Skips,
    pub overrides: Vec<StatusOverride>,
    /// Invocations read from printed Telemetry batches (see `Collector::echoes`).
    pub echoes: Vec<Invocation>,
    pub log_lines: u64,
    /// Per-stream state for the next chunk or block of the same file (see [`append_carrying`]);
    /// [`FileOutput::append`] drops it (files do not share streams).
    carry: StreamCarry,
}

impl FileOutput {
    fn append(&mut self, other: FileOutput) {
        let FileOutput {
            tables,
            columns,
            skips,
            overrides,
            echoes,
            log_lines,
            carry: _,
        } = other;
        // Moved whole when this side is empty (a file's output into the run's, one file's
        // first block): extending would copy millions of records for nothing.
        fn join<T>(to: &mut Vec<T>, mut from: Vec<T>) {
            if to.is_empty() {
                *to = from;
            } else {
                to.append(&mut from);
            }
        }
        join(&mut self.tables.invocations, tables.invocations);
        join(&mut self.tables.logs, tables.logs);
        self.tables.thin_logs.append(tables.thin_logs);
        join(&mut self.tables.spans, tables.spans);
        join(&mut self.tables.metrics, tables.metrics);
        self.tables.report_texts.append(tables.report_texts);
        for (stream, group) in tables.stream_groups {
            self.tables.stream_groups.entry(stream).or_insert(group);
        }
        self.columns.append(columns);
        self.skips.merge(skips);
        self.overrides.extend(overrides);
        join(&mut self.echoes, echoes);
        self.log_lines += log_lines;
    }
}

/// Everything read from all inputs.
#[derive(Debug, Default)]
pub struct Ingested {
    pub tables: Tables,
    /// The invocations when [`IngestOptions::report_columns`] was asked for (`tables.invocations`
    /// is then empty).
    pub columns: ReportColumns,
    pub skips: Skips,
    pub files: usize,
    pub bytes: u64,
    /// Log lines seen (kept in `tables.logs` only when asked).
    pub log_lines: u64,
    /// Invocation reports read more than once (the same report in overlapping inputs),
    /// counted once.
    pub duplicates: usize,
    /// X-Ray (sub)segments read more than once (an in-progress copy beside the completed one,
    /// overlapping BatchGetTraces output), kept once.
    pub span_duplicates: usize,
    /// Metric points read more than once (overlapping pages, copied files), kept once.
    pub metric_duplicates: usize,
}

/// Expands files and directories (recursively, sorted, hidden entries skipped) into files.
pub fn expand_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>, IngestError> {
    Ok(expand_inputs(paths)?.files)
}

/// Files found under the inputs, and the entries of their directories that could not be read.
#[derive(Debug, Default)]
pub struct Expanded {
    pub files: Vec<PathBuf>,
    /// Entries inside a directory given as input that could not be followed (a dangling
    /// symbolic link, an unreadable subdirectory), with the reason: skipped, not the end of
    /// the run. (A link to a directory already read is passed over: its files are read once.)
    pub unreadable: Vec<(PathBuf, String)>,
}

/// [`expand_paths`], keeping what could not be read inside directories. A path given as input
/// that cannot be read is an error.
pub fn expand_inputs(paths: &[PathBuf]) -> Result<Expanded, IngestError> {
    if paths.is_empty() {
        return Err(IngestError::NoInputs);
    }
    let mut out = Expanded::default();
    let mut seen = HashSet::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => IngestError::NotFound {
                path: p.display().to_string(),
            },
            _ => IngestError::Io {
                path: p.display().to_string(),
                error: e,
            },
        })?;
        if meta.is_dir() {
            // A directory given twice, or inside another input, is read once.
            if std::fs::canonicalize(p).map_or(true, |real| seen.insert(real)) {
                let entries = std::fs::read_dir(p).map_err(|e| IngestError::Io {
                    path: p.display().to_string(),
                    error: e,
                })?;
                let before = (out.files.len(), out.unreadable.len());
                walk(entries, &mut out, &mut seen);
                if (out.files.len(), out.unreadable.len()) == before {
                    return Err(IngestError::EmptyDir {
                        path: p.display().to_string(),
                    });
                }
            }
        } else {
            out.files.push(p.clone());
        }
    }
    // A file named twice (`f.log ./f.log`, or inside a directory also given) is read once.
    let mut seen_files = HashSet::new();
    out.files
        .retain(|f| std::fs::canonicalize(f).map_or(true, |real| seen_files.insert(real)));
    Ok(out)
}

/// The files under a directory (its `entries`). Symbolic links are followed, each directory
/// once (`seen` holds their real paths), so a link back up the tree ends there.
fn walk(entries: std::fs::ReadDir, out: &mut Expanded, seen: &mut HashSet<PathBuf>) {
    let mut entries: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            !p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'))
        })
        .collect();
    entries.sort();
    for p in entries {
        let meta = match std::fs::metadata(&p) {
            Ok(m) => m,
            Err(e) => {
                out.unreadable.push((p, format!("cannot read: {e}")));
                continue;
            }
        };
        if meta.is_file() {
            out.files.push(p);
            continue;
        }
        if !meta.is_dir() {
            // Opening a FIFO would wait for a writer forever; a socket or device is no log.
            // (Named on the command line they are read: `<(zcat x.gz)` is a pipe.)
            out.unreadable.push((
                p,
                "not a regular file (a FIFO, socket or device): not read".into(),
            ));
            continue;
        }
        match std::fs::canonicalize(&p) {
            // Read already (a link to a directory of the inputs, or back up the tree): its
            // files are not read twice.
            Ok(real) if !seen.insert(real.clone()) => {}
            Err(e) => out.unreadable.push((p, format!("cannot read: {e}"))),
            Ok(_) => match std::fs::read_dir(&p) {
                Ok(sub) => walk(sub, out, seen),
                Err(e) => out.unreadable.push((p, format!("cannot read: {e}"))),
            },
        }
    }
}

/// An input already in memory, parsed exactly as a file with the same content would be (events
/// pulled from CloudWatch Logs arrive as NDJSON export lines, say).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemoryInput {
    /// Shown where a file's path would be (`cloudwatch:///aws/lambda/orders-api`).
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Reads every input and builds the tables. `progress` is told how many bytes were read.
pub fn ingest_paths(
    paths: &[PathBuf],
    opts: &IngestOptions,
    progress: Option<&(dyn Fn(u64) + Sync)>,
) -> Result<Ingested, IngestError> {
    if paths.is_empty() {
        return Err(IngestError::NoInputs);
    }
    ingest_inputs(paths, Vec::new(), opts, progress)
}

/// [`ingest_paths`] plus inputs already in memory.
pub fn ingest_inputs(
    paths: &[PathBuf],
    memory: Vec<MemoryInput>,
    opts: &IngestOptions,
    progress: Option<&(dyn Fn(u64) + Sync)>,
) -> Result<Ingested, IngestError> {
    // No paths is fine here: live sources may bring only in-memory inputs, or none at all
    // (a quiet window), which is an empty result rather than a usage error.
    let Expanded { files, unreadable } = if paths.is_empty() {
        Expanded::default()
    } else {
        expand_inputs(paths)?
    };
    let mut results: Vec<Result<(FileOutput, u64), IngestError>> = files
        .par_iter()
        .map(|f| ingest_file(f, opts, progress))
        .collect();
    results.extend(
        memory
            .into_par_iter()
            .map(|m| {
                let len = m.bytes.len() as u64;
                let display: Arc<str> = Arc::from(m.name.as_str());
                let fallback = opts
                    .function_name
                    .clone()
                    .unwrap_or_else(|| fallback_function_name(Path::new(&m.name)));
                Ok((
                    ingest_stream(display, io::Cursor::new(m.bytes), fallback, opts, progress),
                    len,
                ))
            })
            .collect::<Vec<_>>(),
    );
    let inputs = results.len();
    let mut all = FileOutput::default();
    for (path, reason) in &unreadable {
        all.skips.add(
            &path.display().to_string(),
            0,
            "unreadable directory entry",
            Some(reason),
        );
    }
    let mut bytes = 0;
    for (i, r) in results.into_iter().enumerate() {
        match r {
            Ok((out, b)) => {
                bytes += b;
                all.append(out);
            }
            // A file found inside a directory that cannot be opened (no permission) is
            // skipped like any unreadable entry there; a file named on the command line stops
            // the run, as a missing one does.
            Err(IngestError::Io { path, error })
                if files.get(i).is_some_and(|f| !paths.contains(f)) =>
            {
                all.skips.add(
                    &path,
                    0,
                    "unreadable file",
                    Some(&format!("cannot read: {error}")),
                );
            }
            Err(e) => return Err(e),
        }
    }
    let mut duplicates =
        all.columns.drop_duplicates() + drop_duplicates(&mut all.tables.invocations);
    let span_duplicates =
        repeats::drop_repeated_spans(&mut all.tables.spans) + all.skips.repeated_spans;
    repeats::resolve_span_tree(&mut all.tables.spans);
    all.skips
        .settle_partial_traces(all.tables.spans.iter().map(|s| s.trace_id.as_str()));
    let metric_duplicates = repeats::drop_repeated_metrics(&mut all.tables.metrics);
    duplicates += keep_echoes(&mut all, opts.report_columns);
    all.skips.unreported_failures =
        apply_overrides(&mut all.tables, &mut all.columns, &all.overrides);
    attribute_to_running_request(&mut all.tables.logs, &all.tables.invocations);
    link_records(&mut all.tables);
    Ok(Ingested {
        tables: all.tables,
        columns: all.columns,
        skips: all.skips,
        files: inputs,
        bytes,
        log_lines: all.log_lines,
        duplicates,
        span_duplicates,
        metric_duplicates,
    })
}

/// Drops the invocations that repeat an earlier one's report (see
/// [`ReportColumns::drop_duplicates`]); returns how many.
fn drop_duplicates(rows: &mut Vec<Invocation>) -> usize {
    // The rows kept of each report key, with their times: a row is a repeat of one of them
    // only at (nearly) the same time (`same_report_time`): a retry's identical REPORT is not.
    type Key<'a> = (&'a str, &'a str, u64, u64, u32, Option<u32>);
    let mut kept: HashMap<Key<'_>, Vec<Option<i64>>> = HashMap::new();
    let keep: Vec<bool> = rows
        .iter()
        .map(|r| {
            let times = kept
                .entry((
                    &*r.function,
                    r.request_id.as_str(),
                    r.duration_ms.to_bits(),
                    r.billed_duration_ms.to_bits(),
                    r.memory_size_mb,
                    r.max_memory_used_mb,
                ))
                .or_default();
            if times
                .iter()
                .any(|t| crate::model::columns::same_report_time(*t, r.timestamp))
            {
                false
            } else {
                times.push(r.timestamp);
                true
            }
        })
        .collect();
    let dropped = keep.iter().filter(|&&k| !k).count();
    let mut k = keep.into_iter();
    rows.retain(|_| k.next().unwrap_or(true));
    dropped
}

/// Adds the invocations read from Telemetry batches an extension printed whose request the run
/// has no record of from Lambda itself: an echo beside Lambda's own REPORT counts once (see
/// `Collector::echoes`).
/// Returns how many echoes were dropped so: reports read more than once (xcmd2 review: the
/// duplicate note counted 1 of 10 text REPORTs beside their platform.report, or none).
fn keep_echoes(all: &mut FileOutput, columns: bool) -> usize {
    let echoes = std::mem::take(&mut all.echoes);
    if echoes.is_empty() {
        return 0;
    }
    let read = echoes.len();
    let first_hand: HashSet<String> = {
        let ids: HashSet<&str> = echoes.iter().map(|e| e.request_id.as_str()).collect();
        let mut found = all.columns.request_ids_among(&ids);
        found.extend(
            all.tables
                .invocations
                .iter()
                .filter_map(|i| ids.get(i.request_id.as_str())),
        );
        found.into_iter().map(str::to_string).collect()
    };
    // The same report echoed twice (a batch printed again, or a JSON-format line and its
    // print) counts once too.
    let mut seen = HashSet::new();
    let mut kept: Vec<Invocation> = echoes
        .into_iter()
        .filter(|e| !first_hand.contains(&e.request_id))
        .filter(|e| seen.insert((e.request_id.clone(), e.timestamp, e.duration_ms.to_bits())))
        .collect();
    let dropped = read - kept.len();
    if columns {
        all.columns.extend_from(&mut kept);
    } else {
        all.tables.invocations.append(&mut kept);
    }
    dropped
}

/// Applies statuses learned from other lines (`Task timed out`, runtime errors) to the
/// invocations with those request ids, when their REPORT did not already say so. A request id
/// may have several invocations (Lambda retries a failed asynchronous event under the same
/// id): each status goes to the attempt that ran when its line was written, not to every one.
/// Returns the failures whose request has no REPORT in the inputs, `id (status)`, each once:
/// counted nowhere, so said.
fn apply_overrides(
    tables: &mut Tables,
    columns: &mut ReportColumns,
    overrides: &[StatusOverride],
) -> Vec<String> {
    // A handler's `[ERROR]` line naming an exception counts only with a traceback of its
    // request (read anywhere: it may be in another chunk or file); traceback sightings are no
    // statuses themselves.
    let tracebacks: HashSet<&str> = overrides
        .iter()
        .filter(|o| o.confirm == Confirm::Traceback)
        .map(|o| o.request_id.as_str())
        .collect();
    let overrides: Vec<&StatusOverride> = overrides
        .iter()
        .filter(|o| match o.confirm {
            Confirm::Given => true,
            Confirm::NeedsTraceback => tracebacks.contains(o.request_id.as_str()),
            Confirm::Traceback => false,
        })
        .collect();
    if overrides.is_empty() {
        return Vec::new();
    }
    let ids: HashSet<&str> = overrides.iter().map(|o| o.request_id.as_str()).collect();
    let mut reported: HashSet<&str> = HashSet::new();
    if !columns.is_empty() {
        let rows = columns.rows_with_request_ids(&ids);
        reported.extend(rows.keys().copied());
        let names = columns.names();
        let function_of = |row: usize| -> &str {
            names
                .get(columns.function_id(row) as usize)
                .map_or("", |n| n)
        };
        let targets = override_rows(&overrides, &rows, &function_of);
        // The REPORT's own status, before any line overrode it.
        let reported: Vec<Status> = targets
            .iter()
            .map(|(row, _)| columns.status(*row))
            .collect();
        for ((row, o), own) in targets.into_iter().zip(reported) {
            if matches!(own, Status::Success | Status::Unknown)
                && overrides_status(columns.status(row), o.status)
            {
                columns.set_status(row, o.status);
            }
        }
    }
    let mut rows: crate::model::columns::RowsById<'_> = HashMap::new();
    for (i, inv) in tables.invocations.iter().enumerate() {
        if let Some(id) = ids.get(inv.request_id.as_str()) {
            let ran = inv
                .start_ms()
                .zip(inv.timestamp)
                .map(|(start, end)| (start as f64, end as f64));
            rows.entry(*id).or_default().push((i, ran));
        }
    }
    reported.extend(rows.keys().copied());
    let mut unreported: Vec<String> = Vec::new();
    let mut said: HashSet<&str> = HashSet::new();
    for o in &overrides {
        let id = o.request_id.as_str();
        if !reported.contains(id) && said.insert(id) {
            unreported.push(format!("{id} ({})", o.status.as_str()));
        }
    }
    let invocations = &tables.invocations;
    let targets = override_rows(&overrides, &rows, &|row| &invocations[row].function);
    // The REPORT's own status, before any line overrode it.
    let own_statuses: Vec<Status> = targets
        .iter()
        .map(|(row, _)| tables.invocations[*row].status)
        .collect();
    for ((row, o), own) in targets.into_iter().zip(own_statuses) {
        let inv = &mut tables.invocations[row];
        if matches!(own, Status::Success | Status::Unknown)
            && overrides_status(inv.status, o.status)
        {
            inv.status = o.status;
            if inv.error_type.is_none() {
                inv.error_type = o.error_type.clone();
            }
        }
    }
    unreported
}

/// Whether a status learned from another line replaces `now`: a REPORT's success or silence
/// always, an error by a timeout (the timeout is why it failed), nothing else.
fn overrides_status(now: Status, new: Status) -> bool {
    match now {
        Status::Success | Status::Unknown => true,
        Status::Error => new == Status::Timeout,
        Status::Timeout => false,
    }
}

/// The invocation row each override applies to, given the rows of each request id with the
/// time they ran: the only row of its id; of several, the one that ran when the override's
/// line was written, or the nearest in time (the line may come just before or after the
/// REPORT); every row of the id when there are no times to tell them apart.
fn override_rows<'o, 'f>(
    overrides: &[&'o StatusOverride],
    rows: &crate::model::columns::RowsById<'_>,
    function_of: &dyn Fn(usize) -> &'f str,
) -> Vec<(usize, &'o StatusOverride)> {
    let mut out = Vec::new();
    for &o in overrides {
        let Some(all) = rows.get(o.request_id.as_str()) else {
            continue;
        };
        // The rows of the line's own function when any has the id (the same request id under
        // two functions: logs copied under two names); else every row of the id (a line whose
        // function is named otherwise than its REPORT's, as a file's stem).
        let same: Vec<(usize, Option<(f64, f64)>)> = if o.function.is_empty() {
            Vec::new()
        } else {
            all.iter()
                .filter(|(row, _)| function_of(*row) == &*o.function)
                .copied()
                .collect()
        };
        let candidates = if same.is_empty() { all } else { &same };
        let nearest = match (candidates.as_slice(), o.timestamp_ms) {
            ([(row, _)], _) => Some(*row),
            (_, Some(t)) => {
                let t = t as f64;
                candidates
                    .iter()
                    .filter_map(|(row, ran)| {
                        let (start, end) = (*ran)?;
                        let distance = if t < start {
                            start - t
                        } else if t > end {
                            t - end
                        } else {
                            0.0
                        };
                        Some((distance, end, *row))
                    })
                    .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)))
                    .map(|(_, _, row)| row)
            }
            (_, None) => None,
        };
        match nearest {
            Some(row) => out.push((row, o)),
            None => out.extend(candidates.iter().map(|(row, _)| (*row, o))),
        }
    }
    out
}

/// An application line without a request id (Python's uncaught `[ERROR] Type: message` and its
/// traceback, a library's own print) takes the request running on its log stream: the one
/// whose START came before it and whose END or REPORT has not, as an environment runs one
/// request at a time. That is the request `report` counts such an error against; without this,
/// `logs --request-id` of a failed request left out the line saying why. A stream's records
/// are taken in time order (Logs Insights results come newest first); a stream is its log
/// stream, else the
/// directory of an S3 export's objects (`000000.gz`, `000001.gz` of one stream), else the file.
fn attribute_to_running_request(logs: &mut [LogRecord], invocations: &[Invocation]) {
    // A REPORT's time and place.
    type Reported<'a> = (Option<i64>, &'a SourceRef);
    // Each request's REPORTs: the request ends there when its END is missing.
    let mut reported: HashMap<&str, Vec<Reported<'_>>> = HashMap::new();
    for inv in invocations {
        reported
            .entry(inv.request_id.as_str())
            .or_default()
            .push((inv.timestamp, &inv.source));
    }
    let mut streams: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for (i, r) in logs.iter().enumerate() {
        let stream = match r.log_stream.as_deref() {
            Some(s) => s,
            None => s3_export_stream(&r.source.file),
        };
        streams.entry((&*r.function, stream)).or_default().push(i);
    }
    // The (record, START record) pairs first, then the copies: the keys borrow the records.
    let mut fill: Vec<(usize, usize)> = Vec::new();
    // Each stream on its own (the order they are taken in changes nothing).
    for mut order in streams.into_values() {
        // In time order: as read when it already is (lines of one millisecond keep their
        // order), reversed when it is newest first, else sorted (stably).
        let times: Vec<Option<i64>> = order.iter().map(|&i| logs[i].timestamp).collect();
        // Read in order: a line of the same file after the REPORT's line came after it.
        let mut in_file_order = true;
        if times.iter().all(Option::is_some) && !times.is_sorted() {
            in_file_order = false;
            if times.iter().rev().is_sorted() {
                order.reverse();
            } else {
                order.sort_by_key(|&i| logs[i].timestamp);
            }
        }
        // Has `r` come after the REPORT that ended the running request?
        let after = |r: &LogRecord, (at, source): Reported<'_>| {
            if in_file_order && r.source.file == source.file {
                r.source.line > source.line
            } else {
                r.timestamp.zip(at).is_some_and(|(t, end)| t > end)
            }
        };
        // The running request: its START record and its REPORT (when known).
        let mut running: Option<(usize, Option<Reported<'_>>)> = None;
        for i in order {
            let r = &logs[i];
            match (r.kind, r.event_type.as_deref()) {
                (LogKind::Platform, Some("START" | "platform.start")) => {
                    running = r.request_id.as_deref().map(|id| {
                        // The first of its REPORTs after this START.
                        let report = reported.get(id).and_then(|all| {
                            all.iter()
                                .filter(|&&(t, source)| {
                                    if in_file_order && source.file == r.source.file {
                                        source.line > r.source.line
                                    } else {
                                        t.zip(r.timestamp).is_none_or(|(t, s)| t >= s)
                                    }
                                })
                                .min_by_key(|(t, source)| (*t, source.line))
                                .copied()
                        });
                        (i, report)
                    });
                }
                (
                    LogKind::Platform,
                    Some("END" | "REPORT" | "platform.runtimeDone" | "platform.report"),
                ) => running = None,
                (LogKind::Application, _) if r.request_id.is_none() => match running {
                    Some((_, Some(end))) if after(r, end) => running = None,
                    Some((start, _)) => fill.push((i, start)),
                    None => {}
                },
                _ => {}
            }
        }
    }
    for (i, start) in fill {
        logs[i].request_id = logs[start].request_id.clone();
    }
}

/// The stream of an S3 export object (`…/<task>/<log stream>/000001.gz`): its directory; any
/// other file is a stream of its own.
fn s3_export_stream(file: &str) -> &str {
    let path = Path::new(file);
    let object = path
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.split('.').next())
        .is_some_and(|stem| stem.len() >= 6 && stem.bytes().all(|b| b.is_ascii_digit()));
    match path.parent().and_then(Path::to_str) {
        Some(dir) if object && !dir.is_empty() => dir,
        _ => file,
    }
}

/// Joins log records and spans to their invocation: a log record with a request id gets the
/// invocation's trace id, and a span of a traced invocation gets its request id, so each table
/// can be joined to `invocations` on either key.
fn link_records(tables: &mut Tables) {
    if tables.logs.is_empty() && tables.spans.is_empty() {
        return;
    }
    let mut trace_by_request: HashMap<&str, &str> = HashMap::new();
    // The invocations of each trace, by function: a trace may hold several (A invoking B, a
    // fan-out), and a span takes the request of its own function's invocation. `None` marks
    // a function invoked more than once in the trace, which cannot tell which.
    // With each request, when it ran (ms; start with its INIT or SnapStart restore, end at its
    // REPORT), if timed (verification of d6bc43e: a restore's spans lost their request id).
    type Ran<'a> = (&'a str, Option<&'a str>, Option<(f64, f64)>);
    let mut requests_by_trace: HashMap<&str, Vec<Ran<'_>>> = HashMap::new();
    for inv in &tables.invocations {
        if let Some(t) = inv.trace_id.as_deref() {
            trace_by_request.insert(inv.request_id.as_str(), t);
            let ran = inv.timestamp.map(|end| {
                let end = end as f64;
                (
                    end - inv.duration_ms
                        - inv.init_duration_ms.unwrap_or(0.0)
                        - inv.restore_duration_ms.unwrap_or(0.0),
                    end,
                )
            });
            let of_trace = requests_by_trace.entry(t).or_default();
            match of_trace.iter_mut().find(|(f, _, _)| *f == &*inv.function) {
                Some((_, r, _)) if *r != Some(inv.request_id.as_str()) => *r = None,
                Some(_) => {}
                None => of_trace.push((&inv.function, Some(inv.request_id.as_str()), ran)),
            }
        }
    }
    // A span of the function that starts outside the one invocation read (by more than half
    // a second of clock skew) is of another invocation of it, whose REPORT was not read
    // (eighth-round traces review: a second run of a function in a Step Functions trace took
    // the first run's request id).
    const SKEW_MS: f64 = 500.0;
    let within = |span: &crate::model::Span, ran: Option<(f64, f64)>| match ran {
        Some((start, end)) => span.start_ms >= start - SKEW_MS && span.start_ms <= end + SKEW_MS,
        None => true,
    };
    if trace_by_request.is_empty() {
        return;
    }
    for log in &mut tables.logs {
        if log.trace_id.is_none() {
            if let Some(t) = log
                .request_id
                .as_deref()
                .and_then(|r| trace_by_request.get(r))
            {
                log.trace_id = Some((*t).to_string());
            }
        }
    }
    for span in &mut tables.spans {
        if span.request_id.is_some() {
            continue;
        }
        let Some(of_trace) = requests_by_trace.get(span.trace_id.as_str()) else {
            continue;
        };
        let own = of_trace.iter().find(|(f, _, _)| *f == &*span.function);
        let request = match (own, of_trace.as_slice()) {
            (Some((_, r, ran)), _) => r.filter(|_| within(span, *ran)),
            // One invocation in the trace: its other spans (API Gateway's, say) are of it.
            (None, [(_, r, _)]) => *r,
            (None, _) => None,
        };
        span.request_id = request.map(str::to_string);
    }
}

/// The name used for records of a file that names no function: the file stem up to its first
/// dot, or a parent directory's name when the stem is only a date or an S3 export object number.
pub fn fallback_function_name(path: &Path) -> String {
    let stem = |p: &Path| -> Option<String> {
        let n = p.file_name()?.to_str()?;
        Some(n.split('.').next().unwrap_or(n).to_string())
    };
    let name = stem(path).unwrap_or_default();
    let uninformative = |s: &str| {
        s.is_empty()
            || s.bytes()
                .all(|b| b.is_ascii_digit() || b == b'-' || b == b'_')
            || s.contains("[$")
            || s.contains(']')
            // An S3 export's task id (`<prefix>/<task id>/<stream>/000000.gz`).
            || platform_line::looks_like_request_id(s)
    };
    if !uninformative(&name) {
        return name;
    }
    // An S3 export of a custom log group: the stream folders name the function
    // (`<task id>/2025/09/02/orders-api[$LATEST]<id>/000000.gz`; verification of 0f25df1).
    let dirs: Vec<&str> = path
        .ancestors()
        .skip(1)
        .take(4)
        .filter_map(|a| a.file_name()?.to_str())
        .collect();
    if let [stream, day, month, year] = dirs.as_slice() {
        let stream = format!("{year}/{month}/{day}/{stream}");
        if let Some(f) = collect::function_of_stream(&stream) {
            return f.to_string();
        }
    }
    // The folders above, as on disk when the path given has none (`report .` inside a
    // function's folder of dated files names them after the folder, as `report that-folder`
    // does). Only for files: a live source's name is no path.
    let absolute = (path.is_relative() && path.is_file())
        .then(|| std::path::absolute(path).ok())
        .flatten();
    for anc in absolute
        .as_deref()
        .unwrap_or(path)
        .ancestors()
        .skip(1)
        .take(6)
    {
        if let Some(n) = anc.file_name().and_then(|n| n.to_str()) {
            if !uninformative(n) {
                return n.to_string();
            }
        }
    }
    if name.is_empty() {
        "unknown".to_string()
    } else {
        name
    }
}

/// Block size for reading large inputs; each block is parsed in parallel chunks while the
/// next is read. Three are in flight at most (parsed, read ahead, queued); the peak memory of
/// `report` is in the aggregation, not here (8 and 16 MiB gave the same peak RSS).
const BLOCK_BYTES: usize = 16 << 20;

fn ingest_file(
    path: &Path,
    opts: &IngestOptions,
    progress: Option<&(dyn Fn(u64) + Sync)>,
) -> Result<(FileOutput, u64), IngestError> {
    let display: Arc<str> = Arc::from(path.display().to_string());
    let io_err = |e| IngestError::Io {
        path: display.to_string(),
        error: e,
    };
    let file = File::open(path).map_err(io_err)?;
    let on_disk = file.metadata().map(|m| m.len()).unwrap_or(0);
    let fallback = opts
        .function_name
        .clone()
        .unwrap_or_else(|| fallback_function_name(path));
    Ok((
        ingest_stream(display, file, fallback, opts, progress),
        on_disk,
    ))
}

/// A reader that tells `progress` how many bytes each read gave.
struct Counted<'p, R> {
    inner: R,
    progress: Option<&'p (dyn Fn(u64) + Sync)>,
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(p) = self.progress {
            p(n as u64);
        }
        Ok(n)
    }
}

/// A block of whole lines read ahead by the reader thread of [`ingest_stream`]. At the end of
/// the input `bytes` also holds a last line without its newline; after a read error, only the
/// whole lines read before it, and `err` says what broke.
struct RawBlock {
    bytes: Vec<u8>,
    err: Option<io::Error>,
    eof: bool,
}

/// The reader thread of [`ingest_stream`]: reads blocks of whole lines (the partial last line
/// carried into the next block) and hands them over one at a time, so that reading (and
/// decompressing) the next block overlaps parsing this one. Buffers come back through `spare`
/// to be reused: a fresh buffer per block costs a page fault per page.
fn read_blocks(
    mut reader: impl Read,
    tx: std::sync::mpsc::SyncSender<RawBlock>,
    spare: std::sync::mpsc::Receiver<Vec<u8>>,
) {
    let mut carry: Vec<u8> = Vec::new();
    let mut sent = false;
    loop {
        // A recycled buffer keeps its length: only bytes it never had are zeroed (zeroing a
        // whole block each time showed up as 4 % of the profile).
        let mut block = spare.try_recv().unwrap_or_default();
        let start = carry.len();
        // At least half a block more each time: a line longer than a block is read in a few
        // passes, not a byte at a time.
        let want = BLOCK_BYTES.max(start + BLOCK_BYTES / 2);
        if block.len() < want {
            block.resize(want, 0);
        }
        block.truncate(want);
        block[..start].copy_from_slice(&carry);
        carry.clear();
        let (got, err) = read_up_to(&mut reader, &mut block[start..]);
        block.truncate(start + got);
        if let Some(e) = err {
            // A truncated or corrupt compressed file: keep the whole lines read before it, and
            // the whole JSON values of the line it cut (Firehose writes payloads back to back
            // without newlines: one line of many values).
            let lines = memchr::memrchr(b'\n', &block).map_or(0, |i| i + 1);
            let keep = lines + complete_json_prefix(&block[lines..]);
            block.truncate(keep);
            let _ = tx.send(RawBlock {
                bytes: block,
                err: Some(e),
                eof: true,
            });
            return;
        }
        let eof = got == 0 || block.len() < want;
        // A line longer than the limit ends where the block grew past it, or a little after:
        // the same limit wherever it starts (only a block's first line can be that long).
        if memchr::memchr(b'\n', &block).unwrap_or(block.len()) > MAX_LINE_BYTES {
            let _ = tx.send(RawBlock {
                bytes: Vec::new(),
                err: Some(line_too_long()),
                eof: true,
            });
            return;
        }
        if !eof {
            // Keep the partial last line for the next block, and never end a block just before
            // an `XRAY TraceId` continuation line, which belongs to the line before it.
            match block_end(&block) {
                Some(i) => {
                    carry.extend_from_slice(&block[i + 1..]);
                    block.truncate(i + 1);
                }
                None if !sent && looks_binary(&block) => {
                    // Binary without a newline (a gzip of zeros, say): the parser says so
                    // now, and skips the file, rather than after it is read as one line.
                    let _ = tx.send(RawBlock {
                        bytes: block,
                        err: None,
                        eof: false,
                    });
                    return;
                }
                None if block.len() >= MAX_LINE_BYTES => {
                    let _ = tx.send(RawBlock {
                        bytes: Vec::new(),
                        err: Some(line_too_long()),
                        eof: true,
                    });
                    return;
                }
                None => {
                    // One line longer than a block: read on.
                    carry = block;
                    continue;
                }
            }
        }
        sent = true;
        if tx
            .send(RawBlock {
                bytes: block,
                err: None,
                eof,
            })
            .is_err()
            || eof
        {
            // Done, or the parser stopped reading (a binary file).
            return;
        }
    }
}

fn line_too_long() -> io::Error {
    io::Error::new(
        io::ErrorKind::FileTooLarge,
        format!(
            "a line longer than {} MiB; the rest of the file is skipped",
            MAX_LINE_BYTES >> 20
        ),
    )
}

/// Where a read block ends: after its last newline, unless the line after it may continue the
/// line before (see [`may_continue`]); then the block ends before that pair. The partial line
/// at the end may still grow into such a line when it is (the start of) one, an export event
/// whose message is not read yet, or empty. A block of nothing but continuation lines ends at
/// its last newline all the same, so such input never piles up. `None` when the block holds no
/// newline.
fn block_end(block: &[u8]) -> Option<usize> {
    let last = memchr::memrchr(b'\n', block)?;
    let tail = &block[last + 1..];
    let n = tail.len().min(XRAY.len());
    if tail[..n] != XRAY[..n] && !tail.starts_with(b"{") && !may_continue(tail) {
        return Some(last);
    }
    let mut i = last;
    loop {
        let Some(j) = memchr::memrchr(b'\n', &block[..i]) else {
            return Some(last);
        };
        if !may_continue(&block[j + 1..i]) {
            return Some(j);
        }
        i = j;
    }
}

const XRAY: &[u8] = b"XRAY TraceId:";

/// May this line (whole, without its newline) continue the line before it? An `XRAY TraceId`
/// line does: on its own, after a prefix, or as the message of an export event. Any line
/// holding those words counts, which at worst moves a read block's or a chunk's boundary by a
/// line; it is only asked at boundaries.
fn may_continue(line: &[u8]) -> bool {
    memchr::memmem::find(line, XRAY).is_some()
}

/// Parses one input (a file or a buffer): decompression and the format are detected from the
/// content. A reader thread reads ahead while the blocks are parsed.
fn ingest_stream(
    display: Arc<str>,
    mut file: impl Read + Send,
    fallback: String,
    opts: &IngestOptions,
    progress: Option<&(dyn Fn(u64) + Sync)>,
) -> FileOutput {
    let mut state = FileState::new(opts, display.clone());
    // Progress counts the bytes of the file, before any decompression: the bar's total is the
    // files' size (review of 2026-12-07: a gzipped input ran the count to 450 % of it).
    let mut counted = Counted {
        inner: &mut file,
        progress,
    };
    let mut reader: Box<dyn Read + Send + '_> = Box::new(&mut counted);
    let mut compressed = false;
    // Gzip inside gzip too: Firehose with GZIP compression stores CloudWatch's own gzipped
    // payloads gzipped again. A few layers at most (each is a decoder on the last).
    for layer in 0..4 {
        let mut head = [0u8; 2];
        let (n, err) = read_up_to(&mut reader, &mut head);
        if let Some(e) = err {
            state.skips_file(0, "file is truncated or corrupt", &e.to_string());
        }
        let raw = io::Cursor::new(head[..n].to_vec()).chain(reader);
        reader = if decode::is_gzip(&head[..n]) && layer < 3 {
            Box::new(MultiGzDecoder::new(raw))
        } else if decode::is_zlib(&head[..n]) && layer == 0 {
            Box::new(ZlibDecoder::new(raw))
        } else {
            Box::new(raw)
        };
        if !decode::is_gzip(&head[..n]) || layer == 3 {
            break;
        }
        compressed = true;
    }
    // Classic Mac OS line ends, a lone CR (Excel for Mac's "CSV (Macintosh)", old editors): read
    // as line breaks (tenth-round robustness review: a text log became one corrupt line, a
    // metrics CSV lost every point without a word). Told by the start of the file: carriage
    // returns and no line feed.
    let mut head = vec![0u8; 64 << 10];
    let (n, err) = read_up_to(&mut reader, &mut head);
    head.truncate(n);
    let cr_lines = !head.contains(&b'\n')
        && head.iter().filter(|&&b| b == b'\r').count() >= 2
        && !looks_binary(&head);
    // A read error there (a truncated gzip) comes after the bytes read, where it happened.
    let reader: Box<dyn Read + Send + '_> = match err {
        Some(e) => Box::new(FailsWith(Some(e))),
        None => reader,
    };
    let raw = io::Cursor::new(head).chain(reader);
    let reader: Box<dyn Read + Send + '_> = if cr_lines {
        Box::new(CrAsLf(raw))
    } else {
        Box::new(raw)
    };
    let mut out = FileOutput::default();
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<RawBlock>(1);
        let (back, spare) = std::sync::mpsc::channel::<Vec<u8>>();
        scope.spawn(move || read_blocks(reader, tx, spare));
        let mut first = true;
        let mut next_line: u64 = 1;
        while let Ok(RawBlock {
            bytes: mut block,
            err,
            eof,
        }) = rx.recv()
        {
            if let Some(e) = err {
                if !block.is_empty() {
                    if first {
                        if let Some(what) = own_export(&block) {
                            // A faascope export cut short (a truncated .gz) is one still.
                            state.file_skips.add_own_export(&state.file, &what);
                            break;
                        }
                        if !looks_binary(&block) {
                            state.detect(&block);
                        }
                    }
                    process_block(&mut state, &block, &mut next_line, &mut out);
                }
                let reason = if e.kind() == io::ErrorKind::FileTooLarge {
                    "line too long"
                } else {
                    "file is truncated or corrupt"
                };
                state.skips_file(next_line, reason, &e.to_string());
                break;
            }
            if first {
                first = false;
                if block.is_empty() {
                    state.skips_file(0, "empty file", "no records");
                    break;
                }
                if block.starts_with(b"\xFF\xFE\x00\x00") || block.starts_with(b"\x00\x00\xFE\xFF")
                {
                    // (Before UTF-16's test: its mark is a prefix of this one's.)
                    state.skips_file(
                        0,
                        "UTF-32 text",
                        "faascope reads UTF-8; convert it first (iconv -f UTF-32 -t UTF-8 FILE > FILE.utf8); skipped whole",
                    );
                    break;
                }
                if block.starts_with(b"\xFF\xFE") || block.starts_with(b"\xFE\xFF") {
                    // Windows PowerShell 5's `>` writes UTF-16 with a byte-order mark.
                    state.skips_file(
                        0,
                        "UTF-16 text",
                        "faascope reads UTF-8; convert it first (iconv -f UTF-16 -t UTF-8 FILE > FILE.utf8, or Out-File -Encoding utf8 in PowerShell); skipped whole",
                    );
                    break;
                }
                if decode::is_gzip(&block) {
                    // Still gzip after the layers read (see the loop above).
                    state.skips_file(
                        0,
                        "gzip nested too deeply",
                        "gzip inside gzip more than 3 layers deep; decompress it first (gunzip); skipped whole",
                    );
                    break;
                }
                if let Some(what) = own_export(&block) {
                    state.file_skips.add_own_export(&state.file, &what);
                    break;
                }
                if is_permission_check(&display, &block) {
                    state
                        .file_skips
                        .add_own_export(&state.file, skips::PERMISSION_CHECK);
                    break;
                }
                if block.get(257..262) == Some(b"ustar") {
                    // A `tar czf` of a log folder (sixth-round ingestion review: said to be "not
                    // text, gzip or zlib", though it was gzip).
                    state.skips_file(
                        0,
                        "tar archive",
                        "an archive of files, not a log; unpack it (tar xf FILE) and give the folder; skipped whole",
                    );
                    break;
                }
                if looks_binary(&block) {
                    let what = if compressed {
                        "compressed (gzip), and what it holds is not text; skipped whole"
                    } else {
                        "not text, gzip or zlib; skipped whole"
                    };
                    state.skips_file(0, "binary file", what);
                    break;
                }
                if block.starts_with(b"\xEF\xBB\xBF") {
                    block.drain(..3);
                }
                state.detect(&block);
                if state.mode == Mode::MetricsCsv {
                    // Metrics CSV files are small; read whole.
                    let mut done = eof;
                    while !done {
                        let Ok(next) = rx.recv() else { break };
                        block.extend_from_slice(&next.bytes);
                        if let Some(e) = next.err {
                            state.skips_file(0, "file is truncated or corrupt", &e.to_string());
                        }
                        done = next.eof;
                    }
                    let text = String::from_utf8_lossy(&block);
                    let mut m = metrics::MetricsOut::default();
                    metrics::parse_metrics_csv(&text, &display, &mut m);
                    let mut c = Collector::new(opts, display.clone());
                    for s in m.skipped {
                        c.skip(s.line, s.reason, Some(&s.detail));
                    }
                    if opts.keep_metrics {
                        c.tables.metrics = m.points;
                    }
                    out.append(c.finish(&fallback));
                    break;
                }
            }
            process_block(&mut state, &block, &mut next_line, &mut out);
            let _ = back.send(block);
            if eof {
                break;
            }
        }
        // Dropping the receiver stops a reader still going (after a binary file).
        drop(rx);
    });
    state.flush(&mut out);
    state.finish_pending(&mut out);
    let mut file_out = FileOutput::default();
    file_out.append(out);
    // Resolve unnamed functions for the whole file at once (a name learned anywhere in it).
    let mut c = Collector::new(opts, display);
    c.learned_function = state.learned.take();
    c.tables = std::mem::take(&mut file_out.tables);
    c.columns = std::mem::take(&mut file_out.columns);
    c.skips = std::mem::take(&mut file_out.skips);
    c.skips.merge(std::mem::take(&mut state.file_skips));
    c.overrides = std::mem::take(&mut file_out.overrides);
    c.echoes = std::mem::take(&mut file_out.echoes);
    c.log_lines = file_out.log_lines;
    c.finish(&fallback)
}

/// The object CloudWatch Logs writes beside an S3 export to check its permission,
/// `aws-logs-write-test` holding `Permission Check Successful`: no log (it had become a
/// function of that name).
fn is_permission_check(display: &str, block: &[u8]) -> bool {
    display.ends_with("aws-logs-write-test")
        && block.trim_ascii() == b"Permission Check Successful".as_slice()
}

/// The length of the leading whole JSON objects of a line cut short (`{...}{...}{.`): what a
/// truncated Firehose object still holds. 0 when the line does not start with an object.
fn complete_json_prefix(line: &[u8]) -> usize {
    let start = line
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(line.len());
    if line.get(start) != Some(&b'{') {
        return 0;
    }
    let mut values =
        serde_json::Deserializer::from_slice(line).into_iter::<serde::de::IgnoredAny>();
    let mut end = 0;
    while let Some(Ok(_)) = values.next() {
        end = values.byte_offset();
    }
    end
}

/// Fills `buf` as far as the reader goes. Returns the bytes read and the error that stopped it,
/// if any, so that what was read before a corrupt stretch is still used.
/// A reader that fails with its error, once (then reads nothing).
struct FailsWith(Option<io::Error>);

impl Read for FailsWith {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        self.0.take().map_or(Ok(0), Err)
    }
}

/// A reader whose carriage returns read as line feeds (see `ingest_stream`). Written here: one
/// byte map over a reader, which no crate of ours offers.
struct CrAsLf<R>(R);

impl<R: Read> Read for CrAsLf<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.0.read(buf)?;
        for b in &mut buf[..n] {
            if *b == b'\r' {
                *b = b'\n';
            }
        }
        Ok(n)
    }
}

fn read_up_to(r: &mut dyn Read, buf: &mut [u8]) -> (usize, Option<io::Error>) {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return (n, Some(e)),
        }
    }
    (n, None)
}

/// Past this, a line is not read on: the file's remaining bytes are skipped with a reason (a
/// decompressed "line" of gigabytes, as a gzip bomb makes, would otherwise be held whole).
/// The longest real lines, single-line JSON outputs, are far shorter.
const MAX_LINE_BYTES: usize = if cfg!(test) { 40 << 20 } else { 256 << 20 };

/// The columns of faascope's exports by table (`export --format csv` headers, and the keys of
/// each `--format ndjson` line): checked against the frames in `analytics`' tests. The metrics
/// table is missing: its CSV is an input format (`timestamp,function,metric,...`).
pub(crate) const OWN_EXPORT_COLUMNS: [(&str, &str); 4] = [
    ("invocations", "function,request_id,timestamp,duration_ms,billed_duration_ms,memory_size_mb,max_memory_used_mb,init_duration_ms,restore_duration_ms,billed_restore_duration_ms,cold_start,status,error_type,trace_id,source"),
    ("logs", "function,timestamp,kind,event_type,level,request_id,trace_id,cold_start,message,json,log_stream,source"),
    ("spans", "trace_id,span_id,parent_id,name,function,origin,span_kind,inferred,namespace,start_ms,end_ms,duration_ms,in_progress,error,fault,throttle,http_status,operation,remote_service,request_id,depth,source"),
    ("metrics", "timestamp,function,metric,statistic,value,unit,source"),
];

/// The columns of exports earlier versions wrote (the logs table before its `json` column,
/// the spans table before its `inferred` column), recognised as faascope's own as well.
const EARLIER_EXPORT_COLUMNS: [(&str, &str); 2] = [
    (
        "logs",
        "function,timestamp,kind,event_type,level,request_id,trace_id,cold_start,message,log_stream,source",
    ),
    (
        "spans",
        "trace_id,span_id,parent_id,name,function,origin,span_kind,namespace,start_ms,end_ms,duration_ms,in_progress,error,fault,throttle,http_status,operation,remote_service,request_id,depth,source",
    ),
];

/// What a file's first block says it is when faascope wrote it (an `export` to a file in an
/// input directory, read back by the next run) or it is Parquet: `None` for anything else.
fn own_export(block: &[u8]) -> Option<String> {
    if block.starts_with(b"PAR1") {
        return Some(
            "Parquet, as `faascope export --format parquet` writes it: not an input".into(),
        );
    }
    // A copy saved by an editor may begin with a byte-order mark.
    let block = block.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(block);
    let first = block.split(|&b| b == b'\n').next()?;
    let first = std::str::from_utf8(first).ok()?.trim_end_matches('\r');
    let exports = || OWN_EXPORT_COLUMNS.iter().chain(&EARLIER_EXPORT_COLUMNS);
    for &(table, columns) in exports() {
        // The metrics CSV is read back as the metrics CSV input.
        if first == columns && table != "metrics" {
            return Some(format!("faascope's export of the {table} table, CSV"));
        }
    }
    if first.starts_with('{') {
        let keys: Option<Vec<String>> =
            serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(first)
                .ok()
                .map(|m| m.keys().cloned().collect());
        if let Some(mut keys) = keys {
            keys.sort_unstable();
            for &(table, columns) in exports() {
                let mut want: Vec<&str> = columns.split(',').collect();
                want.sort_unstable();
                if keys == want {
                    return Some(format!("faascope's export of the {table} table, NDJSON"));
                }
            }
        }
    }
    None
}

/// Is the start of an input binary rather than text (NUL bytes or mostly non-text bytes in the
/// first 8 KiB)? A tenth of its first 8 KiB control bytes, or a hundredth NULs (UTF-16,
/// zero-filled files), or a NUL among a twentieth of control bytes (random bytes hold about
/// 10 % controls and a NUL per 256). A text log with a stray NUL in a message (a C string an
/// application printed) is text: its lines are read.
fn looks_binary(block: &[u8]) -> bool {
    let head = &block[..block.len().min(8192)];
    let nuls = head.iter().filter(|&&b| b == 0).count();
    let bad = head
        .iter()
        .filter(|&&b| b < 0x09 || (0x0e..0x20).contains(&b) && b != 0x1b)
        .count();
    bad * 10 > head.len() || nuls * 100 > head.len() || (nuls > 0 && bad * 20 > head.len())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// One JSON value per line: a line that is not JSON is malformed.
    Ndjson,
    /// Text lines; JSON values (also pretty-printed over several lines) are recognised.
    Text,
    /// JSON values only (`--input-format json`), also pretty-printed over several lines: a
    /// line outside one that is not JSON is malformed.
    Json,
    MetricsCsv,
}

/// State carried across the blocks of one file.
struct FileState<'o> {
    opts: &'o IngestOptions,
    file: Arc<str>,
    mode: Mode,
    /// A JSON value spanning several lines, being collected (text mode).
    pending: Option<PendingJson>,
    learned: Option<Arc<str>>,
    file_skips: Skips,
    /// The last parallel block's chunk outputs, merged into the file's while the next block is
    /// parsed (see [`process_block`]).
    parsed: Vec<(FileOutput, Option<Arc<str>>)>,
    /// Per-stream state at the end of the text merged so far (see [`append_carrying`]).
    streams: HashMap<String, StreamState>,
}

/// Appends chunk outputs in order, carrying per-stream state; the first function name learned
/// in the file is kept.
fn merge_parsed(
    learned: &mut Option<Arc<str>>,
    streams: &mut HashMap<String, StreamState>,
    columns: bool,
    parsed: Vec<(FileOutput, Option<Arc<str>>)>,
    out: &mut FileOutput,
) {
    for (r, l) in parsed {
        if learned.is_none() {
            *learned = l;
        }
        append_carrying(out, r, streams, columns);
    }
}

/// Appends one chunk's or block's output to its file's, then applies the per-stream state of
/// the text before it (`streams`: a `RESTORE_REPORT` or an error line without request id still
/// waiting for its stream's next REPORT) to the chunk's first REPORT of each stream, and leaves
/// in `streams` the state after it: the same invocations as reading the file in one piece.
/// `columns`: the invocations are compact columns ([`IngestOptions::report_columns`]).
fn append_carrying(
    out: &mut FileOutput,
    mut r: FileOutput,
    streams: &mut HashMap<String, StreamState>,
    columns: bool,
) {
    let carry = std::mem::take(&mut r.carry);
    let invocations = |o: &FileOutput| {
        if columns {
            o.columns.len()
        } else {
            o.tables.invocations.len()
        }
    };
    let base = invocations(out);
    out.append(r);
    let end = invocations(out);
    carry.merge_into(streams, |row, restore_ms, reinit, error_type| {
        let row = base + row;
        debug_assert!(
            row < end,
            "carried state for row {row} past the invocations"
        );
        if columns {
            out.columns
                .set_stream_state(row, restore_ms, reinit, error_type.is_some());
        } else if let Some(inv) = out.tables.invocations.get_mut(row) {
            if let Some(ms) = restore_ms {
                inv.restore_duration_ms = Some(ms);
                inv.cold_start = true;
            }
            inv.cold_start |= reinit;
            if let Some(et) = error_type {
                inv.status = Status::Error;
                inv.error_type = et;
            }
        }
    });
}

struct PendingJson {
    start_line: u64,
    text: String,
    depth: i64,
    in_string: bool,
    escaped: bool,
    lines: u64,
    /// The brackets open (`{` or `[`), innermost last: after a `,` in an object a key comes,
    /// never a `{` (see [`document_cut_before`]).
    open: Vec<u8>,
    /// A value printed after a `sam logs` prefix (`<log stream> <time> {`): the event it is.
    prefixed: Option<PrefixedJson>,
}

/// The event of a JSON message `sam logs` printed pretty after its prefix: the prefix's time
/// and stream, and where in the pending text (which keeps the whole first line) the value starts.
struct PrefixedJson {
    timestamp_ms: i64,
    log_stream: String,
    json_at: usize,
}

/// Past this, a JSON value that does not close is given up on.
const MAX_PENDING_LINES: u64 = 2_000_000;

impl<'o> FileState<'o> {
    fn new(opts: &'o IngestOptions, file: Arc<str>) -> Self {
        FileState {
            opts,
            file,
            mode: Mode::Text,
            pending: None,
            learned: None,
            file_skips: Skips::default(),
            parsed: Vec::new(),
            streams: HashMap::new(),
        }
    }

    /// Merges chunk or block outputs into the file's, in order (see [`merge_parsed`]).
    fn merge(&mut self, parts: Vec<(FileOutput, Option<Arc<str>>)>, out: &mut FileOutput) {
        let columns = self.opts.report_columns;
        merge_parsed(&mut self.learned, &mut self.streams, columns, parts, out);
    }

    /// Merges what [`process_block`] left to merge.
    fn flush(&mut self, out: &mut FileOutput) {
        let parsed = std::mem::take(&mut self.parsed);
        self.merge(parsed, out);
    }

    fn skips_file(&mut self, line: u64, reason: &str, detail: &str) {
        self.file_skips.add(&self.file, line, reason, Some(detail));
    }

    fn replaced_utf8(&mut self, line: u64) {
        self.file_skips.add_replaced(&self.file, line);
    }

    fn detect(&mut self, block: &[u8]) {
        self.mode = match self.opts.input_format {
            InputFormat::Ndjson => Mode::Ndjson,
            InputFormat::Text => Mode::Text,
            InputFormat::Json => Mode::Json,
            InputFormat::MetricsCsv => Mode::MetricsCsv,
            InputFormat::Auto => {
                let mut lines = block
                    .split(|&b| b == b'\n')
                    .map(|l| String::from_utf8_lossy(l).trim().to_string())
                    .filter(|l| !l.is_empty());
                let first = lines.next().unwrap_or_default();
                let next: Vec<String> = lines.take(7).collect();
                let second = next.first();
                let json_object = |l: &str| {
                    l.starts_with('{')
                        && serde_json::from_str::<Value>(l).is_ok_and(|v| v.is_object())
                };
                // A first line that starts an object but is no JSON (cut short, or holding a raw
                // control character) among lines that are whole objects: an NDJSON file whose
                // first record is malformed, not text (which would lose every record after it).
                // Not the opening line of a pretty-printed document (`{`, `{"Traces": [`).
                let broken_first_record = || {
                    first.starts_with('{')
                        && !first.ends_with(['{', '[', ','])
                        && !json_object(&first)
                        && !next.is_empty()
                        && next.iter().filter(|l| json_object(l)).count() * 2 > next.len()
                };
                // A text log whose first line is a JSON log line (an application's structured
                // line, a file cut mid-invocation) is text: most of the lines after it are not
                // objects (fifth-round verification: every START/REPORT of such a file was
                // skipped as "line is not JSON").
                // (A line that starts an object counts: a record cut short is NDJSON's.)
                let mostly_objects =
                    || next.iter().filter(|l| l.starts_with('{')).count() * 2 >= next.len();
                if metrics::looks_like_metrics_csv(&first) {
                    Mode::MetricsCsv
                } else if (json_object(&first)
                    // A header line before pretty-printed JSON (the X-Ray daemon format) is not NDJSON.
                    && second.is_none_or(|l| l != "{" && l != "[")
                    && mostly_objects())
                    || broken_first_record()
                {
                    Mode::Ndjson
                } else {
                    Mode::Text
                }
            }
        };
    }

    fn finish_pending(&mut self, out: &mut FileOutput) {
        if let Some(p) = self.pending.take() {
            let mut c = Collector::new(self.opts, self.file.clone());
            // A document cut mid-line with the next one whole on that line, the file's last
            // (see `cut_pending`): the cut one's whole records, then the next. (A `{` that
            // opens nothing more at the end of the file is the cut string's: verification of
            // 0df4ecc.)
            if p.prefixed.is_none()
                && p.in_string
                && matches!(next_document_in(last_line_of(&p.text)), Some((_, true)))
            {
                let next_line = p.start_line + p.lines;
                let rest = cut_pending(&mut c, p, next_line, self.mode, true);
                self.merge(vec![c.finish_part()], out);
                self.pending = rest;
                return self.finish_pending(out);
            }
            // A document cut short outside a string with the next one written on from the cut
            // (see `document_after_break`): the same.
            if p.prefixed.is_none() && !p.in_string && document_after_break(&p.text).is_some() {
                let next_line = p.start_line + p.lines;
                let rest = cut_pending(&mut c, p, next_line, self.mode, true);
                self.merge(vec![c.finish_part()], out);
                self.pending = rest;
                return self.finish_pending(out);
            }
            // A later document of a file of several (`>>` of pages, `cat` of outputs) cut
            // short: an object whose records' array is cut (eighth-round ingestion review:
            // read as text lines, its events' times and its metrics and traces lost).
            let cut_document = p.prefixed.is_none()
                && p.text.trim_start().starts_with('{')
                && salvage_truncated(&p.text).is_some();
            if self.mode == Mode::Text
                && (p.start_line > 1 || p.prefixed.is_some())
                && !cut_document
            {
                // In a text log the lines of a value that never closes are the application's
                // (as when a platform line cuts it short); one from the first line on is a
                // JSON document cut short.
                parse_json_text(&mut c, &p.text, p.start_line, true);
                self.merge(vec![c.finish_part()], out);
                return;
            }
            let last_line = p.start_line + p.lines.saturating_sub(1);
            match salvage_truncated(&p.text) {
                // A document cut short (an interrupted `aws logs ... > f.json` or download):
                // its whole records are read, and the cut is one skip where it falls.
                Some((whole, cut_line)) => {
                    parse_json_text(&mut c, &whole, p.start_line, false);
                    c.skip(
                        last_line,
                        "truncated JSON at end of file",
                        Some(&format!(
                            "the document from line {} is cut short: its whole records up to line {} were read and the rest is lost; fetch or export the file again",
                            p.start_line,
                            p.start_line + cut_line
                        )),
                    );
                    self.merge(vec![c.finish_part()], out);
                }
                None => {
                    c.skip(
                        p.start_line,
                        "truncated JSON at end of file",
                        Some("a JSON value starts here and never closes"),
                    );
                    out.append(c.finish(collect::UNRESOLVED));
                }
            }
        }
    }
}

/// Parses one block (whole lines). Large NDJSON blocks are split into chunks that are counted,
/// checked for UTF-8 and parsed in parallel.
fn process_block(
    state: &mut FileState<'_>,
    block: &[u8],
    next_line: &mut u64,
    out: &mut FileOutput,
) {
    const PAR_MIN: usize = 4 << 20;
    if state.mode == Mode::Ndjson && block.len() >= PAR_MIN {
        let chunks = split_chunks(block, rayon::current_num_threads() * 8);
        // Line numbers first (a cheap parallel count), so that each chunk knows where it starts.
        let counts: Vec<u64> = chunks
            .par_iter()
            .map(|c| memchr::memchr_iter(b'\n', c).count() as u64)
            .collect();
        let mut starts = Vec::with_capacity(chunks.len());
        for n in &counts {
            starts.push(*next_line);
            *next_line += n;
        }
        // The previous block's outputs are appended (serial work: copying records) while this
        // block's chunks are parsed, rather than with the other core idle.
        let previous = std::mem::take(&mut state.parsed);
        let (opts, file) = (state.opts, state.file.clone());
        let (learned, streams) = (&mut state.learned, &mut state.streams);
        let columns = opts.report_columns;
        let (_, results) = rayon::join(
            || merge_parsed(learned, streams, columns, previous, out),
            || parse_chunks(opts, &file, &chunks, &starts),
        );
        state.parsed = results;
        return;
    }
    state.flush(out);
    let first_line = *next_line;
    let (text, bad) = checked_text(block, first_line);
    for line in bad {
        state.replaced_utf8(line);
    }
    let mut c = Collector::new(state.opts, state.file.clone());
    *next_line += memchr::memchr_iter(b'\n', text.as_bytes()).count() as u64;
    let mode = state.mode;
    parse_lines(&mut c, &text, first_line, mode, &mut state.pending);
    state.merge(vec![c.finish_part()], out);
}

/// `bytes` as text, and the lines holding bytes that are not UTF-8 (`first_line` being the
/// line of the first byte), each once: those bytes are replaced (U+FFFD) and the lines read.
fn checked_text(bytes: &[u8], first_line: u64) -> (Cow<'_, str>, Vec<u64>) {
    // simdutf8 checks valid text several times faster than the standard check; on an error
    // the standard library's chunks say where each invalid sequence is.
    if let Ok(t) = simdutf8::basic::from_utf8(bytes) {
        return (Cow::Borrowed(t), Vec::new());
    }
    let mut lines = Vec::new();
    let (mut at, mut line) = (0usize, first_line);
    for chunk in bytes.utf8_chunks() {
        let valid = chunk.valid().as_bytes();
        line += memchr::memchr_iter(b'\n', valid).count() as u64;
        at += valid.len();
        if !chunk.invalid().is_empty() {
            if lines.last() != Some(&line) {
                lines.push(line);
            }
            // An invalid sequence holds no newline (0x0A is always valid).
            at += chunk.invalid().len();
        }
    }
    debug_assert_eq!(at, bytes.len());
    (
        Cow::Owned(String::from_utf8_lossy(bytes).into_owned()),
        lines,
    )
}

/// Parses the chunks of one block in parallel; their outputs in order, each with the function
/// name its records taught (if any).
fn parse_chunks(
    opts: &IngestOptions,
    file: &Arc<str>,
    chunks: &[&[u8]],
    starts: &[u64],
) -> Vec<(FileOutput, Option<Arc<str>>)> {
    chunks
        .par_iter()
        .zip(starts.par_iter())
        .map(|(chunk, &start)| {
            let mut c = Collector::new(opts, file.clone());
            let (text, bad) = checked_text(chunk, start);
            for line in bad {
                c.replaced_utf8(line);
            }
            let mut none = None;
            parse_lines(&mut c, &text, start, Mode::Ndjson, &mut none);
            c.finish_part()
        })
        .collect()
}

/// Splits a block into about `n` chunks at line boundaries. A boundary never falls before an
/// `XRAY TraceId` continuation line, which belongs to the line before it.
fn split_chunks(bytes: &[u8], n: usize) -> Vec<&[u8]> {
    let target = (bytes.len() / n.max(1)).max(1);
    let mut out = Vec::new();
    let mut start = 0;
    while start < bytes.len() {
        let mut end = (start + target).min(bytes.len());
        loop {
            match memchr::memchr(b'\n', &bytes[end.min(bytes.len())..]) {
                Some(i) => end += i + 1,
                None => {
                    end = bytes.len();
                    break;
                }
            }
            let rest = &bytes[end..];
            let next_line = &rest[..memchr::memchr(b'\n', rest).unwrap_or(rest.len())];
            if !may_continue(next_line) {
                break;
            }
        }
        out.push(&bytes[start..end]);
        start = end;
    }
    out
}

/// A CloudWatch log event as a line of an NDJSON export, parsed without building a `Value`
/// (the hot path of large exports). Only CloudWatch's own keys: a line with others (an
/// application's JSON log with `timestamp` and `message` keys of its own) is read as a `Value`
/// and sorted out by `Collector::json_value`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LineEvent<'a> {
    #[serde(borrow)]
    message: Option<Cow<'a, str>>,
    timestamp: Option<Value>,
    #[serde(rename = "logGroup", borrow)]
    log_group: Option<Cow<'a, str>>,
    #[serde(rename = "logStream", alias = "logStreamName", borrow)]
    log_stream: Option<Cow<'a, str>>,
    #[serde(rename = "ingestionTime", default)]
    _ingestion_time: IgnoredAny,
    #[serde(rename = "eventId", alias = "id", default)]
    _event_id: IgnoredAny,
    #[serde(rename = "logGroupName", default)]
    _log_group_name: IgnoredAny,
}

fn parse_lines(
    c: &mut Collector<'_>,
    text: &str,
    first_line: u64,
    mode: Mode,
    pending: &mut Option<PendingJson>,
) {
    // When only invocations are wanted, NDJSON lines that cannot hold one are passed over before
    // parsing: one multi-pattern scan instead of a JSON parse (the hot path of `report` over
    // large exports). They are counted as log lines; they would not be records of any table.
    let mut scratch = String::new();
    if c.columns_only() {
        // About one REPORT per kilobyte in exports (a third of the lines, ~330 bytes each):
        // room reserved up front saves regrowing a dozen columns.
        c.columns.reserve(text.len() / 1024);
    }
    if c.keeps_thin_logs() {
        // Likewise for thin log records, about one per 250 bytes of an export.
        c.tables.thin_logs.reserve(text.len() / 256);
    }
    if mode == Mode::Ndjson && c.invocations_only() && pending.is_none() {
        // One scan of the whole chunk for the words of `Collector::MATTERS` (a SIMD multi-pattern
        // search is far faster over a long text than over each short line); a line without a hit
        // that is shaped like a whole JSON object is passed over. Anything else is parsed (and
        // counted as malformed when it is not JSON).
        let ac = matters_scanner();
        let bytes = text.as_bytes();
        let mut next_hit = ac.find(text).map(|m| m.start());
        let mut pos = 0;
        let mut line_no = first_line;
        while pos < bytes.len() {
            let end = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i + 1);
            if next_hit.is_some_and(|h| h < pos) {
                next_hit = ac
                    .find(aho_corasick::Input::new(text).span(pos..bytes.len()))
                    .map(|m| m.start());
            }
            let line = text[pos..end].trim_end_matches(['\n', '\r']);
            let hit = next_hit.is_some_and(|h| h < end);
            let t = line.trim();
            if !hit && t.starts_with('{') && t.ends_with('}') {
                c.pass_over_log_line();
            } else if hit && pending.is_none() && read_in_place(c, t) {
                // Stored by the in-place reader.
            } else {
                parse_line(c, line, line_no, mode, pending, &mut scratch);
            }
            pos = end;
            line_no += 1;
        }
        return;
    }
    // Lines found with the memchr crate's SIMD search (`split_inclusive` is byte-at-a-time).
    let bytes = text.as_bytes();
    let mut pos = 0;
    let mut line_no = first_line;
    while pos < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i + 1);
        let line = text[pos..end].trim_end_matches(['\n', '\r']);
        let in_place = mode == Mode::Ndjson && pending.is_none() && read_in_place(c, line.trim());
        if !in_place {
            parse_line(c, line, line_no, mode, pending, &mut scratch);
        }
        pos = end;
        line_no += 1;
    }
}

/// Stores an export line (trimmed) of a platform shape [`export_report`] reads in place, when
/// the collector takes it that way; false when the line needs the general path.
fn read_in_place(c: &mut Collector<'_>, line: &str) -> bool {
    // Full rows (`export`, the dashboard) take neither: no line is read twice for them.
    if !(c.columns_only() || c.keeps_thin_logs()) {
        return false;
    }
    match export_report::read_platform(line) {
        Some(ExportPlatform::Report(r)) => c.export_report(&r),
        Some(ExportPlatform::StartEnd(e)) => c.export_start_end(&e),
        None => false,
    }
}

/// One line (without its end of line); `scratch` is a reusable buffer for unescaping.
fn parse_line(
    c: &mut Collector<'_>,
    line: &str,
    line_no: u64,
    mode: Mode,
    pending: &mut Option<PendingJson>,
    scratch: &mut String,
) {
    // A byte-order mark where a later document of the file starts (`cat` of two PowerShell
    // outputs, each with one): not part of the line (eighth-round ingestion review: the
    // document after it was read as text lines, its metrics and traces lost without a word).
    let line = line.strip_prefix('\u{feff}').unwrap_or(line);
    // Terminal colours around a rendering's time and stream (`aws logs tail --color on`,
    // `sam logs` through `script`): removed, so the prefix reads as it does without them
    // (eighth-round ingestion review: every record lost its time).
    let uncoloured;
    let line = if mode == Mode::Text && memchr::memchr(0x1b, line.as_bytes()).is_some() {
        uncoloured = without_colours(line);
        uncoloured.as_str()
    } else {
        line
    };
    // A document cut short and another starting after it (an interrupted `aws logs ... >
    // pages.json`, then a whole run appended: ninth-round ingestion review: the whole one was
    // lost, the cut said at the file's last line), or a string left open at a line's end,
    // which JSON does not allow: the cut one's whole records are read, the cut is said at its
    // line, and the next document is read from where it starts (on the cut line itself when
    // the interrupted write ended mid-line, as buffered output does).
    if let Some(p) = pending.take_if(|p| {
        p.prefixed.is_none()
            && (document_cut_before(p, line)
                || (p.in_string && next_document_in(last_line_of(&p.text)).is_some()))
    }) {
        // A document starting at this line is the next one; else one may start on the cut
        // line (verification of 0df4ecc: a string cut just after a `{` took that `{` for it,
        // and the document on the next line was lost).
        let next_here = line.starts_with(['{', '[']);
        *pending = cut_pending(c, p, line_no, mode, !next_here);
    }
    if let Some(p) = pending.as_mut() {
        // A `sam logs` message ends where the next event's prefix starts: SAM prints each on
        // lines of its own, and a pretty-printed value holds no raw line break inside a string,
        // so one that has not closed by then was cut short (verification of 0589241: one such
        // message made every later event of the file application text).
        if p.prefixed.is_some() && sam_prefix(line).is_some() {
            if let Some(p) = pending.take() {
                parse_json_text(c, &p.text, p.start_line, true);
            }
        } else if !p.in_string && platform_line::parse(line).is_some() {
            // A Lambda log line cannot stand inside a JSON value (its lines hold no text
            // outside strings): the value never closes (an application printed a lone `{`).
            // In a text log its lines are the application's, given back as log lines; in a
            // JSON file they are lost, a skip. This line is read as itself.
            let start = p.start_line;
            match pending.take() {
                Some(p) if mode == Mode::Text => parse_json_text(c, &p.text, p.start_line, true),
                _ => c.skip(
                    start,
                    "JSON value never closes",
                    Some("a Lambda log line comes before its end"),
                ),
            }
        } else {
            p.feed(line);
            if p.depth <= 0 {
                if let Some(p) = pending.take_if(|p| p.prefixed.is_some()) {
                    prefixed_json_done(c, p);
                } else if let Some(p) = pending.take() {
                    // In a text log, brackets after a log line that hold no JSON are the
                    // application's output (Node's `console.log(object)`, a value elided with
                    // `...`); a whole file that is broken JSON (from its first line, keys
                    // quoted) is a malformed record.
                    let as_lines = mode == Mode::Text
                        && (p.start_line > 1 || p.text.lines().any(unquoted_key));
                    parse_json_text(c, &p.text, p.start_line, as_lines);
                }
            } else if p.lines > MAX_PENDING_LINES {
                let start = p.start_line;
                match pending.take() {
                    Some(p) if mode == Mode::Text => {
                        parse_json_text(c, &p.text, p.start_line, true)
                    }
                    _ => c.skip(start, "JSON value never closes", None),
                }
            }
            return;
        }
    }
    let trimmed = line.trim();
    if trimmed.is_empty() {
        return;
    }
    let ev = Event {
        line: line_no,
        ..Event::default()
    };
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        if trimmed.starts_with('{') {
            if let Some(fast) = export_line::scan(trimmed, scratch) {
                let ev = Event {
                    line: line_no,
                    timestamp: fast.timestamp_ms,
                    log_group: fast.log_group,
                    log_stream: fast.log_stream,
                };
                let message = fast.message.unwrap_or(scratch.as_str());
                c.event_message(&ev, message);
                return;
            }
            match serde_json::from_str::<LineEvent>(trimmed) {
                Ok(LineEvent {
                    message: Some(m),
                    timestamp,
                    log_group,
                    log_stream,
                    ..
                }) if timestamp.is_some() || log_group.is_some() || log_stream.is_some() => {
                    let timestamp = match collect::event_time(timestamp.as_ref()) {
                        Ok(ts) => ts,
                        Err((reason, why)) => {
                            c.skip(line_no, reason, Some(&why));
                            return;
                        }
                    };
                    let ev = Event {
                        line: line_no,
                        timestamp,
                        log_group: log_group.as_deref(),
                        log_stream: log_stream.as_deref(),
                    };
                    c.event_message(&ev, &m);
                    return;
                }
                Ok(_) => {}
                Err(e) if e.is_data() => {}
                Err(e) => {
                    if handle_bad_json(c, e, trimmed, line_no, mode, pending) {
                        return;
                    }
                    c.message(&ev, line);
                    return;
                }
            }
        }
        match serde_json::from_str::<Value>(trimmed) {
            Ok(v) => c.json_line(&ev, &v, trimmed),
            Err(e) => {
                if !handle_bad_json(c, e, trimmed, line_no, mode, pending) {
                    c.message(&ev, line);
                }
            }
        }
    } else if mode == Mode::Ndjson || mode == Mode::Json {
        c.skip(line_no, "line is not JSON", Some(&excerpt(trimmed)));
    } else if let Some(v) = pyrepr::parse(trimmed).or_else(|| labelled_telemetry(trimmed)) {
        // A batch an extension printed: its reports echo Lambda's own (see `keep_echoes`).
        c.echo = true;
        c.json_value(&ev, &v, 0);
        c.echo = false;
    } else if let Some((ts, stream, json_at)) = sam_json_prefix(line) {
        // `sam logs`: `<log stream> <time> <message>`, a JSON message pretty-printed over the
        // lines that follow (SAM's JSONMsgFormatter), or whole on this one.
        let ev = Event {
            timestamp: Some(ts),
            log_stream: Some(stream),
            ..ev
        };
        let json = &line[json_at..];
        match serde_json::from_str::<Value>(json) {
            Ok(_) => c.message(&ev, json),
            Err(e) if e.is_eof() => {
                *pending = Some(PendingJson::start_prefixed(
                    line_no, line, json_at, ts, stream,
                ));
            }
            Err(_) => c.message(&ev, line),
        }
    } else {
        let (ev, msg) = strip_event_prefix(c, ev, line);
        c.message(&ev, msg);
    }
}

/// Reads what `p`, a JSON value cut short before line `line_no` (see [`document_cut_before`]),
/// holds: a document's whole records and a skip at the cut (in a text log, a value that is
/// no document of records gives its lines back as log lines, as when the file ends in it).
/// When a document starts on the cut line itself (an interrupted write ended mid-line and the
/// next run's output went on from there), it is read from there: whole, or as the pending
/// value returned, which line `line_no` goes on.
fn cut_pending(
    c: &mut Collector<'_>,
    p: PendingJson,
    line_no: u64,
    mode: Mode,
    restart_on_cut_line: bool,
) -> Option<PendingJson> {
    let body = p.text.strip_suffix('\n').unwrap_or(&p.text);
    let last_at = body.len() - last_line_of(&p.text).len();
    // Where a document starts within the cut line: after the string left open there, the
    // first `{` from which whole JSON values run to the line's end, or one is cut by it. A
    // document cut outside a string is where its JSON breaks on a `{` (the next one written on
    // from the cut: tenth-round verification set, 30 of 183 such cuts lost the next document).
    let restart = if p.in_string {
        restart_on_cut_line
            .then(|| next_document_in(&body[last_at..]))
            .flatten()
            .map(|(k, whole)| (last_at + k, whole))
    } else {
        document_after_break(body)
    };
    // The line the cut is on: where the next document starts, or the value's last.
    let cut_at = match restart {
        Some((k, _)) => {
            p.start_line + memchr::memchr_iter(b'\n', &body.as_bytes()[..k]).count() as u64
        }
        None => p.start_line + p.lines.saturating_sub(1),
    };
    let before = &p.text[..restart.map_or(p.text.len(), |(k, _)| k)];
    match salvage_truncated(before) {
        Some((whole, cut_line)) => {
            parse_json_text(c, &whole, p.start_line, false);
            c.skip(
                cut_at,
                "truncated JSON document",
                Some(&format!(
                    "the document from line {} is cut short at this line, and another starts {}: its whole records up to line {} were read and the rest is lost; fetch or export it again",
                    p.start_line,
                    if restart.is_some() {
                        "on it".to_string()
                    } else {
                        format!("at line {line_no}")
                    },
                    p.start_line + cut_line
                )),
            );
        }
        // A value in a text log that is no AWS document (an application's JSON, broken) gives
        // its lines back as log lines (verification of d13a550: a log opening with one lost
        // them); a document's syntax is no log line.
        None if mode == Mode::Text && !holds_record_array(before) && restart.is_none() => {
            parse_json_text(c, before, p.start_line, true)
        }
        None => c.skip(
            p.start_line,
            "truncated JSON document",
            Some(&format!(
                "a JSON document starts here and is cut short at line {cut_at}: none of it was read"
            )),
        ),
    }
    let (k, whole) = restart?;
    let rest = &body[k..];
    if whole {
        parse_json_text(c, rest, cut_at, false);
        return None;
    }
    let rest = PendingJson::from_lines(cut_at, rest);
    // The next document, cut short in turn by the line that starts one after it (the line
    // the caller found cannot go on what was pending: `document_cut_before`).
    if !restart_on_cut_line {
        return cut_pending(c, rest, line_no, mode, false);
    }
    Some(rest)
}

/// Where the next document starts in `text`, a document of records that never closed (see
/// [`RECORD_ARRAYS`]): where its JSON first breaks, when a `{` or `[` stands there where none
/// can (after a value or where a key comes: the document was cut short outside a string and
/// the next one written on from the cut), and from it whole JSON objects or arrays run to the
/// end (`true`) or the last is cut by it (`false`). serde_json finds the break (its line and
/// column); a cut after a `:` or `[`, where a `{` can stand, is not told apart.
fn document_after_break(text: &str) -> Option<(usize, bool)> {
    let k = json_break_at(text)?;
    // The cut one is a document of records (an array of them, or an object naming them), or
    // the next one is (a subscription payload names its `logEvents` last: cut in its head).
    let (before, rest) = text.split_at(k);
    if !(holds_record_array(before) || array_of_records(before) || holds_record_array(rest))
        // A whole value followed by another (`[1] [2]`) is no cut one.
        || serde_json::from_str::<IgnoredAny>(before).is_ok()
    {
        return None;
    }
    documents_from(rest).map(|whole| (k, whole))
}

/// Where `text`'s JSON first breaks on a `{` or `[` standing where none can (after a value, or
/// where a key comes), by serde_json's line and column of the error.
fn json_break_at(text: &str) -> Option<usize> {
    let err = serde_json::from_str::<IgnoredAny>(text).err()?;
    if err.is_eof() || err.line() == 0 {
        return None;
    }
    let line_at = match err.line() {
        1 => 0,
        n => memchr::memchr_iter(b'\n', text.as_bytes()).nth(n - 2)? + 1,
    };
    // The column is the offending byte's, from 1 (or the byte read before it, by the error).
    let at = line_at + err.column().checked_sub(1)?;
    [at, at.saturating_sub(1)]
        .into_iter()
        .find(|&k| k > 0 && matches!(text.as_bytes().get(k), Some(b'{' | b'[')))
}

/// A line holding one JSON record (an X-Ray segment document, a CloudWatch event), cut short
/// outside a string with the next record written on from the cut: where the next starts, when
/// from there whole records run to the line's end. In an NDJSON file any JSON object counts;
/// elsewhere (a file of one such line reads as a text log) only an X-Ray or CloudWatch record,
/// so an application's broken JSON line stays a log line. Review of 2026-12-07: the record after
/// the cut was lost, and in a one-line file read as a log line without a word.
fn record_after_break(line: &str, any_object: bool) -> Option<usize> {
    let k = json_break_at(line)?;
    let (before, rest) = line.split_at(k);
    if serde_json::from_str::<IgnoredAny>(before).is_ok() {
        return None;
    }
    let values = serde_json::Deserializer::from_str(rest)
        .into_iter::<Value>()
        .collect::<Result<Vec<Value>, _>>()
        .ok()?;
    let first = values.first()?;
    let record = |v: &Value| match v {
        Value::Object(o) => any_object || xray::is_xray_value(v) || collect::is_event_object(o),
        _ => false,
    };
    (values.iter().all(Value::is_object) && record(first)).then_some(k)
}

/// Whether `text` starts an array of objects (a Telemetry batch), not a line of text that
/// starts with a bracket (`[INFO] ...`, on the text-line path every such line takes).
fn array_of_records(text: &str) -> bool {
    text.trim_start()
        .strip_prefix('[')
        .is_some_and(|r| r.trim_start().starts_with('{'))
}

/// Whether whole JSON values run from the start of `rest` to its end (`Some(true)`), or the
/// last is cut by the end, or the first, a document of records, is itself cut short where
/// another starts (`Some(false)`: a chain of cut documents on one line, each read in turn:
/// verification of 96f3996, the whole line was lost).
fn documents_from(rest: &str) -> Option<bool> {
    let mut values = serde_json::Deserializer::from_str(rest).into_iter::<IgnoredAny>();
    let mut any = false;
    loop {
        match values.next() {
            None => return any.then_some(true),
            Some(Ok(_)) => any = true,
            Some(Err(e)) if e.is_eof() => return Some(false),
            Some(Err(_)) if !any && holds_record_array(rest) => return Some(false),
            Some(Err(_)) => return None,
        }
    }
}

/// The last line of a pending value's text (which ends in a line break).
fn last_line_of(text: &str) -> &str {
    let body = text.strip_suffix('\n').unwrap_or(text);
    &body[body.rfind('\n').map_or(0, |i| i + 1)..]
}

/// Where in `line` (the line a string was left open on) a JSON document starts: the first `{`
/// after the line's start from which whole JSON objects run to its end (`true`) or the last
/// one is cut by it (`false`).
fn next_document_in(line: &str) -> Option<(usize, bool)> {
    // After the string the line leaves open: an odd number of quotes before it (a line that
    // opens none was fed while an earlier one was open, and holds no cut).
    let opened = |k: usize| PendingJson::start(0, &line[..k]).in_string;
    // A document's `{` opens an object: a key's quote, `}` or the line's end follows, not the
    // `\"` of JSON text inside a string (an X-Ray `Document`: review of 2026-12-07, a compact
    // BatchGetTraces page cut in a number, with the next written on, was taken to restart
    // inside a string and both were lost).
    let opens_object = |k: usize| {
        let after = line[k + 1..].trim_start();
        after.is_empty() || after.starts_with(['"', '}'])
    };
    line.match_indices('{')
        .map(|(k, _)| k)
        .filter(|&k| k > 0 && opens_object(k) && opened(k))
        .find_map(|k| {
            let mut values = serde_json::Deserializer::from_str(&line[k..]).into_iter::<Value>();
            let mut any = false;
            loop {
                match values.next() {
                    None => return Some((k, true)),
                    Some(Ok(v)) if v.is_object() => any = true,
                    Some(Err(e)) if e.is_eof() => return Some((k, false)),
                    // Itself cut where a third starts (see `documents_from`).
                    Some(Err(_)) if !any && holds_record_array(&line[k..]) => {
                        return Some((k, false))
                    }
                    Some(_) => return None,
                }
            }
        })
}

/// Whether `line` starts a new JSON document while `p`, an open document, was cut short before
/// it: the line opens an object or array at column 0 (a document's first line, or a compact
/// document), and what `p` holds cannot go on with one (a string left open at a line end,
/// which JSON does not allow, or a last line ending in a value, in `{`, or in `,` inside an
/// object, where a key comes next). A document pretty-printed with no indent has values at
/// column 0 too: after `[`, `:` or `,` in an array, so they are not taken for one.
fn document_cut_before(p: &PendingJson, line: &str) -> bool {
    if !(line.starts_with('{') || line.starts_with('[')) || p.depth <= 0 {
        return false;
    }
    if !p.text.trim_start().starts_with(['{', '[']) {
        return false;
    }
    if p.in_string {
        return true;
    }
    match p.text.trim_end().as_bytes().last() {
        Some(b'[' | b':') | None => false,
        Some(b',') => p.open.last() == Some(&b'{'),
        Some(_) => true,
    }
}

/// `line` without its SGR colour sequences (`ESC [ <digits and ;> m`); every other byte kept.
/// Written here: the one sequence terminals' colour writers emit, where a general ANSI parser
/// (as `output::sanitize` uses for display) would also drop what the line holds.
pub(crate) fn without_colours(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find('\x1b') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let sgr_len = after.strip_prefix('[').and_then(|body| {
            let params = body
                .bytes()
                .take_while(|b| b.is_ascii_digit() || *b == b';')
                .count();
            (body.as_bytes().get(params) == Some(&b'm')).then_some(1 + params + 1)
        });
        match sgr_len {
            Some(n) => rest = &after[n..],
            None => {
                out.push('\x1b');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A `sam logs` line whose message is a JSON object: `<log stream> <time> {…`. The time, the
/// stream and where the object starts.
fn sam_json_prefix(line: &str) -> Option<(i64, &str, usize)> {
    let (ts, stream, at) = sam_prefix(line)?;
    line[at..].starts_with('{').then_some((ts, stream, at))
}

/// A Lambda log stream's name: `2025/09/01/[$LATEST]88ab…` (or `…/fn[$LATEST]…`): the
/// instance's id after the version is hex (not `/srv/app 2025/09/01/[backup]nightly`: a line of
/// text, verification of 4d303d6).
fn lambda_stream(tok: &str) -> bool {
    let b = tok.as_bytes();
    b.len() > 11
        && b[0].is_ascii_digit()
        && b[4] == b'/'
        && b[7] == b'/'
        && tok
            .rsplit_once(']')
            .is_some_and(|(_, id)| !id.is_empty() && id.bytes().all(|c| c.is_ascii_hexdigit()))
}

/// Where a rendering's event prefix run into the end of `text` starts: `[<group>] <Lambda
/// stream> [<time> [<time>]] ` after a line whose break was lost and whose last character the
/// renderer had stripped (`awslogs get` strips the REPORT's trailing tab: `… Init Duration:
/// 200.00 ms/aws/lambda/fn 2025/09/04/[$LATEST]ab… 2025-09-04T10:00:02.000Z START …`; tenth-
/// round ingestion review: the REPORT's last field was lost in the prefix, and the START not
/// read). The group or stream is glued to the text before it.
fn glued_prefix_start(text: &str) -> Option<usize> {
    let body = text.trim_end_matches(' ');
    let token_start = |end: usize| body[..end].rfind(' ').map_or(0, |i| i + 1);
    let is_time = |t: &str| crate::timeparse::parse_timestamp_ms(t).is_some();
    // Where a REPORT's last unit, run into the token, ends in it.
    let after_unit = |start: usize, tok: &str| {
        ["ms", "MB", "true", "false"]
            .iter()
            .find(|u| tok.len() > u.len() && tok.starts_with(*u))
            .map(|u| start + u.len())
    };
    // Back over up to two times; one run into the unit (`ms2025-09-04T10:00:01.000Z`: a plain
    // timestamped log) starts the prefix.
    let (mut end, mut times) = (body.len(), 0);
    while times < 2 {
        let start = token_start(end);
        let tok = &body[start..end];
        if start > 0 && is_time(tok) {
            end = start - 1;
            times += 1;
            continue;
        }
        if let Some(u) = after_unit(start, tok).filter(|&u| is_time(&body[u..end])) {
            return Some(u);
        }
        break;
    }
    let start = token_start(end);
    let tok = &body[start..end];
    // The stream, alone or run into the unit (`ms2025/09/04/[$LATEST]ab…`), with the group
    // before it: run into the unit (`ms/aws/lambda/fn`, `msshared-logs`) or not.
    if let Some((at, _)) = tok
        .char_indices()
        .find(|&(i, c)| c.is_ascii_digit() && lambda_stream(&tok[i..]))
    {
        if at > 0 {
            return Some(start + at);
        }
        let Some(gend) = start.checked_sub(1) else {
            return Some(start);
        };
        let gstart = token_start(gend);
        let group = &body[gstart..gend];
        return Some(match group.find('/') {
            Some(i) => gstart + i,
            None => after_unit(gstart, group).unwrap_or(start),
        });
    }
    // `-S`: no stream, the group (`/…`) before the times.
    if times > 0 {
        return tok.find('/').map(|i| start + i);
    }
    None
}

/// A `sam logs` line, `<log stream> <time> <message>`, the stream a Lambda one
/// (`2025/09/01/[$LATEST]88ab…`): the time, the stream and where the message starts.
fn sam_prefix(line: &str) -> Option<(i64, &str, usize)> {
    let b = line.as_bytes();
    if b.len() < 30 || !b[0].is_ascii_digit() || b.get(4) != Some(&b'/') {
        return None;
    }
    let sp = line.find(' ')?;
    let stream = &line[..sp];
    if !(stream.len() > 11 && b[7] == b'/' && stream.contains('[')) {
        return None;
    }
    let rest = &line[sp + 1..];
    let sp2 = rest.find(' ')?;
    let ts = crate::timeparse::parse_timestamp_ms(&rest[..sp2])?;
    Some((ts, stream, sp + 1 + sp2 + 1))
}

/// A JSON message `sam logs` printed over several lines has closed: it is the message of the
/// event its prefix names. Text that is no JSON object after all is read as the lines it is.
fn prefixed_json_done(c: &mut Collector<'_>, p: PendingJson) {
    let Some(pre) = &p.prefixed else {
        return;
    };
    let json = &p.text[pre.json_at..];
    if let Ok(v @ Value::Object(_)) = serde_json::from_str::<Value>(json) {
        let ev = Event {
            line: p.start_line,
            timestamp: Some(pre.timestamp_ms),
            log_stream: Some(&pre.log_stream),
            ..Event::default()
        };
        // On one line again, as CloudWatch holds the message (keys in their order).
        let message = serde_json::to_string(&v).unwrap_or_else(|_| json.trim_end().to_string());
        c.message(&ev, &message);
    } else {
        parse_json_text(c, &p.text, p.start_line, true);
    }
}

/// Lines that carry the CloudWatch event's time in front of the message: S3 exports
/// (`<ISO ts> <message>`), `aws logs tail` (`<ISO ts> <log stream> <message>`) and `sam logs`
/// (`<log stream> <time> <message>`). Returns the
/// event with its time (and stream) and the message. A timestamp followed by a tab is part of the
/// message itself (Node.js runtime layout) and is left alone.
fn strip_event_prefix<'a>(
    c: &mut Collector<'_>,
    ev: Event<'a>,
    line: &'a str,
) -> (Event<'a>, &'a str) {
    // `sam logs`: `<log stream> <time> <message>` (tenth-round export review: an application
    // line kept the prefix, so its level, its error and its stream were lost).
    if let Some((ts, stream, at)) = sam_prefix(line) {
        let ev = Event {
            timestamp: Some(ts),
            log_stream: Some(stream),
            ..ev
        };
        return (ev, &line[at..]);
    }
    // `awslogs get`: `<log group> <log stream> [<time>] <message>`, or without the group
    // (`--no-group`, no `-t`): `<log stream> <message>` (README review: its application lines
    // kept the prefix, so their errors, levels and stream were lost).
    // Its other layouts (tenth-round ingestion review: their prefixes stayed in the message, a
    // JSON-format function's every invocation and a text one's errors were lost): a group of any
    // name before a Lambda stream (advanced logging controls' custom groups: `shared-app-logs`);
    // a stream padded to the longest shown (`ljust`: `[12]` beside `[$LATEST]`); `-t -i`, the
    // event's time then the ingestion time.
    let stream_at = |text: &'a str| {
        text.split_once(' ')
            .filter(|(s, _)| lambda_stream(s))
            .map(|(s, rest)| (s, rest.trim_start_matches(' ')))
    };
    // Up to two times (the event's, then with `-i` the ingestion time) before the message.
    let times = |text: &'a str| {
        let mut ts = None;
        let mut msg = text;
        for _ in 0..2 {
            let Some((t, rest)) = msg.split_once(' ') else {
                break;
            };
            match crate::timeparse::parse_timestamp_ms(t) {
                Some(t) => {
                    ts = ts.or(Some(t));
                    msg = rest;
                }
                None => break,
            }
        }
        (ts, msg)
    };
    // Layouts a line of an application's own could also have (`/aws/lambda/payments is
    // throttling`, `current 2025/09/01/[$LATEST]… (warm)`; verification of aeaeb12: such a line
    // renamed the file's function): their group only before a platform line (a JSON-format one
    // too), or once one named it in this file.
    let mut platform_after = |g: &str, msg: &str| {
        let msg = msg.trim_start();
        let platform = platform_line::may_be_lambdas(msg)
            || (msg.starts_with("{\"") && msg.contains("\"platform."));
        if platform {
            c.prefix_groups.insert(g.to_string());
        }
        platform || c.prefix_groups.contains(g)
    };
    let (group, after_group) = match line.split_once(' ') {
        Some((g, rest)) if g.starts_with('/') && g.len() > 1 && stream_at(rest).is_some() => {
            (Some(g), rest)
        }
        Some((g, rest))
            if !g.contains('\t')
                && !g.starts_with('/')
                && stream_at(rest).is_some_and(|(_, msg)| platform_after(g, times(msg).1))
                // (Not `aws logs tail`'s time before its stream.)
                && crate::timeparse::parse_timestamp_ms(g).is_none() =>
        {
            (Some(g), rest)
        }
        _ => (None, line),
    };
    if let Some((stream, rest)) = stream_at(after_group) {
        let (ts, msg) = times(rest);
        let ev = Event {
            timestamp: ts.or(ev.timestamp),
            log_group: group.or(ev.log_group),
            log_stream: Some(stream),
            ..ev
        };
        return (ev, msg);
    }
    // `-S` (no stream: `/group [<time>] <message>`) is not read: an application's own line can
    // have that shape, a log forwarder's `/aws/lambda/other <time> REPORT ...` too, and its
    // group would name every record of the file (verifications of ba04336 and 90847fb).
    let b = line.as_bytes();
    if b.len() < 20 || !b[0].is_ascii_digit() || b[4] != b'-' {
        return (ev, line);
    }
    let Some(sp) = line.find(' ') else {
        return (ev, line);
    };
    if line[..sp].contains('\t') {
        return (ev, line);
    }
    let (ts, mut rest) = if sp == 10 {
        // A bare date is no event time (it would read as midnight): it is the first half of
        // `2025-09-01 13:45:06.123` (the Logs Insights console's and Python logging's layout),
        // whose time ends at a space or a tab.
        let after = &line[sp + 1..];
        let end = after.find([' ', '\t']).unwrap_or(after.len());
        if !after[..end].contains(':') {
            return (ev, line);
        }
        let rest = after.get(end + 1..).unwrap_or("");
        // A zone as a word of its own (`13:45:15,123 +02:00 INFO ...`) is part of the time.
        let zone_end = rest.find([' ', '\t']).unwrap_or(rest.len());
        let zone = &rest[..zone_end];
        // Or in brackets, as `sls logs` writes its local time (`17:01:40.003 (+02:00)`; tenth-
        // round ingestion review: read as UTC, two hours off).
        let zone = zone
            .strip_prefix('(')
            .and_then(|z| z.strip_suffix(')'))
            .filter(|z| crate::timeparse::is_zone(z))
            .unwrap_or(zone);
        let Some(ts) = crate::timeparse::date_time_ms(&line[..sp], &after[..end], Some(zone))
        else {
            return (ev, line);
        };
        let rest = if crate::timeparse::is_zone(zone) {
            rest.get(zone_end + 1..).unwrap_or("")
        } else {
            rest
        };
        (ts, rest)
    } else {
        let Some(ts) = crate::timeparse::parse_timestamp_ms(&line[..sp]) else {
            return (ev, line);
        };
        (ts, &line[sp + 1..])
    };
    let mut stream = ev.log_stream;
    if let Some(sp2) = rest.find(' ') {
        let tok = &rest[..sp2];
        // `2025/09/02/[$LATEST]9f3c…` or `2025/09/02/fn[$LATEST]…`
        if tok.len() > 11 && tok.as_bytes()[4] == b'/' && tok.contains('[') {
            stream = Some(tok);
            rest = &rest[sp2 + 1..];
        }
    }
    (
        Event {
            timestamp: Some(ts),
            log_stream: stream,
            ..ev
        },
        rest,
    )
}

/// Telemetry or Logs API events as an extension prints a batch it received, behind a label:
/// `⚡️ TELEMETRY: [{"time": ..., "type": "platform.start", "record": {...}}, ...]`, or
/// `BATCH RECEIVED: [{'time': ...}]` (a Python repr). Only a batch of objects holding such events
/// (or one event) is taken; any other JSON behind a label stays an application's log line.
fn labelled_telemetry(line: &str) -> Option<Value> {
    if !line.ends_with(']') && !line.ends_with('}') {
        return None;
    }
    // The label: a few words and a colon before the value.
    let head = &line.as_bytes()[..line.len().min(64)];
    let at = memchr::memmem::find(head, b": [").or_else(|| memchr::memmem::find(head, b": {"))?;
    let body = line[at + 1..].trim_start();
    if line[..at].contains(['{', '[', '"']) {
        return None;
    }
    let v = serde_json::from_str::<Value>(body)
        .ok()
        .or_else(|| pyrepr::parse(body))?;
    let is_event = |e: &Value| {
        e.get("type")
            .and_then(Value::as_str)
            .is_some_and(|t| t.starts_with("platform.") || t == "function" || t == "extension")
            && e.get("record").is_some()
    };
    let batch = match &v {
        // Application records a batch may hold beside the events are read as such.
        Value::Array(items) => items.iter().any(is_event) && items.iter().all(Value::is_object),
        one => is_event(one),
    };
    batch.then_some(v)
}

fn matters_scanner() -> &'static aho_corasick::AhoCorasick {
    static AC: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    AC.get_or_init(|| {
        // Leftmost-first semantics let the crate use its SIMD (Teddy) searcher; which word
        // matches does not matter here, only whether one does.
        aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostFirst)
            .build(Collector::MATTERS)
            .unwrap_or_else(|e| panic!("fixed patterns always build: {e}"))
    })
}

/// Skip reason for a JSON value nested deeper than serde_json's limit (128 arrays/objects).
const TOO_DEEP: &str = "JSON nested too deeply";
const TOO_DEEP_DETAIL: &str =
    "more than 128 levels of arrays and objects (for X-Ray, more than 63 nested subsegments); \
     faascope does not read values this deep";

/// A parse error of one line parsed alone, as `reason (column C)`: serde_json's own position
/// says `at line 1`, whatever line of the file it was.
fn line_json_error(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let what = text
        .rsplit_once(" at line ")
        .map_or(text.as_str(), |(w, _)| w);
    format!("{what} (column {})", e.column())
}

/// serde_json's recursion limit: its error has no category of its own, only this message. Past
/// 128 levels the error stands beyond column 128 or on a later line, so the common malformed
/// line (an application's `{not json`) is told apart without formatting the message.
fn is_too_deep(e: &serde_json::Error) -> bool {
    (e.line() > 1 || e.column() > 128) && e.to_string().starts_with("recursion limit exceeded")
}

/// A line starting with `{`/`[` that is not complete JSON. Returns true when it was dealt
/// with (counted as malformed, or the start of a multi-line value); false to read it as text.
fn handle_bad_json(
    c: &mut Collector<'_>,
    e: serde_json::Error,
    trimmed: &str,
    line_no: u64,
    mode: Mode,
    pending: &mut Option<PendingJson>,
) -> bool {
    let ev = Event {
        line: line_no,
        ..Event::default()
    };
    if is_too_deep(&e) {
        c.skip(line_no, TOO_DEEP, Some(TOO_DEEP_DETAIL));
        return true;
    }
    if let Some(values) = concatenated_json(trimmed) {
        for v in &values {
            c.json_value(&ev, v, 0);
        }
        return true;
    }
    // A one-line document cut short inside a string with the next one on the same line (an
    // interrupted `> pages.json` of compact output, then `>>`): the cut one's whole records,
    // one skip, then the next (verification of 0df4ecc: both were lost, `report` said nothing).
    // Cut outside a string, where the JSON breaks on the next one's `{`: the same.
    if !e.is_eof()
        && (array_of_records(trimmed) || (trimmed.starts_with('{') && holds_record_array(trimmed)))
    {
        // The earlier of the two (a chain of cut documents on one line: each in turn).
        let found = [next_document_in(trimmed), document_after_break(trimmed)]
            .into_iter()
            .flatten()
            .min_by_key(|(k, _)| *k);
        if let Some((k, whole)) = found {
            match salvage_truncated(&trimmed[..k]) {
                Some((w, _)) => {
                    parse_json_text(c, &w, line_no, false);
                    c.skip(
                        line_no,
                        "truncated JSON document",
                        Some("the document this line starts with is cut short where another starts on it: its whole records were read and the rest is lost; fetch or export it again"),
                    );
                }
                None => c.skip(
                    line_no,
                    "truncated JSON document",
                    Some("the document this line starts with is cut short where another starts on it: none of it was read"),
                ),
            }
            let rest = &trimmed[k..];
            if whole {
                parse_json_text(c, rest, line_no, false);
            } else {
                *pending = Some(PendingJson::start(line_no, rest));
            }
            return true;
        }
    }
    if !e.is_eof() && trimmed.starts_with('{') {
        if let Some(k) = record_after_break(trimmed, mode == Mode::Ndjson) {
            c.skip(
                line_no,
                "JSON line cut short",
                Some("the record this line starts with is cut short where another starts on it: none of it was read; the records after the cut were read"),
            );
            parse_json_text(c, &trimmed[k..], line_no, false);
            return true;
        }
    }
    if !e.is_eof() && trimmed.starts_with('{') {
        if let Some((v, rest)) = leading_object(trimmed) {
            let rest = rest.trim();
            // An element copied out of a JSON array (`{...},`): the object is the line's
            // (review of 2026-12-07: X-Ray segments copied so were application text, lost
            // without a word, their traces summarised from what was left).
            if rest == "," {
                let raw = trimmed[..trimmed.len() - 1].trim_end();
                c.json_line(&ev, &v, raw);
                return true;
            }
            if xray::is_xray_value(&v) || metrics::is_metrics_value(&v) {
                // The X-Ray daemon's datagram as its documentation prints it, the header and
                // the segment on one line with a `\n` between them.
                if let Some(doc) = rest
                    .strip_prefix("\\n")
                    .filter(|_| v.get("format").is_some() && v.get("version").is_some())
                {
                    if let Ok(seg) = serde_json::from_str::<Value>(doc.trim()) {
                        c.json_value(&ev, &seg, 0);
                        return true;
                    }
                }
                // Another X-Ray or metrics document with text after it: no application line.
                c.skip(
                    line_no,
                    "malformed JSON line",
                    Some(&format!(
                        "{} followed by other characters: {}",
                        if xray::is_xray_value(&v) {
                            "an X-Ray document"
                        } else {
                            "a CloudWatch metrics document"
                        },
                        excerpt(rest)
                    )),
                );
                return true;
            }
        }
    }
    if mode == Mode::Ndjson {
        // A one-line page (`aws logs filter-log-events --output json | jq -c`, appended per
        // page) cut short: its whole records are read, as a pretty-printed one's are.
        if let Some((whole, _)) = e.is_eof().then(|| salvage_truncated(trimmed)).flatten() {
            parse_json_text(c, &whole, line_no, false);
            c.skip(
                line_no,
                "JSON line cut short",
                Some("its whole records were read and the rest is lost; fetch or export the file again"),
            );
            return true;
        }
        c.skip(line_no, "malformed JSON line", Some(&line_json_error(&e)));
        return true;
    }
    if e.is_eof() {
        *pending = Some(PendingJson::start(line_no, trimmed));
        return true;
    }
    if mode == Mode::Json {
        c.skip(line_no, "malformed JSON", Some(&line_json_error(&e)));
        return true;
    }
    if let Some(v) = pyrepr::parse(trimmed) {
        c.json_value(&ev, &v, 0);
        return true;
    }
    false
}

/// The JSON object `text` starts with, whole, and what follows it.
fn leading_object(text: &str) -> Option<(Value, &str)> {
    let mut values = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    let v = values.next()?.ok().filter(Value::is_object)?;
    Some((v, &text[values.byte_offset()..]))
}

/// JSON objects written back to back with nothing or only white space between them
/// (`{...}{...}`, as Firehose delivers subscription records to S3): each of them, when there are
/// two or more and all are whole objects.
pub(crate) fn concatenated_json(text: &str) -> Option<Vec<Value>> {
    let read = |text: &str| {
        serde_json::Deserializer::from_str(text)
            .into_iter::<Value>()
            .collect::<Result<Vec<Value>, _>>()
            .ok()
    };
    // A byte-order mark where a later document starts on the line the one before ends (`cat`
    // of files Python wrote with `utf-8-sig` and no final newline: `}\u{feff}{`): no part of
    // either (ninth-round ingestion review: the whole file was one "trailing characters" skip).
    // Removed everywhere: in a string it is no text either (events' messages drop it too).
    let values = match read(text) {
        Some(v) => v,
        None if text.contains('\u{feff}') => read(&text.replace('\u{feff}', ""))?,
        None => return None,
    };
    (values.len() > 1 && values.iter().all(Value::is_object)).then_some(values)
}

/// A complete multi-line JSON text.
/// A line of a JavaScript object literal as Node's `util.inspect` prints it: an unquoted key
/// (`Records: [`, `messageId: '059f…'`), not JSON's `"key":`.
fn unquoted_key(line: &str) -> bool {
    let t = line.trim_start();
    let key_end = t
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '$'))
        .unwrap_or(t.len());
    key_end > 0 && !t.as_bytes()[0].is_ascii_digit() && t[key_end..].starts_with(':')
}

/// `lines_if_not_json`: text that is no JSON (nor a Python repr) is read as log lines rather
/// than skipped (brackets in a text log: an application's own layout).
fn parse_json_text(c: &mut Collector<'_>, text: &str, start_line: u64, lines_if_not_json: bool) {
    // A value printed over several lines after a timed log line (text logs) is that event's:
    // its time, as its lines would take it were they no JSON.
    let ev = Event {
        line: start_line,
        timestamp: lines_if_not_json.then(|| c.continued_time()).flatten(),
        ..Event::default()
    };
    // The lines of a value as log lines (see `lines_if_not_json`).
    let as_lines = |c: &mut Collector<'_>| {
        for (i, l) in text.lines().enumerate() {
            let ev = Event {
                line: start_line + i as u64,
                ..Event::default()
            };
            let (ev, msg) = strip_event_prefix(c, ev, l);
            c.message(&ev, msg);
        }
    };
    match serde_json::from_str::<Value>(text) {
        // An array of no objects printed after a log line (`json.dumps(ids, indent=2)`) holds
        // no record: its lines are the event's (each element was a "malformed" skip).
        Ok(Value::Array(items)) if lines_if_not_json && !items.iter().any(Value::is_object) => {
            as_lines(c)
        }
        Ok(v) => read_document(c, &ev, text, &v, start_line),
        Err(_) if let Some(values) = concatenated_json(text) => {
            for v in &values {
                c.json_value(&ev, v, 0);
            }
        }
        Err(e) if is_too_deep(&e) => c.skip(start_line, TOO_DEEP, Some(TOO_DEEP_DETAIL)),
        Err(e) => match pyrepr::parse(text) {
            Some(v) => c.json_value(&ev, &v, 0),
            None if lines_if_not_json => as_lines(c),
            // The line is the file's; serde's own position would be within the value.
            None => {
                let line = start_line + e.line().saturating_sub(1) as u64;
                // The whole records before the fault are read, as those of a document cut
                // short there (robust2 review: one stray byte in event 51 of 100 lost them
                // all, where the same document cut at that event kept 50).
                let salvaged = salvage_truncated(&text[..json_error_offset(text, &e)]).and_then(
                    |(whole, cut)| {
                        serde_json::from_str::<Value>(&whole)
                            .ok()
                            .map(|v| (whole, v, cut))
                    },
                );
                match salvaged {
                    Some((whole, v, cut)) => {
                        read_document(c, &ev, &whole, &v, start_line);
                        c.skip(
                            line,
                            "malformed JSON",
                            Some(&format!(
                                "{}: the document's whole records up to line {} were read and the rest of it is lost; fix the file, or fetch or export it again",
                                line_json_error(&e),
                                start_line + cut
                            )),
                        );
                    }
                    None => c.skip(line, "malformed JSON", Some(&line_json_error(&e))),
                }
            }
        },
    }
}

/// One parsed JSON document of `text` (from `start_line`): its records, each at its own line.
fn read_document(c: &mut Collector<'_>, ev: &Event<'_>, text: &str, v: &Value, start_line: u64) {
    let before = (
        c.skips.examples.len(),
        c.tables.spans.len(),
        c.skips.partial_traces.len(),
        c.skips.unprocessed_traces.len(),
    );
    c.doc_lines = Some(doc_lines::doc_lines(text, start_line));
    c.json_value(ev, v, 0);
    c.doc_lines = None;
    locate_xray(c, text, start_line, before);
}

/// The byte offset in `text` of where serde_json's error `e` points (its line and column, from
/// 1), on a character boundary.
fn json_error_offset(text: &str, e: &serde_json::Error) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(e.line().saturating_sub(1))
        .map(str::len)
        .sum();
    let mut at = (line_start + e.column().saturating_sub(1)).min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// X-Ray records of a multi-line JSON text (a pretty-printed BatchGetTraces or segment file)
/// are moved from the text's first line to their own: each span (from `spans_before` on) to the
/// line of its `id`, and each skip (examples from `before` on) still at the first line to the
/// line of the id it names (`id=…`, `Id=…`), or else of the first trace id it names. serde's
/// values keep no positions; [`xray_id_lines`] finds the ids as keyed values in the text, so a
/// `parent_id` naming a segment is not taken for the segment.
fn locate_xray(
    c: &mut Collector<'_>,
    text: &str,
    start_line: u64,
    (before, spans_before, partial_before, unprocessed_before): (usize, usize, usize, usize),
) {
    let at_start = format!("{}:{start_line}", c.file);
    let new_spans = c.tables.spans.len() > spans_before;
    let new_skips = c.skips.examples.len() > before;
    let partial_at_start = c.skips.partial_traces.len() > partial_before
        || c.skips.unprocessed_traces.len() > unprocessed_before;
    if !(new_spans || new_skips || partial_at_start) || !text.contains('\n') {
        return;
    }
    // An unprocessed id is an `UnprocessedTraceIds` element, not keyed: its first appearance.
    let head = format!("{at_start} (");
    for p in c
        .skips
        .unprocessed_traces
        .iter_mut()
        .skip(unprocessed_before)
    {
        let Some(id) = p.strip_prefix(&head).and_then(|r| r.strip_suffix(')')) else {
            continue;
        };
        let quoted = format!("\"{id}\"");
        if let Some(pos) = memchr::memmem::find(text.as_bytes(), quoted.as_bytes()) {
            let line =
                start_line + memchr::memchr_iter(b'\n', &text.as_bytes()[..pos]).count() as u64;
            *p = format!("{}:{line} ({id})", c.file);
        }
    }
    let lines = xray_id_lines(text, start_line);
    if lines.is_empty() {
        return;
    }
    // A span read twice in the document (in progress, then completed) takes the line of its
    // own copy: the k-th span of an id the k-th place of that id (eighth-round traces review:
    // the completed copy pointed at the in-progress one). A trace summary row has no span id:
    // the line of its trace's Id.
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for span in &mut c.tables.spans[spans_before..] {
        let key = if span.span_id.is_empty() {
            span.trace_id.as_str()
        } else {
            span.span_id.as_str()
        };
        let Some((id, places)) = lines.get_key_value(key) else {
            continue;
        };
        let k = seen.entry(id).or_insert(0);
        if let Some(&line) = places.get(*k).or(places.last()) {
            span.source.line = line;
        }
        *k += 1;
    }
    let file = c.file.clone();
    // Skips and notes: the first place of an id.
    let first = |id: &str| lines.get(id).and_then(|v| v.first().copied());
    for ex in c.skips.examples.iter_mut().skip(before) {
        // A skip naming a (sub)segment goes to the line of its id, wherever the document's
        // element it is in starts (seventh-round known limit: a subsegment's skip in a
        // pretty-printed array of segments pointed at its segment's line).
        if let Some(line) = named_span_id(&ex.reason).and_then(first) {
            ex.source = format!("{file}:{line}");
            continue;
        }
        if ex.source != at_start {
            continue;
        }
        let line = named_trace_id(&ex.reason)
            .and_then(first)
            .or_else(|| {
                // A trace id not keyed as an id (an `UnprocessedTraceIds` element): its
                // first appearance.
                let t = named_trace_id(&ex.reason)?;
                let pos = memchr::memmem::find(text.as_bytes(), t.as_bytes())?;
                Some(
                    start_line + memchr::memchr_iter(b'\n', &text.as_bytes()[..pos]).count() as u64,
                )
            })
            // An `Id=…` that is no trace id (a summary row's malformed one: ninth-round
            // traces review, at the file's first line).
            .or_else(|| {
                let at = ex.reason.find("Id=")? + 3;
                let id = ex.reason[at..].split_whitespace().next()?;
                first(id.trim_end_matches([',', ';', ')']))
            });
        if let Some(line) = line {
            ex.source = format!("{file}:{line}");
        }
    }
    // A partial trace (`file:line (trace id)`) at the line of its trace's `Id`, not the
    // document's first line (seventh-round known limit).
    for p in c.skips.partial_traces.iter_mut().skip(partial_before) {
        let Some(id) = p.strip_prefix(&head).and_then(|r| r.strip_suffix(')')) else {
            continue;
        };
        if let Some(line) = first(id) {
            *p = format!("{file}:{line} ({id})");
        }
    }
}

/// The line (in the file; the text starts at `start_line`) of each value keyed `id` or `Id` in
/// `text`, plain (`"id": "…"`) or inside an escaped JSON string (`\"id\":\"…\"`, the
/// `Document` of a BatchGetTraces segment); every line a value is at, in order. Written by hand:
/// one byte scan, where a second JSON parser keeping positions would read the text again.
fn xray_id_lines(text: &str, start_line: u64) -> HashMap<&str, Vec<u64>> {
    let b = text.as_bytes();
    let mut starts: Vec<usize> = memchr::memmem::find_iter(b, b"id")
        .chain(memchr::memmem::find_iter(b, b"Id"))
        .collect();
    starts.sort_unstable();
    let mut out = HashMap::new();
    let (mut line, mut counted_to) = (start_line, 0);
    for p in starts {
        // The key's opening quote, plain or escaped, and the same quote after it.
        if p == 0 || b[p - 1] != b'"' {
            continue;
        }
        let escaped = p >= 2 && b[p - 2] == b'\\';
        let mut i = p + 2;
        let quote: &[u8] = if escaped { b"\\\"" } else { b"\"" };
        if !b[i..].starts_with(quote) {
            continue;
        }
        i += quote.len();
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if b.get(i) != Some(&b':') {
            continue;
        }
        i += 1;
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if !b[i..].starts_with(quote) {
            continue;
        }
        i += quote.len();
        let len = b[i..]
            .iter()
            .take(65)
            .take_while(|&&c| c != b'"' && c != b'\\')
            .count();
        if len == 0 || len > 64 {
            continue;
        }
        line += memchr::memchr_iter(b'\n', &b[counted_to..p]).count() as u64;
        counted_to = p;
        // Inside one JSON text: these bytes are ASCII up to a quote, so a char boundary.
        if let Some(value) = text.get(i..i + len) {
            out.entry(value).or_insert_with(Vec::new).push(line);
        }
    }
    out
}

/// The first X-Ray trace id (`1-` 8 hex digits `-` 24 hex digits) in a skip's text.
fn named_trace_id(reason: &str) -> Option<&str> {
    reason.match_indices("1-").find_map(|(i, _)| {
        let t = reason.get(i..i + 35)?;
        let boundary = i == 0 || !reason.as_bytes()[i - 1].is_ascii_alphanumeric();
        (boundary
            && xray::is_xray_trace_id(t)
            && reason[i + 35..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_ascii_hexdigit()))
        .then_some(t)
    })
}

/// The first 16-hex-digit id after `id=` or `Id=` in a skip's text.
fn named_span_id(reason: &str) -> Option<&str> {
    reason
        .match_indices("d=")
        .filter(|(i, _)| matches!(reason.as_bytes().get(i.wrapping_sub(1)), Some(b'i' | b'I')))
        .map(|(i, _)| &reason[i + 2..])
        .find_map(|rest| {
            let id = rest.get(..16)?;
            let end_ok = rest[16..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_ascii_hexdigit());
            (id.bytes().all(|b| b.is_ascii_hexdigit()) && end_ok).then_some(id)
        })
}

impl PendingJson {
    fn start(line: u64, first: &str) -> Self {
        let mut p = PendingJson {
            start_line: line,
            text: String::new(),
            depth: 0,
            in_string: false,
            escaped: false,
            lines: 0,
            open: Vec::new(),
            prefixed: None,
        };
        p.feed(first);
        p
    }

    /// A value opened after a `sam logs` prefix: `first` is the whole line, its value from
    /// `json_at` on (the prefix's brackets, `[$LATEST]`, are not the value's).
    /// A value whose text (maybe several lines) starts at `line`.
    fn from_lines(line: u64, text: &str) -> Self {
        let mut lines = text.split('\n');
        let mut p = PendingJson::start(line, lines.next().unwrap_or_default());
        lines.for_each(|l| p.feed(l));
        p
    }

    fn start_prefixed(
        line: u64,
        first: &str,
        json_at: usize,
        timestamp_ms: i64,
        stream: &str,
    ) -> Self {
        let mut p = PendingJson::start(line, "");
        p.text.clear();
        p.text.push_str(first);
        p.text.push('\n');
        p.track(&first[json_at..]);
        p.prefixed = Some(PrefixedJson {
            timestamp_ms,
            log_stream: stream.to_string(),
            json_at,
        });
        p
    }

    /// Appends a line and tracks bracket depth outside strings.
    fn feed(&mut self, line: &str) {
        self.lines += 1;
        self.text.push_str(line);
        self.text.push('\n');
        self.track(line);
    }

    fn track(&mut self, line: &str) {
        for b in line.bytes() {
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                } else if b == b'\\' {
                    self.escaped = true;
                } else if b == b'"' {
                    self.in_string = false;
                }
                continue;
            }
            match b {
                b'"' => self.in_string = true,
                b'{' | b'[' => {
                    self.depth += 1;
                    self.open.push(b);
                }
                b'}' | b']' => {
                    self.depth -= 1;
                    self.open.pop();
                }
                _ => {}
            }
        }
    }
}

/// Keys whose array holds a document's records, where a cut document's whole elements can be
/// read: CloudWatch Logs events (`filter-log-events`, `get-log-events`, a subscription's
/// `logEvents`), X-Ray `Traces` and `TraceSummaries`, Logs Insights `results`, metric
/// `MetricDataResults` and `Datapoints`, `Records` of a delivery stream.
const RECORD_ARRAYS: &[&str] = &[
    "events",
    "logEvents",
    "Traces",
    "TraceSummaries",
    "results",
    "MetricDataResults",
    "Datapoints",
    "Records",
    "records",
];

/// Whether `text` (a JSON value, maybe cut) has a key of [`RECORD_ARRAYS`]: an AWS document.
fn holds_record_array(text: &str) -> bool {
    RECORD_ARRAYS.iter().any(|k| {
        text.match_indices(&format!("\"{k}\""))
            .any(|(at, m)| text[at + m.len()..].trim_start().starts_with(':'))
    })
}

/// The whole part of a JSON document cut short: its text up to the end of the last whole
/// record, with the arrays and objects open there closed, and the line of that end (from 0,
/// within `text`); `None` when no record is whole. Records are the elements of the document
/// when it is an array, or of its member array named in [`RECORD_ARRAYS`] (`{"events": [...]}`);
/// any other document cut short is no record (a segment cut among its subsegments, an event
/// among its spans would read as whole). Written here because serde_json reads whole
/// documents only.
fn salvage_truncated(text: &str) -> Option<(String, u64)> {
    // The containers open after each byte of `bytes` (bracket and where it opened), outside
    // strings; `at_end` is called after each closing bracket with the containers still open.
    fn scan(bytes: &[u8], mut at_end: impl FnMut(usize, &[(u8, usize)])) -> Vec<(u8, usize)> {
        let (mut in_string, mut escaped) = (false, false);
        let mut open = Vec::new();
        for (i, &b) in bytes.iter().enumerate() {
            if in_string {
                if escaped {
                    escaped = false;
                } else if b == b'\\' {
                    escaped = true;
                } else if b == b'"' {
                    in_string = false;
                }
                continue;
            }
            match b {
                b'"' => in_string = true,
                b'{' | b'[' => open.push((b, i)),
                b'}' | b']' => {
                    open.pop();
                    at_end(i, &open);
                }
                _ => {}
            }
        }
        open
    }
    let bytes = text.as_bytes();
    let at_cut = scan(bytes, |_, _| {});
    // Cut after its records' array closed (in `searchedLogStreams`, `nextToken`, `statistics`,
    // or only its last `}` missing: verification of d13a550, every whole record was lost):
    // the document up to its last member that closed, closed.
    let after_records = || {
        let top = *at_cut.first().filter(|(b, _)| *b == b'{')?;
        let mut cut = None;
        scan(bytes, |i, open| {
            if open == [top] {
                cut = Some(i + 1);
            }
        });
        let cut = cut.filter(|&c| holds_record_array(&text[..c]))?;
        let line = memchr::memchr_iter(b'\n', &bytes[..cut]).count() as u64;
        Some((format!("{}}}", &text[..cut]), line))
    };
    // The records' array: the document itself, or its member named as one.
    let key_at = |at: usize| -> Option<&str> {
        let before = text[..at].trim_end().strip_suffix(':')?.trim_end();
        let key = before.strip_suffix('"')?;
        Some(&key[key.rfind('"')? + 1..])
    };
    let records = match at_cut.as_slice() {
        [(b'[', _), ..] => 0,
        [(b'{', _), (b'[', at), ..] if key_at(*at).is_some_and(|k| RECORD_ARRAYS.contains(&k)) => 1,
        _ => return after_records(),
    };
    let mut cut = None;
    scan(bytes, |i, open| {
        // A direct element of that array just closed (the same containers around it).
        if open.len() == records + 1 && open[..] == at_cut[..=records] {
            cut = Some(i + 1);
        }
    });
    let cut = cut?;
    let open = &at_cut[..=records];
    let mut whole = String::with_capacity(cut + open.len());
    whole.push_str(&text[..cut]);
    whole.extend(
        open.iter()
            .rev()
            .map(|&(b, _)| if b == b'{' { '}' } else { ']' }),
    );
    let line = memchr::memchr_iter(b'\n', &bytes[..cut]).count() as u64;
    Some((whole, line))
}

fn excerpt(s: &str) -> String {
    let mut e: String = s.chars().take(60).collect();
    if e.len() < s.len() {
        e.push('…');
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ingest_one(text: &str, opts: &IngestOptions) -> Ingested {
        let input = MemoryInput {
            name: "/aws/lambda/orders-api".into(),
            bytes: text.as_bytes().to_vec(),
        };
        ingest_inputs(&[], vec![input], opts, None).unwrap()
    }

    /// Third-round cross-command review: a `filter-log-events` document cut short (an
    /// interrupted download) lost every event, counted as one skip. Its whole events are read;
    /// the cut is the one skip, at the last line, saying where the whole records end.
    #[test]
    fn a_document_cut_short_keeps_its_whole_records() {
        let event = |i: u64| {
            let msg = format!("REPORT RequestId: r{i}\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\t\n");
            format!(
                "    {{\n      \"logStreamName\": \"s\",\n      \"timestamp\": {},\n      \"message\": {},\n      \"eventId\": \"e{i}\"\n    }}",
                1_756_684_800_000 + i * 1000,
                serde_json::to_string(&msg).unwrap()
            )
        };
        let events: Vec<String> = (0..5).map(event).collect();
        let full = format!(
            "{{\n  \"events\": [\n{}\n  ],\n  \"searchedLogStreams\": []\n}}\n",
            events.join(",\n")
        );
        assert_eq!(
            ingest_one(&full, &IngestOptions::default())
                .tables
                .invocations
                .len(),
            5
        );
        // Cut inside the fourth event's message (a `]`-free, `}`-free point).
        let at = full.find("RequestId: r3").unwrap();
        let cut = &full[..at];
        let ing = ingest_one(cut, &IngestOptions::default());
        assert_eq!(ing.tables.invocations.len(), 3, "{:?}", ing.skips);
        assert_eq!(ing.skips.total, 1, "{:?}", ing.skips);
        let ex = &ing.skips.examples[0];
        let last_line = cut.lines().count();
        assert_eq!(ex.source, format!("/aws/lambda/orders-api:{last_line}"));
        // The third event closes on line 2 + 3 × 6 = 20.
        let why = &ex.reason;
        assert!(why.contains("truncated JSON at end of file"), "{why}");
        assert!(
            why.contains(
                "the document from line 1 is cut short: its whole records up to line 20 were read"
            ),
            "{why}"
        );
        // Pages on one line each (NDJSON), the last cut short: its whole events are read too.
        let one_line: String = full.split_whitespace().collect::<Vec<_>>().join(" ");
        let other = one_line.replace("RequestId: r", "RequestId: s");
        let pages = format!(
            "{one_line}\n{}",
            &other[..other.find("RequestId: s3").unwrap()]
        );
        let ing = ingest_one(&pages, &IngestOptions::default());
        assert_eq!(ing.tables.invocations.len(), 8, "{:?}", ing.skips);
        assert_eq!(ing.skips.total, 1, "{:?}", ing.skips);
        assert!(ing.skips.examples[0]
            .reason
            .starts_with("JSON line cut short"));
        assert_eq!(ing.skips.examples[0].source, "/aws/lambda/orders-api:2");
        // Cut before any whole element: the document is the one skip, at its start.
        let ing = ingest_one(&full[..full.find("r0").unwrap()], &IngestOptions::default());
        assert_eq!(ing.tables.invocations.len(), 0);
        assert_eq!(ing.skips.total, 1);
        assert_eq!(ing.skips.examples[0].source, "/aws/lambda/orders-api:1");
        // The salvage itself: strings holding brackets and escaped quotes are data.
        let (whole, line) =
            salvage_truncated("{\"events\": [{\"m\": \"x]}\\\"{\"},\n {\"m\": \"y\"}, {\"m\": \"z")
                .unwrap();
        assert_eq!(
            whole,
            "{\"events\": [{\"m\": \"x]}\\\"{\"},\n {\"m\": \"y\"}]}"
        );
        assert_eq!(line, 1);
        assert!(serde_json::from_str::<Value>(&whole).is_ok());
        assert_eq!(salvage_truncated("{\"events\": [1, 2"), None);
        // Review of the fix: only whole elements of the outermost open array are records. A
        // trace cut among its segments is no whole trace; a row cut among its cells no row.
        let trace = "{\"Traces\": [{\"Id\": \"1\", \"Segments\": [{\"Id\": \"a\"}, {\"Id\": \"b";
        assert_eq!(salvage_truncated(trace), None);
        let two = "{\"Traces\": [{\"Id\": \"1\", \"Segments\": [{\"Id\": \"a\"}]}, {\"Id\": \"2\", \"Segments\": [{\"Id\": \"b\"}";
        let (whole, _) = salvage_truncated(two).unwrap();
        assert_eq!(
            whole,
            "{\"Traces\": [{\"Id\": \"1\", \"Segments\": [{\"Id\": \"a\"}]}]}"
        );
        // A segment cut among its subsegments, an event among its spans: no record is whole.
        let segment = "{\"id\": \"a\", \"subsegments\": [{\"id\": \"b\"}, {\"id\": \"c";
        assert_eq!(salvage_truncated(segment), None);
        let event = "{\"type\": \"platform.report\", \"record\": {\"spans\": [{\"n\": 1}, {\"n";
        assert_eq!(salvage_truncated(event), None);
        let rows = "{\"results\": [[{\"field\": \"a\"}], [{\"field\": \"b\"}, {\"field\": \"c";
        let (whole, _) = salvage_truncated(rows).unwrap();
        assert_eq!(whole, "{\"results\": [[{\"field\": \"a\"}]]}");
    }

    /// `2025-09-01 13:45:06.123 <message>` (Logs Insights console, Python logging): the date
    /// and the time together are the event's time, whether a space or a tab follows; a bare
    /// date is no time at all (it read as midnight, and the time stayed in the message).
    #[test]
    fn a_date_and_time_prefix_is_one_time() {
        let text = "2025-09-01 13:45:06.123 START RequestId: 30000000-0000-0000-0000-000000000001 Version: $LATEST\n\
                    2025-09-01 13:45:06.200 user signed in\n\
                    2025-09-01 13:45:06.300\tREPORT RequestId: 30000000-0000-0000-0000-000000000001\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\n\
                    2025-09-01 just a date\n";
        let opts = IngestOptions {
            keep_logs: true,
            ..IngestOptions::default()
        };
        let ing = ingest_one(text, &opts);
        let at = |h: i64, m: i64, s: i64, ms: i64| {
            1_756_684_800_000 + ((h * 60 + m) * 60 + s) * 1000 + ms
        };
        assert_eq!(ing.tables.invocations.len(), 1);
        assert_eq!(
            ing.tables.invocations[0].timestamp,
            Some(at(13, 45, 6, 300))
        );
        let logs: Vec<(Option<i64>, &str)> = ing
            .tables
            .logs
            .iter()
            .map(|l| (l.timestamp, l.message.as_str()))
            .collect();
        assert!(
            logs.contains(&(Some(at(13, 45, 6, 200)), "user signed in")),
            "{logs:?}"
        );
        assert!(
            logs.iter()
                .any(|(t, m)| *t == Some(at(13, 45, 6, 123)) && m.starts_with("START")),
            "{logs:?}"
        );
        assert!(
            logs.iter()
                // No time of its own (a date is none), and no part of the REPORT before it.
                .any(|(t, m)| t.is_none() && *m == "2025-09-01 just a date"),
            "{logs:?}"
        );
    }

    #[test]
    fn skips_in_pretty_printed_batch_get_traces_point_at_their_segment() {
        let good = r#"{"id":"00000000000000a1","name":"f","trace_id":"1-68b6f91f-000000000000000000000003","start_time":1756821791.0,"end_time":1756821792.0}"#;
        let bad = r#"{"id":"00000000000000a3","name":"f","trace_id":"1-68b6f91f-000000000000000000000003","start_time":1756821791.0}"#;
        let doc = serde_json::json!({"Traces": [{"Id": "1-68b6f91f-000000000000000000000003", "Segments": [
            {"Id": "00000000000000a1", "Document": good},
            {"Id": "00000000000000a3", "Document": bad},
        ]}]});
        let text = serde_json::to_string_pretty(&doc).unwrap();
        let want = text
            .lines()
            .position(|l| l.contains("00000000000000a3"))
            .unwrap()
            + 1;
        assert!(want > 1);
        let ing = ingest_one(&text, &IngestOptions::default());
        assert_eq!(ing.skips.total, 1, "{:?}", ing.skips);
        let ex = &ing.skips.examples[0];
        assert_eq!(
            ex.source,
            format!("/aws/lambda/orders-api:{want}"),
            "{ex:?}"
        );
        assert_eq!(
            named_span_id("X: id=00000000000000a3 name=f"),
            Some("00000000000000a3")
        );
        assert_eq!(named_span_id("Id=x: bad"), None);
        assert_eq!(named_span_id("id=00000000000000a3f"), None);
    }

    /// Eighth-round traces review: a function run twice in one trace, one REPORT read: the
    /// second run's segment took that REPORT's request id. A segment starting outside the
    /// invocation read is another invocation's.
    #[test]
    fn a_second_run_in_a_trace_does_not_take_the_first_runs_request() {
        let trace = "1-68b6f91f-000000000000000000000f01";
        let seg = |id: &str, start: f64| {
            serde_json::json!({
                "id": id, "name": "worker", "trace_id": trace, "origin": "AWS::Lambda::Function",
                "start_time": start, "end_time": start + 0.7
            })
            .to_string()
        };
        let text = format!(
            "2025-09-02T14:03:11.900Z REPORT RequestId: 11111111-0000-0000-0000-000000000001\tDuration: 700.00 ms\tBilled Duration: 700 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\tXRAY TraceId: {trace}\tSegmentId: f000000000000011\tSampled: true\n{}\n{}\n",
            seg("f000000000000011", 1756821791.2),
            seg("f000000000000021", 1756821792.6),
        );
        let ing = ingest_one(
            &text,
            &IngestOptions {
                keep_spans: true,
                ..IngestOptions::default()
            },
        );
        let of = |id: &str| {
            ing.tables
                .spans
                .iter()
                .find(|s| s.span_id == id)
                .unwrap()
                .request_id
                .clone()
        };
        assert_eq!(
            of("f000000000000011").as_deref(),
            Some("11111111-0000-0000-0000-000000000001")
        );
        assert_eq!(of("f000000000000021"), None);
        // A SnapStart cold start: its segment starts with the restore, before Duration began
        // (verification: a restore of 800 ms lost the request id).
        let text = format!(
            "2025-09-02T14:03:11.900Z REPORT RequestId: 11111111-0000-0000-0000-000000000002\tDuration: 100.00 ms\tBilled Duration: 100 ms\tMemory Size: 512 MB\tMax Memory Used: 60 MB\tRestore Duration: 800.00 ms\tBilled Restore Duration: 300 ms\tXRAY TraceId: {trace}\tSegmentId: f000000000000031\tSampled: true\n{}\n",
            seg("f000000000000031", 1756821791.0),
        );
        let ing = ingest_one(
            &text,
            &IngestOptions {
                keep_spans: true,
                ..IngestOptions::default()
            },
        );
        assert_eq!(
            ing.tables.spans[0].request_id.as_deref(),
            Some("11111111-0000-0000-0000-000000000002")
        );
    }

    /// Eighth-round traces review: GetTraceSummaries rows of a pretty-printed page were all
    /// at line 1, and a segment read twice in one document (in progress, then completed) kept
    /// the in-progress copy's line.
    #[test]
    fn summary_rows_and_completed_copies_are_at_their_own_lines() {
        let opts = IngestOptions {
            keep_spans: true,
            ..IngestOptions::default()
        };
        let row = |n: u32| {
            serde_json::json!({
                "Id": format!("1-68b6f91f-00000000000000000000e00{n}"),
                "StartTime": 1756821794.0, "Duration": 0.25,
                "EntryPoint": {"Name": "orders-api", "Type": "AWS::Lambda"}
            })
        };
        let text =
            serde_json::to_string_pretty(&serde_json::json!({"TraceSummaries": [row(0), row(1)]}))
                .unwrap();
        let line_of =
            |t: &str, needle: &str| t.lines().position(|l| l.contains(needle)).unwrap() as u64 + 1;
        let ing = ingest_one(&text, &opts);
        let lines: Vec<u64> = ing.tables.spans.iter().map(|s| s.source.line).collect();
        assert_eq!(lines, [line_of(&text, "e000\""), line_of(&text, "e001\"")]);
        let seg = |in_progress: bool| {
            let mut v = serde_json::json!({
                "id": "d100000000000001", "name": "f",
                "trace_id": "1-68b6f91f-00000000000000000000d001", "start_time": 1756821791.0
            });
            if in_progress {
                v["in_progress"] = serde_json::json!(true);
            } else {
                v["end_time"] = serde_json::json!(1756821792.0);
            }
            v
        };
        let text =
            serde_json::to_string_pretty(&serde_json::json!([seg(true), seg(false)])).unwrap();
        let ing = ingest_one(&text, &opts);
        let done = ing.tables.spans.iter().find(|s| !s.in_progress).unwrap();
        let second = text
            .lines()
            .enumerate()
            .filter(|(_, l)| l.contains("d100000000000001"))
            .nth(1)
            .unwrap()
            .0 as u64
            + 1;
        assert_eq!(done.source.line, second);
    }

    /// Seventh-round known limit: a subsegment's skip in a pretty-printed array of segment
    /// documents pointed at its segment's line; it is at the line of the subsegment's id.
    #[test]
    fn a_subsegment_skip_in_a_pretty_array_is_at_its_id() {
        let doc = serde_json::json!([{
            "id": "00000000000000c1", "name": "f", "trace_id": "1-68b6f91f-000000000000000000000006",
            "start_time": 1756821791.0, "end_time": 1756821792.0,
            "subsegments": [
                {"id": "00000000000000c2", "name": "ok", "start_time": 1756821791.0, "end_time": 1756821791.5},
                {"id": "00000000000000c3", "name": "bad", "start_time": 1756821791.0}
            ]
        }]);
        let text = serde_json::to_string_pretty(&doc).unwrap();
        let want = text
            .lines()
            .position(|l| l.contains("00000000000000c3"))
            .unwrap()
            + 1;
        let ing = ingest_one(
            &text,
            &IngestOptions {
                keep_spans: true,
                ..IngestOptions::default()
            },
        );
        assert_eq!(ing.skips.total, 1, "{:?}", ing.skips);
        assert_eq!(
            ing.skips.examples[0].source,
            format!("/aws/lambda/orders-api:{want}"),
            "{:?}",
            ing.skips.examples[0]
        );
    }

    /// A child's segment listed first names its parent in `parent_id`: the parent's skip still
    /// goes to the parent's own line, and every span to the line of its wrapper's `Id`.
    #[test]
    fn xray_spans_and_skips_take_the_line_of_their_own_id() {
        let child = r#"{"id":"00000000000000b2","name":"f","trace_id":"1-68b6f91f-000000000000000000000004","parent_id":"00000000000000b1","start_time":1756821791.0,"end_time":1756821792.0,"subsegments":[{"id":"00000000000000b3","name":"Invocation","start_time":1756821791.0,"end_time":1756821792.0}]}"#;
        let parent = r#"{"id":"00000000000000b1","name":"f","trace_id":"1-68b6f91f-000000000000000000000004","start_time":1756821791.0}"#;
        let doc = serde_json::json!({"Traces": [{"Id": "1-68b6f91f-000000000000000000000004", "Segments": [
            {"Id": "00000000000000b2", "Document": child},
            {"Id": "00000000000000b1", "Document": parent},
        ]}], "UnprocessedTraceIds": ["1-68b6f91f-000000000000000000000005"]});
        let text = serde_json::to_string_pretty(&doc).unwrap();
        let line_of =
            |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() as u64 + 1;
        let opts = IngestOptions {
            keep_spans: true,
            ..IngestOptions::default()
        };
        let ing = ingest_one(&text, &opts);
        let sources: Vec<(String, u64)> = ing
            .tables
            .spans
            .iter()
            .map(|s| (s.span_id.clone(), s.source.line))
            .collect();
        // The segment at its wrapper's `Id`, its subsegment in the `Document` holding it.
        let wrapper_b2 = line_of(r#""Id": "00000000000000b2""#);
        let document_b2 = line_of("00000000000000b3");
        assert_eq!(
            sources,
            [
                ("00000000000000b2".into(), wrapper_b2),
                ("00000000000000b3".into(), document_b2)
            ]
        );
        let at = |reason: &str| {
            ing.skips
                .examples
                .iter()
                .find(|e| e.reason.contains(reason))
                .map(|e| e.source.clone())
        };
        let file = "/aws/lambda/orders-api";
        assert_eq!(
            at("without end_time"),
            Some(format!("{file}:{}", line_of(r#""Id": "00000000000000b1""#)))
        );
        // An unprocessed id, said (not skipped), at its line.
        assert_eq!(
            ing.skips.unprocessed_traces,
            [format!(
                "{file}:{} (1-68b6f91f-000000000000000000000005)",
                line_of("000000000000000000000005")
            )]
        );
        let ids = xray_id_lines(r#"{"id": "a", "parent_id": "b", "x": "{\"id\":\"c\"}"}"#, 7);
        assert_eq!(ids.get("a"), Some(&vec![7]));
        assert_eq!(ids.get("c"), Some(&vec![7]));
        assert_eq!(ids.get("b"), None);
        // Every place of an id, in order.
        let ids = xray_id_lines("{\"id\": \"a\"}\n{\"id\": \"a\"}", 3);
        assert_eq!(ids.get("a"), Some(&vec![3, 4]));
        assert_eq!(
            named_trace_id("trace 1-68b6f91f-000000000000000000000005 left"),
            Some("1-68b6f91f-000000000000000000000005")
        );
        assert_eq!(named_trace_id("x1-68b6f91f-000000000000000000000005"), None);
    }

    /// Python: the runtime's uncaught-exception line fails its invocation whatever the class
    /// is called; a handler's own `[ERROR]` line in the logger's layout fails it only when a
    /// traceback of the request follows (else the handler caught it and answered).
    #[test]
    fn python_error_lines_fail_an_invocation_only_when_uncaught() {
        let report = |n: u32| {
            format!(
                "2025-09-01T00:0{n}:00.101Z REPORT RequestId: 20000000-0000-4000-8000-00000000000{n}\tDuration: 101.00 ms\tBilled Duration: 102 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t\n"
            )
        };
        let id = |n: u32| format!("20000000-0000-4000-8000-00000000000{n}");
        let text = [
            format!("2025-09-01T00:01:00.050Z [ERROR]\t2025-09-01T00:01:00.050Z\t{}\tError: payload has no id, skipping\n", id(1)),
            report(1),
            format!("2025-09-01T00:02:00.050Z [ERROR]\t2025-09-01T00:02:00.050Z\t{}\tValidationError: bad email; returning 400\n", id(2)),
            report(2),
            format!("2025-09-01T00:03:00.050Z [ERROR]\t2025-09-01T00:03:00.050Z\t{}\tValueError: bad signature\n", id(3)),
            format!("2025-09-01T00:03:00.050Z [ERROR]\t2025-09-01T00:03:00.050Z\t{}\tTraceback (most recent call last):\n", id(3)),
            report(3),
            "2025-09-01T00:04:00.050Z [ERROR] BadGzipFile: Not a gzipped file\nTraceback (most recent call last):\n  File \"/var/task/app.py\", line 4, in handler\n".to_string(),
            report(4),
            // Sixth-round ingestion review: the logger's line with its traceback as an S3
            // export (or `aws logs tail`) prints one event over several lines, the traceback on
            // a line of its own, counted as success where filter-log-events' JSON (the same
            // event in one message) failed it.
            format!("2025-09-01T00:05:00.050Z [ERROR]\t2025-09-01T00:05:00.050Z\t{}\tValueError: bad order id\nTraceback (most recent call last):\n  File \"/var/task/app.py\", line 7, in handler\n", id(5)),
            report(5),
            // A traceback that is not the next line is another event's.
            format!("2025-09-01T00:06:00.050Z [ERROR]\t2025-09-01T00:06:00.050Z\t{}\tValueError: caught\n2025-09-01T00:06:00.060Z [INFO]\t2025-09-01T00:06:00.060Z\t{}\tretrying\nTraceback (most recent call last):\n", id(6), id(6)),
            report(6),
            // A message over two lines before its traceback (sixth-round verification).
            format!("2025-09-01T00:07:00.050Z [ERROR]\t2025-09-01T00:07:00.050Z\t{}\tValueError: bad order id\nsecond line of the message\nTraceback (most recent call last):\n", id(7)),
            report(7),
        ]
        .concat();
        let ing = ingest_one(&text, &IngestOptions::default());
        let got: Vec<(Status, Option<&str>)> = ing
            .tables
            .invocations
            .iter()
            .map(|i| (i.status, i.error_type.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                (Status::Success, None),
                (Status::Success, None),
                (Status::Error, Some("ValueError")),
                (Status::Error, Some("BadGzipFile")),
                (Status::Error, Some("ValueError")),
                (Status::Success, None),
                (Status::Error, Some("ValueError")),
            ]
        );
        // The same with log records kept (another path through the collector).
        let keep = IngestOptions {
            keep_logs: true,
            ..IngestOptions::default()
        };
        let with_logs = ingest_one(&text, &keep);
        let statuses: Vec<Status> = with_logs
            .tables
            .invocations
            .iter()
            .map(|i| i.status)
            .collect();
        assert_eq!(statuses, got.iter().map(|g| g.0).collect::<Vec<_>>());
    }

    /// Second-round cross-command and logs reviews: Python's uncaught `[ERROR] Type: message`
    /// carries no request id, so `logs --request-id` of the failed request left out the line
    /// saying why. An application line without one takes the request running on its stream
    /// (between its START and END); lines outside any request, and other streams', do not.
    #[test]
    fn lines_without_a_request_id_take_the_request_running_on_their_stream() {
        let (x, y) = (
            "30000000-0000-4000-8000-000000000001",
            "30000000-0000-4000-8000-000000000002",
        );
        let ev = |ms: u64, stream: &str, msg: &str| {
            format!(
                "{}\n",
                serde_json::json!({"timestamp": 1_756_684_800_000u64 + ms, "message": msg, "logGroup": "/aws/lambda/resize", "logStream": stream})
            )
        };
        let report = |id: &str| {
            format!("REPORT RequestId: {id}\tDuration: 5.00 ms\tBilled Duration: 5 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t\n")
        };
        let text = [
            ev(0, "a", "before any request\n"),
            ev(1, "a", &format!("START RequestId: {x} Version: $LATEST\n")),
            ev(2, "b", &format!("START RequestId: {y} Version: $LATEST\n")),
            ev(3, "a", "[ERROR] ValueError: bad image\rTraceback (most recent call last):\r  File \"/var/task/app.py\", line 9, in handler\n"),
            ev(4, "b", "a print of y\n"),
            ev(5, "a", &format!("END RequestId: {x}\n")),
            ev(6, "a", &report(x)),
            ev(7, "a", "after x ended\n"),
            ev(8, "b", &format!("END RequestId: {y}\n")),
            ev(9, "b", &report(y)),
        ]
        .concat();
        let opts = IngestOptions {
            keep_logs: true,
            ..IngestOptions::default()
        };
        let ing = ingest_one(&text, &opts);
        let of = |start: &str| {
            ing.tables
                .logs
                .iter()
                .find(|l| l.message.starts_with(start))
                .unwrap()
                .request_id
                .as_deref()
        };
        assert_eq!(of("[ERROR] ValueError"), Some(x));
        assert_eq!(of("a print of y"), Some(y));
        assert_eq!(of("before any request"), None);
        assert_eq!(of("after x ended"), None);
        // The request it is counted against in the invocations, too.
        let failed = ing
            .tables
            .invocations
            .iter()
            .find(|i| i.request_id == x)
            .unwrap();
        assert_eq!(failed.error_type.as_deref(), Some("ValueError"));
    }

    #[test]
    fn sam_logs_application_lines_and_continued_events_are_read() {
        // Tenth-round export review: behind `sam logs`' `<stream> <time>` prefix, a runtime's
        // error line was not read (a failed invocation a success), levels were lost and the
        // message kept the prefix.
        let stream = "2025/09/01/[$LATEST]0123456789abcdef0123456789abcdef";
        let id = "33333333-3333-3333-3333-333333333333";
        let text = [
            format!("{stream} 2025-09-01T10:00:00.100000 START RequestId: {id} Version: $LATEST"),
            format!("{stream} 2025-09-01T10:00:00.200000 2025-09-01T10:00:00.200Z\t{id}\tWARN\tnode warn"),
            format!("{stream} 2025-09-01T10:00:00.210000 2025-09-01T10:00:00.210Z\t{id}\tERROR\tInvoke Error \t{{\"errorType\":\"TypeError\",\"errorMessage\":\"x\"}}"),
            format!("{stream} 2025-09-01T10:00:00.400000 END RequestId: {id}"),
            format!("{stream} 2025-09-01T10:00:00.400000 REPORT RequestId: {id}\tDuration: 300.00 ms\tBilled Duration: 300 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB"),
        ]
        .join("\n");
        let opts = IngestOptions {
            keep_logs: true,
            ..IngestOptions::default()
        };
        let ing = ingest_one(&text, &opts);
        let inv = &ing.tables.invocations[0];
        assert_eq!(inv.status, Status::Error);
        assert_eq!(inv.error_type.as_deref(), Some("TypeError"));
        fn application(ing: &Ingested) -> Vec<&LogRecord> {
            ing.tables
                .logs
                .iter()
                .filter(|l| l.kind == LogKind::Application)
                .collect()
        }
        let app = application(&ing);
        assert_eq!(app.len(), 2, "{:?}", ing.tables.logs);
        assert_eq!(app[0].level.as_deref(), Some("WARN"));
        assert_eq!(app[1].level.as_deref(), Some("ERROR"));
        assert!(
            app[0].message.starts_with("2025-09-01T10:00:00.200Z\t"),
            "{:?}",
            app[0]
        );
        assert_eq!(app[0].log_stream.as_deref(), Some(stream));
        assert_eq!(app[0].timestamp, Some(1_756_720_800_200));

        // `awslogs get` (group, stream, `-t`'s time) and its `--no-group` layout (README review:
        // the same lines kept their prefix, their error unread): the same reading, the group
        // naming the function, also of the continuation lines.
        // Tenth-round ingestion review, its other layouts: `-t -i` (two times), a custom group
        // (no leading '/'), a stream padded to a longer one's width.
        for (prefix, times) in [
            (format!("/aws/lambda/orders {stream} "), 1),
            (format!("/aws/lambda/orders {stream} "), 0),
            (format!("{stream} "), 0),
            (format!("/aws/lambda/orders {stream} "), 2),
            (format!("shared-logs {stream} "), 1),
            (format!("/aws/lambda/orders {stream}    "), 1),
        ] {
            let time = |t: &str| format!("2025-09-01T10:00:00.{t}Z ").repeat(times);
            let text = [
                format!("{prefix}{}START RequestId: {id} Version: $LATEST", time("100")),
                format!("{prefix}{}[ERROR]\t2025-09-01T10:00:00.200Z\t{id}\tValueError: boom", time("200")),
                "Traceback (most recent call last):".to_string(),
                "  File \"/var/task/app.py\", line 3, in handler".to_string(),
                format!("{prefix}{}END RequestId: {id}", time("400")),
                format!("{prefix}{}REPORT RequestId: {id}\tDuration: 300.00 ms\tBilled Duration: 300 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB", time("400")),
            ]
            .join("\n");
            let ing = ingest_one(&text, &opts);
            let inv = &ing.tables.invocations[0];
            assert_eq!(inv.status, Status::Error, "{prefix}");
            let app = application(&ing);
            assert!(app[0].message.starts_with("[ERROR]"), "{:?}", app[0]);
            assert_eq!(app[0].log_stream.as_deref(), Some(stream));
            if times > 0 {
                assert_eq!(app[0].timestamp, Some(1_756_720_800_200), "{prefix}");
            }
            // The group names the function (a Lambda group's its name); without one, the file's.
            if let Some(group) = prefix
                .split_once(' ')
                .map(|(g, _)| g)
                .filter(|g| *g != stream)
            {
                let function = group.strip_prefix("/aws/lambda/").unwrap_or(group);
                assert!(
                    ing.tables.logs.iter().all(|l| &*l.function == function),
                    "{prefix}: {:?}",
                    ing.tables.logs
                );
            }
        }
        // Two groups in one file: each traceback line is its own event's group's (verification
        // of 4d303d6); a line of text shaped like the prefix, with no hex instance id, is not.
        let text = format!(
            "/aws/lambda/orders {stream} [ERROR] KeyError: 'a'\nTraceback (most recent call last):\n\
             /aws/lambda/payments {stream} [ERROR] KeyError: 'b'\nTraceback (most recent call last):\n\
             /srv/app 2025/09/01/[backup]nightly done\n"
        );
        let ing = ingest_one(&text, &opts);
        let functions: Vec<&str> = ing.tables.logs.iter().map(|l| &*l.function).collect();
        assert_eq!(
            functions,
            ["orders", "orders", "payments", "payments", "payments"]
        );
        assert!(ing.tables.logs[4].message.starts_with("/srv/app"));

        // Tenth-round logs review: a traceback printed over lines of its own (`aws logs tail`,
        // S3 exports) is its event's: the lines take its level (`--level ERROR` showed the
        // first line only); an untimed line after a platform line takes none.
        let text = "2025-09-01T10:00:00.000000+00:00 2025/09/01/[$LATEST]abc START RequestId: cccccccc-2222-3333-4444-555555555555 Version: $LATEST
2025-09-01T10:00:00.010000+00:00 2025/09/01/[$LATEST]abc [ERROR] ValueError: boom
Traceback (most recent call last):
  File \"/var/task/app.py\", line 3, in handler
2025-09-01T10:00:00.020000+00:00 2025/09/01/[$LATEST]abc [INFO] fine
  more of fine
2025-09-01T10:00:00.030000+00:00 2025/09/01/[$LATEST]abc END RequestId: cccccccc-2222-3333-4444-555555555555
after the end
";
        let ing = ingest_one(text, &opts);
        let levels: Vec<(&str, Option<&str>)> = ing
            .tables
            .logs
            .iter()
            .filter(|l| l.kind == LogKind::Application)
            .map(|l| (l.message.trim(), l.level.as_deref()))
            .collect();
        assert_eq!(
            levels,
            [
                ("[ERROR] ValueError: boom", Some("ERROR")),
                ("Traceback (most recent call last):", Some("ERROR")),
                (
                    "File \"/var/task/app.py\", line 3, in handler",
                    Some("ERROR")
                ),
                ("[INFO] fine", Some("INFO")),
                ("more of fine", Some("INFO")),
                ("after the end", None),
            ]
        );
    }

    #[test]
    fn events_run_together_and_lone_cr_line_ends_are_read() {
        // Tenth-round robustness review: thousands of events run together on one line (line
        // ends lost, or a classic Mac OS file's lone CRs) overflowed the stack (a split per level
        // of recursion) and took seconds (a search per keyword to the line's end each time);
        // lone-CR line ends made a text log one corrupt line.
        let event = |i: u32, sep: &str| {
            format!(
                "2025-09-01T00:00:00.000Z START RequestId: 00000000-0000-4000-8000-{i:012} Version: $LATEST{sep}\
                 2025-09-01T00:00:00.100Z END RequestId: 00000000-0000-4000-8000-{i:012}{sep}\
                 2025-09-01T00:00:00.100Z REPORT RequestId: 00000000-0000-4000-8000-{i:012}\tDuration: 100.00 ms\tBilled Duration: 100 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t{sep}"
            )
        };
        let joined: String = (0..20_000).map(|i| event(i, " ")).collect();
        let ing = ingest_one(&format!("{joined}\n"), &IngestOptions::default());
        assert_eq!(ing.tables.invocations.len(), 20_000, "{:?}", ing.skips);
        assert_eq!(ing.skips.total, 0, "{:?}", ing.skips);
        let cr: String = (0..500).map(|i| event(i, "\r")).collect();
        let opts = IngestOptions {
            keep_logs: true,
            ..IngestOptions::default()
        };
        let ing = ingest_one(&cr, &opts);
        assert_eq!(ing.tables.invocations.len(), 500, "{:?}", ing.skips);
        assert_eq!(ing.tables.logs.len(), 1_000);
        assert_eq!(ing.skips.total, 0, "{:?}", ing.skips);
        assert!(ing.tables.logs[1].source.to_string().ends_with(":2"));
        // A lone CR inside a line of a file with line feeds stays a character of it.
        let mixed = format!("{}\n", event(1, "\n").replace(" Version", "\r Version"));
        let ing = ingest_one(&mixed, &opts);
        assert_eq!(ing.tables.invocations.len(), 1);
        assert_eq!(ing.tables.logs.len(), 2);
    }

    #[test]
    fn a_report_an_application_logs_is_no_invocation() {
        // A log shipper's lines quoting the REPORT lines it forwards (ninth-round live review:
        // each was billed as an invocation of the shipper), as events and as text lines.
        let own = |n: u32| format!("66666666-0000-4000-8000-00000000000{n}");
        let quoted = "REPORT RequestId: 77777777-0000-4000-8000-000000000000\tDuration: 2000.00 ms\tBilled Duration: 2000 ms\tMemory Size: 2048 MB\tMax Memory Used: 300 MB\t";
        let lines = |n: u32| {
            [
                format!("START RequestId: {} Version: $LATEST", own(n)),
                format!("[INFO]\t2025-09-01T00:00:0{n}.000Z\t{}\tforwarding {quoted}", own(n)),
                format!("2025-09-01T00:00:0{n}.000Z\t{}\tINFO\tforwarding: {quoted}", own(n)),
                format!("forwarding to S3: {quoted}"),
                format!("{{\"payload\": \"{quoted}"),
                // The logger's layout with no words of its own (verification of 703b4fb).
                format!("[INFO]\t2025-09-01T00:00:0{n}.000Z\t{}\t{quoted}", own(n)),
                format!("END RequestId: {}", own(n)),
                format!("REPORT RequestId: {}\tDuration: 20.00 ms\tBilled Duration: 20 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t", own(n)),
            ]
        };
        let events: Vec<String> = (1..=2)
            .flat_map(lines)
            .enumerate()
            .map(|(i, m)| {
                serde_json::json!({"timestamp": 1_756_684_800_000i64 + i as i64, "message": m,
                    "logGroup": "/aws/lambda/shipper", "logStream": "s"})
                .to_string()
            })
            .collect();
        let text: Vec<String> = (1..=2).flat_map(lines).collect();
        let opts = IngestOptions {
            keep_logs: true,
            ..IngestOptions::default()
        };
        for input in [events.join("\n"), text.join("\n")] {
            let ing = ingest_one(&input, &opts);
            let ids: Vec<&str> = ing
                .tables
                .invocations
                .iter()
                .map(|i| i.request_id.as_str())
                .collect();
            assert_eq!(ids, [own(1), own(2)], "{input}");
            assert_eq!(ing.skips.total, 0, "{:?}", ing.skips);
            let forwarded = ing
                .tables
                .logs
                .iter()
                .filter(|l| l.message.contains("forwarding"))
                .count();
            assert_eq!(forwarded, 6, "{:?}", ing.tables.logs);
        }
        // Renderings' prefixes still read (verification of 703b4fb: `awslogs get`'s group
        // name made every REPORT application text): a group, a group and stream, a function
        // column, masked or placeholder times, a syslog time; and Lambda's own timeout line
        // in an event, after its time and request id.
        let report = "REPORT RequestId: 40000000-0000-4000-8000-000000000009\tDuration: 5.00 ms\tBilled Duration: 5 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t";
        for prefix in [
            "/aws/lambda/orders-api 2025/09/01/[$LATEST]abcdef0123 ",
            "2025-09-01T00:00:01.000Z\t/aws/lambda/orders\t2025/09/01/[$LATEST]0123abcdef\t",
            "orders | 2025-09-01T00:00:01.000Z | ",
            "my-function 2025-09-01T00:00:01.000Z ",
            "xxxx-xx-xxTxx:xx:xx.xxxZ ",
            "<timestamp> ",
            "Sep 1 00:00:01 ",
            "[root - INFO - 2020-05-02 20:28:50,023] ",
        ] {
            let ing = ingest_one(&format!("{prefix}{report}\n"), &opts);
            assert_eq!(ing.tables.invocations.len(), 1, "{prefix}");
        }
        let timeout = serde_json::json!({"timestamp": 1_591_714_946_151i64, "logGroup": "/aws/lambda/f",
            "message": "2020-06-09T15:02:26.150Z 7c9567b5-107b-4a6c-8798-0157ac21db52 Task timed out after 3.00 seconds\n"});
        let ing = ingest_one(&timeout.to_string(), &opts);
        assert_eq!(
            ing.tables.logs[0].event_type.as_deref(),
            Some("TIMEOUT"),
            "{:?}",
            ing.tables.logs
        );
    }

    /// Eighth-round ingestion review: a byte-order mark before a later document of a file (a
    /// `cat` of PowerShell outputs) made that document text lines; a later document cut short
    /// was read as text lines too (no skip, its events' times lost); colour codes around a
    /// rendering's prefix (`aws logs tail --color on`) lost every time.
    /// Review of 2026-12-07 (traces): a compact BatchGetTraces page cut in a number with the
    /// next written on from the cut lost both (the next document was looked for at a `{` inside
    /// a segment's `Document` string); a segment document cut so, one per line, lost the next
    /// (in a one-line file read as a log line, without a skip); a segment twice in one page was
    /// kept once without the note copies across inputs get.
    #[test]
    fn cut_segment_documents_and_pages_keep_what_follows_the_cut() {
        let segment = |trace: u32, id: &str| {
            serde_json::json!({
                "trace_id": format!("1-69355aa0-{trace:024x}"), "id": id, "name": "fnA",
                "origin": "AWS::Lambda::Function", "start_time": 1_765_100_000.0,
                "end_time": 1_765_100_001.25,
                "subsegments": [{"id": format!("a{}", &id[1..]), "name": "DynamoDB", "namespace": "aws",
                    "start_time": 1_765_100_000.5, "end_time": 1_765_100_000.75}]
            })
        };
        let page = |traces: &[u32]| {
            serde_json::to_string(&serde_json::json!({
                "Traces": traces.iter().map(|&t| serde_json::json!({
                    "Id": format!("1-69355aa0-{t:024x}"), "Duration": 1.25,
                    "Segments": [{"Id": format!("{t:016x}"),
                        "Document": segment(t, &format!("{t:016x}")).to_string()}]
                })).collect::<Vec<_>>(),
                "UnprocessedTraceIds": []
            }))
            .unwrap()
        };
        let traces = |ing: &Ingested| {
            let mut ids: Vec<String> = ing
                .tables
                .spans
                .iter()
                .filter(|s| s.is_function_segment())
                .map(|s| s.trace_id.to_string())
                .collect();
            ids.sort();
            ids.dedup();
            ids.len()
        };
        let opts = IngestOptions::default();
        // Page A (3 traces) cut in trace 3's Duration, page B (2 traces) written on.
        let a = page(&[1, 2, 3]);
        let cut = &a[..a.rfind("\"Duration\":1.25").unwrap() + "\"Duration\":1".len()];
        let text = format!("{cut}{}\n", page(&[4, 5]));
        let ing = ingest_memory("pages.json", text.into_bytes(), &opts);
        assert_eq!(traces(&ing), 4, "{:?}", ing.skips);
        assert_eq!(ing.skips.total, 1, "{:?}", ing.skips);
        // Segment documents one per line: the second cut in its end_time, the third written
        // on from the cut; in a three-line file and alone in a file.
        let seg = |t: u32| segment(t, &format!("{t:016x}")).to_string();
        let two = seg(2);
        let cut = &two[..two.find("\"end_time\":1765100001").unwrap() + 14];
        let line = format!("{cut}{}", seg(3));
        for text in [
            format!("{}\n{line}\n{}\n", seg(1), seg(4)),
            format!("{line}\n"),
        ] {
            let ing = ingest_memory("segments.ndjson", text.clone().into_bytes(), &opts);
            let want = if text.starts_with(&line) { 1 } else { 3 };
            assert_eq!(traces(&ing), want, "{text}: {:?}", ing.skips);
            assert_eq!(
                ing.skips.by_reason.get("JSON line cut short"),
                Some(&1),
                "{:?}",
                ing.skips
            );
            assert!(ing.tables.logs.is_empty(), "no JSON text as log lines");
        }
        // An application's broken JSON line in a text log stays its log line.
        let text = "{\"level\":\"INFO\",\"n\":1{\"level\":\"INFO\",\"n\":2}\n";
        let ing = ingest_memory("app.log", text.as_bytes().to_vec(), &opts);
        assert_eq!(ing.skips.total, 0, "{:?}", ing.skips);
        assert_eq!(ing.tables.logs.len(), 1);
        // The same segment twice in one page: kept once, and counted as a repeat.
        let doc = segment(7, "0000000000000007").to_string();
        let text = serde_json::json!({"Traces": [{"Id": "1-69355aa0-000000000000000000000007",
            "Segments": [{"Id": "0000000000000007", "Document": doc},
                         {"Id": "0000000000000007", "Document": doc}]}]})
        .to_string();
        let ing = ingest_memory("dup.json", text.into_bytes(), &opts);
        assert_eq!(ing.tables.spans.len(), 2);
        assert_eq!(ing.span_duplicates, 2, "the segment and its subsegment");
    }

    /// Tenth-round ingestion and dashboard reviews: a lost line break where nothing separates
    /// the events (an END's id, a REPORT's last unit run into the next keyword), or where
    /// `awslogs get` (which strips the REPORT's trailing tab) runs the next line's prefix into the
    /// last field, lost a REPORT or its last field without a word; `sls logs`' local time with
    /// its zone in brackets was read as UTC.
    /// A console copy (untimed): the traceback after an `[ERROR]` line takes its level, and its
    /// last line run into the END (Python's error output ends without a line break) is two
    /// records; an END quoted in a message is not split off (logs2 review).
    #[test]
    fn a_console_traceback_keeps_its_level_and_its_end() {
        let id = "d696fc83-8c70-4112-8746-605b8a98135a";
        let text = format!(
            "START RequestId: {id} Version: $LATEST\n\
             [ERROR] Error: Only base64 data is allowed\n\
             Traceback (most recent call last):\n\
             \u{a0} File \"/var/task/app.py\", line 26, in handler\n\
             \u{a0}\u{a0}\u{a0} v = e['x']END RequestId: {id}\n\
             REPORT RequestId: {id}\tDuration: 31.37 ms\tBilled Duration: 32 ms\tMemory Size: 128 MB\tMax Memory Used: 81 MB\n\
             Request ID\n\
             The message is \"END RequestId: {id}\n"
        );
        let opts = IngestOptions {
            keep_logs: true,
            ..IngestOptions::default()
        };
        let ing = ingest_one(&text, &opts);
        let rows: Vec<(Option<&str>, Option<&str>, &str)> = ing
            .tables
            .logs
            .iter()
            .map(|r| {
                (
                    r.event_type.as_deref(),
                    r.level.as_deref(),
                    r.message.trim_end(),
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                (
                    Some("START"),
                    None,
                    &*format!("START RequestId: {id} Version: $LATEST")
                ),
                (
                    None,
                    Some("ERROR"),
                    "[ERROR] Error: Only base64 data is allowed"
                ),
                (None, Some("ERROR"), "Traceback (most recent call last):"),
                (
                    None,
                    Some("ERROR"),
                    "\u{a0} File \"/var/task/app.py\", line 26, in handler"
                ),
                (None, Some("ERROR"), "\u{a0}\u{a0}\u{a0} v = e['x']"),
                (Some("END"), None, &*format!("END RequestId: {id}")),
                (None, None, "Request ID"),
                (
                    None,
                    None,
                    &*format!("The message is \"END RequestId: {id}")
                ),
            ]
        );
        assert_eq!(ing.tables.invocations.len(), 1);
    }

    #[test]
    fn glued_events_and_bracketed_zones_are_read() {
        let stream = "2025/09/04/[$LATEST]0123456789abcdef0123456789abcdef";
        let rep = |n: u32, last: &str| {
            format!("REPORT RequestId: r{n}\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: 128 MB\tMax Memory Used: 5{n} MB{last}")
        };
        let opts = IngestOptions::default();
        let cases = [
            // END's id, then REPORT; a REPORT's unit, then the next REPORT and a START.
            format!("END RequestId: r1{}\n", rep(1, "")),
            format!(
                "{}{}START RequestId: r3 Version: $LATEST\n",
                rep(1, "\tInit Duration: 200.00 ms"),
                rep(2, "")
            ),
            // awslogs: the next line's group, stream and time run into the last field.
            format!(
                "/aws/lambda/rt {stream} 2025-09-04T10:00:00.100Z {}/aws/lambda/rt {stream} 2025-09-04T10:00:01.000Z {}\n",
                rep(1, "\tInit Duration: 200.00 ms"),
                rep(2, "")
            ),
        ];
        for text in &cases {
            let ing = ingest_one(text, &opts);
            assert_eq!(ing.skips.total, 0, "{text}: {:?}", ing.skips);
            let ids: Vec<&str> = ing
                .tables
                .invocations
                .iter()
                .map(|i| &*i.request_id)
                .collect();
            let want: &[&str] = if text.starts_with("END") {
                &["r1"]
            } else {
                &["r1", "r2"]
            };
            assert_eq!(ids, want, "{text}");
            let first = &ing.tables.invocations[0];
            assert_eq!(first.max_memory_used_mb, Some(51), "{text}");
            if !text.starts_with("END") {
                assert_eq!(first.init_duration_ms, Some(200.0), "{text}");
            }
        }
        let ing = ingest_one(&cases[2], &opts);
        assert_eq!(ing.tables.invocations[1].timestamp, Some(1_756_980_001_000));
        // Verification of aeaeb12: awslogs' `-S` and custom-group layouts, and a plain
        // timestamped log, with the next line's prefix run into the last unit.
        for (p1, p2) in [
            (
                "/aws/lambda/rt 2025-09-04T10:00:00.100Z ".to_string(),
                "/aws/lambda/rt 2025-09-04T10:00:01.000Z ".to_string(),
            ),
            (
                format!("shared-logs {stream} 2025-09-04T10:00:00.100Z "),
                format!("shared-logs {stream} 2025-09-04T10:00:01.000Z "),
            ),
            (
                "2025-09-04T10:00:00.100Z ".to_string(),
                "2025-09-04T10:00:01.000Z ".to_string(),
            ),
        ] {
            let text = format!(
                "{p1}{}{p2}{}\n",
                rep(1, "\tInit Duration: 200.00 ms"),
                rep(2, "")
            );
            let ing = ingest_one(&text, &opts);
            assert_eq!(ing.skips.total, 0, "{text}: {:?}", ing.skips);
            let inv = &ing.tables.invocations;
            assert_eq!(inv.len(), 2, "{text}");
            assert_eq!(inv[0].init_duration_ms, Some(200.0), "{text}");
            assert_eq!(inv[1].timestamp, Some(1_756_980_001_000), "{text}");
        }
        // Verification of ba04336: an application's line `/aws/lambda/<fn> <time> ...` in a
        // plain log is its text (taken for awslogs' `-S` layout, it renamed the file's
        // function); a time run into an X-Ray line's `Sampled: true` is the next event's.
        // (Verification of 90847fb: also a forwarder's line of another function's START.)
        let text = format!(
            "2025-09-04T10:00:00.000Z START RequestId: r1 Version: $LATEST\n/aws/lambda/audit-sink 2025-09-04T10:00:00.050Z forwarded\n/aws/lambda/audit-sink 2025-09-04T10:00:00.060Z START RequestId: x9 Version: $LATEST\n2025-09-04T10:00:00.100Z {}\n",
            rep(1, "")
        );
        let ing = ingest_memory("orders.log", text.into_bytes(), &opts);
        assert!(ing.tables.logs.iter().all(|l| &*l.function == "orders"));
        assert_eq!(&*ing.tables.invocations[0].function, "orders");
        let text = format!(
            "2025-09-04T10:00:00.100Z {}\tXRAY TraceId: 1-5e1b4151-5ac6c58f1b2a4b5c6d7e8f90\tSegmentId: 6e4b0f1a2b3c4d5e\tSampled: true2025-09-04T10:00:01.000Z {}\n",
            rep(1, ""),
            rep(2, "")
        );
        let ing = ingest_one(&text, &opts);
        assert_eq!(ing.tables.invocations.len(), 2, "{:?}", ing.skips);
        assert_eq!(ing.tables.invocations[1].timestamp, Some(1_756_980_001_000));
        // An application's own line shaped like those layouts' prefix is its text, of the
        // file's function (it renamed the function).
        for line in [
            "/aws/lambda/payments is throttling our calls".to_string(),
            "/var/task/app.py 2025-09-01T10:00:00.150Z checkpoint reached".to_string(),
            format!("current {stream} (warm)"),
        ] {
            let text = format!(
                "2025-09-01T10:00:00.000Z START RequestId: r1 Version: $LATEST\n{line}\n2025-09-01T10:00:00.300Z {}\n",
                rep(1, "")
            );
            let ing = ingest_memory("app.log", text.into_bytes(), &opts);
            assert!(
                ing.tables.logs.iter().all(|l| &*l.function == "app"),
                "{line}: {:?}",
                ing.tables.logs
            );
            assert!(ing.tables.logs.iter().any(|l| l.message == line), "{line}");
        }
        // `sls logs`: `2025-09-04 17:01:40.003 (+02:00)\t<id>\t[INFO]\t...` is 15:01:40.003Z.
        let text = "2025-09-04 17:01:40.003 (+02:00)\tr1\t[INFO]\tprocessing item 0\n";
        let ing = ingest_one(text, &opts);
        let l = &ing.tables.logs[0];
        assert_eq!(l.timestamp, Some(1_756_998_100_003));
        assert!(l.message.starts_with("r1\t[INFO]"), "{:?}", l.message);
    }

    #[test]
    fn later_documents_with_a_bom_or_cut_short_and_coloured_prefixes_are_read() {
        let rep = |n: u32| {
            serde_json::json!({
                "logStreamName": "s", "timestamp": 1_756_684_800_000i64 + i64::from(n) * 1000,
                "message": format!("REPORT RequestId: 40000000-0000-4000-8000-00000000000{n}\tDuration: 5.00 ms\tBilled Duration: 5 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t\n"),
                "ingestionTime": 1_756_684_900_000i64, "eventId": format!("{n}")
            })
        };
        let doc = |ns: &[u32]| {
            serde_json::to_string_pretty(&serde_json::json!({
                "events": ns.iter().map(|&n| rep(n)).collect::<Vec<_>>(),
                "searchedLogStreams": []
            }))
            .unwrap()
        };
        // Four invocations, all timed.
        let read = |text: &str| {
            let ing = ingest_one(text, &IngestOptions::default());
            let timed = ing
                .tables
                .invocations
                .iter()
                .filter(|i| i.timestamp.is_some())
                .count();
            assert_eq!(
                (ing.tables.invocations.len(), timed),
                (4, 4),
                "{:?}",
                ing.skips
            );
            ing
        };
        // A BOM before the second document.
        let text = format!("{}\n\u{feff}{}\n", doc(&[1, 2]), doc(&[3, 4]));
        let ing = read(&text);
        assert_eq!(ing.skips.total, 0);
        // The second document cut inside its third event: its two whole events read, one skip.
        let second = doc(&[3, 4, 5]);
        let cut = &second[..second.rfind("REPORT").unwrap()];
        let text = format!("{}\n{cut}", doc(&[1, 2]));
        let ing = read(&text);
        assert_eq!(ing.skips.by_reason["truncated JSON at end of file"], 1);
        assert!(ing.tables.logs.is_empty(), "no JSON syntax as log lines");
        // Verification of d13a550: a cut after the records' array closed kept none of them;
        // a cut mid-line with the next document appended on the same line lost that one; a
        // text log opening with an application's broken JSON lost its lines.
        let full = doc(&[1, 2]);
        for cut in [
            full.trim_end().strip_suffix('}').unwrap().to_string(),
            full[..full.find("\"searchedLogStreams\"").unwrap() + 5].to_string(),
        ] {
            let ing = ingest_one(&cut, &IngestOptions::default());
            assert_eq!(ing.tables.invocations.len(), 2, "{cut}\n{:?}", ing.skips);
            assert_eq!(ing.skips.total, 1);
        }
        let first = doc(&[1, 2, 9]);
        let cut = &first[..first.rfind("REPORT").unwrap() + 10];
        let ing = read(&format!("{cut}{}\n", doc(&[3, 4])));
        assert_eq!(ing.skips.total, 1, "{:?}", ing.skips);
        assert!(ing.skips.examples[0]
            .reason
            .contains("another starts on it"));
        // A string cut just after a `{` (a JSON-format message), the next document on the next
        // line: that `{` is no document (verification of 0df4ecc: the next one was lost).
        let at = first.rfind("\"REPORT").unwrap() + 1;
        let cut_brace = format!("{}{{", &first[..at]);
        let ing = read(&format!("{cut_brace}\n{}\n", doc(&[3, 4])));
        assert_eq!(ing.skips.total, 1, "{:?}", ing.skips);
        let compact =
            serde_json::to_string(&serde_json::json!({"events": [rep(3), rep(4)]})).unwrap();
        let ing = read(&format!("{cut}{compact}\n"));
        assert_eq!(ing.skips.total, 1, "{:?}", ing.skips);
        // Both compact, on one line (verification of 0df4ecc: both lost without a word).
        let a = serde_json::to_string(&serde_json::json!({"events": [rep(1), rep(2), rep(9)]}))
            .unwrap();
        let a_cut = &a[..a.rfind("REPORT").unwrap() + 10];
        let ing = read(&format!("{a_cut}{compact}\n"));
        assert_eq!(ing.skips.total, 1, "{:?}", ing.skips);
        let app = "{\n  \"order\": 1,\n  \"note\": \"cut\n{\n  \"sku\": \"x\"\n}\nSTART RequestId: 40000000-0000-4000-8000-000000000001 Version: $LATEST\n";
        let ing = ingest_one(
            app,
            &IngestOptions {
                keep_logs: true,
                ..IngestOptions::default()
            },
        );
        assert_eq!(ing.skips.total, 0, "{:?}", ing.skips);
        assert!(
            ing.tables
                .logs
                .iter()
                .any(|l| l.message.contains("\"order\": 1")),
            "{:?}",
            ing.tables.logs
        );
        assert!(ing
            .tables
            .logs
            .iter()
            .any(|l| l.event_type.as_deref() == Some("START")));
        // Ninth-round ingestion review: a BOM on the line the document before ends (`cat` of
        // files written with `utf-8-sig` and no final newline) lost the whole file.
        let text = format!("{}\u{feff}{}", doc(&[1, 2]), doc(&[3, 4]));
        let ing = read(&text);
        assert_eq!(ing.skips.total, 0, "{:?}", ing.skips);
        // A document cut short with a whole one after it (the whole one was lost, the cut said
        // at the file's last line): the first's whole events and all of the second's are read,
        // the cut said where it is, whether it falls in a string, after an opening `{` or in
        // a number.
        for (cut_at, keep) in [
            ("REPORT", 0),
            ("\"eventId\"", 0),
            ("\"timestamp\": ", 17),
            ("\"logStreamName\"", 0),
        ] {
            let first = doc(&[1, 2, 9]);
            let cut = &first[..first.rfind(cut_at).unwrap() + keep];
            let text = format!("{cut}\n{}\n", doc(&[3, 4]));
            let cut_line = cut.lines().count() as u64;
            let ing = read(&text);
            assert_eq!(ing.skips.total, 1, "{:?}", ing.skips);
            let e = &ing.skips.examples[0];
            assert!(e.reason.starts_with("truncated JSON document: "), "{e:?}");
            assert!(e.source.ends_with(&format!(":{cut_line}")), "{e:?}");
        }
        // Cut outside a string (in a number, after a member's `,`) with the next document
        // written on from the cut, pretty or compact, last in the file or with another after
        // it (tenth-round verification set: the next one was lost, 30 of 183 cuts).
        let compact = |ns: &[u32]| {
            serde_json::to_string(&serde_json::json!({
                "events": ns.iter().map(|&n| rep(n)).collect::<Vec<_>>()
            }))
            .unwrap()
        };
        for (cut_at, keep) in [("\"timestamp\":", 16), ("\"ingestionTime\"", 0)] {
            for pretty in [true, false] {
                let first = if pretty {
                    doc(&[1, 2, 9])
                } else {
                    compact(&[1, 2, 9])
                };
                let cut = &first[..first.rfind(cut_at).unwrap() + keep];
                let cut_line = cut.lines().count() as u64;
                let next = |ns: &[u32]| if pretty { doc(ns) } else { compact(ns) };
                for third in [None, Some(next(&[5, 6]))] {
                    let mut text = format!("{cut}{}\n", next(&[3, 4]));
                    if let Some(t) = &third {
                        text.push_str(&format!("{t}\n"));
                    }
                    let ing = ingest_one(&text, &IngestOptions::default());
                    let want = if third.is_some() { 6 } else { 4 };
                    assert_eq!(
                        ing.tables.invocations.len(),
                        want,
                        "{text}\n{:?}",
                        ing.skips
                    );
                    assert_eq!(ing.skips.total, 1, "{:?}", ing.skips);
                    let e = &ing.skips.examples[0];
                    assert!(e.reason.contains("another starts on it"), "{e:?}");
                    assert!(e.source.ends_with(&format!(":{cut_line}")), "{e:?}");
                }
            }
        }
        // The next one cut short in turn, by a third document on the next line: its whole
        // records read too, a skip for each cut.
        let first = doc(&[1, 2, 9]);
        let cut = &first[..first.rfind("\"timestamp\": ").unwrap() + 17];
        let second = doc(&[3, 4, 8]);
        let second_cut = &second[..second.rfind("\"timestamp\": ").unwrap() + 17];
        let text = format!("{cut}{second_cut}\n{}\n", doc(&[5, 6]));
        let ing = ingest_one(&text, &IngestOptions::default());
        assert_eq!(ing.tables.invocations.len(), 6, "{:?}", ing.skips);
        assert_eq!(ing.skips.total, 2, "{:?}", ing.skips);
        // A chain on one line: a cut one, another cut one, a whole one; and compact arrays of
        // Telemetry events, one cut after a member's `,` (verification of 96f3996: the whole
        // line was lost, without a skip).
        let (a, b, c) = (compact(&[1, 2, 9]), compact(&[3, 4, 8]), compact(&[5, 6]));
        let a_cut = &a[..a.rfind("\"timestamp\":").unwrap() + 16];
        let b_cut = &b[..b.rfind("REPORT").unwrap() + 10];
        let ing = ingest_one(&format!("{a_cut}{b_cut}{c}\n"), &IngestOptions::default());
        assert_eq!(ing.tables.invocations.len(), 6, "{:?}", ing.skips);
        assert_eq!(ing.skips.total, 2, "{:?}", ing.skips);
        let telemetry = |ns: &[u32]| {
            serde_json::to_string(
                &ns.iter()
                    .map(|n| serde_json::json!({"time": format!("2025-09-04T15:00:0{n}.000Z"), "type": "platform.report",
                        "record": {"requestId": format!("a000000{n}-aaaa-4aaa-8aaa-aaaaaaaaaaaa"),
                            "metrics": {"durationMs": 10.5, "billedDurationMs": 11, "memorySizeMB": 128, "maxMemoryUsedMB": 60},
                            "status": "success"}}))
                    .collect::<Vec<_>>(),
            )
            .unwrap()
        };
        let first = telemetry(&[1, 2, 3]);
        let cut = &first[..first.rfind("\"metrics\"").unwrap()];
        let ing = ingest_one(
            &format!("{cut}{}\n", telemetry(&[4, 5])),
            &IngestOptions::default(),
        );
        assert_eq!(ing.tables.invocations.len(), 4, "{:?}", ing.skips);
        assert_eq!(ing.skips.total, 1, "{:?}", ing.skips);
        // Coloured `aws logs tail` lines.
        let line = "\x1b[32m2025-09-01T00:00:01.000000+00:00\x1b[0m \x1b[36m2025/09/01/[$LATEST]abc\x1b[0m REPORT RequestId: 40000000-0000-4000-8000-000000000009\tDuration: 5.00 ms\tBilled Duration: 5 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t\n";
        let ing = ingest_one(line, &IngestOptions::default());
        assert_eq!(ing.tables.invocations[0].timestamp, Some(1_756_684_801_000));
        assert_eq!(
            without_colours("a\x1b[1;31mb\x1b[0mc\x1b]0;t\x07"),
            "abc\x1b]0;t\x07"
        );

        // In an event's message too (pulled events, exports; live8 review): a coloured
        // `[ERROR]` is an error line, and a JSON line after a BOM is JSON.
        let lines = [
            serde_json::json!({"timestamp": 1_756_684_800_000i64, "message": "\u{1b}[31m[ERROR]\u{1b}[0m\t2025-09-01T00:00:00.000Z\t40000000-0000-4000-8000-000000000009\tboom", "logGroup": "/aws/lambda/f", "logStream": "s"}),
            serde_json::json!({"timestamp": 1_756_684_800_001i64, "message": "\u{feff}{\"level\": \"ERROR\", \"message\": \"bom\"}", "logGroup": "/aws/lambda/f", "logStream": "s"}),
        ]
        .map(|v| v.to_string())
        .join("\n");
        let ing = ingest_one(
            &lines,
            &IngestOptions {
                keep_logs: true,
                ..IngestOptions::default()
            },
        );
        let levels: Vec<Option<&str>> =
            ing.tables.logs.iter().map(|l| l.level.as_deref()).collect();
        assert_eq!(levels, [Some("ERROR"), Some("ERROR")]);
    }

    /// Last-round review of ingestion: two events run together on one line kept one invocation
    /// under the last request id with the last value of each field (the first REPORT lost, a
    /// REPORT filed under a START's id); a field twice on a REPORT took the last value.
    #[test]
    fn events_run_together_are_each_read() {
        let id = "cccccccc-0000-4000-8000-00000000000";
        let rep = |n: u32, d: &str| {
            format!("REPORT RequestId: {id}{n}\tDuration: {d} ms\tBilled Duration: 10 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\t")
        };
        let text = format!(
            "2025-09-01T00:00:00.000Z {}{}Init Duration: 300.00 ms\n\
             2025-09-01T00:00:01.000Z {}START RequestId: {id}4 Version: $LATEST\n\
             2025-09-01T00:00:02.000Z {}Duration: 99.00 ms\n",
            rep(1, "10.00"),
            rep(2, "900.00"),
            rep(3, "10.00"),
            rep(5, "10.00"),
        );
        let ing = ingest_one(&text, &IngestOptions::default());
        let got: Vec<(String, f64, bool)> = ing
            .tables
            .invocations
            .iter()
            .map(|i| (i.request_id.to_string(), i.duration_ms, i.cold_start))
            .collect();
        assert_eq!(
            got,
            [
                (format!("{id}1"), 10.0, false),
                (format!("{id}2"), 900.0, true),
                (format!("{id}3"), 10.0, false),
            ]
        );
        assert_eq!(ing.skips.by_reason["REPORT with a field given twice"], 1);
        assert!(ing
            .tables
            .logs
            .iter()
            .any(|l| l.request_id.as_deref() == Some(&format!("{id}4"))));
        // Behind a `sam logs` prefix the second takes the prefix's time too (verification:
        // it had none).
        let text = format!(
            "2025/09/01/[$LATEST]88ab219a63d343d294d0a9947e8ab36a 2025-09-01T00:00:05.000000 {}{}\n",
            rep(6, "10.00"),
            rep(7, "20.00")
        );
        let ing = ingest_one(&text, &IngestOptions::default());
        let times: Vec<Option<i64>> = ing.tables.invocations.iter().map(|i| i.timestamp).collect();
        assert_eq!(times, [Some(1_756_684_805_000); 2]);
        // Ninth-round ingestion review: with its own time (S3 export, `aws logs tail`), the
        // second takes it, and it is no part of the first's text.
        let text = format!(
            "2025-09-01T00:00:05.000Z {}2025-09-01T00:00:59.000Z {}\n",
            rep(8, "10.00"),
            rep(9, "20.00")
        );
        let ing = ingest_one(
            &text,
            &IngestOptions {
                keep_logs: true,
                ..IngestOptions::default()
            },
        );
        let times: Vec<Option<i64>> = ing.tables.invocations.iter().map(|i| i.timestamp).collect();
        assert_eq!(times, [Some(1_756_684_805_000), Some(1_756_684_859_000)]);
        assert!(
            ing.tables
                .logs
                .iter()
                .all(|l| !l.message.contains("00:00:59")),
            "{:?}",
            ing.tables.logs
        );
    }

    /// Last-round review of ingestion: `sam logs` of a function in the JSON log format prints
    /// each JSON message pretty after the stream and time; none of it was read (the REPORT's
    /// platform.report neither). A `{` after the prefix that opens no JSON object is the
    /// application's lines, as is one the file ends inside.
    #[test]
    fn sam_logs_pretty_json_messages_are_events() {
        let stream = "2025/09/02/[$LATEST]88ab219a63d343d294d0a9947e8ab36a";
        let id = "6f1c2a9e-3b7d-4e52-9a10-2c4d8e7f1b38";
        let text = format!(
            "{stream} 2025-09-02T11:27:22.600000 {{\n  \"time\": \"2025-09-02T11:27:22.600Z\",\n  \"type\": \"platform.report\",\n  \"record\": {{\"requestId\": \"{id}\", \"metrics\": {{\"durationMs\": 200.5, \"billedDurationMs\": 201, \"memorySizeMB\": 128, \"maxMemoryUsedMB\": 60}}}}\n}}\n\
             {stream} 2025-09-02T11:27:23.000000 {{\n  a: 1,\n}}\n\
             {stream} 2025-09-02T11:27:24.000000 {{\"level\": \"INFO\", \"message\": \"one line\"}}\n\
             {stream} 2025-09-02T11:27:25.000000 {{\n  \"level\": \"INFO\",\n"
        );
        let ing = ingest_one(&text, &IngestOptions::default());
        let inv = &ing.tables.invocations;
        assert_eq!(inv.len(), 1, "{:?}", ing.skips);
        assert_eq!(inv[0].duration_ms, 200.5);
        assert_eq!(inv[0].timestamp, Some(1_756_812_442_600));
        assert_eq!(&*inv[0].source.to_string(), "/aws/lambda/orders-api:1");
        let logs: Vec<(u64, String)> = ing
            .tables
            .logs
            .iter()
            .map(|l| (l.source.line, l.message.to_string()))
            .collect();
        // The Node-style object's three lines, the one-line JSON message, and the two lines of
        // the value the file ends inside.
        assert_eq!(
            logs.iter().map(|l| l.0).collect::<Vec<_>>(),
            [6, 7, 8, 9, 10, 11],
            "{logs:?}"
        );
        assert_eq!(logs[3].1, "one line");
        assert_eq!(ing.skips.total, 0, "{:?}", ing.skips);
        // A message cut short ends at the next event's prefix (verification of 0589241: every
        // later event of the file had become application text); its lines are the
        // application's.
        let cut = format!(
            "{stream} 2025-09-02T11:27:22.200000 {{\"level\": \"INFO\", \"message\": \"cut \n{}",
            text.lines().take(5).collect::<Vec<_>>().join("\n")
        );
        let ing = ingest_one(&cut, &IngestOptions::default());
        assert_eq!(ing.tables.invocations.len(), 1, "{:?}", ing.skips);
        assert_eq!(ing.tables.logs.len(), 1);
        assert_eq!(ing.tables.logs[0].source.line, 1);
    }

    /// Last-round review of ingestion: a line whose date does not exist (`2026-02-30`) made a
    /// record without a time and said nothing; now it is said (JSON and stderr), for REPORTs
    /// in a report and for every line read in an export of logs. A REPORT in another unit
    /// (`Duration: 10.00 s`, read as 10 ms) is refused with its unit.
    #[test]
    fn impossible_dates_are_said_and_other_units_refused() {
        let id = "40000000-0000-4000-8000-00000000000";
        let rep = |n: u32, date: &str, d: &str| {
            format!("{date} REPORT RequestId: {id}{n}\tDuration: {d}\tBilled Duration: 10 ms\tMemory Size: 128 MB\tMax Memory Used: 16 MB\n")
        };
        let text = format!(
            "2026-02-30T10:00:00.000Z START RequestId: {id}1 Version: $LATEST\n\
             2026-02-30T10:00:00.000Z\t{id}1\tINFO\thello\n{}{}{}",
            rep(1, "2026-02-30T10:00:00.100Z", "10.00 ms"),
            rep(2, "2026-03-01T25:00:00.100Z", "10.00 ms"),
            rep(3, "2026-03-01T10:00:00.100Z", "10.00 s"),
        );
        let ing = ingest_one(&text, &IngestOptions::default());
        let times: Vec<Option<i64>> = ing.tables.invocations.iter().map(|i| i.timestamp).collect();
        assert_eq!(times, [None, None], "{:?}", ing.skips);
        assert_eq!(ing.skips.impossible_times, 4);
        assert_eq!(
            ing.skips.impossible_times_at[3],
            "/aws/lambda/orders-api:4 (2026-03-01T25:00:00.100Z)"
        );
        assert_eq!(
            ing.skips.by_reason["REPORT field in another unit than ms or MB"],
            1
        );
        let summary = crate::output::report::skipped_summary(&ing.skips, 5);
        assert!(
            summary.starts_with("warning: 4 line(s) carry a date or time that does not exist"),
            "{summary}"
        );
        // A line in the `<time> LEVEL message` layout does not take the time of the line
        // before it (verification of 17ea172), nor do the lines continuing it.
        let ing = ingest_one(
            "2026-03-01T10:00:00.000Z INFO a\n2026-02-29T23:00:00.000Z INFO b\n  more of b\n",
            &IngestOptions::default(),
        );
        let times: Vec<Option<i64>> = ing.tables.logs.iter().map(|l| l.timestamp).collect();
        assert_eq!(times, [Some(1_772_359_200_000), None, None]);
        // The report's path says the REPORTs' dates too.
        let opts = IngestOptions {
            report_columns: true,
            ..IngestOptions::default()
        };
        let ing = ingest_one(&text, &opts);
        for line in [":3 (", ":4 ("] {
            assert!(
                ing.skips
                    .impossible_times_at
                    .iter()
                    .any(|a| a.contains(line)),
                "{:?}",
                ing.skips
            );
        }
    }

    /// Third-round logs review: after a failed INIT, the environment initialised again inside
    /// the invoke phase (`INIT_REPORT … Phase: invoke`); that invocation was counted warm, its
    /// 1.7 s INIT in the warm percentiles, and the failures were in no figure or note.
    #[test]
    fn a_reinit_in_the_invoke_phase_is_a_cold_start_and_init_failures_are_said() {
        let text = "INIT_REPORT Init Duration: 206.72 ms\tPhase: init\tStatus: error\tError Type: Runtime.ExitError\n\
                    INIT_REPORT Init Duration: 1666.62 ms\tPhase: invoke\tStatus: error\tError Type: Runtime.ExitError\n\
                    START RequestId: 40000000-0000-4000-8000-000000000001 Version: $LATEST\n\
                    END RequestId: 40000000-0000-4000-8000-000000000001\n\
                    REPORT RequestId: 40000000-0000-4000-8000-000000000001\tDuration: 1687.96 ms\tBilled Duration: 1688 ms\tMemory Size: 128 MB\tMax Memory Used: 16 MB\n\
                    START RequestId: 40000000-0000-4000-8000-000000000002 Version: $LATEST\n\
                    REPORT RequestId: 40000000-0000-4000-8000-000000000002\tDuration: 20.00 ms\tBilled Duration: 20 ms\tMemory Size: 128 MB\tMax Memory Used: 16 MB\n";
        let rows = ingest_one(text, &IngestOptions::default());
        let cold: Vec<(bool, Option<f64>)> = rows
            .tables
            .invocations
            .iter()
            .map(|i| (i.cold_start, i.init_duration_ms))
            .collect();
        // Cold, its INIT inside its Duration (as billed); the next one warm.
        assert_eq!(cold, [(true, None), (false, None)]);
        assert_eq!(rows.skips.init_failures.len(), 2, "{:?}", rows.skips);
        assert!(rows.skips.init_failures[1].ends_with(":2 (Phase: invoke, Status: error)"));
        assert_eq!(rows.skips.total, 0);
        // The report's columns alike.
        let opts = IngestOptions {
            report_columns: true,
            ..IngestOptions::default()
        };
        let cols = ingest_one(text, &opts).columns;
        assert_eq!((cols.cold_start(0), cols.cold_start(1)), (true, false));
        // The JSON log format's platform.initReport says the same.
        let json = r#"{"time":"2025-09-01T00:00:00.000Z","type":"platform.initReport","record":{"initializationType":"on-demand","phase":"init","status":"timeout","metrics":{"durationMs":10000.0}}}"#;
        let ing = ingest_one(json, &IngestOptions::default());
        assert_eq!(
            ing.skips.init_failures,
            ["/aws/lambda/orders-api:1 (phase: init, status: timeout)"]
        );
        // A JSON-format re-initialisation in the invoke phase makes the next report cold too
        // (fifth-round known limit: it was noted but the invocation counted warm).
        let report = |id: u32, ms: f64| {
            format!(
                r#"{{"time":"2025-09-01T00:00:0{id}.000Z","type":"platform.report","record":{{"requestId":"40000000-0000-4000-8000-00000000000{id}","metrics":{{"durationMs":{ms},"billedDurationMs":{ms},"memorySizeMB":128,"maxMemoryUsedMB":16}},"status":"success"}}}}"#
            )
        };
        let json = [
            r#"{"time":"2025-09-01T00:00:00.000Z","type":"platform.initReport","record":{"initializationType":"on-demand","phase":"invoke","status":"success","metrics":{"durationMs":1666.6}}}"#.to_string(),
            report(1, 1688.0),
            report(2, 20.0),
        ]
        .join("\n");
        let rows = ingest_one(&json, &IngestOptions::default());
        let cold: Vec<bool> = rows
            .tables
            .invocations
            .iter()
            .map(|i| i.cold_start)
            .collect();
        assert_eq!(cold, [true, false]);
        let cols = ingest_one(&json, &opts).columns;
        assert_eq!((cols.cold_start(0), cols.cold_start(1)), (true, false));
    }

    /// Fifth-round verification: a text log whose first line is an application's JSON line was
    /// read as NDJSON, every START/REPORT after it skipped as "line is not JSON".
    #[test]
    fn a_text_log_starting_with_a_json_line_is_text() {
        let text = "{\"level\":\"INFO\",\"message\":\"app json first\"}\n\
                    START RequestId: 60000000-0000-4000-8000-000000000001 Version: $LATEST\n\
                    END RequestId: 60000000-0000-4000-8000-000000000001\n\
                    REPORT RequestId: 60000000-0000-4000-8000-000000000001\tDuration: 20.00 ms\tBilled Duration: 20 ms\tMemory Size: 128 MB\tMax Memory Used: 16 MB\n";
        let ing = ingest_one(text, &IngestOptions::default());
        assert_eq!(ing.skips.total, 0, "{:?}", ing.skips);
        assert_eq!(ing.tables.invocations.len(), 1);
        assert!(ing
            .tables
            .logs
            .iter()
            .any(|l| l.message.contains("app json first")));
    }

    /// Third-round logs review: a `Task timed out` whose REPORT is missing (a log cut short)
    /// was in no figure and nothing said so.
    #[test]
    fn failures_without_a_report_are_said() {
        let text = "START RequestId: 50000000-0000-4000-8000-000000000001 Version: $LATEST\n\
                    2025-09-01T00:02:03.000Z 50000000-0000-4000-8000-000000000001 Task timed out after 3.00 seconds\n\
                    END RequestId: 50000000-0000-4000-8000-000000000001\n\
                    2025-09-01T00:03:03.000Z 50000000-0000-4000-8000-000000000002 Task timed out after 3.00 seconds\n\
                    REPORT RequestId: 50000000-0000-4000-8000-000000000002\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 16 MB\tStatus: timeout\n";
        for columns in [false, true] {
            let opts = IngestOptions {
                report_columns: columns,
                ..IngestOptions::default()
            };
            let ing = ingest_one(text, &opts);
            assert_eq!(
                ing.skips.unreported_failures,
                ["50000000-0000-4000-8000-000000000001 (timeout)"],
                "{columns}"
            );
            assert_eq!(ing.skips.total, 0);
        }
    }

    /// Fourth-round ingestion review: a Logs Insights console copy (markdown) names its log
    /// group in its header; its rows took the file stem as their function.
    #[test]
    fn a_markdown_copy_takes_the_log_group_its_header_names() {
        let text = "# Lambda Logs (Insights)\n\n**CloudWatch Logs Insights**  \nregion: us-east-1  \nlog-group-names: /aws/lambda/ie-staging-claudeInvoker  \n---\n| @timestamp | @message | @requestId | @type |\n| --- | --- | --- | --- |\n| 2025-08-15 12:44:57.964 | REPORT RequestId: d4bb972a-523d-435f-ba6f-92950f76ad55\tDuration: 3497.80 ms\tBilled Duration: 3498 ms\tMemory Size: 1024 MB\tMax Memory Used: 119 MB\tInit Duration: 986.19 ms\t  | d4bb972a-523d-435f-ba6f-92950f76ad55 | REPORT |\n";
        let input = MemoryInput {
            name: "insights-2025-08-15-table.md".into(),
            bytes: text.as_bytes().to_vec(),
        };
        let ing = ingest_inputs(&[], vec![input], &IngestOptions::default(), None).unwrap();
        let names: Vec<&str> = ing
            .tables
            .invocations
            .iter()
            .map(|i| &*i.function)
            .collect();
        assert_eq!(names, ["ie-staging-claudeInvoker"]);
    }

    /// Verification review of the attribution: Logs Insights results come newest first (the
    /// error line went to the request before), an S3 export splits one stream over objects
    /// (`000000.gz`, `000001.gz`), and a request without END ends at its REPORT.
    #[test]
    fn attribution_takes_time_order_export_objects_and_report_ends() {
        let (a, b) = (
            "60000000-0000-4000-8000-00000000000a",
            "60000000-0000-4000-8000-00000000000b",
        );
        let report = |id: &str| {
            format!("REPORT RequestId: {id}\tDuration: 5.00 ms\tBilled Duration: 5 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t")
        };
        let opts = IngestOptions {
            keep_logs: true,
            ..IngestOptions::default()
        };
        let request_of = |ing: &Ingested, start: &str| {
            ing.tables
                .logs
                .iter()
                .find(|l| l.message.starts_with(start))
                .and_then(|l| l.request_id.clone())
        };
        // Newest first, as an NDJSON export of a query sorted by @timestamp desc.
        let ev = |ms: u64, msg: &str| {
            format!(
                "{}\n",
                serde_json::json!({"timestamp": 1_756_684_800_000u64 + ms, "message": msg, "logGroup": "/aws/lambda/f", "logStream": "s"})
            )
        };
        let lines = [
            ev(1, &format!("START RequestId: {a} Version: $LATEST")),
            ev(2, "print of a"),
            ev(3, &format!("END RequestId: {a}")),
            ev(4, &report(a)),
            ev(5, &format!("START RequestId: {b} Version: $LATEST")),
            ev(6, "[ERROR] KeyError: 'id'"),
            ev(7, &format!("END RequestId: {b}")),
            ev(8, &report(b)),
        ];
        let newest_first: String = lines.iter().rev().cloned().collect();
        let ing = ingest_one(&newest_first, &opts);
        assert_eq!(request_of(&ing, "[ERROR] KeyError").as_deref(), Some(b));
        assert_eq!(request_of(&ing, "print of a").as_deref(), Some(a));
        // No END: the request ends at its REPORT.
        let no_end: String = [
            ev(1, &format!("START RequestId: {a} Version: $LATEST")),
            ev(2, "print of a"),
            ev(4, &report(a)),
            ev(5, "extension flush after the REPORT"),
        ]
        .concat();
        let ing = ingest_one(&no_end, &opts);
        assert_eq!(request_of(&ing, "print of a").as_deref(), Some(a));
        assert_eq!(request_of(&ing, "extension flush"), None);
        // Without times (a console copy, `sam local`), and a line in the REPORT's millisecond
        // after it: the place in the file tells (third verification review).
        let untimed = format!(
            "START RequestId: {a} Version: $LATEST\nprint of a\n{}\nafter the REPORT\n",
            report(a)
        );
        let ing = ingest_one(&untimed, &opts);
        assert_eq!(request_of(&ing, "print of a").as_deref(), Some(a));
        assert_eq!(request_of(&ing, "after the REPORT"), None);
        let same_ms: String = [
            ev(1, &format!("START RequestId: {a} Version: $LATEST")),
            ev(4, &report(a)),
            ev(4, "in the REPORT's millisecond"),
        ]
        .concat();
        let ing = ingest_one(&same_ms, &opts);
        assert_eq!(request_of(&ing, "in the REPORT's millisecond"), None);
        // One stream of an S3 export over two objects.
        let dir = "exportedlogs/f/0f1e2d3c-0000-4000-8000-000000000000/2025/09/01/[$LATEST]abc";
        let inputs = vec![
            MemoryInput {
                name: format!("{dir}/000000.gz"),
                bytes: format!("2025-09-01T00:00:00.001Z START RequestId: {a} Version: $LATEST\n")
                    .into_bytes(),
            },
            MemoryInput {
                name: format!("{dir}/000001.gz"),
                bytes: format!(
                    "2025-09-01T00:00:00.002Z [ERROR] KeyError: 'id'\n2025-09-01T00:00:00.003Z END RequestId: {a}\n2025-09-01T00:00:00.004Z {}\n",
                    report(a)
                )
                .into_bytes(),
            },
        ];
        let ing = ingest_inputs(&[], inputs, &opts, None).unwrap();
        assert_eq!(request_of(&ing, "[ERROR] KeyError").as_deref(), Some(a));
    }

    /// Lambda retries a failed asynchronous event under the same request id: the failure
    /// belongs to the attempt it happened in (the retry that succeeded is a success), and
    /// retries that failed the same way each count (same timings, a minute apart), in the
    /// columns `report` reads and in the rows `export` writes alike.
    #[test]
    fn retries_keep_their_own_status_and_count_apart() {
        let id = "8f5e2a10-1c2d-4e5f-9a0b-1c2d3e4f5a6b";
        let attempt = |start: &str, end: &str, timed_out: bool, ms: &str| {
            let mut t = format!("{start} START RequestId: {id} Version: $LATEST\n");
            if timed_out {
                t += &format!("{end} {end} {id} Task timed out after 3.00 seconds\n");
            }
            t += &format!(
                "{end} END RequestId: {id}\n{end} REPORT RequestId: {id}\tDuration: {ms} ms\tBilled Duration: 3000 ms\tMemory Size: 512 MB\tMax Memory Used: 90 MB\t\n"
            );
            t
        };
        // Timed out, timed out again with the very same figures, then succeeded.
        let text = attempt(
            "2025-09-01T00:00:00.000Z",
            "2025-09-01T00:00:03.000Z",
            true,
            "3000.00",
        ) + &attempt(
            "2025-09-01T00:01:05.000Z",
            "2025-09-01T00:01:08.000Z",
            true,
            "3000.00",
        ) + &attempt(
            "2025-09-01T00:03:10.000Z",
            "2025-09-01T00:03:12.000Z",
            false,
            "2000.00",
        );
        let want = [Status::Timeout, Status::Timeout, Status::Success];
        let rows = ingest_one(&text, &IngestOptions::default());
        assert_eq!(rows.duplicates, 0);
        let got: Vec<Status> = rows.tables.invocations.iter().map(|i| i.status).collect();
        assert_eq!(got, want);
        let cols = ingest_one(
            &text,
            &IngestOptions {
                report_columns: true,
                ..IngestOptions::default()
            },
        );
        assert_eq!(cols.duplicates, 0);
        let got: Vec<Status> = (0..cols.columns.len())
            .map(|r| cols.columns.status(r))
            .collect();
        assert_eq!(got, want);
        // The same file read twice is still one read of each attempt.
        let twice = MemoryInput {
            name: "/aws/lambda/orders-api".into(),
            bytes: text.as_bytes().to_vec(),
        };
        let both = ingest_inputs(
            &[],
            vec![twice.clone(), twice],
            &IngestOptions::default(),
            None,
        )
        .unwrap();
        assert_eq!((both.tables.invocations.len(), both.duplicates), (3, 3));
    }

    /// One trace holding two invocations (A invoking B): each function's spans take its own
    /// request, whichever order the logs are read in.
    #[test]
    fn spans_take_the_request_of_their_own_function() {
        let span = |id: &str, function: &str, parent: Option<&str>| crate::model::Span {
            name: function.into(),
            function: Arc::from(function),
            span_kind: crate::model::SpanKind::Segment,
            ..repeats::tests::span("1-68b6f91f-000000000000000000000006", id, parent, Some(1.0))
        };
        let inv = |function: &str, request: &str| crate::model::Invocation {
            function: Arc::from(function),
            request_id: request.into(),
            timestamp: Some(1),
            duration_ms: 1.0,
            billed_duration_ms: 1.0,
            memory_size_mb: 128,
            max_memory_used_mb: None,
            init_duration_ms: None,
            restore_duration_ms: None,
            billed_restore_duration_ms: None,
            cold_start: false,
            status: crate::model::Status::Success,
            error_type: None,
            trace_id: Some("1-68b6f91f-000000000000000000000006".into()),
            source: crate::model::SourceRef {
                file: Arc::from("a.log"),
                line: 1,
            },
            log_stream: None,
        };
        for (first, second) in [(("a", "ra"), ("b", "rb")), (("b", "rb"), ("a", "ra"))] {
            let mut tables = Tables {
                invocations: vec![inv(first.0, first.1), inv(second.0, second.1)],
                spans: vec![
                    span("1", "a", None),
                    span("2", "b", Some("1")),
                    span("3", "gw", None),
                ],
                ..Tables::default()
            };
            link_records(&mut tables);
            let got: Vec<Option<&str>> = tables
                .spans
                .iter()
                .map(|s| s.request_id.as_deref())
                .collect();
            // The gateway's span is of neither function, and the trace holds two invocations.
            assert_eq!(got, [Some("ra"), Some("rb"), None]);
        }
        // One invocation in the trace: every span of it is of that request.
        let mut tables = Tables {
            invocations: vec![inv("a", "ra")],
            spans: vec![span("1", "a", None), span("3", "gw", None)],
            ..Tables::default()
        };
        link_records(&mut tables);
        assert!(tables
            .spans
            .iter()
            .all(|s| s.request_id.as_deref() == Some("ra")));
    }

    #[test]
    fn records_of_pretty_printed_pages_name_their_own_lines() {
        let report = "REPORT RequestId: 6f1c2a9e-3b7d-4e52-9a10-2c4d8e7f1b33\tDuration: 48.27 ms\tBilled Duration: 49 ms\tMemory Size: 512 MB\tMax Memory Used: 91 MB\t\n";
        let page = serde_json::json!({
            "events": [
                {"logStreamName": "s", "timestamp": 1756821791400i64, "message": "START RequestId: 6f1c2a9e-3b7d-4e52-9a10-2c4d8e7f1b33 Version: $LATEST\n", "eventId": "1"},
                {"logStreamName": "s", "timestamp": 1756821791450i64, "eventId": "2"},
                {"logStreamName": "s", "timestamp": 1756821791482i64, "message": report, "eventId": "3"},
            ],
            "searchedLogStreams": [],
        });
        let text = serde_json::to_string_pretty(&page).unwrap();
        // The line of the `{` that opens the event with `eventId` `id`.
        let line_of = |text: &str, id: &str| {
            let lines: Vec<&str> = text.lines().collect();
            let at = lines
                .iter()
                .position(|l| l.contains(&format!("\"eventId\": \"{id}\"")))
                .unwrap();
            (0..at).rev().find(|&i| lines[i].trim() == "{").unwrap() as u64 + 1
        };
        // Pages of `aws logs filter-log-events` and arrays of events alike.
        let array = serde_json::to_string_pretty(&page["events"]).unwrap();
        for (text, is_page) in [(text, true), (array, false)] {
            let (want_bad, want_report) = (line_of(&text, "2"), line_of(&text, "3"));
            assert!(want_bad > 2 && want_report > want_bad);
            let ing = ingest_one(&text, &IngestOptions::default());
            assert_eq!(ing.tables.invocations.len(), 1);
            assert_eq!(ing.tables.invocations[0].source.line, want_report);
            let lines: Vec<u64> = ing.tables.logs.iter().map(|r| r.source.line).collect();
            if is_page {
                // An event of a page without a message is a skip on its own line.
                assert_eq!(ing.skips.total, 1, "{:?}", ing.skips);
                assert_eq!(
                    ing.skips.examples[0].source,
                    format!("/aws/lambda/orders-api:{want_bad}")
                );
                assert_eq!(lines, [line_of(&text, "1")]);
            } else {
                // In a bare array it is an application's JSON record, on its own line too.
                assert_eq!(ing.skips.total, 0, "{:?}", ing.skips);
                assert_eq!(lines, [line_of(&text, "1"), want_bad]);
            }
        }
    }

    /// Lines passed over unparsed when only invocations are wanted must not hold what the
    /// run does want: X-Ray segments for `traces`, Kinesis records for `report`.
    /// An NDJSON export whose first record is cut short (or holds a raw control character) is
    /// still NDJSON: that line is skipped, the rest read (it was read as text, losing them all).
    #[test]
    fn a_malformed_first_record_does_not_make_ndjson_text() {
        let good = |i: i64| {
            format!(
                "{{\"timestamp\":{},\"message\":\"ok {i}\",\"logGroup\":\"/aws/lambda/fe\",\"logStream\":\"s\"}}\n",
                1_756_684_800_000 + i
            )
        };
        let opts = IngestOptions {
            keep_logs: true,
            ..IngestOptions::default()
        };
        for first in [
            "{\"timestamp\":1756684800000,\"message\":\"cut off\",\"logGroup\":\"/aws/lambda/fe\"\n",
            "{\"timestamp\":1756684800000,\"message\":\"a\ttab\",\"logGroup\":\"/aws/lambda/fe\",\"logStream\":\"s\"}\n",
        ] {
            let text: String = std::iter::once(first.to_string()).chain((1..=4).map(good)).collect();
            let ing = ingest_one(&text, &opts);
            assert_eq!(ing.tables.logs.len(), 4, "{first}: {:?}", ing.skips);
            assert_eq!(ing.skips.total, 1);
            assert!(ing.skips.by_reason.contains_key("malformed JSON line"), "{:?}", ing.skips);
        }
    }

    /// A `platform.report` skip names the metric and what it held, and which required metric
    /// is missing (a number given as text is not "missing").
    #[test]
    fn platform_report_skips_name_the_metric() {
        let ev = |metrics: &str| {
            format!(
                "{{\"time\":\"2025-09-01T00:00:00.000Z\",\"type\":\"platform.report\",\"record\":{{\"requestId\":\"r1\",\"metrics\":{{{metrics}}}}}}}\n"
            )
        };
        let cases = [
            (
                r#""durationMs":-10,"billedDurationMs":1,"memorySizeMB":128"#,
                "platform.report metric out of range: durationMs is -10; it takes a number from 0 to 10^9",
            ),
            (
                r#""durationMs":"10","billedDurationMs":1,"memorySizeMB":128"#,
                "platform.report metric out of range: durationMs is \"10\", not a number",
            ),
            (
                r#""durationMs":10,"memorySizeMB":128"#,
                "platform.report missing a required metric: no billedDurationMs: durationMs, billedDurationMs and memorySizeMB are required",
            ),
        ];
        for (metrics, want) in cases {
            let ing = ingest_one(&ev(metrics), &IngestOptions::default());
            assert_eq!(ing.skips.examples.len(), 1, "{metrics}");
            assert_eq!(ing.skips.examples[0].reason, want);
        }
    }

    /// Datapoints and results of pretty-printed metrics documents, and the rows of Logs
    /// Insights results, name the line they start on, not the document's first.
    #[test]
    fn metric_points_and_insights_rows_name_their_own_lines() {
        let gms = serde_json::to_string_pretty(&serde_json::json!({
            "Label": "Invocations",
            "Datapoints": [
                {"Timestamp": "2025-09-01T00:00:00Z", "Sum": 1.0, "Unit": "Count"},
                {"Timestamp": "2025-09-01T01:00:00Z", "Sum": 2.0, "Unit": "Count"},
            ]
        }))
        .unwrap();
        let opts = IngestOptions {
            keep_metrics: true,
            ..IngestOptions::default()
        };
        let ing = ingest_one(&gms, &opts);
        let lines: Vec<u64> = ing.tables.metrics.iter().map(|p| p.source.line).collect();
        let want: Vec<u64> = gms
            .lines()
            .enumerate()
            .filter(|(_, l)| l.trim() == "{")
            .skip(1)
            .map(|(i, _)| i as u64 + 1)
            .collect();
        assert_eq!(lines, want, "{gms}");
        let rows = serde_json::to_string_pretty(&serde_json::json!({
            "results": [
                [{"field": "@timestamp", "value": "2025-09-01 00:00:00.000"}, {"field": "@message", "value": "a"}],
                [{"field": "@timestamp", "value": "2025-09-01 00:00:01.000"}, {"field": "@message", "value": "b"}],
            ],
            "status": "Complete"
        }))
        .unwrap();
        let ing = ingest_one(
            &rows,
            &IngestOptions {
                keep_logs: true,
                ..IngestOptions::default()
            },
        );
        let lines: Vec<u64> = ing.tables.logs.iter().map(|l| l.source.line).collect();
        let want: Vec<u64> = rows
            .lines()
            .enumerate()
            .filter(|(_, l)| l.trim() == "[")
            .map(|(i, _)| i as u64 + 1)
            .collect();
        assert_eq!(lines, want, "{rows}");
    }

    /// Ninth-round ingestion review: a Logs Insights row whose `@timestamp` is no time was kept
    /// without one, where an NDJSON export's is a skip; it is a skip at its row's line.
    #[test]
    fn an_insights_row_without_a_readable_time_is_a_skip() {
        let row = |ts: &str, n: u32| {
            serde_json::json!([
                {"field": "@timestamp", "value": ts},
                {"field": "@message", "value": format!("START RequestId: 40000000-0000-4000-8000-00000000000{n} Version: $LATEST")},
                {"field": "@log", "value": "123456789012:/aws/lambda/f"}
            ])
        };
        let doc = serde_json::json!({"results": [
            row("2025-09-01 00:00:00.000", 1),
            row("yesterday", 2),
            row("2025-02-29 10:00:00.000", 3),
            row("1999-09-04 10:00:00.000", 4),
        ], "status": "Complete"});
        let text = serde_json::to_string_pretty(&doc).unwrap();
        let ing = ingest_one(
            &text,
            &IngestOptions {
                keep_logs: true,
                ..IngestOptions::default()
            },
        );
        assert_eq!(ing.tables.logs.len(), 1, "{:?}", ing.skips);
        assert_eq!(ing.skips.by_reason["unreadable timestamp"], 2);
        assert_eq!(ing.skips.by_reason["timestamp out of range"], 1);
        // A date that does not exist is said as such.
        assert!(ing.skips.examples.iter().any(|e| e
            .reason
            .contains("\"2025-02-29 10:00:00.000\" is a date or time that does not exist")));
        let rows: Vec<u64> = text
            .lines()
            .enumerate()
            .filter(|(_, l)| l.trim() == "[")
            .skip(1)
            .map(|(i, _)| i as u64 + 1)
            .collect();
        let at: Vec<String> = ing
            .skips
            .examples
            .iter()
            .map(|e| e.source.clone())
            .collect();
        assert_eq!(at.len(), 3);
        for (a, line) in at.iter().zip(&rows) {
            assert!(a.ends_with(&format!(":{line}")), "{at:?} {rows:?}");
        }
    }

    /// Ninth-round traces review: a GetTraceSummaries row skipped for an Id that holds no time
    /// was at the document's first line; it is at its Id's.
    #[test]
    fn a_skipped_summary_row_is_at_its_id() {
        let doc = serde_json::json!({"TraceSummaries": [
            {"Id": "1-68b6f91f-000000000000000000000001", "Duration": 0.2, "HasError": false},
            {"Id": "2-zz", "Duration": 0.2, "HasError": false},
        ]});
        let text = serde_json::to_string_pretty(&doc).unwrap();
        let at = text.lines().position(|l| l.contains("2-zz")).unwrap() as u64 + 1;
        let ing = ingest_one(
            &text,
            &IngestOptions {
                keep_spans: true,
                ..IngestOptions::default()
            },
        );
        let e = &ing.skips.examples[0];
        assert!(e.source.ends_with(&format!(":{at}")), "{e:?} {at}");
    }

    /// Seventh-round known limit: the partial-trace note of a pretty-printed BatchGetTraces
    /// file named its line 1; it names the line of the trace's `Id`.
    #[test]
    fn a_partial_trace_in_a_pretty_document_is_at_its_id() {
        let trace = |id: &str, limit: bool| {
            serde_json::json!({
                "Id": id, "Duration": 0.275, "LimitExceeded": limit,
                "Segments": [{"Id": "5d2c8b1a9e7f3c4d", "Document": serde_json::json!({
                    "id": "5d2c8b1a9e7f3c4d", "name": "orders-api", "trace_id": id,
                    "start_time": 1756821790.958, "end_time": 1756821791.222,
                    "origin": "AWS::Lambda::Function"
                }).to_string()}]
            })
        };
        let doc = serde_json::json!({"Traces": [
            trace("1-68b6f91f-000000000000000000000001", false),
            trace("1-68b6f91f-000000000000000000000002", true),
        ]});
        let text = serde_json::to_string_pretty(&doc).unwrap();
        let id_line = text
            .lines()
            .position(|l| l.contains("\"Id\": \"1-68b6f91f-000000000000000000000002\""))
            .unwrap()
            + 1;
        let ing = ingest_one(&text, &IngestOptions::default());
        assert_eq!(
            ing.skips.partial_traces,
            [format!(
                "/aws/lambda/orders-api:{id_line} (1-68b6f91f-000000000000000000000002)"
            )]
        );
    }

    /// Third-round traces review: a BatchGetTraces trace with `LimitExceeded` (X-Ray left
    /// segments out) read as a whole trace, without a word. Fourth round: said, but not as a
    /// skipped record (nothing was skipped; `--strict` failed a page straight from AWS); and
    /// a GetTraceSummaries row with `IsPartial` likewise.
    #[test]
    fn a_trace_xray_cut_short_is_counted() {
        let doc = |limit: bool| {
            serde_json::json!({"Traces": [{
                "Id": "1-68b6f91f-4c1e9d2a7b3f5e6d8a9c0b1e",
                "Duration": 0.275,
                "LimitExceeded": limit,
                "Segments": [{"Id": "5d2c8b1a9e7f3c4d", "Document": serde_json::json!({
                    "id": "5d2c8b1a9e7f3c4d", "name": "orders-api",
                    "trace_id": "1-68b6f91f-4c1e9d2a7b3f5e6d8a9c0b1e",
                    "start_time": 1756821790.958, "end_time": 1756821791.222,
                    "origin": "AWS::Lambda::Function"
                }).to_string()}]
            }]})
            .to_string()
        };
        let opts = IngestOptions {
            keep_spans: true,
            ..IngestOptions::default()
        };
        let whole = ingest_one(&doc(false), &opts);
        assert_eq!((whole.tables.spans.len(), whole.skips.total), (1, 0));
        let cut = ingest_one(&doc(true), &opts);
        assert_eq!(cut.tables.spans.len(), 1, "what is read is kept");
        assert_eq!(cut.skips.total, 0);
        assert_eq!(cut.skips.partial_traces.len(), 1);
        assert!(cut.skips.partial_traces[0].ends_with("(1-68b6f91f-4c1e9d2a7b3f5e6d8a9c0b1e)"));
        let summaries = serde_json::json!({"TraceSummaries": [{
            "Id": "1-68b6f91f-000000000000000000000003", "StartTime": 1756821794.0,
            "Duration": 0.25, "IsPartial": true,
            "EntryPoint": {"Name": "orders-api", "Type": "AWS::Lambda"}
        }]})
        .to_string();
        let partial = ingest_one(&summaries, &opts);
        assert_eq!(partial.skips.total, 0);
        assert_eq!(partial.skips.partial_traces.len(), 1, "{:?}", partial.skips);
    }

    /// Third-round ingestion review: Logs Insights rows of Lambda log groups name their
    /// function in `@entity.*`; without `@log` the file's name was taken.
    #[test]
    fn insights_rows_take_the_function_their_entity_names() {
        let doc = serde_json::json!({"results": [[
            {"field": "@timestamp", "value": "2025-09-01 00:00:00.000"},
            {"field": "@message", "value": "REPORT RequestId: r1\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB\t"},
            {"field": "@entity.Attributes.Lambda.Function", "value": "claudeInvoker"},
        ]], "status": "Complete"});
        let ing = ingest_one(&doc.to_string(), &IngestOptions::default());
        assert_eq!(ing.tables.invocations.len(), 1, "{:?}", ing.skips);
        assert_eq!(&*ing.tables.invocations[0].function, "claudeInvoker");
    }

    /// Third-round query review: pino's numeric level (`"level":30`) was no level at all.
    #[test]
    fn a_numeric_level_is_pinos() {
        let line = |level: &str| {
            format!(
                "{{\"timestamp\":1756684800000,\"message\":{},\"logGroup\":\"/aws/lambda/f\",\"logStream\":\"s\"}}\n",
                serde_json::to_string(&format!("{{\"level\":{level},\"msg\":\"m\"}}")).unwrap()
            )
        };
        // Sixth-round ingestion review: Python's WARNING and CRITICAL are WARN and FATAL, as
        // in text lines (one level under two names split an export grouped by level).
        let text: String = [
            "30",
            "50",
            "\"warn\"",
            "35",
            "\"WARNING\"",
            "\"critical\"",
            "\"notice\"",
        ]
        .iter()
        .map(|l| line(l))
        .collect();
        let ing = ingest_one(
            &text,
            &IngestOptions {
                keep_logs: true,
                ..IngestOptions::default()
            },
        );
        let levels: Vec<Option<&str>> =
            ing.tables.logs.iter().map(|l| l.level.as_deref()).collect();
        assert_eq!(
            levels,
            [
                Some("INFO"),
                Some("ERROR"),
                Some("WARN"),
                None,
                Some("WARN"),
                Some("FATAL"),
                Some("NOTICE")
            ]
        );
    }

    /// Third-round ingestion review: Node's `console.log(object)` in a text log (unquoted
    /// keys, single quotes) was a "malformed JSON" record: its lines vanished and --strict
    /// failed on a valid log. They are log lines; a whole file of broken JSON stays a skip.
    #[test]
    fn an_applications_own_object_layout_is_log_lines() {
        let text = "START RequestId: e3 Version: $LATEST\n\
                    2025-09-01T00:00:00.100Z\te3\tINFO\tevent:\n\
                    {\n  Records: [\n    {\n      messageId: '059f',\n      body: 'test'\n    }\n  ]\n}\n\
                    END RequestId: e3\n\
                    REPORT RequestId: e3\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB\t\n";
        let opts = IngestOptions {
            keep_logs: true,
            ..IngestOptions::default()
        };
        let ing = ingest_one(text, &opts);
        assert_eq!(ing.skips.total, 0, "{:?}", ing.skips);
        assert_eq!(ing.tables.invocations.len(), 1);
        let messages: Vec<&str> = ing.tables.logs.iter().map(|l| l.message.as_ref()).collect();
        for want in ["Records: [", "messageId: '059f',", "body: 'test'", "}"] {
            assert!(
                messages.iter().any(|m| m.trim() == want),
                "{want}: {messages:?}"
            );
        }
        let at = ing
            .tables
            .logs
            .iter()
            .find(|l| l.message.contains("messageId"))
            .unwrap();
        assert_eq!(at.source.line, 6);
        // Pretty JSON after a timed line is that event's, at its time (it had none: `logs`
        // put it first).
        let text =
            "2025-09-01T00:00:00.200Z\te3\tINFO\tpretty:\n{\n  \"a\": 1,\n  \"b\": [1, 2]\n}\n";
        let ing = ingest_one(text, &opts);
        let json = ing
            .tables
            .logs
            .iter()
            .find(|l| l.message.contains("\"a\""))
            .unwrap();
        assert_eq!(json.timestamp, Some(1_756_684_800_200));
        // An array of numbers after a log line: its lines, no skip per element.
        let text = "2025-09-01T00:00:00.100Z\te3\tINFO\tids:\n[\n  1,\n  2\n]\n";
        let ing = ingest_one(text, &opts);
        assert_eq!(ing.skips.total, 0, "{:?}", ing.skips);
        assert_eq!(ing.tables.logs.len(), 5);
        assert!(ing
            .tables
            .logs
            .iter()
            .all(|l| l.timestamp == Some(1_756_684_800_100)));
        // A file that is one broken JSON document: a malformed record at its own line.
        let ing = ingest_one("{\n  \"a\": 1,\n}\n", &opts);
        assert_eq!(ing.skips.total, 1, "{:?}", ing.skips);
        assert_eq!(ing.skips.examples[0].source, "/aws/lambda/orders-api:3");
        assert_eq!(
            ing.skips.examples[0].reason,
            "malformed JSON: trailing comma (column 1)"
        );
    }

    /// Third-round ingestion review: Logs Insights REPORT rows kept a Memory Size of 0 or
    /// 20,000 MB (text REPORTs are refused), and rows without @requestId or a `stats` result
    /// were dropped without a word.
    #[test]
    fn insights_rows_are_checked_and_unusable_ones_counted() {
        let row = |rid: Option<&str>, memory_bytes: &str| {
            let mut cells = vec![
                serde_json::json!({"field": "@timestamp", "value": "2025-09-01 00:00:00.000"}),
                serde_json::json!({"field": "@duration", "value": "80.5"}),
                serde_json::json!({"field": "@billedDuration", "value": "81"}),
                serde_json::json!({"field": "@memorySize", "value": memory_bytes}),
                serde_json::json!({"field": "@maxMemoryUsed", "value": "90000000"}),
            ];
            if let Some(r) = rid {
                cells.push(serde_json::json!({"field": "@requestId", "value": r}));
            }
            serde_json::Value::Array(cells)
        };
        let doc = serde_json::json!({
            "results": [
                row(Some("r1"), "128000000"),
                row(Some("r2"), "0"),
                row(Some("r3"), "20000000000"),
                row(None, "128000000"),
                [{"field": "bin(5m)", "value": "2025-09-01 00:00:00.000"}, {"field": "count(*)", "value": "3"}],
            ],
            "status": "Complete"
        });
        let ing = ingest_one(&doc.to_string(), &IngestOptions::default());
        assert_eq!(ing.tables.invocations.len(), 1, "{:?}", ing.skips);
        assert_eq!(ing.tables.invocations[0].memory_size_mb, 128);
        assert_eq!(ing.skips.total, 4, "{:?}", ing.skips);
        let reasons: Vec<&str> = ing
            .skips
            .examples
            .iter()
            .map(|e| e.reason.as_str())
            .collect();
        assert!(
            reasons
                .iter()
                .any(|r| r.contains("@memorySize is `20000000000`; it takes bytes (MB × 10^6)")),
            "{reasons:?}"
        );
        assert!(
            reasons
                .iter()
                .any(|r| r.starts_with("Logs Insights REPORT row without @requestId")),
            "{reasons:?}"
        );
        assert!(
            reasons.iter().any(|r| r
                .starts_with("Logs Insights row without @message or REPORT fields")
                && r.contains("bin(5m), count(*)")),
            "{reasons:?}"
        );
    }

    /// A Telemetry API `function` record is read as the same line of a text or JSON log: its
    /// level, request id and message (without the runtime's trailing newline).
    #[test]
    fn telemetry_function_records_are_their_log_lines() {
        let text = concat!(
            r#"{"time":"2025-09-01T00:00:03.000Z","type":"function","record":"2025-09-01T00:00:03.000Z\t11000000-0000-0000-0000-000000000001\tINFO\ttext record\n"}"#,
            "\n",
            r#"{"time":"2025-09-01T00:00:04.000Z","type":"function","record":{"level":"WARN","message":"from telemetry","requestId":"11000000-0000-0000-0000-000000000002"}}"#,
            "\n"
        );
        let ing = ingest_one(
            text,
            &IngestOptions {
                keep_logs: true,
                ..IngestOptions::default()
            },
        );
        let got: Vec<(Option<&str>, Option<&str>, &str)> = ing
            .tables
            .logs
            .iter()
            .map(|l| {
                (
                    l.level.as_deref(),
                    l.request_id.as_deref(),
                    l.message.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    Some("INFO"),
                    Some("11000000-0000-0000-0000-000000000001"),
                    "2025-09-01T00:00:03.000Z\t11000000-0000-0000-0000-000000000001\tINFO\ttext record"
                ),
                (
                    Some("WARN"),
                    Some("11000000-0000-0000-0000-000000000002"),
                    "from telemetry"
                ),
            ]
        );
    }

    /// The continuation lines of an event printed over several lines (an S3 export's or `aws
    /// logs tail`'s traceback) take the event's time; a line with a time of its own keeps it.
    #[test]
    fn continuation_lines_take_their_events_time() {
        let text = "2025-09-01T00:00:05.000Z [ERROR] ValueError: bad\nTraceback (most recent call last):\n  File \"/var/task/app.py\", line 3, in handler\n2025-09-01T00:00:09.000Z\t11000000-0000-0000-0000-000000000001\tINFO\tnode line\n";
        let ing = ingest_one(
            text,
            &IngestOptions {
                keep_logs: true,
                ..IngestOptions::default()
            },
        );
        let times: Vec<Option<i64>> = ing.tables.logs.iter().map(|l| l.timestamp).collect();
        let t0 = 1_756_684_805_000;
        assert_eq!(times, [Some(t0), Some(t0), Some(t0), Some(t0 + 4000)]);
        // A console log whose platform lines have no time, with one timed application line:
        // the START, END and REPORT lines after it are events of their own and get no time
        // from it (ten sequential invocations read as ten at once).
        let mut console = String::new();
        for i in 0..3 {
            let id = format!("0f1e2d3c-0000-4000-8000-00000000001{i}");
            console.push_str(&format!("START RequestId: {id} Version: $LATEST\n"));
            if i == 0 {
                console.push_str("2025-09-01 13:45:06,123 INFO cache warmed\n");
            }
            console.push_str(&format!("END RequestId: {id}\n"));
            console.push_str(&format!("REPORT RequestId: {id}\tDuration: 200.00 ms\tBilled Duration: 200 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\n"));
        }
        // A runtime's own timed line (Node's `<ts>\t<id>\tERROR\t...`) heads its stack trace.
        let node = "2025-09-01T00:00:07.000Z\t11000000-0000-0000-0000-000000000001\tERROR\tInvoke Error\n    at handler (/var/task/index.js:3:9)\n";
        let ing = ingest_one(
            node,
            &IngestOptions {
                keep_logs: true,
                ..IngestOptions::default()
            },
        );
        let times: Vec<Option<i64>> = ing.tables.logs.iter().map(|l| l.timestamp).collect();
        assert_eq!(times, [Some(t0 + 2000), Some(t0 + 2000)]);
        let ing = ingest_one(&console, &IngestOptions::default());
        assert_eq!(ing.tables.invocations.len(), 3);
        assert!(
            ing.tables.invocations.iter().all(|r| r.timestamp.is_none()),
            "{:?}",
            ing.tables.invocations
        );
    }

    fn ingest_bytes(bytes: Vec<u8>) -> Ingested {
        let input = MemoryInput {
            name: "delivery/2025/09/01/00/cw-1-2025-09-01".into(),
            bytes,
        };
        ingest_inputs(&[], vec![input], &IngestOptions::default(), None).unwrap()
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        io::Write::write_all(&mut gz, bytes).unwrap();
        gz.finish().unwrap()
    }

    /// A Firehose object: CloudWatch's gzipped payloads back to back (a multi-member gzip).
    fn firehose_object(payloads: usize) -> Vec<u8> {
        (0..payloads)
            .flat_map(|i| {
                gzip(format!(
                    r#"{{"messageType":"DATA_MESSAGE","logGroup":"/aws/lambda/fh","logStream":"s","logEvents":[{{"id":"{i}","timestamp":{},"message":"REPORT RequestId: 6f1c2a9e-3b7d-4e52-9a10-{i:012}\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\t\n"}}]}}"#,
                    1_756_684_800_000i64 + i as i64 * 1000
                ).as_bytes())
            })
            .collect()
    }

    /// Ninth-round ingestion review: a Kinesis or Firehose batch's records that cannot be decoded
    /// were all at the document's line 1, with nothing to find them by; each is at its record's
    /// line with its index and id.
    #[test]
    fn bad_records_of_a_batch_are_at_their_own_lines() {
        use base64::Engine as _;
        let payload = |i: u32| {
            base64::engine::general_purpose::STANDARD.encode(gzip(format!(
                r#"{{"messageType":"DATA_MESSAGE","logGroup":"/aws/lambda/k","logStream":"s","logEvents":[{{"id":"{i}","timestamp":{},"message":"REPORT RequestId: 6f1c2a9e-3b7d-4e52-9a10-{i:012}\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\t\n"}}]}}"#,
                1_756_684_800_000i64 + i64::from(i) * 1000
            ).as_bytes()))
        };
        let record = |i: u32, data: String| serde_json::json!({"kinesis": {"data": data, "sequenceNumber": format!("seq-{i}")}, "eventID": format!("shardId-0:{i}")});
        let doc = serde_json::json!({"Records": [
            record(0, payload(0)),
            record(1, "!!notbase64!!".into()),
            record(2, payload(2)),
        ]});
        let text = serde_json::to_string_pretty(&doc).unwrap();
        let ing = ingest_one(&text, &IngestOptions::default());
        assert_eq!(ing.tables.invocations.len(), 2, "{:?}", ing.skips);
        let second = text
            .lines()
            .enumerate()
            .filter(|(_, l)| l.trim() == "{")
            .nth(2)
            .map(|(i, _)| i as u64 + 1)
            .unwrap();
        let e = &ing.skips.examples[0];
        assert!(e.source.ends_with(&format!(":{second}")), "{e:?} {second}");
        assert!(e.reason.ends_with("(record 1, shardId-0:1)"), "{e:?}");
        // The invocations take their records' lines too.
        assert!(ing.tables.invocations.iter().all(|i| i.source.line > 1));
    }

    /// A Firehose object cut short keeps its whole payloads (they share one "line": no newline
    /// between them); Firehose's own GZIP on top of CloudWatch's is read through; UTF-16 text
    /// is named as such.
    #[test]
    fn truncated_and_double_gzipped_firehose_objects_and_utf16() {
        let whole = firehose_object(20);
        let ing = ingest_bytes(whole.clone());
        assert_eq!(ing.tables.invocations.len(), 20, "{:?}", ing.skips);
        // Cut in the middle of the 13th member (the members differ by a byte or so in size):
        // the first 12 payloads are whole.
        let one = firehose_object(1).len();
        let cut = whole[..one * 12 + one / 2].to_vec();
        let ing = ingest_bytes(cut);
        assert_eq!(ing.tables.invocations.len(), 12, "{:?}", ing.skips);
        assert_eq!(ing.skips.total, 1);
        assert!(ing
            .skips
            .by_reason
            .contains_key("file is truncated or corrupt"));
        // Gzip inside gzip; four layers are too many.
        let ing = ingest_bytes(gzip(&whole));
        assert_eq!(ing.tables.invocations.len(), 20, "{:?}", ing.skips);
        assert!(ing.skips.is_empty());
        let ing = ingest_bytes(gzip(&gzip(&gzip(&whole))));
        assert_eq!(
            ing.skips.by_reason.keys().collect::<Vec<_>>(),
            ["gzip nested too deeply"]
        );
        // UTF-16 with its byte-order mark.
        let text = "START RequestId: 6f1c2a9e-3b7d-4e52-9a10-000000000001 Version: $LATEST\n";
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let ing = ingest_bytes(utf16);
        assert!(
            ing.skips.by_reason.contains_key("UTF-16 text"),
            "{:?}",
            ing.skips
        );
    }

    #[test]
    fn what_the_line_prefilter_passes_over_is_not_wanted() {
        let segment = r#"{"id":"5d2c8b1a9e7f3c4d","name":"fn","start_time":1756821790.95,"end_time":1756821791.29,"trace_id":"1-68b6f91f-4c1e9d2a7b3f5e6d8a9c0b1e"}"#;
        let spans_only = IngestOptions {
            keep_logs: false,
            keep_spans: true,
            keep_metrics: false,
            ..IngestOptions::default()
        };
        let ing = ingest_one(&format!("{segment}\n"), &spans_only);
        assert_eq!(ing.tables.spans.len(), 1, "{:?}", ing.skips);
        let payload = r#"{"messageType":"DATA_MESSAGE","logGroup":"/aws/lambda/orders-api","logStream":"s","logEvents":[{"id":"1","timestamp":1756821791482,"message":"REPORT RequestId: 6f1c2a9e-3b7d-4e52-9a10-2c4d8e7f1b33\tDuration: 48.27 ms\tBilled Duration: 49 ms\tMemory Size: 512 MB\tMax Memory Used: 91 MB\t\n"}]}"#;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        io::Write::write_all(&mut gz, payload.as_bytes()).unwrap();
        use base64::Engine as _;
        let data = base64::engine::general_purpose::STANDARD.encode(gz.finish().unwrap());
        let line = format!(r#"{{"Records":[{{"kinesis":{{"data":"{data}"}}}}]}}"#);
        let invocations_only = IngestOptions {
            keep_logs: false,
            keep_spans: false,
            keep_metrics: false,
            report_columns: true,
            ..IngestOptions::default()
        };
        let ing = ingest_one(&format!("{line}\n"), &invocations_only);
        assert_eq!(ing.columns.len(), 1, "{:?}", ing.skips);
        // A Firehose data-transformation event: `records`, each with its `data`.
        let firehose = format!(
            r#"{{"invocationId":"inv-1","deliveryStreamArn":"arn:aws:firehose:us-east-1:123456789012:deliverystream/cw","region":"us-east-1","records":[{{"recordId":"1","approximateArrivalTimestamp":1756821791482,"data":"{data}"}}]}}"#
        );
        let ing = ingest_one(&format!("{firehose}\n"), &invocations_only);
        assert_eq!(ing.columns.len(), 1, "{:?}", ing.skips);
        let ing = ingest_one(&format!("{firehose}\n"), &IngestOptions::default());
        assert_eq!(ing.tables.invocations.len(), 1, "{:?}", ing.skips);
    }

    /// A dangling link inside a directory is skipped with its reason, a link back up the tree
    /// is passed over; the rest of the directory is read.
    #[cfg(unix)]
    #[test]
    fn unreadable_directory_entries_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("a");
        std::fs::create_dir(&sub).unwrap();
        std::fs::write(sub.join("fn.log"), "START RequestId: r1 Version: 1\n").unwrap();
        std::os::unix::fs::symlink("/nonexistent-faascope", sub.join("dangling")).unwrap();
        std::os::unix::fs::symlink("..", sub.join("loop")).unwrap();
        let e = expand_inputs(&[dir.path().to_path_buf()]).unwrap();
        assert_eq!(e.files, [sub.join("fn.log")]);
        let reasons: Vec<(PathBuf, &str)> = e
            .unreadable
            .iter()
            .map(|(p, r)| (p.clone(), r.split(':').next().unwrap_or("")))
            .collect();
        // The loop is passed over, not counted: it is no bad input.
        assert_eq!(reasons, [(sub.join("dangling"), "cannot read")]);
        // Inputs that overlap (a directory and one inside it) are read once.
        let twice = expand_inputs(&[dir.path().to_path_buf(), sub.clone()]).unwrap();
        assert_eq!(twice.files, [sub.join("fn.log")]);
        // So is a file named twice.
        let f = sub.join("fn.log");
        let twice = expand_inputs(&[f.clone(), sub.join(".").join("fn.log")]).unwrap();
        assert_eq!(twice.files, [f]);
        let ing =
            ingest_paths(&[dir.path().to_path_buf()], &IngestOptions::default(), None).unwrap();
        assert_eq!(ing.skips.total, 1);
        assert_eq!(
            ing.skips.by_reason.get("unreadable directory entry"),
            Some(&1)
        );
        assert_eq!(ing.tables.logs.len(), 1);
    }

    #[test]
    fn fallback_names() {
        assert_eq!(
            fallback_function_name(Path::new("x/payments-java.page-1.json")),
            "payments-java"
        );
        assert_eq!(
            fallback_function_name(Path::new("s3-export/orders-api/2025-09-01.log.gz")),
            "orders-api"
        );
        assert_eq!(
            fallback_function_name(Path::new("exp/task1/2025/09/01/[$LATEST]abc/000000.gz")),
            "task1"
        );
        // CreateExportTask's layout: the prefix, then the task id (a UUID), then the stream.
        assert_eq!(
            fallback_function_name(Path::new(
                "exports/orders-api/3f2a1b7c-aaaa-bbbb-cccc-1234567890ab/2025/09/02/[$LATEST]0f1e/000000.gz"
            )),
            "orders-api"
        );
        // A custom log group's export: the stream folders name each function.
        assert_eq!(
            fallback_function_name(Path::new(
                "exp/task1/2025/09/02/image-batch[$LATEST]0123456789abcdef/000000.gz"
            )),
            "image-batch"
        );
    }

    #[test]
    fn blocks_end_before_a_line_that_may_continue() {
        // The partial tail is (the start of) an XRAY line: the REPORT goes with it.
        assert_eq!(block_end(b"a\nREPORT x\nXRAY Tr"), Some(1));
        assert_eq!(block_end(b"a\nREPORT x\nXRAY TraceId: 1-2"), Some(1));
        // Ends at a newline: the last line waits for the next block's first line.
        assert_eq!(block_end(b"a\nREPORT x\n"), Some(1));
        // An ordinary tail.
        assert_eq!(block_end(b"a\nREPORT x\nSTART y"), Some(10));
        // Only continuation lines: the last newline after all; no newline at all: none.
        assert_eq!(block_end(b"XRAY TraceId: 1\nXRAY TraceId: 2\n"), Some(31));
        assert_eq!(block_end(b"one long line"), None);
        // Export events: an XRAY event goes with the REPORT event before it; a partial event
        // may still turn out to be one.
        let report = br#"{"timestamp":1,"message":"REPORT RequestId: r\tDuration: 1 ms\t\n"}"#;
        let xray = br#"{"timestamp":1,"message":"XRAY TraceId: 1-2-3\tSegmentId: 4\n"}"#;
        let start = br#"{"timestamp":1,"message":"START RequestId: r\n"}"#;
        let block = [&start[..], b"\n", report, b"\n", xray, b"\n", start, b"\n"].concat();
        assert_eq!(
            block_end(&block),
            Some(start.len() + 1 + report.len() + 1 + xray.len())
        );
        let cut = [&start[..], b"\n", report, b"\n", xray, b"\n"].concat();
        assert_eq!(block_end(&cut), Some(start.len()));
        let partial = [&start[..], b"\n", report, b"\n", b"{\"timest"].concat();
        assert_eq!(block_end(&partial), Some(start.len()));
        let chunks = split_chunks(&block, 8);
        assert_eq!(chunks.concat(), block);
        assert!(chunks.iter().all(|c| !c.starts_with(xray)));
    }

    /// A REPORT whose XRAY continuation line starts the next read block keeps its trace id,
    /// and a line longer than a block is read whole in a few passes (one byte per pass, as
    /// before, is quadratic in the line's length).
    #[test]
    fn text_blocks_keep_continuations_and_long_lines() {
        let report = |i: usize| {
            format!(
                "REPORT RequestId: 6f1c2a9e-3b7d-4e52-9a10-{i:012}\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB\t\nXRAY TraceId: 1-5f84c7a6-{i:024}\tSegmentId: 0a1b2c3d4e5f6a7b\tSampled: true\n"
            )
        };
        let mut text = String::new();
        let mut n = 0;
        while text.len() < 2 * BLOCK_BYTES {
            text.push_str(&report(n));
            n += 1;
        }
        // One line of 2.5 blocks, then one more REPORT.
        text.push_str(&"x".repeat(BLOCK_BYTES * 5 / 2));
        text.push('\n');
        text.push_str(&report(n));
        n += 1;
        let opts = IngestOptions {
            keep_logs: false,
            keep_spans: false,
            keep_metrics: false,
            ..IngestOptions::default()
        };
        let ing = ingest_inputs(
            &[],
            vec![MemoryInput {
                name: "/aws/lambda/f".into(),
                bytes: text.into_bytes(),
            }],
            &opts,
            None,
        )
        .unwrap();
        assert_eq!(ing.tables.invocations.len(), n);
        let untraced: Vec<&str> = ing
            .tables
            .invocations
            .iter()
            .filter(|r| r.trace_id.is_none())
            .map(|r| r.request_id.as_str())
            .collect();
        assert!(untraced.is_empty(), "{untraced:?}");
    }

    fn ingest_memory(name: &str, bytes: Vec<u8>, opts: &IngestOptions) -> Ingested {
        ingest_inputs(
            &[],
            vec![MemoryInput {
                name: name.into(),
                bytes,
            }],
            opts,
            None,
        )
        .unwrap()
    }

    /// `report`'s compact columns (with the in-place REPORT reader where a chunk allows it).
    fn report_columns() -> IngestOptions {
        IngestOptions {
            keep_logs: false,
            keep_spans: false,
            keep_metrics: false,
            report_columns: true,
            ..IngestOptions::default()
        }
    }

    /// Invocation rows (`export`, the dashboard).
    fn invocation_rows() -> IngestOptions {
        IngestOptions {
            keep_logs: false,
            ..IngestOptions::default()
        }
    }

    /// What the invocations say about a REPORT's stream state: (restore ms, cold start, status).
    type StreamOutcome = (Option<f64>, bool, Status);

    /// An export of 64 log streams written round-robin. Each stream alternates a state line (a
    /// `RESTORE_REPORT`, or every fifth time a `Process exited` without request id) and a REPORT,
    /// 63 lines of other streams apart; over a block and a half, hundreds of chunk boundaries and
    /// one block boundary fall between a state line and its REPORT. Returns the export and what
    /// each REPORT must read, in file order.
    fn interleaved_stream_state() -> (Vec<u8>, Vec<StreamOutcome>) {
        const STREAMS: usize = 64;
        let mut bytes = Vec::new();
        let mut want = Vec::new();
        let mut pending: Vec<Option<StreamOutcome>> = vec![None; STREAMS];
        let mut i = 0usize;
        while bytes.len() < BLOCK_BYTES + BLOCK_BYTES / 2 {
            let stream = i % STREAMS;
            let ts = 1_700_000_000_000u64 + i as u64;
            let msg = if (i / STREAMS).is_multiple_of(2) {
                if (i / STREAMS) % 10 == 4 {
                    pending[stream] = Some((None, false, Status::Error));
                    "2025-09-01T00:00:00.000Z Process exited before completing request".to_string()
                } else {
                    let ms = (i % 1000) as f64 + 0.25;
                    pending[stream] = Some((Some(ms), true, Status::Success));
                    format!("RESTORE_REPORT Restore Duration: {ms:.2} ms")
                }
            } else {
                want.push(
                    pending[stream]
                        .take()
                        .unwrap_or((None, false, Status::Success)),
                );
                format!(
                    "REPORT RequestId: 6f1c2a9e-3b7d-4e52-9a10-{i:012}\\tDuration: 1.00 ms\\tBilled Duration: 1 ms\\tMemory Size: 128 MB\\tMax Memory Used: 64 MB\\t"
                )
            };
            bytes.extend_from_slice(
                format!(
                    "{{\"timestamp\":{ts},\"message\":\"{msg}\\n\",\"logGroup\":\"/aws/lambda/f\",\"logStream\":\"2025/09/01/[$LATEST]s{stream}\"}}\n"
                )
                .as_bytes(),
            );
            i += 1;
        }
        (bytes, want)
    }

    #[test]
    fn stream_state_crosses_chunks_and_blocks() {
        let (bytes, want) = interleaved_stream_state();
        assert!(want.iter().filter(|w| w.1).count() > 10_000);
        assert!(want.iter().filter(|w| w.2 == Status::Error).count() > 1_000);
        // Compact columns (`report`), with the in-place REPORT reader where a chunk allows it.
        let ing = ingest_memory("export.ndjson", bytes.clone(), &report_columns());
        assert_eq!(ing.skips.total, 0, "{:?}", ing.skips);
        let c = &ing.columns;
        let got: Vec<StreamOutcome> = (0..c.len())
            .map(|r| (c.restore_duration_ms(r), c.cold_start(r), c.status(r)))
            .collect();
        assert_eq!(got.len(), want.len());
        let wrong: Vec<usize> = (0..got.len()).filter(|&k| got[k] != want[k]).collect();
        assert!(
            wrong.is_empty(),
            "{} wrong, first at REPORT {:?}",
            wrong.len(),
            wrong.first()
        );
        // Rows (`export`, the dashboard), with the error type.
        let ing = ingest_memory("export.ndjson", bytes, &invocation_rows());
        let got: Vec<StreamOutcome> = ing
            .tables
            .invocations
            .iter()
            .map(|r| (r.restore_duration_ms, r.cold_start, r.status))
            .collect();
        assert_eq!(got, want);
        assert!(ing
            .tables
            .invocations
            .iter()
            .filter(|r| r.status == Status::Error)
            .all(|r| r.error_type.as_deref() == Some("Runtime.ExitError")));
    }

    /// The JSON log format's re-initialisation in the invoke phase reaches its stream's next
    /// `platform.report` across chunk and block boundaries, as the text INIT_REPORT does.
    #[test]
    fn json_reinit_crosses_chunks_and_blocks() {
        const STREAMS: usize = 64;
        let mut bytes = Vec::new();
        let mut want = Vec::new();
        let mut pending = [false; STREAMS];
        let mut i = 0usize;
        while bytes.len() < BLOCK_BYTES + BLOCK_BYTES / 8 {
            let stream = i % STREAMS;
            let ts = 1_700_000_000_000u64 + i as u64;
            let msg = if (i / STREAMS).is_multiple_of(2) {
                // Every third round a re-initialisation, else another platform event.
                let phase = if (i / STREAMS).is_multiple_of(3) {
                    "invoke"
                } else {
                    "init"
                };
                pending[stream] = phase == "invoke";
                format!(
                    r#"{{\"time\":\"2025-09-01T00:00:00.000Z\",\"type\":\"platform.initReport\",\"record\":{{\"initializationType\":\"on-demand\",\"phase\":\"{phase}\",\"status\":\"success\",\"metrics\":{{\"durationMs\":250.0}}}}}}"#
                )
            } else {
                want.push(std::mem::take(&mut pending[stream]));
                format!(
                    r#"{{\"time\":\"2025-09-01T00:00:01.000Z\",\"type\":\"platform.report\",\"record\":{{\"requestId\":\"6f1c2a9e-3b7d-4e52-9a10-{i:012}\",\"metrics\":{{\"durationMs\":1.0,\"billedDurationMs\":1,\"memorySizeMB\":128,\"maxMemoryUsedMB\":64}},\"status\":\"success\"}}}}"#
                )
            };
            bytes.extend_from_slice(
                format!(
                    "{{\"timestamp\":{ts},\"message\":\"{msg}\",\"logGroup\":\"/aws/lambda/f\",\"logStream\":\"2025/09/01/[$LATEST]s{stream}\"}}\n"
                )
                .as_bytes(),
            );
            i += 1;
        }
        assert!(want.iter().filter(|w| **w).count() > 1_000);
        let ing = ingest_memory("export.ndjson", bytes.clone(), &report_columns());
        assert_eq!(ing.skips.total, 0, "{:?}", ing.skips);
        let c = &ing.columns;
        let got: Vec<bool> = (0..c.len()).map(|r| c.cold_start(r)).collect();
        assert!(got == want, "{} rows, {} wanted", got.len(), want.len());
        let ing = ingest_memory("export.ndjson", bytes, &invocation_rows());
        let got: Vec<bool> = ing
            .tables
            .invocations
            .iter()
            .map(|r| r.cold_start)
            .collect();
        assert!(got == want, "{} rows, {} wanted", got.len(), want.len());
    }

    #[test]
    fn unnamed_records_take_the_files_first_learned_name_in_every_chunk() {
        // JSON-format events carry no log group: the function is learned from
        // `platform.initStart`. A second, different name further on (in another chunk) must
        // not rename the records around it, as reading the file in one piece would not.
        let init = |name: &str| {
            format!("{{\"time\":\"2025-09-02T14:03:11.170Z\",\"type\":\"platform.initStart\",\"record\":{{\"functionName\":\"{name}\",\"phase\":\"init\"}}}}\n")
        };
        let report = |i: usize| {
            format!("{{\"time\":\"2025-09-02T14:03:11.482Z\",\"type\":\"platform.report\",\"record\":{{\"requestId\":\"r-{i}\",\"metrics\":{{\"durationMs\":1.5,\"billedDurationMs\":2,\"memorySizeMB\":128,\"maxMemoryUsedMB\":64}}}}}}\n")
        };
        let mut text = init("alpha");
        let mut i = 0;
        while text.len() < 6 << 20 {
            if i == 20_000 {
                text.push_str(&init("beta"));
            }
            text.push_str(&report(i));
            i += 1;
        }
        assert!(i > 20_000);
        let rows = IngestOptions {
            keep_logs: false,
            ..IngestOptions::default()
        };
        let ing = ingest_memory("events.ndjson", text.clone().into_bytes(), &rows);
        assert_eq!(ing.tables.invocations.len(), i);
        let other: Vec<&str> = ing
            .tables
            .invocations
            .iter()
            .map(|r| &*r.function)
            .filter(|f| *f != "alpha")
            .collect();
        assert!(
            other.is_empty(),
            "{} not alpha: {:?}",
            other.len(),
            other.first()
        );
        let columns = IngestOptions {
            report_columns: true,
            ..rows
        };
        let ing = ingest_memory("events.ndjson", text.into_bytes(), &columns);
        assert_eq!(ing.columns.len(), i);
        assert!((0..i).all(|r| &**ing.columns.function(r) == "alpha"));
    }

    #[test]
    fn xray_events_stay_with_their_report_across_chunks_and_blocks() {
        // Each REPORT event is followed by its XRAY line as an event of its own: every one of
        // them must reach its invocation, and none counts as a log line.
        let mut bytes = Vec::new();
        let mut n = 0usize;
        while bytes.len() < BLOCK_BYTES + BLOCK_BYTES / 2 {
            for msg in [
                format!("REPORT RequestId: r-{n}\\tDuration: 1.00 ms\\tBilled Duration: 1 ms\\tMemory Size: 128 MB\\tMax Memory Used: 64 MB\\t"),
                format!("XRAY TraceId: 1-5f84c7a6-{n:024}\\tSegmentId: 0a1b2c3d4e5f6a7b\\tSampled: true"),
            ] {
                bytes.extend_from_slice(
                    format!("{{\"timestamp\":1700000000000,\"message\":\"{msg}\\n\",\"logGroup\":\"/aws/lambda/f\",\"logStream\":\"s\"}}\n").as_bytes(),
                );
            }
            n += 1;
        }
        let opts = IngestOptions {
            keep_logs: false,
            ..IngestOptions::default()
        };
        let ing = ingest_memory("xray.ndjson", bytes, &opts);
        assert_eq!(ing.tables.invocations.len(), n);
        let untraced = ing
            .tables
            .invocations
            .iter()
            .filter(|r| r.trace_id.is_none())
            .count();
        assert_eq!(untraced, 0);
        assert_eq!(ing.log_lines, 0);
    }

    #[test]
    fn stream_state_crosses_text_blocks() {
        // One text stream: a RESTORE_REPORT at the end of the first 16 MiB block, its REPORT
        // in the second.
        let filler =
            "2025-09-01T00:00:00.000Z\t6f1c2a9e-3b7d-4e52-9a10-2c4d8e7f1b33\tINFO\tfiller line\n";
        let mut text = String::new();
        while text.len() + 300 < BLOCK_BYTES {
            text.push_str(filler);
        }
        text.push_str("RESTORE_REPORT Restore Duration: 412.50 ms\n");
        for _ in 0..20 {
            text.push_str(filler);
        }
        assert!(text.len() > BLOCK_BYTES);
        text.push_str("REPORT RequestId: 6f1c2a9e-3b7d-4e52-9a10-2c4d8e7f1b33\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB\t\n");
        let opts = IngestOptions {
            keep_logs: false,
            ..IngestOptions::default()
        };
        let ing = ingest_memory("/aws/lambda/f", text.into_bytes(), &opts);
        let inv = &ing.tables.invocations;
        assert_eq!(inv.len(), 1);
        assert_eq!(inv[0].restore_duration_ms, Some(412.5));
        assert!(inv[0].cold_start);
    }

    #[test]
    fn chunks_keep_xray_with_report() {
        let text = "a\nb\nXRAY TraceId: 1\nc\nd\n";
        let chunks = split_chunks(text.as_bytes(), 4);
        assert_eq!(chunks.concat(), text.as_bytes());
        assert!(chunks.iter().all(|c| !c.starts_with(b"XRAY")));
    }

    /// Fifth-round verification: bytes that are not UTF-8 on lines 2, 6 and 10 were "1 place"
    /// at line 2. Every such line is named once.
    #[test]
    fn every_line_with_bytes_not_utf8_is_named() {
        let bytes = b"ok\nbad \xff here\n3\n4\n5\n6 \xfe\xfe\n7\n8\n9\n10 \xc3\n";
        let (text, lines) = checked_text(bytes, 1);
        assert_eq!(lines, [2, 6, 10]);
        assert_eq!(text.lines().count(), 10);
        let (_, none) = checked_text(b"plain\ntext\n", 1);
        assert!(none.is_empty());
        let (_, from_7) = checked_text(b"\xff\n", 7);
        assert_eq!(from_7, [7]);
    }

    /// A large NDJSON input goes through the read-ahead thread and the parallel chunks: every
    /// REPORT is read once, line numbers stay right across blocks and chunks, and a bad byte is
    /// counted at its line without losing the lines around it.
    #[test]
    fn large_ndjson_across_blocks_and_chunks() {
        let report = |i: usize| {
            format!(
                "{{\"timestamp\":{},\"message\":\"REPORT RequestId: r-{i}\\tDuration: 1.00 ms\\tBilled Duration: 1 ms\\tMemory Size: 128 MB\\tMax Memory Used: 64 MB\\t\\n\",\"logGroup\":\"/aws/lambda/f\",\"logStream\":\"s\"}}\n",
                1_700_000_000_000u64 + i as u64
            )
        };
        let mut bytes = Vec::new();
        let mut n = 0;
        let mut bad_line = 0;
        while bytes.len() < BLOCK_BYTES + (BLOCK_BYTES / 2) {
            n += 1;
            if n == 30_000 {
                // An application line with a byte that is not UTF-8.
                bad_line = n;
                bytes.extend_from_slice(
                    b"{\"timestamp\":1,\"message\":\"caf\xe9\",\"logGroup\":\"/aws/lambda/f\"}\n",
                );
                continue;
            }
            bytes.extend_from_slice(report(n).as_bytes());
        }
        assert!(
            bad_line > 0,
            "the input is long enough to hold the bad line"
        );
        // A malformed last line, to check the line count at the end.
        bytes.extend_from_slice(b"{not json\n");
        let opts = IngestOptions {
            keep_logs: false,
            keep_spans: false,
            keep_metrics: false,
            report_columns: true,
            ..IngestOptions::default()
        };
        let ing = ingest_inputs(
            &[],
            vec![MemoryInput {
                name: "big.ndjson".into(),
                bytes,
            }],
            &opts,
            None,
        )
        .unwrap();
        assert_eq!(ing.columns.len(), n - 1);
        let at: Vec<&str> = ing
            .skips
            .examples
            .iter()
            .map(|s| s.source.as_str())
            .collect();
        // The bad byte is replaced and its line read: said, not counted as a skip.
        assert_eq!(
            ing.skips.replaced_utf8_at,
            [format!("big.ndjson:{bad_line}")],
            "{:?}",
            ing.skips
        );
        assert!(
            at.contains(&format!("big.ndjson:{}", n + 1).as_str()),
            "{:?}",
            ing.skips
        );
        assert_eq!(ing.skips.total, 1, "{:?}", ing.skips);
    }

    /// An application line that opens a JSON value and never closes it does not swallow the
    /// invocations after it (a lone `{` or `[` had swallowed every REPORT after it), nor, in a
    /// text log, its own lines: they are the application's log lines (fourth-round ingestion
    /// review: an ERROR line after a lone `{` was lost, and --strict failed on a valid log).
    #[test]
    fn an_unclosed_json_value_stops_at_the_next_lambda_line() {
        let report = |i: usize| {
            format!("REPORT RequestId: r{i}\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB\t\n")
        };
        for opener in ["{\n  \"partial\": true\n", "[\n"] {
            let mut text = format!(
                "START RequestId: r0 Version: 1\n2025-01-01T00:00:00.000Z\tr0\tINFO\tpayload:\n{opener}"
            );
            (0..50).for_each(|i| text.push_str(&report(i)));
            let opts = IngestOptions {
                keep_logs: true,
                ..IngestOptions::default()
            };
            let ing = ingest_one(&text, &opts);
            assert_eq!(ing.tables.invocations.len(), 50);
            assert_eq!(ing.skips.total, 0, "{:?}", ing.skips);
            let lines: Vec<(&str, u64)> = ing
                .tables
                .logs
                .iter()
                .map(|l| (l.message.as_str(), l.source.line))
                .collect();
            for (i, l) in opener.lines().enumerate() {
                assert!(lines.contains(&(l, 3 + i as u64)), "{l}: {lines:?}");
            }
        }
        // At the end of a text log too (verification review): the lines are the app's.
        let opts = IngestOptions {
            keep_logs: true,
            ..IngestOptions::default()
        };
        let ing = ingest_one(
            "START RequestId: r0 Version: 1\nconfig:\n{\nERROR payment declined\n",
            &opts,
        );
        assert_eq!(ing.skips.total, 0, "{:?}", ing.skips);
        assert!(ing
            .tables
            .logs
            .iter()
            .any(|l| l.message == "ERROR payment declined"));
        // In a JSON file the value is a skip.
        let ing = ingest_one("{\n  \"a\": 1,\n", &IngestOptions::default());
        assert_eq!(ing.skips.total, 1, "{:?}", ing.skips);
        // Inside a closed value, text that reads like a REPORT in a string is data.
        let text = format!(
            "{{\n  \"timestamp\": 1735689600000,\n  \"message\": {}\n}}\n",
            serde_json::to_string(&report(1)).unwrap()
        );
        let ing = ingest_one(&text, &IngestOptions::default());
        assert_eq!(ing.skips.total, 0, "{:?}", ing.skips);
        assert_eq!(ing.tables.invocations.len(), 1);
    }

    /// Sixth-round dash review: the same request id under two functions (logs copied under
    /// two names): an error line of one marked the other's invocation, the first read.
    #[test]
    fn a_status_line_marks_its_own_functions_invocation() {
        let ev = |group: &str, ms: u64, msg: &str| {
            format!(
                "{{\"timestamp\":{ms},\"message\":{},\"logGroup\":\"/aws/lambda/{group}\",\"logStream\":\"s\"}}\n",
                serde_json::to_string(msg).unwrap()
            )
        };
        let id = "40000000-0000-4000-8000-000000000001";
        let report = format!("REPORT RequestId: {id}\tDuration: 20.00 ms\tBilled Duration: 20 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\t");
        let text = [
            ev("alpha", 1_756_684_800_020, &report),
            ev(
                "beta",
                1_756_684_800_010,
                &format!("2025-09-01T00:00:00.010Z\t{id}\tERROR\tInvoke Error \t{{\"errorType\":\"Error\"}}"),
            ),
            ev("beta", 1_756_684_800_020, &report),
        ]
        .concat();
        for report_columns in [false, true] {
            let ing = ingest_one(
                &text,
                &IngestOptions {
                    report_columns,
                    ..IngestOptions::default()
                },
            );
            let got: Vec<(String, Status)> = if report_columns {
                (0..ing.columns.len())
                    .map(|r| {
                        let f = &ing.columns.names()[ing.columns.function_id(r) as usize];
                        (f.to_string(), ing.columns.status(r))
                    })
                    .collect()
            } else {
                ing.tables
                    .invocations
                    .iter()
                    .map(|i| (i.function.to_string(), i.status))
                    .collect()
            };
            let mut got = got;
            got.sort();
            assert_eq!(
                got,
                [
                    ("alpha".to_string(), Status::Success),
                    ("beta".to_string(), Status::Error)
                ],
                "report_columns {report_columns}"
            );
        }
    }

    /// Sixth-round ingestion review: a `tar czf` of a log folder was "not text, gzip or zlib"
    /// (it is gzip): it is named as a tar archive to unpack, gzipped or not.
    #[test]
    fn a_tar_archive_is_named_as_one() {
        use std::io::Write;
        let mut tar = vec![0u8; 1024];
        tar[..5].copy_from_slice(b"a.log");
        tar[257..263].copy_from_slice(b"ustar\0");
        tar.extend_from_slice(b"REPORT RequestId: r1\tDuration: 1.00 ms\n");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&tar).unwrap();
        let inputs = vec![
            MemoryInput {
                name: "logs.tar.gz".into(),
                bytes: gz.finish().unwrap(),
            },
            MemoryInput {
                name: "logs.tar".into(),
                bytes: tar,
            },
        ];
        let ing = ingest_inputs(&[], inputs, &IngestOptions::default(), None).unwrap();
        assert_eq!(
            ing.skips.by_reason.get("tar archive"),
            Some(&2),
            "{:?}",
            ing.skips
        );
        assert!(ing.skips.examples[0]
            .reason
            .contains("unpack it (tar xf FILE)"));
        assert!(ing.tables.invocations.is_empty());
    }

    /// A gzip of zeros (no newline anywhere) is a binary file as soon as its first block is
    /// read, and a line past the length limit ends the file with a reason: neither is held
    /// whole (a 4 GiB bomb had grown to 5.7 GB).
    #[test]
    fn bombs_and_endless_lines_are_skipped_with_a_reason() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&vec![0u8; BLOCK_BYTES + (4 << 20)]).unwrap();
        let input = MemoryInput {
            name: "bomb.gz".into(),
            bytes: gz.finish().unwrap(),
        };
        let ing = ingest_inputs(&[], vec![input], &IngestOptions::default(), None).unwrap();
        assert_eq!(
            ing.skips.by_reason.get("binary file"),
            Some(&1),
            "{:?}",
            ing.skips
        );
        let mut text = "REPORT RequestId: r1\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB\t\n".to_string();
        text.push_str(&"a".repeat(MAX_LINE_BYTES + BLOCK_BYTES * 2));
        text.push_str("\nREPORT RequestId: r2 (after the long line: skipped with the rest)\n");
        let ing = ingest_one(&text, &IngestOptions::default());
        assert_eq!(ing.tables.invocations.len(), 1);
        assert_eq!(
            ing.skips.by_reason.get("line too long"),
            Some(&1),
            "{:?}",
            ing.skips
        );
        assert_eq!(ing.skips.examples[0].source, "/aws/lambda/orders-api:2");
        // Just over the limit, after a short line: the block that holds its end has grown
        // past the limit by less than a step. Still too long.
        for over in [1, BLOCK_BYTES / 4, BLOCK_BYTES / 2 + 1] {
            let mut text = "REPORT RequestId: r1\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB\t\n".to_string();
            text.push_str(&"a".repeat(MAX_LINE_BYTES + over));
            text.push_str("\nREPORT RequestId: r2 (after the long line: skipped with the rest)\n");
            let ing = ingest_one(&text, &IngestOptions::default());
            assert_eq!(ing.tables.invocations.len(), 1, "{over}");
            assert_eq!(
                ing.skips.by_reason.get("line too long"),
                Some(&1),
                "{over}: {:?}",
                ing.skips
            );
        }
    }

    /// The older runtime-crash format (`RequestId: <id> Error: Runtime exited ...`, before
    /// or after the REPORT) makes that invocation an error, on both ingestion paths.
    #[test]
    fn old_style_runtime_exits_are_errors() {
        let text = "START RequestId: c3252230-c73d-49f6-8844-968c01d1e2e1 Version: $LATEST
RequestId: c3252230-c73d-49f6-8844-968c01d1e2e1 Error: Runtime exited without providing a reason
Runtime.ExitError
END RequestId: c3252230-c73d-49f6-8844-968c01d1e2e1
REPORT RequestId: c3252230-c73d-49f6-8844-968c01d1e2e1 Duration: 933.59 ms Billed Duration: 934 ms Memory Size: 128 MB Max Memory Used: 9 MB
REPORT RequestId: 123 Duration: 5.00 ms Billed Duration: 5 ms Memory Size: 128 MB Max Memory Used: 9 MB
RequestId: 123 Error: Runtime exited with error: exit status 137
Runtime.ExitError
";
        let ing = ingest_one(text, &IngestOptions::default());
        let statuses: Vec<(Status, Option<&str>)> = ing
            .tables
            .invocations
            .iter()
            .map(|i| (i.status, i.error_type.as_deref()))
            .collect();
        assert_eq!(statuses, [(Status::Error, Some("Runtime.ExitError")); 2]);
        let columns = IngestOptions {
            report_columns: true,
            ..IngestOptions::default()
        };
        let ing = ingest_one(text, &columns);
        assert!((0..2).all(|r| ing.columns.status(r) == Status::Error));
    }

    #[test]
    fn pending_json_depth_ignores_strings() {
        let mut p = PendingJson::start(1, "{");
        p.feed(r#"  "a": "}{\"]", "#);
        assert_eq!(p.depth, 1);
        p.feed("}");
        assert_eq!(p.depth, 0);
    }

    /// A stray NUL in a log line leaves a file text; random bytes, zeros and UTF-16 are binary.
    #[test]
    fn a_nul_in_a_text_line_is_not_a_binary_file() {
        let mut text = b"START RequestId: r Version: $LATEST\npayload: abc\0def\n".to_vec();
        for _ in 0..50 {
            text.extend_from_slice(b"REPORT RequestId: r\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\t\n");
        }
        assert!(!looks_binary(&text));
        // A fixed-seed LCG: random bytes.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let random: Vec<u8> = (0..8192)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (x >> 56) as u8
            })
            .collect();
        assert!(looks_binary(&random));
        assert!(looks_binary(&[0u8; 4096]));
        let utf16: Vec<u8> = "REPORT RequestId: r\n"
            .repeat(100)
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert!(looks_binary(&utf16));
    }

    /// An event time that is no epoch-millisecond time from 2000 to 2100 (seconds,
    /// nanoseconds, overflowing, negative, unreadable text) skips its record with why, on every
    /// path (compact columns and the in-place reader, rows, thin records); as does a REPORT whose
    /// memory size is no Lambda size.
    #[test]
    fn implausible_times_and_memory_sizes_are_counted_skips() {
        let rep = |ts: &str, mem: u32| {
            format!(
                r#"{{"timestamp":{ts},"message":"REPORT RequestId: 8f5e2a10-1c2d-4e5f-9a0b-1c2d3e4f5a6b\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: {mem} MB\tMax Memory Used: 50 MB\t\n","logGroup":"/aws/lambda/f","logStream":"s"}}"#
            )
        };
        let start = r#"{"timestamp":1756684800,"message":"START RequestId: 8f5e2a10-1c2d-4e5f-9a0b-1c2d3e4f5a6b Version: $LATEST\n","logGroup":"/aws/lambda/f","logStream":"s"}"#;
        let text = [
            rep("1756684800641", 128),
            rep("1756684800", 128),
            rep("1756684800000000000", 128),
            rep("1e300", 128),
            rep("-5", 128),
            rep("\"not a time\"", 128),
            rep("1756684800642", 4_000_000),
            rep("1756684800643", 0),
            start.to_string(),
        ]
        .join("\n");
        let columns = IngestOptions {
            keep_logs: false,
            keep_spans: false,
            keep_metrics: false,
            report_columns: true,
            ..IngestOptions::default()
        };
        let thin = IngestOptions {
            keep_logs: true,
            thin_logs: true,
            report_columns: true,
            ..IngestOptions::default()
        };
        for opts in [columns, IngestOptions::default(), thin] {
            let ing = ingest_memory("export.ndjson", text.clone().into_bytes(), &opts);
            assert_eq!(
                ing.columns.len() + ing.tables.invocations.len(),
                1,
                "{:?}",
                ing.skips
            );
            let r = &ing.skips.by_reason;
            // The START line with a time in seconds is skipped only where log records are kept.
            let start_skipped = u64::from(opts.keep_logs);
            assert_eq!(
                r.get("timestamp out of range"),
                Some(&(4 + start_skipped)),
                "{r:?}"
            );
            assert_eq!(r.get("unreadable timestamp"), Some(&1), "{r:?}");
            assert_eq!(
                r.get("REPORT field is not a number in range"),
                Some(&2),
                "{r:?}"
            );
            let why: Vec<&str> = ing
                .skips
                .examples
                .iter()
                .map(|e| e.reason.as_str())
                .collect();
            assert!(
                why.iter().any(|w| w.contains("looks like epoch seconds")),
                "{why:?}"
            );
        }
        assert_eq!(
            collect::implausible_ms(1_756_684_800_000_000_000).as_deref(),
            Some("1756684800000000000 looks like epoch nanoseconds; event times are epoch milliseconds (convert the file's times)")
        );
        assert_eq!(collect::implausible_ms(1_756_684_800_641), None);
    }
}
