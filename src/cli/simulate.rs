//! `faascope simulate`: runs a scenario file (or one built from observed data) through the
//! pure simulator crate `faascope-sim`, optionally over several seeded replications, and prices
//! the simulated month with the cost engine (`--price`).

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use faascope_sim::{run_replications, ReplicatedOutput, Scenario, SimOutput, Simulation};
use rust_decimal::prelude::FromPrimitive;
use rust_decimal::Decimal;
use serde::Serialize;

use super::cost::PriceArgs;
use super::{load, terminal_width, write_stdout, UsageError, EXIT_OK};
use crate::cost::{format_usd, PriceBook};
use crate::ingest::{IngestOptions, InputFormat};
use crate::output::cost::render_grid;
use crate::output::Format;
use crate::scenario::{price_simulation, replay_scenario, PricedFunction, ReplayArrivals};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ArrivalsArg {
    /// The observed arrival times, as they happened (scaled by --traffic-scale).
    Replay,
    /// Poisson arrivals at the observed mean rate.
    Poisson,
}

#[derive(Args, Debug)]
pub struct SimulateArgs {
    /// Scenario file (TOML; see simulator/scenarios/). Not with --from.
    #[arg(value_name = "SCENARIO")]
    pub scenario: Option<PathBuf>,
    /// Build the scenario from observed logs instead (files or directories).
    #[arg(long, value_name = "SOURCES", num_args = 1.., conflicts_with = "scenario")]
    pub from: Vec<PathBuf>,
    /// With --from: the function to simulate (its exact name).
    #[arg(long, value_name = "NAME", requires = "from")]
    pub function: Option<String>,
    /// With --from: multiply the observed traffic (thinning below 1, superposition above).
    #[arg(long, value_name = "X", default_value_t = 1.0, requires = "from")]
    pub traffic_scale: f64,
    /// With --from: replay the observed arrivals or draw Poisson arrivals at their rate.
    #[arg(long, value_enum, default_value_t = ArrivalsArg::Replay, requires = "from")]
    pub arrivals: ArrivalsArg,
    /// With --from: idle keep-alive of instances, seconds (AWS does not publish its own).
    #[arg(long, value_name = "S", default_value_t = 600.0, requires = "from")]
    pub keep_alive_s: f64,
    /// Seed of every random stream (same seed, same output).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Independent runs with derived seeds; headline outputs get 95 % confidence intervals.
    #[arg(long, default_value_t = 1)]
    pub replications: u32,
    /// Override a scenario value, KEY.PATH=VALUE (repeatable): e.g. `functions.0.memory_mb=1024`,
    /// `functions.checkout-api.keep_alive.idle_timeout_s=300`, `account.concurrency_limit=50`.
    #[arg(long = "set", value_name = "KEY.PATH=VALUE")]
    pub set: Vec<String>,
    /// Price the simulated month with the catalog under pricing/ (on demand, and provisioned
    /// concurrency when the scenario has it).
    #[arg(long)]
    pub price: bool,
    #[command(flatten)]
    pub place: PriceArgs,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Applies `a.b.0.c=value` to a TOML document. A path segment picks a table key, an array
/// index, or the element of an array of tables whose `name` is the segment.
pub fn apply_set(doc: &mut toml::Value, assignment: &str) -> Result<(), String> {
    let (path, raw) = assignment
        .split_once('=')
        .ok_or_else(|| format!("--set '{assignment}': expected KEY.PATH=VALUE"))?;
    let value: toml::Value = toml::from_str::<toml::Table>(&format!("v = {raw}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(raw.to_string()));
    let segs: Vec<&str> = path.trim().split('.').collect();
    let mut cur = doc;
    for (i, seg) in segs.iter().enumerate() {
        let last = i + 1 == segs.len();
        cur = match cur {
            toml::Value::Table(t) => {
                if last {
                    t.insert((*seg).to_string(), value);
                    return Ok(());
                }
                t.entry((*seg).to_string())
                    .or_insert_with(|| toml::Value::Table(toml::Table::new()))
            }
            toml::Value::Array(items) => {
                let idx = match seg.parse::<usize>() {
                    Ok(k) => k,
                    Err(_) => items
                        .iter()
                        .position(|v| v.get("name").and_then(|n| n.as_str()) == Some(seg))
                        .ok_or_else(|| {
                            format!(
                                "--set '{assignment}': no element named '{seg}' in '{}'",
                                segs[..i].join(".")
                            )
                        })?,
                };
                let len = items.len();
                let item = items.get_mut(idx).ok_or_else(|| {
                    format!(
                        "--set '{assignment}': index {idx} is past the {len} element(s) of '{}'",
                        segs[..i].join(".")
                    )
                })?;
                if last {
                    *item = value;
                    return Ok(());
                }
                item
            }
            _ => {
                return Err(format!(
                    "--set '{assignment}': '{}' is a value, not a table",
                    segs[..i].join(".")
                ))
            }
        };
    }
    Err(format!("--set '{assignment}': empty key path"))
}

/// A scenario for one function from its observed invocations.
fn scenario_from_observed(a: &SimulateArgs, notes: &mut Vec<String>) -> Result<Scenario> {
    let source = super::SourceArgs {
        sources: a.from.clone(),
        input_format: InputFormat::Auto,
        function_name: None,
        strict: false,
        quiet: true,
        aws_region: None,
        aws_profile: None,
        endpoint_url: None,
        no_cache: false,
        window: (None, None),
    };
    let ing = load(
        &source,
        IngestOptions {
            keep_logs: false,
            keep_spans: false,
            keep_metrics: false,
            report_columns: true,
            ..IngestOptions::default()
        },
    )?;
    let cols = ing.columns;
    let names: Vec<String> = cols.names().iter().map(|n| n.to_string()).collect();
    let name = match &a.function {
        Some(n) => n.clone(),
        None if names.len() == 1 => names[0].clone(),
        None => {
            return Err(UsageError(format!(
                "--from holds several functions; pick one with --function NAME ({})",
                names.join(", ")
            ))
            .into())
        }
    };
    let Some(id) = names.iter().position(|n| *n == name) else {
        return Err(UsageError(format!(
            "no invocations of function '{name}' in the sources; functions seen: {}",
            names.join(", ")
        ))
        .into());
    };
    let rows = crate::scenario::observed_rows(&cols, id);
    let memory_mb = rows.last().map_or(128, |r| r.memory_mb);
    let arrivals = match a.arrivals {
        ArrivalsArg::Replay => ReplayArrivals::Replay {
            traffic_scale: a.traffic_scale,
        },
        ArrivalsArg::Poisson => ReplayArrivals::Poisson {
            traffic_scale: a.traffic_scale,
        },
    };
    let s = replay_scenario(
        &name,
        &rows,
        memory_mb,
        a.keep_alive_s,
        1.0,
        arrivals,
        notes,
    )
    .map_err(UsageError)?;
    let span_ms = rows.last().map_or(0, |r| r.start_ms) - rows.first().map_or(0, |r| r.start_ms);
    notes.push(format!(
        "scenario from {} observed invocations of '{name}' over {:.1} h ({} arrivals), {memory_mb} MB, keep-alive {} s",
        rows.len(),
        span_ms as f64 / 3.6e6,
        match a.arrivals {
            ArrivalsArg::Replay => "replayed",
            ArrivalsArg::Poisson => "Poisson",
        },
        a.keep_alive_s
    ));
    Ok(s)
}

fn scenario_from_file(path: &PathBuf, sets: &[String]) -> Result<Scenario> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| UsageError(format!("{}: cannot read: {e}", path.display())))?;
    let invalid = |e: toml::de::Error| {
        UsageError(format!(
            "{}: not a valid scenario: {}",
            path.display(),
            e.to_string().trim_end()
        ))
    };
    let scenario: Scenario = if sets.is_empty() {
        // Straight from the text, so that an error shows its line and column.
        toml::from_str(&text).map_err(invalid)?
    } else {
        let mut doc: toml::Value = toml::from_str(&text).map_err(invalid)?;
        for s in sets {
            apply_set(&mut doc, s).map_err(UsageError)?;
        }
        doc.try_into().map_err(|e| {
            UsageError(format!(
                "{} with --set: not a valid scenario: {e}",
                path.display()
            ))
        })?
    };
    // Range and consistency checks, named after the file.
    scenario
        .validate()
        .map_err(|e| UsageError(format!("{}: {e}", path.display())))?;
    Ok(scenario)
}

fn opt(v: Option<f64>, digits: usize) -> String {
    v.map_or("-".into(), |x| format!("{x:.digits$}"))
}

fn single_table(out: &SimOutput, format: Format) -> String {
    let headers = [
        "function",
        "requests",
        "cold starts",
        "P(cold)",
        "rejected",
        "P(reject)",
        "avg inst",
        "max inst",
        "lifespan s",
        "p50 ms",
        "p99 ms",
        "p99 cold ms",
        "GB-s exec",
        "GB-s init",
        "idle inst-s",
    ];
    let mut rows = Vec::new();
    let mut push = |name: &str, m: &faascope_sim::Metrics| {
        rows.push(vec![
            crate::output::sanitize(name),
            m.requests.to_string(),
            m.cold_starts.to_string(),
            opt(m.cold_start_probability, 4),
            m.rejected.to_string(),
            opt(m.rejection_probability, 4),
            format!("{:.2}", m.avg_instances),
            m.max_instances.to_string(),
            opt(m.mean_instance_lifespan_s, 1),
            opt(m.latency.all.p50_ms, 1),
            opt(m.latency.all.p99_ms, 1),
            opt(m.latency.cold.p99_ms, 1),
            format!("{:.1}", m.billed_execution_gb_s),
            format!("{:.1}", m.billed_init_gb_s),
            format!("{:.0}", m.idle_instance_s),
        ]);
    };
    for f in &out.functions {
        push(&f.name, &f.metrics);
    }
    if out.functions.len() > 1 {
        push("total", &out.total);
    }
    render_grid(&headers, &rows, format, terminal_width(), 1)
}

fn replicated_table(out: &ReplicatedOutput, format: Format) -> String {
    let headers = ["function", "metric", "mean", "± 95 % CI", "std dev", "n"];
    let mut rows = Vec::new();
    for f in &out.functions {
        for e in &f.metrics {
            rows.push(vec![
                crate::output::sanitize(&f.name),
                e.metric.clone(),
                opt(e.mean, 4),
                opt(e.ci95_half_width, 4),
                opt(e.std_dev, 4),
                e.n.to_string(),
            ]);
        }
    }
    if out.functions.len() > 1 {
        for e in &out.total {
            rows.push(vec![
                "total".into(),
                e.metric.clone(),
                opt(e.mean, 4),
                opt(e.ci95_half_width, 4),
                opt(e.std_dev, 4),
                e.n.to_string(),
            ]);
        }
    }
    render_grid(&headers, &rows, format, terminal_width(), 2)
}

/// The simulated usage scaled to a month of 730 h, priced (see
/// [`crate::scenario::price_simulation`]) at the `--region`/`--arch` placement.
fn price(out: &SimOutput, a: &SimulateArgs) -> Result<Vec<PricedFunction>> {
    let catalog = a.place.catalog()?;
    let book = PriceBook::new(&catalog);
    let place = a.place.placement()?;
    Ok(price_simulation(out, &book, &place).map_err(UsageError)?)
}

pub fn run_simulate(a: SimulateArgs) -> Result<i32> {
    let mut notes = Vec::new();
    let scenario = match (&a.scenario, a.from.is_empty()) {
        (Some(p), true) => scenario_from_file(p, &a.set)?,
        (None, false) => {
            let s = scenario_from_observed(&a, &mut notes)?;
            let mut doc = toml::Value::try_from(&s).context("scenario to TOML")?;
            for set in &a.set {
                apply_set(&mut doc, set).map_err(UsageError)?;
            }
            doc.try_into()
                .map_err(|e| UsageError(format!("--set gave an invalid scenario: {e}")))?
        }
        _ => {
            return Err(UsageError(
                "give a SCENARIO file, or --from SOURCES --function NAME".into(),
            )
            .into())
        }
    };
    if a.replications == 0 {
        return Err(UsageError("--replications must be at least 1".into()).into());
    }
    if a.price && a.replications > 1 {
        return Err(UsageError(
            "--price prices one run: leave out --replications (or --price, for the replicated statistics)".into(),
        )
        .into());
    }
    if a.price && a.format == Format::Csv {
        return Err(UsageError(
            "--price adds a second table, which CSV cannot hold: use --format json, table or markdown".into(),
        )
        .into());
    }
    let mut text = String::new();
    if a.replications > 1 {
        let rep = run_replications(&scenario, a.seed, a.replications)
            .map_err(|e| UsageError(e.to_string()))?;
        if a.format == Format::Json {
            text = crate::output::json_safe(
                serde_json::to_string_pretty(&rep).context("serialising")?,
            ) + "\n";
        } else {
            text.push_str(&replicated_table(&rep, a.format));
        }
    } else {
        let sim = Simulation::new(&scenario, a.seed).map_err(|e| UsageError(e.to_string()))?;
        let out = sim.run();
        let priced = if a.price {
            Some(price(&out, &a)?)
        } else {
            None
        };
        if a.format == Format::Json {
            #[derive(Serialize)]
            struct Doc<'a> {
                simulation: &'a SimOutput,
                #[serde(skip_serializing_if = "Option::is_none")]
                cost: Option<&'a Vec<PricedFunction>>,
                notes: &'a [String],
            }
            text = crate::output::json_safe(
                serde_json::to_string_pretty(&Doc {
                    simulation: &out,
                    cost: priced.as_ref(),
                    notes: &notes,
                })
                .context("serialising")?,
            ) + "\n";
        } else {
            let header = format!(
                "Simulated {:.0} s after a {:.0} s warm-up, seed {}.",
                out.measured_s, out.warmup_s, out.seed
            );
            // CSV is the table alone; what would precede it goes to stderr.
            if a.format == Format::Csv {
                eprintln!("{header}");
            } else {
                let _ = writeln!(text, "{header}");
            }
            text.push_str(&single_table(&out, a.format));
            if let Some(p) = &priced {
                text.push('\n');
                let headers = [
                    "function",
                    "memory MB",
                    "requests/mo",
                    "GB-s/mo",
                    "on demand $/mo",
                    "provisioned $/mo",
                    "total $/mo",
                ];
                let rows: Vec<Vec<String>> = p
                    .iter()
                    .map(|f| {
                        vec![
                            crate::output::sanitize(&f.function),
                            f.memory_mb.to_string(),
                            format!("{:.0}", f.requests_per_month),
                            format!("{:.1}", f.gb_seconds_per_month),
                            Decimal::from_f64(f.on_demand_usd_per_month)
                                .map(format_usd)
                                .unwrap_or_default(),
                            Decimal::from_f64(f.provisioned_usd_per_month)
                                .map(format_usd)
                                .unwrap_or_default(),
                            Decimal::from_f64(f.total_usd_per_month)
                                .map(format_usd)
                                .unwrap_or_default(),
                        ]
                    })
                    .collect();
                text.push_str(&render_grid(&headers, &rows, a.format, terminal_width(), 1));
            }
        }
    }
    match a.format {
        Format::Json => {}
        Format::Csv => notes.iter().for_each(|n| eprintln!("note: {n}")),
        _ => {
            for n in &notes {
                let _ = writeln!(text, "note: {n}");
            }
        }
    }
    write_stdout(text.as_bytes())?;
    Ok(EXIT_OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_paths_reach_tables_indexes_and_named_elements() {
        let mut doc: toml::Value = toml::from_str(
            "duration_s = 1\n[[functions]]\nname = \"api\"\nmemory_mb = 128\n[functions.keep_alive]\nidle_timeout_s = 600\n",
        )
        .unwrap();
        apply_set(&mut doc, "functions.0.memory_mb=1024").unwrap();
        apply_set(&mut doc, "functions.api.keep_alive.idle_timeout_s=300").unwrap();
        apply_set(&mut doc, "account.concurrency_limit=\"unlimited\"").unwrap();
        apply_set(&mut doc, "duration_s=7200.5").unwrap();
        assert_eq!(doc["functions"][0]["memory_mb"].as_integer(), Some(1024));
        assert_eq!(
            doc["functions"][0]["keep_alive"]["idle_timeout_s"].as_integer(),
            Some(300)
        );
        assert_eq!(
            doc["account"]["concurrency_limit"].as_str(),
            Some("unlimited")
        );
        assert_eq!(doc["duration_s"].as_float(), Some(7200.5));
        assert!(apply_set(&mut doc, "functions.nope.memory_mb=1").is_err());
        assert!(apply_set(&mut doc, "functions.5.memory_mb=1").is_err());
        assert!(apply_set(&mut doc, "duration_s.x=1").is_err());
        assert!(apply_set(&mut doc, "no-equals").is_err());
    }
}
