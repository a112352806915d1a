//! `faascope` (no subcommand) and `faascope dash`: the interactive dashboard over the sources.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Result};
use clap::Args;

use super::{load, Filter, FilterArgs, SourceArgs, UsageError, EXIT_OK};
use crate::ingest::IngestOptions;

#[derive(Args, Debug, Clone, Default)]
pub struct DashArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// How often the screen refreshes while idle, in milliseconds
    #[arg(long, value_name = "MS", default_value_t = 250)]
    pub tick_rate: u64,
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
    if a.tick_rate == 0 || a.tick_rate > 10_000 {
        bail!(UsageError(
            "--tick-rate is in milliseconds, from 1 to 10000 (e.g. 250)".into()
        ));
    }
    let label = if a.source.sources.is_empty() {
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
    // The progress bar would draw over the dashboard.
    a.source.quiet = true;
    let source = a.source.with_window(&filter);
    let loader = move || {
        crate::tui::load_data(label, || {
            let mut ing = load(
                &source,
                IngestOptions {
                    keep_logs: true,
                    keep_spans: true,
                    keep_metrics: true,
                    report_columns: false,
                    ..IngestOptions::default()
                },
            )
            .map_err(|e| format!("{e:#}"))?;
            filter.apply(&mut ing.tables);
            Ok(ing)
        })
    };
    crate::tui::run(loader, Duration::from_millis(a.tick_rate))
        .map_err(|e| UsageError(e.to_string()))?;
    Ok(EXIT_OK)
}
