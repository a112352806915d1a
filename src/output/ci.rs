//! Renderings of `faascope ci check`: a Markdown PR comment, JSON, JUnit XML, a terminal table,
//! and GitHub Actions workflow annotations. All pure: the same report gives the same bytes.

use std::fmt::Write as _;

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;
use rust_decimal::Decimal;

use super::cost::render_grid;
use super::{sanitize, Format};
use crate::ci::check::{CheckReport, CostDiff, FunctionCheck, RuleResult};
use crate::ci::Evaluation;
use crate::cost::format_usd;
use crate::rules::Outcome;

fn usd(d: Decimal) -> String {
    format_usd(d)
}

/// `+12.5 % ▲`, `-3.0 % ▼`, `0.0 %`, or, from a cost shown as $0.00 (no percentage),
/// `from $0.00`.
fn pct_arrow(c: &CostDiff) -> String {
    match c.delta_pct {
        Some(p) if p > 0.05 => format!("+{p:.1} % ▲"),
        Some(p) if p < -0.05 => format!("{p:.1} % ▼"),
        Some(_) => "0.0 %".into(),
        // Under half a cent in the baseline (sixth-round CI verification: an unchanged
        // $0.0006 read `from $0`, and the total `new`).
        None if c.new_usd == c.old_usd => "0.0 %".into(),
        // Both shown as $0.00 (one fell within it): no change to show.
        None if crate::cost::round_cents(c.new_usd).is_zero() => "0.0 %".into(),
        None if c.new_usd > Decimal::ZERO => "from $0.00".into(),
        None => "-".into(),
    }
}

/// [`pct_arrow`] for a function: `new` when it is new since the baseline.
fn function_pct(f: &FunctionCheck) -> String {
    if f.change == "added" && f.cost.new_usd > Decimal::ZERO {
        "new".into()
    } else {
        pct_arrow(&f.cost)
    }
}

/// The outcome of the total's own rules (not the functions').
fn total_outcome(r: &CheckReport) -> &'static str {
    let worst = r
        .total_results
        .iter()
        .map(|x| x.outcome)
        .fold(Outcome::Pass, |w, o| match (w, o) {
            (_, Outcome::Fail) | (Outcome::Fail, _) => Outcome::Fail,
            (_, Outcome::Warn) | (Outcome::Warn, _) => Outcome::Warn,
            _ => Outcome::Pass,
        });
    worst.as_str()
}

fn ms(v: Option<f64>) -> String {
    v.map_or("-".into(), |x| {
        if x >= 100.0 {
            format!("{x:.0}")
        } else {
            format!("{x:.1}")
        }
    })
}

fn ratio(v: Option<f64>) -> String {
    v.map_or("-".into(), |x| format!("{:.2} %", x * 100.0))
}

fn pair(old: String, new: String) -> String {
    if old == new {
        new
    } else {
        format!("{old} → {new}")
    }
}

fn md_cell(s: &str) -> String {
    super::md_cell(&sanitize(s))
}

fn icon(o: Outcome) -> &'static str {
    match o {
        Outcome::Fail => "❌",
        Outcome::Warn => "⚠️",
        Outcome::Pass => "✅",
        Outcome::Skipped => "➖",
    }
}

fn failed_rules(f: &FunctionCheck) -> Vec<&RuleResult> {
    f.results
        .iter()
        .filter(|r| r.outcome == Outcome::Fail)
        .collect()
}

fn changes_text(f: &FunctionCheck) -> String {
    f.settings_changes
        .iter()
        .map(|c| match c.old.is_empty() && c.new.is_empty() {
            true => c.key.clone(),
            false => format!("{} {} → {}", c.key, c.old, c.new),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The Markdown PR comment.
pub fn render_markdown(r: &CheckReport) -> String {
    let mut s = String::new();
    let head = if r.passed() {
        format!(
            "✅ faascope cost check passed{}",
            match r.warnings {
                0 => String::new(),
                n => format!(" ({n} warning{})", if n == 1 { "" } else { "s" }),
            }
        )
    } else {
        format!(
            "❌ faascope cost check failed: {} rule{} over the limit",
            r.failed,
            if r.failed == 1 { "" } else { "s" }
        )
    };
    let _ = writeln!(s, "## {head}\n");
    let (total_old, total_new, total_delta) = r.total.shown();
    let _ = writeln!(
        s,
        "Monthly cost (typical month of 730 h): **{total_old} → {total_new}** ({total_delta}, {})\n",
        pct_arrow(&r.total)
    );
    // Notes (a price change since the baseline, skipped records) before the table: they say
    // how to read its deltas.
    for n in &r.notes {
        let _ = writeln!(s, "> ℹ️ {}\n", md_cell(n));
    }
    let _ = writeln!(
        s,
        "| | Function | Old $/mo | New $/mo | Δ $/mo | Δ % | p99 ms | Cold starts | What changed |"
    );
    let _ = writeln!(s, "|---|---|--:|--:|--:|--:|--:|--:|---|");
    for f in &r.functions {
        let (old, new, delta) = f.cost.shown();
        let _ = writeln!(
            s,
            "| {} | {} | {old} | {new} | {delta} | {} | {} | {} | {} |",
            icon(f.outcome()),
            md_cell(&f.name),
            function_pct(f),
            pair(ms(f.p99_ms.0), ms(f.p99_ms.1)),
            pair(ratio(f.cold_start_ratio.0), ratio(f.cold_start_ratio.1)),
            match (f.change.as_str(), f.settings_changes.is_empty()) {
                ("added", _) => "new function".to_string(),
                ("removed", _) => "removed".to_string(),
                (_, true) => "-".to_string(),
                _ => md_cell(&changes_text(f)),
            }
        );
    }
    let _ = writeln!(
        s,
        "| | **Total** | **{total_old}** | **{total_new}** | **{total_delta}** | **{}** | | | |",
        pct_arrow(&r.total)
    );
    if let Some(note) = check_sums_note(r) {
        // A sentence of its own under the table.
        let _ = writeln!(s, "\nE{}.", md_cell(&note[1..]));
    }
    let failures: Vec<(String, &RuleResult)> = r
        .total_results
        .iter()
        .filter(|x| x.outcome == Outcome::Fail)
        .map(|x| ("total".to_string(), x))
        .chain(
            r.functions
                .iter()
                .flat_map(|f| failed_rules(f).into_iter().map(|x| (f.name.clone(), x))),
        )
        .collect();
    if !failures.is_empty() {
        let _ = writeln!(s, "\n### Failed\n");
        for (name, x) in &failures {
            let _ = writeln!(
                s,
                "- ❌ **{}** `{}`: {}",
                md_cell(name),
                x.rule,
                md_cell(&x.message)
            );
        }
    }
    let warnings: Vec<(&str, &RuleResult)> = r
        .functions
        .iter()
        .flat_map(|f| {
            f.results
                .iter()
                .filter(|x| x.outcome == Outcome::Warn)
                .map(move |x| (f.name.as_str(), x))
        })
        .collect();
    if !warnings.is_empty() {
        let _ = writeln!(
            s,
            "\n<details><summary>⚠️ {} insight warning(s)</summary>\n",
            warnings.len()
        );
        for (name, x) in warnings {
            let _ = writeln!(
                s,
                "- **{}** `{}`: {}",
                md_cell(name),
                x.rule,
                md_cell(&x.message)
            );
        }
        let _ = writeln!(s, "\n</details>");
    }
    let t = &r.thresholds;
    let global = [
        ("max_increase_pct", t.max_increase_pct),
        ("max_increase_usd", t.max_increase_usd),
        ("max_p99_increase_pct", t.max_p99_increase_pct),
        ("max_cold_start_ratio", t.max_cold_start_ratio),
    ];
    let mut limits: Vec<String> = global
        .iter()
        .filter_map(|(rule, v)| limit_text(rule, (*v)?))
        .collect();
    // A function's own limits (a `[functions.thresholds]` entry) beside the project's: the
    // sixth-round CI review found only the project's in the footer.
    let own: Vec<String> = r
        .functions
        .iter()
        .filter_map(|f| {
            let mine: Vec<String> = f
                .results
                .iter()
                .filter(|x| {
                    global
                        .iter()
                        .any(|(rule, v)| *rule == x.rule && x.limit != *v)
                })
                .filter_map(|x| limit_text(&x.rule, x.limit?))
                .collect();
            (!mine.is_empty()).then(|| format!("{} {}", md_cell(&f.name), mine.join(", ")))
        })
        .collect();
    if !own.is_empty() {
        limits.push(format!("for {}", own.join("; ")));
    }
    let _ = writeln!(
        s,
        "\n<sub>Limits: {}. p99 and cold starts are simulated (seeded, deterministic) from the observed or configured traffic. Baseline {}, config {}.</sub>",
        if limits.is_empty() {
            "none set (report only)".to_string()
        } else {
            limits.join(", ")
        },
        // As text, not code spans: an entity in a code span shows as written (`&lt;`).
        md_cell(&r.baseline),
        md_cell(&r.config),
    );
    s
}

/// A cost-check limit as the Markdown footer lists it (`cost +10 %`); not a limit rule: `None`.
fn limit_text(rule: &str, v: f64) -> Option<String> {
    match rule {
        "max_increase_pct" => Some(format!("cost +{} %", crate::ci::check::plain_number(v))),
        "max_increase_usd" => Some(format!("cost +{}", crate::ci::check::usd_limit(v))),
        "max_p99_increase_pct" => Some(format!("p99 +{} %", crate::ci::check::plain_number(v))),
        "max_cold_start_ratio" => Some(format!(
            "cold starts {} %",
            crate::ci::check::plain_number(v * 100.0)
        )),
        _ => None,
    }
}

/// A terminal (or CSV) table.
/// `ci check --format csv`: one row per function and the total, plain values (numbers
/// without `$`, `%` or arrows; an unknown value empty) under headers with their units, as the
/// other CSVs faascope writes.
fn render_csv(r: &CheckReport) -> String {
    let headers = [
        "function",
        "old_usd_per_month",
        "new_usd_per_month",
        "delta_usd_per_month",
        "delta_pct",
        "old_p99_ms",
        "new_p99_ms",
        "old_cold_start_ratio",
        "new_cold_start_ratio",
        "result",
        "changed",
    ];
    let (cents, num) = (csv_cents, csv_num);
    let mut rows: Vec<Vec<String>> = r
        .functions
        .iter()
        .map(|f| {
            vec![
                f.name.clone(),
                cents(f.cost.old_usd),
                cents(f.cost.new_usd),
                cents(f.cost.delta_usd),
                num(f.cost.delta_pct, 2),
                num(f.p99_ms.0, 1),
                num(f.p99_ms.1, 1),
                num(f.cold_start_ratio.0, 6),
                num(f.cold_start_ratio.1, 6),
                f.outcome().as_str().to_string(),
                match f.change.as_str() {
                    "added" | "removed" => f.change.clone(),
                    _ => changes_text(f),
                },
            ]
        })
        .collect();
    rows.push(vec![
        "total".into(),
        cents(r.total.old_usd),
        cents(r.total.new_usd),
        cents(r.total.delta_usd),
        num(r.total.delta_pct, 2),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        total_outcome(r).to_string(),
        String::new(),
    ]);
    render_grid(&headers, &rows, Format::Csv, None, 1)
}

pub fn render_table(r: &CheckReport, format: Format, width: Option<u16>) -> String {
    if format == Format::Csv {
        return render_csv(r);
    }
    let headers = [
        "function",
        "old $/mo",
        "new $/mo",
        "delta $/mo",
        "delta %",
        "p99 ms",
        "cold starts",
        "result",
        "changed",
    ];
    let mut rows: Vec<Vec<String>> = r
        .functions
        .iter()
        .map(|f| {
            let (old, new, delta) = f.cost.shown();
            vec![
                sanitize(&f.name),
                old,
                new,
                delta,
                function_pct(f),
                pair(ms(f.p99_ms.0), ms(f.p99_ms.1)),
                pair(ratio(f.cold_start_ratio.0), ratio(f.cold_start_ratio.1)),
                f.outcome().as_str().to_string(),
                sanitize(&match f.change.as_str() {
                    "added" | "removed" => f.change.clone(),
                    _ => changes_text(f),
                }),
            ]
        })
        .collect();
    let (total_old, total_new, total_delta) = r.total.shown();
    let sums = check_sums_note(r);
    rows.push(vec![
        "total".into(),
        total_old,
        total_new,
        total_delta,
        pct_arrow(&r.total),
        String::new(),
        String::new(),
        // The total's own rules; the check's status is on the last line.
        total_outcome(r).to_string(),
        String::new(),
    ]);
    let mut s = render_grid(&headers, &rows, format, width, 1);
    for (name, x) in r
        .total_results
        .iter()
        .map(|x| ("total", x))
        .chain(
            r.functions
                .iter()
                .flat_map(|f| f.results.iter().map(move |x| (f.name.as_str(), x))),
        )
        .filter(|(_, x)| matches!(x.outcome, Outcome::Fail | Outcome::Warn))
    {
        let _ = writeln!(
            s,
            "{}: {} {}: {}",
            x.outcome.as_str(),
            sanitize(name),
            x.rule,
            sanitize(&x.message)
        );
    }
    for n in r.notes.iter().chain(&sums) {
        let _ = writeln!(s, "note: {}", sanitize(n));
    }
    let _ = writeln!(
        s,
        "{}: {} failed, {} warning(s)",
        r.status, r.failed, r.warnings
    );
    s
}

/// [`shown_sums_note`] of `ci check`'s old, new and delta columns, as the table and the
/// Markdown comment show them.
fn check_sums_note(r: &CheckReport) -> Option<String> {
    let shown: Vec<(String, String, String)> = r.functions.iter().map(|f| f.cost.shown()).collect();
    let (old, new, delta) = r.total.shown();
    shown_sums_note(&[
        (
            "old $/mo rows",
            shown.iter().map(|x| x.0.clone()).collect(),
            old,
        ),
        (
            "new $/mo rows",
            shown.iter().map(|x| x.1.clone()).collect(),
            new,
        ),
        (
            "delta $/mo rows",
            shown.iter().map(|x| x.2.clone()).collect(),
            delta,
        ),
    ])
}

/// JUnit XML: one test suite per function (and one for the total), one test case per rule;
/// failed rules are `<failure>`, rules that could not be evaluated `<skipped>`, warnings pass
/// with the message in `<system-out>`.
pub fn render_junit(r: &CheckReport) -> String {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    let mut suites: Vec<(String, &[RuleResult])> = vec![("total".into(), &r.total_results)];
    for f in &r.functions {
        suites.push((f.name.clone(), &f.results));
    }
    let count = |o: Outcome| {
        suites
            .iter()
            .flat_map(|(_, rs)| rs.iter())
            .filter(|x| x.outcome == o)
            .count()
    };
    let tests: usize = suites.iter().map(|(_, rs)| rs.len()).sum();
    let write = |w: &mut Writer<Vec<u8>>| -> std::io::Result<()> {
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        let mut root = BytesStart::new("testsuites");
        root.push_attribute(("name", "faascope ci check"));
        root.push_attribute(("tests", tests.to_string().as_str()));
        root.push_attribute(("failures", count(Outcome::Fail).to_string().as_str()));
        root.push_attribute(("skipped", count(Outcome::Skipped).to_string().as_str()));
        w.write_event(Event::Start(root))?;
        for (i, (name, results)) in suites.iter().enumerate() {
            let mut suite = BytesStart::new("testsuite");
            let clean = sanitize(name);
            suite.push_attribute(("name", clean.as_str()));
            suite.push_attribute(("tests", results.len().to_string().as_str()));
            let fails = results
                .iter()
                .filter(|x| x.outcome == Outcome::Fail)
                .count();
            suite.push_attribute(("failures", fails.to_string().as_str()));
            let skips = results
                .iter()
                .filter(|x| x.outcome == Outcome::Skipped)
                .count();
            suite.push_attribute(("skipped", skips.to_string().as_str()));
            w.write_event(Event::Start(suite))?;
            for x in results.iter() {
                let mut case = BytesStart::new("testcase");
                case.push_attribute(("classname", format!("faascope.{clean}").as_str()));
                case.push_attribute(("name", x.rule.as_str()));
                let msg = sanitize(&x.message);
                match x.outcome {
                    Outcome::Pass => {
                        w.write_event(Event::Empty(case))?;
                    }
                    Outcome::Warn => {
                        w.write_event(Event::Start(case))?;
                        w.write_event(Event::Start(BytesStart::new("system-out")))?;
                        w.write_event(Event::Text(BytesText::new(&format!("warning: {msg}"))))?;
                        w.write_event(Event::End(BytesEnd::new("system-out")))?;
                        w.write_event(Event::End(BytesEnd::new("testcase")))?;
                    }
                    Outcome::Fail | Outcome::Skipped => {
                        w.write_event(Event::Start(case))?;
                        let tag = if x.outcome == Outcome::Fail {
                            "failure"
                        } else {
                            "skipped"
                        };
                        let mut el = BytesStart::new(tag);
                        el.push_attribute(("message", msg.as_str()));
                        if x.outcome == Outcome::Fail {
                            el.push_attribute(("type", x.rule.as_str()));
                        }
                        w.write_event(Event::Empty(el))?;
                        w.write_event(Event::End(BytesEnd::new("testcase")))?;
                    }
                }
            }
            // The check's notes (a price change since the baseline…) with the total.
            if i == 0 && !r.notes.is_empty() {
                let notes: Vec<String> = r
                    .notes
                    .iter()
                    .map(|n| format!("note: {}", sanitize(n)))
                    .collect();
                w.write_event(Event::Start(BytesStart::new("system-out")))?;
                w.write_event(Event::Text(BytesText::new(&notes.join("\n"))))?;
                w.write_event(Event::End(BytesEnd::new("system-out")))?;
            }
            w.write_event(Event::End(BytesEnd::new("testsuite")))?;
        }
        w.write_event(Event::End(BytesEnd::new("testsuites")))?;
        Ok(())
    };
    // Writing into a Vec cannot fail.
    let _ = write(&mut w);
    let mut s = String::from_utf8(w.into_inner()).unwrap_or_default();
    s.push('\n');
    s
}

/// Escapes a workflow-command message (`%`, CR, LF) or property (also `:` and `,`).
fn gh_escape(s: &str, property: bool) -> String {
    let mut out = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    if property {
        out = out.replace(':', "%3A").replace(',', "%2C");
    }
    out
}

/// GitHub Actions workflow commands: `::error` per failed rule and `::warning` per warning,
/// pointing at the function's definition (`faascope.toml` or the template) when known.
pub fn render_github(r: &CheckReport) -> String {
    let mut s = String::new();
    let mut emit = |level: &str, at: Option<&str>, title: &str, msg: &str| {
        let mut props = Vec::new();
        if let Some(at) = at {
            let (file, line) = match at.rsplit_once(':') {
                Some((f, l)) if l.chars().all(|c| c.is_ascii_digit()) && !l.is_empty() => {
                    (f, Some(l))
                }
                _ => (at, None),
            };
            props.push(format!("file={}", gh_escape(file, true)));
            if let Some(l) = line {
                props.push(format!("line={l}"));
            }
        }
        props.push(format!("title={}", gh_escape(title, true)));
        let _ = writeln!(
            s,
            "::{level} {}::{}",
            props.join(","),
            gh_escape(&sanitize(msg), false)
        );
    };
    for x in &r.total_results {
        if x.outcome == Outcome::Fail {
            emit(
                "error",
                None,
                &format!("faascope total {}", x.rule),
                &x.message,
            );
        }
    }
    for f in &r.functions {
        for x in &f.results {
            let level = match x.outcome {
                Outcome::Fail => "error",
                Outcome::Warn => "warning",
                _ => continue,
            };
            emit(
                level,
                f.defined_at.as_deref(),
                &format!("faascope {} {}", sanitize(&f.name), x.rule),
                &x.message,
            );
        }
    }
    s
}

/// `ci check` in the chosen format.
pub fn render_check(r: &CheckReport, format: CheckFormat, width: Option<u16>) -> String {
    match format {
        CheckFormat::Markdown => render_markdown(r),
        CheckFormat::Json => crate::ci::canonical_json(r).unwrap_or_default(),
        CheckFormat::Junit => render_junit(r),
        CheckFormat::Table => render_table(r, Format::Table, width),
        CheckFormat::Csv => render_table(r, Format::Csv, width),
    }
}

/// Output formats of `ci check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    Table,
    Markdown,
    Json,
    Junit,
    Csv,
}

/// A short summary of a baseline for the terminal; in CSV, column names and plain values, as
/// `ci check --format csv` writes them (the table's "$0.32" and "0.19 %" are for reading).
pub fn render_baseline_summary(e: &Evaluation, format: Format, width: Option<u16>) -> String {
    let csv = format == Format::Csv;
    let headers = if csv {
        [
            "function",
            "memory_mb",
            "arch",
            "provisioned_concurrency",
            "requests_per_month",
            "usd_per_month_low",
            "usd_per_month_typical",
            "usd_per_month_high",
            "p99_ms",
            "cold_start_ratio",
        ]
    } else {
        [
            "function",
            "memory MB",
            "arch",
            "PC",
            "requests/mo",
            "$/mo low",
            "$/mo typical",
            "$/mo high",
            "p99 ms",
            "cold starts",
        ]
    };
    let money = |d: Decimal| if csv { csv_cents(d) } else { usd(d) };
    let money3 = |r: &crate::cost::Range<Decimal>| [money(r.low), money(r.typical), money(r.high)];
    let mut rows: Vec<Vec<String>> = e
        .functions
        .iter()
        .map(|f| {
            let perf = f.performance.as_ref();
            let (p99, cold) = (
                perf.and_then(|p| p.p99_ms),
                perf.and_then(|p| p.cold_start_ratio),
            );
            let mut row = vec![
                sanitize(&f.name),
                f.settings.memory_mb.to_string(),
                f.settings.arch.clone(),
                f.settings.provisioned_concurrency.to_string(),
                f.traffic.requests_per_month.typical.round().to_string(),
            ];
            row.extend(money3(&f.monthly_usd));
            row.push(if csv { csv_num(p99, 1) } else { ms(p99) });
            row.push(if csv { csv_num(cold, 6) } else { ratio(cold) });
            row
        })
        .collect();
    let mut total = vec![
        "total".to_string(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
    ];
    total.extend(money3(&e.total_monthly_usd));
    total.extend([String::new(), String::new()]);
    rows.push(total);
    let mut out = render_grid(&headers, &rows, format, width, 1);
    if !csv {
        let (body, total) = rows.split_at(rows.len() - 1);
        let column = |i: usize| body.iter().map(|r| r[i].clone()).collect::<Vec<_>>();
        if let Some(note) = shown_sums_note(&[
            ("$/mo low rows", column(5), total[0][5].clone()),
            ("$/mo typical rows", column(6), total[0][6].clone()),
            ("$/mo high rows", column(7), total[0][7].clone()),
        ]) {
            if format == Format::Markdown {
                out.push('\n');
            }
            let _ = writeln!(out, "note: {note}");
        }
    }
    out
}

/// A dollar figure as shown (`$1,234.56`, `-$0.01`, `+$0.2000`): its value and its decimals.
fn shown_usd(text: &str) -> Option<(Decimal, u32)> {
    let t = text.trim_start_matches('+');
    let (negative, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let digits: String = t.strip_prefix('$')?.chars().filter(|&c| c != ',').collect();
    let v: Decimal = digits.parse().ok()?;
    Some((if negative { -v } else { v }, v.scale()))
}

/// Said under a table of dollar columns with a total row when a column's rows, as shown, do not
/// add up to its total as shown (the rows are each rounded on their own; the total is the sum
/// of the unrounded figures): README review, `ci baseline` rows adding up to $13.88 beside a
/// total of $13.87. `columns` are (what the rows are, the rows' texts, the total's text).
fn shown_sums_note(columns: &[(&str, Vec<String>, String)]) -> Option<String> {
    let off: Vec<String> = columns
        .iter()
        .filter_map(|(what, rows, total)| {
            let rows: Vec<(Decimal, u32)> = rows.iter().filter_map(|r| shown_usd(r)).collect();
            let (total_v, total_dp) = shown_usd(total)?;
            let sum: Decimal = rows.iter().map(|r| r.0).sum();
            let dp = rows.iter().map(|r| r.1).max().unwrap_or(2).max(total_dp);
            (sum != total_v).then(|| {
                format!(
                    "the {what} add up to {}, where the total of the unrounded figures is {total}",
                    crate::cost::format_usd_dp(sum, dp)
                )
            })
        })
        .collect();
    (!off.is_empty()).then(|| format!("each $ figure is rounded on its own: {}", off.join("; ")))
}

/// Dollars as a CSV value: to the cent, without `$`.
fn csv_cents(d: Decimal) -> String {
    format!("{:.2}", crate::cost::round_cents(d))
}

/// A number as a CSV value with `digits` decimals; unknown: empty.
fn csv_num(v: Option<f64>, digits: usize) -> String {
    v.map_or(String::new(), |x| format!("{x:.digits$}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// README review: `ci baseline` rows adding up to $13.88 beside a total of $13.87, without
    /// a word.
    #[test]
    fn columns_whose_shown_rows_miss_the_total_are_said() {
        assert_eq!(
            shown_usd("$1,234.5678"),
            Some((Decimal::new(12_345_678, 4), 4))
        );
        assert_eq!(shown_usd("-$0.01"), Some((Decimal::new(-1, 2), 2)));
        assert_eq!(shown_usd("+$0.20"), Some((Decimal::new(20, 2), 2)));
        assert_eq!(shown_usd("-"), None);
        let rows = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            shown_sums_note(&[
                ("typical rows", rows(&["$10.44", "$1.02", "$2.42"]), "$13.87".into()),
                ("high rows", rows(&["$1.00", "$2.00"]), "$3.00".into()),
            ])
            .as_deref(),
            Some("each $ figure is rounded on its own: the typical rows add up to $13.88, where the total of the unrounded figures is $13.87")
        );
        // Rows shown to hundredths of a cent add up at that precision.
        assert_eq!(
            shown_sums_note(&[("old", rows(&["$1.3255", "$0.0045"]), "$1.3300".into())]),
            None
        );
    }

    #[test]
    fn github_escaping() {
        assert_eq!(gh_escape("a%b\nc", false), "a%25b%0Ac");
        assert_eq!(gh_escape("x:y,z", true), "x%3Ay%2Cz");
    }

    #[test]
    fn arrows() {
        let c = |o: i64, n: i64| CostDiff {
            old_usd: Decimal::from(o),
            new_usd: Decimal::from(n),
            delta_usd: Decimal::from(n - o),
            delta_pct: if o > 0 {
                Some((n - o) as f64 / o as f64 * 100.0)
            } else {
                None
            },
        };
        assert_eq!(pct_arrow(&c(10, 20)), "+100.0 % ▲");
        assert_eq!(pct_arrow(&c(20, 10)), "-50.0 % ▼");
        assert_eq!(pct_arrow(&c(10, 10)), "0.0 %");
        assert_eq!(pct_arrow(&c(0, 10)), "from $0.00");
        assert_eq!(pct_arrow(&c(0, 0)), "0.0 %");
        let tiny = CostDiff {
            old_usd: Decimal::new(6, 4),
            new_usd: Decimal::new(6, 4),
            delta_usd: Decimal::ZERO,
            delta_pct: None,
        };
        assert_eq!(pct_arrow(&tiny), "0.0 %");
        // Fell within $0.00: no change shown either (not "from $0.00").
        let fell = CostDiff {
            new_usd: Decimal::new(2, 4),
            delta_usd: Decimal::new(-4, 4),
            ..tiny
        };
        assert_eq!(pct_arrow(&fell), "0.0 %");
    }
}
