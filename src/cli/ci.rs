//! `faascope ci baseline` and `faascope ci check`: the cost-regression gate.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Args, Subcommand};

use super::{terminal_width, write_stdout, UsageError, EXIT_CHECK_FAILED, EXIT_OK};
use crate::ci::evaluate::PricingRef;
use crate::ci::{canonical_json, check, evaluate, Evaluation, Project, Thresholds, SCHEMA};
use crate::cost::{Catalog, PriceBook};
use crate::output::ci::{render_baseline_summary, render_check, render_github, CheckFormat};
use crate::output::{write_atomic, Format};

#[derive(Subcommand, Debug)]
pub enum CiCommand {
    /// Price and simulate the project as it is and write the baseline (deterministic JSON).
    #[command(
        after_help = "Examples (the second from the repository's root, with its example project):\n  faascope ci baseline --out cost-baseline.json\n  faascope ci baseline --config docs/ci/example/faascope.toml \\\n      --out cost-baseline.json --force\n\nWithout --config, ./faascope.toml is read."
    )]
    Baseline(BaselineArgs),
    /// Compare the project as it is now with a baseline; exit 1 when a threshold is crossed.
    #[command(
        after_help = "Examples (with ./faascope.toml, or --config PATH as for `ci baseline`):\n  faascope ci check --baseline cost-baseline.json --max-increase-pct 10\n  faascope ci check --baseline cost-baseline.json --format markdown \\\n      --out comment.md --github\n  faascope ci check --baseline cost-baseline.json --format junit \\\n      --out faascope-junit.xml\n\nExit codes: 0 within every threshold, 1 over a threshold (or a rule set to severity \"fail\"), 2 bad input."
    )]
    Check(CheckArgs),
}

#[derive(Args, Debug)]
pub struct ConfigArgs {
    /// The project file.
    #[arg(long, value_name = "FILE", default_value = "faascope.toml")]
    pub config: PathBuf,
    /// Extra price files over the built-in sheets and the project's (repeatable).
    #[arg(long, value_name = "FILE")]
    pub pricing: Vec<PathBuf>,
}

#[derive(Args, Debug)]
pub struct BaselineArgs {
    #[command(flatten)]
    pub project: ConfigArgs,
    /// Where to write the baseline (atomically).
    #[arg(long, value_name = "FILE", default_value = "cost-baseline.json")]
    pub out: PathBuf,
    /// Replace --out if it exists.
    #[arg(long)]
    pub force: bool,
    /// Record the wall-clock time in the baseline (it is then no longer byte-identical).
    #[arg(long)]
    pub timestamp: bool,
    /// The summary printed on stdout.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub project: ConfigArgs,
    /// The baseline written by `faascope ci baseline`.
    #[arg(long, value_name = "FILE")]
    pub baseline: PathBuf,
    /// Fail when a function's or the total typical monthly cost grows by more than P percent.
    #[arg(long, value_name = "P")]
    pub max_increase_pct: Option<f64>,
    /// Fail when a function's or the total typical monthly cost grows by more than U USD.
    #[arg(long, value_name = "U")]
    pub max_increase_usd: Option<f64>,
    /// Fail when a function's simulated p99 response time grows by more than Q percent.
    #[arg(long, value_name = "Q")]
    pub max_p99_increase_pct: Option<f64>,
    /// Fail when a function's simulated cold-start ratio is above R (0.05 = 5 %).
    #[arg(long, value_name = "R")]
    pub max_cold_start_ratio: Option<f64>,
    #[arg(long, value_enum, default_value_t = CheckFormat::Table)]
    pub format: CheckFormat,
    /// Also print GitHub Actions annotations (::error / ::warning) on stdout, and append the
    /// Markdown report to $GITHUB_STEP_SUMMARY when it is set. With --format json, junit or csv
    /// give --out too (the annotations would break the report on stdout).
    #[arg(long)]
    pub github: bool,
    /// Write the report to this file (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Replace --out if it exists.
    #[arg(long)]
    pub force: bool,
}

/// The project and its evaluation; `baseline` (in `ci check`) tells where explicit durations
/// were priced before (see [`evaluate`]).
fn load_project(a: &ConfigArgs, baseline: Option<&Evaluation>) -> Result<(Project, Evaluation)> {
    let project = Project::load(&a.config).map_err(|e| UsageError(e.to_string()))?;
    let mut catalog = Catalog::builtin()?;
    for f in project.pricing_files.iter().chain(a.pricing.iter()) {
        catalog
            .apply_override_file(f)
            .map_err(|e| UsageError(e.to_string()))?;
    }
    super::cost::warn_overrides(&catalog);
    let pricing: Vec<PricingRef> = catalog
        .list()
        .into_iter()
        .filter(|o| o.id.starts_with("aws-lambda"))
        .map(|o| PricingRef {
            offering: o.id.clone(),
            effective: o
                .newest_effective_date
                .map(|d| d.to_string())
                .unwrap_or_default(),
        })
        .collect();
    let book = PriceBook::new(&catalog);
    let eval = evaluate(&project, &book, pricing, baseline).map_err(|e| match e {
        crate::ci::evaluate::EvalError::Input(m) => UsageError(m).into(),
        crate::ci::evaluate::EvalError::Ingest(i) => {
            anyhow::Error::from(UsageError(format!("{}: {i}", a.config.display())))
        }
        other => anyhow::Error::new(other),
    })?;
    // What reading the logs skipped or warned of, as `report` and `cost` say it (ninth-round
    // ci review: impossible dates and replaced bytes went unsaid).
    let skips = &eval.ingest;
    if !skips.is_empty()
        || skips.replaced_utf8 > 0
        || skips.impossible_times > 0
        || !skips.own_exports.is_empty()
        || !skips.init_failures.is_empty()
    {
        let summary = crate::output::report::skipped_summary(skips, 5);
        crate::diag!("{}", summary.trim_end_matches('\n'));
    }
    // Said by every run that pulled without them (verification of the sixth round: only a
    // check whose baseline had them said so): by `ci baseline` here, by `ci check` in its
    // report's notes, whatever the baseline said. So is what the logs held that was not
    // priced (the malformed records' count is in the summary above).
    if baseline.is_none() {
        for n in eval
            .notes
            .iter()
            .filter(|n| n.starts_with(crate::ci::evaluate::DELETED_GROUPS_NOTE))
        {
            crate::diag!("note: {n}");
        }
        for f in &eval.functions {
            for n in f
                .notes
                .iter()
                .filter(|n| crate::ci::evaluate::input_note(n))
            {
                crate::diag!("note: {}: {n}", crate::output::sanitize(&f.name));
            }
        }
    }
    Ok((project, eval))
}

/// Refuses an --out that is a directory, one that exists without --force, and one that is a
/// file the run reads (its --config, --baseline or a --pricing file), even with --force
/// (ninth-round ci review: `ci check --out` over its own --baseline, and `ci baseline --out`
/// over the project file, replaced them with a report).
fn refuse_overwrite(path: &Path, force: bool, inputs: &[&Path]) -> Result<()> {
    if let Ok(out) = std::fs::canonicalize(path) {
        if let Some(input) = inputs
            .iter()
            .find(|i| std::fs::canonicalize(i).is_ok_and(|i| i == out))
        {
            return Err(UsageError(format!(
                "--out {} is {}, which this run reads; write the output to another file",
                path.display(),
                input.display()
            ))
            .into());
        }
    }
    if path.is_dir() {
        return Err(UsageError(format!(
            "{} is a directory; give --out a file name in it (e.g. {})",
            path.display(),
            path.join("baseline.json").display()
        ))
        .into());
    }
    if !force && crate::output::replaces_a_file(path) {
        return Err(UsageError(format!(
            "{} exists; pass --force to replace it",
            path.display()
        ))
        .into());
    }
    Ok(())
}

pub fn run_ci(cmd: CiCommand) -> Result<i32> {
    match cmd {
        CiCommand::Baseline(a) => run_baseline(a),
        CiCommand::Check(a) => run_check(a),
    }
}

fn run_baseline(a: BaselineArgs) -> Result<i32> {
    if a.out == Path::new("-") {
        return Err(UsageError(
            "the baseline is a file for `ci check --baseline`: give --out a path (its summary goes to standard output)".into(),
        )
        .into());
    }
    let inputs: Vec<&Path> = std::iter::once(a.project.config.as_path())
        .chain(a.project.pricing.iter().map(PathBuf::as_path))
        .collect();
    refuse_overwrite(&a.out, a.force, &inputs)?;
    let (_, mut eval) = load_project(&a.project, None)?;
    if a.timestamp {
        eval.generated_at = Some(chrono::Utc::now().to_rfc3339());
    }
    let json = canonical_json(&eval).context("serialising the baseline")?;
    write_atomic(&a.out, a.force, json.as_bytes())
        .with_context(|| format!("cannot write {}", a.out.display()))?;
    let text = match a.format {
        Format::Json => json,
        f => {
            let mut s = render_baseline_summary(&eval, f, terminal_width());
            if f == Format::Table {
                s.push_str(&format!("baseline written to {}\n", a.out.display()));
            }
            s
        }
    };
    write_stdout(text.as_bytes())?;
    Ok(EXIT_OK)
}

fn read_baseline(path: &Path) -> Result<Evaluation> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        UsageError(format!(
            "{}: cannot read the baseline: {e}. Fix: write one with `faascope ci baseline --out {}`",
            path.display(),
            path.display()
        ))
    })?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| UsageError(format!("{}: not valid JSON: {e}", path.display())))?;
    match value.get("schema").and_then(|s| s.as_str()) {
        Some(SCHEMA) => {}
        Some(other) => {
            return Err(UsageError(format!(
                "{}: baseline schema `{other}` is not `{SCHEMA}`. Fix: regenerate it with `faascope ci baseline`",
                path.display()
            ))
            .into())
        }
        None => {
            return Err(UsageError(format!(
                "{}: not a faascope baseline (no \"schema\": \"{SCHEMA}\"). Fix: write one with `faascope ci baseline`",
                path.display()
            ))
            .into())
        }
    }
    let malformed = |e: String| {
        UsageError(format!(
            "{}: malformed baseline: {e}. Fix: regenerate it with `faascope ci baseline`",
            path.display()
        ))
    };
    let baseline: Evaluation = serde_json::from_str(&text).map_err(|e| malformed(e.to_string()))?;
    baseline.validate().map_err(malformed)?;
    Ok(baseline)
}

fn run_check(mut a: CheckArgs) -> Result<i32> {
    // `--out -` is standard output, as for `export`.
    if a.out.as_deref() == Some(Path::new("-")) {
        a.out = None;
    }
    // GitHub reads the annotations from stdout: a machine-readable report there would be
    // broken by them.
    if a.github
        && a.out.is_none()
        && matches!(
            a.format,
            CheckFormat::Json | CheckFormat::Junit | CheckFormat::Csv
        )
    {
        let f = match a.format {
            CheckFormat::Json => "json",
            CheckFormat::Junit => "junit",
            _ => "csv",
        };
        return Err(UsageError(format!(
            "--github prints workflow annotations on stdout, which would break the {f} report there. Fix: write the report to a file with --out FILE (e.g. --out faascope-report.{})",
            if f == "junit" { "xml" } else { f }
        ))
        .into());
    }
    if let Some(out) = &a.out {
        let inputs: Vec<&Path> = [a.project.config.as_path(), a.baseline.as_path()]
            .into_iter()
            .chain(a.project.pricing.iter().map(PathBuf::as_path))
            .collect();
        refuse_overwrite(out, a.force, &inputs)?;
    }
    let cli = Thresholds {
        max_increase_pct: a.max_increase_pct,
        max_increase_usd: a.max_increase_usd,
        max_p99_increase_pct: a.max_p99_increase_pct,
        max_cold_start_ratio: a.max_cold_start_ratio,
    };
    for (flag, v) in [
        ("--max-increase-pct", a.max_increase_pct),
        ("--max-increase-usd", a.max_increase_usd),
        ("--max-p99-increase-pct", a.max_p99_increase_pct),
    ] {
        if let Some(v) = v.filter(|v| !v.is_finite() || *v < 0.0) {
            return Err(UsageError(format!(
                "{flag} {v}: give a finite number of at least 0 (leave the flag out for no limit)"
            ))
            .into());
        }
    }
    if a.max_cold_start_ratio
        .is_some_and(|r| !(0.0..=1.0).contains(&r))
    {
        return Err(UsageError(
            "--max-cold-start-ratio: give a ratio between 0 and 1 (0.05 for 5 %)".into(),
        )
        .into());
    }
    let baseline = read_baseline(&a.baseline)?;
    let (project, current) = load_project(&a.project, Some(&baseline))?;
    // Another project's baseline would read as a huge saving (its functions "removed").
    // (A baseline without a name, from before names were kept, is taken as this project's.)
    if let Some(was) = &baseline.project {
        if current.project.as_ref() != Some(was) {
            return Err(UsageError(format!(
                "{}: the baseline is of project `{}`, {} {}. Fix: point --baseline at this project's baseline, or write one with `faascope ci baseline --config {}`",
                a.baseline.display(),
                crate::output::sanitize(was),
                a.project.config.display(),
                match &current.project {
                    Some(is) => format!("is project `{}`", crate::output::sanitize(is)),
                    None => "names no project ([project] name)".to_string(),
                },
                a.project.config.display()
            ))
            .into());
        }
    }
    let total = cli.or(project.thresholds);
    let mut per_function: BTreeMap<String, Thresholds> = BTreeMap::new();
    for f in &project.functions {
        per_function.insert(f.name.clone(), cli.or(f.thresholds));
    }
    let report = check(
        &baseline,
        &current,
        &per_function,
        total,
        &a.baseline.display().to_string(),
        &a.project.config.display().to_string(),
    );
    let text = render_check(&report, a.format, terminal_width());
    if a.github {
        // Annotations name files from where the job runs (the repository root), not from the
        // folder of faascope.toml as the baseline does.
        let mut located = report.clone();
        let dir = project.file.parent().unwrap_or(Path::new(""));
        for f in &mut located.functions {
            if let Some(at) = &mut f.defined_at {
                *at = dir.join(&*at).display().to_string();
            }
        }
        write_stdout(render_github(&located).as_bytes())?;
        if let Some(summary) = std::env::var_os("GITHUB_STEP_SUMMARY") {
            use std::io::Write;
            let md = crate::output::ci::render_markdown(&report);
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&summary)
                .and_then(|mut f| f.write_all(md.as_bytes()))
                .with_context(|| {
                    format!("cannot append to {}", PathBuf::from(&summary).display())
                })?;
        }
    }
    match &a.out {
        Some(p) => write_atomic(p, a.force, text.as_bytes())
            .with_context(|| format!("cannot write {}", p.display()))?,
        None => write_stdout(text.as_bytes())?,
    }
    if !report.passed() && a.out.is_some() && std::io::stderr().is_terminal() {
        crate::diag!("faascope: {} rule(s) over the limit", report.failed);
    }
    Ok(if report.passed() {
        EXIT_OK
    } else {
        EXIT_CHECK_FAILED
    })
}
