//! Regression tests of the pricing/cost review (cost-report.md): `tune` and the timeout,
//! untimed invocations, the Savings Plan breakdown, the calculator's flags, `ci` inputs out of
//! range, `ci check --github` with machine formats, and baselines whose total is not the sum
//! of their functions.

use std::path::{Path, PathBuf};

use predicates::prelude::*;
use serde_json::Value;

mod common;
use common::{faascope, root};

/// A REPORT line at `ts` (RFC 3339) or without a timestamp when `ts` is empty.
fn report(ts: &str, id: usize, duration_ms: f64, memory_mb: u32, extra: &str) -> String {
    let prefix = if ts.is_empty() {
        String::new()
    } else {
        format!("{ts} ")
    };
    format!(
        "{prefix}REPORT RequestId: 00000000-0000-0000-0000-{id:012}\tDuration: {duration_ms:.2} ms\tBilled Duration: {} ms\tMemory Size: {memory_mb} MB\tMax Memory Used: 100 MB\t{extra}\n",
        duration_ms.ceil() as u64
    )
}

/// `n` REPORTs every 15 minutes from `day`T00:15Z (ids and times continue from `first`).
fn reports(
    day: &str,
    first: usize,
    n: usize,
    duration_ms: f64,
    memory_mb: u32,
    extra: &str,
) -> String {
    let start = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    (0..n)
        .map(|i| {
            let t = start + chrono::Duration::minutes(15 * (first + i + 1) as i64);
            let ts = t.format("%Y-%m-%dT%H:%M:%S.000Z").to_string();
            report(&ts, first + i, duration_ms, memory_mb, extra)
        })
        .collect()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn stdout_of(args: &[&str]) -> String {
    let out = faascope().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn json_of(args: &[&str]) -> Value {
    serde_json::from_str(&stdout_of(args)).unwrap()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// The review's slow function: 50 REPORTs at 2048 MB / 473.7 s and 50 at 1024 MB / 600 s.
fn slow_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut text = reports("2025-09-01", 0, 50, 473_684.2, 2048, "");
    text.push_str(&reports("2025-09-01", 50, 50, 600_000.0, 1024, ""));
    write(dir.path(), "slowfn.log", &text);
    dir
}

/// Finding 1: no size whose modelled p99 exceeds Lambda's 900 s is recommended, and the curve
/// says why those sizes are out (every format).
#[test]
fn tune_never_recommends_a_size_that_times_out() {
    let dir = slow_dir();
    let d = dir.path().to_str().unwrap();
    let v = json_of(&["tune", d, "--format", "json"]);
    let r = &v[0];
    let rec = r["recommended_memory_mb"].as_u64().unwrap();
    assert_eq!(rec, 512, "{r}");
    for p in r["curve"].as_array().unwrap() {
        let p99 = f(&p["est_p99_ms"]);
        if p99 > 900_000.0 {
            assert_eq!(p["allowed"], false, "{p}");
            assert!(p["not_allowed"]
                .as_str()
                .unwrap()
                .contains("exceeds Lambda's maximum timeout of 900 s"));
        }
        if p["memory_mb"] == rec {
            assert!(p99 <= 900_000.0, "{p}");
        }
    }
    for strategy in ["cost", "speed", "balanced"] {
        let v = json_of(&["tune", d, "--strategy", strategy, "--format", "json"]);
        let rec = v[0]["recommended_memory_mb"].as_u64().unwrap();
        assert!(rec >= 512, "{strategy}: {rec}");
    }
    let md = stdout_of(&["tune", d, "--format", "markdown"]);
    assert!(
        md.contains("not allowed: 128, 256 MB, where the modelled p99 exceeds Lambda's maximum timeout of 900 s"),
        "{md}"
    );
    let curve = stdout_of(&["tune", d, "--curve"]);
    assert!(curve.contains("times out"), "{curve}");
}

/// Finding 16: more memory was slower: the fit contradicts the model, the fraction is
/// assumed (with the reason), and 128 MB is not recommended.
#[test]
fn tune_does_not_calibrate_from_data_that_contradict_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = reports("2025-09-01", 0, 50, 600_000.0, 2048, "");
    text.push_str(&reports("2025-09-01", 50, 50, 500_000.0, 1024, ""));
    write(dir.path(), "fn2.log", &text);
    let v = json_of(&["tune", dir.path().to_str().unwrap(), "--format", "json"]);
    let m = &v[0]["cpu_model"];
    assert_eq!(m["kind"], "assumed", "{m}");
    assert!(m["reason"].as_str().unwrap().contains("contradict"), "{m}");
    assert_ne!(v[0]["recommended_memory_mb"], 128);
    let table = stdout_of(&["tune", dir.path().to_str().unwrap()]);
    assert!(table.contains("assumed f=1.00"), "{table}");
}

/// Finding 3: tune prices compute only and refuses the flags of charges it does not price.
#[test]
fn tune_refuses_snapstart_and_storage_flags() {
    for flags in [
        vec!["--function-snapstart", "catalog-snapstart=python:2"],
        vec!["--function-storage", "catalog-snapstart=10240"],
        vec!["--ephemeral-storage-mb", "2048"],
    ] {
        faascope()
            .args(["tune", "sample-data", "--function", "catalog"])
            .args(&flags)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(flags[0]))
            .stderr(predicate::str::contains("prices compute only"))
            .stderr(predicate::str::contains("faascope cost"));
    }
    // Not offered in tune's help (third-round README review); plot says which kind takes them.
    let help = faascope().args(["tune", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    for flag in [
        "--function-snapstart",
        "--function-storage",
        "--ephemeral-storage-mb",
    ] {
        assert!(!help.contains(flag), "{flag} in tune --help");
    }
    let help = faascope().args(["plot", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(
        help.matches("(break-even only: cost-curve, the tune curve, refuses it)")
            .count(),
        3,
        "{help}"
    );
    // The default (512 MB, not billed) is no request for storage pricing.
    faascope()
        .args([
            "tune",
            "sample-data",
            "--function",
            "catalog",
            "--ephemeral-storage-mb",
            "512",
        ])
        .assert()
        .success();
}

/// Finding 4: invocations without a time are named per function in every format, and
/// `--strict` exits 2 (cost and tune).
#[test]
fn untimed_invocations_are_noted_and_strict_refuses_them() {
    let dir = tempfile::tempdir().unwrap();
    let untimed: String = (1..=3).map(|i| report("", i, 100.0, 1024, "")).collect();
    write(dir.path(), "fn.log", &untimed);
    write(
        dir.path(),
        "timed.log",
        &report("2025-09-01T00:10:00.000Z", 9, 100.0, 1024, ""),
    );
    let d = dir.path().to_str().unwrap();
    let note = "3 invocation(s) of fn have no time";
    for format in ["table", "markdown"] {
        let out = stdout_of(&["cost", d, "--compare", "lambda", "--format", format]);
        assert!(out.contains(note), "{format}: {out}");
        let out = stdout_of(&["tune", d, "--format", format]);
        assert!(out.contains(note), "tune {format}: {out}");
    }
    let v = json_of(&["cost", d, "--compare", "lambda", "--format", "json"]);
    assert!(v["notes"][0].as_str().unwrap().contains(note), "{v}");
    assert_eq!(v["basis"]["untimed_invocations_by_function"]["fn"], 3);
    faascope()
        .args(["cost", d, "--compare", "lambda", "--format", "csv"])
        .assert()
        .success()
        .stderr(predicate::str::contains(note));
    for cmd in ["cost", "tune"] {
        faascope()
            .args([cmd, d, "--strict"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "--strict: 3 invocation(s) have no time",
            ));
    }
    // A function with some untimed invocations: the note is in tune's JSON too.
    let mut mixed = reports("2025-09-01", 0, 4, 100.0, 1024, "");
    mixed.push_str(&report("", 99, 100.0, 1024, ""));
    let dir2 = tempfile::tempdir().unwrap();
    write(dir2.path(), "m.log", &mixed);
    let v = json_of(&["tune", dir2.path().to_str().unwrap(), "--format", "json"]);
    assert!(v[0]["notes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n.as_str().unwrap().contains("1 invocation(s) have no time")));
}

/// Every option's lines (the Savings Plan's among them) add up to its typical total within a
/// cent, for every option of `cost sample-data`.
fn assert_breakdowns_sum(v: &Value, label: &str) {
    let mut n = 0;
    for func in v["functions"].as_array().unwrap() {
        for o in func["options"].as_array().unwrap() {
            let lines = o["breakdown"].as_array().unwrap();
            let sum: f64 = lines.iter().map(|l| f(&l["usd"])).sum();
            let total = f(&o["monthly_usd"]["typical"]);
            // Within a cent (the lines are rounded to cents one by one).
            let slack = 0.01 + 1e-6;
            assert!(
                (sum - total).abs() <= slack,
                "{label}: {} {}: lines {sum} vs total {total}: {lines:?}",
                func["function"],
                o["id"]
            );
            n += 1;
        }
    }
    assert!(n > 100, "{label}: {n} options");
}

/// Finding 6: the Savings Plan breakdown splits covered and uncovered usage and adds up.
#[test]
fn every_options_breakdown_sums_to_its_total() {
    let v = json_of(&["cost", "sample-data", "--format", "json"]);
    assert_breakdowns_sum(&v, "sample-data");
    // Plans covering requests and storage, with storage and SnapStart charges.
    let dir = tempfile::tempdir().unwrap();
    let rule = |key: &str| {
        format!("[[rule]]\nkey = \"{key}\"\nvalue = 1\nunit = \"flag\"\nsource = \"t\"\neffective_date = 2025-10-01\ndate_basis = \"as_of\"\nconfidence = [\"U\"]\nassumption = true\n")
    };
    let cover = write(
        dir.path(),
        "cover.toml",
        &format!(
            "schema_version = 1\n[offering]\nid = \"aws-compute-savings-plans\"\n[sources.t]\ntitle = \"test\"\n{}{}",
            rule("covers_requests"),
            rule("covers_ephemeral_storage")
        ),
    );
    let cheap = write(
        dir.path(),
        "cheap.toml",
        "schema_version = 1\n[offering]\nid = \"aws-lambda\"\n[sources.t]\ntitle = \"test\"\n[[price]]\nkey = \"duration\"\nregions = [\"us-east-1\"]\narch = \"x86_64\"\nusd = \"0.000005\"\nunit = \"usd_per_gb_second\"\nsource = \"t\"\neffective_date = 2025-10-02\ndate_basis = \"as_of\"\nconfidence = [\"P\"]\n",
    );
    let (cover, cheap) = (cover.to_str().unwrap(), cheap.to_str().unwrap());
    for extra in [
        vec!["--pricing", cover],
        vec!["--pricing", cheap],
        vec![
            "--pricing",
            cover,
            "--function-storage",
            "image-batch=4096",
            "--function-snapstart",
            "catalog-snapstart=python:2",
        ],
        vec!["--free-tier", "--provisioned", "3"],
    ] {
        let mut args = vec!["cost", "sample-data", "--format", "json"];
        args.extend(&extra);
        assert_breakdowns_sum(&json_of(&args), &extra.join(" "));
    }
    // The review's example: no commitment at all, so everything is on demand.
    let v = json_of(&[
        "cost",
        "sample-data",
        "--function",
        "image-batch",
        "--compare",
        "savings-plan",
        "--format",
        "json",
    ]);
    let o = v["functions"][0]["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == "lambda-sp-no-upfront")
        .unwrap();
    let items: Vec<&str> = o["breakdown"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["item"].as_str().unwrap())
        .collect();
    assert!(
        items.contains(&"duration not covered by the commitment (on demand)"),
        "{items:?}"
    );
    assert!(
        items.contains(&"requests (not covered by the plan)"),
        "{items:?}"
    );
    // With requests covered, the label says so.
    let v = json_of(&[
        "cost",
        "sample-data",
        "--function",
        "orders-api",
        "--compare",
        "savings-plan",
        "--pricing",
        cover,
        "--format",
        "json",
    ]);
    let o = v["functions"][0]["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == "lambda-sp-no-upfront")
        .unwrap();
    let items: Vec<&str> = o["breakdown"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["item"].as_str().unwrap())
        .collect();
    assert!(
        items
            .iter()
            .any(|i| i.starts_with("requests covered by Savings Plan")),
        "{items:?}"
    );
    assert!(
        !items.contains(&"requests (not covered by the plan)"),
        "{items:?}"
    );
}

/// Finding 8: logs dated before the INIT rule are priced as billed then, and every format
/// says so (with what the current rule would add).
#[test]
fn init_left_out_by_old_logs_is_noted() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "c.log",
        &reports(
            "2025-07-01",
            0,
            11,
            100.2,
            1024,
            "Init Duration: 500.30 ms\t",
        ),
    );
    let d = dir.path().to_str().unwrap();
    let note = "logged before 2025-08-01 was not billed then and is left out";
    for format in ["table", "markdown"] {
        let out = stdout_of(&["cost", d, "--compare", "lambda", "--format", format]);
        assert!(out.contains(note), "{format}: {out}");
        let out = stdout_of(&["tune", d, "--format", format]);
        assert!(out.contains(note), "tune {format}: {out}");
    }
    let v = json_of(&["cost", d, "--compare", "lambda", "--format", "json"]);
    assert!(
        v["functions"][0]["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n.as_str().unwrap().contains(note)),
        "{v}"
    );
}

/// Finding 9: past the first volume tier, tune says why its "$/mo now" is above `cost`'s.
#[test]
fn tune_notes_the_volume_tiers_cost_allocates() {
    let dir = tempfile::tempdir().unwrap();
    // 1,000 REPORTs of 900 s at 10,240 MB in 45 minutes: about 7e9 GB-s a month.
    let text: String = (0..1000)
        .map(|i| {
            let s = i * 2699 / 1000;
            let ts = format!("2025-09-01T00:{:02}:{:02}.000Z", 15 + s / 60, s % 60);
            report(&ts, i, 900_000.0, 10_240, "")
        })
        .collect();
    write(dir.path(), "big.log", &text);
    let d = dir.path().to_str().unwrap();
    let cost = json_of(&["cost", d, "--compare", "lambda", "--format", "json"]);
    let cost_usd = f(&cost["functions"][0]["on_demand"]["total_usd"]);
    let v = json_of(&["tune", d, "--format", "json"]);
    let notes: Vec<&str> = v[0]["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    let tier = notes
        .iter()
        .find(|n| n.contains("past the first volume tier"))
        .unwrap_or_else(|| panic!("{notes:?}"));
    assert!(
        tier.contains(&format!("${}", fmt_usd(cost_usd))),
        "{tier} / {cost_usd}"
    );
    let table = stdout_of(&["tune", d]);
    assert!(table.contains("past the first volume tier"), "{table}");
    // Below the first tier: no such note.
    let v = json_of(&["tune", "sample-data", "--format", "json"]);
    for r in v.as_array().unwrap() {
        assert!(
            !r["notes"].to_string().contains("volume tier"),
            "{}",
            r["notes"]
        );
    }
}

/// `1234567.8` → `1,234,567.80`.
fn fmt_usd(x: f64) -> String {
    let s = format!("{x:.2}");
    let (int, frac) = s.split_once('.').unwrap();
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{out}.{frac}")
}

/// Finding 14: the calculator refuses the flags of log sources, `--provisioned 0`, and says
/// "too large" and "negative".
#[test]
fn calculator_flags_and_values_are_checked() {
    let calc = [
        "cost",
        "--requests",
        "1000000",
        "--duration-ms",
        "100",
        "--memory-mb",
        "1024",
    ];
    for extra in [
        vec!["--function", "nomatch"],
        vec!["--since", "2030-01-01"],
        vec!["--until", "2030-01-01"],
        vec!["--strict"],
        vec!["--input-format", "text"],
        vec!["--function-name", "x"],
    ] {
        faascope()
            .args(calc)
            .args(&extra)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(extra[0]))
            .stderr(predicate::str::contains("only appl"));
    }
    faascope()
        .args(["cost", "sample-data", "--provisioned", "0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("at least 1"));
    faascope()
        .args([
            "cost",
            "--requests",
            "1e300",
            "--duration-ms",
            "1",
            "--memory-mb",
            "128",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("too large"));
    for (flag, value) in [
        ("--duration-ms", "-100"),
        ("--requests", "-5"),
        ("--memory-mb", "-128"),
        ("--cold-ratio", "-0.5"),
    ] {
        let mut args = vec![
            "cost",
            "--requests",
            "1000",
            "--duration-ms",
            "100",
            "--memory-mb",
            "128",
        ];
        let i = args.iter().position(|a| *a == flag);
        match i {
            Some(i) => args[i + 1] = value,
            None => args.extend([flag, value]),
        }
        faascope()
            .args(&args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!("'{value}' is negative")));
    }
    // Still a plain calculator run.
    faascope().args(calc).assert().success();
}

/// The example project copied to a temp dir, its logs pointing at the repository's
/// sample-data, and a baseline of it.
fn example_project() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let example = root().join("docs/ci/example");
    for name in ["faascope.toml", "template.yaml"] {
        let text = std::fs::read_to_string(example.join(name)).unwrap();
        let text = text.replace(
            "../../../sample-data",
            root().join("sample-data").to_str().unwrap(),
        );
        write(dir.path(), name, &text);
    }
    let cfg = dir.path().join("faascope.toml");
    let base = dir.path().join("base.json");
    faascope()
        .args(["ci", "baseline", "--config"])
        .arg(&cfg)
        .arg("--out")
        .arg(&base)
        .assert()
        .success();
    (dir, cfg, base)
}

/// Findings 5, 10, 11 and 15 on the example project.
#[test]
fn ci_inputs_out_of_range_github_formats_and_baseline_totals() {
    let (dir, cfg, base) = example_project();
    let template = dir.path().join("template.yaml");
    let original = std::fs::read_to_string(&template).unwrap();
    let line_of = |text: &str, needle: &str| {
        text.lines()
            .position(|l| l.contains(needle))
            .map(|i| i + 1)
            .unwrap()
    };
    // 5: a template timeout outside 1..=900 s names the template, its line and the range.
    assert!(original.contains("Timeout: 6\n"));
    for t in ["0", "5000"] {
        let text = original.replace("Timeout: 6\n", &format!("Timeout: {t}\n"));
        std::fs::write(&template, &text).unwrap();
        let line = line_of(&text, &format!("Timeout: {t}"));
        faascope()
            .args(["ci", "check", "--config"])
            .arg(&cfg)
            .arg("--baseline")
            .arg(&base)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!("template.yaml:{line}:")))
            .stderr(predicate::str::contains("1..=900 s"));
    }
    // 10: a template memory size out of range names the template, its line and 128..=10240.
    let text = original.replace("MemorySize: 128", "MemorySize: 64");
    assert_ne!(text, original);
    std::fs::write(&template, &text).unwrap();
    let line = line_of(&text, "MemorySize: 64");
    faascope()
        .args(["ci", "check", "--config"])
        .arg(&cfg)
        .arg("--baseline")
        .arg(&base)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!("template.yaml:{line}:")))
        .stderr(predicate::str::contains("128..=10240 MB"));
    std::fs::write(&template, &original).unwrap();
    // 5 and 10 in faascope.toml: the line of the value.
    let toml = std::fs::read_to_string(&cfg).unwrap();
    for (from, to, says) in [
        (
            "timeout_s = 5",
            "timeout_s = 901",
            "timeout_s = 901 is outside Lambda's 1..=900 s",
        ),
        (
            "max_increase_pct = 10 ",
            "max_increase_pct = -10 ",
            "max_increase_pct = -10",
        ),
    ] {
        assert!(toml.contains(from), "{from}");
        let bad = toml.replacen(from, to, 1);
        let line = line_of(&bad, to.trim_end());
        let bad_cfg = write(dir.path(), "bad.toml", &bad);
        faascope()
            .args(["ci", "check", "--config"])
            .arg(&bad_cfg)
            .arg("--baseline")
            .arg(&base)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!("bad.toml:{line}: ")))
            .stderr(predicate::str::contains(says));
    }
    // 11: --github with a machine format on stdout is refused; with --out it works.
    for format in ["json", "junit", "csv"] {
        faascope()
            .args(["ci", "check", "--config"])
            .arg(&cfg)
            .arg("--baseline")
            .arg(&base)
            .args(["--github", "--format", format])
            .env_remove("GITHUB_STEP_SUMMARY")
            .assert()
            .code(2)
            .stdout(predicate::str::is_empty())
            .stderr(predicate::str::contains("--out"));
    }
    let out = dir.path().join("report.json");
    let run = faascope()
        .args(["ci", "check", "--config"])
        .arg(&cfg)
        .arg("--baseline")
        .arg(&base)
        .args(["--github", "--format", "json", "--out"])
        .arg(&out)
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0));
    let _: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert!(String::from_utf8_lossy(&run.stdout).contains("::warning"));
    // 15: a total that is not the sum of the functions is refused.
    let mut doc: Value = serde_json::from_slice(&std::fs::read(&base).unwrap()).unwrap();
    doc["total_monthly_usd"]["typical"] = "999".into();
    let edited = write(
        dir.path(),
        "t-total.json",
        &serde_json::to_string_pretty(&doc).unwrap(),
    );
    faascope()
        .args(["ci", "check", "--config"])
        .arg(&cfg)
        .arg("--baseline")
        .arg(&edited)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("t-total.json: malformed baseline"))
        .stderr(predicate::str::contains(
            "total_monthly_usd.typical = 999 is not the sum of the functions",
        ));
}

/// The option `id` of the first function of a `cost --format json` document.
fn first_option(doc: &Value, id: &str) -> Value {
    doc["functions"][0]["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == id)
        .unwrap_or_else(|| panic!("no {id} in {doc}"))
        .clone()
}

/// Fourth-round cost review: provisioned concurrency was priced as if a running invocation
/// moved onto an environment that frees up (Σ min(level, N) of the histogram: 0.5 % spillover
/// where Lambda, which keeps each invocation where it started, spills 9 %), so PC looked
/// cheaper than `simulate --price` said for the same month. Observed invocations are now
/// replayed onto the environments; the calculator takes the Erlang loss share.
#[test]
fn provisioned_concurrency_spills_what_arrives_while_every_environment_is_busy() {
    let dir = tempfile::tempdir().unwrap();
    // 10 s invocations every 995 ms for an hour: about 10.05 running at once.
    let start = chrono::NaiveDate::from_ymd_opt(2025, 9, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let text: String = (0..3600)
        .map(|i| {
            let end = start + chrono::Duration::milliseconds(995 * i as i64 + 10_000);
            let ts = end.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
            report(&ts, i, 10_000.0, 1024, "")
        })
        .collect();
    let log = write(dir.path(), "busy.log", &text);
    let log = log.to_str().unwrap();
    let cost = json_of(&[
        "cost",
        log,
        "--provisioned",
        "10",
        "--compare",
        "provisioned",
        "--format",
        "json",
    ]);
    let pc = first_option(&cost, "lambda-pc-10");
    // Each environment busy ~91 % of the month, not 99.5 %.
    let utilization = f(&pc["utilization"]);
    assert!((0.90..0.92).contains(&utilization), "{pc}");
    let sim = json_of(&[
        "simulate",
        "--from",
        log,
        "--function",
        "busy",
        "--set",
        "functions.0.provisioned.count=10",
        "--price",
        "--format",
        "json",
    ]);
    assert_eq!(
        f(&pc["monthly_usd"]["typical"]),
        f(&sim["cost"][0]["total_usd_per_month"]),
        "{pc}\n{sim}"
    );
    // Poisson arrivals at a mean of 50 running into 50 environments: B(50, 50) = 10.48 % of
    // them find every one busy, so PC serves 89.52 % of the 131.4M GB-s.
    let calc = json_of(&[
        "cost",
        "--requests",
        "262800000",
        "--duration-ms",
        "500",
        "--memory-mb",
        "1024",
        "--provisioned",
        "50",
        "--compare",
        "provisioned",
        "--format",
        "json",
    ]);
    let pc = first_option(&calc, "lambda-pc-50");
    let served = pc["breakdown"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["item"] == "duration served by PC")
        .unwrap();
    assert!(
        (f(&served["quantity"]) - 117_630_928.35).abs() < 5.0,
        "{served}"
    );
}

/// Fourth-round cost review: the Savings Plan's low month spread the quietest day's usage over
/// the whole window's hour-by-hour shape (busy days and all), so a plan that saves on a quiet,
/// even day looked dearer than on demand. Low and high meet the commitment with their own
/// day's hours.
#[test]
fn savings_plan_low_and_high_months_meet_the_commitment_with_their_own_days_hours() {
    let dir = tempfile::tempdir().unwrap();
    // Four busy days (10 invocations an hour), then a quiet one (1 an hour): even hour by hour.
    let start = chrono::NaiveDate::from_ymd_opt(2025, 9, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let mut text = String::new();
    let mut id = 0;
    for day in 0..5i64 {
        let per_hour = if day < 4 { 10 } else { 1 };
        for hour in 0..24i64 {
            for k in 0..per_hour {
                let t = start
                    + chrono::Duration::hours(24 * day + hour)
                    + chrono::Duration::minutes(1 + 5 * k);
                let ts = t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
                text.push_str(&report(&ts, id, 10_000.0, 10_240, ""));
                id += 1;
            }
        }
    }
    let log = write(dir.path(), "s.log", &text);
    let v = json_of(&[
        "cost",
        log.to_str().unwrap(),
        "--compare",
        "lambda,savings-plan",
        "--format",
        "json",
    ]);
    let od = first_option(&v, "lambda-on-demand");
    let sp = first_option(&v, "lambda-sp-no-upfront");
    let (od_low, sp_low) = (f(&od["monthly_usd"]["low"]), f(&sp["monthly_usd"]["low"]));
    // The quiet day's usage sits at the commitment every hour: the plan's rate, below on
    // demand (the whole window's shape put most of it above the commitment, at on demand).
    assert!(sp_low < od_low, "{sp}\n{od}");
    assert!(f(&sp["monthly_usd"]["high"]) < f(&od["monthly_usd"]["high"]));
}

/// Third-round logs review: `report` and `cost` showed different peak concurrency for the
/// same invocations (1 against 2) when a busy time ended in half a millisecond: each rounded
/// the start its own way. Both take `cost`'s start now.
#[test]
fn report_and_cost_show_one_peak_concurrency() {
    let dir = tempfile::tempdir().unwrap();
    let log = write(
        dir.path(),
        "half.log",
        &(report("2025-09-01T00:00:01.000Z", 1, 10.0, 128, "")
            + &report("2025-09-01T00:00:01.001Z", 2, 1.5, 128, "")),
    );
    let log = log.to_str().unwrap();
    let r = json_of(&["report", log, "--format", "json"]);
    let c = json_of(&["cost", log, "--format", "json"]);
    assert_eq!(r["functions"][0]["peak_concurrency"], 2, "{r}");
    assert_eq!(c["functions"][0]["concurrency"]["peak"], 2, "{c}");
}

/// Ninth-round cost review: timeouts at the size before a memory raise bound tune's curve
/// (128 MB was recommended, every size allowed, against a 3 s timeout the logs show), and a
/// timeout raised within the logs (timed out at 3 s, then the same work completed at 3.9 s)
/// is no limit (every size "timed out" and the current size was kept; the cost curve had no
/// line for the function).
#[test]
fn tune_takes_timeouts_at_every_size_and_a_raised_timeout_is_no_limit() {
    let dir = tempfile::tempdir().unwrap();
    // Day 1 at 1024 MB: 92 invocations of 2,700 ms, 4 slower ones cut at 3 s; day 2 at
    // 2048 MB: the same work, 1,600 ms and the 4 slower ones completing at 2,000 ms.
    let mut text = reports("2025-09-01", 0, 92, 2700.0, 1024, "");
    text.push_str(&reports(
        "2025-09-01",
        92,
        4,
        3000.4,
        1024,
        "Status: timeout",
    ));
    text.push_str(&reports("2025-09-02", 96, 92, 1600.0, 2048, ""));
    text.push_str(&reports("2025-09-02", 188, 4, 2000.0, 2048, ""));
    let rev = write(dir.path(), "rev.log", &text);
    let v = json_of(&["tune", rev.to_str().unwrap(), "--format", "json"]);
    let r = &v[0];
    let at = |m: u64| {
        r["curve"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["memory_mb"] == m)
            .unwrap_or_else(|| panic!("no {m} MB in {r}"))
            .clone()
    };
    for m in [128, 512, 1024] {
        let p = at(m);
        assert_eq!(p["allowed"], false, "{p}");
        assert!(
            p["not_allowed"]
                .as_str()
                .unwrap()
                .contains("timeout of 3.0 s (what its timed-out invocations ran to)"),
            "{p}"
        );
    }
    let rec = r["recommended_memory_mb"].as_u64().unwrap();
    assert!(rec > 1024, "{r}");
    assert!(f(&at(rec)["est_p99_ms"]) <= 3000.4, "{r}");

    // 1024 MB throughout: day 1 cuts the slow ones at 3 s, day 2 lets them complete (3.9 s).
    let mut text = reports("2025-09-01", 0, 94, 1200.0, 1024, "");
    text.push_str(&reports(
        "2025-09-01",
        94,
        2,
        3000.4,
        1024,
        "Status: timeout",
    ));
    text.push_str(&reports("2025-09-02", 96, 94, 1200.0, 1024, ""));
    text.push_str(&reports("2025-09-02", 190, 2, 3900.0, 1024, ""));
    let raise = write(dir.path(), "raise.log", &text);
    let v = json_of(&["tune", raise.to_str().unwrap(), "--format", "json"]);
    let r = &v[0];
    assert!(
        r["curve"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["allowed"] == true),
        "{r}"
    );
    assert!(
        r["notes"].to_string().contains("the function timeout changed within the logs: its timed-out invocations show 3 s and others ran past 3 s without timing out (up to 3.9 s)"),
        "{r}"
    );
    assert_eq!(r["warnings"].as_array().map(Vec::len), Some(0), "{r}");
    let out = faascope()
        .args(["tune", raise.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("timeout changed within the logs"));
    let png = dir.path().join("cc.png");
    faascope()
        .args([
            "plot",
            "cost-curve",
            raise.to_str().unwrap(),
            "--out",
            png.to_str().unwrap(),
        ])
        .assert()
        .success();
    assert!(png.exists());
}

/// Ninth-round cost review: `tune --format csv` says the rounding note (on stderr, as its other
/// notes), and cost's untimed note names impossible dates among the reasons.
#[test]
fn tune_csv_rounding_note_and_impossible_dates_in_the_untimed_note() {
    let out = faascope()
        .args([
            "tune",
            root().join("sample-data").to_str().unwrap(),
            "--format",
            "csv",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("note: each $ figure is rounded to the cent on its own: legacy-thumbnailer $1.02 − $0.61 is $0.41 where the saving of the unrounded figures is $0.42"),
        "{err}"
    );
    let dir = tempfile::tempdir().unwrap();
    let mut text = reports("2025-09-01", 0, 10, 100.0, 512, "");
    text.push_str(&report("2025-09-31T10:20:00.000Z", 10, 100.0, 512, ""));
    let p = write(dir.path(), "baddate.log", &text);
    let out = stdout_of(&["cost", p.to_str().unwrap()]);
    assert!(
        out.contains("1 invocation(s) of baddate have no time (REPORT lines without a timestamp, e.g. console copies, or with a date or time that does not exist)"),
        "{out}"
    );
}
