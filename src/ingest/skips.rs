//! Counting what could not be read: every malformed record is counted per reason, and the first
//! few are kept with their `file:line` so the user can look.

use std::collections::BTreeMap;

use serde::Serialize;

/// How many examples are kept in total (the counts are always complete).
pub const MAX_EXAMPLES: usize = 20;

/// What the object CloudWatch writes beside an S3 export (`aws-logs-write-test`) is called
/// among the files passed over.
pub const PERMISSION_CHECK: &str = "the permission check CloudWatch writes beside an S3 export";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkipExample {
    /// `file:line`
    pub source: String,
    pub reason: String,
}

/// Skipped-record accounting, mergeable across files and threads.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Skips {
    pub total: u64,
    /// Count per reason (a short fixed phrase such as "REPORT without Duration").
    pub by_reason: BTreeMap<String, u64>,
    /// The first few, in input order.
    pub examples: Vec<SkipExample>,
    /// Lines where bytes that are not UTF-8 were replaced (U+FFFD), read all
    /// the same: said, but no record was skipped (not in `total`, not a `--strict` failure).
    #[serde(skip_serializing_if = "is_zero")]
    pub replaced_utf8: u64,
    /// The first few of them, `file:line`, in input order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub replaced_utf8_at: Vec<String>,
    /// Lines whose leading date or time does not exist (`2026-02-30T10:00:00Z`, an hour past 23),
    /// read all the same without that time: said, not skipped.
    #[serde(skip_serializing_if = "is_zero")]
    pub impossible_times: u64,
    /// The first few of them, `file:line (the text)`, in input order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub impossible_times_at: Vec<String>,
    /// Files passed over as faascope's own exports (or Parquet), `file (what)`: not inputs,
    /// so neither read nor skips (an export written into the input directory and read back
    /// had made records of an invented function).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub own_exports: Vec<String>,
    /// X-Ray traces given in part (`LimitExceeded`, `IsPartial`), `file:line (trace id)`: read
    /// and kept, their figures of the segments given; said, not skipped.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub partial_traces: Vec<String>,
    /// Trace ids BatchGetTraces left unprocessed (`UnprocessedTraceIds`: throttled, to be asked
    /// again), `file:line (trace id)`: not in the file, so in no figure, and said, not skipped;
    /// one a copy of was read elsewhere (the retry's page) is dropped
    /// ([`Skips::settle_partial_traces`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unprocessed_traces: Vec<String>,
    /// `INIT_REPORT` lines with a status other than success, `file:line (Phase, Status)`: an
    /// environment that failed to start (its retry in the invoke phase makes that invocation
    /// a cold start); said, not skipped.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub init_failures: Vec<String>,
    /// Failures (`Task timed out`, a runtime's error line) naming a request with no REPORT in
    /// the inputs, `id (status)`: in no figure (a log cut short, a line lost), so said.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unreported_failures: Vec<String>,
    /// Log groups a live pull listed and found deleted when it asked for their events: their
    /// events are in no figure, so said (the other groups are read).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deleted_groups: Vec<String>,
    /// Traces a BatchGetTraces response gave whole (`LimitExceeded: false`): a partial copy of
    /// one read elsewhere is no longer partial ([`Skips::settle_partial_traces`]).
    #[serde(skip)]
    pub whole_traces: Vec<String>,
    /// Traces a BatchGetTraces response held (whole or in part), their ids: an unprocessed id
    /// of one of them was fetched again ([`Skips::settle_partial_traces`]).
    #[serde(skip)]
    pub read_traces: Vec<String>,
    /// X-Ray spans read twice within one value (a segment repeated in one BatchGetTraces
    /// page), kept once there: counted with the copies across inputs (review of 2026-12-07:
    /// those were said, these not).
    #[serde(skip)]
    pub repeated_spans: usize,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl Skips {
    /// Records one skip. `reason` is the short category; `detail` may add specifics.
    pub fn add(&mut self, file: &str, line: u64, reason: &str, detail: Option<&str>) {
        self.total += 1;
        *self.by_reason.entry(reason.to_string()).or_default() += 1;
        if self.examples.len() < MAX_EXAMPLES {
            let reason = match detail {
                Some(d) if !d.is_empty() => format!("{reason}: {d}"),
                _ => reason.to_string(),
            };
            self.examples.push(SkipExample {
                source: format!("{file}:{line}"),
                reason,
            });
        }
    }

    /// Appends which record of a batch (its index, and its id when it has one) to the examples
    /// added since `examples_before`: a Kinesis or Firehose batch's records share the lines of
    /// one document, and the user looks a bad one up by its id.
    pub fn name_record(&mut self, examples_before: usize, index: usize, id: Option<&str>) {
        for e in self.examples.iter_mut().skip(examples_before) {
            e.reason.push_str(&match id {
                Some(id) => format!(" (record {index}, {id})"),
                None => format!(" (record {index})"),
            });
        }
    }

    /// Records a place where bytes that are not UTF-8 were replaced (the lines were read).
    pub fn add_replaced(&mut self, file: &str, line: u64) {
        self.replaced_utf8 += 1;
        if self.replaced_utf8_at.len() < MAX_EXAMPLES {
            self.replaced_utf8_at.push(format!("{file}:{line}"));
        }
    }

    /// Records a line whose date or time does not exist (`shown`), read without it.
    pub fn add_impossible_time(&mut self, file: &str, line: u64, shown: &str) {
        self.impossible_times += 1;
        if self.impossible_times_at.len() < MAX_EXAMPLES {
            self.impossible_times_at
                .push(format!("{file}:{line} ({shown})"));
        }
    }

    /// Records a file passed over as faascope's own export.
    pub fn add_own_export(&mut self, file: &str, what: &str) {
        self.own_exports.push(format!("{file} ({what})"));
    }

    /// Once every input is read: each partial trace said once (at its first copy), and none
    /// that a whole copy of was read too (its spans are then all there). Seventh-round
    /// review: two copies of one partial trace read "2 X-Ray trace(s) came in part", and a
    /// trace re-fetched whole was still said to be partial.
    pub fn settle_partial_traces<'a>(&mut self, span_traces: impl Iterator<Item = &'a str>) {
        // Each trace said once, and none of `cleared`; entries are `file:line (id)`, as
        // [`crate::ingest::collect`] writes them.
        fn settle(list: &mut Vec<String>, cleared: &std::collections::HashSet<&str>) {
            fn id(entry: &str) -> &str {
                entry
                    .rsplit_once(" (")
                    .map_or(entry, |(_, id)| id.strip_suffix(')').unwrap_or(id))
            }
            let mut seen = std::collections::HashSet::new();
            list.retain(|e| {
                let id = id(e);
                !cleared.contains(id) && seen.insert(id.to_owned())
            });
        }
        let whole: std::collections::HashSet<&str> =
            self.whole_traces.iter().map(String::as_str).collect();
        settle(&mut self.partial_traces, &whole);
        // An unprocessed id read in any copy (a retry's page, its segments from elsewhere) is
        // in the figures (review of 2026-12-07: the trace was listed whole and still failed
        // --strict as a malformed record).
        if self.unprocessed_traces.is_empty() {
            return;
        }
        let mut read: std::collections::HashSet<&str> =
            self.read_traces.iter().map(String::as_str).collect();
        for t in span_traces {
            read.insert(t);
        }
        settle(&mut self.unprocessed_traces, &read);
    }

    pub fn merge(&mut self, other: Skips) {
        self.own_exports.extend(other.own_exports);
        self.partial_traces.extend(other.partial_traces);
        self.whole_traces.extend(other.whole_traces);
        self.unprocessed_traces.extend(other.unprocessed_traces);
        self.read_traces.extend(other.read_traces);
        self.repeated_spans += other.repeated_spans;
        self.init_failures.extend(other.init_failures);
        self.deleted_groups.extend(other.deleted_groups);
        self.total += other.total;
        self.replaced_utf8 += other.replaced_utf8;
        let room = MAX_EXAMPLES.saturating_sub(self.replaced_utf8_at.len());
        self.replaced_utf8_at
            .extend(other.replaced_utf8_at.into_iter().take(room));
        self.impossible_times += other.impossible_times;
        let room = MAX_EXAMPLES.saturating_sub(self.impossible_times_at.len());
        self.impossible_times_at
            .extend(other.impossible_times_at.into_iter().take(room));
        for (k, v) in other.by_reason {
            *self.by_reason.entry(k).or_default() += v;
        }
        let room = MAX_EXAMPLES.saturating_sub(self.examples.len());
        self.examples.extend(other.examples.into_iter().take(room));
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_caps_examples() {
        let mut a = Skips::default();
        for i in 0..30 {
            a.add("f.log", i, "bad", Some("why"));
        }
        let mut b = Skips::default();
        b.add("g.log", 1, "other", None);
        a.merge(b);
        assert_eq!(a.total, 31);
        assert_eq!(a.by_reason["bad"], 30);
        assert_eq!(a.by_reason["other"], 1);
        assert_eq!(a.examples.len(), MAX_EXAMPLES);
        assert_eq!(a.examples[0].source, "f.log:0");
        assert_eq!(a.examples[0].reason, "bad: why");
    }
}
