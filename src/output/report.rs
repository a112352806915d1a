//! `faascope report` output in every format.

use std::fmt::Write as _;

use comfy_table::{presets, Cell, CellAlignment, ContentArrangement, Table};
use serde::Serialize;
use serde_json::{Map, Value};

use super::{csv_cell, sanitize, Format};
use crate::analytics::{FunctionReport, Report};
use crate::ingest::Skips;

/// The JSON document: `{"functions":[…], "totals":{…}, "skipped":{…}}`.
#[derive(Serialize)]
pub struct ReportDoc<'a> {
    pub functions: &'a [FunctionReport],
    pub totals: &'a crate::analytics::Totals,
    pub skipped: &'a Skips,
}

/// Flattens a function report into `name → value` with nested keys joined by `_`
/// (`duration_ms_p99`); the columns of CSV output and of `--sort`.
pub fn flatten(f: &FunctionReport) -> Map<String, Value> {
    let mut out = Map::new();
    if let Ok(Value::Object(o)) = serde_json::to_value(f) {
        for (k, v) in o {
            match v {
                Value::Object(inner) => {
                    for (k2, v2) in inner {
                        out.insert(format!("{k}_{k2}"), v2);
                    }
                }
                other => {
                    out.insert(k, other);
                }
            }
        }
    }
    out
}

/// Column names accepted by `--sort`.
pub fn sort_columns() -> Vec<String> {
    flatten(&FunctionReport::default())
        .keys()
        .cloned()
        .collect()
}

/// Sorts functions by a flattened column: numbers descending (largest first), text ascending;
/// ties by function name. Unknown column → error listing the valid ones.
pub fn sort_functions(report: &mut Report, column: &str) -> Result<(), String> {
    let cols = sort_columns();
    if !cols.iter().any(|c| c == column) {
        return Err(format!(
            "unknown sort column '{column}'; use one of: {}",
            cols.join(", ")
        ));
    }
    let key = |f: &FunctionReport| flatten(f).remove(column).unwrap_or(Value::Null);
    report.functions.sort_by(|a, b| {
        let (ka, kb) = (key(a), key(b));
        let ord = match (&ka, &kb) {
            (Value::Number(x), Value::Number(y)) => y
                .as_f64()
                .unwrap_or(0.0)
                .total_cmp(&x.as_f64().unwrap_or(0.0)),
            (Value::Null, Value::Null) => std::cmp::Ordering::Equal,
            (Value::Null, _) => std::cmp::Ordering::Greater,
            (_, Value::Null) => std::cmp::Ordering::Less,
            (x, y) => x.to_string().cmp(&y.to_string()),
        };
        ord.then_with(|| a.function.cmp(&b.function))
    });
    Ok(())
}

fn ms(v: Option<f64>) -> String {
    match v {
        // Milliseconds throughout, as the headers say (12263, not 12.3s).
        Some(x) if x >= 100.0 => format!("{x:.0}"),
        Some(x) => format!("{x:.1}"),
        None => "-".into(),
    }
}

fn pct(r: f64) -> String {
    if r == 0.0 {
        "0%".into()
    } else if r < 0.001 {
        "<0.1%".into()
    } else {
        format!("{:.1}%", r * 100.0)
    }
}

fn count(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Under an empty table: nothing to report. (`report` words it otherwise when a filter left
/// nothing of what was read.)
pub const NONE_FOUND: &str = "no invocations (REPORT lines or platform.report events) found\n";

/// `text` (a rendered report) worded for a filter that left nothing of what was read.
pub fn none_matched(text: &str) -> String {
    text.replace(
        NONE_FOUND,
        "no invocations match --function/--since/--until\n",
    )
}

const HEADER: [&str; 13] = [
    "function",
    "invocations",
    "errors",
    "cold",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "warm p99",
    "cold p99",
    "init p50",
    "memory max/size MB",
    "GB-s",
    "peak conc",
];

fn row(f: &FunctionReport) -> Vec<String> {
    // At the size shown: after a memory change the largest of all may be another size's.
    let used = f.max_memory_used_mb.at_size.or(f.max_memory_used_mb.max);
    let mem = match (used, f.memory_size_mb) {
        (Some(u), Some(s)) => format!("{u:.0}/{s}"),
        (None, Some(s)) => format!("-/{s}"),
        _ => "-".into(),
    };
    vec![
        sanitize(&f.function),
        count(f.invocations),
        pct(f.error_ratio),
        pct(f.cold_start_ratio),
        ms(f.duration_ms.p50),
        ms(f.duration_ms.p95),
        ms(f.duration_ms.p99),
        ms(f.warm_duration_ms.p99),
        ms(f.cold_duration_ms.p99),
        ms(f.init_duration_ms.p50.or(f.restore_duration_ms.p50)),
        mem,
        format!("{:.1}", f.gb_seconds),
        f.peak_concurrency
            .map(|p| p.to_string())
            .unwrap_or("-".into()),
    ]
}

fn totals_row(r: &Report) -> Vec<String> {
    let t = &r.totals;
    let mut v = vec![
        format!(
            "total ({} function{})",
            t.functions,
            if t.functions == 1 { "" } else { "s" }
        ),
        count(t.invocations),
        pct(t.error_ratio),
        pct(t.cold_start_ratio),
    ];
    v.extend(std::iter::repeat_n(String::new(), 7));
    v.push(format!("{:.1}", t.gb_seconds));
    v.push(
        t.peak_concurrency
            .map(|p| p.to_string())
            .unwrap_or("-".into()),
    );
    v
}

/// Renders the report. `width` is the terminal width for the table format.
pub fn render(report: &Report, skipped: &Skips, format: Format, width: Option<u16>) -> String {
    match format {
        Format::Json => {
            let doc = ReportDoc {
                functions: &report.functions,
                totals: &report.totals,
                skipped,
            };
            let mut s =
                super::json_safe(serde_json::to_string_pretty(&doc).unwrap_or_else(|e| {
                    format!("{{\"error\": \"cannot serialise report: {e}\"}}")
                }));
            s.push('\n');
            s
        }
        Format::Csv => {
            let mut out = String::new();
            let cols = sort_columns();
            out.push_str(&cols.join(","));
            out.push('\n');
            for f in &report.functions {
                let flat = flatten(f);
                let cells: Vec<String> = cols
                    .iter()
                    .map(|c| match flat.get(c) {
                        Some(Value::String(s)) => csv_cell(s),
                        Some(Value::Null) | None => String::new(),
                        Some(v) => v.to_string(),
                    })
                    .collect();
                out.push_str(&cells.join(","));
                out.push('\n');
            }
            out
        }
        Format::Markdown => {
            let mut out = String::new();
            let _ = writeln!(out, "| {} |", HEADER.join(" | "));
            let _ = writeln!(
                out,
                "|{}",
                HEADER
                    .iter()
                    .enumerate()
                    .map(|(i, _)| if i == 0 { "---|" } else { "---:|" })
                    .collect::<String>()
            );
            for f in &report.functions {
                let cells: Vec<String> = row(f).iter().map(|c| super::md_cell(c)).collect();
                let _ = writeln!(out, "| {} |", cells.join(" | "));
            }
            // Bold cell by cell: markers spanning a `|` would show as asterisks.
            let totals: Vec<String> = totals_row(report)
                .iter()
                .map(|c| {
                    if c.is_empty() {
                        String::new()
                    } else {
                        format!("**{}**", super::md_cell(c))
                    }
                })
                .collect();
            let _ = writeln!(out, "| {} |", totals.join(" | "));
            out
        }
        Format::Table => {
            let mut t = Table::new();
            t.load_preset(presets::UTF8_FULL_CONDENSED)
                .set_content_arrangement(ContentArrangement::Dynamic)
                .set_header(HEADER.iter().map(Cell::new));
            if let Some(w) = width {
                t.set_width(w);
            }
            for f in &report.functions {
                t.add_row(row(f));
            }
            t.add_row(totals_row(report));
            for i in 1..HEADER.len() {
                if let Some(c) = t.column_mut(i) {
                    c.set_cell_alignment(CellAlignment::Right);
                }
            }
            let mut s = t.to_string();
            s.push('\n');
            if report.functions.is_empty() {
                s.push_str(NONE_FOUND);
            }
            s
        }
    }
}

/// Which command lists a run's skipped records in its JSON (`skipped.examples`): the one
/// that reads the sources the same way (export3 review: `export --table logs` and `logs`
/// pointed at `report`, which reads no application line of an NDJSON export and lists
/// other skips).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SkipLister {
    /// `report`, and every command reading invocations as it does.
    #[default]
    Report,
    /// `query` (and `logs`, `export --table logs`): every log record.
    Query,
    /// `traces` (and `export --table spans`).
    Traces,
}

impl SkipLister {
    fn hint(self, n: usize) -> String {
        match self {
            SkipLister::Report => format!(
                "(with the same sources, `faascope report --format json` lists the first {n} with their lines; `faascope traces --format json` those of X-Ray documents)"
            ),
            SkipLister::Query => format!(
                "(with the same sources, `faascope query 'fields @message' --format json` lists the first {n} with their lines; with --local over cloudwatch:// sources)"
            ),
            SkipLister::Traces => format!(
                "(with the same sources, `faascope traces --format json` lists the first {n} with their lines)"
            ),
        }
    }
}

/// The skipped-records summary for stderr: counts per reason and the first examples.
pub fn skipped_summary(skips: &Skips, show: usize) -> String {
    skipped_summary_listed(skips, show, SkipLister::Report)
}

/// [`skipped_summary`] naming `lister` as the command whose JSON lists the examples.
pub fn skipped_summary_listed(skips: &Skips, show: usize, lister: SkipLister) -> String {
    let mut s = String::new();
    // What was read with a word, not skipped: one line each, naming the first few places.
    let mut said = |head: String, total: usize, places: &[String], sep: &str| {
        if total == 0 {
            return;
        }
        let shown: Vec<String> = places
            .iter()
            .take(show)
            .map(|a| super::visible(a))
            .collect();
        let more = if total > shown.len() {
            format!("{sep}...")
        } else {
            String::new()
        };
        let _ = writeln!(s, "{head}: {}{more}", shown.join(sep));
    };
    said(
        format!(
            "warning: bytes that are not UTF-8 were replaced (U+FFFD) on {} line(s), read all the same",
            skips.replaced_utf8
        ),
        skips.replaced_utf8 as usize,
        &skips.replaced_utf8_at,
        ", ",
    );
    said(
        format!(
            "warning: {} line(s) carry a date or time that does not exist (a day the month does not have, an hour past 23, an offset from UTC past 23:59), read without that time",
            skips.impossible_times
        ),
        skips.impossible_times as usize,
        &skips.impossible_times_at,
        "; ",
    );
    let permission_checks = skips
        .own_exports
        .iter()
        .filter(|e| e.ends_with(&format!("({})", crate::ingest::skips::PERMISSION_CHECK)))
        .count();
    said(
        format!(
            "note: passed over {} file(s) that hold no logs to read{}",
            skips.own_exports.len(),
            if permission_checks < skips.own_exports.len() {
                " (keep faascope's own exports out of the input directories)"
            } else {
                ""
            }
        ),
        skips.own_exports.len(),
        &skips.own_exports,
        "; ",
    );
    said(
        format!(
            "note: {} X-Ray trace(s) came in part (LimitExceeded or IsPartial: X-Ray left segments out), their figures of the segments given",
            skips.partial_traces.len()
        ),
        skips.partial_traces.len(),
        &skips.partial_traces,
        "; ",
    );
    said(
        format!(
            "warning: {} X-Ray trace(s) BatchGetTraces left unprocessed (UnprocessedTraceIds: throttled) are in no figure; ask for them again (`aws xray batch-get-traces --trace-ids ID...`) and add that output",
            skips.unprocessed_traces.len()
        ),
        skips.unprocessed_traces.len(),
        &skips.unprocessed_traces,
        "; ",
    );
    said(
        format!(
            "note: {} INIT failure(s) (an INIT_REPORT or platform.initReport with an error or timeout status: an environment failed to start; one retried in the invoke phase makes that invocation a cold start, its INIT inside its Duration)",
            skips.init_failures.len()
        ),
        skips.init_failures.len(),
        &skips.init_failures,
        "; ",
    );
    said(
        format!(
            "note: {} failed request(s) (Task timed out, a runtime's error line) have no REPORT in the sources and are in no figure (a log cut short, or their REPORT outside the files read)",
            skips.unreported_failures.len()
        ),
        skips.unreported_failures.len(),
        &skips.unreported_failures,
        ", ",
    );
    said(
        format!(
            "note: {} log group(s) were deleted during the pull, their events left out",
            skips.deleted_groups.len()
        ),
        skips.deleted_groups.len(),
        &skips.deleted_groups,
        ", ",
    );
    if skips.is_empty() {
        return s;
    }
    let _ = writeln!(s, "warning: skipped {} malformed record(s):", skips.total);
    for (reason, n) in &skips.by_reason {
        let _ = writeln!(s, "  {n:>8}  {}", sanitize(reason));
    }
    // Shown, not stripped: the path is one to open and the bad value the one in the file
    // (stripped, `ev\e[31mil.log` named a file that does not exist, and `12\e]0;x\a` read 12).
    for e in skips.examples.iter().take(show) {
        let _ = writeln!(
            s,
            "  {}: {}",
            super::visible(&e.source),
            super::visible(&e.reason)
        );
    }
    if skips.total as usize > show.min(skips.examples.len()) {
        let _ = writeln!(s, "  {}", lister.hint(skips.examples.len()));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deleted_log_groups_are_said() {
        let skips = Skips {
            deleted_groups: vec!["/aws/lambda/a".into(), "/aws/lambda/b".into()],
            ..Skips::default()
        };
        assert_eq!(
            skipped_summary(&skips, 5),
            "note: 2 log group(s) were deleted during the pull, their events left out: /aws/lambda/a, /aws/lambda/b\n"
        );
        assert_eq!(skipped_summary(&Skips::default(), 5), "");
    }

    #[test]
    fn flatten_names() {
        let cols = sort_columns();
        for c in [
            "function",
            "invocations",
            "duration_ms_p99",
            "warm_duration_ms_p50",
            "cold_duration_ms_max",
            "init_duration_ms_p95",
            "max_memory_used_mb_max",
            "max_memory_used_mb_at_size",
            "gb_seconds",
            "peak_concurrency",
        ] {
            assert!(cols.iter().any(|x| x == c), "{c} missing");
        }
    }

    #[test]
    fn sorting_validates_and_orders() {
        let mut r = Report::default();
        for (name, n) in [("a", 1), ("b", 5), ("c", 3)] {
            r.functions.push(FunctionReport {
                function: name.into(),
                invocations: n,
                ..Default::default()
            });
        }
        sort_functions(&mut r, "invocations").unwrap();
        let names: Vec<_> = r.functions.iter().map(|f| f.function.as_str()).collect();
        assert_eq!(names, ["b", "c", "a"]);
        assert!(sort_functions(&mut r, "nope")
            .unwrap_err()
            .contains("duration_ms_p99"));
    }

    #[test]
    fn number_formatting() {
        assert_eq!(count(1234567), "1,234,567");
        assert_eq!(ms(Some(45.26)), "45.3");
        // Milliseconds, as the column headers say, however long.
        assert_eq!(ms(Some(31000.4)), "31000");
        assert_eq!(ms(Some(250.0)), "250");
        assert_eq!(ms(None), "-");
        assert_eq!(pct(0.0123), "1.2%");
        assert_eq!(pct(0.0), "0%");
        assert_eq!(pct(0.0004), "<0.1%");
    }
}
