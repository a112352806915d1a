//! Seeded, deterministic generator of realistic AWS Lambda sample data for faascope.
//!
//! Simulates eight Lambda functions over three days (2025-09-01T00:00:00Z to
//! 2025-09-04T00:00:00Z), each with a different traffic shape, and writes their logs in the
//! export formats faascope ingests, plus X-Ray traces, CloudWatch metrics and a ground-truth
//! JSON file that tests can compare against exactly:
//!
//! | function             | shape                                   | written as                                  |
//! |----------------------|-----------------------------------------|---------------------------------------------|
//! | `orders-api`         | steady API, diurnal, X-Ray 5 %          | `s3-export/orders-api/<day>.log.gz`         |
//! | `image-batch`        | 300-800 invocations every 6 h, throttled| `s3-export/image-batch/<day>.log.gz`        |
//! | `nightly-report`     | hourly cron, almost always cold         | `logs-tail/nightly-report.txt`              |
//! | `legacy-thumbnailer` | 3008 MB configured, ~120 MB used        | `s3-export/legacy-thumbnailer/<day>.log.gz` |
//! | `payments-java`      | Java 21, long inits, bursty, X-Ray 5 %  | `filter-log-events/payments-java[.page-N].json` (REPORT events) |
//! | `webhook-handler`    | timeouts, handler errors, crashes       | `s3-export/webhook-handler/<day>.log.gz`    |
//! | `geo-lookup`         | arm64, JSON log format                  | `ndjson/geo-lookup.ndjson.gz`               |
//! | `catalog-snapstart`  | Java 21 SnapStart (restores), version 12| `ndjson/catalog-snapstart.ndjson.gz`        |
//!
//! plus `xray/batch-get-traces-N.json` (BatchGetTraces pages, one trace per sampled invocation of
//! `orders-api` and `payments-java`), `metrics/get-metric-data.json` (hourly Invocations,
//! Errors, Throttles, Duration Average/p99, ConcurrentExecutions Maximum; Errors counts function
//! errors *and* timeouts, as AWS does; hours are keyed by the REPORT timestamp; p99 is nearest
//! rank) and `metrics/throttles.csv` (per-minute image-batch throttles during its bursts).
//!
//! The ground truth (`--expected`) has per function: `invocations`, `cold_starts` (Init or
//! Restore Duration present), `errors` (REPORT `Status: error`, or a Python `[ERROR]` line
//! followed by a `Traceback` for that request id), `timeouts` (`Status: timeout`),
//! `memory_size_mb`, `sum_billed_duration_ms` (Billed Duration, which includes SnapStart's
//! Billed Restore Duration as AWS bills it; that part alone is `sum_billed_restore_duration_ms`),
//! `sum_duration_ms`, `max_duration_ms`,
//! `first_report_ts_ms`, `last_report_ts_ms` (event timestamps of the REPORT records), and a few
//! more; plus `traces` and `files` (relative path and size of every file written).
//!
//! Everything derives from the seed through ChaCha8 (one stream per function), never from the
//! wall clock, so two runs with the same seed produce byte-identical files.
//!
//! Run it with:
//!
//! ```text
//! cargo run --release --example gen_sample_data -- --seed 42 --out sample-data --force
//! ```
//!
//! Options: `--seed N` (default 42), `--out DIR` (default `sample-data`), `--expected FILE`
//! (default `tests/fixtures/sample-data-expected.json`), `--force` (allow a non-empty `--out`:
//! only files this generator writes are removed first).

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::fmt::Write as _;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{DateTime, Datelike, Timelike};
use flate2::write::GzEncoder;
use flate2::Compression;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Exp, LogNormal};
use serde_json::{json, Value};

/// 2025-09-01T00:00:00Z in epoch milliseconds.
const T0_MS: i64 = 1_756_684_800_000;
const DAYS: i64 = 3;
const DAY_MS: i64 = 86_400_000;
const HOUR_MS: i64 = 3_600_000;
const T_END_MS: i64 = T0_MS + DAYS * DAY_MS;
const HOURS: usize = (DAYS * 24) as usize;
const REGION: &str = "eu-west-1";
const ACCOUNT: &str = "123456789012";
const FILTER_PAGE_EVENTS: usize = 5000;
const XRAY_PAGE_TRACES: usize = 100;

// ---------------------------------------------------------------------------------------------
// Function catalogue
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    OrdersApi,
    ImageBatch,
    NightlyReport,
    LegacyThumbnailer,
    PaymentsJava,
    WebhookHandler,
    GeoLookup,
    CatalogSnapstart,
}

/// How a function's logs are written.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Sink {
    /// `s3-export/<fn>/<day>.log.gz`, text log format.
    S3Text,
    /// `logs-tail/<fn>.txt`, `aws logs tail` rendering.
    LogsTail,
    /// `filter-log-events/<fn>[.page-N].json`, REPORT events only.
    FilterLogEvents,
    /// `ndjson/<fn>.ndjson.gz`, JSON log format messages.
    NdjsonJson,
    /// `ndjson/<fn>.ndjson.gz`, text log format messages.
    NdjsonText,
}

struct Spec {
    kind: Kind,
    name: &'static str,
    runtime: &'static str,
    runtime_version: &'static str,
    arch: &'static str,
    memory_mb: u32,
    timeout_ms: i64,
    version: &'static str,
    sink: Sink,
    xray_rate: f64,
    reserved_concurrency: Option<usize>,
    snapstart: bool,
}

const SPECS: [Spec; 8] = [
    Spec {
        kind: Kind::OrdersApi,
        name: "orders-api",
        runtime: "nodejs22.x",
        runtime_version: "nodejs:22.v51",
        arch: "x86_64",
        memory_mb: 512,
        timeout_ms: 10_000,
        version: "$LATEST",
        sink: Sink::S3Text,
        xray_rate: 0.03,
        reserved_concurrency: None,
        snapstart: false,
    },
    Spec {
        kind: Kind::ImageBatch,
        name: "image-batch",
        runtime: "python3.12",
        runtime_version: "python:3.12.v70",
        arch: "x86_64",
        memory_mb: 2048,
        timeout_ms: 60_000,
        version: "$LATEST",
        sink: Sink::S3Text,
        xray_rate: 0.0,
        reserved_concurrency: Some(60),
        snapstart: false,
    },
    Spec {
        kind: Kind::NightlyReport,
        name: "nightly-report",
        runtime: "python3.12",
        runtime_version: "python:3.12.v70",
        arch: "x86_64",
        memory_mb: 256,
        timeout_ms: 120_000,
        version: "$LATEST",
        sink: Sink::LogsTail,
        xray_rate: 0.0,
        reserved_concurrency: None,
        snapstart: false,
    },
    Spec {
        kind: Kind::LegacyThumbnailer,
        name: "legacy-thumbnailer",
        runtime: "nodejs18.x",
        runtime_version: "nodejs:18.v62",
        arch: "x86_64",
        memory_mb: 3008,
        timeout_ms: 30_000,
        version: "$LATEST",
        sink: Sink::S3Text,
        xray_rate: 0.0,
        reserved_concurrency: None,
        snapstart: false,
    },
    Spec {
        kind: Kind::PaymentsJava,
        name: "payments-java",
        runtime: "java21",
        runtime_version: "java:21.v30",
        arch: "x86_64",
        memory_mb: 1024,
        timeout_ms: 30_000,
        version: "$LATEST",
        sink: Sink::FilterLogEvents,
        xray_rate: 0.02,
        reserved_concurrency: None,
        snapstart: false,
    },
    Spec {
        kind: Kind::WebhookHandler,
        name: "webhook-handler",
        runtime: "python3.11",
        runtime_version: "python:3.11.v85",
        arch: "x86_64",
        memory_mb: 128,
        timeout_ms: 6_000,
        version: "$LATEST",
        sink: Sink::S3Text,
        xray_rate: 0.0,
        reserved_concurrency: None,
        snapstart: false,
    },
    Spec {
        kind: Kind::GeoLookup,
        name: "geo-lookup",
        runtime: "python3.13",
        runtime_version: "python:3.13.v20",
        arch: "arm64",
        memory_mb: 256,
        timeout_ms: 3_000,
        version: "$LATEST",
        sink: Sink::NdjsonJson,
        xray_rate: 0.0,
        reserved_concurrency: None,
        snapstart: false,
    },
    Spec {
        kind: Kind::CatalogSnapstart,
        name: "catalog-snapstart",
        runtime: "java21",
        runtime_version: "java:21.v30",
        arch: "x86_64",
        memory_mb: 2048,
        timeout_ms: 15_000,
        // SnapStart only applies to published versions.
        version: "12",
        sink: Sink::NdjsonText,
        xray_rate: 0.0,
        reserved_concurrency: None,
        snapstart: true,
    },
];

// ---------------------------------------------------------------------------------------------
// Small helpers: time formatting, ids, numbers
// ---------------------------------------------------------------------------------------------

struct Civil {
    y: i32,
    mo: u32,
    d: u32,
    h: u32,
    mi: u32,
    s: u32,
    ms: u32,
}

fn civil(ms: i64) -> Civil {
    let dt = DateTime::from_timestamp_millis(ms).expect("timestamp in range");
    Civil {
        y: dt.year(),
        mo: dt.month(),
        d: dt.day(),
        h: dt.hour(),
        mi: dt.minute(),
        s: dt.second(),
        ms: ms.rem_euclid(1000) as u32,
    }
}

/// `2025-09-01T00:00:01.234Z`
fn iso_ms(ms: i64) -> String {
    let c = civil(ms);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        c.y, c.mo, c.d, c.h, c.mi, c.s, c.ms
    )
}

/// `2025-09-01T00:00:01.234000+00:00` (as `aws logs tail` prints it).
fn iso_tail(ms: i64) -> String {
    let c = civil(ms);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}000+00:00",
        c.y, c.mo, c.d, c.h, c.mi, c.s, c.ms
    )
}

/// `2025-09-01T00:00:00+00:00` (seconds precision, AWS CLI style).
fn iso_secs_offset(ms: i64) -> String {
    let c = civil(ms);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+00:00",
        c.y, c.mo, c.d, c.h, c.mi, c.s
    )
}

/// `2025-09-01T00:01:00Z`
fn iso_secs_z(ms: i64) -> String {
    let c = civil(ms);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        c.y, c.mo, c.d, c.h, c.mi, c.s
    )
}

/// `2025-09-01 00:00:01.234` (log4j2 style).
fn java_ts(ms: i64) -> String {
    let c = civil(ms);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03}",
        c.y, c.mo, c.d, c.h, c.mi, c.s, c.ms
    )
}

fn ymd(ms: i64, sep: char) -> String {
    let c = civil(ms);
    format!("{:04}{sep}{:02}{sep}{:02}", c.y, c.mo, c.d)
}

fn hex(rng: &mut ChaCha8Rng, n: usize) -> String {
    const H: &[u8; 16] = b"0123456789abcdef";
    (0..n).map(|_| H[rng.random_range(0..16)] as char).collect()
}

fn from_alphabet(rng: &mut ChaCha8Rng, alphabet: &[u8], n: usize) -> String {
    (0..n)
        .map(|_| alphabet[rng.random_range(0..alphabet.len())] as char)
        .collect()
}

fn uuid4(rng: &mut ChaCha8Rng) -> String {
    let mut b = [0u8; 16];
    rng.fill(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

fn uniform(rng: &mut ChaCha8Rng, lo: f64, hi: f64) -> f64 {
    rng.random_range(lo..hi)
}

/// A log-normal sample given its median and 99th percentile.
fn lognormal(rng: &mut ChaCha8Rng, median: f64, p99: f64) -> f64 {
    const Z99: f64 = 2.326_347_874_040_841;
    LogNormal::new(median.ln(), (p99 / median).ln() / Z99)
        .expect("valid log-normal")
        .sample(rng)
}

/// Milliseconds to hundredths of a millisecond (the precision Lambda prints).
fn to_cms(ms: f64) -> u64 {
    (ms * 100.0).round().max(1.0) as u64
}

/// `48.27`
fn fmt_cms(cms: u64) -> String {
    format!("{}.{:02}", cms / 100, cms % 100)
}

fn cms_f64(cms: u64) -> f64 {
    cms as f64 / 100.0
}

/// Hundredths of a millisecond rounded to whole milliseconds (for event timestamps).
fn round_ms(cms: u64) -> i64 {
    cms.div_ceil(100) as i64
}

/// Shortest round-trip float text (`52.0`, `48.273611111111114`), like Python's `repr`.
fn fmt_f64(x: f64) -> String {
    format!("{x:?}")
}

// ---------------------------------------------------------------------------------------------
// Ordered JSON (key order as AWS prints it; compact or Python `json.dumps(indent=4)` style)
// ---------------------------------------------------------------------------------------------

enum J {
    Bool(bool),
    Int(i64),
    Num(String),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(&'static str, J)>),
}

fn s(x: impl Into<String>) -> J {
    J::Str(x.into())
}

/// Seconds with microseconds from epoch microseconds (`1756684801.234567`).
fn secs_us(us: i64) -> J {
    J::Num(format!("{}.{:06}", us / 1_000_000, us % 1_000_000))
}

fn push_json_str(out: &mut String, v: &str) {
    out.push('"');
    for ch in v.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

impl J {
    fn compact_into(&self, out: &mut String) {
        match self {
            J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            J::Int(i) => {
                let _ = write!(out, "{i}");
            }
            J::Num(n) => out.push_str(n),
            J::Str(v) => push_json_str(out, v),
            J::Arr(items) => {
                out.push('[');
                for (i, x) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    x.compact_into(out);
                }
                out.push(']');
            }
            J::Obj(fields) => {
                out.push('{');
                for (i, (k, x)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    push_json_str(out, k);
                    out.push(':');
                    x.compact_into(out);
                }
                out.push('}');
            }
        }
    }

    fn compact(&self) -> String {
        let mut out = String::new();
        self.compact_into(&mut out);
        out
    }

    fn pretty_into(&self, out: &mut String, level: usize) {
        fn indent(out: &mut String, level: usize) {
            out.push('\n');
            for _ in 0..level {
                out.push_str("    ");
            }
        }
        match self {
            J::Arr(items) if !items.is_empty() => {
                out.push('[');
                for (i, x) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    indent(out, level + 1);
                    x.pretty_into(out, level + 1);
                }
                indent(out, level);
                out.push(']');
            }
            J::Obj(fields) if !fields.is_empty() => {
                out.push('{');
                for (i, (k, x)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    indent(out, level + 1);
                    push_json_str(out, k);
                    out.push_str(": ");
                    x.pretty_into(out, level + 1);
                }
                indent(out, level);
                out.push('}');
            }
            _ => self.compact_into(out),
        }
    }

    fn pretty(&self) -> String {
        let mut out = String::new();
        self.pretty_into(&mut out, 0);
        out.push('\n');
        out
    }
}

// ---------------------------------------------------------------------------------------------
// Simulation
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Outcome {
    Success,
    /// Python handler raised: `[ERROR]` + Traceback lines, REPORT without Status.
    HandlerError,
    /// Runtime crashed: REPORT `Status: error`.
    Crash {
        exited_line: bool,
    },
    /// REPORT `Status: timeout`.
    Timeout,
}

/// What happened to the downstream calls (shows in logs and X-Ray, not in Lambda status).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Downstream {
    Ok,
    DdbThrottled,
    DdbFault,
    StripeFault,
    StripeDeclined,
}

struct AppLine {
    ts: i64,
    /// The complete message text (no trailing newline).
    text: String,
}

struct XrayRef {
    trace_id: String,
    segment_id: String,
}

struct Inv {
    request_id: String,
    inst: usize,
    arrival_ms: i64,
    start_ms: i64,
    end_ms: i64,
    report_ms: i64,
    init_cms: Option<u64>,
    restore_cms: Option<u64>,
    billed_restore_ms: Option<u64>,
    duration_cms: u64,
    billed_ms: u64,
    mem_used: u32,
    outcome: Outcome,
    app: Vec<AppLine>,
    xray: Option<XrayRef>,
}

struct Inst {
    stream: String,
    busy_until: i64,
    last_end: i64,
    ttl_ms: i64,
    expires_ms: i64,
    base_mem: u32,
    max_mem: u32,
    served: u32,
}

struct TraceRec {
    start_us: i64,
    json: J,
    fault: bool,
    error: bool,
    throttled_subsegments: u32,
}

struct FnSim {
    spec: &'static Spec,
    runtime_arn: String,
    insts: Vec<Inst>,
    invs: Vec<Inv>,
    throttles: Vec<i64>,
    traces: Vec<TraceRec>,
    bursts: Vec<i64>,
}

/// Inhomogeneous Poisson arrivals (thinning) with a cosine diurnal profile peaking at `peak_hour` UTC.
fn poisson(rng: &mut ChaCha8Rng, rate: f64, amp: f64, peak_hour: f64) -> Vec<i64> {
    let lmax = rate * (1.0 + amp);
    let exp = Exp::new(lmax).expect("positive rate");
    let horizon = (DAYS * 86_400) as f64;
    let mut t = 0.0;
    let mut out = Vec::new();
    loop {
        t += exp.sample(rng);
        if t >= horizon {
            break;
        }
        let hour = (t / 3600.0) % 24.0;
        let lam = rate * (1.0 + amp * (std::f64::consts::TAU * (hour - peak_hour) / 24.0).cos());
        if rng.random::<f64>() * lmax < lam {
            out.push(T0_MS + (t * 1000.0) as i64);
        }
    }
    out
}

fn gen_arrivals(kind: Kind, rng: &mut ChaCha8Rng, bursts: &mut Vec<i64>) -> Vec<i64> {
    let mut v = match kind {
        Kind::OrdersApi => poisson(rng, 0.15, 0.3, 14.0),
        Kind::ImageBatch => {
            let mut v = Vec::new();
            for day in 0..DAYS {
                for h in [0, 6, 12, 18] {
                    let start =
                        T0_MS + day * DAY_MS + h * HOUR_MS + rng.random_range(2_000..20_000);
                    bursts.push(start);
                    let n = rng.random_range(300..=800);
                    for _ in 0..n {
                        v.push(start + rng.random_range(0..60_000));
                    }
                }
            }
            v
        }
        Kind::NightlyReport => {
            let mut v = Vec::new();
            for h in 0..(DAYS * 24) {
                let t = T0_MS + h * HOUR_MS + rng.random_range(30..1_500);
                v.push(t);
                // Occasionally someone re-runs it by hand a few minutes later (warm).
                if rng.random_bool(0.05) {
                    v.push(t + rng.random_range(120_000..600_000));
                }
            }
            v
        }
        Kind::LegacyThumbnailer => poisson(rng, 0.02, 0.0, 0.0),
        Kind::PaymentsJava => {
            // Clustered: checkout sessions of ~4 calls 1.5 s apart on average.
            let parents = poisson(rng, 0.035 / 4.0, 0.3, 15.0);
            let gap = Exp::new(1.0 / 1.5).expect("positive rate");
            let mut v = Vec::new();
            for p in parents {
                v.push(p);
                let mut t = p as f64;
                while rng.random_bool(0.75) {
                    t += gap.sample(rng) * 1000.0;
                    v.push(t as i64);
                }
            }
            v
        }
        Kind::WebhookHandler => poisson(rng, 0.025, 0.2, 15.0),
        Kind::GeoLookup => poisson(rng, 0.08, 0.25, 13.0),
        Kind::CatalogSnapstart => poisson(rng, 0.03, 0.2, 12.0),
    };
    v.retain(|&t| (T0_MS..T_END_MS).contains(&t));
    v.sort_unstable();
    v
}

/// Init (or, for SnapStart, restore) duration in ms.
fn sample_init_ms(kind: Kind, rng: &mut ChaCha8Rng) -> f64 {
    match kind {
        Kind::OrdersApi => uniform(rng, 180.0, 400.0),
        Kind::ImageBatch => uniform(rng, 650.0, 1400.0),
        Kind::NightlyReport => uniform(rng, 420.0, 900.0),
        Kind::LegacyThumbnailer => uniform(rng, 150.0, 340.0),
        Kind::PaymentsJava => uniform(rng, 2500.0, 6000.0),
        Kind::WebhookHandler => uniform(rng, 260.0, 600.0),
        Kind::GeoLookup => uniform(rng, 240.0, 520.0),
        Kind::CatalogSnapstart => uniform(rng, 250.0, 700.0),
    }
}

fn sample_duration_ms(kind: Kind, rng: &mut ChaCha8Rng, first: bool) -> f64 {
    match kind {
        Kind::OrdersApi => {
            let d = lognormal(rng, 45.0, 300.0).clamp(2.5, 2800.0);
            if first {
                d * uniform(rng, 1.2, 1.8)
            } else {
                d
            }
        }
        Kind::ImageBatch => 2000.0 + 7000.0 * rng.random::<f64>().powf(1.4),
        Kind::NightlyReport => lognormal(rng, 3800.0, 11_000.0).clamp(900.0, 40_000.0),
        Kind::LegacyThumbnailer => lognormal(rng, 320.0, 1400.0).clamp(60.0, 8000.0),
        Kind::PaymentsJava => {
            let d = lognormal(rng, 140.0, 900.0).clamp(25.0, 8000.0);
            if first {
                d * uniform(rng, 2.5, 4.0)
            } else {
                d
            }
        }
        Kind::WebhookHandler => lognormal(rng, 180.0, 2200.0).clamp(15.0, 5800.0),
        Kind::GeoLookup => lognormal(rng, 12.0, 80.0).clamp(1.1, 900.0),
        Kind::CatalogSnapstart => {
            let d = lognormal(rng, 60.0, 450.0).clamp(6.0, 5000.0);
            if first {
                d + uniform(rng, 250.0, 700.0)
            } else {
                d
            }
        }
    }
}

/// (base low, base high, growth cap, per-invocation noise, hard cap) in MB.
fn mem_profile(spec: &Spec) -> (u32, u32, u32, u32, u32) {
    let cap = spec.memory_mb - 8;
    match spec.kind {
        Kind::OrdersApi => (78, 96, 24, 6, cap),
        Kind::ImageBatch => (610, 900, 0, 450, cap),
        Kind::NightlyReport => (112, 140, 0, 35, cap),
        Kind::LegacyThumbnailer => (95, 108, 20, 12, 140),
        Kind::PaymentsJava => (186, 228, 70, 12, cap),
        Kind::WebhookHandler => (62, 74, 14, 6, 118),
        Kind::GeoLookup => (58, 66, 10, 4, cap),
        Kind::CatalogSnapstart => (214, 246, 90, 14, cap),
    }
}

fn sample_outcome(kind: Kind, rng: &mut ChaCha8Rng) -> Outcome {
    let u: f64 = rng.random();
    match kind {
        Kind::WebhookHandler if u < 0.03 => Outcome::Timeout,
        Kind::WebhookHandler if u < 0.07 => Outcome::HandlerError,
        Kind::WebhookHandler if u < 0.074 => Outcome::Crash {
            exited_line: rng.random_bool(0.5),
        },
        Kind::GeoLookup if u < 0.002 => Outcome::Crash { exited_line: false },
        _ => Outcome::Success,
    }
}

fn sample_downstream(kind: Kind, rng: &mut ChaCha8Rng) -> Downstream {
    let u: f64 = rng.random();
    match kind {
        Kind::OrdersApi if u < 0.02 => Downstream::DdbThrottled,
        Kind::OrdersApi if u < 0.026 => Downstream::DdbFault,
        Kind::PaymentsJava if u < 0.02 => Downstream::StripeFault,
        Kind::PaymentsJava if u < 0.035 => Downstream::StripeDeclined,
        _ => Downstream::Ok,
    }
}

struct LineCtx<'a> {
    id: &'a str,
    arrival: i64,
    start: i64,
    end: i64,
    restore_cms: Option<u64>,
    outcome: Outcome,
    ds: Downstream,
    cold: bool,
}

impl LineCtx<'_> {
    fn at(&self, frac: f64) -> i64 {
        self.start + ((self.end - self.start) as f64 * frac).floor() as i64
    }
}

fn node_line(ts: i64, id: &str, level: &str, msg: &str) -> AppLine {
    AppLine {
        ts,
        text: format!("{}\t{id}\t{level}\t{msg}", iso_ms(ts)),
    }
}

fn py_line(ts: i64, id: &str, level: &str, msg: &str) -> AppLine {
    AppLine {
        ts,
        text: format!("[{level}]\t{}\t{id}\t{msg}", iso_ms(ts)),
    }
}

fn app_lines(kind: Kind, rng: &mut ChaCha8Rng, c: &LineCtx) -> Vec<AppLine> {
    let id = c.id;
    let mut v = Vec::new();
    match kind {
        Kind::OrdersApi => {
            let order = rng.random_range(10_000..99_999);
            match c.ds {
                Downstream::DdbThrottled => {
                    v.push(node_line(
                        c.at(0.9),
                        id,
                        "WARN",
                        "DynamoDB PutItem throttled (ProvisionedThroughputExceededException) after 3 retries",
                    ));
                    v.push(node_line(
                        c.at(0.97),
                        id,
                        "ERROR",
                        &format!("order {order} not saved, returning 503"),
                    ));
                }
                Downstream::DdbFault => v.push(node_line(
                    c.at(0.97),
                    id,
                    "ERROR",
                    &format!(
                        "failed to save order {order}: InternalServerError: Internal server error"
                    ),
                )),
                _ => {
                    let items = rng.random_range(1..8);
                    let cents = rng.random_range(990..45_000);
                    v.push(node_line(
                        c.at(0.97),
                        id,
                        "INFO",
                        &format!(
                            "order {order} saved ({items} items, total {}.{:02} EUR)",
                            cents / 100,
                            cents % 100
                        ),
                    ));
                }
            }
        }
        Kind::ImageBatch => {
            let img = rng.random_range(1..99_999);
            let day = ymd(c.arrival, '/');
            let kb = rng.random_range(400..9_000);
            v.push(py_line(
                c.at(0.01),
                id,
                "INFO",
                &format!("processing s3://media-uploads/incoming/{day}/IMG_{img:05}.jpg ({kb} KB)"),
            ));
            v.push(py_line(
                c.at(0.98),
                id,
                "INFO",
                &format!("wrote 3 renditions to s3://media-renditions/{day}/IMG_{img:05}/"),
            ));
        }
        Kind::NightlyReport => {
            let hour_start = c.arrival - c.arrival.rem_euclid(HOUR_MS);
            let window = iso_secs_z(hour_start - HOUR_MS);
            let rows = rng.random_range(1_200..48_000);
            v.push(py_line(c.at(0.01), id, "INFO", "fetching report"));
            v.push(py_line(
                c.at(0.6),
                id,
                "INFO",
                &format!("aggregated {rows} rows for window starting {window}"),
            ));
            let c0 = civil(hour_start);
            v.push(py_line(
                c.at(0.98),
                id,
                "INFO",
                &format!(
                    "uploaded s3://finance-reports/hourly/{}T{:02}.csv ({} KB)",
                    ymd(hour_start, '-'),
                    c0.h,
                    rows / 9
                ),
            ));
        }
        Kind::LegacyThumbnailer => {
            let key = hex(rng, 12);
            let bytes = rng.random_range(6_000..42_000);
            v.push(node_line(
                c.at(0.03),
                id,
                "INFO",
                &format!("resizing uploads/{key}.png to 256x256"),
            ));
            v.push(node_line(
                c.at(0.97),
                id,
                "INFO",
                &format!("thumbnail written to thumbs/{key}.png ({bytes} bytes)"),
            ));
        }
        // Exported with a REPORT filter pattern: application lines never reach the files.
        Kind::PaymentsJava => {}
        Kind::WebhookHandler => {
            const EVENTS: [&str; 4] = [
                "invoice.paid",
                "customer.updated",
                "charge.refunded",
                "subscription.renewed",
            ];
            let evt = EVENTS[rng.random_range(0..EVENTS.len())];
            let evt_id = hex(rng, 14);
            v.push(py_line(
                c.at(0.01),
                id,
                "INFO",
                &format!("received webhook event={evt} id=evt_{evt_id}"),
            ));
            match c.outcome {
                Outcome::Success => {
                    let ms = ((c.end - c.start) as f64 * 0.9) as i64;
                    v.push(py_line(
                        c.at(0.97),
                        id,
                        "INFO",
                        &format!("forwarded to billing-service in {ms} ms"),
                    ));
                }
                Outcome::Timeout => v.push(py_line(
                    c.at(0.55),
                    id,
                    "WARNING",
                    "billing-service slow, still waiting (attempt 2)",
                )),
                Outcome::HandlerError => {
                    let ts = c.at(0.99);
                    for msg in [
                        "ValueError: bad signature",
                        "Traceback (most recent call last):",
                        "  File \"/var/task/app.py\", line 41, in lambda_handler",
                        "    verify_signature(event[\"headers\"], body)",
                        "  File \"/var/task/signing.py\", line 23, in verify_signature",
                        "    raise ValueError(\"bad signature\")",
                    ] {
                        v.push(py_line(ts, id, "ERROR", msg));
                    }
                }
                Outcome::Crash { .. } => {}
            }
        }
        Kind::GeoLookup => {
            const COUNTRIES: [&str; 6] = ["DE", "FR", "IE", "NL", "ES", "PL"];
            let crashed = matches!(c.outcome, Outcome::Crash { .. });
            let ts = c.at(if crashed { 0.95 } else { 0.9 });
            let (level, message) = if crashed {
                ("ERROR", "maxminddb reader failed, worker exiting")
            } else {
                ("INFO", "lookup ok")
            };
            let country = COUNTRIES[rng.random_range(0..COUNTRIES.len())];
            let obj = J::Obj(vec![
                ("timestamp", s(iso_ms(ts))),
                ("level", s(level)),
                ("message", s(message)),
                ("logger", s("root")),
                ("requestId", s(id)),
                ("cold_start", J::Bool(c.cold)),
                ("country", s(country)),
            ]);
            v.push(AppLine {
                ts,
                text: obj.compact(),
            });
        }
        Kind::CatalogSnapstart => {
            if let Some(r) = c.restore_cms {
                let ts = c.arrival + round_ms(r) / 2;
                v.push(AppLine {
                    ts,
                    text: format!(
                        "{} INFO  CatalogHandler - afterRestore: refreshed DynamoDB client and config cache",
                        java_ts(ts)
                    ),
                });
            }
            const CATS: [&str; 5] = ["shoes", "outdoor", "kitchen", "books", "toys"];
            let cat = CATS[rng.random_range(0..CATS.len())];
            let n = rng.random_range(4..60);
            let cache = if rng.random_bool(0.8) { "hit" } else { "miss" };
            let ts = c.at(0.9);
            v.push(AppLine {
                ts,
                text: format!(
                    "{} {id} INFO  CatalogHandler - listed {n} products for category={cat} (cache {cache})",
                    java_ts(ts)
                ),
            });
        }
    }
    v
}

fn simulate(spec: &'static Spec, rng: &mut ChaCha8Rng, runtime_arn: String) -> FnSim {
    let mut bursts = Vec::new();
    let arrivals = gen_arrivals(spec.kind, rng, &mut bursts);
    let (mem_lo, mem_hi, mem_growth, mem_noise, mem_cap) = mem_profile(spec);

    let mut heap: BinaryHeap<Reverse<(i64, u64, u32)>> = arrivals
        .iter()
        .enumerate()
        .map(|(i, &t)| Reverse((t, i as u64, 0)))
        .collect();
    let mut seq = arrivals.len() as u64;

    let mut insts: Vec<Inst> = Vec::new();
    let mut alive: Vec<usize> = Vec::new();
    let mut invs: Vec<Inv> = Vec::new();
    let mut throttles = Vec::new();
    let mut traces = Vec::new();

    while let Some(Reverse((t, _, attempt))) = heap.pop() {
        // Find a warm, idle execution environment (most recently used first); reclaim stale ones.
        let mut best: Option<usize> = None;
        let mut busy = 0usize;
        alive.retain(|&i| {
            let inst = &insts[i];
            if inst.busy_until > t {
                busy += 1;
                return true;
            }
            if t - inst.last_end > inst.ttl_ms || t >= inst.expires_ms {
                return false;
            }
            if best.is_none_or(|b| insts[b].last_end < inst.last_end) {
                best = Some(i);
            }
            true
        });

        if best.is_none() {
            if let Some(limit) = spec.reserved_concurrency {
                if busy >= limit {
                    throttles.push(t);
                    let backoff = 250.0 * 2f64.powi(attempt.min(5) as i32) * uniform(rng, 0.5, 1.0);
                    heap.push(Reverse((t + 50 + backoff as i64, seq, attempt + 1)));
                    seq += 1;
                    continue;
                }
            }
        }

        let cold = best.is_none();
        let idx = match best {
            Some(i) => i,
            None => {
                let base_mem = rng.random_range(mem_lo..=mem_hi);
                insts.push(Inst {
                    stream: format!("{}/[{}]{}", ymd(t, '/'), spec.version, hex(rng, 32)),
                    busy_until: t,
                    last_end: t,
                    ttl_ms: rng.random_range(7 * 60_000..=45 * 60_000),
                    expires_ms: t + rng.random_range(2 * HOUR_MS..=6 * HOUR_MS),
                    base_mem,
                    max_mem: 0,
                    served: 0,
                });
                alive.push(insts.len() - 1);
                insts.len() - 1
            }
        };

        let first = insts[idx].served == 0;
        let request_id = uuid4(rng);
        let outcome = sample_outcome(spec.kind, rng);
        let ds = sample_downstream(spec.kind, rng);

        let (mut init_cms, mut restore_cms, mut billed_restore_ms) = (None, None, None);
        let mut start_ms = t;
        if cold {
            let cms = to_cms(sample_init_ms(spec.kind, rng));
            if spec.snapstart {
                restore_cms = Some(cms);
                billed_restore_ms =
                    Some(to_cms(cms_f64(cms) * uniform(rng, 0.35, 0.6)).div_ceil(100));
                start_ms = t + round_ms(cms) + rng.random_range(1..4);
            } else {
                init_cms = Some(cms);
                start_ms = t + round_ms(cms);
            }
        }

        let duration_cms = match outcome {
            Outcome::Timeout => spec.timeout_ms as u64 * 100,
            Outcome::Crash { .. } => to_cms(uniform(rng, 30.0, 900.0)),
            _ => to_cms(sample_duration_ms(spec.kind, rng, first))
                .min(spec.timeout_ms as u64 * 100 - 1),
        };
        let end_ms = start_ms + round_ms(duration_cms);
        let report_ms = end_ms + rng.random_range(0..=1);
        if report_ms >= T_END_MS {
            continue;
        }
        // Billed Duration includes billed INIT (the 2025-08-01 rule) and, with SnapStart, the
        // Billed Restore Duration: `ceil(Duration + Billed Restore)` (an observed REPORT:
        // Duration 2338.66 ms, Billed Restore 182 ms, Billed Duration 2521 ms).
        let billed_ms =
            (duration_cms + init_cms.unwrap_or(0) + billed_restore_ms.unwrap_or(0) * 100)
                .div_ceil(100);

        let inst = &mut insts[idx];
        let growth = (inst.served / 30).min(mem_growth);
        let sample = inst.base_mem + growth + rng.random_range(0..=mem_noise);
        inst.max_mem = inst.max_mem.max(sample).min(mem_cap);
        let mem_used = inst.max_mem;
        inst.served += 1;
        inst.busy_until = report_ms;
        inst.last_end = report_ms;
        if matches!(outcome, Outcome::Timeout | Outcome::Crash { .. }) {
            // The execution environment is reset after a timeout or a crash.
            alive.retain(|&i| i != idx);
        }

        let ctx = LineCtx {
            id: &request_id,
            arrival: t,
            start: start_ms,
            end: end_ms,
            restore_cms,
            outcome,
            ds,
            cold,
        };
        let app = app_lines(spec.kind, rng, &ctx);

        let mut inv = Inv {
            request_id,
            inst: idx,
            arrival_ms: t,
            start_ms,
            end_ms,
            report_ms,
            init_cms,
            restore_cms,
            billed_restore_ms,
            duration_cms,
            billed_ms,
            mem_used,
            outcome,
            app,
            xray: None,
        };
        if spec.xray_rate > 0.0 && rng.random_bool(spec.xray_rate) {
            let trace = build_trace(spec, &mut inv, ds, rng);
            traces.push(trace);
        }
        invs.push(inv);
    }

    FnSim {
        spec,
        runtime_arn,
        insts,
        invs,
        throttles,
        traces,
        bursts,
    }
}

// ---------------------------------------------------------------------------------------------
// X-Ray
// ---------------------------------------------------------------------------------------------

fn ddb_request_id(rng: &mut ChaCha8Rng) -> String {
    from_alphabet(rng, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 52)
}

struct SubSpan {
    start: i64,
    end: i64,
}

fn flags(fault: bool, error: bool, throttle: bool) -> Vec<(&'static str, J)> {
    let mut v = Vec::new();
    if fault {
        v.push(("fault", J::Bool(true)));
    }
    if error {
        v.push(("error", J::Bool(true)));
    }
    if throttle {
        v.push(("throttle", J::Bool(true)));
    }
    v
}

fn cause(rng: &mut ChaCha8Rng, typ: &str, message: &str) -> J {
    J::Obj(vec![
        ("working_directory", s("/var/task")),
        (
            "exceptions",
            J::Arr(vec![J::Obj(vec![
                ("id", s(hex(rng, 16))),
                ("message", s(message)),
                ("type", s(typ)),
                ("remote", J::Bool(true)),
            ])]),
        ),
    ])
}

fn ddb_subsegment(rng: &mut ChaCha8Rng, op: &str, table: &str, span: SubSpan, ds: Downstream) -> J {
    let (status, fault, error, throttle, retries) = match ds {
        Downstream::DdbThrottled => (400, false, true, true, 3),
        Downstream::DdbFault => (500, true, false, false, 0),
        _ => (200, false, false, false, 0),
    };
    let mut v = vec![
        ("id", s(hex(rng, 16))),
        ("name", s("DynamoDB")),
        ("start_time", secs_us(span.start)),
        ("end_time", secs_us(span.end)),
        ("namespace", s("aws")),
    ];
    v.extend(flags(fault, error, throttle));
    v.push((
        "http",
        J::Obj(vec![(
            "response",
            J::Obj(vec![
                ("status", J::Int(status)),
                ("content_length", J::Int(rng.random_range(2..900))),
            ]),
        )]),
    ));
    v.push((
        "aws",
        J::Obj(vec![
            ("operation", s(op)),
            ("region", s(REGION)),
            ("request_id", s(ddb_request_id(rng))),
            ("retries", J::Int(retries)),
            ("table_name", s(table)),
        ]),
    ));
    match ds {
        Downstream::DdbThrottled => v.push((
            "cause",
            cause(
                rng,
                "ProvisionedThroughputExceededException",
                "The level of configured provisioned throughput for the table was exceeded.",
            ),
        )),
        Downstream::DdbFault => v.push((
            "cause",
            cause(rng, "InternalServerError", "Internal server error"),
        )),
        _ => {}
    }
    J::Obj(v)
}

fn stripe_subsegment(rng: &mut ChaCha8Rng, span: SubSpan, ds: Downstream) -> J {
    let (status, fault, error) = match ds {
        Downstream::StripeFault => (502, true, false),
        Downstream::StripeDeclined => (402, false, true),
        _ => (200, false, false),
    };
    let mut v = vec![
        ("id", s(hex(rng, 16))),
        ("name", s("api.stripe.example")),
        ("start_time", secs_us(span.start)),
        ("end_time", secs_us(span.end)),
        ("namespace", s("remote")),
    ];
    v.extend(flags(fault, error, false));
    v.push((
        "http",
        J::Obj(vec![
            (
                "request",
                J::Obj(vec![
                    ("method", s("POST")),
                    ("url", s("https://api.stripe.example/v1/charges")),
                ]),
            ),
            (
                "response",
                J::Obj(vec![
                    ("status", J::Int(status)),
                    ("content_length", J::Int(rng.random_range(180..2400))),
                ]),
            ),
        ]),
    ));
    J::Obj(v)
}

/// Builds the trace of one sampled invocation and records its ids on the invocation.
fn build_trace(spec: &Spec, inv: &mut Inv, ds: Downstream, rng: &mut ChaCha8Rng) -> TraceRec {
    let trace_id = format!("1-{:08x}-{}", inv.arrival_ms / 1000, hex(rng, 24));
    let svc_id = hex(rng, 16);
    let svc_inv_id = hex(rng, 16);
    let fn_id = hex(rng, 16);
    let arn = format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{}", spec.name);

    let svc_start = inv.arrival_ms * 1000 + rng.random_range(0..400);
    let mut fn_subs = Vec::new();
    let fn_start;
    let inv_start;
    if let Some(init) = inv.init_cms {
        fn_start = svc_start + rng.random_range(150..900);
        let init_end = fn_start + init as i64 * 10;
        fn_subs.push(J::Obj(vec![
            ("id", s(hex(rng, 16))),
            ("name", s("Initialization")),
            ("start_time", secs_us(fn_start)),
            ("end_time", secs_us(init_end)),
        ]));
        inv_start = init_end.max(inv.start_ms * 1000) + rng.random_range(50..400);
    } else {
        fn_start = svc_start + rng.random_range(200..900);
        inv_start = fn_start + rng.random_range(20..120);
    }
    let d = inv.duration_cms as i64 * 10;
    let inv_end = inv_start + d;
    let span = |a: f64, b: f64| SubSpan {
        start: inv_start + (d as f64 * a) as i64,
        end: inv_start + (d as f64 * b) as i64,
    };

    let mut downstream = Vec::new();
    let mut throttled = 0;
    match spec.kind {
        Kind::PaymentsJava => {
            downstream.push(ddb_subsegment(
                rng,
                "GetItem",
                "payments-idempotency",
                span(0.04, 0.12),
                Downstream::Ok,
            ));
            downstream.push(stripe_subsegment(rng, span(0.18, 0.84), ds));
            if ds == Downstream::Ok {
                downstream.push(ddb_subsegment(
                    rng,
                    "PutItem",
                    "payments",
                    span(0.87, 0.96),
                    Downstream::Ok,
                ));
            }
        }
        _ => {
            downstream.push(ddb_subsegment(
                rng,
                "GetItem",
                "orders",
                span(0.08, 0.26),
                Downstream::Ok,
            ));
            if ds == Downstream::DdbThrottled {
                throttled += 1;
            }
            downstream.push(ddb_subsegment(
                rng,
                "PutItem",
                "orders",
                span(0.45, 0.8),
                ds,
            ));
        }
    }
    let fault = matches!(ds, Downstream::DdbFault | Downstream::StripeFault)
        || inv.outcome != Outcome::Success;
    let error = matches!(ds, Downstream::DdbThrottled | Downstream::StripeDeclined);

    let mut invocation = vec![
        ("id", s(hex(rng, 16))),
        ("name", s("Invocation")),
        ("start_time", secs_us(inv_start)),
        ("end_time", secs_us(inv_end)),
    ];
    invocation.extend(flags(fault, error, false));
    invocation.push(("aws", J::Obj(vec![("function_arn", s(arn.clone()))])));
    invocation.push(("subsegments", J::Arr(downstream)));
    fn_subs.push(J::Obj(invocation));
    let ovh_end = inv_end + rng.random_range(150..2500);
    fn_subs.push(J::Obj(vec![
        ("id", s(hex(rng, 16))),
        ("name", s("Overhead")),
        ("start_time", secs_us(inv_end)),
        ("end_time", secs_us(ovh_end)),
    ]));
    let fn_end = ovh_end;
    let svc_end = fn_end + rng.random_range(100..700);

    let mut fn_seg = vec![
        ("id", s(fn_id.clone())),
        ("name", s(spec.name)),
        ("start_time", secs_us(fn_start)),
        ("end_time", secs_us(fn_end)),
        ("trace_id", s(trace_id.clone())),
        ("parent_id", s(svc_inv_id.clone())),
        ("origin", s("AWS::Lambda::Function")),
    ];
    fn_seg.extend(flags(fault, error, false));
    fn_seg.push((
        "aws",
        J::Obj(vec![
            ("function_arn", s(arn.clone())),
            ("account_id", s(ACCOUNT)),
        ]),
    ));
    fn_seg.push(("subsegments", J::Arr(fn_subs)));

    let svc_seg = J::Obj(vec![
        ("id", s(svc_id.clone())),
        ("name", s(spec.name)),
        ("start_time", secs_us(svc_start)),
        ("end_time", secs_us(svc_end)),
        ("trace_id", s(trace_id.clone())),
        ("origin", s("AWS::Lambda")),
        ("resource_arn", s(arn.clone())),
        (
            "http",
            J::Obj(vec![("response", J::Obj(vec![("status", J::Int(200))]))]),
        ),
        (
            "aws",
            J::Obj(vec![("request_id", s(inv.request_id.clone()))]),
        ),
        (
            "subsegments",
            J::Arr(vec![J::Obj(vec![
                ("id", s(svc_inv_id)),
                ("name", s("Invocation")),
                ("start_time", secs_us(svc_start + 80)),
                ("end_time", secs_us(fn_end + 50)),
            ])]),
        ),
    ]);

    let duration_s = ((svc_end - svc_start) as f64 / 1000.0).round() / 1000.0;
    let json = J::Obj(vec![
        ("Id", s(trace_id.clone())),
        ("Duration", J::Num(fmt_f64(duration_s))),
        ("LimitExceeded", J::Bool(false)),
        (
            "Segments",
            J::Arr(vec![
                J::Obj(vec![
                    ("Id", s(svc_id.clone())),
                    ("Document", s(svc_seg.compact())),
                ]),
                J::Obj(vec![
                    ("Id", s(fn_id)),
                    ("Document", s(J::Obj(fn_seg).compact())),
                ]),
            ]),
        ),
    ]);
    inv.xray = Some(XrayRef {
        trace_id,
        segment_id: svc_id,
    });
    TraceRec {
        start_us: svc_start,
        json,
        fault,
        error,
        throttled_subsegments: throttled,
    }
}

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

/// REPORT text. `xray_inline`: XRAY fields on the same line (one-event-per-line exports) rather
/// than on a continuation line as in the raw CloudWatch message.
fn report_text(spec: &Spec, inv: &Inv, xray_inline: bool) -> String {
    let mut r = format!(
        "REPORT RequestId: {}\tDuration: {} ms\tBilled Duration: {} ms\tMemory Size: {} MB\tMax Memory Used: {} MB\t",
        inv.request_id,
        fmt_cms(inv.duration_cms),
        inv.billed_ms,
        spec.memory_mb,
        inv.mem_used
    );
    if let Some(i) = inv.init_cms {
        let _ = write!(r, "Init Duration: {} ms\t", fmt_cms(i));
    }
    if let (Some(rc), Some(b)) = (inv.restore_cms, inv.billed_restore_ms) {
        let _ = write!(
            r,
            "Restore Duration: {} ms\tBilled Restore Duration: {b} ms\t",
            fmt_cms(rc)
        );
    }
    match inv.outcome {
        Outcome::Timeout => r.push_str("Status: timeout\t"),
        Outcome::Crash { .. } => r.push_str("Status: error\tError Type: Runtime.Unknown\t"),
        _ => {}
    }
    if let Some(x) = &inv.xray {
        if !xray_inline {
            r.push('\n');
        }
        let _ = write!(
            r,
            "XRAY TraceId: {}\tSegmentId: {}\tSampled: true\t",
            x.trace_id, x.segment_id
        );
    }
    r
}

/// The text-format CloudWatch events of one invocation: (timestamp, message without the final newline).
fn text_events(sim: &FnSim, inv: &Inv, xray_inline: bool) -> Vec<(i64, String)> {
    let spec = sim.spec;
    let id = &inv.request_id;
    let mut ev = Vec::with_capacity(8);
    if inv.init_cms.is_some() {
        ev.push((
            inv.arrival_ms,
            format!(
                "INIT_START Runtime Version: {}\tRuntime Version ARN: {}",
                spec.runtime_version, sim.runtime_arn
            ),
        ));
    }
    if let Some(r) = inv.restore_cms {
        ev.push((
            inv.arrival_ms,
            format!(
                "RESTORE_START Runtime Version: {}\tRuntime Version ARN: {}",
                spec.runtime_version, sim.runtime_arn
            ),
        ));
        ev.push((
            inv.arrival_ms + round_ms(r),
            format!("RESTORE_REPORT Restore Duration: {} ms", fmt_cms(r)),
        ));
    }
    ev.push((
        inv.start_ms,
        format!("START RequestId: {id} Version: {}", spec.version),
    ));
    for a in &inv.app {
        ev.push((a.ts, a.text.clone()));
    }
    match inv.outcome {
        Outcome::Timeout => ev.push((
            inv.end_ms,
            format!(
                "{} {id} Task timed out after {:.2} seconds",
                iso_ms(inv.end_ms),
                spec.timeout_ms as f64 / 1000.0
            ),
        )),
        Outcome::Crash { exited_line: true } => ev.push((
            inv.end_ms,
            format!(
                "{} {id} Process exited before completing request",
                iso_ms(inv.end_ms)
            ),
        )),
        _ => {}
    }
    ev.push((inv.end_ms, format!("END RequestId: {id}")));
    ev.push((inv.report_ms, report_text(spec, inv, xray_inline)));
    ev
}

/// JSON-log-format events of one invocation.
fn json_events(sim: &FnSim, inv: &Inv) -> Vec<(i64, String)> {
    let spec = sim.spec;
    let mut ev = Vec::with_capacity(4);
    let platform = |ts: i64, typ: &str, record: J| {
        J::Obj(vec![
            ("time", s(iso_ms(ts))),
            ("type", s(typ)),
            ("record", record),
        ])
        .compact()
    };
    if inv.init_cms.is_some() {
        ev.push((
            inv.arrival_ms,
            platform(
                inv.arrival_ms,
                "platform.initStart",
                J::Obj(vec![
                    ("initializationType", s("on-demand")),
                    ("phase", s("init")),
                    ("runtimeVersion", s(spec.runtime_version)),
                    ("runtimeVersionArn", s(sim.runtime_arn.clone())),
                    ("functionName", s(spec.name)),
                    ("functionVersion", s(spec.version)),
                ]),
            ),
        ));
    }
    ev.push((
        inv.start_ms,
        platform(
            inv.start_ms,
            "platform.start",
            J::Obj(vec![
                ("requestId", s(inv.request_id.clone())),
                ("version", s(spec.version)),
            ]),
        ),
    ));
    for a in &inv.app {
        ev.push((a.ts, a.text.clone()));
    }
    let mut metrics = vec![
        ("durationMs", J::Num(fmt_f64(cms_f64(inv.duration_cms)))),
        ("billedDurationMs", J::Int(inv.billed_ms as i64)),
        ("memorySizeMB", J::Int(spec.memory_mb as i64)),
        ("maxMemoryUsedMB", J::Int(inv.mem_used as i64)),
    ];
    if let Some(i) = inv.init_cms {
        metrics.push(("initDurationMs", J::Num(fmt_f64(cms_f64(i)))));
    }
    let mut record = vec![
        ("requestId", s(inv.request_id.clone())),
        ("metrics", J::Obj(metrics)),
    ];
    match inv.outcome {
        Outcome::Timeout => record.push(("status", s("timeout"))),
        Outcome::Crash { .. } => {
            record.push(("status", s("error")));
            record.push(("errorType", s("Runtime.ExitError")));
        }
        _ => record.push(("status", s("success"))),
    }
    ev.push((
        inv.report_ms,
        platform(inv.report_ms, "platform.report", J::Obj(record)),
    ));
    ev
}

/// All events of a function as (timestamp, stream index, message), stable-sorted by time.
fn all_events(sim: &FnSim, json_format: bool, xray_inline: bool) -> Vec<(i64, usize, String)> {
    let mut out = Vec::new();
    for inv in &sim.invs {
        let ev = if json_format {
            json_events(sim, inv)
        } else {
            text_events(sim, inv, xray_inline)
        };
        out.extend(ev.into_iter().map(|(ts, m)| (ts, inv.inst, m)));
    }
    out.sort_by_key(|e| e.0);
    out
}

/// Renders tabs the way a terminal does (8-column tab stops), then trims trailing blanks.
fn expand_tabs(start_col: usize, msg: &str) -> String {
    let mut out = String::with_capacity(msg.len() + 32);
    let mut col = start_col;
    for ch in msg.chars() {
        match ch {
            '\t' => {
                let n = 8 - col % 8;
                out.extend(std::iter::repeat_n(' ', n));
                col += n;
            }
            '\n' => {
                out.push('\n');
                col = 0;
            }
            c => {
                out.push(c);
                col += 1;
            }
        }
    }
    out.truncate(out.trim_end().len());
    out
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::best());
    e.write_all(data).expect("gzip into memory");
    e.finish().expect("gzip into memory")
}

type Files = Vec<(String, Vec<u8>)>;

fn render_logs(sim: &FnSim, rng: &mut ChaCha8Rng, files: &mut Files) {
    let spec = sim.spec;
    match spec.sink {
        Sink::S3Text => {
            let mut days: BTreeMap<String, String> = BTreeMap::new();
            for (ts, _, msg) in all_events(sim, false, true) {
                let buf = days.entry(ymd(ts, '-')).or_default();
                buf.push_str(&iso_ms(ts));
                buf.push(' ');
                buf.push_str(&msg);
                buf.push('\n');
            }
            for (day, text) in days {
                files.push((
                    format!("s3-export/{}/{day}.log.gz", spec.name),
                    gzip(text.as_bytes()),
                ));
            }
        }
        Sink::LogsTail => {
            let mut text = String::new();
            for (ts, inst, msg) in all_events(sim, false, true) {
                let prefix = format!("{} {} ", iso_tail(ts), sim.insts[inst].stream);
                text.push_str(&prefix);
                text.push_str(&expand_tabs(prefix.len(), &msg));
                text.push('\n');
            }
            files.push((format!("logs-tail/{}.txt", spec.name), text.into_bytes()));
        }
        Sink::FilterLogEvents => {
            let mut reports: Vec<&Inv> = sim.invs.iter().collect();
            reports.sort_by_key(|i| i.report_ms);
            let pages: Vec<&[&Inv]> = reports.chunks(FILTER_PAGE_EVENTS).collect();
            let n_pages = pages.len();
            for (p, page) in pages.into_iter().enumerate() {
                let events = page
                    .iter()
                    .map(|inv| {
                        let ts = inv.report_ms;
                        J::Obj(vec![
                            ("logStreamName", s(sim.insts[inv.inst].stream.clone())),
                            ("timestamp", J::Int(ts)),
                            ("message", s(report_text(spec, inv, false) + "\n")),
                            ("ingestionTime", J::Int(ts + rng.random_range(150..900))),
                            (
                                "eventId",
                                s(format!(
                                    "3{:02}{ts:013}{}",
                                    rng.random_range(0..100),
                                    from_alphabet(rng, b"0123456789", 40)
                                )),
                            ),
                        ])
                    })
                    .collect();
                let mut obj = vec![
                    ("events", J::Arr(events)),
                    ("searchedLogStreams", J::Arr(Vec::new())),
                ];
                if p + 1 < n_pages {
                    obj.push((
                        "nextToken",
                        s(from_alphabet(
                            rng,
                            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
                            112,
                        )),
                    ));
                }
                let name = if n_pages == 1 {
                    format!("filter-log-events/{}.json", spec.name)
                } else {
                    format!("filter-log-events/{}.page-{}.json", spec.name, p + 1)
                };
                files.push((name, J::Obj(obj).pretty().into_bytes()));
            }
        }
        Sink::NdjsonJson | Sink::NdjsonText => {
            let json_format = spec.sink == Sink::NdjsonJson;
            let group = format!("/aws/lambda/{}", spec.name);
            let mut text = String::new();
            for (ts, inst, msg) in all_events(sim, json_format, false) {
                let message = if json_format { msg } else { msg + "\n" };
                J::Obj(vec![
                    ("timestamp", J::Int(ts)),
                    ("message", J::Str(message)),
                    ("logGroup", s(group.clone())),
                    ("logStream", s(sim.insts[inst].stream.clone())),
                ])
                .compact_into(&mut text);
                text.push('\n');
            }
            files.push((
                format!("ndjson/{}.ndjson.gz", spec.name),
                gzip(text.as_bytes()),
            ));
        }
    }
}

fn render_xray(sims: &[FnSim], files: &mut Files) -> usize {
    let mut traces: Vec<&TraceRec> = sims.iter().flat_map(|f| f.traces.iter()).collect();
    traces.sort_by_key(|t| t.start_us);
    for (p, page) in traces.chunks(XRAY_PAGE_TRACES).enumerate() {
        let mut out = String::from("{\n    \"Traces\": [");
        for (i, t) in page.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str("\n        ");
            t.json.pretty_into(&mut out, 2);
        }
        out.push_str("\n    ],\n    \"UnprocessedTraceIds\": []\n}\n");
        files.push((
            format!("xray/batch-get-traces-{}.json", p + 1),
            out.into_bytes(),
        ));
    }
    traces.len()
}

#[derive(Default, Clone)]
struct Hour {
    invocations: u64,
    errors: u64,
    throttles: u64,
    durations: Vec<u64>,
    concurrency: u64,
    active: bool,
}

fn hour_index(ts: i64) -> usize {
    (((ts - T0_MS) / HOUR_MS).max(0) as usize).min(HOURS - 1)
}

fn hourly(sim: &FnSim) -> Vec<Hour> {
    let mut hours = vec![Hour::default(); HOURS];
    for inv in &sim.invs {
        let h = &mut hours[hour_index(inv.report_ms)];
        h.active = true;
        h.invocations += 1;
        h.durations.push(inv.duration_cms);
        if inv.outcome != Outcome::Success {
            h.errors += 1;
        }
    }
    for &t in &sim.throttles {
        let h = &mut hours[hour_index(t)];
        h.active = true;
        h.throttles += 1;
    }
    // Concurrency: sweep over [arrival, report] intervals; ends before starts at equal times.
    let mut edges: Vec<(i64, i32)> = sim
        .invs
        .iter()
        .flat_map(|i| [(i.arrival_ms, 1), (i.report_ms, -1)])
        .collect();
    edges.sort_unstable();
    let mut cur: i64 = 0;
    let mut last_h = 0usize;
    for (ts, delta) in edges {
        let h = hour_index(ts);
        for carried in hours.iter_mut().take(h + 1).skip(last_h + 1) {
            carried.concurrency = carried.concurrency.max(cur as u64);
        }
        last_h = last_h.max(h);
        cur += delta as i64;
        if delta > 0 {
            hours[h].concurrency = hours[h].concurrency.max(cur as u64);
        }
    }
    hours
}

fn render_metrics(sims: &[FnSim], files: &mut Files) {
    let mut results = Vec::new();
    let mut id = 0;
    for sim in sims {
        let hours = hourly(sim);
        type Stat = fn(&Hour) -> f64;
        let stats: [(&str, &str, Stat); 6] = [
            ("Invocations", "Sum", |h| h.invocations as f64),
            ("Errors", "Sum", |h| h.errors as f64),
            ("Throttles", "Sum", |h| h.throttles as f64),
            ("Duration", "Average", |h| {
                h.durations.iter().sum::<u64>() as f64 / h.durations.len() as f64 / 100.0
            }),
            ("Duration", "p99", |h| {
                let mut d = h.durations.clone();
                d.sort_unstable();
                let rank = (d.len() as f64 * 0.99).ceil() as usize;
                cms_f64(d[rank.max(1) - 1])
            }),
            ("ConcurrentExecutions", "Maximum", |h| h.concurrency as f64),
        ];
        for (metric, stat, f) in stats {
            let mut ts = Vec::new();
            let mut vals = Vec::new();
            for (i, h) in hours.iter().enumerate().rev() {
                let has = if metric == "Duration" {
                    !h.durations.is_empty()
                } else {
                    h.active
                };
                if has {
                    ts.push(s(iso_secs_offset(T0_MS + i as i64 * HOUR_MS)));
                    vals.push(J::Num(fmt_f64(f(h))));
                }
            }
            results.push(J::Obj(vec![
                ("Id", s(format!("m{id}"))),
                ("Label", s(format!("{}:{metric}:{stat}", sim.spec.name))),
                ("Timestamps", J::Arr(ts)),
                ("Values", J::Arr(vals)),
                ("StatusCode", s("Complete")),
            ]));
            id += 1;
        }
    }
    let doc = J::Obj(vec![
        ("MetricDataResults", J::Arr(results)),
        ("Messages", J::Arr(Vec::new())),
    ]);
    files.push((
        "metrics/get-metric-data.json".into(),
        doc.pretty().into_bytes(),
    ));

    // Per-minute throttles of image-batch during each burst (zeros included).
    let mut csv = String::from("timestamp,function,metric,value,unit\n");
    for sim in sims.iter().filter(|f| f.spec.kind == Kind::ImageBatch) {
        for &b in &sim.bursts {
            let window = b..b + 3 * HOUR_MS;
            let last = sim
                .invs
                .iter()
                .filter(|i| window.contains(&i.arrival_ms))
                .map(|i| i.report_ms)
                .chain(sim.throttles.iter().copied().filter(|t| window.contains(t)))
                .max()
                .unwrap_or(b);
            let first_min = b / 60_000;
            for m in first_min..=last / 60_000 {
                let n = sim.throttles.iter().filter(|&&t| t / 60_000 == m).count();
                let _ = writeln!(
                    csv,
                    "{},{},Throttles,{n},Count",
                    iso_secs_z(m * 60_000),
                    sim.spec.name
                );
            }
        }
    }
    files.push(("metrics/throttles.csv".into(), csv.into_bytes()));
}

// ---------------------------------------------------------------------------------------------
// Ground truth
// ---------------------------------------------------------------------------------------------

/// `value` with every object's keys in sorted order: serde_json keeps insertion order when a
/// crate in the build enables its `preserve_order` feature, and the file must not depend on
/// which crates are built beside the generator.
fn sorted_keys(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, sorted_keys(v)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted_keys).collect()),
        other => other,
    }
}

fn expected(seed: u64, sims: &[FnSim], traces: usize, files: &Files) -> Value {
    let mut functions = serde_json::Map::new();
    for sim in sims {
        let spec = sim.spec;
        let invs = &sim.invs;
        let count = |f: &dyn Fn(&Inv) -> bool| invs.iter().filter(|i| f(i)).count();
        let sum_cms: u64 = invs.iter().map(|i| i.duration_cms).sum();
        let init_cms: u64 = invs.iter().filter_map(|i| i.init_cms).sum();
        let log_format = if spec.sink == Sink::NdjsonJson {
            "json"
        } else {
            "text"
        };
        functions.insert(
            spec.name.to_string(),
            json!({
                "invocations": invs.len(),
                "cold_starts": count(&|i| i.init_cms.is_some() || i.restore_cms.is_some()),
                "errors": count(&|i| matches!(i.outcome, Outcome::HandlerError | Outcome::Crash { .. })),
                "handler_errors": count(&|i| i.outcome == Outcome::HandlerError),
                "crashes": count(&|i| matches!(i.outcome, Outcome::Crash { .. })),
                "process_exited_lines": count(&|i| i.outcome == Outcome::Crash { exited_line: true }),
                "timeouts": count(&|i| i.outcome == Outcome::Timeout),
                "throttles": sim.throttles.len(),
                "memory_size_mb": spec.memory_mb,
                "max_memory_used_mb": invs.iter().map(|i| i.mem_used).max().unwrap_or(0),
                "sum_billed_duration_ms": invs.iter().map(|i| i.billed_ms).sum::<u64>(),
                "sum_billed_restore_duration_ms": invs.iter().filter_map(|i| i.billed_restore_ms).sum::<u64>(),
                "sum_duration_ms": cms_f64(sum_cms),
                "sum_init_duration_ms": cms_f64(init_cms),
                "max_duration_ms": cms_f64(invs.iter().map(|i| i.duration_cms).max().unwrap_or(0)),
                "first_report_ts_ms": invs.iter().map(|i| i.report_ms).min(),
                "last_report_ts_ms": invs.iter().map(|i| i.report_ms).max(),
                "log_streams": invs.iter().map(|i| i.inst).collect::<std::collections::BTreeSet<_>>().len(),
                "traces": sim.traces.len(),
                "trace_faults": sim.traces.iter().filter(|t| t.fault).count(),
                "trace_errors": sim.traces.iter().filter(|t| t.error).count(),
                "throttled_subsegments": sim.traces.iter().map(|t| t.throttled_subsegments).sum::<u32>(),
                "runtime": spec.runtime,
                "architecture": spec.arch,
                "log_format": log_format,
                "version": spec.version,
            }),
        );
    }
    let file_list: Vec<Value> = files
        .iter()
        .map(|(p, b)| json!({"path": p, "bytes": b.len()}))
        .collect();
    json!({
        "seed": seed,
        "start": iso_secs_z(T0_MS),
        "end": iso_secs_z(T_END_MS),
        "functions": functions,
        "traces": traces,
        "files": file_list,
        "total_bytes": files.iter().map(|(_, b)| b.len()).sum::<usize>(),
    })
}

// ---------------------------------------------------------------------------------------------
// Files on disk
// ---------------------------------------------------------------------------------------------

fn write_atomic(path: &Path, data: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&dir)?;
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::other("path has no file name"))?
        .to_string_lossy();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(data)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Whether `rel` (relative to `--out`, `/`-separated) is a file this generator writes.
fn is_generated(rel: &str) -> bool {
    let names_with = |sink: Sink| SPECS.iter().filter(move |f| f.sink == sink).map(|f| f.name);
    let parts: Vec<&str> = rel.split('/').collect();
    match parts.as_slice() {
        ["s3-export", func, file] => {
            names_with(Sink::S3Text).any(|n| n == *func)
                && file.len() == "2025-09-01.log.gz".len()
                && file.ends_with(".log.gz")
        }
        ["logs-tail", file] => names_with(Sink::LogsTail).any(|n| *file == format!("{n}.txt")),
        ["filter-log-events", file] => names_with(Sink::FilterLogEvents).any(|n| {
            *file == format!("{n}.json")
                || (file.starts_with(&format!("{n}.page-")) && file.ends_with(".json"))
        }),
        ["ndjson", file] => SPECS
            .iter()
            .filter(|f| matches!(f.sink, Sink::NdjsonJson | Sink::NdjsonText))
            .any(|f| *file == format!("{}.ndjson.gz", f.name)),
        ["xray", file] => file.starts_with("batch-get-traces-") && file.ends_with(".json"),
        ["metrics", "get-metric-data.json" | "throttles.csv"] => true,
        _ => false,
    }
}

/// Removes the files a previous run of this generator wrote under `out` (nothing else).
fn remove_generated(out: &Path) -> std::io::Result<usize> {
    fn walk(dir: &Path, rel: &str, depth: usize, removed: &mut usize) -> std::io::Result<()> {
        let mut entries: Vec<_> = fs::read_dir(dir)?.collect::<Result<_, _>>()?;
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let name = e.file_name().to_string_lossy().into_owned();
            let child = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            let ft = e.file_type()?;
            if ft.is_dir() && depth < 2 {
                walk(&e.path(), &child, depth + 1, removed)?;
            } else if ft.is_file() {
                // Also leftovers of an interrupted atomic write: `.<name>.tmp-<pid>`.
                let target = match name.strip_prefix('.').and_then(|n| n.split_once(".tmp-")) {
                    Some((orig, _)) => child.replace(&name, orig),
                    None => child.clone(),
                };
                if is_generated(&target) {
                    fs::remove_file(e.path())?;
                    *removed += 1;
                }
            }
        }
        Ok(())
    }
    let mut removed = 0;
    walk(out, "", 0, &mut removed)?;
    Ok(removed)
}

// ---------------------------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------------------------

struct Args {
    seed: u64,
    out: PathBuf,
    expected: PathBuf,
    force: bool,
}

const USAGE: &str = concat!(
    "usage: gen_sample_data [--seed N] [--out DIR] [--expected FILE] [--force]\n",
    "  --seed N         RNG seed (default 42)\n",
    "  --out DIR        output directory (default sample-data)\n",
    "  --expected FILE  ground-truth JSON (default tests/fixtures/sample-data-expected.json)\n",
    "  --force          write into a non-empty DIR, replacing only files this generator writes",
);

fn parse_args() -> Result<Option<Args>, String> {
    let mut args = Args {
        seed: 42,
        out: PathBuf::from("sample-data"),
        expected: PathBuf::from("tests/fixtures/sample-data-expected.json"),
        force: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "--seed" => {
                let v = value("--seed")?;
                args.seed = v
                    .parse()
                    .map_err(|_| format!("--seed: not an unsigned integer: {v}"))?;
            }
            "--out" => args.out = PathBuf::from(value("--out")?),
            "--expected" => args.expected = PathBuf::from(value("--expected")?),
            "--force" => args.force = true,
            "-h" | "--help" => return Ok(None),
            other => return Err(format!("unknown argument: {other}")),
        }
    }
    Ok(Some(args))
}

fn run(args: &Args) -> Result<(), String> {
    let non_empty = fs::read_dir(&args.out)
        .map(|mut d| d.next().is_some())
        .unwrap_or(false);
    if non_empty && !args.force {
        return Err(format!(
            "{} is not empty; pass --force to replace the files this generator writes",
            args.out.display()
        ));
    }

    // One independent ChaCha8 stream per function, one for runtime ARNs, one for rendering.
    let base = ChaCha8Rng::seed_from_u64(args.seed);
    let stream = |n: u64| {
        let mut r = base.clone();
        r.set_stream(n);
        r
    };
    let mut arn_rng = stream(100);
    let mut arns: BTreeMap<&str, String> = BTreeMap::new();
    for spec in &SPECS {
        if !arns.contains_key(spec.runtime_version) {
            let arn = format!("arn:aws:lambda:{REGION}::runtime:{}", hex(&mut arn_rng, 64));
            arns.insert(spec.runtime_version, arn);
        }
    }
    let sims: Vec<FnSim> = SPECS
        .iter()
        .enumerate()
        .map(|(i, spec)| {
            let mut rng = stream(i as u64 + 1);
            simulate(spec, &mut rng, arns[spec.runtime_version].clone())
        })
        .collect();

    let mut render_rng = stream(200);
    let mut files: Files = Vec::new();
    for sim in &sims {
        render_logs(sim, &mut render_rng, &mut files);
    }
    let traces = render_xray(&sims, &mut files);
    render_metrics(&sims, &mut files);
    files.sort_by(|a, b| a.0.cmp(&b.0));

    if non_empty {
        let removed = remove_generated(&args.out)
            .map_err(|e| format!("cleaning {}: {e}", args.out.display()))?;
        eprintln!("--force: removed {removed} previously generated files");
    }
    for (rel, data) in &files {
        let path = args.out.join(rel);
        write_atomic(&path, data).map_err(|e| format!("writing {}: {e}", path.display()))?;
    }
    let truth = sorted_keys(expected(args.seed, &sims, traces, &files));
    let mut text = serde_json::to_string_pretty(&truth).map_err(|e| e.to_string())?;
    text.push('\n');
    write_atomic(&args.expected, text.as_bytes())
        .map_err(|e| format!("writing {}: {e}", args.expected.display()))?;

    let total: usize = files.iter().map(|(_, b)| b.len()).sum();
    println!(
        "wrote {} files ({:.2} MB) to {}, ground truth to {}",
        files.len(),
        total as f64 / 1_000_000.0,
        args.out.display(),
        args.expected.display()
    );
    for sim in &sims {
        let cold = sim
            .invs
            .iter()
            .filter(|i| i.init_cms.is_some() || i.restore_cms.is_some())
            .count();
        println!(
            "  {:<20} {:>6} invocations {:>5} cold starts {:>4} traces {:>5} throttles",
            sim.spec.name,
            sim.invs.len(),
            cold,
            sim.traces.len(),
            sim.throttles.len()
        );
    }
    Ok(())
}

fn main() -> ExitCode {
    match parse_args() {
        Ok(None) => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Ok(Some(args)) => match run(&args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("gen_sample_data: {e}");
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            eprintln!("gen_sample_data: {e}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}
