//! Integration tests of `faascope simulate` for the findings of the black-box review
//! (sim-report.md): skipped and untimed records of `--from`, the pricing options of `--price`,
//! names with terminal control sequences, the month `--price` projects against `cost`'s,
//! the notes of `--replications` in JSON, and `--set`.

use std::path::Path;
use std::process::Output;

use serde_json::Value;

mod common;
use common::{faascope, root};

fn out(args: &[&str]) -> Output {
    faascope().args(args).output().unwrap()
}

/// stdout of a run that must succeed.
fn ok(args: &[&str]) -> Output {
    let o = out(args);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn json(args: &[&str]) -> Value {
    serde_json::from_slice(&ok(args).stdout).unwrap()
}

/// stderr of a run that must be a usage error (exit 2).
fn usage_error(args: &[&str]) -> String {
    let o = out(args);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    String::from_utf8(o.stderr).unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap()
}

/// A text-log REPORT line of orders-api; `ts` None is a console copy (no time), `bad` a
/// malformed Duration.
fn report_line(ts: Option<String>, i: usize, cold: bool, bad: bool) -> String {
    let body = format!(
        "REPORT RequestId: 00000000-0000-4000-8000-{i:012}\tDuration: {}50.00 ms\tBilled Duration: 50 ms\tMemory Size: 512 MB\tMax Memory Used: 90 MB\t{}",
        if bad { "x" } else { "" },
        if cold { "Init Duration: 200.00 ms\t" } else { "" }
    );
    match ts {
        Some(t) => format!("{t} {body}\n"),
        None => format!("{body}\n"),
    }
}

/// 30 timed REPORT lines of orders-api a minute apart (the first cold, 3 malformed) and 10
/// without a time.
fn mixed_logs(dir: &Path) {
    std::fs::create_dir_all(dir.join("a")).unwrap();
    std::fs::create_dir_all(dir.join("b")).unwrap();
    let untimed: String = (0..10)
        .map(|i| report_line(None, 1000 + i, false, false))
        .collect();
    std::fs::write(dir.join("a/orders-api.txt"), untimed).unwrap();
    let timed: String = (0..30)
        .map(|i| {
            report_line(
                Some(format!("2025-09-01T00:{i:02}:00.000Z")),
                i,
                i == 0,
                (10..13).contains(&i),
            )
        })
        .collect();
    std::fs::write(dir.join("b/orders-api.log"), timed).unwrap();
}

// ---------------------------------------------------------------------------------------------
// Finding 2: skipped and untimed records of --from
// ---------------------------------------------------------------------------------------------

#[test]
fn from_reports_skipped_records_and_strict_fails_on_them() {
    let dir = tempfile::tempdir().unwrap();
    mixed_logs(dir.path());
    let d = dir.path().to_str().unwrap();
    let o = ok(&["simulate", "--from", d, "--function", "orders-api"]);
    let err = text(&o.stderr);
    assert!(
        err.contains("warning: skipped 3 malformed record(s)")
            && err.contains("REPORT field is not a number in range"),
        "{err}"
    );
    let stdout = text(&o.stdout);
    assert!(
        stdout.contains("scenario from 27 observed invocations of 'orders-api'"),
        "{stdout}"
    );

    // --strict: the simulation is printed, and the exit code says records were skipped.
    let o = out(&[
        "simulate",
        "--from",
        d,
        "--function",
        "orders-api",
        "--strict",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stdout).contains("orders-api"));
    let err = text(&o.stderr);
    assert!(
        err.contains("warning: skipped 3")
            && err.contains("--strict: 3 record(s) were skipped as malformed"),
        "{err}"
    );

    // --quiet: no summary (--strict still fails).
    let o = out(&["simulate", "--from", d, "--function", "orders-api", "-q"]);
    assert!(o.status.success());
    assert!(!text(&o.stderr).contains("skipped"), "{}", text(&o.stderr));
    let o = out(&[
        "simulate",
        "--from",
        d,
        "--function",
        "orders-api",
        "--quiet",
        "--strict",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!text(&o.stderr).contains("warning: skipped"));

    // Without problems --strict changes nothing.
    ok(&[
        "simulate",
        "--from",
        "sample-data",
        "--function",
        "nightly-report",
        "--strict",
    ]);
    // --strict belongs to --from.
    let err = usage_error(&["simulate", "simulator/scenarios/api-basic.toml", "--strict"]);
    assert!(err.contains("--strict goes with --from"), "{err}");
}

#[test]
fn untimed_invocations_are_counted_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    mixed_logs(dir.path());
    let d = dir.path().to_str().unwrap();
    let note = "10 invocation(s) of 'orders-api' had no time";
    for format in ["table", "markdown"] {
        let o = ok(&[
            "simulate",
            "--from",
            d,
            "--function",
            "orders-api",
            "--format",
            format,
        ]);
        let s = text(&o.stdout);
        assert!(s.contains(&format!("note: {note}")), "{format}: {s}");
    }
    let v = json(&[
        "simulate",
        "--from",
        d,
        "--function",
        "orders-api",
        "--format",
        "json",
        "-q",
    ]);
    assert_eq!(v["observed"]["untimed_invocations_left_out"], 10);
    assert_eq!(v["observed"]["invocations"], 27);
    assert!(v["notes"].to_string().contains(note), "{}", v["notes"]);
    let o = ok(&[
        "simulate",
        "--from",
        d,
        "--function",
        "orders-api",
        "--format",
        "csv",
    ]);
    assert!(text(&o.stderr).contains(&format!("note: {note}")));
    assert!(text(&o.stdout).starts_with("function,requests,"));
    // Replicated too.
    let v = json(&[
        "simulate",
        "--from",
        d,
        "--function",
        "orders-api",
        "--replications",
        "2",
        "--format",
        "json",
        "-q",
    ]);
    assert!(v["notes"].to_string().contains(note), "{}", v["notes"]);
}

#[test]
fn nothing_found_shows_why() {
    let dir = tempfile::tempdir().unwrap();
    let lines: String = (0..4)
        .map(|i| report_line(Some(format!("2025-09-01T00:0{i}:00.000Z")), i, false, true))
        .collect();
    std::fs::write(dir.path().join("orders-api.log"), lines).unwrap();
    let d = dir.path().to_str().unwrap();
    let err = usage_error(&["simulate", "--from", d]);
    assert!(
        err.contains("warning: skipped 4 malformed record(s)"),
        "{err}"
    );
    assert!(
        err.contains("no Lambda invocations found in 1 file(s) (4 record(s) were skipped as malformed: see the summary above)"),
        "{err}"
    );
    let err = usage_error(&["simulate", "--from", d, "-q"]);
    assert!(!err.contains("warning:"), "{err}");
    assert!(err.contains("leave out --quiet to see why"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Finding 3: --price and the pricing options
// ---------------------------------------------------------------------------------------------

const API: &str = "simulator/scenarios/api-basic.toml";

fn priced(extra: &[&str]) -> Value {
    let mut args = vec!["simulate", API, "--price", "--format", "json"];
    args.extend_from_slice(extra);
    json(&args)["cost"][0].clone()
}

fn usd(v: &Value, field: &str) -> f64 {
    v[field].as_f64().unwrap_or_else(|| panic!("{field}: {v}"))
}

#[test]
fn price_charges_ephemeral_storage_and_snapstart_as_cost_does() {
    let base = priced(&[]);
    assert_eq!(usd(&base, "ephemeral_storage_usd_per_month"), 0.0);
    assert_eq!(usd(&base, "snapstart_usd_per_month"), 0.0);
    // By hand (facts 1.5/1.7): 5,596,168 billed s/month × 9.5 GB × $0.0000000309 = $1.64;
    // Python SnapStart: cache 0.5 GB × 2,628,000 s × $1.5046e-6 = $1.98, plus the restores.
    let p = priced(&[
        "--ephemeral-storage-mb",
        "10240",
        "--function-snapstart",
        "checkout-api=python",
    ]);
    assert_eq!(usd(&p, "ephemeral_storage_usd_per_month"), 1.64);
    let snap = usd(&p, "snapstart_usd_per_month");
    assert!((2.0..2.1).contains(&snap), "{snap}");
    let total = usd(&p, "total_usd_per_month");
    let expected = usd(&base, "total_usd_per_month") + 1.64 + snap;
    assert!((total - expected).abs() < 0.015, "{total} vs {expected}");
    assert!((total - 63.36).abs() < 0.015, "{total}");
    // The per-function options, and Java SnapStart (no extra charge).
    let p = priced(&["--function-storage", "checkout-api=10240"]);
    assert_eq!(usd(&p, "ephemeral_storage_usd_per_month"), 1.64);
    let p = priced(&["--function-snapstart", "checkout-api=java"]);
    assert_eq!(usd(&p, "snapstart_usd_per_month"), 0.0);
    assert_eq!(
        usd(&p, "total_usd_per_month"),
        usd(&base, "total_usd_per_month")
    );
    // The table says what on demand includes.
    let o = ok(&[
        "simulate",
        API,
        "--price",
        "--ephemeral-storage-mb",
        "10240",
        "--format",
        "markdown",
    ]);
    assert!(
        text(&o.stdout)
            .contains("note: on demand $/mo of 'checkout-api' includes $1.64 ephemeral storage"),
        "{}",
        text(&o.stdout)
    );
}

#[test]
fn pricing_options_name_known_functions_and_need_price() {
    for (flag, value) in [
        ("--function-region", "nope=eu-west-1"),
        ("--function-arch", "nope=arm64"),
        ("--function-snapstart", "nope=python"),
        ("--function-storage", "nope=1024"),
    ] {
        let err = usage_error(&["simulate", API, "--price", flag, value]);
        assert!(
            err.contains(&format!("{flag} nope: no function of that name"))
                && err.contains("checkout-api"),
            "{err}"
        );
    }
    // With --from, any function read may be named (as with `cost`), others not.
    ok(&[
        "simulate",
        "--from",
        "sample-data",
        "--function",
        "nightly-report",
        "--price",
        "--function-region",
        "orders-api=eu-west-1",
    ]);
    let err = usage_error(&[
        "simulate",
        "--from",
        "sample-data",
        "--function",
        "nightly-report",
        "--price",
        "--function-region",
        "nope=eu-west-1",
    ]);
    assert!(err.contains("no function of that name"), "{err}");
    // Bad values are refused before anything runs.
    let err = usage_error(&[
        "simulate",
        API,
        "--price",
        "--function-snapstart",
        "checkout-api=cobol",
    ]);
    assert!(err.contains("not a SnapStart runtime"), "{err}");
    // Without --price they would change nothing, whatever the value (also the default's:
    // third-round README review).
    for args in [
        &["--ephemeral-storage-mb", "1024"][..],
        &["--ephemeral-storage-mb", "512"][..],
        &["--region", "eu-west-1"][..],
        &["--region", "us-east-1"][..],
        &["--arch", "x86_64"][..],
        &["--function-snapstart", "checkout-api=python"][..],
    ] {
        let mut a = vec!["simulate", API];
        a.extend_from_slice(args);
        let err = usage_error(&a);
        assert!(
            err.contains(&format!("{} is a pricing option: add --price", args[0])),
            "{err}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Finding 4: names with terminal control sequences
// ---------------------------------------------------------------------------------------------

const EVIL: &str = "evil\u{1b}]0;pwned\u{7}\u{1b}[31mRED|x";

fn evil_ndjson(dir: &Path) -> String {
    let lines: Vec<String> = (0..5)
        .map(|i| {
            let msg = format!(
                "REPORT RequestId: 00000000-0000-0000-0000-00000000000{i}\tDuration: 10.00 ms\tBilled Duration: 11 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\t{}\n",
                if i == 0 { "Init Duration: 100.00 ms\t" } else { "" }
            );
            serde_json::json!({
                "timestamp": 1_756_684_800_000i64 + i * 60_000,
                "message": msg,
                "logGroup": format!("/aws/lambda/{EVIL}"),
                "logStream": "2025/09/01/[$LATEST]abc",
            })
            .to_string()
        })
        .collect();
    let p = dir.join("evil.ndjson");
    std::fs::write(&p, lines.join("\n") + "\n").unwrap();
    p.to_str().unwrap().to_string()
}

fn assert_clean(o: &Output, what: &str) {
    for (stream, bytes) in [("stdout", &o.stdout), ("stderr", &o.stderr)] {
        assert!(
            !bytes.iter().any(|&b| b == 0x1b || b == 0x07),
            "{what}: control bytes on {stream}: {:?}",
            String::from_utf8_lossy(bytes)
        );
    }
}

#[test]
fn names_from_logs_reach_the_terminal_sanitized_and_replay() {
    let dir = tempfile::tempdir().unwrap();
    let evil = evil_ndjson(dir.path());
    for format in ["table", "markdown", "csv", "json"] {
        let o = ok(&["simulate", "--from", &evil, "--format", format]);
        assert_clean(&o, format);
        let all = text(&o.stdout) + &text(&o.stderr);
        assert!(all.contains("evil"), "{format}: {all}");
    }
    // The replay keeps the name as it is (JSON escapes it).
    let v = json(&["simulate", "--from", &evil, "--format", "json"]);
    assert_eq!(v["simulation"]["functions"][0]["name"], EVIL);
    assert_eq!(v["simulation"]["functions"][0]["metrics"]["requests"], 5);
    assert!(v["notes"].to_string().contains("'evilRED|x'"));
    // Errors that list the names.
    let logs_tail = root().join("sample-data/logs-tail");
    let lt = logs_tail.to_str().unwrap();
    let o = out(&["simulate", "--from", &evil, lt, "--function", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert_clean(&o, "--function nope");
    assert!(text(&o.stderr).contains("functions seen: evilRED|x"));
    let o = out(&["simulate", "--from", &evil, lt]);
    assert_eq!(o.status.code(), Some(2));
    assert_clean(&o, "several functions");
    assert!(text(&o.stderr).contains("pick one with --function"));
    let o = out(&[
        "simulate",
        "--from",
        &evil,
        "--price",
        "--function-region",
        "nope=eu-west-1",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_clean(&o, "--function-region nope");
}

#[test]
fn names_in_scenario_files_reach_the_terminal_sanitized() {
    let dir = tempfile::tempdir().unwrap();
    // Executions of 2 s against a 1 s timeout: the timeout note names the function.
    let body = |name: &str| {
        format!(
            "[[functions]]\nname = \"{name}\"\nmemory_mb = 128\ntimeout_s = 1\narrivals = {{ kind = \"poisson\", rate_per_s = 1.0 }}\nwarm = {{ dist = \"constant\", value_ms = 2000.0 }}\ncold = {{ model = \"init_added\", init = {{ dist = \"constant\", value_ms = 100.0 }} }}\n"
        )
    };
    let evil = "api\\u001b]0;pwned\\u0007\\u001b[2J";
    let p = dir.path().join("esc.toml");
    std::fs::write(&p, format!("duration_s = 60\n{}", body(evil))).unwrap();
    let f = p.to_str().unwrap();
    for format in ["table", "csv", "json"] {
        let o = ok(&["simulate", f, "--format", format]);
        assert_clean(&o, format);
        let all = text(&o.stdout) + &text(&o.stderr);
        assert!(all.contains("function timeout"), "{format}: {all}");
    }
    let o = ok(&["simulate", f, "--replications", "2"]);
    assert_clean(&o, "replications");
    // The same name twice: the error names it, sanitized.
    let p = dir.path().join("dup.toml");
    std::fs::write(&p, format!("duration_s = 60\n{}{}", body(evil), body(evil))).unwrap();
    let o = out(&["simulate", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert_clean(&o, "duplicate");
}

// ---------------------------------------------------------------------------------------------
// Finding 5: the month --price projects is the month `cost` projects
// ---------------------------------------------------------------------------------------------

#[test]
fn price_projects_the_same_requests_per_month_as_cost() {
    let cost = json(&["cost", "sample-data", "--format", "json"]);
    for function in ["image-batch", "nightly-report", "orders-api"] {
        let c = cost["functions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["function"] == function)
            .unwrap_or_else(|| panic!("{function} not in cost"));
        let cost_requests = c["requests_per_month"].as_f64().unwrap();
        let v = json(&[
            "simulate",
            "--from",
            "sample-data",
            "--function",
            function,
            "--price",
            "--format",
            "json",
        ]);
        let sim_requests = v["cost"][0]["requests_per_month"].as_f64().unwrap();
        assert_eq!(
            sim_requests,
            cost_requests.round(),
            "{function}: simulate {sim_requests} vs cost {cost_requests}"
        );
        // The replay covers cost's window (72 h of sample data).
        assert_eq!(v["simulation"]["measured_s"].as_f64(), Some(259_200.0));
        assert_eq!(v["observed"]["window_hours"].as_f64(), Some(72.0));
    }
    // Poisson arrivals come at the observed count over that window.
    let v = json(&[
        "simulate",
        "--from",
        "sample-data",
        "--function",
        "image-batch",
        "--arrivals",
        "poisson",
        "--price",
        "--format",
        "json",
    ]);
    let c = cost["functions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["function"] == "image-batch")
        .unwrap()["requests_per_month"]
        .as_f64()
        .unwrap();
    let p = v["cost"][0]["requests_per_month"].as_f64().unwrap();
    assert!((p / c - 1.0).abs() < 0.03, "{p} vs {c}");
}

// ---------------------------------------------------------------------------------------------
// Finding 7: --replications gives the same notes and comparison in every format
// ---------------------------------------------------------------------------------------------

#[test]
fn replicated_json_carries_the_notes_and_the_observed_comparison() {
    let args = [
        "simulate",
        "--from",
        "sample-data",
        "--function",
        "nightly-report",
        "--replications",
        "3",
    ];
    let mut j = args.to_vec();
    j.extend_from_slice(&["--format", "json"]);
    let v = json(&j);
    assert_eq!(v["seeds"].as_array().unwrap().len(), 3);
    assert_eq!(v["observed"]["invocations"], 73);
    assert_eq!(v["warmup_s"].as_f64(), Some(0.0));
    assert_eq!(v["measured_s"].as_f64(), Some(259_200.0));
    let notes: Vec<String> = v["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap().to_string())
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("observed 72 cold starts") && n.contains("simulated a mean of")),
        "{notes:?}"
    );
    let mut m = args.to_vec();
    m.extend_from_slice(&["--format", "markdown"]);
    let md = text(&ok(&m).stdout);
    let md_notes: Vec<String> = md
        .lines()
        .filter_map(|l| l.strip_prefix("note: "))
        .map(String::from)
        .collect();
    assert_eq!(md_notes, notes);
    assert!(
        md.starts_with("Simulated 259200 s after a 0 s warm-up, 3 replications with seeds 1, "),
        "{md}"
    );
    // The timeout note of a scenario file, replicated.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("slow.toml");
    std::fs::write(
        &p,
        "duration_s = 60\n[[functions]]\nname = \"api\"\nmemory_mb = 128\ntimeout_s = 1\narrivals = { kind = \"poisson\", rate_per_s = 1.0 }\nwarm = { dist = \"constant\", value_ms = 2000.0 }\ncold = { model = \"init_added\", init = { dist = \"constant\", value_ms = 100.0 } }\n",
    )
    .unwrap();
    let v = json(&[
        "simulate",
        p.to_str().unwrap(),
        "--replications",
        "2",
        "--format",
        "json",
    ]);
    assert!(
        v["notes"]
            .to_string()
            .contains("requests per run (mean of 2 runs) reached the 1 s function timeout"),
        "{}",
        v["notes"]
    );
}

// ---------------------------------------------------------------------------------------------
// Finding 8: --set
// ---------------------------------------------------------------------------------------------

const BASE: &str = "duration_s = 600\n[[functions]]\nname = \"api\"\nmemory_mb = 512\narrivals = { kind = \"poisson\", rate_per_s = 0.05 }\nwarm = { dist = \"exponential\", mean_ms = 100.0 }\ncold = { model = \"init_added\", init = { dist = \"constant\", value_ms = 250.0 } }\n";

#[test]
fn set_errors_name_set_and_defaulted_tables_can_be_set() {
    let err = usage_error(&["simulate", API, "--set", "functions.0.memory_mb=64"]);
    assert!(
        err.contains("api-basic.toml with --set: functions[0].memory_mb: must be 128 to 10240 MB"),
        "{err}"
    );
    let dir = tempfile::tempdir().unwrap();
    // A file that is wrong by itself is named alone, whatever --set changes besides.
    let low = dir.path().join("low.toml");
    std::fs::write(&low, BASE.replace("memory_mb = 512", "memory_mb = 64")).unwrap();
    let err = usage_error(&["simulate", low.to_str().unwrap(), "--set", "duration_s=60"]);
    assert!(
        err.contains("low.toml:4: functions[0].memory_mb") && !err.contains("with --set"),
        "{err}"
    );
    // ... and --set can fix it.
    ok(&[
        "simulate",
        low.to_str().unwrap(),
        "--set",
        "functions.0.memory_mb=512",
    ]);

    // keep_alive left at its default (fixed 600 s): one value of it can be set.
    let base = dir.path().join("base.toml");
    std::fs::write(&base, BASE).unwrap();
    let explicit = dir.path().join("explicit.toml");
    std::fs::write(
        &explicit,
        format!("{BASE}keep_alive = {{ policy = \"fixed\", idle_timeout_s = 30 }}\n"),
    )
    .unwrap();
    let set = json(&[
        "simulate",
        base.to_str().unwrap(),
        "--set",
        "functions.0.keep_alive.idle_timeout_s=30",
        "--format",
        "json",
    ]);
    let file = json(&["simulate", explicit.to_str().unwrap(), "--format", "json"]);
    assert_eq!(set, file);
    let default = json(&["simulate", base.to_str().unwrap(), "--format", "json"]);
    assert_ne!(set, default);
    // Switching the defaulted table to the other policy works too (its values default).
    ok(&[
        "simulate",
        base.to_str().unwrap(),
        "--set",
        "functions.api.keep_alive.policy=\"hybrid_histogram\"",
    ]);
    // A type error of a set value names the set that gave it (the TOML reader's key path
    // leaves the index out: `in functions.keep_alive`), the type in words.
    let err = usage_error(&[
        "simulate",
        base.to_str().unwrap(),
        "--set",
        "duration_s=60",
        "--set",
        "functions.0.keep_alive.idle_timeout_s=\"x\"",
    ]);
    assert!(
        err.contains(
            "base.toml with --set functions.0.keep_alive.idle_timeout_s=\"x\": not a valid scenario: invalid type: string \"x\", expected a number"
        ) && !err.contains("in `functions"),
        "{err}"
    );
    // A file that is not a scenario by itself is reported with its line, sets or not.
    let broken = dir.path().join("broken.toml");
    std::fs::write(
        &broken,
        BASE.replace("memory_mb = 512", "memory_mb = \"x\""),
    )
    .unwrap();
    let err = usage_error(&[
        "simulate",
        broken.to_str().unwrap(),
        "--set",
        "duration_s=60",
    ]);
    assert!(
        err.contains("broken.toml: not a valid scenario") && err.contains("line 4"),
        "{err}"
    );
    // --from with --set: a bad value names both.
    let err = usage_error(&[
        "simulate",
        "--from",
        "sample-data",
        "--function",
        "nightly-report",
        "--set",
        "functions.0.memory_mb=\"x\"",
    ]);
    assert!(
        err.contains(
            "--from sample-data with --set functions.0.memory_mb=\"x\": not a valid scenario: invalid type: string \"x\", expected a whole number of MB"
        ) && !err.contains("in `functions"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// Seventh round: a timeout changed within the logs; the window's sentence on other errors
// ---------------------------------------------------------------------------------------------

/// Two 3 s timeouts, then five 5 s successes (the timeout was raised): every invocation replays
/// its observed duration (31 s billed, as `report` reads), the note says why, and a longer
/// `--set` timeout does not call the successes timeouts.
#[test]
fn a_timeout_raised_within_the_logs_keeps_the_longer_successes() {
    let dir = tempfile::tempdir().unwrap();
    let report = |ts: &str, i: usize, ms: f64, status: &str| {
        format!("{ts} REPORT RequestId: 00000000-0000-4000-8000-{i:012}\tDuration: {ms:.2} ms\tBilled Duration: {ms:.0} ms\tMemory Size: 1024 MB\tMax Memory Used: 90 MB\t{status}\n")
    };
    let mut log = String::new();
    for i in 0..2 {
        log.push_str(&format!("2025-09-01T00:0{i}:03.000Z 00000000-0000-4000-8000-{i:012} Task timed out after 3.00 seconds\n"));
        log.push_str(&report(
            &format!("2025-09-01T00:0{i}:03.001Z"),
            i,
            3000.0,
            "Status: timeout",
        ));
    }
    for j in 0..5 {
        log.push_str(&report(
            &format!("2025-09-01T00:1{j}:05.000Z"),
            10 + j,
            5000.0,
            "",
        ));
    }
    let file = dir.path().join("tchange.log");
    std::fs::write(&file, &log).unwrap();
    let f = file.to_str().unwrap();
    let v = json(&["simulate", "--from", f, "--format", "json"]);
    let total = &v["simulation"]["total"];
    assert_eq!(total["billed_execution_ms"], 31_000, "{total}");
    assert_eq!(total["latency"]["all"]["max_ms"], 5000.0, "{total}");
    let notes = v["notes"].to_string();
    assert!(
        notes.contains("the function timeout of 'tchange' changed within the logs: its 2 observed timeout(s) show 3 s and 5 other invocation(s) ran past 3 s"),
        "{notes}"
    );
    assert!(!notes.contains("the replay's function timeout"), "{notes}");
    let v = json(&[
        "simulate",
        "--from",
        f,
        "--set",
        "functions.0.timeout_s=10",
        "--format",
        "json",
    ]);
    assert_eq!(v["simulation"]["total"]["billed_execution_ms"], 31_000);
    assert!(
        !v["notes"].to_string().contains("ran the full"),
        "{}",
        v["notes"]
    );
    // At another size the successes scale (1024 -> 2048 MB, fully CPU-bound: x 1024/1769),
    // the timeouts, which ran to a timeout, do not.
    let v = json(&[
        "simulate",
        "--from",
        f,
        "--set",
        "functions.0.memory_mb=2048",
        "--format",
        "json",
    ]);
    // (billed in whole ms, rounded up)
    let want = 2.0 * 3000.0 + 5.0 * (5000.0 * 1024.0 / 1769.0_f64).ceil();
    assert_eq!(
        v["simulation"]["total"]["billed_execution_ms"].as_f64(),
        Some(want)
    );
    // One timeout the logs show replays as before: the timeouts end there.
    let one: String = log
        .lines()
        .filter(|l| !l.contains("Duration: 5000.00"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&file, one).unwrap();
    let v = json(&["simulate", "--from", f, "--format", "json"]);
    assert_eq!(v["simulation"]["total"]["timeouts"], 2);
    assert!(
        v["notes"]
            .to_string()
            .contains("the replay's function timeout (timeout_s) is 3 s"),
        "{}",
        v["notes"]
    );
}

/// An error under --since/--until says no invocation matched the window only when none did.
#[test]
fn window_sentence_only_when_the_window_left_nothing() {
    let s = root().join("sample-data");
    let d = s.to_str().unwrap();
    let err = usage_error(&[
        "simulate",
        "--from",
        d,
        "--function",
        "nosuch",
        "--since",
        "2025-09-01T00:00:00Z",
        "--until",
        "2025-09-01T06:00:00Z",
    ]);
    assert!(err.contains("no invocations of function 'nosuch'"), "{err}");
    assert!(!err.contains("none of the"), "{err}");
    let err = usage_error(&[
        "simulate",
        "--from",
        d,
        "--function",
        "nightly-report",
        "--since",
        "2026-09-01T00:00:00Z",
        "--until",
        "2026-09-01T00:30:00Z",
    ]);
    assert!(
        err.contains("none of the 95039 invocation(s) read"),
        "{err}"
    );
}

/// Seventh-round review: `--price` showed on demand $41.21 and provisioned $125.69 beside a
/// total of $166.89 (each rounded to the cent on its own); a note now says so.
#[test]
fn price_parts_that_do_not_add_up_to_the_total_are_explained() {
    let v = json(&[
        "simulate",
        "simulator/scenarios/diurnal-provisioned.toml",
        "--price",
        "--format",
        "json",
    ]);
    let c = &v["cost"][0];
    let cents = |k: &str| (c[k].as_f64().unwrap() * 100.0).round() as i64;
    let (od, pc, total) = (
        cents("on_demand_usd_per_month"),
        cents("provisioned_usd_per_month"),
        cents("total_usd_per_month"),
    );
    assert_eq!((od, pc, total), (4121, 12569, 16689), "{c}");
    let notes = v["notes"].to_string();
    assert!(
        notes.contains("on demand $41.21 + provisioned $125.69 = $166.90, where the total of the unrounded figures is $166.89"),
        "{notes}"
    );
    // A run whose parts add up has no such note.
    let v = json(&["simulate", API, "--price", "--format", "json"]);
    assert!(!v["notes"].to_string().contains("each rounded to the cent"));
}

/// Ninth-round simulate review: the durations `--arrivals poisson` draws are one per observed
/// invocation, cold ones too, and a memory change scales each from its own size and leaves
/// its timeout as it ran (they were scaled by the sizes and timeout flags of the warm ones,
/// one place off after a cold start); a longer `--set` timeout says the timed-out samples
/// run as successes.
#[test]
fn poisson_samples_scale_from_their_own_size_and_timeout() {
    let dir = tempfile::tempdir().unwrap();
    // (start s, duration ms, memory MB, init ms, timed out)
    let log = |rows: &[(u32, f64, u32, Option<f64>, bool)]| -> String {
        let mut text = String::new();
        for (i, (at_s, ms, mb, init, timed_out)) in rows.iter().enumerate() {
            text += &format!(
                "2025-09-01T00:{:02}:{:02}.000Z REPORT RequestId: 00000000-0000-4000-8000-{i:012}\tDuration: {ms:.2} ms\tBilled Duration: {:.0} ms\tMemory Size: {mb} MB\tMax Memory Used: 60 MB\t{}{}\n",
                at_s / 60,
                at_s % 60,
                ms + init.unwrap_or(0.0),
                init.map_or(String::new(), |d| format!("Init Duration: {d:.2} ms\t")),
                if *timed_out { "Status: timeout" } else { "" }
            );
        }
        text
    };
    let poisson = |file: &Path, extra: &[&str]| {
        let mut args = vec![
            "simulate",
            "--from",
            file.to_str().unwrap(),
            "--arrivals",
            "poisson",
            "--traffic-scale",
            "100",
            "--seed",
            "1",
        ];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--format", "json"]);
        json(&args)
    };
    // Three invocations at 512 MB (1000 ms), then three at 1024 MB (500 ms), each size's first
    // a cold start: at 1024 MB, the latest, every sample is 500 ms (1000 x 0.5).
    let mixed = dir.path().join("mixmem.log");
    std::fs::write(
        &mixed,
        log(&[
            (0, 1000.0, 512, Some(300.0), false),
            (60, 1000.0, 512, None, false),
            (120, 1000.0, 512, None, false),
            (1800, 500.0, 1024, Some(300.0), false),
            (1860, 500.0, 1024, None, false),
            (1920, 500.0, 1024, None, false),
        ]),
    )
    .unwrap();
    let v = poisson(&mixed, &[]);
    let warm = &v["simulation"]["total"]["latency"]["warm"];
    assert_eq!(warm["max_ms"], 500.0, "{warm}");
    assert_eq!(warm["p50_ms"], 500.0, "{warm}");

    // A timeout that changed (3 s, then 5 s) among 100 ms invocations, the first a cold start:
    // at 256 MB the successes take 400 ms, the timeouts as they ran (not 12 s and 20 s).
    let tmo = dir.path().join("tmo.log");
    let mut rows = vec![
        (0, 100.0, 1024, Some(200.0), false),
        (300, 3000.0, 1024, None, true),
        (600, 100.0, 1024, None, false),
        (900, 5000.0, 1024, None, true),
    ];
    rows.extend((0..6).map(|k| (1200 + 300 * k, 100.0, 1024, None, false)));
    std::fs::write(&tmo, log(&rows)).unwrap();
    let v = poisson(&tmo, &["--set", "functions.0.memory_mb=256"]);
    let warm = &v["simulation"]["total"]["latency"]["warm"];
    assert_eq!(warm["max_ms"], 5000.0, "{warm}");
    let p50 = warm["p50_ms"].as_f64().unwrap();
    assert!((p50 - 400.0).abs() < 1.0, "{warm}");

    // One timeout (3 s): a longer one makes its samples successes, and the notes say so.
    let one = dir.path().join("one.log");
    std::fs::write(
        &one,
        log(&[
            (0, 100.0, 1024, Some(200.0), false),
            (300, 3000.0, 1024, None, true),
            (600, 100.0, 1024, None, false),
        ]),
    )
    .unwrap();
    let v = poisson(&one, &["--set", "functions.0.timeout_s=10"]);
    assert_eq!(v["simulation"]["total"]["timeouts"], 0);
    let notes = v["notes"].to_string();
    assert!(
        notes.contains("1 observed timeout(s) of 'one' ran the full 3 s and were cut there: under timeout_s = 10 the Poisson arrivals that draw their durations run as 3 s successes"),
        "{notes}"
    );
    assert!(notes.contains("MB, timeout 10 s, keep-alive"), "{notes}");
}
