//! Seeded, deterministic generator of a large CloudWatch Logs NDJSON export for benchmarks.
//!
//! Writes one CloudWatch log event per line, exactly as an export of `/aws/lambda/*` log
//! groups looks:
//!
//! ```text
//! {"timestamp":1756684805864,"message":"REPORT RequestId: <uuid>\tDuration: 48.27 ms\t...\t\n","logGroup":"/aws/lambda/fn-017","logStream":"2025/09/01/[$LATEST]<32 hex>"}
//! ```
//!
//! `--functions N` functions named `fn-000`, `fn-001`, … each with its own memory size
//! (128–3008 MB), traffic share, log-normal duration distribution (median 5–2000 ms), timeout,
//! error rate and init (cold start) duration. Every invocation writes `START`, `END` and
//! `REPORT` plus, for 0–10 % of invocations depending on the function, one application log
//! line, so about a third of all lines are `REPORT` lines. About 1 % of invocations are cold
//! starts (`Init Duration` and a new log stream); a few end in `Status: timeout` (preceded by
//! a `Task timed out after …` line) or `Status: error\tError Type: Runtime.ExitError`.
//! Invocations start evenly over seven days from 2025-09-01T00:00:00Z and the lines of
//! overlapping invocations are interleaved, so timestamps never decrease through the file.
//!
//! Generation stops once `--bytes` have been written (the file ends with a whole invocation, so
//! it is at most one invocation longer). Everything derives from `--seed` through ChaCha8:
//! the same arguments give byte-identical files. The file is written to a temporary file in
//! the same directory and renamed into place; an existing `--out` is only replaced with
//! `--force`. A summary (lines, REPORT lines, bytes) goes to stderr.
//!
//! Run it with:
//!
//! ```text
//! cargo run --release --example gen_bench_export -- --out /tmp/export-1g.ndjson --bytes 1G
//! ```
//!
//! Options: `--out FILE` (required), `--bytes N` (default 1000000000; suffixes K/M/G are
//! powers of 1000, Ki/Mi/Gi powers of 1024, `_` separators allowed), `--functions N`
//! (default 50), `--seed S` (default 1), `--force`.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{BufWriter, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, LogNormal};

/// 2025-09-01T00:00:00Z in epoch milliseconds.
const T0_MS: i64 = 1_756_684_800_000;
/// Invocations start over this span.
const SPAN_MS: i64 = 7 * 86_400_000;
const MEMORY_SIZES: [u32; 10] = [128, 192, 256, 512, 768, 1024, 1536, 2048, 2560, 3008];
const TIMEOUTS_S: [u64; 8] = [3, 6, 10, 15, 30, 60, 300, 900];
const COLD_START_P: f64 = 0.01;
const WORDS: [&str; 40] = [
    "processed",
    "order",
    "customer",
    "item",
    "batch",
    "request",
    "cache",
    "hit",
    "miss",
    "fetched",
    "record",
    "from",
    "table",
    "queue",
    "message",
    "payload",
    "validated",
    "user",
    "session",
    "token",
    "refreshed",
    "upstream",
    "latency",
    "retry",
    "attempt",
    "status",
    "ok",
    "accepted",
    "stored",
    "object",
    "bucket",
    "key",
    "written",
    "shard",
    "partition",
    "event",
    "handler",
    "completed",
    "in",
    "ms",
];

struct Args {
    out: PathBuf,
    bytes: u64,
    functions: usize,
    seed: u64,
    force: bool,
}

const USAGE: &str = "usage: gen_bench_export --out FILE [--bytes N (default 1G)] \
                     [--functions N (default 50)] [--seed S (default 1)] [--force]";

fn parse_bytes(s: &str) -> Result<u64, String> {
    let t: String = s.chars().filter(|c| *c != '_').collect();
    let t = t.trim();
    let lower = t.to_ascii_lowercase();
    let lower = lower.strip_suffix('b').unwrap_or(&lower);
    let (num, mult) = [
        ("ki", 1u64 << 10),
        ("mi", 1 << 20),
        ("gi", 1 << 30),
        ("k", 1_000),
        ("m", 1_000_000),
        ("g", 1_000_000_000),
    ]
    .iter()
    .find_map(|(suf, m)| lower.strip_suffix(suf).map(|n| (n, *m)))
    .unwrap_or((lower, 1));
    let bad = || format!("--bytes: cannot read {s:?} (examples: 1000000000, 1G, 200M, 512Mi)");
    let v = if num.contains('.') {
        let f: f64 = num.parse().map_err(|_| bad())?;
        if !(f.is_finite() && f >= 0.0) {
            return Err(bad());
        }
        (f * mult as f64).round() as u64
    } else {
        num.parse::<u64>()
            .ok()
            .and_then(|n| n.checked_mul(mult))
            .ok_or_else(bad)?
    };
    if v == 0 {
        return Err("--bytes must be positive".into());
    }
    Ok(v)
}

fn parse_args() -> Result<Args, String> {
    let mut out = None;
    let mut bytes = 1_000_000_000;
    let mut functions = 50;
    let mut seed = 1;
    let mut force = false;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let (key, inline) = match a.split_once('=') {
            Some((k, v)) if k.starts_with("--") => (k.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))
        };
        match key.as_str() {
            "--out" => out = Some(PathBuf::from(value("--out")?)),
            "--bytes" => bytes = parse_bytes(&value("--bytes")?)?,
            "--functions" => {
                functions = value("--functions")?
                    .parse()
                    .map_err(|_| "--functions: expected a positive integer".to_string())?;
                if !(1..=1000).contains(&functions) {
                    return Err("--functions must be between 1 and 1000".into());
                }
            }
            "--seed" => {
                seed = value("--seed")?
                    .parse()
                    .map_err(|_| "--seed: expected an unsigned integer".to_string())?
            }
            "--force" => force = true,
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    let out = out.ok_or_else(|| format!("--out is required\n{USAGE}"))?;
    Ok(Args {
        out,
        bytes,
        functions,
        seed,
        force,
    })
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// `2025-09-01T00:00:05.864Z`
fn write_iso(s: &mut String, ms: i64) {
    let (y, mo, d) = civil_from_days(ms.div_euclid(86_400_000));
    let t = ms.rem_euclid(86_400_000);
    let (h, mi, sec, milli) = (t / 3_600_000, t / 60_000 % 60, t / 1000 % 60, t % 1000);
    let _ = write!(
        s,
        "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{sec:02}.{milli:03}Z"
    );
}

fn write_uuid(s: &mut String, r: u128) {
    // Version 4, RFC 4122 variant.
    let r = (r & !(0xF << 76) & !(0x3 << 62)) | (0x4 << 76) | (0x2 << 62);
    let _ = write!(
        s,
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        (r >> 96) as u32,
        (r >> 80) as u16,
        (r >> 64) as u16,
        (r >> 48) as u16,
        (r & 0xFFFF_FFFF_FFFF) as u64
    );
}

/// Hundredths of a millisecond as `48.27`.
fn write_centi(s: &mut String, c: u64) {
    let _ = write!(s, "{}.{:02}", c / 100, c % 100);
}

struct Function {
    group: String,
    memory_mb: u32,
    timeout_ms: u64,
    duration: LogNormal<f64>,
    init: LogNormal<f64>,
    /// Probability of an application log line per invocation.
    app_p: f64,
    /// Probability of an extra timeout (a hung downstream call) on top of the tail.
    hang_p: f64,
    error_p: f64,
    /// Typical memory used, as a fraction of the configured memory.
    mem_frac: f64,
    /// Log streams of the warm execution environments; `None` until first used (cold).
    streams: Vec<Option<String>>,
}

fn new_stream(rng: &mut ChaCha8Rng, ms: i64) -> String {
    let (y, m, d) = civil_from_days(ms.div_euclid(86_400_000));
    format!(
        "{y:04}/{m:02}/{d:02}/[$LATEST]{:032x}",
        rng.random::<u128>()
    )
}

fn make_functions(n: usize, rng: &mut ChaCha8Rng) -> (Vec<Function>, Vec<f64>) {
    let mut funcs = Vec::with_capacity(n);
    let mut cum = Vec::with_capacity(n);
    let mut total = 0.0;
    for i in 0..n {
        // Median duration log-uniform in 5..2000 ms.
        let median = 5.0 * 400f64.powf(rng.random::<f64>());
        let sigma = rng.random_range(0.25..0.9);
        let timeout_ms = TIMEOUTS_S
            .iter()
            .map(|s| s * 1000)
            .find(|t| *t as f64 >= median * rng.random_range(6.0..20.0))
            .unwrap_or(900_000);
        let memory_mb = MEMORY_SIZES[rng.random_range(0..MEMORY_SIZES.len())];
        let init_median = rng.random_range(120.0..900.0f64);
        // Traffic share: a Zipf-like spread over the functions.
        let weight = 1.0 / ((i + 1) as f64).powf(0.9) * rng.random_range(0.5..1.5);
        total += weight;
        cum.push(total);
        let warm = rng.random_range(1..=8);
        funcs.push(Function {
            group: format!("/aws/lambda/fn-{i:03}"),
            memory_mb,
            timeout_ms,
            duration: LogNormal::new(median.ln(), sigma).expect("valid log-normal"),
            init: LogNormal::new(init_median.ln(), 0.3).expect("valid log-normal"),
            app_p: rng.random_range(0.0..0.1),
            hang_p: if rng.random_bool(0.2) {
                rng.random_range(0.0001..0.002)
            } else {
                0.0
            },
            error_p: if rng.random_bool(0.3) {
                rng.random_range(0.0001..0.003)
            } else {
                0.0
            },
            mem_frac: rng.random_range(0.1..0.8),
            streams: vec![None; warm],
        });
    }
    (funcs, cum)
}

/// A line waiting to be written, ordered by (timestamp, sequence number).
type Pending = Reverse<(i64, u64, String)>;

struct Writer {
    heap: BinaryHeap<Pending>,
    free: Vec<String>,
    seq: u64,
    out: BufWriter<File>,
    lines: u64,
    bytes: u64,
}

impl Writer {
    fn buf(&mut self) -> String {
        self.free
            .pop()
            .unwrap_or_else(|| String::with_capacity(512))
    }

    /// Queues one event line; `message` is already JSON-escaped.
    fn push(&mut self, ts: i64, group: &str, stream: &str, message: &str) {
        let mut s = self.buf();
        let _ = writeln!(
            s,
            "{{\"timestamp\":{ts},\"message\":\"{message}\",\"logGroup\":\"{group}\",\"logStream\":\"{stream}\"}}"
        );
        self.bytes += s.len() as u64;
        self.seq += 1;
        self.heap.push(Reverse((ts, self.seq, s)));
    }

    /// Writes every queued line with a timestamp at or before `ts`.
    fn flush_until(&mut self, ts: i64) -> std::io::Result<()> {
        while self.heap.peek().is_some_and(|Reverse((t, _, _))| *t <= ts) {
            let Some(Reverse((_, _, mut s))) = self.heap.pop() else {
                break;
            };
            self.out.write_all(s.as_bytes())?;
            self.lines += 1;
            s.clear();
            self.free.push(s);
        }
        Ok(())
    }
}

#[derive(Default)]
struct Stats {
    invocations: u64,
    reports: u64,
    app_lines: u64,
    cold: u64,
    timeouts: u64,
    errors: u64,
}

fn generate(args: &Args, file: File) -> std::io::Result<(Stats, u64, u64)> {
    let mut rng = ChaCha8Rng::seed_from_u64(args.seed);
    let (mut funcs, cum) = make_functions(args.functions, &mut rng);
    let total_weight = *cum.last().expect("at least one function");
    rng.set_stream(1);

    let mut w = Writer {
        heap: BinaryHeap::new(),
        free: Vec::new(),
        seq: 0,
        out: BufWriter::with_capacity(8 << 20, file),
        lines: 0,
        bytes: 0,
    };
    let mut st = Stats::default();
    let mut id = String::with_capacity(40);
    let mut msg = String::with_capacity(512);
    let mut text = String::with_capacity(128);

    while w.bytes < args.bytes {
        // Invocations start evenly over the span, in proportion to the bytes written so far.
        let start = T0_MS + ((w.bytes as f64 / args.bytes as f64) * SPAN_MS as f64) as i64;
        w.flush_until(start)?;

        let x = rng.random::<f64>() * total_weight;
        let fi = cum.partition_point(|c| *c <= x).min(funcs.len() - 1);
        let f = &mut funcs[fi];
        st.invocations += 1;

        // Execution environment: a warm one, or a cold start in a new log stream.
        let slot = rng.random_range(0..f.streams.len());
        let cold = f.streams[slot].is_none() || rng.random_bool(COLD_START_P);
        if cold {
            f.streams[slot] = Some(new_stream(&mut rng, start));
            st.cold += 1;
        }
        let stream = f.streams[slot].as_deref().unwrap_or_default();
        let init_centi = if cold {
            (f.init.sample(&mut rng) * 100.0).round() as u64
        } else {
            0
        };

        let mut dur_centi = (f.duration.sample(&mut rng) * 100.0).round().max(1.0) as u64;
        let timeout_centi = f.timeout_ms * 100;
        let timed_out = dur_centi >= timeout_centi || rng.random_bool(f.hang_p);
        let errored = !timed_out && rng.random_bool(f.error_p);
        if timed_out {
            dur_centi = timeout_centi + rng.random_range(0..500);
            st.timeouts += 1;
        } else if errored {
            st.errors += 1;
        }

        id.clear();
        write_uuid(&mut id, rng.random::<u128>());
        let begin = start + (init_centi / 100) as i64;
        let end = begin + dur_centi.div_ceil(100) as i64;

        msg.clear();
        let _ = write!(msg, "START RequestId: {id} Version: $LATEST\\n");
        w.push(begin, &f.group, stream, &msg);

        if timed_out {
            msg.clear();
            write_iso(&mut msg, end);
            let _ = write!(
                msg,
                " {id} Task timed out after {}.00 seconds\\n\\n",
                f.timeout_ms / 1000
            );
            w.push(end, &f.group, stream, &msg);
            st.app_lines += 1;
        } else if errored || rng.random_bool(f.app_p) {
            let at = begin + rng.random_range(0..=(end - begin));
            let level = if errored { "ERROR" } else { "INFO" };
            let len = rng.random_range(40..=120);
            text.clear();
            while text.len() < len {
                if !text.is_empty() {
                    text.push(' ');
                }
                if rng.random_bool(0.2) {
                    let _ = write!(text, "{}", rng.random_range(0..100_000u32));
                } else {
                    text.push_str(WORDS[rng.random_range(0..WORDS.len())]);
                }
            }
            text.truncate(len);
            msg.clear();
            write_iso(&mut msg, at);
            let _ = write!(msg, "\\t{id}\\t{level}\\t{}\\n", text.trim_end());
            w.push(at, &f.group, stream, &msg);
            st.app_lines += 1;
        }

        msg.clear();
        let _ = write!(msg, "END RequestId: {id}\\n");
        w.push(end, &f.group, stream, &msg);

        let used = (f64::from(f.memory_mb) * f.mem_frac * rng.random_range(0.9..1.15))
            .round()
            .clamp(30.0, f64::from(f.memory_mb)) as u32;
        let billed_ms = if timed_out {
            f.timeout_ms
        } else {
            dur_centi.div_ceil(100).max(1)
        };
        msg.clear();
        let _ = write!(msg, "REPORT RequestId: {id}\\tDuration: ");
        write_centi(&mut msg, dur_centi);
        let _ = write!(
            msg,
            " ms\\tBilled Duration: {billed_ms} ms\\tMemory Size: {} MB\\tMax Memory Used: {used} MB\\t",
            f.memory_mb
        );
        if cold {
            msg.push_str("Init Duration: ");
            write_centi(&mut msg, init_centi);
            msg.push_str(" ms\\t");
        }
        if timed_out {
            msg.push_str("Status: timeout\\t");
        } else if errored {
            msg.push_str("Status: error\\tError Type: Runtime.ExitError\\t");
        }
        msg.push_str("\\n");
        w.push(end, &f.group, stream, &msg);
        st.reports += 1;
    }
    w.flush_until(i64::MAX)?;
    let file = w.out.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    Ok((st, w.lines, w.bytes))
}

fn temp_path(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "export".into());
    out.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

fn run(args: &Args) -> Result<(), String> {
    if args.out.exists() && !args.force {
        return Err(format!(
            "{} already exists (use --force to replace it)",
            args.out.display()
        ));
    }
    if let Some(dir) = args.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    }
    let tmp = temp_path(&args.out);
    let file = File::create(&tmp).map_err(|e| format!("creating {}: {e}", tmp.display()))?;
    let t = Instant::now();
    let result = generate(args, file)
        .map_err(|e| format!("writing {}: {e}", tmp.display()))
        .and_then(|r| {
            fs::rename(&tmp, &args.out)
                .map_err(|e| format!("renaming {} to {}: {e}", tmp.display(), args.out.display()))
                .map(|()| r)
        });
    let (st, lines, bytes) = match result {
        Ok(r) => r,
        Err(e) => {
            let _ = fs::remove_file(&tmp);
            return Err(e);
        }
    };
    let secs = t.elapsed().as_secs_f64();
    eprintln!(
        "wrote {}: {bytes} bytes, {lines} lines, {} REPORT lines ({:.1} % of lines), \
         {} START, {} END, {} other lines; {} invocations of {} functions, {} cold starts, \
         {} timeouts, {} errors; seed {}; {secs:.1} s ({:.0} MB/s)",
        args.out.display(),
        st.reports,
        100.0 * st.reports as f64 / lines.max(1) as f64,
        st.invocations,
        st.invocations,
        st.app_lines,
        st.invocations,
        args.functions,
        st.cold,
        st.timeouts,
        st.errors,
        args.seed,
        bytes as f64 / 1e6 / secs.max(1e-9),
    );
    Ok(())
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("gen_bench_export: {e}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen_bench_export: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_suffixes() {
        assert_eq!(parse_bytes("1G"), Ok(1_000_000_000));
        assert_eq!(parse_bytes("200M"), Ok(200_000_000));
        assert_eq!(parse_bytes("1_000_000_000"), Ok(1_000_000_000));
        assert_eq!(parse_bytes("512Mi"), Ok(512 << 20));
        assert_eq!(parse_bytes("1GB"), Ok(1_000_000_000));
        assert_eq!(parse_bytes("1.5k"), Ok(1500));
        assert!(parse_bytes("x").is_err());
        assert!(parse_bytes("0").is_err());
    }

    #[test]
    fn dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        let mut s = String::new();
        write_iso(&mut s, T0_MS + 5864);
        assert_eq!(s, "2025-09-01T00:00:05.864Z");
        s.clear();
        write_uuid(&mut s, u128::MAX);
        assert_eq!(s, "ffffffff-ffff-4fff-bfff-ffffffffffff");
    }
}
