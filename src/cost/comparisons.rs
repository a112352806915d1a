//! Every way to pay for each function's workload, the cheapest, and the monthly saving.
//!
//! Options per function (each an [`OptionCost`] with a low / typical / high monthly range):
//!
//! * `lambda-on-demand`: the function's share of the account's on-demand bill
//!   ([`super::engine::lambda_on_demand_account`], with the chosen allocation and free tier).
//! * `lambda-pc-N`: provisioned concurrency with N environments all month, N sized at the
//!   observed p50 / p95 / p99 / peak concurrency (deduplicated, N = 0 skipped) and any explicit
//!   N; spillover at the function's effective on-demand rate; with utilisation and break-even.
//! * `lambda-sp-PLAN`: Compute Savings Plan on the on-demand usage, an hourly commitment sized
//!   on the typical month's hour-by-hour usage ([`super::engine::savings_plan_hourly_usd`]: an
//!   hour's unused commitment is lost, usage above it is billed on demand; quieter months still
//!   pay it);
//!   requests and ephemeral storage not covered unless the catalog says so.
//! * `lambda-pc-N-sp-PLAN`: the cheapest PC option with the plan's rates.
//! * `fargate-ARCH`, `ec2-TYPE`, `ec2-TYPE-reserved`: always-on capacity sized for the observed
//!   peak concurrency with a stated per-instance concurrency
//!   ([`super::engine::per_instance_concurrency`] unless overridden) — also what a self-hosted
//!   FaaS (OpenFaaS/Knative) on those nodes would cost, before its own overhead. Load
//!   balancers, data transfer and operations effort are not included.
//! * `azure-consumption`, `azure-flex`, `azure-flex-always-ready-N` (N = p95, at least 1),
//!   `azure-premium-EPx`, `gcp-request-based`, `gcp-instance-based`: the same workload under
//!   each provider's billing rules (see [`super::engine`]); same durations assumed; East US /
//!   tier-1 prices for any AWS region. With the free tier on, each provider's grant is shared
//!   pro rata across the account's functions like Lambda's.
//!
//! The cheapest option is the one with the lowest typical monthly cost (first on ties); the
//! saving is on-demand minus cheapest, per scenario.

use rust_decimal::Decimal;
use serde::Serialize;

use super::engine::{
    azure_consumption_metered, azure_flex_always_ready, azure_flex_metered, azure_premium,
    capacity_cost, gcp_instance_based, gcp_request_metered, given_concurrency_fit, instance_fit,
    instances_for_peak, lambda_equivalent_vcpu, lambda_on_demand_account, per_instance_concurrency,
    price_metered, pro_rata, provisioned_concurrency_cost, savings_plan_commitment_usd,
    savings_plan_hourly_usd, AccountCost, AccountOptions, BreakdownLine, HourlyShape, Metered,
    PcCost, PcPlan, ProviderCost, ScenarioCost,
};
use super::money::{mb_to_gb, round_ratio};
use super::rates::{InstanceShape, PriceBook};
use super::usage::{FunctionProjection, MonthlyUsage, ProjectionBasis, SnapStart};
use super::{Arch, CostError, Range, HOURS_PER_MONTH};

/// Families of options (to include or leave out).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OptionFamily {
    LambdaOnDemand,
    ProvisionedConcurrency,
    SavingsPlan,
    Fargate,
    Ec2,
    Azure,
    Google,
}

impl OptionFamily {
    pub const ALL: [OptionFamily; 7] = [
        OptionFamily::LambdaOnDemand,
        OptionFamily::ProvisionedConcurrency,
        OptionFamily::SavingsPlan,
        OptionFamily::Fargate,
        OptionFamily::Ec2,
        OptionFamily::Azure,
        OptionFamily::Google,
    ];
}

/// Options of [`compare_functions`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompareOptions {
    pub account: AccountOptions,
    /// Extra provisioned-concurrency sizes to price (`--provisioned N`).
    pub provisioned: Vec<u32>,
    /// Also price PC at the observed p50 / p95 / p99 / peak (default true).
    pub pc_at_percentiles: bool,
    /// Concurrent executions per Fargate task / EC2 instance / Premium instance; `None` = as
    /// many Lambda-sized environments as fit memory and CPU share.
    pub per_instance_concurrency: Option<u32>,
    /// Fargate task size: vCPU and GB (default 1 vCPU, 2 GB).
    pub fargate_task_vcpu: Decimal,
    pub fargate_task_memory_gb: Decimal,
    /// Cloud Run region (default `us-central1`).
    pub gcp_region: Option<String>,
    /// vCPU per Cloud Run instance; `None` = Lambda's share of the function's memory.
    pub gcp_vcpu: Option<Decimal>,
    /// Concurrent requests per Cloud Run instance for instance-based sizing (default 1).
    pub gcp_instance_concurrency: u32,
    /// Families to include (default all).
    pub families: Vec<OptionFamily>,
}

impl Default for CompareOptions {
    fn default() -> CompareOptions {
        CompareOptions {
            account: AccountOptions::default(),
            provisioned: Vec::new(),
            pc_at_percentiles: true,
            per_instance_concurrency: None,
            fargate_task_vcpu: Decimal::ONE,
            fargate_task_memory_gb: Decimal::from(2),
            gcp_region: None,
            gcp_vcpu: None,
            gcp_instance_concurrency: 1,
            families: OptionFamily::ALL.to_vec(),
        }
    }
}

/// Provisioned-concurrency details of an option.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PcSummary {
    pub environments: u32,
    /// Which observed statistics this N matches (`p95`, `peak`, `requested`…).
    pub sized_for: Vec<String>,
    /// Typical-month utilisation of the provisioned environments.
    pub utilization: Decimal,
    pub break_even_utilization: Option<Decimal>,
    /// Share of the execution time served by PC.
    pub covered_share: Decimal,
}

/// Reserved-capacity details of an option.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CapacitySummary {
    pub instance_type: String,
    pub instances: u32,
    pub per_instance_concurrency: u32,
    pub sized_for_peak_concurrency: u32,
    pub usd_per_hour_per_instance: Decimal,
    /// With the executions per instance given: why they do not fit the machine at Lambda's
    /// shares (see [`given_concurrency_fit`]), shown under the option in tables.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub over_capacity: Option<String>,
}

/// One priced option.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OptionCost {
    /// Stable id, e.g. `lambda-pc-4`, `ec2-m7g.large-reserved`.
    pub id: String,
    pub name: String,
    pub family: OptionFamily,
    pub monthly_usd: Range<Decimal>,
    /// Lines of the typical month.
    pub breakdown: Vec<BreakdownLine>,
    pub assumptions: Vec<String>,
    pub provisioned: Option<PcSummary>,
    pub capacity: Option<CapacitySummary>,
}

/// Concurrency statistics shown with the options.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConcurrencySummary {
    pub p50: u32,
    pub p95: u32,
    pub p99: u32,
    pub peak: u32,
    /// A number in JSON, beside the integer levels (money alone is an exact decimal string).
    #[serde(with = "rust_decimal::serde::float")]
    pub mean: Decimal,
}

/// All options of one function.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunctionComparison {
    pub name: String,
    pub region: String,
    pub arch: Arch,
    pub memory_mb: u32,
    pub concurrency: ConcurrencySummary,
    pub options: Vec<OptionCost>,
    /// Id of the cheapest option (typical month).
    pub cheapest: String,
    pub on_demand_usd: Range<Decimal>,
    pub cheapest_usd: Range<Decimal>,
    /// On demand − cheapest, per scenario (≥ 0 in the typical month).
    pub monthly_saving_usd: Range<Decimal>,
    /// Options that could not be priced, with the reason.
    pub unavailable: Vec<(String, String)>,
    /// The projection's notes.
    pub notes: Vec<String>,
}

/// SnapStart beside more than 512 MB of ephemeral storage, which AWS does not allow (facts.md
/// §1.7, the original restriction): priced as given, and said (seventh-round cost review:
/// both were charged without a word, where SnapStart with PC has a note).
pub fn snapstart_with_large_tmp(meta: &crate::cost::FunctionMeta) -> Option<String> {
    (!matches!(meta.snapstart, SnapStart::Off) && meta.ephemeral_storage_mb > 512)
        .then(|| snapstart_tmp_note(meta.ephemeral_storage_mb))
}

/// The note of [`snapstart_with_large_tmp`] (`faascope ci` gives it too).
pub fn snapstart_tmp_note(ephemeral_storage_mb: u32) -> String {
    format!(
        "SnapStart cannot be combined with ephemeral storage above 512 MB (facts.md §1.7; the original restriction, which may have changed): this configuration ({ephemeral_storage_mb} MB of /tmp) may not deploy; both are priced as given"
    )
}

/// The account's comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub account: AccountCost,
    pub functions: Vec<FunctionComparison>,
    /// Model-wide assumptions (apply to every function).
    pub assumptions: Vec<String>,
}

impl Comparison {
    /// The functions with `keep[i]` set (input order), priced as part of the whole account:
    /// each keeps the share of the account-level free tier and volume tiers it had beside all
    /// the others (a function costs the same alone as beside the others), and each scenario's
    /// `total_usd` becomes the total of the selection. The groups and the free-tier use stay
    /// the account's.
    pub fn select(self, keep: &[bool]) -> Comparison {
        let kept = |i: usize| keep.get(i).copied().unwrap_or(false);
        let mut account = self.account;
        account.names = account
            .names
            .into_iter()
            .enumerate()
            .filter(|(i, _)| kept(*i))
            .map(|(_, n)| n)
            .collect();
        for scenario in [
            &mut account.scenarios.low,
            &mut account.scenarios.typical,
            &mut account.scenarios.high,
        ] {
            scenario.functions = std::mem::take(&mut scenario.functions)
                .into_iter()
                .enumerate()
                .filter(|(i, _)| kept(*i))
                .map(|(_, c)| c)
                .collect();
            scenario.total_usd = scenario.functions.iter().map(|c| c.total_usd).sum();
        }
        // A model-wide assumption that only left-out functions carry (their region's rates
        // "NOT SOURCED", say) does not apply to the selection; one no function carries (the
        // month, the free tier) stays.
        let said_by = |f: &FunctionComparison, a: &String| {
            f.notes.contains(a) || f.options.iter().any(|o| o.assumptions.contains(a))
        };
        let (shown, left_out): (Vec<_>, Vec<_>) = self
            .functions
            .into_iter()
            .enumerate()
            .partition(|(i, _)| kept(*i));
        let assumptions = self
            .assumptions
            .into_iter()
            .filter(|a| {
                shown.iter().any(|(_, f)| said_by(f, a))
                    || !left_out.iter().any(|(_, f)| said_by(f, a))
            })
            .collect();
        Comparison {
            account,
            functions: shown.into_iter().map(|(_, f)| f).collect(),
            assumptions,
        }
    }
}

/// The typical month's lines of a Savings Plan option, adding up to its total (`total`): the
/// eligible usage the commitment covers at the plan rate, the rest at on-demand rates, the
/// commitment an hour did not use (still paid), and the charges the plan does not cover.
///
/// The cost is `C + U + other`, where `C` is the commitment and `U` the eligible on-demand
/// spend above it; the commitment covers the share `s = 1 − U / O` of the eligible on-demand
/// spend `O` (each eligible charge in the same share: the hours' shapes are those of the
/// billed time), worth `s × P` at plan rates, so `C − s × P` of it was not used.
fn savings_plan_lines(
    plan: &str,
    c: &super::engine::LambdaCharges,
    sp: &super::rates::SavingsPlanRates,
    request_usd: Decimal,
    (od, at_plan, other): (Decimal, Decimal, Decimal),
    commitment: Decimal,
    total: Decimal,
) -> Vec<BreakdownLine> {
    let zero = Decimal::ZERO;
    // Eligible on-demand spend above the commitment, and the share covered.
    let uncovered_od = (total - other - commitment).max(zero).min(od.max(zero));
    let covered = if od > zero {
        (Decimal::ONE - uncovered_od / od).max(zero)
    } else {
        zero
    };
    let rest = Decimal::ONE - covered;
    let mut lines = Vec::new();
    let mut push = |line: BreakdownLine| {
        if !(line.quantity.is_zero() && line.usd.is_zero()) {
            lines.push(line);
        }
    };
    push(BreakdownLine::new(
        format!("duration covered by Savings Plan `{plan}` (plan rate)"),
        c.billable_gb_seconds * covered,
        "GB-s",
        sp.duration_usd_per_gb_second,
    ));
    push(BreakdownLine::with_usd(
        "duration not covered by the commitment (on demand)",
        c.billable_gb_seconds * rest,
        "GB-s",
        c.duration_usd * rest,
    ));
    if sp.covers_requests {
        push(BreakdownLine::new(
            format!("requests covered by Savings Plan `{plan}` (no discount)"),
            c.billable_requests * covered,
            "requests",
            request_usd,
        ));
        push(BreakdownLine::new(
            "requests not covered by the commitment (on demand)",
            c.billable_requests * rest,
            "requests",
            request_usd,
        ));
    } else {
        push(BreakdownLine::new(
            "requests (not covered by the plan)",
            c.billable_requests,
            "requests",
            request_usd,
        ));
    }
    if !c.ephemeral_usd.is_zero() {
        if sp.covers_ephemeral_storage {
            push(BreakdownLine::with_usd(
                format!("ephemeral storage covered by Savings Plan `{plan}` (no discount)"),
                c.ephemeral_gb_seconds * covered,
                "GB-s",
                c.ephemeral_usd * covered,
            ));
            push(BreakdownLine::with_usd(
                "ephemeral storage not covered by the commitment (on demand)",
                c.ephemeral_gb_seconds * rest,
                "GB-s",
                c.ephemeral_usd * rest,
            ));
        } else {
            push(BreakdownLine::with_usd(
                "ephemeral storage (not covered by the plan)",
                c.ephemeral_gb_seconds,
                "GB-s",
                c.ephemeral_usd,
            ));
        }
    }
    let snapstart = c.snapstart_cache_usd + c.snapstart_restore_usd;
    if !snapstart.is_zero() {
        push(BreakdownLine::with_usd(
            "SnapStart cache and restore (not covered by the plan)",
            Decimal::ONE,
            "month",
            snapstart,
        ));
    }
    // What the lines above add up to at plan rates for the covered share: the commitment
    // used; the rest of the commitment was paid for nothing.
    let used = at_plan * covered;
    let unused = (commitment - used).max(zero);
    push(BreakdownLine::with_usd(
        "commitment not used in quieter hours (paid, nothing to cover)",
        unused,
        "USD",
        unused,
    ));
    lines
}

fn pick<T>(r: &Range<T>, s: usize) -> &T {
    match s {
        0 => &r.low,
        1 => &r.typical,
        _ => &r.high,
    }
}

fn range_from(values: [Decimal; 3]) -> Range<Decimal> {
    Range {
        low: values[0],
        typical: values[1],
        high: values[2],
    }
}

/// Per-scenario free-grant shares for the alternatives (zero when the free tier is off).
struct FreeShares {
    azure_consumption: Vec<[Metered; 3]>,
    azure_flex: Vec<[Metered; 3]>,
    gcp_request: Vec<[Metered; 3]>,
    gcp_instance: Vec<[Metered; 3]>,
}

fn share_grants(
    meters: &[[Option<Metered>; 3]],
    grants: (Decimal, Decimal, Decimal),
) -> Vec<[Metered; 3]> {
    let mut out: Vec<[Metered; 3]> = (0..meters.len()).map(|_| Default::default()).collect();
    for s in 0..3 {
        let take = |f: fn(&Metered) -> Decimal| -> Vec<Decimal> {
            meters
                .iter()
                .map(|m| m[s].as_ref().map(f).unwrap_or(Decimal::ZERO))
                .collect()
        };
        let req = pro_rata(grants.0, &take(|m| m.requests));
        let gbs = pro_rata(grants.1, &take(|m| m.gb_seconds));
        let vcpu = pro_rata(grants.2, &take(|m| m.vcpu_seconds));
        for i in 0..meters.len() {
            out[i][s] = Metered {
                requests: req[i],
                gb_seconds: gbs[i],
                vcpu_seconds: vcpu[i],
                notes: Vec::new(),
            };
        }
    }
    out
}

fn gcp_vcpu(
    f: &FunctionProjection,
    options: &CompareOptions,
    memory_per_vcpu_mb: Decimal,
) -> Decimal {
    options
        .gcp_vcpu
        .unwrap_or_else(|| lambda_equivalent_vcpu(f.meta.memory_mb, memory_per_vcpu_mb))
}

fn free_shares(
    projections: &[FunctionProjection],
    book: &PriceBook,
    options: &CompareOptions,
    memory_per_vcpu_mb: Decimal,
) -> FreeShares {
    let n = projections.len();
    let empty = || {
        (0..n)
            .map(|_| <[Metered; 3]>::default())
            .collect::<Vec<_>>()
    };
    if !options.account.free_tier {
        return FreeShares {
            azure_consumption: empty(),
            azure_flex: empty(),
            gcp_request: empty(),
            gcp_instance: empty(),
        };
    }
    let mut az_c: Vec<[Option<Metered>; 3]> = Vec::with_capacity(n);
    let mut az_f: Vec<[Option<Metered>; 3]> = Vec::with_capacity(n);
    let mut g_r: Vec<[Option<Metered>; 3]> = Vec::with_capacity(n);
    let mut g_i: Vec<[Option<Metered>; 3]> = Vec::with_capacity(n);
    let azure = book.azure().ok();
    let gcp = book.gcp(options.gcp_region.as_deref()).ok();
    for f in projections {
        let per_scenario = |g: &dyn Fn(&MonthlyUsage) -> Option<Metered>| -> [Option<Metered>; 3] {
            [g(&f.usage.low), g(&f.usage.typical), g(&f.usage.high)]
        };
        az_c.push(per_scenario(&|u| {
            azure.and_then(|a| azure_consumption_metered(&f.meta, u, a, f.rounding_exact).ok())
        }));
        az_f.push(per_scenario(&|u| {
            azure.and_then(|a| azure_flex_metered(&f.meta, u, a).ok().map(|m| m.0))
        }));
        let vcpu = gcp_vcpu(f, options, memory_per_vcpu_mb);
        g_r.push(per_scenario(&|u| {
            gcp.map(|g| gcp_request_metered(&f.meta, u, g, vcpu, f.rounding_exact))
        }));
        let instances = Decimal::from(instances_for_peak(
            f.concurrency.peak,
            options.gcp_instance_concurrency,
        ));
        let lifetime = instances * super::engine::month_seconds();
        let m = Metered {
            requests: Decimal::ZERO,
            gb_seconds: lifetime * mb_to_gb(Decimal::from(f.meta.memory_mb)),
            vcpu_seconds: lifetime * vcpu,
            notes: Vec::new(),
        };
        g_i.push([Some(m.clone()), Some(m.clone()), Some(m)]);
    }
    let zero = Decimal::ZERO;
    FreeShares {
        azure_consumption: share_grants(
            &az_c,
            azure
                .map(|a| {
                    (
                        a.consumption_free_requests,
                        a.consumption_free_gb_seconds,
                        zero,
                    )
                })
                .unwrap_or_default(),
        ),
        azure_flex: share_grants(
            &az_f,
            azure
                .map(|a| (a.flex_free_requests, a.flex_free_gb_seconds, zero))
                .unwrap_or_default(),
        ),
        gcp_request: share_grants(
            &g_r,
            gcp.map(|g| {
                (
                    g.request_based_free_requests,
                    g.request_based_free_gib_seconds,
                    g.request_based_free_vcpu_seconds,
                )
            })
            .unwrap_or_default(),
        ),
        gcp_instance: share_grants(
            &g_i,
            gcp.map(|g| {
                (
                    zero,
                    g.instance_based_free_gib_seconds,
                    g.instance_based_free_vcpu_seconds,
                )
            })
            .unwrap_or_default(),
        ),
    }
}

fn push_unique(list: &mut Vec<String>, items: impl IntoIterator<Item = String>) {
    for i in items {
        if !list.contains(&i) {
            list.push(i);
        }
    }
}

/// Prices every option of every function (see the module docs).
pub fn compare_functions(
    projections: &[FunctionProjection],
    book: &PriceBook,
    options: &CompareOptions,
) -> Result<Comparison, CostError> {
    let account = lambda_on_demand_account(projections, book, &options.account)?;
    let rules = book.lambda_rules()?;
    let free = free_shares(projections, book, options, rules.memory_per_vcpu_mb);
    let has = |f: OptionFamily| options.families.contains(&f);
    let month_hours = Decimal::from(super::HOURS_PER_MONTH);
    let mut out = Vec::with_capacity(projections.len());
    for (i, f) in projections.iter().enumerate() {
        let rates = book.lambda(&f.meta.region, f.meta.arch)?;
        let scen: [&ScenarioCost; 3] = [
            &account.scenarios.low,
            &account.scenarios.typical,
            &account.scenarios.high,
        ];
        let charges = |s: usize| &scen[s].functions[i];
        let mut opts: Vec<OptionCost> = Vec::new();
        let mut unavailable: Vec<(String, String)> = Vec::new();
        let on_demand = range_from([
            charges(0).total_usd,
            charges(1).total_usd,
            charges(2).total_usd,
        ]);

        // --- Lambda on demand -------------------------------------------------------------
        if has(OptionFamily::LambdaOnDemand) {
            let mut a = rates.assumptions.clone();
            let python_snapstart = matches!(f.meta.snapstart, SnapStart::PythonOrDotnet { .. });
            a.extend(
                rules
                    .assumptions
                    .iter()
                    .filter(|x| python_snapstart || !x.contains("snapstart"))
                    .cloned(),
            );
            if options.account.free_tier {
                a.push("account free tier shared pro rata across functions (requests and GB-s separately)".into());
            }
            opts.push(OptionCost {
                id: "lambda-on-demand".into(),
                name: "Lambda on demand".into(),
                family: OptionFamily::LambdaOnDemand,
                monthly_usd: on_demand,
                breakdown: charges(1).lines(rates),
                assumptions: a,
                provisioned: None,
                capacity: None,
            });
        }

        // --- Provisioned concurrency ------------------------------------------------------
        let mut pc_sizes: Vec<(u32, Vec<String>)> = Vec::new();
        if has(OptionFamily::ProvisionedConcurrency) {
            let c = &f.concurrency;
            let mut add = |n: u32, label: &str| {
                if n == 0 {
                    return;
                }
                match pc_sizes.iter_mut().find(|(k, _)| *k == n) {
                    Some((_, labels)) => labels.push(label.to_string()),
                    None => pc_sizes.push((n, vec![label.to_string()])),
                }
            };
            if options.pc_at_percentiles {
                add(c.p50, "p50");
                add(c.p95, "p95");
                add(c.p99, "p99");
                add(c.peak, "peak");
            }
            for &n in &options.provisioned {
                add(n, "requested");
            }
            if c.busy_ms() == 0 {
                unavailable.push(("lambda-pc".into(), "no concurrency histogram (or no executions): cannot size provisioned concurrency".into()));
                pc_sizes.clear();
            }
        }
        let pc_cost = |n: u32, s: usize, sp: Option<&super::rates::SavingsPlanRates>| -> PcCost {
            let priced = |spill_rate: Decimal| {
                provisioned_concurrency_cost(
                    &f.meta,
                    pick(&f.usage, s),
                    &f.concurrency,
                    rates,
                    rules,
                    PcPlan::full_month(n),
                    spill_rate,
                    sp,
                )
            };
            // The spillover's GB-s do not hang on its rate: priced once more at the rate of
            // its own place on the account's tiers.
            let first = priced(charges(s).effective_usd_per_gb_second);
            let rate = super::engine::spill_usd_per_gb_second(
                projections,
                scen[s],
                i,
                first.spill_gb_seconds,
                rates,
                options.account.allocation,
            );
            if rate == charges(s).effective_usd_per_gb_second {
                first
            } else {
                priced(rate)
            }
        };
        let mut best_pc: Option<(u32, Decimal)> = None;
        for (n, labels) in &pc_sizes {
            let costs = [
                pc_cost(*n, 0, None),
                pc_cost(*n, 1, None),
                pc_cost(*n, 2, None),
            ];
            let typical = &costs[1];
            let mut a = vec![
                "PC enabled all month (730 h); free tier does not apply to functions with PC".to_string(),
                pc_split(f).to_string(),
                "the invocations PC serves start warm: their share of the cold starts' INIT is billed neither way; INIT of the PC environments themselves (billed at a rate facts.md leaves unconfirmed) is not modelled, and the concurrency the share is read from still holds the INIT".to_string(),
            ];
            if !matches!(f.meta.snapstart, SnapStart::Off) {
                a.push("SnapStart cannot be combined with PC (original restriction, may have changed): this option means SnapStart off".into());
            }
            a.extend(rates.assumptions.iter().cloned());
            if best_pc.is_none_or(|(_, usd)| typical.total_usd < usd) {
                best_pc = Some((*n, typical.total_usd));
            }
            opts.push(OptionCost {
                id: format!("lambda-pc-{n}"),
                name: format!(
                    "Lambda + provisioned concurrency ×{n} ({})",
                    labels.join(", ")
                ),
                family: OptionFamily::ProvisionedConcurrency,
                monthly_usd: range_from([
                    costs[0].total_usd,
                    costs[1].total_usd,
                    costs[2].total_usd,
                ]),
                breakdown: typical.lines(
                    rates.request_usd,
                    (
                        rates.pc_usd_per_gb_second,
                        rates.pc_duration_usd_per_gb_second,
                        Decimal::ZERO,
                    ),
                ),
                assumptions: a,
                provisioned: Some(PcSummary {
                    environments: *n,
                    sized_for: labels.clone(),
                    utilization: typical.utilization,
                    break_even_utilization: typical.break_even_utilization,
                    covered_share: typical.covered_share,
                }),
                capacity: None,
            });
        }

        // --- Savings Plans ------------------------------------------------------------------
        if has(OptionFamily::SavingsPlan) {
            let even = HourlyShape::new(&[]);
            // Each month of the range meets the commitment with its own hours (see
            // `FunctionProjection::hourly_shape`).
            let shape = |s: usize| match &f.hourly_shape {
                Some(r) => pick(r, s),
                None => &even,
            };
            for plan in book.savings_plan_names() {
                let sp = match book.savings_plan(plan, &f.meta.region, f.meta.arch) {
                    Ok(sp) => sp,
                    Err(e) => {
                        unavailable.push((format!("lambda-sp-{plan}"), e.to_string()));
                        continue;
                    }
                };
                // Eligible spend at on-demand and plan rates, per scenario.
                let eligible = |s: usize| -> (Decimal, Decimal, Decimal) {
                    let c = charges(s);
                    let mut od = c.duration_usd;
                    let mut at_plan = c.billable_gb_seconds * sp.duration_usd_per_gb_second;
                    let mut other = c.snapstart_cache_usd + c.snapstart_restore_usd;
                    if sp.covers_requests {
                        od += c.request_usd;
                        at_plan += c.request_usd;
                    } else {
                        other += c.request_usd;
                    }
                    if sp.covers_ephemeral_storage {
                        od += c.ephemeral_usd;
                        at_plan += c.ephemeral_usd;
                    } else {
                        other += c.ephemeral_usd;
                    }
                    (od, at_plan, other)
                };
                // The commitment is per hour: sized on the typical month's hourly shape (an
                // even spread when the hours are not known), then held for low and high.
                let (od1, at_plan1, _) = eligible(1);
                // Per month (the hourly commitment × 730), kept exact.
                let (_, commitment) = savings_plan_hourly_usd(od1, at_plan1, shape(1), None);
                let costs: [Decimal; 3] = std::array::from_fn(|s| {
                    let (od, at_plan, other) = eligible(s);
                    savings_plan_hourly_usd(od, at_plan, shape(s), Some(commitment)).0 + other
                });
                let breakdown = savings_plan_lines(
                    plan,
                    charges(1),
                    sp,
                    rates.request_usd,
                    eligible(1),
                    commitment,
                    costs[1],
                );
                let mut a = vec![
                    format!(
                        "commitment of ${}/hour (${}/month) sized to the typical month's {}; an hour's unused commitment is still paid, usage above it is billed on demand",
                        (commitment / month_hours).round_dp(6).normalize(),
                        super::money::round_cents(commitment),
                        if f.hourly_shape.is_none() { "usage, assumed even over its hours" } else { "hour-by-hour usage" }
                    ),
                    "the plan's rate replaces all volume tiers; EC2/Fargate usage that would absorb the commitment first (bigger discounts) is ignored".into(),
                ];
                a.extend(sp.assumptions.iter().cloned());
                opts.push(OptionCost {
                    id: format!("lambda-sp-{plan}"),
                    name: format!(
                        "Lambda + Compute Savings Plan ({plan}{})",
                        sp.term_years
                            .map(|t| format!(", {t}-yr assumed"))
                            .unwrap_or_default()
                    ),
                    family: OptionFamily::SavingsPlan,
                    monthly_usd: range_from(costs),
                    breakdown,
                    assumptions: a,
                    provisioned: None,
                    capacity: None,
                });
                // The cheapest PC size under the same plan.
                if let Some((n, _)) = best_pc {
                    let od = [
                        pc_cost(n, 0, None),
                        pc_cost(n, 1, None),
                        pc_cost(n, 2, None),
                    ];
                    let spc = [
                        pc_cost(n, 0, Some(sp)),
                        pc_cost(n, 1, Some(sp)),
                        pc_cost(n, 2, Some(sp)),
                    ];
                    let elig = |c: &PcCost| c.allocation_usd + c.pc_duration_usd + c.spill_usd;
                    let commitment = elig(&spc[1]);
                    let costs: [Decimal; 3] = std::array::from_fn(|s| {
                        savings_plan_commitment_usd(elig(&od[s]), elig(&spc[s]), commitment)
                            + spc[s].request_usd
                            + spc[s].ephemeral_usd
                    });
                    let pc_rate = sp
                        .pc_usd_per_gb_second
                        .unwrap_or(rates.pc_usd_per_gb_second);
                    let pcd_rate = sp
                        .pc_duration_usd_per_gb_second
                        .unwrap_or(rates.pc_duration_usd_per_gb_second);
                    let mut a = vec![format!(
                        "commitment of ${}/month sized to the typical month (provisioned concurrency is billed evenly over the hours)",
                        super::money::round_cents(commitment)
                    )];
                    a.extend(sp.assumptions.iter().cloned());
                    opts.push(OptionCost {
                        id: format!("lambda-pc-{n}-sp-{plan}"),
                        name: format!(
                            "Lambda + provisioned concurrency ×{n} + Savings Plan ({plan})"
                        ),
                        family: OptionFamily::SavingsPlan,
                        monthly_usd: range_from(costs),
                        breakdown: spc[1]
                            .lines(rates.request_usd, (pc_rate, pcd_rate, Decimal::ZERO)),
                        assumptions: a,
                        provisioned: Some(PcSummary {
                            environments: n,
                            sized_for: vec!["cheapest PC size".into()],
                            utilization: spc[1].utilization,
                            break_even_utilization: spc[1].break_even_utilization,
                            covered_share: spc[1].covered_share,
                        }),
                        capacity: None,
                    });
                }
            }
        }

        // --- Reserved capacity: Fargate and EC2 -----------------------------------------------
        let peak = f.concurrency.peak;
        let capacity_note = format!(
            "always-on capacity sized for the observed peak concurrency {peak}; excludes load balancer, data transfer, scaling lag and operations effort"
        );
        // `Err((id, reason))` when one environment of the function does not fit the machine.
        let capacity_option = |id: String,
                               name: String,
                               family: OptionFamily,
                               shape: &InstanceShape,
                               hourly: Decimal,
                               mut notes: Vec<String>|
         -> Result<OptionCost, (String, String)> {
            let cpu_note = instance_fit(
                shape,
                f.meta.memory_mb,
                rules.memory_per_vcpu_mb,
                rules.max_vcpu,
            )
            .map_err(|reason| (id.clone(), reason))?;
            let per = options.per_instance_concurrency.unwrap_or_else(|| {
                per_instance_concurrency(shape, f.meta.memory_mb, rules.memory_per_vcpu_mb)
            });
            let instances = instances_for_peak(peak, per);
            notes.insert(0, capacity_note.clone());
            // With N given, the N executions together are weighed, not one.
            let over_capacity = options.per_instance_concurrency.and_then(|p| {
                given_concurrency_fit(
                    shape,
                    f.meta.memory_mb,
                    p,
                    rules.memory_per_vcpu_mb,
                    rules.max_vcpu,
                )
            });
            match &over_capacity {
                Some(note) => notes.push(note.clone()),
                None if options.per_instance_concurrency.is_none() => notes.extend(cpu_note),
                None => {}
            }
            notes.push(match options.per_instance_concurrency {
                Some(p) => format!("{p} concurrent executions per instance (given)"),
                None => format!(
                    "{per} concurrent executions per instance: as many {} MB environments as fit its memory and its CPU at Lambda's share (1 vCPU per {} MB), no OS reserve",
                    f.meta.memory_mb,
                    rules.memory_per_vcpu_mb.normalize()
                ),
            });
            if shape.arch.is_some_and(|a| a != f.meta.arch) {
                notes.push(format!(
                    "runs on {} while the function is built for {}",
                    shape.arch.map(|a| a.to_string()).unwrap_or_default(),
                    f.meta.arch
                ));
            }
            let cost: ProviderCost = capacity_cost(
                &format!("{} × {instances}", shape.name),
                instances,
                hourly,
                notes,
            );
            Ok(OptionCost {
                id,
                name,
                family,
                monthly_usd: Range::collapsed(cost.total_usd),
                breakdown: cost.lines,
                assumptions: cost.notes,
                provisioned: None,
                capacity: Some(CapacitySummary {
                    instance_type: shape.name.clone(),
                    instances,
                    per_instance_concurrency: per,
                    sized_for_peak_concurrency: peak,
                    usd_per_hour_per_instance: hourly,
                    over_capacity,
                }),
            })
        };
        let mut add_capacity = |o: Result<OptionCost, (String, String)>| match o {
            Ok(o) => opts.push(o),
            Err(u) => unavailable.push(u),
        };
        if has(OptionFamily::Fargate) {
            for arch in [Arch::X86_64, Arch::Arm64] {
                match book.fargate(&f.meta.region, arch) {
                    Ok((fr, mut notes)) => {
                        notes.extend(fr.assumptions.iter().cloned());
                        let shape = InstanceShape {
                            name: format!(
                                "Fargate task {} vCPU / {} GB ({arch})",
                                options.fargate_task_vcpu.normalize(),
                                options.fargate_task_memory_gb.normalize()
                            ),
                            vcpu: options.fargate_task_vcpu,
                            memory_gb: options.fargate_task_memory_gb,
                            arch: Some(arch),
                        };
                        let hourly = shape.vcpu * fr.usd_per_vcpu_hour
                            + shape.memory_gb * fr.usd_per_gb_hour;
                        add_capacity(
                            capacity_option(
                                format!("fargate-{arch}"),
                                format!("Fargate tasks ({arch}), always on"),
                                OptionFamily::Fargate,
                                &shape,
                                hourly,
                                notes,
                            )
                            .map_err(|(id, reason)| {
                                (id, format!("{reason}; that is the only Fargate task size priced (facts.md lists no other valid task sizes)"))
                            }),
                        );
                    }
                    Err(e) => add_capacity(Err((format!("fargate-{arch}"), e.to_string()))),
                }
            }
        }
        if has(OptionFamily::Ec2) {
            match book.ec2(&f.meta.region) {
                Ok((instances, notes)) => {
                    for inst in instances {
                        let mut n1 = notes.clone();
                        n1.extend(
                            inst.assumptions
                                .iter()
                                .filter(|a| !a.contains("reserved rate"))
                                .cloned(),
                        );
                        add_capacity(capacity_option(
                            format!("ec2-{}", inst.shape.name),
                            format!(
                                "EC2 {} on demand (or a self-hosted FaaS on it)",
                                inst.shape.name
                            ),
                            OptionFamily::Ec2,
                            &inst.shape,
                            inst.on_demand_usd_per_hour,
                            n1,
                        ));
                        let mut n2 = notes.clone();
                        n2.extend(inst.assumptions.iter().cloned());
                        add_capacity(capacity_option(
                            format!("ec2-{}-reserved", inst.shape.name),
                            format!(
                                "EC2 {} 1-yr reserved / Savings Plan (assumed −{}%)",
                                inst.shape.name,
                                inst.reserved_discount_percent.normalize()
                            ),
                            OptionFamily::Ec2,
                            &inst.shape,
                            inst.reserved_usd_per_hour,
                            n2,
                        ));
                    }
                }
                Err(e) => add_capacity(Err(("ec2".into(), e.to_string()))),
            }
        }

        // --- Azure -----------------------------------------------------------------------
        if has(OptionFamily::Azure) {
            match book.azure() {
                Ok(az) => {
                    let common = "same execution time as on Lambda assumed; East US prices used for any region".to_string();
                    // Consumption
                    let metered: Vec<Result<super::engine::Metered, String>> = (0..3)
                        .map(|s| {
                            azure_consumption_metered(
                                &f.meta,
                                pick(&f.usage, s),
                                az,
                                f.rounding_exact,
                            )
                        })
                        .collect();
                    match metered
                        .iter()
                        .map(|m| m.as_ref())
                        .collect::<Result<Vec<_>, _>>()
                    {
                        Ok(m) => {
                            let costs: Vec<ProviderCost> = (0..3)
                                .map(|s| {
                                    price_metered(
                                        m[s],
                                        &free.azure_consumption[i][s],
                                        az.consumption_request_usd,
                                        az.consumption_usd_per_gb_second,
                                        Decimal::ZERO,
                                        ("executions", "execution time", ""),
                                    )
                                })
                                .collect();
                            let mut a = vec![common.clone()];
                            a.extend(costs[1].notes.iter().cloned());
                            a.extend(
                                az.assumptions
                                    .iter()
                                    .filter(|x| x.contains("consumption"))
                                    .cloned(),
                            );
                            opts.push(OptionCost {
                                id: "azure-consumption".into(),
                                name: "Azure Functions Consumption".into(),
                                family: OptionFamily::Azure,
                                monthly_usd: range_from([
                                    costs[0].total_usd,
                                    costs[1].total_usd,
                                    costs[2].total_usd,
                                ]),
                                breakdown: costs[1].lines.clone(),
                                assumptions: a,
                                provisioned: None,
                                capacity: None,
                            });
                        }
                        Err(reason) => {
                            unavailable.push(("azure-consumption".into(), reason.to_string()))
                        }
                    }
                    // Flex on demand, and always ready at p95 (at least 1); unavailable when
                    // no Flex instance holds the function.
                    let n_ar = f.concurrency.p95.max(1);
                    let flex: Result<Vec<(ProviderCost, ProviderCost)>, String> = (0..3)
                        .map(|s| {
                            let (m, _) = azure_flex_metered(&f.meta, pick(&f.usage, s), az)?;
                            let on_demand = price_metered(
                                &m,
                                &free.azure_flex[i][s],
                                az.flex_on_demand_request_usd,
                                az.flex_on_demand_usd_per_gb_second,
                                Decimal::ZERO,
                                ("executions", "execution time (instance memory)", ""),
                            );
                            let ready = azure_flex_always_ready(
                                &f.meta,
                                pick(&f.usage, s),
                                &f.concurrency,
                                az,
                                n_ar,
                                &free.azure_flex[i][s],
                            )?;
                            Ok((on_demand, ready))
                        })
                        .collect();
                    match flex {
                        Ok(costs) => {
                            let (flex, ar): (Vec<ProviderCost>, Vec<ProviderCost>) =
                                costs.into_iter().unzip();
                            let mut a = vec![
                                common.clone(),
                                "one execution per instance at a time".to_string(),
                            ];
                            a.extend(flex[1].notes.iter().cloned());
                            a.extend(
                                az.assumptions
                                    .iter()
                                    .filter(|x| x.contains("flex"))
                                    .cloned(),
                            );
                            opts.push(OptionCost {
                                id: "azure-flex".into(),
                                name: "Azure Functions Flex Consumption (on demand)".into(),
                                family: OptionFamily::Azure,
                                monthly_usd: range_from([
                                    flex[0].total_usd,
                                    flex[1].total_usd,
                                    flex[2].total_usd,
                                ]),
                                breakdown: flex[1].lines.clone(),
                                assumptions: a,
                                provisioned: None,
                                capacity: None,
                            });
                            let mut a = vec![common.clone(), format!("{n_ar} always-ready instance(s) = observed p95 concurrency (at least 1)")];
                            a.extend(ar[1].notes.iter().cloned());
                            a.extend(
                                az.assumptions
                                    .iter()
                                    .filter(|x| x.contains("flex"))
                                    .cloned(),
                            );
                            opts.push(OptionCost {
                                id: format!("azure-flex-always-ready-{n_ar}"),
                                name: format!(
                                    "Azure Functions Flex Consumption, {n_ar} always ready"
                                ),
                                family: OptionFamily::Azure,
                                monthly_usd: range_from([
                                    ar[0].total_usd,
                                    ar[1].total_usd,
                                    ar[2].total_usd,
                                ]),
                                breakdown: ar[1].lines.clone(),
                                assumptions: a,
                                provisioned: None,
                                capacity: None,
                            });
                        }
                        Err(reason) => {
                            unavailable.push(("azure-flex".into(), reason.clone()));
                            unavailable.push((format!("azure-flex-always-ready-{n_ar}"), reason));
                        }
                    }
                    // Premium EP1..EP3
                    for sku in &az.premium_skus {
                        let id = format!("azure-premium-{}", sku.name.to_ascii_lowercase());
                        let cpu_note = match instance_fit(
                            sku,
                            f.meta.memory_mb,
                            rules.memory_per_vcpu_mb,
                            rules.max_vcpu,
                        ) {
                            Ok(note) => note,
                            Err(reason) => {
                                unavailable.push((id, reason));
                                continue;
                            }
                        };
                        let per = options.per_instance_concurrency.unwrap_or_else(|| {
                            per_instance_concurrency(
                                sku,
                                f.meta.memory_mb,
                                rules.memory_per_vcpu_mb,
                            )
                        });
                        let instances = instances_for_peak(peak, per).max(az.premium_min_instances);
                        let cost = azure_premium(sku, instances, az);
                        let mut a = vec![
                            common.clone(),
                            capacity_note.clone(),
                            format!("{per} concurrent executions per instance"),
                        ];
                        let over_capacity = options.per_instance_concurrency.and_then(|p| {
                            given_concurrency_fit(
                                sku,
                                f.meta.memory_mb,
                                p,
                                rules.memory_per_vcpu_mb,
                                rules.max_vcpu,
                            )
                        });
                        match &over_capacity {
                            Some(note) => a.push(note.clone()),
                            None if options.per_instance_concurrency.is_none() => {
                                a.extend(cpu_note)
                            }
                            None => {}
                        }
                        a.extend(
                            az.assumptions
                                .iter()
                                .filter(|x| x.contains("premium"))
                                .cloned(),
                        );
                        let hourly = sku.vcpu * az.premium_usd_per_vcpu_hour
                            + sku.memory_gb * az.premium_usd_per_gb_hour;
                        opts.push(OptionCost {
                            id,
                            name: format!("Azure Functions Premium {}", sku.name),
                            family: OptionFamily::Azure,
                            monthly_usd: Range::collapsed(cost.total_usd),
                            breakdown: cost.lines,
                            assumptions: a,
                            provisioned: None,
                            capacity: Some(CapacitySummary {
                                instance_type: sku.name.clone(),
                                instances,
                                per_instance_concurrency: per,
                                sized_for_peak_concurrency: peak,
                                usd_per_hour_per_instance: hourly,
                                over_capacity,
                            }),
                        });
                    }
                }
                Err(e) => unavailable.push(("azure".into(), e.to_string())),
            }
        }

        // --- Google Cloud Run functions ----------------------------------------------------------
        if has(OptionFamily::Google) {
            match book.gcp(options.gcp_region.as_deref()) {
                Ok(g) => {
                    let vcpu = gcp_vcpu(f, options, rules.memory_per_vcpu_mb);
                    let common = if options.gcp_vcpu.is_some() {
                        "same execution time as on Lambda assumed".to_string()
                    } else {
                        format!("vCPU = Lambda's share of {} MB (1 vCPU per {} MB) so the execution time is unchanged", f.meta.memory_mb, rules.memory_per_vcpu_mb.normalize())
                    };
                    let rb: Vec<ProviderCost> = (0..3)
                        .map(|s| {
                            let m = gcp_request_metered(
                                &f.meta,
                                pick(&f.usage, s),
                                g,
                                vcpu,
                                f.rounding_exact,
                            );
                            price_metered(
                                &m,
                                &free.gcp_request[i][s],
                                g.request_based_request_usd,
                                g.request_based_usd_per_gib_second,
                                g.request_based_usd_per_vcpu_second,
                                ("requests", "memory", "vCPU"),
                            )
                        })
                        .collect();
                    let mut a = vec![
                        common.clone(),
                        "one request per instance at a time (like Lambda)".into(),
                    ];
                    a.extend(rb[1].notes.iter().cloned());
                    opts.push(OptionCost {
                        id: "gcp-request-based".into(),
                        name: "Google Cloud Run functions (request-based)".into(),
                        family: OptionFamily::Google,
                        monthly_usd: range_from([
                            rb[0].total_usd,
                            rb[1].total_usd,
                            rb[2].total_usd,
                        ]),
                        breakdown: rb[1].lines.clone(),
                        assumptions: a,
                        provisioned: None,
                        capacity: None,
                    });
                    let instances = instances_for_peak(peak, options.gcp_instance_concurrency);
                    let ib: Vec<ProviderCost> = (0..3)
                        .map(|s| {
                            gcp_instance_based(
                                &f.meta,
                                instances,
                                vcpu,
                                g,
                                &free.gcp_instance[i][s],
                            )
                        })
                        .collect();
                    let mut a = vec![
                        common,
                        capacity_note.clone(),
                        format!(
                            "{} concurrent request(s) per instance",
                            options.gcp_instance_concurrency
                        ),
                    ];
                    a.extend(ib[1].notes.iter().cloned());
                    a.extend(g.assumptions.iter().cloned());
                    opts.push(OptionCost {
                        id: "gcp-instance-based".into(),
                        name: format!(
                            "Google Cloud Run functions (instance-based, {instances} always on)"
                        ),
                        family: OptionFamily::Google,
                        monthly_usd: range_from([
                            ib[0].total_usd,
                            ib[1].total_usd,
                            ib[2].total_usd,
                        ]),
                        breakdown: ib[1].lines.clone(),
                        assumptions: a,
                        provisioned: None,
                        capacity: Some(CapacitySummary {
                            instance_type: format!(
                                "Cloud Run instance {} vCPU / {} MiB",
                                vcpu.round_dp(3).normalize(),
                                f.meta.memory_mb
                            ),
                            instances,
                            per_instance_concurrency: options.gcp_instance_concurrency.max(1),
                            sized_for_peak_concurrency: peak,
                            usd_per_hour_per_instance: (vcpu
                                * g.instance_based_usd_per_vcpu_second
                                + mb_to_gb(Decimal::from(f.meta.memory_mb))
                                    * g.instance_based_usd_per_gib_second)
                                * Decimal::from(3600),
                            over_capacity: None,
                        }),
                    });
                }
                Err(e) => unavailable.push(("gcp".into(), e.to_string())),
            }
        }

        let cheapest = opts
            .iter()
            .fold(None::<&OptionCost>, |best, o| match best {
                Some(b) if b.monthly_usd.typical <= o.monthly_usd.typical => Some(b),
                _ => Some(o),
            })
            .cloned();
        let (cheapest_id, cheapest_usd) = match &cheapest {
            Some(o) => (o.id.clone(), o.monthly_usd),
            None => (String::new(), on_demand),
        };
        out.push(FunctionComparison {
            name: f.meta.name.clone(),
            region: f.meta.region.clone(),
            arch: f.meta.arch,
            memory_mb: f.meta.memory_mb,
            concurrency: ConcurrencySummary {
                p50: f.concurrency.p50,
                p95: f.concurrency.p95,
                p99: f.concurrency.p99,
                peak: f.concurrency.peak,
                mean: round_ratio(f.concurrency.mean, 6),
            },
            options: opts,
            cheapest: cheapest_id,
            on_demand_usd: on_demand,
            cheapest_usd,
            monthly_saving_usd: on_demand.minus(&cheapest_usd),
            unavailable,
            notes: {
                let mut notes = f.notes.clone();
                notes.extend(snapstart_with_large_tmp(&f.meta));
                notes
            },
        });
    }
    let mut assumptions = vec![
        format!("a month is {HOURS_PER_MONTH} h"),
        "alternatives run the same code with the same execution time; migration effort is not priced".to_string(),
    ];
    push_unique(&mut assumptions, account.assumptions.iter().cloned());
    Ok(Comparison {
        account,
        functions: out,
        assumptions,
    })
}

/// How a PC option splits the execution time between its environments and on demand.
fn pc_split(f: &FunctionProjection) -> &'static str {
    match (&f.basis, f.concurrency.environment_busy_ms.is_empty()) {
        (_, true) => "execution time split between PC and spillover by the concurrency histogram (Σ min(level, N): a running invocation counted as moving onto an environment that frees up, so spillover is a lower bound)",
        (ProjectionBasis::Calculator, false) => "an invocation arriving while all N environments are busy runs on demand to its end: the Erlang loss share of Poisson arrivals",
        (_, false) => "each observed invocation, in order, runs on a provisioned environment when one is free as it starts, else on demand to its end",
    }
}
