//! The project file `faascope.toml`: functions, their settings and traffic, thresholds and
//! rule settings; plus SAM / Serverless Framework files it points at. Loading resolves
//! everything that does not need the logs into [`Project`]; the file format is documented in
//! `docs/ci/README.md`.
//!
//! Precedence of a function's settings: `faascope.toml` > SAM / Serverless file > `[defaults]`
//! > what the logs show (memory) > AWS's defaults (x86_64, 512 MB ephemeral storage).
//!
//! A SAM / CloudFormation function without `MemorySize` or `Timeout` has Lambda's defaults
//! (128 MB, 3 s) as its template values ([`super::templates`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::templates::{read_sam, read_serverless, TemplateError, TemplateFunction};
use crate::cost::{Arch, PackageType};
use crate::rules::{RuleError, RuleOverride, RuleSet};

/// A project file that cannot be used; the message names the file, the line (when the value
/// is written in it), the place and the fix.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{file}{line}: {message}", file = file.display(), line = line.map(|l| format!(":{l}")).unwrap_or_default())]
    Invalid {
        file: PathBuf,
        line: Option<usize>,
        message: String,
    },
    #[error(transparent)]
    Template(#[from] TemplateError),
}

/// What a value of the project file takes, by the type the reader names in its error: the
/// keys accepted, in words (ninth-round ci review: "data did not match any variant of untagged
/// enum DurationSpec" for a `p95` where `p99` belongs).
const TYPES_IN_WORDS: &[(&str, &str, &[&str])] = &[
    (
        "untagged enum DurationSpec",
        "a number of ms (the mean), or { mean = MS, p99 = MS }",
        &["mean", "p99"],
    ),
    (
        "untagged enum Band",
        "a number, or { low = N, typical = N, high = N }",
        &["low", "typical", "high"],
    ),
    (
        "struct Thresholds",
        "a table of max_increase_pct, max_increase_usd, max_p99_increase_pct, max_cold_start_ratio",
        &[],
    ),
    (
        "struct RuleOverride",
        "a table { threshold = N, severity = \"warn\" | \"fail\" } (e.g. [rules.error_ratio] with threshold = 0.02)",
        &[],
    ),
];

/// A TOML reader's error with the project file's types said in words and, for a table whose
/// keys do not fit, the keys that are not accepted or are missing.
fn toml_error_text(e: &toml::de::Error, text: &str) -> String {
    let mut out = e.to_string().trim_end().to_string();
    for (rust, words, keys) in TYPES_IN_WORDS {
        let (untagged, expected) = (
            format!("data did not match any variant of {rust}"),
            format!("expected {rust}"),
        );
        if !(out.contains(&untagged) || out.contains(&expected)) {
            continue;
        }
        let mut said = format!("expected {words}");
        // The keys of the inline table the error points at, against those accepted.
        let given: Vec<String> = e
            .span()
            .and_then(|r| text.get(r))
            .and_then(|v| toml::from_str::<toml::Table>(&format!("v = {v}")).ok())
            .and_then(|t| t.get("v").and_then(|v| v.as_table()).cloned())
            .map(|t| t.keys().cloned().collect())
            .unwrap_or_default();
        if !keys.is_empty() && !given.is_empty() {
            let unknown: Vec<&String> = given
                .iter()
                .filter(|k| !keys.contains(&k.as_str()))
                .collect();
            let missing: Vec<&&str> = keys
                .iter()
                .filter(|k| !given.iter().any(|g| g == *k))
                .collect();
            if !unknown.is_empty() {
                said.push_str(&format!(
                    "; `{}` is no key here",
                    unknown
                        .iter()
                        .map(|k| k.as_str())
                        .collect::<Vec<_>>()
                        .join("`, `")
                ));
            }
            if !missing.is_empty() {
                said.push_str(&format!(
                    "; `{}` missing",
                    missing.iter().map(|k| **k).collect::<Vec<_>>().join("`, `")
                ));
            }
        }
        out = out.replace(&untagged, &said).replace(&expected, &said);
    }
    out
}

fn invalid(file: &Path, message: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        file: file.to_path_buf(),
        line: None,
        message: message.into(),
    }
}

/// One step of a path to a value in the project file: a key or an array index.
#[derive(Debug, Clone, Copy)]
enum Seg<'a> {
    K(&'a str),
    I(usize),
}

/// The project file's text with the positions of its values (TOML spans), so that an error
/// about a value names its line.
struct Places<'t> {
    file: &'t Path,
    text: &'t str,
    doc: Option<toml::Spanned<toml::de::DeTable<'t>>>,
}

impl<'t> Places<'t> {
    fn new(file: &'t Path, text: &'t str) -> Places<'t> {
        Places {
            file,
            text,
            doc: toml::de::DeTable::parse(text).ok(),
        }
    }

    /// 1-based line where the value at `path` starts.
    fn line(&self, path: &[Seg]) -> Option<usize> {
        let doc = self.doc.as_ref()?;
        let (Seg::K(first), rest) = path.split_first()? else {
            return None;
        };
        let mut cur = doc.get_ref().get(*first)?;
        for seg in rest {
            cur = match seg {
                Seg::K(k) => cur.get_ref().get(*k)?,
                Seg::I(i) => cur.get_ref().get(*i)?,
            };
        }
        let start = cur.span().start.min(self.text.len());
        Some(self.text[..start].matches('\n').count() + 1)
    }

    /// An error about the value at `path`, at its line (or at the nearest enclosing value
    /// written in the file).
    fn err(&self, path: &[Seg], message: impl Into<String>) -> ConfigError {
        ConfigError::Invalid {
            file: self.file.to_path_buf(),
            line: (1..=path.len()).rev().find_map(|n| self.line(&path[..n])),
            message: message.into(),
        }
    }
}

/// `path` followed by `more`.
fn join<'a>(path: &[Seg<'a>], more: &[Seg<'a>]) -> Vec<Seg<'a>> {
    path.iter().chain(more).copied().collect()
}

/// A number, or a `{ low, typical, high }` band.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
pub enum Band {
    One(f64),
    Range { low: f64, typical: f64, high: f64 },
}

impl Band {
    pub fn triple(self) -> [f64; 3] {
        match self {
            Band::One(x) => [x, x, x],
            Band::Range { low, typical, high } => [low, typical, high],
        }
    }
}

/// A duration: a mean, or a mean and a 99th percentile (log-normal between them).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
pub enum DurationSpec {
    Mean(f64),
    Shape { mean: f64, p99: f64 },
}

impl DurationSpec {
    pub fn mean_ms(self) -> f64 {
        match self {
            DurationSpec::Mean(m) | DurationSpec::Shape { mean: m, .. } => m,
        }
    }

    pub fn p99_ms(self) -> Option<f64> {
        match self {
            DurationSpec::Mean(_) => None,
            DurationSpec::Shape { p99, .. } => Some(p99),
        }
    }
}

/// Explicit traffic of a function (instead of logs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExplicitTraffic {
    pub requests_per_month: Band,
    pub duration_ms: DurationSpec,
    #[serde(default)]
    pub cold_start_ratio: f64,
    #[serde(default)]
    pub init_ms: f64,
    #[serde(default)]
    pub error_ratio: f64,
    /// Memory the durations were measured at (default: the configured memory, i.e. the
    /// durations do not change when the memory does).
    #[serde(default)]
    pub measured_at_memory_mb: Option<u32>,
    /// Largest memory used, MB (for the memory rules).
    #[serde(default)]
    pub max_memory_used_mb: Option<u32>,
}

/// Cost and performance thresholds (`[thresholds]`, `[functions.thresholds]`, CLI flags).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// Largest allowed increase of the typical monthly cost, percent.
    pub max_increase_pct: Option<f64>,
    /// Largest allowed increase of the typical monthly cost, USD.
    pub max_increase_usd: Option<f64>,
    /// Largest allowed increase of the (simulated) p99 response time, percent.
    pub max_p99_increase_pct: Option<f64>,
    /// Largest allowed (simulated) cold-start ratio, 0..1.
    pub max_cold_start_ratio: Option<f64>,
}

impl Thresholds {
    /// `self` where set, else `other`.
    pub fn or(self, other: Thresholds) -> Thresholds {
        Thresholds {
            max_increase_pct: self.max_increase_pct.or(other.max_increase_pct),
            max_increase_usd: self.max_increase_usd.or(other.max_increase_usd),
            max_p99_increase_pct: self.max_p99_increase_pct.or(other.max_p99_increase_pct),
            max_cold_start_ratio: self.max_cold_start_ratio.or(other.max_cold_start_ratio),
        }
    }

    fn validate(&self, places: &Places, at: &str, path: &[Seg]) -> Result<(), ConfigError> {
        for (k, v) in [
            ("max_increase_pct", self.max_increase_pct),
            ("max_increase_usd", self.max_increase_usd),
            ("max_p99_increase_pct", self.max_p99_increase_pct),
        ] {
            if let Some(v) = v {
                if !v.is_finite() || v < 0.0 {
                    return Err(places.err(
                        &join(path, &[Seg::K(k)]),
                        format!("{at}{k} = {v}: give a finite number of at least 0 (leave the key out for no limit)"),
                    ));
                }
            }
        }
        if let Some(r) = self.max_cold_start_ratio {
            if !(0.0..=1.0).contains(&r) {
                return Err(places.err(
                    &join(path, &[Seg::K("max_cold_start_ratio")]),
                    format!("{at}max_cold_start_ratio = {r}: give a ratio between 0 and 1 (0.05 for 5 %)"),
                ));
            }
        }
        Ok(())
    }
}

/// How durations change when the memory does (see `docs/ci/README.md`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum DurationModelName {
    /// Calibrated from logs at two or more memory sizes; otherwise `pessimistic`.
    #[default]
    Auto,
    /// The less favourable of I/O-bound and CPU-bound: unchanged durations for more memory,
    /// durations scaled by the vCPU share for less.
    Pessimistic,
    /// Durations do not depend on memory.
    IoBound,
    /// Durations scale with the vCPU share.
    CpuBound,
}

impl DurationModelName {
    /// The name as the config file spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            DurationModelName::Auto => "auto",
            DurationModelName::Pessimistic => "pessimistic",
            DurationModelName::IoBound => "io-bound",
            DurationModelName::CpuBound => "cpu-bound",
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    pub region: Option<String>,
    pub arch: Option<String>,
    pub memory_mb: Option<u32>,
    pub timeout_s: Option<u32>,
    pub runtime: Option<String>,
    pub ephemeral_storage_mb: Option<u32>,
    /// Idle keep-alive of execution environments in the simulation, seconds (default 600).
    pub keep_alive_s: Option<f64>,
    pub duration_model: Option<DurationModelName>,
    /// CPU-bound fraction 0..1 (instead of a named duration model).
    pub cpu_bound_fraction: Option<f64>,
    /// Threads a function keeps busy (default 1).
    pub threads: Option<u32>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PricingSection {
    /// Price override files (the schema of pricing/), relative to faascope.toml.
    #[serde(default)]
    pub files: Vec<PathBuf>,
    /// Apply the account's free tier.
    #[serde(default)]
    pub free_tier: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateSection {
    /// SAM / CloudFormation template.
    pub sam: Option<PathBuf>,
    /// Serverless Framework file.
    pub serverless: Option<PathBuf>,
    /// Serverless stage (default: provider.stage, else `dev`).
    pub stage: Option<String>,
    /// Template parameter values (and pseudo parameters such as `AWS::StackName`).
    #[serde(default)]
    pub parameters: BTreeMap<String, toml::Value>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectSection {
    pub name: Option<String>,
    /// Seed of the simulations (default 1).
    pub seed: Option<u64>,
}

/// `[aws]`: how `cloudwatch://` log sources are read (the standard AWS chain otherwise).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsSection {
    pub region: Option<String>,
    pub profile: Option<String>,
    pub endpoint_url: Option<String>,
    /// How far back live sources are read (`7d`, `24h`; default 7d).
    pub window: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FunctionEntry {
    pub name: String,
    /// The template resource (logical id) or Serverless function key this entry describes.
    pub resource: Option<String>,
    pub memory_mb: Option<u32>,
    pub arch: Option<String>,
    pub region: Option<String>,
    pub timeout_s: Option<u32>,
    pub runtime: Option<String>,
    pub provisioned_concurrency: Option<u32>,
    pub reserved_concurrency: Option<u32>,
    pub ephemeral_storage_mb: Option<u32>,
    /// SnapStart on published versions (what a template's `SnapStart` says, when it cannot be
    /// read or there is no template).
    pub snapstart: Option<bool>,
    pub keep_alive_s: Option<f64>,
    pub duration_model: Option<DurationModelName>,
    pub cpu_bound_fraction: Option<f64>,
    pub threads: Option<u32>,
    /// Log sources of this function (instead of the top-level `logs`).
    #[serde(default)]
    pub logs: Vec<PathBuf>,
    /// Explicit traffic instead of logs.
    pub traffic: Option<ExplicitTraffic>,
    #[serde(default)]
    pub thresholds: Thresholds,
    #[serde(default)]
    pub rules: BTreeMap<String, RuleOverride>,
}

/// The file as written.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectFile {
    #[serde(default)]
    pub project: ProjectSection,
    /// Log sources (files or directories) of the functions' observed traffic.
    #[serde(default)]
    pub logs: Vec<PathBuf>,
    #[serde(default)]
    pub defaults: Defaults,
    #[serde(default)]
    pub pricing: PricingSection,
    #[serde(default)]
    pub template: TemplateSection,
    #[serde(default)]
    pub thresholds: Thresholds,
    #[serde(default)]
    pub rules: BTreeMap<String, RuleOverride>,
    #[serde(default)]
    pub aws: AwsSection,
    #[serde(default)]
    pub functions: Vec<FunctionEntry>,
}

/// How durations scale with memory, resolved.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum DurationModel {
    Auto,
    Pessimistic,
    Fraction(f64),
}

/// Where a function's traffic comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum TrafficSource {
    /// Logs: the sources and the names a log group may use for the function.
    Logs {
        paths: Vec<PathBuf>,
        names: Vec<String>,
    },
    Explicit(ExplicitTraffic),
}

/// A function's settings (memory may still come from the logs).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Settings {
    pub memory_mb: Option<u32>,
    pub arch: Arch,
    pub region: String,
    pub timeout_s: Option<u32>,
    pub runtime: Option<String>,
    pub provisioned_concurrency: u32,
    pub reserved_concurrency: Option<u32>,
    pub ephemeral_storage_mb: u32,
    pub package: PackageType,
    /// SnapStart on published versions (from the template): priced by the runtime (Java free,
    /// Python and .NET with cache and restore charges).
    pub snapstart: bool,
}

/// One function, resolved from the project file and templates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProjectFunction {
    pub name: String,
    /// Where its settings come from, `file:line`, most specific first.
    pub defined_at: Vec<String>,
    /// First definition as (file, line) for annotations.
    pub location: Option<(PathBuf, usize)>,
    /// Named by a `[[functions]]` entry of the project file (not only by a template).
    #[serde(skip)]
    pub declared: bool,
    pub settings: Settings,
    pub traffic: TrafficSource,
    pub thresholds: Thresholds,
    pub rules: RuleSet,
    pub duration_model: DurationModel,
    pub threads: u32,
    pub keep_alive_s: f64,
}

/// The resolved project.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Project {
    pub file: PathBuf,
    pub name: Option<String>,
    pub seed: u64,
    pub pricing_files: Vec<PathBuf>,
    pub free_tier: bool,
    pub thresholds: Thresholds,
    /// The rule settings of `[rules]` (before any function's own).
    pub rules: RuleSet,
    pub functions: Vec<ProjectFunction>,
    /// No functions were declared: every function seen in `logs` is one, with these settings.
    pub auto: Option<AutoFunctions>,
    /// Client settings for `cloudwatch://` log sources.
    #[serde(skip)]
    pub aws: crate::aws::AwsOptions,
    /// The window of live log sources, ms back from now.
    #[serde(skip)]
    pub live_window_ms: i64,
}

/// Settings for functions discovered in the logs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AutoFunctions {
    pub paths: Vec<PathBuf>,
    pub template: ProjectFunction,
}

fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.lines().position(|l| l.contains(needle)).map(|i| i + 1)
}

fn parse_arch(places: &Places, at: &str, path: &[Seg], s: &str) -> Result<Arch, ConfigError> {
    Arch::parse(s).ok_or_else(|| {
        places.err(
            &join(path, &[Seg::K("arch")]),
            format!("{at}arch = \"{s}\": use x86_64 or arm64"),
        )
    })
}

/// `{at}{key}`, the value at `path` + `key`, within Lambda's memory range.
fn check_memory(
    places: &Places,
    at: &str,
    path: &[Seg],
    key: &str,
    m: Option<u32>,
) -> Result<(), ConfigError> {
    match m {
        Some(m) if !(128..=10_240).contains(&m) => Err(places.err(
            &join(path, &[Seg::K(key)]),
            format!("{at}{key} = {m} is outside Lambda's 128..=10240 MB"),
        )),
        _ => Ok(()),
    }
}

/// A timeout within Lambda's 1..=900 s.
fn check_timeout(
    places: &Places,
    at: &str,
    path: &[Seg],
    t: Option<u32>,
) -> Result<(), ConfigError> {
    match t {
        Some(t) if !(1..=900).contains(&t) => Err(places.err(
            &join(path, &[Seg::K("timeout_s")]),
            format!("{at}timeout_s = {t} is outside Lambda's 1..=900 s"),
        )),
        _ => Ok(()),
    }
}

/// Ephemeral storage within Lambda's 512..=10240 MB.
fn check_ephemeral(
    places: &Places,
    at: &str,
    path: &[Seg],
    mb: Option<u32>,
) -> Result<(), ConfigError> {
    match mb {
        Some(mb) if !(512..=10_240).contains(&mb) => Err(places.err(
            &join(path, &[Seg::K("ephemeral_storage_mb")]),
            format!("{at}ephemeral_storage_mb = {mb} is outside Lambda's 512..=10240 MB"),
        )),
        _ => Ok(()),
    }
}

/// The duration model of one entry: a share within 0..=1, not given beside a named model
/// (which one would win is not obvious), and threads within `tune --threads`' 1..=64.
fn check_duration_model(
    places: &Places,
    at: &str,
    path: &[Seg],
    name: Option<DurationModelName>,
    f: Option<f64>,
    threads: Option<u32>,
) -> Result<(), ConfigError> {
    if let Some(f) = f {
        if !(0.0..=1.0).contains(&f) {
            return Err(places.err(
                &join(path, &[Seg::K("cpu_bound_fraction")]),
                format!("{at}cpu_bound_fraction = {f}: give a share between 0 and 1"),
            ));
        }
        if let Some(name) = name {
            return Err(places.err(
                &join(path, &[Seg::K("cpu_bound_fraction")]),
                format!(
                    "{at}cpu_bound_fraction = {f} and duration_model = \"{}\" are both given; keep one of them",
                    name.as_str()
                ),
            ));
        }
    }
    match threads {
        Some(t) if !(1..=64).contains(&t) => Err(places.err(
            &join(path, &[Seg::K("threads")]),
            format!("{at}threads = {t}: give the threads the function keeps busy, 1 to 64"),
        )),
        _ => Ok(()),
    }
}

fn validate_traffic(
    places: &Places,
    at: &str,
    path: &[Seg],
    t: &ExplicitTraffic,
) -> Result<(), ConfigError> {
    let path = join(path, &[Seg::K("traffic")]);
    let key = |k: &'static str| join(&path, &[Seg::K(k)]);
    let [lo, ty, hi] = t.requests_per_month.triple();
    if !(lo.is_finite() && lo >= 0.0 && lo <= ty && ty <= hi && hi <= 1e15) {
        return Err(places.err(
            &key("requests_per_month"),
            format!("{at}traffic.requests_per_month: need 0 <= low <= typical <= high <= 1e15, got {lo}, {ty}, {hi}"),
        ));
    }
    let mean = t.duration_ms.mean_ms();
    if !(mean.is_finite() && mean > 0.0 && mean <= 900_000.0) {
        return Err(places.err(
            &key("duration_ms"),
            format!(
                "{at}traffic.duration_ms = {mean}: give the mean duration in ms (0 < d <= 900000)"
            ),
        ));
    }
    if let Some(p99) = t.duration_ms.p99_ms() {
        if !(p99.is_finite() && p99 > mean && p99 <= 15.0 * mean) {
            return Err(places.err(
                &join(&key("duration_ms"), &[Seg::K("p99")]),
                format!("{at}traffic.duration_ms.p99 = {p99}: must be above the mean ({mean}) and at most 15× it"),
            ));
        }
    }
    for (k, v) in [
        ("cold_start_ratio", t.cold_start_ratio),
        ("error_ratio", t.error_ratio),
    ] {
        if !(0.0..=1.0).contains(&v) {
            return Err(places.err(
                &key(k),
                format!("{at}traffic.{k} = {v}: give a ratio between 0 and 1"),
            ));
        }
    }
    if !(t.init_ms.is_finite() && (0.0..=900_000.0).contains(&t.init_ms)) {
        return Err(places.err(
            &key("init_ms"),
            format!(
                "{at}traffic.init_ms = {}: give the INIT duration in ms",
                t.init_ms
            ),
        ));
    }
    check_memory(
        places,
        &format!("{at}traffic."),
        &path,
        "measured_at_memory_mb",
        t.measured_at_memory_mb,
    )
}

fn rule_err(places: &Places, at: &str, path: &[Seg], e: RuleError) -> ConfigError {
    places.err(&join(path, &[Seg::K("rules")]), format!("{at}rules: {e}"))
}

fn toml_text(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => f.to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        other => format!("{other:?}"),
    }
}

impl Project {
    /// Reads and resolves `file` (paths inside it are relative to its directory).
    pub fn load(file: &Path) -> Result<Project, ConfigError> {
        Project::load_for(file, true)
    }

    /// [`Project::load`] for `faascope report --rules`, whose logs are its SOURCES: a file that
    /// only sets rules (or settings of some functions) is enough, with no functions or logs.
    pub fn load_for_rules(file: &Path) -> Result<Project, ConfigError> {
        Project::load_for(file, false)
    }

    fn load_for(file: &Path, needs_traffic: bool) -> Result<Project, ConfigError> {
        let text = std::fs::read_to_string(file)
            .map_err(|e| {
                invalid(
                    file,
                    format!(
                        "cannot read the project file: {e}. Fix: pass --config with the path of your faascope.toml, or write one (the format is in docs/ci/README.md)"
                    ),
                )
            })?;
        let raw: ProjectFile = toml::from_str(&text).map_err(|e| {
            invalid(
                file,
                format!("not a valid faascope.toml: {}", toml_error_text(&e, &text)),
            )
        })?;
        Project::resolve(file, &text, raw, needs_traffic)
    }

    fn resolve(
        file: &Path,
        text: &str,
        raw: ProjectFile,
        needs_traffic: bool,
    ) -> Result<Project, ConfigError> {
        let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
        let rel = |p: &PathBuf| {
            // Live sources (cloudwatch://…) are not paths.
            if p.is_absolute() || p.to_string_lossy().contains("://") {
                p.clone()
            } else {
                dir.join(p)
            }
        };
        let places = Places::new(file, text);
        let d = &raw.defaults;
        let defaults = [Seg::K("defaults")];
        check_memory(&places, "defaults.", &defaults, "memory_mb", d.memory_mb)?;
        check_timeout(&places, "defaults.", &defaults, d.timeout_s)?;
        check_ephemeral(&places, "defaults.", &defaults, d.ephemeral_storage_mb)?;
        check_duration_model(
            &places,
            "defaults.",
            &defaults,
            d.duration_model,
            d.cpu_bound_fraction,
            d.threads,
        )?;
        raw.thresholds
            .validate(&places, "thresholds.", &[Seg::K("thresholds")])?;
        let d_arch = match &d.arch {
            Some(a) => parse_arch(&places, "defaults.", &defaults, a)?,
            None => Arch::X86_64,
        };
        let d_region = d.region.clone().unwrap_or_else(|| "us-east-1".into());
        let mut base_rules = RuleSet::defaults();
        base_rules
            .apply(&raw.rules)
            .map_err(|e| rule_err(&places, "", &[], e))?;
        let keep_alive = d.keep_alive_s.unwrap_or(600.0);
        if !(keep_alive.is_finite() && keep_alive >= 0.0) {
            return Err(places.err(
                &[Seg::K("defaults"), Seg::K("keep_alive_s")],
                format!("defaults.keep_alive_s = {keep_alive}: give seconds >= 0"),
            ));
        }
        let model_of = |name: Option<DurationModelName>, frac: Option<f64>| match (frac, name) {
            (Some(f), _) => DurationModel::Fraction(f),
            (None, Some(DurationModelName::IoBound)) => DurationModel::Fraction(0.0),
            (None, Some(DurationModelName::CpuBound)) => DurationModel::Fraction(1.0),
            (None, Some(DurationModelName::Pessimistic)) => DurationModel::Pessimistic,
            (None, Some(DurationModelName::Auto) | None) => DurationModel::Auto,
        };
        let d_model = model_of(d.duration_model, d.cpu_bound_fraction);
        let logs: Vec<PathBuf> = raw.logs.iter().map(rel).collect();

        // Template functions.
        let params: BTreeMap<String, String> = raw
            .template
            .parameters
            .iter()
            .map(|(k, v)| (k.clone(), toml_text(v)))
            .collect();
        let mut from_templates: Vec<TemplateFunction> = Vec::new();
        if let Some(sam) = &raw.template.sam {
            from_templates.extend(read_sam(&rel(sam), &params)?);
        }
        if let Some(sls) = &raw.template.serverless {
            from_templates.extend(read_serverless(&rel(sls), raw.template.stage.as_deref())?);
        }

        let base = |name: String| ProjectFunction {
            name,
            defined_at: Vec::new(),
            location: None,
            declared: false,
            settings: Settings {
                memory_mb: d.memory_mb,
                arch: d_arch,
                region: d_region.clone(),
                timeout_s: d.timeout_s,
                runtime: d.runtime.clone(),
                provisioned_concurrency: 0,
                reserved_concurrency: None,
                ephemeral_storage_mb: d.ephemeral_storage_mb.unwrap_or(512),
                package: PackageType::ManagedRuntimeZip,
                snapstart: false,
            },
            traffic: TrafficSource::Logs {
                paths: logs.clone(),
                names: Vec::new(),
            },
            thresholds: raw.thresholds,
            rules: base_rules.clone(),
            duration_model: d_model,
            threads: d.threads.unwrap_or(1).max(1),
            keep_alive_s: keep_alive,
        };

        let mut functions: Vec<ProjectFunction> = Vec::new();
        let mut used_templates = vec![false; from_templates.len()];
        let mut seen_names: BTreeMap<String, usize> = BTreeMap::new();
        for (i, e) in raw.functions.iter().enumerate() {
            let at = format!("functions[{i}] ({}): ", e.name);
            let here = [Seg::K("functions"), Seg::I(i)];
            let name_path = join(&here, &[Seg::K("name")]);
            if e.name.trim().is_empty() {
                return Err(places.err(&name_path, format!("functions[{i}]: name is empty")));
            }
            if let Some(prev) = seen_names.insert(e.name.clone(), i) {
                return Err(places.err(
                    &name_path,
                    format!("{at}the name is already used by functions[{prev}]; give each function once"),
                ));
            }
            check_memory(&places, &at, &here, "memory_mb", e.memory_mb)?;
            check_timeout(&places, &at, &here, e.timeout_s)?;
            check_ephemeral(&places, &at, &here, e.ephemeral_storage_mb)?;
            check_duration_model(
                &places,
                &at,
                &here,
                e.duration_model,
                e.cpu_bound_fraction,
                e.threads,
            )?;
            e.thresholds.validate(
                &places,
                &format!("{at}thresholds."),
                &join(&here, &[Seg::K("thresholds")]),
            )?;
            let mut f = base(e.name.clone());
            // The template entry this function describes: by resource key or by name.
            let t_index = from_templates.iter().position(|t| match &e.resource {
                Some(r) => &t.key == r,
                None => t.candidate_names().contains(&e.name),
            });
            if let (Some(r), None) = (&e.resource, t_index) {
                return Err(places.err(
                    &join(&here, &[Seg::K("resource")]),
                    format!("{at}resource = \"{r}\" is not a function of the SAM/Serverless file(s) given under [template]"),
                ));
            }
            let line = line_of(text, &format!("\"{}\"", e.name));
            f.defined_at.push(match line {
                Some(l) => format!("{}:{l}", file.display()),
                None => file.display().to_string(),
            });
            f.location = line.map(|l| (file.to_path_buf(), l));
            f.declared = true;
            let mut names = vec![e.name.clone()];
            if let Some(ti) = t_index {
                used_templates[ti] = true;
                let t = &from_templates[ti];
                // A template value that cannot be read is an error unless this entry sets it.
                if let Some((setting, err)) = t
                    .unresolved
                    .iter()
                    .find(|(setting, _)| !overrides(e, setting))
                {
                    return Err(unresolved_error(setting, err, &e.name));
                }
                apply_template(&mut f, t);
                for n in t.candidate_names() {
                    if !names.contains(&n) {
                        names.push(n);
                    }
                }
            }
            let s = &mut f.settings;
            if let Some(m) = e.memory_mb {
                s.memory_mb = Some(m);
            }
            if let Some(a) = &e.arch {
                s.arch = parse_arch(&places, &at, &here, a)?;
            }
            if let Some(r) = &e.region {
                s.region = r.clone();
            }
            if e.timeout_s.is_some() {
                s.timeout_s = e.timeout_s;
            }
            if e.runtime.is_some() {
                s.runtime = e.runtime.clone();
                s.package = super::templates::package_type(None, e.runtime.as_deref());
            }
            if let Some(pc) = e.provisioned_concurrency {
                s.provisioned_concurrency = pc;
            }
            if e.reserved_concurrency.is_some() {
                s.reserved_concurrency = e.reserved_concurrency;
            }
            if let Some(eph) = e.ephemeral_storage_mb {
                s.ephemeral_storage_mb = eph;
            }
            if let Some(on) = e.snapstart {
                s.snapstart = on;
            }
            if let Some(k) = e.keep_alive_s {
                if !(k.is_finite() && k >= 0.0) {
                    return Err(places.err(
                        &join(&here, &[Seg::K("keep_alive_s")]),
                        format!("{at}keep_alive_s = {k}: give seconds >= 0"),
                    ));
                }
                f.keep_alive_s = k;
            }
            if e.duration_model.is_some() || e.cpu_bound_fraction.is_some() {
                f.duration_model = model_of(e.duration_model, e.cpu_bound_fraction);
            }
            if let Some(t) = e.threads {
                f.threads = t.max(1);
            }
            f.thresholds = e.thresholds.or(raw.thresholds);
            f.rules
                .apply(&e.rules)
                .map_err(|err| rule_err(&places, &at, &here, err))?;
            f.traffic = match (&e.traffic, e.logs.is_empty()) {
                (Some(_), false) => {
                    return Err(places.err(
                        &join(&here, &[Seg::K("traffic")]),
                        format!("{at}give either `logs` or `traffic`, not both"),
                    ))
                }
                (Some(t), true) => {
                    validate_traffic(&places, &at, &here, t)?;
                    TrafficSource::Explicit(t.clone())
                }
                (None, _) => {
                    let paths: Vec<PathBuf> = if e.logs.is_empty() {
                        logs.clone()
                    } else {
                        e.logs.iter().map(rel).collect()
                    };
                    // `report --rules` gives the logs as its SOURCES: a function entry there
                    // only sets what the rules judge (its timeout, say).
                    if paths.is_empty() && needs_traffic {
                        return Err(places.err(
                            &name_path,
                            format!("{at}no traffic: add a [functions.traffic] table, or log sources (`logs = [...]` at the top or in the function)"),
                        ));
                    }
                    TrafficSource::Logs { paths, names }
                }
            };
            functions.push(f);
        }
        // Template functions not described in faascope.toml take their traffic from the logs.
        for (ti, t) in from_templates.iter().enumerate() {
            if used_templates[ti] {
                continue;
            }
            if let Some((setting, err)) = t.unresolved.first() {
                return Err(unresolved_error(setting, err, t.display_name()));
            }
            let mut f = base(t.display_name().to_string());
            apply_template(&mut f, t);
            if logs.is_empty() && needs_traffic {
                return Err(invalid(
                    file,
                    format!(
                        "function `{}` ({}) has no traffic: add top-level `logs = [...]`, or a [[functions]] entry with a [functions.traffic] table",
                        t.display_name(),
                        t.location()
                    ),
                ));
            }
            f.traffic = TrafficSource::Logs {
                paths: logs.clone(),
                names: t.candidate_names(),
            };
            if let Some(prev) = functions.iter().find(|g| g.name == f.name) {
                return Err(invalid(
                    file,
                    format!(
                        "function `{}` is defined twice ({} and {})",
                        f.name,
                        prev.defined_at.join(", "),
                        t.location()
                    ),
                ));
            }
            functions.push(f);
        }
        let auto = if functions.is_empty() && (needs_traffic || !logs.is_empty()) {
            if logs.is_empty() {
                return Err(invalid(
                    file,
                    "no functions: add [[functions]] entries, a [template] file, or top-level `logs = [...]` to price every function the logs show",
                ));
            }
            Some(AutoFunctions {
                paths: logs.clone(),
                template: base(String::new()),
            })
        } else {
            None
        };
        let pricing_files = raw.pricing.files.iter().map(rel).collect();
        let window = raw.aws.window.as_deref().unwrap_or("7d");
        let live_window_ms = crate::timeparse::parse_time_arg(window, 0)
            .ok()
            .filter(|ms| *ms < 0)
            .map(|ms| -ms)
            .ok_or_else(|| {
                places.err(
                    &[Seg::K("aws"), Seg::K("window")],
                    format!("aws.window = \"{window}\": give a duration such as 24h or 7d"),
                )
            })?;
        if let Some(u) = &raw.aws.endpoint_url {
            crate::aws::check_endpoint_url(u).map_err(|e| {
                places.err(
                    &[Seg::K("aws"), Seg::K("endpoint_url")],
                    format!("aws.endpoint_url: {e}"),
                )
            })?;
        }
        if let Some(r) = &raw.aws.region {
            crate::aws::check_region(r).map_err(|e| {
                places.err(
                    &[Seg::K("aws"), Seg::K("region")],
                    format!("aws.region: {e}"),
                )
            })?;
        }
        // Places are written into baselines: relative to the project file's folder, so that
        // the bytes do not depend on how --config was spelt or where the checkout is.
        for f in &mut functions {
            for at in &mut f.defined_at {
                *at = relative_place(file, at);
            }
        }
        Ok(Project {
            file: file.to_path_buf(),
            name: raw.project.name.clone(),
            seed: raw.project.seed.unwrap_or(1),
            pricing_files,
            free_tier: raw.pricing.free_tier,
            thresholds: raw.thresholds,
            rules: base_rules.clone(),
            functions,
            auto,
            aws: crate::aws::AwsOptions {
                region: raw.aws.region.clone(),
                profile: raw.aws.profile.clone(),
                endpoint_url: raw.aws.endpoint_url.clone(),
                cache: true,
            },
            live_window_ms,
        })
    }
}

/// `place` (`PATH` or `PATH:LINE`) relative to the folder of `project_file` when it lies below
/// it; the project file itself by its name.
pub(crate) fn relative_place(project_file: &Path, place: &str) -> String {
    let shown = project_file.display().to_string();
    if let Some(rest) = place.strip_prefix(&shown) {
        if rest.is_empty() || rest.starts_with(':') || rest.starts_with(' ') {
            let name = project_file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or(shown);
            return format!("{name}{rest}");
        }
    }
    match project_file.parent().map(|d| d.display().to_string()) {
        Some(dir) if !dir.is_empty() => place
            .strip_prefix(&dir)
            .and_then(|r| r.strip_prefix(std::path::MAIN_SEPARATOR))
            .map_or_else(|| place.to_string(), str::to_string),
        _ => place.to_string(),
    }
}

/// A template value that cannot be read, saying which faascope.toml setting takes its place.
fn unresolved_error(setting: &str, err: &TemplateError, name: &str) -> ConfigError {
    let mut err = err.clone();
    err.message.push_str(&match setting {
        "name" => " (or describe the function with a [[functions]] entry: resource = \"KEY\" (its logical id or function key) and the name it is deployed as)".to_string(),
        _ => format!(" (the setting is `{setting}` in a [[functions]] entry with name = \"{name}\", or resource = \"…\" naming the template's function)"),
    });
    err.into()
}

/// Whether `e` sets the setting a template names by its faascope.toml key (see
/// [`TemplateFunction::unresolved`]).
fn overrides(e: &FunctionEntry, setting: &str) -> bool {
    match setting {
        "memory_mb" => e.memory_mb.is_some(),
        "timeout_s" => e.timeout_s.is_some(),
        "arch" => e.arch.is_some(),
        "runtime" => e.runtime.is_some(),
        "provisioned_concurrency" => e.provisioned_concurrency.is_some(),
        "reserved_concurrency" => e.reserved_concurrency.is_some(),
        "ephemeral_storage_mb" => e.ephemeral_storage_mb.is_some(),
        "snapstart" => e.snapstart.is_some(),
        // The entry describing the template's function names it.
        "name" => true,
        _ => false,
    }
}

fn apply_template(f: &mut ProjectFunction, t: &TemplateFunction) {
    f.defined_at.push(t.location());
    if f.location.is_none() {
        f.location = t.line.map(|l| (t.file.clone(), l));
    }
    let s = &mut f.settings;
    if t.memory_mb.is_some() {
        s.memory_mb = t.memory_mb;
    }
    if let Some(a) = t.arch {
        s.arch = a;
    }
    if let Some(r) = &t.region {
        s.region = r.clone();
    }
    if t.timeout_s.is_some() {
        s.timeout_s = t.timeout_s;
    }
    if t.runtime.is_some() {
        s.runtime = t.runtime.clone();
    }
    if let Some(pc) = t.provisioned_concurrency {
        s.provisioned_concurrency = pc;
    }
    if t.reserved_concurrency.is_some() {
        s.reserved_concurrency = t.reserved_concurrency;
    }
    if let Some(e) = t.ephemeral_storage_mb {
        s.ephemeral_storage_mb = e;
    }
    if let Some(on) = t.snapstart {
        s.snapstart = on;
    }
    if let Some(p) = t.package {
        s.package = p;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Project, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("faascope.toml");
        std::fs::write(&p, text).unwrap();
        Project::load(&p)
    }

    /// Ninth-round ci review: a typo in a band or a duration named Rust's types, not the key.
    #[test]
    fn type_errors_name_the_keys_in_words() {
        let err = |text: &str| load(text).unwrap_err().to_string();
        let head = "[[functions]]\nname = \"x\"\nmemory_mb = 512\n[functions.traffic]\n";
        let e = err(&format!(
            "{head}requests_per_month = 1e6\nduration_ms = {{ mean = 5, p95 = 9 }}\n"
        ));
        assert!(
            e.contains("expected a number of ms (the mean), or { mean = MS, p99 = MS }; `p95` is no key here; `p99` missing"),
            "{e}"
        );
        assert!(!e.contains("DurationSpec"), "{e}");
        let e = err(&format!(
            "{head}requests_per_month = {{ low = 1, typical = 2, hgh = 3 }}\nduration_ms = 5\n"
        ));
        assert!(e.contains("`hgh` is no key here; `high` missing"), "{e}");
        // An extra key beside all those needed is refused too (verification of 4036a0b).
        let e = err(&format!(
            "{head}requests_per_month = {{ low = 1, typical = 2, high = 3, hihg = 4 }}\nduration_ms = 5\n"
        ));
        assert!(e.contains("`hihg` is no key here"), "{e}");
        let e = err(&format!(
            "{head}requests_per_month = 1e6\nduration_ms = {{ mean = 5, p99 = 9, p95 = 7 }}\n"
        ));
        assert!(e.contains("`p95` is no key here"), "{e}");
        let e = err("thresholds = 5\n[[functions]]\nname = \"x\"\n");
        assert!(e.contains("expected a table of max_increase_pct"), "{e}");
        assert!(!e.contains("struct Thresholds"), "{e}");
    }

    #[test]
    fn functions_with_logs_and_explicit_traffic() {
        let p = load(
            "logs = [\"logs\"]\n[defaults]\nregion = \"eu-west-1\"\n[thresholds]\nmax_increase_pct = 10\n[[functions]]\nname = \"api\"\nmemory_mb = 1024\narch = \"arm64\"\n[functions.thresholds]\nmax_increase_pct = 50\n[[functions]]\nname = \"batch\"\nmemory_mb = 2048\n[functions.traffic]\nrequests_per_month = { low = 1e5, typical = 2e5, high = 4e5 }\nduration_ms = { mean = 800, p99 = 3000 }\ncold_start_ratio = 0.02\ninit_ms = 400\n",
        )
        .unwrap();
        assert_eq!(p.functions.len(), 2);
        let api = &p.functions[0];
        assert_eq!(api.settings.memory_mb, Some(1024));
        assert_eq!(api.settings.arch, Arch::Arm64);
        assert_eq!(api.settings.region, "eu-west-1");
        assert_eq!(api.thresholds.max_increase_pct, Some(50.0));
        assert!(
            matches!(&api.traffic, TrafficSource::Logs { paths, .. } if paths[0].ends_with("logs"))
        );
        let batch = &p.functions[1];
        assert_eq!(batch.thresholds.max_increase_pct, Some(10.0));
        assert!(
            matches!(&batch.traffic, TrafficSource::Explicit(t) if t.requests_per_month.triple() == [1e5, 2e5, 4e5])
        );
        assert!(p.auto.is_none());
    }

    #[test]
    fn errors_name_the_key_and_the_fix() {
        let e = load("[[functions]]\nname = \"a\"\nmemroy_mb = 1\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("faascope.toml"), "{e}");
        assert!(e.contains("memroy_mb"), "{e}");
        assert!(e.contains("line 3"), "{e}");
        let e = load("logs = [\"x\"]\n[[functions]]\nname = \"a\"\nmemory_mb = 20000\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("functions[0] (a): memory_mb = 20000"), "{e}");
        let e = load("[[functions]]\nname = \"a\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("no traffic"), "{e}");
        let e = load("logs = [\"x\"]\n[rules.nope]\nthreshold = 1\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown rule `nope`"), "{e}");
        let e = load("[thresholds]\nmax_cold_start_ratio = 5\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("max_cold_start_ratio"), "{e}");
        let e = load("").unwrap_err().to_string();
        assert!(e.contains("no functions"), "{e}");
    }

    /// A share beside a named model is refused (which one wins is not obvious), and threads
    /// are held to tune's 1..=64.
    #[test]
    fn duration_model_and_threads_are_checked() {
        let e = load(
            "logs = [\"x\"]\n[defaults]\nduration_model = \"io-bound\"\ncpu_bound_fraction = 0.5\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("faascope.toml:4: defaults.cpu_bound_fraction = 0.5 and duration_model = \"io-bound\" are both given; keep one of them"),
            "{e}"
        );
        let e = load("logs = [\"x\"]\n[[functions]]\nname = \"a\"\nthreads = 0\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("faascope.toml:4: functions[0] (a): threads = 0: give the threads the function keeps busy, 1 to 64"),
            "{e}"
        );
        let e = load("logs = [\"x\"]\n[defaults]\nthreads = 65\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("defaults.threads = 65"), "{e}");
        // A function's share overrides the defaults' named model: allowed.
        let p = load("logs = [\"x\"]\n[defaults]\nduration_model = \"io-bound\"\nthreads = 64\n[[functions]]\nname = \"a\"\ncpu_bound_fraction = 0.25\n")
            .unwrap();
        assert_eq!(p.functions[0].threads, 64);
        assert!(matches!(
            p.functions[0].duration_model,
            DurationModel::Fraction(f) if f == 0.25
        ));
    }

    /// Values out of range name the file and the line they are on (finding 10), timeouts
    /// outside 1..=900 s are refused (finding 5).
    #[test]
    fn value_errors_name_the_line() {
        let e = load("logs = [\"x\"]\n[thresholds]\nmax_increase_pct = -10\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("faascope.toml:3: thresholds.max_increase_pct = -10"),
            "{e}"
        );
        let e = load("logs = [\"x\"]\n[[functions]]\nname = \"a\"\n\n[functions.thresholds]\nmax_cold_start_ratio = 2\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("faascope.toml:6: functions[0] (a): thresholds.max_cold_start_ratio = 2"),
            "{e}"
        );
        let e = load("logs = [\"x\"]\n[[functions]]\nname = \"a\"\n[[functions]]\nname = \"b\"\nmemory_mb = 99999\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("faascope.toml:6: functions[1] (b): memory_mb = 99999"),
            "{e}"
        );
        for t in [0, 901, 1_000_000] {
            let e = load(&format!(
                "logs = [\"x\"]\n[[functions]]\nname = \"a\"\ntimeout_s = {t}\n"
            ))
            .unwrap_err()
            .to_string();
            assert!(e.contains(&format!("faascope.toml:4: functions[0] (a): timeout_s = {t} is outside Lambda's 1..=900 s")), "{e}");
            let e = load(&format!("logs = [\"x\"]\n[defaults]\ntimeout_s = {t}\n"))
                .unwrap_err()
                .to_string();
            assert!(
                e.contains(&format!("faascope.toml:3: defaults.timeout_s = {t}")),
                "{e}"
            );
        }
        for t in [1, 900] {
            load(&format!(
                "logs = [\"x\"]\n[[functions]]\nname = \"a\"\ntimeout_s = {t}\n"
            ))
            .unwrap();
        }
        let e = load("logs = [\"x\"]\n[defaults]\nephemeral_storage_mb = 100\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("faascope.toml:3: defaults.ephemeral_storage_mb = 100"),
            "{e}"
        );
        let e = load("[[functions]]\nname = \"a\"\nmemory_mb = 512\n[functions.traffic]\nrequests_per_month = 10\nduration_ms = 100\ncold_start_ratio = 3\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("faascope.toml:7: functions[0] (a): traffic.cold_start_ratio = 3"),
            "{e}"
        );
        let e = load("logs = [\"x\"]\n[aws]\nwindow = \"soon\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("faascope.toml:3: aws.window"), "{e}");
    }

    #[test]
    fn logs_only_means_every_observed_function() {
        let p = load("logs = [\"sample\"]\n[defaults]\narch = \"arm64\"\n").unwrap();
        assert!(p.functions.is_empty());
        let auto = p.auto.unwrap();
        assert_eq!(auto.template.settings.arch, Arch::Arm64);
    }

    /// Sixth-round CI review: a template value faascope cannot evaluate (`!If`, `${ssm:…}`) or
    /// outside Lambda's range failed the project even with the function's `memory_mb` set in
    /// faascope.toml, as the error advised: the entry's setting takes its place.
    #[test]
    fn a_template_value_that_cannot_be_read_gives_way_to_the_entrys_setting() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("t.yaml"),
            "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      FunctionName: fn\n      MemorySize: !If [IsProd, 1024, 512]\n      Timeout: 20000\n",
        )
        .unwrap();
        let p = dir.path().join("faascope.toml");
        let project = |settings: &str| {
            format!("[template]\nsam = \"t.yaml\"\n[[functions]]\nname = \"fn\"\n{settings}\n[functions.traffic]\nrequests_per_month = 1000\nduration_ms = 100\n")
        };
        std::fs::write(&p, project("memory_mb = 1024\ntimeout_s = 30")).unwrap();
        let f = &Project::load(&p).unwrap().functions[0];
        assert_eq!(f.settings.memory_mb, Some(1024));
        assert_eq!(f.settings.timeout_s, Some(30));
        // Without it, the template's error, naming the setting that would take its place.
        std::fs::write(&p, project("memory_mb = 1024")).unwrap();
        let e = Project::load(&p).unwrap_err().to_string();
        assert!(
            e.contains("t.yaml:7") && e.contains("Timeout = 20000") && e.contains("`timeout_s`"),
            "{e}"
        );
        std::fs::write(&p, project("timeout_s = 30")).unwrap();
        let e = Project::load(&p).unwrap_err().to_string();
        assert!(
            e.contains("t.yaml:6") && e.contains("!If") && e.contains("`memory_mb`"),
            "{e}"
        );
        // A template function without an entry: the template's error.
        std::fs::write(&p, "logs = [\"logs\"]\n[template]\nsam = \"t.yaml\"\n").unwrap();
        let e = Project::load(&p).unwrap_err().to_string();
        assert!(e.contains("t.yaml:6") && e.contains("!If"), "{e}");
    }

    #[test]
    fn places_are_relative_to_the_project_file() {
        let p = Path::new("/work/repo/ci/faascope.toml");
        assert_eq!(
            relative_place(p, "/work/repo/ci/faascope.toml:12"),
            "faascope.toml:12"
        );
        assert_eq!(
            relative_place(p, "/work/repo/ci/template.yaml:51"),
            "template.yaml:51"
        );
        assert_eq!(
            relative_place(p, "/work/repo/ci/../sam/t.yaml"),
            "../sam/t.yaml"
        );
        assert_eq!(
            relative_place(p, "/elsewhere/t.yaml:3"),
            "/elsewhere/t.yaml:3"
        );
        let q = Path::new("faascope.toml");
        assert_eq!(relative_place(q, "template.yaml:51"), "template.yaml:51");
        assert_eq!(
            relative_place(q, "faascope.toml (logs)"),
            "faascope.toml (logs)"
        );
    }
}
