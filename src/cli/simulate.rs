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
use super::{
    load, report_skips, strict_exit, terminal_width, write_stdout, Filter, FilterArgs, SourceArgs,
    UsageError, EXIT_OK,
};
use crate::cost::{format_usd, PriceBook};
use crate::ingest::{IngestOptions, Ingested, InputFormat};
use crate::output::cost::render_grid;
use crate::output::{sanitize, Format};
use crate::scenario::{
    observed_rows_counted, price_simulation_with, replay_scenario_in, ObservedRow, PricedFunction,
    Replay, ReplayArrivals,
};

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
    /// With --from: only invocations at or after this time (RFC 3339, date, or relative: 90m,
    /// 2h, 7d); also the window pulled from live sources (default: the last 24 hours).
    #[arg(long, value_name = "T", requires = "from")]
    pub since: Option<String>,
    /// With --from: only invocations before this time (RFC 3339, date, or relative).
    #[arg(long, value_name = "T", requires = "from")]
    pub until: Option<String>,
    /// With --from: AWS region of cloudwatch:// and xray:// sources (default: AWS_REGION or the
    /// profile's)
    #[arg(long, value_name = "REGION", requires = "from", value_parser = crate::aws::check_region)]
    pub aws_region: Option<String>,
    /// With --from: AWS profile of live sources (default: AWS_PROFILE or `default`)
    #[arg(long, value_name = "NAME", requires = "from")]
    pub aws_profile: Option<String>,
    /// With --from: endpoint of the AWS APIs (an emulator or a VPC endpoint) for live sources
    #[arg(long, value_name = "URL", requires = "from", value_parser = crate::aws::check_endpoint_url)]
    pub endpoint_url: Option<String>,
    /// With --from: pull live sources again instead of reusing the local cache
    #[arg(long, requires = "from")]
    pub no_cache: bool,
    /// With --from: force the input format instead of detecting it per file
    #[arg(long, value_enum, requires = "from")]
    pub input_format: Option<InputFormat>,
    /// With --from: function name for records whose input does not name one (before the file
    /// stem)
    #[arg(long, value_name = "NAME", requires = "from", value_parser = super::function_name_arg)]
    pub function_name: Option<String>,
    /// Seed of every random stream (same seed, same output). JSON output writes seeds as decimal
    /// strings, which this takes back as they are (`"7"`, quotes and all, as `jq` prints one).
    #[arg(long, default_value_t = 1, value_parser = seed_arg)]
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
    /// With --from: exit with code 2 if any record was skipped as malformed (the simulation is
    /// still printed).
    #[arg(long)]
    pub strict: bool,
    /// No progress bar and no skipped-records summary on stderr (--from).
    #[arg(long, short)]
    pub quiet: bool,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// A seed as given, or as JSON output writes one (a decimal string: `jq` prints it quoted;
/// review of 2026-12-07: "takes back as they are" refused the quoted form).
fn seed_arg(arg: &str) -> Result<u64, String> {
    let digits = arg
        .trim()
        .strip_prefix('"')
        .and_then(|a| a.strip_suffix('"'))
        .unwrap_or(arg.trim());
    digits
        .parse::<u64>()
        .map_err(|e| format!("{e}: give a whole number from 0 to {}", u64::MAX))
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
                            // A name holding a `.` cannot be a path segment: its index can
                            // (review of 2026-12-07).
                            let dotted: Vec<String> = items
                                .iter()
                                .enumerate()
                                .filter_map(|(k, v)| {
                                    let n = v.get("name")?.as_str()?;
                                    n.contains('.').then(|| format!("'{n}' is {k}"))
                                })
                                .collect();
                            let hint = if dotted.is_empty() {
                                String::new()
                            } else {
                                format!(
                                    " (a name holding '.' is given by its index: {})",
                                    dotted.join(", ")
                                )
                            };
                            format!(
                                "--set '{assignment}': no element named '{seg}' in '{}'{hint}",
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
    /// The invocations replayed: those with a time.
    invocations: u64,
    cold_starts: u64,
    cold_start_ratio: Option<f64>,
    /// Invocations of the function without a time (console copies of REPORT lines): they
    /// cannot be placed on the timeline and are left out of the replay and of the figures above.
    untimed_invocations_left_out: u64,
    /// Replayed invocations that ended at the function timeout.
    timeouts: u64,
    /// The observed window the replay covers, the one `faascope cost` projects a month from.
    window_start: String,
    window_end: String,
    window_hours: f64,
}

/// A `--from` scenario and what it was built from.
struct FromObserved {
    scenario: Scenario,
    /// The memory size each replayed invocation ran at, in the order of the scenario's replay
    /// events and of its duration samples (one per invocation, cold ones too): a `--set`
    /// memory change scales each from its own size.
    event_memory_mb: Vec<u32>,
    /// Which of those timed out (in the same order): they ran to a timeout, so their
    /// durations are not scaled (a timeout that changed within the logs replays them at their
    /// observed durations, under the default timeout).
    event_timed_out: Vec<bool>,
    observed: Observed,
    /// The window the month is projected from (as `faascope cost`'s).
    window: Option<(i64, i64)>,
    /// Every function read (`--function-region` and the like may name any of them, as with
    /// `faascope cost`).
    names: Vec<String>,
    /// The most memory the function's invocations used (`Max Memory Used`) at the size the
    /// replay runs at, when the logs say.
    max_memory_used_mb: Option<u32>,
}

const DEFAULT_TRAFFIC_SCALE: f64 = 1.0;
const DEFAULT_KEEP_ALIVE_S: f64 = 600.0;
/// Largest `--traffic-scale` (the simulator's limit on copies of a replayed trace).
const MAX_TRAFFIC_SCALE: f64 = 1_000.0;

/// What `--from` reads, for the message when it finds nothing.
const FROM_READS: &str = "it reads Lambda REPORT records: text logs (START/END/REPORT lines), the JSON log format and Telemetry API (platform.report), CloudWatch Logs exports, subscription payloads and Logs Insights results (README, \"Input formats\")";

/// The time window of `--from` (`--since`, `--until`).
fn from_window(a: &SimulateArgs) -> Result<Filter> {
    Filter::from_args(&FilterArgs {
        function: None,
        since: a.since.clone(),
        until: a.until.clone(),
    })
}

/// The sources of `--from`, read as the other commands read theirs (`--strict`, `--quiet`, the
/// live-source options and the window live sources pull).
fn from_source(a: &SimulateArgs, window: &Filter) -> SourceArgs {
    SourceArgs {
        sources: a.from.clone(),
        input_format: a.input_format.unwrap_or(InputFormat::Auto),
        function_name: a.function_name.clone(),
        strict: a.strict,
        quiet: a.quiet,
        aws_region: a.aws_region.clone(),
        aws_profile: a.aws_profile.clone(),
        endpoint_url: a.endpoint_url.clone(),
        no_cache: a.no_cache,
        window: (None, None),
    }
    .with_window(window)
}

/// Checks the `--from` options and reads the sources. On an error after the sources were
/// read, the skipped-records summary is printed first (it may be why nothing was found).
fn scenario_from_observed(
    a: &SimulateArgs,
    source: &SourceArgs,
    window: &Filter,
    notes: &mut Vec<String>,
) -> Result<(FromObserved, Ingested)> {
    let traffic_scale = a.traffic_scale.unwrap_or(DEFAULT_TRAFFIC_SCALE);
    let keep_alive_s = a.keep_alive_s.unwrap_or(DEFAULT_KEEP_ALIVE_S);
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
    let mut ing = load(
        source,
        IngestOptions {
            keep_logs: false,
            keep_spans: false,
            keep_metrics: false,
            report_columns: true,
            ..IngestOptions::default()
        },
    )?;
    let mut read = None;
    if window.is_active() {
        let untimed = (0..ing.columns.len())
            .filter(|&r| ing.columns.timestamp(r).is_none())
            .count();
        notes.extend(window.untimed_note(untimed, "invocation(s)"));
        read = Some(super::ReadSpan::of_columns(&ing.columns));
        ing.columns = window.apply_columns(std::mem::take(&mut ing.columns));
    }
    // `observed_scenario` takes the columns: how many the window left, first.
    let left = ing.columns.len();
    match observed_scenario(a, &mut ing, window, traffic_scale, keep_alive_s, notes) {
        Ok(f) => Ok((f, ing)),
        Err(e) => {
            report_skips(source, &ing);
            // Say what the window left out when it may be why (`report`'s note): only when
            // it left nothing (seventh-round review: the sentence ended errors about a
            // function name when hundreds of invocations were in the window).
            match (
                read.filter(|_| left == 0)
                    .and_then(|r| r.filtered_out(window)),
                e.downcast_ref::<UsageError>(),
            ) {
                (Some(what), Some(u)) => Err(UsageError(format!("{}; {what}", u.0)).into()),
                _ => Err(e),
            }
        }
    }
}

/// What `--set` does to a replay that the run's figures alone would not say: observed
/// timeouts under a longer timeout (their work is unknown), a run past the observed window
/// (its tail has no traffic).
fn set_replay_notes(from_scenario: &Scenario, s: &Scenario) -> Vec<String> {
    let mut notes = Vec::new();
    // Observed timeouts replayed under a longer timeout: their work is unknown.
    for (was, f) in from_scenario.functions.iter().zip(&s.functions) {
        let old_us = (was.timeout_s * 1e6).round();
        if f.timeout_s <= was.timeout_s {
            continue;
        }
        // A replayed timeout runs just past the timeout (1 µs), any other at most to it; the
        // durations Poisson arrivals draw from are the same (ninth-round simulate review: a
        // Poisson run turned them into successes without this note).
        let cut = match (&f.arrivals, &f.warm) {
            (faascope_sim::workload::ArrivalConfig::Replay { events, .. }, _) => events
                .iter()
                .filter(|e| e.duration_us.is_some_and(|d| d as f64 > old_us))
                .count(),
            (
                faascope_sim::workload::ArrivalConfig::Poisson { .. },
                faascope_sim::DistConfig::Empirical { samples_ms },
            ) => samples_ms.iter().filter(|d| **d * 1000.0 > old_us).count(),
            _ => 0,
        };
        if cut > 0 {
            let how = if matches!(
                f.arrivals,
                faascope_sim::workload::ArrivalConfig::Replay { .. }
            ) {
                "they replay"
            } else {
                "the Poisson arrivals that draw their durations run"
            };
            notes.push(format!(
                "{cut} observed timeout(s) of '{}' ran the full {} s and were cut there: under timeout_s = {} {how} as {} s successes, though how much longer they would have run is unknown",
                sanitize(&f.name),
                was.timeout_s,
                f.timeout_s,
                was.timeout_s
            ));
        }
    }
    // A run past the observed window replays nothing in its tail.
    // (A warm-up set has its own note.)
    let observed_s = from_scenario.duration_s;
    let run_s = s.duration_s;
    let replayed = s.functions.iter().any(|f| {
        matches!(
            f.arrivals,
            faascope_sim::workload::ArrivalConfig::Replay { .. }
        )
    });
    if replayed && run_s > observed_s {
        notes.push(format!(
            "duration_s = {run_s} outlasts the replay of the observed window ({observed_s} s, from the first arrival): the run's last {} s have no replayed traffic, and a --price month is projected over them too (lower duration_s to {observed_s})",
            run_s - observed_s
        ));
    }
    notes
}

/// A replay whose memory `--set` changed runs its observed durations at the new size as the
/// dashboard's memory knob does (tune's vCPU model, fully CPU-bound: INIT as observed), not as
/// observed at the old one (4× the memory gave 4× the GB-s at the same durations).
fn scale_replayed_durations(
    observed: &Scenario,
    event_memory_mb: &[u32],
    event_timed_out: &[bool],
    s: &mut Scenario,
    notes: &mut Vec<String>,
) -> Result<()> {
    // Each function at the size its invocations ran at needs nothing (the common case): the
    // price sheets are read only when one does not.
    let unchanged = |was: &faascope_sim::FunctionConfig, to: u32| {
        was.memory_mb == to && event_memory_mb.iter().all(|mb| *mb == to)
    };
    if observed
        .functions
        .iter()
        .zip(&s.functions)
        .all(|(was, f)| unchanged(was, f.memory_mb))
    {
        return Ok(());
    }
    let book = PriceBook::builtin().map_err(|e| UsageError(e.to_string()))?;
    let rules = book.lambda_rules().map_err(|e| UsageError(e.to_string()))?;
    for (was, f) in observed.functions.iter().zip(s.functions.iter_mut()) {
        let to = f.memory_mb;
        if unchanged(was, to) {
            continue;
        }
        // Each invocation from the size it ran at (logs may hold several).
        let k_of = |mb: u32| crate::cost::tune::duration_factor(mb, to, 1.0, 1, rules);
        let k = k_of(was.memory_mb);
        // An observed timeout ran to the timeout and was cut there: its work is unknown, and it
        // replays as a timeout still (as in `ci`), not as a shorter success.
        let timeout_us = (was.timeout_s * 1e6).round();
        // The durations sampled for arrivals without their own (`--arrivals poisson`): one per
        // observed invocation, in the order of the replay events (ninth-round simulate review:
        // scaled by the sizes and timeouts of the warm ones only after the samples took in the
        // cold ones too, a 512 MB sample kept its duration at 1024 MB, a timeout was scaled).
        if let faascope_sim::DistConfig::Empirical { samples_ms } = &mut f.warm {
            for (i, d) in samples_ms.iter_mut().enumerate() {
                if *d * 1000.0 < timeout_us && event_timed_out.get(i) != Some(&true) {
                    *d *= event_memory_mb.get(i).map_or(k, |mb| k_of(*mb));
                }
            }
        }
        if let faascope_sim::workload::ArrivalConfig::Replay { events, .. } = &mut f.arrivals {
            for (i, e) in events.iter_mut().enumerate() {
                let ki = event_memory_mb.get(i).map_or(k, |mb| k_of(*mb));
                if event_timed_out.get(i) == Some(&true) {
                    continue;
                }
                if let Some(d) = e.duration_us.as_mut().filter(|d| (**d as f64) < timeout_us) {
                    *d = ((*d as f64) * ki).round().max(1.0) as u64;
                }
            }
        }
        const MODEL: &str = "the vCPU share of `faascope tune`, taken as fully CPU-bound, as the dashboard's memory knob; INIT and observed timeouts as observed";
        notes.push(if was.memory_mb == to {
            format!(
                "'{}' replayed at {to} MB: the invocations that ran at other sizes are scaled from theirs ({MODEL})",
                sanitize(&f.name)
            )
        } else {
            format!(
                "'{}' replayed at {to} MB from logs at {} MB: durations × {k:.3}{} ({MODEL})",
                sanitize(&f.name),
                was.memory_mb,
                if event_memory_mb.iter().any(|mb| *mb != was.memory_mb) {
                    ", each invocation from the size it ran at"
                } else {
                    ""
                }
            )
        });
    }
    Ok(())
}

/// A scenario for one function from its observed invocations.
/// What the run used after `--set` changed the scenario built from the logs (the note above
/// it describes the scenario as observed).
fn set_note(s: &Scenario) -> String {
    let f = s.functions.first();
    let keep_alive = match f.map(|f| &f.keep_alive) {
        Some(faascope_sim::policy::KeepAliveConfig::Fixed { idle_timeout_s }) => {
            format!("keep-alive {idle_timeout_s} s")
        }
        Some(_) => "the hybrid keep-alive policy".to_string(),
        None => String::new(),
    };
    // The timeout too: the observed scenario's note names the one the logs show, which a
    // --set may have changed (ninth-round simulate review).
    format!(
        "with --set, the run used: {} s after a {} s warm-up, {} MB, timeout {} s, {keep_alive}",
        s.duration_s,
        s.warmup_s,
        f.map_or(0, |f| f.memory_mb),
        f.map_or(0.0, |f| f.timeout_s)
    )
}

/// Replay events at or after the end of the run (`warmup_s + duration_s`) are not simulated:
/// a note per function says how many, so none are left out without a word.
fn replay_beyond_notes(s: &Scenario) -> Vec<String> {
    let end_us = ((s.warmup_s + s.duration_s) * 1e6).round();
    let warmup_us = (s.warmup_s * 1e6).round();
    let mut notes = Vec::new();
    for f in &s.functions {
        let faascope_sim::workload::ArrivalConfig::Replay { events, .. } = &f.arrivals else {
            continue;
        };
        let at = |e: &faascope_sim::workload::ReplayEvent| e.offset_us as f64;
        let early = events.iter().filter(|e| at(e) < warmup_us).count();
        if early > 0 {
            notes.push(format!(
                "{early} of the {} replay events of '{}' come during the warm-up (the first warmup_s = {} s): they run and warm instances, but are not in the figures (nor in a --price month), and the measured period runs past the observed traffic by as much (the replay is not shifted): lower warmup_s to count them",
                events.len(),
                sanitize(&f.name),
                s.warmup_s
            ));
        }
        let beyond = events.iter().filter(|e| at(e) >= end_us).count();
        if beyond > 0 {
            notes.push(format!(
                "{beyond} of the {} replay events of '{}' come at or after the end of the run (warmup_s + duration_s = {} s) and were not simulated; raise duration_s to include them",
                events.len(),
                sanitize(&f.name),
                s.warmup_s + s.duration_s
            ));
        }
    }
    notes
}

fn observed_scenario(
    a: &SimulateArgs,
    ing: &mut Ingested,
    from_window: &Filter,
    traffic_scale: f64,
    keep_alive_s: f64,
    notes: &mut Vec<String>,
) -> Result<FromObserved> {
    let arrivals_arg = a.arrivals.unwrap_or(ArrivalsArg::Replay);
    let cols = std::mem::take(&mut ing.columns);
    let names: Vec<String> = cols.names().iter().map(|n| n.to_string()).collect();
    let skipped = if ing.skips.is_empty() {
        String::new()
    } else {
        format!(
            " ({} record(s) were skipped as malformed{})",
            ing.skips.total,
            if a.quiet {
                ": leave out --quiet to see why"
            } else {
                ": see the summary above"
            }
        )
    };
    if names.is_empty() {
        // Live sources are pages and groups, not files.
        let read = if a.from.iter().any(|s| s.to_string_lossy().contains("://")) {
            String::new()
        } else {
            format!(" in {} file(s)", ing.files)
        };
        return Err(UsageError(format!(
            "--from {}: no Lambda invocations found{read}{skipped}; {FROM_READS}",
            sources_label(&a.from),
        ))
        .into());
    }
    let seen = || sanitize(&names.join(", "));
    let name = match &a.function {
        Some(n) => n.clone(),
        None if names.len() == 1 => names[0].clone(),
        None => {
            return Err(UsageError(format!(
                "--from holds several functions; pick one with --function NAME ({})",
                seen()
            ))
            .into())
        }
    };
    let shown = sanitize(&name);
    let Some(id) = names.iter().position(|n| *n == name) else {
        return Err(UsageError(format!(
            "no invocations of function '{shown}' in the sources; functions seen: {}",
            seen()
        ))
        .into());
    };
    let (rows, untimed) = observed_rows_counted(&cols, id);
    // The window `faascope cost` projects from: the hours every function read spans,
    // narrowed by --since / --until.
    let window =
        crate::analytics::usage::priced_window(&cols, from_window.since_ms, from_window.until_ms);
    let untimed_note = (untimed > 0).then(|| {
        format!(
            "{untimed} invocation(s) of '{shown}' had no time (console copies of REPORT lines, say) and were left out of the replay and of the observed figures"
        )
    });
    let memory_mb = rows.last().map_or(128, |r| r.memory_mb);
    let arrivals = match arrivals_arg {
        ArrivalsArg::Replay => ReplayArrivals::Replay { traffic_scale },
        ArrivalsArg::Poisson => ReplayArrivals::Poisson { traffic_scale },
    };
    let s = replay_scenario_in(
        &Replay {
            name: &name,
            rows: &rows,
            memory_mb,
            keep_alive_s,
            duration_factor: &|_| 1.0,
            arrivals,
            window,
            timeouts: true,
        },
        notes,
    )
    .map_err(|e| {
        UsageError(match &untimed_note {
            Some(n) => format!("{e} ({n})"),
            None => e,
        })
    })?;
    let cold_starts = rows.iter().filter(|r| r.init_ms.is_some()).count() as u64;
    let (start, end) = window.unwrap_or((0, 0));
    let observed = Observed {
        function: name.clone(),
        invocations: rows.len() as u64,
        cold_starts,
        cold_start_ratio: (!rows.is_empty()).then(|| cold_starts as f64 / rows.len() as f64),
        untimed_invocations_left_out: untimed,
        timeouts: rows.iter().filter(|r| r.timed_out).count() as u64,
        window_start: crate::timeparse::format_ms(start),
        window_end: crate::timeparse::format_ms(end),
        window_hours: (end - start) as f64 / 3.6e6,
    };
    notes.push(format!(
        "scenario from {} observed invocations of '{shown}' ({} arrivals) over the observed window of {}, {} to {} ({} the window `faascope cost` projects a month from), {memory_mb} MB, keep-alive {} s",
        rows.len(),
        match arrivals_arg {
            ArrivalsArg::Replay => "replayed",
            ArrivalsArg::Poisson => "Poisson",
        },
        crate::timeparse::hours_text(observed.window_hours),
        observed.window_start,
        observed.window_end,
        if from_window.is_active() {
            "the whole hours read, narrowed by --since/--until:"
        } else {
            "whole hours,"
        },
        keep_alive_s
    ));
    notes.extend(untimed_note);
    // One memory size runs the replay: say so when the observed invocations ran at others.
    let other_sizes = rows.iter().filter(|r| r.memory_mb != memory_mb).count();
    if other_sizes > 0 {
        let mut sizes: Vec<u32> = rows.iter().map(|r| r.memory_mb).collect();
        sizes.sort_unstable();
        sizes.dedup();
        let list = sizes
            .iter()
            .map(|m| format!("{m} MB"))
            .collect::<Vec<_>>()
            .join(", ");
        notes.push(format!(
            "{other_sizes} of the {} invocations of '{shown}' ran at another memory size ({list} observed); the replay runs and prices all of them at the latest, {memory_mb} MB (`faascope cost` prices each as it ran); --set functions.0.memory_mb=MB picks another",
            rows.len()
        ));
    }
    if let Some(t) = crate::scenario::observed_timeout_s(&rows) {
        notes.push(format!(
            "the replay's function timeout (timeout_s) is {t} s, the one the {} observed timeouts of '{shown}' show, and they end there{}",
            observed.timeouts,
            if REPLAY_RESETS_AFTER_TIMEOUTS {
                ", which resets their environment as on AWS (the next request on it is a cold start)"
            } else {
                ""
            }
        ));
    }
    notes.extend(restore_note(&shown, &rows));
    // At the size the replay runs at, as `report` weighs memory (`at_size`): what the
    // function used at a larger size it had before says nothing of this one.
    let max_memory_used_mb = (0..cols.len())
        .filter(|&r| cols.function_id(r) as usize == id && cols.memory_size_mb(r) == memory_mb)
        .filter_map(|r| cols.max_memory_used_mb(r))
        .max();
    Ok(FromObserved {
        max_memory_used_mb,
        window,
        scenario: s,
        event_memory_mb: rows.iter().map(|r| r.memory_mb).collect(),
        event_timed_out: rows.iter().map(|r| r.timed_out).collect(),
        observed,
        names,
    })
}

/// A SnapStart function's cold starts are restores: the simulation delays the request by the
/// whole restore and bills that time as init, while AWS bills only `Billed Restore Duration`.
/// The simulator has one init time for both (see the note's wording).
fn restore_note(shown: &str, rows: &[ObservedRow]) -> Option<String> {
    let billed: Vec<(f64, f64)> = rows
        .iter()
        .filter_map(|r| Some((r.init_ms?, r.billed_restore_ms?)))
        .collect();
    if billed.is_empty() {
        return None;
    }
    let n = billed.len() as f64;
    let restore = billed.iter().map(|b| b.0).sum::<f64>() / n;
    let charged = billed.iter().map(|b| b.1).sum::<f64>() / n;
    if charged >= restore {
        return None;
    }
    Some(format!(
        "'{shown}' is a SnapStart function: its simulated cold starts take the observed restores (mean {restore:.1} ms) before the handler, and the simulation bills that whole time as init (GB-s init, and --price), while AWS billed a mean {charged:.1} ms of them (Billed Restore Duration): the billed init is overstated (the simulator has one init time for the delay and the bill)"
    ))
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

/// The first of `sets` after which `doc` fails to read as a scenario with the error `failed`
/// (so a set that an earlier one needs to complete is not blamed for the earlier's gap).
fn culprit<'a>(doc: &toml::Value, sets: &'a [String], failed: &toml::de::Error) -> Option<&'a str> {
    let failed = failed.to_string();
    let mut d = doc.clone();
    for set in sets {
        apply_set(&mut d, set).ok()?;
        if let Err(e) = d.clone().try_into::<Scenario>() {
            if e.to_string() == failed {
                return Some(set);
            }
        }
    }
    None
}

/// A TOML type error without the key path the reader adds (it leaves array indices out: the
/// set that gave the value is named instead), and with Rust's type names said in words.
fn type_error_text(e: &toml::de::Error) -> String {
    let text = e.to_string();
    let text = text.trim_end();
    let text = match text.rfind("\nin `") {
        Some(i) if text.ends_with('`') => &text[..i],
        _ => text,
    };
    types_in_words(text)
}

/// A TOML reader's message with Rust's type names said in words (`expected a number`, not
/// `expected f64`).
fn types_in_words(text: &str) -> String {
    let mut text = text.to_string();
    for (rust, words) in [
        ("expected f64", "expected a number"),
        ("expected f32", "expected a number"),
        ("expected u64", "expected a whole number"),
        ("expected u32", "expected a whole number"),
        ("expected usize", "expected a whole number"),
        ("expected i64", "expected a whole number"),
        ("expected u8", "expected a whole number"),
    ] {
        text = text.replace(rust, words);
    }
    text
}

/// Applies `sets` to `doc`.
fn with_sets(mut doc: toml::Value, sets: &[String]) -> Result<toml::Value, UsageError> {
    for s in sets {
        apply_set(&mut doc, s).map_err(UsageError)?;
    }
    Ok(doc)
}

fn scenario_from_file(path: &PathBuf, sets: &[String]) -> Result<Scenario> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| UsageError(format!("{}: cannot read: {e}", path.display())))?;
    let invalid = |e: toml::de::Error| {
        UsageError(format!(
            "{}: not a valid scenario: {}",
            path.display(),
            types_in_words(e.to_string().trim_end())
        ))
    };
    // Straight from the text, so that an error of the file shows its line and column.
    let parsed = toml::from_str::<Scenario>(&text);
    // The sets on the file as written.
    let raw = || -> Result<Scenario, String> {
        let doc: toml::Value = toml::from_str(&text).map_err(|e| e.to_string())?;
        with_sets(doc, sets)
            .map_err(|e| e.0)?
            .try_into()
            .map_err(|e: toml::de::Error| e.to_string())
    };
    let set_error = |e: &dyn std::fmt::Display| {
        UsageError(format!(
            "{} with --set: not a valid scenario: {}",
            path.display(),
            e.to_string().trim_end()
        ))
    };
    // A type error of a value a set gave names that set: the path the TOML reader gives
    // leaves array indices out (`in functions.memory_mb` for `functions.0.memory_mb=1.5`).
    let typed_set_error = |doc: &toml::Value, e: &toml::de::Error| match culprit(doc, sets, e) {
        Some(set) => UsageError(format!(
            "{} with --set {set}: not a valid scenario: {}",
            path.display(),
            type_error_text(e)
        )),
        None => set_error(e),
    };
    let scenario: Scenario = match (&parsed, sets.is_empty()) {
        (Ok(p), true) => p.clone(),
        (Err(e), true) => return Err(invalid(e.clone()).into()),
        // The sets apply to the file with every default written out (as --from's scenario
        // is), so that a value inside a table the file leaves at its default can be set
        // (`functions.0.keep_alive.idle_timeout_s=300` on a file without `keep_alive`).
        // Switching such a table to another kind (`keep_alive.policy = "hybrid_histogram"`)
        // leaves the old kind's values behind: then the sets on the file as written are taken
        // when those make a scenario.
        (Ok(p), false) => match toml::Value::try_from(p) {
            Ok(doc) => match with_sets(doc.clone(), sets)?.try_into::<Scenario>() {
                Ok(s) => s,
                Err(e) => raw().map_err(|_| typed_set_error(&doc, &e))?,
            },
            Err(_) => raw().map_err(|e| set_error(&e))?,
        },
        // The sets may complete a file that is not a scenario by itself; if they do not, the
        // file's own error (with its line and column) is what to fix.
        (Err(e), false) => raw().map_err(|_| invalid(e.clone()))?,
    };
    // Range and consistency checks, named after the file, and after --set unless the file
    // alone fails them the same way.
    scenario.validate().map_err(|e| {
        let the_file_s = parsed.as_ref().is_ok_and(|p| {
            p.validate()
                .err()
                .is_some_and(|own| own.to_string() == e.to_string())
        });
        let place = if sets.is_empty() || the_file_s {
            match &e {
                faascope_sim::ConfigError::Invalid { path: key, .. } => {
                    crate::tomlpos::line_of_key(&text, key.as_str())
                        .map_or(String::new(), |l| format!(":{l}"))
                }
            }
        } else {
            " with --set".to_string()
        };
        UsageError(format!("{}{place}: {e}", path.display()))
    })?;
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

/// The simulated figures the notes quote: one run's, or the means over replications.
#[derive(Clone, Copy)]
enum Figures<'a> {
    One(&'a SimOutput),
    Mean(&'a ReplicatedOutput),
}

impl Figures<'_> {
    /// Function `i`'s figure `metric` (a headline name: `cold_starts`, `timeouts`, ...).
    fn function(&self, i: usize, metric: &str) -> Option<f64> {
        match self {
            Figures::One(out) => out.functions.get(i).and_then(|f| {
                f.metrics
                    .headline()
                    .into_iter()
                    .find(|(m, _)| *m == metric)
                    .and_then(|(_, v)| v)
            }),
            Figures::Mean(rep) => rep.functions.get(i).and_then(|f| {
                f.metrics
                    .iter()
                    .find(|e| e.metric == metric)
                    .and_then(|e| e.mean)
            }),
        }
    }

    fn total(&self, metric: &str) -> Option<f64> {
        match self {
            Figures::One(out) => out
                .total
                .headline()
                .into_iter()
                .find(|(m, _)| *m == metric)
                .and_then(|(_, v)| v),
            Figures::Mean(rep) => rep.total_estimate(metric).and_then(|e| e.mean),
        }
    }

    /// A count of `what`: whole in one run, the mean over replications said so.
    fn count(&self, v: f64, what: &str) -> String {
        match self {
            Figures::One(_) => format!("{v:.0} {what}"),
            Figures::Mean(rep) => format!(
                "{} {what} per run (mean of {} runs)",
                sig(v, 1),
                rep.seeds.len()
            ),
        }
    }
}

/// `--from`: the observed cold starts next to the simulated ones, so a gap is visible, and
/// what can make them differ.
fn observed_note(o: &Observed, simulated: Option<Figures<'_>>, scenario: &Scenario) -> String {
    let observed = format!(
        "observed {} cold starts in {} invocations of '{}' (P(cold) {})",
        o.cold_starts,
        o.invocations,
        sanitize(&o.function),
        opt_sig(o.cold_start_ratio, 4)
    );
    let simulated = simulated.map_or(String::new(), |f| {
        let v = |m: &str| f.function(0, m);
        let (cold, served) = (v("cold_starts").unwrap_or(0.0), v("served").unwrap_or(0.0));
        let counts = match f {
            Figures::One(_) => format!(", simulated {cold:.0} in {served:.0}"),
            Figures::Mean(rep) => format!(
                ", simulated a mean of {} in {} over {} runs",
                sig(cold, 1),
                sig(served, 1),
                rep.seeds.len()
            ),
        };
        format!(
            "{counts} (P(cold) {})",
            opt_sig(v("cold_start_probability"), 4)
        )
    });
    let timeouts = if o.timeouts > 0 && !REPLAY_RESETS_AFTER_TIMEOUTS {
        format!(
            "; {} of the observed invocations timed out, and AWS starts the next request after a timeout in a new environment (a cold start), which the replay does not do",
            o.timeouts
        )
    } else {
        String::new()
    };
    // The policy the run used (eighth-round simulate review: "one fixed idle timeout" was
    // said of a run --set had switched to the hybrid policy).
    let fixed = scenario
        .functions
        .iter()
        .all(|f| matches!(f.keep_alive, faascope_sim::KeepAliveConfig::Fixed { .. }));
    let policy = if fixed {
        "one fixed idle timeout (--keep-alive-s), while AWS's varies"
    } else {
        "the hybrid histogram policy set, not AWS's own"
    };
    format!(
        "{observed}{simulated}; the simulation's keep-alive is {policy} and AWS also recycles busy environments, so a replay's cold starts can differ from the observed ones either way{timeouts}"
    )
}

/// Whether a replayed invocation that timed out ends its environment in the simulation, as
/// AWS does (the observed timeouts then need no word in [`observed_note`]).
const REPLAY_RESETS_AFTER_TIMEOUTS: bool = true;

/// Notes for requests that reached the function timeout or an INIT over the 10 s limit.
fn timeout_notes(scenario: &Scenario, fig: Figures<'_>) -> Vec<String> {
    let mut notes = Vec::new();
    for (i, cfg) in scenario.functions.iter().enumerate() {
        let name = sanitize(&cfg.name);
        if let Some(n) = fig.function(i, "timeouts").filter(|n| *n > 0.0) {
            notes.push(format!(
                "'{name}': {} reached the {} s function timeout (timeout_s) and ended there, billed up to it",
                fig.count(n, "requests"),
                cfg.timeout_s
            ));
        }
        if let Some(n) = fig.function(i, "init_timeouts").filter(|n| *n > 0.0) {
            notes.push(format!(
                "'{name}': {} had an INIT over the 10 s on-demand limit: cut at 10 s and run again inside the invocation (init_timeouts)",
                fig.count(n, "cold starts")
            ));
        }
    }
    notes
}

/// A note when attempts were over the account's invocation request-rate quota.
fn rate_note(scenario: &Scenario, fig: Figures<'_>) -> Option<String> {
    let n = fig.total("rate_throttles").filter(|n| *n > 0.0)?;
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
        "{} were over the account's request-rate quota of {quota} per second ({source}) and were throttled (rate_throttles, part of throttles)",
        fig.count(n, "invocation attempts")
    ))
}

/// Async events still waiting for a retry at the end of the run: in no column of the table
/// (neither served, rejected nor dropped), so said, per function.
fn pending_notes(scenario: &Scenario, fig: Figures<'_>) -> Vec<String> {
    scenario
        .functions
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let n = fig.function(i, "pending_async").filter(|n| *n > 0.0)?;
            Some(format!(
                "{} of '{}' were still waiting for a retry when the run ended: neither served, nor rejected, nor dropped, and not in P(reject) or a --price month; raise duration_s to see where they end",
                fig.count(n, "async event(s)"),
                sanitize(&f.name)
            ))
        })
        .collect()
}

/// What `--price` adds to on demand beyond requests and duration, when anything.
fn price_notes(priced: &[PricedFunction]) -> Vec<String> {
    let usd = |x: f64| Decimal::from_f64(x).map(format_usd).unwrap_or_default();
    let mut notes = Vec::new();
    for p in priced {
        let mut parts = Vec::new();
        if p.ephemeral_storage_usd_per_month > 0.0 {
            parts.push(format!(
                "{} ephemeral storage above the included 512 MB",
                usd(p.ephemeral_storage_usd_per_month)
            ));
        }
        if p.snapstart_usd_per_month > 0.0 {
            parts.push(format!(
                "{} SnapStart (the cache, and every simulated cold start as a restore)",
                usd(p.snapstart_usd_per_month)
            ));
        }
        if !parts.is_empty() {
            notes.push(format!(
                "on demand $/mo of '{}' includes {}",
                sanitize(&p.function),
                parts.join(" and ")
            ));
        }
        // Each figure is rounded to the cent on its own: say so when the parts do not add up
        // to the total (seventh-round review: $41.21 + $125.69 beside $166.89).
        let parts_cents =
            ((p.on_demand_usd_per_month + p.provisioned_usd_per_month) * 100.0).round();
        if parts_cents != (p.total_usd_per_month * 100.0).round() {
            notes.push(format!(
                "the $/mo figures of '{}' are each rounded to the cent: on demand {} + provisioned {} = {}, where the total of the unrounded figures is {}",
                sanitize(&p.function),
                usd(p.on_demand_usd_per_month),
                usd(p.provisioned_usd_per_month),
                usd(parts_cents / 100.0),
                usd(p.total_usd_per_month)
            ));
        }
    }
    notes
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
/// [`crate::scenario::price_simulation_with`]) at the `--region`/`--arch` placement, with the
/// ephemeral storage and SnapStart that the options give, as `faascope cost` prices them.
fn price(out: &SimOutput, a: &SimulateArgs, usage_ms: Option<f64>) -> Result<Vec<PricedFunction>> {
    let catalog = a.place.catalog()?;
    let book = PriceBook::new(&catalog);
    let place = a.place.placement()?;
    let configure = a.place.configuration()?;
    Ok(price_simulation_with(out, &book, &place, &configure, usage_ms).map_err(UsageError)?)
}

/// The first pricing option given (at any value), which only `--price` uses.
fn pricing_option(p: &PriceArgs) -> Option<&'static str> {
    [
        ("--region", p.region.is_some()),
        ("--arch", p.arch.is_some()),
        ("--function-region", !p.function_region.is_empty()),
        ("--function-arch", !p.function_arch.is_empty()),
        ("--function-snapstart", !p.function_snapstart.is_empty()),
        ("--ephemeral-storage-mb", p.ephemeral_storage_mb.is_some()),
        ("--function-storage", !p.function_storage.is_empty()),
        ("--pricing", !p.pricing.is_empty()),
    ]
    .into_iter()
    .find(|(_, given)| *given)
    .map(|(flag, _)| flag)
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
        (
            "--strict",
            a.strict,
            "it refuses logs with malformed records, and a scenario file is checked in full anyway",
        ),
        (
            "--since/--until",
            a.since.is_some() || a.until.is_some(),
            "a file's simulated span is its `duration_s`; change it with --set duration_s=S",
        ),
        (
            "--input-format/--function-name",
            a.input_format.is_some() || a.function_name.is_some(),
            "they say how the logs of --from are read",
        ),
        (
            "--aws-region/--aws-profile/--endpoint-url/--no-cache",
            a.aws_region.is_some()
                || a.aws_profile.is_some()
                || a.endpoint_url.is_some()
                || a.no_cache,
            "they say how live sources (cloudwatch://, xray://) are read",
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

/// Runs `faascope simulate`. Function names come from logs and scenario files: every message
/// is printed without terminal control sequences.
pub fn run_simulate(a: SimulateArgs) -> Result<i32> {
    run(a).map_err(|e| match e.downcast::<UsageError>() {
        Ok(u) => UsageError(crate::output::sanitize_block(&u.0)).into(),
        Err(e) => e,
    })
}

fn run(a: SimulateArgs) -> Result<i32> {
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
    if a.price {
        // The options' own values, before anything is read or run.
        let _place = a.place.placement()?;
        let _configure = a.place.configuration()?;
    } else if let Some(flag) = pricing_option(&a.place) {
        return Err(UsageError(format!(
            "{flag} is a pricing option: add --price to price the simulated month (without it nothing is priced)"
        ))
        .into());
    }
    let mut notes = Vec::new();
    let mut observed = None;
    let mut usage_ms = None;
    let mut ingested = None;
    // One window for what live sources pull and what the records are cut to (a relative
    // `--since 2h` read twice could differ by a second).
    let window = from_window(&a)?;
    let source = from_source(&a, &window);
    // What errors of the simulation's own checks are prefixed with.
    let (scenario, label, names) = match (&a.scenario, a.from.is_empty()) {
        (Some(p), true) => {
            let s = scenario_from_file(p, &a.set)?;
            let names: Vec<String> = s.functions.iter().map(|f| f.name.clone()).collect();
            let label = if a.set.is_empty() {
                p.display().to_string()
            } else {
                format!("{} with --set", p.display())
            };
            (s, label, names)
        }
        (None, false) => {
            let (from, ing) = scenario_from_observed(&a, &source, &window, &mut notes)?;
            let FromObserved {
                scenario: from_scenario,
                event_memory_mb,
                event_timed_out,
                observed: seen,
                names: from_names,
                max_memory_used_mb,
                window: from_window_ms,
            } = from;
            observed = Some(seen);
            let label = format!(
                "--from {}{}",
                sources_label(&a.from),
                if a.set.is_empty() { "" } else { " with --set" }
            );
            let checked = (|| -> Result<Scenario> {
                let mut s = if a.set.is_empty() {
                    from_scenario.clone()
                } else {
                    let doc = toml::Value::try_from(&from_scenario).context("scenario to TOML")?;
                    let s: Scenario = with_sets(doc.clone(), &a.set)?.try_into().map_err(|e| {
                        match culprit(&doc, &a.set, &e) {
                            Some(set) => UsageError(format!(
                                "--from {} with --set {set}: not a valid scenario: {}",
                                sources_label(&a.from),
                                type_error_text(&e)
                            )),
                            None => UsageError(format!(
                                "{label}: not a valid scenario: {}",
                                e.to_string().trim_end()
                            )),
                        }
                    })?;
                    // A limit --set gives replaces the one the observed peak raised: its note
                    // goes (verification of 258a1d5: it named the raised one), the other's
                    // stays (verification of ba04336).
                    let scaling = |s: &Scenario| {
                        s.functions
                            .first()
                            .map(|f| f.scaling.new_environments_per_window)
                    };
                    if s.account.concurrency_limit != from_scenario.account.concurrency_limit {
                        notes.retain(|n| !n.contains(crate::scenario::RAISED_LIMIT_NOTE));
                    }
                    if scaling(&s) != scaling(&from_scenario) {
                        notes.retain(|n| !n.starts_with(crate::scenario::RAISED_SCALING_NOTE));
                    }
                    notes.extend(set_replay_notes(&from_scenario, &s));
                    s
                };
                // At another memory size, or logs of several sizes at the latest: each
                // invocation scaled from the size it ran at.
                scale_replayed_durations(
                    &from_scenario,
                    &event_memory_mb,
                    &event_timed_out,
                    &mut s,
                    &mut notes,
                )?;
                // A size below what the function used would not run it (as the dashboard's
                // memory knob, `ci` and `memory_near_limit` say; fifth-round simulate review:
                // `--price` showed such a size as a saving without a word).
                if let (Some(used), Some(f)) = (max_memory_used_mb, s.functions.first()) {
                    if f.memory_mb < used {
                        notes.push(format!(
                            "'{}' used up to {used} MB of memory: at {} MB it would run out of memory, so this run (and its price) is of a size that cannot serve it",
                            sanitize(&f.name),
                            f.memory_mb
                        ));
                    }
                }
                s.validate().map_err(|e| from_error(e, &a, &s))?;
                Ok(s)
            })();
            if let (Ok(s), false) = (&checked, a.set.is_empty()) {
                notes.push(set_note(s));
            }
            let s = match checked {
                Ok(s) => s,
                Err(e) => {
                    report_skips(&source, &ing);
                    return Err(e);
                }
            };
            ingested = Some(ing);
            // The run began early for invocations that started before the window: its usage
            // stands for the window, as `faascope cost` projects it (unless --set changed the
            // run's length).
            usage_ms = (s.duration_s == from_scenario.duration_s)
                .then(|| crate::scenario::usage_window_ms(&s, from_window_ms))
                .flatten();
            (s, label, from_names)
        }
        _ => {
            return Err(UsageError(
                "give a SCENARIO file, or --from SOURCES --function NAME".into(),
            )
            .into())
        }
    };
    if a.price {
        // Lambda bills each request its own duration; requests sharing an instance (Cloud Run
        // style) are billed by instance time elsewhere: the simulated GB-s are no such bill.
        if let Some(f) = scenario
            .functions
            .iter()
            .find(|f| f.concurrency_per_instance > 1)
        {
            return Err(UsageError(format!(
                "{label}: --price prices AWS Lambda, where each request has its own environment, but function '{}' has concurrency_per_instance = {} (requests share an instance, billed by instance time): drop --price, or set concurrency_per_instance = 1 to price it as Lambda; `faascope cost --provider gcp` prices Cloud Run",
                sanitize(&f.name),
                f.concurrency_per_instance
            ))
            .into());
        }
        // A misspelt name would otherwise price that function at the defaults.
        if let Err(e) = a.place.check_names(names.iter().map(|n| n.as_str())) {
            if let Some(ing) = &ingested {
                report_skips(&source, ing);
            }
            return Err(e);
        }
    }
    notes.extend(replay_beyond_notes(&scenario));
    // With --from, the fields the options set are named as the options.
    let sim_error = |e: ConfigError| {
        if a.from.is_empty() {
            // Checks the engine makes (distributions, keep-alive, arrivals) name a key path as
            // the scenario's own do: its line in the file, as for those (fifth-round simulate
            // review: nested keys had none).
            let ConfigError::Invalid { path: key, .. } = &e;
            let line = match (&a.scenario, a.set.is_empty()) {
                (Some(p), true) => std::fs::read_to_string(p)
                    .ok()
                    .and_then(|text| crate::tomlpos::line_of_key(&text, key))
                    .map_or(String::new(), |l| format!(":{l}")),
                _ => String::new(),
            };
            UsageError(format!("{label}{line}: {e}"))
        } else {
            from_error(e, &a, &scenario)
        }
    };
    let mut text = String::new();
    let header = |measured_s: f64, seeds: String| {
        format!(
            "Simulated {measured_s:.0} s after a {:.0} s warm-up, {seeds}.",
            scenario.warmup_s
        )
    };
    if a.replications > 1 {
        let rep = run_replications(&scenario, a.seed, a.replications).map_err(sim_error)?;
        let fig = Figures::Mean(&rep);
        if let Some(o) = &observed {
            notes.push(observed_note(o, Some(fig), &scenario));
        }
        notes.extend(timeout_notes(&scenario, fig));
        notes.extend(rate_note(&scenario, fig));
        notes.extend(pending_notes(&scenario, fig));
        let notes: Vec<String> = notes.iter().map(|n| sanitize(n)).collect();
        if a.format == Format::Json {
            #[derive(Serialize)]
            struct Doc<'a> {
                #[serde(flatten)]
                replications: &'a ReplicatedOutput,
                /// The scenario's periods (every run has the same).
                warmup_s: f64,
                measured_s: f64,
                /// `--from`: the observed invocations, to compare with the simulated ones.
                #[serde(skip_serializing_if = "Option::is_none")]
                observed: Option<&'a Observed>,
                notes: &'a [String],
            }
            text = crate::output::json_safe(
                serde_json::to_string_pretty(&Doc {
                    replications: &rep,
                    warmup_s: scenario.warmup_s,
                    measured_s: scenario.duration_s,
                    observed: observed.as_ref(),
                    notes: &notes,
                })
                .context("serialising")?,
            ) + "\n";
        } else {
            let seeds = match rep.seeds.as_slice() {
                [first, second, _, .., last] => format!(
                    "{} replications with seeds {first}, {second}, ..., {last} (derived from --seed {})",
                    rep.seeds.len(),
                    a.seed
                ),
                all => format!(
                    "{} replications with seeds {}",
                    all.len(),
                    all.iter()
                        .map(|s| s.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            emit_header(&mut text, &header(scenario.duration_s, seeds), a.format);
            text.push_str(&replicated_table(&rep, a.format));
        }
        finish(&mut text, &notes, a.format);
    } else {
        let sim = Simulation::new(&scenario, a.seed).map_err(sim_error)?;
        let out = sim.run();
        let fig = Figures::One(&out);
        if let Some(o) = &observed {
            notes.push(observed_note(o, Some(fig), &scenario));
        }
        notes.extend(timeout_notes(&scenario, fig));
        notes.extend(rate_note(&scenario, fig));
        notes.extend(pending_notes(&scenario, fig));
        let priced = if a.price {
            Some(price(&out, &a, usage_ms)?)
        } else {
            None
        };
        notes.extend(priced.iter().flat_map(|p| price_notes(p)));
        let notes: Vec<String> = notes.iter().map(|n| sanitize(n)).collect();
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
            emit_header(
                &mut text,
                &header(out.measured_s, format!("seed {}", out.seed)),
                a.format,
            );
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
                            sanitize(&f.function),
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
        finish(&mut text, &notes, a.format);
    }
    write_stdout(text.as_bytes())?;
    // As the other commands that read logs: the skipped records on stderr, and --strict.
    Ok(match &ingested {
        Some(ing) => {
            report_skips(&source, ing);
            let code = strict_exit(&source, ing);
            // Priced, the month leaves out invocations without a time, as `cost` does, and
            // --strict fails on it as there (xcmd2 review: exit 0 where cost exits 2).
            let untimed = observed
                .as_ref()
                .map_or(0, |o: &Observed| o.untimed_invocations_left_out);
            if code == EXIT_OK && a.price && a.strict && untimed > 0 {
                crate::diag!(
                    "error: --strict: {untimed} invocation(s) have no time and were not priced"
                );
                super::EXIT_BAD_INPUT
            } else {
                code
            }
        }
        None => EXIT_OK,
    })
}

/// The line above the table: in the text, or on stderr for CSV (which is the table alone).
fn emit_header(text: &mut String, header: &str, format: Format) {
    match format {
        Format::Json => {}
        Format::Csv => crate::diag!("{header}"),
        _ => {
            let _ = writeln!(text, "{header}");
        }
    }
}

/// The notes under the table (JSON carries them in the document; CSV's go to stderr).
fn finish(text: &mut String, notes: &[String], format: Format) {
    match format {
        Format::Json => {}
        Format::Csv => notes.iter().for_each(|n| crate::diag!("note: {n}")),
        // Names in notes are text in Markdown, not HTML.
        Format::Markdown => {
            for n in notes {
                let _ = writeln!(text, "note: {}", crate::output::md_cell(n));
            }
        }
        _ => {
            for n in notes {
                let _ = writeln!(text, "note: {n}");
            }
        }
    }
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

    /// Review of 2026-12-07: the seed as JSON output writes it (quoted, as `jq` prints it) is
    /// taken; a function whose name holds a `.` is pointed to by its index.
    #[test]
    fn quoted_seeds_and_dotted_names() {
        let w = Wrap::try_parse_from(["x", "s.toml", "--seed", "\"7\""]).expect("parses");
        assert_eq!(w.a.seed, 7);
        assert!(Wrap::try_parse_from(["x", "s.toml", "--seed", "\"-1\""]).is_err());
        let mut doc: toml::Value =
            toml::from_str("[[functions]]\nname = \"api.v2\"\nmemory_mb = 128\n").expect("toml");
        let e = apply_set(&mut doc, "functions.api.v2.memory_mb=256").unwrap_err();
        assert!(
            e.ends_with("(a name holding '.' is given by its index: 'api.v2' is 0)"),
            "{e}"
        );
        apply_set(&mut doc, "functions.0.memory_mb=256").expect("by index");
        assert_eq!(doc["functions"][0]["memory_mb"].as_integer(), Some(256));
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
