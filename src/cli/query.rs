//! `faascope query`: a Logs Insights query (text, or @NAME from the `queries/` library) over
//! local files, or in CloudWatch Logs Insights for `cloudwatch://` sources.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use clap::Args;

use super::{
    load, report_skips, strict_exit, terminal_width, write_stdout, Filter, FilterArgs, SourceArgs,
    UsageError, EXIT_OK,
};
use crate::ingest::IngestOptions;
use crate::output::{self, Format};
use crate::query::{self, library};

#[derive(Args, Debug)]
pub struct QueryArgs {
    /// The query (Logs Insights syntax), @NAME for a saved query (see --list), or @FILE.insights
    #[arg(value_name = "QUERY", required_unless_present = "list")]
    pub query: Option<String>,
    #[command(flatten)]
    pub source: SourceArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// List the saved queries (queries/ and the ones built in) with what each answers
    #[arg(long, conflicts_with = "query")]
    pub list: bool,
    /// Also draw the series of a `stats ... by bin(period)` query (.png or .svg)
    #[arg(long, value_name = "FILE")]
    pub plot: Option<PathBuf>,
    /// Replace the --plot file if it exists
    #[arg(long)]
    pub force: bool,
    /// With cloudwatch:// sources: pull the events and run the query here rather than in Logs
    /// Insights (which bills per GB scanned)
    #[arg(long)]
    pub local: bool,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// A saved query: the working directory's `queries/NAME.insights` first, then the built-in one.
fn saved(name: &str) -> Result<(String, String)> {
    if name.ends_with(".insights") || name.contains('/') {
        let p = Path::new(name);
        let text = std::fs::read_to_string(p)
            .map_err(|e| UsageError(format!("cannot read query file {name}: {e}")))?;
        return Ok((name.to_string(), text));
    }
    let local = Path::new("queries").join(format!("{name}.insights"));
    if let Ok(text) = std::fs::read_to_string(&local) {
        return Ok((local.display().to_string(), text));
    }
    match library::embedded(name) {
        Some(text) => Ok((format!("@{name}"), text.to_string())),
        None => {
            // The names --list shows: the built-in ones and the working directory's.
            let names: Vec<String> = saved_queries()
                .into_iter()
                .map(|(n, _, _)| format!("@{n}"))
                .collect();
            bail!(UsageError(format!(
                "no saved query `@{name}`: the saved queries are {} (faascope query --list)",
                names.join(", ")
            )))
        }
    }
}

/// The saved queries, sorted by name: (name, what it answers, where from): the built-in ones
/// and the working directory's `queries/*.insights` (which replace built-in ones of their name).
fn saved_queries() -> Vec<(String, String, &'static str)> {
    let mut entries: Vec<(String, String, &'static str)> = library::LIBRARY
        .iter()
        .map(|(n, t)| (n.to_string(), library::description(t), "built in"))
        .collect();
    if let Ok(dir) = std::fs::read_dir("queries") {
        for e in dir.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "insights") {
                let name = p
                    .file_stem()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned();
                let text = std::fs::read_to_string(&p).unwrap_or_default();
                let d = library::description(&text);
                match entries.iter_mut().find(|(n, _, _)| *n == name) {
                    Some(entry) => {
                        entry.1 = d;
                        entry.2 = "queries/";
                    }
                    None => entries.push((name, d, "queries/")),
                }
            }
        }
    }
    entries.sort();
    entries
}

fn list(format: Format) -> Result<i32> {
    let entries = saved_queries();
    let r = query::QueryResult {
        columns: vec!["name".into(), "answers".into(), "from".into()],
        rows: entries
            .into_iter()
            .map(|(n, d, f)| {
                vec![
                    query::Value::Str(format!("@{n}")),
                    query::Value::Str(d),
                    query::Value::Str(f.into()),
                ]
            })
            .collect(),
        ..Default::default()
    };
    let mut text = output::query::render(&r, format, terminal_width());
    if format == Format::Table {
        // The row count line says nothing here.
        if let Some(i) = text.trim_end().rfind('\n') {
            text.truncate(i + 1);
        }
    }
    write_stdout(text.as_bytes())?;
    Ok(EXIT_OK)
}

pub fn run(a: QueryArgs) -> Result<i32> {
    if a.list {
        return list(a.format);
    }
    let arg = a.query.clone().unwrap_or_default();
    let (origin, mut text) = match arg.strip_prefix('@') {
        Some(name) => saved(name)?,
        None => ("query".to_string(), arg.clone()),
    };
    // Notepad and PowerShell's Out-File start a UTF-8 file with a byte-order mark.
    if let Some(rest) = text.strip_prefix('\u{feff}') {
        text = rest.to_string();
    }
    let parsed = query::parse(&text)
        .map_err(|e| UsageError(e.render(&text, &origin).trim_end().to_string()))?;
    if a.plot.is_some() && query::time_bin_of(&parsed).is_none() {
        // A calendar period (`bin(1mo)`) is a bin() all the same (tenth-round plot review:
        // "this query has no bin()" hid the real reason and its hint).
        let calendar = parsed.commands.iter().any(|c| match &c.kind {
            query::CommandKind::Stats { by, .. } => by
                .iter()
                .any(|i| matches!(&i.expr.kind, query::ExprKind::Call { name: "bin", .. })),
            _ => false,
        });
        bail!(UsageError(if calendar {
            "--plot draws bins of a fixed length; months, quarters and years are calendar periods: use days or weeks (e.g. 30d, 1w)".into()
        } else {
            "--plot draws a `stats ... by bin(period)` series; this query has no bin()".into()
        }));
    }
    if let Some(path) = &a.plot {
        // Before the query runs, not after its table is printed.
        crate::plot::check_target(path, a.force).map_err(|e| UsageError(e.to_string()))?;
    }
    let filter = Filter::from_args(&a.filter)?;
    let mut code = EXIT_OK;
    let result = match (a.local, a.source.only_cloudwatch()) {
        (false, Some(patterns)) => {
            if a.filter.function.is_some() {
                bail!(UsageError(
                    "--function filters local records; with cloudwatch:// sources, name the groups in the URI or add `filter function = \"...\"` to the query (or pass --local)".into()
                ));
            }
            let (start, end) = a.source.with_window(&filter).live_window();
            crate::aws::query::run_remote(
                &patterns,
                &a.source.aws_options(),
                start,
                end,
                &parsed,
                &text,
            )
            .map_err(|e| UsageError(e.to_string()))?
        }
        _ => {
            // A query that reads no log text (only times, types, functions and REPORT
            // numbers) is run over thin log records and compact invocation columns: the same
            // answers without copying every line's text.
            let thin = !crate::analytics::query::reads_log_text(&parsed);
            let mut ing = load(
                &a.source.with_window(&filter),
                IngestOptions {
                    keep_logs: true,
                    keep_spans: false,
                    keep_metrics: false,
                    report_columns: thin,
                    thin_logs: thin,
                    report_texts: !thin,
                    ..IngestOptions::default()
                },
            )?;
            let read_events =
                ing.log_lines > 0 || !ing.columns.is_empty() || !ing.tables.invocations.is_empty();
            // Not for log files that held nothing readable (empty, malformed): their skips
            // say why.
            if !read_events && ing.files > 0 && ing.skips.is_empty() && !a.source.quiet {
                // Traces or metrics given by mistake: an empty table alone says nothing.
                crate::diag!(
                    "note: read {} input(s) and found no log events: query reads log lines and REPORTs, not X-Ray traces or metrics; give log files or cloudwatch:// groups",
                    ing.files
                );
            }
            let untimed = filter.untimed_note(
                filter.untimed_records(&ing.tables, &ing.columns),
                "record(s)",
            );
            // What was read before the filter: the note when it leaves nothing (as `report`).
            let read = filter
                .is_active()
                .then(|| super::ReadSpan::of_records(&ing.tables, &ing.columns));
            filter.apply(&mut ing.tables);
            let columns = filter.apply_columns(std::mem::take(&mut ing.columns));
            let t = &ing.tables;
            let left = t.logs.len() + t.thin_logs.len() + t.invocations.len() + columns.len();
            let filtered_out = read
                .filter(|_| left == 0)
                .and_then(|r| r.filtered_out_of(&filter, "record(s)"));
            let r = crate::analytics::query::run_query_on(&parsed, &ing.tables, &columns).map_err(
                |e| match e.as_query_error() {
                    Some(q) => anyhow::Error::new(UsageError(
                        q.render(&text, &origin).trim_end().to_string(),
                    )),
                    None => anyhow::Error::new(e),
                },
            )?;
            report_skips(&a.source, &ing);
            if let Some(note) = untimed.filter(|_| !a.source.quiet) {
                crate::diag!("note: {note}");
            }
            if let Some(note) = filtered_out.filter(|_| !a.source.quiet) {
                crate::diag!("note: {note}");
            }
            code = strict_exit(&a.source, &ing);
            crate::query::QueryResult {
                skipped: ing.skips.clone(),
                ..r
            }
        }
    };
    write_stdout(output::query::render(&result, a.format, terminal_width()).as_bytes())?;
    if !a.source.quiet {
        for w in &result.warnings {
            crate::diag!("warning: {}", output::sanitize(w));
        }
    }
    if let Some(path) = a.plot.as_ref().filter(|_| code != EXIT_OK) {
        // Under --strict with records skipped, no chart of a partial input is left behind
        // (as `plot` and `export` write nothing).
        crate::diag!("nothing plotted ({} not written)", path.display());
    } else if let Some(path) = &a.plot {
        let title = if origin == "query" {
            "faascope query".to_string()
        } else {
            format!("faascope query {origin}")
        };
        let by = crate::query::stats_by_of(&parsed);
        let (chart, chart_notes) =
            output::query::chart_by(&result, by.as_deref(), &title).map_err(UsageError)?;
        if !a.source.quiet {
            for n in chart_notes {
                crate::diag!("note: {n}");
            }
        }
        crate::plot::write(&chart, path, a.force).map_err(|e| UsageError(e.to_string()))?;
        if !a.source.quiet {
            crate::diag!("wrote {}", path.display());
        }
    }
    Ok(code)
}
