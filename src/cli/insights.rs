//! `faascope report --rules`: the insight rules ([`crate::rules`]) over the observed report,
//! with timeouts, provisioned concurrency and rule settings from a project file when given.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::analytics::usage::observed_usage;
use crate::analytics::Report;
use crate::ci::config::Project;
use crate::cost::usage::ConcurrencyProfile;
use crate::cost::{Arch, FunctionMeta};
use crate::model::{MetricPoint, ReportColumns};
use crate::output::cost::render_grid;
use crate::output::{sanitize, Format};
use crate::rules::{evaluate, Finding, FunctionFacts, Outcome, RuleSet};

/// Settings of one function from the project file.
struct Known {
    timeout_s: Option<u32>,
    provisioned: u32,
    rules: RuleSet,
}

/// The names a project function's settings apply to in the logs.
fn names_of(f: &crate::ci::config::ProjectFunction) -> Vec<String> {
    match &f.traffic {
        crate::ci::config::TrafficSource::Logs { names, .. } if !names.is_empty() => names.clone(),
        _ => vec![f.name.clone()],
    }
}

/// A `[[functions]]` entry of the project file that names no function of the logs read: its
/// timeout and provisioned concurrency would apply to nothing, and the rules would pass on
/// defaults the user did not mean (a typo such as `webhook-handlr`). `ci` refuses the same
/// entry. Functions only a template names may be absent from these logs, and so may those
/// given explicit traffic (`[functions.traffic]`: not deployed yet, so in no logs; ninth-round
/// ci review: the bundled CI example was refused, advised to drop its entry from the gate).
pub fn unmatched_function(project: &Project, read: &[std::sync::Arc<str>]) -> Result<(), String> {
    for f in project.functions.iter().filter(|f| {
        f.declared && !matches!(f.traffic, crate::ci::config::TrafficSource::Explicit(_))
    }) {
        let names = names_of(f);
        if names.iter().any(|n| read.iter().any(|r| r.as_ref() == n)) {
            continue;
        }
        let mut seen: Vec<&str> = read.iter().map(|n| n.as_ref()).collect();
        seen.sort_unstable();
        seen.dedup();
        return Err(format!(
            "function `{}` ({}): no invocations under the name(s) {} in the SOURCES; they show: {}. Fix: name the function as its log group does, or drop the entry",
            sanitize(&f.name),
            // The file as --config named it (`defined_at` is relative to the file's folder,
            // for baselines: a bare `faascope.toml:2` named none of a monorepo's several).
            match &f.location {
                // The template's places (after the project file's) as they were.
                Some((path, line)) => std::iter::once(format!("{}:{line}", path.display()))
                    .chain(f.defined_at.iter().skip(1).cloned())
                    .collect::<Vec<_>>()
                    .join(", "),
                None => f.defined_at.join(", "),
            },
            names.iter().map(|n| sanitize(n)).collect::<Vec<_>>().join(", "),
            if seen.is_empty() { "no invocation reports at all".to_string() } else { seen.iter().map(|n| sanitize(n)).collect::<Vec<_>>().join(", ") }
        ));
    }
    Ok(())
}

fn known(project: Option<&Project>) -> (BTreeMap<String, Known>, RuleSet) {
    let mut map = BTreeMap::new();
    let mut default_rules = RuleSet::defaults();
    if let Some(p) = project {
        // Functions the file does not name get the top-level [rules] only.
        default_rules = p.rules.clone();
        for f in &p.functions {
            for n in names_of(f) {
                map.insert(
                    n,
                    Known {
                        timeout_s: f.settings.timeout_s,
                        provisioned: f.settings.provisioned_concurrency,
                        rules: f.rules.clone(),
                    },
                );
            }
        }
    }
    (map, default_rules)
}

/// Findings for every function of `report` (in its order), then for the functions the metrics show
/// throttled without an invocation in the logs.
pub fn findings(
    report: &Report,
    cols: &ReportColumns,
    metrics: &[MetricPoint],
    project: Option<&Project>,
) -> Vec<Finding> {
    let (known, default_rules) = known(project);
    // Overlapping inputs (a per-minute CSV beside hourly get-metric-data, a file read twice)
    // count each minute once.
    let throttles: BTreeMap<std::sync::Arc<str>, u64> =
        crate::analytics::metric_totals::counter_totals(metrics, "Throttles")
            .into_iter()
            .map(|(f, total)| (f, total.round() as u64))
            .collect();
    // Concurrency histograms only when some function has provisioned concurrency.
    let profiles: BTreeMap<String, ConcurrencyProfile> =
        if known.values().any(|k| k.provisioned > 0) {
            let usage = observed_usage(cols, &|name, memory_mb, _| {
                FunctionMeta::new(name, "us-east-1", Arch::X86_64, memory_mb)
            });
            let window = (usage.window_end_ms - usage.window_start_ms).max(0) as u64;
            usage
                .functions
                .iter()
                .map(|u| {
                    (
                        u.meta.name.clone(),
                        ConcurrencyProfile::new(&u.concurrency, window)
                            .with_environments(u.environment_busy_ms.clone()),
                    )
                })
                .collect()
        } else {
            BTreeMap::new()
        };
    let mut out = Vec::new();
    for f in &report.functions {
        let k = known.get(&f.function);
        let pc = k.map_or(0, |k| k.provisioned);
        let facts = FunctionFacts {
            function: f.function.clone(),
            invocations: f.invocations,
            errors: Some((f.error_ratio * f.invocations as f64).round() as u64),
            cold_starts: Some(f.cold_starts),
            cold_start_basis: Some("observed".into()),
            memory_size_mb: f.memory_size_mb,
            // At the size configured now: a larger size's use is no nearness to this one (600
            // MB used at 2048 MB, then cut to 512 MB where it uses 300, is 58.6 %, not 117 %).
            max_memory_used_mb: f.max_memory_used_mb.at_size.or(f.max_memory_used_mb.max),
            // Observed at the size it reports: no invocation used more than it ran with.
            out_of_memory: false,
            max_duration_ms: f.duration_ms.max,
            max_duration_basis: None,
            timeouts: Some(f.timeouts),
            timeout_ms: k.and_then(|k| k.timeout_s).map(|t| f64::from(t) * 1000.0),
            // The logs ran under the deployed timeout: a shorter one in the file is not
            // evidence of failures here (it is for `ci check`, a change to it).
            completed_past_timeout: 0,
            provisioned_concurrency: (pc > 0).then_some(pc),
            provisioned_utilization: profiles.get(&f.function).and_then(|p| {
                (pc > 0 && p.window_ms > 0)
                    .then(|| p.covered_ms(pc) as f64 / (f64::from(pc) * p.window_ms as f64))
            }),
            throttles: throttles.get(f.function.as_str()).copied(),
            throttles_basis: Some("CloudWatch metrics".into()),
        };
        out.extend(evaluate(&facts, k.map_or(&default_rules, |k| &k.rules)));
    }
    // A function throttled for the whole window (reserved concurrency 0, say) writes no REPORT
    // line: the metric is all that shows it. Its other rules are skipped (no invocations).
    for (name, &total) in &throttles {
        if total == 0 || report.functions.iter().any(|f| *f.function == **name) {
            continue;
        }
        let k = known.get(&**name);
        let facts = FunctionFacts {
            function: name.to_string(),
            provisioned_concurrency: k.map(|k| k.provisioned).filter(|&pc| pc > 0),
            timeout_ms: k.and_then(|k| k.timeout_s).map(|t| f64::from(t) * 1000.0),
            throttles: Some(total),
            throttles_basis: Some(
                "CloudWatch metrics; no invocation of it in the logs read".into(),
            ),
            ..FunctionFacts::default()
        };
        out.extend(evaluate(&facts, k.map_or(&default_rules, |k| &k.rules)));
    }
    out
}

/// The findings that fired (warn / fail) as a grid, with a one-line count of the rest.
pub fn render_findings(findings: &[Finding], format: Format, width: Option<u16>) -> String {
    let fired: Vec<&Finding> = findings
        .iter()
        .filter(|f| matches!(f.outcome, Outcome::Warn | Outcome::Fail))
        .collect();
    let mut s = String::new();
    if format == Format::Markdown {
        s.push_str("\n### Insights\n\n");
    } else {
        s.push('\n');
    }
    if !fired.is_empty() {
        let headers = ["function", "rule", "result", "value", "limit", "finding"];
        let rows: Vec<Vec<String>> = fired
            .iter()
            .map(|f| {
                let ratio = crate::rules::RuleId::parse(&f.rule).is_none_or(|r| r.is_ratio());
                let show = |v: f64| {
                    if ratio {
                        format!("{:.1} %", v * 100.0)
                    } else {
                        format!("{v}")
                    }
                };
                vec![
                    sanitize(&f.function),
                    f.rule.clone(),
                    f.outcome.as_str().into(),
                    f.value.map(show).unwrap_or_default(),
                    show(f.threshold),
                    sanitize(&f.message),
                ]
            })
            .collect();
        s.push_str(&render_grid(&headers, &rows, format, width, 3));
    }
    let count = |o: Outcome| findings.iter().filter(|f| f.outcome == o).count();
    let _ = writeln!(
        s,
        "{}insights: {} fail, {} warn, {} pass, {} skipped (an input unknown, or no invocations; see --format json)",
        if format == Format::Markdown { "\n" } else { "" },
        count(Outcome::Fail),
        count(Outcome::Warn),
        count(Outcome::Pass),
        count(Outcome::Skipped)
    );
    s
}
