//! `faascope` (no subcommand) and `faascope dash`: the interactive dashboard over the sources.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{bail, Result};
use clap::Args;

use super::{
    load_with_progress, report_skips, strict_exit, Filter, FilterArgs, ReadSpan, SourceArgs,
    UsageError, EXIT_OK,
};
use crate::ingest::Ingested;
use crate::model::ReportColumns;
use crate::tui::config::{default_path, DashConfig};
use crate::tui::data::PricingBasis;
use crate::tui::theme::{Theme, ThemeName};

/// The config file `--config`, `$FAASCOPE_CONFIG` or the XDG directory gives, and its path.
fn config(a: &DashArgs) -> Result<Option<(DashConfig, PathBuf)>> {
    let named = a.config.clone().or_else(|| {
        std::env::var_os("FAASCOPE_CONFIG")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    });
    let (path, required) = match named {
        Some(p) => (p, true),
        None => {
            let xdg = std::env::var("XDG_CONFIG_HOME").ok();
            let home = std::env::var("HOME").ok();
            match default_path(xdg.as_deref(), home.as_deref()) {
                Some(p) => (p, false),
                None => return Ok(None),
            }
        }
    };
    let c = DashConfig::load(&path, required).map_err(|e| UsageError(e.to_string()))?;
    Ok(c.map(|c| (c, path)))
}

#[derive(Args, Debug, Clone, Default)]
pub struct DashArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// How often the screen refreshes while idle, in milliseconds [default: 250, or
    /// tick_rate_ms in the config file]
    #[arg(long, value_name = "MS")]
    pub tick_rate: Option<u64>,
    /// Colours for a dark or a light terminal [default: dark, or theme in the config file]
    #[arg(long, value_enum, value_name = "THEME")]
    pub theme: Option<ThemeName>,
    /// The config file (TOML: theme, tick_rate_ms, sources) [default: $FAASCOPE_CONFIG, else
    /// $XDG_CONFIG_HOME/faascope/config.toml, else ~/.config/faascope/config.toml]
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// The bundled sample data: `sample-data/` here, or the checkout the binary was built from.
fn bundled_sample_data() -> Option<PathBuf> {
    [
        PathBuf::from("sample-data"),
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-data"),
    ]
    .into_iter()
    .find(|p| p.is_dir())
}

pub fn run(mut a: DashArgs) -> Result<i32> {
    if a.tick_rate.is_some_and(|t| t == 0 || t > 10_000) {
        bail!(UsageError(
            "--tick-rate is in milliseconds, from 1 to 10000 (e.g. 250)".into()
        ));
    }
    let cfg = config(&a)?;
    let tick_rate = a
        .tick_rate
        .or(cfg.as_ref().and_then(|(c, _)| c.tick_rate_ms))
        .unwrap_or(250);
    let theme = Theme::named(
        a.theme
            .or(cfg.as_ref().and_then(|(c, _)| c.theme))
            .unwrap_or_default(),
    );
    let mut from_config = None;
    if a.source.sources.is_empty() {
        if let Some((c, path)) = &cfg {
            let home = std::env::var("HOME").ok();
            let sources = c.resolved_sources(path, home.as_deref());
            if !sources.is_empty() {
                a.source.sources = sources;
                from_config = Some(path.clone());
            }
        }
    }
    let label = if let Some(path) = from_config {
        format!("the sources in {}", path.display())
    } else if a.source.sources.is_empty() {
        let Some(dir) = bundled_sample_data() else {
            bail!(UsageError(
                "no sources given and no sample-data/ here: run `faascope dash FILES_OR_DIRS...` (or cloudwatch:// sources)".into()
            ));
        };
        let label = format!("no sources given: the bundled {}", dir.display());
        a.source.sources = vec![dir];
        label
    } else if a.source.sources.len() == 1 {
        a.source.sources[0].display().to_string()
    } else {
        format!("{} sources", a.source.sources.len())
    };
    let filter = Filter::from_args(&a.filter)?;
    // The user's -q (no skipped-records summary after the dashboard closes); the progress bar
    // would draw over the dashboard, so the loading is always quiet.
    let quiet = a.source.quiet;
    a.source.quiet = true;
    let source = a.source.with_window(&filter);
    // What was skipped (and read twice), kept by the loading job for the summary on stderr
    // once the terminal is restored, as `faascope report` prints it.
    let read_back: Arc<Mutex<Option<Ingested>>> = Arc::default();
    let slot = Arc::clone(&read_back);
    // And the note on records without a time the window left out, which the status line may
    // have no room for (seventh-round verification).
    let untimed_back: Arc<Mutex<Option<String>>> = Arc::default();
    let untimed_slot = Arc::clone(&untimed_back);
    let loader = move |progress: crate::tui::LoadProgress| {
        let mut read = None;
        let mut untimed = None;
        let mut traces_read = 0;
        let mut data = crate::tui::load_data_with_progress(label, &progress, || {
            let loaded = read_sources(&source, &filter, Some(&progress))?;
            if let Ok(mut s) = slot.lock() {
                *s = Some(what_was_skipped(&loaded.0));
            }
            (read, untimed, traces_read) = (loaded.2, loaded.3, loaded.4);
            Ok((loaded.0, loaded.1))
        })?;
        if data.report.functions.is_empty() {
            data.inputs.filtered_out = read.and_then(|r| r.filtered_out(&filter));
        }
        if data.traces.is_empty() && traces_read > 0 {
            data.inputs.traces_filtered_out = Some(traces_read);
        }
        // First, as `report` and `logs` say it: those records are in no view.
        if let Some(n) = untimed {
            if let Ok(mut s) = untimed_slot.lock() {
                *s = Some(n.clone());
            }
            data.notes.insert(0, n);
        }
        // INIT as `traces --function` shows it.
        filter.inits_of_functions(&mut data.traces);
        Ok(data)
    };
    crate::tui::run_with_progress(loader, Duration::from_millis(tick_rate), theme)
        .map_err(|e| UsageError(e.to_string()))?;
    // The terminal is back: what was skipped, with files and lines, and --strict's verdict.
    let ing = read_back.lock().ok().and_then(|mut s| s.take());
    Ok(match ing {
        Some(ing) => {
            let source = SourceArgs { quiet, ..a.source };
            report_skips(&source, &ing);
            let untimed = untimed_back.lock().ok().and_then(|mut s| s.take());
            if let Some(n) = untimed.filter(|_| !quiet) {
                crate::diag!("note: {n}");
            }
            strict_exit(&source, &ing)
        }
        // Quit before the sources were read: nothing is known to have been skipped.
        None => EXIT_OK,
    })
}

/// Reads the sources for the dashboard: the tables narrowed by `filter`, what the months are
/// priced from, when a filter is given what was read before it (for the note when it leaves
/// nothing), and the note counting the invocations and log lines without a time that
/// --since/--until left out (seventh-round review: `report` and `logs` said it, the
/// dashboard dropped them without a word).
#[allow(clippy::type_complexity)]
fn read_sources(
    source: &SourceArgs,
    filter: &Filter,
    progress: Option<&crate::tui::LoadProgress>,
) -> std::result::Result<
    (
        Ingested,
        PricingBasis,
        Option<ReadSpan>,
        Option<String>,
        usize,
    ),
    String,
> {
    let mut ing = load_with_progress(source, crate::tui::ingest_options(), progress)
        .map_err(|e| format!("{e:#}"))?;
    let read = filter
        .is_active()
        .then(|| ReadSpan::of_invocations(&ing.tables.invocations));
    // As `faascope cost`: the month is projected over the hours every function read in the
    // time window spans (narrowed by --since/--until), and the whole account is priced, so a
    // function costs the same whether --function shows it alone or beside the others.
    let mut basis = PricingBasis {
        account: None,
        window: (filter.since_ms, filter.until_ms),
    };
    if filter.function.is_some() {
        let time_only = Filter {
            function: None,
            ..filter.clone()
        };
        basis.account =
            Some(time_only.apply_columns(ReportColumns::from_invocations(&ing.tables.invocations)));
    }
    let untimed = {
        let t = &ing.tables;
        let invocations = filter.untimed(t.invocations.iter().map(|r| (&*r.function, r.timestamp)));
        let lines = filter.untimed(t.logs.iter().map(|r| (&*r.function, r.timestamp)));
        let counted = match (invocations, lines) {
            (0, 0) => None,
            (0, n) => Some(format!("{n} log line(s)")),
            (n, 0) => Some(format!("{n} invocation(s)")),
            (n, m) => Some(format!("{n} invocation(s) and {m} log line(s)")),
        };
        counted.and_then(|c| filter.untimed_sentence(&c))
    };
    // The traces read, for the traces view's note when the filter keeps none of them.
    let traces_read = if filter.is_active() {
        ing.tables
            .spans
            .iter()
            .map(|s| s.trace_id.as_str())
            .collect::<HashSet<&str>>()
            .len()
    } else {
        0
    };
    filter.apply(&mut ing.tables);
    Ok((ing, basis, read, untimed, traces_read))
}

/// What `report_skips` and `strict_exit` read of a load: the skipped records and the records
/// read twice, without the tables.
fn what_was_skipped(ing: &Ingested) -> Ingested {
    Ingested {
        skips: ing.skips.clone(),
        files: ing.files,
        duplicates: ing.duplicates,
        span_duplicates: ing.span_duplicates,
        metric_duplicates: ing.metric_duplicates,
        ..Ingested::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::data::DashData;

    fn sample_data() -> SourceArgs {
        SourceArgs {
            sources: vec![PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-data")],
            quiet: true,
            ..SourceArgs::default()
        }
    }

    fn data(filter: &FilterArgs) -> DashData {
        let filter = Filter::from_args(filter).unwrap();
        let (ing, basis, _, _, _) = read_sources(&sample_data(), &filter, None).unwrap();
        DashData::build_priced("sample-data".into(), ing.tables, ing.skips.total, &basis).unwrap()
    }

    /// `dash --function` shows a function at the cost `faascope cost --function` gives it: the
    /// month projected over every function's hours, not only its own (image-batch's span
    /// ends hours before the run's: 11.20 instead of 10.43).
    #[test]
    fn a_function_costs_the_same_alone_as_beside_the_others() {
        let all = data(&FilterArgs::default());
        let one = data(&FilterArgs {
            function: Some("^image".into()),
            ..FilterArgs::default()
        });
        assert_eq!(one.report.functions.len(), 1);
        let (a, b) = (&all.costs["image-batch"], &one.costs["image-batch"]);
        assert_eq!(a, b);
        assert_eq!(
            crate::cost::round_cents(b.usd_per_month),
            rust_decimal::Decimal::new(1043, 2)
        );
        // The cost view prices it beside the account's other functions too.
        let k = crate::tui::data::CostKnobs::default();
        let (x, y) = (
            crate::tui::data::run_cost(&all, "image-batch", k).unwrap(),
            crate::tui::data::run_cost(&one, "image-batch", k).unwrap(),
        );
        assert_eq!(x.comparison.options, y.comparison.options);
        assert_eq!(
            y.comparison.monthly_saving_usd,
            x.comparison.monthly_saving_usd
        );
    }

    /// The logs view's `@message` of a platform.report event is the event as written, as in
    /// `faascope query`: a query on the JSON finds every one of them.
    #[test]
    fn the_logs_view_queries_platform_report_events_as_written() {
        let all = data(&FilterArgs::default());
        let r = crate::tui::data::run_logs_query(
            &all,
            "filter @message like /platform.report/ | stats count(*) as n by function",
        )
        .unwrap();
        assert_eq!(r.rows.len(), 1, "{:?}", r.rows);
        assert_eq!(r.rows[0][0].text(), "geo-lookup");
        assert_eq!(r.rows[0][1].as_f64(), Some(21047.0));
    }

    #[test]
    fn the_skip_summary_keeps_what_report_prints() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("f.log"),
            "2025-09-02T14:03:11.500000+00:00 REPORT RequestId: 3f2a1c9e-0000-4000-8000-000000000001\tDuration: abc ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\t\n",
        )
        .unwrap();
        let source = SourceArgs {
            sources: vec![dir.path().to_path_buf()],
            quiet: true,
            ..SourceArgs::default()
        };
        let filter = Filter::from_args(&FilterArgs::default()).unwrap();
        let (ing, _, _, _, _) = read_sources(&source, &filter, None).unwrap();
        let kept = what_was_skipped(&ing);
        assert_eq!(kept.skips, ing.skips);
        assert_eq!(kept.skips.total, 1);
        assert!(
            kept.skips.examples[0].source.ends_with("f.log:1"),
            "{:?}",
            kept.skips
        );
        assert!(kept.tables.invocations.is_empty() && kept.tables.logs.is_empty());
    }

    /// Seventh-round review: with --since/--until the dashboard dropped the invocations and
    /// log lines without a time without a word, where `report` and `logs` count them.
    #[test]
    fn records_without_a_time_left_out_by_the_window_are_said() {
        let dir = tempfile::tempdir().unwrap();
        let report = |ts: &str, i: u32| {
            format!("{ts}REPORT RequestId: 3f2a1c9e-0000-4000-8000-00000000000{i}\tDuration: 12.00 ms\tBilled Duration: 12 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\t\n")
        };
        std::fs::write(
            dir.path().join("timed.log"),
            report("2025-09-02T14:03:11.500Z ", 1),
        )
        .unwrap();
        std::fs::write(
            dir.path().join("nots.log"),
            format!("{}{}[ERROR] boom\n", report("", 2), report("", 3)),
        )
        .unwrap();
        let source = SourceArgs {
            sources: vec![dir.path().to_path_buf()],
            quiet: true,
            ..SourceArgs::default()
        };
        let windowed = Filter::from_args(&FilterArgs {
            since: Some("2025-09-01T00:00:00Z".into()),
            ..FilterArgs::default()
        })
        .unwrap();
        let (ing, _, _, note, _) = read_sources(&source, &windowed, None).unwrap();
        assert_eq!(ing.tables.invocations.len(), 1);
        assert_eq!(
            note.as_deref(),
            Some("2 invocation(s) and 1 log line(s) have no time (lines without timestamps) and are left out by --since/--until")
        );
        let all = Filter::from_args(&FilterArgs::default()).unwrap();
        let (ing, _, _, note, _) = read_sources(&source, &all, None).unwrap();
        assert_eq!((ing.tables.invocations.len(), note), (3, None));
    }
}
