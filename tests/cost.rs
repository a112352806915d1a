//! Integration tests of `faascope cost`, `tune` and `pricing`: the real binary on the calculator
//! examples of the issue, on sample-data and on bad price files.

use predicates::prelude::*;
use serde_json::Value;

mod common;
use common::{faascope, root};

fn json_of(args: &[&str]) -> Value {
    let out = faascope()
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// 128 MB, 5,000,000 invocations of 5 s, with the free tier. The catalog's rate
/// ($0.0000166667/GB-s, AWS Price List 2025-10-01) gives $45.42 of compute; AWS's published
/// example arithmetic uses the rounded $0.00001667 and gets $45.43, reproduced with that rate as
/// a --pricing override.
#[test]
fn classic_example_128mb_5m_5s() {
    let args = [
        "cost",
        "--requests",
        "5000000",
        "--duration-ms",
        "5000",
        "--memory-mb",
        "128",
        "--free-tier",
    ];
    let v = json_of(&args);
    let od = &v["functions"][0]["on_demand"];
    assert_eq!(f(&od["compute_usd"]), 45.42);
    assert_eq!(f(&od["requests_usd"]), 0.80);
    let mut with_rate = args.to_vec();
    with_rate.extend([
        "--pricing",
        "tests/fixtures/pricing/published-example-rate.toml",
    ]);
    let v2 = json_of(&with_rate);
    let od = &v2["functions"][0]["on_demand"];
    assert_eq!(f(&od["compute_usd"]), 45.43);
    assert_eq!(f(&od["requests_usd"]), 0.80);
    // The output says whose prices these are: the day they are in effect, the files applied
    // over the built-in sheets, and a fingerprint of the Lambda figures that follows them.
    let (p1, p2) = (&v["prices"], &v2["prices"]);
    assert_eq!(p1["as_of"], "2025-10-01");
    assert_eq!(p1["override_files"].as_array().map(Vec::len), Some(0));
    assert_eq!(
        p2["override_files"][0],
        "tests/fixtures/pricing/published-example-rate.toml"
    );
    let fp = |p: &Value| p["lambda_fingerprint"].as_str().unwrap_or("").to_string();
    assert!(fp(p1).starts_with("fnv1a64:"), "{p1}");
    assert_ne!(fp(p1), fp(p2));
    let out = faascope().args(&with_rate).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines().nth(1).is_some_and(|l| l.starts_with(
            "Prices as of 2025-10-01 (built-in price sheets with tests/fixtures/pricing/published-example-rate.toml applied"
        )),
        "{text}"
    );
}

#[test]
fn classic_example_512mb_200k_10s() {
    let v = json_of(&[
        "cost",
        "--requests",
        "200000",
        "--duration-ms",
        "10000",
        "--memory-mb",
        "512",
        "--free-tier",
    ]);
    let od = &v["functions"][0]["on_demand"];
    assert_eq!(f(&od["compute_usd"]), 10.00);
    assert_eq!(f(&od["requests_usd"]), 0.00);
    // Without the free tier: 1,000,000 GB-s × $0.0000166667 and 0.2 M × $0.20.
    let v = json_of(&[
        "cost",
        "--requests",
        "200000",
        "--duration-ms",
        "10000",
        "--memory-mb",
        "512",
    ]);
    let od = &v["functions"][0]["on_demand"];
    assert_eq!(f(&od["compute_usd"]), 16.67);
    assert_eq!(f(&od["requests_usd"]), 0.04);
}

#[test]
fn cost_of_sample_data_names_every_function_with_options_cheapest_and_range() {
    let v = json_of(&["cost", "sample-data", "--function-arch", "geo-lookup=arm64"]);
    let fns = v["functions"].as_array().unwrap();
    assert_eq!(fns.len(), 8);
    assert!(matches!(v["basis"]["kind"].as_str(), Some("observed")));
    // Three days of data, whole hours: 72 h, and a day-to-day range.
    assert_eq!(f(&v["basis"]["window_hours"]), 72.0);
    let mut on_demand_sum = 0.0;
    // Functions whose quietest and busiest day differ by a cent or more.
    let mut with_range = 0;
    for func in fns {
        let name = func["function"].as_str().unwrap();
        let options = func["options"].as_array().unwrap();
        assert!(options.len() >= 10, "{name}: {} options", options.len());
        let ids: Vec<&str> = options.iter().map(|o| o["id"].as_str().unwrap()).collect();
        assert!(ids.contains(&"lambda-on-demand"), "{name}");
        assert!(ids.iter().any(|i| i.starts_with("lambda-pc-")), "{name}");
        assert!(ids.iter().any(|i| i.starts_with("azure-")), "{name}");
        assert!(ids.iter().any(|i| i.starts_with("gcp-")), "{name}");
        let cheapest = func["cheapest"].as_str().unwrap();
        let cheapest_usd = options
            .iter()
            .find(|o| o["id"] == cheapest)
            .map(|o| f(&o["monthly_usd"]["typical"]))
            .unwrap();
        for o in options {
            assert!(f(&o["monthly_usd"]["typical"]) >= cheapest_usd, "{name}");
        }
        let od = &func["on_demand"];
        let r = &od["range_usd"];
        assert!(f(&r["low"]) <= f(&r["typical"]) && f(&r["typical"]) <= f(&r["high"]));
        if f(&r["low"]) < f(&r["high"]) {
            with_range += 1;
        }
        let saving = f(&func["monthly_saving_usd"]["typical"]);
        assert!(
            (saving - (f(&od["total_usd"]) - cheapest_usd)).abs() < 0.011,
            "{name}"
        );
        on_demand_sum += f(&od["total_usd"]);
        if name == "geo-lookup" {
            assert_eq!(func["arch"], "arm64");
        }
    }
    assert!(
        with_range >= 4,
        "{with_range} functions with a day-to-day range"
    );
    assert!((f(&v["account"]["on_demand_usd"]["typical"]) - on_demand_sum).abs() < 0.05);
}

#[test]
fn cost_table_and_markdown_render() {
    faascope()
        .args(["cost", "sample-data"])
        .assert()
        .success()
        .stdout(predicate::str::contains("orders-api"))
        .stdout(predicate::str::contains("cheapest"))
        .stdout(predicate::str::contains("Assumptions:"));
    faascope()
        .args([
            "cost",
            "sample-data",
            "--format",
            "markdown",
            "--provider",
            "aws",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("| function |"))
        .stdout(predicate::str::contains("Azure").not());
    faascope()
        .args(["cost", "sample-data", "--format", "csv"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "function,option,name,family,usd_low,usd_typical,usd_high,cheapest,not_priced,over_capacity\n",
        ));
    // An option that could not be priced is a row with its reason and no amounts.
    let out = faascope()
        .args(["cost", "sample-data", "--format", "csv"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let fargate = text
        .lines()
        .find(|l| l.starts_with("legacy-thumbnailer,fargate-x86_64,"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        fargate.starts_with(
            "legacy-thumbnailer,fargate-x86_64,fargate-x86_64,,,,,false,a 3008 MB function does not fit Fargate task"
        ),
        "{fargate}"
    );
}

#[test]
fn tune_flags_the_over_provisioned_function_with_its_saving() {
    let v = json_of(&["tune", "sample-data"]);
    let rows = v.as_array().unwrap();
    assert_eq!(rows.len(), 8);
    let t = rows
        .iter()
        .find(|r| r["name"] == "legacy-thumbnailer")
        .unwrap();
    assert_eq!(t["current_memory_mb"], 3008);
    assert!(t["change"].as_bool().unwrap());
    assert!(t["recommended_memory_mb"].as_u64().unwrap() < 3008);
    let saving: f64 = t["monthly_saving_usd"].as_str().unwrap().parse().unwrap();
    assert!(saving > 0.0, "saving {saving}");
    assert!(!t["curve"].as_array().unwrap().is_empty());
    faascope()
        .args(["tune", "sample-data", "--function", "legacy", "--curve"])
        .assert()
        .success()
        .stdout(predicate::str::contains("cost vs memory"))
        .stdout(predicate::str::contains("recommended"));
}

#[test]
fn pricing_list_and_show_carry_sources_and_dates() {
    faascope()
        .args(["pricing", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("aws-lambda"))
        .stdout(predicate::str::contains("azure-functions"))
        .stdout(predicate::str::contains("2025-10-01"));
    let v = json_of(&["pricing", "show", "aws-lambda"]);
    let figures = v["figures"].as_array().unwrap();
    assert!(figures.len() > 20);
    for fig in figures {
        assert!(!fig["source_title"].as_str().unwrap().is_empty(), "{fig}");
        assert!(fig["effective_date"].as_str().unwrap().len() == 10, "{fig}");
    }
    faascope()
        .args(["pricing", "show", "no-such-offering"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no-such-offering"));
}

#[test]
fn bad_price_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.toml");
    std::fs::write(
        &p,
        "schema_version = 1\n[offering]\nid = \"aws-lambda\"\n[[price]]\nkey = \"requests\"\nusd = \"1\"\nunit = \"usd_per_parsec\"\nsource = \"x\"\neffective_date = 2025-01-01\n",
    )
    .unwrap();
    faascope()
        .args([
            "cost",
            "--requests",
            "1",
            "--duration-ms",
            "1",
            "--memory-mb",
            "128",
        ])
        .arg("--pricing")
        .arg(&p)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.toml"));
    faascope()
        .args([
            "cost",
            "sample-data",
            "--requests",
            "1",
            "--duration-ms",
            "1",
            "--memory-mb",
            "128",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not both"));
}

#[test]
fn plots_render_to_png_and_svg() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("curve.svg");
    faascope()
        .args([
            "plot",
            "cost-curve",
            "sample-data",
            "--function",
            "legacy-thumbnailer",
            "--out",
        ])
        .arg(&svg)
        .assert()
        .success();
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<svg"), "{}", &text[..text.len().min(80)]);
    // Text asks the viewer for fonts it can have, not the name registered for PNG drawing.
    assert!(text.contains("font-family=\"DejaVu Sans,") && !text.contains("faascope-sans"));
    assert!(text.contains("Monthly cost vs memory size"));
    assert!(text.contains("legacy-thumbnailer recommended"));
    let png = dir.path().join("pc.png");
    faascope()
        .args([
            "plot",
            "break-even",
            "sample-data",
            "--function",
            "^orders-api$",
            "--out",
        ])
        .arg(&png)
        .assert()
        .success();
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    assert!(bytes.len() > 10_000, "{} bytes", bytes.len());
    // Kept without --force; replaced with it.
    faascope()
        .args([
            "plot",
            "break-even",
            "sample-data",
            "--function",
            "^orders-api$",
            "--out",
        ])
        .arg(&png)
        .assert()
        .code(2);
    faascope()
        .args([
            "plot",
            "break-even",
            "sample-data",
            "--function",
            "^orders-api$",
            "--force",
            "--out",
        ])
        .arg(&png)
        .assert()
        .success();
    // Break-even is for one function.
    faascope()
        .args(["plot", "break-even", "sample-data", "--out"])
        .arg(dir.path().join("x.png"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--function"));
    // The cost curve is tune's: the charges tune does not price are refused, not ignored.
    for flags in [
        ["--function-snapstart", "catalog-snapstart=python"],
        ["--ephemeral-storage-mb", "10240"],
    ] {
        let out = dir.path().join("refused.svg");
        faascope()
            .args(["plot", "cost-curve", "sample-data"])
            .args(flags)
            .arg("--out")
            .arg(&out)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "`faascope plot cost-curve` prices compute only",
            ));
        assert!(!out.exists());
    }
}

/// The month is projected from the run's window, not from the functions `--function` picks:
/// one function costs the same alone as beside the others; `--since`/`--until` set the window.
#[test]
fn projection_window_is_the_runs_and_since_until_set_it() {
    let cost_of = |v: &Value, name: &str| {
        let func = v["functions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["function"] == name)
            .unwrap_or_else(|| panic!("no {name}"));
        f(&func["on_demand"]["total_usd"])
    };
    let all = json_of(&["cost", "sample-data"]);
    let one = json_of(&["cost", "sample-data", "--function", "^image"]);
    assert_eq!(f(&one["basis"]["window_hours"]), 72.0);
    assert_eq!(cost_of(&all, "image-batch"), cost_of(&one, "image-batch"));
    // --since/--until narrow the window, and never widen it past the data.
    let wide = json_of(&[
        "cost",
        "sample-data",
        "--function",
        "^image",
        "--since",
        "2025-08-01T00:00:00Z",
        "--until",
        "2025-10-01T00:00:00Z",
    ]);
    assert_eq!(f(&wide["basis"]["window_hours"]), 72.0);
    assert_eq!(cost_of(&wide, "image-batch"), cost_of(&all, "image-batch"));
    let narrow = json_of(&["cost", "sample-data", "--since", "2025-09-02T00:00:00Z"]);
    assert_eq!(f(&narrow["basis"]["window_hours"]), 48.0);
    // Nothing selected: still a JSON document, with no window.
    let none = json_of(&["cost", "sample-data", "--function", "^no-such"]);
    assert!(none["functions"].as_array().unwrap().is_empty());
    assert!(none["basis"]["window_start"].is_null());
}

#[test]
fn misspelt_names_and_meaningless_options_are_errors() {
    for (args, says) in [
        (
            vec!["cost", "sample-data", "--function-arch", "geo-lokup=arm64"],
            "--function-arch geo-lokup: no function of that name",
        ),
        (
            vec![
                "tune",
                "sample-data",
                "--function-region",
                "ordersapi=eu-west-1",
            ],
            "--function-region ordersapi: no function of that name",
        ),
        (
            vec![
                "cost",
                "sample-data",
                "--provider",
                "aws",
                "--compare",
                "azure",
            ],
            "--compare names no option of the --provider",
        ),
        (
            vec!["cost", "sample-data", "--per-instance-concurrency", "0"],
            "--per-instance-concurrency",
        ),
        (
            vec![
                "cost",
                "--requests",
                "1000",
                "--duration-ms",
                "100",
                "--memory-mb",
                "64",
            ],
            "memory_mb = 64 is outside Lambda's range of 128 to 10240 MB",
        ),
        (
            vec![
                "cost",
                "--requests",
                "1000",
                "--duration-ms",
                "100",
                "--memory-mb",
                "128",
                "--init-ms",
                "300",
            ],
            "give --cold-ratio too",
        ),
    ] {
        faascope()
            .args(&args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(says));
    }
    // A function --function leaves out is still a known name.
    faascope()
        .args([
            "cost",
            "sample-data",
            "--function",
            "^orders",
            "--function-arch",
            "geo-lookup=arm64",
        ])
        .assert()
        .success();
}

#[test]
fn csv_cells_are_plain_values_and_markdown_notes_leave_the_table() {
    let out = faascope()
        .args(["cost", "sample-data", "--format", "csv"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let mut families = std::collections::BTreeSet::new();
    // Priced rows end `usd_low,usd_typical,usd_high,cheapest,,` (no reason, within capacity);
    // the name before them may be quoted with commas inside, so the amounts are counted from
    // the end.
    for line in text
        .lines()
        .skip(1)
        .filter(|l| l.ends_with(",true,,") || l.ends_with(",false,,"))
    {
        let cells: Vec<&str> = line.split(',').collect();
        let n = cells.len();
        families.insert(cells[3].to_string());
        for usd in &cells[n - 6..n - 3] {
            let (_, cents) = usd.split_once('.').unwrap_or_else(|| panic!("{line}"));
            assert_eq!(cents.len(), 2, "{line}");
        }
    }
    assert!(families.contains("lambda_on_demand"), "{families:?}");
    let out = faascope()
        .args(["tune", "sample-data", "--format", "csv"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for row in text.lines().skip(1) {
        assert!(!row.contains('←') && !row.contains('$'), "{row}");
    }
    let out = faascope()
        .args(["cost", "sample-data", "--format", "markdown"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    for w in lines.windows(2) {
        if w[1].starts_with("note:") {
            assert!(
                !w[0].starts_with('|'),
                "a note right under a table row: {w:?}"
            );
        }
    }
}

#[test]
fn tune_for_cost_never_recommends_a_dearer_size() {
    let v = json_of(&["tune", "sample-data"]);
    for r in v.as_array().unwrap() {
        let saving: f64 = r["monthly_saving_usd"].as_str().unwrap().parse().unwrap();
        assert!(saving >= 0.0, "{}: {saving}", r["name"]);
    }
}

/// A Savings Plan commitment is hourly: image-batch runs in a few hours a day, so no plan saves
/// it anything; steady functions still get the plan's discount.
#[test]
fn savings_plans_follow_the_hourly_usage() {
    let v = json_of(&["cost", "sample-data"]);
    let option = |name: &str, id: &str| -> f64 {
        let func = v["functions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["function"] == name)
            .unwrap();
        let o = func["options"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["id"] == id)
            .unwrap_or_else(|| panic!("{name}: no {id}"));
        f(&o["monthly_usd"]["typical"])
    };
    let batch_od = option("image-batch", "lambda-on-demand");
    assert_eq!(option("image-batch", "lambda-sp-all-upfront"), batch_od);
    assert!(
        option("orders-api", "lambda-sp-all-upfront") < option("orders-api", "lambda-on-demand")
    );
}

/// Every format marks assumptions and names the file of each figure (readme4 review: only
/// JSON did, so an override citing a built-in source looked built in).
#[test]
fn pricing_show_marks_assumptions_in_every_format() {
    for format in ["table", "csv", "markdown"] {
        faascope()
            .args(["pricing", "show", "aws-lambda", "--format", format])
            .assert()
            .success()
            .stdout(predicate::str::contains("ASSUMPTION"))
            .stdout(predicate::str::contains("pricing/aws-lambda.toml"));
    }
}

/// What logs cannot tell, given as flags: a Python/.NET SnapStart function pays its cache and
/// restores; ephemeral storage above 512 MB is billed.
#[test]
fn snapstart_and_ephemeral_storage_are_priced_when_given() {
    let on_demand = |extra: &[&str]| {
        let mut args = vec!["cost", "sample-data", "--function", "^catalog-snapstart$"];
        args.extend_from_slice(extra);
        let v = json_of(&args);
        v["functions"][0]["on_demand"].clone()
    };
    let plain = on_demand(&[]);
    assert_eq!(f(&plain["snapstart_usd"]), 0.0);
    assert_eq!(f(&plain["ephemeral_storage_usd"]), 0.0);
    let python = on_demand(&["--function-snapstart", "catalog-snapstart=python"]);
    // One active version at 2048 MB: 2 GB × 2,628,000 s × $0.0000015046 = $7.91 of cache a month,
    // plus the restores.
    assert!(f(&python["snapstart_usd"]) >= 7.91, "{python}");
    let java = on_demand(&["--function-snapstart", "catalog-snapstart=java"]);
    assert_eq!(f(&java["snapstart_usd"]), 0.0);
    // Provisioned concurrency means SnapStart off (the two do not combine): its option costs
    // the same with the flag as without, and bills no SnapStart line.
    let pc = |extra: &[&str]| {
        let mut args = vec![
            "cost",
            "sample-data",
            "--function",
            "^catalog-snapstart$",
            "--provisioned",
            "2",
            "--compare",
            "provisioned",
        ];
        args.extend_from_slice(extra);
        let v = json_of(&args);
        v["functions"][0]["options"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["id"] == "lambda-pc-2")
            .cloned()
            .unwrap()
    };
    // The table's line per function names the parts that make its on-demand total, as money.
    let out = faascope()
        .args([
            "cost",
            "sample-data",
            "--function",
            "^catalog-snapstart$",
            "--function-snapstart",
            "catalog-snapstart=python",
            "--compare",
            "lambda",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.starts_with("catalog-snapstart: on demand $"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        line.contains("(requests $0.")
            && line.contains(", compute $")
            && line.contains(", SnapStart $"),
        "{line}"
    );
    let with = pc(&["--function-snapstart", "catalog-snapstart=python:2"]);
    assert_eq!(with["monthly_usd"], pc(&[])["monthly_usd"]);
    assert!(!with.to_string().contains("SnapStart cache"), "{with}");
    // image-batch runs long: 9.5 GB above the included 512 MB over ~312,000 s a month, at
    // $0.0000000309 per GB-s, is $0.09.
    let v = json_of(&[
        "cost",
        "sample-data",
        "--function",
        "^image-batch$",
        "--ephemeral-storage-mb",
        "10240",
    ]);
    let storage = f(&v["functions"][0]["on_demand"]["ephemeral_storage_usd"]);
    assert!((storage - 0.09).abs() < 0.005, "{storage}");
    faascope()
        .args([
            "cost",
            "sample-data",
            "--function-storage",
            "catalog-snapstart=100",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("from 512 to 10240"));
}

/// The option with `id` of the first function, or `None`.
fn option<'a>(v: &'a Value, id: &str) -> Option<&'a Value> {
    v["functions"][0]["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == id)
}

/// Why option `id` of the first function is unavailable, or `None`.
fn unavailable<'a>(v: &'a Value, id: &str) -> Option<&'a str> {
    v["functions"][0]["unavailable"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["option"] == id)
        .and_then(|u| u["reason"].as_str())
}

/// A 10,240 MB function does not fit a 2 GB Fargate task, an 8 GB EC2 instance, Azure's EP1 /
/// EP2 or any Flex instance: those options are unavailable (with the reason), never priced as if
/// it fitted, and never named cheapest. EP3 (14 GB) holds it, with a note that it has less CPU
/// than Lambda gives 10,240 MB.
#[test]
fn capacity_options_must_hold_the_function() {
    // 525,600 invocations of 10 s a month keep 2 environments busy on average.
    let big = json_of(&[
        "cost",
        "--requests",
        "525600",
        "--duration-ms",
        "10000",
        "--memory-mb",
        "10240",
    ]);
    for id in [
        "fargate-x86_64",
        "fargate-arm64",
        "ec2-m7g.large",
        "ec2-m7g.large-reserved",
        "ec2-c7g.large",
        "ec2-c7g.xlarge",
        "ec2-c7i.xlarge-reserved",
        "azure-premium-ep1",
        "azure-premium-ep2",
        "azure-flex",
    ] {
        assert!(
            option(&big, id).is_none(),
            "{id} priced for a 10 GB function"
        );
        let why = unavailable(&big, id).unwrap_or_else(|| panic!("{id} not listed"));
        assert!(
            why.contains("a 10240 MB function does not fit"),
            "{id}: {why}"
        );
    }
    let cheapest = big["functions"][0]["cheapest"].as_str().unwrap();
    assert!(
        !cheapest.starts_with("fargate") && !cheapest.starts_with("ec2"),
        "{cheapest}"
    );
    let ep3 = option(&big, "azure-premium-ep3").expect("EP3 holds 10 GB");
    assert!(
        ep3["assumptions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a.as_str().unwrap().contains("EP3 has 4 vCPU, less than")),
        "{ep3}"
    );
    // A 1,024 MB function fits them all.
    let small = json_of(&[
        "cost",
        "--requests",
        "525600",
        "--duration-ms",
        "10000",
        "--memory-mb",
        "1024",
    ]);
    for id in [
        "fargate-arm64",
        "ec2-m7g.large",
        "azure-premium-ep1",
        "azure-flex",
    ] {
        assert!(option(&small, id).is_some(), "{id} missing for 1 GB");
    }
}

/// Absurd figures are refused when the price file loads (the sanity bound of pricing/README.md),
/// naming the unit to use: no panic, no silent 3,600× bill.
#[test]
fn absurd_price_files_are_refused_with_the_bound() {
    for (file, says) in [
        (
            "decimal-max.toml",
            "above the sanity bound of $0.001 per GB-second",
        ),
        ("per-hour-in-per-second-field.toml", "usd_per_gb_hour"),
        ("memory-per-vcpu-zero.toml", "rule `memory_per_vcpu` = 0"),
    ] {
        let path = format!("tests/fixtures/pricing/{file}");
        faascope()
            .args([
                "cost",
                "--requests",
                "1000000",
                "--duration-ms",
                "100",
                "--memory-mb",
                "1024",
                "--pricing",
                &path,
            ])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(file).and(predicate::str::contains(says)))
            .stderr(predicate::str::contains("panicked").not());
    }
}

/// An override without `regions` applies in every region, over the built-in sheet's regional
/// figures too (pricing/README.md, "Precedence").
#[test]
fn an_override_without_regions_wins_in_every_region() {
    for region in ["us-east-1", "af-south-1", "ap-east-1"] {
        let v = json_of(&[
            "cost",
            "--requests",
            "10000000",
            "--duration-ms",
            "100",
            "--memory-mb",
            "1024",
            "--compare",
            "lambda",
            "--region",
            region,
            "--pricing",
            "tests/fixtures/pricing/all-regions-override.toml",
        ]);
        let lines = v["functions"][0]["options"][0]["breakdown"]
            .as_array()
            .unwrap();
        assert_eq!(lines[0]["usd_per_unit"], "0.0000001", "{region}");
        assert_eq!(lines[1]["usd_per_unit"], "0.00001", "{region}");
        // 10M × $0.10/M + 1,000,000 GB-s × $0.00001.
        assert_eq!(
            f(&v["functions"][0]["on_demand"]["total_usd"]),
            11.0,
            "{region}"
        );
    }
}

/// An override wins by the order it is applied, not by its file name: one saved as
/// `pricing/aws-lambda.toml` (the built-in sheet's name) in another directory, or a file given
/// twice, is still the later layer.
#[test]
fn an_override_named_like_the_built_in_sheet_still_wins() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("pricing")).unwrap();
    let fixture = root().join("tests/fixtures/pricing/all-regions-override.toml");
    std::fs::copy(&fixture, dir.path().join("pricing/aws-lambda.toml")).unwrap();
    let on_demand = |pricing: &[&str]| -> f64 {
        let mut c = faascope();
        c.current_dir(dir.path()).args([
            "cost",
            "--requests",
            "10000000",
            "--duration-ms",
            "100",
            "--memory-mb",
            "1024",
            "--compare",
            "lambda",
            "--format",
            "json",
        ]);
        for p in pricing {
            c.args(["--pricing", p]);
        }
        let out = c.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        f(&v["functions"][0]["on_demand"]["total_usd"])
    };
    // 10M × $0.10/M + 1,000,000 GB-s × $0.00001, as in the test above.
    assert_eq!(on_demand(&["pricing/aws-lambda.toml"]), 11.0);
    let fixture = fixture.to_string_lossy().into_owned();
    assert_eq!(on_demand(&[&fixture, "pricing/aws-lambda.toml"]), 11.0);
}

/// Outside us-east-1 a Savings Plan takes its us-east-1 discount ratio off the region's own
/// rate (facts.md §1.9: up to 17 %), not us-east-1's absolute rate (38 % off in af-south-1).
#[test]
fn savings_plans_keep_their_discount_ratio_in_other_regions() {
    // (region, x86 tier-1 on-demand rate of facts.md §1.2)
    for (region, on_demand) in [
        ("us-east-1", 0.0000166667),
        ("af-south-1", 0.0000221),
        ("eu-south-1", 0.0000195172),
    ] {
        let v = json_of(&[
            "cost",
            "--requests",
            "1000000",
            "--duration-ms",
            "1000",
            "--memory-mb",
            "1024",
            "--region",
            region,
            "--compare",
            "savings-plan",
        ]);
        for (plan, us_east_1_rate) in [("no-upfront", 0.0000147), ("all-upfront", 0.0000138)] {
            let o = option(&v, &format!("lambda-sp-{plan}")).unwrap();
            let rate: f64 = o["breakdown"][0]["usd_per_unit"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap();
            let expected = us_east_1_rate / 0.0000166667 * on_demand;
            assert!(
                (rate - expected).abs() < 1e-12,
                "{region} {plan}: {rate} vs {expected}"
            );
            let discount = 1.0 - rate / on_demand;
            assert!(discount <= 0.175, "{region} {plan}: {discount}");
        }
    }
    // An override making on demand cheaper than the plan's rate: the plan is no dearer than
    // on demand (no negative discount carried over to another region).
    let v = json_of(&[
        "cost",
        "--requests",
        "1000000",
        "--duration-ms",
        "1000",
        "--memory-mb",
        "1024",
        "--region",
        "af-south-1",
        "--compare",
        "savings-plan",
        "--pricing",
        "tests/fixtures/pricing/all-regions-override.toml",
    ]);
    for plan in ["no-upfront", "all-upfront"] {
        let o = option(&v, &format!("lambda-sp-{plan}")).unwrap();
        assert_eq!(o["breakdown"][0]["usd_per_unit"], "0.00001", "{plan}");
        let notes = o["assumptions"].to_string();
        assert!(notes.contains("(0% off tier-1 duration"), "{plan}: {notes}");
    }
}

/// `--function` shows some functions of the account; their cost under account-level pricing
/// (free tier, volume tiers) is what it is beside the others, and the totals are the selection's.
#[test]
fn function_filter_keeps_the_accounts_pricing() {
    let all = json_of(&["cost", "sample-data", "--free-tier", "--compare", "lambda"]);
    let one = json_of(&[
        "cost",
        "sample-data",
        "--free-tier",
        "--compare",
        "lambda",
        "--function",
        "image-batch",
    ]);
    let image = all["functions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["function"] == "image-batch")
        .unwrap();
    assert_eq!(one["functions"].as_array().unwrap().len(), 1);
    assert_eq!(one["functions"][0]["on_demand"], image["on_demand"]);
    assert_eq!(
        f(&one["account"]["on_demand_usd"]["typical"]),
        f(&image["on_demand"]["total_usd"])
    );
}

/// The all-upfront Savings Plan of the classic example: the plan-rate line ($37.605 → $37.61),
/// the requests ($0.80), the total and the commitment text agree to the cent (nothing divided
/// by 730 and multiplied back).
#[test]
fn savings_plan_lines_total_and_commitment_agree() {
    let v = json_of(&[
        "cost",
        "--requests",
        "5000000",
        "--duration-ms",
        "5000",
        "--memory-mb",
        "128",
        "--free-tier",
    ]);
    let o = option(&v, "lambda-sp-all-upfront").unwrap();
    let lines: Vec<f64> = o["breakdown"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| f(&l["usd"]))
        .collect();
    assert_eq!(lines, vec![37.61, 0.80]);
    assert_eq!(f(&o["monthly_usd"]["typical"]), 38.41);
    let commitment = o["assumptions"][0].as_str().unwrap();
    assert!(commitment.contains("($37.61/month)"), "{commitment}");
}

/// `tune` warns when the memory floor is above Lambda's 10,240 MB (and recommends the
/// maximum), and refuses meaningless --threads / --headroom.
#[test]
fn tune_warns_about_an_unreachable_floor_and_validates_its_options() {
    let out = faascope()
        .args(["tune", "tests/fixtures/cost/tune-floor", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["memory_floor_mb"], 11400);
    assert_eq!(v[0]["recommended_memory_mb"], 10240);
    assert!(v[0]["warnings"][0]
        .as_str()
        .unwrap()
        .contains("above Lambda's maximum of 10240 MB"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: huge-fn: the memory floor 11400 MB"),
        "{stderr}"
    );
    for bad in [["--threads", "0"], ["--headroom", "100000"]] {
        faascope()
            .args(["tune", "tests/fixtures/cost/tune-floor"])
            .args(bad)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(bad[0]));
    }
}

/// Function names from the logs reach an SVG's text without control characters (valid XML);
/// a --function that matches nothing says so.
#[test]
fn plot_text_is_sanitized_and_an_empty_filter_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("evil.svg");
    faascope()
        .args(["plot", "cost-curve", "tests/fixtures/cost/evil", "--out"])
        .arg(&out)
        .assert()
        .success();
    let svg = std::fs::read_to_string(&out).unwrap();
    assert!(
        svg.contains("evilRED"),
        "the name is kept, without its escapes"
    );
    for c in ['\u{1b}', '\u{7}', '\u{8}', '\r'] {
        assert!(!svg.contains(c), "{c:?} in the SVG");
    }
    faascope()
        .args([
            "plot",
            "cost-curve",
            "tests/fixtures/cost/evil",
            "--function",
            "nomatch",
            "--out",
        ])
        .arg(dir.path().join("none.svg"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--function matched none of the 1 function(s)",
        ));
    // A window that leaves nothing is said as `report` says it, in cost, tune and plot (tenth-
    // round cross-command review: "no invocations with a time were found" of timed logs).
    for cmd in [
        vec!["cost", "sample-data", "--until", "2025-08-01"],
        vec!["tune", "sample-data", "--until", "2025-08-01"],
        vec![
            "plot",
            "cost-curve",
            "sample-data",
            "--function",
            "^nightly-report$",
            "--since",
            "2025-09-02T10:05:00Z",
            "--until",
            "2025-09-02T10:10:00Z",
            "--out",
        ],
    ] {
        let mut c = faascope();
        c.args(&cmd);
        if cmd[0] == "plot" {
            c.arg(dir.path().join("window.svg"));
        }
        c.assert().stderr(
            predicate::str::contains("none of the 95039 invocation(s) read")
                .and(predicate::str::contains("nightly-report"))
                .and(predicate::str::contains("no invocations with a time").not()),
        );
    }
}

/// Review of 2026-12-07: with --since/--until, the invocations without a time the window leaves
/// out were not said by `cost` (table and JSON), `tune` nor `plot`, where `report` says them
/// and `cost` without a window does.
#[test]
fn a_window_says_the_untimed_invocations_it_leaves_out() {
    let dir = tempfile::tempdir().unwrap();
    let timed = "2025-09-02T10:00:00.000Z\tREPORT RequestId: 21111111-1111-1111-1111-111111111111\tDuration: 12.3 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\n";
    let untimed = "REPORT RequestId: 11111111-1111-1111-1111-111111111111\tDuration: 12.3 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\n";
    let both = dir.path().join("both.log");
    std::fs::write(&both, format!("{timed}{untimed}")).unwrap();
    let only = dir.path().join("only.log");
    std::fs::write(&only, untimed).unwrap();
    let said = "1 invocation(s) of fn have no time";
    for (file, window) in [
        (&both, "2025-09-02T09:00:00Z"),
        (&only, "2025-09-02T09:00:00Z"),
    ] {
        // Both streams: the table's notes go with it on stdout.
        let both_streams = |cmd: &str| {
            let out = faascope()
                .args([cmd, "--function-name", "fn", "--since", window])
                .arg(file)
                .output()
                .unwrap();
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )
        };
        // cost: the table's notes, and JSON's count.
        let all = both_streams("cost");
        assert!(all.contains(said), "{all}");
        let json = faascope()
            .args([
                "cost",
                "--function-name",
                "fn",
                "--format",
                "json",
                "--since",
                window,
            ])
            .arg(file)
            .output()
            .unwrap();
        let doc: Value = serde_json::from_slice(&json.stdout).unwrap();
        assert_eq!(doc["basis"]["untimed_invocations_left_out"], 1, "{doc}");
        // tune and plot.
        let all = both_streams("tune");
        assert!(all.contains("have no time"), "{all}");
        let out = faascope()
            .args([
                "plot",
                "cost-curve",
                "--function-name",
                "fn",
                "--since",
                window,
                "--out",
            ])
            .arg(dir.path().join("c.svg"))
            .arg(file)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(said), "{stderr}");
        let _ = std::fs::remove_file(dir.path().join("c.svg"));
        // --strict fails on them, as without a window.
        faascope()
            .args([
                "cost",
                "--strict",
                "--function-name",
                "fn",
                "--since",
                window,
            ])
            .arg(file)
            .assert()
            .code(2);
    }
}

/// Third-round README review: `plot` dropped malformed records and untimed invocations without
/// a word and ignored --strict, where every other command says them and exits 2.
#[test]
fn plot_cost_curve_gives_tunes_notes() {
    // Tenth-round plot review: sizes left off because the function would time out there went
    // unexplained (tune says so in a note).
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("to.log");
    let lines: String = (0..40)
        .map(|i| {
            let (d, status) = if i % 10 == 0 {
                ("3000.00".to_string(), "\tStatus: timeout")
            } else {
                (format!("{}.00", 1700 + i * 5), "")
            };
            format!(
                "2025-09-01T00:{:02}:00.000Z REPORT RequestId: 11111111-aaaa-bbbb-cccc-0000000000{i:02}\tDuration: {d} ms\tBilled Duration: {} ms\tMemory Size: 1024 MB\tMax Memory Used: 100 MB{status}\n",
                i,
                d.trim_end_matches(".00")
            )
        })
        .collect();
    std::fs::write(&log, lines).unwrap();
    let tune = faascope()
        .args([
            "tune",
            log.to_str().unwrap(),
            "--function-name",
            "to",
            "--format",
            "csv",
        ])
        .output()
        .unwrap();
    let tune_err = String::from_utf8_lossy(&tune.stderr);
    assert!(tune_err.contains("note: to: not allowed"), "{tune_err}");
    let out = faascope()
        .args([
            "plot",
            "cost-curve",
            log.to_str().unwrap(),
            "--function-name",
            "to",
            "--out",
        ])
        .arg(dir.path().join("to.svg"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("note: to: not allowed"), "{err}");
}

#[test]
fn plot_says_its_skips_and_honours_strict() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir(&logs).unwrap();
    std::fs::copy(
        root().join("sample-data/logs-tail/nightly-report.txt"),
        logs.join("nightly-report.txt"),
    )
    .unwrap();
    // One malformed REPORT (no such size) and two without a time, of the same function.
    std::fs::write(
        logs.join("bad.log"),
        "REPORT RequestId: 11111111-aaaa-bbbb-cccc-dddddddddddd\tDuration: 10.0 ms\tBilled Duration: 10 ms\tMemory Size: 20480 MB\tMax Memory Used: 50 MB\t\n",
    )
    .unwrap();
    std::fs::write(
        logs.join("nightly-report.log"),
        "REPORT RequestId: 11111111-aaaa-bbbb-cccc-000000000001\tDuration: 10.0 ms\tBilled Duration: 10 ms\tMemory Size: 1024 MB\tMax Memory Used: 50 MB\t\n\
         REPORT RequestId: 11111111-aaaa-bbbb-cccc-000000000002\tDuration: 10.0 ms\tBilled Duration: 10 ms\tMemory Size: 1024 MB\tMax Memory Used: 50 MB\t\n",
    )
    .unwrap();
    for kind in ["cost-curve", "break-even"] {
        let chart = dir.path().join(format!("{kind}.svg"));
        let plot = || {
            let mut c = faascope();
            c.args(["plot", kind])
                .arg(&logs)
                .args(["--function", "nightly", "--out"])
                .arg(&chart);
            c
        };
        plot()
            .arg("--strict")
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "bad.log:1: REPORT field is not a number in range",
            ))
            .stderr(predicate::str::contains(
                "error: --strict: 1 record(s) were skipped as malformed",
            ))
            .stderr(predicate::str::contains(
                "error: --strict: 2 invocation(s) have no time and were not priced",
            ))
            .stderr(predicate::str::contains("nothing plotted"));
        assert!(!chart.exists(), "{kind}: no chart under --strict");
        plot()
            .assert()
            .success()
            .stderr(predicate::str::contains(
                "warning: skipped 1 malformed record(s)",
            ))
            .stderr(predicate::str::contains(
                "note: 2 invocation(s) of nightly-report have no time",
            ));
        assert!(chart.exists(), "{kind}: drawn without --strict");
    }
}

/// Third-round cross-command review: `tune` over sources with no invocation (traces only)
/// printed an empty table without a word, where `cost` says "nothing to price".
#[test]
fn tune_without_invocations_says_so() {
    for cmd in ["tune", "cost"] {
        faascope()
            .args([cmd, "sample-data/xray"])
            .assert()
            .success()
            .stderr(predicate::str::contains(
                "note: no invocation reports were found; nothing to",
            ));
    }
    // CSV readers get the header row; -q silences the note (xcmd2 review).
    faascope()
        .args(["cost", "sample-data/xray", "--format", "csv", "-q"])
        .assert()
        .success()
        .stdout("function,option,name,family,usd_low,usd_typical,usd_high,cheapest,not_priced,over_capacity\n")
        .stderr("");
    faascope()
        .args(["tune", "sample-data/xray", "-q"])
        .assert()
        .success()
        .stderr("");
}

/// A function --function leaves out must not stop the pricing of those it selects: one that
/// cannot be priced (a region without Lambda rates) is left out of the account, with a note.
#[test]
fn an_unpriceable_function_left_out_does_not_stop_the_selection() {
    let out = faascope()
        .args([
            "cost",
            "sample-data",
            "--function",
            "^geo-lookup$",
            "--function-region",
            "orders-api=eu-north-1",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("orders-api is left out of the account's pricing"),
        "{stderr}"
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["functions"].as_array().unwrap().len(), 1);
    assert_eq!(v["functions"][0]["function"], "geo-lookup");
    // Selected, it is an error that names it.
    faascope()
        .args([
            "cost",
            "sample-data",
            "--function",
            "^orders-api$",
            "--function-region",
            "orders-api=eu-north-1",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "orders-api: no Lambda duration price",
        ));
}

/// The model-wide assumptions of a --function selection are its own: a left-out function's
/// region notes ("NOT SOURCED" in sa-east-1) are not listed under a us-east-1 selection.
#[test]
fn a_selection_lists_its_own_assumptions() {
    let assumptions = |function: &str| -> String {
        let v = json_of(&[
            "cost",
            "sample-data",
            "--function",
            function,
            "--function-region",
            "orders-api=sa-east-1",
        ]);
        v["assumptions"].to_string()
    };
    assert!(!assumptions("^geo-lookup$").contains("NOT SOURCED"));
    assert!(assumptions("^orders-api$").contains("NOT SOURCED for sa-east-1"));
    // The generic ones stay.
    assert!(assumptions("^geo-lookup$").contains("a month is 730 h"));
}

/// Seventh-round review: a price file's source title and note reached the terminal with their
/// escape sequences (one set the window title) from `pricing show` and `cost`'s assumptions,
/// in tables and Markdown; every format now shows them stripped.
#[test]
fn control_sequences_in_price_file_text_never_reach_the_terminal() {
    let file = "tests/fixtures/pricing/control-sequences-in-text.toml";
    let show = ["pricing", "show", "aws-lambda", "--pricing", file];
    let cost = [
        "cost",
        "--requests",
        "5000000",
        "--duration-ms",
        "5000",
        "--memory-mb",
        "128",
        "--compare",
        "lambda",
        "--pricing",
        file,
    ];
    let markdown = |args: &[&'static str]| [args, &["--format", "markdown"]].concat();
    let runs = [
        show.to_vec(),
        markdown(&show),
        cost.to_vec(),
        markdown(&cost),
    ];
    for args in runs {
        let out = faascope()
            .env("COLUMNS", "400")
            .args(&args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{args:?}: {text}"
        );
    }
    // What the text said is still there.
    let out = faascope()
        .env("COLUMNS", "400")
        .args(["pricing", "show", "aws-lambda", "--pricing", file])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("RED"));
}

/// Seventh-round cost review: SnapStart beside more than 512 MB of ephemeral storage (which
/// AWS does not allow, facts.md §1.7) was priced without a word; a note says so.
#[test]
fn snapstart_with_large_ephemeral_storage_is_noted() {
    let args = [
        "cost",
        "sample-data",
        "--function",
        "catalog-snapstart",
        "--function-snapstart",
        "catalog-snapstart=python",
    ];
    let note = "SnapStart cannot be combined with ephemeral storage above 512 MB";
    let notes = |v: &Value| v["functions"][0]["notes"].to_string();
    let big = json_of(&[&args[..], &["--ephemeral-storage-mb", "2048"]].concat());
    assert!(notes(&big).contains(note), "{}", notes(&big));
    let small = json_of(&args);
    assert!(!notes(&small).contains(note), "{}", notes(&small));
}

/// Seventh-round cost review: whole-number flags named their range only sometimes (`1.5` read
/// "invalid digit found in string", `-5` "unexpected argument"); `--init-ms` past the limit
/// read "out of range".
#[test]
fn whole_number_flags_name_their_range() {
    let err = |args: &[&str]| {
        let out = faascope().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        String::from_utf8_lossy(&out.stderr).to_string()
    };
    for (args, want) in [
        (
            vec!["cost", "sample-data", "--ephemeral-storage-mb", "1.5"],
            "`1.5` is not a whole number of MB from 512 to 10240",
        ),
        (
            vec!["cost", "sample-data", "--ephemeral-storage-mb", "-5"],
            "`-5` is not a whole number of MB from 512 to 10240",
        ),
        (
            vec!["tune", "sample-data", "--headroom", "1.5"],
            "`1.5` is not a whole number of percent from 0 to 1000",
        ),
        (
            vec!["tune", "sample-data", "--threads", "65"],
            "`65` is not a whole number of threads from 1 to 64",
        ),
        (
            vec!["cost", "sample-data", "--per-instance-concurrency", "0"],
            "`0` is not a whole number of executions, at least 1",
        ),
        (
            vec![
                "cost",
                "--requests",
                "1",
                "--duration-ms",
                "1",
                "--memory-mb",
                "128",
                "--cold-ratio",
                "0.1",
                "--init-ms",
                "900001",
            ],
            "init_ms = 900001 is outside 0..=900000",
        ),
    ] {
        let e = err(&args);
        assert!(e.contains(want), "{args:?}: {e}");
    }
}

/// Last-round cost review: cent-rounded figures that do not add up are said, in `cost` (the
/// total row) and `tune` (now − then beside the saving), as in the README's examples.
#[test]
fn cent_rounded_figures_that_do_not_add_up_are_said() {
    for (command, said) in [
        ("cost", "Each $ figure is rounded to the cent on its own: the on demand $/mo rows add up to $12.54, where the total of the unrounded figures is $12.53; the highs of the low – high rows add up to $13.20, where the total of the unrounded figures is $13.21; nightly-report $0.02 − $0.01 is $0.01 where the saving of the unrounded figures is $0.00."),
        ("tune", "note: each $ figure is rounded to the cent on its own: legacy-thumbnailer $1.02 − $0.61 is $0.41 where the saving of the unrounded figures is $0.42"),
    ] {
        let out = faascope().args([command, "sample-data"]).output().unwrap();
        assert!(out.status.success(), "{command}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains(said), "{command}: {text}");
    }
}
