//! The invocation columns `report` aggregates, stored compactly.
//!
//! A 1 GB export holds over a million invocations; as [`Invocation`] rows they take about 250
//! bytes each (strings for the request id and source, options of every field), which alone is
//! larger than a third of the input. `report` needs none of the strings but the function, so
//! ingestion can fold each chunk's rows into these columns (about 70 bytes a row) as it goes.
//! Nulls are sentinels inside the columns (`i64::MIN`, `u32::MAX`, NaN), never visible outside:
//! the accessors return `Option`s.

use std::collections::HashMap;
use std::sync::Arc;

use super::{Invocation, SourceRef, Status};

/// Request ids, kept only to apply statuses learned from other lines (`Task timed out`) by id.
/// Canonical UUIDs (36 lowercase hex characters with dashes, as Lambda writes them) are packed
/// into a `u128`; anything else is kept as text beside its row.
#[derive(Debug, Default, Clone)]
struct RequestIds {
    packed: Vec<u128>,
    other: HashMap<u32, Box<str>>,
}

/// Nibble values of the lowercase hex digits; `0x80` marks every other byte.
const HEX: [u8; 256] = {
    let mut t = [0x80u8; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'a' as usize + i] = 10 + i as u8;
        i += 1;
    }
    t
};

/// Where the 32 digits of a canonical UUID are, in order, around its four dashes.
const UUID_DIGITS: [usize; 32] = {
    let mut t = [0usize; 32];
    let mut k = 0;
    let mut i = 0;
    while i < 36 {
        if !(i == 8 || i == 13 || i == 18 || i == 23) {
            t[k] = i;
            k += 1;
        }
        i += 1;
    }
    t
};

/// A canonical lowercase UUID as a number; `None` for any other text (kept verbatim instead).
/// One table lookup per digit with the validity folded into a mask rather than a branch per
/// character: this runs once for every invocation of a gigabyte export.
fn pack_uuid(id: &str) -> Option<u128> {
    let b: &[u8; 36] = id.as_bytes().try_into().ok()?;
    if b[8] != b'-' || b[13] != b'-' || b[18] != b'-' || b[23] != b'-' {
        return None;
    }
    let half = |digits: &[usize]| {
        let mut v: u64 = 0;
        let mut bad = 0u8;
        for &i in digits {
            let d = HEX[b[i] as usize];
            bad |= d;
            v = (v << 4) | u64::from(d & 0x0f);
        }
        (v, bad)
    };
    let (hi, bad_hi) = half(&UUID_DIGITS[..16]);
    let (lo, bad_lo) = half(&UUID_DIGITS[16..]);
    ((bad_hi | bad_lo) & 0x80 == 0).then_some((u128::from(hi) << 64) | u128::from(lo))
}

pub const NO_TIMESTAMP: i64 = i64::MIN;

/// When an invocation whose REPORT came at `end_ms` started: less its duration, init and
/// restore, rounded to the ms, and at least 1 ms before (an invocation of under half a
/// millisecond ran). The one definition `report`, `cost` and the status overrides use.
pub fn start_before(
    end_ms: i64,
    duration_ms: f64,
    init_ms: Option<f64>,
    restore_ms: Option<f64>,
) -> i64 {
    let busy = duration_ms + init_ms.unwrap_or(0.0) + restore_ms.unwrap_or(0.0);
    (end_ms - busy.round_ties_even() as i64).min(end_ms - 1)
}

/// Rows by request id, each with the time its invocation ran (start and end, epoch ms) when
/// known: see [`ReportColumns::rows_with_request_ids`].
pub type RowsById<'a> = HashMap<&'a str, Vec<(usize, Option<(f64, f64)>)>>;

/// Two reads of one REPORT agree on its time to this (the event's time and the time in its
/// text may differ by a little); Lambda retries a failed asynchronous event about 1 min after
/// the first attempt and 2 min after the second (facts.md, invocation types).
pub const SAME_REPORT_WITHIN_MS: i64 = 1_000;

/// Could two REPORTs with these times be one read twice? Yes when either has no time.
pub fn same_report_time(a: Option<i64>, b: Option<i64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.abs_diff(b) <= SAME_REPORT_WITHIN_MS as u64,
        _ => true,
    }
}
pub const NO_MEMORY: u32 = u32::MAX;

/// Status as stored in [`ReportColumns::status_codes`] (and the report frame's `status`).
pub fn status_code(s: Status) -> u8 {
    match s {
        Status::Success => 0,
        Status::Error => 1,
        Status::Timeout => 2,
        Status::Unknown => 3,
    }
}

fn status_from_code(c: u8) -> Status {
    match c {
        0 => Status::Success,
        1 => Status::Error,
        2 => Status::Timeout,
        _ => Status::Unknown,
    }
}

fn opt_f64(v: Option<f64>) -> f64 {
    // A non-finite value cannot come from a REPORT line (the parsers reject them); if one did,
    // it is stored as null rather than poisoning every aggregate.
    v.filter(|x| x.is_finite()).unwrap_or(f64::NAN)
}

/// The fields of one invocation that [`ReportColumns`] keeps, borrowed.
#[derive(Debug, Clone, Copy)]
pub struct InvocationRef<'a> {
    pub function: &'a Arc<str>,
    pub request_id: &'a str,
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
}

impl InvocationRef<'_> {
    /// The full row, with what the columns do not keep.
    pub fn to_row(
        &self,
        error_type: Option<String>,
        trace_id: Option<String>,
        source: crate::model::SourceRef,
        log_stream: Option<Arc<str>>,
    ) -> Invocation {
        Invocation {
            function: self.function.clone(),
            request_id: self.request_id.to_string(),
            timestamp: self.timestamp,
            duration_ms: self.duration_ms,
            billed_duration_ms: self.billed_duration_ms,
            memory_size_mb: self.memory_size_mb,
            max_memory_used_mb: self.max_memory_used_mb,
            init_duration_ms: self.init_duration_ms,
            restore_duration_ms: self.restore_duration_ms,
            billed_restore_duration_ms: self.billed_restore_duration_ms,
            cold_start: self.cold_start,
            status: self.status,
            error_type,
            trace_id,
            source,
            log_stream,
        }
    }
}

/// Function names as small ids, for columns that store a `u32` per row instead of an `Arc`
/// (no reference count touched per row, 4 bytes instead of 16).
#[derive(Debug, Default, Clone)]
pub(crate) struct NameIds {
    names: Vec<Arc<str>>,
    ids: foldhash::HashMap<Arc<str>, u32>,
    /// The id of each interned name by its address: rows of one file share one `Arc` per
    /// function, so this skips hashing the name for every row. Sound because `names` and
    /// `keep_alive` hold every `Arc` seen, so no address is freed and reused while it is in here.
    ids_by_address: foldhash::HashMap<usize, u32>,
    keep_alive: Vec<Arc<str>>,
}

impl NameIds {
    /// The id of `name`, given one if new.
    pub(crate) fn id(&mut self, name: &Arc<str>) -> u32 {
        let address = Arc::as_ptr(name) as *const u8 as usize;
        if let Some(&id) = self.ids_by_address.get(&address) {
            return id;
        }
        let id = match self.ids.get(name) {
            Some(&id) => id,
            None => {
                let id = self.names.len() as u32;
                self.names.push(name.clone());
                self.ids.insert(name.clone(), id);
                id
            }
        };
        // Keep this `Arc` alive (see `ids_by_address`) when it is not the one in `names`.
        if !Arc::ptr_eq(&self.names[id as usize], name) {
            self.keep_alive.push(name.clone());
        }
        self.ids_by_address.insert(address, id);
        id
    }

    pub(crate) fn name(&self, id: u32) -> &Arc<str> {
        &self.names[id as usize]
    }

    pub(crate) fn as_slice(&self) -> &[Arc<str>] {
        &self.names
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The ids here of `other`'s names, by `other`'s ids (to append rows that use them).
    pub(crate) fn map_from(&mut self, other: &NameIds) -> Vec<u32> {
        other.names.iter().map(|n| self.id(n)).collect()
    }

    /// Gives name `from` the text `to`; when `to` already has an id of its own, the `rows`
    /// (function ids) with `from`'s are given it (`from` keeps its slot, ids being positions,
    /// but no row refers to it any more).
    pub(crate) fn rename(&mut self, from: &str, to: &Arc<str>, rows: &mut [u32]) {
        if from == to.as_ref() {
            return;
        }
        // Names change meaning here: forget the address cache (and the `Arc`s it kept alive).
        self.ids_by_address.clear();
        self.keep_alive.clear();
        let Some(&from_id) = self.ids.get(from) else {
            return;
        };
        if let Some(&to_id) = self.ids.get(to) {
            rows.iter_mut()
                .filter(|f| **f == from_id)
                .for_each(|f| *f = to_id);
            return;
        }
        self.ids.remove(from);
        self.names[from_id as usize] = to.clone();
        self.ids.insert(to.clone(), from_id);
    }

    /// Which names pass `keep`, by id.
    pub(crate) fn mask(&self, keep: impl Fn(&str) -> bool) -> Vec<bool> {
        self.names.iter().map(|n| keep(n)).collect()
    }

    pub(crate) fn into_vec(self) -> Vec<Arc<str>> {
        self.names
    }
}

/// Which rows (of these function ids and timestamps) pass both tests, the function test run
/// once per name; `None` when all do.
fn kept_rows(
    names: &NameIds,
    function: &[u32],
    timestamp: &[i64],
    keep_function: impl Fn(&str) -> bool,
    keep_time: impl Fn(Option<i64>) -> bool,
) -> Option<Vec<bool>> {
    let by_name = names.mask(keep_function);
    let mask: Vec<bool> = function
        .iter()
        .zip(timestamp)
        .map(|(&f, &t)| by_name[f as usize] && keep_time(Some(t).filter(|&t| t != NO_TIMESTAMP)))
        .collect();
    (!mask.iter().all(|&k| k)).then_some(mask)
}

/// Keeps the elements of `v` whose entry in `mask` is true.
fn sieve<T>(v: &mut Vec<T>, mask: &[bool]) {
    let mut i = 0;
    v.retain(|_| {
        let k = mask[i];
        i += 1;
        k
    });
}

/// Compact columns of the invocations table (see the module docs). Rows keep their order.
#[derive(Debug, Default, Clone)]
pub struct ReportColumns {
    names: NameIds,
    function: Vec<u32>,
    timestamp: Vec<i64>,
    duration_ms: Vec<f64>,
    billed_duration_ms: Vec<f64>,
    memory_size_mb: Vec<u32>,
    max_memory_used_mb: Vec<u32>,
    init_duration_ms: Vec<f64>,
    restore_duration_ms: Vec<f64>,
    billed_restore_duration_ms: Vec<f64>,
    cold_start: Vec<bool>,
    status: Vec<u8>,
    request_ids: RequestIds,
}

/// The text of REPORT events as the input holds them (what Logs Insights shows as `@message`:
/// a text REPORT line without the prefix ingestion strips, a `platform.report` event's JSON),
/// kept when ingestion keeps log text (full log records): the invocation rows are parsed values,
/// and a line rebuilt from them would not be the event (statuses learned from other lines,
/// numbers reformatted, fields dropped).
///
/// Keyed by where each event came from (file, line, request id: one line may hold several
/// events), not by row: rows are filtered, deduplicated and merged apart from this, and a
/// lookup by source holds through all of that.
#[derive(Debug, Default, Clone)]
pub struct ReportTexts {
    /// By line: the events of that line.
    by_line: HashMap<u64, Vec<EventText>>,
}

/// (file, request id, text) of one REPORT event.
type EventText = (Arc<str>, Box<str>, String);

impl ReportTexts {
    pub fn is_empty(&self) -> bool {
        self.by_line.is_empty()
    }

    fn slot(&mut self, file: &Arc<str>, line: u64, request_id: &str) -> &mut String {
        let events = self.by_line.entry(line).or_default();
        let i = match events
            .iter()
            .position(|(f, id, _)| f == file && &**id == request_id)
        {
            Some(i) => i,
            None => {
                events.push((file.clone(), request_id.into(), String::new()));
                events.len() - 1
            }
        };
        &mut events[i].2
    }

    /// Keeps `text` as the event of `request_id` at `source` (replacing an earlier one).
    pub fn insert(&mut self, source: &SourceRef, request_id: &str, text: &str) {
        let slot = self.slot(&source.file, source.line, request_id);
        slot.clear();
        slot.push_str(text);
    }

    /// Adds `more` to the end of the event at `source` after a tab (an `XRAY TraceId` line that
    /// continues a REPORT: one event in CloudWatch, tab-separated). Nothing when that event
    /// has no text kept.
    pub fn continue_with(&mut self, source: &SourceRef, request_id: &str, more: &str) {
        if let Some(t) = self.get_mut(source, request_id) {
            let kept = t.trim_end().len();
            t.truncate(kept);
            t.push('\t');
            t.push_str(more);
        }
    }

    fn get_mut(&mut self, source: &SourceRef, request_id: &str) -> Option<&mut String> {
        self.by_line
            .get_mut(&source.line)?
            .iter_mut()
            .find(|(f, id, _)| *f == source.file && &**id == request_id)
            .map(|(_, _, t)| t)
    }

    /// The text of the event of `request_id` at `source`, if kept.
    pub fn get(&self, source: &SourceRef, request_id: &str) -> Option<&str> {
        self.by_line
            .get(&source.line)?
            .iter()
            .find(|(f, id, _)| *f == source.file && &**id == request_id)
            .map(|(_, _, t)| t.as_str())
    }

    /// The text of invocation `r`'s REPORT event, if kept.
    pub fn of(&self, r: &Invocation) -> Option<&str> {
        self.get(&r.source, &r.request_id)
    }

    /// Adds the texts of `other` (a later chunk or file); its events win.
    pub fn append(&mut self, other: ReportTexts) {
        if self.by_line.is_empty() {
            self.by_line = other.by_line;
            return;
        }
        for (line, events) in other.by_line {
            for (file, id, text) in events {
                let source = SourceRef { file, line };
                self.insert(&source, &id, &text);
            }
        }
    }
}

/// The columns moved out for a polars frame, as they are stored (see
/// [`ReportColumns::into_raw_parts`]).
pub struct ReportParts {
    /// Function names, indexed by the values of `function`.
    pub names: Vec<Arc<str>>,
    pub function: Vec<u32>,
    /// [`NO_TIMESTAMP`] where missing.
    pub timestamp: Vec<i64>,
    pub duration_ms: Vec<f64>,
    pub billed_duration_ms: Vec<f64>,
    pub memory_size_mb: Vec<u32>,
    /// [`NO_MEMORY`] where missing.
    pub max_memory_used_mb: Vec<u32>,
    /// NaN where missing, as the restore durations.
    pub init_duration_ms: Vec<f64>,
    pub restore_duration_ms: Vec<f64>,
    pub cold_start: Vec<bool>,
    /// [`status_code`]s.
    pub status: Vec<u8>,
}

impl ReportColumns {
    pub fn from_invocations(rows: &[Invocation]) -> ReportColumns {
        let mut c = ReportColumns::default();
        for r in rows {
            c.push(r);
        }
        c
    }

    pub fn len(&self) -> usize {
        self.function.len()
    }

    /// Which of `ids` some row has as its request id.
    pub fn request_ids_among<'a>(
        &self,
        ids: &std::collections::HashSet<&'a str>,
    ) -> std::collections::HashSet<&'a str> {
        let mut packed: foldhash::HashMap<u128, &'a str> = foldhash::HashMap::default();
        for id in ids {
            if let Some(k) = pack_uuid(id) {
                packed.insert(k, id);
            }
        }
        let mut found = std::collections::HashSet::new();
        for (row, key) in self.request_ids.packed.iter().enumerate() {
            match self.request_ids.other.get(&(row as u32)) {
                Some(text) => {
                    if let Some(id) = ids.get(text.as_ref()) {
                        found.insert(*id);
                    }
                }
                None => {
                    if let Some(id) = packed.get(key) {
                        found.insert(*id);
                    }
                }
            }
        }
        found
    }

    pub fn is_empty(&self) -> bool {
        self.function.is_empty()
    }

    pub fn push(&mut self, r: &Invocation) {
        self.push_ref(&InvocationRef {
            function: &r.function,
            request_id: &r.request_id,
            timestamp: r.timestamp,
            duration_ms: r.duration_ms,
            billed_duration_ms: r.billed_duration_ms,
            memory_size_mb: r.memory_size_mb,
            max_memory_used_mb: r.max_memory_used_mb,
            init_duration_ms: r.init_duration_ms,
            restore_duration_ms: r.restore_duration_ms,
            billed_restore_duration_ms: r.billed_restore_duration_ms,
            cold_start: r.cold_start,
            status: r.status,
        });
    }

    /// Stores one invocation's fields without an [`Invocation`] row (the ingest hot path).
    pub fn push_ref(&mut self, r: &InvocationRef<'_>) {
        let row = self.len() as u32;
        let f = self.names.id(r.function);
        self.function.push(f);
        self.timestamp.push(r.timestamp.unwrap_or(NO_TIMESTAMP));
        self.duration_ms.push(r.duration_ms);
        self.billed_duration_ms.push(r.billed_duration_ms);
        self.memory_size_mb.push(r.memory_size_mb);
        self.max_memory_used_mb
            .push(r.max_memory_used_mb.unwrap_or(NO_MEMORY));
        self.init_duration_ms.push(opt_f64(r.init_duration_ms));
        self.restore_duration_ms
            .push(opt_f64(r.restore_duration_ms));
        self.billed_restore_duration_ms
            .push(opt_f64(r.billed_restore_duration_ms));
        self.cold_start.push(r.cold_start);
        self.status.push(status_code(r.status));
        match pack_uuid(r.request_id) {
            Some(k) => self.request_ids.packed.push(k),
            None => {
                self.request_ids.packed.push(0);
                self.request_ids.other.insert(row, r.request_id.into());
            }
        }
    }

    /// Applies state a REPORT's log stream carried from earlier lines: a restore duration (a
    /// SnapStart restore: a cold start), a re-initialisation in the invoke phase (a cold
    /// start) and an error without a request id (the status becomes an error; the columns
    /// keep no error type).
    pub fn set_stream_state(
        &mut self,
        row: usize,
        restore_ms: Option<f64>,
        reinit: bool,
        error: bool,
    ) {
        debug_assert!(row < self.len(), "row {row} of {}", self.len());
        if row >= self.len() {
            return;
        }
        if let Some(ms) = restore_ms {
            self.restore_duration_ms[row] = opt_f64(Some(ms));
            self.cold_start[row] = true;
        }
        if reinit {
            self.cold_start[row] = true;
        }
        if error {
            self.status[row] = status_code(Status::Error);
        }
    }

    /// Moves `rows` in (emptying it).
    pub fn extend_from(&mut self, rows: &mut Vec<Invocation>) {
        self.reserve(rows.len());
        for r in rows.drain(..) {
            self.push(&r);
        }
    }

    /// Room for `n` more rows in every column.
    pub fn reserve(&mut self, n: usize) {
        self.function.reserve(n);
        self.timestamp.reserve(n);
        self.duration_ms.reserve(n);
        self.billed_duration_ms.reserve(n);
        self.memory_size_mb.reserve(n);
        self.max_memory_used_mb.reserve(n);
        self.init_duration_ms.reserve(n);
        self.restore_duration_ms.reserve(n);
        self.billed_restore_duration_ms.reserve(n);
        self.cold_start.reserve(n);
        self.status.reserve(n);
        self.request_ids.packed.reserve(n);
    }

    /// Appends another set of rows after these.
    pub fn append(&mut self, mut other: ReportColumns) {
        if self.is_empty() && self.names.is_empty() {
            *self = other;
            return;
        }
        let base = self.len() as u32;
        let map = self.names.map_from(&other.names);
        self.function
            .extend(other.function.iter().map(|&f| map[f as usize]));
        self.timestamp.append(&mut other.timestamp);
        self.duration_ms.append(&mut other.duration_ms);
        self.billed_duration_ms
            .append(&mut other.billed_duration_ms);
        self.memory_size_mb.append(&mut other.memory_size_mb);
        self.max_memory_used_mb
            .append(&mut other.max_memory_used_mb);
        self.init_duration_ms.append(&mut other.init_duration_ms);
        self.restore_duration_ms
            .append(&mut other.restore_duration_ms);
        self.billed_restore_duration_ms
            .append(&mut other.billed_restore_duration_ms);
        self.cold_start.append(&mut other.cold_start);
        self.status.append(&mut other.status);
        self.request_ids
            .packed
            .append(&mut other.request_ids.packed);
        for (row, id) in other.request_ids.other {
            self.request_ids.other.insert(base + row, id);
        }
    }

    /// Gives the rows of function `from` the name `to` (merging with `to`'s rows if it exists).
    pub fn rename_function(&mut self, from: &str, to: &Arc<str>) {
        self.names.rename(from, to, &mut self.function);
    }

    /// The rows whose request id is one of `ids`, by id, each with the time it ran (start and
    /// end, epoch ms: the REPORT's time less its duration, INIT and restore) when it has one.
    pub fn rows_with_request_ids<'a>(
        &self,
        ids: &std::collections::HashSet<&'a str>,
    ) -> RowsById<'a> {
        let mut packed: foldhash::HashMap<u128, &'a str> = foldhash::HashMap::default();
        for id in ids {
            if let Some(k) = pack_uuid(id) {
                packed.insert(k, id);
            }
        }
        let others = !self.request_ids.other.is_empty();
        let mut out: RowsById<'a> = HashMap::new();
        for (row, key) in self.request_ids.packed.iter().enumerate() {
            let text = if others {
                self.request_ids.other.get(&(row as u32))
            } else {
                None
            };
            let id = match text {
                Some(text) => ids.get(text.as_ref()).copied(),
                None => packed.get(key).copied(),
            };
            if let Some(id) = id {
                let ran = self
                    .start_ms(row)
                    .zip(self.timestamp(row))
                    .map(|(start, end)| (start as f64, end as f64));
                out.entry(id).or_default().push((row, ran));
            }
        }
        out
    }

    pub fn set_status(&mut self, row: usize, status: Status) {
        self.status[row] = status_code(status);
    }

    /// Keeps the rows whose function and time both pass (the function test runs once per name).
    pub fn retain(
        &mut self,
        keep_function: impl Fn(&str) -> bool,
        keep_time: impl Fn(Option<i64>) -> bool,
    ) {
        let Some(mask) = kept_rows(
            &self.names,
            &self.function,
            &self.timestamp,
            keep_function,
            keep_time,
        ) else {
            return;
        };
        self.keep_rows(&mask);
    }

    /// Drops the rows that repeat an earlier row's report (same function and request id, the
    /// same duration, billed duration and memory, and the same time within
    /// [`SAME_REPORT_WITHIN_MS`]): one invocation read twice, from overlapping exports, a file
    /// named twice, or a text REPORT and its `platform.report`. Returns how many were dropped.
    /// (A retried request reuses its id, and a retry that timed out again has the very same
    /// timings, but Lambda retries a minute or more later.)
    pub fn drop_duplicates(&mut self) -> usize {
        let same = |a: usize, b: usize| {
            self.function[a] == self.function[b]
                && same_report_time(self.timestamp(a), self.timestamp(b))
                && self.duration_ms[a].to_bits() == self.duration_ms[b].to_bits()
                && self.billed_duration_ms[a].to_bits() == self.billed_duration_ms[b].to_bits()
                && self.memory_size_mb[a] == self.memory_size_mb[b]
                && self.max_memory_used_mb[a] == self.max_memory_used_mb[b]
                && self.request_ids.other.get(&(a as u32))
                    == self.request_ids.other.get(&(b as u32))
        };
        // By request id (packed, or its text when not a UUID), over the two halves of the id
        // space, one per core. A row is compared with every row of its id kept so far: a
        // retried request (its id again, other timings) stays, and so does the same id under
        // another function, each once however many inputs repeat it.
        // Most runs have no repeated id: a bit per id, in a table small enough to stay in
        // cache (a hash map of every row was 5 % of a 1 GB report), finds the few ids seen
        // before; only rows with those ids are then matched exactly. UUIDs are random, so
        // their low bits index the table as they are.
        let bits = (self.len() * 8).next_power_of_two().max(64);
        let mut table = vec![0u64; bits / 64];
        let mut repeated: foldhash::HashSet<u128> = foldhash::HashSet::default();
        for &id in &self.request_ids.packed {
            let h = (id as u64 ^ (id >> 64) as u64) as usize & (bits - 1);
            let (word, bit) = (h / 64, 1u64 << (h % 64));
            if table[word] & bit != 0 {
                repeated.insert(id);
            }
            table[word] |= bit;
        }
        drop(table);
        if repeated.is_empty() {
            return 0;
        }
        let dups = |half: u128| {
            // The rows kept of each id: packed, or its text when it is not a UUID (stored
            // apart, its packed value 0). A handful per id at most.
            let mut kept: foldhash::HashMap<(u128, Option<&str>), Vec<usize>> = Default::default();
            let mut dup = Vec::new();
            for (row, &id) in self.request_ids.packed.iter().enumerate() {
                if id & 1 != half || !repeated.contains(&id) {
                    continue;
                }
                let text = match id {
                    0 => self.request_ids.other.get(&(row as u32)).map(AsRef::as_ref),
                    _ => None,
                };
                let rows = kept.entry((id, text)).or_default();
                if rows.iter().any(|&k| same(k, row)) {
                    dup.push(row);
                } else {
                    rows.push(row);
                }
            }
            dup
        };
        let (a, b) = rayon::join(|| dups(0), || dups(1));
        if a.is_empty() && b.is_empty() {
            return 0;
        }
        let mut mask = vec![true; self.len()];
        for row in a.iter().chain(&b) {
            mask[*row] = false;
        }
        self.keep_rows(&mask);
        a.len() + b.len()
    }

    /// Keeps the rows `mask` marks.
    fn keep_rows(&mut self, mask: &[bool]) {
        let mut new_row = Vec::with_capacity(mask.len());
        let mut n = 0u32;
        for &k in mask {
            new_row.push(n);
            n += u32::from(k);
        }
        let other = std::mem::take(&mut self.request_ids.other);
        self.request_ids.other = other
            .into_iter()
            .filter(|(row, _)| mask[*row as usize])
            .map(|(row, id)| (new_row[row as usize], id))
            .collect();
        sieve(&mut self.function, mask);
        sieve(&mut self.timestamp, mask);
        sieve(&mut self.duration_ms, mask);
        sieve(&mut self.billed_duration_ms, mask);
        sieve(&mut self.memory_size_mb, mask);
        sieve(&mut self.max_memory_used_mb, mask);
        sieve(&mut self.init_duration_ms, mask);
        sieve(&mut self.restore_duration_ms, mask);
        sieve(&mut self.billed_restore_duration_ms, mask);
        sieve(&mut self.cold_start, mask);
        sieve(&mut self.status, mask);
        sieve(&mut self.request_ids.packed, mask);
    }

    pub fn function(&self, row: usize) -> &Arc<str> {
        self.names.name(self.function[row])
    }

    pub fn timestamp(&self, row: usize) -> Option<i64> {
        Some(self.timestamp[row]).filter(|&t| t != NO_TIMESTAMP)
    }

    pub fn status(&self, row: usize) -> Status {
        status_from_code(self.status[row])
    }

    /// Function names; [`Self::function_id`] indexes them.
    pub fn names(&self) -> &[Arc<str>] {
        self.names.as_slice()
    }

    pub fn function_id(&self, row: usize) -> u32 {
        self.function[row]
    }

    pub fn duration_ms(&self, row: usize) -> f64 {
        self.duration_ms[row]
    }

    pub fn billed_duration_ms(&self, row: usize) -> f64 {
        self.billed_duration_ms[row]
    }

    pub fn memory_size_mb(&self, row: usize) -> u32 {
        self.memory_size_mb[row]
    }

    pub fn max_memory_used_mb(&self, row: usize) -> Option<u32> {
        Some(self.max_memory_used_mb[row]).filter(|&m| m != NO_MEMORY)
    }

    pub fn init_duration_ms(&self, row: usize) -> Option<f64> {
        Some(self.init_duration_ms[row]).filter(|x| !x.is_nan())
    }

    pub fn restore_duration_ms(&self, row: usize) -> Option<f64> {
        Some(self.restore_duration_ms[row]).filter(|x| !x.is_nan())
    }

    pub fn billed_restore_duration_ms(&self, row: usize) -> Option<f64> {
        Some(self.billed_restore_duration_ms[row]).filter(|x| !x.is_nan())
    }

    pub fn cold_start(&self, row: usize) -> bool {
        self.cold_start[row]
    }

    /// When the invocation started (UTC epoch ms): its REPORT time less its duration, init and
    /// restore, rounded to the ms, and at least 1 ms before the REPORT (an invocation of under
    /// half a millisecond ran; as `report`'s peak concurrency counts it); `None` without a time.
    pub fn start_ms(&self, row: usize) -> Option<i64> {
        Some(start_before(
            self.timestamp(row)?,
            self.duration_ms(row),
            self.init_duration_ms(row),
            self.restore_duration_ms(row),
        ))
    }

    /// The columns moved out as they are stored: a missing timestamp is [`NO_TIMESTAMP`], a
    /// missing max memory [`NO_MEMORY`], a missing init or restore duration NaN (a frame then
    /// marks them null in validity bitmaps instead of building `Option`s row by row).
    pub fn into_raw_parts(self) -> ReportParts {
        ReportParts {
            names: self.names.into_vec(),
            function: self.function,
            timestamp: self.timestamp,
            duration_ms: self.duration_ms,
            billed_duration_ms: self.billed_duration_ms,
            memory_size_mb: self.memory_size_mb,
            max_memory_used_mb: self.max_memory_used_mb,
            init_duration_ms: self.init_duration_ms,
            restore_duration_ms: self.restore_duration_ms,
            cold_start: self.cold_start,
            status: self.status,
        }
    }
}

/// Log records reduced to what a query reading only `@timestamp`, `@type`, `@log` and
/// `function` needs (`IngestOptions::thin_logs`), as columns: 13 bytes a record, no allocation
/// and no reference count touched per record, where a [`super::LogRecord`] copies the line's
/// text. Rows keep their order.
#[derive(Debug, Default, Clone)]
pub struct ThinLogs {
    names: NameIds,
    /// `@type`s by id less one (0 is a record without one): a handful of platform line kinds.
    types: Vec<&'static str>,
    function: Vec<u32>,
    /// [`NO_TIMESTAMP`] where missing.
    timestamp: Vec<i64>,
    log_type: Vec<u8>,
}

impl ThinLogs {
    /// Stores one record. `log_type` is the platform line's kind (`START`, `END`, ...; for a
    /// JSON-format platform event, the text format's word: `crate::model::text_type_of`); none
    /// for application lines.
    pub fn push(
        &mut self,
        function: &Arc<str>,
        timestamp: Option<i64>,
        log_type: Option<&'static str>,
    ) {
        let f = self.names.id(function);
        let t = log_type.map_or(0, |t| self.type_id(t));
        self.function.push(f);
        self.timestamp.push(timestamp.unwrap_or(NO_TIMESTAMP));
        self.log_type.push(t);
    }

    fn type_id(&mut self, t: &'static str) -> u8 {
        match self.types.iter().position(|&k| k == t) {
            Some(i) => i as u8 + 1,
            None => {
                // The kinds are a fixed list of platform words, far fewer than 255.
                debug_assert!(self.types.len() < 255);
                self.types.push(t);
                self.types.len().min(255) as u8
            }
        }
    }

    pub fn len(&self) -> usize {
        self.function.len()
    }

    pub fn is_empty(&self) -> bool {
        self.function.is_empty()
    }

    /// Room for `n` more records.
    pub fn reserve(&mut self, n: usize) {
        self.function.reserve(n);
        self.timestamp.reserve(n);
        self.log_type.reserve(n);
    }

    /// Appends another set of records after these.
    pub fn append(&mut self, mut other: ThinLogs) {
        if self.is_empty() && self.names.is_empty() {
            *self = other;
            return;
        }
        let names = self.names.map_from(&other.names);
        let types: Vec<u8> = std::iter::once(0)
            .chain(other.types.iter().map(|&t| self.type_id(t)))
            .collect();
        self.function
            .extend(other.function.iter().map(|&f| names[f as usize]));
        self.timestamp.append(&mut other.timestamp);
        self.log_type
            .extend(other.log_type.iter().map(|&t| types[t as usize]));
    }

    /// Gives the records of function `from` the name `to`.
    pub fn rename_function(&mut self, from: &str, to: &Arc<str>) {
        self.names.rename(from, to, &mut self.function);
    }

    /// Keeps the records whose function and time both pass (the function test runs once per
    /// name).
    pub fn retain(
        &mut self,
        keep_function: impl Fn(&str) -> bool,
        keep_time: impl Fn(Option<i64>) -> bool,
    ) {
        let Some(mask) = kept_rows(
            &self.names,
            &self.function,
            &self.timestamp,
            keep_function,
            keep_time,
        ) else {
            return;
        };
        sieve(&mut self.function, &mask);
        sieve(&mut self.timestamp, &mask);
        sieve(&mut self.log_type, &mask);
    }

    pub fn function(&self, row: usize) -> &Arc<str> {
        self.names.name(self.function[row])
    }

    /// Function names; [`Self::function_id`] indexes them.
    pub fn names(&self) -> &[Arc<str>] {
        self.names.as_slice()
    }

    pub fn function_id(&self, row: usize) -> u32 {
        self.function[row]
    }

    pub fn timestamp(&self, row: usize) -> Option<i64> {
        Some(self.timestamp[row]).filter(|&t| t != NO_TIMESTAMP)
    }

    pub fn log_type(&self, row: usize) -> Option<&'static str> {
        match self.log_type[row] {
            0 => None,
            t => Some(self.types[t as usize - 1]),
        }
    }

    /// The records counted in buckets: one record for each function, type and time bucket
    /// (`grain_ms` long, epoch-aligned; all of time when `None`), with how many records it
    /// stands for. A bucket's time is its start (0 when `grain_ms` is `None`); records without a
    /// time keep their own bucket. For a query that only counts these records by function,
    /// type and time bins that the buckets tile (see `analytics::query`), the answer is the
    /// same and the frame is a few thousand rows instead of millions.
    ///
    /// The same bucket may appear more than once (once per stretch of records counted
    /// apart), which changes no count. Buckets come in the order their first records do.
    pub fn bucketed(&self, grain_ms: Option<i64>) -> (ThinLogs, Vec<u64>) {
        use rayon::prelude::*;
        // A stretch per task: big enough that a bucket is rarely split, small enough that
        // both cores get work.
        const STRETCH: usize = 1 << 20;
        let bucket = |t: i64| match (t, grain_ms) {
            (NO_TIMESTAMP, _) => NO_TIMESTAMP,
            (_, None) => 0,
            // A time so near the ends of i64 that its bucket start overflows keeps its own
            // bucket: `bin()` sees it as it is.
            (t, Some(g)) => t.div_euclid(g).checked_mul(g).unwrap_or(t),
        };
        // Per stretch: the buckets (function id, type id, start) and their counts.
        type Counted = (Vec<(u32, u8, i64)>, Vec<u64>);
        let parts: Vec<Counted> = (0..self.len().div_ceil(STRETCH))
            .into_par_iter()
            .map(|k| {
                let rows = k * STRETCH..self.len().min((k + 1) * STRETCH);
                let mut at: foldhash::HashMap<(u32, u8, i64), usize> = Default::default();
                let mut keys = Vec::new();
                let mut counts: Vec<u64> = Vec::new();
                for r in rows {
                    let key = (
                        self.function[r],
                        self.log_type[r],
                        bucket(self.timestamp[r]),
                    );
                    match at.entry(key) {
                        std::collections::hash_map::Entry::Occupied(e) => counts[*e.get()] += 1,
                        std::collections::hash_map::Entry::Vacant(e) => {
                            e.insert(keys.len());
                            keys.push(key);
                            counts.push(1);
                        }
                    }
                }
                (keys, counts)
            })
            .collect();
        let n: usize = parts.iter().map(|(k, _)| k.len()).sum();
        let mut out = ThinLogs {
            names: self.names.clone(),
            types: self.types.clone(),
            function: Vec::with_capacity(n),
            timestamp: Vec::with_capacity(n),
            log_type: Vec::with_capacity(n),
        };
        let mut weights = Vec::with_capacity(n);
        for (keys, counts) in parts {
            for (f, t, ts) in keys {
                out.function.push(f);
                out.log_type.push(t);
                out.timestamp.push(ts);
            }
            weights.extend(counts);
        }
        (out, weights)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_texts_are_found_by_source_through_appends() {
        let a: Arc<str> = Arc::from("a.log");
        let b: Arc<str> = Arc::from("b.log");
        let at = |file: &Arc<str>, line| SourceRef {
            file: file.clone(),
            line,
        };
        let mut first = ReportTexts::default();
        first.insert(&at(&a, 3), "r1", "REPORT RequestId: r1\tDuration: 7.1 ms");
        // Two events on one line (an array of events): told apart by request id.
        first.insert(&at(&a, 9), "r2", "{\"r\":2}");
        first.insert(&at(&a, 9), "r3", "{\"r\":3}");
        first.continue_with(&at(&a, 3), "r1", "XRAY TraceId: 1-x\tSegmentId: 9f");
        // Nothing to continue: no text kept for that event.
        first.continue_with(&at(&a, 4), "r9", "XRAY TraceId: 1-y");
        let mut second = ReportTexts::default();
        second.insert(&at(&b, 3), "r1", "other file");
        let mut all = ReportTexts::default();
        all.append(first);
        all.append(second);
        let t = &all;
        assert_eq!(
            t.get(&at(&a, 3), "r1"),
            Some("REPORT RequestId: r1\tDuration: 7.1 ms\tXRAY TraceId: 1-x\tSegmentId: 9f")
        );
        assert_eq!(t.get(&at(&a, 9), "r3"), Some("{\"r\":3}"));
        assert_eq!(t.get(&at(&b, 3), "r1"), Some("other file"));
        assert_eq!(t.get(&at(&a, 4), "r9"), None);
        assert_eq!(t.get(&at(&b, 9), "r2"), None);
    }
    use crate::model::SourceRef;

    fn inv(f: &str, id: &str, ts: Option<i64>, d: f64) -> Invocation {
        Invocation {
            function: Arc::from(f),
            request_id: id.to_string(),
            timestamp: ts,
            duration_ms: d,
            billed_duration_ms: d.ceil(),
            memory_size_mb: 128,
            max_memory_used_mb: Some(64),
            init_duration_ms: None,
            restore_duration_ms: None,
            billed_restore_duration_ms: None,
            cold_start: false,
            status: Status::Success,
            error_type: None,
            trace_id: None,
            source: SourceRef {
                file: Arc::from("f"),
                line: 1,
            },
            log_stream: None,
        }
    }

    /// A report read twice counts once (UUID ids and others); a retried request (its id
    /// again, other timings) and the same id in another function stay, once each.
    #[test]
    fn repeated_reports_are_dropped_once_each() {
        let rows = vec![
            inv("a", U1, Some(1), 10.0),
            inv("a", "req-1", Some(2), 20.0),
            inv("a", U2, Some(3), 30.0),
            inv("a", U1, Some(9), 10.0),
            inv("a", U1, Some(4), 11.0),
            inv("b", U1, Some(5), 10.0),
            inv("a", "req-1", Some(2), 20.0),
            inv("a", "req-2", Some(2), 20.0),
            inv("a", U1, Some(1), 10.0),
            // The retry and the other function's row read again (a second copy of the
            // input): each counts once too, not only the first row of the id.
            inv("a", U1, Some(12), 11.0),
            inv("b", U1, Some(13), 10.0),
        ];
        let mut c = ReportColumns::from_invocations(&rows);
        assert_eq!(c.drop_duplicates(), 5);
        // Rows by their times: the first of each report, in order.
        let kept: Vec<Option<i64>> = (0..c.len()).map(|r| c.timestamp(r)).collect();
        assert_eq!(kept, [1, 2, 3, 4, 5, 2].map(Some));
        // The id that is not a UUID moved with its row.
        let ids: std::collections::HashSet<&str> = ["req-1", "req-2"].into_iter().collect();
        assert_eq!(c.request_ids_among(&ids), ids);
        assert_eq!(c.function(4).as_ref(), "b");
        let mut again = ReportColumns::from_invocations(&rows[..3]);
        assert_eq!(again.drop_duplicates(), 0);
        assert_eq!(again.len(), 3);
    }

    /// Bucketed records add up to the records, per function, type and bucket, across the
    /// stretches counted apart, with and without times.
    #[test]
    fn bucketed_thin_logs_count_every_record() {
        let names: Vec<Arc<str>> = ["a", "b", "c"].into_iter().map(Arc::from).collect();
        let mut t = ThinLogs::default();
        let n = 2_500_000_i64;
        for i in 0..n {
            let ts = match i % 7 {
                0 => None,
                k => Some((i - n / 2) * 997 + k),
            };
            let ty = ["START", "END"].get((i % 3) as usize).copied();
            t.push(&names[(i % 3) as usize], ts, ty);
        }
        let key = |t: &ThinLogs, r: usize, g: Option<i64>| {
            (
                t.function(r).clone(),
                t.log_type(r),
                t.timestamp(r)
                    .map(|ts| g.map_or(0, |g| ts.div_euclid(g) * g)),
            )
        };
        for grain in [None, Some(1), Some(3_600_000), Some(86_400_000)] {
            let (b, weights) = t.bucketed(grain);
            assert_eq!(b.len(), weights.len());
            assert_eq!(weights.iter().sum::<u64>(), n as u64);
            let mut want: std::collections::HashMap<_, u64> = Default::default();
            for r in 0..t.len() {
                *want.entry(key(&t, r, grain)).or_default() += 1;
            }
            let mut got: std::collections::HashMap<_, u64> = Default::default();
            for (r, w) in weights.iter().enumerate() {
                *got.entry(key(&b, r, grain)).or_default() += w;
                // A bucket's time is its start.
                assert_eq!(b.timestamp(r), key(&b, r, grain).2);
            }
            assert_eq!(got, want, "{grain:?}");
            if grain.is_none() {
                // 3 functions x (START, END, none) x (with and without a time), once a stretch.
                assert!(b.len() <= 18 * 3, "{}", b.len());
            }
        }
    }

    const U1: &str = "6d8507ed-bbd2-4f9e-aa40-7de388ec6cb7";
    const U2: &str = "0f2974a8-088e-427c-a95c-793aef34a9a5";

    #[test]
    fn uuids_pack_and_others_do_not() {
        assert_eq!(pack_uuid("00000000-0000-0000-0000-00000000000f"), Some(15));
        assert!(pack_uuid(U1).is_some());
        assert_eq!(pack_uuid("6D8507ED-BBD2-4F9E-AA40-7DE388EC6CB7"), None);
        assert_eq!(pack_uuid("req-1"), None);
        assert_eq!(pack_uuid("6d8507ed_bbd2-4f9e-aa40-7de388ec6cb7"), None);
        assert_eq!(pack_uuid(U1), Some(0x6d8507ed_bbd2_4f9e_aa40_7de388ec6cb7));
    }

    proptest::proptest! {
        /// Packs exactly the canonical lowercase UUIDs, as the 32 digits read in base 16.
        #[test]
        fn packing_is_the_hex_number(s in "[0-9a-fA-F_-]{36}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-fG]{4}-[0-9a-f]{12}") {
            let b = s.as_bytes();
            let canonical = b.len() == 36
                && b.iter().enumerate().all(|(i, &c)| {
                    if matches!(i, 8 | 13 | 18 | 23) { c == b'-' } else { matches!(c, b'0'..=b'9' | b'a'..=b'f') }
                });
            let want = canonical.then(|| u128::from_str_radix(&s.replace('-', ""), 16).expect("hex"));
            proptest::prop_assert_eq!(pack_uuid(&s), want);
        }
    }

    /// Every row with one of the ids takes its status (packed and other ids alike).
    fn set_statuses(c: &mut ReportColumns, by_id: &HashMap<&str, Status>) {
        let ids: std::collections::HashSet<&str> = by_id.keys().copied().collect();
        for (id, rows) in c.rows_with_request_ids(&ids) {
            for (row, _) in rows {
                c.set_status(row, by_id[id]);
            }
        }
    }

    #[test]
    fn append_rename_and_statuses() {
        let mut a = ReportColumns::from_invocations(&[inv("", U1, Some(5), 1.5)]);
        let b = ReportColumns::from_invocations(&[
            inv("api", "req-odd", None, 2.0),
            inv("", U2, Some(7), 3.0),
        ]);
        a.append(b);
        assert_eq!(a.len(), 3);
        a.rename_function("", &Arc::from("api"));
        assert!((0..3).all(|i| a.function(i).as_ref() == "api"));
        let mut by_id = HashMap::new();
        by_id.insert(U2, Status::Timeout);
        by_id.insert("req-odd", Status::Error);
        set_statuses(&mut a, &by_id);
        assert_eq!(
            (0..3).map(|i| a.status(i)).collect::<Vec<_>>(),
            [Status::Success, Status::Error, Status::Timeout]
        );
        a.retain(|_| true, |ts| ts.is_some());
        assert_eq!(a.len(), 2);
        assert_eq!(a.timestamp(1), Some(7));
        // The odd id's row was dropped; the packed rows keep their statuses.
        assert!(a.request_ids.other.is_empty());
        let rows = 0..a.len();
        assert_eq!(
            rows.clone().map(|i| a.duration_ms(i)).collect::<Vec<_>>(),
            [1.5, 3.0]
        );
        assert_eq!(
            rows.clone()
                .map(|i| a.max_memory_used_mb(i))
                .collect::<Vec<_>>(),
            [Some(64), Some(64)]
        );
        assert_eq!(
            rows.map(|i| a.init_duration_ms(i)).collect::<Vec<_>>(),
            [None, None]
        );
    }

    #[test]
    fn rename_to_a_new_name_keeps_rows() {
        let mut a = ReportColumns::from_invocations(&[inv("", U1, Some(1), 1.0)]);
        a.rename_function("", &Arc::from("fallback"));
        assert_eq!(a.function(0).as_ref(), "fallback");
        let mut b = ReportColumns::default();
        b.append(a);
        let odd = ReportColumns::from_invocations(&[inv("x", "r", None, 1.0)]);
        b.append(odd);
        let mut by_id = HashMap::new();
        by_id.insert("r", Status::Timeout);
        set_statuses(&mut b, &by_id);
        assert_eq!(b.status(1), Status::Timeout);
        assert_eq!(b.status(0), Status::Success);
    }

    fn thin_rows(t: &ThinLogs) -> Vec<(String, Option<i64>, Option<&'static str>)> {
        (0..t.len())
            .map(|i| (t.function(i).to_string(), t.timestamp(i), t.log_type(i)))
            .collect()
    }

    #[test]
    fn thin_logs_append_rename_and_retain() {
        let (a_fn, b_fn, open) = (Arc::from("a"), Arc::from("b"), Arc::from(""));
        let mut first = ThinLogs::default();
        first.push(&a_fn, Some(1), Some("START"));
        first.push(&open, None, None);
        // Another part of the run, with its own ids for names and types (in another order).
        let mut second = ThinLogs::default();
        second.push(&b_fn, Some(3), Some("END"));
        second.push(&Arc::from("a"), Some(4), Some("START"));
        second.push(&open, Some(5), Some("END"));
        first.append(second);
        assert_eq!(
            thin_rows(&first),
            vec![
                ("a".into(), Some(1), Some("START")),
                ("".into(), None, None),
                ("b".into(), Some(3), Some("END")),
                ("a".into(), Some(4), Some("START")),
                ("".into(), Some(5), Some("END")),
            ]
        );
        // An open name given one that exists merges with it; the ids stay valid.
        first.rename_function("", &Arc::from("b"));
        assert_eq!(first.function(1).as_ref(), "b");
        assert_eq!(first.function_id(1), first.function_id(2));
        assert_eq!(first.names().len(), 3, "the old slot stays, unused");
        first.retain(|f| f == "b", |ts| ts.is_some_and(|t| t >= 3));
        assert_eq!(
            thin_rows(&first),
            vec![
                ("b".into(), Some(3), Some("END")),
                ("b".into(), Some(5), Some("END"))
            ]
        );
    }
}
