//! `faascope cost`, `faascope tune` and `faascope pricing`: observed usage (or a calculator
//! spec) priced with the catalog under `pricing/` by the pure engine in [`crate::cost`].

use std::collections::HashMap;
use std::path::PathBuf;
use std::str::FromStr;

use anyhow::Result;
use clap::{Args, Subcommand, ValueEnum};
use rust_decimal::Decimal;

use super::{load, report_skips, strict_exit, terminal_width, write_stdout, Filter, FilterArgs};
use super::{SourceArgs, UsageError};
use crate::analytics::usage::{
    memory_observations, observed_usage_in, priced_window, ObservedUsage,
};
use crate::cost::comparisons::OptionFamily;
use crate::cost::{
    compare_functions, project_calculator, project_observed, tune_function, Allocation, Arch,
    CalculatorSpec, Catalog, CompareOptions, FunctionMeta, FunctionProjection, PriceBook,
    ProjectionOptions, SnapStart, TuneInput, TuneOptions, TuneReport, TuneStrategy,
};
use crate::ingest::IngestOptions;
use crate::model::ReportColumns;
use crate::output::cost::CostBasis;
use crate::output::cost::{
    render_cost, render_pricing_list, render_pricing_show, render_tune, PricesUsed,
};
use crate::output::Format;

fn parse_arch(s: &str) -> Result<Arch, String> {
    Arch::parse(s).ok_or_else(|| format!("'{s}' is not an architecture: use x86_64 or arm64"))
}

fn parse_decimal(s: &str) -> Result<Decimal, String> {
    let text = s.trim().replace('_', "");
    let d = Decimal::from_str(&text)
        .or_else(|_| Decimal::from_scientific(&text))
        .map_err(|_| match text.parse::<f64>() {
            // A number, but outside what can be priced exactly (28 significant digits).
            Ok(x) if x.is_finite() && x < 0.0 => {
                format!("'{s}' is negative; give a number of at least 0")
            }
            Ok(x) if x.is_finite() && x.abs() >= 1.0 => {
                format!("'{s}' is too large to price (more than 28 digits; the calculator takes up to 1e15 requests)")
            }
            Ok(x) if x.is_finite() => {
                format!("'{s}' is too small to price (more than 28 decimal places)")
            }
            _ => format!("'{s}' is not a number"),
        })?;
    if d.is_sign_negative() && !d.is_zero() {
        return Err(format!("'{s}' is negative; give a number of at least 0"));
    }
    Ok(d.abs())
}

/// A memory size in MB (the range is checked with the rest of the calculator's input).
fn parse_memory(s: &str) -> Result<u32, String> {
    match s.trim().parse::<i64>() {
        Ok(m) if m < 0 => Err(format!(
            "'{s}' is negative; give the configured memory in MB (128 to 10240)"
        )),
        Ok(m) => u32::try_from(m).map_err(|_| {
            format!("'{s}' is too large; give the configured memory in MB (128 to 10240)")
        }),
        Err(_) => Err(format!(
            "'{s}' is not a whole number of MB; give the configured memory (128 to 10240)"
        )),
    }
}

/// A number of provisioned environments: at least 1.
fn parse_environments(s: &str) -> Result<u32, String> {
    match s.trim().parse::<i64>() {
        Ok(n) if n < 0 => Err(format!("'{s}' is negative; give a number of environments of at least 1")),
        Ok(0) => Err("0 environments is no provisioned concurrency; give a number of at least 1 (on demand is always priced)".into()),
        Ok(n) => u32::try_from(n).map_err(|_| format!("'{s}' is too large a number of environments")),
        Err(_) => Err(format!("'{s}' is not a whole number of environments")),
    }
}

fn parse_pair(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() && !v.trim().is_empty() => {
            Ok((k.trim().to_string(), v.trim().to_string()))
        }
        _ => Err(format!("'{s}' is not NAME=VALUE")),
    }
}

/// Where functions run and which prices apply (shared by `cost` and `tune`).
#[derive(Args, Debug, Clone)]
pub struct PriceArgs {
    /// AWS region of the functions (unless --function-region names one) [default: us-east-1].
    // Options, not clap defaults: whether a flag was given at all decides where it is refused
    // (`simulate` without `--price`), whatever its value.
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// Architecture of the functions (unless --function-arch names one): x86_64 or arm64
    /// [default: x86_64].
    #[arg(long, value_name = "ARCH", value_parser = parse_arch)]
    pub arch: Option<Arch>,
    /// Region of one function, NAME=REGION (repeatable). Logs do not say where a function ran.
    #[arg(long = "function-region", value_name = "NAME=REGION", value_parser = parse_pair)]
    pub function_region: Vec<(String, String)>,
    /// Architecture of one function, NAME=ARCH (repeatable).
    #[arg(long = "function-arch", value_name = "NAME=ARCH", value_parser = parse_pair)]
    pub function_arch: Vec<(String, String)>,
    /// SnapStart of one function, NAME=java|python|dotnet[:VERSIONS] (repeatable): Python and
    /// .NET pay a cache charge per active version (default 1) and a restore charge; Java pays
    /// neither. Logs show restores but not the runtime's pricing.
    #[arg(long = "function-snapstart", value_name = "NAME=RUNTIME", value_parser = parse_pair)]
    pub function_snapstart: Vec<(String, String)>,
    /// Ephemeral storage (/tmp) of the functions in MB, 512 to 10240 (unless
    /// --function-storage names one); above 512 MB it is billed [default: 512].
    #[arg(long, value_name = "MB", value_parser = whole_in(512, 10240, "MB"), allow_negative_numbers = true)]
    pub ephemeral_storage_mb: Option<u32>,
    /// Ephemeral storage of one function, NAME=MB (repeatable).
    #[arg(long = "function-storage", value_name = "NAME=MB", value_parser = parse_pair)]
    pub function_storage: Vec<(String, String)>,
    /// A price file (TOML, the schema of pricing/) that overrides or extends the built-in
    /// sheets (repeatable; later files win).
    #[arg(long, value_name = "FILE")]
    pub pricing: Vec<PathBuf>,
}

fn parse_snapstart(s: &str) -> Result<SnapStart, String> {
    let (runtime, versions) = match s.split_once(':') {
        Some((r, v)) => (
            r,
            v.trim()
                .parse::<u32>()
                .ok()
                .filter(|&n| n >= 1)
                .ok_or_else(|| format!("'{v}' is not a number of versions (1 or more)"))?,
        ),
        None => (s, 1),
    };
    match runtime.trim().to_ascii_lowercase().as_str() {
        "java" => Ok(SnapStart::Java),
        "python" | "dotnet" | ".net" => Ok(SnapStart::PythonOrDotnet {
            active_versions: versions,
        }),
        other => Err(format!(
            "'{other}' is not a SnapStart runtime: use java, python or dotnet (with :VERSIONS for the active versions)"
        )),
    }
}

impl PriceArgs {
    pub(super) fn catalog(&self) -> Result<Catalog> {
        catalog_with(&self.pricing)
    }

    /// Checks that every function named by --function-region / --function-arch is one of
    /// `known` (a misspelt name would otherwise silently price the function at the defaults).
    pub(super) fn check_names<'a>(&self, known: impl IntoIterator<Item = &'a str>) -> Result<()> {
        // One function given two values of one flag: a mistake, not "the last wins" (review
        // of 2026-12-07).
        let flags: [(&str, &Vec<(String, String)>); 4] = [
            ("--function-region", &self.function_region),
            ("--function-arch", &self.function_arch),
            ("--function-snapstart", &self.function_snapstart),
            ("--function-storage", &self.function_storage),
        ];
        for (flag, given) in flags {
            let mut seen: HashMap<&str, &str> = HashMap::new();
            for (name, value) in given {
                match seen.insert(name.as_str(), value.as_str()) {
                    Some(before) if before != value => {
                        return Err(UsageError(format!(
                            "{flag} gives {} two values ({before} and {value}): give one",
                            crate::output::sanitize(name)
                        ))
                        .into());
                    }
                    _ => {}
                }
            }
        }
        let known: std::collections::BTreeSet<&str> =
            known.into_iter().filter(|n| !n.is_empty()).collect();
        let named = self
            .function_region
            .iter()
            .map(|(n, _)| ("--function-region", n))
            .chain(
                self.function_arch
                    .iter()
                    .map(|(n, _)| ("--function-arch", n)),
            )
            .chain(
                self.function_snapstart
                    .iter()
                    .map(|(n, _)| ("--function-snapstart", n)),
            )
            .chain(
                self.function_storage
                    .iter()
                    .map(|(n, _)| ("--function-storage", n)),
            );
        for (flag, name) in named {
            if !known.contains(name.as_str()) {
                let list: Vec<&str> = known.iter().copied().collect();
                return Err(UsageError(format!(
                    "{flag} {name}: no function of that name in the input (functions: {}); check the spelling",
                    if list.is_empty() { "none".to_string() } else { crate::output::sanitize(&list.join(", ")) }
                ))
                .into());
            }
        }
        Ok(())
    }

    /// What the logs do not say about each function, by name: SnapStart and ephemeral
    /// storage, validated; applied to a function's configuration.
    pub(super) fn configuration(&self) -> Result<impl Fn(&mut FunctionMeta)> {
        let mut snapstart: HashMap<String, SnapStart> = HashMap::new();
        for (name, v) in &self.function_snapstart {
            snapstart.insert(
                name.clone(),
                parse_snapstart(v)
                    .map_err(|e| UsageError(format!("--function-snapstart {name}: {e}")))?,
            );
        }
        let mut storage: HashMap<String, u32> = HashMap::new();
        for (name, v) in &self.function_storage {
            let mb = v
                .parse::<u32>()
                .ok()
                .filter(|mb| (512..=10_240).contains(mb))
                .ok_or_else(|| {
                    UsageError(format!(
                        "--function-storage {name}: '{v}' is not a size in MB from 512 to 10240"
                    ))
                })?;
            storage.insert(name.clone(), mb);
        }
        let default_storage = self.ephemeral_storage_mb.unwrap_or(512);
        Ok(move |meta: &mut FunctionMeta| {
            meta.ephemeral_storage_mb = storage.get(&meta.name).copied().unwrap_or(default_storage);
            if let Some(s) = snapstart.get(&meta.name) {
                meta.snapstart = *s;
            }
        })
    }

    /// Region and architecture per function name, validated.
    pub(super) fn placement(&self) -> Result<impl Fn(&str) -> (String, Arch)> {
        let regions: HashMap<String, String> = self.function_region.iter().cloned().collect();
        let mut arches: HashMap<String, Arch> = HashMap::new();
        for (name, a) in &self.function_arch {
            arches.insert(
                name.clone(),
                parse_arch(a).map_err(|e| UsageError(format!("--function-arch {name}: {e}")))?,
            );
        }
        let region = self.region.clone().unwrap_or_else(|| "us-east-1".into());
        let arch = self.arch.unwrap_or(Arch::X86_64);
        Ok(move |name: &str| {
            (
                regions.get(name).cloned().unwrap_or_else(|| region.clone()),
                arches.get(name).copied().unwrap_or(arch),
            )
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AllocationArg {
    /// Every function pays its group's average rate over the volume tiers.
    Blended,
    /// Functions fill the volume tiers one after another, smallest first.
    Marginal,
}

/// Option families for --compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FamilyArg {
    Lambda,
    Provisioned,
    SavingsPlan,
    Fargate,
    Ec2,
    Azure,
    Google,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProviderArg {
    Aws,
    Azure,
    Gcp,
}

#[derive(Args, Debug)]
pub struct CostArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub price: PriceArgs,
    /// Calculator: invocations per month (instead of SOURCES).
    #[arg(long, value_name = "N", value_parser = parse_decimal, allow_negative_numbers = true, requires_all = ["duration_ms", "memory_mb"])]
    pub requests: Option<Decimal>,
    /// Calculator: duration of one invocation, ms.
    #[arg(long, value_name = "MS", value_parser = parse_decimal, allow_negative_numbers = true, requires = "requests")]
    pub duration_ms: Option<Decimal>,
    /// Calculator: configured memory, MB.
    #[arg(long, value_name = "MB", value_parser = parse_memory, allow_negative_numbers = true, requires = "requests")]
    pub memory_mb: Option<u32>,
    /// Calculator: share of invocations that are cold starts (0 to 1).
    #[arg(long, value_name = "R", value_parser = parse_decimal, allow_negative_numbers = true, default_value = "0", requires = "requests")]
    pub cold_ratio: Decimal,
    /// Calculator: INIT duration of a cold start, ms.
    #[arg(long, value_name = "MS", value_parser = parse_decimal, allow_negative_numbers = true, default_value = "0", requires = "requests")]
    pub init_ms: Decimal,
    /// Calculator: the function's name in the output.
    #[arg(
        long,
        value_name = "NAME",
        default_value = "calculator",
        requires = "requests"
    )]
    pub name: String,
    /// Apply the account's free tier (1M requests and 400,000 GB-s a month), shared pro rata.
    #[arg(long)]
    pub free_tier: bool,
    /// How the account's volume tiers are shared between functions.
    #[arg(long, value_enum, default_value_t = AllocationArg::Blended)]
    pub allocation: AllocationArg,
    /// Only these providers' options (repeatable or comma-separated).
    #[arg(long, value_enum, value_delimiter = ',')]
    pub provider: Vec<ProviderArg>,
    /// Only these option families (repeatable or comma-separated); default all.
    #[arg(long, value_enum, value_delimiter = ',')]
    pub compare: Vec<FamilyArg>,
    /// Also price provisioned concurrency with N environments (repeatable; at least 1).
    #[arg(long, value_name = "N", value_parser = parse_environments, allow_negative_numbers = true)]
    pub provisioned: Vec<u32>,
    /// Concurrent executions one Fargate task / EC2 instance serves (default: as many
    /// Lambda-sized environments as fit).
    #[arg(long, value_name = "N", value_parser = whole_in(1, u32::MAX, "executions"), allow_negative_numbers = true)]
    pub per_instance_concurrency: Option<u32>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StrategyArg {
    /// Cheapest size.
    Cost,
    /// Fastest size (cheapest among equally fast).
    Speed,
    /// Least cost × duration.
    Balanced,
}

#[derive(Args, Debug)]
pub struct TuneArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub price: PriceArgs,
    #[arg(long, value_enum, default_value_t = StrategyArg::Cost)]
    pub strategy: StrategyArg,
    /// Memory headroom above the largest memory used, percent (0 to 1000).
    #[arg(long, value_name = "PCT", default_value_t = 20, value_parser = whole_in(0, 1000, "percent"), allow_negative_numbers = true)]
    pub headroom: u32,
    /// Threads the functions keep busy (1 = single-threaded; more vCPU then helps), 1 to 64.
    #[arg(long, default_value_t = 1, value_parser = whole_in(1, 64, "threads"), allow_negative_numbers = true)]
    pub threads: u32,
    /// Print each function's cost-vs-memory curve.
    #[arg(long)]
    pub curve: bool,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Subcommand, Debug)]
pub enum PricingCommand {
    /// The offerings loaded, with their effective dates.
    #[command(
        after_help = "Examples:\n  faascope pricing list\n  faascope pricing list --format json"
    )]
    List {
        /// A price file (TOML, the schema of pricing/) that overrides or extends the built-in
        /// sheets (repeatable; later files win)
        #[arg(long, value_name = "FILE")]
        pricing: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Every figure of one offering, with its source and date.
    #[command(
        after_help = "Examples:\n  faascope pricing show aws-lambda\n  faascope pricing show aws-fargate --format json"
    )]
    Show {
        /// The offering's name, as `faascope pricing list` shows it (aws-lambda, ...)
        offering: String,
        /// A price file (TOML, the schema of pricing/) that overrides or extends the built-in
        /// sheets (repeatable; later files win)
        #[arg(long, value_name = "FILE")]
        pricing: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

fn families(a: &CostArgs) -> Result<Vec<OptionFamily>> {
    let by_family = |f: FamilyArg| match f {
        FamilyArg::Lambda => OptionFamily::LambdaOnDemand,
        FamilyArg::Provisioned => OptionFamily::ProvisionedConcurrency,
        FamilyArg::SavingsPlan => OptionFamily::SavingsPlan,
        FamilyArg::Fargate => OptionFamily::Fargate,
        FamilyArg::Ec2 => OptionFamily::Ec2,
        FamilyArg::Azure => OptionFamily::Azure,
        FamilyArg::Google => OptionFamily::Google,
    };
    let mut fams: Vec<OptionFamily> = if a.compare.is_empty() {
        OptionFamily::ALL.to_vec()
    } else {
        a.compare.iter().map(|&f| by_family(f)).collect()
    };
    if !a.provider.is_empty() {
        fams.retain(|f| {
            let p = match f {
                OptionFamily::Azure => ProviderArg::Azure,
                OptionFamily::Google => ProviderArg::Gcp,
                _ => ProviderArg::Aws,
            };
            a.provider.contains(&p)
        });
    }
    if !a.compare.is_empty() && !a.provider.is_empty() && fams.is_empty() {
        return Err(UsageError(
            "--compare names no option of the --provider given (azure is Azure, google is gcp, the rest aws): change one of them".into(),
        )
        .into());
    }
    // An explicit size that nothing would price (review of 2026-12-07: it was dropped
    // without a word).
    if !a.provisioned.is_empty() && !fams.contains(&OptionFamily::ProvisionedConcurrency) {
        return Err(UsageError(
            "--provisioned prices provisioned concurrency, which --compare/--provider leave out: add `provisioned` to --compare (and aws to --provider), or drop --provisioned".into(),
        )
        .into());
    }
    // On demand is the baseline every saving is measured from.
    if !fams.contains(&OptionFamily::LambdaOnDemand) {
        fams.insert(0, OptionFamily::LambdaOnDemand);
    }
    Ok(fams)
}

/// A parser of a whole number from `lo` to `hi` whose error names the range (seventh-round
/// cost review: `1.5` read "invalid digit found in string", and `-5` "unexpected argument").
fn whole_in(
    lo: u32,
    hi: u32,
    unit: &'static str,
) -> impl Fn(&str) -> std::result::Result<u32, String> + Clone + Send + Sync + 'static {
    move |s: &str| {
        let range = if hi == u32::MAX {
            format!("a whole number of {unit}, at least {lo}")
        } else {
            format!("a whole number of {unit} from {lo} to {hi}")
        };
        match s.trim().parse::<u32>() {
            Ok(n) if (lo..=hi).contains(&n) => Ok(n),
            _ => Err(format!("`{s}` is not {range}")),
        }
    }
}

/// The built-in catalog with `files` applied over it, in order.
fn catalog_with(files: &[PathBuf]) -> Result<Catalog> {
    let mut c = Catalog::builtin()?;
    for f in files {
        c.apply_override_file(f)
            .map_err(|e| UsageError(e.to_string()))?;
    }
    warn_overrides(&c);
    Ok(c)
}

/// Says what user price files may not mean as written ([`Catalog::override_warnings`]).
pub(crate) fn warn_overrides(c: &Catalog) {
    for w in c.override_warnings(chrono::Utc::now().date_naive()) {
        crate::diag!("warning: {w}");
    }
}

/// Loads the sources' invocations as compact columns, filtered.
pub(crate) fn load_filtered(
    source: &SourceArgs,
    filter: &FilterArgs,
) -> Result<(ReportColumns, crate::ingest::Ingested)> {
    let filter = Filter::from_args(filter)?;
    let (cols, ing, _, _) = load_columns(source, &filter)?;
    // The time window is applied already.
    let by_function = Filter {
        since_ms: None,
        until_ms: None,
        ..filter
    };
    Ok((by_function.apply_columns(cols), ing))
}

/// Loads the sources' invocations as compact columns, read for `filter`'s time window but not
/// filtered yet.
/// Also what was read before the window (for the note when it leaves nothing), and with a
/// window the invocations without a time it leaves out, by function (every function read).
#[allow(clippy::type_complexity)]
fn load_columns(
    source: &SourceArgs,
    filter: &Filter,
) -> Result<(
    ReportColumns,
    crate::ingest::Ingested,
    super::ReadSpan,
    std::collections::BTreeMap<String, u64>,
)> {
    let mut ing = load(
        &source.with_window(filter),
        IngestOptions {
            keep_logs: false,
            keep_spans: false,
            keep_metrics: false,
            report_columns: true,
            ..IngestOptions::default()
        },
    )?;
    let cols = std::mem::take(&mut ing.columns);
    let read = super::ReadSpan::of_columns(&cols);
    // A window leaves out the invocations without a time before the usage is counted: they are
    // counted here, as `report` counts them (review of 2026-12-07: `cost --since` left them out
    // without a word where `report` and `cost` without a window said so).
    let mut untimed = std::collections::BTreeMap::new();
    if filter.since_ms.is_some() || filter.until_ms.is_some() {
        for r in (0..cols.len()).filter(|&r| cols.timestamp(r).is_none()) {
            *untimed.entry(cols.function(r).to_string()).or_insert(0u64) += 1;
        }
    }
    // Sources read for the window may hold records outside it.
    let cols = Filter {
        function: None,
        ..filter.clone()
    }
    .apply_columns(cols);
    Ok((cols, ing, read, untimed))
}

/// The sources' invocations, their usage, and each function's month projected from it.
pub(super) struct Observed {
    /// The invocations of the functions --function selects.
    pub cols: ReportColumns,
    pub ing: crate::ingest::Ingested,
    /// Every function read (also those --function leaves out).
    pub usage: ObservedUsage,
    /// Every function read, priced together as one account (volume tiers and the free tier are
    /// account-wide: a function costs the same alone as beside the others).
    pub projections: Vec<FunctionProjection>,
    /// Parallel to `projections`: whether --function selects it.
    pub selected: Vec<bool>,
    /// Invocations without a time of the functions --function selects, by name: they cannot
    /// be placed in the window and are not priced.
    pub untimed: std::collections::BTreeMap<String, u64>,
    /// Why nothing is selected when --since/--until left nothing of what was read.
    pub why_empty: Option<String>,
}

impl Observed {
    /// The projections --function selects.
    pub fn selected_projections(&self) -> Vec<FunctionProjection> {
        self.projections
            .iter()
            .zip(&self.selected)
            .filter(|(_, keep)| **keep)
            .map(|(p, _)| p.clone())
            .collect()
    }

    /// True when the sources hold invocations but --function matches none of them.
    pub fn filter_matched_none(&self) -> bool {
        !self.projections.is_empty() && !self.selected.iter().any(|k| *k)
    }
}

/// "N invocation(s) of F have no time and are not priced", per function.
pub(super) fn untimed_notes(untimed: &std::collections::BTreeMap<String, u64>) -> Vec<String> {
    untimed
        .iter()
        .map(|(name, n)| {
            format!(
                "{n} invocation(s) of {} have no time {} and are not priced: they cannot be placed in the observed window",
                crate::output::sanitize(name),
                crate::cost::UNTIMED_REASON
            )
        })
        .collect()
}

/// `--strict` with untimed invocations: exit 2 (after the output), saying why.
pub(super) fn strict_untimed(
    source: &SourceArgs,
    untimed: &std::collections::BTreeMap<String, u64>,
) -> i32 {
    let n: u64 = untimed.values().sum();
    if source.strict && n > 0 {
        crate::diag!("error: --strict: {n} invocation(s) have no time and were not priced");
        super::EXIT_BAD_INPUT
    } else {
        super::EXIT_OK
    }
}

pub(super) fn observe(
    source: &SourceArgs,
    filter: &FilterArgs,
    price: &PriceArgs,
    book: &PriceBook,
) -> Result<Observed> {
    let place = price.placement()?;
    let configure = price.configuration()?;
    let f = Filter::from_args(filter)?;
    let (mut cols, ing, read, untimed_in_window) = load_columns(source, &f)?;
    // With a window: what it and --function left of what was read, as `report` says it (tenth-
    // round cross-command review: "no invocations with a time were found" of timed logs).
    let why_empty = (f.since_ms.is_some() || f.until_ms.is_some())
        .then(|| read.filtered_out(&f))
        .flatten();
    // Against every function read, also those --function leaves out: naming one is no typo.
    price.check_names(cols.names().iter().map(|n| n.as_ref()))?;
    // The month is projected from the run's window: the hours every function read spans
    // (before --function picks some: a function's cost does not depend on which others are
    // shown), narrowed by --since / --until (never widened: a bound beyond the data would
    // spread the same invocations over hours nothing was read from).
    let window = priced_window(&cols, f.since_ms, f.until_ms)
        .map_or((None, None), |(s, e)| (Some(s), Some(e)));
    // Every function's usage and projection, for the account-level pricing (free tier, volume
    // tiers); --function then picks which are shown.
    let usage = observed_usage_in(
        &cols,
        &|name, memory_mb, _| {
            let (region, arch) = place(name);
            let mut meta = FunctionMeta::new(name, region, arch, memory_mb);
            configure(&mut meta);
            meta
        },
        window,
    );
    cols.retain(|n| f.keep_function(n), |_| true);
    // A function --function leaves out but that cannot be priced (a region with no Lambda
    // rates, a window that cannot be projected) is left out of the account with a note: it
    // must not stop the pricing of the functions asked for.
    let mut projections = Vec::with_capacity(usage.functions.len());
    let mut selected = Vec::with_capacity(usage.functions.len());
    for u in &usage.functions {
        let keep = f.keep_function(&u.meta.name);
        let priced = project_observed(u, book, &ProjectionOptions::default()).and_then(|p| {
            book.lambda(&p.meta.region, p.meta.arch)?;
            Ok(p)
        });
        match priced {
            Ok(p) => {
                projections.push(p);
                selected.push(keep);
            }
            Err(e) if !keep => {
                if !source.quiet {
                    crate::diag!(
                        "note: {} is left out of the account's pricing (not selected, and it cannot be priced: {e})",
                        crate::output::sanitize(&u.meta.name)
                    );
                }
            }
            Err(e) => {
                return Err(
                    UsageError(format!("{}: {e}", crate::output::sanitize(&u.meta.name))).into(),
                )
            }
        }
    }
    // Without a window the usage counts them; with one, the read before the window did.
    let untimed = usage
        .untimed_by_function
        .iter()
        .chain(&untimed_in_window)
        .filter(|(name, _)| f.keep_function(name))
        .map(|(name, n)| (name.clone(), *n))
        .collect();
    Ok(Observed {
        cols,
        ing,
        usage,
        projections,
        selected,
        untimed,
        why_empty,
    })
}

/// Why nothing is shown: what the window and --function left of what was read (`why_empty`),
/// no timed invocation at all, or --function matched none of `all`.
pub(super) fn nothing_selected(
    all: &[FunctionProjection],
    why_empty: Option<&str>,
    untimed: &std::collections::BTreeMap<String, u64>,
) -> String {
    if let Some(why) = why_empty {
        why.to_string()
    } else if all.is_empty() && untimed.values().all(|&n| n == 0) {
        // None at all, not only none with a time (xcmd2 review).
        "no invocation reports were found".to_string()
    } else if all.is_empty() {
        "no invocations with a time were found".to_string()
    } else {
        let names: Vec<&str> = all.iter().map(|p| p.meta.name.as_str()).collect();
        format!(
            "--function matched none of the {} function(s) read ({}); check the pattern",
            names.len(),
            crate::output::sanitize(&names.join(", "))
        )
    }
}

/// Right-sizes every projected function from its durations at each memory size in `cols`.
pub(super) fn tune_all(
    projections: &[FunctionProjection],
    cols: ReportColumns,
    book: &PriceBook,
    options: &TuneOptions,
) -> Result<Vec<TuneReport>> {
    let observations = memory_observations(cols)?;
    let rules = book.lambda_rules().map_err(|e| UsageError(e.to_string()))?;
    projections
        .iter()
        .map(|p| {
            let rates = book
                .lambda(&p.meta.region, p.meta.arch)
                .map_err(|e| UsageError(e.to_string()))?;
            let obs = observations.get(&p.meta.name).cloned().unwrap_or_default();
            Ok(
                tune_function(&TuneInput::from_projection(p, obs), rates, rules, options)
                    .map_err(|e| UsageError(e.to_string()))?,
            )
        })
        .collect()
}

/// The flags that only mean something with SOURCES, given with the calculator: a usage error
/// (they would otherwise be ignored without a word).
fn calculator_refuses(a: &CostArgs) -> Result<()> {
    let src = &a.source;
    let given = flags_given([
        (a.filter.function.is_some(), "--function"),
        (a.filter.since.is_some(), "--since"),
        (a.filter.until.is_some(), "--until"),
        (src.strict, "--strict"),
        (
            src.input_format != crate::ingest::InputFormat::Auto,
            "--input-format",
        ),
        (src.function_name.is_some(), "--function-name"),
        (src.aws_region.is_some(), "--aws-region"),
        (src.aws_profile.is_some(), "--aws-profile"),
        (src.endpoint_url.is_some(), "--endpoint-url"),
        (src.no_cache, "--no-cache"),
    ]);
    if given.is_empty() {
        return Ok(());
    }
    Err(UsageError(format!(
        "{} only appl{} to SOURCES (logs); the calculator (--requests/--duration-ms/--memory-mb) prices the workload given. Fix: drop {}, or give log SOURCES instead of --requests",
        given.join(", "),
        if given.len() == 1 { "ies" } else { "y" },
        it_or_them(&given)
    ))
    .into())
}

/// The flags of `flags` that were given (`true`), in order.
fn flags_given<const N: usize>(flags: [(bool, &'static str); N]) -> Vec<&'static str> {
    flags
        .into_iter()
        .filter_map(|(on, flag)| on.then_some(flag))
        .collect()
}

fn it_or_them(flags: &[&str]) -> &'static str {
    if flags.len() == 1 {
        "it"
    } else {
        "them"
    }
}

pub fn run_cost(a: CostArgs) -> Result<i32> {
    let catalog = a.price.catalog()?;
    let book = PriceBook::new(&catalog);
    let options = CompareOptions {
        account: crate::cost::AccountOptions {
            allocation: match a.allocation {
                AllocationArg::Blended => Allocation::Blended,
                AllocationArg::Marginal => Allocation::Marginal(Default::default()),
            },
            free_tier: a.free_tier,
        },
        provisioned: a.provisioned.clone(),
        per_instance_concurrency: a.per_instance_concurrency,
        families: families(&a)?,
        ..CompareOptions::default()
    };
    let place = a.price.placement()?;
    if a.requests.is_none() && a.source.sources.is_empty() {
        return Err(UsageError(
            "nothing to price: give log files or directories (`faascope cost sample-data`), cloudwatch:// sources, or a workload with --requests N --duration-ms MS --memory-mb MB".into(),
        )
        .into());
    }
    let mut untimed = std::collections::BTreeMap::new();
    let mut why_empty: Option<String> = None;
    let (projections, selected, basis, ing) = if let Some(requests) = a.requests {
        if !a.source.sources.is_empty() {
            return Err(UsageError(
                "give either SOURCES or --requests/--duration-ms/--memory-mb, not both".into(),
            )
            .into());
        }
        calculator_refuses(&a)?;
        a.price.check_names([a.name.as_str()])?;
        if a.init_ms > Decimal::ZERO && a.cold_ratio.is_zero() {
            return Err(UsageError(
                "--init-ms is the INIT time of a cold start: give --cold-ratio too (the share of invocations that are cold)".into(),
            )
            .into());
        }
        let (region, arch) = place(&a.name);
        let (Some(duration_ms), Some(memory_mb)) = (a.duration_ms, a.memory_mb) else {
            return Err(UsageError("--requests needs --duration-ms and --memory-mb".into()).into());
        };
        let mut meta = FunctionMeta::new(a.name.clone(), region, arch, memory_mb);
        a.price.configuration()?(&mut meta);
        let spec = CalculatorSpec {
            cold_ratio: a.cold_ratio,
            init_ms: a.init_ms,
            ..CalculatorSpec::new(meta, requests, duration_ms)
        };
        let p = project_calculator(&spec, &book).map_err(|e| UsageError(e.to_string()))?;
        (vec![p], vec![true], CostBasis::Calculator, None)
    } else {
        let Observed {
            ing,
            usage,
            projections,
            selected,
            untimed: left_out,
            why_empty: why,
            ..
        } = observe(&a.source, &a.filter, &a.price, &book)?;
        why_empty = why;
        untimed = left_out;
        // No window when nothing is shown (no timed invocation, or --function matched none).
        let shown = selected.iter().any(|k| *k);
        let basis = CostBasis::Observed {
            window_start: shown.then(|| crate::timeparse::format_ms(usage.window_start_ms)),
            window_end: shown.then(|| crate::timeparse::format_ms(usage.window_end_ms)),
            window_hours: if shown {
                (usage.window_end_ms - usage.window_start_ms) as f64 / 3.6e6
            } else {
                0.0
            },
            untimed_invocations_left_out: untimed.values().sum(),
            untimed_invocations_by_function: untimed.clone(),
        };
        (projections, selected, basis, Some(ing))
    };
    let notes = untimed_notes(&untimed);
    let shown: Vec<FunctionProjection> = projections
        .iter()
        .zip(&selected)
        .filter(|(_, keep)| **keep)
        .map(|(p, _)| p.clone())
        .collect();
    if shown.is_empty() {
        let why = nothing_selected(&projections, why_empty.as_deref(), &untimed);
        if !matches!(a.format, Format::Json | Format::Csv) {
            if let Some(ing) = &ing {
                report_skips(&a.source, ing);
            }
            if !a.source.quiet {
                for n in &notes {
                    crate::diag!("note: {n}");
                }
                crate::diag!("note: {why}; nothing to price");
            }
            let code = ing.as_ref().map_or(0, |i| strict_exit(&a.source, i));
            return Ok(code.max(strict_untimed(&a.source, &untimed)));
        }
        // JSON readers get a document (with no functions), as from `tune` and `report`; CSV
        // readers the header row (xcmd2 review: 0 bytes, where every other CSV has it).
        if !a.source.quiet {
            crate::diag!("note: {why}; nothing to price");
        }
    }
    // The whole account is priced (free tier and volume tiers are account-wide), then the
    // functions --function selects are shown, with the totals of the selection.
    let comparison = compare_functions(&projections, &book, &options)
        .map_err(|e| UsageError(e.to_string()))?
        .select(&selected);
    let prices = PricesUsed::new(&catalog, &book, &a.price.pricing);
    let text = render_cost(
        &comparison,
        &shown,
        &basis,
        &prices,
        &notes,
        a.format,
        terminal_width(),
    );
    write_stdout(text.as_bytes())?;
    // CSV has no place for notes: they go to stderr.
    if a.format == Format::Csv {
        for n in &notes {
            crate::diag!("note: {n}");
        }
    }
    match &ing {
        Some(ing) => {
            report_skips(&a.source, ing);
            Ok(strict_exit(&a.source, ing).max(strict_untimed(&a.source, &untimed)))
        }
        None => Ok(super::EXIT_OK),
    }
}

/// `tune` prices compute only: the flags of charges its curve does not price are refused.
pub(super) fn tune_refuses(price: &PriceArgs, command: &str) -> Result<()> {
    let given = flags_given([
        (!price.function_snapstart.is_empty(), "--function-snapstart"),
        (!price.function_storage.is_empty(), "--function-storage"),
        // 512 MB is not billed: the figures leave nothing out (scripts share flags with cost).
        (
            price.ephemeral_storage_mb.is_some_and(|mb| mb != 512),
            "--ephemeral-storage-mb",
        ),
    ]);
    if given.is_empty() {
        return Ok(());
    }
    Err(UsageError(format!(
        "{}: `{command}` prices compute only (requests and GB-seconds at each memory size), not SnapStart or ephemeral storage charges, so its figures would leave them out. Fix: drop {} here, and price those charges with `faascope cost` (same flags)",
        given.join(", "),
        it_or_them(&given)
    ))
    .into())
}

/// Notes on why a report's "$/mo now" can differ from the on-demand month `faascope cost`
/// shows for the same function: the account's volume tiers (`cost` allocates them, the curve
/// prices every size at the tier-1 rate), and invocations that ran at other memory sizes
/// (`cost` prices them as they ran, the curve at the current size).
pub(super) fn tier_notes(observed: &Observed, book: &PriceBook, reports: &mut [TuneReport]) {
    let Ok(account) = crate::cost::lambda_on_demand_account(
        &observed.projections,
        book,
        &crate::cost::AccountOptions::default(),
    ) else {
        return;
    };
    for r in reports.iter_mut() {
        let Some(i) = observed
            .projections
            .iter()
            .zip(&observed.selected)
            .position(|(p, keep)| *keep && p.meta.name == r.name)
        else {
            continue;
        };
        let p = &observed.projections[i];
        let (Some(c), Ok(rates)) = (
            account.scenarios.typical.functions.get(i),
            book.lambda(&p.meta.region, p.meta.arch),
        ) else {
            continue;
        };
        let tier1 = rates.tier1_usd_per_gb_second();
        let at_tier1 = c.billable_gb_seconds * tier1;
        if (crate::cost::round_cents(at_tier1) - crate::cost::round_cents(c.duration_usd)).abs()
            >= Decimal::new(1, 2)
            && !at_tier1.is_zero()
        {
            let pct = ((Decimal::ONE - c.duration_usd / at_tier1) * Decimal::from(100)).round_dp(1);
            r.notes.push(format!(
                "the account is past the first volume tier: `faascope cost` allocates the tiers (an effective ${}/GB-s for this function, {pct} % below the tier-1 ${}/GB-s that tune uses for every size), so it shows {} on demand for the month where tune's figures are at tier 1; sizes rank the same",
                c.effective_usd_per_gb_second.round_dp(10).normalize(),
                tier1.normalize(),
                crate::cost::format_usd(c.total_usd),
            ));
        }
        let sizes: std::collections::BTreeSet<u32> = observed
            .usage
            .functions
            .iter()
            .filter(|u| u.meta.name == r.name)
            .flat_map(|u| u.buckets.iter().map(|b| b.memory_mb))
            .collect();
        if sizes.len() > 1 {
            r.notes.push(format!(
                "the window's invocations ran at {} MB: `faascope cost` prices them as they ran ({} on demand), tune's \"$/mo now\" as if all ran at the current {} MB",
                sizes.iter().map(u32::to_string).collect::<Vec<_>>().join(", "),
                crate::cost::format_usd(c.total_usd),
                r.current_memory_mb
            ));
        }
    }
}

pub fn run_tune(a: TuneArgs) -> Result<i32> {
    tune_refuses(&a.price, "faascope tune")?;
    // CSV is the summary table, one row a function: the curves would go nowhere (review of
    // 2026-12-07: left out without a word).
    if a.curve && a.format == Format::Csv {
        return Err(UsageError(
            "--curve prints the curves in the table and Markdown formats; CSV is the summary, one row per function (JSON holds every curve as `curve`): leave out --curve or choose another --format".into(),
        )
        .into());
    }
    let catalog = a.price.catalog()?;
    let book = PriceBook::new(&catalog);
    let mut observed = observe(&a.source, &a.filter, &a.price, &book)?;
    let options = TuneOptions {
        strategy: match a.strategy {
            StrategyArg::Cost => TuneStrategy::Cost,
            StrategyArg::Speed => TuneStrategy::Speed,
            StrategyArg::Balanced => TuneStrategy::Balanced,
        },
        headroom: Decimal::new(i64::from(a.headroom), 2),
        threads: a.threads.max(1),
        // Logs do not say the timeout: Lambda's maximum.
        timeout_ms: None,
        ..TuneOptions::default()
    };
    // As `cost` says it: a filter that matched nothing, or sources without a timed invocation.
    if (observed.filter_matched_none() || observed.projections.is_empty()) && !a.source.quiet {
        crate::diag!(
            "note: {}; nothing to tune",
            nothing_selected(
                &observed.projections,
                observed.why_empty.as_deref(),
                &observed.untimed
            )
        );
    }
    let selected = observed.selected_projections();
    let cols = std::mem::take(&mut observed.cols);
    let mut reports = tune_all(&selected, cols, &book, &options)?;
    tier_notes(&observed, &book, &mut reports);
    for r in &mut reports {
        // INIT the logs' dates leave out (logs before the INIT rule): the same note as `cost`.
        if let Some(p) = selected.iter().find(|p| p.meta.name == r.name) {
            r.notes.extend(
                p.notes
                    .iter()
                    .filter(|n| n.starts_with(crate::cost::projection::INIT_LEFT_OUT_NOTE))
                    .cloned(),
            );
        }
        if let Some(n) = observed.untimed.get(&r.name) {
            r.notes.push(format!(
                "{n} invocation(s) have no time and are not priced (REPORT lines without a timestamp)"
            ));
        }
    }
    for r in &reports {
        for w in &r.warnings {
            crate::diag!("warning: {}: {w}", crate::output::sanitize(&r.name));
        }
    }
    // Functions with untimed invocations only have no report: their note goes with the output.
    let orphan_notes: Vec<String> = observed
        .untimed
        .iter()
        .filter(|(name, _)| !reports.iter().any(|r| &r.name == *name))
        .flat_map(|(name, n)| untimed_notes(&std::iter::once((name.clone(), *n)).collect()))
        .collect();
    let text = render_tune(&reports, &orphan_notes, a.format, terminal_width(), a.curve);
    write_stdout(text.as_bytes())?;
    // JSON (an array of reports) and CSV have no place for notes that belong to no report,
    // and CSV none for the reports' own notes nor the rounding one: they go to stderr (ninth-
    // round cost review: CSV's rows of $1.02, $0.61 and a $0.42 saving went unexplained).
    if a.format == Format::Csv {
        for r in &reports {
            for n in &r.notes {
                crate::diag!("note: {}: {n}", crate::output::sanitize(&r.name));
            }
        }
        if let Some(n) = crate::output::cost::tune_rounding_note(&reports) {
            crate::diag!("note: {n}");
        }
    }
    if matches!(a.format, Format::Json | Format::Csv) {
        for n in &orphan_notes {
            crate::diag!("note: {n}");
        }
    }
    let ing = &observed.ing;
    report_skips(&a.source, ing);
    Ok(strict_exit(&a.source, ing).max(strict_untimed(&a.source, &observed.untimed)))
}

pub fn run_pricing(cmd: PricingCommand) -> Result<i32> {
    let text = match cmd {
        PricingCommand::List { pricing, format } => {
            render_pricing_list(&catalog_with(&pricing)?.list(), format, terminal_width())
        }
        PricingCommand::Show {
            offering,
            pricing,
            format,
        } => {
            let c = catalog_with(&pricing)?;
            let d = c.show(&offering).map_err(|e| UsageError(e.to_string()))?;
            if d.superseded > 0 {
                crate::diag!(
                    "note: {} figure(s) not shown: a later --pricing file replaces each wherever it applies",
                    d.superseded
                );
            }
            render_pricing_show(&d, format, terminal_width())
        }
    };
    write_stdout(text.as_bytes())?;
    Ok(super::EXIT_OK)
}
