//! Deserialisation of whole-number fields with the allowed range in the error. serde's own integer errors say
//! only the Rust type ("invalid value: integer `-512`, expected u32"); these say what the field accepts
//! ("expected a whole number of MB from 128 to 10240 (AWS Lambda's range)"). The parser (for example `toml`)
//! adds the line and column. Values of the right type but out of the field's range are refused by
//! [`crate::Scenario::validate`] and the `compile` functions, with the range too.

use serde::de::{Deserializer, Error, Unexpected, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// A visitor of a whole number that fits `T`; `what` describes the accepted values.
struct Whole<T> {
    what: &'static str,
    _t: PhantomData<T>,
}

impl<T: TryFrom<u64>> Visitor<'_> for Whole<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.what)
    }
    fn visit_u64<E: Error>(self, n: u64) -> Result<T, E> {
        T::try_from(n).map_err(|_| E::invalid_value(Unexpected::Unsigned(n), &self))
    }
    fn visit_i64<E: Error>(self, n: i64) -> Result<T, E> {
        u64::try_from(n)
            .ok()
            .and_then(|u| T::try_from(u).ok())
            .ok_or_else(|| E::invalid_value(Unexpected::Signed(n), &self))
    }
}

/// An optional whole number (a missing field is handled by `#[serde(default)]`; an explicit null is `None`).
struct OptWhole<T> {
    what: &'static str,
    _t: PhantomData<T>,
}

impl<'de, T: TryFrom<u64>> Visitor<'de> for OptWhole<T> {
    type Value = Option<T>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.what)
    }
    fn visit_none<E: Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }
    fn visit_unit<E: Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        whole(d, self.what).map(Some)
    }
}

fn whole<'de, D: Deserializer<'de>, T: TryFrom<u64>>(
    d: D,
    what: &'static str,
) -> Result<T, D::Error> {
    d.deserialize_u64(Whole {
        what,
        _t: PhantomData,
    })
}

fn opt_whole<'de, D: Deserializer<'de>, T: TryFrom<u64>>(
    d: D,
    what: &'static str,
) -> Result<Option<T>, D::Error> {
    d.deserialize_option(OptWhole {
        what,
        _t: PhantomData,
    })
}

/// `memory_mb`.
pub(crate) fn memory_mb<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    whole(
        d,
        "a whole number of MB from 128 to 10240 (AWS Lambda's range)",
    )
}

/// `concurrency_per_instance`.
pub(crate) fn per_instance<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    whole(
        d,
        "a whole number of requests from 1 to 1000 (1 for Lambda)",
    )
}

/// `reserved_concurrency`.
pub(crate) fn reserved<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    opt_whole(
        d,
        "a whole number of concurrent executions >= 0 (within the account's concurrency_limit)",
    )
}

/// `account.min_unreserved_concurrency`.
pub(crate) fn unreserved<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    whole(d, "a whole number >= 0 (AWS: 100)")
}

/// Provisioned `count` (also in a schedule step).
pub(crate) fn provisioned<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    whole(
        d,
        "a whole number of provisioned instances from 0 to 4294967295 (and within reserved_concurrency or the unreserved concurrency)",
    )
}

/// The hybrid policy's `min_samples`.
pub(crate) fn min_samples<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    whole(
        d,
        "a whole number of idle times from 0 to 4294967295 (default 10)",
    )
}

/// A replay event's `offset_us`.
pub(crate) fn micros<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    whole(d, "a whole number of microseconds >= 0")
}

/// A replay event's optional `duration_us` / `init_us`.
pub(crate) fn opt_micros<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    opt_whole(d, "a whole number of microseconds >= 0")
}

#[cfg(test)]
mod tests {
    use crate::Scenario;

    const BASE: &str = r#"
duration_s = 60
[[functions]]
name = "api"
memory_mb = 512
arrivals = { kind = "poisson", rate_per_s = 5.0 }
warm = { dist = "exponential", mean_ms = 100.0 }
cold = { model = "init_added", init = { dist = "constant", value_ms = 250.0 } }
"#;

    fn err(from: &str, to: &str) -> String {
        let text = BASE.replace(from, to);
        assert_ne!(text, BASE, "{from}");
        toml::from_str::<Scenario>(&text)
            .map(|_| ())
            .expect_err("must be refused")
            .to_string()
    }

    #[test]
    fn integer_errors_state_the_allowed_range() {
        for (from, to, says) in [
            ("memory_mb = 512", "memory_mb = -512", "integer `-512`, expected a whole number of MB from 128 to 10240"),
            ("memory_mb = 512", "memory_mb = 5000000000", "expected a whole number of MB from 128 to 10240"),
            ("memory_mb = 512", "memory_mb = 512.5", "floating point `512.5`, expected a whole number of MB from 128 to 10240"),
            ("memory_mb = 512", "memory_mb = \"512\"", "expected a whole number of MB"),
            ("memory_mb = 512", "memory_mb = 512\nconcurrency_per_instance = -2", "expected a whole number of requests from 1 to 1000"),
            ("memory_mb = 512", "memory_mb = 512\nreserved_concurrency = -1", "expected a whole number of concurrent executions >= 0"),
            ("memory_mb = 512", "memory_mb = 512\nprovisioned = { count = -1 }", "integer `-1`, expected a whole number of provisioned instances from 0 to 4294967295"),
            ("memory_mb = 512", "memory_mb = 512\nprovisioned = { schedule = [{ from_s = 5, count = -3 }] }", "expected a whole number of provisioned instances"),
            ("memory_mb = 512", "memory_mb = 512\nkeep_alive = { policy = \"hybrid_histogram\", min_samples = -1 }", "expected a whole number of idle times"),
            ("duration_s = 60", "duration_s = 60\naccount = { min_unreserved_concurrency = -100 }", "expected a whole number >= 0 (AWS: 100)"),
            ("kind = \"poisson\", rate_per_s = 5.0", "kind = \"replay\", events = [{ offset_us = -5 }]", "expected a whole number of microseconds >= 0"),
            ("kind = \"poisson\", rate_per_s = 5.0", "kind = \"replay\", events = [{ offset_us = 5, duration_us = -1 }]", "expected a whole number of microseconds >= 0"),
        ] {
            let e = err(from, to);
            assert!(e.contains(says), "{to}: {e}");
            // The parser still names the line.
            assert!(e.contains("line "), "{to}: {e}");
        }
    }

    #[test]
    fn valid_integers_still_parse_and_round_trip() {
        let text = BASE.replace(
            "memory_mb = 512",
            "memory_mb = 512\nreserved_concurrency = 20\nconcurrency_per_instance = 2\nprovisioned = { count = 3, schedule = [{ from_s = 5, count = 4 }] }",
        );
        let s: Scenario = toml::from_str(&text).expect("parses");
        let f = &s.functions[0];
        assert_eq!(
            (
                f.memory_mb,
                f.reserved_concurrency,
                f.concurrency_per_instance,
                f.provisioned.max_count()
            ),
            (512, Some(20), 2, 4)
        );
        let back: Scenario =
            toml::from_str(&toml::to_string(&s).expect("serialises")).expect("parses back");
        assert_eq!(back, s);
        let json: Scenario = serde_json::from_str(&serde_json::to_string(&s).expect("serialises"))
            .expect("parses back");
        assert_eq!(json, s);
        let s: Scenario = toml::from_str(BASE).expect("parses");
        assert_eq!(s.functions[0].reserved_concurrency, None);
        let replay = BASE.replace(
            "kind = \"poisson\", rate_per_s = 5.0",
            "kind = \"replay\", events = [{ offset_us = 5, duration_us = 7 }, { offset_us = 9 }]",
        );
        let s: Scenario = toml::from_str(&replay).expect("parses");
        let json: Scenario = serde_json::from_str(&serde_json::to_string(&s).expect("serialises"))
            .expect("parses back");
        assert_eq!(json, s);
    }
}
