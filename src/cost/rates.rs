//! Typed rates built from a [`Catalog`]: what the engine multiplies by.
//!
//! All money rates are in base units: USD per request, per GB-second, per vCPU-second, per
//! instance-hour (hourly resources are kept hourly, since monthly = hourly × 730 exactly).
//! Each rates struct carries `assumptions`: the notes of every figure it used that is marked
//! `assumption = true`, plus any stand-in it made (e.g. a us-east-1 price used for another
//! region), so the caller can show them next to the result.
//!
//! The engine reads the offerings with these ids: `aws-lambda`, `aws-lambda-edge`,
//! `aws-compute-savings-plans`, `azure-functions`, `gcp-cloud-run-functions`, `aws-fargate`,
//! `aws-ec2`. Extra offerings a user adds under other ids are listed but not priced.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::Serialize;

use super::catalog::{Catalog, CatalogError, Offering, Price};
use super::{Arch, CostError};

pub const LAMBDA_ID: &str = "aws-lambda";
pub const EDGE_ID: &str = "aws-lambda-edge";
pub const SAVINGS_PLANS_ID: &str = "aws-compute-savings-plans";
pub const AZURE_ID: &str = "azure-functions";
pub const GCP_ID: &str = "gcp-cloud-run-functions";
pub const FARGATE_ID: &str = "aws-fargate";
pub const EC2_ID: &str = "aws-ec2";

/// Region whose figures stand in (as a stated assumption) where a comparison offering has no
/// figure for the function's region.
pub const REFERENCE_REGION: &str = "us-east-1";

/// One on-demand duration tier band, in GB-seconds per month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TierBand {
    pub from_gb_seconds: Decimal,
    /// Exclusive upper bound; `None` = unbounded.
    pub to_gb_seconds: Option<Decimal>,
    pub usd_per_gb_second: Decimal,
}

/// Lambda rates for one region and architecture.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LambdaRates {
    pub region: String,
    pub arch: Arch,
    pub request_usd: Decimal,
    /// Contiguous bands from 0, the last unbounded.
    pub duration_tiers: Vec<TierBand>,
    pub ephemeral_usd_per_gb_second: Decimal,
    pub pc_usd_per_gb_second: Decimal,
    pub pc_duration_usd_per_gb_second: Decimal,
    pub snapstart_cache_usd_per_gb_second: Decimal,
    pub snapstart_restore_usd_per_gb: Decimal,
    pub assumptions: Vec<String>,
}

impl LambdaRates {
    /// Tier-1 on-demand rate (the marginal rate of all but the largest accounts).
    pub fn tier1_usd_per_gb_second(&self) -> Decimal {
        self.duration_tiers
            .first()
            .map(|b| b.usd_per_gb_second)
            .unwrap_or(Decimal::ZERO)
    }
}

/// Account-level Lambda allowances and billing rules (not region-specific).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LambdaRules {
    pub free_requests: Decimal,
    pub free_gb_seconds: Decimal,
    pub billing_granularity_ms: Decimal,
    pub ephemeral_included_mb: Decimal,
    pub pc_billing_increment_seconds: Decimal,
    pub snapstart_cache_minimum_seconds: Decimal,
    #[serde(serialize_with = "super::serde_date::serialize")]
    pub init_billed_from: NaiveDate,
    pub memory_per_vcpu_mb: Decimal,
    pub max_vcpu: Decimal,
    pub memory_min_mb: Decimal,
    pub memory_max_mb: Decimal,
    pub assumptions: Vec<String>,
}

/// Lambda@Edge rates (no free tier, no tiers).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EdgeRates {
    pub request_usd: Decimal,
    pub duration_usd_per_gb_second: Decimal,
    pub assumptions: Vec<String>,
}

/// Compute Savings Plan rates for Lambda, one plan variant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SavingsPlanRates {
    pub plan: String,
    pub term_years: Option<u32>,
    /// The region whose figures were used.
    pub priced_region: String,
    pub arch: Arch,
    pub duration_usd_per_gb_second: Decimal,
    /// `None` when the catalog has no Savings Plan PC rate for this arch (then on-demand PC rates apply).
    pub pc_usd_per_gb_second: Option<Decimal>,
    pub pc_duration_usd_per_gb_second: Option<Decimal>,
    pub covers_requests: bool,
    pub covers_ephemeral_storage: bool,
    pub assumptions: Vec<String>,
}

/// Azure Functions rates (East US figures; used for any compared region).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AzureRates {
    pub consumption_usd_per_gb_second: Decimal,
    pub consumption_request_usd: Decimal,
    pub consumption_free_gb_seconds: Decimal,
    pub consumption_free_requests: Decimal,
    pub consumption_memory_rounding_mb: Decimal,
    pub consumption_memory_max_mb: Decimal,
    pub consumption_min_execution_ms: Decimal,
    pub flex_on_demand_usd_per_gb_second: Decimal,
    pub flex_on_demand_request_usd: Decimal,
    pub flex_always_ready_baseline_usd_per_gb_second: Decimal,
    pub flex_always_ready_execution_usd_per_gb_second: Decimal,
    pub flex_always_ready_request_usd: Decimal,
    pub flex_free_gb_seconds: Decimal,
    pub flex_free_requests: Decimal,
    pub flex_min_execution_ms: Decimal,
    /// Flex instance memory sizes (name, GB), ascending.
    pub flex_instance_sizes: Vec<(String, Decimal)>,
    pub premium_usd_per_vcpu_hour: Decimal,
    pub premium_usd_per_gb_hour: Decimal,
    pub premium_min_instances: u32,
    /// Premium SKUs (EP1…) with vCPU and memory.
    pub premium_skus: Vec<InstanceShape>,
    pub assumptions: Vec<String>,
}

/// Google Cloud Run functions rates for one GCP region.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GcpRates {
    pub region: String,
    pub request_based_usd_per_vcpu_second: Decimal,
    pub request_based_usd_per_gib_second: Decimal,
    pub request_based_request_usd: Decimal,
    pub instance_based_usd_per_vcpu_second: Decimal,
    pub instance_based_usd_per_gib_second: Decimal,
    pub request_based_free_vcpu_seconds: Decimal,
    pub request_based_free_gib_seconds: Decimal,
    pub request_based_free_requests: Decimal,
    pub instance_based_free_vcpu_seconds: Decimal,
    pub instance_based_free_gib_seconds: Decimal,
    pub request_based_rounding_ms: Decimal,
    pub assumptions: Vec<String>,
}

/// Fargate rates for one region and architecture (hourly).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FargateRates {
    pub priced_region: String,
    pub arch: Arch,
    pub usd_per_vcpu_hour: Decimal,
    pub usd_per_gb_hour: Decimal,
    pub assumptions: Vec<String>,
}

/// A machine shape: vCPU and memory.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InstanceShape {
    pub name: String,
    pub vcpu: Decimal,
    pub memory_gb: Decimal,
    pub arch: Option<Arch>,
}

/// One EC2 instance type with its on-demand and (assumed) reserved hourly price.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ec2Instance {
    pub shape: InstanceShape,
    pub priced_region: String,
    pub on_demand_usd_per_hour: Decimal,
    /// On demand × (1 − reserved discount).
    pub reserved_usd_per_hour: Decimal,
    pub reserved_discount_percent: Decimal,
    pub assumptions: Vec<String>,
}

/// Typed view of a catalog, built once.
#[derive(Debug, Clone)]
pub struct PriceBook {
    lambda: BTreeMap<(String, Arch), Result<LambdaRates, CostError>>,
    lambda_regions: Vec<String>,
    lambda_rules: Result<LambdaRules, CostError>,
    edge: Result<EdgeRates, CostError>,
    savings_plans: BTreeMap<(String, String, Arch), Result<SavingsPlanRates, CostError>>,
    savings_plan_names: Vec<String>,
    azure: Result<AzureRates, CostError>,
    gcp: BTreeMap<String, Result<GcpRates, CostError>>,
    fargate: BTreeMap<(String, Arch), Result<FargateRates, CostError>>,
    ec2: BTreeMap<String, Result<Vec<Ec2Instance>, CostError>>,
}

fn missing(offering: &str, key: &str, context: String) -> CostError {
    CostError::MissingFigure {
        offering: offering.to_string(),
        key: key.to_string(),
        context,
    }
}

fn ctx(region: Option<&str>, arch: Option<Arch>, sku: Option<&str>) -> String {
    let mut parts = Vec::new();
    if let Some(r) = region {
        parts.push(format!("region {r}"));
    }
    if let Some(a) = arch {
        parts.push(format!("arch {a}"));
    }
    if let Some(s) = sku {
        parts.push(format!("sku {s}"));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" for {}", parts.join(", "))
    }
}

fn assumption_text(o: &Offering, p: &Price) -> String {
    let mut where_ = Vec::new();
    if let Some(r) = &p.region {
        where_.push(r.clone());
    }
    if let Some(a) = p.arch {
        where_.push(a.to_string());
    }
    if let Some(s) = &p.sku {
        where_.push(s.clone());
    }
    let place = if where_.is_empty() {
        String::new()
    } else {
        format!(" ({})", where_.join(", "))
    };
    format!(
        "{} `{}`{} = {} {}: {}",
        o.id,
        p.key,
        place,
        p.usd.normalize(),
        p.unit,
        p.meta.note.as_deref().unwrap_or("marked as an assumption")
    )
}

/// The first price matching the lookup, recording its assumption note.
fn lookup<'o>(
    o: &'o Offering,
    key: &str,
    region: Option<&str>,
    arch: Option<Arch>,
    sku: Option<&str>,
    notes: &mut Vec<String>,
) -> Result<&'o Price, CostError> {
    let found = o.lookup_prices(key, region, arch, sku);
    let p = *found
        .first()
        .ok_or_else(|| missing(&o.id, key, ctx(region, arch, sku)))?;
    if p.meta.assumption {
        let text = assumption_text(o, p);
        if !notes.contains(&text) {
            notes.push(text);
        }
    }
    Ok(p)
}

/// One untiered price in base units, recording its assumption note.
fn price(
    o: &Offering,
    key: &str,
    region: Option<&str>,
    arch: Option<Arch>,
    sku: Option<&str>,
    notes: &mut Vec<String>,
) -> Result<Decimal, CostError> {
    Ok(lookup(o, key, region, arch, sku, notes)?.base_usd())
}

/// One untiered price as an hourly rate.
fn hourly_price(
    o: &Offering,
    key: &str,
    region: Option<&str>,
    arch: Option<Arch>,
    sku: Option<&str>,
    notes: &mut Vec<String>,
) -> Result<Decimal, CostError> {
    let p = lookup(o, key, region, arch, sku, notes)?;
    p.unit.to_hourly(p.usd).ok_or_else(|| {
        missing(
            &o.id,
            key,
            format!("{} as an hourly rate", ctx(region, arch, sku)),
        )
    })
}

fn rule_value(o: &Offering, key: &str, notes: &mut Vec<String>) -> Result<Decimal, CostError> {
    let r = o
        .lookup_rule(key, None, None)
        .ok_or_else(|| missing(&o.id, key, String::new()))?;
    if r.meta.assumption {
        let text = format!(
            "{} rule `{}` = {} {}: {}",
            o.id,
            r.key,
            r.value
                .map(|v| v.normalize().to_string())
                .unwrap_or_default(),
            r.unit,
            r.meta.note.as_deref().unwrap_or("marked as an assumption")
        );
        if !notes.contains(&text) {
            notes.push(text);
        }
    }
    r.value
        .ok_or_else(|| missing(&o.id, key, " (a numeric value)".to_string()))
}

fn rule_ms(o: &Offering, key: &str, notes: &mut Vec<String>) -> Result<Decimal, CostError> {
    rule_value(o, key, notes)?;
    o.lookup_rule(key, None, None)
        .and_then(|r| r.as_ms())
        .ok_or_else(|| missing(&o.id, key, " (a duration)".to_string()))
}

fn offering<'a>(catalog: &'a Catalog, id: &str) -> Result<&'a Offering, CostError> {
    catalog
        .offering(id)
        .ok_or_else(|| CostError::MissingOffering {
            offering: id.to_string(),
        })
}

fn lambda_rates(o: &Offering, region: &str, arch: Arch) -> Result<LambdaRates, CostError> {
    let mut notes = Vec::new();
    let bands = o.lookup_prices("duration", Some(region), Some(arch), None);
    if bands.is_empty() {
        return Err(CostError::UnknownRegion {
            offering: o.id.clone(),
            what: "Lambda duration".into(),
            region: region.into(),
            arch: arch.to_string(),
            known: o.regions_for("duration").join(", "),
        });
    }
    let mut tiers = Vec::with_capacity(bands.len());
    for b in &bands {
        if b.meta.assumption {
            let text = assumption_text(o, b);
            if !notes.contains(&text) {
                notes.push(text);
            }
        }
        tiers.push(TierBand {
            from_gb_seconds: b.tier_from.unwrap_or(Decimal::ZERO),
            to_gb_seconds: b.tier_to,
            usd_per_gb_second: b.base_usd(),
        });
    }
    Ok(LambdaRates {
        region: region.to_string(),
        arch,
        request_usd: price(o, "requests", Some(region), Some(arch), None, &mut notes)?,
        duration_tiers: tiers,
        ephemeral_usd_per_gb_second: price(
            o,
            "ephemeral_storage",
            Some(region),
            Some(arch),
            None,
            &mut notes,
        )?,
        pc_usd_per_gb_second: price(
            o,
            "provisioned_concurrency",
            Some(region),
            Some(arch),
            None,
            &mut notes,
        )?,
        pc_duration_usd_per_gb_second: price(
            o,
            "provisioned_duration",
            Some(region),
            Some(arch),
            None,
            &mut notes,
        )?,
        snapstart_cache_usd_per_gb_second: price(
            o,
            "snapstart_cache",
            Some(region),
            Some(arch),
            None,
            &mut notes,
        )?,
        snapstart_restore_usd_per_gb: price(
            o,
            "snapstart_restore",
            Some(region),
            Some(arch),
            None,
            &mut notes,
        )?,
        assumptions: notes,
    })
}

fn lambda_rules(o: &Offering) -> Result<LambdaRules, CostError> {
    let mut notes = Vec::new();
    let init = o
        .lookup_rule("init_billed_from", None, None)
        .and_then(|r| r.date)
        .ok_or_else(|| missing(&o.id, "init_billed_from", " (a date)".into()))?;
    Ok(LambdaRules {
        free_requests: rule_value(o, "free_requests", &mut notes)?,
        free_gb_seconds: rule_value(o, "free_gb_seconds", &mut notes)?,
        billing_granularity_ms: rule_ms(o, "billing_granularity", &mut notes)?,
        ephemeral_included_mb: rule_value(o, "ephemeral_storage_included", &mut notes)?,
        pc_billing_increment_seconds: rule_ms(o, "provisioned_billing_increment", &mut notes)?
            / Decimal::from(1000),
        snapstart_cache_minimum_seconds: rule_ms(o, "snapstart_cache_minimum", &mut notes)?
            / Decimal::from(1000),
        init_billed_from: init,
        memory_per_vcpu_mb: rule_value(o, "memory_per_vcpu", &mut notes)?,
        max_vcpu: rule_value(o, "max_vcpu", &mut notes)?,
        memory_min_mb: rule_value(o, "memory_min", &mut notes)?,
        memory_max_mb: rule_value(o, "memory_max", &mut notes)?,
        assumptions: notes,
    })
}

fn edge_rates(o: &Offering) -> Result<EdgeRates, CostError> {
    let mut notes = Vec::new();
    let request_usd = price(o, "requests", None, None, None, &mut notes)?;
    let duration = price(o, "duration", None, None, None, &mut notes)?;
    rule_value(o, "billing_granularity", &mut notes)?;
    Ok(EdgeRates {
        request_usd,
        duration_usd_per_gb_second: duration,
        assumptions: notes,
    })
}

/// Savings Plan rates of `plan` for `region` and `arch`. Where the catalog has no plan figures
/// for the region, the [`REFERENCE_REGION`] plan's **discount ratio** (plan rate / that region's
/// on-demand rate, per charge) is applied to the region's own on-demand rates: `lambda` gives
/// the Lambda rates of (reference region, region). A plan discounts a region's on-demand price;
/// its absolute us-east-1 rates would give a dearer region a discount it does not have
/// (af-south-1: 38 % instead of us-east-1's 17 %).
fn savings_plan_rates(
    o: &Offering,
    plan: &str,
    region: &str,
    arch: Arch,
    lambda: Option<(&LambdaRates, &LambdaRates)>,
) -> Result<SavingsPlanRates, CostError> {
    let mut notes = Vec::new();
    let sku = o
        .sku(plan)
        .ok_or_else(|| missing(&o.id, plan, " (a [[sku]] plan)".into()))?;
    if sku.meta.assumption {
        notes.push(format!(
            "{} plan `{}`: {}",
            o.id,
            plan,
            sku.meta
                .note
                .as_deref()
                .unwrap_or("marked as an assumption")
        ));
    }
    let has_region = !o
        .lookup_prices("lambda_duration", Some(region), Some(arch), Some(plan))
        .is_empty();
    let priced_region = if has_region {
        region.to_string()
    } else {
        REFERENCE_REGION.to_string()
    };
    let r = Some(priced_region.as_str());
    let mut duration = price(o, "lambda_duration", r, Some(arch), Some(plan), &mut notes)?;
    let mut pc = price(
        o,
        "lambda_provisioned_concurrency",
        r,
        Some(arch),
        Some(plan),
        &mut notes,
    )
    .ok();
    let mut pcd = price(
        o,
        "lambda_provisioned_duration",
        r,
        Some(arch),
        Some(plan),
        &mut notes,
    )
    .ok();
    if priced_region != region {
        let Some((reference, regional)) = lambda else {
            return Err(missing(
                &o.id,
                "lambda_duration",
                format!(
                    "{} (no Lambda on-demand rates for {region} and {REFERENCE_REGION} to carry the {REFERENCE_REGION} discount over)",
                    ctx(Some(region), Some(arch), Some(plan))
                ),
            ));
        };
        // plan rate × regional on-demand / reference on-demand, per charge.
        // The plan's ratio to on demand, within [0, 1]: a plan never costs more than on demand
        // (an override can make us-east-1's on demand cheaper than the sheet's plan rate, which
        // would otherwise carry a "negative discount" over), and the ratio is taken before the
        // product so a tiny reference rate cannot blow the carried rate up.
        let ratio = |plan_rate: Decimal, reference_od: Decimal| {
            if reference_od <= Decimal::ZERO {
                Decimal::ONE
            } else {
                (plan_rate / reference_od).clamp(Decimal::ZERO, Decimal::ONE)
            }
        };
        let carry = |plan_rate: Decimal, reference_od: Decimal, regional_od: Decimal| {
            let r = ratio(plan_rate, reference_od);
            if r == Decimal::ONE || r.is_zero() {
                regional_od * r
            } else {
                // Within the bounds: multiplied before dividing, the exact figure as before.
                plan_rate * regional_od / reference_od
            }
        };
        let ref_tier1 = reference.tier1_usd_per_gb_second();
        let discount = (Decimal::ONE - ratio(duration, ref_tier1)) * Decimal::from(100);
        duration = carry(duration, ref_tier1, regional.tier1_usd_per_gb_second());
        pc = pc.map(|x| {
            carry(
                x,
                reference.pc_usd_per_gb_second,
                regional.pc_usd_per_gb_second,
            )
        });
        pcd = pcd.map(|x| {
            carry(
                x,
                reference.pc_duration_usd_per_gb_second,
                regional.pc_duration_usd_per_gb_second,
            )
        });
        notes.push(format!(
            "Savings Plan `{plan}` rates for {region} are not in the catalog: the {REFERENCE_REGION} plan's discount ({}% off tier-1 duration on {arch}) is applied to {region}'s on-demand rates",
            discount.round_dp(1).normalize()
        ));
    }
    if pc.is_none() || pcd.is_none() {
        notes.push(format!(
            "no Savings Plan `{plan}` rate for provisioned concurrency on {arch}: provisioned concurrency under this plan is priced at on-demand PC rates (no discount assumed)"
        ));
    }
    let covers_requests = rule_value(o, "covers_requests", &mut notes)? == Decimal::ONE;
    let covers_ephemeral_storage =
        rule_value(o, "covers_ephemeral_storage", &mut notes)? == Decimal::ONE;
    Ok(SavingsPlanRates {
        plan: plan.to_string(),
        term_years: sku.term_years,
        priced_region,
        arch,
        duration_usd_per_gb_second: duration,
        pc_usd_per_gb_second: pc,
        pc_duration_usd_per_gb_second: pcd,
        covers_requests,
        covers_ephemeral_storage,
        assumptions: notes,
    })
}

fn azure_rates(o: &Offering) -> Result<AzureRates, CostError> {
    let mut n = Vec::new();
    let mut flex_sizes: Vec<(String, Decimal)> = o
        .skus
        .iter()
        .filter(|s| s.name.starts_with("flex-"))
        .filter_map(|s| s.memory_gb.map(|m| (s.name.clone(), m)))
        .collect();
    flex_sizes.sort_by_key(|a| a.1);
    if flex_sizes.is_empty() {
        return Err(missing(
            &o.id,
            "flex-*",
            " (Flex instance sizes as [[sku]] with memory_gb)".into(),
        ));
    }
    let mut premium: Vec<InstanceShape> = o
        .skus
        .iter()
        .filter(|s| s.name.starts_with("EP"))
        .filter_map(|s| match (s.vcpu, s.memory_gb) {
            (Some(v), Some(m)) => Some(InstanceShape {
                name: s.name.clone(),
                vcpu: v,
                memory_gb: m,
                arch: s.arch,
            }),
            _ => None,
        })
        .collect();
    premium.sort_by(|a, b| a.name.cmp(&b.name));
    let min_instances = rule_value(o, "premium_min_instances", &mut n)?;
    Ok(AzureRates {
        consumption_usd_per_gb_second: price(
            o,
            "consumption_execution_time",
            None,
            None,
            None,
            &mut n,
        )?,
        consumption_request_usd: price(o, "consumption_executions", None, None, None, &mut n)?,
        consumption_free_gb_seconds: rule_value(o, "consumption_free_gb_seconds", &mut n)?,
        consumption_free_requests: rule_value(o, "consumption_free_executions", &mut n)?,
        consumption_memory_rounding_mb: rule_value(o, "consumption_memory_rounding", &mut n)?,
        consumption_memory_max_mb: rule_value(o, "consumption_memory_max", &mut n)?,
        consumption_min_execution_ms: rule_ms(o, "consumption_min_execution_time", &mut n)?,
        flex_on_demand_usd_per_gb_second: price(
            o,
            "flex_on_demand_execution_time",
            None,
            None,
            None,
            &mut n,
        )?,
        flex_on_demand_request_usd: price(
            o,
            "flex_on_demand_executions",
            None,
            None,
            None,
            &mut n,
        )?,
        flex_always_ready_baseline_usd_per_gb_second: price(
            o,
            "flex_always_ready_baseline",
            None,
            None,
            None,
            &mut n,
        )?,
        flex_always_ready_execution_usd_per_gb_second: price(
            o,
            "flex_always_ready_execution_time",
            None,
            None,
            None,
            &mut n,
        )?,
        flex_always_ready_request_usd: price(
            o,
            "flex_always_ready_executions",
            None,
            None,
            None,
            &mut n,
        )?,
        flex_free_gb_seconds: rule_value(o, "flex_free_gb_seconds", &mut n)?,
        flex_free_requests: rule_value(o, "flex_free_executions", &mut n)?,
        flex_min_execution_ms: rule_ms(o, "flex_min_execution_time", &mut n)?,
        flex_instance_sizes: flex_sizes,
        premium_usd_per_vcpu_hour: hourly_price(o, "premium_vcpu", None, None, None, &mut n)?,
        premium_usd_per_gb_hour: hourly_price(o, "premium_memory", None, None, None, &mut n)?,
        premium_min_instances: min_instances.ceil().to_u32().unwrap_or(1).max(1),
        premium_skus: premium,
        assumptions: n,
    })
}

fn gcp_rates(o: &Offering, region: &str) -> Result<GcpRates, CostError> {
    let mut n = Vec::new();
    let r = Some(region);
    Ok(GcpRates {
        region: region.to_string(),
        request_based_usd_per_vcpu_second: price(o, "request_based_vcpu", r, None, None, &mut n)?,
        request_based_usd_per_gib_second: price(o, "request_based_memory", r, None, None, &mut n)?,
        request_based_request_usd: price(o, "request_based_requests", r, None, None, &mut n)?,
        instance_based_usd_per_vcpu_second: price(o, "instance_based_vcpu", r, None, None, &mut n)?,
        instance_based_usd_per_gib_second: price(
            o,
            "instance_based_memory",
            r,
            None,
            None,
            &mut n,
        )?,
        request_based_free_vcpu_seconds: rule_value(o, "request_based_free_vcpu_seconds", &mut n)?,
        request_based_free_gib_seconds: rule_value(o, "request_based_free_gib_seconds", &mut n)?,
        request_based_free_requests: rule_value(o, "request_based_free_requests", &mut n)?,
        instance_based_free_vcpu_seconds: rule_value(
            o,
            "instance_based_free_vcpu_seconds",
            &mut n,
        )?,
        instance_based_free_gib_seconds: rule_value(o, "instance_based_free_gib_seconds", &mut n)?,
        request_based_rounding_ms: rule_ms(o, "request_based_rounding", &mut n)?,
        assumptions: n,
    })
}

fn fargate_rates(o: &Offering, region: &str, arch: Arch) -> Result<FargateRates, CostError> {
    let mut n = Vec::new();
    let r = Some(region);
    Ok(FargateRates {
        priced_region: region.to_string(),
        arch,
        usd_per_vcpu_hour: hourly_price(o, "vcpu", r, Some(arch), None, &mut n)?,
        usd_per_gb_hour: hourly_price(o, "memory", r, Some(arch), None, &mut n)?,
        assumptions: n,
    })
}

fn ec2_instances(o: &Offering, region: &str) -> Result<Vec<Ec2Instance>, CostError> {
    let mut shared = Vec::new();
    let discount = rule_value(o, "reserved_discount", &mut shared)?;
    let factor = Decimal::ONE - discount / Decimal::from(100);
    let mut out = Vec::new();
    for sku in &o.skus {
        let (Some(vcpu), Some(memory_gb)) = (sku.vcpu, sku.memory_gb) else {
            continue;
        };
        let mut notes = shared.clone();
        let Ok(hourly) = hourly_price(
            o,
            "on_demand",
            Some(region),
            None,
            Some(&sku.name),
            &mut notes,
        ) else {
            continue;
        };
        notes.push(format!(
            "{} reserved rate = on demand × (1 − {}%) = ${}/h: an assumed discount, not a published rate",
            sku.name,
            discount.normalize(),
            (hourly * factor).normalize()
        ));
        out.push(Ec2Instance {
            shape: InstanceShape {
                name: sku.name.clone(),
                vcpu,
                memory_gb,
                arch: sku.arch,
            },
            priced_region: region.to_string(),
            on_demand_usd_per_hour: hourly,
            reserved_usd_per_hour: hourly * factor,
            reserved_discount_percent: discount,
            assumptions: notes,
        });
    }
    if out.is_empty() {
        return Err(missing(&o.id, "on_demand", ctx(Some(region), None, None)));
    }
    Ok(out)
}

impl PriceBook {
    /// Builds every typed view the catalog supports. Offerings or figures that are missing make
    /// only the lookups that need them fail (with a message saying what to add).
    pub fn new(catalog: &Catalog) -> PriceBook {
        let mut lambda = BTreeMap::new();
        let mut lambda_regions = Vec::new();
        let lambda_rules_res;
        match offering(catalog, LAMBDA_ID) {
            Ok(o) => {
                lambda_regions = o.regions_for("duration");
                for region in &lambda_regions {
                    for arch in [Arch::X86_64, Arch::Arm64] {
                        lambda.insert((region.clone(), arch), lambda_rates(o, region, arch));
                    }
                }
                lambda_rules_res = lambda_rules(o);
            }
            Err(e) => lambda_rules_res = Err(e),
        }
        let edge = offering(catalog, EDGE_ID).and_then(edge_rates);
        let mut savings_plans = BTreeMap::new();
        let mut savings_plan_names = Vec::new();
        if let Ok(o) = offering(catalog, SAVINGS_PLANS_ID) {
            savings_plan_names = o.skus.iter().map(|s| s.name.clone()).collect();
            for plan in &savings_plan_names {
                for region in &lambda_regions {
                    for arch in [Arch::X86_64, Arch::Arm64] {
                        let rates_of = |r: &str| {
                            lambda
                                .get(&(r.to_string(), arch))
                                .and_then(|x: &Result<LambdaRates, CostError>| x.as_ref().ok())
                        };
                        let pair = rates_of(REFERENCE_REGION).zip(rates_of(region));
                        savings_plans.insert(
                            (plan.clone(), region.clone(), arch),
                            savings_plan_rates(o, plan, region, arch, pair),
                        );
                    }
                }
            }
        }
        let azure = offering(catalog, AZURE_ID).and_then(azure_rates);
        let mut gcp = BTreeMap::new();
        if let Ok(o) = offering(catalog, GCP_ID) {
            for region in o.regions_for("request_based_vcpu") {
                let rates = gcp_rates(o, &region);
                gcp.insert(region, rates);
            }
        }
        let mut fargate = BTreeMap::new();
        if let Ok(o) = offering(catalog, FARGATE_ID) {
            for region in o.regions_for("vcpu") {
                for arch in [Arch::X86_64, Arch::Arm64] {
                    fargate.insert((region.clone(), arch), fargate_rates(o, &region, arch));
                }
            }
        }
        let mut ec2 = BTreeMap::new();
        if let Ok(o) = offering(catalog, EC2_ID) {
            for region in o.regions_for("on_demand") {
                let list = ec2_instances(o, &region);
                ec2.insert(region, list);
            }
        }
        PriceBook {
            lambda,
            lambda_regions,
            lambda_rules: lambda_rules_res,
            edge,
            savings_plans,
            savings_plan_names,
            azure,
            gcp,
            fargate,
            ec2,
        }
    }

    /// The built-in catalog's price book.
    pub fn builtin() -> Result<PriceBook, CatalogError> {
        Ok(PriceBook::new(&Catalog::builtin()?))
    }

    /// Lambda rates for a region and architecture.
    pub fn lambda(&self, region: &str, arch: Arch) -> Result<&LambdaRates, CostError> {
        match self.lambda.get(&(region.to_string(), arch)) {
            Some(Ok(r)) => Ok(r),
            Some(Err(e)) => Err(e.clone()),
            None => Err(CostError::UnknownRegion {
                offering: LAMBDA_ID.into(),
                what: "Lambda duration".into(),
                region: region.into(),
                arch: arch.to_string(),
                known: self.lambda_regions.join(", "),
            }),
        }
    }

    /// Regions with Lambda duration prices.
    pub fn lambda_regions(&self) -> &[String] {
        &self.lambda_regions
    }

    /// A fingerprint of every Lambda figure the engine prices with (each region's and
    /// architecture's rates, with the tier bands, and the account rules): `fnv1a64:` and 16 hex
    /// digits. Built from the numbers alone (not notes, file names or dates), so it is the same
    /// on every machine and build for the same figures, and changes when any figure does, even
    /// under an unchanged effective date.
    pub fn lambda_fingerprint(&self) -> String {
        use std::fmt::Write as _;
        let mut text = String::new();
        let d = |x: Decimal| x.normalize().to_string();
        for ((region, arch), rates) in &self.lambda {
            let _ = write!(text, "lambda {region} {arch}:");
            match rates {
                Ok(r) => {
                    let _ = write!(
                        text,
                        " req={} eph={} pc={} pcd={} ssc={} ssr={} tiers=",
                        d(r.request_usd),
                        d(r.ephemeral_usd_per_gb_second),
                        d(r.pc_usd_per_gb_second),
                        d(r.pc_duration_usd_per_gb_second),
                        d(r.snapstart_cache_usd_per_gb_second),
                        d(r.snapstart_restore_usd_per_gb)
                    );
                    for b in &r.duration_tiers {
                        let _ = write!(
                            text,
                            "[{}-{}:{}]",
                            d(b.from_gb_seconds),
                            b.to_gb_seconds.map(d).unwrap_or_default(),
                            d(b.usd_per_gb_second)
                        );
                    }
                }
                Err(e) => {
                    let _ = write!(text, " unpriced ({e})");
                }
            }
            text.push('\n');
        }
        match &self.lambda_rules {
            Ok(r) => {
                let _ = write!(
                    text,
                    "rules: free_req={} free_gbs={} gran={} eph_incl={} pc_inc={} ss_min={} init={} mpv={} max_vcpu={} mem={}-{}",
                    d(r.free_requests),
                    d(r.free_gb_seconds),
                    d(r.billing_granularity_ms),
                    d(r.ephemeral_included_mb),
                    d(r.pc_billing_increment_seconds),
                    d(r.snapstart_cache_minimum_seconds),
                    r.init_billed_from,
                    d(r.memory_per_vcpu_mb),
                    d(r.max_vcpu),
                    d(r.memory_min_mb),
                    d(r.memory_max_mb)
                );
            }
            Err(e) => {
                let _ = write!(text, "rules: unpriced ({e})");
            }
        }
        // FNV-1a, 64 bits: stable across platforms and Rust versions (unlike the std hasher).
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in text.bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        format!("fnv1a64:{hash:016x}")
    }

    pub fn lambda_rules(&self) -> Result<&LambdaRules, CostError> {
        self.lambda_rules.as_ref().map_err(Clone::clone)
    }

    pub fn edge(&self) -> Result<&EdgeRates, CostError> {
        self.edge.as_ref().map_err(Clone::clone)
    }

    /// Savings Plan variants in the catalog (e.g. `no-upfront`, `all-upfront`).
    pub fn savings_plan_names(&self) -> &[String] {
        &self.savings_plan_names
    }

    pub fn savings_plan(
        &self,
        plan: &str,
        region: &str,
        arch: Arch,
    ) -> Result<&SavingsPlanRates, CostError> {
        match self
            .savings_plans
            .get(&(plan.to_string(), region.to_string(), arch))
        {
            Some(Ok(r)) => Ok(r),
            Some(Err(e)) => Err(e.clone()),
            None => Err(missing(
                SAVINGS_PLANS_ID,
                "lambda_duration",
                ctx(Some(region), Some(arch), Some(plan)),
            )),
        }
    }

    pub fn azure(&self) -> Result<&AzureRates, CostError> {
        self.azure.as_ref().map_err(Clone::clone)
    }

    /// Cloud Run rates for `gcp_region`, or the first priced region when `None`.
    pub fn gcp(&self, gcp_region: Option<&str>) -> Result<&GcpRates, CostError> {
        let entry = match gcp_region {
            Some(r) => self.gcp.get(r),
            None => self
                .gcp
                .get("us-central1")
                .or_else(|| self.gcp.values().next()),
        };
        match entry {
            Some(Ok(r)) => Ok(r),
            Some(Err(e)) => Err(e.clone()),
            None => Err(CostError::UnknownRegion {
                offering: GCP_ID.into(),
                what: "Cloud Run".into(),
                region: gcp_region.unwrap_or("(default)").into(),
                arch: "any".into(),
                known: self.gcp.keys().cloned().collect::<Vec<_>>().join(", "),
            }),
        }
    }

    /// Fargate rates for the function's region, else the reference region with a note.
    pub fn fargate(
        &self,
        region: &str,
        arch: Arch,
    ) -> Result<(FargateRates, Vec<String>), CostError> {
        let (key, note) = if self.fargate.contains_key(&(region.to_string(), arch)) {
            ((region.to_string(), arch), None)
        } else {
            (
                (REFERENCE_REGION.to_string(), arch),
                Some(format!(
                    "no Fargate prices for {region}: {REFERENCE_REGION} prices used as a stand-in"
                )),
            )
        };
        match self.fargate.get(&key) {
            Some(Ok(r)) => Ok((r.clone(), note.into_iter().collect())),
            Some(Err(e)) => Err(e.clone()),
            None => Err(missing(
                FARGATE_ID,
                "vcpu",
                ctx(Some(region), Some(arch), None),
            )),
        }
    }

    /// EC2 instance types priced for the function's region, else the reference region.
    pub fn ec2(&self, region: &str) -> Result<(&[Ec2Instance], Vec<String>), CostError> {
        let (key, note) = if self.ec2.contains_key(region) {
            (region.to_string(), None)
        } else {
            (
                REFERENCE_REGION.to_string(),
                Some(format!(
                    "no EC2 prices for {region}: {REFERENCE_REGION} prices used as a stand-in"
                )),
            )
        };
        match self.ec2.get(&key) {
            Some(Ok(list)) => Ok((list.as_slice(), note.into_iter().collect())),
            Some(Err(e)) => Err(e.clone()),
            None => Err(missing(EC2_ID, "on_demand", ctx(Some(region), None, None))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).expect("test literal")
    }

    #[test]
    fn builtin_book_has_sourced_us_east_1_rates() {
        let book = PriceBook::builtin().expect("valid");
        let x86 = book.lambda("us-east-1", Arch::X86_64).expect("x86");
        assert_eq!(x86.request_usd, d("0.0000002"));
        assert_eq!(x86.tier1_usd_per_gb_second(), d("0.0000166667"));
        assert_eq!(x86.duration_tiers.len(), 3);
        assert_eq!(x86.duration_tiers[2].from_gb_seconds, d("15000000000"));
        assert!(
            x86.assumptions.is_empty(),
            "us-east-1 x86 uses only sourced figures: {:?}",
            x86.assumptions
        );
        let arm = book.lambda("us-east-1", Arch::Arm64).expect("arm");
        assert_eq!(arm.pc_usd_per_gb_second, d("0.0000033334"));
        let rules = book.lambda_rules().expect("rules");
        assert_eq!(rules.free_gb_seconds, d("400000"));
        assert_eq!(rules.pc_billing_increment_seconds, d("300"));
        assert_eq!(rules.snapstart_cache_minimum_seconds, d("10800"));
        assert_eq!(
            rules.init_billed_from,
            NaiveDate::from_ymd_opt(2025, 8, 1).expect("date")
        );
    }

    #[test]
    fn unsourced_regions_carry_assumptions() {
        let book = PriceBook::builtin().expect("valid");
        let sa = book
            .lambda("sa-east-1", Arch::X86_64)
            .expect("sa-east-1 present as an assumption");
        assert!(
            sa.assumptions.iter().any(|a| a.contains("NOT SOURCED")),
            "{:?}",
            sa.assumptions
        );
        let af = book.lambda("af-south-1", Arch::X86_64).expect("af");
        assert_eq!(af.tier1_usd_per_gb_second(), d("0.0000221"));
        assert_eq!(af.duration_tiers.len(), 1);
        let err = book
            .lambda("xx-nowhere-1", Arch::X86_64)
            .expect_err("unknown region")
            .to_string();
        assert!(
            err.contains("us-east-1") && err.contains("override"),
            "{err}"
        );
    }

    #[test]
    fn savings_plans_and_others() {
        let book = PriceBook::builtin().expect("valid");
        let sp = book
            .savings_plan("no-upfront", "us-east-1", Arch::X86_64)
            .expect("sp");
        assert_eq!(sp.duration_usd_per_gb_second, d("0.0000147"));
        assert_eq!(sp.pc_usd_per_gb_second, Some(d("0.00000367")));
        assert!(!sp.covers_requests);
        let sp_arm = book
            .savings_plan("all-upfront", "eu-west-1", Arch::Arm64)
            .expect("sp arm");
        assert_eq!(sp_arm.priced_region, "us-east-1");
        assert!(sp_arm.pc_usd_per_gb_second.is_none());
        let az = book.azure().expect("azure");
        assert_eq!(az.premium_skus.len(), 3);
        assert_eq!(az.flex_instance_sizes[0].1, d("0.5"));
        let gcp = book.gcp(None).expect("gcp");
        assert_eq!(gcp.region, "us-central1");
        let (f, notes) = book.fargate("eu-west-1", Arch::Arm64).expect("fargate");
        assert_eq!(f.usd_per_vcpu_hour, d("0.03238"));
        assert_eq!(notes.len(), 1);
        let (ec2, _) = book.ec2("us-east-1").expect("ec2");
        let m7g = ec2
            .iter()
            .find(|i| i.shape.name == "m7g.large")
            .expect("m7g");
        assert_eq!(m7g.reserved_usd_per_hour, d("0.05712"));
        let edge = book.edge().expect("edge");
        assert_eq!(edge.request_usd, d("0.0000006"));
    }
}
