//! `faascope simulate`: runs a scenario file (or one built from observed data) through the
//! pure simulator crate `faascope-sim`, optionally over several seeded replications, and prices
//! the simulated month with the cost engine (`--price`).

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use faascope_sim::engine::MAX_REPLICATIONS;
use faascope_sim::{
    run_replications, ConfigError, ReplicatedOutput, Scenario, SimOutput, Simulation,
};
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
    // The four --from options are `Option`s without clap defaults so that giving one with a scenario file
    // can be refused: clap's `requires = "from"` is not enforced there, because `--from` conflicts with
    // the SCENARIO that is present (clap skips a requirement that conflicts with a present argument).
    /// With --from: the function to simulate (its exact name).
    #[arg(long, value_name = "NAME", requires = "from")]
    pub function: Option<String>,
    /// With --from: multiply the observed traffic (thinning below 1, superposition above; 0 < X <= 1000)
    /// [default: 1].
    #[arg(long, value_name = "X", requires = "from")]
    pub traffic_scale: Option<f64>,
    /// With --from: replay the observed arrivals or draw Poisson arrivals at their rate [default: replay].
    #[arg(long, value_enum, requires = "from")]
    pub arrivals: Option<ArrivalsArg>,
    /// With --from: idle keep-alive of instances, seconds (AWS does not publish its own) [default: 600].
    #[arg(long, value_name = "S", requires = "from")]
    pub keep_alive_s: Option<f64>,
    /// Seed of every random stream (same seed, same output). JSON output writes seeds as decimal
    /// strings, which this takes back as they are.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Independent runs with derived seeds (1 to 1000); headline outputs get 95 % confidence
    /// intervals.
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

/// The observed invocations a `--from` scenario was built from, for comparison with the run.
#[derive(Debug, Clone, Serialize)]
struct Observed {
    function: String,
    invocations: u64,
    cold_starts: u64,
    cold_start_ratio: Option<f64>,
}

const DEFAULT_TRAFFIC_SCALE: f64 = 1.0;
const DEFAULT_KEEP_ALIVE_S: f64 = 600.0;
/// Largest `--traffic-scale` (the simulator's limit on copies of a replayed trace).
const MAX_TRAFFIC_SCALE: f64 = 1_000.0;

/// What `--from` reads, for the message when it finds nothing.
const FROM_READS: &str = "it reads Lambda REPORT records: text logs (START/END/REPORT lines), the JSON log format and Telemetry API (platform.report), CloudWatch Logs exports, subscription payloads and Logs Insights results (README, \"Input formats\")";

/// A scenario for one function from its observed invocations.
fn scenario_from_observed(
    a: &SimulateArgs,
    notes: &mut Vec<String>,
) -> Result<(Scenario, Observed)> {
    let traffic_scale = a.traffic_scale.unwrap_or(DEFAULT_TRAFFIC_SCALE);
    let keep_alive_s = a.keep_alive_s.unwrap_or(DEFAULT_KEEP_ALIVE_S);
    let arrivals_arg = a.arrivals.unwrap_or(ArrivalsArg::Replay);
    if !(traffic_scale.is_finite() && traffic_scale > 0.0 && traffic_scale <= MAX_TRAFFIC_SCALE) {
        return Err(UsageError(format!(
            "--traffic-scale {traffic_scale}: must be a number > 0 and at most {MAX_TRAFFIC_SCALE} (0.5 halves the observed traffic, 3 triples it)"
        ))
        .into());
    }
    // `inf` keeps instances forever; NaN and negative values are refused.
    if keep_alive_s.is_nan() || keep_alive_s < 0.0 {
        return Err(UsageError(format!(
            "--keep-alive-s {keep_alive_s}: must be a number of seconds >= 0 (or inf, never expire)"
        ))
        .into());
    }
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
    if names.is_empty() {
        return Err(UsageError(format!(
            "--from {}: no Lambda invocations found; {FROM_READS}",
            sources_label(&a.from)
        ))
        .into());
    }
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
    let arrivals = match arrivals_arg {
        ArrivalsArg::Replay => ReplayArrivals::Replay { traffic_scale },
        ArrivalsArg::Poisson => ReplayArrivals::Poisson { traffic_scale },
    };
    let s = replay_scenario(&name, &rows, memory_mb, keep_alive_s, 1.0, arrivals, notes)
        .map_err(UsageError)?;
    let cold_starts = rows.iter().filter(|r| r.init_ms.is_some()).count() as u64;
    let observed = Observed {
        function: name.clone(),
        invocations: rows.len() as u64,
        cold_starts,
        cold_start_ratio: (!rows.is_empty()).then(|| cold_starts as f64 / rows.len() as f64),
    };
    let span_ms = rows.last().map_or(0, |r| r.start_ms) - rows.first().map_or(0, |r| r.start_ms);
    notes.push(format!(
        "scenario from {} observed invocations of '{name}' over {:.1} h ({} arrivals), {memory_mb} MB, keep-alive {} s",
        rows.len(),
        span_ms as f64 / 3.6e6,
        match arrivals_arg {
            ArrivalsArg::Replay => "replayed",
            ArrivalsArg::Poisson => "Poisson",
        },
        keep_alive_s
    ));
    Ok((s, observed))
}

fn sources_label(from: &[PathBuf]) -> String {
    from.iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A validation error of a `--from` scenario, in terms of the command line: the fields the
/// options set are named as the options, and the advice is what `--from` can do.
fn from_error(e: ConfigError, a: &SimulateArgs, s: &Scenario) -> UsageError {
    let label = format!(
        "--from {}{}",
        sources_label(&a.from),
        if a.set.is_empty() { "" } else { " with --set" }
    );
    let ConfigError::Invalid { path, problem, fix } = &e;
    let text = if path == "functions[*].arrivals" {
        let horizon_s = s.warmup_s + s.duration_s;
        let arrivals: f64 = s
            .functions
            .iter()
            .map(|f| f.arrivals.max_arrivals(horizon_s))
            .sum();
        format!(
            "{label}: --traffic-scale {} could generate up to {arrivals:.3e} arrivals over the observed {:.1} h, more than the {:.0e} a run can simulate in reasonable time; fix: lower --traffic-scale, or give --from the logs of a shorter period",
            a.traffic_scale.unwrap_or(DEFAULT_TRAFFIC_SCALE),
            horizon_s / 3600.0,
            faascope_sim::config::MAX_ARRIVALS
        )
    } else if path.ends_with(".arrivals.traffic_scale") {
        format!("{label}: --traffic-scale: {problem}; fix: {fix}")
    } else if path.contains(".keep_alive") {
        format!("{label}: --keep-alive-s: {problem}; fix: {fix}")
    } else {
        format!("{label}: {e}")
    };
    UsageError(text)
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

/// `x` with at least `min_decimals` decimals and at least 3 significant digits, so that a small
/// ratio such as 0.0000112 does not print as 0.0000; exactly 0 prints as `0`.
fn sig(x: f64, min_decimals: usize) -> String {
    if x == 0.0 {
        return "0".into();
    }
    if !x.is_finite() {
        return x.to_string();
    }
    // Decimals that put the third significant digit last (at most 15, which f64 can carry).
    let magnitude = x.abs().log10().floor() as i64;
    let decimals = (2 - magnitude).clamp(0, 15) as usize;
    let d = decimals.max(min_decimals);
    format!("{x:.d$}")
}

fn opt_sig(v: Option<f64>, min_decimals: usize) -> String {
    v.map_or("-".into(), |x| sig(x, min_decimals))
}

/// `--from`: the observed cold starts next to the simulated ones, so a gap is visible.
fn observed_note(o: &Observed, simulated: Option<&faascope_sim::FunctionOutput>) -> String {
    let observed = format!(
        "observed {} cold starts in {} invocations of '{}' (P(cold) {})",
        o.cold_starts,
        o.invocations,
        o.function,
        opt_sig(o.cold_start_ratio, 4)
    );
    let simulated = simulated.map_or(String::new(), |f| {
        format!(
            ", simulated {} in {} (P(cold) {})",
            f.metrics.cold_starts,
            f.metrics.served,
            opt_sig(f.metrics.cold_start_probability, 4)
        )
    });
    format!(
        "{observed}{simulated}; the simulation's keep-alive is one fixed idle timeout (--keep-alive-s), while AWS's varies and AWS also recycles busy environments, so a replay's cold starts can differ from the observed ones either way"
    )
}

/// Notes for requests that reached the function timeout or an INIT over the 10 s limit.
fn timeout_notes(scenario: &Scenario, out: &SimOutput) -> Vec<String> {
    let mut notes = Vec::new();
    for (f, cfg) in out.functions.iter().zip(&scenario.functions) {
        let m = &f.metrics;
        if m.timeouts > 0 {
            notes.push(format!(
                "'{}': {} requests reached the {} s function timeout (timeout_s) and ended there, billed up to it",
                f.name, m.timeouts, cfg.timeout_s
            ));
        }
        if m.init_timeouts > 0 {
            notes.push(format!(
                "'{}': {} cold starts had an INIT over the 10 s on-demand limit: cut at 10 s and run again inside the invocation (init_timeouts)",
                f.name, m.init_timeouts
            ));
        }
    }
    notes
}

/// A note when attempts were over the account's invocation request-rate quota.
fn rate_note(scenario: &Scenario, out: &SimOutput) -> Option<String> {
    let n = out.total.rate_throttles;
    if n == 0 {
        return None;
    }
    let quota = match scenario.account.request_rate() {
        faascope_sim::Limit::Count(r) => r.to_string(),
        faascope_sim::Limit::Unlimited => "unlimited".into(),
    };
    let source = if scenario.account.request_rate_per_s.is_some() {
        "account.request_rate_per_s"
    } else {
        "AWS's quota, 10 × account.concurrency_limit; set account.request_rate_per_s to change it"
    };
    Some(format!(
        "{n} invocation attempts were over the account's request-rate quota of {quota} per second ({source}) and were throttled (rate_throttles, part of throttles)"
    ))
}

fn single_table(out: &SimOutput, format: Format) -> String {
    let headers = [
        "function",
        "requests",
        "cold starts",
        "P(cold)",
        "throttles",
        "rate throttles",
        "rejected",
        "dropped",
        "P(reject)",
        "avg inst",
        "max inst",
        "lifespan s",
        "p50 ms",
        "p99 ms",
        "p99 cold ms (incl. init)",
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
            opt_sig(m.cold_start_probability, 4),
            m.throttles.to_string(),
            m.rate_throttles.to_string(),
            m.rejected.to_string(),
            m.dropped_async.to_string(),
            opt_sig(m.rejection_probability, 4),
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
                opt_sig(e.mean, 4),
                opt_sig(e.ci95_half_width, 4),
                opt_sig(e.std_dev, 4),
                e.n.to_string(),
            ]);
        }
    }
    if out.functions.len() > 1 {
        for e in &out.total {
            rows.push(vec![
                "total".into(),
                e.metric.clone(),
                opt_sig(e.mean, 4),
                opt_sig(e.ci95_half_width, 4),
                opt_sig(e.std_dev, 4),
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

/// Refuses the `--from` options with a scenario file (they would otherwise be ignored).
fn check_from_options(a: &SimulateArgs, path: &std::path::Path) -> Result<(), UsageError> {
    let given = [
        (
            "--function",
            a.function.is_some(),
            "a scenario file defines its functions in [[functions]] tables",
        ),
        (
            "--traffic-scale",
            a.traffic_scale.is_some(),
            "change a file's traffic with --set, e.g. --set functions.0.arrivals.rate_per_s=75",
        ),
        (
            "--arrivals",
            a.arrivals.is_some(),
            "a file's arrival process is each function's `arrivals`; change it with --set",
        ),
        (
            "--keep-alive-s",
            a.keep_alive_s.is_some(),
            "change a file's keep-alive with --set functions.0.keep_alive.idle_timeout_s=S",
        ),
    ];
    match given.iter().find(|(_, g, _)| *g) {
        Some((flag, _, instead)) => Err(UsageError(format!(
            "{flag} goes with --from SOURCES (a scenario built from observed logs), not with the scenario file {}: {instead}",
            path.display()
        ))),
        None => Ok(()),
    }
}

pub fn run_simulate(a: SimulateArgs) -> Result<i32> {
    if let Some(p) = &a.scenario {
        check_from_options(&a, p)?;
    }
    if a.replications == 0 || a.replications > MAX_REPLICATIONS {
        return Err(UsageError(format!(
            "--replications {}: must be 1 to {MAX_REPLICATIONS}; the 95 % interval narrows with the square root of the count, so 10 to 100 are usually enough",
            a.replications
        ))
        .into());
    }
    let mut notes = Vec::new();
    let mut observed = None;
    // What errors of the simulation's own checks are prefixed with.
    let (scenario, label) = match (&a.scenario, a.from.is_empty()) {
        (Some(p), true) => (
            scenario_from_file(p, &a.set)?,
            if a.set.is_empty() {
                p.display().to_string()
            } else {
                format!("{} with --set", p.display())
            },
        ),
        (None, false) => {
            let (s, obs) = scenario_from_observed(&a, &mut notes)?;
            observed = Some(obs);
            let s: Scenario = if a.set.is_empty() {
                s
            } else {
                let mut doc = toml::Value::try_from(&s).context("scenario to TOML")?;
                for set in &a.set {
                    apply_set(&mut doc, set).map_err(UsageError)?;
                }
                doc.try_into()
                    .map_err(|e| UsageError(format!("--set gave an invalid scenario: {e}")))?
            };
            s.validate().map_err(|e| from_error(e, &a, &s))?;
            (
                s,
                format!(
                    "--from {}{}",
                    sources_label(&a.from),
                    if a.set.is_empty() { "" } else { " with --set" }
                ),
            )
        }
        _ => {
            return Err(UsageError(
                "give a SCENARIO file, or --from SOURCES --function NAME".into(),
            )
            .into())
        }
    };
    let sim_error = |e: ConfigError| UsageError(format!("{label}: {e}"));
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
        let rep = run_replications(&scenario, a.seed, a.replications).map_err(sim_error)?;
        if let Some(o) = &observed {
            notes.push(observed_note(o, None));
        }
        if a.format == Format::Json {
            text = crate::output::json_safe(
                serde_json::to_string_pretty(&rep).context("serialising")?,
            ) + "\n";
        } else {
            text.push_str(&replicated_table(&rep, a.format));
        }
    } else {
        let sim = Simulation::new(&scenario, a.seed).map_err(sim_error)?;
        let out = sim.run();
        if let Some(o) = &observed {
            notes.push(observed_note(o, out.functions.first()));
        }
        notes.extend(timeout_notes(&scenario, &out));
        notes.extend(rate_note(&scenario, &out));
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
                /// `--from`: the observed invocations, to compare with the simulated ones.
                #[serde(skip_serializing_if = "Option::is_none")]
                observed: Option<&'a Observed>,
                notes: &'a [String],
            }
            text = crate::output::json_safe(
                serde_json::to_string_pretty(&Doc {
                    simulation: &out,
                    cost: priced.as_ref(),
                    observed: observed.as_ref(),
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
    use clap::Parser;

    #[derive(Parser)]
    struct Wrap {
        #[command(flatten)]
        a: SimulateArgs,
    }

    #[test]
    fn small_ratios_keep_three_significant_digits() {
        assert_eq!(sig(0.0, 4), "0");
        assert_eq!(sig(1.0 / 89_395.0, 4), "0.0000112");
        assert_eq!(sig(3.9e-5, 4), "0.0000390");
        assert_eq!(sig(0.2113, 4), "0.2113");
        assert_eq!(sig(0.00153, 4), "0.00153");
        assert_eq!(sig(89_395.25, 4), "89395.2500");
        assert_eq!(opt_sig(None, 4), "-");
    }

    /// In --from mode, the fields the options set are named as the options, and the arrival
    /// refusal advises what --from can do (there is no duration to shorten).
    #[test]
    fn from_errors_name_the_options() {
        let a = Wrap::parse_from([
            "x",
            "--from",
            "logs",
            "--function",
            "f",
            "--traffic-scale",
            "800",
        ])
        .a;
        let mut s = crate::scenario::default_scenario("f", 128).unwrap();
        s.duration_s = 3_600.0;
        s.functions[0].arrivals = faascope_sim::ArrivalConfig::Poisson { rate_per_s: 1e6 };
        let e = s.validate().unwrap_err();
        let msg = from_error(e, &a, &s).0;
        assert!(msg.starts_with("--from logs: --traffic-scale 800 could generate up to 3.600e9 arrivals over the observed 1.0 h"), "{msg}");
        assert!(
            msg.contains("fix: lower --traffic-scale, or give --from the logs of a shorter period"),
            "{msg}"
        );
        assert!(!msg.contains("simulate less time"), "{msg}");
        let e = ConfigError::invalid(
            "functions[0].arrivals.traffic_scale",
            "must be a finite number > 0, got 0",
            "give a factor",
        );
        let msg = from_error(e, &a, &s).0;
        assert_eq!(
            msg,
            "--from logs: --traffic-scale: must be a finite number > 0, got 0; fix: give a factor"
        );
    }

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
