//! Every example scenario under `scenarios/` parses into [`Scenario`] (unknown fields rejected), validates,
//! and runs briefly (its measured period and warm-up cut to at most 120 s and 30 s).

use faascope_sim::{Scenario, Simulation};
use std::path::PathBuf;

fn scenario_files() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("scenarios/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_example_scenario_parses_validates_and_runs() {
    let files = scenario_files();
    assert!(files.len() >= 8, "{files:?}");
    for path in files {
        let text = std::fs::read_to_string(&path).expect("readable");
        let mut s: Scenario = toml::from_str(&text)
            .unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()));
        s.validate()
            .unwrap_or_else(|e| panic!("{} is invalid: {e}", path.display()));
        s.duration_s = s.duration_s.min(120.0);
        s.warmup_s = s.warmup_s.min(30.0);
        let out = Simulation::new(&s, 1)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .run();
        assert_eq!(out.functions.len(), s.functions.len());
        assert_eq!(out.measured_s, s.duration_s);
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        // Scenarios with traffic in their first two minutes must show requests.
        if !matches!(name, "hybrid-keepalive.toml") {
            assert!(out.total.requests > 0, "{name}: no requests");
            assert!(out.total.served > 0, "{name}: nothing served");
        }
        if name == "replay-small.toml" {
            // 8 observed arrivals, traffic x3, all within the 60 s trace.
            assert_eq!(out.total.requests, 24);
        }
    }
}

#[test]
fn a_typo_in_a_scenario_is_reported_with_its_location() {
    let text = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/api-basic.toml"),
    )
    .expect("readable")
    .replace("idle_timeout_s = 600", "idle_timeout = 600");
    let err = toml::from_str::<Scenario>(&text)
        .expect_err("typo must be rejected")
        .to_string();
    assert!(err.contains("idle_timeout"), "{err}");
}
