//! Command line: clap definitions, validated settings, and the commands' runs. `main.rs` maps
//! the result to an exit code.

use std::collections::{HashMap, HashSet};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::{Args, CommandFactory, Parser, Subcommand};
use regex::Regex;

mod ci;
mod cost;
mod dash;
pub(crate) mod insights;
mod logs;
mod plot;
mod query;
mod simulate;

use crate::analytics::{self, TableName};
use crate::ingest::{self, IngestOptions, Ingested, InputFormat};
use crate::model::{ReportColumns, Tables};
use crate::output::{self, Format};

/// Exit codes: 0 success, 1 a check failed, 2 bad input or usage.
pub const EXIT_OK: i32 = 0;
pub const EXIT_CHECK_FAILED: i32 = 1;
pub const EXIT_BAD_INPUT: i32 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "faascope",
    version,
    about = "Serverless (FaaS) observability and cost analysis in the terminal",
    long_about = "faascope reads AWS Lambda logs (text and JSON log format), CloudWatch Logs exports and API \
output, X-Ray traces and CloudWatch metrics, and reports per function: invocations, errors, cold starts, \
latency percentiles (warm and cold), memory and concurrency.",
    after_help = "Examples:\n  faascope report sample-data\n  faascope report sample-data --function '^orders' --format json\n  faascope export sample-data --table invocations --format ndjson \\\n      > invocations.ndjson\n  faascope traces sample-data/xray\n  faascope completions bash \\\n      > ~/.local/share/bash-completion/completions/faascope"
)]
pub struct Cli {
    /// Without a command: the interactive dashboard (`faascope dash`) over sample-data/
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// `plot`'s help of a charge only `break-even` prices (`cost-curve` is the tune curve, which
/// refuses it).
fn break_even_only(a: clap::Arg) -> clap::Arg {
    let help = a.get_help().map(|h| h.to_string()).unwrap_or_default();
    a.help(format!(
        "{} (break-even only: cost-curve, the tune curve, refuses it)",
        help.trim_end_matches('.')
    ))
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Per-function report: invocations, errors, cold starts, duration percentiles, memory, GB-s
    #[command(
        after_help = "Examples:\n  faascope report sample-data\n  faascope report sample-data --function 'api$' --sort duration_ms_p99\n  faascope report sample-data --since 2025-09-02 --until 2025-09-03 \\\n      --format markdown\n  faascope report cloudwatch:///aws/lambda/orders-* --since 2d\n  faascope report sample-data --format json \\\n      | jq '.functions[] | {function, cold_start_ratio}'\n\nTimes (--since/--until) are RFC 3339 (2025-09-02T14:00:00Z), a date, or relative to now (90m, 2h, 7d). Sort columns are the JSON/CSV column names (duration_ms_p99, cold_start_ratio, gb_seconds, ...)."
    )]
    Report(ReportArgs),
    /// Write a normalized table (invocations, logs, spans, metrics) as NDJSON, CSV or Parquet
    #[command(
        after_help = "Examples:\n  faascope export sample-data --table invocations --format ndjson \\\n      > invocations.ndjson\n  faascope export sample-data --table logs --format csv --out logs.csv\n  faascope export sample-data --table spans --format parquet \\\n      --out spans.parquet"
    )]
    Export(ExportArgs),
    /// X-Ray trace summaries (duration, cold start, errors, downstream time), or one trace as a waterfall
    #[command(
        after_help = "Examples:\n  faascope traces sample-data/xray\n  faascope traces sample-data --errors --limit 5\n  faascope traces sample-data --cold --format json\n  faascope traces sample-data/xray \\\n      --trace-id 1-68b6d99f-20586ec888ed087b3190d96b"
    )]
    Traces(TracesArgs),
    /// Log lines and REPORT lines in time order, filtered; --follow tails cloudwatch:// groups
    #[command(
        after_help = "Examples:\n  faascope logs sample-data --function orders-api --level ERROR\n  faascope logs sample-data --request-id b72b70a8-af0a-4a6a-b048-82e031615376\n  faascope logs cloudwatch:///aws/lambda/* --follow \\\n      --grep 'Task timed out|ERROR'\n  faascope logs cloudwatch:///aws/lambda/orders-api --follow --since 1h \\\n      --format json"
    )]
    Logs(logs::LogsArgs),
    /// Run a CloudWatch Logs Insights query over local files, or in Logs Insights for cloudwatch://
    #[command(
        after_help = "Examples:\n  faascope query 'filter @type = \"REPORT\"\n      | stats count(*), pct(@duration, 99) by function, bin(1h)' sample-data\n  faascope query @cold-starts-by-hour sample-data --format markdown\n  faascope query @latency-by-function cloudwatch:///aws/lambda/* --since 24h\n  faascope query 'filter @type = \"REPORT\" | stats count(*) as invocations\n      by bin(1h)' sample-data --plot invocations.svg\n  faascope query --list\n\nCommands: fields, filter, parse (glob or regex), stats (count, count_distinct, sum, avg, min, max, pct, stddev, earliest, latest; by fields and bin(period)), sort, limit, dedup, display.\n\nFunctions: ispresent, coalesce, abs, ceil, floor, greatest, least, log, sqrt, isempty, isblank, concat, ltrim, rtrim, trim, strlen, toupper, tolower, substr, replace, strcontains, bin, datefloor, dateceil, fromMillis, toMillis.\n\nFields: @timestamp, @message, @logStream, @log, @type, @requestId, @duration, @billedDuration, @memorySize and @maxMemoryUsed (bytes), @initDuration, @xrayTraceId, function, and the JSON fields of structured logs by dotted path (record.metrics.durationMs on every invocation).\n\nWith only cloudwatch:// sources the text runs in Logs Insights (--local pulls the events instead)."
    )]
    Query(query::QueryArgs),
    /// The interactive dashboard (also `faascope` with no command): functions, detail, logs
    #[command(
        after_help = "Examples:\n  faascope\n  faascope dash sample-data\n  faascope dash sample-data --function '^orders'\n  faascope dash cloudwatch:///aws/lambda/* --since 6h\n\nKeys: `:` command (:functions, :logs, :q), `/` filter (regex, `!` inverts; in logs a Logs Insights query or expression), `?` help, esc back, q quit, j/k move, enter drill down, < > sort column, r reverse."
    )]
    Dash(dash::DashArgs),
    /// Print a shell completion script
    #[command(
        after_help = "Examples:\n  faascope completions bash \\\n      > ~/.local/share/bash-completion/completions/faascope\n  faascope completions zsh > ~/.zfunc/_faascope"
    )]
    Completions { shell: clap_complete::Shell },
    /// Monthly cost per function: on demand, provisioned concurrency, Savings Plans, Fargate/EC2
    /// capacity, Azure and Google, from observed logs or a calculator spec.
    #[command(
        after_help = "Examples:\n  faascope cost sample-data\n  faascope cost sample-data --free-tier --function-arch geo-lookup=arm64 \\\n      --format markdown\n  faascope cost --requests 5000000 --duration-ms 5000 --memory-mb 128 \\\n      --free-tier --format json\n  faascope cost sample-data --provider aws --provisioned 10 --region eu-west-1\n\nObserved usage is projected to a month of 730 h; low/high come from the quietest and busiest full day. Prices come from the dated sheets in pricing/ (see `faascope pricing list`); --pricing FILE overrides them."
    )]
    Cost(cost::CostArgs),
    /// Memory right-sizing: the cost-vs-memory curve per function and the size to use.
    // tune prices compute only: the SnapStart and storage flags it shares with `cost` are
    // refused (with why) and not offered.
    #[command(
        mut_arg("function_snapstart", |a| a.hide(true)),
        mut_arg("ephemeral_storage_mb", |a| a.hide(true)),
        mut_arg("function_storage", |a| a.hide(true)),
        after_help = "Examples:\n  faascope tune sample-data\n  faascope tune sample-data --strategy balanced --curve --function thumbnailer\n\nDuration at other sizes is modelled from the vCPU share (1 vCPU at 1,769 MB and in proportion to memory above it: 5.79 at 10,240 MB, where AWS states 6), with the CPU-bound fraction calibrated when a function ran at two or more sizes, and assumed (stated) otherwise."
    )]
    Tune(cost::TuneArgs),
    /// The price sheets loaded (built in, from pricing/, plus --pricing files).
    #[command(
        subcommand,
        after_help = "Examples:\n  faascope pricing list\n  faascope pricing show aws-lambda\n  faascope pricing show aws-lambda --format json"
    )]
    Pricing(cost::PricingCommand),
    /// Deterministic simulation of FaaS scaling, cold starts and throttling (what-if questions).
    #[command(
        after_help = "Examples (from the repository's root, where simulator/scenarios/ is):\n  faascope simulate simulator/scenarios/api-basic.toml\n  faascope simulate simulator/scenarios/api-basic.toml --replications 10 \\\n      --set functions.0.keep_alive.idle_timeout_s=300\n  faascope simulate --from sample-data --function orders-api \\\n      --traffic-scale 3 --price\n  faascope simulate simulator/scenarios/diurnal-provisioned.toml \\\n      --format json > run.json\n\nThe same scenario and seed give the same output on every machine. Scenario files are documented in simulator/README.md; commented examples are in simulator/scenarios/."
    )]
    Simulate(simulate::SimulateArgs),
    /// Charts (PNG or SVG): the cost-vs-memory curve, or provisioned concurrency vs on demand.
    #[command(
        mut_arg("function_snapstart", break_even_only),
        mut_arg("ephemeral_storage_mb", break_even_only),
        mut_arg("function_storage", break_even_only),
        after_help = "Examples:\n  faascope plot cost-curve sample-data --function legacy-thumbnailer \\\n      --out thumbnailer.svg\n  faascope plot break-even sample-data --function '^orders-api$' \\\n      --out orders-pc.png\n\nThe font is built in, so charts render the same on any machine. Existing files are kept unless --force."
    )]
    Plot(plot::PlotArgs),
    /// Cost-regression gate for CI: write a baseline, then check a change against it.
    #[command(
        subcommand,
        after_help = "Examples (from the repository's root, with its example project):\n  faascope ci baseline --config docs/ci/example/faascope.toml \\\n      --out cost-baseline.json\n  faascope ci check --config docs/ci/example/faascope.toml \\\n      --baseline cost-baseline.json --max-increase-pct 10 --format markdown\n\nThe project file (functions, traffic from logs or explicit, SAM/Serverless files, thresholds, rules) is documented in docs/ci/README.md; without --config, ./faascope.toml is read."
    )]
    Ci(ci::CiCommand),
}

/// Where to read from and how.
#[derive(Args, Debug, Clone, Default)]
pub struct SourceArgs {
    /// Files or directories (read recursively; .gz and zlib detected by content), or live AWS
    /// sources: cloudwatch://LOG_GROUP such as cloudwatch:///aws/lambda/* (`*` allowed), xray://
    /// (traces), metrics://[PATTERN]
    /// (AWS/Lambda metrics)
    #[arg(value_name = "SOURCES")]
    pub sources: Vec<PathBuf>,
    /// Force the input format instead of detecting it per file
    #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
    pub input_format: InputFormat,
    /// Function name for records whose input does not name one (before the file stem)
    #[arg(long, value_name = "NAME", value_parser = function_name_arg)]
    pub function_name: Option<String>,
    /// Exit with code 2 if any record was skipped as malformed (export then writes nothing)
    #[arg(long)]
    pub strict: bool,
    /// No progress bar and no skipped-records summary on stderr
    #[arg(long, short)]
    pub quiet: bool,
    /// AWS region of cloudwatch:// sources (default: AWS_REGION or the profile's)
    #[arg(long, value_name = "REGION", value_parser = crate::aws::check_region)]
    pub aws_region: Option<String>,
    /// AWS profile of cloudwatch:// sources (default: AWS_PROFILE or `default`)
    #[arg(long, value_name = "NAME")]
    pub aws_profile: Option<String>,
    /// Endpoint of the AWS APIs (an emulator or a VPC endpoint) for cloudwatch:// sources
    #[arg(long, value_name = "URL", value_parser = crate::aws::check_endpoint_url)]
    pub endpoint_url: Option<String>,
    /// Pull cloudwatch:// events again instead of reusing the local cache of settled time
    #[arg(long)]
    pub no_cache: bool,
    /// The time window of live sources, from --since/--until (set by the command).
    #[arg(skip)]
    pub window: (Option<i64>, Option<i64>),
}

impl SourceArgs {
    /// These sources with the filter's time window (what live sources pull).
    pub fn with_window(&self, filter: &Filter) -> SourceArgs {
        SourceArgs {
            window: (filter.since_ms, filter.until_ms),
            ..self.clone()
        }
    }

    /// The window of live sources: `--since`/`--until`, by default the last 24 hours.
    pub fn live_window(&self) -> (i64, i64) {
        // By default up to the next whole second (a remote query's window is then exact).
        let now = chrono::Utc::now().timestamp_millis();
        let end = self.window.1.unwrap_or((now.div_euclid(1000) + 1) * 1000);
        let start = self.window.0.unwrap_or(end - crate::aws::DEFAULT_WINDOW_MS);
        (start, end)
    }

    pub fn aws_options(&self) -> crate::aws::AwsOptions {
        crate::aws::AwsOptions {
            region: self.aws_region.clone(),
            profile: self.aws_profile.clone(),
            endpoint_url: self.endpoint_url.clone(),
            cache: !self.no_cache,
        }
    }

    /// The log group patterns when every source is `cloudwatch://`.
    fn only_cloudwatch(&self) -> Option<Vec<String>> {
        let mut out = Vec::new();
        for s in &self.sources {
            match crate::aws::SourceUri::parse(&s.to_string_lossy()) {
                Some(Ok(crate::aws::SourceUri::CloudWatch { pattern })) => out.push(pattern),
                _ => return None,
            }
        }
        (!out.is_empty()).then_some(out)
    }
}

/// Which records to keep.
#[derive(Args, Debug, Clone, Default)]
pub struct FilterArgs {
    /// Only functions whose name matches this regular expression
    #[arg(long, value_name = "REGEX")]
    pub function: Option<String>,
    /// Only records at or after this time (RFC 3339, date, or relative: 90m, 2h, 7d)
    #[arg(long, value_name = "T")]
    pub since: Option<String>,
    /// Only records before this time (RFC 3339, date, or relative)
    #[arg(long, value_name = "T")]
    pub until: Option<String>,
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Sort by this column (numbers largest first); default: function name
    #[arg(long, value_name = "COL")]
    pub sort: Option<String>,
    /// Also evaluate the insight rules (error and cold-start ratios, memory, timeout, provisioned
    /// concurrency, throttles); exit 1 if a rule set to severity "fail" fires
    #[arg(long)]
    pub rules: bool,
    /// Project file giving timeouts, provisioned concurrency and rule settings (with --rules)
    #[arg(long, value_name = "FILE", requires = "rules")]
    pub config: Option<PathBuf>,
    /// With only cloudwatch:// sources: let CloudWatch Logs Insights aggregate the REPORT lines
    /// server-side (auto: when the groups store more than 1 GiB; Insights bills per GB scanned)
    #[arg(long, value_enum, default_value_t = crate::aws::insights::PushDown::Auto)]
    pub push_down: crate::aws::insights::PushDown,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Ndjson,
    Csv,
    Parquet,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[arg(long, value_enum)]
    pub table: TableName,
    /// Output format [default: the one --out's extension names (.ndjson, .jsonl, .csv,
    /// .parquet), else ndjson]
    #[arg(long, value_enum)]
    pub format: Option<ExportFormat>,
    /// Output file (written atomically); default (or `-`) stdout for ndjson and csv
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// Replace --out if it exists
    #[arg(long)]
    pub force: bool,
}

#[derive(Args, Debug)]
pub struct TracesArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Show this one trace as a waterfall
    #[arg(long, value_name = "ID")]
    pub trace_id: Option<String>,
    /// Only traces with a cold start
    #[arg(long)]
    pub cold: bool,
    /// Only traces with an error, fault or throttle
    #[arg(long)]
    pub errors: bool,
    /// Order: slowest first (default) or by start time
    #[arg(long, value_enum, default_value_t = TraceOrder::Slowest)]
    pub order: TraceOrder,
    /// At most this many traces (0: all)
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TraceOrder {
    Slowest,
    Start,
}

/// An error that means "bad input or usage" (exit 2) rather than an internal failure.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Runs the command; returns the exit code.
pub fn run(cli: Cli) -> Result<i32> {
    let Some(command) = cli.command else {
        return dash::run(dash::DashArgs::default());
    };
    match command {
        Command::Dash(a) => dash::run(a),
        Command::Report(a) => run_report(a),
        Command::Export(a) => {
            set_skip_lister(match a.table {
                TableName::Logs => output::report::SkipLister::Query,
                TableName::Spans => output::report::SkipLister::Traces,
                TableName::Invocations | TableName::Metrics => output::report::SkipLister::Report,
            });
            run_export(a)
        }
        Command::Traces(a) => {
            set_skip_lister(output::report::SkipLister::Traces);
            run_traces(a)
        }
        Command::Logs(a) => {
            set_skip_lister(output::report::SkipLister::Query);
            logs::run(a)
        }
        Command::Query(a) => {
            set_skip_lister(output::report::SkipLister::Query);
            query::run(a)
        }
        Command::Cost(a) => cost::run_cost(a),
        Command::Tune(a) => cost::run_tune(a),
        Command::Pricing(c) => cost::run_pricing(c),
        Command::Simulate(a) => simulate::run_simulate(a),
        Command::Plot(a) => plot::run_plot(a),
        Command::Ci(c) => ci::run_ci(c),
        Command::Completions { shell } => {
            let mut cmd = Cli::command();
            clap_complete::generate(shell, &mut cmd, "faascope", &mut std::io::stdout());
            Ok(EXIT_OK)
        }
    }
}

/// Validated record filters.
#[derive(Clone)]
pub struct Filter {
    function: Option<Regex>,
    pub since_ms: Option<i64>,
    pub until_ms: Option<i64>,
}

impl Filter {
    pub fn from_args(a: &FilterArgs) -> Result<Filter> {
        // Whole seconds: a relative time (`--since 24h`) has no use for the milliseconds, and
        // Logs Insights (remote queries) takes whole seconds, so such a window is exact there.
        let now = chrono::Utc::now().timestamp_millis().div_euclid(1000) * 1000;
        let function = match &a.function {
            Some(re) => Some(Regex::new(re).map_err(|e| {
                UsageError(format!(
                    "--function '{re}' is not a valid regular expression: {e}"
                ))
            })?),
            None => None,
        };
        let t = |s: &Option<String>, flag: &str| -> Result<Option<i64>> {
            match s {
                Some(s) => Ok(Some(
                    crate::timeparse::parse_time_arg(s, now)
                        .map_err(|e| UsageError(format!("{flag}: {e}")))?,
                )),
                None => Ok(None),
            }
        };
        let since_ms = t(&a.since, "--since")?;
        let until_ms = t(&a.until, "--until")?;
        if let (Some(s), Some(u)) = (since_ms, until_ms) {
            if s >= u {
                return Err(UsageError("--since must be before --until".into()).into());
            }
        }
        Ok(Filter {
            function,
            since_ms,
            until_ms,
        })
    }

    /// Whether any of --function/--since/--until was given.
    pub fn is_active(&self) -> bool {
        self.function.is_some() || self.since_ms.is_some() || self.until_ms.is_some()
    }

    /// The options given, with their times resolved: `--since 2025-09-01T00:00:00Z`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(re) = &self.function {
            parts.push(format!("--function '{}'", re.as_str()));
        }
        if let Some(ms) = self.since_ms {
            parts.push(format!("--since {}", utc_bound(ms)));
        }
        if let Some(ms) = self.until_ms {
            parts.push(format!("--until {}", utc_bound(ms)));
        }
        output::sanitize(&parts.join(" "))
    }

    fn keep(&self, function: &str, ts: Option<i64>) -> bool {
        self.keep_function(function) && self.keep_time(ts)
    }

    fn keep_function(&self, function: &str) -> bool {
        self.function
            .as_ref()
            .is_none_or(|re| re.is_match(function))
    }

    fn keep_time(&self, ts: Option<i64>) -> bool {
        if self.since_ms.is_none() && self.until_ms.is_none() {
            return true;
        }
        let Some(ts) = ts else { return false };
        self.since_ms.is_none_or(|s| ts >= s) && self.until_ms.is_none_or(|u| ts < u)
    }

    /// The note for records a time window leaves out because they have no time (console
    /// copies of log lines): `untimed` counts those of the functions kept.
    pub(crate) fn untimed_note(&self, untimed: usize, what: &str) -> Option<String> {
        (untimed > 0)
            .then(|| format!("{untimed} {what}"))
            .and_then(|counted| self.untimed_sentence(&counted))
    }

    /// [`Self::untimed_note`] of records already counted in words (`2 invocation(s) and 1 log
    /// line(s)`); `None` without a time window.
    pub(crate) fn untimed_sentence(&self, counted: &str) -> Option<String> {
        (self.since_ms.is_some() || self.until_ms.is_some()).then(|| {
            format!(
                "{counted} have no time (lines without timestamps) and are left out by --since/--until"
            )
        })
    }

    /// With --function, each trace's cold start and INIT are those of the functions asked for
    /// (not cold, no INIT, when they did not start cold in it), not another function's.
    pub(crate) fn inits_of_functions(&self, list: &mut [crate::analytics::traces::TraceSummary]) {
        let Some(re) = &self.function else { return };
        for t in list {
            if t.cold_start == Some(true) {
                t.cold_start = Some(t.cold_functions.iter().any(|f| re.is_match(f)));
            }
            t.init_ms = t
                .inits
                .iter()
                .filter(|(f, _)| re.is_match(f))
                .map(|(_, ms)| *ms)
                .max_by(f64::total_cmp);
        }
    }

    /// How many of the rows `(function, time)` have no time and a function kept.
    pub(crate) fn untimed<'a>(&self, rows: impl Iterator<Item = (&'a str, Option<i64>)>) -> usize {
        rows.filter(|&(f, ts)| ts.is_none() && self.keep_function(f))
            .count()
    }

    /// [`Self::untimed`] of the log records (full or thin) and invocations (rows or columns) the
    /// tables and columns hold: the records `logs` and `query` read.
    pub(crate) fn untimed_records(&self, t: &Tables, columns: &ReportColumns) -> usize {
        self.untimed(record_times(t, columns))
    }

    /// Applies the filter to compact invocation columns.
    pub fn apply_columns(&self, mut c: ReportColumns) -> ReportColumns {
        if self.function.is_some() || self.since_ms.is_some() || self.until_ms.is_some() {
            c.retain(|f| self.keep_function(f), |ts| self.keep_time(ts));
        }
        c
    }

    /// Keeps whole traces: those that start (their earliest span) in the time window and have
    /// a segment of a selected function. A trace cut at the window's edge or to one function's
    /// segments would lose its root, its cold start or its callers.
    fn apply_spans(&self, spans: &mut Vec<crate::model::Span>) {
        if self.function.is_none() && self.since_ms.is_none() && self.until_ms.is_none() {
            return;
        }
        // (start of its segments and subsegments, start of its GetTraceSummaries rows, a
        // function kept takes part): a trace starts where its spans do, as `traces` shows it;
        // the summary rows' start (often only the id's whole second) when it has no spans.
        let mut traces: HashMap<&str, (f64, f64, bool)> = HashMap::new();
        for s in spans.iter() {
            let e =
                traces
                    .entry(s.trace_id.as_str())
                    .or_insert((f64::INFINITY, f64::INFINITY, false));
            if s.span_kind == crate::model::SpanKind::TraceSummary {
                e.1 = e.1.min(s.start_ms);
            } else {
                e.0 = e.0.min(s.start_ms);
            }
            // A Lambda function takes part through its own segments.
            e.2 |= s.is_function_segment() && self.keep_function(&s.function);
        }
        let kept: HashSet<String> = traces
            .into_iter()
            .filter(|(_, (spans_start, summary_start, function))| {
                let start_ms = if spans_start.is_finite() {
                    *spans_start
                } else {
                    *summary_start
                };
                *function && self.keep_time(Some(start_ms as i64))
            })
            .map(|(id, _)| id.to_owned())
            .collect();
        spans.retain(|s| kept.contains(&s.trace_id));
    }

    /// Applies the filter to every table.
    pub fn apply(&self, t: &mut Tables) {
        t.invocations
            .retain(|r| self.keep(&r.function, r.timestamp));
        t.logs.retain(|r| self.keep(&r.function, r.timestamp));
        t.thin_logs
            .retain(|f| self.keep_function(f), |ts| self.keep_time(ts));
        self.apply_spans(&mut t.spans);
        t.metrics
            .retain(|r| self.keep(&r.function, Some(r.timestamp)));
    }
}

/// An epoch-millisecond time as RFC 3339 UTC to the second (the time itself when out of range).
fn utc_seconds(ms: i64) -> String {
    utc_in(ms, chrono::SecondsFormat::Secs)
}

/// A --since/--until as given: to the millisecond when it has some (tenth-round cost review:
/// `--since 10:01:59.500Z` read `10:01:59Z` in a note saying nothing matched, where that
/// matched).
fn utc_bound(ms: i64) -> String {
    match ms.rem_euclid(1000) {
        0 => utc_seconds(ms),
        _ => utc_in(ms, chrono::SecondsFormat::Millis),
    }
}

fn utc_in(ms: i64, unit: chrono::SecondsFormat) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map_or_else(|| ms.to_string(), |t| t.to_rfc3339_opts(unit, true))
}

/// What the inputs held before a filter: rows, their time span and functions.
pub(crate) struct ReadSpan {
    rows: usize,
    first_ms: Option<i64>,
    last_ms: Option<i64>,
    /// The functions' names, sorted.
    functions: Vec<String>,
}

/// `(function, time)` of the records `logs` and `query` read: log records (full or thin) and
/// invocations (rows or compact columns).
fn record_times<'a>(
    t: &'a Tables,
    c: &'a ReportColumns,
) -> impl Iterator<Item = (&'a str, Option<i64>)> + 'a {
    t.logs
        .iter()
        .map(|r| (&*r.function, r.timestamp))
        .chain(
            (0..t.thin_logs.len()).map(|r| (&**t.thin_logs.function(r), t.thin_logs.timestamp(r))),
        )
        .chain(t.invocations.iter().map(|r| (&*r.function, r.timestamp)))
        .chain((0..c.len()).map(|r| (&**c.function(r), c.timestamp(r))))
}

impl ReadSpan {
    /// Of the rows' `(function, time)`.
    fn of<'a>(rows: impl Iterator<Item = (&'a str, Option<i64>)>) -> ReadSpan {
        let mut n = 0;
        let mut first_ms: Option<i64> = None;
        let mut last_ms: Option<i64> = None;
        let mut functions = std::collections::BTreeSet::new();
        for (function, ts) in rows {
            n += 1;
            if let Some(ts) = ts {
                first_ms = Some(first_ms.map_or(ts, |f| f.min(ts)));
                last_ms = Some(last_ms.map_or(ts, |l| l.max(ts)));
            }
            // A row of no function (a downstream service's span) counts, unnamed.
            if !function.is_empty() {
                functions.insert(function);
            }
        }
        ReadSpan {
            rows: n,
            first_ms,
            last_ms,
            functions: functions.into_iter().map(String::from).collect(),
        }
    }

    pub(crate) fn of_columns(c: &ReportColumns) -> ReadSpan {
        ReadSpan::of((0..c.len()).map(|row| (&**c.function(row), c.timestamp(row))))
    }

    pub(crate) fn of_invocations(rows: &[crate::model::Invocation]) -> ReadSpan {
        ReadSpan::of(rows.iter().map(|r| (&*r.function, r.timestamp)))
    }

    /// The note when `filter` left nothing of what was read; `None` when nothing was read.
    pub(crate) fn filtered_out(&self, filter: &Filter) -> Option<String> {
        self.filtered_out_of(filter, "invocation(s)")
    }

    /// What was read of the records `query` and `logs` read: log records (full or thin) and
    /// invocations (rows or columns).
    pub(crate) fn of_records(t: &Tables, c: &ReportColumns) -> ReadSpan {
        ReadSpan::of(record_times(t, c))
    }

    /// [`Self::filtered_out`] of rows that are `what` (`"log record(s)"`).
    pub(crate) fn filtered_out_of(&self, filter: &Filter, what: &str) -> Option<String> {
        (self.rows > 0).then(|| {
            format!(
                "none of the {} {what} read ({}) matched {}",
                self.rows,
                self.describe(),
                filter.describe()
            )
        })
    }

    /// What was read of one table, before the filter.
    fn of_table(t: &Tables, which: TableName) -> ReadSpan {
        match which {
            TableName::Invocations => ReadSpan::of_invocations(&t.invocations),
            TableName::Logs => ReadSpan::of(t.logs.iter().map(|r| (&*r.function, r.timestamp))),
            // Whole milliseconds are enough to say when the spans were.
            // Of the spans, the functions' own segments name functions (seventh-round
            // verification: `orders.example.com` and `DynamoDB` were listed as functions).
            TableName::Spans => ReadSpan::of(t.spans.iter().map(|s| {
                let function = if s.is_function_segment() {
                    &*s.function
                } else {
                    ""
                };
                (function, Some(s.start_ms.floor() as i64))
            })),
            TableName::Metrics => {
                ReadSpan::of(t.metrics.iter().map(|m| (&*m.function, Some(m.timestamp))))
            }
        }
    }

    fn describe(&self) -> String {
        let span = match (self.first_ms, self.last_ms) {
            (Some(f), Some(l)) => format!("{} to {}, ", utc_seconds(f), utc_seconds(l)),
            _ => String::new(),
        };
        const SHOWN: usize = 8;
        let mut names = self.functions[..self.functions.len().min(SHOWN)].join(", ");
        if self.functions.len() > SHOWN {
            names.push_str(&format!(", and {} more", self.functions.len() - SHOWN));
        }
        output::sanitize(&format!(
            "{span}{} function(s): {names}",
            self.functions.len()
        ))
    }
}

/// Reads the sources with a progress bar when stderr is a terminal and the input is large.
pub fn load(src: &SourceArgs, keep: IngestOptions) -> Result<Ingested> {
    load_with_progress(src, keep, None)
}

/// [`load`], also telling `progress` (the dashboard's loading screen) the inputs' size and the
/// bytes read as they are.
pub fn load_with_progress(
    src: &SourceArgs,
    keep: IngestOptions,
    progress: Option<&crate::tui::LoadProgress>,
) -> Result<Ingested> {
    let opts = IngestOptions {
        input_format: src.input_format,
        function_name: src.function_name.clone(),
        ..keep
    };
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut uris: Vec<crate::aws::SourceUri> = Vec::new();
    for s in &src.sources {
        match crate::aws::SourceUri::parse(&s.to_string_lossy()) {
            Some(u) => uris.push(u.map_err(|e| UsageError(e.to_string()))?),
            None => paths.push(s.clone()),
        }
    }
    let fetched = if uris.is_empty() {
        crate::aws::Fetched::default()
    } else {
        let (start, end) = src.live_window();
        let opts = src.aws_options();
        // Log groups from a little before --since, so an invocation keeps the status its
        // earlier lines give (as a file's does); every command drops the records before
        // --since with its `Filter`. Without --since nothing would drop them: the default
        // window is pulled as it is.
        let margin = match src.window.0 {
            Some(_) => crate::aws::STATUS_MARGIN_MS,
            None => 0,
        };
        let fetched = crate::aws::fetch(&uris, &opts, start, end, margin)
            .map_err(|e| UsageError(e.to_string()))?;
        if let Some(w) =
            crate::aws::cache::write_failure().filter(|_| !src.quiet && progress.is_none())
        {
            crate::diag!("warning: {w}");
        }
        fetched
    };
    let files = if paths.is_empty() && !uris.is_empty() {
        Vec::new()
    } else {
        ingest::expand_paths(&paths).map_err(|e| match e {
            ingest::IngestError::NoInputs => UsageError(format!(
                "no input files: give files or directories to read (e.g. `{}`)",
                no_inputs_example(std::env::args().nth(1).as_deref())
            )),
            other => UsageError(other.to_string()),
        })?
    };
    let total: u64 = files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    let bar = (!src.quiet && std::io::stderr().is_terminal() && total > 8 << 20).then(|| {
        let b = indicatif::ProgressBar::new(total);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} reading {bytes}/{total_bytes} ({bytes_per_sec}) {wide_bar} {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    if let Some(p) = progress {
        p.set_total(files.len() as u64, total);
    }
    let cb = |n: u64| {
        if let Some(b) = &bar {
            b.inc(n);
        }
        if let Some(p) = progress {
            p.read(n);
        }
    };
    let mut result = ingest::ingest_inputs(&paths, fetched.inputs, &opts, Some(&cb));
    if let Ok(ing) = &mut result {
        ing.skips.deleted_groups = fetched.deleted_groups;
    }
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    result.map_err(|e| match e {
        ingest::IngestError::NotFound { .. } | ingest::IngestError::NoInputs => {
            UsageError(e.to_string()).into()
        }
        other => anyhow::Error::new(other),
    })
}

/// An example of the command that was run, reading sample-data, for the no-inputs error.
fn no_inputs_example(command: Option<&str>) -> &'static str {
    match command {
        Some("export") => "faascope export sample-data --table invocations --format csv",
        Some("traces") => "faascope traces sample-data/xray",
        Some("logs") => "faascope logs sample-data --level ERROR",
        Some("query") => "faascope query @cold-starts-by-hour sample-data",
        Some("cost") => "faascope cost sample-data",
        Some("tune") => "faascope tune sample-data",
        Some("plot") => "faascope plot cost-curve sample-data --out curve.svg",
        _ => "faascope report sample-data",
    }
}

/// The command whose JSON lists this run's skipped records (set once by the commands that
/// read otherwise than `report`).
static SKIP_LISTER: std::sync::OnceLock<output::report::SkipLister> = std::sync::OnceLock::new();

fn set_skip_lister(lister: output::report::SkipLister) {
    let _ = SKIP_LISTER.set(lister);
}

fn report_skips(src: &SourceArgs, ing: &Ingested) {
    if !src.quiet
        && (!ing.skips.is_empty()
            || ing.skips.replaced_utf8 > 0
            || ing.skips.impossible_times > 0
            || !ing.skips.own_exports.is_empty()
            || !ing.skips.partial_traces.is_empty()
            || !ing.skips.unprocessed_traces.is_empty()
            || !ing.skips.init_failures.is_empty()
            || !ing.skips.unreported_failures.is_empty()
            || !ing.skips.deleted_groups.is_empty())
    {
        let lister = SKIP_LISTER.get().copied().unwrap_or_default();
        let summary = output::report::skipped_summary_listed(&ing.skips, 5, lister);
        crate::diag!("{}", summary.trim_end_matches('\n'));
    }
    if !src.quiet && ing.duplicates > 0 {
        crate::diag!(
            "note: {} invocation report(s) were read more than once (overlapping inputs, or one report in two forms: a text REPORT beside its platform.report, an extension's printed copy) and counted once",
            ing.duplicates
        );
    }
    if !src.quiet && ing.span_duplicates > 0 {
        crate::diag!(
            "note: {} X-Ray span(s) (segments and their subsegments) were read more than once (overlapping inputs, or in progress then completed) and kept once",
            ing.span_duplicates
        );
    }
    if !src.quiet && ing.metric_duplicates > 0 {
        crate::diag!(
            "note: {} metric point(s) were read more than once (overlapping pages or inputs) and kept once",
            ing.metric_duplicates
        );
    }
}

fn strict_exit(src: &SourceArgs, ing: &Ingested) -> i32 {
    if src.strict && !ing.skips.is_empty() {
        crate::diag!(
            "error: --strict: {} record(s) were skipped as malformed",
            ing.skips.total
        );
        EXIT_BAD_INPUT
    } else {
        EXIT_OK
    }
}

fn terminal_width() -> Option<u16> {
    if std::io::stdout().is_terminal() {
        std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse().ok())
            .or(Some(160))
    } else {
        None
    }
}

/// Whether `report` pulls the events after the push-down failed with `e` (`Some`, with the
/// note to give, if any) or fails. `auto` only picks the cheaper way: with the endpoint
/// refusing connections the pull runs, which serves a window the cache holds (and names the
/// endpoint when it does not); not after a silent endpoint has used up a call's time limit
/// (the pull would wait as long again before saying the same). Nor when the credentials may
/// not run Logs Insights queries (seventh-round review: a policy without `logs:StartQuery`
/// failed a report the pull serves, once the groups grew past 1 GiB).
fn pull_after(
    e: &crate::aws::AwsError,
    mode: crate::aws::insights::PushDown,
) -> Option<Option<String>> {
    use crate::aws::AwsError;
    if mode != crate::aws::insights::PushDown::Auto {
        return None;
    }
    match e {
        AwsError::Unreachable { .. } if !e.is_silent_endpoint() => Some(None),
        AwsError::AccessDenied { action, .. }
            if action.starts_with("logs:") && action != "logs:DescribeLogGroups" =>
        {
            Some(Some(format!(
                "note: the groups store more than 1 GiB, but the credentials may not run Logs Insights queries ({action} denied): the events are pulled instead (--push-down never skips the attempt)"
            )))
        }
        _ => None,
    }
}

/// `report` over `cloudwatch://` by Logs Insights (see `aws::insights`): `None` when the events
/// are to be pulled instead (push-down off, not large enough in auto mode, or a file source).
fn report_pushed_down(a: &ReportArgs, filter: &Filter) -> Result<Option<i32>> {
    use crate::aws::insights::PushDown;
    let src = a.source.with_window(filter);
    let Some(patterns) = src.only_cloudwatch() else {
        if a.push_down == PushDown::Always {
            bail!(UsageError(
                "--push-down always needs every source to be cloudwatch://".into()
            ));
        }
        return Ok(None);
    };
    // What Logs Insights cannot compute: per-invocation intervals (peak concurrency, the
    // rules' concurrency and throttle inputs).
    let needs_events = if a.rules {
        Some("--rules")
    } else if a.sort.as_deref() == Some("peak_concurrency") {
        Some("--sort peak_concurrency")
    } else {
        None
    };
    match (needs_events, a.push_down) {
        (_, PushDown::Never) => return Ok(None),
        (Some(why), PushDown::Always) => bail!(UsageError(format!(
            "{why} needs every invocation, which Logs Insights does not return: use --push-down never (or auto)"
        ))),
        (Some(_), PushDown::Auto) => return Ok(None),
        (None, _) => {}
    }
    let (start, end) = src.live_window();
    let pushed = match crate::aws::push_down_report(
        &patterns,
        &src.aws_options(),
        start,
        end,
        a.push_down,
        &|function| filter.keep_function(function),
    ) {
        Ok(p) => p,
        Err(e) => match pull_after(&e, a.push_down) {
            Some(note) => {
                if let Some(note) = note.filter(|_| !a.source.quiet) {
                    crate::diag!("{note}");
                }
                return Ok(None);
            }
            None => return Err(UsageError(e.to_string()).into()),
        },
    };
    let Some(pushed) = pushed else {
        // With `always`, nothing back means no group had text REPORT lines to aggregate.
        if a.push_down == PushDown::Always && !a.source.quiet {
            crate::diag!(
                "note: Logs Insights aggregated none of the log groups (no text REPORT lines in the window: the JSON log format, or no invocations): their events are pulled instead"
            );
        }
        return Ok(None);
    };
    if pushed.groups == 0 && !pushed.pull_custom.is_empty() {
        // Only custom groups to read: they are pulled, as without a push-down.
        if a.push_down == PushDown::Always && !a.source.quiet {
            crate::diag!(
                "note: Logs Insights aggregated none of the log groups: {} {} custom log group(s), whose functions are told apart only by their streams' names; their events are pulled instead",
                if pushed.left_out.is_empty() { "the" } else { "those kept are" },
                pushed.pull_custom.len()
            );
        }
        return Ok(None);
    }
    if pushed.groups == 0 {
        // No group of a function --function keeps: nothing was queried (or pulled).
        let text = output::report::none_matched(&output::report::render(
            &pushed.report,
            &Default::default(),
            a.format,
            terminal_width(),
        ));
        write_stdout(text.as_bytes())?;
        if !a.source.quiet {
            crate::diag!(
                "note: none of the {} log group(s) matched ({}) is of a function --function '{}' keeps: nothing was queried",
                pushed.left_out.len(),
                output::visible(&pushed.left_out.join(", ")),
                filter.function.as_ref().map_or("", |re| re.as_str())
            );
        }
        return Ok(Some(EXIT_OK));
    }
    let mut report = pushed.report;
    let mut skips = crate::ingest::Skips::default();
    let mut pulled_exit = EXIT_OK;
    if !pushed.pull_instead.is_empty() || !pushed.pull_custom.is_empty() {
        // Groups without text REPORT lines (JSON log format) and custom groups: their events
        // are pulled.
        let pulled = SourceArgs {
            sources: pushed
                .pull_instead
                .iter()
                .chain(&pushed.pull_custom)
                .map(|g| PathBuf::from(format!("{}{g}", crate::aws::CLOUDWATCH)))
                .collect(),
            ..src.clone()
        };
        let (columns, ing) = cost::load_filtered(&pulled, &a.filter)?;
        let pulled_functions = analytics::build_report(columns)?.functions;
        // A function of both an aggregated group and a pulled one (a function that logs to
        // its own group and a custom one) would stand twice, its halves' percentiles not
        // mergeable: every group is pulled instead (live10 review: two rows of one function).
        let twice: Vec<&str> = pulled_functions
            .iter()
            .filter(|f| report.functions.iter().any(|g| g.function == f.function))
            .map(|f| f.function.as_str())
            .collect();
        if !twice.is_empty() {
            if !a.source.quiet {
                crate::diag!(
                    "note: {} log to a group Logs Insights aggregated and to one pulled: every group is pulled instead, so that each function is one row",
                    output::visible(&twice.join(", "))
                );
            }
            return Ok(None);
        }
        report.functions.extend(pulled_functions);
        report.functions.sort_by(|x, y| x.function.cmp(&y.function));
        // The pulled groups' skipped records, on stderr and for --strict, as a pull says them
        // (live10 review: only the JSON counted them, and --strict passed).
        report_skips(&pulled, &ing);
        pulled_exit = strict_exit(&pulled, &ing);
        skips = ing.skips;
    }
    // One window for the aggregated and the pulled functions, as a local report has: of all
    // of them, before --function keeps some.
    report.rates_over(report.seen_window(filter.since_ms, filter.until_ms));
    report
        .functions
        .retain(|f| filter.keep_function(&f.function));
    report.totals = crate::analytics::report::totals_of(&report.functions, None);
    if let Some(col) = &a.sort {
        output::report::sort_functions(&mut report, col).map_err(UsageError)?;
    }
    let text = output::report::render(&report, &skips, a.format, terminal_width());
    write_stdout(text.as_bytes())?;
    if !a.source.quiet {
        crate::diag!(
            "note: aggregated by CloudWatch Logs Insights over {} log group(s) storing {:.1} GiB{}; percentiles are Logs Insights' own, errors and timeouts are those the REPORT lines state (`Status: error|timeout`: a runtime's error line, such as Node.js's `Invoke Error` or `Task timed out` before a REPORT without a status, is not read), and peak concurrency is not computed (--push-down never pulls the events instead)",
            pushed.groups,
            pushed.stored_bytes as f64 / (1u64 << 30) as f64,
            match (pushed.pull_instead.len(), pushed.pull_custom.len()) {
                (0, 0) => String::new(),
                (json, 0) => format!(
                    "; {json} group(s) without text REPORT lines in the window were pulled (their functions have a peak concurrency, the total has none)"
                ),
                (json, custom) => format!(
                    "; {} group(s) were pulled ({custom} custom group(s), whose streams name their functions{}; their functions have a peak concurrency, the total has none)",
                    json + custom,
                    if json > 0 {
                        format!(", and {json} without text REPORT lines in the window")
                    } else {
                        String::new()
                    }
                ),
            }
        );
    }
    Ok(Some(pulled_exit))
}

fn run_report(a: ReportArgs) -> Result<i32> {
    let filter = Filter::from_args(&a.filter)?;
    if a.rules && a.format == Format::Csv {
        bail!(UsageError(
            "--rules adds a second table, which CSV cannot hold: use --format json, table or markdown".into()
        ));
    }
    let project = match &a.config {
        Some(p) => Some(
            crate::ci::config::Project::load_for_rules(p).map_err(|e| UsageError(e.to_string()))?,
        ),
        None => None,
    };
    if let Some(code) = report_pushed_down(&a, &filter)? {
        return Ok(code);
    }
    let mut ing = load(
        &a.source.with_window(&filter),
        IngestOptions {
            keep_logs: false,
            keep_spans: false,
            keep_metrics: a.rules,
            report_columns: true,
            ..IngestOptions::default()
        },
    )?;
    let columns = std::mem::take(&mut ing.columns);
    if let Some(p) = &project {
        // Before --function/--since/--until: an entry for a function those leave out is fine.
        insights::unmatched_function(p, columns.names()).map_err(UsageError)?;
    }
    // What was read before the filter: the note when nothing is left says what the data holds.
    let read = filter.is_active().then(|| ReadSpan::of_columns(&columns));
    let untimed = filter.untimed_note(
        filter.untimed((0..columns.len()).map(|r| (&**columns.function(r), columns.timestamp(r)))),
        "invocation(s)",
    );
    // The window `cost` projects from: the hours of every function read, narrowed by
    // --since/--until (not by --function: live8 review, a kept function's rate read 0.0625
    // where cost priced 0.05 a minute).
    let window = crate::analytics::usage::priced_window(&columns, filter.since_ms, filter.until_ms);
    let columns = filter.apply_columns(columns);
    let kept = if a.rules { Some(columns.clone()) } else { None };
    let mut report = analytics::report::build_report_in(columns, window)?;
    if let Some(col) = &a.sort {
        output::report::sort_functions(&mut report, col).map_err(UsageError)?;
    }
    let mut text = output::report::render(&report, &ing.skips, a.format, terminal_width());
    let filtered_out = read
        .as_ref()
        .filter(|_| report.functions.is_empty())
        .and_then(|r| r.filtered_out(&filter));
    if filtered_out.is_some() {
        // The data is there; the options left none of it (the note below says what).
        text = output::report::none_matched(&text);
    }
    let mut failed = false;
    if let Some(cols) = kept {
        filter.apply(&mut ing.tables);
        let findings = insights::findings(&report, &cols, &ing.tables.metrics, project.as_ref());
        failed = findings
            .iter()
            .any(|f| f.outcome == crate::rules::Outcome::Fail);
        if a.format == Format::Json {
            let mut doc: serde_json::Value = serde_json::from_str(&text)?;
            doc["insights"] = serde_json::to_value(&findings)?;
            text = output::json_safe(serde_json::to_string_pretty(&doc)?) + "\n";
        } else {
            text.push_str(&insights::render_findings(
                &findings,
                a.format,
                terminal_width(),
            ));
        }
    }
    write_stdout(text.as_bytes())?;
    report_skips(&a.source, &ing);
    if let Some(note) = untimed.filter(|_| !a.source.quiet) {
        crate::diag!("note: {note}");
    }
    if report.functions.is_empty() && !a.source.quiet {
        match filtered_out {
            Some(note) => crate::diag!("note: {note}"),
            None if !a.source.sources.is_empty()
                && a.source
                    .sources
                    .iter()
                    .all(|s| s.to_string_lossy().starts_with("metrics://")) =>
            {
                crate::diag!(
                    "note: metrics:// sources hold CloudWatch metrics, not invocations: report reads invocations from logs, so give log files or cloudwatch:// groups as SOURCES too"
                )
            }
            None => crate::diag!(
                "note: read {} input(s), {} log line(s){}{}, and found no invocation reports",
                ing.files,
                ing.log_lines,
                // Metric points are read (and counted) only for --rules.
                match ing.tables.metrics.len() {
                    0 => String::new(),
                    n => format!(", {n} metric point(s)"),
                },
                // The lines read and skipped are not in the count of log lines.
                if ing.skips.is_empty() {
                    String::new()
                } else {
                    format!(
                        " and {} malformed record(s) (skipped, above)",
                        ing.skips.total
                    )
                }
            ),
        }
    }
    let code = strict_exit(&a.source, &ing);
    Ok(if code == EXIT_OK && failed {
        EXIT_CHECK_FAILED
    } else {
        code
    })
}

fn write_stdout(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        // A closed pipe (`| head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot write to stdout"),
    }
}

/// `--function-name`: a name a function could have (not empty, no control characters).
fn function_name_arg(s: &str) -> std::result::Result<String, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err("give a function name (it is empty)".into());
    }
    if t.chars().any(char::is_control) {
        return Err("a function name holds no control characters".into());
    }
    Ok(t.to_string())
}

/// Does an output path name a gzip file (`.gz`, as `x.csv.gz`)? Then the export is
/// compressed (seventh-round export review: `--out x.csv.gz` wrote plain NDJSON, which gzip
/// readers refused).
fn gzip_out(path: &std::path::Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"))
}

/// The export format an output path's extension names, if any (the one before `.gz`).
fn export_format_of(path: &std::path::Path) -> Option<ExportFormat> {
    let inner;
    let path = if gzip_out(path) {
        inner = path.with_extension("");
        inner.as_path()
    } else {
        path
    };
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "ndjson" | "jsonl" => Some(ExportFormat::Ndjson),
        "csv" => Some(ExportFormat::Csv),
        "parquet" => Some(ExportFormat::Parquet),
        _ => None,
    }
}

fn run_export(mut a: ExportArgs) -> Result<i32> {
    let filter = Filter::from_args(&a.filter)?;
    // `--out -` is standard output, as for most tools.
    let to_stdout = a
        .out
        .as_deref()
        .is_some_and(|p| p == std::path::Path::new("-"));
    if to_stdout {
        a.out = None;
    }
    // Without --format, the one --out's extension names (`--out x.parquet` wrote NDJSON into
    // a file a Parquet reader then refused: fifth-round export review); one that disagrees
    // with the extension is said.
    let named = a.out.as_deref().and_then(export_format_of);
    let format = a.format.or(named).unwrap_or(ExportFormat::Ndjson);
    let gzip = a.out.as_deref().is_some_and(gzip_out);
    if gzip && format == ExportFormat::Parquet {
        // Before the extension's warning, which would announce a write this refuses; named
        // as given (eighth-round traces review: `--format parquet --out x.csv.gz` was told
        // about a `.parquet.gz` name it never gave).
        bail!(UsageError(format!(
            "Parquet compresses its own columns and is not gzipped: --out {} ends in .gz; name the file .parquet (or export NDJSON or CSV to a .gz name)",
            output::visible(&a.out.as_deref().map(|p| p.display().to_string()).unwrap_or_default())
        )));
    }
    if let (Some(named), Some(out)) = (named.filter(|n| *n != format), &a.out) {
        use clap::ValueEnum as _;
        let name = |f: ExportFormat| {
            f.to_possible_value()
                .map_or(String::new(), |v| v.get_name().to_uppercase())
        };
        crate::diag!(
            "warning: writing {} to {}, whose extension names {}",
            name(format),
            output::visible(&out.display().to_string()),
            name(named)
        );
    }
    if format == ExportFormat::Parquet && a.out.is_none() {
        bail!(UsageError(
            "--format parquet needs --out PATH to a file (Parquet is a binary format, not written to standard output)".into()
        ));
    }
    if let Some(out) = &a.out {
        if out.is_dir() {
            use clap::ValueEnum as _;
            bail!(UsageError(format!(
                "{} is a directory; give --out a file name in it (e.g. {})",
                out.display(),
                out.join(format!(
                    "{}.{}",
                    a.table
                        .to_possible_value()
                        .map_or("table".into(), |v| v.get_name().to_string()),
                    format
                        .to_possible_value()
                        .map_or("out".into(), |v| v.get_name().to_string())
                ))
                .display()
            )));
        }
        if !a.force && output::replaces_a_file(out) {
            bail!(UsageError(format!(
                "{} exists; pass --force to replace it",
                out.display()
            )));
        }
    }
    let mut ing = load(
        &a.source.with_window(&filter),
        IngestOptions {
            keep_logs: a.table == TableName::Logs,
            keep_spans: a.table == TableName::Spans,
            keep_metrics: a.table == TableName::Metrics,
            ..IngestOptions::default()
        },
    )?;
    // What was read before the filter: the note when nothing is left says what the data holds.
    let read = filter
        .is_active()
        .then(|| ReadSpan::of_table(&ing.tables, a.table));
    // Spans and metric points always have a time.
    let t = &ing.tables;
    let untimed = match a.table {
        TableName::Invocations => filter.untimed_note(
            filter.untimed(t.invocations.iter().map(|r| (&*r.function, r.timestamp))),
            "invocation(s)",
        ),
        TableName::Logs => filter.untimed_note(
            filter.untimed(t.logs.iter().map(|r| (&*r.function, r.timestamp))),
            "log record(s)",
        ),
        TableName::Spans | TableName::Metrics => None,
    };
    filter.apply(&mut ing.tables);
    if a.source.strict && !ing.skips.is_empty() {
        // Nothing written: a file left behind would need --force on the next run, and a
        // partial table is what --strict is there to prevent.
        report_skips(&a.source, &ing);
        let code = strict_exit(&a.source, &ing);
        crate::diag!(
            "nothing exported{}",
            a.out
                .as_ref()
                .map(|p| format!(" ({} not written)", p.display()))
                .unwrap_or_default()
        );
        return Ok(code);
    }
    let mut buf: Vec<u8> = Vec::new();
    match format {
        ExportFormat::Ndjson => write_ndjson(&ing.tables, a.table, &mut buf)?,
        ExportFormat::Csv => {
            // CSV is read on terminals (through `head`, `less`, `cat`) wherever it is written:
            // its cells are stripped of control sequences as every other CSV faascope writes
            // (NDJSON escapes them and Parquet keeps the text exactly).
            let clean = |cell: &str| match output::sanitize_csv(cell) {
                std::borrow::Cow::Owned(c) => Some(c),
                std::borrow::Cow::Borrowed(_) => None,
            };
            analytics::write_csv(
                analytics::table_frame(&ing.tables, a.table)?,
                &clean,
                &mut buf,
            )?;
        }
        ExportFormat::Parquet => {
            analytics::write_parquet(analytics::table_frame(&ing.tables, a.table)?, &mut buf)?
        }
    }
    match &a.out {
        // An empty NDJSON file would be read back by the next run over that directory as an
        // empty input, a malformed record under --strict (fifth-round export review): none is
        // created; one --force replaces is replaced.
        Some(p) if buf.is_empty() && format == ExportFormat::Ndjson && !p.exists() => {
            if !a.source.quiet {
                crate::diag!(
                    "note: {} not written: no rows to export",
                    output::visible(&p.display().to_string())
                );
            }
        }
        Some(p) => {
            if gzip {
                use std::io::Write as _;
                let mut z =
                    flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
                z.write_all(&buf)?;
                buf = z.finish()?;
            }
            output::write_atomic(p, a.force, &buf)
                .with_context(|| format!("cannot write {}", p.display()))?
        }
        None => write_stdout(&buf)?,
    }
    report_skips(&a.source, &ing);
    if !a.source.quiet {
        if let Some(note) = untimed {
            crate::diag!("note: {note}");
        }
        if let Some(note) = export_empty_note(&ing.tables, a.table, read.as_ref(), &filter) {
            crate::diag!("note: {note}");
        }
    }
    Ok(strict_exit(&a.source, &ing))
}

/// Why an export holds no rows (`None` when it holds some): the filter left none of what was
/// read (named), or the sources hold none of this table (which inputs do). An empty file
/// without a word reads as a bug upstream, in the export or in the loader that gets it.
fn export_empty_note(
    t: &Tables,
    which: TableName,
    read: Option<&ReadSpan>,
    filter: &Filter,
) -> Option<String> {
    let (rows, what, held_by) = match which {
        TableName::Invocations => (
            t.invocations.len(),
            "invocation(s)",
            "Lambda logs with REPORT lines",
        ),
        TableName::Logs => (
            t.logs.len(),
            "log record(s)",
            "log lines other than REPORT: those are the invocations table",
        ),
        TableName::Spans => (t.spans.len(), "span(s)", "X-Ray traces"),
        TableName::Metrics => (
            t.metrics.len(),
            "metric point(s)",
            "CloudWatch metrics (get-metric-data or get-metric-statistics output, metrics CSV)",
        ),
    };
    if rows > 0 {
        return None;
    }
    Some(match read.and_then(|r| r.filtered_out_of(filter, what)) {
        Some(filtered) => format!("nothing exported: {filtered}"),
        None => format!("nothing exported: the sources hold no {what} (read from {held_by})"),
    })
}

fn write_ndjson(t: &Tables, which: TableName, out: &mut Vec<u8>) -> Result<()> {
    fn rows<T: serde::Serialize>(rows: &[T], out: &mut Vec<u8>) -> Result<()> {
        for r in rows {
            // Log text may hold characters a terminal acts on.
            out.extend_from_slice(output::json_safe(serde_json::to_string(r)?).as_bytes());
            out.push(b'\n');
        }
        Ok(())
    }
    match which {
        TableName::Invocations => rows(&t.invocations, out),
        TableName::Logs => rows(&t.logs, out),
        TableName::Spans => rows(&t.spans, out),
        TableName::Metrics => rows(&t.metrics, out),
    }
}

/// An X-Ray trace id as `--trace-id` takes it: `1-<8 hex>-<24 hex>`, in either case, alone or
/// as the `Root=` of a trace header (`X-Amzn-Trace-Id`, `_X_AMZN_TRACE_ID`: what on-call
/// engineers copy); lower case, as X-Ray writes it. `None` for anything else.
fn trace_id_arg(arg: &str) -> Option<String> {
    // The header as pasted, name included (`X-Amzn-Trace-Id: Root=...`), in any case.
    let arg = arg.trim().to_ascii_lowercase();
    let arg = arg
        .strip_prefix("x-amzn-trace-id:")
        .map_or(arg.as_str(), str::trim);
    let id = arg
        .split(';')
        .map(str::trim)
        .find_map(|part| part.strip_prefix("root="))
        .unwrap_or(arg)
        .to_string();
    let mut parts = id.split('-');
    let ok = parts.next() == Some("1")
        && parts
            .next()
            .is_some_and(|t| t.len() == 8 && t.bytes().all(|b| b.is_ascii_hexdigit()))
        && parts
            .next()
            .is_some_and(|r| r.len() == 24 && r.bytes().all(|b| b.is_ascii_hexdigit()))
        && parts.next().is_none();
    ok.then_some(id)
}

fn run_traces(a: TracesArgs) -> Result<i32> {
    use crate::analytics::traces;
    if a.trace_id.is_some() && matches!(a.format, Format::Csv | Format::Markdown) {
        bail!(UsageError(
            "--trace-id prints one trace as a text waterfall or as JSON (--format table|json); \
             for its spans as CSV, use `faascope export SOURCES --table spans --format csv`"
                .into()
        ));
    }
    let filter = Filter::from_args(&a.filter)?;
    let mut ing = load(
        &a.source.with_window(&filter),
        IngestOptions {
            keep_logs: false,
            keep_spans: true,
            keep_metrics: false,
            ..IngestOptions::default()
        },
    )?;
    let traces_read: HashSet<&str> = ing
        .tables
        .spans
        .iter()
        .map(|s| s.trace_id.as_str())
        .collect();
    let traces_read = traces_read.len();
    let spans_read = ing.tables.spans.len();
    if let Some(id) = &a.trace_id {
        // One trace asked for by id: the list's filters do not choose it.
        // An id the sources hold as it stands, though no X-Ray id (a hand-made or tool's
        // document: `traces` lists it, so it opens; review of 2026-12-07).
        let as_listed = || {
            let id = id.trim();
            ing.tables
                .spans
                .iter()
                .any(|s| s.trace_id == id)
                .then(|| id.to_owned())
        };
        let Some(id) = trace_id_arg(id).or_else(as_listed) else {
            bail!(UsageError(format!(
                "--trace-id {:?}: not an X-Ray trace id; give one as 1-5759e988-bd862e3fe1be46a994272793 (or a trace header's Root=...); list traces with `faascope traces SOURCES`",
                output::sanitize(id.trim())
            )));
        };
        let id = id.as_str();
        // --since/--until only set the window read from xray://; these choose list rows.
        if a.filter.function.is_some() || a.cold || a.errors {
            bail!(UsageError(
                "--trace-id shows the trace it names: leave out --function/--cold/--errors (they choose traces for the list)".into()
            ));
        }
        let Some(mut rows) = traces::waterfall(&ing.tables.spans, id) else {
            // Its segments may be among the records skipped as malformed: say which first.
            report_skips(&a.source, &ing);
            let skipped = match ing.skips.total {
                0 => String::new(),
                n => format!(
                    "; {n} record(s) were skipped as malformed (see above), the trace's segments may be among them"
                ),
            };
            bail!(UsageError(format!(
                "trace {id} is not in the sources ({spans_read} spans read{skipped}); list traces with `faascope traces SOURCES`"
            )));
        };
        let text = match a.format {
            Format::Json => output::json_safe(serde_json::to_string_pretty(&rows)?) + "\n",
            _ => {
                // Each name on its own: a line break inside one would start a line of its own.
                for r in &mut rows {
                    r.name = output::sanitize(&r.name);
                    r.detail = r.detail.as_deref().map(output::sanitize);
                }
                output::sanitize_block(&traces::render_waterfall_text(
                    &rows,
                    terminal_width().unwrap_or(120) as usize,
                ))
            }
        };
        write_stdout(text.as_bytes())?;
        report_skips(&a.source, &ing);
        return Ok(strict_exit(&a.source, &ing));
    }
    filter.apply(&mut ing.tables);
    let mut list = traces::summarize(&ing.tables.spans);
    // With --function, --cold keeps the traces where a function asked for started cold (not
    // those where another one did).
    filter.inits_of_functions(&mut list);
    list.retain(|t| {
        (!a.cold || t.cold_start == Some(true)) && (!a.errors || t.error || t.fault || t.throttle)
    });
    if a.order == TraceOrder::Slowest {
        list.sort_by(traces::slowest_first);
    }
    let total = list.len();
    if a.limit > 0 {
        list.truncate(a.limit);
    }
    let text = output::traces::render(&list, total, &ing.skips, a.format, terminal_width());
    write_stdout(text.as_bytes())?;
    report_skips(&a.source, &ing);
    // The table says it under the rows and JSON has `total`; CSV and Markdown are the list
    // alone, so the cut is said here.
    if matches!(a.format, Format::Csv | Format::Markdown) && list.len() < total && !a.source.quiet {
        crate::diag!(
            "note: showing {} of {total} traces (--limit 0 shows all)",
            list.len()
        );
    }
    if total == 0 && !a.source.quiet {
        if traces_read > 0 {
            crate::diag!(
                "note: none of the {traces_read} trace(s) read matched --function/--since/--until/--cold/--errors"
            );
        } else if !a.source.sources.is_empty()
            && a.source
                .sources
                .iter()
                .all(|s| s.to_string_lossy().starts_with("xray://"))
        {
            let (start, end) = a.source.with_window(&filter).live_window();
            crate::diag!(
                "note: X-Ray holds no traces from {} to {} for these credentials and region: widen --since/--until, or check --aws-region",
                crate::timeparse::format_ms(start),
                crate::timeparse::format_ms(end)
            );
        } else {
            crate::diag!(
                "note: no X-Ray segments or trace summaries in the sources (segment documents, batch-get-traces or get-trace-summaries output)"
            );
        }
    }
    Ok(strict_exit(&a.source, &ing))
}

#[cfg(test)]
mod push_down_tests {
    use super::pull_after;
    use crate::aws::insights::PushDown;
    use crate::aws::AwsError;

    /// Seventh-round live review: in auto mode, a policy without `logs:StartQuery` failed a
    /// report the pull serves; it pulls, with a note. `always` still fails, and a denied
    /// listing of the groups (which the pull needs too) fails either way.
    #[test]
    fn auto_pulls_when_logs_insights_is_denied_or_unreachable() {
        let denied = |action: &str| AwsError::AccessDenied {
            action: action.into(),
            resource: "/aws/lambda/f".into(),
        };
        let note = pull_after(&denied("logs:StartQuery"), PushDown::Auto);
        assert!(
            note.as_ref().and_then(|n| n.as_deref()).is_some_and(
                |n| n.contains("(logs:StartQuery denied): the events are pulled instead")
            ),
            "{note:?}"
        );
        assert!(pull_after(&denied("logs:GetQueryResults"), PushDown::Auto).is_some());
        assert_eq!(
            pull_after(&denied("logs:StartQuery"), PushDown::Always),
            None
        );
        assert_eq!(
            pull_after(&denied("logs:DescribeLogGroups"), PushDown::Auto),
            None
        );
        let refused = AwsError::Unreachable {
            endpoint: "http://127.0.0.1:9".into(),
            cause: "connection refused".into(),
            failed: String::new(),
            fetched: String::new(),
        };
        assert_eq!(pull_after(&refused, PushDown::Auto), Some(None));
        assert_eq!(pull_after(&refused, PushDown::Always), None);
    }
}
