//! `faascope plot cost-curve|break-even`: charts of the cost engine's answers.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, ValueEnum};
use rust_decimal::prelude::ToPrimitive;

use super::cost::{
    nothing_selected, observe, strict_untimed, tier_notes, tune_all, untimed_notes, Observed,
    PriceArgs,
};
use super::{report_skips, strict_exit, FilterArgs, SourceArgs, UsageError, EXIT_OK};

/// Text for a chart from log data: [`crate::output::sanitize`] (no control characters), and
/// no U+FFFE / U+FFFF, which XML (an SVG) does not allow either.
fn sanitize(s: &str) -> String {
    crate::output::sanitize(s)
        .chars()
        .filter(|c| !matches!(c, '\u{fffe}' | '\u{ffff}'))
        .collect()
}
use crate::cost::comparisons::OptionFamily;
use crate::cost::{compare_functions, CompareOptions, PriceBook, TuneOptions};
use crate::plot::{write, LineChart, Marker, Series};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlotKind {
    /// Monthly cost against memory size (the `tune` curve), current and recommended sizes marked.
    CostCurve,
    /// Monthly cost against provisioned environments, with on demand for comparison.
    BreakEven,
}

#[derive(Args, Debug)]
pub struct PlotArgs {
    pub kind: PlotKind,
    #[command(flatten)]
    pub source: SourceArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub price: PriceArgs,
    /// The chart file: .png or .svg.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Replace an existing file.
    #[arg(long)]
    pub force: bool,
}

fn usd(d: rust_decimal::Decimal) -> f64 {
    d.to_f64().unwrap_or(f64::NAN)
}

pub fn run_plot(a: PlotArgs) -> Result<i32> {
    if a.kind == PlotKind::CostCurve {
        // The tune curve: the charges tune does not price are refused as tune refuses them.
        super::cost::tune_refuses(&a.price, "faascope plot cost-curve")?;
    }
    let catalog = a.price.catalog()?;
    let book = PriceBook::new(&catalog);
    let observed = observe(&a.source, &a.filter, &a.price, &book)?;
    // Skips are said whatever follows; under --strict, nothing is drawn from a partial input
    // (no chart left behind to be taken for a whole one), as `export` writes nothing.
    report_skips(&a.source, &observed.ing);
    let strict =
        strict_exit(&a.source, &observed.ing).max(strict_untimed(&a.source, &observed.untimed));
    if strict != EXIT_OK {
        crate::diag!("nothing plotted ({} not written)", a.out.display());
        return Ok(strict);
    }
    let projections = observed.selected_projections();
    if projections.is_empty() {
        // Invocations without a time are why, or part of why, nothing is left: said as `cost`
        // and `tune` say it.
        if !a.source.quiet {
            for n in untimed_notes(&observed.untimed) {
                crate::diag!("note: {n}");
            }
        }
        return Err(UsageError(format!(
            "{}; nothing to plot",
            nothing_selected(
                &observed.projections,
                observed.why_empty.as_deref(),
                &observed.untimed
            )
        ))
        .into());
    }
    // The `tune` curve, with the notes `tune` gives it (tenth-round plot review: sizes left off
    // because the function would time out there, and a "now" that is not `cost`'s figure for
    // mixed sizes, went unexplained).
    let mut observed = observed;
    let tuned = match a.kind {
        PlotKind::CostCurve => {
            let cols = std::mem::take(&mut observed.cols);
            let mut reports = tune_all(&projections, cols, &book, &TuneOptions::default())?;
            tier_notes(&observed, &book, &mut reports);
            reports
        }
        PlotKind::BreakEven => Vec::new(),
    };
    let Observed {
        projections: all,
        selected,
        untimed,
        ..
    } = observed;
    // Function names come from the logs: chart text (an SVG's <text>) gets no control
    // characters.
    let chart = match a.kind {
        PlotKind::CostCurve => {
            let mut series = Vec::new();
            let mut markers = Vec::new();
            // A function with no allowed size has no curve: said, and left off the chart (ninth-
            // round cost review: it sat in the legend without a line, or alone gave a bare
            // "nothing to plot").
            let mut undrawn = Vec::new();
            for t in &tuned {
                let name = sanitize(&t.name);
                let points: Vec<(f64, f64)> = t
                    .curve
                    .iter()
                    .filter(|c| c.allowed)
                    .map(|c| (f64::from(c.memory_mb), usd(c.monthly_usd)))
                    .collect();
                if points.is_empty() {
                    let why = t
                        .curve
                        .iter()
                        .rev()
                        .find_map(|c| c.not_allowed.as_deref())
                        .unwrap_or("no size is allowed");
                    undrawn.push(format!(
                        "'{name}' has no size it can run at (at {} MB: {why}; `faascope tune --curve` shows each size)",
                        t.curve.last().map_or(0, |c| c.memory_mb)
                    ));
                    continue;
                }
                series.push(Series {
                    name: name.clone(),
                    points,
                });
                markers.push(Marker {
                    label: format!("{name} now"),
                    x: f64::from(t.current_memory_mb),
                    y: usd(t.current_monthly_usd),
                });
                if t.change {
                    markers.push(Marker {
                        label: format!("{name} recommended"),
                        x: f64::from(t.recommended_memory_mb),
                        y: usd(t.recommended_monthly_usd),
                    });
                }
            }
            if series.is_empty() {
                return Err(UsageError(format!("{}: nothing to plot", undrawn.join("; "))).into());
            }
            for line in &undrawn {
                crate::diag!("note: {line}: not drawn");
            }
            LineChart {
                x_gap: None,
                title: "Monthly cost vs memory size".into(),
                x_whole: false,
                x_label: "memory (MB)".into(),
                y_label: "USD per month (730 h)".into(),
                series,
                markers,
            }
        }
        PlotKind::BreakEven => {
            let [p] = projections.as_slice() else {
                return Err(UsageError(format!(
                    "break-even plots one function; pick one with --function (found: {})",
                    sanitize(
                        &projections
                            .iter()
                            .map(|p| p.meta.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                ))
                .into());
            };
            let peak = p.concurrency.peak.max(1);
            let max_n = peak + peak.div_ceil(2).max(2);
            let options = CompareOptions {
                provisioned: (1..=max_n).collect(),
                pc_at_percentiles: false,
                families: vec![
                    OptionFamily::LambdaOnDemand,
                    OptionFamily::ProvisionedConcurrency,
                ],
                ..CompareOptions::default()
            };
            // Priced with the whole account (volume tiers are account-wide), as `cost` does.
            let c = compare_functions(&all, &book, &options)
                .map_err(|e| UsageError(e.to_string()))?
                .select(&selected);
            let f = c
                .functions
                .first()
                .ok_or_else(|| UsageError("no comparison for the function".into()))?;
            let on_demand = usd(f.on_demand_usd.typical);
            let mut pc: Vec<(f64, f64)> = f
                .options
                .iter()
                .filter_map(|o| {
                    let n = o.provisioned.as_ref()?.environments;
                    Some((f64::from(n), usd(o.monthly_usd.typical)))
                })
                .collect();
            pc.sort_by(|a, b| a.0.total_cmp(&b.0));
            let mut markers = vec![Marker {
                label: format!("peak concurrency {}", p.concurrency.peak),
                x: f64::from(p.concurrency.peak),
                y: pc
                    .iter()
                    .find(|(n, _)| *n == f64::from(p.concurrency.peak))
                    .map_or(on_demand, |x| x.1),
            }];
            if let Some((n, cost)) = pc.iter().find(|(_, cost)| *cost <= on_demand) {
                markers.push(Marker {
                    label: format!("PC pays off from {n}"),
                    x: *n,
                    y: *cost,
                });
            }
            LineChart {
                x_gap: None,
                title: format!(
                    "{}: provisioned concurrency vs on demand",
                    sanitize(&p.meta.name)
                ),
                x_whole: true,
                x_label: "provisioned environments".into(),
                y_label: "USD per month (730 h)".into(),
                series: vec![
                    Series {
                        name: "on demand".into(),
                        points: vec![(0.0, on_demand), (f64::from(max_n), on_demand)],
                    },
                    Series {
                        name: "provisioned + spillover".into(),
                        points: pc,
                    },
                ],
                markers,
            }
        }
    };
    write(&chart, &a.out, a.force).map_err(|e| UsageError(e.to_string()))?;
    crate::diag!("wrote {}", a.out.display());
    if !a.source.quiet {
        if let Some(n) = chart.legend_note("pick fewer functions with --function") {
            crate::diag!("note: {n}");
        }
        for t in &tuned {
            for n in &t.notes {
                crate::diag!("note: {}: {n}", sanitize(&t.name));
            }
        }
        // Not drawn: the invocations the chart leaves out, as `cost` and `tune` say it.
        for n in untimed_notes(&untimed) {
            crate::diag!("note: {n}");
        }
    }
    Ok(EXIT_OK)
}
