//! Pricing catalog and pure cost engine.
//!
//! * [`catalog`]: the dated price sheets in `pricing/*.toml` (embedded at build time), their
//!   validation, user override files, and plain listing structs for `faascope pricing`.
//! * [`rates`]: a typed [`rates::PriceBook`] built from a catalog: per region/architecture
//!   rates in base units (USD per request, per GB-second, per hour).
//! * [`usage`]: the input model the caller fills (observed per-day usage buckets, concurrency
//!   occupancy histogram, calculator spec) and the normalised monthly usage.
//! * [`projection`]: observed window / calculator spec / supplied usage → one month of 730 h
//!   with a low / typical / high range.
//! * [`engine`]: pure cost functions: Lambda on demand per account (volume tiers, blended or
//!   marginal allocation, free tier pro rata, INIT rule, SnapStart, ephemeral storage),
//!   provisioned concurrency, Compute Savings Plans, reserved capacity (Fargate, EC2), Azure
//!   Functions and Google Cloud Run functions.
//! * [`comparisons`]: every option per function, the cheapest and the monthly saving.
//! * [`tune`]: memory right-sizing (cost-vs-memory curve and a recommendation).
//! * [`money`]: exact decimal money helpers. Amounts are [`rust_decimal::Decimal`] USD kept at
//!   full precision (28 significant digits; sums are exact decimal additions, never floats);
//!   they are rounded to cents only for display ([`money::round_cents`],
//!   [`money::format_usd`]). Allocated shares (free tier, tier costs) are rounded to 1e-12 so
//!   that they add up to their totals exactly ([`engine::ALLOCATION_DP`]).
//!
//! Nothing here prints, reads the clock or touches the network. The only I/O is
//! [`catalog::Catalog::apply_override_file`], which reads a user price file.
//!
//! # Typical use
//!
//! ```text
//! let mut catalog = Catalog::builtin()?;                      // embedded pricing/*.toml
//! catalog.apply_override_file(path)?;                         // optional user prices
//! let book = PriceBook::new(&catalog);
//! // per function, from the invocation table (or a CalculatorSpec / simulator output):
//! let p = project_observed(&usage, &book, &ProjectionOptions::default())?;
//! let cmp = compare_functions(&projections, &book, &CompareOptions::default())?;
//! // cmp.account: on-demand bill per function and in total (low / typical / high)
//! // cmp.functions[i].options / .cheapest / .monthly_saving_usd
//! let t = tune_function(&TuneInput::from_projection(&p, observations), book.lambda(region, arch)?,
//!                       book.lambda_rules()?, &TuneOptions::default())?;
//! ```
//!
//! All functions passed together are treated as **one AWS account** (volume tiers and the free
//! tier are account-wide): call once per account.

/// Why invocations have no time (said wherever they are left out of a month's price: `cost`,
/// `ci`), and how `ci check` knows such a note.
pub const UNTIMED_REASON: &str = "(REPORT lines without a timestamp, e.g. console copies, or with a date or time that does not exist)";

pub mod catalog;
pub mod comparisons;
pub mod engine;
pub mod money;
pub mod projection;
pub mod rates;
mod serde_date;
pub mod tune;
pub mod usage;

#[cfg(test)]
mod tests;

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub use catalog::{Catalog, CatalogError};
pub use comparisons::{
    compare_functions, CompareOptions, Comparison, FunctionComparison, OptionCost,
};
pub use engine::{
    lambda_on_demand_account, AccountCost, AccountOptions, Allocation, MarginalOrder,
};
pub use money::{format_usd, format_usd_dp, round_cents};
pub use projection::{project_calculator, project_observed, project_supplied, ProjectionOptions};
pub use rates::PriceBook;
pub use tune::{tune_function, TuneInput, TuneOptions, TuneReport, TuneStrategy};
pub use usage::{
    CalculatorSpec, ConcurrencyLevel, FunctionMeta, FunctionProjection, FunctionUsage,
    MonthlyUsage, PackageType, RoundingSums, SnapStart, UsageBucket,
};

/// Hours in the projected month: 730 h (8,760 h / 12), the convention AWS calculators use.
pub const HOURS_PER_MONTH: u32 = 730;

/// Milliseconds in the projected month of [`HOURS_PER_MONTH`].
pub const MS_PER_MONTH: u64 = HOURS_PER_MONTH as u64 * 3_600_000;

/// Instruction-set architecture of a function (Lambda prices differ per architecture).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Arch {
    #[serde(rename = "x86_64")]
    X86_64,
    #[serde(rename = "arm64")]
    Arm64,
}

impl Arch {
    pub fn as_str(self) -> &'static str {
        match self {
            Arch::X86_64 => "x86_64",
            Arch::Arm64 => "arm64",
        }
    }

    /// Parses `x86_64` / `arm64` (also `x86`, `amd64`, `arm`, `aarch64`, any case).
    pub fn parse(text: &str) -> Option<Arch> {
        match text.trim().to_ascii_lowercase().as_str() {
            "x86_64" | "x86" | "amd64" | "x86-64" => Some(Arch::X86_64),
            "arm64" | "arm" | "aarch64" | "graviton" => Some(Arch::Arm64),
            _ => None,
        }
    }
}

impl fmt::Display for Arch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A low / typical / high triple (a monthly range from the traffic's day-to-day variation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Range<T> {
    pub low: T,
    pub typical: T,
    pub high: T,
}

impl<T: Clone> Range<T> {
    /// The same value three times (no variation known).
    pub fn collapsed(value: T) -> Range<T> {
        Range {
            low: value.clone(),
            typical: value.clone(),
            high: value,
        }
    }
}

impl<T> Range<T> {
    pub fn map<U>(&self, mut f: impl FnMut(&T) -> U) -> Range<U> {
        Range {
            low: f(&self.low),
            typical: f(&self.typical),
            high: f(&self.high),
        }
    }

    /// Fallible [`Range::map`].
    pub fn try_map<U, E>(&self, mut f: impl FnMut(&T) -> Result<U, E>) -> Result<Range<U>, E> {
        Ok(Range {
            low: f(&self.low)?,
            typical: f(&self.typical)?,
            high: f(&self.high)?,
        })
    }

    /// The three values in the order low, typical, high.
    pub fn as_array(&self) -> [&T; 3] {
        [&self.low, &self.typical, &self.high]
    }
}

impl Range<Decimal> {
    /// Component-wise difference `self - other`.
    pub fn minus(&self, other: &Range<Decimal>) -> Range<Decimal> {
        Range {
            low: self.low - other.low,
            typical: self.typical - other.typical,
            high: self.high - other.high,
        }
    }
}

/// Errors of the cost engine (the catalog has its own [`CatalogError`]). Each message says
/// what to do about it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CostError {
    #[error(
        "no {what} price for region `{region}` ({arch}) in pricing offering `{offering}`; \
         known regions: {known}. Fix: pass one of those regions, or add the figures for `{region}` \
         in a pricing override file (see pricing/README.md)"
    )]
    UnknownRegion {
        offering: String,
        what: String,
        region: String,
        arch: String,
        known: String,
    },
    #[error(
        "pricing offering `{offering}` lacks `{key}`{context}. Fix: add a figure with key `{key}` \
         to a pricing override file (see pricing/README.md)"
    )]
    MissingFigure {
        offering: String,
        key: String,
        context: String,
    },
    #[error("pricing offering `{offering}` is not loaded. Fix: keep the built-in catalog or load a file with [offering] id = \"{offering}\"")]
    MissingOffering { offering: String },
    #[error("invalid input for function `{function}`: {problem}. Fix: {fix}")]
    InvalidInput {
        function: String,
        problem: String,
        fix: String,
    },
    #[error("amount out of range while computing {what} for `{function}`: the prices or volumes are too large to price exactly. Fix: check the price files (--pricing) and the input for absurd values")]
    Overflow { function: String, what: String },
}
