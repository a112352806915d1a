//! Exact decimal money and unit helpers.
//!
//! Every amount is a [`Decimal`] in USD kept at full precision (28 significant digits); sums
//! are exact decimal additions, never floating point. Round only for display, with
//! [`round_cents`] (half away from zero, as invoices do) or [`format_usd`].
//!
//! Quantities follow AWS's convention that "GB" means 1,024 MB (GB-seconds =
//! `memory_mb / 1024 × billed_ms / 1000`). Because 1,024,000 = 2¹³ × 5³, GB-seconds computed
//! from integer MB and integer ms are exact, terminating decimals.

use rust_decimal::{Decimal, RoundingStrategy};

/// Rounds a USD amount to cents (half away from zero). For display only: keep the full
/// precision value for any further arithmetic.
pub fn round_cents(usd: Decimal) -> Decimal {
    usd.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// Formats a USD amount for display: `$45.43`, `-$0.80`, `$1,234,567.00`.
pub fn format_usd(usd: Decimal) -> String {
    format_usd_dp(usd, 2)
}

/// [`format_usd`] to `dp` decimals (`$1,866.6700` at 4).
pub fn format_usd_dp(usd: Decimal, dp: u32) -> String {
    let cents = usd.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
    let negative = cents.is_sign_negative() && !cents.is_zero();
    let text = format!("{:.*}", dp as usize, cents.abs());
    let (int_part, frac_part) = text.split_once('.').unwrap_or((text.as_str(), "00"));
    let mut grouped = String::with_capacity(int_part.len() + int_part.len() / 3);
    for (i, ch) in int_part.chars().enumerate() {
        if i > 0 && (int_part.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!(
        "{}${}.{}",
        if negative { "-" } else { "" },
        grouped,
        frac_part
    )
}

/// Rounds a ratio (utilisation, share) to `dp` decimal places for display.
pub fn round_ratio(value: Decimal, dp: u32) -> Decimal {
    value.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
}

/// 1,024,000: MB·ms per GB·s.
pub(crate) const MB_MS_PER_GB_S: u32 = 1_024_000;

/// Exact GB-seconds of `mb_ms` (Σ memory_mb × billed_ms).
pub(crate) fn gb_seconds_from_mb_ms(mb_ms: u128) -> Option<Decimal> {
    decimal_from_u128(mb_ms).map(|v| v / Decimal::from(MB_MS_PER_GB_S))
}

/// Converts a `u128` to a `Decimal`; `None` above Decimal's 96-bit mantissa.
pub(crate) fn decimal_from_u128(value: u128) -> Option<Decimal> {
    if value >= (1u128 << 96) {
        return None;
    }
    let signed = i128::try_from(value).ok()?;
    Some(Decimal::from_i128_with_scale(signed, 0))
}

/// Megabytes to GB (÷ 1024), exact.
pub(crate) fn mb_to_gb(memory_mb: Decimal) -> Decimal {
    memory_mb / Decimal::from(1024)
}

/// Milliseconds to seconds, exact.
pub(crate) fn ms_to_s(ms: Decimal) -> Decimal {
    ms / Decimal::from(1000)
}

/// `max(0, value)`.
pub(crate) fn non_negative(value: Decimal) -> Decimal {
    value.max(Decimal::ZERO)
}

/// `numerator / denominator`, or `None` when the denominator is zero.
pub(crate) fn ratio(numerator: Decimal, denominator: Decimal) -> Option<Decimal> {
    if denominator.is_zero() {
        None
    } else {
        numerator.checked_div(denominator)
    }
}

/// Ceiling of `value / step` times `step` (step > 0).
pub(crate) fn round_up_to(value: Decimal, step: Decimal) -> Decimal {
    if step <= Decimal::ZERO {
        return value;
    }
    (value / step).ceil() * step
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).expect("test literal")
    }

    #[test]
    fn cents_round_half_away_from_zero() {
        assert_eq!(round_cents(d("45.42575")), d("45.43"));
        assert_eq!(round_cents(d("45.425")), d("45.43"));
        assert_eq!(round_cents(d("45.4249999")), d("45.42"));
        assert_eq!(round_cents(d("-0.005")), d("-0.01"));
    }

    #[test]
    fn formats_usd() {
        assert_eq!(format_usd(d("45.42575")), "$45.43");
        assert_eq!(format_usd(d("0")), "$0.00");
        assert_eq!(format_usd(d("-0.8")), "-$0.80");
        assert_eq!(format_usd(d("1234567")), "$1,234,567.00");
        assert_eq!(format_usd(d("-0.001")), "$0.00");
        assert_eq!(format_usd_dp(d("1866.67"), 4), "$1,866.6700");
        assert_eq!(format_usd_dp(d("-1.86667"), 4), "-$1.8667");
    }

    #[test]
    fn gb_seconds_are_exact() {
        // 128 MB × 5,000 ms = 0.625 GB-s
        assert_eq!(gb_seconds_from_mb_ms(128 * 5000), Some(d("0.625")));
        // 1 MB × 1 ms
        assert_eq!(gb_seconds_from_mb_ms(1), Some(d("0.0000009765625")));
        assert_eq!(gb_seconds_from_mb_ms(1u128 << 100), None);
    }

    #[test]
    fn rounds_up_to_step() {
        assert_eq!(round_up_to(d("301"), d("300")), d("600"));
        assert_eq!(round_up_to(d("300"), d("300")), d("300"));
        assert_eq!(round_up_to(d("0"), d("300")), d("0"));
    }
}
