//! `ci check`: the current evaluation against a baseline, with thresholds.
//!
//! Threshold rules (ids as in the outputs, each per function and — for cost — for the total):
//! * `max_increase_pct`: typical monthly cost up by more than P %. A percentage of $0 is
//!   undefined: for a function new since the baseline, and for one (or a total) that cost $0.00
//!   in the baseline, this rule is skipped (saying which) and only `max_increase_usd` applies;
//! * `max_increase_usd`: typical monthly cost up by more than U USD (in whole cents);
//! * `max_p99_increase_pct`: simulated p99 response time up by more than Q %;
//! * `max_cold_start_ratio`: simulated cold-start ratio above R.
//!
//! Plus the insight rules of the current evaluation ([`crate::rules`]): `warn` findings are
//! reported, `fail` findings fail the check.

use std::collections::BTreeMap;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::Serialize;

use super::config::Thresholds;
use super::evaluate::{Evaluation, FunctionEval};
use crate::rules::Outcome;

/// Old / new / delta of the typical month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostDiff {
    pub old_usd: Decimal,
    pub new_usd: Decimal,
    pub delta_usd: Decimal,
    /// `None` when the old cost is $0.00 (in cents).
    pub delta_pct: Option<f64>,
}

impl CostDiff {
    /// The change in whole cents, as every rule judges it and every format shows it: one
    /// figure for one change (sixth-round CI review: each side rounded first, a function and
    /// the total that changed by the same $1.6667 read +$1.66 and +$1.67, and a $1.66 limit
    /// failed one of them only).
    pub fn delta_cents(&self) -> Decimal {
        crate::cost::round_cents(self.delta_usd)
    }

    /// Old, new and the change as shown side by side: in cents, or old and new to the
    /// hundredth of a cent where their cents would not make the change ($1.3255 → $1.3115
    /// beside -$0.01, not $1.33 → $1.31); the change unsigned when it is none.
    pub fn shown(&self) -> (String, String, String) {
        use crate::cost::{format_usd_dp, round_cents};
        let d = self.delta_cents();
        let dp = if round_cents(self.new_usd) - round_cents(self.old_usd) == d {
            2
        } else {
            4
        };
        let delta = if d.is_zero() {
            usd(Decimal::ZERO)
        } else if d.is_sign_negative() {
            format!("-{}", usd(-d))
        } else {
            format!("+{}", usd(d))
        };
        (
            format_usd_dp(self.old_usd, dp),
            format_usd_dp(self.new_usd, dp),
            delta,
        )
    }

    fn new(old: Decimal, new: Decimal) -> CostDiff {
        let delta = new - old;
        CostDiff {
            old_usd: old,
            new_usd: new,
            delta_usd: delta,
            // A baseline shown as $0.00 (under half a cent) has no percentage either: the
            // README says so, and "$0.00 → $0.06, +9894.7 %" would be held to a percentage of
            // nothing shown (sixth-round CI review).
            delta_pct: if crate::cost::round_cents(old) > Decimal::ZERO {
                (delta / old * Decimal::from(100)).round_dp(4).to_f64()
            } else {
                None
            },
        }
    }
}

/// One setting that differs from the baseline (or, with `old` and `new` empty, a change that
/// is no setting of the function's own, said by `key` alone).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SettingChange {
    pub key: String,
    pub old: String,
    pub new: String,
}

/// One rule's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleResult {
    pub rule: String,
    pub outcome: Outcome,
    pub value: Option<f64>,
    pub limit: Option<f64>,
    pub message: String,
}

/// A function's comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunctionCheck {
    pub name: String,
    /// `changed`, `unchanged`, `added` or `removed`.
    pub change: String,
    pub cost: CostDiff,
    pub p99_ms: (Option<f64>, Option<f64>),
    pub cold_start_ratio: (Option<f64>, Option<f64>),
    pub settings_changes: Vec<SettingChange>,
    pub results: Vec<RuleResult>,
    /// `file:line` of the function's definition (for annotations).
    pub defined_at: Option<String>,
}

impl FunctionCheck {
    pub fn outcome(&self) -> Outcome {
        worst(self.results.iter().map(|r| r.outcome))
    }
}

fn worst(outcomes: impl Iterator<Item = Outcome>) -> Outcome {
    let mut w = Outcome::Pass;
    for o in outcomes {
        w = match (w, o) {
            (_, Outcome::Fail) | (Outcome::Fail, _) => Outcome::Fail,
            (_, Outcome::Warn) | (Outcome::Warn, _) => Outcome::Warn,
            _ => Outcome::Pass,
        };
    }
    w
}

/// The whole check.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckReport {
    /// `pass` or `fail`.
    pub status: String,
    pub baseline: String,
    pub config: String,
    pub total: CostDiff,
    pub total_results: Vec<RuleResult>,
    pub thresholds: Thresholds,
    pub functions: Vec<FunctionCheck>,
    pub failed: usize,
    pub warnings: usize,
    pub notes: Vec<String>,
}

impl CheckReport {
    pub fn passed(&self) -> bool {
        self.failed == 0
    }
}

fn pct_change(old: Option<f64>, new: Option<f64>) -> Option<f64> {
    match (old, new) {
        (Some(o), Some(n)) if o > 0.0 => Some((n - o) / o * 100.0),
        _ => None,
    }
}

fn usd(d: Decimal) -> String {
    crate::cost::format_usd(d)
}

/// A change in percent as a verdict against `limit` shows it: one decimal, more (up to four)
/// while the rounded figure would read as the limit itself ("+10.0 % is over the 10 % limit").
fn pct_vs_limit(d: f64, limit: f64) -> String {
    let decimals = decimals_vs_limit(d, limit, 1);
    format!("{d:+.decimals$}")
}

/// How many decimals (from `min`, up to six) `v` needs beside `limit` for the figure shown to
/// stand to the limit as `v` does: above it when over, below when under, equal only when equal
/// (sixth-round CI review: "+10.0 % is over the 10 % limit" for the p99's 10.028 %, "0.05 % is
/// over the 0.05 % limit" for a cold-start ratio).
fn decimals_vs_limit(v: f64, limit: f64, min: usize) -> usize {
    let mut decimals = min;
    while decimals < 6 {
        let shown: f64 = format!("{v:.decimals$}").parse().unwrap_or(v);
        if shown.partial_cmp(&limit) == v.partial_cmp(&limit) {
            break;
        }
        decimals += 1;
    }
    decimals
}

/// A USD limit as given: to the cent, or with the digits it has below a cent (a limit of
/// $0.176 shown as $0.18 made "+$0.18 is over the $0.18 limit": sixth-round CI verification).
pub(crate) fn usd_limit(u: f64) -> String {
    if (u * 100.0).fract().abs() < 1e-9 {
        format!("${u:.2}")
    } else {
        format!("${}", plain_number(u))
    }
}

/// A limit as given, without float noise (0.0524, not 0.052399999999999995).
pub(crate) fn plain_number(limit: f64) -> String {
    let s = format!("{limit:.6}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Dollars to the cent, or to the hundredth of a cent when `delta` is under a cent (a
/// sub-cent change shown as "+$0.01" beside "under one cent" reads as a contradiction).
fn usd_fine(d: Decimal, delta: Decimal) -> String {
    if delta.abs() < Decimal::new(1, 2) {
        format!("${}", d.round_dp(4))
    } else {
        usd(d)
    }
}

/// Why a cost has no percentage change: the function is new, or it cost $0.00 in the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ZeroBase {
    New,
    WasZero,
}

fn cost_rules(
    cost: &CostDiff,
    t: &Thresholds,
    what: &str,
    zero_base: ZeroBase,
    out: &mut Vec<RuleResult>,
) {
    if let Some(p) = t.max_increase_pct {
        out.push(match cost.delta_pct {
            // A change under one cent a month is no increase to gate on, whatever its
            // percentage: a function costing fractions of a cent (no free tier) would fail at
            // +100 % on $0.0004 while every figure shown reads $0.00.
            Some(d) if d > p && cost.delta_usd.abs() < Decimal::new(1, 2) => RuleResult {
                rule: "max_increase_pct".into(),
                outcome: Outcome::Pass,
                value: Some(d),
                limit: Some(p),
                message: format!(
                    "{what} monthly cost {}{} ({} → {}, {:+.1} %): under one cent a month, not held to the {p} % limit",
                    if cost.delta_usd.is_sign_negative() { "-" } else { "+" },
                    usd_fine(cost.delta_usd.abs(), cost.delta_usd),
                    usd_fine(cost.old_usd, cost.delta_usd),
                    usd_fine(cost.new_usd, cost.delta_usd),
                    d,
                ),
            },
            Some(d) => RuleResult {
                rule: "max_increase_pct".into(),
                outcome: if d > p { Outcome::Fail } else { Outcome::Pass },
                value: Some(d),
                limit: Some(p),
                message: {
                    let (old, new, delta) = cost.shown();
                    format!(
                        "{what} monthly cost {delta} ({old} → {new}, {} %) {} the {p} % limit",
                        pct_vs_limit(d, p),
                        if d > p { "is over" } else { "is within" }
                    )
                },
            },
            None => RuleResult {
                rule: "max_increase_pct".into(),
                outcome: Outcome::Skipped,
                value: None,
                limit: Some(p),
                message: match zero_base {
                    ZeroBase::New => "the function is new since the baseline (no cost to compare with): a percentage is undefined, only the USD limit applies".to_string(),
                    ZeroBase::WasZero if cost.old_usd.is_zero() => format!(
                        "{what} monthly cost was {} in the baseline: a percentage of $0 is undefined, only the USD limit applies",
                        usd(cost.old_usd)
                    ),
                    ZeroBase::WasZero => format!(
                        "{what} monthly cost was {} in the baseline (${}: under half a cent): no percentage of it is held to a limit, only the USD limit applies",
                        usd(cost.old_usd),
                        cost.old_usd.round_dp(6).normalize()
                    ),
                },
            },
        });
    }
    if let Some(u) = t.max_increase_usd {
        // Compared in whole cents, as the message, the table and `value` show it: an increase
        // of a fraction of a cent is "$0.00", and "+$0.00 is over the $0.00 limit" would
        // contradict itself.
        let d = cost.delta_cents().to_f64().unwrap_or(0.0);
        let over = d > u;
        let (old, new, delta) = cost.shown();
        out.push(RuleResult {
            rule: "max_increase_usd".into(),
            outcome: if over { Outcome::Fail } else { Outcome::Pass },
            value: Some(d),
            limit: Some(u),
            message: format!(
                "{what} monthly cost {delta} ({old} → {new}) {} the {} limit",
                if over { "is over" } else { "is within" },
                usd_limit(u)
            ),
        });
    }
}

/// `new`'s traffic and performance without what `old` (a baseline written by an older
/// faascope) has no record of, to compare with `old`'s.
fn as_recorded_in(
    old: &FunctionEval,
    new: &FunctionEval,
) -> (
    super::evaluate::TrafficEval,
    Option<super::evaluate::PerfEval>,
) {
    let mut traffic = new.traffic.clone();
    if old.traffic.given_shape.is_none() {
        traffic.given_shape = None;
    }
    if old.traffic.given_duration_ms.is_none() {
        traffic.given_duration_ms = None;
    }
    let performance = new.performance.clone().map(|mut p| {
        if old.performance.as_ref().is_some_and(|o| o.served.is_none()) {
            p.served = None;
        }
        p
    });
    (traffic, performance)
}

/// The cost rules of a function whose own usage, settings and prices are as in the baseline:
/// its cost moved with what the account shares (`why`), which is no change of its own to hold
/// to its limits; the total's rules hold the account's change.
fn account_share_rules(cost: &CostDiff, t: &Thresholds, why: &str, out: &mut Vec<RuleResult>) {
    let (old, new, delta) = cost.shown();
    for (rule, limit) in [
        ("max_increase_pct", t.max_increase_pct),
        ("max_increase_usd", t.max_increase_usd),
    ] {
        if let Some(limit) = limit {
            out.push(RuleResult {
                rule: rule.into(),
                outcome: Outcome::Pass,
                value: None,
                limit: Some(limit),
                message: format!(
                    "the monthly cost {delta} ({old} → {new}): its own usage and settings are as in the baseline; the change is {why}, moved by the other functions, so not held to its limit (the total is)"
                ),
            });
        }
    }
}

fn settings_changes(old: &FunctionEval, new: &FunctionEval) -> Vec<SettingChange> {
    let o = serde_json::to_value(&old.settings).unwrap_or_default();
    let n = serde_json::to_value(&new.settings).unwrap_or_default();
    let mut out = Vec::new();
    if let (Some(o), Some(n)) = (o.as_object(), n.as_object()) {
        // Keys of either side: a setting the new one leaves out (SnapStart turned off) too.
        let null = serde_json::Value::Null;
        let gone = o
            .iter()
            .filter(|(k, _)| !n.contains_key(*k))
            .map(|(k, _)| (k, &null));
        for (k, nv) in n.iter().chain(gone) {
            let ov = o.get(k).cloned().unwrap_or(serde_json::Value::Null);
            if &ov != nv {
                let show = |v: &serde_json::Value| match v {
                    serde_json::Value::Null => "unset".to_string(),
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                out.push(SettingChange {
                    key: k.clone(),
                    old: show(&ov),
                    new: show(nv),
                });
            }
        }
    }
    // The typical month's requests, as shown (whole requests); when only the quietest or
    // busiest day's moved (the busiest day chosen anew when a timeout reprices each day), that
    // band, named (ninth-round ci review: "requests_per_month 65568 → 65568").
    let (o, n) = (
        &old.traffic.requests_per_month,
        &new.traffic.requests_per_month,
    );
    for (key, o, n) in [
        ("requests_per_month", o.typical, n.typical),
        ("requests_per_month (cheapest day)", o.low, n.low),
        ("requests_per_month (costliest day)", o.high, n.high),
    ] {
        if o.round() != n.round() {
            out.push(SettingChange {
                key: key.into(),
                old: o.round().to_string(),
                new: n.round().to_string(),
            });
            break;
        }
    }
    // The rest of explicit traffic as given (sixth-round CI review: a function failing at
    // +446 % for a new INIT time showed nothing in "what changed"). Baselines written before
    // these were kept have none to compare.
    let mut given = |key: &str, o: Option<f64>, n: Option<f64>| {
        if let (Some(o), Some(n)) = (o, n) {
            if o != n {
                out.push(SettingChange {
                    key: key.into(),
                    old: plain_number(o),
                    new: plain_number(n),
                });
            }
        }
    };
    let (od, nd) = (old.traffic.given_duration_ms, new.traffic.given_duration_ms);
    given("duration_ms", od.map(|d| d.mean), nd.map(|d| d.mean));
    given(
        "duration_p99_ms",
        od.and_then(|d| d.p99),
        nd.and_then(|d| d.p99),
    );
    let (os, ns) = (old.traffic.given_shape, new.traffic.given_shape);
    given("init_ms", os.map(|g| g.init_ms), ns.map(|g| g.init_ms));
    given(
        "cold_start_ratio",
        os.map(|g| g.cold_start_ratio),
        ns.map(|g| g.cold_start_ratio),
    );
    given(
        "error_ratio",
        os.map(|g| g.error_ratio),
        ns.map(|g| g.error_ratio),
    );
    out
}

/// Compares `current` with `baseline`. `thresholds` maps function names to their thresholds
/// (command-line values already applied); `total` holds the account-level ones.
pub fn check(
    baseline: &Evaluation,
    current: &Evaluation,
    thresholds: &BTreeMap<String, Thresholds>,
    total: Thresholds,
    baseline_name: &str,
    config_name: &str,
) -> CheckReport {
    let mut names: Vec<&str> = baseline
        .functions
        .iter()
        .chain(current.functions.iter())
        .map(|f| f.name.as_str())
        .collect();
    names.sort_unstable();
    names.dedup();
    let free_tier = |e: &Evaluation| e.notes.iter().any(|n| n == super::evaluate::FREE_TIER_NOTE);
    // The same prices and the same free-tier setting (turning it on or off changes every
    // function's cost by the project's own doing: sixth-round CI verification).
    let same_prices = baseline.pricing == current.pricing
        && baseline.pricing_fingerprint == current.pricing_fingerprint
        && free_tier(baseline) == free_tier(current);
    let shared = if free_tier(baseline) && free_tier(current) {
        "its share of the account's free tier (shared pro rata)"
    } else {
        "the account's volume-tier rate (all functions are priced as one account)"
    };
    let mut functions = Vec::new();
    for name in names {
        let old = baseline.function(name);
        let new = current.function(name);
        let zero = Decimal::ZERO;
        let cost = CostDiff::new(
            old.map_or(zero, |f| f.monthly_usd.typical),
            new.map_or(zero, |f| f.monthly_usd.typical),
        );
        let t = thresholds.get(name).copied().unwrap_or(total);
        let mut results = Vec::new();
        let change;
        let mut changes = Vec::new();
        match (old, new) {
            (Some(o), Some(n)) => {
                changes = settings_changes(o, n);
                // Where a function is defined (and the notes) are not part of what it costs.
                // Compared as the baseline could record them: what a baseline written by an
                // older faascope lacks (`given_shape`, `served`) is no change (sixth-round CI
                // verification: every function of an unchanged project read `changed`).
                let (traffic, performance) = as_recorded_in(o, n);
                let same_traffic = o.traffic == traffic;
                let same = o.settings == n.settings
                    && same_traffic
                    && o.monthly_usd == n.monthly_usd
                    && o.provisioned == n.provisioned
                    && o.performance == performance;
                change = if same { "unchanged" } else { "changed" };
                if same_prices
                    && o.settings == n.settings
                    && same_traffic
                    && o.monthly_usd != n.monthly_usd
                {
                    // Its own usage, settings and the prices as before: what moved is its part
                    // of what the account shares, by functions added, removed or changed
                    // (sixth-round CI review: a function added under the free tier failed
                    // every unchanged one at +12.5 %, their "changed" cell empty).
                    account_share_rules(&cost, &t, shared, &mut results);
                    // A change of no setting of its own: the key alone (no old and new).
                    changes.push(SettingChange {
                        key: if shared.contains("free tier") {
                            "its free-tier share (moved by the other functions)".into()
                        } else {
                            "the account's volume-tier rate (moved by the other functions)".into()
                        },
                        old: String::new(),
                        new: String::new(),
                    });
                } else {
                    cost_rules(&cost, &t, "the", ZeroBase::WasZero, &mut results);
                }
            }
            (None, Some(_)) => {
                change = "added";
                cost_rules(&cost, &t, "the new function's", ZeroBase::New, &mut results);
            }
            _ => change = "removed",
        }
        let p99 = (
            old.and_then(|f| f.performance.as_ref()?.p99_ms),
            new.and_then(|f| f.performance.as_ref()?.p99_ms),
        );
        let cold = (
            old.and_then(|f| f.performance.as_ref()?.cold_start_ratio),
            new.and_then(|f| f.performance.as_ref()?.cold_start_ratio),
        );
        // Throttled requests have no response time, so the p99 is of those served: more of
        // them throttled than in the baseline is a change the p99 alone would hide (a cut of
        // reserved concurrency read as a faster p99).
        let throttled = |f: Option<&FunctionEval>| {
            f.and_then(|f| f.performance.as_ref())
                .filter(|p| p.simulated_requests > 0)
                .map_or((0, 0, 0.0), |p| {
                    (
                        p.throttles,
                        p.simulated_requests,
                        p.throttles as f64 / p.simulated_requests as f64,
                    )
                })
        };
        let (_, _, old_share) = throttled(old);
        let (n_throttled, n_requests, new_share) = throttled(new);
        let more_throttled = new_share > old_share && n_throttled > 0;
        if let (Some(q), Some(_)) = (t.max_p99_increase_pct, new) {
            let (was, now) = (p99.0.unwrap_or(0.0), p99.1.unwrap_or(0.0));
            let (outcome, value, message) = match pct_change(p99.0, p99.1) {
                // Every request throttled: none served, no p99 of its own; counted as the
                // slowest, the p99 is a throttled request (sixth-round CI verification: the rule
                // was skipped as "no simulated p99 on both sides" and the check passed).
                None if p99.1.is_none() && n_requests > 0 && n_throttled >= n_requests => (
                    Outcome::Fail,
                    None,
                    format!(
                        "simulated p99 {} → none: all {n_requests} simulated requests are throttled (a 429, no response), none served: counted as the slowest, the p99 is a throttled request, over the {q} % limit",
                        p99.0.map_or("-".to_string(), |w| format!("{w:.1} ms"))
                    ),
                ),
                // The baseline throttled over 1 %: counted as the slowest, its p99 was a
                // throttled request, and fewer throttled now is better whatever the served do.
                Some(d) if old_share > 0.01 && new_share < old_share => (
                    Outcome::Pass,
                    None,
                    format!(
                        "simulated p99 {was:.1} ms → {now:.1} ms ({d:+.1} %) of the requests served, with {:.2} % of the requests throttled in the baseline and {:.2} % now: counted as the slowest, the baseline's p99 was a throttled request, so this is no increase over the {q} % limit",
                        old_share * 100.0,
                        new_share * 100.0
                    ),
                ),
                // Over 1 % throttled: counted as the slowest, the 99th percentile is one.
                Some(d) if more_throttled && new_share > 0.01 => (
                    Outcome::Fail,
                    None,
                    format!(
                        "simulated p99 {was:.1} ms → {now:.1} ms ({d:+.1} %) of the requests served, but {n_throttled} of {n_requests} ({:.2} %) are throttled (a 429, no response): counted as the slowest, the p99 is a throttled request, over the {q} % limit",
                        new_share * 100.0
                    ),
                ),
                Some(d) => (
                    if d > q { Outcome::Fail } else { Outcome::Pass },
                    Some((d * 10_000.0).round() / 10_000.0),
                    format!(
                        "simulated p99 {was:.1} ms → {now:.1} ms ({} %) {} the {q} % limit{}",
                        pct_vs_limit(d, q),
                        if d > q { "is over" } else { "is within" },
                        if more_throttled {
                            format!(
                                " ({n_throttled} throttled request(s), more than in the baseline, are not in it)"
                            )
                        } else {
                            String::new()
                        }
                    ),
                ),
                None => (
                    Outcome::Skipped,
                    None,
                    "no simulated p99 on both sides".into(),
                ),
            };
            results.push(RuleResult {
                rule: "max_p99_increase_pct".into(),
                outcome,
                value,
                limit: Some(q),
                message,
            });
        }
        if let (Some(r), Some(_)) = (t.max_cold_start_ratio, new) {
            match cold.1 {
                Some(c) => results.push(RuleResult {
                    rule: "max_cold_start_ratio".into(),
                    outcome: if c > r { Outcome::Fail } else { Outcome::Pass },
                    value: Some(c),
                    limit: Some(r),
                    message: {
                        let (pct, limit) = (c * 100.0, r * 100.0);
                        let limit_shown = plain_number(limit);
                        // Beside the limit as shown (the percentages carry the product's noise).
                        let limit: f64 = limit_shown.parse().unwrap_or(limit);
                        let decimals = decimals_vs_limit(pct, limit, 2);
                        format!(
                            "simulated cold-start ratio {pct:.decimals$} % {} the {limit_shown} % limit",
                            if c > r { "is over" } else { "is within" },
                        )
                    },
                }),
                None => results.push(RuleResult {
                    rule: "max_cold_start_ratio".into(),
                    outcome: Outcome::Skipped,
                    value: None,
                    limit: Some(r),
                    message: if n_requests > 0 {
                        format!("none of the {n_requests} simulated requests was served (all throttled): no cold-start ratio (the p99 and throttles rules say so)")
                    } else {
                        "no simulated requests".into()
                    },
                }),
            }
        }
        if let Some(n) = new {
            for f in &n.insights {
                results.push(RuleResult {
                    rule: f.rule.clone(),
                    outcome: f.outcome,
                    value: f.value,
                    limit: Some(f.threshold),
                    message: f.message.clone(),
                });
            }
        }
        functions.push(FunctionCheck {
            name: name.to_string(),
            change: change.into(),
            cost,
            p99_ms: p99,
            cold_start_ratio: cold,
            settings_changes: changes,
            results,
            defined_at: new.or(old).and_then(|f| f.defined_at.first().cloned()),
        });
    }
    let total_cost = CostDiff::new(
        baseline.total_monthly_usd.typical,
        current.total_monthly_usd.typical,
    );
    let mut total_results = Vec::new();
    cost_rules(
        &total_cost,
        &total,
        "the total",
        ZeroBase::WasZero,
        &mut total_results,
    );
    let count = |o: Outcome| {
        functions
            .iter()
            .flat_map(|f| f.results.iter())
            .chain(total_results.iter())
            .filter(|r| r.outcome == o)
            .count()
    };
    let failed = count(Outcome::Fail);
    let warnings = count(Outcome::Warn);
    let mut notes = Vec::new();
    let fingerprints_differ = matches!(
        (&baseline.pricing_fingerprint, &current.pricing_fingerprint),
        (Some(a), Some(b)) if a != b
    );
    if baseline.pricing != current.pricing || fingerprints_differ {
        let dates = |e: &Evaluation| {
            e.pricing
                .iter()
                .map(|p| format!("{} {}", p.offering, p.effective))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let what = if baseline.pricing != current.pricing {
            format!(
                "the price sheets changed since the baseline ({} → {})",
                dates(baseline),
                dates(current)
            )
        } else {
            format!(
                "the prices changed since the baseline under the same sheet dates (figures {} → {})",
                baseline.pricing_fingerprint.as_deref().unwrap_or("not recorded"),
                current.pricing_fingerprint.as_deref().unwrap_or("not recorded"),
            )
        };
        notes.push(format!(
            "{what}: part of the difference may be price changes, not this change"
        ));
    } else if baseline.pricing_fingerprint.is_none() && current.pricing_fingerprint.is_some() {
        notes.push("the baseline records no price fingerprint (written by an older faascope): a price change under the same effective date would not show; regenerate it with `faascope ci baseline`".into());
    }
    // What the evaluation says of the whole project now and did not in the baseline, or said
    // then and no longer does (the free tier turned on or off moves every function's cost).
    // Log groups deleted during this run's pull: said whatever the baseline said (its figures
    // leave them out).
    // And what the logs held that was not priced (ninth-round ci review: a PR comment never
    // said 300 of 400 invocations were left out): said each run, not only when new.
    let deleted = |n: &String| {
        n.starts_with(super::evaluate::DELETED_GROUPS_NOTE) || super::evaluate::input_note(n)
    };
    notes.extend(current.notes.iter().filter(|n| deleted(n)).cloned());
    for n in current.notes.iter().filter(|n| !deleted(n)) {
        if !baseline.notes.contains(n) {
            notes.push(format!("new since the baseline: {n}"));
        }
    }
    for n in baseline.notes.iter().filter(|n| !deleted(n)) {
        if !current.notes.contains(n) {
            notes.push(format!("in the baseline, no longer: {n}"));
        }
    }
    // What the evaluation says about a function now and did not say in the baseline (the
    // duration model applied to a memory change, invocations cut at the timeout): the reason
    // behind a changed figure.
    for f in &current.functions {
        let before = baseline.functions.iter().find(|b| b.name == f.name);
        for n in &f.notes {
            if super::evaluate::input_note(n) || before.is_none_or(|b| !b.notes.contains(n)) {
                notes.push(format!("{}: {n}", f.name));
            }
        }
    }
    // A baseline written before explicit traffic's shape was recorded cannot tell its changes.
    if baseline.functions.iter().any(|f| {
        f.traffic.basis == "explicit"
            && f.traffic.given_shape.is_none()
            && current
                .function(&f.name)
                .is_some_and(|n| n.traffic.given_shape.is_some())
    }) {
        notes.push("the baseline was written by an older faascope: it does not record explicit traffic's INIT time, cold-start and error ratios, so their changes are not listed in \"what changed\"; regenerate it with `faascope ci baseline`".into());
    }
    // A new seed moves the simulated p99 and cold starts by chance alone (sixth-round CI
    // review: a p99 failed with nothing in "what changed").
    let seeds = |e: &Evaluation| -> std::collections::BTreeSet<u64> {
        e.functions
            .iter()
            .filter_map(|f| f.performance.as_ref().map(|p| p.seed))
            .collect()
    };
    let (old_seeds, new_seeds) = (seeds(baseline), seeds(current));
    if !old_seeds.is_empty() && !new_seeds.is_empty() && old_seeds != new_seeds {
        let list = |s: &std::collections::BTreeSet<u64>| {
            s.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")
        };
        notes.push(format!(
            "the simulation seed changed since the baseline ({} → {}): simulated p99 and cold-start figures differ by chance as well; keep [project] seed to compare like with like",
            list(&old_seeds),
            list(&new_seeds)
        ));
    }
    if baseline.skipped_records != current.skipped_records {
        notes.push(format!(
            "malformed records skipped: {} in the baseline, {} now",
            baseline.skipped_records, current.skipped_records
        ));
    }
    CheckReport {
        status: if failed == 0 { "pass" } else { "fail" }.into(),
        baseline: baseline_name.into(),
        config: config_name.into(),
        total: total_cost,
        total_results,
        thresholds: total,
        functions,
        failed,
        warnings,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Third-round cost review: "+10.0 % is over the 10 % limit" (10.04 %), and "+$0.01 …:
    /// under one cent a month" ($0.0051).
    #[test]
    fn verdicts_show_the_digits_that_decide_them() {
        assert_eq!(pct_vs_limit(10.04, 10.0), "+10.04");
        assert_eq!(pct_vs_limit(9.996, 10.0), "+9.996");
        assert_eq!(pct_vs_limit(12.34, 10.0), "+12.3");
        assert_eq!(pct_vs_limit(10.0, 10.0), "+10.0");
        assert_eq!(pct_vs_limit(-3.0, 10.0), "-3.0");
        // Sixth-round CI review: the figure stands to the limit as the value does.
        assert_eq!(pct_vs_limit(10.028, 10.0), "+10.03");
        assert_eq!(pct_vs_limit(9.972, 10.0), "+9.97");
        assert_eq!(decimals_vs_limit(0.0525, 0.0524, 2), 4);
        assert_eq!(decimals_vs_limit(0.05, 0.0524, 2), 2);
        assert_eq!(decimals_vs_limit(0.0524, 0.0524, 2), 4);
        assert_eq!(plain_number(0.000524 * 100.0), "0.0524");
        assert_eq!(plain_number(5.0), "5");
        assert_eq!(usd_limit(5.0), "$5.00");
        assert_eq!(usd_limit(0.18), "$0.18");
        assert_eq!(usd_limit(0.176), "$0.176");
        let cent = Decimal::new(51, 4);
        assert_eq!(usd_fine(Decimal::new(185, 4), cent), "$0.0185");
        assert_eq!(usd_fine(Decimal::new(185, 4), Decimal::ONE), "$0.02");
        let cost = CostDiff {
            old_usd: Decimal::new(185, 4),
            new_usd: Decimal::new(236, 4),
            delta_usd: cent,
            delta_pct: Some(27.6),
        };
        let mut out = Vec::new();
        let t = Thresholds {
            max_increase_pct: Some(10.0),
            ..Thresholds::default()
        };
        cost_rules(&cost, &t, "the", ZeroBase::New, &mut out);
        assert_eq!(out[0].outcome, Outcome::Pass);
        assert!(
            out[0].message.starts_with(
                "the monthly cost +$0.0051 ($0.0185 → $0.0236, +27.6 %): under one cent"
            ),
            "{}",
            out[0].message
        );
    }

    /// Fourth-round CI review: "the monthly cost -$0.00" and "$1.33 → $1.31 (-$0.01)": the
    /// figures beside a change add up to it, and no change is unsigned. Sixth-round: the change
    /// is the exact one in cents (each side rounded first, one change of $1.6667 read +$1.66 for
    /// a function and +$1.67 for the total), so the figures beside it show hundredths of a
    /// cent when their cents would not add up to it.
    #[test]
    fn a_change_is_shown_and_judged_in_cents_of_the_exact_change() {
        let diff = |old: i64, new: i64| CostDiff {
            old_usd: Decimal::new(old, 4),
            new_usd: Decimal::new(new, 4),
            delta_usd: Decimal::new(new - old, 4),
            delta_pct: Some((new - old) as f64 / old as f64 * 100.0),
        };
        assert_eq!(
            diff(13255, 13115).shown(),
            ("$1.3255".into(), "$1.3115".into(), "-$0.01".into())
        );
        assert_eq!(
            diff(1800, 1793).shown(),
            ("$0.18".into(), "$0.18".into(), "$0.00".into())
        );
        assert_eq!(
            diff(18000, 20000).shown(),
            ("$1.80".into(), "$2.00".into(), "+$0.20".into())
        );
        let mut out = Vec::new();
        let t = Thresholds {
            max_increase_pct: Some(10.0),
            max_increase_usd: Some(0.01),
            ..Thresholds::default()
        };
        cost_rules(&diff(1800, 1793), &t, "the", ZeroBase::New, &mut out);
        assert!(
            out[0]
                .message
                .starts_with("the monthly cost $0.00 ($0.18 → $0.18"),
            "{}",
            out[0].message
        );
        // +$0.014 is +$0.01: within a $0.01 limit.
        out.clear();
        cost_rules(&diff(13115, 13255), &t, "the", ZeroBase::New, &mut out);
        assert_eq!(out[1].outcome, Outcome::Pass, "{}", out[1].message);
        assert_eq!(
            out[1].message,
            "the monthly cost +$0.01 ($1.3115 → $1.3255) is within the $0.01 limit"
        );
        // The same change of $1.6667 from two bases is judged alike against a $1.66 limit.
        let t = Thresholds {
            max_increase_usd: Some(1.66),
            ..Thresholds::default()
        };
        for (old, new) in [(18_666_700, 35_333_400), (30_999_990, 47_666_690)] {
            let c = CostDiff {
                old_usd: Decimal::new(old, 7),
                new_usd: Decimal::new(new, 7),
                delta_usd: Decimal::new(new - old, 7),
                delta_pct: None,
            };
            out.clear();
            cost_rules(&c, &t, "the", ZeroBase::New, &mut out);
            assert_eq!(out[0].outcome, Outcome::Fail, "{}", out[0].message);
            assert!(
                out[0].message.starts_with("the monthly cost +$1.67"),
                "{}",
                out[0].message
            );
        }
    }

    fn eval(functions: &[(&str, &str, u32)]) -> Evaluation {
        let fs: Vec<serde_json::Value> = functions
            .iter()
            .map(|(name, usd, memory)| {
                serde_json::json!({
                    "name": name, "defined_at": [],
                    "settings": {"memory_mb": memory, "arch": "x86_64", "region": "us-east-1",
                        "timeout_s": null, "runtime": null, "provisioned_concurrency": 0,
                        "reserved_concurrency": null, "ephemeral_storage_mb": 512, "keep_alive_s": 600.0},
                    "traffic": {"basis": "explicit", "log_name": null, "observed_invocations": null,
                        "reference_memory_mb": memory, "cpu_bound_fraction": 0.0, "duration_model": "given",
                        "duration_factor": 1.0,
                        "requests_per_month": {"low": "1", "typical": "1", "high": "1"},
                        // The usage moves with the cost (the same usage at another cost is
                        // a share of what the account shares: `account_share_rules`).
                        "gb_seconds_per_month": {"low": usd, "typical": usd, "high": usd}},
                    "monthly_usd": {"low": usd, "typical": usd, "high": usd},
                    "provisioned": null,
                    "performance": {"p50_ms": 10.0, "p99_ms": 100.0, "cold_start_ratio": 0.01,
                        "throttles": 0, "simulated_requests": 100, "simulated_hours": 1.0, "seed": 1},
                    "observed": null, "insights": [], "notes": []
                })
            })
            .collect();
        let total: f64 = functions.iter().map(|f| f.1.parse::<f64>().unwrap()).sum();
        serde_json::from_value(serde_json::json!({
            "schema": super::super::SCHEMA, "project": null, "pricing": [],
            "functions": fs,
            "total_monthly_usd": {"low": total.to_string(), "typical": total.to_string(), "high": total.to_string()},
            "skipped_records": 0, "notes": []
        }))
        .unwrap()
    }

    fn limits() -> Thresholds {
        Thresholds {
            max_increase_pct: Some(10.0),
            max_increase_usd: Some(5.0),
            max_p99_increase_pct: Some(20.0),
            max_cold_start_ratio: Some(0.05),
        }
    }

    /// Ninth-round ci review: "requests_per_month 65568 → 65568" when only the busiest day's
    /// month moved; the band that moved is named, and a change under a request is none.
    #[test]
    fn a_traffic_change_names_the_band_that_moved() {
        let old = eval(&[("a", "1.00", 512)]);
        let band = |low: &str, typical: &str, high: &str| {
            let mut e = eval(&[("a", "1.00", 512)]);
            e.functions[0].traffic.requests_per_month = crate::cost::Range {
                low: low.parse().unwrap(),
                typical: typical.parse().unwrap(),
                high: high.parse().unwrap(),
            };
            e
        };
        let changes = |new: &Evaluation| settings_changes(&old.functions[0], &new.functions[0]);
        let high = changes(&band("1", "1.2", "7"));
        assert_eq!(high.len(), 1, "{high:?}");
        assert_eq!(
            (
                high[0].key.as_str(),
                high[0].old.as_str(),
                high[0].new.as_str()
            ),
            ("requests_per_month (costliest day)", "1", "7")
        );
        let typical = changes(&band("1", "3", "7"));
        assert_eq!(typical[0].key, "requests_per_month");
        assert!(changes(&band("1.2", "1.3", "0.9")).is_empty());
    }

    /// An increase of a fraction of a cent is +$0.00, within a $0.00 limit: the rule compares
    /// what it shows.
    #[test]
    fn a_sub_cent_increase_is_within_a_zero_usd_limit() {
        let old = eval(&[("a", "0.2900", 512)]);
        let new = eval(&[("a", "0.2916", 512)]);
        let zero = Thresholds {
            max_increase_usd: Some(0.0),
            ..limits()
        };
        let usd_rule = |new: &Evaluation| {
            let r = check(&old, new, &BTreeMap::new(), zero, "b.json", "f.toml");
            let usd = r.functions[0]
                .results
                .iter()
                .find(|x| x.rule == "max_increase_usd")
                .cloned()
                .unwrap();
            (usd.outcome, usd.value)
        };
        assert_eq!(usd_rule(&new), (Outcome::Pass, Some(0.0)));
        assert_eq!(
            usd_rule(&eval(&[("a", "0.30", 512)])),
            (Outcome::Fail, Some(0.01))
        );
    }

    #[test]
    fn increases_past_a_limit_fail_and_new_functions_only_meet_the_usd_limit() {
        let old = eval(&[("a", "10", 512), ("b", "20", 128)]);
        let new = eval(&[("a", "11.5", 1024), ("b", "20", 128), ("c", "3", 256)]);
        let r = check(&old, &new, &BTreeMap::new(), limits(), "b.json", "f.toml");
        let a = &r.functions[0];
        assert_eq!(a.change, "changed");
        assert_eq!(a.cost.delta_pct, Some(15.0));
        assert_eq!(a.settings_changes[0].key, "memory_mb");
        let rule =
            |f: &FunctionCheck, id: &str| f.results.iter().find(|x| x.rule == id).unwrap().outcome;
        assert_eq!(rule(a, "max_increase_pct"), Outcome::Fail);
        assert_eq!(rule(a, "max_increase_usd"), Outcome::Pass);
        assert_eq!(rule(a, "max_p99_increase_pct"), Outcome::Pass);
        assert_eq!(rule(&r.functions[1], "max_increase_pct"), Outcome::Pass);
        assert_eq!(r.functions[1].change, "unchanged");
        let c = &r.functions[2];
        assert_eq!(c.change, "added");
        assert_eq!(rule(c, "max_increase_pct"), Outcome::Skipped);
        assert_eq!(rule(c, "max_increase_usd"), Outcome::Pass);
        // Total: 30 -> 34.5 = +15 % (fail), +4.5 USD (pass).
        assert_eq!(r.total.delta_pct, Some(15.0));
        assert_eq!(r.total_results[0].outcome, Outcome::Fail);
        assert_eq!(r.failed, 2);
        assert_eq!(r.status, "fail");
        // A per-function limit overrides the total's.
        let mut per = BTreeMap::new();
        per.insert(
            "a".to_string(),
            Thresholds {
                max_increase_pct: Some(20.0),
                ..limits()
            },
        );
        let r = check(&old, &new, &per, limits(), "b.json", "f.toml");
        assert_eq!(rule(&r.functions[0], "max_increase_pct"), Outcome::Pass);
        assert_eq!(r.failed, 1);
    }

    #[test]
    fn a_function_at_zero_in_the_baseline_is_not_new_and_meets_the_usd_limit() {
        let old = eval(&[("a", "0", 512), ("b", "10", 128)]);
        let new = eval(&[("a", "7", 512), ("b", "10", 128)]);
        let r = check(&old, &new, &BTreeMap::new(), limits(), "b.json", "f.toml");
        let a = &r.functions[0];
        assert_eq!(a.change, "changed");
        let pct = a
            .results
            .iter()
            .find(|x| x.rule == "max_increase_pct")
            .unwrap();
        assert_eq!(pct.outcome, Outcome::Skipped);
        assert!(
            pct.message
                .starts_with("the monthly cost was $0.00 in the baseline"),
            "{}",
            pct.message
        );
        let usd = a
            .results
            .iter()
            .find(|x| x.rule == "max_increase_usd")
            .unwrap();
        // +$7.00 is over the $5.00 limit.
        assert_eq!(usd.outcome, Outcome::Fail);
        assert_eq!(a.outcome(), Outcome::Fail);
        // Sixth-round CI review: a baseline shown as $0.00 but not zero ($0.0006) was held to
        // the percentage ("$0.00 → $0.06, +9894.7 %"): it is $0.00 as the README says.
        let tiny = eval(&[("a", "0.0006", 512), ("b", "10", 128)]);
        let grown = eval(&[("a", "0.06", 512), ("b", "10", 128)]);
        let r = check(
            &tiny,
            &grown,
            &BTreeMap::new(),
            limits(),
            "b.json",
            "f.toml",
        );
        let pct = r.functions[0]
            .results
            .iter()
            .find(|x| x.rule == "max_increase_pct")
            .unwrap();
        assert_eq!(pct.outcome, Outcome::Skipped, "{}", pct.message);
        assert!(
            pct.message.starts_with(
                "the monthly cost was $0.00 in the baseline ($0.0006: under half a cent)"
            ),
            "{}",
            pct.message
        );
        assert_eq!(r.functions[0].outcome(), Outcome::Pass);
        // A new function says so, in plain words.
        let new = eval(&[("a", "0", 512), ("b", "10", 128), ("c", "1", 128)]);
        let r = check(&old, &new, &BTreeMap::new(), limits(), "b.json", "f.toml");
        let c = &r.functions[2];
        let pct = c
            .results
            .iter()
            .find(|x| x.rule == "max_increase_pct")
            .unwrap();
        assert!(pct
            .message
            .starts_with("the function is new since the baseline"));
        assert!(!pct.message.contains("function's had"));
    }

    #[test]
    fn a_sub_cent_change_is_not_held_to_the_percentage() {
        // $0.006 → $0.0119 (+98 %): under a cent, it passes; a cent or more is held.
        let limit = |old: &str, new: &str| {
            let r = check(
                &eval(&[("a", old, 128)]),
                &eval(&[("a", new, 128)]),
                &BTreeMap::new(),
                limits(),
                "b.json",
                "f.toml",
            );
            let pct = r.functions[0]
                .results
                .iter()
                .find(|x| x.rule == "max_increase_pct")
                .unwrap()
                .clone();
            pct
        };
        // (A baseline of $0.000408 shows as $0.00: no percentage of it is held at all.)
        let tiny = limit("0.000408", "0.000817");
        assert_eq!(tiny.outcome, Outcome::Skipped, "{}", tiny.message);
        let tiny = limit("0.006", "0.0119");
        assert_eq!(tiny.outcome, Outcome::Pass, "{}", tiny.message);
        assert!(tiny.message.contains("under one cent"), "{}", tiny.message);
        let cent = limit("0.005", "0.015");
        assert_eq!(cent.outcome, Outcome::Fail, "{}", cent.message);
    }

    #[test]
    fn a_price_change_under_the_same_date_is_noted() {
        let mut old = eval(&[("a", "10", 512)]);
        let mut new = eval(&[("a", "11", 512)]);
        old.pricing_fingerprint = Some("fnv1a64:0000000000000001".into());
        new.pricing_fingerprint = Some("fnv1a64:0000000000000001".into());
        let t = Thresholds::default();
        let r = check(&old, &new, &BTreeMap::new(), t, "b", "f");
        assert!(r.notes.is_empty(), "{:?}", r.notes);
        new.pricing_fingerprint = Some("fnv1a64:0000000000000002".into());
        let r = check(&old, &new, &BTreeMap::new(), t, "b", "f");
        assert_eq!(r.notes.len(), 1);
        assert!(r.notes[0]
            .starts_with("the prices changed since the baseline under the same sheet dates"));
        assert!(r.notes[0].contains("fnv1a64:0000000000000001 → fnv1a64:0000000000000002"));
        // An old baseline (no fingerprint) still compares, with a note saying what it lacks.
        old.pricing_fingerprint = None;
        let r = check(&old, &new, &BTreeMap::new(), t, "b", "f");
        assert!(
            r.notes[0].contains("records no price fingerprint"),
            "{:?}",
            r.notes
        );
    }

    #[test]
    fn removed_functions_and_no_limits_pass() {
        let old = eval(&[("a", "10", 512), ("gone", "5", 128)]);
        let new = eval(&[("a", "10", 512)]);
        let r = check(
            &old,
            &new,
            &BTreeMap::new(),
            Thresholds::default(),
            "b",
            "f",
        );
        assert!(r.passed());
        assert_eq!(r.functions[1].change, "removed");
        assert!(r.functions[1].results.is_empty());
        assert!(r.total.delta_usd < Decimal::ZERO);
    }
}
