//! Integer simulation time.
//!
//! All simulated time is kept as whole **microseconds** in a `u64` (enough for about 584,000 years). Floats are
//! used only at the edges: to read human-friendly configuration (seconds, milliseconds) and to print results.
//! Integer time makes event ordering exact and results identical on every machine.

use serde::Serialize;
use std::fmt;
use std::ops::{Add, AddAssign, Sub};

/// Microseconds in one millisecond.
pub const MICROS_PER_MS: u64 = 1_000;
/// Microseconds in one second.
pub const MICROS_PER_S: u64 = 1_000_000;

/// A point in simulated time: microseconds since the start of the simulation (t = 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct SimTime(pub u64);

/// A span of simulated time in microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct SimDuration(pub u64);

impl SimTime {
    /// The start of every simulation.
    pub const ZERO: SimTime = SimTime(0);
    /// A time that is never reached ("never expires").
    pub const NEVER: SimTime = SimTime(u64::MAX);

    /// Microseconds since the start.
    pub fn as_micros(self) -> u64 {
        self.0
    }

    /// Seconds since the start, for display.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / MICROS_PER_S as f64
    }

    /// `self + d`, saturating at [`SimTime::NEVER`].
    pub fn saturating_add(self, d: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }

    /// The duration from `earlier` to `self`, or zero if `earlier` is later.
    pub fn saturating_since(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }
}

impl SimDuration {
    /// Zero length.
    pub const ZERO: SimDuration = SimDuration(0);
    /// An infinite span (for example an idle timeout that never fires).
    pub const INFINITE: SimDuration = SimDuration(u64::MAX);

    /// A duration of whole microseconds.
    pub fn from_micros(us: u64) -> Self {
        SimDuration(us)
    }

    /// A duration of whole milliseconds (saturating).
    pub fn from_millis(ms: u64) -> Self {
        SimDuration(ms.saturating_mul(MICROS_PER_MS))
    }

    /// A duration of whole seconds (saturating).
    pub fn from_secs(s: u64) -> Self {
        SimDuration(s.saturating_mul(MICROS_PER_S))
    }

    /// Converts seconds given as a float (from configuration) to microseconds, rounding to the nearest
    /// microsecond. `+inf` maps to [`SimDuration::INFINITE`]. Returns `None` for NaN, negative values and finite
    /// values too large to represent. The conversion is a single IEEE multiplication and rounding, so it is exact
    /// and identical on every machine.
    pub fn from_secs_f64(s: f64) -> Option<Self> {
        Self::from_scaled_f64(s, MICROS_PER_S as f64)
    }

    /// Like [`SimDuration::from_secs_f64`] for milliseconds.
    pub fn from_millis_f64(ms: f64) -> Option<Self> {
        Self::from_scaled_f64(ms, MICROS_PER_MS as f64)
    }

    fn from_scaled_f64(v: f64, scale: f64) -> Option<Self> {
        if v.is_nan() || v < 0.0 {
            return None;
        }
        if v == f64::INFINITY {
            return Some(SimDuration::INFINITE);
        }
        let us = (v * scale).round();
        // 2^64 as f64; every smaller non-negative value converts without saturation.
        if us >= 18_446_744_073_709_551_616.0 {
            return None;
        }
        Some(SimDuration(us as u64))
    }

    /// Microseconds.
    pub fn as_micros(self) -> u64 {
        self.0
    }

    /// Seconds, for display.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / MICROS_PER_S as f64
    }

    /// Milliseconds, for display.
    pub fn as_millis_f64(self) -> f64 {
        self.0 as f64 / MICROS_PER_MS as f64
    }

    /// Whether this is the infinite duration.
    pub fn is_infinite(self) -> bool {
        self.0 == u64::MAX
    }

    /// Whole milliseconds rounded up, the way AWS Lambda bills duration (1 ms granularity since December 2020).
    pub fn ceil_millis(self) -> u64 {
        self.0.div_ceil(MICROS_PER_MS)
    }
}

impl Add<SimDuration> for SimTime {
    type Output = SimTime;
    fn add(self, rhs: SimDuration) -> SimTime {
        self.saturating_add(rhs)
    }
}

impl AddAssign<SimDuration> for SimTime {
    fn add_assign(&mut self, rhs: SimDuration) {
        *self = self.saturating_add(rhs);
    }
}

impl Sub<SimTime> for SimTime {
    type Output = SimDuration;
    fn sub(self, rhs: SimTime) -> SimDuration {
        self.saturating_since(rhs)
    }
}

impl Add for SimDuration {
    type Output = SimDuration;
    fn add(self, rhs: SimDuration) -> SimDuration {
        SimDuration(self.0.saturating_add(rhs.0))
    }
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.6} s", self.as_secs_f64())
    }
}

impl fmt::Display for SimDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_infinite() {
            write!(f, "infinite")
        } else {
            write!(f, "{:.6} s", self.as_secs_f64())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_seconds_round_to_nearest_microsecond() {
        assert_eq!(
            SimDuration::from_secs_f64(1.5),
            Some(SimDuration(1_500_000))
        );
        assert_eq!(
            SimDuration::from_secs_f64(0.000_000_4),
            Some(SimDuration(0))
        );
        assert_eq!(
            SimDuration::from_secs_f64(0.000_000_6),
            Some(SimDuration(1))
        );
        assert_eq!(SimDuration::from_millis_f64(2.5), Some(SimDuration(2_500)));
        assert_eq!(
            SimDuration::from_secs_f64(f64::INFINITY),
            Some(SimDuration::INFINITE)
        );
        assert_eq!(SimDuration::from_secs_f64(-1.0), None);
        assert_eq!(SimDuration::from_secs_f64(f64::NAN), None);
        assert_eq!(SimDuration::from_secs_f64(1e300), None);
    }

    #[test]
    fn billing_rounds_up_to_whole_milliseconds() {
        assert_eq!(SimDuration(1).ceil_millis(), 1);
        assert_eq!(SimDuration(1_000).ceil_millis(), 1);
        assert_eq!(SimDuration(1_001).ceil_millis(), 2);
        assert_eq!(SimDuration(0).ceil_millis(), 0);
        // The fact sheet's observed example: 3923.569 ms + 145.399 ms init -> 4069 ms billed.
        assert_eq!(SimDuration(3_923_569 + 145_399).ceil_millis(), 4_069);
    }

    #[test]
    fn arithmetic_saturates() {
        assert_eq!(SimTime(5) + SimDuration(7), SimTime(12));
        assert_eq!(SimTime::NEVER + SimDuration(7), SimTime::NEVER);
        assert_eq!(SimTime(3) - SimTime(10), SimDuration(0));
        assert_eq!(SimTime(10) - SimTime(3), SimDuration(7));
    }
}
