//! `faascope query` output: a [`QueryResult`] as a table, JSON, CSV or Markdown, and a `bin()`
//! series as a line chart.

use std::fmt::Write as _;

use comfy_table::{presets, Cell, CellAlignment, ContentArrangement, Table};

use super::{csv_cell, sanitize, Format};
use crate::plot::{LineChart, Series};
use crate::query::{QueryResult, Value};

fn json_value(v: &Value) -> serde_json::Value {
    match v {
        Value::Null => serde_json::Value::Null,
        // Whole numbers (counts) as integers, with the digits the table and CSV show (the
        // shortest that read back as the same f64: above 2^53 they end in zeros).
        Value::Num(n) if n.fract() == 0.0 && n.abs() < 9.223_372_036_854_775e18 => format!("{n}")
            .parse::<i64>()
            .map_or(serde_json::Value::Null, |i| {
                serde_json::Value::Number(i.into())
            }),
        Value::Num(n) => serde_json::Number::from_f64(*n)
            .map_or(serde_json::Value::Null, serde_json::Value::Number),
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Str(_) | Value::Time(_) => serde_json::Value::String(v.text()),
    }
}

/// A cell for a terminal or Markdown: log text is sanitized and kept to one line, and
/// fractions are rounded for reading (JSON and CSV keep every digit). The dashboard's logs
/// view shows its cells so too.
pub(crate) fn shown(v: &Value) -> String {
    match v {
        // Each line break (however written, as in CSV) one space.
        Value::Str(s) => sanitize(&super::unify_line_breaks(s).replace('\n', " ")),
        Value::Num(n) => readable(*n),
        other => other.text(),
    }
}

/// Two decimals from 1 up; below 1, four significant digits (a cost of $0.0015487 stays
/// $0.001549); trailing zeros dropped.
fn readable(n: f64) -> String {
    if !n.is_finite() || n.fract() == 0.0 {
        return crate::query::num_text(n);
    }
    let a = n.abs();
    let decimals = if a >= 1.0 {
        2
    } else {
        ((-a.log10()).ceil() as usize + 3).min(12)
    };
    let s = format!("{n:.decimals$}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

pub fn render(r: &QueryResult, format: Format, width: Option<u16>) -> String {
    match format {
        Format::Json => {
            let rows: Vec<serde_json::Value> = r
                .rows
                .iter()
                .map(|row| {
                    serde_json::Value::Object(
                        r.columns
                            .iter()
                            .zip(row)
                            .map(|(c, v)| (c.clone(), json_value(v)))
                            .collect(),
                    )
                })
                .collect();
            let doc = serde_json::json!({
                "columns": r.columns,
                "rows": rows,
                "records_scanned": r.records_scanned,
                "warnings": r.warnings,
                "skipped": r.skipped,
            });
            super::json_safe(serde_json::to_string_pretty(&doc).unwrap_or_default()) + "\n"
        }
        Format::Csv => {
            let mut out = String::new();
            let header: Vec<String> = r.columns.iter().map(|c| csv_cell(c)).collect();
            let _ = writeln!(out, "{}", header.join(","));
            for row in &r.rows {
                let cells: Vec<String> = row.iter().map(|v| csv_cell(&v.text())).collect();
                let line = cells.join(",");
                // A row of one empty cell is `""`, not a blank line, which CSV readers (Python's
                // csv, pandas) pass over as no row (review of 2026-12-07: 3 rows of 16 read).
                let line = if line.is_empty() { "\"\"".into() } else { line };
                let _ = writeln!(out, "{line}");
            }
            out
        }
        Format::Markdown => {
            let mut out = String::new();
            let esc = super::md_cell;
            let header: Vec<String> = r.columns.iter().map(|c| esc(c)).collect();
            let _ = writeln!(out, "| {} |", header.join(" | "));
            let aligns: Vec<&str> = (0..r.columns.len())
                .map(|k| if numeric_column(r, k) { "---:" } else { "---" })
                .collect();
            let _ = writeln!(out, "|{}|", aligns.join("|"));
            for row in &r.rows {
                let cells: Vec<String> = row.iter().map(|v| esc(&shown(v))).collect();
                let _ = writeln!(out, "| {} |", cells.join(" | "));
            }
            out
        }
        Format::Table => {
            let mut t = Table::new();
            t.load_preset(presets::UTF8_FULL_CONDENSED)
                .set_content_arrangement(ContentArrangement::Dynamic)
                .set_header(r.columns.iter().map(|c| Cell::new(sanitize(c))));
            if let Some(w) = width {
                t.set_width(w);
            }
            let cells: Vec<Vec<String>> = r
                .rows
                .iter()
                .map(|row| row.iter().map(shown).collect())
                .collect();
            for k in 0..r.columns.len() {
                let numeric = numeric_column(r, k);
                if numeric {
                    if let Some(c) = t.column_mut(k) {
                        c.set_cell_alignment(CellAlignment::Right);
                    }
                }
                // A number is never cut (sixth-round query review: 1099.49 wrapped into
                // "1099.4" over "9").
                let widest = cells.iter().map(|row| row[k].chars().count()).max();
                super::keep_whole(&mut t, k, widest.unwrap_or(0), numeric);
            }
            for row in cells {
                t.add_row(row);
            }
            let mut s = t.to_string();
            s.push('\n');
            let _ = writeln!(
                s,
                "{} row(s){}",
                r.rows.len(),
                if r.records_scanned > 0 {
                    format!(" from {} record(s)", r.records_scanned)
                } else {
                    String::new()
                }
            );
            s
        }
    }
}

fn numeric_column(r: &QueryResult, k: usize) -> bool {
    let mut any = false;
    for row in &r.rows {
        match &row[k] {
            Value::Num(_) => any = true,
            Value::Null => {}
            _ => return false,
        }
    }
    any
}

/// The `bin()` series of a result as a line chart: x = the bin (hours since the first bin),
/// one line per numeric column, and per combination of the other (text) `by` columns.
pub fn chart(r: &QueryResult, title: &str) -> Result<LineChart, String> {
    chart_by(r, None, title).map(|(c, _)| c)
}

/// [`chart`] with the query's group keys (`by` of its last `stats`): those split the lines,
/// whatever their type (a memory size), and a column that is neither a key nor numeric (a
/// `latest(@requestId)`) is not drawn, named in the notes returned. Without keys, the text
/// columns are taken for them.
pub fn chart_by(
    r: &QueryResult,
    by: Option<&[String]>,
    title: &str,
) -> Result<(LineChart, Vec<String>), String> {
    let Some((bin_col, bin_ms)) = &r.time_bin else {
        return Err("--plot draws the series of a `stats ... by bin(period)` query; this query has no bin()".into());
    };
    let Some(x_idx) = r.columns.iter().position(|c| c == bin_col) else {
        return Err(format!("the result has no `{bin_col}` column"));
    };
    let mut notes = Vec::new();
    let (num_cols, key_cols): (Vec<usize>, Vec<usize>) = match by {
        Some(by) => {
            let keys: Vec<usize> = (0..r.columns.len())
                .filter(|&k| k != x_idx && by.contains(&r.columns[k]))
                .collect();
            let mut nums = Vec::new();
            for k in (0..r.columns.len()).filter(|k| *k != x_idx && !keys.contains(k)) {
                if numeric_column(r, k) {
                    nums.push(k);
                } else {
                    notes.push(format!(
                        "`{}` is not numeric: not drawn",
                        crate::output::sanitize(&r.columns[k])
                    ));
                }
            }
            (nums, keys)
        }
        None => {
            let nums: Vec<usize> = (0..r.columns.len())
                .filter(|&k| k != x_idx && numeric_column(r, k))
                .collect();
            let keys = (0..r.columns.len())
                .filter(|&k| k != x_idx && !nums.contains(&k))
                .collect();
            (nums, keys)
        }
    };
    if r.rows.is_empty() {
        return Err("the result has no rows to plot (no record matched the query)".into());
    }
    if num_cols.is_empty() {
        return Err("the result has no numeric column to plot".into());
    }
    let times: Vec<i64> = r
        .rows
        .iter()
        .filter_map(|row| match row[x_idx] {
            Value::Time(t) => Some(t),
            _ => None,
        })
        .collect();
    let Some(&t0) = times.iter().min() else {
        return Err(format!(
            "the `{bin_col}` column holds no time in any of the {} row(s): nothing to plot (the records read carry no time, or a `bin()` of a later `stats` has no @timestamp to read once an earlier `stats` dropped it)",
            r.rows.len()
        ));
    };
    // Rows of records without a time have no place on the time axis (tenth-round plot
    // review: one holding half the records was left out without a word).
    if times.len() < r.rows.len() {
        notes.push(format!(
            "{} row(s) with no time in `{}` (records without a time) are not drawn",
            r.rows.len() - times.len(),
            crate::output::sanitize(bin_col)
        ));
    }
    // The x unit the bins read in: seconds or minutes for bins under a minute or an hour (a
    // `bin(100ms)` series read 0, 0, 0.001 hours: seventh-round review).
    let (unit_ms, unit) = match *bin_ms {
        ms if ms < 60_000 => (1_000.0, "seconds"),
        ms if ms < 3_600_000 => (60_000.0, "minutes"),
        _ => (3_600_000.0, "hours"),
    };
    // Series are told apart by their key values, not by the text they are named with (two
    // groups `a="x, y", b="z"` and `a="x", b="y, z"` were one line); names that still read
    // the same are numbered.
    let mut series: Vec<Series> = Vec::new();
    let mut index: std::collections::HashMap<(Vec<String>, usize), usize> =
        std::collections::HashMap::new();
    for row in &r.rows {
        let Value::Time(t) = row[x_idx] else { continue };
        let identity: Vec<String> = key_cols.iter().map(|&k| format!("{:?}", row[k])).collect();
        for &k in &num_cols {
            let Some(y) = row[k].as_f64() else { continue };
            let x = (t - t0) as f64 / unit_ms;
            let i = *index.entry((identity.clone(), k)).or_insert_with(|| {
                let key: Vec<String> = key_cols.iter().map(|&k| shown(&row[k])).collect();
                let mut name = r.columns[k].clone();
                if !key.is_empty() {
                    name = format!("{name} ({})", key.join(", "));
                }
                let same = series
                    .iter()
                    .filter(|s| s.name == name || s.name.starts_with(&format!("{name} #")))
                    .count();
                if same > 0 {
                    name = format!("{name} #{}", same + 1);
                }
                series.push(Series {
                    name,
                    points: Vec::new(),
                });
                series.len() - 1
            });
            series[i].points.push((x, y));
        }
    }
    for s in &mut series {
        s.points.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    let chart = LineChart {
        title: title.to_string(),
        x_whole: false,
        // Buckets with no records have no row: their neighbours are not joined.
        x_gap: Some(*bin_ms as f64 / unit_ms * 1.001),
        x_label: format!(
            "{unit} since {} UTC (bins of {})",
            crate::query::time_text(t0),
            period_text(*bin_ms)
        ),
        y_label: if num_cols.len() == 1 {
            r.columns[num_cols[0]].clone()
        } else {
            "value".into()
        },
        series,
        markers: Vec::new(),
    };
    notes.extend(chart.legend_note("narrow the query with `filter`, or fewer `by` fields"));
    Ok((chart, notes))
}

fn period_text(ms: i64) -> String {
    for (unit, len) in [
        ("d", 86_400_000),
        ("h", 3_600_000),
        ("m", 60_000),
        ("s", 1_000),
    ] {
        if ms % len == 0 {
            return format!("{}{unit}", ms / len);
        }
    }
    format!("{ms}ms")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result() -> QueryResult {
        QueryResult {
            columns: vec![
                "function".into(),
                "bin(1h)".into(),
                "n".into(),
                "msg".into(),
            ],
            rows: vec![
                vec![
                    Value::Str("api".into()),
                    Value::Time(3_600_000),
                    Value::Num(2.0),
                    Value::Str("a|b\u{1b}[31m".into()),
                ],
                vec![
                    Value::Str("api".into()),
                    Value::Time(7_200_000),
                    Value::Num(3.5),
                    Value::Null,
                ],
                vec![
                    Value::Str("job".into()),
                    Value::Time(3_600_000),
                    Value::Num(1.0),
                    Value::Str("x,\"y\"".into()),
                ],
            ],
            time_bin: Some(("bin(1h)".into(), 3_600_000)),
            warnings: vec![],
            records_scanned: 9,
            skipped: Default::default(),
        }
    }

    #[test]
    fn every_format() {
        let r = result();
        let json: serde_json::Value =
            serde_json::from_str(&render(&r, Format::Json, None)).unwrap();
        assert_eq!(json["rows"][0]["bin(1h)"], "1970-01-01 01:00:00.000");
        assert_eq!(json["rows"][1]["n"], 3.5);
        // Counts are whole numbers in JSON as in the other formats.
        assert!(render(&r, Format::Json, None).contains("\"n\": 2,"));
        assert_eq!(json["rows"][0]["n"], serde_json::json!(2));
        assert_eq!(json["rows"][1]["msg"], serde_json::Value::Null);
        assert_eq!(json["columns"][2], "n");
        let csv = render(&r, Format::Csv, None);
        assert_eq!(csv.lines().next(), Some("function,bin(1h),n,msg"));
        assert!(
            csv.contains("job,1970-01-01 01:00:00.000,1,\"x,\"\"y\"\"\""),
            "{csv}"
        );
        // One column with empty cells: `""` lines, not blank ones a CSV reader passes over.
        let mut one = result();
        one.columns = vec!["u".into()];
        one.rows = vec![vec![Value::Null], vec![Value::Str("a".into())]];
        one.time_bin = None;
        assert_eq!(render(&one, Format::Csv, None), "u\n\"\"\na\n");
        let md = render(&r, Format::Markdown, None);
        assert!(md.contains("|---|---|---:|---|"), "{md}");
        assert!(md.contains("a\\|b"), "{md}");
        assert!(!md.contains('\u{1b}'));
        let table = render(&r, Format::Table, None);
        assert!(
            table.contains("3.5") && table.contains("3 row(s) from 9 record(s)"),
            "{table}"
        );
        assert_eq!(readable(7.672634271099745), "7.67");
        assert_eq!(readable(0.001548673901475), "0.001549");
        assert_eq!(readable(0.0285151), "0.02852");
        assert_eq!(readable(-2.5), "-2.5");
        assert_eq!(readable(1024.0), "1024");
        assert!(!table.contains('\u{1b}'));
    }

    /// Whole numbers past 2^53 are still integers in JSON, as CSV and the table print them.
    #[test]
    fn big_whole_numbers_are_json_integers() {
        assert_eq!(
            json_value(&Value::Num(74_768_865_856_000_000.0)).to_string(),
            "74768865856000000"
        );
        // The digits CSV prints (`{}` of the f64), not the f64's exact binary value.
        assert_eq!(
            json_value(&Value::Num(4_611_686_018_427_387_904.0)).to_string(),
            "4611686018427388000"
        );
        assert_eq!(json_value(&Value::Num(1e20)).to_string(), "1e+20");
        assert_eq!(json_value(&Value::Num(2.5)).to_string(), "2.5");
    }

    /// Fourth-round query review: a numeric `by` key (a memory size) was drawn as a line, and
    /// a text aggregate (`max(@timestamp)`) split every bin into its own series.
    #[test]
    fn the_by_keys_split_the_lines_whatever_their_type() {
        let r = QueryResult {
            columns: vec!["memMB".into(), "bin(1h)".into(), "n".into(), "last".into()],
            rows: vec![
                vec![
                    Value::Num(128.0),
                    Value::Time(0),
                    Value::Num(2.0),
                    Value::Str("a".into()),
                ],
                vec![
                    Value::Num(256.0),
                    Value::Time(0),
                    Value::Num(5.0),
                    Value::Str("b".into()),
                ],
                vec![
                    Value::Num(128.0),
                    Value::Time(3_600_000),
                    Value::Num(3.0),
                    Value::Str("c".into()),
                ],
            ],
            time_bin: Some(("bin(1h)".into(), 3_600_000)),
            ..QueryResult::default()
        };
        let by = ["memMB".to_string(), "bin(1h)".to_string()];
        let (c, notes) = chart_by(&r, Some(&by), "t").unwrap();
        let names: Vec<&str> = c.series.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["n (128)", "n (256)"]);
        assert_eq!(c.series[0].points, [(0.0, 2.0), (1.0, 3.0)]);
        assert_eq!(notes, ["`last` is not numeric: not drawn"]);
    }

    /// Seventh-round review: groups whose keys join to the same text (`a="x, y", b="z"` and
    /// `a="x", b="y, z"`) were one zig-zag line; a number and its text likewise. Sub-hour
    /// bins count seconds or minutes, and missing buckets break the line.
    #[test]
    fn groups_reading_alike_are_lines_of_their_own() {
        let row = |a: Value, b: &str, t: i64, n: f64| {
            vec![a, Value::Str(b.into()), Value::Time(t), Value::Num(n)]
        };
        let r = QueryResult {
            columns: vec!["a".into(), "b".into(), "bin(1m)".into(), "n".into()],
            rows: vec![
                row(Value::Str("x, y".into()), "z", 0, 3.0),
                row(Value::Str("x".into()), "y, z", 0, 7.0),
                row(Value::Str("x, y".into()), "z", 60_000, 3.0),
                row(Value::Str("x".into()), "y, z", 180_000, 7.0),
                row(Value::Num(200.0), "q", 0, 1.0),
                row(Value::Str("200".into()), "q", 0, 2.0),
            ],
            time_bin: Some(("bin(1m)".into(), 60_000)),
            ..QueryResult::default()
        };
        let by = ["a".to_string(), "b".to_string(), "bin(1m)".to_string()];
        let (c, _) = chart_by(&r, Some(&by), "t").unwrap();
        let names: Vec<&str> = c.series.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "n (x, y, z)",
                "n (x, y, z) #2",
                "n (200, q)",
                "n (200, q) #2"
            ]
        );
        assert_eq!(c.series[1].points, [(0.0, 7.0), (3.0, 7.0)]);
        assert!(c.x_label.starts_with("minutes since"), "{}", c.x_label);
        assert!(c.x_gap.is_some_and(|g| g > 1.0 && g < 1.01));
    }

    #[test]
    fn bins_chart_one_line_per_key_and_column() {
        let mut r = result();
        r.columns.pop();
        r.rows.iter_mut().for_each(|row| {
            row.pop();
        });
        let c = chart(&r, "t").unwrap();
        let names: Vec<&str> = c.series.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["n (api)", "n (job)"]);
        assert_eq!(c.series[0].points, [(0.0, 2.0), (1.0, 3.5)]);
        assert!(c.x_label.contains("bins of 1h"));
        let mut no_bin = result();
        no_bin.time_bin = None;
        assert!(chart(&no_bin, "t").unwrap_err().contains("bin("));
        let mut empty = result();
        empty.rows.clear();
        assert!(chart(&empty, "t").unwrap_err().contains("no rows"));
        // Rows whose bin is empty: the message says that, not that there are no rows.
        let mut no_times = r.clone();
        no_times
            .rows
            .iter_mut()
            .for_each(|row| row[1] = Value::Null);
        let e = chart(&no_times, "t").unwrap_err();
        assert!(
            e.contains("`bin(1h)` column holds no time in any of the 3 row(s)"),
            "{e}"
        );
    }
}
