//! `faascope` (no subcommand) and `faascope dash`: the interactive dashboard over the sources.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Result};
use clap::Args;

use super::{load_with_progress, Filter, FilterArgs, ReadSpan, SourceArgs, UsageError, EXIT_OK};
use crate::ingest::IngestOptions;
use crate::tui::config::{default_path, DashConfig};
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
    // The progress bar would draw over the dashboard.
    a.source.quiet = true;
    let source = a.source.with_window(&filter);
    let loader = move |progress: crate::tui::LoadProgress| {
        let mut read = None;
        let mut data = crate::tui::load_data_with_progress(label, &progress, || {
            let mut ing = load_with_progress(
                &source,
                IngestOptions {
                    keep_logs: true,
                    keep_spans: true,
                    keep_metrics: true,
                    report_columns: false,
                    ..IngestOptions::default()
                },
                Some(&progress),
            )
            .map_err(|e| format!("{e:#}"))?;
            if filter.is_active() {
                read = Some(ReadSpan::of_invocations(&ing.tables.invocations));
            }
            filter.apply(&mut ing.tables);
            Ok(ing)
        })?;
        if data.report.functions.is_empty() {
            data.inputs.filtered_out = read.and_then(|r| r.filtered_out(&filter));
        }
        Ok(data)
    };
    crate::tui::run_with_progress(loader, Duration::from_millis(tick_rate), theme)
        .map_err(|e| UsageError(e.to_string()))?;
    Ok(EXIT_OK)
}
