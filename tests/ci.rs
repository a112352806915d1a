//! `faascope ci baseline` / `ci check` on the real binary: the example project over sample-data
//! (docs/ci/example), a Serverless Framework fixture, and malformed inputs.

mod common;

use std::path::{Path, PathBuf};

use common::{faascope, root};
use predicates::prelude::*;

/// Copies docs/ci/example into a temporary directory with the log path made absolute.
fn example_project() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let src = root().join("docs/ci/example");
    for f in ["faascope.toml", "template.yaml"] {
        std::fs::copy(src.join(f), dir.path().join(f)).unwrap();
    }
    let cfg = dir.path().join("faascope.toml");
    let text = std::fs::read_to_string(&cfg).unwrap();
    let abs = root().join("sample-data");
    let text = text.replace(
        "\"../../../sample-data\"",
        &format!("{:?}", abs.display().to_string()),
    );
    std::fs::write(&cfg, text).unwrap();
    (dir, cfg)
}

fn baseline(cfg: &Path, out: &Path) -> Vec<u8> {
    faascope()
        .args(["ci", "baseline", "--config"])
        .arg(cfg)
        .arg("--out")
        .arg(out)
        .args(["--format", "json"])
        .assert()
        .success();
    std::fs::read(out).unwrap()
}

fn check(cfg: &Path, base: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    faascope()
        .args(["ci", "check", "--config"])
        .arg(cfg)
        .arg("--baseline")
        .arg(base)
        .args(extra)
        .assert()
}

fn json(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes).unwrap()
}

/// The JSON report of a `ci check` that fails (exit 1), with `extra` arguments.
fn failed_check(cfg: &Path, base: &Path, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(extra);
    json(&check(cfg, base, &args).code(1).get_output().stdout)
}

fn function<'a>(doc: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    doc["functions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == name)
        .unwrap_or_else(|| panic!("{name} not in {doc}"))
}

/// One rule's result in a function of a `ci check` JSON report.
fn result<'a>(f: &'a serde_json::Value, rule: &str) -> &'a serde_json::Value {
    f["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == rule)
        .unwrap_or_else(|| panic!("no {rule} in {f}"))
}

#[test]
fn baseline_is_deterministic_and_reads_the_sam_template() {
    let (dir, cfg) = example_project();
    let a = baseline(&cfg, &dir.path().join("a.json"));
    let b = baseline(&cfg, &dir.path().join("b.json"));
    assert_eq!(a, b, "two baselines of the same project differ");
    // The CloudWatch Throttles among the logs' files are named beside the simulated figure
    // the gate weighs (seventh-round ci review: read and passed over without a word).
    let doc = json(&a);
    let insight = function(&doc, "image-batch")["insights"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["rule"] == "throttles")
        .unwrap();
    assert_eq!(
        insight["message"],
        "0 throttled request(s) (simulated; the CloudWatch Throttles metrics read show 1794 under the deployed configuration) (within the 0 limit)"
    );
    // The same bytes with --config spelt relative to the working directory: places in it are
    // relative to the project file.
    let out = dir.path().join("c.json");
    faascope()
        .current_dir(dir.path())
        .args([
            "ci",
            "baseline",
            "--config",
            "faascope.toml",
            "--out",
            "c.json",
        ])
        .assert()
        .success();
    assert_eq!(
        a,
        std::fs::read(&out).unwrap(),
        "baseline depends on the --config path"
    );
    assert!(!String::from_utf8_lossy(&a).contains(&*dir.path().display().to_string()));
    let doc = json(&a);
    assert_eq!(doc["schema"], "faascope-ci-baseline/1");
    assert!(doc.get("generated_at").is_none());
    let names: Vec<&str> = doc["functions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "catalog-snapstart",
            "geo-lookup",
            "image-batch",
            "legacy-thumbnailer",
            "nightly-report",
            "orders-api",
            "payments-java",
            "search-suggest",
            "webhook-handler"
        ]
    );
    // Settings come from the template (a plain CloudFormation function included).
    let legacy = function(&doc, "legacy-thumbnailer");
    assert_eq!(legacy["settings"]["memory_mb"], 3008);
    assert_eq!(legacy["settings"]["timeout_s"], 30);
    assert_eq!(legacy["settings"]["runtime"], "nodejs18.x");
    // A function's Architectures over the Globals' (geo-lookup runs on arm64, as in the logs).
    assert_eq!(function(&doc, "geo-lookup")["settings"]["arch"], "arm64");
    assert_eq!(legacy["settings"]["arch"], "x86_64");
    let webhook = function(&doc, "webhook-handler");
    assert_eq!(webhook["settings"]["reserved_concurrency"], 20);
    assert_eq!(webhook["settings"]["timeout_s"], 6);
    assert_eq!(
        function(&doc, "image-batch")["settings"]["ephemeral_storage_mb"],
        2048
    );
    let orders = function(&doc, "orders-api");
    assert_eq!(orders["settings"]["memory_mb"], 512);
    assert_eq!(orders["traffic"]["basis"], "logs");
    assert_eq!(orders["traffic"]["observed_invocations"], 39021);
    // Explicit traffic: 3M requests of 35 ms at 512 MB on arm64.
    let search = function(&doc, "search-suggest");
    assert_eq!(search["traffic"]["basis"], "explicit");
    assert_eq!(search["settings"]["arch"], "arm64");
    assert_eq!(
        search["traffic"]["requests_per_month"]["typical"],
        "3000000"
    );
    // Every monthly cost is positive and the total is their sum.
    let sum: f64 = doc["functions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            f["monthly_usd"]["typical"]
                .as_str()
                .unwrap()
                .parse::<f64>()
                .unwrap()
        })
        .sum();
    let total: f64 = doc["total_monthly_usd"]["typical"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(total > 1.0);
    assert!((sum - total).abs() < 1e-6, "{sum} vs {total}");
    // An existing file is kept unless --force.
    faascope()
        .args(["ci", "baseline", "--config"])
        .arg(&cfg)
        .arg("--out")
        .arg(dir.path().join("a.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--force"));
    // Ninth-round ci review: not even with --force over a file the run reads (its baseline,
    // its project file), also through a link.
    let base = dir.path().join("a.json");
    let before = std::fs::read(&base).unwrap();
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&base, &link).unwrap();
    for out in [&base, &link] {
        check(&cfg, &base, &["--force", "--out", out.to_str().unwrap()])
            .code(2)
            .stderr(predicate::str::contains("which this run reads"));
    }
    assert_eq!(std::fs::read(&base).unwrap(), before);
    faascope()
        .args(["ci", "baseline", "--force", "--config"])
        .arg(&cfg)
        .arg("--out")
        .arg(&cfg)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("which this run reads"));
}

#[test]
fn unchanged_project_passes_with_identical_output() {
    let (dir, cfg) = example_project();
    let base = dir.path().join("base.json");
    baseline(&cfg, &base);
    for format in ["markdown", "json", "junit", "table"] {
        let one = check(&cfg, &base, &["--format", format])
            .code(0)
            .get_output()
            .stdout
            .clone();
        let two = check(&cfg, &base, &["--format", format])
            .code(0)
            .get_output()
            .stdout
            .clone();
        assert_eq!(one, two, "{format} output differs between runs");
        if format == "markdown" {
            let md = String::from_utf8(one).unwrap();
            assert!(md.starts_with("## ✅ faascope cost check passed"), "{md}");
            assert!(
                md.contains("| ✅ | orders-api | $0.29 | $0.29 | $0.00 | 0.0 % |"),
                "{md}"
            );
        }
    }
    // A command-line threshold tighter than the data fails: nightly-report cold-starts on
    // almost every run (once a night).
    let out = check(
        &cfg,
        &base,
        &["--format", "json", "--max-cold-start-ratio", "0.5"],
    )
    .code(1)
    .get_output()
    .stdout
    .clone();
    let report = json(&out);
    let rule = result(function(&report, "nightly-report"), "max_cold_start_ratio");
    assert_eq!(rule["outcome"], "fail");
    assert_eq!(report["failed"], 1);
}

/// `--out -` is standard output for `ci check`; a device or a symlink given as --out is
/// written through, never replaced by a regular file; the baseline refuses `-`.
#[cfg(unix)]
#[test]
fn out_dash_is_stdout_and_special_files_are_written_in_place() {
    use std::os::unix::fs::FileTypeExt;
    let (dir, cfg) = example_project();
    let base = dir.path().join("base.json");
    let bytes = baseline(&cfg, &base);
    let to_stdout = check(&cfg, &base, &["--format", "json", "--out", "-"])
        .code(0)
        .get_output()
        .stdout
        .clone();
    assert!(json(&to_stdout)["functions"].is_array());
    assert!(!dir.path().join("-").exists());
    // /dev/null as --out, with and without --force: still the device afterwards.
    for force in [false, true] {
        let mut cmd = faascope();
        cmd.args(["ci", "baseline", "--config"]).arg(&cfg).args([
            "--out",
            "/dev/null",
            "--format",
            "json",
        ]);
        if force {
            cmd.arg("--force");
        }
        cmd.assert().success();
        let meta = std::fs::symlink_metadata("/dev/null").unwrap();
        assert!(meta.file_type().is_char_device());
    }
    // A symlink to the baseline: the link stays, the file it names is replaced.
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&base, &link).unwrap();
    std::fs::write(&base, "{}").unwrap();
    faascope()
        .args(["ci", "baseline", "--config"])
        .arg(&cfg)
        .arg("--out")
        .arg(&link)
        .args(["--force", "--format", "json"])
        .assert()
        .success();
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(std::fs::read(&base).unwrap(), bytes);
    faascope()
        .args(["ci", "baseline", "--config"])
        .arg(&cfg)
        .args(["--out", "-"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("give --out a path"));
}

/// `report --rules --config` takes a project file that only sets some functions' timeouts:
/// the logs are the SOURCES.
#[test]
fn report_rules_take_a_config_of_function_settings_alone() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("faascope.toml");
    std::fs::write(
        &cfg,
        "[[functions]]\nname = \"webhook-handler\"\ntimeout_s = 6\n[[functions]]\nname = \"orders-api\"\ntimeout_s = 1\n",
    )
    .unwrap();
    let out = faascope()
        .args([
            "report",
            "sample-data",
            "-q",
            "--rules",
            "--format",
            "json",
            "--config",
        ])
        .arg(&cfg)
        .output()
        .unwrap();
    assert!(
        out.status.code().is_some_and(|c| c < 2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json(&out.stdout);
    let near: Vec<&str> = doc["insights"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "duration_near_timeout")
        .filter_map(|f| f["function"].as_str())
        .collect();
    assert!(
        near.contains(&"orders-api") && near.contains(&"webhook-handler"),
        "{near:?}"
    );
}

/// Third-round cross-command review: `ci` replayed the observed timeouts as completed
/// invocations (no environment reset), so its cold-start ratio for a function with timeouts was
/// far below `simulate --from`'s for the same logs, keep-alive and seed.
#[test]
fn ci_replays_observed_timeouts_as_simulate_from_does() {
    let (dir, cfg) = example_project();
    let base = json(&baseline(&cfg, &dir.path().join("b.json")));
    let ci = &function(&base, "webhook-handler")["performance"];
    let out = faascope()
        .args([
            "simulate",
            "--from",
            "sample-data",
            "--function",
            "webhook-handler",
            "--format",
            "json",
            "-q",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let sim = json(&out.stdout);
    let m = &sim["simulation"]["functions"][0]["metrics"];
    // The sample's webhook-handler times out at its 6 s timeout (170 resets in the replay).
    let (ci_cold, sim_cold) = (
        ci["cold_start_ratio"].as_f64().unwrap(),
        m["cold_start_probability"].as_f64().unwrap(),
    );
    assert!((ci_cold - sim_cold).abs() < 1e-6, "{ci_cold} vs {sim_cold}");
    assert!(ci_cold > 0.03, "{ci_cold}");
    assert_eq!(ci["simulated_requests"], m["requests"]);
}

/// A project of one function, `slow` (10240 MB), over an hour of NDJSON export lines: 100
/// successes of 1.0 to 2.98 s and 100 timeouts at a 3 s timeout, each run (and billed) 16.78 ms
/// past it as real REPORTs show; `timeout_s` as given.
fn timeout_project(timeout_s: u32) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("logs")).unwrap();
    let mut lines = String::new();
    for i in 0..200u32 {
        let ts = 1_756_684_800_000u64 + u64::from(i) * 18_000;
        let (duration, billed, status) = if i % 2 == 0 {
            let d = 1000.0 + f64::from(i) * 9.9;
            (d, d.ceil(), "")
        } else {
            (3016.78, 3017.0, "\\tStatus: timeout")
        };
        lines.push_str(&format!(
            "{{\"timestamp\":{ts},\"message\":\"REPORT RequestId: {i:08x}-0000-4000-8000-000000000000\\tDuration: {duration:.2} ms\\tBilled Duration: {billed} ms\\tMemory Size: 10240 MB\\tMax Memory Used: 200 MB{status}\\n\",\"logGroup\":\"/aws/lambda/slow\",\"logStream\":\"s\"}}\n"
        ));
    }
    std::fs::write(dir.path().join("logs/slow.ndjson"), lines).unwrap();
    let cfg = dir.path().join("faascope.toml");
    std::fs::write(
        &cfg,
        format!("logs = [\"logs\"]\n[project]\nname = \"t\"\nseed = 1\n[defaults]\nregion = \"us-east-1\"\n[[functions]]\nname = \"slow\"\nmemory_mb = 10240\ntimeout_s = {timeout_s}\n"),
    )
    .unwrap();
    (dir, cfg)
}

/// Second-round cross-command review: `ci baseline` cut observed timeouts back to the timeout
/// (below what the REPORT billed, and `cost` prices) and said they "would run past" it; a
/// timeout cut below durations invocations completed in passed `ci check` as a saving.
#[test]
fn observed_timeouts_are_priced_as_billed_and_a_timeout_cut_below_completed_runs_fails() {
    let monthly = |cfg: &Path| {
        let base = json(&baseline(cfg, &cfg.with_file_name("base.json")));
        let f = function(&base, "slow").clone();
        (f["monthly_usd"]["typical"].as_str().unwrap().to_string(), f)
    };
    // At the timeout they ran under, as with one far longer (nothing cut): the same month.
    let (dir3, cfg3) = timeout_project(3);
    let (at_3, slow) = monthly(&cfg3);
    let (dir60, cfg60) = timeout_project(60);
    let (at_60, _) = monthly(&cfg60);
    assert_eq!(at_3, at_60);
    assert!(!slow.to_string().contains("would run past"), "{slow}");
    drop((dir3, dir60));
    // A 2 s timeout: 49 of the successes ran longer, and would time out.
    let (dir, cfg) = timeout_project(3);
    let base = dir.path().join("base.json");
    baseline(&cfg, &base);
    let text = std::fs::read_to_string(&cfg)
        .unwrap()
        .replace("timeout_s = 3", "timeout_s = 2");
    std::fs::write(&cfg, text).unwrap();
    let report = failed_check(&cfg, &base, &[]);
    let rule = result(function(&report, "slow"), "duration_near_timeout");
    assert_eq!(rule["outcome"], "fail", "{rule}");
    assert!(
        rule["message"].as_str().unwrap().contains(
            "49 invocation(s) observed to complete in longer than the timeout would time out at it"
        ),
        "{rule}"
    );
    // With a memory cut in the same change too (verification review: it passed): less memory
    // is never faster.
    let text = std::fs::read_to_string(&cfg)
        .unwrap()
        .replace("memory_mb = 10240", "memory_mb = 5120");
    std::fs::write(&cfg, text).unwrap();
    let report = failed_check(&cfg, &base, &["--max-increase-pct", "1000"]);
    let rule = result(function(&report, "slow"), "duration_near_timeout");
    assert_eq!(rule["outcome"], "fail", "{rule}");
}

/// Third-round cost and cross-command reviews: a memory cut that makes invocations time out
/// was priced for durations Lambda never runs (past the timeout), reported 0 % errors and
/// skipped `duration_near_timeout` for explicit traffic ("longest duration unknown").
#[test]
fn modelled_durations_past_the_timeout_are_priced_to_it_and_count_as_timeouts() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("faascope.toml");
    std::fs::write(
        &cfg,
        "[project]\nname = \"p\"\nseed = 1\n[defaults]\nduration_model = \"cpu-bound\"\n[[functions]]\nname = \"f\"\nmemory_mb = 128\ntimeout_s = 2\n[functions.traffic]\nrequests_per_month = 1000000\nduration_ms = { mean = 600, p99 = 900 }\nmeasured_at_memory_mb = 512\n",
    )
    .unwrap();
    let doc = json(&baseline(&cfg, &dir.path().join("b.json")));
    let f = function(&doc, "f");
    // 512 → 128 MB CPU-bound: × 4, a 2,400 ms mean past the 2 s timeout, priced at 2 s:
    // 1M × $0.20/M + 1M × 2 s × 0.125 GB × $0.0000166667 = $4.366675.
    assert_eq!(f["monthly_usd"]["typical"], "4.366675", "{f}");
    assert!(
        f["notes"].to_string().contains("past the 2 s timeout"),
        "{f}"
    );
    let insight = |rule: &str| {
        f["insights"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["rule"] == rule)
            .unwrap_or_else(|| panic!("no {rule} in {f}"))
            .clone()
    };
    let timeouts = f["performance"]["timeouts"].as_u64().unwrap();
    let served = f["performance"]["simulated_requests"].as_u64().unwrap();
    assert!(timeouts * 2 > served, "{timeouts} of {served}");
    let errors = insight("error_ratio");
    assert!(errors["value"].as_f64().unwrap() > 0.5, "{errors}");
    let near = insight("duration_near_timeout");
    assert_eq!(near["value"].as_f64(), Some(1.8), "{near}");
    assert!(
        near["message"].as_str().unwrap().starts_with(
            "longest invocation 3600 ms (the p99 given, modelled at 128 MB) is 180.0 % of the 2 s timeout: it would time out"
        ),
        "{near}"
    );

    // From logs: image-batch (60 s timeout) cut from 2048 to 128 MB, CPU-bound (× 13.8).
    let (dir, cfg) = example_project();
    let text = std::fs::read_to_string(&cfg).unwrap();
    std::fs::write(
        &cfg,
        text.replacen(
            "keep_alive_s = 600",
            "keep_alive_s = 600\nduration_model = \"cpu-bound\"",
            1,
        ),
    )
    .unwrap();
    let before = json(&baseline(&cfg, &dir.path().join("before.json")));
    let template = dir.path().join("template.yaml");
    let text = std::fs::read_to_string(&template).unwrap();
    let cut = text.replacen(
        "      MemorySize: 2048\n      Timeout: 60",
        "      MemorySize: 128\n      Timeout: 60",
        1,
    );
    assert_ne!(cut, text);
    std::fs::write(&template, cut).unwrap();
    let after = json(&baseline(&cfg, &dir.path().join("after.json")));
    let (b, a) = (
        function(&before, "image-batch"),
        function(&after, "image-batch"),
    );
    let notes = a["notes"].to_string();
    assert!(
        notes.contains("invocation(s) would run past the 60 s timeout at 128 MB: priced up to it"),
        "{notes}"
    );
    // Every invocation billed at most 60 s at 128 MB: at most 6,201 × 60 s × 0.125 GB of
    // compute a day, far below the uncapped × 13.8 of the 2048 MB bill (1/16 the memory).
    let usd = |f: &serde_json::Value| {
        f["monthly_usd"]["typical"]
            .as_str()
            .unwrap()
            .parse::<f64>()
            .unwrap()
    };
    let uncapped = usd(b) * 13.82 / 16.0;
    assert!(usd(a) < uncapped * 0.8, "{} vs {uncapped}", usd(a));
    let near = &a["insights"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["rule"] == "duration_near_timeout")
        .unwrap()["message"];
    assert!(
        near.as_str().unwrap().contains("(modelled at 128 MB)")
            && near.as_str().unwrap().contains("it would time out"),
        "{near}"
    );
}

/// Third-round cost review: explicit traffic without measured_at_memory_mb kept its durations
/// on a memory cut (512 → 128 MB reported 72 % cheaper with p99 unchanged), even under the
/// pessimistic duration model. Durations unchanged since the baseline are taken at its size.
#[test]
fn a_memory_cut_of_explicit_traffic_scales_the_durations_given_in_the_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("faascope.toml");
    let project = |memory: u32, mean: u32| {
        format!("[project]\nname = \"p\"\nseed = 1\n[thresholds]\nmax_increase_pct = 10\n[[functions]]\nname = \"f\"\nmemory_mb = {memory}\ntimeout_s = 10\n[functions.traffic]\nrequests_per_month = 1000000\nduration_ms = {{ mean = {mean}, p99 = 900 }}\n")
    };
    std::fs::write(&cfg, project(512, 600)).unwrap();
    let base = dir.path().join("b.json");
    baseline(&cfg, &base);
    std::fs::write(&cfg, project(128, 600)).unwrap();
    let out = check(&cfg, &base, &["--format", "json"])
        .get_output()
        .stdout
        .clone();
    let doc = json(&out);
    let f = function(&doc, "f");
    // Pessimistic on a cut: × 4 (512 → 128 MB below one vCPU), p99 900 → 3,600 ms, and the
    // compute cost unchanged (a quarter of the memory four times as long).
    let p99 = f["p99_ms"].as_array().unwrap();
    assert!(p99[1].as_f64().unwrap() > 3_000.0, "{f}");
    assert_eq!(f["cost"]["old_usd"], f["cost"]["new_usd"], "{f}");
    // A baseline written before the durations were recorded: said, with the fix.
    let mut old: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&base).unwrap()).unwrap();
    old["functions"][0]["traffic"]
        .as_object_mut()
        .unwrap()
        .remove("given_duration_ms");
    let old_base = dir.path().join("old.json");
    std::fs::write(&old_base, old.to_string()).unwrap();
    check(&cfg, &old_base, &["--format", "markdown"])
        .stdout(predicate::str::contains(
            "does not record the durations it priced, so they are taken as given at 128 MB, unscaled; regenerate the baseline",
        ))
        // Paths are text, not code spans (an escaped `<` shows as `&lt;` in a code span).
        .stdout(predicate::str::contains(format!("Baseline {}", old_base.display())));
    // New durations with the cut: given at the new size, as written.
    std::fs::write(&cfg, project(128, 500)).unwrap();
    let out = check(&cfg, &base, &["--format", "json"])
        .get_output()
        .stdout
        .clone();
    let f2 = json(&out);
    let f2 = function(&f2, "f");
    assert!(f2["p99_ms"][1].as_f64().unwrap() < 1_000.0, "{f2}");
}

/// Third-round cost review (rounds 1 and 2, left over): `ci baseline --format csv` wrote the
/// table's display strings ("$0.32", "0.19 %") where `ci check --format csv` writes values.
#[test]
fn baseline_csv_has_column_names_and_plain_values() {
    let (dir, cfg) = example_project();
    let out = faascope()
        .args(["ci", "baseline", "--config"])
        .arg(&cfg)
        .arg("--out")
        .arg(dir.path().join("b.json"))
        .args(["--format", "csv"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("function,memory_mb,arch,provisioned_concurrency,requests_per_month,usd_per_month_low,usd_per_month_typical,usd_per_month_high,p99_ms,cold_start_ratio")
    );
    let row = lines.find(|l| l.starts_with("orders-api,")).unwrap();
    assert!(!row.contains('$') && !row.contains('%'), "{row}");
    let cells: Vec<&str> = row.split(',').collect();
    assert_eq!(cells.len(), 10, "{row}");
    for c in &cells[4..] {
        c.parse::<f64>().unwrap_or_else(|_| panic!("{c} in {row}"));
    }
    // And `cost` JSON's mean concurrency is a number, as its levels are.
    let out = faascope()
        .args(["cost", "sample-data", "--format", "json", "-q"])
        .output()
        .unwrap();
    let doc = json(&out.stdout);
    assert!(doc["functions"][0]["concurrency"]["mean"].is_f64(), "{doc}");
}

fn doubled_check(cfg: &Path, base: &Path) {
    let out = check(cfg, base, &["--format", "json"])
        .code(1)
        .get_output()
        .stdout
        .clone();
    let report = json(&out);
    let orders = function(&report, "orders-api");
    assert_eq!(orders["change"], "changed");
    assert_eq!(orders["settings_changes"][0]["key"], "memory_mb");
    assert_eq!(orders["settings_changes"][0]["old"], "512");
    assert_eq!(orders["settings_changes"][0]["new"], "1024");
    let failed: Vec<&str> = report["functions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["results"].as_array().unwrap().iter().map(move |r| (f, r)))
        .filter(|(_, r)| r["outcome"] == "fail")
        .map(|(f, r)| {
            assert_eq!(f["name"], "orders-api");
            r["rule"].as_str().unwrap()
        })
        .collect();
    assert_eq!(failed, ["max_increase_pct"]);
    // Durations unchanged (pessimistic model for more memory): GB-s double, requests do not.
    let old: f64 = orders["cost"]["old_usd"].as_str().unwrap().parse().unwrap();
    let new: f64 = orders["cost"]["new_usd"].as_str().unwrap().parse().unwrap();
    let delta = new - old;
    assert!(new > 1.5 * old && new < 2.0 * old, "{old} -> {new}");
    // The total moves by exactly this function's delta.
    let total_delta: f64 = report["total"]["delta_usd"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((total_delta - delta).abs() < 1e-9);
    let md = check(cfg, base, &["--format", "markdown"])
        .code(1)
        .get_output()
        .stdout
        .clone();
    let md = String::from_utf8(md).unwrap();
    assert!(
        md.starts_with("## ❌ faascope cost check failed: 1 rule over the limit"),
        "{md}"
    );
    let delta_text = format!("+${:.2}", delta);
    let row = md
        .lines()
        .find(|l| l.contains("| orders-api |"))
        .unwrap_or_else(|| panic!("no orders-api row in {md}"));
    assert!(row.starts_with("| ❌ |"), "{row}");
    assert!(row.contains(&delta_text), "{row} lacks {delta_text}");
    assert!(row.contains("▲"), "{row}");
    assert!(row.contains("memory_mb 512 → 1024"), "{row}");
    assert!(md.contains("**orders-api** `max_increase_pct`"), "{md}");
    assert!(md.contains("is over the 10 % limit"), "{md}");
}

/// Fourth-round CI review: a memory cut below what invocations used passed the gate as a
/// saving with 0 % errors (`memory_near_limit` only warned). Above 100 % the rule fails at any
/// severity, and the invocations that used more count as errors.
#[test]
fn a_memory_cut_below_the_memory_used_fails_the_check() {
    let (dir, cfg) = example_project();
    let base = dir.path().join("base.json");
    baseline(&cfg, &base);
    // image-batch used up to 1346 MB at 2048 MB; orders-api ran at 512 MB using ~100 MB.
    let text = std::fs::read_to_string(&cfg).unwrap().replace(
        "resource = \"ImageBatch\"\n",
        "resource = \"ImageBatch\"\nmemory_mb = 1024\n",
    ) + "\n[[functions]]\nname = \"orders-api\"\nmemory_mb = 256\n";
    assert!(text.contains("memory_mb = 1024"));
    std::fs::write(&cfg, text).unwrap();
    let out = check(
        &cfg,
        &base,
        &["--format", "json", "--max-p99-increase-pct", "1000"],
    )
    .code(1)
    .get_output()
    .stdout
    .clone();
    let report = json(&out);
    let batch = function(&report, "image-batch");
    let memory = result(batch, "memory_near_limit");
    assert_eq!(memory["outcome"], "fail", "{memory}");
    assert!(
        memory["message"].as_str().unwrap().contains(
            "of the 1024 MB configured: invocations that used more would run out of memory"
        ),
        "{memory}"
    );
    let errors = result(batch, "error_ratio");
    assert!(errors["value"].as_f64().unwrap() > 0.05, "{errors}");
    assert!(
        report.to_string().contains("observed invocation(s) at the nearest size observed used more than the 1024 MB configured: they would run out of memory, and count as errors"),
        "{report}"
    );
    // A cut that still fits is no failure of this rule.
    let orders = function(&report, "orders-api");
    assert_ne!(result(orders, "memory_near_limit")["outcome"], "fail");
}

/// Fourth-round CI review: turning the free tier on moved every function by ~50 % with no
/// note; project-wide notes new since the baseline (or gone) are said.
#[test]
fn a_free_tier_turned_on_is_noted() {
    let (dir, cfg) = example_project();
    let base = dir.path().join("base.json");
    baseline(&cfg, &base);
    let text = std::fs::read_to_string(&cfg).unwrap() + "\n[pricing]\nfree_tier = true\n";
    std::fs::write(&cfg, text).unwrap();
    check(&cfg, &base, &["--format", "markdown"]).stdout(predicate::str::contains(
        "> ℹ️ new since the baseline: the account's free tier is applied, shared pro rata",
    ));
    // And the other way: a baseline with it, a check without.
    let with = dir.path().join("with.json");
    baseline(&cfg, &with);
    let text = std::fs::read_to_string(&cfg)
        .unwrap()
        .replace("free_tier = true", "free_tier = false");
    std::fs::write(&cfg, text).unwrap();
    check(&cfg, &with, &["--format", "markdown"]).stdout(predicate::str::contains(
        "in the baseline, no longer: the account's free tier is applied",
    ));
}

/// Fourth-round CI review: a reserved-concurrency cut throttling requests read as a faster
/// p99 (the throttled ones have no response time) and passed. Over 1 % throttled fails the p99
/// rule; fewer are named in it; the month's figure says it prices them.
#[test]
fn throttled_requests_are_not_a_faster_p99() {
    let (dir, cfg) = example_project();
    let base = dir.path().join("base.json");
    baseline(&cfg, &base);
    let text = std::fs::read_to_string(&cfg).unwrap().replace(
        "resource = \"ImageBatch\"\n",
        "resource = \"ImageBatch\"\nreserved_concurrency = 1\n",
    ) + "\n[[functions]]\nname = \"orders-api\"\nreserved_concurrency = 1\n";
    std::fs::write(&cfg, text).unwrap();
    let out = check(&cfg, &base, &["--format", "json"])
        .get_output()
        .stdout
        .clone();
    let report = json(&out);
    let p99 = |name: &str| result(function(&report, name), "max_p99_increase_pct").clone();
    // orders-api: under 1 % throttled, named in the message.
    let orders = p99("orders-api");
    assert!(
        orders["message"]
            .as_str()
            .unwrap()
            .contains("throttled request(s), more than in the baseline, are not in it"),
        "{orders}"
    );
    assert!(report
        .to_string()
        .contains("simulated requests were throttled"));
    // image-batch (bursts of hundreds at reserved concurrency 1): over 1 % fails, whatever
    // the served p99 did.
    let batch = p99("image-batch");
    assert_eq!(batch["outcome"], "fail", "{batch}");
    assert!(
        batch["message"]
            .as_str()
            .unwrap()
            .contains("counted as the slowest, the p99 is a throttled request"),
        "{batch}"
    );
    // The other way (fifth-round verification): a pull request that ends the throttling is
    // no p99 increase, though the requests served now include the slow ones.
    let throttled_base = dir.path().join("throttled.json");
    baseline(&cfg, &throttled_base);
    let text = std::fs::read_to_string(&cfg)
        .unwrap()
        .replace("reserved_concurrency = 1\n", "");
    std::fs::write(&cfg, text).unwrap();
    let out = check(&cfg, &throttled_base, &["--format", "json"])
        .get_output()
        .stdout
        .clone();
    let report = json(&out);
    let batch = result(function(&report, "image-batch"), "max_p99_increase_pct").clone();
    assert_eq!(batch["outcome"], "pass", "{batch}");
    assert!(
        batch["message"]
            .as_str()
            .unwrap()
            .contains("the baseline's p99 was a throttled request"),
        "{batch}"
    );
}

#[test]
fn doubling_memory_in_faascope_toml_fails_the_check() {
    let (dir, cfg) = example_project();
    let base = dir.path().join("base.json");
    baseline(&cfg, &base);
    let mut text = std::fs::read_to_string(&cfg).unwrap();
    text.push_str("\n[[functions]]\nname = \"orders-api\"\nmemory_mb = 1024\n");
    std::fs::write(&cfg, text).unwrap();
    doubled_check(&cfg, &base);
}

#[test]
fn doubling_memory_in_the_sam_template_fails_the_check_with_annotations_and_junit() {
    let (dir, cfg) = example_project();
    let base = dir.path().join("base.json");
    baseline(&cfg, &base);
    let tpl = dir.path().join("template.yaml");
    let text = std::fs::read_to_string(&tpl).unwrap();
    let changed = text.replace(
        "    Type: Number\n    Default: 512",
        "    Type: Number\n    Default: 1024",
    );
    assert_ne!(text, changed);
    std::fs::write(&tpl, changed).unwrap();
    doubled_check(&cfg, &base);
    // GitHub annotations point at the template line of the function.
    let report_file = dir.path().join("report.json");
    let gh = faascope()
        .args(["ci", "check", "--config"])
        .arg(&cfg)
        .arg("--baseline")
        .arg(&base)
        .args(["--github", "--format", "junit", "--out"])
        .arg(&report_file)
        .env_remove("GITHUB_STEP_SUMMARY")
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let gh = String::from_utf8(gh).unwrap();
    let err_line = gh
        .lines()
        .find(|l| l.starts_with("::error "))
        .unwrap_or_else(|| panic!("no ::error in {gh}"));
    assert!(err_line.contains("template.yaml,line=29,"), "{err_line}");
    assert!(
        err_line.contains("title=faascope orders-api max_increase_pct::"),
        "{err_line}"
    );
    assert!(err_line.contains("%25"), "{err_line}");
    let junit = std::fs::read_to_string(&report_file).unwrap();
    assert!(junit.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    assert!(junit.contains("failures=\"1\""), "{junit}");
    let case = junit
        .find("<testcase classname=\"faascope.orders-api\" name=\"max_increase_pct\">")
        .expect("orders-api case");
    assert!(
        junit[case..].trim_start()[..400].contains("<failure message="),
        "{junit}"
    );
}

#[test]
fn serverless_framework_settings_are_priced() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = root().join("tests/fixtures/ci/serverless/faascope.toml");
    let doc = json(&baseline(&cfg, &dir.path().join("b.json")));
    let names: Vec<&str> = doc["functions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "geo-lookup",
            "legacy-thumbnailer",
            "orders-api",
            "webhook-handler"
        ]
    );
    let orders = function(&doc, "orders-api");
    assert_eq!(orders["settings"]["arch"], "arm64");
    assert_eq!(orders["settings"]["memory_mb"], 512);
    assert_eq!(orders["settings"]["provisioned_concurrency"], 2);
    assert!(orders["provisioned"]["environments"] == 2);
    let geo = function(&doc, "geo-lookup");
    assert_eq!(geo["settings"]["memory_mb"], 256);
    assert_eq!(geo["settings"]["timeout_s"], 3);
    let thumbs = function(&doc, "legacy-thumbnailer");
    assert_eq!(thumbs["settings"]["memory_mb"], 3008);
    assert_eq!(thumbs["settings"]["arch"], "x86_64");
    assert_eq!(thumbs["settings"]["timeout_s"], 30);
    assert_eq!(thumbs["settings"]["ephemeral_storage_mb"], 1024);
    let webhook = function(&doc, "webhook-handler");
    assert_eq!(webhook["settings"]["reserved_concurrency"], 20);
    assert_eq!(webhook["settings"]["memory_mb"], 128);
    assert_eq!(webhook["traffic"]["log_name"], "webhook-handler");
}

#[test]
fn malformed_inputs_exit_2_naming_the_file_and_the_problem() {
    let (dir, cfg) = example_project();
    let base = dir.path().join("base.json");
    baseline(&cfg, &base);
    let bad = root().join("tests/fixtures/ci/bad");
    check(&cfg, &bad.join("baseline-truncated.json"), &[])
        .code(2)
        .stderr(predicate::str::contains("baseline-truncated.json"))
        .stderr(predicate::str::contains("not valid JSON"))
        .stderr(predicate::str::contains("line"));
    check(&cfg, &bad.join("baseline-wrong-schema.json"), &[])
        .code(2)
        .stderr(predicate::str::contains("baseline-wrong-schema.json"))
        .stderr(predicate::str::contains("faascope-ci-baseline/0"));
    check(&cfg, &dir.path().join("missing.json"), &[])
        .code(2)
        .stderr(predicate::str::contains(
            "missing.json: cannot read the baseline",
        ));
    // A field of the right JSON with the wrong type.
    let mut doc = json(&std::fs::read(&base).unwrap());
    doc["functions"][0]["monthly_usd"] = serde_json::json!("lots");
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, serde_json::to_vec(&doc).unwrap()).unwrap();
    check(&cfg, &broken, &[])
        .code(2)
        .stderr(predicate::str::contains("broken.json: malformed baseline"));
    // Fourth-round CI review: settings and traffic no run could write, and another
    // project's baseline (read as a huge saving), are refused too.
    for (key, value, says) in [
        (
            "/settings/memory_mb",
            serde_json::json!(99999),
            "settings.memory_mb = 99999: Lambda takes 128 to 10240 MB",
        ),
        (
            "/traffic/requests_per_month",
            serde_json::json!({"low": "-1", "typical": "-1", "high": "-1"}),
            "traffic.requests_per_month: a negative count",
        ),
        (
            "/settings/arch",
            serde_json::json!("sparc"),
            "settings.arch = \"sparc\": Lambda runs x86_64 or arm64",
        ),
    ] {
        let mut doc = json(&std::fs::read(&base).unwrap());
        *doc["functions"][0].pointer_mut(key).unwrap() = value;
        std::fs::write(&broken, serde_json::to_vec(&doc).unwrap()).unwrap();
        check(&cfg, &broken, &[])
            .code(2)
            .stderr(predicate::str::contains(says));
    }
    let mut doc = json(&std::fs::read(&base).unwrap());
    doc["project"] = serde_json::json!("billing");
    std::fs::write(&broken, serde_json::to_vec(&doc).unwrap()).unwrap();
    check(&cfg, &broken, &[])
        .code(2)
        .stderr(predicate::str::contains(
            "the baseline is of project `billing`",
        ))
        .stderr(predicate::str::contains("is project `shop`"));
    // A config that names no project, against a baseline that does (fifth-round check).
    let unnamed = dir.path().join("unnamed.toml");
    std::fs::write(
        &unnamed,
        std::fs::read_to_string(&cfg)
            .unwrap()
            .replace("name = \"shop\"", ""),
    )
    .unwrap();
    check(&unnamed, &base, &[])
        .code(2)
        .stderr(predicate::str::contains(
            "names no project ([project] name)",
        ));
    // Values no baseline can hold (a hand edit): a negative cost, a function twice.
    let mut doc = json(&std::fs::read(&base).unwrap());
    doc["functions"][0]["monthly_usd"] =
        serde_json::json!({"low": "-5", "typical": "-5", "high": "-5"});
    std::fs::write(&broken, serde_json::to_vec(&doc).unwrap()).unwrap();
    check(&cfg, &broken, &[])
        .code(2)
        .stderr(predicate::str::contains("monthly_usd: a negative amount"));
    let mut doc = json(&std::fs::read(&base).unwrap());
    let first = doc["functions"][0].clone();
    doc["functions"].as_array_mut().unwrap().push(first);
    std::fs::write(&broken, serde_json::to_vec(&doc).unwrap()).unwrap();
    check(&cfg, &broken, &[])
        .code(2)
        .stderr(predicate::str::contains("appears twice"));
    check(&bad.join("unknown-key.toml"), &base, &[])
        .code(2)
        .stderr(predicate::str::contains("unknown-key.toml"))
        .stderr(predicate::str::contains("memroy_mb"))
        .stderr(predicate::str::contains("line 5"));
    check(&bad.join("template-if.toml"), &base, &[])
        .code(2)
        // The line of the property (MemorySize), not of the resource.
        .stderr(predicate::str::contains("template-if.yaml:14"))
        .stderr(predicate::str::contains(
            "Resources.OrdersApi.Properties.MemorySize",
        ))
        .stderr(predicate::str::contains("!If"));
    check(&cfg, &base, &["--max-cold-start-ratio", "3"])
        .code(2)
        .stderr(predicate::str::contains("--max-cold-start-ratio"));
}

#[test]
fn report_rules_use_the_same_engine_and_fail_on_fail_severity() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("faascope.toml");
    std::fs::write(
        &cfg,
        "logs = [\"logs\"]\n[rules.error_ratio]\nseverity = \"fail\"\n[[functions]]\nname = \"webhook-handler\"\ntimeout_s = 6\nprovisioned_concurrency = 4\n",
    )
    .unwrap();
    let out = faascope()
        .args([
            "report",
            "sample-data",
            "-q",
            "--rules",
            "--format",
            "json",
            "--config",
        ])
        .arg(&cfg)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let doc = json(&out);
    let insights = doc["insights"].as_array().unwrap();
    let find = |f: &str, r: &str| {
        insights
            .iter()
            .find(|i| i["function"] == f && i["rule"] == r)
            .unwrap_or_else(|| panic!("{f} {r}"))
    };
    let e = find("webhook-handler", "error_ratio");
    assert_eq!(e["outcome"], "fail");
    assert!((e["value"].as_f64().unwrap() - 449.0 / 6467.0).abs() < 1e-9);
    assert_eq!(
        find("webhook-handler", "duration_near_timeout")["outcome"],
        "warn"
    );
    // Four provisioned environments for a function mostly at concurrency 0-1: utilisation is low.
    let pc = find("webhook-handler", "provisioned_utilization_low");
    assert_eq!(pc["outcome"], "warn");
    assert!(pc["value"].as_f64().unwrap() < 0.6);
    // Throttles come from the CloudWatch metrics in sample-data.
    assert_eq!(find("image-batch", "throttles")["outcome"], "warn");
    // Without a project file: defaults, severity warn, exit 0; a timeout is unknown.
    let out = faascope()
        .args(["report", "sample-data", "-q", "--rules", "--format", "json"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let doc = json(&out);
    let t = doc["insights"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["function"] == "orders-api" && i["rule"] == "duration_near_timeout")
        .unwrap();
    assert_eq!(t["outcome"], "skipped");
    faascope()
        .args(["report", "sample-data", "-q", "--rules", "--format", "csv"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--format json"));
    // A file that only sets rules is enough: the logs are the report's SOURCES.
    let rules_only = dir.path().join("rules.toml");
    std::fs::write(&rules_only, "[rules.error_ratio]\nseverity = \"fail\"\n").unwrap();
    faascope()
        .args(["report", "sample-data", "-q", "--rules", "--config"])
        .arg(&rules_only)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("insights: 1 fail"));
    // A [[functions]] entry naming no function of the logs (a typo) is refused, as by `ci`:
    // its timeout would otherwise apply to nothing without a word.
    let typo = dir.path().join("typo.toml");
    std::fs::write(
        &typo,
        "[[functions]]\nname = \"webhook-handlr\"\ntimeout_s = 30\n",
    )
    .unwrap();
    faascope()
        .args(["report", "sample-data", "-q", "--rules", "--config"])
        .arg(&typo)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "function `webhook-handlr` ({}:2): no invocations under the name(s) webhook-handlr in the SOURCES; they show: catalog-snapstart, geo-lookup,",
            typo.display()
        )));
    // ... but one that --function leaves out is fine.
    faascope()
        .args([
            "report",
            "sample-data",
            "-q",
            "--rules",
            "--function",
            "orders",
            "--config",
        ])
        .arg(&cfg)
        .assert()
        .code(0);
    // So is one given explicit traffic (not deployed yet: in no logs; ninth-round ci review:
    // the bundled CI example was refused).
    let planned = dir.path().join("planned.toml");
    std::fs::write(
        &planned,
        "[[functions]]\nname = \"search-suggest\"\nmemory_mb = 512\n[functions.traffic]\nrequests_per_month = 1e6\nduration_ms = 50\n",
    )
    .unwrap();
    faascope()
        .args(["report", "sample-data", "-q", "--rules", "--config"])
        .arg(&planned)
        .assert()
        .code(0);
    let (_example, example_cfg) = example_project();
    faascope()
        .arg("report")
        .arg(root().join("sample-data"))
        .args(["-q", "--rules", "--config"])
        .arg(&example_cfg)
        .assert()
        .code(0);
}

/// Baselines keep places relative to faascope.toml; GitHub annotations name files from the
/// working directory (the repository root in a job), so they carry the config's folder again.
#[test]
fn github_annotations_point_at_files_from_the_working_directory() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base.json");
    faascope()
        .current_dir(root())
        .args([
            "ci",
            "baseline",
            "--config",
            "docs/ci/example/faascope.toml",
            "--out",
        ])
        .arg(&base)
        .assert()
        .success();
    let text = std::fs::read_to_string(&base).unwrap();
    assert!(
        text.contains("\"template.yaml:"),
        "baseline places: relative to the config"
    );
    let out = faascope()
        .current_dir(root())
        .args([
            "ci",
            "check",
            "--config",
            "docs/ci/example/faascope.toml",
            "--github",
        ])
        .arg("--baseline")
        .arg(&base)
        .args(["--max-cold-start-ratio", "0"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("file=docs/ci/example/"),
        "no annotation with the config's folder: {stdout}"
    );
}

/// tests/fixtures/ci/explicit copied into a temporary directory (explicit traffic only: quick).
fn explicit_project() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("faascope.toml");
    std::fs::copy(
        root().join("tests/fixtures/ci/explicit/faascope.toml"),
        &cfg,
    )
    .unwrap();
    (dir, cfg)
}

/// A function with provisioned concurrency and no traffic yet is priced (PC alone), not an
/// error: 5 × 1 GB × 2,628,000 s × $0.0000041667 (facts.md §1.6) = $54.75 a month.
#[test]
fn provisioned_concurrency_without_traffic_is_priced() {
    let (dir, cfg) = explicit_project();
    let b = json(&baseline(&cfg, &dir.path().join("b.json")));
    let f = function(&b, "new-thing");
    assert_eq!(f["monthly_usd"]["typical"], "54.750438");
    assert_eq!(f["provisioned"]["environments"], 5);
    assert!(f["performance"].is_null());
    assert!(f["notes"][0]
        .as_str()
        .unwrap()
        .contains("0 requests a month"));
}

/// Explicit traffic given as a mean alone is simulated as exponential, and a note says so with
/// the p99 that implies (ln 100 × 1000 ms = 4605 ms); with a p99 given, no such note (ci9
/// review: timeouts and cold starts from an unstated tail).
#[test]
fn a_mean_alone_says_the_tail_it_simulates() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("faascope.toml");
    std::fs::write(
        &cfg,
        "[project]\nname = \"m\"\nseed = 1\n[[functions]]\nname = \"api\"\nmemory_mb = 1024\ntimeout_s = 30\n[functions.traffic]\nrequests_per_month = 1000000\nduration_ms = 1000\n",
    )
    .unwrap();
    let b = json(&baseline(&cfg, &dir.path().join("b.json")));
    let notes = function(&b, "api")["notes"].to_string();
    assert!(
        notes.contains(
            "durations simulated as exponential (p99 4605 ms, 4.6 × the mean of 1000 ms)"
        ),
        "{notes}"
    );
    let p99 = function(&b, "api")["performance"]["p99_ms"]
        .as_f64()
        .unwrap();
    assert!((4300.0..4900.0).contains(&p99), "simulated p99 {p99}");
    let (dir, cfg) = explicit_project();
    let b = json(&baseline(&cfg, &dir.path().join("b.json")));
    assert!(!function(&b, "api")["notes"]
        .to_string()
        .contains("exponential"));
}

/// A price change under the same effective date is noticed through the baseline's price
/// fingerprint, in every format; a baseline without one (older faascope) still loads.
#[test]
fn a_price_change_with_the_same_date_is_noted_in_every_format() {
    let (dir, cfg) = explicit_project();
    let base = dir.path().join("b.json");
    let b = json(&baseline(&cfg, &base));
    assert!(b["pricing_fingerprint"]
        .as_str()
        .unwrap()
        .starts_with("fnv1a64:"));
    // Same prices: no note.
    let out = check(&cfg, &base, &["--format", "json"]).success();
    let r = json(&out.get_output().stdout);
    assert_eq!(r["notes"], serde_json::json!([]));
    let prices = [
        "--pricing",
        "tests/fixtures/pricing/same-date-duration.toml",
    ];
    let says = "the prices changed since the baseline under the same sheet dates";
    for format in ["json", "table", "markdown", "junit"] {
        let mut args = prices.to_vec();
        args.extend(["--format", format]);
        let out = check(&cfg, &base, &args).get_output().stdout.clone();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains(says), "{format}: {text}");
    }
    // An old baseline: no fingerprint; it loads, and the check says what it cannot tell.
    let mut old = b.clone();
    old.as_object_mut().unwrap().remove("pricing_fingerprint");
    let old_path = dir.path().join("old.json");
    std::fs::write(&old_path, serde_json::to_vec_pretty(&old).unwrap()).unwrap();
    let out = check(&cfg, &old_path, &["--format", "json"]).success();
    let r = json(&out.get_output().stdout);
    assert!(r["notes"][0]
        .as_str()
        .unwrap()
        .contains("records no price fingerprint"));
}

/// A function that cost $0.00 in the baseline is not new: the percentage rule says why it is
/// skipped, and the USD limit applies (and fails here: +$6.00 > $5.00).
#[test]
fn a_function_at_zero_in_the_baseline_meets_the_usd_limit() {
    let (dir, cfg) = explicit_project();
    let base = dir.path().join("b.json");
    let mut b = json(&baseline(&cfg, &base));
    let amount = |b: &serde_json::Value, name: &str, k: &str| -> f64 {
        b["functions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name)
            .unwrap()["monthly_usd"][k]
            .as_str()
            .unwrap()
            .parse()
            .unwrap()
    };
    let now = amount(&b, "api", "typical");
    // api at $0.00 in the baseline, with no requests (a cost that moved with the same usage
    // would be its share of what the account shares); its amount moves to the other function,
    // so that the total is still the sum of the functions (a baseline whose total is not is
    // refused) and does not change.
    for k in ["low", "typical", "high"] {
        let moved = amount(&b, "api", k) + amount(&b, "new-thing", k);
        for f in b["functions"].as_array_mut().unwrap() {
            if f["name"] == "api" {
                f["monthly_usd"][k] = "0".into();
                f["traffic"]["requests_per_month"][k] = "0".into();
            } else if f["name"] == "new-thing" {
                f["monthly_usd"][k] = format!("{moved:.6}").into();
            }
        }
    }
    std::fs::write(&base, serde_json::to_vec_pretty(&b).unwrap()).unwrap();
    let out = check(
        &cfg,
        &base,
        &["--format", "json", "--max-increase-usd", "0.01"],
    )
    .code(1);
    let r = json(&out.get_output().stdout);
    let api = function(&r, "api");
    // Not "added": it is in the baseline, at $0.00.
    assert_eq!(api["change"], "changed");
    let pct = result(api, "max_increase_pct");
    assert_eq!(pct["outcome"], "skipped");
    assert!(pct["message"]
        .as_str()
        .unwrap()
        .starts_with("the monthly cost was $0.00 in the baseline"));
    let usd = result(api, "max_increase_usd");
    assert_eq!(usd["outcome"], "fail", "{now}");
    // The table's total row shows the total's own rules, not the functions'.
    let out = check(
        &cfg,
        &base,
        &["--format", "csv", "--max-increase-usd", "0.01"],
    )
    .code(1);
    let csv = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let total = csv.lines().find(|l| l.starts_with("total,")).unwrap();
    assert!(total.contains(",pass,"), "{total}");
    // Plain values under headers with their units: numbers parse, no `$`, `%` or arrows.
    assert!(
        csv.starts_with(
            "function,old_usd_per_month,new_usd_per_month,delta_usd_per_month,delta_pct,"
        ),
        "{csv}"
    );
    for line in csv.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        for c in &cells[1..4] {
            assert!(c.parse::<f64>().is_ok(), "{line}");
        }
        assert!(
            !line.contains('$') && !line.contains('%') && !line.contains('▲'),
            "{line}"
        );
    }
}

/// A region without prices names the function and where it is defined; a missing project file
/// says how to fix it.
#[test]
fn config_errors_name_the_function_and_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("faascope.toml");
    std::fs::write(
        &cfg,
        "[[functions]]\nname = \"a\"\nmemory_mb = 512\nregion = \"mars-1\"\n[functions.traffic]\nrequests_per_month = 1000\nduration_ms = 100\n",
    )
    .unwrap();
    faascope()
        .args(["ci", "baseline", "--config"])
        .arg(&cfg)
        .arg("--out")
        .arg(dir.path().join("b.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("function `a` (faascope.toml:2)"))
        .stderr(predicate::str::contains("region `mars-1`"));
    faascope()
        .args(["ci", "baseline", "--config"])
        .arg(dir.path().join("missing.toml"))
        .arg("--out")
        .arg(dir.path().join("b.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("Fix: pass --config"));
}

/// SnapStart turned on in the template for a Python function adds its cache charge (the gate
/// saw no change, as SnapStart was not read); a Java function's SnapStart is free.
#[test]
fn snapstart_in_the_template_is_priced() {
    let (dir, cfg) = example_project();
    let base = dir.path().join("base.json");
    baseline(&cfg, &base);
    let tpl = dir.path().join("template.yaml");
    let text = std::fs::read_to_string(&tpl).unwrap();
    let text = text.replace(
        "      ReservedConcurrentExecutions: 20\n",
        "      ReservedConcurrentExecutions: 20\n      AutoPublishAlias: live\n      SnapStart:\n        ApplyOn: PublishedVersions\n",
    );
    std::fs::write(&tpl, text).unwrap();
    let out = check(&cfg, &base, &["--format", "json"])
        .get_output()
        .stdout
        .clone();
    let report = json(&out);
    let f = function(&report, "webhook-handler");
    assert_eq!(f["change"], "changed", "{f}");
    assert!(
        f["settings_changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["key"] == "snapstart" && c["old"] == "unset" && c["new"] == "python"),
        "{f}"
    );
    let delta: f64 = f["cost"]["delta_usd"].as_str().unwrap().parse().unwrap();
    assert!(delta > 0.0, "{f}");
    // The Java function's SnapStart (in the example from the start) costs nothing extra.
    let java = function(&report, "catalog-snapstart");
    assert_eq!(java["change"], "unchanged", "{java}");
}

/// Verification review: after a memory change in the PR, provisioned concurrency was priced
/// from the old size's busy times (half the memory, twice the durations, the same spillover):
/// $111.53 where `simulate --price` says $135.00. It is replayed at the configured memory.
#[test]
fn provisioned_concurrency_after_a_memory_change_is_priced_as_simulate_prices_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("logs")).unwrap();
    // An hour of 2 s invocations every 700 ms at 1024 MB: about 2.9 running at once.
    let mut lines = String::new();
    for i in 0..5_000u64 {
        let end = 1_756_684_800_000u64 + i * 700 + 2_000;
        lines.push_str(&format!(
            "{{\"timestamp\":{end},\"message\":\"REPORT RequestId: {i:08x}-0000-4000-8000-000000000000\\tDuration: 2000.00 ms\\tBilled Duration: 2000 ms\\tMemory Size: 1024 MB\\tMax Memory Used: 200 MB\\t\\n\",\"logGroup\":\"/aws/lambda/steady\",\"logStream\":\"s\"}}\n"
        ));
    }
    let log = dir.path().join("logs/steady.ndjson");
    std::fs::write(&log, lines).unwrap();
    let project = |memory: u32, pc: u32| {
        format!("logs = [\"logs\"]\n[project]\nname = \"t\"\nseed = 1\n[defaults]\nregion = \"us-east-1\"\n[[functions]]\nname = \"steady\"\nmemory_mb = {memory}\ntimeout_s = 30\nprovisioned_concurrency = {pc}\n")
    };
    let cfg = dir.path().join("faascope.toml");
    std::fs::write(&cfg, project(1024, 0)).unwrap();
    let base = dir.path().join("base.json");
    baseline(&cfg, &base);
    std::fs::write(&cfg, project(512, 3)).unwrap();
    let out = check(
        &cfg,
        &base,
        &["--format", "json", "--max-increase-pct", "1000"],
    )
    .success()
    .get_output()
    .stdout
    .clone();
    let report = json(&out);
    let ci_usd: f64 = function(&report, "steady")["cost"]["new_usd"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let sim = faascope()
        .args(["simulate", "--from"])
        .arg(&log)
        .args([
            "--function",
            "steady",
            "--set",
            "functions.0.memory_mb=512",
            "--set",
            "functions.0.provisioned.count=3",
            "--price",
            "--format",
            "json",
            "-q",
        ])
        .output()
        .unwrap();
    assert!(
        sim.status.success(),
        "{}",
        String::from_utf8_lossy(&sim.stderr)
    );
    let sim_usd = json(&sim.stdout)["cost"][0]["total_usd_per_month"]
        .as_f64()
        .unwrap();
    assert!(
        (ci_usd - sim_usd).abs() <= 0.01 * sim_usd,
        "ci {ci_usd} vs simulate {sim_usd}"
    );
}

/// Sixth-round CI review, on explicit traffic: (1) under the free tier, a function added moved
/// the unchanged functions' pro-rata share and failed them at +12.5 % with nothing in "what
/// changed": they pass, saying why, and the total holds the account's change; (2) a new INIT
/// time and cold-start ratio showed nothing in "what changed"; (3) a new seed is noted; (4) the
/// error rule divided by every simulated request, throttled ones too (3.2 % where 13.7 % of
/// the invocations that ran failed).
#[test]
fn account_shares_given_traffic_seeds_and_throttled_errors_are_told_apart() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("faascope.toml");
    let project = |extra_function: &str, init: &str, seed: u32| {
        format!(
            r#"[project]
name = "shares"
seed = {seed}

[pricing]
free_tier = true

[thresholds]
max_increase_pct = 10

[[functions]]
name = "fa"
memory_mb = 1024
timeout_s = 10
[functions.traffic]
requests_per_month = 1_000_000
duration_ms = 100
{init}

[[functions]]
name = "fb"
memory_mb = 512
timeout_s = 10
[functions.traffic]
requests_per_month = 2_000_000
duration_ms = 50
{extra_function}"#
        )
    };
    std::fs::write(&cfg, project("", "", 1)).unwrap();
    let base = dir.path().join("b.json");
    baseline(&cfg, &base);
    let fc = "\n[[functions]]\nname = \"fc\"\nmemory_mb = 512\n[functions.traffic]\nrequests_per_month = 1_000_000\nduration_ms = 50\n";
    std::fs::write(&cfg, project(fc, "", 1)).unwrap();
    let r = failed_check(&cfg, &base, &[]);
    for name in ["fa", "fb"] {
        let f = function(&r, name);
        let pct = result(f, "max_increase_pct");
        assert_eq!(pct["outcome"], "pass", "{pct}");
        assert!(
            pct["message"]
                .as_str()
                .unwrap()
                .contains("its share of the account's free tier"),
            "{pct}"
        );
        assert_eq!(
            f["settings_changes"][0]["key"],
            "its free-tier share (moved by the other functions)"
        );
    }
    assert_eq!(r["total_results"][0]["outcome"], "fail");
    assert_eq!(r["failed"], 1);

    std::fs::write(
        &cfg,
        project("", "cold_start_ratio = 0.5\ninit_ms = 1000", 2),
    )
    .unwrap();
    let r = failed_check(&cfg, &base, &[]);
    let changed: Vec<String> = function(&r, "fa")["settings_changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| format!("{} {} → {}", c["key"], c["old"], c["new"]))
        .collect();
    assert_eq!(
        changed,
        [
            "\"init_ms\" \"0\" → \"1000\"",
            "\"cold_start_ratio\" \"0\" → \"0.5\""
        ]
    );
    assert!(
        r["notes"].as_array().unwrap().iter().any(|n| n
            .as_str()
            .unwrap()
            .starts_with("the simulation seed changed since the baseline (1 → 2)")),
        "{}",
        r["notes"]
    );

    // One environment for requests of 5 s, timing out at 4 s: most requests are throttled,
    // every one that runs times out.
    let throttled = project("", "", 1)
        .replace(
            "name = \"fb\"\nmemory_mb = 512\ntimeout_s = 10",
            "name = \"fb\"\nmemory_mb = 512\ntimeout_s = 4\nreserved_concurrency = 1",
        )
        .replace("duration_ms = 50", "duration_ms = 5000")
        + "\n[rules.error_ratio]\nthreshold = 0.05\nseverity = \"fail\"\n";
    std::fs::write(&cfg, throttled).unwrap();
    let b = json(&baseline(&cfg, &dir.path().join("t.json")));
    let perf = &function(&b, "fb")["performance"];
    let (requests, served) = (
        perf["simulated_requests"].as_u64().unwrap(),
        perf["served"].as_u64().unwrap(),
    );
    assert!(
        served < requests / 2 && perf["throttles"].as_u64().unwrap() > 0,
        "{perf}"
    );
    let errors = function(&b, "fb")["insights"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["rule"] == "error_ratio")
        .unwrap()
        .clone();
    assert_eq!(errors["outcome"], "fail", "{errors}");
    assert!(
        errors["message"]
            .as_str()
            .unwrap()
            .contains(&format!("of {served} invocations")),
        "{errors}"
    );
}

/// Sixth-round CI verification: (1) a baseline written before `given_shape` and `served` were
/// recorded read every function of an unchanged project as `changed`; (2) turning the free tier
/// off was taken for a share moved by other functions, and the functions' own limits were
/// not applied; (3) a function throttled 100 % (reserved concurrency 0) skipped the p99 rule
/// ("no simulated p99 on both sides") and passed.
#[test]
fn old_baselines_free_tier_switches_and_full_throttling_are_judged() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("faascope.toml");
    let project = |free_tier: bool, fa_extra: &str| {
        format!(
            "[project]\nname = \"p\"\nseed = 1\n\n[pricing]\nfree_tier = {free_tier}\n\n\
             [[functions]]\nname = \"fa\"\nmemory_mb = 1024\ntimeout_s = 10\n{fa_extra}\n\
             [functions.thresholds]\nmax_increase_pct = 10\nmax_p99_increase_pct = 10\n\
             [functions.traffic]\nrequests_per_month = 1_000_000\nduration_ms = 100\n\n\
             [[functions]]\nname = \"fb\"\nmemory_mb = 512\n\
             [functions.thresholds]\nmax_increase_pct = 10\n\
             [functions.traffic]\nrequests_per_month = 2_000_000\nduration_ms = 50\n"
        )
    };
    std::fs::write(&cfg, project(false, "")).unwrap();
    let base = dir.path().join("b.json");
    let mut b = json(&baseline(&cfg, &base));
    // As an older faascope wrote it.
    for f in b["functions"].as_array_mut().unwrap() {
        f["traffic"].as_object_mut().unwrap().remove("given_shape");
        f["performance"].as_object_mut().unwrap().remove("served");
    }
    std::fs::write(&base, serde_json::to_vec_pretty(&b).unwrap()).unwrap();
    let out = check(&cfg, &base, &["--format", "json"]).success();
    let r = json(&out.get_output().stdout);
    for name in ["fa", "fb"] {
        assert_eq!(function(&r, name)["change"], "unchanged", "{name}");
    }
    assert!(
        r["notes"][0]
            .as_str()
            .unwrap()
            .starts_with("the baseline was written by an older faascope"),
        "{}",
        r["notes"]
    );

    // The free tier turned on then off: the project's own doing, held to each limit.
    std::fs::write(&cfg, project(true, "")).unwrap();
    let base = dir.path().join("with-free-tier.json");
    baseline(&cfg, &base);
    std::fs::write(&cfg, project(false, "")).unwrap();
    let r = failed_check(&cfg, &base, &[]);
    for name in ["fa", "fb"] {
        let pct = result(function(&r, name), "max_increase_pct");
        assert_eq!(pct["outcome"], "fail", "{pct}");
    }

    // No environment may run: every request is throttled.
    let base = dir.path().join("current.json");
    baseline(&cfg, &base);
    std::fs::write(&cfg, project(false, "reserved_concurrency = 0")).unwrap();
    let r = failed_check(&cfg, &base, &[]);
    let p99 = result(function(&r, "fa"), "max_p99_increase_pct");
    assert_eq!(p99["outcome"], "fail", "{p99}");
    assert!(
        p99["message"]
            .as_str()
            .unwrap()
            .contains("simulated requests are throttled"),
        "{p99}"
    );
}

/// Sixth-round verification: `ci` rescaled the billed time of timed-out invocations with
/// memory (a function half of whose calls time out at 10 s priced at 1024 MB as $0.16, where
/// `tune`, the dashboard and `simulate` say $1.22): it stays, as they take it.
#[test]
fn timed_out_invocations_keep_their_time_at_another_memory_size() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("logs")).unwrap();
    let mut log = String::new();
    for i in 0..40u32 {
        let (t, id) = (i * 180, format!("50000000-0000-4000-8000-{i:012}"));
        let (h, m, s) = (t / 3600, t / 60 % 60, t % 60);
        let at = format!("2025-09-01T{h:02}:{m:02}:{s:02}");
        if i % 2 == 0 {
            log.push_str(&format!("{at}.100Z REPORT RequestId: {id}\tDuration: 100.00 ms\tBilled Duration: 100 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t\n"));
        } else {
            log.push_str(&format!(
                "{at}.000Z {at}.000Z {id} Task timed out after 10.00 seconds\n"
            ));
            log.push_str(&format!("{at}.001Z REPORT RequestId: {id}\tDuration: 10000.00 ms\tBilled Duration: 10000 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\tStatus: timeout\n"));
        }
    }
    std::fs::write(dir.path().join("logs/stuck.log"), log).unwrap();
    let cfg = dir.path().join("faascope.toml");
    let project = |memory_mb: u32| {
        format!("logs = [\"logs\"]\n[project]\nname = \"t\"\n[[functions]]\nname = \"stuck\"\nmemory_mb = {memory_mb}\ntimeout_s = 10\ncpu_bound_fraction = 1.0\n")
    };
    std::fs::write(&cfg, project(1024)).unwrap();
    let b = json(&baseline(&cfg, &dir.path().join("b.json")));
    let usd: f64 = function(&b, "stuck")["monthly_usd"]["typical"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    // Each 2 h, at 1 GB: 20 × 10 s + 20 × ((100 − 0.5) × 0.125 + 0.5) ms = 200.259 GB-s;
    // × 365 = 73,094.5 GB-s × $0.0000166667 + 14,600 requests × $0.20/M = $1.2212.
    assert!((usd - 1.2212).abs() < 0.005, "{usd}");
}

/// Verification of the sixth round: `snapstart = true` on a runtime SnapStart does not serve
/// (or with provisioned concurrency) was priced without it and without a word.
#[test]
fn snapstart_where_it_is_not_priced_is_said() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("faascope.toml");
    std::fs::write(
        &cfg,
        "[project]\nname = \"s\"\n\n[[functions]]\nname = \"node\"\nmemory_mb = 512\nruntime = \"nodejs20.x\"\nsnapstart = true\n[functions.traffic]\nrequests_per_month = 1000\nduration_ms = 100\n\n[[functions]]\nname = \"java\"\nmemory_mb = 512\nruntime = \"java21\"\nsnapstart = true\nprovisioned_concurrency = 1\n[functions.traffic]\nrequests_per_month = 1000\nduration_ms = 100\n\n[[functions]]\nname = \"py\"\nmemory_mb = 512\nruntime = \"python3.12\"\nsnapstart = true\nephemeral_storage_mb = 2048\n[functions.traffic]\nrequests_per_month = 1000\nduration_ms = 100\n",
    )
    .unwrap();
    let b = json(&baseline(&cfg, &dir.path().join("b.json")));
    let notes = |name: &str| function(&b, name)["notes"].to_string();
    assert!(
        notes("node").contains("runtime `nodejs20.x` is not a runtime SnapStart serves"),
        "{}",
        notes("node")
    );
    assert!(
        notes("java").contains("SnapStart and provisioned concurrency cannot be combined"),
        "{}",
        notes("java")
    );
    // Seventh round: SnapStart beside more than 512 MB of /tmp, as `faascope cost` says it.
    assert!(
        notes("py").contains("SnapStart cannot be combined with ephemeral storage above 512 MB"),
        "{}",
        notes("py")
    );
}

/// Ninth-round ci review: `ci` said nothing of invocations it left unpriced (without a time,
/// or with a date that does not exist), nor the ingestion warnings `report` and `cost` give;
/// the PR comment says it each run, and a function with no timed invocation names the logs.
#[test]
fn ci_says_what_the_logs_held_that_was_not_priced() {
    let dir = tempfile::tempdir().unwrap();
    let rep = |ts: &str, i: usize| {
        format!("{ts}REPORT RequestId: 00000000-0000-4000-8000-{i:012}\tDuration: 100.00 ms\tBilled Duration: 100 ms\tMemory Size: 512 MB\tMax Memory Used: 60 MB\t\n")
    };
    let mut text = String::new();
    for i in 0..20 {
        text += &rep(&format!("2025-09-01T{:02}:10:00.000Z ", i % 10), i);
    }
    for i in 20..30 {
        text += &rep("", i);
    }
    text += &rep("2025-02-30T10:00:00.000Z ", 30);
    text += &rep("2025-02-30T10:00:00.000Z ", 31);
    std::fs::write(dir.path().join("fn.log"), &text).unwrap();
    let cfg = dir.path().join("faascope.toml");
    std::fs::write(
        &cfg,
        "logs = [\"fn.log\"]\n[[functions]]\nname = \"fn\"\nmemory_mb = 512\ntimeout_s = 10\n",
    )
    .unwrap();
    let base = dir.path().join("base.json");
    let out = faascope()
        .args(["ci", "baseline", "--config"])
        .arg(&cfg)
        .arg("--out")
        .arg(&base)
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    let untimed = "12 of the 32 invocation(s) in the logs have no time (REPORT lines without a timestamp, e.g. console copies, or with a date or time that does not exist) and are not priced";
    assert!(err.contains(&format!("note: fn: {untimed}")), "{err}");
    assert!(
        err.contains("warning: 2 line(s) carry a date or time that does not exist"),
        "{err}"
    );
    let md = faascope()
        .args(["ci", "check", "--format", "markdown", "--config"])
        .arg(&cfg)
        .arg("--baseline")
        .arg(&base)
        .output()
        .unwrap();
    let md = String::from_utf8_lossy(&md.stdout);
    assert!(md.contains(&format!("fn: {untimed}")), "{md}");
    // Every invocation without a time: the error names the function's entry and the logs.
    std::fs::write(dir.path().join("fn.log"), rep("", 1) + &rep("", 2)).unwrap();
    faascope()
        .args(["ci", "baseline", "--force", "--config"])
        .arg(&cfg)
        .arg("--out")
        .arg(&base)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains(
                "function `fn` (faascope.toml:3): its 2 invocation(s) in the logs (",
            )
            .and(predicate::str::contains("fn.log) have no time")),
        );
}
