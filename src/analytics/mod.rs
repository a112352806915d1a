//! Analytics: the only module that uses polars. Records → DataFrames → plain report structs,
//! and the columnar writers (CSV, Parquet) for `faascope export`.

pub mod frames;
pub mod metric_totals;
pub mod query;
pub mod report;
pub mod traces;
pub mod usage;

use std::io::Write;

use polars::prelude::*;

use crate::model::Tables;
pub use report::{build_report, FunctionReport, Report, Totals};

#[derive(Debug, thiserror::Error)]
pub enum AnalyticsError {
    #[error("analytics failed: {0}")]
    Polars(#[from] PolarsError),
}

/// The normalized tables by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TableName {
    Invocations,
    Logs,
    Spans,
    Metrics,
}

/// One table as a DataFrame.
/// The `q`-quantile (0 to 1) of ascending `sorted` values by linear interpolation between
/// closest ranks (numpy's default, as every report percentile), `None` when empty. For a few
/// values outside a frame (a dashboard warning), where building one would cost more than this.
pub fn percentile_linear(sorted: &[f64], q: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let pos = q.clamp(0.0, 1.0) * last as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    let frac = pos - lo as f64;
    Some(sorted[lo] + (sorted[hi.min(last)] - sorted[lo]) * frac)
}

pub fn table_frame(tables: &Tables, which: TableName) -> Result<DataFrame, AnalyticsError> {
    Ok(match which {
        TableName::Invocations => frames::invocations_frame(&tables.invocations)?,
        TableName::Logs => frames::logs_frame(&tables.logs)?,
        TableName::Spans => frames::spans_frame(&tables.spans)?,
        TableName::Metrics => frames::metrics_frame(&tables.metrics)?,
    })
}

/// Writes a table as CSV (header row, RFC 4180 quoting).
///
/// `clean` rewrites a text cell (`None`: keep it): cell by cell, so that what it strips (a
/// control sequence cut short in a log line) can never take a delimiter or a quote with it.
pub fn write_csv(
    mut df: DataFrame,
    clean: &dyn Fn(&str) -> Option<String>,
    w: &mut dyn Write,
) -> Result<(), AnalyticsError> {
    let text: Vec<PlSmallStr> = df
        .columns()
        .iter()
        .filter(|c| c.dtype() == &DataType::String)
        .map(|c| c.name().clone())
        .collect();
    for name in text {
        let ca = df.column(&name)?.str()?;
        if !ca.iter().flatten().any(|v| clean(v).is_some()) {
            continue;
        }
        let cleaned: StringChunked = ca
            .iter()
            .map(|v| v.map(|v| clean(v).unwrap_or_else(|| v.to_string())))
            .collect::<StringChunked>()
            .with_name(name.clone());
        df.replace(&name, cleaned.into_column())?;
    }
    CsvWriter::new(w).include_header(true).finish(&mut df)?;
    Ok(())
}

/// Writes a table as Parquet (zstd-compressed).
pub fn write_parquet(mut df: DataFrame, w: &mut dyn Write) -> Result<(), AnalyticsError> {
    // Epoch milliseconds are a time to Parquet readers only with the type saying so
    // (TIMESTAMP(MILLIS, UTC)); NDJSON and CSV keep the integers.
    let stamps: Vec<PlSmallStr> = df
        .columns()
        .iter()
        .filter(|c| {
            c.name().as_str() == "timestamp"
                && matches!(c.dtype(), DataType::Int64 | DataType::Datetime(_, None))
        })
        .map(|c| c.name().clone())
        .collect();
    for name in stamps {
        // Built from the integers: a cast would drop the zone (polars keeps zones on casts
        // only with its `timezones` feature, a dependency this needs nothing else of).
        let ms = df.column(&name)?.cast(&DataType::Int64)?;
        let typed = ms
            .i64()?
            .clone()
            .into_datetime(TimeUnit::Milliseconds, Some(TimeZone::UTC))
            .into_column();
        df.with_column(typed)?;
    }
    ParquetWriter::new(w)
        .with_compression(ParquetCompression::Zstd(None))
        .finish(&mut df)?;
    Ok(())
}

/// An invocation for tests: of `function`, ending at `end_ms`, 1 GB configured and 100 MB used,
/// a cold start when `init_ms` is given.
#[cfg(test)]
pub(crate) fn test_invocation(
    function: &str,
    end_ms: i64,
    duration_ms: f64,
    billed_duration_ms: f64,
    init_ms: Option<f64>,
) -> crate::model::Invocation {
    use crate::model::{Invocation, SourceRef, Status};
    use std::sync::Arc;
    Invocation {
        function: Arc::from(function),
        request_id: format!("r{end_ms}"),
        timestamp: Some(end_ms),
        duration_ms,
        billed_duration_ms,
        memory_size_mb: 1024,
        max_memory_used_mb: Some(100),
        init_duration_ms: init_ms,
        restore_duration_ms: None,
        billed_restore_duration_ms: None,
        cold_start: init_ms.is_some(),
        status: Status::Success,
        error_type: None,
        trace_id: None,
        source: SourceRef {
            file: Arc::from("t"),
            line: 1,
        },
        log_stream: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The columns ingest knows faascope's own exports by (to pass them over when read back)
    /// are the tables' columns.
    #[test]
    fn own_export_columns_are_the_tables() {
        let t = Tables::default();
        for (table, columns) in crate::ingest::OWN_EXPORT_COLUMNS {
            let which = match table {
                "invocations" => TableName::Invocations,
                "logs" => TableName::Logs,
                "spans" => TableName::Spans,
                _ => TableName::Metrics,
            };
            let df = table_frame(&t, which).unwrap();
            let names: Vec<&str> = df.get_column_names().iter().map(|n| n.as_str()).collect();
            assert_eq!(names.join(","), columns, "{table}");
        }
    }

    /// Export review: the finished CSV was stripped of control sequences as one text, so a
    /// sequence cut short in one cell (a lone ESC, `ESC[3`) took the delimiter or the closing
    /// quote after it, and the rows after it ran together. Cleaned cell by cell, every row
    /// reads back whole.
    #[test]
    fn csv_cells_are_cleaned_one_by_one() {
        let msgs = [
            "GET /orders 200\u{1b}[3",
            "user said \"hi, there\" \u{1b}",
            "title \u{1b}]0;x",
            "plain, \"quoted\"\ttab",
        ];
        let df = DataFrame::new(
            msgs.len(),
            vec![
                Column::new("message".into(), msgs),
                Column::new("n".into(), [1i64, 2, 3, 4]),
                Column::new("source".into(), ["f\u{1b}", "f", "f", "f"]),
            ],
        )
        .unwrap();
        let clean = |s: &str| match crate::output::sanitize_csv(s) {
            std::borrow::Cow::Owned(c) => Some(c),
            std::borrow::Cow::Borrowed(_) => None,
        };
        let mut buf = Vec::new();
        write_csv(df, &clean, &mut buf).unwrap();
        let text = String::from_utf8(buf.clone()).unwrap();
        assert!(!text.contains('\u{1b}'), "{text}");
        let back = CsvReadOptions::default()
            .with_has_header(true)
            .into_reader_with_file_handle(std::io::Cursor::new(buf))
            .finish()
            .unwrap();
        assert_eq!(back.height(), 4, "{text}");
        let n: Vec<Option<i64>> = back.column("n").unwrap().i64().unwrap().iter().collect();
        assert_eq!(n, [Some(1), Some(2), Some(3), Some(4)]);
        let got: Vec<String> = back
            .column("message")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|m| m.unwrap_or_default().to_string())
            .collect();
        for (got, msg) in got.iter().zip(msgs) {
            assert_eq!(got, &crate::output::sanitize_csv(msg), "{text}");
        }
    }

    /// A `timestamp` column reaches Parquet as UTC instants (`isAdjustedToUTC`), whether the
    /// frame holds epoch milliseconds or a datetime without a zone.
    #[test]
    fn parquet_timestamps_are_utc_instants() {
        let ms = Column::new("timestamp".into(), [1_756_684_800_000i64]);
        let naive = ms
            .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))
            .unwrap();
        for col in [ms, naive] {
            let df = DataFrame::new(1, vec![col]).unwrap();
            let mut buf = Vec::new();
            write_parquet(df, &mut buf).unwrap();
            let back = ParquetReader::new(std::io::Cursor::new(buf))
                .finish()
                .unwrap();
            let c = back.column("timestamp").unwrap();
            assert_eq!(
                c.dtype(),
                &DataType::Datetime(TimeUnit::Milliseconds, Some(TimeZone::UTC))
            );
            assert_eq!(
                c.cast(&DataType::Int64).unwrap().i64().unwrap().get(0),
                Some(1_756_684_800_000)
            );
        }
    }
}

#[cfg(test)]
mod percentile_tests {
    #[test]
    fn percentile_linear_is_numpys_default() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(super::percentile_linear(&v, 0.5), Some(2.5));
        assert!((super::percentile_linear(&v, 0.99).unwrap() - 3.97).abs() < 1e-12);
        assert_eq!(super::percentile_linear(&[7.0], 0.99), Some(7.0));
        assert_eq!(super::percentile_linear(&[], 0.5), None);
    }
}
