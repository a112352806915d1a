//! The CI cost-regression gate behind `faascope ci`.
//!
//! * [`config`]: the project file `faascope.toml` (functions, traffic, thresholds, rules).
//! * [`templates`]: function settings from SAM / CloudFormation and Serverless Framework files.
//! * [`evaluate`]: the project priced (cost engine) and simulated (faascope-sim): a baseline.
//! * [`check`]: the current evaluation against a baseline, with thresholds and rules.
//!
//! Rendering lives in [`crate::output::ci`]; the command line in `cli::ci`.

pub mod check;
pub mod config;
pub mod evaluate;
pub mod templates;

pub use check::{check, CheckReport};
pub use config::{Project, Thresholds};
pub use evaluate::{evaluate, Evaluation, SCHEMA};

/// Serialises `value` as pretty JSON with every object's keys sorted (a stable byte form for
/// baselines and reports).
pub fn canonical_json<T: serde::Serialize>(value: &T) -> Result<String, serde_json::Error> {
    fn sort(v: serde_json::Value) -> serde_json::Value {
        match v {
            serde_json::Value::Object(m) => {
                let mut entries: Vec<(String, serde_json::Value)> = m.into_iter().collect();
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                serde_json::Value::Object(entries.into_iter().map(|(k, v)| (k, sort(v))).collect())
            }
            serde_json::Value::Array(a) => {
                serde_json::Value::Array(a.into_iter().map(sort).collect())
            }
            other => other,
        }
    }
    let v = sort(serde_json::to_value(value)?);
    Ok(crate::output::json_safe(serde_json::to_string_pretty(&v)?) + "\n")
}

#[cfg(test)]
mod tests {
    #[test]
    fn canonical_json_sorts_keys_at_every_level() {
        let v = serde_json::json!({"b": 1, "a": {"z": [ {"y": 1, "x": 2} ], "c": null}});
        let s = super::canonical_json(&v).unwrap();
        let a = s.find("\"a\"").unwrap();
        let b = s.find("\"b\"").unwrap();
        assert!(a < b);
        assert!(s.find("\"c\"").unwrap() < s.find("\"z\"").unwrap());
        assert!(s.find("\"x\"").unwrap() < s.find("\"y\"").unwrap());
    }
}
