//! Pure cost functions: no I/O, no clock, exact decimals.
//!
//! # Lambda on demand, per account ([`lambda_on_demand_account`])
//!
//! * **Requests**: `billable requests × request price` of the function's region.
//! * **Duration**: GB-seconds from 1 ms-rounded billed duration (the projection already holds
//!   them). Volume tiers apply to the **sum over all functions of the same account, region
//!   and architecture** (the AWS rule). The group's tiered cost is then shared among its
//!   functions by an explicit [`Allocation`]:
//!   * [`Allocation::Blended`]: every function pays the group's average rate:
//!     `share_i = group_cost × gbs_i / Σ gbs`.
//!   * [`Allocation::Marginal`]: the functions fill the tiers one after another in a stated
//!     [`MarginalOrder`]; each pays the tier rates of the slice of the account's volume axis
//!     it occupies (`cost(offset_i, offset_i + gbs_i)`). With `SmallestFirst` (the default
//!     order) small functions pay tier-1 rates and the largest users are credited with the
//!     volume discount they push the account into; `LargestFirst` is the reverse; `AsGiven`
//!     uses the input order.
//!
//!   Either way the shares add up to the group cost exactly: the group cost and the shares are
//!   rounded to [`ALLOCATION_DP`] (1e-12 USD) and the residual goes to the group's largest user.
//! * **Free tier** (off by default; [`AccountOptions::free_tier`]): 1M requests and 400,000
//!   GB-s per month for the **whole account** (all regions, both architectures). When on, the
//!   used allowance (`min(grant, account total)`) is shared pro rata across functions,
//!   requests and GB-seconds separately (`free_i = used × x_i / Σ x`, residual to the largest),
//!   and volume tiers are applied to the remaining billable GB-seconds.
//! * **Ephemeral storage**: `(configured GB − 0.5) × billed seconds × rate` when above 512 MB;
//!   no free tier.
//! * **SnapStart** (Python/.NET only): cache `versions × memory GB × max(730 h, 3 h minimum) ×
//!   rate` and restore `Σ restores × memory GB × rate`. Java SnapStart has no extra charge.
//!   The billed restore time is duration (inside the projection's billed ms).
//! * **INIT**: applied when projecting ([`init_is_billed`]): from 2025-08-01 INIT is billed for
//!   every cold start; before that only for custom runtimes, container images and provisioned
//!   concurrency.
//!
//! # Other models
//! Provisioned concurrency ([`provisioned_concurrency_cost`]), Compute Savings Plans
//! ([`savings_plan_commitment_usd`]), reserved capacity ([`capacity_cost`]), Azure
//! ([`azure_consumption_metered`], [`azure_flex_metered`], [`azure_flex_always_ready`],
//! [`azure_premium`]), Google ([`gcp_request_metered`], [`gcp_instance_based`]) and
//! Lambda@Edge ([`lambda_edge_cost`]). Their modelling assumptions are in their docs.

use chrono::NaiveDate;
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::Decimal;
use serde::Serialize;

use super::money::{mb_to_gb, ms_to_s, non_negative, ratio, round_up_to};
use super::rates::{
    AzureRates, EdgeRates, GcpRates, InstanceShape, LambdaRates, LambdaRules, PriceBook,
    SavingsPlanRates, TierBand,
};
use super::usage::{
    ConcurrencyProfile, FunctionMeta, FunctionProjection, MonthlyUsage, PackageType, SnapStart,
};
use super::{Arch, CostError, Range, HOURS_PER_MONTH};

// ---------------------------------------------------------------------------------------------
// Shared small types
// ---------------------------------------------------------------------------------------------

/// How a group's tiered duration cost is shared among its functions (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "order")]
pub enum Allocation {
    /// Every function pays the group's average rate.
    #[default]
    Blended,
    /// Functions fill the tiers one after another in the given order.
    Marginal(MarginalOrder),
}

/// Order in which functions fill the tiers under [`Allocation::Marginal`]. Ties keep input order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MarginalOrder {
    /// Ascending GB-seconds: the largest users take the discounted top of the volume.
    #[default]
    SmallestFirst,
    /// Descending GB-seconds: the largest users pay tier 1 first.
    LargestFirst,
    /// Input order.
    AsGiven,
}

/// Options of the account-level Lambda computation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct AccountOptions {
    pub allocation: Allocation,
    /// Apply the account-level free tier (off by default in per-function views).
    pub free_tier: bool,
}

/// One line of a cost breakdown: `quantity × usd_per_unit = usd`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BreakdownLine {
    pub item: String,
    pub quantity: Decimal,
    pub unit: String,
    pub usd_per_unit: Decimal,
    pub usd: Decimal,
}

impl BreakdownLine {
    pub fn new(
        item: impl Into<String>,
        quantity: Decimal,
        unit: impl Into<String>,
        usd_per_unit: Decimal,
    ) -> BreakdownLine {
        BreakdownLine {
            item: item.into(),
            quantity,
            unit: unit.into(),
            usd_per_unit,
            usd: quantity * usd_per_unit,
        }
    }

    /// A line whose amount is given (e.g. an allocated tier share), with the implied rate.
    pub fn with_usd(
        item: impl Into<String>,
        quantity: Decimal,
        unit: impl Into<String>,
        usd: Decimal,
    ) -> BreakdownLine {
        // The implied rate to 14 places: an allocated share is rounded to cents' fractions,
        // and its exact ratio reads `0.0000166666999999779…` for the sheet's 0.0000166667.
        let usd_per_unit = ratio(usd, quantity)
            .unwrap_or(Decimal::ZERO)
            .round_dp(14)
            .normalize();
        BreakdownLine {
            item: item.into(),
            quantity,
            unit: unit.into(),
            usd_per_unit,
            usd,
        }
    }
}

/// A priced alternative: its lines, total and notes.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ProviderCost {
    pub lines: Vec<BreakdownLine>,
    pub total_usd: Decimal,
    pub notes: Vec<String>,
}

impl ProviderCost {
    fn from_lines(lines: Vec<BreakdownLine>, notes: Vec<String>) -> ProviderCost {
        let total_usd = lines.iter().map(|l| l.usd).sum();
        ProviderCost {
            lines,
            total_usd,
            notes,
        }
    }
}

/// Seconds in the projected month (730 h).
pub fn month_seconds() -> Decimal {
    Decimal::from(HOURS_PER_MONTH) * Decimal::from(3600)
}

/// The INIT rule (facts.md §1.8): INIT is billed for a cold start on `date` when the date is on
/// or after `init_billed_from` (2025-08-01), or the function uses a custom runtime or a
/// container image, or the environment is provisioned concurrency.
pub fn init_is_billed(
    date: NaiveDate,
    package: PackageType,
    provisioned: bool,
    init_billed_from: NaiveDate,
) -> bool {
    date >= init_billed_from
        || provisioned
        || matches!(
            package,
            PackageType::CustomRuntime | PackageType::ContainerImage
        )
}

/// `usage.billed_ms` with a per-execution minimum: exact for the 100 ms minimum when the
/// projection carries that sum, otherwise `max(Σ ms, requests × minimum)` (exact when all
/// executions fall on the same side of the minimum, a lower bound otherwise).
pub fn time_with_minimum_ms(usage: &MonthlyUsage, minimum_ms: Decimal) -> (Decimal, bool) {
    if minimum_ms <= Decimal::ZERO {
        (usage.billed_ms, true)
    } else if minimum_ms == Decimal::from(100) {
        (usage.ms_at_least_100, true)
    } else {
        (usage.billed_ms.max(usage.requests * minimum_ms), false)
    }
}

/// `usage.billed_ms` with each execution rounded up to `step_ms`: exact for 100 ms when the
/// projection carries that sum, otherwise `Σ ms + requests × step / 2` (uniform remainders).
pub fn time_rounded_up_ms(usage: &MonthlyUsage, step_ms: Decimal) -> (Decimal, bool) {
    if step_ms <= Decimal::ONE {
        (usage.billed_ms, true)
    } else if step_ms == Decimal::from(100) {
        (usage.ms_rounded_up_to_100, true)
    } else {
        (
            usage.billed_ms + usage.requests * step_ms / Decimal::from(2),
            false,
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Tiers, pro rata
// ---------------------------------------------------------------------------------------------

/// Use of one tier band by a slice of the volume axis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BandUse {
    pub from_gb_seconds: Decimal,
    pub to_gb_seconds: Option<Decimal>,
    pub usd_per_gb_second: Decimal,
    pub gb_seconds: Decimal,
    pub usd: Decimal,
}

/// Cost of the GB-seconds occupying `[from, from + amount)` of the monthly volume axis.
/// `None` when an amount exceeds what a decimal holds (about 7.9e28; only absurd prices or
/// volumes get there): the caller reports [`CostError::Overflow`].
pub fn tiered_usd(
    bands: &[TierBand],
    from: Decimal,
    amount: Decimal,
) -> Option<(Decimal, Vec<BandUse>)> {
    let to = from.checked_add(amount)?;
    let mut total = Decimal::ZERO;
    let mut uses = Vec::new();
    for b in bands {
        let lo = b.from_gb_seconds.max(from);
        let hi = match b.to_gb_seconds {
            Some(t) => t.min(to),
            None => to,
        };
        if hi > lo {
            let gbs = hi - lo;
            let usd = gbs.checked_mul(b.usd_per_gb_second)?;
            total = total.checked_add(usd)?;
            uses.push(BandUse {
                from_gb_seconds: b.from_gb_seconds,
                to_gb_seconds: b.to_gb_seconds,
                usd_per_gb_second: b.usd_per_gb_second,
                gb_seconds: gbs,
                usd,
            });
        }
    }
    Some((total, uses))
}

/// Index of the largest amount (first on ties).
fn largest(amounts: &[Decimal]) -> Option<usize> {
    let mut best: Option<usize> = None;
    for (i, a) in amounts.iter().enumerate() {
        if best.is_none_or(|b| *a > amounts[b]) {
            best = Some(i);
        }
    }
    best
}

/// Decimal places of allocated shares (free-tier shares, tier-cost shares): 1e-12 of a USD,
/// GB-second or request. Shares are rounded to this precision and the residual goes to the
/// largest member, so that shares add up to the total exactly (decimal addition of numbers with
/// at most 12 decimal places below 1e15 is exact in 28 digits).
pub const ALLOCATION_DP: u32 = 12;

fn alloc_round(v: Decimal) -> Decimal {
    v.round_dp(ALLOCATION_DP)
}

/// Shares a grant pro rata: `used = min(grant, Σ amounts)`, `share_i = used × a_i / Σ a`
/// (rounded to [`ALLOCATION_DP`] places), with the residual on the largest amount so that
/// `Σ share_i == used` exactly. No share exceeds its amount.
pub fn pro_rata(grant: Decimal, amounts: &[Decimal]) -> Vec<Decimal> {
    let total: Decimal = amounts.iter().copied().sum();
    if total <= Decimal::ZERO || grant <= Decimal::ZERO {
        return vec![Decimal::ZERO; amounts.len()];
    }
    if grant >= total {
        return amounts.to_vec();
    }
    let grant = alloc_round(grant);
    let mut shares: Vec<Decimal> = amounts
        .iter()
        .map(|a| alloc_round(grant * *a / total))
        .collect();
    let residual = grant - shares.iter().copied().sum::<Decimal>();
    if let Some(i) = largest(amounts) {
        shares[i] = (shares[i] + residual).min(amounts[i]);
    }
    shares
}

/// Allocates a group's tiered duration cost (see the module docs). Returns (per-member usd,
/// group cost, band uses of the whole group). The group cost and the shares are rounded to
/// [`ALLOCATION_DP`] places (1e-12 USD) so that the shares add up to it exactly. `None` when an
/// amount overflows a decimal (see [`tiered_usd`]).
pub fn allocate_tiers(
    bands: &[TierBand],
    billable_gb_seconds: &[Decimal],
    allocation: Allocation,
) -> Option<(Vec<Decimal>, Decimal, Vec<BandUse>)> {
    let group_total = billable_gb_seconds
        .iter()
        .try_fold(Decimal::ZERO, |a, g| a.checked_add(*g))?;
    let (group_usd, uses) = tiered_usd(bands, Decimal::ZERO, group_total)?;
    let group_usd = alloc_round(group_usd);
    let mut shares = vec![Decimal::ZERO; billable_gb_seconds.len()];
    if group_total.is_zero() {
        return Some((shares, group_usd, uses));
    }
    match allocation {
        Allocation::Blended => {
            for (s, g) in shares.iter_mut().zip(billable_gb_seconds) {
                // The exact product first; its ratio form when that overflows (huge simulated
                // usage: a product beyond the 96-bit mantissa of a decimal).
                let share = group_usd
                    .checked_mul(*g)
                    .and_then(|x| x.checked_div(group_total))
                    .unwrap_or_else(|| group_usd * (*g / group_total));
                *s = alloc_round(share);
            }
        }
        Allocation::Marginal(order) => {
            let mut offset = Decimal::ZERO;
            for i in marginal_order(billable_gb_seconds, order) {
                shares[i] = alloc_round(tiered_usd(bands, offset, billable_gb_seconds[i])?.0);
                offset += billable_gb_seconds[i];
            }
        }
    }
    let residual = group_usd - shares.iter().copied().sum::<Decimal>();
    if let Some(i) = largest(billable_gb_seconds) {
        shares[i] += residual;
    }
    Some((shares, group_usd, uses))
}

/// The order in which functions fill the tiers under [`Allocation::Marginal`] (stable: ties
/// keep input order).
fn marginal_order(billable_gb_seconds: &[Decimal], order: MarginalOrder) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..billable_gb_seconds.len()).collect();
    match order {
        MarginalOrder::SmallestFirst => {
            idx.sort_by(|a, b| billable_gb_seconds[*a].cmp(&billable_gb_seconds[*b]))
        }
        MarginalOrder::LargestFirst => {
            idx.sort_by(|a, b| billable_gb_seconds[*b].cmp(&billable_gb_seconds[*a]))
        }
        MarginalOrder::AsGiven => {}
    }
    idx
}

/// The rate per GB-second entry `at` of `billable_gb_seconds` pays as [`allocate_tiers`]
/// allocates the tiers, unrounded (a share rounded to [`ALLOCATION_DP`] over a small amount
/// is no rate: 0.00001666670013 for 0.0000166667).
fn allocated_rate(
    bands: &[TierBand],
    billable_gb_seconds: &[Decimal],
    at: usize,
    allocation: Allocation,
) -> Option<Decimal> {
    let amount = *billable_gb_seconds.get(at)?;
    match allocation {
        Allocation::Blended => {
            let total = billable_gb_seconds
                .iter()
                .try_fold(Decimal::ZERO, |a, g| a.checked_add(*g))?;
            tiered_usd(bands, Decimal::ZERO, total)?
                .0
                .checked_div(total)
        }
        Allocation::Marginal(order) => {
            let offset = marginal_order(billable_gb_seconds, order)
                .into_iter()
                .take_while(|&i| i != at)
                .try_fold(Decimal::ZERO, |a, i| a.checked_add(billable_gb_seconds[i]))?;
            tiered_usd(bands, offset, amount)?.0.checked_div(amount)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Lambda on demand per account
// ---------------------------------------------------------------------------------------------

/// On-demand Lambda charges of one function in one scenario.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct LambdaCharges {
    pub requests: Decimal,
    pub free_requests: Decimal,
    pub billable_requests: Decimal,
    pub request_usd: Decimal,
    pub gb_seconds: Decimal,
    pub free_gb_seconds: Decimal,
    pub billable_gb_seconds: Decimal,
    /// Allocated share of the group's tiered duration cost.
    pub duration_usd: Decimal,
    /// GB-seconds of billed INIT added by the INIT rule (part of `gb_seconds`).
    pub init_gb_seconds: Decimal,
    pub ephemeral_gb_seconds: Decimal,
    pub ephemeral_usd: Decimal,
    /// The storage included free (512 MB unless a price sheet's rule says otherwise): named in
    /// the breakdown (eighth-round cost review: it said 512 under an override of 1024).
    pub ephemeral_included_mb: Decimal,
    pub snapstart_cache_usd: Decimal,
    pub snapstart_restore_usd: Decimal,
    pub total_usd: Decimal,
    /// `duration_usd / billable_gb_seconds` (tier-1 rate when nothing is billable).
    pub effective_usd_per_gb_second: Decimal,
}

impl LambdaCharges {
    /// The charges as breakdown lines.
    pub fn lines(&self, rates: &LambdaRates) -> Vec<BreakdownLine> {
        let mut lines = vec![
            BreakdownLine::new(
                "requests",
                self.billable_requests,
                "requests",
                rates.request_usd,
            ),
            BreakdownLine::with_usd(
                "duration (on demand, allocated tiers)",
                self.billable_gb_seconds,
                "GB-s",
                self.duration_usd,
            ),
        ];
        if !self.ephemeral_gb_seconds.is_zero() {
            lines.push(BreakdownLine::new(
                format!(
                    "ephemeral storage above {} MB",
                    self.ephemeral_included_mb.normalize()
                ),
                self.ephemeral_gb_seconds,
                "GB-s",
                rates.ephemeral_usd_per_gb_second,
            ));
        }
        if !self.snapstart_cache_usd.is_zero() {
            lines.push(BreakdownLine::with_usd(
                "SnapStart cache",
                Decimal::ONE,
                "month",
                self.snapstart_cache_usd,
            ));
        }
        if !self.snapstart_restore_usd.is_zero() {
            lines.push(BreakdownLine::with_usd(
                "SnapStart restore",
                Decimal::ONE,
                "month",
                self.snapstart_restore_usd,
            ));
        }
        lines
    }
}

/// One (region, architecture) tier group in a scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupCost {
    pub region: String,
    pub arch: Arch,
    pub functions: usize,
    pub billable_gb_seconds: Decimal,
    pub bands: Vec<BandUse>,
    pub duration_usd: Decimal,
}

/// The account's free-tier use in a scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FreeTierUse {
    pub requests_granted: Decimal,
    pub requests_used: Decimal,
    pub gb_seconds_granted: Decimal,
    pub gb_seconds_used: Decimal,
}

/// The account in one scenario (low, typical or high month).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ScenarioCost {
    /// Same order as the input functions.
    pub functions: Vec<LambdaCharges>,
    pub groups: Vec<GroupCost>,
    pub free_tier: Option<FreeTierUse>,
    pub total_usd: Decimal,
}

/// On-demand Lambda cost of an account, per function and in total, for the low / typical /
/// high month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccountCost {
    pub names: Vec<String>,
    pub options: AccountOptions,
    pub scenarios: Range<ScenarioCost>,
    /// Assumption notes of the figures used (deduplicated).
    pub assumptions: Vec<String>,
}

impl AccountCost {
    pub fn total_usd(&self) -> Range<Decimal> {
        self.scenarios.map(|s| s.total_usd)
    }

    /// One function's total (index in input order).
    pub fn function_usd(&self, index: usize) -> Range<Decimal> {
        self.scenarios.map(|s| {
            s.functions
                .get(index)
                .map(|c| c.total_usd)
                .unwrap_or(Decimal::ZERO)
        })
    }
}

/// On-demand Lambda cost for an account (see the module docs for every rule applied).
pub fn lambda_on_demand_account(
    functions: &[FunctionProjection],
    book: &PriceBook,
    options: &AccountOptions,
) -> Result<AccountCost, CostError> {
    let rules = book.lambda_rules()?;
    let mut rates: Vec<&LambdaRates> = Vec::with_capacity(functions.len());
    let mut assumptions: Vec<String> = rules.assumptions.clone();
    for f in functions {
        let r = book.lambda(&f.meta.region, f.meta.arch)?;
        for a in &r.assumptions {
            if !assumptions.contains(a) {
                assumptions.push(a.clone());
            }
        }
        rates.push(r);
    }
    let metas: Vec<&FunctionMeta> = functions.iter().map(|f| &f.meta).collect();
    let scenario = |pick: fn(&Range<MonthlyUsage>) -> &MonthlyUsage| {
        let usages: Vec<&MonthlyUsage> = functions.iter().map(|f| pick(&f.usage)).collect();
        lambda_account_scenario(&metas, &usages, &rates, rules, options)
    };
    Ok(AccountCost {
        names: functions.iter().map(|f| f.meta.name.clone()).collect(),
        options: *options,
        scenarios: Range {
            low: scenario(|r| &r.low)?,
            typical: scenario(|r| &r.typical)?,
            high: scenario(|r| &r.high)?,
        },
        assumptions,
    })
}

/// `a × b`, or [`CostError::Overflow`] naming the function and the charge.
fn checked_product(
    a: Decimal,
    b: Decimal,
    function: &str,
    what: &str,
) -> Result<Decimal, CostError> {
    a.checked_mul(b).ok_or_else(|| CostError::Overflow {
        function: function.to_string(),
        what: what.to_string(),
    })
}

/// One scenario of the account: `metas`, `usages` and `rates` are parallel slices.
/// [`CostError::Overflow`] when a charge exceeds what a decimal holds (absurd prices or volumes).
pub fn lambda_account_scenario(
    metas: &[&FunctionMeta],
    usages: &[&MonthlyUsage],
    rates: &[&LambdaRates],
    rules: &LambdaRules,
    options: &AccountOptions,
) -> Result<ScenarioCost, CostError> {
    let n = metas.len().min(usages.len()).min(rates.len());
    let requests: Vec<Decimal> = usages[..n].iter().map(|u| u.requests).collect();
    let gbs: Vec<Decimal> = usages[..n].iter().map(|u| u.gb_seconds).collect();
    let (free_req, free_gbs, free_use) = if options.free_tier {
        let fr = pro_rata(rules.free_requests, &requests);
        let fg = pro_rata(rules.free_gb_seconds, &gbs);
        let use_ = FreeTierUse {
            requests_granted: rules.free_requests,
            requests_used: fr.iter().copied().sum(),
            gb_seconds_granted: rules.free_gb_seconds,
            gb_seconds_used: fg.iter().copied().sum(),
        };
        (fr, fg, Some(use_))
    } else {
        (vec![Decimal::ZERO; n], vec![Decimal::ZERO; n], None)
    };

    let mut charges: Vec<LambdaCharges> = (0..n)
        .map(|i| {
            let u = usages[i];
            let r = rates[i];
            let name = metas[i].name.as_str();
            let billable_requests = non_negative(u.requests - free_req[i]);
            Ok(LambdaCharges {
                requests: u.requests,
                free_requests: free_req[i],
                billable_requests,
                request_usd: checked_product(billable_requests, r.request_usd, name, "requests")?,
                gb_seconds: u.gb_seconds,
                free_gb_seconds: free_gbs[i],
                billable_gb_seconds: non_negative(u.gb_seconds - free_gbs[i]),
                init_gb_seconds: u.init_gb_seconds,
                ephemeral_gb_seconds: u.ephemeral_gb_seconds,
                ephemeral_usd: checked_product(
                    u.ephemeral_gb_seconds,
                    r.ephemeral_usd_per_gb_second,
                    name,
                    "ephemeral storage",
                )?,
                ephemeral_included_mb: rules.ephemeral_included_mb,
                snapstart_cache_usd: snapstart_cache_usd(metas[i], r, rules),
                snapstart_restore_usd: snapstart_restore_usd(metas[i], u, r),
                ..LambdaCharges::default()
            })
        })
        .collect::<Result<_, CostError>>()?;

    // Tier groups by (region, arch), in first-seen order.
    let mut group_keys: Vec<(&str, Arch)> = Vec::new();
    let mut members: Vec<Vec<usize>> = Vec::new();
    for (i, meta) in metas.iter().enumerate().take(n) {
        let key = (meta.region.as_str(), meta.arch);
        match group_keys.iter().position(|k| *k == key) {
            Some(g) => members[g].push(i),
            None => {
                group_keys.push(key);
                members.push(vec![i]);
            }
        }
    }
    let mut groups = Vec::with_capacity(group_keys.len());
    for (g, (region, arch)) in group_keys.iter().enumerate() {
        let idx = &members[g];
        let billable: Vec<Decimal> = idx
            .iter()
            .map(|&i| charges[i].billable_gb_seconds)
            .collect();
        let bands = &rates[idx[0]].duration_tiers;
        let (shares, group_usd, uses) = allocate_tiers(bands, &billable, options.allocation)
            .ok_or_else(|| CostError::Overflow {
                function: idx
                    .iter()
                    .map(|&i| metas[i].name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                what: format!("the tiered duration cost in {region} ({arch})"),
            })?;
        for (k, &i) in idx.iter().enumerate() {
            charges[i].duration_usd = shares[k];
        }
        groups.push(GroupCost {
            region: region.to_string(),
            arch: *arch,
            functions: idx.len(),
            billable_gb_seconds: billable.iter().copied().sum(),
            bands: uses,
            duration_usd: group_usd,
        });
    }
    for (i, c) in charges.iter_mut().enumerate() {
        c.total_usd = c.request_usd
            + c.duration_usd
            + c.ephemeral_usd
            + c.snapstart_cache_usd
            + c.snapstart_restore_usd;
        c.effective_usd_per_gb_second = ratio(c.duration_usd, c.billable_gb_seconds)
            .unwrap_or_else(|| rates[i].tier1_usd_per_gb_second());
    }
    let total_usd = charges.iter().map(|c| c.total_usd).sum();
    Ok(ScenarioCost {
        functions: charges,
        groups,
        free_tier: free_use,
        total_usd,
    })
}

/// SnapStart cache for a month: Python/.NET only, `versions × memory GB × max(730 h, minimum)
/// × rate` (versions assumed active the whole month).
pub fn snapstart_cache_usd(
    meta: &FunctionMeta,
    rates: &LambdaRates,
    rules: &LambdaRules,
) -> Decimal {
    match meta.snapstart {
        SnapStart::PythonOrDotnet { active_versions } => {
            let seconds = month_seconds().max(rules.snapstart_cache_minimum_seconds);
            Decimal::from(active_versions)
                * mb_to_gb(Decimal::from(meta.memory_mb))
                * seconds
                * rates.snapstart_cache_usd_per_gb_second
        }
        _ => Decimal::ZERO,
    }
}

/// SnapStart restore charge: Python/.NET only, `Σ restores × memory GB × rate`.
pub fn snapstart_restore_usd(
    meta: &FunctionMeta,
    usage: &MonthlyUsage,
    rates: &LambdaRates,
) -> Decimal {
    match meta.snapstart {
        SnapStart::PythonOrDotnet { .. } => usage.restore_gb * rates.snapstart_restore_usd_per_gb,
        _ => Decimal::ZERO,
    }
}

// ---------------------------------------------------------------------------------------------
// Provisioned concurrency
// ---------------------------------------------------------------------------------------------

/// Provisioned concurrency configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PcPlan {
    pub environments: u32,
    /// Seconds PC is enabled in the month (rounded up to the 5-minute increment when billed).
    pub enabled_seconds: Decimal,
}

impl PcPlan {
    /// `environments` enabled for the whole 730 h month.
    pub fn full_month(environments: u32) -> PcPlan {
        PcPlan {
            environments,
            enabled_seconds: month_seconds(),
        }
    }
}

/// Cost of one PC configuration for one month.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct PcCost {
    pub environments: u32,
    pub billed_enabled_seconds: Decimal,
    /// environments × memory GB × billed enabled seconds.
    pub allocated_gb_seconds: Decimal,
    pub allocation_usd: Decimal,
    /// Share of execution time served by PC (from the concurrency histogram).
    pub covered_share: Decimal,
    pub pc_gb_seconds: Decimal,
    pub pc_duration_usd: Decimal,
    pub spill_gb_seconds: Decimal,
    pub spill_usd: Decimal,
    /// GB-seconds of cold-start INIT the invocations PC serves no longer run (they start
    /// warm): the covered share of the month's cold-start INIT, billed neither way.
    #[serde(skip_serializing_if = "Decimal::is_zero")]
    pub init_removed_gb_seconds: Decimal,
    pub request_usd: Decimal,
    pub ephemeral_usd: Decimal,
    /// The storage included free, named in the breakdown (see [`LambdaCharges`]).
    pub ephemeral_included_mb: Decimal,
    pub total_usd: Decimal,
    /// Busy fraction of the provisioned environments: Σ min(level, N) × ms / (N × window).
    pub utilization: Decimal,
    /// Utilisation above which PC is cheaper than on demand (see [`break_even_utilization`]).
    pub break_even_utilization: Option<Decimal>,
}

impl PcCost {
    pub fn lines(
        &self,
        request_rate: Decimal,
        rates: (Decimal, Decimal, Decimal),
    ) -> Vec<BreakdownLine> {
        let (pc_rate, pcd_rate, _) = rates;
        let mut lines = vec![
            BreakdownLine::new(
                format!(
                    "provisioned concurrency: {} env × {} s (5-min rounding)",
                    self.environments,
                    self.billed_enabled_seconds.normalize()
                ),
                self.allocated_gb_seconds,
                "GB-s",
                pc_rate,
            ),
            BreakdownLine::new(
                "duration served by PC",
                self.pc_gb_seconds,
                "GB-s",
                pcd_rate,
            ),
            BreakdownLine::with_usd(
                // Its rate is the line's own: on demand, or a Savings Plan's where one
                // covers the spillover (the label said on demand for both).
                "spillover duration beyond the provisioned environments",
                self.spill_gb_seconds,
                "GB-s",
                self.spill_usd,
            ),
            BreakdownLine::with_usd(
                "requests (no free tier with PC)",
                ratio(self.request_usd, request_rate).unwrap_or(Decimal::ZERO),
                "requests",
                self.request_usd,
            ),
        ];
        if !self.init_removed_gb_seconds.is_zero() {
            lines.insert(
                3,
                BreakdownLine::with_usd(
                    "cold-start INIT and restores the invocations PC serves no longer run",
                    self.init_removed_gb_seconds,
                    "GB-s",
                    Decimal::ZERO,
                ),
            );
        }
        if !self.ephemeral_usd.is_zero() {
            lines.push(BreakdownLine::with_usd(
                format!(
                    "ephemeral storage above {} MB",
                    self.ephemeral_included_mb.normalize()
                ),
                Decimal::ONE,
                "month",
                self.ephemeral_usd,
            ));
        }
        lines
    }
}

/// PC enabled time as billed: rounded up to the increment (5 minutes).
pub fn pc_billed_seconds(enabled_seconds: Decimal, increment_seconds: Decimal) -> Decimal {
    round_up_to(enabled_seconds, increment_seconds)
}

/// Break-even utilisation u* where PC equals on demand per provisioned GB-second:
/// `pc + pc_duration × u = on_demand × u` → `u* = pc / (on_demand − pc_duration)`.
/// `None` when on demand is not dearer than PC duration (PC never pays off).
/// With us-east-1 x86 tier 1: 0.0000041667 / (0.0000166667 − 0.0000097222) ≈ 0.600.
pub fn break_even_utilization(
    pc_usd_per_gb_second: Decimal,
    pc_duration_usd_per_gb_second: Decimal,
    on_demand_usd_per_gb_second: Decimal,
) -> Option<Decimal> {
    let margin = on_demand_usd_per_gb_second - pc_duration_usd_per_gb_second;
    if margin <= Decimal::ZERO {
        None
    } else {
        Some(pc_usd_per_gb_second / margin)
    }
}

/// The on-demand rate of function `i`'s spillover when it runs with provisioned concurrency:
/// the account's volume tiers allocated again (as `allocation` allocates them) with the
/// function's billable GB-seconds replaced by its `spill_gb_seconds` (all billable: the free
/// tier does not apply to a function with PC). Review of 2026-12-07: the spillover took the
/// rate of the all-on-demand account, a blend of tiers 1 and 2 where the smaller spillover of
/// a function alone in its account is all tier 1 ($213.75 a month low, break-even 65 % for
/// 60 %), and `--free-tier` moved it.
pub fn spill_usd_per_gb_second(
    functions: &[FunctionProjection],
    scenario: &ScenarioCost,
    i: usize,
    spill_gb_seconds: Decimal,
    rates: &LambdaRates,
    allocation: Allocation,
) -> Decimal {
    let tier1 = rates.tier1_usd_per_gb_second();
    // No spillover: the rate its first GB-second would take (the break-even's), that of one.
    let spill_gb_seconds = spill_gb_seconds.max(Decimal::ONE);
    let Some(me) = functions.get(i) else {
        return tier1;
    };
    let key = (me.meta.region.as_str(), me.meta.arch);
    let mut billable = Vec::new();
    let mut at = 0;
    for (j, f) in functions.iter().enumerate() {
        if (f.meta.region.as_str(), f.meta.arch) != key {
            continue;
        }
        if j == i {
            at = billable.len();
            billable.push(spill_gb_seconds);
        } else {
            billable.push(
                scenario
                    .functions
                    .get(j)
                    .map_or(Decimal::ZERO, |c| c.billable_gb_seconds),
            );
        }
    }
    allocated_rate(&rates.duration_tiers, &billable, at, allocation).unwrap_or(tier1)
}

/// Provisioned concurrency for one month.
///
/// * allocation = N × memory GB × enabled seconds (rounded up to 5 minutes) × PC rate;
/// * the execution time served by PC is the histogram share Σ min(level, N) × ms / Σ level × ms,
///   applied to the month's billed GB-seconds; it is billed at the PC duration rate;
/// * the rest ("spillover") is billed at `spill_usd_per_gb_second` (the function's effective
///   on-demand rate from the account allocation; no free tier, since the free tier does not
///   apply to functions with PC);
/// * requests at the request price (no free tier); ephemeral storage and SnapStart as on demand;
/// * with a Savings Plan, its PC, PC-duration and duration rates replace the on-demand ones
///   where the catalog has them (spillover then at the plan's duration rate).
///
/// The invocations PC serves start warm: their share of the month's cold-start INIT
/// ([`MonthlyUsage::cold_init_gb_seconds`]) is billed neither way (sixth-round cost review: it
/// was billed at the PC duration rate, 9,344 GB-s served where `simulate` said 584). Not
/// modelled: INIT of the PC environments themselves (billed by AWS when they are
/// (re)initialised every few hours, a few seconds each; the rate applied is unconfirmed), and
/// the INIT's part of the concurrency histogram the share is taken from. The PC window is the
/// whole month, so utilisation uses the observed histogram's window.
#[allow(clippy::too_many_arguments)]
pub fn provisioned_concurrency_cost(
    meta: &FunctionMeta,
    usage: &MonthlyUsage,
    profile: &ConcurrencyProfile,
    rates: &LambdaRates,
    rules: &LambdaRules,
    plan: PcPlan,
    spill_usd_per_gb_second: Decimal,
    savings_plan: Option<&SavingsPlanRates>,
) -> PcCost {
    let gb = mb_to_gb(Decimal::from(meta.memory_mb));
    let pc_rate = savings_plan
        .and_then(|s| s.pc_usd_per_gb_second)
        .unwrap_or(rates.pc_usd_per_gb_second);
    let pcd_rate = savings_plan
        .and_then(|s| s.pc_duration_usd_per_gb_second)
        .unwrap_or(rates.pc_duration_usd_per_gb_second);
    let spill_rate = savings_plan
        .map(|s| s.duration_usd_per_gb_second)
        .unwrap_or(spill_usd_per_gb_second);
    let billed_seconds =
        pc_billed_seconds(plan.enabled_seconds, rules.pc_billing_increment_seconds);
    let allocated = Decimal::from(plan.environments) * gb * billed_seconds;
    let share = profile.covered_share(plan.environments);
    let init = usage
        .cold_init_gb_seconds
        .clamp(Decimal::ZERO, usage.gb_seconds);
    let init_removed = init * share;
    let pc_gbs = (usage.gb_seconds - init) * share;
    let spill_gbs = usage.gb_seconds - init_removed - pc_gbs;
    let utilization = match (plan.environments, profile.window_ms) {
        (0, _) | (_, 0) => Decimal::ZERO,
        (n, w) => {
            let covered =
                super::money::decimal_from_u128(profile.covered_ms(n)).unwrap_or(Decimal::ZERO);
            covered / (Decimal::from(n) * Decimal::from(w))
        }
    };
    let mut cost = PcCost {
        environments: plan.environments,
        billed_enabled_seconds: billed_seconds,
        allocated_gb_seconds: allocated,
        allocation_usd: allocated * pc_rate,
        covered_share: share,
        pc_gb_seconds: pc_gbs,
        pc_duration_usd: pc_gbs * pcd_rate,
        spill_gb_seconds: spill_gbs,
        spill_usd: spill_gbs * spill_rate,
        init_removed_gb_seconds: init_removed,
        request_usd: usage.requests * rates.request_usd,
        ephemeral_usd: usage.ephemeral_gb_seconds * rates.ephemeral_usd_per_gb_second,
        ephemeral_included_mb: rules.ephemeral_included_mb,
        // No SnapStart charge: SnapStart cannot be combined with provisioned concurrency
        // (facts.md §1.7), so a function priced with PC is priced with SnapStart off.
        utilization,
        break_even_utilization: break_even_utilization(pc_rate, pcd_rate, spill_rate),
        ..PcCost::default()
    };
    cost.total_usd = cost.allocation_usd
        + cost.pc_duration_usd
        + cost.spill_usd
        + cost.request_usd
        + cost.ephemeral_usd;
    cost
}

// ---------------------------------------------------------------------------------------------
// Compute Savings Plans
// ---------------------------------------------------------------------------------------------

/// Monthly cost of plan-eligible usage under a Savings Plan commitment.
///
/// The commitment (USD per month at plan rates) covers the first `commitment_usd` of usage
/// priced at plan rates; the uncovered fraction is billed at on-demand rates; an unused
/// commitment is still paid:
/// `cost = C + (1 − min(1, C / S)) × O` where `S` is the usage at plan rates and `O` at
/// on-demand rates. With `C = S` (commitment sized to the usage) the cost is `S`.
pub fn savings_plan_commitment_usd(
    eligible_on_demand_usd: Decimal,
    eligible_plan_usd: Decimal,
    commitment_usd: Decimal,
) -> Decimal {
    if eligible_plan_usd <= Decimal::ZERO {
        return commitment_usd;
    }
    let covered = (commitment_usd / eligible_plan_usd).min(Decimal::ONE);
    commitment_usd + (Decimal::ONE - covered) * eligible_on_demand_usd
}

/// The shape of a function's usage over the hours of its observed window, for
/// [`savings_plan_hourly_usd`]: the hours' weights (any unit, hours without usage as 0) from
/// the busiest, with running sums, so that a commitment's cost takes a binary search rather
/// than a pass over the hours (10,000 functions × 720 hours × several plans and scenarios).
#[derive(Debug, Clone, PartialEq)]
pub struct HourlyShape {
    /// The hours with usage, busiest first (the others are 0).
    busiest_first: Vec<u64>,
    /// `running[k]` = sum of the `k` busiest weights.
    running: Vec<u128>,
    /// Hours in all, with and without usage.
    hours: usize,
}

impl HourlyShape {
    /// The shape of `weights`, one per hour; an even spread when they are empty or all 0.
    pub fn new(weights: &[u64]) -> HourlyShape {
        let busy: Vec<u64> = weights.iter().copied().filter(|&w| w > 0).collect();
        HourlyShape::sparse(busy, weights.len())
    }

    /// The shape of `hours` hours of which those with usage weigh `busy` (in any order); an
    /// even spread when no hour has usage.
    pub fn sparse(busy: Vec<u64>, hours: usize) -> HourlyShape {
        let mut busiest_first: Vec<u64> = busy.into_iter().filter(|&w| w > 0).collect();
        let hours = if busiest_first.is_empty() {
            busiest_first.push(1);
            1
        } else {
            hours.max(busiest_first.len())
        };
        busiest_first.sort_unstable_by(|a, b| b.cmp(a));
        let mut running = Vec::with_capacity(busiest_first.len() + 1);
        running.push(0u128);
        for &w in &busiest_first {
            running.push(running[running.len() - 1] + u128::from(w));
        }
        HourlyShape {
            busiest_first,
            running,
            hours,
        }
    }

    fn hours(&self) -> usize {
        self.hours
    }

    fn total(&self) -> u128 {
        self.running[self.busiest_first.len()]
    }
}

/// Monthly cost of plan-eligible usage under an **hourly** Savings Plan commitment, and the
/// commitment, expressed per month (`c × 730` for `c` USD per hour at plan rates).
///
/// AWS applies a Savings Plan hour by hour: each hour the commitment `c` covers up to `c / r`
/// of on-demand spend (`r` = plan rate / on-demand rate), the rest of that hour is billed on
/// demand, and a commitment an hour does not use is lost. The month repeats the `shape` of the
/// observed hours. Without a commitment given, it is the one that minimises the month: the
/// on-demand spend of the hour at rank `⌊r × H⌋` from the busiest (more commitment would be
/// idle in more than a share `1 − r` of the hours). An even shape gives
/// [`savings_plan_commitment_usd`] with the commitment sized to the usage: the plan cost,
/// exactly.
///
/// The arithmetic stays in monthly amounts (`S(w)`: the month's on-demand spend if every hour
/// were like one of weight `w`) so that no amount is divided by 730 and multiplied back: the
/// commitment shown and the cost add up to the cent with the plan-rate line items.
pub fn savings_plan_hourly_usd(
    eligible_on_demand_usd: Decimal,
    eligible_plan_usd: Decimal,
    shape: &HourlyShape,
    commitment_per_month: Option<Decimal>,
) -> (Decimal, Decimal) {
    if eligible_on_demand_usd <= Decimal::ZERO || eligible_plan_usd <= Decimal::ZERO {
        let c = commitment_per_month.unwrap_or(Decimal::ZERO);
        return (c + eligible_on_demand_usd.max(Decimal::ZERO), c);
    }
    let (od, at_plan) = (eligible_on_demand_usd, eligible_plan_usd);
    let hours = Decimal::from(shape.hours());
    let total = Decimal::from_u128(shape.total()).unwrap_or(Decimal::ONE);
    // S(w) = w × od × H / total; the plan-rate commitment covering it all: w × plan × H / total.
    let monthly_od = |w: Decimal| w * od * hours / total;
    let c = commitment_per_month.unwrap_or_else(|| {
        let rank = (at_plan / od * hours)
            .floor()
            .to_usize()
            .unwrap_or(usize::MAX);
        shape.busiest_first.get(rank).map_or(Decimal::ZERO, |&w| {
            Decimal::from(w) * at_plan * hours / total
        })
    });
    // The on-demand spend the commitment covers, per hour, in monthly terms: C / r.
    let covered = c * od / at_plan;
    // Hours whose spend exceeds what the commitment covers pay the excess on demand:
    // Σ (S(w) − covered) / H over the `m` hours with S(w) > covered.
    let m = shape
        .busiest_first
        .partition_point(|&w| monthly_od(Decimal::from(w)) > covered);
    let above = monthly_od(Decimal::from_u128(shape.running[m]).unwrap_or(Decimal::ZERO));
    let excess = (above - Decimal::from(m) * covered).max(Decimal::ZERO);
    (c + excess / hours, c)
}

// ---------------------------------------------------------------------------------------------
// Reserved capacity (Fargate tasks, EC2 instances, self-hosted FaaS on them)
// ---------------------------------------------------------------------------------------------

/// Default concurrent executions one machine serves: as many Lambda-sized environments as fit
/// both its memory (`memory / function memory`) and its CPU at Lambda's CPU share
/// (`vCPU × 1,769 MB / function memory`), at least 1 when one environment fits the memory
/// (a CPU share below Lambda's is stated by [`instance_fit`]). **0 when the machine's memory
/// cannot hold one environment** of the function: the option is then unavailable, never
/// priced as if it fitted. No reserve for the OS or a FaaS runtime is kept: override with an
/// explicit per-instance concurrency when you know better.
pub fn per_instance_concurrency(
    shape: &InstanceShape,
    function_memory_mb: u32,
    memory_per_vcpu_mb: Decimal,
) -> u32 {
    let fn_mb = Decimal::from(function_memory_mb.max(1));
    let by_memory = shape.memory_gb * Decimal::from(1024) / fn_mb;
    if by_memory < Decimal::ONE {
        return 0;
    }
    let by_cpu = shape.vcpu * memory_per_vcpu_mb / fn_mb;
    by_memory
        .min(by_cpu)
        .floor()
        .to_u32()
        .unwrap_or(u32::MAX)
        .max(1)
}

/// Whether one environment of a `function_memory_mb` function fits `shape`: `Err(reason)` when
/// the machine's memory is smaller than the function's (the option cannot run it), otherwise
/// `Ok(note)` with a note when the machine gives one environment less CPU than Lambda does at
/// that memory (`memory / memory_per_vcpu`, at most `max_vcpu`), so executions may be slower.
pub fn instance_fit(
    shape: &InstanceShape,
    function_memory_mb: u32,
    memory_per_vcpu_mb: Decimal,
    max_vcpu: Decimal,
) -> Result<Option<String>, String> {
    let fn_mb = Decimal::from(function_memory_mb);
    let machine_mb = shape.memory_gb * Decimal::from(1024);
    if machine_mb < fn_mb {
        return Err(format!(
            "a {function_memory_mb} MB function does not fit {}: it has {} GB of memory",
            shape.name,
            shape.memory_gb.normalize()
        ));
    }
    if memory_per_vcpu_mb > Decimal::ZERO {
        let lambda_vcpu = (fn_mb / memory_per_vcpu_mb).min(max_vcpu);
        if shape.vcpu < lambda_vcpu {
            return Ok(Some(format!(
                "{} has {} vCPU, less than the {} vCPU Lambda gives {function_memory_mb} MB: executions may be slower than on Lambda (same execution time assumed)",
                shape.name,
                shape.vcpu.normalize(),
                lambda_vcpu.round_dp(2).normalize()
            )));
        }
    }
    Ok(None)
}

/// With `per` concurrent executions per machine given by the user, what a note says when they
/// do not fit it at Lambda's shares: their memory together above the machine's, or the machine's
/// vCPU split between them below what Lambda gives one (eighth-round cost review: 100 × 1 GB
/// executions on a 2 GB task were named cheapest without a word, and 8 × 2048 MB on 1 vCPU read
/// "1 vCPU, less than 1.16", where each gets 0.125). The user's number stands; it is said.
pub fn given_concurrency_fit(
    shape: &InstanceShape,
    function_memory_mb: u32,
    per: u32,
    memory_per_vcpu_mb: Decimal,
    max_vcpu: Decimal,
) -> Option<String> {
    let n = Decimal::from(per.max(1));
    let fn_mb = Decimal::from(function_memory_mb);
    let machine_mb = shape.memory_gb * Decimal::from(1024);
    let lambda_vcpu = if memory_per_vcpu_mb > Decimal::ZERO {
        (fn_mb / memory_per_vcpu_mb).min(max_vcpu)
    } else {
        Decimal::ZERO
    };
    let each_vcpu = shape.vcpu / n;
    let mut short = Vec::new();
    if fn_mb * n > machine_mb {
        short.push(format!(
            "{} GB of function memory on {} GB",
            (fn_mb * n / Decimal::from(1024)).round_dp(2).normalize(),
            shape.memory_gb.normalize()
        ));
    }
    if each_vcpu < lambda_vcpu {
        short.push(format!(
            "{} vCPU for each, where Lambda gives a {function_memory_mb} MB function {}",
            each_vcpu.round_dp(3).normalize(),
            lambda_vcpu.round_dp(2).normalize()
        ));
    }
    (!short.is_empty()).then(|| {
        format!(
            "{per} concurrent {function_memory_mb} MB executions on {} (as given) leave {}: they may not fit or may run slower than on Lambda (same execution time assumed)",
            shape.name,
            short.join(" and ")
        )
    })
}

/// Machines needed to serve `peak` concurrent executions: `max(1, ceil(peak / per_instance))`.
pub fn instances_for_peak(peak: u32, per_instance: u32) -> u32 {
    let per = per_instance.max(1);
    peak.div_ceil(per).max(1)
}

/// Always-on capacity for a month: `instances × hourly × 730`.
pub fn capacity_cost(
    label: &str,
    instances: u32,
    usd_per_hour_per_instance: Decimal,
    notes: Vec<String>,
) -> ProviderCost {
    let hours = Decimal::from(instances) * Decimal::from(HOURS_PER_MONTH);
    ProviderCost::from_lines(
        vec![BreakdownLine::new(
            label,
            hours,
            "instance-hours",
            usd_per_hour_per_instance,
        )],
        notes,
    )
}

// ---------------------------------------------------------------------------------------------
// Azure Functions
// ---------------------------------------------------------------------------------------------

/// Usage in a provider's billing meters (before free grants).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Metered {
    pub requests: Decimal,
    pub gb_seconds: Decimal,
    pub vcpu_seconds: Decimal,
    pub notes: Vec<String>,
}

/// Azure Consumption meters for the same workload.
///
/// Memory: observed `max_memory_used_mb` (the configured memory when unknown, stated),
/// rounded up to 128 MB, at least 128 MB; `Err` when above the 1,536 MB maximum. Time: the
/// billed ms with the 100 ms per-execution minimum (exact when the projection carries the sum).
/// Using the peak observed memory for every execution is an upper bound (Azure uses each
/// execution's own memory; one outlier can multiply the figure), said in the note.
pub fn azure_consumption_metered(
    meta: &FunctionMeta,
    usage: &MonthlyUsage,
    rates: &AzureRates,
    rounding_exact: bool,
) -> Result<Metered, String> {
    let mut notes = Vec::new();
    let observed = match meta.max_memory_used_mb {
        Some(m) => Decimal::from(m),
        None => {
            notes.push(
                "max memory used unknown: Azure Consumption priced on the configured memory"
                    .to_string(),
            );
            Decimal::from(meta.memory_mb)
        }
    };
    let step = rates.consumption_memory_rounding_mb.max(Decimal::ONE);
    let billed_mb = round_up_to(observed.max(step), step);
    if billed_mb > rates.consumption_memory_max_mb {
        return Err(format!(
            "needs {} MB, above Azure Consumption's {} MB maximum",
            billed_mb.normalize(),
            rates.consumption_memory_max_mb.normalize()
        ));
    }
    let (time_ms, exact) = time_with_minimum_ms(usage, rates.consumption_min_execution_ms);
    if !(exact && rounding_exact) {
        notes.push(format!(
            "Azure's {} ms minimum approximated from totals",
            rates.consumption_min_execution_ms.normalize()
        ));
    }
    notes.push(format!(
        "billed memory {} MB for every execution: the largest observed, rounded up to {} MB (Azure meters each execution's own memory, so this is an upper bound when most use less)",
        billed_mb.normalize(),
        step.normalize()
    ));
    Ok(Metered {
        requests: usage.requests,
        gb_seconds: mb_to_gb(billed_mb) * ms_to_s(time_ms),
        vcpu_seconds: Decimal::ZERO,
        notes,
    })
}

/// Flex Consumption on-demand meters: the instance memory is the smallest Flex size at least
/// the Lambda configured memory (the largest size when none is, stated); one execution per
/// instance at a time (as on Lambda). The unconfirmed minimum of 1,000 ms per
/// *instance-execution window* is applied once per cold start (each cold start opens a window;
/// warm windows after idle gaps are not counted, so this is a lower bound):
/// `time = max(Σ ms, cold starts × minimum)`. Returns the meters and the instance (name, GB);
/// `Err(reason)` when no Flex instance size holds the function's memory.
pub fn azure_flex_metered(
    meta: &FunctionMeta,
    usage: &MonthlyUsage,
    rates: &AzureRates,
) -> Result<(Metered, (String, Decimal)), String> {
    let (instance, mut notes) = flex_instance(meta, rates)?;
    let minimum = rates.flex_min_execution_ms;
    let time_ms = usage.billed_ms.max(usage.cold_starts * minimum);
    if minimum > Decimal::ZERO {
        notes.push(format!(
            "Flex's unconfirmed {} ms minimum per instance-execution window applied once per cold start (a lower bound)",
            minimum.normalize()
        ));
    }
    let m = Metered {
        requests: usage.requests,
        gb_seconds: instance.1 * ms_to_s(time_ms),
        vcpu_seconds: Decimal::ZERO,
        notes,
    };
    Ok((m, instance))
}

/// The smallest Flex instance size that holds the function's configured memory.
fn flex_instance(
    meta: &FunctionMeta,
    rates: &AzureRates,
) -> Result<((String, Decimal), Vec<String>), String> {
    let need_gb = mb_to_gb(Decimal::from(meta.memory_mb));
    let instance = match rates
        .flex_instance_sizes
        .iter()
        .find(|(_, gb)| *gb >= need_gb)
    {
        Some(i) => i.clone(),
        None if rates.flex_instance_sizes.is_empty() => ("flex".to_string(), need_gb),
        None => {
            let largest = rates
                .flex_instance_sizes
                .iter()
                .map(|(_, gb)| *gb)
                .max()
                .unwrap_or(Decimal::ZERO);
            return Err(format!(
                "a {} MB function does not fit Flex Consumption: its largest instance has {} GB of memory",
                meta.memory_mb,
                largest.normalize()
            ));
        }
    };
    let notes = vec![format!(
        "Flex instance memory {} GB (billing uses the instance size, not observed memory)",
        instance.1.normalize()
    )];
    Ok((instance, notes))
}

/// Prices meters against free grants (`free` = this function's share) and rates.
pub fn price_metered(
    meters: &Metered,
    free: &Metered,
    request_usd: Decimal,
    usd_per_gb_second: Decimal,
    usd_per_vcpu_second: Decimal,
    labels: (&str, &str, &str),
) -> ProviderCost {
    let mut lines = vec![
        BreakdownLine::new(
            labels.0,
            non_negative(meters.requests - free.requests),
            "requests",
            request_usd,
        ),
        BreakdownLine::new(
            labels.1,
            non_negative(meters.gb_seconds - free.gb_seconds),
            "GB-s",
            usd_per_gb_second,
        ),
    ];
    if !meters.vcpu_seconds.is_zero() || !usd_per_vcpu_second.is_zero() {
        lines.push(BreakdownLine::new(
            labels.2,
            non_negative(meters.vcpu_seconds - free.vcpu_seconds),
            "vCPU-s",
            usd_per_vcpu_second,
        ));
    }
    ProviderCost::from_lines(lines, meters.notes.clone())
}

/// Flex Consumption with `always_ready` instances for the whole month plus on-demand spillover.
///
/// Always-ready instances are billed the baseline rate on their allocated-but-idle GB-seconds
/// (`N × instance GB × 730 h − busy GB-s`) and the always-ready execution rate on busy GB-s;
/// the busy share is the concurrency histogram's Σ min(level, N) share (one execution per
/// instance). The rest runs on demand, with the function's share of the on-demand free grant
/// (`free`, which does not cover always-ready usage). `Err(reason)` when no Flex instance
/// holds the function.
pub fn azure_flex_always_ready(
    meta: &FunctionMeta,
    usage: &MonthlyUsage,
    profile: &ConcurrencyProfile,
    rates: &AzureRates,
    always_ready: u32,
    free: &Metered,
) -> Result<ProviderCost, String> {
    let (meters, (name, inst_gb)) = azure_flex_metered(meta, usage, rates)?;
    let share = profile.covered_share(always_ready);
    let allocated = Decimal::from(always_ready) * inst_gb * month_seconds();
    let busy = meters.gb_seconds * share;
    let idle = non_negative(allocated - busy);
    let spill_gbs = meters.gb_seconds - busy;
    let ar_requests = meters.requests * share;
    let spill_requests = meters.requests - ar_requests;
    let lines = vec![
        BreakdownLine::new(
            format!("always-ready baseline: {always_ready} × {name}, idle"),
            idle,
            "GB-s",
            rates.flex_always_ready_baseline_usd_per_gb_second,
        ),
        BreakdownLine::new(
            "always-ready execution time",
            busy,
            "GB-s",
            rates.flex_always_ready_execution_usd_per_gb_second,
        ),
        BreakdownLine::new(
            "always-ready executions",
            ar_requests,
            "requests",
            rates.flex_always_ready_request_usd,
        ),
        BreakdownLine::new(
            "on-demand spillover time",
            non_negative(spill_gbs - free.gb_seconds),
            "GB-s",
            rates.flex_on_demand_usd_per_gb_second,
        ),
        BreakdownLine::new(
            "on-demand spillover executions",
            non_negative(spill_requests - free.requests),
            "requests",
            rates.flex_on_demand_request_usd,
        ),
    ];
    let mut notes = meters.notes;
    notes.push("always-ready baseline billed on idle allocated GB-s only".to_string());
    Ok(ProviderCost::from_lines(lines, notes))
}

/// Elastic Premium: `instances × (vCPU × vCPU rate + GB × GB rate) × 730 h`. At least the plan's
/// minimum instance count (1: no scale to zero, no free grant).
pub fn azure_premium(sku: &InstanceShape, instances: u32, rates: &AzureRates) -> ProviderCost {
    let n = instances.max(rates.premium_min_instances);
    let hours = Decimal::from(n) * Decimal::from(HOURS_PER_MONTH);
    let lines = vec![
        BreakdownLine::new(
            format!("{} vCPU: {n} × {} vCPU", sku.name, sku.vcpu.normalize()),
            hours * sku.vcpu,
            "vCPU-hours",
            rates.premium_usd_per_vcpu_hour,
        ),
        BreakdownLine::new(
            format!(
                "{} memory: {n} × {} GB",
                sku.name,
                sku.memory_gb.normalize()
            ),
            hours * sku.memory_gb,
            "GB-hours",
            rates.premium_usd_per_gb_hour,
        ),
    ];
    ProviderCost::from_lines(lines, Vec::new())
}

// ---------------------------------------------------------------------------------------------
// Google Cloud Run functions
// ---------------------------------------------------------------------------------------------

/// Default vCPU for a function on Cloud Run: Lambda's share (`memory / 1,769 MB`), so the
/// workload runs as fast as on Lambda (an assumption; Cloud Run lets you choose).
pub fn lambda_equivalent_vcpu(memory_mb: u32, memory_per_vcpu_mb: Decimal) -> Decimal {
    if memory_per_vcpu_mb <= Decimal::ZERO {
        return Decimal::ONE;
    }
    Decimal::from(memory_mb) / memory_per_vcpu_mb
}

/// Request-based Cloud Run meters: billable time is each request's billed duration rounded up
/// to 100 ms (one request per instance at a time, like Lambda), × vCPU and × memory GiB.
pub fn gcp_request_metered(
    meta: &FunctionMeta,
    usage: &MonthlyUsage,
    rates: &GcpRates,
    vcpu: Decimal,
    rounding_exact: bool,
) -> Metered {
    let (time_ms, exact) = time_rounded_up_ms(usage, rates.request_based_rounding_ms);
    let seconds = ms_to_s(time_ms);
    let mut notes = vec![format!(
        "Cloud Run {} vCPU, {} MiB; tier-1 region {}",
        vcpu.round_dp(3).normalize(),
        meta.memory_mb,
        rates.region
    )];
    if !(exact && rounding_exact) {
        notes.push(format!(
            "Cloud Run {} ms rounding approximated from totals (+half a step per request)",
            rates.request_based_rounding_ms.normalize()
        ));
    }
    Metered {
        requests: usage.requests,
        gb_seconds: mb_to_gb(Decimal::from(meta.memory_mb)) * seconds,
        vcpu_seconds: vcpu * seconds,
        notes,
    }
}

/// Instance-based Cloud Run: `instances` always on for the month (sized for peak concurrency),
/// billed vCPU-seconds and GiB-seconds of their whole lifetime, no request fee; `free` is the
/// function's share of the (unconfirmed) instance-based free tier.
pub fn gcp_instance_based(
    meta: &FunctionMeta,
    instances: u32,
    vcpu: Decimal,
    rates: &GcpRates,
    free: &Metered,
) -> ProviderCost {
    let lifetime = Decimal::from(instances) * month_seconds();
    let lines = vec![
        BreakdownLine::new(
            format!(
                "vCPU: {instances} instance(s) × {} vCPU, always on",
                vcpu.round_dp(3).normalize()
            ),
            non_negative(lifetime * vcpu - free.vcpu_seconds),
            "vCPU-s",
            rates.instance_based_usd_per_vcpu_second,
        ),
        BreakdownLine::new(
            format!("memory: {instances} instance(s) × {} MiB", meta.memory_mb),
            non_negative(lifetime * mb_to_gb(Decimal::from(meta.memory_mb)) - free.gb_seconds),
            "GiB-s",
            rates.instance_based_usd_per_gib_second,
        ),
    ];
    ProviderCost::from_lines(lines, vec![format!("tier-1 region {}", rates.region)])
}

// ---------------------------------------------------------------------------------------------
// Lambda@Edge
// ---------------------------------------------------------------------------------------------

/// Lambda@Edge for the same usage: requests and GB-seconds at the Edge rates, no free tier,
/// no volume tiers, 1 ms granularity (unconfirmed).
pub fn lambda_edge_cost(usage: &MonthlyUsage, rates: &EdgeRates) -> ProviderCost {
    ProviderCost::from_lines(
        vec![
            BreakdownLine::new(
                "Lambda@Edge requests",
                usage.requests,
                "requests",
                rates.request_usd,
            ),
            BreakdownLine::new(
                "Lambda@Edge duration",
                usage.gb_seconds,
                "GB-s",
                rates.duration_usd_per_gb_second,
            ),
        ],
        rates.assumptions.clone(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).expect("test literal")
    }

    fn x86_bands() -> Vec<TierBand> {
        vec![
            TierBand {
                from_gb_seconds: d("0"),
                to_gb_seconds: Some(d("6000000000")),
                usd_per_gb_second: d("0.0000166667"),
            },
            TierBand {
                from_gb_seconds: d("6000000000"),
                to_gb_seconds: Some(d("15000000000")),
                usd_per_gb_second: d("0.0000150000"),
            },
            TierBand {
                from_gb_seconds: d("15000000000"),
                to_gb_seconds: None,
                usd_per_gb_second: d("0.0000133334"),
            },
        ]
    }

    #[test]
    fn tier_boundaries() {
        let b = x86_bands();
        // Exactly at the tier-1 bound: all tier 1.
        let (usd, uses) = tiered_usd(&b, d("0"), d("6000000000")).expect("fits");
        assert_eq!(usd, d("100000.2"));
        assert_eq!(uses.len(), 1);
        // One GB-s over the bound: that GB-s at tier 2.
        let (usd, uses) = tiered_usd(&b, d("0"), d("6000000001")).expect("fits");
        assert_eq!(usd, d("100000.2") + d("0.000015"));
        assert_eq!(uses.len(), 2);
        // Straddling tiers 2 and 3 from an offset.
        let (usd, _) = tiered_usd(&b, d("14000000000"), d("2000000000")).expect("fits");
        assert_eq!(
            usd,
            d("1000000000") * d("0.000015") + d("1000000000") * d("0.0000133334")
        );
        // 20B GB-s in total.
        let (usd, _) = tiered_usd(&b, d("0"), d("20000000000")).expect("fits");
        assert_eq!(usd, d("100000.2") + d("135000") + d("66667"));
    }

    #[test]
    fn tier_overflow_is_none_not_a_panic() {
        let absurd = vec![TierBand {
            from_gb_seconds: d("0"),
            to_gb_seconds: None,
            usd_per_gb_second: Decimal::MAX,
        }];
        assert!(tiered_usd(&absurd, d("0"), d("2")).is_none());
        assert!(allocate_tiers(&absurd, &[d("1"), d("1")], Allocation::Blended).is_none());
        assert!(tiered_usd(&x86_bands(), Decimal::MAX, Decimal::MAX).is_none());
        // A normal volume still prices.
        assert_eq!(
            tiered_usd(&absurd, d("0"), d("1")).map(|x| x.0),
            Some(Decimal::MAX)
        );
    }

    /// An allocated share's implied rate reads as the sheet's rate, not as the exact ratio of
    /// a rounded amount.
    #[test]
    fn implied_rates_are_rounded() {
        let l = BreakdownLine::with_usd("compute", d("3000000"), "GB-s", d("50.00010000"));
        assert_eq!(l.usd_per_unit.to_string(), "0.0000166667");
        assert_eq!(l.usd, d("50.00010000"));
    }

    #[test]
    fn blended_and_marginal_sum_exactly() {
        let b = x86_bands();
        let usage = [
            d("5000000000.123"),
            d("7000000000.5"),
            d("3333333333.3333"),
            d("1"),
        ];
        let total = tiered_usd(&b, d("0"), usage.iter().copied().sum())
            .expect("fits")
            .0;
        for alloc in [
            Allocation::Blended,
            Allocation::Marginal(MarginalOrder::SmallestFirst),
            Allocation::Marginal(MarginalOrder::LargestFirst),
            Allocation::Marginal(MarginalOrder::AsGiven),
        ] {
            let (shares, group, _) = allocate_tiers(&b, &usage, alloc).expect("fits");
            assert_eq!(group, total.round_dp(ALLOCATION_DP));
            assert_eq!(shares.iter().copied().sum::<Decimal>(), group, "{alloc:?}");
        }
        // Marginal, smallest first: the 1 GB-s function pays tier 1 exactly.
        let (shares, _, _) = allocate_tiers(
            &b,
            &usage,
            Allocation::Marginal(MarginalOrder::SmallestFirst),
        )
        .expect("fits");
        assert_eq!(shares[3], d("0.0000166667"));
        // Largest first: the 7B function pays 6B at tier 1 and 1B at tier 2.
        let (shares, _, _) = allocate_tiers(
            &b,
            &usage,
            Allocation::Marginal(MarginalOrder::LargestFirst),
        )
        .expect("fits");
        assert_eq!(shares[1], d("100000.2") + d("1000000000.5") * d("0.000015"));
    }

    #[test]
    fn pro_rata_sums_exactly_and_caps() {
        let amounts = [d("1"), d("2"), d("3.3333333")];
        let shares = pro_rata(d("1"), &amounts);
        assert_eq!(shares.iter().copied().sum::<Decimal>(), d("1"));
        let all = pro_rata(d("100"), &amounts);
        assert_eq!(all, amounts.to_vec());
        assert_eq!(pro_rata(d("5"), &[d("0"), d("0")]), vec![d("0"), d("0")]);
    }

    #[test]
    fn init_rule_by_date_and_package() {
        let from = NaiveDate::from_ymd_opt(2025, 8, 1).expect("date");
        let before = NaiveDate::from_ymd_opt(2025, 7, 31).expect("date");
        assert!(!init_is_billed(
            before,
            PackageType::ManagedRuntimeZip,
            false,
            from
        ));
        assert!(init_is_billed(
            from,
            PackageType::ManagedRuntimeZip,
            false,
            from
        ));
        assert!(init_is_billed(
            before,
            PackageType::CustomRuntime,
            false,
            from
        ));
        assert!(init_is_billed(
            before,
            PackageType::ContainerImage,
            false,
            from
        ));
        assert!(init_is_billed(
            before,
            PackageType::ManagedRuntimeZip,
            true,
            from
        ));
    }

    #[test]
    fn pc_five_minute_rounding_and_break_even() {
        assert_eq!(pc_billed_seconds(d("1"), d("300")), d("300"));
        assert_eq!(pc_billed_seconds(d("301"), d("300")), d("600"));
        assert_eq!(pc_billed_seconds(d("7200"), d("300")), d("7200"));
        assert_eq!(pc_billed_seconds(month_seconds(), d("300")), d("2628000"));
        let x86 = break_even_utilization(d("0.0000041667"), d("0.0000097222"), d("0.0000166667"))
            .expect("x86");
        let arm = break_even_utilization(d("0.0000033334"), d("0.0000077778"), d("0.0000133334"))
            .expect("arm");
        assert_eq!(x86.round_dp(3), d("0.600"));
        assert_eq!(arm.round_dp(3), d("0.600"));
        assert!(break_even_utilization(d("1"), d("2"), d("2")).is_none());
    }

    #[test]
    fn savings_plan_commitment() {
        // Commitment sized to the usage: pay the plan-rate amount.
        assert_eq!(
            savings_plan_commitment_usd(d("100"), d("88"), d("88")),
            d("88")
        );
        // Quieter month: the commitment is still paid.
        assert_eq!(
            savings_plan_commitment_usd(d("50"), d("44"), d("88")),
            d("88")
        );
        // Busier month: half covered, the rest on demand.
        assert_eq!(
            savings_plan_commitment_usd(d("200"), d("176"), d("88")),
            d("188")
        );
    }

    /// Eighth-round cost review: with the executions per instance given, the machine was
    /// checked for one execution only; and the ephemeral storage line named 512 MB under a
    /// price sheet including 1024.
    #[test]
    fn given_concurrency_and_included_storage_are_said() {
        let task = InstanceShape {
            name: "Fargate task 1 vCPU / 2 GB".into(),
            vcpu: d("1"),
            memory_gb: d("2"),
            arch: None,
        };
        let note = given_concurrency_fit(&task, 2048, 8, d("1769"), d("6")).expect("over");
        assert!(note.contains("16 GB of function memory on 2 GB"), "{note}");
        assert!(
            note.contains("0.125 vCPU for each, where Lambda gives a 2048 MB function 1.16"),
            "{note}"
        );
        // Two 512 MB executions on 2 GB, 0.5 vCPU each (Lambda gives 0.29): they fit.
        assert_eq!(
            given_concurrency_fit(&task, 512, 2, d("1769"), d("6")),
            None
        );
        let charges = LambdaCharges {
            ephemeral_gb_seconds: d("1"),
            ephemeral_included_mb: d("1024"),
            ..LambdaCharges::default()
        };
        let rates = crate::cost::rates::PriceBook::builtin()
            .expect("valid")
            .lambda("us-east-1", Arch::X86_64)
            .expect("rates")
            .clone();
        assert!(charges
            .lines(&rates)
            .iter()
            .any(|l| l.item == "ephemeral storage above 1024 MB"));
    }

    #[test]
    fn capacity_sizing() {
        let m7g = InstanceShape {
            name: "m7g.large".into(),
            vcpu: d("2"),
            memory_gb: d("8"),
            arch: Some(Arch::Arm64),
        };
        // 128 MB functions: memory fits 64, CPU fits 2 × 1769 / 128 = 27.6 → 27.
        assert_eq!(per_instance_concurrency(&m7g, 128, d("1769")), 27);
        // 4096 MB: memory fits 2, CPU 0.86 → at least 1 (with a slower-CPU note).
        assert_eq!(per_instance_concurrency(&m7g, 4096, d("1769")), 1);
        let note = instance_fit(&m7g, 4096, d("1769"), d("6")).expect("fits");
        assert!(note.is_some_and(|n| n.contains("2 vCPU, less than the 2.32 vCPU")));
        assert_eq!(instance_fit(&m7g, 3008, d("1769"), d("6")), Ok(None));
        // 10,240 MB does not fit 8 GB: no environment, the option is unavailable.
        assert_eq!(per_instance_concurrency(&m7g, 10_240, d("1769")), 0);
        let e = instance_fit(&m7g, 10_240, d("1769"), d("6")).expect_err("too big");
        assert!(e.contains("does not fit m7g.large: it has 8 GB"), "{e}");
        // Exactly the machine's memory fits.
        assert_eq!(per_instance_concurrency(&m7g, 8192, d("1769")), 1);
        assert_eq!(instances_for_peak(0, 27), 1);
        assert_eq!(instances_for_peak(28, 27), 2);
        assert_eq!(instances_for_peak(54, 27), 2);
        let c = capacity_cost("m7g.large", 2, d("0.0816"), Vec::new());
        assert_eq!(c.total_usd, d("119.136"));
    }
}
