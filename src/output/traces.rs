//! `faascope traces` output: trace summaries in every format.

use std::fmt::Write as _;

use comfy_table::{presets, CellAlignment, ContentArrangement, Table};

use super::{csv_cell, sanitize, Format};
use crate::analytics::traces::{DownstreamTime, TraceSummary};

/// One downstream group as the outputs name it: `DynamoDB GetItem 4× 160.4ms` (the wall time
/// the trace waited on it; the count when more than one call), `… in progress` when no call
/// has ended, `… (+1 in progress)` when some have not (the `N×` counts the calls that ended).
pub fn downstream_item(d: &DownstreamTime) -> String {
    let name = match &d.operation {
        Some(op) => format!("{} {}", d.service, op),
        None => d.service.clone(),
    };
    // The count before the time is of the calls that ended (the time is theirs); those still
    // in progress follow it ("2× 50.0ms (+1 in progress)" read as three calls).
    let ended = d.calls.saturating_sub(d.in_progress_calls);
    let name = if ended > 1 {
        format!("{name} {ended}×")
    } else {
        name
    };
    // A call still in progress has no duration: it says so rather than adding 0 ms.
    match (d.in_progress_calls, d.calls) {
        (p, c) if p == c && p > 1 => format!("{name} {p}× in progress"),
        (0, _) => format!("{name} {:.1}ms", d.wall_ms),
        (p, c) if p == c => format!("{name} in progress"),
        (p, _) => format!("{name} {:.1}ms (+{p} in progress)", d.wall_ms),
    }
}

/// The downstream groups, the first `limit` of them when given (`, +N more` for the rest).
fn downstream_text(t: &TraceSummary, limit: Option<usize>) -> String {
    let shown = limit.unwrap_or(usize::MAX);
    let mut parts: Vec<String> = t
        .downstream
        .iter()
        .take(shown)
        .map(downstream_item)
        .collect();
    if t.downstream.len() > shown {
        parts.push(format!("+{} more", t.downstream.len() - shown));
    }
    parts.join(", ")
}

/// `in progress,cold,fault,error,throttle` as they apply.
pub fn flags(t: &TraceSummary) -> String {
    let mut f = Vec::new();
    if t.in_progress {
        f.push("in progress");
    }
    if t.cold_start == Some(true) {
        f.push("cold");
    }
    if t.fault {
        f.push("fault");
    }
    if t.error {
        f.push("error");
    }
    if t.throttle {
        f.push("throttle");
    }
    f.join(",")
}

const HEADER: [&str; 7] = [
    "trace id",
    "root",
    "start",
    "duration ms",
    "init ms",
    "flags",
    "downstream",
];

fn row(t: &TraceSummary) -> Vec<String> {
    vec![
        sanitize(&t.trace_id),
        sanitize(&t.root),
        crate::timeparse::format_ms(t.start_ms as i64),
        t.duration_ms.map(|d| format!("{d:.1}")).unwrap_or_default(),
        t.init_ms.map(|i| format!("{i:.1}")).unwrap_or_default(),
        flags(t),
        sanitize(&downstream_text(t, Some(3))),
    ]
}

/// Renders trace summaries; `total` is the count before `--limit`.
pub fn render(
    list: &[TraceSummary],
    total: usize,
    skipped: &crate::ingest::skips::Skips,
    format: Format,
    width: Option<u16>,
) -> String {
    match format {
        Format::Json => {
            let doc = serde_json::json!({ "traces": list, "total": total, "skipped": skipped });
            super::json_safe(serde_json::to_string_pretty(&doc).unwrap_or_default()) + "\n"
        }
        Format::Csv => {
            let mut out = String::from(
                "trace_id,root,start_ms,duration_ms,cold_start,init_ms,error,fault,throttle,in_progress,segments,spans,downstream\n",
            );
            for t in list {
                let _ = writeln!(
                    out,
                    "{},{},{},{},{},{},{},{},{},{},{},{},{}",
                    csv_cell(&t.trace_id),
                    csv_cell(&t.root),
                    t.start_ms,
                    t.duration_ms.map(|d| d.to_string()).unwrap_or_default(),
                    t.cold_start.map(|c| c.to_string()).unwrap_or_default(),
                    t.init_ms.map(|i| i.to_string()).unwrap_or_default(),
                    t.error,
                    t.fault,
                    t.throttle,
                    t.in_progress,
                    t.segments,
                    t.spans,
                    csv_cell(&downstream_text(t, None))
                );
            }
            out
        }
        Format::Markdown => {
            let mut out = format!(
                "| {} |\n|{}\n",
                HEADER.join(" | "),
                "---|".repeat(HEADER.len())
            );
            for t in list {
                let cells: Vec<String> = row(t).iter().map(|c| super::md_cell(c)).collect();
                let _ = writeln!(out, "| {} |", cells.join(" | "));
            }
            out
        }
        Format::Table => {
            let mut t = Table::new();
            t.load_preset(presets::UTF8_FULL_CONDENSED)
                .set_content_arrangement(ContentArrangement::Dynamic)
                .set_header(HEADER);
            if let Some(w) = width {
                t.set_width(w);
            }
            for s in list {
                t.add_row(row(s));
            }
            for i in [3, 4] {
                if let Some(c) = t.column_mut(i) {
                    c.set_cell_alignment(CellAlignment::Right);
                }
            }
            let mut s = t.to_string();
            s.push('\n');
            if list.len() < total {
                let _ = writeln!(
                    s,
                    "showing {} of {total} traces (--limit 0 shows all)",
                    list.len()
                );
            } else if total == 0 {
                s.push_str("no traces to show\n");
            }
            s
        }
    }
}
