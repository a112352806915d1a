//! What the dashboard shows, computed once in a background job: the report, the insight
//! findings, each function's monthly cost, hourly series per function, and the records the
//! logs view queries. Plain structs; nothing here draws.

use std::collections::HashMap;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::analytics::usage::{observed_usage_in, priced_window};
use crate::analytics::Report;
use crate::cost::{
    compare_functions, project_observed, Arch, Catalog, CompareOptions, FunctionMeta, PriceBook,
    ProjectionOptions,
};
use crate::model::{ReportColumns, Tables};
use crate::query::{QueryResult, Value};
use crate::rules::Finding;

/// One function's monthly cost on demand (us-east-1, x86_64, no free tier), projected from
/// the observed window as `faascope cost` does. Exact decimals, rounded only when shown (as
/// `faascope cost` rounds them).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FunctionCost {
    pub usd_per_month: Decimal,
    pub usd_per_million: Option<Decimal>,
    /// The cheapest option's saving against on demand, per month.
    pub saving_usd_per_month: Decimal,
}

/// What the month is priced from, as `faascope cost` prices it: every function read in the
/// time window (before `--function` picks some: volume tiers are the account's, so a function
/// costs the same alone as beside the others), over the whole hours they span narrowed by
/// `--since` / `--until` (never widened).
#[derive(Debug, Clone, Default)]
pub struct PricingBasis {
    /// Every function's invocations in the time window, when `--function` left some out of
    /// the tables (`None`: the invocations shown are all there are).
    pub account: Option<ReportColumns>,
    /// `--since` / `--until` (UTC ms).
    pub window: (Option<i64>, Option<i64>),
}

/// Why a function that has invocations but none with a time gets no cost (the month is
/// projected from the hours the invocations span).
pub const UNTIMED: &str = "no invocation with a time (REPORT lines without timestamps)";

/// One hour of one function.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HourPoint {
    pub hour_ms: i64,
    pub invocations: f64,
    pub p99_ms: Option<f64>,
    pub cold_starts: f64,
    /// Mean concurrency over the hour: its busy time (duration and INIT) ÷ 1 h, as Little's
    /// law gives it.
    pub mean_concurrency: f64,
}

/// Everything the views read.
#[derive(Debug, Default)]
pub struct DashData {
    /// What was loaded, for the title bar (`sample-data/`, `3 files`, ...).
    pub source_label: String,
    pub report: Report,
    pub findings: Vec<Finding>,
    pub costs: HashMap<String, FunctionCost>,
    /// The invocations as compact columns (the simulate view replays them).
    pub cols: ReportColumns,
    /// Each function's month projected from the window, for the cost view's what-ifs.
    pub projections: Vec<crate::cost::FunctionProjection>,
    pub series: HashMap<String, Vec<HourPoint>>,
    pub tables: Tables,
    /// Each function's invocations (indices into `tables.invocations`), slowest first.
    pub invocations_by_function: HashMap<String, Vec<usize>>,
    /// X-Ray traces, slowest first.
    pub traces: Vec<crate::analytics::traces::TraceSummary>,
    /// Records skipped as malformed.
    pub skipped: u64,
    /// Why a figure is missing (no price sheet, ...), shown in the status bar.
    pub notes: Vec<String>,
    /// The newest record's time (the logs view's time ranges count back from it).
    pub newest_ms: Option<i64>,
    /// The built-in prices (`None` when they failed to load: the notes say why).
    pub book: Option<PriceBook>,
    /// Why a function has no cost (its month could not be projected), by function.
    pub cost_errors: HashMap<String, String>,
    /// The window the months are projected from (UTC ms, as `faascope cost` takes it: the
    /// hours every function read spans, narrowed by --since/--until); the simulate view's
    /// runs cover it. `None` without a timed invocation.
    pub window: Option<(i64, i64)>,
    /// What was read, and what was skipped and why.
    pub inputs: Inputs,
}

/// What the loading read: files, lines, and the records skipped with their reasons (what
/// `faascope report` prints on stderr), for the screens that have nothing else to show.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Inputs {
    pub files: usize,
    pub log_lines: u64,
    /// Records skipped, per reason, the most frequent first.
    pub skip_reasons: Vec<(String, u64)>,
    /// The first records skipped: where (`file:line`) and why.
    pub skip_examples: Vec<(String, String)>,
    /// When --function/--since/--until left no invocation of those read: what was read and
    /// which options removed it (the note `faascope report` prints).
    pub filtered_out: Option<String>,
    /// When --function/--since/--until left no trace of those read: how many were read.
    pub traces_filtered_out: Option<usize>,
    /// Files passed over on purpose (faascope's own exports, permission checks): `file (what)`.
    pub passed_over: Vec<String>,
}

impl Inputs {
    pub fn of(skips: &crate::ingest::Skips, files: usize, log_lines: u64) -> Inputs {
        let mut skip_reasons: Vec<(String, u64)> = skips
            .by_reason
            .iter()
            .map(|(r, n)| (r.clone(), *n))
            .collect();
        skip_reasons.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Inputs {
            files,
            log_lines,
            skip_reasons,
            skip_examples: skips
                .examples
                .iter()
                .map(|e| (e.source.clone(), e.reason.clone()))
                .collect(),
            filtered_out: None,
            traces_filtered_out: None,
            passed_over: skips.own_exports.clone(),
        }
    }
}

/// The hourly series query: the same language users type (see `faascope query`).
pub const SERIES_QUERY: &str = "filter @type = \"REPORT\" | stats count(*) as invocations, pct(@duration, 99) as p99, count(@initDuration) as cold, sum(@duration) as busy, sum(@initDuration) as init by function, bin(1h)";

fn series(tables: &Tables) -> Result<HashMap<String, Vec<HourPoint>>, String> {
    let q = crate::query::parse(SERIES_QUERY).map_err(|e| e.to_string())?;
    let r = crate::analytics::query::run_query(&q, tables).map_err(|e| e.to_string())?;
    let mut out: HashMap<String, Vec<HourPoint>> = HashMap::new();
    for row in &r.rows {
        let (Value::Str(f), Value::Time(t)) = (&row[0], &row[1]) else {
            continue;
        };
        out.entry(f.clone()).or_default().push(HourPoint {
            hour_ms: *t,
            invocations: row[2].as_f64().unwrap_or(0.0),
            p99_ms: row[3].as_f64(),
            cold_starts: row[4].as_f64().unwrap_or(0.0),
            mean_concurrency: (row[5].as_f64().unwrap_or(0.0) + row[6].as_f64().unwrap_or(0.0))
                / 3_600_000.0,
        });
    }
    Ok(out)
}

type Costs = (
    HashMap<String, FunctionCost>,
    Vec<crate::cost::FunctionProjection>,
    HashMap<String, String>,
);

/// The window the months are projected from: the hours the invocations of `basis` (else
/// `cols`) span, narrowed by --since / --until.
fn pricing_window(cols: &ReportColumns, basis: &PricingBasis) -> Option<(i64, i64)> {
    priced_window(
        basis.account.as_ref().unwrap_or(cols),
        basis.window.0,
        basis.window.1,
    )
}

/// Each function's month on demand, as `faascope cost` projects and prices it (see
/// [`PricingBasis`]), for the functions `shown`.
fn costs(
    cols: &ReportColumns,
    shown: &[&str],
    basis: &PricingBasis,
    book: Option<&PriceBook>,
    notes: &mut Vec<String>,
) -> Costs {
    let Some(book) = book else {
        return (HashMap::new(), Vec::new(), HashMap::new());
    };
    let all = basis.account.as_ref().unwrap_or(cols);
    // The hours every function read spans, narrowed by --since / --until.
    let window = pricing_window(cols, basis).map_or((None, None), |(s, e)| (Some(s), Some(e)));
    let usage = observed_usage_in(
        all,
        &|name, memory_mb, _| FunctionMeta::new(name, "us-east-1", Arch::X86_64, memory_mb),
        window,
    );
    let is_shown = |name: &str| shown.contains(&name);
    // A month that cannot be projected leaves the function without a cost: say why. A
    // function --function leaves out is left out of the account then (as `faascope cost`
    // does): it must not cost the others theirs.
    let mut errors = HashMap::new();
    let projections: Vec<_> = usage
        .functions
        .iter()
        .filter_map(
            |u| match project_observed(u, book, &ProjectionOptions::default()) {
                Ok(p) => Some(p),
                Err(e) => {
                    if is_shown(&u.meta.name) {
                        errors.insert(u.meta.name.clone(), e.to_string());
                    }
                    None
                }
            },
        )
        .collect();
    // Functions with invocations but none with a time have no usage at all.
    for name in shown {
        if !usage.functions.iter().any(|u| u.meta.name == *name) {
            errors.insert(name.to_string(), UNTIMED.to_string());
        }
    }
    // Functions priced from their timed invocations while others of theirs have no time: the
    // month leaves those out (as `faascope cost` notes).
    let partly: Vec<String> = usage
        .untimed_by_function
        .iter()
        .filter(|(name, _)| is_shown(name) && !errors.contains_key(name.as_str()))
        .filter(|(name, _)| usage.functions.iter().any(|u| &u.meta.name == *name))
        .map(|(name, n)| format!("{name} {n}"))
        .collect();
    if !partly.is_empty() {
        notes.push(format!(
            "invocations without a time are not priced: {}",
            partly.join(", ")
        ));
    }
    if let Some((name, why)) = errors.iter().min_by(|a, b| a.0.cmp(b.0)) {
        notes.push(format!(
            "no cost for {} of {} functions: {name}: {why}",
            errors.len(),
            shown.len()
        ));
    }
    if projections.is_empty() {
        return (HashMap::new(), projections, errors);
    }
    let comparison = match compare_functions(&projections, book, &CompareOptions::default()) {
        Ok(c) => c,
        Err(e) => {
            notes.push(format!("no costs: {e}"));
            return (HashMap::new(), projections, errors);
        }
    };
    let requests: HashMap<&str, Decimal> = projections
        .iter()
        .map(|p| (p.meta.name.as_str(), p.usage.typical.requests))
        .collect();
    let map = comparison
        .functions
        .iter()
        .filter(|f| is_shown(&f.name))
        .map(|f| {
            let usd = f.on_demand_usd.typical;
            let n = requests
                .get(f.name.as_str())
                .copied()
                .unwrap_or(Decimal::ZERO);
            (
                f.name.clone(),
                FunctionCost {
                    usd_per_month: usd,
                    usd_per_million: (n > Decimal::ZERO)
                        .then(|| usd / n * Decimal::from(1_000_000)),
                    saving_usd_per_month: f.monthly_saving_usd.typical,
                },
            )
        })
        .collect();
    (map, projections, errors)
}

impl DashData {
    /// Computes the dashboard's figures from ingested tables (every function read, no
    /// `--function` or time window).
    pub fn build(source_label: String, tables: Tables, skipped: u64) -> Result<DashData, String> {
        DashData::build_priced(source_label, tables, skipped, &PricingBasis::default())
    }

    /// [`DashData::build`] of tables a filter narrowed, the months priced from `basis`.
    pub fn build_priced(
        source_label: String,
        tables: Tables,
        skipped: u64,
        basis: &PricingBasis,
    ) -> Result<DashData, String> {
        let cols = ReportColumns::from_invocations(&tables.invocations);
        let report = crate::analytics::build_report(cols.clone()).map_err(|e| e.to_string())?;
        let findings = crate::cli::insights::findings(&report, &cols, &tables.metrics, None);
        let mut notes = Vec::new();
        // The built-in price sheets, read once for every cost and simulate job.
        let book = match Catalog::builtin() {
            Ok(c) => Some(PriceBook::new(&c)),
            Err(e) => {
                notes.push(format!("no costs: {e}"));
                None
            }
        };
        let shown: Vec<&str> = report
            .functions
            .iter()
            .map(|f| f.function.as_str())
            .collect();
        let (costs, projections, cost_errors) =
            costs(&cols, &shown, basis, book.as_ref(), &mut notes);
        let window = pricing_window(&cols, basis);
        let series = series(&tables)?;
        let mut invocations_by_function: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, r) in tables.invocations.iter().enumerate() {
            invocations_by_function
                .entry(r.function.to_string())
                .or_default()
                .push(i);
        }
        for ids in invocations_by_function.values_mut() {
            ids.sort_by(|a, b| {
                let (x, y) = (&tables.invocations[*a], &tables.invocations[*b]);
                y.duration_ms.total_cmp(&x.duration_ms).then(a.cmp(b))
            });
        }
        let newest_ms = tables
            .logs
            .iter()
            .map(|r| r.timestamp)
            .chain(tables.invocations.iter().map(|r| r.timestamp))
            .flatten()
            .max();
        let mut traces = crate::analytics::traces::summarize(&tables.spans);
        traces.sort_by(crate::analytics::traces::slowest_first);
        Ok(DashData {
            source_label,
            report,
            findings,
            costs,
            projections,
            cols,
            series,
            tables,
            invocations_by_function,
            traces,
            skipped,
            notes,
            newest_ms,
            book,
            cost_errors,
            window,
            inputs: Inputs::default(),
        })
    }

    /// The findings of one function that warn or fail (the flags).
    pub fn findings_of<'a>(&'a self, function: &'a str) -> impl Iterator<Item = &'a Finding> + 'a {
        use crate::rules::Outcome;
        self.findings.iter().filter(move |f| {
            f.function == function && matches!(f.outcome, Outcome::Warn | Outcome::Fail)
        })
    }

    /// Rules skipped for a function for want of settings, with what to set.
    pub fn skipped_of<'a>(&'a self, function: &'a str) -> impl Iterator<Item = &'a Finding> + 'a {
        self.findings
            .iter()
            .filter(move |f| f.function == function && f.outcome == crate::rules::Outcome::Skipped)
    }
}

/// The logs view's query: a full Logs Insights query, or a bare expression taken as
/// `filter EXPR`; without `fields`, `display` or `stats` of its own it shows time, function,
/// type and message.
pub fn logs_query(text: &str) -> Result<crate::query::Query, crate::query::QueryError> {
    use crate::query::CommandKind;
    let text = text.trim();
    let parsed = if text.is_empty() {
        crate::query::parse(LOGS_DISPLAY)
    } else {
        crate::query::parse(text)
            .or_else(|first| crate::query::parse(&format!("filter {text}")).map_err(|_| first))
    }?;
    let shapes = parsed.commands.iter().any(|c| {
        matches!(
            c.kind,
            CommandKind::Fields(_) | CommandKind::Display(_) | CommandKind::Stats { .. }
        )
    });
    if shapes {
        return Ok(parsed);
    }
    let mut q = parsed;
    q.commands
        .extend(crate::query::parse(LOGS_DISPLAY)?.commands);
    Ok(q)
}

const LOGS_DISPLAY: &str = "display @timestamp, function, @type, @message";

/// The logs view's level filter and time range, applied before the typed query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LogsScope {
    /// Index into [`LOG_LEVELS`] (0: every level).
    pub level: usize,
    /// Index into [`LOG_RANGES`] (0: all of it).
    pub range: usize,
}

/// The level filters `L` walks: a name and the levels it takes (upper-cased). The name lists
/// the levels a step takes as `faascope logs --level` names them (seventh-round review: "level
/// ERROR" showed FATAL lines too, where `logs --level ERROR` does not).
pub const LOG_LEVELS: &[(&str, &[&str])] = &[
    ("all levels", &[]),
    ("ERROR, FATAL", &["ERROR", "FATAL", "CRITICAL"]),
    ("WARN", &["WARN", "WARNING"]),
    ("INFO", &["INFO"]),
    ("DEBUG, TRACE", &["DEBUG", "TRACE"]),
];

/// The time ranges `T` walks, back from the newest record loaded: a name and milliseconds.
pub const LOG_RANGES: &[(&str, Option<i64>)] = &[
    ("all time", None),
    ("last 15m", Some(15 * 60_000)),
    ("last 1h", Some(3_600_000)),
    ("last 6h", Some(6 * 3_600_000)),
    ("last 24h", Some(24 * 3_600_000)),
    ("last 7d", Some(7 * 24 * 3_600_000)),
];

impl LogsScope {
    /// What the title bar says (empty when nothing narrows the view).
    pub fn label(&self) -> String {
        let mut parts = Vec::new();
        if self.level > 0 {
            parts.push(format!(
                "level {}",
                LOG_LEVELS[self.level % LOG_LEVELS.len()].0
            ));
        }
        if self.range > 0 {
            parts.push(LOG_RANGES[self.range % LOG_RANGES.len()].0.to_string());
        }
        parts.join(" · ")
    }

    /// The scope as query text (`filter …` commands), given the newest record's time.
    fn filters(&self, newest_ms: Option<i64>) -> Vec<String> {
        let mut out = Vec::new();
        let (_, levels) = LOG_LEVELS[self.level % LOG_LEVELS.len()];
        if !levels.is_empty() {
            let list: Vec<String> = levels.iter().map(|l| format!("\"{l}\"")).collect();
            out.push(format!("filter toupper(level) in [{}]", list.join(", ")));
        }
        if let (Some(span), Some(newest)) = (LOG_RANGES[self.range % LOG_RANGES.len()].1, newest_ms)
        {
            out.push(format!("filter tomillis(@timestamp) >= {}", newest - span));
        }
        out
    }
}

/// Runs the logs view's query over the loaded records.
pub fn run_logs_query(data: &DashData, text: &str) -> Result<QueryResult, String> {
    run_logs_query_scoped(data, text, LogsScope::default())
}

/// [`run_logs_query`] within a level filter and a time range.
pub fn run_logs_query_scoped(
    data: &DashData,
    text: &str,
    scope: LogsScope,
) -> Result<QueryResult, String> {
    let mut q = logs_query(text).map_err(|e| {
        let text = if text.trim().is_empty() {
            LOGS_DISPLAY
        } else {
            text
        };
        // Located as `faascope query` locates an error in the same text.
        e.render(text, "query").trim_end().to_string()
    })?;
    let scope_filters = scope.filters(data.newest_ms);
    if !scope_filters.is_empty() {
        let prefix = crate::query::parse(&scope_filters.join(" | ")).map_err(|e| e.to_string())?;
        q.commands.splice(0..0, prefix.commands);
    }
    crate::analytics::query::run_query(&q, &data.tables).map_err(|e| e.to_string())
}

/// The cost view's knobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CostKnobs {
    pub arm64: bool,
    /// Provisioned-concurrency environments to price (0: only the sizes at the observed
    /// percentiles).
    pub provisioned: u32,
    /// Memory what-if (`None`: as configured).
    pub memory_mb: Option<u32>,
}

/// The break-even chart of provisioned concurrency: for `environments` environments of
/// `memory_mb`, the month's cost of the work they could serve, at each utilisation, on demand
/// (tier-1 duration rate) and provisioned (allocation + PC duration rate). The lines cross at
/// the break-even utilisation.
#[derive(Debug, Clone, PartialEq)]
pub struct BreakEven {
    pub environments: u32,
    pub memory_mb: u32,
    /// The observed (typical-month) utilisation of those environments, 0 to 1.
    pub observed_utilization: f64,
    pub break_even_utilization: Option<f64>,
    /// (utilisation 0 to 1, on-demand $/month, provisioned $/month), utilisation in 5 % steps.
    pub points: Vec<(f64, f64, f64)>,
}

/// What the cost job answers.
#[derive(Debug, Clone, PartialEq)]
pub struct CostAnswer {
    pub comparison: crate::cost::comparisons::FunctionComparison,
    pub break_even: Option<BreakEven>,
    /// Invocation time at the what-if memory against as observed (1 without the knob).
    pub duration_factor: f64,
    /// At the what-if memory the modelled p99 exceeds the function's timeout: it would time
    /// out there, as `faascope tune` marks such a size (dash8 review: priced without a word).
    pub timeout_warning: Option<String>,
}

/// The memory sizes the memory knobs step through: AWS's usual steps and the configured size.
pub fn memory_steps(configured_mb: u32) -> Vec<u32> {
    let mut v: Vec<u32> = crate::cost::tune::DEFAULT_CANDIDATES_MB.to_vec();
    v.push(configured_mb);
    v.sort_unstable();
    v.dedup();
    v
}

/// One step of a memory knob: `None` stands for the configured size.
pub fn step_memory(current: Option<u32>, configured_mb: u32, up: bool) -> Option<u32> {
    let steps = memory_steps(configured_mb);
    let cur = current.unwrap_or(configured_mb);
    let next = if up {
        steps.iter().copied().find(|&m| m > cur)
    } else {
        steps.iter().rev().copied().find(|&m| m < cur)
    }
    .unwrap_or(cur);
    (next != configured_mb).then_some(next)
}

fn f(d: rust_decimal::Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// The cost view's what-if: one function priced with another architecture, a provisioned
/// concurrency size and a memory size (invocation time rescaled by `faascope tune`'s model,
/// fully CPU-bound and single-threaded: the conservative assumption), every option compared.
pub fn run_cost(data: &DashData, function: &str, k: CostKnobs) -> Result<CostAnswer, String> {
    let book = data
        .book
        .as_ref()
        .ok_or("no built-in price sheets (see the status line)")?;
    let observed = data
        .projections
        .iter()
        .find(|p| p.meta.name == function)
        .ok_or_else(|| match data.cost_errors.get(function) {
            Some(why) => format!("no cost for {function}: {why}"),
            None => format!("no cost projection for {function}"),
        })?;
    let rules = book.lambda_rules().map_err(|e| e.to_string())?;
    let from_mb = observed.meta.memory_mb;
    // Each invocation from the size it ran at, as the Simulate view and `simulate --set` scale
    // them (ninth-round dash review: all were scaled from the latest size).
    let rows = data
        .cols
        .names()
        .iter()
        .position(|n| &**n == function)
        .map(|id| crate::scenario::observed_rows(&data.cols, id))
        .unwrap_or_default();
    let mut ran_at: Vec<(u32, f64)> = Vec::new();
    for r in rows.iter().filter(|r| !r.timed_out) {
        match ran_at.iter_mut().find(|(mb, _)| *mb == r.memory_mb) {
            Some((_, ms)) => *ms += r.duration_ms,
            None => ran_at.push((r.memory_mb, r.duration_ms)),
        }
    }
    let mut p = match k.memory_mb {
        Some(m) => crate::cost::tune::projection_at_memory(observed, m, &ran_at, 1.0, 1, rules),
        None => observed.clone(),
    };
    let duration_factor = match k.memory_mb {
        Some(m) => crate::cost::tune::factor_from_sizes(from_mb, m, &ran_at, 1.0, 1, rules),
        None => 1.0,
    };
    p.meta.arch = if k.arm64 { Arch::Arm64 } else { Arch::X86_64 };
    let options = CompareOptions {
        provisioned: if k.provisioned > 0 {
            vec![k.provisioned]
        } else {
            Vec::new()
        },
        ..CompareOptions::default()
    };
    // Priced beside the account's other functions, as `faascope cost --function` does: the
    // account's volume tiers are shared, so a function alone could cost another rate.
    let at = data
        .projections
        .iter()
        .position(|x| x.meta.name == function)
        .ok_or_else(|| format!("no cost projection for {function}"))?;
    let mut account = data.projections.clone();
    account[at] = p.clone();
    let keep: Vec<bool> = (0..account.len()).map(|i| i == at).collect();
    let c = compare_functions(&account, book, &options)
        .map_err(|e| e.to_string())?
        .select(&keep);
    let comparison = c
        .functions
        .into_iter()
        .next()
        .ok_or_else(|| format!("no comparison for {function}"))?;
    // The chart's PC option: the knob's size, else the cheapest PC option priced; at on-demand
    // PC rates (`lambda-pc-N`, not the Savings Plan variants, whose rates differ).
    let pc = comparison
        .options
        .iter()
        .filter(|o| {
            o.id == format!(
                "lambda-pc-{}",
                o.provisioned.as_ref().map_or(0, |p| p.environments)
            )
        })
        .filter_map(|o| o.provisioned.as_ref().map(|pc| (o, pc)))
        .filter(|(_, pc)| k.provisioned == 0 || pc.environments == k.provisioned)
        .min_by(|a, b| f(a.0.monthly_usd.typical).total_cmp(&f(b.0.monthly_usd.typical)));
    let break_even = match (pc, book.lambda(&p.meta.region, p.meta.arch)) {
        (Some((_, pc)), Ok(rates)) => {
            let allocated_gb_s = f64::from(pc.environments) * f64::from(p.meta.memory_mb) / 1024.0
                * crate::cost::MS_PER_MONTH as f64
                / 1000.0;
            let (pcr, pcd) = (
                f(rates.pc_usd_per_gb_second),
                f(rates.pc_duration_usd_per_gb_second),
            );
            // On demand at the rate the engine priced the spill-over with (the function's
            // effective rate under the account's volume tiers), recovered from its break-even
            // u* = pc / (od − pcd), so the chart and the table agree; the tier-1 rate when PC
            // never breaks even.
            let od = match pc.break_even_utilization.map(f) {
                Some(u) if u > 0.0 => pcd + pcr / u,
                _ => f(rates.tier1_usd_per_gb_second()),
            };
            let points = (0..=20)
                .map(|i| {
                    let u = f64::from(i) / 20.0;
                    (u, allocated_gb_s * u * od, allocated_gb_s * (pcr + u * pcd))
                })
                .collect();
            Some(BreakEven {
                environments: pc.environments,
                memory_mb: p.meta.memory_mb,
                observed_utilization: f(pc.utilization),
                break_even_utilization: (od > pcd).then(|| pcr / (od - pcd)),
                points,
            })
        }
        _ => None,
    };
    let timeout_warning = k.memory_mb.and_then(|m| {
        let factor = |mb: u32| crate::cost::tune::duration_factor(mb, m, 1.0, 1, rules);
        timeout_warning(&rows, m, &factor)
    });
    Ok(CostAnswer {
        comparison,
        break_even,
        duration_factor,
        timeout_warning,
    })
}

/// When the p99 of a function's completed invocations, each times `factor` of the size it ran
/// at (to the what-if memory), exceeds its timeout (what its timed-out invocations ran to,
/// else Lambda's 900 s): the sentence that says so.
fn timeout_warning(
    rows: &[crate::scenario::ObservedRow],
    memory_mb: u32,
    factor: &dyn Fn(u32) -> f64,
) -> Option<String> {
    let mut completed: Vec<f64> = rows
        .iter()
        .filter(|r| !r.timed_out)
        .map(|r| r.duration_ms * factor(r.memory_mb))
        .collect();
    completed.sort_by(f64::total_cmp);
    let p99 = crate::analytics::percentile_linear(&completed, 0.99)?;
    let (timeout_s, whose) = match crate::scenario::observed_timeout_s(rows) {
        Some(t) => (t, "the function's timeout"),
        None => (
            crate::cost::tune::MAX_TIMEOUT_MS / 1000.0,
            "Lambda's maximum timeout",
        ),
    };
    // `tune` models from the size most invocations ran at, this from each invocation's own:
    // the two agree when the logs hold one size (verification of 511681d: with two, tune
    // recommended a size this said it marks "times out").
    let one_size = rows.windows(2).all(|w| w[0].memory_mb == w[1].memory_mb);
    (p99 > timeout_s * 1000.0).then(|| {
        format!(
            "at {memory_mb} MB the modelled p99 of {:.1} s exceeds {whose} of {timeout_s} s: it would time out there{}",
            p99 / 1000.0,
            if one_size {
                " (faascope tune marks the size \"times out\")"
            } else {
                " (each invocation scaled from the size it ran at, as `faascope simulate --set functions.0.memory_mb=MB` runs them)"
            }
        )
    })
}

/// The simulate view's knobs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SimKnobs {
    /// Observed traffic times this (replayed arrivals, thinned or superposed).
    pub traffic_scale: f64,
    /// Idle keep-alive of an instance, seconds.
    pub keep_alive_s: f64,
    /// Provisioned-concurrency environments.
    pub provisioned: u32,
    /// Memory what-if (`None`: as configured); durations rescale by `faascope tune`'s model.
    pub memory_mb: Option<u32>,
    /// Account concurrency limit (AWS default 1,000).
    pub concurrency_limit: u64,
    /// New environments per 10 s (AWS: 1,000).
    pub scaling_per_10s: u64,
}

impl Default for SimKnobs {
    fn default() -> SimKnobs {
        SimKnobs {
            traffic_scale: 1.0,
            keep_alive_s: 600.0,
            provisioned: 0,
            memory_mb: None,
            concurrency_limit: 1_000,
            scaling_per_10s: 1_000,
        }
    }
}

/// The seed of the simulate view: the same knobs give the same result every time.
pub const SIM_SEED: u64 = 1;

/// A simulated run with its month priced.
#[derive(Debug, Clone)]
pub struct SimRun {
    pub output: faascope_sim::SimOutput,
    /// The run scaled to a month and priced (us-east-1, x86_64); `None` without a price sheet.
    pub priced: Option<crate::scenario::PricedFunction>,
    /// Invocation time against as observed (the memory knob; 1 without it).
    pub duration_factor: f64,
    pub memory_mb: u32,
    /// The knobs it ran with.
    pub knobs: SimKnobs,
}

/// Replays one function's observed traffic through the simulator with the knobs (the scenario
/// `faascope simulate --from SOURCES --function NAME` builds, then the knobs applied) and prices
/// the month as `faascope simulate --price` does.
pub fn run_simulation(data: &DashData, function: &str, k: SimKnobs) -> Result<SimRun, String> {
    use crate::scenario::{
        observed_rows, price_simulation, replay_scenario_in, Replay, ReplayArrivals,
    };
    use faascope_sim::{Limit, ProvisionedConfig, Simulation};
    let id = data
        .cols
        .names()
        .iter()
        .position(|n| &**n == function)
        .ok_or_else(|| format!("no invocations of {function}"))?;
    let rows = observed_rows(&data.cols, id);
    // The configured size as the report (and the knob's "as configured") has it.
    let observed_mb = data
        .report
        .functions
        .iter()
        .find(|r| r.function == function)
        .and_then(|r| r.memory_size_mb)
        .or(rows.last().map(|r| r.memory_mb))
        .unwrap_or(128);
    let book = data.book.as_ref();
    let memory_mb = k.memory_mb.unwrap_or(observed_mb);
    // Each invocation from the size it ran at (logs may hold several), as `simulate --from`
    // and `ci` scale them, with the knob at "as configured" too (seventh-round review: logs
    // of a function whose size changed replayed the older size's durations unscaled there,
    // $0.06 a month where `simulate --from --price` said $0.03); the figure shown is the
    // configured size's.
    let scaled = k.memory_mb.is_some() || rows.iter().any(|r| r.memory_mb != memory_mb);
    let rules = match (scaled, book.as_ref().map(|b| b.lambda_rules())) {
        (true, Some(Ok(rules))) => Some(rules),
        (true, _) => {
            return Err(
                "scaling durations to another memory size needs the built-in price sheet's Lambda rules"
                    .into(),
            )
        }
        (false, _) => None,
    };
    let factor_of = |from_mb: u32| match rules {
        Some(rules) => crate::cost::tune::duration_factor(from_mb, memory_mb, 1.0, 1, rules),
        None => 1.0,
    };
    let duration_factor = factor_of(observed_mb);
    let mut notes = Vec::new();
    // As `faascope simulate --from ... --price`: the run covers the window the month is
    // projected from (the observed column's, `faascope cost`'s), and observed timeouts replay
    // as timeouts.
    let mut s = replay_scenario_in(
        &Replay {
            name: function,
            rows: &rows,
            memory_mb,
            keep_alive_s: k.keep_alive_s,
            duration_factor: &factor_of,
            arrivals: ReplayArrivals::Replay {
                traffic_scale: k.traffic_scale,
            },
            window: data.window,
            timeouts: true,
        },
        &mut notes,
    )?;
    s.account.concurrency_limit = Limit::Count(k.concurrency_limit);
    // A bucket a minute: the view charts cold starts over the run.
    s.resolution = faascope_sim::Resolution::Minute;
    for f in &mut s.functions {
        f.provisioned = ProvisionedConfig {
            count: k.provisioned,
            schedule: Vec::new(),
        };
        f.scaling.new_environments_per_window = Limit::Count(k.scaling_per_10s);
        f.scaling.window_s = 10.0;
    }
    let output = Simulation::new(&s, SIM_SEED)
        .map_err(|e| e.to_string())?
        .run();
    let priced = book.as_ref().and_then(|b| {
        price_simulation(
            &output,
            b,
            &|_| ("us-east-1".to_string(), Arch::X86_64),
            crate::scenario::usage_window_ms(&s, data.window),
        )
        .ok()
        .and_then(|v| v.into_iter().next())
    });
    Ok(SimRun {
        output,
        priced,
        duration_factor,
        memory_mb,
        knobs: k,
    })
}
